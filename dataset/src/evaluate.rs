//! `orgforge eval`: scores a TREC run file against an export's qrels, overall and per family.
//! Overall covers the main qrels (every family but absence); absence is reported in `by_family`
//! against its own qrels. Each mean is over the qrels' queries that the run answers.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::DatasetError;
use crate::export::EXPORT_MANIFEST;
use crate::question::Family;
use crate::run_file::parse_run;
use crate::trec_eval::{self, Qrels};

/// The report, as `--json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// Means over the main qrels' queries that the run answers (`num_q` counts them).
    pub overall: BTreeMap<String, f64>,
    /// Means per family (families without questions are left out).
    pub by_family: BTreeMap<String, BTreeMap<String, f64>>,
}

#[derive(Deserialize)]
struct QuestionRow {
    id: String,
    family: String,
}

#[derive(Deserialize)]
struct EvidenceRow {
    question_id: String,
    doc_id: String,
    grade: i64,
}

fn read_text(path: &Path) -> Result<String, DatasetError> {
    fs::read_to_string(path)
        .map_err(|e| DatasetError::bad_input(path, None, format!("cannot be read: {e}")))
}

fn rows<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, DatasetError> {
    let text = read_text(path)?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|e| {
                DatasetError::bad_input(path, Some(index + 1), format!("not an export row: {e}"))
            })
        })
        .collect()
}

/// Scores `run_path` against the export in `export_dir`.
pub fn evaluate(export_dir: &Path, run_path: &Path) -> Result<EvalReport, DatasetError> {
    if !export_dir.join(EXPORT_MANIFEST).is_file()
        || !export_dir.join("native/questions.jsonl").is_file()
    {
        return Err(DatasetError::bad_input(
            export_dir,
            None,
            "not an orgforge export (no manifest.json and native/questions.jsonl)",
        ));
    }
    let questions: Vec<QuestionRow> = rows(&export_dir.join("native/questions.jsonl"))?;
    let evidence: Vec<EvidenceRow> = rows(&export_dir.join("native/evidence.jsonl"))?;
    let family_of: BTreeMap<String, String> = questions
        .iter()
        .map(|q| (q.id.clone(), q.family.clone()))
        .collect();
    let mut qrels: Qrels = BTreeMap::new();
    for row in evidence {
        qrels
            .entry(row.question_id)
            .or_default()
            .insert(row.doc_id, row.grade);
    }
    let known: BTreeSet<String> = family_of.keys().cloned().collect();
    let ranking = parse_run(run_path, &read_text(run_path)?, &known)?;
    let per_query = trec_eval::evaluate(&qrels, &ranking);
    let absence = Family::Absence.name();
    let overall = trec_eval::mean(
        per_query
            .iter()
            .filter(|(q, _)| family_of.get(*q).is_some_and(|f| f != absence))
            .map(|(_, m)| m),
    );
    let mut by_family = BTreeMap::new();
    for family in Family::ALL {
        let name = family.name();
        if !family_of.values().any(|f| f == name) {
            continue;
        }
        let means = trec_eval::mean(
            per_query
                .iter()
                .filter(|(q, _)| family_of.get(*q).is_some_and(|f| f == name))
                .map(|(_, m)| m),
        );
        by_family.insert(name.to_string(), means);
    }
    Ok(EvalReport { overall, by_family })
}

/// A fixed-width table: one row per family, then overall.
pub fn render_table(report: &EvalReport) -> String {
    let columns = [
        "num_q",
        "map",
        "recip_rank",
        "P_5",
        "recall_10",
        "recall_100",
        "ndcg_cut_10",
    ];
    let mut out = format!("{:<18}", "family");
    for column in columns {
        out.push_str(&format!("{column:>12}"));
    }
    out.push('\n');
    let mut row = |name: &str, measures: &BTreeMap<String, f64>| {
        out.push_str(&format!("{name:<18}"));
        for column in columns {
            let value = measures.get(column).copied().unwrap_or_default();
            if column == "num_q" {
                out.push_str(&format!("{value:>12.0}"));
            } else {
                out.push_str(&format!("{value:>12.4}"));
            }
        }
        out.push('\n');
    };
    for (family, measures) in &report.by_family {
        row(family, measures);
    }
    row("overall", &report.overall);
    out.push_str(
        "(overall excludes absence, which is scored against its own qrels; trec_eval semantics)\n",
    );
    out
}
