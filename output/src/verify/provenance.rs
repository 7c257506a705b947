//! `provenance`: events and artifacts name each other both ways (SPEC invariant 4), and no
//! artifact file is an orphan.

use std::collections::{BTreeMap, BTreeSet};

use super::stats::artifact_kind;
use super::{Check, Context, Findings};
use crate::paths::check_relative_path;

/// Runs the check.
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("provenance");
    let events = run.events_by_id();

    // Each artifact file's provenance: the event ids it names.
    let mut named: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for day in &run.slack_days {
        let ids = named.entry(day.path.as_str()).or_default();
        for message in &day.messages {
            match &message.orgforge_event {
                Some(id) => {
                    ids.insert(id.as_str());
                }
                None => findings.flag(format!("{} ts {}: no orgforge_event", day.path, message.ts)),
            }
        }
    }
    for issue in &run.issues {
        named.insert(
            &issue.path,
            issue
                .value
                .orgforge
                .events
                .iter()
                .map(String::as_str)
                .collect(),
        );
    }
    for pull in &run.pulls {
        named.insert(
            &pull.path,
            pull.value
                .orgforge
                .events
                .iter()
                .map(String::as_str)
                .collect(),
        );
    }
    for email in &run.emails {
        named.insert(
            &email.path,
            email.value.events.iter().map(String::as_str).collect(),
        );
    }
    for page in &run.pages {
        named.insert(
            &page.path,
            page.value.events.iter().map(String::as_str).collect(),
        );
    }

    for (path, ids) in &named {
        if ids.is_empty() {
            findings.flag(format!("{path}: names no events"));
        }
        for id in ids {
            match events.get(id) {
                None => findings.flag(format!("{path}: names {id}, which is not in events.jsonl")),
                Some(event) if !event.artifacts.iter().any(|artifact| artifact == path) => {
                    findings.flag(format!("{path}: names {id}, which does not list it back"))
                }
                Some(_) => {}
            }
        }
    }

    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for event in &run.events {
        for path in &event.artifacts {
            listed.insert(path);
            if let Err(reason) = check_relative_path(path) {
                findings.flag(format!(
                    "{}: artifact path `{path}` is unsafe: {reason}",
                    event.id
                ));
            } else if !run.files.contains_key(path) {
                findings.flag(format!("{}: lists {path}, which does not exist", event.id));
            } else if let Some(ids) = named.get(path.as_str())
                && !ids.contains(event.id.as_str())
            {
                findings.flag(format!(
                    "{}: lists {path}, which does not name it",
                    event.id
                ));
            }
        }
    }

    for path in run.files.keys() {
        if artifact_kind(path).is_some() && !listed.contains(path.as_str()) {
            findings.flag(format!("{path}: orphan (no event lists it)"));
        }
    }
    findings.finish()
}
