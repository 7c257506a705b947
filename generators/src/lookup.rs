//! What renderers may look up besides the event at hand: the roster, the scenario's departments,
//! systems and channels, and the facts earlier events fixed (a ticket's title, a sprint's name).
//! Also the bridge to the prose layer: building a request and asking the backend.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use orgforge_engine::event::{
    Event, EventKind, IncidentOpened, PostmortemPublished, SprintPlanned, TicketCreated, is_bot,
};
use orgforge_engine::outcome::{Outcome, RosterEntry};
use orgforge_engine::scenario::{Department, System, WritingStyle};
use serde_json::{Value, json};

use crate::RenderError;
use crate::ids;
use crate::prose::{
    FactPacket, Persona, ProseBackend, ProseKind, ProseRequest, parse_style, prose_seed,
};

/// Formats a quantity of hours or points: integers without a fraction, else up to two decimals.
pub(crate) fn format_number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        let text = format!("{rounded:.2}");
        text.trim_end_matches('0').to_string()
    }
}

/// A failure mode's snake-case kind as words: "connection_pool_exhaustion" -> "connection pool
/// exhaustion".
pub(crate) fn failure_mode_words(kind: &str) -> String {
    kind.replace(['_', '-'], " ")
}

/// An incident's duration in words: "45 min", "2h 15m", "3h", "1d 4h".
pub(crate) fn format_duration(minutes: u32) -> String {
    const HOUR: u32 = 60;
    const DAY: u32 = 24 * HOUR;
    if minutes < HOUR {
        format!("{minutes} min")
    } else if minutes < DAY {
        match minutes % HOUR {
            0 => format!("{}h", minutes / HOUR),
            rest => format!("{}h {rest}m", minutes / HOUR),
        }
    } else {
        match (minutes % DAY) / HOUR {
            0 => format!("{}d", minutes / DAY),
            hours => format!("{}d {hours}h", minutes / DAY),
        }
    }
}

/// Display name of a bot author ("alertbot" -> "Alert Bot").
pub(crate) fn bot_name(id: &str) -> String {
    let stem = id.strip_suffix("bot").unwrap_or(id);
    format!("{} Bot", crate::prose::upper_first(stem))
}

