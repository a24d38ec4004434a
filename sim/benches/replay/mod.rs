//! The replay workload, shared by the native bench (`sim/benches/replay.rs`) and the browser
//! one (`tests/core_bench.rs`): an event store of more than 100,000 events, then a read model
//! rebuilt from position 0 (and, beside it, from a snapshot) until it has caught up. Only the
//! rebuild is timed; the store is built once, untimed, and each timed run starts from a copy.

use fanout_sim::projection::ProjectionKind;
use fanout_sim::{Action, Setup, Sim, Storage, Wiring, SEC};

/// Events the store must hold at least.
pub const EVENTS: u64 = 100_000;

/// A checkout kept as events, request-driven with nobody to call (so that building the store
/// costs little), run until the log holds `EVENTS`, with a snapshot of each read model every
/// `snapshot_every` events (0: none); then no new orders, and every read model caught up.
pub fn store(snapshot_every: u64) -> Sim {
    let setup = Setup { wiring: Wiring::Request, rate: Some(2_000.0), seed: 3, ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).expect("a valid setup");
    for key in sim.scenario().initial.clone() {
        sim.apply(Action::RemoveSubscriber { service: key }).expect("wired");
    }
    sim.apply(Action::SetStorage { storage: Storage::EventSourced }).expect("valid");
    sim.apply(Action::SetSnapshots { every: snapshot_every }).expect("valid");
    while sim.log_events() < EVENTS {
        let t = sim.now() + SEC;
        sim.run_until(t);
    }
    sim.apply(Action::SetRate { rate: 0.0 }).expect("valid");
    caught_up(&mut sim, ProjectionKind::Dashboard);
    sim
}

/// Runs `sim` until the read model has nothing left to read.
pub fn caught_up(sim: &mut Sim, kind: ProjectionKind) {
    while sim.projection_view(kind).lag_events > 0 || sim.projection_view(kind).rebuilding_from.is_some() {
        let t = sim.now() + 10 * SEC;
        sim.run_until(t);
    }
}

/// Rebuilds the dashboard in `sim` (a copy of the store); returns the events it read.
pub fn rebuild(mut sim: Sim) -> u64 {
    sim.apply(Action::Rebuild { projection: ProjectionKind::Dashboard }).expect("valid");
    caught_up(&mut sim, ProjectionKind::Dashboard);
    let v = sim.projection_view(ProjectionKind::Dashboard);
    assert!(!v.wrong(), "a rebuild agrees with the log");
    v.last_rebuild.expect("finished").replayed
}

/// The best of `runs` timed rebuilds (seconds by `now`), and the events each read.
pub fn best_of(store: &Sim, runs: usize, now: impl Fn() -> f64) -> (u64, f64) {
    let mut best = f64::INFINITY;
    let mut events = 0;
    for _ in 0..runs {
        let copy = store.clone();
        let t = now();
        events = std::hint::black_box(rebuild(copy));
        best = best.min(now() - t);
    }
    (events, best)
}

/// One line of the report: `replay TAG FROM: N events in T ms (R M events/s)`.
pub fn line(tag: &str, from: &str, events: u64, seconds: f64) -> String {
    format!(
        "replay {tag} {from:<14} {events:>7} events in {:>7.1} ms ({:.1} M events/s)",
        seconds * 1e3,
        events as f64 / seconds / 1e6
    )
}
