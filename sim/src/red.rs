//! Rate, errors and duration (RED) of one service, over a sliding window: what a dashboard
//! beside the lag shows of each service. A piece of work counts when it ends; its duration is
//! from the moment the service was handed it (so the time it waited in the queue counts) to
//! its end. A piece of work refused at the door (the service down, or its queue full) counts
//! as an error with no duration.
//!
//! Kept as Prometheus keeps a histogram: each sample interval is a bin of counts, with the
//! durations in buckets that grow by a quarter each (from 1 ms to about 70 s), and the
//! percentiles are read from the buckets of the bins in the window, interpolated inside the
//! bucket they fall in. A piece of work costs one increment, a sample a few thousand additions,
//! whatever the rate, and a percentile is within a bucket's width (a quarter) of the exact one.

use crate::metrics::{Ring, LAG_SAMPLES};
use crate::time::{Micros, MS, SEC};

/// The window each figure is computed over.
pub const RED_WINDOW_US: Micros = 10 * SEC;
/// Duration buckets: the first holds up to 1 ms, each next one a quarter more.
pub const BUCKETS: usize = 52;

/// The upper bounds of the buckets, in microseconds: 1 ms, then a quarter more each (in whole
/// microseconds, computed once at compile time, so that placing a duration is a binary search
/// and no floating point).
const BOUNDS: [Micros; BUCKETS] = {
    let mut b = [0; BUCKETS];
    b[0] = MS;
    let mut k = 1;
    while k < BUCKETS {
        b[k] = b[k - 1] * 5 / 4;
        k += 1;
    }
    b
};

/// The upper bound of bucket `k`, in microseconds.
pub fn bucket_bound_us(k: usize) -> Micros {
    BOUNDS[k]
}

fn bucket_of(us: Micros) -> usize {
    BOUNDS.partition_point(|&b| b < us).min(BUCKETS - 1)
}

/// The counts of one sample interval.
#[derive(Clone, Debug, PartialEq)]
struct Bin {
    /// When the interval ended (the sample that closed it).
    end_us: Micros,
    ended: u64,
    errors: u64,
    durations: [u32; BUCKETS],
}

impl Bin {
    fn new() -> Bin {
        Bin { end_us: 0, ended: 0, errors: 0, durations: [0; BUCKETS] }
    }
}

/// The figures at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct RedPoint {
    pub at_us: Micros,
    /// Pieces of work ended per second, errors included.
    pub rate: f64,
    /// Errors per second.
    pub errors: f64,
    /// Errors as a share of the work ended (0 when nothing ended).
    pub error_share: f64,
    pub p50_us: Option<Micros>,
    pub p95_us: Option<Micros>,
    pub p99_us: Option<Micros>,
}

#[derive(Clone, Debug)]
pub struct Red {
    /// The interval in progress.
    open: Bin,
    /// Closed intervals that ended inside the window, oldest first (older ones are dropped at
    /// each sample, so a copy of a run holds about 40 of them).
    bins: std::collections::VecDeque<Bin>,
    /// One point per sample, for the charts.
    pub series: Ring<RedPoint>,
}

impl Default for Red {
    fn default() -> Self {
        Red { open: Bin::new(), bins: std::collections::VecDeque::new(), series: Ring::new(LAG_SAMPLES) }
    }
}

impl Red {
    /// A piece of work ended after `duration_us`.
    pub fn ended(&mut self, _at_us: Micros, duration_us: Micros, ok: bool) {
        self.open.ended += 1;
        self.open.errors += !ok as u64;
        self.open.durations[bucket_of(duration_us)] += 1;
    }

    /// A piece of work was refused at the door.
    pub fn refused(&mut self, _at_us: Micros) {
        self.open.ended += 1;
        self.open.errors += 1;
    }

    /// Closes the interval at `now` and keeps the figures over the window that ends there.
    pub fn sample(&mut self, now: Micros) -> RedPoint {
        let closed = std::mem::replace(&mut self.open, Bin::new());
        self.bins.push_back(Bin { end_us: now, ..closed });
        let from = now.saturating_sub(RED_WINDOW_US);
        while self.bins.front().is_some_and(|b| b.end_us <= from) {
            self.bins.pop_front();
        }
        let p = self.at(now);
        self.series.push(p);
        p
    }

