//! JIRA issues: fields, description, comments and the assignee/status history.

use chrono::{DateTime, FixedOffset};

use super::{Context, Document, DocumentKind, display_time, parse_json, provenance, text_at};
use crate::error::DatasetError;
use crate::run_dir::Run;

/// JIRA's time format, `2026-03-10T14:23:07.000-0500`.
pub(super) fn parse_jira_time(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.3f%z").ok()
}

/// One document per `jira/<KEY>.json`.
pub(super) fn documents(run: &Run, context: &Context) -> Result<Vec<Document>, DatasetError> {
    let mut documents = Vec::new();
    for (path, bytes) in &run.artifacts {
        let parts: Vec<&str> = path.split('/').collect();
        let ["jira", file] = parts.as_slice() else {
            continue;
        };
        if !file.ends_with(".json") {
            continue;
        }
        let issue = parse_json(run, path, bytes)?;
        let key = text_at(&issue, "/key").to_string();
        let Some(created) = parse_jira_time(text_at(&issue, "/fields/created")) else {
            return Err(DatasetError::bad_input(
                &run.root.join(path),
                None,
                "not a JIRA issue (no parsable fields.created)",
            ));
        };
        let fields = issue.get("fields").cloned().unwrap_or_default();
        let reporter = text_at(&fields, "/reporter/name").to_string();
        let assignee = text_at(&fields, "/assignee/name");
        let mut text = String::new();
        text.push_str(&format!(
            "{} {} in {}. Status: {}. Priority: {}.\n",
            text_at(&fields, "/issuetype/name"),
            key,
            text_at(&fields, "/project/name"),
            text_at(&fields, "/status/name"),
            text_at(&fields, "/priority/name"),
        ));
        text.push_str(&format!(
            "Reporter: {}. Assignee: {}.\n",
            context.name(&reporter),
            if assignee.is_empty() {
                "unassigned"
            } else {
                context.name(assignee)
            }
        ));
        text.push_str(&format!("Created: {}.", display_time(&created)));
        if let Some(resolved) = parse_jira_time(text_at(&fields, "/resolutiondate")) {
            text.push_str(&format!(" Resolved: {}.", display_time(&resolved)));
        }
        text.push('\n');
        let sprint = text_at(&fields, "/sprint/name");
        if !sprint.is_empty() {
            text.push_str(&format!("Sprint: {sprint}.\n"));
        }
        let components: Vec<&str> = fields
            .get("components")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
            .map(|c| text_at(c, "/name"))
            .collect();
        if !components.is_empty() {
            text.push_str(&format!("Components: {}.\n", components.join(", ")));
        }
        if let Some(points) = fields.get("customfield_10016").and_then(|p| p.as_u64()) {
            text.push_str(&format!("Story points: {points}.\n"));
        }
        text.push('\n');
        text.push_str(text_at(&fields, "/description"));
        text.push('\n');
        let comments = fields
            .pointer("/comment/comments")
            .and_then(|c| c.as_array())
            .cloned()
            .unwrap_or_default();
        if !comments.is_empty() {
            text.push_str("\nComments:\n");
            for comment in &comments {
                let when = parse_jira_time(text_at(comment, "/created"))
                    .map(|t| display_time(&t))
                    .unwrap_or_default();
                text.push_str(&format!(
                    "{} ({when}): {}\n",
                    context.name(text_at(comment, "/author/name")),
                    text_at(comment, "/body")
                ));
            }
        }
        let histories = issue
            .pointer("/changelog/histories")
            .and_then(|h| h.as_array())
            .cloned()
            .unwrap_or_default();
        let mut history = String::new();
        for entry in &histories {
            let when = parse_jira_time(text_at(entry, "/created"))
                .map(|t| display_time(&t))
                .unwrap_or_default();
            for item in entry
                .get("items")
                .and_then(|i| i.as_array())
                .into_iter()
                .flatten()
            {
                let field = text_at(item, "/field");
                if field == "status" || field == "assignee" || field == "resolution" {
                    history.push_str(&format!(
                        "{when} {} changed {field} from {} to {}\n",
                        context.name(text_at(entry, "/author/name")),
                        text_at(item, "/fromString"),
                        text_at(item, "/toString"),
                    ));
                }
            }
        }
        if !history.is_empty() {
            text.push_str("\nHistory:\n");
            text.push_str(&history);
        }
        documents.push(Document {
            id: format!("jira-{key}"),
            kind: DocumentKind::JiraIssue,
            title: format!("{key}: {}", text_at(&fields, "/summary")),
            text,
            author: reporter,
            timestamp: created.to_rfc3339(),
            day: context.day_of(&created),
            access: context.everyone.clone(),
            source: vec![path.clone()],
            events: provenance(&issue),
            handle: key,
            created,
        });
    }
    Ok(documents)
}
