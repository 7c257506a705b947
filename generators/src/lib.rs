//! orgforge-generators: turns the engine's events into the artifacts of the corpus (Slack
//! exports, JIRA issues, Confluence pages, GitHub pull requests, RFC 5322 email), following
//! `docs/FORMATS.md`.
//!
//! **Architecture invariant:** `generators` never changes an event and decides no fact. Every id,
//! name, date and number in an artifact comes from the event log, the roster or the scenario;
//! prose is written from a closed [`prose::FactPacket`]. Output bytes depend only on the outcome
//! and the prose backend, never on hash order, the clock or render order.
//!
//! **API boundary**: [`render`] and [`Corpus`] are what `output` consumes.

#![warn(missing_docs)]

mod confluence;
pub mod email;
mod github;
pub mod ids;
mod jira;
mod lookup;
mod postmortem;
pub mod prose;
mod slack;
pub mod time_format;

use std::collections::BTreeMap;

use orgforge_engine::artifact::ArtifactKind;
use orgforge_engine::event::Event;
use orgforge_engine::outcome::Outcome;
use serde::Serialize;

pub use prose::{ProseBackend, ProseError, ProseStats, TemplateBackend};

use crate::lookup::Lookup;

/// Every rendered file of a run, sorted by path, and how the prose backend did.
#[derive(Debug, Clone, PartialEq)]
pub struct Corpus {
    /// Files sorted by path.
    pub files: Vec<RenderedFile>,
    /// Prose backend counters after the render.
    pub prose: ProseStats,
}

/// One file of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedFile {
    /// Path relative to the output directory, `/`-separated.
    pub path: String,
    /// Artifact kind; `None` for Slack metadata (`users.json`, `channels.json`).
    pub kind: Option<ArtifactKind>,
    /// File content.
    pub bytes: Vec<u8>,
    /// Ids of every event whose `artifacts` lists this path, in sequence order.
    pub events: Vec<String>,
}

/// Why a render failed. Each names the event or path at fault.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// An event lists a path no renderer produces.
    #[error("{event} lists artifact `{path}`, which no renderer produces")]
    UnknownArtifactPath {
        /// Event id.
        event: String,
        /// The path.
        path: String,
    },
    /// A renderer would write content to a path its event does not list.
    #[error("{event} puts content in `{path}`, which the event does not list in its artifacts")]
    UnlistedArtifact {
        /// Event id.
        event: String,
        /// The path.
        path: String,
    },
    /// An artifact lacks the event that must create it.
    #[error("`{path}` has no `{expected}` event")]
    MissingEvent {
        /// The path.
        path: String,
        /// The event type that should exist.
        expected: &'static str,
    },
    /// Events are not in strictly increasing sequence order.
    #[error("event log out of order at {event}")]
    EventOrder {
        /// Event id.
        event: String,
    },
    /// An event names a person missing from the roster.
    #[error("{event} names `{person}`, who is not on the roster")]
    UnknownPerson {
        /// Event id.
        event: String,
        /// Person id.
        person: String,
    },
    /// An event names a system missing from the scenario.
    #[error("{event} names system `{system}`, which the scenario does not define")]
    UnknownSystem {
        /// Event id.
        event: String,
        /// System id.
        system: String,
    },
    /// A thread posts in a channel no department lists.
    #[error("{event} posts in `#{channel}`, which no department lists")]
    UnknownChannel {
        /// Event id.
        event: String,
        /// Channel name.
        channel: String,
    },
    /// A roster person has a style the prose layer does not know.
    #[error("person `{person}` has unknown writing style `{style}`")]
    UnknownStyle {
        /// Person id.
        person: String,
        /// The style.
        style: String,
    },
    /// A JIRA key without an issue number or project.
    #[error("ticket key `{key}` has no project or issue number")]
    BadTicketKey {
        /// The key.
        key: String,
    },
    /// Two people or channels derive the same Slack id.
    #[error("Slack id {id} derived twice (`{first}` and `{second}`)")]
    SlackIdCollision {
        /// The id.
        id: String,
        /// First name.
        first: String,
        /// Second name.
        second: String,
    },
    /// The company time zone is not an IANA name.
    #[error("unknown time zone `{0}`")]
    TimeZone(String),
    /// The prose backend failed.
    #[error("prose for {event}: {source}")]
    Prose {
        /// Event id.
        event: String,
        /// The backend's error.
        source: ProseError,
    },
    /// Serialization failed.
    #[error("serializing `{path}`: {message}")]
    Serialize {
        /// The path.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Pretty JSON (2-space indent) plus a trailing newline.
pub(crate) fn to_json_bytes<T: Serialize>(path: &str, value: &T) -> Result<Vec<u8>, RenderError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|error| RenderError::Serialize {
        path: path.to_string(),
        message: error.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The kind of artifact a path holds, from its layout (FORMATS.md).
fn artifact_kind(path: &str) -> Option<ArtifactKind> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["slack", _, file] if file.ends_with(".json") => Some(ArtifactKind::Slack),
        ["jira", file] if file.ends_with(".json") => Some(ArtifactKind::Jira),
        ["confluence", _, file] if file.ends_with(".md") => Some(ArtifactKind::Confluence),
        ["git", "prs", file] if file.ends_with(".json") => Some(ArtifactKind::Git),
        ["email", _, file] if file.ends_with(".eml") => Some(ArtifactKind::Email),
        _ => None,
    }
}

