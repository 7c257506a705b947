//! Slack export layout: `slack/users.json`, `slack/channels.json` and one file per channel and
//! local date with that day's messages, sorted by `ts` (FORMATS.md).

use std::collections::{BTreeMap, BTreeSet};

use chrono::TimeZone;
use orgforge_engine::event::{Event, EventKind, Handoff, IncidentStage, Intent, Message, Thread};
use orgforge_engine::scenario::Severity;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::ids::{slack_channel_id, slack_user_id};
use crate::lookup::{Lookup, bot_name, format_duration, format_number, write};
use crate::prose::{ProseBackend, ProseKind};
use crate::time_format::{SLACK_TS_MICROS_PER_SECOND, SlackTs};
use crate::{RenderError, RenderedFile, to_json_bytes};

/// Path of the users file.
pub(crate) const USERS_PATH: &str = "slack/users.json";
/// Path of the channels file.
pub(crate) const CHANNELS_PATH: &str = "slack/channels.json";

/// Messages per event that get distinct ts suffixes before they wrap (a thread is far shorter).
const MESSAGES_PER_EVENT_MAX: u64 = 100;

#[derive(Serialize)]
struct User {
    id: String,
    name: String,
    real_name: String,
    deleted: bool,
    is_bot: bool,
    tz: String,
    profile: Profile,
}

#[derive(Serialize)]
struct Profile {
    real_name: String,
    display_name: String,
    email: String,
    title: String,
}

#[derive(Serialize)]
struct Channel {
    id: String,
    name: String,
    created: i64,
    creator: String,
    members: Vec<String>,
    topic: ChannelText,
    purpose: ChannelText,
}

#[derive(Serialize)]
struct ChannelText {
    value: String,
    creator: String,
    last_set: i64,
}

/// A message as Slack exports it, plus orgforge's provenance fields.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SlackMessage {
    #[serde(rename = "type")]
    kind: &'static str,
    user: String,
    text: String,
    ts: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    thread_ts: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_users: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replies: Option<Vec<ReplyRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_user_id: Option<String>,
    orgforge_event: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    orgforge_after_hours: bool,
}

#[derive(Debug, Clone, Serialize)]
struct ReplyRef {
    user: String,
    ts: String,
}

/// A message placed in a channel-day file, with its sort key and event.
#[derive(Debug, Clone)]
pub(crate) struct PlacedMessage {
    /// Sort key within the file.
    pub(crate) ts: SlackTs,
    /// Event the message comes from.
    pub(crate) event: String,
    /// The message.
    pub(crate) message: SlackMessage,
}

