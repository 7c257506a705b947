//! The llama.cpp [`TextGenerator`] (cargo feature `llm`): in-process decoding of a whole run's
//! prompts in one continuous batch, with a shared prompt prefix.
//!
//! How [`LlamaGenerator::run`] works through a [`JobQueue`]:
//! - the prompts waiting at the start are tokenized; the longest token prefix common to all (the
//!   system message) is decoded once into its own sequence. Every sequence gets the scenario's
//!   `context_size` (KV memory is `batch_size` x `context_size` cells), never less: which
//!   prompts fit must not depend on which others happen to be waiting (a resumed run answers
//!   fewer), or a resumed run could differ from an uninterrupted one;
//! - up to `batch_size` sequences are live at a time. A job goes to the free sequence whose last
//!   prompt shares the longest start with its own (a retry, which is its first try plus a
//!   correction, lands where the first try ran) and keeps those cells; otherwise the sequence
//!   copies the prefix sequence's KV cells (`llama_memory_seq_cp`; llama.cpp copies a whole
//!   per-sequence stream, so cells past the part the prompt shares are removed after). Either
//!   way only the rest of the prompt is prefilled;
//! - each `decode` carries one token of every generating sequence plus as many prefill tokens as
//!   fit; a finished sequence goes to the queue at once (which may queue a retry) and its slot
//!   takes the next waiting job before the next decode (continuous batching); each completed
//!   line is shown to the queue, which may stop a sequence whose answer is already lost;
//! - each sequence samples with its own sampler seeded from its job, so its text does not depend
//!   on which other jobs share the batch (up to llama.cpp's floating-point kernels).
//!
//! The KV cache is split per sequence (`kv_unified = false`): attention then only reads a
//! sequence's own cells, which keeps batched decoding from paying for its neighbours' contexts.

use std::num::NonZeroU32;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;

use super::prompt::Prompt;
use super::{ChatFormat, Generation, GenerationJob, JobQueue, TextGenerator};
use crate::prose::ProseError;

/// Granularity of llama.cpp's per-sequence context (it pads to this).
const CONTEXT_GRANULE_TOKENS: u32 = 256;
/// Tokens one `decode` call may carry by default (prefill chunks plus one token per generating
/// sequence).
pub const DEFAULT_BATCH_TOKENS: u32 = 1024;
/// Most sequences llama.cpp allows in one context (`LLAMA_MAX_SEQ`), less the prefix sequence.
const MAX_PARALLEL_SEQUENCES: u32 = 255;

/// The llama backend, initialised once per process (a second `init` fails).
static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();

/// Set (to anything) to keep llama.cpp's own log on stderr: devices found, layers offloaded.
pub const LOG_VARIABLE: &str = "ORGFORGE_LLAMA_LOG";

fn backend() -> Result<&'static LlamaBackend, ProseError> {
    BACKEND
        .get_or_init(|| {
            LlamaBackend::init()
                .map(|mut backend| {
                    if std::env::var_os(LOG_VARIABLE).is_none() {
                        backend.void_logs();
                    }
                    backend
                })
                .map_err(|error| error.to_string())
        })
        .as_ref()
        .map_err(|message| ProseError::Backend(format!("llama backend: {message}")))
}

/// How the model runs: the scenario's `prose` section plus the machine's threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LlamaSettings {
    /// Most tokens of one sequence's context (prompt plus answer).
    pub context_size: u32,
    /// Layers offloaded to a GPU (matters with a CUDA build of llama.cpp: the `cuda` feature,
    /// or `llm-dynamic` against CUDA libraries).
    pub gpu_layers: u32,
    /// Sequences decoded together.
    pub batch_size: u32,
    /// CPU threads for decoding.
    pub threads: u32,
    /// CPU threads that sample the ready sequences after each decode.
    pub sampling_threads: u32,
    /// Tokens one decode call may carry: prefill chunks plus one token per generating sequence
    /// (llama.cpp's `n_batch` and `n_ubatch`).
    pub batch_tokens: u32,
}

