//! orgforge-output: everything on disk. Writes a finished run (corpus, event log, resolved
//! scenario, snapshot, SQLite, manifest) atomically, and verifies a run directory from its files.
//!
//! **Architecture invariant:** this crate and the CLI are the only code that touches the disk.
//! A run is written to a temporary sibling directory and renamed into place when complete, so a
//! failed write leaves the previous output intact. Nothing written here reads the wall clock:
//! timings come in through [`RunInfo`] and land only in `run.json`.
//!
//! **API boundary**: [`write_run`] consumes the engine's [`orgforge_engine::outcome::Outcome`]
//! and the generators' [`Corpus`]; [`verify::verify`] reads only files.

#![warn(missing_docs)]

pub mod chains;
mod corpus;
pub mod email;
mod error;
pub mod manifest;
pub mod paths;
mod sqlite;
pub mod verify;
mod write;

pub use corpus::{Corpus, ProseStats, RenderedFile};
pub use error::OutputError;
pub use manifest::Manifest;
pub use verify::{Check, VerifyError, VerifyReport, render_table, verify};
pub use write::{
    ProseRunInfo, RunInfo, WriteOptions, WriteSummary, write_run, write_run_info,
    write_run_info_with_prose,
};
