//! The saga lesson, stated as numbers, on the checkout saga (a scenario file): only the
//! completed steps are compensated, newest first; a choreography stalls on a lost event
//! unless something times out; a compensation tried again pays twice unless it is
//! idempotent; both styles agree on the same seed. And, over random fault schedules, the
//! books balance and every saga ends once the faults heal.

mod common;

use fanout_sim::narration::NoteKind;
use fanout_sim::saga::{SagaState, SagaStyle, SagaView};
use fanout_sim::{system, Action, Fault, FaultSpec, Scenario, Setup, Sim, Wiring, SEC};
use proptest::prelude::*;

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/scenarios/checkout-saga.json");

fn scenario() -> Scenario {
    let s = system::load(&std::fs::read_to_string(FILE).unwrap()).unwrap();
    assert_eq!(Scenario::by_id("checkout-saga"), Some(s.clone()), "built in, from the same file");
    s
}

fn start(style: SagaStyle, faults: &[&str], seed: u64) -> Sim {
    let faults = faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect();
    let setup = Setup { scenario: "checkout-saga".into(), wiring: Wiring::Event, seed, rate: Some(3.0), faults };
    let mut sim = Sim::from_scenario(scenario(), &setup).unwrap();
    sim.apply(Action::SetSagaStyle { style }).unwrap();
    sim
}

/// 20 s of orders under `faults`, then quiet until every saga that can end has ended.
fn run(style: SagaStyle, faults: &[&str], setup: &[Action]) -> Sim {
    let mut sim = start(style, faults, 5);
    for a in setup {
        sim.apply(a.clone()).unwrap();
    }
    sim.run_until(20 * SEC);
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    sim.run_until(80 * SEC);
    sim.audit().unwrap();
    sim
}

fn view(sim: &Sim) -> SagaView {
    sim.sagas().expect("the checkout saga has a saga")
}

/// The compensations of one order, in the order they paid out: (step, paid again).
fn undone_steps(sim: &Sim, order: u64) -> Vec<u8> {
    sim.notes()
        .filter(|n| n.order == order)
        .filter_map(|n| match n.kind {
            NoteKind::SagaUndone { step, .. } => Some(step),
            _ => None,
        })
        .collect()
}

#[test]
fn a_declined_card_releases_the_stock_and_refunds_nothing() {
    for style in [SagaStyle::Orchestrated, SagaStyle::Choreographed] {
        let sim = run(style, &["errors:payment:0.3"], &[]);
        let v = view(&sim);
        assert_eq!(v.started, v.completed + v.compensated, "{style:?}: every saga ended");
        assert!(v.compensated >= 5, "{style:?}: {} compensated", v.compensated);
        // Stock reserved for every saga, released for each compensated one; nothing was
        // charged for a declined card, so nothing is refunded.
        assert_eq!((v.books[0].done, v.books[0].undone), (v.started as i64, v.compensated as i64), "{style:?}");
        assert_eq!(v.books[1].undone, 0, "{style:?}");
        assert_eq!(v.paid_twice, 0);
        let declined: Vec<u64> =
            sim.notes().filter(|n| matches!(n.kind, NoteKind::SagaStepFailed { step: 1 })).map(|n| n.order).collect();
        assert!(!declined.is_empty());
        for o in declined {
            assert_eq!(undone_steps(&sim, o), [0], "{style:?}: order {o} undid only its stock");
        }
    }
}

