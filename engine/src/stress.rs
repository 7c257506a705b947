//! Stress per person in [0, 100]: hits from incidents, load from being on call, daily recovery
//! toward the persona's baseline, conserved propagation from overloaded key players to their
//! neighbours, and burnout after several consecutive days over the threshold.

use crate::calendar::Instant;
use crate::event::{BurnoutChanged, EventKind};
use crate::world::World;

/// Highest stress.
pub const MAX_STRESS: f64 = 100.0;

/// Adds `amount` (clamped to [0, 100]) to a person's stress.
pub(crate) fn hit(world: &mut World, person: usize, amount: f64) {
    let s = &mut world.people[person].stress;
    *s = (*s + amount).clamp(0.0, MAX_STRESS);
}

/// Key players: the top `key_player_fraction` of present people by centrality (at least one
/// when the fraction is above zero), ties by person index; people with zero centrality never count.
pub(crate) fn key_players(world: &World) -> Vec<usize> {
    let mut present: Vec<usize> = world
        .present_people()
        .into_iter()
        .filter(|&p| world.people[p].centrality > 0.0)
        .collect();
    let fraction = world.spec.graph.key_player_fraction;
    if fraction <= 0.0 {
        return Vec::new();
    }
    let n = world.present_people().len();
    let count = ((n as f64 * fraction).ceil() as usize).max(1);
    present.sort_by(|&a, &b| {
        world.people[b]
            .centrality
            .total_cmp(&world.people[a].centrality)
            .then(a.cmp(&b))
    });
    present.truncate(count);
    present.sort_unstable();
    present
}

/// Each sender above `threshold` hands `fraction` of its excess to its neighbours in proportion
/// to tie weight w / Σw. A neighbour takes at most what keeps it at or under 100; what it cannot
/// take stays with the sender, so the total is conserved exactly up to float rounding and every
/// value stays in [0, 100]. Senders are processed in the given order. Returns the total moved.
pub fn propagate(
    stress: &mut [f64],
    senders: &[usize],
    adjacency: &[Vec<(u32, f64)>],
    threshold: f64,
    fraction: f64,
) -> f64 {
    let mut moved = 0.0;
    for &sender in senders {
        let excess = stress[sender] - threshold;
        if excess <= 0.0 {
            continue;
        }
        let neighbours = &adjacency[sender];
        let total_weight: f64 = neighbours
            .iter()
            .filter(|(n, _)| *n as usize != sender)
            .map(|(_, w)| w)
            .sum();
        if total_weight <= 0.0 {
            continue;
        }
        let budget = excess * fraction;
        let mut given = 0.0;
        for &(n, w) in neighbours {
            let n = n as usize;
            if n == sender {
                continue;
            }
            let share = (budget * w / total_weight)
                .min(MAX_STRESS - stress[n])
                .max(0.0);
            stress[n] += share;
            given += share;
        }
        stress[sender] -= given;
        moved += given;
    }
    moved
}

