//! `manifest`: every listed file exists with its sha256, nothing is unlisted, and the manifest's
//! scenario hash and counts match the files.

use std::collections::BTreeMap;

use super::{Check, Context, Findings};
use crate::manifest::{MANIFEST_FILE, RUN_FILE};
use crate::paths::check_relative_path;
use crate::write::SCENARIO_FILE;

/// Runs the check.
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("manifest");
    let Some(manifest) = &run.manifest else {
        findings.flag("manifest.json is missing or unreadable");
        return findings.finish();
    };
    for (path, sha256) in &manifest.files {
        if let Err(reason) = check_relative_path(path) {
            findings.flag(format!("{path}: listed path is unsafe: {reason}"));
            continue;
        }
        if path == MANIFEST_FILE || path == RUN_FILE {
            findings.flag(format!("{path}: must not be listed"));
            continue;
        }
        match run.files.get(path) {
            None => findings.flag(format!("{path}: listed but missing")),
            Some(actual) if actual != sha256 => {
                findings.flag(format!("{path}: sha256 differs from the manifest"))
            }
            Some(_) => {}
        }
    }
    for path in run.files.keys().chain(&run.irregular) {
        if path != MANIFEST_FILE && path != RUN_FILE && !manifest.files.contains_key(path) {
            findings.flag(format!("{path}: present but not listed"));
        }
    }
    match run.files.get(SCENARIO_FILE) {
        Some(sha256) if *sha256 == manifest.scenario_sha256 => {}
        _ => findings.flag("scenario_sha256 does not match scenario.yaml"),
    }
    if let Some(scenario) = &run.scenario
        && scenario.seed != manifest.seed
    {
        findings.flag(format!(
            "seed {} differs from the scenario's {}",
            manifest.seed, scenario.seed
        ));
    }
    if let Some(snapshot) = &run.snapshot
        && snapshot.days != manifest.days
    {
        findings.flag(format!(
            "days {} differs from the snapshot's {}",
            manifest.days, snapshot.days
        ));
    }

    let mut expected: BTreeMap<String, u64> = super::stats::artifact_counts(run);
    expected.insert("events".to_string(), run.event_lines);
    let chains = super::stats::chain_count(run);
    if chains > 0 {
        expected.insert("chains".to_string(), chains);
    }
    if let Some(snapshot) = &run.snapshot {
        expected.insert("people".to_string(), snapshot.roster.people.len() as u64);
    }
    for (name, count) in &expected {
        let listed = manifest.counts.get(name).copied().unwrap_or(0);
        if listed != *count {
            findings.flag(format!("counts.{name} is {listed}, the files hold {count}"));
        }
    }
    for (name, listed) in &manifest.counts {
        if !expected.contains_key(name) && *listed != 0 {
            findings.flag(format!("counts.{name} is {listed}, the files hold 0"));
        }
    }
    findings.finish()
}
