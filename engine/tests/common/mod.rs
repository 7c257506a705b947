//! Shared set-up of the engine's integration tests: shipped scenarios and runs of them.

#![allow(dead_code)]

use orgforge_engine::Simulation;
use orgforge_engine::outcome::Outcome;
use orgforge_engine::scenario::Scenario;

/// A shipped scenario (`scenarios/<name>.yaml`), loaded and validated.
pub fn scenario(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    orgforge_engine::scenario::load(&text, &path, Default::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `scenario` for `days` with `seed`.
pub fn run_scenario(scenario: Scenario, days: u32, seed: u64) -> Outcome {
    Simulation::builder(scenario)
        .days(days)
        .seed(seed)
        .build()
        .run()
        .unwrap_or_else(|e| panic!("{e}"))
}
