//! Alert rules and their states in words: "Email lag above 50 events for 10 s".

use fanout_sim::alerting::{Phase, Rule, Signal};
use fanout_sim::scenario::Scenario;
use fanout_sim::time::human;

/// What a rule watches, named: "Email lag", "Checkout error rate".
pub fn signal_name(signal: Signal, sc: &Scenario) -> String {
    let name = |i: u16| sc.catalog[i as usize].name.as_str();
    let req = crate::state::capitalise(&sc.request_noun);
    match signal {
        Signal::EntryErrors => format!("{req} error rate"),
        Signal::EntryP99 => format!("{req} p99 response time"),
        Signal::Lag { service } => format!("{} lag", name(service)),
        Signal::Errors { service } => format!("{} error rate", name(service)),
    }
}

/// A signal's value with its unit: "63 events", "12%", "2.4 s".
pub fn signal_value(signal: Signal, value: f64) -> String {
    match signal {
        Signal::EntryErrors | Signal::Errors { .. } => format!("{:.0}%", value * 100.0),
        Signal::EntryP99 => human((value * 1000.0).round() as u64),
        Signal::Lag { .. } => crate::words::count(value.round() as u64, "event"),
    }
}

/// The rule: "Email lag above 50 events for 10 s".
pub fn rule_text(rule: &Rule, sc: &Scenario) -> String {
    let threshold = signal_value(rule.signal, rule.threshold);
    let held =
        if rule.timing.for_us == 0 { "at once".to_string() } else { format!("for {}", span(rule.timing.for_us)) };
    format!("{} above {threshold} {held}", signal_name(rule.signal, sc))
}

/// A rule's duration: whole seconds as "10 s", anything else as [`human`] writes it.
pub fn span(us: u64) -> String {
    if us % 1_000_000 == 0 {
        format!("{} s", us / 1_000_000)
    } else {
        human(us)
    }
}

pub fn phase_text(phase: Phase) -> &'static str {
    match phase {
        Phase::Inactive => "inactive",
        Phase::Pending => "pending",
        Phase::Firing => "firing",
        Phase::Resolved => "resolved",
    }
}

/// A change of state, for the log.
pub fn change_text(rule: &Rule, to: Phase, sc: &Scenario) -> String {
    let r = rule_text(rule, sc);
    match to {
        Phase::Pending => format!("Alert pending: {r}. It has just crossed the line and must stay over it to fire"),
        Phase::Firing => format!("Alert firing: {r}"),
        Phase::Resolved => format!("Alert resolved: {r}. The condition no longer holds"),
        Phase::Inactive => format!("Alert back to inactive without firing: {r}. It did not hold long enough"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fanout_sim::alerting::default_rules;

    #[test]
    fn rules_read_as_the_issue_writes_them() {
        let sc = Scenario::checkout();
        let rules = default_rules(&sc);
        let lag = rules.iter().find(|r| r.key == "email-lag").unwrap();
        assert_eq!(rule_text(lag, &sc), "Email lag above 50 events for 10 s");
        assert_eq!(rule_text(&rules[0], &sc), "Checkout error rate above 5% for 5 s");
    }
}
