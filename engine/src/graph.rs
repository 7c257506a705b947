//! The social graph: sparse weighted ties between people, decaying daily, boosted by real work.
//!
//! Nodes are employees (person indices) and external contacts (contact indices, see
//! `World::contacts`); edges are undirected with weight in [floor, max]. Strong ties are short:
//! any shortest-path use takes distance `1 / w`. Centrality and escalation read only the
//! employee subgraph ([`SocialGraph::adjacency`]); contacts hang off their liaisons.

use petgraph::stable_graph::{NodeIndex, StableUnGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use crate::scenario::Graph as GraphSpec;

/// Largest meeting in which every attendee pair counts as an interaction that can create a tie.
pub const SMALL_MEETING: usize = 6;

/// A node of the social graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Member {
    /// An employee, by person index.
    Person(usize),
    /// An external contact (customer or vendor), by contact index.
    Contact(usize),
}

/// The social graph.
#[derive(Debug, Clone)]
pub struct SocialGraph {
    graph: StableUnGraph<Member, f64>,
    /// Node of each person index; `None` once removed.
    nodes: Vec<Option<NodeIndex>>,
    /// Node of each contact index.
    contact_nodes: Vec<Option<NodeIndex>>,
    floor: f64,
    max: f64,
    decay: f64,
    /// Bumped on every change, so centrality is recomputed only when the graph changed.
    version: u64,
}

impl SocialGraph {
    /// An empty graph with the scenario's bounds.
    pub fn new(spec: &GraphSpec) -> SocialGraph {
        SocialGraph {
            graph: StableUnGraph::default(),
            nodes: Vec::new(),
            contact_nodes: Vec::new(),
            floor: spec.weight_floor,
            max: spec.weight_max,
            decay: spec.decay,
            version: 0,
        }
    }

    /// Adds person `person` (indices are dense and added in order).
    pub fn add_person(&mut self, person: usize) {
        self.version += 1;
        if self.nodes.len() <= person {
            self.nodes.resize(person + 1, None);
        }
        if self.nodes[person].is_none() {
            self.nodes[person] = Some(self.graph.add_node(Member::Person(person)));
        }
    }

    /// Adds external contact `contact` (indices are dense and added in order).
    pub fn add_contact(&mut self, contact: usize) {
        self.version += 1;
        if self.contact_nodes.len() <= contact {
            self.contact_nodes.resize(contact + 1, None);
        }
        if self.contact_nodes[contact].is_none() {
            self.contact_nodes[contact] = Some(self.graph.add_node(Member::Contact(contact)));
        }
    }

    /// Removes a person and their ties.
    pub fn remove_person(&mut self, person: usize) {
        self.version += 1;
        if let Some(node) = self.nodes.get_mut(person).and_then(Option::take) {
            self.graph.remove_node(node);
        }
    }

    /// Sets the tie between `a` and `b` to at least `weight` (clamped to the bounds).
    pub fn tie(&mut self, a: usize, b: usize, weight: f64) {
        self.tie_members(Member::Person(a), Member::Person(b), weight);
    }

    /// Boosts the tie between `a` and `b` by `amount`, creating it at the floor if new; capped.
    pub fn boost(&mut self, a: usize, b: usize, amount: f64) {
        self.boost_members(Member::Person(a), Member::Person(b), amount);
    }

    /// Sets the tie between contact `contact` and person `person` to at least `weight`.
    pub fn tie_contact(&mut self, contact: usize, person: usize, weight: f64) {
        self.tie_members(Member::Contact(contact), Member::Person(person), weight);
    }

    /// Boosts the tie between contact `contact` and person `person` (an email exchange).
    pub fn boost_contact(&mut self, contact: usize, person: usize, amount: f64) {
        self.boost_members(Member::Contact(contact), Member::Person(person), amount);
    }

    fn tie_members(&mut self, a: Member, b: Member, weight: f64) {
        self.version += 1;
        let (Some(na), Some(nb)) = (self.member_node(a), self.member_node(b)) else {
            return;
        };
        if a == b {
            return;
        }
        let weight = weight.clamp(self.floor, self.max);
        match self.graph.find_edge(na, nb) {
            Some(e) => {
                if let Some(w) = self.graph.edge_weight_mut(e) {
                    *w = w.max(weight);
                }
            }
            None => {
                self.graph.add_edge(na, nb, weight);
            }
        }
    }

