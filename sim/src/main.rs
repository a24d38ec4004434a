//! `fanout-sim`: runs a scenario headless and prints its headline numbers and trace hash.

mod runfile;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, ValueEnum};
use fanout_sim::delivery::{Guarantee, RetryPolicy, MAX_CONSUMERS};
use fanout_sim::fault::{parse_duration, FaultSpec};
use fanout_sim::report::Report;
use fanout_sim::topic::{PartitionKey, MAX_PARTITIONS};
use fanout_sim::{Action, Input, Scenario, Setup, Sim, Wiring, SEC};
use runfile::RunFile;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum WiringArg {
    Request,
    Event,
}

/// Runs a Fanout scenario without a browser and prints what happened.
#[derive(Debug, Parser)]
#[command(name = "fanout-sim", version, about)]
struct Args {
    /// A JSON run file (see README); the flags below given alongside override its values,
    /// and --fault adds to its faults.
    #[arg(long, value_name = "PATH")]
    file: Option<String>,
    /// Scenario to run (default: checkout).
    #[arg(long, value_name = "ID", value_parser = parse_scenario)]
    scenario: Option<String>,
    /// How the Order Service triggers the downstream work.
    // The value name lists the choices so that a missing --wiring says what to give.
    #[arg(long, value_enum, value_name = "request|event", required_unless_present = "file")]
    wiring: Option<WiringArg>,
    /// Seed for every random choice; the same seed gives the same run (default: 1).
    #[arg(long, value_name = "N", value_parser = parse_seed, allow_negative_numbers = true)]
    seed: Option<u64>,
    /// Simulated seconds to run for (0 to 86400).
    // Negative numbers reach the parser, which names the accepted range, instead of
    // being taken for an unknown flag.
    #[arg(
        long = "duration-s",
        value_name = "SECONDS",
        value_parser = parse_duration_s,
        allow_negative_numbers = true,
        required_unless_present = "file"
    )]
    duration_s: Option<f64>,
    /// Orders per second (default: the scenario's own rate).
    #[arg(long, value_name = "PER_SECOND", value_parser = parse_rate, allow_negative_numbers = true)]
    rate: Option<f64>,
    /// A fault such as slow:analytics:2000ms, crash:email, errors:inventory:0.2,
    /// broker-down:10s-20s, drop:email:0.2, duplicate:broker:0.1, delay:email:0.3:400ms,
    /// crash-before-ack:payment:0.5, poison:payment:5; may be repeated.
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault)]
    faults: Vec<FaultArg>,
    /// Partitions of the topic at the start (1 to 64; default: the scenario's).
    #[arg(long, value_name = "N", value_parser = parse_partitions, allow_negative_numbers = true)]
    partitions: Option<u16>,
    /// What picks an event's partition: the order ID, the user ID, or nothing (round-robin).
    #[arg(long, value_name = "order|user|none", value_parser = parse_key)]
    key: Option<PartitionKey>,
    /// Share of shoppers who cancel just after ordering (0 to 1).
    #[arg(long = "cancel-share", value_name = "SHARE", value_parser = parse_share, allow_negative_numbers = true)]
    cancel_share: Option<f64>,
    /// A subscriber's delivery guarantee, e.g. payment=at-most-once; may be repeated.
    #[arg(long, value_name = "SERVICE=at-least-once|at-most-once", value_parser = parse_guarantee)]
    guarantee: Vec<Setting<Guarantee>>,
    /// Makes a subscriber idempotent (it skips event IDs it has processed); may be repeated.
    #[arg(long, value_name = "SERVICE", value_parser = parse_service)]
    idempotent: Vec<Setting<()>>,
    /// A subscriber's retries: attempts in all, first wait, longest wait, e.g.
    /// payment=5,200ms,5s; may be repeated.
    #[arg(long, value_name = "SERVICE=ATTEMPTS,BASE,CAP", value_parser = parse_retry)]
    retry: Vec<Setting<RetryPolicy>>,
    /// Consumers in a subscriber's group (1 to 8), e.g. email=4; may be repeated.
    #[arg(long, value_name = "SERVICE=N", value_parser = parse_consumers)]
    consumers: Vec<Setting<u16>>,
    /// Wires in a service at the start, besides the scenario's own, e.g. sms; may be repeated.
    #[arg(long = "add", value_name = "SERVICE", value_parser = parse_service)]
    add: Vec<Setting<()>>,
    /// Keeps a wired service synchronous: event-driven, the Order Service calls it and waits
    /// before it publishes, e.g. inventory; may be repeated.
    #[arg(long = "sync", value_name = "SERVICE", value_parser = parse_service)]
    sync: Vec<Setting<()>>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn parse_scenario(s: &str) -> Result<String, String> {
    if Scenario::IDS.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(format!("unknown scenario `{s}`; accepted: {}", Scenario::IDS.join(", ")))
    }
}

