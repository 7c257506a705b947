//! Temporal: on what date did something happen.

use std::collections::BTreeMap;

use orgforge_engine::event::EventKind;

use super::{Draft, evidence};
use crate::corpus::DocumentKind;
use crate::facts::Facts;
use crate::question::{Answer, Family, Role};

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = Vec::new();
    for (number, pull) in &facts.pulls {
        let Some(merged) = pull.merged else { continue };
        let (Some(phrase), Some(doc)) = (
            facts.ticket_phrase(&pull.facts.ticket),
            facts.pull_doc(*number),
        ) else {
            continue;
        };
        out.push(Draft {
            family: Family::Temporal,
            subtype: "pr_merged_date",
            key: format!("pr{number}"),
            text: format!("On what date was the pull request for {phrase} merged?"),
            answer: Answer::Date {
                date: merged.date.to_string(),
            },
            reference: format!(
                "Pull request #{number} for {phrase} was merged on {}.",
                merged.date
            ),
            as_of_day: facts.last_day(),
            as_of: None,
            actor: None,
            evidence: vec![evidence(doc, Role::AnswerBearing, None)],
        });
    }
    for (key, ticket) in &facts.tickets {
        let Some(done) = ticket.completed else {
            continue;
        };
        let (Some(phrase), Some(doc)) = (facts.ticket_phrase(key), facts.ticket_doc(key)) else {
            continue;
        };
        out.push(Draft {
            family: Family::Temporal,
            subtype: "ticket_resolved_date",
            key: key.to_string(),
            text: format!("On what date was {phrase} resolved?"),
            answer: Answer::Date {
                date: done.date.to_string(),
            },
            reference: format!("{phrase} ({key}) was resolved on {}.", done.date),
            as_of_day: facts.last_day(),
            as_of: None,
            actor: None,
            evidence: vec![evidence(doc, Role::AnswerBearing, None)],
        });
    }
    let mut titles: BTreeMap<&str, u32> = BTreeMap::new();
    for document in &facts.corpus.documents {
        if document.kind == DocumentKind::ConfluencePage {
            *titles.entry(document.title.as_str()).or_default() += 1;
        }
    }
    for document in &facts.corpus.documents {
        if document.kind != DocumentKind::ConfluencePage
            || titles.get(document.title.as_str()) != Some(&1)
        {
            continue;
        }
        let date = document.created.date_naive().to_string();
        out.push(Draft {
            family: Family::Temporal,
            subtype: "page_published_date",
            key: document.handle.clone(),
            text: format!(
                "When was the Confluence page \"{}\" published?",
                document.title
            ),
            answer: Answer::Date { date: date.clone() },
            reference: format!("The page \"{}\" was published on {date}.", document.title),
            as_of_day: facts.last_day(),
            as_of: None,
            actor: None,
            evidence: vec![evidence(document, Role::AnswerBearing, None)],
        });
    }
    for event in &facts.run.events {
        let (subtype, person, verb) = match &event.kind {
            EventKind::EmployeeDeparted(d) => {
                ("departure_date", d.person.as_str(), "leave the company")
            }
            EventKind::EmployeeHired(h) => ("hire_date", h.person.as_str(), "join the company"),
            _ => continue,
        };
        let Some(doc) = facts.thread_doc(event) else {
            continue;
        };
        let name = facts.name_owned(person);
        out.push(Draft {
            family: Family::Temporal,
            subtype,
            key: person.to_string(),
            text: format!("On what date did {name} {verb}?"),
            answer: Answer::Date {
                date: event.date.to_string(),
            },
            reference: format!("{name} did {verb} on {}.", event.date)
                .replace("did leave", "left")
                .replace("did join", "joined"),
            as_of_day: facts.last_day(),
            as_of: None,
            actor: None,
            evidence: vec![evidence(doc, Role::AnswerBearing, None)],
        });
    }
    out
}
