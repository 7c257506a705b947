//! The living organization (issue "A living organization"), one test per numbered item: social
//! graph, edge dynamics, centrality, stress, morale and health, escalation, departures, hires,
//! knowledge, daily series.

use std::collections::{BTreeMap, BTreeSet};

mod common;

use orgforge_engine::event::{EscalationCause, Event, EventKind, Intent};
use orgforge_engine::outcome::Outcome;
use orgforge_engine::scenario::{Departure, Scenario, ScheduledIncident, Severity};

use common::{run_scenario as run, scenario};

fn of_type<'o>(outcome: &'o Outcome, name: &str) -> Vec<&'o Event> {
    outcome
        .events
        .iter()
        .filter(|e| e.kind.type_name() == name)
        .collect()
}

/// A scenario with no incidents, no departures, no hires and no attrition.
fn quiet(mut s: Scenario) -> Scenario {
    s.incidents.base_rate_per_day = 0.0;
    s.incidents.scheduled.clear();
    s.lifecycle.departures.clear();
    s.lifecycle.hires.clear();
    s.lifecycle.attrition.base_daily_hazard = 0.0;
    s
}

#[test]
fn item1_social_graph_is_sparse_with_structured_initial_ties() {
    let outcome = run(quiet(scenario("default")), 1, 7);
    let people = outcome.snapshot.roster.people.len();
    // Ties among employees (ties to external contacts name an email address).
    let edges = outcome
        .snapshot
        .edges
        .iter()
        .filter(|e| !e.b.contains('@'))
        .count();
    let complete = people * (people - 1) / 2;
    assert!(edges * 5 < complete, "{edges} edges of {complete} possible");
    // Every report is tied to their lead.
    let s = &outcome.scenario;
    let tied: BTreeSet<(String, String)> = outcome
        .snapshot
        .edges
        .iter()
        .map(|e| (e.a.clone(), e.b.clone()))
        .collect();
    for d in &s.departments {
        for m in d.members.iter().filter(|m| **m != d.lead) {
            let pair = if *m < d.lead {
                (m.clone(), d.lead.clone())
            } else {
                (d.lead.clone(), m.clone())
            };
            assert!(tied.contains(&pair), "{m} is not tied to lead {}", d.lead);
        }
    }
}

/// Final weight of each (employee, contact email) tie.
fn contact_ties(outcome: &Outcome) -> BTreeMap<(String, String), f64> {
    outcome
        .snapshot
        .edges
        .iter()
        .filter(|e| e.b.contains('@'))
        .map(|e| ((e.a.clone(), e.b.clone()), e.weight))
        .collect()
}

