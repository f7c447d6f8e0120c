//! Answers a query from a language's tantivy index: every word must match (in the title,
//! summary, body or tags; title matches rank first), and filters narrow by thematic area,
//! country, region, level and kind. Which terms a word matches is decided from the index's
//! vocabulary of folded forms by [`analysis::terms_for`], as the browser decides it from its
//! shards: a form the index has, a term and an ending, or, in words of five letters or more,
//! one typo.

use super::analysis::{self, Analyzer, Match};
use super::index::{self, Fields};
use crate::diagnostic::EnvError;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Searcher, TantivyDocument, Term};

#[derive(Debug, Default, Clone)]
pub struct Filters {
    pub theme: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub level: Option<String>,
    pub kind: Option<String>,
    /// An SDG target (`4.7`).
    pub sdg: Option<String>,
}

impl Filters {
    /// Whether the filters alone name pages to list, without words: those of a country or
    /// of an SDG target (the browser has a file of each).
    pub fn lists_pages(&self) -> bool {
        self.country.is_some() || self.sdg.is_some()
    }
}

#[derive(Debug, Serialize)]
pub struct Hit {
    pub title: String,
    pub url: String,
    pub kind: String,
    /// The language of the page's text (a fallback page's is the default language).
    pub lang: String,
    pub score: f32,
    /// Part of the text around the match, with matched words between `<mark>` tags.
    pub excerpt: String,
    /// The query's words the page lacks (it has most of them), as typed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

const TITLE_BOOST: f32 = 3.0;
const SUMMARY_BOOST: f32 = 1.5;
const TAGS_BOOST: f32 = 1.5;
/// How much a one-typo match counts against an exact one.
const FUZZY_BOOST: f32 = 0.3;

/// How many results a search may ask for.
pub const LIMITS: std::ops::RangeInclusive<usize> = 1..=1000;
/// The longest query, in bytes of UTF-8: a query costs time and memory with its length.
pub const MAX_QUERY_BYTES: usize = 512;
/// The most words a query may have (as the language's analysis counts them): each is a
/// clause, with typo-tolerant alternatives, of the query tantivy answers.
pub const MAX_QUERY_WORDS: usize = 32;

/// Checks a query against the bounds ([`MAX_QUERY_BYTES`], then [`MAX_QUERY_WORDS`] as the
/// language `lang` splits it into words); the message says the bound. The length is checked
/// before any analysis, so an over-long query is turned away at once.
pub fn check_query(text: &str, lang: &str) -> Result<(), String> {
    check_query_length(text)?;
    let words = Analyzer::for_language(lang).terms(text).len();
    if words > MAX_QUERY_WORDS {
        return Err(format!(
            "the query has {words} words; a query may have at most {MAX_QUERY_WORDS} words (and {MAX_QUERY_BYTES} bytes)"
        ));
    }
    Ok(())
}

/// Checks a query's length against [`MAX_QUERY_BYTES`] without analysing it.
pub fn check_query_length(text: &str) -> Result<(), String> {
    if text.len() > MAX_QUERY_BYTES {
        return Err(format!(
            "the query is {} bytes long; a query may have at most {MAX_QUERY_BYTES} bytes and {MAX_QUERY_WORDS} words",
            text.len()
        ));
    }
    Ok(())
}

/// Checks a number of results against [`LIMITS`]; the message says the bound.
pub fn check_limit(limit: usize) -> Result<(), String> {
    if LIMITS.contains(&limit) {
        Ok(())
    } else {
        Err(format!(
            "--limit must be from {} to {}, not {limit}",
            LIMITS.start(),
            LIMITS.end()
        ))
    }
}

/// The best `limit` pages of the index in `dir` for `text`, narrowed by `filters`. The query
/// and the limit must be within bounds ([`check_query`], [`check_limit`]).
///
/// A query never ends empty when some of its words match: pages with all the words come
/// first, then pages with most of them (at least [`required_words`]), each saying which of the
/// words it lacks (`missing`). The browser's search ranks in the same classes.
pub fn search(
    dir: &Path,
    lang: &str,
    text: &str,
    filters: &Filters,
    limit: usize,
) -> Result<Vec<Hit>, EnvError> {
    check_limit(limit)
        .and_then(|()| check_query(text, lang))
        .map_err(|message| EnvError::new(dir, message))?;
    let (index, f) = index::open(dir, lang)?;
    let error = |e: tantivy::TantivyError| EnvError::new(dir.to_path_buf(), format!("search: {e}"));
    let reader = index.reader().map_err(error)?;
    let searcher = reader.searcher();
    let words = Analyzer::for_language(lang).words(text, analysis::Purpose::Query);
    if words.is_empty() && !filters.lists_pages() {
        return Ok(Vec::new());
    }
    let vocabulary = Vocabulary::new(index::vocabulary(dir)?);
    let word_queries: Vec<Option<Box<dyn Query>>> = words
        .iter()
        .map(|word| {
            let shard = vocabulary.shard(&word.folded);
            let terms = analysis::terms_for(&word.folded, &shard, &vocabulary.endings);
            (!terms.is_empty()).then(|| word_query(&f, &terms))
        })
        .collect();
    let filters = filter_clauses(&f, filters);
    let ranked = match words.is_empty() {
        true => {
            let query = BooleanQuery::new(filters);
            let top = searcher
                .search(&query, &TopDocs::with_limit(limit))
                .map_err(error)?;
            top.into_iter()
                .map(|(score, a)| (score, a, Vec::new()))
                .collect()
        }
        false => partial_matches(&searcher, &word_queries, &filters, limit).map_err(error)?,
    };
    let typed: Vec<&str> = words.iter().map(|w| &text[w.from..w.to]).collect();
    let matched: Vec<(Occur, Box<dyn Query>)> = word_queries
        .into_iter()
        .flatten()
        .map(|q| (Occur::Should, q))
        .collect();
    let mut excerpts =
        SnippetGenerator::create(&searcher, &BooleanQuery::new(matched), f.body).map_err(error)?;
    excerpts.set_max_num_chars(160);
    let mut hits = Vec::new();
    for (score, address, missing) in ranked {
        let doc: TantivyDocument = searcher.doc(address).map_err(error)?;
        let mut hit = hit(&f, &doc, score, &excerpts);
        hit.missing = missing.iter().map(|&i| typed[i].to_string()).collect();
        hits.push(hit);
    }
    Ok(hits)
}

/// How many of a query's `n` words a page must have to be listed, at most: half of them,
/// rounded up (1 of 2, 2 of 3 or 4, 3 of 5); fewer when no page has that many.
pub fn required_words(n: usize) -> usize {
    (n - n / 2).max(1)
}

/// The pages with at least [`required_words`] of the words (`None`: a word the index lacks)
/// that pass `filters`: those with more words first, then by score; each with the indexes of
/// the words it lacks.
fn partial_matches(
    searcher: &Searcher,
    words: &[Option<Box<dyn Query>>],
    filters: &[(Occur, Box<dyn Query>)],
    limit: usize,
) -> tantivy::Result<Vec<(f32, tantivy::DocAddress, Vec<usize>)>> {
    let everything = (searcher.num_docs() as usize).max(1);
    let mut found: HashMap<tantivy::DocAddress, (f32, Vec<bool>)> = HashMap::new();
    for (i, word) in words.iter().enumerate() {
        let Some(word) = word else { continue };
        let mut clauses = vec![(Occur::Must, word.box_clone())];
        clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
        let query = BooleanQuery::new(clauses);
        for (score, address) in searcher.search(&query, &TopDocs::with_limit(everything))? {
            let entry = found
                .entry(address)
                .or_insert((0.0, vec![false; words.len()]));
            entry.0 += score;
            entry.1[i] = true;
        }
    }
    // Never empty when some words match: where no page has enough of them, those with the
    // most do.
    let most = found
        .values()
        .map(|(_, has)| has.iter().filter(|h| **h).count())
        .max();
    let required = required_words(words.len()).min(most.unwrap_or(0));
    let mut ranked: Vec<(usize, f32, tantivy::DocAddress, Vec<usize>)> = found
        .into_iter()
        .map(|(address, (score, has))| {
            let missing: Vec<usize> = (0..has.len()).filter(|&i| !has[i]).collect();
            (has.len() - missing.len(), score, address, missing)
        })
        .filter(|(count, ..)| *count >= required)
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    ranked.truncate(limit);
    Ok(ranked.into_iter().map(|(_, s, a, m)| (s, a, m)).collect())
}

/// The filters as clauses every result must satisfy.
fn filter_clauses(f: &Fields, filters: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, value) in [
        (f.themes, &filters.theme),
        (f.countries, &filters.country),
        (f.regions, &filters.region),
        (f.levels, &filters.level),
        (f.kind, &filters.kind),
        (f.sdg_targets, &filters.sdg),
    ] {
        if let Some(value) = value {
            let term = Term::from_field_text(field, &value.to_lowercase());
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
    }
    clauses
}

/// A stored document as a result, its excerpt around the matched words (or its summary).
fn hit(f: &Fields, doc: &TantivyDocument, score: f32, excerpts: &SnippetGenerator) -> Hit {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let snippet = excerpts.snippet_from_doc(doc);
    let excerpt = if snippet.fragment().is_empty() {
        text(f.summary)
    } else {
        snippet
            .to_html()
            .replace("<b>", "<mark>")
            .replace("</b>", "</mark>")
    };
    Hit {
        title: text(f.title),
        url: text(f.url),
        kind: text(f.kind),
        lang: text(f.lang),
        score,
        excerpt,
        missing: Vec::new(),
    }
}

/// The index's vocabulary: every folded form with its term, and the endings
/// ([`analysis::endings`]) its forms have after their terms.
struct Vocabulary {
    forms: BTreeMap<String, String>,
    endings: Vec<String>,
}

impl Vocabulary {
    /// The vocabulary of forms with their terms, and its endings.
    fn new(forms: BTreeMap<String, String>) -> Vocabulary {
        let endings = analysis::endings(forms.iter().map(|(f, t)| (f.as_str(), t.as_str())));
        Vocabulary { forms, endings }
    }

    /// The forms of the browser's shard of a folded word ([`analysis::shard_key`]).
    fn shard(&self, folded: &str) -> BTreeMap<String, String> {
        let key = analysis::shard_key(folded);
        self.forms
            .range(key.clone()..)
            .take_while(|(form, _)| form.starts_with(&key))
            .filter(|(form, _)| analysis::shard_key(form) == key)
            .map(|(form, term)| (form.clone(), term.clone()))
            .collect()
    }
}

/// One query word: any of its `terms` in any text field, weighted by field, a typo's less.
fn word_query(f: &Fields, terms: &[(&str, Match)]) -> Box<dyn Query> {
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for &(term, matched) in terms {
        let weight = match matched {
            Match::Exact => 1.0,
            Match::Typo => FUZZY_BOOST,
        };
        for (field, boost) in [
            (f.title, TITLE_BOOST),
            (f.summary, SUMMARY_BOOST),
            (f.body, 1.0),
            (f.tags, TAGS_BOOST),
        ] {
            let exact = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            alternatives.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(exact), boost * weight)),
            ));
        }
    }
    Box::new(BooleanQuery::new(alternatives))
}