    fn boost_members(&mut self, a: Member, b: Member, amount: f64) {
        self.version += 1;
        let (Some(na), Some(nb)) = (self.member_node(a), self.member_node(b)) else {
            return;
        };
        if a == b {
            return;
        }
        match self.graph.find_edge(na, nb) {
            Some(e) => {
                if let Some(w) = self.graph.edge_weight_mut(e) {
                    *w = (*w + amount).min(self.max);
                }
            }
            None => {
                self.graph
                    .add_edge(na, nb, (self.floor + amount).min(self.max));
            }
        }
    }

    /// A meeting: boosts every pair among `attendees` that already has a tie; in a small meeting
    /// (at most [`SMALL_MEETING`] people) everyone meets everyone, so new ties appear too. A
    /// department-wide planning meeting does not make every pair of attendees acquaintances.
    pub fn meeting(&mut self, attendees: &[usize], amount: f64) {
        if attendees.len() <= SMALL_MEETING {
            self.boost_all(attendees, amount);
            return;
        }
        for (i, &a) in attendees.iter().enumerate() {
            for &b in &attendees[i + 1..] {
                if self.weight(a, b) > 0.0 {
                    self.boost(a, b, amount);
                }
            }
        }
    }

    /// Boosts every pair among `people`.
    pub fn boost_all(&mut self, people: &[usize], amount: f64) {
        for (i, &a) in people.iter().enumerate() {
            for &b in &people[i + 1..] {
                self.boost(a, b, amount);
            }
        }
    }

    /// One day of decay toward the floor: `w <- floor + (w - floor) * decay`.
    pub fn decay(&mut self) {
        self.version += 1;
        let (floor, decay) = (self.floor, self.decay);
        for w in self.graph.edge_weights_mut() {
            *w = floor + (*w - floor) * decay;
        }
    }

    /// Weight of the tie between `a` and `b`, 0 when there is none.
    pub fn weight(&self, a: usize, b: usize) -> f64 {
        self.member_weight(Member::Person(a), Member::Person(b))
    }

    /// Weight of the tie between contact `contact` and person `person`, 0 when there is none.
    pub fn contact_weight(&self, contact: usize, person: usize) -> f64 {
        self.member_weight(Member::Contact(contact), Member::Person(person))
    }

