//! Resolve: every parsed page becomes part of one read-only [`Site`].
//!
//! - **Input**: the [`Config`], the [`RegionTable`] and every parsed [`Page`]
//!   (`Vec<Arc<Page>>`).
//! - **Output**: a [`Site`] (which page shows in which language, translation or fallback;
//!   every URL; sections; the pages in each taxonomy term; member ids) and the problems only
//!   the whole site shows (countries, thematic areas, member ids, translations without an
//!   original, URL collisions) as [`Diagnostic`]s.
//! - **Knows nothing of** files (pages come parsed), Markdown or HTML, templates, search,
//!   the output or the preview. Search and render only read the `Site`;
//!   [`Site::with_pages_replaced`] resolves edited pages again for whoever keeps a site
//!   between edits.

mod inherit;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::parse::{Kind, Page, Practice, check, closest_hint};
use crate::regions::RegionTable;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// One page as shown in one language's site.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Index into [`Site::pages`] of the source shown.
    pub page: usize,
    /// The reader's language (the site folder the entry lives in).
    pub lang: String,
    /// Site-absolute path: `/fr/practices/sandwatch/`.
    pub path: String,
    /// True when the page is shown from another language (the default language, else the
    /// page's source language) and is not data: a member's or coordinator's page never is.
    pub untranslated: bool,
}

pub struct Site {
    pub config: Config,
    pub regions: RegionTable,
    /// Shared with whoever parsed them (`serve` keeps them between edits).
    pub pages: Vec<Arc<Page>>,
    /// Per language, translation key to entry; a BTreeMap keeps output order stable. Shared
    /// with the sites [`Site::with_pages_replaced`] makes from this one.
    pub entries: Arc<BTreeMap<String, BTreeMap<String, Entry>>>,
    /// Member id to the member page's key.
    pub members: Arc<HashMap<String, String>>,
    /// Per language, the pages listings gather.
    pub groups: Arc<HashMap<String, Groups>>,
    /// Every page's address, in every language.
    pub addresses: Arc<HashSet<String>>,
}

/// The pages of one language's site that listings gather, by key, in key order: practices,
/// and the pages in each taxonomy term.
#[derive(Default)]
pub struct Groups {
    pub practices: Vec<String>,
    pub countries: BTreeMap<String, CountryKeys>,
    pub regions: BTreeMap<String, Vec<String>>,
    pub levels: BTreeMap<String, Vec<String>>,
    /// Tag slug → the tag as its first page writes it, and its pages.
    pub tags: BTreeMap<String, (String, Vec<String>)>,
}

impl Groups {
    fn country(&mut self, code: &str) -> &mut CountryKeys {
        self.countries.entry(code.to_string()).or_default()
    }
}

/// The pages of a country.
#[derive(Default)]
pub struct CountryKeys {
    pub practices: Vec<String>,
    pub members: Vec<String>,
    pub coordinators: Vec<String>,
}

impl Site {
    pub fn entry(&self, lang: &str, key: &str) -> Option<&Entry> {
        self.entries.get(lang)?.get(key)
    }

    pub fn page(&self, entry: &Entry) -> &Page {
        &self.pages[entry.page]
    }

    /// Entries of one language, in key order.
    pub fn entries_in(&self, lang: &str) -> impl Iterator<Item = &Entry> {
        self.entries.get(lang).into_iter().flat_map(|m| m.values())
    }

    /// The entries of `keys` in one language.
    pub fn entries_of<'s>(&'s self, lang: &str, keys: &[String]) -> Vec<&'s Entry> {
        keys.iter().filter_map(|k| self.entry(lang, k)).collect()
    }

    /// What listings gather in one language.
    pub fn groups(&self, lang: &str) -> &Groups {
        static NONE: std::sync::OnceLock<Groups> = std::sync::OnceLock::new();
        self.groups
            .get(lang)
            .unwrap_or_else(|| NONE.get_or_init(Groups::default))
    }

    /// The thematic areas' keys (`themes/gced` → `gced`).
    pub fn theme_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self
            .pages
            .iter()
            .filter(|p| matches!(p.kind, Kind::Theme(_)))
            .map(|p| p.slug_of_key().to_string())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }

    /// Translation key → (language → entry), for switchers and hreflang alternates.
    pub fn alternates(&self, key: &str) -> Vec<&Entry> {
        self.config
            .languages
            .iter()
            .filter_map(|l| self.entry(&l.code, key))
            .collect()
    }
}

