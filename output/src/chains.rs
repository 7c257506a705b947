//! Causal chains (`chains/<id>.json`): per incident and per email chain, the ordered evidence
//! graph built from the event log alone. Nodes are events (by id) and artifacts (by path); edges run from the earlier
//! node to the later one, and their type says how the later node relates to the earlier one.
//!
//! A chain has a `kind` and a `root` event, so other chain kinds (an inbound email and what it
//! set off) reuse the same shape, writer, tables and `verify` check.
//!
//! **API boundary**: [`build_chains`] is a pure function of the events; the writer serializes
//! its result with [`chain_bytes`], and `verify` rebuilds it from `events.jsonl` to compare.

use std::collections::{BTreeMap, BTreeSet};

use orgforge_engine::event::{EmailMessage, EscalationCause, Event, EventKind};
use serde::{Deserialize, Serialize};

/// Directory of the chain files in a run directory.
pub const CHAINS_DIR: &str = "chains";

/// What a chain is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainKind {
    /// An incident, rooted at its `incident_opened` event.
    Incident,
    /// An email chain (`EML-n`), rooted at its first message: the `email_received` that starts
    /// it, or the `email_sent` when it starts with outbound mail (an incident update, an offer).
    Email,
}

impl ChainKind {
    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            ChainKind::Incident => "incident",
            ChainKind::Email => "email",
        }
    }
}

/// Whether a node is an event or an artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// An event of `events.jsonl`; the node id is the event id.
    Event,
    /// A corpus file; the node id is its path.
    Artifact,
}

/// How the later node of an edge relates to the earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeType {
    /// The later event was set off by the earlier one (the alert caused the ticket, the page,
    /// an escalation, the knowledge-gap and recurrence findings).
    Caused,
    /// The later event is a response to the earlier one (stage changes, the resolution,
    /// a hand-off escalation, reviews and ticket progress).
    RespondsTo,
    /// The later event works toward fixing the earlier one (fix PR, merge, deploy).
    Fixes,
    /// The later event documents the earlier one (the postmortem and its page).
    Documents,
    /// The artifact was produced by the event (first event of the chain that lists it).
    Produced,
}

impl EdgeType {
    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            EdgeType::Caused => "caused",
            EdgeType::RespondsTo => "responds_to",
            EdgeType::Fixes => "fixes",
            EdgeType::Documents => "documents",
            EdgeType::Produced => "produced",
        }
    }
}

/// One member of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainNode {
    /// Event id or artifact path.
    pub id: String,
    /// Event or artifact.
    pub node: NodeKind,
    /// Event type (`incident_opened`, ...) or artifact kind (`slack`, `jira`, ...).
    #[serde(rename = "type")]
    pub node_type: String,
    /// RFC 3339 time: the event's timestamp; for an artifact, that of the event producing it.
    pub at: String,
}

/// One edge, from the earlier node to the later one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainEdge {
    /// Id of the earlier node.
    pub from: String,
    /// Id of the later node.
    pub to: String,
    /// How `to` relates to `from`.
    #[serde(rename = "type")]
    pub edge: EdgeType,
}

/// One causal chain (`chains/<id>.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chain {
    /// The chain id: the incident id ("INC-3"), later an email's id. Also the file stem.
    pub id: String,
    /// What the chain is about.
    pub kind: ChainKind,
    /// Event id of the root (`incident_opened` for incidents).
    pub root: String,
    /// What the root names, for readers (incidents: system, severity, ticket).
    pub subject: BTreeMap<String, serde_json::Value>,
    /// Other chains this one refers to (the incident it truly repeats, the one the detector
    /// matched), sorted, without duplicates.
    pub related: Vec<String>,
    /// Members: the root first, then in event order, each artifact after the event producing it.
    pub nodes: Vec<ChainNode>,
    /// Edges in the order they were found (by the later node).
    pub edges: Vec<ChainEdge>,
}

