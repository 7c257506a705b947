//! The llm prose backend against llama.cpp's own ceiling (criterion; `--features llm`; needs the
//! test model: `scripts/fetch-model.sh`, or `ORGFORGE_TEST_MODEL`).
//!
//! Measured in one process, on the same model, context size and threads, for each batch size:
//! - `raw_batch_N` (criterion, 10 samples): llama.cpp alone, N sequences each prefilling a
//!   real prompt, then decoding in one batch (greedy, no prefix sharing, no sampling chain, no
//!   checks): prompt tokens per second of prefill time, and generated tokens per second of
//!   decode time. The limits for orgforge at batch N.
//! - `end_to_end_batch_N` (custom iterations, outside criterion: one run is seconds on a GPU,
//!   minutes on a CPU): `render_with_model` on the first days of a scenario with a cold prose
//!   cache in a temporary file (two template passes, prompts, grouped requests, continuous
//!   batching, fact checks, retries, cache writes, replay): generated tokens, and prompt plus
//!   generated (processed) tokens, per second of wall time.
//!
//! Every figure is the median of its samples. The ratios printed at the end, per batch size:
//! end-to-end generated tokens per second against raw decode; the run's own prompt and
//! generated tokens timed at the raw prefill and decode rates, against its wall time (1.0 is
//! llama.cpp's speed; prompts count whole, reused cells too, so it leans high); and raw and
//! end-to-end rates against the smallest batch size.
//!
//! Knobs (environment): `ORGFORGE_BENCH_BATCHES` (batch sizes, default `16,1`),
//! `ORGFORGE_BENCH_RUNS` (end-to-end runs per batch size, default 1; 0 skips them),
//! `ORGFORGE_BENCH_RAW` (0 skips the raw decode measurements), `ORGFORGE_BENCH_DAYS` (default
//! 1), `ORGFORGE_BENCH_MAX_TOKENS` (token limit per text, default 64), `ORGFORGE_BENCH_SCENARIO`
//! (a compiled-in scenario, default `default`), `ORGFORGE_BENCH_GPU_LAYERS` (layers offloaded,
//! default 0), `ORGFORGE_BENCH_CONTEXT` (context per sequence, default 4096),
//! `ORGFORGE_BENCH_SAMPLING_THREADS` (default: all threads with GPU layers, else 1),
//! `ORGFORGE_BENCH_BATCH_TOKENS` (tokens per decode call, default 1024), and
//! `ORGFORGE_TEST_MODEL` (the model file). One day of the default scenario is about 370 texts in
//! about 320 model requests whose prompts (hundreds of tokens each) dwarf the answers: on two CPU
//! cores, where prefill and batched decode are both compute-bound, one cold run takes well over
//! 20 minutes; `ORGFORGE_BENCH_SCENARIO=small` takes minutes. `scripts/gpu/` runs it on a GPU.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use orgforge_engine::outcome::Outcome;
use orgforge_generators::prose::cache::ProseCache;
use orgforge_generators::prose::llm::gguf::test_model;
use orgforge_generators::prose::llm::llama::{LlamaGenerator, LlamaSettings, RawRates};
use orgforge_generators::prose::llm::prompt::build_prompt;
use orgforge_generators::prose::llm::{
    LlmOptions, LlmStats, TextGenerator, collect_requests, render_with_model,
};

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

/// The batch sizes of `ORGFORGE_BENCH_BATCHES`, in the order given.
fn batch_sizes() -> Vec<u32> {
    let text = std::env::var("ORGFORGE_BENCH_BATCHES").unwrap_or_else(|_| "16,1".into());
    let sizes: Vec<u32> = text
        .split(',')
        .filter_map(|size| size.trim().parse().ok())
        .filter(|&size| size > 0)
        .collect();
    if sizes.is_empty() { vec![16, 1] } else { sizes }
}

