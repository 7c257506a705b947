//! End-to-end tests of the `orgforge` binary in temporary directories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary directory that outlives the test only on failure-free drop.
struct Dir {
    root: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        Dir {
            root: tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}")),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Every file under the directory, relative, sorted.
    fn listing(&self) -> Vec<String> {
        let mut files = Vec::new();
        collect(self.root.path(), self.root.path(), &mut files);
        files.sort();
        files
    }
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// Runs the binary; on an unexpected exit code, prints the command, the directory and the output.
fn orgforge(dir: &Dir, args: &[&str], expected_code: i32) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_orgforge"))
        .args(args)
        .current_dir(dir.root.path())
        .env_remove("CI")
        .output()
        .unwrap_or_else(|e| panic!("cannot run orgforge: {e}"));
    if output.status.code() != Some(expected_code) {
        panic!(
            "orgforge {}\nexpected exit {expected_code}, got {:?}\n--- files\n{}\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            output.status.code(),
            dir.listing().join("\n"),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Relative path -> bytes of every file of a run, `run.json` excluded.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files
        .into_iter()
        .filter(|f| f != "run.json")
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f, bytes)
        })
        .collect()
}

fn first_difference(
    a: &BTreeMap<String, Vec<u8>>,
    b: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    if names_a != names_b {
        return Some(format!(
            "file lists differ: {} vs {} files",
            names_a.len(),
            names_b.len()
        ));
    }
    a.iter()
        .find(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
}

#[test]
fn simulate_default_writes_a_verified_corpus() {
    let dir = Dir::new();
    let out = orgforge(
        &dir,
        &["simulate", "--days", "5", "--seed", "4242", "--out", "run"],
        0,
    );
    let summary = stdout(&out);
    assert!(summary.contains("events"), "no summary table:\n{summary}");
    for file in [
        "manifest.json",
        "run.json",
        "scenario.yaml",
        "events.jsonl",
        "orgforge.db",
        "snapshot.json",
        "slack/users.json",
        "slack/channels.json",
    ] {
        assert!(dir.path("run").join(file).is_file(), "missing {file}");
    }
    for kind in ["slack", "jira", "confluence", "git"] {
        assert!(dir.path("run").join(kind).is_dir(), "missing {kind}/");
    }
    orgforge(&dir, &["verify", "run"], 0);
    let json = stdout(&orgforge(&dir, &["verify", "run", "--json"], 0));
    let report: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(report["ok"], serde_json::Value::Bool(true));
    assert!(
        report["checks"].as_array().is_some_and(|c| c.len() >= 8),
        "{json}"
    );
}

#[test]
fn same_seed_is_byte_identical_and_another_seed_differs() {
    let dir = Dir::new();
    orgforge(
        &dir,
        &["simulate", "--days", "6", "--seed", "99", "--out", "a"],
        0,
    );
    orgforge(
        &dir,
        &["simulate", "--days", "6", "--seed", "99", "--out", "b"],
        0,
    );
    orgforge(
        &dir,
        &["simulate", "--days", "6", "--seed", "100", "--out", "c"],
        0,
    );
    let (a, b, c) = (
        contents(&dir.path("a")),
        contents(&dir.path("b")),
        contents(&dir.path("c")),
    );
    if let Some(diff) = first_difference(&a, &b) {
        panic!("seed 99 twice differs at {diff}");
    }
    assert!(
        first_difference(&a, &c).is_some(),
        "seeds 99 and 100 gave the same corpus"
    );
}

#[test]
fn an_existing_output_is_kept_unless_forced() {
    let dir = Dir::new();
    std::fs::create_dir(dir.path("out")).unwrap_or_else(|e| panic!("{e}"));
    dir.write("out/keep.txt", "precious");
    let refused = orgforge(&dir, &["simulate", "--days", "2", "--out", "out"], 2);
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(
        std::fs::read_to_string(dir.path("out/keep.txt")).unwrap_or_default(),
        "precious"
    );
    orgforge(
        &dir,
        &["simulate", "--days", "2", "--out", "out", "--force"],
        0,
    );
    assert!(!dir.path("out/keep.txt").exists());
    assert!(dir.path("out/manifest.json").is_file());
    let leftovers: Vec<String> = dir
        .listing()
        .into_iter()
        .filter(|f| f.contains("orgforge-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_batch_size_outside_its_range_exits_2_and_writes_nothing() {
    let dir = Dir::new();
    for size in ["0", "513"] {
        let out = orgforge(
            &dir,
            &["simulate", "--batch-size", size, "--out", "never"],
            2,
        );
        assert!(stderr(&out).contains("--batch-size"), "{}", stderr(&out));
    }
    assert!(dir.listing().is_empty(), "{:?}", dir.listing());
}

#[test]
fn a_bad_scenario_exits_2_with_a_location_and_writes_nothing() {
    let dir = Dir::new();
    let template = stdout(&orgforge(
        &dir,
        &["scenario", "init", "--template", "small"],
        0,
    ));
    let cases = [
        ("departments:", "departmens:", "departments"),
        ("days: 10", "days: ten", "`ten` is not a whole number"),
    ];
    for (from, to, expected) in cases {
        assert!(template.contains(from), "template lacks `{from}`");
        let path = dir.write("bad.yaml", &template.replacen(from, to, 1));
        let out = orgforge(
            &dir,
            &[
                "simulate",
                "--scenario",
                &path.display().to_string(),
                "--out",
                "never",
            ],
            2,
        );
        let message = stderr(&out);
        assert!(
            message.contains("bad.yaml:"),
            "no file:line:col in: {message}"
        );
        assert!(message.contains(expected), "`{expected}` not in: {message}");
        assert!(
            !dir.path("never").exists(),
            "output written for a bad scenario"
        );
        orgforge(
            &dir,
            &["scenario", "validate", &path.display().to_string()],
            2,
        );
    }
}

#[test]
fn scenario_commands_work() {
    let dir = Dir::new();
    let schema = stdout(&orgforge(&dir, &["scenario", "schema"], 0));
    let schema: serde_json::Value = serde_json::from_str(&schema).unwrap_or_else(|e| panic!("{e}"));
    assert!(schema["properties"]["departments"].is_object());
    let init = [
        "scenario",
        "init",
        "--template",
        "small",
        "--out",
        "mine.yaml",
    ];
    orgforge(&dir, &init, 0);
    // The same command again must refuse to overwrite the file it wrote.
    orgforge(&dir, &init, 2);
    orgforge(&dir, &["scenario", "validate", "mine.yaml"], 0);
    orgforge(&dir, &["scenario", "init", "--template", "nonesuch"], 2);
    orgforge(&dir, &["scenario", "validate", "missing.yaml"], 2);
}

#[test]
fn verify_passes_on_small_and_large_scenarios_for_several_seeds() {
    let dir = Dir::new();
    let root = env!("CARGO_MANIFEST_DIR");
    for (scenario, days, seeds) in [
        ("small", "10", &[1u64, 2, 3][..]),
        ("default", "22", &[5, 6][..]),
        ("large", "3", &[1][..]),
    ] {
        for seed in seeds {
            let out = format!("{scenario}-{seed}");
            let file = format!("{root}/scenarios/{scenario}.yaml");
            orgforge(
                &dir,
                &[
                    "simulate",
                    "--scenario",
                    &file,
                    "--days",
                    days,
                    "--seed",
                    &seed.to_string(),
                    "--out",
                    &out,
                ],
                0,
            );
            orgforge(&dir, &["verify", &out], 0);
        }
    }
}

#[test]
fn verify_finds_tampering_and_refuses_a_non_run() {
    let dir = Dir::new();
    orgforge(&dir, &["simulate", "--days", "3", "--out", "run"], 0);
    let events = dir.path("run/events.jsonl");
    let text = std::fs::read_to_string(&events).unwrap_or_default();
    std::fs::write(&events, text.replacen("\"day\":1", "\"day\":2", 1))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = stdout(&orgforge(&dir, &["verify", "run", "--json"], 1));
    assert!(out.contains("\"ok\": false"), "{out}");
    std::fs::create_dir(dir.path("empty")).unwrap_or_else(|e| panic!("{e}"));
    orgforge(&dir, &["verify", "empty"], 2);
}

#[test]
fn the_llm_backend_is_refused_until_it_exists() {
    let dir = Dir::new();
    let out = orgforge(
        &dir,
        &["simulate", "--days", "1", "--prose", "llm", "--out", "x"],
        2,
    );
    assert!(stderr(&out).contains("llm"));
    assert!(!dir.path("x").exists());
}
