//! Question generation: one module per family, each turning the indexed event log into drafts;
//! this module measures difficulty, drops drafts that would leak, caps each subtype with a
//! seed-free deterministic pick, and orders the result.

mod absence;
mod aggregation;
mod causal;
mod escalation;
mod knowledge_gap;
mod lookup;
mod ownership;
mod perspective;
mod recurrence;
mod temporal;

use std::collections::{BTreeMap, BTreeSet};

use orgforge_engine::log::sha256_hex;

use crate::corpus::Document;
use crate::facts::Facts;
use crate::leakage;
use crate::question::{Answer, Difficulty, Evidence, Family, Question, Role};

/// Most questions kept per (family, subtype): enough for stable per-family means, few enough
/// that no single template dominates.
pub const MAX_PER_SUBTYPE: usize = 12;

/// A question before its difficulty is measured.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub family: Family,
    pub subtype: &'static str,
    /// Key unique within the subtype, made of artifact ids.
    pub key: String,
    pub text: String,
    pub answer: Answer,
    pub reference: String,
    pub as_of_day: u32,
    /// As-of time; the end of `as_of_day` when absent.
    pub as_of: Option<String>,
    pub actor: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// One gold document.
pub(crate) fn evidence(document: &Document, role: Role, hop: Option<u32>) -> Evidence {
    Evidence {
        doc_id: document.id.clone(),
        role,
        grade: role.grade(),
        hop,
    }
}

/// Every question the run supports, in family order then id order.
pub fn generate(facts: &Facts) -> Vec<Question> {
    let mut drafts: Vec<Draft> = Vec::new();
    drafts.extend(lookup::drafts(facts));
    drafts.extend(temporal::drafts(facts));
    drafts.extend(causal::drafts(facts));
    drafts.extend(escalation::drafts(facts));
    drafts.extend(ownership::drafts(facts));
    drafts.extend(knowledge_gap::drafts(facts));
    drafts.extend(recurrence::drafts(facts));
    drafts.extend(absence::drafts(facts));
    drafts.extend(perspective::drafts(facts));
    drafts.extend(aggregation::drafts(facts));

    let mut by_subtype: BTreeMap<(Family, String), BTreeMap<String, Question>> = BTreeMap::new();
    for draft in drafts {
        let question = finish(facts, draft);
        if question.evidence.is_empty()
            || !leakage::question_findings(&question, facts.corpus).is_empty()
        {
            continue;
        }
        let picks = by_subtype
            .entry((question.family, question.subtype.clone()))
            .or_default();
        // Rank by a hash of the id: an even, reproducible spread over the run.
        picks
            .entry(format!(
                "{}|{}",
                sha256_hex(question.id.as_bytes()),
                question.id
            ))
            .or_insert(question);
    }
    let mut questions: Vec<Question> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for picks in by_subtype.into_values() {
        for question in picks.into_values().take(MAX_PER_SUBTYPE) {
            if seen.insert(question.id.clone()) {
                questions.push(question);
            }
        }
    }
    questions.sort_by(|a, b| a.family.cmp(&b.family).then_with(|| a.id.cmp(&b.id)));
    questions
}

fn finish(facts: &Facts, draft: Draft) -> Question {
    let as_of = draft
        .as_of
        .clone()
        .unwrap_or_else(|| facts.end_of_day(draft.as_of_day));
    let mut evidence = draft.evidence.clone();
    evidence.sort_by(|a, b| {
        b.grade
            .cmp(&a.grade)
            .then_with(|| a.hop.cmp(&b.hop))
            .then_with(|| a.doc_id.cmp(&b.doc_id))
    });
    let mut unique: Vec<Evidence> = Vec::new();
    for item in evidence {
        if !unique.iter().any(|e| e.doc_id == item.doc_id) {
            unique.push(item);
        }
    }
    let documents: Vec<&Document> = unique
        .iter()
        .filter_map(|e| facts.corpus.get(&e.doc_id))
        .collect();
    let kinds: BTreeSet<_> = documents.iter().map(|d| d.kind).collect();
    let earliest = documents
        .iter()
        .map(|d| d.day)
        .min()
        .unwrap_or(draft.as_of_day);
    let hops = unique.iter().filter_map(|e| e.hop).max().unwrap_or(1);
    let bearing: Vec<&Document> = unique
        .iter()
        .filter(|e| e.role == Role::AnswerBearing)
        .filter_map(|e| facts.corpus.get(&e.doc_id))
        .collect();
    let hidden = match &draft.actor {
        Some(actor) => documents
            .iter()
            .filter(|d| !d.access.iter().any(|p| p == actor))
            .count() as u32,
        None => 0,
    };
    let difficulty = Difficulty {
        hops,
        document_kinds: kinds.len() as u32,
        evidence_documents: unique.len() as u32,
        time_span_days: draft.as_of_day.saturating_sub(earliest),
        lexical_overlap: lexical_overlap(&draft.text, &bearing),
        hidden_from_actor: hidden,
    };
    Question {
        id: format!("{}.{}.{}", draft.family.name(), draft.subtype, draft.key),
        family: draft.family,
        subtype: draft.subtype.to_string(),
        text: draft.text,
        answer: draft.answer,
        reference: capitalized(&draft.reference),
        as_of,
        as_of_day: draft.as_of_day,
        actor: draft.actor,
        evidence: unique,
        difficulty,
    }
}

/// The sentence with its first letter in upper case.
fn capitalized(sentence: &str) -> String {
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Lower-case words of three letters or more, without a few function words.
pub(crate) fn content_words(text: &str) -> BTreeSet<String> {
    const STOP: [&str; 24] = [
        "the", "and", "for", "who", "what", "when", "was", "were", "did", "that", "this", "with",
        "from", "which", "have", "has", "had", "how", "many", "they", "their", "its", "into",
        "end",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(&w.as_str()))
        .collect()
}

fn lexical_overlap(question: &str, documents: &[&Document]) -> f64 {
    let words = content_words(question);
    if words.is_empty() || documents.is_empty() {
        return 0.0;
    }
    let mut gold: BTreeSet<String> = BTreeSet::new();
    for document in documents {
        gold.extend(content_words(&document.title));
        gold.extend(content_words(&document.text));
    }
    let shared = words.iter().filter(|w| gold.contains(*w)).count();
    round4(shared as f64 / words.len() as f64)
}

/// Rounds to 4 decimals, so that printed features are short and stable.
pub(crate) fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// `Ann Lee` / `Ann Lee and Bo Chen` / `Ann Lee, Bo Chen and Cy Diaz`.
pub(crate) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A person answer.
pub(crate) fn person(facts: &Facts, id: &str) -> Answer {
    Answer::Person {
        id: id.to_string(),
        name: facts.name_owned(id),
    }
}

/// A set-of-people answer (sorted by id; a single person becomes [`Answer::Person`]).
pub(crate) fn people(facts: &Facts, ids: &BTreeSet<&str>) -> Answer {
    if ids.len() == 1
        && let Some(id) = ids.iter().next()
    {
        return person(facts, id);
    }
    Answer::People {
        ids: ids.iter().map(|s| s.to_string()).collect(),
        names: ids.iter().map(|id| facts.name_owned(id)).collect(),
    }
}
