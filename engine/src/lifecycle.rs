//! Scheduled departures and hires: who leaves and joins, and the handoffs a departure causes.
//!
//! Departures run before the day's planning. The person is absent from that day on; their open
//! tickets, pending reviews and open pull requests are handed to present colleagues, and their
//! lead announces it. Hires join with cold ties and are welcomed by their lead.

use crate::artifact::ArtifactRef;
use crate::clock::MINUTE;
use crate::event::{EmployeeDeparted, EmployeeHired, EventKind, Handoff, Intent, TicketStatus};
use crate::thread::ThreadBuilder;
use crate::work::choose_reviewers;
use crate::world::{PrState, World};

/// Marks every scheduled departure's last day up front, so presence is known for each day.
pub(crate) fn schedule_departures(world: &mut World) {
    for departure in &world.spec.lifecycle.departures {
        if let Some(&p) = world.person_index.get(&departure.person) {
            world.people[p].left_day = Some(departure.day);
        }
    }
}

/// Adds today's hires to the world (before presence is computed).
pub(crate) fn admit_hires(world: &mut World) -> Vec<usize> {
    let hires: Vec<_> = world
        .spec
        .lifecycle
        .hires
        .iter()
        .filter(|h| h.day == world.day)
        .cloned()
        .collect();
    let mut admitted = Vec::new();
    for hire in hires {
        let Some(department) = world
            .departments
            .iter()
            .position(|d| d.id == hire.department)
        else {
            continue;
        };
        let person = world.add_person(&hire.person, department, world.day);
        // Cold ties: only to the lead, at the floor.
        let lead = world.departments[department].lead;
        world.graph.tie(person, lead, world.spec.graph.weight_floor);
        admitted.push(person);
    }
    admitted
}

/// Today's departures: handoffs, removal from the graph, the lead's announcement.
pub(crate) fn depart(world: &mut World) {
    let leaving: Vec<(usize, String, f64)> = world
        .spec
        .lifecycle
        .departures
        .iter()
        .filter(|d| d.day == world.day)
        .filter_map(|d| {
            world
                .person_index
                .get(&d.person)
                .map(|&p| (p, d.reason.clone(), d.documented_pct))
        })
        .collect();
    for (person, reason, documented_pct) in leaving {
        let department = world.people[person].department;
        let lead = world.departments[department].lead;
        let mut artifacts: Vec<ArtifactRef> = Vec::new();

        // Open tickets go to the present colleague with the least open work, experts first.
        let mut tickets = Vec::new();
        let open: Vec<usize> = (0..world.tickets.len())
            .filter(|&t| {
                world.tickets[t].assignee == person && world.tickets[t].status != TicketStatus::Done
            })
            .collect();
        for t in open {
            let to = successor(world, person, world.tickets[t].system);
            world.tickets[t].assignee = to;
            tickets.push(Handoff {
                item: world.tickets[t].key.clone(),
                from: world.id(person),
                to: world.id(to),
            });
            artifacts.push(world.jira(t));
        }

        // Pending reviews go to the next-best reviewer; open PRs they own go to the ticket's new assignee.
        let mut reviews = Vec::new();
        let mut pull_requests = Vec::new();
        for pr in 0..world.pull_requests.len() {
            if world.pull_requests[pr].state == PrState::Merged {
                continue;
            }
            let p = world.pull_requests[pr].clone();
            if p.reviewers.contains(&person) {
                let system = world.tickets[p.ticket].system;
                let mut exclude = p.reviewers.clone();
                exclude.push(p.owner);
                let replacement = choose_reviewers(world, p.owner, system, &exclude)
                    .into_iter()
                    .next();
                let entry = &mut world.pull_requests[pr];
                entry.reviewers.retain(|&r| r != person);
                let was_pending = entry.pending.contains(&person);
                entry.pending.retain(|&r| r != person);
                if let Some(r) = replacement {
                    entry.reviewers.push(r);
                    if was_pending {
                        entry.pending.push(r);
                    }
                    reviews.push(Handoff {
                        item: p.number.to_string(),
                        from: world.id(person),
                        to: world.id(r),
                    });
                }
                let entry = &mut world.pull_requests[pr];
                if entry.state == PrState::InReview && entry.pending.is_empty() {
                    entry.state = if entry.round >= entry.planned_rounds {
                        PrState::Approved
                    } else {
                        PrState::ChangesRequested
                    };
                }
                artifacts.push(world.pr_ref(pr));
            }
            if p.owner == person {
                let to = world.tickets[p.ticket].assignee;
                world.pull_requests[pr].owner = to;
                pull_requests.push(Handoff {
                    item: p.number.to_string(),
                    from: world.id(person),
                    to: world.id(to),
                });
                artifacts.push(world.pr_ref(pr));
            }
        }

        let (day_start, _) = world.clocks.hours(lead).unwrap_or((0, 0));
        let mut thread = ThreadBuilder::new(world.departments[department].home_channel.clone());
        let Some(at) = thread.post(world, lead, day_start + 5 * MINUTE, Intent::Announcement)
        else {
            continue;
        };
        let thread = thread.finish();
        let mut refs = world.thread_artifacts(&thread);
        refs.extend(artifacts);
        let facts = EmployeeDeparted {
            person: world.id(person),
            department: world.departments[department].id.clone(),
            reason,
            documented_pct,
            tickets,
            reviews,
            pull_requests,
            thread,
        };
        let summary = format!("{} left the company", world.id(person));
        world.emit(
            EventKind::EmployeeDeparted(facts),
            at,
            vec![lead],
            refs,
            summary,
        );
        world.departments[department]
            .members
            .retain(|&m| m != person);
        world.graph.remove_person(person);
    }
}

