//! Knowledge gap: whose departure made an investigation harder. Asked only when the detected gap
//! left a document a reader can find; the departure's own announcement is a chain step when the
//! person left during the run.

use orgforge_engine::event::EventKind;

use super::{Draft, evidence};
use crate::facts::Facts;
use crate::leakage::contains_term;
use crate::question::{Answer, Family, Role};

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = Vec::new();
    for event in &facts.run.events {
        let EventKind::KnowledgeGapDetected(gap) = &event.kind else {
            continue;
        };
        // The gap event itself renders nothing; its incident's documents (the postmortem names the
        // departed person) carry it. Those that name the person bear the answer.
        let mut documents = facts.corpus.of_event(&event.id);
        documents.extend(facts.incident_docs(&gap.incident));
        let names = |d: &&crate::corpus::Document| {
            contains_term(&d.text, &gap.departed_name) || contains_term(&d.text, &gap.departed)
        };
        if !documents.iter().any(names) {
            continue;
        }
        let system = facts.system(&gap.system);
        let mut gold: Vec<_> = documents
            .iter()
            .map(|d| {
                let role = if names(d) {
                    Role::AnswerBearing
                } else {
                    Role::ChainStep
                };
                evidence(d, role, Some(1))
            })
            .collect();
        let departure = facts.run.events.iter().find(
            |e| matches!(&e.kind, EventKind::EmployeeDeparted(d) if d.person == gap.departed),
        );
        if let Some(thread) = departure.and_then(|d| facts.thread_doc(d)) {
            gold.push(evidence(thread, Role::ChainStep, Some(2)));
        }
        out.push(Draft {
            family: Family::KnowledgeGap,
            subtype: "gap_departed_person",
            key: format!("{}-{}", gap.incident, gap.system),
            text: format!(
                "The investigation of the {system} incident on {} was slowed by missing knowledge. Whose departure left that gap?",
                event.date
            ),
            answer: Answer::Person { id: gap.departed.clone(), name: gap.departed_name.clone() },
            reference: format!(
                "{} knew {system} and had left; only {:.0}% of it was documented.",
                gap.departed_name,
                gap.documented_pct * 100.0
            ),
            as_of_day: event.day,
            as_of: None,
            actor: None,
            evidence: gold,
        });
    }
    out
}
