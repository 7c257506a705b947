//! Incidents: the failure the engine draws (system × failure mode × severity), its daily
//! hazard, its lifecycle (detected → investigating → mitigated → resolved, with stalls), its
//! responders (on call, the system owner, the escalation chain), the recurrence detector's
//! verdict at detection time, the fix that flows through the normal ticket and PR work, the
//! deploy, and the postmortem for severe ones.

use crate::artifact::ArtifactRef;
use crate::calendar::Instant;
use crate::clock::{HOUR, MINUTE};
use crate::collaboration::{new_page, publish_page};
use crate::escalation::{Request, escalate};
use crate::event::{
    ALERT_BOT, Deploy, EscalationCause, EventKind, IncidentOpened, IncidentResolved, IncidentStage,
    IncidentStageChanged, Intent, KnowledgeGapDetected, PAGER_BOT, PageKind, PostmortemPublished,
    Priority, RecurrenceCandidate, RecurrenceDetected, TicketCreated, TicketKind, TicketStatus,
    TimelineEntry,
};
use crate::health;
use crate::incident_text::{self, IncidentText};
use crate::knowledge;
use crate::rng::Draw;
use crate::scenario::{ClockTime, Severity};
use crate::stress;
use crate::thread::ThreadBuilder;
use crate::world::{PrState, Ticket, World};

/// Slack channel of incident threads.
pub const INCIDENT_CHANNEL: &str = "incidents";

/// Where an incident is in its lifecycle.
pub(crate) type Stage = IncidentStage;

/// An incident and its hidden truth.
#[derive(Debug, Clone)]
pub(crate) struct Incident {
    pub id: String,
    pub system: usize,
    pub failure_mode: String,
    pub severity: Severity,
    pub stage: Stage,
    /// Who leads the response.
    pub commander: usize,
    pub responders: Vec<usize>,
    pub opened_at: Instant,
    pub opened_day: u32,
    /// When investigation ends (mitigation), decided at detection.
    pub mitigate_at: Instant,
    /// A stall is recorded at this time, if one was drawn.
    pub stall_at: Option<Instant>,
    pub ticket: usize,
    pub thread_channel: String,
    pub text: IncidentText,
    pub truth: Option<String>,
    pub detected: Option<String>,
    pub gap: Option<KnowledgeGapDetected>,
    pub stalled: bool,
    pub after_hours: bool,
    pub timeline: Vec<TimelineEntry>,
    pub resolved_at: Option<Instant>,
    pub resolved_day: Option<u32>,
    pub root_cause: String,
    pub postmortem_day: Option<u32>,
    pub postmortem_published: bool,
}

impl Incident {
    /// Not yet resolved.
    pub fn is_open(&self) -> bool {
        self.stage != Stage::Resolved
    }
}

/// Open incidents weighted by severity (P1 counts 4, P4 counts 1), for morale.
pub(crate) fn open_weight(world: &World) -> f64 {
    world
        .incidents
        .iter()
        .filter(|i| i.is_open())
        .map(|i| match i.severity {
            Severity::P1 => 4.0,
            Severity::P2 => 3.0,
            Severity::P3 => 2.0,
            Severity::P4 => 1.0,
        })
        .sum()
}

fn priority(severity: Severity) -> Priority {
    match severity {
        Severity::P1 => Priority::Highest,
        Severity::P2 => Priority::High,
        Severity::P3 => Priority::Medium,
        Severity::P4 => Priority::Low,
    }
}

/// Hours of investigation before mitigation, by severity (before slowdowns).
fn investigation_hours(severity: Severity) -> (f64, f64) {
    match severity {
        Severity::P1 => (2.0, 6.0),
        Severity::P2 => (1.0, 4.0),
        Severity::P3 => (0.5, 2.5),
        Severity::P4 => (0.5, 1.5),
    }
}

/// Hours of fix work on the incident ticket, by severity.
fn fix_hours(severity: Severity) -> (f64, f64) {
    match severity {
        Severity::P1 => (6.0, 14.0),
        Severity::P2 => (4.0, 9.0),
        Severity::P3 => (2.0, 5.0),
        Severity::P4 => (1.0, 3.0),
    }
}

