//! `orgforge baseline EXPORT_DIR --out RUN.trec`.

use crate::cli::BaselineArgs;
use crate::commands::export::failure;
use crate::failure::Failure;

/// Writes the BM25 run file.
pub fn run(args: BaselineArgs) -> Result<i32, Failure> {
    let lines = orgforge_dataset::baseline::baseline(&args.export_dir, &args.out, args.depth)
        .map_err(failure)?;
    eprintln!("orgforge: wrote {lines} results to {}", args.out.display());
    Ok(0)
}
