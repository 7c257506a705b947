//! Readers for the artifact formats of `docs/FORMATS.md`: only the fields the checks need, so a
//! renderer may add fields freely. Unknown fields are ignored; missing required ones are errors.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;

/// A user of `slack/users.json`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SlackUser {
    pub id: String,
    /// The person id.
    pub name: String,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub is_bot: bool,
}

/// A channel of `slack/channels.json`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SlackChannel {
    pub name: String,
    #[serde(default)]
    pub creator: Option<String>,
    #[serde(default)]
    pub members: Vec<String>,
}

/// One message of a channel-day file.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SlackMessage {
    pub user: String,
    #[serde(default)]
    pub text: String,
    pub ts: String,
    #[serde(default)]
    pub thread_ts: Option<String>,
    #[serde(default)]
    pub parent_user_id: Option<String>,
    #[serde(default)]
    pub replies: Vec<SlackReplyRef>,
    #[serde(default)]
    pub orgforge_event: Option<String>,
    #[serde(default)]
    pub orgforge_after_hours: bool,
}

/// An entry of a thread root's `replies`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SlackReplyRef {
    pub user: String,
    pub ts: String,
}

/// `orgforge.events`: the provenance of a JIRA issue or a pull request.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Provenance {
    pub events: Vec<String>,
}

/// A JIRA issue.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct JiraIssue {
    pub key: String,
    pub fields: JiraFields,
    #[serde(default)]
    pub changelog: Option<JiraChangelog>,
    pub orgforge: Provenance,
}

/// The `fields` of a JIRA issue.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct JiraFields {
    #[serde(default)]
    pub assignee: Option<JiraUser>,
    #[serde(default)]
    pub reporter: Option<JiraUser>,
    pub created: String,
    #[serde(default)]
    pub updated: Option<String>,
    #[serde(default)]
    pub resolutiondate: Option<String>,
    #[serde(default)]
    pub comment: Option<JiraComments>,
    #[serde(default)]
    pub issuelinks: Vec<JiraIssueLink>,
}

/// A JIRA user; `name` is the person id.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct JiraUser {
    pub name: String,
}

/// The comment page of an issue.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct JiraComments {
    #[serde(default)]
    pub comments: Vec<JiraComment>,
}

/// One JIRA comment.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct JiraComment {
    pub author: JiraUser,
    pub created: String,
}

/// The changelog of an issue.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct JiraChangelog {
    #[serde(default)]
    pub histories: Vec<JiraHistory>,
}

/// One changelog entry (a system record, not an authored item).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct JiraHistory {
    #[serde(default)]
    pub author: Option<JiraUser>,
    pub created: String,
}

/// A link to another issue.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JiraIssueLink {
    #[serde(default)]
    pub inward_issue: Option<JiraLinkedIssue>,
    #[serde(default)]
    pub outward_issue: Option<JiraLinkedIssue>,
}

/// The issue at the other end of a link.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct JiraLinkedIssue {
    pub key: String,
}

/// A GitHub user; `login` is the person id.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct GitUser {
    pub login: String,
}

/// A pull request.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PullRequest {
    pub number: u64,
    #[serde(default)]
    pub body: Option<String>,
    pub user: GitUser,
    pub created_at: String,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default)]
    pub merged_at: Option<String>,
    #[serde(default)]
    pub merged: bool,
    #[serde(default)]
    pub merged_by: Option<GitUser>,
    #[serde(default)]
    pub requested_reviewers: Vec<GitUser>,
    #[serde(default)]
    pub reviews: Vec<Review>,
    #[serde(default)]
    pub linked_issue: Option<String>,
    pub orgforge: Provenance,
}

/// A review of a pull request.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Review {
    pub user: GitUser,
    pub submitted_at: String,
}

/// A scalar that YAML may give as a number or a string (page ids, links).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Scalar {
    Number(u64),
    Text(String),
}

impl Scalar {
    /// The scalar as text.
    pub fn text(&self) -> String {
        match self {
            Scalar::Number(number) => number.to_string(),
            Scalar::Text(text) => text.clone(),
        }
    }
}

/// The YAML front matter of a Confluence page.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PageFront {
    pub id: Scalar,
    #[serde(default)]
    pub space: Option<String>,
    pub author: String,
    pub created: String,
    #[serde(default)]
    pub links: Vec<Scalar>,
    pub events: Vec<String>,
}