/// Renders every artifact the events name, plus Slack's `users.json` and `channels.json`.
///
/// Events are grouped by path in one pass; each path is rendered by its kind's renderer from the
/// events that list it, in sequence order. Fails, naming the path or event, when an event lists a
/// path no renderer produces, a renderer would write to a path its event does not list, or prose
/// lacks a required fact.
pub fn render(outcome: &Outcome, prose: &mut dyn ProseBackend) -> Result<Corpus, RenderError> {
    let lookup = Lookup::new(outcome)?;
    let mut by_path: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
    for event in &outcome.events {
        for path in &event.artifacts {
            by_path.entry(path.as_str()).or_default().push(event);
        }
    }
    for (path, events) in &by_path {
        if artifact_kind(path).is_none() {
            let event = events.first().map(|e| e.id.clone()).unwrap_or_default();
            return Err(RenderError::UnknownArtifactPath {
                event,
                path: path.to_string(),
            });
        }
    }

    let mut files = slack::render_metadata(&lookup)?;
    let mut slack_days = slack::render_messages(&lookup, prose)?;
    for (path, events) in &by_path {
        let kind = artifact_kind(path);
        let bytes = match kind {
            Some(ArtifactKind::Slack) => {
                slack::render_day(path, slack_days.remove(*path).unwrap_or_default())?
            }
            Some(ArtifactKind::Jira) => jira::render(&lookup, path, events, prose)?,
            Some(ArtifactKind::Confluence) => confluence::render(&lookup, path, events, prose)?,
            Some(ArtifactKind::Git) => github::render(&lookup, path, events, prose)?,
            Some(ArtifactKind::Email) => email::render(&lookup, path, events, prose)?,
            None => unreachable_kind(path, events)?,
        };
        files.push(RenderedFile {
            path: path.to_string(),
            kind,
            bytes,
            events: events.iter().map(|event| event.id.clone()).collect(),
        });
    }
    if let Some((path, messages)) = slack_days.into_iter().next() {
        let event = messages
            .first()
            .map(|message| message.event.clone())
            .unwrap_or_default();
        return Err(RenderError::UnlistedArtifact { event, path });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Corpus {
        files,
        prose: prose.stats(),
    })
}

/// Paths were checked above; this keeps the match total without a panic.
fn unreachable_kind(path: &str, events: &[&Event]) -> Result<Vec<u8>, RenderError> {
    Err(RenderError::UnknownArtifactPath {
        event: events.first().map(|e| e.id.clone()).unwrap_or_default(),
        path: path.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_kinds() {
        assert_eq!(
            artifact_kind("slack/platform/2026-03-02.json"),
            Some(ArtifactKind::Slack)
        );
        assert_eq!(artifact_kind("jira/PLAT-1.json"), Some(ArtifactKind::Jira));
        assert_eq!(
            artifact_kind("confluence/PLAT/101.md"),
            Some(ArtifactKind::Confluence)
        );
        assert_eq!(artifact_kind("git/prs/3.json"), Some(ArtifactKind::Git));
        assert_eq!(
            artifact_kind("email/ruth/eml-3.1.a1b2.eml"),
            Some(ArtifactKind::Email)
        );
        assert_eq!(artifact_kind("email/x.eml"), None);
        assert_eq!(artifact_kind("jira/a/b.json"), None);
    }
}
