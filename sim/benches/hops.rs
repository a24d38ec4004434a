//! Simulated message hops per second, natively: the flash-sale scenario at 5,000 orders per
//! second for 2 simulated seconds (about 10,000 orders), event-driven and request-driven,
//! healthy ("no-faults") and with every kind of fault active ("every-fault": the services'
//! faults, a broker outage and every delivery fault, with idempotent at-least-once consumers).
//!
//! Throughput is reported in elements = hops (messages that reached the end of a wire) of
//! one run; the count is deterministic, so it is computed once before timing. After the
//! criterion groups, a summary line per wiring gives both figures and the ratio
//! every-fault / no-fault (best of a few plain timed runs), for the README.
//!
//! `cargo bench -p fanout-sim --bench hops`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use fanout_sim::delivery::Guarantee;
use fanout_sim::fault::FaultSpec;
use fanout_sim::{Action, Micros, Setup, Sim, Wiring, SEC};
use std::time::{Duration, Instant};

const RATE: f64 = 5_000.0;
const DURATION_US: Micros = 2 * SEC;

/// Every kind of fault at once: slow and failing services on both sides, a crash and a
/// broker outage inside the run, and every delivery fault: lost deliveries, lost
/// acknowledgements (so duplicates), delayed deliveries, crashes before the acknowledgement
/// and a poison event.
const EVERY_FAULT: [&str; 12] = [
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
const SUBSCRIBERS: [&str; 4] = ["email", "inventory", "analytics", "shipping"];

fn setup(wiring: Wiring, faults: &[&str]) -> Setup {
    Setup {
        scenario: "flash-sale".into(),
        wiring,
        seed: 1,
        rate: Some(RATE),
        faults: faults.iter().map(|f| FaultSpec::parse(f).expect("a valid fault")).collect(),
    }
}

struct Case {
    name: &'static str,
    setup: Setup,
    /// The delivery settings applied at the start.
    settings: Vec<Action>,
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

fn run(case: &Case) -> Sim {
    let mut sim = Sim::from_setup(&case.setup).expect("a valid setup");
    for a in &case.settings {
        sim.apply(a.clone()).expect("a valid setting");
    }
    sim.run_until(DURATION_US);
    sim
}

fn cases() -> [Case; 4] {
    [
        case("flash-sale/event/no-faults", Wiring::Event, false),
        case("flash-sale/request/no-faults", Wiring::Request, false),
        case("flash-sale/event/every-fault", Wiring::Event, true),
        case("flash-sale/request/every-fault", Wiring::Request, true),
    ]
}

fn hops(c: &mut Criterion) {
    let mut group = c.benchmark_group("hops");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    for case in cases() {
        let sim = run(&case);
        let hops = sim.headline().hops;
        let hash = sim.trace_hash();
        eprintln!(
            "{}: {hops} hops, {} events, {} orders per run",
            case.name,
            sim.events_processed(),
            sim.headline().placed
        );
        group.throughput(Throughput::Elements(hops));
        group.bench_function(case.name, |b| {
            b.iter(|| {
                let sim = run(black_box(&case));
                // Cheap, and proves every timed run did the same work.
                assert_eq!(sim.trace_hash(), hash);
                sim
            })
        });
    }
    group.finish();
}

/// Hops per second of a case: the best of a few plain timed runs.
fn hops_per_second(case: &Case) -> f64 {
    let hops = run(case).headline().hops as f64;
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            black_box(run(black_box(case)));
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    hops / best
}

/// One line per wiring: no faults, every fault, and the ratio of the two.
fn summary(_: &mut Criterion) {
    let [event, request, event_faults, request_faults] = cases();
    for (wiring, healthy, faulty) in [("event", &event, &event_faults), ("request", &request, &request_faults)] {
        let (a, b) = (hops_per_second(healthy), hops_per_second(faulty));
        println!(
            "summary {wiring}-driven: no faults {:.2} M hops/s, every fault {:.2} M hops/s, ratio {:.0}%",
            a / 1e6,
            b / 1e6,
            100.0 * b / a
        );
    }
}

criterion_group!(benches, hops, summary);
criterion_main!(benches);
