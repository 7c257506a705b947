//! Native view: the richest bundle. `native/corpus.jsonl` (documents with kind, author, time,
//! access list, source files and text hash), `native/questions.jsonl` (typed answers, reference,
//! as-of, actor, difficulty, evidence), `native/evidence.jsonl` (one row per gold document).

use serde::Serialize;

use super::{Bundle, ViewFile, jsonl};
use crate::corpus::{Document, text_sha256};
use crate::error::DatasetError;
use crate::question::Role;

#[derive(Serialize)]
struct CorpusRow<'a> {
    #[serde(flatten)]
    document: &'a Document,
    sha256: String,
}

#[derive(Serialize)]
struct EvidenceRow<'a> {
    question_id: &'a str,
    doc_id: &'a str,
    role: Role,
    grade: u8,
    hop: Option<u32>,
}

/// The native files.
pub fn files(bundle: &Bundle) -> Result<Vec<ViewFile>, DatasetError> {
    let corpus = jsonl(
        bundle.corpus.documents.iter().map(|document| CorpusRow {
            document,
            sha256: text_sha256(&document.text),
        }),
        "native corpus",
    )?;
    let questions = jsonl(bundle.questions.iter(), "native questions")?;
    let evidence = jsonl(
        bundle.questions.iter().flat_map(|q| {
            q.evidence.iter().map(move |e| EvidenceRow {
                question_id: &q.id,
                doc_id: &e.doc_id,
                role: e.role,
                grade: e.grade,
                hop: e.hop,
            })
        }),
        "native evidence",
    )?;
    Ok(vec![
        ("native/corpus.jsonl".to_string(), corpus),
        ("native/questions.jsonl".to_string(), questions),
        ("native/evidence.jsonl".to_string(), evidence),
    ])
}
