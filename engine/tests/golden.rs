//! Golden snapshot of the first days' events of the small scenario for a fixed seed.
//!
//! A change here means the engine decides differently: review the diff, then re-bless with
//! `INSTA_UPDATE=always cargo nextest run -p orgforge-engine --test golden`.

use orgforge_engine::Simulation;
use orgforge_engine::scenario::Scenario;

#[test]
fn first_two_days_of_the_small_scenario() {
    let path = format!("{}/../scenarios/small.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let scenario: Scenario = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let outcome = Simulation::builder(scenario)
        .days(2)
        .seed(4242)
        .build()
        .run()
        .unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<String> = outcome
        .events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}
