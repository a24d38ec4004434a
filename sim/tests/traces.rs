//! Traces as numbers: one tree when the context travels, two traces when a consumer drops it,
//! a link when it links; the shopper's wait is the request span; the critical path of a slowed
//! call goes through the slow callee; the export has OTLP's shape.

use fanout_sim::otlp::{otlp_json, SpanKind};
use fanout_sim::trace::{OrderTrace, RootCause};
use fanout_sim::{FaultSpec, Setup, Sim, Wiring, SEC};
use proptest::prelude::*;

mod common;

fn run(wiring: Wiring, faults: &[&str], seconds: u64) -> Sim {
    let faults = faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect();
    let mut sim = Sim::from_setup(&Setup { seed: 11, wiring, rate: Some(5.0), faults, ..Setup::default() }).unwrap();
    sim.run_until(seconds * SEC);
    sim
}

/// An order answered early in the run, so that all its work is over.
fn answered(sim: &Sim) -> u64 {
    sim.checkout_samples().find(|s| s.ok).expect("some checkout succeeded").order
}

fn assert_parents_in_trace(t: &OrderTrace) {
    for s in &t.spans {
        match s.span.parent {
            Some(p) => {
                let parent = t.spans.iter().find(|x| x.span.id == p).expect("the parent is among the spans");
                assert_eq!(parent.span.trace, s.span.trace, "{} sits in its parent's trace", s.span.name);
            }
            None => assert!(s.root.is_some(), "{} has no parent and no cause", s.span.name),
        }
    }
}

#[test]
fn event_driven_an_orders_spans_form_one_tree() {
    let sim = run(Wiring::Event, &[], 10);
    let t = sim.trace_of(answered(&sim));
    assert_eq!(t.traces().len(), 1, "one trace: {:#?}", t.spans.iter().map(|s| &s.span.name).collect::<Vec<_>>());
    assert_eq!(t.spans.iter().filter(|s| s.span.parent.is_none()).count(), 1, "one root");
    assert_parents_in_trace(&t);
    let producer = t.spans.iter().find(|s| s.span.kind == SpanKind::Producer).expect("a publish span");
    let consumers: Vec<_> = t.spans.iter().filter(|s| s.span.kind == SpanKind::Consumer).collect();
    assert_eq!(consumers.len(), sim.wired().len(), "one process span per subscriber");
    assert!(consumers.iter().all(|c| c.span.parent == Some(producer.span.id)));
    // The shopper did not wait for the subscribers: they are off the critical path.
    assert!(consumers.iter().all(|c| !c.critical));
    assert!(producer.critical, "the publish is on it: the answer waited for the broker's ack");
}

#[test]
fn the_request_span_is_the_response_time_the_shopper_saw_and_the_parts_add_up() {
    for wiring in [Wiring::Request, Wiring::Event] {
        let sim = run(wiring, &[], 10);
        for sample in sim.checkout_samples().take(10) {
            let t = sim.trace_of(sample.order);
            assert_eq!(t.response_us(), Some(sample.latency_us), "order {} {wiring:?}", sample.order);
            // The request is the hop in, the Order Service's handling, and the hop back.
            let request = t.request().unwrap();
            let server = t.spans.iter().find(|s| s.span.parent == Some(request.span.id)).unwrap();
            assert_eq!(server.span.kind, SpanKind::Server);
            let hop_in = server.span.start_us - request.span.start_us;
            let hop_out = request.span.end_us - server.span.end_us;
            assert_eq!(hop_in + server.duration_us() + hop_out, sample.latency_us);
        }
    }
}

#[test]
fn request_driven_every_call_is_a_client_and_a_server_span() {
    let sim = run(Wiring::Request, &[], 10);
    let t = sim.trace_of(answered(&sim));
    assert_eq!(t.traces().len(), 1);
    assert_parents_in_trace(&t);
    let clients = t.spans.iter().filter(|s| s.span.kind == SpanKind::Client && s.root.is_none()).count();
    let servers = t.spans.iter().filter(|s| s.span.kind == SpanKind::Server && s.span.service != "orders").count();
    assert_eq!(clients, sim.wired().len());
    assert_eq!(servers, sim.wired().len());
}

