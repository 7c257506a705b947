//! `email`: every `.eml` under `email/` is a readable RFC 5322 message that says what its event
//! says, threads correctly, and every email chain keeps its gates in order and stays silent after
//! a drop.
//!
//! - **Parses**: `Message-ID`, `Date` (RFC 5322, with an offset), `From`, `To`, `Subject` and
//!   `MIME-Version` are present, and the body decodes to UTF-8 text.
//! - **Agrees with its event** (the `email_received`/`email_sent` listing the file): Message-ID,
//!   Date (same instant and offset), From, To, Cc, Subject, In-Reply-To, References, mailbox
//!   directory and `X-OrgForge-Chain`.
//! - **Threading**: each In-Reply-To and References id names a message of the run that is
//!   earlier and in the same chain; In-Reply-To is the last of References; a reply's subject
//!   starts with "Re: ". Message-IDs are unique.
//! - **Chain order**: in each chain every gate's event comes after the first inbound email, and
//!   the first event of each gate comes in gate order (acknowledge, route, relay, ticket, reply, follow-up) by time.
//! - **Drops**: an `email_dropped` names an inbound email of its chain; nothing acts on the chain
//!   after the drop (no later mail sent, relay, ticket or escalation), no gate at or past the
//!   dropped one is ever passed, and a chain drops at most once.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use mail_parser::{Address, HeaderValue, MessageParser};
use orgforge_engine::event::{Event, EventKind, Gate};

use super::run_dir::RunDir;
use super::{Check, Context, Findings};
use crate::email::{GATES, chain_of, gate_name, gate_of, is_action};
use crate::verify::run_dir::Loaded;

/// What a mail client reads from one `.eml` file.
#[derive(Debug, Clone, Default)]
pub(crate) struct EmailFile {
    /// The mailbox directory (`email/<mailbox>/...`).
    pub mailbox: String,
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub date: Option<DateTime<FixedOffset>>,
    /// Addresses of `From`, `To` and `Cc`, as written.
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: Option<String>,
    /// `X-OrgForge-Chain`.
    pub chain: Option<String>,
    /// `X-OrgForge-Event`: the event ids the file was rendered from.
    pub events: Vec<String>,
    /// Headers missing or unreadable, a body that is not UTF-8.
    pub problems: Vec<String>,
}

