//! Randomness that replays: one seed, split into named streams, each a PCG generator.
//!
//! Every consumer of randomness (arrivals, the network, each service) draws from its own
//! stream, so adding a subscriber does not shift the arrival times of orders. Maths goes
//! through `libm` so that WebAssembly and native builds round identically.

use crate::time::Micros;
use rand::{Rng as _, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// The named, portable generator every stream uses.
pub type Generator = Pcg64Mcg;

/// SplitMix64 finaliser: spreads a 64-bit value into a well-mixed one.
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// FNV-1a of a stream name; stable across platforms and compiler versions.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// One stream of random numbers derived from the run's seed and a stream name.
#[derive(Clone, Debug)]
pub struct Stream(Generator);

impl Stream {
    pub fn derive(seed: u64, name: &str) -> Self {
        Stream(Generator::seed_from_u64(splitmix64(seed ^ splitmix64(name_hash(name)))))
    }

    /// Uniform in [0, 1), from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p` (clamped to 0..=1).
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// An exponentially distributed duration with the given mean.
    pub fn exp_us(&mut self, mean_us: f64) -> Micros {
        exp_at(self.unit(), mean_us)
    }

    pub fn sample(&mut self, dist: &Dist) -> Micros {
        dist.at(self.unit())
    }
}

/// The inverse of the exponential distribution's CDF at `u` in [0, 1).
fn exp_at(u: f64, mean_us: f64) -> Micros {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    (-libm::log(1.0 - u) * mean_us) as Micros
}

/// Randomness addressed by a key instead of drawn in sequence: the same key always gives
/// the same value. Used for what belongs to one order (a hop's latency, a job's duration),
/// so that one seed gives every order the same network and the same work whatever else
/// changes (the wiring, a fault, the order in which things happen). That makes two runs
/// with the same seed a controlled experiment: only what the student changed differs.
#[derive(Clone, Copy, Debug)]
pub struct Keyed(u64);

impl Keyed {
    pub fn derive(seed: u64, name: &str) -> Self {
        Keyed(splitmix64(seed ^ splitmix64(name_hash(name))))
    }

    /// Uniform in [0, 1), fixed for `key`.
    pub fn unit(&self, key: [u64; 3]) -> f64 {
        let h = key.iter().fold(self.0, |h, &k| splitmix64(h ^ k));
        (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub fn sample(&self, dist: &Dist, key: [u64; 3]) -> Micros {
        dist.at(self.unit(key))
    }
}

/// A distribution of durations, as data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Dist {
    Fixed {
        us: Micros,
    },
    Uniform {
        min_us: Micros,
        max_us: Micros,
    },
    /// A floor plus an exponential tail: most work is quick, some is slow.
    ShiftedExp {
        min_us: Micros,
        mean_extra_us: Micros,
    },
}

impl Dist {
    /// The duration at quantile `u` in [0, 1).
    pub fn at(&self, u: f64) -> Micros {
        match *self {
            Dist::Fixed { us } => us,
            Dist::Uniform { min_us, max_us } => min_us + (u * max_us.saturating_sub(min_us) as f64) as Micros,
            Dist::ShiftedExp { min_us, mean_extra_us } => min_us + exp_at(u, mean_extra_us as f64),
        }
    }

    pub fn mean_us(&self) -> Micros {
        match *self {
            Dist::Fixed { us } => us,
            Dist::Uniform { min_us, max_us } => (min_us + max_us) / 2,
            Dist::ShiftedExp { min_us, mean_extra_us } => min_us + mean_extra_us,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_with_the_same_name_and_seed_agree() {
        let mut a = Stream::derive(7, "arrivals");
        let mut b = Stream::derive(7, "arrivals");
        for _ in 0..100 {
            assert_eq!(a.unit().to_bits(), b.unit().to_bits());
        }
    }

    #[test]
    fn streams_with_different_names_differ() {
        let mut a = Stream::derive(7, "arrivals");
        let mut b = Stream::derive(7, "network");
        assert_ne!(a.unit().to_bits(), b.unit().to_bits());
    }

    #[test]
    fn pinned_first_draws_never_change() {
        // If this fails, every saved run and shared link would replay differently.
        let mut s = Stream::derive(42, "arrivals");
        let first: Vec<u64> = (0..3).map(|_| s.exp_us(1_000_000.0)).collect();
        assert_eq!(first, PINNED);
    }
    const PINNED: [u64; 3] = [227_983, 199_988, 2_651_188];

    #[test]
    fn keyed_values_depend_on_the_key_alone() {
        let k = Keyed::derive(5, "network");
        assert_eq!(k.unit([1, 2, 3]).to_bits(), k.unit([1, 2, 3]).to_bits());
        assert_ne!(k.unit([1, 2, 3]).to_bits(), k.unit([1, 2, 4]).to_bits());
        assert_ne!(k.unit([1, 2, 3]).to_bits(), Keyed::derive(6, "network").unit([1, 2, 3]).to_bits());
        let n = 20_000;
        let mean = (0..n)
            .map(|i| k.sample(&Dist::ShiftedExp { min_us: 0, mean_extra_us: 1000 }, [i, 0, 0]))
            .sum::<u64>() as f64
            / n as f64;
        assert!((mean - 1000.0).abs() < 40.0, "mean {mean}");
    }

    #[test]
    fn exponential_mean_is_close() {
        let mut s = Stream::derive(1, "x");
        let n = 20_000;
        let total: u64 = (0..n).map(|_| s.exp_us(1000.0)).sum();
        let mean = total as f64 / n as f64;
        assert!((mean - 1000.0).abs() < 40.0, "mean {mean}");
    }

    #[test]
    fn uniform_stays_in_range() {
        let mut s = Stream::derive(3, "u");
        for _ in 0..1000 {
            let v = s.sample(&Dist::Uniform { min_us: 10, max_us: 20 });
            assert!((10..=20).contains(&v));
        }
    }
}
