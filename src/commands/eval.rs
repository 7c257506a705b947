//! `orgforge eval EXPORT_DIR --run RUN.trec [--json]`.

use crate::cli::EvalArgs;
use crate::commands::export::failure;
use crate::failure::Failure;

/// Scores a run file; prints a table, or JSON with `--json`.
pub fn run(args: EvalArgs) -> Result<i32, Failure> {
    let report = orgforge_dataset::evaluate(&args.export_dir, &args.run).map_err(failure)?;
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Failure::Runtime(format!("cannot print the report: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", orgforge_dataset::render_table(&report));
    }
    Ok(0)
}
