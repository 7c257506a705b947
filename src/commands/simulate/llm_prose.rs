//! `simulate --prose llm`: checks the model and the cache before the engine runs, then renders
//! the corpus with model-written prose (generators' `prose::llm`), with a progress bar.

use std::path::{Path, PathBuf};

use orgforge_engine::scenario::{ProseBackendKind, Scenario};
use orgforge_generators::Corpus;
use orgforge_generators::prose::llm::gguf::{ModelFile, check_model_file};
use orgforge_output::ProseRunInfo;

use crate::cli::SimulateArgs;
use crate::failure::Failure;

/// What a run with the llm backend needs, checked before the engine runs.
pub struct Prepared {
    #[cfg(feature = "llm")]
    generator: orgforge_generators::prose::llm::llama::LlamaGenerator,
    #[cfg(feature = "llm")]
    cache: orgforge_generators::prose::cache::ProseCache,
    #[cfg(feature = "llm")]
    options: orgforge_generators::prose::llm::LlmOptions,
    #[cfg(feature = "llm")]
    cache_path: Option<PathBuf>,
    #[cfg(not(feature = "llm"))]
    never: std::convert::Infallible,
}

/// The default prose cache: `$XDG_CACHE_HOME/orgforge/prose-cache.sqlite`, else
/// `$HOME/.cache/orgforge/prose-cache.sqlite`; none when neither variable is set.
pub fn default_cache_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|value| !value.is_empty())
                .map(|home| PathBuf::from(home).join(".cache"))
        })?;
    Some(base.join("orgforge").join("prose-cache.sqlite"))
}

/// For the llm backend: checks the model file (present, GGUF, complete), that this binary has
/// the `llm` feature, loads the model and opens the prose cache. `None` for the template
/// backend. Every failure is bad input (exit 2), reported before the run starts.
pub fn prepare(scenario: &Scenario, args: &SimulateArgs) -> Result<Option<Prepared>, Failure> {
    if scenario.prose.backend != ProseBackendKind::Llm {
        return Ok(None);
    }
    let Some(model) = scenario.prose.model.as_deref() else {
        return Err(Failure::BadInput(
            "the llm prose backend needs a model: pass --model FILE.gguf or set prose.model in \
             the scenario (scripts/fetch-model.sh fetches a small test model into models/)"
                .to_string(),
        ));
    };
    let model =
        check_model_file(Path::new(model)).map_err(|error| Failure::BadInput(error.to_string()))?;
    let cache_path = args.prose_cache.clone().or_else(default_cache_path);
    load(scenario, model, cache_path).map(Some)
}

#[cfg(not(feature = "llm"))]
fn load(
    _scenario: &Scenario,
    model: ModelFile,
    _cache_path: Option<PathBuf>,
) -> Result<Prepared, Failure> {
    Err(Failure::BadInput(format!(
        "--prose llm needs the `llm` cargo feature, which this binary was built without \
         (the model {} looks fine); rebuild with `cargo build --release --features llm` \
         (`--features cuda` for NVIDIA GPUs), or use --prose template",
        model.path.display()
    )))
}

#[cfg(feature = "llm")]
fn load(
    scenario: &Scenario,
    model: ModelFile,
    cache_path: Option<PathBuf>,
) -> Result<Prepared, Failure> {
    use orgforge_generators::prose::cache::ProseCache;
    use orgforge_generators::prose::llm::LlmOptions;
    use orgforge_generators::prose::llm::llama::{LlamaGenerator, LlamaSettings};

    let prose = &scenario.prose;
    let threads = std::thread::available_parallelism()
        .map(|count| count.get() as u32)
        .unwrap_or(1);
    let settings = LlamaSettings::new(
        prose.context_size.max(1),
        prose.gpu_layers,
        prose.batch_size.max(1),
        threads,
    );
    let generator =
        LlamaGenerator::load(&model.path, settings, model.sha256.clone()).map_err(|error| {
            Failure::BadInput(format!(
                "cannot use the model {}: {error}",
                model.path.display()
            ))
        })?;
    let cache = match &cache_path {
        Some(path) => ProseCache::open(path),
        None => ProseCache::in_memory(),
    }
    .map_err(|error| Failure::BadInput(error.to_string()))?;
    let options = LlmOptions {
        temperature: prose.temperature.max(0.0) as f32,
        max_tokens: prose.max_tokens.max(1),
    };
    Ok(Prepared {
        generator,
        cache,
        options,
        cache_path,
    })
}

impl Prepared {
    /// Renders the corpus with model-written prose; returns it with the figures for run.json.
    #[cfg(not(feature = "llm"))]
    pub fn render(
        self,
        _outcome: &orgforge_engine::outcome::Outcome,
    ) -> Result<(Corpus, ProseRunInfo), Failure> {
        match self.never {}
    }

    /// Renders the corpus with model-written prose; returns it with the figures for run.json.
    #[cfg(feature = "llm")]
    pub fn render(
        mut self,
        outcome: &orgforge_engine::outcome::Outcome,
    ) -> Result<(Corpus, ProseRunInfo), Failure> {
        use orgforge_generators::prose::llm::{ProseProgress, render_with_model};

        let bar = crate::progress::bar(0, "prose");
        let style = indicatif::ProgressStyle::with_template(
            "{prefix:>10} [{bar:30}] {pos}/{len} prompts, {msg}, ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        let mut on_progress = |progress: ProseProgress| {
            bar.set_length(progress.total);
            bar.set_position(progress.done.min(progress.total));
            let rate = if progress.generation_seconds > 0.0 {
                progress.generated_tokens as f64 / progress.generation_seconds
            } else {
                0.0
            };
            bar.set_message(format!("{rate:.0} tokens/s"));
        };
        let (corpus, stats) = render_with_model(
            outcome,
            &mut self.generator,
            &mut self.cache,
            &self.options,
            &mut on_progress,
        )
        .map_err(|error| Failure::Runtime(format!("cannot write the prose: {error}")))?;
        bar.finish_and_clear();
        let info = ProseRunInfo {
            backend: "llm".to_string(),
            cache: self
                .cache_path
                .as_ref()
                .map(|path| path.display().to_string()),
            requests: stats.requests,
            model_requests: stats.model_requests,
            attempts: stats.attempts,
            model_calls: stats.model_calls,
            cache_hits: stats.cache_hits,
            fallbacks: stats.fallbacks,
            failures: stats.failures.clone(),
            prompt_tokens: stats.prompt_tokens,
            generated_tokens: stats.generated_tokens,
            generation_seconds: stats.generation_seconds,
            tokens_per_second: stats.tokens_per_second(),
            processed_tokens_per_second: stats.processed_tokens_per_second(),
            stopped_early: stats.stopped_early,
        };
        Ok((corpus, info))
    }
}
