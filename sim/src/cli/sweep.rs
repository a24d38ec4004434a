//! `fanout-sim sweep`: runs a grid of runs (seeds × rates × wirings × fault sets) on every
//! core and writes one CSV row per run. Each run is exactly the plain run of the same inputs,
//! with the same trace hash; the rows come in grid order whatever the number of threads.

use super::{fail_in, scenario_file};
use crate::{parse_duration_s, parse_rate, parse_scenario, parse_step, seconds, StepArg};
use fanout_sim::fault::FaultSpec;
use fanout_sim::params::LabParams;
use fanout_sim::report::Report;
use fanout_sim::script::Step;
use fanout_sim::{Scenario, Wiring};
use serde::Deserialize;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The most runs one sweep makes.
pub const MAX_RUNS: u64 = 100_000;
/// The most threads `--threads` takes.
const MAX_THREADS: usize = 256;

/// Runs a grid of runs on all cores and writes one CSV row per run.
#[derive(clap::Args, Clone, Debug)]
pub struct SweepArgs {
    /// A JSON file with the grid: the keys seeds, rates, wirings, fault_sets, scenario,
    /// scenario_file, duration_s and at, as the flags take them; flags given override it.
    #[arg(long, value_name = "PATH")]
    pub grid: Option<String>,
    /// Seeds: a range A..B (both included), a list 1,2,5, or both, 1..10,20 (default: 1).
    #[arg(long, value_name = "A..B|N,N,...", value_parser = parse_seeds)]
    pub seeds: Option<Seeds>,
    /// Orders per second, a list such as 2,5,10 (default: the scenario's own rate).
    #[arg(long, value_name = "R,R,...", value_parser = parse_rates, allow_negative_numbers = true)]
    pub rates: Option<Rates>,
    /// Wirings, a list: request,event, request or event (default: request,event).
    #[arg(long, value_name = "request,event", value_parser = parse_wirings)]
    pub wirings: Option<Wirings>,
    /// One set of faults, joined by +, such as crash:email:5s-10s+errors:inventory:0.2, or none
    /// for the empty set; may be repeated, one per set (default: one set, none).
    #[arg(long = "fault-set", value_name = "SPEC+SPEC...|none", value_parser = parse_fault_set)]
    pub fault_sets: Vec<FaultSet>,
    /// A built-in scenario (default: checkout).
    #[arg(long, value_name = "ID", value_parser = parse_scenario, conflicts_with = "scenario_file")]
    pub scenario: Option<String>,
    /// A scenario file to run instead of a built-in scenario.
    #[arg(long = "scenario-file", value_name = "PATH")]
    pub scenario_file: Option<String>,
    /// Simulated seconds each run lasts (0 to 86400).
    #[arg(long = "duration-s", value_name = "SECONDS", value_parser = parse_duration_s, allow_negative_numbers = true)]
    pub duration_s: Option<f64>,
    /// An intervention at a moment, as the plain run's --at takes it, applied to every run;
    /// may be repeated.
    #[arg(long = "at", value_name = "MOMENT:ACTION", value_parser = parse_step)]
    pub at: Vec<StepArg>,
    /// Runs at once (default: the number of cores). The output is the same whatever it is.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Writes the CSV to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub out: Option<String>,
}

/// Seeds as inclusive ranges, never expanded before the grid's size is known.
#[derive(Clone, Debug, PartialEq)]
pub struct Seeds(Vec<(u64, u64)>);

impl Seeds {
    fn count(&self) -> u64 {
        self.0.iter().fold(0u64, |n, &(a, b)| n.saturating_add((b - a).saturating_add(1)))
    }

    fn list(&self) -> Vec<u64> {
        self.0.iter().flat_map(|&(a, b)| a..=b).collect()
    }
}

