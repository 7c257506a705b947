//! Calibrates the recurrence detector's absolute thresholds on the engine's own incidents:
//! runs the default scenario for 60 days over a range of seeds (disjoint from the test seeds
//! 1..=20 by default), re-decides every recorded detection with a grid of thresholds, and
//! prints precision and recall for the fused rule and each ranker alone.
//!
//! `cargo run --release -p orgforge-engine --example calibrate_recurrence -- [FIRST_SEED] [COUNT]`

use std::collections::BTreeMap;

use orgforge_engine::Simulation;
use orgforge_engine::event::{EventKind, RecurrenceCandidate};
use orgforge_engine::recurrence::{Candidate, FUSED_SCAN, Thresholds};

/// One detection: the candidates, the query's class, and each candidate's class.
struct Case {
    candidates: Vec<Candidate>,
    class: (String, String),
    classes: BTreeMap<String, (String, String)>,
    truth: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let first: u64 = args.next().map_or(Ok(101), |a| a.parse())?;
    let count: u64 = args.next().map_or(Ok(20), |a| a.parse())?;
    let path = format!("{}/../scenarios/default.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path)?;
    let scenario = orgforge_engine::scenario::load(&text, &path, Default::default())?;
    let mut cases = Vec::new();
    for seed in first..first + count {
        let outcome = Simulation::builder(scenario.clone())
            .days(60)
            .seed(seed)
            .build()
            .run()?;
        let mut classes: BTreeMap<String, (String, String)> = BTreeMap::new();
        for e in &outcome.events {
            match &e.kind {
                EventKind::IncidentOpened(f) => {
                    classes.insert(
                        f.incident.clone(),
                        (f.system.clone(), f.failure_mode.clone()),
                    );
                }
                EventKind::RecurrenceDetected(r) => {
                    let Some(class) = classes.get(&r.incident).cloned() else {
                        continue;
                    };
                    cases.push(Case {
                        candidates: r.candidates.iter().map(candidate).collect(),
                        class,
                        classes: classes.clone(),
                        truth: r.truth.is_some(),
                    });
                }
                _ => {}
            }
        }
    }
    let recurrences = cases.iter().filter(|c| c.truth).count();
    println!("{} detections, {recurrences} true recurrences", cases.len());
    let score = |pick: &dyn Fn(&Case) -> Option<String>| {
        let (mut tp, mut fp, mut missed) = (0u32, 0u32, 0u32);
        for case in &cases {
            match pick(case) {
                Some(m) if case.classes.get(&m) == Some(&case.class) => tp += 1,
                Some(_) => {
                    fp += 1;
                    missed += u32::from(case.truth);
                }
                None => missed += u32::from(case.truth),
            }
        }
        let p = f64::from(tp) / f64::from((tp + fp).max(1));
        let r = f64::from(tp) / f64::from((tp + missed).max(1));
        (p, r, tp, fp)
    };
    let base = Thresholds::default();
    let report = |name: &str, t: &Thresholds| {
        let (p, r, tp, fp) = score(&|c: &Case| t.decide(&c.candidates).fused);
        println!("{name}: fused p={p:.3} r={r:.3} tp={tp} fp={fp}");
    };
    report("default", &base);
    let (pb, rb, ..) = score(&|c: &Case| base.decide(&c.candidates).bm25);
    let (ps, rs, ..) = score(&|c: &Case| base.decide(&c.candidates).structural);
    println!("bm25 alone p={pb:.3} r={rb:.3}; structural alone p={ps:.3} r={rs:.3}");
    let mut best: Vec<(f64, f64, f64, f64, f64, f64)> = Vec::new();
    for bm25_floor in [16.0, 20.0, 22.0, 24.0, 26.0, 28.0, 30.0, 32.0] {
        for structural_floor in [0.40, 0.44, 0.46, 0.48, 0.50, 0.52] {
            for strong in [0.55, 0.57, 0.6] {
                let t = Thresholds {
                    fused_bm25_floor: bm25_floor,
                    fused_structural_floor: structural_floor,
                    fused_structural_strong: strong,
                    ..base
                };
                let (p, r, ..) = score(&|c: &Case| t.decide(&c.candidates).fused);
                best.push((p, r, bm25_floor, structural_floor, strong, p + r));
            }
        }
    }
    best.retain(|b| b.0 >= 0.93);
    best.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.total_cmp(&a.0)));
    for b in best.iter().take(8) {
        println!(
            "p={:.3} r={:.3} bm25_floor={} structural_floor={} structural_strong={}",
            b.0, b.1, b.2, b.3, b.4
        );
    }
    let _ = FUSED_SCAN;
    Ok(())
}

fn candidate(c: &RecurrenceCandidate) -> Candidate {
    Candidate {
        id: c.incident.clone(),
        system: String::new(),
        bm25_rank: c.bm25_rank.map(|r| r as usize),
        bm25_score: c.bm25_score,
        structural_rank: c.structural_rank.map(|r| r as usize),
        structural_score: c.structural_score,
        fused: c.fused,
    }
}
