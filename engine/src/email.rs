//! The outside world writes in, and the company writes out.
//!
//! Inbound mail is derived from state, each source with a cooldown: complaints when an incident
//! hits a system a customer depends on, renewal windows, vendor billing, security and outage
//! notices, a candidate's acceptance before a hire, a leaver's exit reply. Each inbound email roots
//! a **gated chain**: acknowledge, route (escalation over the graph), relay in Slack, open a
//! ticket, reply, follow up; each gate passes with a scenario probability lowered for a stressed
//! holder. When a gate before the reply fails, `email_dropped` names it and nothing downstream
//! ever happens. Outbound: incident status updates to affected customers, postmortem summaries to
//! enterprise customers, HR offers, onboarding and exit checklists.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::artifact::ArtifactRef;
use crate::calendar::Instant;
use crate::clock::MINUTE;
use crate::escalation::{Request, escalate};
use crate::event::{
    Address, EmailDropped, EmailFacts, EmailKind, EmailMessage, EmailRelayed, EscalationCause,
    EventKind, Gate, IncidentStage, Intent, PartyKind, Priority, TicketCreated, TicketKind,
    TicketStatus,
};
use crate::rng::Draw;
use crate::scenario::{Severity, Tier, VendorNotice};
use crate::thread::ThreadBuilder;
use crate::world::{Ticket, World};

/// A customer's relationship state.
#[derive(Debug, Clone)]
pub(crate) struct CustomerState {
    pub index: usize,
    pub sentiment: f64,
    pub last_mail_day: Option<u32>,
    pub renewal_mailed: bool,
}

/// One outbound thread of incident updates to one customer.
#[derive(Debug, Clone)]
struct UpdateThread {
    chain: String,
    messages: Vec<String>,
    stage: IncidentStage,
}

/// A follow-up due on a later day.
#[derive(Debug, Clone)]
struct FollowUp {
    day: u32,
    chain: String,
    from: usize,
    to: Vec<Address>,
    subject: String,
    references: Vec<String>,
    facts: EmailFacts,
}

/// Everything the email engine remembers between days.
#[derive(Debug, Clone, Default)]
pub(crate) struct EmailState {
    next_chain: u32,
    pub customers: Vec<CustomerState>,
    /// (vendor, notice kind) -> last business day it wrote.
    vendor_last: BTreeMap<(usize, u8), u32>,
    /// (vendor, year, month) billed.
    billed: BTreeMap<(usize, i32, u32), ()>,
    /// (incident id, customer) -> update thread.
    updates: BTreeMap<(String, usize), UpdateThread>,
    /// Incidents whose postmortem summaries went out.
    summarized: BTreeMap<String, ()>,
    follow_ups: Vec<FollowUp>,
    /// Chain id -> external party it is with.
    parties: BTreeMap<String, Option<String>>,
}

impl EmailState {
    /// Customer states in scenario order.
    pub fn new(customers: usize, sentiments: impl Iterator<Item = f64>) -> EmailState {
        EmailState {
            customers: sentiments
                .take(customers)
                .enumerate()
                .map(|(index, sentiment)| CustomerState {
                    index,
                    sentiment,
                    last_mail_day: None,
                    renewal_mailed: false,
                })
                .collect(),
            ..EmailState::default()
        }
    }
}

fn notice_code(notice: VendorNotice) -> u8 {
    match notice {
        VendorNotice::Billing => 0,
        VendorNotice::Security => 1,
        VendorNotice::Outage => 2,
    }
}

fn blank_facts() -> EmailFacts {
    EmailFacts {
        party: None,
        org: None,
        incident: None,
        system: None,
        severity: None,
        stage: None,
        ticket: None,
        tone: 0.0,
        renewal_date: None,
        date: None,
        root_cause: None,
    }
}

/// A person's address.
fn address(world: &World, person: usize) -> Address {
    Address {
        name: world.people[person].name.clone(),
        email: world.people[person].email.clone(),
    }
}

/// A new chain id.
fn new_chain(world: &mut World) -> String {
    world.email.next_chain += 1;
    format!("EML-{}", world.email.next_chain)
}

/// A Message-ID (without angle brackets) unique in the run: chain, position, a seeded tag.
fn message_id(world: &mut World, chain: &str, position: usize) -> String {
    let tag = world.rng.ids.between(0, u32::MAX);
    format!(
        "{}.{position}.{tag:08x}@{}",
        chain.to_ascii_lowercase(),
        world.spec.company.domain
    )
}

fn reply_subject(subject: &str) -> String {
    if subject.starts_with("Re: ") {
        subject.to_string()
    } else {
        format!("Re: {subject}")
    }
}

