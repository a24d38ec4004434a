//! A change of setting is told in the event log in the same words as before the notes were
//! typed: the core records what changed as data, and the one renderer (`Note::text`) puts it
//! into words. Each line here is the text the log showed when the core wrote English itself.

use fanout_sim::delivery::{Guarantee, RetryPolicy, StartFrom};
use fanout_sim::narration::NoteKind;
use fanout_sim::topic::PartitionKey;
use fanout_sim::*;

/// The log lines of every setting change `actions` make, in the scenario `scenario`.
fn setting_lines(scenario: &str, wiring: Wiring, actions: Vec<Action>) -> Vec<String> {
    let setup = Setup { scenario: scenario.into(), wiring, rate: Some(0.0), ..Setup::default() };
    let mut sim = Sim::from_setup(&setup).unwrap();
    for a in actions {
        sim.apply(a).unwrap();
    }
    sim.notes().filter(|n| matches!(n.kind, NoteKind::SettingChanged { .. })).map(|n| n.text(sim.scenario())).collect()
}

fn every_setting(service: &str) -> Vec<Action> {
    let s = || service.to_string();
    vec![
        Action::SetGuarantee { service: s(), guarantee: Guarantee::AtMostOnce },
        Action::SetGuarantee { service: s(), guarantee: Guarantee::AtLeastOnce },
        Action::SetIdempotent { service: s(), on: true },
        Action::SetIdempotent { service: s(), on: false },
        Action::SetRetry { service: s(), retry: RetryPolicy { max_attempts: 4, base_us: 250 * MS, cap_us: 4 * SEC } },
        Action::SetRetry {
            service: s(),
            retry: RetryPolicy { max_attempts: 1, base_us: 1_500 * MS, cap_us: 1_500 * MS },
        },
        Action::SetConsumers { service: s(), consumers: 1 },
        Action::SetConsumers { service: s(), consumers: 3 },
        Action::SetPartitions { partitions: 12 },
        Action::SetPartitionKey { key: PartitionKey::UserId },
        Action::SetPartitionKey { key: PartitionKey::OrderId },
        Action::SetPartitionKey { key: PartitionKey::None },
        Action::SetCancelShare { share: 0.25 },
        Action::SetCancelShare { share: 0.125 },
    ]
}

fn sync_both_ways(service: &str) -> Vec<Action> {
    vec![Action::SetSync { service: service.into(), on: true }, Action::SetSync { service: service.into(), on: false }]
}

#[test]
fn setting_changes_read_as_they_always_have() {
    // Email is wired in from the start of the checkout shop.
    assert_eq!(
        setting_lines("checkout", Wiring::Event, every_setting("email")),
        [
            "Email is now at-most-once",
            "Email is now at-least-once",
            "Email is now idempotent (skips event IDs it has seen)",
            "Email is now not idempotent",
            "Email is now retrying 4 times in all, from 250 ms up to 4.0 s",
            "Email is now retrying 1 times in all, from 1.5 s up to 1.5 s",
            "Email is now 1 consumer in its group",
            "Email is now 3 consumers in its group",
            "The topic has 12 partitions",
            "Events are partitioned by user ID",
            "Events are partitioned by order ID",
            "Events are partitioned by none (round-robin)",
            "25% of shoppers cancel just after ordering",
            "12% of shoppers cancel just after ordering",
        ]
    );
    assert_eq!(
        setting_lines("checkout", Wiring::Event, sync_both_ways("email")),
        [
            "Email is now called synchronously: the Order Service had to be changed to call it, and waits for its \
             answer before it publishes OrderPlaced",
            "Email is now asynchronous: it gets OrderPlaced from the broker, and the Order Service had to be changed \
             to stop calling it",
        ]
    );
    assert_eq!(
        setting_lines("checkout", Wiring::Request, sync_both_ways("email")),
        [
            "Email is now marked synchronous: the Order Service calls it already, and will keep calling it under \
             event-driven wiring",
            "Email is now marked asynchronous: under event-driven wiring it will get OrderPlaced from the broker \
             instead of a call",
        ]
    );
}

/// Another scenario's words: its actor, its verb, its service and event names.
#[test]
fn setting_changes_speak_the_scenario_s_words() {
    let rs = Scenario::ride_sharing();
    let key = rs.catalog[0].key.clone();
    let mut actions = vec![Action::AddSubscriber { service: key.clone(), from: StartFrom::Latest }];
    actions.extend(every_setting(&key));
    actions.extend(sync_both_ways(&key));
    assert_eq!(
        setting_lines("ride-sharing", Wiring::Event, actions),
        [
            "Driver matching is now at-most-once",
            "Driver matching is now at-least-once",
            "Driver matching is now idempotent (skips event IDs it has seen)",
            "Driver matching is now not idempotent",
            "Driver matching is now retrying 4 times in all, from 250 ms up to 4.0 s",
            "Driver matching is now retrying 1 times in all, from 1.5 s up to 1.5 s",
            "Driver matching is now 1 consumer in its group",
            "Driver matching is now 3 consumers in its group",
            "The topic has 12 partitions",
            "Events are partitioned by user ID",
            "Events are partitioned by order ID",
            "Events are partitioned by none (round-robin)",
            "25% of riders cancel just after booking",
            "12% of riders cancel just after booking",
            "Driver matching is now called synchronously: the Trip Service had to be changed to call it, and waits \
             for its answer before it publishes TripBooked",
            "Driver matching is now asynchronous: it gets TripBooked from the broker, and the Trip Service had to be \
             changed to stop calling it",
        ]
    );
}