#[test]
fn item1_external_contacts_hang_off_their_liaisons_and_warm_with_email() {
    let mut s = quiet(scenario("default"));
    // The first customer whose liaison is not a lead loses that liaison on day 6.
    let leads: BTreeSet<String> = s.departments.iter().map(|d| d.lead.clone()).collect();
    let Some(lapsing) = s
        .external
        .customers
        .iter()
        .find(|c| !leads.contains(&c.liaison))
        .cloned()
    else {
        panic!("no customer with a non-lead liaison in the default scenario")
    };
    s.lifecycle.departures.push(Departure {
        person: lapsing.liaison.clone(),
        day: 6,
        reason: "resigned".to_string(),
        documented_pct: 0.3,
    });
    let days = 12;
    let outcome = run(s.clone(), days, 7);
    let ties = contact_ties(&outcome);
    let g = &s.graph;
    // A tie nobody used since day 1 has decayed once per day from weight_external.
    let untouched =
        g.weight_floor + (g.weight_external - g.weight_floor) * g.decay.powi(days as i32);
    // Everyone who wrote to us or was written to.
    let wrote: BTreeSet<String> = outcome
        .events
        .iter()
        .flat_map(|e| match &e.kind {
            EventKind::EmailReceived(m) => vec![m.from.email.clone()],
            EventKind::EmailSent(m) => m.to.iter().chain(&m.cc).map(|a| a.email.clone()).collect(),
            _ => Vec::new(),
        })
        .collect();
    let parties = s
        .external
        .customers
        .iter()
        .map(|c| (&c.id, &c.liaison, &c.contacts))
        .chain(
            s.external
                .vendors
                .iter()
                .map(|v| (&v.id, &v.liaison, &v.contacts)),
        );
    let mut warmed = 0;
    for (id, liaison, contacts) in parties {
        for c in contacts {
            if *id == lapsing.id {
                continue;
            }
            let Some(&w) = ties.get(&(liaison.clone(), c.email.clone())) else {
                panic!("{} of {id} is not tied to liaison {liaison}", c.email)
            };
            if wrote.contains(&c.email) {
                warmed += usize::from(w > untouched + 1e-3);
            } else {
                assert!(
                    (w - untouched).abs() < 1e-3,
                    "{}: {w} vs {untouched}",
                    c.email
                );
            }
        }
    }
    assert!(warmed > 0, "no email exchange strengthened a contact's tie");

    // The lapsed account's contacts are tied (cold) to whoever covers it, never to the leaver.
    let lapsed = of_type(&outcome, "account_lapsed");
    let Some(EventKind::AccountLapsed(f)) = lapsed.first().map(|e| &e.kind) else {
        panic!("no account_lapsed event")
    };
    assert_eq!(f.account, lapsing.id);
    let emails: Vec<String> = lapsing.contacts.iter().map(|c| c.email.clone()).collect();
    assert_eq!(f.contacts, emails);
    for email in &emails {
        assert!(ties.contains_key(&(f.covered_by.clone(), email.clone())));
        assert!(!ties.contains_key(&(lapsing.liaison.clone(), email.clone())));
    }
    let history = &outcome.snapshot.graph_history;
    assert!(history.iter().any(|moment| {
        moment
            .edges
            .iter()
            .any(|e| e.a == f.covered_by && emails.contains(&e.b))
    }));
    // Contacts are not employees: centrality and stress are recorded for people only.
    for day in &outcome.snapshot.daily {
        assert!(day.people.iter().all(|p| !p.person.contains('@')));
    }
}

#[test]
fn item2_ties_decay_toward_the_floor_and_real_interactions_create_new_ones() {
    let s = quiet(scenario("default"));
    let floor = s.graph.weight_floor;
    let start = run(s.clone(), 1, 3);
    let later = run(s, 15, 3);
    let weights = |o: &Outcome| -> BTreeMap<(String, String), f64> {
        o.snapshot
            .edges
            .iter()
            .map(|e| ((e.a.clone(), e.b.clone()), e.weight))
            .collect()
    };
    let (w1, w15) = (weights(&start), weights(&later));
    assert!(w15.len() > w1.len(), "no new ties from interactions");
    assert!(w15.values().all(|&w| w >= floor - 1e-9));
    assert!(w15.values().all(|&w| w <= outcome_max(&later) + 1e-9));
    // Some ties were not used for two weeks and decayed.
    assert!(w1.iter().any(|(k, &w)| w15.get(k).is_some_and(|&v| v < w)));
}

fn outcome_max(o: &Outcome) -> f64 {
    o.scenario.graph.weight_max
}

#[test]
fn item3_centrality_is_recorded_daily_and_leads_bridge_departments() {
    let outcome = run(quiet(scenario("default")), 3, 7);
    let day = &outcome.snapshot.daily[0];
    let total: f64 = day.people.iter().map(|p| p.centrality).sum();
    assert!(total > 0.0);
    assert!(
        day.people
            .iter()
            .all(|p| (0.0..=1.0).contains(&p.centrality))
    );
    let leads: BTreeSet<&str> = outcome
        .scenario
        .departments
        .iter()
        .map(|d| d.lead.as_str())
        .collect();
    let keys = &day.key_players;
    assert!(!keys.is_empty());
    assert!(keys.iter().filter(|k| leads.contains(k.as_str())).count() * 2 >= keys.len());
}