/// `users.json` and `channels.json`.
pub(crate) fn render_metadata(lookup: &Lookup<'_>) -> Result<Vec<RenderedFile>, RenderError> {
    let scenario = &lookup.outcome.scenario;
    let mut user_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut users = Vec::new();
    for person in lookup.roster() {
        let id = slack_user_id(&person.id);
        if let Some(first) = user_ids.insert(id.clone(), person.id.clone()) {
            return Err(RenderError::SlackIdCollision {
                id,
                first,
                second: person.id.clone(),
            });
        }
        users.push(User {
            id,
            name: person.id.clone(),
            real_name: person.name.clone(),
            deleted: person.left_day.is_some(),
            is_bot: false,
            tz: scenario.company.timezone.clone(),
            profile: Profile {
                real_name: person.name.clone(),
                display_name: person.id.clone(),
                email: person.email.clone(),
                title: person.role.clone(),
            },
        });
    }

    for bot in lookup.bots() {
        let id = slack_user_id(bot);
        if let Some(first) = user_ids.insert(id.clone(), bot.to_string()) {
            return Err(RenderError::SlackIdCollision {
                id,
                first,
                second: bot.to_string(),
            });
        }
        users.push(User {
            id,
            name: bot.to_string(),
            real_name: bot_name(bot),
            deleted: false,
            is_bot: true,
            tz: scenario.company.timezone.clone(),
            profile: Profile {
                real_name: bot_name(bot),
                display_name: bot.to_string(),
                email: String::new(),
                title: "Incident bot".to_string(),
            },
        });
    }

    let time_zone: chrono_tz::Tz = scenario
        .company
        .timezone
        .parse()
        .map_err(|_| RenderError::TimeZone(scenario.company.timezone.clone()))?;
    let midnight = lookup.first_day().and_time(chrono::NaiveTime::MIN);
    let created = time_zone
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc().timestamp(), |time| time.timestamp());

    let posters = incident_posters(lookup);
    let mut channel_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut channels = Vec::new();
    for department in lookup.departments() {
        let creator = slack_user_id(&department.lead);
        let department_members: Vec<String> = lookup
            .roster()
            .iter()
            .filter(|person| person.department == department.id)
            .map(|person| slack_user_id(&person.id))
            .collect();
        for (position, name) in department.channels.iter().enumerate() {
            let mut members = department_members.clone();
            join_posters(&mut members, posters.get(name.as_str()));
            let id = slack_channel_id(name);
            if let Some(first) = channel_ids.get(&id) {
                if first == name {
                    // The same channel listed by two departments: one entry, first lister wins.
                    continue;
                }
                return Err(RenderError::SlackIdCollision {
                    id,
                    first: first.clone(),
                    second: name.clone(),
                });
            }
            channel_ids.insert(id.clone(), name.clone());
            let topic = if position == 0 {
                format!("{}: team channel", department.name)
            } else {
                format!("{}: #{name}", department.name)
            };
            channels.push(Channel {
                id,
                name: name.clone(),
                created,
                creator: creator.clone(),
                members,
                topic: ChannelText {
                    value: topic,
                    creator: creator.clone(),
                    last_set: created,
                },
                purpose: ChannelText {
                    value: format!("Work chat of {}", department.name),
                    creator: creator.clone(),
                    last_set: created,
                },
            });
        }
    }

    // An incident channel no department lists: created by the first department's lead, its
    // members everyone who posts in it.
    for name in lookup.unlisted_incident_channels() {
        let id = slack_channel_id(name);
        if let Some(first) = channel_ids.insert(id.clone(), name.to_string()) {
            return Err(RenderError::SlackIdCollision {
                id,
                first,
                second: name.to_string(),
            });
        }
        let creator = lookup
            .departments()
            .first()
            .map(|department| slack_user_id(&department.lead))
            .unwrap_or_default();
        let mut members = Vec::new();
        join_posters(&mut members, posters.get(name));
        channels.push(Channel {
            id,
            name: name.to_string(),
            created,
            creator: creator.clone(),
            members,
            topic: ChannelText {
                value: "Incident response".to_string(),
                creator: creator.clone(),
                last_set: created,
            },
            purpose: ChannelText {
                value: "Alerts, pages and one thread per incident".to_string(),
                creator,
                last_set: created,
            },
        });
    }

    Ok(vec![
        RenderedFile {
            path: USERS_PATH.to_string(),
            kind: None,
            bytes: to_json_bytes(USERS_PATH, &users)?,
            events: Vec::new(),
        },
        RenderedFile {
            path: CHANNELS_PATH.to_string(),
            kind: None,
            bytes: to_json_bytes(CHANNELS_PATH, &channels)?,
            events: Vec::new(),
        },
    ])
}

/// Everyone who posts in an incident channel (bots included), by channel, in first-post order.
fn incident_posters<'a>(lookup: &Lookup<'a>) -> BTreeMap<&'a str, Vec<&'a str>> {
    let mut posters: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
    for event in &lookup.outcome.events {
        let Some(thread) = event.kind.thread() else {
            continue;
        };
        if !is_incident_event(&event.kind) {
            continue;
        }
        let authors = posters.entry(thread.channel.as_str()).or_default();
        for message in &thread.messages {
            if !authors.contains(&message.author.as_str()) {
                authors.push(message.author.as_str());
            }
        }
    }
    posters
}

/// Adds the Slack ids of a channel's posters to its members, once each.
fn join_posters(members: &mut Vec<String>, posters: Option<&Vec<&str>>) {
    for poster in posters.into_iter().flatten() {
        let id = slack_user_id(poster);
        if !members.contains(&id) {
            members.push(id);
        }
    }
}

/// True for the events whose threads belong to an incident thread.
fn is_incident_event(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::IncidentOpened(_)
            | EventKind::IncidentStageChanged(_)
            | EventKind::IncidentResolved(_)
    )
}

/// The incident a continuation event (stage change, resolution) posts its messages under.
fn continued_incident(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::IncidentStageChanged(change) => Some(change.incident.as_str()),
        EventKind::IncidentResolved(resolved) => Some(resolved.incident.as_str()),
        _ => None,
    }
}

/// One channel-day file from its placed messages, sorted by `ts`.
pub(crate) fn render_day(
    path: &str,
    mut messages: Vec<PlacedMessage>,
) -> Result<Vec<u8>, RenderError> {
    messages.sort_by_key(|placed| placed.ts);
    let messages: Vec<SlackMessage> = messages.into_iter().map(|placed| placed.message).collect();
    to_json_bytes(path, &messages)
}

