//! The tantivy index of one language: schema, analysis registration and writing, and beside
//! it the language's vocabulary (every folded form with its term, [`VOCABULARY`]), the one the
//! browser's shards hold, so that `aspnet-kb search` looks query words up as the search page
//! does.

use super::SearchDoc;
use super::analysis::{Analyzer, KbTokenizer};
use crate::diagnostic::EnvError;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, TantivyDocument};

/// Name of the tokenizer of the text fields: words' terms.
const TOKENIZER: &str = "aspnet_kb";

/// The vocabulary's file in an index's folder: one `form<TAB>term` line per folded form,
/// sorted. tantivy leaves files it did not make alone.
pub const VOCABULARY: &str = "vocabulary.tsv";

/// The fields of a search index.
#[derive(Clone, Copy)]
pub struct Fields {
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    pub tags: Field,
    pub url: Field,
    pub kind: Field,
    pub lang: Field,
    pub themes: Field,
    pub countries: Field,
    pub regions: Field,
    pub levels: Field,
    pub sdg_targets: Field,
}

impl Fields {
    pub fn text(&self) -> [Field; 4] {
        [self.title, self.summary, self.body, self.tags]
    }
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    let fields = Fields {
        title: builder.add_text_field("title", text.clone()),
        summary: builder.add_text_field("summary", text.clone()),
        body: builder.add_text_field("body", text.clone()),
        tags: builder.add_text_field("tags", text),
        url: builder.add_text_field("url", STRING | STORED),
        kind: builder.add_text_field("kind", STRING | STORED),
        lang: builder.add_text_field("lang", STRING | STORED),
        themes: builder.add_text_field("themes", STRING | STORED),
        countries: builder.add_text_field("countries", STRING | STORED),
        regions: builder.add_text_field("regions", STRING | STORED),
        levels: builder.add_text_field("levels", STRING | STORED),
        sdg_targets: builder.add_text_field("sdg_targets", STRING | STORED),
    };
    (builder.build(), fields)
}

fn tantivy_error(path: &Path, e: impl std::fmt::Display) -> EnvError {
    EnvError::new(path.to_path_buf(), format!("search index: {e}"))
}

fn register(index: &Index, lang: &str) {
    let tokenizer = KbTokenizer::new(Analyzer::for_language(lang));
    index.tokenizers().register(TOKENIZER, tokenizer);
}

/// Writes the index of one language's documents, as they come in batches, into `dir` (which
/// must be empty).
pub fn write(
    dir: &Path,
    lang: &str,
    batches: impl IntoIterator<Item = Arc<Vec<SearchDoc>>>,
) -> Result<(), EnvError> {
    std::fs::create_dir_all(dir).map_err(|e| tantivy_error(dir, e))?;
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema).map_err(|e| tantivy_error(dir, e))?;
    register(&index, lang);
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(1, 20_000_000)
        .map_err(|e| tantivy_error(dir, e))?;
    for batch in batches {
        for doc in batch.iter() {
            let mut d = TantivyDocument::default();
            d.add_text(f.title, &doc.title);
            d.add_text(f.summary, &doc.summary);
            d.add_text(f.body, &doc.body);
            d.add_text(f.tags, doc.tags.join(" "));
            d.add_text(f.tags, doc.places.join(" "));
            d.add_text(f.url, &doc.url);
            d.add_text(f.kind, doc.kind);
            d.add_text(f.lang, &doc.content_lang);
            for (field, values) in [
                (f.themes, &doc.themes),
                (f.countries, &doc.countries),
                (f.regions, &doc.regions),
                (f.levels, &doc.levels),
                (f.sdg_targets, &doc.sdg_targets),
            ] {
                for value in values {
                    d.add_text(field, value);
                }
            }
            writer.add_document(d).map_err(|e| tantivy_error(dir, e))?;
        }
    }
    writer.commit().map_err(|e| tantivy_error(dir, e))?;
    writer
        .wait_merging_threads()
        .map_err(|e| tantivy_error(dir, e))?;
    Ok(())
}

/// Writes the vocabulary (`forms`: folded form → term, in any order) into the index's folder
/// `dir`.
pub fn write_vocabulary<'a>(
    dir: &Path,
    forms: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<(), EnvError> {
    let mut lines: Vec<String> = forms
        .map(|(form, term)| format!("{form}\t{term}\n"))
        .collect();
    lines.sort_unstable();
    let path = dir.join(VOCABULARY);
    std::fs::write(&path, lines.concat()).map_err(|e| EnvError::io(path, e))
}

/// Reads the vocabulary of the index in `dir`: folded form → term.
pub fn vocabulary(dir: &Path) -> Result<BTreeMap<String, String>, EnvError> {
    let path = dir.join(VOCABULARY);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        EnvError::io(&path, e).with_hint("run `aspnet-kb build` to make the search index again")
    })?;
    Ok(text
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(form, term)| (form.to_string(), term.to_string()))
        .collect())
}

/// Opens the index of one language for searching.
pub fn open(dir: &Path, lang: &str) -> Result<(Index, Fields), EnvError> {
    let index = Index::open_in_dir(dir).map_err(|e| tantivy_error(dir, e))?;
    register(&index, lang);
    let (_, fields) = schema();
    Ok((index, fields))
}
