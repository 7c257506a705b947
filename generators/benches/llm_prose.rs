//! The llm prose backend against llama.cpp's own ceiling (criterion; `--features llm`; needs the
//! test model: `scripts/fetch-model.sh`, or `ORGFORGE_TEST_MODEL`).
//!
//! Measured in one process, on the same model, context size and threads:
//! - `raw_batched_16` / `raw_sequential` (criterion, 10 samples): llama.cpp decode alone, 16
//!   sequences in one batch against one, after their prompt is prefilled (greedy, no prefix
//!   sharing, no sampling chain, no checks): generated tokens per second of decode time. The
//!   batched figure is the limit for orgforge at batch 16.
//! - `end_to_end_batch_16` / `end_to_end_batch_1` (custom iterations, outside criterion: one run
//!   is minutes): `render_with_model` on the first days of the default scenario with a cold
//!   prose cache in a temporary file (two template passes, prompts, grouped requests, continuous
//!   batching, fact checks, retries, cache writes, replay): generated tokens, and prompt plus
//!   generated (processed) tokens, per second of wall time.
//!
//! Every figure is the median of its samples. The ratios printed at the end: end-to-end batched
//! against raw batched decode, and batch 16 against batch 1, raw and end to end.
//!
//! Knobs (environment): `ORGFORGE_BENCH_DAYS` (default 1), `ORGFORGE_BENCH_RUNS` (end-to-end runs
//! at batch 16, default 3), `ORGFORGE_BENCH_SEQUENTIAL_RUNS` (at batch 1, default 1; 0 skips),
//! `ORGFORGE_BENCH_RAW` (0 skips the raw decode measurements),
//! `ORGFORGE_BENCH_MAX_TOKENS` (token limit per text, default 64), `ORGFORGE_BENCH_SCENARIO`
//! (a compiled-in scenario, default `default`). One day of the default scenario is about 370
//! texts in about 320 model requests whose prompts (hundreds of tokens each) dwarf the answers:
//! on two CPU cores, where prefill and batched decode are both compute-bound, one cold run takes
//! well over 20 minutes; `ORGFORGE_BENCH_SCENARIO=small` takes minutes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use orgforge_engine::outcome::Outcome;
use orgforge_generators::prose::cache::ProseCache;
use orgforge_generators::prose::llm::gguf::test_model;
use orgforge_generators::prose::llm::llama::{LlamaGenerator, LlamaSettings};
use orgforge_generators::prose::llm::prompt::build_prompt;
use orgforge_generators::prose::llm::{
    LlmOptions, LlmStats, TextGenerator, collect_requests, render_with_model,
};

