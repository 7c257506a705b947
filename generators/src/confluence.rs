//! Confluence pages: `confluence/<SPACE>/<ID>.md`, Markdown with YAML front matter
//! (FORMATS.md). A retro or design meeting and the `page_published` event that writes it up both
//! list the page; the meeting gives the content, the publication the author and time.

use orgforge_engine::event::{
    DesignDiscussion, Event, EventKind, OnboardingPlanned, PageKind, PagePublished, PageRef,
    SprintRetro,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::RenderError;
use crate::lookup::{Lookup, write};
use crate::prose::{ProseBackend, ProseKind};
use crate::time_format::rfc3339;

#[derive(Serialize)]
struct FrontMatter {
    id: u32,
    title: String,
    space: String,
    author: String,
    created: String,
    kind: &'static str,
    labels: Vec<String>,
    links: Vec<String>,
    events: Vec<String>,
}

fn kind_name(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Adhoc => "adhoc",
        PageKind::Design => "design",
        PageKind::Retro => "retro",
        PageKind::Onboarding => "onboarding",
        PageKind::Postmortem => "postmortem",
    }
}

/// Escapes a table cell: a `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|existing| existing == item) {
        list.push(item.to_string());
    }
}

/// What the page is written from.
struct Sources<'e> {
    published: Option<(&'e Event, &'e PagePublished)>,
    retro: Option<(&'e Event, &'e SprintRetro)>,
    design: Option<(&'e Event, &'e DesignDiscussion)>,
    onboarding: Option<(&'e Event, &'e OnboardingPlanned)>,
}

fn sources<'e>(path: &str, events: &[&'e Event]) -> Sources<'e> {
    let matches = |space: &str, id: u32| path == format!("confluence/{space}/{id}.md");
    let mut sources = Sources {
        published: None,
        retro: None,
        design: None,
        onboarding: None,
    };
    for event in events {
        match &event.kind {
            EventKind::PagePublished(page) if matches(&page.page.space, page.page.id) => {
                sources.published.get_or_insert((*event, page));
            }
            EventKind::SprintRetro(retro) if matches(&retro.page.space, retro.page.id) => {
                sources.retro.get_or_insert((*event, retro));
            }
            EventKind::DesignDiscussion(design)
                if design
                    .page
                    .as_ref()
                    .is_some_and(|page| matches(&page.space, page.id)) =>
            {
                sources.design.get_or_insert((*event, design));
            }
            EventKind::OnboardingPlanned(plan) if matches(&plan.page.space, plan.page.id) => {
                sources.onboarding.get_or_insert((*event, plan));
            }
            _ => {}
        }
    }
    sources
}

/// Writes one prose section of the page.
struct SectionWriter<'l, 'a, 'p> {
    lookup: &'l Lookup<'a>,
    event: &'l Event,
    author: &'l str,
    prose: &'p mut dyn ProseBackend,
    index: u32,
    /// The page's path: every section is a part of it.
    page: &'l str,
}

impl SectionWriter<'_, '_, '_> {
    fn write(
        &mut self,
        kind: ProseKind,
        required: Vec<String>,
        context: Value,
    ) -> Result<String, RenderError> {
        let request = self
            .lookup
            .request(self.event, self.index, kind, self.author, required, context)?
            .in_group(self.page, self.index);
        self.index += 1;
        write(self.prose, &request)
    }
}