/// A fault as typed, so that an error can quote it, and as parsed.
#[derive(Clone, Debug)]
struct FaultArg {
    text: String,
    spec: FaultSpec,
}

fn parse_fault(s: &str) -> Result<FaultArg, String> {
    FaultSpec::parse(s).map(|spec| FaultArg { text: s.to_string(), spec })
}

fn parse_seed(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| format!("`{s}` is not a seed; give a whole number from 0 to {}, e.g. 42", u64::MAX))
}

fn parse_duration_s(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=86_400.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds from 0 to 86400, e.g. 60")),
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=fanout_sim::input::MAX_RATE).contains(&v) => Ok(v),
        _ => Err(format!(
            "`{s}` is not an order rate; give orders per second from 0 to {}, e.g. 5",
            fanout_sim::input::MAX_RATE
        )),
    }
}

fn parse_partitions(s: &str) -> Result<u16, String> {
    match s.parse::<u16>() {
        Ok(n) if (1..=MAX_PARTITIONS).contains(&n) => Ok(n),
        _ => {
            Err(format!("`{s}` is not a number of partitions; give a whole number from 1 to {MAX_PARTITIONS}, e.g. 4"))
        }
    }
}

fn parse_key(s: &str) -> Result<PartitionKey, String> {
    PartitionKey::parse(s).ok_or_else(|| format!("unknown partition key `{s}`; accepted: order, user, none"))
}

fn parse_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a share; give a number from 0 to 1, e.g. 0.5")),
    }
}

/// A subscriber setting as typed (to quote in an error) and as parsed; the service is checked
/// against the scenario later.
#[derive(Clone, Debug)]
struct Setting<T> {
    text: String,
    service: String,
    value: T,
}

/// Splits `SERVICE=VALUE`; `form` is the accepted form, for the message.
fn service_and_value<'a>(s: &'a str, form: &str) -> Result<(&'a str, &'a str), String> {
    match s.split_once('=') {
        Some((service, value)) if !service.is_empty() => Ok((service, value)),
        _ => Err(format!("`{s}` is not of the form {form}")),
    }
}

fn parse_guarantee(s: &str) -> Result<Setting<Guarantee>, String> {
    const FORM: &str = "SERVICE=at-least-once or SERVICE=at-most-once, e.g. payment=at-most-once";
    let (service, value) = service_and_value(s, FORM)?;
    let value = Guarantee::parse(value).ok_or_else(|| format!("unknown guarantee `{value}`; accepted: {FORM}"))?;
    Ok(Setting { text: s.into(), service: service.into(), value })
}

/// A bare service key, for the flags that take one (`--idempotent`, `--add`, `--sync`).
fn parse_service(s: &str) -> Result<Setting<()>, String> {
    if s.is_empty() || s.contains(['=', ',', ':']) {
        return Err(format!("`{s}` is not a service; give a subscriber's key, e.g. payment"));
    }
    Ok(Setting { text: s.into(), service: s.into(), value: () })
}

fn parse_retry(s: &str) -> Result<Setting<RetryPolicy>, String> {
    const FORM: &str = "SERVICE=ATTEMPTS,BASE,CAP, e.g. payment=5,200ms,5s";
    let (service, value) = service_and_value(s, FORM)?;
    let parts: Vec<&str> = value.split(',').collect();
    let [attempts, base, cap] = parts[..] else {
        return Err(format!("`{s}` is not of the form {FORM}"));
    };
    let max_attempts =
        attempts.parse::<u32>().map_err(|_| format!("`{attempts}` is not a number of attempts; form: {FORM}"))?;
    let base_us = parse_duration(base).map_err(|why| format!("{why}; form: {FORM}"))?;
    let cap_us = parse_duration(cap).map_err(|why| format!("{why}; form: {FORM}"))?;
    let value = RetryPolicy { max_attempts, base_us, cap_us };
    value.validate().map_err(|why| format!("{why}; form: {FORM}"))?;
    Ok(Setting { text: s.into(), service: service.into(), value })
}

