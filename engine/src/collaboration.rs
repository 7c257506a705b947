//! Normal-day collaboration: stand-ups, 1:1s, async questions, design discussions, ad-hoc pages,
//! and sprint retros.

use crate::artifact::ArtifactRef;
use crate::calendar::Instant;
use crate::clock::{Block, HOUR, MINUTE};
use crate::event::{
    AsyncQuestion, DesignDiscussion, DiscussionFormat, EventKind, Intent, OneOnOne, PageKind,
    PagePublished, PageRef, SprintRetro, Standup,
};
use crate::rng::Draw;
use crate::scenario::ClockTime;
use crate::thread::ThreadBuilder;
use crate::vocabulary;
use crate::work::{hours2, next_ticket};
use crate::world::World;

/// Each department posts its stand-up thread.
pub(crate) fn standups(world: &mut World) {
    for department in 0..world.departments.len() {
        let members = world.present_members(department);
        if members.len() < 2 {
            continue;
        }
        let lead = world.departments[department].lead;
        let mut order: Vec<usize> = members.clone();
        // The lead opens the thread.
        order.sort_by_key(|&p| p != lead);
        let slot = world
            .calendar
            .at(world.date, world.spec.sprints.standup_time);
        let mut thread = ThreadBuilder::new(world.departments[department].home_channel.clone());
        let mut root_at = None;
        for person in order {
            let ticket = next_ticket(world, person).or_else(|| {
                world.people[person]
                    .hours_logged_last_day
                    .first()
                    .map(|x| x.0)
            });
            let hours_yesterday: f64 = world.people[person]
                .hours_logged_last_day
                .iter()
                .fold(0.0, |sum, x| sum + x.1);
            let blocked = ticket.is_some() && world.rng.collaboration.chance(0.08);
            let intent = Intent::StandupUpdate {
                ticket: ticket.map(|t| world.tickets[t].key.clone()),
                hours_yesterday: hours2(hours_yesterday),
                blocked,
            };
            let earliest = root_at.map_or(slot, |t: Instant| t + MINUTE);
            if let Some(at) = thread.post(world, person, earliest, intent) {
                root_at.get_or_insert(at);
                if person != lead {
                    world
                        .graph
                        .boost(person, lead, world.spec.graph.boost_thread_reply);
                }
            }
        }
        let Some(root_at) = root_at else { continue };
        if thread.len() < 2 {
            continue;
        }
        let actors = thread.authors().to_vec();
        let thread = thread.finish();
        let artifacts = world.thread_artifacts(&thread);
        let facts = Standup {
            department: world.departments[department].id.clone(),
            sprint: world.sprint,
            thread,
        };
        let summary = format!("{} stand-up", world.departments[department].name);
        world.emit(
            EventKind::Standup(facts),
            root_at,
            actors,
            artifacts,
            summary,
        );
    }
}

/// Leads meet each report every `one_on_one_every_days` business days.
pub(crate) fn one_on_ones(world: &mut World) {
    let every = world.spec.collaboration.one_on_one_every_days.max(1);
    for department in 0..world.departments.len() {
        let lead = world.departments[department].lead;
        if !world.clocks.present(lead) {
            continue;
        }
        let members = world.departments[department].members.clone();
        for (position, &report) in members.iter().enumerate() {
            if report == lead || !world.clocks.present(report) {
                continue;
            }
            if !(world.day + position as u32).is_multiple_of(every) {
                continue;
            }
            let slot = world.calendar.at(world.date, ClockTime::hm(13, 30));
            let Some(meeting) = world.clocks.meeting(&[lead, report], slot, 30 * MINUTE) else {
                continue;
            };
            let topics: Vec<String> = next_ticket(world, report)
                .filter(|&t| world.tickets[t].created_at < meeting.start)
                .map(|t| world.tickets[t].key.clone())
                .into_iter()
                .collect();
            world
                .graph
                .boost(lead, report, world.spec.graph.boost_one_on_one);
            let facts = OneOnOne {
                lead: world.id(lead),
                report: world.id(report),
                duration_minutes: 30,
                topics,
            };
            let summary = format!("1:1 {} / {}", world.id(lead), world.id(report));
            world.emit(
                EventKind::OneOnOne(facts),
                meeting.start,
                vec![lead, report],
                Vec::new(),
                summary,
            );
        }
    }
}

