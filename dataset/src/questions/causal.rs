//! Causal multi-hop: what led to something, answered only by following a chain of at least two
//! documents of different kinds (a stand-up thread to a ticket to a pull request; a ticket's
//! reassignment to the departure that caused it).

use std::collections::BTreeSet;

use orgforge_engine::event::{EventKind, Intent, ReviewVerdict};

use super::{Draft, evidence, join_names, people, person};
use crate::facts::Facts;
use crate::question::{Family, Role};

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = Vec::new();
    for event in &facts.run.events {
        match &event.kind {
            EventKind::Standup(standup) => {
                let Some(thread_doc) = facts.thread_doc(event) else {
                    continue;
                };
                let department = facts.department(&standup.department);
                let mut seen: BTreeSet<&str> = BTreeSet::new();
                for message in &standup.thread.messages {
                    let Intent::StandupUpdate {
                        ticket: Some(key),
                        blocked: true,
                        ..
                    } = &message.intent
                    else {
                        continue;
                    };
                    if !seen.insert(message.author.as_str()) {
                        continue;
                    }
                    let Some(ticket) = facts.tickets.get(key.as_str()) else {
                        continue;
                    };
                    let Some(ticket_doc) = facts.ticket_doc(key) else {
                        continue;
                    };
                    let name = facts.name(&message.author);
                    let reporter = ticket.facts.reporter.as_str();
                    out.push(Draft {
                        family: Family::CausalMultiHop,
                        subtype: "blocked_ticket_reporter",
                        key: format!("{}-{}", event.date, message.author),
                        text: format!(
                            "At the {department} stand-up on {}, {name} said they were blocked. Who filed the ticket they were working on?",
                            event.date
                        ),
                        answer: person(facts, reporter),
                        reference: format!("{name} was blocked on {key}, which {} filed.", facts.name(reporter)),
                        as_of_day: event.day,
                        as_of: Some(message.timestamp.to_rfc3339()),
                        actor: None,
                        evidence: vec![
                            evidence(thread_doc, Role::ChainStep, Some(1)),
                            evidence(ticket_doc, Role::AnswerBearing, Some(2)),
                        ],
                    });
                    let Some(number) = ticket.pull else { continue };
                    let Some(pull) = facts.pulls.get(&number) else {
                        continue;
                    };
                    let Some(merged) = pull.merged else { continue };
                    let Some(pull_doc) = facts.pull_doc(number) else {
                        continue;
                    };
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
                    if approvers.is_empty() {
                        continue;
                    }
                    let names: Vec<String> =
                        approvers.iter().map(|id| facts.name_owned(id)).collect();
                    out.push(Draft {
                        family: Family::CausalMultiHop,
                        subtype: "blocked_ticket_approver",
                        key: format!("{}-{}", event.date, message.author),
                        text: format!(
                            "{name} reported being blocked at the {department} stand-up on {}. Who approved the pull request that finally delivered the ticket they were blocked on?",
                            event.date
                        ),
                        answer: people(facts, &approvers),
                        reference: format!(
                            "{name} was blocked on {key}; pull request #{number} delivered it and {} approved it.",
                            join_names(&names)
                        ),
                        as_of_day: merged.day,
                        as_of: Some(merged.timestamp.to_rfc3339()),
                        actor: None,
                        evidence: vec![
                            evidence(thread_doc, Role::ChainStep, Some(1)),
                            evidence(ticket_doc, Role::ChainStep, Some(2)),
                            evidence(pull_doc, Role::AnswerBearing, Some(3)),
                        ],
                    });
                }
            }
            EventKind::AsyncQuestion(asked) => {
                let Some(key) = &asked.ticket else { continue };
                let (Some(thread_doc), Some(ticket_doc)) =
                    (facts.thread_doc(event), facts.ticket_doc(key))
                else {
                    continue;
                };
                let Some(ticket) = facts.tickets.get(key.as_str()) else {
                    continue;
                };
                let reporter = ticket.facts.reporter.as_str();
                let asker = facts.name(&asked.asker);
                let answerer = facts.name(&asked.answerer);
                out.push(Draft {
                    family: Family::CausalMultiHop,
                    subtype: "asked_ticket_reporter",
                    key: thread_doc.handle.clone(),
                    text: format!(
                        "On {}, {asker} asked {answerer} about a ticket in #{}. Who had filed that ticket?",
                        event.date, asked.thread.channel
                    ),
                    answer: person(facts, reporter),
                    reference: format!("{asker} asked about {key}, which {} filed.", facts.name(reporter)),
                    as_of_day: event.day,
                    as_of: None,
                    actor: None,
                    evidence: vec![
                        evidence(thread_doc, Role::ChainStep, Some(1)),
                        evidence(ticket_doc, Role::AnswerBearing, Some(2)),
                    ],
                });
            }
            _ => {}
        }
    }
    for (key, ticket) in &facts.tickets {
        for (_, handoff, cause) in &ticket.reassigned {
            let (Some(phrase), Some(ticket_doc)) =
                (facts.ticket_phrase(key), facts.ticket_doc(key))
            else {
                continue;
            };
            let departure = facts.run.events.iter().find(
                |e| matches!(&e.kind, EventKind::EmployeeDeparted(d) if d.person == handoff.from),
            );
            let Some(thread_doc) = departure.and_then(|d| facts.thread_doc(d)) else {
                continue;
            };
            let to = facts.name(&handoff.to);
            out.push(Draft {
                family: Family::CausalMultiHop,
                subtype: "handoff_cause",
                key: format!("{key}-{}", handoff.to),
                text: format!("Why was {phrase} reassigned to {to}? Whose departure caused it?"),
                answer: person(facts, &handoff.from),
                reference: format!(
                    "{} left the company, so {key} was handed to {to}.",
                    facts.name(&handoff.from)
                ),
                as_of_day: cause.day,
                as_of: None,
                actor: None,
                evidence: vec![
                    evidence(ticket_doc, Role::ChainStep, Some(1)),
                    evidence(thread_doc, Role::AnswerBearing, Some(2)),
                ],
            });
        }
    }
    out
}
