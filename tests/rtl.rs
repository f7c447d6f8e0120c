//! Right-to-left languages and 404 pages: every block of text in another direction than the
//! page's says so (`lang` and `dir`); no page is wider than a phone's screen, in Arabic or
//! English (headless Chromium at 320, 360 and 1280 px); the root 404 sends readers to their
//! language's 404 page.

mod common;

use common::{Browser, Site, chromium, serve_static};

/// The basic fixture published in English and Arabic: the home page, the practices section,
/// one practice, a thematic area and a guide chapter are translated into Arabic; the other
/// pages are shown in Arabic pages in English.
fn arabic_site() -> Site {
    let site = Site::fixture("basic");
    site.write(
        "site.yaml",
        "title: Test KB\nbase_url: https://example.org/aspnet/\ndefault_language: en\nlanguages:\n  en: { name: English }\n  ar: { name: العربية, title: قاعدة الاختبار, direction: rtl }\ntranslation_fallback: true\npaginate: 2\n",
    );
    site.write(
        "content/_index.ar.md",
        "---\ntitle: مرحبا\nsummary: الصفحة الرئيسية للاختبار.\n---\nانظر [قصة الماء](@/practices/water.md).\n",
    );
    site.write(
        "content/practices/_index.ar.md",
        "---\ntitle: الممارسات الجيدة\n---\n",
    );
    site.write(
        "content/practices/water.ar.md",
        "---\ntitle: مياه نظيفة للجميع\ndate: 2024-03-05\nsummary: يحلل التلاميذ مياه النهر.\ncountries: [ke]\nthemes: [esd]\nlevels: [secondary]\ntags: [ماء, water]\n---\n## السياق\n\nقامت مدارس نيروبي بقياس المياه في ١٢ موقعا.\n",
    );
    site.write(
        "content/themes/esd.ar.md",
        "---\ntitle: التعليم من أجل التنمية المستدامة\nsummary: التنمية المستدامة.\n---\nنص.\n",
    );
    site.write(
        "content/guides/coord/01-role.ar.md",
        "---\ntitle: دورك\nweight: 1\n---\n## أولا\n### فرعي\n## ثانيا\n",
    );
    site.build_ok();
    site
}

