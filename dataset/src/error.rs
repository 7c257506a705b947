//! Errors of exporting, evaluating and running the baseline.

use std::path::PathBuf;

/// Why an export, an evaluation or a baseline failed. Nothing is left half-written in any case.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The input is wrong: not a finished run, a corrupt or foreign file, a malformed run file
    /// (CLI exit 2). The message names the file and, where there is one, the line.
    #[error("{0}")]
    BadInput(String),
    /// The leakage audit found questions that give their answer away, or answer-key material in
    /// the corpus. The export is refused.
    #[error("leakage audit failed ({} findings):\n  {}", findings.len(), findings.join("\n  "))]
    Leakage {
        /// One line per finding.
        findings: Vec<String>,
    },
    /// A filesystem operation failed.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        /// What was being done, e.g. "write".
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The output path exists and is not empty.
    #[error("output {} already exists and is not empty; choose another path or remove it", path.display())]
    Exists {
        /// The output path.
        path: PathBuf,
    },
    /// The BM25 index failed.
    #[error("the BM25 index failed: {0}")]
    Index(String),
    /// A value could not be serialized.
    #[error("could not serialize {what}: {message}")]
    Serialize {
        /// What was being serialized.
        what: &'static str,
        /// The serializer's message.
        message: String,
    },
}

impl DatasetError {
    /// True when the user's input is at fault (CLI exit 2) rather than the run (exit 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            DatasetError::BadInput(_) | DatasetError::Exists { .. }
        )
    }

    /// A [`DatasetError::BadInput`] naming `file` and, when known, `line` (1-based).
    pub fn bad_input(
        file: &std::path::Path,
        line: Option<usize>,
        message: impl std::fmt::Display,
    ) -> DatasetError {
        match line {
            Some(line) => DatasetError::BadInput(format!("{}:{line}: {message}", file.display())),
            None => DatasetError::BadInput(format!("{}: {message}", file.display())),
        }
    }

    /// An [`DatasetError::Io`] for `path`.
    pub fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> DatasetError {
        let path = path.into();
        move |source| DatasetError::Io {
            action,
            path,
            source,
        }
    }
}
