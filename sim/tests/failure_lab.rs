//! The failure lab's facts as numbers: each fault does its damage, and each remedy cures it.
//! These are the scenarios the page's end-to-end tests drive by hand.

use fanout_sim::delivery::{Guarantee, StartFrom};
use fanout_sim::fault::FaultSpec;
use fanout_sim::topic::PartitionKey;
use fanout_sim::*;

fn index(sim: &Sim, key: &str) -> u16 {
    sim.scenario().catalog_index(key).unwrap() as u16
}

fn start(faults: &[&str], rate: f64) -> Sim {
    let faults = faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect();
    Sim::from_setup(&Setup { seed: 3, rate: Some(rate), faults, ..Setup::default() }).unwrap()
}

#[test]
fn lost_acknowledgements_decrement_stock_twice_unless_inventory_is_idempotent() {
    let mut sim = start(&["duplicate:inventory:1"], 0.0);
    sim.apply(Action::BuyNow).unwrap();
    sim.apply(Action::BuyNow).unwrap();
    sim.run_until(4 * SEC);
    let inv = sim.consumer(index(&sim, "inventory"));
    assert!(inv.duplicates >= 2, "no duplicates after the ack timeout: {inv:?}");
    assert!(inv.value < inv.expected, "stock {} should be below {}", inv.value, inv.expected);
    let (dups, value) = (inv.duplicates, inv.value);
    sim.apply(Action::SetIdempotent { service: "inventory".into(), on: true }).unwrap();
    sim.apply(Action::BuyNow).unwrap();
    sim.run_until(20 * SEC);
    let inv = sim.consumer(index(&sim, "inventory"));
    assert!(inv.skipped > 0, "the idempotent consumer skipped nothing");
    // The new order was applied once; the earlier damage stays, nothing new is added.
    assert_eq!(inv.duplicates, dups, "idempotent Inventory applied a duplicate");
    assert_eq!(inv.value, value - 1);
}

#[test]
fn a_dropped_delivery_is_lost_at_most_once_and_delivered_again_at_least_once() {
    let mut amo = start(&["drop:email:0.5"], 3.0);
    amo.apply(Action::SetGuarantee { service: "email".into(), guarantee: Guarantee::AtMostOnce }).unwrap();
    amo.run_until(10 * SEC);
    let sub = amo.subscription(index(&amo, "email"));
    assert!(sub.lost_dropped > 0 && sub.lost() == sub.lost_dropped, "{sub:?}");

    // Regression: the wire's faults are rolled afresh for every send. They were once keyed by
    // the delivery alone, so a dropped delivery was dropped again on every retry, for ever.
    let mut alo = start(&["drop:email:0.5"], 3.0);
    alo.run_until(10 * SEC);
    alo.apply(Action::SetRate { rate: 0.0 }).unwrap();
    alo.run_until(40 * SEC);
    let sub = alo.subscription(index(&alo, "email"));
    assert_eq!(sub.lost(), 0);
    assert!(sub.redeliveries > 0);
    assert_eq!((sub.lag(), sub.processed), (0, alo.published()), "every event processed in the end");
}

#[test]
fn a_poison_event_is_retried_with_backoff_then_parked_and_can_be_redriven() {
    let mut sim = start(&[], 0.0);
    let order = sim.next_order_id();
    let poison = Fault::Poison { service: "email".into(), order };
    sim.apply(Action::Inject { fault: poison.clone() }).unwrap();
    sim.apply(Action::BuyNow).unwrap();
    // The event reaches Email after ~0.6 s (three ~0.2 s hops); each of the 4 attempts costs
    // a round trip, ~0.5 s, and the backoffs between them 0.25 + 0.5 + 1 s: parked at ~3.6 s.
    sim.run_until(5 * SEC);
    let email = index(&sim, "email");
    let dlq = &sim.subscription(email).dlq;
    assert_eq!(dlq.len(), 1);
    assert_eq!(dlq[0].attempts, 4, "the default policy makes 4 attempts");
    assert_eq!(dlq[0].entry.order, order);
    assert_eq!(sim.subscription(email).lag(), 0, "a dead letter is not lag");
    sim.apply(Action::Clear { fault: poison }).unwrap();
    sim.apply(Action::Redrive { service: "email".into(), event: None }).unwrap();
    sim.run_until(7 * SEC);
    let sub = sim.subscription(email);
    assert!(sub.dlq.is_empty());
    assert_eq!((sub.processed, sub.dead), (1, 0));
    sim.audit().unwrap();
}