/// Path of a channel's file for a local date.
fn day_path(channel: &str, message: &Message) -> String {
    format!("slack/{channel}/{}.json", message.timestamp.date_naive())
}

/// Writes every thread message of the log, assigns unique `ts` per channel (in sequence order)
/// and places each message in its channel-day file. Returns messages by path.
pub(crate) fn render_messages(
    lookup: &Lookup<'_>,
    prose: &mut dyn ProseBackend,
) -> Result<BTreeMap<String, Vec<PlacedMessage>>, RenderError> {
    let mut used: BTreeMap<&str, BTreeSet<SlackTs>> = BTreeMap::new();
    let mut by_path: BTreeMap<String, Vec<PlacedMessage>> = BTreeMap::new();
    let mut incident_roots: BTreeMap<&str, IncidentRoot> = BTreeMap::new();
    for event in &lookup.outcome.events {
        let Some(thread) = event.kind.thread() else {
            continue;
        };
        if !lookup.has_channel(&thread.channel) {
            return Err(RenderError::UnknownChannel {
                event: event.id.clone(),
                channel: thread.channel.clone(),
            });
        }
        let channel_used = used.entry(thread.channel.as_str()).or_default();
        let stamps = assign_ts(event, thread, channel_used);
        let texts = write_thread(lookup, event, thread, prose)?;
        let users: Vec<String> = thread
            .messages
            .iter()
            .map(|message| slack_user_id(&message.author))
            .collect();
        if let (EventKind::IncidentOpened(incident), Some(root)) =
            (&event.kind, thread.messages.first())
        {
            let path = day_path(&thread.channel, root);
            incident_roots.insert(
                incident.incident.as_str(),
                IncidentRoot {
                    channel: thread.channel.clone(),
                    ts: stamps[0],
                    user: users[0].clone(),
                    position: by_path.get(&path).map_or(0, Vec::len),
                    path,
                    replies: users[1..]
                        .iter()
                        .cloned()
                        .zip(stamps[1..].iter().copied())
                        .collect(),
                    continued: false,
                },
            );
        }
        // A stage change or resolution continues its incident's thread: every message is a reply.
        let mut continued = continued_incident(&event.kind)
            .and_then(|incident| incident_roots.get_mut(incident))
            .filter(|root| root.channel == thread.channel);
        let (root_ts, root_user) = match &continued {
            Some(root) => (Some(root.ts.to_string()), Some(root.user.clone())),
            None => (
                stamps.first().map(SlackTs::to_string),
                users.first().cloned(),
            ),
        };
        let has_replies = thread.messages.len() > 1;
        for (index, (message, text)) in thread.messages.iter().zip(texts).enumerate() {
            let path = day_path(&thread.channel, message);
            if !event.artifacts.contains(&path) {
                return Err(RenderError::UnlistedArtifact {
                    event: event.id.clone(),
                    path,
                });
            }
            let ts = stamps[index];
            let mut slack_message = SlackMessage {
                kind: "message",
                user: users[index].clone(),
                text,
                ts: ts.to_string(),
                thread_ts: None,
                reply_count: None,
                reply_users: None,
                replies: None,
                parent_user_id: None,
                orgforge_event: event.id.clone(),
                orgforge_after_hours: message.after_hours,
            };
            if let Some(root) = continued.as_deref_mut() {
                slack_message.thread_ts = root_ts.clone();
                slack_message.parent_user_id = root_user.clone();
                root.replies.push((users[index].clone(), ts));
                root.continued = true;
            } else if has_replies {
                slack_message.thread_ts = root_ts.clone();
                if index == 0 {
                    let mut reply_users: Vec<String> = Vec::new();
                    for user in &users[1..] {
                        if !reply_users.contains(user) {
                            reply_users.push(user.clone());
                        }
                    }
                    slack_message.reply_count = Some(users.len() - 1);
                    slack_message.reply_users = Some(reply_users);
                    slack_message.replies = Some(
                        users[1..]
                            .iter()
                            .zip(&stamps[1..])
                            .map(|(user, ts)| ReplyRef {
                                user: user.clone(),
                                ts: ts.to_string(),
                            })
                            .collect(),
                    );
                } else {
                    slack_message.parent_user_id = root_user.clone();
                }
            }
            by_path.entry(path).or_default().push(PlacedMessage {
                ts,
                event: event.id.clone(),
                message: slack_message,
            });
        }
    }
    for root in incident_roots.into_values().filter(|root| root.continued) {
        let Some(placed) = by_path
            .get_mut(&root.path)
            .and_then(|messages| messages.get_mut(root.position))
        else {
            continue;
        };
        let mut replies = root.replies;
        replies.sort_by_key(|(_, ts)| *ts);
        let mut reply_users: Vec<String> = Vec::new();
        for (user, _) in &replies {
            if !reply_users.contains(user) {
                reply_users.push(user.clone());
            }
        }
        let message = &mut placed.message;
        message.thread_ts = Some(root.ts.to_string());
        message.reply_count = Some(replies.len());
        message.reply_users = Some(reply_users);
        message.replies = Some(
            replies
                .into_iter()
                .map(|(user, ts)| ReplyRef {
                    user,
                    ts: ts.to_string(),
                })
                .collect(),
        );
    }
    Ok(by_path)
}

