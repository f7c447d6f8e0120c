//! Search: the resolved site becomes its search indexes, one per language, for the search
//! page in the browser and for `aspnet-kb search`.
//!
//! - **Input**: a resolved [`Site`], read only.
//! - **Output**: per language ([`index_language`]), the [`SearchDoc`]s, in batches (every
//!   page shown in the language, fallbacks included, noting their own language); the browser
//!   index's files as [`OutputFile`]s, with the [`browser::Manifest`] the search page embeds
//!   ([`manifests`]); the tantivy index ([`index::write`], fed the batches) that [`query`]
//!   answers from. One language at a time and a few batches of documents are held at once.
//! - **Knows nothing of** render, templates or HTML, serve, or where anything is written:
//!   the caller hands the files to the output and picks the tantivy index's folder. It runs
//!   after resolve and before render, which needs only the manifests.
//!
//! Every side analyses text with [`analysis`], so the browser and `aspnet-kb search` agree on
//! words, accents and stems.

pub mod analysis;
pub mod browser;
pub mod index;
pub mod query;

use crate::locale::Locale;
use crate::markdown;
use crate::output::OutputFile;
use crate::parse::Kind;
use crate::resolve::{Entry, Site};
use browser::LanguageIndex;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// One page as search sees it, in one language's site.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// The page's translation key.
    pub key: String,
    /// The reader's language (which index the document is in).
    pub lang: String,
    /// The language the text is written in (differs for fallback pages).
    pub content_lang: String,
    pub url: String,
    pub kind: &'static str,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: Vec<String>,
    /// The names of its countries in the reader's language, so that "Kenya", "Kenia" or
    /// "كينيا" find a practice in `ke`.
    pub places: Vec<String>,
    pub themes: Vec<String>,
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub levels: Vec<String>,
    /// A practice's SDG targets (`4.7`).
    pub sdg_targets: Vec<String>,
}

/// Search documents made at a time.
const DOCUMENT_BATCH: usize = 2048;

/// The browser index of one language, with its files: its searchable pages (everything but
/// section indexes and the home page) are made into documents a batch at a time, in parallel,
/// and each batch, in the site's order, is added to the index and handed to `each` (which may
/// keep it: tantivy's writer does), so that no more than a few batches are held at once.
/// An error of `each` stops the run.
pub fn index_language<E>(
    site: &Site,
    lang: &str,
    mut each: impl FnMut(Arc<Vec<SearchDoc>>) -> Result<(), E>,
) -> Result<(LanguageIndex, Vec<OutputFile>), E> {
    let locale = Locale::new(lang);
    let entries: Vec<&Entry> = site.entries_in(lang).collect();
    let mut index = LanguageIndex::new(lang, &site.theme_codes(), &site.config.base_path);
    for batch in entries.chunks(DOCUMENT_BATCH) {
        let documents: Vec<SearchDoc> = batch
            .par_iter()
            .filter_map(|entry| document_in(site, entry, &locale))
            .collect();
        let documents = Arc::new(documents);
        each(Arc::clone(&documents))?;
        index.add(&documents);
    }
    Ok(index.finish(&format!("/{lang}/search/")))
}

/// A page shown in a language as search sees it; `None` for section indexes and the home page.
pub fn document(site: &Site, entry: &Entry) -> Option<SearchDoc> {
    document_in(site, entry, &Locale::new(&entry.lang))
}

/// [`document`], with the reader's language's `locale` (for country names) at hand.
fn document_in(site: &Site, entry: &Entry, locale: &Locale) -> Option<SearchDoc> {
    let page = site.page(entry);
    let (themes, countries, levels) = match &page.kind {
        Kind::Home | Kind::Section => return None,
        Kind::Practice(p) => (p.themes.clone(), p.countries.clone(), p.levels.clone()),
        Kind::Member(m) => (m.themes.clone(), vec![m.country.clone()], m.levels.clone()),
        Kind::Coordinator(c) => (Vec::new(), vec![c.country.clone()], Vec::new()),
        Kind::Theme(_) => (vec![page.slug_of_key().to_string()], Vec::new(), Vec::new()),
        Kind::Page | Kind::GuideChapter => (Vec::new(), Vec::new(), Vec::new()),
    };
    let mut regions: Vec<String> = countries
        .iter()
        .filter_map(|c| site.regions.region_of(c).map(str::to_string))
        .collect();
    regions.sort();
    regions.dedup();
    let body = match &page.kind {
        Kind::Member(m) => {
            format!("{} {} {}", m.city, m.name, markdown::plain_text(&page.body))
        }
        Kind::Coordinator(c) => {
            format!("{} {}", c.organization, markdown::plain_text(&page.body))
        }
        _ => markdown::plain_text(&page.body),
    };
    Some(SearchDoc {
        key: page.key.clone(),
        lang: entry.lang.clone(),
        content_lang: page.lang.clone(),
        url: site.config.link(&entry.path),
        kind: page.kind.name(),
        title: page.title.clone(),
        summary: page.summary.clone().unwrap_or_default(),
        body,
        tags: page.tags.iter().map(|t| t.name.clone()).collect(),
        places: countries.iter().map(|c| locale.country_name(c)).collect(),
        themes,
        countries,
        regions,
        levels,
        sdg_targets: match &page.kind {
            Kind::Practice(p) => p.sdg_targets.clone(),
            _ => Vec::new(),
        },
    })
}

/// Each language's manifest.
pub fn manifests(indexes: &HashMap<String, LanguageIndex>) -> HashMap<String, browser::Manifest> {
    indexes
        .iter()
        .map(|(lang, index)| (lang.clone(), index.manifest()))
        .collect()
}