#[test]
fn item4_incidents_stress_responders_and_burnout_is_recorded() {
    let mut s = scenario("default");
    s.incidents.base_rate_per_day = 0.0;
    s.morale.burnout_threshold = 45.0;
    s.morale.burnout_days = 2;
    for day in 1..=10 {
        s.incidents.scheduled.push(ScheduledIncident {
            day,
            system: "payments-api".into(),
            failure_mode: "dependency_outage".into(),
            severity: Severity::P1,
        });
    }
    s.days = 30;
    let outcome = run(s, 30, 11);
    assert!(
        !of_type(&outcome, "burnout_started").is_empty(),
        "no burnout"
    );
    let first = &outcome.snapshot.daily[0];
    let peak = outcome
        .snapshot
        .daily
        .iter()
        .map(|d| d.stress_mean)
        .fold(0.0, f64::max);
    assert!(peak > first.stress_mean);
    // Stress stays in bounds every day.
    for d in &outcome.snapshot.daily {
        assert!(d.people.iter().all(|p| (0.0..=100.0).contains(&p.stress)));
    }
}

#[test]
fn item5_quiet_run_stays_healthy_and_a_bad_stretch_drops_and_recovers() {
    let outcome = run(quiet(scenario("default")), 60, 5);
    for d in &outcome.snapshot.daily {
        assert!(d.morale >= 0.7, "day {}: morale {}", d.day, d.morale);
        assert!(d.health >= 0.99, "day {}: health {}", d.day, d.health);
    }

    let mut s = quiet(scenario("default"));
    s.days = 60;
    for (day, system, mode) in [
        (10, "payments-api", "dependency_outage"),
        (11, "postgres-core", "connection_pool_exhaustion"),
        (12, "api-gateway", "rate_limiting"),
        (13, "payments-api", "connection_pool_exhaustion"),
    ] {
        s.incidents.scheduled.push(ScheduledIncident {
            day,
            system: system.into(),
            failure_mode: mode.into(),
            severity: Severity::P1,
        });
    }
    for (person, day) in [("dmitri", 12), ("amara", 13)] {
        s.lifecycle.departures.push(Departure {
            person: person.into(),
            day,
            reason: "resigned".into(),
            documented_pct: 0.3,
        });
    }
    let outcome = run(s, 60, 5);
    let daily = &outcome.snapshot.daily;
    let before = daily[8].morale;
    let trough = daily[10..25].iter().map(|d| d.morale).fold(1.0, f64::min);
    let health_trough = daily[10..25].iter().map(|d| d.health).fold(1.0, f64::min);
    let end = daily[59].morale;
    assert!(trough < before - 0.03, "morale {before} -> {trough}");
    assert!(health_trough < 0.95, "health trough {health_trough}");
    assert!(end > trough + 0.02, "no recovery: {trough} -> {end}");
    assert!(daily[59].health > 0.98);
}

#[test]
fn item6_escalations_follow_existing_ties_within_max_hops() {
    let mut s = scenario("default");
    s.incidents.base_rate_per_day = 0.5;
    let max_hops = s.graph.max_hops;
    let outcome = run(s, 30, 9);
    let escalations = of_type(&outcome, "escalation");
    assert!(!escalations.is_empty());
    let mut threads = 0;
    for e in escalations {
        let EventKind::Escalation(f) = &e.kind else {
            unreachable!()
        };
        assert!(f.hops <= max_hops);
        assert_eq!(f.path.len() as u32, f.hops + 1);
        assert_eq!(f.path.first(), Some(&f.from));
        assert_eq!(f.path.last(), Some(&f.to));
        let leads: BTreeSet<&str> = outcome
            .scenario
            .departments
            .iter()
            .map(|d| d.lead.as_str())
            .collect();
        assert!(leads.contains(f.to.as_str()), "{} is not a lead", f.to);
        // An incident escalation leaves its chain in the incident channel: each person on the
        // path loops in the next, in order, and the last acknowledges.
        if f.cause == EscalationCause::Incident && f.path.len() > 1 {
            let Some(thread) = &f.thread else {
                panic!("{}: incident escalation without a thread", e.id)
            };
            threads += 1;
            for (i, m) in thread.messages.iter().enumerate() {
                assert_eq!(
                    m.author, f.path[i],
                    "{}: message {i} out of path order",
                    e.id
                );
                match (&m.intent, f.path.get(i + 1)) {
                    (Intent::Escalate { to, incident }, Some(next)) => {
                        assert_eq!(to, next);
                        assert_eq!(Some(incident), f.incident.as_ref());
                    }
                    (Intent::Acknowledge { .. }, None) => {}
                    (other, _) => panic!("{}: unexpected {other:?} at step {i}", e.id),
                }
            }
            assert!(!e.artifacts.is_empty());
        } else {
            assert!(f.thread.is_none());
        }
    }
    assert!(threads > 0, "no incident escalation left a thread");
}

