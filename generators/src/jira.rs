//! JIRA issues: `jira/<KEY-n>.json`, shaped like the JIRA REST API v2 issue with
//! `expand=names,changelog` (FORMATS.md). The state is the ticket's state after the last event
//! that touched it; the changelog records each change with its event's time.

use orgforge_engine::event::{Event, EventKind, Priority, TicketCreated, TicketKind, TicketStatus};
use serde::Serialize;
use serde_json::{Value, json};

use crate::ids::{
    jira_comment_id, jira_history_id, jira_issue_id, jira_issue_number, jira_sprint_id,
};
use crate::lookup::{Lookup, format_number, write};
use crate::prose::{ProseBackend, ProseKind};
use crate::time_format::jira_time;
use crate::{RenderError, to_json_bytes};

/// Seconds per hour, for JIRA's time tracking.
const SECONDS_PER_HOUR: f64 = 3600.0;

#[derive(Serialize)]
struct Issue {
    id: String,
    key: String,
    #[serde(rename = "self")]
    self_url: String,
    fields: Fields,
    changelog: Changelog,
    names: Names,
    orgforge: Provenance,
}

#[derive(Serialize)]
struct Fields {
    summary: String,
    description: String,
    issuetype: Named,
    project: Project,
    status: Status,
    priority: Named,
    assignee: User,
    reporter: User,
    created: String,
    updated: String,
    resolutiondate: Option<String>,
    labels: Vec<String>,
    components: Vec<Named>,
    customfield_10016: u32,
    sprint: Option<Sprint>,
    comment: Comments,
    issuelinks: Vec<Value>,
    timetracking: TimeTracking,
}

#[derive(Serialize)]
struct Named {
    name: String,
}

#[derive(Serialize)]
struct Project {
    key: String,
    name: String,
}

#[derive(Serialize)]
struct Status {
    name: String,
    #[serde(rename = "statusCategory")]
    status_category: StatusCategory,
}

#[derive(Serialize)]
struct StatusCategory {
    key: String,
}

#[derive(Serialize, Clone)]
struct User {
    name: String,
    key: String,
    #[serde(rename = "displayName")]
    display_name: String,
    #[serde(rename = "emailAddress")]
    email_address: String,
}

#[derive(Serialize)]
struct Sprint {
    id: u64,
    name: String,
    state: String,
    #[serde(rename = "startDate")]
    start_date: String,
    #[serde(rename = "endDate")]
    end_date: String,
}

#[derive(Serialize)]
struct Comments {
    comments: Vec<Comment>,
    total: usize,
    #[serde(rename = "maxResults")]
    max_results: usize,
    #[serde(rename = "startAt")]
    start_at: usize,
}

#[derive(Serialize)]
struct Comment {
    id: String,
    author: User,
    body: String,
    created: String,
    updated: String,
}

#[derive(Serialize)]
struct TimeTracking {
    #[serde(rename = "originalEstimateSeconds")]
    original_estimate_seconds: u64,
    #[serde(rename = "timeSpentSeconds")]
    time_spent_seconds: u64,
}

#[derive(Serialize)]
struct Changelog {
    histories: Vec<History>,
}

#[derive(Serialize)]
struct History {
    id: String,
    author: User,
    created: String,
    items: Vec<HistoryItem>,
}

#[derive(Serialize)]
struct HistoryItem {
    field: String,
    #[serde(rename = "fromString")]
    from_string: Option<String>,
    #[serde(rename = "toString")]
    to_string: Option<String>,
}

#[derive(Serialize)]
struct Names {
    customfield_10016: &'static str,
}

#[derive(Serialize)]
struct Provenance {
    events: Vec<String>,
}

fn priority_name(priority: Priority) -> &'static str {
    match priority {
        Priority::Highest => "Highest",
        Priority::High => "High",
        Priority::Medium => "Medium",
        Priority::Low => "Low",
    }
}

fn issue_type_name(kind: TicketKind) -> &'static str {
    match kind {
        TicketKind::Story => "Story",
        TicketKind::Task => "Task",
        TicketKind::Bug => "Bug",
    }
}

fn status_category(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::ToDo => "new",
        TicketStatus::InProgress | TicketStatus::InReview => "indeterminate",
        TicketStatus::Done => "done",
    }
}

/// Moves the status, returning the changelog item when it changed.
fn change_status(status: &mut TicketStatus, to: TicketStatus) -> Option<HistoryItem> {
    if *status == to {
        return None;
    }
    let item = HistoryItem {
        field: "status".to_string(),
        from_string: Some(status.name().to_string()),
        to_string: Some(to.name().to_string()),
    };
    *status = to;
    Some(item)
}

fn seconds(hours: f64) -> u64 {
    (hours.max(0.0) * SECONDS_PER_HOUR).round() as u64
}

