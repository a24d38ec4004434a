//! The run in words. A change of setting is told in the event log in the same words as before
//! the notes were typed: the core records what changed as data, and the one renderer, the
//! page's `narration::note_text`, puts it into words. Each line here is the text the log showed
//! when the core wrote English itself. These run natively, with `make test-native`.

use fanout::narration::note_text;
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
    sim.notes()
        .filter(|n| matches!(n.kind, NoteKind::SettingChanged { .. }))
        .map(|n| note_text(n, sim.scenario()))
        .collect()
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

/// Making a service synchronous, and back, in the words the log uses.
#[test]
fn a_synchronous_service_is_told_in_the_log() {
    // The checkout starts with Email and Inventory wired in.
    let mut sim = Sim::from_setup(&Setup { rate: Some(0.0), ..Setup::default() }).unwrap();
    let last = |sim: &Sim| note_text(sim.notes().last().unwrap(), sim.scenario());
    sim.apply(Action::SetSync { service: "inventory".into(), on: true }).unwrap();
    assert_eq!(
        last(&sim),
        "Inventory is now called synchronously: the Order Service had to be changed to call it, \
         and waits for its answer before it publishes OrderPlaced"
    );
    sim.apply(Action::SetSync { service: "inventory".into(), on: false }).unwrap();
    assert_eq!(
        last(&sim),
        "Inventory is now asynchronous: it gets OrderPlaced from the broker, and the Order Service had to be \
         changed to stop calling it"
    );
    sim.apply(Action::SetWiring { wiring: Wiring::Request }).unwrap();
    sim.apply(Action::SetSync { service: "email".into(), on: true }).unwrap();
    assert!(last(&sim).starts_with("Email is now marked synchronous: the Order Service calls it already"));
    // A down service that is called synchronously fails the checkout, by name.
    sim.apply(Action::SetWiring { wiring: Wiring::Event }).unwrap();
    sim.apply(Action::Inject { fault: fanout_sim::fault::Fault::Crash { service: "email".into() } }).unwrap();
    sim.apply(Action::BuyNow).unwrap();
    sim.run_until(10 * SEC);
    let lines: Vec<String> = sim.notes().map(|n| note_text(n, sim.scenario())).collect();
    assert!(lines.iter().any(|l| l.starts_with("Email is down: checkout ")), "{lines:?}");
}

/// A chain's follow-ups are told with their type's name and their publisher's.
#[test]
fn a_follow_up_is_told_with_its_type_and_publisher() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/content/scenarios/bank-transfer.json")).unwrap();
    let scenario = fanout_sim::system::load(&text).unwrap();
    let setup = Setup { scenario: scenario.id.clone(), rate: Some(0.0), ..Setup::default() };
    let mut sim = Sim::from_scenario(scenario, &setup).unwrap();
    sim.apply(Action::BuyNow).unwrap();
    sim.run_until(10 * SEC);
    let lines: Vec<String> = sim.notes().map(|n| note_text(n, sim.scenario())).collect();
    let published = |line: &str| line.starts_with("Fraud check published ") && line.ends_with(" for transfer 1");
    assert!(lines.iter().any(|l| published(l)), "{lines:?}");
    assert!(lines.iter().any(|l| l == "Transfer 1 requested"), "{lines:?}");
}

/// Every line a run tells, in words.
fn lines(scenario: &str, faults: &[&str], actions: Vec<Action>, seconds: u64) -> Vec<String> {
    let faults = faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect();
    let setup = Setup { scenario: scenario.into(), wiring: Wiring::Event, rate: Some(3.0), seed: 5, faults };
    let mut sim = Sim::from_setup(&setup).unwrap();
    for a in actions {
        sim.apply(a).unwrap();
    }
    sim.run_until(seconds * SEC);
    let lines: Vec<String> = sim.notes().map(|n| note_text(n, sim.scenario())).collect();
    for l in &lines {
        assert!(!l.trim().is_empty() && !l.contains("  ") && !l.contains(" :") && !l.contains("()"), "{l:?}");
    }
    lines
}

fn has(lines: &[String], pattern: &str) -> bool {
    let words: Vec<&str> = pattern.split('*').collect();
    lines.iter().any(|l| {
        let mut rest = l.as_str();
        words.iter().all(|w| match rest.find(w) {
            Some(k) => {
                rest = &rest[k + w.len()..];
                true
            }
            None => false,
        })
    })
}

#[test]
fn the_outbox_is_told_in_words() {
    let direct = lines("checkout", &["crash-after-commit:0.3"], vec![], 8);
    assert!(has(&direct, "The Order Service crashed after saving order * and before publishing: the order exists, but no OrderPlaced will ever announce it"), "{direct:#?}");
    assert!(has(&direct, "The Order Service crashed before answering: checkout * failed"));
    let outbox = lines(
        "checkout",
        &["crash-after-commit:0.3", "relay-crash:0.3"],
        vec![Action::SetPublishing { publishing: Publishing::OutboxPolling }],
        8,
    );
    assert!(has(
        &outbox,
        "The Order Service saves OrderPlaced as an outbox row with the order; a relay polls the table every 500 ms"
    ));
    assert!(has(
        &outbox,
        "its outbox row was saved in the same transaction, so the relay will still publish OrderPlaced"
    ));
    assert!(has(&outbox, "The outbox relay crashed after publishing event * (order *) and before marking it sent"));
    assert!(has(&outbox, "The broker stored event * (order *) a second time: its subscribers will meet a duplicate"));
    assert!(has(&outbox, "The outbox relay crashes after 30% of its publishes, before marking the row sent"));
}