fn model_path() -> Option<PathBuf> {
    test_model(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../models"))
}

fn generator(path: &Path, batch_size: u32) -> LlamaGenerator {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let mut settings = LlamaSettings::new(
        env_number("ORGFORGE_BENCH_CONTEXT", CONTEXT_SIZE).max(256),
        env_number("ORGFORGE_BENCH_GPU_LAYERS", 0),
        batch_size,
        threads,
    );
    settings.sampling_threads =
        env_number("ORGFORGE_BENCH_SAMPLING_THREADS", settings.sampling_threads).max(1);
    settings.batch_tokens = env_number("ORGFORGE_BENCH_BATCH_TOKENS", settings.batch_tokens);
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

/// Medians over `runs` cold runs at one batch size.
#[derive(Default)]
struct EndToEnd {
    /// Generated tokens per second of wall time.
    generated: f64,
    /// Prompt plus generated tokens per second of wall time.
    processed: f64,
    /// The run's prompt and generated tokens timed at the raw rates, over its wall time: 1.0
    /// is llama.cpp's own speed. Prompts are counted whole, reused cells too, so this leans high.
    efficiency: f64,
}

fn end_to_end_rates(
    name: &str,
    generator: &mut LlamaGenerator,
    outcome: &Outcome,
    runs: u32,
    max_tokens: u32,
    raw: Option<RawRates>,
) -> EndToEnd {
    let mut generated = Vec::new();
    let mut processed = Vec::new();
    let mut efficiency = Vec::new();
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
        if let Some(raw) = raw.filter(|raw| raw.prefill > 0.0 && raw.decode > 0.0) {
            let ideal = stats.prompt_tokens as f64 / raw.prefill
                + stats.generated_tokens as f64 / raw.decode;
            efficiency.push(ideal / seconds);
        }
    }
    EndToEnd {
        generated: median(&generated),
        processed: median(&processed),
        efficiency: median(&efficiency),
    }
}

/// The medians measured at one batch size.
struct BatchFigures {
    batch: u32,
    raw: Option<RawRates>,
    end_to_end: EndToEnd,
}

/// Median raw prefill and decode rates of `sequences` sequences; the decode as a criterion
/// benchmark.
fn raw_rates(
    c: &mut Criterion,
    generator: &LlamaGenerator,
    prompt: &str,
    sequences: u32,
) -> RawRates {
    let name = format!("raw_batch_{sequences}");
    let mut prefill = Vec::new();
    let mut decode = Vec::new();
    let mut group = c.benchmark_group("llm_prose");
    group.sample_size(10);
    // One iteration per sample: 10 decodes, not criterion's linear 1 + 2 + ... + 10.
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    group.bench_function(&name, |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let rates = generator
                    .raw_tokens_per_second(prompt, sequences, RAW_TOKENS)
                    .unwrap_or_else(|e| panic!("{e}"));
                prefill.push(rates.prefill);
                decode.push(rates.decode);
                // The decode time alone, so criterion's figures match the rate.
                let tokens = f64::from(sequences * RAW_TOKENS);
                let seconds = if rates.decode > 0.0 {
                    tokens / rates.decode
                } else {
                    0.0
                };
                total += Duration::from_secs_f64(seconds);
            }
            total
        })
    });
    group.finish();
    let rates = RawRates {
        prefill: median(&prefill),
        decode: median(&decode),
    };
    eprintln!(
        "{name}: median prefill {:.1} tokens/s, decode {:.1} tokens/s",
        rates.prefill, rates.decode
    );
    rates
}

fn bench(c: &mut Criterion) {
    let Some(path) = model_path() else {
        eprintln!("llm_prose bench skipped: no model (run scripts/fetch-model.sh)");
        return;
    };
    let days = env_number("ORGFORGE_BENCH_DAYS", 1).max(1);
    let runs = env_number("ORGFORGE_BENCH_RUNS", 1);
    let max_tokens = env_number("ORGFORGE_BENCH_MAX_TOKENS", 64).max(1);
    let measure_raw = env_number("ORGFORGE_BENCH_RAW", 1) != 0;
    let scenario = std::env::var("ORGFORGE_BENCH_SCENARIO").unwrap_or_else(|_| "default".into());
    let outcome = scenario_outcome(&scenario, days);

    let batches = batch_sizes();
    let mut generator = generator(&path, batches[0]);
    let mut figures = Vec::new();
    // Each run makes its own context (KV cache: batch size × context), freed when it ends.
    for batch in batches {
        generator.set_batch_size(batch);
        let raw =
            measure_raw.then(|| raw_rates(c, &generator, &raw_prompt(&generator, &outcome), batch));
        let end_to_end = if runs == 0 {
            EndToEnd::default()
        } else {
            let name = format!("end_to_end_batch_{batch}");
            end_to_end_rates(&name, &mut generator, &outcome, runs, max_tokens, raw)
        };
        figures.push(BatchFigures {
            batch,
            raw,
            end_to_end,
        });
    }

    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    eprintln!(
        "--- llm_prose medians ({days} day(s) of the {scenario} scenario, {max_tokens} tokens/text)"
    );
    let Some(smallest) = figures.iter().min_by_key(|figures| figures.batch) else {
        return;
    };
    let decode = |f: &BatchFigures| f.raw.map_or(0.0, |raw| raw.decode);
    for f in &figures {
        let e = &f.end_to_end;
        let s = &smallest.end_to_end;
        eprintln!(
            "batch {}: raw prefill {:.1}, decode {:.1} tokens/s; end to end {:.1} generated \
             tokens/s, {:.1} processed tokens/s; end-to-end/raw decode {:.2} generated; \
             end-to-end work at raw speed / wall {:.2}; against batch {}: raw decode {:.2}x, \
             end to end {:.2}x",
            f.batch,
            f.raw.map_or(0.0, |raw| raw.prefill),
            decode(f),
            e.generated,
            e.processed,
            ratio(e.generated, decode(f)),
            e.efficiency,
            smallest.batch,
            ratio(decode(f), decode(smallest)),
            ratio(e.generated, s.generated),
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
