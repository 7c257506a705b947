//! The `llm` prose backend: a local model writes the prose of a finished run, in batches.
//!
//! Prose never feeds back into the engine, so every request of a run is known once the engine
//! has run. [`render_with_model`] renders in two passes over the unchanged renderers:
//! 1. **collect**: render with the template backend and record every [`ProseRequest`];
//! 2. **generate**: build one prompt per model request from the fact packets only: the parts of
//!    a group (every message of a Slack thread, every section of a page, every mail of an email
//!    thread, see [`super::ProseGroup`]) share one prompt and one answer, split back into parts
//!    by marker lines ([`prompt::part_marker`]); a request without a group stands alone. Answer
//!    each prompt from the prose cache or hand all misses to the [`TextGenerator`] at once (it
//!    decodes them together), fact check every part against its own packet, retry the failing
//!    parts (together, each with a corrective instruction) up to [`MAX_RETRIES`] times, then
//!    fall back to the template text part by part;
//! 3. **render**: render again with a backend that replays the checked answers.
//!
//! **Architecture invariant:** the model decides no fact. An answer is used only when the fact
//! check passes; otherwise the template text (fact-complete by construction) is used and counted.
//! Everything here is deterministic given the answers, so a warm cache replays a run exactly.

pub mod gguf;
#[cfg(feature = "llm")]
pub mod llama;
pub mod prompt;

use std::collections::{BTreeMap, BTreeSet};

use orgforge_engine::outcome::Outcome;
use sha2::{Digest, Sha256};

use super::cache::{CacheError, CachedAnswer, ProseCache, SamplingKey, cache_key};
use super::fact_check::{FactChecker, FailureReason, Finding};
use super::{ProseBackend, ProseError, ProseRequest, ProseStats, TemplateBackend};
use crate::{Corpus, RenderError};
use prompt::{Prompt, PromptPart, build_group_prompt, part_marker, split_group_answer};

/// Retries of one request after its first answer fails the fact check (then: template text).
pub const MAX_RETRIES: u32 = 2;
/// Tokens allowed per word of a kind's word limit (English runs at about 1.3 tokens per word).
const TOKENS_PER_WORD_LIMIT: u32 = 2;

/// One generation for a [`TextGenerator`]: a formatted prompt and how to sample it.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationJob {
    /// The full prompt, chat template applied.
    pub prompt: String,
    /// Seed of the sampler (from the request's seed and the attempt).
    pub seed: u32,
    /// Most tokens to generate.
    pub max_tokens: u32,
    /// Sampling temperature; 0 samples greedily.
    pub temperature: f32,
}

/// What a [`TextGenerator`] made of one job.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Generation {
    /// The text, or `None` when the job could not run (e.g. its prompt exceeds the context).
    pub text: Option<String>,
    /// Why there is no text.
    pub problem: Option<String>,
    /// Tokens of the prompt.
    pub prompt_tokens: u64,
    /// Tokens generated.
    pub generated_tokens: u64,
}

/// Generation progress, reported after each finished job.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GenerationProgress {
    /// Jobs finished in this call.
    pub jobs_done: u64,
    /// Tokens generated in this call so far.
    pub generated_tokens: u64,
}

/// One job has finished: reported as soon as its sequence ends (in finishing order), so its
/// answer can be cached before the rest of the batch is done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobDone<'g> {
    /// Index of the job in the slice given to [`TextGenerator::generate`].
    pub job: usize,
    /// What the job produced (the same value `generate` returns for it).
    pub generation: &'g Generation,
    /// Progress of the whole call so far, this job included.
    pub progress: GenerationProgress,
}

