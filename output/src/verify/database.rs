//! `database`: `orgforge.db` is present when the scenario asks for it and describes the same run:
//! the event chain of `events.jsonl` and the corpus files of the manifest (the manifest itself is
//! checked against the disk by `manifest`).

use std::collections::BTreeSet;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{Check, Context, Findings};
use crate::sqlite::DATABASE_FILE;

/// Chain files are derived files, in the `chains` table rather than `artifacts`.
const CHAINS_PREFIX: &str = "chains/";

/// Runs the check.
pub(crate) fn check(context: &Context, dir: &Path) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("database");
    let wanted = run
        .scenario
        .as_ref()
        .is_none_or(|scenario| scenario.output.sqlite);
    let present = run.files.contains_key(DATABASE_FILE);
    if !present {
        if wanted && run.scenario.is_some() {
            findings.flag("orgforge.db is missing though scenario.output.sqlite is true");
        }
        return findings.finish();
    }
    if let Err(error) = compare(context, &dir.join(DATABASE_FILE), &mut findings) {
        findings.flag(format!("orgforge.db: {error}"));
    }
    findings.finish()
}

fn compare(context: &Context, path: &Path, findings: &mut Findings) -> Result<(), rusqlite::Error> {
    let run = &context.run;
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut statement = connection.prepare("SELECT id, hash FROM events ORDER BY seq")?;
    let rows: Vec<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let log: Vec<(String, String)> = run
        .events
        .iter()
        .map(|event| (event.id.clone(), event.hash.clone()))
        .collect();
    if rows.len() != log.len() {
        findings.flag(format!(
            "events table has {} rows, events.jsonl {}",
            rows.len(),
            log.len()
        ));
    }
    if let Some((row, event)) = rows.iter().zip(&log).find(|(row, event)| row != event) {
        findings.flag(format!(
            "events table differs from events.jsonl at {} (hash {})",
            event.0, row.1
        ));
    }

    let mut statement = connection.prepare("SELECT path, sha256 FROM artifacts ORDER BY path")?;
    let stored: BTreeSet<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    // Compare with the manifest when there is one, so a changed file fails `manifest`, not this.
    let listed = run
        .manifest
        .as_ref()
        .map_or(&run.files, |manifest| &manifest.files);
    let corpus: BTreeSet<(String, String)> = listed
        .iter()
        .filter(|(path, _)| path.contains('/') && !path.starts_with(CHAINS_PREFIX))
        .map(|(path, sha256)| (path.clone(), sha256.clone()))
        .collect();
    for (path, _) in stored.difference(&corpus) {
        findings.flag(format!(
            "artifacts table lists {path}, which the manifest does not list with that sha256"
        ));
    }
    for (path, _) in corpus.difference(&stored) {
        findings.flag(format!(
            "{path} is not in the artifacts table with the manifest's sha256"
        ));
    }

    let mut statement = connection.prepare("SELECT path FROM chains ORDER BY path")?;
    let stored: BTreeSet<String> = statement
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let files: BTreeSet<String> = listed
        .keys()
        .filter(|path| path.starts_with(CHAINS_PREFIX))
        .cloned()
        .collect();
    for path in stored.difference(&files) {
        findings.flag(format!(
            "chains table lists {path}, which the manifest does not"
        ));
    }
    for path in files.difference(&stored) {
        findings.flag(format!("{path} is not in the chains table"));
    }
    Ok(())
}
