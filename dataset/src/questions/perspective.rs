//! Perspective: could person A have known fact X by the end of day D, from what A could see?
//! A fact is known from the documents that carry its event; A could see a document when A is on
//! its access list, had joined by D, had not left before it was written, and it existed by D.
//! Each fact gives a yes, a no for lack of access and a no for asking too early, when it can.

use orgforge_engine::event::{DiscussionFormat, Event, EventKind};
use orgforge_engine::log::sha256_hex;

use super::{Draft, evidence};
use crate::corpus::Document;
use crate::facts::Facts;
use crate::question::{Answer, Family, Role};

/// Days after the fact at which "yes" questions are asked: late enough that reading is plausible.
const DAYS_AFTER_FACT: u32 = 2;

struct Fact<'a> {
    subtype: &'static str,
    key: String,
    description: String,
    /// People the fact is about (never asked about their own fact).
    subjects: Vec<&'a str>,
    documents: Vec<&'a Document>,
    day: u32,
}

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = Vec::new();
    for event in &facts.run.events {
        let Some(fact) = fact_of(facts, event) else {
            continue;
        };
        if fact.documents.is_empty() {
            continue;
        }
        let last = facts.last_day();
        let later = (fact.day + DAYS_AFTER_FACT).min(last);
        // Candidates in an order fixed by the fact, so different facts ask different people.
        let mut candidates: Vec<&str> = facts
            .people
            .keys()
            .copied()
            .filter(|p| !fact.subjects.contains(p))
            .collect();
        candidates.sort_by_key(|p| sha256_hex(format!("{}|{p}", fact.key).as_bytes()));
        let could_know = |person: &str, day: u32| could_know(facts, &fact, person, day);
        let present = |person: &str, day: u32| {
            facts
                .people
                .get(person)
                .is_some_and(|p| p.joined_day <= day && p.left_day.is_none_or(|left| left > day))
        };
        let mut asks: Vec<(&str, u32, &'static str)> = Vec::new();
        if let Some(p) = candidates
            .iter()
            .find(|p| present(p, later) && could_know(p, later))
        {
            asks.push((p, later, "visible"));
        }
        if let Some(p) = candidates
            .iter()
            .find(|p| present(p, last) && !could_know(p, last))
        {
            asks.push((p, last, "no_access"));
        }
        if fact.day > 1 {
            let early = fact.day - 1;
            if let Some(p) = candidates
                .iter()
                .find(|p| present(p, early) && could_know(p, last))
            {
                asks.push((p, early, "too_early"));
            }
        }
        for (actor, day, case) in asks {
            let value = could_know(actor, day);
            let name = facts.name_owned(actor);
            let date = facts.date(day);
            let department = facts
                .people
                .get(actor)
                .map_or("", |p| facts.department(&p.department));
            let reference = if value {
                format!(
                    "Yes: {name} could read {} by {date}.",
                    fact.documents
                        .iter()
                        .map(|d| d.title.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            } else if case == "too_early" {
                format!(
                    "No: it was only recorded on {}, after {date}.",
                    facts.date(fact.day)
                )
            } else {
                format!("No: {name} could not see any document that recorded it by {date}.")
            };
            out.push(Draft {
                family: Family::Perspective,
                subtype: fact.subtype,
                key: format!("{}-{actor}-day{day}", fact.key),
                text: format!(
                    "Could {name} ({department}) have known by the end of {date} that {}?",
                    fact.description
                ),
                answer: Answer::Boolean { value },
                reference,
                as_of_day: day,
                as_of: None,
                actor: Some(actor.to_string()),
                evidence: fact
                    .documents
                    .iter()
                    .map(|d| evidence(d, Role::AnswerBearing, None))
                    .collect(),
            });
        }
    }
    out
}

fn could_know(facts: &Facts, fact: &Fact, person: &str, day: u32) -> bool {
    let Some(entry) = facts.people.get(person) else {
        return false;
    };
    if entry.joined_day > day {
        return false;
    }
    fact.documents.iter().any(|d| {
        d.day <= day
            && d.access.iter().any(|p| p == person)
            && entry.left_day.is_none_or(|left| left > d.day)
    })
}

fn fact_of<'a>(facts: &Facts<'a>, event: &'a Event) -> Option<Fact<'a>> {
    match &event.kind {
        EventKind::DesignDiscussion(d) => {
            let documents = match (d.format, &d.page) {
                (DiscussionFormat::Meeting, Some(page)) => {
                    facts.page_doc(page.id).into_iter().collect()
                }
                _ => facts.thread_doc(event).into_iter().collect(),
            };
            Some(Fact {
                subtype: "design_decision_known",
                key: format!("{}-{}", d.system, event.date),
                description: format!(
                    "the discussion on {} had settled on {}",
                    d.topic, d.decision
                ),
                subjects: d.participants.iter().map(String::as_str).collect(),
                documents,
                day: event.day,
            })
        }
        EventKind::EmployeeDeparted(d) => Some(Fact {
            subtype: "departure_known",
            key: d.person.clone(),
            description: format!("{} was leaving the company", facts.name(&d.person)),
            subjects: vec![d.person.as_str()],
            documents: facts.thread_doc(event).into_iter().collect(),
            day: event.day,
        }),
        EventKind::EmployeeHired(h) => Some(Fact {
            subtype: "hire_known",
            key: h.person.clone(),
            description: format!("{} had joined {}", h.name, facts.department(&h.department)),
            subjects: vec![h.person.as_str()],
            documents: facts.thread_doc(event).into_iter().collect(),
            day: event.day,
        }),
        _ => None,
    }
}
