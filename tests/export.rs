//! End-to-end tests of `orgforge export`, `baseline` and `eval`: every view read back with its
//! ecosystem's conventions, byte-determinism, the evaluator against pytrec_eval on a real export,
//! and bad input (exit 2, file and line named, nothing half-written).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use orgforge_engine::log::sha256_hex;
use serde_json::Value;

fn orgforge(cwd: &Path, args: &[&str], expected_code: i32) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_orgforge"))
        .args(args)
        .current_dir(cwd)
        .env_remove("CI")
        .output()
        .unwrap_or_else(|e| panic!("cannot run orgforge: {e}"));
    if output.status.code() != Some(expected_code) {
        panic!(
            "orgforge {args:?}: expected exit {expected_code}, got {:?}\nstdout:\n{}\nstderr:\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn jsonl(path: &Path) -> Vec<Value> {
    read(path)
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{}: {e}: {line}", path.display()))
        })
        .collect()
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(relative) = path.strip_prefix(root) {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
                out.insert(relative.to_string_lossy().replace('\\', "/"), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// One simulated run shared by the tests of this file (simulating is the slow part).
fn run_dir() -> &'static Path {
    static RUN: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, path) = RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let run = dir.path().join("run");
        orgforge(dir.path(), &["simulate", "--out", "run"], 0);
        (dir, run)
    });
    path
}