#[test]
fn the_critical_path_of_a_slowed_call_goes_through_the_slow_callee() {
    let sim = run(Wiring::Request, &["slow:email:800ms"], 12);
    let t = sim.trace_of(answered(&sim));
    let on_path: Vec<&str> = t.spans.iter().filter(|s| s.critical).map(|s| s.span.service.as_str()).collect();
    assert!(on_path.contains(&"email"), "{on_path:?}");
    let email = t.spans.iter().find(|s| s.span.service == "email" && s.span.kind == SpanKind::Server).unwrap();
    assert!(email.duration_us() >= 800_000, "the slow callee's span holds the delay");
    // Every other callee's server span is off the path (sequential calls each wait, so the
    // path holds them; parallel calls only the slowest): at least the slow one is there and
    // it is the longest span below the request.
    let longest = t
        .spans
        .iter()
        .filter(|s| s.span.kind == SpanKind::Server && s.span.service != "orders")
        .max_by_key(|s| s.duration_us())
        .unwrap();
    assert_eq!(longest.span.service, "email");
}

#[test]
fn a_consumer_that_drops_the_context_splits_the_order_into_two_traces() {
    let sim = run(Wiring::Event, &["drop-context:email"], 10);
    let t = sim.trace_of(answered(&sim));
    assert_eq!(t.traces().len(), 2, "the order's own trace and email's");
    let split: Vec<_> = t.splits().collect();
    assert_eq!(split.len(), 1);
    assert_eq!(split[0].span.service, "email");
    assert_eq!(split[0].root, Some(RootCause::ContextDropped));
    assert!(split[0].span.links.is_empty());
    assert_parents_in_trace(&t);
    // Everyone else still hangs under the publish.
    let others = t.spans.iter().filter(|s| s.span.kind == SpanKind::Consumer && s.span.service != "email");
    assert!(others.into_iter().all(|s| s.span.trace == t.traces()[0]));
}

#[test]
fn with_links_the_new_trace_points_back_at_the_publish() {
    let faults = [FaultSpec::parse("drop-context:email").unwrap()];
    let mut sim =
        Sim::from_setup(&Setup { seed: 11, rate: Some(5.0), faults: faults.to_vec(), ..Setup::default() }).unwrap();
    sim.apply(fanout_sim::Action::SetTraceLinks { on: true }).unwrap();
    sim.run_until(10 * SEC);
    let t = sim.trace_of(answered(&sim));
    assert_eq!(t.traces().len(), 2, "still two traces");
    let split = t.splits().next().unwrap();
    assert_eq!(split.root, Some(RootCause::ContextLinked));
    let producer = t.spans.iter().find(|s| s.span.kind == SpanKind::Producer).unwrap();
    assert_eq!(split.span.links.len(), 1);
    assert_eq!((split.span.links[0].trace, split.span.links[0].span), (producer.span.trace, producer.span.id));
}

#[test]
fn mending_the_consumer_mends_the_traces_of_later_orders() {
    let sim = run(Wiring::Event, &["drop-context:email:0s-5s"], 12);
    let late = sim.checkout_samples().filter(|s| s.ok && s.done_us > 6 * SEC).next().unwrap().order;
    assert_eq!(sim.trace_of(late).traces().len(), 1);
    assert_eq!(sim.trace_of(answered(&sim)).traces().len(), 2);
}

#[test]
fn retries_and_dead_letters_are_spans_of_their_own() {
    let sim = run(Wiring::Event, &["errors:email:1"], 40);
    let order = answered(&sim);
    let t = sim.trace_of(order);
    let email: Vec<_> =
        t.spans.iter().filter(|s| s.span.service == "email" && s.span.kind == SpanKind::Consumer).collect();
    assert!(email.len() > 1, "redelivered");
    assert!(email.iter().all(|s| s.error.is_some()));
    assert_eq!(email.iter().map(|s| s.attempt).max().unwrap() as usize, email.len());
    let dead = t.spans.iter().find(|s| s.span.name.starts_with("dead-letter")).expect("a dead-letter span");
    assert_eq!(dead.span.service, "broker");
    assert!(t.retries() >= email.len() - 1);
    assert_parents_in_trace(&t);
}

