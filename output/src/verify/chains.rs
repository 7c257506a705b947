//! `chains`: every causal chain file (`chains/<id>.json`) is sound and agrees with the log.
//! Each member exists (events in `events.jsonl` with the same type and time, artifact files on
//! disk), each edge joins two members and points forward in time (source at or before target),
//! the chain is connected and rooted at its root event (an `incident_opened` naming the chain's
//! incident; for an email chain its first message, `email_received` or `email_sent`), every incident and email chain has its file, and each file equals the chain
//! the log implies.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use orgforge_engine::event::EventKind;

use super::{Check, Context, Findings};
use crate::chains::{
    CHAINS_DIR, Chain, ChainKind, NodeKind, build_chains, chain_path, email_chain_roots,
};

/// Runs the check. `chains` are the parsed chain files: (path, parsed chain or parse error).
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("chains");
    let events = run.events_by_id();
    let email_roots: BTreeMap<&str, &str> = email_chain_roots(&run.events)
        .into_iter()
        .map(|(chain, root)| (chain, root.id.as_str()))
        .collect();
    let expected: BTreeMap<String, Chain> = build_chains(&run.events)
        .into_iter()
        .map(|chain| (chain.path(), chain))
        .collect();

    let mut found: BTreeSet<&str> = BTreeSet::new();
    for loaded in &run.chains {
        let path = loaded.path.as_str();
        found.insert(path);
        let chain = &loaded.value;
        if path != chain_path(&chain.id) {
            findings.flag(format!(
                "{path}: id {} does not match the file name",
                chain.id
            ));
        }
        check_root(chain, path, &events, &email_roots, &mut findings);
        let times = check_members(chain, path, run, &events, &mut findings);
        check_edges(chain, path, &times, &mut findings);
        check_connected(chain, path, &mut findings);
        match expected.get(path) {
            Some(implied) if implied != chain => findings.flag(format!(
                "{path}: differs from the chain events.jsonl implies"
            )),
            None => findings.flag(format!(
                "{path}: events.jsonl implies no chain with this id"
            )),
            Some(_) => {}
        }
    }
    for path in expected.keys() {
        if !found.contains(path.as_str()) {
            findings.flag(format!("{path}: missing (the log has this chain)"));
        }
    }
    findings.finish()
}

/// The root exists, is the first node, and is the right kind of event for the chain.
fn check_root(
    chain: &Chain,
    path: &str,
    events: &BTreeMap<&str, &orgforge_engine::event::Event>,
    email_roots: &BTreeMap<&str, &str>,
    findings: &mut Findings,
) {
    if chain.nodes.first().map(|node| node.id.as_str()) != Some(chain.root.as_str()) {
        findings.flag(format!(
            "{path}: the root {} is not the first node",
            chain.root
        ));
    }
    let Some(root) = events.get(chain.root.as_str()) else {
        findings.flag(format!(
            "{path}: root {} is not in events.jsonl",
            chain.root
        ));
        return;
    };
    let fits = match (chain.kind, &root.kind) {
        (ChainKind::Incident, EventKind::IncidentOpened(opened)) => opened.incident == chain.id,
        (ChainKind::Email, EventKind::EmailReceived(_) | EventKind::EmailSent(_)) => {
            email_roots.get(chain.id.as_str()) == Some(&chain.root.as_str())
        }
        _ => false,
    };
    if !fits {
        findings.flag(format!(
            "{path}: root {} is a {}, not the {} that opens {}",
            chain.root,
            root.kind.type_name(),
            match chain.kind {
                ChainKind::Incident => "incident_opened",
                ChainKind::Email => "first email_received or email_sent",
            },
            chain.id
        ));
    }
}

/// Every node exists; returns the time of every node with a parseable time.
fn check_members(
    chain: &Chain,
    path: &str,
    run: &super::run_dir::RunDir,
    events: &BTreeMap<&str, &orgforge_engine::event::Event>,
    findings: &mut Findings,
) -> BTreeMap<String, DateTime<FixedOffset>> {
    let mut times = BTreeMap::new();
    for node in &chain.nodes {
        if times.contains_key(&node.id) {
            findings.flag(format!("{path}: node {} appears twice", node.id));
            continue;
        }
        let Ok(at) = DateTime::parse_from_rfc3339(&node.at) else {
            findings.flag(format!("{path}: node {} has an unparseable time", node.id));
            continue;
        };
        match node.node {
            NodeKind::Event => match events.get(node.id.as_str()) {
                None => findings.flag(format!("{path}: event {} is not in events.jsonl", node.id)),
                Some(event) => {
                    if event.kind.type_name() != node.node_type {
                        findings.flag(format!(
                            "{path}: {} is a {}, not a {}",
                            node.id,
                            event.kind.type_name(),
                            node.node_type
                        ));
                    }
                    if event.timestamp != at {
                        findings.flag(format!(
                            "{path}: {} is at {}, the log says {}",
                            node.id,
                            node.at,
                            event.timestamp.to_rfc3339()
                        ));
                    }
                }
            },
            NodeKind::Artifact => {
                if node.id.starts_with(&format!("{CHAINS_DIR}/"))
                    || !run.files.contains_key(&node.id)
                {
                    findings.flag(format!("{path}: artifact {} does not exist", node.id));
                }
            }
        }
        times.insert(node.id.clone(), at);
    }
    times
}

/// Each edge joins two nodes and points forward in time.
fn check_edges(
    chain: &Chain,
    path: &str,
    times: &BTreeMap<String, DateTime<FixedOffset>>,
    findings: &mut Findings,
) {
    let ids: BTreeSet<&str> = chain.nodes.iter().map(|node| node.id.as_str()).collect();
    for edge in &chain.edges {
        for end in [&edge.from, &edge.to] {
            if !ids.contains(end.as_str()) {
                findings.flag(format!(
                    "{path}: edge {} -> {} names {end}, which is no node",
                    edge.from, edge.to
                ));
            }
        }
        if edge.from == edge.to {
            findings.flag(format!("{path}: edge {} -> itself", edge.from));
        }
        if let (Some(from), Some(to)) = (times.get(&edge.from), times.get(&edge.to))
            && from > to
        {
            findings.flag(format!(
                "{path}: {} edge {} -> {} points back in time",
                edge.edge.name(),
                edge.from,
                edge.to
            ));
        }
    }
}

/// Every node is reachable from the root along the edges, and nothing points at the root.
fn check_connected(chain: &Chain, path: &str, findings: &mut Findings) {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for edge in &chain.edges {
        next.entry(edge.from.as_str())
            .or_default()
            .push(edge.to.as_str());
        if edge.to == chain.root {
            findings.flag(format!(
                "{path}: edge {} -> {} points at the root",
                edge.from, edge.to
            ));
        }
    }
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    let mut stack = vec![chain.root.as_str()];
    while let Some(node) = stack.pop() {
        if reached.insert(node) {
            stack.extend(next.get(node).into_iter().flatten().copied());
        }
    }
    let unreached: Vec<&str> = chain
        .nodes
        .iter()
        .map(|node| node.id.as_str())
        .filter(|id| !reached.contains(id))
        .collect();
    if let Some(first) = unreached.first() {
        findings.flag(format!(
            "{path}: {} node(s) not reachable from the root {}, e.g. {first}",
            unreached.len(),
            chain.root
        ));
    }
}
