//! The alerts and the RED figures of a run, as the CLI's report prints them.

use crate::alerting::Phase;
use crate::red::RedPoint;
use crate::sim::Sim;
use crate::time::{as_ms, as_secs};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct RuleReport {
    /// `email-lag`.
    pub rule: String,
    /// The signal, its threshold and durations, as data.
    #[serde(flatten)]
    pub signal: crate::alerting::Signal,
    pub threshold: f64,
    pub for_s: f64,
    pub keep_firing_s: f64,
    /// Where it stands at the end.
    pub phase: Phase,
    /// The signal at the last evaluation.
    pub value: f64,
    /// Times it started firing.
    pub fired: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChangeReport {
    pub at_s: f64,
    pub rule: String,
    pub from: Phase,
    pub to: Phase,
    pub value: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct AlertsReport {
    pub rules: Vec<RuleReport>,
    /// Every change of state, oldest first (the newest 500 in a very long run).
    pub history: Vec<ChangeReport>,
}

/// Rate, errors and duration of one service over the last 10 s of the run.
#[derive(Clone, Debug, Serialize)]
pub struct RedReport {
    /// `entry` for the shopper's requests, else the service's key.
    pub service: String,
    pub rate_per_s: f64,
    pub errors_per_s: f64,
    pub error_share: f64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

impl RedReport {
    fn of(service: String, p: RedPoint) -> RedReport {
        RedReport {
            service,
            rate_per_s: p.rate,
            errors_per_s: p.errors,
            error_share: p.error_share,
            p50_ms: p.p50_us.map(as_ms),
            p95_ms: p.p95_us.map(as_ms),
            p99_ms: p.p99_us.map(as_ms),
        }
    }

    /// The entry request first, then every catalog service.
    pub fn all(sim: &Sim) -> Vec<RedReport> {
        let now = sim.now();
        let mut out = vec![RedReport::of("entry".into(), sim.entry_red().at(now))];
        for (i, s) in sim.scenario().catalog.iter().enumerate() {
            out.push(RedReport::of(s.key.clone(), sim.service_red(i as u16).at(now)));
        }
        out
    }
}

impl AlertsReport {
    pub fn of(sim: &Sim) -> AlertsReport {
        let history = sim.alert_history();
        let alerts = sim.alerts();
        let rules = alerts
            .iter()
            .enumerate()
            .map(|(k, a)| RuleReport {
                rule: a.rule.key.clone(),
                signal: a.rule.signal,
                threshold: a.rule.threshold,
                for_s: as_secs(a.rule.timing.for_us),
                keep_firing_s: as_secs(a.rule.timing.keep_firing_us),
                phase: a.phase,
                value: a.value,
                fired: sim.alert_fired(k),
            })
            .collect();
        let history = history
            .iter()
            .map(|c| ChangeReport {
                at_s: as_secs(c.at_us),
                rule: alerts[c.rule as usize].rule.key.clone(),
                from: c.from,
                to: c.to,
                value: c.value,
            })
            .collect();
        AlertsReport { rules, history }
    }
}
