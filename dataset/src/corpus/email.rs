//! Email: one document per `email/<mailbox>/<id>.eml`, read as a mail client reads it (RFC 5322
//! headers unfolded and RFC 2047-decoded, the body decoded from 7bit, quoted-printable or base64).

use std::collections::BTreeSet;

use chrono::DateTime;
use mail_parser::{Address, HeaderValue, MessageParser};

use super::{Context, Document, DocumentKind, display_time};
use crate::error::DatasetError;
use crate::run_dir::Run;

/// One mailbox of an address header: display name (may be empty) and address.
struct Mailbox {
    name: String,
    address: String,
}

impl Mailbox {
    /// `Name <address>`, or the bare address.
    fn display(&self) -> String {
        if self.name.is_empty() {
            self.address.clone()
        } else {
            format!("{} <{}>", self.name, self.address)
        }
    }
}

fn mailboxes(value: Option<&Address<'_>>) -> Vec<Mailbox> {
    value
        .map(|address| {
            address
                .iter()
                .filter_map(|addr| {
                    let address = addr.address()?.trim().to_string();
                    let name = addr.name().unwrap_or_default().trim().to_string();
                    Some(Mailbox { name, address })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn header_list(mailboxes: &[Mailbox]) -> String {
    mailboxes
        .iter()
        .map(Mailbox::display)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One document per `.eml` file of the run.
pub(super) fn documents(run: &Run, context: &Context) -> Result<Vec<Document>, DatasetError> {
    let mut documents = Vec::new();
    for (path, bytes) in &run.artifacts {
        let parts: Vec<&str> = path.split('/').collect();
        let ["email", mailbox, file] = parts.as_slice() else {
            continue;
        };
        let Some(stem) = file.strip_suffix(".eml") else {
            continue;
        };
        let bad = |reason: &str| DatasetError::bad_input(&run.root.join(path), None, reason);
        let Some(message) = MessageParser::default().parse(bytes.as_slice()) else {
            return Err(bad("not an RFC 5322 message"));
        };
        let Some(raw_date) = message.header_raw("Date") else {
            return Err(bad("an email without a Date header"));
        };
        let Ok(created) = DateTime::parse_from_rfc2822(raw_date.trim()) else {
            return Err(bad("an email whose Date header does not parse"));
        };
        let from = mailboxes(message.from());
        let to = mailboxes(message.to());
        let cc = mailboxes(message.cc());
        let subject = message.subject().unwrap_or_default().trim().to_string();
        let body = message
            .body_text(0)
            .map(|text| text.replace("\r\n", "\n"))
            .unwrap_or_default();

        let mut text = String::new();
        text.push_str(&format!("From: {}\n", header_list(&from)));
        text.push_str(&format!("To: {}\n", header_list(&to)));
        if !cc.is_empty() {
            text.push_str(&format!("Cc: {}\n", header_list(&cc)));
        }
        text.push_str(&format!("Date: {}\n", display_time(&created)));
        text.push_str(&format!("Subject: {subject}\n\n"));
        text.push_str(body.trim_end());
        text.push('\n');

        let mut access: BTreeSet<String> = BTreeSet::new();
        if context.names.contains_key(*mailbox) {
            access.insert(mailbox.to_string());
        }
        for party in from.iter().chain(&to).chain(&cc) {
            if let Some(person) = context.person_of_email(&party.address) {
                access.insert(person.to_string());
            }
        }
        let author = from
            .first()
            .map(|sender| {
                context
                    .person_of_email(&sender.address)
                    .map_or_else(|| sender.address.clone(), str::to_string)
            })
            .unwrap_or_default();
        let events: BTreeSet<String> = message
            .header("X-OrgForge-Event")
            .and_then(HeaderValue::as_text)
            .map(|list| {
                list.split(',')
                    .map(|id| id.trim().to_string())
                    .filter(|id| !id.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        documents.push(Document {
            id: format!("email-{stem}"),
            kind: DocumentKind::Email,
            title: subject,
            text,
            author,
            timestamp: created.to_rfc3339(),
            day: context.day_of(&created),
            access: access.into_iter().collect(),
            source: vec![path.clone()],
            events,
            handle: message.message_id().unwrap_or(stem).to_string(),
            created,
        });
    }
    Ok(documents)
}
