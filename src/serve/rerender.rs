//! Rendering again after an edit, for the preview. Render makes what it is asked for; this
//! module decides what to ask: which outputs an edit can change ([`Touched`], pages that list
//! others), and of those, which did change — a listing is remade when its fingerprint (its
//! order and own context) differs from the last render, or when it lists a page whose face in
//! listings changed ([`listed_as`]). A body edit leaves every listing alone.
//!
//! Input: a [`Renderer`] of the new site, the [`Scope`] of the edit and the fingerprints of
//! the last render. Output: the files, into a sink, and the fingerprints for the next edit.

use crate::date::Day;
use crate::diagnostic::{Diagnostic, EnvError};
use crate::load::Asset;
use crate::output::{OutputFile, Sink};
use crate::parse::{Kind, Page};
use crate::render::{Renderer, Selection, TermSet, View, listing_paths};
use crate::resolve::{Entry, Site};
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Listings' fingerprints, by site path.
pub type Fingerprints = HashMap<String, u64>;

/// The problems of rendered views, and the fingerprints of those tracked.
type Made = (Vec<Diagnostic>, Vec<(String, u64)>);

/// What a render covers.
pub enum Scope<'s> {
    /// Every page and file, keeping the listings' fingerprints for later [`Scope::Changed`].
    Full,
    /// After an edit: the pages of `keys` (in every language), the listings whose fingerprint
    /// differs from `listings` (those the edit shows in), and the feeds, sitemaps and other
    /// site-wide files. Static and bundle files are left as they are.
    Changed {
        keys: &'s HashSet<String>,
        /// Keys of those changed pages that listings show differently (see [`listed_as`]):
        /// a listing showing one is remade even when its fingerprint is the same.
        relisted: &'s HashSet<String>,
        listings: &'s Fingerprints,
        /// Whether a member institution's page is among the changes.
        members: bool,
        /// What the changes touch, when they changed pages without adding or removing any:
        /// only those listings are remade. `None`: all of them.
        only: Option<&'s Touched>,
    },
}

/// What an edit touches: the taxonomy terms the edited pages were in or are in now
/// (countries, levels, tag slugs; regions follow from the countries), their top-level
/// sections and thematic areas; whether a term's count changed (then the taxonomy index pages
/// are remade too) and whether an address, date or alias did (then sitemaps and redirects).
#[derive(Debug, Default)]
pub struct Touched {
    pub terms: TermSet,
    pub sections: HashSet<String>,
    pub themes: HashSet<String>,
    pub counts: bool,
    pub addresses: bool,
}

impl Touched {
    /// The first pages of the taxonomy listings of the touched terms in `lang` (and of the
    /// touched countries' member directory pages, if `members`), whether they still have
    /// pages or not.
    fn term_listings(&self, lang: &str, site: &Site, members: bool) -> Vec<String> {
        let terms = &self.terms;
        let regions: HashSet<&str> = (terms.countries.iter())
            .filter_map(|c| site.regions.region_of(c))
            .collect();
        let countries: HashSet<&str> = terms.countries.iter().map(String::as_str).collect();
        let directories = if members {
            countries.clone()
        } else {
            HashSet::new()
        };
        let terms = [
            ("members", directories),
            ("countries", countries),
            ("regions", regions),
            ("levels", terms.levels.iter().map(String::as_str).collect()),
            ("tags", terms.tags.iter().map(String::as_str).collect()),
        ];
        terms
            .iter()
            .flat_map(|(taxonomy, terms)| {
                terms
                    .iter()
                    .map(move |t| format!("/{lang}/{taxonomy}/{t}/"))
            })
            .collect()
    }

    /// Whether `page`, which lists others, may list an edited page: the home page, the
    /// touched sections' pages and thematic areas'.
    fn may_list_the_edit(&self, page: &Page) -> bool {
        let top = page.dir.split('/').next().unwrap_or("");
        page.dir.is_empty()
            || self.sections.contains(top)
            || matches!(page.kind, Kind::Theme(_)) && self.themes.contains(page.slug_of_key())
    }
}

