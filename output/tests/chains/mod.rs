//! Causal chains: an incident added to the fixture's log gets `chains/INC-1.json`, listed in the
//! manifest and the database, and `verify`'s `chains` check catches each kind of tampering.

use std::path::{Path, PathBuf};

use chrono::DateTime;
use orgforge_engine::artifact::ArtifactRef;
use orgforge_engine::event::{
    DaySummary, Deploy, Draft, Event, EventKind, IncidentOpened, IncidentResolved,
    RecurrenceDetected, Thread,
};
use orgforge_engine::log::EventLog;
use orgforge_engine::outcome::Outcome;
use orgforge_engine::scenario::Severity;
use orgforge_output::chains::{Chain, EdgeType, NodeKind, build_chains};
use orgforge_output::write_run;
use serde_json::Value;

use crate::fixture::{self, read, reseal, write};
use crate::{Dir, assert_failed, options, verified};

/// The path an event lists, back as the engine's reference.
fn artifact_ref(path: &str) -> ArtifactRef {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["slack", channel, file] => ArtifactRef::SlackDay {
            channel: channel.to_string(),
            date: file
                .trim_end_matches(".json")
                .parse()
                .unwrap_or_else(|error| panic!("{path}: {error}")),
        },
        ["jira", file] => ArtifactRef::Jira {
            key: file.trim_end_matches(".json").to_string(),
        },
        ["confluence", space, file] => ArtifactRef::Page {
            space: space.to_string(),
            id: file.trim_end_matches(".md").parse().unwrap_or_default(),
        },
        ["git", "prs", file] => ArtifactRef::PullRequest {
            number: file.trim_end_matches(".json").parse().unwrap_or_default(),
        },
        _ => panic!("unknown artifact path {path}"),
    }
}

fn draft_of(event: &Event) -> Draft {
    Draft {
        kind: event.kind.clone(),
        timestamp: event.timestamp,
        actors: event.actors.clone(),
        artifacts: event.artifacts.iter().map(|p| artifact_ref(p)).collect(),
        after_hours: event.after_hours,
        summary: event.summary.clone(),
    }
}

fn incident_draft(kind: EventKind, time: &str) -> Draft {
    Draft {
        summary: format!("{} at {time}", kind.type_name()),
        kind,
        timestamp: DateTime::parse_from_rfc3339(time).unwrap_or_else(|error| panic!("{error}")),
        actors: vec!["ana".to_string()],
        artifacts: Vec::new(),
        after_hours: false,
    }
}

/// The fixture's log with INC-1 opened before PLAT-1 is filed (PLAT-1 becomes its ticket), the
/// detector's verdict, a deploy of PR 1 and the resolution. Incident events list no artifacts,
/// so the fixture's hand-made corpus stays complete.
fn incident_events() -> Vec<Event> {
    let empty = |channel: &str| Thread {
        channel: channel.to_string(),
        messages: Vec::new(),
    };
    let mut days: Vec<(u32, chrono::NaiveDate, Vec<Draft>)> = Vec::new();
    for event in fixture::events() {
        if days.last().is_none_or(|(day, _, _)| *day != event.day) {
            days.push((event.day, event.date, Vec::new()));
        }
        let mut draft = draft_of(&event);
        if let EventKind::TicketCreated(ticket) = &mut draft.kind {
            ticket.incident = Some("INC-1".to_string());
        }
        if let Some((_, _, drafts)) = days.last_mut() {
            drafts.push(draft);
        }
    }
    let opened = incident_draft(
        EventKind::IncidentOpened(IncidentOpened {
            incident: "INC-1".to_string(),
            system: "api".to_string(),
            failure_mode: "memory_leak".to_string(),
            severity: Severity::P3,
            recurrence_of: None,
            title: "API memory above 90%".to_string(),
            alert: "RSS grew for 2 hours".to_string(),
            signature: "OOMKilled api-7".to_string(),
            on_call: Some("ben".to_string()),
            commander: "ana".to_string(),
            responders: vec!["ana".to_string(), "ben".to_string()],
            after_hours: false,
            thread: empty("platform"),
        }),
        "2026-03-02T09:00:00-06:00",
    );
    let detected = incident_draft(
        EventKind::RecurrenceDetected(RecurrenceDetected {
            incident: "INC-1".to_string(),
            matched: None,
            truth: None,
            correct: true,
            outcome: "true_negative".to_string(),
            fused_score: 0.0,
            bm25_only: None,
            structural_only: None,
            candidates: Vec::new(),
        }),
        "2026-03-02T09:00:01-06:00",
    );
    let deploy = incident_draft(
        EventKind::Deploy(Deploy {
            incident: Some("INC-1".to_string()),
            system: "api".to_string(),
            pr: 1,
            commit: "ab".repeat(20),
            by: "ana".to_string(),
        }),
        "2026-03-03T11:40:00-06:00",
    );
    let resolved = incident_draft(
        EventKind::IncidentResolved(IncidentResolved {
            incident: "INC-1".to_string(),
            system: "api".to_string(),
            severity: Severity::P3,
            resolved_by: "ana".to_string(),
            duration_minutes: 1800,
            pr: Some(1),
            root_cause: "a memory leak in the retry client".to_string(),
            thread: empty("platform"),
        }),
        "2026-03-03T12:00:00-06:00",
    );
    for (index, extra) in [(0, vec![opened, detected]), (1, vec![deploy, resolved])] {
        if let Some((_, _, drafts)) = days.get_mut(index) {
            drafts.extend(extra);
            drafts.sort_by_key(|draft| draft.timestamp);
        }
    }
    let mut log = EventLog::new();
    for (day, date, drafts) in days {
        log.seal_day(day, date, drafts);
    }
    log.into_events()
}

