//! What a finished simulation hands to the later stages: the events, the roster and a snapshot.
//!
//! **API boundary**: `generators` and `output` consume [`Outcome`]. The snapshot is part of the
//! output contract (`snapshot.json`), so it is `Serialize`.

use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::scenario::Scenario;

/// Everything a run decided.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The resolved scenario (defaults filled in, `--days`/`--seed` applied).
    pub scenario: Scenario,
    /// The sealed event log, in sequence order.
    pub events: Vec<Event>,
    /// Final state, roster and daily series.
    pub snapshot: Snapshot,
}

/// Everyone who worked at the company during the run, with when they were present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    /// People in scenario order, hires appended in hire order.
    pub people: Vec<RosterEntry>,
}

impl Roster {
    /// Looks a person up by id.
    pub fn get(&self, id: &str) -> Option<&RosterEntry> {
        self.people.iter().find(|p| p.id == id)
    }
}

/// One person of the roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterEntry {
    /// Stable handle.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Job title.
    pub role: String,
    /// Department id.
    pub department: String,
    /// Whether they lead their department.
    pub is_lead: bool,
    /// Writing style (snake case).
    pub style: String,
    /// Quirks from the persona.
    pub quirks: Vec<String>,
    /// Business hours start, "HH:MM".
    pub hours_start: String,
    /// Business hours end, "HH:MM".
    pub hours_end: String,
    /// First business day present (1 for day-1 staff).
    pub joined_day: u32,
    /// Business day of departure (absent from that day on), if they left.
    pub left_day: Option<u32>,
}

/// Final state and daily series (`snapshot.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Business days simulated.
    pub days: u32,
    /// Everyone who worked at the company during the run.
    pub roster: Roster,
    /// Ids of people present at the end.
    pub active: Vec<String>,
    /// Ids of people who left during the run.
    pub departed: Vec<String>,
    /// Ids of people hired during the run.
    pub hired: Vec<String>,
    /// Social graph at the end: undirected weighted edges, sorted.
    pub edges: Vec<Edge>,
    /// The social graph right after each departure.
    pub graph_history: Vec<GraphAt>,
    /// One entry per business day.
    pub daily: Vec<DayState>,
}

/// An undirected weighted edge of the social graph. Between employees `a < b`; a tie with an
/// external contact has the employee's id in `a` and the contact's email address in `b` (ids
/// of people never contain `@`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Smaller id of the pair, or the employee of a tie with a contact.
    pub a: String,
    /// Larger id of the pair, or the contact's email address.
    pub b: String,
    /// Tie strength.
    pub weight: f64,
}

/// The social graph at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphAt {
    /// Business day.
    pub day: u32,
    /// What the moment is, e.g. "departure of dmitri".
    pub label: String,
    /// Undirected weighted edges, sorted.
    pub edges: Vec<Edge>,
}

/// One person's state at the end of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonDay {
    /// Person id.
    pub person: String,
    /// Stress in [0, 100].
    pub stress: f64,
    /// Normalized betweenness centrality.
    pub centrality: f64,
    /// Burnt out at the end of the day.
    pub burnt_out: bool,
}

/// One system's state at the end of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemDay {
    /// System id.
    pub system: String,
    /// Health in [0, 1].
    pub health: f64,
    /// Documentation coverage in [0, 1].
    pub coverage: f64,
    /// Nobody present knows it.
    pub orphaned: bool,
}

/// State recorded at the end of one business day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayState {
    /// Business-day index.
    pub day: u32,
    /// Local date, YYYY-MM-DD.
    pub date: String,
    /// Organization morale in [0, 1].
    pub morale: f64,
    /// Mean health of the systems in [0, 1].
    pub health: f64,
    /// Mean stress of people present.
    pub stress_mean: f64,
    /// Incidents open at the end of the day.
    pub incidents_open: u32,
    /// Who was on call.
    pub on_call: Option<String>,
    /// Key players (top betweenness), by id.
    pub key_players: Vec<String>,
    /// Customer sentiment in [0, 1], by customer id.
    pub customers: Vec<(String, f64)>,
    /// Per person present: stress, centrality, burnout.
    pub people: Vec<PersonDay>,
    /// Per system: health, coverage, orphaned.
    pub systems: Vec<SystemDay>,
    /// Tickets not done at end of day.
    pub tickets_open: u32,
    /// Pull requests open at end of day.
    pub prs_open: u32,
}
