//! Determinism: pinned trace hashes, and the same trace however the run is sliced.
//!
//! The pinned hashes are what saved runs and shared links replay to. If one changes, every
//! saved run replays differently: change a constant here only on purpose, and say so in
//! the commit. (The event-driven ones changed once, on purpose, when the broker became a
//! partitioned log with consumer groups; the checkout ones changed again, on purpose, when
//! the checkout wires became long enough, about 0.2 s a hop, to follow one message by eye.
//! The flash-sale ones kept the short wires and did not change. All of them changed once
//! more, on purpose, when every input came to count in the hash the same way however it
//! arrives, setup included, and so did what a subscriber's side effect did: applied, applied
//! again or skipped as a duplicate.) They were computed natively; the page's WebAssembly
//! build must agree.

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
        (setup("checkout", Wiring::Event, None, &[]), 60, "b88850b612a5b0a1"),
        (setup("checkout", Wiring::Request, None, &[]), 60, "8b53b742b22a2239"),
        (
            setup("checkout", Wiring::Request, None, &["slow:analytics:9000ms", "crash:orders:20s-22s"]),
            60,
            "4c4e46df935fd7bf",
        ),
        (
            setup("checkout", Wiring::Event, None, &["crash:orders:5s-35s", "broker-down:10s-20s", "errors:email:0.5"]),
            60,
            "0b0a962d68184e73",
        ),
        (
            setup(
                "flash-sale",
                Wiring::Request,
                None,
                &["errors:email:0.3", "crash:orders:1s-2s", "slow:inventory:6s"],
            ),
            5,
            "b4e9bf089c9192de",
        ),
        (setup("flash-sale", Wiring::Request, Some(5000.0), &[]), 2, "c995941d3cbc3c53"),
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
            "31551ff796b512d0",
        ),
        (
            setup(
                "flash-sale",
                Wiring::Event,
                None,
                &["drop:broker:0.05", "duplicate:broker:0.05", "errors:email:0.2"],
            ),
            5,
            "d91f05a0eb671e6e",
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
    // Every input counts in the hash the same way, scheduled or applied by hand.
    assert_eq!(b.trace_hash_hex(), a.trace_hash_hex());
}

/// The same interventions, arriving four ways: applied by hand at the moment (a control on the
/// page, a course page's `set`), as a link's steps, scheduled up front (a run file's inputs),
/// and as the setup's fault. One run, one hash.
#[test]
fn an_input_counts_the_same_however_it_arrives() {
    use fanout_sim::params::LabParams;
    let base = setup("checkout", Wiring::Event, Some(5.0), &[]);
    let end = 20 * SEC;
    // 5 s is a sampling moment (every 250 ms): the input must land after the sample either way.
    let steps =
        [(0, "idempotent:email:on"), (5 * SEC, "inject:crash:email"), (5 * SEC, "buy"), (9 * SEC, "clear:crash:email")];
    let actions: Vec<(u64, Action)> =
        steps.iter().map(|(at, text)| (*at, fanout_sim::script::parse_action(text).unwrap())).collect();

    let mut by_hand = Sim::from_setup(&base).unwrap();
    for (at, action) in &actions {
        by_hand.run_until(*at);
        by_hand.apply(action.clone()).unwrap();
    }
    by_hand.run_until(end);

    let mut scheduled = Sim::from_setup(&base).unwrap();
    for (at, action) in &actions {
        scheduled.schedule(*at, action.clone()).unwrap();
    }
    scheduled.run_until(end);

    let query: Vec<String> = steps.iter().map(|(at, text)| format!("at={}s:{text}", at / SEC)).collect();
    let (link, problems) = LabParams::parse(&format!("seed=1&rate=5&until=20&{}", query.join("&")));
    assert!(problems.is_empty(), "{problems:?}");
    let (from_link, problems) = link.timeline().unwrap();
    assert!(problems.is_empty(), "{problems:?}");

    assert_eq!(scheduled.trace_hash_hex(), by_hand.trace_hash_hex());
    assert_eq!(from_link.sim().trace_hash_hex(), by_hand.trace_hash_hex());
    assert_eq!(scheduled.headline(), by_hand.headline());

    // A fault given in the setup is an input at its moment too.
    let mut with_fault = Sim::from_setup(&setup("checkout", Wiring::Event, Some(5.0), &["crash:email:5s-9s"])).unwrap();
    with_fault.schedule(0, actions[0].1.clone()).unwrap();
    with_fault.schedule(5 * SEC, Action::BuyNow).unwrap();
    with_fault.run_until(end);
    assert_eq!(with_fault.headline(), by_hand.headline());
}

/// Two runs that differ only by an input never share a hash, even when the input changes no
/// message on any wire: an idempotent subscriber skips duplicates in its own database.
#[test]
fn an_input_that_changes_no_message_still_changes_the_hash() {
    let faults = ["duplicate:email:0.3"];
    let plain = run(&setup("checkout", Wiring::Event, Some(5.0), &faults), 30 * SEC).unwrap();
    let mut idempotent = Sim::from_setup(&setup("checkout", Wiring::Event, Some(5.0), &faults)).unwrap();
    idempotent.apply(Action::SetIdempotent { service: "email".into(), on: true }).unwrap();
    idempotent.run_until(30 * SEC);
    let email = Scenario::checkout().catalog_index("email").unwrap() as u16;
    assert!(idempotent.consumer(email).skipped > 0, "the run has duplicates to skip");
    assert_eq!(plain.headline().hops, idempotent.headline().hops, "the same messages on the wires");
    assert_ne!(plain.trace_hash_hex(), idempotent.trace_hash_hex());
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
