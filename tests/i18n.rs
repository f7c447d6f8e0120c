//! Interface strings on fixture sites: a language with no strings of its own keeps English
//! grammar ("1 result", in pages and in the browser's search), language subtags fall back
//! along their subtags but not across a script, a site adds or overrides strings, and
//! `translations` lists the strings each language lacks.

mod common;

use common::{Browser, Site, chromium, serve_static};

/// The basic fixture with Japanese (no built-in strings), Brazilian Portuguese and
/// Traditional Chinese added to its languages.
fn site_with_more_languages() -> Site {
    let site = Site::fixture("basic");
    let config = site.source("site.yaml").replace(
        "  es: { name: Español }\n",
        "  es: { name: Español }\n  ja: { name: 日本語 }\n  pt-BR: { name: Português }\n  \
         zh-Hant: { name: 繁體中文 }\n",
    );
    site.write("site.yaml", &config);
    site
}

#[test]
fn english_fallback_strings_keep_english_grammar_and_subtags_fall_back() {
    let site = site_with_more_languages();
    site.build_ok();
    let ja = site.read("ja/levels/index.html");
    assert!(ja.contains("1 good practice<"), "{ja}");
    assert!(!ja.contains("1 good practices"), "{ja}");
    let ja = site.read("ja/regions/index.html");
    assert!(ja.contains("2 good practices<"), "{ja}");
    // The search script is told which language the count is written in.
    let search = site.read("ja/search/index.html");
    assert!(
        search.contains(
            r#""results":{"forms":{"one":"{n} result","other":"{n} results"},"lang":"en"}"#
        ),
        "{search}"
    );

    // pt-BR takes pt's strings; zh-Hant never takes Simplified Chinese, it falls to English.
    let pt_br = site.read("pt-br/regions/index.html");
    assert!(pt_br.contains("2 boas práticas<"), "{pt_br}");
    assert!(pt_br.contains(">Busca</a>"), "{pt_br}");
    assert!(
        site.read("pt-br/search/index.html")
            .contains(r#""lang":"pt"}"#)
    );
    let hant = site.read("zh-hant/index.html");
    assert!(hant.contains(">Search</a>"), "{hant}");
    assert!(!hant.contains("搜索"), "{hant}");
    // Dates and country names are pt-BR's and zh-Hant's own (CLDR).
    assert!(site.read("pt-br/countries/index.html").contains("Quênia"));
    assert!(site.read("zh-hant/countries/index.html").contains("肯亞"));
}

#[test]
fn a_site_adds_a_language_and_overrides_single_strings() {
    let site = site_with_more_languages();
    site.write(
        "themes/default/i18n/ja.yaml",
        "nav_search: 検索\npractices_count: { other: \"{n} 件のグッドプラクティス\" }\n",
    );
    site.write("themes/default/i18n/pt-BR.yaml", "nav_search: Pesquisa\n");
    site.build_ok();
    let ja = site.read("ja/levels/index.html");
    assert!(ja.contains(">検索</a>"), "{ja}");
    assert!(ja.contains("1 件のグッドプラクティス<"), "{ja}");
    assert!(ja.contains(">Thematic areas</a>"), "{ja}");
    let pt_br = site.read("pt-br/index.html");
    assert!(pt_br.contains(">Pesquisa</a>"), "{pt_br}");
    assert!(pt_br.contains(">Áreas temáticas</a>"), "{pt_br}");
}

#[test]
fn translations_lists_the_interface_strings_each_language_lacks() {
    let site = site_with_more_languages();
    site.write("themes/default/i18n/ja.yaml", "nav_search: 検索\n");
    // A Russian-style override of French with a plural string lacking `many`.
    site.write(
        "themes/default/i18n/fr.yaml",
        "results_count: { one: \"{n} résultat\", other: \"{n} résultats\" }\n",
    );
    let run = site.run(&["translations"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let line = |lang: &str| -> String {
        let after = run.stdout.split(&format!("({lang}):")).nth(1).unwrap_or("");
        let line = after.lines().find(|l| l.contains("interface strings"));
        line.unwrap_or("").to_string()
    };
    assert!(
        line("fr").contains("1 missing or incomplete"),
        "{}",
        run.stdout
    );
    assert!(
        line("fr").contains("results_count (many)"),
        "{}",
        run.stdout
    );
    assert!(line("es").contains("all translated"), "{}", run.stdout);
    assert!(line("pt-br").contains("all translated"), "{}", run.stdout);
    assert!(
        line("ja").contains("themes/default/i18n/ja.yaml"),
        "{}",
        run.stdout
    );
    assert!(line("ja").contains(": any, authors,"), "{}", run.stdout);
    assert!(
        line("ja").contains("more (see --json or --html)"),
        "{}",
        run.stdout
    );
    assert!(
        line("zh-hant").contains(": any, authors,"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("(en):"), "English lacks nothing");

    let json: serde_json::Value =
        serde_json::from_str(&site.run(&["translations", "--json"]).stdout).unwrap();
    let missing = |lang: &str| -> Vec<serde_json::Value> {
        let language = json.as_array().unwrap().iter().find(|l| l["lang"] == lang);
        language.unwrap()["ui_strings"]["missing"]
            .as_array()
            .unwrap()
            .clone()
    };
    assert_eq!(
        missing("fr"),
        [serde_json::json!({"key": "results_count", "plural_forms": ["many"]})]
    );
    let ja = missing("ja");
    assert!(
        ja.contains(&serde_json::json!({"key": "results_count"})),
        "{ja:?}"
    );
    assert!(
        !ja.contains(&serde_json::json!({"key": "nav_search"})),
        "{ja:?}"
    );
    assert_eq!(missing("zh-hant").len(), ja.len() + 1);

    let report = site.root().join("report.html");
    let run = site.run(&["translations", "--html", &report.to_string_lossy()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(report).unwrap();
    assert!(
        html.contains("<li><code>results_count (many)</code></li>"),
        "{html}"
    );
    assert!(
        html.contains("<code>themes/default/i18n/ja.yaml</code>"),
        "{html}"
    );
}

#[test]
fn the_default_language_is_listed_when_it_lacks_interface_strings() {
    let site = Site::fixture("basic");
    let config = site.source("site.yaml").replace(
        "  es: { name: Español }\n",
        "  es: { name: Español }\n  ja: { name: 日本語 }\n",
    );
    site.write(
        "site.yaml",
        &config.replace("default_language: en", "default_language: ja"),
    );
    let run = site.run(&["translations"]);
    assert!(run.stdout.contains("日本語 (ja):"), "{}", run.stdout);
    assert!(
        run.stdout.contains("themes/default/i18n/ja.yaml"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_browser_counts_results_with_the_rules_of_the_count_language() {
    let Some(chromium) = chromium() else { return };
    let site = site_with_more_languages();
    site.build_ok();
    let base = serve_static(site.public(), "/aspnet/");
    let browser = Browser::start(&chromium, "en", true);
    let (status, links) = browser.search_results(&format!("{base}ja/search/?q=peace"));
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(status, "1 result");
    let (status, _) = browser.search_results(&format!("{base}ja/search/?q=school"));
    let count = status.strip_suffix(" results").map(str::parse::<usize>);
    assert!(matches!(count, Some(Ok(2..))), "{status}");
    let (status, _) = browser.search_results(&format!("{base}pt-br/search/?q=peace"));
    assert_eq!(status, "1 resultado");
}
