//! `fanout-sim`: runs a scenario headless and prints its headline numbers and trace hash.

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, ValueEnum};
use fanout_sim::fault::{duration_spec, FaultSpec};
use fanout_sim::report::Report;
use fanout_sim::{Scenario, Setup, Wiring, SEC};
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
    /// Scenario to run.
    #[arg(long, default_value = "checkout", value_name = "ID", value_parser = parse_scenario)]
    scenario: String,
    /// How the Order Service triggers the downstream work.
    // The value name lists the choices so that a missing --wiring says what to give.
    #[arg(long, value_enum, value_name = "request|event")]
    wiring: WiringArg,
    /// Seed for every random choice; the same seed gives the same run.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = parse_seed, allow_negative_numbers = true)]
    seed: u64,
    /// Simulated seconds to run for (0 to 86400).
    // Negative numbers reach the parser, which names the accepted range, instead of
    // being taken for an unknown flag.
    #[arg(long = "duration-s", value_name = "SECONDS", value_parser = parse_duration_s, allow_negative_numbers = true)]
    duration_s: f64,
    /// Orders per second (default: the scenario's own rate).
    #[arg(long, value_name = "PER_SECOND", value_parser = parse_rate, allow_negative_numbers = true)]
    rate: Option<f64>,
    /// A fault such as slow:analytics:2000ms, crash:email, errors:inventory:0.2,
    /// broker-down:10s-20s; may be repeated.
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault)]
    faults: Vec<FaultArg>,
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

fn main() -> ExitCode {
    let args = Args::parse();
    // A fault may only name a service of the chosen scenario; say which value is wrong the
    // way clap does for the other arguments (exit code 2).
    let scenario = Scenario::by_id(&args.scenario).expect("checked by parse_scenario");
    for f in &args.faults {
        if let Err(why) = f.spec.fault.validate(&scenario) {
            Args::command()
                .error(ErrorKind::ValueValidation, format!("invalid value '{}' for '--fault <SPEC>': {why}", f.text))
                .exit();
        }
    }
    let faults: Vec<FaultSpec> = args.faults.iter().map(|f| f.spec.clone()).collect();
    let setup = Setup {
        scenario: args.scenario.clone(),
        wiring: match args.wiring {
            WiringArg::Request => Wiring::Request,
            WiringArg::Event => Wiring::Event,
        },
        seed: args.seed,
        rate: args.rate,
        faults: faults.clone(),
    };
    let duration_us = (args.duration_s * SEC as f64).round() as u64;
    let sim = match fanout_sim::run(&setup, duration_us) {
        Ok(sim) => sim,
        Err(why) => {
            // Every argument was checked above; this only guards against a future check.
            eprintln!("error: {why}");
            return ExitCode::from(2);
        }
    };
    let specs: Vec<String> = faults.iter().map(spec_text).collect();
    let report = Report::of(&sim, &specs);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).expect("a report always serialises"));
    } else {
        print_table(&report);
    }
    ExitCode::SUCCESS
}

fn spec_text(f: &FaultSpec) -> String {
    let window = match (f.from_us, f.until_us) {
        (0, None) => String::new(),
        (from, None) => format!(":{}-", duration_spec(from)),
        (from, Some(until)) => format!(":{}-{}", duration_spec(from), duration_spec(until)),
    };
    format!("{}{window}", f.fault.spec())
}

fn print_table(r: &Report) {
    let c = &r.checkouts;
    println!("scenario   {} ({}), seed {}, {:.1} s at {} orders/s", r.scenario, r.wiring, r.seed, r.duration_s, r.rate);
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
    }
    println!("hops       {}", c.hops);
    println!("trace_hash {}", r.trace_hash);
}
