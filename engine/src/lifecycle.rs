//! Departures and hires: who leaves (scheduled, or random attrition whose hazard rises with
//! stress and burnout) and who joins.
//!
//! Departures run before the day's planning as a cascade, each step an event, in this order:
//! active incidents handed off through escalation while the leaver is still in the graph; open
//! tickets, pending reviews and open pull requests reassigned; rotations and pools updated;
//! system ownership and customer accounts handed over; the node removed, centrality recomputed
//! and the people who absorb the bridging load stressed; their systems' knowledge orphaned; and
//! the lead's farewell message.

use crate::artifact::ArtifactRef;
use crate::calendar::Instant;
use crate::clock::MINUTE;
use crate::event::{
    AccountLapsed, AttritionBlocked, BridgeLoad, EmployeeDeparted, EmployeeHired, EventKind,
    Handoff, Intent, RotationUpdated, TicketStatus, WorkReassigned,
};
use crate::graph::Member;
use crate::incident;
use crate::knowledge;
use crate::rng::Draw;
use crate::stress;
use crate::thread::ThreadBuilder;
use crate::work::choose_reviewers;
use crate::world::{PrState, World};

/// Stress a person takes per unit of betweenness centrality they gain from a departure.
const STRESS_PER_CENTRALITY_GAIN: f64 = 100.0;
/// Smallest centrality gain that counts as absorbing bridging load.
const MIN_BRIDGE_GAIN: f64 = 0.001;

/// A departure decided for today.
#[derive(Debug, Clone)]
pub(crate) struct Leaving {
    pub person: usize,
    pub reason: String,
    pub documented_pct: f64,
}

/// Marks every scheduled departure's last day up front, so presence is known for each day.
pub(crate) fn schedule_departures(world: &mut World) {
    for departure in &world.spec.lifecycle.departures {
        if let Some(&p) = world.person_index.get(&departure.person) {
            world.people[p].left_day = Some(departure.day);
        }
    }
}

/// Today's scheduled departures.
pub(crate) fn scheduled_today(world: &World) -> Vec<Leaving> {
    world
        .spec
        .lifecycle
        .departures
        .iter()
        .filter(|d| d.day == world.day)
        .filter_map(|d| {
            world.person_index.get(&d.person).map(|&p| Leaving {
                person: p,
                reason: d.reason.clone(),
                documented_pct: d.documented_pct,
            })
        })
        .collect()
}