/// URL path of a page in a language folder.
pub fn page_path(lang: &str, page: &Page) -> String {
    let mut path = format!("/{lang}/");
    if !page.dir.is_empty() {
        path.push_str(&page.dir);
        path.push('/');
    }
    if !page.is_index() {
        path.push_str(&page.slug);
        path.push('/');
    }
    path
}

/// The read-only [`Site`] of `pages`, and the problems only the whole site shows: drafts
/// dropped (unless the config publishes them), missing sections added, every page placed in
/// every language, member ids gathered, references and URL collisions checked.
pub fn resolve(
    config: Config,
    regions: RegionTable,
    mut pages: Vec<Arc<Page>>,
) -> (Site, Vec<Diagnostic>) {
    pages.retain(|p| config.drafts || !p.draft);
    add_missing_sections(&mut pages, &config.default_language);
    pages.sort_by(|a, b| a.source.cmp(&b.source));
    let mut problems = one_file_per_language(&mut pages);
    problems.extend(inherit_data(&mut pages));

    let by_key = translations_by_key(&pages);
    let entries = place_entries(&config, &by_key, &pages);
    let (members, member_problems) = member_ids(&pages);
    problems.extend(member_problems);

    let groups = group(&entries, &pages, &regions);
    let addresses = entries
        .values()
        .flat_map(|entries| entries.values().map(|e| e.path.clone()))
        .collect();
    let site = Site {
        config,
        regions,
        pages,
        entries: Arc::new(entries),
        members: Arc::new(members),
        groups: Arc::new(groups),
        addresses: Arc::new(addresses),
    };
    problems.extend(check_references(&site, &site.pages));
    problems.extend(check_collisions(&site));
    problems.extend(check_menu(&site));
    (site, problems)
}

/// Translation key → (language → index into `pages`).
type TranslationsByKey<'p> = BTreeMap<&'p str, HashMap<&'p str, usize>>;

/// Every page's translations, by key.
fn translations_by_key(pages: &[Arc<Page>]) -> TranslationsByKey<'_> {
    let mut by_key: TranslationsByKey = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        by_key.entry(&page.key).or_default().insert(&page.lang, i);
    }
    by_key
}

/// The page a language without its own version of a page shows: the default language's,
/// else the source (the upstream's first).
fn fallback(
    translations: &HashMap<&str, usize>,
    default: &str,
    pages: &[Arc<Page>],
) -> Option<usize> {
    translations.get(default).copied().or_else(|| {
        translations
            .values()
            .copied()
            .filter(|&i| pages[i].original)
            .min_by_key(|&i| (!pages[i].from_upstream, i))
    })
}

/// Member and coordinator pages are data: shown in every language, never as untranslated.
fn is_data(page: &Page) -> bool {
    matches!(page.kind, Kind::Member(_) | Kind::Coordinator(_))
}

/// Per language, the entry of each key shown there: its translation, else the page of
/// [`fallback`] (a generated section, a member's or coordinator's page, or — when the config
/// allows fallbacks — any other page, marked untranslated).
fn place_entries(
    config: &Config,
    by_key: &TranslationsByKey,
    pages: &[Arc<Page>],
) -> BTreeMap<String, BTreeMap<String, Entry>> {
    let default = config.default_language.as_str();
    let mut entries = BTreeMap::new();
    for language in &config.languages {
        let lang = &language.code;
        let mut map = BTreeMap::new();
        for (key, translations) in by_key {
            let (index, untranslated) = match translations.get(lang.as_str()) {
                Some(&i) => (i, false),
                None => match fallback(translations, default, pages) {
                    Some(i) if pages[i].generated => (i, false),
                    Some(i) if is_data(&pages[i]) => (i, false),
                    Some(i) if config.translation_fallback => (i, true),
                    _ => continue,
                },
            };
            let path = page_path(lang, &pages[index]);
            map.insert(
                key.to_string(),
                Entry {
                    page: index,
                    lang: lang.clone(),
                    path,
                    untranslated,
                },
            );
        }
        entries.insert(lang.clone(), map);
    }
    entries
}

