//! The simulation builder and the day loop.

use chrono::Datelike;

use crate::calendar::{BusinessCalendar, CalendarError};
use crate::collaboration;
use crate::email;
use crate::event::{DaySummary, Draft, EventKind, TicketStatus};
use crate::graph::Member;
use crate::health;
use crate::incident;
use crate::lifecycle;
use crate::log::EventLog;
use crate::onboarding;
use crate::outcome::{
    DayState, Edge, GraphAt, Outcome, PersonDay, Roster, RosterEntry, Snapshot, SystemDay,
};
use crate::scenario::Scenario;
use crate::stress;
use crate::work;
use crate::world::{PrState, World};

/// Most events one day may produce (a limit: far above any real day, it catches runaway loops).
const MAX_EVENTS_PER_DAY: usize = 1_000_000;

/// The engine cannot run a scenario.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The calendar cannot be built from the scenario.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The recurrence detector's index failed.
    #[error("recurrence detector: {0}")]
    Detector(#[from] crate::recurrence::DetectorError),
    /// A day produced more events than the limit.
    #[error("day {day} produced more than {MAX_EVENTS_PER_DAY} events")]
    TooManyEvents {
        /// Business day.
        day: u32,
    },
}

/// Builds a [`Simulation`]: `Simulation::builder(scenario).days(22).seed(7).build()`.
#[derive(Debug, Clone)]
pub struct SimulationBuilder {
    scenario: Scenario,
}

impl SimulationBuilder {
    /// Overrides the scenario's number of business days.
    pub fn days(mut self, days: u32) -> SimulationBuilder {
        self.scenario.days = days;
        self
    }

    /// Overrides the scenario's seed.
    pub fn seed(mut self, seed: u64) -> SimulationBuilder {
        self.scenario.seed = seed;
        self
    }

    /// A simulation ready to run.
    pub fn build(self) -> Simulation {
        Simulation {
            scenario: self.scenario,
        }
    }
}

/// A configured, deterministic simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    scenario: Scenario,
}

impl Simulation {
    /// Starts building a simulation of a validated scenario.
    pub fn builder(scenario: Scenario) -> SimulationBuilder {
        SimulationBuilder { scenario }
    }

    /// The resolved scenario this simulation runs.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Runs every day.
    pub fn run(self) -> Result<Outcome, EngineError> {
        self.run_with_progress(|_, _| {})
    }

    /// Runs every day, calling `progress(day, days)` after each.
    pub fn run_with_progress(
        self,
        mut progress: impl FnMut(u32, u32),
    ) -> Result<Outcome, EngineError> {
        let scenario = self.scenario;
        let company = &scenario.company;
        let calendar = BusinessCalendar::new(
            &company.timezone,
            company.start_date,
            scenario.days,
            &scenario.calendar,
        )?;
        let mut world = World::new(&scenario, calendar)?;
        lifecycle::schedule_departures(&mut world);
        let mut log = EventLog::new();
        let mut daily = Vec::with_capacity(scenario.days as usize);
        let mut hired = Vec::new();
        for day in 1..=scenario.days {
            run_day(&mut world, day, &mut hired)?;
            let drafts = std::mem::take(&mut world.drafts);
            if drafts.len() > MAX_EVENTS_PER_DAY {
                return Err(EngineError::TooManyEvents { day });
            }
            log.seal_day(day, world.date, drafts);
            daily.push(day_state(&world));
            progress(day, scenario.days);
        }
        let snapshot = snapshot(&world, daily, hired);
        drop(world);
        Ok(Outcome {
            events: log.into_events(),
            snapshot,
            scenario,
        })
    }
}

/// Runs a scenario with its own days and seed.
pub fn simulate(scenario: Scenario) -> Result<Outcome, EngineError> {
    Simulation::builder(scenario).build().run()
}

