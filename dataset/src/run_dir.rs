//! Reading a finished run directory: the manifest, the event log (typed, hash-chained), the
//! snapshot, the resolved scenario and the corpus files, each checked against the manifest.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use orgforge_engine::event::Event;
use orgforge_engine::log::{GENESIS_HASH, event_hash, sha256_hex};
use orgforge_engine::outcome::Roster;
use orgforge_engine::scenario::Scenario;

use crate::error::DatasetError;

/// The event log's file name in a run directory.
pub const EVENTS_FILE: &str = "events.jsonl";
/// The manifest's file name; `orgforge simulate` installs a run only once it is complete.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The final state's file name.
pub const SNAPSHOT_FILE: &str = "snapshot.json";
/// The resolved scenario's file name.
pub const SCENARIO_FILE: &str = "scenario.yaml";
/// Top-level folders whose files are retrievable artifacts.
pub const CORPUS_FOLDERS: [&str; 5] = ["slack", "jira", "confluence", "git", "email"];

/// A finished run as read from disk.
#[derive(Debug)]
pub struct Run {
    /// The run directory.
    pub root: PathBuf,
    /// sha256 of `manifest.json`: identifies the run an export was made from.
    pub manifest_sha256: String,
    /// orgforge version that wrote the run.
    pub version: String,
    /// The run's seed.
    pub seed: u64,
    /// The event log in sequence order (the answer key; never part of the corpus).
    pub events: Vec<Event>,
    /// Everyone who worked at the company during the run (from `snapshot.json`).
    pub roster: Roster,
    /// Business days simulated.
    pub days: u32,
    /// The resolved scenario (departments, channels, systems).
    pub scenario: Scenario,
    /// Corpus artifact files: relative path -> bytes, sorted by path.
    pub artifacts: BTreeMap<String, Vec<u8>>,
}

impl Run {
    /// Reads and checks a run directory. Every failure is [`DatasetError::BadInput`] naming the
    /// file (and line, for the event log).
    pub fn load(root: &Path) -> Result<Run, DatasetError> {
        if !root.is_dir() {
            return Err(DatasetError::bad_input(
                root,
                None,
                "not a directory (expected a run written by `orgforge simulate`)",
            ));
        }
        let manifest_path = root.join(MANIFEST_FILE);
        if !manifest_path.is_file() {
            return Err(DatasetError::bad_input(
                root,
                None,
                "not a finished orgforge run: it has no manifest.json (a run gets its manifest when it is complete)",
            ));
        }
        let manifest_bytes = read(&manifest_path)?;
        let manifest: serde_json::Value = serde_json::from_slice(&manifest_bytes).map_err(|e| {
            DatasetError::bad_input(&manifest_path, Some(e.line()), format!("not JSON: {e}"))
        })?;
        let files = manifest_files(&manifest, &manifest_path)?;
        let version = manifest
            .get("version")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let seed = manifest
            .get("seed")
            .and_then(|v| v.as_u64())
            .unwrap_or_default();
        for required in [EVENTS_FILE, SNAPSHOT_FILE, SCENARIO_FILE] {
            if !files.contains_key(required) {
                return Err(DatasetError::bad_input(
                    &manifest_path,
                    None,
                    format!("does not list {required}: not an orgforge run manifest"),
                ));
            }
        }

        let events_path = root.join(EVENTS_FILE);
        let events_bytes = read(&events_path)?;
        let events = parse_events(&events_path, &events_bytes)?;
        check_hash(&events_path, &events_bytes, &files[EVENTS_FILE])?;

        let snapshot_path = root.join(SNAPSHOT_FILE);
        let snapshot_bytes = read(&snapshot_path)?;
        check_hash(&snapshot_path, &snapshot_bytes, &files[SNAPSHOT_FILE])?;
        // Only the roster and the day count are read: the rest of the snapshot may grow freely.
        let snapshot: serde_json::Value = serde_json::from_slice(&snapshot_bytes).map_err(|e| {
            DatasetError::bad_input(&snapshot_path, Some(e.line()), format!("not JSON: {e}"))
        })?;
        let roster: Roster = snapshot
            .get("roster")
            .cloned()
            .ok_or_else(|| {
                DatasetError::bad_input(
                    &snapshot_path,
                    None,
                    "has no roster: not an orgforge snapshot",
                )
            })
            .and_then(|r| {
                serde_json::from_value(r).map_err(|e| {
                    DatasetError::bad_input(&snapshot_path, None, format!("roster: {e}"))
                })
            })?;
        let days = snapshot
            .get("days")
            .and_then(|d| d.as_u64())
            .and_then(|d| u32::try_from(d).ok())
            .unwrap_or_default();

        let scenario_path = root.join(SCENARIO_FILE);
        let scenario_bytes = read(&scenario_path)?;
        check_hash(&scenario_path, &scenario_bytes, &files[SCENARIO_FILE])?;
        let scenario_text = std::str::from_utf8(&scenario_bytes).map_err(|e| {
            DatasetError::bad_input(&scenario_path, None, format!("not UTF-8: {e}"))
        })?;
        let scenario: Scenario = serde_saphyr::from_str(scenario_text).map_err(|e| {
            DatasetError::bad_input(
                &scenario_path,
                None,
                format!("not an orgforge scenario: {e}"),
            )
        })?;

        let mut artifacts = BTreeMap::new();
        for (relative, sha256) in &files {
            let top = relative.split('/').next().unwrap_or_default();
            if !CORPUS_FOLDERS.contains(&top) {
                continue;
            }
            if relative
                .split('/')
                .any(|part| part.is_empty() || part == "." || part == "..")
            {
                return Err(DatasetError::bad_input(
                    &manifest_path,
                    None,
                    format!("lists an unsafe path `{relative}`"),
                ));
            }
            let path = root.join(relative);
            let bytes = read(&path)?;
            check_hash(&path, &bytes, sha256)?;
            artifacts.insert(relative.clone(), bytes);
        }
        Ok(Run {
            root: root.to_path_buf(),
            manifest_sha256: sha256_hex(&manifest_bytes),
            version,
            seed,
            events,
            roster,
            days,
            scenario,
            artifacts,
        })
    }
}

