//! Text analysis shared by the tantivy index, the browser index and the search page, so all
//! three agree on what a word is. One definition, in data the search page receives in its
//! manifest ([`Rules`]) and `search.js` applies the same way:
//!
//! - a **word** is a run of letters, marks and digits (anything else, apostrophes included,
//!   separates words: `l'école` is `l` and `école`), folded: lowercase, without diacritics,
//!   the Latin ligatures spelled out, then the language's own rules (Arabic: the letters
//!   readers type interchangeably made one, the article and the prepositions written with it
//!   taken off: `التراث`, `بالتراث` → `تراث`);
//! - text in a script written without spaces (Chinese, Japanese, Thai, …) has no dictionary
//!   segmentation: the index holds each of its characters and each pair of neighbours
//!   (`省エネ` → `省`, `省エ`, `エ`, `エネ`, `ネ`), a query asks for its pairs (a single
//!   character for itself), so any word of two characters or more inside a compound is
//!   found, on both sides, with no dictionary in the browser;
//! - the indexed **term** of a word is its Snowball stem, where the language has a stemmer
//!   (by primary subtag: `pt-BR` is Portuguese).
//!
//! How a query word finds its terms, from the vocabulary alone (so the browser needs no
//! stemmer), is [`crate::search::query`]'s and `search.js`'s `termsFor`.

use crate::paths::latin_spelled_out;
use icu::normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use icu::properties::CodePointMapData;
use icu::properties::props::{GeneralCategory, GeneralCategoryGroup, Script};
use icu::properties::script::ScriptWithExtensions;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Scripts written without spaces between words, with their names in Unicode regular
/// expressions (`\p{scx=Han}`): their text is indexed as characters and pairs.
const GRAM_SCRIPTS: [(Script, &str); 7] = [
    (Script::Han, "Han"),
    (Script::Hiragana, "Hiragana"),
    (Script::Katakana, "Katakana"),
    (Script::Thai, "Thai"),
    (Script::Lao, "Lao"),
    (Script::Khmer, "Khmer"),
    (Script::Myanmar, "Myanmar"),
];

/// Arabic letters readers type one for the other, made one (as Lucene's Arabic normalizer
/// does: alif maqsura as ya, ta marbuta as ha), and the tatweel dropped. The hamza forms of
/// alif are bare alif after folding already (the hamza is a combining mark once decomposed).
const ARABIC_LETTERS: [(char, &str); 3] = [('ى', "ي"), ('ة', "ه"), ('ـ', "")];

/// The Arabic article, alone or after a preposition or conjunction written with it (و ف ب ك,
/// and ل which takes the alif's place), longest first, each with the least number of
/// letters that must remain: `بالغ` (adult) and `والد` (father) keep their letters.
const ARABIC_ARTICLES: [(&str, usize); 6] = [
    ("وال", 3),
    ("فال", 3),
    ("بال", 3),
    ("كال", 3),
    ("لل", 2),
    ("ال", 2),
];

/// Lowercase, without diacritics, with the common Latin ligatures spelled out: the form in
/// which a reader may type a word. `École` → `ecole`, `Œuvre` → `oeuvre`.
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let marks = CodePointMapData::<GeneralCategory>::new();
    let nfd = DecomposingNormalizerBorrowed::new_nfd();
    let mut out = String::with_capacity(word.len());
    for c in nfd.normalize(&word.to_lowercase()).chars() {
        match latin_spelled_out(c) {
            Some(spelled) => out.push_str(spelled),
            None if marks.get(c) == GeneralCategory::NonspacingMark => {}
            None => out.push(c),
        }
    }
    out
}

/// A word of a text: its byte range and folded form.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub from: usize,
    pub to: usize,
    pub folded: String,
}

/// What a text is cut into words for: the index holds every character of a text without
/// spaces as well as every pair; a query asks for the pairs (a lone character for itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Index,
    Query,
}