fn user(lookup: &Lookup<'_>, event: &Event, id: &str) -> Result<User, RenderError> {
    let person = lookup.person(event, id)?;
    Ok(User {
        name: person.id.clone(),
        key: person.id.clone(),
        display_name: person.name.clone(),
        email_address: person.email.clone(),
    })
}

/// System id, then `incident` and the incident id for an incident's ticket.
fn labels(lookup: &Lookup<'_>, ticket: &TicketCreated) -> Vec<String> {
    let mut labels: Vec<String> = ticket.system.iter().cloned().collect();
    if let Some(incident) = lookup.incident_of_ticket(&ticket.key) {
        labels.push("incident".to_string());
        labels.push(incident.to_string());
    }
    labels
}

/// The ticket key a `jira/<KEY>.json` path names.
fn key_of(path: &str) -> &str {
    path.trim_start_matches("jira/").trim_end_matches(".json")
}

/// The issue's description, written by its reporter.
fn description(
    lookup: &Lookup<'_>,
    event: &Event,
    ticket: &TicketCreated,
    sprint_name: Option<&str>,
    prose: &mut dyn ProseBackend,
) -> Result<String, RenderError> {
    let system = match &ticket.system {
        Some(id) => lookup.system_json(event, id)?,
        None => Value::Null,
    };
    let mut required = Vec::new();
    if let Some(name) = system.get("name").and_then(Value::as_str) {
        required.push(name.to_string());
    }
    let kind = match ticket.kind {
        TicketKind::Story => "story",
        TicketKind::Task => "task",
        TicketKind::Bug => "bug",
    };
    let context = json!({
        "key": ticket.key,
        "title": ticket.title,
        "kind": kind,
        "priority": priority_name(ticket.priority),
        "system": system,
        "points": ticket.story_points,
        "estimate_hours": format_number(ticket.estimate_hours),
        "sprint_name": sprint_name,
        "department": lookup.department_name(&ticket.department),
        "reporter": lookup.person_json(event, &ticket.reporter)?,
        "assignee": lookup.person_json(event, &ticket.assignee)?,
    });
    let request = lookup.request(
        event,
        0,
        ProseKind::TicketDescription,
        &ticket.reporter,
        required,
        context,
    )?;
    write(prose, &request)
}