fn ticket_table(
    lookup: &Lookup<'_>,
    event: &Event,
    keys: &[String],
) -> Result<String, RenderError> {
    if keys.is_empty() {
        return Ok("_None._".to_string());
    }
    let mut table =
        String::from("| Ticket | Title | Points | Assignee |\n| --- | --- | --- | --- |");
    for key in keys {
        let (title, points, assignee) = match lookup.ticket(key) {
            Some(ticket) => (
                ticket.title.clone(),
                ticket.story_points.to_string(),
                lookup.person(event, &ticket.assignee)?.name.clone(),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        table.push_str(&format!(
            "\n| {} | {} | {} | {} |",
            cell(key),
            cell(&title),
            points,
            cell(&assignee)
        ));
    }
    Ok(table)
}

fn related(lookup: &Lookup<'_>, links: &[String]) -> String {
    links
        .iter()
        .map(|key| match lookup.ticket(key) {
            Some(ticket) => format!("- {key}: {}", ticket.title),
            None => format!("- {key}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn retro_body(
    lookup: &Lookup<'_>,
    retro_event: &Event,
    retro: &SprintRetro,
    writer: &mut SectionWriter<'_, '_, '_>,
    title: &str,
) -> Result<String, RenderError> {
    let sprint_name = lookup
        .sprint(&retro.department, retro.sprint)
        .map_or_else(|| title.to_string(), |sprint| sprint.name.clone());
    let facilitator = lookup.person_json(retro_event, &retro.facilitator)?;
    let summary_context = json!({
        "sprint_name": sprint_name,
        "department": lookup.department_name(&retro.department),
        "points_committed": retro.points_committed,
        "points_completed": retro.points_completed,
        "completed_count": retro.completed.len(),
        "not_completed_count": retro.not_completed.len(),
        "facilitator": facilitator,
        "attendee_count": retro.attendees.len(),
        "duration_minutes": retro.duration_minutes,
    });
    let summary = writer.write(
        ProseKind::RetroSummary,
        vec![
            sprint_name.clone(),
            retro.points_completed.to_string(),
            retro.points_committed.to_string(),
        ],
        summary_context,
    )?;
    let tickets = |keys: &[String]| {
        keys.iter()
            .map(|key| lookup.ticket_json(retro_event, key))
            .collect::<Result<Vec<_>, _>>()
    };
    let discussion = writer.write(
        ProseKind::RetroDiscussion,
        retro.not_completed.clone(),
        json!({
            "sprint_name": sprint_name,
            "completed": tickets(&retro.completed)?,
            "not_completed": tickets(&retro.not_completed)?,
        }),
    )?;
    let mut attendees = Vec::new();
    for id in &retro.attendees {
        let name = &lookup.person(retro_event, id)?.name;
        if *id == retro.facilitator {
            attendees.push(format!("- {name} (facilitator)"));
        } else {
            attendees.push(format!("- {name}"));
        }
    }
    Ok(format!(
        "## Summary\n\n{summary}\n\n## Completed\n\n{}\n\n## Not completed\n\n{}\n\n\
         ## Discussion\n\n{discussion}\n\n## Attendees\n\n{}",
        ticket_table(lookup, retro_event, &retro.completed)?,
        ticket_table(lookup, retro_event, &retro.not_completed)?,
        attendees.join("\n"),
    ))
}

fn design_body(
    lookup: &Lookup<'_>,
    design_event: &Event,
    design: &DesignDiscussion,
    writer: &mut SectionWriter<'_, '_, '_>,
    links: &[String],
) -> Result<String, RenderError> {
    let system = lookup.system_json(design_event, &design.system)?;
    let system_name = lookup.system(design_event, &design.system)?.name.clone();
    let participants = design
        .participants
        .iter()
        .map(|id| lookup.person_json(design_event, id))
        .collect::<Result<Vec<_>, _>>()?;
    let context = writer.write(
        ProseKind::DesignContext,
        vec![design.topic.clone(), system_name],
        json!({
            "topic": design.topic,
            "system": system,
            "department": lookup.department_name(&design.department),
            "participants": participants,
        }),
    )?;
    let outcome = writer.write(
        ProseKind::DesignOutcome,
        vec![design.decision.clone(), design.alternative.clone()],
        json!({
            "topic": design.topic,
            "system": system,
            "decision": design.decision,
            "alternative": design.alternative,
        }),
    )?;
    let mut names = Vec::new();
    for id in &design.participants {
        names.push(format!("- {}", lookup.person(design_event, id)?.name));
    }
    let mut body = format!(
        "## Context\n\n{context}\n\n## Participants\n\n{}\n\n## Decision\n\n{outcome}",
        names.join("\n")
    );
    if !links.is_empty() {
        body.push_str(&format!("\n\n## Related\n\n{}", related(lookup, links)));
    }
    Ok(body)
}

fn how_to_body(
    lookup: &Lookup<'_>,
    event: &Event,
    system: Option<&str>,
    writer: &mut SectionWriter<'_, '_, '_>,
    title: &str,
    links: &[String],
) -> Result<String, RenderError> {
    let (system, required) = match system {
        Some(id) => (
            lookup.system_json(event, id)?,
            vec![lookup.system(event, id)?.name.clone()],
        ),
        None => (Value::Null, Vec::new()),
    };
    let overview = writer.write(
        ProseKind::HowToOverview,
        required.clone(),
        json!({ "title": title, "system": system }),
    )?;
    let steps = writer.write(
        ProseKind::HowToSteps,
        required,
        json!({ "title": title, "system": system, "links": links }),
    )?;
    let mut body = format!("## Overview\n\n{overview}\n\n## Steps\n\n{steps}");
    if !links.is_empty() {
        body.push_str(&format!("\n\n## Related\n\n{}", related(lookup, links)));
    }
    Ok(body)
}

/// A hire's onboarding guide, written from the plan's facts.
fn onboarding_body(
    lookup: &Lookup<'_>,
    event: &Event,
    plan: &OnboardingPlanned,
) -> Result<String, RenderError> {
    let hire = lookup.person(event, &plan.person)?;
    let lead = lookup.person(event, &plan.lead)?;
    let department = lookup.department_name(&hire.department);
    let mut body = format!(
        "## Welcome\n\n{} joins {department} as {}. {} is their lead",
        hire.name, hire.role, lead.name
    );
    match &plan.mentor {
        Some(mentor) => {
            let mentor = lookup.person(event, mentor)?;
            body.push_str(&format!(" and {} is their mentor.", mentor.name));
        }
        None => body.push('.'),
    }
    body.push_str("\n\n## Systems to learn\n\n");
    if plan.systems.is_empty() {
        body.push_str("- None owned by the department yet.\n");
    }
    for id in &plan.systems {
        let system = lookup.system(event, id)?;
        body.push_str(&format!("- {} (`{id}`)\n", system.name));
    }
    body.push_str(&format!(
        "\n## Ramp\n\nFor the first {} business days {} pairs with their mentor and meets \
         {} for warm-up 1:1s; after that they join the on-call and review rotations.",
        plan.ramp_days, hire.name, lead.name
    ));
    Ok(body)
}

/// Renders one page from the events that list it.
pub(crate) fn render(
    lookup: &Lookup<'_>,
    path: &str,
    events: &[&Event],
    prose: &mut dyn ProseBackend,
) -> Result<Vec<u8>, RenderError> {
    let sources = sources(path, events);
    // The publication names author and time; without one, the meeting's lead writer does.
    let (event, page, kind, author, system, mut links) = if let Some((event, published)) =
        sources.published
    {
        (
            event,
            &published.page,
            published.kind,
            published.author.clone(),
            published.system.clone(),
            published.links.clone(),
        )
    } else if let Some((event, retro)) = sources.retro {
        (
            event,
            &retro.page,
            PageKind::Retro,
            retro.facilitator.clone(),
            None,
            Vec::new(),
        )
    } else if let Some((event, design)) = sources.design {
        let Some(page) = design.page.as_ref() else {
            return Err(RenderError::MissingEvent {
                path: path.to_string(),
                expected: "page_published",
            });
        };
        (
            event,
            page,
            PageKind::Design,
            design.participants.first().cloned().unwrap_or_default(),
            Some(design.system.clone()),
            Vec::new(),
        )
    } else if let Some((event, postmortem)) = events.iter().find_map(|event| match &event.kind {
        EventKind::PostmortemPublished(postmortem)
            if path
                == format!(
                    "confluence/{}/{}.md",
                    postmortem.page.space, postmortem.page.id
                ) =>
        {
            Some((*event, postmortem))
        }
        _ => None,
    }) {
        (
            event,
            &postmortem.page,
            PageKind::Postmortem,
            postmortem.author.clone(),
            Some(postmortem.system.clone()),
            vec![postmortem.ticket.clone()],
        )
    } else {
        return Err(RenderError::MissingEvent {
            path: path.to_string(),
            expected: "page_published",
        });
    };
    lookup.person(event, &author)?;
    let mut labels = vec![match kind {
        PageKind::Adhoc => "how-to".to_string(),
        other => kind_name(other).to_string(),
    }];
    if let Some((_, retro)) = sources.retro {
        for key in retro.completed.iter().chain(&retro.not_completed) {
            push_unique(&mut links, key);
        }
    }
    let system = system.or_else(|| sources.design.map(|(_, design)| design.system.clone()));
    if let Some(system) = &system {
        push_unique(&mut labels, system);
    }

    let mut writer = SectionWriter {
        lookup,
        event,
        author: &author,
        prose,
        index: 0,
        page: path,
    };
    if let Some((postmortem_event, postmortem)) = lookup.postmortem(&page.space, page.id) {
        let body = crate::postmortem::body(lookup, postmortem_event, postmortem, writer.prose)?;
        push_unique(&mut links, &postmortem.ticket);
        return finish(
            page, &author, event, kind, labels, links, events, body, path,
        );
    }
    if let (PageKind::Onboarding, Some((plan_event, plan))) = (kind, sources.onboarding) {
        let body = onboarding_body(lookup, plan_event, plan)?;
        return finish(
            page, &author, event, kind, labels, links, events, body, path,
        );
    }
    let body = match (kind, sources.retro, sources.design) {
        (PageKind::Retro, Some((retro_event, retro)), _) => {
            retro_body(lookup, retro_event, retro, &mut writer, &page.title)?
        }
        (PageKind::Design, _, Some((design_event, design))) => {
            design_body(lookup, design_event, design, &mut writer, &links)?
        }
        _ => how_to_body(
            lookup,
            event,
            system.as_deref(),
            &mut writer,
            &page.title,
            &links,
        )?,
    };

    finish(
        page, &author, event, kind, labels, links, events, body, path,
    )
}

/// Front matter, title and body as one Markdown document.
#[allow(clippy::too_many_arguments)]
fn finish(
    page: &PageRef,
    author: &str,
    event: &Event,
    kind: PageKind,
    labels: Vec<String>,
    links: Vec<String>,
    events: &[&Event],
    body: String,
    path: &str,
) -> Result<Vec<u8>, RenderError> {
    let front_matter = FrontMatter {
        id: page.id,
        title: page.title.clone(),
        space: page.space.clone(),
        author: author.to_string(),
        created: rfc3339(&event.timestamp),
        kind: kind_name(kind),
        labels,
        links,
        events: events.iter().map(|event| event.id.clone()).collect(),
    };
    let yaml = serde_saphyr::to_string(&front_matter).map_err(|error| RenderError::Serialize {
        path: path.to_string(),
        message: error.to_string(),
    })?;
    let document = format!("---\n{yaml}---\n\n# {}\n\n{body}\n", page.title);
    Ok(document.into_bytes())
}
