//! The knowledge registry: who owns each system, who knows it, how well it is written down, and
//! what happens when the last person who knew it leaves (orphaning) or a hire takes it on.

use crate::artifact::ArtifactRef;
use crate::calendar::Instant;
use crate::event::{EventKind, KnowledgeClaimed, KnowledgeOrphaned, SystemOwnerChanged};
use crate::world::{Orphan, World};

/// Rounds a share to 4 decimals for facts.
fn share(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Owners from expertise, and the scenario's pre-run knowledge gaps.
pub(crate) fn init(world: &mut World) {
    for s in 0..world.systems.len() {
        world.systems[s].owner = default_owner(world, s, None);
    }
    for gap in &world.spec.knowledge_gaps {
        let day = -(world.spec.company.start_date - gap.left_on).num_days();
        for id in &gap.systems {
            let Some(s) = world.systems.iter().position(|x| &x.id == id) else {
                continue;
            };
            let system = &mut world.systems[s];
            if system.experts.is_empty() {
                system.coverage = system.coverage.min(gap.documented_pct);
                system.orphan = Some(Orphan {
                    person: gap.person.clone(),
                    name: gap.name.clone(),
                    day,
                    documented_pct: gap.documented_pct,
                });
            }
        }
    }
}

/// The owning department's first present expert (person order), else its lead.
fn default_owner(world: &World, system: usize, excluding: Option<usize>) -> usize {
    let s = &world.systems[system];
    let department = s.department;
    s.experts
        .iter()
        .copied()
        .find(|&p| {
            Some(p) != excluding
                && world.people[p].department == department
                && world.people[p].left_day.is_none_or(|d| d > world.day)
        })
        .unwrap_or(world.departments[department].lead)
}

/// Systems `person` owns change hands (a departure step). Returns the events' count.
pub(crate) fn reassign_ownership(world: &mut World, person: usize, at: &mut Instant) {
    for s in 0..world.systems.len() {
        if world.systems[s].owner != person {
            continue;
        }
        let to = default_owner(world, s, Some(person));
        world.systems[s].owner = to;
        let facts = SystemOwnerChanged {
            system: world.systems[s].id.clone(),
            from: world.id(person),
            to: world.id(to),
            reason: format!("{} left", world.id(person)),
        };
        let summary = format!(
            "{} now owns {} (was {})",
            facts.to, facts.system, facts.from
        );
        world.emit(
            EventKind::SystemOwnerChanged(facts),
            *at,
            vec![],
            vec![],
            summary,
        );
        *at += 1;
    }
}

/// `person` leaves: they stop knowing their systems; a system nobody present knows is orphaned at
/// their `documented_pct` (coverage cannot exceed what they wrote down).
pub(crate) fn orphan(world: &mut World, person: usize, documented_pct: f64, at: &mut Instant) {
    for s in 0..world.systems.len() {
        if !world.systems[s].experts.contains(&person) {
            continue;
        }
        world.systems[s].experts.retain(|&p| p != person);
        let day = world.day;
        let still_known = world.systems[s]
            .experts
            .iter()
            .any(|&p| world.people[p].left_day.is_none_or(|d| d > day));
        if still_known {
            continue;
        }
        let before = world.systems[s].coverage;
        let after = before.min(documented_pct);
        world.systems[s].coverage = after;
        world.systems[s].orphan = Some(Orphan {
            person: world.id(person),
            name: world.people[person].name.clone(),
            day: i64::from(day),
            documented_pct,
        });
        let facts = KnowledgeOrphaned {
            system: world.systems[s].id.clone(),
            person: world.id(person),
            documented_pct,
            coverage_before: share(before),
            coverage_after: share(after),
        };
        let summary = format!(
            "Nobody left knows {}; coverage {:.0}%",
            facts.system,
            after * 100.0
        );
        world.emit(
            EventKind::KnowledgeOrphaned(facts),
            *at,
            vec![],
            vec![],
            summary,
        );
        *at += 1;
    }
}

/// A ramped-up hire takes on the orphaned systems of their department.
pub(crate) fn claim(world: &mut World, hire: usize, at: Instant) {
    let department = world.people[hire].department;
    for s in 0..world.systems.len() {
        if world.systems[s].department != department {
            continue;
        }
        let Some(orphan) = world.systems[s].orphan.take() else {
            continue;
        };
        world.systems[s].experts.push(hire);
        if !world.people[hire].expertise.contains(&s) {
            world.people[hire].expertise.push(s);
        }
        let facts = KnowledgeClaimed {
            system: world.systems[s].id.clone(),
            person: world.id(hire),
            previously: orphan.person,
            coverage: share(world.systems[s].coverage),
        };
        let summary = format!("{} took on {}", facts.person, facts.system);
        world.emit(
            EventKind::KnowledgeClaimed(facts),
            at,
            vec![hire],
            Vec::<ArtifactRef>::new(),
            summary,
        );
    }
}

/// The orphan record when `system` is a knowledge gap now: nobody present knows it and its
/// coverage is below the scenario's `gap_coverage`.
pub(crate) fn gap(world: &World, system: usize) -> Option<Orphan> {
    let s = &world.systems[system];
    if s.coverage >= world.spec.knowledge.gap_coverage {
        return None;
    }
    let known = s.experts.iter().any(|&p| world.clocks.present(p));
    if known {
        return None;
    }
    s.orphan.clone()
}
