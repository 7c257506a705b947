//! Logical artifacts the engine decides exist, and their paths relative to the output directory.
//!
//! **API boundary**: the engine names each artifact an event produces (a fact: "a ticket was
//! created"); `generators` renders it and `output` writes it at [`ArtifactRef::path`]. Paths are
//! built from ids only, never from free text, so a path can never escape the output directory.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One artifact of the corpus, identified by the ids that name its file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ArtifactRef {
    /// One channel's messages of one day: `slack/<channel>/<YYYY-MM-DD>.json`.
    SlackDay {
        /// Channel name without `#`.
        channel: String,
        /// Local date of the messages.
        date: NaiveDate,
    },
    /// A JIRA issue: `jira/<KEY-n>.json`.
    Jira {
        /// Issue key, e.g. "PLAT-12".
        key: String,
    },
    /// A Confluence page: `confluence/<SPACE>/<ID>.md`.
    Page {
        /// Space key.
        space: String,
        /// Numeric page id.
        id: u32,
    },
    /// A pull request: `git/prs/<n>.json`.
    PullRequest {
        /// Pull-request number.
        number: u32,
    },
    /// An email: `email/<mailbox>/<local part of the Message-ID>.eml`.
    Email {
        /// Person id whose mailbox files it.
        mailbox: String,
        /// Message-ID without angle brackets; its local part (before `@`) is unique in the run
        /// and made of path-safe characters.
        message_id: String,
    },
}

/// The kind of an artifact, for counts and corpus documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    /// Slack channel-day files.
    Slack,
    /// JIRA issues.
    Jira,
    /// Confluence pages.
    Confluence,
    /// Git pull requests.
    Git,
    /// Email messages.
    Email,
}

impl ArtifactKind {
    /// Snake-case name, as used in manifest counts.
    pub fn name(self) -> &'static str {
        match self {
            ArtifactKind::Slack => "slack",
            ArtifactKind::Jira => "jira",
            ArtifactKind::Confluence => "confluence",
            ArtifactKind::Git => "git",
            ArtifactKind::Email => "email",
        }
    }
}

impl ArtifactRef {
    /// Path relative to the output directory, with `/` separators.
    pub fn path(&self) -> String {
        match self {
            ArtifactRef::SlackDay { channel, date } => format!("slack/{channel}/{date}.json"),
            ArtifactRef::Jira { key } => format!("jira/{key}.json"),
            ArtifactRef::Page { space, id } => format!("confluence/{space}/{id}.md"),
            ArtifactRef::PullRequest { number } => format!("git/prs/{number}.json"),
            ArtifactRef::Email {
                mailbox,
                message_id,
            } => {
                let local = message_id.split('@').next().unwrap_or(message_id);
                format!("email/{mailbox}/{local}.eml")
            }
        }
    }

    /// The artifact's kind.
    pub fn kind(&self) -> ArtifactKind {
        match self {
            ArtifactRef::SlackDay { .. } => ArtifactKind::Slack,
            ArtifactRef::Jira { .. } => ArtifactKind::Jira,
            ArtifactRef::Page { .. } => ArtifactKind::Confluence,
            ArtifactRef::PullRequest { .. } => ArtifactKind::Git,
            ArtifactRef::Email { .. } => ArtifactKind::Email,
        }
    }
}

/// True when `name` is safe as one path component: ASCII letters, digits, `-`, `_`, `.`, not
/// starting with `.`, at most 80 bytes. Scenario validation applies it to every id used in a path.
pub fn is_safe_path_component(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 80
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}