/// Picks the expert who answers a question about `system`: strongest tie to the asker among
/// present experts, else the owning lead. Ties by id.
fn pick_expert(world: &World, asker: usize, system: usize) -> Option<usize> {
    let mut experts: Vec<usize> = world.systems[system]
        .experts
        .iter()
        .copied()
        .filter(|&p| p != asker && world.clocks.present(p))
        .collect();
    experts.sort_by(|&a, &b| {
        world
            .graph
            .weight(asker, b)
            .total_cmp(&world.graph.weight(asker, a))
            .then_with(|| world.people[a].id.cmp(&world.people[b].id))
    });
    experts.first().copied().or_else(|| {
        let owner = world
            .spec
            .systems
            .get(system)
            .and_then(|s| world.departments.iter().position(|d| d.id == s.owner))?;
        let lead = world.departments[owner].lead;
        (lead != asker && world.clocks.present(lead)).then_some(lead)
    })
}

/// The owning department's home channel of a system, else the asker's.
fn system_channel(world: &World, system: usize, fallback: usize) -> String {
    let owner = world
        .spec
        .systems
        .get(system)
        .and_then(|s| world.departments.iter().position(|d| d.id == s.owner))
        .unwrap_or(fallback);
    world.departments[owner].home_channel.clone()
}

