//! One run, one hash, between the page and the command line: a link's steps given as `--at`,
//! a run the page saved replayed with `--file`, and a run the command line saved with `--save`
//! read back the way the page reads it. (The page itself is driven in the end-to-end tests;
//! here the page's own code, `LabParams` and `export`, stands for it.)

use fanout_sim::export;
use fanout_sim::params::LabParams;
use fanout_sim::script::parse_action;
use fanout_sim::system;
use fanout_sim::timeline::Timeline;
use fanout_sim::*;
use serde_json::Value;
use std::process::{Command, Output};

fn fanout_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout-sim")).args(args).output().expect("the binary runs")
}

fn run_ok(args: &[&str]) -> (Value, String) {
    let out = fanout_sim(args);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{args:?} failed: {err}");
    (serde_json::from_slice(&out.stdout).expect("--json prints JSON"), err)
}

fn hash(v: &Value) -> String {
    v["trace_hash"].as_str().expect("a trace hash").to_string()
}

fn tmp(name: &str) -> String {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name).to_string_lossy().into_owned()
}

/// What the page shows for a link: the same code the page runs.
fn page_hash(query: &str) -> String {
    let (link, problems) = LabParams::parse(query);
    assert!(problems.is_empty(), "{query}: {problems:?}");
    let (t, problems) = link.timeline().unwrap();
    assert!(problems.is_empty(), "{query}: {problems:?}");
    t.sim().trace_hash_hex()
}

#[test]
fn a_link_with_steps_and_the_same_steps_as_flags_give_one_hash() {
    let steps = ["0s:idempotent:email:on", "5s:buy", "8s:inject:crash:inventory", "12.5s:clear:crash:inventory"];
    let mut args = vec!["--wiring", "event", "--seed", "4", "--rate", "5", "--duration-s", "20"];
    args.extend(["--fault", "duplicate:email:0.3", "--json"]);
    for s in &steps {
        args.extend(["--at", s]);
    }
    let (cli, _) = run_ok(&args);
    let query: Vec<String> = steps.iter().map(|s| format!("at={s}")).collect();
    let link = format!("seed=4&rate=5&until=20&fault=duplicate:email:0.3&{}", query.join("&"));
    assert_eq!(hash(&cli), page_hash(&link));

    // Without the idempotent step Email applies duplicates, and the hash says so.
    let k = args.iter().position(|a| *a == "0s:idempotent:email:on").unwrap();
    let plain = [&args[..k - 1], &args[k + 1..]].concat();
    let (without, _) = run_ok(&plain);
    let email = |v: &Value| v["subscribers"].as_array().unwrap().iter().find(|s| s["key"] == "email").unwrap().clone();
    assert!(email(&cli)["skipped"].as_u64().unwrap() > 0, "{}", email(&cli));
    assert_eq!(email(&without)["skipped"], 0);
    assert_ne!(hash(&cli), hash(&without));
}

#[test]
fn a_run_saved_by_the_page_replays_on_the_command_line_to_its_hash() {
    let setup = Setup {
        seed: 21,
        rate: Some(4.0),
        faults: vec![fault::FaultSpec::parse("slow:analytics:800ms").unwrap()],
        ..Setup::default()
    };
    let mut t = Timeline::new(&setup).unwrap();
    t.advance(3 * SEC, u64::MAX);
    t.apply(parse_action("idempotent:email:on").unwrap()).unwrap();
    t.advance(6 * SEC, u64::MAX);
    t.apply(Action::BuyNow).unwrap();
    // Between two events of one microsecond, as single steps leave a run.
    t.step();
    t.apply(parse_action("add:sms").unwrap()).unwrap();
    t.advance(9 * SEC, u64::MAX);
    let path = tmp("page-saved.json");
    std::fs::write(&path, export::export(&t)).unwrap();
    let (cli, notes) = run_ok(&["--file", &path, "--json"]);
    assert_eq!(hash(&cli), t.sim().trace_hash_hex());
    assert_eq!(notes, "", "a faithful replay has nothing to note");
    assert_eq!(cli["checkouts"]["sim_time_us"], 9 * SEC);

    // A flag given with the file changes the run, and the command line says so.
    let (other, notes) = run_ok(&["--file", &path, "--seed", "22", "--json"]);
    assert_ne!(hash(&other), t.sim().trace_hash_hex());
    assert!(notes.contains("recorded trace hash"), "{notes}");
}

