//! Sprint work: planning, hours on tickets, pull requests, reviews and merges.

use crate::clock::{HOUR, MINUTE};
use crate::event::{
    EventKind, Intent, PrMerged, PrOpened, PrReviewed, Priority, ReviewVerdict, SprintPlanned,
    Thread, TicketCompleted, TicketCreated, TicketKind, TicketProgressed, TicketStatus,
};
use crate::rng::Draw;
use crate::thread::ThreadBuilder;
use crate::vocabulary;
use crate::world::{PrState, PullRequest, Ticket, World};

/// Most tickets one person is given in one planning (a limit).
const MAX_NEW_TICKETS_PER_PERSON: u32 = 6;
/// Longest single stretch of ticket work.
const MAX_WORK_STRETCH_SECONDS: i64 = 3 * HOUR;
/// Shortest stretch worth booking.
const MIN_WORK_STRETCH_SECONDS: i64 = 30 * MINUTE;

/// Rounds hours to two decimals for facts.
pub(crate) fn hours2(hours: f64) -> f64 {
    (hours * 100.0).round() / 100.0
}

/// Sprint planning for one department on the sprint's first day.
pub(crate) fn plan_sprint(world: &mut World, department: usize) {
    let attendees = world.present_members(department);
    let lead = world.departments[department].lead;
    if attendees.is_empty() || !world.clocks.present(lead) {
        return;
    }
    let spec = &world.spec.sprints;
    let minutes = if attendees.len() < 4 { 30 } else { 60 };
    let slot = world.calendar.at(world.date, spec.planning_time);
    let Some(meeting) = world.clocks.meeting(&attendees, slot, minutes * MINUTE) else {
        return;
    };
    world
        .graph
        .meeting(&attendees, world.spec.graph.boost_meeting);
    let sprint = world.sprint;

    // Carry over what the previous sprint left undone.
    let carried: Vec<usize> = world.departments[department]
        .sprint_tickets
        .iter()
        .copied()
        .filter(|&t| world.tickets[t].status != TicketStatus::Done)
        .collect();
    for &t in &carried {
        world.tickets[t].sprint = sprint;
    }

    // Capacity per attendee, minus carried work.
    let lead_factor = 0.5;
    let mut remaining: Vec<(usize, f64)> = attendees
        .iter()
        .map(|&p| {
            let person = &world.people[p];
            let factor = if person.is_lead { lead_factor } else { 1.0 };
            let base = f64::from(spec.points_per_person) * person.focus_hours / 5.0 * factor;
            let carried_points: u32 = carried
                .iter()
                .filter(|&&t| world.tickets[t].assignee == p)
                .map(|&t| world.tickets[t].points)
                .sum();
            (p, base - f64::from(carried_points))
        })
        .collect();

    let mut new_tickets = Vec::new();
    let mut filed_at = meeting.end;
    let limit = MAX_NEW_TICKETS_PER_PERSON as usize * attendees.len();
    while new_tickets.len() < limit {
        // The person with the most capacity left gets the next ticket (ties by id).
        let Some(&(assignee, capacity)) = remaining.iter().max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then_with(|| world.people[b.0].id.cmp(&world.people[a.0].id))
        }) else {
            break;
        };
        if capacity < 1.0 {
            break;
        }
        let Some(ticket) = draft_ticket(world, department, assignee, capacity, sprint) else {
            break;
        };
        let Some(block) = world.clocks.message(lead, filed_at) else {
            break;
        };
        let at = world.stamp(block, 0);
        filed_at = block.end;
        let points = ticket.points;
        let index = world.tickets.len();
        let mut ticket = ticket;
        ticket.created_at = at;
        ticket.last_activity = at;
        world.tickets.push(ticket);
        if let Some(entry) = remaining.iter_mut().find(|r| r.0 == assignee) {
            entry.1 -= f64::from(points);
        }
        emit_ticket_created(world, index);
        new_tickets.push(index);
    }

    let mut tickets = carried.clone();
    tickets.extend(new_tickets.iter().copied());
    let points: u32 = tickets.iter().map(|&t| world.tickets[t].points).sum();
    {
        let dept = &mut world.departments[department];
        dept.sprint_tickets = tickets.clone();
        dept.sprint_points = points;
    }
    let dept = &world.departments[department];
    let name = format!("{} Sprint {}", dept.prefix, sprint);
    let goal_system = dept
        .owned_systems
        .first()
        .map(|&s| world.systems[s].name.clone())
        .unwrap_or_else(|| dept.name.clone());
    let goal = format!("Ship the committed work on {goal_system} and keep carry-over low");
    let channel = dept.home_channel.clone();
    let department_id = dept.id.clone();
    let length = spec.length_days.max(1);
    let end_day = (world.day + length - 1).min(world.calendar.days());
    let end_date = world.calendar.date(end_day);

    let mut thread = ThreadBuilder::new(channel);
    let Some(root_at) = thread.post(world, lead, filed_at, Intent::Announcement) else {
        return;
    };
    let repliers: Vec<usize> = attendees.iter().copied().filter(|&p| p != lead).collect();
    let reply_count = world
        .rng
        .collaboration
        .between(0, 2)
        .min(repliers.len() as u32);
    let mut after = root_at + 3 * MINUTE;
    for i in 0..reply_count as usize {
        let who = repliers[world.rng.collaboration.index(repliers.len())];
        if thread.authors().contains(&who) && i > 0 {
            continue;
        }
        let intent = if world.rng.collaboration.chance(0.5) {
            Intent::Agreement
        } else {
            Intent::Thanks
        };
        if let Some(t) = thread.post(world, who, after, intent) {
            after = t + MINUTE;
            world
                .graph
                .boost(who, lead, world.spec.graph.boost_thread_reply);
        }
    }
    let thread: Thread = thread.finish();
    let artifacts = world.thread_artifacts(&thread);
    let facts = SprintPlanned {
        department: department_id,
        sprint,
        name: name.clone(),
        start_date: world.date,
        end_date,
        goal,
        tickets: tickets
            .iter()
            .map(|&t| world.tickets[t].key.clone())
            .collect(),
        carried_over: carried
            .iter()
            .map(|&t| world.tickets[t].key.clone())
            .collect(),
        points_committed: points,
        attendees: world.ids(&attendees),
        duration_minutes: minutes as u32,
        thread,
    };
    let mut actors = vec![lead];
    actors.extend(attendees.iter().copied());
    world.emit(
        EventKind::SprintPlanned(facts),
        root_at,
        actors,
        artifacts,
        format!("{name} planned: {} tickets, {points} points", tickets.len()),
    );
}

