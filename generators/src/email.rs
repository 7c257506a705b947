//! Email messages (`email/<mailbox>/<local part of the Message-ID>.eml`): one RFC 5322 file per
//! `email_received` or `email_sent` event, built with `mail-builder`.
//!
//! Every header comes from the event: `Message-ID`, `In-Reply-To` and `References` (angle
//! brackets added here), `Date` (the event's timestamp with the company's UTC offset, RFC 5322
//! form), `From`/`To`/`Cc` (display names encoded by the builder when they need it), `Subject`.
//! orgforge adds `X-OrgForge-Chain`, `X-OrgForge-Kind` and `X-OrgForge-Event` (provenance).
//! The body is one `text/plain; charset="utf-8"` part, so there is no MIME boundary; the
//! builder picks 7bit, quoted-printable or base64 from the bytes alone. Nothing depends on the
//! clock, the host name or randomness: the same events give the same bytes.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address as MailAddress;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use orgforge_engine::artifact::ArtifactRef;
use orgforge_engine::event::{Address, EmailFacts, EmailKind, Event, EventKind};
use orgforge_engine::scenario::WritingStyle;
use serde_json::{Value, json};

use crate::RenderError;
use crate::lookup::{Lookup, request_as, write};
use crate::prose::{Persona, ProseBackend, ProseKind};
use crate::slack::{severity_name, stage_name};

/// The fields an `email_received` and an `email_sent` event share.
#[derive(Debug, Clone, Copy)]
pub struct EmailView<'e> {
    /// True for inbound mail (`email_received`).
    pub inbound: bool,
    /// Message-ID without angle brackets.
    pub message_id: &'e str,
    /// Chain id, "EML-n".
    pub chain: &'e str,
    /// Person id whose mailbox files the message.
    pub mailbox: &'e str,
    /// What the mail is about.
    pub kind: EmailKind,
    /// Sender.
    pub from: &'e Address,
    /// Recipients.
    pub to: &'e [Address],
    /// Copied recipients.
    pub cc: &'e [Address],
    /// Subject line.
    pub subject: &'e str,
    /// Message-ID this one answers.
    pub in_reply_to: Option<&'e str>,
    /// Message-IDs of the thread, oldest first.
    pub references: &'e [String],
    /// Facts the body may use.
    pub facts: &'e EmailFacts,
}

/// The email an event carries, if it is an `email_received` or `email_sent`.
pub fn view(kind: &EventKind) -> Option<EmailView<'_>> {
    match kind {
        EventKind::EmailReceived(mail) | EventKind::EmailSent(mail) => Some(EmailView {
            inbound: matches!(kind, EventKind::EmailReceived(_)),
            message_id: &mail.message_id,
            chain: &mail.chain,
            mailbox: &mail.mailbox,
            kind: mail.kind,
            from: &mail.from,
            to: &mail.to,
            cc: &mail.cc,
            subject: &mail.subject,
            in_reply_to: mail.in_reply_to.as_deref(),
            references: &mail.references,
            facts: &mail.facts,
        }),
        _ => None,
    }
}

/// Snake-case name of an email kind (as in `events.jsonl` and `X-OrgForge-Kind`).
pub fn kind_name(kind: EmailKind) -> &'static str {
    match kind {
        EmailKind::Complaint => "complaint",
        EmailKind::Renewal => "renewal",
        EmailKind::VendorBilling => "vendor_billing",
        EmailKind::VendorSecurity => "vendor_security",
        EmailKind::VendorOutage => "vendor_outage",
        EmailKind::Candidate => "candidate",
        EmailKind::Exit => "exit",
        EmailKind::Acknowledgement => "acknowledgement",
        EmailKind::Reply => "reply",
        EmailKind::FollowUp => "follow_up",
        EmailKind::IncidentUpdate => "incident_update",
        EmailKind::PostmortemSummary => "postmortem_summary",
        EmailKind::Offer => "offer",
        EmailKind::Onboarding => "onboarding",
        EmailKind::ExitChecklist => "exit_checklist",
    }
}