/// The HR lead, when the scenario names an HR department and its lead is present.
fn hr_lead(world: &World) -> Option<usize> {
    let id = world.spec.email.hr_department.as_ref()?;
    let d = world.departments.iter().position(|d| &d.id == id)?;
    let lead = world.departments[d].lead;
    world.clocks.present(lead).then_some(lead)
}

/// Gate probability for `holder`: the scenario's, lowered above stress 60, nudged by tier and
/// severity.
fn gate_probability(world: &World, base: f64, holder: usize, facts: &EmailFacts) -> f64 {
    let stress = world.people[holder].stress;
    let mut p = base * (1.0 - 0.5 * ((stress - 60.0).max(0.0) / 40.0));
    if matches!(facts.severity, Some(Severity::P1 | Severity::P2)) {
        p = (p * 1.05).min(1.0);
    }
    if let Some(party) = &facts.party
        && let Some(c) = world
            .spec
            .external
            .customers
            .iter()
            .find(|c| &c.id == party)
    {
        p *= match c.tier {
            Tier::Enterprise => 1.05,
            Tier::Growth => 1.0,
            Tier::Starter => 0.9,
        };
    }
    p.clamp(0.0, 1.0)
}

/// Everything about one outbound message.
struct Outbound {
    chain: String,
    kind: EmailKind,
    from: usize,
    to: Vec<Address>,
    cc: Vec<Address>,
    subject: String,
    in_reply_to: Option<String>,
    references: Vec<String>,
    facts: EmailFacts,
}

/// Sends a message from a person at their first free moment at or after `earliest`; returns
/// its Message-ID and time, or `None` when their day is full.
fn send(world: &mut World, out: Outbound, earliest: Instant) -> Option<(String, Instant)> {
    let block = world.clocks.message(out.from, earliest)?;
    let at = world.stamp(block, 1);
    let position = out.references.len() + 1;
    let id = message_id(world, &out.chain, position);
    for address in out.to.iter().chain(&out.cc) {
        boost_contact(world, &address.email, out.from);
    }
    let mailbox = world.id(out.from);
    let facts = EmailMessage {
        message_id: id.clone(),
        chain: out.chain.clone(),
        mailbox: mailbox.clone(),
        kind: out.kind,
        from: address(world, out.from),
        to: out.to,
        cc: out.cc,
        subject: out.subject,
        in_reply_to: out.in_reply_to,
        references: out.references,
        facts: out.facts,
    };
    let summary = format!("{} sent {:?} mail ({})", mailbox, out.kind, out.chain);
    let artifact = ArtifactRef::Email {
        mailbox,
        message_id: id.clone(),
    };
    world.emit(
        EventKind::EmailSent(facts),
        at,
        vec![out.from],
        vec![artifact],
        summary,
    );
    Some((id, at))
}

/// An inbound message as it arrives.
struct Inbound {
    kind: EmailKind,
    from: Address,
    to: usize,
    cc: Vec<Address>,
    subject: String,
    in_reply_to: Option<String>,
    references: Vec<String>,
    facts: EmailFacts,
    /// Where the chain is already (for replies to an outbound message).
    chain: Option<String>,
}

impl Inbound {
    /// A new message that starts its own chain.
    fn fresh(
        kind: EmailKind,
        from: Address,
        to: usize,
        subject: String,
        facts: EmailFacts,
    ) -> Inbound {
        Inbound {
            kind,
            from,
            to,
            cc: Vec::new(),
            subject,
            in_reply_to: None,
            references: Vec::new(),
            facts,
            chain: None,
        }
    }
}

/// Every contact of an external party as addresses.
fn addresses(contacts: &[crate::scenario::Contact]) -> Vec<Address> {
    contacts
        .iter()
        .map(|c| Address {
            name: c.name.clone(),
            email: c.email.clone(),
        })
        .collect()
}

/// Records an inbound message at `at` and runs its gated chain.
fn receive(world: &mut World, mail: Inbound, at: Instant) {
    let chain = match mail.chain.clone() {
        Some(c) => c,
        None => new_chain(world),
    };
    let position = mail.references.len() + 1;
    let id = message_id(world, &chain, position);
    boost_contact(world, &mail.from.email, mail.to);
    let mailbox = world.id(mail.to);
    let facts = EmailMessage {
        message_id: id.clone(),
        chain: chain.clone(),
        mailbox: mailbox.clone(),
        kind: mail.kind,
        from: mail.from.clone(),
        to: vec![address(world, mail.to)],
        cc: mail.cc.clone(),
        subject: mail.subject.clone(),
        in_reply_to: mail.in_reply_to.clone(),
        references: mail.references.clone(),
        facts: mail.facts.clone(),
    };
    let summary = format!("{mailbox} received {:?} mail ({chain})", mail.kind);
    let artifact = ArtifactRef::Email {
        mailbox,
        message_id: id.clone(),
    };
    world.emit(
        EventKind::EmailReceived(facts),
        at,
        vec![],
        vec![artifact],
        summary,
    );
    let mut references = mail.references.clone();
    references.push(id.clone());
    gates(world, &chain, &id, mail, references, at);
}

