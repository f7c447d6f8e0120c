//! Incremental rebuilds for `serve`. A [`Session`] keeps what a full run made — setup,
//! every page's parse, the site on show, the listings' fingerprints, the search manifests —
//! so that an edit to Markdown re-reads and re-parses only the files that changed, resolves
//! only those pages when they keep their place ([`Site::with_pages_replaced`]), and renders
//! the edited pages in every language (their language switchers included), the pages showing
//! them, the listings they were or are in (`rerender::Touched`), the feeds, and sitemaps when an
//! address changed. The search index follows on a thread of its own ([`SearchJob`]), so the
//! page reloads without waiting for it.

use super::memory::{Files, MemorySink, in_memory};
use super::rerender::{self, Scope, Touched, listed_as};
use super::search::SearchJob;
use crate::build::{self, Setup};
use crate::config::Overrides;
use crate::date::Day;
use crate::diagnostic::{Diagnostic, Diagnostics, EnvError};
use crate::load::{self, Asset};
use crate::output_map::OutputMap;
use crate::parse::{Kind, Page, Terms};
use crate::render::{Renderer, SearchFacts, is_sitemap_part, output_path};
use crate::resolve::{self, Site};
use crate::search::{self, browser::Manifest};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a rebuild produced: on success the files to add or replace and the paths to drop.
#[derive(Default)]
pub struct Update {
    pub problems: Vec<Diagnostic>,
    pub files: Files,
    pub removed: Vec<String>,
    /// Documents for the search index, when it must be made again.
    pub search: Option<SearchJob>,
}

impl Update {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.problems.iter().filter(|d| d.is_error())
    }
}

/// What of a page decides the listings it is in: its taxonomy terms and thematic areas, its
/// section and whether it is a draft; and what sitemaps and redirects show of it (address,
/// dates, aliases).
struct Memberships<'p> {
    terms: Terms<'p>,
    section: &'p str,
    draft: bool,
    address: (&'p str, Option<Day>, Option<Day>, &'p [String]),
}

impl Memberships<'_> {
    fn of(page: &Page) -> Memberships<'_> {
        Memberships {
            terms: page.terms(),
            section: page.dir.split('/').next().unwrap_or(""),
            draft: page.draft,
            address: (&page.slug, page.date, page.updated, &page.aliases),
        }
    }

    /// Whether a page's edit from `self` to `new` changes how many pages a term has (or a
    /// tag's name, or whether the page is shown at all).
    fn counts_change(&self, new: &Memberships) -> bool {
        (&self.terms, self.draft) != (&new.terms, new.draft)
    }

    /// Whether it changes what sitemaps and redirects show: addresses, dates, aliases, and the
    /// tags with an address from before accents were folded (each one a redirect).
    fn addresses_change(&self, new: &Memberships) -> bool {
        fn legacy<'m>(m: &Memberships<'m>) -> Vec<&'m str> {
            let tags = m.terms.tags.iter();
            tags.filter_map(|t| t.legacy_slug.as_deref()).collect()
        }
        (&self.address, self.draft) != (&new.address, new.draft) || legacy(self) != legacy(new)
    }

    /// Adds these terms and section to `touched`.
    fn add_to(&self, touched: &mut Touched) {
        let terms = &self.terms;
        let touched_terms = &mut touched.terms;
        (touched_terms.countries).extend(terms.countries.iter().map(|c| c.to_string()));
        (touched_terms.levels).extend(terms.levels.iter().cloned());
        (touched_terms.tags).extend(terms.tags.iter().map(|t| t.slug.clone()));
        touched.themes.extend(terms.themes.iter().cloned());
        touched.sections.insert(self.section.to_string());
    }
}