fn incident_outcome(sqlite: bool) -> Outcome {
    let mut outcome = fixture::outcome(sqlite);
    outcome.events = incident_events();
    outcome
}

fn incident_run(sqlite: bool) -> (Dir, PathBuf) {
    let dir = Dir::new();
    let out = dir.path("run");
    let outcome = incident_outcome(sqlite);
    // The hand-made corpus renders every thread; the incident threads are empty and list no
    // artifact, so render from a copy without them (same event ids, same files).
    let mut without_threads = outcome.clone();
    for event in &mut without_threads.events {
        if event
            .kind
            .thread()
            .is_some_and(|thread| thread.messages.is_empty())
        {
            event.kind = EventKind::DaySummary(DaySummary {
                headcount: 0,
                events: 0,
                tickets_open: 0,
                tickets_done: 0,
                prs_open: 0,
                prs_merged: 0,
            });
        }
    }
    let corpus = fixture::corpus(&without_threads);
    if let Err(error) = write_run(&out, &outcome, &corpus, &options(false)) {
        panic!("write_run failed: {error}");
    }
    (dir, out)
}

fn chain_file(out: &Path) -> PathBuf {
    out.join("chains/INC-1.json")
}

fn read_chain(out: &Path) -> Chain {
    serde_json::from_str(&read(&chain_file(out))).unwrap_or_else(|error| panic!("{error}"))
}

fn write_chain(out: &Path, chain: &Chain) {
    let text = serde_json::to_string_pretty(chain).unwrap_or_default();
    write(&chain_file(out), &format!("{text}\n"));
    reseal(out);
}

fn node_of_type<'c>(chain: &'c Chain, node_type: &str) -> &'c str {
    chain
        .nodes
        .iter()
        .find(|node| node.node_type == node_type)
        .map_or_else(|| panic!("no {node_type} node"), |node| node.id.as_str())
}

#[test]
fn an_incident_gets_a_chain_from_alert_to_fix() {
    let (_dir, out) = incident_run(false);
    let report = verified(&out);
    assert_failed(&report, &[]);
    let chain = read_chain(&out);
    assert_eq!(chain.id, "INC-1");
    assert_eq!(chain.nodes[0].node_type, "incident_opened");
    assert_eq!(chain.root, chain.nodes[0].id);
    let types: Vec<&str> = chain.nodes.iter().map(|n| n.node_type.as_str()).collect();
    for expected in [
        "recurrence_detected",
        "ticket_created",
        "ticket_progressed",
        "pr_opened",
        "pr_reviewed",
        "pr_merged",
        "deploy",
        "incident_resolved",
        "jira",
        "git",
    ] {
        assert!(types.contains(&expected), "no {expected} in {types:?}");
    }
    let edge = |from: &str, to: &str| {
        chain
            .edges
            .iter()
            .find(|edge| edge.from == from && edge.to == to)
            .map(|edge| edge.edge)
    };
    let root = chain.root.as_str();
    let ticket = node_of_type(&chain, "ticket_created");
    let pr = node_of_type(&chain, "pr_opened");
    let merged = node_of_type(&chain, "pr_merged");
    let deploy = node_of_type(&chain, "deploy");
    let resolved = node_of_type(&chain, "incident_resolved");
    assert_eq!(edge(root, ticket), Some(EdgeType::Caused));
    assert_eq!(edge(ticket, pr), Some(EdgeType::Fixes));
    assert_eq!(edge(pr, merged), Some(EdgeType::Fixes));
    assert_eq!(edge(merged, deploy), Some(EdgeType::Fixes));
    assert_eq!(edge(root, resolved), Some(EdgeType::RespondsTo));
    assert_eq!(edge(deploy, resolved), Some(EdgeType::Caused));
    assert_eq!(edge(ticket, "jira/PLAT-1.json"), Some(EdgeType::Produced));
    assert!(
        chain
            .nodes
            .iter()
            .any(|n| n.node == NodeKind::Artifact && n.id == "git/prs/1.json")
    );
    // The day summaries and the stand-up are not part of the incident.
    assert!(!types.contains(&"day_summary") && !types.contains(&"standup"));

    let manifest: Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap_or_default();
    assert_eq!(manifest["counts"]["chains"], 1);
    assert!(manifest["files"]["chains/INC-1.json"].is_string());
    let recurrence = &report.stats["recurrence"];
    assert_eq!(recurrence["true_negative"], 1);
    assert_eq!(recurrence["true_positive"], 0);
    assert!(recurrence["precision"].is_null() && recurrence["recall"].is_null());
    assert_eq!(report.stats["chains"], 1);
}

