//! The schema-evolution lesson, stated as numbers: an optional field ships with every consumer
//! on the old version; BACKWARD refuses a rename with the reason and the version it conflicts
//! with, NONE lets it through and old consumers fail on every event into their dead-letter
//! queues, until they are upgraded and the letters redriven; a version that passes BACKWARD
//! against the latest breaks a replay of the oldest events, which BACKWARD_TRANSITIVE refuses.

mod common;

use fanout_sim::compat::{Compatibility, Direction, Incompatible};
use fanout_sim::narration::NoteKind;
use fanout_sim::schema_registry::Outcome;
use fanout_sim::subscription::FailureKind;
use fanout_sim::{Action, Setup, Sim, SEC};
use proptest::prelude::*;

const EVENT: &str = "OrderPlaced";
const EMAIL: &str = "email";

fn lab() -> Sim {
    let setup = Setup { rate: Some(5.0), seed: 13, ..Setup::default() };
    Sim::from_setup(&setup).unwrap()
}

fn deploy(sim: &mut Sim, proposal: &str) {
    sim.apply(Action::Deploy { message: EVENT.into(), proposal: proposal.into() }).unwrap();
}

fn mode(sim: &mut Sim, m: Compatibility) {
    sim.apply(Action::SetCompatibility { message: EVENT.into(), compatibility: m }).unwrap();
}

fn index(sim: &Sim, key: &str) -> u16 {
    sim.scenario().catalog_index(key).unwrap() as u16
}

/// The registry's last answer.
fn last_outcome(sim: &Sim) -> Outcome {
    sim.schema_view().unwrap().subjects[0].history.last().unwrap().outcome.clone()
}

fn settle(sim: &mut Sim) {
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    let t = sim.now() + 60 * SEC;
    sim.run_until(t);
    sim.audit().unwrap();
}

