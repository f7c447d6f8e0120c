//! UI strings per language from the theme's `i18n/<lang>.yaml`, with CLDR plural forms:
//! a string is either text or a map of plural categories (`one`, `other`, …) using `{n}`.
//!
//! A language without a string takes it from the next language of its BCP 47 truncation
//! chain (`pt-br`, then `pt`) as long as the script stays the same (`zh-hant` never takes
//! Simplified Chinese `zh` strings), then from English. A plural string is always chosen by
//! the plural rules of the language it is written in: English text on a Japanese page reads
//! "1 result", never "1 results".

use crate::config::strip_location;
use crate::diagnostic::Diagnostic;
use crate::locale::{self, Locale};
use crate::theme::Theme;
use icu::locale::{LanguageIdentifier, LocaleExpander, subtags::Script};
use icu::plurals::PluralRules;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Text {
    Plain(String),
    Plural(BTreeMap<String, String>),
}

#[derive(Clone)]
pub struct Strings {
    /// The strings of every language that has a file, by key.
    by_lang: HashMap<String, BTreeMap<String, Text>>,
    /// The plural rules of every language in `by_lang`.
    plurals: HashMap<String, Arc<PluralRules>>,
    /// The truncation chain of every language loaded for.
    chains: HashMap<String, Vec<String>>,
}

/// A plural string's forms by CLDR category with `{n}` left in, and the language they are
/// written in, whose plural rules choose among them (for scripts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluralForms {
    pub lang: String,
    pub forms: BTreeMap<String, String>,
}

/// A string of English that a language lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingString {
    pub key: String,
    /// For a plural string the language has, the plural categories it lacks; empty when
    /// the whole string is missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plural_forms: Vec<&'static str>,
}

const FALLBACK: &str = "en";

/// The languages whose strings `lang` may use before English, most specific first: its
/// BCP 47 truncations (`pt-br`, `pt`) while their likely script stays that of `lang`.
pub fn truncation_chain(lang: &str) -> Vec<String> {
    let expander = LocaleExpander::new_extended();
    let script = |code: &str| -> Option<Script> {
        let mut id: LanguageIdentifier = code.parse().ok()?;
        expander.maximize(&mut id);
        id.script
    };
    let own_script = script(lang);
    let mut chain = vec![lang.to_string()];
    let mut code = lang;
    while let Some((shorter, _)) = code.rsplit_once('-') {
        code = shorter;
        // `de-u` (an extension cut short) is no language; `de` after it is.
        if code.parse::<LanguageIdentifier>().is_err() {
            continue;
        }
        if script(code) != own_script {
            break;
        }
        chain.push(code.to_string());
    }
    chain
}

impl Strings {
    /// The strings of `languages`, of the languages they fall back to, and of English, each
    /// built-in file first and then the site's file over it.
    pub fn load(theme: &Theme, languages: &[String]) -> Result<Strings, Diagnostic> {
        let chains: HashMap<String, Vec<String>> = languages
            .iter()
            .map(|lang| (lang.clone(), truncation_chain(lang)))
            .collect();
        let wanted: BTreeSet<String> = chains
            .values()
            .flatten()
            .cloned()
            .chain([FALLBACK.to_string()])
            .collect();
        let mut by_lang = HashMap::new();
        let mut plurals = HashMap::new();
        for lang in wanted {
            let mut strings: BTreeMap<String, Text> = BTreeMap::new();
            for (path, bytes) in theme.i18n(&lang) {
                strings.extend(parse_layer(&path, bytes)?);
            }
            if strings.is_empty() {
                continue;
            }
            if let Some(rules) = locale::plural_rules(&lang) {
                plurals.insert(lang.clone(), Arc::new(rules));
            }
            by_lang.insert(lang, strings);
        }
        Ok(Strings {
            by_lang,
            plurals,
            chains,
        })
    }

