//! Escalation path: who an escalation went through, in order, and whom it reached. Asked only
//! when the escalation left a document a reader can find.

use orgforge_engine::event::EventKind;

use super::{Draft, evidence};
use crate::facts::Facts;
use crate::leakage::contains_term;
use crate::question::{Answer, Family, Role};

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = Vec::new();
    for event in &facts.run.events {
        let EventKind::Escalation(escalation) = &event.kind else {
            continue;
        };
        if escalation.path.len() < 2 {
            continue;
        }
        // An escalation renders nothing itself; a document of its incident that names every
        // person on the path bears the answer.
        let mut documents = facts.corpus.of_event(&event.id);
        if let Some(incident) = &escalation.incident {
            documents.extend(facts.incident_docs(incident));
        }
        documents.retain(|d| {
            escalation
                .path
                .iter()
                .all(|p| contains_term(&d.text, facts.name(p)))
        });
        if documents.is_empty() {
            continue;
        }
        let from = facts.name(&escalation.from);
        let about = escalation.system.as_deref().map_or_else(
            || "an issue".to_string(),
            |s| format!("an issue in {}", facts.system(s)),
        );
        let rest: Vec<String> = escalation.path.iter().skip(1).cloned().collect();
        let names: Vec<String> = rest.iter().map(|id| facts.name_owned(id)).collect();
        out.push(Draft {
            family: Family::EscalationPath,
            subtype: "escalation_chain",
            key: format!("{}-{}", escalation.from, event.timestamp.format("%Y%m%dT%H%M%S")),
            text: format!(
                "On {}, {from} escalated {about}. Through whom did it go, in order, and who did it reach?",
                event.date
            ),
            answer: Answer::Path { ids: rest, names: names.clone() },
            reference: format!("{from} escalated through {}.", names.join(" -> ")),
            as_of_day: event.day,
            as_of: None,
            actor: None,
            evidence: documents.into_iter().map(|d| evidence(d, Role::AnswerBearing, None)).collect(),
        });
    }
    out
}
