//! orgforge-engine: the deterministic simulation of a company.
//!
//! **Architecture invariant:** the engine does no IO, reads no clock, calls no model and iterates
//! no hash map. It turns a [`scenario::Scenario`] and a seed into an [`outcome::Outcome`]: a sealed
//! event log plus the roster and a snapshot.

pub mod artifact;
pub mod calendar;
pub mod centrality;
pub mod clock;
mod collaboration;
mod email;
mod escalation;
pub mod escalation_path;
pub mod event;
pub mod graph;
mod health;
mod incident;
pub mod incident_text;
mod knowledge;
mod lifecycle;
pub mod log;
mod onboarding;
pub mod outcome;
pub mod recurrence;
pub mod rng;
pub mod scenario;
mod sim;
pub mod stress;
mod thread;
mod vocabulary;
mod work;
mod world;

pub use sim::{EngineError, Simulation, SimulationBuilder, simulate};
