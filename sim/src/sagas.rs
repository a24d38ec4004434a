//! The sagas in progress and done: the truth of each (which steps ran, which were undone),
//! the orchestrator's own record of each, the participants' records, and the books. Its
//! behaviour is in `saga_flow.rs`.

use crate::message::Message;
use crate::rng::Keyed;
use crate::saga::{SagaState, SagaStyle, SagaWhat, StepBooks, StepTruth, MAX_STEPS};
use crate::time::Micros;

/// A participant's own record of its step for one order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Local {
    /// Its transaction ran (stock reserved, card charged).
    Done,
    /// Its transaction ran and was compensated: a later request to do it is refused.
    Undone,
    /// It failed the step, or was told to undo a step it had not done: a later request to
    /// do it is refused.
    Cancelled,
}

#[derive(Clone, Debug)]
pub(crate) struct Saga {
    pub style: SagaStyle,
    pub state: SagaState,
    pub steps: [StepTruth; MAX_STEPS],
    pub started_us: Micros,
    pub ended_us: Option<Micros>,
    /// Messages on their way, work queued or running, and timers, for this saga: at 0 and
    /// not final, nothing more will ever happen to it.
    pub pending: u32,
    /// Attempts at each step's compensation (a fault fails the first).
    pub undo_attempts: [u8; MAX_STEPS],
    /// The orchestrator's record: the steps it knows are done, what it waits for, the
    /// compensations it still owes (the next last), and its timer's generation.
    pub known_done: [bool; MAX_STEPS],
    pub waiting: Option<(usize, SagaWhat)>,
    pub owed: Vec<u8>,
    pub timer: u32,
    /// Choreographed: the entry service watches it with a deadline.
    pub deadline: bool,
    /// Messages the broker has handed on for it: a message sent again meets the wire anew.
    pub forwarded: u32,
    /// Each participant's own record of its step for this order (kept here, by step, so that
    /// a message finds it without a search).
    pub local: [Option<Local>; MAX_STEPS],
    /// Each participant's record of the compensations it made for this order: what an
    /// idempotent compensation consults before it pays again.
    pub recorded: [bool; MAX_STEPS],
}

impl Saga {
    pub fn new(style: SagaStyle, now: Micros) -> Saga {
        Saga {
            style,
            state: SagaState::Running,
            steps: [StepTruth::default(); MAX_STEPS],
            started_us: now,
            ended_us: None,
            pending: 0,
            undo_attempts: [0; MAX_STEPS],
            known_done: [false; MAX_STEPS],
            waiting: None,
            owed: Vec::new(),
            timer: 0,
            deadline: false,
            forwarded: 0,
            local: [None; MAX_STEPS],
            recorded: [false; MAX_STEPS],
        }
    }
}

#[derive(Clone)]
pub(crate) struct Sagas {
    pub style: SagaStyle,
    /// Choreographed: the entry service gives each saga a deadline.
    pub timeouts: bool,
    pub by_order: SagaTable,
    /// Messages the broker holds for a participant that is down or full, by catalog service.
    pub held: Vec<(u16, Message)>,
    pub books: [StepBooks; MAX_STEPS],
    pub started: u64,
    pub completed: u64,
    pub compensated: u64,
    pub paid_twice: u64,
    /// Step failures, compensation failures and lost saga messages, keyed by order.
    pub rng: Keyed,
}

impl Sagas {
    pub fn new(seed: u64, style: SagaStyle) -> Sagas {
        Sagas {
            style,
            timeouts: false,
            by_order: SagaTable::default(),
            held: Vec::new(),
            books: [StepBooks::default(); MAX_STEPS],
            started: 0,
            completed: 0,
            compensated: 0,
            paid_twice: 0,
            rng: Keyed::derive(seed, "saga"),
        }
    }
}

/// The sagas by order id. Order ids are dense from 1, so a saga is found by indexing, which
/// every saga message does several times.
#[derive(Clone, Debug, Default)]
pub(crate) struct SagaTable(Vec<Option<Saga>>);

impl SagaTable {
    pub fn get(&self, order: u64) -> Option<&Saga> {
        self.0.get(order as usize).and_then(Option::as_ref)
    }

    pub fn get_mut(&mut self, order: u64) -> Option<&mut Saga> {
        self.0.get_mut(order as usize).and_then(Option::as_mut)
    }

    pub fn contains(&self, order: u64) -> bool {
        self.get(order).is_some()
    }

    pub fn insert(&mut self, order: u64, saga: Saga) {
        let k = order as usize;
        if k >= self.0.len() {
            self.0.resize_with(k + 1, || None);
        }
        self.0[k] = Some(saga);
    }

    /// Every saga with its order, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &Saga)> {
        self.0.iter().enumerate().filter_map(|(k, s)| s.as_ref().map(|s| (k as u64, s)))
    }

    pub fn values(&self) -> impl Iterator<Item = &Saga> {
        self.0.iter().flatten()
    }
}
