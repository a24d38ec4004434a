//! The work in progress: checkouts at the entry service, calls a service makes before it
//! answers its own, events waiting in their publisher's buffer, and the counts of what the
//! actors started and got back. Its behaviour is in `flow.rs` and `reaction.rs`.

use crate::message::{MessageType, Node};
use crate::metrics::{CheckoutSample, Ring, CHECKOUT_SAMPLES};
use crate::rng::{Keyed, Stream};
use crate::scenario::CallMode;
use crate::time::Micros;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Clone)]
pub(crate) struct Flows {
    /// Open checkouts by order id. A hash map (looked up on every call, reply and publish
    /// answer); its iteration order is never used unsorted, so it cannot leak into the trace.
    pub checkouts: HashMap<u64, Checkout, BuildHasherDefault<OrderIdHasher>>,
    /// Events the broker refused, waiting in their publishers' buffers to be published again.
    pub outbox: VecDeque<Buffered>,
    /// Buffered events sent again and not yet answered by the broker.
    pub outbox_sending: u64,
    pub retry_pending: bool,
    /// Request-driven calls a service makes before answering its own, by (service, order).
    pub nested: HashMap<(u16, u64), Nested>,
    pub next_order: u64,
    pub next_event: u64,
    pub placed: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub samples: Ring<CheckoutSample>,
    /// The entry request's rate, errors and duration, as the shopper saw them.
    pub red: crate::red::Red,
    /// Share of actors who cancel right after starting.
    pub cancel_share: f64,
    /// Bumped by a change of rate, so that arrivals scheduled at the old rate are ignored.
    pub generation: u32,
    pub rng_arrivals: Stream,
    pub rng_cancel: Keyed,
    /// Which outcome a reaction has, keyed by service, order and type: the same in both wirings.
    pub rng_outcome: Keyed,
}

impl Flows {
    pub fn new(seed: u64) -> Flows {
        Flows {
            checkouts: HashMap::default(),
            outbox: VecDeque::new(),
            outbox_sending: 0,
            retry_pending: false,
            nested: HashMap::new(),
            next_order: 1,
            next_event: 1,
            placed: 0,
            succeeded: 0,
            failed: 0,
            samples: Ring::new(CHECKOUT_SAMPLES),
            red: crate::red::Red::default(),
            cancel_share: 0.0,
            generation: 0,
            rng_arrivals: Stream::derive(seed, "arrivals"),
            rng_cancel: Keyed::derive(seed, "cancel"),
            rng_outcome: Keyed::derive(seed, "outcome"),
        }
    }
}

/// Where a checkout stands at the Order Service.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Waiting for, or in, the save.
    Saving,
    /// Calling `targets` directly (every wired service request-driven; the synchronous ones
    /// event-driven); `next` is the next sequential call. `mode` is the call mode this
    /// checkout started with, so that changing the mode mid-run does not strand a checkout
    /// half-way through its sequential calls. `publish_after`: once every call is answered,
    /// publish the event (event-driven) rather than answer the shopper (request-driven);
    /// also fixed at the start, so a change of wiring mid-checkout strands nothing either.
    /// `called_us`: when the latest call went out (every call, in parallel mode), so that the
    /// stage can show how long the Order Service has been waiting on it.
    Calling { targets: Vec<u16>, next: usize, answered: u64, mode: CallMode, publish_after: bool, called_us: Micros },
    /// Event-driven: waiting for the broker to store `event`.
    Publishing { event: u64 },
}

#[derive(Clone, Debug)]
pub struct Checkout {
    pub placed_us: Micros,
    pub stage: Stage,
    pub outgoing: u16,
}

/// An event the broker refused, waiting in its publisher's buffer to be published again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Buffered {
    pub event: u64,
    pub order: u64,
    /// When the event was first published (the origin of every retry).
    pub first_us: Micros,
    pub mtype: MessageType,
    /// The Order Service, or a service whose reaction publishes.
    pub publisher: Node,
}

/// A service, called request-driven, calling in turn the services that follow its reaction,
/// before it answers its own caller.
#[derive(Clone, Debug)]
pub struct Nested {
    pub caller: Node,
    /// The index of the call it answers.
    pub call: u16,
    pub targets: Vec<Callee>,
    pub next: usize,
    pub answered: u64,
    pub mode: CallMode,
    /// When the latest of its calls went out (all of them, in parallel mode): how long it has
    /// been waiting, for the stage.
    pub called_us: Micros,
}

/// One service a call goes to, and the type it handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Callee {
    pub service: u16,
    pub mtype: MessageType,
}

/// Hashes an order id with one multiplication (ids are distinct integers; no untrusted keys).
#[derive(Default)]
pub struct OrderIdHasher(u64);

impl Hasher for OrderIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn write_u64(&mut self, id: u64) {
        self.0 = (self.0 ^ id).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}
