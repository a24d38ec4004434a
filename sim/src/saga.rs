//! A saga, as data: the steps of a business operation that crosses services, each a local
//! transaction with the action that undoes it (a compensation: a business action such as a
//! refund, not a rollback), and the names of the commands and events it sends. The same
//! declaration runs in two styles: an orchestrator that sends commands and keeps each saga's
//! state, or a choreography in which each service reacts to the one before it.
//!
//! A saga's messages have message types of their own, numbered after the chain's, so that
//! every message on a wire says which command or event it carries.

use crate::message::MessageType;
use crate::time::Micros;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// How a saga's steps are driven.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, EnumString, IntoStaticStr, VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum SagaStyle {
    /// An orchestrator sends each step's command, waits for its reply, and keeps the saga's
    /// state; it runs the compensations, newest first.
    #[default]
    Orchestrated,
    /// Each service reacts to the event of the service before it; a failure's event travels
    /// back the same way, each service undoing its own step.
    Choreographed,
}

impl SagaStyle {
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// What a step's local transaction changes, so that the books can be checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Books {
    /// One item of stock per order, reserved and released.
    Stock,
    /// The order's amount, charged and refunded.
    Money,
    /// Nothing counted (arranging a shipment).
    #[default]
    None,
}

impl Books {
    /// What one order's step moves: an item, or the order's amount in cents.
    pub fn units(self, order: u64) -> i64 {
        match self {
            Books::Stock => 1,
            Books::Money => crate::consumer::amount_cents(order) as i64,
            Books::None => 0,
        }
    }
}

/// Which message of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SagaWhat {
    /// The command to do the step (orchestrated).
    Run,
    /// The step's event: it is done.
    Done,
    /// The step's event: it could not be done (a declined card).
    Failed,
    /// The command to undo the step (orchestrated).
    Undo,
    /// The event: the step is undone (or there was nothing to undo).
    Undone,
}

impl SagaWhat {
    pub const ALL: [SagaWhat; 5] = [SagaWhat::Run, SagaWhat::Done, SagaWhat::Failed, SagaWhat::Undo, SagaWhat::Undone];
    fn index(self) -> u8 {
        self as u8
    }
}

/// The names one step's messages carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepNames {
    pub run: String,
    pub done: String,
    pub failed: String,
    pub undo: String,
    pub undone: String,
}

/// One step: which catalog service does it, what it changes, and its messages' names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SagaStep {
    pub service: u16,
    pub books: Books,
    /// Whether the step has a compensation (the last step often has none: nothing after it
    /// can fail).
    pub compensable: bool,
    pub names: StepNames,
}

/// The most steps a saga may have.
pub const MAX_STEPS: usize = 8;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SagaSpec {
    /// The orchestrator, a catalog service that takes part in no step.
    pub orchestrator: u16,
    pub style: SagaStyle,
    pub steps: Vec<SagaStep>,
    /// How long the orchestrator waits for a step's reply, or a compensation's, before it
    /// gives up on the step (and compensates) or sends the compensation again.
    pub step_timeout_us: Micros,
    /// Choreographed, with timeouts on: how long the entry service gives a saga to finish
    /// before it announces the order timed out, which starts the compensations.
    pub saga_timeout_us: Micros,
    /// How soon a service tries a failed compensation again.
    pub retry_us: Micros,
    /// The event the entry service publishes when a choreographed saga times out.
    pub abort_name: String,
    /// The message type of the first saga message (the chain's come before).
    pub first_type: u8,
}

impl SagaSpec {
    /// The message type of step `k`'s `what`.
    pub fn mtype(&self, k: usize, what: SagaWhat) -> MessageType {
        MessageType(self.first_type + (k * SagaWhat::ALL.len()) as u8 + what.index())
    }

    /// The type of the entry service's "timed out" event.
    pub fn abort_type(&self) -> MessageType {
        MessageType(self.first_type + (self.steps.len() * SagaWhat::ALL.len()) as u8)
    }

    /// Every type the saga uses, the abort last.
    pub fn types(&self) -> impl Iterator<Item = MessageType> + '_ {
        (self.first_type..=self.abort_type().0).map(MessageType)
    }

    /// Which step and message a type is, if it is one of the saga's (not the abort).
    pub fn decode(&self, t: MessageType) -> Option<(usize, SagaWhat)> {
        let n = SagaWhat::ALL.len();
        let k = t.0.checked_sub(self.first_type)? as usize;
        (k < self.steps.len() * n).then(|| (k / n, SagaWhat::ALL[k % n]))
    }

    pub fn is_abort(&self, t: MessageType) -> bool {
        t == self.abort_type()
    }

    pub fn name(&self, t: MessageType) -> Option<&str> {
        if self.is_abort(t) {
            return Some(&self.abort_name);
        }
        let (k, what) = self.decode(t)?;
        let n = &self.steps[k].names;
        Some(match what {
            SagaWhat::Run => &n.run,
            SagaWhat::Done => &n.done,
            SagaWhat::Failed => &n.failed,
            SagaWhat::Undo => &n.undo,
            SagaWhat::Undone => &n.undone,
        })
    }

    /// The step catalog service `i` does, if any.
    pub fn step_of(&self, i: u16) -> Option<usize> {
        self.steps.iter().position(|s| s.service == i)
    }

    /// Whether catalog service `i` takes part (the orchestrator or a step's service).
    pub fn takes_part(&self, i: u16) -> bool {
        i == self.orchestrator || self.step_of(i).is_some()
    }
}

/// Where a saga stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SagaState {
    /// Steps going forward.
    Running,
    /// A step failed (or timed out): the completed steps are being undone, newest first.
    Compensating,
    /// Every step done.
    Completed,
    /// Every completed step undone.
    Compensated,
}

impl SagaState {
    pub fn is_final(self) -> bool {
        matches!(self, SagaState::Completed | SagaState::Compensated)
    }
}

/// One step of one saga, as it truly stands (whatever any service believes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepTruth {
    /// Times the step's transaction ran (more than once only if something is wrong).
    pub done: u8,
    /// Times its compensation ran (more than once: a refund paid twice).
    pub undone: u8,
}

/// One saga as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct SagaRow {
    pub order: u64,
    pub style: SagaStyle,
    pub state: SagaState,
    /// Not final, and nothing more will ever happen to it: no message, no work, no timer.
    pub stuck: bool,
    pub steps: Vec<StepTruth>,
    /// The compensations still owed, the next one first (orchestrated: the orchestrator's
    /// stack; choreographed: the completed steps not yet undone, newest first).
    pub owed: Vec<usize>,
    pub started_us: Micros,
    pub ended_us: Option<Micros>,
}

/// The books of one step: what its transactions and compensations moved, in items or cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepBooks {
    pub done: i64,
    pub undone: i64,
}

/// Everything the page shows of the sagas.
#[derive(Clone, Debug, PartialEq)]
pub struct SagaView {
    pub style: SagaStyle,
    pub timeouts: bool,
    pub started: u64,
    pub completed: u64,
    pub compensated: u64,
    pub running: u64,
    /// Of those running, the ones the orchestrator holds.
    pub orchestrating: u64,
    pub stuck: u64,
    /// Compensations that ran more than once for the same step of a saga.
    pub paid_twice: u64,
    /// Per step.
    pub books: Vec<StepBooks>,
    /// The latest sagas, newest last.
    pub recent: Vec<SagaRow>,
    /// The oldest stuck sagas (they may be older than the latest), oldest first.
    pub stuck_rows: Vec<SagaRow>,
}
