//! Retrieval measures with trec_eval's semantics (trec_eval 9.x, as pytrec_eval runs it):
//! - a run's documents are ranked by score descending, ties broken by document id descending
//!   (byte order); the rank column of the run file is ignored;
//! - a document is relevant when its grade is at least 1; unjudged documents are not relevant;
//! - `P_k` divides by k even when fewer documents were retrieved; `recall_k` and `map` divide by
//!   the number of relevant documents (0 when there are none);
//! - `recip_rank` has no cut-off; `recip_rank_cut_k` (not a trec_eval measure) stops at k;
//! - `ndcg_cut_k` uses the grade as a linear gain discounted by log2(rank + 1), as trec_eval 9.0.8
//!   (the version pytrec_eval bundles) does; the ideal ranking orders the judged positive grades
//!   descending, cut at k too;
//! - a mean is over the queries that are both in the qrels and in the run.

use std::collections::BTreeMap;

/// Grades per query: query id -> document id -> grade.
pub type Qrels = BTreeMap<String, BTreeMap<String, i64>>;
/// Retrieved documents per query: query id -> (document id, score), in file order.
pub type Ranking = BTreeMap<String, Vec<(String, f64)>>;

/// Cut-offs reported for precision, recall and nDCG.
pub const CUTOFFS: [usize; 3] = [5, 10, 100];

/// Every measure name, in report order.
pub fn measure_names() -> Vec<String> {
    let mut names = vec![
        "map".to_string(),
        "recip_rank".to_string(),
        "recip_rank_cut_10".to_string(),
    ];
    for k in CUTOFFS {
        names.push(format!("P_{k}"));
    }
    for k in CUTOFFS {
        names.push(format!("recall_{k}"));
    }
    for k in CUTOFFS {
        names.push(format!("ndcg_cut_{k}"));
    }
    names
}

/// Sorts retrieved documents as trec_eval does: score descending, then document id descending.
pub fn trec_order(retrieved: &[(String, f64)]) -> Vec<(String, f64)> {
    let mut ranked = retrieved.to_vec();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| b.0.as_bytes().cmp(a.0.as_bytes()))
    });
    ranked
}

/// Every measure for one query.
pub fn query_measures(
    judged: &BTreeMap<String, i64>,
    retrieved: &[(String, f64)],
) -> BTreeMap<String, f64> {
    let ranked = trec_order(retrieved);
    let grades: Vec<i64> = ranked
        .iter()
        .map(|(doc, _)| judged.get(doc).copied().unwrap_or(-1))
        .collect();
    let relevant_total = judged.values().filter(|&&g| g >= 1).count();
    let mut measures = BTreeMap::new();

    let mut found = 0usize;
    let mut precision_sum = 0.0;
    let mut first_relevant: Option<usize> = None;
    for (index, &grade) in grades.iter().enumerate() {
        if grade >= 1 {
            found += 1;
            precision_sum += found as f64 / (index + 1) as f64;
            first_relevant.get_or_insert(index);
        }
    }
    measures.insert(
        "map".to_string(),
        if relevant_total > 0 {
            precision_sum / relevant_total as f64
        } else {
            0.0
        },
    );
    measures.insert(
        "recip_rank".to_string(),
        first_relevant.map_or(0.0, |i| 1.0 / (i + 1) as f64),
    );
    measures.insert(
        "recip_rank_cut_10".to_string(),
        first_relevant
            .filter(|&i| i < 10)
            .map_or(0.0, |i| 1.0 / (i + 1) as f64),
    );
    for k in CUTOFFS {
        let hits = grades.iter().take(k).filter(|&&g| g >= 1).count();
        measures.insert(format!("P_{k}"), hits as f64 / k as f64);
        measures.insert(
            format!("recall_{k}"),
            if relevant_total > 0 {
                hits as f64 / relevant_total as f64
            } else {
                0.0
            },
        );
    }
    let mut ideal: Vec<i64> = judged.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_by(|a, b| b.cmp(a));
    for k in CUTOFFS {
        let dcg = discounted_gain(grades.iter().copied().take(k));
        let best = discounted_gain(ideal.iter().copied().take(k));
        measures.insert(
            format!("ndcg_cut_{k}"),
            if best > 0.0 { dcg / best } else { 0.0 },
        );
    }
    measures
}

/// trec_eval's DCG: gain = grade (when positive) over log2(rank + 1).
fn discounted_gain(grades: impl Iterator<Item = i64>) -> f64 {
    grades
        .enumerate()
        .filter(|&(_, g)| g > 0)
        .map(|(index, grade)| grade as f64 / ((index + 2) as f64).log2())
        .sum()
}