impl LlamaSettings {
    /// Settings that sample on every thread when layers are on a GPU (the CPU otherwise waits
    /// during decode, and sampling, a pass over the whole vocabulary per sequence, is its share
    /// of each step), and on the decoding thread alone on a CPU (llama.cpp's own threads need
    /// the cores; sampling is a sliver of a CPU step).
    pub fn new(context_size: u32, gpu_layers: u32, batch_size: u32, threads: u32) -> Self {
        LlamaSettings {
            context_size,
            gpu_layers,
            batch_size,
            threads,
            sampling_threads: if gpu_layers > 0 { threads.max(1) } else { 1 },
            batch_tokens: DEFAULT_BATCH_TOKENS,
        }
    }
}

/// A GGUF model loaded into llama.cpp.
pub struct LlamaGenerator {
    model: Arc<LlamaModel>,
    template: LlamaChatTemplate,
    settings: LlamaSettings,
    model_sha256: String,
}

impl std::fmt::Debug for LlamaGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlamaGenerator")
            .field("settings", &self.settings)
            .field("model_sha256", &self.model_sha256)
            .finish()
    }
}

fn backend_error(what: &str, error: impl std::fmt::Display) -> ProseError {
    ProseError::Backend(format!("{what}: {error}"))
}

/// The chat template of a loaded model ([`TextGenerator::chat`]).
struct LlamaChat {
    model: Arc<LlamaModel>,
    template: LlamaChatTemplate,
}

impl ChatFormat for LlamaChat {
    fn format(&self, prompt: &Prompt) -> Result<String, ProseError> {
        let message = |role: &str, content: &str| {
            LlamaChatMessage::new(role.to_string(), content.to_string())
                .map_err(|error| backend_error("chat message", error))
        };
        let messages = [
            message("system", &prompt.system)?,
            message("user", &prompt.user)?,
        ];
        self.model
            .apply_chat_template(&self.template, &messages, true)
            .map_err(|error| backend_error("chat template", error))
    }
}

/// Fewest ready sequences worth handing to a sampling thread of their own.
const SEQUENCES_PER_SAMPLING_WORKER: usize = 4;

/// A ready slot's sampler, its logits, and where its choice goes (`None` inside: no choice).
type Ready<'a> = (
    &'a mut LlamaSampler,
    &'a [f32],
    &'a mut Option<Option<LlamaToken>>,
);

/// Samples the next token of every slot whose logits are ready (clearing `logits_at`), on up to
/// `workers` threads: `Some(choice)` for those slots, `None` for the others. Each slot has its
/// own sampler and seed, so the tokens do not depend on how the slots are split between threads.
fn sample_ready(
    context: &LlamaContext<'_>,
    slots: &mut [Option<Slot>],
    workers: usize,
) -> Vec<Option<Option<LlamaToken>>> {
    let mut tokens = vec![None; slots.len()];
    // Logits are read here, on one thread: the first read after a decode may reorder them.
    let mut ready: Vec<Ready<'_>> = slots
        .iter_mut()
        .zip(tokens.iter_mut())
        .filter_map(|(slot, token)| {
            let slot = slot.as_mut()?;
            let at = slot.logits_at.take()?;
            Some((&mut slot.sampler, context.get_logits_ith(at), token))
        })
        .collect();
    let sample = |(sampler, logits, token): &mut Ready<'_>| {
        // What `llama_sampler_sample` does, from a logits slice: every token a candidate,
        // the chain applied, the choice accepted.
        let mut candidates = LlamaTokenDataArray::from_iter(
            logits
                .iter()
                .enumerate()
                .map(|(id, &logit)| LlamaTokenData::new(LlamaToken(id as i32), logit, 0.0)),
            false,
        );
        sampler.apply(&mut candidates);
        let chosen = candidates.selected_token();
        if let Some(chosen) = chosen {
            sampler.accept(chosen);
        }
        **token = Some(chosen);
    };
    let workers = workers
        .min(ready.len() / SEQUENCES_PER_SAMPLING_WORKER)
        .max(1);
    if workers == 1 {
        ready.iter_mut().for_each(sample);
    } else {
        let chunk = ready.len().div_ceil(workers);
        std::thread::scope(|scope| {
            for part in ready.chunks_mut(chunk) {
                scope.spawn(|| part.iter_mut().for_each(sample));
            }
        });
    }
    tokens
}

