//! What the alerts look like, decided once for the alerts panel, the stage's bells and the
//! scene summary: which rules matter now, which node an alert belongs to, how far its signal
//! is from its line, and how long it has been in its phase. Plain functions of the run, so
//! that the components and the stage only draw what these say (and native tests pin it).

use fanout_sim::alert::AlertState;
use fanout_sim::alerting::{Phase, Rule, Signal};
use fanout_sim::{Micros, Node, Sim};

/// One rule and its alert, as the page shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertRow {
    /// The rule's place in `Sim::alerts`, which `Change::rule` points at.
    pub index: usize,
    pub rule: Rule,
    pub state: AlertState,
    pub phase: Phase,
    /// The signal at the last evaluation.
    pub value: f64,
    /// The entry's rules, and the rules of the services wired in: the rest are folded away.
    pub matters: bool,
}

/// Every rule of the run with its alert, in the core's order.
pub fn rows(sim: &Sim) -> Vec<AlertRow> {
    sim.alerts()
        .into_iter()
        .enumerate()
        .map(|(index, a)| AlertRow {
            index,
            rule: a.rule.clone(),
            state: a.state,
            phase: a.phase,
            value: a.value,
            matters: matters(a.rule.signal, sim.wired()),
        })
        .collect()
}

/// Whether a rule matters now: the entry request's always, a service's while it is wired in.
pub fn matters(signal: Signal, wired: &[u16]) -> bool {
    match signal {
        Signal::EntryErrors | Signal::EntryP99 => true,
        Signal::Lag { service } | Signal::Errors { service } => wired.contains(&service),
    }
}

/// The node an alert belongs to on the stage: the entry request's rules sit on the service
/// that answers it (the Order Service), a service's rules on that service.
pub fn node_of(signal: Signal) -> Node {
    match signal {
        Signal::EntryErrors | Signal::EntryP99 => Node::Orders,
        Signal::Lag { service } | Signal::Errors { service } => Node::Service(service),
    }
}

/// How long an alert has been in its phase at `now`: pending or firing since, resolved
/// since; `None` while inactive (nothing to time).
pub fn in_phase_for(state: AlertState, now: Micros) -> Option<Micros> {
    match state {
        AlertState::Inactive => None,
        AlertState::Pending { since } | AlertState::Firing { since, .. } => Some(now.saturating_sub(since)),
        AlertState::Resolved { at } => Some(now.saturating_sub(at)),
    }
}

/// Firing and pending alerts among the rules that matter, for the summary line.
pub fn counts(rows: &[AlertRow]) -> (usize, usize) {
    let n = |p: Phase| rows.iter().filter(|r| r.matters && r.phase == p).count();
    (n(Phase::Firing), n(Phase::Pending))
}

/// Where a signal and its threshold sit on a gauge, as shares of its width: the threshold
/// always at two thirds, so that every row's line is in the same place and a bar past it
/// reads at a glance; a value beyond the end fills the gauge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gauge {
    pub value: f64,
    pub line: f64,
    /// The value is above the threshold.
    pub over: bool,
}

pub const GAUGE_LINE: f64 = 2.0 / 3.0;

pub fn gauge(value: f64, threshold: f64) -> Gauge {
    let full = if threshold > 0.0 { threshold / GAUGE_LINE } else { 1.0 };
    let share = if value.is_finite() { (value / full).clamp(0.0, 1.0) } else { 0.0 };
    Gauge { value: share, line: GAUGE_LINE, over: value > threshold }
}

/// A bell on the stage: the alerts of one node that are pending or firing, and the most
/// urgent phase among them (firing over pending).
#[derive(Clone, Debug, PartialEq)]
pub struct Bell {
    pub node: Node,
    pub phase: Phase,
    /// The rules' keys, in the core's order.
    pub rules: Vec<String>,
}

/// The bells to draw: one per node with an alert pending or firing, among the rules that
/// matter, in the order the nodes first appear among the rules.
pub fn bells(rows: &[AlertRow]) -> Vec<Bell> {
    let mut out: Vec<Bell> = Vec::new();
    for r in rows.iter().filter(|r| r.matters && matches!(r.phase, Phase::Pending | Phase::Firing)) {
        let node = node_of(r.rule.signal);
        match out.iter_mut().find(|b| b.node == node) {
            Some(b) => {
                if r.phase == Phase::Firing {
                    b.phase = Phase::Firing;
                }
                b.rules.push(r.rule.key.clone());
            }
            None => out.push(Bell { node, phase: r.phase, rules: vec![r.rule.key.clone()] }),
        }
    }
    out
}

/// A bell in words, as its node's marker says it: "lag alert firing", "2 alerts pending".
pub fn bell_text(bell: &Bell, rows: &[AlertRow]) -> String {
    let phase = crate::alert_words::phase_text(bell.phase);
    match bell.rules.as_slice() {
        [one] => {
            let what = rows.iter().find(|r| &r.rule.key == one).map_or("", |r| match r.rule.signal {
                Signal::EntryErrors | Signal::Errors { .. } => "error ",
                Signal::EntryP99 => "p99 ",
                Signal::Lag { .. } => "lag ",
            });
            format!("{what}alert {phase}")
        }
        many => format!("{} alerts, {phase}", many.len()),
    }
}

