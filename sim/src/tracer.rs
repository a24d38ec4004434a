//! What tracing records while a run goes: every message sent and every job a service begins
//! and ends, in the order they happened. Spans are not built here: [`crate::trace`] builds an
//! order's spans from these hops when someone asks, so that a run pays for a few copies of
//! small records and nothing more.
//!
//! The record is kept in chunks of [`CHUNK`] hops. A full chunk never changes again and is
//! shared between copies of a run (the timeline keeps dozens), so a copy costs one chunk.
//! The oldest chunks are let go past [`CHUNKS_KEPT`]: orders from that far back have no trace.

use crate::message::{Message, Node};
use crate::service::Job;
use crate::subscription::FailureKind;
use crate::time::Micros;
use std::sync::Arc;

/// Orders per second the tracer keeps at most: above it, it keeps one order in `every`
/// (head sampling, decided when an order is placed, as a real tracer's sampler decides at the
/// root span and the `traceparent` flags carry the decision on).
pub const TRACED_PER_SECOND: f64 = 200.0;

/// From `from_order` on, one order in `every` is traced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sampling {
    pub from_order: u64,
    pub every: u64,
}

/// Hops per chunk.
pub const CHUNK: usize = 1024;
/// Chunks kept: about 128,000 hops, minutes of a busy checkout.
pub const CHUNKS_KEPT: usize = 128;

/// What a consumer did with the trace context of a message it got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Taken as the parent of its work: one trace.
    Carried,
    /// Not read: its work starts a new trace.
    Dropped,
    /// Not taken as the parent, but its work links to it: a new trace that points back.
    Linked,
}

/// How a job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Failed(FailureKind),
    /// The service crashed with the job in hand.
    Crashed,
}

/// One thing that happened to an order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hop {
    /// A message left (lost ones too: they say where the order's path stops).
    Sent { m: Message, context: Context },
    /// A service began a job, after waiting in its queue.
    Began { node: Node, job: Job, at_us: Micros },
    /// A service ended a job.
    Ended { node: Node, job: Job, at_us: Micros, outcome: Outcome },
    /// The broker gave up on an event for subscriber `service` and parked it.
    DeadLettered { service: u16, event: u64, order: u64, at_us: Micros },
}

impl Hop {
    pub fn order(&self) -> u64 {
        match self {
            Hop::Sent { m, .. } => m.order,
            Hop::Began { job, .. } | Hop::Ended { job, .. } => job_order(job),
            Hop::DeadLettered { order, .. } => *order,
        }
    }

    /// When it happened.
    pub fn at_us(&self) -> Micros {
        match self {
            Hop::Sent { m, .. } => m.sent_us(),
            Hop::Began { at_us, .. } | Hop::Ended { at_us, .. } | Hop::DeadLettered { at_us, .. } => *at_us,
        }
    }
}

pub(crate) fn job_order(job: &Job) -> u64 {
    match *job {
        Job::Save { order } | Job::Call { order, .. } | Job::Work { order, .. } | Job::Saga { order, .. } => order,
    }
}

/// A full chunk, with the range of orders it holds, so a search skips the rest.
#[derive(Debug)]
struct Chunk {
    hops: Vec<Hop>,
    lowest: u64,
    highest: u64,
}

/// The recorder.
#[derive(Clone, Debug)]
pub(crate) struct Tracer {
    pub on: bool,
    /// A consumer that drops the context links its new trace to the producer's.
    pub links: bool,
    full: Vec<Arc<Chunk>>,
    current: Vec<Hop>,
    /// How many chunks were let go: orders older than what is kept are reported as such.
    pub dropped_chunks: u64,
    /// The highest order of any chunk let go.
    pub forgotten_below: u64,
    /// Each change of the sampling ratio, by the first order it applies to.
    pub sampling: Vec<Sampling>,
    /// Trace every order whatever the rate (benchmarks, to measure the full cost).
    pub every_order: bool,
}

impl Default for Tracer {
    fn default() -> Self {
        Tracer {
            on: true,
            links: false,
            full: Vec::new(),
            current: Vec::with_capacity(CHUNK),
            dropped_chunks: 0,
            forgotten_below: 0,
            sampling: Vec::new(),
            every_order: false,
        }
    }
}

impl Tracer {
    /// An order is placed at `rate` orders per second: the ratio from it on.
    pub fn placed(&mut self, order: u64, rate: f64) {
        let every = if self.every_order { 1 } else { (rate / TRACED_PER_SECOND).ceil().max(1.0) as u64 };
        if self.sampling.last().map_or(1, |s| s.every) != every {
            self.sampling.push(Sampling { from_order: order, every });
        }
    }

    /// Whether `order` is traced: its root span's sampling decision.
    pub fn sampled(&self, order: u64) -> bool {
        match self.sampling.iter().rev().find(|s| s.from_order <= order) {
            Some(s) => order % s.every == 0,
            None => true,
        }
    }

    /// Whether what happens to `order` is recorded: tracing is on and the order was sampled.
    /// Asked before a record is even made, so that an order not kept costs one test.
    pub fn keeps(&self, order: u64) -> bool {
        self.on && (self.sampling.is_empty() || self.sampled(order))
    }