/// A language model that answers many prompts together. The llama.cpp implementation lives in
/// the `llama` module (cargo feature `llm`); tests use deterministic stubs.
pub trait TextGenerator {
    /// sha256 of the model file (part of every cache key).
    fn model_sha256(&self) -> &str;
    /// Applies the model's chat template to a prompt.
    fn format(&self, prompt: &Prompt) -> Result<String, ProseError>;
    /// Answers every job, in order, calling `done` once per job as soon as it finishes. One
    /// job's text must not depend on the other jobs.
    fn generate(
        &mut self,
        jobs: &[GenerationJob],
        done: &mut dyn FnMut(JobDone<'_>),
    ) -> Result<Vec<Generation>, ProseError>;
}

/// How the llm backend samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LlmOptions {
    /// Sampling temperature (scenario `prose.temperature`).
    pub temperature: f32,
    /// Most tokens per text (scenario `prose.max_tokens`); each kind is capped lower by its
    /// word limit, and a group request may generate the sum of its parts' limits.
    pub max_tokens: u32,
}

/// Counters of an llm prose run, for `run.json` and the summary. Texts (`requests`, `attempts`,
/// `fallbacks`, `failures`) count parts; `model_requests`, `model_calls` and `cache_hits` count
/// prompts, where one prompt asks for every part of a thread, page or email thread.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LlmStats {
    /// Distinct prose texts (parts) of the run.
    pub requests: u64,
    /// Model requests of the first try: one per group (Slack thread, page, email thread) plus
    /// one per text that stands alone.
    pub model_requests: u64,
    /// Texts checked (first tries and retries).
    pub attempts: u64,
    /// Prompts that reached the model (retries included).
    pub model_calls: u64,
    /// Prompts answered from the prose cache.
    pub cache_hits: u64,
    /// Distinct texts that fell back to the template text.
    pub fallbacks: u64,
    /// Failed text attempts by reason name (an attempt with two reasons counts under both).
    pub failures: BTreeMap<String, u64>,
    /// Prompt tokens of the model calls (each prompt in full, its shared prefix included).
    pub prompt_tokens: u64,
    /// Tokens generated by the model calls.
    pub generated_tokens: u64,
    /// Seconds spent in the model (prompt prefill and generation).
    pub generation_seconds: f64,
}

impl LlmStats {
    /// Generated tokens per second of model time (0 without model calls). The time includes
    /// prompt prefill, so this understates decode speed; see
    /// [`LlmStats::processed_tokens_per_second`].
    pub fn tokens_per_second(&self) -> f64 {
        per_second(self.generated_tokens, self.generation_seconds)
    }

    /// Prompt plus generated tokens per second of model time (0 without model calls). Prompt
    /// tokens count in full, though a shared prefix is decoded once per call.
    pub fn processed_tokens_per_second(&self) -> f64 {
        per_second(
            self.prompt_tokens + self.generated_tokens,
            self.generation_seconds,
        )
    }
}

/// `tokens / seconds`, 0 when no time passed.
fn per_second(tokens: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        tokens as f64 / seconds
    } else {
        0.0
    }
}

/// Progress of the whole prose stage, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ProseProgress {
    /// Answers obtained (model or cache), retries included; one answer per prompt.
    pub done: u64,
    /// Prompts scheduled so far (grows when retries are scheduled).
    pub total: u64,
    /// Tokens generated so far.
    pub generated_tokens: u64,
    /// Seconds spent in the model so far.
    pub generation_seconds: f64,
}

/// Why the llm prose stage failed (a model or cache failure, not a fact-check failure).
#[derive(Debug, thiserror::Error)]
pub enum LlmRenderError {
    /// Rendering failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The model failed.
    #[error("the model failed: {0}")]
    Model(ProseError),
    /// The cache failed.
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// Identity of a request: sha256 of its JSON (kind, event, seed, author, facts, context).
fn request_digest(request: &ProseRequest) -> String {
    let bytes = serde_json::to_vec(request).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The 32-bit sampler seed of an attempt: the request's seed, mixed with the attempt number so
/// a retry samples differently.
fn attempt_seed(request_seed: u64, attempt: u32) -> u32 {
    let mixed = request_seed ^ u64::from(attempt).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((mixed >> 32) as u32) ^ (mixed as u32)
}

/// Token limit of one text: the scenario's limit, capped by the kind's word limit.
fn token_limit(request: &ProseRequest, options: &LlmOptions) -> u32 {
    (request.kind.max_words() * TOKENS_PER_WORD_LIMIT)
        .min(options.max_tokens)
        .max(1)
}

/// A model answer as it goes into an artifact: line endings normalized, surrounding whitespace
/// trimmed, no blank lines in chat messages.
pub fn clean_answer(text: &str, chat: bool) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text
        .trim()
        .lines()
        .map(str::trim_end)
        .filter(|line| !chat || !line.trim().is_empty())
        .collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for line in lines {
        // At most one blank line in a row.
        if line.is_empty() && out.last().is_some_and(|last| last.is_empty()) {
            continue;
        }
        out.push(line);
    }
    out.join("\n")
}

/// Pass 1: the template backend, recording every distinct request in first-seen order.
struct Recorder {
    template: TemplateBackend,
    requests: BTreeMap<String, ProseRequest>,
    order: Vec<String>,
}

impl ProseBackend for Recorder {
    fn name(&self) -> &str {
        "llm"
    }

