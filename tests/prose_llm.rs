//! `simulate --prose llm` end to end: bad model files are refused before the run (default build
//! and `llm` build), and with the `llm` feature and the test model a short run of the small
//! scenario verifies and replays byte-identical from the prose cache with no model call.

use std::path::Path;
#[cfg(feature = "llm")]
use std::path::PathBuf;
use std::process::{Command, Output};

fn orgforge(directory: &Path, args: &[&str], expected_code: i32) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_orgforge"))
        .args(args)
        .current_dir(directory)
        .env_remove("CI")
        .output()
        .unwrap_or_else(|e| panic!("cannot run orgforge: {e}"));
    if output.status.code() != Some(expected_code) {
        panic!(
            "orgforge {}\nexpected exit {expected_code}, got {:?}\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// A GGUF v3 file with one F32 tensor of `elements` values and `data_bytes` bytes of data: a
/// complete (if useless) model when `data_bytes >= 4 * elements`, truncated otherwise.
fn synthetic_gguf(elements: u64, data_bytes: usize) -> Vec<u8> {
    let mut bytes = b"GGUF".to_vec();
    bytes.extend_from_slice(&3u32.to_le_bytes());
    bytes.extend_from_slice(&1u64.to_le_bytes());
    bytes.extend_from_slice(&0u64.to_le_bytes());
    let name = b"weight";
    bytes.extend_from_slice(&(name.len() as u64).to_le_bytes());
    bytes.extend_from_slice(name);
    bytes.extend_from_slice(&1u32.to_le_bytes());
    bytes.extend_from_slice(&elements.to_le_bytes());
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.extend_from_slice(&0u64.to_le_bytes());
    while !bytes.len().is_multiple_of(32) {
        bytes.push(0);
    }
    bytes.extend(std::iter::repeat_n(0u8, data_bytes));
    bytes
}

fn simulate_llm(directory: &Path, model: &str, expected_code: i32) -> String {
    let args = [
        "simulate",
        "--scenario",
        "small.yaml",
        "--days",
        "1",
        "--out",
        "out",
        "--prose",
        "llm",
        "--model",
        model,
        "--prose-cache",
        "cache.sqlite",
    ];
    stderr(&orgforge(directory, &args, expected_code))
}

fn with_small_scenario() -> tempfile::TempDir {
    let directory = tempdir();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/small.yaml");
    std::fs::copy(&source, directory.path().join("small.yaml"))
        .unwrap_or_else(|e| panic!("copy {}: {e}", source.display()));
    directory
}

#[test]
fn llm_without_a_model_is_bad_input() {
    let directory = with_small_scenario();
    let args = [
        "simulate",
        "--scenario",
        "small.yaml",
        "--out",
        "out",
        "--prose",
        "llm",
    ];
    let text = stderr(&orgforge(directory.path(), &args, 2));
    assert!(text.contains("needs a model"), "{text}");
    assert!(!directory.path().join("out").exists());
}

#[test]
fn missing_non_gguf_and_truncated_models_are_refused_before_the_run() {
    let directory = with_small_scenario();
    let missing = simulate_llm(directory.path(), "nowhere.gguf", 2);
    assert!(missing.contains("cannot read the model file"), "{missing}");

    std::fs::write(
        directory.path().join("text.gguf"),
        "just some text, not a model",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let not_gguf = simulate_llm(directory.path(), "text.gguf", 2);
    assert!(not_gguf.contains("is not a GGUF model file"), "{not_gguf}");

    std::fs::write(directory.path().join("cut.gguf"), synthetic_gguf(1000, 100))
        .unwrap_or_else(|e| panic!("{e}"));
    let truncated = simulate_llm(directory.path(), "cut.gguf", 2);
    assert!(truncated.contains("truncated"), "{truncated}");
    assert!(!directory.path().join("out").exists());
}

#[test]
fn a_well_formed_file_that_is_no_model_is_refused() {
    let directory = with_small_scenario();
    std::fs::write(directory.path().join("tiny.gguf"), synthetic_gguf(8, 32))
        .unwrap_or_else(|e| panic!("{e}"));
    let text = simulate_llm(directory.path(), "tiny.gguf", 2);
    if cfg!(feature = "llm") {
        assert!(text.contains("cannot use the model"), "{text}");
    } else {
        assert!(text.contains("`llm` cargo feature"), "{text}");
    }
    assert!(!directory.path().join("out").exists());
}

/// The test model: `ORGFORGE_TEST_MODEL`, else the first `models/*.gguf`.
#[cfg(feature = "llm")]
fn model_path() -> Option<PathBuf> {
    orgforge_generators::prose::llm::gguf::test_model(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("models"),
    )
}

#[cfg(feature = "llm")]
fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file of a run directory except `run.json`, with its bytes, sorted by path.
#[cfg(feature = "llm")]
fn run_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, directory: &Path, files: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(directory).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, files);
            } else if let Ok(relative) = path.strip_prefix(base) {
                let name = relative.to_string_lossy().replace('\\', "/");
                if name != "run.json" {
                    files.push((name, std::fs::read(&path).unwrap_or_default()));
                }
            }
        }
    }
    let mut files = Vec::new();
    walk(out, out, &mut files);
    files.sort();
    files
}