#[test]
fn item7_departure_cascade_runs_in_order_and_the_leaver_never_appears_again() {
    let mut s = scenario("default");
    s.incidents.base_rate_per_day = 0.4;
    let outcome = run(s, 22, 7);
    let departed = of_type(&outcome, "employee_departed");
    assert!(!departed.is_empty());
    for dep in departed {
        let EventKind::EmployeeDeparted(f) = &dep.kind else {
            unreachable!()
        };
        let person = &f.person;
        // The cascade on that day, in log order.
        let order: Vec<&str> = outcome
            .events
            .iter()
            .filter(|e| e.day == dep.day && e.seq <= dep.seq + 20)
            .filter(|e| {
                serde_json::to_value(&e.kind)
                    .ok()
                    .and_then(|v| v.pointer("/facts/person").cloned())
                    .is_some_and(|p| p == *person)
                    || matches!(&e.kind, EventKind::Escalation(x) if x.from == *person)
            })
            .map(|e| e.kind.type_name())
            .collect();
        let rank = |t: &str| match t {
            "escalation" => 0,
            "work_reassigned" => 1,
            "rotation_updated" => 2,
            "system_owner_changed" | "account_lapsed" => 3,
            "employee_departed" => 4,
            "knowledge_orphaned" => 5,
            _ => 9,
        };
        let ranks: Vec<u32> = order.iter().map(|t| rank(t)).filter(|&r| r < 9).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "order {order:?}");

        // Never an actor, author, reviewer, assignee, on call or recipient after leaving.
        let roles = [
            "assignee",
            "reviewer",
            "reviewers",
            "author",
            "reporter",
            "merged_by",
            "on_call",
            "commander",
            "responders",
            "by",
            "to",
            "asker",
            "answerer",
            "lead",
            "report",
            "participants",
            "attendees",
            "with",
            "resolved_by",
            "covered_by",
            "mentor",
        ];
        for e in outcome.events.iter().filter(|e| e.seq > dep.seq) {
            assert!(!e.actors.contains(person), "{} acts in {}", person, e.id);
            let value = serde_json::to_value(&e.kind).unwrap_or_default();
            let facts = &value["facts"];
            // A PR's `author` in later review and merge events is who opened it, a fact of the
            // past; whoever finishes it is the merger.
            let historical = matches!(e.kind.type_name(), "pr_reviewed" | "pr_merged");
            for role in roles {
                if historical && role == "author" {
                    continue;
                }
                let hit = match &facts[role] {
                    serde_json::Value::String(s) => s == person,
                    serde_json::Value::Array(a) => a.iter().any(|v| v == person.as_str()),
                    _ => false,
                };
                assert!(!hit, "{person} is `{role}` in {} after leaving", e.id);
            }
            if let Some(thread) = e.kind.thread() {
                assert!(thread.messages.iter().all(|m| &m.author != person));
            }
        }
    }
}

