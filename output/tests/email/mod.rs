//! Email on disk: every `.eml` of a real run reads back in an independent mail parser
//! (`mail-parser`, not the `mail-builder` that wrote it) and says what the event log says; and
//! the `email` check of `verify` catches broken threading, gates out of order and action after a
//! drop.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::DateTime;
use mail_parser::{HeaderValue, MessageParser};
use orgforge_engine::event::{EmailKind, Event, EventKind};
use orgforge_engine::log::{GENESIS_HASH, event_hash};
use orgforge_engine::outcome::Outcome;
use orgforge_engine::scenario::{DEFAULT_SCENARIO_YAML, Overrides, load};
use orgforge_generators::TemplateBackend;
use orgforge_generators::email::view;
use orgforge_output::{Corpus, render_table, write_run};

use crate::fixture::{read, reseal, write};
use crate::writing::all_files;
use crate::{Dir, options, verified};

/// The default scenario, 22 days, simulated and rendered once for every test here (without
/// SQLite, so a tampered log only needs the manifest resealed).
fn default_run() -> &'static (Outcome, Corpus) {
    static RUN: OnceLock<(Outcome, Corpus)> = OnceLock::new();
    RUN.get_or_init(|| {
        let overrides = Overrides {
            days: Some(22),
            seed: Some(7),
        };
        let mut scenario = match load(DEFAULT_SCENARIO_YAML, "default.yaml", overrides) {
            Ok(scenario) => scenario,
            Err(error) => panic!("{error}"),
        };
        scenario.output.sqlite = false;
        let outcome = match orgforge_engine::simulate(scenario) {
            Ok(outcome) => outcome,
            Err(error) => panic!("{error}"),
        };
        let mut prose = TemplateBackend::new();
        let corpus = match orgforge_generators::render(&outcome, &mut prose) {
            Ok(corpus) => corpus,
            Err(error) => panic!("{error}"),
        };
        (outcome, corpus)
    })
}

/// The default run written to a fresh directory.
fn written() -> (Dir, PathBuf) {
    let (outcome, corpus) = default_run();
    let dir = Dir::new();
    let out = dir.path("run");
    if let Err(error) = write_run(&out, outcome, corpus, &options(false)) {
        panic!("{error}");
    }
    (dir, out)
}