/// At most one file per page and language: of a mirror's file and its upstream's, the
/// mirror's stays (it replaces the upstream's); two files of one tree (`x.md` and `x.en.md`
/// when English is the tree's source language, or `x.md` and `x/index.md`) are an error
/// naming both. `pages` is in source order.
fn one_file_per_language(pages: &mut Vec<Arc<Page>>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut kept: HashMap<(String, String), usize> = HashMap::new();
    let mut dropped = vec![false; pages.len()];
    for (i, page) in pages.iter().enumerate() {
        let place = (page.key.clone(), page.lang.clone());
        let Some(&first) = kept.get(&place) else {
            kept.insert(place, i);
            continue;
        };
        let other = &pages[first];
        match (other.from_upstream, page.from_upstream) {
            (true, false) => {
                dropped[first] = true;
                kept.insert(place, i);
            }
            (false, true) => dropped[i] = true,
            _ => {
                // The source-language file is kept, and named first: `x.md` and `x.en.md`.
                let (a, b) = match page.original && !other.original {
                    true => {
                        dropped[first] = true;
                        kept.insert(place, i);
                        (page, other)
                    }
                    false => {
                        dropped[i] = true;
                        (other, page)
                    }
                };
                problems.push(
                    Diagnostic::error(
                        &b.source,
                        1,
                        format!(
                            "`{}` and `{}` are both the `{}` version of one page",
                            a.source, b.source, page.lang
                        ),
                    )
                    .with_hint(
                        "keep one of them: `name.md` is in the site's source_language, `name.LANG.md` in LANG",
                    ),
                );
            }
        }
    }
    let mut index = 0;
    pages.retain(|_| {
        index += 1;
        !dropped[index - 1]
    });
    problems
}

/// A mirror's own `name.md` at the address of an upstream page written in another language
/// is shown as that page's version in the mirror's language: most often a page meant to be
/// the mirror's own that took a name the global site uses. A warning.
fn shadowing_originals(pages: &[Arc<Page>], sources: &HashMap<&str, usize>) -> Vec<Diagnostic> {
    pages
        .iter()
        .filter(|p| p.original && !p.from_upstream)
        .filter_map(|page| {
            let source = &pages[*sources.get(page.key.as_str())?];
            (source.from_upstream && source.lang != page.lang).then(|| {
                Diagnostic::warning(
                    &page.source,
                    1,
                    format!(
                        "{} is the {} version of the upstream page {}",
                        page.source, page.lang, source.source
                    ),
                )
                .with_hint(format!(
                    "to translate it, name the file `{}`; for a page of your own, choose a name the upstream does not use",
                    translation_name(page)
                ))
            })
        })
        .collect()
}

/// The file name of `page`'s source with its language: `content/about.ar.md`.
fn translation_name(page: &Page) -> String {
    let stem = page.source.strip_suffix(".md").unwrap_or(&page.source);
    format!("{stem}.{}.md", page.lang)
}