/// Ids of a Message-ID list header, without angle brackets.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(text) => vec![text.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|id| id.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Addresses of an address header.
fn addresses(value: Option<&Address<'_>>) -> Vec<String> {
    value
        .map(|address| {
            address
                .iter()
                .filter_map(|addr| addr.address().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Reads an `.eml` file with `mail-parser`. `Err` when it is no message at all.
pub(crate) fn parse_eml(mailbox: &str, bytes: &[u8]) -> Result<EmailFile, String> {
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| "not an RFC 5322 message".to_string())?;
    let mut file = EmailFile {
        mailbox: mailbox.to_string(),
        message_id: message.message_id().map(str::to_string),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        from: addresses(message.from()),
        to: addresses(message.to()),
        cc: addresses(message.cc()),
        subject: message.subject().map(str::to_string),
        chain: message
            .header("X-OrgForge-Chain")
            .and_then(HeaderValue::as_text)
            .map(|text| text.trim().to_string()),
        events: message
            .header("X-OrgForge-Event")
            .and_then(HeaderValue::as_text)
            .map(|text| {
                text.split(',')
                    .map(|id| id.trim().to_string())
                    .filter(|id| !id.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        ..EmailFile::default()
    };
    match message.header_raw("Date") {
        Some(raw) => match DateTime::parse_from_rfc2822(raw.trim()) {
            Ok(date) => file.date = Some(date),
            Err(error) => file
                .problems
                .push(format!("Date `{}` does not parse: {error}", raw.trim())),
        },
        None => file.problems.push("no Date".to_string()),
    }
    for (name, present) in [
        ("Message-ID", file.message_id.is_some()),
        ("From", !file.from.is_empty()),
        ("To", !file.to.is_empty()),
        ("Subject", file.subject.is_some()),
        ("MIME-Version", !message.mime_version().is_empty()),
        ("X-OrgForge-Event", !file.events.is_empty()),
    ] {
        if !present {
            file.problems.push(format!("no {name}"));
        }
    }
    let root = message.root_part();
    if !root.is_text() || std::str::from_utf8(root.contents()).is_err() {
        file.problems.push("the body is not UTF-8 text".to_string());
    } else if root.contents().is_empty() {
        file.problems.push("the body is empty".to_string());
    }
    Ok(file)
}

/// A message known to the run: from its file, else from its event.
struct Known<'r> {
    at: DateTime<FixedOffset>,
    seq: u64,
    chain: &'r str,
}

/// Runs the check.
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("email");
    let by_path = listing_events(run);

    // Every message id the log knows, with time, sequence and chain.
    let mut known: BTreeMap<&str, Known<'_>> = BTreeMap::new();
    for event in &run.events {
        let Some(id) = crate::email::message_id(event) else {
            continue;
        };
        let chain = chain_of(&event.kind).unwrap_or("");
        if known
            .insert(
                id,
                Known {
                    at: event.timestamp,
                    seq: event.seq,
                    chain,
                },
            )
            .is_some()
        {
            findings.flag(format!("{}: Message-ID {id} is used twice", event.id));
        }
    }

    for loaded in &run.emails {
        check_file(loaded, &by_path, &known, &mut findings);
    }
    check_chains(run, &mut findings);
    findings.finish()
}

/// The `email_received`/`email_sent` event listing each path.
fn listing_events(run: &RunDir) -> BTreeMap<&str, &Event> {
    let mut by_path = BTreeMap::new();
    for event in &run.events {
        if crate::email::message_id(event).is_some() {
            for path in &event.artifacts {
                by_path.entry(path.as_str()).or_insert(event);
            }
        }
    }
    by_path
}

/// One file: parsed, agrees with its event, threads to earlier messages of its chain.
fn check_file(
    loaded: &Loaded<EmailFile>,
    by_path: &BTreeMap<&str, &Event>,
    known: &BTreeMap<&str, Known<'_>>,
    findings: &mut Findings,
) {
    let path = loaded.path.as_str();
    let file = &loaded.value;
    for problem in &file.problems {
        findings.flag(format!("{path}: {problem}"));
    }
    let Some(event) = by_path.get(path) else {
        findings.flag(format!("{path}: no email_received or email_sent lists it"));
        return;
    };
    let Some(mail) = orgforge_generators::email::view(&event.kind) else {
        return;
    };
    let mut differs = |what: &str, file_value: String, event_value: String| {
        if file_value != event_value {
            findings.flag(format!(
                "{path}: {what} is `{file_value}`, {} says `{event_value}`",
                event.id
            ));
        }
    };
    differs(
        "Message-ID",
        file.message_id.clone().unwrap_or_default(),
        mail.message_id.to_string(),
    );
    differs(
        "Date",
        file.date.map(|date| date.to_rfc3339()).unwrap_or_default(),
        event.timestamp.to_rfc3339(),
    );
    differs("From", file.from.join(", "), mail.from.email.clone());
    differs(
        "To",
        file.to.join(", "),
        mail.to
            .iter()
            .map(|a| a.email.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    differs(
        "Cc",
        file.cc.join(", "),
        mail.cc
            .iter()
            .map(|a| a.email.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    differs(
        "Subject",
        file.subject.clone().unwrap_or_default(),
        mail.subject.to_string(),
    );
    differs(
        "In-Reply-To",
        file.in_reply_to.join(" "),
        mail.in_reply_to.unwrap_or("").to_string(),
    );
    differs(
        "References",
        file.references.join(" "),
        mail.references.join(" "),
    );
    differs("mailbox", file.mailbox.clone(), mail.mailbox.to_string());
    differs(
        "X-OrgForge-Chain",
        file.chain.clone().unwrap_or_default(),
        mail.chain.to_string(),
    );

    // Threading, as a mail client sees it.
    let own_chain = file.chain.as_deref().unwrap_or(mail.chain);
    let own_at = file.date.unwrap_or(event.timestamp);
    for parent in file.in_reply_to.iter().chain(&file.references) {
        match known.get(parent.as_str()) {
            None => findings.flag(format!(
                "{path}: refers to <{parent}>, which is no message of the run"
            )),
            Some(earlier) => {
                if earlier.seq >= event.seq || earlier.at > own_at {
                    findings.flag(format!(
                        "{path}: refers to <{parent}>, which is not earlier"
                    ));
                }
                if earlier.chain != own_chain {
                    findings.flag(format!(
                        "{path}: refers to <{parent}> of chain {}, not {own_chain}",
                        earlier.chain
                    ));
                }
            }
        }
    }
    if let (Some(parent), Some(last)) = (file.in_reply_to.first(), file.references.last())
        && parent != last
    {
        findings.flag(format!(
            "{path}: In-Reply-To <{parent}> is not the last of References"
        ));
    }
    if !file.in_reply_to.is_empty()
        && !file
            .subject
            .as_deref()
            .is_some_and(|subject| subject.starts_with("Re: "))
    {
        findings.flag(format!(
            "{path}: a reply whose Subject does not start with \"Re: \""
        ));
    }
}

/// Gate order and drops, per chain, from the log.
fn check_chains(run: &RunDir, findings: &mut Findings) {
    let mut chains: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
    for event in &run.events {
        if let Some(chain) = chain_of(&event.kind) {
            chains.entry(chain).or_default().push(event);
        }
    }
    for (chain, members) in &chains {
        let inbound = members
            .iter()
            .find(|event| matches!(event.kind, EventKind::EmailReceived(_)));
        // The first event of each gate, by (time, seq).
        let mut first: BTreeMap<Gate, &Event> = BTreeMap::new();
        for event in members {
            if let Some(gate) = gate_of(&event.kind) {
                let slot = first.entry(gate).or_insert(event);
                if (event.timestamp, event.seq) < (slot.timestamp, slot.seq) {
                    *slot = event;
                }
            }
        }
        if let Some(inbound) = inbound {
            for event in members
                .iter()
                .filter(|event| gate_of(&event.kind).is_some())
            {
                if (event.timestamp, event.seq) < (inbound.timestamp, inbound.seq) {
                    findings.flag(format!(
                        "{chain}: {} ({}) comes before the inbound email {}",
                        event.id,
                        event.kind.type_name(),
                        inbound.id
                    ));
                }
            }
        }
        let ordered: Vec<(Gate, &Event)> = GATES
            .iter()
            .filter_map(|gate| first.get(gate).map(|event| (*gate, *event)))
            .collect();
        for pair in ordered.windows(2) {
            let ((gate_a, a), (gate_b, b)) = (pair[0], pair[1]);
            if (b.timestamp, b.seq) < (a.timestamp, a.seq) {
                findings.flag(format!(
                    "{chain}: gate {} ({}) comes before gate {} ({})",
                    gate_name(gate_b),
                    b.id,
                    gate_name(gate_a),
                    a.id
                ));
            }
        }

        let drops: Vec<&&Event> = members
            .iter()
            .filter(|event| matches!(event.kind, EventKind::EmailDropped(_)))
            .collect();
        if drops.len() > 1 {
            findings.flag(format!("{chain}: dropped {} times", drops.len()));
        }
        for drop in drops {
            let EventKind::EmailDropped(dropped) = &drop.kind else {
                continue;
            };
            let names_inbound = members.iter().any(|event| {
                matches!(&event.kind, EventKind::EmailReceived(mail) if mail.message_id == dropped.message_id)
            });
            if !names_inbound {
                findings.flag(format!(
                    "{}: drops <{}>, which is no inbound email of {chain}",
                    drop.id, dropped.message_id
                ));
            }
            for event in members.iter().filter(|event| is_action(&event.kind)) {
                if event.seq > drop.seq || event.timestamp > drop.timestamp {
                    findings.flag(format!(
                        "{chain}: {} ({}) acts on the chain after it was dropped at {} ({})",
                        event.id,
                        event.kind.type_name(),
                        gate_name(dropped.gate),
                        drop.id
                    ));
                } else if gate_of(&event.kind).is_some_and(|gate| gate >= dropped.gate) {
                    findings.flag(format!(
                        "{chain}: {} passes gate {}, but the chain was dropped at {} ({})",
                        event.id,
                        gate_of(&event.kind).map_or("", gate_name),
                        gate_name(dropped.gate),
                        drop.id
                    ));
                }
            }
        }
    }
}
