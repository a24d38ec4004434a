//! Simulated message hops per second, natively: the flash-sale scenario at 5,000 orders per
//! second for 2 simulated seconds (about 10,000 orders), event-driven and request-driven,
//! healthy ("no-faults") and with every kind of fault active ("every-fault": the services'
//! faults, a broker outage and every delivery fault, with idempotent at-least-once consumers).
//! The workload itself is in `workload/mod.rs`, shared with the other core benches.
//!
//! Throughput is reported in elements = hops (messages that reached the end of a wire) of
//! one run; the count is deterministic, so it is computed once before timing. After the
//! criterion groups, a summary line per wiring gives both figures and the ratio
//! every-fault / no-fault (best of a few plain timed runs), for the README.
//!
//! `cargo bench -p fanout-sim --bench hops`
//!
//! With `FANOUT_HOPS_PLAIN=N` in the environment the binary skips criterion and prints one
//! `plain` line per case instead (the best of N plain timed runs): what
//! `tests/bench/compare-core.sh` and `tests/bench/core-wasm.sh` compare side by side.

mod workload;

use criterion::{black_box, criterion_group, Criterion, Throughput};
use std::time::{Duration, Instant};
use workload::{best_of, cases, plain_line, run, Case};

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

/// Seconds since the first call, for `best_of`.
fn now() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

/// Hops per second of a case: the best of a few plain timed runs.
fn hops_per_second(case: &Case) -> f64 {
    let (hops, best) = best_of(case, 5, now);
    hops as f64 / best
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

fn main() {
    if let Some(runs) = std::env::var("FANOUT_HOPS_PLAIN").ok().and_then(|n| n.parse::<usize>().ok()) {
        let tag = std::env::var("FANOUT_HOPS_TAG").unwrap_or_else(|_| "native".into());
        for case in cases() {
            let (hops, seconds) = best_of(&case, runs, now);
            println!("{}", plain_line(&tag, &case, hops, seconds));
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
