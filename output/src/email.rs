//! What the event log says about email chains (`EML-n`): which events belong to a chain, and
//! which gate of an inbound email's chain each one passes. Shared by the chain builder, the
//! `email` check of `verify` and its stats, so the three agree by construction.

use orgforge_engine::event::{EmailKind, Event, EventKind, Gate};

/// The gates of an inbound email's chain, in the order they must happen.
pub const GATES: [Gate; 6] = [
    Gate::Acknowledge,
    Gate::Route,
    Gate::Relay,
    Gate::Ticket,
    Gate::Reply,
    Gate::FollowUp,
];

/// Snake-case name of a gate, as in `events.jsonl`.
pub fn gate_name(gate: Gate) -> &'static str {
    match gate {
        Gate::Acknowledge => "acknowledge",
        Gate::Route => "route",
        Gate::Relay => "relay",
        Gate::Ticket => "ticket",
        Gate::Reply => "reply",
        Gate::FollowUp => "follow_up",
    }
}

/// The email chain an event belongs to: the `chain` of the email events, the `email_chain` of a
/// ticket or an escalation.
pub fn chain_of(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::EmailReceived(mail) => Some(&mail.chain),
        EventKind::EmailSent(mail) => Some(&mail.chain),
        EventKind::EmailRelayed(relayed) => Some(&relayed.chain),
        EventKind::EmailDropped(dropped) => Some(&dropped.chain),
        EventKind::TicketCreated(ticket) => ticket.email_chain.as_deref(),
        EventKind::Escalation(escalation) => escalation.email_chain.as_deref(),
        _ => None,
    }
}

/// The gate an event of an email chain passes: the acknowledgement, the routing escalation,
/// the Slack relay, the ticket, the reply, the follow-up. `None` for the inbound email itself,
/// other outbound mail and drops.
pub fn gate_of(kind: &EventKind) -> Option<Gate> {
    match kind {
        EventKind::EmailSent(mail) => match mail.kind {
            EmailKind::Acknowledgement => Some(Gate::Acknowledge),
            EmailKind::Reply => Some(Gate::Reply),
            EmailKind::FollowUp => Some(Gate::FollowUp),
            _ => None,
        },
        EventKind::Escalation(escalation) if escalation.email_chain.is_some() => Some(Gate::Route),
        EventKind::EmailRelayed(_) => Some(Gate::Relay),
        EventKind::TicketCreated(ticket) if ticket.email_chain.is_some() => Some(Gate::Ticket),
        _ => None,
    }
}

/// True for an event that acts on an email chain: every member but the inbound email itself
/// and the drop record.
pub fn is_action(kind: &EventKind) -> bool {
    chain_of(kind).is_some()
        && !matches!(
            kind,
            EventKind::EmailReceived(_) | EventKind::EmailDropped(_)
        )
}

/// The Message-ID of an `email_received` or `email_sent` event.
pub fn message_id(event: &Event) -> Option<&str> {
    match &event.kind {
        EventKind::EmailReceived(mail) => Some(&mail.message_id),
        EventKind::EmailSent(mail) => Some(&mail.message_id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_names_match_serde() {
        for gate in GATES {
            assert_eq!(
                serde_json::to_value(gate).ok(),
                Some(serde_json::Value::from(gate_name(gate)))
            );
        }
        let mut sorted = GATES;
        sorted.sort();
        assert_eq!(sorted, GATES, "gates are declared in chain order");
    }
}
