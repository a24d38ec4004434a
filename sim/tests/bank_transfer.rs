//! The bank transfer: a system written as data only. Its file declares a chain (a fraud check
//! that sends a command to the ledger or publishes a flag, a ledger that publishes the
//! result, services that react to that), and the engine runs it in both wirings with no Rust
//! of its own: no product source names it.

use fanout_sim::message::MessageType;
use fanout_sim::system::{self, schema::ScenarioFile};
use fanout_sim::*;

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/scenarios/bank-transfer.json");

fn scenario() -> Scenario {
    system::load(&std::fs::read_to_string(FILE).unwrap()).unwrap()
}

fn run(wiring: Wiring, faults: &[&str], seconds: u64) -> Sim {
    let faults = faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect();
    let setup = Setup { scenario: "bank-transfer".into(), wiring, seed: 3, rate: Some(4.0), faults };
    let mut sim = Sim::from_scenario(scenario(), &setup).unwrap();
    sim.run_until(seconds * SEC);
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    sim.run_until((seconds + 30) * SEC);
    sim.audit().unwrap();
    sim
}

fn index(s: &Scenario, key: &str) -> u16 {
    s.catalog_index(key).unwrap() as u16
}

fn type_of(s: &Scenario, name: &str) -> MessageType {
    s.message_types().into_iter().find(|&t| s.type_name(t) == name).unwrap()
}

/// Adding the scenario changed no Rust file: it is not built in, and no source file of the
/// core or the page names it or its messages.
#[test]
fn the_bank_transfer_is_data_only() {
    assert!(Scenario::by_id("bank-transfer").is_none(), "not a built-in scenario");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut stack = vec![format!("{root}/sim/src"), format!("{root}/src")];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.to_string_lossy().into_owned());
            } else if path.extension().is_some_and(|x| x == "rs") {
                files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                for word in ["bank-transfer", "TransferRequested", "PostTransfer", "TransferFlagged", "Fraud check"] {
                    assert!(!text.contains(word), "{} names {word}", path.display());
                }
            }
        }
    }
    assert!(files > 50, "the walk found the sources ({files})");
}

/// Event-driven, every reaction happens through the broker: what the fraud check handled
/// went on as a command to the ledger or a flag to the case desk, and every posting was
/// published and reached the notifications, with nothing lost.
#[test]
fn event_driven_every_link_of_the_chain_is_an_event_or_a_command() {
    let sim = run(Wiring::Event, &[], 60);
    let s = sim.scenario().clone();
    let h = sim.headline();
    assert_eq!(h.placed, h.succeeded, "every customer answered");
    let handled = |key: &str| sim.subscription(index(&s, key)).processed;
    let (post, flag, done) =
        (type_of(&s, "PostTransfer"), type_of(&s, "TransferFlagged"), type_of(&s, "TransferCompleted"));
    assert_eq!(handled("fraud"), h.published, "the fraud check read every request");
    assert_eq!(sim.stored(post) + sim.stored(flag), handled("fraud"), "each one cleared or flagged");
    assert!(sim.stored(flag) > 0 && sim.stored(post) > sim.stored(flag), "{} {}", sim.stored(post), sim.stored(flag));
    assert_eq!(handled("ledger"), sim.stored(post), "one receiver took every command");
    assert_eq!(sim.stored(done), handled("ledger"));
    assert_eq!(handled("notify"), sim.stored(done));
    assert_eq!(handled("cases"), sim.stored(flag));
    // The ledger's money is the cleared transfers' amounts.
    let ledger = sim.consumer(index(&s, "ledger"));
    assert!(ledger.value > 0 && ledger.value == ledger.expected, "{ledger:?}");
    // Four channels: the entry topic, the queue and two topics.
    assert_eq!(sim.topics().len(), 4);
    assert!(s.chain.channels.iter().any(|c| c.queue && c.name == "ledger-commands"));
}

