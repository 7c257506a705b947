//! Ownership as of a date: who held a ticket (or a system) at the end of a given day. Handed-off
//! work gives two questions with different answers, before and after the handoff.

use orgforge_engine::event::EventKind;

use super::{Draft, evidence, person};
use crate::facts::Facts;
use crate::question::{Family, Role};

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = Vec::new();
    for (key, ticket) in &facts.tickets {
        let (Some(phrase), Some(ticket_doc)) = (facts.ticket_phrase(key), facts.ticket_doc(key))
        else {
            continue;
        };
        let created_day = ticket.created.day;
        // (day, owner at the end of that day, extra evidence)
        let mut asks: Vec<(u32, String, Option<&crate::corpus::Document>, &'static str)> =
            Vec::new();
        match ticket.reassigned.first() {
            Some((_, handoff, cause)) => {
                if cause.day > created_day {
                    asks.push((
                        cause.day - 1,
                        handoff.from.clone(),
                        None,
                        "assignee_before_handoff",
                    ));
                }
                asks.push((
                    cause.day,
                    handoff.to.clone(),
                    facts.thread_doc(cause),
                    "assignee_after_handoff",
                ));
            }
            None => {
                let day = ticket.completed.map_or(created_day, |done| done.day);
                asks.push((
                    day,
                    ticket.facts.assignee.clone(),
                    None,
                    "ticket_assignee_as_of",
                ));
            }
        }
        for (day, owner, extra, subtype) in asks {
            let date = facts.date(day);
            let mut gold = vec![evidence(ticket_doc, Role::AnswerBearing, None)];
            if let Some(extra) = extra {
                gold.push(evidence(extra, Role::ChainStep, None));
            }
            out.push(Draft {
                family: Family::Ownership,
                subtype,
                key: format!("{key}-day{day}"),
                text: format!("Who was the assignee of {phrase} at the end of {date}?"),
                answer: person(facts, &owner),
                reference: format!(
                    "At the end of {date}, {key} was assigned to {}.",
                    facts.name_owned(&owner)
                ),
                as_of_day: day,
                as_of: None,
                actor: None,
                evidence: gold,
            });
        }
    }
    for event in &facts.run.events {
        let EventKind::SystemOwnerChanged(changed) = &event.kind else {
            continue;
        };
        let documents = facts.corpus.of_event(&event.id);
        if documents.is_empty() {
            continue;
        }
        let system = facts.system(&changed.system);
        out.push(Draft {
            family: Family::Ownership,
            subtype: "system_owner_as_of",
            key: format!("{}-{}", changed.system, event.date),
            text: format!("Who owned {system} at the end of {}?", event.date),
            answer: person(facts, &changed.to),
            reference: format!(
                "{} took over {system} from {} on {}.",
                facts.name(&changed.to),
                facts.name(&changed.from),
                event.date
            ),
            as_of_day: event.day,
            as_of: None,
            actor: None,
            evidence: documents
                .into_iter()
                .map(|d| evidence(d, Role::AnswerBearing, None))
                .collect(),
        });
    }
    out
}
