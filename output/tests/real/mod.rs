//! A real run: the default scenario through the engine and the template generators, written and
//! verified clean.

use orgforge_engine::scenario::{DEFAULT_SCENARIO_YAML, Overrides, load};
use orgforge_generators::TemplateBackend;
use orgforge_output::{render_table, write_run};

use crate::writing::all_files;
use crate::{Dir, options, verified};

/// Simulates the default scenario, writes it twice and checks the two directories are
/// byte-identical (run.json aside), then verifies the first.
fn run_default(days: u32, seed: u64) -> orgforge_output::VerifyReport {
    let overrides = Overrides {
        days: Some(days),
        seed: Some(seed),
    };
    let scenario = match load(DEFAULT_SCENARIO_YAML, "default.yaml", overrides) {
        Ok(scenario) => scenario,
        Err(error) => panic!("{error}"),
    };
    let outcome = match orgforge_engine::simulate(scenario) {
        Ok(outcome) => outcome,
        Err(error) => panic!("{error}"),
    };
    let mut prose = TemplateBackend::new();
    let corpus = match orgforge_generators::render(&outcome, &mut prose) {
        Ok(corpus) => corpus,
        Err(error) => panic!("{error}"),
    };
    let dir = Dir::new();
    let out = dir.path("run");
    let again = dir.path("again");
    for path in [&out, &again] {
        if let Err(error) = write_run(path, &outcome, &corpus, &options(false)) {
            panic!("{error}");
        }
    }
    let mut first = all_files(&out);
    let mut second = all_files(&again);
    first.remove("run.json");
    second.remove("run.json");
    assert!(first.contains_key("orgforge.db"));
    assert_eq!(first.len(), second.len());
    if let Some((path, _)) = first
        .iter()
        .find(|(path, bytes)| second.get(*path) != Some(*bytes))
    {
        panic!("{path} differs between two writes of the same run");
    }
    verified(&out)
}

#[test]
fn the_default_scenario_verifies_clean() {
    let report = run_default(22, 7);
    assert!(report.ok, "\n{}\n{:#}", render_table(&report), report.stats);
}

#[test]
fn the_default_scenario_has_incident_chains_and_detector_figures() {
    let report = run_default(22, 7);
    assert!(report.ok, "\n{}", render_table(&report));
    let incidents = report.stats["events_by_type"]["incident_opened"]
        .as_u64()
        .unwrap_or(0);
    assert!(incidents > 0, "the default run has no incidents");
    // One chain per incident and one per email chain, each verified by the `chains` check.
    let email_chains = report.stats["email"]["chains"].as_u64().unwrap_or(0);
    assert_eq!(
        report.stats["chains"].as_u64(),
        Some(incidents + email_chains)
    );
    assert!(report.check("chains").is_some_and(|check| check.ok));
    let recurrence = &report.stats["recurrence"];
    for key in [
        "precision",
        "recall",
        "true_positive",
        "false_positive",
        "missed",
        "true_negative",
    ] {
        assert!(
            recurrence.get(key).is_some(),
            "stats.recurrence lacks {key}"
        );
    }
    let outcomes: u64 = ["true_positive", "false_positive", "missed", "true_negative"]
        .iter()
        .map(|key| recurrence[key].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(outcomes, incidents);
}
