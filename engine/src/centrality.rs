//! Weighted betweenness centrality of the social graph (SPEC §3.3): Brandes' algorithm on edge distance
//! `1 / w`, normalized like networkx, with reusable buffers and a chunked reduction whose result is
//! bit-identical for every thread count.

use std::sync::Mutex;

/// Sources are summed in this many contiguous chunks, whatever the thread count, so the floating-point
/// reduction order (and therefore every bit of the result) never depends on `threads`.
const SOURCE_CHUNKS: usize = 32;

/// Marks a node that Dijkstra has not settled yet in `Workspace::position`.
const UNSETTLED: u32 = u32::MAX;

/// Marks a node that is not in the heap in `DistanceHeap::slot`.
const NOT_IN_HEAP: u32 = u32::MAX;

/// Children per heap node: a 4-ary heap is shallower than a binary one and its children share a line.
const HEAP_ARITY: usize = 4;

/// Reusable buffers so daily recomputation allocates nothing after the first call.
#[derive(Debug, Default)]
pub struct Brandes {
    /// Offsets into `edge_target`/`edge_length` per node (compressed sparse rows): node v's edges are
    /// at `edge_start[v]..edge_start[v + 1]`.
    edge_start: Vec<u32>,
    /// Neighbour of every directed half of every edge.
    edge_target: Vec<u32>,
    /// Distance `1 / w` of every directed half of every edge.
    edge_length: Vec<f64>,
    /// One row of `n` partial dependency sums per source chunk, in chunk order.
    partials: Vec<f64>,
    /// One set of single-source buffers per worker.
    workspaces: Vec<Workspace>,
}

/// The single-source buffers of one worker; every entry is back at its reset value between sources.
#[derive(Debug, Default)]
struct Workspace {
    /// Shortest distance from the source (infinite when unreached, tentative until settled). The only
    /// per-node array the edge scan reads for every neighbour, so it is kept apart and dense.
    dist: Vec<f64>,
    /// Number of shortest paths from the source (a float, as in Brandes: counts can exceed u64).
    sigma: Vec<f64>,
    /// Dependency of the source on each node.
    delta: Vec<f64>,
    /// Settle order of each node (`UNSETTLED` before).
    position: Vec<u32>,
    /// Nodes in settle order (non-decreasing distance).
    stack: Vec<u32>,
    /// Predecessors of the settled nodes, those of `stack[i]` at
    /// `predecessors[predecessor_start[i]..predecessor_start[i + 1]]`: recorded when a node settles,
    /// so every node's list is contiguous.
    predecessors: Vec<u32>,
    /// Offsets into `predecessors` per settle position, one more than `stack`.
    predecessor_start: Vec<u32>,
    /// The unsettled frontier, popped by (distance, node index).
    heap: DistanceHeap,
    /// Scratch list of the neighbours a settled node improved, as long as the largest degree.
    improved: Vec<u32>,
    /// Scratch list of the neighbours at exactly the settled node's distance minus the edge length.
    tied: Vec<u32>,
}

/// An indexed 4-ary min-heap of nodes keyed by (distance, node index), with decrease-key, so it holds
/// each node at most once and a pop is a fixed function of the keys.
#[derive(Debug, Default)]
struct DistanceHeap {
    /// Packed keys `distance bits << 32 | node`: distances are finite and non-negative, whose f64 bits
    /// order like the values, so one integer comparison orders by distance, then node index.
    entries: Vec<u128>,
    /// Index of each node in `entries`, or `NOT_IN_HEAP`.
    slot: Vec<u32>,
}

impl Brandes {
    /// An empty set of buffers; they grow on the first call and are kept for the next.
    pub fn new() -> Brandes {
        Brandes::default()
    }