#[test]
fn export_views_load_with_their_conventions_and_are_deterministic() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let run = run_dir().to_string_lossy().to_string();
    orgforge(dir.path(), &["export", &run, "--out", "export"], 0);
    let export = dir.path().join("export");

    // Native: questions with typed answers and graded evidence into the corpus.
    let corpus = jsonl(&export.join("native/corpus.jsonl"));
    let doc_ids: BTreeSet<String> = corpus
        .iter()
        .map(|d| d["id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(doc_ids.len(), corpus.len(), "document ids are unique");
    for document in &corpus {
        for field in [
            "id",
            "kind",
            "title",
            "text",
            "author",
            "timestamp",
            "access",
        ] {
            assert!(
                !document[field].is_null(),
                "document lacks {field}: {document}"
            );
        }
        assert!(
            !document["text"]
                .as_str()
                .unwrap_or_default()
                .contains("EVT-"),
            "event id in the corpus"
        );
    }
    let questions = jsonl(&export.join("native/questions.jsonl"));
    let mut families: BTreeMap<String, usize> = BTreeMap::new();
    for question in &questions {
        *families
            .entry(question["family"].as_str().unwrap_or_default().to_string())
            .or_default() += 1;
        assert!(question["answer"]["type"].is_string());
        assert!(
            !question["reference"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        );
        for evidence in question["evidence"].as_array().into_iter().flatten() {
            assert!(doc_ids.contains(evidence["doc_id"].as_str().unwrap_or_default()));
        }
    }
    assert!(
        questions.len() >= 150,
        "{} questions: {families:?}",
        questions.len()
    );
    // The default run asks every family.
    for family in [
        "absence",
        "aggregation",
        "causal_multi_hop",
        "escalation_path",
        "knowledge_gap",
        "lookup",
        "ownership",
        "perspective",
        "recurrence",
        "temporal",
    ] {
        assert!(
            families.contains_key(family),
            "no {family} question: {families:?}"
        );
    }

    // BEIR: corpus `_id/title/text`, queries `_id/text`, qrels TSV with its header, graded.
    let beir_corpus = jsonl(&export.join("beir/corpus.jsonl"));
    assert!(
        beir_corpus
            .iter()
            .all(|d| d["_id"].is_string() && d["title"].is_string() && d["text"].is_string())
    );
    let beir_queries: BTreeSet<String> = jsonl(&export.join("beir/queries.jsonl"))
        .iter()
        .map(|q| q["_id"].as_str().unwrap_or_default().to_string())
        .collect();
    for qrels in ["beir/qrels/test.tsv", "beir/qrels/absence.tsv"] {
        let text = read(&export.join(qrels));
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("query-id\tcorpus-id\tscore"));
        for line in lines {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "{line}");
            assert!(beir_queries.contains(fields[0]) && doc_ids.contains(fields[1]));
            assert!(matches!(fields[2], "1" | "2"), "{line}");
        }
    }

    // TREC: four whitespace-separated columns.
    for line in read(&export.join("trec/qrels.txt")).lines() {
        assert_eq!(line.split_whitespace().count(), 4, "{line}");
    }

    // Hugging Face: YAML header with one data file per configuration.
    let card = read(&export.join("hf/README.md"));
    let header = card
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(h, _)| h);
    let header: Value = serde_saphyr::from_str(header.unwrap_or_default())
        .unwrap_or_else(|e| panic!("card YAML: {e}"));
    let configs = header["configs"].as_array().cloned().unwrap_or_default();
    assert!(configs.iter().any(|c| c["config_name"] == "corpus"));
    assert!(configs.iter().any(|c| c["config_name"] == "default"));
    for config in &configs {
        for data in config["data_files"].as_array().into_iter().flatten() {
            let path = export
                .join("hf")
                .join(data["path"].as_str().unwrap_or_default());
            let rows = jsonl(&path);
            let keys: Vec<BTreeSet<String>> = rows
                .iter()
                .map(|r| {
                    r.as_object()
                        .map(|o| o.keys().cloned().collect())
                        .unwrap_or_default()
                })
                .collect();
            assert!(
                keys.windows(2).all(|w| w[0] == w[1]),
                "one schema per configuration: {}",
                path.display()
            );
        }
    }
    assert_eq!(header["license"], "mit");

    // RAGAS: testset fields.
    for sample in jsonl(&export.join("ragas/testset.jsonl")) {
        assert!(sample["user_input"].is_string() && sample["reference"].is_string());
        assert!(sample["synthesizer_name"].is_string());
        let contexts = sample["reference_contexts"].as_array().map_or(0, Vec::len);
        assert!(
            contexts > 0
                && contexts
                    == sample["reference_context_ids"]
                        .as_array()
                        .map_or(0, Vec::len)
        );
    }

    // The manifest hashes every other file.
    let manifest: Value = serde_json::from_str(&read(&export.join("manifest.json")))
        .unwrap_or_else(|e| panic!("{e}"));
    let written = files(&export);
    for (path, bytes) in &written {
        if path != "manifest.json" {
            assert_eq!(
                manifest["files"][path].as_str(),
                Some(sha256_hex(bytes).as_str()),
                "{path}"
            );
        }
    }

    // Byte-determinism: a second export is identical.
    orgforge(dir.path(), &["export", &run, "--out", "again"], 0);
    assert!(
        files(&dir.path().join("again")) == written,
        "two exports of one run differ"
    );
}

