//! The entry service's transactional outbox: rows written with the order in one local
//! transaction, and the relay that publishes them and marks them sent. Its behaviour is in
//! `relay.rs`; the state the page draws is [`OutboxView`].

use crate::consumer::Bits;
use crate::message::MessageType;
use crate::metrics::Ring;
use crate::rng::Keyed;
use crate::time::{Micros, MS, SEC};
use std::collections::VecDeque;

/// A polling relay looks at the table this often.
pub const POLL_US: Micros = 500 * MS;
/// A relay that follows the database's log sees a commit this long after it.
pub const TAIL_US: Micros = 20 * MS;
/// A crashed relay is running again after this long.
pub const RESTART_US: Micros = SEC;
/// Rows one relay pass publishes at most, so that a long outage drains in steps.
pub const BATCH: usize = 64;
/// Sent rows the table keeps for the page to show, newest last.
pub const SENT_SHOWN: usize = 6;

/// One row of the outbox table. Its id is the event's id, which consumers dedupe on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    pub event: u64,
    pub order: u64,
    pub mtype: MessageType,
    pub committed_us: Micros,
    /// On its way to the broker in the relay's current pass.
    pub in_flight: bool,
    /// Times the relay saw the broker store it (more than once only after a relay crash).
    pub stored: u32,
    /// When it was marked sent; `None` while pending.
    pub sent_us: Option<Micros>,
}

/// Orders saved whose event never reached the broker, by cause.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LostOrders {
    /// The process died between its commit and its publish (dual write).
    pub crash_after_commit: u64,
    /// The broker refused the publish after the commit and the service gave up on it.
    pub broker_refused: u64,
}

impl LostOrders {
    pub fn total(&self) -> u64 {
        self.crash_after_commit + self.broker_refused
    }
}

#[derive(Clone)]
pub(crate) struct Outbox {
    /// Pending rows in commit order (their ids rise).
    pub pending: VecDeque<Row>,
    pub sent: Ring<Row>,
    pub committed: u64,
    pub marked: u64,
    /// Rows the broker stored a second time because the relay died before marking them.
    pub republished: u64,
    pub relay_crashes: u64,
    /// Times the entry service died after a commit, whatever the publishing mode.
    pub commit_crashes: u64,
    /// A relay pass is on the agenda.
    pub scheduled: bool,
    /// The relay is restarting after a crash until then.
    pub restart_until: Micros,
    /// After the broker refused a row, the relay's next pass is no sooner than this.
    pub retry_at: Micros,
    pub lost: LostOrders,
    /// Events the broker stored once, and more than once; the duplicates consumers met of
    /// the latter. Ground truth: the relay itself never knows.
    pub stored: Bits,
    pub copied: Bits,
    pub duplicates_of_copies: u64,
    pub rng_commit: Keyed,
    pub rng_relay: Keyed,
}

impl Outbox {
    pub fn new(seed: u64) -> Outbox {
        Outbox {
            pending: VecDeque::new(),
            sent: Ring::new(SENT_SHOWN),
            committed: 0,
            marked: 0,
            republished: 0,
            relay_crashes: 0,
            commit_crashes: 0,
            scheduled: false,
            restart_until: 0,
            retry_at: 0,
            lost: LostOrders::default(),
            stored: Bits::default(),
            copied: Bits::default(),
            duplicates_of_copies: 0,
            rng_commit: Keyed::derive(seed, "commit-crash"),
            rng_relay: Keyed::derive(seed, "relay-crash"),
        }
    }

    /// The pending row for `event`, found by its id (pending ids rise).
    pub fn row(&mut self, event: u64) -> Option<usize> {
        self.pending.binary_search_by_key(&event, |r| r.event).ok()
    }
}

/// What the page shows of the outbox: the table's rows and the relay's counts.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxView {
    /// Pending rows, oldest first (at most the few the page draws), then the count of all.
    pub pending: Vec<Row>,
    pub pending_total: usize,
    /// The latest rows marked sent, oldest first.
    pub sent: Vec<Row>,
    pub committed: u64,
    pub marked: u64,
    pub republished: u64,
    pub relay_crashes: u64,
    pub commit_crashes: u64,
    pub relay: RelayState,
    pub lost: LostOrders,
    /// Duplicates consumers met of events stored twice by the relay.
    pub duplicates_of_copies: u64,
}

/// What the relay is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelayState {
    /// No outbox in use and nothing left in it.
    Idle,
    Running,
    /// Stopped by a fault.
    Stopped,
    /// Crashed, and running again shortly.
    Restarting,
}
