//! `roster`: nobody acts before joining or on or after leaving. Authored items are compared by
//! local date with the calendar dates of `joined_day` and `left_day`; event actors by day index.
//! The snapshot's active/departed lists and Slack's `deleted` flags agree with the roster.

use std::collections::BTreeSet;

use super::calendar::business_dates;
use super::{Check, Context, Findings};

/// Fact names that give a person a role in an event.
const ROLES: &[&str] = &[
    "assignee",
    "reviewer",
    "reviewers",
    "author",
    "reporter",
    "merged_by",
    "on_call",
    "commander",
    "responders",
    "by",
    "asker",
    "answerer",
    "lead",
    "report",
    "participants",
    "attendees",
    "with",
    "resolved_by",
    "covered_by",
    "mentor",
    "mailbox",
];

/// Runs the check.
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("roster");
    let Some(snapshot) = &run.snapshot else {
        return findings.finish();
    };
    let roster = run.roster();

    for event in &run.events {
        // The departure event names the leaver on their last day by design.
        let leaver = match serde_json::to_value(&event.kind) {
            Ok(value) if event.kind.type_name() == "employee_departed" => value
                .get("facts")
                .and_then(|facts| facts.get("person"))
                .and_then(|person| person.as_str().map(str::to_string)),
            _ => None,
        };
        for actor in &event.actors {
            let Some(person) = roster.get(actor.as_str()) else {
                continue;
            };
            if event.day < person.joined_day {
                findings.flag(format!(
                    "{}: {actor} acts on day {}, before joining on day {}",
                    event.id, event.day, person.joined_day
                ));
            }
            if let Some(left) = person.left_day
                && event.day >= left
                && leaver.as_deref() != Some(actor.as_str())
            {
                findings.flag(format!(
                    "{}: {actor} acts on day {}, after leaving on day {left}",
                    event.id, event.day
                ));
            }
        }
    }

    // Nobody holds a role in anything stamped on or after their departure: assignee, reviewer,
    // on call, responder, recipient... (a PR's `author` in later review and merge events is who
    // opened it, a fact of the past; departure and handoff events name the leaver by design).
    for event in &run.events {
        let kind = event.kind.type_name();
        if matches!(
            kind,
            "employee_departed"
                | "work_reassigned"
                | "rotation_updated"
                | "system_owner_changed"
                | "account_lapsed"
                | "knowledge_orphaned"
                | "knowledge_gap_detected"
                | "knowledge_claimed"
        ) {
            continue;
        }
        let Ok(value) = serde_json::to_value(&event.kind) else {
            continue;
        };
        let facts = &value["facts"];
        for role in ROLES {
            if *role == "author" && matches!(kind, "pr_reviewed" | "pr_merged") {
                continue;
            }
            let holders: Vec<&str> = match &facts[*role] {
                serde_json::Value::String(one) => vec![one.as_str()],
                serde_json::Value::Array(many) => many.iter().filter_map(|v| v.as_str()).collect(),
                _ => Vec::new(),
            };
            for holder in holders {
                if let Some(left) = roster.get(holder).and_then(|p| p.left_day)
                    && event.day >= left
                {
                    findings.flag(format!(
                        "{}: {holder} is `{role}` on day {}, after leaving on day {left}",
                        event.id, event.day
                    ));
                }
            }
        }
    }

    if let (Some(scenario), Some(zone)) = (&run.scenario, run.time_zone()) {
        let last_day = snapshot
            .roster
            .people
            .iter()
            .flat_map(|person| [Some(person.joined_day), person.left_day])
            .flatten()
            .max()
            .unwrap_or(0);
        let dates = business_dates(scenario, last_day);
        let date_of = |day: u32| {
            day.checked_sub(1)
                .and_then(|index| dates.get(index as usize))
                .copied()
        };
        for item in &context.items {
            let Some(person) = roster.get(item.person.as_str()) else {
                continue;
            };
            let local = item.at.with_timezone(&zone).date_naive();
            if date_of(person.joined_day).is_some_and(|joined| local < joined) {
                findings.flag(format!(
                    "{}: {} authored it on {local}, before joining",
                    item.place, item.person
                ));
            }
            if let Some(left) = person.left_day.and_then(date_of)
                && local >= left
            {
                findings.flag(format!(
                    "{}: {} authored it on {local}, after leaving on {left}",
                    item.place, item.person
                ));
            }
        }
    }

    let departed: BTreeSet<&str> = snapshot
        .roster
        .people
        .iter()
        .filter(|person| person.left_day.is_some())
        .map(|person| person.id.as_str())
        .collect();
    let listed_departed: BTreeSet<&str> = snapshot.departed.iter().map(String::as_str).collect();
    if departed != listed_departed {
        findings.flag("snapshot.json: departed does not match the roster's left_day entries");
    }
    let active: BTreeSet<&str> = roster
        .keys()
        .copied()
        .filter(|id| !departed.contains(id))
        .collect();
    let listed_active: BTreeSet<&str> = snapshot.active.iter().map(String::as_str).collect();
    if active != listed_active {
        findings.flag("snapshot.json: active does not match the roster without the departed");
    }
    for user in &run.users {
        if !user.is_bot
            && roster.contains_key(user.name.as_str())
            && user.deleted != departed.contains(user.name.as_str())
        {
            findings.flag(format!(
                "slack/users.json: {} deleted={} disagrees with the roster",
                user.name, user.deleted
            ));
        }
    }
    findings.finish()
}
