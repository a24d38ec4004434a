//! The simulation's agenda: everything scheduled to happen, taken in (time, sequence) order,
//! so that two events of one microsecond happen in the order they were scheduled, in every
//! run and on every platform.

use crate::message::Node;
use crate::time::Micros;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// Added to the sequence number of a scheduled input, so that it sorts after every other
/// event of its microsecond (sequence numbers never come near it).
const INPUT_SEQ: u64 = 1 << 63;

/// Something scheduled to happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ev {
    /// A message reaches the end of its wire (slot in the message slab).
    Arrive(u32),
    /// A service finishes a job (by job id).
    Done {
        node: Node,
        job: u64,
    },
    /// The order generator fires; stale generations are ignored after a rate change.
    Arrival {
        generation: u32,
    },
    /// A request-driven call of `caller`'s has waited as long as it may (the entry service's,
    /// or a service's whose reaction another one follows).
    Timeout {
        order: u64,
        call: u16,
        caller: Node,
    },
    PublishRetry,
    /// The outbox relay's next pass.
    Relay,
    /// A read model's next pass over the event store's log.
    Project {
        projection: crate::projection::ProjectionKind,
    },
    /// One of an order's two concurrent writers loads its stream.
    StoreLoad {
        order: u64,
        writer: u8,
    },
    /// That writer appends its change, expecting the version it loaded.
    StoreWrite {
        order: u64,
        writer: u8,
        expected: u32,
    },
    /// A saga orchestrator's wait for an answer is over (stale unless `generation` is its
    /// latest).
    SagaTimeout {
        order: u64,
        generation: u32,
    },
    /// A choreographed saga's deadline, at the entry service.
    SagaDeadline {
        order: u64,
    },
    /// A participant tries a failed compensation again.
    SagaRetry {
        service: u16,
        order: u64,
        mtype: crate::message::MessageType,
    },
    /// A failed delivery's backoff is over.
    Backoff {
        sub: u16,
        delivery: u32,
    },
    /// The broker has waited long enough for an acknowledgement that vanished.
    AckTimeout {
        sub: u16,
        delivery: u32,
    },
    Sample,
    /// A scheduled input (index into `scheduled`).
    Input(u32),
}

#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub at: Micros,
    seq: u64,
    pub ev: Ev,
}

impl Entry {
    /// (time, sequence) as one number, so that comparing two entries is one comparison.
    fn key(&self) -> u128 {
        (self.at as u128) << 64 | self.seq as u128
    }
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.key() == o.key()
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    // Reversed so that BinaryHeap, a max-heap, pops the earliest (time, sequence) first.
    fn cmp(&self, o: &Self) -> Ordering {
        o.key().cmp(&self.key())
    }
}

/// The heap of what is due, and the call timeouts beside it.
#[derive(Clone, Debug, Default)]
pub struct EventQueue {
    seq: u64,
    heap: BinaryHeap<Entry>,
    /// Call timeouts, kept out of the heap. Each falls due `call_timeout_us` after it is set
    /// and time never goes back, so a FIFO holds them in (time, sequence) order; `pop` merges
    /// it with the heap by (time, sequence), so events happen in the same order as with one
    /// queue, and the heap stays small under request-driven load.
    timeouts: VecDeque<Entry>,
}

impl EventQueue {
    pub fn push(&mut self, at: Micros, ev: Ev) {
        self.seq += 1;
        // An input scheduled for a moment comes after everything else due then, including what
        // that causes at the same microsecond: exactly where a student's click, or a link's step,
        // lands when the lab has run to that moment. So an input means the same run however it
        // arrives. Inputs among themselves keep the order they were scheduled in.
        let seq = if matches!(ev, Ev::Input(_)) { INPUT_SEQ | self.seq } else { self.seq };
        let e = Entry { at, seq, ev };
        if matches!(ev, Ev::Timeout { .. }) && self.timeouts.back().is_none_or(|last| last.at <= at) {
            self.timeouts.push_back(e);
        } else {
            self.heap.push(e);
        }
    }

    /// When the next event is due, if there is one.
    pub fn next_at(&self) -> Option<Micros> {
        match (self.heap.peek(), self.timeouts.front()) {
            (Some(h), Some(t)) => Some(h.at.min(t.at)),
            (h, t) => h.or(t).map(|e| e.at),
        }
    }

    /// Takes the earliest event by (time, sequence) from the heap or the timeouts.
    pub fn pop(&mut self) -> Option<Entry> {
        let timeout_first = match (self.heap.peek(), self.timeouts.front()) {
            (Some(h), Some(t)) => t.key() < h.key(),
            (None, t) => t.is_some(),
            (Some(_), None) => false,
        };
        if timeout_first {
            self.timeouts.pop_front()
        } else {
            self.heap.pop()
        }
    }
}
