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
//! - `c/<cc>.jsz` and `g/<target>.jsz`, the documents of a country and of an SDG target, with
//!   their masks (`[[docs…], [masks…]]`), for the country and SDG filters, also without a
//!   query.
//!
//! Scores are BM25 (k1 1.2, b 0.75) with title matches weighted `TITLE_WEIGHT` times,
//! kept to two significant digits (ties among near-equals cost nothing; exact values would
//! not compress). The mask packs the other filters, in the orders the manifest lists:
//! the kind's index in bits 0–2, regions as bits 3–7, levels 8–12, thematic areas from 13
//! (at most 18, so masks stay small numbers and 32-bit safe in the browser).

use super::SearchDoc;
use super::analysis::{self, Analyzer, Purpose, Rules, shard_key};
use crate::output::{Contents, OutputFile};
use crate::parse::LEVELS;
use crate::regions::REGIONS;
use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
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
/// Results shown at a time on the search page.
pub const PAGE: usize = 10;
const MAX_POSTINGS: usize = 1000;
const TITLE_WEIGHT: f64 = 3.0;
/// The text a record carries: enough for an excerpt around a match in a page's first lines.
const EXCERPT_CHARS: usize = 300;

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
    /// The SDG targets of the site's practices, each with its file.
    pub sdg: Vec<String>,
    /// How `search.js` must cut, fold and look up words to agree with the index.
    pub analysis: Analysis,
}

