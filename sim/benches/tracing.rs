//! What tracing costs: the bench workload (flash sale, 5,000 orders per second, 2 simulated
//! seconds, healthy and with every fault) run with the tracer off and on, interleaved in one
//! process so that the machine's noise hits both alike; the best of several runs of each, and
//! the ratio. Then how long building one order's trace takes, the biggest order's included.
//!
//! `cargo bench -p fanout-sim --bench tracing` (quick: `FANOUT_TRACING_RUNS=3`).

mod workload;

use fanout_sim::Sim;
use std::time::Instant;
use workload::{cases, Case, DURATION_US};

fn run(case: &Case, tracing: bool) -> Sim {
    let mut sim = Sim::from_setup(&case.setup).expect("a valid setup");
    sim.set_tracing(tracing);
    for a in &case.settings {
        sim.apply(a.clone()).expect("a valid setting");
    }
    sim.run_until(DURATION_US);
    sim
}

fn main() {
    let runs: usize = std::env::var("FANOUT_TRACING_RUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(7);
    for case in cases() {
        let reference = run(&case, false);
        let hops = reference.headline().hops;
        let hash = reference.trace_hash();
        drop(reference);
        let (mut off, mut on) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..runs {
            for tracing in [false, true] {
                let start = Instant::now();
                let sim = run(std::hint::black_box(&case), tracing);
                let took = start.elapsed().as_secs_f64();
                // Tracing only watches: the run is the same either way.
                assert_eq!(sim.trace_hash(), hash);
                if tracing {
                    on = on.min(took);
                } else {
                    off = off.min(took);
                }
            }
        }
        println!(
            "tracing {}: off {:.2} M hops/s, on {:.2} M hops/s, on/off {:.1}%",
            case.name,
            hops as f64 / off / 1e6,
            hops as f64 / on / 1e6,
            100.0 * off / on
        );
        let sim = run(&case, true);
        let placed = sim.headline().placed;
        let sample: Vec<u64> = (1..=placed).step_by((placed as usize / 200).max(1)).collect();
        let start = Instant::now();
        let mut biggest = (0, 0);
        for &o in &sample {
            let n = sim.trace_of(o).spans.len();
            biggest = biggest.max((n, o));
        }
        let per = start.elapsed().as_secs_f64() / sample.len() as f64;
        let start = Instant::now();
        let big = sim.trace_of(biggest.1);
        let big_took = start.elapsed().as_secs_f64();
        println!(
            "trace_of {}: {:.0} us per order (of {} orders sampled), the biggest ({} spans, order {}) {:.0} us; {} hops kept",
            case.name,
            per * 1e6,
            sample.len(),
            big.spans.len(),
            biggest.1,
            big_took * 1e6,
            sim.traced_hops()
        );
    }
}
