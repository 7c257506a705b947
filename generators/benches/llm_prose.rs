//! The llm prose backend against llama.cpp's own ceiling (criterion; `--features llm`; needs the
//! test model: `scripts/fetch-model.sh`, or `ORGFORGE_TEST_MODEL`).
//!
//! Measured, in one process, on the same model, context and batch size:
//! - `raw_batched_16` / `raw_sequential`: llama.cpp decode alone, 16 sequences in one batch
//!   against one sequence (greedy, no prefix sharing, no sampling chain, no checks);
//! - `prose_batch_16` / `prose_sequential`: orgforge's generator on real prompts of the default
//!   scenario (chat template, shared-prefix KV copy, seeded sampling), batch 16 against 1;
//! - `end_to_end` (measured once, outside criterion): `render_with_model` on one day of the
//!   default scenario (two template passes, fact checks, retries, the cache), its generated
//!   tokens per second of wall time.
//!
//! Each prints tokens per second; the ratios (end-to-end / raw batched, batched / sequential) are
//! printed at the end.
//!
//! Back of the envelope (2 CPU cores, SmolLM2-135M Q4_1): ~92 tokens/s for one sequence; the
//! weights (~75 MB) are read once per decode step whatever the batch, so batch 16 should reach
//! several times that until the matrix products become compute-bound.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use orgforge_engine::outcome::Outcome;
use orgforge_generators::prose::cache::ProseCache;
use orgforge_generators::prose::llm::llama::{LlamaGenerator, LlamaSettings};
use orgforge_generators::prose::llm::prompt::build_prompt;
use orgforge_generators::prose::llm::{
    GenerationJob, LlmOptions, TextGenerator, render_with_model,
};
use orgforge_generators::prose::{ProseBackend, ProseError, ProseRequest, ProseStats};
use orgforge_generators::{TemplateBackend, render};

/// Sequences decoded together in the batched measurements (the target batch).
const BATCH: u32 = 16;
/// Tokens each raw sequence decodes.
const RAW_TOKENS: u32 = 64;
/// Real prompts in the generator measurements.
const PROMPTS: usize = 32;
/// Token limit of each prompt in the generator measurements.
const PROMPT_MAX_TOKENS: u32 = 48;
/// Token limit per request in the end-to-end measurement (keeps a day of prose to minutes).
const END_TO_END_MAX_TOKENS: u32 = 64;

fn model_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ORGFORGE_TEST_MODEL") {
        return Some(PathBuf::from(path));
    }
    let models = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models");
    let mut found: Vec<PathBuf> = std::fs::read_dir(models)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "gguf"))
        .collect();
    found.sort();
    found.into_iter().next()
}

