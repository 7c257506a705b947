//! `orgforge verify DIR`: proves a run directory internally consistent, reading only its files.
//!
//! Each check lives in its own module and reports violations with up to
//! [`MAX_EXAMPLES`] examples. A run is `ok` when every check is.

mod actor_time;
mod business_hours;
mod calendar;
mod chains;
mod database;
mod email;
mod formats;
mod hash_chain;
mod items;
mod manifest;
mod provenance;
mod references;
mod replies;
mod roster;
mod run_dir;
mod stats;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use items::{AuthoredItem, authored_items};
use run_dir::RunDir;

/// Examples kept per check.
pub const MAX_EXAMPLES: usize = 5;

/// Why a directory could not be verified at all (CLI exit 2). Violations are not errors: they
/// are in the [`VerifyReport`].
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The path is not an orgforge run directory.
    #[error("{} is not an orgforge run directory: {reason}", path.display())]
    NotARunDirectory {
        /// The path given.
        path: PathBuf,
        /// Why not.
        reason: &'static str,
    },
    /// The directory or a file in it could not be read.
    #[error("could not read {}: {source}", path.display())]
    Unreadable {
        /// What could not be read.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// The result of verifying a run directory; serializes as SPEC §7's `verify --json` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// True when every check passed.
    pub ok: bool,
    /// Every check, in a fixed order.
    pub checks: Vec<Check>,
    /// Measured figures: counts per artifact kind, events per type, people, days, prose.
    pub stats: serde_json::Value,
}

impl VerifyReport {
    /// The check named `name`, if it ran.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|check| check.name == name)
    }

    /// Names of the failed checks, in report order.
    pub fn failed(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|check| !check.ok)
            .map(|check| check.name.as_str())
            .collect()
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Check name, e.g. "hash_chain".
    pub name: String,
    /// True when no violation was found.
    pub ok: bool,
    /// Number of violations.
    pub violations: u64,
    /// The first violations, described.
    pub examples: Vec<String>,
}

/// Violations gathered by one check.
pub(crate) struct Findings {
    name: &'static str,
    violations: u64,
    examples: Vec<String>,
}

impl Findings {
    /// An empty set of findings for the check `name`.
    pub fn new(name: &'static str) -> Findings {
        Findings {
            name,
            violations: 0,
            examples: Vec::new(),
        }
    }

    /// Records one violation.
    pub fn flag(&mut self, example: impl Into<String>) {
        self.violations += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(example.into());
        }
    }

    /// The finished check.
    pub fn finish(self) -> Check {
        Check {
            name: self.name.to_string(),
            ok: self.violations == 0,
            violations: self.violations,
            examples: self.examples,
        }
    }
}

/// What every check reads: the loaded run and its authored items.
pub(crate) struct Context {
    pub run: RunDir,
    pub items: Vec<AuthoredItem>,
}

/// Verifies the run directory `dir` from its files alone.
pub fn verify(dir: &Path) -> Result<VerifyReport, VerifyError> {
    let mut run = RunDir::load(dir)?;
    let mut unparsed = Vec::new();
    let items = authored_items(&run, &mut unparsed);
    run.problems.extend(
        unparsed
            .into_iter()
            .map(|place| format!("{place}: time does not parse")),
    );
    let context = Context { run, items };

    let mut readable = Findings::new("readable");
    for problem in &context.run.problems {
        readable.flag(problem.clone());
    }
    let checks = vec![
        readable.finish(),
        hash_chain::check(&context),
        manifest::check(&context),
        database::check(&context, dir),
        provenance::check(&context),
        references::check(&context),
        actor_time::check(&context),
        business_hours::check(&context),
        replies::check(&context),
        roster::check(&context),
        chains::check(&context),
        email::check(&context),
    ];
    Ok(VerifyReport {
        ok: checks.iter().all(|check| check.ok),
        checks,
        stats: stats::collect(&context),
    })
}

/// The report as a human-readable table: one row per check, its examples indented below.
pub fn render_table(report: &VerifyReport) -> String {
    let width = report
        .checks
        .iter()
        .map(|check| check.name.len())
        .max()
        .unwrap_or(5)
        .max("check".len());
    let mut text = format!(
        "{:<width$}  {:<6}  {:>10}\n",
        "check", "result", "violations"
    );
    for check in &report.checks {
        let result = if check.ok { "ok" } else { "FAIL" };
        text.push_str(&format!(
            "{:<width$}  {:<6}  {:>10}\n",
            check.name, result, check.violations
        ));
        for example in &check.examples {
            text.push_str(&format!("    - {example}\n"));
        }
        let hidden = check.violations.saturating_sub(check.examples.len() as u64);
        if hidden > 0 {
            text.push_str(&format!("    ... and {hidden} more\n"));
        }
    }
    let failed = report.failed();
    if failed.is_empty() {
        text.push_str(&format!("ok: all {} checks passed\n", report.checks.len()));
    } else {
        text.push_str(&format!(
            "FAILED: {} of {} checks ({})\n",
            failed.len(),
            report.checks.len(),
            failed.join(", ")
        ));
    }
    text
}
