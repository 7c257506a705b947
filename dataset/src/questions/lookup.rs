//! Lookup: one document answers who did something.

use std::collections::BTreeSet;

use orgforge_engine::event::{EventKind, ReviewVerdict};

use super::{Draft, evidence, join_names, people, person};
use crate::facts::Facts;
use crate::question::{Family, Role};

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = Vec::new();
    for (number, pull) in &facts.pulls {
        let Some(merged) = pull.merged else { continue };
        let approvers: BTreeSet<&str> = pull
            .reviews
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::PrReviewed(r) if r.verdict == ReviewVerdict::Approved => {
                    Some(r.reviewer.as_str())
                }
                _ => None,
            })
            .collect();
        let (Some(phrase), Some(doc)) = (
            facts.ticket_phrase(&pull.facts.ticket),
            facts.pull_doc(*number),
        ) else {
            continue;
        };
        if approvers.is_empty() {
            continue;
        }
        let names: Vec<String> = approvers.iter().map(|id| facts.name_owned(id)).collect();
        out.push(Draft {
            family: Family::Lookup,
            subtype: "pr_approver",
            key: format!("pr{number}"),
            text: format!("Who approved the pull request that delivered {phrase}?"),
            answer: people(facts, &approvers),
            reference: format!(
                "{} approved pull request #{number}, which delivered {phrase}.",
                join_names(&names)
            ),
            as_of_day: merged.day,
            as_of: Some(merged.timestamp.to_rfc3339()),
            actor: None,
            evidence: vec![evidence(doc, Role::AnswerBearing, None)],
        });
    }
    for (key, ticket) in &facts.tickets {
        let (Some(phrase), Some(doc)) = (facts.ticket_phrase(key), facts.ticket_doc(key)) else {
            continue;
        };
        let reporter = ticket.facts.reporter.as_str();
        out.push(Draft {
            family: Family::Lookup,
            subtype: "ticket_reporter",
            key: key.to_string(),
            text: format!("Who filed {phrase}?"),
            answer: person(facts, reporter),
            reference: format!("{} filed {phrase} ({key}).", facts.name(reporter)),
            as_of_day: ticket.created.day,
            as_of: Some(ticket.created.timestamp.to_rfc3339()),
            actor: None,
            evidence: vec![evidence(doc, Role::AnswerBearing, None)],
        });
    }
    for event in &facts.run.events {
        let EventKind::AsyncQuestion(asked) = &event.kind else {
            continue;
        };
        let Some(system) = &asked.system else {
            continue;
        };
        let Some(doc) = facts.thread_doc(event) else {
            continue;
        };
        let asker = facts.name(&asked.asker);
        let system = facts.system(system);
        out.push(Draft {
            family: Family::Lookup,
            subtype: "question_answerer",
            key: doc.handle.clone(),
            text: format!(
                "On {}, {asker} asked a question about {system} in #{}. Who answered it?",
                event.date, asked.thread.channel
            ),
            answer: person(facts, &asked.answerer),
            reference: format!(
                "{} answered {asker}'s question about {system}.",
                facts.name(&asked.answerer)
            ),
            as_of_day: event.day,
            as_of: None,
            actor: None,
            evidence: vec![evidence(doc, Role::AnswerBearing, None)],
        });
    }
    out
}