fn run_day(world: &mut World, day: u32, hired: &mut Vec<String>) -> Result<(), EngineError> {
    let length = world.spec.sprints.length_days.max(1);
    world.day = day;
    world.date = world.calendar.date(day);
    let sprint_start = (day - 1).is_multiple_of(length);
    let sprint_end = day.is_multiple_of(length);
    if sprint_start {
        world.sprint += 1;
    }
    let date = world.date;
    let business = world.spec.calendar.business_hours;
    let opening = world.calendar.at(date, business.start);

    // Who joins and who leaves today, before presence is known.
    let hires = lifecycle::admit_hires(world);
    hired.extend(hires.iter().map(|&h| world.id(h)));
    let mut leaving = lifecycle::scheduled_today(world);
    leaving.extend(lifecycle::draw_attrition(world, opening));

    // Presence and business hours of everyone today.
    let hours: Vec<Option<(i64, i64)>> = world
        .people
        .iter()
        .map(|p| {
            p.employed_on(day).then(|| {
                (
                    world.calendar.at(date, p.hours.start),
                    world.calendar.at(date, p.hours.end),
                )
            })
        })
        .collect();
    world.clocks.start_day(&hours);
    for person in &mut world.people {
        person.hours_logged_last_day = std::mem::take(&mut person.hours_logged_today);
    }

    lifecycle::depart(world, leaving);
    world.refresh_centrality();
    lifecycle::welcome(world, &hires);
    onboarding::plan(world, &hires);
    onboarding::daily(world);
    if sprint_start {
        for department in 0..world.departments.len() {
            work::plan_sprint(world, department);
        }
    }
    let weekday = date.weekday();
    // Sprint planning replaces the stand-up on a sprint's first day.
    if !sprint_start
        && world
            .spec
            .sprints
            .standup_days
            .iter()
            .any(|d| d.to_chrono() == weekday)
    {
        collaboration::standups(world);
    }
    let retros = if sprint_end {
        collaboration::book_retros(world)
    } else {
        Vec::new()
    };
    incident::detect_new(world)?;
    incident::progress(world);
    collaboration::one_on_ones(world);
    collaboration::design_discussions(world);
    work::review_pass(world);
    collaboration::async_questions(world);
    work::ticket_work(world);
    work::review_pass(world);
    incident::progress(world);
    incident::postmortems(world)?;
    email::daily(world);
    collaboration::adhoc_pages(world);
    collaboration::write_retros(world, retros);

    // End of day: stress, burnout, morale and health; ties decay.
    let closing = world.calendar.at(date, business.end);
    stress::end_of_day(world, closing);
    let open_weight = incident::open_weight(world);
    health::end_of_day(world, open_weight);
    world.graph.decay();
    summarize_day(world);
    Ok(())
}

