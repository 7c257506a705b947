//! Hugging Face view: one JSONL file per configuration under `hf/`, each with one schema
//! (`corpus`, `queries`, `default` = qrels, `absence_qrels`, `questions`, `evidence`), and a
//! dataset card `hf/README.md` whose YAML header declares them. Lists are native JSON lists.

use serde::Serialize;

use super::{Bundle, ViewFile, jsonl};
use crate::error::DatasetError;
use crate::question::{Family, Question};

#[derive(Serialize)]
struct CorpusRow<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    title: &'a str,
    text: &'a str,
    kind: &'a str,
    author: &'a str,
    timestamp: &'a str,
    day: u32,
    access: &'a [String],
}

#[derive(Serialize)]
struct QueryRow<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct QrelRow<'a> {
    #[serde(rename = "query-id")]
    query_id: &'a str,
    #[serde(rename = "corpus-id")]
    corpus_id: &'a str,
    score: u8,
}

#[derive(Serialize)]
struct QuestionRow<'a> {
    id: &'a str,
    family: &'a str,
    subtype: &'a str,
    text: &'a str,
    answer_type: String,
    answer: String,
    /// The typed answer as JSON text: answers differ in shape across families.
    answer_json: String,
    reference: &'a str,
    as_of: &'a str,
    as_of_day: u32,
    actor: Option<&'a str>,
    hops: u32,
    document_kinds: u32,
    evidence_documents: u32,
    time_span_days: u32,
    lexical_overlap: f64,
}

#[derive(Serialize)]
struct EvidenceRow<'a> {
    question_id: &'a str,
    doc_id: &'a str,
    role: &'a str,
    grade: u8,
    hop: Option<u32>,
}

fn qrels<'a>(questions: impl Iterator<Item = &'a Question>) -> Vec<QrelRow<'a>> {
    questions
        .flat_map(|q| {
            q.evidence.iter().map(move |e| QrelRow {
                query_id: &q.id,
                corpus_id: &e.doc_id,
                score: e.grade,
            })
        })
        .collect()
}

fn question_row(q: &Question) -> Result<QuestionRow<'_>, DatasetError> {
    let typed = serde_json::to_value(&q.answer).map_err(|e| DatasetError::Serialize {
        what: "answer",
        message: e.to_string(),
    })?;
    Ok(QuestionRow {
        id: &q.id,
        family: q.family.name(),
        subtype: &q.subtype,
        text: &q.text,
        answer_type: typed
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_string(),
        answer: q.answer.display(),
        answer_json: typed.to_string(),
        reference: &q.reference,
        as_of: &q.as_of,
        as_of_day: q.as_of_day,
        actor: q.actor.as_deref(),
        hops: q.difficulty.hops,
        document_kinds: q.difficulty.document_kinds,
        evidence_documents: q.difficulty.evidence_documents,
        time_span_days: q.difficulty.time_span_days,
        lexical_overlap: q.difficulty.lexical_overlap,
    })
}

/// Configurations: (name, file under `hf/`).
pub const CONFIGS: [(&str, &str); 6] = [
    ("corpus", "corpus/test.jsonl"),
    ("queries", "queries/test.jsonl"),
    ("default", "qrels/test.jsonl"),
    ("absence_qrels", "absence_qrels/test.jsonl"),
    ("questions", "questions/test.jsonl"),
    ("evidence", "evidence/test.jsonl"),
];

