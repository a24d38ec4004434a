//! Simulated message hops per second, natively: the flash-sale scenario at 5,000 orders per
//! second for 2 simulated seconds (about 10,000 orders), event-driven and request-driven,
//! healthy and with every kind of fault active.
//!
//! Throughput is reported in elements = hops (messages that reached the end of a wire) of
//! one run; the count is deterministic, so it is computed once before timing.
//!
//! `cargo bench -p fanout-sim --bench hops`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use fanout_sim::fault::FaultSpec;
use fanout_sim::{run, Micros, Setup, Wiring, SEC};
use std::time::Duration;

const RATE: f64 = 5_000.0;
const DURATION_US: Micros = 2 * SEC;

/// Every kind of fault at once: slow and failing services on both sides, a crash and a
/// broker outage inside the run.
const EVERY_FAULT: [&str; 7] = [
    "slow:analytics:100ms",
    "slow:orders:5ms",
    "errors:inventory:0.2",
    "errors:email:0.05",
    "slow:shipping:20ms",
    "crash:email:500ms-900ms",
    "broker-down:1s-1300ms",
];

fn setup(wiring: Wiring, faults: &[&str]) -> Setup {
    Setup {
        scenario: "flash-sale".into(),
        wiring,
        seed: 1,
        rate: Some(RATE),
        faults: faults.iter().map(|f| FaultSpec::parse(f).expect("a valid fault")).collect(),
    }
}

fn hops(c: &mut Criterion) {
    let mut group = c.benchmark_group("hops");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    let cases = [
        ("flash-sale/event", setup(Wiring::Event, &[])),
        ("flash-sale/request", setup(Wiring::Request, &[])),
        ("flash-sale/event/every-fault", setup(Wiring::Event, &EVERY_FAULT)),
        ("flash-sale/request/every-fault", setup(Wiring::Request, &EVERY_FAULT)),
    ];
    for (name, setup) in cases {
        let sim = run(&setup, DURATION_US).expect("a valid setup");
        let hops = sim.headline().hops;
        let hash = sim.trace_hash();
        eprintln!("{name}: {hops} hops, {} events, {} orders per run", sim.events_processed(), sim.headline().placed);
        group.throughput(Throughput::Elements(hops));
        group.bench_function(name, |b| {
            b.iter(|| {
                let sim = run(black_box(&setup), DURATION_US).expect("a valid setup");
                // Cheap, and proves every timed run did the same work.
                assert_eq!(sim.trace_hash(), hash);
                sim
            })
        });
    }
    group.finish();
}

criterion_group!(benches, hops);
criterion_main!(benches);
