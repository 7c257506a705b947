//! Weighted betweenness (SPEC §3.3) on random sparse graphs of 50, 200 and 1,000 people with ten edges
//! per person, with 1 and 2 worker threads.
//!
//! Envelope: Brandes costs n Dijkstra runs, O(n·(m + n log n)). At n = 1,000 and m = 10,000 that is
//! 1,000 sources × (20,000 edge halves scanned twice + ~3,000 heap operations) ≈ 50M simple steps, a
//! few tens of ms on one core. The engine recomputes it daily for 260 days on 2 cores within a 60 s
//! budget for the whole run, so the target is ≤ 40 ms per call at n = 1,000 with 2 threads.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use orgforge_engine::centrality::Brandes;

/// A fixed-seed generator (SplitMix64), so every run measures the same graphs.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A weight in [0.05, 1.0), like a tie between w_floor and w_max.
    fn weight(&mut self) -> f64 {
        0.05 + 0.95 * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A connected random graph: a random spanning tree plus random extra edges, `10 · n` edges in all.
fn random_graph(node_count: usize, seed: u64) -> Vec<Vec<(u32, f64)>> {
    let mut rng = SplitMix(seed);
    let edge_count = (10 * node_count).min(node_count * (node_count - 1) / 2);
    let mut edges = std::collections::BTreeMap::new();
    for node in 1..node_count as u64 {
        let parent = rng.next() % node;
        let weight = rng.weight();
        edges.insert((parent as u32, node as u32), weight);
    }
    while edges.len() < edge_count {
        let a = (rng.next() % node_count as u64) as u32;
        let b = (rng.next() % node_count as u64) as u32;
        if a != b {
            let weight = rng.weight();
            edges.entry((a.min(b), a.max(b))).or_insert(weight);
        }
    }
    let mut adjacency = vec![Vec::new(); node_count];
    for ((a, b), weight) in edges {
        adjacency[a as usize].push((b, weight));
        adjacency[b as usize].push((a, weight));
    }
    for neighbours in &mut adjacency {
        neighbours.sort_by_key(|&(neighbour, _)| neighbour);
    }
    adjacency
}

fn betweenness(c: &mut Criterion) {
    let mut group = c.benchmark_group("betweenness");
    group.sample_size(20);
    for node_count in [50, 200, 1000] {
        let adjacency = random_graph(node_count, 42);
        for threads in [1, 2] {
            let mut brandes = Brandes::new();
            group.bench_with_input(
                BenchmarkId::new(format!("threads_{threads}"), node_count),
                &adjacency,
                |bencher, adjacency| {
                    bencher.iter(|| brandes.betweenness(black_box(adjacency), threads));
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, betweenness);
criterion_main!(benches);