/// Parses the front matter of a Markdown page: the YAML between a leading `---` line and the
/// next `---` line.
pub(crate) fn parse_page(text: &str) -> Result<PageFront, String> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or("no YAML front matter (the file must start with `---`)")?;
    let end = rest
        .find("\n---\n")
        .or_else(|| rest.find("\n---\r\n"))
        .or_else(|| rest.strip_suffix("\n---").map(str::len))
        .ok_or("the front matter is not closed by a `---` line")?;
    serde_saphyr::from_str(&rest[..=end]).map_err(|error| error.to_string())
}

/// A Slack `ts` ("<epoch seconds>.<6 digits>"), ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SlackTs {
    pub seconds: i64,
    pub micros: u32,
}

impl SlackTs {
    /// Parses a `ts`; `None` unless it is digits, a dot, and exactly six digits.
    pub fn parse(text: &str) -> Option<SlackTs> {
        let (seconds, micros) = text.split_once('.')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(seconds) || micros.len() != 6 || !digits(micros) {
            return None;
        }
        Some(SlackTs {
            seconds: seconds.parse().ok()?,
            micros: micros.parse().ok()?,
        })
    }

    /// The instant.
    pub fn instant(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.seconds, self.micros * 1000)
    }
}

/// Parses an RFC 3339 time (Confluence, events, GitHub's `Z` times).
pub(crate) fn parse_rfc3339(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok()
}

/// Parses a JIRA time (`2026-03-10T14:23:07.000-0500`), or RFC 3339 as a fallback.
pub(crate) fn parse_jira_time(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .ok()
        .or_else(|| parse_rfc3339(text))
}

/// True when `text` looks like a ticket key: uppercase project key, `-`, digits.
pub(crate) fn is_ticket_key(text: &str) -> bool {
    let Some((project, number)) = text.split_once('-') else {
        return false;
    };
    project
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_uppercase())
        && project
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Ticket keys named by `Closes KEY` in a pull-request body.
pub(crate) fn closed_keys(body: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut rest = body;
    while let Some(position) = rest.find("Closes ") {
        rest = &rest[position + "Closes ".len()..];
        let key: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if is_ticket_key(&key) {
            keys.push(key);
        }
    }
    keys
}

/// User ids mentioned as `<@U...>` in a Slack text.
pub(crate) fn mentions(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(position) = rest.find("<@") {
        rest = &rest[position + 2..];
        if let Some(end) = rest.find('>') {
            let id = &rest[..end];
            // `<@U123|name>` carries a label after the id.
            ids.push(id.split('|').next().unwrap_or(id).to_string());
            rest = &rest[end + 1..];
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_times_and_ids() {
        assert!(parse_jira_time("2026-03-10T14:23:07.000-0500").is_some());
        assert!(parse_jira_time("2026-03-10T14:23:07-05:00").is_some());
        assert!(parse_rfc3339("2026-03-10T19:23:07Z").is_some());
        assert_eq!(
            SlackTs::parse("1773170587.000123"),
            Some(SlackTs {
                seconds: 1773170587,
                micros: 123
            })
        );
        assert_eq!(SlackTs::parse("1773170587.12"), None);
        assert!(is_ticket_key("PLAT-12") && !is_ticket_key("plat-12") && !is_ticket_key("1001"));
        assert_eq!(
            closed_keys("Fixes things.\n\nCloses PLAT-12."),
            vec!["PLAT-12"]
        );
        assert_eq!(mentions("hi <@UABC> and <@UDEF|dee>"), vec!["UABC", "UDEF"]);
    }

    #[test]
    fn parses_front_matter() {
        let page = parse_page(
            "---\nid: 1001\ntitle: Notes\nspace: PLAT\nauthor: jax\ncreated: 2026-03-02T10:00:00-06:00\nlinks: [PLAT-1, 1002]\nevents: [EVT-000003]\n---\n# Notes\n",
        );
        let page = match page {
            Ok(page) => page,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(page.id.text(), "1001");
        assert_eq!(page.created, "2026-03-02T10:00:00-06:00");
        let links: Vec<String> = page.links.iter().map(Scalar::text).collect();
        assert_eq!(links, vec!["PLAT-1", "1002"]);
    }
}