impl Chain {
    /// Path of the chain file relative to the run directory.
    pub fn path(&self) -> String {
        chain_path(&self.id)
    }
}

/// `chains/<id>.json`.
pub fn chain_path(id: &str) -> String {
    format!("{CHAINS_DIR}/{id}.json")
}

/// The artifact kind of a corpus path: its top-level directory.
fn artifact_type(path: &str) -> String {
    path.split_once('/')
        .map_or(path, |(kind, _)| kind)
        .to_string()
}

/// Every chain the log implies, sorted by chain id (numeric part of `INC-n` first).
pub fn build_chains(events: &[Event]) -> Vec<Chain> {
    let mut chains: Vec<Chain> = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::IncidentOpened(opened) => Some(incident_chain(events, event, opened)),
            _ => None,
        })
        .collect();
    chains.extend(email_chains(events));
    chains.sort_by_key(|chain| chain_order(&chain.id));
    chains
}

/// The root event of every email chain: its first message (the inbound email that starts it,
/// or the outbound mail that starts it, such as an offer or an incident update).
pub fn email_chain_roots(events: &[Event]) -> BTreeMap<&str, &Event> {
    let mut roots: BTreeMap<&str, &Event> = BTreeMap::new();
    for event in events {
        if let EventKind::EmailReceived(EmailMessage { chain, .. })
        | EventKind::EmailSent(EmailMessage { chain, .. }) = &event.kind
        {
            roots.entry(chain.as_str()).or_insert(event);
        }
    }
    roots
}

/// Every email chain: members are the events carrying the chain id (see [`crate::email`]).
fn email_chains(events: &[Event]) -> Vec<Chain> {
    let roots = email_chain_roots(events);
    let mut members: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
    for event in events {
        if let Some(chain) = crate::email::chain_of(&event.kind)
            && roots.contains_key(chain)
        {
            members.entry(chain).or_default().push(event);
        }
    }
    roots
        .iter()
        .map(|(chain, root)| {
            email_chain(
                chain,
                root,
                members.get(chain).map_or(&[][..], Vec::as_slice),
            )
        })
        .collect()
}

/// What an email event says: kind, subject, sender address, facts, the message it answers.
type MailFields<'e> = (
    orgforge_engine::event::EmailKind,
    &'e str,
    &'e String,
    &'e orgforge_engine::event::EmailFacts,
    Option<&'e str>,
);

/// The fields of an `email_received` or `email_sent` event.
fn mail_fields(event: &Event) -> Option<MailFields<'_>> {
    match &event.kind {
        EventKind::EmailReceived(mail) | EventKind::EmailSent(mail) => Some((
            mail.kind,
            &mail.subject,
            &mail.from.email,
            &mail.facts,
            mail.in_reply_to.as_deref(),
        )),
        _ => None,
    }
}

