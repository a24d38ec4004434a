//! Read models: projections of the event store's log. Each reads the log in order, keeps its
//! own figures, and records how far it got. One sends emails as it goes, which a replay must
//! not do again. A projection lags the log; it can be stopped, wrong (a bug in its code) and
//! rebuilt from a snapshot or from position 0. Its behaviour over time is in `sourcing.rs`.

use crate::event_store::{Figures, StoreKind, StoredEvent};
use crate::metrics::Ring;
use crate::time::{Micros, MS};

/// The read models the entry service's log feeds.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ProjectionKind {
    /// The shopper's order history page: each order as it now stands.
    History,
    /// The sales dashboard: orders and sales net of refunds.
    Dashboard,
    /// Sends the confirmation and cancellation emails: a projection with a side effect.
    Emails,
}

impl ProjectionKind {
    pub const ALL: [ProjectionKind; 3] = [ProjectionKind::History, ProjectionKind::Dashboard, ProjectionKind::Emails];

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn key(self) -> &'static str {
        self.into()
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

/// After an append, a projection's subscription wakes it this much later.
pub const NOTIFY_US: Micros = 50 * MS;
/// What reading and applying one event costs a projection.
pub const PER_EVENT_US: Micros = 2 * MS;
/// Events one pass reads at most.
pub const BATCH: u64 = 200;
/// A projection records its position (with its figures) after this many events, and
/// whenever it has caught up.
pub const CHECKPOINT_EVERY: u64 = 100;
/// Recent append-to-applied delays kept for the stale window.
pub const DELAYS_KEPT: usize = 512;

/// A projection's state as of a position: its figures, kept by the snapshot and the
/// checkpoint alike.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Saved {
    pub position: u64,
    pub figures: Figures,
}

/// A copy of a projection's state at a position, taken every N events, so that a rebuild
/// starts there rather than at 0. Only valid if the code that runs now built that state
/// from its start: a snapshot taken after a fix still holds what the bug added before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub saved: Saved,
    /// The code version that built the state from its start (or `u32::MAX`: more than one).
    pub code: u32,
}

/// A rebuild in progress: reading again from `from`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rebuild {
    pub from: u64,
    pub started_us: Micros,
    /// Emails it had sent again before this rebuild, so that this one's are counted alone.
    pub resent_before: u64,
}

/// A finished rebuild, as the numbers show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RebuildDone {
    pub from: u64,
    pub replayed: u64,
    pub took_us: Micros,
    /// Emails sent again during it (the emails projection without its replay guard).
    pub resent: u64,
    /// Whether it started from a snapshot.
    pub from_snapshot: bool,
}

/// What the emails projection has sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Emails {
    /// Emails sent for events it met the first time.
    pub sent: u64,
    /// Emails sent again for events it met before (a replay without the guard).
    pub resent: u64,
    /// Emails held back during a replay by the guard.
    pub held_back: u64,
}

#[derive(Clone, Debug)]
pub struct Projection {
    pub kind: ProjectionKind,
    /// Events applied.
    pub position: u64,
    /// The batch it is reading ends here (equal to `position` when it reads none).
    pub reading_to: u64,
    /// What it recorded last: it resumes here after a stop.
    pub checkpoint: Saved,
    pub figures: Figures,
    /// A pass is on the agenda.
    pub scheduled: bool,
    /// The furthest it has ever read: below this, it is replaying.
    pub high_water: u64,
    /// Its code's version: each change of code (a bug shipped, a bug fixed) makes it one more.
    pub code: u32,
    /// The code version that built its figures from their start: set by a rebuild, stale as
    /// soon as the code changes.
    pub built_by: u32,
    pub snapshot: Option<Snapshot>,
    pub snapshots_taken: u64,
    pub rebuild: Option<Rebuild>,
    pub last_rebuild: Option<RebuildDone>,
    pub emails: Emails,
    /// Recent append-to-applied delays.
    pub delays: Ring<Micros>,
}

/// How an event is applied: with the dashboard's bug or not, with the replay guard or not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Code {
    /// The dashboard adds refunds instead of subtracting them.
    pub refund_bug: bool,
    /// Handlers with side effects do not run while replaying.
    pub replay_guard: bool,
}

impl Projection {
    pub fn new(kind: ProjectionKind) -> Projection {
        Projection {
            kind,
            position: 0,
            reading_to: 0,
            checkpoint: Saved::default(),
            figures: Figures::default(),
            scheduled: false,
            high_water: 0,
            code: 0,
            built_by: 0,
            snapshot: None,
            snapshots_taken: 0,
            rebuild: None,
            last_rebuild: None,
            emails: Emails::default(),
            delays: Ring::new(DELAYS_KEPT),
        }
    }

    /// Whether it is reading events it had read before.
    pub fn replaying(&self) -> bool {
        self.position < self.high_water
    }

