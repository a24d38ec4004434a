//! One alert rule in the alerts panel: its phase as a badge (an icon and a word, never colour
//! alone), the rule in words, its signal now against its line as a small gauge, how long it
//! has been in its phase, and the choice of its `for`.

use crate::alert_view::Gauge;
use crate::icons::icon;
use fanout_sim::alerting::Phase;
use fanout_sim::Micros;
use fanout_sim::SEC;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The `for` durations a student can pick: at once, then longer waits.
pub const FOR_CHOICES: [Micros; 4] = [0, 5 * SEC, 10 * SEC, 30 * SEC];

#[derive(Properties, PartialEq)]
pub struct AlertRowProps {
    /// The rule's key, e.g. `email-lag`: the row's test ids carry it.
    pub rule: AttrValue,
    /// The rule in words: "Email lag above 50 events for 10 s".
    pub text: AttrValue,
    /// What the rule watches, named: "Email lag".
    pub signal: AttrValue,
    pub phase: Phase,
    /// The signal now and its threshold, in words: "63 events", "50 events".
    pub value: AttrValue,
    pub threshold: AttrValue,
    pub gauge: Gauge,
    /// How long it has been in its phase, in words ("12.0 s"), when that means something.
    #[prop_or_default]
    pub held: Option<AttrValue>,
    pub for_us: Micros,
    /// How many times it has fired, and changed at all, in the history: for tests and tools.
    #[prop_or_default]
    pub fired: usize,
    #[prop_or_default]
    pub changes: usize,
    /// A new `for` was picked for this rule.
    pub on_set_for: Callback<(String, Micros)>,
}

/// A phase's icon: firing rings, pending waits, resolved is ticked off, inactive is silent.
pub fn phase_icon(phase: Phase) -> &'static str {
    match phase {
        Phase::Inactive => "bell-off",
        Phase::Pending => "clock",
        Phase::Firing => "bell-ring",
        Phase::Resolved => "resolved",
    }
}

#[component]
pub fn AlertRow(props: &AlertRowProps) -> Html {
    let phase = crate::alert_words::phase_text(props.phase);
    let key = props.rule.to_string();
    let onchange = {
        let (cb, key) = (props.on_set_for.clone(), key.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(us) = v.parse::<Micros>() {
                cb.emit((key.clone(), us));
            }
        })
    };
    // The choices, plus the rule's own `for` if a link set another one.
    let mut choices = FOR_CHOICES.to_vec();
    if !choices.contains(&props.for_us) {
        choices.push(props.for_us);
        choices.sort_unstable();
    }
    let g = props.gauge;
    let held = match (props.phase, &props.held) {
        (Phase::Pending, Some(h)) => format!(" \u{b7} pending for {h}"),
        (Phase::Firing, Some(h)) => format!(" \u{b7} firing for {h}"),
        (Phase::Resolved, Some(h)) => format!(" \u{b7} resolved {h} ago"),
        _ => String::new(),
    };
    html! {
        <li class={classes!("alert-row", format!("phase-{}", props.phase.key()))}
            data-testid={format!("alert-row-{key}")} data-phase={props.phase.key()}
            data-fired={props.fired.to_string()} data-changes={props.changes.to_string()}>
            <div class="alert-head">
                <span class={classes!("alert-badge", format!("phase-{}", props.phase.key()))}
                      data-testid={format!("alert-phase-{key}")}>
                    { icon(phase_icon(props.phase)) }<span>{ phase }</span>
                </span>
                <span class="alert-rule">{ props.text.clone() }</span>
            </div>
            // One line under the rule: the gauge, the numbers, and the `for` to pick.
            <div class="alert-foot">
                // The gauge says with a picture what the words beside it say: the bar is the
                // signal, the upright line its threshold.
                <svg class={classes!("alert-gauge", g.over.then_some("over"))} viewBox="0 0 100 10"
                     preserveAspectRatio="none" aria-hidden="true" focusable="false">
                    <rect class="gauge-track" x="0" y="1" width="100" height="8" rx="2" />
                    <rect class="gauge-value" x="0" y="1" width={format!("{:.1}", g.value * 100.0)} height="8" rx="2" />
                    <line class="gauge-line" x1={format!("{:.1}", g.line * 100.0)} x2={format!("{:.1}", g.line * 100.0)}
                          y1="0" y2="10" />
                </svg>
                <span class="alert-value" data-testid={format!("alert-value-{key}")}>
                    { format!("{} now (line {}){held}", props.value, props.threshold) }
                </span>
                <label class="alert-for">
                    <span>{ "for" }</span>
                    <select data-testid={format!("alert-for-{key}")}
                            aria-label={format!("{}: fire after the condition holds for", props.signal)} {onchange}>
                        { for choices.iter().map(|&us| html! {
                            <option value={us.to_string()} selected={us == props.for_us}>
                                { if us == 0 { "0 s".to_string() } else { crate::alert_words::span(us) } }
                            </option>
                        }) }
                    </select>
                </label>
            </div>
        </li>
    }
}
