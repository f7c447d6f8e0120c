//! The browser half of the search benchmark (`bench/search.sh`), not part of `cargo test`:
//! in headless Chromium, against an already built site, measures what a first one-word query
//! downloads after the search page's HTML (files, requests of index data, bytes as served
//! with gzip) and how long a two-word query takes once its shards are loaded.
//!
//!     ASPNET_KB_BENCH_SITE=PUBLIC cargo test --release --test search_bench -- --ignored
//!
//! Prints one JSON line per query.

mod common;

use common::{Browser, chromium, serve_static};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The base URL's path of the standard corpus (`base_url` in its site.yaml).
const BASE_PATH: &str = "/aspnet/";

/// Bytes a server sends for a file: `.jsz` files are gzip already; text is gzipped (level 6,
/// as most static hosts do and as `pagefind_first_query.mjs` counts Pagefind's files).
fn served_bytes(file: &Path) -> usize {
    let bytes = std::fs::read(file).unwrap_or_default();
    if file.extension().is_some_and(|e| e == "jsz") {
        return bytes.len();
    }
    let mut encoder = GzEncoder::new(Vec::new(), Compression::new(6));
    encoder.write_all(&bytes).unwrap();
    encoder.finish().unwrap().len()
}

fn first_query(browser: &Browser, base: &str, public: &Path, lang: &str, word: &str) {
    let (status, _) = browser.search_results(&format!("{base}{lang}/search/?q={word}"));
    let fetched = browser
        .run("return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);");
    let files: Vec<String> = fetched
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.as_str())
        .filter(|f| !f.ends_with(".css"))
        .map(String::from)
        .collect();
    let local = |f: &str| public.join(f.trim_start_matches(BASE_PATH));
    let bytes: usize = files.iter().map(|f| served_bytes(&local(f))).sum();
    let index_requests = files.iter().filter(|f| f.ends_with(".jsz")).count();
    println!(
        "{}",
        serde_json::json!({"lang": lang, "query": word, "status": status, "files": files,
            "index_requests": index_requests, "bytes_served_gzip": bytes})
    );
}

fn two_word_query(browser: &Browser, base: &str, lang: &str, query: &str) {
    // Load the shards once, then time the same query again from the warm cache.
    browser.search_results(&format!("{base}{lang}/search/?q={query}"));
    let mut times = Vec::new();
    for _ in 0..20 {
        browser.run(
            "performance.clearMeasures();
             document.getElementById('search-status').textContent = '';
             document.getElementById('search-form').dispatchEvent(new Event('submit', {cancelable: true}));",
        );
        browser.wait_for_results();
        let ms = browser.run(
            "var m = performance.getEntriesByName('aspnet-kb-query'); return m.length ? m[m.length - 1].duration : null;",
        );
        times.push(ms.as_f64().expect("a query measure"));
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{}",
        serde_json::json!({"lang": lang, "query": query, "query_ms_median": times[times.len() / 2],
            "query_ms_max": times[times.len() - 1]})
    );
}

#[test]
#[ignore = "benchmark: run by bench/search.sh"]
fn search_in_the_browser() {
    let public = PathBuf::from(
        std::env::var("ASPNET_KB_BENCH_SITE").expect("ASPNET_KB_BENCH_SITE: a built site"),
    );
    let chromium = chromium().expect("the benchmark needs chromium");
    let base = serve_static(public.clone(), BASE_PATH);
    for (lang, word, pair) in [
        ("en", "water", "water garden"),
        ("fr", "climat", "climat jardin"),
        ("es", "agua", "agua huerto"),
    ] {
        let browser = Browser::start(&chromium, lang, true);
        first_query(&browser, &base, &public, lang, word);
        two_word_query(&browser, &base, lang, pair);
    }
}
