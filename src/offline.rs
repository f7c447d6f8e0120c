//! The offline copy (`build --offline`): a site that works opened from the file system (a USB
//! stick, `file://`) or from any folder of any plain server, wherever it is put.
//!
//! One pass over the files on their way to the output ([`OfflineSink`]), so no template has
//! to know: in every HTML page, each address of the site (an `href`, `src`, `srcset`,
//! `action`, or a refresh's `url=`, written with the base URL's path or in full) becomes a
//! relative link to a real file (`../practices/x/index.html`: a folder is not a file on
//! `file://`); and each file of the browser search index (gzip JSON, `.jsz`) becomes a
//! script (`.js`) that hands its data to the search page, because browsers refuse `fetch` of
//! `file://` addresses but run scripts. Feeds and sitemaps keep their full addresses: they
//! are for the published site.

use crate::diagnostic::EnvError;
use crate::output::{Contents, OutputFile, Sink};
use std::io::Read;

/// The attributes that hold addresses; `content` only for a refresh (`0; url=…`).
const ADDRESS_ATTRIBUTES: [&str; 5] = ["href", "src", "srcset", "action", "content"];

/// Turns the files of a built site into those of its offline copy, then hands them on.
pub struct OfflineSink<'a> {
    inner: &'a dyn Sink,
    /// The site's addresses as written in pages: its base path (`/aspnet/`) and its full
    /// base URL (`https://example.org/aspnet/`).
    base_path: String,
    base_url: String,
}

impl<'a> OfflineSink<'a> {
    pub fn new(inner: &'a dyn Sink, base_url: &str, base_path: &str) -> OfflineSink<'a> {
        OfflineSink {
            inner,
            base_path: base_path.to_string(),
            base_url: base_url.to_string(),
        }
    }
}

impl Sink for OfflineSink<'_> {
    fn put(&self, file: OutputFile) -> Result<(), EnvError> {
        let OutputFile {
            path,
            contents,
            source,
        } = file;
        let file = match contents {
            Contents::Bytes(bytes) if path.ends_with(".html") => OutputFile {
                contents: Contents::Bytes(
                    self.relative_links(&String::from_utf8_lossy(&bytes), &path)
                        .into_bytes(),
                ),
                path,
                source,
            },
            Contents::Bytes(bytes) if path.ends_with(".jsz") => match index_script(&path, &bytes) {
                Some((script_path, script)) => OutputFile {
                    path: script_path,
                    contents: Contents::Bytes(script),
                    source,
                },
                None => OutputFile {
                    path,
                    contents: Contents::Bytes(bytes),
                    source,
                },
            },
            contents => OutputFile {
                path,
                contents,
                source,
            },
        };
        self.inner.put(file)
    }
}

impl OfflineSink<'_> {
    /// `html` (the page at `page`, a path in the output) with every address of the site in
    /// its attributes made relative to the page.
    fn relative_links(&self, html: &str, page: &str) -> String {
        let up = "../".repeat(page.matches('/').count());
        let mut out = String::with_capacity(html.len() + html.len() / 8);
        let mut rest = html;
        while let Some((start, name)) = next_attribute(rest) {
            let value_start = start + name.len() + 2;
            let Some(length) = rest[value_start..].find('"') else {
                break;
            };
            let value = &rest[value_start..value_start + length];
            out.push_str(&rest[..value_start]);
            out.push_str(&self.relative_value(name, value, &up));
            rest = &rest[value_start + length..];
        }
        out.push_str(rest);
        out
    }

    /// An attribute's value with the site's addresses in it made relative (`up` leads from
    /// the page to the site's root); other values as they are.
    fn relative_value(&self, attribute: &str, value: &str, up: &str) -> String {
        match attribute {
            "srcset" => value
                .split(',')
                .map(|candidate| {
                    let candidate = candidate.trim();
                    let (url, width) = candidate.split_once(' ').unwrap_or((candidate, ""));
                    let url = self.relative(url, up);
                    format!("{url} {width}").trim_end().to_string()
                })
                .collect::<Vec<_>>()
                .join(", "),
            "content" => match value.split_once("url=") {
                Some((delay, url)) => format!("{delay}url={}", self.relative(url, up)),
                None => value.to_string(),
            },
            _ => self.relative(value, up),
        }
    }

    /// `url` relative to a page `up` from the root when it is an address of the site (a
    /// folder's address naming its `index.html`); any other address as it is.
    fn relative(&self, url: &str, up: &str) -> String {
        let Some(path) = url
            .strip_prefix(&self.base_url)
            .or_else(|| url.strip_prefix(&self.base_path))
        else {
            return url.to_string();
        };
        let end = path.find(['?', '#']).unwrap_or(path.len());
        let (file, suffix) = path.split_at(end);
        let index = if file.is_empty() || file.ends_with('/') {
            "index.html"
        } else {
            ""
        };
        let relative = format!("{up}{file}{index}{suffix}");
        relative
    }
}