/// Each page's source: the page of its key written in its tree's source language, the
/// upstream's first. Translations with a source inherit their data from it
/// ([`inherit::inherit`]); without one (a mirror's page in its languages only) they must
/// name their required data themselves.
fn inherit_data(pages: &mut [Arc<Page>]) -> Vec<Diagnostic> {
    let mut sources: HashMap<&str, usize> = HashMap::new();
    for (i, page) in pages.iter().enumerate().filter(|(_, p)| p.original) {
        let better = sources
            .get(page.key.as_str())
            .is_none_or(|&s| page.from_upstream && !pages[s].from_upstream);
        if better {
            sources.insert(&page.key, i);
        }
    }
    let mut problems = shadowing_originals(pages, &sources);
    let mut inherited = Vec::new();
    for (i, page) in pages.iter().enumerate().filter(|(_, p)| !p.original) {
        match sources.get(page.key.as_str()) {
            Some(&s) => {
                let (page, warnings) = inherit::inherit(&pages[s], page);
                problems.extend(warnings);
                inherited.push((i, page));
            }
            None => problems.extend(
                page.missing_data
                    .iter()
                    .map(|key| crate::parse::missing_key(&page.source, key)),
            ),
        }
    }
    for (i, page) in inherited {
        pages[i] = Arc::new(page);
    }
    problems
}

/// Member id → the member page's key; a page of another key with an id already taken is an
/// error.
fn member_ids(pages: &[Arc<Page>]) -> (HashMap<String, String>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut members = HashMap::new();
    let mut member_sources: HashMap<String, usize> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Kind::Member(m) = &page.kind {
            if m.id.is_empty() {
                continue;
            }
            if let Some(&first) = member_sources.get(&m.id) {
                if pages[first].key == page.key {
                    continue;
                }
                problems.push(
                    page.error_at(
                        "id",
                        Some(&m.id),
                        format!("id: duplicate member id \"{}\"", m.id),
                    )
                    .with_hint(format!(
                        "{} already uses it; member ids must be unique",
                        pages[first].source
                    )),
                );
            } else {
                member_sources.insert(m.id.clone(), i);
                members.insert(m.id.clone(), page.key.clone());
            }
        }
    }
    (members, problems)
}

impl Site {
    /// This site with `pages` shown in place of the pages parsed from the same files, and the
    /// problems of their references: what [`resolve`] makes of the changed pages, without
    /// resolving every other page again. `None` when a page is new, or changes what resolve
    /// decides from (key, language, draft flag, address, aliases, kind, member id); then only
    /// a full resolve will do. Problems of the other pages stay as the full resolve found
    /// them.
    pub fn with_pages_replaced(&self, pages: &[Arc<Page>]) -> Option<(Site, Vec<Diagnostic>)> {
        let mut replaced = self.pages.clone();
        let mut regrouped = false;
        for page in pages {
            let index = replaced
                .binary_search_by(|p| p.source.as_str().cmp(&page.source))
                .ok()?;
            if !same_place(&replaced[index], page) || has_versions(&replaced, index) {
                return None;
            }
            regrouped |= replaced[index].terms() != page.terms();
            replaced[index] = Arc::clone(page);
        }
        let groups = if regrouped {
            Arc::new(group(&self.entries, &replaced, &self.regions))
        } else {
            Arc::clone(&self.groups)
        };
        let site = Site {
            config: self.config.clone(),
            regions: self.regions.clone(),
            pages: replaced,
            entries: Arc::clone(&self.entries),
            members: Arc::clone(&self.members),
            groups,
            addresses: Arc::clone(&self.addresses),
        };
        let problems = check_references(&site, pages);
        Some((site, problems))
    }
}

/// Whether the page at `index` of `pages` (in source order) has other versions — a source
/// and its translations, which inherit its data: an edit of one needs a full resolve.
fn has_versions(pages: &[Arc<Page>], index: usize) -> bool {
    let key = &pages[index].key;
    pages.iter().filter(|p| &p.key == key).nth(1).is_some()
}

/// Whether `new` takes the place of `old` in every language: same key, language, draft flag,
/// address, aliases, kind and member id.
fn same_place(old: &Page, new: &Page) -> bool {
    let member_id = |page: &Page| match &page.kind {
        Kind::Member(m) => Some(m.id.clone()),
        _ => None,
    };
    (
        &old.key,
        &old.lang,
        old.draft,
        &old.dir,
        &old.slug,
        &old.aliases,
    ) == (
        &new.key,
        &new.lang,
        new.draft,
        &new.dir,
        &new.slug,
        &new.aliases,
    ) && old.kind.name() == new.kind.name()
        && old.generated == new.generated
        && member_id(old) == member_id(new)
}

