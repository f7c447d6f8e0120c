//! One search, every language: on a site in eight languages (Arabic, Japanese, Chinese,
//! Russian, Portuguese, German, English, with `pt-BR` and `zh-Hant`), every query finds the
//! same pages in headless Chromium (the built search page, complete words: the query ends with
//! a space) as `aspnet-kb search`; the page cuts and folds words exactly as the build does; and
//! the page asks for no index file that does not exist.

mod common;

use aspnet_kb::search::analysis::{Analyzer, Purpose};
use common::{Browser, Site, chromium, percent_decode, serve_static};
use std::collections::BTreeSet;

/// Queries per language (URL language), with an optional country filter: complete words,
/// Arabic without its article, Japanese compounds and words inside them, Chinese words,
/// Russian inflected forms, Portuguese without accents, country names, typos, no match.
const QUERIES: &[(&str, &[&str])] = &[
    (
        "ar",
        &[
            "تراث",
            "التراث",
            "بالتراث",
            "كينيا",
            "المغرب",
            "ألمانيا",
            "اليابان",
            "البرازيل",
            "مدرسة",
            "المدرسة",
            "ماء",
            "الماء",
            "مياه النهر",
            "السلام",
            "سلام",
            "الطاقة",
            "طاقة",
            "التلاميذ",
            "حديقة",
            "الكهرباء",
            "مجلس",
            "نيروبي",
            "فاس",
            "متحف",
            "الفصول",
            "غير موجود",
        ],
    ),
    (
        "ja",
        &[
            "省エネルギー",
            "エネルギー",
            "省エネ",
            "ケニア",
            "モロッコ",
            "ドイツ",
            "日本",
            "ブラジル",
            "ロシア",
            "学校",
            "菜園",
            "学校菜園",
            "水",
            "川の水",
            "平和",
            "平和委員会",
            "委員会",
            "文化遺産",
            "遺産",
            "博物館",
            "児童",
            "電気",
            "雨",
            "存在しない",
        ],
    ),
    (
        "zh",
        &[
            "肯尼亚",
            "摩洛哥",
            "德国",
            "日本",
            "巴西",
            "俄罗斯",
            "学校",
            "菜园",
            "水",
            "河水",
            "和平",
            "委员会",
            "遗产",
            "文化遗产",
            "博物馆",
            "能源",
            "学生",
            "节约",
            "雨量",
            "玉米",
            "不存在",
        ],
    ),
    (
        "ru",
        &[
            "Кения",
            "Марокко",
            "Германия",
            "Япония",
            "Бразилия",
            "Россия",
            "школа",
            "школам",
            "школьный",
            "школы",
            "вода",
            "воду",
            "воды",
            "наследие",
            "наследия",
            "мир",
            "мира",
            "совет",
            "энергия",
            "энергии",
            "ученики",
            "ученикам",
            "электричество",
            "дождь",
            "Найроби",
            "нет такого",
        ],
    ),
    (
        "pt",
        &[
            "Quênia",
            "quenia",
            "Marrocos",
            "Alemanha",
            "Japão",
            "japao",
            "Brasil",
            "Rússia",
            "agua",
            "água",
            "escola",
            "escolas",
            "horta",
            "hortas",
            "patrimonio",
            "património",
            "paz",
            "conselho",
            "energia",
            "eletricidade",
            "alunos",
            "aluno",
            "chuva",
            "nairobi",
            "museu",
            "inexistente",
        ],
    ),
    (
        "de",
        &[
            "Kenia",
            "Marokko",
            "Deutschland",
            "Japan",
            "Brasilien",
            "Russland",
            "Schule",
            "Schulen",
            "Schulgarten",
            "Schulgärten",
            "schulgarten",
            "Wasser",
            "Fluss",
            "Frieden",
            "Friedensrat",
            "Energie",
            "Strom",
            "Schüler",
            "schuler",
            "Erbe",
            "Museum",
            "Regen",
            "gibt es nicht",
        ],
    ),
    (
        "en",
        &[
            "Kenya", "Morocco", "Germany", "garden", "gardens", "water", "beach", "peace",
            "energy", "nairobbi",
        ],
    ),
    (
        "pt-br",
        &[
            "Quênia", "quenia", "Marrocos", "agua", "horta", "escolas", "chuva",
        ],
    ),
    (
        "zh-hant",
        &["肯亞", "摩洛哥", "學校", "菜園", "水", "河水", "雨量"],
    ),
];

