//! The escalation chain of SPEC §3.3: the shortest path on edge distance `1 / w` from a responder to the
//! nearest matching lead using at most `max_hops` edges, computed exactly by a layered Bellman–Ford over
//! hop counts with a fixed tie order (distance, then hops, then the lexicographically smallest path).

use std::cmp::Ordering;

/// Marks a node with no live entry in a hop layer.
const NO_PREDECESSOR: u32 = u32::MAX;

/// The shortest path (by total distance Σ 1/w) from `from` to the nearest node for which `is_target` holds,
/// using at most `max_hops` edges. Returns the node sequence starting with `from` and ending at the target
/// (just `[from]` when `from` is itself a target), or None when no target is reachable within `max_hops`.
/// Ties (equal distance): fewer hops first, then the lexicographically smallest node sequence.
///
/// `adjacency[v]` lists `(neighbour, weight w > 0)`. A path's distance is the left-to-right floating-point
/// sum of `1 / w` along it, and "equal" means exactly equal sums. Layer k holds, for each node, the best
/// walk of exactly k edges that improves on every shorter layer; only improved nodes are expanded, so a
/// call costs O(min(max_hops, n) · m) time and O(min(max_hops, n) · n) memory. Paths through another
/// target are never expanded: stopping at that target is shorter and has fewer hops.
///
/// # Panics
/// When `from` or a neighbour index is out of range, or a weight is not finite and positive.
pub fn shortest_path(
    adjacency: &[Vec<(u32, f64)>],
    from: u32,
    is_target: impl Fn(u32) -> bool,
    max_hops: u32,
) -> Option<Vec<u32>> {
    let node_count = adjacency.len();
    assert!(
        (from as usize) < node_count,
        "escalation start {from} is not a node (n = {node_count})"
    );
    if is_target(from) {
        return Some(vec![from]);
    }
    // A simple path has at most n - 1 edges and the optimum is always simple (a cycle only adds distance
    // and hops), so deeper layers cannot help.
    let hop_limit = (max_hops as usize).min(node_count - 1);
    let target: Vec<bool> = (0..node_count as u32).map(&is_target).collect();

    // predecessor[k·n + v]: the node before v on layer k's best walk to v (read only for live entries).
    let mut predecessor = vec![NO_PREDECESSOR; (hop_limit + 1) * node_count];
    // Best distance to each node over the finished layers; a new entry that does not beat it is dominated.
    let mut best_dist = vec![f64::INFINITY; node_count];
    // Distances of the live entries of the previous and the current layer (infinite elsewhere).
    let mut previous_dist = vec![f64::INFINITY; node_count];
    let mut current_dist = vec![f64::INFINITY; node_count];
    // Live entries of the previous and the current layer, in discovery order.
    let mut previous_live: Vec<u32> = vec![from];
    let mut current_live: Vec<u32> = Vec::new();
    best_dist[from as usize] = 0.0;
    previous_dist[from as usize] = 0.0;
    // (distance, hops, target) of the best target entry of the finished layers.
    let mut found: Option<(f64, usize, u32)> = None;

    for hops in 1..=hop_limit {
        let (earlier_layers, later_layers) = predecessor.split_at_mut(hops * node_count);
        let current_layer = &mut later_layers[..node_count];
        // A target found in an earlier layer beats any entry at least as far (more hops).
        let bound = found.map_or(f64::INFINITY, |(distance, _, _)| distance);
        for &node in &previous_live {
            let node_index = node as usize;
            // Stopping at a target is shorter and has fewer hops than going through it.
            if target[node_index] {
                continue;
            }
            let node_dist = previous_dist[node_index];
            for &(neighbour, weight) in &adjacency[node_index] {
                let neighbour_index = neighbour as usize;
                assert!(
                    neighbour_index < node_count,
                    "neighbour {neighbour} of node {node} is out of range"
                );
                let length = 1.0 / weight;
                assert!(
                    weight > 0.0 && weight.is_finite() && length.is_finite(),
                    "edge {node}-{neighbour} has weight {weight}, not a finite positive number"
                );
                let candidate = node_dist + length;
                if candidate >= best_dist[neighbour_index] || candidate >= bound {
                    continue;
                }
                let incumbent = current_layer[neighbour_index];
                let better = if incumbent == NO_PREDECESSOR {
                    current_live.push(neighbour);
                    true
                } else {
                    let incumbent_dist = current_dist[neighbour_index];
                    candidate < incumbent_dist
                        || (candidate == incumbent_dist
                            && compare_walks(earlier_layers, node_count, hops - 1, node, incumbent)
                                .is_lt())
                };
                if better {
                    current_layer[neighbour_index] = node;
                    current_dist[neighbour_index] = candidate;
                }
            }
        }

        for &node in &current_live {
            let node_index = node as usize;
            let distance = current_dist[node_index];
            best_dist[node_index] = distance;
            if !target[node_index] {
                continue;
            }
            // Every entry here is strictly below `bound`, so only same-layer entries compete on ties.
            let wins = match found {
                None => true,
                Some((found_dist, found_hops, found_target)) => {
                    distance < found_dist
                        || (distance == found_dist
                            && found_hops == hops
                            && compare_walks(&predecessor, node_count, hops, node, found_target)
                                .is_lt())
                }
            };
            if wins {
                found = Some((distance, hops, node));
            }
        }

        for &node in &previous_live {
            previous_dist[node as usize] = f64::INFINITY;
        }
        std::mem::swap(&mut previous_dist, &mut current_dist);
        std::mem::swap(&mut previous_live, &mut current_live);
        current_live.clear();
        if previous_live.iter().all(|&node| target[node as usize]) {
            break;
        }
    }

    let (_, hops, target_node) = found?;
    let mut path = Vec::with_capacity(hops + 1);
    let mut node = target_node;
    for layer in (1..=hops).rev() {
        path.push(node);
        node = predecessor[layer * node_count + node as usize];
    }
    path.push(node);
    path.reverse();
    debug_assert_eq!(path.first(), Some(&from));
    Some(path)
}

