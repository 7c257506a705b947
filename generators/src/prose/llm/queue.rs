//! The model requests of one run while the model answers them: prompts, cache lookups, fact
//! checks and retries, streamed.
//!
//! [`ProseQueue`] is the [`JobQueue`] a [`super::TextGenerator`] pulls from. Every request is
//! looked up in the prose cache when it is asked, so only misses ever wait for the model. Each
//! answer is handled the moment its sequence ends: cached, split into its parts, every part
//! checked against its own packet; failing parts are asked again at once, so a retry joins the
//! running batch instead of waiting for the others to finish. The outcome (which answers pass,
//! which parts fall back) depends only on the answers, never on the order they arrive in.
//!
//! While an answer is being written, every finished line is checked for the failures that more
//! text cannot undo ([`DEFINITE`]: an invented number, a placeholder, a line repeated in a loop,
//! too many words). The first
//! such line stops the answer. The part it stopped in then fails the full check like any other
//! (the full check finds at least the same failures: each only looks at complete words); the
//! parts of a group after it were never reached, so they are asked again as they were, with no
//! try counted. Whether a cached answer was stopped is decided again from its text, so a warm
//! cache replays the same outcome.

use std::collections::{BTreeMap, VecDeque};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use super::prompt::{PromptPart, build_group_prompt, part_marker, split_group_answer};
use super::{
    ChatFormat, Generation, GenerationJob, JobQueue, LlmOptions, LlmRenderError, LlmStats,
    MAX_RETRIES, ProseProgress, attempt_seed, clean_answer, token_limit,
};
use crate::prose::ProseRequest;
use crate::prose::cache::{CachedAnswer, ProseCache, SamplingKey, cache_key};
use crate::prose::fact_check::{FactChecker, FailureReason, Finding};

/// A part still being answered: its request and why its previous answer failed.
pub(super) struct PendingPart<'r> {
    /// Digest of the request (its identity in the answers).
    pub digest: String,
    /// The request.
    pub request: &'r ProseRequest,
    /// Why the previous attempt failed (empty on a first try).
    pub findings: Vec<Finding>,
    /// Answers to this part that were checked and failed so far.
    pub failed: u32,
}

/// One model request: the parts of a group (a Slack thread, a page, an email thread) or a single
/// ungrouped request.
pub(super) struct PendingJob<'r> {
    /// Its parts, in part order.
    pub parts: Vec<PendingPart<'r>>,
}

/// A model request that was asked: what it asks for, and its round (0 for a first try; mixed
/// into the sampler seed, so a retry samples differently).
struct Asked<'r> {
    job: PendingJob<'r>,
    attempt: u32,
}