#[cfg(feature = "llm")]
#[test]
fn an_llm_run_verifies_and_replays_from_the_cache() {
    let Some(model) = model_path() else {
        eprintln!("skipped: no GGUF model (set ORGFORGE_TEST_MODEL or run scripts/fetch-model.sh)");
        return;
    };
    let directory = with_small_scenario();
    // One day and short answers keep the test to a few minutes on two cores.
    let mut scenario = std::fs::read_to_string(directory.path().join("small.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    scenario.push_str("\nprose:\n  max_tokens: 32\n  batch_size: 16\n  context_size: 1024\n");
    std::fs::write(directory.path().join("small.yaml"), scenario).unwrap_or_else(|e| panic!("{e}"));
    let model = model.display().to_string();
    let args = [
        "simulate",
        "--scenario",
        "small.yaml",
        "--days",
        "1",
        "--out",
        "out",
        "--prose",
        "llm",
        "--model",
        &model,
        "--prose-cache",
        "cache.sqlite",
    ];
    orgforge(directory.path(), &args, 0);
    let out = directory.path().join("out");
    orgforge(directory.path(), &["verify", "out"], 0);
    let manifest = json(&out.join("manifest.json"));
    let cold = json(&out.join("run.json"));
    assert_eq!(manifest["prose"]["backend"], "llm");
    assert_eq!(
        manifest["prose"]["model_sha256"].as_str().map(str::len),
        Some(64)
    );
    let calls = cold["prose"]["model_calls"].as_u64().unwrap_or(0);
    assert!(calls > 0, "{cold}");
    assert_eq!(cold["model_calls"].as_u64(), Some(calls));
    let fallbacks = cold["prose"]["fallbacks"].as_u64().unwrap_or(u64::MAX);
    let requests = cold["prose"]["requests"].as_u64().unwrap_or(0);
    assert!(fallbacks <= requests);
    // Threads and pages are one model request each: fewer requests than texts.
    let model_requests = cold["prose"]["model_requests"].as_u64().unwrap_or(0);
    assert!(model_requests > 0 && model_requests < requests, "{cold}");
    let generated_rate = cold["prose"]["tokens_per_second"].as_f64().unwrap_or(0.0);
    let processed_rate = cold["prose"]["processed_tokens_per_second"]
        .as_f64()
        .unwrap_or(0.0);
    assert!(
        processed_rate >= generated_rate && generated_rate > 0.0,
        "{cold}"
    );
    assert!(manifest["prose"]["fallbacks"].as_u64().unwrap_or(0) >= fallbacks);
    eprintln!("cold run: {}", cold["prose"]);
    let first = run_files(&out);

    let mut again = args.to_vec();
    again.push("--force");
    orgforge(directory.path(), &again, 0);
    let warm = json(&out.join("run.json"));
    eprintln!("warm run: {}", warm["prose"]);
    assert_eq!(warm["prose"]["model_calls"].as_u64(), Some(0), "{warm}");
    assert_eq!(warm["prose"]["cache_hits"].as_u64(), Some(calls));
    assert_eq!(warm["prose"]["fallbacks"], cold["prose"]["fallbacks"]);
    let second = run_files(&out);
    assert_eq!(first.len(), second.len());
    for ((path, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{path} differs between the cold and the warm run");
    }
    orgforge(directory.path(), &["verify", "out"], 0);
}
