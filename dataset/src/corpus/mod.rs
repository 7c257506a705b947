//! The retrievable corpus: every artifact as a reader sees it (a Slack thread, a ticket with its
//! comments and history, a page, a pull request with its reviews, an email), with a stable id, kind,
//! author, time and access list. Provenance (event ids) is kept beside the text, never in it.

mod confluence;
mod email;
mod github;
mod jira;
mod slack;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::Serialize;

use crate::error::DatasetError;
use crate::run_dir::Run;

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A Slack thread (root and replies), or a lone message.
    SlackThread,
    /// A JIRA issue with its comments and history.
    JiraIssue,
    /// A Confluence page.
    ConfluencePage,
    /// A GitHub pull request with its reviews.
    PullRequest,
    /// One email message (`.eml`).
    Email,
}

impl DocumentKind {
    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::SlackThread => "slack_thread",
            DocumentKind::JiraIssue => "jira_issue",
            DocumentKind::ConfluencePage => "confluence_page",
            DocumentKind::PullRequest => "pull_request",
            DocumentKind::Email => "email",
        }
    }
}

/// One retrievable document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Stable id derived from the artifact's own ids (`jira-PLAT-12`, `github-pr-87`,
    /// `confluence-10025`, `slack-platform-1773238229.208000`, `email-eml-3.1.a62ce269`).
    pub id: String,
    /// What it is.
    pub kind: DocumentKind,
    /// Title as the tool shows it.
    pub title: String,
    /// Plain text a reader sees.
    pub text: String,
    /// Person id of the author (reporter, page author, PR author, thread starter, email sender;
    /// the sender's address for email from outside the company).
    pub author: String,
    /// When it was created, RFC 3339 with the company's offset.
    pub timestamp: String,
    /// Business day it was created.
    pub day: u32,
    /// Person ids who could read it, sorted.
    pub access: Vec<String>,
    /// Run files it was rendered from, relative to the run directory.
    pub source: Vec<String>,
    /// Held out: event ids the document carries (from the artifacts' provenance).
    #[serde(skip)]
    pub events: BTreeSet<String>,
    /// Held out: the key a reader would type to find it (ticket key, `#87`, page id, Message-ID).
    #[serde(skip)]
    pub handle: String,
    /// Held out: creation time, parsed.
    #[serde(skip)]
    pub created: DateTime<FixedOffset>,
}

/// The corpus with lookups from events and handles to documents.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Documents sorted by id.
    pub documents: Vec<Document>,
    by_id: BTreeMap<String, usize>,
    by_event: BTreeMap<String, Vec<usize>>,
}

impl Corpus {
    /// Builds the corpus from a run's artifact files.
    pub fn build(run: &Run) -> Result<Corpus, DatasetError> {
        let zone: Tz = run.scenario.company.timezone.parse().map_err(|_| {
            DatasetError::bad_input(
                &run.root.join(crate::run_dir::SCENARIO_FILE),
                None,
                format!("unknown time zone `{}`", run.scenario.company.timezone),
            )
        })?;
        let context = Context::new(run, zone);
        let mut documents = Vec::new();
        documents.extend(slack::documents(run, &context)?);
        documents.extend(jira::documents(run, &context)?);
        documents.extend(confluence::documents(run, &context)?);
        documents.extend(github::documents(run, &context)?);
        documents.extend(email::documents(run, &context)?);
        documents.sort_by(|a, b| a.id.cmp(&b.id));
        let mut corpus = Corpus::default();
        for (index, document) in documents.iter().enumerate() {
            if corpus.by_id.insert(document.id.clone(), index).is_some() {
                return Err(DatasetError::BadInput(format!(
                    "{}: two artifacts give the document id {}",
                    run.root.display(),
                    document.id
                )));
            }
            for event in &document.events {
                corpus
                    .by_event
                    .entry(event.clone())
                    .or_default()
                    .push(index);
            }
        }
        corpus.documents = documents;
        Ok(corpus)
    }