/// The firing alerts in one sentence for the scene summary, or nothing when none fires:
/// "Alerts firing: Email lag above 50 events for 10 s (now 63 events)."
pub fn firing_sentence(sim: &Sim, rows: &[AlertRow]) -> Option<String> {
    let sc = sim.scenario();
    let firing: Vec<String> = rows
        .iter()
        .filter(|r| r.matters && r.phase == Phase::Firing)
        .map(|r| {
            format!(
                "{} (now {})",
                crate::alert_words::rule_text(&r.rule, sc),
                crate::alert_words::signal_value(r.rule.signal, r.value)
            )
        })
        .collect();
    match firing.len() {
        0 => None,
        1 => Some(format!("Alert firing: {}.", firing[0])),
        _ => Some(format!("Alerts firing: {}.", firing.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fanout_sim::{FaultSpec, Setup, Wiring, SEC};

    fn run(wiring: Wiring, faults: &[&str], seconds: u64) -> Sim {
        let faults = faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect();
        let mut sim =
            Sim::from_setup(&Setup { seed: 11, wiring, rate: Some(5.0), faults, ..Setup::default() }).unwrap();
        sim.run_until(seconds * SEC);
        sim
    }

    fn row<'a>(rows: &'a [AlertRow], key: &str) -> &'a AlertRow {
        rows.iter().find(|r| r.rule.key == key).unwrap()
    }

    #[test]
    fn a_crashed_subscriber_rings_its_own_bell_and_nothing_else_event_driven() {
        let sim = run(Wiring::Event, &["crash:email:5s-"], 40);
        let rows = rows(&sim);
        assert_eq!(row(&rows, "email-lag").phase, Phase::Firing);
        assert_eq!(row(&rows, "email-errors").phase, Phase::Inactive);
        let bells = bells(&rows);
        let email = sim.scenario().catalog.iter().position(|s| s.key == "email").unwrap() as u16;
        assert_eq!(bells, [Bell { node: Node::Service(email), phase: Phase::Firing, rules: vec!["email-lag".into()] }]);
        assert_eq!(bell_text(&bells[0], &rows), "lag alert firing");
        assert_eq!(counts(&rows), (1, 0));
        let sentence = firing_sentence(&sim, &rows).unwrap();
        assert!(sentence.starts_with("Alert firing: Email lag above 50 events for 10 s (now "), "{sentence}");
        let held = in_phase_for(row(&rows, "email-lag").state, sim.now()).unwrap();
        assert!(held > 0 && held < 30 * SEC, "{held}");
    }

    #[test]
    fn request_driven_the_same_crash_rings_the_order_services_bell() {
        let sim = run(Wiring::Request, &["crash:email:5s-"], 30);
        let rows = rows(&sim);
        assert_eq!(row(&rows, "entry-errors").phase, Phase::Firing);
        let bells = bells(&rows);
        assert!(bells.iter().any(|b| b.node == Node::Orders && b.phase == Phase::Firing), "{bells:?}");
    }

    #[test]
    fn a_quiet_run_has_no_bells_and_no_sentence() {
        let sim = run(Wiring::Event, &[], 15);
        let rows = rows(&sim);
        assert!(bells(&rows).is_empty());
        assert_eq!(firing_sentence(&sim, &rows), None);
        assert_eq!(counts(&rows), (0, 0));
        assert_eq!(in_phase_for(AlertState::Inactive, sim.now()), None);
    }

    /// Email failing about as often as its line allows: its error share wanders across 5%.
    /// Without a `for` the alert fires on every crossing; waiting 10 s it fires less.
    #[test]
    fn a_noisy_error_rule_fires_more_often_without_a_for() {
        let fired = |for_us: Micros| {
            let faults = vec![FaultSpec::parse("errors:email:0.06").unwrap()];
            let setup = Setup { seed: 11, wiring: Wiring::Event, rate: Some(5.0), faults, ..Setup::default() };
            let mut sim = Sim::from_setup(&setup).unwrap();
            sim.apply(fanout_sim::Action::SetAlertFor { rule: "email-errors".into(), for_us }).unwrap();
            sim.run_until(60 * SEC);
            let rows = rows(&sim);
            let k = row(&rows, "email-errors").index;
            (sim.alert_fired(k) as usize, sim.alert_history().iter().filter(|c| c.rule as usize == k).count())
        };
        let (at_once, at_once_changes) = fired(0);
        let (waiting, waiting_changes) = fired(10 * SEC);
        eprintln!(
            "for 0: fired {at_once} ({at_once_changes} changes); for 10 s: fired {waiting} ({waiting_changes} changes)"
        );
        assert!(at_once > waiting, "for 0 fired {at_once}, for 10 s {waiting}");
    }

    #[test]
    fn rules_of_services_not_wired_in_are_folded() {
        let wired = [0u16, 2];
        assert!(matters(Signal::EntryP99, &wired));
        assert!(matters(Signal::Lag { service: 2 }, &wired));
        assert!(!matters(Signal::Errors { service: 1 }, &wired));
    }

    #[test]
    fn the_gauge_puts_the_line_at_two_thirds_and_fills_past_it() {
        let g = gauge(25.0, 50.0);
        assert!((g.value - 1.0 / 3.0).abs() < 1e-9 && !g.over);
        assert_eq!(gauge(500.0, 50.0).value, 1.0);
        assert!(gauge(60.0, 50.0).over);
        assert_eq!(gauge(f64::NAN, 50.0).value, 0.0);
        assert_eq!(gauge(0.0, 0.05).line, GAUGE_LINE);
    }
}