#[test]
fn the_export_has_otlps_shape() {
    let sim = run(Wiring::Event, &["drop-context:email"], 10);
    let t = sim.trace_of(answered(&sim));
    let json = otlp_json(&t.otel_spans(), 1_700_000_000_000_000_000);
    let resources = json["resourceSpans"].as_array().unwrap();
    assert!(resources.len() >= 3, "shopper, orders, broker's subscribers");
    let mut count = 0;
    for r in resources {
        assert_eq!(r["resource"]["attributes"][0]["key"], "service.name");
        for s in r["scopeSpans"][0]["spans"].as_array().unwrap() {
            count += 1;
            let hex = |v: &serde_json::Value, n: usize| {
                let s = v.as_str().unwrap();
                s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit())
            };
            assert!(hex(&s["traceId"], 32) && hex(&s["spanId"], 16));
            let start: u64 = s["startTimeUnixNano"].as_str().unwrap().parse().unwrap();
            let end: u64 = s["endTimeUnixNano"].as_str().unwrap().parse().unwrap();
            assert!(start >= 1_700_000_000_000_000_000 && end >= start);
            assert!((1..=5).contains(&s["kind"].as_u64().unwrap()));
        }
    }
    assert_eq!(count, t.spans.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the wiring, faults and links: every span's parent is in its trace, or it has
    /// none for a named reason; and the same run gives the same trace.
    #[test]
    fn parents_exist_or_are_absent_by_a_named_cause(
        seed in 1u64..1000,
        request in any::<bool>(),
        fault in prop_oneof![
            Just(""), Just("drop-context:email"), Just("errors:email:0.5"), Just("crash:email:2s-4s"),
            Just("broker-down:1s-3s"), Just("duplicate:broker:0.3"), Just("drop:broker:0.3"), Just("slow:payment:300ms"),
        ],
        links in any::<bool>(),
        saga in any::<bool>(),
    ) {
        let wiring = if request { Wiring::Request } else { Wiring::Event };
        // The saga's system has no Email: its faults fall on Shipping there.
        let fault = if saga { fault.replace("email", "shipping") } else { fault.to_string() };
        let faults: Vec<FaultSpec> = (!fault.is_empty()).then(|| FaultSpec::parse(&fault).unwrap()).into_iter().collect();
        let scenario = if saga { "checkout-saga" } else { "checkout" }.to_string();
        let setup = Setup { scenario, seed, wiring, rate: Some(8.0), faults, ..Setup::default() };
        let go = || {
            let mut sim = Sim::from_setup(&setup).unwrap();
            sim.apply(fanout_sim::Action::SetTraceLinks { on: links }).unwrap();
            sim.run_until(6 * SEC);
            sim
        };
        let (a, b) = (go(), go());
        for order in 1..a.headline().placed.min(40) {
            let t = a.trace_of(order);
            assert_parents_in_trace(&t);
            prop_assert_eq!(&t, &b.trace_of(order));
            for s in &t.spans {
                // Nothing is old enough to be let go in so short a run: every root is named by
                // what the run did.
                prop_assert!(s.root != Some(RootCause::Forgotten), "order {}: {} has no parent", order, s.span.name);
                prop_assert!(s.span.end_us >= s.span.start_us);
                prop_assert!(s.queued_us <= s.duration_us());
            }
        }
    }
}

#[test]
fn the_same_order_in_the_other_wiring_starts_together_and_waits_longer_request_driven() {
    let mut tl =
        fanout_sim::Timeline::new(&Setup { seed: 5, wiring: Wiring::Event, rate: Some(4.0), ..Setup::default() })
            .unwrap();
    tl.advance(15 * SEC, u64::MAX);
    let other = tl.in_other_wiring().unwrap();
    assert_eq!(other.wiring(), Wiring::Request);
    assert_eq!(other.now(), tl.sim().now());
    let order = tl.sim().checkout_samples().find(|s| s.ok).unwrap().order;
    let (event, request) = (tl.sim().trace_of(order), other.trace_of(order));
    // The same shopper, at the same moment, with the same trace id.
    assert_eq!(event.request().unwrap().span.start_us, request.request().unwrap().span.start_us);
    assert_eq!(event.request().unwrap().span.trace, request.request().unwrap().span.trace);
    assert!(request.response_us().unwrap() > event.response_us().unwrap());
    // Request-driven, every callee is on the shopper's critical path; event-driven, none is.
    let on_path = |t: &OrderTrace| {
        t.spans
            .iter()
            .filter(|s| s.critical && s.node != fanout_sim::Node::Orders && s.node != fanout_sim::Node::Shopper)
            .count()
    };
    assert_eq!(on_path(&event), 0);
    assert!(on_path(&request) >= 2);
}

#[test]
fn the_picks_name_the_slowest_failed_and_retried_orders() {
    let sim = run(Wiring::Event, &["errors:email:0.5", "broker-down:3s-4s"], 20);
    let picks = sim.trace_picks();
    let slowest = picks.slowest.unwrap();
    let max = sim.checkout_samples().map(|s| s.latency_us).max().unwrap();
    assert_eq!(sim.trace_of(slowest).response_us(), Some(max));
    let failed = picks.failed.expect("the broker was down: some checkouts failed");
    assert!(sim.trace_of(failed).failed());
    let retried = picks.with_retries.expect("email fails half its work: redeliveries");
    assert!(sim.trace_of(retried).retries() > 0);
    assert!(picks.latest.is_some());
}

