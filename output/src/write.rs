//! Writing a run directory: everything into a temporary sibling, then one rename into place.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use orgforge_engine::log::sha256_hex;
use orgforge_engine::outcome::Outcome;
use orgforge_engine::scenario::ProseBackendKind;
use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, RenderedFile};
use crate::error::OutputError;
use crate::manifest::{MANIFEST_FILE, Manifest, ProseManifest, RUN_FILE};
use crate::paths::{RESERVED_FILES, check_relative_path};
use crate::sqlite::{DATABASE_FILE, write_database};

/// File name of the event log.
pub(crate) const EVENTS_FILE: &str = "events.jsonl";
/// File name of the resolved scenario.
pub(crate) const SCENARIO_FILE: &str = "scenario.yaml";
/// File name of the final state.
pub(crate) const SNAPSHOT_FILE: &str = "snapshot.json";

/// What varies from run to run (`run.json`): timings and model traffic, measured by the CLI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Wall time of the whole command, in seconds.
    pub wall_seconds: f64,
    /// Worker threads used.
    pub threads: u32,
    /// Time spent simulating, in seconds.
    pub engine_seconds: f64,
    /// Time spent rendering artifacts and prose, in seconds.
    pub render_seconds: f64,
    /// Time spent writing the output, in seconds (0 until known; see [`write_run_info`]).
    pub write_seconds: f64,
    /// Requests that reached the model (not answered by the prose cache).
    pub model_calls: u64,
    /// Requests answered by the prose cache.
    pub cache_hits: u64,
}

/// How to write a run.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Replace an existing non-empty output directory.
    pub force: bool,
    /// Timings for `run.json`.
    pub run: RunInfo,
}

/// What was written, for the CLI's summary table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WriteSummary {
    /// The output directory.
    pub out: PathBuf,
    /// Files written, manifest and run.json included.
    pub files: u64,
    /// Bytes written, manifest and run.json included.
    pub bytes: u64,
    /// Corpus files per artifact kind name.
    pub counts: BTreeMap<String, u64>,
    /// Events in `events.jsonl`.
    pub events: u64,
    /// People in the roster.
    pub people: u64,
    /// Business days simulated.
    pub days: u32,
    /// Whether `orgforge.db` was written.
    pub sqlite: bool,
    /// Whether a previous output directory was replaced.
    pub replaced: bool,
    /// Problems that did not fail the write (e.g. the old directory could not be removed).
    pub warnings: Vec<String>,
}

/// Writes a finished run to `out` (SPEC §5): corpus files, `events.jsonl`, `scenario.yaml`,
/// `snapshot.json`, `orgforge.db` (when `scenario.output.sqlite`), `manifest.json` and
/// `run.json`. Everything goes to `<parent>/.<name>.orgforge-tmp-<pid>` first and is renamed into
/// place when complete. An existing non-empty `out` is refused with [`OutputError::Exists`]
/// unless `options.force`; on any error the previous `out` is untouched.
pub fn write_run(
    out: &Path,
    outcome: &Outcome,
    corpus: &Corpus,
    options: &WriteOptions,
) -> Result<WriteSummary, OutputError> {
    let files = checked_files(corpus)?;
    check_provenance(outcome, &files)?;
    let target = Target::resolve(out)?;
    let existing = target.inspect()?;
    if existing == Existing::NonEmpty && !options.force {
        return Err(OutputError::Exists {
            path: out.to_path_buf(),
        });
    }
    fs::create_dir_all(&target.parent).map_err(OutputError::io("create", &target.parent))?;
    remove_if_present(&target.temp)?;
    fs::create_dir(&target.temp).map_err(OutputError::io("create", &target.temp))?;
    let written = write_contents(&target.temp, outcome, corpus, &files, options);
    let mut summary = match written {
        Ok(summary) => summary,
        Err(error) => {
            let _ = fs::remove_dir_all(&target.temp);
            return Err(error);
        }
    };
    match target.install(options.force) {
        Ok((replaced, warnings)) => {
            summary.replaced = replaced;
            summary.warnings = warnings;
            summary.out = out.to_path_buf();
            Ok(summary)
        }
        Err(error) => {
            let _ = fs::remove_dir_all(&target.temp);
            Err(error)
        }
    }
}

/// Rewrites `run.json` of an existing run directory, e.g. once the write time is known.
/// `run.json` is outside the manifest, so this never invalidates a run.
pub fn write_run_info(out: &Path, run: &RunInfo) -> Result<(), OutputError> {
    let bytes = run_json(run)?;
    let temporary = out.join(".run.json.orgforge-tmp");
    fs::write(&temporary, &bytes).map_err(OutputError::io("write", &temporary))?;
    let path = out.join(RUN_FILE);
    fs::rename(&temporary, &path).map_err(OutputError::io("rename into place", &path))
}