/// `touched` with the listings an edit from `old` to `new` touches: those of the terms the page
/// was in and of those it is in now. A page added or removed changes counts and addresses;
/// `None` (every listing) when a listing page itself comes or goes.
fn touch(touched: Option<Touched>, old: Option<&Page>, new: Option<&Page>) -> Option<Touched> {
    let mut touched = touched?;
    match (old, new) {
        (Some(old), Some(new)) => {
            let (old, new) = (Memberships::of(old), Memberships::of(new));
            touched.counts |= old.counts_change(&new);
            touched.addresses |= old.addresses_change(&new);
            old.add_to(&mut touched);
            new.add_to(&mut touched);
        }
        (Some(page), None) | (None, Some(page)) if !page.lists_pages() => {
            touched.counts = true;
            touched.addresses = true;
            Memberships::of(page).add_to(&mut touched);
        }
        (None, None) => {}
        _ => return None,
    }
    Some(touched)
}

/// What other pages show of edited ones: member institutions' names (practices list their
/// members), thematic areas' titles (pages name their areas) and guides' cover and chapter
/// titles (every chapter shows them).
#[derive(Default)]
struct ShownElsewhere {
    member_ids: HashSet<String>,
    themes: HashSet<String>,
    guides: HashSet<String>,
}

impl ShownElsewhere {
    fn note(&mut self, edited: &Page) {
        match &edited.kind {
            Kind::Member(m) => {
                self.member_ids.insert(m.id.clone());
            }
            Kind::Theme(_) => {
                self.themes.insert(edited.slug_of_key().to_string());
            }
            // A guide's cover and chapters are shown on every chapter.
            Kind::GuideChapter | Kind::Section if edited.dir.starts_with("guides/") => {
                self.guides.insert(edited.dir.clone());
            }
            _ => {}
        }
    }

    /// Whether `page` shows something noted.
    fn on(&self, page: &Page) -> bool {
        let names_a_theme = |themes: &[String]| themes.iter().any(|t| self.themes.contains(t));
        self.guides.contains(&page.dir)
            || match &page.kind {
                Kind::Practice(p) => {
                    p.members.iter().any(|m| self.member_ids.contains(m))
                        || names_a_theme(&p.themes)
                }
                Kind::Member(m) => names_a_theme(&m.themes),
                _ => false,
            }
    }
}

/// What an update changed, as render needs it.
struct Changes {
    /// The pages to render again (in every language).
    keys: HashSet<String>,
    /// Those that listings show differently.
    relisted: HashSet<String>,
    /// Whether a member institution's page is among them.
    members: bool,
    /// The listings they touch; `None`: all.
    touched: Option<Touched>,
}

/// What edited files change, gathered file by file.
struct Edits {
    /// The pages to render again, and whether a member institution's page is among them.
    keys: HashSet<String>,
    members: bool,
    /// The listings they touch, while no listing page comes or goes.
    touched: Option<Touched>,
    shown_elsewhere: ShownElsewhere,
    /// Keys of the pages that listings show differently.
    relisted: HashSet<String>,
    /// The edited pages, while each takes the place of a page on show.
    replacing: Option<Vec<Arc<Page>>>,
}

impl Edits {
    /// Edits following those of `keys` (not shown yet: they may show differently in
    /// listings).
    fn after(keys: HashSet<String>, members: bool) -> Edits {
        Edits {
            relisted: keys.clone(),
            keys,
            members,
            touched: Some(Touched::default()),
            shown_elsewhere: ShownElsewhere::default(),
            replacing: Some(Vec::new()),
        }
    }

    /// Notes `page`, as it was or is now.
    fn note(&mut self, page: &Page) {
        self.keys.insert(page.key.clone());
        self.members |= matches!(page.kind, Kind::Member(_));
        self.shown_elsewhere.note(page);
    }
}

/// A file's parse, its page shared between the session and the sites made from it.
fn parse_shared(file: &load::SourceFile, setup: &Setup) -> (Option<Arc<Page>>, Vec<Diagnostic>) {
    let (page, problems) = build::parse_file(file, setup);
    (page.map(Arc::new), problems)
}

