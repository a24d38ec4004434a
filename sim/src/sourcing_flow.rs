//! Event sourcing over time: the entry service appends each order's events to its stream
//! with the version it expects; two writers editing one order at once meet a conflict and
//! retry; read models follow the log in passes, stop, go wrong, and are rebuilt.

use crate::event_store::StoreKind;
use crate::metrics::StaleWindow;
use crate::narration::{NoteKind, SettingNote};
use crate::projection::{Code, ProjectionKind, Rebuild, RebuildDone, BATCH, CHECKPOINT_EVERY, NOTIFY_US, PER_EVENT_US};
use crate::scenario::Storage;
use crate::sim::{Ev, Sim};
use crate::sourcing::{ProjectionView, SourcingView, StreamView, EDIT_AFTER_US, WRITER_WORK_US};

/// Latest events of the log the view carries.
const LATEST_SHOWN: u64 = 8;

impl Sim {
    /// The order is saved: as its stream's first event, if the service keeps events; and a
    /// share of orders get two concurrent edits of their address, in either storage.
    pub(crate) fn store_saved(&mut self, order: u64) {
        if self.sourcing.on() {
            if self.sourcing.store.append(order, 0, StoreKind::Placed, self.now).is_ok() {
                self.kick_projections();
            }
        }
        let share = self.sourcing.concurrent_share;
        if share > 0.0 && self.sourcing.rng_concurrent.unit([order, 0, 0]) < share {
            for writer in 0..2 {
                self.push(self.now + EDIT_AFTER_US, Ev::StoreLoad { order, writer });
            }
        }
    }

    /// The order is cancelled: one more event on its stream (if it has one).
    pub(crate) fn store_cancelled(&mut self, order: u64) {
        let version = self.sourcing.store.version(order);
        if self.sourcing.on() && version > 0 {
            if self.sourcing.store.append(order, version, StoreKind::Cancelled, self.now).is_ok() {
                self.kick_projections();
            }
        }
    }

    /// A writer loads the order's stream (its version) and starts working on its change.
    pub(crate) fn store_load(&mut self, order: u64, writer: u8) {
        let expected = self.sourcing.store.version(order);
        self.push(self.now + WRITER_WORK_US[writer as usize], Ev::StoreWrite { order, writer, expected });
    }

    /// A writer appends its change, expecting the stream where it loaded it. Kept as rows,
    /// the later writer simply overwrites the earlier one's change, which is lost unseen.
    pub(crate) fn store_write(&mut self, order: u64, writer: u8, expected: u32) {
        if !self.sourcing.on() {
            if writer == 1 {
                self.sourcing.lost_updates += 1;
                self.note(order, NoteKind::LostUpdate);
            }
            return;
        }
        if expected == 0 {
            // The order was saved before its service kept events: it has no stream to edit.
            return;
        }
        match self.sourcing.store.append(order, expected, StoreKind::AddressChanged, self.now) {
            Ok(_) => self.kick_projections(),
            Err(e) => {
                self.sourcing.conflicts += 1;
                self.note(order, NoteKind::StreamConflict { writer, expected: e.expected, actual: e.actual });
                // Load the stream again and redo the change on top of what is there now.
                self.push(self.now, Ev::StoreLoad { order, writer });
            }
        }
    }

    fn projection_stopped(&self, kind: ProjectionKind) -> bool {
        self.faults.projection_down(kind)
    }

    fn projection_code(&self, kind: ProjectionKind) -> Code {
        Code {
            refund_bug: kind == ProjectionKind::Dashboard && self.faults.dashboard_bug(),
            replay_guard: self.sourcing.replay_guard,
        }
    }

    /// Wakes every read model that is idle, running and behind.
    pub(crate) fn kick_projections(&mut self) {
        let head = self.sourcing.store.log.len();
        for kind in ProjectionKind::ALL {
            let stopped = self.projection_stopped(kind);
            let p = &mut self.sourcing.projections[kind.index()];
            if !p.scheduled && !stopped && p.position < head {
                p.scheduled = true;
                self.push(self.now + NOTIFY_US, Ev::Project { projection: kind });
            }
        }
    }

