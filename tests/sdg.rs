//! SDG targets: shown on practice pages with their official text in the reader's language (or
//! in English, marked as such), checked against the 169 real targets, and a search filter in
//! the CLI (`--sdg 4.7`) and in the browser (`?sdg=4.7`), with or without words.

mod common;

use common::{Browser, Site, chromium, serve_static};
use serde_json::Value;

/// The basic fixture with targets on two practices, published also in Japanese (which the
/// SDG texts lack).
fn site_with_targets() -> Site {
    let site = Site::fixture("basic");
    let water = site.source("content/practices/water.md").replacen(
        "levels: [secondary]\n",
        "levels: [secondary]\nsdg_targets: [4.7, \"6.3\"]\n",
        1,
    );
    site.write("content/practices/water.md", &water);
    let sand = site
        .source("content/practices/sandwatch/index.md")
        .replacen(
            "levels: [primary]\n",
            "levels: [primary]\nsdg_targets: [\"14.2\", \"4.7\"]\n",
            1,
        );
    site.write("content/practices/sandwatch/index.md", &sand);
    let config = site.source("site.yaml").replace(
        "  es: { name: Español }\n",
        "  es: { name: Español }\n  ja: { name: 日本語 }\n",
    );
    site.write("site.yaml", &config);
    site.build_ok();
    site
}

#[test]
fn practice_pages_say_what_their_targets_mean() {
    let site = site_with_targets();
    let english = site.read("en/practices/water/index.html");
    assert!(
        english.contains(r#"<a href="/aspnet/en/search/?sdg=4.7">4.7 Quality education</a>"#),
        "{english}"
    );
    assert!(
        english
            .contains(r#"<a href="/aspnet/en/search/?sdg=6.3">6.3 Clean water and sanitation</a>"#)
    );
    assert!(english.contains(
        r#"<li lang="en" dir="ltr"><strong>4.7</strong> By 2030, ensure that all learners acquire"#
    ));
    let french = site.read("fr/practices/water/index.html");
    assert!(french.contains(">4.7 Éducation de qualité</a>"), "{french}");
    assert!(french.contains(r#"<li lang="fr" dir="ltr"><strong>4.7</strong> D’ici"#));
    let spanish = site.read("es/practices/water/index.html");
    assert!(
        spanish.contains(">4.7 Educación de Calidad</a>"),
        "{spanish}"
    );
    // Japanese has no SDG texts here: English, said to be English.
    let japanese = site.read("ja/practices/water/index.html");
    assert!(
        japanese.contains(
            r#"<a href="/aspnet/ja/search/?sdg=4.7" lang="en" dir="ltr">4.7 Quality education</a>"#
        ),
        "{japanese}"
    );
    assert!(japanese.contains(r#"<li lang="en" dir="ltr"><strong>4.7</strong> By 2030"#));
    // The search page offers the targets the site uses, in order.
    let search = site.read("fr/search/index.html");
    let options: Vec<&str> = search.split(r#"<option value=""#).skip(1).collect();
    let targets: Vec<&str> = options
        .iter()
        .filter_map(|o| o.split('"').next())
        .filter(|v| v.contains('.'))
        .collect();
    assert_eq!(targets, ["4.7", "6.3", "14.2"]);
}

#[test]
fn a_target_that_does_not_exist_is_an_error_at_its_place() {
    let site = Site::fixture("basic");
    site.build_ok();
    site.write(
        "content/practices/water.md",
        &site.source("content/practices/water.md").replacen(
            "levels: [secondary]\n",
            "levels: [secondary]\nsdg_targets: [\"4.77\", 16.1, \"18.1\"]\n",
            1,
        ),
    );
    let before = site.snapshot();
    let run = site.build();
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: content/practices/water.md:8:16: sdg_targets: \"4.77\" is not an SDG target"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(
        "hint: this goal's targets are 4.1, 4.2, 4.3, 4.4, 4.5, 4.6, 4.7, 4.a, 4.b, 4.c"
    ));
    assert!(
        run.stderr
            .contains("sdg_targets: 16.1 may be target 16.1 or 16.10: YAML reads 16.10 as 16.1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(r#"hint: write it in quotes: "16.1" or "16.10""#)
    );
    assert!(run.stderr.contains("\"18.1\" is not an SDG target"));
    assert!(run.stderr.contains("with a goal from 1 to 17"));
    assert_eq!(
        site.snapshot(),
        before,
        "a build with errors writes nothing"
    );
}

fn search(site: &Site, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let run = site.run(&all);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut urls: Vec<String> = value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["url"].as_str().map(String::from))
        .collect();
    urls.sort();
    urls
}

#[test]
fn the_cli_filters_by_target_with_or_without_words() {
    let site = site_with_targets();
    assert_eq!(
        search(&site, &["--sdg", "4.7"]),
        [
            "/aspnet/en/practices/sandwatch/",
            "/aspnet/en/practices/water/"
        ]
    );
    assert_eq!(
        search(&site, &["--sdg", "6.3", "--lang", "fr"]),
        ["/aspnet/fr/practices/water/"]
    );
    assert_eq!(
        search(&site, &["--sdg", "4.7", "beaches"]),
        ["/aspnet/en/practices/sandwatch/"]
    );
    assert!(search(&site, &["--sdg", "14.2", "water"]).is_empty());
    assert!(search(&site, &["--sdg", "1.1"]).is_empty());
    // Without words or a list filter, nothing is listed (as before).
    assert!(search(&site, &["--theme", "esd"]).is_empty());
}

#[test]
fn the_browser_filters_by_target_as_the_cli_does() {
    let Some(chromium) = chromium() else { return };
    let site = site_with_targets();
    let base = serve_static(site.public(), "/aspnet/");
    let browser = Browser::start(&chromium, "en", true);
    for (query, lang, expected) in [
        ("sdg=4.7", "en", vec!["sandwatch", "water"]),
        ("sdg=6.3", "fr", vec!["water"]),
        ("sdg=4.7&q=beaches", "en", vec!["sandwatch"]),
        ("sdg=4.7&kind=practice&country=fr", "en", vec!["sandwatch"]),
    ] {
        let (status, links) = browser.search_results(&format!("{base}{lang}/search/?{query}"));
        let mut found: Vec<String> = links
            .iter()
            .map(|l| {
                l.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        found.sort();
        assert_eq!(found, expected, "{query}: {status}");
        let cli_args: Vec<String> = query
            .split('&')
            .flat_map(|pair| {
                let (key, value) = pair.split_once('=').unwrap();
                match key {
                    "q" => vec![value.to_string()],
                    _ => vec![format!("--{key}"), value.to_string()],
                }
            })
            .chain(["--lang".to_string(), lang.to_string()])
            .collect();
        let args: Vec<&str> = cli_args.iter().map(String::as_str).collect();
        assert_eq!(
            search(&site, &args).len(),
            expected.len(),
            "{query}: the CLI"
        );
    }
    // The filter shows its choice, and the folded filters open for it.
    let state = browser.run(
        "return [document.getElementById('f-sdg').value, document.getElementById('filters-fold').open];",
    );
    assert_eq!(state, serde_json::json!(["4.7", true]));
}