/// Decides a new ticket for `assignee` (not yet stamped).
fn draft_ticket(
    world: &mut World,
    department: usize,
    assignee: usize,
    capacity: f64,
    sprint: u32,
) -> Option<Ticket> {
    let dept = &world.departments[department];
    let ships_code = dept.ships_code;
    let person = &world.people[assignee];
    // Expertise first, then what the department owns, then anything.
    let system = if !person.expertise.is_empty() && world.rng.planning.chance(0.7) {
        Some(person.expertise[world.rng.planning.index(person.expertise.len())])
    } else if !dept.owned_systems.is_empty() {
        Some(dept.owned_systems[world.rng.planning.index(dept.owned_systems.len())])
    } else if !world.systems.is_empty() {
        Some(world.rng.planning.index(world.systems.len()))
    } else {
        None
    };
    let system_name = system
        .map(|s| world.systems[s].name.clone())
        .unwrap_or_else(|| dept.name.clone());
    let kind = if !ships_code {
        TicketKind::Task
    } else {
        match world.rng.planning.weighted(&[0.55, 0.25, 0.2]) {
            Some(1) => TicketKind::Task,
            Some(2) => TicketKind::Bug,
            _ => TicketKind::Story,
        }
    };
    let titles = match (ships_code, kind) {
        (false, _) => vocabulary::NON_CODE_TITLES,
        (true, TicketKind::Story) => vocabulary::STORY_TITLES,
        (true, TicketKind::Task) => vocabulary::TASK_TITLES,
        (true, TicketKind::Bug) => vocabulary::BUG_TITLES,
    };
    let title = vocabulary::fill(titles[world.rng.planning.index(titles.len())], &system_name);
    let priority = match world.rng.planning.weighted(&[0.05, 0.25, 0.55, 0.15]) {
        Some(0) => Priority::Highest,
        Some(1) => Priority::High,
        Some(3) => Priority::Low,
        _ => Priority::Medium,
    };
    let scale = &world.spec.sprints.point_scale;
    let weights: Vec<f64> = scale
        .iter()
        .map(|&p| {
            if f64::from(p) <= capacity.max(1.0) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let points = match world.rng.planning.weighted(&weights) {
        Some(i) => scale[i],
        None => scale.iter().copied().min()?,
    };
    let estimate = f64::from(points) * world.spec.sprints.hours_per_point;
    let actual = estimate * world.rng.planning.uniform(0.6, 1.6);
    let dept = &mut world.departments[department];
    let key = format!("{}-{}", dept.prefix, dept.next_ticket_number);
    dept.next_ticket_number += 1;
    Some(Ticket {
        key,
        department,
        title,
        kind,
        priority,
        system,
        points,
        estimate_hours: estimate,
        actual_hours: actual,
        spent_hours: 0.0,
        status: TicketStatus::ToDo,
        assignee,
        reporter: world.departments[department].lead,
        sprint,
        created_at: 0,
        last_activity: 0,
        pull_request: None,
        done_at: None,
    })
}

fn emit_ticket_created(world: &mut World, ticket: usize) {
    let t = &world.tickets[ticket];
    let reporter = t.reporter;
    let facts = TicketCreated {
        key: t.key.clone(),
        department: world.departments[t.department].id.clone(),
        title: t.title.clone(),
        kind: t.kind,
        priority: t.priority,
        system: t.system.map(|s| world.systems[s].id.clone()),
        story_points: t.points,
        estimate_hours: hours2(t.estimate_hours),
        reporter: world.id(reporter),
        assignee: world.id(t.assignee),
        sprint: Some(t.sprint),
        incident: None,
        email_chain: None,
    };
    let summary = format!("{} filed {}: {}", world.id(reporter), t.key, t.title);
    let at = t.created_at;
    let artifact = world.jira(ticket);
    world.emit(
        EventKind::TicketCreated(facts),
        at,
        vec![reporter],
        vec![artifact],
        summary,
    );
}

/// The next ticket a person should work on: in progress first, then by priority and key order.
pub(crate) fn next_ticket(world: &World, person: usize) -> Option<usize> {
    // Work stays inside the department (handoffs go to colleagues), so its sprint list suffices.
    let department = world.people[person].department;
    world.departments[department]
        .sprint_tickets
        .iter()
        .copied()
        .filter(|&i| {
            let t = &world.tickets[i];
            t.assignee == person
                && t.sprint == world.sprint
                && matches!(t.status, TicketStatus::ToDo | TicketStatus::InProgress)
        })
        .min_by_key(|&i| {
            let t = &world.tickets[i];
            (t.status != TicketStatus::InProgress, t.priority, i)
        })
}

/// Everyone present puts their focus hours into tickets.
pub(crate) fn ticket_work(world: &mut World) {
    for person in world.present_people() {
        let capacity = if world.people[person].burnt_out_since.is_some() {
            world.spec.morale.burnout_capacity
        } else {
            1.0
        };
        let mut budget_seconds = (world.people[person].focus_hours * capacity * HOUR as f64) as i64;
        let mut stretches = 0;
        while budget_seconds >= MIN_WORK_STRETCH_SECONDS && stretches < 8 {
            stretches += 1;
            let Some(ticket) = next_ticket(world, person) else {
                break;
            };
            let remaining = world.tickets[ticket].actual_hours - world.tickets[ticket].spent_hours;
            let remaining_seconds =
                ((remaining * HOUR as f64) / MINUTE as f64).ceil() as i64 * MINUTE;
            let max = remaining_seconds
                .min(budget_seconds)
                .clamp(MIN_WORK_STRETCH_SECONDS, MAX_WORK_STRETCH_SECONDS);
            let earliest = world.tickets[ticket].last_activity + MINUTE;
            let Some(block) = world
                .clocks
                .stretch(person, earliest, MIN_WORK_STRETCH_SECONDS, max)
            else {
                break;
            };
            budget_seconds -= block.seconds();
            let hours = block.hours();
            log_hours(world, person, ticket, hours);
            let t = &mut world.tickets[ticket];
            t.spent_hours += hours;
            let status_from = t.status;
            t.status = TicketStatus::InProgress;
            let finished = t.spent_hours + 1e-6 >= t.actual_hours;
            let comment = status_from != TicketStatus::InProgress || world.rng.work.chance(0.45);
            let at = world.stamp(block, 2);
            world.tickets[ticket].last_activity = at;
            let t = &world.tickets[ticket];
            let facts = TicketProgressed {
                key: t.key.clone(),
                person: world.id(person),
                hours: hours2(hours),
                spent_hours: hours2(t.spent_hours),
                estimate_hours: hours2(t.estimate_hours),
                status_from,
                status_to: TicketStatus::InProgress,
                comment,
            };
            let summary = format!("{} logged {:.2} h on {}", world.id(person), hours, t.key);
            let artifact = world.jira(ticket);
            world.emit(
                EventKind::TicketProgressed(facts),
                at,
                vec![person],
                vec![artifact],
                summary,
            );
            if finished {
                let done_at = world.stamp(block, 3);
                if world.departments[world.tickets[ticket].department].ships_code {
                    open_pull_request(world, ticket, person, done_at);
                } else {
                    complete_ticket(world, ticket, person, done_at, None);
                }
            }
        }
    }
}

fn log_hours(world: &mut World, person: usize, ticket: usize, hours: f64) {
    let log = &mut world.people[person].hours_logged_today;
    match log.iter_mut().find(|(t, _)| *t == ticket) {
        Some(entry) => entry.1 += hours,
        None => log.push((ticket, hours)),
    }
}

fn complete_ticket(
    world: &mut World,
    ticket: usize,
    person: usize,
    at: crate::calendar::Instant,
    pr: Option<u32>,
) {
    let t = &mut world.tickets[ticket];
    t.status = TicketStatus::Done;
    t.done_at = Some(at);
    t.last_activity = at;
    let facts = TicketCompleted {
        key: t.key.clone(),
        person: world.people[person].id.clone(),
        spent_hours: hours2(t.spent_hours),
        pr,
    };
    let summary = format!(
        "{} completed {}",
        world.id(person),
        world.tickets[ticket].key
    );
    let artifact = world.jira(ticket);
    world.emit(
        EventKind::TicketCompleted(facts),
        at,
        vec![person],
        vec![artifact],
        summary,
    );
}

/// Reviewers: the author's strongest ties among employed engineers who know the system, then
/// department peers; ties broken by id.
pub(crate) fn choose_reviewers(
    world: &World,
    author: usize,
    system: Option<usize>,
    exclude: &[usize],
) -> Vec<usize> {
    let wanted = world.spec.collaboration.reviewers_per_pr.max(1) as usize;
    let day = world.day;
    let eligible = |p: usize| {
        p != author
            && !exclude.contains(&p)
            && world.people[p].employed_on(day)
            && world.people[p].in_rotation
            && world.departments[world.people[p].department].ships_code
    };
    let rank = |mut list: Vec<usize>| {
        list.sort_by(|&a, &b| {
            world
                .graph
                .weight(author, b)
                .total_cmp(&world.graph.weight(author, a))
                .then_with(|| world.people[a].id.cmp(&world.people[b].id))
        });
        list
    };
    let experts: Vec<usize> = system
        .map(|s| {
            world.systems[s]
                .experts
                .iter()
                .copied()
                .filter(|&p| eligible(p))
                .collect()
        })
        .unwrap_or_default();
    let mut chosen: Vec<usize> = rank(experts).into_iter().take(wanted).collect();
    if chosen.len() < wanted {
        let dept = world.people[author].department;
        let peers: Vec<usize> = world.departments[dept]
            .members
            .iter()
            .copied()
            .filter(|&p| eligible(p) && !chosen.contains(&p))
            .collect();
        chosen.extend(rank(peers).into_iter().take(wanted - chosen.len()));
    }
    chosen
}

fn open_pull_request(
    world: &mut World,
    ticket: usize,
    author: usize,
    at: crate::calendar::Instant,
) {
    let number = world.pull_requests.len() as u32 + 1;
    let system = world.tickets[ticket].system;
    let mut reviewers = choose_reviewers(world, author, system, &[]);
    if reviewers.is_empty() {
        let lead = world.departments[world.people[author].department].lead;
        if lead != author {
            reviewers.push(lead);
        }
    }
    let collab = &world.spec.collaboration;
    let mut planned_rounds = 1;
    while planned_rounds < collab.max_review_rounds.max(1)
        && world
            .rng
            .reviews
            .chance(collab.changes_requested_probability)
    {
        planned_rounds += 1;
    }
    let t = &world.tickets[ticket];
    let repository = t
        .system
        .map(|s| world.systems[s].id.clone())
        .unwrap_or_else(|| world.departments[t.department].id.clone());
    let slug: String = t
        .title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|w| !w.is_empty())
        .take(5)
        .collect::<Vec<_>>()
        .join("-");
    let branch = format!(
        "{}/{}-{}",
        world.people[author].id,
        t.key.to_lowercase(),
        slug
    );
    let scale = t.points.max(1);
    let additions = world.rng.reviews.between(10 * scale, 60 * scale);
    let deletions = world.rng.reviews.between(2 * scale, 25 * scale);
    let changed_files = world.rng.reviews.between(1, 3 + scale);
    let commits = world.rng.reviews.between(1, 2 + scale.min(6));
    let facts = PrOpened {
        number,
        repository,
        ticket: t.key.clone(),
        author: world.id(author),
        title: format!("{}: {}", t.key, t.title),
        branch,
        reviewers: world.ids(&reviewers),
        additions,
        deletions,
        changed_files,
        commits,
    };
    let pending = reviewers.clone();
    world.pull_requests.push(PullRequest {
        number,
        ticket,
        author,
        owner: author,
        reviewers,
        pending,
        planned_rounds,
        round: 1,
        state: PrState::InReview,
        last_activity: at,
        merge_commit: None,
    });
    let pr = world.pull_requests.len() - 1;
    let t = &mut world.tickets[ticket];
    t.status = TicketStatus::InReview;
    t.pull_request = Some(pr);
    t.last_activity = at;
    let summary = format!(
        "{} opened PR #{number} for {}",
        world.id(author),
        world.tickets[ticket].key
    );
    let artifacts = vec![world.pr_ref(pr), world.jira(ticket)];
    world.emit(
        EventKind::PrOpened(facts),
        at,
        vec![author],
        artifacts,
        summary,
    );
}

/// Reviews, revisions and merges that can happen now, in pull-request order.
pub(crate) fn review_pass(world: &mut World) {
    for pr in 0..world.pull_requests.len() {
        match world.pull_requests[pr].state {
            PrState::InReview => review(world, pr),
            PrState::ChangesRequested => revise(world, pr),
            PrState::Approved | PrState::Merged => {}
        }
        if world.pull_requests[pr].state == PrState::Approved {
            merge(world, pr);
        }
    }
}

fn review(world: &mut World, pr: usize) {
    let pending = world.pull_requests[pr].pending.clone();
    let mut requested_changes = Vec::new();
    for reviewer in pending {
        let p = &world.pull_requests[pr];
        let final_round = p.round >= p.planned_rounds;
        let earliest = p.last_activity + 10 * MINUTE;
        let minutes = i64::from(world.rng.reviews.between(20, 60));
        let Some(block) = world.clocks.solo(reviewer, earliest, minutes * MINUTE) else {
            continue;
        };
        let at = world.stamp(block, 3);
        // In a round before the last, the first reviewer still pending asks for changes.
        let verdict = if !final_round && requested_changes.is_empty() {
            ReviewVerdict::ChangesRequested
        } else {
            ReviewVerdict::Approved
        };
        if verdict == ReviewVerdict::ChangesRequested {
            requested_changes.push(reviewer);
        }
        let comments = match verdict {
            ReviewVerdict::ChangesRequested => world.rng.reviews.between(2, 6),
            ReviewVerdict::Approved => world.rng.reviews.between(0, 2),
        };
        let p = &mut world.pull_requests[pr];
        p.pending.retain(|&r| r != reviewer);
        p.last_activity = p.last_activity.max(at);
        let (number, round, author, ticket) = (p.number, p.round, p.author, p.ticket);
        world
            .graph
            .boost(author, reviewer, world.spec.graph.boost_pr_review);
        let facts = PrReviewed {
            number,
            ticket: world.tickets[ticket].key.clone(),
            author: world.id(author),
            reviewer: world.id(reviewer),
            round,
            verdict,
            comments,
        };
        let word = match verdict {
            ReviewVerdict::Approved => "approved",
            ReviewVerdict::ChangesRequested => "requested changes on",
        };
        let summary = format!("{} {word} PR #{number} (round {round})", world.id(reviewer));
        let artifact = world.pr_ref(pr);
        world.emit(
            EventKind::PrReviewed(facts),
            at,
            vec![reviewer],
            vec![artifact],
            summary,
        );
    }
    let p = &mut world.pull_requests[pr];
    if !requested_changes.is_empty() {
        p.state = PrState::ChangesRequested;
        // Whoever asked for changes reviews the next round.
        p.pending = requested_changes;
    } else if p.pending.is_empty() {
        p.state = PrState::Approved;
    }
}

fn revise(world: &mut World, pr: usize) {
    let p = &world.pull_requests[pr];
    let owner = p.owner;
    let earliest = p.last_activity + 10 * MINUTE;
    let minutes = i64::from(world.rng.reviews.between(45, 120));
    let Some(block) = world.clocks.solo(owner, earliest, minutes * MINUTE) else {
        return;
    };
    let ticket = p.ticket;
    log_hours(world, owner, ticket, block.hours());
    world.tickets[ticket].spent_hours += block.hours();
    let p = &mut world.pull_requests[pr];
    p.round += 1;
    p.state = PrState::InReview;
    p.last_activity = block.end;
}

fn merge(world: &mut World, pr: usize) {
    let p = &world.pull_requests[pr];
    let owner = p.owner;
    let Some(block) = world
        .clocks
        .solo(owner, p.last_activity + 5 * MINUTE, 10 * MINUTE)
    else {
        return;
    };
    let merged_at = world.stamp(block, 1);
    let done_at = world.stamp(block, 2);
    let sha = commit_sha(world);
    let p = &mut world.pull_requests[pr];
    p.state = PrState::Merged;
    p.last_activity = merged_at;
    p.merge_commit = Some(sha.clone());
    let (number, ticket, author, rounds) = (p.number, p.ticket, p.author, p.round);
    let facts = PrMerged {
        number,
        ticket: world.tickets[ticket].key.clone(),
        author: world.id(author),
        merged_by: world.id(owner),
        merge_commit: sha,
        rounds,
    };
    let summary = format!("{} merged PR #{number}", world.id(owner));
    let artifacts = vec![world.pr_ref(pr), world.jira(ticket)];
    world.emit(
        EventKind::PrMerged(facts),
        merged_at,
        vec![owner],
        artifacts,
        summary,
    );
    complete_ticket(world, ticket, owner, done_at, Some(number));
}

/// A 40-hex commit id from the ids stream.
fn commit_sha(world: &mut World) -> String {
    let mut out = String::with_capacity(40);
    for _ in 0..5 {
        let word = u64::from(world.rng.ids.between(0, u32::MAX)) << 32
            | u64::from(world.rng.ids.between(0, u32::MAX));
        out.push_str(&format!("{word:016x}")[..8]);
    }
    out
}
