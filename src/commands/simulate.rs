//! `orgforge simulate`: scenario -> engine -> generators -> output.

mod llm_prose;

use std::time::Instant;

use orgforge_engine::Simulation;
use orgforge_engine::scenario::{Overrides, ProseBackendKind};
use orgforge_generators::TemplateBackend;
use orgforge_output::{OutputError, RunInfo, WriteOptions};

use crate::cli::{ProseChoice, SimulateArgs};
use crate::commands::scenario;
use crate::failure::Failure;
use crate::progress;

/// Runs a simulation and writes the corpus.
pub fn run(args: SimulateArgs) -> Result<i32, Failure> {
    let started = Instant::now();
    let overrides = Overrides {
        days: args.days,
        seed: args.seed,
    };
    let mut scenario = scenario::read(args.scenario.as_deref(), overrides)?;
    if let Some(choice) = args.prose {
        scenario.prose.backend = match choice {
            ProseChoice::Template => ProseBackendKind::Template,
            ProseChoice::Llm => ProseBackendKind::Llm,
        };
    }
    if let Some(model) = &args.model {
        scenario.prose.model = Some(model.display().to_string());
    }
    if let Some(layers) = args.gpu_layers {
        scenario.prose.gpu_layers = layers;
    }
    if let Some(batch_size) = args.batch_size {
        scenario.prose.batch_size = batch_size;
    }
    // The model and the prose cache are checked before the engine runs: bad input fails fast.
    let llm = llm_prose::prepare(&scenario, &args)?;
    let seed_source = if args.seed.is_some() {
        "--seed"
    } else {
        "scenario"
    };
    eprintln!(
        "orgforge: {} for {} business days, seed {} (from {seed_source})",
        scenario.company.name, scenario.days, scenario.seed
    );

    let days = scenario.days;
    let bar = progress::bar(u64::from(days), "simulate");
    let outcome = Simulation::builder(scenario)
        .build()
        .run_with_progress(|day, _| bar.set_position(u64::from(day)))
        .map_err(|e| Failure::BadInput(format!("cannot simulate this scenario: {e}")))?;
    bar.finish_and_clear();
    let engine_seconds = started.elapsed().as_secs_f64();

    let render_started = Instant::now();
    let (corpus, prose_run) = match llm {
        Some(prepared) => {
            let (corpus, prose_run) = prepared.render(&outcome)?;
            (corpus, Some(prose_run))
        }
        None => {
            let mut prose = TemplateBackend::new();
            let corpus = orgforge_generators::render(&outcome, &mut prose)
                .map_err(|e| Failure::Runtime(format!("cannot render the corpus: {e}")))?;
            (corpus, None)
        }
    };
    let render_seconds = render_started.elapsed().as_secs_f64();

    let write_started = Instant::now();
    let options = WriteOptions {
        force: args.force,
        run: RunInfo {
            wall_seconds: 0.0,
            threads: 1,
            engine_seconds,
            render_seconds,
            write_seconds: 0.0,
            model_calls: prose_run.as_ref().map_or(0, |prose| prose.model_calls),
            cache_hits: prose_run.as_ref().map_or(0, |prose| prose.cache_hits),
        },
    };
    let summary = orgforge_output::write_run(&args.out, &outcome, &corpus, &options).map_err(
        |e| match e {
            OutputError::Exists { .. } => Failure::BadInput(e.to_string()),
            other => Failure::Runtime(other.to_string()),
        },
    )?;
    let write_seconds = write_started.elapsed().as_secs_f64();
    let mut run = options.run.clone();
    run.write_seconds = write_seconds;
    run.wall_seconds = started.elapsed().as_secs_f64();
    match &prose_run {
        Some(prose) => orgforge_output::write_run_info_with_prose(&args.out, &run, prose),
        None => orgforge_output::write_run_info(&args.out, &run),
    }
    .map_err(|e| Failure::Runtime(format!("cannot record run.json: {e}")))?;
    if let Some(prose) = &prose_run {
        eprintln!(
            "orgforge: llm prose: {} texts in {} model requests, {} model calls ({} stopped \
             early), {} cache hits, {} fallbacks, {} tokens generated at {:.1} tokens/s ({:.1} \
             tokens/s with prompts)",
            prose.requests,
            prose.model_requests,
            prose.model_calls,
            prose.stopped_early,
            prose.cache_hits,
            prose.fallbacks,
            prose.generated_tokens,
            prose.tokens_per_second,
            prose.processed_tokens_per_second
        );
    }

    if args.verbose {
        for line in status_lines(&outcome) {
            eprintln!("{line}");
        }
    }
    println!(
        "{}",
        summary_table(
            &outcome,
            &summary,
            started.elapsed().as_secs_f64(),
            write_seconds,
            &args.out
        )
    );
    Ok(0)
}

/// A fixed-width line per day, for scanning long runs.
fn status_lines(outcome: &orgforge_engine::outcome::Outcome) -> Vec<String> {
    let mut per_day = vec![0usize; outcome.snapshot.days as usize + 1];
    for e in &outcome.events {
        if let Some(n) = per_day.get_mut(e.day as usize) {
            *n += 1;
        }
    }
    outcome
        .snapshot
        .daily
        .iter()
        .map(|d| {
            format!(
                "day {:>4} {} events {:>6} tickets open {:>5} prs open {:>4} morale {:.3} stress {:>5.1}",
                d.day,
                d.date,
                per_day.get(d.day as usize).copied().unwrap_or(0),
                d.tickets_open,
                d.prs_open,
                d.morale,
                d.stress_mean
            )
        })
        .collect()
}

fn summary_table(
    outcome: &orgforge_engine::outcome::Outcome,
    summary: &orgforge_output::WriteSummary,
    total_seconds: f64,
    write_seconds: f64,
    out: &std::path::Path,
) -> String {
    let mut rows: Vec<(String, String)> = vec![
        ("output".into(), out.display().to_string()),
        ("days".into(), outcome.snapshot.days.to_string()),
        (
            "people".into(),
            outcome.snapshot.roster.people.len().to_string(),
        ),
        ("events".into(), outcome.events.len().to_string()),
    ];
    for (kind, count) in &summary.counts {
        rows.push((format!("artifacts: {kind}"), count.to_string()));
    }
    rows.push(("files".into(), summary.files.to_string()));
    rows.push(("write time".into(), format!("{write_seconds:.3} s")));
    rows.push(("total time".into(), format!("{total_seconds:.3} s")));
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(k, v)| format!("{k:<width$}  {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}
