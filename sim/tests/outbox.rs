//! The outbox lesson, stated as numbers: the dual write's crash loses events and the outbox
//! loses none; a relay crash stores a row twice and only an idempotent consumer shrugs it
//! off; a stopped relay piles rows up and drains them on its return.

mod common;

use fanout_sim::narration::NoteKind;
use fanout_sim::outbox::RelayState;
use fanout_sim::{Action, Fault, FaultSpec, Publishing, Setup, Sim, SEC};
use proptest::prelude::*;

const PAYMENT: &str = "payment";

/// The checkout, event-driven at 5 orders a second for 20 s under `faults`, then quiet
/// until everything has settled.
fn run(publishing: Publishing, faults: Vec<FaultSpec>, idempotent: bool) -> Sim {
    let setup = Setup { rate: Some(5.0), seed: 11, faults, ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).unwrap();
    sim.apply(Action::SetPublishing { publishing }).unwrap();
    sim.apply(Action::AddSubscriber { service: PAYMENT.into(), from: Default::default() }).unwrap();
    if idempotent {
        sim.apply(Action::SetIdempotent { service: PAYMENT.into(), on: true }).unwrap();
    }
    sim.run_until(20 * SEC);
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    sim.run_until(60 * SEC);
    sim.audit().unwrap();
    sim
}

fn during(fault: Fault, until_s: u64) -> FaultSpec {
    FaultSpec { fault, from_us: 0, until_us: Some(until_s * SEC) }
}

fn payment(sim: &Sim) -> &fanout_sim::consumer::Consumer {
    sim.consumer(sim.scenario().catalog_index(PAYMENT).unwrap() as u16)
}

/// Orders whose process died after the commit, and whether their event was kept.
fn crashed(sim: &Sim) -> Vec<(u64, bool)> {
    sim.notes()
        .filter_map(|n| match n.kind {
            NoteKind::CrashedAfterCommit { kept } => Some((n.order, kept)),
            _ => None,
        })
        .collect()
}

fn logged_orders(sim: &Sim) -> Vec<u64> {
    sim.topic().partitions.iter().flat_map(|p| p.entries.iter().map(|e| e.order)).collect()
}

#[test]
fn the_dual_write_loses_events_to_a_crash_and_the_outbox_loses_none() {
    let crash = || vec![during(Fault::CrashAfterCommit { share: 0.2 }, 20)];
    let direct = run(Publishing::Direct, crash(), false);
    let outbox = run(Publishing::OutboxPolling, crash(), false);

    // The same orders crash in both modes: the fault is drawn per order. (The log of notes
    // keeps the latest ones; the counters count them all.)
    let (d, o) = (crashed(&direct), crashed(&outbox));
    let crashes = direct.outbox().commit_crashes;
    assert!(crashes >= 10, "a fifth of about 100 orders: {crashes}");
    assert_eq!(outbox.outbox().commit_crashes, crashes);
    assert!(!d.is_empty());
    assert_eq!(d.iter().map(|c| c.0).collect::<Vec<_>>(), o.iter().map(|c| c.0).collect::<Vec<_>>());
    assert!(d.iter().all(|c| !c.1) && o.iter().all(|c| c.1));

    // Dual write: each crashed order exists, and no event of it was ever stored.
    let lost = direct.outbox().lost;
    assert_eq!(lost.crash_after_commit, crashes);
    let logged = logged_orders(&direct);
    assert!(d.iter().all(|(order, _)| !logged.contains(order)), "a lost order reached the log");
    let h = direct.headline();
    assert_eq!(h.published + lost.total(), h.succeeded + lost.crash_after_commit);
    // Payment charged only the orders it heard of.

    // Outbox: the same crashes, the shoppers saw the same errors, and every event went out.
    let view = outbox.outbox();
    assert_eq!(view.lost.total(), 0);
    assert_eq!((view.pending_total, view.committed, view.marked), (0, h.succeeded + crashes, view.committed));
    // Payment heard of every order but the lost ones in the dual write; of all with the outbox.
    let (pd, po) = (payment(&direct), payment(&outbox));
    assert_eq!((pd.expected, po.expected), (pd.value, po.value));
    assert!(pd.value < po.value, "the dual write charged less: {} vs {}", pd.value, po.value);
    assert_eq!(outbox.headline().failed, h.failed);
    assert_eq!(outbox.headline().published, view.committed);
    let logged = logged_orders(&outbox);
    assert!(o.iter().all(|(order, _)| logged.contains(order)), "a crashed order's row was not published");
}

