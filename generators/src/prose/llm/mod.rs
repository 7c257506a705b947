//! The `llm` prose backend: a local model writes the prose of a finished run, in batches.
//!
//! Prose never feeds back into the engine, so every request of a run is known once the engine
//! has run. [`render_with_model`] works in three steps over the unchanged renderers:
//! 1. **collect**: render with the template backend and record every [`ProseRequest`];
//! 2. **generate**: build one prompt per model request from the fact packets only: the parts of
//!    a group (every message of a Slack thread, every section of a page, every mail of an email
//!    thread, see [`super::ProseGroup`]) share one prompt and one answer, split back into parts
//!    by marker lines ([`prompt::part_marker`]); a request without a group stands alone. Each
//!    prompt is answered from the prose cache or queued for the [`TextGenerator`], which pulls
//!    the whole queue through one continuous batch ([`JobQueue`]). Every answer is handled as
//!    soon as its sequence ends: cached, each part fact checked against its own packet, failing
//!    parts asked again at once (together, each with a corrective instruction; they join the
//!    running batch) up to [`MAX_RETRIES`] times, then the template text part by part;
//! 3. **render**: render again with a backend that replays the checked answers.
//!
//! **Architecture invariant:** the model decides no fact. An answer is used only when the fact
//! check passes; otherwise the template text (fact-complete by construction) is used and counted.
//! Everything here is deterministic given the answers, so a warm cache replays a run exactly.

pub mod gguf;
#[cfg(feature = "llm")]
pub mod llama;
pub mod prompt;
mod queue;

use std::collections::{BTreeMap, VecDeque};
use std::ops::ControlFlow;

use orgforge_engine::outcome::Outcome;
use sha2::{Digest, Sha256};

use super::cache::{CacheError, ProseCache};
use super::fact_check::FactChecker;
use super::{ProseBackend, ProseError, ProseRequest, ProseStats, TemplateBackend};
use crate::{Corpus, RenderError};
use prompt::Prompt;
use queue::{PendingJob, PendingPart, ProseQueue};

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

/// Formats a prompt for one model: its chat template applied. Owned apart from the model's
/// [`TextGenerator`], so a [`JobQueue`] can format retries while the model runs.
pub trait ChatFormat {
    /// The prompt with the model's chat template applied.
    fn format(&self, prompt: &Prompt) -> Result<String, ProseError>;
}

/// Where a [`TextGenerator`] takes its jobs from and delivers its answers to, while it runs.
/// Answers are handled as they arrive, and may queue new jobs (retries), which the generator
/// starts as soon as a sequence is free: one continuous batch for a whole run.
pub trait JobQueue {
    /// The jobs waiting now, in order (the generator sizes its context and finds the prompt
    /// prefix they share from these; later jobs may share less of it).
    fn waiting(&self) -> Vec<&GenerationJob>;
    /// Takes the next job and its ticket; `None` when none is waiting now. More may arrive
    /// from [`JobQueue::finished`]; when none arrives and no job is running, the run is over.
    fn next(&mut self) -> Option<(u64, GenerationJob)>;
    /// A job has finished (called as soon as its sequence ends). `Break` stops the run.
    fn finished(&mut self, ticket: u64, generation: Generation) -> ControlFlow<()>;
    /// The text of a running job so far, called each time it completes a line; `false` stops
    /// the job there (it then finishes with that text), because the rest could not save it.
    fn keep_going(&mut self, ticket: u64, text: &str) -> bool {
        let _ = (ticket, text);
        true
    }
}

/// A language model that answers many prompts together. The llama.cpp implementation lives in
/// the `llama` module (cargo feature `llm`); tests use deterministic stubs.
pub trait TextGenerator {
    /// sha256 of the model file (part of every cache key).
    fn model_sha256(&self) -> &str;
    /// The model's chat template.
    fn chat(&self) -> Box<dyn ChatFormat>;
    /// Answers jobs from `queue` until it has none waiting and none is running. One job's text
    /// must not depend on the other jobs.
    fn run(&mut self, queue: &mut dyn JobQueue) -> Result<(), ProseError>;
}

/// A fixed list of jobs, answered in full: the [`JobQueue`] of [`generate_all`].
struct FixedJobs {
    waiting: VecDeque<(u64, GenerationJob)>,
    generations: Vec<Generation>,
}

impl JobQueue for FixedJobs {
    fn waiting(&self) -> Vec<&GenerationJob> {
        self.waiting.iter().map(|(_, job)| job).collect()
    }

    fn next(&mut self) -> Option<(u64, GenerationJob)> {
        self.waiting.pop_front()
    }

    fn finished(&mut self, ticket: u64, generation: Generation) -> ControlFlow<()> {
        if let Some(slot) = usize::try_from(ticket)
            .ok()
            .and_then(|index| self.generations.get_mut(index))
        {
            *slot = generation;
        }
        ControlFlow::Continue(())
    }
}

/// Answers `jobs` together (no cache, no checks): one [`Generation`] per job, in order.
pub fn generate_all(
    generator: &mut dyn TextGenerator,
    jobs: Vec<GenerationJob>,
) -> Result<Vec<Generation>, ProseError> {
    let mut queue = FixedJobs {
        generations: vec![Generation::default(); jobs.len()],
        waiting: (0u64..).zip(jobs).collect(),
    };
    generator.run(&mut queue)?;
    Ok(queue.generations)
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
    /// Answers stopped before their end because a finished line already failed the check.
    pub stopped_early: u64,
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
            failed: 0,
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
    let jobs = model_requests(&recorder.order, &recorder.requests);
    let model_sha256 = generator.model_sha256().to_string();
    let mut queue = ProseQueue::new(
        generator.chat(),
        model_sha256,
        cache,
        FactChecker::new(outcome),
        *options,
        progress,
    );
    queue.stats.requests = recorder.order.len() as u64;
    queue.stats.model_requests = jobs.len() as u64;
    queue.ask_all(jobs);
    if queue.failure.is_none() {
        generator.run(&mut queue).map_err(LlmRenderError::Model)?;
    }
    if let Some(failure) = queue.failure.take() {
        return Err(failure);
    }
    let mut stats = std::mem::take(&mut queue.stats);
    stats.generation_seconds = queue.model_seconds();
    let answers = std::mem::take(&mut queue.answers);
    drop(queue);
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

/// Every prose request of a run, in render order (duplicates included), with the template
/// corpus rendered on the way: what the llm backend will ask for.
pub fn collect_requests(outcome: &Outcome) -> Result<Vec<ProseRequest>, RenderError> {
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
    let mut collect = Collect(TemplateBackend::new(), Vec::new());
    crate::render(outcome, &mut collect)?;
    Ok(collect.1)
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