/// Per language, the practices and the pages in each taxonomy term.
fn group(
    entries: &BTreeMap<String, BTreeMap<String, Entry>>,
    pages: &[Arc<Page>],
    regions: &RegionTable,
) -> HashMap<String, Groups> {
    let mut all = HashMap::new();
    for (lang, entries) in entries {
        let mut groups = Groups::default();
        for (key, entry) in entries {
            let page = &pages[entry.page];
            for tag in &page.tags {
                let group = groups
                    .tags
                    .entry(tag.slug.clone())
                    .or_insert_with(|| (tag.name.clone(), Vec::new()));
                group.1.push(key.clone());
            }
            match &page.kind {
                Kind::Practice(p) => {
                    groups.practices.push(key.clone());
                    for c in &p.countries {
                        groups.country(c).practices.push(key.clone());
                    }
                    let mut in_regions: Vec<&str> = p
                        .countries
                        .iter()
                        .filter_map(|c| regions.region_of(c))
                        .collect();
                    in_regions.sort_unstable();
                    in_regions.dedup();
                    for r in in_regions {
                        let region = groups.regions.entry(r.to_string()).or_default();
                        region.push(key.clone());
                    }
                    for l in &p.levels {
                        groups
                            .levels
                            .entry(l.clone())
                            .or_default()
                            .push(key.clone());
                    }
                }
                Kind::Member(m) => groups.country(&m.country).members.push(key.clone()),
                Kind::Coordinator(c) => groups.country(&c.country).coordinators.push(key.clone()),
                _ => {}
            }
        }
        all.insert(lang.clone(), groups);
    }
    all
}

/// Sections every site has (the menu links to them), and every folder holding pages, get an
/// index page even when the site wrote no `_index.md` for them.
fn add_missing_sections(pages: &mut Vec<Arc<Page>>, default: &str) {
    let mut dirs: std::collections::BTreeSet<String> = [
        "",
        "practices",
        "themes",
        "guides",
        "members",
        "coordinators",
    ]
    .iter()
    .map(|d| d.to_string())
    .collect();
    for page in pages.iter() {
        let top = page.dir.split('/').next().unwrap_or("");
        dirs.insert(top.to_string());
        if page.dir.starts_with("guides/") {
            dirs.insert(page.dir.clone());
        }
    }
    for page in pages.iter().filter(|p| p.is_index()) {
        dirs.remove(&page.dir);
    }
    pages.extend(
        dirs.into_iter()
            .map(|dir| Arc::new(Page::generated_section(&dir, default))),
    );
}

/// Countries, regions, levels, thematic areas and member ids named in front matter of `pages`
/// must exist in `site`; a practice's image needs its description.
fn check_references(site: &Site, pages: &[Arc<Page>]) -> Vec<Diagnostic> {
    let known = Known::of(site);
    let mut problems = Vec::new();
    for page in pages {
        // A translation's inherited values are its source's, checked there.
        let own =
            |key: &str| page.translation_of.is_none() || page.named_data.iter().any(|k| k == key);
        match &page.kind {
            Kind::Practice(p) => {
                for c in p.countries.iter().filter(|_| own("countries")) {
                    known.check_country(page, "countries", c, &mut problems);
                }
                if own("themes") {
                    known.check_themes(page, &p.themes, &mut problems);
                }
                if own("members") {
                    known.check_members(page, &p.members, &mut problems);
                }
                check_image_alt(page, p, &mut problems);
            }
            Kind::Member(m) => {
                if !m.country.is_empty() && own("country") {
                    known.check_country(page, "country", &m.country, &mut problems);
                }
                if own("themes") {
                    known.check_themes(page, &m.themes, &mut problems);
                }
            }
            Kind::Coordinator(c) if !c.country.is_empty() && own("country") => {
                known.check_country(page, "country", &c.country, &mut problems)
            }
            _ => {}
        }
    }
    problems
}