fn drop_at(
    world: &mut World,
    chain: &str,
    message: &str,
    gate: Gate,
    holder: usize,
    at: Instant,
    reason: &str,
) {
    let facts = EmailDropped {
        message_id: message.to_string(),
        chain: chain.to_string(),
        gate,
        holder: world.id(holder),
        reason: reason.to_string(),
    };
    let summary = format!("{chain} dropped at {gate:?}: {reason}");
    world.emit(EventKind::EmailDropped(facts), at, vec![], vec![], summary);
    if let Some(party) = world.email.parties.get(chain).cloned().flatten() {
        adjust_sentiment(world, &party, -0.08);
    }
}

fn adjust_sentiment(world: &mut World, party: &str, delta: f64) {
    if let Some(i) = world
        .spec
        .external
        .customers
        .iter()
        .position(|c| c.id == party)
        && let Some(c) = world.email.customers.get_mut(i)
    {
        c.sentiment = (c.sentiment + delta).clamp(0.0, 1.0);
    }
}

/// The gated chain of one inbound message.
fn gates(
    world: &mut World,
    chain: &str,
    message: &str,
    mail: Inbound,
    references: Vec<String>,
    received: Instant,
) {
    let spec = world.spec.email.clone();
    let holder = mail.to;
    world
        .email
        .parties
        .insert(chain.to_string(), mail.facts.party.clone());
    let reason_busy = "no time left today";

    // 1. Acknowledge.
    let p = gate_probability(world, spec.acknowledge_probability, holder, &mail.facts);
    if !world.rng.email.chance(p) {
        drop_at(
            world,
            chain,
            message,
            Gate::Acknowledge,
            holder,
            received + 1,
            "never acknowledged",
        );
        return;
    }
    let ack = Outbound {
        chain: chain.to_string(),
        kind: EmailKind::Acknowledgement,
        from: holder,
        to: vec![mail.from.clone()],
        cc: Vec::new(),
        subject: reply_subject(&mail.subject),
        in_reply_to: Some(message.to_string()),
        references: references.clone(),
        facts: mail.facts.clone(),
    };
    let Some((ack_id, mut at)) = send(world, ack, received + 5 * MINUTE) else {
        drop_at(
            world,
            chain,
            message,
            Gate::Acknowledge,
            holder,
            received + 1,
            reason_busy,
        );
        return;
    };
    let mut references = references;
    references.push(ack_id.clone());
    let mut last_id = ack_id;

    // 2. Route over the graph to who owns the system (or the nearest lead).
    let p = gate_probability(world, spec.route_probability, holder, &mail.facts);
    if !world.rng.email.chance(p) {
        drop_at(
            world,
            chain,
            message,
            Gate::Route,
            holder,
            at + 1,
            "never routed",
        );
        return;
    }
    let system = mail
        .facts
        .system
        .as_ref()
        .and_then(|s| world.systems.iter().position(|x| &x.id == s));
    let path = escalate(
        world,
        Request {
            cause: EscalationCause::Email,
            from: holder,
            system,
            incident: mail.facts.incident.clone(),
            email_chain: Some(chain.to_string()),
            at: at + 1,
        },
    );
    at += 1;
    let routed = path.and_then(|p| p.last().copied()).unwrap_or(holder);

    // 3. Relay in Slack.
    let p = gate_probability(world, spec.relay_probability, holder, &mail.facts);
    if !world.rng.email.chance(p) {
        drop_at(
            world,
            chain,
            message,
            Gate::Relay,
            holder,
            at + 1,
            "never relayed to the owner",
        );
        return;
    }
    let channel = world.departments[world.people[routed].department]
        .home_channel
        .clone();
    let mut thread = ThreadBuilder::new(channel);
    let Some(relay_at) = thread.post(
        world,
        holder,
        at + MINUTE,
        Intent::EmailRelay {
            chain: chain.to_string(),
            message_id: message.to_string(),
        },
    ) else {
        drop_at(
            world,
            chain,
            message,
            Gate::Relay,
            holder,
            at + 1,
            reason_busy,
        );
        return;
    };
    if routed != holder {
        thread.post(
            world,
            routed,
            relay_at + 2 * MINUTE,
            Intent::EmailRelayReply {
                chain: chain.to_string(),
            },
        );
        world
            .graph
            .boost(holder, routed, world.spec.graph.boost_thread_reply);
    }
    let thread = thread.finish();
    let relay_end = thread
        .messages
        .last()
        .map_or(relay_at, |m| m.timestamp.timestamp());
    let artifacts = world.thread_artifacts(&thread);
    let facts = EmailRelayed {
        chain: chain.to_string(),
        message_id: message.to_string(),
        by: world.id(holder),
        to: world.id(routed),
        thread,
    };
    let summary = format!("{} relayed {chain} to {}", facts.by, facts.to);
    world.emit(
        EventKind::EmailRelayed(facts),
        relay_at,
        vec![holder, routed],
        artifacts,
        summary,
    );
    at = relay_end;

    // 4. A ticket in the routed person's department.
    let p = gate_probability(world, spec.ticket_probability, routed, &mail.facts);
    if !world.rng.email.chance(p) {
        drop_at(
            world,
            chain,
            message,
            Gate::Ticket,
            routed,
            at + 1,
            "no ticket was opened",
        );
        return;
    }
    let Some(key) = open_ticket(world, chain, routed, system, &mail, at + MINUTE) else {
        drop_at(
            world,
            chain,
            message,
            Gate::Ticket,
            routed,
            at + 1,
            reason_busy,
        );
        return;
    };
    at = world.tickets[key].created_at;
    let ticket_key = world.tickets[key].key.clone();

    // 5. The reply, by the routed person, copying the holder.
    let p = gate_probability(world, spec.reply_probability, routed, &mail.facts);
    if !world.rng.email.chance(p) {
        drop_at(
            world,
            chain,
            message,
            Gate::Reply,
            routed,
            at + 1,
            "never answered",
        );
        return;
    }
    let mut facts = mail.facts.clone();
    facts.ticket = Some(ticket_key);
    let cc = if routed == holder {
        Vec::new()
    } else {
        vec![address(world, holder)]
    };
    let reply = Outbound {
        chain: chain.to_string(),
        kind: EmailKind::Reply,
        from: routed,
        to: vec![mail.from.clone()],
        cc,
        subject: reply_subject(&mail.subject),
        in_reply_to: Some(last_id.clone()),
        references: references.clone(),
        facts: facts.clone(),
    };
    let Some((reply_id, _)) = send(world, reply, at + 5 * MINUTE) else {
        drop_at(
            world,
            chain,
            message,
            Gate::Reply,
            routed,
            at + 1,
            reason_busy,
        );
        return;
    };
    if let Some(party) = &mail.facts.party {
        adjust_sentiment(world, party, 0.03);
    }
    last_id = reply_id;
    references.push(last_id.clone());

    // 6. Maybe a follow-up one to three business days later (not to someone who is leaving).
    let leaving = mail.kind == EmailKind::Exit;
    let p = gate_probability(world, spec.follow_up_probability, routed, &mail.facts);
    if !leaving && world.rng.email.chance(p) {
        let day = world.day + world.rng.email.between(1, 3);
        world.email.follow_ups.push(FollowUp {
            day,
            chain: chain.to_string(),
            from: routed,
            to: vec![mail.from],
            subject: reply_subject(&mail.subject),
            references,
            facts,
        });
    }
}