/// Indexes over the outcome, built once per render.
pub(crate) struct Lookup<'a> {
    /// The outcome being rendered.
    pub(crate) outcome: &'a Outcome,
    people: BTreeMap<&'a str, &'a RosterEntry>,
    /// Slack mention of every roster person, computed once (each is a sha256).
    mentions: BTreeMap<&'a str, String>,
    departments: BTreeMap<&'a str, (usize, &'a Department)>,
    systems: BTreeMap<&'a str, &'a System>,
    tickets: BTreeMap<&'a str, &'a TicketCreated>,
    sprints: BTreeMap<(&'a str, u32), &'a SprintPlanned>,
    retros: BTreeSet<(&'a str, u32)>,
    ticket_sprints: BTreeMap<&'a str, (&'a str, u32)>,
    incidents: BTreeMap<&'a str, (&'a Event, &'a IncidentOpened)>,
    postmortems: BTreeMap<(&'a str, u32), (&'a Event, &'a PostmortemPublished)>,
    /// Incident id -> the key of its ticket.
    incident_tickets: BTreeMap<&'a str, &'a str>,
    /// Channels incident threads post in, whether or not a department lists them.
    incident_channels: BTreeSet<&'a str>,
    /// Bot authors that post anywhere in the log, sorted.
    bots: BTreeSet<&'a str>,
    /// Message-ID -> the `email_received` or `email_sent` event carrying it.
    emails: BTreeMap<&'a str, &'a Event>,
}

impl<'a> Lookup<'a> {
    /// Builds the indexes; fails when the event log is not in sequence order.
    pub(crate) fn new(outcome: &'a Outcome) -> Result<Lookup<'a>, RenderError> {
        let scenario = &outcome.scenario;
        let mut lookup = Lookup {
            outcome,
            people: outcome
                .snapshot
                .roster
                .people
                .iter()
                .map(|person| (person.id.as_str(), person))
                .collect(),
            mentions: outcome
                .snapshot
                .roster
                .people
                .iter()
                .map(|person| (person.id.as_str(), mention(&person.id)))
                .collect(),
            departments: scenario
                .departments
                .iter()
                .enumerate()
                .map(|(index, department)| (department.id.as_str(), (index, department)))
                .collect(),
            systems: scenario
                .systems
                .iter()
                .map(|system| (system.id.as_str(), system))
                .collect(),
            tickets: BTreeMap::new(),
            sprints: BTreeMap::new(),
            retros: BTreeSet::new(),
            ticket_sprints: BTreeMap::new(),
            incidents: BTreeMap::new(),
            postmortems: BTreeMap::new(),
            incident_channels: BTreeSet::new(),
            incident_tickets: BTreeMap::new(),
            bots: BTreeSet::new(),
            emails: BTreeMap::new(),
        };
        let mut previous_seq = 0;
        for event in &outcome.events {
            if event.seq <= previous_seq {
                return Err(RenderError::EventOrder {
                    event: event.id.clone(),
                });
            }
            previous_seq = event.seq;
            if let Some(thread) = event.kind.thread() {
                for message in &thread.messages {
                    if is_bot(&message.author) {
                        lookup.bots.insert(message.author.as_str());
                    }
                }
            }
            match &event.kind {
                EventKind::IncidentOpened(incident) => {
                    lookup
                        .incidents
                        .insert(incident.incident.as_str(), (event, incident));
                    lookup
                        .incident_channels
                        .insert(incident.thread.channel.as_str());
                }
                EventKind::PostmortemPublished(postmortem) => {
                    lookup.postmortems.insert(
                        (postmortem.page.space.as_str(), postmortem.page.id),
                        (event, postmortem),
                    );
                }
                EventKind::TicketCreated(ticket) => {
                    lookup.tickets.insert(ticket.key.as_str(), ticket);
                    if let Some(incident) = &ticket.incident {
                        lookup
                            .incident_tickets
                            .insert(incident.as_str(), ticket.key.as_str());
                    }
                    if let Some(sprint) = ticket.sprint {
                        lookup
                            .ticket_sprints
                            .entry(ticket.key.as_str())
                            .or_insert((ticket.department.as_str(), sprint));
                    }
                }
                EventKind::SprintPlanned(sprint) => {
                    lookup
                        .sprints
                        .insert((sprint.department.as_str(), sprint.sprint), sprint);
                    for key in &sprint.tickets {
                        lookup
                            .ticket_sprints
                            .insert(key.as_str(), (sprint.department.as_str(), sprint.sprint));
                    }
                }
                EventKind::EmailReceived(mail) | EventKind::EmailSent(mail) => {
                    lookup.emails.insert(mail.message_id.as_str(), event);
                }
                EventKind::SprintRetro(retro) => {
                    lookup
                        .retros
                        .insert((retro.department.as_str(), retro.sprint));
                }
                _ => {}
            }
        }
        Ok(lookup)
    }

    /// A roster person, or an error naming the event that mentions an unknown one.
    pub(crate) fn person(&self, event: &Event, id: &str) -> Result<&'a RosterEntry, RenderError> {
        self.people
            .get(id)
            .copied()
            .ok_or_else(|| RenderError::UnknownPerson {
                event: event.id.clone(),
                person: id.to_string(),
            })
    }

    /// Every roster person, in roster order.
    pub(crate) fn roster(&self) -> &'a [RosterEntry] {
        &self.outcome.snapshot.roster.people
    }

    /// Whether a person works on a business day (joined, not yet left).
    pub(crate) fn present(&self, id: &str, day: u32) -> bool {
        self.people.get(id).is_some_and(|person| {
            person.joined_day <= day && person.left_day.is_none_or(|left| day < left)
        })
    }

    /// The prose persona of a roster person.
    pub(crate) fn persona(&self, event: &Event, id: &str) -> Result<Persona, RenderError> {
        if is_bot(id) {
            return Ok(Persona {
                id: id.to_string(),
                name: bot_name(id),
                role: "bot".to_string(),
                style: WritingStyle::Terse,
                quirks: Vec::new(),
            });
        }
        let person = self.person(event, id)?;
        let style = parse_style(&person.style).ok_or_else(|| RenderError::UnknownStyle {
            person: person.id.clone(),
            style: person.style.clone(),
        })?;
        Ok(Persona {
            id: person.id.clone(),
            name: person.name.clone(),
            role: person.role.clone(),
            style,
            quirks: person.quirks.clone(),
        })
    }

    /// A person as templates see them: id, name, first name and Slack mention.
    pub(crate) fn person_json(&self, event: &Event, id: &str) -> Result<Value, RenderError> {
        if is_bot(id) {
            return Ok(json!({
                "id": id,
                "name": bot_name(id),
                "first_name": bot_name(id),
                "mention": mention(id),
            }));
        }
        let person = self.person(event, id)?;
        let first_name = person
            .name
            .split_whitespace()
            .next()
            .unwrap_or(&person.name);
        Ok(json!({
            "id": person.id,
            "name": person.name,
            "first_name": first_name,
            "mention": self.mentions.get(person.id.as_str()).cloned().unwrap_or_else(|| mention(&person.id)),
        }))
    }

    /// A department and its position in the scenario.
    pub(crate) fn department(&self, id: &str) -> Option<(usize, &'a Department)> {
        self.departments.get(id).copied()
    }

    /// Every department, in scenario order.
    pub(crate) fn departments(&self) -> &'a [Department] {
        &self.outcome.scenario.departments
    }

    /// Display name of a department, or its id when unknown.
    pub(crate) fn department_name(&self, id: &str) -> String {
        self.department(id)
            .map_or_else(|| id.to_string(), |(_, department)| department.name.clone())
    }

    /// True when a department lists this channel.
    pub(crate) fn has_channel(&self, channel: &str) -> bool {
        self.incident_channels.contains(channel)
            || self
                .departments()
                .iter()
                .any(|department| department.channels.iter().any(|name| name == channel))
    }

    /// Incident channels no department lists, sorted (they get their own `channels.json` entry).
    pub(crate) fn unlisted_incident_channels(&self) -> Vec<&'a str> {
        self.incident_channels
            .iter()
            .copied()
            .filter(|channel| {
                !self
                    .departments()
                    .iter()
                    .any(|department| department.channels.iter().any(|name| name == channel))
            })
            .collect()
    }

    /// Bot authors of the log, sorted.
    pub(crate) fn bots(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.bots.iter().copied()
    }

    /// The incident whose ticket `key` is, if any.
    pub(crate) fn incident_of_ticket(&self, key: &str) -> Option<&'a str> {
        self.ticket(key)?.incident.as_deref()
    }

    /// The ticket key filed for an incident, if any.
    pub(crate) fn incident_ticket(&self, incident: &str) -> Option<&'a str> {
        self.incident_tickets.get(incident).copied()
    }

    /// An incident as opened: its event and facts.
    pub(crate) fn incident(&self, id: &str) -> Option<(&'a Event, &'a IncidentOpened)> {
        self.incidents.get(id).copied()
    }

    /// The `postmortem_published` event that writes the page `space`/`id`, if any.
    pub(crate) fn postmortem(
        &self,
        space: &str,
        id: u32,
    ) -> Option<(&'a Event, &'a PostmortemPublished)> {
        self.postmortems.get(&(space, id)).copied()
    }

    /// A system of the scenario.
    pub(crate) fn system(&self, event: &Event, id: &str) -> Result<&'a System, RenderError> {
        self.systems
            .get(id)
            .copied()
            .ok_or_else(|| RenderError::UnknownSystem {
                event: event.id.clone(),
                system: id.to_string(),
            })
    }

    /// A system as templates see it: names of its owner, dependencies, dependents, failure modes.
    pub(crate) fn system_json(&self, event: &Event, id: &str) -> Result<Value, RenderError> {
        let system = self.system(event, id)?;
        let name_of = |id: &str| {
            self.systems
                .get(id)
                .map_or(id, |s| s.name.as_str())
                .to_string()
        };
        let depends_on: Vec<String> = system.depends_on.iter().map(|id| name_of(id)).collect();
        let dependents: Vec<String> = self
            .outcome
            .scenario
            .systems
            .iter()
            .filter(|other| other.depends_on.iter().any(|dep| dep == &system.id))
            .map(|other| other.name.clone())
            .collect();
        let failure_modes: Vec<String> = system
            .failure_modes
            .iter()
            .map(|mode| failure_mode_words(&mode.kind))
            .collect();
        Ok(json!({
            "id": system.id,
            "name": system.name,
            "owner_department": self.department_name(&system.owner),
            "depends_on": depends_on,
            "dependents": dependents,
            "failure_modes": failure_modes,
        }))
    }

    /// The ticket as filed, when a `ticket_created` event exists for it.
    pub(crate) fn ticket(&self, key: &str) -> Option<&'a TicketCreated> {
        self.tickets.get(key).copied()
    }

    /// A ticket as templates see it: key, title, points, system name and assignee when known.
    pub(crate) fn ticket_json(&self, event: &Event, key: &str) -> Result<Value, RenderError> {
        let Some(ticket) = self.ticket(key) else {
            return Ok(json!({
                "key": key, "title": key, "points": null, "system": null, "assignee": null,
            }));
        };
        let system = match &ticket.system {
            Some(id) => Some(self.system(event, id)?.name.clone()),
            None => None,
        };
        Ok(json!({
            "key": ticket.key,
            "title": ticket.title,
            "points": ticket.story_points,
            "system": system,
            "assignee": self.person_json(event, &ticket.assignee)?,
        }))
    }

    /// Position of the project (department) a ticket key belongs to, for its JIRA id.
    pub(crate) fn project_index(&self, key: &str) -> Option<usize> {
        if let Some((index, _)) = self
            .ticket(key)
            .and_then(|ticket| self.department(&ticket.department))
        {
            return Some(index);
        }
        let (prefix, _) = key.rsplit_once('-')?;
        self.departments()
            .iter()
            .position(|department| department.ticket_prefix == prefix)
    }

    /// The department that owns a ticket key, by its `ticket_created` or its prefix.
    pub(crate) fn ticket_department(&self, key: &str) -> Option<&'a Department> {
        let index = self.project_index(key)?;
        self.departments().get(index)
    }

    /// The sprint a department planned with this number.
    pub(crate) fn sprint(&self, department: &str, number: u32) -> Option<&'a SprintPlanned> {
        self.sprints.get(&(department, number)).copied()
    }

    /// Whether the department held the retro of this sprint (the sprint is closed).
    pub(crate) fn sprint_closed(&self, department: &str, number: u32) -> bool {
        self.retros.contains(&(department, number))
    }

    /// The latest sprint that committed a ticket: department and number.
    pub(crate) fn ticket_sprint(&self, key: &str) -> Option<(&'a str, u32)> {
        self.ticket_sprints.get(key).copied()
    }

    /// Local date of business day 1: the start date moved forward to a work day.
    pub(crate) fn first_day(&self) -> NaiveDate {
        if let Some(event) = self.outcome.events.iter().find(|event| event.day == 1) {
            return event.date;
        }
        let calendar = &self.outcome.scenario.calendar;
        let mut date = self.outcome.scenario.company.start_date;
        for _ in 0..366 {
            let work_day = calendar
                .work_days
                .iter()
                .any(|day| day.to_chrono() == date.weekday());
            if work_day && !calendar.holidays.contains(&date) {
                break;
            }
            date = date.succ_opt().unwrap_or(date);
        }
        date
    }

    /// Builds a self-contained prose request: every leaf of the context becomes an allowed fact.
    pub(crate) fn request(
        &self,
        event: &Event,
        index: u32,
        kind: ProseKind,
        author: &str,
        required: Vec<String>,
        context: Value,
    ) -> Result<ProseRequest, RenderError> {
        let author = self.persona(event, author)?;
        Ok(request_as(event, index, kind, author, required, context))
    }

    /// The `email_received` or `email_sent` event of a Message-ID.
    pub(crate) fn email(&self, message_id: &str) -> Option<&'a Event> {
        self.emails.get(message_id).copied()
    }

    /// A roster person by email address (case-insensitive), if any.
    pub(crate) fn person_by_email(&self, email: &str) -> Option<&'a RosterEntry> {
        self.outcome
            .snapshot
            .roster
            .people
            .iter()
            .find(|person| person.email.eq_ignore_ascii_case(email))
    }
}