/// Today's new incidents: scheduled ones, then the hazard draw (and cascades), capped by
/// `max_open`.
pub(crate) fn detect_new(world: &mut World) -> Result<(), crate::recurrence::DetectorError> {
    let spec = world.spec.incidents.clone();
    let mut drawn: Vec<(usize, String, Severity)> = Vec::new();
    for forced in spec.scheduled.iter().filter(|f| f.day == world.day) {
        if let Some(s) = world.systems.iter().position(|x| x.id == forced.system) {
            drawn.push((s, forced.failure_mode.clone(), forced.severity));
        }
    }
    let open = world.incidents.iter().filter(|i| i.is_open()).count();
    let recent_deploys = world
        .incidents
        .iter()
        .filter(|i| i.resolved_day.is_some_and(|d| d + 2 >= world.day))
        .count() as f64;
    let health = health::org_health(world);
    let hazard = (spec.base_rate_per_day
        * (1.0 + 2.0 * (1.0 - health))
        * (1.0 + 0.25 * recent_deploys)
        * (1.0 + 0.2 * open as f64))
        .clamp(0.0, 1.0);
    let candidates: Vec<usize> = (0..world.systems.len())
        .filter(|&s| !world.spec.systems[s].failure_modes.is_empty())
        .collect();
    if !candidates.is_empty() && world.rng.incidents.chance(hazard) {
        // Unhealthy systems fail more often.
        let weights: Vec<f64> = candidates
            .iter()
            .map(|&s| 2.0 - world.systems[s].health)
            .collect();
        if let Some(i) = world.rng.incidents.weighted(&weights) {
            let s = candidates[i];
            let modes = &world.spec.systems[s].failure_modes;
            let mode_weights: Vec<f64> = modes.iter().map(|m| m.weight).collect();
            let m = world.rng.incidents.weighted(&mode_weights).unwrap_or(0);
            let mix = &spec.severity_mix;
            let severity = match world
                .rng
                .incidents
                .weighted(&[mix.p1, mix.p2, mix.p3, mix.p4])
            {
                Some(0) => Severity::P1,
                Some(1) => Severity::P2,
                Some(2) => Severity::P3,
                _ => Severity::P4,
            };
            drawn.push((s, modes[m].kind.clone(), severity));
            // A failure can cascade to one system that depends on it.
            let dependents: Vec<usize> = (0..world.systems.len())
                .filter(|&d| {
                    world.spec.systems[d]
                        .depends_on
                        .iter()
                        .any(|x| *x == world.systems[s].id)
                        && !world.spec.systems[d].failure_modes.is_empty()
                })
                .collect();
            if !dependents.is_empty() && world.rng.incidents.chance(spec.cascade_probability) {
                let d = dependents[world.rng.incidents.index(dependents.len())];
                let modes = &world.spec.systems[d].failure_modes;
                let kind = modes
                    .iter()
                    .find(|m| m.kind == "dependency_outage")
                    .unwrap_or(&modes[0])
                    .kind
                    .clone();
                let lower = match severity {
                    Severity::P1 => Severity::P2,
                    Severity::P2 => Severity::P3,
                    _ => Severity::P4,
                };
                drawn.push((d, kind, lower));
            }
        }
    }
    let mut open = open;
    for (system, mode, severity) in drawn {
        if open >= spec.max_open as usize {
            break;
        }
        if open_incident(world, system, mode, severity)? {
            open += 1;
        }
    }
    Ok(())
}