fn events(out: &Path) -> Vec<Event> {
    read(&out.join("events.jsonl"))
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Writes the log back with its hash chain recomputed and reseals the manifest, so only the
/// checks about what changed can fail.
fn rewrite_log(out: &Path, mut log: Vec<Event>) {
    let mut previous = GENESIS_HASH.to_string();
    for event in &mut log {
        event.prev_hash = previous;
        event.hash = event_hash(event);
        previous = event.hash.clone();
    }
    let lines: Vec<String> = log
        .iter()
        .filter_map(|event| serde_json::to_string(event).ok())
        .collect();
    write(
        &out.join("events.jsonl"),
        &format!("{}\n", lines.join("\n")),
    );
    reseal(out);
}

/// The examples of a check, joined.
fn examples(report: &orgforge_output::VerifyReport, check: &str) -> String {
    report
        .check(check)
        .map(|check| check.examples.join("\n"))
        .unwrap_or_default()
}

/// Message ids of a Message-ID list header.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(text) => vec![text.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|id| id.to_string()).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn every_eml_reads_back_in_a_mail_client_as_the_log_says() {
    let (outcome, corpus) = default_run();
    let files: BTreeMap<&str, &[u8]> = corpus
        .files
        .iter()
        .map(|file| (file.path.as_str(), file.bytes.as_slice()))
        .collect();
    // Message-ID -> (seq, chain) of every email event.
    let mut messages: BTreeMap<&str, (u64, &str)> = BTreeMap::new();
    let mut checked = 0;
    let (mut received, mut sent, mut replies) = (0, 0, 0);
    for event in &outcome.events {
        let Some(mail) = view(&event.kind) else {
            continue;
        };
        if mail.inbound {
            received += 1;
        } else {
            sent += 1;
        }
        assert!(
            messages
                .insert(mail.message_id, (event.seq, mail.chain))
                .is_none(),
            "{}: Message-ID {} used twice",
            event.id,
            mail.message_id
        );
        let paths: Vec<&String> = event
            .artifacts
            .iter()
            .filter(|path| path.ends_with(".eml"))
            .collect();
        assert_eq!(paths.len(), 1, "{} lists {paths:?}", event.id);
        let path = paths[0].as_str();
        assert!(
            path.starts_with(&format!("email/{}/", mail.mailbox)),
            "{path} is not in {}'s mailbox",
            mail.mailbox
        );
        let Some(bytes) = files.get(path) else {
            panic!("{path} was not rendered");
        };
        let Some(message) = MessageParser::default().parse(*bytes) else {
            panic!("{path} does not parse");
        };
        assert_eq!(message.message_id(), Some(mail.message_id), "{path}");
        assert_eq!(message.subject(), Some(mail.subject), "{path}");
        let from: Vec<&str> = message
            .from()
            .map(|from| from.iter().filter_map(|addr| addr.address()).collect())
            .unwrap_or_default();
        assert_eq!(from, vec![mail.from.email.as_str()], "{path}");
        let from_name = message
            .from()
            .and_then(|from| from.first())
            .and_then(|addr| addr.name());
        if !mail.from.name.trim().is_empty() {
            assert_eq!(from_name, Some(mail.from.name.trim()), "{path}");
        }
        let to: Vec<&str> = message
            .to()
            .map(|to| to.iter().filter_map(|addr| addr.address()).collect())
            .unwrap_or_default();
        let expected_to: Vec<&str> = mail.to.iter().map(|a| a.email.as_str()).collect();
        assert_eq!(to, expected_to, "{path}");
        let date = message
            .header_raw("Date")
            .and_then(|raw| DateTime::parse_from_rfc2822(raw.trim()).ok());
        assert_eq!(date, Some(event.timestamp), "{path}: Date");
        assert_eq!(
            date.map(|date| date.offset().local_minus_utc()),
            Some(event.timestamp.offset().local_minus_utc()),
            "{path}: the Date carries the company offset"
        );
        let in_reply_to = ids(message.in_reply_to());
        let references = ids(message.references());
        assert_eq!(
            in_reply_to,
            mail.in_reply_to
                .map(str::to_string)
                .into_iter()
                .collect::<Vec<_>>(),
            "{path}"
        );
        assert_eq!(references, mail.references.to_vec(), "{path}");
        for parent in in_reply_to.iter().chain(&references) {
            let Some((seq, chain)) = messages.get(parent.as_str()) else {
                panic!("{path}: <{parent}> is no earlier message of the run");
            };
            assert!(*seq < event.seq, "{path}: <{parent}> is not earlier");
            assert_eq!(*chain, mail.chain, "{path}: <{parent}> is in another chain");
        }
        if let Some(parent) = in_reply_to.first() {
            replies += 1;
            assert!(mail.subject.starts_with("Re: "), "{path}: {}", mail.subject);
            assert_eq!(references.last(), Some(parent), "{path}");
        }
        let root = message.root_part();
        assert!(
            std::str::from_utf8(root.contents()).is_ok(),
            "{path}: body is not UTF-8"
        );
        let body = message.body_text(0).unwrap_or_default();
        assert!(!body.trim().is_empty(), "{path}: empty body");
        checked += 1;
    }
    assert!(received > 0 && sent > 0, "{received} received, {sent} sent");
    assert!(replies > 0, "no threaded replies");
    let eml_files = files.keys().filter(|path| path.ends_with(".eml")).count();
    assert_eq!(checked, eml_files, "every .eml belongs to one email event");
    assert!(
        outcome
            .events
            .iter()
            .any(|event| matches!(event.kind, EventKind::EmailDropped(_))),
        "the default run drops no email"
    );
}

#[test]
fn the_default_run_verifies_its_email_and_reports_gate_figures() {
    let (_dir, out) = written();
    let report = verified(&out);
    assert!(report.ok, "\n{}", render_table(&report));
    let email = &report.stats["email"];
    assert!(email["messages"].as_u64().unwrap_or(0) > 0, "{email:#}");
    for gate in [
        "acknowledge",
        "route",
        "relay",
        "ticket",
        "reply",
        "follow_up",
    ] {
        assert!(email["dropped_at"].get(gate).is_some(), "{email:#}");
        assert!(email["gate_pass_rate"].get(gate).is_some(), "{email:#}");
    }
    // The run is byte-identical when written again.
    let (_again_dir, again) = written();
    let mut first = all_files(&out);
    let mut second = all_files(&again);
    first.remove("run.json");
    second.remove("run.json");
    assert_eq!(first, second);
}

