//! The headline figures never mix the two wirings: after a switch they count only checkouts
//! placed under the new one, and say from when.

use fanout_sim::fault::Fault;
use fanout_sim::sim::{Setup, Sim};
use fanout_sim::time::SEC;
use fanout_sim::{Action, Wiring};

#[test]
fn after_a_switch_to_events_the_headline_counts_only_event_driven_checkouts() {
    let setup = Setup { wiring: Wiring::Request, ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).unwrap();
    sim.apply(Action::Inject { fault: Fault::Slow { service: "analytics".into(), extra_us: 2 * SEC } }).unwrap();
    sim.run_until(20 * SEC);
    let slow = sim.headline();
    assert!(slow.response.p95_us > 2 * SEC, "request-driven waits on Analytics: {:?}", slow.response);
    assert_eq!(slow.wiring_since_us, None, "no switch in the last 30 s");

    sim.apply(Action::SetWiring { wiring: Wiring::Event }).unwrap();
    let switched_at = sim.now();
    sim.run_until(switched_at + 5 * SEC);
    let h = sim.headline();
    assert_eq!(h.wiring_since_us, Some(switched_at));
    // Request-driven checkouts still finishing after the switch are left out, so the p95 is
    // the event-driven one, well under the 2 s Analytics adds.
    assert!(h.response.count > 0);
    assert!(h.response.p95_us < 2 * SEC, "{:?}", h.response);
    // The same window counted by completion alone would still carry the slow checkouts.
    let mixed = sim.response_between(sim.now().saturating_sub(30 * SEC), sim.now());
    assert!(mixed.p95_us > 2 * SEC, "{mixed:?}");

    // Thirty seconds on, the window is the usual one again.
    sim.run_until(switched_at + 31 * SEC);
    assert_eq!(sim.headline().wiring_since_us, None);
}