/// The chain of one email thread: replies respond to the message they answer, the routing,
/// relay and ticket follow from the inbound email, a drop responds to it.
fn email_chain(id: &str, root: &Event, members: &[&Event]) -> Chain {
    use crate::email::message_id;
    let mut builder = Builder {
        nodes: Vec::new(),
        seen: BTreeSet::new(),
        edges: Vec::new(),
    };
    builder.add_event(root);
    let root_id = root.id.as_str();
    let mut messages: BTreeMap<&str, &str> = BTreeMap::new();
    if let Some(message) = message_id(root) {
        messages.insert(message, root_id);
    }
    let mut route: Option<&str> = None;
    let mut relay: Option<&str> = None;
    let mut ticket: Option<&str> = None;
    let mut dropped_at: Option<&'static str> = None;
    let mut related: BTreeSet<String> = BTreeSet::new();
    let mut subject = BTreeMap::new();
    let facts_of = mail_fields;
    if let Some((kind, title, from, facts, _)) = facts_of(root) {
        let text = |value: Option<&String>| {
            value.map_or(serde_json::Value::Null, |v| {
                serde_json::Value::from(v.as_str())
            })
        };
        subject.insert(
            "message_id".to_string(),
            serde_json::Value::from(message_id(root).unwrap_or("")),
        );
        subject.insert(
            "kind".to_string(),
            serde_json::to_value(kind).unwrap_or(serde_json::Value::Null),
        );
        subject.insert("subject".to_string(), serde_json::Value::from(title));
        subject.insert("from".to_string(), serde_json::Value::from(from.as_str()));
        subject.insert("party".to_string(), text(facts.party.as_ref()));
        subject.insert("org".to_string(), text(facts.org.as_ref()));
        subject.insert("incident".to_string(), text(facts.incident.as_ref()));
        subject.insert(
            "inbound".to_string(),
            serde_json::Value::from(matches!(root.kind, EventKind::EmailReceived(_))),
        );
    }
    for event in members {
        if event.id == root.id {
            continue;
        }
        let (parent, edge) = match &event.kind {
            EventKind::EmailReceived(_) | EventKind::EmailSent(_) => {
                let parent = facts_of(event)
                    .and_then(|(_, _, _, _, in_reply_to)| in_reply_to)
                    .and_then(|parent| messages.get(parent).copied());
                match parent {
                    Some(parent) => (parent, EdgeType::RespondsTo),
                    None => (root_id, EdgeType::Caused),
                }
            }
            EventKind::Escalation(_) => {
                route = Some(event.id.as_str());
                (root_id, EdgeType::Caused)
            }
            EventKind::EmailRelayed(_) => {
                relay = Some(event.id.as_str());
                (route.unwrap_or(root_id), EdgeType::Caused)
            }
            EventKind::TicketCreated(created) => {
                ticket.get_or_insert(created.key.as_str());
                (relay.or(route).unwrap_or(root_id), EdgeType::Caused)
            }
            EventKind::EmailDropped(dropped) => {
                dropped_at = Some(crate::email::gate_name(dropped.gate));
                (root_id, EdgeType::RespondsTo)
            }
            _ => (root_id, EdgeType::RespondsTo),
        };
        if let Some(message) = message_id(event) {
            messages.insert(message, event.id.as_str());
        }
        if let Some((_, _, _, facts, _)) = facts_of(event) {
            related.extend(facts.incident.iter().cloned());
        }
        builder.edge(parent, &event.id, edge);
        builder.add_event(event);
    }
    if let Some((_, _, _, facts, _)) = facts_of(root) {
        related.extend(facts.incident.iter().cloned());
    }
    subject.insert(
        "ticket".to_string(),
        ticket.map_or(serde_json::Value::Null, serde_json::Value::from),
    );
    subject.insert(
        "dropped_at".to_string(),
        dropped_at.map_or(serde_json::Value::Null, serde_json::Value::from),
    );
    related.remove(id);
    Chain {
        id: id.to_string(),
        kind: ChainKind::Email,
        root: root.id.clone(),
        subject,
        related: related.into_iter().collect(),
        nodes: builder.nodes,
        edges: builder.edges,
    }
}

/// Sort key of a chain id: its prefix, then its trailing number, then the id.
fn chain_order(id: &str) -> (String, u64, String) {
    let (prefix, number) = id.rsplit_once('-').unwrap_or((id, ""));
    (
        prefix.to_string(),
        number.parse().unwrap_or(u64::MAX),
        id.to_string(),
    )
}

/// A chain being built: nodes in order, each id once.
struct Builder {
    nodes: Vec<ChainNode>,
    seen: BTreeSet<String>,
    edges: Vec<ChainEdge>,
}