#[test]
fn baseline_and_eval_agree_with_pytrec_eval() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let run = run_dir().to_string_lossy().to_string();
    orgforge(
        dir.path(),
        &["export", &run, "--out", "export", "--format", "trec"],
        0,
    );
    orgforge(dir.path(), &["baseline", "export", "--out", "bm25.trec"], 0);
    let first = read(&dir.path().join("bm25.trec"));
    orgforge(
        dir.path(),
        &["baseline", "export", "--out", "bm25-again.trec"],
        0,
    );
    assert_eq!(
        first,
        read(&dir.path().join("bm25-again.trec")),
        "baseline is deterministic"
    );

    let output = orgforge(
        dir.path(),
        &["eval", "export", "--run", "bm25.trec", "--json"],
        0,
    );
    let report: Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("eval --json: {e}"));
    for key in [
        "map",
        "recip_rank",
        "P_5",
        "P_10",
        "recall_10",
        "ndcg_cut_10",
        "num_q",
    ] {
        assert!(report["overall"][key].is_number(), "overall lacks {key}");
    }
    assert!(report["by_family"]["lookup"]["map"].is_number());
    let table = orgforge(dir.path(), &["eval", "export", "--run", "bm25.trec"], 0);
    assert!(String::from_utf8_lossy(&table.stdout).contains("overall"));

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("dataset/tests/pytrec_reference.py");
    let reference = Command::new("python3")
        .arg(&script)
        .arg(dir.path().join("export/trec/qrels.txt"))
        .arg(dir.path().join("bm25.trec"))
        .output();
    let reference = match reference {
        Ok(output) if output.status.success() => output,
        Ok(output) if output.status.code() == Some(3) => {
            eprintln!(
                "SKIPPED pytrec_eval comparison: pytrec_eval is not installed; CI installs it"
            );
            return;
        }
        Ok(output) => panic!(
            "pytrec_eval failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) => {
            eprintln!(
                "SKIPPED pytrec_eval comparison: python3 cannot run ({error}); CI installs it"
            );
            return;
        }
    };
    let per_query: BTreeMap<String, BTreeMap<String, f64>> =
        serde_json::from_slice(&reference.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        report["overall"]["num_q"].as_f64(),
        Some(per_query.len() as f64)
    );
    for (measure, value) in report["overall"].as_object().into_iter().flatten() {
        if measure == "num_q" || measure == "recip_rank_cut_10" {
            continue;
        }
        let mean = per_query.values().map(|m| m[measure]).sum::<f64>() / per_query.len() as f64;
        assert!(
            (mean - value.as_f64().unwrap_or(f64::NAN)).abs() < 5e-5,
            "{measure}: ours {value}, pytrec_eval {mean}"
        );
    }
}

#[test]
fn bad_input_exits_2_naming_file_and_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let stderr = |output: Output| String::from_utf8_lossy(&output.stderr).to_string();

    // Not a run.
    std::fs::create_dir(dir.path().join("empty")).unwrap_or_else(|e| panic!("{e}"));
    let message = stderr(orgforge(dir.path(), &["export", "empty", "--out", "x"], 2));
    assert!(message.contains("not a finished orgforge run"), "{message}");
    assert!(!dir.path().join("x").exists());

    // A foreign line in the event log.
    let copy = dir.path().join("run");
    std::fs::create_dir(&copy).unwrap_or_else(|e| panic!("{e}"));
    for (path, bytes) in files(run_dir()) {
        let target = copy.join(&path);
        std::fs::create_dir_all(target.parent().unwrap_or(&copy)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(target, bytes).unwrap_or_else(|e| panic!("{e}"));
    }
    let events = read(&copy.join("events.jsonl"));
    let mut lines: Vec<&str> = events.lines().collect();
    lines[2] = "{\"foreign\": true}";
    std::fs::write(copy.join("events.jsonl"), lines.join("\n") + "\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let message = stderr(orgforge(dir.path(), &["export", "run", "--out", "x"], 2));
    assert!(message.contains("events.jsonl:3:"), "{message}");
    assert!(!dir.path().join("x").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // Run files: unknown query ids and malformed lines.
    let run = run_dir().to_string_lossy().to_string();
    orgforge(
        dir.path(),
        &["export", &run, "--out", "export", "--format", "native"],
        0,
    );
    let message = stderr(orgforge(
        dir.path(),
        &["export", &run, "--out", "export"],
        2,
    ));
    assert!(message.contains("already exists"), "{message}");
    std::fs::write(
        dir.path().join("unknown.trec"),
        "nope.q Q0 jira-X-1 1 1.0 t\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let message = stderr(orgforge(
        dir.path(),
        &["eval", "export", "--run", "unknown.trec"],
        2,
    ));
    assert!(
        message.contains("unknown.trec:1:") && message.contains("unknown query id"),
        "{message}"
    );
    std::fs::write(dir.path().join("short.trec"), "a b c\n").unwrap_or_else(|e| panic!("{e}"));
    let message = stderr(orgforge(
        dir.path(),
        &["eval", "export", "--run", "short.trec"],
        2,
    ));
    assert!(message.contains("short.trec:1:"), "{message}");
    let message = stderr(orgforge(
        dir.path(),
        &["export", &run, "--out", "y", "--format", "parquet"],
        2,
    ));
    assert!(message.contains("unknown --format"), "{message}");
}
