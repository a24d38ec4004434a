//! `fanout-sim --trace ORDER` and the alert history, run as a real process: the table and the
//! OTLP JSON say the same trace, a broken context shows as two traces, bad orders are refused
//! with a message, and the report carries every change of every alert.

use serde_json::Value;
use std::process::{Command, Output};

fn fanout_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout-sim")).args(args).output().expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = fanout_sim(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

const RUN: [&str; 6] = ["--wiring", "event", "--seed", "4", "--duration-s", "15"];

#[test]
fn a_trace_prints_as_a_table_and_as_otlp_json_with_the_same_spans() {
    let table = ok(&[&RUN[..], &["--trace", "5"]].concat());
    assert!(table.starts_with("order 5: answered in "), "{table}");
    assert!(table.contains("publish OrderPlaced") && table.contains("process OrderPlaced"));
    assert!(table.contains("in 1 trace(s)"));
    let rows = table
        .lines()
        .filter(|l| {
            l.contains(" client ")
                || l.contains(" server ")
                || l.contains(" producer ")
                || l.contains(" consumer ")
                || l.contains(" internal ")
        })
        .count();
    let json: Value = serde_json::from_str(&ok(&[&RUN[..], &["--trace", "5", "--json"]].concat())).unwrap();
    let spans: Vec<&Value> = json["resourceSpans"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["scopeSpans"][0]["spans"].as_array().unwrap())
        .collect();
    assert_eq!(spans.len(), rows);
    assert!(spans.iter().all(|s| s["traceId"].as_str().unwrap().len() == 32));
    // The same run twice gives the same file.
    assert_eq!(json, serde_json::from_str::<Value>(&ok(&[&RUN[..], &["--trace", "5", "--json"]].concat())).unwrap());
}

#[test]
fn a_dropped_context_prints_two_traces_and_links_point_back() {
    let split = ok(&[&RUN[..], &["--fault", "drop-context:email", "--trace", "5"]].concat());
    assert!(split.contains("in 2 trace(s)"), "{split}");
    assert!(split.contains("begun by a consumer that dropped the context"));
    let linked = ok(&[&RUN[..], &["--fault", "drop-context:email", "--trace-links", "--trace", "5"]].concat());
    assert!(linked.contains("linked to the publish") && linked.contains("links to"), "{linked}");
}

#[test]
fn orders_that_were_not_placed_are_refused_with_the_range() {
    for (bad, says) in [("0", "not an order number"), ("x", "not an order number"), ("100000", "was not placed")] {
        let out = fanout_sim(&[&RUN[..], &["--trace", bad]].concat());
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--trace") && err.contains(says), "{bad}: {err}");
    }
}

#[test]
fn the_report_carries_the_alert_history_and_red_figures() {
    let json: Value =
        serde_json::from_str(&ok(&["--wiring", "event", "--duration-s", "60", "--fault", "crash:email:5s-", "--json"]))
            .unwrap();
    let history = json["alerts"]["history"].as_array().unwrap();
    let email: Vec<(&str, &str)> = history
        .iter()
        .filter(|c| c["rule"] == "email-lag")
        .map(|c| (c["from"].as_str().unwrap(), c["to"].as_str().unwrap()))
        .collect();
    assert_eq!(email, [("inactive", "pending"), ("pending", "firing")]);
    let rule = json["alerts"]["rules"].as_array().unwrap().iter().find(|r| r["rule"] == "email-lag").unwrap();
    assert_eq!(
        (rule["phase"].as_str(), rule["fired"].as_u64(), rule["for_s"].as_f64()),
        (Some("firing"), Some(1), Some(10.0))
    );
    assert_eq!(json["red"][0]["service"], "entry");
    assert!(json["red"][0]["rate_per_s"].as_f64().unwrap() > 0.0);
    let table = ok(&["--wiring", "event", "--duration-s", "60", "--fault", "crash:email:5s-"]);
    assert!(table.contains("alerts     email-lag firing (fired 1x)"), "{table}");
    // A rule's `for` from the command line.
    let eager = ok(&[
        "--wiring",
        "event",
        "--duration-s",
        "60",
        "--fault",
        "crash:email:5s-",
        "--at",
        "0s:alert-for:email-lag:0s",
    ]);
    assert!(eager.contains("inactive -> firing"), "{eager}");
}