    pub fn push(&mut self, hop: Hop) {
        if !self.sampling.is_empty() && !self.sampled(hop.order()) {
            return;
        }
        self.current.push(hop);
        if self.current.len() == CHUNK {
            let hops = std::mem::replace(&mut self.current, Vec::with_capacity(CHUNK));
            let lowest = hops.iter().map(Hop::order).min().unwrap_or(0);
            let highest = hops.iter().map(Hop::order).max().unwrap_or(0);
            self.full.push(Arc::new(Chunk { hops, lowest, highest }));
            if self.full.len() > CHUNKS_KEPT {
                let gone = self.full.remove(0);
                self.dropped_chunks += 1;
                self.forgotten_below = self.forgotten_below.max(gone.highest);
            }
        }
    }

    /// Every hop of `order`, oldest first.
    pub fn hops_of(&self, order: u64) -> Vec<Hop> {
        let mut out = Vec::new();
        for c in self.full.iter().filter(|c| (c.lowest..=c.highest).contains(&order)) {
            out.extend(c.hops.iter().filter(|h| h.order() == order));
        }
        out.extend(self.current.iter().filter(|h| h.order() == order));
        out
    }

    /// Whether the start of `order` may have been let go.
    pub fn forgotten(&self, order: u64) -> bool {
        self.dropped_chunks > 0 && order <= self.forgotten_below
    }

    /// The newest order whose work had a retry: a publish sent again, or an event delivered
    /// again to the same subscriber.
    pub fn latest_with_retry(&self) -> Option<u64> {
        use crate::message::MsgKind;
        let mut seen: std::collections::HashSet<(u64, u16, u64)> = std::collections::HashSet::new();
        let mut latest = None;
        let all = self.full.iter().flat_map(|c| c.hops.iter()).chain(self.current.iter());
        for h in all {
            let Hop::Sent { m, .. } = h else { continue };
            let again = match (m.kind, m.to) {
                (MsgKind::Publish, _) => m.retry,
                (MsgKind::Deliver, Node::Service(i)) => !seen.insert((m.order, i, m.event)),
                _ => false,
            };
            if again {
                latest = latest.max(Some(m.order));
            }
        }
        latest
    }

    /// The newest traced order whose work reached `node`: a message to or from it, or a job it
    /// did.
    pub fn latest_at(&self, node: Node) -> Option<u64> {
        let at = |h: &Hop| match h {
            Hop::Sent { m, .. } => m.from == node || m.to == node,
            Hop::Began { node: n, .. } | Hop::Ended { node: n, .. } => *n == node,
            Hop::DeadLettered { .. } => node == Node::Broker,
        };
        let newest_first = self.current.iter().rev().chain(self.full.iter().rev().flat_map(|c| c.hops.iter().rev()));
        newest_first.filter(|h| at(h)).map(Hop::order).next()
    }

    /// Hops recorded and kept.
    pub fn kept(&self) -> usize {
        self.full.len() * CHUNK + self.current.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::MsgKind;

    fn sent(order: u64) -> Hop {
        Hop::Sent {
            m: Message::new(MsgKind::PlaceOrder, Node::Shopper, Node::Orders, order, 0),
            context: Context::Carried,
        }
    }

    #[test]
    fn an_orders_hops_come_back_in_order_across_chunks() {
        let mut t = Tracer::default();
        for i in 0..(CHUNK as u64 * 3) {
            t.push(sent(i % 7));
        }
        let hops = t.hops_of(3);
        assert_eq!(hops.len(), (0..CHUNK as u64 * 3).filter(|i| i % 7 == 3).count());
        assert!(hops.iter().all(|h| h.order() == 3));
        assert_eq!(t.kept(), CHUNK * 3);
    }

    #[test]
    fn old_chunks_are_let_go_and_their_orders_marked_forgotten() {
        let mut t = Tracer::default();
        for i in 0..(CHUNK * (CHUNKS_KEPT + 2)) as u64 {
            t.push(sent(i / 10));
        }
        assert_eq!(t.dropped_chunks, 2);
        assert!(t.forgotten(0));
        assert!(!t.forgotten((CHUNK * (CHUNKS_KEPT + 1)) as u64 / 10));
        assert!(t.hops_of(0).is_empty());
    }

    #[test]
    fn above_its_rate_the_tracer_keeps_one_order_in_every() {
        let mut t = Tracer::default();
        for o in 1..=10 {
            t.placed(o, 5.0);
        }
        for o in 11..=110 {
            t.placed(o, 5_000.0);
        }
        assert_eq!(t.sampling, [Sampling { from_order: 11, every: 25 }]);
        assert!((1..=10).all(|o| t.sampled(o)));
        assert_eq!((11..=110).filter(|&o| t.sampled(o)).count(), 4);
        for o in 1..=110 {
            t.push(sent(o));
        }
        assert_eq!(t.kept(), 14);
        t.placed(111, 2.0);
        assert!(t.sampled(111) && t.sampled(112));
    }

    #[test]
    fn a_copy_shares_full_chunks() {
        let mut t = Tracer::default();
        for i in 0..(CHUNK as u64 + 5) {
            t.push(sent(i));
        }
        let copy = t.clone();
        assert!(Arc::ptr_eq(&t.full[0], &copy.full[0]));
        assert_eq!(copy.hops_of(CHUNK as u64 + 2).len(), 1);
    }
}
