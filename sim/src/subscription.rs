//! A subscriber's consumer group as data: its settings, its offsets per partition, the events
//! it has handed out and not settled, its dead letters and its counters. The broker
//! (`broker.rs`) moves events through it; `Sim` holds one per catalog service.
//!
//! Every event a subscription took on is, at any moment, in exactly one of these places:
//! processed, pending (unread, handed out, retrying, or at the consumer), dead-lettered,
//! lost by a named cause, or discarded when the subscriber left. `audit.rs` recounts it.

use crate::delivery::SubSettings;
use crate::metrics::{Point, Ring, DELAY_SAMPLES, LAG_SAMPLES};
use crate::time::Micros;
use crate::topic::{LogEntry, Topic};
use std::collections::{BTreeSet, VecDeque};

/// Lag at which the log says a subscriber is falling behind.
pub const BEHIND_LAG: u64 = 20;
/// The lane of redriven dead letters, apart from the partitions.
pub const REDRIVE_LANE: u16 = u16::MAX;
/// The delivery ID of a job no subscription counts (IDs start at 1).
pub const UNTRACKED: u32 = 0;
/// Dead letters kept per subscription; past this the oldest is deleted (and counted lost).
pub const DLQ_LIMIT: usize = 1_000;

/// Why an event was lost: the causes the conservation invariant names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LostCause {
    /// An injected drop on the wire, under at-most-once (at-least-once delivers again).
    Dropped,
    /// The consumer crashed holding it, under at-most-once.
    Crash,
    /// The consumer failed on it, under at-most-once (no one retries).
    Failed,
    /// Retention deleted it from the log before the group read it.
    Retention,
    /// The dead-letter queue was full.
    DlqFull,
}

/// Why a consumer failed on an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// An injected error rate.
    Error,
    /// The event is poison to this consumer.
    Poison,
    /// The consumer's reader schema cannot read the version the event was written with.
    Unreadable,
}

/// Where a handed-out event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// To be sent (again) when the consumer and the broker can take it.
    Ready,
    /// The delivery is on the wire.
    OnWire,
    /// At the consumer, queued or being processed.
    Consumer,
    /// The acknowledgement (or nack) is on the wire.
    AckOnWire,
    /// The delivery or its acknowledgement vanished; the broker notices at the ack timeout.
    Vanished,
    /// Failed; waiting for its retry at this time.
    Backoff(Micros),
}

/// One event handed out by a subscription and not yet settled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    /// Unique delivery ID; acknowledgements and jobs carry it.
    pub id: u32,
    /// Partition, or [`REDRIVE_LANE`].
    pub lane: u16,
    pub offset: u64,
    pub entry: LogEntry,
    /// The consumer of the group that has it.
    pub consumer: u16,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Times it was put on the wire: each send meets the wire's faults afresh.
    pub sends: u32,
    pub last_error: Option<FailureKind>,
    /// The consumer has processed it at least once (and it is counted as processed).
    pub processed: bool,
    /// The consumer received it (so a vanished message was the acknowledgement).
    pub received: bool,
    /// Lost under at-most-once while its acknowledgement was still outstanding.
    pub lost: Option<LostCause>,
    pub at: At,
}

/// A group's position in one partition.
#[derive(Clone, Debug, Default)]
pub struct Cursor {
    /// Next offset to hand out.
    pub next: u64,
    /// Every offset below this is settled: the committed offset.
    pub committed: u64,
    /// Settled offsets above `committed` (only when several consumers share the partition).
    pub(crate) settled_above: BTreeSet<u64>,
    /// Events handed out from this partition, to share it among its readers in turn.
    pub(crate) handed: u64,
    /// Offset of the last event of this partition processed for the first time.
    pub(crate) last_processed: Option<u64>,
}

impl Cursor {
    pub(crate) fn at(offset: u64) -> Cursor {
        Cursor { next: offset, committed: offset, ..Cursor::default() }
    }

    pub(crate) fn settle(&mut self, offset: u64) {
        if offset < self.committed {
            return;
        }
        self.settled_above.insert(offset);
        while self.settled_above.remove(&self.committed) {
            self.committed += 1;
        }
    }
}

/// An event parked after its last failed attempt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeadLetter {
    pub entry: LogEntry,
    pub attempts: u32,
    pub last_error: FailureKind,
    pub dead_us: Micros,
    /// The membership of the subscriber it died in (see [`Subscription::epoch`]).
    pub epoch: u32,
    /// It had been processed once already (a redelivery failed), so it is not counted twice.
    pub processed: bool,
}

