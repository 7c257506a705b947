//! Authored items (FORMATS.md "Authored items and time"): something a person visibly did at a
//! time, collected across every artifact kind.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use orgforge_engine::event::Event;

use super::formats::{SlackTs, parse_jira_time, parse_rfc3339};
use super::run_dir::RunDir;

/// One authored item.
#[derive(Debug, Clone)]
pub(crate) struct AuthoredItem {
    /// Person id (or the raw Slack user id when it does not resolve).
    pub person: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Where it is, for messages: "slack/eng/2026-03-02.json ts 1772...".
    pub place: String,
    /// Flagged as deliberately outside business hours.
    pub after_hours: bool,
}

/// Every authored item of the run, in a fixed order (by file, then position). Items whose time
/// does not parse are left out; `unparsed` receives where they are.
pub(crate) fn authored_items(run: &RunDir, unparsed: &mut Vec<String>) -> Vec<AuthoredItem> {
    let events = run.events_by_id();
    let people = run.slack_people();
    // Bot users (alerts, pages) are system records, not people: their posts are no authored items.
    let bots: BTreeSet<&str> = run
        .users
        .iter()
        .filter(|user| user.is_bot)
        .map(|user| user.id.as_str())
        .collect();
    let mut items = Vec::new();

    for day in &run.slack_days {
        for message in &day.messages {
            if bots.contains(message.user.as_str()) {
                continue;
            }
            let place = format!("{} ts {}", day.path, message.ts);
            let Some(at) = SlackTs::parse(&message.ts).and_then(SlackTs::instant) else {
                unparsed.push(place);
                continue;
            };
            let event_after_hours = message
                .orgforge_event
                .as_deref()
                .and_then(|id| events.get(id))
                .is_some_and(|event| event.after_hours);
            items.push(AuthoredItem {
                person: people
                    .get(message.user.as_str())
                    .map_or_else(|| message.user.clone(), |person| person.to_string()),
                at,
                place,
                after_hours: message.orgforge_after_hours || event_after_hours,
            });
        }
    }

    let mut push = |person: &str,
                    time: Option<DateTime<chrono::FixedOffset>>,
                    place: String,
                    provenance: &[String]| {
        let Some(at) = time else {
            unparsed.push(place);
            return;
        };
        items.push(AuthoredItem {
            person: person.to_string(),
            at: at.with_timezone(&Utc),
            place,
            after_hours: flagged(&events, provenance, person),
        });
    };

    for issue in &run.issues {
        let fields = &issue.value.fields;
        let provenance = &issue.value.orgforge.events;
        if let Some(reporter) = &fields.reporter {
            push(
                &reporter.name,
                parse_jira_time(&fields.created),
                format!("{} created", issue.path),
                provenance,
            );
        }
        for (index, comment) in fields
            .comment
            .iter()
            .flat_map(|page| &page.comments)
            .enumerate()
        {
            push(
                &comment.author.name,
                parse_jira_time(&comment.created),
                format!("{} comment {}", issue.path, index + 1),
                provenance,
            );
        }
    }
    for pull in &run.pulls {
        let pr = &pull.value;
        let provenance = &pr.orgforge.events;
        push(
            &pr.user.login,
            parse_rfc3339(&pr.created_at),
            format!("{} opened", pull.path),
            provenance,
        );
        for (index, review) in pr.reviews.iter().enumerate() {
            push(
                &review.user.login,
                parse_rfc3339(&review.submitted_at),
                format!("{} review {}", pull.path, index + 1),
                provenance,
            );
        }
        if let (Some(merged_by), Some(merged_at)) = (&pr.merged_by, &pr.merged_at) {
            push(
                &merged_by.login,
                parse_rfc3339(merged_at),
                format!("{} merged", pull.path),
                provenance,
            );
        }
    }
    // A sent email is its sender's authored item; a received one is nobody's (it comes from
    // outside, or from a colleague's sent copy).
    for email in &run.emails {
        let file = &email.value;
        let sent = file.events.iter().any(|id| {
            events.get(id.as_str()).is_some_and(|event| {
                matches!(event.kind, orgforge_engine::event::EventKind::EmailSent(_))
            })
        });
        if sent {
            push(
                &file.mailbox,
                file.date,
                format!("{} sent", email.path),
                &file.events,
            );
        }
    }
    for page in &run.pages {
        let front = &page.value;
        push(
            &front.author,
            parse_rfc3339(&front.created),
            format!("{} published", page.path),
            &front.events,
        );
    }
    items
}

/// True when one of the provenance events is flagged after-hours and has `person` as an actor.
fn flagged(events: &BTreeMap<&str, &Event>, provenance: &[String], person: &str) -> bool {
    provenance.iter().any(|id| {
        events.get(id.as_str()).is_some_and(|event| {
            event.after_hours && event.actors.iter().any(|actor| actor == person)
        })
    })
}
