//! `write_run`: layout, manifest, SQLite, atomic replacement, byte identity.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use orgforge_engine::log::sha256_hex;
use orgforge_engine::scenario::Scenario;
use orgforge_output::{
    Manifest, OutputError, RenderedFile, RunInfo, VerifyReport, write_run, write_run_info,
};

use crate::{Dir, assert_failed, fixture, options, verified, write_fixture};

/// Every file under `root` by relative path.
pub fn all_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, files);
            } else if let Ok(relative) = path.strip_prefix(root) {
                files.insert(
                    relative.to_string_lossy().into_owned(),
                    fs::read(&path).unwrap_or_default(),
                );
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(root, root, &mut files);
    files
}

#[test]
fn a_written_run_verifies_clean() {
    let dir = Dir::new();
    let out = dir.path("run");
    let summary = write_fixture(&out, true);
    let report: VerifyReport = verified(&out);
    assert_failed(&report, &[]);
    assert_eq!(summary.events, 11);
    assert_eq!(summary.people, 4);
    assert_eq!(summary.days, 2);
    assert!(summary.sqlite && !summary.replaced);
    let counts: Vec<(&str, u64)> = summary
        .counts
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        counts,
        vec![("confluence", 1), ("git", 1), ("jira", 1), ("slack", 2)]
    );
    assert_eq!(report.stats["events"], 11);
    assert_eq!(report.stats["artifacts"]["slack"], 2);
    assert_eq!(report.stats["events_by_type"]["day_summary"], 2);
    // Only the run directory is left: no temporary siblings.
    assert_eq!(dir.entries(), vec!["run"]);
}

#[test]
fn the_layout_and_manifest_follow_the_spec() {
    let dir = Dir::new();
    let out = dir.path("run");
    write_fixture(&out, true);
    let files = all_files(&out);
    for name in [
        "manifest.json",
        "run.json",
        "scenario.yaml",
        "events.jsonl",
        "snapshot.json",
        "orgforge.db",
    ] {
        assert!(files.contains_key(name), "{name} missing");
    }
    let manifest: Manifest = match serde_json::from_slice(&files["manifest.json"]) {
        Ok(manifest) => manifest,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(manifest.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.seed, 11);
    assert_eq!(manifest.days, 2);
    assert_eq!(manifest.prose.backend, "template");
    assert_eq!(manifest.prose.model, None);
    assert_eq!(
        manifest.scenario_sha256,
        sha256_hex(&files["scenario.yaml"])
    );
    assert_eq!(manifest.counts["events"], 11);
    assert_eq!(manifest.counts["people"], 4);
    assert_eq!(manifest.counts["slack"], 2);
    let listed: Vec<&String> = manifest.files.keys().collect();
    let expected: Vec<&String> = files
        .keys()
        .filter(|p| *p != "manifest.json" && *p != "run.json")
        .collect();
    assert_eq!(listed, expected);
    for (path, sha256) in &manifest.files {
        assert_eq!(*sha256, sha256_hex(&files[path]), "{path}");
    }

    // One serde_json line per event, and the resolved scenario round-trips.
    let outcome = fixture::outcome(true);
    let text = String::from_utf8_lossy(&files["events.jsonl"]).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), outcome.events.len());
    for (line, event) in lines.iter().zip(&outcome.events) {
        assert_eq!(Some(line.to_string()), serde_json::to_string(event).ok());
    }
    let scenario: Result<Scenario, _> =
        serde_saphyr::from_str(&String::from_utf8_lossy(&files["scenario.yaml"]));
    assert_eq!(scenario.ok(), Some(outcome.scenario));

    // run.json holds the timings and is outside the manifest.
    let run: Result<RunInfo, _> = serde_json::from_slice(&files["run.json"]);
    assert_eq!(run.ok(), Some(options(false).run));
}

