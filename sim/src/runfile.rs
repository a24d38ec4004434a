//! A run file: a whole run of `fanout-sim` written down as JSON, so that a lesson can be
//! kept, shared and replayed with `fanout-sim --file PATH`.
//!
//! ```json
//! { "version": 1, "scenario": "checkout", "wiring": "event", "seed": 7, "rate": 5,
//!   "duration_s": 60, "partitions": 8, "key": "order",
//!   "faults": ["drop:email:0.2", "poison:payment:5:2s-"],
//!   "inputs": [ {"at_us": 1000000, "action": "set-idempotent", "service": "payment", "on": true},
//!               {"at_us": 0, "action": "set-sync", "service": "inventory", "on": true} ] }
//! ```
//!
//! Only `version` is required; a flag given alongside the file overrides its value (`--fault`
//! adds to its faults). Faults are spec strings as `--fault` takes them; inputs are
//! [`fanout_sim::Input`]s, scheduled at their moment.

use fanout_sim::{Input, Wiring};
use serde::Deserialize;

/// The version of the format this program reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunFile {
    pub version: u32,
    pub scenario: Option<String>,
    pub wiring: Option<Wiring>,
    pub seed: Option<u64>,
    #[serde(default, deserialize_with = "fanout_sim::export::exact_rate")]
    pub rate: Option<f64>,
    pub duration_s: Option<f64>,
    /// Partitions of the topic at the start (a topic's partitions can be added, never removed).
    pub partitions: Option<u16>,
    /// `order`, `user` or `none`, as `--key` takes it.
    pub key: Option<String>,
    #[serde(default)]
    pub faults: Vec<String>,
    #[serde(default)]
    pub inputs: Vec<Input>,
}

impl RunFile {
    /// Parses a file's text; the error says what is wrong, with the line and column of a
    /// JSON problem (the caller names the file).
    pub fn parse(text: &str) -> Result<RunFile, String> {
        let file: RunFile = serde_json::from_str(text).map_err(|e| match fanout_sim::text::json_error(&e) {
            (Some(at), what) => format!("{at}: {what}"),
            (None, what) => what,
        })?;
        if file.version != VERSION {
            return Err(format!("version {} is not supported; this fanout-sim reads version {VERSION}", file.version));
        }
        Ok(file)
    }
}
