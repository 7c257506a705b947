//! `stats`: measured figures of a run (counts per artifact kind, events per type, people, days,
//! prose, and recurrence detection quality when incidents exist).

use std::collections::BTreeMap;

use orgforge_engine::event::EventKind;
use serde_json::{Value, json};

use super::Context;
use super::run_dir::RunDir;
use crate::chains::CHAINS_DIR;

/// Slack metadata files: corpus files that are no artifact kind.
pub(crate) const SLACK_METADATA: [&str; 2] = ["slack/users.json", "slack/channels.json"];

/// The artifact kind of a corpus path: its top-level directory (`slack`, `jira`, `confluence`,
/// `git`, ...). `None` for top-level files, Slack metadata and the causal chains (`chains/`),
/// which the writer derives from the log and no event lists.
pub(crate) fn artifact_kind(path: &str) -> Option<&str> {
    if SLACK_METADATA.contains(&path) {
        return None;
    }
    path.split_once('/')
        .map(|(kind, _)| kind)
        .filter(|kind| *kind != CHAINS_DIR)
}

/// Number of chain files (`chains/*.json`).
pub(crate) fn chain_count(run: &RunDir) -> u64 {
    run.files
        .keys()
        .filter(|path| path.starts_with(&format!("{CHAINS_DIR}/")))
        .count() as u64
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
        "chains": chain_count(run),
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
    if let (Some(email), Some(object)) = (email(run), stats.as_object_mut()) {
        object.insert("email".to_string(), email);
    }
    stats
}

/// Email figures (`stats.email`): messages per kind received and sent, relays, chains, drops
/// per gate, chains that passed each gate, and each gate's pass rate: of the inbound chains
/// that reached the gate (not dropped at an earlier one), the share not dropped there (null
/// when none reached it). `None` when the run has no email events.
pub(crate) fn email(run: &RunDir) -> Option<Value> {
    use crate::email::{GATES, chain_of, gate_name, gate_of};
    let mut received: BTreeMap<&str, u64> = BTreeMap::new();
    let mut sent: BTreeMap<&str, u64> = BTreeMap::new();
    let mut relayed = 0u64;
    let mut inbound_chains: BTreeMap<&str, Option<orgforge_engine::event::Gate>> = BTreeMap::new();
    let mut chains: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    let mut passed: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    let mut drops: Vec<(&str, orgforge_engine::event::Gate)> = Vec::new();
    for event in &run.events {
        let Some(chain) = chain_of(&event.kind) else {
            continue;
        };
        chains.insert(chain);
        match &event.kind {
            EventKind::EmailReceived(mail) => {
                *received
                    .entry(orgforge_generators::email::kind_name(mail.kind))
                    .or_insert(0) += 1;
                inbound_chains.entry(chain).or_insert(None);
            }
            EventKind::EmailSent(mail) => {
                *sent
                    .entry(orgforge_generators::email::kind_name(mail.kind))
                    .or_insert(0) += 1;
            }
            EventKind::EmailRelayed(_) => relayed += 1,
            EventKind::EmailDropped(dropped) => drops.push((chain, dropped.gate)),
            _ => {}
        }
        if let Some(gate) = gate_of(&event.kind) {
            passed.entry(gate_name(gate)).or_default().insert(chain);
        }
    }
    if chains.is_empty() {
        return None;
    }
    let mut dropped_at: BTreeMap<&str, u64> =
        GATES.iter().map(|gate| (gate_name(*gate), 0)).collect();
    for (chain, gate) in &drops {
        *dropped_at.entry(gate_name(*gate)).or_insert(0) += 1;
        if let Some(slot) = inbound_chains.get_mut(chain) {
            *slot = Some(slot.map_or(*gate, |earlier| earlier.min(*gate)));
        }
    }
    let mut pass_rate = serde_json::Map::new();
    for gate in GATES {
        let reached = inbound_chains
            .values()
            .filter(|drop| drop.is_none_or(|at| at >= gate))
            .count() as u64;
        let stopped = inbound_chains
            .values()
            .filter(|drop| **drop == Some(gate))
            .count() as u64;
        let rate = (reached > 0).then(|| (reached - stopped) as f64 / reached as f64);
        pass_rate.insert(gate_name(gate).to_string(), json!(rate));
    }
    let chains_passed: BTreeMap<&str, u64> = GATES
        .iter()
        .map(|gate| {
            let name = gate_name(*gate);
            (name, passed.get(name).map_or(0, |set| set.len() as u64))
        })
        .collect();
    Some(json!({
        "received": received,
        "sent": sent,
        "relayed": relayed,
        "chains": chains.len(),
        "inbound_chains": inbound_chains.len(),
        "dropped": drops.len(),
        "dropped_at": dropped_at,
        "chains_passed": chains_passed,
        "gate_pass_rate": pass_rate,
        "messages": run.emails.len(),
    }))
}

/// Quality of the recurrence detector (SPEC §7 `stats.recurrence`), from the `outcome` of every
/// `recurrence_detected` event: precision = TP / (TP + FP), recall = TP / (TP + missed), null
/// when the denominator is 0. Also the incidents and true recurrences of `incident_opened`.
/// `None` when the run has no incidents and no detections.
pub(crate) fn recurrence(run: &RunDir) -> Option<Value> {
    let mut incidents = 0u64;
    let mut true_recurrences = 0u64;
    let mut outcomes: BTreeMap<&str, u64> = BTreeMap::new();
    let mut unknown = 0u64;
    for event in &run.events {
        match &event.kind {
            EventKind::IncidentOpened(opened) => {
                incidents += 1;
                if opened.recurrence_of.is_some() {
                    true_recurrences += 1;
                }
            }
            EventKind::RecurrenceDetected(detected) => match detected.outcome.as_str() {
                outcome @ ("true_positive" | "false_positive" | "missed" | "true_negative") => {
                    *outcomes.entry(outcome).or_insert(0) += 1;
                }
                _ => unknown += 1,
            },
            _ => {}
        }
    }
    let detections: u64 = outcomes.values().sum::<u64>() + unknown;
    if incidents == 0 && detections == 0 {
        return None;
    }
    let count = |name: &str| outcomes.get(name).copied().unwrap_or(0);
    let (tp, fp, missed, tn) = (
        count("true_positive"),
        count("false_positive"),
        count("missed"),
        count("true_negative"),
    );
    let ratio = |numerator: u64, denominator: u64| {
        (denominator > 0).then(|| numerator as f64 / denominator as f64)
    };
    Some(json!({
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + missed),
        "true_positive": tp,
        "false_positive": fp,
        "missed": missed,
        "true_negative": tn,
        "unknown_outcome": unknown,
        "incidents": incidents,
        "true_recurrences": true_recurrences,
        "detections": detections,
    }))
}
