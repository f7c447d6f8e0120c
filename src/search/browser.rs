//! The static browser index of one language, exported from the same analysis as tantivy so
//! the browser and `aspnet-kb search` agree. Files live under
//! `/{lang}/search/<hash>/`, the folder named by a hash of everything in it, so every file can
//! be cached forever. Each file is gzip-compressed JSON:
//!
//! - `s/<pp>.jsz`, one shard per two-letter prefix of the folded word: `w` maps every folded
//!   surface form of the corpus to its term (so the browser needs no stemmer), `p` holds each
//!   of those terms' best `MAX_POSTINGS` postings as three columns in document order —
//!   `[[doc gaps…], [scores…], [masks…]]`, the columns and the gaps compress best — and `r` the records of each term's best [`PAGE`] documents, so the first
//!   page of results of a one-word query needs this one file (also when the word being typed
//!   is expanded to the words it begins: a document in the top [`PAGE`] of the merged list is
//!   in the top [`PAGE`] of the term that brought it);
//! - `r/<n>.jsz`, the records of documents `n*CHUNK ..`, for results beyond those;
//! - `c/<cc>.jsz`, the documents of a country, for the country filter.
//!
//! Scores are BM25 (k1 1.2, b 0.75) with title matches weighted `TITLE_WEIGHT` times,
//! kept to two significant digits (ties among near-equals cost nothing; exact values would
//! not compress). The mask packs the other filters, in the orders the manifest lists:
//! the kind's index in bits 0–2, regions as bits 3–7, levels 8–12, thematic areas from 13
//! (at most 18, so masks stay small numbers and 32-bit safe in the browser).

use super::SearchDoc;
use super::analysis::{Analyzer, words};
use crate::parse::LEVELS;
use crate::regions::REGIONS;
use crate::write::{Contents, OutputFile};
use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

pub const KINDS: [&str; 6] = [
    "practice",
    "theme",
    "guide",
    "member",
    "coordinator",
    "page",
];
const CHUNK: usize = 64;
/// Results shown at a time on the search page.
pub const PAGE: usize = 10;
const MAX_POSTINGS: usize = 1000;
const TITLE_WEIGHT: f64 = 3.0;
const EXCERPT_CHARS: usize = 180;

/// What the search page needs to find the index: embedded in the page, no request needed.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub dir: String,
    /// The language's root folder, to which records' URLs are relative.
    pub root: String,
    pub chunk: usize,
    pub page: usize,
    pub docs: usize,
    pub themes: Vec<String>,
    pub levels: Vec<String>,
    pub regions: Vec<String>,
    pub kinds: Vec<String>,
    pub countries: Vec<String>,
}

/// The record shown for a result.
#[derive(Serialize)]
struct Record<'a> {
    t: &'a str,
    u: &'a str,
    k: &'a str,
    l: &'a str,
    e: String,
}

/// The record of a document; its URL relative to `root` (the language's root folder,
/// `/aspnet/fr/`) where it lies inside, as almost all do.
fn record<'a>(doc: &'a SearchDoc, root: &str) -> Record<'a> {
    let text = if doc.summary.is_empty() {
        &doc.body
    } else {
        &doc.summary
    };
    Record {
        t: &doc.title,
        u: doc.url.strip_prefix(root).unwrap_or(&doc.url),
        k: doc.kind,
        l: &doc.content_lang,
        e: excerpt(text),
    }
}

/// The start of `text`, at most [`EXCERPT_CHARS`] characters, cut between words.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text.to_string(),
        Some((end, _)) => {
            let cut = text[..end].trim_end_matches(|c: char| !c.is_whitespace());
            let cut = if cut.trim().is_empty() {
                &text[..end]
            } else {
                cut
            };
            format!("{}…", cut.trim_end())
        }
    }
}

pub const MAX_THEMES: usize = 18;

fn mask(doc: &SearchDoc, themes: &[String]) -> u64 {
    let mut bits = KINDS.iter().position(|k| *k == doc.kind).unwrap_or(0) as u64;
    let mut set = |list: &[&str], values: &[String], offset: usize| {
        for v in values {
            if let Some(i) = list.iter().position(|x| x == v).filter(|&i| i < MAX_THEMES) {
                bits |= 1 << (offset + i);
            }
        }
    };
    let theme_refs: Vec<&str> = themes.iter().map(String::as_str).collect();
    set(&REGIONS, &doc.regions, 3);
    set(&LEVELS, &doc.levels, 8);
    set(&theme_refs, &doc.themes, 13);
    bits
}

