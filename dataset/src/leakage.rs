//! The leakage audit: a question's text must not contain its answer or a gold document's id or
//! handle, and the retrievable corpus must hold no answer-key material (event ids, the event
//! log, chains, snapshots). Any finding fails the export.

use crate::corpus::Corpus;
use crate::question::Question;
use crate::run_dir::CORPUS_FOLDERS;

/// True when `needle` occurs in `haystack` (case-insensitive) with no letter or digit on either
/// side, so that `PLAT-12` does not match inside `PLAT-120` nor `Sam` inside `Samira`.
pub fn contains_term(haystack: &str, needle: &str) -> bool {
    let needle = needle.trim().to_lowercase();
    if needle.is_empty() {
        return false;
    }
    let haystack = haystack.to_lowercase();
    let mut start = 0;
    while let Some(found) = haystack[start..].find(&needle) {
        let begin = start + found;
        let end = begin + needle.len();
        let before = haystack[..begin].chars().next_back();
        let after = haystack[end..].chars().next();
        let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if bounded(before) && bounded(after) {
            return true;
        }
        start = begin + haystack[begin..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// What is wrong with one question: its answer or a gold id in its text, unknown gold documents.
pub fn question_findings(question: &Question, corpus: &Corpus) -> Vec<String> {
    let mut findings = Vec::new();
    for giveaway in question.answer.giveaways() {
        if contains_term(&question.text, &giveaway) {
            findings.push(format!(
                "{}: question text contains its answer `{giveaway}`",
                question.id
            ));
        }
    }
    if question.evidence.is_empty() {
        findings.push(format!("{}: no gold evidence", question.id));
    }
    for evidence in &question.evidence {
        let Some(document) = corpus.get(&evidence.doc_id) else {
            findings.push(format!(
                "{}: gold document {} is not in the corpus",
                question.id, evidence.doc_id
            ));
            continue;
        };
        for key in [&document.id, &document.handle] {
            if contains_term(&question.text, key) {
                findings.push(format!(
                    "{}: question text names gold document {} (`{key}`)",
                    question.id, document.id
                ));
            }
        }
    }
    findings
}

/// What is wrong with the corpus: answer-key material in a document.
pub fn corpus_findings(corpus: &Corpus) -> Vec<String> {
    let mut findings = Vec::new();
    for document in &corpus.documents {
        for field in [&document.title, &document.text] {
            if has_event_id(field) {
                findings.push(format!(
                    "{}: contains an event id (the event log is the held-out answer key)",
                    document.id
                ));
            }
        }
        for source in &document.source {
            let top = source.split('/').next().unwrap_or_default();
            if !CORPUS_FOLDERS.contains(&top) {
                findings.push(format!(
                    "{}: rendered from `{source}`, which is not a corpus artifact",
                    document.id
                ));
            }
        }
    }
    findings
}

/// The whole audit over an export.
pub fn audit(questions: &[Question], corpus: &Corpus) -> Vec<String> {
    let mut findings = corpus_findings(corpus);
    for question in questions {
        findings.extend(question_findings(question, corpus));
    }
    findings
}

/// `EVT-` followed by six digits.
fn has_event_id(text: &str) -> bool {
    text.match_indices("EVT-").any(|(at, _)| {
        let digits = &text[at + 4..];
        digits.len() >= 6 && digits.bytes().take(6).all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_match_on_word_boundaries_only() {
        assert!(contains_term("Who filed PLAT-12?", "plat-12"));
        assert!(!contains_term("Who filed PLAT-120?", "PLAT-12"));
        assert!(!contains_term("Samira asked", "Sam"));
        assert!(contains_term("in 2026-03-04 it", "2026-03-04"));
        assert!(!contains_term("sprint 12", "2"));
        assert!(contains_term("sprint 2", "2"));
    }

    #[test]
    fn event_ids_are_found() {
        assert!(has_event_id("see EVT-000042."));
        assert!(!has_event_id("EVT-12"));
    }
}
