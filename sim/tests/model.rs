//! Behaviours of the model worth pinning that are not lessons: the publish buffer, scheduled
//! actions checked when due, and the controlled comparison one seed gives.

use fanout_sim::fault::FaultSpec;
use fanout_sim::narration::NoteKind;
use fanout_sim::*;

fn start(wiring: Wiring, faults: &[&str]) -> Sim {
    Sim::from_setup(&Setup {
        scenario: "checkout".into(),
        wiring,
        seed: 3,
        rate: Some(4.0),
        faults: faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect(),
    })
    .unwrap()
}

#[test]
fn broker_down_buffer_and_retry_the_buffered_count_never_blinks_to_zero_during_the_outage() {
    let mut sim = start(Wiring::Event, &["broker-down:10s-20s"]);
    sim.apply(Action::SetPublishPolicy { policy: PublishPolicy::BufferAndRetry }).unwrap();
    sim.run_until(12 * SEC);
    let mut last = sim.headline().buffered;
    assert!(last > 0, "nothing buffered 2 s into the outage");
    // Every 5 ms through the rest of the outage: retries are on the wire, not gone.
    for t in (12_005 * MS..20 * SEC).step_by(5_000) {
        sim.run_until(t);
        let now = sim.headline().buffered;
        assert!(now >= last, "buffered fell from {last} to {now} at {t} us while the broker was down");
        last = now;
        sim.audit().unwrap();
    }
    sim.run_until(25 * SEC);
    assert_eq!(sim.headline().buffered, 0, "the buffer drains once the broker is back");
}

#[test]
fn scheduled_add_then_remove_of_a_new_service_is_accepted_and_applied_in_turn() {
    let mut sim = start(Wiring::Event, &[]);
    sim.schedule(10 * SEC, Action::AddSubscriber { service: "sms".into(), from: Default::default() }).unwrap();
    sim.schedule(20 * SEC, Action::RemoveSubscriber { service: "sms".into() }).unwrap();
    let sms = sim.scenario().catalog_index("sms").unwrap() as u16;
    sim.run_until(15 * SEC);
    assert!(sim.wired().contains(&sms));
    sim.run_until(25 * SEC);
    assert!(!sim.wired().contains(&sms));
}

#[test]
fn a_scheduled_action_that_no_longer_applies_is_refused_in_the_log() {
    let mut sim = start(Wiring::Event, &[]);
    sim.schedule(SEC, Action::AddSubscriber { service: "sms".into(), from: Default::default() }).unwrap();
    sim.schedule(2 * SEC, Action::AddSubscriber { service: "sms".into(), from: Default::default() }).unwrap();
    sim.run_until(3 * SEC);
    let refused: Vec<&str> = sim
        .notes()
        .filter_map(|n| match &n.kind {
            NoteKind::Refused { why } => Some(why.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("SMS is already wired in"), "{refused:?}");
    // Impossible values are still refused when scheduling.
    assert!(sim.schedule(5 * SEC, Action::SetRate { rate: -1.0 }).is_err());
    assert!(sim
        .schedule(5 * SEC, Action::AddSubscriber { service: "billing".into(), from: Default::default() })
        .is_err());
}

#[test]
fn one_seed_is_a_controlled_experiment_an_event_driven_checkout_does_not_notice_a_slow_subscriber() {
    // Each order meets the same network and the same work in both runs, so the checkouts
    // are identical to the microsecond: the slowdown only touches Analytics' own work.
    let healthy = run(&Setup { seed: 8, rate: Some(3.0), ..Default::default() }, 40 * SEC).unwrap();
    let slowed = run(
        &Setup {
            seed: 8,
            rate: Some(3.0),
            faults: vec![FaultSpec::parse("slow:analytics:3000ms").unwrap()],
            ..Default::default()
        },
        40 * SEC,
    )
    .unwrap();
    let times = |s: &Sim| s.checkout_samples().map(|c| (c.order, c.latency_us)).collect::<Vec<_>>();
    assert!(times(&healthy).len() > 100);
    assert_eq!(times(&healthy), times(&slowed));
    assert_ne!(healthy.trace_hash(), slowed.trace_hash(), "the runs differ, just not for the shopper");
}

#[test]
fn the_report_counts_calls_handled_in_request_driven_wiring() {
    let sim = run(&Setup { wiring: Wiring::Request, seed: 2, ..Default::default() }, 20 * SEC).unwrap();
    let report = fanout_sim::report::Report::of(&sim, &[]);
    for s in &report.subscribers {
        assert_eq!(s.processed, 0, "no events request-driven");
        assert!(s.handled > 20, "{} handled only {} calls", s.name, s.handled);
    }
}