/// What a character is to the word rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Not a letter, mark or digit: between words.
    Between,
    /// A letter, mark or digit of a script written with spaces.
    Letter,
    /// A letter, mark or digit of a script of [`GRAM_SCRIPTS`].
    Gram,
}

fn class(c: char) -> Class {
    if c.is_ascii() {
        return match c.is_ascii_alphanumeric() {
            true => Class::Letter,
            false => Class::Between,
        };
    }
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    let in_word = [
        GeneralCategoryGroup::Letter,
        GeneralCategoryGroup::Mark,
        GeneralCategoryGroup::Number,
    ]
    .iter()
    .any(|group| group.contains(category));
    if !in_word {
        return Class::Between;
    }
    let scripts = ScriptWithExtensions::new();
    match GRAM_SCRIPTS.iter().any(|&(s, _)| scripts.has_script(c, s)) {
        true => Class::Gram,
        false => Class::Letter,
    }
}

/// The maximal runs of one class other than [`Class::Between`]: byte range and class.
fn runs(text: &str) -> Vec<(usize, usize, Class)> {
    let mut runs = Vec::new();
    let mut current: Option<(usize, Class)> = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let kind = class(c);
        match current {
            Some((_, open)) if open == kind => continue,
            Some((start, open)) => runs.push((start, i, open)),
            None => {}
        }
        current = (kind != Class::Between).then_some((i, kind));
    }
    runs
}

/// The characters and pairs of a run of a script without spaces (`from..to` in `text`), as
/// `purpose` wants them. The run is taken in NFC; each gram points at its own characters,
/// or at the whole run where normalizing changed it.
fn grams(text: &str, (from, to): (usize, usize), purpose: Purpose, out: &mut Vec<Word>) {
    let run = &text[from..to];
    let nfc = ComposingNormalizerBorrowed::new_nfc().normalize(run);
    let chars: Vec<char> = nfc.chars().collect();
    let places: Vec<(usize, usize)> = if nfc == run {
        run.char_indices()
            .map(|(i, c)| (from + i, from + i + c.len_utf8()))
            .collect()
    } else {
        vec![(from, to); chars.len()]
    };
    let alone = chars.len() == 1;
    for (i, c) in chars.iter().enumerate() {
        if purpose == Purpose::Index || alone {
            out.push(Word {
                from: places[i].0,
                to: places[i].1,
                folded: c.to_string(),
            });
        }
        if let Some(next) = chars.get(i + 1) {
            out.push(Word {
                from: places[i].0,
                to: places[i + 1].1,
                folded: [*c, *next].iter().collect(),
            });
        }
    }
}

/// The words of a query in no language's own rules: the word definition common to all.
pub fn words(text: &str) -> Vec<Word> {
    Analyzer::for_language("und").words(text, Purpose::Query)
}

/// Which shard of the browser index holds a folded word: its first two characters, or the
/// first alone for a character or pair of a script without spaces (so that a character's
/// shard also holds the pairs it begins).
pub fn shard_key(folded: &str) -> String {
    let first = folded.chars().next().map(class);
    let length = if first == Some(Class::Gram) { 1 } else { 2 };
    folded.chars().take(length).collect()
}

/// The word rules of a language, as the search page receives them in its manifest, so that
/// `search.js` cuts and folds words as [`Analyzer::words`] does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rules {
    /// Scripts indexed as characters and pairs (names for `\p{scx=…}`).
    pub gram_scripts: Vec<&'static str>,
    /// Lowercase letters spelled out when folding (`œ` → `oe`).
    pub spelled_out: Vec<(char, &'static str)>,
    /// The language's letters replaced after folding.
    pub letters: Vec<(char, &'static str)>,
    /// Prefixes taken off a folded word, the first that fits, with the number of letters
    /// that must remain.
    pub prefixes: Vec<(&'static str, usize)>,
}

/// Analysis for one language: words, folding, the language's letters and prefixes, then
/// stemming where Snowball has the language.
#[derive(Clone, Copy, Debug)]
pub struct Analyzer {
    algorithm: Option<Algorithm>,
    letters: &'static [(char, &'static str)],
    prefixes: &'static [(&'static str, usize)],
}