/// The root message of an incident thread and every reply posted under it so far.
struct IncidentRoot {
    channel: String,
    ts: SlackTs,
    user: String,
    /// Channel-day file of the root and its index in that file's placed messages.
    path: String,
    position: usize,
    replies: Vec<(String, SlackTs)>,
    /// True once a later event replied in the thread.
    continued: bool,
}

/// Unique `ts` for every message of a thread: epoch seconds of the message, a suffix from the
/// event's seq and the message index, never before the previous message of the thread, bumped
/// past any ts already used in the channel.
fn assign_ts(event: &Event, thread: &Thread, used: &mut BTreeSet<SlackTs>) -> Vec<SlackTs> {
    let mut stamps: Vec<SlackTs> = Vec::with_capacity(thread.messages.len());
    for (index, message) in thread.messages.iter().enumerate() {
        let suffix = (event.seq * MESSAGES_PER_EVENT_MAX + index as u64 % MESSAGES_PER_EVENT_MAX)
            % u64::from(SLACK_TS_MICROS_PER_SECOND);
        let mut ts = SlackTs {
            epoch_seconds: message.timestamp.timestamp(),
            micros: suffix as u32,
        };
        if let Some(previous) = stamps.last()
            && ts <= *previous
        {
            ts = previous.next();
        }
        while used.contains(&ts) {
            ts = ts.next();
        }
        used.insert(ts);
        stamps.push(ts);
    }
    stamps
}

/// What a thread is about, as template context, by event type.
struct Subject {
    department: Option<String>,
    sprint: Value,
    standup: Value,
    question: Value,
    design: Value,
    departed: Value,
    hired: Value,
    /// The incident a thread is about, as opened.
    incident: Value,
    /// The on-call person of that incident, if any.
    on_call: Option<String>,
    /// Its commander.
    commander: Option<String>,
    /// A stage change's note and stall flag.
    stage: Value,
    /// A resolution's facts.
    resolution: Value,
    /// Sprint tickets, to find the ones a message author owns.
    sprint_tickets: Vec<Value>,
    /// A relayed email: who wrote it, their organization, its subject, who it is relayed to.
    email: Value,
}

/// Trims a trailing period, so a template can end the sentence itself.
fn sentence_part(text: &str) -> String {
    text.trim().trim_end_matches('.').to_string()
}

/// An incident as templates see it, from its `incident_opened` event.
fn incident_json(lookup: &Lookup<'_>, event: &Event, id: &str) -> Result<Value, RenderError> {
    let Some((opened_event, incident)) = lookup.incident(id) else {
        return Err(RenderError::MissingEvent {
            path: format!("incident {id} (named by {})", event.id),
            expected: "incident_opened",
        });
    };
    let on_call = match &incident.on_call {
        Some(person) => lookup.person_json(opened_event, person)?,
        None => Value::Null,
    };
    Ok(json!({
        "id": incident.incident,
        "title": incident.title,
        "alert": incident.alert,
        "signature": incident.signature,
        "severity": severity_name(incident.severity),
        "system": lookup.system_json(opened_event, &incident.system)?,
        "ticket": lookup.incident_ticket(&incident.incident),
        "on_call": on_call,
        "commander": lookup.person_json(opened_event, &incident.commander)?,
        "after_hours": incident.after_hours,
    }))
}

/// "P1".."P4".
pub(crate) fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::P1 => "P1",
        Severity::P2 => "P2",
        Severity::P3 => "P3",
        Severity::P4 => "P4",
    }
}

