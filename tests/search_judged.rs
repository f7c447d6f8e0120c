//! How well search answers a teacher: the judged queries of `tests/search_judged/{en,fr,es}.yaml`
//! over the demo site, each with the pages a teacher would expect. The test measures the share
//! of queries with an expected page among the first three results, for `aspnet-kb search` and
//! for the search page in headless Chromium, prints both, and fails below a floor (set just
//! under what the search achieves, so that a change that makes it worse is seen).
//! `bench/search_judged.py` measures Pagefind on the same queries.

mod common;

use common::{Browser, chromium, serve_static};
use std::path::{Path, PathBuf};

#[derive(serde::Deserialize)]
struct Judged {
    q: String,
    expect: Vec<String>,
}

/// The lowest share of queries answered in the first three, per language (both sides). The
/// misses are mostly pages the demo has not translated yet: their English text is not found
/// by French or Spanish words.
const LANGUAGES: [(&str, f64); 3] = [("en", 0.9), ("fr", 0.8), ("es", 0.8)];

fn judged(lang: &str) -> Vec<Judged> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/search_judged/{lang}.yaml"));
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The demo built into a temporary folder (its tantivy index in the root's `.aspnet-kb/`).
fn demo() -> (tempfile::TempDir, PathBuf) {
    common::build_demo(&[])
}

/// The first three results of `aspnet-kb search` in `lang`, as paths under the language.
fn cli_top3(lang: &str, query: &str) -> Vec<String> {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
        .args([
            "search",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--json",
            "--limit",
            "3",
        ])
        .args(["--lang", lang, query])
        .output()
        .unwrap();
    let hits: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_default();
    let prefix = format!("/{lang}/");
    hits.as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["url"].as_str())
        .map(|u| u.trim_start_matches(&prefix).to_string())
        .collect()
}

/// The share of `queries` whose first three results (by `top3`) hold an expected page, and
/// the queries that missed.
fn share(queries: &[Judged], top3: impl Fn(&str) -> Vec<String>) -> (f64, Vec<String>) {
    let mut missed = Vec::new();
    for judged in queries {
        let found = top3(&judged.q);
        if !found.iter().take(3).any(|f| judged.expect.contains(f)) {
            missed.push(format!("{:?} → {:?}", judged.q, found));
        }
    }
    let answered = queries.len() - missed.len();
    (answered as f64 / queries.len() as f64, missed)
}

#[test]
fn teachers_find_what_they_look_for_in_the_first_three_results() {
    let (_output, public) = demo();
    let browser = chromium().map(|c| (Browser::start(&c, "en", true), serve_static(public, "/")));
    let mut report = Vec::new();
    let mut below = Vec::new();
    for (lang, floor) in LANGUAGES {
        let queries = judged(lang);
        assert!(queries.len() >= 30, "{lang}: {} queries", queries.len());
        let (cli, missed) = share(&queries, |q| cli_top3(lang, q));
        report.push(format!(
            "{lang} CLI {:.0}% of {}",
            cli * 100.0,
            queries.len()
        ));
        if cli < floor {
            below.push(format!(
                "{lang} CLI {cli:.2}: missed\n{}",
                missed.join("\n")
            ));
        }
        let Some((browser, base)) = &browser else {
            continue;
        };
        let (web, missed) = share(&queries, |q| {
            let query: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
            let (_, links) = browser.search_results(&format!("{base}{lang}/search/?q={query}"));
            let prefix = format!("/{lang}/");
            links
                .iter()
                .take(3)
                .map(|l| l.trim_start_matches(&prefix).to_string())
                .collect()
        });
        report.push(format!("{lang} browser {:.0}%", web * 100.0));
        if web < floor {
            below.push(format!(
                "{lang} browser {web:.2}: missed\n{}",
                missed.join("\n")
            ));
        }
    }
    eprintln!(
        "judged queries answered in the first three: {}",
        report.join(", ")
    );
    assert!(below.is_empty(), "below the floor:\n{}", below.join("\n\n"));
    if let Some((browser, base)) = &browser {
        // A word the site lacks: the pages with the other, saying which is missing, with an
        // excerpt around the word found.
        let (status, links) =
            browser.search_results(&format!("{base}fr/search/?q=rivi%C3%A8re%20pollu%C3%A9e"));
        assert_eq!(
            links.first().map(String::as_str),
            Some("/fr/practices/river-water-testing/"),
            "{status}"
        );
        let first = browser.run(
            "var li = document.querySelector('#results li');
             return [li.querySelector('.missing').textContent, li.innerHTML];",
        );
        assert_eq!(first[0], "Absent : polluée");
        assert!(
            first[1].as_str().unwrap().contains("<mark>rivière</mark>"),
            "{first}"
        );
    }
}