/// Random attrition, drawn before presence is known: each employed non-lead who joined before
/// today leaves with a daily hazard that rises linearly with stress and multiplies while burnt
/// out. A department at its minimum headcount keeps the person, and an `attrition_blocked`
/// event says so. Returns who leaves; their `left_day` is set to today.
pub(crate) fn draw_attrition(world: &mut World, at: Instant) -> Vec<Leaving> {
    let spec = world.spec.lifecycle.attrition.clone();
    if spec.base_daily_hazard <= 0.0 {
        return Vec::new();
    }
    let day = world.day;
    let mut leaving = Vec::new();
    for p in 0..world.people.len() {
        let person = &world.people[p];
        if person.is_lead || person.joined_day >= day || !person.employed_on(day) {
            continue;
        }
        let stress_factor = 1.0 + (spec.stress_multiplier - 1.0) * person.stress / 100.0;
        let burnout_factor = if person.burnt_out_since.is_some() {
            spec.burnout_multiplier
        } else {
            1.0
        };
        let hazard = (spec.base_daily_hazard * stress_factor * burnout_factor).clamp(0.0, 1.0);
        if !world.rng.attrition.chance(hazard) {
            continue;
        }
        let department = person.department;
        let headcount = world.departments[department]
            .members
            .iter()
            .filter(|&&m| world.people[m].employed_on(day))
            .count() as u32;
        if headcount <= spec.min_headcount {
            let facts = AttritionBlocked {
                person: world.id(p),
                department: world.departments[department].id.clone(),
                headcount,
                min_headcount: spec.min_headcount,
            };
            let summary = format!(
                "{} would have left, but {} is at its minimum headcount",
                facts.person, facts.department
            );
            world.emit(
                EventKind::AttritionBlocked(facts),
                at,
                vec![],
                vec![],
                summary,
            );
            continue;
        }
        let documented_pct = (world.rng.attrition.uniform(0.1, 0.6) * 100.0).round() / 100.0;
        world.people[p].left_day = Some(day);
        leaving.push(Leaving {
            person: p,
            reason: "attrition".to_string(),
            documented_pct,
        });
    }
    leaving
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

/// Runs the departure cascade for everyone leaving today (after presence is known).
pub(crate) fn depart(world: &mut World, leaving: Vec<Leaving>) {
    for leaver in leaving {
        cascade(world, leaver);
    }
}

fn cascade(world: &mut World, leaver: Leaving) {
    let Leaving {
        person,
        reason,
        documented_pct,
    } = leaver;
    let department = world.people[person].department;
    let lead = world.departments[department].lead;
    let (day_start, _) = world.clocks.hours(lead).unwrap_or_else(|| {
        let hours = world.spec.calendar.business_hours;
        (
            world.calendar.at(world.date, hours.start),
            world.calendar.at(world.date, hours.end),
        )
    });
    let mut at = day_start;

    // 1. Active incidents, handed off through escalation while the node still exists.
    incident::hand_off(world, person, &mut at);

    // 2. Tickets, reviews and pull requests.
    let (tickets, reviews, pull_requests, work_artifacts) = reassign_work(world, person);
    if !(tickets.is_empty() && reviews.is_empty() && pull_requests.is_empty()) {
        let facts = WorkReassigned {
            person: world.id(person),
            tickets: tickets.clone(),
            reviews: reviews.clone(),
            pull_requests: pull_requests.clone(),
        };
        let summary = format!(
            "{}'s work reassigned: {} ticket(s), {} review(s), {} PR(s)",
            facts.person,
            tickets.len(),
            reviews.len(),
            pull_requests.len()
        );
        world.emit(
            EventKind::WorkReassigned(facts),
            at,
            vec![],
            work_artifacts.clone(),
            summary,
        );
        at += 1;
    }

    // 3. Rotations and pools.
    let mut left_pools = Vec::new();
    if world.on_call.contains(&person) {
        world.on_call.retain(|&p| p != person);
        left_pools.push("on_call".to_string());
    }
    left_pools.push("standup".to_string());
    if world.departments[department].ships_code {
        left_pools.push("reviewers".to_string());
    }
    let facts = RotationUpdated {
        person: world.id(person),
        reason: "departure".to_string(),
        joined: Vec::new(),
        left: left_pools,
        on_call: world.ids(&world.on_call.clone()),
    };
    let summary = format!("{} left the rotations", facts.person);
    world.emit(
        EventKind::RotationUpdated(facts),
        at,
        vec![],
        vec![],
        summary,
    );
    at += 1;

    // 4. System ownership and customer accounts.
    knowledge::reassign_ownership(world, person, &mut at);
    for a in 0..world.accounts.len() {
        if world.accounts[a].liaison != person {
            continue;
        }
        world.accounts[a].liaison = lead;
        // The party's people now deal with someone they do not know yet: cold ties.
        let contacts = world.accounts[a].contacts.clone();
        for &c in &contacts {
            world
                .graph
                .tie_contact(c, lead, world.spec.graph.weight_floor);
        }
        let facts = AccountLapsed {
            account: world.accounts[a].id.clone(),
            party: world.accounts[a].party,
            person: world.id(person),
            covered_by: world.id(lead),
            contacts: contacts
                .iter()
                .map(|&c| world.member_id(Member::Contact(c)))
                .collect(),
        };
        let summary = format!(
            "{} lost its account owner {}; {} covers it",
            facts.account, facts.person, facts.covered_by
        );
        world.emit(EventKind::AccountLapsed(facts), at, vec![], vec![], summary);
        at += 1;
    }

    // 5. The node goes; whoever now bridges what they bridged takes stress for it.
    let mut before_set = world.present_people();
    before_set.push(person);
    before_set.sort_unstable();
    let before = world.centrality_over(&before_set);
    let centrality_of_leaver = before_set
        .binary_search(&person)
        .map(|i| before[i])
        .unwrap_or(0.0);
    world.departments[department]
        .members
        .retain(|&m| m != person);
    world.graph.remove_person(person);
    world.refresh_centrality();
    // Compare shortest-path counts, not normalized values: the smaller roster alone would lift
    // everyone's normalized score. Gains are expressed in the new normalization.
    let pairs = |n: usize| (n.saturating_sub(1) * n.saturating_sub(2)).max(1) as f64;
    let (n_before, n_after) = (pairs(before_set.len()), pairs(before_set.len() - 1));
    let mut absorbed: Vec<BridgeLoad> = Vec::new();
    for (i, &p) in before_set.iter().enumerate() {
        if p == person {
            continue;
        }
        let gain = (world.people[p].centrality * n_after - before[i] * n_before) / n_after;
        if gain >= MIN_BRIDGE_GAIN {
            let added = round(gain * STRESS_PER_CENTRALITY_GAIN);
            stress::hit(world, p, added);
            absorbed.push(BridgeLoad {
                person: world.id(p),
                centrality_before: round(before[i]),
                centrality_after: round(world.people[p].centrality),
                stress_added: added,
            });
        }
    }
    let departed_at = at;
    at += 1;

    // 6. Knowledge only they had is orphaned at what they wrote down.
    knowledge::orphan(world, person, documented_pct, &mut at);

    // 7. The lead's farewell message.
    let mut thread = ThreadBuilder::new(world.departments[department].home_channel.clone());
    let farewell_at = day_start + 5 * MINUTE;
    let posted = thread.post(world, lead, farewell_at.max(at), Intent::Announcement);
    let thread = thread.finish();
    let mut refs = if posted.is_some() {
        world.thread_artifacts(&thread)
    } else {
        Vec::new()
    };
    refs.extend(work_artifacts);
    let facts = EmployeeDeparted {
        person: world.id(person),
        department: world.departments[department].id.clone(),
        reason,
        documented_pct,
        tickets,
        reviews,
        pull_requests,
        centrality: round(centrality_of_leaver),
        absorbed,
        thread,
    };
    let summary = format!("{} left the company", world.id(person));
    let actors = if posted.is_some() { vec![lead] } else { vec![] };
    world.emit(
        EventKind::EmployeeDeparted(facts),
        departed_at,
        actors,
        refs,
        summary,
    );
    let edges = world.graph.edges();
    world.graph_history.push((
        world.day,
        format!("departure of {}", world.id(person)),
        edges,
    ));
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Hands a leaver's open tickets, pending reviews and open pull requests to present colleagues.
fn reassign_work(
    world: &mut World,
    person: usize,
) -> (Vec<Handoff>, Vec<Handoff>, Vec<Handoff>, Vec<ArtifactRef>) {
    let mut artifacts: Vec<ArtifactRef> = Vec::new();
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
    artifacts.dedup();
    (tickets, reviews, pull_requests, artifacts)
}

/// Who takes over work from `leaving`: present department colleagues, experts on the system
/// first, then least open hours, then id.
pub(crate) fn successor(world: &World, leaving: usize, system: Option<usize>) -> usize {
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
