//! Absence: was something ever done? A "no" is proven over a judged search space (every page
//! that documents the system, and the thread where the decision was made); a "yes" names the
//! document that did it. Absence questions get their own qrels file.
//!
//! Email chains give a second subtype: was an inbound email ever acted on (a ticket filed for it,
//! or a reply sent)? A chain dropped before its ticket gate is a "no" over the judged space of
//! the documents that would show the action (mail, tickets and Slack threads about the sender's
//! organization from the day it arrived on); otherwise the ticket and replies are the evidence.

use std::collections::BTreeMap;

use orgforge_engine::event::{EmailKind, EmailMessage, Event, EventKind, Gate};

use super::{Draft, evidence};
use crate::corpus::{Document, DocumentKind};
use crate::facts::Facts;
use crate::leakage::contains_term;
use crate::question::{Answer, Family, Role};

/// Largest judged search space per question.
const MAX_SEARCH_SPACE: usize = 15;

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = decision_drafts(facts);
    out.extend(email_drafts(facts));
    out
}

fn decision_drafts(facts: &Facts) -> Vec<Draft> {
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

/// What happened to one inbound email chain.
#[derive(Default)]
struct EmailChain<'a> {
    /// The first inbound email and its event.
    inbound: Option<(&'a Event, &'a EmailMessage)>,
    /// Every event of the chain.
    events: Vec<&'a Event>,
    /// The gate it stopped at.
    dropped: Option<Gate>,
    /// Events that act on it: tickets filed for it, replies and follow-ups sent.
    actions: Vec<&'a Event>,
    /// Relays to Slack.
    relays: Vec<&'a Event>,
}

fn email_drafts(facts: &Facts) -> Vec<Draft> {
    let mut chains: BTreeMap<&str, EmailChain> = BTreeMap::new();
    for event in &facts.run.events {
        let chain = match &event.kind {
            EventKind::EmailReceived(r) => {
                let entry = chains.entry(r.chain.as_str()).or_default();
                if entry.inbound.is_none() {
                    entry.inbound = Some((event, r));
                }
                entry
            }
            EventKind::EmailSent(s) => {
                let entry = chains.entry(s.chain.as_str()).or_default();
                if matches!(s.kind, EmailKind::Reply | EmailKind::FollowUp) {
                    entry.actions.push(event);
                }
                entry
            }
            EventKind::EmailRelayed(r) => {
                let entry = chains.entry(r.chain.as_str()).or_default();
                entry.relays.push(event);
                entry
            }
            EventKind::EmailDropped(d) => {
                let entry = chains.entry(d.chain.as_str()).or_default();
                entry.dropped = Some(d.gate);
                entry
            }
            EventKind::TicketCreated(t) => match &t.email_chain {
                Some(chain) => {
                    let entry = chains.entry(chain.as_str()).or_default();
                    entry.actions.push(event);
                    entry
                }
                None => continue,
            },
            _ => continue,
        };
        chain.events.push(event);
    }
    let last = facts.last_day();
    let mut out = Vec::new();
    for (id, chain) in &chains {
        let Some((received, inbound)) = chain.inbound else {
            continue;
        };
        let value = !chain.actions.is_empty();
        // A chain still open when the run ends has no settled answer.
        if !value && chain.dropped.is_none() {
            continue;
        }
        let Some(email) = facts
            .corpus
            .of_event_kind(&received.id, DocumentKind::Email)
            .into_iter()
            .next()
        else {
            continue;
        };
        let sender = match &inbound.facts.org {
            Some(org) if !org.trim().is_empty() => org.trim().to_string(),
            _ if !inbound.from.name.trim().is_empty() => inbound.from.name.trim().to_string(),
            _ => continue,
        };
        let mut gold = vec![evidence(email, Role::MustSearch, None)];
        let reference = if value {
            let mut bearing: Vec<&Document> = Vec::new();
            for action in &chain.actions {
                for doc in facts.corpus.of_event(&action.id) {
                    if !bearing.iter().any(|d| d.id == doc.id) {
                        bearing.push(doc);
                    }
                }
            }
            if bearing.is_empty() {
                continue;
            }
            gold.extend(
                bearing
                    .iter()
                    .map(|doc| evidence(doc, Role::AnswerBearing, None)),
            );
            for relay in &chain.relays {
                if let Some(thread) = facts.thread_doc(relay) {
                    gold.push(evidence(thread, Role::ChainStep, None));
                }
            }
            format!(
                "Yes: \"{}\" acted on it.",
                bearing
                    .iter()
                    .map(|d| d.title.as_str())
                    .collect::<Vec<_>>()
                    .join("\", \"")
            )
        } else {
            // Documents a searcher would check for a relay, a ticket or a reply: everything about
            // the organization (or the subject) from the day the email arrived on.
            let mut space: Vec<&Document> = facts
                .corpus
                .documents
                .iter()
                .filter(|doc| doc.id != email.id && doc.day >= received.day)
                .filter(|doc| {
                    matches!(
                        doc.kind,
                        DocumentKind::Email | DocumentKind::JiraIssue | DocumentKind::SlackThread
                    )
                })
                .filter(|doc| {
                    contains_term(&doc.title, &sender)
                        || contains_term(&doc.text, &sender)
                        || contains_term(&doc.title, &inbound.subject)
                })
                .collect();
            space.sort_by(|a, b| a.day.cmp(&b.day).then_with(|| a.id.cmp(&b.id)));
            space.truncate(MAX_SEARCH_SPACE);
            gold.extend(
                space
                    .iter()
                    .map(|doc| evidence(doc, Role::MustSearch, None)),
            );
            format!(
                "No: it was never ticketed nor answered; none of the {} documents about {sender} \
                 from {} on acts on it.",
                space.len(),
                received.date
            )
        };
        out.push(Draft {
            family: Family::Absence,
            subtype: "email_acted_on",
            key: id.to_string(),
            text: format!(
                "Was {} email about \"{}\" on {} ever acted on?",
                possessive(&sender),
                inbound.subject.trim(),
                received.date
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

/// `PayLane's`, `Bluejay Foods'`.
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}
