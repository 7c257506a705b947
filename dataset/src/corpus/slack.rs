//! Slack threads: a channel's messages grouped by `thread_ts`, across day files.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};

use super::{Context, Document, DocumentKind, display_time, parse_json, text_at};
use crate::error::DatasetError;
use crate::run_dir::Run;

struct Posted {
    ts: (u64, u64),
    ts_text: String,
    user: String,
    text: String,
    event: Option<String>,
    path: String,
}

/// One document per thread (or lone message) of every channel.
pub(super) fn documents(run: &Run, context: &Context) -> Result<Vec<Document>, DatasetError> {
    let mut users: BTreeMap<String, String> = BTreeMap::new();
    if let Some(bytes) = run.artifacts.get("slack/users.json") {
        let value = parse_json(run, "slack/users.json", bytes)?;
        for user in value.as_array().into_iter().flatten() {
            users.insert(
                text_at(user, "/id").to_string(),
                text_at(user, "/name").to_string(),
            );
        }
    }
    let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(bytes) = run.artifacts.get("slack/channels.json") {
        let value = parse_json(run, "slack/channels.json", bytes)?;
        for channel in value.as_array().into_iter().flatten() {
            let people = channel
                .get("members")
                .and_then(|m| m.as_array())
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str())
                .filter_map(|m| users.get(m).cloned())
                .collect();
            members.insert(text_at(channel, "/name").to_string(), people);
        }
    }
    let mut threads: BTreeMap<(String, String), Vec<Posted>> = BTreeMap::new();
    for (path, bytes) in &run.artifacts {
        let parts: Vec<&str> = path.split('/').collect();
        let ["slack", channel, file] = parts.as_slice() else {
            continue;
        };
        if !file.ends_with(".json") {
            continue;
        }
        let value = parse_json(run, path, bytes)?;
        let Some(messages) = value.as_array() else {
            return Err(DatasetError::bad_input(
                &run.root.join(path),
                None,
                "not a Slack channel-day file (expected an array of messages)",
            ));
        };
        for message in messages {
            let ts_text = text_at(message, "/ts").to_string();
            let Some(ts) = parse_ts(&ts_text) else {
                return Err(DatasetError::bad_input(
                    &run.root.join(path),
                    None,
                    format!("message with a malformed ts `{ts_text}`"),
                ));
            };
            let root = message
                .get("thread_ts")
                .and_then(|t| t.as_str())
                .unwrap_or(&ts_text)
                .to_string();
            let user = text_at(message, "/user");
            threads
                .entry((channel.to_string(), root))
                .or_default()
                .push(Posted {
                    ts,
                    ts_text: ts_text.clone(),
                    user: users.get(user).cloned().unwrap_or_else(|| user.to_string()),
                    text: resolve_mentions(text_at(message, "/text"), &users, context),
                    event: message
                        .get("orgforge_event")
                        .and_then(|e| e.as_str())
                        .map(str::to_string),
                    path: path.clone(),
                });
        }
    }
    let mut documents = Vec::new();
    for ((channel, root), mut posts) in threads {
        posts.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.ts_text.cmp(&b.ts_text)));
        let Some(first) = posts.first() else {
            continue;
        };
        let created = local_time(first.ts, context);
        let author = first.user.clone();
        let mut text = String::new();
        for post in &posts {
            let time = local_time(post.ts, context);
            text.push_str(&format!(
                "{} ({}): {}\n",
                context.name(&post.user),
                display_time(&time),
                post.text
            ));
        }
        let access: Vec<String> = members
            .get(&channel)
            .map(|m| m.iter().cloned().collect())
            .unwrap_or_default();
        let source: BTreeSet<String> = posts.iter().map(|p| p.path.clone()).collect();
        let events: BTreeSet<String> = posts.iter().filter_map(|p| p.event.clone()).collect();
        let title = format!(
            "#{channel}: thread started by {} on {}",
            context.name(&author),
            created.format("%Y-%m-%d")
        );
        documents.push(Document {
            id: format!("slack-{channel}-{root}"),
            kind: DocumentKind::SlackThread,
            title,
            text,
            author,
            timestamp: created.to_rfc3339(),
            day: context.day_of(&created),
            access,
            source: source.into_iter().collect(),
            events,
            handle: root,
            created,
        });
    }
    Ok(documents)
}

fn parse_ts(ts: &str) -> Option<(u64, u64)> {
    let (seconds, micros) = ts.split_once('.')?;
    Some((seconds.parse().ok()?, micros.parse().ok()?))
}

fn local_time(ts: (u64, u64), context: &Context) -> DateTime<FixedOffset> {
    let seconds = i64::try_from(ts.0).unwrap_or_default();
    let utc = DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    context.local(utc)
}

/// `<@U123>` -> `@Display Name`.
fn resolve_mentions(text: &str, users: &BTreeMap<String, String>, context: &Context) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('>') {
            Some(end) => {
                let user = &after[..end];
                let person = users.get(user).map_or(user, String::as_str);
                out.push('@');
                out.push_str(context.name(person));
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