/// Opens one incident now; false when nobody can respond today.
fn open_incident(
    world: &mut World,
    system: usize,
    failure_mode: String,
    severity: Severity,
) -> Result<bool, crate::recurrence::DetectorError> {
    let on_call = world.on_call_today();
    let owner = world.systems[system].owner;
    let owner_present = world.clocks.present(owner);
    let Some(commander) = on_call.or(owner_present.then_some(owner)) else {
        return Ok(false);
    };
    let number = world.incidents.len() + 1;
    let id = format!("INC-{number}");

    // When: after hours (evening, same date) or inside the commander's hours.
    let after_hours = world
        .rng
        .incidents
        .chance(world.spec.incidents.after_hours_share);
    let (start, end) = world.clocks.hours(commander).unwrap_or((0, 0));
    let detected_at = if after_hours {
        end + i64::from(world.rng.incidents.between(30, 300)) * MINUTE
    } else {
        start + i64::from(world.rng.incidents.between(15, 330)) * MINUTE
    };
    let detected_at = detected_at.min(world.calendar.at(world.date, ClockTime::hm(23, 30)));

    // The truth, and the org's perception of it.
    let truth = world
        .incidents
        .iter()
        .rev()
        .find(|i| i.system == system && i.failure_mode == failure_mode)
        .map(|i| i.id.clone());
    let sys_id = world.systems[system].id.clone();
    let sys_name = world.systems[system].name.clone();
    let text = incident_text::alert(&mut world.rng.texts, &id, &sys_id, &sys_name, &failure_mode);
    let detection = world.detector.detect(&text)?;
    world.detector.index(&text, None)?;
    let matched = detection.matched.clone();
    let class_of = |world: &World, other: &str| {
        world
            .incidents
            .iter()
            .find(|i| i.id == other)
            .is_some_and(|i| i.system == system && i.failure_mode == failure_mode)
    };
    let correct_match = matched.as_deref().is_some_and(|m| class_of(world, m));
    let outcome = match (&matched, &truth) {
        (Some(_), Some(_)) if correct_match => "true_positive",
        (Some(_), _) => "false_positive",
        (None, Some(_)) => "missed",
        (None, None) => "true_negative",
    };
    let correct = matches!(outcome, "true_positive" | "true_negative");

    // Responders: on call, the owner, and (severe or unknown ground) the escalation chain.
    let mut responders = vec![commander];
    if owner_present && owner != commander {
        responders.push(owner);
    }
    let gap = knowledge::gap(world, system).map(|orphan| KnowledgeGapDetected {
        incident: id.clone(),
        system: sys_id.clone(),
        departed: orphan.person.clone(),
        departed_name: orphan.name.clone(),
        departed_day: orphan.day,
        coverage: (world.systems[system].coverage * 10_000.0).round() / 10_000.0,
        documented_pct: orphan.documented_pct,
        slowdown: world.spec.knowledge.gap_slowdown,
    });

    // The incident thread: alert, page, acknowledgements, maybe a recurrence hint.
    let mut thread = ThreadBuilder::new(INCIDENT_CHANNEL.to_string());
    thread.post_bot(
        world,
        ALERT_BOT,
        detected_at,
        Intent::Alert {
            incident: id.clone(),
        },
    );
    thread.post_bot(
        world,
        PAGER_BOT,
        detected_at + 30,
        Intent::Page {
            incident: id.clone(),
            to: world.id(commander),
        },
    );
    let mut acked = Vec::new();
    let mut last = detected_at + 30;
    for &r in &responders.clone() {
        let intent = Intent::Acknowledge {
            incident: id.clone(),
        };
        if after_hours {
            last += i64::from(world.rng.incidents.between(2, 9)) * MINUTE;
            thread.post_after_hours(world, r, last, intent);
            acked.push(r);
        } else if let Some(at) = thread.post(world, r, last + MINUTE, intent) {
            last = at;
            acked.push(r);
        }
    }
    if acked.is_empty() {
        return Ok(false);
    }
    if let Some(m) = &matched {
        let intent = Intent::RecurrenceHint {
            incident: id.clone(),
            of: m.clone(),
        };
        if after_hours {
            last += 2 * MINUTE;
            thread.post_after_hours(world, commander, last, intent);
        } else if let Some(at) = thread.post(world, commander, last + MINUTE, intent) {
            last = at;
        }
    }

    // The incident ticket, filed by the commander, fixed by the owning department.
    let department = world.systems[system].department;
    let fixer = if world.clocks.present(owner) {
        owner
    } else {
        crate::lifecycle::successor(world, owner, Some(system))
    };
    let (low, high) = fix_hours(severity);
    let mut fix = world.rng.incidents.uniform(low, high);
    if gap.is_some() {
        fix *= world.spec.knowledge.gap_slowdown;
    }
    let created_at = if after_hours {
        last += MINUTE;
        last
    } else {
        match world.clocks.message(commander, last + MINUTE) {
            Some(block) => world.stamp(block, 1),
            None => last + MINUTE,
        }
    };
    last = last.max(created_at);
    let dept = &mut world.departments[department];
    let key = format!("{}-{}", dept.prefix, dept.next_ticket_number);
    dept.next_ticket_number += 1;
    let title = format!("{id}: {}", text.title);
    let ticket = world.tickets.len();
    world.tickets.push(Ticket {
        key: key.clone(),
        department,
        title: title.clone(),
        kind: TicketKind::Bug,
        priority: priority(severity),
        system: Some(system),
        points: 0,
        estimate_hours: (fix * 100.0).round() / 100.0,
        actual_hours: fix,
        spent_hours: 0.0,
        status: TicketStatus::ToDo,
        assignee: fixer,
        reporter: commander,
        sprint: world.sprint,
        created_at,
        last_activity: created_at,
        pull_request: None,
        done_at: None,
    });
    world.departments[department].sprint_tickets.push(ticket);

    // Durations: investigation slowed by a knowledge gap and by stressed responders, sped up
    // by a correct recurrence match and slowed by a wrong one.
    let (low, high) = investigation_hours(severity);
    let mut hours = world.rng.incidents.uniform(low, high);
    if gap.is_some() {
        hours *= world.spec.knowledge.gap_slowdown;
    }
    let mean_stress = responders
        .iter()
        .map(|&r| world.people[r].stress)
        .sum::<f64>()
        / responders.len() as f64;
    hours *= 1.0 + (mean_stress - 40.0).max(0.0) / 100.0;
    match outcome {
        "true_positive" => hours *= 0.6,
        "false_positive" => hours *= 1.25,
        _ => {}
    }
    let stall_chance =
        0.1 + 0.3 * (1.0 - world.systems[system].health) + if gap.is_some() { 0.3 } else { 0.0 };
    let stalled = world.rng.incidents.chance(stall_chance.min(0.9));
    if stalled {
        hours *= 1.5;
    }
    let mitigate_at = last + (hours * HOUR as f64) as i64;
    let stall_at = stalled.then(|| last + (hours * HOUR as f64 * 0.4) as i64);

    // Effects: stress for every responder, health of the system, ties among responders.
    let hit = world.spec.incidents.stress_hit.get(severity);
    for &r in &responders {
        stress::hit(world, r, hit);
    }
    health::incident_opened(world, system, severity);
    world
        .graph
        .boost_all(&responders, world.spec.graph.boost_incident);

    let thread = thread.finish();
    let artifacts = world.thread_artifacts(&thread);
    let mut timeline = vec![TimelineEntry {
        at: world.calendar.timestamp(detected_at),
        what: format!("Alert fired: {}", text.title),
    }];
    timeline.push(TimelineEntry {
        at: world.calendar.timestamp(detected_at + 30),
        what: format!("{} paged", world.id(commander)),
    });
    let facts = IncidentOpened {
        incident: id.clone(),
        system: sys_id.clone(),
        failure_mode: failure_mode.clone(),
        severity,
        recurrence_of: truth.clone(),
        title: text.title.clone(),
        alert: text.body.clone(),
        signature: text.signature.clone(),
        on_call: on_call.map(|p| world.id(p)),
        commander: world.id(commander),
        responders: world.ids(&responders),
        after_hours,
        thread,
    };
    let summary = format!("{id} ({severity:?}) opened on {sys_id}");
    world.emit(
        EventKind::IncidentOpened(facts),
        detected_at,
        acked.clone(),
        artifacts,
        summary,
    );
    mark_after_hours(world, after_hours);

    // The ticket, the detector's verdict, a knowledge gap, escalation.
    let facts = TicketCreated {
        key: key.clone(),
        department: world.departments[department].id.clone(),
        title,
        kind: TicketKind::Bug,
        priority: priority(severity),
        system: Some(sys_id.clone()),
        story_points: 0,
        estimate_hours: (fix * 100.0).round() / 100.0,
        reporter: world.id(commander),
        assignee: world.id(fixer),
        sprint: Some(world.sprint),
        incident: Some(id.clone()),
        email_chain: None,
    };
    let summary = format!("{} filed {key} for {id}", world.id(commander));
    let jira = world.jira(ticket);
    world.emit(
        EventKind::TicketCreated(facts),
        created_at,
        vec![commander],
        vec![jira],
        summary,
    );
    mark_after_hours(world, after_hours);

    let facts = RecurrenceDetected {
        incident: id.clone(),
        matched: matched.clone(),
        truth: truth.clone(),
        correct,
        outcome: outcome.to_string(),
        fused_score: (detection.fused_score * 1e6).round() / 1e6,
        bm25_only: detection.bm25_only.clone(),
        structural_only: detection.structural_only.clone(),
        candidates: detection
            .candidates
            .iter()
            .map(|c| RecurrenceCandidate {
                incident: c.id.clone(),
                bm25_rank: c.bm25_rank.map(|r| r as u32),
                bm25_score: (c.bm25_score * 1e6).round() / 1e6,
                structural_rank: c.structural_rank.map(|r| r as u32),
                structural_score: (c.structural_score * 1e6).round() / 1e6,
                fused: (c.fused * 1e6).round() / 1e6,
            })
            .collect(),
    };
    let summary = format!("{id}: recurrence check {outcome}");
    world.emit(
        EventKind::RecurrenceDetected(facts),
        detected_at + 1,
        vec![],
        vec![],
        summary,
    );
    if let Some(g) = &gap {
        let summary = format!(
            "{id}: nobody left knows {} ({} left); coverage {:.0}%",
            g.system,
            g.departed,
            g.coverage * 100.0
        );
        world.emit(
            EventKind::KnowledgeGapDetected(g.clone()),
            detected_at + 2,
            vec![],
            vec![],
            summary,
        );
    }
    if matches!(severity, Severity::P1 | Severity::P2) || gap.is_some() {
        let path = escalate(
            world,
            Request {
                cause: EscalationCause::Incident,
                from: commander,
                system: Some(system),
                incident: Some(id.clone()),
                email_chain: None,
                at: detected_at + 3,
            },
        );
        if let Some(to) = path.and_then(|p| p.last().copied())
            && !responders.contains(&to)
        {
            responders.push(to);
            stress::hit(world, to, hit / 2.0);
        }
    }

    world.incidents.push(Incident {
        id,
        system,
        failure_mode,
        severity,
        stage: Stage::Detected,
        commander,
        responders,
        opened_at: detected_at,
        opened_day: world.day,
        mitigate_at,
        stall_at,
        ticket,
        thread_channel: INCIDENT_CHANNEL.to_string(),
        text,
        truth,
        detected: matched,
        gap,
        stalled,
        after_hours,
        timeline,
        resolved_at: None,
        resolved_day: None,
        root_cause: String::new(),
        postmortem_day: None,
        postmortem_published: false,
    });
    Ok(true)
}