/// The same order takes the same path in both wirings: the fraud check's outcome is drawn
/// per transfer, not per wiring. Request-driven the customer waits for the whole chain.
#[test]
fn request_driven_the_customer_waits_for_the_whole_chain() {
    let event = run(Wiring::Event, &[], 60);
    let request = run(Wiring::Request, &[], 60);
    let s = event.scenario().clone();
    let calls = |sim: &Sim, key: &str| sim.service_view(index(&s, key)).processed;
    assert_eq!(calls(&request, "cases"), event.subscription(index(&s, "cases")).processed, "same flags");
    assert_eq!(calls(&request, "ledger"), event.subscription(index(&s, "ledger")).processed, "same postings");
    assert_eq!(calls(&request, "notify"), calls(&request, "ledger"), "the ledger called notifications");
    let p50 = |sim: &Sim| sim.response_between(0, 90 * SEC).p50_us;
    assert!(p50(&request) > 2 * p50(&event), "request {} µs, event {} µs", p50(&request), p50(&event));
    // Request-driven, adding the case desk changes the fraud check's code, not the Transfer
    // Service's: it is not a service the Transfer Service calls.
    assert_eq!(request.called_directly(), vec![index(&s, "fraud")]);
}

/// With the ledger down, request-driven transfers fail; event-driven the customer is answered
/// and the postings wait in the queue until the ledger is back.
#[test]
fn a_ledger_outage_fails_calls_but_only_delays_commands() {
    let request = run(Wiring::Request, &["crash:ledger:5s-25s"], 40);
    let event = run(Wiring::Event, &["crash:ledger:5s-25s"], 40);
    assert!(request.headline().failed > 20, "{:?}", request.headline());
    assert_eq!(event.headline().failed, 0);
    let s = event.scenario().clone();
    let ledger = event.subscription(index(&s, "ledger"));
    assert!(ledger.lag_series.iter().any(|p| p.value > 20), "the queue backed up");
    assert_eq!(ledger.processed, event.stored(type_of(&s, "PostTransfer")), "and drained");
}

/// With the broker down, the fraud check keeps what it would publish in its own buffer and
/// publishes it when the broker is back; nothing is lost.
#[test]
fn a_broker_outage_buffers_follow_ups_at_their_publisher() {
    let broker_down = vec![FaultSpec::parse("broker-down:10s-15s").unwrap()];
    let setup = Setup { scenario: "bank-transfer".into(), wiring: Wiring::Event, seed: 3, rate: Some(4.0), faults: broker_down };
    let mut sim = Sim::from_scenario(scenario(), &setup).unwrap();
    sim.run_until(14 * SEC);
    let buffered = sim.notes().filter(|n| matches!(n.kind, narration::NoteKind::FollowUpBuffered { .. })).count();
    assert!(buffered > 0 && sim.headline().buffered > 0, "verdicts of the fraud check wait in its buffer");
    sim.run_until(30 * SEC);
    sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
    sim.run_until(60 * SEC);
    sim.audit().unwrap();
    let s = sim.scenario().clone();
    let fraud = sim.subscription(index(&s, "fraud")).processed;
    let out = sim.stored(type_of(&s, "PostTransfer")) + sim.stored(type_of(&s, "TransferFlagged"));
    assert_eq!(out, fraud, "every verdict reached the broker in the end");
    assert_eq!(sim.headline().buffered, 0);
}

#[test]
fn the_same_inputs_give_the_same_hash() {
    let a = run(Wiring::Event, &["drop:ledger:0.2", "errors:notify:0.3"], 20);
    let b = run(Wiring::Event, &["drop:ledger:0.2", "errors:notify:0.3"], 20);
    assert_eq!(a.trace_hash_hex(), b.trace_hash_hex());
    assert_ne!(a.trace_hash_hex(), run(Wiring::Request, &[], 20).trace_hash_hex());
}

fn file() -> ScenarioFile {
    system::read::read(&std::fs::read_to_string(FILE).unwrap()).unwrap()
}

fn problems(f: &ScenarioFile) -> Vec<String> {
    system::compile(f).unwrap_err().iter().map(ToString::to_string).collect()
}