/// The answer to one asked request, as the fact check sees it.
enum Answer<'a> {
    Text(&'a str),
    /// The model could not run the prompt (e.g. too long for the context).
    Problem(&'a str),
}

/// Failures that no further text can undo, so an answer showing one is stopped at once. Only
/// failures that the text and its request decide: whether a person is unknown or gone depends
/// on the run's roster too, which a shared prose cache does not key on.
pub(super) const DEFINITE: [FailureReason; 4] = [
    FailureReason::InventedNumber,
    FailureReason::Placeholder,
    FailureReason::Repetition,
    FailureReason::TooLong,
];

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

/// The queue of one run's model requests (see the module docs).
pub(super) struct ProseQueue<'r, 'c, 'p> {
    chat: Box<dyn ChatFormat>,
    model_sha256: String,
    cache: &'c mut ProseCache,
    checker: FactChecker,
    options: LlmOptions,
    /// Jobs for the model, in the order they were asked, by ticket.
    waiting: VecDeque<(u64, GenerationJob)>,
    /// Requests waiting for or being answered by the model, by ticket; several requests with
    /// the same cache key share one ticket.
    asked: BTreeMap<u64, (String, Vec<Asked<'r>>)>,
    /// Tickets by cache key, while in flight.
    tickets: BTreeMap<String, u64>,
    next_ticket: u64,
    /// Checked answers by request digest.
    pub answers: BTreeMap<String, String>,
    /// The counters of the run.
    pub stats: LlmStats,
    progress: &'p mut dyn FnMut(ProseProgress),
    overall: ProseProgress,
    /// When the model started, and time spent here since (not model time).
    model_started: Option<Instant>,
    handling: Duration,
    /// The first failure (a cache or chat template error); the run stops at it.
    pub failure: Option<LlmRenderError>,
}

impl<'r, 'c, 'p> ProseQueue<'r, 'c, 'p> {
    /// An empty queue; [`ProseQueue::ask_all`] fills it.
    pub fn new(
        chat: Box<dyn ChatFormat>,
        model_sha256: String,
        cache: &'c mut ProseCache,
        checker: FactChecker,
        options: LlmOptions,
        progress: &'p mut dyn FnMut(ProseProgress),
    ) -> ProseQueue<'r, 'c, 'p> {
        ProseQueue {
            chat,
            model_sha256,
            cache,
            checker,
            options,
            waiting: VecDeque::new(),
            asked: BTreeMap::new(),
            tickets: BTreeMap::new(),
            next_ticket: 0,
            answers: BTreeMap::new(),
            stats: LlmStats::default(),
            progress,
            overall: ProseProgress::default(),
            model_started: None,
            handling: Duration::ZERO,
            failure: None,
        }
    }

    /// Asks every model request of the run's first try: cache hits are handled at once (their
    /// retries asked in turn), misses wait for the model.
    pub fn ask_all(&mut self, jobs: Vec<PendingJob<'r>>) {
        for job in jobs {
            self.ask(job, 0);
        }
        self.report();
    }

    /// Seconds the model has run so far (time spent handling answers excluded).
    pub fn model_seconds(&self) -> f64 {
        self.model_started.map_or(0.0, |started| {
            started
                .elapsed()
                .saturating_sub(self.handling)
                .as_secs_f64()
        })
    }

    fn report(&mut self) {
        self.overall.generation_seconds = self.model_seconds();
        (self.progress)(self.overall);
    }

    /// Asks one model request: from the cache when it has the answer, else from the model.
    fn ask(&mut self, job: PendingJob<'r>, attempt: u32) {
        if self.failure.is_some() {
            return;
        }
        let parts: Vec<PromptPart<'_>> = job
            .parts
            .iter()
            .map(|part| PromptPart {
                request: part.request,
                findings: &part.findings,
            })
            .collect();
        let prompt = build_group_prompt(&parts);
        let formatted = match self.chat.format(&prompt) {
            Ok(formatted) => formatted,
            Err(error) => {
                self.failure = Some(LlmRenderError::Model(error));
                return;
            }
        };
        let max_tokens = job
            .parts
            .iter()
            .map(|part| token_limit(part.request, &self.options))
            .fold(0u32, u32::saturating_add);
        let generation = GenerationJob {
            prompt: formatted,
            seed: attempt_seed(job_seed(&job.parts), attempt),
            max_tokens,
            temperature: self.options.temperature,
        };
        let sampling = SamplingKey {
            temperature: generation.temperature,
            max_tokens: generation.max_tokens,
        };
        let key = cache_key(
            &self.model_sha256,
            &generation.prompt,
            sampling,
            generation.seed,
        );
        self.overall.total += 1;
        let asked = Asked { job, attempt };
        if let Some(ticket) = self.tickets.get(&key) {
            // The same prompt and seed is already with the model: one answer serves both.
            if let Some((_, waiting)) = self.asked.get_mut(ticket) {
                waiting.push(asked);
            }
            return;
        }
        match self.cache.get(&key) {
            Ok(Some(answer)) => {
                self.stats.cache_hits += 1;
                self.overall.done += 1;
                self.check(asked, Answer::Text(&answer.text));
            }
            Ok(None) => {
                let ticket = self.next_ticket;
                self.next_ticket += 1;
                // A retry goes first: it starts at once, where its first try's cells still
                // are (see llama.rs), and its text is settled sooner.
                if attempt > 0 {
                    self.waiting.push_front((ticket, generation));
                } else {
                    self.waiting.push_back((ticket, generation));
                }
                self.tickets.insert(key.clone(), ticket);
                self.asked.insert(ticket, (key, vec![asked]));
            }
            Err(error) => self.failure = Some(error.into()),
        }
    }

    /// Fact checks every part of an answer against its own packet; keeps the passing parts and
    /// asks again for the failing ones (together, each with its correction) until a part has
    /// failed [`MAX_RETRIES`] + 1 times. An answer stopped early ([`ProseQueue::doomed`]) never
    /// reached the parts after its last one: they are asked again as they were, not counted.
    fn check(&mut self, asked: Asked<'r>, answer: Answer<'_>) {
        let Asked { job, attempt } = asked;
        let count = job.parts.len();
        let (texts, stopped) = match answer {
            Answer::Text(text) => (split_group_answer(text, count), self.doomed(&job, text)),
            Answer::Problem(_) => (vec![None; count], false),
        };
        let last_written = texts.iter().rposition(Option::is_some);
        let mut again: Vec<PendingPart<'r>> = Vec::new();
        for (number, (part, text)) in job.parts.into_iter().zip(texts).enumerate() {
            if stopped && last_written.is_none_or(|last| number > last) {
                again.push(part);
                continue;
            }
            self.stats.attempts += 1;
            let findings = match (&answer, text) {
                (Answer::Problem(problem), _) => vec![Finding {
                    reason: FailureReason::NoAnswer,
                    detail: (*problem).to_string(),
                }],
                (Answer::Text(_), None) => vec![Finding {
                    reason: FailureReason::MissingPart,
                    detail: part_marker(number + 1, &part.request.author.name),
                }],
                (Answer::Text(_), Some(text)) => {
                    let text = clean_answer(&text, part.request.kind.is_chat());
                    let findings = self.checker.check(part.request, &text);
                    if findings.is_empty() {
                        self.answers.insert(part.digest, text);
                        continue;
                    }
                    findings
                }
            };
            let mut reasons: Vec<FailureReason> = findings.iter().map(|f| f.reason).collect();
            reasons.dedup();
            for reason in reasons {
                *self
                    .stats
                    .failures
                    .entry(reason.name().to_string())
                    .or_insert(0) += 1;
            }
            let failed = part.failed + 1;
            if failed <= MAX_RETRIES {
                again.push(PendingPart {
                    findings,
                    failed,
                    ..part
                });
            }
        }
        if again.is_empty() {
            return;
        }
        match answer {
            // Only the failing (and unreached) parts are asked again, together, each failing
            // one with its correction.
            Answer::Text(_) => self.ask(PendingJob { parts: again }, attempt + 1),
            // A group prompt that cannot run (too long for the context) is split: each part is
            // asked alone. A single prompt that cannot run will not run on a retry either.
            Answer::Problem(_) if count > 1 => {
                for part in again {
                    let single = PendingJob {
                        parts: vec![PendingPart {
                            findings: Vec::new(),
                            ..part
                        }],
                    };
                    self.ask(single, attempt + 1);
                }
            }
            Answer::Problem(_) => {}
        }
    }
}

