//! The `fanout-sim` command line, run as a real process: its JSON is the library's report,
//! it is deterministic, and bad arguments exit with code 2 and a message that names the
//! argument and what it accepts.

use fanout_sim::fault::FaultSpec;
use fanout_sim::report::Report;
use fanout_sim::*;
use serde_json::Value;
use std::process::{Command, Output};

fn fanout_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout-sim")).args(args).output().expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("utf-8 errors")
}

fn run_ok(args: &[&str]) -> String {
    let out = fanout_sim(args);
    assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
    stdout(&out)
}

const FAULTY: [&str; 16] = [
    "--scenario",
    "checkout",
    "--wiring",
    "request",
    "--seed",
    "7",
    "--duration-s",
    "20",
    "--rate",
    "3",
    "--fault",
    "slow:analytics:200ms",
    "--fault",
    "crash:email:2s-5s",
    "--fault",
    "errors:inventory:0.1",
];

fn with_json(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).chain(["--json".to_string()]).collect()
}

fn is_hash(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn json_output_carries_the_trace_hash_and_the_headline_numbers() {
    let args = with_json(&FAULTY);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let v: Value = serde_json::from_str(&run_ok(&args)).expect("--json prints JSON");
    let hash = v["trace_hash"].as_str().expect("trace_hash is a string");
    assert!(is_hash(hash), "trace_hash {hash:?} is not 16 hex digits");
    let c = &v["checkouts"];
    let n = |k: &str| c[k].as_u64().unwrap_or_else(|| panic!("checkouts.{k} is not a number: {c}"));
    assert!(n("placed") > 30, "{c}");
    assert_eq!(n("placed"), n("succeeded") + n("failed") + n("in_flight"));
    assert!(n("failed") > 0, "Email was down for 3 s, request-driven: some checkouts fail: {c}");
    assert!(n("hops") > n("placed"));
    assert_eq!(n("sim_time_us"), 20 * SEC);
    for k in ["p50", "p95", "p99"] {
        assert!(v["response_ms"][k].as_f64().unwrap() > 0.0, "response_ms.{k}");
    }
    assert_eq!(v["scenario"], "checkout");
    assert_eq!(v["wiring"], "request");
    assert_eq!(v["seed"], 7);
    assert_eq!(v["rate"], 3.0);
    assert_eq!(v["duration_s"], 20.0);
    assert_eq!(v["subscribers"].as_array().unwrap().len(), 4);
}

#[test]
fn json_output_is_exactly_the_library_report_for_the_same_inputs() {
    let args = with_json(&FAULTY);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let printed = run_ok(&args);

    let setup = Setup {
        scenario: "checkout".into(),
        wiring: Wiring::Request,
        seed: 7,
        rate: Some(3.0),
        faults: ["slow:analytics:200ms", "crash:email:2s-5s", "errors:inventory:0.1"]
            .iter()
            .map(|s| FaultSpec::parse(s).unwrap())
            .collect(),
    };
    let sim = run(&setup, 20 * SEC).unwrap();
    // The report quotes each fault in its spec form, windows in seconds, as links do.
    let specs = ["slow:analytics:200ms", "crash:email:2s-5s", "errors:inventory:0.1"].map(String::from);
    let report = Report::of(&sim, &specs);
    assert_eq!(printed, serde_json::to_string_pretty(&report).unwrap() + "\n");

    let v: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(v["trace_hash"], sim.trace_hash_hex());
    assert_eq!(v["checkouts"]["placed"], sim.headline().placed);
    // The quoted specs parse back to the same faults and windows.
    for (quoted, original) in v["faults"].as_array().unwrap().iter().zip(&setup.faults) {
        assert_eq!(&FaultSpec::parse(quoted.as_str().unwrap()).unwrap(), original);
    }
}

#[test]
fn the_same_arguments_twice_print_the_same_bytes() {
    for args in [with_json(&FAULTY), FAULTY.iter().map(|s| s.to_string()).collect()] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let a = run_ok(&args);
        let b = run_ok(&args);
        assert!(!a.is_empty());
        assert_eq!(a, b, "{args:?}");
    }
}

