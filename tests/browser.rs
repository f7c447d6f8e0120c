//! Browser behaviour in real headless Chromium (through ChromeDriver) against the built site
//! served under a sub-path: the root language chooser follows the browser's language with
//! JavaScript and offers plain links without it; pages and the switcher work with scripts off.

mod common;

use common::{Browser, Site, chromium, serve_static};

fn served_site() -> (Site, String) {
    let site = Site::fixture("basic");
    site.build_ok();
    let base = serve_static(site.public(), "/aspnet/");
    (site, base)
}

#[test]
fn the_chooser_follows_the_browser_language() {
    let Some(chromium) = chromium() else { return };
    let (_site, base) = served_site();
    for (preferred, lang) in [("fr-FR,fr", "fr"), ("es-MX,es", "es"), ("de-DE,de", "en")] {
        let browser = Browser::start(&chromium, preferred, true);
        browser.open(&base);
        let landed = browser.run("return document.documentElement.lang");
        if lang == "en" {
            assert_eq!(
                browser.url(),
                base,
                "no matching language: stay on the chooser"
            );
        } else {
            assert_eq!(landed, lang, "{preferred}: landed on {}", browser.url());
            assert_eq!(browser.url(), format!("{base}{lang}/"));
        }
    }
}

#[test]
fn without_javascript_the_chooser_and_pages_are_plain_links() {
    let Some(chromium) = chromium() else { return };
    let (_site, base) = served_site();
    let browser = Browser::start(&chromium, "fr-FR,fr", false);
    browser.open(&base);
    assert_eq!(browser.url(), base, "no redirect without scripts");
    let chooser = browser.source();
    for lang in ["en", "fr", "es"] {
        assert!(
            chooser.contains(&format!(r#"href="/aspnet/{lang}/""#)),
            "{chooser}"
        );
    }
    browser.open(&format!("{base}fr/practices/water/"));
    assert!(browser.source().contains("De l'eau propre pour tous"));
    // Following the switcher's Spanish link, as a reader would, lands on the same page.
    let href = browser
        .source()
        .split(r#"<a href=""#)
        .map(|s| s.split('"').next().unwrap_or(""))
        .find(|h| h.starts_with("/aspnet/es/"))
        .unwrap()
        .to_string();
    browser.open(&format!("{}{}", base.trim_end_matches("/aspnet/"), href));
    assert!(browser.url().ends_with("/aspnet/es/practices/water/"));
    assert!(browser.source().contains(r#"<html lang="es""#));
}
