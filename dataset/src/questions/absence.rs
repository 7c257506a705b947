//! Absence: was something ever done? A "no" is proven over a judged search space (every page
//! that documents the system, and the thread where the decision was made); a "yes" names the
//! document that did it. Absence questions get their own qrels file.

use std::collections::BTreeMap;

use orgforge_engine::event::EventKind;

use super::{Draft, evidence};
use crate::corpus::{Document, DocumentKind};
use crate::facts::Facts;
use crate::leakage::contains_term;
use crate::question::{Answer, Family, Role};

/// Largest judged search space per question.
const MAX_SEARCH_SPACE: usize = 15;

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = Vec::new();
    let mut topics: BTreeMap<&str, u32> = BTreeMap::new();
    for event in &facts.run.events {
        if let EventKind::DesignDiscussion(d) = &event.kind {
            *topics.entry(d.topic.as_str()).or_default() += 1;
        }
    }
    let last = facts.last_day();
    for event in &facts.run.events {
        let EventKind::DesignDiscussion(d) = &event.kind else {
            continue;
        };
        if topics.get(d.topic.as_str()) != Some(&1) {
            continue;
        }
        let system = facts.system(&d.system);
        let pages: Vec<&Document> = facts
            .corpus
            .documents
            .iter()
            .filter(|doc| doc.kind == DocumentKind::ConfluencePage)
            .collect();
        let writing: Vec<&Document> = pages
            .iter()
            .copied()
            .filter(|doc| doc.day >= event.day && contains_term(&doc.text, &d.decision))
            .collect();
        let mut space: Vec<&Document> = pages
            .iter()
            .copied()
            .filter(|doc| contains_term(&doc.title, system) || contains_term(&doc.text, system))
            .filter(|doc| !writing.iter().any(|w| w.id == doc.id))
            .collect();
        space.truncate(MAX_SEARCH_SPACE);
        let mut gold: Vec<_> = writing
            .iter()
            .map(|doc| evidence(doc, Role::AnswerBearing, None))
            .collect();
        gold.extend(
            space
                .iter()
                .map(|doc| evidence(doc, Role::MustSearch, None)),
        );
        if let Some(thread) = facts.thread_doc(event) {
            gold.push(evidence(thread, Role::MustSearch, None));
        }
        let value = !writing.is_empty();
        let reference = if value {
            format!(
                "Yes: \"{}\" records the decision.",
                writing
                    .iter()
                    .map(|w| w.title.as_str())
                    .collect::<Vec<_>>()
                    .join("\", \"")
            )
        } else {
            format!(
                "No: none of the {} pages about {system} records the decision.",
                space.len()
            )
        };
        out.push(Draft {
            family: Family::Absence,
            subtype: "decision_documented",
            key: format!("{}-{}", d.system, event.date),
            text: format!(
                "Was the decision on {} ever written up on a Confluence page?",
                d.topic
            ),
            answer: Answer::Boolean { value },
            reference,
            as_of_day: last,
            as_of: None,
            actor: None,
            evidence: gold,
        });
    }
    out
}
