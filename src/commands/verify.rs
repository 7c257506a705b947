//! `orgforge verify DIR [--json]`.

use crate::cli::VerifyArgs;
use crate::failure::Failure;

/// Verifies a run; exit 0 when clean, 1 with violations, 2 when DIR is not a run.
pub fn run(args: VerifyArgs) -> Result<i32, Failure> {
    let report =
        orgforge_output::verify(&args.dir).map_err(|e| Failure::BadInput(e.to_string()))?;
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Failure::Runtime(format!("cannot print the report: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", orgforge_output::render_table(&report));
    }
    Ok(if report.ok { 0 } else { 1 })
}
