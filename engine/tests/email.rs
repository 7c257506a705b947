//! The outside world (issue "The outside world"): inbound and outbound mail of every kind in the
//! default run, gated chains with drops that stop everything downstream, and threading.

use std::collections::{BTreeMap, BTreeSet};

mod common;

use orgforge_engine::event::{Event, EventKind};
use orgforge_engine::outcome::Outcome;

fn run(days: u32, seed: u64) -> Outcome {
    common::run_scenario(common::scenario("default"), days, seed)
}

/// The chain id an event belongs to, if any.
fn chain_of(e: &Event) -> Option<String> {
    match &e.kind {
        EventKind::EmailReceived(f) => Some(f.chain.clone()),
        EventKind::EmailSent(f) => Some(f.chain.clone()),
        EventKind::EmailRelayed(f) => Some(f.chain.clone()),
        EventKind::EmailDropped(f) => Some(f.chain.clone()),
        EventKind::Escalation(f) => f.email_chain.clone(),
        EventKind::TicketCreated(f) => f.email_chain.clone(),
        _ => None,
    }
}

#[test]
fn default_run_has_mail_of_every_kind_a_drop_and_a_complaint_answered_with_a_ticket() {
    let outcome = run(22, 7);
    let mut received = BTreeMap::new();
    let mut sent = BTreeMap::new();
    let mut drops = 0;
    for e in &outcome.events {
        match &e.kind {
            EventKind::EmailReceived(f) => {
                *received.entry(format!("{:?}", f.kind)).or_insert(0) += 1
            }
            EventKind::EmailSent(f) => *sent.entry(format!("{:?}", f.kind)).or_insert(0) += 1,
            EventKind::EmailDropped(_) => drops += 1,
            _ => {}
        }
    }
    println!("received {received:?}\nsent {sent:?}\ndropped {drops}");
    for kind in [
        "Complaint",
        "Renewal",
        "VendorBilling",
        "VendorSecurity",
        "VendorOutage",
        "Candidate",
        "Exit",
    ] {
        assert!(
            received.contains_key(kind),
            "no inbound {kind}: {received:?}"
        );
    }
    for kind in [
        "Acknowledgement",
        "Reply",
        "FollowUp",
        "IncidentUpdate",
        "PostmortemSummary",
        "Offer",
        "Onboarding",
        "ExitChecklist",
    ] {
        assert!(sent.contains_key(kind), "no outbound {kind}: {sent:?}");
    }
    assert!(drops >= 1, "no dropped email");

    // A complaint that went all the way to a ticket and a reply.
    let complaints: BTreeSet<String> = outcome
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::EmailReceived(f) if format!("{:?}", f.kind) == "Complaint" => {
                Some(f.chain.clone())
            }
            _ => None,
        })
        .collect();
    let full = complaints.iter().any(|chain| {
        let of_chain: Vec<&Event> = outcome
            .events
            .iter()
            .filter(|e| chain_of(e).as_deref() == Some(chain.as_str()))
            .collect();
        let ticket = of_chain
            .iter()
            .any(|e| matches!(&e.kind, EventKind::TicketCreated(_)));
        let reply = of_chain.iter().any(
            |e| matches!(&e.kind, EventKind::EmailSent(f) if format!("{:?}", f.kind) == "Reply"),
        );
        ticket && reply
    });
    assert!(full, "no complaint reached a ticket and a reply");
}

#[test]
fn drops_stop_the_chain_and_replies_thread_to_earlier_messages() {
    for seed in [1, 2, 3] {
        let outcome = run(22, seed);
        let mut dropped_at: BTreeMap<String, u64> = BTreeMap::new();
        let mut seen: BTreeMap<String, (String, i64)> = BTreeMap::new();
        for e in &outcome.events {
            let Some(chain) = chain_of(e) else { continue };
            if let Some(&seq) = dropped_at.get(&chain) {
                panic!(
                    "seed {seed}: {} acts on {chain} after its drop at EVT {seq}",
                    e.id
                );
            }
            if let EventKind::EmailDropped(_) = &e.kind {
                dropped_at.insert(chain.clone(), e.seq);
            }
            let (id, in_reply_to, references, subject) = match &e.kind {
                EventKind::EmailReceived(f) => {
                    (&f.message_id, &f.in_reply_to, &f.references, &f.subject)
                }
                EventKind::EmailSent(f) => {
                    (&f.message_id, &f.in_reply_to, &f.references, &f.subject)
                }
                _ => continue,
            };
            assert!(
                !seen.contains_key(id),
                "seed {seed}: duplicate Message-ID {id}"
            );
            if let Some(parent) = in_reply_to {
                let (parent_chain, parent_at) = seen
                    .get(parent)
                    .unwrap_or_else(|| panic!("seed {seed}: {id} replies to unknown {parent}"));
                assert_eq!(parent_chain, &chain);
                assert!(*parent_at <= e.timestamp.timestamp());
                assert!(subject.starts_with("Re: "), "{subject}");
                assert_eq!(references.last(), Some(parent));
            }
            seen.insert(id.clone(), (chain.clone(), e.timestamp.timestamp()));
        }
    }
}