/// Texts whose words the page and the build must cut and fold alike, per language.
const TEXTS: &[(&str, &str)] = &[
    ("ar", "والتراث بالمدرسة للأطفال ـــ الأمُّ بالغ والد مدرسةٌ ى ة"),
    ("ja", "学校で省エネルギー。ガス、ＵＮＥＳＣＯスクール、々ー"),
    ("zh", "联合国教科文组织（UNESCO）的学校：水资源"),
    ("ru", "Школьники ЁЛКА ёлка, «мир»"),
    ("pt", "Água, Quênia — l'été 2024 d’École Œuvre"),
    ("de", "Schulgärten STRAẞE Fünftel"),
    ("zh-hant", "學校菜園，雨量"),
];

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn cli_urls(site: &Site, lang: &str, query: &str) -> BTreeSet<String> {
    let run = site.run(&["search", "--json", "--limit", "1000", "--lang", lang, query]);
    assert_eq!(run.status, 0, "{lang} {query}: {}", run.stderr);
    let hits: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_browser_finds_what_search_finds_in_every_language() {
    let site = Site::fixture("multilingual");
    site.build_ok();
    let Some(chromium) = chromium() else { return };
    let base = serve_static(site.public(), "/aspnet/");
    let browser = Browser::start(&chromium, "en", true);
    let (mut same, mut total, mut found) = (0, 0, 0);
    let mut differences = Vec::new();
    let mut fetched = BTreeSet::new();
    for (lang, queries) in QUERIES {
        for query in *queries {
            let cli = cli_urls(&site, lang, query);
            assert!(cli.len() < 10, "one page of results holds them all");
            // A trailing space: every word is complete, none is being typed.
            let (_, links) =
                browser.search_results(&format!("{base}{lang}/search/?q={}%20", encode(query)));
            let shown: BTreeSet<String> = links.into_iter().collect();
            fetched.extend(index_files_fetched(&browser));
            total += 1;
            found += usize::from(!cli.is_empty());
            if shown == cli {
                same += 1;
            } else {
                differences.push(format!(
                    "{lang} {query:?}: search {cli:?}, browser {shown:?}"
                ));
            }
        }
    }
    eprintln!("same results: {same} of {total} queries ({found} with results)");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(
        found * 4 > total * 3,
        "most queries find something: {found} of {total}"
    );
    // Every index file the page asked for exists.
    assert!(!fetched.is_empty());
    for path in fetched {
        let decoded = percent_decode(path.trim_start_matches("/aspnet/"));
        assert!(
            site.exists(&decoded),
            "the page asked for {decoded}, which is missing"
        );
    }
}

/// The paths of the index files the page has fetched since it was opened.
fn index_files_fetched(browser: &Browser) -> Vec<String> {
    let fetched = browser.run(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.endsWith('.jsz'));",
    );
    (fetched.as_array().unwrap().iter())
        .filter_map(|p| p.as_str().map(String::from))
        .collect()
}

#[test]
fn the_page_cuts_and_folds_words_as_the_build_does() {
    let site = Site::fixture("multilingual");
    site.build_ok();
    let Some(chromium) = chromium() else { return };
    let base = serve_static(site.public(), "/aspnet/");
    let browser = Browser::start(&chromium, "en", true);
    for (lang, text) in TEXTS {
        browser.open(&format!("{base}{lang}/search/"));
        let script = format!(
            "return window.aspnetKbWords({});",
            serde_json::to_string(text).unwrap()
        );
        let mut page = serde_json::Value::Null;
        for _ in 0..100 {
            page = browser.run(&script);
            if page.is_array() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let build: Vec<String> = Analyzer::for_language(lang)
            .words(text, Purpose::Query)
            .into_iter()
            .map(|w| w.folded)
            .collect();
        assert_eq!(page, serde_json::json!(build), "{lang}: {text}");
    }
}
