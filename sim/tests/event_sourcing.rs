//! The event-sourcing lesson, stated as numbers: read models lag the log and catch up; a
//! stopped one is behind, a buggy one is wrong; after a fix a rebuild from position 0 agrees
//! with the fold; a replay resends every email unless guarded; snapshots change the time a
//! rebuild takes and nothing else; two writers of one order meet a conflict, where rows
//! lose an update unseen.

mod common;

use fanout_sim::event_store::StoreKind;
use fanout_sim::narration::NoteKind;
use fanout_sim::projection::ProjectionKind::{self, Dashboard, Emails, History};
use fanout_sim::sourcing::{ProjectionView, SourcingView};
use fanout_sim::{Action, Fault, FaultSpec, Setup, Sim, Storage, MS, SEC};
use proptest::prelude::*;

/// The checkout kept as events, 10 orders a second, a fifth of them cancelled.
fn sourced(faults: Vec<FaultSpec>) -> Sim {
    let setup = Setup { rate: Some(10.0), seed: 7, faults, ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).unwrap();
    sim.apply(Action::SetStorage { storage: Storage::EventSourced }).unwrap();
    sim.apply(Action::SetCancelShare { share: 0.2 }).unwrap();
    sim
}

fn view(sim: &Sim, kind: ProjectionKind) -> ProjectionView {
    sim.sourcing_view().projections.into_iter().find(|p| p.kind == kind).unwrap()
}

/// Stops new orders and lets every read model catch up.
fn settle(sim: &mut Sim) -> SourcingView {
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    let t = sim.now() + 30 * SEC;
    sim.run_until(t);
    sim.audit().unwrap();
    sim.sourcing_view()
}

fn during(fault: Fault, from_s: u64, until_s: u64) -> FaultSpec {
    FaultSpec { fault, from_us: from_s * SEC, until_us: Some(until_s * SEC) }
}

#[test]
fn read_models_lag_the_log_by_a_moment_and_catch_up() {
    let mut sim = sourced(vec![]);
    sim.run_until(20 * SEC);
    let v = sim.sourcing_view();
    assert!(v.events > 200, "orders and cancellations: {}", v.events);
    for p in &v.projections {
        // Behind by at most what arrived since the last pass, never wrong.
        assert!(p.lag_events < 20, "{:?} lags {}", p.kind, p.lag_events);
        assert!(!p.wrong(), "{:?}", p.kind);
        assert!(p.stale.p95_us >= 50 * MS && p.stale.p95_us < 300 * MS, "{:?}: {:?}", p.kind, p.stale);
    }
    let v = settle(&mut sim);
    for p in &v.projections {
        assert_eq!((p.lag_events, p.figures), (0, v.figures), "{:?}", p.kind);
    }
    assert_eq!(v.figures.orders, sim.headline().succeeded);
}

#[test]
fn a_stopped_read_model_is_behind_but_not_wrong() {
    let mut sim = sourced(vec![during(Fault::ProjectionDown { projection: History }, 5, 15)]);
    sim.run_until(14 * SEC);
    let h = view(&sim, History);
    assert!(h.stopped && h.lag_events > 80, "about ten seconds of events: {}", h.lag_events);
    assert!(h.lag_us > 8 * SEC, "{}", h.lag_us);
    assert!(!h.wrong(), "its figures are the fold of the log up to its position");
    assert!(h.figures.orders < sim.sourcing_view().figures.orders);
    sim.run_until(17 * SEC);
    let h = view(&sim, History);
    assert!(h.lag_events < 20 && !h.wrong(), "caught up in a second or two: {}", h.lag_events);
}

#[test]
fn a_buggy_dashboard_is_wrong_stays_wrong_after_the_fix_and_agrees_after_a_rebuild_from_zero() {
    let mut sim = sourced(vec![during(Fault::DashboardBug, 0, 20)]);
    sim.apply(Action::SetSnapshots { every: 100 }).unwrap();
    sim.run_until(19 * SEC);
    let d = view(&sim, Dashboard);
    assert!(d.buggy && d.wrong());
    assert!(
        d.figures.sales_cents > d.truth.sales_cents,
        "refunds added: {} vs {}",
        d.figures.sales_cents,
        d.truth.sales_cents
    );
    // Orders and cancellations are counted right; only the money is wrong.
    assert_eq!((d.figures.orders, d.figures.cancelled), (d.truth.orders, d.truth.cancelled));
    assert!(!view(&sim, History).wrong());

    sim.run_until(30 * SEC);
    let d = view(&sim, Dashboard);
    assert!(!d.buggy && d.wrong(), "fixing the code does not fix the figures it already made");
    assert!(d.snapshot_stale, "its snapshot was taken by the buggy code");

    sim.apply(Action::Rebuild { projection: Dashboard }).unwrap();
    assert!(matches!(sim.notes().last().unwrap().kind, NoteKind::RebuildStarted { projection: Dashboard, from: 0 }));
    let d = view(&sim, Dashboard);
    assert_eq!((d.position, d.rebuilding_from), (0, Some(0)), "from position 0: no snapshot of this code");
    sim.run_until(36 * SEC);
    let d = view(&sim, Dashboard);
    assert!(d.rebuilding_from.is_none() && !d.wrong(), "caught up and right");
    let done = d.last_rebuild.unwrap();
    assert_eq!(done.from, 0);
    assert!(done.replayed > 300 && done.took_us > 500 * MS, "{done:?}");
    let v = settle(&mut sim);
    assert_eq!(view(&sim, Dashboard).figures, v.figures);
}

