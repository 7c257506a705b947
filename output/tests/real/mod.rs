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
