//! The design challenge: a rider books a trip, the Trip Service saves it and one `TripBooked`
//! event goes out to whoever the student subscribes. The same engine as the checkout shop,
//! with the scenario's own services and words.

use fanout::narration::note_text;
use fanout_sim::narration::Note;
use fanout_sim::params::LabParams;
use fanout_sim::*;

fn ride(wiring: Wiring, seed: u64) -> Sim {
    let setup = Setup { scenario: "ride-sharing".into(), wiring, seed, rate: None, faults: Vec::new() };
    Sim::from_setup(&setup).unwrap()
}

fn add(sim: &mut Sim, keys: &[&str]) {
    for key in keys {
        sim.apply(Action::AddSubscriber { service: key.to_string(), from: Default::default() }).unwrap();
    }
}

fn lines(sim: &Sim) -> Vec<String> {
    sim.notes().map(|n: &Note| note_text(n, sim.scenario())).collect()
}

#[test]
fn ride_sharing_is_a_built_in_scenario_that_validates_and_starts_with_no_subscribers() {
    assert!(Scenario::IDS.contains(&"ride-sharing"));
    let s = Scenario::by_id("ride-sharing").unwrap();
    s.validate().unwrap();
    let sim = ride(Wiring::Event, 1);
    assert!(sim.wired().is_empty());
    assert_eq!(sim.rate(), 2.0);
    assert_eq!(sim.order_service_view().name, "Trip Service");
    // A link can open it.
    let (p, notices) = LabParams::parse("?scenario=ride-sharing&fault=crash:pricing");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(p.setup.scenario, "ride-sharing");
    Sim::from_setup(&p.setup).unwrap();
}

#[test]
fn event_driven_one_trip_booked_event_reaches_every_subscriber_the_student_adds() {
    for seed in 1..=3 {
        let mut sim = ride(Wiring::Event, seed);
        add(&mut sim, &["matching", "notify", "pricing", "fraud", "receipts", "analytics"]);
        sim.apply(Action::SetCancelShare { share: 0.2 }).unwrap();
        sim.run_until(60 * SEC);
        sim.audit().unwrap();
        let h = sim.headline();
        assert_eq!(h.failed, 0, "seed {seed}: {h:?}");
        assert!(h.succeeded > 80, "seed {seed}: {h:?}");
        assert_eq!(sim.calls_per_order(), 1);
        assert_eq!(sim.outgoing_per_order_since(0), Some(1.0));
        for &i in sim.wired() {
            let sub = sim.subscription(i);
            assert!(sub.processed + 3 >= h.published + h.cancelled, "seed {seed}: subscriber {i}: {sub:?}");
        }
        let notify = sim.scenario().catalog_index("notify").unwrap() as u16;
        assert!(sim.consumer(notify).describe().ends_with("notifications sent"));
        let said = lines(&sim);
        let has = |prefix: &str, suffix: &str| said.iter().any(|l| l.starts_with(prefix) && l.ends_with(suffix));
        assert!(has("Trip ", " booked"), "{said:?}");
        assert!(has("TripBooked for trip ", " published"), "{said:?}");
        assert!(has("The rider cancels trip ", ""), "{said:?}");
        assert!(has("TripCancelled for trip ", " published"), "{said:?}");
        assert!(said.iter().all(|l| !l.contains("order") && !l.contains("Order")), "{said:?}");
    }
}

#[test]
fn request_driven_the_trip_service_calls_each_service_and_waits_for_all() {
    let mut ev = ride(Wiring::Event, 2);
    let mut req = ride(Wiring::Request, 2);
    for sim in [&mut ev, &mut req] {
        add(sim, &["matching", "pricing", "receipts"]);
        let added = if sim.wiring() == Wiring::Request {
            "Pricing added: the Trip Service had to be changed to call it"
        } else {
            "Pricing subscribed to TripBooked: the Trip Service did not change"
        };
        assert!(lines(sim).iter().any(|l| l == added), "{:?}", lines(sim));
        sim.run_until(60 * SEC);
        sim.audit().unwrap();
        assert_eq!(sim.headline().failed, 0);
    }
    assert_eq!(req.calls_per_order(), 3);
    assert_eq!(req.order_service_call_list(), ["Driver matching", "Pricing", "Receipts"]);
    assert_eq!(req.order_service_changes(), 3, "each new reaction edited the Trip Service");
    assert_eq!(ev.order_service_changes(), 0);
    let (e, r) = (ev.headline().response, req.headline().response);
    assert!(r.p95_us > e.p95_us + 100 * MS, "request-driven p95 {r:?} vs event-driven {e:?}");
}

#[test]
fn pricing_kept_synchronous_fails_the_booking_when_down_while_asynchronous_services_do_not() {
    let mut sim = ride(Wiring::Event, 4);
    add(&mut sim, &["matching", "pricing", "notify"]);
    sim.apply(Action::SetSync { service: "pricing".into(), on: true }).unwrap();
    assert_eq!(sim.calls_per_order(), 2);
    sim.run_until(20 * SEC);
    assert_eq!(sim.headline().failed, 0);
    sim.apply(Action::Inject { fault: Fault::Crash { service: "notify".into() } }).unwrap();
    sim.run_until(40 * SEC);
    assert_eq!(sim.headline().failed, 0, "an asynchronous subscriber's crash does not fail a booking");
    sim.apply(Action::Inject { fault: Fault::Crash { service: "pricing".into() } }).unwrap();
    sim.run_until(60 * SEC);
    assert!(sim.headline().failed > 20);
    assert!(lines(&sim).iter().any(|l| l.starts_with("Pricing is down: booking ") && l.ends_with(" failed")));
    sim.audit().unwrap();
}

#[test]
fn faults_name_the_trip_service_by_its_own_key() {
    let s = Scenario::ride_sharing();
    let ok = fault::FaultSpec::parse("crash:trips:5s-10s").unwrap();
    ok.fault.validate(&s).unwrap();
    let why = fault::FaultSpec::parse("crash:orders").unwrap().fault.validate(&s).unwrap_err();
    assert!(why.contains("unknown service `orders`") && why.contains("trips, matching"), "{why}");
    let why = fault::FaultSpec::parse("poison:trips:3").unwrap().fault.validate(&s).unwrap_err();
    assert!(why.contains("Trip Service publishes events but does not consume them"), "{why}");
    let setup = Setup { scenario: "ride-sharing".into(), faults: vec![ok], ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).unwrap();
    sim.run_until(15 * SEC);
    assert!(lines(&sim).iter().any(|l| l.starts_with("The Trip Service is down: booking ")));
    assert!(lines(&sim).iter().any(|l| l == "Trip Service recovered"));
}