/// The prose kind that writes the body of an email of this kind.
fn prose_kind(kind: EmailKind) -> ProseKind {
    match kind {
        EmailKind::Complaint => ProseKind::EmailComplaint,
        EmailKind::Renewal => ProseKind::EmailRenewal,
        EmailKind::VendorBilling => ProseKind::EmailVendorBilling,
        EmailKind::VendorSecurity => ProseKind::EmailVendorSecurity,
        EmailKind::VendorOutage => ProseKind::EmailVendorOutage,
        EmailKind::Candidate => ProseKind::EmailCandidate,
        EmailKind::Exit => ProseKind::EmailExit,
        EmailKind::Acknowledgement => ProseKind::EmailAcknowledgement,
        EmailKind::Reply => ProseKind::EmailReply,
        EmailKind::FollowUp => ProseKind::EmailFollowUp,
        EmailKind::IncidentUpdate => ProseKind::EmailIncidentUpdate,
        EmailKind::PostmortemSummary => ProseKind::EmailPostmortemSummary,
        EmailKind::Offer => ProseKind::EmailOffer,
        EmailKind::Onboarding => ProseKind::EmailOnboarding,
        EmailKind::ExitChecklist => ProseKind::EmailExitChecklist,
    }
}

/// First word of a display name, or the local part of the address when the name is empty.
fn first_name(address: &Address) -> String {
    address
        .name
        .split_whitespace()
        .next()
        .map(str::to_string)
        .unwrap_or_else(|| {
            address
                .email
                .split('@')
                .next()
                .unwrap_or(&address.email)
                .to_string()
        })
}

/// Display name of an address: its name, else the address itself.
fn display_name(address: &Address) -> &str {
    if address.name.trim().is_empty() {
        &address.email
    } else {
        &address.name
    }
}

/// Who writes the body: the roster person whose address sent it, else an outside correspondent
/// whose voice follows the kind of mail and its tone.
fn author(
    lookup: &Lookup<'_>,
    event: &Event,
    mail: &EmailView<'_>,
) -> Result<Persona, RenderError> {
    if let Some(person) = lookup.person_by_email(&mail.from.email) {
        return lookup.persona(event, &person.id);
    }
    if !mail.inbound {
        return lookup.persona(event, mail.mailbox);
    }
    let (role, style) = match mail.kind {
        EmailKind::Complaint | EmailKind::Renewal if mail.facts.tone >= 0.6 => {
            ("customer contact", WritingStyle::Blunt)
        }
        EmailKind::Complaint | EmailKind::Renewal => ("customer contact", WritingStyle::Formal),
        EmailKind::VendorBilling | EmailKind::VendorSecurity | EmailKind::VendorOutage => {
            ("vendor contact", WritingStyle::Formal)
        }
        EmailKind::Candidate => ("candidate", WritingStyle::Friendly),
        _ => ("correspondent", WritingStyle::Friendly),
    };
    Ok(Persona {
        id: mail
            .facts
            .party
            .clone()
            .unwrap_or_else(|| mail.from.email.clone()),
        name: display_name(mail.from).to_string(),
        role: role.to_string(),
        style,
        quirks: Vec::new(),
    })
}