impl Analyzer {
    /// The analysis of a language, by its primary subtag (`pt-BR` is Portuguese).
    pub fn for_language(lang: &str) -> Analyzer {
        let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
        let algorithm = match primary.as_str() {
            "en" => Some(Algorithm::English),
            "fr" => Some(Algorithm::French),
            "es" => Some(Algorithm::Spanish),
            "pt" => Some(Algorithm::Portuguese),
            "de" => Some(Algorithm::German),
            "it" => Some(Algorithm::Italian),
            "nl" => Some(Algorithm::Dutch),
            "ar" => Some(Algorithm::Arabic),
            "ru" => Some(Algorithm::Russian),
            "tr" => Some(Algorithm::Turkish),
            "sv" => Some(Algorithm::Swedish),
            "da" => Some(Algorithm::Danish),
            "no" | "nb" => Some(Algorithm::Norwegian),
            "fi" => Some(Algorithm::Finnish),
            "el" => Some(Algorithm::Greek),
            "hu" => Some(Algorithm::Hungarian),
            "ro" => Some(Algorithm::Romanian),
            "ta" => Some(Algorithm::Tamil),
            _ => None,
        };
        let (letters, prefixes): (&[_], &[_]) = match primary.as_str() {
            "ar" => (&ARABIC_LETTERS, &ARABIC_ARTICLES),
            _ => (&[], &[]),
        };
        Analyzer {
            algorithm,
            letters,
            prefixes,
        }
    }

    /// The rules `search.js` needs to cut and fold words as this analyzer does.
    pub fn rules(&self) -> Rules {
        Rules {
            gram_scripts: GRAM_SCRIPTS.iter().map(|&(_, name)| name).collect(),
            spelled_out: ('\u{80}'..='\u{24f}')
                .filter_map(|c| latin_spelled_out(c).map(|s| (c, s)))
                .collect(),
            letters: self.letters.to_vec(),
            prefixes: self.prefixes.to_vec(),
        }
    }

    /// The words of a text, in order, as `purpose` wants them.
    pub fn words(&self, text: &str, purpose: Purpose) -> Vec<Word> {
        let mut words = Vec::new();
        for (from, to, class) in runs(text) {
            if class == Class::Gram {
                grams(text, (from, to), purpose, &mut words);
                continue;
            }
            let folded = self.fold_word(&text[from..to]);
            if !folded.is_empty() {
                words.push(Word { from, to, folded });
            }
        }
        words
    }

    /// A word folded, with the language's letters and prefixes applied.
    fn fold_word(&self, word: &str) -> String {
        let mut folded = fold(word);
        if folded.contains(|c| self.letters.iter().any(|&(l, _)| l == c)) {
            folded = folded
                .chars()
                .map(|c| match self.letters.iter().find(|&&(l, _)| l == c) {
                    Some(&(_, by)) => by.to_string(),
                    None => c.to_string(),
                })
                .collect();
        }
        for &(prefix, remaining) in self.prefixes {
            if let Some(rest) = folded.strip_prefix(prefix)
                && rest.chars().count() >= remaining
            {
                return rest.to_string();
            }
        }
        folded
    }

    /// The indexed term for a folded word.
    pub fn term(&self, folded: &str) -> String {
        match self.algorithm {
            Some(algorithm) => Stemmer::create(algorithm).stem(folded).into_owned(),
            None => folded.to_string(),
        }
    }

    /// The words of a query with their terms.
    pub fn terms(&self, text: &str) -> Vec<(Word, String)> {
        self.words(text, Purpose::Query)
            .into_iter()
            .map(|w| {
                let term = self.term(&w.folded);
                (w, term)
            })
            .collect()
    }
}

/// How a query word matched a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The word's own form, or the word as a term and one of the index's endings.
    Exact,
    /// A form one edit away.
    Typo,
}