/// Renders one issue from the events that touched it, in sequence order.
pub(crate) fn render(
    lookup: &Lookup<'_>,
    path: &str,
    events: &[&Event],
    prose: &mut dyn ProseBackend,
) -> Result<Vec<u8>, RenderError> {
    let key = key_of(path);
    let Some((created_event, ticket)) = events.iter().find_map(|event| match &event.kind {
        EventKind::TicketCreated(ticket) if ticket.key == key => Some((*event, ticket)),
        _ => None,
    }) else {
        return Err(RenderError::MissingEvent {
            path: path.to_string(),
            expected: "ticket_created",
        });
    };
    let bad_key = || RenderError::BadTicketKey {
        key: key.to_string(),
    };
    let project_index = lookup.project_index(key).ok_or_else(bad_key)?;
    let number = jira_issue_number(key).ok_or_else(bad_key)?;
    let department = lookup.ticket_department(key).ok_or_else(bad_key)?;
    let id = jira_issue_id(project_index, number);

    let sprint =
        match lookup.ticket_sprint(key) {
            Some((department_id, sprint_number)) => lookup
                .sprint(department_id, sprint_number)
                .map(|planned| Sprint {
                    id: jira_sprint_id(project_index, sprint_number),
                    name: planned.name.clone(),
                    state: if lookup.sprint_closed(department_id, sprint_number) {
                        "closed".to_string()
                    } else {
                        "active".to_string()
                    },
                    start_date: planned.start_date.to_string(),
                    end_date: planned.end_date.to_string(),
                }),
            None => None,
        };

    let description = description(
        lookup,
        created_event,
        ticket,
        sprint.as_ref().map(|sprint| sprint.name.as_str()),
        prose,
    )?;

    let mut status = TicketStatus::ToDo;
    let mut assignee = ticket.assignee.clone();
    let mut spent_hours = 0.0;
    let mut resolution = None;
    let mut updated = created_event.timestamp;
    let mut comments = Vec::new();
    let mut histories = Vec::new();
    for event in events {
        updated = updated.max(event.timestamp);
        let mut items: Vec<HistoryItem> = Vec::new();
        let actor = match &event.kind {
            EventKind::TicketProgressed(progress) if progress.key == key => {
                let spent_before = spent_hours;
                spent_hours = progress.spent_hours;
                items.extend(change_status(&mut status, progress.status_to));
                if progress.person != assignee {
                    let from = lookup.person(event, &assignee)?.name.clone();
                    let to = lookup.person(event, &progress.person)?.name.clone();
                    items.push(HistoryItem {
                        field: "assignee".to_string(),
                        from_string: Some(from),
                        to_string: Some(to),
                    });
                    assignee = progress.person.clone();
                }
                items.push(HistoryItem {
                    field: "timespent".to_string(),
                    from_string: Some(seconds(spent_before).to_string()),
                    to_string: Some(seconds(progress.spent_hours).to_string()),
                });
                if progress.comment {
                    let remaining = progress.estimate_hours - progress.spent_hours;
                    let context = json!({
                        "key": key,
                        "title": ticket.title,
                        "hours": format_number(progress.hours),
                        "spent": format_number(progress.spent_hours),
                        "estimate": format_number(progress.estimate_hours),
                        "remaining": (remaining > 0.0).then(|| format_number(remaining)),
                        "over_estimate": remaining < 0.0,
                        "status_from": progress.status_from.name(),
                        "status_to": progress.status_to.name(),
                        "status_changed": progress.status_from != progress.status_to,
                    });
                    let request = lookup.request(
                        event,
                        0,
                        ProseKind::TicketComment,
                        &progress.person,
                        vec![format_number(progress.hours)],
                        context,
                    )?;
                    let created = jira_time(&event.timestamp);
                    comments.push(Comment {
                        id: jira_comment_id(event.seq).to_string(),
                        author: user(lookup, event, &progress.person)?,
                        body: write(prose, &request)?,
                        created: created.clone(),
                        updated: created,
                    });
                }
                Some(progress.person.as_str())
            }
            EventKind::EmployeeDeparted(departed) => {
                for handoff in departed
                    .tickets
                    .iter()
                    .filter(|handoff| handoff.item == key)
                {
                    let from = lookup.person(event, &handoff.from)?.name.clone();
                    let to = lookup.person(event, &handoff.to)?.name.clone();
                    items.push(HistoryItem {
                        field: "assignee".to_string(),
                        from_string: Some(from),
                        to_string: Some(to),
                    });
                    assignee = handoff.to.clone();
                }
                // The lead who announces the departure records the reassignment.
                event.actors.first().map(String::as_str)
            }
            EventKind::PrOpened(pr) if pr.ticket == key => {
                if status != TicketStatus::Done {
                    items.extend(change_status(&mut status, TicketStatus::InReview));
                }
                Some(pr.author.as_str())
            }
            EventKind::TicketCompleted(done) if done.key == key => {
                spent_hours = done.spent_hours;
                items.extend(change_status(&mut status, TicketStatus::Done));
                items.push(HistoryItem {
                    field: "resolution".to_string(),
                    from_string: None,
                    to_string: Some("Done".to_string()),
                });
                resolution = Some(jira_time(&event.timestamp));
                Some(done.person.as_str())
            }
            _ => None,
        };
        if let Some(actor) = actor
            && !items.is_empty()
        {
            histories.push(History {
                id: jira_history_id(event.seq).to_string(),
                author: user(lookup, event, actor)?,
                created: jira_time(&event.timestamp),
                items,
            });
        }
    }

    let components = match &ticket.system {
        Some(system) => vec![Named {
            name: lookup.system(created_event, system)?.name.clone(),
        }],
        None => Vec::new(),
    };
    let issue = Issue {
        id: id.to_string(),
        key: key.to_string(),
        self_url: format!(
            "https://jira.{}/rest/api/2/issue/{id}",
            lookup.outcome.scenario.company.domain
        ),
        fields: Fields {
            summary: ticket.title.clone(),
            description,
            issuetype: Named {
                name: issue_type_name(ticket.kind).to_string(),
            },
            project: Project {
                key: department.ticket_prefix.clone(),
                name: department.name.clone(),
            },
            status: Status {
                name: status.name().to_string(),
                status_category: StatusCategory {
                    key: status_category(status).to_string(),
                },
            },
            priority: Named {
                name: priority_name(ticket.priority).to_string(),
            },
            assignee: user(lookup, created_event, &assignee)?,
            reporter: user(lookup, created_event, &ticket.reporter)?,
            created: jira_time(&created_event.timestamp),
            updated: jira_time(&updated),
            resolutiondate: resolution,
            labels: labels(lookup, ticket),
            components,
            customfield_10016: ticket.story_points,
            sprint,
            comment: Comments {
                total: comments.len(),
                max_results: comments.len(),
                start_at: 0,
                comments,
            },
            issuelinks: Vec::new(),
            timetracking: TimeTracking {
                original_estimate_seconds: seconds(ticket.estimate_hours),
                time_spent_seconds: seconds(spent_hours),
            },
        },
        changelog: Changelog { histories },
        names: Names {
            customfield_10016: "Story Points",
        },
        orgforge: Provenance {
            events: events.iter().map(|event| event.id.clone()).collect(),
        },
    };
    to_json_bytes(path, &issue)
}
