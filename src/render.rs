//! Stage 4, render: the read-only [`Site`] becomes output files — every page, listing,
//! taxonomy, feed, sitemap and redirect, per language — rendered in parallel with rayon. Render
//! reads the site and the theme; it owns no state and writes nothing to disk.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::EnvError;
use crate::i18n::Strings;
use crate::load::Asset;
use crate::locale::Locale;
use crate::markdown::{self, BodySource};
use crate::parse::{Kind, LEVELS, Page};
use crate::regions::REGIONS;
use crate::resolve::{Entry, Site};
use crate::theme::Theme;
use crate::write::{Contents, OutputFile, Sink};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use tera::{Context, Tera};

/// Everything render needs besides the site: templates, strings and locale data.
pub struct Renderer<'a> {
    site: &'a Site,
    tera: Tera,
    strings: Strings,
    locales: HashMap<String, Locale>,
}

/// One item of a listing.
#[derive(Debug, Clone, Serialize)]
struct Item {
    title: String,
    url: String,
    summary: Option<String>,
    kind: &'static str,
    /// The language the item's text is in (differs from the reader's for fallbacks).
    lang: String,
    untranslated: bool,
    meta: String,
    #[serde(skip)]
    sort_date: String,
}

/// A page of output: its path and what it shows, before templating.
struct View {
    path: String,
    template: String,
    /// Key for the language switcher: the same page in every language.
    key: Option<String>,
    title: String,
    context: Value,
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
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(inner) = source {
            message.push_str(": ");
            message.push_str(&inner.to_string());
            source = inner.source();
        }
        problems.push(Diagnostic::error(
            "themes",
            0,
            format!("template error: {message}"),
        ));
    }
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    if problems.is_empty() {
        Ok(tera)
    } else {
        Err(problems)
    }
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, tera: Tera, strings: Strings) -> Self {
        let locales = site
            .config
            .languages
            .par_iter()
            .map(|l| (l.code.clone(), Locale::new(&l.code)))
            .collect();
        Renderer {
            site,
            tera,
            strings,
            locales,
        }
    }

    fn locale(&self, lang: &str) -> &Locale {
        &self.locales[lang]
    }

    fn t(&self, lang: &str, key: &str) -> String {
        self.strings.get(lang, key)
    }

    /// Renders the whole site; problems (broken links, template errors) come back beside.
    /// Renders the whole site into `sink`; content problems (broken links, template errors)
    /// come back as diagnostics, a failing sink as an environment error.
    pub fn render_all(
        &self,
        theme: &Theme,
        assets: &[Asset],
        sink: &dyn Sink,
    ) -> Result<Vec<Diagnostic>, EnvError> {
        let site = self.site;
        let listings: Vec<View> = site
            .config
            .languages
            .iter()
            .flat_map(|l| self.listing_views(&l.code))
            .flat_map(|v| self.paginate(v))
            .collect();
        let entries: Vec<&Entry> = site
            .config
            .languages
            .iter()
            .flat_map(|l| site.entries_in(&l.code))
            .collect();
        let mut paths: HashSet<&str> = listings.iter().map(|v| v.path.as_str()).collect();
        paths.extend(entries.iter().map(|e| e.path.as_str()));
        let put = |view: &View, problems: &mut Vec<Diagnostic>| -> Result<(), EnvError> {
            match self.render_view(view, &paths) {
                Ok(file) => sink.put(file),
                Err(d) => {
                    problems.push(d);
                    Ok(())
                }
            }
        };
        let from_listings = listings.par_iter().map(|view| {
            let mut problems = Vec::new();
            put(view, &mut problems).map(|()| problems)
        });
        let from_pages = entries.par_iter().map(|entry| {
            let (view, mut problems) = self.page_view(entry);
            for view in self.paginate(view) {
                put(&view, &mut problems)?;
            }
            Ok(problems)
        });
        let problems: Vec<Vec<Diagnostic>> = from_listings
            .chain(from_pages)
            .collect::<Result<_, EnvError>>()?;
        let files = self
            .site_wide_files(theme)
            .into_iter()
            .chain(self.feeds_and_sitemaps())
            .chain(self.assets(assets));
        for file in files {
            sink.put(file)?;
        }
        Ok(problems.into_iter().flatten().collect())
    }

    fn render_view(&self, view: &View, paths: &HashSet<&str>) -> Result<OutputFile, Diagnostic> {
        let lang = view
            .path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("")
            .to_string();
        let mut context = Context::from_value(view.context.clone()).unwrap_or_default();
        self.add_chrome(
            &mut context,
            &lang,
            &view.path,
            view.key.as_deref(),
            &view.title,
            paths,
        );
        let html = self.tera.render(&view.template, &context).map_err(|e| {
            let mut message = e.to_string();
            if let Some(inner) = std::error::Error::source(&e) {
                message.push_str(&format!(": {inner}"));
            }
            Diagnostic::error(format!("themes/templates/{}", view.template), 0, message)
        })?;
        Ok(OutputFile {
            path: output_path(&view.path),
            contents: Contents::Bytes(html.into_bytes()),
        })
    }

    /// What every page has: language, strings, navigation, switcher and alternates.
    /// `paths` are all pages made, so the switcher never links to a page another language lacks.
    fn add_chrome(
        &self,
        context: &mut Context,
        lang: &str,
        path: &str,
        key: Option<&str>,
        title: &str,
        paths: &HashSet<&str>,
    ) {
        let site = self.site;
        let config = &site.config;
        let language = config.languages.iter().find(|l| l.code == lang);
        let switcher: Vec<Value> = config
            .languages
            .iter()
            .map(|l| {
                let target = match key {
                    Some(k) => site.entry(&l.code, k).map(|e| e.path.clone()).unwrap_or(format!("/{}/", l.code)),
                    None => {
                        let same = path.replacen(&format!("/{lang}/"), &format!("/{}/", l.code), 1);
                        if paths.contains(same.as_str()) { same } else { format!("/{}/", l.code) }
                    }
                };
                json!({"code": l.code, "name": l.name, "url": config.link(&target), "current": l.code == lang})
            })
            .collect();
        let alternates: Vec<Value> = switcher
            .iter()
            .map(|s| json!({"lang": s["code"], "url": format!("{}{}", config.origin, s["url"].as_str().unwrap_or(""))}))
            .collect();
        let nav: Vec<Value> = ["practices", "themes", "guides", "members", "countries", "search"]
            .iter()
            .map(|section| {
                let url = format!("/{lang}/{section}/");
                json!({"url": config.link(&url), "title": self.t(lang, &format!("nav_{section}")), "current": path.starts_with(&url)})
            })
            .collect();
        context.insert("lang", lang);
        context.insert("rtl", &language.is_some_and(|l| l.rtl));
        context.insert(
            "site_title",
            &language.map_or(config.title.clone(), |l| l.title.clone()),
        );
        context.insert("title", title);
        context.insert("t", &self.strings.table(lang));
        context.insert("home", &config.link(&format!("/{lang}/")));
        context.insert("base", &config.base_path);
        context.insert("canonical", &config.absolute(path));
        context.insert("nav", &nav);
        context.insert("switcher", &switcher);
        context.insert("alternates", &alternates);
        context.insert("feed", &config.link(&format!("/{lang}/atom.xml")));
        context.insert("search_url", &config.link(&format!("/{lang}/search/")));
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
        let locale = self.locale(&entry.lang);
        let meta = match &page.kind {
            Kind::Practice(p) => {
                let countries: Vec<String> =
                    p.countries.iter().map(|c| locale.country_name(c)).collect();
                let date = page.date.map(|d| locale.format_date(d)).unwrap_or_default();
                format!("{} · {}", countries.join(", "), date)
            }
            Kind::Member(m) => format!("{} · {}", m.city, locale.country_name(&m.country)),
            Kind::Coordinator(c) => {
                format!("{} · {}", c.organization, locale.country_name(&c.country))
            }
            _ => String::new(),
        };
        Item {
            title: self.title(entry),
            url: self.site.config.link(&entry.path),
            summary: page.summary.clone(),
            kind: page.kind.name(),
            lang: page.lang.clone(),
            untranslated: entry.untranslated,
            meta,
            sort_date: page.date.map(|d| d.iso()).unwrap_or_default(),
        }
    }

    /// Practices of a language, newest first.
    fn practices(
        &self,
        lang: &str,
        keep: impl Fn(&crate::parse::Practice, &Page) -> bool,
    ) -> Vec<Item> {
        let mut items: Vec<Item> = self
            .site
            .entries_in(lang)
            .filter(|e| {
                let page = self.site.page(e);
                matches!(&page.kind, Kind::Practice(p) if keep(p, page))
            })
            .map(|e| self.item(e))
            .collect();
        items.sort_by(|a, b| {
            b.sort_date
                .cmp(&a.sort_date)
                .then_with(|| a.title.cmp(&b.title))
        });
        items
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
        let key = target.trim_start_matches('/').trim_end_matches(".md");
        let key = key.strip_suffix("/index").unwrap_or(key);
        let key = if key == "index" { "_index" } else { key };
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

    fn page_view(&self, entry: &Entry) -> (View, Vec<Diagnostic>) {
        let site = self.site;
        let page = site.page(entry);
        let lang = entry.lang.as_str();
        let (body, problems) = self.body(entry);
        let locale = self.locale(lang);
        let title = self.title(entry);
        let mut context = json!({
            "page": {
                "title": title,
                "summary": page.summary,
                "kind": page.kind.name(),
                "lang": page.lang,
                "untranslated": entry.untranslated,
                "date": page.date.map(|d| locale.format_date(d)),
                "date_iso": page.date.map(|d| d.iso()),
                "updated": page.updated.map(|d| locale.format_date(d)),
                "body": body.html,
                "toc": body.toc,
                "facts": self.facts(entry),
                "tags": page.tags.iter().map(|t| json!({"name": t, "url": site.config.link(&format!("/{lang}/tags/{}/", crate::markdown::slugify(t)))})).collect::<Vec<_>>(),
            }
        });
        if let Kind::Practice(p) = &page.kind
            && let Some(image) = &p.image
        {
            context["page"]["image"] = json!({"src": image, "alt": p.image_alt});
        }
        let template = match &page.kind {
            Kind::Home => "home.html",
            Kind::Section if page.dir == "members" => "directory.html",
            Kind::Section | Kind::Theme(_) => "list.html",
            _ => "page.html",
        };
        match &page.kind {
            Kind::Home => {
                let practices: Vec<Item> = self
                    .practices(lang, |_, _| true)
                    .into_iter()
                    .take(6)
                    .collect();
                context["latest"] = json!(practices);
                context["themes"] = json!(self.children(lang, "themes"));
            }
            Kind::Section | Kind::Theme(_) => self.fill_listing(entry, &mut context),
            Kind::GuideChapter => self.fill_guide(entry, &mut context),
            _ => {}
        }
        let mut problems = problems;
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
        (
            View {
                path: entry.path.clone(),
                template,
                key: Some(page.key.clone()),
                title,
                context,
            },
            problems,
        )
    }

    /// Pages directly in a folder, ordered by weight then title.
    fn children(&self, lang: &str, dir: &str) -> Vec<Item> {
        let mut pages: Vec<(&Entry, &Page)> = self
            .site
            .entries_in(lang)
            .map(|e| (e, self.site.page(e)))
            .filter(|(_, p)| p.dir == dir && !p.is_index())
            .collect();
        pages.sort_by(|a, b| {
            a.1.weight
                .cmp(&b.1.weight)
                .then_with(|| a.1.title.cmp(&b.1.title))
        });
        pages.into_iter().map(|(e, _)| self.item(e)).collect()
    }

    fn fill_listing(&self, entry: &Entry, context: &mut Value) {
        let site = self.site;
        let page = site.page(entry);
        let lang = entry.lang.as_str();
        let locale = self.locale(lang);
        match (&page.kind, page.dir.as_str()) {
            (Kind::Theme(_), _) => {
                let code = page.slug_of_key().to_string();
                let items = self.practices(lang, |p, _| p.themes.contains(&code));
                context["count"] =
                    json!(self.strings.plural(locale, "practices_count", items.len()));
                context["items"] = json!(items);
                context["feed"] = json!(site.config.link(&format!("{}atom.xml", entry.path)));
            }
            (_, "practices") => {
                let items = self.practices(lang, |_, _| true);
                context["count"] =
                    json!(self.strings.plural(locale, "practices_count", items.len()));
                context["items"] = json!(items);
            }
            (_, "members") => {
                let mut groups = self.member_directory(lang);
                for group in &mut groups {
                    group["items"] = Value::Null;
                }
                context["groups"] = Value::Array(groups);
            }
            (_, "coordinators") => {
                let mut items = self.children(lang, "coordinators");
                items.sort_by(|a, b| locale.compare(&a.meta, &b.meta));
                context["items"] = json!(items);
            }
            (_, "guides") => {
                let mut covers: Vec<Item> = site
                    .entries_in(lang)
                    .filter(|e| {
                        let p = site.page(e);
                        p.is_index() && p.dir.starts_with("guides/")
                    })
                    .map(|e| self.item(e))
                    .collect();
                covers.sort_by(|a, b| a.title.cmp(&b.title));
                context["items"] = json!(covers);
            }
            (_, dir) => {
                context["items"] = json!(self.children(lang, dir));
            }
        }
    }

    /// Member institutions grouped by country, countries and names in the locale's order. The
    /// directory page lists the countries; each country's names are on `/{lang}/members/{cc}/`,
    /// which keeps the directory light however large the network grows.
    fn member_directory(&self, lang: &str) -> Vec<Value> {
        let site = self.site;
        let locale = self.locale(lang);
        let mut by_country: BTreeMap<String, Vec<Item>> = BTreeMap::new();
        for entry in site.entries_in(lang) {
            if let Kind::Member(m) = &site.page(entry).kind {
                by_country
                    .entry(m.country.clone())
                    .or_default()
                    .push(self.item(entry));
            }
        }
        let mut groups: Vec<(String, String, Vec<Item>)> = by_country
            .into_iter()
            .map(|(code, mut items)| {
                items.sort_by(|a, b| locale.compare(&a.title, &b.title));
                (locale.country_name(&code), code, items)
            })
            .collect();
        groups.sort_by(|a, b| locale.compare(&a.0, &b.0));
        groups
            .into_iter()
            .map(|(name, code, items)| {
                json!({"name": name, "code": code, "url": site.config.link(&format!("/{lang}/members/{code}/")),
                       "count": self.strings.plural(locale, "members_count", items.len()), "items": items})
            })
            .collect()
    }

    fn fill_guide(&self, entry: &Entry, context: &mut Value) {
        let page = self.site.page(entry);
        let chapters = self.children(&entry.lang, &page.dir);
        let url = self.site.config.link(&entry.path);
        let position = chapters.iter().position(|c| c.url == url);
        let cover = self
            .site
            .entry(&entry.lang, &format!("{}/_index", page.dir))
            .map(|e| self.item(e));
        context["guide"] = json!({
            "cover": cover,
            "chapters": chapters,
            "current": url,
            "prev": position.and_then(|i| i.checked_sub(1)).and_then(|i| chapters.get(i)),
            "next": position.and_then(|i| chapters.get(i + 1)),
        });
    }

    /// Label/value rows shown beside a practice, member or coordinator.
    fn facts(&self, entry: &Entry) -> Vec<Value> {
        let site = self.site;
        let lang = entry.lang.as_str();
        let locale = self.locale(lang);
        let page = site.page(entry);
        let link = |path: String| site.config.link(&path);
        let country = |c: &String| json!({"text": locale.country_name(c), "url": link(format!("/{lang}/countries/{c}/"))});
        let level = |l: &String| json!({"text": self.t(lang, &format!("level_{l}")), "url": link(format!("/{lang}/levels/{l}/"))});
        let theme = |t: &String| {
            let entry = site.entry(lang, &format!("themes/{t}"));
            json!({"text": entry.map_or(t.clone(), |e| site.page(e).title.clone()), "url": entry.map(|e| link(e.path.clone()))})
        };
        let text = |s: &str| json!({"text": s});
        let mut facts = Vec::new();
        let mut row = |label: &str, values: Vec<Value>| {
            if !values.is_empty() {
                facts.push(json!({"label": self.t(lang, label), "values": values}));
            }
        };
        match &page.kind {
            Kind::Practice(p) => {
                row("countries", p.countries.iter().map(country).collect());
                row("themes", p.themes.iter().map(theme).collect());
                row("levels", p.levels.iter().map(level).collect());
                row(
                    "sdg_targets",
                    p.sdg_targets.iter().map(|s| text(s)).collect(),
                );
                let members = p.members.iter().filter_map(|id| {
                    let e = site.entry(lang, site.members.get(id)?)?;
                    Some(json!({"text": site.page(e).title, "url": link(e.path.clone())}))
                });
                row("members", members.collect());
                row("authors", p.authors.iter().map(|s| text(s)).collect());
            }
            Kind::Member(m) => {
                row("country", vec![country(&m.country)]);
                row("city", vec![text(&m.city)]);
                row("levels", m.levels.iter().map(level).collect());
                row(
                    "school_type",
                    vec![text(&self.t(lang, &format!("type_{}", m.school_type)))],
                );
                row(
                    "joined",
                    m.joined.map(|y| text(&y.to_string())).into_iter().collect(),
                );
                row(
                    "website",
                    m.website
                        .iter()
                        .map(|w| json!({"text": w, "url": w}))
                        .collect(),
                );
                row("themes", m.themes.iter().map(theme).collect());
            }
            Kind::Coordinator(c) => {
                row("country", vec![country(&c.country)]);
                row("organization", vec![text(&c.organization)]);
                row(
                    "email",
                    c.email
                        .iter()
                        .map(|e| json!({"text": e, "url": format!("mailto:{e}")}))
                        .collect(),
                );
                row(
                    "website",
                    c.website
                        .iter()
                        .map(|w| json!({"text": w, "url": w}))
                        .collect(),
                );
            }
            _ => {}
        }
        facts
    }
}

