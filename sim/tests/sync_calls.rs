//! "When to stay synchronous": a service the Order Service must hear from before it answers
//! (a stock check, a reservation) is called directly even under event-driven wiring, and the
//! event goes out only once it has answered. The price is the coupling of a direct call, for
//! that one service: its slowness is the shopper's, its failure is the checkout's.
//!
//! Runs use the checkout scenario at its default 2 orders per second with pinned seeds, the
//! way `lessons.rs` does: a healthy and a faulty run of the same seed meet the same orders.

use fanout_sim::fault::FaultSpec;
use fanout_sim::message::MsgKind;
use fanout_sim::narration::NoteKind;
use fanout_sim::*;

const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

fn index(sim: &Sim, key: &str) -> u16 {
    sim.scenario().catalog_index(key).unwrap() as u16
}

/// A checkout run, event-driven unless said otherwise, with `sync` kept synchronous from the start.
fn start(wiring: Wiring, seed: u64, faults: &[&str], sync: &[&str]) -> Sim {
    let setup = Setup {
        scenario: "checkout".into(),
        wiring,
        seed,
        rate: Some(2.0),
        faults: faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect(),
    };
    let mut sim = Sim::from_setup(&setup).unwrap();
    for service in sync {
        sim.apply(Action::SetSync { service: service.to_string(), on: true }).unwrap();
    }
    sim
}

/// p95 response time of the checkouts placed between 5 s and 55 s, run until all are answered.
fn steady_p95(seed: u64, faults: &[&str], sync: &[&str]) -> Micros {
    let mut sim = start(Wiring::Event, seed, faults, sync);
    sim.run_until(70 * SEC);
    sim.audit().unwrap();
    let p = sim.response_placed_between(5 * SEC, 55 * SEC);
    assert!(p.count > 80, "too few checkouts to measure: {p:?}");
    p.p95_us
}

fn ms(us: Micros) -> f64 {
    us as f64 / 1000.0
}

#[test]
fn a_synchronous_inventory_slowed_2s_raises_event_driven_checkout_p95_by_2s_an_asynchronous_one_does_not() {
    for seed in SEEDS {
        let sync_healthy = steady_p95(seed, &[], &["inventory"]);
        let sync_slow = steady_p95(seed, &["slow:inventory:2000ms"], &["inventory"]);
        assert!(
            sync_slow >= sync_healthy + 2 * SEC,
            "seed {seed}: with Inventory synchronous, p95 {} ms -> {} ms, should rise by at least 2000 ms",
            ms(sync_healthy),
            ms(sync_slow)
        );
        let async_healthy = steady_p95(seed, &[], &[]);
        let async_slow = steady_p95(seed, &["slow:inventory:2000ms"], &[]);
        let change = (async_slow as f64 - async_healthy as f64).abs() / async_healthy as f64;
        assert!(
            change <= 0.10,
            "seed {seed}: with Inventory asynchronous, p95 {} ms -> {} ms ({:.1}%), should stay within 10%",
            ms(async_healthy),
            ms(async_slow),
            change * 100.0
        );
        // Healthy, the one direct call costs a round trip and Inventory's work, not seconds:
        // two hops of ~0.2 s each and 20 to 40 ms of work, about 0.5 s at p95 (0.46 to 0.52 s
        // over these seeds), well below the 2 s the slowdown adds.
        assert!(
            sync_healthy < async_healthy + 1_000 * MS,
            "seed {seed}: {} ms synchronous, {} ms without",
            ms(sync_healthy),
            ms(async_healthy)
        );
    }
}

