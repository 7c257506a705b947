//! Benchmarks of whole runs (criterion).
//!
//! Back of the envelope: the default scenario (≈50 people, 22 days) decides ≈5,000 events and
//! ≈1,500 artifacts; at a few microseconds per event and tens of microseconds per rendered and
//! hashed file, the whole pipeline should take well under 0.5 s, dominated by rendering and disk.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use orgforge_engine::Simulation;
use orgforge_engine::scenario::{self, Overrides, Scenario};
use orgforge_generators::TemplateBackend;
use orgforge_output::{RunInfo, WriteOptions};

fn load(name: &str) -> Scenario {
    let path = format!("{}/scenarios/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    scenario::load(&text, &path, Overrides::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh output path per iteration, so the timing is a user's run into a new directory (the
/// removal of an earlier run that `--force` does is not part of it).
fn fresh(root: &std::path::Path, counter: &mut u32) -> std::path::PathBuf {
    *counter += 1;
    root.join(format!("run-{counter}"))
}

fn whole_run(scenario: &Scenario, out: &std::path::Path) {
    let outcome = Simulation::builder(scenario.clone())
        .build()
        .run()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut prose = TemplateBackend::new();
    let corpus =
        orgforge_generators::render(&outcome, &mut prose).unwrap_or_else(|e| panic!("{e}"));
    let options = WriteOptions {
        force: true,
        run: RunInfo::default(),
    };
    let summary = orgforge_output::write_run(out, &outcome, &corpus, &options)
        .unwrap_or_else(|e| panic!("{e}"));
    black_box(summary);
}

fn benches(c: &mut Criterion) {
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let default = load("default");
    c.bench_function("engine_default_22_days", |b| {
        b.iter(|| {
            black_box(
                Simulation::builder(default.clone())
                    .build()
                    .run()
                    .map(|o| o.events.len()),
            )
        })
    });
    let mut counter = 0;
    c.bench_function("pipeline_default_22_days_to_disk", |b| {
        b.iter_batched(
            || fresh(temp.path(), &mut counter),
            |out| whole_run(&default, &out),
            BatchSize::PerIteration,
        )
    });
    // The engine alone for five business days at three sizes: a day's cost is a fifth, and the
    // ratios between sizes give the cost exponent in people.
    let sizes = [("default", 53), ("medium", 200), ("large", 1000)];
    let mut group = c.benchmark_group("engine_5_days");
    group.sample_size(10);
    for (name, people) in sizes {
        let scenario = load(name);
        group.bench_function(format!("{people}_people"), |b| {
            b.iter(|| {
                black_box(
                    Simulation::builder(scenario.clone())
                        .days(5)
                        .build()
                        .run()
                        .map(|o| o.events.len()),
                )
            })
        });
    }
    group.finish();

    let large = load("large");
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    group.bench_function("pipeline_large_22_days_to_disk", |b| {
        b.iter_batched(
            || fresh(temp.path(), &mut counter),
            |out| whole_run(&large, &out),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(simulate, benches);
criterion_main!(simulate);