/// Opens the chain's ticket; returns its index.
fn open_ticket(
    world: &mut World,
    chain: &str,
    owner: usize,
    system: Option<usize>,
    mail: &Inbound,
    earliest: Instant,
) -> Option<usize> {
    let block = world.clocks.message(owner, earliest)?;
    let created_at = world.stamp(block, 2);
    let department = world.people[owner].department;
    let dept = &mut world.departments[department];
    let key = format!("{}-{}", dept.prefix, dept.next_ticket_number);
    dept.next_ticket_number += 1;
    let kind = if mail.kind == EmailKind::Complaint && world.departments[department].ships_code {
        TicketKind::Bug
    } else {
        TicketKind::Task
    };
    let priority = match mail.facts.severity {
        Some(Severity::P1) => Priority::Highest,
        Some(Severity::P2) => Priority::High,
        _ => Priority::Medium,
    };
    let title = match &mail.facts.org {
        Some(org) => format!("{org}: {}", mail.subject),
        None => mail.subject.clone(),
    };
    let hours = world.rng.email.uniform(1.0, 4.0);
    let index = world.tickets.len();
    world.tickets.push(Ticket {
        key: key.clone(),
        department,
        title: title.clone(),
        kind,
        priority,
        system,
        points: 1,
        estimate_hours: (hours * 100.0).round() / 100.0,
        actual_hours: hours,
        spent_hours: 0.0,
        status: TicketStatus::ToDo,
        assignee: owner,
        reporter: owner,
        sprint: world.sprint,
        created_at,
        last_activity: created_at,
        pull_request: None,
        done_at: None,
    });
    world.departments[department].sprint_tickets.push(index);
    let facts = TicketCreated {
        key: key.clone(),
        department: world.departments[department].id.clone(),
        title,
        kind,
        priority,
        system: system.map(|s| world.systems[s].id.clone()),
        story_points: 1,
        estimate_hours: (hours * 100.0).round() / 100.0,
        reporter: world.id(owner),
        assignee: world.id(owner),
        sprint: Some(world.sprint),
        incident: None,
        email_chain: Some(chain.to_string()),
    };
    let summary = format!("{} filed {key} for {chain}", world.id(owner));
    let artifact = world.jira(index);
    world.emit(
        EventKind::TicketCreated(facts),
        created_at,
        vec![owner],
        vec![artifact],
        summary,
    );
    Some(index)
}