#[test]
fn an_alert_on_lag_goes_pending_then_firing_when_a_subscriber_crashes() {
    use fanout_sim::alerting::Phase;
    let sim = run(Wiring::Event, &["crash:email:5s-"], 40);
    let k = sim.alerts().iter().position(|a| a.rule.key == "email-lag").unwrap() as u16;
    let changes: Vec<_> = sim.alert_history().iter().filter(|c| c.rule == k).collect();
    assert_eq!(changes.iter().map(|c| c.to).collect::<Vec<_>>()[..2], [Phase::Pending, Phase::Firing]);
    assert!(changes[1].at_us - changes[0].at_us >= 10 * SEC, "it waited for its `for`");
    // A crashed consumer fails nothing: its error alert never fires, event-driven.
    let e = sim.alerts().iter().position(|a| a.rule.key == "email-errors").unwrap() as u16;
    assert!(sim.alert_history().iter().all(|c| c.rule != e));
}

/// The traces lesson, played headless: every prediction's right answer is the one it teaches.
#[test]
fn the_traces_lesson_grades_what_it_teaches() {
    let right = common::lesson_truths("traces", 4);
    assert_eq!(right, ["where-time=email", "shopper-waits=no", "split-count=two", "which-alert=lag", "for-flap=no"]);
}

#[test]
fn saga_messages_and_the_outbox_relay_keep_the_order_in_one_tree() {
    // A saga's commands and events are PRODUCER and CONSUMER spans of the order's trace.
    let setup = Setup { scenario: "checkout-saga".into(), seed: 3, rate: Some(4.0), ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).unwrap();
    sim.run_until(12 * SEC);
    let t = sim.trace_of(answered(&sim));
    assert_eq!(t.traces().len(), 1);
    assert_parents_in_trace(&t);
    assert!(
        t.spans.iter().any(|s| s.span.kind == SpanKind::Producer && s.span.name.starts_with("send ")),
        "{:?}",
        t.spans.iter().map(|s| &s.span.name).collect::<Vec<_>>()
    );
    assert!(t.spans.iter().any(|s| s.span.kind == SpanKind::Consumer));
    // The outbox relay publishes with the context the row was committed with: under the request.
    let mut sim = Sim::from_setup(&Setup { seed: 3, rate: Some(4.0), ..Setup::default() }).unwrap();
    sim.apply(fanout_sim::Action::SetPublishing { publishing: fanout_sim::Publishing::OutboxPolling }).unwrap();
    sim.run_until(12 * SEC);
    let t = sim.trace_of(answered(&sim));
    assert_parents_in_trace(&t);
    let relay = t.spans.iter().find(|s| s.node == fanout_sim::Node::Relay).expect("the relay's publish");
    assert_eq!(relay.span.kind, SpanKind::Producer);
    let server =
        t.spans.iter().find(|s| s.span.kind == SpanKind::Server && s.node == fanout_sim::Node::Orders).unwrap();
    assert_eq!(relay.span.parent, Some(server.span.id));
    assert_eq!(t.traces().len(), 1, "the subscribers hang under the relay's publish");
}

#[test]
fn above_200_orders_a_second_the_tracer_keeps_one_order_in_so_many() {
    let mut sim = Sim::from_setup(&Setup { seed: 2, rate: Some(1000.0), ..Setup::default() }).unwrap();
    sim.run_until(SEC);
    assert_eq!(sim.trace_sampling(), 5);
    let placed = sim.headline().placed;
    let kept: Vec<u64> = (1..=placed).filter(|&o| sim.trace_sampled(o)).collect();
    assert!(kept.iter().all(|o| !sim.trace_of(*o).spans.is_empty()));
    assert!((1..=placed).filter(|o| !sim.trace_sampled(*o)).all(|o| sim.trace_of(o).spans.is_empty()));
    assert!(kept.len() as u64 * 5 <= placed + 5 && kept.len() as u64 * 5 + 5 >= placed);
    // The picks only name orders that were kept.
    let picks = sim.trace_picks();
    assert!(picks.slowest.is_some_and(|o| sim.trace_sampled(o)));
}

#[test]
fn a_crashed_subscriber_is_named_as_not_yet_reached_and_nobody_is_request_driven() {
    let email = |sim: &Sim| sim.scenario().catalog_index("email").unwrap() as u16;
    let down = run(Wiring::Event, &["crash:email:0s-"], 10);
    let t = down.trace_of(answered(&down));
    assert_eq!(down.not_yet_reached(&t), [email(&down)], "Email's copy waits in the broker");
    let healthy = run(Wiring::Event, &[], 10);
    assert!(healthy.not_yet_reached(&healthy.trace_of(answered(&healthy))).is_empty());
    let called = run(Wiring::Request, &[], 10);
    assert!(called.not_yet_reached(&called.trace_of(answered(&called))).is_empty());
}