#[test]
fn a_relay_crash_stores_rows_twice_and_only_an_idempotent_consumer_charges_once() {
    let faults = || vec![during(Fault::RelayCrash { share: 0.1 }, 20)];
    let plain = run(Publishing::OutboxPolling, faults(), false);
    let view = plain.outbox();
    assert!(view.relay_crashes >= 3, "{view:?}");
    assert!(view.republished >= view.relay_crashes, "each crash leaves at least its own row to publish again");
    assert_eq!(plain.headline().published, view.committed + view.republished);
    let p = payment(&plain);
    assert!(p.duplicates > 0 && p.value > p.expected, "charged twice: {} vs {}", p.value, p.expected);
    // Every duplicate here is a second copy from the relay (counted over all five consumers).
    assert!(view.duplicates_of_copies >= p.duplicates);
    assert_eq!(view.lost.total(), 0);

    let safe = run(Publishing::OutboxPolling, faults(), true);
    let p = payment(&safe);
    assert_eq!(safe.outbox().republished, view.republished, "the same crashes");
    assert_eq!((p.duplicates, p.value), (0, p.expected));
    assert!(p.skipped > 0 && p.skipped <= safe.outbox().duplicates_of_copies);
}

#[test]
fn a_stopped_relay_piles_rows_up_and_drains_them_when_back() {
    let setup = Setup { rate: Some(5.0), seed: 3, ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).unwrap();
    sim.apply(Action::SetPublishing { publishing: Publishing::OutboxTailing }).unwrap();
    sim.apply(Action::Inject { fault: Fault::RelayDown }).unwrap();
    sim.run_until(10 * SEC);
    let stopped = sim.outbox();
    assert_eq!(stopped.relay, RelayState::Stopped);
    assert!(stopped.pending_total >= 30, "{}", stopped.pending_total);
    assert_eq!(sim.headline().published, 0, "nothing reached the broker");
    assert_eq!(sim.headline().failed, 0, "yet every shopper was answered");
    let oldest = stopped.pending[0];
    assert!(sim.now() - oldest.committed_us > 9 * SEC, "the oldest row has waited since the start");
    sim.audit().unwrap();

    sim.apply(Action::Clear { fault: Fault::RelayDown }).unwrap();
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    sim.run_until(12 * SEC);
    let back = sim.outbox();
    assert_eq!((back.pending_total, back.relay), (0, RelayState::Running));
    assert_eq!(sim.headline().published, back.committed);
    sim.audit().unwrap();
}

#[test]
fn a_tailing_relay_publishes_sooner_than_a_polling_one() {
    let wait = |publishing| {
        let sim = run(publishing, Vec::new(), false);
        let view = sim.outbox();
        assert_eq!(view.sent.len(), fanout_sim::outbox::SENT_SHOWN);
        let waits: Vec<u64> = view.sent.iter().map(|r| r.sent_us.unwrap() - r.committed_us).collect();
        waits.iter().sum::<u64>() / waits.len() as u64
    };
    let (polling, tailing) = (wait(Publishing::OutboxPolling), wait(Publishing::OutboxTailing));
    // Both wait for the publish's round trip to the broker; polling waits for its tick too.
    assert!(polling > tailing + 150_000, "polling {polling} µs vs tailing {tailing} µs");
}

