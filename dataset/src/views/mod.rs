//! Views of one export: each is a projection of the native bundle into an ecosystem's layout,
//! returned as (relative path, bytes) pairs so that the writer alone touches the disk.

pub mod beir;
pub mod hf;
pub mod native;
pub mod ragas;
pub mod trec;

use serde::Serialize;

use crate::corpus::Corpus;
use crate::error::DatasetError;
use crate::question::{Family, Question};

/// A file of a view: path relative to the export directory, and its bytes.
pub type ViewFile = (String, Vec<u8>);

/// The views `--format` accepts, in their fixed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// Native JSONL bundle (always written: the evaluator reads it).
    Native,
    /// BEIR folder.
    Beir,
    /// TREC qrels.
    Trec,
    /// Hugging Face dataset layout with a card.
    Hf,
    /// RAGAS testset.
    Ragas,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 5] = [
        Format::Native,
        Format::Beir,
        Format::Trec,
        Format::Hf,
        Format::Ragas,
    ];

    /// Folder and `--format` name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
            Format::Beir => "beir",
            Format::Trec => "trec",
            Format::Hf => "hf",
            Format::Ragas => "ragas",
        }
    }

    /// Parses a `--format` name.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name.trim())
    }
}

/// Everything a view needs.
pub struct Bundle<'a> {
    /// The corpus.
    pub corpus: &'a Corpus,
    /// The questions, in export order.
    pub questions: &'a [Question],
    /// Dataset name for cards.
    pub name: String,
    /// Company name for cards.
    pub company: String,
    /// Seed of the run.
    pub seed: u64,
    /// Business days of the run.
    pub days: u32,
}

impl Bundle<'_> {
    /// Questions scored with the main qrels (every family except absence).
    pub fn retrieval_questions(&self) -> impl Iterator<Item = &Question> {
        self.questions
            .iter()
            .filter(|q| q.family != Family::Absence)
    }

    /// Absence questions (their own qrels).
    pub fn absence_questions(&self) -> impl Iterator<Item = &Question> {
        self.questions
            .iter()
            .filter(|q| q.family == Family::Absence)
    }
}

/// One JSON object per line, `\n` after each.
pub(crate) fn jsonl<T: Serialize>(
    rows: impl IntoIterator<Item = T>,
    what: &'static str,
) -> Result<Vec<u8>, DatasetError> {
    let mut out = Vec::new();
    for row in rows {
        serde_json::to_writer(&mut out, &row).map_err(|e| DatasetError::Serialize {
            what,
            message: e.to_string(),
        })?;
        out.push(b'\n');
    }
    Ok(out)
}