/// One live sequence.
struct Slot {
    ticket: u64,
    max_tokens: u32,
    sequence: i32,
    sampler: LlamaSampler,
    /// Prompt tokens after the part of the shared prefix it reuses, and how many are decoded.
    suffix: Vec<LlamaToken>,
    /// Tokens of the whole prompt.
    prompt_tokens: u64,
    prefilled: usize,
    /// Position of the next token.
    position: i32,
    /// The token sampled last, to be decoded next.
    next: Option<LlamaToken>,
    /// Batch index of this sequence's logits after the current decode.
    logits_at: Option<i32>,
    bytes: Vec<u8>,
    generated: u32,
}

impl LlamaGenerator {
    /// Loads a model file (checked beforehand with [`super::gguf::check_model_file`]) and its
    /// chat template.
    pub fn load(
        path: &Path,
        settings: LlamaSettings,
        model_sha256: String,
    ) -> Result<LlamaGenerator, ProseError> {
        let backend = backend()?;
        let params = LlamaModelParams::default().with_n_gpu_layers(settings.gpu_layers);
        let model = LlamaModel::load_from_file(backend, path, &params)
            .map_err(|error| backend_error("cannot load the model", error))?;
        let template = model
            .chat_template(None)
            .map_err(|error| backend_error("the model file has no chat template", error))?;
        Ok(LlamaGenerator {
            model: Arc::new(model),
            template,
            settings,
            model_sha256,
        })
    }

    /// Tokens per decode call: the setting, with room for a token of every sequence and more.
    fn batch_tokens(&self) -> u32 {
        self.settings
            .batch_tokens
            .max(self.settings.batch_size.saturating_mul(2))
            .max(64)
    }

    /// The settings the model runs with.
    pub fn settings(&self) -> LlamaSettings {
        self.settings
    }

    /// Sets the sequences decoded together (benchmarks compare batch sizes).
    pub fn set_batch_size(&mut self, batch_size: u32) {
        self.settings.batch_size = batch_size.max(1);
    }

    /// Tokens of a formatted prompt.
    pub fn tokenize(&self, text: &str) -> Vec<LlamaToken> {
        self.model.vocab().tokenize(text.as_bytes(), true, true)
    }

