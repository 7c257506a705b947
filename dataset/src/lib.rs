//! orgforge-dataset: turns a finished run into a RAG evaluation dataset and scores retrievers.
//!
//! - [`export::export`] reads a run (typed events, hash chain and manifest checked), builds the
//!   corpus as readers see it, derives questions per family from the event log, audits them for
//!   leakage and writes the native, BEIR, TREC, Hugging Face and RAGAS views atomically.
//! - [`evaluate::evaluate`] scores a TREC run file with trec_eval's semantics.
//! - [`baseline::baseline`] writes a BM25 (tantivy) run file over an export's corpus.
//!
//! **Architecture invariant:** the event log is the answer key and never enters the corpus:
//! documents are rendered from artifact files only, and [`leakage::audit`] fails any export
//! whose corpus holds event ids or whose questions contain their answer or a gold id.
//! Nothing here reads the wall clock or iterates a hash map: an export is byte-identical for the
//! same run.

#![warn(missing_docs)]

pub mod baseline;
pub mod corpus;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod facts;
pub mod leakage;
pub mod question;
pub mod questions;
pub mod run_dir;
pub mod run_file;
pub mod trec_eval;
pub mod views;

pub use error::DatasetError;
pub use evaluate::{EvalReport, evaluate, render_table};
pub use export::{ExportSummary, export};
pub use views::Format;