/// Builds a self-contained prose request written in `author`'s voice (a roster persona or an
/// outside correspondent): every leaf of the context becomes an allowed fact.
pub(crate) fn request_as(
    event: &Event,
    index: u32,
    kind: ProseKind,
    author: Persona,
    required: Vec<String>,
    context: Value,
) -> ProseRequest {
    let mut facts = FactPacket::default();
    for fact in required {
        facts.require(fact);
    }
    // A set keeps the packet free of duplicates without a quadratic scan (kickoff contexts
    // carry every ticket of the sprint).
    let mut seen: BTreeSet<String> = facts.required.iter().cloned().collect();
    let mut leaves = vec![author.name.clone()];
    collect_leaves(&context, &mut leaves);
    for leaf in leaves {
        if !leaf.is_empty() && seen.insert(leaf.clone()) {
            facts.allowed.push(leaf);
        }
    }
    ProseRequest {
        kind,
        event_id: event.id.clone(),
        seed: prose_seed(&event.hash, index, kind),
        author,
        facts,
        context,
        group: None,
    }
}

/// Slack mention of a person: `<@U...>`.
pub(crate) fn mention(person: &str) -> String {
    format!("<@{}>", ids::slack_user_id(person))
}

/// Every string and number of a JSON value, as text, in document order.
fn collect_leaves(value: &Value, leaves: &mut Vec<String>) {
    match value {
        Value::String(text) => leaves.push(text.clone()),
        Value::Number(number) => leaves.push(number.to_string()),
        Value::Array(items) => items.iter().for_each(|item| collect_leaves(item, leaves)),
        Value::Object(map) => map.values().for_each(|item| collect_leaves(item, leaves)),
        Value::Null | Value::Bool(_) => {}
    }
}

/// Asks the backend for a text, naming the event when it fails.
pub(crate) fn write(
    prose: &mut dyn ProseBackend,
    request: &ProseRequest,
) -> Result<String, RenderError> {
    prose.write(request).map_err(|source| RenderError::Prose {
        event: request.event_id.clone(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_without_noise() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(2.25), "2.25");
        assert_eq!(format_number(1.0 / 3.0), "0.33");
        assert_eq!(format_number(0.0), "0");
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(format_duration(45), "45 min");
        assert_eq!(format_duration(180), "3h");
        assert_eq!(format_duration(135), "2h 15m");
        assert_eq!(format_duration(24 * 60 + 4 * 60 + 5), "1d 4h");
        assert_eq!(format_duration(48 * 60), "2d");
        assert_eq!(bot_name("alertbot"), "Alert Bot");
    }

    #[test]
    fn failure_modes_read_as_words() {
        assert_eq!(
            failure_mode_words("connection_pool_exhaustion"),
            "connection pool exhaustion"
        );
    }
}
