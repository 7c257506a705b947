//! Incidents (issue "Incidents, causal chains and hybrid RRF recurrence detection"): the default
//! run's mix, concurrency, and the recurrence detector's quality against the ground truth.

use std::collections::BTreeMap;

mod common;

use orgforge_engine::event::EventKind;
use orgforge_engine::outcome::Outcome;

fn run(days: u32, seed: u64) -> Outcome {
    common::run_scenario(common::scenario("default"), days, seed)
}

#[test]
fn default_run_has_mixed_severities_a_recurrence_and_a_knowledge_gap() {
    let outcome = run(22, 7);
    let mut severities = BTreeMap::new();
    let mut recurrences = 0;
    for e in &outcome.events {
        if let EventKind::IncidentOpened(f) = &e.kind {
            *severities.entry(format!("{:?}", f.severity)).or_insert(0) += 1;
            recurrences += usize::from(f.recurrence_of.is_some());
        }
    }
    let total: usize = severities.values().sum();
    assert!(total >= 4, "only {total} incidents: {severities:?}");
    assert!(severities.len() >= 2, "one severity only: {severities:?}");
    assert!(recurrences >= 1, "no recurrence");
    let gaps = outcome
        .events
        .iter()
        .filter(|e| e.kind.type_name() == "knowledge_gap_detected")
        .count();
    assert!(gaps >= 1, "no knowledge-gap incident");
    let postmortems = outcome
        .events
        .iter()
        .filter(|e| e.kind.type_name() == "postmortem_published")
        .count();
    assert!(postmortems >= 1, "no postmortem");
}

#[test]
fn sixty_day_run_has_concurrent_incidents() {
    let outcome = run(60, 7);
    let most = outcome
        .snapshot
        .daily
        .iter()
        .map(|d| d.incidents_open)
        .max()
        .unwrap_or(0);
    assert!(most >= 2, "never more than {most} open at once");
}

/// (true positives, false positives, missed) of one decision per incident.
fn counts(outcome: &Outcome, pick: fn(&EventKind) -> Option<Option<String>>) -> [u32; 3] {
    let mut class: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut c = [0; 3];
    for e in &outcome.events {
        if let EventKind::IncidentOpened(f) = &e.kind {
            class.insert(
                f.incident.clone(),
                (f.system.clone(), f.failure_mode.clone()),
            );
        }
        let Some(matched) = pick(&e.kind) else {
            continue;
        };
        let EventKind::RecurrenceDetected(r) = &e.kind else {
            continue;
        };
        let same = |m: &str| class.get(m) == class.get(&r.incident);
        match (&matched, &r.truth) {
            (Some(m), Some(_)) if same(m) => c[0] += 1,
            (Some(_), Some(_)) => {
                c[1] += 1;
                c[2] += 1;
            }
            (Some(_), None) => c[1] += 1,
            (None, Some(_)) => c[2] += 1,
            (None, None) => {}
        }
    }
    c
}

fn precision_recall(c: [u32; 3]) -> (f64, f64) {
    let p = f64::from(c[0]) / f64::from((c[0] + c[1]).max(1));
    let r = f64::from(c[0]) / f64::from((c[0] + c[2]).max(1));
    (p, r)
}

#[test]
fn detector_precision_and_recall_over_twenty_sixty_day_runs() {
    let mut fused = [0; 3];
    let mut bm25 = [0; 3];
    let mut structural = [0; 3];
    for seed in 1..=20 {
        let outcome = run(60, seed);
        let add = |total: &mut [u32; 3], c: [u32; 3]| {
            for i in 0..3 {
                total[i] += c[i];
            }
        };
        add(
            &mut fused,
            counts(&outcome, |k| match k {
                EventKind::RecurrenceDetected(r) => Some(r.matched.clone()),
                _ => None,
            }),
        );
        add(
            &mut bm25,
            counts(&outcome, |k| match k {
                EventKind::RecurrenceDetected(r) => Some(r.bm25_only.clone()),
                _ => None,
            }),
        );
        add(
            &mut structural,
            counts(&outcome, |k| match k {
                EventKind::RecurrenceDetected(r) => Some(r.structural_only.clone()),
                _ => None,
            }),
        );
    }
    let (p, r) = precision_recall(fused);
    let (pb, rb) = precision_recall(bm25);
    let (ps, rs) = precision_recall(structural);
    println!(
        "fused {fused:?} p={p:.3} r={r:.3}; bm25 {bm25:?} p={pb:.3} r={rb:.3}; structural {structural:?} p={ps:.3} r={rs:.3}"
    );
    assert!(
        fused[0] + fused[2] >= 40,
        "too few recurrences to measure: {fused:?}"
    );
    assert!(p >= 0.9, "precision {p:.3} ({fused:?})");
    assert!(r >= 0.8, "recall {r:.3} ({fused:?})");
    // Fusion beats each ranker alone on precision or recall.
    assert!(p > pb || r > rb, "fusion no better than BM25 alone");
    assert!(
        p > ps || r > rs,
        "fusion no better than the structural ranker alone"
    );
}
