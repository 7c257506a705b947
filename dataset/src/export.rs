//! `orgforge export`: run -> corpus -> questions -> leakage audit -> views -> one atomic write.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use orgforge_engine::log::sha256_hex;
use serde::Serialize;

use crate::corpus::Corpus;
use crate::error::DatasetError;
use crate::facts::Facts;
use crate::leakage;
use crate::question::{Family, Question};
use crate::questions;
use crate::run_dir::Run;
use crate::views::{self, Bundle, Format, ViewFile};

/// The export manifest's file name.
pub const EXPORT_MANIFEST: &str = "manifest.json";
/// Version of the export layout; bumped when a file's shape changes.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

/// What an export wrote, for the CLI's summary.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    /// Documents in the corpus.
    pub documents: usize,
    /// Questions exported.
    pub questions: usize,
    /// Questions per family name (every family listed, zeros included).
    pub by_family: BTreeMap<String, usize>,
    /// Files written, manifest included.
    pub files: usize,
}

#[derive(Serialize)]
struct RunRef<'a> {
    manifest_sha256: &'a str,
    seed: u64,
    version: &'a str,
    days: u32,
}

#[derive(Serialize)]
struct ExportManifest<'a> {
    format_version: u32,
    generator: String,
    run: RunRef<'a>,
    formats: Vec<&'static str>,
    counts: BTreeMap<String, usize>,
    by_family: &'a BTreeMap<String, usize>,
    files: BTreeMap<String, String>,
}

/// The export in memory: corpus, questions and every file, before anything is written.
pub struct Prepared {
    /// The corpus.
    pub corpus: Corpus,
    /// The questions.
    pub questions: Vec<Question>,
    /// Files to write, manifest included, sorted by path.
    pub files: Vec<ViewFile>,
    /// Counts.
    pub summary: ExportSummary,
}

/// Reads a run and prepares every export file in memory (no disk writes). Fails with
/// [`DatasetError::Leakage`] when the audit finds anything.
pub fn prepare(run_dir: &Path, formats: &[Format]) -> Result<Prepared, DatasetError> {
    let run = Run::load(run_dir)?;
    let corpus = Corpus::build(&run)?;
    let questions = {
        let facts = Facts::new(&run, &corpus);
        questions::generate(&facts)
    };
    let findings = leakage::audit(&questions, &corpus);
    if !findings.is_empty() {
        return Err(DatasetError::Leakage { findings });
    }
    let mut by_family = BTreeMap::new();
    for family in Family::ALL {
        by_family.insert(
            family.name().to_string(),
            questions.iter().filter(|q| q.family == family).count(),
        );
    }
    let mut formats: Vec<Format> = formats.to_vec();
    formats.push(Format::Native);
    formats.sort();
    formats.dedup();
    let bundle = Bundle {
        corpus: &corpus,
        questions: &questions,
        name: format!("orgforge {} (seed {})", run.scenario.company.name, run.seed),
        company: run.scenario.company.name.clone(),
        seed: run.seed,
        days: run.days,
    };
    let mut files: Vec<ViewFile> = Vec::new();
    for format in &formats {
        files.extend(match format {
            Format::Native => views::native::files(&bundle)?,
            Format::Beir => views::beir::files(&bundle)?,
            Format::Trec => views::trec::files(&bundle)?,
            Format::Hf => views::hf::files(&bundle)?,
            Format::Ragas => views::ragas::files(&bundle)?,
        });
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut counts = BTreeMap::new();
    counts.insert("documents".to_string(), corpus.documents.len());
    counts.insert("questions".to_string(), questions.len());
    counts.insert(
        "evidence".to_string(),
        questions.iter().map(|q| q.evidence.len()).sum(),
    );
    let manifest = ExportManifest {
        format_version: EXPORT_FORMAT_VERSION,
        generator: format!("orgforge-dataset {}", env!("CARGO_PKG_VERSION")),
        run: RunRef {
            manifest_sha256: &run.manifest_sha256,
            seed: run.seed,
            version: &run.version,
            days: run.days,
        },
        formats: formats.iter().map(|f| f.name()).collect(),
        counts,
        by_family: &by_family,
        files: files
            .iter()
            .map(|(path, bytes)| (path.clone(), sha256_hex(bytes)))
            .collect(),
    };
    let mut manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| DatasetError::Serialize {
            what: "export manifest",
            message: e.to_string(),
        })?;
    manifest_bytes.push(b'\n');
    files.push((EXPORT_MANIFEST.to_string(), manifest_bytes));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let summary = ExportSummary {
        documents: corpus.documents.len(),
        questions: questions.len(),
        by_family,
        files: files.len(),
    };
    Ok(Prepared {
        corpus,
        questions,
        files,
        summary,
    })
}

/// Exports a run to `out`: everything is written to a temporary sibling and renamed into place.
/// An existing non-empty `out` is refused; on any error nothing is left behind.
pub fn export(
    run_dir: &Path,
    out: &Path,
    formats: &[Format],
) -> Result<ExportSummary, DatasetError> {
    let target = target(out)?;
    let prepared = prepare(run_dir, formats)?;
    write_atomically(out, &target, &prepared.files)?;
    Ok(prepared.summary)
}

/// The temporary sibling of `out`, after checking `out` is absent or an empty directory.
fn target(out: &Path) -> Result<PathBuf, DatasetError> {
    if out.exists() {
        let empty = out.is_dir()
            && fs::read_dir(out)
                .map_err(DatasetError::io("read", out))?
                .next()
                .is_none();
        if !empty {
            return Err(DatasetError::Exists {
                path: out.to_path_buf(),
            });
        }
    }
    let Some(name) = out.file_name().and_then(|n| n.to_str()) else {
        return Err(DatasetError::BadInput(format!(
            "{}: does not name a directory",
            out.display()
        )));
    };
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok(parent.join(format!(
        ".{name}.orgforge-export-tmp-{}",
        std::process::id()
    )))
}

fn write_atomically(out: &Path, temp: &Path, files: &[ViewFile]) -> Result<(), DatasetError> {
    if let Some(parent) = temp.parent() {
        fs::create_dir_all(parent).map_err(DatasetError::io("create", parent))?;
    }
    if temp.exists() {
        fs::remove_dir_all(temp).map_err(DatasetError::io("remove", temp))?;
    }
    let written = (|| {
        for (relative, bytes) in files {
            let path = temp.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(DatasetError::io("create", parent))?;
            }
            fs::write(&path, bytes).map_err(DatasetError::io("write", &path))?;
        }
        if out.is_dir() {
            fs::remove_dir(out).map_err(DatasetError::io("replace the empty directory", out))?;
        }
        fs::rename(temp, out).map_err(DatasetError::io("rename into place", out))
    })();
    if written.is_err() {
        let _ = fs::remove_dir_all(temp);
    }
    written
}

/// Writes one file atomically (temporary sibling, then rename): used for run files.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), DatasetError> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Err(DatasetError::BadInput(format!(
            "{}: does not name a file",
            path.display()
        )));
    };
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = parent.join(format!(".{name}.orgforge-tmp-{}", std::process::id()));
    fs::write(&temp, bytes).map_err(DatasetError::io("write", &temp))?;
    fs::rename(&temp, path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        DatasetError::Io {
            action: "rename into place",
            path: path.to_path_buf(),
            source: e,
        }
    })
}