/// The first page of a paginated listing page: `/en/tags/x/page/3/` → `/en/tags/x/`.
fn first_page(path: &str) -> &str {
    let Some(rest) = path.strip_suffix('/') else {
        return path;
    };
    match rest.rsplit_once("/page/") {
        Some((first, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            &path[..first.len() + 1]
        }
        _ => path,
    }
}

/// What a listing shows of a page before formatting (render's `Item`: title, summary, kind,
/// language, the line of place and date): two versions of a page alike here are listed alike.
#[derive(PartialEq)]
pub struct ListedAs<'p> {
    title: &'p str,
    generated: bool,
    summary: Option<&'p str>,
    lang: &'p str,
    date: Option<Day>,
    place: Vec<&'p str>,
}

pub fn listed_as(page: &Page) -> ListedAs<'_> {
    let place = match &page.kind {
        Kind::Practice(p) => p.countries.iter().map(String::as_str).collect(),
        Kind::Member(m) => vec![m.city.as_str(), &m.country],
        Kind::Coordinator(c) => vec![c.organization.as_str(), &c.country],
        _ => Vec::new(),
    };
    ListedAs {
        title: &page.title,
        generated: page.generated,
        summary: page.summary.as_deref(),
        lang: &page.lang,
        date: page.date,
        place,
    }
}

/// The result of a render: its problems and the fingerprint of every listing page.
pub struct Rendered {
    pub problems: Vec<Diagnostic>,
    pub listings: Fingerprints,
}

/// What a scope asks of render: the listings, the pages and the fingerprints before.
struct Asked<'s> {
    /// The member directory lists members only: no other edit can change it.
    members: bool,
    only: Option<&'s Touched>,
    keys: Option<&'s HashSet<String>>,
    relisted: Option<&'s HashSet<String>>,
    before: Option<&'s Fingerprints>,
}

impl<'s> Asked<'s> {
    fn of(scope: &Scope<'s>) -> Asked<'s> {
        match scope {
            Scope::Full => Asked {
                members: true,
                only: None,
                keys: None,
                relisted: None,
                before: None,
            },
            Scope::Changed {
                keys,
                relisted,
                listings,
                members,
                only,
            } => Asked {
                members: *members,
                only: *only,
                keys: Some(*keys),
                relisted: Some(*relisted),
                before: Some(*listings),
            },
        }
    }

    /// The listings to look at.
    fn selection(&self) -> Selection<'s> {
        Selection {
            terms: self.only.map(|t| &t.terms),
            indexes: self.only.is_none_or(|t| t.counts),
            members: self.members,
        }
    }

    /// The pages to look at: every page, or the changed pages and those that may list them.
    fn entries<'a>(&self, site: &'a Site) -> Vec<&'a Entry> {
        let languages = site.config.languages.iter().map(|l| l.code.as_str());
        let Some(keys) = self.keys else {
            return languages.flat_map(|l| site.entries_in(l)).collect();
        };
        let listing = (site.pages.iter())
            .filter(|p| p.lists_pages() && self.only.is_none_or(|t| t.may_list_the_edit(p)));
        let wanted: BTreeSet<&str> = (keys.iter().map(String::as_str))
            .chain(listing.map(|p| p.key.as_str()))
            .collect();
        languages
            .flat_map(|l| wanted.iter().filter_map(move |k| site.entry(l, k)))
            .collect()
    }

    /// Whether a tracked `view` with `fingerprint` is as the last render made it: the same
    /// fingerprint, and none of the pages it lists shows differently.
    fn unchanged(&self, view: &View, fingerprint: u64, site: &Site) -> bool {
        self.before
            .is_some_and(|b| b.get(view.path()) == Some(&fingerprint))
            && !self.relisted.is_some_and(|k| view.lists_any(k, site))
    }

    /// The fingerprints of the last render that stay: of what was not looked at this time
    /// (the member directory when no member changed, the listings the changes do not touch).
    /// Those looked at and not made again are gone.
    fn kept(&self, looked_at: &HashSet<String>) -> Fingerprints {
        let Some(before) = self.before else {
            return Fingerprints::new();
        };
        before
            .iter()
            .filter(|(path, _)| match self.only {
                Some(_) => !looked_at.contains(first_page(path)),
                None => !self.members && path.split('/').nth(2) == Some("members"),
            })
            .map(|(p, f)| (p.clone(), *f))
            .collect()
    }
}