/// Per-query measures for every query in both the qrels and the run.
pub fn evaluate(qrels: &Qrels, run: &Ranking) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    for (query, judged) in qrels {
        if let Some(retrieved) = run.get(query) {
            out.insert(query.clone(), query_measures(judged, retrieved));
        }
    }
    out
}

/// Mean of each measure over the given per-query results, with `num_q`.
pub fn mean<'a>(
    per_query: impl Iterator<Item = &'a BTreeMap<String, f64>>,
) -> BTreeMap<String, f64> {
    let mut sums: BTreeMap<String, f64> = measure_names().into_iter().map(|m| (m, 0.0)).collect();
    let mut count = 0usize;
    for measures in per_query {
        count += 1;
        for (name, value) in measures {
            *sums.entry(name.clone()).or_default() += value;
        }
    }
    let mut means: BTreeMap<String, f64> = sums
        .into_iter()
        .map(|(name, sum)| (name, if count > 0 { sum / count as f64 } else { 0.0 }))
        .collect();
    means.insert("num_q".to_string(), count as f64);
    means
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
        pairs.iter().map(|(d, g)| (d.to_string(), *g)).collect()
    }

    fn run(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(d, s)| (d.to_string(), *s)).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn ties_break_by_document_id_descending() {
        let ranked = trec_order(&run(&[("a", 1.0), ("c", 1.0), ("b", 2.0)]));
        let ids: Vec<&str> = ranked.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(ids, ["b", "c", "a"]);
    }

    #[test]
    fn hand_computed_binary_case() {
        // Ranked: d3 (rel), d2 (non), d1 (rel); 3 relevant judged (d4 never retrieved).
        let m = query_measures(
            &judged(&[("d1", 1), ("d2", 0), ("d3", 1), ("d4", 1)]),
            &run(&[("d1", 1.0), ("d2", 2.0), ("d3", 3.0)]),
        );
        assert!(close(m["map"], (1.0 + 2.0 / 3.0) / 3.0));
        assert!(close(m["recip_rank"], 1.0));
        assert!(close(m["P_5"], 2.0 / 5.0));
        assert!(close(m["recall_5"], 2.0 / 3.0));
        // DCG = 1/log2(2) + 0 + 1/log2(4); ideal = 1/log2(2) + 1/log2(3) + 1/log2(4).
        let dcg = 1.0 + 0.5;
        let ideal = 1.0 + 1.0 / 3f64.log2() + 0.5;
        assert!(close(m["ndcg_cut_5"], dcg / ideal));
    }

    #[test]
    fn hand_computed_graded_case_with_ties() {
        // Scores tie: order is b (grade 1) before a (grade 2), by id descending.
        let m = query_measures(
            &judged(&[("a", 2), ("b", 1)]),
            &run(&[("a", 1.0), ("b", 1.0)]),
        );
        // DCG = 1 + 2/log2(3); ideal = 2 + 1/log2(3).
        let log3 = 3f64.log2();
        assert!(close(
            m["ndcg_cut_10"],
            (1.0 + 2.0 / log3) / (2.0 + 1.0 / log3)
        ));
        assert!(close(m["recip_rank"], 1.0));
        let m = query_measures(
            &judged(&[("a", 2), ("b", 1), ("c", 2)]),
            &run(&[("x", 5.0), ("y", 4.0), ("b", 3.0)]),
        );
        // DCG = 1/log2(4); ideal = 2 + 2/log2(3) + 1/log2(4).
        assert!(close(m["ndcg_cut_10"], 0.5 / (2.0 + 2.0 / log3 + 0.5)));
        assert!(close(m["recip_rank"], 1.0 / 3.0));
        assert!(close(m["recip_rank_cut_10"], 1.0 / 3.0));
        assert!(close(m["P_10"], 0.1));
    }

    #[test]
    fn no_relevant_documents_scores_zero() {
        let m = query_measures(&judged(&[("a", 0)]), &run(&[("a", 1.0)]));
        assert!(close(m["map"], 0.0));
        assert!(close(m["recall_10"], 0.0));
        assert!(close(m["ndcg_cut_10"], 0.0));
    }

    #[test]
    fn means_cover_queries_in_both_qrels_and_run() {
        let mut qrels = Qrels::new();
        qrels.insert("q1".into(), judged(&[("a", 1)]));
        qrels.insert("q2".into(), judged(&[("b", 1)]));
        let mut ranking = Ranking::new();
        ranking.insert("q1".into(), run(&[("a", 1.0)]));
        ranking.insert("q3".into(), run(&[("a", 1.0)]));
        let per_query = evaluate(&qrels, &ranking);
        let means = mean(per_query.values());
        assert!(close(means["num_q"], 1.0));
        assert!(close(means["map"], 1.0));
    }
}