/// Every ending some form of the index has after its term (`gardens` after `garden`: `s`),
/// the empty one included, shortest first: what [`terms_for`] may take off a word the index
/// does not have. `forms` are the index's folded forms with their terms.
pub fn endings<'a>(forms: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut found: BTreeSet<&str> = forms
        .filter_map(|(form, term)| form.strip_prefix(term))
        .collect();
    found.insert("");
    let mut endings: Vec<String> = found.into_iter().map(str::to_string).collect();
    endings.sort_by_key(|e| e.chars().count());
    endings
}

/// The terms a complete query word (`folded`) stands for, from the forms of its shard alone
/// (`shard`: every folded form of the index with the word's [`shard_key`], and its term) and
/// the index's [`endings`], so that the browser, which has no stemmer, finds the same:
///
/// 1. its own term, when the index has the form;
/// 2. else the longest term of the shard that the word is followed by an ending of the index
///    (`beach`: `beach`, the term of `beaches`; `школам`: `школ`);
/// 3. else, in words of five letters or more, the terms of the shard's forms one edit
///    (a typo) away.
///
/// `search.js`'s `termsFor` is the same rule.
pub fn terms_for<'a>(
    folded: &str,
    shard: &'a BTreeMap<String, String>,
    endings: &[String],
) -> Vec<(&'a str, Match)> {
    if let Some(term) = shard.get(folded) {
        return vec![(term.as_str(), Match::Exact)];
    }
    let terms: HashSet<&str> = shard.values().map(String::as_str).collect();
    for ending in endings {
        if let Some(stem) = folded.strip_suffix(ending.as_str())
            && let Some(&term) = terms.get(stem)
        {
            return vec![(term, Match::Exact)];
        }
    }
    let typed: Vec<char> = folded.chars().collect();
    if typed.len() < 5 {
        return Vec::new();
    }
    let mut found: Vec<(&str, Match)> = Vec::new();
    for (form, term) in shard {
        let form: Vec<char> = form.chars().collect();
        if within_one_edit(&typed, &form) && !found.iter().any(|(t, _)| t == term) {
            found.push((term, Match::Typo));
        }
    }
    found
}

