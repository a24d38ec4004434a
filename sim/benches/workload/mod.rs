//! The workload every core bench runs: the flash-sale scenario at 5,000 orders per second for
//! 2 simulated seconds (about 10,000 orders), event-driven and request-driven, healthy
//! ("no-faults") and with every kind of fault active ("every-fault": the services' faults, a
//! broker outage and every delivery fault, with idempotent at-least-once consumers).
//!
//! Shared by the criterion bench (`benches/hops.rs`), the old-against-new comparison
//! (`tests/bench/compare-core.sh`, which builds this folder against an older core too) and
//! the WebAssembly bench (`tests/core_bench.rs`). No clock here: `std::time::Instant` does not
//! exist in the browser, so each caller times the runs its own way.
//!
//! Written against the public API as it was before the systems-as-data work
//! (`Sim::from_setup`, `apply`, `run_until`, `headline().hops`), so that the same file builds
//! against both cores.

#![allow(dead_code)]

use fanout_sim::delivery::Guarantee;
use fanout_sim::fault::FaultSpec;
use fanout_sim::{Action, Micros, Setup, Sim, Wiring, SEC};

pub const RATE: f64 = 5_000.0;
pub const DURATION_US: Micros = 2 * SEC;

/// Every kind of fault at once: slow and failing services on both sides, a crash and a
/// broker outage inside the run, and every delivery fault: lost deliveries, lost
/// acknowledgements (so duplicates), delayed deliveries, crashes before the acknowledgement
/// and a poison event.
pub const EVERY_FAULT: [&str; 12] = [
    "slow:analytics:100ms",
    "slow:orders:5ms",
    "errors:inventory:0.2",
    "errors:email:0.05",
    "slow:shipping:20ms",
    "crash:email:500ms-900ms",
    "broker-down:1s-1300ms",
    "drop:broker:0.05",
    "duplicate:broker:0.05",
    "delay:email:0.1:50ms",
    "crash-before-ack:shipping:0.001",
    "poison:inventory:100",
];

/// The subscribers of the flash sale, each made idempotent and at-least-once in the
/// every-fault case.
pub const SUBSCRIBERS: [&str; 4] = ["email", "inventory", "analytics", "shipping"];

fn setup(wiring: Wiring, faults: &[&str]) -> Setup {
    Setup {
        scenario: "flash-sale".into(),
        wiring,
        seed: 1,
        rate: Some(RATE),
        faults: faults.iter().map(|f| FaultSpec::parse(f).expect("a valid fault")).collect(),
    }
}

pub struct Case {
    pub name: &'static str,
    pub setup: Setup,
    /// The delivery settings applied at the start.
    pub settings: Vec<Action>,
}

fn case(name: &'static str, wiring: Wiring, every_fault: bool) -> Case {
    let (faults, settings): (&[&str], Vec<Action>) = if every_fault {
        let settings = SUBSCRIBERS
            .iter()
            .flat_map(|s| {
                [
                    Action::SetGuarantee { service: s.to_string(), guarantee: Guarantee::AtLeastOnce },
                    Action::SetIdempotent { service: s.to_string(), on: true },
                ]
            })
            .collect();
        (&EVERY_FAULT, settings)
    } else {
        (&[], Vec::new())
    };
    Case { name, setup: setup(wiring, faults), settings }
}

/// One run of a case, from the setup to the end of the 2 simulated seconds.
pub fn run(case: &Case) -> Sim {
    let mut sim = Sim::from_setup(&case.setup).expect("a valid setup");
    for a in &case.settings {
        sim.apply(a.clone()).expect("a valid setting");
    }
    sim.run_until(DURATION_US);
    sim
}

/// The four cases, in the order every report lists them.
pub fn cases() -> [Case; 4] {
    [
        case("flash-sale/event/no-faults", Wiring::Event, false),
        case("flash-sale/request/no-faults", Wiring::Request, false),
        case("flash-sale/event/every-fault", Wiring::Event, true),
        case("flash-sale/request/every-fault", Wiring::Request, true),
    ]
}

/// Plain timed runs of one case (no criterion), for the comparisons: the hops of one run
/// and the shortest of `runs` timings, in seconds, taken with `now` (any clock in seconds).
/// Every run is checked to do the same work as the first.
pub fn best_of(case: &Case, runs: usize, now: impl Fn() -> f64) -> (u64, f64) {
    let first = run(case);
    let (hops, hash) = (first.headline().hops, first.trace_hash());
    drop(first);
    let mut best = f64::INFINITY;
    for _ in 0..runs.max(1) {
        let start = now();
        let sim = run(std::hint::black_box(case));
        let took = now() - start;
        assert_eq!(sim.trace_hash(), hash, "{}: a timed run did other work than the first", case.name);
        best = best.min(took);
    }
    (hops, best)
}

/// The line a plain timed case prints; `tests/bench/*.sh` read it.
pub fn plain_line(tag: &str, case: &Case, hops: u64, seconds: f64) -> String {
    format!("plain {tag} {} hops={hops} seconds={seconds:.6} hops_per_s={:.0}", case.name, hops as f64 / seconds)
}
