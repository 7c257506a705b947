//! The seeded ChaCha tree: one root seed, one independent stream per named subsystem.
//!
//! A stream's seed is sha256(root seed, stream name), so adding a subsystem (a new name) never
//! changes the draws of another. Nothing else in the engine creates randomness.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

/// The root of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RngTree {
    seed: u64,
}

impl RngTree {
    /// A tree rooted at `seed`.
    pub fn new(seed: u64) -> RngTree {
        RngTree { seed }
    }

    /// The root seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The stream of the subsystem `name`.
    pub fn stream(&self, name: &str) -> ChaCha8Rng {
        let mut hasher = Sha256::new();
        hasher.update(b"orgforge-rng-v1\0");
        hasher.update(self.seed.to_le_bytes());
        hasher.update(name.as_bytes());
        let digest: [u8; 32] = hasher.finalize().into();
        ChaCha8Rng::from_seed(digest)
    }
}

/// Small helpers over a stream, so call sites read as decisions.
pub trait Draw {
    /// True with probability `p` (clamped to [0, 1]).
    fn chance(&mut self, p: f64) -> bool;
    /// A uniform float in [low, high).
    fn uniform(&mut self, low: f64, high: f64) -> f64;
    /// A uniform integer in [low, high] (inclusive).
    fn between(&mut self, low: u32, high: u32) -> u32;
    /// A uniform index below `len` (`len` > 0).
    fn index(&mut self, len: usize) -> usize;
    /// An index drawn with probability proportional to `weights` (None when all are zero).
    fn weighted(&mut self, weights: &[f64]) -> Option<usize>;
}

impl Draw for ChaCha8Rng {
    fn chance(&mut self, p: f64) -> bool {
        use rand::RngExt;
        self.random::<f64>() < p.clamp(0.0, 1.0)
    }

    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        use rand::RngExt;
        if high <= low {
            return low;
        }
        low + (high - low) * self.random::<f64>()
    }

    fn between(&mut self, low: u32, high: u32) -> u32 {
        use rand::RngExt;
        if high <= low {
            return low;
        }
        self.random_range(low..=high)
    }

    fn index(&mut self, len: usize) -> usize {
        use rand::RngExt;
        if len <= 1 {
            return 0;
        }
        self.random_range(0..len)
    }

    fn weighted(&mut self, weights: &[f64]) -> Option<usize> {
        let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
        if total <= 0.0 {
            return None;
        }
        let mut target = self.uniform(0.0, total);
        for (i, w) in weights.iter().enumerate() {
            if *w <= 0.0 {
                continue;
            }
            if target < *w {
                return Some(i);
            }
            target -= *w;
        }
        weights.iter().rposition(|w| *w > 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn chacha_golden_value() {
        // Guards against a silent change of the generator between crate versions.
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        let draws: Vec<u32> = (0..5).map(|_| rng.random_range(0..100)).collect();
        assert_eq!(draws, [22, 68, 14, 95, 77]);
    }

    #[test]
    fn streams_are_independent_and_stable() {
        let tree = RngTree::new(7);
        let mut a1 = tree.stream("work");
        let mut a2 = tree.stream("work");
        let mut b = tree.stream("graph");
        let x: Vec<u64> = (0..4).map(|_| a1.random()).collect();
        let y: Vec<u64> = (0..4).map(|_| a2.random()).collect();
        let z: Vec<u64> = (0..4).map(|_| b.random()).collect();
        assert_eq!(x, y);
        assert_ne!(x, z);
        assert_ne!(RngTree::new(8).stream("work").random::<u64>(), x[0]);
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let mut rng = RngTree::new(1).stream("t");
        for _ in 0..200 {
            let i = rng.weighted(&[0.0, 1.0, 0.0, 3.0]);
            assert!(matches!(i, Some(1) | Some(3)));
        }
        assert_eq!(rng.weighted(&[0.0, 0.0]), None);
    }
}