#[test]
fn a_crashed_synchronous_inventory_fails_every_checkout_an_asynchronous_one_fails_none() {
    for seed in SEEDS {
        // The stock check cannot be confirmed, so no order may be confirmed either.
        let mut sync = start(Wiring::Event, seed, &["crash:inventory"], &["inventory"]);
        sync.run_until(30 * SEC);
        let h = sync.headline();
        assert!(h.failed >= 40 && h.succeeded == 0, "seed {seed}: {h:?}");
        let inventory = index(&sync, "inventory");
        let mut down =
            sync.notes().filter(|n| n.kind == NoteKind::Failed { cause: narration::FailCause::Down(inventory) });
        assert!(down.next_back().is_some(), "a failure that names Inventory");
        // A checkout that failed before its publish published nothing.
        assert_eq!(h.published, 0, "seed {seed}");
        sync.audit().unwrap();

        let mut asynchronous = start(Wiring::Event, seed, &["crash:inventory"], &[]);
        asynchronous.run_until(30 * SEC);
        let h = asynchronous.headline();
        assert_eq!(h.failed, 0, "seed {seed}: {h:?}");
        assert!(h.succeeded >= 40, "seed {seed}: {h:?}");
        // Inventory's events wait for it instead.
        assert!(asynchronous.subscription(inventory).lag() >= 40, "seed {seed}");
    }
}

#[test]
fn a_synchronous_service_is_never_delivered_the_event_and_subscribes_to_new_events_when_released() {
    let mut sim = start(Wiring::Event, 7, &[], &["inventory"]);
    let inventory = index(&sim, "inventory");
    let email = index(&sim, "email");
    let mut t = 0;
    while t < 20 * SEC {
        t += 50 * MS;
        sim.run_until(t);
        assert!(
            !sim.messages().any(|m| m.kind == MsgKind::Deliver && m.to == Node::Service(inventory)),
            "a copy of the event on its way to Inventory at {t} µs"
        );
    }
    let sub = sim.subscription(inventory);
    assert!(!sub.active);
    assert_eq!((sub.copies, sub.processed, sub.lag()), (0, 0, 0));
    assert!(sim.is_sync(inventory));
    // It did its work all the same, as calls: one per checkout.
    let h = sim.headline();
    assert!(h.succeeded >= 30);
    assert!(sim.service_view(inventory).processed >= h.succeeded);
    // Everyone else still gets every event.
    assert!(sim.subscription(email).copies >= h.published - 1);

    sim.apply(Action::SetSync { service: "inventory".into(), on: false }).unwrap();
    assert!(!sim.is_sync(inventory));
    assert!(sim.subscription(inventory).active);
    let published_before = sim.published();
    sim.run_until(40 * SEC);
    let sub = sim.subscription(inventory);
    // From new events only: what came before was handled by the calls.
    assert_eq!(sub.copies, sim.published() - published_before);
    assert!(sub.processed + sub.lag() == sub.copies && sub.processed > 0, "{sub:?}");
    assert_eq!(sim.calls_per_order(), 1);
    sim.audit().unwrap();
}

#[test]
fn the_order_service_sends_one_call_per_synchronous_service_plus_one_publish_per_order() {
    let all = ["inventory", "shipping", "email"];
    for n in 0..=all.len() {
        let sync = &all[..n];
        let mut sim = start(Wiring::Event, 3, &[], sync);
        sim.run_until(20 * SEC);
        assert_eq!(sim.calls_per_order(), n + 1, "{sync:?}");
        assert_eq!(sim.outgoing_per_order_since(2 * SEC), Some((n + 1) as f64), "{sync:?}");
        // What it calls directly, in the order the services were wired in.
        let names: Vec<&str> = ["Email", "Inventory", "Shipping"]
            .into_iter()
            .filter(|name| sync.iter().any(|k| k.eq_ignore_ascii_case(name)))
            .collect();
        assert_eq!(sim.order_service_call_list(), names);
        assert_eq!(sim.headline().failed, 0);
        sim.audit().unwrap();
    }
}

