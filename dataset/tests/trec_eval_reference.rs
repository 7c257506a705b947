//! The evaluator against references: pytrec_eval (trec_eval's C code) on generated fixtures with
//! graded judgments, ties, unjudged documents and queries missing from the run. Skips with a
//! printed reason when python3 or pytrec_eval is absent; CI installs both (`.ci/run`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use orgforge_dataset::trec_eval::{self, Qrels, Ranking};

/// A small deterministic generator (no seeds from the environment).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

fn fixture() -> (Qrels, Ranking) {
    let mut random = Lcg(42);
    let mut qrels = Qrels::new();
    let mut ranking = Ranking::new();
    for q in 0..40 {
        let query = format!("q{q:02}");
        let mut judged = BTreeMap::new();
        for d in 0..(1 + random.next(8)) {
            judged.insert(
                format!("d{:02}", random.next(30)),
                random.next(3) as i64 + i64::from(d == 0),
            );
        }
        qrels.insert(query.clone(), judged);
        if q % 7 == 6 {
            continue; // not answered by the run
        }
        let mut retrieved: Vec<(String, f64)> = Vec::new();
        for _ in 0..(1 + random.next(25)) {
            let doc = format!("d{:02}", random.next(30));
            if retrieved.iter().all(|(d, _)| *d != doc) {
                // Few distinct scores: many ties, broken by document id.
                retrieved.push((doc, random.next(5) as f64 * 0.5));
            }
        }
        ranking.insert(query, retrieved);
    }
    (qrels, ranking)
}

fn python_reference(
    qrels_path: &Path,
    run_path: &Path,
) -> Option<BTreeMap<String, BTreeMap<String, f64>>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pytrec_reference.py");
    let output = match Command::new("python3")
        .arg(&script)
        .arg(qrels_path)
        .arg(run_path)
        .output()
    {
        Ok(output) => output,
        Err(error) => {
            eprintln!("SKIPPED: python3 cannot run ({error}); CI installs python3 and pytrec_eval");
            return None;
        }
    };
    if output.status.code() == Some(3) {
        eprintln!(
            "SKIPPED: pytrec_eval is not installed (pip install pytrec_eval-terrier); CI installs it"
        );
        return None;
    }
    assert!(
        output.status.success(),
        "pytrec_eval failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("pytrec_eval output: {e}")),
    )
}

/// Compares every shared measure of every query to 4 decimals.
pub fn compare(
    ours: &BTreeMap<String, BTreeMap<String, f64>>,
    reference: &BTreeMap<String, BTreeMap<String, f64>>,
) -> usize {
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        reference.keys().collect::<Vec<_>>(),
        "evaluated queries differ"
    );
    let mut compared = 0;
    for (query, measures) in ours {
        for (name, value) in measures {
            let Some(expected) = reference[query].get(name) else {
                continue;
            };
            assert!(
                (value - expected).abs() < 5e-5,
                "{query} {name}: ours {value}, pytrec_eval {expected}"
            );
            compared += 1;
        }
    }
    compared
}

#[test]
fn evaluator_matches_pytrec_eval_on_fixtures() {
    let (qrels, ranking) = fixture();
    let directory = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let qrels_path = directory.path().join("qrels.txt");
    let run_path = directory.path().join("run.trec");
    let mut qrels_text = String::new();
    for (query, judged) in &qrels {
        for (doc, grade) in judged {
            qrels_text.push_str(&format!("{query} 0 {doc} {grade}\n"));
        }
    }
    let mut run_text = String::new();
    for (query, retrieved) in &ranking {
        for (rank, (doc, score)) in retrieved.iter().enumerate() {
            run_text.push_str(&format!("{query} Q0 {doc} {} {score} fixture\n", rank + 1));
        }
    }
    std::fs::write(&qrels_path, qrels_text).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&run_path, run_text).unwrap_or_else(|e| panic!("{e}"));
    let ours = trec_eval::evaluate(&qrels, &ranking);
    let Some(reference) = python_reference(&qrels_path, &run_path) else {
        return;
    };
    let compared = compare(&ours, &reference);
    // Every trec_eval measure we report (all but recip_rank_cut_10), for every evaluated query.
    assert_eq!(
        compared,
        ours.len() * (trec_eval::measure_names().len() - 1)
    );
}
