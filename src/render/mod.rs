//! Render: the resolved, read-only [`Site`] becomes output files — every page, listing,
//! feed, sitemap and redirect, per language — rendered in parallel with rayon into a
//! [`Sink`].
//!
//! Input: `&Site`, the theme's templates (`Tera`), interface strings and [`SearchFacts`]
//! (plain data from the search stage). Output: [`OutputFile`]s and located problems. Render
//! owns no state, writes nothing to disk and knows nothing of the search stage's types, of
//! `serve` or of the output folder: it makes every output ([`Renderer::render_all`]) or those
//! it is asked for ([`Renderer::listings`], [`Renderer::page_views`],
//! [`Renderer::render_view`]); what an edit changed is the preview's business.
//!
//! This module renders the pages written in `content/`; `listings` makes the generated
//! listings (taxonomies, member directory, search, 404), `site_files` the files beside the
//! pages (feeds, sitemaps, chooser, redirects, static and bundle files) and `context` says
//! what every template sees.

pub mod context;
mod listings;
mod map;
mod pictures;
mod site_files;

pub use site_files::is_sitemap_part;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::EnvError;
use crate::i18n::Strings;
use crate::images::Pictures;
use crate::load::Asset;
use crate::locale::Locale;
use crate::markdown::{self, BodySource};
use crate::output::{Contents, OutputFile, Sink};
use crate::parse::{Kind, LEVELS, Page};
use crate::paths;
use crate::regions::REGIONS;
use crate::resolve::{Entry, Site, page_path};
use crate::sanitize::escape_html;
use crate::sdg;
use crate::theme::Theme;
use context::*;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use tera::{Context, Tera};

/// Everything render needs besides the site: templates, strings and locale data.
pub struct Renderer<'a> {
    site: &'a Site,
    tera: Tera,
    strings: Strings,
    /// Each language's interface strings, as templates see them (`t`).
    tables: HashMap<String, BTreeMap<String, String>>,
    locales: HashMap<String, Locale>,
    search: SearchFacts,
    /// The pictures of page bundles, processed (none in the preview: it shows the originals).
    pictures: Pictures,
}

/// What the search page shows of the search stage's work, as plain data.
#[derive(Debug, Clone, Default)]
pub struct SearchFacts {
    /// Per language with a browser index: its manifest (JSON for the search script) and the
    /// countries and SDG targets it can filter by.
    pub indexes: HashMap<String, IndexFacts>,
    /// The kinds of result the index tells apart, for the kind filter.
    pub kinds: Vec<&'static str>,
}

/// A language's browser index, as its search page shows it.
#[derive(Debug, Clone, Default)]
pub struct IndexFacts {
    /// The manifest, as JSON for the search script.
    pub manifest: serde_json::Value,
    pub countries: Vec<String>,
    pub sdg_targets: Vec<String>,
}

/// A template's own variables, beside the [`Chrome`] every page has (see [`context`]).
#[derive(Clone, Serialize)]
#[serde(untagged)]
enum Own {
    Home(Box<HomeContext>),
    Page(Box<PageContext>),
    List(Box<ListContext>),
    Directory(Box<DirectoryContext>),
    Search(Box<SearchContext>),
    /// A language's 404 page: the chrome alone.
    ChromeOnly {},
}

/// Which generated listings to make: those of every term, or only of the terms named.
#[derive(Clone, Copy)]
pub struct Selection<'s> {
    /// `None`: every term's listing.
    pub terms: Option<&'s TermSet>,
    /// Whether the taxonomies' index pages (terms and counts) are made.
    pub indexes: bool,
    /// Whether the member directory's country pages are made.
    pub members: bool,
}

impl Selection<'_> {
    /// Every listing.
    pub const ALL: Selection<'static> = Selection {
        terms: None,
        indexes: true,
        members: true,
    };

    fn country(&self, code: &str) -> bool {
        self.terms.is_none_or(|t| t.countries.contains(code))
    }
}

/// Taxonomy terms: country codes, levels and tag slugs (regions follow from the countries).
#[derive(Debug, Default)]
pub struct TermSet {
    pub countries: HashSet<String>,
    pub levels: HashSet<String>,
    pub tags: HashSet<String>,
}

/// A page of output: its path and what it shows, before templating.
pub struct View<'a> {
    path: String,
    template: String,
    /// Key for the language switcher: the same page in every language.
    key: Option<String>,
    title: String,
    context: Own,
    /// The pages a listing shows, in order; they become the context's `items` only when the
    /// view is rendered, so that a listing costs no more than its order until then.
    items: Option<Vec<&'a Entry>>,
}