    /// The truncation chain of `lang`, kept from loading where it can be.
    fn chain(&self, lang: &str) -> Cow<'_, [String]> {
        match self.chains.get(lang) {
            Some(chain) => Cow::Borrowed(chain.as_slice()),
            None => Cow::Owned(truncation_chain(lang)),
        }
    }

    /// The string for `key` in `lang` from the first language of its truncation chain that
    /// has one, with that language's code; `None` when only English (or nothing) has it.
    fn lookup_own(&self, lang: &str, key: &str) -> Option<(String, &Text)> {
        self.chain(lang)
            .iter()
            .find_map(|code| Some((code.clone(), self.by_lang.get(code)?.get(key)?)))
    }

    /// The string for `key` in `lang`, falling back to English, with the code of the
    /// language it is written in.
    fn lookup(&self, lang: &str, key: &str) -> Option<(String, &Text)> {
        self.lookup_own(lang, key).or_else(|| {
            let text = self.by_lang.get(FALLBACK)?.get(key)?;
            Some((FALLBACK.to_string(), text))
        })
    }

    /// Every plain string of a language (from its fallbacks where it has none), for
    /// templates.
    pub fn table(&self, lang: &str) -> BTreeMap<String, String> {
        let mut table = BTreeMap::new();
        let chain = self.chain(lang);
        for source in [FALLBACK]
            .into_iter()
            .chain(chain.iter().rev().map(String::as_str))
        {
            for (key, text) in self.by_lang.get(source).into_iter().flatten() {
                if let Text::Plain(s) = text {
                    table.insert(key.clone(), s.clone());
                }
            }
        }
        table
    }

    /// A string in `lang` (the form `other` of a plural string), or the key when no
    /// language has it.
    pub fn get(&self, lang: &str, key: &str) -> String {
        match self.lookup(lang, key) {
            Some((_, Text::Plain(s))) => s.clone(),
            Some((_, Text::Plural(forms))) => forms.get("other").cloned().unwrap_or_default(),
            None => key.to_string(),
        }
    }

    /// The plural forms of a string in `lang` and the language they are written in (for
    /// scripts, which choose a form by that language's rules).
    pub fn forms(&self, lang: &str, key: &str) -> PluralForms {
        let (written_in, forms) = match self.lookup(lang, key) {
            Some((code, Text::Plural(forms))) => (code, forms.clone()),
            Some((code, Text::Plain(s))) => (code, BTreeMap::from([("other".into(), s.clone())])),
            None => (
                FALLBACK.to_string(),
                BTreeMap::from([("other".to_string(), format!("{{n}} {key}"))]),
            ),
        };
        PluralForms {
            lang: written_in,
            forms,
        }
    }

    /// The string for a count on a page in `locale`'s language, in the plural form that the
    /// rules of the language the string is written in give for that count.
    pub fn plural(&self, locale: &Locale, key: &str, n: usize) -> String {
        let text = match self.lookup(&locale.code, key) {
            Some((written_in, Text::Plural(forms))) => {
                let category = self.plurals.get(&written_in).map_or("other", |rules| {
                    locale::category_name(rules.category_for(n as u64))
                });
                forms
                    .get(category)
                    .or_else(|| forms.get("other"))
                    .cloned()
                    .unwrap_or_default()
            }
            Some((_, Text::Plain(s))) => s.clone(),
            None => format!("{{n}} {key}"),
        };
        text.replace("{n}", &n.to_string())
    }

    /// The strings of English that `lang` lacks once its own files and those of its
    /// truncation chain are layered: keys none of them has, and plural strings without every
    /// plural category of the language they are written in (a plain string counts as the
    /// form `other`).
    pub fn missing(&self, lang: &str) -> Vec<MissingString> {
        let Some(english) = self.by_lang.get(FALLBACK) else {
            return Vec::new();
        };
        let missing = |(key, english_text): (&String, &Text)| {
            let plural_forms = match (self.lookup_own(lang, key), english_text) {
                (None, _) => Vec::new(),
                (Some((written_in, text)), Text::Plural(_)) => {
                    let lacking = self.lacking_forms(&written_in, text);
                    if lacking.is_empty() {
                        return None;
                    }
                    lacking
                }
                (Some(_), Text::Plain(_)) => return None,
            };
            Some(MissingString {
                key: key.clone(),
                plural_forms,
            })
        };
        english.iter().filter_map(missing).collect()
    }

    /// The plural categories of `lang` that `text` has no form for.
    fn lacking_forms(&self, lang: &str, text: &Text) -> Vec<&'static str> {
        let categories = self
            .plurals
            .get(lang)
            .map_or_else(|| vec!["other"], |rules| locale::plural_categories(rules));
        categories
            .into_iter()
            .filter(|category| match text {
                Text::Plural(forms) => !forms.contains_key(*category),
                Text::Plain(_) => *category != "other",
            })
            .collect()
    }
}