fn parse_seeds(s: &str) -> Result<Seeds, String> {
    const FORM: &str = "a range A..B (both included), a list such as 1,2,5, or both, such as 1..10,20";
    let seed = |t: &str| {
        t.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{}` is not a seed (a whole number from 0 to {}); give {FORM}", t.trim(), u64::MAX))
    };
    let mut ranges = Vec::new();
    for item in s.split(',') {
        match item.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (seed(a)?, seed(b)?);
                if b < a {
                    return Err(format!("`{}` runs backwards; give {FORM}", item.trim()));
                }
                ranges.push((a, b));
            }
            None => {
                let n = seed(item)?;
                ranges.push((n, n));
            }
        }
    }
    Ok(Seeds(ranges))
}

/// Orders per second, each as checked by the plain run's `--rate`.
#[derive(Clone, Debug, PartialEq)]
pub struct Rates(Vec<f64>);

fn parse_rates(s: &str) -> Result<Rates, String> {
    s.split(',').map(|r| parse_rate(r.trim())).collect::<Result<Vec<_>, _>>().map(Rates)
}

#[derive(Clone, Debug, PartialEq)]
pub struct Wirings(Vec<Wiring>);

fn parse_wirings(s: &str) -> Result<Wirings, String> {
    s.split(',')
        .map(|w| {
            Wiring::parse(w.trim())
                .ok_or_else(|| format!("unknown wiring `{}`; give request, event or request,event", w.trim()))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Wirings)
}

/// One set of faults: as typed (for the `faults` column) and as parsed. The service each fault
/// names is checked against the scenario later.
#[derive(Clone, Debug)]
pub struct FaultSet {
    text: String,
    specs: Vec<(String, FaultSpec)>,
}

fn parse_fault_set(s: &str) -> Result<FaultSet, String> {
    let s = s.trim();
    if s.is_empty() || s == "none" {
        return Ok(FaultSet { text: "none".into(), specs: Vec::new() });
    }
    let specs = s
        .split('+')
        .map(|f| FaultSpec::parse(f.trim()).map(|spec| (f.trim().to_string(), spec)))
        .collect::<Result<Vec<_>, _>>()?;
    let text = specs.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join("+");
    Ok(FaultSet { text, specs })
}

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!("`{s}` is not a number of threads; give a whole number from 1 to {MAX_THREADS}")),
    }
}

/// A list in a grid file: JSON's own list, or the text the flag takes.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum ListOr<T> {
    Text(String),
    List(Vec<T>),
}

/// The grid file: the flags' keys.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GridFile {
    seeds: Option<ListOr<u64>>,
    rates: Option<ListOr<f64>>,
    wirings: Option<ListOr<String>>,
    fault_sets: Option<Vec<String>>,
    scenario: Option<String>,
    /// Relative to the grid file's folder.
    scenario_file: Option<String>,
    duration_s: Option<f64>,
    at: Option<Vec<String>>,
}

/// Reads a grid file into the flags it stands for.
fn read_grid(path: &str) -> SweepArgs {
    let bad = |why: String| -> ! { fail_in("sweep", format!("invalid grid file '{path}': {why}")) };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| bad(format!("cannot be read: {e}")));
    let g: GridFile = serde_json::from_str(&text).unwrap_or_else(|e| bad(e.to_string()));
    let text_of = |l: ListOr<String>| match l {
        ListOr::Text(t) => t,
        ListOr::List(v) => v.join(","),
    };
    let seeds = g.seeds.map(|s| match s {
        ListOr::Text(t) => parse_seeds(&t),
        ListOr::List(v) if v.is_empty() => Err("the list is empty".into()),
        ListOr::List(v) => Ok(Seeds(v.into_iter().map(|n| (n, n)).collect())),
    });
    let rates = g.rates.map(|r| match r {
        ListOr::Text(t) => parse_rates(&t),
        ListOr::List(v) if v.is_empty() => Err("the list is empty".into()),
        ListOr::List(v) => v.iter().map(|r| parse_rate(&r.to_string())).collect::<Result<Vec<_>, _>>().map(Rates),
    });
    let wirings = g.wirings.map(|w| parse_wirings(&text_of(w)));
    let fault_sets: Vec<FaultSet> = g
        .fault_sets
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(k, s)| parse_fault_set(s).unwrap_or_else(|why| bad(format!("fault_sets[{k}]: {why}"))))
        .collect();
    let at: Vec<StepArg> =
        g.at.unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(k, s)| parse_step(s).unwrap_or_else(|why| bad(format!("at[{k}]: {why}"))))
            .collect();
    let scenario = g.scenario.map(|s| parse_scenario(&s).unwrap_or_else(|why| bad(format!("scenario: {why}"))));
    if scenario.is_some() && g.scenario_file.is_some() {
        bad("give scenario or scenario_file, not both".into());
    }
    let scenario_file = g.scenario_file.map(|f| {
        let folder = Path::new(path).parent().unwrap_or(Path::new(""));
        folder.join(f).to_string_lossy().into_owned()
    });
    let duration_s =
        g.duration_s.map(|d| parse_duration_s(&d.to_string()).unwrap_or_else(|why| bad(format!("duration_s: {why}"))));
    SweepArgs {
        grid: None,
        seeds: seeds.map(|s| s.unwrap_or_else(|why| bad(format!("seeds: {why}")))),
        rates: rates.map(|r| r.unwrap_or_else(|why| bad(format!("rates: {why}")))),
        wirings: wirings.map(|w| w.unwrap_or_else(|why| bad(format!("wirings: {why}")))),
        fault_sets,
        scenario,
        scenario_file,
        duration_s,
        at,
        threads: None,
        out: None,
    }
}

/// The flags over the grid file's values: each flag given replaces the file's value of it.
fn merged(args: &SweepArgs) -> SweepArgs {
    let Some(path) = &args.grid else { return args.clone() };
    let file = read_grid(path);
    let (scenario, scenario_file) = if args.scenario.is_some() || args.scenario_file.is_some() {
        (args.scenario.clone(), args.scenario_file.clone())
    } else {
        (file.scenario, file.scenario_file)
    };
    SweepArgs {
        grid: args.grid.clone(),
        seeds: args.seeds.clone().or(file.seeds),
        rates: args.rates.clone().or(file.rates),
        wirings: args.wirings.clone().or(file.wirings),
        fault_sets: if args.fault_sets.is_empty() { file.fault_sets } else { args.fault_sets.clone() },
        scenario,
        scenario_file,
        duration_s: args.duration_s.or(file.duration_s),
        at: if args.at.is_empty() { file.at } else { args.at.clone() },
        threads: args.threads,
        out: args.out.clone(),
    }
}

/// One run of the grid.
struct Point<'a> {
    seed: u64,
    /// `None`: the scenario's own rate, as the plain run without `--rate`.
    rate: Option<f64>,
    wiring: Wiring,
    faults: &'a FaultSet,
}

/// What one run gives: the report, the columns' values before the per-subscriber ones.
struct Row {
    cells: Vec<String>,
    /// Per subscriber key: lag and duplicates.
    subscribers: Vec<(String, u64, u64)>,
}

const COLUMNS: [&str; 18] = [
    "scenario",
    "seed",
    "rate",
    "wiring",
    "faults",
    "duration_s",
    "placed",
    "succeeded",
    "failed",
    "in_flight",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "published",
    "hops",
    "trace_hash",
    "lag_all_subscribers",
    "duplicates_all_subscribers",
];

/// Runs one point exactly as the plain run of the same flags runs it.
fn run_one(p: &Point, own: Option<&Scenario>, scenario_id: &str, until_us: u64, steps: &[Step]) -> Result<Row, String> {
    let mut params = LabParams::default();
    params.setup.scenario = scenario_id.to_string();
    params.setup.wiring = p.wiring;
    params.setup.seed = p.seed;
    params.setup.rate = p.rate;
    params.setup.faults = p.faults.specs.iter().map(|(_, s)| s.clone()).collect();
    params.until_us = Some(until_us);
    params.script = steps.to_vec();
    let built = match own {
        Some(s) => params.timeline_of(s.clone()),
        None => params.timeline(),
    };
    let (timeline, problems) = built?;
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let specs: Vec<String> = params.setup.faults.iter().map(FaultSpec::text).collect();
    let r = Report::of(timeline.sim(), &specs);
    let c = &r.checkouts;
    let lag: u64 = r.subscribers.iter().map(|s| s.lag).sum();
    let duplicates: u64 = r.subscribers.iter().map(|s| s.duplicates).sum();
    let cells = vec![
        r.scenario.clone(),
        r.seed.to_string(),
        r.rate.to_string(),
        r.wiring.clone(),
        p.faults.text.clone(),
        r.duration_s.to_string(),
        c.placed.to_string(),
        c.succeeded.to_string(),
        c.failed.to_string(),
        c.in_flight.to_string(),
        r.response_ms.p50.to_string(),
        r.response_ms.p95.to_string(),
        r.response_ms.p99.to_string(),
        c.published.to_string(),
        c.hops.to_string(),
        r.trace_hash.clone(),
        lag.to_string(),
        duplicates.to_string(),
    ];
    let subscribers = r.subscribers.iter().map(|s| (s.key.clone(), s.lag, s.duplicates)).collect();
    Ok(Row { cells, subscribers })
}

/// Runs `count` jobs on `threads` threads, each pulling the next index from a shared counter;
/// the results come back in index order, whatever thread ran them. The first failure stops
/// further jobs from starting.
fn run_all<T: Send>(
    count: usize,
    threads: usize,
    job: impl Fn(usize) -> Result<T, String> + Sync,
) -> Vec<Result<T, String>> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let mut done: Vec<(usize, Result<T, String>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.clamp(1, count.max(1)))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            break;
                        }
                        let result = job(i);
                        if result.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        mine.push((i, result));
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

pub fn main(args: &SweepArgs) -> ExitCode {
    let fail = |message: String| -> ! { fail_in("sweep", message) };
    let args = merged(args);
    let own = args.scenario_file.as_deref().map(|path| {
        scenario_file::read(path)
            .unwrap_or_else(|problems| fail(scenario_file::refusal("--scenario-file", path, &problems)))
    });
    let scenario = match &own {
        Some(s) => s.clone(),
        None => Scenario::by_id(args.scenario.as_deref().unwrap_or("checkout")).expect("checked by parse_scenario"),
    };
    let Some(duration_s) = args.duration_s else {
        fail("give --duration-s (or duration_s in the grid file): the simulated seconds each run lasts".into())
    };
    let seeds = args.seeds.clone().unwrap_or(Seeds(vec![(1, 1)]));
    let rates: Vec<Option<f64>> = match &args.rates {
        Some(Rates(list)) => list.iter().map(|&r| Some(r)).collect(),
        None => vec![None],
    };
    let wirings = args.wirings.clone().map(|w| w.0).unwrap_or(vec![Wiring::Request, Wiring::Event]);
    let fault_sets = if args.fault_sets.is_empty() {
        vec![FaultSet { text: "none".into(), specs: vec![] }]
    } else {
        args.fault_sets.clone()
    };
    for set in &fault_sets {
        for (text, spec) in &set.specs {
            if let Err(why) = spec.fault.validate(&scenario) {
                fail(format!("invalid fault set '{}': fault `{text}`: {why}", set.text));
            }
        }
    }
    let size = [rates.len() as u64, wirings.len() as u64, fault_sets.len() as u64]
        .iter()
        .fold(seeds.count(), |n, &k| n.saturating_mul(k));
    if size > MAX_RUNS {
        fail(format!(
            "the grid has {size} runs ({} seeds × {} rates × {} wirings × {} fault sets); a sweep makes at most \
             {MAX_RUNS}: split it into smaller sweeps",
            seeds.count(),
            rates.len(),
            wirings.len(),
            fault_sets.len()
        ));
    }
    // The steps in time order, as the plain run orders its --at steps.
    let mut steps: Vec<Step> = args.at.iter().map(|a| a.step.clone()).collect();
    steps.sort_by_key(|s| s.at_us);
    // The grid in order: fault set, then wiring, then rate, then seed, the seeds innermost.
    let seed_list = seeds.list();
    let mut points: Vec<Point> = Vec::with_capacity(size as usize);
    for faults in &fault_sets {
        for &wiring in &wirings {
            for &rate in &rates {
                for &seed in &seed_list {
                    points.push(Point { seed, rate, wiring, faults });
                }
            }
        }
    }
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let until_us = seconds(duration_s);
    let id = scenario.id.clone();
    let results = run_all(points.len(), threads, |i| {
        let p = &points[i];
        run_one(p, own.as_ref(), &id, until_us, &steps).map_err(|why| {
            let rate = p.rate.map_or_else(|| "the scenario's".to_string(), |r| r.to_string());
            format!(
                "run {} (seed {}, rate {rate}, wiring {}, faults {}): {why}",
                i + 1,
                p.seed,
                p.wiring.key(),
                p.faults.text
            )
        })
    });
    let errors: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    if !errors.is_empty() {
        fail(format!("a run of the sweep refused a step, as the plain run would:\n  {}", errors[0]));
    }
    let rows: Vec<Row> = results.into_iter().filter_map(Result::ok).collect();
    // A lag and a duplicates column for each service wired in in any run, in the scenario's order.
    let keys: Vec<&str> = scenario
        .catalog
        .iter()
        .map(|s| s.key.as_str())
        .filter(|k| rows.iter().any(|r| r.subscribers.iter().any(|(key, _, _)| key == k)))
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    for k in &keys {
        header.push(format!("lag_{k}"));
        header.push(format!("duplicates_{k}"));
    }
    let written = writer.write_record(&header).and_then(|_| {
        for row in &rows {
            let mut cells = row.cells.clone();
            for k in &keys {
                match row.subscribers.iter().find(|(key, _, _)| key == k) {
                    Some((_, lag, duplicates)) => cells.extend([lag.to_string(), duplicates.to_string()]),
                    None => cells.extend([String::new(), String::new()]),
                }
            }
            writer.write_record(&cells)?;
        }
        writer.flush()?;
        Ok(())
    });
    written.expect("CSV is written to memory");
    let bytes = writer.into_inner().expect("CSV is written to memory");
    match &args.out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &bytes) {
                fail(format!("--out: '{path}' cannot be written: {e}"));
            }
            eprintln!("{} runs written to {path}", rows.len());
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            if out.write_all(&bytes).and_then(|_| out.flush()).is_err() {
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
