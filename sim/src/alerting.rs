//! The alert rules of a run, evaluated at every sample as Prometheus evaluates its rules: each
//! rule's condition on a measure, its `for` and its keep-firing duration, its alert's state,
//! and every change of state, kept for the narration and the CLI's alert history.
//!
//! Every system gets the same kinds of rule: the entry request's error share and p99 duration,
//! and each downstream service's lag and error share. A rule's `for` can be changed during a
//! run (`Action::SetAlertFor`), which is how a lesson shows what `for` is for.

use crate::alert::{Alert, AlertState, Timing};
use crate::scenario::Scenario;
use crate::time::{Micros, SEC};

/// What a rule watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "signal", rename_all = "kebab-case")]
pub enum Signal {
    /// The entry request's errors, as a share of requests answered (0 to 1).
    EntryErrors,
    /// The entry request's p99 response time, in ms.
    EntryP99,
    /// A downstream service's lag, in events.
    Lag { service: u16 },
    /// A downstream service's errors, as a share of its work (0 to 1).
    Errors { service: u16 },
}

/// A rule: the alert fires when the signal is above `threshold` for `timing.for_us`.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// `entry-errors`, `entry-p99`, `email-lag`, `email-errors`: how links and scripts name it.
    pub key: String,
    pub signal: Signal,
    pub threshold: f64,
    pub timing: Timing,
}

/// Where an alert stands, without its times: what the narration and the page tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Inactive,
    Pending,
    Firing,
    Resolved,
}

impl Phase {
    pub fn of(state: AlertState) -> Phase {
        match state {
            AlertState::Inactive => Phase::Inactive,
            AlertState::Pending { .. } => Phase::Pending,
            AlertState::Firing { .. } => Phase::Firing,
            AlertState::Resolved { .. } => Phase::Resolved,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Phase::Inactive => "inactive",
            Phase::Pending => "pending",
            Phase::Firing => "firing",
            Phase::Resolved => "resolved",
        }
    }
}

/// One change of an alert's state.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Change {
    pub at_us: Micros,
    pub rule: u16,
    pub from: Phase,
    pub to: Phase,
    /// The signal's value when it changed.
    pub value: f64,
}

/// Changes kept for the history (the newest; older ones are counted).
pub const CHANGES_KEPT: usize = 500;

#[derive(Clone, Debug)]
pub(crate) struct Alerting {
    pub rules: Vec<Rule>,
    pub alerts: Vec<Alert>,
    /// Each rule's signal at the last evaluation.
    pub values: Vec<f64>,
    pub history: Vec<Change>,
    pub changes_total: u64,
    /// Times each rule's alert started firing: a count, since the history keeps only the newest.
    pub fired: Vec<u64>,
}

impl Alerting {
    pub fn new(scenario: &Scenario) -> Alerting {
        let rules = default_rules(scenario);
        let n = rules.len();
        Alerting {
            alerts: rules.iter().map(|r| Alert::new(r.timing)).collect(),
            values: vec![0.0; rules.len()],
            rules,
            history: Vec::new(),
            changes_total: 0,
            fired: vec![0; n],
        }
    }

    pub fn rule_index(&self, key: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.key == key)
    }

    /// Evaluates rule `k` with the signal's current `value` at `now`; returns its change.
    pub fn evaluate(&mut self, k: usize, value: f64, now: Micros) -> Option<Change> {
        self.values[k] = value;
        let holds = value > self.rules[k].threshold;
        let t = self.alerts[k].evaluate(holds, now)?;
        let change = Change { at_us: now, rule: k as u16, from: Phase::of(t.from), to: Phase::of(t.to), value };
        if self.history.len() == CHANGES_KEPT {
            self.history.remove(0);
        }
        self.history.push(change);
        self.changes_total += 1;
        self.fired[k] += (change.to == Phase::Firing) as u64;
        Some(change)
    }

    pub fn set_for(&mut self, k: usize, for_us: Micros) {
        self.rules[k].timing.for_us = for_us;
        self.alerts[k].timing.for_us = for_us;
    }
}

/// The rules every system starts with.
pub fn default_rules(scenario: &Scenario) -> Vec<Rule> {
    let timing = |for_s: u64, keep_s: u64| Timing { for_us: for_s * SEC, keep_firing_us: keep_s * SEC };
    let mut rules = vec![
        Rule { key: "entry-errors".into(), signal: Signal::EntryErrors, threshold: 0.05, timing: timing(5, 10) },
        Rule { key: "entry-p99".into(), signal: Signal::EntryP99, threshold: 2000.0, timing: timing(10, 0) },
    ];
    for (i, s) in scenario.catalog.iter().enumerate() {
        let service = i as u16;
        rules.push(Rule {
            key: format!("{}-lag", s.key),
            signal: Signal::Lag { service },
            threshold: 50.0,
            timing: timing(10, 0),
        });
        rules.push(Rule {
            key: format!("{}-errors", s.key),
            signal: Signal::Errors { service },
            threshold: 0.05,
            timing: timing(5, 10),
        });
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_gets_entry_rules_and_two_per_service() {
        let s = Scenario::checkout();
        let a = Alerting::new(&s);
        assert_eq!(a.rules.len(), 2 + 2 * s.catalog.len());
        assert!(a.rule_index("email-lag").is_some());
        assert_eq!(a.rules[a.rule_index("email-lag").unwrap()].threshold, 50.0);
    }

    /// "Email lag > 50 for 10 s" on a scripted lag curve: pending at the first sample above,
    /// firing 10 s later, resolved at the first sample back under.
    #[test]
    fn a_lag_rule_follows_a_scripted_curve() {
        let s = Scenario::checkout();
        let mut a = Alerting::new(&s);
        let k = a.rule_index("email-lag").unwrap();
        let curve = [(0, 0.0), (1, 60.0), (5, 80.0), (11, 90.0), (12, 40.0), (13, 70.0)];
        let changes: Vec<(u64, Phase)> =
            curve.iter().filter_map(|&(t, v)| a.evaluate(k, v, t * SEC)).map(|c| (c.at_us / SEC, c.to)).collect();
        assert_eq!(changes, [(1, Phase::Pending), (11, Phase::Firing), (12, Phase::Resolved), (13, Phase::Pending)]);
        assert_eq!(a.history.len(), 4);
    }

    /// With `for` 0 a noisy signal flaps; with 10 s it never fires on spikes shorter than that.
    #[test]
    fn a_for_duration_stops_an_alert_flapping() {
        let s = Scenario::checkout();
        let noisy: Vec<(u64, f64)> = (0..60).map(|t| (t, if t % 4 == 0 { 70.0 } else { 10.0 })).collect();
        let fired = |for_us: Micros| {
            let mut a = Alerting::new(&s);
            let k = a.rule_index("email-lag").unwrap();
            a.set_for(k, for_us);
            noisy.iter().filter_map(|&(t, v)| a.evaluate(k, v, t * SEC)).filter(|c| c.to == Phase::Firing).count()
        };
        assert_eq!(fired(0), 15);
        assert_eq!(fired(10 * SEC), 0);
    }
}