/// The template context and the required facts of an email's body.
fn body_facts(
    lookup: &Lookup<'_>,
    event: &Event,
    mail: &EmailView<'_>,
) -> Result<(Value, Vec<String>), RenderError> {
    let facts = mail.facts;
    let company = lookup.outcome.scenario.company.name.clone();
    let system = match &facts.system {
        Some(id) => lookup.system_json(event, id)?,
        None => Value::Null,
    };
    let system_name = system
        .pointer("/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let to = mail.to.first().unwrap_or(mail.from);
    let sender_org = if mail.inbound {
        match lookup.person_by_email(&mail.from.email) {
            Some(_) => None,
            None => facts.org.clone(),
        }
    } else {
        Some(company.clone())
    };
    let stage = facts.stage.map(stage_name);
    let root_cause = facts
        .root_cause
        .as_deref()
        .map(|cause| cause.trim().trim_end_matches('.').to_string());
    let context = json!({
        "company": company,
        "subject": mail.subject,
        "to": {"name": display_name(to), "first_name": first_name(to)},
        "sender": {"name": display_name(mail.from), "org": sender_org},
        "org": facts.org,
        "party": facts.party,
        "incident": facts.incident,
        "system": system,
        "severity": facts.severity.map(severity_name),
        "stage": stage,
        "ticket": facts.ticket,
        "angry": facts.tone >= 0.6,
        "calm": facts.tone < 0.3,
        "renewal_date": facts.renewal_date.map(|date| date.to_string()),
        "date": facts.date.map(|date| date.to_string()),
        "root_cause": root_cause,
    });
    let mut required: Vec<String> = Vec::new();
    let mut push = |fact: Option<String>| {
        if let Some(fact) = fact.filter(|fact| !fact.is_empty()) {
            required.push(fact);
        }
    };
    let system_fact = (!system_name.is_empty()).then(|| system_name.clone());
    match mail.kind {
        EmailKind::Complaint => {
            push(facts.org.clone());
            push(system_fact);
        }
        EmailKind::Renewal => {
            push(facts.org.clone());
            push(facts.renewal_date.map(|date| date.to_string()));
        }
        EmailKind::VendorBilling => push(facts.org.clone()),
        EmailKind::VendorSecurity | EmailKind::VendorOutage => {
            push(facts.org.clone());
            push(system_fact);
        }
        EmailKind::Candidate
        | EmailKind::Exit
        | EmailKind::Offer
        | EmailKind::Onboarding
        | EmailKind::ExitChecklist => push(facts.date.map(|date| date.to_string())),
        EmailKind::Acknowledgement => push(facts.ticket.clone()),
        EmailKind::Reply | EmailKind::FollowUp => {
            push(facts.ticket.clone());
            push(facts.incident.clone());
        }
        EmailKind::IncidentUpdate => {
            push(facts.incident.clone());
            push(stage.map(str::to_string));
            push(system_fact);
        }
        EmailKind::PostmortemSummary => {
            push(facts.incident.clone());
            push(root_cause);
        }
    }
    Ok((context, required))
}

/// Column at which body lines are wrapped, as mail clients do: short lines keep ASCII bodies
/// in 7bit and readable in any client.
const BODY_WIDTH: usize = 72;

/// Wraps every line of `text` at word boundaries so no line exceeds `width` characters (a
/// single longer word stays whole on its own line).
fn wrap(text: &str, width: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut current = String::new();
        let mut length = 0;
        for word in line.split(' ') {
            let word_length = word.chars().count();
            if length > 0 && length + 1 + word_length > width {
                out.push(std::mem::take(&mut current));
                length = 0;
            }
            if length > 0 {
                current.push(' ');
                length += 1;
            }
            current.push_str(word);
            length += word_length;
        }
        out.push(current);
    }
    out.join("\n")
}

/// A mail-builder address from an event address (no display name when it is empty).
fn mail_address(address: &Address) -> MailAddress<'_> {
    let name = address.name.trim();
    MailAddress::new_address((!name.is_empty()).then_some(name), address.email.as_str())
}

/// A list of addresses as one header value.
fn address_list(addresses: &[Address]) -> MailAddress<'_> {
    MailAddress::new_list(addresses.iter().map(mail_address).collect())
}