/// The corpus files sorted by path, after checking every path is safe and unique.
fn checked_files(corpus: &Corpus) -> Result<Vec<&RenderedFile>, OutputError> {
    let mut files: Vec<&RenderedFile> = corpus.files.iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut seen: BTreeSet<&str> = RESERVED_FILES.iter().copied().collect();
    let mut directories: BTreeSet<&str> = BTreeSet::new();
    for file in &files {
        check_relative_path(&file.path).map_err(|reason| OutputError::UnsafePath {
            path: file.path.clone(),
            reason,
        })?;
        if !seen.insert(&file.path) {
            return Err(OutputError::DuplicatePath {
                path: file.path.clone(),
            });
        }
        let mut end = 0;
        while let Some(offset) = file.path[end..].find('/') {
            end += offset;
            directories.insert(&file.path[..end]);
            end += 1;
        }
    }
    // A file whose path is also a directory of another file could never be written.
    if let Some(path) = directories
        .iter()
        .find(|directory| seen.contains(*directory))
    {
        return Err(OutputError::DuplicatePath {
            path: path.to_string(),
        });
    }
    Ok(files)
}

/// Every event a corpus file names exists (the database's foreign keys rely on it).
fn check_provenance(outcome: &Outcome, files: &[&RenderedFile]) -> Result<(), OutputError> {
    let ids: BTreeSet<&str> = outcome
        .events
        .iter()
        .map(|event| event.id.as_str())
        .collect();
    for file in files {
        if let Some(event) = file.events.iter().find(|id| !ids.contains(id.as_str())) {
            return Err(OutputError::UnknownEvent {
                path: file.path.clone(),
                event: event.clone(),
            });
        }
    }
    Ok(())
}

/// Writes every file of the run into `directory`, manifest last but one, `run.json` last.
fn write_contents(
    directory: &Path,
    outcome: &Outcome,
    corpus: &Corpus,
    files: &[&RenderedFile],
    options: &WriteOptions,
) -> Result<WriteSummary, OutputError> {
    let mut hashes: BTreeMap<String, String> = BTreeMap::new();
    let mut bytes_written: u64 = 0;
    let mut artifacts: BTreeMap<String, u64> = BTreeMap::new();
    let mut hashed_files: Vec<(&RenderedFile, String)> = Vec::with_capacity(files.len());
    for file in files {
        write_file(directory, &file.path, &file.bytes)?;
        let sha256 = sha256_hex(&file.bytes);
        hashes.insert(file.path.clone(), sha256.clone());
        hashed_files.push((file, sha256));
        bytes_written += file.bytes.len() as u64;
        if let Some(kind) = file.kind {
            *artifacts.entry(kind.name().to_string()).or_insert(0) += 1;
        }
    }

    let scenario_yaml =
        serde_saphyr::to_string(&outcome.scenario).map_err(|error| OutputError::Serialize {
            what: "the scenario",
            message: error.to_string(),
        })?;
    let scenario_sha256 = sha256_hex(scenario_yaml.as_bytes());
    let generated = [
        (EVENTS_FILE, events_jsonl(outcome)?),
        (SCENARIO_FILE, scenario_yaml.into_bytes()),
        (
            SNAPSHOT_FILE,
            pretty_json("the snapshot", &outcome.snapshot)?,
        ),
    ];
    for (path, bytes) in &generated {
        write_file(directory, path, bytes)?;
        hashes.insert(path.to_string(), sha256_hex(bytes));
        bytes_written += bytes.len() as u64;
    }

    let sqlite = outcome.scenario.output.sqlite;
    if sqlite {
        let path = directory.join(DATABASE_FILE);
        write_database(&path, outcome, &hashed_files)?;
        let bytes = fs::read(&path).map_err(OutputError::io("read back", &path))?;
        hashes.insert(DATABASE_FILE.to_string(), sha256_hex(&bytes));
        bytes_written += bytes.len() as u64;
    }

    let events = outcome.events.len() as u64;
    let people = outcome.snapshot.roster.people.len() as u64;
    let mut counts = artifacts.clone();
    counts.insert("events".to_string(), events);
    counts.insert("people".to_string(), people);
    let backend = corpus.prose.backend.clone();
    let model = match outcome.scenario.prose.backend {
        ProseBackendKind::Llm if backend != "template" => outcome.scenario.prose.model.clone(),
        _ => None,
    };
    let model_sha256 = model.as_deref().map(file_sha256).transpose()?;
    let manifest = Manifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        seed: outcome.scenario.seed,
        scenario_sha256,
        days: outcome.snapshot.days,
        prose: ProseManifest {
            backend,
            model_sha256,
            model,
            requests: corpus.prose.requests,
            fallbacks: corpus.prose.fallbacks,
        },
        counts,
        files: hashes,
    };
    let file_count = manifest.files.len() as u64 + 2;
    for (path, bytes) in [
        (MANIFEST_FILE, pretty_json("the manifest", &manifest)?),
        (RUN_FILE, run_json(&options.run)?),
    ] {
        write_file(directory, path, &bytes)?;
        bytes_written += bytes.len() as u64;
    }

    Ok(WriteSummary {
        out: directory.to_path_buf(),
        files: file_count,
        bytes: bytes_written,
        counts: artifacts,
        events,
        people,
        days: outcome.snapshot.days,
        sqlite,
        replaced: false,
        warnings: Vec::new(),
    })
}

