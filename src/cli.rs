//! What the user said: argument definitions only (validated by clap, acted on in `commands`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Simulates a company day by day and writes the corpus it would leave behind, with ground truth.
#[derive(Debug, Parser)]
#[command(name = "orgforge", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs a scenario and writes a corpus (Slack, JIRA, Confluence, Git) with its event log.
    Simulate(SimulateArgs),
    /// Validates, describes or creates scenario files.
    Scenario {
        /// What to do with scenarios.
        #[command(subcommand)]
        command: ScenarioCommand,
    },
    /// Proves a written run is internally consistent (exit 1 when it is not).
    Verify(VerifyArgs),
    /// Derives a RAG evaluation dataset (questions, gold evidence, corpus views) from a run.
    Export(ExportArgs),
    /// Scores a TREC run file against an export with trec_eval's semantics.
    Eval(EvalArgs),
    /// Writes a BM25 (tantivy) TREC run file over an export's corpus: the floor to beat.
    Baseline(BaselineArgs),
}

/// Prose backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProseChoice {
    /// Deterministic templates (default).
    Template,
    /// A local GGUF model through llama.cpp.
    Llm,
}

/// `orgforge simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Scenario YAML; the built-in default scenario when absent.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Business days to simulate (overrides the scenario).
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
    /// Seed of all randomness (overrides the scenario).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Prose backend (overrides the scenario).
    #[arg(long, value_enum)]
    pub prose: Option<ProseChoice>,
    /// GGUF model file for `--prose llm` (overrides the scenario's `prose.model`).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Model layers to offload to the GPU for `--prose llm` (overrides `prose.gpu_layers`; a
    /// number above the model's layer count offloads all of them). Needs a CUDA build.
    #[arg(long, value_name = "N")]
    pub gpu_layers: Option<u32>,
    /// Sequences decoded together for `--prose llm` (overrides `prose.batch_size`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(orgforge_engine::scenario::MAX_BATCH_SIZE)))]
    pub batch_size: Option<u32>,
    /// SQLite prose cache for `--prose llm`; default `$XDG_CACHE_HOME/orgforge/prose-cache.sqlite`
    /// (or `~/.cache/...`). A rerun with a warm cache makes no model call.
    #[arg(long, value_name = "FILE")]
    pub prose_cache: Option<PathBuf>,
    /// Replace a non-empty output directory.
    #[arg(long)]
    pub force: bool,
    /// Print a fixed-width status line per simulated day.
    #[arg(long, short)]
    pub verbose: bool,
}

/// `orgforge scenario ...`.
#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Checks a scenario file: syntax, types and semantics (exit 2 with file:line:col on errors).
    Validate(ValidateArgs),
    /// Prints the JSON Schema of scenarios (for editor completion).
    Schema,
    /// Writes a starter scenario.
    Init(InitArgs),
}

/// `orgforge scenario validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario YAML.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `orgforge scenario init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Template to start from.
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub template: String,
    /// Where to write it; standard output when absent.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// `orgforge verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A directory written by `orgforge simulate`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `orgforge export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A finished run written by `orgforge simulate`.
    #[arg(value_name = "RUN_DIR")]
    pub run_dir: PathBuf,
    /// Export directory (must not exist, or be empty).
    #[arg(long, value_name = "EXPORT_DIR")]
    pub out: PathBuf,
    /// Views to write, comma-separated: native,beir,trec,hf,ragas (native is always written).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "native,beir,trec,hf,ragas"
    )]
    pub format: Vec<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `orgforge eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A directory written by `orgforge export`.
    #[arg(value_name = "EXPORT_DIR")]
    pub export_dir: PathBuf,
    /// TREC run file: `query-id Q0 doc-id rank score tag` per line.
    #[arg(long, value_name = "RUN.trec")]
    pub run: PathBuf,
    /// Print `{"overall": {...}, "by_family": {...}}` instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `orgforge baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// A directory written by `orgforge export`.
    #[arg(value_name = "EXPORT_DIR")]
    pub export_dir: PathBuf,
    /// Where to write the TREC run file.
    #[arg(long, value_name = "RUN.trec")]
    pub out: PathBuf,
    /// Documents retrieved per question.
    #[arg(long, default_value_t = 100)]
    pub depth: usize,
}