#[test]
fn parallel_synchronous_calls_still_publish_once_after_both_answer() {
    let mut sim = start(Wiring::Event, 4, &["slow:shipping:1000ms"], &["inventory", "shipping"]);
    sim.apply(Action::SetCallMode { mode: CallMode::Parallel }).unwrap();
    sim.run_until(30 * SEC);
    // In parallel the checkout waits for the slower of the two, not their sum: the slowed
    // Shipping call (~1.05 s of work and two ~0.2 s hops) plus the four hops every
    // event-driven checkout makes, about 2.3 s; in sequence the two calls take ~2.7 s.
    let p = sim.response_between(5 * SEC, 30 * SEC);
    assert!(p.p50_us >= 2 * SEC && p.p50_us < 2_500 * MS, "{p:?}");
    // Stop orders and let the last checkouts finish: an order publishes its event a hop and
    // an acknowledgement before its shopper hears back, so count once nothing is in flight.
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    sim.run_until(40 * SEC);
    let h = sim.headline();
    assert_eq!(h.failed, 0);
    assert_eq!(h.in_flight, 0, "{h:?}");
    assert_eq!(h.published, h.succeeded, "one event per confirmed order: {h:?}");
}

#[test]
fn request_driven_the_flag_changes_nothing_but_is_remembered_for_event_driven_wiring() {
    let mut sim = start(Wiring::Request, 5, &[], &["inventory"]);
    assert!(sim.is_sync(index(&sim, "inventory")));
    assert_eq!(sim.calls_per_order(), 4);
    assert_eq!(sim.order_service_call_list(), ["Email", "Inventory", "Analytics", "Shipping"]);
    assert_eq!(sim.order_service_changes(), 0, "request-driven, it was called anyway");
    sim.run_until(10 * SEC);
    assert_eq!(sim.checkout_samples().last().unwrap().outgoing, 4);

    sim.apply(Action::SetWiring { wiring: Wiring::Event }).unwrap();
    assert_eq!(sim.calls_per_order(), 2);
    assert_eq!(sim.order_service_call_list(), ["Inventory"]);
    sim.run_until(20 * SEC);
    assert_eq!(sim.outgoing_per_order_since(12 * SEC), Some(2.0));
    assert_eq!(sim.subscription(index(&sim, "inventory")).copies, 0);
    sim.audit().unwrap();
}

#[test]
fn making_a_service_synchronous_event_driven_changes_the_order_service_and_says_so() {
    use fanout_sim::narration::SettingNote;
    let mut sim = start(Wiring::Event, 1, &[], &[]);
    let (inventory, email) = (index(&sim, "inventory"), index(&sim, "email"));
    sim.apply(Action::SetSync { service: "inventory".into(), on: true }).unwrap();
    assert_eq!(sim.order_service_changes(), 1);
    // What the log says; the words are the page's (its tests/narration_words.rs).
    let last = |sim: &Sim| sim.notes().last().unwrap().kind.clone();
    let sync = |service, on, event_driven| NoteKind::SettingChanged {
        service: Some(service),
        setting: SettingNote::Sync { on, event_driven },
    };
    assert_eq!(last(&sim), sync(inventory, true, true));
    // The same again changes nothing and says nothing.
    let notes = sim.notes_total();
    sim.apply(Action::SetSync { service: "inventory".into(), on: true }).unwrap();
    assert_eq!((sim.notes_total(), sim.order_service_changes()), (notes, 1));
    sim.apply(Action::SetSync { service: "inventory".into(), on: false }).unwrap();
    assert_eq!(sim.order_service_changes(), 2);
    assert_eq!(last(&sim), sync(inventory, false, true));
    sim.apply(Action::SetWiring { wiring: Wiring::Request }).unwrap();
    sim.apply(Action::SetSync { service: "email".into(), on: true }).unwrap();
    assert_eq!(sim.order_service_changes(), 2);
    assert_eq!(last(&sim), sync(email, true, false));
}

