//! Strategies shared by the property-test files (each test file includes this module).
#![allow(dead_code)] // each test file uses its own subset

use fanout_sim::delivery::{Guarantee, RetryPolicy, StartFrom, MAX_ATTEMPTS};
use fanout_sim::{Action, Fault, MS};
use proptest::prelude::*;

/// Every service key a fault may name in the checkout scenarios, the Order Service included.
pub const SERVICES: [&str; 10] =
    ["orders", "email", "inventory", "analytics", "shipping", "sms", "fraud", "loyalty", "payment", "orderpage"];
/// The downstream services a subscriber action may name (wired at the start or not), in
/// catalog order.
pub const CATALOG: [&str; 9] =
    ["email", "inventory", "analytics", "shipping", "sms", "fraud", "loyalty", "payment", "orderpage"];

/// `default` unless FANOUT_PROPTEST_CASES asks for another number (a longer hunt by hand).
pub fn cases(default: u32) -> u32 {
    std::env::var("FANOUT_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn config(default: u32) -> ProptestConfig {
    ProptestConfig { cases: cases(default), max_shrink_iters: 2_000, ..ProptestConfig::default() }
}

pub fn service() -> impl Strategy<Value = String> {
    prop::sample::select(&SERVICES[..]).prop_map(String::from)
}

pub fn catalog_service() -> impl Strategy<Value = String> {
    prop::sample::select(&CATALOG[..]).prop_map(String::from)
}

pub fn share() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64]
}

/// The failure lab's faults on the delivery path.
pub fn delivery_fault() -> impl Strategy<Value = Fault> {
    let target = || prop::option::of(catalog_service());
    prop_oneof![
        (target(), share()).prop_map(|(service, share)| Fault::Drop { service, share }),
        (target(), share()).prop_map(|(service, share)| Fault::Duplicate { service, share }),
        (target(), share(), 0u64..=3_000).prop_map(|(service, share, ms)| Fault::Delay {
            service,
            share,
            extra_us: ms * MS
        }),
        (catalog_service(), share()).prop_map(|(service, share)| Fault::CrashBeforeAck { service, share }),
        (catalog_service(), 1u64..=40).prop_map(|(service, order)| Fault::Poison { service, order }),
    ]
}

/// The outbox lab's faults: the crash after the commit, the relay's crash and its stop.
pub fn outbox_fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        share().prop_map(|share| Fault::CrashAfterCommit { share }),
        share().prop_map(|share| Fault::RelayCrash { share }),
        Just(Fault::RelayDown),
        (catalog_service(), share()).prop_map(|(service, share)| Fault::CompensationFails { service, share }),
    ]
}

pub fn publishing() -> impl Strategy<Value = fanout_sim::Publishing> {
    use fanout_sim::Publishing;
    prop_oneof![Just(Publishing::Direct), Just(Publishing::OutboxPolling), Just(Publishing::OutboxTailing)]
}

/// Keeps a service synchronous, or lets it go back to events. Refused when the service is not
/// wired in (about half of the catalog at the start), which is part of what is exercised.
pub fn set_sync() -> impl Strategy<Value = Action> {
    (catalog_service(), any::<bool>()).prop_map(|(service, on)| Action::SetSync { service, on })
}

pub fn guarantee() -> impl Strategy<Value = Guarantee> {
    prop_oneof![Just(Guarantee::AtLeastOnce), Just(Guarantee::AtMostOnce)]
}

pub fn start_from() -> impl Strategy<Value = StartFrom> {
    prop_oneof![Just(StartFrom::Latest), Just(StartFrom::Earliest)]
}

/// Valid retry policies with a base delay up to `max_base_ms` and a cap up to `max_more_ms` above it.
pub fn retry(max_base_ms: u64, max_more_ms: u64) -> impl Strategy<Value = RetryPolicy> {
    (1u32..=MAX_ATTEMPTS, 1u64..=max_base_ms, 0u64..=max_more_ms).prop_map(|(max_attempts, base_ms, more_ms)| {
        RetryPolicy { max_attempts, base_us: base_ms * MS, cap_us: (base_ms + more_ms) * MS }
    })
}

/// A read model of the event store.
pub fn projection() -> impl Strategy<Value = fanout_sim::projection::ProjectionKind> {
    prop::sample::select(&fanout_sim::projection::ProjectionKind::ALL[..])
}

/// The event store's faults.
pub fn sourcing_fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        projection().prop_map(|projection| Fault::ProjectionDown { projection }),
        Just(Fault::DashboardBug),
        share().prop_map(|share| Fault::ConcurrentWrites { share }),
    ]
}

/// The event store's settings and its read models' actions.
pub fn sourcing_action() -> impl Strategy<Value = Action> {
    use fanout_sim::Storage;
    prop_oneof![
        prop_oneof![Just(Storage::Rows), Just(Storage::EventSourced)]
            .prop_map(|storage| Action::SetStorage { storage }),
        prop_oneof![Just(0u64), 1u64..500].prop_map(|every| Action::SetSnapshots { every }),
        any::<bool>().prop_map(|on| Action::SetReplayGuard { on }),
        projection().prop_map(|projection| Action::Rebuild { projection }),
        projection().prop_map(|projection| Action::DeleteSnapshot { projection }),
    ]
}

/// Tracing's and alerting's settings: span links, and a rule's `for` (whole milliseconds, as
/// the text form writes durations, up to the 600 s a rule takes).
pub fn observability_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        any::<bool>().prop_map(|on| Action::SetTraceLinks { on }),
        (
            prop_oneof![Just("entry-errors"), Just("entry-p99"), Just("email-lag"), Just("inventory-errors")],
            0u64..=600_000
        )
            .prop_map(|(rule, ms)| Action::SetAlertFor { rule: rule.into(), for_us: ms * 1_000 }),
    ]
}

