//! `aspnet-kb search` on the fixture: accents both ways, stems, a typo, filters, drafts
//! absent, fallback pages found in every language, JSON output.

mod common;

use common::Site;
use serde_json::Value;

fn built() -> Site {
    let site = Site::fixture("basic");
    site.build_ok();
    site
}

fn search(site: &Site, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let run = site.run(&all);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let value: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    value.as_array().cloned().unwrap_or_default()
}

fn urls(results: &[Value]) -> Vec<&str> {
    results.iter().map(|r| r["url"].as_str().unwrap()).collect()
}

#[test]
fn accents_are_optional_both_ways() {
    let site = built();
    // The French text says "écoles"; a reader types it without accents, or in capitals.
    for query in ["ecoles", "écoles", "ÉCOLE", "ecole"] {
        let results = search(&site, &["--lang", "fr", query]);
        let found = urls(&results);
        assert!(
            found.contains(&"/aspnet/fr/practices/water/"),
            "{query}: {found:?}"
        );
        assert!(
            found.contains(&"/aspnet/fr/members/fr/fr-0002/"),
            "École Jean Moulin: {found:?}"
        );
    }
    // Typing an accent the text does not have still finds it.
    let results = search(&site, &["--lang", "en", "gàrden"]);
    assert!(urls(&results).contains(&"/aspnet/en/practices/peace/"));
}

#[test]
fn stems_match_other_forms_of_a_word() {
    let site = built();
    let results = search(&site, &["--lang", "en", "beach"]);
    assert_eq!(
        urls(&results),
        ["/aspnet/en/practices/sandwatch/"],
        "beach finds beaches"
    );
    let results = search(&site, &["--lang", "en", "gardens"]);
    assert_eq!(urls(&results)[0], "/aspnet/en/practices/peace/");
}

#[test]
fn one_typo_is_tolerated_in_longer_words() {
    let site = built();
    let results = search(&site, &["--lang", "en", "nairobbi"]);
    assert!(urls(&results).contains(&"/aspnet/en/practices/water/"));
    assert!(
        search(&site, &["--lang", "en", "wter"]).is_empty(),
        "no typos in words under five letters"
    );
}

#[test]
fn title_matches_rank_above_body_matches() {
    let site = built();
    site.write(
        "content/practices/zz.md",
        "---\ntitle: Tree nursery\ndate: 2020-01-01\nsummary: Saplings.\ncountries: [ke]\nthemes: [esd]\n---\nWe also talk about water here, water everywhere.\n",
    );
    site.build_ok();
    let results = search(&site, &["--lang", "en", "water"]);
    assert_eq!(
        urls(&results)[0],
        "/aspnet/en/practices/water/",
        "{results:?}"
    );
    assert!(results[0]["score"].as_f64() > results[1]["score"].as_f64());
}

#[test]
fn filters_narrow_the_results() {
    let site = built();
    let theme = search(&site, &["--lang", "en", "--theme", "gced", "monitoring"]);
    assert_eq!(urls(&theme), ["/aspnet/en/practices/sandwatch/"]);
    assert!(search(&site, &["--lang", "en", "--theme", "gced", "water"]).is_empty());
    let country = search(&site, &["--lang", "en", "--country", "fr", "garden"]);
    assert_eq!(urls(&country), ["/aspnet/en/practices/peace/"]);
    assert!(search(&site, &["--lang", "en", "--country", "ke", "garden"]).is_empty());
    let level = search(&site, &["--lang", "en", "--level", "primary", "beaches"]);
    assert_eq!(urls(&level), ["/aspnet/en/practices/sandwatch/"]);
    assert!(search(&site, &["--lang", "en", "--level", "secondary", "beaches"]).is_empty());
    let kind = search(&site, &["--lang", "en", "--kind", "member", "nairobi"]);
    assert_eq!(urls(&kind), ["/aspnet/en/members/ke/ke-0001/"]);
    let region = search(&site, &["--lang", "en", "--region", "africa", "nairobi"]);
    assert!(urls(&region).contains(&"/aspnet/en/practices/water/"));
    assert!(
        search(
            &site,
            &["--lang", "en", "--region", "arab-states", "nairobi"]
        )
        .is_empty()
    );
}

#[test]
fn drafts_are_never_indexed() {
    let site = built();
    assert!(search(&site, &["--lang", "en", "secret"]).is_empty());
}

#[test]
fn fallback_pages_are_found_in_every_language() {
    let site = built();
    let results = search(&site, &["--lang", "fr", "garden"]);
    assert_eq!(urls(&results), ["/aspnet/fr/practices/peace/"]);
    assert_eq!(results[0]["lang"], "en", "the page's own language is noted");
    assert_eq!(results[0]["kind"], "practice");
    assert!(
        results[0]["title"]
            .as_str()
            .unwrap()
            .contains("Peace garden")
    );
}

#[test]
fn human_output_marks_the_matched_words() {
    let site = built();
    let run = site.run(&["search", "--lang", "en", "beaches"]);
    assert_eq!(run.status, 0);
    assert!(
        run.stdout.contains("1. Sandwatch (practice, en)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[beaches]") || run.stdout.contains("[beach]"),
        "{}",
        run.stdout
    );
    let missing = Site::fixture("basic").run(&["search", "water"]);
    assert_eq!(missing.status, 2, "no index yet");
    assert!(missing.stderr.contains("run `aspnet-kb build` first"));
}

#[test]
fn an_index_without_its_vocabulary_asks_for_a_build() {
    // The vocabulary (folded forms and their terms) sits beside the tantivy index; an index
    // made by an older version lacks it.
    let site = built();
    let vocabulary = site.root().join(".aspnet-kb/index/en/vocabulary.tsv");
    let lines = std::fs::read_to_string(&vocabulary).expect("the build writes the vocabulary");
    assert!(lines.contains("beaches\tbeach\n"), "form and term");
    std::fs::remove_file(&vocabulary).unwrap();
    let run = site.run(&["search", "--lang", "en", "beaches"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("vocabulary.tsv"), "{}", run.stderr);
    assert!(
        run.stderr.contains("run `aspnet-kb build`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_language_without_a_stemmer_is_searched_word_for_word() {
    // A mirror's own language (Swahili) has no Snowball stemmer: words are folded, not stemmed.
    let site = built();
    let config = site.source("site.yaml");
    site.write(
        "site.yaml",
        &config.replace("languages:\n", "languages:\n  sw: { name: Kiswahili }\n"),
    );
    site.write(
        "content/practices/water.sw.md",
        "---\ntitle: Maji safi kwa wote\ndate: 2024-03-05\nsummary: Wanafunzi wanapima maji ya mto.\ncountries: [ke]\nthemes: [esd]\n---\nShule za Nairobi zilipima maji.\n",
    );
    site.build_ok();
    for query in ["shule", "MAJI", "wanafunzi"] {
        let found = search(&site, &["--lang", "sw", query]);
        assert_eq!(
            urls(&found).first(),
            Some(&"/aspnet/sw/practices/water/"),
            "{query}"
        );
    }
    // The browser index of the language exists too.
    assert!(site.read("sw/search/index.html").contains("search-data"));
}
