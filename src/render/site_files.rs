//! Files beside the pages: Atom feeds, sitemaps, the root language chooser, the root 404,
//! robots.txt, alias redirects, the theme's static files and bundle assets.

use super::*;

/// Entries of an Atom feed: the newest practices.
const FEED_ENTRIES: usize = 30;

impl Renderer<'_> {
    /// The language chooser, root 404, robots.txt, alias redirects and the theme's static
    /// files; a template that fails is a problem in `problems`, not a file left out silently.
    pub(super) fn site_wide_files(
        &self,
        theme: &Theme,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<OutputFile> {
        let site = self.site;
        let config = &site.config;
        let mut files = Vec::new();
        let languages: Vec<Value> = config
            .languages
            .iter()
            .map(|l| json!({"code": l.code, "name": l.name, "title": l.title, "url": config.link(&format!("/{}/", l.code))}))
            .collect();
        let mut render = |template: &str, path: &str, context: Value, source: String| {
            let mut context = Context::from_value(context).unwrap_or_default();
            context.insert("languages", &languages);
            context.insert("base", &config.base_path);
            context.insert("site_title", &config.title);
            context.insert("default_lang", &config.default_language);
            match self.tera.render(template, &context) {
                Ok(html) => files.push(OutputFile {
                    path: path.into(),
                    contents: Contents::Bytes(html.into_bytes()),
                    source,
                }),
                Err(e) => problems.push(Diagnostic::error(
                    format!("themes/templates/{template}"),
                    0,
                    error_chain(&e),
                )),
            }
        };
        render(
            "chooser.html",
            "index.html",
            json!({}),
            "generated language chooser".into(),
        );
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
                    format!("{} (aliases)", page.source),
                );
            }
        }
        let default_404 = format!("{}/404.html", config.languages[0].code);
        files.push(OutputFile {
            path: "404.html".into(),
            contents: Contents::Bytes(Vec::new()),
            source: "generated root 404 page".into(),
        });
        if let Some(last) = files.last_mut() {
            last.contents = Contents::Bytes(format!("<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=\"0; url={}\">", escape_html(&config.link(&default_404))).into_bytes());
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
            source: "generated robots.txt".into(),
        });
        for (path, bytes) in theme.static_files() {
            files.push(OutputFile {
                path: format!("static/{path}"),
                contents: Contents::Bytes(bytes.to_vec()),
                source: format!("theme file static/{path}"),
            });
        }
        files
    }

    /// Atom feeds (per language, per thematic area) and sitemaps with hreflang alternates.
    pub(super) fn feeds_and_sitemaps(&self) -> Vec<OutputFile> {
        let mut files = self.feeds();
        files.extend(self.sitemaps());
        files
    }

    /// Atom feeds: per language and per thematic area.
    pub(super) fn feeds(&self) -> Vec<OutputFile> {
        let site = self.site;
        let mut files = Vec::new();
        for language in &site.config.languages {
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
        }
        files
    }

    /// A sitemap per language with hreflang alternates, and their index.
    fn sitemaps(&self) -> Vec<OutputFile> {
        let site = self.site;
        let config = &site.config;
        let mut files = Vec::new();
        let mut sitemap_index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for language in &config.languages {
            let lang = &language.code;
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
                source: "generated sitemap".into(),
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
            source: "generated sitemap index".into(),
        });
        files
    }

    /// A feed of the first [`FEED_ENTRIES`] of `practices`, newest first.
    fn feed(&self, lang: &str, path: &str, title: &str, practices: &[&Entry]) -> OutputFile {
        let config = &self.site.config;
        let date = |entry: &Entry| {
            let day = self.site.page(entry).date;
            day.map_or("1970-01-01".to_string(), |d| d.iso())
        };
        let updated = practices
            .first()
            .map_or("1970-01-01".to_string(), |e| date(e));
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n<title>{}</title>\n<id>{}</id>\n<link rel=\"self\" href=\"{}\"/>\n<link href=\"{}\"/>\n<updated>{updated}T00:00:00Z</updated>\n",
            escape_html(title),
            escape_html(&config.absolute(path)),
            escape_html(&config.absolute(path)),
            escape_html(&config.absolute(&format!("/{lang}/"))),
        );
        for entry in practices.iter().take(FEED_ENTRIES) {
            let item = self.item(entry);
            let url = format!("{}{}", config.origin, item.url);
            xml.push_str(&format!(
                "<entry xml:lang=\"{}\"><title>{}</title><id>{}</id><link href=\"{}\"/><updated>{}T00:00:00Z</updated><summary>{}</summary></entry>\n",
                item.lang,
                escape_html(&item.title),
                escape_html(&url),
                escape_html(&url),
                date(entry),
                escape_html(item.summary.as_deref().unwrap_or("")),
            ));
        }
        xml.push_str("</feed>\n");
        OutputFile {
            path: path.trim_start_matches('/').to_string(),
            contents: Contents::Bytes(xml.into_bytes()),
            source: "generated Atom feed".into(),
        }
    }

    /// Files beside a bundle's `index.md` go beside the page in every language it shows in
    /// (none when the page is not shown: a draft); files of `static/` go to the root.
    pub(super) fn assets(&self, assets: &[Asset]) -> Vec<OutputFile> {
        let site = self.site;
        let mut files = Vec::new();
        for asset in assets {
            if asset.site_wide {
                files.push(published(asset, asset.content_path.clone()));
                continue;
            }
            let (dir, name) = asset
                .content_path
                .rsplit_once('/')
                .unwrap_or(("", &asset.content_path));
            for entry in site.alternates(dir) {
                let path = format!("{}{name}", entry.path.trim_start_matches('/'));
                files.push(published(asset, path));
            }
        }
        files
    }
}

/// An asset as an output file: its sanitised bytes, or a copy of the file.
fn published(asset: &Asset, path: String) -> OutputFile {
    OutputFile {
        path,
        contents: match &asset.cleaned {
            Some(bytes) => Contents::Bytes(bytes.to_vec()),
            None => Contents::CopyOf(asset.absolute.clone()),
        },
        source: asset.source(),
    }
}