fn parse_consumers(s: &str) -> Result<Setting<u16>, String> {
    let form = format!("SERVICE=N with N from 1 to {MAX_CONSUMERS}, e.g. email=4");
    let (service, value) = service_and_value(s, &form)?;
    match value.parse::<u16>() {
        Ok(n) if (1..=MAX_CONSUMERS).contains(&n) => Ok(Setting { text: s.into(), service: service.into(), value: n }),
        _ => Err(format!("`{value}` is not a number of consumers; form: {form}")),
    }
}

/// Stops with a message and exit code 2, the way clap reports a bad argument.
fn fail(message: String) -> ! {
    Args::command().error(ErrorKind::ValueValidation, message).exit()
}

/// A subscriber setting's input at time 0, with the flag and the value as typed.
fn setting_inputs(args: &Args) -> Vec<(String, Action)> {
    let flag = |name: &str, form: &str, text: &str| format!("'--{name} <{form}>' value '{text}'");
    let mut out = Vec::new();
    // Services are wired in first, so that the settings after them can name them.
    for s in &args.add {
        let action = Action::AddSubscriber { service: s.service.clone(), from: Default::default() };
        out.push((flag("add", "SERVICE", &s.text), action));
    }
    for s in &args.sync {
        out.push((flag("sync", "SERVICE", &s.text), Action::SetSync { service: s.service.clone(), on: true }));
    }
    if let Some(share) = args.cancel_share {
        out.push((flag("cancel-share", "SHARE", &share.to_string()), Action::SetCancelShare { share }));
    }
    for g in &args.guarantee {
        let action = Action::SetGuarantee { service: g.service.clone(), guarantee: g.value };
        out.push((flag("guarantee", "SERVICE=at-least-once|at-most-once", &g.text), action));
    }
    for s in &args.idempotent {
        out.push((
            flag("idempotent", "SERVICE", &s.text),
            Action::SetIdempotent { service: s.service.clone(), on: true },
        ));
    }
    for r in &args.retry {
        let action = Action::SetRetry { service: r.service.clone(), retry: r.value };
        out.push((flag("retry", "SERVICE=ATTEMPTS,BASE,CAP", &r.text), action));
    }
    for c in &args.consumers {
        let action = Action::SetConsumers { service: c.service.clone(), consumers: c.value };
        out.push((flag("consumers", "SERVICE=N", &c.text), action));
    }
    out
}

/// The `action` tag of an input, as written in a run file.
fn action_name(action: &Action) -> String {
    serde_json::to_value(action).ok().and_then(|v| v["action"].as_str().map(String::from)).unwrap_or_default()
}

