//! Text analysis shared by the tantivy index and the browser index, so both agree on what a
//! word is: Unicode word segmentation (ICU4X, so languages without spaces work too), splitting
//! on apostrophes (French elision: `l'école`), lowercasing, accent folding, then a Snowball
//! stemmer where the language has one. The browser only folds; the vocabulary it downloads
//! maps folded words to stemmed terms, so it needs no stemmer.

use crate::paths::latin_spelled_out;
use icu::normalizer::DecomposingNormalizerBorrowed;
use icu::properties::{CodePointMapData, props::GeneralCategory};
use icu::segmenter::{WordSegmenter, options::WordBreakInvariantOptions};
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

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

/// The words of a text, in order.
pub fn words(text: &str) -> Vec<Word> {
    let segmenter = WordSegmenter::new_auto(WordBreakInvariantOptions::default());
    let mut words = Vec::new();
    let mut iter = segmenter.segment_str(text);
    let mut start = 0;
    while let Some(end) = iter.next() {
        if end > start && iter.is_word_like() {
            let segment = &text[start..end];
            let mut part_start = 0;
            // Apostrophes split a word; the sentinel closes the last part.
            for (i, c) in segment.char_indices().chain([(segment.len(), '\'')]) {
                if c == '\'' || c == '’' {
                    if i > part_start {
                        let (from, to) = (start + part_start, start + i);
                        words.push(Word {
                            from,
                            to,
                            folded: fold(&text[from..to]),
                        });
                    }
                    part_start = i + c.len_utf8();
                }
            }
        }
        start = end;
    }
    words
}

/// Analysis for one language: folding, then stemming where Snowball has the language.
#[derive(Clone, Copy, Debug)]
pub struct Analyzer {
    algorithm: Option<Algorithm>,
}

impl Analyzer {
    pub fn for_language(lang: &str) -> Analyzer {
        let algorithm = match lang.split('-').next().unwrap_or(lang) {
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
        Analyzer { algorithm }
    }

    /// The indexed term for a folded word.
    pub fn term(&self, folded: &str) -> String {
        match self.algorithm {
            Some(algorithm) => Stemmer::create(algorithm).stem(folded).into_owned(),
            None => folded.to_string(),
        }
    }

    /// Words of a text with their terms.
    pub fn terms(&self, text: &str) -> Vec<(Word, String)> {
        words(text)
            .into_iter()
            .map(|w| {
                let term = self.term(&w.folded);
                (w, term)
            })
            .collect()
    }
}

/// The analyzer as a tantivy tokenizer. Each copy (tantivy makes one per field and thread)
/// remembers the terms of the words it has seen, so each distinct word is stemmed once.
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
        let tokens = words(text)
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
    }

    #[test]
    fn text_without_spaces_is_segmented() {
        assert!(words("联合国教科文组织").len() > 1);
    }
}
