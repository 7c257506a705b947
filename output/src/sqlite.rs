//! `orgforge.db`: the run in relational form (DDL in `schema/orgforge.sql`).

use std::collections::BTreeSet;
use std::path::Path;

use orgforge_engine::outcome::Outcome;
use rusqlite::{Connection, params};

use crate::chains::Chain;
use crate::corpus::RenderedFile;
use crate::error::OutputError;

/// File name of the database.
pub(crate) const DATABASE_FILE: &str = "orgforge.db";

/// The DDL, kept in one file so readers of the schema find it without reading Rust.
const SCHEMA_SQL: &str = include_str!("../../schema/orgforge.sql");

/// Schema version stored in `PRAGMA user_version`; bump when the DDL changes.
const SCHEMA_VERSION: u32 = 2;

/// Writes `orgforge.db` at `path` in one transaction. `files` are the corpus files with their
/// sha256, sorted by path. Byte-identical for identical input: no journal file, fixed page size,
/// no timestamps, rows inserted in a fixed order.
pub(crate) fn write_database(
    path: &Path,
    outcome: &Outcome,
    files: &[(&RenderedFile, String)],
    chains: &[Chain],
) -> Result<(), OutputError> {
    let mut connection = Connection::open(path)?;
    connection.execute_batch(&format!(
        "PRAGMA page_size = 4096; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; \
         PRAGMA user_version = {SCHEMA_VERSION};"
    ))?;
    let transaction = connection.transaction()?;
    transaction.execute_batch(SCHEMA_SQL)?;
    insert_events(&transaction, outcome)?;
    insert_artifacts(&transaction, files)?;
    insert_people(&transaction, outcome)?;
    insert_graph_and_daily(&transaction, outcome)?;
    insert_chains(&transaction, chains)?;
    transaction.commit()?;
    connection.close().map_err(|(_, error)| error)?;
    Ok(())
}

fn insert_events(
    transaction: &rusqlite::Transaction<'_>,
    outcome: &Outcome,
) -> Result<(), OutputError> {
    let mut statement = transaction.prepare(
        "INSERT INTO events (id, seq, type, day, date, timestamp, actors, facts, after_hours, \
         summary, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for event in &outcome.events {
        let kind = serde_json::to_value(&event.kind).map_err(|error| OutputError::Serialize {
            what: "event facts",
            message: error.to_string(),
        })?;
        let facts = kind
            .get("facts")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        let actors = serde_json::Value::from(event.actors.clone());
        statement.execute(params![
            event.id,
            event.seq as i64,
            event.kind.type_name(),
            event.day,
            event.date.to_string(),
            event.timestamp.to_rfc3339(),
            actors.to_string(),
            facts.to_string(),
            event.after_hours,
            event.summary,
            event.prev_hash,
            event.hash,
        ])?;
    }
    Ok(())
}

fn insert_artifacts(
    transaction: &rusqlite::Transaction<'_>,
    files: &[(&RenderedFile, String)],
) -> Result<(), OutputError> {
    let mut artifact =
        transaction.prepare("INSERT INTO artifacts (path, kind, sha256) VALUES (?1, ?2, ?3)")?;
    let mut link =
        transaction.prepare("INSERT INTO artifact_events (path, event_id) VALUES (?1, ?2)")?;
    for (file, sha256) in files {
        artifact.execute(params![
            file.path,
            file.kind.map(|kind| kind.name()),
            sha256
        ])?;
        let event_ids: BTreeSet<&str> = file.events.iter().map(String::as_str).collect();
        for event_id in event_ids {
            link.execute(params![file.path, event_id])?;
        }
    }
    Ok(())
}

fn insert_chains(
    transaction: &rusqlite::Transaction<'_>,
    chains: &[Chain],
) -> Result<(), OutputError> {
    let mut chain = transaction.prepare(
        "INSERT INTO chains (id, kind, root, path, subject, related) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut node = transaction.prepare(
        "INSERT INTO chain_nodes (chain, position, node, node_kind, type, at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut edge = transaction.prepare(
        "INSERT INTO chain_edges (chain, position, source, target, type) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for c in chains {
        let subject = serde_json::Value::from(
            c.subject
                .iter()
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect::<serde_json::Map<_, _>>(),
        );
        chain.execute(params![
            c.id,
            c.kind.name(),
            c.root,
            c.path(),
            subject.to_string(),
            serde_json::Value::from(c.related.clone()).to_string(),
        ])?;
        for (position, n) in c.nodes.iter().enumerate() {
            let kind = match n.node {
                crate::chains::NodeKind::Event => "event",
                crate::chains::NodeKind::Artifact => "artifact",
            };
            node.execute(params![
                c.id,
                position as i64,
                n.id,
                kind,
                n.node_type,
                n.at
            ])?;
        }
        for (position, e) in c.edges.iter().enumerate() {
            edge.execute(params![c.id, position as i64, e.from, e.to, e.edge.name()])?;
        }
    }
    Ok(())
}

fn insert_people(
    transaction: &rusqlite::Transaction<'_>,
    outcome: &Outcome,
) -> Result<(), OutputError> {
    let mut statement = transaction.prepare(
        "INSERT INTO people (id, name, email, role, department, is_lead, style, quirks, \
         hours_start, hours_end, joined_day, left_day) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for person in &outcome.snapshot.roster.people {
        let quirks = serde_json::Value::from(person.quirks.clone());
        statement.execute(params![
            person.id,
            person.name,
            person.email,
            person.role,
            person.department,
            person.is_lead,
            person.style,
            quirks.to_string(),
            person.hours_start,
            person.hours_end,
            person.joined_day,
            person.left_day,
        ])?;
    }
    Ok(())
}

fn insert_graph_and_daily(
    transaction: &rusqlite::Transaction<'_>,
    outcome: &Outcome,
) -> Result<(), OutputError> {
    let snapshot = &outcome.snapshot;
    let mut edge = transaction.prepare("INSERT INTO edges (a, b, weight) VALUES (?1, ?2, ?3)")?;
    for e in &snapshot.edges {
        edge.execute(params![e.a, e.b, e.weight])?;
    }
    let mut history = transaction.prepare(
        "INSERT INTO graph_history (day, label, a, b, weight) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for moment in &snapshot.graph_history {
        for e in &moment.edges {
            history.execute(params![moment.day, moment.label, e.a, e.b, e.weight])?;
        }
    }
    let mut daily = transaction.prepare(
        "INSERT INTO daily (day, date, morale, health, stress_mean, incidents_open, on_call, \
         tickets_open, prs_open) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut people = transaction.prepare(
        "INSERT INTO daily_people (day, person, stress, centrality, burnt_out, key_player) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut systems = transaction.prepare(
        "INSERT INTO daily_systems (day, system, health, coverage, orphaned) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for state in &snapshot.daily {
        daily.execute(params![
            state.day,
            state.date,
            state.morale,
            state.health,
            state.stress_mean,
            state.incidents_open,
            state.on_call,
            state.tickets_open,
            state.prs_open,
        ])?;
        for person in &state.people {
            let key = state.key_players.contains(&person.person);
            people.execute(params![
                state.day,
                person.person,
                person.stress,
                person.centrality,
                person.burnt_out,
                key,
            ])?;
        }
        for system in &state.systems {
            systems.execute(params![
                state.day,
                system.system,
                system.health,
                system.coverage,
                system.orphaned,
            ])?;
        }
    }
    Ok(())
}
