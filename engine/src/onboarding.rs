//! Hires: an onboarding plan on their first day (mentor, a guide page, a first session with the
//! lead), warm-up 1:1s and mentoring until their ties pass the warm-up threshold, and after the
//! ramp they join the on-call and reviewer pools and take on orphaned knowledge.

use crate::calendar::Instant;
use crate::clock::{HOUR, MINUTE};
use crate::collaboration::{new_page, publish_page};
use crate::event::{
    EventKind, HireWarmedUp, OnboardingPlanned, OnboardingSession, PageKind, RotationUpdated,
    SessionKind,
};
use crate::knowledge;
use crate::scenario::ClockTime;
use crate::world::World;

/// Minutes of each kind of session.
fn minutes(kind: SessionKind) -> u32 {
    match kind {
        SessionKind::Onboarding => 60,
        SessionKind::WarmUp => 30,
        SessionKind::Mentoring => 45,
    }
}

/// The mentor of a hire: the present department member (not the lead) who knows most of the
/// department's systems, ties by person index.
fn pick_mentor(world: &World, hire: usize) -> Option<usize> {
    let department = world.people[hire].department;
    let lead = world.departments[department].lead;
    let owned = &world.departments[department].owned_systems;
    world.departments[department]
        .members
        .iter()
        .copied()
        .filter(|&m| m != hire && m != lead && world.clocks.present(m))
        .filter(|&m| !world.people[m].warming_up)
        .max_by(|&a, &b| {
            let known = |p: usize| {
                world.people[p]
                    .expertise
                    .iter()
                    .filter(|s| owned.contains(s))
                    .count()
            };
            known(a).cmp(&known(b)).then(b.cmp(&a))
        })
}

/// First day: a mentor, an onboarding guide written by the lead, a first session with the lead.
pub(crate) fn plan(world: &mut World, hires: &[usize]) {
    for &hire in hires {
        let department = world.people[hire].department;
        let lead = world.departments[department].lead;
        let mentor = pick_mentor(world, hire);
        world.people[hire].mentor = mentor;
        let (day_start, _) = world.clocks.hours(lead).unwrap_or((0, 0));
        let Some(block) = world.clocks.solo(lead, day_start + 30 * MINUTE, HOUR) else {
            continue;
        };
        let title = format!("Onboarding guide: {}", world.people[hire].name);
        let page = new_page(world, department, title);
        publish_page(
            world,
            page.clone(),
            PageKind::Onboarding,
            lead,
            None,
            Vec::new(),
            block,
            "onboarding",
        );
        let systems: Vec<String> = world.departments[department]
            .owned_systems
            .iter()
            .map(|&s| world.systems[s].id.clone())
            .collect();
        let facts = OnboardingPlanned {
            person: world.id(hire),
            lead: world.id(lead),
            mentor: mentor.map(|m| world.id(m)),
            page,
            systems,
            ramp_days: world.spec.lifecycle.onboarding.ramp_days,
        };
        let summary = format!("Onboarding planned for {}", facts.person);
        let artifact = crate::artifact::ArtifactRef::Page {
            space: facts.page.space.clone(),
            id: facts.page.id,
        };
        world.emit(
            EventKind::OnboardingPlanned(facts),
            block.end,
            vec![lead],
            vec![artifact],
            summary,
        );
        session(world, hire, lead, SessionKind::Onboarding);
    }
}

/// Books and records one session between a hire and their lead or mentor.
fn session(world: &mut World, hire: usize, with: usize, kind: SessionKind) -> bool {
    let slot = world.calendar.at(world.date, ClockTime::hm(10, 0));
    let seconds = i64::from(minutes(kind)) * MINUTE;
    let Some(meeting) = world.clocks.meeting(&[hire, with], slot, seconds) else {
        return false;
    };
    world
        .graph
        .boost(hire, with, world.spec.graph.boost_one_on_one);
    let facts = OnboardingSession {
        person: world.id(hire),
        with: world.id(with),
        kind,
        duration_minutes: minutes(kind),
        tie: (world.graph.weight(hire, with) * 10_000.0).round() / 10_000.0,
    };
    let summary = format!("{:?} session {} / {}", kind, facts.person, facts.with);
    world.emit(
        EventKind::OnboardingSession(facts),
        meeting.start,
        vec![hire, with],
        vec![],
        summary,
    );
    true
}

/// Later days: mentoring every day and a warm-up 1:1 with the lead every few days until warm;
/// after the ramp, rotations and orphaned knowledge.
pub(crate) fn daily(world: &mut World) {
    let spec = world.spec.lifecycle.onboarding.clone();
    for hire in world.present_people() {
        let person = &world.people[hire];
        if person.joined_day >= world.day || person.joined_day <= 1 {
            continue;
        }
        let department = person.department;
        let lead = world.departments[department].lead;
        let days = world.day - person.joined_day;
        if person.warming_up {
            let mentor = person.mentor.filter(|&m| world.clocks.present(m));
            if let Some(m) = mentor {
                session(world, hire, m, SessionKind::Mentoring);
            }
            if days.is_multiple_of(spec.warmup_one_on_one_every_days) && world.clocks.present(lead)
            {
                session(world, hire, lead, SessionKind::WarmUp);
            }
            let lead_tie = world.graph.weight(hire, lead);
            let mentor_tie = world.people[hire]
                .mentor
                .map(|m| world.graph.weight(hire, m));
            if lead_tie >= spec.warmup_threshold
                && mentor_tie.is_none_or(|w| w >= spec.warmup_threshold)
            {
                world.people[hire].warming_up = false;
                let facts = HireWarmedUp {
                    person: world.id(hire),
                    days,
                    lead_tie: round(lead_tie),
                    mentor_tie: mentor_tie.map(round),
                };
                let summary = format!("{} is warmed up after {days} day(s)", facts.person);
                let at = end_of_day(world, hire);
                world.emit(EventKind::HireWarmedUp(facts), at, vec![], vec![], summary);
            }
        }
        if !world.people[hire].in_rotation && days >= spec.ramp_days {
            join_rotations(world, hire);
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The end of a person's business day today.
fn end_of_day(world: &World, person: usize) -> Instant {
    world.clocks.hours(person).map_or_else(
        || {
            world
                .calendar
                .at(world.date, world.spec.calendar.business_hours.end)
        },
        |h| h.1,
    ) - 1
}

/// The ramp is over: the hire joins the reviewer pool, the on-call rotation when their
/// department is on it, and takes on their department's orphaned systems.
fn join_rotations(world: &mut World, hire: usize) {
    world.people[hire].in_rotation = true;
    let department = world.people[hire].department;
    let mut joined = Vec::new();
    let department_on_call = if world.spec.incidents.on_call.is_empty() {
        world.departments[department].ships_code
    } else {
        world
            .on_call
            .iter()
            .any(|&p| world.people[p].department == department)
    };
    if department_on_call && !world.on_call.contains(&hire) {
        world.on_call.push(hire);
        joined.push("on_call".to_string());
    }
    if world.departments[department].ships_code {
        joined.push("reviewers".to_string());
    }
    let (start, _) = world.clocks.hours(hire).unwrap_or((0, 0));
    let facts = RotationUpdated {
        person: world.id(hire),
        reason: "ramp_complete".to_string(),
        joined,
        left: Vec::new(),
        on_call: world.ids(&world.on_call.clone()),
    };
    let summary = format!(
        "{} finished their ramp and joined the rotations",
        facts.person
    );
    world.emit(
        EventKind::RotationUpdated(facts),
        start,
        vec![],
        vec![],
        summary,
    );
    knowledge::claim(world, hire, start + 1);
}