#[test]
fn the_database_holds_the_run() {
    let dir = Dir::new();
    let out = dir.path("run");
    write_fixture(&out, true);
    let connection = match rusqlite::Connection::open(out.join("orgforge.db")) {
        Ok(connection) => connection,
        Err(error) => panic!("{error}"),
    };
    let count = |table: &str| -> i64 {
        connection
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                row.get(0)
            })
            .unwrap_or(-1)
    };
    assert_eq!(count("events"), 11);
    assert_eq!(count("artifacts"), 7);
    assert_eq!(count("people"), 4);
    assert_eq!(count("edges"), 2);
    assert_eq!(count("daily"), 2);
    assert_eq!(count("daily_people"), 4);
    assert_eq!(count("chains"), 0);
    let links: i64 = connection
        .query_row(
            "SELECT count(*) FROM artifact_events WHERE path = 'jira/PLAT-1.json'",
            [],
            |row| row.get(0),
        )
        .unwrap_or(-1);
    assert_eq!(links, 5);
    let facts: String = connection
        .query_row(
            "SELECT facts FROM events WHERE type = 'ticket_created'",
            [],
            |row| row.get(0),
        )
        .unwrap_or_default();
    assert!(facts.contains("\"key\":\"PLAT-1\""), "{facts}");
}

#[test]
fn without_sqlite_no_database_is_written() {
    let dir = Dir::new();
    let out = dir.path("run");
    let summary = write_fixture(&out, false);
    assert!(!summary.sqlite);
    assert!(!out.join("orgforge.db").exists());
    assert_failed(&verified(&out), &[]);
}