#[test]
fn a_failure_after_the_charge_refunds_then_releases() {
    for style in [SagaStyle::Orchestrated, SagaStyle::Choreographed] {
        let sim = run(style, &["errors:shipping:0.3"], &[]);
        let v = view(&sim);
        assert_eq!(v.started, v.completed + v.compensated, "{style:?}");
        assert!(v.compensated >= 5, "{style:?}");
        let failed: Vec<u64> =
            sim.notes().filter(|n| matches!(n.kind, NoteKind::SagaStepFailed { step: 2 })).map(|n| n.order).collect();
        assert!(!failed.is_empty());
        for o in failed {
            assert_eq!(undone_steps(&sim, o), [1, 0], "{style:?}: order {o}: the refund first, then the stock");
        }
        // The books balance: what stays charged is exactly the completed sagas' amounts.
        let stock_held = v.books[0].done - v.books[0].undone;
        assert_eq!(stock_held, v.completed as i64, "{style:?}");
        let charged: i64 = (1..=v.started)
            .filter(|o| sim.notes().any(|n| n.order == *o && n.kind == NoteKind::SagaEnded { completed: true }))
            .map(|o| fanout_sim::consumer::amount_cents(o) as i64)
            .sum();
        if sim.notes_total() as usize == sim.notes().len() {
            assert_eq!(v.books[1].done - v.books[1].undone, charged, "{style:?}");
        }
    }
}

#[test]
fn both_styles_decline_the_same_orders_on_the_same_seed() {
    let declined = |style| {
        let sim = run(style, &["errors:payment:0.3"], &[]);
        let v = view(&sim);
        (v.started, v.completed, v.compensated, v.books[0], v.books[1])
    };
    assert_eq!(declined(SagaStyle::Orchestrated), declined(SagaStyle::Choreographed));
}

#[test]
fn a_lost_event_stalls_a_choreography_unless_it_times_out() {
    // A fifth of the saga's events to Payment vanish on the way.
    let stalled = run(SagaStyle::Choreographed, &["drop:payment:0.2:0s-20s"], &[]);
    let v = view(&stalled);
    assert!(v.stuck >= 3, "sagas stuck with no timeout: {v:?}");
    assert_eq!(v.started, v.completed + v.compensated + v.stuck + v.running);
    assert_eq!(v.running, 0, "nothing is left to move a stuck saga");
    // Stock reserved for a stuck saga stays reserved: a leak.
    assert!(v.books[0].done - v.books[0].undone > v.completed as i64);

    let cured = run(SagaStyle::Choreographed, &["drop:payment:0.2:0s-20s"], &[Action::SetSagaTimeouts { on: true }]);
    let v = view(&cured);
    assert_eq!((v.stuck, v.running), (0, 0), "{v:?}");
    assert_eq!(v.started, v.completed + v.compensated);
    assert_eq!(v.books[0].done - v.books[0].undone, v.completed as i64, "no stock leaks");
    assert!(cured.notes().any(|n| n.kind == NoteKind::SagaTimedOut));

    // The orchestrator's own step timeouts cure the same loss.
    let orchestrated = run(SagaStyle::Orchestrated, &["drop:payment:0.2:0s-20s"], &[]);
    let v = view(&orchestrated);
    assert_eq!((v.stuck, v.running), (0, 0), "{v:?}");
    assert_eq!(v.books[0].done - v.books[0].undone, v.completed as i64);
}

#[test]
fn a_compensation_retried_pays_twice_unless_it_is_idempotent() {
    let faults = ["errors:shipping:0.3", "compensation-fails:payment:1"];
    for style in [SagaStyle::Orchestrated, SagaStyle::Choreographed] {
        let plain = run(style, &faults, &[]);
        let idempotent = Action::SetIdempotent { service: "payment".into(), on: true };
        let safe = run(style, &faults, &[idempotent]);
        let (p, s) = (view(&plain), view(&safe));
        // The same orders fail shipping in both runs, and are charged the same.
        assert_eq!((p.compensated, p.books[1].done), (s.compensated, s.books[1].done), "{style:?}");
        assert!(p.compensated >= 5, "{style:?}");
        // Every refund failed once after paying and was tried again: a refund that does not
        // look at its own record pays twice.
        assert_eq!(p.paid_twice, p.compensated, "{style:?}");
        assert_eq!(p.books[1].undone, 2 * s.books[1].undone, "{style:?}");
        assert_eq!(s.paid_twice, 0, "{style:?}");
        assert!(safe.notes().any(|n| matches!(n.kind, NoteKind::SagaUndoSkipped { step: 1 })));
        // With the idempotent refund, what stays charged is what the completed sagas owe.
        assert!(s.books[1].done - s.books[1].undone > 0 && s.books[1].undone > 0);
        assert!(plain.notes().any(|n| matches!(n.kind, NoteKind::SagaUndone { step: 1, again: true })));
    }
}

