//! The `aspnet-kb search` command: asks the tantivy index the last build wrote, and lists the
//! results. It sits above the stages, beside `authoring`: it reads the site's
//! languages from `site.yaml` and finds the index where [`build`] puts it.
//!
//! A query is turned away before the index is opened when it is too long, names a language
//! the site does not publish, or has too many words ([`query::check_query`]); the working
//! folder must pass [`output_guard::check_work_dir`], so the index read is the one inside the
//! site root.

use crate::build;
use crate::config::Config;
use crate::diagnostic::EnvError;
use crate::output_guard;
use crate::search::query::{self, Filters, Hit};
use std::fmt;
use std::path::{Path, PathBuf};

/// What to search for: the words, and what narrows them.
pub struct Request<'a> {
    /// The language of the site to search; the site's default language when `None`.
    pub lang: Option<&'a str>,
    pub text: &'a str,
    pub filters: &'a Filters,
    /// How many results, within [`query::LIMITS`].
    pub limit: usize,
}

/// Why a search was not answered.
#[derive(Debug)]
pub enum Refusal {
    /// The request is out of bounds or names a language the site does not publish.
    Usage(String),
    /// No index for the language: the site was not built yet (or not in that language).
    NoIndex { lang: String, dir: PathBuf },
    /// The site's configuration, the working folder or the index could not be read.
    Environment(EnvError),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Usage(message) => write!(f, "error: {message}"),
            Refusal::NoIndex { lang, dir } => write!(
                f,
                "error: no search index for \"{lang}\" in {}\n  hint: run `aspnet-kb build` first (and check --lang against the site's languages)",
                dir.display()
            ),
            Refusal::Environment(e) => write!(f, "{e}"),
        }
    }
}

/// The best results of the index of the site at `root` for `request`.
pub fn search(root: &Path, request: &Request) -> Result<Vec<Hit>, Refusal> {
    // The length first, before the site is read: a query too long to answer quickly is a
    // usage error (its words are counted once the language is known).
    query::check_query_length(request.text).map_err(Refusal::Usage)?;
    let lang = site_language(root, request.lang)?;
    query::check_query(request.text, &lang).map_err(Refusal::Usage)?;
    output_guard::check_work_dir(root).map_err(Refusal::Environment)?;
    let dir = build::search_index_dir(root).join(&lang);
    if !dir.is_dir() {
        return Err(Refusal::NoIndex { lang, dir });
    }
    query::search(&dir, &lang, request.text, request.filters, request.limit)
        .map_err(Refusal::Environment)
}

/// The site's code of the language `wanted` (compared without case), or its default
/// language. The language names a folder: it must be one of the site's (whose codes
/// `Config::parse` took through the one door for paths), and the folder is named by the
/// site's code, never by the argument.
fn site_language(root: &Path, wanted: Option<&str>) -> Result<String, Refusal> {
    let Some(config) = Config::read(root) else {
        return Err(Refusal::Environment(
            EnvError::new(root.join("site.yaml"), "cannot read the site's languages")
                .with_hint("run `aspnet-kb check` to see what is wrong with site.yaml"),
        ));
    };
    let Some(wanted) = wanted else {
        return Ok(config.default_language);
    };
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    match codes.iter().find(|c| c.eq_ignore_ascii_case(wanted)) {
        Some(code) => Ok(code.to_string()),
        None => Err(Refusal::Usage(format!(
            "--lang: {wanted:?} is not one of the site's languages ({})",
            codes.join(", ")
        ))),
    }
}

/// The results as text for a reader: numbered, each with its kind, language, URL and
/// excerpt, the matched words between `open` and `close` (bold on a terminal), the excerpt's
/// HTML entities decoded; a line saying so when there are none.
pub fn listing(hits: &[Hit], text: &str, open: &str, close: &str) -> String {
    if hits.is_empty() {
        return format!("no results for \"{text}\"\n");
    }
    let mut listing = String::new();
    for (i, hit) in hits.iter().enumerate() {
        let excerpt = hit
            .excerpt
            .replace("<mark>", open)
            .replace("</mark>", close)
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        listing.push_str(&format!(
            "{}. {} ({}, {})\n   {}\n   {}\n",
            i + 1,
            hit.title,
            hit.kind,
            hit.lang,
            hit.url,
            excerpt
        ));
        if !hit.missing.is_empty() {
            listing.push_str(&format!("   missing: {}\n", hit.missing.join(", ")));
        }
    }
    listing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(title: &str, excerpt: &str) -> Hit {
        Hit {
            title: title.into(),
            url: "/en/practices/x/".into(),
            kind: "practice".into(),
            lang: "en".into(),
            score: 1.0,
            excerpt: excerpt.into(),
            missing: Vec::new(),
        }
    }

    #[test]
    fn a_listing_numbers_results_and_marks_matches() {
        let hits = [
            hit("Sandwatch", "<mark>Sand</mark> &amp; sea &lt;3"),
            hit("Other", "plain"),
        ];
        assert_eq!(
            listing(&hits, "sand", "[", "]"),
            "1. Sandwatch (practice, en)\n   /en/practices/x/\n   [Sand] & sea <3\n\
             2. Other (practice, en)\n   /en/practices/x/\n   plain\n"
        );
        assert_eq!(listing(&[], "sand", "[", "]"), "no results for \"sand\"\n");
    }

    #[test]
    fn refusals_read_as_before() {
        let no_index = Refusal::NoIndex {
            lang: "fr".into(),
            dir: PathBuf::from("site/.aspnet-kb/index/fr"),
        };
        assert_eq!(
            no_index.to_string(),
            "error: no search index for \"fr\" in site/.aspnet-kb/index/fr\n  hint: run `aspnet-kb build` first (and check --lang against the site's languages)"
        );
        assert_eq!(
            Refusal::Usage("too long".into()).to_string(),
            "error: too long"
        );
    }
}