impl View<'_> {
    /// The page's site path (`/en/tags/water/`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A hash of everything the page is made from but its items' contents (those change only
    /// with their own page: see [`View::lists_any`]), to tell whether it changed.
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (&self.path, &self.template, &self.key, &self.title).hash(&mut hasher);
        serde_json::to_string(&self.context)
            .unwrap_or_default()
            .hash(&mut hasher);
        for entry in self.items.iter().flatten() {
            (&entry.path, entry.untranslated).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Whether the listing shows a page of `keys`.
    pub fn lists_any(&self, keys: &HashSet<String>, site: &Site) -> bool {
        self.items
            .iter()
            .flatten()
            .any(|entry| keys.contains(&site.page(entry).key))
    }
}

/// A Tera error with every cause it carries (`Failed to render …: Function call … failed:
/// why`), since the first line alone rarely says what is wrong.
pub(super) fn error_chain(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    message
}

/// A template that failed, as a problem located in the theme.
fn template_problem(template: &str, e: &tera::Error) -> Diagnostic {
    Diagnostic::error(format!("themes/templates/{template}"), 0, error_chain(e))
}

pub fn build_tera(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    let mut problems = Vec::new();
    let mut templates = Vec::new();
    for (name, text) in theme.templates() {
        match text {
            Ok(text) => templates.push((name.to_string(), text.to_string())),
            Err(d) => problems.push(d),
        }
    }
    if let Err(e) = tera.add_raw_templates(templates) {
        problems.push(Diagnostic::error(
            "themes",
            0,
            format!("template error: {}", error_chain(&e)),
        ));
    }
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    // Tera's `get_env` would let a template publish the CI's secrets.
    tera.register_function("get_env", |_: &HashMap<String, tera::Value>| {
        Err(tera::Error::msg(
            "get_env is not available: a page may not publish the environment",
        ))
    });
    if problems.is_empty() {
        Ok(tera)
    } else {
        Err(problems)
    }
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, tera: Tera, strings: Strings, search: SearchFacts) -> Self {
        let languages = &site.config.languages;
        let locales = languages
            .par_iter()
            .map(|l| (l.code.clone(), Locale::new(&l.code)))
            .collect();
        let tables = languages
            .iter()
            .map(|l| (l.code.clone(), strings.table(&l.code)))
            .collect();
        Renderer {
            site,
            tera,
            strings,
            tables,
            locales,
            search,
            pictures: Pictures::default(),
        }
    }

    /// The renderer with the pictures `images` processed, shown resized in place of the
    /// originals (which are then not published).
    pub fn with_pictures(self, pictures: Pictures) -> Self {
        Renderer { pictures, ..self }
    }

    fn locale(&self, lang: &str) -> &Locale {
        &self.locales[lang]
    }

    fn t(&self, lang: &str, key: &str) -> String {
        self.strings.get(lang, key)
    }

    /// The writing direction of text in `lang`, for `dir` attributes: `site.yaml`'s
    /// `direction` for a published language, else CLDR's for the language's likely script
    /// (a page of an upstream language the mirror does not publish).
    fn dir(&self, lang: &str) -> &'static str {
        let rtl = match self.site.config.languages.iter().find(|l| l.code == lang) {
            Some(language) => language.rtl,
            None => icu::locale::LanguageIdentifier::try_from_str(lang).is_ok_and(|id| {
                icu::locale::LocaleDirectionality::new_common().is_right_to_left(&id)
            }),
        };
        direction(rtl)
    }

    /// Renders the whole site into `sink`; content problems (broken links, template errors)
    /// come back as diagnostics, a failing sink as an environment error.
    pub fn render_all(
        &self,
        theme: &Theme,
        assets: &[Asset],
        sink: &dyn Sink,
    ) -> Result<Vec<Diagnostic>, EnvError> {
        let site = self.site;
        let languages: Vec<&str> = (site.config.languages.iter())
            .map(|l| l.code.as_str())
            .collect();
        // The language switcher needs the address of every language's listings; the listings
        // themselves are made again and rendered one language at a time, so that no more
        // than one language's are held.
        let addresses: Vec<String> = languages
            .par_iter()
            .flat_map_iter(|lang| {
                self.listings_in(lang, Selection::ALL)
                    .into_iter()
                    .map(|v| v.path)
            })
            .collect();
        let listing_paths: HashSet<&str> = addresses.iter().map(String::as_str).collect();
        let put = |view: &View, problems: &mut Vec<Diagnostic>| {
            match self.render_view(view, &listing_paths) {
                Ok(file) => sink.put(file)?,
                Err(problem) => problems.push(problem),
            }
            Ok(())
        };
        let mut problems: Vec<Diagnostic> = Vec::new();
        for lang in &languages {
            let listings = self.listings_in(lang, Selection::ALL);
            let rendered: Vec<Vec<Diagnostic>> = listings
                .par_iter()
                .map(|view| {
                    let mut problems = Vec::new();
                    put(view, &mut problems)?;
                    Ok(problems)
                })
                .collect::<Result<_, EnvError>>()?;
            problems.extend(rendered.into_iter().flatten());
        }
        let entries: Vec<&Entry> = (languages.iter())
            .flat_map(|lang| site.entries_in(lang))
            .collect();
        let rendered: Vec<Vec<Diagnostic>> = entries
            .par_iter()
            .map(|entry| {
                let (views, mut problems) = self.page_views(entry);
                for view in &views {
                    put(view, &mut problems)?;
                }
                Ok(problems)
            })
            .collect::<Result<_, EnvError>>()?;
        problems.extend(rendered.into_iter().flatten());
        let mut files = self.site_wide_files(theme, &mut problems);
        files.extend(self.assets(assets));
        for file in files
            .into_iter()
            .map(Ok)
            .chain(self.feeds_and_sitemaps(theme))
        {
            match file {
                Ok(file) => sink.put(file)?,
                Err(problem) => problems.push(problem),
            }
        }
        Ok(problems)
    }

    /// The generated listings `selection` names, in every language, paginated.
    pub fn listings(&self, selection: Selection) -> Vec<View<'a>> {
        let languages = self.site.config.languages.iter();
        languages
            .flat_map(|l| self.listings_in(&l.code, selection))
            .collect()
    }

    /// The generated listings `selection` names in `lang`, paginated.
    fn listings_in(&self, lang: &str, selection: Selection) -> Vec<View<'a>> {
        let views = self.listing_views(lang, selection);
        views.into_iter().flat_map(|v| self.paginate(v)).collect()
    }

    /// The page of `entry` (paginated when it lists others), and the problems of its body.
    pub fn page_views(&self, entry: &'a Entry) -> (Vec<View<'a>>, Vec<Diagnostic>) {
        let (view, problems) = self.page_view(entry);
        (self.paginate(view), problems)
    }

    /// Only the search page of every language (when `serve` has a new search index).
    pub fn search_pages(&self) -> Result<Vec<OutputFile>, Diagnostic> {
        let languages = &self.site.config.languages;
        let views: Vec<View> = languages
            .iter()
            .map(|l| self.search_view(&l.code))
            .collect();
        let paths: HashSet<&str> = views.iter().map(|v| v.path.as_str()).collect();
        views.iter().map(|v| self.render_view(v, &paths)).collect()
    }

    /// Renders `view` with its template. `listings`: the addresses of the generated listings
    /// made with it, to which the language switcher may link.
    pub fn render_view(
        &self,
        view: &View,
        listings: &HashSet<&str>,
    ) -> Result<OutputFile, Diagnostic> {
        let lang = language_of(&view.path);
        let problem = |e: tera::Error| template_problem(&view.template, &e);
        // A listing's items are made only now (see `View::items`).
        let own = match (&view.context, &view.items) {
            (Own::List(list), Some(entries)) => Own::List(Box::new(ListContext {
                items: Some(Entries::Pages(self.items(entries))),
                ..(**list).clone()
            })),
            (own, _) => own.clone(),
        };
        let mut context = Context::from_serialize(&own).map_err(problem)?;
        let chrome = self.chrome(lang, &view.path, view.key.as_deref(), &view.title, listings);
        context.extend(Context::from_serialize(&chrome).map_err(problem)?);
        let html = self
            .tera
            .render(&view.template, &context)
            .map_err(problem)?;
        let source = view
            .key
            .as_deref()
            .and_then(|key| self.site.entry(lang, key))
            .map_or_else(
                || format!("generated page {}", view.path),
                |entry| self.site.page(entry).source.clone(),
            );
        Ok(OutputFile {
            path: output_path(&view.path),
            contents: Contents::Bytes(html.into_bytes()),
            source,
        })
    }

    /// What every page has: language, strings, navigation, switcher and alternates. A
    /// listing's switcher links to the same address in another language when a listing of
    /// `listings` or a page is there, and never to a page another language lacks.
    fn chrome<'c>(
        &'c self,
        lang: &'c str,
        path: &str,
        key: Option<&str>,
        title: &'c str,
        listings: &HashSet<&str>,
    ) -> Chrome<'c> {
        let site = self.site;
        let config = &site.config;
        let language = config.languages.iter().find(|l| l.code == lang);
        let switcher: Vec<LanguageLink> = config
            .languages
            .iter()
            .map(|l| {
                let target = match key {
                    Some(k) => site
                        .entry(&l.code, k)
                        .map_or_else(|| format!("/{}/", l.code), |e| e.path.clone()),
                    None => {
                        let same = path.replacen(&format!("/{lang}/"), &format!("/{}/", l.code), 1);
                        if listings.contains(same.as_str()) || site.addresses.contains(&same) {
                            same
                        } else {
                            format!("/{}/", l.code)
                        }
                    }
                };
                LanguageLink {
                    code: &l.code,
                    tag: &l.tag,
                    name: &l.name,
                    dir: direction(l.rtl),
                    url: config.link(&target),
                    current: l.code == lang,
                }
            })
            .collect();
        let alternates = switcher
            .iter()
            .map(|s| Alternate {
                lang: s.tag,
                url: format!("{}{}", config.origin, s.url),
            })
            .collect();
        let nav = self.nav(lang, path);
        let canonical = self.canonical(lang, path, key);
        Chrome {
            lang,
            rtl: language.is_some_and(|l| l.rtl),
            dir: self.dir(lang),
            site_title: language.map_or(&config.title, |l| &l.title),
            title,
            t: &self.tables[lang],
            home: config.link(&format!("/{lang}/")),
            base: &config.base_path,
            chooser: config.absolute("/"),
            origin: &config.origin,
            canonical,
            nav,
            switcher,
            alternates,
            feed: config.link(&format!("/{lang}/atom.xml")),
            search_url: config.link(&format!("/{lang}/search/")),
        }
    }

    /// The main menu of a page at `path` in `lang`: the sections every site has, then the
    /// pages `menu:` adds.
    fn nav(&self, lang: &str, path: &str) -> Vec<NavLink> {
        let config = &self.site.config;
        [
            "practices",
            "themes",
            "guides",
            "members",
            "countries",
            "search",
        ]
        .iter()
        .map(|section| {
            let url = format!("/{lang}/{section}/");
            NavLink {
                url: config.link(&url),
                title: self.t(lang, &format!("nav_{section}")),
                current: path.starts_with(&url),
            }
        })
        .chain(self.menu_pages(lang, path))
        .collect()
    }

    /// A page's canonical address: on the upstream site for a page shown unchanged from it
    /// (when `upstream_url` is set), else its own.
    fn canonical(&self, lang: &str, path: &str, key: Option<&str>) -> String {
        let site = self.site;
        key.and_then(|k| site.entry(lang, k))
            .and_then(|entry| self.upstream_canonical(entry))
            .unwrap_or_else(|| site.config.absolute(path))
    }

    /// The upstream site's address of an entry shown unchanged from it (a page, not a
    /// listing, read from the upstream, with `upstream_url` set); such an entry is left out
    /// of the sitemaps, which list canonical addresses only.
    fn upstream_canonical(&self, entry: &Entry) -> Option<String> {
        let page = self.site.page(entry);
        if !page.from_upstream || page.lists_pages() {
            return None;
        }
        self.site.config.upstream_link(&page_path(&page.lang, page))
    }

    /// The pages `menu:` of `site.yaml` adds to the main menu, in `lang`.
    fn menu_pages<'m>(
        &'m self,
        lang: &'m str,
        path: &'m str,
    ) -> impl Iterator<Item = NavLink> + 'm {
        self.site.config.menu.iter().filter_map(move |item| {
            let entry = self.site.entry(lang, &item.key)?;
            Some(NavLink {
                url: self.site.config.link(&entry.path),
                title: self.title(entry),
                current: path == entry.path,
            })
        })
    }

    /// A page's title; generated section pages take theirs from the UI strings.
    fn title(&self, entry: &Entry) -> String {
        let page = self.site.page(entry);
        if page.generated {
            if page.dir.is_empty() {
                return self
                    .site
                    .config
                    .languages
                    .iter()
                    .find(|l| l.code == entry.lang)
                    .map_or(page.title.clone(), |l| l.title.clone());
            }
            let key = format!("nav_{}", page.dir);
            let text = self.t(&entry.lang, &key);
            if text != key {
                return text;
            }
        }
        page.title.clone()
    }

    fn item(&self, entry: &Entry) -> Item {
        let page = self.site.page(entry);
        Item {
            title: self.title(entry),
            url: self.site.config.link(&entry.path),
            summary: page.summary.clone(),
            kind: page.kind.name(),
            lang: page.lang.clone(),
            dir: self.dir(&page.lang),
            untranslated: entry.untranslated,
            meta: self.meta(entry),
            thumbnail: self.thumbnail(page),
        }
    }

    /// The line under an item's title: where and when.
    fn meta(&self, entry: &Entry) -> String {
        let page = self.site.page(entry);
        let locale = self.locale(&entry.lang);
        match &page.kind {
            Kind::Practice(p) => {
                let countries: Vec<String> =
                    p.countries.iter().map(|c| locale.country_name(c)).collect();
                let date = page.date.map(|d| locale.format_date(d)).unwrap_or_default();
                format!("{} · {}", locale.list(&countries), date)
            }
            Kind::Member(m) => format!("{} · {}", m.city, locale.country_name(&m.country)),
            Kind::Coordinator(c) => {
                format!("{} · {}", c.organization, locale.country_name(&c.country))
            }
            _ => String::new(),
        }
    }

    /// Practices of a language, newest first (then by title).
    fn practices(
        &self,
        lang: &str,
        keep: impl Fn(&crate::parse::Practice, &Page) -> bool,
    ) -> Vec<&'a Entry> {
        let site = self.site;
        let mut practices = site.entries_of(lang, &site.groups(lang).practices);
        practices.retain(|e| {
            let page = site.page(e);
            matches!(&page.kind, Kind::Practice(p) if keep(p, page))
        });
        self.newest_first(practices)
    }

    /// The `n` newest practices of a language, as items.
    fn latest_practices(
        &self,
        lang: &str,
        keep: impl Fn(&crate::parse::Practice, &Page) -> bool,
        n: usize,
    ) -> Vec<Item> {
        let practices = self.practices(lang, keep);
        practices.iter().take(n).map(|e| self.item(e)).collect()
    }

    /// `entries` newest first, then by title.
    fn newest_first(&self, mut entries: Vec<&'a Entry>) -> Vec<&'a Entry> {
        entries.sort_by_cached_key(|e| (std::cmp::Reverse(self.site.page(e).date), self.title(e)));
        entries
    }

    fn body(&self, entry: &Entry) -> (markdown::Rendered, Vec<Diagnostic>) {
        let page = self.site.page(entry);
        let mut problems = Vec::new();
        let source = BodySource {
            path: &page.source,
            text: &page.body,
            first_line: page.body_line,
        };
        let resolve = |target: &str| self.resolve_link(&entry.lang, target);
        let rendered = markdown::render(
            &source,
            self.site.config.allow_raw_html,
            &resolve,
            &mut problems,
        );
        (rendered, problems)
    }

    /// `practices/x.md`, `practices/x/index.md` or `practices/_index.md` → the URL in `lang`.
    fn resolve_link(&self, lang: &str, target: &str) -> Option<String> {
        let key = paths::page_key(target);
        let site = self.site;
        site.entry(lang, key)
            .or_else(|| site.entry(&site.config.default_language, key))
            .or_else(|| {
                site.config
                    .languages
                    .iter()
                    .find_map(|l| site.entry(&l.code, key))
            })
            .map(|e| site.config.link(&e.path))
    }

    /// Where the source of a translation is read: in this site when it publishes the source's
    /// language, else on the upstream site (`upstream_url`), else nowhere (`""`).
    fn source_link(&self, translation: &Page) -> String {
        let site = self.site;
        let Some(source) = translation.translation_of.as_ref().and_then(|path| {
            let index = site.pages.binary_search_by(|p| p.source.cmp(path)).ok()?;
            Some(&site.pages[index])
        }) else {
            return String::new();
        };
        match site.entry(&source.lang, &source.key) {
            Some(entry) if !entry.untranslated => site.config.link(&entry.path),
            _ => site
                .config
                .upstream_link(&page_path(&source.lang, source))
                .filter(|_| source.from_upstream)
                .unwrap_or_default(),
        }
    }

    /// A page written in `content/` as templates see it.
    fn page_fields(&self, entry: &Entry, body: markdown::Rendered) -> PageFields {
        let site = self.site;
        let page = site.page(entry);
        let lang = entry.lang.as_str();
        let locale = self.locale(lang);
        let image = self.page_image(page);
        let tags = page.tags.iter().map(|t| TagLink {
            name: t.name.clone(),
            url: site.config.link(&format!("/{lang}/tags/{}/", t.slug)),
        });
        PageFields {
            title: self.title(entry),
            summary: page.summary.clone(),
            kind: page.kind.name(),
            lang: page.lang.clone(),
            dir: self.dir(&page.lang),
            untranslated: entry.untranslated,
            outdated_source: page.outdated.then(|| self.source_link(page)),
            date: page.date.map(|d| locale.format_date(d)),
            date_iso: page.date.map(|d| d.iso()),
            updated: page.updated.map(|d| locale.format_date(d)),
            body: self.body_pictures(page, body.html),
            toc: body.toc,
            facts: self.facts(entry),
            sdg_targets: self.sdg_texts(lang, entry),
            tags: tags.collect(),
            image,
        }
    }

    /// A page written in `content/`: its template, context and (for a listing) the pages it
    /// lists, with the problems of its body and template.
    fn page_view(&self, entry: &'a Entry) -> (View<'a>, Vec<Diagnostic>) {
        let page = self.site.page(entry);
        let lang = entry.lang.as_str();
        let (body, mut problems) = self.body(entry);
        let fields = self.page_fields(entry, body);
        let title = fields.title.clone();
        let (template, context, items) = match &page.kind {
            Kind::Home => {
                let home = HomeContext {
                    page: fields,
                    latest: self.latest_practices(lang, |_, _| true, 6),
                    themes: self.items(&self.children(lang, "themes")),
                    map: self.network_map(lang, None),
                };
                ("home.html", Own::Home(Box::new(home)), None)
            }
            Kind::Section if page.dir == "members" => {
                let directory = DirectoryContext {
                    page: ListedPage::Written(Box::new(fields)),
                    groups: self.member_directory(lang, |_| false),
                    directory: None,
                };
                ("directory.html", Own::Directory(Box::new(directory)), None)
            }
            Kind::Section | Kind::Theme(_) => {
                let (context, items) = self.listing_context(entry, fields);
                ("list.html", Own::List(Box::new(context)), Some(items))
            }
            _ => {
                let guide = matches!(page.kind, Kind::GuideChapter).then(|| self.guide(entry));
                let context = PageContext {
                    page: fields,
                    guide,
                };
                ("page.html", Own::Page(Box::new(context)), None)
            }
        };
        let template = match &page.template {
            Some(wanted) if self.tera.get_template_names().any(|n| n == wanted) => wanted.clone(),
            Some(wanted) => {
                let (line, col) = page.locate("template", None);
                problems.push(
                    Diagnostic::error(
                        &page.source,
                        line,
                        format!("template: the theme has no template \"{wanted}\""),
                    )
                    .at_column(col)
                    .with_hint("name a file of themes/<theme>/templates/, e.g. page.html"),
                );
                template.to_string()
            }
            None => template.to_string(),
        };
        let view = View {
            path: entry.path.clone(),
            template,
            key: Some(page.key.clone()),
            title,
            context,
            items,
        };
        (view, problems)
    }

    /// Pages directly in a folder, ordered by weight then title.
    fn children(&self, lang: &str, dir: &str) -> Vec<&'a Entry> {
        let site = self.site;
        let mut pages: Vec<&Entry> = site
            .entries_in(lang)
            .filter(|e| {
                let p = site.page(e);
                p.dir == dir && !p.is_index()
            })
            .collect();
        pages.sort_by(|a, b| {
            let (a, b) = (site.page(a), site.page(b));
            a.weight.cmp(&b.weight).then_with(|| a.title.cmp(&b.title))
        });
        pages
    }

    fn items(&self, entries: &[&Entry]) -> Vec<Item> {
        entries.iter().map(|e| self.item(e)).collect()
    }

    /// A section's or thematic area's own context, and the pages it lists.
    fn listing_context(&self, entry: &Entry, fields: PageFields) -> (ListContext, Vec<&'a Entry>) {
        let site = self.site;
        let page = site.page(entry);
        let lang = entry.lang.as_str();
        let locale = self.locale(lang);
        let mut theme_feed = None;
        let listed = match (&page.kind, page.dir.as_str()) {
            (Kind::Theme(_), _) => {
                let code = page.slug_of_key().to_string();
                theme_feed = Some(site.config.link(&format!("{}atom.xml", entry.path)));
                self.practices(lang, |p, _| p.themes.contains(&code))
            }
            (_, "practices") => self.practices(lang, |_, _| true),
            (_, "coordinators") => {
                // By organization and country, in the language's order.
                let mut coordinators: Vec<(String, &Entry)> = self
                    .children(lang, "coordinators")
                    .into_iter()
                    .map(|e| (self.meta(e), e))
                    .collect();
                coordinators.sort_by(|a, b| locale.compare(&a.0, &b.0));
                coordinators.into_iter().map(|(_, e)| e).collect()
            }
            (_, "guides") => {
                let mut covers: Vec<&Entry> = site
                    .entries_in(lang)
                    .filter(|e| {
                        let p = site.page(e);
                        p.is_index() && p.dir.starts_with("guides/")
                    })
                    .collect();
                covers.sort_by_cached_key(|e| self.title(e));
                covers
            }
            (_, dir) => self.children(lang, dir),
        };
        let counted = matches!(page.kind, Kind::Theme(_)) || page.dir == "practices";
        let context = ListContext {
            count: counted.then(|| self.strings.plural(locale, "practices_count", listed.len())),
            theme_feed,
            ..ListContext::of(ListedPage::Written(Box::new(fields)))
        };
        (context, listed)
    }

    /// The guide a chapter belongs to: its cover, chapters, previous and next.
    fn guide(&self, entry: &Entry) -> Guide {
        let page = self.site.page(entry);
        let chapters = self.items(&self.children(&entry.lang, &page.dir));
        let url = self.site.config.link(&entry.path);
        let position = chapters.iter().position(|c| c.url == url);
        let cover = self
            .site
            .entry(&entry.lang, &format!("{}/_index", page.dir))
            .map(|e| self.item(e));
        let at = |i: Option<usize>| i.and_then(|i| chapters.get(i)).cloned();
        Guide {
            cover,
            prev: at(position.and_then(|i| i.checked_sub(1))),
            next: at(position.map(|i| i + 1)),
            chapters,
            current: url,
        }
    }

    /// Label/value rows shown beside a practice, member or coordinator.
    fn facts(&self, entry: &Entry) -> Vec<Fact> {
        let site = self.site;
        let lang = entry.lang.as_str();
        let locale = self.locale(lang);
        let page = site.page(entry);
        let link = |path: String| Some(site.config.link(&path));
        let country = |c: &String| FactValue {
            text: locale.country_name(c),
            url: link(format!("/{lang}/countries/{c}/")),
            ..FactValue::default()
        };
        let level = |l: &String| FactValue {
            text: self.t(lang, &format!("level_{l}")),
            url: link(format!("/{lang}/levels/{l}/")),
            ..FactValue::default()
        };
        let theme = |t: &String| {
            let entry = site.entry(lang, &format!("themes/{t}"));
            let other = entry.filter(|e| e.untranslated).map(|e| &site.page(e).lang);
            FactValue {
                text: entry.map_or(t.clone(), |e| site.page(e).title.clone()),
                url: entry.and_then(|e| link(e.path.clone())),
                lang: other.cloned(),
                dir: other.map(|l| self.dir(l)),
            }
        };
        let text = |s: &str| FactValue {
            text: s.to_string(),
            url: None,
            ..FactValue::default()
        };
        let web = |w: &String| FactValue {
            text: w.clone(),
            url: Some(w.clone()),
            ..FactValue::default()
        };
        let mut facts = Vec::new();
        let mut row = |label: &str, values: Vec<FactValue>| {
            if !values.is_empty() {
                facts.push(Fact {
                    label: self.t(lang, label),
                    values,
                });
            }
        };
        match &page.kind {
            Kind::Practice(p) => {
                row("countries", p.countries.iter().map(country).collect());
                row("themes", p.themes.iter().map(theme).collect());
                row("levels", p.levels.iter().map(level).collect());
                row("sdg_targets", self.sdg_links(lang, &p.sdg_targets));
                row("members", self.member_links(lang, &p.members));
                row("authors", p.authors.iter().map(|s| text(s)).collect());
            }
            Kind::Member(m) => {
                row("country", vec![country(&m.country)]);
                row("city", vec![text(&m.city)]);
                row("levels", m.levels.iter().map(level).collect());
                let school_type = self.t(lang, &format!("type_{}", m.school_type));
                row("school_type", vec![text(&school_type)]);
                row(
                    "joined",
                    m.joined.map(|y| text(&y.to_string())).into_iter().collect(),
                );
                row("website", m.website.iter().map(web).collect());
                row("themes", m.themes.iter().map(theme).collect());
            }
            Kind::Coordinator(c) => {
                row("country", vec![country(&c.country)]);
                row("organization", vec![text(&c.organization)]);
                let mail = c.email.iter().map(|e| FactValue {
                    text: e.clone(),
                    url: Some(format!("mailto:{e}")),
                    ..FactValue::default()
                });
                row("email", mail.collect());
                row("website", c.website.iter().map(web).collect());
            }
            _ => {}
        }
        facts
    }

    /// SDG targets as `4.7 Quality education`, each a link to the search for its practices.
    fn sdg_links(&self, lang: &str, codes: &[String]) -> Vec<FactValue> {
        let targets = codes.iter().filter_map(|code| sdg::target(code, lang));
        targets
            .map(|target| {
                let other = (target.lang != lang).then_some(target.lang);
                FactValue {
                    text: format!("{} {}", target.code, target.goal),
                    url: Some(
                        self.site
                            .config
                            .link(&format!("/{lang}/search/?sdg={}", target.code)),
                    ),
                    lang: other.map(str::to_string),
                    dir: other.map(|l| self.dir(l)),
                }
            })
            .collect()
    }

    /// The official texts of a practice's SDG targets, in `lang` or in English.
    fn sdg_texts(&self, lang: &str, entry: &Entry) -> Vec<SdgText> {
        let Kind::Practice(practice) = &self.site.page(entry).kind else {
            return Vec::new();
        };
        let targets = practice.sdg_targets.iter();
        targets
            .filter_map(|code| sdg::target(code, lang))
            .map(|target| SdgText {
                dir: self.dir(target.lang),
                code: target.code,
                text: target.text,
                lang: target.lang,
            })
            .collect()
    }

    /// The member institutions of `ids` shown in `lang`, as links.
    fn member_links(&self, lang: &str, ids: &[String]) -> Vec<FactValue> {
        let site = self.site;
        let members = ids.iter().filter_map(|id| {
            let e = site.entry(lang, site.members.get(id)?)?;
            Some(FactValue {
                text: site.page(e).title.clone(),
                url: Some(site.config.link(&e.path)),
                ..FactValue::default()
            })
        });
        members.collect()
    }

    /// Splits a listing longer than `paginate` into `path`, `path/page/2/`, …
    fn paginate<'v>(&self, view: View<'v>) -> Vec<View<'v>> {
        let per_page = self.site.config.paginate;
        let long = matches!(&view.items, Some(items) if items.len() > per_page);
        let (mut first, items) = match (view.context, view.items) {
            (Own::List(list), Some(items)) if long && view.template == "list.html" => {
                (*list, items)
            }
            (context, items) => {
                return vec![View {
                    context,
                    items,
                    ..view
                }];
            }
        };
        let View {
            path,
            template,
            key,
            title,
            ..
        } = view;
        // The further lists and the map are shown on the first page only: later pages
        // carry the listing alone, and the pages share nothing they would each copy.
        let mut sublists = first.sublists.take();
        let mut map = first.map.take();
        let pages: Vec<&[&Entry]> = items.chunks(per_page).collect();
        let total = pages.len();
        let lang = language_of(&path);
        let page_path = |n: usize| {
            if n == 1 {
                path.clone()
            } else {
                format!("{path}page/{n}/")
            }
        };
        let link = |n: usize| self.site.config.link(&page_path(n));
        pages
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| {
                let n = i + 1;
                let label = self.t(lang, "page_of");
                let pager = Pager {
                    current: n,
                    total,
                    label: label
                        .replace("{n}", &n.to_string())
                        .replace("{total}", &total.to_string()),
                    prev: (n > 1).then(|| link(n - 1)),
                    next: (n < total).then(|| link(n + 1)),
                };
                let context = ListContext {
                    pager: Some(pager),
                    sublists: sublists.take(),
                    map: map.take(),
                    ..first.clone()
                };
                View {
                    path: page_path(n),
                    template: template.clone(),
                    key: key.clone(),
                    title: title.clone(),
                    context: Own::List(Box::new(context)),
                    items: Some(chunk.to_vec()),
                }
            })
            .collect()
    }
}

/// The addresses of `listings`.
pub fn listing_paths<'v>(listings: &'v [View]) -> HashSet<&'v str> {
    listings.iter().map(|v| v.path.as_str()).collect()
}

/// The language of a site path: `/en/practices/` → `en`.
fn language_of(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// The `dir` attribute's value for text written right to left or not.
pub fn direction(rtl: bool) -> &'static str {
    if rtl { "rtl" } else { "ltr" }
}

/// `/en/practices/` → `en/practices/index.html`; `/en/404.html` stays a file.
pub fn output_path(path: &str) -> String {
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        "index.html".into()
    } else if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}