#[test]
fn the_saga_view_shows_state_and_the_compensations_owed() {
    // Payment so slow that the orchestrator gives up on it: the saga compensates the timed
    // out charge (it may have happened) and the stock, newest first.
    let mut sim = start(SagaStyle::Orchestrated, &["slow:payment:5s"], 9);
    // The refund is slow too, so the orchestrator asks for it again: only an idempotent
    // refund pays once.
    sim.apply(Action::SetIdempotent { service: "payment".into(), on: true }).unwrap();
    sim.apply(Action::BuyNow).unwrap();
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    let mut saw_owed = false;
    for ms in (100..20_000).step_by(100) {
        sim.run_until(ms * 1000);
        let v = view(&sim);
        if let Some(r) = v.recent.last() {
            if r.state == SagaState::Compensating && r.owed == [1, 0] {
                saw_owed = true;
            }
        }
        sim.audit().unwrap();
    }
    assert!(saw_owed, "the stack showed the refund, then the release");
    let r = view(&sim).recent.last().cloned().unwrap();
    assert_eq!(r.state, SagaState::Compensated);
    assert_eq!((r.steps[0].done, r.steps[0].undone), (1, 1));
    assert_eq!((r.steps[1].done, r.steps[1].undone), (1, 1), "the late charge was refunded");
    assert!(r.owed.is_empty());
}

#[test]
fn settings_are_refused_where_there_is_no_saga_and_for_its_services() {
    let mut plain = Sim::from_setup(&Setup::default()).unwrap();
    assert!(plain.apply(Action::SetSagaStyle { style: SagaStyle::Choreographed }).unwrap_err().contains("no saga"));
    assert!(plain.sagas().is_none());
    let mut sim = start(SagaStyle::Orchestrated, &[], 1);
    let e = sim.apply(Action::RemoveSubscriber { service: "payment".into() }).unwrap_err();
    assert!(e.contains("takes part in the saga"), "{e}");
    assert!(sim
        .apply(Action::Inject { fault: Fault::CompensationFails { service: "payment".into(), share: 0.5 } })
        .is_ok());
}

/// A fault for a while: on a participant, the orchestrator, the broker or a wire.
fn fault_window() -> impl Strategy<Value = FaultSpec> {
    let who = prop::sample::select(vec!["orchestrator", "inventory", "payment", "shipping"]).prop_map(String::from);
    let fault = prop_oneof![
        (who.clone(), 0.0..0.5f64).prop_map(|(service, rate)| Fault::Errors { service, rate }),
        who.clone().prop_map(|service| Fault::Crash { service }),
        (who.clone(), 0u64..6_000).prop_map(|(service, ms)| Fault::Slow { service, extra_us: ms * 1000 }),
        (who.clone(), 0.0..0.5f64).prop_map(|(service, share)| Fault::Drop { service: Some(service), share }),
        (who, 0.0..=1.0f64).prop_map(|(service, share)| Fault::CompensationFails { service, share }),
        Just(Fault::BrokerDown),
    ];
    (fault, 0u64..15_000, 100u64..8_000).prop_map(|(fault, from_ms, len_ms)| FaultSpec {
        fault,
        from_us: from_ms * 1000,
        until_us: Some((from_ms + len_ms) * 1000),
    })
}

