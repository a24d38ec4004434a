//! Determinism: pinned trace hashes, and the same trace however the run is sliced.
//!
//! The pinned hashes are what saved runs and shared links replay to. If one changes, every
//! saved run replays differently: change a constant here only on purpose, and say so in
//! the commit. (The event-driven ones changed once, on purpose, when the broker became a
//! partitioned log with consumer groups; the checkout ones changed again, on purpose, when
//! the checkout wires became long enough, about 0.2 s a hop, to follow one message by eye.
//! The flash-sale ones kept the short wires and did not change.) They were computed
//! natively; the page's WebAssembly build must agree.

use fanout_sim::fault::FaultSpec;
use fanout_sim::*;

fn setup(scenario: &str, wiring: Wiring, rate: Option<f64>, faults: &[&str]) -> Setup {
    Setup {
        scenario: scenario.into(),
        wiring,
        seed: 1,
        rate,
        faults: faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect(),
    }
}

/// (setup, simulated seconds, trace hash), each also reachable from the command line, e.g.
/// `fanout-sim --wiring event --duration-s 60 --json`.
fn pinned() -> Vec<(Setup, u64, &'static str)> {
    vec![
        (setup("checkout", Wiring::Event, None, &[]), 60, "79502c941741b454"),
        (setup("checkout", Wiring::Request, None, &[]), 60, "ede6f2a3f3c2c15a"),
        (
            setup("checkout", Wiring::Request, None, &["slow:analytics:9000ms", "crash:orders:20s-22s"]),
            60,
            "7ce75a949d4cfeba",
        ),
        (
            setup("checkout", Wiring::Event, None, &["crash:orders:5s-35s", "broker-down:10s-20s", "errors:email:0.5"]),
            60,
            "b6410751256656ab",
        ),
        (
            setup(
                "flash-sale",
                Wiring::Request,
                None,
                &["errors:email:0.3", "crash:orders:1s-2s", "slow:inventory:6s"],
            ),
            5,
            "1ebe86c877a07bc2",
        ),
        (setup("flash-sale", Wiring::Request, Some(5000.0), &[]), 2, "5941cf1356d4b1b0"),
        // The failure lab's delivery faults, all at once.
        (
            setup(
                "checkout",
                Wiring::Event,
                Some(10.0),
                &[
                    "drop:broker:0.2",
                    "duplicate:email:0.3",
                    "delay:inventory:0.5:800ms",
                    "crash-before-ack:analytics:0.1",
                    "poison:shipping:7",
                ],
            ),
            60,
            "ee4bb7df09681893",
        ),
        (
            setup(
                "flash-sale",
                Wiring::Event,
                None,
                &["drop:broker:0.05", "duplicate:broker:0.05", "errors:email:0.2"],
            ),
            5,
            "08a4e9596264aa22",
        ),
    ]
}

#[test]
fn pinned_runs_replay_to_their_pinned_trace_hashes() {
    for (setup, secs, hash) in pinned() {
        let sim = run(&setup, secs * SEC).unwrap();
        assert_eq!(sim.trace_hash_hex(), hash, "{setup:?} for {secs} s");
        assert_eq!(format!("{:016x}", sim.trace_hash()), hash);
    }
}

#[test]
fn running_in_slices_gives_the_same_trace_as_one_call() {
    for (setup, secs, hash) in pinned() {
        let end = secs * SEC;
        // Uneven slices, as a page's frames would take.
        let mut sliced = Sim::from_setup(&setup).unwrap();
        let mut t = 0;
        let mut k = 0u64;
        while t < end {
            k += 1;
            t = (t + 1_000 + (k * 7_919) % 40_000).min(end);
            sliced.run_until(t);
        }
        assert_eq!(sliced.trace_hash_hex(), hash, "{setup:?}");
        let whole = run(&setup, end).unwrap();
        assert_eq!(sliced.headline(), whole.headline());
        assert_eq!(sliced.events_processed(), whole.events_processed());
    }
}

#[test]
fn a_bounded_run_resumed_until_done_gives_the_same_trace() {
    let (setup, secs, hash) = pinned().swap_remove(1);
    let mut sim = Sim::from_setup(&setup).unwrap();
    let mut calls = 0;
    while !sim.run_until_bounded(secs * SEC, 100) {
        calls += 1;
    }
    assert!(calls > 10, "the bound should have stopped the run several times");
    assert_eq!(sim.trace_hash_hex(), hash);
    assert_eq!(sim.now(), secs * SEC);
}

#[test]
fn stepping_event_by_event_gives_the_same_trace() {
    let (setup, secs, hash) = pinned().swap_remove(0);
    let end = secs * SEC;
    let whole = run(&setup, end).unwrap();
    let mut stepped = Sim::from_setup(&setup).unwrap();
    while stepped.events_processed() < whole.events_processed() {
        stepped.step();
    }
    assert_eq!(stepped.trace_hash_hex(), hash);
    // step() stops at the last event; the clock then moves on to the end without events.
    stepped.run_until(end);
    assert_eq!(stepped.headline(), whole.headline());
}

#[test]
fn inputs_replayed_from_the_record_give_the_same_trace() {
    // A run driven by hand: inputs applied at moments of the caller's choosing.
    let mut a = Sim::from_setup(&setup("checkout", Wiring::Event, Some(4.0), &[])).unwrap();
    a.run_until(3 * SEC);
    a.apply(Action::Inject { fault: Fault::Crash { service: "email".into() } }).unwrap();
    a.run_until(6 * SEC);
    a.apply(Action::AddSubscriber { service: "fraud".into(), from: Default::default() }).unwrap();
    a.apply(Action::SetWiring { wiring: Wiring::Request }).unwrap();
    a.run_until(9 * SEC);
    a.apply(Action::Clear { fault: Fault::Crash { service: "email".into() } }).unwrap();
    a.apply(Action::BuyNow).unwrap();
    a.run_until(15 * SEC);

    // The same run from seed + scenario + the recorded inputs, scheduled up front.
    let mut b = Sim::new(Scenario::checkout(), 1);
    for input in a.inputs() {
        b.schedule(input.at_us, input.action.clone()).unwrap();
    }
    b.run_until(15 * SEC);
    assert_eq!(b.headline(), a.headline());
    assert_eq!(b.inputs(), a.inputs());
    // The hash also folds in each scheduled input's index, so it differs from a hand-driven
    // run; replaying the recording twice must agree with itself.
    let mut c = Sim::new(Scenario::checkout(), 1);
    for input in a.inputs() {
        c.schedule(input.at_us, input.action.clone()).unwrap();
    }
    c.run_until(15 * SEC);
    assert_eq!(c.trace_hash(), b.trace_hash());
}

#[test]
fn the_trace_hash_depends_on_the_seed_scenario_wiring_and_faults() {
    let base = setup("checkout", Wiring::Event, None, &[]);
    let hash = |s: &Setup| run(s, 10 * SEC).unwrap().trace_hash();
    let h = hash(&base);
    assert_ne!(h, hash(&Setup { seed: 2, ..base.clone() }));
    assert_ne!(h, hash(&Setup { wiring: Wiring::Request, ..base.clone() }));
    assert_ne!(h, hash(&Setup { scenario: "flash-sale".into(), ..base.clone() }));
    assert_ne!(h, hash(&Setup { rate: Some(3.0), ..base.clone() }));
    assert_ne!(h, hash(&setup("checkout", Wiring::Event, None, &["slow:email:1ms"])));
}
