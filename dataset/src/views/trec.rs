//! TREC view: `trec/qrels.txt` and `trec/qrels-absence.txt` in the four-column qrels format
//! (`query-id 0 doc-id grade`) that trec_eval, pytrec_eval and ranx read, plus
//! `trec/topics.tsv` (`query-id<TAB>text`) for retrievers.

use super::{Bundle, ViewFile};
use crate::error::DatasetError;
use crate::question::Question;

/// Main qrels path inside an export.
pub const QRELS_FILE: &str = "trec/qrels.txt";
/// Absence qrels path inside an export.
pub const ABSENCE_QRELS_FILE: &str = "trec/qrels-absence.txt";

fn qrels<'a>(questions: impl Iterator<Item = &'a Question>) -> Vec<u8> {
    let mut out = String::new();
    for question in questions {
        for evidence in &question.evidence {
            out.push_str(&format!(
                "{} 0 {} {}\n",
                question.id, evidence.doc_id, evidence.grade
            ));
        }
    }
    out.into_bytes()
}

/// The TREC files.
pub fn files(bundle: &Bundle) -> Result<Vec<ViewFile>, DatasetError> {
    let mut topics = String::new();
    for question in bundle.questions {
        topics.push_str(&format!(
            "{}\t{}\n",
            question.id,
            question.text.replace(['\t', '\n'], " ")
        ));
    }
    Ok(vec![
        (QRELS_FILE.to_string(), qrels(bundle.retrieval_questions())),
        (
            ABSENCE_QRELS_FILE.to_string(),
            qrels(bundle.absence_questions()),
        ),
        ("trec/topics.tsv".to_string(), topics.into_bytes()),
    ])
}
