//! The Sustainable Development Goals' targets: which codes are real targets (`4.7`, `4.a`),
//! and a target's official text and its goal's short name in a reader's language.
//!
//! The texts are the open-sdg translations (github.com/open-sdg/sdg-translations, MIT licence),
//! copied unchanged into `data/sdg/<lang>/` by `scripts/sdg_data.py` and embedded in the
//! binary: the tool reads none of its own data at run time. A language without texts shows
//! them in English, marked as such.

use crate::i18n;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One language's texts: `4.7` → the target's text, `4` → the goal's short name.
#[derive(Default)]
struct Texts {
    targets: HashMap<String, String>,
    goals: HashMap<String, String>,
}

macro_rules! languages {
    ($($lang:literal),*) => {
        [$(($lang,
            include_str!(concat!("../data/sdg/", $lang, "/global_targets.yml")),
            include_str!(concat!("../data/sdg/", $lang, "/global_goals.yml")))),*]
    };
}

/// Every language of `data/sdg/`: (code, targets file, goals file).
const FILES: [(&str, &str, &str); 11] = languages!(
    "en", "fr", "es", "ar", "ru", "zh", "sw", "de", "it", "tr", "uk"
);

/// The texts of every language, parsed once when first asked for.
static TEXTS: LazyLock<HashMap<&'static str, Texts>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(lang, targets, goals)| {
            let texts = Texts {
                targets: entries(targets, "-title"),
                goals: entries(goals, "-short"),
            };
            (*lang, texts)
        })
        .collect()
});

/// The entries of one open-sdg file whose keys end in `suffix`, keyed as we write codes:
/// `4-7-title` → `4.7`, `4-short` → `4`. A file that does not parse gives nothing (a unit
/// test parses every one).
fn entries(yaml: &str, suffix: &str) -> HashMap<String, String> {
    let all: HashMap<String, String> = serde_yaml::from_str(yaml).unwrap_or_default();
    all.into_iter()
        .filter_map(|(key, text)| Some((key.strip_suffix(suffix)?.replace('-', "."), text)))
        .collect()
}

/// A target as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// `4.7`.
    pub code: String,
    /// Its goal's short name: "Quality education".
    pub goal: String,
    /// The target's official text.
    pub text: String,
    /// The language the texts are in: the reader's, or `en` where it has none.
    pub lang: &'static str,
}

/// Whether `code` is one of the 169 targets.
pub fn is_target(code: &str) -> bool {
    english().targets.contains_key(code)
}

/// The targets of `code`'s goal, in order (`4.1` … `4.7`, `4.a` …), for a hint; none when
/// the goal is not one of the 17.
pub fn targets_of_goal(code: &str) -> Vec<String> {
    let goal = code.split('.').next().unwrap_or_default();
    let mut targets: Vec<String> = english()
        .targets
        .keys()
        .filter(|t| t.split('.').next() == Some(goal))
        .cloned()
        .collect();
    targets.sort_by_key(|t| order(t));
    targets
}

/// The order of targets: by goal, then numbered targets in number order, then the lettered
/// means of implementation (`4.7` < `4.10` < `4.a` < `14.1`).
pub fn order(code: &str) -> (u32, u32, String) {
    let (goal, target) = code.split_once('.').unwrap_or((code, ""));
    let number = |s: &str| s.parse::<u32>().unwrap_or(u32::MAX);
    (number(goal), number(target), target.to_string())
}

/// Target `code` in the language of the reader of `lang` (or along its fallbacks, never across
/// a script), else in English; `None` for a code that is no target.
pub fn target(code: &str, lang: &str) -> Option<Target> {
    let chain = i18n::truncation_chain(lang);
    let (lang, texts) = chain
        .iter()
        .find_map(|l| TEXTS.get_key_value(l.as_str()))
        .map(|(lang, texts)| (*lang, texts))
        .filter(|(_, texts)| texts.targets.contains_key(code))
        .unwrap_or(("en", english()));
    let goal = code.split('.').next().unwrap_or_default();
    Some(Target {
        code: code.to_string(),
        goal: texts.goals.get(goal).cloned().unwrap_or_default(),
        text: texts.targets.get(code)?.clone(),
        lang,
    })
}

fn english() -> &'static Texts {
    static EMPTY: LazyLock<Texts> = LazyLock::new(Texts::default);
    TEXTS.get("en").unwrap_or(&EMPTY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_all_targets_and_goals() {
        for (lang, _, _) in FILES {
            let texts = &TEXTS[lang];
            assert_eq!(texts.targets.len(), 169, "{lang}");
            assert_eq!(texts.goals.len(), 17, "{lang}");
        }
    }

    #[test]
    fn targets_in_the_readers_language_or_english() {
        assert!(is_target("4.7") && is_target("4.a") && is_target("17.19"));
        assert!(!is_target("4.77") && !is_target("18.1") && !is_target("4"));
        let french = target("4.7", "fr").unwrap();
        assert_eq!(french.lang, "fr");
        assert_eq!(french.goal, "Éducation de qualité");
        assert!(french.text.starts_with("D’ici"), "{}", french.text);
        assert_eq!(target("4.7", "fr-ca").unwrap().lang, "fr");
        assert_eq!(target("4.7", "zh-hans").unwrap().lang, "zh");
        // Traditional Chinese is another script: English, not Simplified Chinese.
        assert_eq!(target("4.7", "zh-hant").unwrap().lang, "en");
        let portuguese = target("14.1", "pt").unwrap();
        assert_eq!(portuguese.lang, "en");
        assert_eq!(portuguese.goal, "Life below water");
        assert_eq!(target("4.77", "en"), None);
    }

    #[test]
    fn a_goals_targets_in_order() {
        let goal = targets_of_goal("4.77");
        assert_eq!(goal.first().map(String::as_str), Some("4.1"));
        assert_eq!(goal.last().map(String::as_str), Some("4.c"));
        assert_eq!(goal.len(), 10);
        assert!(targets_of_goal("18.1").is_empty());
    }
}