/// Schema evolution's actions on the checkout's `OrderPlaced`, with versions that may not be
/// registered yet (the run refuses those).
pub fn schema_action() -> impl Strategy<Value = Action> {
    use fanout_sim::compat::Compatibility;
    let message = || "OrderPlaced".to_string();
    let proposal = prop::sample::select(vec!["add-coupon", "add-currency", "require-coupon", "rename-amount"]);
    prop_oneof![
        proposal.prop_map(move |p| Action::Deploy { message: message(), proposal: p.to_string() }),
        (1u32..6).prop_map(move |version| Action::SetProducerVersion { message: message(), version }),
        (catalog_service(), 1u32..6).prop_map(move |(service, version)| Action::SetReaderVersion {
            service,
            message: message(),
            version
        }),
        prop::sample::select(<Compatibility as strum::VariantArray>::VARIANTS)
            .prop_map(move |compatibility| Action::SetCompatibility { message: message(), compatibility }),
    ]
}

/// Any action, with values in and out of what the lab accepts (its text form must carry
/// either exactly).
pub fn action() -> impl Strategy<Value = Action> {
    use fanout_sim::topic::PartitionKey;
    use fanout_sim::{CallMode, PublishPolicy, Wiring};
    let fault = prop_oneof![
        delivery_fault(),
        (service(), 0u64..=5_000_000).prop_map(|(service, extra_us)| Fault::Slow { service, extra_us }),
        service().prop_map(|service| Fault::Crash { service }),
        (service(), share()).prop_map(|(service, rate)| Fault::Errors { service, rate }),
        Just(Fault::BrokerDown),
        outbox_fault(),
        sourcing_fault(),
        catalog_service().prop_map(|service| Fault::DropContext { service }),
    ];
    prop_oneof![
        Just(Action::BuyNow),
        prop_oneof![Just(0.0), 0.0..100.0f64].prop_map(|rate| Action::SetRate { rate }),
        prop_oneof![Just(Wiring::Request), Just(Wiring::Event)].prop_map(|wiring| Action::SetWiring { wiring }),
        prop_oneof![Just(CallMode::Sequential), Just(CallMode::Parallel)].prop_map(|mode| Action::SetCallMode { mode }),
        prop_oneof![Just(PublishPolicy::Fail), Just(PublishPolicy::BufferAndRetry)]
            .prop_map(|policy| Action::SetPublishPolicy { policy }),
        publishing().prop_map(|publishing| Action::SetPublishing { publishing }),
        prop_oneof![Just(fanout_sim::saga::SagaStyle::Orchestrated), Just(fanout_sim::saga::SagaStyle::Choreographed)]
            .prop_map(|style| Action::SetSagaStyle { style }),
        any::<bool>().prop_map(|on| Action::SetSagaTimeouts { on }),
        sourcing_action(),
        schema_action(),
        observability_action(),
        (catalog_service(), start_from()).prop_map(|(service, from)| Action::AddSubscriber { service, from }),
        catalog_service().prop_map(|service| Action::RemoveSubscriber { service }),
        fault.clone().prop_map(|fault| Action::Inject { fault }),
        fault.prop_map(|fault| Action::Clear { fault }),
        (catalog_service(), guarantee()).prop_map(|(service, guarantee)| Action::SetGuarantee { service, guarantee }),
        (catalog_service(), any::<bool>()).prop_map(|(service, on)| Action::SetIdempotent { service, on }),
        set_sync(),
        (catalog_service(), retry(2_000, 5_000)).prop_map(|(service, retry)| Action::SetRetry { service, retry }),
        (catalog_service(), 0u16..=10).prop_map(|(service, consumers)| Action::SetConsumers { service, consumers }),
        (0u16..=40).prop_map(|partitions| Action::SetPartitions { partitions }),
        prop::sample::select(&PartitionKey::ALL[..]).prop_map(|key| Action::SetPartitionKey { key }),
        share().prop_map(|share| Action::SetCancelShare { share }),
        (catalog_service(), prop::option::of(0u64..50)).prop_map(|(service, event)| Action::Redrive { service, event }),
    ]
}

/// Plays built-in lesson `id` headless, every wait coming true, and returns the right answer
/// of each prediction as `prediction=option`, in order; checks it has at least `checks` checks.
pub fn lesson_truths(id: &str, checks: usize) -> Vec<String> {
    use fanout_sim::lesson::builtin::lessons;
    use fanout_sim::lesson::grade::{grade, Answer};
    use fanout_sim::lesson::run::LessonRun;
    use fanout_sim::lesson::schema::Question;
    let all = lessons().unwrap();
    let c = all.iter().find(|c| c.lesson.id == id).unwrap_or_else(|| panic!("the {id} lesson ships"));
    assert!(c.lesson.check_count() >= checks);
    let (mut run, mut lab) = LessonRun::start(c).unwrap();
    for k in 0..c.lesson.steps.len() {
        if k > 0 {
            run.enter(c, k, &mut lab).unwrap();
        }
        assert!(run.run_step(c, &mut lab), "step {}", c.lesson.steps[k].id);
    }
    let mut right = Vec::new();
    for step in &c.lesson.steps {
        if let Some(q @ Question::Predict { id, options, .. }) = &step.question {
            for o in options {
                if grade(c, q, &Answer::Choice(o.id.clone()), &run.records).unwrap().correct {
                    right.push(format!("{id}={}", o.id));
                }
            }
        }
    }
    right
}