/// Flags the latest draft as deliberately after hours.
fn mark_after_hours(world: &mut World, after_hours: bool) {
    if let Some(draft) = world.drafts.last_mut() {
        draft.after_hours = after_hours;
    }
}

/// Posts one status-update message by `by` at or after `earliest`, in business hours unless
/// `after_hours`; returns the thread and time.
fn status_update(
    world: &mut World,
    i: usize,
    by: usize,
    earliest: Instant,
    intent: Intent,
    after_hours: bool,
) -> Option<(crate::event::Thread, Instant)> {
    let mut thread = ThreadBuilder::new(world.incidents[i].thread_channel.clone());
    let at = if after_hours {
        thread.post_after_hours(world, by, earliest, intent);
        earliest
    } else {
        thread.post(world, by, earliest, intent)?
    };
    Some((thread.finish(), at))
}

/// Moves every open incident along: investigation starts at acknowledgement, a drawn stall is
/// recorded, mitigation comes when investigation is done, resolution when the fix has shipped.
pub(crate) fn progress(world: &mut World) {
    for i in 0..world.incidents.len() {
        if !world.incidents[i].is_open() {
            continue;
        }
        let commander = world.incidents[i].commander;
        if !world.clocks.present(commander) {
            // The commander is away today: the system owner or the lead takes over.
            let system = world.incidents[i].system;
            let lead = world.departments[world.systems[system].department].lead;
            let owner = world.systems[system].owner;
            if let Some(next) = [owner, lead].into_iter().find(|&p| world.clocks.present(p)) {
                world.incidents[i].commander = next;
                if !world.incidents[i].responders.contains(&next) {
                    world.incidents[i].responders.push(next);
                }
            } else {
                continue;
            }
        }
        let commander = world.incidents[i].commander;
        let (day_start, day_end) = world.clocks.hours(commander).unwrap_or((0, 0));
        let opened_today = world.incidents[i].opened_at >= day_start - 12 * HOUR;
        let night = world.incidents[i].after_hours && opened_today;

        if world.incidents[i].stage == Stage::Detected {
            let earliest = world.incidents[i].opened_at + 10 * MINUTE;
            change(
                world,
                i,
                commander,
                earliest,
                Stage::Investigating,
                false,
                night,
            );
        }
        if world.incidents[i].stage == Stage::Investigating
            && let Some(stall) = world.incidents[i].stall_at
            && stall <= day_end
        {
            world.incidents[i].stall_at = None;
            change(
                world,
                i,
                commander,
                stall.max(day_start),
                Stage::Investigating,
                true,
                false,
            );
        }
        if world.incidents[i].stage == Stage::Investigating
            && world.incidents[i].stall_at.is_none()
            && world.incidents[i].mitigate_at <= day_end
        {
            let at = world.incidents[i].mitigate_at.max(day_start);
            change(world, i, commander, at, Stage::Mitigated, false, false);
        }
        if world.incidents[i].stage == Stage::Mitigated {
            resolve_if_fixed(world, i);
        }
    }
}

