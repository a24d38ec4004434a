//! `fanout-sim`: runs a scenario headless and prints its headline numbers and trace hash;
//! `fanout-sim validate` checks content files, `fanout-sim sweep` runs a grid of runs.

mod cli;
mod runfile;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, ValueEnum};
use fanout_sim::delivery::{Guarantee, RetryPolicy, MAX_CONSUMERS};
use fanout_sim::export;
use fanout_sim::fault::{parse_duration, FaultSpec};
use fanout_sim::params::LabParams;
use fanout_sim::report::Report;
use fanout_sim::scenario::{CallMode, PublishPolicy, Publishing};
use fanout_sim::script::Step;
use fanout_sim::topic::{PartitionKey, MAX_PARTITIONS};
use fanout_sim::{Action, Input, Micros, Scenario, Sim, Wiring, SEC};
use runfile::RunFile;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum WiringArg {
    Request,
    Event,
}

/// Runs a Fanout scenario without a browser and prints what happened.
// The flags make a plain run, as they always have; a subcommand instead does something else,
// and takes none of them.
#[derive(Clone, Debug, Parser)]
#[command(name = "fanout-sim", version, about, args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// A JSON run file (see README); the flags below given alongside override its values,
    /// and --fault adds to its faults.
    #[arg(long, value_name = "PATH")]
    file: Option<String>,
    /// Scenario to run (default: checkout).
    #[arg(long, value_name = "ID", value_parser = parse_scenario)]
    scenario: Option<String>,
    /// A scenario file (format fanout-scenario, see README) to run instead of a built-in
    /// scenario; every problem in it is listed with its path.
    #[arg(long = "scenario-file", value_name = "PATH", conflicts_with = "scenario")]
    scenario_file: Option<String>,
    /// Where the page will fetch the --scenario-file from, as a run saved with --save names it
    /// (default: the path as given, right when the page is served from the directory it is
    /// relative to, such as `scenarios/my-shop.json` from dist).
    #[arg(long = "scenario-address", value_name = "ADDRESS", requires = "scenario_file")]
    scenario_address: Option<String>,
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
    /// Request-driven calls one after another, or all at once (default: the scenario's).
    #[arg(long = "call-mode", value_name = "sequential|parallel", value_parser = parse_call_mode)]
    call_mode: Option<CallMode>,
    /// What the Order Service does with an event while the broker is down: fail the checkout,
    /// or keep the event in its buffer and publish it again later (default: the scenario's).
    #[arg(long = "publish-policy", value_name = "fail|buffer-and-retry", value_parser = parse_policy)]
    publish_policy: Option<PublishPolicy>,
    /// How the entry service gets its event to the broker: commit then publish (direct, the
    /// dual write), or an outbox row published by a polling or log-tailing relay.
    #[arg(long, value_name = "direct|outbox-polling|outbox-tailing", value_parser = parse_publishing)]
    publishing: Option<Publishing>,
    /// How a system with a saga drives it: an orchestrator, or a choreography of events.
    #[arg(long, value_name = "orchestrated|choreographed", value_parser = parse_saga_style)]
    saga: Option<fanout_sim::saga::SagaStyle>,
    /// Choreographed sagas get a deadline at the entry service, after which they are undone.
    #[arg(long = "saga-timeouts")]
    saga_timeouts: bool,
    /// How the entry service keeps its orders: a row each, or a stream of events each, with
    /// read models (history, dashboard, emails) projected from the log.
    #[arg(long, value_name = "rows|event-sourced", value_parser = parse_storage)]
    storage: Option<fanout_sim::Storage>,
    /// A snapshot of each read model every N events (0: none); a rebuild starts at the latest.
    #[arg(long, value_name = "N")]
    snapshots: Option<u64>,
    /// Read models do not send their emails again while they replay the log.
    #[arg(long = "replay-guard")]
    replay_guard: bool,
    /// A consumer that drops the trace context (fault drop-context:SERVICE) links its new
    /// trace to the producer's span.
    #[arg(long = "trace-links")]
    trace_links: bool,
    /// Prints order N's trace instead of the report: every span of its work, as a table, or
    /// as OTLP JSON (the file Jaeger imports) with --json.
    #[arg(long, value_name = "ORDER", value_parser = parse_order)]
    trace: Option<u64>,
    /// The schema registry's compatibility mode for every subject the system declares.
    #[arg(long, value_name = "NONE|BACKWARD|FORWARD|FULL|BACKWARD_TRANSITIVE|FORWARD_TRANSITIVE|FULL_TRANSITIVE", value_parser = parse_compatibility)]
    compatibility: Option<fanout_sim::compat::Compatibility>,
    /// An intervention at a moment, written as a link's `at=` step: e.g. 5s:buy,
    /// 0s:idempotent:email:on, 12.5s:inject:crash:email, 20s:rate:8; may be repeated. Every
    /// form is listed in the README.
    #[arg(long = "at", value_name = "MOMENT:ACTION", value_parser = parse_step)]
    at: Vec<StepArg>,
    /// Writes the run as a run file the page loads (Run details, Load run) and `--file` replays.
    #[arg(long, value_name = "PATH")]
    save: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Debug, clap::Subcommand)]
