//! TREC run files (`query-id Q0 doc-id rank score tag`, whitespace-separated) and qrels
//! (`query-id iteration doc-id grade`): strict parsers that name the file and line of any fault.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::DatasetError;
use crate::trec_eval::{Qrels, Ranking};

/// Parses a run file. Every query id must be in `known_queries`; a document may appear once per
/// query; scores must be finite numbers.
pub fn parse_run(
    path: &Path,
    text: &str,
    known_queries: &BTreeSet<String>,
) -> Result<Ranking, DatasetError> {
    let mut ranking = Ranking::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let [query, _iteration, doc, rank, score, _tag] = fields.as_slice() else {
            return Err(DatasetError::bad_input(
                path,
                Some(number),
                format!(
                    "expected 6 fields `query-id Q0 doc-id rank score tag`, found {}",
                    fields.len()
                ),
            ));
        };
        if rank.parse::<i64>().is_err() {
            return Err(DatasetError::bad_input(
                path,
                Some(number),
                format!("rank `{rank}` is not an integer"),
            ));
        }
        let score: f64 = match score.parse::<f64>() {
            Ok(value) if value.is_finite() => value,
            _ => {
                return Err(DatasetError::bad_input(
                    path,
                    Some(number),
                    format!("score `{score}` is not a finite number"),
                ));
            }
        };
        if !known_queries.contains(*query) {
            return Err(DatasetError::bad_input(
                path,
                Some(number),
                format!("unknown query id `{query}` (not a question of this export)"),
            ));
        }
        if !seen.insert((query.to_string(), doc.to_string())) {
            return Err(DatasetError::bad_input(
                path,
                Some(number),
                format!("document `{doc}` is listed twice for query `{query}`"),
            ));
        }
        ranking
            .entry(query.to_string())
            .or_default()
            .push((doc.to_string(), score));
    }
    if ranking.is_empty() {
        return Err(DatasetError::bad_input(path, None, "holds no results"));
    }
    Ok(ranking)
}

/// Parses a four-column qrels file.
pub fn parse_qrels(path: &Path, text: &str) -> Result<Qrels, DatasetError> {
    let mut qrels: Qrels = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let [query, _iteration, doc, grade] = fields.as_slice() else {
            return Err(DatasetError::bad_input(
                path,
                Some(index + 1),
                "expected 4 fields `query-id 0 doc-id grade`",
            ));
        };
        let Ok(grade) = grade.parse::<i64>() else {
            return Err(DatasetError::bad_input(
                path,
                Some(index + 1),
                format!("grade `{grade}` is not an integer"),
            ));
        };
        qrels
            .entry(query.to_string())
            .or_default()
            .insert(doc.to_string(), grade);
    }
    Ok(qrels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<String> {
        ["q1".to_string()].into_iter().collect()
    }

    #[test]
    fn reads_a_run() {
        let run = parse_run(
            Path::new("r.trec"),
            "q1 Q0 a 1 2.5 t\nq1 Q0 b 2 1 t\n",
            &known(),
        )
        .unwrap_or_default();
        assert_eq!(run["q1"].len(), 2);
    }

    #[test]
    fn faults_name_file_and_line() {
        let cases = [
            ("q1 Q0 a 1 2.5 t\nq1 Q0 b 2\n", "r.trec:2:"),
            ("q1 Q0 a 1 x t\n", "r.trec:1: score"),
            ("q9 Q0 a 1 1 t\n", "r.trec:1: unknown query id `q9`"),
            (
                "q1 Q0 a 1 1 t\nq1 Q0 a 2 1 t\n",
                "r.trec:2: document `a` is listed twice",
            ),
        ];
        for (text, expected) in cases {
            match parse_run(Path::new("r.trec"), text, &known()) {
                Err(error) => assert!(
                    error.to_string().starts_with(expected),
                    "{error} vs {expected}"
                ),
                Ok(_) => panic!("accepted {text:?}"),
            }
        }
    }
}
