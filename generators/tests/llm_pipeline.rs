//! The llm prose pipeline (collect, generate, fact check, retry, fall back, cache, replay) on a
//! two-day run of the `small` scenario with deterministic stub generators: no llama.cpp, no
//! model, default build.

use orgforge_engine::outcome::Outcome;
use orgforge_generators::prose::ProseError;
use orgforge_generators::prose::cache::ProseCache;
use orgforge_generators::prose::llm::prompt::{Prompt, plain_chat};
use orgforge_generators::prose::llm::{
    Generation, GenerationJob, GenerationProgress, LlmOptions, LlmStats, MAX_RETRIES,
    TextGenerator, render_with_model,
};
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
}

struct Stub {
    behaviour: Behaviour,
    calls: u64,
}

impl Stub {
    fn new(behaviour: Behaviour) -> Stub {
        Stub {
            behaviour,
            calls: 0,
        }
    }
}

/// The required facts listed in a prompt.
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

impl TextGenerator for Stub {
    fn model_sha256(&self) -> &str {
        "stub-model"
    }

    fn format(&self, prompt: &Prompt) -> Result<String, ProseError> {
        Ok(plain_chat(prompt))
    }

    fn generate(
        &mut self,
        jobs: &[GenerationJob],
        progress: &mut dyn FnMut(GenerationProgress),
    ) -> Result<Vec<Generation>, ProseError> {
        if self.behaviour == Behaviour::Refuse {
            return Err(ProseError::Backend("the stub refuses".to_string()));
        }
        let mut out = Vec::new();
        for (index, job) in jobs.iter().enumerate() {
            self.calls += 1;
            let retry = job.prompt.contains("rejected because");
            let text = match (self.behaviour, retry) {
                (Behaviour::Invent, _) | (Behaviour::InventThenFacts, false) => {
                    "Done: ZZZ-98765 shipped on 1999-12-31.".to_string()
                }
                _ => format!("Update: {}.", required_facts(&job.prompt).join(", ")),
            };
            out.push(Generation {
                generated_tokens: text.split_whitespace().count() as u64,
                prompt_tokens: job.prompt.len() as u64 / 4,
                text: Some(text),
                problem: None,
            });
            progress(GenerationProgress {
                jobs_done: index as u64 + 1,
                generated_tokens: 0,
            });
        }
        Ok(out)
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