/// The Hugging Face files.
pub fn files(bundle: &Bundle) -> Result<Vec<ViewFile>, DatasetError> {
    let corpus = jsonl(
        bundle.corpus.documents.iter().map(|d| CorpusRow {
            id: &d.id,
            title: &d.title,
            text: &d.text,
            kind: d.kind.name(),
            author: &d.author,
            timestamp: &d.timestamp,
            day: d.day,
            access: &d.access,
        }),
        "HF corpus",
    )?;
    let queries = jsonl(
        bundle.questions.iter().map(|q| QueryRow {
            id: &q.id,
            text: &q.text,
        }),
        "HF queries",
    )?;
    let qrels_main = jsonl(qrels(bundle.retrieval_questions()), "HF qrels")?;
    let qrels_absence = jsonl(qrels(bundle.absence_questions()), "HF absence qrels")?;
    let rows: Vec<QuestionRow> = bundle
        .questions
        .iter()
        .map(question_row)
        .collect::<Result<_, _>>()?;
    let questions = jsonl(rows, "HF questions")?;
    let evidence = jsonl(
        bundle.questions.iter().flat_map(|q| {
            q.evidence.iter().map(move |e| EvidenceRow {
                question_id: &q.id,
                doc_id: &e.doc_id,
                role: match e.role {
                    crate::question::Role::AnswerBearing => "answer_bearing",
                    crate::question::Role::ChainStep => "chain_step",
                    crate::question::Role::MustSearch => "must_search",
                },
                grade: e.grade,
                hop: e.hop,
            })
        }),
        "HF evidence",
    )?;
    let contents = [
        corpus,
        queries,
        qrels_main,
        qrels_absence,
        questions,
        evidence,
    ];
    let mut files: Vec<ViewFile> = CONFIGS
        .iter()
        .zip(contents)
        .map(|((_, path), bytes)| (format!("hf/{path}"), bytes))
        .collect();
    files.push(("hf/README.md".to_string(), card(bundle).into_bytes()));
    Ok(files)
}

fn size_category(rows: usize) -> &'static str {
    match rows {
        0..1_000 => "n<1K",
        1_000..10_000 => "1K<n<10K",
        10_000..100_000 => "10K<n<100K",
        _ => "100K<n<1M",
    }
}

fn yaml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The dataset card: YAML header (license, language, tasks, size, configs) and a short body.
fn card(bundle: &Bundle) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("pretty_name: {}\n", yaml_string(&bundle.name)));
    out.push_str("license: mit\nlanguage:\n- en\n");
    out.push_str("task_categories:\n- text-retrieval\n- question-answering\n");
    out.push_str("task_ids:\n- document-retrieval\n");
    out.push_str(&format!(
        "size_categories:\n- {}\n",
        size_category(bundle.corpus.documents.len())
    ));
    out.push_str("tags:\n- rag\n- synthetic\n- enterprise\n- multi-hop\n- temporal\n");
    out.push_str("configs:\n");
    for (name, path) in CONFIGS {
        out.push_str(&format!(
            "- config_name: {name}\n  data_files:\n  - split: test\n    path: {path}\n"
        ));
    }
    out.push_str("---\n\n");
    out.push_str(&format!("# {}\n\n", bundle.name));
    out.push_str(&format!(
        "Retrieval and question-answering evaluation data derived by orgforge from a simulated company \
         ({}, seed {}, {} business days). Every answer is computed from the simulation's event log, \
         which is held out: the corpus holds only the artifacts employees would see.\n\n",
        bundle.company, bundle.seed, bundle.days
    ));
    out.push_str(&format!(
        "- {} documents (Slack threads, JIRA issues, Confluence pages, pull requests), each with an access list.\n",
        bundle.corpus.documents.len()
    ));
    out.push_str(&format!("- {} questions:\n", bundle.questions.len()));
    for family in Family::ALL {
        let count = bundle
            .questions
            .iter()
            .filter(|q| q.family == family)
            .count();
        if count > 0 {
            out.push_str(&format!("  - {}: {count}\n", family.name()));
        }
    }
    out.push_str(
        "\nConfigurations: `corpus` (`_id`, `title`, `text`, `kind`, `author`, `timestamp`, `day`, `access`), \
         `queries` (`_id`, `text`), `default` (qrels: `query-id`, `corpus-id`, `score`; 2 = answer-bearing, \
         1 = chain step), `absence_qrels` (absence questions: 1 = must be searched to prove the absence), \
         `questions` (typed answers in `answer_json`, reference sentence, as-of time, difficulty features) \
         and `evidence` (role and hop of each gold document).\n\n\
         nDCG uses the grade as a linear gain, as trec_eval does. `orgforge eval` scores a TREC run file \
         against these qrels with trec_eval's semantics.\n",
    );
    out
}
