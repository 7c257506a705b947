//! `orgforge baseline`: BM25 (tantivy, in RAM) over an export's corpus, one query per question,
//! written as a TREC run file. Analysis: simple tokenizer, lower case, English stop words,
//! English stemmer; the query is every analyzed term of the question, OR-ed.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::indexer::NoMergePolicy;
use tantivy::query::BooleanQuery;
use tantivy::schema::{
    IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexWriter, TantivyDocument, Term, doc};

use crate::error::DatasetError;
use crate::export::{EXPORT_MANIFEST, write_file_atomically};

/// Documents retrieved per query (trec_eval's measures here go up to 100).
pub const DEFAULT_DEPTH: usize = 100;
/// The run tag.
pub const RUN_TAG: &str = "orgforge-bm25";
const TOKENIZER: &str = "orgforge_en";
/// Indexing memory: one segment for any corpus orgforge writes.
const WRITER_MEMORY_BYTES: usize = 64_000_000;

#[derive(Deserialize)]
struct CorpusRow {
    id: String,
    title: String,
    text: String,
}

#[derive(Deserialize)]
struct QuestionRow {
    id: String,
    text: String,
}

fn analyzer() -> Result<TextAnalyzer, DatasetError> {
    let stop_words = StopWordFilter::new(Language::English).ok_or_else(|| {
        DatasetError::Index("no English stop words in this tantivy build".to_string())
    })?;
    Ok(TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(stop_words)
        .filter(Stemmer::new(Language::English))
        .build())
}

fn rows<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, DatasetError> {
    let text = fs::read_to_string(path)
        .map_err(|e| DatasetError::bad_input(path, None, format!("cannot be read: {e}")))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|e| {
                DatasetError::bad_input(path, Some(index + 1), format!("not an export row: {e}"))
            })
        })
        .collect()
}

fn index_error(error: tantivy::TantivyError) -> DatasetError {
    DatasetError::Index(error.to_string())
}

/// The run file's text: for each question, the top `depth` documents as TREC lines, ordered the
/// way trec_eval reads them (score descending, ties by document id descending).
pub fn run_text(export_dir: &Path, depth: usize) -> Result<String, DatasetError> {
    if !export_dir.join(EXPORT_MANIFEST).is_file() {
        return Err(DatasetError::bad_input(
            export_dir,
            None,
            "not an orgforge export (no manifest.json)",
        ));
    }
    let corpus: Vec<CorpusRow> = rows(&export_dir.join("native/corpus.jsonl"))?;
    let questions: Vec<QuestionRow> = rows(&export_dir.join("native/questions.jsonl"))?;

    let mut builder = Schema::builder();
    let id_field = builder.add_text_field("id", STRING | STORED);
    let text_field = builder.add_text_field(
        "text",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        ),
    );
    let index = Index::create_in_ram(builder.build());
    let analyzer = analyzer()?;
    index.tokenizers().register(TOKENIZER, analyzer.clone());
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, WRITER_MEMORY_BYTES)
        .map_err(index_error)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    for row in &corpus {
        let text = format!("{}\n{}", row.title, row.text);
        writer
            .add_document(doc!(id_field => row.id.as_str(), text_field => text.as_str()))
            .map_err(index_error)?;
    }
    writer.commit().map_err(index_error)?;
    let reader = index.reader().map_err(index_error)?;
    let searcher = reader.searcher();

    let mut out = String::new();
    let mut analyzer = analyzer;
    for question in &questions {
        let mut terms: BTreeSet<String> = BTreeSet::new();
        let mut stream = analyzer.token_stream(&question.text);
        while stream.advance() {
            terms.insert(stream.token().text.clone());
        }
        if terms.is_empty() {
            continue;
        }
        let query = BooleanQuery::new_multiterms_query(
            terms
                .iter()
                .map(|t| Term::from_field_text(text_field, t))
                .collect(),
        );
        let hits = searcher
            .search(&query, &TopDocs::with_limit(depth.max(1)).order_by_score())
            .map_err(index_error)?;
        let mut ranked: Vec<(String, f64)> = Vec::with_capacity(hits.len());
        for (score, address) in hits {
            let document: TantivyDocument = searcher.doc(address).map_err(index_error)?;
            if let Some(id) = document.get_first(id_field).and_then(|v| v.as_str()) {
                // Six decimals: what the file holds is what trec_eval will sort.
                let rounded = (f64::from(score) * 1e6).round() / 1e6;
                ranked.push((id.to_string(), rounded));
            }
        }
        let ranked = crate::trec_eval::trec_order(&ranked);
        for (rank, (id, score)) in ranked.iter().enumerate() {
            out.push_str(&format!(
                "{} Q0 {id} {} {score:.6} {RUN_TAG}\n",
                question.id,
                rank + 1
            ));
        }
    }
    Ok(out)
}

/// Runs the baseline and writes the run file atomically.
pub fn baseline(export_dir: &Path, out: &Path, depth: usize) -> Result<usize, DatasetError> {
    let text = run_text(export_dir, depth)?;
    write_file_atomically(out, text.as_bytes())?;
    Ok(text.lines().count())
}