#[test]
fn item7_random_attrition_respects_minimum_headcount() {
    let mut s = scenario("small");
    s.lifecycle.attrition.base_daily_hazard = 0.2;
    s.lifecycle.attrition.min_headcount = 3;
    let outcome = run(s, 20, 2);
    let gone: Vec<_> = outcome
        .snapshot
        .roster
        .people
        .iter()
        .filter(|p| p.left_day.is_some())
        .collect();
    assert!(!gone.is_empty(), "no attrition");
    assert!(!of_type(&outcome, "attrition_blocked").is_empty());
    for d in &outcome.scenario.departments {
        let left = outcome
            .snapshot
            .roster
            .people
            .iter()
            .filter(|p| p.department == d.id && p.left_day.is_none())
            .count();
        assert!(left >= 3.min(d.members.len()), "{} down to {left}", d.id);
    }
}

#[test]
fn item8_hires_onboard_warm_up_and_join_rotations_after_the_ramp() {
    let outcome = run(scenario("default"), 22, 7);
    let hired = of_type(&outcome, "employee_hired");
    assert_eq!(hired.len(), 1);
    assert_eq!(of_type(&outcome, "onboarding_planned").len(), 1);
    assert!(of_type(&outcome, "onboarding_session").len() >= 2);
    let warmed = of_type(&outcome, "hire_warmed_up");
    assert_eq!(warmed.len(), 1);
    let ramp = outcome.scenario.lifecycle.onboarding.ramp_days;
    let joined = of_type(&outcome, "rotation_updated")
        .into_iter()
        .find(|e| matches!(&e.kind, EventKind::RotationUpdated(r) if r.reason == "ramp_complete"));
    let joined = joined.unwrap_or_else(|| panic!("hire never joined the rotations"));
    assert!(joined.day >= hired[0].day + ramp);
    // Reviews only after the ramp.
    let hire = match &hired[0].kind {
        EventKind::EmployeeHired(h) => h.person.clone(),
        _ => unreachable!(),
    };
    for e in of_type(&outcome, "pr_reviewed") {
        if let EventKind::PrReviewed(r) = &e.kind {
            assert!(r.reviewer != hire || e.day >= joined.day);
        }
    }
}

#[test]
fn item9_departures_orphan_knowledge_and_incidents_there_are_gaps() {
    let mut s = scenario("default");
    s.incidents.scheduled.push(ScheduledIncident {
        day: 15,
        system: "route-optimizer".into(),
        failure_mode: s
            .systems
            .iter()
            .find(|x| x.id == "route-optimizer")
            .map(|x| x.failure_modes[0].kind.clone())
            .unwrap_or_default(),
        severity: Severity::P2,
    });
    let outcome = run(s, 22, 7);
    let orphaned = of_type(&outcome, "knowledge_orphaned");
    assert!(!orphaned.is_empty(), "dmitri's departure orphaned nothing");
    let gaps = of_type(&outcome, "knowledge_gap_detected");
    assert!(
        gaps.iter().any(|g| matches!(&g.kind,
            EventKind::KnowledgeGapDetected(k) if k.system == "route-optimizer" && k.departed == "dmitri")),
        "no knowledge gap on route-optimizer"
    );
    let last = outcome
        .snapshot
        .daily
        .last()
        .map(|d| d.systems.clone())
        .unwrap_or_default();
    assert!(
        last.iter()
            .any(|s| s.system == "route-optimizer" && s.orphaned)
    );
}

#[test]
fn item10_daily_series_and_graph_history_are_in_the_snapshot() {
    let outcome = run(scenario("default"), 22, 7);
    let snapshot = &outcome.snapshot;
    assert_eq!(snapshot.daily.len(), 22);
    for d in &snapshot.daily {
        assert!((0.0..=1.0).contains(&d.morale) && (0.0..=1.0).contains(&d.health));
        assert!(!d.people.is_empty() && !d.systems.is_empty());
    }
    assert_eq!(snapshot.graph_history.len(), snapshot.departed.len());
    assert!(snapshot.graph_history.iter().all(|g| !g.edges.is_empty()));
}