#[test]
fn the_table_shows_the_same_trace_hash_as_the_json() {
    let table = run_ok(&FAULTY);
    let args = with_json(&FAULTY);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let v: Value = serde_json::from_str(&run_ok(&args)).unwrap();
    let line = table.lines().find(|l| l.starts_with("trace_hash")).expect("a trace_hash line");
    assert_eq!(line.split_whitespace().nth(1), v["trace_hash"].as_str());
    assert!(table.contains(&format!("{} placed", v["checkouts"]["placed"])), "{table}");
}

#[test]
fn a_different_seed_or_wiring_gives_a_different_trace_hash() {
    let hash = |seed: &str, wiring: &str| {
        let out = run_ok(&["--wiring", wiring, "--seed", seed, "--duration-s", "5", "--json"]);
        serde_json::from_str::<Value>(&out).unwrap()["trace_hash"].as_str().unwrap().to_string()
    };
    let a = hash("1", "event");
    assert_ne!(a, hash("2", "event"));
    assert_ne!(a, hash("1", "request"));
    assert_eq!(a, hash("1", "event"));
}

#[test]
fn flash_sale_and_a_zero_length_run_work() {
    let out = run_ok(&["--scenario", "flash-sale", "--wiring", "event", "--duration-s", "1", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["checkouts"]["placed"].as_u64().unwrap() > 100, "flash sale runs at 200 orders/s");
    let out = run_ok(&["--wiring", "request", "--duration-s", "0", "--rate", "0", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["checkouts"]["placed"], 0);
    assert!(is_hash(v["trace_hash"].as_str().unwrap()));
}

/// Bad arguments: exit code 2, nothing on stdout, and stderr names the argument, quotes the
/// bad value and says what is accepted.
#[test]
fn bad_arguments_exit_2_and_name_the_argument_and_what_it_accepts() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["--wiring", "sideways", "--duration-s", "5"], &["--wiring", "'sideways'", "request", "event"]),
        (
            &["--wiring", "event", "--duration-s", "5", "--fault", "melt:email"],
            &[
                "--fault",
                "'melt:email'",
                "unknown fault kind `melt`",
                "Accepted forms",
                "slow:SERVICE:DURATION",
                "crash:SERVICE",
                "broker-down",
            ],
        ),
        (
            &["--wiring", "event", "--duration-s", "5", "--fault", "crash:billing"],
            &["--fault", "'crash:billing'", "unknown service `billing`", "orders, email, inventory"],
        ),
        (&["--wiring", "event", "--duration-s", "-3"], &["--duration-s", "'-3'", "from 0 to 86400"]),
        (&["--wiring", "event", "--duration-s=-3"], &["--duration-s", "'-3'", "from 0 to 86400"]),
        (&["--wiring", "event", "--duration-s", "soon"], &["--duration-s", "'soon'", "from 0 to 86400"]),
        (&["--wiring", "event", "--duration-s", "5", "--rate", "abc"], &["--rate", "'abc'", "from 0 to 50000"]),
        (&["--wiring", "event", "--duration-s", "5", "--rate", "-1"], &["--rate", "'-1'", "from 0 to 50000"]),
        (&["--duration-s", "5"], &["--wiring", "request|event", "not provided"]),
        (&["--wiring", "event"], &["--duration-s", "not provided"]),
        (&["--wiring", "event", "--duration-s", "5", "--seed", "x"], &["--seed", "'x'", "whole number"]),
        (
            &["--wiring", "event", "--duration-s", "5", "--scenario", "nope"],
            &["--scenario", "'nope'", "checkout, flash-sale"],
        ),
        (&["--wiring", "event", "--duration-s", "5", "--fault", "errors:email:1.5"], &["--fault", "between 0 and 1"]),
        (&["--wiring", "event", "--duration-s", "5", "--colour"], &["--colour"]),
    ];
    for (args, needles) in cases {
        let out = fanout_sim(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?} should exit with 2; stderr: {err}");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout: {}", stdout(&out));
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        for needle in *needles {
            assert!(err.contains(needle), "{args:?}: stderr does not mention {needle:?}:\n{err}");
        }
    }
}

#[test]
fn help_lists_every_argument() {
    let help = run_ok(&["--help"]);
    for arg in ["--scenario", "--wiring", "--seed", "--duration-s", "--rate", "--fault", "--json", "request, event"] {
        assert!(help.contains(arg), "--help does not mention {arg}:\n{help}");
    }
}

// ----- run files and the failure lab's flags -----