fn read(path: &Path) -> Result<Vec<u8>, DatasetError> {
    fs::read(path).map_err(|e| DatasetError::bad_input(path, None, format!("cannot be read: {e}")))
}

fn manifest_files(
    manifest: &serde_json::Value,
    path: &Path,
) -> Result<BTreeMap<String, String>, DatasetError> {
    let Some(object) = manifest.get("files").and_then(|f| f.as_object()) else {
        return Err(DatasetError::bad_input(
            path,
            None,
            "has no `files` object: not an orgforge run manifest",
        ));
    };
    let mut files = BTreeMap::new();
    for (relative, sha256) in object {
        let Some(sha256) = sha256.as_str() else {
            return Err(DatasetError::bad_input(
                path,
                None,
                format!("`files.{relative}` is not a sha256 string"),
            ));
        };
        files.insert(relative.clone(), sha256.to_string());
    }
    Ok(files)
}

fn check_hash(path: &Path, bytes: &[u8], expected: &str) -> Result<(), DatasetError> {
    if sha256_hex(bytes) == expected {
        Ok(())
    } else {
        Err(DatasetError::bad_input(
            path,
            None,
            "its sha256 differs from the one in manifest.json: the run is corrupt or was modified",
        ))
    }
}

/// Parses `events.jsonl` into typed events, checking the sequence and the hash chain. A line
/// that is not an orgforge event (foreign, truncated, tampered) fails with its line number.
pub fn parse_events(path: &Path, bytes: &[u8]) -> Result<Vec<Event>, DatasetError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| DatasetError::bad_input(path, None, format!("not UTF-8: {e}")))?;
    let mut events: Vec<Event> = Vec::new();
    let mut previous = GENESIS_HASH.to_string();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let event: Event = serde_json::from_str(line).map_err(|e| {
            DatasetError::bad_input(path, Some(number), format!("not an orgforge event: {e}"))
        })?;
        if event.seq != number as u64 {
            return Err(DatasetError::bad_input(
                path,
                Some(number),
                format!("sequence number {} where {number} was expected", event.seq),
            ));
        }
        if event.prev_hash != previous {
            return Err(DatasetError::bad_input(
                path,
                Some(number),
                "prev_hash does not chain to the previous event (truncated or reordered log)",
            ));
        }
        if event_hash(&event) != event.hash {
            return Err(DatasetError::bad_input(
                path,
                Some(number),
                "hash does not match the event's content (corrupt or tampered)",
            ));
        }
        previous = event.hash.clone();
        events.push(event);
    }
    if events.is_empty() {
        return Err(DatasetError::bad_input(path, None, "holds no events"));
    }
    Ok(events)
}