/// `events.jsonl`: one `serde_json::to_string(&event)` per line.
fn events_jsonl(outcome: &Outcome) -> Result<Vec<u8>, OutputError> {
    let mut text = String::new();
    for event in &outcome.events {
        let line = serde_json::to_string(event).map_err(|error| OutputError::Serialize {
            what: "an event",
            message: error.to_string(),
        })?;
        text.push_str(&line);
        text.push('\n');
    }
    Ok(text.into_bytes())
}

fn pretty_json<T: Serialize>(what: &'static str, value: &T) -> Result<Vec<u8>, OutputError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|error| OutputError::Serialize {
        what,
        message: error.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn run_json(run: &RunInfo) -> Result<Vec<u8>, OutputError> {
    pretty_json("run.json", run)
}

/// Writes `bytes` at the checked relative `path` under `directory`, creating parents.
fn write_file(directory: &Path, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let full = directory.join(path);
    if let Some(parent) = full.parent() {
        fs::create_dir_all(parent).map_err(OutputError::io("create", parent))?;
    }
    fs::write(&full, bytes).map_err(OutputError::io("write", &full))
}

/// sha256 of a file, streamed (a GGUF model is gigabytes).
fn file_sha256(path: &str) -> Result<String, OutputError> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = fs::File::open(path).map_err(OutputError::io("hash the model file", path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file
            .read(&mut buffer)
            .map_err(OutputError::io("hash the model file", path))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

fn remove_if_present(path: &Path) -> Result<(), OutputError> {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => {
            fs::remove_dir_all(path).map_err(OutputError::io("remove stale", path))
        }
        Ok(_) => fs::remove_file(path).map_err(OutputError::io("remove stale", path)),
        Err(_) => Ok(()),
    }
}

/// What is at the output path now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    Nothing,
    EmptyDirectory,
    NonEmpty,
}

/// The output directory and its temporary siblings.
struct Target {
    out: PathBuf,
    parent: PathBuf,
    temp: PathBuf,
    old: PathBuf,
}

impl Target {
    fn resolve(out: &Path) -> Result<Target, OutputError> {
        let invalid = || OutputError::InvalidOut {
            path: out.to_path_buf(),
        };
        let name = out.file_name().ok_or_else(invalid)?;
        let parent = match out.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let sibling = |suffix: &str| {
            let mut sibling = OsString::from(".");
            sibling.push(name);
            sibling.push(format!(".orgforge-{suffix}-{}", std::process::id()));
            parent.join(sibling)
        };
        Ok(Target {
            out: parent.join(name),
            temp: sibling("tmp"),
            old: sibling("old"),
            parent,
        })
    }

    fn inspect(&self) -> Result<Existing, OutputError> {
        let metadata = match fs::symlink_metadata(&self.out) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Existing::Nothing);
            }
            Err(error) => return Err(OutputError::io("inspect", &self.out)(error)),
        };
        if !metadata.is_dir() {
            return Err(OutputError::NotADirectory {
                path: self.out.clone(),
            });
        }
        let mut entries = fs::read_dir(&self.out).map_err(OutputError::io("list", &self.out))?;
        Ok(if entries.next().is_some() {
            Existing::NonEmpty
        } else {
            Existing::EmptyDirectory
        })
    }

    /// Renames the finished temporary directory into place. Returns whether an old directory was
    /// replaced, and warnings that did not fail the write.
    fn install(&self, force: bool) -> Result<(bool, Vec<String>), OutputError> {
        match self.inspect()? {
            Existing::Nothing => {
                fs::rename(&self.temp, &self.out)
                    .map_err(OutputError::io("rename into place", &self.out))?;
                Ok((false, Vec::new()))
            }
            Existing::EmptyDirectory => {
                fs::remove_dir(&self.out).map_err(OutputError::io("replace", &self.out))?;
                fs::rename(&self.temp, &self.out)
                    .map_err(OutputError::io("rename into place", &self.out))?;
                Ok((false, Vec::new()))
            }
            Existing::NonEmpty if !force => Err(OutputError::Exists {
                path: self.out.clone(),
            }),
            Existing::NonEmpty => {
                remove_if_present(&self.old)?;
                fs::rename(&self.out, &self.old)
                    .map_err(OutputError::io("move aside", &self.out))?;
                if let Err(error) = fs::rename(&self.temp, &self.out) {
                    // Put the previous output back before reporting.
                    let _ = fs::rename(&self.old, &self.out);
                    return Err(OutputError::io("rename into place", &self.out)(error));
                }
                let mut warnings = Vec::new();
                if let Err(error) = fs::remove_dir_all(&self.old) {
                    warnings.push(format!(
                        "could not remove the previous output moved to {}: {error}",
                        self.old.display()
                    ));
                }
                Ok((true, warnings))
            }
        }
    }
}