/// Lexicographic order of the layer-`layer` walks ending at `a` and at `b` (both start at the same node).
/// Walks back until they merge; the last difference seen is the earliest position where they differ.
fn compare_walks(
    predecessor: &[u32],
    node_count: usize,
    mut layer: usize,
    mut a: u32,
    mut b: u32,
) -> Ordering {
    let mut order = Ordering::Equal;
    while a != b {
        order = a.cmp(&b);
        a = predecessor[layer * node_count + a as usize];
        b = predecessor[layer * node_count + b as usize];
        layer -= 1;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Builds symmetric sorted adjacency lists from undirected `(a, b, weight)` edges.
    fn graph(node_count: usize, edges: &[(u32, u32, f64)]) -> Vec<Vec<(u32, f64)>> {
        let mut adjacency = vec![Vec::new(); node_count];
        for &(a, b, weight) in edges {
            adjacency[a as usize].push((b, weight));
            adjacency[b as usize].push((a, weight));
        }
        for neighbours in &mut adjacency {
            neighbours.sort_by_key(|&(neighbour, _)| neighbour);
        }
        adjacency
    }

    /// The weight of edge a-b, if there is one.
    fn edge_weight(adjacency: &[Vec<(u32, f64)>], a: u32, b: u32) -> Option<f64> {
        adjacency[a as usize]
            .iter()
            .find(|&&(n, _)| n == b)
            .map(|&(_, w)| w)
    }

    /// Left-to-right sum of 1/w along `path` (the distance the module defines).
    fn path_distance(adjacency: &[Vec<(u32, f64)>], path: &[u32]) -> f64 {
        path.windows(2)
            .map(|pair| 1.0 / edge_weight(adjacency, pair[0], pair[1]).unwrap_or(f64::NAN))
            .fold(0.0, |total, length| total + length)
    }

    /// Reference: enumerates every simple path from `from` of at most `max_hops` edges and keeps the best
    /// target path by (distance, hops, node sequence).
    fn brute_force(
        adjacency: &[Vec<(u32, f64)>],
        from: u32,
        targets: &[bool],
        max_hops: u32,
    ) -> Option<Vec<u32>> {
        fn visit(
            adjacency: &[Vec<(u32, f64)>],
            targets: &[bool],
            max_hops: u32,
            path: &mut Vec<u32>,
            best: &mut Option<(f64, Vec<u32>)>,
        ) {
            let last = *path.last().unwrap_or(&0);
            if targets[last as usize] {
                let distance = path_distance(adjacency, path);
                let better = match best {
                    None => true,
                    Some((best_distance, best_path)) => {
                        (distance, path.len(), path.as_slice())
                            < (*best_distance, best_path.len(), best_path.as_slice())
                    }
                };
                if better {
                    *best = Some((distance, path.clone()));
                }
            }
            if path.len() as u32 > max_hops {
                return;
            }
            for &(next, _) in &adjacency[last as usize] {
                if !path.contains(&next) {
                    path.push(next);
                    visit(adjacency, targets, max_hops, path, best);
                    path.pop();
                }
            }
        }
        let mut best = None;
        visit(adjacency, targets, max_hops, &mut vec![from], &mut best);
        best.map(|(_, path)| path)
    }

    /// A strong 3-hop chain (0.75), a medium 2-hop path (1.0) and a weak direct edge (2.0) from 0 to 3.
    fn three_routes() -> Vec<Vec<(u32, f64)>> {
        graph(
            5,
            &[
                (0, 1, 4.0),
                (1, 2, 4.0),
                (2, 3, 4.0),
                (0, 4, 2.0),
                (4, 3, 2.0),
                (0, 3, 0.5),
            ],
        )
    }

    #[test]
    fn hop_limit_picks_the_best_path_that_fits() {
        let adjacency = three_routes();
        let is_three = |node| node == 3;
        assert_eq!(
            shortest_path(&adjacency, 0, is_three, 3),
            Some(vec![0, 1, 2, 3])
        );
        assert_eq!(
            shortest_path(&adjacency, 0, is_three, 10),
            Some(vec![0, 1, 2, 3])
        );
        // Dijkstra's path has 3 hops; truncating it would miss the 2-hop path that fits.
        assert_eq!(
            shortest_path(&adjacency, 0, is_three, 2),
            Some(vec![0, 4, 3])
        );
        assert_eq!(shortest_path(&adjacency, 0, is_three, 1), Some(vec![0, 3]));
        assert_eq!(shortest_path(&adjacency, 0, is_three, 0), None);
    }

    #[test]
    fn start_that_is_a_target_is_its_own_path() {
        let adjacency = three_routes();
        assert_eq!(
            shortest_path(&adjacency, 2, |node| node == 2 || node == 3, 0),
            Some(vec![2])
        );
        assert_eq!(shortest_path(&adjacency, 2, |_| true, 5), Some(vec![2]));
        assert_eq!(shortest_path(&graph(1, &[]), 0, |_| true, 0), Some(vec![0]));
    }

    #[test]
    fn unreachable_target_is_none() {
        // Components {0, 1, 2} and {3, 4}.
        let adjacency = graph(5, &[(0, 1, 1.0), (1, 2, 1.0), (3, 4, 1.0)]);
        assert_eq!(shortest_path(&adjacency, 0, |node| node == 4, 10), None);
        assert_eq!(shortest_path(&adjacency, 0, |_| false, 10), None);
        assert_eq!(shortest_path(&adjacency, 0, |node| node == 2, 1), None);
        assert_eq!(shortest_path(&graph(1, &[]), 0, |_| false, 3), None);
    }

    #[test]
    fn nearest_of_several_targets() {
        // Targets 2 (0.5, direct) and 3 (0.5 + 0.25, via 1): 2 is nearer.
        let adjacency = graph(
            4,
            &[
                (0, 2, 2.0),
                (0, 1, 2.0),
                (1, 2, 1.0),
                (1, 3, 4.0),
                (2, 3, 1.0),
            ],
        );
        let targets = |node| node == 2 || node == 3;
        assert_eq!(shortest_path(&adjacency, 0, targets, 3), Some(vec![0, 2]));
        // With a weak 0-2 edge (2.0), 3 via 1 (0.75) is nearer although it takes two hops.
        let adjacency = graph(4, &[(0, 2, 0.5), (0, 1, 2.0), (1, 3, 4.0)]);
        assert_eq!(
            shortest_path(&adjacency, 0, targets, 3),
            Some(vec![0, 1, 3])
        );
    }

    #[test]
    fn ties_prefer_fewer_hops_then_smaller_sequence() {
        // 0-3 direct is 1.0; 0-1-3 and 0-2-3 are 0.5 + 0.5 = 1.0 too: the direct edge wins on hops.
        let adjacency = graph(
            4,
            &[
                (0, 3, 1.0),
                (0, 1, 2.0),
                (1, 3, 2.0),
                (0, 2, 2.0),
                (2, 3, 2.0),
            ],
        );
        assert_eq!(
            shortest_path(&adjacency, 0, |node| node == 3, 4),
            Some(vec![0, 3])
        );
        // Without the direct edge the two 2-hop paths tie: [0, 1, 3] < [0, 2, 3].
        let adjacency = graph(4, &[(0, 2, 2.0), (2, 3, 2.0), (0, 1, 2.0), (1, 3, 2.0)]);
        assert_eq!(
            shortest_path(&adjacency, 0, |node| node == 3, 4),
            Some(vec![0, 1, 3])
        );
        // Equal distance to two targets at equal hops: the smaller sequence [0, 1, 4] beats [0, 2, 3].
        let adjacency = graph(5, &[(0, 1, 1.0), (0, 2, 1.0), (2, 3, 1.0), (1, 4, 1.0)]);
        assert_eq!(
            shortest_path(&adjacency, 0, |node| node >= 3, 4),
            Some(vec![0, 1, 4])
        );
        // The earliest difference decides, not the last: [0, 1, 5, 6] < [0, 2, 3, 6] although 5 > 3.
        let adjacency = graph(
            7,
            &[
                (0, 1, 1.0),
                (1, 5, 1.0),
                (5, 6, 1.0),
                (0, 2, 1.0),
                (2, 3, 1.0),
                (3, 6, 1.0),
            ],
        );
        assert_eq!(
            shortest_path(&adjacency, 6, |node| node == 0, 4),
            Some(vec![6, 3, 2, 0])
        );
        assert_eq!(
            shortest_path(&adjacency, 0, |node| node == 6, 4),
            Some(vec![0, 1, 5, 6])
        );
    }

    #[test]
    #[should_panic(expected = "not a node")]
    fn start_out_of_range_panics() {
        shortest_path(&graph(2, &[(0, 1, 1.0)]), 2, |_| true, 1);
    }

    /// A proptest case: adjacency lists, start, target flags, hop limit.
    type Case = (Vec<Vec<(u32, f64)>>, u32, Vec<bool>, u32);

    /// Graphs of up to 9 nodes with weights in {1, 2, 4, 0.5} (exact sums), a target set and a hop limit.
    fn small_case() -> impl Strategy<Value = Case> {
        (
            1usize..=9,
            1u8..=4,
            prop::collection::vec((0u8..4, 0usize..4), 36),
            any::<u16>(),
            0u32..9,
            0u32..=7,
        )
            .prop_map(
                |(node_count, density, draws, target_bits, from, max_hops)| {
                    const WEIGHTS: [f64; 4] = [1.0, 2.0, 4.0, 0.5];
                    let mut edges = Vec::new();
                    let mut draw = draws.iter();
                    for a in 0..node_count as u32 {
                        for b in a + 1..node_count as u32 {
                            let &(presence, weight) = draw.next().unwrap_or(&(0, 0));
                            if presence < density {
                                edges.push((a, b, WEIGHTS[weight]));
                            }
                        }
                    }
                    // Mostly a few targets: each node is a target with probability 1/4.
                    let targets = (0..node_count)
                        .map(|node| (target_bits >> (node % 8 * 2)) & 3 == 0)
                        .collect();
                    (
                        graph(node_count, &edges),
                        from % node_count as u32,
                        targets,
                        max_hops,
                    )
                },
            )
    }

    proptest! {
        #[test]
        fn matches_brute_force_on_small_graphs((adjacency, from, targets, max_hops) in small_case()) {
            let result = shortest_path(&adjacency, from, |node| targets[node as usize], max_hops);
            let expected = brute_force(&adjacency, from, &targets, max_hops);
            prop_assert_eq!(result.is_some(), expected.is_some(), "{:?} vs {:?}", result, expected);
            if let (Some(path), Some(expected)) = (&result, &expected) {
                prop_assert_eq!(path.first(), Some(&from));
                prop_assert!(targets[*path.last().unwrap_or(&from) as usize]);
                prop_assert!(path.len() as u32 <= max_hops + 1);
                for pair in path.windows(2) {
                    prop_assert!(edge_weight(&adjacency, pair[0], pair[1]).is_some(), "{:?} is not an edge", pair);
                }
                let distance = path_distance(&adjacency, path);
                let expected_distance = path_distance(&adjacency, expected);
                prop_assert!((distance - expected_distance).abs() <= 1e-9, "{} vs {}", distance, expected_distance);
                // Sums are exact here, so the tie rules must pick the very same path.
                prop_assert_eq!(path, expected);
            }
        }
    }
}