#[test]
fn chains_are_byte_identical_and_match_the_builder() {
    let (_first_dir, first) = incident_run(false);
    let (_second_dir, second) = incident_run(false);
    assert_eq!(read(&chain_file(&first)), read(&chain_file(&second)));
    assert_eq!(build_chains(&incident_events()), vec![read_chain(&first)]);
    // The plain fixture has no incident and no chains directory.
    assert!(build_chains(&fixture::events()).is_empty());
}

#[test]
fn the_database_holds_the_chain() {
    let (_dir, out) = incident_run(true);
    assert_failed(&verified(&out), &[]);
    let connection = rusqlite::Connection::open(out.join("orgforge.db"))
        .unwrap_or_else(|error| panic!("{error}"));
    let count = |sql: &str| -> i64 {
        connection
            .query_row(sql, [], |row| row.get(0))
            .unwrap_or(-1)
    };
    let chain = read_chain(&out);
    assert_eq!(
        count("SELECT count(*) FROM chains WHERE kind = 'incident'"),
        1
    );
    assert_eq!(
        count("SELECT count(*) FROM chain_nodes WHERE chain = 'INC-1'"),
        chain.nodes.len() as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM chain_edges WHERE chain = 'INC-1'"),
        chain.edges.len() as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM chain_edges WHERE type = 'fixes'"),
        chain
            .edges
            .iter()
            .filter(|edge| edge.edge == EdgeType::Fixes)
            .count() as i64
    );
}

#[test]
fn an_edge_back_in_time_breaks_chains() {
    let (_dir, out) = incident_run(false);
    let mut chain = read_chain(&out);
    let deploy = node_of_type(&chain, "deploy").to_string();
    let ticket = node_of_type(&chain, "ticket_created").to_string();
    chain.edges.push(orgforge_output::chains::ChainEdge {
        from: deploy,
        to: ticket,
        edge: EdgeType::Caused,
    });
    write_chain(&out, &chain);
    let report = verified(&out);
    assert_failed(&report, &["chains"]);
    let examples = report
        .check("chains")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(examples.contains("points back in time"), "{examples}");
}

#[test]
fn a_missing_member_breaks_chains() {
    let (_dir, out) = incident_run(false);
    let mut chain = read_chain(&out);
    if let Some(node) = chain.nodes.iter_mut().find(|n| n.id == "git/prs/1.json") {
        node.id = "git/prs/99.json".to_string();
    }
    for edge in &mut chain.edges {
        if edge.to == "git/prs/1.json" {
            edge.to = "git/prs/99.json".to_string();
        }
    }
    write_chain(&out, &chain);
    let report = verified(&out);
    assert_failed(&report, &["chains"]);
    let examples = report
        .check("chains")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(
        examples.contains("git/prs/99.json does not exist"),
        "{examples}"
    );
}

#[test]
fn an_unknown_event_breaks_chains() {
    let (_dir, out) = incident_run(false);
    let mut chain = read_chain(&out);
    let last = chain.nodes.len() - 1;
    chain.nodes[last].id = "EVT-999999".to_string();
    chain.nodes[last].node = NodeKind::Event;
    write_chain(&out, &chain);
    let report = verified(&out);
    assert_failed(&report, &["chains"]);
    let examples = report
        .check("chains")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(
        examples.contains("EVT-999999 is not in events.jsonl"),
        "{examples}"
    );
}

#[test]
fn a_dropped_edge_disconnects_the_chain() {
    let (_dir, out) = incident_run(false);
    let mut chain = read_chain(&out);
    let ticket = node_of_type(&chain, "ticket_created").to_string();
    chain.edges.retain(|edge| edge.to != ticket);
    write_chain(&out, &chain);
    let report = verified(&out);
    assert_failed(&report, &["chains"]);
    let examples = report
        .check("chains")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(
        examples.contains("not reachable from the root"),
        "{examples}"
    );
}

#[test]
fn a_wrong_root_breaks_chains() {
    let (_dir, out) = incident_run(false);
    let mut chain = read_chain(&out);
    chain.root = node_of_type(&chain, "ticket_created").to_string();
    write_chain(&out, &chain);
    let report = verified(&out);
    assert_failed(&report, &["chains"]);
    let examples = report
        .check("chains")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(examples.contains("not the incident_opened"), "{examples}");
}

#[test]
fn a_deleted_chain_is_missed() {
    let (_dir, out) = incident_run(false);
    if let Err(error) = std::fs::remove_file(chain_file(&out)) {
        panic!("{error}");
    }
    reseal(&out);
    let report = verified(&out);
    // The manifest still counts one chain; the chains check misses the file.
    assert_failed(&report, &["manifest", "chains"]);
    let examples = report
        .check("chains")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(
        examples.contains("chains/INC-1.json: missing"),
        "{examples}"
    );
}
