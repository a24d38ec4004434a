//! Alert rules as Prometheus evaluates them: a condition on a measure, a `for` duration it must
//! hold before the alert fires, and a `keep_firing_for` duration it keeps firing after the
//! condition clears, which is what stops an alert flapping. An alert moves inactive → pending
//! → firing → resolved; a pending alert whose condition clears goes back to inactive without
//! ever firing.
//!
//! This module is the state machine alone, fed a yes or no at each evaluation; the engine's
//! metrics decide what holds (the first piece of issue 18, not yet used by the engine).

use crate::time::Micros;

/// Where an alert stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertState {
    /// The condition does not hold (or never did).
    Inactive,
    /// The condition has held since `since`, for less than the rule's `for`.
    Pending { since: Micros },
    /// Firing since `since`; `cleared` is when the condition stopped holding, while the alert
    /// keeps firing for the rule's `keep_firing_for`.
    Firing { since: Micros, cleared: Option<Micros> },
    /// It fired and stopped at `at`; the next time the condition holds, it is pending again.
    Resolved { at: Micros },
}

impl AlertState {
    pub fn is_firing(self) -> bool {
        matches!(self, AlertState::Firing { .. })
    }
}

/// The durations of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// How long the condition must hold before the alert fires (0: at once).
    pub for_us: Micros,
    /// How long it keeps firing after the condition clears (0: it resolves at once).
    pub keep_firing_us: Micros,
}

/// A change of state, as the narration tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub from: AlertState,
    pub to: AlertState,
    pub at: Micros,
}

/// One alert's state over time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub timing: Timing,
    pub state: AlertState,
}

impl Alert {
    pub fn new(timing: Timing) -> Alert {
        Alert { timing, state: AlertState::Inactive }
    }

    /// One evaluation at `now`: whether the condition holds. Returns the change of state, if
    /// any. A `for` of 0 fires on the first evaluation that holds, as Prometheus does.
    pub fn evaluate(&mut self, holds: bool, now: Micros) -> Option<Transition> {
        use AlertState::*;
        let t = self.timing;
        let next = match (self.state, holds) {
            (Inactive | Resolved { .. }, true) if t.for_us == 0 => Firing { since: now, cleared: None },
            (Inactive | Resolved { .. }, true) => Pending { since: now },
            (Pending { since }, true) if now - since >= t.for_us => Firing { since: now, cleared: None },
            (Pending { .. }, false) => Inactive,
            (Firing { since, cleared: Some(_) }, true) => Firing { since, cleared: None },
            (Firing { since, cleared: None }, false) if t.keep_firing_us > 0 => Firing { since, cleared: Some(now) },
            (Firing { cleared: None, .. }, false) => Resolved { at: now },
            (Firing { cleared: Some(c), .. }, false) if now - c >= t.keep_firing_us => Resolved { at: now },
            (state, _) => state,
        };
        let from = self.state;
        self.state = next;
        (from != next && !matches!((from, next), (Firing { .. }, Firing { .. }))).then_some(Transition {
            from,
            to: next,
            at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SEC;
    use AlertState::*;

    /// Feeds a lag curve sampled every second to a rule "lag > 50 for `for_s` s, keep firing
    /// `keep_s` s" and returns each change of state, as (second, state kind).
    fn run(lags: &[u64], for_s: u64, keep_s: u64) -> Vec<(u64, &'static str)> {
        let mut a = Alert::new(Timing { for_us: for_s * SEC, keep_firing_us: keep_s * SEC });
        let kind = |s: AlertState| match s {
            Inactive => "inactive",
            Pending { .. } => "pending",
            Firing { .. } => "firing",
            Resolved { .. } => "resolved",
        };
        lags.iter()
            .enumerate()
            .filter_map(|(k, &lag)| a.evaluate(lag > 50, k as u64 * SEC).map(|t| (k as u64, kind(t.to))))
            .collect()
    }

    #[test]
    fn a_condition_that_holds_long_enough_fires_then_resolves() {
        // Lag climbs past 50 at 2 s and falls back at 20 s.
        let mut lags = vec![0, 20, 60, 80];
        lags.extend(std::iter::repeat(120).take(16));
        lags.extend([40, 10, 0]);
        assert_eq!(run(&lags, 10, 0), [(2, "pending"), (12, "firing"), (20, "resolved")]);
    }

    #[test]
    fn a_blip_shorter_than_for_never_fires() {
        let lags = [0, 60, 70, 60, 10, 0, 55, 0];
        assert_eq!(run(&lags, 10, 0), [(1, "pending"), (4, "inactive"), (6, "pending"), (7, "inactive")]);
        // Without a `for`, the same blips fire and resolve each time: a flapping alert.
        assert_eq!(run(&lags, 0, 0), [(1, "firing"), (4, "resolved"), (6, "firing"), (7, "resolved")]);
    }

    #[test]
    fn keep_firing_for_rides_out_a_dip_and_resolves_only_after_it() {
        // Above, a two-second dip, above again, then down for good at 10 s.
        let lags = [60, 60, 60, 10, 10, 60, 60, 60, 60, 60, 0, 0, 0, 0, 0, 0];
        assert_eq!(run(&lags, 2, 3), [(0, "pending"), (2, "firing"), (13, "resolved")]);
        // Without it, the dip resolves the alert and it must wait out its `for` again.
        assert_eq!(
            run(&lags, 2, 0),
            [(0, "pending"), (2, "firing"), (3, "resolved"), (5, "pending"), (7, "firing"), (10, "resolved")]
        );
    }

    #[test]
    fn a_resolved_alert_is_pending_again_when_the_condition_returns() {
        let mut a = Alert::new(Timing { for_us: SEC, keep_firing_us: 0 });
        a.evaluate(true, 0);
        a.evaluate(true, SEC);
        assert!(a.state.is_firing());
        assert_eq!(a.evaluate(false, 2 * SEC).unwrap().to, Resolved { at: 2 * SEC });
        assert_eq!(a.evaluate(true, 3 * SEC).unwrap().to, Pending { since: 3 * SEC });
        assert_eq!(a.evaluate(true, 3 * SEC + 1), None, "still pending, no change");
    }
}