#[test]
fn a_run_saved_by_the_command_line_loads_as_the_page_loads_it() {
    let path = tmp("cli-saved.json");
    let (cli, _) = run_ok(&[
        "--scenario",
        "checkout",
        "--wiring",
        "event",
        "--seed",
        "9",
        "--duration-s",
        "15",
        "--fault",
        "broker-down:4s-7s",
        "--publish-policy",
        "buffer-and-retry",
        "--add",
        "sms",
        "--at",
        "10s:rate:6",
        "--save",
        &path,
        "--json",
    ]);
    let text = std::fs::read_to_string(&path).unwrap();
    let (params, recorded) = export::import(&text).expect("the page reads what the command line saves");
    assert_eq!(recorded.as_deref(), Some(hash(&cli).as_str()));
    let (t, problems) = params.timeline().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(t.sim().trace_hash_hex(), hash(&cli));
    assert!(text.contains("\"0s:publish:buffer-and-retry\""), "{text}");
    assert!(text.contains("\"subscribers\""), "wiring changes at the start read as a subscriber list: {text}");
    // And the command line replays its own file to the same hash.
    let (again, notes) = run_ok(&["--file", &path, "--json"]);
    assert_eq!(hash(&again), hash(&cli));
    assert_eq!(notes, "");
}

#[test]
fn the_publish_policy_and_call_mode_flags_change_what_they_say() {
    let base = ["--seed", "3", "--duration-s", "20", "--fault", "broker-down:5s-10s", "--json"];
    let with = |extra: &[&str]| run_ok(&[&base[..], extra].concat()).0;
    let fail = with(&["--wiring", "event", "--publish-policy", "fail"]);
    let buffer = with(&["--wiring", "event", "--publish-policy", "buffer-and-retry"]);
    assert!(fail["checkouts"]["failed"].as_u64().unwrap() > 0, "the broker was down: checkouts fail");
    assert_eq!(buffer["checkouts"]["failed"], 0, "buffered events wait; every checkout is answered");
    // Fail is the checkout's own policy: the same run, though the input still counts in the hash.
    assert_eq!(fail["checkouts"], with(&["--wiring", "event"])["checkouts"]);
    let parallel = with(&["--wiring", "request", "--call-mode", "parallel"]);
    let sequential = with(&["--wiring", "request"]);
    let p95 = |v: &Value| v["response_ms"]["p95"].as_f64().unwrap();
    assert!(
        p95(&parallel) < p95(&sequential),
        "parallel calls answer sooner: {} vs {}",
        p95(&parallel),
        p95(&sequential)
    );
}