/// Arrival time of an external message for `to`: inside their hours today, after `after`.
fn arrival(world: &mut World, to: usize, after: Instant) -> Option<Instant> {
    let (start, end) = world.clocks.hours(to)?;
    let at = after.max(start) + i64::from(world.rng.email.between(1, 40)) * MINUTE;
    (at < end - 30 * MINUTE).then_some(at)
}

/// Today's mail, after the day's incidents and before ordinary work.
pub(crate) fn daily(world: &mut World) {
    complaints(world);
    renewals(world);
    vendor_notices(world);
    hr_mail(world);
    incident_updates(world);
    follow_ups(world);
}

/// Who owns the relationship with customer `customer` today.
fn liaison_of(world: &World, customer: usize) -> Option<usize> {
    account_liaison(
        world,
        PartyKind::Customer,
        &world.spec.external.customers[customer].id,
    )
}

/// Who owns the relationship with a party today (the scenario's liaison until they leave).
fn account_liaison(world: &World, party: PartyKind, id: &str) -> Option<usize> {
    world
        .accounts
        .iter()
        .find(|a| a.party == party && a.id == id)
        .map(|a| a.liaison)
}

/// An email exchange with an external contact strengthens their tie to the employee.
fn boost_contact(world: &mut World, email: &str, person: usize) {
    if let Some(&contact) = world.contact_index.get(email) {
        world
            .graph
            .boost_contact(contact, person, world.spec.graph.boost_email);
    }
}

fn contact(world: &mut World, contacts: &[crate::scenario::Contact]) -> Option<Address> {
    if contacts.is_empty() {
        return None;
    }
    let c = &contacts[world.rng.email.index(contacts.len())];
    Some(Address {
        name: c.name.clone(),
        email: c.email.clone(),
    })
}

/// Customers whose systems broke today write in (once per cooldown).
fn complaints(world: &mut World) {
    let today: Vec<usize> = (0..world.incidents.len())
        .filter(|&i| world.incidents[i].opened_day == world.day)
        .collect();
    let cooldown = world.spec.email.cooldown_days;
    for i in today {
        let system = world.incidents[i].system;
        let system_id = world.systems[system].id.clone();
        for c in 0..world.spec.external.customers.len() {
            let customer = world.spec.external.customers[c].clone();
            if !customer.depends_on.contains(&system_id) {
                continue;
            }
            let state = &world.email.customers[c];
            if state
                .last_mail_day
                .is_some_and(|d| world.day < d + cooldown)
            {
                continue;
            }
            let Some(liaison) = liaison_of(world, c) else {
                continue;
            };
            let after = world.incidents[i].opened_at + 20 * MINUTE;
            let Some(at) = arrival(world, liaison, after) else {
                continue;
            };
            let Some(from) = contact(world, &customer.contacts) else {
                continue;
            };
            let severity = world.incidents[i].severity;
            let weight = match severity {
                Severity::P1 => 1.0,
                Severity::P2 => 0.75,
                Severity::P3 => 0.5,
                Severity::P4 => 0.3,
            };
            let sentiment = world.email.customers[c].sentiment;
            let tone = (0.6 * weight + 0.4 * (1.0 - sentiment)).clamp(0.0, 1.0);
            world.email.customers[c].last_mail_day = Some(world.day);
            adjust_sentiment(world, &customer.id, -0.05 * weight);
            let facts = EmailFacts {
                party: Some(customer.id.clone()),
                org: Some(customer.org.clone()),
                incident: Some(world.incidents[i].id.clone()),
                system: Some(system_id.clone()),
                severity: Some(severity),
                tone: (tone * 100.0).round() / 100.0,
                ..blank_facts()
            };
            let subject = format!("Problems with {} today", world.systems[system].name);
            receive(
                world,
                Inbound::fresh(EmailKind::Complaint, from, liaison, subject, facts),
                at,
            );
        }
    }
}