enum Command {
    /// Checks lesson files, question sets and scenario files and lists every problem with its
    /// path; exits with 0 when all are valid, 1 when any has a problem.
    Validate(cli::validate::ValidateArgs),
    /// Runs a grid of runs (seeds × rates × wirings × fault sets) on all cores and writes one
    /// CSV row per run, in grid order.
    Sweep(Box<cli::sweep::SweepArgs>),
}

fn parse_order(s: &str) -> Result<u64, String> {
    s.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| format!("`{s}` is not an order number (1 or more)"))
}

fn parse_scenario(s: &str) -> Result<String, String> {
    if Scenario::IDS.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(format!("unknown scenario `{s}`; accepted: {}", Scenario::IDS.join(", ")))
    }
}

fn parse_call_mode(s: &str) -> Result<CallMode, String> {
    match s {
        "sequential" => Ok(CallMode::Sequential),
        "parallel" => Ok(CallMode::Parallel),
        _ => Err(format!("unknown call mode `{s}`; accepted: sequential, parallel")),
    }
}

fn parse_policy(s: &str) -> Result<PublishPolicy, String> {
    match s {
        "fail" => Ok(PublishPolicy::Fail),
        "buffer-and-retry" => Ok(PublishPolicy::BufferAndRetry),
        _ => Err(format!("unknown publish policy `{s}`; accepted: fail, buffer-and-retry")),
    }
}

fn parse_saga_style(s: &str) -> Result<fanout_sim::saga::SagaStyle, String> {
    fanout_sim::saga::SagaStyle::parse(s)
        .ok_or_else(|| format!("unknown saga style `{s}`; accepted: orchestrated, choreographed"))
}

fn parse_compatibility(s: &str) -> Result<fanout_sim::compat::Compatibility, String> {
    fanout_sim::compat::Compatibility::parse(s).ok_or_else(|| {
        format!(
            "unknown compatibility `{s}`; accepted: NONE, BACKWARD, FORWARD, FULL, BACKWARD_TRANSITIVE, \
             FORWARD_TRANSITIVE, FULL_TRANSITIVE"
        )
    })
}

fn parse_storage(s: &str) -> Result<fanout_sim::Storage, String> {
    fanout_sim::Storage::parse(s).ok_or_else(|| format!("unknown storage `{s}`; accepted: rows, event-sourced"))
}

fn parse_publishing(s: &str) -> Result<Publishing, String> {
    Publishing::parse(s)
        .ok_or_else(|| format!("unknown publishing `{s}`; accepted: direct, outbox-polling, outbox-tailing"))
}

/// A step as typed and as parsed.
#[derive(Clone, Debug)]
struct StepArg {
    step: Step,
}

