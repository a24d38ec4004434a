//! A service as a worker pool: a concurrency limit, a queue in front of it, and the
//! bookkeeping for how busy it has been.

use crate::message::{MessageType, Node};
use crate::red::Red;
use crate::rng::{Keyed, Stream};
use crate::time::Micros;
use std::collections::{BTreeMap, VecDeque};

/// The key a job's duration is drawn with: what the job is, and for which order.
impl Job {
    pub fn key(&self) -> [u64; 3] {
        match *self {
            Job::Save { order } => [1, order, 0],
            Job::Call { order, call, .. } => [2, order, call as u64],
            Job::Work { event, order, .. } => [3, order, event],
            Job::Saga { order, mtype } => [4, order, mtype.0 as u64],
        }
    }
}

/// One piece of work a service does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Order Service: save the order.
    Save { order: u64 },
    /// A downstream service handling a request-driven call from `caller` (the entry service,
    /// or a service whose reaction this one follows), as if it handled `mtype`.
    Call { order: u64, call: u32, mtype: MessageType, caller: Node },
    /// A subscriber handling one delivered event or command (`delivery` is the broker's
    /// delivery ID).
    /// `schema`: the version the event was written with (0: its type has no schema).
    Work { event: u64, order: u64, published_us: Micros, delivery: u32, mtype: MessageType, schema: u16 },
    /// A saga's participant (or orchestrator) handling one of its messages.
    Saga { order: u64, mtype: MessageType },
}

/// A job being worked on, and when the service was handed it (its duration counts from then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Running {
    pub job: Job,
    pub handed_us: Micros,
}

/// Weight of the newest interval in the busy-share moving average.
pub const BUSY_SMOOTHING: f64 = 0.2;

#[derive(Clone, Debug)]
pub struct Service {
    pub waiting: VecDeque<Job>,
    /// When each waiting job was handed over, beside `waiting`: its duration counts from then.
    pub handed: VecDeque<Micros>,
    /// Rate, errors and duration over the last seconds.
    pub red: Red,
    /// Jobs being worked on, by job id. A BTreeMap so that a crash drops them in a fixed order.
    pub running: BTreeMap<u64, Running>,
    pub processed: u64,
    pub failed: u64,
    pub refused: u64,
    /// Sum over time of jobs running, in job-microseconds.
    busy_us: u128,
    busy_since_us: Micros,
    busy_at_last_sample: u128,
    /// Share of its capacity the service used lately, 0 to 1: a moving average over sample
    /// intervals, so that the number can be read while it changes.
    pub busy_share: f64,
    /// How long each job takes, keyed by the job, so an order's work is the same in every run of a seed.
    pub rng_work: Keyed,
    pub rng_errors: Stream,
}

impl Service {
    pub fn new(seed: u64, key: &str) -> Self {
        Service {
            waiting: VecDeque::new(),
            handed: VecDeque::new(),
            red: Red::default(),
            running: BTreeMap::new(),
            processed: 0,
            failed: 0,
            refused: 0,
            busy_us: 0,
            busy_since_us: 0,
            busy_at_last_sample: 0,
            busy_share: 0.0,
            rng_work: Keyed::derive(seed, &format!("work:{key}")),
            rng_errors: Stream::derive(seed, &format!("errors:{key}")),
        }
    }

    /// Brings the busy-time integral up to `now`; call before `running` changes.
    pub fn account(&mut self, now: Micros) {
        self.busy_us += self.running.len() as u128 * (now - self.busy_since_us) as u128;
        self.busy_since_us = now;
    }

    /// Closes a sample interval and updates `busy_share`.
    pub fn sample(&mut self, now: Micros, interval_us: Micros, concurrency: u32) {
        self.account(now);
        let used = self.busy_us - self.busy_at_last_sample;
        self.busy_at_last_sample = self.busy_us;
        let capacity = interval_us as u128 * concurrency as u128;
        let share = if capacity == 0 { 0.0 } else { (used as f64 / capacity as f64).min(1.0) };
        self.busy_share += BUSY_SMOOTHING * (share - self.busy_share);
    }

    pub fn queue_depth(&self) -> usize {
        self.waiting.len()
    }

    /// Every job it holds, running first, then waiting.
    pub fn jobs(&self) -> impl Iterator<Item = &Job> {
        self.running.values().map(|r| &r.job).chain(self.waiting.iter())
    }

    pub fn in_progress(&self) -> usize {
        self.running.len()
    }

    /// All jobs the service holds, queued or running, in a fixed order.
    pub fn drain_all(&mut self, now: Micros) -> Vec<Job> {
        self.account(now);
        let mut jobs: Vec<Job> = std::mem::take(&mut self.running).into_values().map(|r| r.job).collect();
        jobs.extend(self.waiting.drain(..));
        self.handed.clear();
        jobs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_share_averages_the_used_fraction_of_capacity() {
        let mut s = Service::new(1, "x");
        s.account(0);
        s.running.insert(1, Running { job: Job::Save { order: 1 }, handed_us: 0 });
        s.account(500);
        s.running.clear();
        s.sample(1000, 1000, 2);
        // A quarter of the capacity was used in the first interval.
        assert!((s.busy_share - 0.25 * BUSY_SMOOTHING).abs() < 1e-9, "{}", s.busy_share);
        // Fully busy from then on: the average converges to 1.
        s.running.insert(2, Running { job: Job::Save { order: 2 }, handed_us: 0 });
        s.running.insert(3, Running { job: Job::Save { order: 3 }, handed_us: 0 });
        for k in 2..60 {
            s.sample(k * 1000, 1000, 2);
        }
        assert!(s.busy_share > 0.99, "{}", s.busy_share);
    }
}