#[test]
fn cancellations_go_through_the_outbox_too() {
    let setup = Setup { rate: Some(5.0), seed: 5, ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).unwrap();
    sim.apply(Action::SetPublishing { publishing: Publishing::OutboxTailing }).unwrap();
    sim.apply(Action::SetCancelShare { share: 0.3 }).unwrap();
    sim.run_until(10 * SEC);
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    sim.run_until(20 * SEC);
    let h = sim.headline();
    assert!(h.cancelled > 0);
    assert_eq!(sim.outbox().committed, h.published + h.cancelled);
    sim.audit().unwrap();
}

#[test]
fn switching_back_to_the_dual_write_still_drains_the_table() {
    let setup = Setup { rate: Some(5.0), seed: 8, ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).unwrap();
    sim.apply(Action::SetPublishing { publishing: Publishing::OutboxPolling }).unwrap();
    sim.apply(Action::Inject { fault: Fault::RelayDown }).unwrap();
    sim.run_until(4 * SEC);
    let waiting = sim.outbox().pending_total as u64;
    assert!(waiting > 5);
    sim.apply(Action::SetPublishing { publishing: Publishing::Direct }).unwrap();
    sim.apply(Action::Clear { fault: Fault::RelayDown }).unwrap();
    sim.run_until(8 * SEC);
    assert_eq!(sim.outbox().pending_total, 0);
    assert_eq!(sim.outbox().committed, waiting);
    sim.audit().unwrap();
}

/// A fault of the outbox lab, or of the broker or the Order Service, for a while.
fn fault_window() -> impl Strategy<Value = FaultSpec> {
    let fault =
        prop_oneof![common::outbox_fault(), Just(Fault::BrokerDown), Just(Fault::Crash { service: "orders".into() }),];
    (fault, 0u64..20_000, 100u64..10_000).prop_map(|(fault, from_ms, len_ms)| FaultSpec {
        fault,
        from_us: from_ms * 1_000,
        until_us: Some((from_ms + len_ms) * 1_000),
    })
}

proptest! {
    #![proptest_config(common::config(24))]

    /// With an outbox, once faults heal every committed row reaches the broker: no event is
    /// lost, and any second copy is one the relay's crash explains. The run is deterministic.
    #[test]
    fn the_outbox_loses_nothing_once_faults_heal(
        faults in prop::collection::vec(fault_window(), 0..6),
        publishing in prop_oneof![Just(Publishing::OutboxPolling), Just(Publishing::OutboxTailing)],
        seed in 0u64..1_000,
    ) {
        let go = || {
            let setup = Setup { rate: Some(8.0), seed, faults: faults.clone(), ..Setup::default() };
            let mut sim = Sim::from_setup(&setup).unwrap();
            sim.apply(Action::SetPublishing { publishing }).unwrap();
            sim.apply(Action::SetCancelShare { share: 0.1 }).unwrap();
            for t in 1..=30 {
                sim.run_until(t * SEC);
                sim.audit().map_err(TestCaseError::fail)?;
            }
            sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
            sim.run_until(60 * SEC);
            Ok::<Sim, TestCaseError>(sim)
        };
        let sim = go()?;
        let view = sim.outbox();
        let h = sim.headline();
        prop_assert_eq!(view.lost.total(), 0);
        prop_assert_eq!(view.pending_total, 0);
        prop_assert_eq!(h.published + h.cancelled, view.committed + view.republished);
        let relay_crashed = faults.iter().any(|f| matches!(f.fault, Fault::RelayCrash { share } if share > 0.0));
        prop_assert!(view.republished == 0 || relay_crashed, "a second copy with no relay crash");
        prop_assert_eq!(sim.trace_hash(), go()?.trace_hash());
    }
}

/// The outbox lesson, played headless: every prediction's right answer is the one the lesson
/// teaches (the dual write loses orders, the outbox none; the relay duplicates, the ID check
/// absorbs them; a stopped relay fails no checkout).
#[test]
fn the_outbox_lesson_grades_what_it_teaches() {
    let right = common::lesson_truths("outbox", 4);
    assert_eq!(right, ["dual-loss=some", "outbox-loss=none", "relay-dup=yes", "idem=none", "stopped=none"]);
}