#[test]
fn a_replay_resends_every_email_unless_the_guard_holds_them_back() {
    let mut resent = Vec::new();
    for guard in [false, true] {
        let mut sim = sourced(vec![]);
        sim.apply(Action::SetReplayGuard { on: guard }).unwrap();
        sim.run_until(20 * SEC);
        let before = settle(&mut sim);
        let e = view(&sim, Emails).emails;
        let emails = before.figures.orders + before.figures.cancelled;
        assert_eq!((e.sent, e.resent), (emails, 0), "one email per order and per cancellation");
        sim.apply(Action::Rebuild { projection: Emails }).unwrap();
        settle(&mut sim);
        let e = view(&sim, Emails);
        assert_eq!(e.emails.sent, emails, "no new events, so nothing new to send");
        assert_eq!(e.last_rebuild.unwrap().resent, e.emails.resent);
        resent.push((e.emails.resent, e.emails.held_back, emails));
    }
    let (n, _, emails) = resent[0];
    assert!(emails > 200);
    assert_eq!(resent, vec![(n, 0, emails), (0, emails, emails)]);
    assert_eq!(n, emails, "without the guard, every email again");
}

#[test]
fn snapshots_change_how_long_a_rebuild_takes_and_nothing_else() {
    let mut runs = Vec::new();
    for delete in [false, true] {
        let mut sim = sourced(vec![]);
        sim.apply(Action::SetSnapshots { every: 100 }).unwrap();
        sim.run_until(120 * SEC);
        settle(&mut sim);
        if delete {
            sim.apply(Action::DeleteSnapshot { projection: History }).unwrap();
        }
        let snap = view(&sim, History).snapshot;
        assert_eq!(snap.is_none(), delete);
        sim.apply(Action::Rebuild { projection: History }).unwrap();
        let v = settle(&mut sim);
        let h = view(&sim, History);
        assert_eq!(h.figures, v.figures);
        runs.push((h.last_rebuild.unwrap(), v.events));
    }
    let ((with, events), (without, _)) = (runs[0], runs[1]);
    assert!(events > 1000);
    assert!(with.from_snapshot && with.from > 0 && events - with.from < 100, "{with:?} of {events}");
    assert_eq!((without.from, without.replayed), (0, events));
    assert!(without.took_us > 8 * with.took_us, "{} vs {}", without.took_us, with.took_us);
}

#[test]
fn two_writers_of_one_order_meet_a_conflict_and_rows_lose_an_update() {
    let mut counts = Vec::new();
    for storage in [Storage::EventSourced, Storage::Rows] {
        let setup = Setup {
            rate: Some(10.0),
            seed: 3,
            faults: vec![during(Fault::ConcurrentWrites { share: 0.3 }, 0, 10)],
            ..Setup::default()
        };
        let mut sim = Sim::from_setup(&setup).unwrap();
        sim.apply(Action::SetStorage { storage }).unwrap();
        sim.run_until(10 * SEC);
        let v = settle(&mut sim);
        counts.push((v.conflicts, v.lost_updates, v.figures.address_changes));
        if storage == Storage::EventSourced {
            // Each shared order: placed, then both changes, the second one retried on top of
            // the first.
            let shared: Vec<u64> = sim
                .notes()
                .filter_map(|n| {
                    matches!(n.kind, NoteKind::StreamConflict { writer: 1, expected: 1, actual: 2 }).then_some(n.order)
                })
                .collect();
            assert!(!shared.is_empty());
            for order in shared {
                let stream = sim.stream(order);
                let kinds: Vec<StoreKind> = stream.iter().map(|(_, e, _)| e.kind).collect();
                assert_eq!(kinds, vec![StoreKind::Placed, StoreKind::AddressChanged, StoreKind::AddressChanged]);
                assert_eq!(stream.last().unwrap().2.address_changes, 2);
            }
        }
    }
    let (es, rows) = (counts[0], counts[1]);
    assert!(es.0 > 10, "about 30 orders shared: {es:?}");
    assert_eq!(es, (es.0, 0, 2 * es.0), "every conflict retried: both changes kept");
    assert_eq!(rows, (0, es.0, 0), "as rows, the same orders lose one change each, unseen");
}

