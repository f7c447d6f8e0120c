//! `build --offline`: a copy of the site that works opened from the file system or from any
//! folder of any server. Every address of the site in a page is a relative link to a file that
//! exists; search loads its index as scripts; the root page explains the copy. Tested on the
//! demo and in headless Chromium through `file://`.

mod common;

use common::{Browser, attribute_values, chromium, percent_decode, serve_static};
use std::path::{Path, PathBuf};

/// The demo built offline into a temporary folder (with `extra` arguments).
fn offline_demo(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let mut arguments = vec!["--offline"];
    arguments.extend_from_slice(extra);
    common::build_demo(&arguments)
}

fn html_pages(public: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(public)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect()
}

/// Every problem with the links of every page: an address of the site left absolute, or a
/// relative link to a file that does not exist.
fn link_problems(public: &Path, site_addresses: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for page in html_pages(public) {
        let html = std::fs::read_to_string(&page).unwrap();
        let shown = page.strip_prefix(public).unwrap().display().to_string();
        let values = ["href", "src", "action"]
            .iter()
            .flat_map(|a| attribute_values(&html, a))
            .chain(
                attribute_values(&html, "srcset")
                    .into_iter()
                    .flat_map(|s| s.split(',').filter_map(|c| c.split_whitespace().next())),
            );
        for value in values {
            if value.starts_with('/') || site_addresses.iter().any(|a| value.starts_with(a)) {
                problems.push(format!("{shown}: {value} is not relative"));
                continue;
            }
            if value.starts_with('#') || value.contains(':') {
                continue; // a place in the page, another site, mailto:, data:
            }
            let file = value.split(['#', '?']).next().unwrap_or_default();
            let target = page.parent().unwrap().join(percent_decode(file));
            if !target.is_file() {
                problems.push(format!("{shown}: {value} is no file"));
            }
        }
    }
    problems
}

#[test]
fn every_link_of_the_offline_demo_is_relative_and_leads_to_a_file() {
    let (_output, public) = offline_demo(&[]);
    let problems = link_problems(&public, &["https://example.org/"]);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The index comes as scripts, not as files search would fetch.
    let index_files: Vec<PathBuf> = walkdir::WalkDir::new(public.join("fr/search"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.is_file() && !p.ends_with("index.html"))
        .collect();
    assert!(!index_files.is_empty());
    for file in &index_files {
        assert_eq!(file.extension().unwrap(), "js", "{}", file.display());
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.starts_with("aspnetKbIndex(\""), "{}", file.display());
    }
    // The root explains the copy in every language, without sending readers away.
    let root = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(root.contains("A copy that works without internet"));
    assert!(root.contains("Une copie qui fonctionne sans internet"));
    assert!(root.contains("Una copia que funciona sin internet"));
    assert!(root.contains(r#"<section class="offline-help" lang="fr" dir="ltr">"#));
    assert!(!root.contains("chooser.js"));
}

#[test]
fn another_base_url_changes_nothing_offline() {
    let (_output, public) = offline_demo(&["--base-url", "https://schools.example.net/kb/"]);
    let problems = link_problems(&public, &["https://schools.example.net/kb/", "/kb/"]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The file:// address of `path` under `public`.
fn file_url(public: &Path, path: &str) -> String {
    format!("file://{}/{path}", public.display())
}

#[test]
fn from_the_file_system_a_reader_browses_and_searches() {
    let Some(chromium) = chromium() else { return };
    let (_output, public) = offline_demo(&[]);
    let browser = Browser::start(&chromium, "fr", true);
    // From the root to a language's home, then to a practice, by the page's own links.
    browser.open(&file_url(&public, "index.html"));
    let home = browser.run("return document.querySelector('a[data-lang=fr]').href;");
    browser.open(home.as_str().unwrap());
    assert!(
        browser.url().ends_with("/fr/index.html"),
        "{}",
        browser.url()
    );
    let practice = browser
        .run("return document.querySelector('a[href*=\"practices/river-water-testing/\"]').href;");
    browser.open(practice.as_str().unwrap());
    let title = browser.run("return document.querySelector('h1').textContent;");
    assert_eq!(title, "Analyser l'eau de la rivière à Pune");
    assert!(browser.url().starts_with("file://"));
    // Search in two languages, its results leading to files that exist.
    for (lang, query, expected) in [
        ("fr", "eau", "practices/river-water-testing/index.html"),
        ("en", "mangrove", "practices/mangrove-classroom/index.html"),
        ("es", "", "practices/"),
    ] {
        let address = match query {
            "" => "search/index.html?sdg=4.7".to_string(),
            q => format!("search/index.html?q={q}"),
        };
        let (status, links) =
            browser.search_results(&file_url(&public, &format!("{lang}/{address}")));
        assert!(
            links.iter().any(|l| l.contains(expected)),
            "{lang} {query}: {status} {links:?}"
        );
        let resolved = browser.run(
            "return Array.from(document.querySelectorAll('#results a')).map(a => decodeURIComponent(a.href));",
        );
        for link in resolved.as_array().unwrap() {
            let path = link.as_str().unwrap().trim_start_matches("file://");
            assert!(Path::new(path).is_file(), "{lang} {query}: {path}");
        }
    }
}

#[test]
fn in_any_folder_of_a_plain_server_it_works_too() {
    let Some(chromium) = chromium() else { return };
    let (_output, public) = offline_demo(&[]);
    // A school server's folder the build never heard of.
    let base = serve_static(public, "/shared/aspnet-copy/");
    let browser = Browser::start(&chromium, "en", true);
    let (status, links) = browser.search_results(&format!("{base}en/search/index.html?q=water"));
    assert!(!links.is_empty(), "{status}");
    browser.open(&format!("{base}en/index.html"));
    let css = browser
        .run("return getComputedStyle(document.querySelector('.site-header')).backgroundColor;");
    assert_eq!(css, "rgb(11, 92, 173)", "the style sheet is found");
}
