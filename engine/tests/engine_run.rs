//! End-to-end properties of the engine on the shipped scenarios.

use std::collections::BTreeMap;

use orgforge_engine::outcome::Outcome;
use orgforge_engine::scenario::Scenario;
use orgforge_engine::{Simulation, log};

fn scenario(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(name: &str, days: u32, seed: u64) -> Outcome {
    Simulation::builder(scenario(name))
        .days(days)
        .seed(seed)
        .build()
        .run()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn default_run_has_every_kind_of_work() {
    let outcome = run("default", 22, 7);
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &outcome.events {
        *by_type.entry(e.kind.type_name()).or_default() += 1;
    }
    eprintln!("{by_type:#?}");
    for wanted in [
        "sprint_planned",
        "standup",
        "sprint_retro",
        "ticket_created",
        "ticket_progressed",
        "ticket_completed",
        "pr_opened",
        "pr_reviewed",
        "pr_merged",
        "page_published",
        "one_on_one",
        "async_question",
        "design_discussion",
        "employee_departed",
        "employee_hired",
        "day_summary",
    ] {
        assert!(by_type.contains_key(wanted), "no {wanted} event");
    }
}

#[test]
fn log_is_a_hash_chain_in_time_order() {
    let outcome = run("default", 10, 3);
    let mut prev = log::GENESIS_HASH.to_string();
    for (i, e) in outcome.events.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
        assert_eq!(e.prev_hash, prev);
        assert_eq!(e.hash, log::event_hash(e));
        prev = e.hash.clone();
    }
    for pair in outcome.events.windows(2) {
        assert!(pair[0].timestamp <= pair[1].timestamp, "{} after {}", pair[0].id, pair[1].id);
    }
}

#[test]
fn same_seed_same_events_different_seed_differs() {
    let a = run("default", 8, 11);
    let b = run("default", 8, 11);
    let c = run("default", 8, 12);
    assert_eq!(a.events, b.events);
    assert_eq!(a.snapshot, b.snapshot);
    assert_ne!(a.events.last().map(|e| &e.hash), c.events.last().map(|e| &e.hash));
}