#[test]
fn the_saga_is_told_in_words() {
    let declined = lines("checkout-saga", &["errors:payment:0.4"], vec![], 12);
    assert!(has(&declined, "Payment: PaymentDeclined for order *"), "{declined:#?}");
    assert!(has(&declined, "Order *'s saga failed: 1 compensation owed, the newest first"));
    assert!(has(&declined, "Inventory for order *: StockReleased"));
    assert!(has(&declined, "Order *'s saga is compensated: every completed step undone"));
    assert!(has(&declined, "Order *'s saga completed: every step done"));
    let twice = lines(
        "checkout-saga",
        &["errors:shipping:0.4", "compensation-fails:payment:1"],
        vec![Action::SetSagaStyle { style: saga::SagaStyle::Choreographed }],
        12,
    );
    let style = lines("checkout-saga", &[], vec![Action::SetSagaStyle { style: saga::SagaStyle::Choreographed }], 0);
    assert!(has(&style, "New sagas are choreographed: each service reacts to the event of the one before"));
    assert!(
        has(&twice, "Payment failed after RefundPayment for order *, before it could say so: it will be tried again"),
        "{twice:#?}"
    );
    assert!(has(&twice, "Payment paid out again for order * (RefundPayment): a second time"));
    let lost = lines(
        "checkout-saga",
        &["drop:payment:0.5"],
        vec![Action::SetSagaStyle { style: saga::SagaStyle::Choreographed }, Action::SetSagaTimeouts { on: true }],
        20,
    );
    assert!(has(&lost, "StockReserved for order * was lost on its way to Payment"), "{lost:#?}");
    assert!(has(&lost, "Order *'s saga ran out of time: the Order Service announced OrderTimedOut"));
}

#[test]
fn the_event_store_is_told_in_words() {
    use fanout_sim::projection::ProjectionKind::{Dashboard, Emails, History};
    let faults = ["concurrent-writes:0.2", "dashboard-bug:0s-4s", "projection-down:history:2s-3s"];
    let setup = Setup {
        rate: Some(5.0),
        seed: 5,
        faults: faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect(),
        ..Setup::default()
    };
    let mut sim = Sim::from_setup(&setup).unwrap();
    sim.apply(Action::SetRate { rate: 3.0 }).unwrap();
    sim.apply(Action::SetStorage { storage: Storage::EventSourced }).unwrap();
    sim.apply(Action::SetSnapshots { every: 20 }).unwrap();
    sim.apply(Action::SetReplayGuard { on: true }).unwrap();
    sim.schedule(5 * SEC, Action::Rebuild { projection: Dashboard }).unwrap();
    sim.schedule(5 * SEC, Action::SetReplayGuard { on: false }).unwrap();
    sim.schedule(6 * SEC, Action::DeleteSnapshot { projection: Emails }).unwrap();
    sim.schedule(6 * SEC, Action::Rebuild { projection: Emails }).unwrap();
    sim.schedule(7 * SEC, Action::Rebuild { projection: History }).unwrap();
    sim.schedule(7 * SEC, Action::SetStorage { storage: Storage::Rows }).unwrap();
    sim.run_until(9 * SEC);
    let l: Vec<String> = sim.notes().map(|n| note_text(n, sim.scenario())).collect();
    for want in [
        "The Order Service keeps each order as a stream of events; its history page, sales dashboard and emails are read models projected from the log",
        "Each read model takes a snapshot every 20 events",
        "Replay guard on: while a read model replays the log, it sends no email it sent before",
        "Replay guard off: a read model replaying the log sends its emails again",
        "Two writers changed order * at once: the support desk's address change expected its stream at version 1, found it at 2, and was refused; it loads the stream again and retries",
        "The sales dashboard read model has a bug: it adds refunds to sales instead of taking them off",
        "The order history read model is stopped: it falls behind the log",
        "The order history read model is running again: it resumes from its last checkpoint",
        "The sales dashboard read model's bug is fixed: new events are counted right, but what it counted wrong stays wrong until it is rebuilt",
        "The sales dashboard read model was reset: it reads the log again from position 0",
        "The sales dashboard read model caught up after reading * events in *",
        "The order history read model was reset to its snapshot at position * and reads the log from there",
        "The emails read model caught up after reading * events in *, and sent * emails again",
        "The emails read model's snapshot was deleted: its next rebuild starts from position 0",
        "The Order Service keeps each order as a row, changed in place",
        "20% of the Order Service's orders get two changes at once from two writers",
    ] {
        assert!(has(&l, want), "{want}\n{l:#?}");
    }
    let rows = lines("checkout", &["concurrent-writes:0.5"], vec![], 4);
    assert!(has(&rows, "Two writers changed order * at once: kept as a row, the second change overwrote the first, and nobody noticed"), "{rows:#?}");
}
