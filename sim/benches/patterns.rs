//! Hops per second with the outbox, sagas, an event store with its read models or an evolved
//! schema on, against the plain event-driven checkout, in
//! one run: the same network and services, 1,000 orders per second for 4 simulated seconds,
//! each case timed by turns (the best of a few plain runs per round, over several rounds), so
//! that the machine's noise falls on all cases alike. Prints one line per case with its
//! ratio to the plain figure; the budget is 70%.
//!
//! `cargo bench -p fanout-sim --bench patterns` (`PATTERNS_ROUNDS`, `PATTERNS_RUNS` to change
//! the rounds and the runs per round).

use fanout_sim::saga::SagaStyle;
use fanout_sim::{Action, FaultSpec, Micros, Publishing, Setup, Sim, Storage, Wiring, SEC};
use std::hint::black_box;
use std::time::Instant;

const RATE: f64 = 1_000.0;
const DURATION_US: Micros = 4 * SEC;

struct Case {
    name: &'static str,
    scenario: &'static str,
    faults: &'static [&'static str],
    actions: Vec<Action>,
}

fn cases() -> Vec<Case> {
    let outbox = || Action::SetPublishing { publishing: Publishing::OutboxTailing };
    let chor = || Action::SetSagaStyle { style: SagaStyle::Choreographed };
    vec![
        Case { name: "plain event-driven", scenario: "checkout", faults: &[], actions: vec![] },
        Case { name: "outbox (tailing relay)", scenario: "checkout", faults: &[], actions: vec![outbox()] },
        Case {
            name: "outbox, relay crashes",
            scenario: "checkout",
            faults: &["relay-crash:0.01", "crash-after-commit:0.01"],
            actions: vec![outbox()],
        },
        Case { name: "saga, orchestrated", scenario: "checkout-saga", faults: &[], actions: vec![] },
        Case {
            name: "saga, choreographed + timeouts",
            scenario: "checkout-saga",
            faults: &[],
            actions: vec![chor(), Action::SetSagaTimeouts { on: true }],
        },
        Case {
            name: "event-sourced, 3 read models",
            scenario: "checkout",
            faults: &["concurrent-writes:0.1"],
            actions: vec![
                Action::SetStorage { storage: Storage::EventSourced },
                Action::SetSnapshots { every: 100 },
                Action::SetCancelShare { share: 0.2 },
            ],
        },
        Case {
            name: "schema v2, consumers on v1",
            scenario: "checkout",
            faults: &[],
            actions: vec![Action::Deploy { message: "OrderPlaced".into(), proposal: "add-coupon".into() }],
        },
        Case {
            name: "saga + outbox, with failures",
            scenario: "checkout-saga",
            faults: &["errors:payment:0.1", "errors:shipping:0.05", "compensation-fails:payment:0.5"],
            actions: vec![outbox(), Action::SetIdempotent { service: "payment".into(), on: true }],
        },
    ]
}

fn run(case: &Case) -> Sim {
    let faults = case.faults.iter().map(|f| FaultSpec::parse(f).expect("a valid fault")).collect();
    let setup = Setup { scenario: case.scenario.into(), wiring: Wiring::Event, seed: 1, rate: Some(RATE), faults };
    let mut sim = Sim::from_setup(&setup).expect("a valid setup");
    for a in &case.actions {
        sim.apply(a.clone()).expect("a valid action");
    }
    sim.run_until(DURATION_US);
    sim
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let (rounds, runs) = (env("PATTERNS_ROUNDS", 5), env("PATTERNS_RUNS", 3));
    let cases = cases();
    let hops: Vec<u64> = cases.iter().map(|c| run(c).headline().hops).collect();
    let mut best = vec![f64::INFINITY; cases.len()];
    for _ in 0..rounds {
        for (k, case) in cases.iter().enumerate() {
            for _ in 0..runs {
                let t = Instant::now();
                let sim = run(black_box(case));
                let secs = t.elapsed().as_secs_f64();
                assert_eq!(sim.headline().hops, hops[k], "every timed run does the same work");
                best[k] = best[k].min(secs);
            }
        }
    }
    let plain = hops[0] as f64 / best[0];
    for (k, case) in cases.iter().enumerate() {
        let rate = hops[k] as f64 / best[k];
        println!(
            "patterns {:<32} {:>9} hops {:>6.2} M hops/s {:>5.0}% of plain",
            case.name,
            hops[k],
            rate / 1e6,
            100.0 * rate / plain
        );
    }
}
