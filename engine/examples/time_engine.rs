//! Times the engine alone on a scenario file: `cargo run --release -p orgforge-engine --example time_engine -- FILE DAYS`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "scenarios/default.yaml".into());
    let days: u32 = args.get(2).and_then(|d| d.parse().ok()).unwrap_or(22);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let scenario = orgforge_engine::scenario::load(&text, &path, Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let started = std::time::Instant::now();
    let outcome = orgforge_engine::Simulation::builder(scenario)
        .days(days)
        .build()
        .run()
        .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{} events, {} edges in {:.3} s, last hash {}",
        outcome.events.len(),
        outcome.snapshot.edges.len(),
        started.elapsed().as_secs_f64(),
        outcome.events.last().map_or("", |e| e.hash.as_str())
    );
}