fn main() -> ExitCode {
    let args = Args::parse();
    let file = args.file.as_ref().map(|path| {
        let bad = |why: String| -> ! { fail(format!("invalid run file '{path}': {why}")) };
        let file = RunFile::read(path).unwrap_or_else(|why| bad(why));
        // The file's values are checked as strictly as the flags that stand for them.
        if let Some(s) = &file.scenario {
            parse_scenario(s).unwrap_or_else(|why| bad(format!("scenario: {why}")));
        }
        if let Some(r) = file.rate {
            parse_rate(&r.to_string()).unwrap_or_else(|why| bad(format!("rate: {why}")));
        }
        if let Some(d) = file.duration_s {
            parse_duration_s(&d.to_string()).unwrap_or_else(|why| bad(format!("duration_s: {why}")));
        }
        if let Some(p) = file.partitions {
            parse_partitions(&p.to_string()).unwrap_or_else(|why| bad(format!("partitions: {why}")));
        }
        if let Some(k) = &file.key {
            parse_key(k).unwrap_or_else(|why| bad(format!("key: {why}")));
        }
        (path.clone(), file)
    });
    let from_file = |what: &str| -> ! {
        let path = file.as_ref().map_or("", |(p, _)| p.as_str());
        fail(format!("the run file '{path}' gives no {what}, and no --{} was given", what.replace('_', "-")))
    };
    let scenario_id = args
        .scenario
        .clone()
        .or_else(|| file.as_ref().and_then(|(_, f)| f.scenario.clone()))
        .unwrap_or_else(|| "checkout".into());
    let mut scenario = Scenario::by_id(&scenario_id).expect("checked by parse_scenario");
    if let Some(n) = args.partitions.or_else(|| file.as_ref().and_then(|(_, f)| f.partitions)) {
        scenario.partitions = n;
    }
    if let Some(key) =
        args.key.or_else(|| file.as_ref().and_then(|(_, f)| f.key.as_deref()).and_then(PartitionKey::parse))
    {
        scenario.partition_key = key;
    }
    let wiring = match args.wiring {
        Some(WiringArg::Request) => Wiring::Request,
        Some(WiringArg::Event) => Wiring::Event,
        None => file.as_ref().and_then(|(_, f)| f.wiring).unwrap_or_else(|| from_file("wiring")),
    };
    let duration_s = args
        .duration_s
        .or_else(|| file.as_ref().and_then(|(_, f)| f.duration_s))
        .unwrap_or_else(|| from_file("duration_s"));
    // The file's faults, then those of the flags; a fault may only name a service of the
    // chosen scenario.
    let mut faults: Vec<FaultSpec> = Vec::new();
    if let Some((path, f)) = &file {
        for (k, text) in f.faults.iter().enumerate() {
            let spec = FaultSpec::parse(text)
                .and_then(|spec| spec.fault.validate(&scenario).map(|_| spec))
                .unwrap_or_else(|why| fail(format!("invalid run file '{path}': fault {} `{text}`: {why}", k + 1)));
            faults.push(spec);
        }
    }
    for f in &args.faults {
        if let Err(why) = f.spec.fault.validate(&scenario) {
            fail(format!("invalid value '{}' for '--fault <SPEC>': {why}", f.text));
        }
        faults.push(f.spec.clone());
    }
    let setup = Setup {
        scenario: scenario_id,
        wiring,
        seed: args.seed.or_else(|| file.as_ref().and_then(|(_, f)| f.seed)).unwrap_or(1),
        rate: args.rate.or_else(|| file.as_ref().and_then(|(_, f)| f.rate)),
        faults: faults.clone(),
    };
    let mut sim = Sim::from_scenario(scenario, &setup).unwrap_or_else(|why| fail(why));
    // The file's inputs at their moments, then the settings the flags give, at time 0.
    if let Some((path, f)) = &file {
        for (k, Input { at_us, action }) in f.inputs.iter().enumerate() {
            if let Err(why) = sim.schedule(*at_us, action.clone()) {
                let name = action_name(action);
                fail(format!("invalid run file '{path}': input {} ({name} at {at_us} µs): {why}", k + 1));
            }
        }
    }
    for (flag, action) in setting_inputs(&args) {
        // Checked against the run as it will stand when the input is due (after the file's
        // inputs and the flags before it), so that, say, --sync of a service nobody wired in
        // stops here instead of becoming a refusal in a log nobody reads.
        let mut due = sim.clone();
        due.run_until(0);
        if let Err(why) = due.check(&action).and_then(|_| sim.schedule(0, action)) {
            fail(format!("invalid {flag}: {why}"));
        }
    }
    sim.run_until((duration_s * SEC as f64).round() as u64);
    let specs: Vec<String> = faults.iter().map(FaultSpec::text).collect();
    let report = Report::of(&sim, &specs);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).expect("a report always serialises"));
    } else {
        print_table(&report);
    }
    ExitCode::SUCCESS
}

fn print_table(r: &Report) {
    let c = &r.checkouts;
    println!("scenario   {} ({}), seed {}, {:.1} s at {} orders/s", r.scenario, r.wiring, r.seed, r.duration_s, r.rate);
    println!("topic      {} partitions, key {}", r.partitions, r.partition_key);
    if !r.faults.is_empty() {
        println!("faults     {}", r.faults.join(", "));
    }
    println!(
        "checkouts  {} placed, {} succeeded, {} failed, {} in flight",
        c.placed, c.succeeded, c.failed, c.in_flight
    );
    println!(
        "response   p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms",
        r.response_ms.p50, r.response_ms.p95, r.response_ms.p99
    );
    for s in &r.subscribers {
        println!(
            "{:<10} handled {} (events {}), lag {}, p95 event delay {:.0} ms",
            s.name, s.handled, s.processed, s.lag, s.delay_p95_ms
        );
        let idempotent = if s.idempotent { ", idempotent" } else { "" };
        if s.sync {
            println!("{:<10} called synchronously: answered before the event is published", "");
        }
        println!(
            "{:<10} {}{idempotent}: {}; dead {}, lost {}, duplicates {} (skipped {}), redeliveries {}, \
             out of order {}, order violations {}",
            "",
            s.guarantee,
            s.effect,
            s.dead,
            s.lost,
            s.duplicates,
            s.skipped,
            s.redeliveries,
            s.out_of_order,
            s.order_violations
        );
    }
    println!("hops       {}", c.hops);
    println!("trace_hash {}", r.trace_hash);
}