impl ProseQueue<'_, '_, '_> {
    /// Whether the finished lines of an unfinished answer already fail the check for a
    /// [`DEFINITE`] reason in some part.
    fn doomed(&self, job: &PendingJob<'_>, text: &str) -> bool {
        let Some(end) = text.rfind('\n') else {
            return false;
        };
        let texts = split_group_answer(&text[..end], job.parts.len());
        job.parts.iter().zip(texts).any(|(part, text)| {
            text.is_some_and(|text| {
                let text = clean_answer(&text, part.request.kind.is_chat());
                !text.is_empty()
                    && self
                        .checker
                        .check(part.request, &text)
                        .iter()
                        .any(|finding| DEFINITE.contains(&finding.reason))
            })
        })
    }
}

impl JobQueue for ProseQueue<'_, '_, '_> {
    fn waiting(&self) -> Vec<&GenerationJob> {
        self.waiting.iter().map(|(_, job)| job).collect()
    }

    fn next(&mut self) -> Option<(u64, GenerationJob)> {
        if self.failure.is_some() {
            return None;
        }
        self.model_started.get_or_insert_with(Instant::now);
        self.waiting.pop_front()
    }

    fn keep_going(&mut self, ticket: u64, text: &str) -> bool {
        let started = Instant::now();
        let keep = match self.asked.get(&ticket) {
            Some((_, asked)) => match asked.first() {
                Some(first) => !self.doomed(&first.job, text),
                None => true,
            },
            None => true,
        };
        if !keep {
            self.stats.stopped_early += 1;
        }
        self.handling += started.elapsed();
        keep
    }

    fn finished(&mut self, ticket: u64, generation: Generation) -> ControlFlow<()> {
        let started = Instant::now();
        self.stats.model_calls += 1;
        self.stats.prompt_tokens += generation.prompt_tokens;
        self.stats.generated_tokens += generation.generated_tokens;
        self.overall.generated_tokens += generation.generated_tokens;
        if let Some((key, waiting)) = self.asked.remove(&ticket) {
            // One answer serves every request asked under its key.
            self.overall.done += waiting.len() as u64;
            self.tickets.remove(&key);
            match &generation.text {
                Some(text) => {
                    // Cached at once, so an interrupted cold run keeps what it generated.
                    let answer = CachedAnswer {
                        text: text.clone(),
                        prompt_tokens: generation.prompt_tokens,
                        generated_tokens: generation.generated_tokens,
                    };
                    if let Err(error) = self.cache.put_all(&[(key, answer)]) {
                        self.failure = Some(error.into());
                    }
                    for asked in waiting {
                        self.check(asked, Answer::Text(text));
                    }
                }
                None => {
                    let problem = generation.problem.as_deref().unwrap_or_default();
                    for asked in waiting {
                        self.check(asked, Answer::Problem(problem));
                    }
                }
            }
        }
        self.handling += started.elapsed();
        self.report();
        if self.failure.is_some() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}