/// People ask async questions in Slack; an expert answers.
pub(crate) fn async_questions(world: &mut World) {
    if world.systems.is_empty() {
        return;
    }
    let p = world.spec.collaboration.async_question_probability;
    for asker in world.present_people() {
        if !world.rng.collaboration.chance(p) {
            continue;
        }
        let current = next_ticket(world, asker);
        let (system, ticket) = match current.and_then(|t| world.tickets[t].system.map(|s| (s, t))) {
            Some((s, t)) if world.rng.collaboration.chance(0.7) => (s, Some(t)),
            _ => (world.rng.collaboration.index(world.systems.len()), None),
        };
        let Some(answerer) = pick_expert(world, asker, system) else {
            continue;
        };
        let (day_start, _) = world.clocks.hours(asker).unwrap_or((0, 0));
        let offset = i64::from(world.rng.collaboration.between(30, 420)) * MINUTE;
        // A question about a ticket comes after the ticket exists.
        let earliest = ticket.map_or(day_start + offset, |t| {
            (day_start + offset).max(world.tickets[t].created_at + 5 * MINUTE)
        });
        let channel = system_channel(world, system, world.people[asker].department);
        let mut thread = ThreadBuilder::new(channel);
        let Some(asked_at) = thread.post(world, asker, earliest, Intent::Question) else {
            continue;
        };
        let cadence = i64::from(world.rng.collaboration.between(3, 40)) * MINUTE;
        let Some(mut last) = thread.post(world, answerer, asked_at + cadence, Intent::Answer)
        else {
            // Nobody answered today: the question stands alone (still a real thread root).
            let actors = vec![asker];
            finish_question(
                world, thread, asker, answerer, system, ticket, asked_at, actors, false,
            );
            continue;
        };
        world
            .graph
            .boost(asker, answerer, world.spec.graph.boost_thread_reply);
        if world.rng.collaboration.chance(0.4) {
            let gap = i64::from(world.rng.collaboration.between(2, 20)) * MINUTE;
            if let Some(t) = thread.post(world, asker, last + gap, Intent::FollowUp) {
                let gap = i64::from(world.rng.collaboration.between(2, 25)) * MINUTE;
                if let Some(t2) = thread.post(world, answerer, t + gap, Intent::Answer) {
                    last = t2;
                    world
                        .graph
                        .boost(asker, answerer, world.spec.graph.boost_thread_reply);
                } else {
                    last = t;
                }
            }
        }
        let gap = i64::from(world.rng.collaboration.between(1, 10)) * MINUTE;
        thread.post(world, asker, last + gap, Intent::Thanks);
        // Night owls sometimes add a late note to their own thread, flagged after hours.
        if world.people[asker].night_owl && world.rng.collaboration.chance(0.35) {
            let late = world.calendar.at(world.date, ClockTime::hm(21, 0))
                + i64::from(world.rng.collaboration.between(0, 110)) * MINUTE;
            let (_, day_end) = world.clocks.hours(asker).unwrap_or((0, 0));
            if late > day_end {
                thread.post_after_hours(world, asker, late, Intent::FollowUp);
            }
        }
        let actors = vec![asker, answerer];
        finish_question(
            world, thread, asker, answerer, system, ticket, asked_at, actors, true,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn finish_question(
    world: &mut World,
    thread: ThreadBuilder,
    asker: usize,
    answerer: usize,
    system: usize,
    ticket: Option<usize>,
    asked_at: Instant,
    actors: Vec<usize>,
    answered: bool,
) {
    let thread = thread.finish();
    let artifacts = world.thread_artifacts(&thread);
    let facts = AsyncQuestion {
        asker: world.id(asker),
        answerer: world.id(answerer),
        system: Some(world.systems[system].id.clone()),
        ticket: ticket.map(|t| world.tickets[t].key.clone()),
        thread,
    };
    let summary = if answered {
        format!(
            "{} asked about {}; {} answered",
            world.id(asker),
            world.systems[system].name,
            world.id(answerer)
        )
    } else {
        format!(
            "{} asked about {}; no answer that day",
            world.id(asker),
            world.systems[system].name
        )
    };
    world.emit(
        EventKind::AsyncQuestion(facts),
        asked_at,
        actors,
        artifacts,
        summary,
    );
}

/// Departments hold design discussions, as a thread or as a meeting with notes.
pub(crate) fn design_discussions(world: &mut World) {
    if world.systems.is_empty() {
        return;
    }
    let collab = world.spec.collaboration.clone();
    for department in 0..world.departments.len() {
        let members = world.present_members(department);
        if members.len() < 3
            || !world
                .rng
                .collaboration
                .chance(collab.design_discussion_probability)
        {
            continue;
        }
        let owned = world.departments[department].owned_systems.clone();
        let system = if owned.is_empty() {
            world.rng.collaboration.index(world.systems.len())
        } else {
            owned[world.rng.collaboration.index(owned.len())]
        };
        let (pattern, options) = vocabulary::DESIGN_TOPICS[world
            .rng
            .collaboration
            .index(vocabulary::DESIGN_TOPICS.len())];
        let decision_index = world.rng.collaboration.index(options.len());
        let mut alternative_index = world
            .rng
            .collaboration
            .index(options.len().saturating_sub(1).max(1));
        if alternative_index >= decision_index {
            alternative_index += 1;
        }
        let alternative_index = alternative_index.min(options.len() - 1);
        let topic = vocabulary::fill(pattern, &world.systems[system].name);
        let lead = world.departments[department].lead;
        // Experts on the system first, then others, up to five participants.
        let mut participants: Vec<usize> = vec![lead];
        let mut candidates: Vec<usize> = members.iter().copied().filter(|&p| p != lead).collect();
        candidates.sort_by_key(|&p| {
            (
                !world.systems[system].experts.contains(&p),
                world.people[p].id.clone(),
            )
        });
        let extra = world.rng.collaboration.between(2, 4) as usize;
        participants.extend(candidates.into_iter().take(extra));
        let meeting = world.rng.collaboration.chance(collab.design_meeting_share);
        let base = DesignDiscussion {
            department: world.departments[department].id.clone(),
            system: world.systems[system].id.clone(),
            topic: topic.clone(),
            decision: options[decision_index].to_string(),
            alternative: options[alternative_index].to_string(),
            participants: world.ids(&participants),
            format: DiscussionFormat::Thread,
            thread: None,
            page: None,
        };
        if meeting {
            design_meeting(world, department, system, participants, base);
        } else {
            design_thread(world, department, participants, base);
        }
    }
}

fn design_thread(
    world: &mut World,
    department: usize,
    participants: Vec<usize>,
    mut facts: DesignDiscussion,
) {
    let proposer = participants.get(1).copied().unwrap_or(participants[0]);
    let lead = participants[0];
    let (day_start, _) = world.clocks.hours(proposer).unwrap_or((0, 0));
    let offset = i64::from(world.rng.collaboration.between(60, 300)) * MINUTE;
    let mut thread = ThreadBuilder::new(world.departments[department].home_channel.clone());
    let Some(root) = thread.post(world, proposer, day_start + offset, Intent::Proposal) else {
        return;
    };
    let mut last = root;
    for &p in participants.iter().skip(2) {
        let intent = if world.rng.collaboration.chance(0.35) {
            Intent::Concern
        } else {
            Intent::Agreement
        };
        let gap = i64::from(world.rng.collaboration.between(4, 45)) * MINUTE;
        if let Some(t) = thread.post(world, p, last + gap, intent) {
            last = t;
            world
                .graph
                .boost(p, proposer, world.spec.graph.boost_thread_reply);
        }
    }
    let gap = i64::from(world.rng.collaboration.between(5, 60)) * MINUTE;
    if thread
        .post(world, lead, last + gap, Intent::Decision)
        .is_none()
    {
        return;
    }
    if lead != proposer {
        world
            .graph
            .boost(lead, proposer, world.spec.graph.boost_thread_reply);
    }
    let actors = thread.authors().to_vec();
    let thread = thread.finish();
    let artifacts = world.thread_artifacts(&thread);
    facts.thread = Some(thread);
    let summary = format!("Design thread on {}: chose {}", facts.topic, facts.decision);
    world.emit(
        EventKind::DesignDiscussion(facts),
        root,
        actors,
        artifacts,
        summary,
    );
}

fn design_meeting(
    world: &mut World,
    department: usize,
    system: usize,
    participants: Vec<usize>,
    mut facts: DesignDiscussion,
) {
    let slot = world.calendar.at(world.date, ClockTime::hm(11, 0));
    let Some(meeting) = world.clocks.meeting(&participants, slot, 45 * MINUTE) else {
        return;
    };
    world
        .graph
        .meeting(&participants, world.spec.graph.boost_meeting);
    let author = participants[0];
    let Some(block) = world.clocks.solo(author, meeting.end, 30 * MINUTE) else {
        return;
    };
    let title = format!("Design notes: {}", facts.topic);
    let page = new_page(world, department, title);
    facts.format = DiscussionFormat::Meeting;
    facts.page = Some(page.clone());
    let page_artifact = ArtifactRef::Page {
        space: page.space.clone(),
        id: page.id,
    };
    let summary = format!(
        "Design meeting on {}: chose {}",
        facts.topic, facts.decision
    );
    let topic = facts.topic.clone();
    world.emit(
        EventKind::DesignDiscussion(facts),
        meeting.start,
        participants.clone(),
        vec![page_artifact],
        summary,
    );
    publish_page(
        world,
        page,
        PageKind::Design,
        author,
        Some(system),
        Vec::new(),
        block,
        &topic,
    );
}

pub(crate) fn new_page(world: &mut World, department: usize, title: String) -> PageRef {
    PageRef {
        id: world.next_page(),
        space: world.departments[department].space.clone(),
        title,
    }
}

/// Publishes a page (and raises its system's documentation coverage).
#[allow(clippy::too_many_arguments)]
pub(crate) fn publish_page(
    world: &mut World,
    page: PageRef,
    kind: PageKind,
    author: usize,
    system: Option<usize>,
    links: Vec<String>,
    block: Block,
    about: &str,
) {
    let at = world.stamp(block, 3);
    let (before, after) = match system {
        Some(s) => {
            let before = world.systems[s].coverage;
            let after = before + (1.0 - before) * world.spec.knowledge.page_coverage_gain;
            world.systems[s].coverage = after;
            (
                Some(hours2(before * 100.0) / 100.0),
                Some(hours2(after * 100.0) / 100.0),
            )
        }
        None => (None, None),
    };
    let artifact = ArtifactRef::Page {
        space: page.space.clone(),
        id: page.id,
    };
    let summary = format!(
        "{} published \"{}\" ({about})",
        world.id(author),
        page.title
    );
    let facts = PagePublished {
        page,
        kind,
        author: world.id(author),
        system: system.map(|s| world.systems[s].id.clone()),
        links,
        coverage_before: before,
        coverage_after: after,
    };
    world.emit(
        EventKind::PagePublished(facts),
        at,
        vec![author],
        vec![artifact],
        summary,
    );
}

/// People who know a system now and then write a page about it.
pub(crate) fn adhoc_pages(world: &mut World) {
    let p = world.spec.collaboration.adhoc_page_probability;
    for author in world.present_people() {
        if world.people[author].expertise.is_empty() || !world.rng.collaboration.chance(p) {
            continue;
        }
        let expertise = world.people[author].expertise.clone();
        let system = expertise[world.rng.collaboration.index(expertise.len())];
        let pattern =
            vocabulary::PAGE_TITLES[world.rng.collaboration.index(vocabulary::PAGE_TITLES.len())];
        let title = vocabulary::fill(pattern, &world.systems[system].name);
        let (day_start, _) = world.clocks.hours(author).unwrap_or((0, 0));
        let offset = i64::from(world.rng.collaboration.between(0, 300)) * MINUTE;
        let Some(block) = world.clocks.solo(author, day_start + offset, HOUR) else {
            continue;
        };
        let links: Vec<String> = next_ticket(world, author)
            .filter(|&t| {
                world.tickets[t].system == Some(system) && world.tickets[t].created_at < block.start
            })
            .map(|t| world.tickets[t].key.clone())
            .into_iter()
            .collect();
        let department = world.people[author].department;
        let page = new_page(world, department, title);
        publish_page(
            world,
            page,
            PageKind::Adhoc,
            author,
            Some(system),
            links,
            block,
            "ad-hoc",
        );
    }
}

/// A retro booked for today: department and meeting block.
pub(crate) struct BookedRetro {
    department: usize,
    meeting: Block,
    attendees: Vec<usize>,
}

/// Books each department's retro on the sprint's last day (before the day's work fills clocks).
pub(crate) fn book_retros(world: &mut World) -> Vec<BookedRetro> {
    let mut booked = Vec::new();
    for department in 0..world.departments.len() {
        let attendees = world.present_members(department);
        if attendees.is_empty() || world.departments[department].sprint_tickets.is_empty() {
            continue;
        }
        let slot = world.calendar.at(world.date, world.spec.sprints.retro_time);
        if let Some(meeting) = world.clocks.meeting(&attendees, slot, 45 * MINUTE) {
            world
                .graph
                .meeting(&attendees, world.spec.graph.boost_meeting);
            booked.push(BookedRetro {
                department,
                meeting,
                attendees,
            });
        }
    }
    booked
}

/// Writes up booked retros: what was done before the retro started, and what was not.
pub(crate) fn write_retros(world: &mut World, booked: Vec<BookedRetro>) {
    for retro in booked {
        let department = retro.department;
        let lead = world.departments[department].lead;
        let facilitator = if retro.attendees.contains(&lead) {
            lead
        } else {
            retro.attendees[0]
        };
        let Some(block) = world
            .clocks
            .solo(facilitator, retro.meeting.end, 30 * MINUTE)
        else {
            continue;
        };
        let tickets = world.departments[department].sprint_tickets.clone();
        let (done, open): (Vec<usize>, Vec<usize>) = tickets.iter().partition(|&&t| {
            world.tickets[t]
                .done_at
                .is_some_and(|d| d < retro.meeting.start)
        });
        let points_completed: u32 = done.iter().map(|&t| world.tickets[t].points).sum();
        let dept = &world.departments[department];
        let title = format!("{} Sprint {} retro", dept.prefix, world.sprint);
        let page = new_page(world, department, title);
        let facts = SprintRetro {
            department: world.departments[department].id.clone(),
            sprint: world.sprint,
            page: page.clone(),
            facilitator: world.id(facilitator),
            attendees: world.ids(&retro.attendees),
            completed: done.iter().map(|&t| world.tickets[t].key.clone()).collect(),
            not_completed: open.iter().map(|&t| world.tickets[t].key.clone()).collect(),
            points_committed: world.departments[department].sprint_points,
            points_completed,
            duration_minutes: 45,
        };
        let artifact = ArtifactRef::Page {
            space: page.space.clone(),
            id: page.id,
        };
        let summary = format!(
            "{} retro: {points_completed} of {} points done",
            world.departments[department].name, world.departments[department].sprint_points
        );
        world.emit(
            EventKind::SprintRetro(facts),
            retro.meeting.start,
            retro.attendees.clone(),
            vec![artifact],
            summary,
        );
        let links: Vec<String> = tickets
            .iter()
            .map(|&t| world.tickets[t].key.clone())
            .collect();
        publish_page(
            world,
            page,
            PageKind::Retro,
            facilitator,
            None,
            links,
            block,
            "retro",
        );
    }
}
