//! The summary of a run that the CLI prints and the page's determinism test compares.

use crate::metrics::Percentiles;
use crate::sim::{Headline, Sim};
use crate::time::{as_ms, Micros};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct SubscriberReport {
    pub key: String,
    pub name: String,
    /// Events processed (event-driven).
    pub processed: u64,
    /// Work finished successfully: calls (request-driven) and events alike.
    pub handled: u64,
    pub lag: u64,
    pub delay_p95_ms: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub scenario: String,
    pub wiring: String,
    pub seed: u64,
    pub duration_s: f64,
    pub rate: f64,
    pub faults: Vec<String>,
    /// Stable 64-bit hash of the whole trace, as 16 hex digits.
    pub trace_hash: String,
    pub checkouts: Headline,
    pub response_ms: MsPercentiles,
    pub subscribers: Vec<SubscriberReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MsPercentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

impl MsPercentiles {
    pub fn of(p: &Percentiles) -> Self {
        MsPercentiles { p50: as_ms(p.p50_us), p95: as_ms(p.p95_us), p99: as_ms(p.p99_us) }
    }
}

impl Report {
    /// Summarises `sim` as it stands; response times cover the whole run.
    pub fn of(sim: &Sim, fault_specs: &[String]) -> Report {
        let headline = sim.headline();
        let all = sim.response_between(0, sim.now());
        let subscribers = sim
            .wired()
            .iter()
            .map(|&i| {
                let spec = &sim.scenario().catalog[i as usize];
                let sub = sim.subscription(i);
                let p95 = Percentiles::of(sub.delays.iter().copied().collect::<Vec<Micros>>()).p95_us;
                SubscriberReport {
                    key: spec.key.clone(),
                    name: spec.name.clone(),
                    processed: sub.processed,
                    handled: sim.service_view(i).processed,
                    lag: sub.lag(),
                    delay_p95_ms: as_ms(p95),
                }
            })
            .collect();
        Report {
            scenario: sim.scenario().id.clone(),
            wiring: sim.wiring().key().into(),
            seed: sim.seed(),
            duration_s: crate::time::as_secs(sim.now()),
            rate: sim.rate(),
            faults: fault_specs.to_vec(),
            trace_hash: sim.trace_hash_hex(),
            response_ms: MsPercentiles::of(&all),
            checkouts: headline,
            subscribers,
        }
    }
}
