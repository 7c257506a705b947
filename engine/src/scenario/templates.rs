//! Scenario templates compiled into the binary, for `orgforge scenario init --template NAME`.

/// The default scenario (`scenarios/default.yaml`), used when no scenario file is given.
pub const DEFAULT_SCENARIO_YAML: &str = include_str!("../../../scenarios/default.yaml");

/// The small scenario (`scenarios/small.yaml`): ten people, ten days.
const SMALL_SCENARIO_YAML: &str = include_str!("../../../scenarios/small.yaml");

/// Template names, in the order `--help` lists them.
const TEMPLATE_NAMES: &[&str] = &["default", "small"];

/// The YAML text of the template `name`, if there is one.
pub fn template(name: &str) -> Option<&'static str> {
    match name {
        "default" => Some(DEFAULT_SCENARIO_YAML),
        "small" => Some(SMALL_SCENARIO_YAML),
        _ => None,
    }
}

/// Names accepted by [`template`].
pub fn template_names() -> &'static [&'static str] {
    TEMPLATE_NAMES
}