/// One subscriber's consumer group: settings, offsets, events in flight and its counters.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub active: bool,
    /// The channel it reads (`Chain::reads`): 0, the entry topic, unless the scenario chains.
    pub channel: u16,
    pub settings: SubSettings,
    /// Counts memberships: unsubscribing and subscribing again starts a new one.
    pub epoch: u32,
    /// Deliveries with a lower ID belong to an earlier membership and are ignored.
    pub(crate) first_id: u32,
    pub cursors: Vec<Cursor>,
    pub redrive: VecDeque<LogEntry>,
    pub flights: Vec<Flight>,
    pub dlq: VecDeque<DeadLetter>,
    /// At-most-once: acknowledged and still at the consumer.
    pub accepted: u64,
    /// Events this membership took on.
    pub copies: u64,
    /// Events processed at least once.
    pub processed: u64,
    /// Events in the dead-letter queue that were never processed.
    pub dead: u64,
    pub lost_dropped: u64,
    pub lost_crash: u64,
    pub lost_failed: u64,
    pub lost_retention: u64,
    pub lost_dlq_full: u64,
    /// Events dropped because the subscriber left before handling them.
    pub discarded: u64,
    /// Deliveries made again: after a crash, a lost acknowledgement or a failure.
    pub redeliveries: u64,
    /// Events processed for the first time after a later event of the same partition:
    /// the partition's order was not kept.
    pub order_violations: u64,
    /// Events processed by each consumer of the group.
    pub per_consumer: Vec<u64>,
    pub lag_series: Ring<Point>,
    /// Publish-to-processed delays of recent events.
    pub delays: Ring<Micros>,
    pub(crate) behind: bool,
    /// Flights per lane (partition), kept with `flights` so that handing out does not
    /// recount them for every partition; the redrive lane's count is `redriving`.
    pub(crate) lane_counts: Vec<u16>,
    pub(crate) redriving: u16,
    /// Set whenever a flight becomes Ready (to be sent again), so that handing out only scans
    /// the flights when there can be something to resend.
    pub(crate) ready_hint: bool,
}

impl Subscription {
    pub fn new(active: bool, settings: SubSettings, epoch: u32, first_id: u32) -> Self {
        Subscription {
            active,
            channel: 0,
            settings,
            epoch,
            first_id,
            cursors: Vec::new(),
            redrive: VecDeque::new(),
            flights: Vec::new(),
            dlq: VecDeque::new(),
            accepted: 0,
            copies: 0,
            processed: 0,
            dead: 0,
            lost_dropped: 0,
            lost_crash: 0,
            lost_failed: 0,
            lost_retention: 0,
            lost_dlq_full: 0,
            discarded: 0,
            redeliveries: 0,
            order_violations: 0,
            per_consumer: vec![0; settings.consumers as usize],
            lag_series: Ring::new(LAG_SAMPLES),
            delays: Ring::new(DELAY_SAMPLES),
            behind: false,
            lane_counts: Vec::new(),
            redriving: 0,
            ready_hint: false,
        }
    }

    /// Deliveries with a lower ID belong to an earlier membership.
    pub fn first_id(&self) -> u32 {
        self.first_id
    }

    pub fn lost(&self) -> u64 {
        self.lost_dropped + self.lost_crash + self.lost_failed + self.lost_retention + self.lost_dlq_full
    }

    /// Events taken on and not yet processed, dead-lettered, lost or discarded.
    pub fn lag(&self) -> u64 {
        self.copies - self.processed - self.dead - self.lost() - self.discarded
    }

    /// Events in the log this group has not been handed yet.
    pub fn unread(&self, topic: &Topic) -> u64 {
        if !self.active {
            return 0;
        }
        self.cursors.iter().zip(&topic.partitions).map(|(c, p)| p.end().saturating_sub(c.next)).sum()
    }

    pub(crate) fn flight(&mut self, id: u32) -> Option<usize> {
        self.flights.iter().position(|f| f.id == id)
    }

    pub(crate) fn in_lane(&self, lane: u16) -> u16 {
        if lane == REDRIVE_LANE {
            self.redriving
        } else {
            self.lane_counts.get(lane as usize).copied().unwrap_or(0)
        }
    }

    pub(crate) fn lane_count(&mut self, lane: u16) -> &mut u16 {
        if lane == REDRIVE_LANE {
            return &mut self.redriving;
        }
        let l = lane as usize;
        if l >= self.lane_counts.len() {
            self.lane_counts.resize(l + 1, 0);
        }
        &mut self.lane_counts[l]
    }

    /// Settles a flight: the broker is done with it.
    pub(crate) fn settle(&mut self, k: usize) -> Flight {
        let f = self.flights.swap_remove(k);
        *self.lane_count(f.lane) -= 1;
        if f.lane != REDRIVE_LANE {
            self.cursors[f.lane as usize].settle(f.offset);
        }
        f
    }

    pub(crate) fn count_lost(&mut self, cause: LostCause) {
        match cause {
            LostCause::Dropped => self.lost_dropped += 1,
            LostCause::Crash => self.lost_crash += 1,
            LostCause::Failed => self.lost_failed += 1,
            LostCause::Retention => self.lost_retention += 1,
            LostCause::DlqFull => self.lost_dlq_full += 1,
        }
    }
}