/// End of a business day: recovery toward baseline and on-call load for everyone present, then
/// propagation from overloaded key players, then burnout bookkeeping (events stamped at `at`).
pub(crate) fn end_of_day(world: &mut World, at: Instant) {
    let spec = world.spec.morale.clone();
    let present = world.present_people();
    let on_call = world.on_call_today();
    for &p in &present {
        let person = &mut world.people[p];
        if person.stress > person.base_stress {
            person.stress = (person.stress - spec.recovery_per_day).max(person.base_stress);
        }
        if Some(p) == on_call {
            person.stress = (person.stress + spec.on_call_load_per_day).min(MAX_STRESS);
        }
    }

    let keys = key_players(world);
    if !keys.is_empty() {
        let adjacency = world.graph.adjacency(&present);
        let mut values: Vec<f64> = present.iter().map(|&p| world.people[p].stress).collect();
        let senders: Vec<usize> = keys
            .iter()
            .filter_map(|k| present.binary_search(k).ok())
            .collect();
        propagate(
            &mut values,
            &senders,
            &adjacency,
            spec.burnout_threshold,
            spec.propagation_fraction,
        );
        for (i, &p) in present.iter().enumerate() {
            world.people[p].stress = values[i];
        }
    }

    for &p in &present {
        let day = world.day;
        let person = &mut world.people[p];
        if person.stress > spec.burnout_threshold {
            person.days_over_threshold += 1;
        } else {
            person.days_over_threshold = 0;
        }
        let stress = (person.stress * 100.0).round() / 100.0;
        let change = match person.burnt_out_since {
            None if person.days_over_threshold >= spec.burnout_days => {
                person.burnt_out_since = Some(day);
                Some((true, person.days_over_threshold))
            }
            Some(since)
                if person.stress < spec.burnout_threshold - spec.burnout_recovery_margin =>
            {
                person.burnt_out_since = None;
                Some((false, day - since))
            }
            _ => None,
        };
        if let Some((started, days)) = change {
            let facts = BurnoutChanged {
                person: world.id(p),
                stress,
                days,
            };
            let (kind, summary) = if started {
                let s = format!("{} is burnt out (stress {stress})", facts.person);
                (EventKind::BurnoutStarted(facts), s)
            } else {
                let s = format!("{} recovered from burnout", facts.person);
                (EventKind::BurnoutEnded(facts), s)
            };
            world.emit(kind, at, vec![], vec![], summary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn graph(n: usize, edges: &[(usize, usize, f64)]) -> Vec<Vec<(u32, f64)>> {
        let mut adjacency = vec![Vec::new(); n];
        for &(a, b, w) in edges {
            if a != b && !adjacency[a].iter().any(|x: &(u32, f64)| x.0 as usize == b) {
                adjacency[a].push((b as u32, w));
                adjacency[b].push((a as u32, w));
            }
        }
        for list in &mut adjacency {
            list.sort_by_key(|x| x.0);
        }
        adjacency
    }

    #[test]
    fn excess_goes_to_neighbours_by_weight() {
        let adjacency = graph(3, &[(0, 1, 3.0), (0, 2, 1.0)]);
        let mut stress = vec![90.0, 10.0, 10.0];
        let moved = propagate(&mut stress, &[0], &adjacency, 70.0, 0.5);
        assert_eq!(moved, 10.0);
        assert_eq!(stress, vec![80.0, 17.5, 12.5]);
    }

    #[test]
    fn a_full_neighbour_takes_nothing_and_the_sender_keeps_it() {
        let adjacency = graph(2, &[(0, 1, 1.0)]);
        let mut stress = vec![95.0, 100.0];
        assert_eq!(propagate(&mut stress, &[0], &adjacency, 70.0, 0.5), 0.0);
        assert_eq!(stress, vec![95.0, 100.0]);
    }

    proptest! {
        #[test]
        fn propagation_conserves_stress_and_stays_in_bounds(
            values in prop::collection::vec(0.0f64..=100.0, 2..12),
            edges in prop::collection::vec((0usize..12, 0usize..12, 0.5f64..20.0), 0..40),
            senders in prop::collection::vec(0usize..12, 0..6),
            threshold in 0.0f64..100.0,
            fraction in 0.0f64..=1.0,
        ) {
            let n = values.len();
            let edges: Vec<_> = edges.into_iter().filter(|e| e.0 < n && e.1 < n).collect();
            let senders: Vec<usize> = senders.into_iter().filter(|&s| s < n).collect();
            let adjacency = graph(n, &edges);
            let mut stress = values.clone();
            let before: f64 = stress.iter().sum();
            let moved = propagate(&mut stress, &senders, &adjacency, threshold, fraction);
            let after: f64 = stress.iter().sum();
            prop_assert!((before - after).abs() < 1e-9, "{before} != {after}");
            prop_assert!(moved >= 0.0);
            for s in &stress {
                prop_assert!((0.0..=MAX_STRESS + 1e-9).contains(s), "{s} out of bounds");
            }
            // A sender never drops below the threshold through propagation.
            for &s in &senders {
                if values[s] > threshold {
                    prop_assert!(stress[s] >= threshold - 1e-9, "sender {s} fell below the threshold");
                }
            }
        }
    }
}