/// One UI strings file, or an error at its line.
fn parse_layer(path: &str, bytes: &[u8]) -> Result<BTreeMap<String, Text>, Diagnostic> {
    serde_yaml::from_slice(bytes).map_err(|e| {
        let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        Diagnostic::error(
            path,
            line,
            format!("UI strings: {}", strip_location(&e.to_string())),
        )
        .at_column(col)
        .with_hint("one `key: text` per line; plural forms as `key: { one: …, other: … }`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The default theme with the site's own string files `files` (name, text) over it.
    fn strings_with(files: &[(&str, &str)], languages: &[&str]) -> Strings {
        let site = tempfile::tempdir().unwrap();
        let i18n = site.path().join("themes/default/i18n");
        std::fs::create_dir_all(&i18n).unwrap();
        for (name, text) in files {
            std::fs::write(i18n.join(name), text).unwrap();
        }
        let theme = Theme::load(site.path(), "default").unwrap();
        let languages: Vec<String> = languages.iter().map(|l| l.to_string()).collect();
        Strings::load(&theme, &languages).unwrap()
    }

    #[test]
    fn every_built_in_language_has_every_string_and_exactly_its_plural_categories() {
        let theme = Theme::load(Path::new("/nonexistent"), "default").unwrap();
        let files: Vec<(&str, BTreeMap<String, Text>)> = theme
            .files
            .iter()
            .filter_map(|(path, bytes)| {
                let lang = path.strip_prefix("i18n/")?.strip_suffix(".yaml")?;
                Some((lang, parse_layer(path, bytes).unwrap()))
            })
            .collect();
        let languages: BTreeSet<&str> = files.iter().map(|(lang, _)| *lang).collect();
        let official = BTreeSet::from(["ar", "en", "es", "fr", "pt", "ru", "zh"]);
        assert!(languages.is_superset(&official), "{languages:?}");
        let english = &files.iter().find(|(lang, _)| *lang == "en").unwrap().1;
        for (lang, strings) in &files {
            let missing: Vec<&String> = english
                .keys()
                .filter(|k| !strings.contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{lang}.yaml lacks {missing:?}");
            let extra: Vec<&String> = strings
                .keys()
                .filter(|k| !english.contains_key(*k))
                .collect();
            assert!(
                extra.is_empty(),
                "{lang}.yaml has keys en.yaml lacks: {extra:?}"
            );
            let rules = locale::plural_rules(lang).unwrap();
            let categories: BTreeSet<&str> =
                rules.categories().map(locale::category_name).collect();
            for (key, text) in strings {
                let english_is_plural = matches!(english[key], Text::Plural(_));
                match text {
                    Text::Plural(forms) => {
                        let written: BTreeSet<&str> = forms.keys().map(String::as_str).collect();
                        assert_eq!(written, categories, "{lang}.yaml: {key}");
                        assert!(english_is_plural, "{lang}.yaml: {key} is plain in en.yaml");
                    }
                    Text::Plain(_) => assert!(!english_is_plural, "{lang}.yaml: {key}"),
                }
            }
        }
    }

    #[test]
    fn the_plural_categories_come_from_cldr() {
        let names = |lang: &str| locale::plural_categories(&locale::plural_rules(lang).unwrap());
        assert_eq!(names("ar"), ["zero", "one", "two", "few", "many", "other"]);
        assert_eq!(names("ru"), ["one", "few", "many", "other"]);
        assert_eq!(names("zh"), ["other"]);
        assert_eq!(names("en"), ["one", "other"]);
    }

    #[test]
    fn languages_fall_back_along_their_subtags_but_not_across_a_script() {
        assert_eq!(truncation_chain("pt-br"), ["pt-br", "pt"]);
        assert_eq!(truncation_chain("en-gb"), ["en-gb", "en"]);
        assert_eq!(
            truncation_chain("de-ch-1996"),
            ["de-ch-1996", "de-ch", "de"]
        );
        assert_eq!(
            truncation_chain("zh-hans-cn"),
            ["zh-hans-cn", "zh-hans", "zh"]
        );
        assert_eq!(truncation_chain("zh-hant"), ["zh-hant"]);
        assert_eq!(
            truncation_chain("zh-tw"),
            ["zh-tw"],
            "Taiwan writes Traditional"
        );
        assert_eq!(truncation_chain("sr-latn"), ["sr-latn"], "sr is Cyrillic");
        assert_eq!(truncation_chain("ja"), ["ja"]);

        let strings = strings_with(&[], &["pt-br", "zh", "zh-hant", "ja"]);
        assert_eq!(strings.get("pt-br", "nav_search"), "Busca");
        assert_eq!(strings.table("pt-br")["nav_search"], "Busca");
        assert_eq!(strings.get("zh", "nav_search"), "搜索");
        assert_eq!(strings.get("zh-hant", "nav_search"), "Search");
        assert_eq!(strings.table("zh-hant")["nav_search"], "Search");
        let pt_br = Locale::new("pt-br");
        assert_eq!(strings.plural(&pt_br, "pages_count", 2), "2 páginas");

        // A pt-BR file of the site wins over pt, key by key.
        let strings = strings_with(&[("pt-BR.yaml", "nav_search: Pesquisa\n")], &["pt-br"]);
        assert_eq!(strings.get("pt-br", "nav_search"), "Pesquisa");
        assert_eq!(strings.get("pt-br", "nav_themes"), "Áreas temáticas");
    }

    #[test]
    fn english_text_keeps_english_plural_rules() {
        let strings = strings_with(&[], &["ja", "ru"]);
        let ja = Locale::new("ja");
        assert_eq!(strings.plural(&ja, "pages_count", 1), "1 page");
        assert_eq!(strings.plural(&ja, "pages_count", 2), "2 pages");
        let forms = strings.forms("ja", "results_count");
        assert_eq!(forms.lang, "en");
        assert_eq!(forms.forms["one"], "{n} result");
        assert_eq!(forms.forms["other"], "{n} results");

        let ru = Locale::new("ru");
        let counted: Vec<String> = [1, 3, 5, 21, 112]
            .map(|n| strings.plural(&ru, "results_count", n))
            .to_vec();
        assert_eq!(
            counted,
            [
                "1 результат",
                "3 результата",
                "5 результатов",
                "21 результат",
                "112 результатов"
            ]
        );
        assert_eq!(strings.forms("ru", "results_count").lang, "ru");
    }

    #[test]
    fn a_site_file_overrides_strings_one_by_one_or_adds_a_language() {
        let strings = strings_with(
            &[
                ("fr.yaml", "nav_search: Chercher\n"),
                (
                    "ja.yaml",
                    "nav_search: 検索\npages_count: { other: \"{n} ページ\" }\n",
                ),
            ],
            &["fr", "ja"],
        );
        assert_eq!(strings.get("fr", "nav_search"), "Chercher");
        assert_eq!(strings.get("fr", "nav_themes"), "Domaines thématiques");
        assert_eq!(strings.get("ja", "nav_search"), "検索");
        assert_eq!(strings.get("ja", "nav_themes"), "Thematic areas");
        assert_eq!(
            strings.plural(&Locale::new("ja"), "pages_count", 1),
            "1 ページ"
        );
    }

    #[test]
    fn missing_strings_are_keys_and_plural_categories_a_language_lacks() {
        let strings = strings_with(
            &[
                (
                    "ja.yaml",
                    "nav_search: 検索\npages_count: { other: \"{n} ページ\" }\n",
                ),
                (
                    "ru.yaml",
                    "results_count: { one: \"{n} результат\", other: \"{n} результата\" }\n",
                ),
            ],
            &["en", "fr", "ja", "ru", "pt-br", "zh-hant"],
        );
        assert_eq!(strings.missing("en"), []);
        assert_eq!(strings.missing("fr"), []);
        assert_eq!(strings.missing("pt-br"), [], "pt has them all");
        let english_keys = strings.by_lang["en"].len();
        assert_eq!(strings.missing("zh-hant").len(), english_keys);
        let ja = strings.missing("ja");
        assert_eq!(ja.len(), english_keys - 2, "{ja:?}");
        assert!(ja.iter().all(|m| m.plural_forms.is_empty()));
        assert!(ja.iter().any(|m| m.key == "nav_themes"));
        assert_eq!(
            strings.missing("ru"),
            [MissingString {
                key: "results_count".into(),
                plural_forms: vec!["few", "many"],
            }]
        );
    }
}