/// Lower-case name of an incident stage.
pub(crate) fn stage_name(stage: IncidentStage) -> &'static str {
    match stage {
        IncidentStage::Detected => "detected",
        IncidentStage::Investigating => "investigating",
        IncidentStage::Mitigated => "mitigated",
        IncidentStage::Resolved => "resolved",
    }
}

fn subject(lookup: &Lookup<'_>, event: &Event) -> Result<Subject, RenderError> {
    let mut subject = Subject {
        department: None,
        sprint: Value::Null,
        standup: Value::Null,
        question: Value::Null,
        design: Value::Null,
        departed: Value::Null,
        hired: Value::Null,
        incident: Value::Null,
        on_call: None,
        commander: None,
        stage: Value::Null,
        resolution: Value::Null,
        sprint_tickets: Vec::new(),
        email: Value::Null,
    };
    match &event.kind {
        EventKind::SprintPlanned(sprint) => {
            let tickets = sprint
                .tickets
                .iter()
                .map(|key| lookup.ticket_json(event, key))
                .collect::<Result<Vec<_>, _>>()?;
            subject.department = Some(sprint.department.clone());
            subject.sprint = json!({
                "name": sprint.name,
                "number": sprint.sprint,
                "goal": sprint.goal,
                "start_date": sprint.start_date.to_string(),
                "end_date": sprint.end_date.to_string(),
                "tickets": tickets,
                "carried_over": sprint.carried_over,
                "points": sprint.points_committed,
                "ticket_count": sprint.tickets.len(),
                "attendee_count": sprint.attendees.len(),
                "duration_minutes": sprint.duration_minutes,
            });
            subject.sprint_tickets = tickets;
        }
        EventKind::Standup(standup) => {
            let label = lookup
                .sprint(&standup.department, standup.sprint)
                .map_or_else(|| format!("Sprint {}", standup.sprint), |s| s.name.clone());
            subject.department = Some(standup.department.clone());
            subject.standup = json!({ "sprint_label": label, "sprint": standup.sprint });
        }
        EventKind::AsyncQuestion(question) => {
            let system = match &question.system {
                Some(id) => lookup.system_json(event, id)?,
                None => Value::Null,
            };
            let ticket = match &question.ticket {
                Some(key) => lookup.ticket_json(event, key)?,
                None => Value::Null,
            };
            subject.department = lookup
                .person(event, &question.asker)
                .ok()
                .map(|person| person.department.clone());
            subject.question = json!({
                "asker": lookup.person_json(event, &question.asker)?,
                "expert": lookup.person_json(event, &question.answerer)?,
                "system": system,
                "ticket": ticket,
            });
        }
        EventKind::DesignDiscussion(design) => {
            let participants = design
                .participants
                .iter()
                .map(|id| lookup.person_json(event, id))
                .collect::<Result<Vec<_>, _>>()?;
            subject.department = Some(design.department.clone());
            subject.design = json!({
                "topic": design.topic,
                "system": lookup.system_json(event, &design.system)?,
                "decision": design.decision,
                "alternative": design.alternative,
                "participants": participants,
            });
        }
        EventKind::EmployeeDeparted(departed) => {
            let handoffs = |handoffs: &[Handoff]| {
                handoffs
                    .iter()
                    .map(|handoff| {
                        Ok(json!({
                            "item": handoff.item,
                            "to": lookup.person_json(event, &handoff.to)?,
                        }))
                    })
                    .collect::<Result<Vec<Value>, RenderError>>()
            };
            subject.department = Some(departed.department.clone());
            subject.departed = json!({
                "person": lookup.person_json(event, &departed.person)?,
                "tickets": handoffs(&departed.tickets)?,
                "reviews": handoffs(&departed.reviews)?,
                "pull_requests": handoffs(&departed.pull_requests)?,
            });
        }
        EventKind::IncidentOpened(opened) => {
            subject.incident = incident_json(lookup, event, &opened.incident)?;
            subject.on_call = opened.on_call.clone();
            subject.commander = Some(opened.commander.clone());
        }
        EventKind::IncidentStageChanged(change) => {
            subject.incident = incident_json(lookup, event, &change.incident)?;
            subject.stage = json!({
                "from": stage_name(change.from),
                "note": sentence_part(&change.note),
                "stalled": change.stalled,
            });
        }
        EventKind::IncidentResolved(resolved) => {
            subject.incident = incident_json(lookup, event, &resolved.incident)?;
            subject.resolution = json!({
                "root_cause": sentence_part(&resolved.root_cause),
                "duration": format_duration(resolved.duration_minutes),
                "minutes": resolved.duration_minutes,
                "pr": resolved.pr,
            });
        }
        EventKind::EmailRelayed(relayed) => {
            subject.department = lookup
                .person(event, &relayed.by)
                .ok()
                .map(|person| person.department.clone());
            subject.email = relayed_email_json(lookup, event, relayed)?;
        }
        EventKind::Escalation(escalation) => {
            if let Some(incident) = &escalation.incident {
                subject.incident = incident_json(lookup, event, incident)?;
            }
        }
        EventKind::EmployeeHired(hired) => {
            subject.department = Some(hired.department.clone());
            subject.hired = json!({
                "person": lookup.person_json(event, &hired.person)?,
                "role": hired.role,
                "department": lookup.department_name(&hired.department),
            });
        }
        _ => {}
    }
    Ok(subject)
}

