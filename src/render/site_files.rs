//! Files beside the pages: Atom feeds, sitemaps, the root language chooser, the root 404
//! (which sends readers to their language's 404 page), robots.txt, alias redirects, the
//! theme's static files and bundle assets.

use super::context::*;
use super::*;
use std::ops::Range;

/// Entries of an Atom feed: the newest practices.
const FEED_ENTRIES: usize = 30;

/// Addresses in one sitemap at most: the sitemaps protocol's limit.
const SITEMAP_URLS: usize = 50_000;

/// Bytes in one sitemap at most (uncompressed): the sitemaps protocol's other limit, which
/// long addresses and many languages' alternates reach before 50,000 addresses.
const SITEMAP_BYTES: usize = 50 * 1024 * 1024;

/// `redirect.html`'s and `root_404.html`'s context: the site's, and the target.
#[derive(Serialize)]
struct Redirect<'c> {
    #[serde(flatten)]
    site: &'c SiteContext<'c>,
    #[serde(flatten)]
    redirect: RedirectContext,
}

impl Renderer<'_> {
    /// Renders a site file's `template` with `context` into `path`.
    fn site_file(
        &self,
        template: &str,
        context: &impl Serialize,
        path: String,
        source: impl Into<String>,
    ) -> Result<OutputFile, Diagnostic> {
        let context =
            Context::from_serialize(context).map_err(|e| template_problem(template, &e))?;
        let text = self
            .tera
            .render(template, &context)
            .map_err(|e| template_problem(template, &e))?;
        Ok(OutputFile {
            path,
            contents: Contents::Bytes(text.into_bytes()),
            source: source.into(),
        })
    }

    /// The language chooser, root 404, robots.txt, alias redirects and the theme's static
    /// files; a template that fails is a problem in `problems`, not a file left out silently.
    pub fn site_wide_files(
        &self,
        theme: &Theme,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<OutputFile> {
        let site = self.site;
        let config = &site.config;
        let languages = config
            .languages
            .iter()
            .map(|l| SiteLanguage {
                code: &l.code,
                tag: &l.tag,
                name: &l.name,
                dir: direction(l.rtl),
                title: &l.title,
                url: config.link(&format!("/{}/", l.code)),
                search_url: config.link(&format!("/{}/search/", l.code)),
                not_found: config.link(&format!("/{}/404.html", l.code)),
                t: &self.tables[&l.code],
            })
            .collect();
        let chooser = SiteContext {
            languages,
            base: &config.base_path,
            site_title: &config.title,
            default_lang: &config.default_language,
            default_dir: self.dir(&config.default_language),
            offline: config.offline,
        };
        let mut made = vec![self.site_file(
            "chooser.html",
            &chooser,
            "index.html".into(),
            "generated language chooser",
        )];
        made.extend(self.redirects(&chooser));
        let default_404 = format!("/{}/404.html", config.languages[0].code);
        made.push(self.site_file(
            "root_404.html",
            &Redirect {
                site: &chooser,
                redirect: RedirectContext {
                    target: config.link(&default_404),
                },
            },
            "404.html".into(),
            "generated root 404 page",
        ));
        made.push(self.site_file(
            "robots.txt",
            &RobotsContext {
                sitemap: config.absolute("/sitemap.xml"),
            },
            "robots.txt".into(),
            "generated robots.txt",
        ));
        let mut files = Vec::new();
        for file in made {
            match file {
                Ok(file) => files.push(file),
                Err(problem) => problems.push(problem),
            }
        }
        for (path, bytes) in theme.static_files() {
            files.push(OutputFile {
                path: format!("static/{path}"),
                contents: Contents::Bytes(bytes.to_vec()),
                source: format!("theme file static/{path}"),
            });
        }
        files
    }

    /// Redirect pages: each page's `aliases`, and tag addresses from before slugs folded
    /// Latin accents (`/fr/tags/éducation/` → `/fr/tags/education/`).
    fn redirects(&self, site_context: &SiteContext) -> Vec<Result<OutputFile, Diagnostic>> {
        let site = self.site;
        let config = &site.config;
        let redirect = |target: String, from: String, source: String| {
            let context = Redirect {
                site: site_context,
                redirect: RedirectContext { target },
            };
            self.site_file("redirect.html", &context, output_path(&from), source)
        };
        let mut made = Vec::new();
        for page in &site.pages {
            let Some(entry) = site.entry(&page.lang, &page.key) else {
                continue;
            };
            for alias in &page.aliases {
                made.push(redirect(
                    config.absolute(&entry.path),
                    format!("/{}/", alias.trim_matches('/')),
                    format!("{} (aliases)", page.source),
                ));
            }
        }
        for language in &config.languages {
            let lang = &language.code;
            let tags = (site.entries_in(lang)).flat_map(|entry| &site.page(entry).tags);
            for (legacy, slug) in crate::parse::legacy_tag_slugs(tags) {
                made.push(redirect(
                    config.absolute(&format!("/{lang}/tags/{slug}/")),
                    format!("/{lang}/tags/{legacy}/"),
                    format!("tag `{slug}` (its address before accents were folded)"),
                ));
            }
        }
        made
    }

    /// Atom feeds (per language, per thematic area) and sitemaps with hreflang alternates,
    /// the sitemaps made one at a time as they are taken.
    pub fn feeds_and_sitemaps<'s>(
        &'s self,
        theme: &Theme,
    ) -> impl Iterator<Item = Result<OutputFile, Diagnostic>> + 's {
        self.feeds().into_iter().chain(self.sitemaps(theme))
    }

    /// Atom feeds: per language and per thematic area.
    pub fn feeds(&self) -> Vec<Result<OutputFile, Diagnostic>> {
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

    /// The sitemaps of each language with hreflang alternates (`fr/sitemap.xml`, then
    /// `fr/sitemap-2.xml`, …), within the protocol's limits, and their index last. Each is
    /// made when it is taken, so that no more than one is held: a sitemap of 50,000 addresses
    /// is some 20 MB.
    fn sitemaps<'s>(
        &'s self,
        theme: &Theme,
    ) -> impl Iterator<Item = Result<OutputFile, Diagnostic>> + 's {
        let mut languages = (self.site.config.languages.iter()).map(|language| {
            let entries: Vec<&Entry> = (self.site.entries_in(&language.code))
                .filter(|entry| self.upstream_canonical(entry).is_none())
                .collect();
            SitemapParts::new(language.code.as_str(), entries, SITEMAP_URLS, SITEMAP_BYTES)
        });
        let mut current = languages.next();
        let mut made: Vec<String> = Vec::new();
        let mut index_made = false;
        let built_in = theme.is_built_in("templates/sitemap.xml");
        std::iter::from_fn(move || {
            while let Some(parts) = &mut current {
                let Some((path, entries)) = parts.next_part() else {
                    current = languages.next();
                    continue;
                };
                let count = entries.len();
                let mut sitemap = self.sitemap(entries, path.clone(), built_in);
                let bytes = match &sitemap {
                    Ok(OutputFile {
                        contents: Contents::Bytes(bytes),
                        ..
                    }) => bytes.len(),
                    _ => 0,
                };
                match parts.made(bytes) {
                    Verdict::Fits => {}
                    Verdict::Again => continue,
                    Verdict::TooLarge => sitemap = Err(oversized_sitemap(&path, bytes, count)),
                }
                made.push(path);
                return Some(sitemap);
            }
            if index_made {
                return None;
            }
            index_made = true;
            let config = &self.site.config;
            let index = SitemapIndexContext {
                sitemaps: (made.iter())
                    .map(|path| config.absolute(&format!("/{path}")))
                    .collect(),
            };
            Some(self.site_file(
                "sitemap_index.xml",
                &index,
                "sitemap.xml".into(),
                "generated sitemap index",
            ))
        })
    }

    /// The sitemap of `entries`, into `path`. The built-in `sitemap.xml` is written directly
    /// (the same bytes as its template, which a test checks): through Tera it costs ~25,000
    /// instructions a page, which a preview edit adding a page would pay for every page of
    /// the site.
    fn sitemap(
        &self,
        entries: &[&Entry],
        path: String,
        built_in: bool,
    ) -> Result<OutputFile, Diagnostic> {
        let site = self.site;
        let config = &site.config;
        let urls = entries.iter().map(|entry| {
            let page = site.page(entry);
            let alternates =
                site.alternates(&page.key)
                    .into_iter()
                    .map(|alternate| SitemapAlternate {
                        lang: config.tag(&alternate.lang).to_string(),
                        url: config.absolute(&alternate.path),
                    });
            SitemapUrl {
                loc: config.absolute(&entry.path),
                lastmod: page.updated.or(page.date).map(|day| day.iso()),
                alternates: alternates.collect(),
            }
        });
        let context = SitemapContext {
            urls: urls.collect(),
        };
        match built_in {
            true => Ok(OutputFile {
                path,
                contents: Contents::Bytes(built_in_sitemap(&context).into_bytes()),
                source: "generated sitemap".into(),
            }),
            false => self.site_file("sitemap.xml", &context, path, "generated sitemap"),
        }
    }

    /// A feed of the first [`FEED_ENTRIES`] of `practices`, newest first.
    fn feed(
        &self,
        lang: &str,
        path: &str,
        title: &str,
        practices: &[&Entry],
    ) -> Result<OutputFile, Diagnostic> {
        let config = &self.site.config;
        let date = |entry: &Entry| {
            let day = self.site.page(entry).date;
            day.map_or("1970-01-01".to_string(), |d| d.iso())
        };
        let entries = practices.iter().take(FEED_ENTRIES).map(|entry| {
            let item = self.item(entry);
            FeedEntry {
                url: format!("{}{}", config.origin, item.url),
                lang: item.lang,
                title: item.title,
                updated: date(entry),
                summary: item.summary.unwrap_or_default(),
            }
        });
        let context = FeedContext {
            lang,
            title,
            url: config.absolute(path),
            home: config.absolute(&format!("/{lang}/")),
            updated: practices
                .first()
                .map_or("1970-01-01".to_string(), |e| date(e)),
            entries: entries.collect(),
        };
        self.site_file(
            "atom.xml",
            &context,
            path.trim_start_matches('/').to_string(),
            "generated Atom feed",
        )
    }

    /// Files beside a bundle's `index.md` go beside the page in every language it shows in
    /// (none when the page is not shown: a draft), but for pictures shown resized (their
    /// variants are written once, by `images`); files of `static/` go to the root.
    pub fn assets(&self, assets: &[Asset]) -> Vec<OutputFile> {
        let site = self.site;
        let mut files = Vec::new();
        for asset in assets {
            if self.pictures.get(&asset.content_path).is_some() {
                continue;
            }
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

/// What the built-in `themes/default/templates/sitemap.xml` makes of `context`, byte for byte.
fn built_in_sitemap(context: &SitemapContext) -> String {
    use std::fmt::Write;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for url in &context.urls {
        let _ = write!(xml, "<url><loc>{}</loc>", escape_html(&url.loc));
        if let Some(day) = &url.lastmod {
            let _ = write!(xml, "<lastmod>{}</lastmod>", escape_html(day));
        }
        for alternate in &url.alternates {
            let _ = write!(
                xml,
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                escape_html(&alternate.lang),
                escape_html(&alternate.url)
            );
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The problem of a sitemap of `count` addresses still over the protocol's size once cut as
/// far as cutting helps: a theme's template that makes more than addresses.
fn oversized_sitemap(path: &str, bytes: usize, count: usize) -> Diagnostic {
    Diagnostic::error(
        "themes/templates/sitemap.xml",
        0,
        format!(
            "{path}: the theme's sitemap template makes {bytes} bytes for {count} address(es), over the sitemaps protocol's {SITEMAP_BYTES}"
        ),
    )
    .with_hint("a sitemap lists addresses, their dates and alternates: keep anything else out of the template")
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

/// Whether `path` is one language's sitemap or one of its further parts
/// (`fr/sitemap.xml`, `fr/sitemap-2.xml`): the names [`SitemapParts`] gives.
pub fn is_sitemap_part(path: &str) -> bool {
    let Some((lang, name)) = path.split_once('/') else {
        return false;
    };
    let number = name
        .strip_prefix("sitemap")
        .and_then(|rest| rest.strip_suffix(".xml"));
    !lang.is_empty()
        && match number {
            Some("") => true,
            Some(n) => n
                .strip_prefix('-')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
            None => false,
        }
}

/// One language's sitemaps: its addresses cut into parts of at most `per_file`, and a part
/// found larger than `max_bytes` once made cut again in halves. Parts are taken in order and
/// numbered as they are taken (`fr/sitemap.xml`, `fr/sitemap-2.xml`, …); a language with no
/// pages still has its (empty) sitemap.
///
/// Cutting is bounded: the parts made and cut again from one part of `per_file` addresses may
/// add up to [`CUT_BUDGET`] times that part's first size, plus [`CUT_SLACK`] times
/// `max_bytes`. Addresses of a size are halved level by level, each level costing the part's
/// size once, so a part up to 16 times the limit (800 MiB for 50,000 addresses, 16 KB each)
/// comes out whole; a theme's template could make a part too large whatever it lists, which
/// would otherwise be cut into a file an address, each cut making the whole again.
struct SitemapParts<'l, T> {
    lang: &'l str,
    entries: Vec<T>,
    max_bytes: usize,
    /// The parts still to take, the next one last, each with the number of the part of
    /// `per_file` addresses it comes from.
    pending: Vec<(Range<usize>, usize)>,
    /// How many have been taken.
    taken: usize,
    /// The part of `per_file` addresses being cut: its number, the bytes its cuts may still
    /// make.
    cutting: Option<(usize, usize)>,
}

/// How many times its first size a part's cuts may make (see [`SitemapParts`]).
const CUT_BUDGET: usize = 4;
/// How many times the limit they may make beyond that.
const CUT_SLACK: usize = 8;

/// What to do with a part once made.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Within the limit: taken.
    Fits,
    /// Too large, and cut in halves: make the next part.
    Again,
    /// Too large, and cutting it is no help (a single address) or over the budget: taken.
    TooLarge,
}

impl<'l, T> SitemapParts<'l, T> {
    fn new(lang: &'l str, entries: Vec<T>, per_file: usize, max_bytes: usize) -> Self {
        let count = entries.len();
        let files = count.div_ceil(per_file).max(1);
        let pending = (0..files)
            .rev()
            .map(|i| (i * per_file..count.min((i + 1) * per_file), i))
            .collect();
        SitemapParts {
            lang,
            entries,
            max_bytes,
            pending,
            taken: 0,
            cutting: None,
        }
    }

    /// The next part's path and addresses (see [`Self::made`]).
    fn next_part(&self) -> Option<(String, &[T])> {
        let (range, _) = self.pending.last()?.clone();
        let path = match self.taken {
            0 => format!("{}/sitemap.xml", self.lang),
            n => format!("{}/sitemap-{}.xml", self.lang, n + 1),
        };
        Some((path, &self.entries[range]))
    }

    /// The next part was made into `bytes`: takes it, or cuts it in halves.
    fn made(&mut self, bytes: usize) -> Verdict {
        let Some((range, from)) = self.pending.pop() else {
            return Verdict::Fits;
        };
        if bytes <= self.max_bytes {
            self.taken += 1;
            return Verdict::Fits;
        }
        // The first time a part of `per_file` addresses is made: its budget.
        let left = match self.cutting {
            Some((part, left)) if part == from => left,
            _ => (bytes.saturating_mul(CUT_BUDGET))
                .saturating_add(self.max_bytes.saturating_mul(CUT_SLACK)),
        };
        if range.len() < 2 || bytes > left {
            self.taken += 1;
            return Verdict::TooLarge;
        }
        self.cutting = Some((from, left - bytes));
        let middle = range.start + range.len() / 2;
        self.pending.push((middle..range.end, from));
        self.pending.push((range.start..middle, from));
        Verdict::Again
    }
}

#[cfg(test)]
mod tests {
    use super::{SitemapParts, Verdict, is_sitemap_part};

    /// Takes every part as `sitemaps` does, each made into `size` bytes: paths, addresses
    /// and whether the part is too large.
    fn take_all(
        mut parts: SitemapParts<u32>,
        size: impl Fn(&[u32]) -> usize,
    ) -> Vec<(String, Vec<u32>, bool)> {
        let mut taken = Vec::new();
        while let Some((path, entries)) = parts.next_part() {
            let entries = entries.to_vec();
            match parts.made(size(&entries)) {
                Verdict::Again => continue,
                verdict => taken.push((path, entries, verdict == Verdict::TooLarge)),
            }
        }
        taken
    }

    #[test]
    fn sitemaps_split_at_the_limit_and_keep_the_first_name() {
        let parts = |count: u32, per_file| {
            SitemapParts::new("fr", (0..count).collect(), per_file, usize::MAX)
        };
        let fits = |_: &[u32]| 0;
        let part = |path: &str, entries: Vec<u32>| (path.to_string(), entries, false);
        assert_eq!(
            take_all(parts(0, 3), fits),
            [part("fr/sitemap.xml", vec![])]
        );
        assert_eq!(
            take_all(parts(3, 3), fits),
            [part("fr/sitemap.xml", vec![0, 1, 2])]
        );
        assert_eq!(
            take_all(parts(7, 3), fits),
            [
                part("fr/sitemap.xml", vec![0, 1, 2]),
                part("fr/sitemap-2.xml", vec![3, 4, 5]),
                part("fr/sitemap-3.xml", vec![6]),
            ]
        );
        // The preview knows them by name, and nothing else by it.
        let taken = take_all(parts(7, 3), fits);
        assert!(taken.iter().all(|(path, ..)| is_sitemap_part(path)));
        for other in [
            "sitemap.xml",
            "fr/sitemap-.xml",
            "fr/sitemap-x.xml",
            "fr/sitemap-2.xml/index.html",
        ] {
            assert!(!is_sitemap_part(other), "{other}");
        }
    }

    #[test]
    fn a_sitemap_too_large_is_cut_in_halves_numbered_in_order() {
        // Ten bytes an address, more than two addresses too large: the first 5 become 2 + 3,
        // the 3 then 1 + 2.
        let parts = SitemapParts::new("ar", (0..7).collect(), 5, 20);
        let taken = take_all(parts, |entries| entries.len() * 10);
        let names: Vec<&str> = taken.iter().map(|(path, ..)| path.as_str()).collect();
        assert_eq!(
            names,
            [
                "ar/sitemap.xml",
                "ar/sitemap-2.xml",
                "ar/sitemap-3.xml",
                "ar/sitemap-4.xml"
            ]
        );
        let lists: Vec<Vec<u32>> = taken
            .iter()
            .map(|(_, entries, _)| entries.clone())
            .collect();
        assert_eq!(lists, [vec![0, 1], vec![2], vec![3, 4], vec![5, 6]]);
        assert!(taken.iter().all(|(.., too_large)| !too_large));
        // The weight in a few addresses: cut until they are apart.
        let heavy = SitemapParts::new("ar", (0..16).collect(), 16, 20);
        let taken = take_all(heavy, |entries| {
            entries.iter().filter(|&&e| e >= 14).count() * 15
        });
        let lists: Vec<Vec<u32>> = taken
            .iter()
            .map(|(_, entries, _)| entries.clone())
            .collect();
        assert_eq!(
            lists,
            [
                (0..8).collect(),
                (8..12).collect(),
                vec![12, 13],
                vec![14],
                vec![15]
            ]
        );
        // A single address too large is its own file, said to be too large.
        let one = SitemapParts::new("ar", vec![9], 5, 20);
        let taken = take_all(one, |_| 30);
        assert_eq!(taken, [("ar/sitemap.xml".to_string(), vec![9], true)]);
    }

    #[test]
    fn cutting_what_stays_too_large_whatever_it_lists_soon_stops() {
        let blob = SitemapParts::new("ar", (0..1000).collect(), 50_000, 20);
        let made = std::cell::Cell::new(0);
        let taken = take_all(blob, |entries| {
            made.set(made.get() + 1);
            100 + entries.len() / 100
        });
        // 110 bytes: a budget of 4 x 110 + 8 x 20 = 600, spent depth first on cuts of 110,
        // 105, 102, 101 and 100 bytes; the six parts left are too large.
        assert_eq!(made.get(), 5 + 6);
        let lists: Vec<(usize, bool)> = taken.iter().map(|(_, e, big)| (e.len(), *big)).collect();
        assert_eq!(
            lists,
            [
                (31, true),
                (31, true),
                (63, true),
                (125, true),
                (250, true),
                (500, true)
            ]
        );
    }

    #[test]
    fn the_budget_is_each_part_of_per_file_addresses_own() {
        // Parts of 10 addresses a little over the limit, many of them: each is cut once, and
        // the last as easily as the first.
        let parts = SitemapParts::new("en", (0..400).collect(), 10, 100);
        let taken = take_all(parts, |entries| entries.len() * 11);
        assert_eq!(taken.len(), 80);
        assert!(
            taken
                .iter()
                .all(|(_, entries, big)| entries.len() == 5 && !big)
        );
    }
}
