//! The llm prose pipeline (collect, generate, fact check, retry, fall back, cache, replay) on a
//! two-day run of the `small` scenario with deterministic stub generators: no llama.cpp, no
//! model, default build.

use orgforge_engine::outcome::Outcome;
use std::collections::BTreeMap;

use orgforge_generators::prose::cache::ProseCache;
use orgforge_generators::prose::llm::prompt::{Prompt, plain_chat};
use orgforge_generators::prose::llm::{
    ChatFormat, Generation, GenerationJob, JobQueue, LlmOptions, LlmStats, MAX_RETRIES,
    TextGenerator, collect_requests, render_with_model,
};
use orgforge_generators::prose::{ProseError, ProseRequest};
use orgforge_generators::{Corpus, TemplateBackend, render};

/// How a stub answers a prompt.
#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    /// The required facts, joined: passes the fact check.
    Facts,
    /// An invented ticket key and date: always fails.
    Invent,
    /// Invents on the first try, then (after the corrective instruction) writes the facts.
    InventThenFacts,
    /// Any call is an error (proves a warm cache makes no call).
    Refuse,
    /// Writes the facts, but leaves the last part out of every group answer; a part retried
    /// alone is then answered with invented facts, so it falls back.
    DropLastPart,
    /// A group prompt cannot run (as if too long for the context); a single prompt gets facts.
    NoRoomForGroups,
    /// Writes the facts for this many jobs, then fails (a run interrupted mid-batch).
    FailAfter(usize),
    /// Like `InventThenFacts`, but a first try goes on for many more lines after the invented
    /// one.
    InventThenRamble,
    /// Some parts (by their facts: [`invents`]) always invent and ramble on; the others write
    /// their facts.
    SomePartsInvent,
}

/// Whether a part (or single prompt) invents under [`Behaviour::SomePartsInvent`]: decided by
/// its required facts, so the same part decides the same in every prompt it appears in.
fn invents(section: &str) -> bool {
    required_facts(section).join(",").len().is_multiple_of(2)
}

/// An invented line followed by many more.
fn ramble() -> String {
    format!(
        "Done: ZZZ-98765 shipped on 1999-12-31.\n{}",
        "More words about the work.\n".repeat(RAMBLE_LINES)
    )
}

/// Lines a rambling first try adds after its invented line.
const RAMBLE_LINES: usize = 30;

struct Stub {
    behaviour: Behaviour,
    calls: u64,
    /// Every prompt, in call order.
    prompts: Vec<String>,
    /// Jobs in flight at once, like the sequences of a batch (the oldest finishes first).
    batch: usize,
    /// What happened, in order: a job started or finished, and whether it was a retry.
    log: Vec<(Event, bool)>,
    /// Hands each answer to the queue line by line while "writing" it, as llama.rs does.
    stream: bool,
    /// Lines written, over all answers (fewer when the queue stops answers early).
    lines_written: usize,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Event {
    Started,
    Finished,
}

impl Stub {
    fn new(behaviour: Behaviour) -> Stub {
        Stub {
            behaviour,
            calls: 0,
            prompts: Vec::new(),
            batch: 1,
            log: Vec::new(),
            stream: false,
            lines_written: 0,
        }
    }
}

/// The required facts listed in a prompt (or one part of a group prompt).
fn required_facts(prompt: &str) -> Vec<String> {
    let mut facts = Vec::new();
    let mut inside = false;
    for line in prompt.lines() {
        if line.starts_with("Required facts") {
            inside = true;
        } else if inside {
            match line.strip_prefix("- ") {
                Some(fact) => facts.push(fact.to_string()),
                None => break,
            }
        }
    }
    facts
}

/// The parts of a group prompt: number, author and the part's section of the prompt.
fn group_parts(prompt: &str) -> Vec<(usize, String, String)> {
    let mut parts: Vec<(usize, String, String)> = Vec::new();
    for line in prompt.lines() {
        if let Some(rest) = line.strip_prefix("Part ")
            && let Some((number, author)) = rest.split_once(", by ")
            && let Ok(number) = number.parse::<usize>()
        {
            let author = author.trim_end_matches(':').to_string();
            parts.push((number, author, String::new()));
            continue;
        }
        if line.starts_with("Task:") {
            break;
        }
        if let Some((_, _, section)) = parts.last_mut() {
            section.push_str(line);
            section.push('\n');
        }
    }
    parts
}

/// The plain chat layout (no model).
struct PlainChat;

impl ChatFormat for PlainChat {
    fn format(&self, prompt: &Prompt) -> Result<String, ProseError> {
        Ok(plain_chat(prompt))
    }
}

impl TextGenerator for Stub {
    fn model_sha256(&self) -> &str {
        "stub-model"
    }

