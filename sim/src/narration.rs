//! What happened, as typed notes for the event log and screen readers. The page puts them into
//! words (its `narration` module), with the scenario's names; the core writes no English here.

use crate::delivery::{Guarantee, RetryPolicy};
use crate::fault::Fault;
use crate::message::MessageType;
use crate::scenario::{Publishing, Wiring};
use crate::time::Micros;
use crate::topic::PartitionKey;

/// Why a checkout failed, as the Order Service saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailCause {
    /// A call to this downstream service got no answer in time.
    Timeout(u16),
    /// This downstream service was down and refused the call.
    Down(u16),
    /// This downstream service answered with an error.
    Error(u16),
    /// This downstream service's queue was full.
    Busy(u16),
    /// The broker refused the `OrderPlaced` event.
    BrokerDown,
    /// The Order Service's process died between its commit and its next step.
    CrashedAfterCommit,
    OrdersDown,
    OrdersError,
    OrdersBusy,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NoteKind {
    OrderPlaced,
    Confirmed {
        latency_us: Micros,
    },
    Failed {
        cause: FailCause,
    },
    Published,
    /// The broker was down; the event waits in the Order Service's buffer.
    Buffered,
    /// A buffered event reached the broker.
    Flushed,
    WiringChanged {
        wiring: Wiring,
    },
    RateChanged {
        rate: f64,
    },
    SubscriberAdded {
        service: u16,
        order_service_changed: bool,
    },
    SubscriberRemoved {
        service: u16,
        order_service_changed: bool,
    },
    FaultInjected {
        fault: Fault,
    },
    FaultCleared {
        fault: Fault,
    },
    FallingBehind {
        service: u16,
        lag: u64,
    },
    CaughtUp {
        service: u16,
    },
    /// An alert rule's alert changed state (the rule by its place in `Sim::alerts`).
    Alert {
        rule: u16,
        to: crate::alerting::Phase,
        /// The rule's `for` when it changed (it may have been changed since).
        for_us: Micros,
    },
    /// A rule's `for` duration changed.
    AlertForChanged {
        rule: u16,
        for_us: Micros,
    },
    /// A scheduled action that no longer applied when it came due. `why` is the message
    /// the action's check refused it with (as `Sim::apply` returns it), not a setting.
    Refused {
        why: String,
    },
    /// The shopper cancelled the order just after placing it.
    CancelRequested,
    CancelPublished,
    /// The broker refused a cancellation and the Order Service does not buffer.
    CancelLost,
    /// A subscriber applied an event's side effect a second time.
    DuplicateApplied {
        service: u16,
        event: u64,
    },
    /// A subscriber processed a cancellation before the order it cancels.
    OutOfOrder {
        service: u16,
    },
    CrashedBeforeAck {
        service: u16,
    },
    DeadLettered {
        service: u16,
        attempts: u32,
    },
    Redriven {
        service: u16,
        count: u64,
    },
    /// The broker stored what a service's reaction published or sent.
    FollowUpStored {
        from: u16,
        mtype: MessageType,
    },
    /// The broker refused what a service's reaction published or sent: it waits in that
    /// service's buffer.
    FollowUpBuffered {
        from: u16,
        mtype: MessageType,
    },
    /// The entry service died right after committing the order. `kept`: the event was
    /// committed as an outbox row too, so the relay will still publish it; otherwise the
    /// order exists and its event is lost.
    CrashedAfterCommit {
        kept: bool,
    },
    /// The relay died after the broker stored this row and before marking it sent.
    RelayCrashed {
        event: u64,
    },
    /// The relay published a row the broker had already stored: a second copy in the log.
    Republished {
        event: u64,
    },
    /// A saga message vanished on its way to `to`.
    SagaMessageLost {
        mtype: MessageType,
        to: crate::message::Node,
    },
    /// A step's service refused to do the step: the saga had already been undone there.
    SagaStepRefused {
        step: u8,
    },
    /// A step failed (a declined card).
    SagaStepFailed {
        step: u8,
    },
    /// The orchestrator gave up waiting for a step.
    SagaStepTimedOut {
        step: u8,
    },
    /// Compensations begin; `owed` of them (orchestrated; 0 when not known centrally).
    SagaCompensating {
        owed: u8,
    },
    /// A step's compensation paid out; `again`: it had already, so this is a second payout.
    SagaUndone {
        step: u8,
        again: bool,
    },
    /// An idempotent compensation recognised one it had already made, and did nothing.
    SagaUndoSkipped {
        step: u8,
    },
    /// A compensation failed after paying out, before it could answer: it will be retried.
    SagaUndoFailed {
        step: u8,
    },
    /// A choreographed saga's deadline passed: the entry service announced the timeout.
    SagaTimedOut,
    SagaEnded {
        completed: bool,
    },
    /// An append to the order's stream was refused: `writer` expected it at `expected`,
    /// another writer had taken it to `actual`. It loads the stream again and retries.
    StreamConflict {
        writer: u8,
        expected: u32,
        actual: u32,
    },
    /// Kept as a row, the order's second writer overwrote the first one's change unseen.
    LostUpdate,
    /// A read model was reset and reads the log again from `from` (0, or a snapshot).
    RebuildStarted {
        projection: crate::projection::ProjectionKind,
        from: u64,
    },
    /// A rebuild caught up with the log.
    RebuildDone {
        projection: crate::projection::ProjectionKind,
        done: crate::projection::RebuildDone,
    },
    SnapshotDeleted {
        projection: crate::projection::ProjectionKind,
    },
    /// A producer deployed a proposed schema of subject `subject`: the registry's answer.
    SchemaDeployed {
        subject: u16,
        proposal: u16,
        outcome: crate::schema_registry::Outcome,
    },
    /// `service`, reading with version `reader`, could not read an event written with
    /// `writer`, for `why`.
    Unreadable {
        service: u16,
        subject: u16,
        writer: u32,
        reader: u32,
        why: crate::compat::Incompatible,
    },
    /// A setting of a subscriber (or of the topic or the shoppers, with no service) changed.
    SettingChanged {
        service: Option<u16>,
        setting: SettingNote,
    },
}

