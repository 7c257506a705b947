//! GitHub pull requests: description, reviews in order, merge. Visible to engineering.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, Utc};

use super::{Context, Document, DocumentKind, display_time, parse_json, provenance, text_at};
use crate::error::DatasetError;
use crate::run_dir::Run;

fn local(context: &Context, text: &str) -> Option<DateTime<FixedOffset>> {
    let utc: DateTime<Utc> = DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc);
    Some(context.local(utc))
}

/// One document per `git/prs/<n>.json`.
pub(super) fn documents(run: &Run, context: &Context) -> Result<Vec<Document>, DatasetError> {
    let mut documents = Vec::new();
    for (path, bytes) in &run.artifacts {
        let parts: Vec<&str> = path.split('/').collect();
        let ["git", "prs", file] = parts.as_slice() else {
            continue;
        };
        if !file.ends_with(".json") {
            continue;
        }
        let pull = parse_json(run, path, bytes)?;
        let Some(number) = pull.get("number").and_then(|n| n.as_u64()) else {
            return Err(DatasetError::bad_input(
                &run.root.join(path),
                None,
                "not a pull request (no number)",
            ));
        };
        let Some(created) = local(context, text_at(&pull, "/created_at")) else {
            return Err(DatasetError::bad_input(
                &run.root.join(path),
                None,
                "not a pull request (no parsable created_at)",
            ));
        };
        let author = text_at(&pull, "/user/login").to_string();
        let mut text = format!(
            "Pull request #{number} in {} by {}, opened {}. Branch {} into {}.\n",
            text_at(&pull, "/base/repo/full_name"),
            context.name(&author),
            display_time(&created),
            text_at(&pull, "/head/ref"),
            text_at(&pull, "/base/ref"),
        );
        let requested: Vec<&str> = pull
            .get("requested_reviewers")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
            .map(|r| context.name(text_at(r, "/login")))
            .collect();
        if !requested.is_empty() {
            text.push_str(&format!("Requested reviewers: {}.\n", requested.join(", ")));
        }
        text.push('\n');
        text.push_str(text_at(&pull, "/body"));
        text.push('\n');
        let reviews = pull
            .get("reviews")
            .and_then(|r| r.as_array())
            .cloned()
            .unwrap_or_default();
        if !reviews.is_empty() {
            text.push_str("\nReviews:\n");
            for review in &reviews {
                let when = local(context, text_at(review, "/submitted_at"))
                    .map(|t| display_time(&t))
                    .unwrap_or_default();
                let state = match text_at(review, "/state") {
                    "APPROVED" => "approved",
                    "CHANGES_REQUESTED" => "requested changes",
                    other => other,
                };
                text.push_str(&format!(
                    "{} {state} ({when}): {}\n",
                    context.name(text_at(review, "/user/login")),
                    text_at(review, "/body")
                ));
            }
        }
        if pull.get("merged").and_then(|m| m.as_bool()) == Some(true) {
            let when = local(context, text_at(&pull, "/merged_at"))
                .map(|t| display_time(&t))
                .unwrap_or_default();
            text.push_str(&format!(
                "\nMerged by {} on {when}.\n",
                context.name(text_at(&pull, "/merged_by/login"))
            ));
        } else {
            text.push_str(&format!("\nState: {}.\n", text_at(&pull, "/state")));
        }
        let mut access: BTreeSet<String> = context.engineers.clone();
        access.insert(author.clone());
        for review in &reviews {
            access.insert(text_at(review, "/user/login").to_string());
        }
        documents.push(Document {
            id: format!("github-pr-{number}"),
            kind: DocumentKind::PullRequest,
            title: format!("#{number} {}", text_at(&pull, "/title")),
            text,
            author,
            timestamp: created.to_rfc3339(),
            day: context.day_of(&created),
            access: access.into_iter().filter(|p| !p.is_empty()).collect(),
            source: vec![path.clone()],
            events: provenance(&pull),
            handle: format!("#{number}"),
            created,
        });
    }
    Ok(documents)
}
