//! Bounded measurements. Every buffer here has a fixed capacity, so a run of any length
//! uses the same memory.

use crate::time::Micros;
use std::collections::VecDeque;

/// A ring buffer that forgets its oldest entry when full.
#[derive(Clone, Debug)]
pub struct Ring<T> {
    buf: VecDeque<T>,
    cap: usize,
}

impl<T> Ring<T> {
    pub fn new(cap: usize) -> Self {
        assert!(cap > 0, "a ring needs room for one entry");
        Ring { buf: VecDeque::with_capacity(cap.min(4096)), cap }
    }
    pub fn push(&mut self, v: T) {
        if self.buf.len() == self.cap {
            self.buf.pop_front();
        }
        self.buf.push_back(v);
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.buf.iter()
    }
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    pub fn last(&self) -> Option<&T> {
        self.buf.back()
    }
    pub fn capacity(&self) -> usize {
        self.cap
    }
}

/// The nearest-rank percentile of `values` (sorted in place). `p` in 0..=100.
pub fn percentile(values: &mut [Micros], p: f64) -> Option<Micros> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    Some(values[rank.clamp(1, values.len()) - 1])
}

/// p50, p95 and p99 of one set of durations.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Percentiles {
    pub p50_us: Micros,
    pub p95_us: Micros,
    pub p99_us: Micros,
    pub count: usize,
}

impl Percentiles {
    pub fn of(mut values: Vec<Micros>) -> Percentiles {
        let count = values.len();
        Percentiles {
            p50_us: percentile(&mut values, 50.0).unwrap_or(0),
            p95_us: percentile(&mut values, 95.0).unwrap_or(0),
            p99_us: percentile(&mut values, 99.0).unwrap_or(0),
            count,
        }
    }
}

/// How stale a read model is: the spread of the delay between a write (the event published)
/// and the read model showing it (the event processed). A read within this window after a
/// write may still show the state from before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct StaleWindow {
    pub p50_us: Micros,
    pub p95_us: Micros,
    pub max_us: Micros,
    /// How many delays it was computed from (0: nothing processed yet, every field 0).
    pub count: usize,
}

impl StaleWindow {
    pub fn of(mut values: Vec<Micros>) -> StaleWindow {
        StaleWindow {
            p50_us: percentile(&mut values, 50.0).unwrap_or(0),
            p95_us: percentile(&mut values, 95.0).unwrap_or(0),
            max_us: values.iter().copied().max().unwrap_or(0),
            count: values.len(),
        }
    }
}

/// One checkout as the shopper saw it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckoutSample {
    pub order: u64,
    pub done_us: Micros,
    pub latency_us: Micros,
    pub ok: bool,
    /// Messages the Order Service sent for this order, not counting its answer to the shopper.
    pub outgoing: u16,
}

/// A value sampled at a moment of the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub at_us: Micros,
    pub value: u64,
}

/// How many checkout samples are kept for percentiles and the chart.
pub const CHECKOUT_SAMPLES: usize = 4096;
/// How many lag samples are kept per subscriber (a minute at the default interval).
pub const LAG_SAMPLES: usize = 240;
/// How many publish-to-processed delays are kept per subscriber.
pub const DELAY_SAMPLES: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_forgets_oldest() {
        let mut r = Ring::new(3);
        for i in 0..5 {
            r.push(i);
        }
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn a_stale_window_spans_p50_p95_and_the_worst_delay() {
        let w = StaleWindow::of((1..=100).rev().collect());
        assert_eq!((w.p50_us, w.p95_us, w.max_us, w.count), (50, 95, 100, 100));
        assert_eq!(StaleWindow::of(Vec::new()), StaleWindow::default());
    }

    #[test]
    fn nearest_rank_percentiles() {
        let mut v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&mut v, 50.0), Some(50));
        assert_eq!(percentile(&mut v, 95.0), Some(95));
        assert_eq!(percentile(&mut v, 99.0), Some(99));
        assert_eq!(percentile(&mut v, 100.0), Some(100));
        assert_eq!(percentile(&mut [], 50.0), None);
        assert_eq!(percentile(&mut [7], 99.0), Some(7));
    }
}
