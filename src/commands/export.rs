//! `orgforge export RUN_DIR --out EXPORT_DIR [--format ...]`.

use orgforge_dataset::{DatasetError, Format};

use crate::cli::ExportArgs;
use crate::failure::Failure;

/// Maps a dataset error to the CLI's exit codes: bad input 2, anything else 1.
pub fn failure(error: DatasetError) -> Failure {
    if error.is_bad_input() {
        Failure::BadInput(error.to_string())
    } else {
        Failure::Runtime(error.to_string())
    }
}

/// Exports a run as an evaluation dataset.
pub fn run(args: ExportArgs) -> Result<i32, Failure> {
    let mut formats = Vec::new();
    for name in &args.format {
        match Format::parse(name) {
            Some(format) => formats.push(format),
            None => {
                return Err(Failure::BadInput(format!(
                    "unknown --format `{name}`; choose from native, beir, trec, hf, ragas"
                )));
            }
        }
    }
    let summary = orgforge_dataset::export(&args.run_dir, &args.out, &formats).map_err(failure)?;
    if args.json {
        let text = serde_json::to_string_pretty(&summary)
            .map_err(|e| Failure::Runtime(format!("cannot print the summary: {e}")))?;
        println!("{text}");
    } else {
        println!("{:<22} {}", "export", args.out.display());
        println!("{:<22} {}", "documents", summary.documents);
        println!("{:<22} {}", "questions", summary.questions);
        for (family, count) in &summary.by_family {
            println!("{:<22} {count}", format!("  {family}"));
        }
        println!("{:<22} {}", "files", summary.files);
    }
    Ok(0)
}
