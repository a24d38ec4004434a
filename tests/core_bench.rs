//! The simulation core's speed in the browser (a bench, not a test): the workload of
//! `sim/benches/hops.rs` compiled to WebAssembly and timed with `performance.now()` in headless
//! Chromium, one `plain wasm …` line per case (the best of a few plain runs), for
//! `tests/bench/core-wasm.sh` to set beside the native figure. Only the core is in this
//! module: nothing here is added to the page's download.
//!
//! Ignored, so that no test run times it and `make test` (which names its wasm tests) never
//! builds it; `make bench-browser` runs it:
//! `cargo test -p fanout --release --target wasm32-unknown-unknown --test core_bench -- --include-ignored --nocapture`

#![cfg(target_arch = "wasm32")]

#[path = "../sim/benches/workload/mod.rs"]
mod workload;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Timed runs per case, the best of which is reported; the native side uses the same number.
const RUNS: usize = 10;

#[wasm_bindgen_test]
#[ignore = "a bench: run by `make bench-browser`"]
fn hops_per_second_in_the_browser() {
    let performance = web_sys::window().expect("a window").performance().expect("performance");
    // Untimed first: the engine compiles the module with its baseline compiler and optimises
    // hot functions later, and the memory grows to its working size.
    for case in workload::cases() {
        std::hint::black_box(workload::run(&case));
    }
    for case in workload::cases() {
        let (hops, seconds) = workload::best_of(&case, RUNS, || performance.now() / 1e3);
        console_log!("{}", workload::plain_line("wasm", &case, hops, seconds));
    }
}

#[path = "../sim/benches/replay/mod.rs"]
mod replay;

/// Rebuilding a read model of more than 100,000 events in the browser, from position 0 and
/// from a snapshot: the budget is 100 ms. `tests/bench/core-wasm.sh` prints the lines.
#[wasm_bindgen_test]
#[ignore = "a bench: run by `make bench-browser`"]
fn a_replay_of_100000_events_in_the_browser() {
    let performance = web_sys::window().expect("a window").performance().expect("performance");
    for (from, every) in [("from 0", 0), ("from snapshot", 25_000)] {
        let store = replay::store(every);
        // Untimed first, as above.
        std::hint::black_box(replay::rebuild(store.clone()));
        let (events, seconds) = replay::best_of(&store, RUNS, || performance.now() / 1e3);
        console_log!("{}", replay::line("wasm", from, events, seconds));
    }
}