/// Customers write once as their renewal date comes within 20 days.
fn renewals(world: &mut World) {
    for c in 0..world.spec.external.customers.len() {
        let customer = world.spec.external.customers[c].clone();
        let Some(renewal) = customer.renewal_date else {
            continue;
        };
        let days_left = (renewal - world.date).num_days();
        if !(0..=20).contains(&days_left) || world.email.customers[c].renewal_mailed {
            continue;
        }
        let Some(liaison) = liaison_of(world, c) else {
            continue;
        };
        let Some(at) = arrival(world, liaison, 0) else {
            continue;
        };
        let Some(from) = contact(world, &customer.contacts) else {
            continue;
        };
        world.email.customers[c].renewal_mailed = true;
        world.email.customers[c].last_mail_day = Some(world.day);
        let sentiment = world.email.customers[c].sentiment;
        let facts = EmailFacts {
            party: Some(customer.id.clone()),
            org: Some(customer.org.clone()),
            tone: ((1.0 - sentiment) * 100.0).round() / 100.0,
            renewal_date: Some(renewal),
            ..blank_facts()
        };
        let subject = format!("{} renewal on {renewal}", customer.org);
        receive(
            world,
            Inbound::fresh(EmailKind::Renewal, from, liaison, subject, facts),
            at,
        );
    }
}

/// Vendors bill on the first business day of a month and send security or outage notices now
/// and then (outage notices also when a system they run has a dependency outage today).
fn vendor_notices(world: &mut World) {
    let cooldown = world.spec.email.cooldown_days * 2;
    for v in 0..world.spec.external.vendors.len() {
        let vendor = world.spec.external.vendors[v].clone();
        let Some(liaison) = account_liaison(world, PartyKind::Vendor, &vendor.id) else {
            continue;
        };
        for &notice in &vendor.sends {
            let code = notice_code(notice);
            let due = match notice {
                VendorNotice::Billing => {
                    let month = (world.date.year(), world.date.month());
                    let first_business_day = world.day == 1
                        || world.calendar.date(world.day - 1).month() != world.date.month();
                    first_business_day && !world.email.billed.contains_key(&(v, month.0, month.1))
                }
                VendorNotice::Security | VendorNotice::Outage => {
                    let rested = world
                        .email
                        .vendor_last
                        .get(&(v, code))
                        .is_none_or(|&d| world.day >= d + cooldown);
                    let outage_now = notice == VendorNotice::Outage
                        && world.incidents.iter().any(|i| {
                            i.opened_day == world.day
                                && i.failure_mode == "dependency_outage"
                                && vendor.systems.contains(&world.systems[i.system].id)
                        });
                    rested
                        && (outage_now
                            || world
                                .rng
                                .email
                                .chance(world.spec.email.vendor_notice_probability))
                }
            };
            if !due {
                continue;
            }
            let Some(at) = arrival(world, liaison, 0) else {
                continue;
            };
            let Some(from) = contact(world, &vendor.contacts) else {
                continue;
            };
            world.email.vendor_last.insert((v, code), world.day);
            if notice == VendorNotice::Billing {
                world
                    .email
                    .billed
                    .insert((v, world.date.year(), world.date.month()), ());
            }
            let (kind, subject) = match notice {
                VendorNotice::Billing => (
                    EmailKind::VendorBilling,
                    format!("{} invoice for {}", vendor.org, world.date.format("%B %Y")),
                ),
                VendorNotice::Security => (
                    EmailKind::VendorSecurity,
                    format!("{} security advisory", vendor.org),
                ),
                VendorNotice::Outage => (
                    EmailKind::VendorOutage,
                    format!("{} service degradation notice", vendor.org),
                ),
            };
            let facts = EmailFacts {
                party: Some(vendor.id.clone()),
                org: Some(vendor.org.clone()),
                system: vendor.systems.first().cloned(),
                date: Some(world.date),
                ..blank_facts()
            };
            receive(
                world,
                Inbound::fresh(kind, from, liaison, subject, facts),
                at,
            );
        }
    }
}

