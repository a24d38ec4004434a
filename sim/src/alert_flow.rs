//! The engine's side of alerting: each rule's signal read from the run's measures at every
//! sample, the changes narrated, and the views of the rules and their history.

use crate::alert::AlertState;
use crate::alerting::{Change, Phase, Rule, Signal};
use crate::narration::NoteKind;
use crate::sim::Sim;
use crate::time::{as_ms, Micros};

/// A rule as the page and the report show it.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertView<'a> {
    pub rule: &'a Rule,
    pub state: AlertState,
    pub phase: Phase,
    /// The signal at the last evaluation.
    pub value: f64,
}

impl Sim {
    /// The signal a rule watches, now.
    fn signal(&self, signal: Signal) -> f64 {
        match signal {
            Signal::EntryErrors => self.flows.red.series.last().map_or(0.0, |p| p.error_share),
            Signal::EntryP99 => self.flows.red.series.last().and_then(|p| p.p99_us).map_or(0.0, as_ms),
            Signal::Lag { service } => self.broker.subs[service as usize].lag() as f64,
            Signal::Errors { service } => {
                self.work.services[service as usize].red.series.last().map_or(0.0, |p| p.error_share)
            }
        }
    }

    /// Evaluates every rule, after the sample's measures are taken.
    pub(crate) fn evaluate_alerts(&mut self) {
        let now = self.now;
        for k in 0..self.alerting.rules.len() {
            let value = self.signal(self.alerting.rules[k].signal);
            if let Some(Change { rule, to, .. }) = self.alerting.evaluate(k, value, now) {
                let for_us = self.alerting.rules[k].timing.for_us;
                self.note(0, NoteKind::Alert { rule, to, for_us });
            }
        }
    }

    pub(crate) fn set_alert_for(&mut self, k: usize, for_us: Micros) {
        self.alerting.set_for(k, for_us);
        self.note(0, NoteKind::AlertForChanged { rule: k as u16, for_us });
    }

    pub(crate) fn alert_rule(&self, key: &str) -> Result<usize, String> {
        self.alerting.rule_index(key).ok_or_else(|| {
            let keys: Vec<&str> = self.alerting.rules.iter().map(|r| r.key.as_str()).collect();
            format!("unknown alert rule `{key}`; this system has: {}", keys.join(", "))
        })
    }

    /// Every rule with its alert's state.
    pub fn alerts(&self) -> Vec<AlertView<'_>> {
        let a = &self.alerting;
        (0..a.rules.len())
            .map(|k| AlertView {
                rule: &a.rules[k],
                state: a.alerts[k].state,
                phase: Phase::of(a.alerts[k].state),
                value: a.values[k],
            })
            .collect()
    }

    /// Times the alert of rule `k` (its place in [`alerts`](Self::alerts)) started firing.
    pub fn alert_fired(&self, k: usize) -> u64 {
        self.alerting.fired[k]
    }

    /// Every change of every alert so far (the newest, if there were very many).
    pub fn alert_history(&self) -> &[Change] {
        &self.alerting.history
    }

    /// The entry request's rate, errors and durations over time.
    pub fn entry_red(&self) -> &crate::red::Red {
        &self.flows.red
    }

    /// A downstream service's rate, errors and durations over time.
    pub fn service_red(&self, service: u16) -> &crate::red::Red {
        &self.work.services[service as usize].red
    }
}
