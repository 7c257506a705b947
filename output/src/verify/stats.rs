//! `stats`: measured figures of a run (counts per artifact kind, events per type, people, days,
//! prose, and recurrence detection quality when incidents exist).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Context;
use super::run_dir::RunDir;

/// Slack metadata files: corpus files that are no artifact kind.
pub(crate) const SLACK_METADATA: [&str; 2] = ["slack/users.json", "slack/channels.json"];

/// The artifact kind of a corpus path: its top-level directory (`slack`, `jira`, `confluence`,
/// `git`, ...). `None` for top-level files and Slack metadata.
pub(crate) fn artifact_kind(path: &str) -> Option<&str> {
    if SLACK_METADATA.contains(&path) {
        return None;
    }
    path.split_once('/').map(|(kind, _)| kind)
}

/// Files per artifact kind.
pub(crate) fn artifact_counts(run: &RunDir) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for path in run.files.keys() {
        if let Some(kind) = artifact_kind(path) {
            *counts.entry(kind.to_string()).or_insert(0) += 1;
        }
    }
    counts
}

/// The `stats` object of the report.
pub(crate) fn collect(context: &Context) -> Value {
    let run = &context.run;
    let mut events_by_type: BTreeMap<&str, u64> = BTreeMap::new();
    for event in &run.events {
        *events_by_type.entry(event.kind.type_name()).or_insert(0) += 1;
    }
    let mut stats = json!({
        "days": run.snapshot.as_ref().map(|snapshot| snapshot.days),
        "people": run.snapshot.as_ref().map(|snapshot| snapshot.roster.people.len()),
        "events": run.events.len(),
        "events_by_type": events_by_type,
        "artifacts": artifact_counts(run),
        "files": run.files.len(),
        "authored_items": context.items.len(),
    });
    if let (Some(manifest), Some(object)) = (&run.manifest, stats.as_object_mut()) {
        object.insert(
            "prose".to_string(),
            json!({
                "backend": manifest.prose.backend,
                "requests": manifest.prose.requests,
                "fallbacks": manifest.prose.fallbacks,
            }),
        );
    }
    if let (Some(recurrence), Some(object)) = (recurrence(run), stats.as_object_mut()) {
        object.insert("recurrence".to_string(), recurrence);
    }
    stats
}

/// Precision and recall of the recurrence detector, from `incident_opened.recurrence_of` (truth)
/// and `recurrence_detected.correct` (perception). `None` when the run has no incidents.
fn recurrence(run: &RunDir) -> Option<Value> {
    let mut incidents = 0u64;
    let mut true_recurrences = 0u64;
    let mut detected = 0u64;
    let mut correct = 0u64;
    for event in &run.events {
        let Ok(value) = serde_json::to_value(&event.kind) else {
            continue;
        };
        let facts = value.get("facts");
        match event.kind.type_name() {
            "incident_opened" => {
                incidents += 1;
                if facts
                    .and_then(|f| f.get("recurrence_of"))
                    .is_some_and(|v| !v.is_null())
                {
                    true_recurrences += 1;
                }
            }
            "recurrence_detected" => {
                detected += 1;
                if facts
                    .and_then(|f| f.get("correct"))
                    .and_then(Value::as_bool)
                    == Some(true)
                {
                    correct += 1;
                }
            }
            _ => {}
        }
    }
    if incidents == 0 {
        return None;
    }
    let ratio = |numerator: u64, denominator: u64| {
        (denominator > 0).then(|| numerator as f64 / denominator as f64)
    };
    Some(json!({
        "incidents": incidents,
        "true_recurrences": true_recurrences,
        "detected": detected,
        "correct": correct,
        "precision": ratio(correct, detected),
        "recall": ratio(correct, true_recurrences),
    }))
}