/// Who takes over work from `leaving`: present department colleagues, experts on the system
/// first, then least open hours, then id.
fn successor(world: &World, leaving: usize, system: Option<usize>) -> usize {
    let department = world.people[leaving].department;
    let lead = world.departments[department].lead;
    let open_hours = |p: usize| -> f64 {
        world
            .tickets
            .iter()
            .filter(|t| t.assignee == p && t.status != TicketStatus::Done)
            .map(|t| (t.actual_hours - t.spent_hours).max(0.0))
            .sum()
    };
    world.departments[department]
        .members
        .iter()
        .copied()
        .filter(|&p| p != leaving && world.clocks.present(p))
        .min_by(|&a, &b| {
            let expert = |p: usize| system.is_some_and(|s| world.people[p].expertise.contains(&s));
            expert(b)
                .cmp(&expert(a))
                .then_with(|| open_hours(a).total_cmp(&open_hours(b)))
                .then_with(|| world.people[a].id.cmp(&world.people[b].id))
        })
        .unwrap_or(lead)
}

/// Welcome threads for today's hires.
pub(crate) fn welcome(world: &mut World, hires: &[usize]) {
    for &hire in hires {
        let department = world.people[hire].department;
        let lead = world.departments[department].lead;
        let (day_start, _) = world.clocks.hours(lead).unwrap_or((0, 0));
        let mut thread = ThreadBuilder::new(world.departments[department].home_channel.clone());
        let Some(at) = thread.post(world, lead, day_start + 10 * MINUTE, Intent::Announcement)
        else {
            continue;
        };
        let mut actors = vec![lead];
        if thread
            .post(world, hire, at + 5 * MINUTE, Intent::Thanks)
            .is_some()
        {
            actors.push(hire);
            world
                .graph
                .boost(hire, lead, world.spec.graph.boost_thread_reply);
        }
        let thread = thread.finish();
        let artifacts = world.thread_artifacts(&thread);
        let person = &world.people[hire];
        let facts = EmployeeHired {
            person: person.id.clone(),
            name: person.name.clone(),
            department: world.departments[department].id.clone(),
            role: person.role.clone(),
            thread,
        };
        let summary = format!(
            "{} joined {}",
            person.id, world.departments[department].name
        );
        world.emit(
            EventKind::EmployeeHired(facts),
            at,
            actors,
            artifacts,
            summary,
        );
    }
}
