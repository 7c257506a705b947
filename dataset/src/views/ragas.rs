//! RAGAS view: `ragas/testset.jsonl`, one sample per question with `user_input`, `reference`,
//! `reference_contexts` (gold texts in chain order), `reference_context_ids`, `synthesizer_name`
//! (`family:subtype`) and, for perspective questions, `persona_name`.

use serde::Serialize;

use super::{Bundle, ViewFile, jsonl};
use crate::error::DatasetError;
use crate::question::{Evidence, Role};

#[derive(Serialize)]
struct Sample<'a> {
    user_input: &'a str,
    reference: String,
    reference_contexts: Vec<&'a str>,
    reference_context_ids: Vec<&'a str>,
    synthesizer_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    persona_name: Option<&'a str>,
}

/// The RAGAS files.
pub fn files(bundle: &Bundle) -> Result<Vec<ViewFile>, DatasetError> {
    let samples = bundle.questions.iter().map(|q| {
        let mut chosen: Vec<&Evidence> = q
            .evidence
            .iter()
            .filter(|e| e.role != Role::MustSearch)
            .collect();
        if chosen.is_empty() {
            chosen = q.evidence.iter().collect();
        }
        chosen.sort_by(|a, b| {
            a.hop
                .cmp(&b.hop)
                .then_with(|| b.grade.cmp(&a.grade))
                .then_with(|| a.doc_id.cmp(&b.doc_id))
        });
        let documents: Vec<_> = chosen
            .iter()
            .filter_map(|e| bundle.corpus.get(&e.doc_id))
            .collect();
        Sample {
            user_input: &q.text,
            reference: q.reference.clone(),
            reference_contexts: documents.iter().map(|d| d.text.as_str()).collect(),
            reference_context_ids: documents.iter().map(|d| d.id.as_str()).collect(),
            synthesizer_name: format!("{}:{}", q.family.name(), q.subtype),
            persona_name: q.actor.as_deref(),
        }
    });
    Ok(vec![(
        "ragas/testset.jsonl".to_string(),
        jsonl(samples, "RAGAS testset")?,
    )])
}