    /// The document with this id.
    pub fn get(&self, id: &str) -> Option<&Document> {
        self.by_id.get(id).map(|&index| &self.documents[index])
    }

    /// Documents that carry an event, sorted by id.
    pub fn of_event(&self, event: &str) -> Vec<&Document> {
        self.by_event
            .get(event)
            .map(|indices| {
                indices
                    .iter()
                    .map(|&index| &self.documents[index])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Documents of one kind that carry an event.
    pub fn of_event_kind(&self, event: &str, kind: DocumentKind) -> Vec<&Document> {
        self.of_event(event)
            .into_iter()
            .filter(|d| d.kind == kind)
            .collect()
    }
}

/// Names and memberships the renderers need.
pub(crate) struct Context {
    pub zone: Tz,
    /// Person id -> display name.
    pub names: BTreeMap<String, String>,
    /// Every person of the roster.
    pub everyone: Vec<String>,
    /// People of departments that ship code.
    pub engineers: BTreeSet<String>,
    /// Date (YYYY-MM-DD) -> business day.
    pub days: BTreeMap<String, u32>,
    /// Lower-case email address -> person id.
    pub emails: BTreeMap<String, String>,
}

impl Context {
    fn new(run: &Run, zone: Tz) -> Context {
        let names: BTreeMap<String, String> = run
            .roster
            .people
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect();
        let coding: BTreeSet<&str> = run
            .scenario
            .departments
            .iter()
            .filter(|d| d.ships_code)
            .map(|d| d.id.as_str())
            .collect();
        let engineers = run
            .roster
            .people
            .iter()
            .filter(|p| coding.contains(p.department.as_str()))
            .map(|p| p.id.clone())
            .collect();
        let mut days = BTreeMap::new();
        for event in &run.events {
            days.entry(event.date.to_string()).or_insert(event.day);
        }
        let emails = run
            .roster
            .people
            .iter()
            .filter(|p| !p.email.is_empty())
            .map(|p| (p.email.to_lowercase(), p.id.clone()))
            .collect();
        Context {
            zone,
            emails,
            everyone: names.keys().cloned().collect(),
            names,
            engineers,
            days,
        }
    }

    /// Display name of a person id (the id itself when unknown).
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    /// Person id of an employee's email address (case-insensitive).
    pub fn person_of_email(&self, address: &str) -> Option<&str> {
        self.emails.get(&address.to_lowercase()).map(String::as_str)
    }

    /// Business day of a local time (the nearest earlier business day on a day off).
    pub fn day_of(&self, time: &DateTime<FixedOffset>) -> u32 {
        let date = time.date_naive().to_string();
        self.days
            .range(..=date)
            .next_back()
            .map_or(0, |(_, &day)| day)
    }

    /// A UTC instant in the company's zone, as a fixed-offset time.
    pub fn local(&self, time: DateTime<chrono::Utc>) -> DateTime<FixedOffset> {
        time.with_timezone(&self.zone).fixed_offset()
    }
}

/// "2026-03-10 14:23" for texts.
pub(crate) fn display_time(time: &DateTime<FixedOffset>) -> String {
    time.format("%Y-%m-%d %H:%M").to_string()
}

/// A JSON string field, or "".
pub(crate) fn text_at<'a>(value: &'a serde_json::Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// Provenance list `orgforge.events` of a JSON artifact.
pub(crate) fn provenance(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .pointer("/orgforge/events")
        .and_then(|v| v.as_array())
        .map(|events| {
            events
                .iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Parses a JSON artifact or fails naming it.
pub(crate) fn parse_json(
    run: &Run,
    path: &str,
    bytes: &[u8],
) -> Result<serde_json::Value, DatasetError> {
    serde_json::from_slice(bytes).map_err(|e| {
        DatasetError::bad_input(
            &run.root.join(path),
            Some(e.line()),
            format!("not JSON: {e}"),
        )
    })
}

/// sha256 of a document's text, for the native corpus.
pub fn text_sha256(text: &str) -> String {
    orgforge_engine::log::sha256_hex(text.as_bytes())
}