#[test]
fn a_broken_in_reply_to_fails_the_email_check() {
    let (_dir, out) = written();
    let (outcome, _) = default_run();
    let Some((path, parent)) = outcome.events.iter().find_map(|event| {
        let mail = view(&event.kind)?;
        let parent = mail.in_reply_to?;
        let path = event.artifacts.iter().find(|path| path.ends_with(".eml"))?;
        Some((path.clone(), parent.to_string()))
    }) else {
        panic!("the default run has no reply");
    };
    let file = out.join(&path);
    let text = read(&file);
    let header = format!("In-Reply-To: <{parent}>");
    assert!(text.contains(&header), "{path} lacks {header}");
    write(
        &file,
        &text.replacen(&header, "In-Reply-To: <nobody-wrote-this@example.com>", 1),
    );
    reseal(&out);
    let report = verified(&out);
    assert_eq!(
        report.failed(),
        vec!["email"],
        "\n{}",
        render_table(&report)
    );
    let examples = examples(&report, "email");
    assert!(
        examples.contains("refers to <nobody-wrote-this@example.com>, which is no message"),
        "{examples}"
    );
}

#[test]
fn a_gate_out_of_order_fails_the_email_check() {
    let (_dir, out) = written();
    let mut log = events(&out);
    // An acknowledgement that precedes a relay of its chain, relabelled as the reply: the reply
    // gate then comes before the relay gate.
    let relayed: BTreeMap<String, u64> = log
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::EmailRelayed(relayed) => Some((relayed.chain.clone(), event.seq)),
            _ => None,
        })
        .collect();
    let Some(index) = log.iter().position(|event| match &event.kind {
        EventKind::EmailSent(mail) => {
            mail.kind == EmailKind::Acknowledgement
                && relayed.get(&mail.chain).is_some_and(|seq| *seq > event.seq)
        }
        _ => false,
    }) else {
        panic!("no acknowledged and relayed chain in the default run");
    };
    if let EventKind::EmailSent(mail) = &mut log[index].kind {
        mail.kind = EmailKind::Reply;
    }
    rewrite_log(&out, log);
    let report = verified(&out);
    assert_eq!(
        report.failed(),
        vec!["email"],
        "\n{}",
        render_table(&report)
    );
    let examples = examples(&report, "email");
    assert!(
        examples.contains("gate reply (") && examples.contains(") comes before gate "),
        "{examples}"
    );
}

#[test]
fn action_after_a_drop_fails_the_email_check() {
    let (_dir, out) = written();
    let mut log = events(&out);
    let Some((drop_seq, dropped_chain)) = log.iter().find_map(|event| match &event.kind {
        EventKind::EmailDropped(dropped) => Some((event.seq, dropped.chain.clone())),
        _ => None,
    }) else {
        panic!("the default run drops no email");
    };
    // A later ticket of another chain is filed for the dropped chain instead.
    let Some(index) = log.iter().position(|event| {
        event.seq > drop_seq
            && matches!(&event.kind, EventKind::TicketCreated(ticket)
                if ticket.email_chain.as_ref().is_some_and(|chain| *chain != dropped_chain))
    }) else {
        panic!("no email ticket after the first drop");
    };
    if let EventKind::TicketCreated(ticket) = &mut log[index].kind {
        ticket.email_chain = Some(dropped_chain.clone());
    }
    rewrite_log(&out, log);
    let report = verified(&out);
    assert!(
        report.failed().contains(&"email"),
        "\n{}",
        render_table(&report)
    );
    // The chain files no longer match the log either; nothing else notices.
    for failed in report.failed() {
        assert!(["email", "chains"].contains(&failed), "{failed}");
    }
    let examples = examples(&report, "email");
    assert!(
        examples.contains(&format!("{dropped_chain}: "))
            && examples.contains("acts on the chain after it was dropped"),
        "{examples}"
    );
}
