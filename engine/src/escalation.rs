//! Escalation over the social graph: the shortest path on distance `1 / w` from a responder to
//! the lead who owns the affected system (else the nearest lead), at most `max_hops` ties long.

use crate::calendar::Instant;
use crate::clock::MINUTE;
use crate::escalation_path::shortest_path;
use crate::event::{Escalation, EscalationCause, EscalationTarget, EventKind, Intent, Thread};
use crate::incident::INCIDENT_CHANNEL;
use crate::thread::ThreadBuilder;
use crate::world::World;

/// What to escalate and why.
pub(crate) struct Request {
    pub cause: EscalationCause,
    pub from: usize,
    pub system: Option<usize>,
    pub incident: Option<String>,
    pub email_chain: Option<String>,
    pub at: Instant,
}

/// Finds the chain, records an `escalation` event and returns the path (person indices), or
/// `None` when no lead is reachable within `max_hops`.
pub(crate) fn escalate(world: &mut World, request: Request) -> Option<Vec<usize>> {
    let Request {
        cause,
        from,
        system,
        incident,
        email_chain,
        at,
    } = request;
    let (path, target, reason) = chain(world, from, system)?;
    let adjacency_weight = |a: usize, b: usize| world.graph.weight(a, b);
    let distance: f64 = path
        .windows(2)
        .map(|w| 1.0 / adjacency_weight(w[0], w[1]))
        .sum();
    let to = *path.last()?;
    let leaving = world.people[from].left_day.is_some_and(|d| d <= world.day);
    let actors: Vec<usize> = path
        .iter()
        .copied()
        .filter(|&p| !(leaving && p == from))
        .collect();
    let thread = match (cause, &incident) {
        (EscalationCause::Incident, Some(id)) if path.len() >= 2 => {
            chain_thread(world, id, &path, at)
        }
        _ => None,
    };
    let artifacts = thread
        .as_ref()
        .map(|t| world.thread_artifacts(t))
        .unwrap_or_default();
    let facts = Escalation {
        cause,
        incident: incident.clone(),
        email_chain,
        system: system.map(|s| world.systems[s].id.clone()),
        from: world.id(from),
        to: world.id(to),
        path: world.ids(&path),
        hops: (path.len() - 1) as u32,
        distance: (distance * 10_000.0).round() / 10_000.0,
        target,
        reason,
        thread,
    };
    let summary = format!(
        "{} escalated to {} via {} hop(s){}",
        facts.from,
        facts.to,
        facts.hops,
        incident.map(|i| format!(" ({i})")).unwrap_or_default()
    );
    world.emit(EventKind::Escalation(facts), at, actors, artifacts, summary);
    Some(path)
}

/// The chain in the incident channel: each person on `path` loops in the next, the last
/// acknowledges. Outside the first person's hours every step is an after-hours message a few
/// minutes apart; inside them each message is booked on its author's day, and the thread stops
/// where someone's day is full. `None` when not even the first message fits.
fn chain_thread(world: &mut World, incident: &str, path: &[usize], at: Instant) -> Option<Thread> {
    let after_hours = world
        .clocks
        .hours(path[0])
        .is_none_or(|(start, end)| at < start || at >= end);
    let mut thread = ThreadBuilder::new(INCIDENT_CHANNEL.to_string());
    let mut last = at;
    for (i, &author) in path.iter().enumerate() {
        let intent = match path.get(i + 1) {
            Some(&next) => Intent::Escalate {
                incident: incident.to_string(),
                to: world.id(next),
            },
            None => Intent::Acknowledge {
                incident: incident.to_string(),
            },
        };
        if after_hours {
            last += 3 * MINUTE;
            thread.post_after_hours(world, author, last, intent);
        } else {
            match thread.post(world, author, last + MINUTE, intent) {
                Some(posted) => last = posted,
                None => break,
            }
        }
    }
    (thread.len() > 0).then(|| thread.finish())
}

/// The escalation path from `from` for `system`, its target kind and a plain reason.
pub(crate) fn chain(
    world: &World,
    from: usize,
    system: Option<usize>,
) -> Option<(Vec<usize>, EscalationTarget, String)> {
    let max_hops = world.spec.graph.max_hops;
    // Present employees, plus `from` (a leaver is still in the graph during the handoff).
    let mut people: Vec<usize> = (0..world.people.len())
        .filter(|&p| world.clocks.present(p) || p == from)
        .collect();
    people.sort_unstable();
    people.dedup();
    let start = people.binary_search(&from).ok()? as u32;
    let adjacency = world.graph.adjacency(&people);
    let owner_lead = system.map(|s| world.departments[world.systems[s].department].lead);
    if let Some(lead) = owner_lead {
        if lead == from {
            let name = system
                .map(|s| world.systems[s].id.clone())
                .unwrap_or_default();
            return Some((
                vec![from],
                EscalationTarget::SelfOwned,
                format!("{} leads the department that owns {name}", world.id(from)),
            ));
        }
        if let Ok(target) = people.binary_search(&lead)
            && let Some(path) = shortest_path(&adjacency, start, |c| c == target as u32, max_hops)
        {
            let name = system
                .map(|s| world.systems[s].id.clone())
                .unwrap_or_default();
            return Some((
                path.iter().map(|&c| people[c as usize]).collect(),
                EscalationTarget::OwnerLead,
                format!(
                    "{} leads {}, which owns {name}",
                    world.id(lead),
                    world.departments[world.people[lead].department].id
                ),
            ));
        }
    }
    let leads: Vec<u32> = world
        .departments
        .iter()
        .map(|d| d.lead)
        .filter(|&l| l != from)
        .filter_map(|l| people.binary_search(&l).ok().map(|c| c as u32))
        .collect();
    let path = shortest_path(&adjacency, start, |c| leads.contains(&c), max_hops)?;
    let path: Vec<usize> = path.iter().map(|&c| people[c as usize]).collect();
    let to = *path.last()?;
    let reason = match owner_lead {
        Some(lead) => format!(
            "{} (owning lead) is not reachable within {max_hops} hops; {} is the nearest lead",
            world.id(lead),
            world.id(to)
        ),
        None => format!("no owning system; {} is the nearest lead", world.id(to)),
    };
    Some((path, EscalationTarget::NearestLead, reason))
}