pub struct Session {
    root: PathBuf,
    setup: Setup,
    assets: Vec<Asset>,
    /// Problems of the whole tree that no page edit changes (configuration, data files).
    tree_problems: Vec<Diagnostic>,
    /// Every Markdown file's parse, by path relative to the root.
    parsed: BTreeMap<String, (Option<Arc<Page>>, Vec<Diagnostic>)>,
    /// What the search pages show of the search index.
    search: SearchFacts,
    /// The site on show (after a successful run).
    site: Option<Arc<Site>>,
    /// What resolving found on the site on show (warnings only, as it is on show): kept for
    /// updates that resolve only the edited pages.
    site_warnings: Vec<Diagnostic>,
    /// Pages edited since the site on show was made (edits whose update had errors), and
    /// whether a member page is among them: the next good update renders them too.
    unshown: (HashSet<String>, bool),
    /// Each listing's fingerprint, on the site on show.
    listings: HashMap<String, u64>,
    /// The sitemaps on show (`en/sitemap.xml`, `en/sitemap-2.xml`, …): how many a language
    /// has follows its addresses and their size.
    sitemaps: BTreeSet<String>,
}

impl Session {
    /// A full run into memory. `None` when setup fails (configuration or theme problems).
    pub fn start(
        root: &Path,
        overrides: &Overrides,
    ) -> Result<(Option<Session>, Update), EnvError> {
        let (mut tree, mut tree_problems) = load::load(root)?;
        let mut setup_problems = Diagnostics::default();
        let setup = build::setup(root, &mut tree, overrides, &mut setup_problems)?;
        // What setup found (the upstream's files, data files) stays until a full run.
        tree_problems.extend(setup_problems.into_sorted());
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(tree_problems.clone());
        let Some(setup) = setup else {
            let update = Update {
                problems: diagnostics.into_sorted(),
                ..Update::default()
            };
            return Ok((None, update));
        };
        // The sources' text is not kept: an edit reads its file again.
        let markdown = std::mem::take(&mut tree.markdown);
        let parsed = markdown
            .into_iter()
            .map(|file| (parse_shared(&file, &setup), file.path))
            .map(|(page, path)| (path, page))
            .collect();
        let mut session = Session {
            root: root.to_path_buf(),
            setup,
            assets: tree.assets,
            tree_problems,
            parsed,
            search: SearchFacts::default(),
            site: None,
            site_warnings: Vec::new(),
            unshown: (HashSet::new(), false),
            listings: HashMap::new(),
            sitemaps: BTreeSet::new(),
        };
        // The first time, the search index is made before the pages, so they link to it.
        session.add_parse_problems(&mut diagnostics);
        let (site, warnings) = session.resolve();
        diagnostics.extend(warnings.iter().cloned());
        let (search_files, indexes) = super::search::whole_index(&site);
        session.search = build::search_facts(&search::manifests(&indexes));
        let mut update = session.render(&site, diagnostics, None)?;
        update.files.extend(search_files);
        update.search = Some(SearchJob::Made(indexes));
        if update.errors().next().is_none() {
            session.site = Some(Arc::new(site));
            session.site_warnings = warnings;
        }
        Ok((Some(session), update))
    }

    fn add_parse_problems(&self, diagnostics: &mut Diagnostics) {
        for (_, problems) in self.parsed.values() {
            diagnostics.extend(problems.iter().cloned());
        }
    }

    /// The pages as they are now, resolved, and what resolving found.
    fn resolve(&self) -> (Site, Vec<Diagnostic>) {
        let config = &self.setup.config;
        let pages: Vec<Arc<Page>> = self
            .parsed
            .values()
            .filter_map(|(page, _)| {
                page.as_ref()
                    .filter(|p| build::is_published(p, config))
                    .cloned()
            })
            .collect();
        resolve::resolve(config.clone(), self.setup.regions.clone(), pages)
    }