    fn write(&mut self, request: &ProseRequest) -> Result<String, ProseError> {
        let text = self.template.text(request)?;
        let digest = request_digest(request);
        if !self.requests.contains_key(&digest) {
            self.order.push(digest.clone());
            self.requests.insert(digest, request.clone());
        }
        Ok(text)
    }

    fn stats(&self) -> ProseStats {
        ProseStats::default()
    }
}

/// Pass 3: checked answers by request digest; anything else is the template text, counted.
struct Replay {
    template: TemplateBackend,
    answers: BTreeMap<String, String>,
    requests: u64,
    fallbacks: u64,
}

impl ProseBackend for Replay {
    fn name(&self) -> &str {
        "llm"
    }

    fn write(&mut self, request: &ProseRequest) -> Result<String, ProseError> {
        self.requests += 1;
        match self.answers.get(&request_digest(request)) {
            Some(text) => Ok(text.clone()),
            None => {
                self.fallbacks += 1;
                self.template.text(request)
            }
        }
    }

    fn stats(&self) -> ProseStats {
        ProseStats {
            backend: "llm".to_string(),
            requests: self.requests,
            fallbacks: self.fallbacks,
        }
    }
}

/// A part still being answered: its request and why its previous answer failed.
struct PendingPart<'r> {
    digest: String,
    request: &'r ProseRequest,
    findings: Vec<Finding>,
}

/// One model request still being answered: the parts of a group (a Slack thread, a page, an
/// email thread) or a single ungrouped request.
struct PendingJob<'r> {
    parts: Vec<PendingPart<'r>>,
}

/// The model requests of a run: requests of one group together, ordered by part (ties by render
/// order); ungrouped requests alone; requests in order of first appearance.
fn model_requests<'r>(
    order: &[String],
    requests: &'r BTreeMap<String, ProseRequest>,
) -> Vec<PendingJob<'r>> {
    let mut jobs: Vec<Vec<(u32, usize, PendingPart<'r>)>> = Vec::new();
    let mut by_group: BTreeMap<&str, usize> = BTreeMap::new();
    for (position, digest) in order.iter().enumerate() {
        let Some(request) = requests.get(digest) else {
            continue;
        };
        let part = PendingPart {
            digest: digest.clone(),
            request,
            findings: Vec::new(),
        };
        match &request.group {
            Some(group) => {
                let at = *by_group.entry(group.id.as_str()).or_insert_with(|| {
                    jobs.push(Vec::new());
                    jobs.len() - 1
                });
                jobs[at].push((group.part, position, part));
            }
            None => jobs.push(vec![(0, position, part)]),
        }
    }
    jobs.into_iter()
        .map(|mut parts| {
            parts.sort_by_key(|(part, position, _)| (*part, *position));
            PendingJob {
                parts: parts.into_iter().map(|(_, _, part)| part).collect(),
            }
        })
        .collect()
}

