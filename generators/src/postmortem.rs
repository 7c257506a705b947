//! Postmortem pages (`confluence/<SPACE>/<ID>.md`, `kind: postmortem`): the body of a page
//! written from a `postmortem_published` event. Every number, time and name on the page is a
//! fact of that event or of the incident's `incident_opened` event; the two prose sections are
//! written from closed fact packets like every other page section.

use orgforge_engine::event::{Event, KnowledgeGapDetected, PostmortemPublished};
use serde_json::{Value, json};

use crate::RenderError;
use crate::lookup::{Lookup, failure_mode_words, format_duration, write};
use crate::prose::{ProseBackend, ProseKind};
use crate::slack::severity_name;
use crate::time_format::rfc3339;

/// Escapes a table cell: a `|` would end the cell, a newline the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown body of a postmortem page: Summary, Impact, Timeline, Root cause, Contributing
/// factors, Follow-ups. `event` is the event the page's prose belongs to (its publication).
pub(crate) fn body(
    lookup: &Lookup<'_>,
    event: &Event,
    postmortem: &PostmortemPublished,
    prose: &mut dyn ProseBackend,
) -> Result<String, RenderError> {
    let system = lookup.system_json(event, &postmortem.system)?;
    let system_name = lookup.system(event, &postmortem.system)?.name.clone();
    let opened = lookup.incident(&postmortem.incident);
    let title = opened.map(|(_, incident)| incident.title.clone());
    let opened_at = opened.map(|(opened_event, _)| opened_event.timestamp);
    let after_hours = opened.is_some_and(|(_, incident)| incident.after_hours);
    let recurrence_of = opened.and_then(|(_, incident)| incident.recurrence_of.clone());
    let gap = knowledge_gap(lookup, &postmortem.incident);
    let severity = severity_name(postmortem.severity);
    let duration = format_duration(postmortem.duration_minutes);
    let failure_mode = failure_mode_words(&postmortem.failure_mode);
    let root_cause = postmortem
        .root_cause
        .trim()
        .trim_end_matches('.')
        .to_string();
    let author = postmortem.author.as_str();
    // Both sections are parts of the page.
    let page = format!(
        "confluence/{}/{}.md",
        postmortem.page.space, postmortem.page.id
    );

    let summary_context = json!({
        "incident": postmortem.incident,
        "title": title.clone().unwrap_or_else(|| postmortem.incident.clone()),
        "system": system,
        "severity": severity,
        "duration": duration,
        "minutes": postmortem.duration_minutes,
        "opened_date": opened_at.map_or_else(
            || event.date.to_string(),
            |at| at.date_naive().to_string(),
        ),
        "recurrence_of": recurrence_of,
        "knowledge_gap": gap.map_or(Value::Null, |gap| json!({
            "departed": gap.departed,
            "departed_name": gap.departed_name,
        })),
    });
    let summary_request = lookup
        .request(
            event,
            0,
            ProseKind::PostmortemSummary,
            author,
            vec![
                postmortem.incident.clone(),
                system_name.clone(),
                severity.to_string(),
                duration.clone(),
            ],
            summary_context,
        )?
        .in_group(page.as_str(), 0);
    let summary = write(prose, &summary_request)?;
    let root_cause_context = json!({
        "incident": postmortem.incident,
        "system": system,
        "root_cause": root_cause,
        "failure_mode": failure_mode,
        "ticket": postmortem.ticket,
        "pr": postmortem.pr,
    });
    let root_cause_request = lookup
        .request(
            event,
            1,
            ProseKind::PostmortemRootCause,
            author,
            vec![root_cause.clone()],
            root_cause_context,
        )?
        .in_group(page.as_str(), 1);
    let root_cause_text = write(prose, &root_cause_request)?;

    let mut impact = vec![
        format!("- Severity: {severity}"),
        format!("- System: {system_name} (`{}`)", postmortem.system),
        format!(
            "- Duration: {duration} ({} minutes)",
            postmortem.duration_minutes
        ),
    ];
    if let Some(at) = opened_at {
        impact.push(format!("- Detected: {}", rfc3339(&at)));
    }
    if after_hours {
        impact.push("- Fired outside business hours".to_string());
    }
    if let Some(earlier) = &recurrence_of {
        impact.push(format!("- Recurrence of {earlier}"));
    }

    let mut timeline = String::from("| Time | What |\n| --- | --- |");
    for entry in &postmortem.timeline {
        timeline.push_str(&format!(
            "\n| {} | {} |",
            rfc3339(&entry.at),
            cell(&entry.what)
        ));
    }
    if postmortem.timeline.is_empty() {
        timeline = "_No timeline entries._".to_string();
    }

    let factors = if postmortem.contributing_factors.is_empty() {
        "_None recorded._".to_string()
    } else {
        postmortem
            .contributing_factors
            .iter()
            .map(|factor| format!("- {factor}"))
            .collect::<Vec<_>>()
            .join("\n")
    };

    let mut follow_ups = vec![match lookup.ticket(&postmortem.ticket) {
        Some(ticket) => format!("- Ticket {}: {}", postmortem.ticket, ticket.title),
        None => format!("- Ticket {}", postmortem.ticket),
    }];
    if let Some(number) = postmortem.pr {
        follow_ups.push(format!("- Fix: pull request #{number}"));
    }

    Ok(format!(
        "## Summary\n\n{summary}\n\n## Impact\n\n{}\n\n## Timeline\n\n{timeline}\n\n\
         ## Root cause\n\n{root_cause_text}\n\n## Contributing factors\n\n{factors}\n\n\
         ## Follow-ups\n\n{}",
        impact.join("\n"),
        follow_ups.join("\n"),
    ))
}

/// The knowledge gap detected for an incident, if any.
fn knowledge_gap<'a>(lookup: &Lookup<'a>, incident: &str) -> Option<&'a KnowledgeGapDetected> {
    lookup
        .outcome
        .events
        .iter()
        .find_map(|event| match &event.kind {
            orgforge_engine::event::EventKind::KnowledgeGapDetected(gap)
                if gap.incident == incident =>
            {
                Some(gap)
            }
            _ => None,
        })
}
