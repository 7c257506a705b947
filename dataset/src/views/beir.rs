//! BEIR view: `beir/corpus.jsonl` (`_id`, `title`, `text`), `beir/queries.jsonl` (`_id`,
//! `text`), `beir/qrels/test.tsv` (header `query-id corpus-id score`, graded), and
//! `beir/qrels/absence.tsv` for absence questions, whose judged search spaces BEIR tools would
//! otherwise drop or mistake for relevance.

use serde::Serialize;

use super::{Bundle, ViewFile, jsonl};
use crate::error::DatasetError;
use crate::question::Question;

#[derive(Serialize)]
struct CorpusRow<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    title: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct Metadata<'a> {
    family: &'a str,
    subtype: &'a str,
}

#[derive(Serialize)]
struct QueryRow<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    text: &'a str,
    metadata: Metadata<'a>,
}

/// A BEIR qrels TSV with its header.
pub(crate) fn qrels_tsv<'a>(questions: impl Iterator<Item = &'a Question>) -> Vec<u8> {
    let mut out = String::from("query-id\tcorpus-id\tscore\n");
    for question in questions {
        for evidence in &question.evidence {
            out.push_str(&format!(
                "{}\t{}\t{}\n",
                question.id, evidence.doc_id, evidence.grade
            ));
        }
    }
    out.into_bytes()
}

/// The BEIR files.
pub fn files(bundle: &Bundle) -> Result<Vec<ViewFile>, DatasetError> {
    let corpus = jsonl(
        bundle.corpus.documents.iter().map(|d| CorpusRow {
            id: &d.id,
            title: &d.title,
            text: &d.text,
        }),
        "BEIR corpus",
    )?;
    let queries = jsonl(
        bundle.questions.iter().map(|q| QueryRow {
            id: &q.id,
            text: &q.text,
            metadata: Metadata {
                family: q.family.name(),
                subtype: &q.subtype,
            },
        }),
        "BEIR queries",
    )?;
    Ok(vec![
        ("beir/corpus.jsonl".to_string(), corpus),
        ("beir/queries.jsonl".to_string(), queries),
        (
            "beir/qrels/test.tsv".to_string(),
            qrels_tsv(bundle.retrieval_questions()),
        ),
        (
            "beir/qrels/absence.tsv".to_string(),
            qrels_tsv(bundle.absence_questions()),
        ),
    ])
}