fn parse_step(s: &str) -> Result<StepArg, String> {
    Step::parse(s).map(|step| StepArg { step })
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
    match fanout_sim::time::parse_seconds(s) {
        Ok(us) if us <= 86_400 * SEC => Ok(us as f64 / SEC as f64),
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

/// The interventions the flags give, all at time 0, in the order the lab would take them
/// (services wired in first, so that the settings after them can name them), each with the
/// flag as typed, for an error to quote.
fn flag_steps(args: &Args, scenario: &Scenario) -> Vec<(Step, String)> {
    let flag = |name: &str, text: &str| format!("'--{name}' value '{text}'");
    let mut actions: Vec<(Action, String)> = Vec::new();
    // The topic at the start comes first: partitions added as a student adds them in the
    // broker settings (fewer than the scenario's is a different scenario; see `main`).
    if let Some(n) = args.partitions.filter(|&n| n > scenario.partitions) {
        actions.push((Action::SetPartitions { partitions: n }, flag("partitions", &n.to_string())));
    }
    if let Some(key) = args.key.filter(|&k| k != scenario.partition_key) {
        actions.push((Action::SetPartitionKey { key }, flag("key", key.key())));
    }
    if let Some(mode) = args.call_mode {
        actions.push((
            Action::SetCallMode { mode },
            flag("call-mode", &fanout_sim::script::action_text(&Action::SetCallMode { mode })),
        ));
    }
    if let Some(policy) = args.publish_policy {
        actions.push((
            Action::SetPublishPolicy { policy },
            flag("publish-policy", &fanout_sim::script::action_text(&Action::SetPublishPolicy { policy })),
        ));
    }
    if let Some(publishing) = args.publishing {
        actions.push((Action::SetPublishing { publishing }, flag("publishing", publishing.key())));
    }
    if let Some(style) = args.saga {
        actions.push((Action::SetSagaStyle { style }, flag("saga", style.key())));
    }
    if args.saga_timeouts {
        actions.push((Action::SetSagaTimeouts { on: true }, "'--saga-timeouts'".into()));
    }
    if let Some(storage) = args.storage {
        actions.push((Action::SetStorage { storage }, flag("storage", storage.key())));
    }
    if let Some(every) = args.snapshots {
        actions.push((Action::SetSnapshots { every }, flag("snapshots", &every.to_string())));
    }
    if args.replay_guard {
        actions.push((Action::SetReplayGuard { on: true }, "'--replay-guard'".into()));
    }
    if args.trace_links {
        actions.push((Action::SetTraceLinks { on: true }, "'--trace-links'".into()));
    }
    if let Some(compatibility) = args.compatibility {
        for spec in &scenario.schemas {
            let message = scenario.type_name(spec.mtype).to_string();
            actions.push((
                Action::SetCompatibility { message, compatibility },
                flag("compatibility", compatibility.key()),
            ));
        }
    }
    for s in &args.add {
        actions.push((
            Action::AddSubscriber { service: s.service.clone(), from: Default::default() },
            flag("add", &s.text),
        ));
    }
    for s in &args.sync {
        actions.push((Action::SetSync { service: s.service.clone(), on: true }, flag("sync", &s.text)));
    }
    if let Some(share) = args.cancel_share {
        actions.push((Action::SetCancelShare { share }, flag("cancel-share", &share.to_string())));
    }
    for g in &args.guarantee {
        let action = Action::SetGuarantee { service: g.service.clone(), guarantee: g.value };
        actions.push((action, flag("guarantee", &g.text)));
    }
    for s in &args.idempotent {
        actions.push((Action::SetIdempotent { service: s.service.clone(), on: true }, flag("idempotent", &s.text)));
    }
    for r in &args.retry {
        actions.push((Action::SetRetry { service: r.service.clone(), retry: r.value }, flag("retry", &r.text)));
    }
    for c in &args.consumers {
        let action = Action::SetConsumers { service: c.service.clone(), consumers: c.value };
        actions.push((action, flag("consumers", &c.text)));
    }
    actions.into_iter().map(|(action, origin)| (Step { at_us: 0, events: None, action }, origin)).collect()
}

/// The `action` tag of an input, as written in a run file.
fn action_name(action: &Action) -> String {
    serde_json::to_value(action).ok().and_then(|v| v["action"].as_str().map(String::from)).unwrap_or_default()
}

/// A run file as read: either kind, turned into what a link says.
struct Loaded {
    path: String,
    params: LabParams,
    /// The version-1 command-line file's own fields.
    duration_s: Option<f64>,
    partitions: Option<u16>,
    key: Option<PartitionKey>,
    /// The trace hash the page recorded when it saved the run.
    recorded_hash: Option<String>,
    gives_wiring: bool,
}

/// Reads a run file: one the page saved (`"format": "fanout-run"`) or the command line's
/// version-1 file (see README). Every value is checked as strictly as the flag for it, against
/// `own`, the scenario of `--scenario-file`, when there is one (it replaces the file's).
fn load(path: &str, own: Option<&Scenario>) -> Loaded {
    let bad = |why: String| -> ! { fail(format!("invalid run file '{path}': {why}")) };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| bad(format!("cannot be read: {e}")));
    let saved_by_page = serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.get("format").is_some());
    if saved_by_page {
        let (params, recorded_hash) = export::import(&text).unwrap_or_else(|why| bad(why));
        return Loaded {
            path: path.into(),
            params,
            duration_s: None,
            partitions: None,
            key: None,
            recorded_hash,
            gives_wiring: true,
        };
    }
    let file = RunFile::parse(&text).unwrap_or_else(|why| bad(why));
    let mut params = LabParams::default();
    match (&file.scenario, own) {
        (_, Some(own)) => params.setup.scenario = own.id.clone(),
        (Some(s), None) => {
            params.setup.scenario = parse_scenario(s).unwrap_or_else(|why| bad(format!("scenario: {why}")))
        }
        (None, None) => {}
    }
    if let Some(r) = file.rate {
        params.setup.rate = Some(parse_rate(&r.to_string()).unwrap_or_else(|why| bad(format!("rate: {why}"))));
    }
    if let Some(d) = file.duration_s {
        parse_duration_s(&d.to_string()).unwrap_or_else(|why| bad(format!("duration_s: {why}")));
    }
    if let Some(p) = file.partitions {
        parse_partitions(&p.to_string()).unwrap_or_else(|why| bad(format!("partitions: {why}")));
    }
    let key = file.key.as_deref().map(|k| parse_key(k).unwrap_or_else(|why| bad(format!("key: {why}"))));
    let scenario =
        own.cloned().unwrap_or_else(|| Scenario::by_id(&params.setup.scenario).expect("checked by parse_scenario"));
    for (k, text) in file.faults.iter().enumerate() {
        let spec = FaultSpec::parse(text)
            .and_then(|spec| spec.fault.validate(&scenario).map(|_| spec))
            .unwrap_or_else(|why| bad(format!("fault {} `{text}`: {why}", k + 1)));
        params.setup.faults.push(spec);
    }
    let gives_wiring = file.wiring.is_some();
    if let Some(w) = file.wiring {
        params.setup.wiring = w;
    }
    params.setup.seed = file.seed.unwrap_or(params.setup.seed);
    // Inputs at their moments, in time order (a file may list them in any order); each is a
    // step of a link, replayed exactly as the page replays one.
    // Values no run could take stop here, as the flag for them would.
    let blank = Sim::new(scenario, params.setup.seed);
    for (k, Input { at_us, action }) in file.inputs.iter().enumerate() {
        if let Err(why) = blank.check_values(action) {
            bad(format!("input {} ({} at {at_us} µs): {why}", k + 1, action_name(action)));
        }
    }
    let mut steps: Vec<Step> =
        file.inputs.into_iter().map(|Input { at_us, action }| Step { at_us, events: None, action }).collect();
    steps.sort_by_key(|s| s.at_us);
    params.script = steps;
    Loaded {
        path: path.into(),
        params,
        duration_s: file.duration_s,
        partitions: file.partitions,
        key,
        recorded_hash: None,
        gives_wiring,
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match &args.command {
        Some(Command::Validate(v)) => return cli::validate::main(v),
        Some(Command::Sweep(s)) => return cli::sweep::main(s),
        None => {}
    }
    let own = args.scenario_file.as_deref().map(|path| {
        let own = cli::scenario_file::read(path)
            .unwrap_or_else(|problems| fail(cli::scenario_file::refusal("--scenario-file", path, &problems)));
        // Known by its address, as the page knows a file it fetched: a run saved with --save
        // names it so, and the page fetches it from there.
        // A copy of a built-in system's file keeps its id, which the page knows already.
        let address = args.scenario_address.as_deref().unwrap_or(path);
        if Scenario::by_id(&own.id).is_none() {
            fanout_sim::system::registry::register(address, own.clone())
                .unwrap_or_else(|why| fail(format!("--scenario-file '{path}': {why}")));
        }
        own
    });
    if let (Some(run), None) = (&args.file, &own) {
        cli::scenario_file::register_named(run).unwrap_or_else(|why| fail(why));
    }
    let file = args.file.as_deref().map(|path| load(path, own.as_ref()));
    let mut params = file.as_ref().map_or_else(LabParams::default, |f| f.params.clone());
    let from_file = |what: &str| -> ! {
        let path = file.as_ref().map_or("", |f| f.path.as_str());
        fail(format!("the run file '{path}' gives no {what}, and no --{} was given", what.replace('_', "-")))
    };
    if let Some(s) = &args.scenario {
        params.setup.scenario = s.clone();
        // Another scenario's subscribers may not exist here.
        params.subscribers = None;
    }
    if let Some(own) = &own {
        params.setup.scenario = own.id.clone();
        params.subscribers = None;
    }
    let mut scenario = match &own {
        Some(own) => own.clone(),
        None => Scenario::by_id(&params.setup.scenario).expect("checked by parse_scenario"),
    };
    match args.wiring {
        Some(WiringArg::Request) => params.setup.wiring = Wiring::Request,
        Some(WiringArg::Event) => params.setup.wiring = Wiring::Event,
        None if file.as_ref().is_some_and(|f| f.gives_wiring) => {}
        None => from_file("wiring"),
    }
    if let Some(seed) = args.seed {
        params.setup.seed = seed;
    }
    if let Some(rate) = args.rate {
        params.setup.rate = Some(rate);
    }
    for f in &args.faults {
        if let Err(why) = f.spec.fault.validate(&scenario) {
            fail(format!("invalid value '{}' for '--fault <SPEC>': {why}", f.text));
        }
        params.setup.faults.push(f.spec.clone());
    }
    // Where the run stops: --duration-s, else the file's duration or the moment it was saved at.
    match (args.duration_s, file.as_ref()) {
        (Some(d), _) => (params.until_us, params.until_events) = (Some(seconds(d)), None),
        (None, Some(f)) if f.duration_s.is_some() => params.until_us = f.duration_s.map(seconds),
        (None, Some(f)) if f.params.until_us.is_some() => {}
        _ => from_file("duration_s"),
    }
    // The topic at the start: a version-1 file's values, overridden by the flags.
    let start_partitions = args.partitions.or_else(|| file.as_ref().and_then(|f| f.partitions));
    let start_key = args.key.or_else(|| file.as_ref().and_then(|f| f.key));
    let topic_args = Args { partitions: start_partitions, key: start_key, ..args.clone() };
    let custom_scenario = start_partitions.is_some_and(|n| n < scenario.partitions);
    if custom_scenario {
        scenario.partitions = start_partitions.expect("checked");
    }
    // The topic's start, then the file's steps, then the other flags' settings at 0, then
    // --at: kept in time order. A refused step names where it came from.
    let from_file = std::mem::take(&mut params.script);
    let file_origin = file.as_ref().map(|f| format!("run file '{}'", f.path)).unwrap_or_default();
    let mut steps: Vec<(Step, String)> = Vec::new();
    let (topic, settings): (Vec<_>, Vec<_>) = flag_steps(&topic_args, &scenario)
        .into_iter()
        .partition(|(s, _)| matches!(s.action, Action::SetPartitions { .. } | Action::SetPartitionKey { .. }));
    steps.extend(topic);
    steps.extend(from_file.into_iter().map(|s| (s, file_origin.clone())));
    steps.extend(settings);
    steps.extend(args.at.iter().map(|a| (a.step.clone(), format!("'--at' value '{}'", a.step.text()))));
    steps.sort_by_key(|(s, _)| s.at_us);
    let origins: Vec<(String, String)> = steps.iter().map(|(s, origin)| (s.text(), origin.clone())).collect();
    params.script = steps.into_iter().map(|(s, _)| s).collect();
    if custom_scenario && args.save.is_some() {
        fail(format!(
            "--save: a run whose topic starts with fewer partitions ({}) than the scenario's cannot be saved for the \
             page, which starts every topic as its scenario does; drop --partitions, or give {} or more",
            scenario.partitions,
            Scenario::by_id(&params.setup.scenario).expect("known").partitions
        ));
    }
    // A step the run refuses when it comes due (a redrive with nothing dead-lettered, say,
    // after a flag changed the run) is left out with a note, as the page leaves it out.
    let built = if custom_scenario || own.is_some() { params.timeline_of(scenario) } else { params.timeline() };
    let (timeline, problems) = built.unwrap_or_else(|why| fail(why));
    let (from_file, problems): (Vec<String>, Vec<String>) = problems.into_iter().partition(|p| {
        origins.iter().any(|(step, origin)| *origin == file_origin && p.starts_with(&format!("Ignored at=\"{step}\"")))
    });
    for p in &from_file {
        eprintln!("note: {p}; the page leaves such a step out too");
    }
    if !problems.is_empty() {
        let named: Vec<String> = problems
            .iter()
            .map(|p| {
                let found = origins.iter().find_map(|(step, origin)| {
                    p.strip_prefix(&format!("Ignored at=\"{step}\": ")).map(|why| (step, origin, why))
                });
                match found {
                    Some((step, origin, why)) => format!("invalid {origin}: step {step}: {why}"),
                    None => p.clone(),
                }
            })
            .collect();
        fail(named.join("; "));
    }
    let sim = timeline.sim();
    if let Some(recorded) = file.as_ref().and_then(|f| f.recorded_hash.as_deref()) {
        if recorded != sim.trace_hash_hex() {
            eprintln!(
                "note: the run file recorded trace hash {recorded}; this run gives {} (flags given with the file \
                 change the run)",
                sim.trace_hash_hex()
            );
        }
    }
    if let Some(path) = &args.save {
        if let Err(e) = std::fs::write(path, export::export(&timeline)) {
            fail(format!("--save: '{path}' cannot be written: {e}"));
        }
    }
    if let Some(order) = args.trace {
        return cli::trace::print(sim, order, args.json).unwrap_or_else(|why| fail(format!("--trace: {why}")));
    }
    let specs: Vec<String> = params.setup.faults.iter().map(FaultSpec::text).collect();
    let report = Report::of(sim, &specs);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).expect("a report always serialises"));
    } else {
        print_table(&report);
    }
    ExitCode::SUCCESS
}