/// `/en/practices/` → `en/practices/index.html`; `/en/404.html` stays a file.
fn output_path(path: &str) -> String {
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        "index.html".into()
    } else if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// Escapes text for HTML and XML (Tera's own escaper also rewrites `/`, bloating every URL).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Renderer<'_> {
    /// Taxonomies, paginated section pages after the first, search and 404 per language.
    fn listing_views(&self, lang: &str) -> Vec<View> {
        let mut views = Vec::new();
        views.extend(self.taxonomy_views(lang));
        views.extend(self.member_directory_views(lang));
        views.push(View {
            path: format!("/{lang}/search/"),
            template: "search.html".into(),
            key: None,
            title: self.t(lang, "search"),
            context: json!({
                "themes_url": self.site.config.link(&format!("/{lang}/themes/")),
                "countries_url": self.site.config.link(&format!("/{lang}/countries/")),
            }),
        });
        views.push(View {
            path: format!("/{lang}/404.html"),
            template: "404.html".into(),
            key: None,
            title: self.t(lang, "not_found"),
            context: json!({}),
        });
        views
    }

    /// One directory page per country, unless the site wrote its own `members/<cc>/_index.md`.
    fn member_directory_views(&self, lang: &str) -> Vec<View> {
        let members = self.t(lang, "members");
        self.member_directory(lang)
            .into_iter()
            .filter(|group| {
                let code = group["code"].as_str().unwrap_or("");
                self.site.entry(lang, &format!("members/{code}/_index")).is_none()
            })
            .map(|group| {
                let code = group["code"].as_str().unwrap_or("").to_string();
                let title = format!("{members} — {}", group["name"].as_str().unwrap_or(""));
                View {
                    path: format!("/{lang}/members/{code}/"),
                    template: "directory.html".into(),
                    key: None,
                    title: title.clone(),
                    context: json!({"page": {"title": title, "kind": "directory"}, "groups": [group],
                        "directory": self.site.config.link(&format!("/{lang}/members/"))}),
                }
            })
            .collect()
    }

    fn taxonomy_views(&self, lang: &str) -> Vec<View> {
        let site = self.site;
        let locale = self.locale(lang);
        let link = |path: String| site.config.link(&path);
        // term → (practices, members, coordinator) per taxonomy
        let mut countries: BTreeMap<String, CountryPages> = BTreeMap::new();
        let mut levels: BTreeMap<String, Vec<Item>> = BTreeMap::new();
        let mut tags: BTreeMap<String, (String, Vec<Item>)> = BTreeMap::new();
        let mut regions: BTreeMap<String, Vec<Item>> = BTreeMap::new();
        for entry in site.entries_in(lang) {
            let page = site.page(entry);
            for tag in &page.tags {
                tags.entry(crate::markdown::slugify(tag))
                    .or_insert_with(|| (tag.clone(), Vec::new()))
                    .1
                    .push(self.item(entry));
            }
            match &page.kind {
                Kind::Practice(p) => {
                    for c in &p.countries {
                        countries
                            .entry(c.clone())
                            .or_default()
                            .0
                            .push(self.item(entry));
                    }
                    let mut practice_regions: Vec<&str> = p
                        .countries
                        .iter()
                        .filter_map(|c| site.regions.region_of(c))
                        .collect();
                    practice_regions.dedup();
                    for r in practice_regions {
                        regions
                            .entry(r.to_string())
                            .or_default()
                            .push(self.item(entry));
                    }
                    for l in &p.levels {
                        levels.entry(l.clone()).or_default().push(self.item(entry));
                    }
                }
                Kind::Member(m) => countries
                    .entry(m.country.clone())
                    .or_default()
                    .1
                    .push(self.item(entry)),
                Kind::Coordinator(c) => countries
                    .entry(c.country.clone())
                    .or_default()
                    .2
                    .push(self.item(entry)),
                _ => {}
            }
        }
        let mut views = Vec::new();
        let mut country_index = Vec::new();
        for (code, (practices, mut members, coordinators)) in countries {
            members.sort_by(|a, b| locale.compare(&a.title, &b.title));
            let name = locale.country_name(&code);
            let region = site.regions.region_of(&code).unwrap_or("");
            country_index.push(json!({"title": name, "url": link(format!("/{lang}/countries/{code}/")),
                "meta": self.strings.plural(locale, "practices_count", practices.len()), "region": region}));
            views.push(View {
                path: format!("/{lang}/countries/{code}/"),
                template: "list.html".into(),
                key: None,
                title: name.clone(),
                context: json!({"page": {"title": name, "kind": "country"},
                    "region": {"title": self.t(lang, &format!("region_{region}")), "url": link(format!("/{lang}/regions/{region}/"))},
                    "count": self.strings.plural(locale, "practices_count", practices.len()),
                    "items": sorted_by_date(practices),
                    "sublists": [
                        {"title": self.t(lang, "coordinator"), "items": coordinators},
                        {"title": self.t(lang, "members"), "items": members},
                    ]}),
            });
        }
        country_index.sort_by(|a, b| {
            locale.compare(
                a["title"].as_str().unwrap_or(""),
                b["title"].as_str().unwrap_or(""),
            )
        });
        let mut region_index = Vec::new();
        for region in REGIONS {
            let title = self.t(lang, &format!("region_{region}"));
            let in_region: Vec<&Value> = country_index
                .iter()
                .filter(|c| c["region"] == region)
                .collect();
            let items = regions.remove(region).unwrap_or_default();
            region_index.push(json!({"title": title, "url": link(format!("/{lang}/regions/{region}/")), "countries": in_region}));
            views.push(View {
                path: format!("/{lang}/regions/{region}/"),
                template: "list.html".into(),
                key: None,
                title: title.clone(),
                context: json!({"page": {"title": title, "kind": "region"},
                    "count": self.strings.plural(locale, "practices_count", items.len()),
                    "items": sorted_by_date(items),
                    "sublists": [{"title": self.t(lang, "nav_countries"), "items": in_region}]}),
            });
        }
        views.push(View {
            path: format!("/{lang}/countries/"),
            template: "list.html".into(),
            key: None,
            title: self.t(lang, "nav_countries"),
            context: json!({"page": {"title": self.t(lang, "nav_countries"), "kind": "taxonomy"}, "regions": region_index}),
        });
        views.push(View {
            path: format!("/{lang}/regions/"),
            template: "list.html".into(),
            key: None,
            title: self.t(lang, "regions"),
            context: json!({"page": {"title": self.t(lang, "regions"), "kind": "taxonomy"}, "regions": region_index}),
        });
        let mut level_index = Vec::new();
        for level in LEVELS {
            let title = self.t(lang, &format!("level_{level}"));
            let items = levels.remove(level).unwrap_or_default();
            level_index.push(
                json!({"title": title, "url": link(format!("/{lang}/levels/{level}/")),
                "meta": self.strings.plural(locale, "practices_count", items.len())}),
            );
            views.push(View {
                path: format!("/{lang}/levels/{level}/"),
                template: "list.html".into(),
                key: None,
                title: title.clone(),
                context: json!({"page": {"title": title, "kind": "level"},
                    "count": self.strings.plural(locale, "practices_count", items.len()), "items": sorted_by_date(items)}),
            });
        }
        views.push(View {
            path: format!("/{lang}/levels/"),
            template: "list.html".into(),
            key: None,
            title: self.t(lang, "levels"),
            context: json!({"page": {"title": self.t(lang, "levels"), "kind": "taxonomy"}, "items": level_index}),
        });
        let mut tag_index = Vec::new();
        for (slug, (name, items)) in tags {
            tag_index.push(
                json!({"title": name, "url": link(format!("/{lang}/tags/{slug}/")),
                "meta": self.strings.plural(locale, "pages_count", items.len())}),
            );
            views.push(View {
                path: format!("/{lang}/tags/{slug}/"),
                template: "list.html".into(),
                key: None,
                title: format!("#{name}"),
                context: json!({"page": {"title": format!("#{name}"), "kind": "tag"},
                    "count": self.strings.plural(locale, "pages_count", items.len()), "items": sorted_by_date(items)}),
            });
        }
        views.push(View {
            path: format!("/{lang}/tags/"),
            template: "list.html".into(),
            key: None,
            title: self.t(lang, "tags"),
            context: json!({"page": {"title": self.t(lang, "tags"), "kind": "taxonomy"}, "items": tag_index}),
        });
        views
    }

    /// The language chooser, root 404, robots.txt, alias redirects and the theme's static files.
    fn site_wide_files(&self, theme: &Theme) -> Vec<OutputFile> {
        let site = self.site;
        let config = &site.config;
        let mut files = Vec::new();
        let languages: Vec<Value> = config
            .languages
            .iter()
            .map(|l| json!({"code": l.code, "name": l.name, "title": l.title, "url": config.link(&format!("/{}/", l.code))}))
            .collect();
        let mut render = |template: &str, path: &str, context: Value| {
            let mut context = Context::from_value(context).unwrap_or_default();
            context.insert("languages", &languages);
            context.insert("base", &config.base_path);
            context.insert("site_title", &config.title);
            context.insert("default_lang", &config.default_language);
            if let Ok(html) = self.tera.render(template, &context) {
                files.push(OutputFile {
                    path: path.into(),
                    contents: Contents::Bytes(html.into_bytes()),
                });
            }
        };
        render("chooser.html", "index.html", json!({}));
        for page in &site.pages {
            for alias in &page.aliases {
                let Some(entry) = site.entry(&page.lang, &page.key) else {
                    continue;
                };
                let alias_path = format!("/{}/", alias.trim_matches('/'));
                render(
                    "redirect.html",
                    &output_path(&alias_path),
                    json!({"target": config.absolute(&entry.path)}),
                );
            }
        }
        let default_404 = format!("{}/404.html", config.languages[0].code);
        files.push(OutputFile {
            path: "404.html".into(),
            contents: Contents::Bytes(Vec::new()),
        });
        if let Some(last) = files.last_mut() {
            last.contents = Contents::Bytes(format!("<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=\"0; url={}\">", config.link(&default_404)).into_bytes());
        }
        files.push(OutputFile {
            path: "robots.txt".into(),
            contents: Contents::Bytes(
                format!(
                    "User-agent: *\nAllow: /\nSitemap: {}\n",
                    config.absolute("/sitemap.xml")
                )
                .into_bytes(),
            ),
        });
        for (path, bytes) in theme.static_files() {
            files.push(OutputFile {
                path: format!("static/{path}"),
                contents: Contents::Bytes(bytes.to_vec()),
            });
        }
        files
    }

    /// Atom feeds (per language, per thematic area) and sitemaps with hreflang alternates.
    fn feeds_and_sitemaps(&self) -> Vec<OutputFile> {
        let site = self.site;
        let config = &site.config;
        let mut files = Vec::new();
        let mut sitemap_index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for language in &config.languages {
            let lang = &language.code;
            let practices = self.practices(lang, |_, _| true);
            files.push(self.feed(
                lang,
                &format!("/{lang}/atom.xml"),
                &language.title,
                &practices,
            ));
            for code in site.theme_codes() {
                if let Some(theme_entry) = site.entry(lang, &format!("themes/{code}")) {
                    let items = self.practices(lang, |p, _| p.themes.contains(&code));
                    let title = format!("{} — {}", language.title, site.page(theme_entry).title);
                    files.push(self.feed(
                        lang,
                        &format!("{}atom.xml", theme_entry.path),
                        &title,
                        &items,
                    ));
                }
            }
            let mut sitemap = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
            );
            for entry in site.entries_in(lang) {
                let page = site.page(entry);
                sitemap.push_str(&format!(
                    "<url><loc>{}</loc>",
                    escape_html(&config.absolute(&entry.path))
                ));
                if let Some(day) = page.updated.or(page.date) {
                    sitemap.push_str(&format!("<lastmod>{}</lastmod>", day.iso()));
                }
                for alternate in site.alternates(&page.key) {
                    sitemap.push_str(&format!(
                        "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        alternate.lang,
                        escape_html(&config.absolute(&alternate.path))
                    ));
                }
                sitemap.push_str("</url>\n");
            }
            sitemap.push_str("</urlset>\n");
            files.push(OutputFile {
                path: format!("{lang}/sitemap.xml"),
                contents: Contents::Bytes(sitemap.into_bytes()),
            });
            sitemap_index.push_str(&format!(
                "<sitemap><loc>{}</loc></sitemap>\n",
                escape_html(&config.absolute(&format!("/{lang}/sitemap.xml")))
            ));
        }
        sitemap_index.push_str("</sitemapindex>\n");
        files.push(OutputFile {
            path: "sitemap.xml".into(),
            contents: Contents::Bytes(sitemap_index.into_bytes()),
        });
        files
    }

    fn feed(&self, lang: &str, path: &str, title: &str, items: &[Item]) -> OutputFile {
        let config = &self.site.config;
        let updated = items
            .first()
            .map_or("1970-01-01".to_string(), |i| i.sort_date.clone());
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n<title>{}</title>\n<id>{}</id>\n<link rel=\"self\" href=\"{}\"/>\n<link href=\"{}\"/>\n<updated>{updated}T00:00:00Z</updated>\n",
            escape_html(title),
            escape_html(&config.absolute(path)),
            escape_html(&config.absolute(path)),
            escape_html(&config.absolute(&format!("/{lang}/"))),
        );
        for item in items.iter().take(30) {
            let url = format!("{}{}", config.origin, item.url);
            xml.push_str(&format!(
                "<entry xml:lang=\"{}\"><title>{}</title><id>{}</id><link href=\"{}\"/><updated>{}T00:00:00Z</updated><summary>{}</summary></entry>\n",
                item.lang,
                escape_html(&item.title),
                escape_html(&url),
                escape_html(&url),
                item.sort_date,
                escape_html(item.summary.as_deref().unwrap_or("")),
            ));
        }
        xml.push_str("</feed>\n");
        OutputFile {
            path: path.trim_start_matches('/').to_string(),
            contents: Contents::Bytes(xml.into_bytes()),
        }
    }

    /// Files beside a bundle's `index.md` go beside the page in every language it shows in;
    /// other files under `content/` keep their path.
    fn assets(&self, assets: &[Asset]) -> Vec<OutputFile> {
        let site = self.site;
        let mut files = Vec::new();
        for asset in assets {
            let (dir, name) = asset
                .content_path
                .rsplit_once('/')
                .unwrap_or(("", &asset.content_path));
            let copies: Vec<&Entry> = site.alternates(dir);
            if copies.is_empty() {
                files.push(OutputFile {
                    path: asset.content_path.clone(),
                    contents: Contents::CopyOf(asset.absolute.clone()),
                });
            }
            for entry in copies {
                let path = format!("{}{name}", entry.path.trim_start_matches('/'));
                files.push(OutputFile {
                    path,
                    contents: Contents::CopyOf(asset.absolute.clone()),
                });
            }
        }
        files
    }

    /// Splits a listing longer than `paginate` into `path`, `path/page/2/`, …
    fn paginate(&self, mut view: View) -> Vec<View> {
        let per_page = self.site.config.paginate;
        let items = match view.context.get_mut("items").map(Value::take) {
            Some(Value::Array(items))
                if items.len() > per_page
                    && view.template == "list.html"
                    && view.context["page"]["kind"] != "taxonomy" =>
            {
                items
            }
            Some(other) => {
                view.context["items"] = other;
                return vec![view];
            }
            None => return vec![view],
        };
        let pages: Vec<Vec<Value>> = items.chunks(per_page).map(<[Value]>::to_vec).collect();
        let total = pages.len();
        let lang = view
            .path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("")
            .to_string();
        let page_path = |n: usize| {
            if n == 1 {
                view.path.clone()
            } else {
                format!("{}page/{n}/", view.path)
            }
        };
        let link = |n: usize| self.site.config.link(&page_path(n));
        pages
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| {
                let n = i + 1;
                let mut context = view.context.clone();
                context["items"] = Value::Array(chunk);
                context["pager"] = json!({
                    "current": n, "total": total,
                    "label": self.t(&lang, "page_of").replace("{n}", &n.to_string()).replace("{total}", &total.to_string()),
                    "prev": (n > 1).then(|| link(n - 1)),
                    "next": (n < total).then(|| link(n + 1)),
                });
                View { path: page_path(n), template: view.template.clone(), key: view.key.clone(), title: view.title.clone(), context }
            })
            .collect()
    }
}

/// A country's practices, member institutions and coordinator.
type CountryPages = (Vec<Item>, Vec<Item>, Vec<Item>);

fn sorted_by_date(mut items: Vec<Item>) -> Vec<Item> {
    items.sort_by(|a, b| {
        b.sort_date
            .cmp(&a.sort_date)
            .then_with(|| a.title.cmp(&b.title))
    });
    items
}