/// The seed of a model request: a single request's own seed, or its parts' seeds mixed in order.
fn job_seed(parts: &[PendingPart<'_>]) -> u64 {
    match parts {
        [single] => single.request.seed,
        _ => parts.iter().fold(0x243f_6a88_85a3_08d3, |seed: u64, part| {
            (seed ^ part.request.seed)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(29)
        }),
    }
}

/// Renders a run with model-written prose (see the module docs for the three passes).
///
/// Fails only when rendering, the model or the cache fails; fact-check failures become counted
/// fallbacks. `progress` is called after every answer.
pub fn render_with_model(
    outcome: &Outcome,
    generator: &mut dyn TextGenerator,
    cache: &mut ProseCache,
    options: &LlmOptions,
    progress: &mut dyn FnMut(ProseProgress),
) -> Result<(Corpus, LlmStats), LlmRenderError> {
    let mut recorder = Recorder {
        template: TemplateBackend::new(),
        requests: BTreeMap::new(),
        order: Vec::new(),
    };
    crate::render(outcome, &mut recorder)?;
    let checker = FactChecker::new(outcome);
    let mut stats = LlmStats {
        requests: recorder.order.len() as u64,
        ..LlmStats::default()
    };
    let mut answers: BTreeMap<String, String> = BTreeMap::new();
    let mut pending = model_requests(&recorder.order, &recorder.requests);
    stats.model_requests = pending.len() as u64;
    let mut overall = ProseProgress::default();
    let model_sha256 = generator.model_sha256().to_string();

    for attempt in 0..=MAX_RETRIES {
        if pending.is_empty() {
            break;
        }
        overall.total += pending.len() as u64;
        // Prompts and cache keys of this round.
        let mut keys: Vec<String> = Vec::with_capacity(pending.len());
        let mut round: BTreeMap<String, CachedAnswer> = BTreeMap::new();
        let mut jobs: Vec<GenerationJob> = Vec::new();
        let mut job_keys: Vec<String> = Vec::new();
        let mut scheduled: BTreeSet<String> = BTreeSet::new();
        let mut problems: BTreeMap<String, String> = BTreeMap::new();
        for item in &pending {
            let parts: Vec<PromptPart<'_>> = item
                .parts
                .iter()
                .map(|part| PromptPart {
                    request: part.request,
                    findings: &part.findings,
                })
                .collect();
            let prompt = build_group_prompt(&parts);
            let formatted = generator.format(&prompt).map_err(LlmRenderError::Model)?;
            let max_tokens = item
                .parts
                .iter()
                .map(|part| token_limit(part.request, options))
                .fold(0u32, u32::saturating_add);
            let job = GenerationJob {
                prompt: formatted,
                seed: attempt_seed(job_seed(&item.parts), attempt),
                max_tokens,
                temperature: options.temperature,
            };
            let sampling = SamplingKey {
                temperature: job.temperature,
                max_tokens: job.max_tokens,
            };
            let key = cache_key(&model_sha256, &job.prompt, sampling, job.seed);
            keys.push(key.clone());
            if round.contains_key(&key) || scheduled.contains(&key) {
                continue;
            }
            match cache.get(&key)? {
                Some(answer) => {
                    stats.cache_hits += 1;
                    overall.done += 1;
                    round.insert(key, answer);
                }
                None => {
                    jobs.push(job);
                    scheduled.insert(key.clone());
                    job_keys.push(key);
                }
            }
        }
        progress(overall);
        if !jobs.is_empty() {
            let started = std::time::Instant::now();
            let before = overall;
            // Each answer goes into the cache as soon as its sequence ends, so an interrupted
            // cold run keeps what it generated; the first cache failure is reported after.
            let mut cache_failure: Option<CacheError> = None;
            let generations = generator
                .generate(&jobs, &mut |done| {
                    let mut now = before;
                    now.done += done.progress.jobs_done;
                    now.generated_tokens += done.progress.generated_tokens;
                    now.generation_seconds += started.elapsed().as_secs_f64();
                    progress(now);
                    let (Some(text), Some(key)) = (&done.generation.text, job_keys.get(done.job))
                    else {
                        return;
                    };
                    if cache_failure.is_some() {
                        return;
                    }
                    let answer = CachedAnswer {
                        text: text.clone(),
                        prompt_tokens: done.generation.prompt_tokens,
                        generated_tokens: done.generation.generated_tokens,
                    };
                    if let Err(error) = cache.put_all(&[(key.clone(), answer)]) {
                        cache_failure = Some(error);
                    }
                })
                .map_err(LlmRenderError::Model)?;
            if let Some(error) = cache_failure {
                return Err(error.into());
            }
            let seconds = started.elapsed().as_secs_f64();
            stats.generation_seconds += seconds;
            overall.generation_seconds += seconds;
            for (key, generation) in job_keys.into_iter().zip(generations) {
                stats.model_calls += 1;
                stats.prompt_tokens += generation.prompt_tokens;
                stats.generated_tokens += generation.generated_tokens;
                overall.done += 1;
                overall.generated_tokens += generation.generated_tokens;
                match generation.text {
                    Some(text) => {
                        let answer = CachedAnswer {
                            text,
                            prompt_tokens: generation.prompt_tokens,
                            generated_tokens: generation.generated_tokens,
                        };
                        round.insert(key, answer);
                    }
                    None => {
                        problems.insert(key, generation.problem.unwrap_or_default());
                    }
                }
            }
            progress(overall);
        }
        // Fact check every part of every answer of the round, each against its own packet.
        let mut still: Vec<PendingJob<'_>> = Vec::new();
        for (item, key) in pending.into_iter().zip(keys) {
            let answer = round.get(&key);
            let count = item.parts.len();
            let texts = match answer {
                Some(answer) => split_group_answer(&answer.text, count),
                None => vec![None; count],
            };
            let mut failed: Vec<PendingPart<'_>> = Vec::new();
            for (number, (part, text)) in item.parts.into_iter().zip(texts).enumerate() {
                stats.attempts += 1;
                let findings = match (answer, text) {
                    (None, _) => vec![Finding {
                        reason: FailureReason::NoAnswer,
                        detail: problems.get(&key).cloned().unwrap_or_default(),
                    }],
                    (Some(_), None) => vec![Finding {
                        reason: FailureReason::MissingPart,
                        detail: part_marker(number + 1, &part.request.author.name),
                    }],
                    (Some(_), Some(text)) => {
                        let text = clean_answer(&text, part.request.kind.is_chat());
                        let findings = checker.check(part.request, &text);
                        if findings.is_empty() {
                            answers.insert(part.digest, text);
                            continue;
                        }
                        findings
                    }
                };
                let mut reasons: Vec<FailureReason> = findings.iter().map(|f| f.reason).collect();
                reasons.dedup();
                for reason in reasons {
                    *stats.failures.entry(reason.name().to_string()).or_insert(0) += 1;
                }
                failed.push(PendingPart { findings, ..part });
            }
            if failed.is_empty() {
                continue;
            }
            if answer.is_some() {
                // Only the failing parts are asked again, together, each with its correction.
                still.push(PendingJob { parts: failed });
            } else if count > 1 {
                // A group prompt that cannot run (too long for the context) is split: each part
                // is asked alone. A single prompt that cannot run will not run on a retry either.
                for part in failed {
                    still.push(PendingJob {
                        parts: vec![PendingPart {
                            findings: Vec::new(),
                            ..part
                        }],
                    });
                }
            }
        }
        pending = still;
    }
    stats.fallbacks = stats.requests - answers.len() as u64;

    let mut replay = Replay {
        template: recorder.template,
        answers,
        requests: 0,
        fallbacks: 0,
    };
    let corpus = crate::render(outcome, &mut replay)?;
    Ok((corpus, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_trimmed_and_chat_loses_blank_lines() {
        assert_eq!(clean_answer("  hi\r\n\r\nthere  \n", true), "hi\nthere");
        assert_eq!(clean_answer("a\n\n\n\nb", false), "a\n\nb");
    }

    #[test]
    fn attempts_sample_with_different_seeds() {
        assert_ne!(attempt_seed(42, 0), attempt_seed(42, 1));
        assert_eq!(attempt_seed(42, 2), attempt_seed(42, 2));
    }
}