    fn context(
        &self,
        sequences: u32,
        per_sequence_tokens: u32,
    ) -> Result<LlamaContext<'_>, ProseError> {
        let backend = backend()?;
        let threads = i32::try_from(self.settings.threads.max(1)).unwrap_or(1);
        let total = per_sequence_tokens.saturating_mul(sequences);
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(total))
            .with_n_batch(self.batch_tokens())
            .with_n_ubatch(self.batch_tokens())
            .with_n_seq_max(sequences)
            .with_kv_unified(false)
            .with_n_threads(threads)
            .with_n_threads_batch(threads);
        self.model
            .new_context(backend, params)
            .map_err(|error| backend_error("cannot create a llama context", error))
    }

    /// Raw llama.cpp throughput, the ceiling for [`TextGenerator::run`]: `sequences` sequences
    /// each prefill `prompt` (one decode call each) and then decode `tokens` tokens greedily,
    /// all in one batch, with no prefix sharing, sampling chain, fact check or cache. Rates are
    /// tokens per second of llama.cpp's work alone.
    pub fn raw_tokens_per_second(
        &self,
        prompt: &str,
        sequences: u32,
        tokens: u32,
    ) -> Result<RawRates, ProseError> {
        let prompt_tokens = self.tokenize(prompt);
        let length = prompt_tokens.len() as u32 + tokens + 1;
        let per_sequence = length.div_ceil(CONTEXT_GRANULE_TOKENS) * CONTEXT_GRANULE_TOKENS;
        let mut context = self.context(sequences, per_sequence)?;
        let vocab = self.model.vocab();
        let mut batch = LlamaBatch::new(self.batch_tokens() as usize, 1);
        let mut prefill_seconds = 0.0;
        for sequence in 0..sequences as i32 {
            batch.clear();
            for (index, token) in prompt_tokens.iter().enumerate() {
                let last = index + 1 == prompt_tokens.len();
                batch
                    .add(*token, index as i32, &[sequence], last)
                    .map_err(|e| backend_error("batch", e))?;
            }
            let started = std::time::Instant::now();
            context
                .decode(&mut batch)
                .map_err(|e| backend_error("decode", e))?;
            let _ = context.get_logits_ith(batch.n_tokens() - 1);
            prefill_seconds += started.elapsed().as_secs_f64();
        }
        let mut next: Vec<LlamaToken> = vec![vocab.bos(); sequences as usize];
        let mut seconds = 0.0;
        let mut generated: u64 = 0;
        for step in 0..tokens {
            batch.clear();
            for sequence in 0..sequences as i32 {
                let position = prompt_tokens.len() as i32 + step as i32;
                batch
                    .add(next[sequence as usize], position, &[sequence], true)
                    .map_err(|e| backend_error("batch", e))?;
            }
            // Decode time only, up to the logits being readable (on a GPU that waits for the
            // device); picking the tokens is outside it.
            let started = std::time::Instant::now();
            context
                .decode(&mut batch)
                .map_err(|e| backend_error("decode", e))?;
            let _ = context.get_logits_ith(0);
            seconds += started.elapsed().as_secs_f64();
            for (index, token) in next.iter_mut().enumerate() {
                *token = greedy(context.get_logits_ith(index as i32));
                generated += 1;
            }
        }
        let rate = |count: f64, seconds: f64| if seconds > 0.0 { count / seconds } else { 0.0 };
        Ok(RawRates {
            prefill: rate(
                prompt_tokens.len() as f64 * f64::from(sequences),
                prefill_seconds,
            ),
            decode: rate(generated as f64, seconds),
        })
    }
}

/// What [`LlamaGenerator::raw_tokens_per_second`] measured, in tokens per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawRates {
    /// Prompt tokens prefilled, one sequence's prompt per decode call.
    pub prefill: f64,
    /// Tokens generated, one per sequence per decode call.
    pub decode: f64,
}

/// Drops sequence `index`'s cells from position `from` on. `false` when the model's memory
/// cannot drop part of a sequence (recurrent models): the whole sequence is dropped instead.
fn trim(context: &mut LlamaContext<'_>, index: usize, from: usize) -> Result<bool, ProseError> {
    let sequence = Some(index as u32);
    let kept = context
        .clear_kv_cache_seq(sequence, Some(from as u32), None)
        .map_err(|e| backend_error("kv cache", e))?;
    if !kept {
        context
            .clear_kv_cache_seq(sequence, None, None)
            .map_err(|e| backend_error("kv cache", e))?;
    }
    Ok(kept)
}

/// The most likely token of a logits row (the first of equals, as llama.cpp's greedy sampler).
fn greedy(logits: &[f32]) -> LlamaToken {
    let mut best = 0;
    for (id, logit) in logits.iter().enumerate() {
        if *logit > logits[best] {
            best = id;
        }
    }
    LlamaToken(best as i32)
}