#[test]
fn removing_a_synchronous_service_clears_its_flag_and_adding_it_back_subscribes_it() {
    let mut sim = start(Wiring::Event, 2, &[], &["inventory"]);
    let inventory = index(&sim, "inventory");
    sim.run_until(5 * SEC);
    sim.apply(Action::RemoveSubscriber { service: "inventory".into() }).unwrap();
    assert!(!sim.is_sync(inventory));
    // It was called directly, so the Order Service had to stop calling it.
    assert_eq!(sim.order_service_changes(), 2);
    assert_eq!(sim.calls_per_order(), 1);
    sim.apply(Action::AddSubscriber { service: "inventory".into(), from: Default::default() }).unwrap();
    assert!(!sim.is_sync(inventory));
    assert!(sim.subscription(inventory).active);
    sim.run_until(15 * SEC);
    assert!(sim.subscription(inventory).processed > 0);
    sim.audit().unwrap();
}

#[test]
fn a_service_that_is_not_wired_in_or_not_known_cannot_be_made_synchronous() {
    let mut sim = start(Wiring::Event, 1, &[], &[]);
    let why = sim.apply(Action::SetSync { service: "sms".into(), on: true }).unwrap_err();
    assert!(why.contains("SMS is not wired in") && why.contains("add it first"), "{why}");
    let why = sim.apply(Action::SetSync { service: "billing".into(), on: true }).unwrap_err();
    assert!(why.contains("unknown service `billing`") && why.contains("email, inventory"), "{why}");
    assert!(sim.schedule(SEC, Action::SetSync { service: "billing".into(), on: true }).is_err());
    // Scheduled for a service not wired when it comes due: refused then, and told in the log.
    sim.schedule(SEC, Action::SetSync { service: "sms".into(), on: true }).unwrap();
    sim.run_until(2 * SEC);
    assert!(sim.notes().any(|n| matches!(&n.kind, NoteKind::Refused { why } if why.contains("SMS is not wired in; add it first"))));
    assert!(sim.inputs().iter().all(|i| !matches!(i.action, Action::SetSync { .. })));
    // Wired in first, it can.
    sim.apply(Action::AddSubscriber { service: "sms".into(), from: Default::default() }).unwrap();
    sim.apply(Action::SetSync { service: "sms".into(), on: true }).unwrap();
    assert!(sim.is_sync(index(&sim, "sms")));
    assert!(!sim.is_sync(999), "an index outside the catalog is simply not synchronous");
}

#[test]
fn switching_to_synchronous_while_events_are_pending_keeps_the_books() {
    for seed in SEEDS {
        let mut sim = start(Wiring::Event, seed, &["slow:inventory:3000ms"], &[]);
        sim.apply(Action::SetRate { rate: 10.0 }).unwrap();
        sim.run_until(10 * SEC);
        let inventory = index(&sim, "inventory");
        assert!(sim.subscription(inventory).lag() > 0, "seed {seed}: nothing pending to discard");
        sim.apply(Action::SetSync { service: "inventory".into(), on: true }).unwrap();
        let sub = sim.subscription(inventory);
        assert_eq!(sub.lag(), 0);
        assert!(sub.discarded > 0, "seed {seed}: the pending events were not counted as discarded");
        sim.audit().unwrap();
        sim.apply(Action::Clear { fault: Fault::Slow { service: "inventory".into(), extra_us: 3 * SEC } }).unwrap();
        sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
        sim.run_until(60 * SEC);
        let h = sim.headline();
        assert_eq!((h.in_flight, h.messages_in_flight), (0, 0), "seed {seed}: {h:?}");
        sim.audit().unwrap();
    }
}

#[test]
fn a_timeline_rewound_past_a_switch_to_synchronous_replays_the_same_trace() {
    let mut t = Timeline::new(&Setup { rate: Some(5.0), ..Setup::default() }).unwrap();
    t.advance(4 * SEC, u64::MAX);
    t.apply(Action::SetSync { service: "inventory".into(), on: true }).unwrap();
    t.advance(12 * SEC, u64::MAX);
    let (hash, headline) = (t.sim().trace_hash(), t.sim().headline());
    t.seek(2 * SEC);
    assert!(!t.sim().is_sync(1));
    t.seek(12 * SEC);
    assert!(t.sim().is_sync(1));
    assert_eq!((t.sim().trace_hash(), t.sim().headline()), (hash, headline));
}