    /// Normalized betweenness of every node; `threads` ≥ 1 workers.
    ///
    /// `adjacency[v]` lists `(neighbour, weight)` of an undirected graph, sorted by neighbour: every
    /// edge appears in both lists with the same weight `w > 0`, no self loops or duplicate edges. Edge
    /// distance is `1 / w`. The result equals networkx
    /// `betweenness_centrality(G, weight=distance, normalized=True)`: the Brandes sum over ordered
    /// source-target pairs times `1 / ((n - 1)(n - 2))`, and all zeros when `n ≤ 2`. Exactly equal
    /// path distances are ties (both paths count). The result is bit-identical for every `threads`.
    ///
    /// # Panics
    /// When `threads` is 0, a neighbour index is out of range or a self loop, a list is not strictly
    /// increasing, a weight is not finite and positive, or an edge is missing from its other
    /// endpoint's list or has a different weight there.
    pub fn betweenness(&mut self, adjacency: &[Vec<(u32, f64)>], threads: usize) -> Vec<f64> {
        assert!(threads >= 1, "betweenness needs at least one worker thread");
        let node_count = adjacency.len();
        assert!(
            node_count < UNSETTLED as usize,
            "too many nodes for u32 indices"
        );
        self.build_edges(adjacency);
        if node_count <= 2 {
            return vec![0.0; node_count];
        }

        let chunk_count = SOURCE_CHUNKS.min(node_count);
        let worker_count = threads.min(chunk_count);
        self.partials.clear();
        self.partials.resize(chunk_count * node_count, 0.0);
        if self.workspaces.len() < worker_count {
            self.workspaces
                .resize_with(worker_count, Workspace::default);
        }
        let max_degree = adjacency.iter().map(Vec::len).max().unwrap_or(0);
        for workspace in &mut self.workspaces[..worker_count] {
            workspace.reset(node_count, max_degree);
        }

        let graph = Csr {
            edge_start: &self.edge_start,
            edge_target: &self.edge_target,
            edge_length: &self.edge_length,
        };
        // Chunk c holds sources [c·n/C, (c+1)·n/C); whichever worker takes it, it runs them in order.
        let source_range =
            |chunk: usize| chunk * node_count / chunk_count..(chunk + 1) * node_count / chunk_count;
        if worker_count == 1 {
            let workspace = &mut self.workspaces[0];
            for (chunk, partial) in self.partials.chunks_mut(node_count).enumerate() {
                for source in source_range(chunk) {
                    workspace.accumulate(graph, source as u32, partial);
                }
            }
        } else {
            // Workers take the next unclaimed chunk; the assignment varies, each chunk's sum does not.
            let queue = Mutex::new(self.partials.chunks_mut(node_count).enumerate());
            std::thread::scope(|scope| {
                for workspace in &mut self.workspaces[..worker_count] {
                    let queue = &queue;
                    scope.spawn(move || {
                        loop {
                            // A poisoned lock means another worker panicked; the scope re-raises that.
                            let next = match queue.lock() {
                                Ok(mut chunks) => chunks.next(),
                                Err(_) => None,
                            };
                            let Some((chunk, partial)) = next else { break };
                            for source in source_range(chunk) {
                                workspace.accumulate(graph, source as u32, partial);
                            }
                        }
                    });
                }
            });
        }

        let mut centrality = vec![0.0; node_count];
        for partial in self.partials.chunks(node_count) {
            for (total, value) in centrality.iter_mut().zip(partial) {
                *total += value;
            }
        }
        // networkx's rescale for undirected graphs: halve the ordered-pair sum, times 2 / ((n-1)(n-2)).
        let scale = 1.0 / ((node_count - 1) as f64 * (node_count - 2) as f64);
        for value in &mut centrality {
            *value *= scale;
        }
        centrality
    }

