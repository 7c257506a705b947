//! Integration tests of orgforge-output: writing a run directory and verifying it.

mod chains;
mod email;
mod fixture;
mod real;
mod tamper;
mod writing;

use std::path::{Path, PathBuf};

use orgforge_output::{
    RunInfo, VerifyReport, WriteOptions, WriteSummary, render_table, verify, write_run,
};

/// A temporary directory for one test.
pub struct Dir {
    temp: tempfile::TempDir,
}

impl Default for Dir {
    fn default() -> Dir {
        Dir::new()
    }
}

impl Dir {
    /// A fresh empty directory.
    pub fn new() -> Dir {
        match tempfile::tempdir() {
            Ok(temp) => Dir { temp },
            Err(error) => panic!("cannot create a temporary directory: {error}"),
        }
    }

    /// A path inside it.
    pub fn path(&self, name: &str) -> PathBuf {
        self.temp.path().join(name)
    }

    /// The names of the directory's entries, sorted.
    pub fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.temp.path())
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

/// Write options with fixed timings.
pub fn options(force: bool) -> WriteOptions {
    WriteOptions {
        force,
        run: RunInfo {
            wall_seconds: 0.25,
            threads: 1,
            ..RunInfo::default()
        },
    }
}

/// Writes the fixture run to `out`.
pub fn write_fixture(out: &Path, sqlite: bool) -> WriteSummary {
    let outcome = fixture::outcome(sqlite);
    let corpus = fixture::corpus(&outcome);
    match write_run(out, &outcome, &corpus, &options(false)) {
        Ok(summary) => summary,
        Err(error) => panic!("write_run failed: {error}"),
    }
}

/// Verifies `dir`, failing the test if it is not a run directory.
pub fn verified(dir: &Path) -> VerifyReport {
    match verify(dir) {
        Ok(report) => report,
        Err(error) => panic!("verify failed: {error}"),
    }
}

/// Asserts that exactly the checks `expected` failed, printing the table otherwise.
pub fn assert_failed(report: &VerifyReport, expected: &[&str]) {
    assert_eq!(report.failed(), expected, "\n{}", render_table(report));
    assert_eq!(report.ok, expected.is_empty());
}