#[test]
fn an_optional_field_ships_with_every_consumer_still_on_the_old_version() {
    let mut sim = lab();
    sim.run_until(5 * SEC);
    deploy(&mut sim, "add-coupon");
    assert_eq!(last_outcome(&sim), Outcome::Registered { version: 2 });
    sim.run_until(20 * SEC);
    settle(&mut sim);
    let v = sim.schema_view().unwrap();
    assert_eq!(v.subjects[0].producer, 2);
    for &i in sim.wired() {
        assert_eq!(v.subjects[0].readers[i as usize], 1, "every consumer still reads v1");
        assert_eq!(v.unreadable[i as usize], 0);
        assert!(sim.subscription(i).dlq.is_empty());
    }
    // Events of both versions are in the log, and every consumer processed all of them.
    let versions: std::collections::BTreeSet<u16> =
        sim.topic().partitions.iter().flat_map(|p| p.entries.iter().map(|e| e.schema)).collect();
    assert_eq!(versions.into_iter().collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(sim.subscription(index(&sim, EMAIL)).processed, sim.headline().published);
}

#[test]
fn backward_refuses_a_rename_with_its_reason_and_none_lets_old_consumers_fail_into_the_dlq() {
    let mut sim = lab();
    sim.run_until(5 * SEC);
    deploy(&mut sim, "rename-amount");
    let Outcome::Refused { mode: m, conflict } = last_outcome(&sim) else { panic!("BACKWARD refuses a rename") };
    assert_eq!((m, conflict.version, conflict.direction), (Compatibility::Backward, 1, Direction::NewReadsOld));
    assert_eq!(conflict.reason, Incompatible::MissingRequired { field: "total".into() });
    assert_eq!(sim.schema_view().unwrap().subjects[0].producer, 1, "the producer keeps writing v1");
    assert!(matches!(
        sim.notes().last().unwrap().kind,
        NoteKind::SchemaDeployed { outcome: Outcome::Refused { .. }, .. }
    ));

    mode(&mut sim, Compatibility::None);
    deploy(&mut sim, "rename-amount");
    assert_eq!(last_outcome(&sim), Outcome::Registered { version: 2 });
    let published_before = sim.headline().published;
    sim.run_until(20 * SEC);
    let renamed = sim.headline().published - published_before;
    settle(&mut sim);
    let email = index(&sim, EMAIL);
    let sub = sim.subscription(email);
    // Every event written after the rename fails at every attempt and is parked.
    assert!(renamed > 50);
    assert_eq!(sub.dlq.len() as u64, renamed, "every renamed event is a dead letter");
    assert!(sub.dlq.iter().all(|d| d.last_error == FailureKind::Unreadable && d.entry.schema == 2));
    let attempts = sub.settings.retry.max_attempts as u64;
    assert_eq!(sim.schema_view().unwrap().unreadable[email as usize], renamed * attempts);
    assert!(sim.notes().any(|n| matches!(&n.kind, NoteKind::Unreadable { writer: 2, reader: 1, why: Incompatible::MissingRequired { field }, .. } if field == "amount")));

    // The cure: consumers read v2, then the dead letters go back.
    sim.apply(Action::SetReaderVersion { service: EMAIL.into(), message: EVENT.into(), version: 2 }).unwrap();
    sim.apply(Action::Redrive { service: EMAIL.into(), event: None }).unwrap();
    settle(&mut sim);
    let sub = sim.subscription(email);
    assert!(sub.dlq.is_empty());
    assert_eq!(sub.processed, sim.headline().published);
}

#[test]
fn a_version_that_passes_backward_breaks_a_replay_of_the_oldest_events_and_transitive_refuses_it() {
    let mut sim = lab();
    sim.run_until(5 * SEC);
    let v1_events = sim.headline().published;
    deploy(&mut sim, "add-coupon");
    sim.run_until(10 * SEC);
    deploy(&mut sim, "require-coupon");
    assert_eq!(last_outcome(&sim), Outcome::Registered { version: 3 }, "against v2 alone, v3 is fine");
    sim.run_until(15 * SEC);
    // Analytics upgrades to v3 and replays the topic from offset 0.
    sim.apply(Action::SetReaderVersion { service: "analytics".into(), message: EVENT.into(), version: 3 }).unwrap();
    sim.apply(Action::RemoveSubscriber { service: "analytics".into() }).unwrap();
    sim.apply(Action::AddSubscriber { service: "analytics".into(), from: fanout_sim::delivery::StartFrom::Earliest })
        .unwrap();
    settle(&mut sim);
    let sub = sim.subscription(index(&sim, "analytics"));
    // Publishes sent before the deploy and stored just after it were written as v1 too.
    let written_v1 =
        sim.topic().partitions.iter().flat_map(|p| p.entries.iter()).filter(|e| e.schema == 1).count() as u64;
    assert!(written_v1 >= v1_events && written_v1 <= v1_events + 3, "{written_v1} vs {v1_events}");
    assert_eq!(sub.dlq.len() as u64, written_v1, "exactly the v1 events fail");
    assert!(sub.dlq.iter().all(|d| d.entry.schema == 1 && d.last_error == FailureKind::Unreadable));

    // The same history under BACKWARD_TRANSITIVE: v3 is checked against v1 too.
    let mut t = lab();
    mode(&mut t, Compatibility::BackwardTransitive);
    deploy(&mut t, "add-coupon");
    deploy(&mut t, "require-coupon");
    let Outcome::Refused { conflict, .. } = last_outcome(&t) else { panic!("transitive refuses v3") };
    assert_eq!((conflict.version, conflict.reason), (1, Incompatible::MissingRequired { field: "coupon".into() }));
}

#[test]
fn only_registered_versions_can_be_read_or_written_and_names_are_checked() {
    let mut sim = lab();
    let e = sim.apply(Action::SetReaderVersion { service: EMAIL.into(), message: EVENT.into(), version: 3 });
    assert!(e.unwrap_err().contains("no version 3 registered; it has v1"));
    let e = sim.apply(Action::Deploy { message: EVENT.into(), proposal: "add-everything".into() });
    assert!(e.unwrap_err().contains("the proposals are add-coupon, add-currency, require-coupon, rename-amount"));
    let e = sim.apply(Action::Deploy { message: "OrderShipped".into(), proposal: "add-coupon".into() });
    assert!(e.unwrap_err().contains("it keeps OrderPlaced"));
    // Rolling the producer back to a registered version is allowed.
    deploy(&mut sim, "add-coupon");
    sim.apply(Action::SetProducerVersion { message: EVENT.into(), version: 1 }).unwrap();
    assert_eq!(sim.schema_view().unwrap().subjects[0].producer, 1);
}

#[test]
fn the_report_and_the_command_line_agree_on_the_registry() {
    let mut sim = lab();
    deploy(&mut sim, "add-coupon");
    deploy(&mut sim, "add-currency");
    let r = fanout_sim::report::Report::of(&sim, &[]);
    let s = &r.schemas[0];
    assert_eq!((s.message.as_str(), s.compatibility.as_str(), s.producer), ("OrderPlaced", "BACKWARD", 2));
    let refused = &s.registrations[2];
    assert_eq!(
        (refused.outcome.as_str(), refused.version, refused.field.as_deref(), refused.direction.as_deref()),
        ("refused", 2, Some("currency"), Some("new-reads-old"))
    );
    assert_eq!(s.versions[1].fields, ["amount", "coupon?", "order_id", "user_id"]);
}

proptest! {
    #![proptest_config(common::config(24))]

    /// Whatever is deployed, upgraded or switched, each event in the log carries the version
    /// its producer wrote when it sent it, a consumer fails on an event exactly when its
    /// reader cannot read it, and the run is deterministic.
    #[test]
    fn each_event_carries_its_writers_version_and_runs_are_deterministic(
        seed in 0u64..1000,
        steps in prop::collection::vec((0u64..15, common::schema_action()), 0..8),
    ) {
        let play = || {
            let setup = Setup { rate: Some(6.0), seed, ..Setup::default() };
            let mut sim = Sim::from_setup(&setup).unwrap();
            let mut steps = steps.clone();
            steps.sort_by_key(|s| s.0);
            for (at_s, action) in steps {
                sim.run_until(at_s * SEC);
                let _ = sim.apply(action);
            }
            sim.run_until(20 * SEC);
            sim.audit().unwrap();
            sim
        };
        let (a, b) = (play(), play());
        prop_assert_eq!(a.trace_hash(), b.trace_hash());
        let v = a.schema_view().unwrap();
        let versions: Vec<u32> = v.subjects[0].versions.iter().map(|x| x.0).collect();
        for p in &a.topic().partitions {
            for e in &p.entries {
                if e.mtype == fanout_sim::message::MessageType::ENTRY {
                    prop_assert!(versions.contains(&(e.schema as u32)), "{} not registered", e.schema);
                }
            }
        }
        for &i in a.wired() {
            for d in &a.subscription(i).dlq {
                prop_assert_eq!(d.last_error, FailureKind::Unreadable);
            }
        }
    }
}

/// The schema-evolution lesson, played headless: every prediction's right answer is the one
/// it teaches.
#[test]
fn the_schema_evolution_lesson_grades_what_it_teaches() {
    let right = common::lesson_truths("schema-evolution", 4);
    assert_eq!(
        right,
        [
            "optional-ships=none",
            "required-refused=refused",
            "v3-passes=accepted",
            "replay-breaks=dead",
            "rename-none=dead"
        ]
    );
}