    /// A read model's pass: the batch it was reading is applied, and the next one begins.
    pub(crate) fn project(&mut self, kind: ProjectionKind) {
        if self.projection_stopped(kind) {
            self.sourcing.projections[kind.index()].scheduled = false;
            return;
        }
        let code = self.projection_code(kind);
        let every = self.sourcing.snapshot_every;
        let now = self.now;
        let head = self.sourcing.store.log.len();
        let log = &self.sourcing.store.log;
        let p = &mut self.sourcing.projections[kind.index()];
        while p.position < p.reading_to {
            let e = *log.get(p.position).expect("read below the head");
            p.apply(&e, code, every, now);
        }
        if p.position - p.checkpoint.position >= CHECKPOINT_EVERY || p.position == head {
            p.checkpoint = p.saved();
        }
        let mut done = None;
        if p.position == head {
            if let Some(r) = p.rebuild.take() {
                let d = RebuildDone {
                    from: r.from,
                    replayed: head - r.from,
                    took_us: now - r.started_us,
                    resent: p.emails.resent - r.resent_before,
                    from_snapshot: r.from > 0,
                };
                p.last_rebuild = Some(d);
                done = Some(d);
            }
        }
        let n = (head - p.position).min(BATCH);
        if n == 0 {
            p.scheduled = false;
        } else {
            p.reading_to = p.position + n;
            self.push(now + n * PER_EVENT_US, Ev::Project { projection: kind });
        }
        if let Some(done) = done {
            self.note(0, NoteKind::RebuildDone { projection: kind, done });
        }
    }

    /// A read model is stopped: what it read since its last checkpoint is lost, and it
    /// resumes there.
    pub(crate) fn projection_went_down(&mut self, kind: ProjectionKind) {
        let p = &mut self.sourcing.projections[kind.index()];
        let to = p.checkpoint;
        p.restore(to);
    }

    /// Resets a read model and reads the log again: from the latest snapshot its current
    /// code took, or from position 0.
    pub(crate) fn rebuild(&mut self, kind: ProjectionKind) {
        let now = self.now;
        let p = &mut self.sourcing.projections[kind.index()];
        let start = p.usable_snapshot().map(|s| s.saved).unwrap_or_default();
        p.restore(start);
        p.built_by = p.code;
        p.rebuild = Some(Rebuild { from: start.position, started_us: now, resent_before: p.emails.resent });
        self.note(0, NoteKind::RebuildStarted { projection: kind, from: start.position });
        self.kick_projections();
        // Already at the head (an empty log, or a snapshot taken there): done at once.
        let p = &self.sourcing.projections[kind.index()];
        if !p.scheduled && p.position == self.sourcing.store.log.len() {
            self.project(kind);
        }
    }

    pub(crate) fn delete_snapshot(&mut self, kind: ProjectionKind) {
        self.sourcing.projections[kind.index()].snapshot = None;
        self.note(0, NoteKind::SnapshotDeleted { projection: kind });
    }

    pub(crate) fn set_storage(&mut self, storage: Storage) {
        if storage != self.sourcing.storage {
            self.sourcing.storage = storage;
            self.note(0, NoteKind::SettingChanged { service: None, setting: SettingNote::Storage(storage) });
        }
    }

    pub(crate) fn set_snapshot_every(&mut self, every: u64) {
        if every != self.sourcing.snapshot_every {
            self.sourcing.snapshot_every = every;
            self.note(0, NoteKind::SettingChanged { service: None, setting: SettingNote::SnapshotEvery(every) });
        }
    }

    pub(crate) fn set_replay_guard(&mut self, on: bool) {
        if on != self.sourcing.replay_guard {
            self.sourcing.replay_guard = on;
            self.note(0, NoteKind::SettingChanged { service: None, setting: SettingNote::ReplayGuard(on) });
        }
    }

