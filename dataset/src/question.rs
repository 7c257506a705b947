//! A question of the dataset: text, typed gold answer, reference sentence, graded evidence,
//! as-of time and difficulty features measured from the data.

use serde::Serialize;

/// Question families (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Who did X, which system: one document answers.
    Lookup,
    /// When did X happen.
    Temporal,
    /// What led to X: a chain of at least two hops through different artifact kinds.
    CausalMultiHop,
    /// Who the escalation chain went through.
    EscalationPath,
    /// Who owned X as of a date.
    Ownership,
    /// Whose departure made X harder.
    KnowledgeGap,
    /// Which earlier incident X repeated.
    Recurrence,
    /// Was X ever done: a proven absence over a judged search space.
    Absence,
    /// Could person A have known X by day D, from what A could see.
    Perspective,
    /// How many X: counts over several documents.
    Aggregation,
}

impl Family {
    /// Every family, in a fixed order.
    pub const ALL: [Family; 10] = [
        Family::Lookup,
        Family::Temporal,
        Family::CausalMultiHop,
        Family::EscalationPath,
        Family::Ownership,
        Family::KnowledgeGap,
        Family::Recurrence,
        Family::Absence,
        Family::Perspective,
        Family::Aggregation,
    ];

    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            Family::Lookup => "lookup",
            Family::Temporal => "temporal",
            Family::CausalMultiHop => "causal_multi_hop",
            Family::EscalationPath => "escalation_path",
            Family::Ownership => "ownership",
            Family::KnowledgeGap => "knowledge_gap",
            Family::Recurrence => "recurrence",
            Family::Absence => "absence",
            Family::Perspective => "perspective",
            Family::Aggregation => "aggregation",
        }
    }
}

/// A typed gold answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    /// One person.
    Person {
        /// Person id.
        id: String,
        /// Display name.
        name: String,
    },
    /// A set of people, sorted by id.
    People {
        /// Person ids.
        ids: Vec<String>,
        /// Display names, in the same order.
        names: Vec<String>,
    },
    /// An ordered chain of people (an escalation path).
    Path {
        /// Person ids, first to last.
        ids: Vec<String>,
        /// Display names, in the same order.
        names: Vec<String>,
    },
    /// A local calendar date.
    Date {
        /// YYYY-MM-DD.
        date: String,
    },
    /// A count or amount.
    Number {
        /// The value.
        value: u64,
    },
    /// Yes or no.
    Boolean {
        /// The value.
        value: bool,
    },
    /// An identifier of something in the corpus (an incident key).
    Identifier {
        /// The id as the corpus writes it.
        value: String,
    },
}

impl Answer {
    /// The answer as one short string (for RAGAS and cards).
    pub fn display(&self) -> String {
        match self {
            Answer::Person { name, .. } => name.clone(),
            Answer::People { names, .. } => names.join(", "),
            Answer::Path { names, .. } => names.join(" -> "),
            Answer::Date { date } => date.clone(),
            Answer::Number { value } => value.to_string(),
            Answer::Boolean { value } => if *value { "yes" } else { "no" }.to_string(),
            Answer::Identifier { value } => value.clone(),
        }
    }

    /// Strings whose presence in the question text would give the answer away.
    pub fn giveaways(&self) -> Vec<String> {
        match self {
            Answer::Person { id, name } => vec![id.clone(), name.clone()],
            Answer::People { ids, names } | Answer::Path { ids, names } => {
                // A path's first person is named by the question (who escalated); the rest must not be.
                ids.iter().chain(names.iter()).cloned().collect()
            }
            Answer::Date { date } => vec![date.clone()],
            Answer::Number { value } => vec![value.to_string()],
            Answer::Boolean { .. } => Vec::new(),
            Answer::Identifier { value } => vec![value.clone()],
        }
    }
}

/// The role of a gold document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// States the answer.
    AnswerBearing,
    /// A hop of the chain that leads to the answer.
    ChainStep,
    /// Part of the search space that must be examined to prove an absence.
    MustSearch,
}

impl Role {
    /// Relevance grade: 2 answer-bearing, 1 chain step or must-search.
    pub fn grade(self) -> u8 {
        match self {
            Role::AnswerBearing => 2,
            Role::ChainStep | Role::MustSearch => 1,
        }
    }
}

/// One gold document of a question.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    /// Corpus document id.
    pub doc_id: String,
    /// What it contributes.
    pub role: Role,
    /// Relevance grade (2 or 1).
    pub grade: u8,
    /// Hop index from 1 along the chain, for chain documents; absent otherwise.
    pub hop: Option<u32>,
}

/// Difficulty features, measured from the data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difficulty {
    /// Hops of the evidence chain (1 for single-document questions).
    pub hops: u32,
    /// Distinct document kinds among the gold documents.
    pub document_kinds: u32,
    /// Gold documents.
    pub evidence_documents: u32,
    /// Business days between the earliest gold document and the as-of day.
    pub time_span_days: u32,
    /// Share of the question's content words found in its answer-bearing documents (0..1, 4 decimals).
    pub lexical_overlap: f64,
    /// Documents the asker could not read among the gold documents (perspective questions).
    pub hidden_from_actor: u32,
}

/// A question with its gold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// Stable id: `<family>.<subtype>.<key>`, the key made of the artifacts' own ids.
    pub id: String,
    /// Family.
    pub family: Family,
    /// Template within the family.
    pub subtype: String,
    /// The question as a user would ask it.
    pub text: String,
    /// Typed gold answer.
    pub answer: Answer,
    /// One sentence that answers it.
    pub reference: String,
    /// The time the question is asked at (RFC 3339): only what existed by then counts.
    pub as_of: String,
    /// Business day of `as_of`.
    pub as_of_day: u32,
    /// The person whose view the question takes (perspective questions).
    pub actor: Option<String>,
    /// Gold documents, answer-bearing first.
    pub evidence: Vec<Evidence>,
    /// Difficulty features.
    pub difficulty: Difficulty,
}
