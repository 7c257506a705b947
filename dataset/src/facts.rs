//! What the question families read: the event log indexed by ticket, pull request, sprint and
//! person, with names for the text. Built once per export.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use orgforge_engine::event::{Event, EventKind, Handoff, PrOpened, TicketCreated};
use orgforge_engine::outcome::RosterEntry;

use crate::corpus::{Corpus, Document, DocumentKind};
use crate::run_dir::Run;

/// One ticket's life.
#[derive(Debug)]
pub struct Ticket<'a> {
    /// The creation event.
    pub created: &'a Event,
    /// Its facts.
    pub facts: &'a TicketCreated,
    /// Assignee changes after creation: (when, handoff, event).
    pub reassigned: Vec<(DateTime<FixedOffset>, &'a Handoff, &'a Event)>,
    /// Completion event.
    pub completed: Option<&'a Event>,
    /// Pull request that delivered it.
    pub pull: Option<u32>,
}

/// One pull request's life.
#[derive(Debug)]
pub struct Pull<'a> {
    /// Opening event.
    pub opened: &'a Event,
    /// Its facts.
    pub facts: &'a PrOpened,
    /// Review events in order.
    pub reviews: Vec<&'a Event>,
    /// Merge event.
    pub merged: Option<&'a Event>,
}

/// The event log, indexed.
pub struct Facts<'a> {
    /// The run.
    pub run: &'a Run,
    /// The corpus built from it.
    pub corpus: &'a Corpus,
    /// Person id -> roster entry.
    pub people: BTreeMap<&'a str, &'a RosterEntry>,
    /// Department id -> name.
    pub departments: BTreeMap<&'a str, &'a str>,
    /// System id -> name.
    pub systems: BTreeMap<&'a str, &'a str>,
    /// Ticket key -> life.
    pub tickets: BTreeMap<&'a str, Ticket<'a>>,
    /// PR number -> life.
    pub pulls: BTreeMap<u32, Pull<'a>>,
    /// (department, title) -> how many tickets carry it.
    title_counts: BTreeMap<(&'a str, &'a str), u32>,
    /// Business day -> date.
    pub dates: BTreeMap<u32, String>,
}