    /// Renders everything (`changed` is `None`) or what the pages of `changed` touch.
    fn render(
        &mut self,
        site: &Site,
        mut diagnostics: Diagnostics,
        changed: Option<&Changes>,
    ) -> Result<Update, EnvError> {
        let renderer = Renderer::new(
            site,
            self.setup.tera.clone(),
            self.setup.strings.clone(),
            self.search.clone(),
        );
        let scope = match changed {
            None => Scope::Full,
            Some(changes) => Scope::Changed {
                keys: &changes.keys,
                relisted: &changes.relisted,
                listings: &self.listings,
                members: changes.members,
                only: changes.touched.as_ref(),
            },
        };
        let sink = MemorySink::default();
        // A full run registers every file in the output map; an edit renders files the map
        // of the run before already allowed, and resolve checks the addresses it changes.
        let rendered = if changed.is_none() {
            let map = OutputMap::new(&sink);
            let rendered = rerender::render(
                &renderer,
                site,
                &self.setup.theme,
                &self.assets,
                &map,
                &scope,
            )?;
            diagnostics.extend(map.into_problems());
            rendered
        } else {
            rerender::render(
                &renderer,
                site,
                &self.setup.theme,
                &self.assets,
                &sink,
                &scope,
            )?
        };
        diagnostics.extend(rendered.problems);
        let mut update = Update {
            problems: diagnostics.into_sorted(),
            files: sink.into_files(),
            ..Update::default()
        };
        if update.errors().next().is_some() {
            return Ok(update);
        }
        if let (Some(Changes { keys, .. }), Some(shown)) = (changed, &self.site) {
            // Pages of the edited keys whose address went away (removed, renamed, no longer
            // shown in a language), and listings no longer made.
            for lang in shown.config.languages.iter().map(|l| l.code.as_str()) {
                let gone = keys.iter().filter_map(|key| {
                    let old = shown.entry(lang, key)?;
                    let moved = site.entry(lang, key).map(|e| &e.path) != Some(&old.path);
                    moved.then(|| output_path(&old.path))
                });
                update.removed.extend(gone);
            }
            let listed: HashSet<&String> = rendered.listings.keys().collect();
            update.removed.extend(
                self.listings
                    .keys()
                    .filter(|p| !listed.contains(p))
                    .map(|p| output_path(p)),
            );
        }
        self.listings = rendered.listings;
        // Sitemaps made again (with their index): the parts no longer made go.
        if update.files.contains_key("sitemap.xml") {
            let made: BTreeSet<String> = (update.files.keys())
                .filter(|path| is_sitemap_part(path))
                .cloned()
                .collect();
            update
                .removed
                .extend(self.sitemaps.difference(&made).cloned());
            self.sitemaps = made;
        }
        Ok(update)
    }

    /// After Markdown files changed (edited, added or removed): the pages to update. `None`
    /// when the change needs a full run instead (anything but Markdown under content/, or no
    /// good site on show yet).
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Option<Update>, EnvError> {
        // Nothing good on show yet (the first run had errors): only a full run can make it.
        if self.site.is_none() || !changed.iter().all(|p| self.is_markdown(p)) {
            return Ok(None);
        }
        let (keys, members) = std::mem::take(&mut self.unshown);
        // Edits shown late may have changed memberships: then every taxonomy page is remade.
        let had_unshown = !keys.is_empty();
        let mut edits = Edits::after(keys, members);
        for path in changed {
            self.read_edit(path, &mut edits);
        }
        edits
            .keys
            .extend(self.dependents(&edits.keys, &edits.shown_elsewhere));
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(self.tree_problems.clone());
        self.add_parse_problems(&mut diagnostics);
        // Edited pages that keep their place are resolved alone, on the site on show.
        let quick = match (&self.site, edits.replacing.take()) {
            (Some(shown), Some(pages)) if !had_unshown => shown.with_pages_replaced(&pages),
            _ => None,
        };
        let quick_resolved = quick.is_some();
        let (site, warnings) = match quick {
            Some((site, problems)) => {
                diagnostics.extend(problems);
                (site, self.site_warnings.clone())
            }
            None => self.resolve(),
        };
        diagnostics.extend(warnings.iter().cloned());
        // Listings by touched terms only while no listing page came or went.
        let lists_kept = || !had_unshown && (quick_resolved || self.same_generated_sections(&site));
        let changes = Changes {
            touched: edits.touched.filter(|_| lists_kept()),
            keys: edits.keys,
            relisted: edits.relisted,
            members: edits.members,
        };
        let mut update = self.render(&site, diagnostics, Some(&changes))?;
        let Changes { keys, members, .. } = changes;
        if update.errors().next().is_some() {
            self.unshown = (keys, members);
        } else {
            // The search index follows on the search thread, from this very site.
            let site = Arc::new(site);
            self.site = Some(Arc::clone(&site));
            self.site_warnings = warnings;
            update.search = Some(SearchJob::Update {
                site,
                changed: Some(keys),
            });
        }
        Ok(Some(update))
    }

