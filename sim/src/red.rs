//! Rate, errors and duration (RED) of one service, over a sliding window: what a dashboard
//! beside the lag shows of each service. A piece of work counts when it ends; its duration is
//! from the moment the service was handed it (so the time it waited in the queue counts) to
//! its end. A piece of work refused at the door (the service down, or its queue full) counts
//! as an error with no duration.

use crate::metrics::{percentile, Ring, LAG_SAMPLES};
use crate::time::{Micros, SEC};

/// The window each figure is computed over.
pub const RED_WINDOW_US: Micros = 10 * SEC;
/// Pieces of work remembered per service: enough for the window at the busiest rates.
const KEPT: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Ended {
    at_us: Micros,
    /// `None`: refused at the door.
    duration_us: Option<Micros>,
    ok: bool,
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
    ended: Ring<Ended>,
    /// One point per sample, for the charts.
    pub series: Ring<RedPoint>,
}

impl Default for Red {
    fn default() -> Self {
        Red { ended: Ring::new(KEPT), series: Ring::new(LAG_SAMPLES) }
    }
}

impl Red {
    /// A piece of work ended at `at_us` after `duration_us`.
    pub fn ended(&mut self, at_us: Micros, duration_us: Micros, ok: bool) {
        self.ended.push(Ended { at_us, duration_us: Some(duration_us), ok });
    }

    /// A piece of work was refused at the door.
    pub fn refused(&mut self, at_us: Micros) {
        self.ended.push(Ended { at_us, duration_us: None, ok: false });
    }

    /// The figures over the window that ends at `now`, kept in the series.
    pub fn sample(&mut self, now: Micros) -> RedPoint {
        let p = self.at(now);
        self.series.push(p);
        p
    }

    /// The figures over the window that ends at `now`.
    pub fn at(&self, now: Micros) -> RedPoint {
        let from = now.saturating_sub(RED_WINDOW_US);
        let recent = self.ended.iter().rev().take_while(|e| e.at_us > from);
        let (mut n, mut bad) = (0u64, 0u64);
        let mut durations: Vec<Micros> = Vec::new();
        for e in recent {
            n += 1;
            bad += !e.ok as u64;
            durations.extend(e.duration_us);
        }
        let window_s = (now - from).max(1) as f64 / SEC as f64;
        RedPoint {
            at_us: now,
            rate: n as f64 / window_s,
            errors: bad as f64 / window_s,
            error_share: if n == 0 { 0.0 } else { bad as f64 / n as f64 },
            p50_us: percentile(&mut durations, 50.0),
            p95_us: percentile(&mut durations, 95.0),
            p99_us: percentile(&mut durations, 99.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS;

    #[test]
    fn the_window_forgets_what_ended_before_it() {
        let mut r = Red::default();
        for k in 0..20 {
            r.ended(k * SEC, 100 * MS, k % 4 != 0);
        }
        let p = r.at(20 * SEC);
        // Ten pieces ended in (10 s, 20 s]: 11..=19 plus... 11 to 19 is nine, with 20 s itself absent.
        assert_eq!(p.rate, 0.9);
        assert_eq!(p.p99_us, Some(100 * MS));
        // 12 and 16 failed.
        assert!((p.error_share - 2.0 / 9.0).abs() < 1e-9);
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
    fn percentiles_follow_the_slow_tail() {
        let mut r = Red::default();
        for k in 0..100 {
            r.ended(SEC + k * MS, if k < 95 { 10 * MS } else { 900 * MS }, true);
        }
        let p = r.at(2 * SEC);
        assert_eq!(p.p50_us, Some(10 * MS));
        assert_eq!(p.p99_us, Some(900 * MS));
    }
}