fn has(problems: &[String], needle: &str) -> bool {
    problems.iter().any(|p| p.contains(needle))
}

/// Shapes this version does not run are named, with their path, rather than run wrongly.
#[test]
fn shapes_the_engine_does_not_run_are_named_with_their_paths() {
    let mut f = file();
    f.channels[3].carries.push("TransferFlagged".into());
    let p = problems(&f);
    assert!(has(&p, "a message type has one channel"), "{p:?}");

    let mut f = file();
    let k = f.reactions.iter().position(|r| r.service == "notify").unwrap();
    f.reactions[k].then = vec![system::schema::Then { publish: Some("TransferFlagged".into()), ..Default::default() }];
    let p = problems(&f);
    assert!(has(&p, "a channel has one publisher"), "{p:?}");

    let mut f = file();
    let k = f.reactions.iter().position(|r| r.service == "ledger").unwrap();
    f.reactions[k].then = vec![system::schema::Then { call: Some("notify".into()), ..Default::default() }];
    let p = problems(&f);
    assert!(has(&p, &format!("reactions[{k}].then[0]: calling or replying")), "{p:?}");

    let mut f = file();
    let k = f.reactions.iter().position(|r| r.service == "cases").unwrap();
    f.reactions[k].handles = "TransferCompleted".into();
    f.reactions.push(system::schema::ReactionDecl {
        service: "cases".into(),
        handles: "TransferRequested".into(),
        then: vec![],
        outcomes: vec![],
    });
    let p = problems(&f);
    assert!(has(&p, "a service reads one channel"), "{p:?}");

    // A circle of reactions: the statement page answers a ping with a pong, and analytics
    // answers the pong with a ping.
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(FILE).unwrap()).unwrap();
    let fields = v["messages"][0]["fields"].clone();
    for name in ["Ping", "Pong"] {
        let message = serde_json::json!({"name": name, "kind": "event", "version": 1, "fields": fields});
        v["messages"].as_array_mut().unwrap().push(message);
        let channel = serde_json::json!({"name": name.to_lowercase(), "kind": "topic", "carries": [name]});
        v["channels"].as_array_mut().unwrap().push(channel);
    }
    let reactions = v["reactions"].as_array_mut().unwrap();
    reactions.retain(|r| r["service"] != "statement" && r["service"] != "analytics");
    reactions.push(serde_json::json!({"service": "statement", "handles": "Ping", "then": [{"publish": "Pong"}]}));
    reactions.push(serde_json::json!({"service": "analytics", "handles": "Pong", "then": [{"publish": "Ping"}]}));
    let f = system::read::read(&v.to_string()).unwrap();
    let p = problems(&f);
    assert!(has(&p, "reactions go round in a circle"), "{p:?}");
}

/// Request-driven, who waits on whom down the chain: with the ledger slow, the fraud check
/// holds calls open to it while the Transfer Service holds its own to the fraud check.
#[test]
fn request_driven_the_stage_sees_each_service_waiting_on_the_next() {
    let slow = vec![FaultSpec::parse("slow:ledger:2000ms").unwrap()];
    let setup = Setup { scenario: "bank-transfer".into(), wiring: Wiring::Request, seed: 3, rate: Some(4.0), faults: slow };
    let mut sim = Sim::from_scenario(scenario(), &setup).unwrap();
    sim.run_until(10 * SEC);
    let s = sim.scenario().clone();
    let (fraud, ledger) = (index(&s, "fraud"), index(&s, "ledger"));
    let held = sim.waiting().held(sim.wired());
    let by = |caller: Option<u16>, callee: u16| held.iter().find(|h| h.caller == caller && h.callee == callee);
    let entry = by(None, fraud).expect("the Transfer Service waits on the fraud check");
    let nested = by(Some(fraud), ledger).expect("the fraud check waits on the ledger");
    assert!(nested.count >= 2 && entry.count >= nested.count, "{held:?}");
    assert!(sim.now() - nested.oldest_us > SEC, "the ledger's slowness shows as a long wait: {held:?}");
}