    fn member_weight(&self, a: Member, b: Member) -> f64 {
        match (self.member_node(a), self.member_node(b)) {
            (Some(na), Some(nb)) => self
                .graph
                .find_edge(na, nb)
                .and_then(|e| self.graph.edge_weight(e))
                .copied()
                .unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// Adjacency lists of the subgraph induced by `people` (compact indices into `people`):
    /// `(neighbour, weight)` sorted by neighbour. The input of centrality and escalation paths.
    pub fn adjacency(&self, people: &[usize]) -> Vec<Vec<(u32, f64)>> {
        let mut compact: Vec<Option<u32>> = vec![None; self.nodes.len()];
        for (i, &p) in people.iter().enumerate() {
            if let Some(slot) = compact.get_mut(p) {
                *slot = Some(i as u32);
            }
        }
        people
            .iter()
            .map(|&p| {
                let Some(node) = self.node(p) else {
                    return Vec::new();
                };
                let mut list: Vec<(u32, f64)> = self
                    .graph
                    .edges(node)
                    .filter_map(|e| {
                        let other = if e.source() == node {
                            e.target()
                        } else {
                            e.source()
                        };
                        let Member::Person(q) = self.graph[other] else {
                            return None;
                        };
                        compact.get(q).copied().flatten().map(|c| (c, *e.weight()))
                    })
                    .collect();
                list.sort_by_key(|x| x.0);
                list
            })
            .collect()
    }

    /// Ties of `person` to other employees as (other person, weight), sorted by person.
    pub fn neighbours(&self, person: usize) -> Vec<(usize, f64)> {
        self.ties_to_people(Member::Person(person))
    }

    /// Employees tied to contact `contact` as (person, weight), sorted by person.
    pub fn contact_ties(&self, contact: usize) -> Vec<(usize, f64)> {
        self.ties_to_people(Member::Contact(contact))
    }

    fn ties_to_people(&self, member: Member) -> Vec<(usize, f64)> {
        self.ties(member)
            .into_iter()
            .filter_map(|(m, w)| match m {
                Member::Person(p) => Some((p, w)),
                Member::Contact(_) => None,
            })
            .collect()
    }

    fn ties(&self, member: Member) -> Vec<(Member, f64)> {
        let Some(node) = self.member_node(member) else {
            return Vec::new();
        };
        let mut list: Vec<(Member, f64)> = self
            .graph
            .edges(node)
            .map(|e| {
                let other = if e.source() == node {
                    e.target()
                } else {
                    e.source()
                };
                (self.graph[other], *e.weight())
            })
            .collect();
        list.sort_by_key(|x| x.0);
        list
    }

    /// Changes so far: equal versions mean an unchanged graph.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Every edge as (smaller member, larger member, weight), sorted; a person sorts before
    /// every contact, so a tie with a contact reads (person, contact, weight).
    pub fn edges(&self) -> Vec<(Member, Member, f64)> {
        let mut edges: Vec<(Member, Member, f64)> = (&self.graph)
            .edge_references()
            .map(|e| {
                let a = self.graph[e.source()];
                let b = self.graph[e.target()];
                (a.min(b), a.max(b), *e.weight())
            })
            .collect();
        edges.sort_by_key(|x| (x.0, x.1));
        edges
    }

    fn node(&self, person: usize) -> Option<NodeIndex> {
        self.nodes.get(person).copied().flatten()
    }

    fn member_node(&self, member: Member) -> Option<NodeIndex> {
        match member {
            Member::Person(p) => self.node(p),
            Member::Contact(c) => self.contact_nodes.get(c).copied().flatten(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_approaches_the_floor_and_boosts_cap() {
        let spec = GraphSpec::default();
        let mut g = SocialGraph::new(&spec);
        for p in 0..3 {
            g.add_person(p);
        }
        g.tie(0, 1, 10.0);
        g.decay();
        let expected = spec.weight_floor + (10.0 - spec.weight_floor) * spec.decay;
        assert!((g.weight(0, 1) - expected).abs() < 1e-12);
        g.boost(1, 2, 100.0);
        assert_eq!(g.weight(1, 2), spec.weight_max);
        assert_eq!(g.weight(0, 2), 0.0);
        g.remove_person(1);
        assert_eq!(g.edge_count(), 0);
    }

    #[test]
    fn contacts_tie_to_people_but_stay_out_of_the_employee_subgraph() {
        let spec = GraphSpec::default();
        let mut g = SocialGraph::new(&spec);
        for p in 0..2 {
            g.add_person(p);
        }
        g.add_contact(0);
        g.tie(0, 1, 5.0);
        g.tie_contact(0, 1, spec.weight_external);
        g.boost_contact(0, 0, 1.0);
        assert_eq!(g.contact_weight(0, 1), spec.weight_external);
        assert_eq!(g.contact_weight(0, 0), spec.weight_floor + 1.0);
        assert_eq!(
            g.contact_ties(0),
            vec![(0, spec.weight_floor + 1.0), (1, 4.0)]
        );
        assert_eq!(g.neighbours(1), vec![(0, 5.0)]);
        assert_eq!(g.adjacency(&[0, 1]), vec![vec![(1, 5.0)], vec![(0, 5.0)]]);
        assert_eq!(
            g.edges(),
            vec![
                (Member::Person(0), Member::Person(1), 5.0),
                (
                    Member::Person(0),
                    Member::Contact(0),
                    spec.weight_floor + 1.0
                ),
                (Member::Person(1), Member::Contact(0), 4.0),
            ]
        );
        g.remove_person(1);
        assert_eq!(g.contact_ties(0), vec![(0, spec.weight_floor + 1.0)]);
    }
}