/// `value` as gzip-compressed JSON.
fn compress(value: &impl Serialize) -> Vec<u8> {
    // Level 3: on this JSON as small as level 6 (within 0.1%) for about 15% less CPU in the
    // search stage, measured on the standard corpus.
    let mut encoder = GzEncoder::new(Vec::new(), Compression::new(3));
    // Writing to memory cannot fail, and these values always serialize.
    let _ = serde_json::to_writer(&mut encoder, value);
    encoder.finish().unwrap_or_default()
}

/// One shard file: surface → term, term → postings columns, doc → record.
#[derive(Serialize, Default)]
struct Shard<'a> {
    w: BTreeMap<&'a str, &'a str>,
    p: BTreeMap<&'a str, [Vec<u64>; 3]>,
    r: BTreeMap<usize, &'a RawValue>,
}

/// `n` kept to its two leading digits: 4022 → 4000, 1104 → 1100.
fn two_digits(n: u64) -> u64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

/// The shard key of a folded word: its first two characters.
pub fn shard_key(folded: &str) -> String {
    folded.chars().take(2).collect()
}

/// Every term's occurrences: term → `(doc, in title, elsewhere)` in document order; each
/// document's length in words (title, elsewhere); every folded surface form → its term.
struct TermCounts {
    tf: HashMap<String, Vec<(u32, u32, u32)>>,
    lengths: Vec<(u32, u32)>,
    surfaces: HashMap<String, String>,
}

/// Documents analysed at a time, in parallel, before their words are merged in.
const ANALYSIS_BATCH: usize = 256;

fn count_terms(analyzer: &Analyzer, docs: &[SearchDoc]) -> TermCounts {
    let mut counts = TermCounts {
        tf: HashMap::new(),
        lengths: vec![(0, 0); docs.len()],
        surfaces: HashMap::new(),
    };
    for (batch, batch_docs) in docs.chunks(ANALYSIS_BATCH).enumerate() {
        // Segmenting and folding in parallel: each document's folded words with their counts.
        let analysed: Vec<HashMap<String, (u32, u32)>> = batch_docs
            .par_iter()
            .map(|doc| {
                let other = format!("{} {} {}", doc.summary, doc.tags.join(" "), doc.body);
                let mut found: HashMap<String, (u32, u32)> = HashMap::new();
                for (text, in_title) in [(&doc.title, true), (&other, false)] {
                    for word in words(text) {
                        let count = found.entry(word.folded).or_default();
                        if in_title {
                            count.0 += 1;
                        } else {
                            count.1 += 1;
                        }
                    }
                }
                found
            })
            .collect();
        for (offset, found) in analysed.into_iter().enumerate() {
            let i = batch * ANALYSIS_BATCH + offset;
            for (folded, (in_title, elsewhere)) in found {
                // Each distinct word is stemmed once.
                let term = counts
                    .surfaces
                    .entry(folded)
                    .or_insert_with_key(|folded| analyzer.term(folded))
                    .clone();
                let list = counts.tf.entry(term).or_default();
                match list.last_mut() {
                    Some(last) if last.0 == i as u32 => {
                        last.1 += in_title;
                        last.2 += elsewhere;
                    }
                    _ => list.push((i as u32, in_title, elsewhere)),
                }
                counts.lengths[i].0 += in_title;
                counts.lengths[i].1 += elsewhere;
            }
        }
    }
    counts
}