    /// Validates `adjacency` and copies it into compressed rows of neighbours and distances `1 / w`.
    fn build_edges(&mut self, adjacency: &[Vec<(u32, f64)>]) {
        let node_count = adjacency.len();
        self.edge_start.clear();
        self.edge_target.clear();
        self.edge_length.clear();
        self.edge_start.push(0);
        for (node, neighbours) in adjacency.iter().enumerate() {
            assert!(
                neighbours.windows(2).all(|pair| pair[0].0 < pair[1].0),
                "neighbours of node {node} are not strictly increasing"
            );
            for &(neighbour, weight) in neighbours {
                assert!(
                    (neighbour as usize) < node_count && neighbour as usize != node,
                    "neighbour {neighbour} of node {node} is out of range or a self loop"
                );
                let distance = 1.0 / weight;
                assert!(
                    weight > 0.0 && weight.is_finite() && distance.is_finite(),
                    "edge {node}-{neighbour} has weight {weight}, not a finite positive number"
                );
                let back_list = &adjacency[neighbour as usize];
                let mirrored = back_list
                    .binary_search_by_key(&(node as u32), |&(back, _)| back)
                    .is_ok_and(|index| back_list[index].1.to_bits() == weight.to_bits());
                assert!(
                    mirrored,
                    "edge {node}-{neighbour} is missing from {neighbour}'s list or has another weight there"
                );
                self.edge_target.push(neighbour);
                self.edge_length.push(distance);
            }
            assert!(
                self.edge_target.len() < u32::MAX as usize,
                "too many edges for u32 offsets"
            );
            self.edge_start.push(self.edge_target.len() as u32);
        }
    }
}

/// A borrowed view of the compressed rows, shared by the workers.
#[derive(Clone, Copy)]
struct Csr<'a> {
    /// Row offsets, `n + 1` of them.
    edge_start: &'a [u32],
    /// Neighbour per directed edge half.
    edge_target: &'a [u32],
    /// Distance per directed edge half.
    edge_length: &'a [f64],
}

impl Csr<'_> {
    /// The neighbours of `node` and the distances to them, index-aligned.
    fn neighbours(&self, node: u32) -> (&[u32], &[f64]) {
        let node = node as usize;
        let row = self.edge_start[node] as usize..self.edge_start[node + 1] as usize;
        (&self.edge_target[row.clone()], &self.edge_length[row])
    }
}

impl Workspace {
    /// Sizes the buffers for `node_count` nodes and puts every entry at its reset value.
    fn reset(&mut self, node_count: usize, max_degree: usize) {
        self.dist.clear();
        self.dist.resize(node_count, f64::INFINITY);
        self.sigma.clear();
        self.sigma.resize(node_count, 0.0);
        self.delta.clear();
        self.delta.resize(node_count, 0.0);
        self.position.clear();
        self.position.resize(node_count, UNSETTLED);
        self.stack.clear();
        self.predecessors.clear();
        self.predecessor_start.clear();
        self.heap.reset(node_count);
        self.improved.clear();
        self.improved.resize(max_degree, 0);
        self.tied.clear();
        self.tied.resize(max_degree, 0);
    }

