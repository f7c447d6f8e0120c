//! UI strings per language from the theme's `i18n/<lang>.yaml`, with CLDR plural forms:
//! a string is either text or a map of plural categories (`one`, `other`, …) using `{n}`.
//! A language with no file, or a missing string, falls back to English.

use crate::config::strip_location;
use crate::diagnostic::Diagnostic;
use crate::locale::Locale;
use crate::theme::Theme;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Text {
    Plain(String),
    Plural(BTreeMap<String, String>),
}

#[derive(Clone)]
pub struct Strings {
    by_lang: HashMap<String, BTreeMap<String, Text>>,
}

const FALLBACK: &str = "en";

impl Strings {
    pub fn load(theme: &Theme, languages: &[String]) -> Result<Strings, Diagnostic> {
        let mut by_lang = HashMap::new();
        for lang in languages.iter().map(String::as_str).chain([FALLBACK]) {
            let mut strings: BTreeMap<String, Text> = BTreeMap::new();
            for (path, bytes) in theme.i18n(lang) {
                let layer: BTreeMap<String, Text> = serde_yaml::from_slice(bytes).map_err(|e| {
                    let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
                    Diagnostic::error(
                        &path,
                        line,
                        format!("UI strings: {}", strip_location(&e.to_string())),
                    )
                    .at_column(col)
                    .with_hint(
                        "one `key: text` per line; plural forms as `key: { one: …, other: … }`",
                    )
                })?;
                strings.extend(layer);
            }
            if !strings.is_empty() {
                by_lang.insert(lang.to_string(), strings);
            }
        }
        Ok(Strings { by_lang })
    }

    fn lookup(&self, lang: &str, key: &str) -> Option<&Text> {
        self.by_lang
            .get(lang)
            .and_then(|m| m.get(key))
            .or_else(|| self.by_lang.get(FALLBACK)?.get(key))
    }

    /// Every plain string of a language (English where it has none), for templates.
    pub fn table(&self, lang: &str) -> BTreeMap<String, String> {
        let mut table = BTreeMap::new();
        for source in [FALLBACK, lang] {
            for (key, text) in self.by_lang.get(source).into_iter().flatten() {
                if let Text::Plain(s) = text {
                    table.insert(key.clone(), s.clone());
                }
            }
        }
        table
    }

    pub fn get(&self, lang: &str, key: &str) -> String {
        match self.lookup(lang, key) {
            Some(Text::Plain(s)) => s.clone(),
            Some(Text::Plural(forms)) => forms.get("other").cloned().unwrap_or_default(),
            None => key.to_string(),
        }
    }

    /// The plural forms of a string, by CLDR category, with `{n}` left in (for scripts).
    pub fn forms(&self, lang: &str, key: &str) -> BTreeMap<String, String> {
        match self.lookup(lang, key) {
            Some(Text::Plural(forms)) => forms.clone(),
            Some(Text::Plain(s)) => BTreeMap::from([("other".to_string(), s.clone())]),
            None => BTreeMap::from([("other".to_string(), format!("{{n}} {key}"))]),
        }
    }

    /// The string for a count, in the plural form CLDR gives for that count in this language.
    pub fn plural(&self, locale: &Locale, key: &str, n: usize) -> String {
        let text = match self.lookup(&locale.code, key) {
            Some(Text::Plural(forms)) => forms
                .get(locale.plural_category(n as u64))
                .or_else(|| forms.get("other"))
                .cloned()
                .unwrap_or_default(),
            Some(Text::Plain(s)) => s.clone(),
            None => format!("{{n}} {key}"),
        };
        text.replace("{n}", &n.to_string())
    }
}