/// Writes `text` to a file of its own under the target directory and returns its path.
fn run_file(name: &str, text: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}.json"));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn trace_hash(out: &str) -> String {
    serde_json::from_str::<Value>(out).unwrap()["trace_hash"].as_str().unwrap().to_string()
}

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/failure-lab.json");

#[test]
fn a_run_file_prints_exactly_what_the_same_flags_print() {
    let file = run_file(
        "same-as-flags",
        r#"{ "version": 1, "scenario": "checkout", "wiring": "request", "seed": 7, "rate": 3, "duration_s": 20,
             "faults": ["slow:analytics:200ms", "crash:email:2s-5s", "errors:inventory:0.1"] }"#,
    );
    let flags = with_json(&FAULTY);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    assert_eq!(run_ok(&["--file", &file, "--json"]), run_ok(&flags));
}

#[test]
fn failure_lab_settings_in_a_file_match_the_same_settings_as_flags() {
    let file = run_file(
        "settings",
        r#"{
  "version": 1, "wiring": "event", "seed": 3, "rate": 20, "duration_s": 15, "partitions": 2, "key": "user",
  "faults": ["drop:email:0.2", "duplicate:broker:0.2", "crash-before-ack:inventory:0.1", "poison:analytics:4"],
  "inputs": [
    { "at_us": 0, "action": "set-cancel-share", "share": 0.3 },
    { "at_us": 0, "action": "set-guarantee", "service": "email", "guarantee": "at-most-once" },
    { "at_us": 0, "action": "set-idempotent", "service": "inventory", "on": true },
    { "at_us": 0, "action": "set-retry", "service": "analytics", "retry": { "max_attempts": 3, "base_us": 100000, "cap_us": 1000000 } },
    { "at_us": 0, "action": "set-consumers", "service": "shipping", "consumers": 4 }
  ]
}"#,
    );
    let from_file = run_ok(&["--file", &file, "--json"]);
    let from_flags = run_ok(&[
        "--wiring",
        "event",
        "--seed",
        "3",
        "--rate",
        "20",
        "--duration-s",
        "15",
        "--partitions",
        "2",
        "--key",
        "user",
        "--fault",
        "drop:email:0.2",
        "--fault",
        "duplicate:broker:0.2",
        "--fault",
        "crash-before-ack:inventory:0.1",
        "--fault",
        "poison:analytics:4",
        "--cancel-share",
        "0.3",
        "--guarantee",
        "email=at-most-once",
        "--idempotent",
        "inventory",
        "--retry",
        "analytics=3,100ms,1s",
        "--consumers",
        "shipping=4",
        "--json",
    ]);
    assert_eq!(from_file, from_flags);
    let v: Value = serde_json::from_str(&from_file).unwrap();
    assert_eq!((v["partitions"].as_u64(), v["partition_key"].as_str()), (Some(2), Some("user")));
    let sub = |key: &str| v["subscribers"].as_array().unwrap().iter().find(|s| s["key"] == key).unwrap().clone();
    assert_eq!(sub("email")["guarantee"], "at-most-once");
    assert!(sub("email")["lost"].as_u64().unwrap() > 0, "drops at-most-once lose events: {}", sub("email"));
    assert_eq!(sub("inventory")["idempotent"], true);
    assert_eq!(sub("inventory")["duplicates"], 0);
    assert!(sub("analytics")["dead"].as_u64().unwrap() >= 1, "order 4 is poison: {}", sub("analytics"));
    for key in ["email", "inventory", "analytics", "shipping"] {
        let s = sub(key);
        for field in ["dead", "lost", "duplicates", "skipped", "out_of_order", "order_violations", "redeliveries"] {
            assert!(s[field].is_u64(), "{key}.{field}: {s}");
        }
        assert!(s["effect"].as_str().is_some_and(|e| !e.is_empty()), "{s}");
    }
}

