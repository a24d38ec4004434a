//! Event sourcing at the entry service: its store, its read models and the lab's settings
//! for them. The behaviour over time is in `sourcing_flow.rs`; what the page draws is
//! [`SourcingView`].

use crate::event_store::{EventStore, Figures, OrderState, StoredEvent};
use crate::metrics::StaleWindow;
use crate::projection::{Emails, Projection, ProjectionKind, RebuildDone, Snapshot};
use crate::rng::Keyed;
use crate::scenario::Storage;
use crate::time::{Micros, MS};

/// A shared order's two writers load its stream this long after it was saved.
pub const EDIT_AFTER_US: Micros = 150 * MS;
/// How long each of the two writers works between loading the stream and appending.
pub const WRITER_WORK_US: [Micros; 2] = [20 * MS, 35 * MS];
/// Most snapshots-every setting accepted.
pub const MAX_SNAPSHOT_EVERY: u64 = 1_000_000;

#[derive(Clone)]
pub(crate) struct Sourcing {
    pub storage: Storage,
    pub store: EventStore,
    pub projections: [Projection; 3],
    /// A snapshot of each read model every this many events; 0: none.
    pub snapshot_every: u64,
    pub replay_guard: bool,
    /// Appends refused for a stale expected version (each is retried).
    pub conflicts: u64,
    /// Rows overwritten by a second writer that never saw the first's change.
    pub lost_updates: u64,
    /// The share of orders two writers change at once, looked up when faults change rather
    /// than on every save.
    pub concurrent_share: f64,
    pub rng_concurrent: Keyed,
}

impl Sourcing {
    pub fn new(seed: u64) -> Sourcing {
        Sourcing {
            storage: Storage::Rows,
            store: EventStore::default(),
            projections: ProjectionKind::ALL.map(Projection::new),
            snapshot_every: 0,
            replay_guard: false,
            conflicts: 0,
            lost_updates: 0,
            concurrent_share: 0.0,
            rng_concurrent: Keyed::derive(seed, "concurrent-writes"),
        }
    }

    pub fn on(&self) -> bool {
        self.storage == Storage::EventSourced
    }

    pub fn projection(&self, kind: ProjectionKind) -> &Projection {
        &self.projections[kind.index()]
    }
}

/// What the page shows of one read model.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectionView {
    pub kind: ProjectionKind,
    pub position: u64,
    pub checkpoint: u64,
    /// Events in the log it has not applied.
    pub lag_events: u64,
    /// How long the oldest of those has waited; 0 when it is caught up.
    pub lag_us: Micros,
    pub figures: Figures,
    /// What a correct fold of the log gives at its position: if its figures differ, it is
    /// wrong, not just behind.
    pub truth: Figures,
    pub stopped: bool,
    pub buggy: bool,
    pub replaying: bool,
    /// A rebuild in progress: where it started.
    pub rebuilding_from: Option<u64>,
    pub last_rebuild: Option<RebuildDone>,
    pub snapshot: Option<Snapshot>,
    /// The snapshot was taken by code it no longer runs.
    pub snapshot_stale: bool,
    pub snapshots_taken: u64,
    pub emails: Emails,
    /// Recent append-to-applied delays: how stale a read of it is.
    pub stale: StaleWindow,
}

/// Behind by fewer events than this, a running read model is keeping up: a pass or two.
pub const KEEPING_UP: u64 = 5;

/// Where a read model stands, most telling first: the page words it, the stage piles up the
/// ones that are not keeping up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Condition {
    /// Its figures differ from the fold of the log at its position.
    Wrong,
    Stopped,
    Rebuilding {
        from: u64,
    },
    /// Right, and [`KEEPING_UP`] events behind or more.
    Behind,
    /// Right, and a pass or two behind, as a projection always is.
    KeepingUp,
    CaughtUp,
}

impl Condition {
    /// Not keeping up: the stage draws its unread events as a pile.
    pub fn needs_attention(self) -> bool {
        !matches!(self, Condition::KeepingUp | Condition::CaughtUp)
    }
}

impl ProjectionView {
    pub fn wrong(&self) -> bool {
        self.figures != self.truth
    }

    pub fn condition(&self) -> Condition {
        match self {
            _ if self.wrong() => Condition::Wrong,
            _ if self.stopped => Condition::Stopped,
            ProjectionView { rebuilding_from: Some(from), .. } => Condition::Rebuilding { from: *from },
            _ if self.lag_events >= KEEPING_UP => Condition::Behind,
            _ if self.lag_events > 0 => Condition::KeepingUp,
            _ => Condition::CaughtUp,
        }
    }
}

/// What the page shows of the event store and its read models.
#[derive(Clone, Debug, PartialEq)]
pub struct SourcingView {
    pub storage: Storage,
    pub events: u64,
    /// The fold of the whole log.
    pub figures: Figures,
    pub conflicts: u64,
    pub lost_updates: u64,
    pub snapshot_every: u64,
    pub replay_guard: bool,
    pub projections: Vec<ProjectionView>,
    /// The latest events of the log, oldest first (a few, for the page to draw).
    pub latest: Vec<(u64, StoredEvent)>,
}

/// One order's stream: each event with its position in the log and the order's state after
/// it.
pub type StreamView = Vec<(u64, StoredEvent, OrderState)>;
