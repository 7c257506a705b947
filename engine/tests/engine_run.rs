//! End-to-end properties of the engine on the shipped scenarios.

use std::collections::BTreeMap;

use orgforge_engine::outcome::Outcome;
use orgforge_engine::scenario::Scenario;
use orgforge_engine::{Simulation, log};

fn scenario(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    orgforge_engine::scenario::load(&text, &path, Default::default())
        .unwrap_or_else(|e| panic!("{e}"))
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
        assert!(
            pair[0].timestamp <= pair[1].timestamp,
            "{} after {}",
            pair[0].id,
            pair[1].id
        );
    }
}

#[test]
fn same_seed_same_events_different_seed_differs() {
    let a = run("default", 8, 11);
    let b = run("default", 8, 11);
    let c = run("default", 8, 12);
    assert_eq!(a.events, b.events);
    assert_eq!(a.snapshot, b.snapshot);
    assert_ne!(
        a.events.last().map(|e| &e.hash),
        c.events.last().map(|e| &e.hash)
    );
}

/// Every authored item of the log, as (person, instant, flagged after hours, where).
fn authored(outcome: &Outcome) -> Vec<(String, i64, bool, String)> {
    use orgforge_engine::event::EventKind as K;
    let mut items = Vec::new();
    for e in &outcome.events {
        let t = e.timestamp.timestamp();
        if let Some(thread) = e.kind.thread() {
            for m in thread
                .messages
                .iter()
                .filter(|m| !orgforge_engine::event::is_bot(&m.author))
            {
                items.push((
                    m.author.clone(),
                    m.timestamp.timestamp(),
                    m.after_hours,
                    format!("{} message", e.id),
                ));
            }
        }
        let who = match &e.kind {
            K::TicketCreated(f) => Some(f.reporter.clone()),
            K::TicketProgressed(f) if f.comment => Some(f.person.clone()),
            K::PrOpened(f) => Some(f.author.clone()),
            K::PrReviewed(f) => Some(f.reviewer.clone()),
            K::PrMerged(f) => Some(f.merged_by.clone()),
            K::PagePublished(f) => Some(f.author.clone()),
            _ => None,
        };
        if let Some(who) = who {
            items.push((who, t, e.after_hours, e.id.clone()));
        }
    }
    items
}

#[test]
fn authored_items_are_strictly_ordered_per_person_and_in_hours() {
    for seed in [1, 2, 3] {
        let outcome = run("default", 22, seed);
        let mut items = authored(&outcome);
        items.sort();
        for pair in items.windows(2) {
            if pair[0].0 == pair[1].0 {
                assert!(
                    pair[0].1 < pair[1].1,
                    "seed {seed}: {} has two items at one time: {:?} {:?}",
                    pair[0].0,
                    pair[0],
                    pair[1]
                );
            }
        }
        let roster = &outcome.snapshot.roster;
        for (who, t, after_hours, at) in &items {
            let person = roster
                .get(who)
                .unwrap_or_else(|| panic!("{who} not in roster"));
            let local = chrono::DateTime::from_timestamp(*t, 0)
                .map(|u| u.with_timezone(&chrono_tz::America::Chicago));
            let local = local.unwrap_or_else(|| panic!("bad time"));
            let hm = local.format("%H:%M").to_string();
            if !after_hours {
                assert!(
                    hm >= person.hours_start && hm < person.hours_end,
                    "seed {seed}: {who} at {hm} outside {}-{} ({at})",
                    person.hours_start,
                    person.hours_end
                );
            }
        }
    }
}

#[test]
fn nobody_acts_outside_their_employment() {
    let outcome = run("default", 22, 5);
    let roster = &outcome.snapshot.roster;
    for e in &outcome.events {
        for actor in &e.actors {
            let person = roster
                .get(actor)
                .unwrap_or_else(|| panic!("{actor} not in roster"));
            assert!(
                e.day >= person.joined_day,
                "{} acts in {} before joining",
                actor,
                e.id
            );
            if let Some(left) = person.left_day {
                assert!(e.day < left, "{} acts in {} after leaving", actor, e.id);
            }
        }
    }
    for (who, _, _, at) in authored(&outcome) {
        let person = roster
            .get(&who)
            .unwrap_or_else(|| panic!("{who} not in roster"));
        let _ = (person, at);
    }
}

#[test]
fn tickets_are_never_mentioned_before_they_exist() {
    use orgforge_engine::event::EventKind as K;
    for seed in [1, 9] {
        let outcome = run("default", 22, seed);
        let mut created: BTreeMap<String, i64> = BTreeMap::new();
        for e in &outcome.events {
            if let K::TicketCreated(f) = &e.kind {
                created.insert(f.key.clone(), e.timestamp.timestamp());
            }
        }
        for e in &outcome.events {
            let text = serde_json::to_string(&e.kind).unwrap_or_default();
            for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
                if let Some(&at) = created.get(token) {
                    assert!(
                        at <= e.timestamp.timestamp(),
                        "seed {seed}: {} mentions {token} before it was filed",
                        e.id
                    );
                }
            }
        }
    }
}
