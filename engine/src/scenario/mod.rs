//! Scenario authoring: the typed model, loading from YAML with locations, and semantic checks.
//!
//! **API boundary**: [`load`] is the one way in from text; it reports every problem with file,
//! line, column, the offending value and a suggestion ([`ScenarioError`]).

mod load;
mod locate;
mod model;
mod suggest;
mod templates;
mod validate;

pub use load::{Diagnostic, Overrides, ScenarioError, load};
pub use model::*;
pub use templates::{DEFAULT_SCENARIO_YAML, template, template_names};
pub use validate::{MAX_BATCH_SIZE, MAX_DAYS, Problem, validate};

/// The JSON Schema of [`Scenario`], for editor completion (`schema/scenario.schema.json`).
pub fn json_schema() -> serde_json::Value {
    schemars::schema_for!(Scenario).to_value()
}

/// The resolved scenario as YAML, defaults filled in; [`load`] reads it back to an equal value.
pub fn to_yaml(scenario: &Scenario) -> String {
    // Serializing plain data (strings, numbers, dates, enums) into a String cannot fail; the
    // fallback keeps the signature total without a panic.
    serde_saphyr::to_string(scenario)
        .unwrap_or_else(|error| format!("# could not serialize the scenario: {error}\n"))
}