/// Tokens `a` and `b` share from their start.
fn shared_start(a: &[LlamaToken], b: &[LlamaToken]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Tokens the prompts share from their start.
fn common_prefix(prompts: &[Vec<LlamaToken>]) -> usize {
    let Some(first) = prompts.first() else {
        return 0;
    };
    prompts[1..].iter().fold(first.len(), |length, prompt| {
        length.min(shared_start(first, prompt))
    })
}

fn sampler_for(job: &GenerationJob) -> LlamaSampler {
    if job.temperature <= 0.0 {
        LlamaSampler::greedy()
    } else {
        LlamaSampler::chain_simple([
            LlamaSampler::top_k(40),
            LlamaSampler::top_p(0.95, 1),
            LlamaSampler::temp(job.temperature),
            LlamaSampler::dist(job.seed),
        ])
    }
}

impl TextGenerator for LlamaGenerator {
    fn model_sha256(&self) -> &str {
        &self.model_sha256
    }

    fn chat(&self) -> Box<dyn ChatFormat> {
        Box::new(LlamaChat {
            model: Arc::clone(&self.model),
            template: self.template.clone(),
        })
    }

    fn run(&mut self, queue: &mut dyn JobQueue) -> Result<(), ProseError> {
        let (prefix, per_sequence, parallel) = {
            let waiting = queue.waiting();
            if waiting.is_empty() {
                return Ok(());
            }
            let prompts: Vec<Vec<LlamaToken>> = waiting
                .iter()
                .map(|job| self.tokenize(&job.prompt))
                .collect();
            // Keep at least one suffix token per prompt: its logits start the answer.
            let shortest = prompts.iter().map(Vec::len).min().unwrap_or(0);
            let length = common_prefix(&prompts).min(shortest.saturating_sub(1));
            let per_sequence = self
                .settings
                .context_size
                .max(CONTEXT_GRANULE_TOKENS)
                .div_ceil(CONTEXT_GRANULE_TOKENS)
                * CONTEXT_GRANULE_TOKENS;
            let parallel = self
                .settings
                .batch_size
                .clamp(1, MAX_PARALLEL_SEQUENCES)
                .min(waiting.len() as u32);
            (prompts[0][..length].to_vec(), per_sequence, parallel)
        };
        let shared = !prefix.is_empty();
        let sequences = parallel + u32::from(shared);
        let mut context = self.context(sequences, per_sequence)?;
        let vocab = self.model.vocab();
        let sampling_workers = self.settings.sampling_threads.max(1) as usize;
        let mut batch = LlamaBatch::new(self.batch_tokens() as usize, 1);

        // The shared prefix, decoded once into the last sequence id.
        let prefix_sequence = parallel as i32;
        for (chunk_index, chunk) in prefix.chunks(self.batch_tokens() as usize).enumerate() {
            batch.clear();
            for (offset, token) in chunk.iter().enumerate() {
                let position = (chunk_index * self.batch_tokens() as usize + offset) as i32;
                batch
                    .add(*token, position, &[prefix_sequence], false)
                    .map_err(|e| backend_error("batch", e))?;
            }
            context
                .decode(&mut batch)
                .map_err(|e| backend_error("decode", e))?;
        }

        let mut slots: Vec<Option<Slot>> = (0..parallel).map(|_| None).collect();
        // The prompt whose KV cells each sequence holds (its last job's), by slot index.
        let mut held: Vec<Vec<LlamaToken>> = vec![Vec::new(); parallel as usize];
        loop {
            // Refill free slots from the queue (retries queued by finished jobs included).
            loop {
                let free: Vec<usize> = (0..slots.len()).filter(|&i| slots[i].is_none()).collect();
                if free.is_empty() {
                    break;
                }
                let Some((ticket, job)) = queue.next() else {
                    break;
                };
                let prompt = self.tokenize(&job.prompt);
                if prompt.len() as u32 + 1 > per_sequence {
                    let problem = Generation {
                        text: None,
                        problem: Some(format!(
                            "the prompt has {} tokens; the context holds {per_sequence}",
                            prompt.len()
                        )),
                        prompt_tokens: prompt.len() as u64,
                        generated_tokens: 0,
                    };
                    if queue.finished(ticket, problem).is_break() {
                        return Ok(());
                    }
                    continue;
                }
                // Cells to reuse, at most all but the prompt's last token (its logits start
                // the answer): the free sequence whose last prompt shares the longest start
                // with this one (a retry finds its first try there), or the shared prefix.
                let limit = prompt.len().saturating_sub(1);
                let from_prefix = shared_start(&prefix, &prompt).min(limit);
                let (index, from_held) = free
                    .iter()
                    .map(|&i| (i, shared_start(&held[i], &prompt).min(limit)))
                    .max_by_key(|&(i, shared)| (shared, std::cmp::Reverse(i)))
                    .unwrap_or((free[0], 0));
                let sequence = index as i32;
                let reuse = if from_held > 0 && from_held >= from_prefix {
                    // Keep this sequence's cells up to the shared start.
                    if trim(&mut context, index, from_held)? {
                        from_held
                    } else {
                        0
                    }
                } else {
                    trim(&mut context, index, 0)?;
                    if from_prefix > 0 {
                        context
                            .copy_kv_cache_seq(prefix_sequence, sequence, None, None)
                            .map_err(|e| backend_error("kv cache", e))?;
                    }
                    if from_prefix > 0
                        && from_prefix < prefix.len()
                        && !trim(&mut context, index, from_prefix)?
                    {
                        0
                    } else {
                        from_prefix
                    }
                };
                slots[index] = Some(Slot {
                    ticket,
                    max_tokens: job.max_tokens,
                    sequence,
                    sampler: sampler_for(&job),
                    suffix: prompt[reuse..].to_vec(),
                    prompt_tokens: prompt.len() as u64,
                    prefilled: 0,
                    position: reuse as i32,
                    next: None,
                    logits_at: None,
                    bytes: Vec::new(),
                    generated: 0,
                });
                held[index] = prompt;
            }
            if slots.iter().all(Option::is_none) {
                return Ok(());
            }
            // One decode: a token for each generating slot, then prefill chunks, in sequence
            // order (llama.cpp splits per-sequence streams best when ids are consecutive).
            batch.clear();
            let mut room = self.batch_tokens() as usize
                - slots
                    .iter()
                    .filter(|s| s.as_ref().is_some_and(|s| s.next.is_some()))
                    .count();
            for slot in slots.iter_mut().flatten() {
                slot.logits_at = None;
                if let Some(token) = slot.next.take() {
                    slot.logits_at = Some(batch.n_tokens());
                    batch
                        .add(token, slot.position, &[slot.sequence], true)
                        .map_err(|e| backend_error("batch", e))?;
                    slot.position += 1;
                } else if slot.prefilled < slot.suffix.len() && room > 0 {
                    let take = (slot.suffix.len() - slot.prefilled).min(room);
                    for offset in 0..take {
                        let index = slot.prefilled + offset;
                        let last = index + 1 == slot.suffix.len();
                        if last {
                            slot.logits_at = Some(batch.n_tokens());
                        }
                        batch
                            .add(slot.suffix[index], slot.position, &[slot.sequence], last)
                            .map_err(|e| backend_error("batch", e))?;
                        slot.position += 1;
                    }
                    slot.prefilled += take;
                    room -= take;
                }
            }
            if batch.n_tokens() == 0 {
                return Err(ProseError::Backend(
                    "the batch scheduler made no progress".to_string(),
                ));
            }
            context
                .decode(&mut batch)
                .map_err(|e| backend_error("decode", e))?;
            // Sample every slot whose logits are ready; hand finished sequences to the queue.
            let sampled = sample_ready(&context, &mut slots, sampling_workers);
            for (entry, sampled) in slots.iter_mut().zip(sampled) {
                let (Some(slot), Some(token)) = (entry.as_mut(), sampled) else {
                    continue;
                };
                // A chain that chose nothing ends the answer like an end-of-generation token.
                let end = token.is_none_or(|token| vocab.is_eog(token));
                let mut stop = false;
                if let Some(token) = token.filter(|_| !end) {
                    slot.next = Some(token);
                    let piece = vocab.token_to_piece(token, false, None);
                    let line_done = piece.contains(&b'\n');
                    slot.bytes.extend(piece);
                    slot.generated += 1;
                    // A finished line may already doom the answer: stop writing it.
                    stop = line_done
                        && !queue.keep_going(slot.ticket, &String::from_utf8_lossy(&slot.bytes));
                }
                let full = slot.position as u32 + 1 >= per_sequence;
                if end || stop || slot.generated >= slot.max_tokens || full {
                    let generation = Generation {
                        text: Some(String::from_utf8_lossy(&slot.bytes).into_owned()),
                        problem: None,
                        prompt_tokens: slot.prompt_tokens,
                        generated_tokens: u64::from(slot.generated),
                    };
                    let ticket = slot.ticket;
                    *entry = None;
                    if queue.finished(ticket, generation).is_break() {
                        return Ok(());
                    }
                }
            }
        }
    }
}