    /// Adds the dependencies of `source` on every other node to `partial` (one Brandes iteration), then
    /// resets the entries it touched.
    fn accumulate(&mut self, graph: Csr<'_>, source: u32, partial: &mut [f64]) {
        let Workspace {
            dist,
            sigma,
            delta,
            position,
            stack,
            predecessors,
            predecessor_start,
            heap,
            improved,
            tied,
        } = self;
        // Slices, so the compiler keeps their bounds in registers across the pushes below.
        let dist = dist.as_mut_slice();
        let sigma = sigma.as_mut_slice();
        let delta = delta.as_mut_slice();
        let position = position.as_mut_slice();
        let improved = improved.as_mut_slice();
        let tied = tied.as_mut_slice();

        dist[source as usize] = 0.0;
        heap.push_or_decrease(0.0, source);
        predecessor_start.push(0);
        while let Some(node) = heap.pop() {
            let node_index = node as usize;
            let node_dist = dist[node_index];
            // One scan per settled node, without data-dependent branches (which way a relaxation goes is
            // a coin toss): lower each neighbour's distance with a select, and list the neighbours that
            // improved and those at exactly dist + length == node_dist, which are its predecessors when
            // settled. A settled neighbour never improves (candidate ≥ node_dist ≥ its dist).
            let (targets, lengths) = graph.neighbours(node);
            let mut improved_count = 0;
            let mut tied_count = 0;
            for (&neighbour, &length) in targets.iter().zip(lengths) {
                let neighbour_index = neighbour as usize;
                let neighbour_dist = dist[neighbour_index];
                let candidate = node_dist + length;
                let improves = candidate < neighbour_dist;
                dist[neighbour_index] = if improves { candidate } else { neighbour_dist };
                improved[improved_count] = neighbour;
                improved_count += usize::from(improves);
                tied[tied_count] = neighbour;
                tied_count += usize::from(neighbour_dist + length == node_dist);
            }
            for &neighbour in &improved[..improved_count] {
                heap.push_or_decrease(dist[neighbour as usize], neighbour);
            }
            let mut node_sigma = if node == source { 1.0 } else { 0.0 };
            for &neighbour in &tied[..tied_count] {
                if position[neighbour as usize] != UNSETTLED {
                    predecessors.push(neighbour);
                    node_sigma += sigma[neighbour as usize];
                }
            }
            sigma[node_index] = node_sigma;
            position[node_index] = stack.len() as u32;
            stack.push(node);
            predecessor_start.push(predecessors.len() as u32);
        }

        // Back-propagate in reverse settle order: δ(v) += σ(v)/σ(w) · (1 + δ(w)) for each predecessor v.
        for (settled, &node) in stack.iter().enumerate().rev() {
            let node_index = node as usize;
            let share = (1.0 + delta[node_index]) / sigma[node_index];
            let own = predecessor_start[settled] as usize..predecessor_start[settled + 1] as usize;
            for &predecessor in &predecessors[own] {
                let predecessor = predecessor as usize;
                delta[predecessor] += sigma[predecessor] * share;
            }
            if node != source {
                partial[node_index] += delta[node_index];
            }
        }

        for &node in stack.iter() {
            let node = node as usize;
            dist[node] = f64::INFINITY;
            sigma[node] = 0.0;
            delta[node] = 0.0;
            position[node] = UNSETTLED;
        }
        stack.clear();
        predecessors.clear();
        predecessor_start.clear();
    }
}

impl DistanceHeap {
    /// Empties the heap and sizes the slot index for `node_count` nodes.
    fn reset(&mut self, node_count: usize) {
        self.entries.clear();
        self.slot.clear();
        self.slot.resize(node_count, NOT_IN_HEAP);
    }

    /// Inserts `node` at `distance`, or lowers its key when it is already queued (the caller only ever
    /// lowers a distance).
    #[inline]
    fn push_or_decrease(&mut self, distance: f64, node: u32) {
        let key = (u128::from(distance.to_bits()) << 32) | u128::from(node);
        let slot = self.slot[node as usize];
        let index = if slot == NOT_IN_HEAP {
            self.entries.push(key);
            self.entries.len() - 1
        } else {
            debug_assert!(
                key < self.entries[slot as usize],
                "a decrease-key must lower the key"
            );
            slot as usize
        };
        self.sift_up(index, key);
    }

    /// Removes and returns the node with the smallest (distance, node index).
    fn pop(&mut self) -> Option<u32> {
        let top = *self.entries.first()?;
        let last = self.entries.pop()?;
        self.slot[top as u32 as usize] = NOT_IN_HEAP;
        if !self.entries.is_empty() {
            self.sift_down(0, last);
        }
        Some(top as u32)
    }

    /// Moves `key` from `index` towards the root until its parent is smaller.
    fn sift_up(&mut self, mut index: usize, key: u128) {
        while index > 0 {
            let parent = (index - 1) / HEAP_ARITY;
            let parent_key = self.entries[parent];
            if parent_key <= key {
                break;
            }
            self.place(index, parent_key);
            index = parent;
        }
        self.place(index, key);
    }

    /// Moves `key` from `index` towards the leaves until no child is smaller.
    fn sift_down(&mut self, mut index: usize, key: u128) {
        let len = self.entries.len();
        loop {
            let first_child = index * HEAP_ARITY + 1;
            if first_child >= len {
                break;
            }
            let children = &self.entries[first_child..(first_child + HEAP_ARITY).min(len)];
            // Which child is smallest is a coin toss, so pick it with selects rather than branches;
            // keys are unique (the node is in the low bits), and `slot` gives the winner's index.
            let child_key = match *children {
                [a, b, c, d] => a.min(b).min(c.min(d)),
                _ => children
                    .iter()
                    .fold(u128::MAX, |smallest, &child| smallest.min(child)),
            };
            if key <= child_key {
                break;
            }
            let child_index = self.slot[child_key as u32 as usize] as usize;
            self.place(index, child_key);
            index = child_index;
        }
        self.place(index, key);
    }