/// Records a stage change (or a stall) with a status update in the incident thread.
fn change(
    world: &mut World,
    i: usize,
    by: usize,
    earliest: Instant,
    to: Stage,
    stalled: bool,
    after_hours: bool,
) {
    let id = world.incidents[i].id.clone();
    let from = world.incidents[i].stage;
    let intent = Intent::StatusUpdate {
        incident: id.clone(),
        stage: to,
    };
    let Some((thread, at)) = status_update(world, i, by, earliest, intent, after_hours) else {
        return;
    };
    let mode = incident_text::failure_mode_label(&world.incidents[i].failure_mode);
    let note = match (to, stalled) {
        (_, true) => "investigation stalled: no lead yet".to_string(),
        (Stage::Investigating, _) => "investigating".to_string(),
        (Stage::Mitigated, _) => format!("mitigated; root cause identified: {mode}"),
        (Stage::Resolved, _) => "resolved".to_string(),
        (Stage::Detected, _) => "detected".to_string(),
    };
    world.incidents[i].stage = to;
    if stalled {
        world.incidents[i].stalled = true;
    }
    let entry = TimelineEntry {
        at: world.calendar.timestamp(at),
        what: format!("{}: {note}", world.id(by)),
    };
    world.incidents[i].timeline.push(entry);
    let artifacts = world.thread_artifacts(&thread);
    let facts = IncidentStageChanged {
        incident: id.clone(),
        from,
        to,
        by: world.id(by),
        stalled,
        note: note.clone(),
        thread: Some(thread),
    };
    let summary = format!("{id}: {note}");
    world.emit(
        EventKind::IncidentStageChanged(facts),
        at,
        vec![by],
        artifacts,
        summary,
    );
    mark_after_hours(world, after_hours);
}

