//! Recurrence: which earlier incident did this one repeat (the truth: same system and failure
//! mode). The new incident's documents are hop 1, the earlier incident's are hop 2 and bear the
//! answer.

use std::collections::BTreeMap;

use orgforge_engine::event::{Event, EventKind};

use super::{Draft, evidence};
use crate::facts::Facts;
use crate::question::{Answer, Family, Role};

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut opened: BTreeMap<&str, &Event> = BTreeMap::new();
    for event in &facts.run.events {
        if let EventKind::IncidentOpened(incident) = &event.kind {
            opened.insert(incident.incident.as_str(), event);
        }
    }
    let mut out = Vec::new();
    for event in &facts.run.events {
        let EventKind::IncidentOpened(incident) = &event.kind else {
            continue;
        };
        let Some(earlier_id) = &incident.recurrence_of else {
            continue;
        };
        let Some(earlier) = opened.get(earlier_id.as_str()) else {
            continue;
        };
        let now_docs = facts.corpus.of_event(&event.id);
        let then_docs = facts.corpus.of_event(&earlier.id);
        if now_docs.is_empty() || then_docs.is_empty() {
            continue;
        }
        let system = facts.system(&incident.system);
        let mut gold: Vec<_> = now_docs
            .iter()
            .map(|d| evidence(d, Role::ChainStep, Some(1)))
            .collect();
        gold.extend(
            then_docs
                .iter()
                .map(|d| evidence(d, Role::AnswerBearing, Some(2))),
        );
        out.push(Draft {
            family: Family::Recurrence,
            subtype: "repeated_incident",
            key: incident.incident.clone(),
            text: format!(
                "The {system} incident that began on {} (\"{}\") repeated an earlier incident. Which one?",
                event.date, incident.title
            ),
            answer: Answer::Identifier { value: earlier_id.clone() },
            reference: format!(
                "It repeated {earlier_id} of {}: the same {system} failure ({}).",
                earlier.date,
                incident.failure_mode.replace('_', " ")
            ),
            as_of_day: event.day,
            as_of: None,
            actor: None,
            evidence: gold,
        });
    }
    out
}