/// What front matter may name, as the whole site knows it.
struct Known<'s> {
    site: &'s Site,
    /// The thematic areas' codes.
    themes: Vec<String>,
}

impl<'s> Known<'s> {
    fn of(site: &'s Site) -> Known<'s> {
        Known {
            site,
            themes: site.theme_codes(),
        }
    }

    /// `code`, under front matter `key`, must be a country of the region table.
    fn check_country(&self, page: &Page, key: &str, code: &str, problems: &mut Vec<Diagnostic>) {
        if let Err(invalid) = check::country(key, code, &self.site.regions) {
            let problem = page.error_at(key, Some(code), invalid.message);
            problems.push(match invalid.hint {
                Some(hint) => problem.with_hint(hint),
                None => problem,
            });
        }
    }

    /// Every code of `list` must be a thematic area of the site.
    fn check_themes(&self, page: &Page, list: &[String], problems: &mut Vec<Diagnostic>) {
        for theme in list.iter().filter(|t| !self.themes.contains(t)) {
            let theme_refs: Vec<&str> = self.themes.iter().map(String::as_str).collect();
            problems.push(
                page.error_at(
                    "themes",
                    Some(theme),
                    format!("themes: unknown thematic area \"{theme}\""),
                )
                .with_hint(closest_hint(theme, &theme_refs)),
            );
        }
    }

    /// Every id of `ids` must be a member page's `id:`.
    fn check_members(&self, page: &Page, ids: &[String], problems: &mut Vec<Diagnostic>) {
        for id in ids.iter().filter(|id| !self.site.members.contains_key(*id)) {
            problems.push(
                page.error_at(
                    "members",
                    Some(id),
                    format!("members: unknown member id \"{id}\""),
                )
                .with_hint("member ids are the `id:` of pages under content/members/"),
            );
        }
    }
}

/// A practice's image needs `image_alt`, a description for readers who cannot see it.
fn check_image_alt(page: &Page, practice: &Practice, problems: &mut Vec<Diagnostic>) {
    if practice.image.is_some()
        && practice
            .image_alt
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
    {
        problems.push(
            page.error_at(
                "image",
                None,
                "image: needs `image_alt`, a description for readers who cannot see it".into(),
            )
            .with_hint("e.g. image_alt: Pupils testing the river's water with a kit"),
        );
    }
}

/// Each page `menu:` names in `site.yaml` must be a page of the site.
fn check_menu(site: &Site) -> Vec<Diagnostic> {
    let keys: HashSet<&str> = site.pages.iter().map(|p| p.key.as_str()).collect();
    site.config
        .menu
        .iter()
        .filter(|item| !keys.contains(item.key.as_str()))
        .map(|item| {
            Diagnostic::error(
                "site.yaml",
                item.line,
                format!("menu: no page `{}`", item.key),
            )
            .with_hint("name a page under content/ as links do, e.g. `page: \"@/about.md\"`")
        })
        .collect()
}

/// Two pages, or a page and an alias, may not claim one URL.
fn check_collisions<'a>(site: &'a Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut claimed: HashMap<String, &str> = HashMap::new();
    let mut claim = |path: String, page: &'a Page, problems: &mut Vec<Diagnostic>| {
        if let Some(other) = claimed.get(&path) {
            if *other != page.source {
                problems.push(
                    Diagnostic::error(
                        &page.source,
                        1,
                        format!("URL collision: {path} is also made by {other}"),
                    )
                    .with_hint("change the `slug` or the file name of one of them"),
                );
            }
        } else {
            claimed.insert(path, &page.source);
        }
    };
    for lang_entries in site.entries.values() {
        for entry in lang_entries.values().filter(|e| !e.untranslated) {
            let page = site.page(entry);
            claim(entry.path.clone(), page, &mut problems);
        }
    }
    for page in &site.pages {
        for alias in &page.aliases {
            let path = format!("/{}/", alias.trim_matches('/'));
            claim(path, page, &mut problems);
        }
    }
    problems
}