/// Whether `b` is `a` with at most one letter added, taken away, changed, or two neighbours
/// swapped.
fn within_one_edit(a: &[char], b: &[char]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        if a.len() > b.len() {
            i += 1;
        } else if a.len() < b.len() {
            j += 1;
        } else if i + 1 < a.len() && a[i + 1] == b[j] && a[i] == b[j + 1] {
            i += 2;
            j += 2;
        } else {
            i += 1;
            j += 1;
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// The analyzer as a tantivy tokenizer, for the index: each word's term. Each copy (tantivy
/// makes one per field and thread) remembers the terms of the words it has seen, so each
/// distinct word is stemmed once.
#[derive(Clone)]
pub struct KbTokenizer {
    analyzer: Analyzer,
    terms: HashMap<String, String>,
}

impl KbTokenizer {
    pub fn new(analyzer: Analyzer) -> KbTokenizer {
        KbTokenizer {
            analyzer,
            terms: HashMap::new(),
        }
    }
}

pub struct KbTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for KbTokenizer {
    type TokenStream<'a> = KbTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KbTokenStream {
        let analyzer = self.analyzer;
        let tokens = analyzer
            .words(text, Purpose::Index)
            .into_iter()
            .enumerate()
            .map(|(position, word)| Token {
                offset_from: word.from,
                offset_to: word.to,
                position,
                text: self
                    .terms
                    .entry(word.folded)
                    .or_insert_with_key(|folded| analyzer.term(folded))
                    .clone(),
                position_length: 1,
            })
            .collect();
        KbTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for KbTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold("École"), "ecole");
        assert_eq!(fold("DÉCHETS"), "dechets");
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("niño"), "nino");
    }

    fn folded(lang: &str, text: &str, purpose: Purpose) -> Vec<String> {
        Analyzer::for_language(lang)
            .words(text, purpose)
            .into_iter()
            .map(|w| w.folded)
            .collect()
    }

    #[test]
    fn elision_is_split_and_offsets_point_into_the_text() {
        let text = "L’école d'été";
        let found: Vec<(String, &str)> = words(text)
            .into_iter()
            .map(|w| (w.folded.clone(), &text[w.from..w.to]))
            .collect();
        assert_eq!(
            found,
            vec![
                ("l".into(), "L"),
                ("ecole".into(), "école"),
                ("d".into(), "d"),
                ("ete".into(), "été")
            ]
        );
    }

    #[test]
    fn stems_agree_with_and_without_accents() {
        let fr = Analyzer::for_language("fr");
        assert_eq!(fr.term(&fold("écoles")), fr.term(&fold("école")));
        assert_eq!(fr.term("ecoles"), fr.term(&fold("École")));
        let es = Analyzer::for_language("es");
        assert_eq!(es.term(&fold("prácticas")), es.term("practica"));
        assert_eq!(Analyzer::for_language("sw").term("shule"), "shule");
        let pt_br = Analyzer::for_language("pt-BR");
        assert_eq!(
            pt_br.term("escolas"),
            Analyzer::for_language("pt").term("escolas")
        );
        assert_ne!(pt_br.term("escolas"), "escolas");
    }

    #[test]
    fn text_without_spaces_is_cut_into_characters_and_pairs() {
        assert_eq!(
            folded("ja", "省エネ", Purpose::Index),
            ["省", "省エ", "エ", "エネ", "ネ"]
        );
        // The prolonged sound mark belongs to kana; kana keep their voicing marks.
        assert_eq!(folded("ja", "ルギー", Purpose::Query), ["ルギ", "ギー"]);
        assert_eq!(folded("zh-Hant", "水", Purpose::Query), ["水"]);
        assert_eq!(
            folded("ja", "UNESCOスクール", Purpose::Query),
            ["unesco", "スク", "クー", "ール"]
        );
        let text = "学校と水";
        let offsets: Vec<&str> = words(text).iter().map(|w| &text[w.from..w.to]).collect();
        assert_eq!(offsets, ["学校", "校と", "と水"]);
        assert_eq!(shard_key("水资"), "水");
        assert_eq!(shard_key("water"), "wa");
    }

    #[test]
    fn the_arabic_article_and_its_prepositions_come_off() {
        for (word, expected) in [
            ("التراث", "تراث"),
            ("بالتراث", "تراث"),
            ("والتراث", "تراث"),
            ("للتراث", "تراث"),
            ("تراث", "تراث"),
            ("المَدْرَسَة", "مدرسه"),
            ("الأم", "ام"),
            ("بالغ", "بالغ"),
            ("والد", "والد"),
            ("ـ", ""),
        ] {
            assert_eq!(
                Analyzer::for_language("ar").fold_word(word),
                expected,
                "{word}"
            );
        }
        assert_eq!(Analyzer::for_language("fa").fold_word("الف"), "الف");
    }

    #[test]
    fn a_word_the_index_lacks_finds_its_term_by_an_ending_or_one_typo() {
        let shard: BTreeMap<String, String> = [("beaches", "beach"), ("beachy", "beachi")]
            .iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect();
        let endings = endings(shard.iter().map(|(f, t)| (f.as_str(), t.as_str())));
        assert_eq!(endings, ["", "es"]);
        assert_eq!(
            terms_for("beaches", &shard, &endings),
            [("beach", Match::Exact)]
        );
        assert_eq!(
            terms_for("beach", &shard, &endings),
            [("beach", Match::Exact)]
        );
        assert_eq!(
            terms_for("beachy", &shard, &endings),
            [("beachi", Match::Exact)]
        );
        assert_eq!(
            terms_for("beachs", &shard, &endings),
            [("beach", Match::Typo), ("beachi", Match::Typo)]
        );
        assert!(terms_for("bea", &shard, &endings).is_empty());
        assert!(within_one_edit(&['a', 'b'], &['b', 'a']));
        assert!(!within_one_edit(&['a', 'b', 'c'], &['c', 'b', 'a']));
    }
}