/// What a setting became, as data; the page puts it into words.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SettingNote {
    Guarantee(Guarantee),
    Idempotent(bool),
    /// Kept synchronous (`on`) or not; `event_driven`: the wiring was event-driven, so the
    /// Order Service had to change.
    Sync {
        on: bool,
        event_driven: bool,
    },
    Retry(RetryPolicy),
    Consumers(u16),
    Partitions(u16),
    PartitionKey(PartitionKey),
    /// Share of shoppers who cancel just after ordering.
    CancelShare(f64),
    /// How the entry service gets its events to the broker.
    Publishing(Publishing),
    SagaStyle(crate::saga::SagaStyle),
    SagaTimeouts(bool),
    /// How the entry service keeps its orders.
    Storage(crate::scenario::Storage),
    /// A snapshot of each read model every this many events (0: none).
    SnapshotEvery(u64),
    ReplayGuard(bool),
    /// Consumers that drop the trace context link their new traces to the producer's.
    TraceLinks(bool),
    /// The producer of subject `subject` writes `version` from now on.
    ProducerVersion {
        subject: u16,
        version: u32,
    },
    /// A consumer reads subject `subject` with `version` from now on.
    ReaderVersion {
        subject: u16,
        version: u32,
    },
    /// The registry checks subject `subject`'s registrations under `mode` from now on.
    Compatibility {
        subject: u16,
        mode: crate::compat::Compatibility,
    },
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub at_us: Micros,
    pub order: u64,
    pub kind: NoteKind,
}

impl Note {
    /// True for the routine per-order lines that are summarised under load.
    pub fn is_routine(&self) -> bool {
        matches!(
            self.kind,
            NoteKind::OrderPlaced | NoteKind::Confirmed { .. } | NoteKind::Published | NoteKind::FollowUpStored { .. }
        )
    }

    pub fn is_failure(&self) -> bool {
        matches!(
            self.kind,
            NoteKind::Failed { .. }
                | NoteKind::DuplicateApplied { .. }
                | NoteKind::OutOfOrder { .. }
                | NoteKind::DeadLettered { .. }
                | NoteKind::CancelLost
                | NoteKind::LostUpdate
                | NoteKind::Unreadable { .. }
        )
    }
}
