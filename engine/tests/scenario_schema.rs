//! The checked-in JSON Schema is current, the shipped scenarios load, and the resolved YAML
//! round-trips.

use std::path::PathBuf;

use orgforge_engine::scenario::{
    DEFAULT_SCENARIO_YAML, Overrides, Scenario, json_schema, load, template, template_names,
    to_yaml,
};

/// A path relative to the repository root.
fn repository_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn load_ok(text: &str, file: &str) -> Scenario {
    match load(text, file, Overrides::default()) {
        Ok(scenario) => scenario,
        Err(error) => panic!("{file} does not load:\n{error}"),
    }
}

#[test]
fn checked_in_schema_is_current() {
    let path = repository_path("schema/scenario.schema.json");
    let expected = match serde_json::to_string_pretty(&json_schema()) {
        Ok(text) => text + "\n",
        Err(error) => panic!("schema does not serialize: {error}"),
    };
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual == expected {
        return;
    }
    if std::env::var("ORGFORGE_BLESS").as_deref() == Ok("1") {
        if let Err(error) = std::fs::write(&path, &expected) {
            panic!("cannot write {}: {error}", path.display());
        }
        return;
    }
    panic!(
        "schema/scenario.schema.json is stale (it differs from json_schema()).\n\
         Rewrite it with: ORGFORGE_BLESS=1 cargo test -p orgforge-engine --test scenario_schema"
    );
}

#[test]
fn schema_describes_the_top_level_sections() {
    let schema = json_schema();
    let properties = &schema["properties"];
    for section in [
        "company",
        "departments",
        "people",
        "systems",
        "lifecycle",
        "external",
    ] {
        assert!(
            properties.get(section).is_some(),
            "no `{section}` in the schema"
        );
    }
    assert_eq!(
        schema["additionalProperties"],
        serde_json::Value::Bool(false)
    );
}

#[test]
fn default_scenario_loads() {
    let scenario = load_ok(DEFAULT_SCENARIO_YAML, "scenarios/default.yaml");
    assert_eq!(scenario.days, 22);
    assert_eq!(scenario.seed, 7);
    assert_eq!(scenario.company.timezone, "America/Chicago");
    assert!((40..=60).contains(&scenario.people.len()));
    assert!(scenario.departments.len() >= 6);
    assert!(scenario.departments.iter().filter(|d| d.ships_code).count() >= 3);
    assert!(scenario.systems.len() >= 8);
}

#[test]
fn every_template_loads() {
    assert!(template_names().contains(&"default"));
    assert!(template_names().contains(&"small"));
    for name in template_names() {
        let text = template(name).unwrap_or_else(|| panic!("template `{name}` is missing"));
        load_ok(text, name);
    }
    assert!(template("no-such-template").is_none());
    let small = load_ok(template("small").unwrap_or_default(), "small");
    assert_eq!(small.days, 10);
    assert_eq!(small.departments.len(), 3);
}

#[test]
fn shipped_files_match_the_compiled_templates() {
    for name in template_names() {
        let path = repository_path(&format!("scenarios/{name}.yaml"));
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(Some(on_disk.as_str()), template(name), "{}", path.display());
    }
}

#[test]
fn large_scenario_loads() {
    let path = repository_path("scenarios/large.yaml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => panic!("cannot read {}: {error}", path.display()),
    };
    let scenario = load_ok(&text, "scenarios/large.yaml");
    assert!((900..=1100).contains(&scenario.people.len()));
    assert!((35..=45).contains(&scenario.departments.len()));
    assert!((50..=70).contains(&scenario.systems.len()));
    assert_eq!(scenario.days, 22);
}

#[test]
fn resolved_yaml_round_trips() {
    for name in template_names() {
        let scenario = load_ok(template(name).unwrap_or_default(), name);
        let yaml = to_yaml(&scenario);
        let again = load_ok(&yaml, "resolved.yaml");
        assert_eq!(again, scenario, "{name} changed on the round trip");
        assert_eq!(to_yaml(&again), yaml, "{name}: to_yaml is not stable");
    }
}

#[test]
fn overrides_replace_days_and_seed() {
    let scenario = match load(
        DEFAULT_SCENARIO_YAML,
        "default.yaml",
        Overrides {
            days: Some(15),
            seed: Some(99),
        },
    ) {
        Ok(scenario) => scenario,
        Err(error) => panic!("{error}"),
    };
    assert_eq!((scenario.days, scenario.seed), (15, 99));
}
