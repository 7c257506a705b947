//! `orgforge scenario validate | schema | init`.

use std::path::Path;

use orgforge_engine::scenario::{self, Overrides, Scenario};

use crate::cli::{InitArgs, ValidateArgs};
use crate::failure::Failure;

/// Reads and loads a scenario file, or the built-in default when `path` is `None`.
pub fn read(path: Option<&Path>, overrides: Overrides) -> Result<Scenario, Failure> {
    let (text, name) = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::BadInput(format!("cannot read scenario {}: {e}", path.display()))
            })?;
            (text, path.display().to_string())
        }
        None => (
            scenario::DEFAULT_SCENARIO_YAML.to_string(),
            "<built-in default scenario>".to_string(),
        ),
    };
    scenario::load(&text, &name, overrides).map_err(|e| Failure::Diagnostics(e.to_string()))
}

/// `orgforge scenario validate FILE`.
pub fn validate(args: ValidateArgs) -> Result<i32, Failure> {
    let scenario = read(Some(&args.file), Overrides::default())?;
    let people = scenario.people.len();
    println!(
        "{}: ok ({} departments, {people} people, {} systems, {} days, seed {})",
        args.file.display(),
        scenario.departments.len(),
        scenario.systems.len(),
        scenario.days,
        scenario.seed
    );
    Ok(0)
}

/// `orgforge scenario schema`.
pub fn schema() -> Result<i32, Failure> {
    let schema = scenario::json_schema();
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|e| Failure::Runtime(format!("cannot print the schema: {e}")))?;
    println!("{text}");
    Ok(0)
}

/// `orgforge scenario init [--template NAME] [--out FILE] [--force]`.
pub fn init(args: InitArgs) -> Result<i32, Failure> {
    let Some(text) = scenario::template(&args.template) else {
        return Err(Failure::BadInput(format!(
            "unknown template `{}`; available: {}",
            args.template,
            scenario::template_names().join(", ")
        )));
    };
    match args.out {
        None => print!("{text}"),
        Some(path) => {
            if path.exists() && !args.force {
                return Err(Failure::BadInput(format!(
                    "{} already exists; pass --force to overwrite it",
                    path.display()
                )));
            }
            std::fs::write(&path, text)
                .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("wrote {} (template `{}`)", path.display(), args.template);
        }
    }
    Ok(0)
}