fn generator(path: &Path, batch_size: u32) -> LlamaGenerator {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let settings = LlamaSettings {
        context_size: 4096,
        gpu_layers: 0,
        batch_size,
        threads,
    };
    LlamaGenerator::load(path, settings, "bench".to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn default_outcome(days: u32) -> Outcome {
    let text = orgforge_engine::scenario::template("default").unwrap_or_else(|| panic!("default"));
    let overrides = orgforge_engine::scenario::Overrides {
        days: Some(days),
        seed: None,
    };
    let scenario = orgforge_engine::scenario::load(text, "default.yaml", overrides)
        .unwrap_or_else(|e| panic!("{e}"));
    orgforge_engine::simulate(scenario).unwrap_or_else(|e| panic!("{e}"))
}

/// Records requests while rendering with templates.
struct Collect(TemplateBackend, Vec<ProseRequest>);

impl ProseBackend for Collect {
    fn name(&self) -> &str {
        "collect"
    }
    fn write(&mut self, request: &ProseRequest) -> Result<String, ProseError> {
        self.1.push(request.clone());
        self.0.text(request)
    }
    fn stats(&self) -> ProseStats {
        ProseStats::default()
    }
}

fn jobs(generator: &LlamaGenerator, outcome: &Outcome) -> Vec<GenerationJob> {
    let mut collect = Collect(TemplateBackend::new(), Vec::new());
    render(outcome, &mut collect).unwrap_or_else(|e| panic!("{e}"));
    collect
        .1
        .iter()
        .take(PROMPTS)
        .map(|request| GenerationJob {
            prompt: generator
                .format(&build_prompt(request, &[]))
                .unwrap_or_else(|e| panic!("{e}")),
            seed: request.seed as u32,
            max_tokens: PROMPT_MAX_TOKENS,
            temperature: 0.7,
        })
        .collect()
}

/// Generated tokens per second of one `generate` call.
fn generate_rate(generator: &mut LlamaGenerator, jobs: &[GenerationJob]) -> (f64, Duration) {
    let started = Instant::now();
    let generations = generator
        .generate(jobs, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed();
    let tokens: u64 = generations.iter().map(|g| g.generated_tokens).sum();
    (tokens as f64 / elapsed.as_secs_f64(), elapsed)
}

fn bench(c: &mut Criterion) {
    let Some(path) = model_path() else {
        eprintln!("llm_prose bench skipped: no model (run scripts/fetch-model.sh)");
        return;
    };
    let mut batched = generator(&path, BATCH);
    let mut sequential = generator(&path, 1);
    let outcome = default_outcome(1);
    let jobs = jobs(&batched, &outcome);
    let raw_prompt = jobs
        .first()
        .map(|job| job.prompt.clone())
        .unwrap_or_default();

    let mut rates: Vec<(&str, f64)> = Vec::new();
    let mut group = c.benchmark_group("llm_prose");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    let mut measure = |name: &'static str, run: &mut dyn FnMut() -> (f64, Duration)| {
        let mut last = 0.0;
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let (rate, elapsed) = run();
                    last = rate;
                    total += elapsed;
                }
                total
            })
        });
        eprintln!("{name}: {last:.1} tokens/s");
        rates.push((name, last));
    };
    measure("raw_batched_16", &mut || {
        let started = Instant::now();
        let rate = batched
            .raw_decode_tokens_per_second(&raw_prompt, BATCH, RAW_TOKENS)
            .unwrap_or_else(|e| panic!("{e}"));
        (rate, started.elapsed())
    });
    measure("raw_sequential", &mut || {
        let started = Instant::now();
        let rate = sequential
            .raw_decode_tokens_per_second(&raw_prompt, 1, RAW_TOKENS)
            .unwrap_or_else(|e| panic!("{e}"));
        (rate, started.elapsed())
    });
    measure("prose_batch_16", &mut || generate_rate(&mut batched, &jobs));
    measure("prose_sequential", &mut || {
        generate_rate(&mut sequential, &jobs[..jobs.len().min(8)])
    });
    group.finish();

    // End to end, once: a whole day is minutes of decoding, too long for criterion's samples.
    let mut cache = ProseCache::in_memory().unwrap_or_else(|e| panic!("{e}"));
    let options = LlmOptions {
        temperature: 0.7,
        max_tokens: END_TO_END_MAX_TOKENS,
    };
    let started = Instant::now();
    let (_, stats) = render_with_model(&outcome, &mut batched, &mut cache, &options, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed().as_secs_f64();
    let end_to_end = stats.generated_tokens as f64 / elapsed;
    eprintln!(
        "end_to_end: {end_to_end:.1} tokens/s ({} requests, {} model calls, {} tokens, {} fallbacks, \
         {elapsed:.1} s wall)",
        stats.requests, stats.model_calls, stats.generated_tokens, stats.fallbacks
    );
    rates.push(("end_to_end", end_to_end));

    let rate = |name: &str| {
        rates
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0.0, |(_, r)| *r)
    };
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    eprintln!(
        "raw batched/sequential: {:.2}x; prose batched/sequential: {:.2}x; \
         end-to-end/raw batched: {:.2}; prose batched/raw batched: {:.2}",
        ratio(rate("raw_batched_16"), rate("raw_sequential")),
        ratio(rate("prose_batch_16"), rate("prose_sequential")),
        ratio(rate("end_to_end"), rate("raw_batched_16")),
        ratio(rate("prose_batch_16"), rate("raw_batched_16")),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
