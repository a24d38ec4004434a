//! A run saved as a JSON file from the page, and loaded back: what it is made of (scenario,
//! seed, setup, every intervention, the moment shown) in the same words a link uses, and
//! its numbers at that moment (the report the command line prints, trace hash included).
//!
//! ```json
//! { "format": "fanout-run", "version": 1, "scenario": "checkout", "wiring": "event",
//!   "seed": 7, "rate": 5, "faults": ["crash:email:2s-10s"], "subscribers": ["email", "sms"],
//!   "steps": ["3.25s:buy", "4s:inject:slow:analytics:2000ms"], "until": "12.5s",
//!   "report": { "trace_hash": "…", "checkouts": { … }, … } }
//! ```
//!
//! Loading reads it through the link parser, so a file is held to exactly the rules of a
//! link, and any problem refuses the whole file.

use crate::fault::FaultSpec;
use crate::params::{percent_encode, LabParams, MAX_UNTIL_S};
use crate::report::Report;
use crate::scenario::Wiring;
use crate::script::{moment_text, parse_moment};
use crate::time::SEC;
use crate::timeline::Timeline;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "fanout-run";
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunExport {
    pub format: String,
    pub version: u32,
    pub scenario: String,
    pub wiring: Wiring,
    pub seed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "exact_rate")]
    pub rate: Option<f64>,
    #[serde(default)]
    pub faults: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribers: Option<Vec<String>>,
    #[serde(default)]
    pub steps: Vec<String>,
    /// The moment shown, as `12.5s` (or `12.5s/4120` between two events of one microsecond).
    pub until: String,
    /// The numbers at that moment; read back only for its trace hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<serde_json::Value>,
}

/// Reads an optional number exactly as written: the rate a run was saved with must come back as
/// the same `f64`, or the file replays another run. serde_json's fast float parser can be one
/// digit off on long decimals; the text goes through Rust's own parser instead.
pub fn exact_rate<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let raw: Option<Box<serde_json::value::RawValue>> = Option::deserialize(d)?;
    match raw {
        None => Ok(None),
        Some(r) if r.get() == "null" => Ok(None),
        Some(r) => r.get().parse::<f64>().map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "rate: `{}` is not a number",
                r.get().chars().take(40).collect::<String>()
            ))
        }),
    }
}

/// The run as a pretty JSON file.
pub fn export(t: &Timeline) -> String {
    let link = LabParams::of_run(t);
    let sim = t.sim();
    let faults: Vec<String> = link.setup.faults.iter().map(FaultSpec::text).collect();
    let report = Report::of(sim, &faults);
    let file = RunExport {
        format: FORMAT.into(),
        version: VERSION,
        scenario: crate::scenario::Scenario::link_name(&link.setup.scenario),
        wiring: link.setup.wiring,
        seed: link.setup.seed,
        rate: link.setup.rate,
        faults,
        subscribers: link.subscribers.clone(),
        steps: link.script.iter().map(|s| s.text()).collect(),
        until: moment_text(sim.now(), link.until_events),
        report: serde_json::to_value(report).ok(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Reads a saved run: the link that rebuilds it and the trace hash it recorded. Any
/// problem, however small, refuses the file, with a message saying what and where.
pub fn import(text: &str) -> Result<(LabParams, Option<String>), String> {
    let file: RunExport = serde_json::from_str(text).map_err(|e| format!("it is not a Fanout run file: {e}"))?;
    if file.format != FORMAT {
        return Err(format!("its format is `{}`, not {FORMAT}", file.format));
    }
    if file.version != VERSION {
        return Err(format!("it is version {}; this lab reads version {VERSION}", file.version));
    }
    let (until_us, until_events) = parse_moment(&file.until).map_err(|why| format!("until: {why}"))?;
    if until_us > MAX_UNTIL_S as u64 * SEC {
        return Err(format!("until: `{}` is past the longest run a page shows ({MAX_UNTIL_S} s)", file.until));
    }
    let mut pairs: Vec<(&str, String)> = vec![
        ("scenario", file.scenario.clone()),
        ("wiring", file.wiring.key().into()),
        ("seed", file.seed.to_string()),
    ];
    if let Some(r) = file.rate {
        pairs.push(("rate", r.to_string()));
    }
    pairs.extend(file.faults.iter().map(|f| ("fault", f.clone())));
    if let Some(list) = &file.subscribers {
        pairs.push(("subscribers", list.join(",")));
    }
    pairs.extend(file.steps.iter().map(|s| ("at", s.clone())));
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect();
    let (mut params, problems) = LabParams::parse(&query.join("&"));
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    params.until_us = Some(until_us);
    params.until_events = until_events;
    let hash = file.report.as_ref().and_then(|r| r.get("trace_hash")).and_then(|h| h.as_str()).map(String::from);
    Ok((params, hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parse_action;
    use crate::sim::Setup;

    #[test]
    fn a_saved_run_loads_back_to_the_same_moment_and_hash() {
        let mut t = Timeline::new(&Setup { seed: 9, ..Setup::default() }).unwrap();
        t.advance(3 * SEC, u64::MAX);
        t.apply(parse_action("inject:crash:email").unwrap()).unwrap();
        t.advance(8 * SEC, u64::MAX);
        let text = export(&t);
        assert!(text.contains("\"steps\": [\n    \"3s:inject:crash:email\"\n  ]"), "{text}");
        let (params, hash) = import(&text).unwrap();
        assert_eq!(hash.as_deref(), Some(t.sim().trace_hash_hex().as_str()));
        let (back, problems) = params.timeline().unwrap();
        assert!(problems.is_empty());
        assert_eq!(back.sim().trace_hash(), t.sim().trace_hash());
        assert_eq!(back.sim().now(), 8 * SEC);
    }

    #[test]
    fn a_long_rate_reads_back_exactly() {
        // serde_json's fast parser reads this one digit off (…264); the run would differ.
        let rate = 14.289013460433265;
        let t = Timeline::new(&Setup { rate: Some(rate), ..Setup::default() }).unwrap();
        let (params, _) = import(&export(&t)).unwrap();
        assert_eq!(params.setup.rate, Some(rate));
        let bad = export(&t).replace("14.289013460433265", "\"fast\"");
        assert!(import(&bad).unwrap_err().contains("rate"), "{bad}");
    }

    #[test]
    fn a_bad_file_is_refused_with_the_reason() {
        let good = export(&Timeline::new(&Setup::default()).unwrap());
        for (bad, why) in [
            ("not json", "not a Fanout run file"),
            ("{}", "missing field"),
            (&good.replace("fanout-run", "other"), "format is `other`"),
            (&good.replace("\"version\": 1", "\"version\": 2"), "version 2"),
            (&good.replace("\"seed\": 1", "\"seed\": 1, \"colour\": 2"), "unknown field `colour`"),
            (&good.replace("\"steps\": []", "\"steps\": [\"2s:melt\"]"), "at=\"2s:melt\""),
            (&good.replace("\"faults\": []", "\"faults\": [\"crash:billing\"]"), "billing"),
            (&good.replace("\"until\": \"0s\"", "\"until\": \"soon\""), "until"),
            (&good.replace("\"until\": \"0s\"", "\"until\": \"99999999s\""), "longest run"),
            (&good.replace("\"steps\": []", "\"steps\": [\"99999s:buy\"]"), "at most 3600 s"),
        ] {
            let e = import(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