impl Builder {
    fn add_event(&mut self, event: &Event) {
        if self.seen.insert(event.id.clone()) {
            self.nodes.push(ChainNode {
                id: event.id.clone(),
                node: NodeKind::Event,
                node_type: event.kind.type_name().to_string(),
                at: event.timestamp.to_rfc3339(),
            });
        }
        for path in &event.artifacts {
            if self.seen.insert(path.clone()) {
                self.nodes.push(ChainNode {
                    id: path.clone(),
                    node: NodeKind::Artifact,
                    node_type: artifact_type(path),
                    at: event.timestamp.to_rfc3339(),
                });
                self.edges.push(ChainEdge {
                    from: event.id.clone(),
                    to: path.clone(),
                    edge: EdgeType::Produced,
                });
            }
        }
    }

    fn edge(&mut self, from: &str, to: &str, edge: EdgeType) {
        self.edges.push(ChainEdge {
            from: from.to_string(),
            to: to.to_string(),
            edge,
        });
    }
}

/// The chain of one incident: see the module doc and `docs/FORMATS.md` for which events belong.
fn incident_chain(
    events: &[Event],
    root: &Event,
    opened: &orgforge_engine::event::IncidentOpened,
) -> Chain {
    let incident = opened.incident.as_str();
    // The incident ticket: the one filed for this incident.
    let ticket = events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::TicketCreated(created) if created.incident.as_deref() == Some(incident) => {
                Some(created.key.as_str())
            }
            _ => None,
        })
        .unwrap_or("");
    // The fix pull requests: opened for the incident ticket, deployed or named by the resolution.
    let mut prs: BTreeSet<u32> = BTreeSet::new();
    let mut postmortem_pages: BTreeSet<(String, u32)> = BTreeSet::new();
    let mut related: BTreeSet<String> = opened.recurrence_of.iter().cloned().collect();
    for event in events {
        match &event.kind {
            EventKind::PrOpened(pr) if pr.ticket == ticket => {
                prs.insert(pr.number);
            }
            EventKind::Deploy(deploy) if deploy.incident.as_deref() == Some(incident) => {
                prs.insert(deploy.pr);
            }
            EventKind::IncidentResolved(resolved) if resolved.incident == incident => {
                prs.extend(resolved.pr);
            }
            EventKind::PostmortemPublished(postmortem) if postmortem.incident == incident => {
                postmortem_pages.insert((postmortem.page.space.clone(), postmortem.page.id));
            }
            EventKind::RecurrenceDetected(detected) if detected.incident == incident => {
                related.extend(detected.matched.iter().cloned());
                related.extend(detected.truth.iter().cloned());
            }
            _ => {}
        }
    }
    related.remove(incident);

    let mut builder = Builder {
        nodes: Vec::new(),
        seen: BTreeSet::new(),
        edges: Vec::new(),
    };
    builder.add_event(root);
    let root_id = root.id.as_str();
    let mut ticket_created: Option<&str> = None;
    let mut pr_opened: BTreeMap<u32, &str> = BTreeMap::new();
    let mut pr_merged: BTreeMap<u32, &str> = BTreeMap::new();
    let mut postmortem_event: Option<&str> = None;
    let mut deploys: BTreeMap<u32, &str> = BTreeMap::new();
    for event in events {
        if event.id == root.id {
            continue;
        }
        let ticket_parent = ticket_created.unwrap_or(root_id);
        let link: Option<(&str, EdgeType)> = match &event.kind {
            EventKind::IncidentStageChanged(change) if change.incident == incident => {
                Some((root_id, EdgeType::RespondsTo))
            }
            EventKind::IncidentResolved(resolved) if resolved.incident == incident => {
                Some((root_id, EdgeType::RespondsTo))
            }
            EventKind::RecurrenceDetected(detected) if detected.incident == incident => {
                Some((root_id, EdgeType::Caused))
            }
            EventKind::KnowledgeGapDetected(gap) if gap.incident == incident => {
                Some((root_id, EdgeType::Caused))
            }
            EventKind::Escalation(escalation)
                if escalation.incident.as_deref() == Some(incident) =>
            {
                let edge = match escalation.cause {
                    EscalationCause::Incident => EdgeType::Caused,
                    EscalationCause::Handoff | EscalationCause::Email => EdgeType::RespondsTo,
                };
                Some((root_id, edge))
            }
            EventKind::TicketCreated(created) if created.key == ticket => {
                ticket_created = Some(event.id.as_str());
                Some((root_id, EdgeType::Caused))
            }
            EventKind::TicketProgressed(progress) if progress.key == ticket => {
                Some((ticket_parent, EdgeType::RespondsTo))
            }
            EventKind::TicketCompleted(done) if done.key == ticket => {
                Some((ticket_parent, EdgeType::RespondsTo))
            }
            EventKind::PrOpened(pr) if prs.contains(&pr.number) => {
                pr_opened.insert(pr.number, event.id.as_str());
                Some((ticket_parent, EdgeType::Fixes))
            }
            EventKind::PrReviewed(review) if prs.contains(&review.number) => Some((
                pr_opened
                    .get(&review.number)
                    .copied()
                    .unwrap_or(ticket_parent),
                EdgeType::RespondsTo,
            )),
            EventKind::PrMerged(merged) if prs.contains(&merged.number) => {
                pr_merged.insert(merged.number, event.id.as_str());
                Some((
                    pr_opened
                        .get(&merged.number)
                        .copied()
                        .unwrap_or(ticket_parent),
                    EdgeType::Fixes,
                ))
            }
            EventKind::Deploy(deploy)
                if deploy.incident.as_deref() == Some(incident)
                    || (deploy.incident.is_none() && prs.contains(&deploy.pr)) =>
            {
                deploys.insert(deploy.pr, event.id.as_str());
                let parent = pr_merged
                    .get(&deploy.pr)
                    .or_else(|| pr_opened.get(&deploy.pr))
                    .copied()
                    .unwrap_or(ticket_parent);
                Some((parent, EdgeType::Fixes))
            }
            EventKind::PostmortemPublished(postmortem) if postmortem.incident == incident => {
                postmortem_event = Some(event.id.as_str());
                Some((root_id, EdgeType::Documents))
            }
            EventKind::PagePublished(page)
                if postmortem_pages.contains(&(page.page.space.clone(), page.page.id)) =>
            {
                Some((postmortem_event.unwrap_or(root_id), EdgeType::Documents))
            }
            _ => None,
        };
        let Some((parent, edge)) = link else {
            continue;
        };
        builder.edge(parent, &event.id, edge);
        builder.add_event(event);
        // The fix's deploy also caused the resolution.
        if let EventKind::IncidentResolved(resolved) = &event.kind
            && let Some(deploy) = resolved.pr.and_then(|pr| deploys.get(&pr).copied())
        {
            builder.edge(deploy, &event.id, EdgeType::Caused);
        }
    }

    let mut subject = BTreeMap::new();
    subject.insert("incident".to_string(), serde_json::Value::from(incident));
    subject.insert(
        "system".to_string(),
        serde_json::Value::from(opened.system.as_str()),
    );
    subject.insert(
        "severity".to_string(),
        serde_json::to_value(opened.severity).unwrap_or(serde_json::Value::Null),
    );
    subject.insert(
        "ticket".to_string(),
        if ticket.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::Value::from(ticket)
        },
    );
    subject.insert(
        "title".to_string(),
        serde_json::Value::from(opened.title.as_str()),
    );
    Chain {
        id: incident.to_string(),
        kind: ChainKind::Incident,
        root: root.id.clone(),
        subject,
        related: related.into_iter().collect(),
        nodes: builder.nodes,
        edges: builder.edges,
    }
}

/// The bytes of a chain file: pretty JSON (2-space indent) and a trailing newline.
pub fn chain_bytes(chain: &Chain) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(chain)?;
    bytes.push(b'\n');
    Ok(bytes)
}