/// The day's last event: counters, stamped one second after the day's latest event.
fn summarize_day(world: &mut World) {
    let day = world.day;
    let latest = world.drafts.iter().map(|d| d.timestamp).max().map_or_else(
        || {
            world
                .calendar
                .at(world.date, world.spec.calendar.business_hours.end)
        },
        |t| t.timestamp(),
    );
    let tickets_done = world
        .tickets
        .iter()
        .filter(|t| t.status == TicketStatus::Done)
        .count() as u32;
    let facts = DaySummary {
        headcount: world.people.iter().filter(|p| p.employed_on(day)).count() as u32,
        events: world.drafts.len() as u32,
        tickets_open: world.tickets.len() as u32 - tickets_done,
        tickets_done,
        prs_open: world
            .pull_requests
            .iter()
            .filter(|p| p.state != PrState::Merged)
            .count() as u32,
        prs_merged: world
            .pull_requests
            .iter()
            .filter(|p| p.state == PrState::Merged)
            .count() as u32,
    };
    let summary = format!(
        "Day {day}: {} events, {} tickets open, {} PRs open",
        facts.events, facts.tickets_open, facts.prs_open
    );
    world.drafts.push(Draft {
        kind: EventKind::DaySummary(facts),
        timestamp: world.calendar.timestamp(latest + 1),
        actors: Vec::new(),
        artifacts: Vec::new(),
        after_hours: false,
        summary,
    });
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn day_state(world: &World) -> DayState {
    let present = world.present_people();
    let keys = stress::key_players(world);
    let people: Vec<PersonDay> = present
        .iter()
        .map(|&p| PersonDay {
            person: world.id(p),
            stress: round4(world.people[p].stress),
            centrality: round4(world.people[p].centrality),
            burnt_out: world.people[p].burnt_out_since.is_some(),
        })
        .collect();
    let systems: Vec<SystemDay> = (0..world.systems.len())
        .map(|s| SystemDay {
            system: world.systems[s].id.clone(),
            health: round4(world.systems[s].health),
            coverage: round4(world.systems[s].coverage),
            orphaned: world.systems[s].orphan.is_some(),
        })
        .collect();
    DayState {
        day: world.day,
        date: world.date.to_string(),
        morale: round4(world.morale),
        health: round4(health::org_health(world)),
        stress_mean: round4(health::mean_stress(world)),
        incidents_open: world.incidents.iter().filter(|i| i.is_open()).count() as u32,
        on_call: world.on_call_today().map(|p| world.id(p)),
        key_players: world.ids(&keys),
        customers: email::sentiments(world),
        people,
        systems,
        tickets_open: world
            .tickets
            .iter()
            .filter(|t| t.status != TicketStatus::Done)
            .count() as u32,
        prs_open: world
            .pull_requests
            .iter()
            .filter(|p| p.state != PrState::Merged)
            .count() as u32,
    }
}

/// Edges with ids: a tie with an external contact reads (employee id, contact's email).
fn edge_list(world: &World, edges: Vec<(Member, Member, f64)>) -> Vec<Edge> {
    let mut edges: Vec<Edge> = edges
        .into_iter()
        .map(|(a, b, w)| {
            let (a, b) = match (a, b) {
                (Member::Person(_), Member::Person(_)) => {
                    let (a, b) = (world.member_id(a), world.member_id(b));
                    if a <= b { (a, b) } else { (b, a) }
                }
                // Members sort people first, so `a` is the employee here.
                _ => (world.member_id(a), world.member_id(b)),
            };
            Edge {
                a,
                b,
                weight: round4(w),
            }
        })
        .collect();
    edges.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    edges
}

fn snapshot(world: &World, daily: Vec<DayState>, hired: Vec<String>) -> Snapshot {
    let days = world.spec.days;
    let roster = Roster {
        people: world
            .people
            .iter()
            .map(|p| RosterEntry {
                id: p.id.clone(),
                name: p.name.clone(),
                email: p.email.clone(),
                role: p.role.clone(),
                department: world.departments[p.department].id.clone(),
                is_lead: p.is_lead,
                style: serde_json::to_value(p.style)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                quirks: p.quirks.clone(),
                hours_start: p.hours.start.to_string(),
                hours_end: p.hours.end.to_string(),
                joined_day: p.joined_day,
                left_day: p.left_day.filter(|&d| d <= days),
            })
            .collect(),
    };
    let active = world
        .people
        .iter()
        .filter(|p| p.employed_on(days))
        .map(|p| p.id.clone())
        .collect();
    let departed = world
        .people
        .iter()
        .filter(|p| p.left_day.is_some_and(|d| d <= days))
        .map(|p| p.id.clone())
        .collect();
    let edges = edge_list(world, world.graph.edges());
    let graph_history = world
        .graph_history
        .iter()
        .map(|(day, label, edges)| GraphAt {
            day: *day,
            label: label.clone(),
            edges: edge_list(world, edges.clone()),
        })
        .collect();
    Snapshot {
        days,
        roster,
        active,
        departed,
        hired,
        edges,
        graph_history,
        daily,
    }
}
