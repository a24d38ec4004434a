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
    // The report quotes each fault in its spec form, windows in milliseconds.
    let specs = ["slow:analytics:200ms", "crash:email:2000ms-5000ms", "errors:inventory:0.1"].map(String::from);
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
