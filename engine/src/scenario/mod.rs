//! Scenario authoring: the typed model, loading from YAML with locations, and semantic checks.

mod model;

pub use model::*;