#[test]
fn the_example_run_file_runs_and_flags_override_it() {
    let out = run_ok(&["--file", EXAMPLE, "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["seed"].as_u64(), v["duration_s"].as_f64(), v["wiring"].as_str()),
        (Some(7), Some(60.0), Some("event"))
    );
    assert_eq!(v["faults"].as_array().unwrap().len(), 3);
    let payment = v["subscribers"].as_array().unwrap().iter().find(|s| s["key"] == "payment").expect("payment added");
    assert_eq!(payment["idempotent"], true);
    assert!(payment["skipped"].as_u64().unwrap() > 0, "{payment}");
    assert_eq!(out, run_ok(&["--file", EXAMPLE, "--json"]), "a run file gives the same bytes every time");
    // Flags override the file's values; --fault adds to its faults.
    let over = run_ok(&["--file", EXAMPLE, "--seed", "8", "--duration-s", "10", "--fault", "crash:sms", "--json"]);
    let w: Value = serde_json::from_str(&over).unwrap();
    assert_eq!((w["seed"].as_u64(), w["duration_s"].as_f64()), (Some(8), Some(10.0)));
    assert_eq!(w["faults"].as_array().unwrap().len(), 4);
    assert_ne!(trace_hash(&over), trace_hash(&out));
    let table = run_ok(&["--file", EXAMPLE, "--wiring", "request", "--duration-s", "5"]);
    assert!(table.contains("(request)"), "{table}");
}

/// Each kind of bad run file and bad failure-lab flag: exit code 2, nothing on stdout, and a
/// message that names the file (or the flag) and the problem.
#[test]
fn bad_run_files_and_bad_settings_exit_2_and_say_what_is_wrong() {
    let file = |name: &str, text: &str| run_file(name, text);
    let missing = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-run-file.json");
    let missing = missing.to_string_lossy().into_owned();
    let files: Vec<(String, Vec<&str>)> = vec![
        (missing.clone(), vec!["cannot be read"]),
        (file("bad-json", "{ \"version\": 1,\n  \"seed\": }"), vec!["line 2, column 11", "expected value"]),
        (file("unknown-key", r#"{ "version": 1, "colour": "red" }"#), vec!["line 1", "unknown field `colour`"]),
        (file("no-version", r#"{ "wiring": "event" }"#), vec!["missing field `version`"]),
        (file("version-2", r#"{ "version": 2, "wiring": "event" }"#), vec!["version 2 is not supported"]),
        (
            file("bad-fault", r#"{ "version": 1, "wiring": "event", "faults": ["crash:email", "drop:email:2"] }"#),
            vec!["fault 2 `drop:email:2`", "between 0 and 1", "Accepted forms"],
        ),
        (
            file("fault-service", r#"{ "version": 1, "wiring": "event", "faults": ["poison:billing:3"] }"#),
            vec!["fault 1 `poison:billing:3`", "unknown service `billing`"],
        ),
        (
            file(
                "bad-value",
                r#"{ "version": 1, "wiring": "event", "inputs": [
                    { "at_us": 0, "action": "set-consumers", "service": "email", "consumers": 9 } ] }"#,
            ),
            vec!["input 1 (set-consumers at 0 µs)", "consumers must be from 1 to 8, not 9"],
        ),
        (
            file(
                "bad-service",
                r#"{ "version": 1, "wiring": "event", "inputs": [
                    { "at_us": 0, "action": "buy-now" },
                    { "at_us": 5, "action": "set-idempotent", "service": "billing", "on": true } ] }"#,
            ),
            vec!["input 2 (set-idempotent at 5 µs)", "unknown service `billing`", "email, inventory"],
        ),
        (
            file(
                "bad-action",
                r#"{ "version": 1, "wiring": "event", "inputs": [ { "at_us": 0, "action": "melt" } ] }"#,
            ),
            vec!["unknown variant `melt`", "set-idempotent"],
        ),
        (
            file(
                "input-typo",
                r#"{ "version": 1, "wiring": "event", "inputs": [ { "at_us": 0, "action": "buy-now", "count": 2 } ] }"#,
            ),
            vec!["line 1, column 89", "unknown field `count`"],
        ),
        (
            file(
                "bad-share",
                r#"{ "version": 1, "wiring": "event", "inputs": [ { "at_us": 0, "action": "set-cancel-share", "share": 1.5 } ] }"#,
            ),
            vec!["between 0 and 1"],
        ),
        (file("bad-rate", r#"{ "version": 1, "wiring": "event", "rate": -3 }"#), vec!["rate", "from 0 to 50000"]),
        (file("bad-partitions", r#"{ "version": 1, "partitions": 0 }"#), vec!["partitions", "from 1 to 64"]),
        (file("bad-key", r#"{ "version": 1, "key": "colour" }"#), vec!["key", "order, user, none"]),
        (file("bad-scenario", r#"{ "version": 1, "scenario": "mall" }"#), vec!["scenario", "checkout, flash-sale"]),
        (file("no-wiring", r#"{ "version": 1, "duration_s": 5 }"#), vec!["gives no wiring", "--wiring"]),
        (file("no-duration", r#"{ "version": 1, "wiring": "event" }"#), vec!["gives no duration_s", "--duration-s"]),
    ];
    for (path, needles) in &files {
        let out = fanout_sim(&["--file", path, "--duration-s", "1"]);
        let out = if needles[0].starts_with("gives no duration") { fanout_sim(&["--file", path]) } else { out };
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(out.stdout.is_empty(), "{path}: {}", stdout(&out));
        assert!(err.starts_with("error: "), "{path}: {err}");
        assert!(err.contains(&format!("'{path}'")), "{path}: the message does not name the file:\n{err}");
        for needle in needles {
            assert!(err.contains(needle), "{path}: stderr does not mention {needle:?}:\n{err}");
        }
    }
    let base = ["--wiring", "event", "--duration-s", "1"];
    let flags: &[(&[&str], &[&str])] = &[
        (&["--partitions", "0"], &["--partitions", "'0'", "from 1 to 64"]),
        (&["--partitions", "65"], &["--partitions", "from 1 to 64"]),
        (&["--key", "colour"], &["--key", "'colour'", "order, user, none"]),
        (&["--cancel-share", "1.5"], &["--cancel-share", "'1.5'", "from 0 to 1"]),
        (&["--cancel-share", "NaN"], &["--cancel-share", "from 0 to 1"]),
        (&["--guarantee", "payment=maybe"], &["--guarantee", "unknown guarantee `maybe`", "at-most-once"]),
        (&["--guarantee", "payment"], &["--guarantee", "SERVICE=at-least-once"]),
        (
            &["--guarantee", "billing=at-most-once"],
            &["--guarantee", "'billing=at-most-once'", "unknown service `billing`"],
        ),
        (&["--idempotent", "billing"], &["--idempotent", "'billing'", "unknown service `billing`", "payment"]),
        (&["--idempotent", "payment=on"], &["--idempotent", "not a service"]),
        (&["--retry", "payment=5,200ms"], &["--retry", "SERVICE=ATTEMPTS,BASE,CAP", "payment=5,200ms,5s"]),
        (&["--retry", "payment=11,200ms,5s"], &["--retry", "attempts must be from 1 to 10"]),
        (&["--retry", "payment=5,0ms,5s"], &["--retry", "base delay"]),
        (&["--retry", "payment=5,2s,1s"], &["--retry", "cap"]),
        (&["--retry", "payment=5,soon,1s"], &["--retry", "`soon` is not a duration"]),
        (&["--consumers", "email=9"], &["--consumers", "'email=9'", "from 1 to 8"]),
        (&["--consumers", "email=0"], &["--consumers", "from 1 to 8"]),
        (&["--consumers", "billing=2"], &["--consumers", "unknown service `billing`"]),
        (&["--fault", "delay:email:0.5:61s"], &["--fault", "at most 60000 ms"]),
        (&["--fault", "crash-before-ack:orders:0.5"], &["--fault", "does not consume"]),
    ];
    for (extra, needles) in flags {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let out = fanout_sim(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty() && err.starts_with("error: "), "{args:?}: {err}");
        for needle in *needles {
            assert!(err.contains(needle), "{args:?}: stderr does not mention {needle:?}:\n{err}");
        }
    }
}

#[test]
fn help_lists_the_failure_lab_flags() {
    let help = run_ok(&["--help"]);
    for arg in [
        "--file",
        "--partitions",
        "--key",
        "order|user|none",
        "--cancel-share",
        "--guarantee",
        "SERVICE=at-least-once|at-most-once",
        "--idempotent",
        "--retry",
        "SERVICE=ATTEMPTS,BASE,CAP",
        "--consumers",
        "SERVICE=N",
        "poison:payment:5",
    ] {
        assert!(help.contains(arg), "--help does not mention {arg}:\n{help}");
    }
}

// ----- synchronous calls, wiring in at the start, and the ride-sharing scenario -----

#[test]
fn sync_keeps_a_service_synchronous_and_a_run_file_says_the_same_with_set_sync() {
    let flags = ["--wiring", "event", "--seed", "3", "--duration-s", "10", "--sync", "inventory", "--json"];
    let out = run_ok(&flags);
    let v: Value = serde_json::from_str(&out).unwrap();
    let subs = v["subscribers"].as_array().unwrap();
    let inventory = subs.iter().find(|s| s["key"] == "inventory").unwrap();
    assert_eq!(inventory["sync"], true);
    assert_eq!(inventory["processed"], 0, "a synchronous service gets no events");
    assert!(inventory["handled"].as_u64().unwrap() > 0, "it is called instead");
    assert!(subs.iter().filter(|s| s["key"] != "inventory").all(|s| s["sync"] == false));
    let plain = run_ok(&["--wiring", "event", "--seed", "3", "--duration-s", "10", "--json"]);
    assert_ne!(trace_hash(&out), trace_hash(&plain));
    // The same as a run file's input.
    let file = run_file(
        "sync",
        r#"{ "version": 1, "wiring": "event", "seed": 3, "duration_s": 10,
             "inputs": [ { "at_us": 0, "action": "set-sync", "service": "inventory", "on": true } ] }"#,
    );
    assert_eq!(run_ok(&["--file", &file, "--json"]), out);
    let table = run_ok(&flags[..flags.len() - 1]);
    assert!(table.contains("called synchronously"), "{table}");
}

#[test]
fn add_wires_a_service_in_at_the_start_so_that_sync_can_name_it() {
    let base = ["--wiring", "event", "--duration-s", "5", "--json"];
    let with = |extra: &[&str]| -> Vec<String> { base.iter().chain(extra).map(|s| s.to_string()).collect() };
    let args = with(&["--add", "sms", "--sync", "sms"]);
    let out = run_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let v: Value = serde_json::from_str(&out).unwrap();
    let sms = v["subscribers"].as_array().unwrap().iter().find(|s| s["key"] == "sms").expect("sms wired in").clone();
    assert_eq!(sms["sync"], true);
    for (extra, needles) in [
        (&["--sync", "sms"][..], &["--sync", "'sms'", "SMS is not wired in; add it first"][..]),
        (&["--sync", "billing"], &["--sync", "'billing'", "unknown service `billing`"]),
        (&["--sync", "sms=on"], &["--sync", "not a service"]),
        (&["--add", "email"], &["--add", "'email'", "Email is already wired in"]),
        (&["--add", "billing"], &["--add", "unknown service `billing`"]),
    ] {
        let args = with(extra);
        let out = fanout_sim(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        for needle in needles {
            assert!(err.contains(needle), "{extra:?}: stderr does not mention {needle:?}:\n{err}");
        }
    }
    let help = run_ok(&["--help"]);
    assert!(help.contains("--sync <SERVICE>") && help.contains("--add <SERVICE>"), "{help}");
}

#[test]
fn the_ride_sharing_scenario_runs_from_the_command_line() {
    let out = run_ok(&["--scenario", "ride-sharing", "--wiring", "event", "--duration-s", "10", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["scenario"], "ride-sharing");
    assert_eq!(v["subscribers"].as_array().unwrap().len(), 0, "nothing listens at the start");
    assert!(v["checkouts"]["succeeded"].as_u64().unwrap() > 5);
    for wiring in ["event", "request"] {
        let args = format!(
            "--scenario ride-sharing --wiring {wiring} --duration-s 20 --add matching --add pricing --add notify \
             --sync pricing --fault slow:trips:10ms --json"
        );
        let v: Value = serde_json::from_str(&run_ok(&args.split_whitespace().collect::<Vec<_>>())).unwrap();
        let subs = v["subscribers"].as_array().unwrap();
        let keys: Vec<&str> = subs.iter().map(|s| s["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["matching", "pricing", "notify"], "{wiring}");
        assert_eq!(v["checkouts"]["failed"], 0, "{wiring}");
        let pricing = &subs[1];
        assert!(pricing["effect"].as_str().unwrap().ends_with("charged"), "{pricing}");
    }
    let table = run_ok(&["--scenario", "ride-sharing", "--wiring", "event", "--duration-s", "1"]);
    assert!(table.contains("ride-sharing"), "{table}");
    // A fault names the Trip Service by its own key; the checkout shop's key is unknown here.
    let args: Vec<&str> =
        "--scenario ride-sharing --wiring event --duration-s 1 --fault crash:orders".split(' ').collect();
    let out = fanout_sim(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("unknown service `orders`") && err.contains("trips, matching, notify"), "{err}");
}