/// What the search page needs to analyse a query as the index was analysed: the language's
/// word rules, the endings of its forms ([`analysis::endings`]) and the shards that exist (so
/// it asks for no other).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Analysis {
    pub rules: Option<Rules>,
    pub endings: Vec<String>,
    pub shards: Vec<String>,
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
/// Its text `e` is the start of the summary and body, long enough for the search page to
/// show a window around the first matched word (see `excerptAround` in search.js).
fn record<'a>(doc: &'a SearchDoc, root: &str) -> Record<'a> {
    let text = match (doc.summary.is_empty(), doc.body.is_empty()) {
        (true, _) => excerpt(&doc.body),
        (false, true) => excerpt(&doc.summary),
        (false, false) => excerpt(&format!("{} {}", doc.summary, doc.body)),
    };
    Record {
        t: &doc.title,
        u: doc.url.strip_prefix(root).unwrap_or(&doc.url),
        k: doc.kind,
        l: &doc.content_lang,
        e: text,
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

/// The list files a document is in: its countries' (`c/ke`) and its SDG targets' (`g/4.7`).
fn list_keys(doc: &SearchDoc) -> Vec<String> {
    let countries = doc.countries.iter().map(|c| format!("c/{c}"));
    let targets = doc.sdg_targets.iter().map(|t| format!("g/{t}"));
    countries.chain(targets).collect()
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
    // The JSON is made whole first and compressed in one go: serde_json writes it in small
    // pieces, which the encoder would take one call at a time (twice the CPU, measured).
    let json = serde_json::to_vec(value).unwrap_or_default();
    let mut encoder = GzEncoder::new(Vec::with_capacity(json.len() / 3), Compression::new(3));
    // Writing to memory cannot fail, and these values always serialize.
    let _ = encoder.write_all(&json);
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

/// A document's words: term → (occurrences in the title, elsewhere), and its length in words
/// (title, elsewhere). `stem` maps a folded word to its term.
fn analyse(
    analyzer: &Analyzer,
    doc: &SearchDoc,
    mut stem: impl FnMut(String) -> String,
) -> (HashMap<String, (u32, u32)>, (u32, u32)) {
    let mut terms: HashMap<String, (u32, u32)> = HashMap::new();
    let mut length = (0, 0);
    for (folded, (in_title, elsewhere)) in fold_words(analyzer, doc) {
        let count = terms.entry(stem(folded)).or_default();
        count.0 += in_title;
        count.1 += elsewhere;
        length.0 += in_title;
        length.1 += elsewhere;
    }
    (terms, length)
}

/// A document's folded words with their counts in the title and elsewhere (the summary, tags,
/// country names and body).
fn fold_words(analyzer: &Analyzer, doc: &SearchDoc) -> HashMap<String, (u32, u32)> {
    let other = format!(
        "{} {} {} {}",
        doc.summary,
        doc.tags.join(" "),
        doc.places.join(" "),
        doc.body
    );
    let mut found: HashMap<String, (u32, u32)> = HashMap::new();
    for (text, in_title) in [(&doc.title, true), (&other, false)] {
        for word in analyzer.words(text, Purpose::Index) {
            let count = found.entry(word.folded).or_default();
            if in_title {
                count.0 += 1;
            } else {
                count.1 += 1;
            }
        }
    }
    found
}

/// A term's occurrences in one document: `(doc, in the title, elsewhere)`. Counts stop at
/// `u16::MAX` (BM25 has long stopped telling them apart), so that the index of a large site
/// takes 8 bytes per word of each document.
type Occurrences = (u32, u16, u16);

/// A posting: `(doc, score kept to two significant digits)`.
type Posting = (u32, u32);

/// A count of occurrences as [`Occurrences`] keeps it.
fn saturated(count: u32) -> u16 {
    u16::try_from(count).unwrap_or(u16::MAX)
}

/// Documents analysed at a time, in parallel, before their words are merged in.
const ANALYSIS_BATCH: usize = 256;

/// The browser index of one language, and what it was made from: `serve` keeps it, so that
/// an edit re-exports only the files holding the edited page's words (see
/// [`LanguageIndex::replace`]). The corpus' average lengths stay those of the first export
/// until the next full one, and so do the manifest's analysis data (the endings and the shards
/// the search page knows): a word new to the index is found once the index is whole again.
pub struct LanguageIndex {
    analyzer: Analyzer,
    /// The language's root folder (`/aspnet/fr/`), to which records' URLs are relative.
    root: String,
    /// The base URL's path (`/aspnet/`).
    base_path: String,
    /// The files' folder, site-absolute (`/aspnet/fr/search/<hash>/`) and in the output.
    dir: String,
    relative_dir: String,
    themes: Vec<String>,
    /// Each document's key and URL, by document number.
    documents: Vec<(String, String)>,
    numbers: HashMap<String, usize>,
    lengths: Vec<(u32, u32)>,
    average: (f64, f64),
    /// term → `(doc, in title, elsewhere)`, in document order.
    tf: HashMap<String, Vec<Occurrences>>,
    /// term → its best postings, in document order.
    postings: HashMap<String, Vec<Posting>>,
    /// Every folded surface form → its term.
    surfaces: HashMap<String, String>,
    masks: Vec<u64>,
    records: Vec<Box<RawValue>>,
    /// Each document's list files (`c/ke`, `g/4.7`): its countries and SDG targets.
    doc_lists: Vec<Vec<String>>,
    by_list: BTreeMap<String, Vec<usize>>,
    /// The analysis data of the manifest, as of the last whole export.
    analysis: Analysis,
}

impl LanguageIndex {
    /// Builds the browser index of one language and returns its files (paths relative to the
    /// output). `search_path` is the search page's site-absolute path (`/en/search/`),
    /// `base_path` the base URL's path (`/aspnet/`).
    pub fn export(
        lang: &str,
        docs: &[SearchDoc],
        themes: &[String],
        search_path: &str,
        base_path: &str,
    ) -> (LanguageIndex, Vec<OutputFile>) {
        let mut index = LanguageIndex::new(lang, themes, base_path);
        index.add(docs);
        index.finish(search_path)
    }

    /// An empty index of one language: documents are [`add`](Self::add)ed in batches, which
    /// need not be kept, and [`finish`](Self::finish) makes the files.
    pub fn new(lang: &str, themes: &[String], base_path: &str) -> LanguageIndex {
        LanguageIndex {
            analyzer: Analyzer::for_language(lang),
            root: format!("{base_path}{lang}/"),
            base_path: base_path.to_string(),
            dir: String::new(),
            relative_dir: String::new(),
            themes: themes.to_vec(),
            documents: Vec::new(),
            numbers: HashMap::new(),
            lengths: Vec::new(),
            average: (1.0, 1.0),
            tf: HashMap::new(),
            postings: HashMap::new(),
            surfaces: HashMap::new(),
            masks: Vec::new(),
            records: Vec::new(),
            doc_lists: Vec::new(),
            by_list: BTreeMap::new(),
            analysis: Analysis::default(),
        }
    }

    /// Adds `docs`, numbered after those added before: their records, masks and lists, and
    /// their words counted in.
    pub fn add(&mut self, docs: &[SearchDoc]) {
        let first = self.documents.len();
        for (i, doc) in docs.iter().enumerate() {
            self.documents.push((doc.key.clone(), doc.url.clone()));
            self.numbers.insert(doc.key.clone(), first + i);
            self.lengths.push((0, 0));
            self.masks.push(mask(doc, &self.themes));
            self.records.push(self.record(doc));
            let lists = list_keys(doc);
            for list in &lists {
                self.by_list
                    .entry(list.clone())
                    .or_default()
                    .push(first + i);
            }
            self.doc_lists.push(lists);
        }
        self.analyse(first, docs);
    }

    /// Scores the documents added and makes the index's files, in a folder under
    /// `search_path` named by their contents.
    pub fn finish(mut self, search_path: &str) -> (LanguageIndex, Vec<OutputFile>) {
        self.score_all();
        self.analysis = self.analysis_data();
        let files = self.all_files();
        self.name_folder(&files, search_path);
        let files = self.outputs(files);
        (self, files)
    }

    /// The words of `docs`, numbered from `first`, counted into the term frequencies and
    /// lengths, in batches: segmenting and folding in parallel, each distinct word stemmed once.
    fn analyse(&mut self, first: usize, docs: &[SearchDoc]) {
        for (batch, batch_docs) in docs.chunks(ANALYSIS_BATCH).enumerate() {
            let analyzer = &self.analyzer;
            let folded: Vec<HashMap<String, (u32, u32)>> = batch_docs
                .par_iter()
                .map(|doc| fold_words(analyzer, doc))
                .collect();
            for (offset, found) in folded.into_iter().enumerate() {
                let doc = first + batch * ANALYSIS_BATCH + offset;
                for (word, (in_title, elsewhere)) in found {
                    let term = self.stem(word);
                    let list = self.tf.entry(term).or_default();
                    match list.last_mut() {
                        Some(last) if last.0 == doc as u32 => {
                            last.1 = last.1.saturating_add(saturated(in_title));
                            last.2 = last.2.saturating_add(saturated(elsewhere));
                        }
                        _ => list.push((doc as u32, saturated(in_title), saturated(elsewhere))),
                    }
                    self.lengths[doc].0 += in_title;
                    self.lengths[doc].1 += elsewhere;
                }
            }
        }
    }

    /// The corpus' average lengths, and every term's best postings.
    fn score_all(&mut self) {
        let n = self.documents.len().max(1) as f64;
        let average = |pick: fn(&(u32, u32)) -> u32| {
            (self.lengths.iter().map(pick).sum::<u32>() as f64 / n).max(1.0)
        };
        self.average = (average(|l| l.0), average(|l| l.1));
        self.postings = self
            .tf
            .par_iter()
            .map(|(term, by_doc)| (term.clone(), self.best_postings(by_doc)))
            .collect();
    }

    /// Every file of the index, by path within its folder: the shards, the records chunks
    /// and the list files.
    fn all_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = self
            .shards(|_| true)
            .par_iter()
            .map(|(key, words)| self.shard_file(key, words))
            .collect();
        files.par_extend(
            (0..self.records.len().div_ceil(CHUNK))
                .into_par_iter()
                .map(|i| self.chunk_file(i)),
        );
        files.extend(self.by_list.keys().map(|c| self.list_file(c)));
        files
    }

    /// The index's vocabulary: every folded form whose term has postings, with its term, in
    /// no order. `aspnet-kb search` looks query words up in it, as the search page does in
    /// the shards.
    pub fn vocabulary(&self) -> impl Iterator<Item = (&str, &str)> {
        (self.surfaces.iter())
            .filter(|(_, term)| self.postings.contains_key(term.as_str()))
            .map(|(form, term)| (form.as_str(), term.as_str()))
    }

    /// The manifest's analysis data: the language's rules, the endings of the forms of the
    /// vocabulary and its shards' keys.
    fn analysis_data(&self) -> Analysis {
        let shards: BTreeSet<String> = self.vocabulary().map(|(form, _)| shard_key(form)).collect();
        Analysis {
            rules: Some(self.analyzer.rules()),
            endings: analysis::endings(self.vocabulary()),
            shards: shards.into_iter().collect(),
        }
    }

    /// Names the index's folder under `search_path` by a hash of everything in it, so every
    /// file can be cached forever.
    fn name_folder(&mut self, files: &[(String, Vec<u8>)], search_path: &str) {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for (path, bytes) in files {
            path.hash(&mut hasher);
            bytes.hash(&mut hasher);
        }
        self.relative_dir = format!(
            "{}{:016x}/",
            search_path.trim_start_matches('/'),
            hasher.finish()
        );
        self.dir = format!("{}{}", self.base_path, self.relative_dir);
    }

    /// Whether the index has a document of `key`.
    pub fn has(&self, key: &str) -> bool {
        self.numbers.contains_key(key)
    }

    /// What the search page needs to find the index.
    pub fn manifest(&self) -> Manifest {
        Manifest {
            dir: self.dir.clone(),
            root: self.root.clone(),
            chunk: CHUNK,
            page: PAGE,
            docs: self.documents.len(),
            themes: self.themes.clone(),
            levels: LEVELS.iter().map(|s| s.to_string()).collect(),
            regions: REGIONS.iter().map(|s| s.to_string()).collect(),
            kinds: KINDS.iter().map(|s| s.to_string()).collect(),
            countries: self.listed("c/"),
            sdg: self.listed("g/"),
            analysis: self.analysis.clone(),
        }
    }

    /// Puts `doc` in place of the document of the same key and returns the files that
    /// changed: the shards of the words whose postings changed (all the words it had and has
    /// when its record or filters changed, with its records chunk and list files), the list
    /// files it left or joined. `None` when the index has no document of that key at that URL,
    /// or it would add or empty a list file (a country's, a target's): then only a new export
    /// will do.
    pub fn replace(&mut self, doc: &SearchDoc) -> Option<Vec<OutputFile>> {
        let i = *self.numbers.get(&doc.key)?;
        if self.documents[i].1 != doc.url || !self.keeps_list_files(i, doc) {
            return None;
        }
        let (touched, learning) = self.reanalyse(i, doc);
        // Scores keep two digits: most of the words' postings come out as they were.
        let changed_terms = self.rescore(&touched);
        let shown_differently = self.show(i, doc);
        let mut lists = self.move_lists(i, doc);
        let remade: HashSet<&String> = if shown_differently {
            touched.iter().collect()
        } else {
            changed_terms.into_iter().collect()
        };
        let mut files = self.shard_files_of(&remade, learning);
        if shown_differently {
            files.push(self.chunk_file(i / CHUNK));
            // The list files hold its mask.
            lists.extend(self.doc_lists[i].iter().cloned());
            lists.sort_unstable();
            lists.dedup();
        }
        files.extend(lists.iter().map(|c| self.list_file(c)));
        Some(self.outputs(files))
    }

    /// Whether document `i` as `doc` keeps every list file: none added, none emptied.
    fn keeps_list_files(&self, i: usize, doc: &SearchDoc) -> bool {
        let lists = list_keys(doc);
        lists.iter().all(|c| self.by_list.contains_key(c))
            && self.doc_lists[i]
                .iter()
                .all(|c| lists.contains(c) || self.by_list.get(c).is_some_and(|l| l.len() > 1))
    }

    /// The values of the list files whose keys start with `prefix` (`c/`: the countries).
    fn listed(&self, prefix: &str) -> Vec<String> {
        let keys = self.by_list.keys();
        keys.filter_map(|k| k.strip_prefix(prefix).map(str::to_string))
            .collect()
    }

    /// Document `i`'s words taken out of the term frequencies and `doc`'s put in, with its
    /// lengths. Returns the terms it had or has, sorted, and the keys of the shards that learn
    /// a word form (of a term whose postings may not change).
    fn reanalyse(&mut self, i: usize, doc: &SearchDoc) -> (Vec<String>, Vec<String>) {
        // The words it had, found in the postings; those it has now.
        let had: Vec<String> = self
            .tf
            .iter()
            .filter(|(_, list)| list.binary_search_by_key(&(i as u32), |p| p.0).is_ok())
            .map(|(term, _)| term.clone())
            .collect();
        for term in &had {
            if let Some(list) = self.tf.get_mut(term) {
                list.retain(|p| p.0 != i as u32);
            }
        }
        let mut learning = Vec::new();
        let analyzer = self.analyzer;
        let (terms, length) = analyse(&analyzer, doc, |word| {
            if !self.surfaces.contains_key(&word) {
                learning.push(shard_key(&word));
            }
            self.stem(word)
        });
        self.lengths[i] = length;
        for (term, (in_title, elsewhere)) in &terms {
            let list = self.tf.entry(term.clone()).or_default();
            let at = list.partition_point(|p| p.0 < i as u32);
            list.insert(at, (i as u32, saturated(*in_title), saturated(*elsewhere)));
        }
        let mut touched: Vec<String> = had;
        touched.extend(terms.into_keys());
        touched.sort_unstable();
        touched.dedup();
        (touched, learning)
    }

    /// The best postings of `terms` computed again (a term no document has any more is
    /// dropped); returns those whose postings changed.
    fn rescore<'t>(&mut self, terms: &'t [String]) -> Vec<&'t String> {
        let mut changed_terms = Vec::new();
        for term in terms {
            let best = match self.tf.get(term).filter(|list| !list.is_empty()) {
                Some(list) => Some(self.best_postings(list)),
                None => {
                    self.tf.remove(term);
                    None
                }
            };
            if self.postings.get(term) != best.as_ref() {
                changed_terms.push(term);
            }
            match best {
                Some(best) => self.postings.insert(term.clone(), best),
                None => self.postings.remove(term),
            };
        }
        changed_terms
    }

    /// Document `i`'s mask and record made from `doc`; whether either changed.
    fn show(&mut self, i: usize, doc: &SearchDoc) -> bool {
        let (mask, record) = (mask(doc, &self.themes), self.record(doc));
        let shown_differently = self.masks[i] != mask || self.records[i].get() != record.get();
        self.masks[i] = mask;
        self.records[i] = record;
        shown_differently
    }

    /// Document `i` moved to `doc`'s list files; returns the lists that changed (those it
    /// had and has, sorted), none when its lists stay the same.
    fn move_lists(&mut self, i: usize, doc: &SearchDoc) -> Vec<String> {
        let lists = list_keys(doc);
        if self.doc_lists[i] == lists {
            return Vec::new();
        }
        for c in &self.doc_lists[i] {
            if let Some(list) = self.by_list.get_mut(c) {
                list.retain(|&d| d != i);
            }
        }
        for c in &lists {
            if let Some(list) = self.by_list.get_mut(c) {
                let at = list.partition_point(|&d| d < i);
                list.insert(at, i);
            }
        }
        let mut changed = std::mem::replace(&mut self.doc_lists[i], lists.clone());
        changed.extend(lists);
        changed.sort_unstable();
        changed.dedup();
        changed
    }

    /// The shards holding a form of one of the `remade` terms, and those of `learning`.
    fn shard_files_of(
        &self,
        remade: &HashSet<&String>,
        learning: Vec<String>,
    ) -> Vec<(String, Vec<u8>)> {
        let mut shard_keys: HashSet<String> = learning.into_iter().collect();
        shard_keys.extend(
            (self.surfaces.iter())
                .filter(|(_, term)| remade.contains(term))
                .map(|(surface, _)| shard_key(surface)),
        );
        self.shards(|key| shard_keys.contains(key))
            .par_iter()
            .map(|(key, words)| self.shard_file(key, words))
            .collect()
    }

    /// The term of a folded word; each distinct word is stemmed once.
    fn stem(&mut self, folded: String) -> String {
        self.surfaces
            .entry(folded)
            .or_insert_with_key(|folded| self.analyzer.term(folded))
            .clone()
    }

    /// The surface forms and their terms of the shards whose key `wanted` accepts, sorted.
    fn shards(&self, wanted: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<(&str, &str)>> {
        let mut shards: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
        for (surface, term) in &self.surfaces {
            let key = shard_key(surface);
            if wanted(&key) {
                shards.entry(key).or_default().push((surface, term));
            }
        }
        for words in shards.values_mut() {
            words.sort_unstable();
        }
        shards
    }

    /// A term's best postings (BM25, title matches weighted), in document order.
    fn best_postings(&self, by_doc: &[Occurrences]) -> Vec<Posting> {
        let n = self.documents.len().max(1) as f64;
        let df = by_doc.len() as f64;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let bm25 = |f: u16, len: u32, average: f64| {
            let f = f64::from(f);
            f * 2.2 / (f + 1.2 * (0.25 + 0.75 * len as f64 / average))
        };
        let mut list: Vec<Posting> = by_doc
            .iter()
            .map(|&(doc, t, o)| {
                let (title, other) = self.lengths[doc as usize];
                let score = idf
                    * (TITLE_WEIGHT * bm25(t, title, self.average.0)
                        + bm25(o, other, self.average.1));
                let kept = two_digits((score * 100.0).round().max(1.0) as u64);
                (doc, u32::try_from(kept).unwrap_or(u32::MAX))
            })
            .collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(MAX_POSTINGS);
        list.sort_unstable();
        list
    }

    /// The record of a document, serialized once for every shard and chunk that holds it.
    fn record(&self, doc: &SearchDoc) -> Box<RawValue> {
        serde_json::value::to_raw_value(&record(doc, &self.root))
            .expect("a record of strings serializes")
    }

    /// One shard: its surface forms' terms, their postings and best documents' records.
    fn shard_file(&self, key: &str, words: &[(&str, &str)]) -> (String, Vec<u8>) {
        let mut shard = Shard::default();
        for &(surface, term) in words {
            // A word no document has any more.
            let Some(list) = self.postings.get(term) else {
                continue;
            };
            shard.w.insert(surface, term);
            if shard.p.contains_key(term) {
                continue;
            }
            let gaps = list
                .iter()
                .scan(0, |previous, &(d, _)| {
                    Some(u64::from(d - std::mem::replace(previous, d)))
                })
                .collect();
            let scores = list.iter().map(|&(_, s)| u64::from(s)).collect();
            let doc_masks = list.iter().map(|&(d, _)| self.masks[d as usize]).collect();
            shard.p.insert(term, [gaps, scores, doc_masks]);
            let mut best = list.clone();
            best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            for &(d, _) in best.iter().take(PAGE) {
                shard.r.insert(d as usize, &self.records[d as usize]);
            }
        }
        (format!("s/{key}.jsz"), compress(&shard))
    }

    /// The records of documents `n*CHUNK ..`.
    fn chunk_file(&self, n: usize) -> (String, Vec<u8>) {
        let end = ((n + 1) * CHUNK).min(self.records.len());
        let chunk = &self.records[(n * CHUNK).min(end)..end];
        (format!("r/{n}.jsz"), compress(&chunk))
    }

    /// The documents of a list (`c/ke`: a country's; `g/4.7`: a target's) and their masks.
    fn list_file(&self, key: &str) -> (String, Vec<u8>) {
        let docs = self.by_list.get(key).map_or(&[][..], |l| l);
        let masks: Vec<u64> = docs.iter().map(|&d| self.masks[d]).collect();
        (format!("{key}.jsz"), compress(&(docs, masks)))
    }

    fn outputs(&self, files: Vec<(String, Vec<u8>)>) -> Vec<OutputFile> {
        files
            .into_iter()
            .map(|(path, bytes)| OutputFile {
                path: format!("{}{path}", self.relative_dir),
                contents: Contents::Bytes(bytes),
                source: "generated search index".into(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(key: &str, title: &str, body: &str, countries: &[&str]) -> SearchDoc {
        SearchDoc {
            key: key.into(),
            lang: "en".into(),
            content_lang: "en".into(),
            url: format!("/en/{key}/"),
            kind: "practice",
            title: title.into(),
            // Records show the summary: edits to the body leave them as they are.
            summary: "A story.".into(),
            body: body.into(),
            tags: Vec::new(),
            places: Vec::new(),
            themes: Vec::new(),
            countries: countries.iter().map(|c| c.to_string()).collect(),
            regions: Vec::new(),
            levels: Vec::new(),
            sdg_targets: Vec::new(),
        }
    }

    fn by_path(files: Vec<OutputFile>) -> BTreeMap<String, Vec<u8>> {
        let unzip = |bytes: Vec<u8>| {
            let mut json = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut json)
                .expect("gzip");
            json
        };
        let bytes = |f: OutputFile| match f.contents {
            Contents::Bytes(b) => unzip(b),
            Contents::CopyOf(_) | Contents::LinkOf(_) => Vec::new(),
        };
        files
            .into_iter()
            .map(|f| (f.path.clone(), bytes(f)))
            .collect()
    }

    #[test]
    fn a_replaced_document_changes_the_files_a_new_export_would() {
        let export =
            |docs: &[SearchDoc]| LanguageIndex::export("en", docs, &[], "/en/search/", "/");
        let before = [
            doc(
                "a",
                "Rain gardens",
                "pupils plant rain gardens at school",
                &["ke"],
            ),
            doc(
                "b",
                "Water walks",
                "a walk along the river with water tests",
                &["ke", "fr"],
            ),
            doc("c", "Peace songs", "songs of peace sung together", &["fr"]),
        ];
        // As many words as before, so the corpus' averages stay as they were.
        let edited = doc(
            "b",
            "Water walks",
            "a walk along the canal with soil tests",
            &["fr"],
        );
        let (mut index, old_files) = export(&before);
        let changed = by_path(index.replace(&edited).expect("same place"));
        let after = [before[0].clone(), edited, before[2].clone()];
        let (fresh, new_files) = export(&after);
        let old_files = by_path(old_files);
        // The same folder while serving: compare by the path within it.
        let within = |files: BTreeMap<String, Vec<u8>>, dir: &str| -> BTreeMap<String, Vec<u8>> {
            files
                .into_iter()
                .map(|(p, b)| (p.replacen(dir, "", 1), b))
                .collect()
        };
        let changed = within(changed, &index.relative_dir);
        let old_files = within(old_files, &index.relative_dir);
        let new_files = within(by_path(new_files), &fresh.relative_dir);
        assert!(changed.contains_key("s/ca.jsz") && changed.contains_key("s/ri.jsz"));
        for (path, bytes) in &new_files {
            let shown = changed.get(path).or(old_files.get(path));
            assert_eq!(
                shown.map(|b| String::from_utf8_lossy(b).into_owned()),
                Some(String::from_utf8_lossy(bytes).into_owned()),
                "{path}"
            );
        }
        assert!(!changed.contains_key("s/pe.jsz"), "untouched shards stay");
        // A new form of a word the page had: the same postings, and the shard learns it.
        let reworded = doc(
            "a",
            "Rain gardens",
            "pupils plant rain gardening at school",
            &["ke"],
        );
        let files = by_path(index.replace(&reworded).expect("same place"));
        let shard = &files[&format!("{}s/ga.jsz", index.relative_dir)];
        assert!(
            String::from_utf8_lossy(shard).contains("\"gardening\":\"garden\""),
            "{}",
            String::from_utf8_lossy(shard)
        );
        // Adding a country's first document needs a new export.
        let moved = doc(
            "b",
            "Water walks",
            "a walk along the canal with soil tests",
            &["tz"],
        );
        assert!(index.replace(&moved).is_none());
        assert!(index.replace(&doc("d", "New", "new page", &[])).is_none());
    }

    #[test]
    fn an_index_added_to_in_batches_is_the_index_of_them_all() {
        let docs: Vec<SearchDoc> = (0..300)
            .map(|i| {
                let country = ["ke", "fr", "jp"][i % 3];
                doc(
                    &format!("p{i}"),
                    &format!("Garden {i}"),
                    &"water ".repeat(i % 7 + 1),
                    &[country],
                )
            })
            .collect();
        let (whole, whole_files) = LanguageIndex::export("en", &docs, &[], "/en/search/", "/");
        let mut batched = LanguageIndex::new("en", &[], "/");
        for batch in docs.chunks(70) {
            batched.add(batch);
        }
        let (batched, batched_files) = batched.finish("/en/search/");
        assert_eq!(batched.manifest().dir, whole.manifest().dir);
        assert_eq!(by_path(batched_files), by_path(whole_files));
        assert_eq!(batched.numbers["p299"], 299);
    }

    #[test]
    fn excerpts_end_between_words() {
        assert_eq!(excerpt("Short text."), "Short text.");
        let long = "word ".repeat(100);
        let cut = excerpt(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= EXCERPT_CHARS + 1);
        let unbroken = "x".repeat(EXCERPT_CHARS * 2);
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