#[test]
fn rows_keep_no_log_and_the_default_run_hashes_as_before() {
    let setup = Setup { rate: Some(10.0), seed: 7, ..Setup::default() };
    let mut plain = Sim::from_setup(&setup).unwrap();
    let mut sourced = Sim::from_setup(&setup).unwrap();
    sourced.apply(Action::SetStorage { storage: Storage::EventSourced }).unwrap();
    plain.run_until(10 * SEC);
    sourced.run_until(10 * SEC);
    assert_eq!(plain.sourcing_view().events, 0);
    // The shopper sees the same checkouts either way: the store is the service's business.
    assert_eq!(plain.headline().succeeded, sourced.headline().succeeded);
    assert_eq!(plain.headline().response, sourced.headline().response);
    assert_ne!(plain.trace_hash(), sourced.trace_hash());
}

proptest! {
    #![proptest_config(common::config(24))]

    /// Whatever happens on the way (stops, rebuilds, snapshots, concurrent writers), once
    /// nothing new arrives every read model with correct code equals the fold of the log.
    #[test]
    fn every_caught_up_projection_equals_the_fold(
        seed in 0u64..1000,
        cancel in 0.0..0.5f64,
        every in prop_oneof![Just(0u64), 1u64..300],
        steps in prop::collection::vec((0u64..20, common::sourcing_action(), common::sourcing_fault()), 0..8),
    ) {
        let setup = Setup { rate: Some(8.0), seed, ..Setup::default() };
        let mut sim = Sim::from_setup(&setup).unwrap();
        sim.apply(Action::SetStorage { storage: Storage::EventSourced }).unwrap();
        sim.apply(Action::SetCancelShare { share: cancel }).unwrap();
        sim.apply(Action::SetSnapshots { every }).unwrap();
        let mut steps = steps;
        steps.sort_by_key(|s| s.0);
        for (at_s, action, fault) in steps {
            sim.run_until(at_s * SEC);
            let _ = sim.apply(action);
            let _ = sim.apply(Action::Inject { fault: fault.clone() });
            sim.run_until(at_s * SEC + 500 * MS);
            let _ = sim.apply(Action::Clear { fault });
        }
        sim.run_until(21 * SEC);
        let _ = sim.apply(Action::SetStorage { storage: Storage::EventSourced });
        let _ = sim.apply(Action::Clear { fault: Fault::DashboardBug });
        for kind in ProjectionKind::ALL {
            sim.apply(Action::Rebuild { projection: kind }).unwrap();
        }
        let v = settle(&mut sim);
        for p in &v.projections {
            prop_assert_eq!(p.figures, v.figures, "{:?}", p.kind);
            prop_assert_eq!(p.lag_events, 0);
        }
        // Every stream's versions run 1, 2, 3... in log order.
        let mut seen = std::collections::HashMap::new();
        for (_, e) in sim.sourcing_view().latest {
            let _ = seen.insert(e.order, e.version);
        }
        for (order, version) in seen {
            let stream = sim.stream(order);
            prop_assert_eq!(stream.len() as u32, version);
            prop_assert!(stream.iter().enumerate().all(|(k, (_, e, _))| e.version == k as u32 + 1));
        }
    }

    /// Same seed and inputs, same run: the trace hash and the store agree.
    #[test]
    fn sourced_runs_are_deterministic(
        seed in 0u64..1000,
        steps in prop::collection::vec((0u64..10, common::sourcing_action()), 0..6),
    ) {
        let play = || {
            let setup = Setup { rate: Some(8.0), seed, ..Setup::default() };
            let mut sim = Sim::from_setup(&setup).unwrap();
            sim.apply(Action::SetStorage { storage: Storage::EventSourced }).unwrap();
            sim.apply(Action::Inject { fault: Fault::ConcurrentWrites { share: 0.3 } }).unwrap();
            let mut steps = steps.clone();
            steps.sort_by_key(|s| s.0);
            for (at_s, action) in steps {
                sim.run_until(at_s * SEC);
                let _ = sim.apply(action);
            }
            sim.run_until(12 * SEC);
            (sim.trace_hash(), sim.sourcing_view())
        };
        prop_assert_eq!(play(), play());
    }
}

/// The event-sourcing lesson, played headless: every prediction's right answer is the one
/// it teaches.
#[test]
fn the_event_sourcing_lesson_grades_what_it_teaches() {
    let right = common::lesson_truths("event-sourcing", 4);
    assert_eq!(
        right,
        ["stopped-wrong=behind", "fixed-right=wrong", "resend=all", "guarded=none", "snapshot-fast=faster", "conflicts=none"]
    );
}