    /// The figures over the window that ends at `now`: the closed intervals that ended inside
    /// it, and the one in progress.
    pub fn at(&self, now: Micros) -> RedPoint {
        let from = now.saturating_sub(RED_WINDOW_US);
        let mut ended = self.open.ended;
        let mut errors = self.open.errors;
        let mut durations = self.open.durations;
        for b in self.bins.iter().rev().take_while(|b| b.end_us > from) {
            ended += b.ended;
            errors += b.errors;
            for (d, n) in durations.iter_mut().zip(b.durations.iter()) {
                *d += n;
            }
        }
        let window_s = (now - from).max(1) as f64 / SEC as f64;
        RedPoint {
            at_us: now,
            rate: ended as f64 / window_s,
            errors: errors as f64 / window_s,
            error_share: if ended == 0 { 0.0 } else { errors as f64 / ended as f64 },
            p50_us: quantile(&durations, 0.50),
            p95_us: quantile(&durations, 0.95),
            p99_us: quantile(&durations, 0.99),
        }
    }
}

/// The `q` quantile of a histogram, interpolated inside its bucket as Prometheus's
/// `histogram_quantile` does; `None` with nothing in it.
pub fn quantile(durations: &[u32; BUCKETS], q: f64) -> Option<Micros> {
    let total: u64 = durations.iter().map(|&n| n as u64).sum();
    if total == 0 {
        return None;
    }
    let rank = q * total as f64;
    let mut below = 0u64;
    for (k, &n) in durations.iter().enumerate() {
        let upto = below + n as u64;
        if n > 0 && upto as f64 >= rank {
            let lo = if k == 0 { 0 } else { bucket_bound_us(k - 1) };
            let hi = bucket_bound_us(k);
            let into = ((rank - below as f64) / n as f64).clamp(0.0, 1.0);
            return Some(lo + ((hi - lo) as f64 * into).round() as Micros);
        }
        below = upto;
    }
    Some(bucket_bound_us(BUCKETS - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_grow_by_a_quarter_and_hold_their_bounds() {
        assert_eq!(bucket_bound_us(0), MS);
        assert!(bucket_bound_us(BUCKETS - 1) > 60 * SEC);
        for k in 1..BUCKETS {
            let (lo, hi) = (bucket_bound_us(k - 1), bucket_bound_us(k));
            assert_eq!(bucket_of(hi), k, "{hi}");
            assert_eq!(bucket_of(lo + 1), k, "{lo}");
        }
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(3600 * SEC), BUCKETS - 1);
    }

    #[test]
    fn the_window_forgets_what_ended_before_it() {
        let mut r = Red::default();
        // One piece a second for 20 s, one in four failing, sampled every second.
        for k in 1..=20 {
            r.ended(k * SEC, 100 * MS, k % 4 != 0);
            r.sample(k * SEC);
        }
        let p = r.at(20 * SEC);
        // The window (10 s, 20 s] holds the pieces of 11 to 20: ten, three of them failed
        // (12, 16 and 20).
        assert_eq!(p.rate, 1.0);
        assert!((p.error_share - 0.3).abs() < 1e-9);
        let within = |v: Option<Micros>| v.is_some_and(|us| us > 80 * MS && us <= 100 * MS + 25 * MS);
        assert!(within(p.p99_us), "{p:?}");
    }

    #[test]
    fn refusals_are_errors_without_a_duration() {
        let mut r = Red::default();
        r.refused(11 * SEC);
        r.refused(12 * SEC);
        let p = r.sample(13 * SEC);
        assert_eq!((p.errors, p.error_share, p.p50_us), (0.2, 1.0, None));
        assert_eq!(r.series.len(), 1);
    }

    #[test]
    fn percentiles_follow_the_slow_tail_within_a_bucket() {
        let mut r = Red::default();
        for k in 0..100 {
            r.ended(SEC + k * MS, if k < 95 { 10 * MS } else { 900 * MS }, true);
        }
        let p = r.sample(2 * SEC);
        let near = |v: Option<Micros>, want: Micros| {
            v.is_some_and(|us| us as f64 >= want as f64 * 0.8 && us as f64 <= want as f64 * 1.25)
        };
        assert!(near(p.p50_us, 10 * MS), "{p:?}");
        assert!(near(p.p99_us, 900 * MS), "{p:?}");
    }

    /// Against the exact nearest-rank percentile of the same durations: never off by more
    /// than a bucket's width.
    #[test]
    fn histogram_quantiles_stay_within_a_bucket_of_the_exact_ones() {
        let mut durations = [0u32; BUCKETS];
        let mut all: Vec<Micros> = (0..5000u64).map(|k| (k * 7919 % 3000 + 5) * MS / 3).collect();
        for &d in &all {
            durations[bucket_of(d)] += 1;
        }
        for q in [0.5, 0.95, 0.99] {
            let exact = crate::metrics::percentile(&mut all, q * 100.0).unwrap() as f64;
            let est = quantile(&durations, q).unwrap() as f64;
            assert!(est >= exact / 1.25 && est <= exact * 1.25, "q {q}: {est} against {exact}");
        }
    }
}
