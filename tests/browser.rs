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
fn the_chooser_matches_regional_languages_but_never_across_scripts() {
    let Some(chromium) = chromium() else { return };
    let site = Site::fixture("basic");
    let config = site.source("site.yaml");
    site.write(
        "site.yaml",
        &config.replace(
            "  es: { name: Español }",
            "  pt-BR: { name: Português do Brasil }\n  zh: { name: 中文 }",
        ),
    );
    site.build_ok();
    let base = serve_static(site.public(), "/aspnet/");
    for (preferred, landing) in [
        ("pt-BR,pt", "pt-br/"),
        ("zh-CN,zh", "zh/"),
        ("fr-CA", "fr/"),
        // Traditional Chinese readers are not sent to Simplified pages.
        ("zh-TW", ""),
    ] {
        let browser = Browser::start(&chromium, preferred, true);
        browser.open(&base);
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(browser.url(), format!("{base}{landing}"), "{preferred}");
    }
}

#[test]
fn a_printed_story_names_the_site_its_address_and_its_links_addresses() {
    let Some(chromium) = chromium() else { return };
    let (_site, base) = served_site();
    let browser = Browser::start(&chromium, "en", true);
    browser.open(&format!("{base}en/practices/water/"));
    let printed = "var source = document.querySelector('.print-source');
        var link = document.querySelector('.body a[href*=\"sandwatch\"]');
        return [getComputedStyle(source).display, source.textContent,
                getComputedStyle(link, '::after').content,
                getComputedStyle(document.querySelector('.main-nav')).display];";
    let screen = browser.run(printed);
    assert_eq!(screen[0], "none", "{screen}");
    browser.emulate_media("print");
    let paper = browser.run(printed);
    assert_eq!(paper[0], "block", "{paper}");
    assert_eq!(
        paper[1],
        "Test KB — https://example.org/aspnet/en/practices/water/"
    );
    assert!(
        paper[2]
            .as_str()
            .unwrap()
            .contains("https://example.org/aspnet/en/practices/sandwatch/"),
        "{paper}"
    );
    assert_eq!(paper[3], "none", "no menu on paper");
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

/// Opens a search page URL and waits for the script to show its answer.
#[test]
fn search_finds_french_and_spanish_words_with_or_without_accents() {
    let Some(chromium) = chromium() else { return };
    let (_site, base) = served_site();
    let browser = Browser::start(&chromium, "en", true);
    let (status, links) = browser.search_results(&format!("{base}fr/search/?q=ecoles"));
    assert!(
        links.contains(&"/aspnet/fr/practices/water/".to_string()),
        "{status}: {links:?}"
    );
    assert!(status.contains("résultats"), "{status}");
    let html = browser.source();
    assert!(
        html.contains("<mark>École</mark>"),
        "matched words are marked"
    );
    let (_, links) = browser.search_results(&format!("{base}es/search/?q=rio"));
    assert_eq!(
        links,
        ["/aspnet/es/practices/water/"],
        "río without its accent"
    );
    // No page has both words: pages with one of them, each saying which word it lacks.
    let (status, links) = browser.search_results(&format!("{base}es/search/?q=JARDÍN%20peace"));
    assert!(!links.is_empty(), "{status}");
    let notes = browser.run(
        "return Array.from(document.querySelectorAll('#results .missing')).map(p => p.textContent);",
    );
    let notes: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert_eq!(notes.len(), links.len(), "{notes:?}");
    assert!(notes.iter().all(|n| n.starts_with("Falta: ")), "{notes:?}");
    // An English page shown in the French site is found there, marked as in its own language.
    let (_, links) = browser.search_results(&format!("{base}fr/search/?q=garden"));
    assert_eq!(links, ["/aspnet/fr/practices/peace/"]);
    assert!(browser.source().contains(r#"<h2 lang="en">"#));
}

#[test]
fn filters_come_from_the_url_and_the_url_follows_the_reader() {
    let Some(chromium) = chromium() else { return };
    let (_site, base) = served_site();
    let browser = Browser::start(&chromium, "en", true);
    let (_, links) = browser.search_results(&format!("{base}en/search/?q=beaches&theme=gced"));
    assert_eq!(links, ["/aspnet/en/practices/sandwatch/"]);
    assert_eq!(
        browser.run("return document.getElementById('f-theme').value"),
        "gced"
    );
    let (status, links) = browser.search_results(&format!("{base}en/search/?q=water&theme=gced"));
    assert!(
        links.is_empty() && status.contains("No page matches"),
        "{status}"
    );
    let (_, links) = browser.search_results(&format!("{base}en/search/?q=garden&country=ke"));
    assert!(links.is_empty());
    let (_, links) = browser.search_results(&format!(
        "{base}en/search/?q=garden&country=fr&kind=practice"
    ));
    assert_eq!(links, ["/aspnet/en/practices/peace/"]);
    // Typing: a prefix finds the word being typed, and the URL keeps in step.
    browser.open(&format!("{base}en/search/"));
    browser.run("var q = document.getElementById('q'); q.value = 'gard'; q.dispatchEvent(new Event('input'));");
    let (_, links) = browser.wait_for_results();
    assert_eq!(links, ["/aspnet/en/practices/peace/"]);
    assert!(
        browser.url().ends_with("/aspnet/en/search/?q=gard"),
        "{}",
        browser.url()
    );
    // One typo in a longer word.
    let (_, links) = browser.search_results(&format!("{base}en/search/?q=nairobbi"));
    assert!(
        links.contains(&"/aspnet/en/practices/water/".to_string()),
        "{links:?}"
    );
}

#[test]
fn a_first_one_word_query_needs_one_request_of_index_data() {
    let Some(chromium) = chromium() else { return };
    let (_site, base) = served_site();
    let browser = Browser::start(&chromium, "en", true);
    browser.search_results(&format!("{base}en/search/?q=water"));
    let fetched = browser.run(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/search/') && n.endsWith('.jsz'));",
    );
    assert_eq!(fetched.as_array().unwrap().len(), 1, "{fetched}");
}

#[test]
fn more_results_come_a_page_at_a_time_and_the_first_page_needs_one_request() {
    let Some(chromium) = chromium() else { return };
    let site = Site::fixture("basic");
    // 25 stories about rain: more than a page of results, the best ones in the title.
    for i in 1..=25 {
        let title = if i <= 5 {
            "Rain gardens"
        } else {
            "A school story"
        };
        site.write(
            &format!("content/practices/rain-{i:02}.md"),
            &format!(
                "---\ntitle: {title} {i}\ndate: 2024-01-01\nsummary: Story {i}.\ncountries: [ke]\nthemes: [esd]\n---\nPupils measured the rain {i} times.\n"
            ),
        );
    }
    site.build_ok();
    let base = serve_static(site.public(), "/aspnet/");
    let browser = Browser::start(&chromium, "en", true);
    let (status, links) = browser.search_results(&format!("{base}en/search/?q=rain"));
    assert_eq!(status, "25 results");
    assert_eq!(links.len(), 10);
    let fetched = browser.run(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.jsz'));",
    );
    assert_eq!(fetched.as_array().unwrap().len(), 1, "{fetched}");
    for (shown, first_new) in [(20, 10), (25, 20)] {
        browser.run("document.getElementById('more-results').click();");
        let mut count = 0;
        for _ in 0..100 {
            count = browser
                .run("return document.querySelectorAll('#results li').length")
                .as_u64()
                .unwrap();
            if count as usize == shown {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_eq!(count as usize, shown);
        // Focus moves to the first new result, for keyboard readers.
        let focused = browser.run(
            "var a = document.activeElement; return Array.from(document.querySelectorAll('#results a')).indexOf(a);",
        );
        assert_eq!(focused.as_u64().unwrap() as usize, first_new);
    }
    assert_eq!(
        browser.run("return document.getElementById('more-results').hidden"),
        true
    );
    let titles = browser.run(
        "return Array.from(document.querySelectorAll('#results h2')).slice(0, 5).map(h => h.textContent);",
    );
    assert!(
        titles
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t.as_str().unwrap().starts_with("Rain gardens")),
        "title matches rank first: {titles}"
    );
}