/// A mitigated incident is resolved once its ticket is done: the fix PR merged and deployed
/// (code systems), or the ticket closed.
fn resolve_if_fixed(world: &mut World, i: usize) {
    let ticket = world.incidents[i].ticket;
    if world.tickets[ticket].status != TicketStatus::Done {
        return;
    }
    let Some(done_at) = world.tickets[ticket].done_at else {
        return;
    };
    let id = world.incidents[i].id.clone();
    let system = world.incidents[i].system;
    let pr = world.tickets[ticket].pull_request;
    let mut earliest = done_at + MINUTE;
    let mut pr_number = None;
    if let Some(pr) = pr
        && world.pull_requests[pr].state == PrState::Merged
    {
        let owner = world.pull_requests[pr].owner;
        let Some(block) = world.clocks.message(owner, done_at + 5 * MINUTE) else {
            return;
        };
        let at = world.stamp(block, 0);
        let number = world.pull_requests[pr].number;
        pr_number = Some(number);
        let facts = Deploy {
            incident: Some(id.clone()),
            system: world.systems[system].id.clone(),
            pr: number,
            commit: world.pull_requests[pr]
                .merge_commit
                .clone()
                .unwrap_or_default(),
            by: world.id(owner),
        };
        let summary = format!("{} deployed PR #{number} for {id}", facts.by);
        let artifact = world.pr_ref(pr);
        world.emit(
            EventKind::Deploy(facts),
            at,
            vec![owner],
            vec![artifact],
            summary,
        );
        world.incidents[i].timeline.push(TimelineEntry {
            at: world.calendar.timestamp(at),
            what: format!("Fix deployed (PR #{number})"),
        });
        earliest = at + MINUTE;
    }
    let commander = world.incidents[i].commander;
    let intent = Intent::Resolution {
        incident: id.clone(),
    };
    let Some((thread, at)) = status_update(world, i, commander, earliest, intent, false) else {
        return;
    };
    let severity = world.incidents[i].severity;
    let mode = world.incidents[i].failure_mode.clone();
    let name = world.systems[system].name.clone();
    let root_cause = incident_text::root_cause(&mut world.rng.texts, &name, &mode);
    let incident = &mut world.incidents[i];
    incident.stage = Stage::Resolved;
    incident.resolved_at = Some(at);
    incident.resolved_day = Some(world.day);
    incident.root_cause = root_cause.clone();
    let duration_minutes = ((at - incident.opened_at) / MINUTE).max(0) as u32;
    if matches!(severity, Severity::P1 | Severity::P2) {
        let delay = world.rng.incidents.between(1, 3);
        world.incidents[i].postmortem_day = Some(world.day + delay);
    }
    world.incidents[i].timeline.push(TimelineEntry {
        at: world.calendar.timestamp(at),
        what: "Resolved".to_string(),
    });
    health::incident_resolved(world, system, severity);
    let artifacts = world.thread_artifacts(&thread);
    let facts = IncidentResolved {
        incident: id.clone(),
        system: world.systems[system].id.clone(),
        severity,
        resolved_by: world.id(commander),
        duration_minutes,
        pr: pr_number,
        root_cause,
        thread,
    };
    let summary = format!("{id} resolved after {duration_minutes} min");
    world.emit(
        EventKind::IncidentResolved(facts),
        at,
        vec![commander],
        artifacts,
        summary,
    );
}