/// Builds the browser index of one language; returns its files (paths relative to the
/// output) and the manifest for the search page. `search_path` is the search page's
/// site-absolute path (`/en/search/`), `base_path` the base URL's path (`/aspnet/`).
pub fn export(
    lang: &str,
    docs: &[SearchDoc],
    themes: &[String],
    search_path: &str,
    base_path: &str,
) -> (Vec<OutputFile>, Manifest) {
    let n = docs.len().max(1) as f64;
    let root = format!("{base_path}{lang}/");
    let TermCounts {
        tf,
        lengths,
        surfaces,
    } = count_terms(&Analyzer::for_language(lang), docs);
    let avg = |pick: fn(&(u32, u32)) -> u32| lengths.iter().map(pick).sum::<u32>() as f64 / n;
    let (avg_title, avg_other) = (avg(|l| l.0).max(1.0), avg(|l| l.1).max(1.0));
    let bm25 = |f: u32, len: u32, avg_len: f64| {
        let f = f as f64;
        f * 2.2 / (f + 1.2 * (0.25 + 0.75 * len as f64 / avg_len))
    };
    let masks: Vec<u64> = docs.iter().map(|d| mask(d, themes)).collect();
    // term → postings, best first.
    let postings: HashMap<&str, Vec<(usize, u64)>> = tf
        .iter()
        .map(|(term, by_doc)| {
            let idf = (1.0 + (n - by_doc.len() as f64 + 0.5) / (by_doc.len() as f64 + 0.5)).ln();
            let mut list: Vec<(usize, u64)> = by_doc
                .iter()
                .map(|&(doc, t, o)| {
                    let doc = doc as usize;
                    let score = idf
                        * (TITLE_WEIGHT * bm25(t, lengths[doc].0, avg_title)
                            + bm25(o, lengths[doc].1, avg_other));
                    (doc, two_digits((score * 100.0).round().max(1.0) as u64))
                })
                .collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            list.truncate(MAX_POSTINGS);
            list.sort_unstable();
            (term.as_str(), list)
        })
        .collect();

    // Files are compressed as they are made, so only those being made are held as JSON.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut shards: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for (surface, term) in &surfaces {
        shards
            .entry(shard_key(surface))
            .or_default()
            .push((surface, term));
    }
    for words_in_shard in shards.values_mut() {
        words_in_shard.sort_unstable();
    }
    // Each record is serialized once, then copied into every shard and chunk that holds it.
    let records: Vec<Box<RawValue>> = docs
        .iter()
        .map(|d| {
            serde_json::value::to_raw_value(&record(d, &root))
                .expect("a record of strings serializes")
        })
        .collect();
    let shard_files: Vec<(String, Vec<u8>)> = shards
        .par_iter()
        .map(|(key, words_in_shard)| {
            let mut shard = Shard::default();
            for &(surface, term) in words_in_shard {
                shard.w.insert(surface, term);
                if shard.p.contains_key(term) {
                    continue;
                }
                let list = &postings[term];
                let gaps = list
                    .iter()
                    .scan(0, |previous, &(d, _)| {
                        Some((d - std::mem::replace(previous, d)) as u64)
                    })
                    .collect();
                let scores = list.iter().map(|&(_, s)| s).collect();
                let doc_masks = list.iter().map(|&(d, _)| masks[d]).collect();
                shard.p.insert(term, [gaps, scores, doc_masks]);
                let mut best = list.clone();
                best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                for &(d, _) in best.iter().take(PAGE) {
                    shard.r.insert(d, &records[d]);
                }
            }
            (format!("s/{key}.jsz"), compress(&shard))
        })
        .collect();
    files.extend(shard_files);
    files.par_extend(
        records
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(i, chunk)| (format!("r/{i}.jsz"), compress(&chunk))),
    );
    let mut by_country: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        for c in &doc.countries {
            by_country.entry(c).or_default().push(i);
        }
    }
    for (country, list) in &by_country {
        files.push((format!("c/{country}.jsz"), compress(list)));
    }
    let compressed = files;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for (path, bytes) in &compressed {
        path.hash(&mut hasher);
        bytes.hash(&mut hasher);
    }
    let relative_dir = format!(
        "{}{:016x}/",
        search_path.trim_start_matches('/'),
        hasher.finish()
    );
    let dir = format!("{base_path}{relative_dir}");
    let outputs = compressed
        .into_iter()
        .map(|(path, bytes)| OutputFile {
            path: format!("{relative_dir}{path}"),
            contents: Contents::Bytes(bytes),
        })
        .collect();
    let manifest = Manifest {
        dir,
        root,
        chunk: CHUNK,
        page: PAGE,
        docs: docs.len(),
        themes: themes.to_vec(),
        levels: LEVELS.iter().map(|s| s.to_string()).collect(),
        regions: REGIONS.iter().map(|s| s.to_string()).collect(),
        kinds: KINDS.iter().map(|s| s.to_string()).collect(),
        countries: by_country.keys().map(|s| s.to_string()).collect(),
    };
    (outputs, manifest)
}

#[cfg(test)]
mod tests {
    use super::{EXCERPT_CHARS, excerpt, two_digits};

    #[test]
    fn excerpts_end_between_words() {
        assert_eq!(excerpt("Short text."), "Short text.");
        let long = "word ".repeat(100);
        let cut = excerpt(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= EXCERPT_CHARS + 1);
        let unbroken = "x".repeat(300);
        assert_eq!(excerpt(&unbroken).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn scores_keep_two_significant_digits() {
        assert_eq!(two_digits(7), 7);
        assert_eq!(two_digits(99), 99);
        assert_eq!(two_digits(4022), 4000);
        assert_eq!(two_digits(1159), 1200);
        assert_eq!(two_digits(995), 1000);
    }
}
