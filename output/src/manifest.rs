//! `manifest.json`: what the content of a run determines, with the sha256 of every file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// File name of the manifest.
pub const MANIFEST_FILE: &str = "manifest.json";
/// File name of the per-run timings, the one file exempt from byte identity.
pub const RUN_FILE: &str = "run.json";

/// The manifest of a run directory (SPEC §7). Holds only what the content determines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// orgforge version that wrote the run.
    pub version: String,
    /// Seed of the run.
    pub seed: u64,
    /// sha256 of the bytes of `scenario.yaml`.
    pub scenario_sha256: String,
    /// Business days simulated.
    pub days: u32,
    /// Which prose backend wrote the text.
    pub prose: ProseManifest,
    /// Files per artifact kind, plus `events` and `people`.
    pub counts: BTreeMap<String, u64>,
    /// Relative path -> sha256 of every file except `manifest.json` and `run.json`.
    pub files: BTreeMap<String, String>,
}

/// The prose section of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProseManifest {
    /// Backend name: "template" or "llm".
    pub backend: String,
    /// Model file named by the scenario, for the llm backend.
    pub model: Option<String>,
    /// sha256 of the model file, for the llm backend.
    pub model_sha256: Option<String>,
    /// Prose requests made.
    #[serde(default)]
    pub requests: u64,
    /// Requests that fell back to template text.
    pub fallbacks: u64,
}
