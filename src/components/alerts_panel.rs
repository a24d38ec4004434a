//! The alerts: a line that counts what is firing and pending, one row per rule that matters
//! now (the entry request's, and those of the services wired in; the others folded away),
//! the history of their changes, newest first, and the service health table they watch.
//! Which rules matter, their gauges and their times are decided in `alert_view`.

use crate::alert_view::{self, AlertRow as Row};
use crate::alert_words;
use crate::components::alert_row::{phase_icon, AlertRow};
use crate::components::red_table::RedTable;
use crate::engine::EngineHandle;
use crate::icons::icon;
use fanout_sim::time::{as_secs, human};
use fanout_sim::{Action, Micros};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AlertsPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

/// Changes shown in the history, newest first.
const HISTORY_SHOWN: usize = 20;

/// The summary line: "1 firing, 2 pending", or that all is quiet.
pub fn summary_text(firing: usize, pending: usize) -> String {
    match (firing, pending) {
        (0, 0) => "No alert firing or pending.".into(),
        (f, 0) => format!("{f} firing."),
        (0, p) => format!("{p} pending."),
        (f, p) => format!("{f} firing, {p} pending."),
    }
}

/// Rows in order of urgency (firing, pending, resolved, inactive), each group in rule order.
fn by_urgency<'a>(rows: impl Iterator<Item = &'a Row>) -> Vec<&'a Row> {
    use fanout_sim::alerting::Phase;
    let rank = |p: Phase| match p {
        Phase::Firing => 0,
        Phase::Pending => 1,
        Phase::Resolved => 2,
        Phase::Inactive => 3,
    };
    let mut v: Vec<&Row> = rows.collect();
    v.sort_by_key(|r| rank(r.phase));
    v
}

#[component]
pub fn AlertsPanel(props: &AlertsPanelProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let sc = sim.scenario();
    let now = sim.now();
    let rows = alert_view::rows(sim);
    let (firing, pending) = alert_view::counts(&rows);
    let on_set_for = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |(rule, for_us): (String, Micros)| {
            on_changed.emit(engine.apply(Action::SetAlertFor { rule, for_us }))
        })
    };
    let history = sim.alert_history();
    let row = |r: &Row| {
        let signal = r.rule.signal;
        html! {
            <AlertRow key={r.rule.key.clone()} rule={r.rule.key.clone()} text={alert_words::rule_text(&r.rule, sc)}
                      signal={alert_words::signal_name(signal, sc)} phase={r.phase}
                      value={alert_words::signal_value(signal, r.value)}
                      threshold={alert_words::signal_value(signal, r.rule.threshold)}
                      gauge={alert_view::gauge(r.value, r.rule.threshold)}
                      held={alert_view::in_phase_for(r.state, now).map(|us| AttrValue::from(human(us)))}
                      for_us={r.rule.timing.for_us} on_set_for={on_set_for.clone()}
                      fired={sim.alert_fired(r.index) as usize}
                      changes={history.iter().filter(|c| c.rule as usize == r.index).count()} />
        }
    };
    let folded: Vec<&Row> = rows.iter().filter(|r| !r.matters).collect();
    let changes = history.iter().rev().take(HISTORY_SHOWN).map(|c| {
        let rule = &rows[c.rule as usize].rule;
        html! {
            <li class={classes!(format!("phase-{}", c.to.key()))}>
                <span class="log-time">{ format!("{:.1} s", as_secs(c.at_us)) }</span>
                <span class="alert-change">
                    <span class="alert-change-rule">{ alert_words::signal_name(rule.signal, sc) }</span>
                    { format!(" {} \u{2192} ", alert_words::phase_text(c.from)) }
                    <span class={classes!("alert-change-to", format!("phase-{}", c.to.key()))}>
                        { icon(phase_icon(c.to)) }{ alert_words::phase_text(c.to) }
                    </span>
                    <span class="alert-change-value">{ format!(" at {}", alert_words::signal_value(rule.signal, c.value)) }</span>
                </span>
            </li>
        }
    });
    let summary_class = if firing > 0 {
        "phase-firing"
    } else if pending > 0 {
        "phase-pending"
    } else {
        "phase-inactive"
    };
    let summary_icon = if firing > 0 {
        "bell-ring"
    } else if pending > 0 {
        "clock"
    } else {
        "bell-off"
    };
    html! {
        <section class="alerts-panel" aria-labelledby="alerts-title" data-testid="alerts-panel"
                 data-firing={firing.to_string()} data-pending={pending.to_string()}>
            <h2 id="alerts-title">{ "Alerts" }</h2>
            <p class={classes!("alerts-summary", summary_class)} data-testid="alerts-summary">
                { icon(summary_icon) }<span>{ summary_text(firing, pending) }</span>
            </p>
            <ul class="alert-rows" aria-label="Alert rules for what is wired in">
                // What is firing, then pending, then just resolved, comes first: a student sees
                // it without reading down a list of quiet rules.
                { for by_urgency(rows.iter().filter(|r| r.matters)).into_iter().map(row) }
            </ul>
            if !folded.is_empty() {
                <details class="alerts-more" data-testid="alerts-folded">
                    <summary>{ format!("Rules of services not wired in ({})", folded.len()) }</summary>
                    <ul class="alert-rows">{ for folded.into_iter().map(row) }</ul>
                </details>
            }
            <h3 id="alert-history-title">{ "Changes, newest first" }</h3>
            if history.is_empty() {
                <p class="alerts-none" data-testid="alert-history" data-count="0">{ "No alert has changed yet." }</p>
            } else {
                <ol class="alert-history" data-testid="alert-history" data-count={sim.alert_history().len().to_string()}
                    aria-labelledby="alert-history-title" tabindex="0">
                    { for changes }
                </ol>
            }
            <h3>{ "Service health" }</h3>
            <RedTable engine={props.engine.clone()} tick={props.tick} />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_firing_then_pending() {
        assert_eq!(summary_text(0, 0), "No alert firing or pending.");
        assert_eq!(summary_text(1, 2), "1 firing, 2 pending.");
        assert_eq!(summary_text(0, 1), "1 pending.");
    }
}
