//! Phones first: every page of the demo site, in each of its languages and in Arabic, is no
//! wider than a 320 or 360 px phone (headless Chromium with device emulation); the header stays compact on a
//! phone; on the search page the filters are folded so the first result is on the first
//! screen.
//! The sweep visits all of its 500-odd pages at both widths in under a minute.

mod common;

use common::{Browser, Site, chromium, serve_static};
use std::path::Path;

/// Every HTML page under `public`, as a path from it, but redirect pages (they leave at once).
fn pages(public: &Path) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter(|e| {
            !std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .contains(r#"http-equiv="refresh""#)
        })
        .map(|e| {
            let relative = e.path().strip_prefix(public).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn every_page_of_the_demo_fits_a_phone() {
    let Some(chromium) = chromium() else { return };
    let site = demo_with_arabic();
    let public = site.public();
    let all = pages(&public);
    assert!(all.len() > 500, "the demo has {} pages", all.len());
    let base = serve_static(public, "/");
    let browser = Browser::start(&chromium, "en", true);
    let mut too_wide = Vec::new();
    for page in &all {
        browser.emulate_width(320);
        browser.open(&format!("{base}{page}"));
        for width in [320, 360] {
            browser.emulate_width(width);
            let seen = browser.run(
                "var d = document.documentElement; return [d.scrollWidth, innerWidth, location.pathname];",
            );
            let (document, viewport) = (seen[0].as_u64(), seen[1].as_u64());
            // A phone's layout viewport widens to fit content wider than the screen.
            if viewport != Some(width.into()) || document > viewport {
                too_wide.push(format!(
                    "/{page} at {width} px: {document:?} px in {viewport:?} (at {})",
                    seen[2]
                ));
            }
        }
    }
    assert!(
        too_wide.is_empty(),
        "{} of {} page widths are wider than the screen:\n{}",
        too_wide.len(),
        2 * all.len(),
        too_wide.join("\n")
    );
}

/// The demo published with an Arabic language too (its pages shown from English).
fn demo_with_arabic() -> Site {
    let site = Site::empty();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &site.root().join("content"),
    );
    let config = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("site.yaml"))
        .unwrap()
        .replace(
            "languages:\n",
            "languages:\n  ar: { name: العربية, direction: rtl }\n",
        );
    assert!(config.contains("ar: {"), "site.yaml has a languages map");
    site.write("site.yaml", &config);
    site.build_ok();
    site
}

#[test]
fn the_header_is_compact_on_a_phone() {
    let Some(chromium) = chromium() else { return };
    let site = demo_with_arabic();
    let base = serve_static(site.public(), "/");
    let browser = Browser::start(&chromium, "en", true);
    browser.emulate_screen(320, 568);
    let mut tall = Vec::new();
    for lang in ["en", "fr", "es", "ar"] {
        browser.open(&format!("{base}{lang}/practices/"));
        let seen = browser.run(
            "var h = document.querySelector('.site-header').getBoundingClientRect();
             var nav = document.querySelector('.main-nav ul');
             var d = document.documentElement;
             return [h.height, nav.scrollWidth > nav.clientWidth, d.scrollWidth, innerWidth];",
        );
        // A fifth of a small phone's first screen (568 px) at most, menu included.
        let height = seen[0].as_f64().unwrap_or(f64::MAX);
        if height > 568.0 / 5.0 + 8.0 {
            tall.push(format!("{lang}: the header is {height} px tall"));
        }
        assert_eq!(
            seen[2], seen[3],
            "{lang}: the menu scrolls within itself, not the page"
        );
    }
    assert!(tall.is_empty(), "{}", tall.join("\n"));
    // On a wide screen the menu wraps instead of scrolling.
    browser.emulate_width(1280);
    browser.open(&format!("{base}fr/practices/"));
    let scrolls = browser.run(
        "var nav = document.querySelector('.main-nav ul'); return nav.scrollWidth > nav.clientWidth;",
    );
    assert_eq!(scrolls, false);
}

#[test]
fn the_first_search_result_is_on_the_first_screen() {
    let Some(chromium) = chromium() else { return };
    let site = demo_with_arabic();
    let base = serve_static(site.public(), "/");
    let browser = Browser::start(&chromium, "en", true);
    browser.emulate_screen(320, 568);
    for (lang, query) in [
        ("en", "water"),
        ("fr", "eau"),
        ("es", "agua"),
        ("ar", "water"),
    ] {
        let (status, links) = browser.search_results(&format!("{base}{lang}/search/?q={query}"));
        assert!(!links.is_empty(), "{lang}: {status}");
        let seen = browser.run(
            "var first = document.querySelector('#results a').getBoundingClientRect();
             return [first.bottom, innerHeight, document.getElementById('filters-fold').open];",
        );
        let (bottom, height) = (seen[0].as_f64().unwrap(), seen[1].as_f64().unwrap());
        assert!(
            bottom <= height,
            "{lang}: the first result ends at {bottom} px, below the first screen ({height} px)"
        );
        assert_eq!(seen[2], false, "{lang}: the filters are folded on a phone");
    }
    // A filter in the address opens them, so the reader sees what narrows the results.
    browser.search_results(&format!("{base}en/search/?q=water&theme=esd"));
    let open = browser.run(
        "var f = document.getElementById('filters-fold'); return [f.open, document.getElementById('f-theme').value];",
    );
    assert_eq!(open, serde_json::json!([true, "esd"]));
    // On a wide screen they are open from the start.
    browser.emulate_width(1280);
    browser.search_results(&format!("{base}en/search/?q=water"));
    assert_eq!(
        browser.run("return document.getElementById('filters-fold').open;"),
        true
    );
}