/// The bytes of one `.eml` file: the headers of the event and the body from the prose backend.
pub(crate) fn render(
    lookup: &Lookup<'_>,
    path: &str,
    events: &[&Event],
    prose: &mut dyn ProseBackend,
) -> Result<Vec<u8>, RenderError> {
    let Some((event, mail)) = events
        .iter()
        .find_map(|event| view(&event.kind).map(|mail| (*event, mail)))
    else {
        return Err(RenderError::MissingEvent {
            path: path.to_string(),
            expected: "email_received or email_sent",
        });
    };
    let expected = ArtifactRef::Email {
        mailbox: mail.mailbox.to_string(),
        message_id: mail.message_id.to_string(),
    }
    .path();
    if expected != path {
        return Err(RenderError::UnlistedArtifact {
            event: event.id.clone(),
            path: path.to_string(),
        });
    }
    let (context, required) = body_facts(lookup, event, &mail)?;
    let persona = author(lookup, event, &mail)?;
    // Every mail of a thread is a part of it, placed by its position in the thread.
    let thread = mail
        .references
        .first()
        .map_or(mail.message_id, String::as_str);
    let request = request_as(event, 0, prose_kind(mail.kind), persona, required, context).in_group(
        format!("email-thread/{thread}"),
        u32::try_from(mail.references.len()).unwrap_or(u32::MAX),
    );
    let body = write(prose, &request)?;
    let body = format!("{}\n", wrap(body.trim_end(), BODY_WIDTH)).replace('\n', "\r\n");

    let provenance: Vec<&str> = events.iter().map(|event| event.id.as_str()).collect();
    let mut builder = MessageBuilder::new()
        .from(mail_address(mail.from))
        .to(address_list(mail.to));
    if !mail.cc.is_empty() {
        builder = builder.cc(address_list(mail.cc));
    }
    builder = builder
        .subject(mail.subject)
        .header("Date", Raw::new(event.timestamp.to_rfc2822()))
        .message_id(mail.message_id);
    if let Some(parent) = mail.in_reply_to {
        builder = builder.in_reply_to(parent);
    }
    if !mail.references.is_empty() {
        builder = builder.references(MessageId::new_list(
            mail.references.iter().map(String::as_str),
        ));
    }
    builder = builder
        .header("X-OrgForge-Chain", Raw::new(mail.chain))
        .header("X-OrgForge-Kind", Raw::new(kind_name(mail.kind)))
        .header("X-OrgForge-Event", Raw::new(provenance.join(", ")))
        .header("MIME-Version", Raw::new("1.0"))
        .text_body(body);
    builder
        .write_to_vec()
        .map_err(|error| RenderError::Serialize {
            path: path.to_string(),
            message: error.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_distinct_names_and_prose() {
        let kinds = [
            EmailKind::Complaint,
            EmailKind::Renewal,
            EmailKind::VendorBilling,
            EmailKind::VendorSecurity,
            EmailKind::VendorOutage,
            EmailKind::Candidate,
            EmailKind::Exit,
            EmailKind::Acknowledgement,
            EmailKind::Reply,
            EmailKind::FollowUp,
            EmailKind::IncidentUpdate,
            EmailKind::PostmortemSummary,
            EmailKind::Offer,
            EmailKind::Onboarding,
            EmailKind::ExitChecklist,
        ];
        for kind in kinds {
            let serialized = serde_json::to_value(kind).ok();
            assert_eq!(serialized, Some(Value::from(kind_name(kind))));
            assert_eq!(
                prose_kind(kind).name(),
                format!("email_{}", kind_name(kind))
            );
        }
    }

    #[test]
    fn bodies_wrap_at_word_boundaries() {
        let text = "one two three four five six\n\nseven";
        assert_eq!(wrap(text, 9), "one two\nthree\nfour five\nsix\n\nseven");
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            "averyveryverylongword\nx"
        );
    }

    #[test]
    fn first_names_fall_back_to_the_local_part() {
        let named = Address {
            name: "Zoë \"Z\" O'Neil, Jr.".to_string(),
            email: "zoe@example.com".to_string(),
        };
        assert_eq!(first_name(&named), "Zoë");
        let bare = Address {
            name: String::new(),
            email: "ops@example.com".to_string(),
        };
        assert_eq!(first_name(&bare), "ops");
        assert_eq!(display_name(&bare), "ops@example.com");
    }
}