    /// Applies the event at `self.position` and moves on; takes a snapshot every
    /// `snapshot_every` events (0: never).
    pub fn apply(&mut self, e: &StoredEvent, code: Code, snapshot_every: u64, now: Micros) {
        let replay = self.replaying();
        match (self.kind, e.kind) {
            (ProjectionKind::Dashboard, StoreKind::Cancelled) if code.refund_bug => {
                // The bug: a refund counted as a sale.
                self.figures.cancelled += 1;
                self.figures.sales_cents += e.amount_cents;
            }
            (ProjectionKind::Emails, StoreKind::Placed | StoreKind::Cancelled) => {
                self.figures.apply(e);
                match (replay, code.replay_guard) {
                    (false, _) => self.emails.sent += 1,
                    (true, false) => self.emails.resent += 1,
                    (true, true) => self.emails.held_back += 1,
                }
            }
            _ => self.figures.apply(e),
        }
        self.position += 1;
        self.high_water = self.high_water.max(self.position);
        if !replay {
            self.delays.push(now.saturating_sub(e.at_us));
        }
        if snapshot_every > 0 && self.position % snapshot_every == 0 {
            let code = if self.built_by == self.code { self.code } else { u32::MAX };
            self.snapshot = Some(Snapshot { saved: self.saved(), code });
            self.snapshots_taken += 1;
        }
    }

    pub fn saved(&self) -> Saved {
        Saved { position: self.position, figures: self.figures }
    }

    /// Goes back to `to`, dropping any batch it was reading.
    pub fn restore(&mut self, to: Saved) {
        self.position = to.position;
        self.reading_to = to.position;
        self.figures = to.figures;
        self.checkpoint = to;
    }

    /// The snapshot a rebuild may start from: one its current code took.
    pub fn usable_snapshot(&self) -> Option<Snapshot> {
        self.snapshot.filter(|s| s.code == self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event_store::{EventStore, StoreKind};

    fn store() -> EventStore {
        let mut s = EventStore::default();
        for order in 1..=40 {
            s.append(order, 0, StoreKind::Placed, order * 1000).unwrap();
            if order % 4 == 0 {
                s.append(order, 1, StoreKind::Cancelled, order * 1000 + 1).unwrap();
            }
        }
        s
    }

    fn run(p: &mut Projection, s: &EventStore, code: Code, every: u64) {
        while p.position < s.log.len() {
            let e = *s.log.get(p.position).unwrap();
            p.apply(&e, code, every, 0);
        }
    }

    #[test]
    fn a_correct_projection_equals_the_fold_and_the_buggy_dashboard_adds_refunds() {
        let s = store();
        let mut ok = Projection::new(ProjectionKind::Dashboard);
        run(&mut ok, &s, Code::default(), 0);
        assert_eq!(ok.figures, s.log.figures());
        let mut bad = Projection::new(ProjectionKind::Dashboard);
        run(&mut bad, &s, Code { refund_bug: true, ..Code::default() }, 0);
        let refunds: i64 =
            s.log.range(0, s.log.len()).filter(|e| e.kind == StoreKind::Cancelled).map(|e| e.amount_cents).sum();
        assert_eq!(bad.figures.sales_cents, s.log.figures().sales_cents + 2 * refunds);
    }

    #[test]
    fn a_replay_resends_emails_unless_guarded() {
        let s = store();
        for guard in [false, true] {
            let code = Code { replay_guard: guard, ..Code::default() };
            let mut p = Projection::new(ProjectionKind::Emails);
            run(&mut p, &s, code, 0);
            assert_eq!(p.emails.sent, 50, "40 confirmations and 10 cancellations");
            p.restore(Saved::default());
            run(&mut p, &s, code, 0);
            let again = if guard { (0, 50) } else { (50, 0) };
            assert_eq!((p.emails.sent, p.emails.resent, p.emails.held_back), (50, again.0, again.1));
        }
    }

    #[test]
    fn snapshots_are_taken_every_n_events_and_only_the_code_that_took_them_uses_them() {
        let s = store();
        let mut p = Projection::new(ProjectionKind::History);
        run(&mut p, &s, Code::default(), 16);
        assert_eq!((p.snapshots_taken, p.snapshot.unwrap().saved.position), (3, 48));
        assert_eq!(p.snapshot.unwrap().saved.figures, s.log.figures_at(48));
        assert!(p.usable_snapshot().is_some());
        p.code += 1;
        assert_eq!(p.usable_snapshot(), None);
        // Snapshots taken after the change hold figures partly built by the old code.
        run(&mut p, &s, Code::default(), 1);
        p.restore(Saved::default());
        run(&mut p, &s, Code::default(), 1);
        assert_eq!(p.snapshot.unwrap().code, u32::MAX);
        assert_eq!(p.usable_snapshot(), None);
        p.built_by = p.code;
        p.restore(Saved::default());
        run(&mut p, &s, Code::default(), 1);
        assert!(p.usable_snapshot().is_some());
    }
}