impl<'a> Facts<'a> {
    /// Indexes a run's events.
    pub fn new(run: &'a Run, corpus: &'a Corpus) -> Facts<'a> {
        let mut facts = Facts {
            run,
            corpus,
            people: run
                .roster
                .people
                .iter()
                .map(|p| (p.id.as_str(), p))
                .collect(),
            departments: run
                .scenario
                .departments
                .iter()
                .map(|d| (d.id.as_str(), d.name.as_str()))
                .collect(),
            systems: run
                .scenario
                .systems
                .iter()
                .map(|s| (s.id.as_str(), s.name.as_str()))
                .collect(),
            tickets: BTreeMap::new(),
            pulls: BTreeMap::new(),
            title_counts: BTreeMap::new(),
            dates: BTreeMap::new(),
        };
        for event in &run.events {
            facts
                .dates
                .entry(event.day)
                .or_insert_with(|| event.date.to_string());
            match &event.kind {
                EventKind::TicketCreated(created) => {
                    *facts
                        .title_counts
                        .entry((created.department.as_str(), created.title.as_str()))
                        .or_default() += 1;
                    facts.tickets.insert(
                        created.key.as_str(),
                        Ticket {
                            created: event,
                            facts: created,
                            reassigned: Vec::new(),
                            completed: None,
                            pull: None,
                        },
                    );
                }
                EventKind::TicketCompleted(done) => {
                    if let Some(ticket) = facts.tickets.get_mut(done.key.as_str()) {
                        ticket.completed = Some(event);
                    }
                }
                EventKind::PrOpened(opened) => {
                    if let Some(ticket) = facts.tickets.get_mut(opened.ticket.as_str()) {
                        ticket.pull = Some(opened.number);
                    }
                    facts.pulls.insert(
                        opened.number,
                        Pull {
                            opened: event,
                            facts: opened,
                            reviews: Vec::new(),
                            merged: None,
                        },
                    );
                }
                EventKind::PrReviewed(review) => {
                    if let Some(pull) = facts.pulls.get_mut(&review.number) {
                        pull.reviews.push(event);
                    }
                }
                EventKind::PrMerged(merged) => {
                    if let Some(pull) = facts.pulls.get_mut(&merged.number) {
                        pull.merged = Some(event);
                    }
                }
                EventKind::EmployeeDeparted(departed) => {
                    for handoff in &departed.tickets {
                        if let Some(ticket) = facts.tickets.get_mut(handoff.item.as_str()) {
                            ticket.reassigned.push((event.timestamp, handoff, event));
                        }
                    }
                }
                EventKind::WorkReassigned(reassigned) => {
                    for handoff in &reassigned.tickets {
                        if let Some(ticket) = facts.tickets.get_mut(handoff.item.as_str()) {
                            let known = ticket
                                .reassigned
                                .iter()
                                .any(|(_, h, _)| h.from == handoff.from && h.to == handoff.to);
                            if !known {
                                ticket.reassigned.push((event.timestamp, handoff, event));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        facts
    }

    /// Display name of a person.
    pub fn name(&self, id: &'a str) -> &'a str {
        self.people.get(id).map_or(id, |p| p.name.as_str())
    }

    /// Display name of a person, owned (for ids that do not live as long as the run).
    pub fn name_owned(&self, id: &str) -> String {
        self.people
            .get(id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    /// Department name.
    pub fn department(&self, id: &'a str) -> &'a str {
        self.departments.get(id).copied().unwrap_or(id)
    }

    /// System name.
    pub fn system(&self, id: &'a str) -> &'a str {
        self.systems.get(id).copied().unwrap_or(id)
    }

    /// `the Platform Engineering ticket "Add audit logging"`, when that names one ticket only.
    pub fn ticket_phrase(&self, key: &str) -> Option<String> {
        let ticket = self.tickets.get(key)?;
        let count = self.title_counts.get(&(
            ticket.facts.department.as_str(),
            ticket.facts.title.as_str(),
        ))?;
        (*count == 1).then(|| {
            format!(
                "the {} ticket \"{}\"",
                self.department(&ticket.facts.department),
                ticket.facts.title
            )
        })
    }

    /// The ticket's corpus document.
    pub fn ticket_doc(&self, key: &str) -> Option<&'a Document> {
        self.corpus.get(&format!("jira-{key}"))
    }

    /// The pull request's corpus document.
    pub fn pull_doc(&self, number: u32) -> Option<&'a Document> {
        self.corpus.get(&format!("github-pr-{number}"))
    }

    /// The page's corpus document.
    pub fn page_doc(&self, id: u32) -> Option<&'a Document> {
        self.corpus.get(&format!("confluence-{id}"))
    }

    /// The Slack thread that carries an event.
    pub fn thread_doc(&self, event: &Event) -> Option<&'a Document> {
        self.corpus
            .of_event_kind(&event.id, DocumentKind::SlackThread)
            .into_iter()
            .next()
    }

    /// Documents of an incident: those carrying any event whose facts name it (opened, stage
    /// changes, resolution, postmortem), sorted by id.
    pub fn incident_docs(&self, incident: &str) -> Vec<&'a Document> {
        let mut documents: Vec<&'a Document> = Vec::new();
        for event in &self.run.events {
            let about = match &event.kind {
                EventKind::IncidentOpened(f) => f.incident == incident,
                EventKind::IncidentStageChanged(f) => f.incident == incident,
                EventKind::IncidentResolved(f) => f.incident == incident,
                EventKind::PostmortemPublished(f) => f.incident == incident,
                _ => false,
            };
            if about {
                for document in self.corpus.of_event(&event.id) {
                    if !documents.iter().any(|d| d.id == document.id) {
                        documents.push(document);
                    }
                }
            }
        }
        documents.sort_by(|a, b| a.id.cmp(&b.id));
        documents
    }

    /// Local date of a business day.
    pub fn date(&self, day: u32) -> String {
        self.dates.get(&day).cloned().unwrap_or_default()
    }

    /// The last business day of the run.
    pub fn last_day(&self) -> u32 {
        self.dates.keys().next_back().copied().unwrap_or(1)
    }

    /// End of a business day as an as-of time: the last event of that day, or the given time.
    pub fn end_of_day(&self, day: u32) -> String {
        let last = self.run.events.iter().rev().find(|e| e.day == day);
        last.map(|e| e.timestamp.to_rfc3339()).unwrap_or_default()
    }
}