#[test]
fn bad_steps_and_refused_steps_say_what_is_wrong() {
    let out = fanout_sim(&["--wiring", "event", "--duration-s", "1", "--at", "2s:melt"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("'--at <MOMENT:ACTION>'") && err.contains("melt"), "{err}");
    let out = fanout_sim(&["--wiring", "event", "--duration-s", "1", "--at", "1s:redrive:email"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("'--at' value '1s:redrive:email'") && err.contains("dead-letter queue is empty"), "{err}");
    let out = fanout_sim(&["--wiring", "event", "--duration-s", "1", "--publish-policy", "maybe"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("fail, buffer-and-retry"), "{err}");
}

/// A run of a scenario file saves for the page: the saved run names the file by the address
/// the page fetches it from, the page's code replays it once the file is loaded from there,
/// and the command line replays it, finding the file beside the run.
#[test]
fn a_run_of_a_scenario_file_saves_and_replays_by_its_address() {
    let dir = tmp("saved-scenario");
    std::fs::create_dir_all(format!("{dir}/scenarios")).unwrap();
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/scenarios/bank-transfer.json");
    let file = format!("{dir}/scenarios/bank-transfer.json");
    std::fs::copy(source, &file).unwrap();
    let run = format!("{dir}/run.json");
    let (cli, _) = run_ok(&[
        "--scenario-file",
        &file,
        "--scenario-address",
        "scenarios/bank-transfer.json",
        "--wiring",
        "event",
        "--seed",
        "5",
        "--duration-s",
        "12",
        "--fault",
        "crash:ledger:3s-6s",
        "--save",
        &run,
        "--json",
    ]);
    let text = std::fs::read_to_string(&run).unwrap();
    assert!(text.contains("\"scenario\": \"scenarios/bank-transfer.json\""), "{text}");
    // The page: it fetched the file from that address before reading the run.
    let scenario = system::load(&std::fs::read_to_string(&file).unwrap()).unwrap();
    system::registry::register("scenarios/bank-transfer.json", scenario).unwrap();
    let (params, _) = export::import(&text).unwrap();
    let (t, problems) = params.timeline().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(t.sim().trace_hash_hex(), hash(&cli));
    // The command line, given the run alone.
    let (again, notes) = run_ok(&["--file", &run, "--json"]);
    assert_eq!((hash(&again), notes.as_str()), (hash(&cli), ""));
    // A run naming a file that is not there says so.
    std::fs::remove_file(&file).unwrap();
    let out = fanout_sim(&["--file", &run]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        !out.status.success() && err.contains("scenarios/bank-transfer.json") && err.contains("cannot be read"),
        "{err}"
    );
}

#[test]
fn the_outbox_and_saga_flags_run_the_same_as_their_link() {
    // The outbox: flags and a link with the same steps and faults give one hash; the report
    // counts the loss by cause under the dual write and none with the outbox.
    let base = ["--wiring", "event", "--seed", "6", "--rate", "4", "--duration-s", "15", "--json"];
    let faults = ["--fault", "crash-after-commit:0.2", "--fault", "relay-crash:0.2"];
    let (direct, _) = run_ok(&[&base[..], &faults[..]].concat());
    let (outbox, _) = run_ok(&[&base[..], &faults[..], &["--publishing", "outbox-tailing"]].concat());
    assert!(
        direct["publishing"]["lost_orders"]["crash_after_commit"].as_u64().unwrap() > 0,
        "{}",
        direct["publishing"]
    );
    assert_eq!(outbox["publishing"]["lost_orders"]["crash_after_commit"], 0);
    assert_eq!(outbox["publishing"]["mode"], "outbox-tailing");
    assert!(outbox["publishing"]["republished"].as_u64().unwrap() > 0);
    let link =
        "seed=6&rate=4&until=15&fault=crash-after-commit:0.2&fault=relay-crash:0.2&at=0s:publishing:outbox-tailing";
    assert_eq!(hash(&outbox), page_hash(link));

    // The saga: the same, with its style and timeouts.
    let saga = ["--scenario", "checkout-saga", "--wiring", "event", "--seed", "2", "--rate", "3", "--duration-s", "20"];
    let args =
        [&saga[..], &["--saga", "choreographed", "--saga-timeouts", "--fault", "drop:payment:0.3", "--json"]].concat();
    let (chor, _) = run_ok(&args);
    assert_eq!(chor["sagas"]["style"], "choreographed");
    assert_eq!(chor["sagas"]["timeouts"], true);
    assert!(chor["sagas"]["started"].as_u64().unwrap() > 20);
    assert_eq!(chor["sagas"]["books"][1]["books"], "money");
    let link = "scenario=checkout-saga&seed=2&rate=3&until=20&fault=drop:payment:0.3&at=0s:saga:choreographed&at=0s:saga-timeouts:on";
    assert_eq!(hash(&chor), page_hash(link));
    let bad = fanout_sim(&[&saga[..], &["--saga", "sideways"]].concat());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("orchestrated, choreographed"));
    // A system with no saga refuses the setting, with a message.
    let none = fanout_sim(&["--wiring", "event", "--seed", "1", "--duration-s", "1", "--saga", "choreographed"]);
    assert_eq!(none.status.code(), Some(2), "{}", String::from_utf8_lossy(&none.stderr));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no saga"));
}

#[test]
fn the_event_store_and_schema_flags_run_the_same_as_their_link() {
    // The event store: flags, steps and faults against the link with the same steps.
    let args = [
        "--wiring",
        "event",
        "--seed",
        "8",
        "--rate",
        "6",
        "--duration-s",
        "30",
        "--cancel-share",
        "0.2",
        "--storage",
        "event-sourced",
        "--snapshots",
        "100",
        "--replay-guard",
        "--fault",
        "dashboard-bug:0s-10s",
        "--fault",
        "concurrent-writes:0.3",
        "--at",
        "20s:rebuild:dashboard",
        "--at",
        "21s:rebuild:emails",
        "--json",
    ];
    let (es, _) = run_ok(&args);
    let s = &es["storage"];
    assert_eq!(
        (s["mode"].as_str(), s["snapshot_every"].as_u64(), s["replay_guard"].as_bool()),
        (Some("event-sourced"), Some(100), Some(true))
    );
    assert!(s["conflicts"].as_u64().unwrap() > 0);
    let dashboard = &s["read_models"][1];
    assert_eq!((dashboard["name"].as_str(), dashboard["wrong"].as_bool()), (Some("dashboard"), Some(false)));
    assert_eq!(dashboard["last_rebuild"]["from"], 0, "the bug's code change made the snapshot unusable");
    assert_eq!(s["read_models"][2]["emails_resent"], 0, "the guard held every email back");
    let link =
        "seed=8&rate=6&until=30&fault=dashboard-bug:0s-10s&fault=concurrent-writes:0.3&at=0s:storage:event-sourced\
                &at=0s:snapshots:100&at=0s:replay-guard:on&at=0s:cancel-share:0.2&at=20s:rebuild:dashboard\
                &at=21s:rebuild:emails";
    assert_eq!(hash(&es), page_hash(link));

    // Schemas: the mode flag, a deploy and a reader upgrade as steps.
    let args = [
        "--wiring",
        "event",
        "--seed",
        "9",
        "--rate",
        "5",
        "--duration-s",
        "20",
        "--compatibility",
        "NONE",
        "--at",
        "5s:deploy:OrderPlaced:rename-amount",
        "--at",
        "12s:reader:email:OrderPlaced:2",
        "--json",
    ];
    let (se, _) = run_ok(&args);
    let subject = &se["schemas"][0];
    assert_eq!(
        (subject["message"].as_str(), subject["compatibility"].as_str(), subject["producer"].as_u64()),
        (Some("OrderPlaced"), Some("NONE"), Some(2))
    );
    let readers = subject["readers"].as_array().unwrap();
    let email = readers.iter().find(|r| r["service"] == "email").unwrap();
    assert_eq!(email["version"], 2);
    assert!(email["unreadable"].as_u64().unwrap() > 0, "v1 could not read the renamed events before the upgrade");
    let inventory = readers.iter().find(|r| r["service"] == "inventory").unwrap();
    assert!(inventory["unreadable"].as_u64().unwrap() > email["unreadable"].as_u64().unwrap());
    let link = "seed=9&rate=5&until=20&at=0s:compatibility:OrderPlaced:NONE&at=5s:deploy:OrderPlaced:rename-amount\
                &at=12s:reader:email:OrderPlaced:2";
    assert_eq!(hash(&se), page_hash(link));
    let bad = fanout_sim(&["--wiring", "event", "--duration-s", "1", "--compatibility", "SIDEWAYS"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("BACKWARD_TRANSITIVE"));
    let bad = fanout_sim(&["--wiring", "event", "--duration-s", "1", "--at", "1s:deploy:OrderPlaced:add-everything"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("the proposals are add-coupon"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
