//! What tracing costs: the bench workload (flash sale, 5,000 orders per second, 2 simulated
//! seconds, healthy and with every fault) run with the tracer off, on (as the lab runs it: at
//! this rate it keeps one order in 25, head sampling) and on for every order, interleaved in
//! one process so that the machine's noise hits all three alike; the best of several runs of
//! each, and the ratios. Then how long building one order's trace takes.
//!
//! `cargo bench -p fanout-sim --bench tracing` (quick: `FANOUT_TRACING_RUNS=3`).

mod workload;

use fanout_sim::Sim;
use std::time::Instant;
use workload::{cases, Case, DURATION_US};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Off,
    Sampled,
    EveryOrder,
}

fn run(case: &Case, mode: Mode) -> Sim {
    let mut sim = Sim::from_setup(&case.setup).expect("a valid setup");
    sim.set_tracing(mode != Mode::Off);
    sim.trace_every_order(mode == Mode::EveryOrder);
    for a in &case.settings {
        sim.apply(a.clone()).expect("a valid setting");
    }
    sim.run_until(DURATION_US);
    sim
}

fn main() {
    let runs: usize = std::env::var("FANOUT_TRACING_RUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(7);
    for case in cases() {
        let reference = run(&case, Mode::Off);
        let hops = reference.headline().hops;
        let hash = reference.trace_hash();
        drop(reference);
        let mut best = [f64::INFINITY; 3];
        for _ in 0..runs {
            for (k, mode) in [Mode::Off, Mode::Sampled, Mode::EveryOrder].into_iter().enumerate() {
                let start = Instant::now();
                let sim = run(std::hint::black_box(&case), mode);
                let took = start.elapsed().as_secs_f64();
                // Tracing only watches: the run is the same either way.
                assert_eq!(sim.trace_hash(), hash);
                best[k] = best[k].min(took);
            }
        }
        let mhops = |s: f64| hops as f64 / s / 1e6;
        println!(
            "tracing {}: off {:.2} M hops/s, on {:.2} ({:.1}% of off), every order {:.2} ({:.1}% of off)",
            case.name,
            mhops(best[0]),
            mhops(best[1]),
            100.0 * best[0] / best[1],
            mhops(best[2]),
            100.0 * best[0] / best[2]
        );
        let sim = run(&case, Mode::EveryOrder);
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
