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

/// A waterfall of 500 spans in the browser: the trace's layout (the pure part) and the
/// component's first render, each the best of a few, for the budget of one frame (16.7 ms).
/// `tests/bench/core-wasm.sh` prints the line. The trace is made up: one request with 499
/// calls under it, spread over the checkout's services, some failed and some retried.
#[wasm_bindgen_test]
#[ignore = "a bench: run by `make bench-browser`"]
async fn a_waterfall_of_500_spans_in_the_browser() {
    use fanout::components::waterfall::{Waterfall, WaterfallProps};
    use fanout::waterfall_layout::layout;
    use fanout_sim::otlp::{Span, SpanKind, SpanStatus};
    use fanout_sim::trace::{OrderTrace, RootCause, SpanError, TracedSpan};
    use fanout_sim::tracecontext::{SpanId, TraceId};
    use fanout_sim::{Node, Scenario, MS};
    use std::rc::Rc;

    let sc = Scenario::checkout();
    let trace = TraceId::of(1, 1);
    let span = |k: u64, node: Node, parent: Option<SpanId>| TracedSpan {
        span: Span {
            trace,
            id: SpanId::of(1, 1, k),
            parent,
            service: "svc".into(),
            name: format!("POST /{k}"),
            kind: if parent.is_none() { SpanKind::Client } else { SpanKind::Server },
            start_us: k * MS,
            end_us: k * MS + 5 * MS + (k % 7) * MS,
            status: SpanStatus::Unset,
            attributes: Vec::new(),
            links: Vec::new(),
        },
        node,
        queued_us: (k % 3) * MS,
        attempt: 1 + (k % 5 == 0) as u32,
        open: false,
        root: parent.is_none().then_some(RootCause::Entry),
        error: (k % 11 == 0).then_some(SpanError::Refused),
        critical: k % 2 == 0,
    };
    let mut spans = vec![span(0, Node::Shopper, None)];
    let root = spans[0].span.id;
    for k in 1..500 {
        spans.push(span(k, Node::Service((k % 4) as u16), Some(root)));
    }
    spans[0].span.end_us = 520 * MS;
    let t = OrderTrace { order: 1, spans, forgotten: false };
    let performance = web_sys::window().expect("a window").performance().expect("performance");
    let document = web_sys::window().unwrap().document().unwrap();
    let (mut lay, mut draw) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..RUNS {
        let start = performance.now();
        let l = Rc::new(layout(&t, &sc, 0, 520 * MS));
        lay = lay.min(performance.now() - start);
        let host = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&host).unwrap();
        let props = WaterfallProps { layout: l, prefix: "bench".into(), label: "bench".into(), test_id: None };
        let start = performance.now();
        let app = yew::Renderer::<Waterfall>::with_root_and_props(host.clone(), props).render();
        yew::scheduler::flush().await;
        draw = draw.min(performance.now() - start);
        assert_eq!(host.query_selector_all("g.wf-span").unwrap().length(), 500);
        app.destroy();
        host.remove();
    }
    console_log!("waterfall wasm 500 spans: layout {lay:.2} ms, first render {draw:.2} ms (best of {RUNS}; a frame is 16.7 ms)");
}