fn seconds(s: f64) -> Micros {
    (s * SEC as f64).round() as Micros
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
    let p = &r.publishing;
    if p.mode != "direct" || p.committed > 0 || p.commit_crashes > 0 || p.lost_orders.broker_refused > 0 {
        println!(
            "publishing {}: outbox {} committed, {} sent, {} pending; relay crashes {}, published again {}",
            p.mode, p.committed, p.marked, p.pending, p.relay_crashes, p.republished
        );
        println!(
            "{:<10} orders with no event: {} after a crash past the commit, {} refused by the broker; \
             duplicates: {} from second copies, {} redelivered",
            "",
            p.lost_orders.crash_after_commit,
            p.lost_orders.broker_refused,
            p.duplicates.republished,
            p.duplicates.redelivered
        );
    }
    if let Some(g) = &r.sagas {
        println!(
            "sagas      {}{}: {} started, {} completed, {} compensated, {} running, {} stuck, {} compensations paid twice",
            g.style,
            if g.timeouts { " with timeouts" } else { "" },
            g.started,
            g.completed,
            g.compensated,
            g.running,
            g.stuck,
            g.paid_twice
        );
        for b in &g.books {
            println!("{:<10} {} ({}): {} done, {} undone", "", b.service, b.books, b.done, b.undone);
        }
    }
    let s = &r.storage;
    if s.mode != "rows" || s.events > 0 || s.lost_updates > 0 {
        println!(
            "storage    {}: {} events, {} conflicts retried, {} lost updates; {} orders, {} cancelled, sales {}",
            s.mode,
            s.events,
            s.conflicts,
            s.lost_updates,
            s.orders,
            s.cancelled,
            fanout_sim::consumer::money(s.sales_cents)
        );
        for m in &s.read_models {
            let rebuild = m.last_rebuild.as_ref().map_or(String::new(), |b| {
                format!(
                    "; last rebuild from {} read {} in {:.0} ms, {} emails resent",
                    b.from, b.replayed, b.took_ms, b.resent
                )
            });
            println!(
                "{:<10} {}: at {} (checkpoint {}), {} behind ({:.0} ms){}, sales {}, emails {} sent {} resent {} held back{}",
                "",
                m.name,
                m.position,
                m.checkpoint,
                m.lag_events,
                m.lag_ms,
                if m.wrong { ", WRONG" } else { "" },
                fanout_sim::consumer::money(m.sales_cents),
                m.emails_sent,
                m.emails_resent,
                m.emails_held_back,
                rebuild
            );
        }
    }
    for s in &r.schemas {
        println!(
            "schemas    {} ({}): producer writes v{}; versions {}",
            s.message,
            s.compatibility,
            s.producer,
            s.versions
                .iter()
                .map(|v| format!("v{} [{}]", v.version, v.fields.join(", ")))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for g in s.registrations.iter().filter(|g| g.proposal.is_some()) {
            let what = match (g.outcome.as_str(), &g.field) {
                ("refused", Some(field)) => format!(
                    "refused: conflicts with v{} ({}, {} `{field}`)",
                    g.version,
                    g.direction.as_deref().unwrap_or(""),
                    g.reason.as_deref().unwrap_or("")
                ),
                (outcome, _) => format!("{outcome} as v{}", g.version),
            };
            println!("{:<10} {:.1} s {}: {what}", "", g.at_s, g.proposal.as_deref().unwrap_or(""));
        }
        let readers: Vec<String> =
            s.readers.iter().map(|r| format!("{} v{} ({} unreadable)", r.service, r.version, r.unreadable)).collect();
        println!("{:<10} readers: {}", "", readers.join(", "));
    }
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |ms| format!("{ms:.0}"));
    println!("red        last 10 s: service rate/s errors/s p50/p95/p99 ms");
    for s in r.red.iter().filter(|s| s.rate_per_s > 0.0) {
        println!(
            "{:<10} {:<12} {:>6.1} {:>8.1}  {}/{}/{}",
            "",
            s.service,
            s.rate_per_s,
            s.errors_per_s,
            fmt(s.p50_ms),
            fmt(s.p95_ms),
            fmt(s.p99_ms)
        );
    }
    let fired: Vec<String> = r
        .alerts
        .rules
        .iter()
        .filter(|a| a.fired > 0 || a.phase != fanout_sim::alerting::Phase::Inactive)
        .map(|a| format!("{} {} (fired {}x)", a.rule, a.phase.key(), a.fired))
        .collect();
    println!("alerts     {}", if fired.is_empty() { "none fired".to_string() } else { fired.join(", ") });
    for c in &r.alerts.history {
        println!("{:<10} {:>7.1} s {:<18} {} -> {} ({:.2})", "", c.at_s, c.rule, c.from.key(), c.to.key(), c.value);
    }
    println!("hops       {}", c.hops);
    println!("trace_hash {}", r.trace_hash);
}