proptest! {
    #![proptest_config(common::config(16))]

    /// Whatever fails and heals, in either style (choreographed with its timeouts), with
    /// idempotent compensations: every saga ends, completed or compensated; nothing leaks;
    /// and the run is deterministic.
    #[test]
    fn every_saga_ends_and_the_books_balance_once_faults_heal(
        faults in prop::collection::vec(fault_window(), 0..5),
        choreographed in any::<bool>(),
        seed in 0u64..1_000,
    ) {
        let style = if choreographed { SagaStyle::Choreographed } else { SagaStyle::Orchestrated };
        let go = || -> Result<Sim, TestCaseError> {
            let setup = Setup { scenario: "checkout-saga".into(), wiring: Wiring::Event, seed, rate: Some(4.0), faults: faults.clone() };
            let mut sim = Sim::from_scenario(scenario(), &setup).unwrap();
            sim.apply(Action::SetSagaStyle { style }).unwrap();
            sim.apply(Action::SetSagaTimeouts { on: true }).unwrap();
            for s in ["inventory", "payment"] {
                sim.apply(Action::SetIdempotent { service: s.into(), on: true }).unwrap();
            }
            for t in 1..=25 {
                sim.run_until(t * SEC);
                sim.audit().map_err(TestCaseError::fail)?;
            }
            sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
            sim.run_until(120 * SEC);
            sim.audit().map_err(TestCaseError::fail)?;
            Ok(sim)
        };
        let sim = go()?;
        let v = view(&sim);
        prop_assert_eq!((v.running, v.stuck), (0, 0), "{:?}", v);
        prop_assert_eq!(v.started, v.completed + v.compensated);
        prop_assert_eq!(v.paid_twice, 0);
        // Stock and money held are exactly the completed sagas'.
        prop_assert_eq!(v.books[0].done - v.books[0].undone, v.completed as i64);
        prop_assert!(v.books[1].undone <= v.books[1].done);
        prop_assert_eq!(sim.trace_hash(), go()?.trace_hash());
    }
}

#[test]
fn a_bad_saga_section_is_refused_with_every_problem_and_its_path() {
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(FILE).unwrap()).unwrap();
    v["saga"]["style"] = "sideways".into();
    v["saga"]["steps"][2]["done"] = "StockReserved".into();
    v["saga"]["step_timeout"] = "soon".into();
    v["saga"]["steps"][0]["oops"] = 1.into();
    let problems = system::load(&v.to_string()).unwrap_err();
    let said: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.path, p.what)).collect();
    assert!(said.iter().any(|p| p.starts_with("saga.steps[0]") && p.contains("oops")), "{said:?}");
    // The reader stops at unknown keys; with them gone, the compiler names the rest at once.
    v["saga"]["steps"][0].as_object_mut().unwrap().remove("oops");
    let problems = system::load(&v.to_string()).unwrap_err();
    let said: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.path, p.what)).collect();
    for (path, what) in
        [("saga.style", "sideways"), ("saga.steps[2].done", "names another message"), ("saga.step_timeout", "soon")]
    {
        assert!(said.iter().any(|p| p.starts_with(path) && p.contains(what)), "missing {path}: {said:?}");
    }
}

#[test]
fn the_saga_file_reads_back_from_its_own_json() {
    let text = std::fs::read_to_string(FILE).unwrap();
    let file = system::read::read(&text).unwrap();
    let again = system::read::read(&serde_json::to_string(&file).unwrap()).unwrap();
    assert_eq!(file, again);
    let s = scenario();
    let g = s.saga.as_ref().unwrap();
    assert_eq!(s.type_name(g.mtype(1, fanout_sim::saga::SagaWhat::Undo)), "RefundPayment");
    assert_eq!(s.type_name(g.abort_type()), "OrderTimedOut");
    assert!(!g.steps[2].compensable && g.steps[0].compensable);
}

/// The saga lesson, played headless: every prediction's right answer is the one it teaches.
#[test]
fn the_saga_lesson_grades_what_it_teaches() {
    let right = common::lesson_truths("sagas", 4);
    assert_eq!(right, ["declined-undo=stock", "paid-twice=yes", "stall=stuck", "cure=none"]);
}