#[test]
fn text_in_another_direction_carries_its_language_and_direction() {
    let site = arabic_site();
    let peace = site.read("ar/practices/peace/index.html");
    assert!(peace.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(
        peace.contains(r#"<article class="page page-practice" lang="en" dir="ltr">"#),
        "an English fallback in an Arabic page: {peace}"
    );
    assert!(
        peace.contains(r#"<p class="notice" lang="ar" dir="rtl" role="note">"#),
        "the notice inside it is the reader's"
    );
    // The switcher names each language in its own language and direction.
    assert!(peace.contains(r#"lang="en" dir="ltr">English</a>"#));
    assert!(peace.contains(r#"<span aria-current="true" lang="ar" dir="rtl">العربية</span>"#));
    // A listing: fallbacks' titles and summaries are English, their meta line Arabic.
    let home = site.read("ar/index.html");
    assert!(
        !home.contains(r#"class="intro" lang="#),
        "the home page is translated"
    );
    assert!(
        home.contains(r#"<h3 lang="en" dir="ltr"><a href="/aspnet/ar/practices/peace/">"#),
        "{home}"
    );
    assert!(!home.contains(r#"<h3 lang="en" dir="ltr"><a href="/aspnet/ar/practices/water/">"#));
    // A translated chapter lists its untranslated sibling in English.
    let chapter = site.read("ar/guides/coord/01-role/index.html");
    assert!(
        chapter
            .contains(r#"<li><a href="/aspnet/ar/guides/coord/02-network/" lang="en" dir="ltr">"#)
    );
    assert!(
        chapter.contains(r#"<span lang="en" dir="ltr">"#),
        "the next chapter's title"
    );
    assert!(
        chapter.contains("</span> ←</a>"),
        "next points left in Arabic"
    );
    // The 404 page of a language is in its language and direction.
    assert!(
        site.read("ar/404.html")
            .contains(r#"<html lang="ar" dir="rtl">"#)
    );
    // The chooser lists every language in its own direction.
    let chooser = site.read("index.html");
    assert!(chooser.contains(r#"lang="ar" dir="rtl" data-lang="ar""#));
    assert!(chooser.contains(r#"lang="en" dir="ltr" data-lang="en""#));
    let english = site.read("en/guides/coord/01-role/index.html");
    assert!(english.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(english.contains(r#"lang="ar" dir="rtl">العربية</a>"#));
    assert!(
        english.contains("</span> →</a>"),
        "next points right in English"
    );
}

#[test]
fn arabic_shown_untranslated_in_a_french_page_is_right_to_left() {
    let site = Site::empty();
    site.write(
        "site.yaml",
        "title: Mirror\nbase_url: https://example.org/\ndefault_language: ar\nlanguages:\n  ar: { name: العربية, direction: rtl }\n  fr: { name: Français }\n",
    );
    site.write("content/_index.md", "---\ntitle: الرئيسية\n---\nمرحبا.\n");
    site.write(
        "content/practices/p.md",
        "---\ntitle: ممارسة\ndate: 2024-01-01\nsummary: ملخص.\ncountries: [ma]\nthemes: [esd]\n---\nنص.\n",
    );
    site.write(
        "content/themes/esd.md",
        "---\ntitle: التنمية المستدامة\nsummary: ملخص.\n---\n",
    );
    site.build_ok();
    let page = site.read("fr/practices/p/index.html");
    assert!(page.contains(r#"<html lang="fr" dir="ltr">"#));
    assert!(page.contains(r#"<article class="page page-practice" lang="ar" dir="rtl">"#));
    assert!(page.contains(r#"<p class="notice" lang="fr" dir="ltr" role="note">"#));
    let home = site.read("fr/index.html");
    assert!(home.contains(r#"<div class="intro" lang="ar" dir="rtl">"#));
    assert!(home.contains(r#"<h3 lang="ar" dir="rtl"><a href="/fr/practices/p/">"#));
}

/// A page of every template, as a path under a language: home, section (and its second
/// page), practice (translated and fallback), thematic area, guide chapter, country, region,
/// level and tag listings, member directory and a country's members, member, coordinator,
/// search with results, and the language's 404 page.
const PAGES: [&str; 17] = [
    "",
    "practices/",
    "practices/page/2/",
    "practices/water/",
    "practices/peace/",
    "themes/esd/",
    "guides/coord/01-role/",
    "countries/ke/",
    "regions/africa/",
    "levels/secondary/",
    "tags/water/",
    "members/",
    "members/ke/",
    "members/ke/ke-0001/",
    "coordinators/ke/",
    "search/?q=water",
    "404.html",
];

#[test]
fn no_page_is_wider_than_the_screen_in_arabic_or_english() {
    let Some(chromium) = chromium() else { return };
    let site = arabic_site();
    let base = serve_static(site.public(), "/aspnet/");
    let browser = Browser::start(&chromium, "en", true);
    let mut too_wide = Vec::new();
    for width in [320, 360, 1280] {
        browser.emulate_width(width);
        for lang in ["ar", "en"] {
            for page in PAGES {
                let url = format!("{base}{lang}/{page}");
                if page.starts_with("search/") {
                    browser.search_results(&url);
                } else {
                    browser.open(&url);
                }
                let seen = browser.run(
                    "var d = document.documentElement;
                     var facts = document.querySelector('.facts'), value = document.querySelector('.facts dd');
                     var share = facts && value ? value.getBoundingClientRect().width / facts.getBoundingClientRect().width : 1;
                     return [d.scrollWidth, innerWidth, location.pathname + location.search, d.dir, share];",
                );
                let path = format!("/aspnet/{lang}/{page}");
                assert_eq!(seen[2], path.as_str(), "{url} is not a page of the site");
                let direction = if lang == "ar" { "rtl" } else { "ltr" };
                assert_eq!(seen[3], direction, "{url}");
                // A phone's layout viewport widens to fit content wider than the screen.
                let (document, viewport) = (seen[0].as_u64(), seen[1].as_u64());
                if viewport != Some(width.into()) || document > viewport {
                    too_wide.push(format!(
                        "{path} at {width} px: {document:?} px in {viewport:?}"
                    ));
                }
                // The facts' values keep room to read (not a letter a line beside long labels).
                let share = seen[4].as_f64().unwrap_or(1.0);
                if share < 0.4 {
                    too_wide.push(format!(
                        "{path} at {width} px: the facts' values have {:.0}% of the box",
                        share * 100.0
                    ));
                }
            }
        }
    }
    assert!(
        too_wide.is_empty(),
        "wider than the screen:\n{}",
        too_wide.join("\n")
    );
}

/// Waits until the browser's address ends with `end` (a script's redirect comes after the
/// page's load), and returns it.
fn wait_for_address(browser: &Browser, end: &str) -> String {
    let mut url = browser.url();
    for _ in 0..100 {
        if url.ends_with(end) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        url = browser.url();
    }
    url
}

#[test]
fn the_root_404_sends_readers_to_their_language() {
    let Some(chromium) = chromium() else { return };
    let site = arabic_site();
    let base = serve_static(site.public(), "/aspnet/");
    let english_reader = Browser::start(&chromium, "en-GB,en", true);
    // The address's language decides, whatever the browser prefers.
    english_reader.open(&format!("{base}ar/practices/gone/"));
    let landed = wait_for_address(&english_reader, "/aspnet/ar/404.html");
    assert!(landed.ends_with("/aspnet/ar/404.html"), "{landed}");
    assert_eq!(
        english_reader.run("var d = document.documentElement; return [d.lang, d.dir];"),
        serde_json::json!(["ar", "rtl"])
    );
    // Elsewhere, the browser's preferred language.
    english_reader.open(&format!("{base}gone.html"));
    let landed = wait_for_address(&english_reader, "/aspnet/en/404.html");
    assert!(landed.ends_with("/aspnet/en/404.html"), "{landed}");
    let arabic_reader = Browser::start(&chromium, "ar-MA,ar", true);
    arabic_reader.open(&format!("{base}old/gone/"));
    let landed = wait_for_address(&arabic_reader, "/aspnet/ar/404.html");
    assert!(landed.ends_with("/aspnet/ar/404.html"), "{landed}");
    arabic_reader.open(&format!("{base}en/gone/"));
    let landed = wait_for_address(&arabic_reader, "/aspnet/en/404.html");
    assert!(landed.ends_with("/aspnet/en/404.html"), "{landed}");
    // No language of the site: the root 404 stays, in every language.
    let german_reader = Browser::start(&chromium, "de-DE,de", true);
    german_reader.open(&format!("{base}gone/"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(german_reader.url(), format!("{base}gone/"));
    assert_eq!(
        german_reader.run("return Array.from(document.querySelectorAll('section[lang]')).map(s => s.lang + ' ' + s.dir)"),
        serde_json::json!(["en ltr", "ar rtl"])
    );
}

#[test]
fn without_javascript_the_root_404_speaks_every_language() {
    let Some(chromium) = chromium() else { return };
    let site = arabic_site();
    let base = serve_static(site.public(), "/aspnet/");
    let browser = Browser::start(&chromium, "ar", false);
    browser.open(&format!("{base}ar/gone/"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        browser.url(),
        format!("{base}ar/gone/"),
        "no redirect without scripts"
    );
    let page = browser.source();
    for (lang, dir) in [("en", "ltr"), ("ar", "rtl")] {
        assert!(
            page.contains(&format!(
                r#"<section lang="{lang}" dir="{dir}" data-not-found="/aspnet/{lang}/404.html">"#
            )),
            "{page}"
        );
        assert!(
            page.contains(&format!(r#"<a href="/aspnet/{lang}/">"#)),
            "{page}"
        );
    }
}