    fn chat(&self) -> Box<dyn ChatFormat> {
        Box::new(PlainChat)
    }

    /// Keeps up to `batch` jobs in flight, pulling a new one as soon as one finishes; retries
    /// queued by a finished job join the end of the queue.
    fn run(&mut self, queue: &mut dyn JobQueue) -> Result<(), ProseError> {
        if self.behaviour == Behaviour::Refuse && !queue.waiting().is_empty() {
            return Err(ProseError::Backend("the stub refuses".to_string()));
        }
        let mut in_flight: std::collections::VecDeque<(u64, GenerationJob)> = Default::default();
        loop {
            while in_flight.len() < self.batch.max(1) {
                let Some((ticket, job)) = queue.next() else {
                    break;
                };
                if let Behaviour::FailAfter(limit) = self.behaviour
                    && self.calls as usize >= limit
                {
                    return Err(ProseError::Backend("the stub was interrupted".to_string()));
                }
                self.calls += 1;
                self.prompts.push(job.prompt.clone());
                self.log
                    .push((Event::Started, job.prompt.contains("rejected because")));
                in_flight.push_back((ticket, job));
            }
            let Some((ticket, job)) = in_flight.pop_front() else {
                return Ok(());
            };
            let retry = job.prompt.contains("rejected because");
            let write = |section: &str| match (self.behaviour, retry) {
                (Behaviour::Invent, _)
                | (Behaviour::InventThenFacts, false)
                | (Behaviour::DropLastPart, true) => {
                    "Done: ZZZ-98765 shipped on 1999-12-31.".to_string()
                }
                (Behaviour::InventThenRamble, false) => ramble(),
                _ => format!("Update: {}.", required_facts(section).join(", ")),
            };
            let parts = group_parts(&job.prompt);
            let generation = if self.behaviour == Behaviour::NoRoomForGroups && !parts.is_empty() {
                Generation {
                    text: None,
                    problem: Some("the prompt has too many tokens for the context".to_string()),
                    prompt_tokens: 0,
                    generated_tokens: 0,
                }
            } else {
                answer(self.behaviour, &job, &parts, write)
            };
            let generation = if self.stream {
                self.write_lines(queue, ticket, generation)
            } else {
                self.lines_written += generation.text.as_deref().map_or(0, |t| t.lines().count());
                generation
            };
            self.log.push((Event::Finished, retry));
            if queue.finished(ticket, generation).is_break() {
                return Ok(());
            }
        }
    }
}

impl Stub {
    /// "Writes" an answer line by line, showing the queue each finished line; stops where the
    /// queue says so, with the text so far.
    fn write_lines(
        &mut self,
        queue: &mut dyn JobQueue,
        ticket: u64,
        generation: Generation,
    ) -> Generation {
        let Some(full) = generation.text.clone() else {
            return generation;
        };
        let mut text = String::new();
        for line in full.split_inclusive('\n') {
            text.push_str(line);
            self.lines_written += 1;
            if line.ends_with('\n') && !queue.keep_going(ticket, &text) {
                break;
            }
        }
        Generation {
            text: Some(text),
            ..generation
        }
    }
}

/// The stub's answer to one job: the written text of a single prompt, or every part of a group
/// (less the last one for [`Behaviour::DropLastPart`]) under marker lines.
fn answer(
    behaviour: Behaviour,
    job: &GenerationJob,
    parts: &[(usize, String, String)],
    write: impl Fn(&str) -> String,
) -> Generation {
    let text = if parts.is_empty() {
        match behaviour {
            Behaviour::SomePartsInvent if invents(&job.prompt) => ramble(),
            _ => write(&job.prompt),
        }
    } else {
        let keep = match behaviour {
            Behaviour::DropLastPart => parts.len() - 1,
            _ => parts.len(),
        };
        let mut text = String::from("Sure! Here are the parts.\n");
        for (number, author, section) in &parts[..keep] {
            let body = match behaviour {
                Behaviour::SomePartsInvent if invents(section) => ramble(),
                _ => write(section),
            };
            text.push_str(&format!("### {number} — {author}\n{body}\n"));
        }
        text
    };
    Generation {
        generated_tokens: text.split_whitespace().count() as u64,
        prompt_tokens: job.prompt.len() as u64 / 4,
        text: Some(text),
        problem: None,
    }
}

const OPTIONS: LlmOptions = LlmOptions {
    temperature: 0.7,
    max_tokens: 256,
};

/// Two business days of the compiled-in `small` scenario.
fn outcome() -> Outcome {
    let Some(text) = orgforge_engine::scenario::template("small") else {
        panic!("no scenario template small");
    };
    let overrides = orgforge_engine::scenario::Overrides {
        days: Some(2),
        seed: None,
    };
    let scenario = orgforge_engine::scenario::load(text, "small.yaml", overrides)
        .unwrap_or_else(|e| panic!("small: {e}"));
    orgforge_engine::simulate(scenario).unwrap_or_else(|e| panic!("small: {e}"))
}

/// Every prose request of the run, in render order.
fn requests() -> Vec<ProseRequest> {
    collect_requests(&outcome()).unwrap_or_else(|e| panic!("{e}"))
}

/// Parts per group id (groups of one part included); ungrouped requests are not counted.
fn group_sizes(requests: &[ProseRequest]) -> BTreeMap<String, usize> {
    let mut sizes = BTreeMap::new();
    for request in requests {
        if let Some(group) = &request.group {
            *sizes.entry(group.id.clone()).or_insert(0) += 1;
        }
    }
    sizes
}

fn run(stub: &mut Stub, cache: &mut ProseCache) -> (Corpus, LlmStats) {
    let outcome = outcome();
    match render_with_model(&outcome, stub, cache, &OPTIONS, &mut |_| {}) {
        Ok(result) => result,
        Err(error) => panic!("render_with_model: {error}"),
    }
}

fn template_corpus() -> Corpus {
    let outcome = outcome();
    render(&outcome, &mut TemplateBackend::new()).unwrap_or_else(|e| panic!("{e}"))
}

fn memory_cache() -> ProseCache {
    ProseCache::in_memory().unwrap_or_else(|e| panic!("{e}"))
}

fn bytes(corpus: &Corpus) -> Vec<(String, Vec<u8>)> {
    corpus
        .files
        .iter()
        .map(|file| (file.path.clone(), file.bytes.clone()))
        .collect()
}

#[test]
fn answers_that_pass_the_check_are_used() {
    let mut stub = Stub::new(Behaviour::Facts);
    let (corpus, stats) = run(&mut stub, &mut memory_cache());
    assert!(stats.requests > 0);
    assert_eq!(stats.model_calls, stub.calls);
    assert_eq!(stats.cache_hits, 0);
    assert!(
        stats.fallbacks < stats.requests,
        "every answer fell back: {stats:?}"
    );
    assert_eq!(corpus.prose.backend, "llm");
    assert_ne!(bytes(&corpus), bytes(&template_corpus()));
    let used = corpus
        .files
        .iter()
        .any(|file| String::from_utf8_lossy(&file.bytes).contains("Update: "));
    assert!(used, "no model text reached the corpus");
}

#[test]
fn failing_answers_are_retried_then_fall_back_and_are_counted() {
    let mut stub = Stub::new(Behaviour::Invent);
    let (corpus, stats) = run(&mut stub, &mut memory_cache());
    let tries = u64::from(MAX_RETRIES) + 1;
    assert_eq!(stats.fallbacks, stats.requests);
    assert_eq!(stats.attempts, stats.requests * tries);
    assert_eq!(stats.failures.get("invented_number"), Some(&stats.attempts));
    assert!(corpus.prose.fallbacks >= stats.fallbacks);
    // Every fallback is the template text, so the corpus is the template corpus.
    assert_eq!(bytes(&corpus), bytes(&template_corpus()));
}

#[test]
fn a_corrective_instruction_fixes_a_retry() {
    let mut stub = Stub::new(Behaviour::InventThenFacts);
    let (_, stats) = run(&mut stub, &mut memory_cache());
    let mut facts = Stub::new(Behaviour::Facts);
    let (_, direct) = run(&mut facts, &mut memory_cache());
    assert_eq!(stats.fallbacks, direct.fallbacks);
    assert!(stats.attempts >= 2 * stats.requests);
    assert_eq!(stats.model_calls, stub.calls);
}

#[test]
fn retries_join_the_running_batch_and_order_does_not_change_the_outcome() {
    let mut alone = Stub::new(Behaviour::InventThenFacts);
    let (one_at_a_time, stats_alone) = run(&mut alone, &mut memory_cache());
    let mut batched = Stub::new(Behaviour::InventThenFacts);
    batched.batch = 8;
    let (together, stats_together) = run(&mut batched, &mut memory_cache());
    // A retry starts while first tries are still in flight: no waiting for a round to end.
    let first_retry = batched
        .log
        .iter()
        .position(|&(event, retry)| event == Event::Started && retry);
    let last_first_try = batched
        .log
        .iter()
        .rposition(|&(event, retry)| event == Event::Finished && !retry);
    assert!(
        matches!((first_retry, last_first_try), (Some(a), Some(b)) if a < b),
        "retries waited for the round: {first_retry:?} vs {last_first_try:?}"
    );
    // Which job finishes when decides nothing: same corpus, same counters.
    assert_eq!(bytes(&together), bytes(&one_at_a_time));
    // Model time is the only counter that depends on the clock.
    let without_time = |stats: LlmStats| LlmStats {
        generation_seconds: 0.0,
        ..stats
    };
    assert_eq!(without_time(stats_together), without_time(stats_alone));
}

#[test]
fn an_answer_that_already_failed_stops_early_and_changes_nothing_else() {
    let mut whole = Stub::new(Behaviour::InventThenRamble);
    let (unstopped, whole_stats) = run(&mut whole, &mut memory_cache());
    let mut streamed = Stub::new(Behaviour::InventThenRamble);
    streamed.stream = true;
    let (stopped, stats) = run(&mut streamed, &mut memory_cache());
    // Every first try is stopped right after its invented line, never rambling on.
    let first_tries = streamed
        .log
        .iter()
        .filter(|&&(event, retry)| event == Event::Started && !retry)
        .count() as u64;
    assert!(first_tries > 0);
    assert_eq!(stats.stopped_early, first_tries);
    assert_eq!(whole_stats.stopped_early, 0);
    assert!(
        streamed.lines_written * 4 < whole.lines_written,
        "stopping early saved too little: {} vs {} lines",
        streamed.lines_written,
        whole.lines_written
    );
    // The stopped answers fail as the whole ones did: same retries, fallbacks and corpus. Parts
    // of a group after the stopping line were never written: asked again, not counted.
    assert_eq!(bytes(&stopped), bytes(&unstopped));
    assert_eq!(stats.fallbacks, whole_stats.fallbacks);
    assert_eq!(stats.model_calls, whole_stats.model_calls);
    assert!(stats.attempts < whole_stats.attempts);
    assert_eq!(stats.failures.get("missing_part"), None);
}

#[test]
fn parts_an_early_stop_never_reached_are_not_charged_a_try() {
    let mut whole = Stub::new(Behaviour::SomePartsInvent);
    let (unstopped, whole_stats) = run(&mut whole, &mut memory_cache());
    let mut streamed = Stub::new(Behaviour::SomePartsInvent);
    streamed.stream = true;
    let (stopped, stats) = run(&mut streamed, &mut memory_cache());
    assert!(stats.stopped_early > 0);
    // The inventing parts fall back after three tries in both runs; every other part is
    // accepted in both, though with stopping a part after an inventing one is only reached
    // once that one has used up its tries.
    assert!(whole_stats.fallbacks > 0 && whole_stats.fallbacks < whole_stats.requests);
    assert_eq!(stats.fallbacks, whole_stats.fallbacks);
    assert_eq!(bytes(&stopped), bytes(&unstopped));
    assert_eq!(stats.failures.get("missing_part"), None);
}

#[test]
fn a_warm_cache_replays_byte_identical_with_no_model_call() {
    let directory = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = directory.path().join("cache.sqlite");
    let mut cache = ProseCache::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut stub = Stub::new(Behaviour::InventThenFacts);
    let (first, cold) = run(&mut stub, &mut cache);
    drop(cache);
    let mut cache = ProseCache::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut refusing = Stub::new(Behaviour::Refuse);
    let (second, warm) = run(&mut refusing, &mut cache);
    assert_eq!(warm.model_calls, 0);
    assert_eq!(warm.cache_hits, cold.model_calls);
    assert_eq!(warm.attempts, cold.attempts);
    assert_eq!(warm.fallbacks, cold.fallbacks);
    assert_eq!(warm.failures, cold.failures);
    assert_eq!(bytes(&first), bytes(&second));
    assert_eq!(first.prose, second.prose);
}

#[test]
fn answers_are_cached_as_they_finish_so_an_interrupted_run_resumes() {
    let directory = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = directory.path().join("cache.sqlite");
    let outcome = outcome();
    let mut cache = ProseCache::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut interrupted = Stub::new(Behaviour::FailAfter(10));
    let result = render_with_model(
        &outcome,
        &mut interrupted,
        &mut cache,
        &OPTIONS,
        &mut |_| {},
    );
    assert!(result.is_err(), "the interrupted run must fail");
    drop(cache);
    // The ten answers that finished before the failure are in the cache.
    let mut cache = ProseCache::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let (resumed, stats) = run(&mut Stub::new(Behaviour::Facts), &mut cache);
    let (fresh, cold) = run(&mut Stub::new(Behaviour::Facts), &mut memory_cache());
    assert_eq!(stats.cache_hits, 10);
    assert_eq!(stats.model_calls + 10, cold.model_calls);
    assert_eq!(bytes(&resumed), bytes(&fresh));
}

#[test]
fn a_thread_or_page_is_one_model_request() {
    let requests = requests();
    let sizes = group_sizes(&requests);
    let alone = requests.iter().filter(|r| r.group.is_none()).count();
    let threads = sizes
        .iter()
        .filter(|(id, parts)| id.starts_with("slack-thread/") && **parts > 1)
        .count();
    assert!(threads > 0, "no Slack thread with replies: {sizes:?}");
    let mut stub = Stub::new(Behaviour::Facts);
    let (_, stats) = run(&mut stub, &mut memory_cache());
    assert_eq!(stats.requests, requests.len() as u64);
    assert_eq!(stats.model_requests, (sizes.len() + alone) as u64);
    assert!(stats.model_requests < stats.requests, "{stats:?}");
    // The first round asks once per group: a thread's messages share one prompt, each part
    // with its own marker line, and one answer.
    let first_round = &stub.prompts[..stats.model_requests as usize];
    let grouped = first_round
        .iter()
        .filter(|prompt| prompt.contains("\n### 1 — ") && prompt.contains("\n### 2 — "))
        .count();
    let multi = sizes.values().filter(|parts| **parts > 1).count();
    assert_eq!(grouped, multi);
    // Every part of a group passes on its own packet.
    assert_eq!(stats.failures.get("missing_part"), None);
    assert_eq!(stats.attempts, stats.requests);
    assert_eq!(stats.fallbacks, 0);
    assert_eq!(stats.model_calls, stats.model_requests);
}

#[test]
fn a_missing_part_is_retried_alone_then_falls_back_while_the_others_pass() {
    let sizes = group_sizes(&requests());
    let multi = sizes.values().filter(|parts| **parts > 1).count() as u64;
    assert!(multi > 0);
    let mut stub = Stub::new(Behaviour::DropLastPart);
    let (corpus, stats) = run(&mut stub, &mut memory_cache());
    // The last part of each group is missing from its answer, once per group.
    assert_eq!(
        stats.failures.get("missing_part"),
        Some(&multi),
        "{stats:?}"
    );
    // It is then asked alone (no markers) on both retries, fails both, and falls back; every
    // other part was accepted from the group answer on the first try.
    assert_eq!(stats.failures.get("invented_number"), Some(&(2 * multi)));
    assert_eq!(stats.fallbacks, multi);
    assert_eq!(stats.attempts, stats.requests + 2 * multi);
    assert_eq!(stats.model_calls, stats.model_requests + 2 * multi);
    // Retries start as soon as their first try is checked, so they are interleaved with first
    // tries: they are the prompts with a correction.
    let retries: Vec<&String> = stub
        .prompts
        .iter()
        .filter(|prompt| prompt.contains("rejected because"))
        .collect();
    assert_eq!(retries.len() as u64, 2 * multi);
    for prompt in &retries {
        assert!(
            !prompt.contains("\n### 1 — "),
            "a retry asked for a group: {prompt}"
        );
    }
    let naming_the_part = retries
        .iter()
        .filter(|prompt| prompt.contains("the part was missing"))
        .count() as u64;
    assert_eq!(
        naming_the_part, multi,
        "the first retry names the missing part"
    );
    assert_eq!(corpus.prose.fallbacks, stats.fallbacks);
    let used = corpus
        .files
        .iter()
        .any(|file| String::from_utf8_lossy(&file.bytes).contains("Update: "));
    assert!(used, "the parts that passed did not reach the corpus");
}

#[test]
fn group_answers_split_on_marker_lines() {
    use orgforge_generators::prose::llm::prompt::split_group_answer;
    let answer = "Sure!\n### 1 — Jax Moreno\nfirst\n### 2. Install\nstill first\n### 3 — Omar\n\
                  third\n### 9 — Nobody\nextra\n### 1 — Jax Moreno\nagain";
    let parts = split_group_answer(answer, 3);
    assert_eq!(
        parts[0].as_deref(),
        Some("first\n### 2. Install\nstill first\n")
    );
    assert_eq!(parts[1], None);
    assert_eq!(parts[2].as_deref(), Some("third\n"));
    // One part needs no marker.
    assert_eq!(
        split_group_answer("just text", 1),
        vec![Some("just text".to_string())]
    );
    let loose = split_group_answer("###1\na\n### Part 2: Priya\nb", 2);
    assert_eq!(
        loose,
        vec![Some("a\n".to_string()), Some("b\n".to_string())]
    );
}

#[test]
fn a_group_too_long_for_the_context_is_split_into_single_requests() {
    let sizes = group_sizes(&requests());
    let parts: u64 = sizes.values().filter(|p| **p > 1).map(|p| *p as u64).sum();
    let mut stub = Stub::new(Behaviour::NoRoomForGroups);
    let (_, stats) = run(&mut stub, &mut memory_cache());
    assert_eq!(stats.failures.get("no_answer"), Some(&parts), "{stats:?}");
    assert_eq!(stats.fallbacks, 0);
    assert_eq!(stats.model_calls, stats.model_requests + parts);
}