#[test]
fn identical_input_gives_identical_bytes_except_run_json() {
    let dir = Dir::new();
    let outcome = fixture::outcome(true);
    let corpus = fixture::corpus(&outcome);
    let mut second = options(false);
    second.run = RunInfo {
        wall_seconds: 9.5,
        threads: 8,
        engine_seconds: 1.0,
        render_seconds: 2.0,
        write_seconds: 3.0,
        model_calls: 4,
        cache_hits: 5,
    };
    for (name, options) in [("a", options(false)), ("b", second)] {
        if let Err(error) = write_run(&dir.path(name), &outcome, &corpus, &options) {
            panic!("{error}");
        }
    }
    let mut a = all_files(&dir.path("a"));
    let mut b = all_files(&dir.path("b"));
    assert_ne!(a.remove("run.json"), b.remove("run.json"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between identical runs");
    }
    assert!(a.contains_key("orgforge.db"));
}

#[test]
fn a_non_empty_out_is_refused_without_force() {
    let dir = Dir::new();
    let out = dir.path("run");
    fs::create_dir(&out).ok();
    fs::write(out.join("keep.txt"), "precious").ok();
    let outcome = fixture::outcome(true);
    let corpus = fixture::corpus(&outcome);
    let result = write_run(&out, &outcome, &corpus, &options(false));
    assert!(
        matches!(result, Err(OutputError::Exists { .. })),
        "{result:?}"
    );
    assert_eq!(
        fs::read_to_string(out.join("keep.txt")).ok().as_deref(),
        Some("precious")
    );
    assert_eq!(dir.entries(), vec!["run"]);
}

#[test]
fn an_empty_out_is_used() {
    let dir = Dir::new();
    let out = dir.path("run");
    fs::create_dir(&out).ok();
    write_fixture(&out, false);
    assert_failed(&verified(&out), &[]);
}

#[test]
fn force_replaces_the_previous_out() {
    let dir = Dir::new();
    let out = dir.path("run");
    fs::create_dir(&out).ok();
    fs::write(out.join("stale.txt"), "old").ok();
    let outcome = fixture::outcome(true);
    let corpus = fixture::corpus(&outcome);
    let summary = match write_run(&out, &outcome, &corpus, &options(true)) {
        Ok(summary) => summary,
        Err(error) => panic!("{error}"),
    };
    assert!(summary.replaced);
    assert!(summary.warnings.is_empty());
    assert!(!out.join("stale.txt").exists());
    assert_failed(&verified(&out), &[]);
    assert_eq!(dir.entries(), vec!["run"]);
}

#[test]
fn a_failed_write_leaves_the_previous_out_intact() {
    let dir = Dir::new();
    let out = dir.path("run");
    write_fixture(&out, true);
    let before = all_files(&out);
    let outcome = fixture::outcome(true);
    for bad in [
        "../escape.json",
        "/abs.json",
        "jira/../../x.json",
        "slack/.hidden.json",
        "manifest.json",
    ] {
        let mut corpus = fixture::corpus(&outcome);
        corpus.files.push(RenderedFile {
            path: bad.to_string(),
            kind: None,
            bytes: b"x".to_vec(),
            events: vec![],
        });
        let result = write_run(&out, &outcome, &corpus, &options(true));
        assert!(
            matches!(
                result,
                Err(OutputError::UnsafePath { .. } | OutputError::DuplicatePath { .. })
            ),
            "{bad}: {result:?}"
        );
        assert!(
            all_files(&out) == before,
            "{bad}: the previous output changed"
        );
        assert_eq!(
            dir.entries(),
            vec!["run"],
            "{bad}: a temporary directory was left"
        );
    }
    assert!(!dir.path("escape.json").exists());
}

#[test]
fn a_write_failing_midway_cleans_up() {
    let dir = Dir::new();
    let out = dir.path("run");
    write_fixture(&out, false);
    let before = all_files(&out);
    let mut outcome = fixture::outcome(true);
    // A duplicate primary key makes the SQLite transaction fail after the corpus is on disk.
    let duplicate = outcome.snapshot.edges[0].clone();
    outcome.snapshot.edges.push(duplicate);
    let corpus = fixture::corpus(&outcome);
    let result = write_run(&out, &outcome, &corpus, &options(true));
    assert!(matches!(result, Err(OutputError::Sqlite(_))), "{result:?}");
    assert!(all_files(&out) == before);
    assert_eq!(dir.entries(), vec!["run"]);
}

#[test]
fn duplicate_and_colliding_paths_are_refused() {
    let dir = Dir::new();
    let outcome = fixture::outcome(false);
    for extra in ["jira/PLAT-1.json", "jira", "jira/PLAT-1.json/x"] {
        let mut corpus = fixture::corpus(&outcome);
        corpus.files.push(RenderedFile {
            path: extra.to_string(),
            kind: None,
            bytes: vec![],
            events: vec![],
        });
        let result = write_run(&dir.path("run"), &outcome, &corpus, &options(false));
        assert!(
            matches!(result, Err(OutputError::DuplicatePath { .. })),
            "{extra}: {result:?}"
        );
    }
    assert!(dir.entries().is_empty());
}

#[test]
fn run_info_can_be_rewritten_without_invalidating_the_run() {
    let dir = Dir::new();
    let out = dir.path("run");
    write_fixture(&out, false);
    let run = RunInfo {
        write_seconds: 0.5,
        ..options(false).run
    };
    if let Err(error) = write_run_info(&out, &run) {
        panic!("{error}");
    }
    let written: Result<RunInfo, _> = serde_json::from_str(&fixture::read(&out.join("run.json")));
    assert_eq!(written.ok(), Some(run));
    assert_failed(&verified(&out), &[]);
}

#[test]
fn provenance_to_a_missing_event_is_refused() {
    let dir = Dir::new();
    let outcome = fixture::outcome(true);
    let mut corpus = fixture::corpus(&outcome);
    corpus.files[2].events.push("EVT-999999".to_string());
    let result = write_run(&dir.path("run"), &outcome, &corpus, &options(false));
    assert!(
        matches!(result, Err(OutputError::UnknownEvent { .. })),
        "{result:?}"
    );
    assert!(dir.entries().is_empty());
}
