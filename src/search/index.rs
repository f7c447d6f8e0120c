//! The tantivy index of one language: schema, analysis registration and writing.

use super::SearchDoc;
use super::analysis::{Analyzer, KbTokenizer};
use crate::diagnostic::EnvError;
use std::path::Path;
use std::sync::Arc;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, TantivyDocument};

/// Name of the tokenizer of the text fields: words' terms.
const TOKENIZER: &str = "aspnet_kb";
/// Name of the tokenizer of the field of forms: words' folded forms.
const FORMS_TOKENIZER: &str = "aspnet_kb_forms";

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
    /// Every folded form of the text fields, unstemmed: the vocabulary query words are
    /// looked up in ([`crate::search::analysis::terms_for`]), as the browser's shards hold it.
    pub forms: Field,
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
        forms: builder.add_text_field(
            "forms",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(FORMS_TOKENIZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
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
    let analyzer = Analyzer::for_language(lang);
    let tokenizers = index.tokenizers();
    tokenizers.register(TOKENIZER, KbTokenizer::terms(analyzer));
    tokenizers.register(FORMS_TOKENIZER, KbTokenizer::forms(analyzer));
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
            for text in [&doc.title, &doc.summary, &doc.body] {
                d.add_text(f.forms, text);
            }
            d.add_text(f.forms, doc.tags.join(" "));
            d.add_text(f.forms, doc.places.join(" "));
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

/// Opens the index of one language for searching.
pub fn open(dir: &Path, lang: &str) -> Result<(Index, Fields), EnvError> {
    let index = Index::open_in_dir(dir).map_err(|e| tantivy_error(dir, e))?;
    register(&index, lang);
    let (_, fields) = schema();
    Ok((index, fields))
}