/// HR: an offer and the candidate's acceptance five business days before a hire starts (or on
/// day 1), onboarding mail on the first day, an exit checklist and the leaver's answer the day
/// before a scheduled departure.
fn hr_mail(world: &mut World) {
    let Some(hr) = hr_lead(world) else {
        return;
    };
    let day = world.day;
    let hires = world.spec.lifecycle.hires.clone();
    for hire in &hires {
        let offer_day = hire.day.saturating_sub(5).max(1);
        if hire.day > 1 && offer_day == day {
            let personal = Address {
                name: hire.person.name.clone(),
                email: format!("{}.candidate@mail.example", hire.person.id),
            };
            let chain = new_chain(world);
            let facts = EmailFacts {
                date: Some(world.calendar.date(hire.day)),
                ..blank_facts()
            };
            let subject = format!("Offer: {} at {}", hire.person.role, world.spec.company.name);
            let offer = Outbound {
                chain: chain.clone(),
                kind: EmailKind::Offer,
                from: hr,
                to: vec![personal.clone()],
                cc: Vec::new(),
                subject: subject.clone(),
                in_reply_to: None,
                references: Vec::new(),
                facts: facts.clone(),
            };
            let (start, _) = world.clocks.hours(hr).unwrap_or((0, 0));
            if let Some((offer_id, at)) = send(world, offer, start + 30 * MINUTE)
                && let Some(at) = arrival(world, hr, at)
            {
                receive(
                    world,
                    Inbound {
                        kind: EmailKind::Candidate,
                        from: personal,
                        to: hr,
                        cc: Vec::new(),
                        subject: reply_subject(&subject),
                        in_reply_to: Some(offer_id.clone()),
                        references: vec![offer_id],
                        facts,
                        chain: Some(chain),
                    },
                    at,
                );
            }
        }
        if hire.day == day
            && let Some(&person) = world.person_index.get(&hire.person.id)
        {
            let chain = new_chain(world);
            let facts = EmailFacts {
                date: Some(world.date),
                ..blank_facts()
            };
            let (start, _) = world.clocks.hours(hr).unwrap_or((0, 0));
            let mail = Outbound {
                chain,
                kind: EmailKind::Onboarding,
                from: hr,
                to: vec![address(world, person)],
                cc: Vec::new(),
                subject: format!(
                    "Welcome to {}, {}",
                    world.spec.company.name, hire.person.name
                ),
                in_reply_to: None,
                references: Vec::new(),
                facts,
            };
            send(world, mail, start + 20 * MINUTE);
        }
    }
    let departures = world.spec.lifecycle.departures.clone();
    for departure in departures.iter().filter(|d| d.day == day + 1) {
        let Some(&person) = world.person_index.get(&departure.person) else {
            continue;
        };
        if !world.clocks.present(person) {
            continue;
        }
        let chain = new_chain(world);
        let facts = EmailFacts {
            date: Some(world.calendar.date(departure.day)),
            ..blank_facts()
        };
        let subject = format!("Exit checklist for {}", world.people[person].name);
        let (start, _) = world.clocks.hours(hr).unwrap_or((0, 0));
        let checklist = Outbound {
            chain: chain.clone(),
            kind: EmailKind::ExitChecklist,
            from: hr,
            to: vec![address(world, person)],
            cc: Vec::new(),
            subject: subject.clone(),
            in_reply_to: None,
            references: Vec::new(),
            facts: facts.clone(),
        };
        let Some((checklist_id, at)) = send(world, checklist, start + 40 * MINUTE) else {
            continue;
        };
        // The leaver answers from their company mailbox: an inbound message for HR.
        let Some(block) = world.clocks.message(person, at + 30 * MINUTE) else {
            continue;
        };
        let answered = world.stamp(block, 0);
        receive(
            world,
            Inbound {
                kind: EmailKind::Exit,
                from: address(world, person),
                to: hr,
                cc: Vec::new(),
                subject: reply_subject(&subject),
                in_reply_to: Some(checklist_id.clone()),
                references: vec![checklist_id],
                facts,
                chain: Some(chain),
            },
            answered + MINUTE,
        );
    }
}

