//! Organization morale and system health: real dynamics with a healthy equilibrium (SPEC §3.4).
//!
//! Morale moves a share of the way toward a target each day; the target is the scenario's
//! equilibrium lowered by mean stress above a calm level, recent departures, open incidents and
//! unhealthy systems. System health drops when an incident opens, gets part of it back on
//! resolution and recovers toward 1 a little every day.

use crate::scenario::Severity;
use crate::world::World;

/// Stress of a calm organization: no morale penalty at or below it.
const CALM_STRESS: f64 = 30.0;
/// Morale target lost per point of mean stress above calm.
const PER_STRESS_POINT: f64 = 0.002;
/// Morale target lost per departure in the last five business days.
const PER_RECENT_DEPARTURE: f64 = 0.03;
/// Business days a departure weighs on morale.
const DEPARTURE_MEMORY_DAYS: u32 = 5;
/// Morale target lost per unit of missing organization health (1 - mean system health).
const PER_MISSING_HEALTH: f64 = 0.3;
/// Share of an incident's health hit a system gets back when it is resolved.
const RESOLUTION_RESTORES: f64 = 0.5;

/// Mean stress of the people present today (0 when nobody is).
pub(crate) fn mean_stress(world: &World) -> f64 {
    let present = world.present_people();
    if present.is_empty() {
        return 0.0;
    }
    present.iter().map(|&p| world.people[p].stress).sum::<f64>() / present.len() as f64
}

/// Mean health over systems (1 with no systems).
pub(crate) fn org_health(world: &World) -> f64 {
    if world.systems.is_empty() {
        return 1.0;
    }
    world.systems.iter().map(|s| s.health).sum::<f64>() / world.systems.len() as f64
}

/// The morale target today, given the number of open incidents weighted by severity share.
pub(crate) fn morale_target(world: &World, open_incident_weight: f64) -> f64 {
    let spec = &world.spec.morale;
    let recent_departures = world
        .people
        .iter()
        .filter(|p| {
            p.left_day
                .is_some_and(|d| d <= world.day && world.day < d + DEPARTURE_MEMORY_DAYS)
        })
        .count() as f64;
    let stress_penalty = PER_STRESS_POINT * (mean_stress(world) - CALM_STRESS).max(0.0);
    (spec.equilibrium
        - stress_penalty
        - PER_RECENT_DEPARTURE * recent_departures
        - 0.02 * open_incident_weight
        - PER_MISSING_HEALTH * (1.0 - org_health(world)))
    .clamp(0.0, 1.0)
}

/// End of day: morale moves `adjustment_rate` of the way to its target; systems recover.
pub(crate) fn end_of_day(world: &mut World, open_incident_weight: f64) {
    let target = morale_target(world, open_incident_weight);
    let rate = world.spec.morale.adjustment_rate;
    world.morale = (world.morale + rate * (target - world.morale)).clamp(0.0, 1.0);
    let recovery = world.spec.incidents.health_recovery_per_day;
    for system in &mut world.systems {
        system.health = (system.health + recovery * (1.0 - system.health)).clamp(0.0, 1.0);
    }
}

/// An incident opens on `system`: its health drops by the severity's hit.
pub(crate) fn incident_opened(world: &mut World, system: usize, severity: Severity) {
    let hit = world.spec.incidents.health_hit.get(severity);
    let health = &mut world.systems[system].health;
    *health = (*health - hit).max(0.0);
}

/// An incident on `system` is resolved: part of the severity's hit comes back at once.
pub(crate) fn incident_resolved(world: &mut World, system: usize, severity: Severity) {
    let back = world.spec.incidents.health_hit.get(severity) * RESOLUTION_RESTORES;
    let health = &mut world.systems[system].health;
    *health = (*health + back).min(1.0);
}