    /// Whether a changed `path` is a Markdown file under `content/` (an update can follow
    /// it; anything else needs a full run).
    fn is_markdown(&self, path: &Path) -> bool {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        relative.starts_with("content") && path.extension().is_some_and(|e| e == "md")
    }

    /// Reads and parses the changed Markdown file at `path` into the session, noting in
    /// `edits` what its old and new page change.
    fn read_edit(&mut self, path: &Path, edits: &mut Edits) {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        let shown = crate::diagnostic::display_path(relative);
        let old = self.parsed.get(&shown).and_then(|(page, _)| page.clone());
        if let Some(old) = &old {
            edits.note(old);
        }
        let keys = |pages: &mut dyn Iterator<Item = &Arc<Page>>| -> Vec<String> {
            pages.map(|p| p.key.clone()).collect()
        };
        match load::read_text(&self.root, path) {
            Ok(Some(file)) => {
                let parse = parse_shared(&file, &self.setup);
                if let Some(page) = &parse.0 {
                    edits.note(page);
                }
                edits.replacing = match (edits.replacing.take(), &old, &parse.0) {
                    (Some(mut pages), Some(_), Some(new)) => {
                        pages.push(Arc::clone(new));
                        Some(pages)
                    }
                    _ => None,
                };
                edits.touched = touch(edits.touched.take(), old.as_deref(), parse.0.as_deref());
                if old.as_deref().map(listed_as) != parse.0.as_deref().map(listed_as) {
                    edits.relisted.extend(keys(&mut old.iter().chain(&parse.0)));
                }
                self.parsed.insert(shown, parse);
            }
            Ok(None) => {
                self.parsed.remove(&shown);
                edits.relisted.extend(keys(&mut old.iter()));
                edits.touched = touch(edits.touched.take(), old.as_deref(), None);
                edits.replacing = None;
            }
            Err(d) => {
                edits.relisted.extend(keys(&mut old.iter()));
                self.parsed.insert(shown, (None, vec![d]));
                edits.touched = None;
                edits.replacing = None;
            }
        }
    }

    /// Whether `site` has the same section pages made for folders as the site on show (they
    /// come and go with the folders' pages: if they did, every listing is remade).
    fn same_generated_sections(&self, site: &Site) -> bool {
        let generated = |site: &Site| -> Vec<String> {
            let pages = site.pages.iter().filter(|p| p.generated);
            pages.map(|p| p.key.clone()).collect()
        };
        self.site
            .as_deref()
            .is_some_and(|shown| generated(shown) == generated(site))
    }

    /// Pages that show something of the edited ones: those linking to them (`@/key…`), and
    /// those showing what `shown` names.
    fn dependents(&self, keys: &HashSet<String>, shown: &ShownElsewhere) -> Vec<String> {
        self.parsed
            .values()
            .filter_map(|(page, _)| page.as_ref())
            .filter(|page| page.links.iter().any(|l| keys.contains(l)) || shown.on(page))
            .map(|page| page.key.clone())
            .collect()
    }

    /// A new search index is ready: the search pages show it from now on.
    pub fn search_ready(
        &mut self,
        manifests: HashMap<String, Manifest>,
    ) -> Result<Update, EnvError> {
        self.search = build::search_facts(&manifests);
        let Some(site) = &self.site else {
            return Ok(Update::default());
        };
        let renderer = Renderer::new(
            site,
            self.setup.tera.clone(),
            self.setup.strings.clone(),
            self.search.clone(),
        );
        let (files, problems) = match renderer.search_pages() {
            Ok(pages) => (in_memory(pages), Vec::new()),
            Err(d) => (Files::new(), vec![d]),
        };
        Ok(Update {
            problems,
            files,
            ..Update::default()
        })
    }
}