    /// Writes `key` at `index` and records the slot of its node.
    fn place(&mut self, index: usize, key: u128) {
        self.entries[index] = key;
        self.slot[key as u32 as usize] = index as u32;
    }
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

    /// Asserts two centrality vectors agree within `1e-9` per node.
    fn assert_close(actual: &[f64], expected: &[f64]) {
        assert_eq!(
            actual.len(),
            expected.len(),
            "length: {actual:?} vs {expected:?}"
        );
        for (node, (a, e)) in actual.iter().zip(expected).enumerate() {
            assert!(
                (a - e).abs() <= 1e-9,
                "node {node}: {a} vs {e}\nactual   {actual:?}\nexpected {expected:?}"
            );
        }
    }

    /// Independent reference: Floyd–Warshall distances on 1/w, path counts by distance order, and the
    /// pair sum σ_st(v)/σ_st over ordered pairs. Exact when the weights are powers of two.
    fn brute_force(adjacency: &[Vec<(u32, f64)>]) -> Vec<f64> {
        let n = adjacency.len();
        if n <= 2 {
            return vec![0.0; n];
        }
        let mut length = vec![vec![f64::INFINITY; n]; n];
        for (a, neighbours) in adjacency.iter().enumerate() {
            for &(b, weight) in neighbours {
                length[a][b as usize] = 1.0 / weight;
            }
        }
        let mut dist = length.clone();
        for (v, row) in dist.iter_mut().enumerate() {
            row[v] = 0.0;
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if dist[i][k] + dist[k][j] < dist[i][j] {
                        dist[i][j] = dist[i][k] + dist[k][j];
                    }
                }
            }
        }
        // sigma[s][v]: number of shortest s-v paths, built up in order of distance from s.
        let mut sigma = vec![vec![0.0f64; n]; n];
        for s in 0..n {
            let mut order: Vec<usize> = (0..n).filter(|&v| dist[s][v].is_finite()).collect();
            order.sort_by(|&a, &b| dist[s][a].total_cmp(&dist[s][b]));
            sigma[s][s] = 1.0;
            for &v in &order {
                if v == s {
                    continue;
                }
                sigma[s][v] = (0..n)
                    .filter(|&u| {
                        u != v
                            && length[u][v].is_finite()
                            && dist[s][u] + length[u][v] == dist[s][v]
                    })
                    .map(|u| sigma[s][u])
                    .sum();
            }
        }
        let mut raw = vec![0.0; n];
        for s in 0..n {
            for t in 0..n {
                if s == t || !dist[s][t].is_finite() {
                    continue;
                }
                for (v, total) in raw.iter_mut().enumerate() {
                    if v != s && v != t && dist[s][v] + dist[v][t] == dist[s][t] {
                        *total += sigma[s][v] * sigma[v][t] / sigma[s][t];
                    }
                }
            }
        }
        let scale = 1.0 / ((n - 1) as f64 * (n - 2) as f64);
        raw.iter().map(|value| value * scale).collect()
    }

    /// A fixed-seed generator (SplitMix64) for the larger deterministic graphs.
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
    }

    /// A random sparse graph with `edge_count` distinct edges; `weights` are drawn from uniformly.
    fn random_graph(
        node_count: usize,
        edge_count: usize,
        seed: u64,
        weights: &[f64],
    ) -> Vec<Vec<(u32, f64)>> {
        let mut rng = SplitMix(seed);
        let mut chosen = std::collections::BTreeMap::new();
        while chosen.len() < edge_count {
            let a = (rng.next() % node_count as u64) as u32;
            let b = (rng.next() % node_count as u64) as u32;
            if a != b {
                let weight = weights[(rng.next() % weights.len() as u64) as usize];
                chosen.entry((a.min(b), a.max(b))).or_insert(weight);
            }
        }
        let edges: Vec<(u32, u32, f64)> = chosen.into_iter().map(|((a, b), w)| (a, b, w)).collect();
        graph(node_count, &edges)
    }

    #[test]
    fn path_of_five_unit_edges() {
        // 0-1-2-3-4. Unordered pairs through 1: (0,2),(0,3),(0,4) = 3; through 2: (0,3),(0,4),(1,3),(1,4)
        // = 4. Normalized by 2 / ((n-1)(n-2)) = 1/6: 0.5 and 2/3.
        let adjacency = graph(5, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 4, 1.0)]);
        let result = Brandes::new().betweenness(&adjacency, 1);
        assert_close(&result, &[0.0, 0.5, 2.0 / 3.0, 0.5, 0.0]);
    }

    #[test]
    fn star_centre_carries_every_pair() {
        // Centre 0 with leaves 1..=4: all C(4,2) = 6 leaf pairs pass through 0; 6 · 2/(4·3) = 1.
        let adjacency = graph(5, &[(0, 1, 2.0), (0, 2, 0.5), (0, 3, 1.0), (0, 4, 4.0)]);
        let result = Brandes::new().betweenness(&adjacency, 2);
        assert_close(&result, &[1.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn weighted_graph_with_ties_by_hand() {
        // Edges (distance = 1/w): 0-1 d1, 1-2 d1, 0-3 d1, 3-2 d1, 0-2 d2 (w 0.5), 2-4 d0.5 (w 2).
        // Unordered pairs and the share each intermediate gets:
        //   (0,1) d1 direct                       -
        //   (0,2) d2: 0-1-2, 0-3-2, 0-2 (σ=3)      1: 1/3, 3: 1/3
        //   (0,3) d1 direct                       -
        //   (0,4) d2.5: 0-1-2-4, 0-3-2-4, 0-2-4   2: 1, 1: 1/3, 3: 1/3
        //   (1,2) d1 direct (1-0-2 is 3)          -
        //   (1,3) d2: 1-0-3, 1-2-3 (σ=2)          0: 1/2, 2: 1/2
        //   (1,4) d1.5: 1-2-4                     2: 1
        //   (2,3) d1, (2,4) d0.5 direct           -
        //   (3,4) d1.5: 3-2-4                     2: 1
        // Sums: 0: 1/2, 1: 2/3, 2: 7/2, 3: 2/3, 4: 0; times 2/((n-1)(n-2)) = 1/6.
        let adjacency = graph(
            5,
            &[
                (0, 1, 1.0),
                (1, 2, 1.0),
                (0, 3, 1.0),
                (3, 2, 1.0),
                (0, 2, 0.5),
                (2, 4, 2.0),
            ],
        );
        let expected = [1.0 / 12.0, 1.0 / 9.0, 7.0 / 12.0, 1.0 / 9.0, 0.0];
        assert_close(&Brandes::new().betweenness(&adjacency, 1), &expected);
        assert_close(&brute_force(&adjacency), &expected);
    }

    #[test]
    fn strong_detour_beats_weak_direct_edge() {
        // 0-2 is weak (w 0.25, distance 4); 0-1-2 is strong (w 2 each, distance 1): node 1 carries (0,2).
        // n = 3: one unordered pair times 2/(2·1) = 1.
        let adjacency = graph(3, &[(0, 2, 0.25), (0, 1, 2.0), (1, 2, 2.0)]);
        assert_close(&Brandes::new().betweenness(&adjacency, 1), &[0.0, 1.0, 0.0]);
    }

    #[test]
    fn disconnected_components_and_isolated_nodes() {
        // Paths 0-1-2 and 3-4-5, node 6 isolated; n = 7. Node 1 carries (0,2), node 4 carries (3,5):
        // 1 · 2/(6·5) = 1/15 each. Unreachable pairs add nothing.
        let adjacency = graph(7, &[(0, 1, 1.0), (1, 2, 4.0), (3, 4, 0.5), (4, 5, 2.0)]);
        let expected = [0.0, 1.0 / 15.0, 0.0, 0.0, 1.0 / 15.0, 0.0, 0.0];
        for threads in [1, 2, 3] {
            assert_close(&Brandes::new().betweenness(&adjacency, threads), &expected);
        }
        let isolated = graph(4, &[]);
        assert_eq!(Brandes::new().betweenness(&isolated, 2), vec![0.0; 4]);
    }

    #[test]
    fn tiny_graphs_are_all_zero() {
        let mut brandes = Brandes::new();
        assert_eq!(brandes.betweenness(&[], 1), Vec::<f64>::new());
        assert_eq!(brandes.betweenness(&graph(1, &[]), 4), vec![0.0]);
        assert_eq!(
            brandes.betweenness(&graph(2, &[(0, 1, 1.0)]), 2),
            vec![0.0, 0.0]
        );
    }

    #[test]
    fn thread_count_never_changes_a_bit() {
        let mut brandes = Brandes::new();
        // Continuous-ish weights (few ties), unit weights (many ties), and n below the chunk count.
        let graphs = [
            random_graph(300, 1500, 7, &[0.05, 0.13, 0.31, 0.5, 0.77, 0.9, 1.0]),
            random_graph(200, 800, 11, &[1.0]),
            random_graph(20, 40, 3, &[0.3, 1.0, 2.5]),
        ];
        for adjacency in &graphs {
            let bits =
                |values: Vec<f64>| values.into_iter().map(f64::to_bits).collect::<Vec<u64>>();
            let reference = bits(brandes.betweenness(adjacency, 1));
            for threads in [2, 3, 8] {
                assert_eq!(
                    bits(brandes.betweenness(adjacency, threads)),
                    reference,
                    "threads = {threads}"
                );
            }
            // A fresh instance agrees with the reused one: the buffers carry no state between calls.
            assert_eq!(bits(Brandes::new().betweenness(adjacency, 1)), reference);
        }
    }

    #[test]
    fn buffers_survive_a_change_of_graph_size() {
        let mut brandes = Brandes::new();
        let large = random_graph(120, 400, 5, &[0.5, 1.0, 2.0, 4.0]);
        let small = random_graph(9, 14, 6, &[0.5, 1.0, 2.0, 4.0]);
        assert_close(&brandes.betweenness(&large, 3), &brute_force(&large));
        assert_close(&brandes.betweenness(&small, 3), &brute_force(&small));
        assert_close(&brandes.betweenness(&large, 1), &brute_force(&large));
    }

    #[test]
    #[should_panic(expected = "missing from")]
    fn one_sided_edge_is_rejected() {
        let adjacency = vec![vec![(1, 1.0)], vec![], vec![]];
        Brandes::new().betweenness(&adjacency, 1);
    }

    #[test]
    #[should_panic(expected = "finite positive")]
    fn zero_weight_is_rejected() {
        let adjacency = graph(3, &[(0, 1, 0.0)]);
        Brandes::new().betweenness(&adjacency, 1);
    }

    /// Graphs of up to 9 nodes with weights in {1, 2, 4, 0.5}: every sum of distances is exact.
    fn small_weighted_graph() -> impl Strategy<Value = Vec<Vec<(u32, f64)>>> {
        (
            0usize..=9,
            0u8..=4,
            prop::collection::vec((0u8..4, 0usize..4), 36),
        )
            .prop_map(|(node_count, density, draws)| {
                const WEIGHTS: [f64; 4] = [1.0, 2.0, 4.0, 0.5];
                let mut edges = Vec::new();
                let mut draw = draws.iter();
                for a in 0..node_count as u32 {
                    for b in a + 1..node_count as u32 {
                        // density 0..=4 keeps an edge with probability density / 4.
                        let &(presence, weight) = draw.next().unwrap_or(&(0, 0));
                        if presence < density {
                            edges.push((a, b, WEIGHTS[weight]));
                        }
                    }
                }
                graph(node_count, &edges)
            })
    }

    proptest! {
        #[test]
        fn matches_brute_force_on_small_graphs(adjacency in small_weighted_graph(), threads in 1usize..4) {
            let result = Brandes::new().betweenness(&adjacency, threads);
            assert_close(&result, &brute_force(&adjacency));
        }
    }
}