/// Renders what `scope` asks for into `sink`: the changed pages, the listings that changed,
/// and the site files an edit can change.
pub fn render(
    renderer: &Renderer,
    site: &Site,
    theme: &Theme,
    assets: &[Asset],
    sink: &dyn Sink,
    scope: &Scope<'_>,
) -> Result<Rendered, EnvError> {
    let asked = Asked::of(scope);
    let listings = renderer.listings(asked.selection());
    let entries = asked.entries(site);
    // With `only`, the listings looked at by their first page, touched terms included.
    let mut looked_at: HashSet<String> = HashSet::new();
    if let Some(touched) = asked.only {
        looked_at.extend(listings.iter().map(|v| v.path().to_string()));
        looked_at.extend(entries.iter().map(|e| e.path.clone()));
        for lang in site.config.languages.iter() {
            looked_at.extend(touched.term_listings(&lang.code, site, asked.members));
        }
    }
    let (mut problems, fingerprints) =
        render_views(renderer, site, sink, &asked, &listings, &entries)?;
    let mut listings = asked.kept(&looked_at);
    listings.extend(fingerprints);
    // An edit that keeps addresses, dates and aliases leaves sitemaps, redirects and the
    // chooser as they are; feeds show titles and summaries. Static and bundle files change
    // only with a full run.
    type Made<'r> = Box<dyn Iterator<Item = Result<OutputFile, Diagnostic>> + 'r>;
    let (mut files, made): (Vec<OutputFile>, Made) = match (scope, asked.only) {
        (Scope::Changed { .. }, Some(touched)) if !touched.addresses => {
            (Vec::new(), Box::new(renderer.feeds().into_iter()))
        }
        _ => (
            renderer.site_wide_files(theme, &mut problems),
            Box::new(renderer.feeds_and_sitemaps(theme)),
        ),
    };
    if matches!(scope, Scope::Full) {
        files.extend(renderer.assets(assets));
    }
    for file in files.into_iter().map(Ok).chain(made) {
        match file {
            Ok(file) => sink.put(file)?,
            Err(problem) => problems.push(problem),
        }
    }
    Ok(Rendered { problems, listings })
}

/// Renders, in parallel, the `listings` and the pages of `entries` that changed; returns the
/// problems and the fingerprint of every listing (pages that list others included).
fn render_views(
    renderer: &Renderer,
    site: &Site,
    sink: &dyn Sink,
    asked: &Asked,
    listings: &[View],
    entries: &[&Entry],
) -> Result<Made, EnvError> {
    let listing_paths = listing_paths(listings);
    // Renders `view` unless it is tracked and unchanged; returns its fingerprint if tracked.
    let put = |view: &View,
               tracked: bool,
               problems: &mut Vec<Diagnostic>|
     -> Result<Option<(String, u64)>, EnvError> {
        let fingerprint = tracked.then(|| view.fingerprint());
        if !fingerprint.is_some_and(|f| asked.unchanged(view, f, site)) {
            match renderer.render_view(view, &listing_paths) {
                Ok(file) => sink.put(file)?,
                Err(d) => problems.push(d),
            }
        }
        Ok(fingerprint.map(|f| (view.path().to_string(), f)))
    };
    let from_listings = listings.par_iter().map(|view| {
        let mut problems = Vec::new();
        let fingerprint = put(view, true, &mut problems)?;
        Ok((problems, fingerprint.into_iter().collect()))
    });
    let from_pages = entries.par_iter().map(|entry| {
        let (views, mut problems) = renderer.page_views(entry);
        let mut fingerprints = Vec::new();
        let lists_pages = site.page(entry).lists_pages();
        for view in &views {
            fingerprints.extend(put(view, lists_pages, &mut problems)?);
        }
        Ok((problems, fingerprints))
    });
    let rendered: Vec<Made> = from_listings
        .chain(from_pages)
        .collect::<Result<_, EnvError>>()?;
    let mut problems = Vec::new();
    let mut fingerprints = Vec::new();
    for (p, f) in rendered {
        problems.extend(p);
        fingerprints.extend(f);
    }
    Ok((problems, fingerprints))
}