/// Status updates to customers who depend on an incident's system: at opening, mitigation and
/// resolution, each a reply in one thread per incident and customer; postmortem summaries to
/// enterprise customers.
fn incident_updates(world: &mut World) {
    for i in 0..world.incidents.len() {
        let stage = world.incidents[i].stage;
        let system = world.incidents[i].system;
        let system_id = world.systems[system].id.clone();
        let incident_id = world.incidents[i].id.clone();
        let since = world.incidents[i]
            .timeline
            .last()
            .map_or(0, |t| t.at.timestamp());
        for c in 0..world.spec.external.customers.len() {
            let customer = world.spec.external.customers[c].clone();
            if !customer.depends_on.contains(&system_id) || customer.contacts.is_empty() {
                continue;
            }
            let key = (incident_id.clone(), c);
            let previous = world.email.updates.get(&key).cloned();
            let due = match (&previous, stage) {
                (None, _) => true,
                (Some(t), s) => s > t.stage && s != IncidentStage::Investigating,
            };
            if !due {
                continue;
            }
            let Some(liaison) = liaison_of(world, c) else {
                continue;
            };
            if !world.clocks.present(liaison) {
                continue;
            }
            let to = addresses(&customer.contacts);
            let (chain, references, in_reply_to) = match &previous {
                Some(t) => (
                    t.chain.clone(),
                    t.messages.clone(),
                    t.messages.last().cloned(),
                ),
                None => (new_chain(world), Vec::new(), None),
            };
            let name = world.systems[system].name.clone();
            let subject = match &previous {
                None => format!("Incident update: {name} ({incident_id})"),
                Some(_) => reply_subject(&format!("Incident update: {name} ({incident_id})")),
            };
            let facts = EmailFacts {
                party: Some(customer.id.clone()),
                org: Some(customer.org.clone()),
                incident: Some(incident_id.clone()),
                system: Some(system_id.clone()),
                severity: Some(world.incidents[i].severity),
                stage: Some(stage),
                ..blank_facts()
            };
            let mail = Outbound {
                chain: chain.clone(),
                kind: EmailKind::IncidentUpdate,
                from: liaison,
                to,
                cc: Vec::new(),
                subject,
                in_reply_to,
                references: references.clone(),
                facts,
            };
            if let Some((id, _)) = send(world, mail, since + 15 * MINUTE) {
                let mut messages = references;
                messages.push(id);
                world.email.updates.insert(
                    key,
                    UpdateThread {
                        chain,
                        messages,
                        stage,
                    },
                );
            }
        }
        // Postmortem summaries to enterprise customers once the postmortem is out.
        if world.incidents[i].postmortem_published
            && !world.email.summarized.contains_key(&incident_id)
        {
            world.email.summarized.insert(incident_id.clone(), ());
            for c in 0..world.spec.external.customers.len() {
                let customer = world.spec.external.customers[c].clone();
                if customer.tier != Tier::Enterprise || !customer.depends_on.contains(&system_id) {
                    continue;
                }
                let Some(liaison) = liaison_of(world, c) else {
                    continue;
                };
                if !world.clocks.present(liaison) || customer.contacts.is_empty() {
                    continue;
                }
                let chain = new_chain(world);
                let to = addresses(&customer.contacts);
                let facts = EmailFacts {
                    party: Some(customer.id.clone()),
                    org: Some(customer.org.clone()),
                    incident: Some(incident_id.clone()),
                    system: Some(system_id.clone()),
                    severity: Some(world.incidents[i].severity),
                    root_cause: Some(world.incidents[i].root_cause.clone()),
                    ..blank_facts()
                };
                let mail = Outbound {
                    chain,
                    kind: EmailKind::PostmortemSummary,
                    from: liaison,
                    to,
                    cc: Vec::new(),
                    subject: format!("Postmortem summary: {incident_id}"),
                    in_reply_to: None,
                    references: Vec::new(),
                    facts,
                };
                let start = world.clocks.hours(liaison).map_or(0, |h| h.0);
                send(world, mail, start + 2 * 60 * MINUTE);
            }
        }
    }
}

/// Follow-ups due today, by whoever replied (when still here).
fn follow_ups(world: &mut World) {
    let due: Vec<FollowUp> = world
        .email
        .follow_ups
        .iter()
        .filter(|f| f.day <= world.day)
        .cloned()
        .collect();
    world.email.follow_ups.retain(|f| f.day > world.day);
    for f in due {
        if !world.clocks.present(f.from) {
            continue;
        }
        let start = world.clocks.hours(f.from).map_or(0, |h| h.0);
        let mail = Outbound {
            chain: f.chain,
            kind: EmailKind::FollowUp,
            from: f.from,
            to: f.to,
            cc: Vec::new(),
            subject: f.subject,
            in_reply_to: f.references.last().cloned(),
            references: f.references,
            facts: f.facts,
        };
        send(world, mail, start + 60 * MINUTE);
    }
}

/// Customer sentiment in scenario order, rounded, for the daily series.
pub(crate) fn sentiments(world: &World) -> Vec<(String, f64)> {
    world
        .email
        .customers
        .iter()
        .map(|c| {
            (
                world.spec.external.customers[c.index].id.clone(),
                (c.sentiment * 10_000.0).round() / 10_000.0,
            )
        })
        .collect()
}