/// A relayed email as templates see it: `from_name`, `org` (the sender's organization, else
/// the domain of their address), `subject`, `message_id`, `chain` and `to` (the person it is
/// relayed to).
fn relayed_email_json(
    lookup: &Lookup<'_>,
    event: &Event,
    relayed: &orgforge_engine::event::EmailRelayed,
) -> Result<Value, RenderError> {
    let mail = lookup
        .email(&relayed.message_id)
        .and_then(|earlier| crate::email::view(&earlier.kind));
    let (from_name, org, subject) = match &mail {
        Some(mail) => {
            let name = if mail.from.name.trim().is_empty() {
                mail.from.email.clone()
            } else {
                mail.from.name.clone()
            };
            let domain = mail
                .from
                .email
                .rsplit_once('@')
                .map_or_else(|| mail.from.email.clone(), |(_, domain)| domain.to_string());
            (
                name,
                mail.facts.org.clone().unwrap_or(domain),
                mail.subject.to_string(),
            )
        }
        None => (String::new(), String::new(), String::new()),
    };
    Ok(json!({
        "from_name": from_name,
        "org": org,
        "subject": subject,
        "message_id": relayed.message_id,
        "chain": relayed.chain,
        "to": lookup.person_json(event, &relayed.to)?,
    }))
}

/// Text of a JSON string field, or "" when absent.
fn text_at<'v>(value: &'v Value, pointer: &str) -> &'v str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// Facts a message with this intent must contain, given what its thread is about.
fn required_facts(intent: &Intent, subject: &Subject, context: &Value) -> Vec<String> {
    let mut required: Vec<String> = Vec::new();
    let mut push = |fact: &str| {
        if !fact.is_empty() {
            required.push(fact.to_string());
        }
    };
    match intent {
        Intent::Announcement => {
            if !subject.sprint.is_null() {
                push(text_at(&subject.sprint, "/name"));
                push(&subject.sprint["points"].to_string());
                for ticket in &subject.sprint_tickets {
                    push(text_at(ticket, "/key"));
                }
            } else if !subject.standup.is_null() {
                push(text_at(&subject.standup, "/sprint_label"));
            } else if !subject.departed.is_null() {
                push(text_at(&subject.departed, "/person/name"));
                if let Some(tickets) = subject.departed["tickets"].as_array() {
                    for ticket in tickets {
                        push(text_at(ticket, "/item"));
                    }
                }
            } else if !subject.hired.is_null() {
                push(text_at(&subject.hired, "/person/mention"));
            }
        }
        Intent::StandupUpdate { blocked, .. } => {
            push(text_at(context, "/update/ticket/key"));
            push(text_at(context, "/update/hours"));
            if *blocked {
                push("blocked");
            }
        }
        Intent::Question => {
            if !subject.question.is_null() {
                push(text_at(&subject.question, "/expert/mention"));
                push(text_at(&subject.question, "/system/name"));
                push(text_at(&subject.question, "/ticket/key"));
            }
        }
        Intent::Answer => {
            if !subject.question.is_null() {
                push(text_at(&subject.question, "/system/name"));
                push(text_at(&subject.question, "/ticket/key"));
            }
        }
        Intent::Thanks => push(text_at(context, "/thanked/mention")),
        Intent::Proposal => {
            if !subject.design.is_null() {
                push(text_at(&subject.design, "/topic"));
                push(text_at(&subject.design, "/decision"));
                push(text_at(&subject.design, "/alternative"));
            }
        }
        Intent::Agreement => push(text_at(&subject.design, "/decision")),
        Intent::Concern => push(text_at(&subject.design, "/alternative")),
        Intent::Decision => {
            push(text_at(&subject.design, "/decision"));
            push(text_at(&subject.design, "/alternative"));
        }
        Intent::FollowUp => {}
        Intent::Alert { .. } => {
            push(text_at(&subject.incident, "/title"));
            push(text_at(&subject.incident, "/signature"));
        }
        Intent::Page { incident, .. } => {
            push(text_at(context, "/page_to/mention"));
            push(incident);
        }
        Intent::Acknowledge { incident } => push(incident),
        Intent::RecurrenceHint { of, .. } => push(of),
        Intent::Escalate { incident, .. } => {
            push(text_at(context, "/escalate_to/mention"));
            push(incident);
        }
        Intent::StatusUpdate { incident, .. } => {
            push(incident);
            push(text_at(context, "/stage/label"));
            push(text_at(context, "/stage/note"));
        }
        Intent::Resolution { incident } => {
            push(incident);
            push(text_at(&subject.resolution, "/root_cause"));
            push(text_at(&subject.resolution, "/duration"));
        }
        Intent::EmailRelay { .. } => {
            push(text_at(&subject.email, "/to/mention"));
            push(text_at(&subject.email, "/org"));
        }
        Intent::EmailRelayReply { .. } => {}
    }
    required
}