#[test]
fn without_a_key_cancellations_overtake_their_orders_and_keying_by_order_stops_it() {
    // A cancellation is published about four hops (~0.8 s) after its order, so only a
    // delivery held up for longer lets it overtake: up to 1.5 s does for 9 of these orders
    // in 20 s (800 ms did for none), without piling up so much lag that events from before
    // the switch of key are still overtaking long after it.
    let mut sim = start(&["delay:email:0.5:1500ms"], 5.0);
    sim.apply(Action::SetPartitionKey { key: PartitionKey::None }).unwrap();
    sim.apply(Action::SetCancelShare { share: 0.5 }).unwrap();
    sim.run_until(20 * SEC);
    let email = index(&sim, "email");
    assert!(sim.consumer(email).out_of_order > 0);
    sim.apply(Action::SetPartitionKey { key: PartitionKey::OrderId }).unwrap();
    // Events published before the switch may still overtake for a moment.
    sim.run_until(23 * SEC);
    let settled = sim.consumer(email).out_of_order;
    sim.run_until(60 * SEC);
    assert_eq!(sim.consumer(email).out_of_order, settled, "keyed by order ID, nothing overtakes");
    assert_eq!(sim.subscription(email).order_violations, 0);
}

#[test]
fn a_crash_before_the_acknowledgement_means_a_duplicate() {
    let mut sim = start(&["crash-before-ack:analytics:0.5"], 3.0);
    sim.run_until(10 * SEC);
    let a = index(&sim, "analytics");
    let dups = sim.consumer(a).duplicates;
    assert!(dups > 0 && dups < 3 * sim.published(), "{dups} duplicates for {} events", sim.published());
}

#[test]
fn competing_consumers_share_the_work_and_each_event_is_processed_once() {
    let mut sim = start(&[], 10.0);
    sim.apply(Action::SetConsumers { service: "email".into(), consumers: 3 }).unwrap();
    sim.run_until(20 * SEC);
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    sim.run_until(30 * SEC);
    let sub = sim.subscription(index(&sim, "email"));
    assert!(sub.per_consumer.iter().all(|&n| n > 0), "{:?}", sub.per_consumer);
    assert_eq!(sub.per_consumer.iter().sum::<u64>(), sim.published());
    assert_eq!(sim.consumer(index(&sim, "email")).applications, sim.published());
}

#[test]
fn a_late_subscriber_replays_the_log_from_offset_0_or_starts_at_the_end() {
    let mut sim = start(&[], 3.0);
    sim.run_until(10 * SEC);
    let before = sim.published();
    sim.apply(Action::AddSubscriber { service: "sms".into(), from: StartFrom::Earliest }).unwrap();
    sim.apply(Action::AddSubscriber { service: "fraud".into(), from: StartFrom::Latest }).unwrap();
    let (sms, fraud) = (index(&sim, "sms"), index(&sim, "fraud"));
    assert_eq!(sim.subscription(sms).lag(), before, "the replay takes on every event so far");
    assert_eq!(sim.subscription(fraud).lag(), 0);
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    sim.run_until(20 * SEC);
    assert_eq!(sim.subscription(sms).processed, sim.published());
    assert_eq!(sim.subscription(fraud).processed, sim.published() - before);
}