/// Sequences decoded together in the batched measurements (the target batch).
const BATCH: u32 = 16;
/// Tokens each raw sequence decodes.
const RAW_TOKENS: u32 = 64;
/// Context per sequence, as the default scenario's `prose.context_size`.
const CONTEXT_SIZE: u32 = 4096;

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn model_path() -> Option<PathBuf> {
    test_model(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../models"))
}

fn generator(path: &Path, batch_size: u32) -> LlamaGenerator {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let settings = LlamaSettings {
        context_size: CONTEXT_SIZE,
        gpu_layers: 0,
        batch_size,
        threads,
    };
    LlamaGenerator::load(path, settings, "bench".to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn scenario_outcome(name: &str, days: u32) -> Outcome {
    let text = orgforge_engine::scenario::template(name).unwrap_or_else(|| panic!("{name}"));
    let overrides = orgforge_engine::scenario::Overrides {
        days: Some(days),
        seed: None,
    };
    let scenario = orgforge_engine::scenario::load(text, &format!("{name}.yaml"), overrides)
        .unwrap_or_else(|e| panic!("{e}"));
    orgforge_engine::simulate(scenario).unwrap_or_else(|e| panic!("{e}"))
}

/// A real prompt of the scenario (its first request), for the raw decode measurements.
fn raw_prompt(generator: &LlamaGenerator, outcome: &Outcome) -> String {
    collect_requests(outcome)
        .unwrap_or_else(|e| panic!("{e}"))
        .first()
        .map(|request| {
            generator
                .chat()
                .format(&build_prompt(request, &[]))
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .unwrap_or_default()
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// One end-to-end run with a cold cache in a fresh temporary file: its stats and wall seconds.
fn end_to_end(
    generator: &mut LlamaGenerator,
    outcome: &Outcome,
    max_tokens: u32,
) -> (LlmStats, f64) {
    let directory = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut cache = ProseCache::open(&directory.path().join("prose-cache.sqlite"))
        .unwrap_or_else(|e| panic!("{e}"));
    let options = LlmOptions {
        temperature: 0.7,
        max_tokens,
    };
    let started = Instant::now();
    let (_, stats) = render_with_model(outcome, generator, &mut cache, &options, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    (stats, started.elapsed().as_secs_f64())
}

/// Median generated and processed tokens per second of wall time over `runs` cold runs.
fn end_to_end_rates(
    name: &str,
    generator: &mut LlamaGenerator,
    outcome: &Outcome,
    runs: u32,
    max_tokens: u32,
) -> (f64, f64) {
    let mut generated = Vec::new();
    let mut processed = Vec::new();
    for run in 0..runs {
        let (stats, seconds) = end_to_end(generator, outcome, max_tokens);
        let rate = stats.generated_tokens as f64 / seconds;
        let all = (stats.generated_tokens + stats.prompt_tokens) as f64 / seconds;
        eprintln!(
            "{name} run {run}: {seconds:.1} s wall, {} texts, {} model requests, {} model calls \
             ({} stopped early), {} fallbacks, {} prompt + {} generated tokens: {rate:.1} \
             generated tokens/s, {all:.1} processed tokens/s (in-model: {:.1} / {:.1})",
            stats.requests,
            stats.model_requests,
            stats.model_calls,
            stats.stopped_early,
            stats.fallbacks,
            stats.prompt_tokens,
            stats.generated_tokens,
            stats.tokens_per_second(),
            stats.processed_tokens_per_second(),
        );
        generated.push(rate);
        processed.push(all);
    }
    (median(&generated), median(&processed))
}

fn bench(c: &mut Criterion) {
    let Some(path) = model_path() else {
        eprintln!("llm_prose bench skipped: no model (run scripts/fetch-model.sh)");
        return;
    };
    let days = env_number("ORGFORGE_BENCH_DAYS", 1).max(1);
    let runs = env_number("ORGFORGE_BENCH_RUNS", 3).max(1);
    let sequential_runs = env_number("ORGFORGE_BENCH_SEQUENTIAL_RUNS", 1);
    let max_tokens = env_number("ORGFORGE_BENCH_MAX_TOKENS", 64).max(1);
    let mut batched = generator(&path, BATCH);
    let mut sequential = generator(&path, 1);
    let scenario = std::env::var("ORGFORGE_BENCH_SCENARIO").unwrap_or_else(|_| "default".into());
    let outcome = scenario_outcome(&scenario, days);
    let prompt = raw_prompt(&batched, &outcome);

    let mut raw: Vec<(&str, Vec<f64>)> = Vec::new();
    let mut group = c.benchmark_group("llm_prose");
    group.sample_size(10);
    // One iteration per sample: 10 decodes, not criterion's linear 1 + 2 + ... + 10.
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    let raw_configurations: &[(&str, u32)] = if env_number("ORGFORGE_BENCH_RAW", 1) == 0 {
        &[]
    } else {
        &[("raw_batched_16", BATCH), ("raw_sequential", 1)]
    };
    for &(name, sequences) in raw_configurations {
        let model = if sequences == 1 {
            &sequential
        } else {
            &batched
        };
        let mut rates = Vec::new();
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let rate = model
                        .raw_decode_tokens_per_second(&prompt, sequences, RAW_TOKENS)
                        .unwrap_or_else(|e| panic!("{e}"));
                    rates.push(rate);
                    // The decode time alone, so criterion's figures match the rate.
                    let tokens = f64::from(sequences * RAW_TOKENS);
                    total += Duration::from_secs_f64(if rate > 0.0 { tokens / rate } else { 0.0 });
                }
                total
            })
        });
        eprintln!("{name}: median {:.1} tokens/s", median(&rates));
        raw.push((name, rates));
    }
    group.finish();
    let raw_rate = |name: &str| {
        raw.iter()
            .find(|(n, _)| *n == name)
            .map_or(0.0, |(_, rates)| median(rates))
    };

    let (batched_generated, batched_processed) = end_to_end_rates(
        "end_to_end_batch_16",
        &mut batched,
        &outcome,
        runs,
        max_tokens,
    );
    let (sequential_generated, sequential_processed) = end_to_end_rates(
        "end_to_end_batch_1",
        &mut sequential,
        &outcome,
        sequential_runs,
        max_tokens,
    );

    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let raw_batched = raw_rate("raw_batched_16");
    let raw_sequential = raw_rate("raw_sequential");
    eprintln!(
        "--- llm_prose medians ({days} day(s) of the {scenario} scenario, {max_tokens} tokens/text)"
    );
    eprintln!(
        "raw decode: batch 16 {raw_batched:.1} tokens/s, batch 1 {raw_sequential:.1} tokens/s"
    );
    eprintln!(
        "end to end, batch 16: {batched_generated:.1} generated tokens/s, \
         {batched_processed:.1} processed tokens/s"
    );
    eprintln!(
        "end to end, batch 1: {sequential_generated:.1} generated tokens/s, \
         {sequential_processed:.1} processed tokens/s"
    );
    eprintln!(
        "end-to-end/raw batched: {:.2} generated, {:.2} processed; batch 16/batch 1: raw {:.2}x, \
         end to end {:.2}x generated, {:.2}x processed",
        ratio(batched_generated, raw_batched),
        ratio(batched_processed, raw_batched),
        ratio(raw_batched, raw_sequential),
        ratio(batched_generated, sequential_generated),
        ratio(batched_processed, sequential_processed),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
