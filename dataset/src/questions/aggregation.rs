//! Aggregation: how many of something, counted over several documents.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use orgforge_engine::event::EventKind;

use super::{Draft, evidence};
use crate::facts::Facts;
use crate::question::{Answer, Family, Role};

/// Counts above this need too many gold documents to be a fair retrieval question.
const MAX_COUNT: usize = 12;

struct Sprint<'a> {
    department: &'a str,
    name: &'a str,
    start: NaiveDate,
    end: NaiveDate,
    retro_day: u32,
}

pub(super) fn drafts(facts: &Facts) -> Vec<Draft> {
    let mut out = Vec::new();
    let mut planned: BTreeMap<(&str, u32), (&str, NaiveDate, NaiveDate)> = BTreeMap::new();
    let mut sprints: Vec<Sprint> = Vec::new();
    for event in &facts.run.events {
        match &event.kind {
            EventKind::SprintPlanned(p) => {
                planned.insert(
                    (p.department.as_str(), p.sprint),
                    (p.name.as_str(), p.start_date, p.end_date),
                );
            }
            EventKind::SprintRetro(r) => {
                let Some(&(name, start, end)) = planned.get(&(r.department.as_str(), r.sprint))
                else {
                    continue;
                };
                sprints.push(Sprint {
                    department: r.department.as_str(),
                    name,
                    start,
                    end,
                    retro_day: event.day,
                });
                if let Some(page) = facts.page_doc(r.page.id) {
                    out.push(Draft {
                        family: Family::Aggregation,
                        subtype: "points_completed",
                        key: format!("{}-sprint{}", r.department, r.sprint),
                        text: format!(
                            "How many story points did {} complete in {name}?",
                            facts.department(&r.department)
                        ),
                        answer: Answer::Number {
                            value: u64::from(r.points_completed),
                        },
                        reference: format!(
                            "{} completed {} of {} committed story points in {name}.",
                            facts.department(&r.department),
                            r.points_completed,
                            r.points_committed
                        ),
                        as_of_day: event.day,
                        as_of: None,
                        actor: None,
                        evidence: vec![evidence(page, Role::AnswerBearing, None)],
                    });
                }
            }
            _ => {}
        }
    }
    for sprint in &sprints {
        let members: Vec<&str> = facts
            .people
            .values()
            .filter(|p| p.department == sprint.department)
            .map(|p| p.id.as_str())
            .collect();
        for member in members {
            let mut completed: BTreeSet<&str> = BTreeSet::new();
            let mut reviewed: Vec<u32> = Vec::new();
            for event in &facts.run.events {
                if event.date < sprint.start || event.date > sprint.end {
                    continue;
                }
                match &event.kind {
                    EventKind::TicketCompleted(done) if done.person == member => {
                        completed.insert(done.key.as_str());
                    }
                    EventKind::PrReviewed(review) if review.reviewer == member => {
                        reviewed.push(review.number)
                    }
                    _ => {}
                }
            }
            let name = facts.name(member);
            let window = format!("between {} and {}", sprint.start, sprint.end);
            let docs: Vec<_> = completed
                .iter()
                .filter_map(|k| facts.ticket_doc(k))
                .collect();
            if !completed.is_empty()
                && completed.len() <= MAX_COUNT
                && docs.len() == completed.len()
            {
                out.push(Draft {
                    family: Family::Aggregation,
                    subtype: "tickets_completed",
                    key: format!("{member}-{}", sprint.start),
                    text: format!(
                        "How many tickets did {name} complete during {}?",
                        sprint.name
                    ),
                    answer: Answer::Number {
                        value: completed.len() as u64,
                    },
                    reference: format!(
                        "{name} completed {} tickets during {}.",
                        completed.len(),
                        sprint.name
                    ),
                    as_of_day: sprint.retro_day,
                    as_of: None,
                    actor: None,
                    evidence: docs
                        .iter()
                        .map(|d| evidence(d, Role::AnswerBearing, None))
                        .collect(),
                });
            }
            let pulls: BTreeSet<u32> = reviewed.iter().copied().collect();
            let docs: Vec<_> = pulls.iter().filter_map(|n| facts.pull_doc(*n)).collect();
            if !reviewed.is_empty() && reviewed.len() <= MAX_COUNT && docs.len() == pulls.len() {
                out.push(Draft {
                    family: Family::Aggregation,
                    subtype: "reviews_submitted",
                    key: format!("{member}-{}", sprint.start),
                    text: format!("How many pull-request reviews did {name} submit {window}?"),
                    answer: Answer::Number {
                        value: reviewed.len() as u64,
                    },
                    reference: format!(
                        "{name} submitted {} reviews on {} pull requests {window}.",
                        reviewed.len(),
                        pulls.len()
                    ),
                    as_of_day: sprint.retro_day,
                    as_of: None,
                    actor: None,
                    evidence: docs
                        .iter()
                        .map(|d| evidence(d, Role::AnswerBearing, None))
                        .collect(),
                });
            }
        }
    }
    out
}
