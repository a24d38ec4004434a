//! Rebuilding a read model of an event store of more than 100,000 events: from position 0,
//! and from a snapshot taken every 25,000 events. The budget is 100 ms in the page; this is the
//! native figure, and `tests/core_bench.rs` takes the same workload to headless Chromium
//! (`make bench-browser`). Only the rebuild is timed.
//!
//! `cargo bench -p fanout-sim --bench replay` (`REPLAY_RUNS` to change the runs).

#[path = "replay/mod.rs"]
mod replay;

use std::time::Instant;

fn main() {
    let runs = std::env::var("REPLAY_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let start = Instant::now();
    let now = || start.elapsed().as_secs_f64();
    for (from, every) in [("from 0", 0), ("from snapshot", 25_000)] {
        let store = replay::store(every);
        let (events, secs) = replay::best_of(&store, runs, now);
        println!("{}", replay::line("native", from, events, secs));
    }
}