/// Where the next address attribute starts in `html` (at its name) and which one it is.
fn next_attribute(html: &str) -> Option<(usize, &'static str)> {
    ADDRESS_ATTRIBUTES
        .iter()
        .filter_map(|name| {
            let found = find_attribute(html, name)?;
            Some((found, *name))
        })
        .min()
}

/// The position of ` name="` in `html` (at `name`).
fn find_attribute(html: &str, name: &str) -> Option<usize> {
    let pattern = format!(" {name}=\"");
    html.find(&pattern).map(|at| at + 1)
}

/// A browser index file (`en/search/<hash>/s/ab.jsz`, gzip JSON) as the script that hands
/// its data to the search page: `aspnetKbIndex("s/ab.jsz", {…});`, at `…/s/ab.js`. `None`
/// for a file that is not one.
fn index_script(path: &str, gzipped: &[u8]) -> Option<(String, Vec<u8>)> {
    let (_, in_search) = path.split_once("/search/")?;
    let (_hash, within) = in_search.split_once('/')?;
    let mut json = String::new();
    flate2::read::GzDecoder::new(gzipped)
        .read_to_string(&mut json)
        .ok()?;
    let name = serde_json::to_string(within).ok()?;
    let script = format!("aspnetKbIndex({name}, {json});\n");
    let script_path = format!("{}.js", path.strip_suffix(".jsz")?);
    Some((script_path, script.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Discard;

    fn sink() -> OfflineSink<'static> {
        OfflineSink::new(&Discard, "https://example.org/aspnet/", "/aspnet/")
    }

    #[test]
    fn addresses_of_the_site_become_relative_links_to_files() {
        let page = r##"<a href="/aspnet/en/practices/x/">x</a> <a href="#top">top</a>
<link rel="stylesheet" href="/aspnet/static/style.css"><a href="https://other.org/">o</a>
<img src="/aspnet/images/a-400.jpg" srcset="/aspnet/images/a-400.jpg 400w, /aspnet/images/a-800.jpg 800w">
<a href="/aspnet/en/search/?sdg=4.7">s</a><a href="/aspnet/en/practices/x/#part">p</a>
<meta http-equiv="refresh" content="0; url=https://example.org/aspnet/en/">"##;
        let offline = sink().relative_links(page, "en/practices/y/index.html");
        assert_eq!(
            offline,
            r##"<a href="../../../en/practices/x/index.html">x</a> <a href="#top">top</a>
<link rel="stylesheet" href="../../../static/style.css"><a href="https://other.org/">o</a>
<img src="../../../images/a-400.jpg" srcset="../../../images/a-400.jpg 400w, ../../../images/a-800.jpg 800w">
<a href="../../../en/search/index.html?sdg=4.7">s</a><a href="../../../en/practices/x/index.html#part">p</a>
<meta http-equiv="refresh" content="0; url=../../../en/index.html">"##
        );
        assert_eq!(
            sink().relative_links(r#"<a href="/aspnet/">home</a>"#, "index.html"),
            r#"<a href="index.html">home</a>"#
        );
    }

    #[test]
    fn index_files_become_scripts() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, br#"{"w":{}}"#).unwrap();
        let bytes = gz.finish().unwrap();
        let (path, script) = index_script("en/search/abc123/s/wa.jsz", &bytes).unwrap();
        assert_eq!(path, "en/search/abc123/s/wa.js");
        assert_eq!(
            String::from_utf8(script).unwrap(),
            "aspnetKbIndex(\"s/wa.jsz\", {\"w\":{}});\n"
        );
        assert_eq!(index_script("en/search/abc123/s/wa.jsz", b"not gzip"), None);
    }
}
