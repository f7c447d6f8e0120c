//! The static browser index of one language, exported from the same analysis as tantivy so
//! the browser and `aspnet-kb search` agree. Files live under
//! `/{lang}/search/<hash>/`, the folder named by a hash of everything in it, so every file can
//! be cached forever. Each file is gzip-compressed JSON:
//!
//! - `s/<pp>.jsz`, one shard per two-letter prefix of the folded word: `w` maps every folded
//!   surface form of the corpus to its term (so the browser needs no stemmer), `p` holds each
//!   of those terms' postings as flat `[doc, score, mask, …]` triples (best first, at most
//!   [`MAX_POSTINGS`]), and `r` the records of each term's best [`TOP_RECORDS`] documents, so a
//!   one-word query needs this one file;
//! - `r/<n>.jsz`, the records of documents `n*CHUNK ..`, for results beyond those;
//! - `c/<cc>.jsz`, the documents of a country, for the country filter.
//!
//! Scores are BM25 (k1 1.2, b 0.75) with title matches weighted [`TITLE_WEIGHT`] times,
//! rounded to integers. The mask packs the other filters, in the orders the manifest lists:
//! the kind's index in bits 0–2, regions as bits 3–7, levels 8–12, thematic areas from 13
//! (at most 18, so masks stay small numbers and 32-bit safe in the browser).

use super::SearchDoc;
use super::analysis::{Analyzer, words};
use crate::parse::LEVELS;
use crate::regions::REGIONS;
use crate::write::{Contents, OutputFile};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::io::Write;

pub const KINDS: [&str; 6] = [
    "practice",
    "theme",
    "guide",
    "member",
    "coordinator",
    "page",
];
const CHUNK: usize = 64;
const TOP_RECORDS: usize = 6;
const MAX_POSTINGS: usize = 1000;
const TITLE_WEIGHT: f64 = 3.0;
const EXCERPT_CHARS: usize = 220;

/// What the search page needs to find the index: embedded in the page, no request needed.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub dir: String,
    pub chunk: usize,
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

fn record(doc: &SearchDoc) -> Record<'_> {
    let text = if doc.summary.is_empty() {
        &doc.body
    } else {
        &doc.summary
    };
    let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
    if excerpt.len() < text.len() {
        excerpt.push('…');
    }
    Record {
        t: &doc.title,
        u: &doc.url,
        k: doc.kind,
        l: &doc.content_lang,
        e: excerpt,
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

fn compress(value: &Value) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    let _ = encoder.write_all(value.to_string().as_bytes());
    encoder.finish().unwrap_or_default()
}

/// The shard key of a folded word: its first two characters.
pub fn shard_key(folded: &str) -> String {
    folded.chars().take(2).collect()
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
    let analyzer = Analyzer::for_language(lang);
    let n = docs.len().max(1) as f64;
    // term → [(doc, title tf, other tf)] in document order; doc lengths per field; surface → term.
    let mut tf: HashMap<String, Vec<(u32, u32, u32)>> = HashMap::new();
    let mut lengths = vec![(0u32, 0u32); docs.len()];
    let mut surfaces: BTreeMap<String, String> = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        let other = format!("{} {} {}", doc.summary, doc.tags.join(" "), doc.body);
        for (text, in_title) in [(&doc.title, true), (&other, false)] {
            for word in words(text) {
                // Each distinct word is stemmed once.
                let term = match surfaces.get(&word.folded) {
                    Some(term) => term.clone(),
                    None => {
                        let term = analyzer.term(&word.folded);
                        surfaces.insert(word.folded.clone(), term.clone());
                        term
                    }
                };
                let list = tf.entry(term).or_default();
                if list.last().is_none_or(|last| last.0 != i as u32) {
                    list.push((i as u32, 0, 0));
                }
                if let Some(entry) = list.last_mut() {
                    if in_title {
                        entry.1 += 1;
                        lengths[i].0 += 1;
                    } else {
                        entry.2 += 1;
                        lengths[i].1 += 1;
                    }
                }
            }
        }
    }
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
                    (doc, (score * 100.0).round().max(1.0) as u64)
                })
                .collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            list.truncate(MAX_POSTINGS);
            (term.as_str(), list)
        })
        .collect();

    // Each file is compressed as soon as it is made, so only one is ever held as JSON.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut shards: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for (surface, term) in &surfaces {
        shards
            .entry(shard_key(surface))
            .or_default()
            .push((surface, term));
    }
    for (key, words_in_shard) in &shards {
        let mut w = serde_json::Map::new();
        let mut p = serde_json::Map::new();
        let mut r = serde_json::Map::new();
        for (surface, term) in words_in_shard {
            w.insert(surface.to_string(), json!(term));
            if p.contains_key(*term) {
                continue;
            }
            let list = &postings[term];
            let flat: Vec<u64> = list
                .iter()
                .flat_map(|&(d, s)| [d as u64, s, masks[d]])
                .collect();
            p.insert(term.to_string(), json!(flat));
            for &(d, _) in list.iter().take(TOP_RECORDS) {
                r.entry(d.to_string())
                    .or_insert_with(|| json!(record(&docs[d])));
            }
        }
        files.push((
            format!("s/{key}.jsz"),
            compress(&json!({"w": w, "p": p, "r": r})),
        ));
    }
    for (i, chunk) in docs.chunks(CHUNK).enumerate() {
        let records: Vec<Record> = chunk.iter().map(record).collect();
        files.push((format!("r/{i}.jsz"), compress(&json!(records))));
    }
    let mut by_country: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        for c in &doc.countries {
            by_country.entry(c).or_default().push(i);
        }
    }
    for (country, list) in &by_country {
        files.push((format!("c/{country}.jsz"), compress(&json!(list))));
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
        chunk: CHUNK,
        docs: docs.len(),
        themes: themes.to_vec(),
        levels: LEVELS.iter().map(|s| s.to_string()).collect(),
        regions: REGIONS.iter().map(|s| s.to_string()).collect(),
        kinds: KINDS.iter().map(|s| s.to_string()).collect(),
        countries: by_country.keys().map(|s| s.to_string()).collect(),
    };
    (outputs, manifest)
}