/// Writes the text of every message of a thread, in order.
fn write_thread(
    lookup: &Lookup<'_>,
    event: &Event,
    thread: &Thread,
    prose: &mut dyn ProseBackend,
) -> Result<Vec<String>, RenderError> {
    let subject = subject(lookup, event)?;
    let lead = subject
        .department
        .as_deref()
        .and_then(|id| lookup.department(id))
        .map(|(_, department)| department.lead.clone());
    let mut texts = Vec::with_capacity(thread.messages.len());
    for (index, message) in thread.messages.iter().enumerate() {
        let author = message.author.as_str();
        let root_author = thread
            .messages
            .first()
            .map_or(author, |root| root.author.as_str());
        let previous = index
            .checked_sub(1)
            .and_then(|previous| thread.messages.get(previous))
            .filter(|previous| previous.author != author);
        let thanked = match (&event.kind, &message.intent) {
            (EventKind::AsyncQuestion(question), Intent::Thanks) if question.asker == author => {
                Some(question.answerer.as_str())
            }
            (_, Intent::Thanks) if root_author != author => Some(root_author),
            (_, Intent::Thanks) => previous.map(|previous| previous.author.as_str()),
            _ => None,
        }
        .filter(|person| *person != author);
        let lead_json = match &lead {
            Some(lead) if lead != author && lookup.present(lead, event.day) => {
                lookup.person_json(event, lead)?
            }
            _ => Value::Null,
        };
        let update = match &message.intent {
            Intent::StandupUpdate {
                ticket,
                hours_yesterday,
                blocked,
            } => json!({
                "ticket": match ticket {
                    Some(key) => lookup.ticket_json(event, key)?,
                    None => Value::Null,
                },
                "hours": format_number(*hours_yesterday),
                "blocked": blocked,
            }),
            _ => Value::Null,
        };
        let mine: Vec<&Value> = subject
            .sprint_tickets
            .iter()
            .filter(|ticket| text_at(ticket, "/assignee/id") == author)
            .collect();
        let optional_person = |id: Option<&str>| match id {
            Some(id) => lookup.person_json(event, id),
            None => Ok(Value::Null),
        };
        // Built field by field: `json!` would re-serialize the shared subject for every message.
        let mut context = Map::new();
        let mut set = |key: &str, value: Value| {
            context.insert(key.to_string(), value);
        };
        set("event", Value::from(event.kind.type_name()));
        set("channel", Value::from(thread.channel.as_str()));
        set("channel_label", Value::from(format!("#{}", thread.channel)));
        set(
            "date",
            Value::from(message.timestamp.date_naive().to_string()),
        );
        set(
            "department",
            subject
                .department
                .as_deref()
                .map_or(Value::Null, |id| Value::from(lookup.department_name(id))),
        );
        set("index", Value::from(index));
        set("is_root", Value::from(index == 0));
        set("root_author", lookup.person_json(event, root_author)?);
        set(
            "previous_author",
            optional_person(previous.map(|m| m.author.as_str()))?,
        );
        set("thanked", optional_person(thanked)?);
        set("lead", lead_json);
        set("update", update);
        set("mine", Value::Array(mine.into_iter().cloned().collect()));
        set("sprint", subject.sprint.clone());
        set("standup", subject.standup.clone());
        set("question", subject.question.clone());
        set("design", subject.design.clone());
        set("departed", subject.departed.clone());
        set("hired", subject.hired.clone());
        set("incident", subject.incident.clone());
        set("resolution", subject.resolution.clone());
        set("email", subject.email.clone());
        let (page_to, page_to_on_call) = match &message.intent {
            Intent::Page { to, .. } => (
                lookup.person_json(event, to)?,
                subject.on_call.as_deref() == Some(to.as_str()),
            ),
            _ => (Value::Null, false),
        };
        set("page_to", page_to);
        set(
            "escalate_to",
            match &message.intent {
                Intent::Escalate { to, .. } => lookup.person_json(event, to)?,
                _ => Value::Null,
            },
        );
        set("page_to_on_call", Value::from(page_to_on_call));
        set(
            "is_commander",
            Value::from(subject.commander.as_deref() == Some(author)),
        );
        set(
            "recurrence_of",
            match &message.intent {
                Intent::RecurrenceHint { of, .. } => json!({
                    "id": of,
                    "title": lookup.incident(of).map(|(_, earlier)| earlier.title.clone()),
                }),
                _ => Value::Null,
            },
        );
        set(
            "stage",
            match (&message.intent, &subject.stage) {
                (Intent::StatusUpdate { stage, .. }, Value::Object(facts)) => {
                    let mut facts = facts.clone();
                    let label = stage_name(*stage);
                    // An engine note that opens with the stage ("mitigated; root cause ...")
                    // is the update on its own.
                    let leads = facts
                        .get("note")
                        .and_then(Value::as_str)
                        .is_some_and(|note| note.to_lowercase().starts_with(label));
                    facts.insert("label".to_string(), Value::from(label));
                    facts.insert("note_leads".to_string(), Value::from(leads));
                    Value::Object(facts)
                }
                (Intent::StatusUpdate { stage, .. }, _) => json!({
                    "label": stage_name(*stage), "from": Value::Null, "note": "", "stalled": false,
                    "note_leads": false,
                }),
                _ => Value::Null,
            },
        );
        let context = Value::Object(context);
        let required = required_facts(&message.intent, &subject, &context);
        let kind = ProseKind::for_intent(&message.intent);
        let request = lookup
            .request(event, index as u32, kind, author, required, context)?
            .in_group(format!("slack-thread/{}", event.id), index as u32);
        texts.push(write(prose, &request)?);
    }
    Ok(texts)
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use orgforge_engine::event::{DaySummary, Intent, Message, Thread};
    use orgforge_engine::log::EventLog;

    use super::*;

    fn thread(times: &[&str]) -> Thread {
        Thread {
            channel: "platform".to_string(),
            messages: times
                .iter()
                .map(|time| Message {
                    author: "jax".to_string(),
                    timestamp: DateTime::parse_from_rfc3339(time).unwrap_or_default(),
                    intent: Intent::Thanks,
                    after_hours: false,
                })
                .collect(),
        }
    }

    fn events(count: usize) -> Vec<Event> {
        let mut log = EventLog::new();
        let drafts = (0..count)
            .map(|_| orgforge_engine::event::Draft {
                kind: EventKind::DaySummary(DaySummary {
                    headcount: 1,
                    events: 1,
                    tickets_open: 0,
                    tickets_done: 0,
                    prs_open: 0,
                    prs_merged: 0,
                }),
                timestamp: DateTime::parse_from_rfc3339("2026-03-02T09:00:00-06:00")
                    .unwrap_or_default(),
                actors: Vec::new(),
                artifacts: Vec::new(),
                after_hours: false,
                summary: String::new(),
            })
            .collect();
        log.seal_day(1, chrono::NaiveDate::default(), drafts);
        log.into_events()
    }

    #[test]
    fn ts_is_unique_in_a_channel_and_increases_along_a_thread() {
        let events = events(1);
        let mut used = BTreeSet::new();
        let same_second = thread(&[
            "2026-03-02T09:00:00-06:00",
            "2026-03-02T09:00:00-06:00",
            "2026-03-02T09:00:00-06:00",
        ]);
        let first = assign_ts(&events[0], &same_second, &mut used);
        assert!(first.windows(2).all(|pair| pair[0] < pair[1]));
        // The same event again derives the same suffixes: the ts is bumped, not repeated.
        let second = assign_ts(&events[0], &same_second, &mut used);
        assert!(second.iter().all(|ts| !first.contains(ts)));
        assert!(second.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(used.len(), 6);
        assert_eq!(first[0].epoch_seconds, 1_772_463_600);
    }
}