    /// How the entry service keeps its orders now.
    pub fn storage(&self) -> Storage {
        self.sourcing.storage
    }

    /// The order of the newest event in the store, if any.
    pub fn latest_stored_order(&self) -> Option<u64> {
        let log = &self.sourcing.store.log;
        log.len().checked_sub(1).and_then(|p| log.get(p)).map(|e| e.order)
    }

    /// The dashboard's code changed (a bug shipped or fixed): its snapshots no longer apply.
    pub(crate) fn dashboard_code_changed(&mut self) {
        self.sourcing.projections[ProjectionKind::Dashboard.index()].code += 1;
    }

    /// Each read model reads below the head, records no further than it read, and, running
    /// and behind, has a pass on the agenda.
    pub(crate) fn audit_sourcing(&self) -> Result<(), String> {
        let head = self.sourcing.store.log.len();
        for kind in ProjectionKind::ALL {
            let p = self.sourcing.projection(kind);
            let k = kind.key();
            if !(p.checkpoint.position <= p.position && p.position <= p.reading_to && p.reading_to <= head) {
                return Err(format!(
                    "read model {k}: checkpoint {} position {} reading to {} head {head}",
                    p.checkpoint.position, p.position, p.reading_to
                ));
            }
            if !self.projection_stopped(kind) && p.position < head && !p.scheduled {
                return Err(format!("read model {k}: behind by {} with no pass on the agenda", head - p.position));
            }
            if p.high_water < p.position {
                return Err(format!("read model {k}: read to {} beyond its high water {}", p.position, p.high_water));
            }
        }
        Ok(())
    }

    // ----- views -----

    fn projection_view_of(&self, kind: ProjectionKind) -> ProjectionView {
        let log = &self.sourcing.store.log;
        let p = self.sourcing.projection(kind);
        ProjectionView {
            kind,
            position: p.position,
            checkpoint: p.checkpoint.position,
            lag_events: log.len() - p.position,
            lag_us: log.get(p.position).map_or(0, |e| self.now.saturating_sub(e.at_us)),
            figures: p.figures,
            truth: log.figures_at(p.position),
            stopped: self.projection_stopped(kind),
            buggy: self.projection_code(kind).refund_bug,
            replaying: p.replaying(),
            rebuilding_from: p.rebuild.map(|r| r.from),
            last_rebuild: p.last_rebuild,
            snapshot: p.snapshot,
            snapshot_stale: p.snapshot.is_some_and(|x| x.code != p.code),
            snapshots_taken: p.snapshots_taken,
            emails: p.emails,
            stale: StaleWindow::of(p.delays.iter().copied().collect()),
        }
    }

    pub fn sourcing_view(&self) -> SourcingView {
        let s = &self.sourcing;
        let log = &s.store.log;
        let head = log.len();
        let projections = ProjectionKind::ALL.iter().map(|&kind| self.projection_view_of(kind)).collect();
        let from = head.saturating_sub(LATEST_SHOWN);
        SourcingView {
            storage: s.storage,
            events: head,
            figures: log.figures(),
            conflicts: s.conflicts,
            lost_updates: s.lost_updates,
            snapshot_every: s.snapshot_every,
            replay_guard: s.replay_guard,
            projections,
            latest: (from..head).map(|p| (p, *log.get(p).expect("below head"))).collect(),
        }
    }

    /// One read model as the page shows it (the same as in [`Sim::sourcing_view`]).
    pub fn projection_view(&self, kind: ProjectionKind) -> ProjectionView {
        self.projection_view_of(kind)
    }

    /// Events in the entry service's store.
    pub fn log_events(&self) -> u64 {
        self.sourcing.store.log.len()
    }

    /// One order's stream, each event with the order's state after it.
    pub fn stream(&self, order: u64) -> StreamView {
        self.sourcing.store.log.stream(order)
    }
}