/// Postmortems due today (P1/P2, 1–3 business days after resolution), written by the
/// commander or, when they are away, the owning lead. The root cause is indexed for the detector.
pub(crate) fn postmortems(world: &mut World) -> Result<(), crate::recurrence::DetectorError> {
    for i in 0..world.incidents.len() {
        if world.incidents[i]
            .postmortem_day
            .is_none_or(|d| d > world.day)
        {
            continue;
        }
        let system = world.incidents[i].system;
        let lead = world.departments[world.systems[system].department].lead;
        let commander = world.incidents[i].commander;
        let Some(author) = [commander, lead]
            .into_iter()
            .find(|&p| world.clocks.present(p))
        else {
            continue;
        };
        let (start, _) = world.clocks.hours(author).unwrap_or((0, 0));
        let Some(block) = world.clocks.solo(author, start + HOUR, HOUR) else {
            continue;
        };
        world.incidents[i].postmortem_day = None;
        world.incidents[i].postmortem_published = true;
        let incident = world.incidents[i].clone();
        let department = world.systems[system].department;
        let title = format!(
            "Postmortem {}: {}",
            incident.id,
            incident_text::failure_mode_label(&incident.failure_mode)
        );
        let page = new_page(world, department, title);
        let key = world.tickets[incident.ticket].key.clone();
        publish_page(
            world,
            page.clone(),
            PageKind::Postmortem,
            author,
            Some(system),
            vec![key.clone()],
            block,
            "postmortem",
        );
        let mut factors = Vec::new();
        if let Some(g) = &incident.gap {
            factors.push(format!(
                "knowledge gap: nobody left knew {} after {} left (coverage {:.0}%)",
                g.system,
                g.departed,
                g.coverage * 100.0
            ));
        }
        match (&incident.truth, &incident.detected) {
            (Some(t), Some(d)) if t == d => {
                factors.push(format!("recurrence of {t}, recognized at detection"));
            }
            (Some(t), _) => factors.push(format!("recurrence of {t}, not recognized at detection")),
            (None, Some(d)) => factors.push(format!("wrongly taken for a repeat of {d}")),
            (None, None) => {}
        }
        if incident.stalled {
            factors.push("the investigation stalled".to_string());
        }
        if incident.after_hours {
            factors.push("detected after hours".to_string());
        }
        let at = world.stamp(block, 3) + 1;
        let facts = PostmortemPublished {
            incident: incident.id.clone(),
            page: page.clone(),
            author: world.id(author),
            system: world.systems[system].id.clone(),
            severity: incident.severity,
            failure_mode: incident.failure_mode.clone(),
            root_cause: incident.root_cause.clone(),
            timeline: incident.timeline.clone(),
            contributing_factors: factors,
            duration_minutes: incident
                .resolved_at
                .map_or(0, |r| ((r - incident.opened_at) / MINUTE).max(0) as u32),
            ticket: key,
            pr: world.tickets[incident.ticket]
                .pull_request
                .map(|p| world.pull_requests[p].number),
        };
        let summary = format!("Postmortem for {} published", incident.id);
        let artifact = ArtifactRef::Page {
            space: page.space.clone(),
            id: page.id,
        };
        world.emit(
            EventKind::PostmortemPublished(facts),
            at,
            vec![],
            vec![artifact],
            summary,
        );
        world
            .detector
            .index(&incident.text, Some(&incident.root_cause))?;
    }
    Ok(())
}

/// A leaver's open incidents go, through escalation, to whoever the chain reaches.
pub(crate) fn hand_off(world: &mut World, person: usize, at: &mut Instant) {
    for i in 0..world.incidents.len() {
        let incident = &world.incidents[i];
        if !incident.is_open() || !incident.responders.contains(&person) {
            continue;
        }
        let (system, id, commander) = (incident.system, incident.id.clone(), incident.commander);
        let path = escalate(
            world,
            Request {
                cause: EscalationCause::Handoff,
                from: person,
                system: Some(system),
                incident: Some(id),
                email_chain: None,
                at: *at,
            },
        );
        *at += 1;
        let incident = &mut world.incidents[i];
        incident.responders.retain(|&p| p != person);
        if let Some(to) = path.and_then(|p| p.last().copied())
            && to != person
        {
            if !incident.responders.contains(&to) {
                incident.responders.push(to);
            }
            if commander == person {
                incident.commander = to;
            }
        }
    }
}
