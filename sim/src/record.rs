//! The record of a run: its trace hash, the events it processed, its narration and what the
//! last event did.

use crate::happened::Happened;
use crate::narration::Note;
use crate::metrics::Ring;
use crate::rng::splitmix64;

/// How many lines of narration are kept.
pub const NOTES_KEPT: usize = 200;

#[derive(Clone)]
pub(crate) struct Record {
    /// A stable 64-bit hash of everything that happened, in order.
    pub trace: u64,
    /// Events processed so far, of every kind.
    pub events: u64,
    pub notes: Ring<Note>,
    /// How many notes were ever written (the ring keeps only the latest).
    pub notes_total: u64,
    /// What the last event did (`None` for bookkeeping), for a Step to tell.
    pub last: Option<Happened>,
}

impl Record {
    pub fn new(seed: u64) -> Record {
        Record { trace: splitmix64(seed), events: 0, notes: Ring::new(NOTES_KEPT), notes_total: 0, last: None }
    }

    /// Folds a word into the trace hash. FxHash-style: integer-only, so every platform agrees.
    pub fn fold(&mut self, word: u64) {
        self.trace = (self.trace.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}
