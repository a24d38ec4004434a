//! Delivery faults on one subscriber's wire, or on every wire of the broker: drop, duplicate
//! (lost acknowledgements), delay; for a subscriber also crash-before-ack and poison.
//! Each share is a percentage with its own Apply button; 0 clears the fault.

use crate::components::fault_menu::{parse_percent, parse_slow_ms};
use crate::engine::EngineHandle;
use crate::state::capitalise;
use crate::words::Words;
use fanout_sim::fault::Fault;
use fanout_sim::topic::EventKind;
use fanout_sim::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WireFaultsProps {
    pub engine: EngineHandle,
    /// The subscriber's key; `None` for the broker (every wire at once).
    #[prop_or_default]
    pub service: Option<AttrValue>,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

/// A share as the percentage a field shows: `20`, `12.5`.
pub fn percent_text(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

/// The core's refusal as a sentence.
pub fn sentence(why: &str) -> String {
    crate::state::capitalise(why)
}

/// Applies an action; a refusal is shown at the field `field` and reported as a notice.
/// True if the core accepted it.
pub fn apply_at(
    engine: &EngineHandle,
    on_changed: &Callback<Result<(), String>>,
    problem: &UseStateHandle<Option<(&'static str, String)>>,
    field: &'static str,
    action: Action,
) -> bool {
    let r = engine.apply(action);
    let ok = r.is_ok();
    match &r {
        Ok(()) => problem.set(None),
        Err(why) => problem.set(Some((field, sentence(why)))),
    }
    on_changed.emit(r);
    ok
}

fn text_input(s: &UseStateHandle<String>) -> Callback<InputEvent> {
    let s = s.clone();
    Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value()))
}

/// One labelled number field with its error message under it.
#[allow(clippy::too_many_arguments)]
fn number_field(
    test_id: &str,
    label: &str,
    text: &UseStateHandle<String>,
    max: &str,
    step: &str,
    error: Option<&str>,
    error_id: &str,
) -> Html {
    html! {
        <label class="field">
            <span>{ label.to_string() }</span>
            <input type="number" min="0" max={max.to_string()} step={step.to_string()} inputmode="decimal"
                   data-testid={test_id.to_string()} value={(**text).clone()} oninput={text_input(text)}
                   aria-invalid={error.is_some().to_string()}
                   aria-describedby={error.map(|_| error_id.to_string())} />
        </label>
    }
}

fn error_line(error: Option<&str>, id: &str) -> Html {
    match error {
        Some(msg) => html! { <p class="field-error" id={id.to_string()} role="alert">{ msg.to_string() }</p> },
        None => html! {},
    }
}

#[component]
pub fn WireFaults(props: &WireFaultsProps) -> Html {
    let target: Option<String> = props.service.as_ref().map(|s| s.to_string());
    let suffix = target.clone().unwrap_or_else(|| "broker".into());

    // What is active now, read from the core's fault list.
    let (drop_now, dup_now, delay_now, cba_now, poisoned, next_order, scenario) = {
        let e = props.engine.borrow();
        let sim = e.sim();
        let mine = |f: &Fault| f.service() == target.as_deref();
        let mut drop_now = None;
        let mut dup_now = None;
        let mut delay_now = None;
        let mut cba_now = None;
        let mut poisoned = Vec::new();
        for f in sim.faults().iter().filter(|f| mine(f)) {
            match f {
                Fault::Drop { share, .. } => drop_now = Some(*share),
                Fault::Duplicate { share, .. } => dup_now = Some(*share),
                Fault::Delay { share, extra_us, .. } => delay_now = Some((*share, *extra_us)),
                Fault::CrashBeforeAck { share, .. } => cba_now = Some(*share),
                Fault::Poison { order, .. } => poisoned.push(*order),
                _ => {}
            }
        }
        (drop_now, dup_now, delay_now, cba_now, poisoned, sim.next_order_id(), sim.scenario().clone())
    };
    let w = Words::of(&scenario);

    let drop_text = use_state(|| percent_text(drop_now.unwrap_or(0.1)));
    let dup_text = use_state(|| percent_text(dup_now.unwrap_or(0.2)));
    let delay_text = use_state(|| percent_text(delay_now.map_or(0.3, |d| d.0)));
    // By default, longer than the ~0.8 s between an order's event and its cancellation's, so
    // that a delay can let a cancellation overtake.
    let delay_ms_text = use_state(|| (delay_now.map_or(1_500_000, |d| d.1) / 1000).to_string());
    let cba_text = use_state(|| percent_text(cba_now.unwrap_or(0.1)));
    let problem = use_state(|| None::<(&'static str, String)>);

    let apply = {
        let (engine, on_changed, problem) = (props.engine.clone(), props.on_changed.clone(), problem.clone());
        move |field: &'static str, action: Action| {
            apply_at(&engine, &on_changed, &problem, field, action);
        }
    };

    // A share field's Apply: 0 clears, a bad value is refused here and nothing is applied.
    let share_apply = |field: &'static str, text: &UseStateHandle<String>, make: fn(Option<String>, f64) -> Fault| {
        let (apply, text, problem, target) = (apply.clone(), text.clone(), problem.clone(), target.clone());
        Callback::from(move |_: MouseEvent| match parse_percent(&text) {
            Ok(0.0) => apply(field, Action::Clear { fault: make(target.clone(), 0.0) }),
            Ok(share) => apply(field, Action::Inject { fault: make(target.clone(), share) }),
            Err(why) => problem.set(Some((field, why))),
        })
    };
    let on_drop = share_apply("drop", &drop_text, |service, share| Fault::Drop { service, share });
    let on_dup = share_apply("duplicate", &dup_text, |service, share| Fault::Duplicate { service, share });
    let on_cba = share_apply("crash-before-ack", &cba_text, |service, share| Fault::CrashBeforeAck {
        service: service.unwrap_or_default(),
        share,
    });
    let on_delay = {
        let (apply, text, ms, problem, target) =
            (apply.clone(), delay_text.clone(), delay_ms_text.clone(), problem.clone(), target.clone());
        Callback::from(move |_: MouseEvent| match (parse_percent(&text), parse_slow_ms(&ms)) {
            (Err(why), _) => problem.set(Some(("delay", why))),
            (_, Err(why)) => problem.set(Some(("delay-ms", why))),
            (Ok(0.0), Ok(_)) => apply(
                "delay",
                Action::Clear { fault: Fault::Delay { service: target.clone(), share: 0.0, extra_us: 0 } },
            ),
            (Ok(share), Ok(ms)) => apply(
                "delay",
                Action::Inject { fault: Fault::Delay { service: target.clone(), share, extra_us: ms * 1000 } },
            ),
        })
    };
    let on_poison = {
        let (apply, target) = (apply.clone(), target.clone());
        Callback::from(move |_: MouseEvent| {
            let service = target.clone().unwrap_or_default();
            apply("poison", Action::Inject { fault: Fault::Poison { service, order: next_order } })
        })
    };
    let on_poison_clear = {
        let (apply, target, orders) = (apply.clone(), target.clone(), poisoned.clone());
        Callback::from(move |_: MouseEvent| {
            let service = target.clone().unwrap_or_default();
            for &order in &orders {
                apply("poison", Action::Clear { fault: Fault::Poison { service: service.clone(), order } });
            }
        })
    };

    let err = |field: &str| problem.as_ref().filter(|p| p.0 == field).map(|p| p.1.clone());
    let now = |share: Option<f64>| match share {
        Some(s) => format!("now {}%", percent_text(s)),
        None => "now off".to_string(),
    };
    let (drop_err, dup_err, delay_err, delay_ms_err, cba_err, poison_err) =
        (err("drop"), err("duplicate"), err("delay"), err("delay-ms"), err("crash-before-ack"), err("poison"));
    let eid = |f: &str| format!("{f}-error-{suffix}");
    let is_broker = target.is_none();
    let delay_now_text = match delay_now {
        Some((s, us)) => format!("now {}% by up to {} ms", percent_text(s), us / 1000),
        None => "now off".to_string(),
    };

    html! {
        <fieldset class="menu-group" data-testid={format!("wire-faults-{suffix}")}>
            <legend>{ if is_broker { "Faults on every wire" } else { "Faults on this wire" } }</legend>
            <p class="menu-note">{ "Enter 0 to clear a fault." }</p>
            <div class="menu-row">
                { number_field(&format!("drop-{suffix}"), "Drop deliveries (%)", &drop_text, "100", "5",
                               drop_err.as_deref(), &eid("drop")) }
                <button type="button" class="button" data-testid={format!("drop-apply-{suffix}")} onclick={on_drop}>
                    { "Apply drops" }
                </button>
                <span class="field-now">{ now(drop_now) }</span>
            </div>
            { error_line(drop_err.as_deref(), &eid("drop")) }
            <div class="menu-row">
                { number_field(&format!("duplicate-{suffix}"), "Lose acknowledgements, so events arrive twice (%)",
                               &dup_text, "100", "5", dup_err.as_deref(), &eid("duplicate")) }
                <button type="button" class="button" data-testid={format!("duplicate-apply-{suffix}")} onclick={on_dup}>
                    { "Apply duplicates" }
                </button>
                <span class="field-now">{ now(dup_now) }</span>
            </div>
            { error_line(dup_err.as_deref(), &eid("duplicate")) }
            <div class="menu-row">
                { number_field(&format!("delay-{suffix}"), "Hold up deliveries (%)", &delay_text, "100", "5",
                               delay_err.as_deref(), &eid("delay")) }
                { number_field(&format!("delay-ms-{suffix}"), "by up to (ms)", &delay_ms_text, "60000", "100",
                               delay_ms_err.as_deref(), &eid("delay-ms")) }
                <button type="button" class="button" data-testid={format!("delay-apply-{suffix}")} onclick={on_delay}>
                    { "Apply delays" }
                </button>
                <span class="field-now">{ delay_now_text }</span>
            </div>
            { error_line(delay_err.as_deref(), &eid("delay")) }
            { error_line(delay_ms_err.as_deref(), &eid("delay-ms")) }
            if !is_broker {
                <div class="menu-row">
                    { number_field(&format!("crash-before-ack-{suffix}"), "Crash after processing, before the acknowledgement (%)",
                                   &cba_text, "100", "5", cba_err.as_deref(), &eid("crash-before-ack")) }
                    <button type="button" class="button" data-testid={format!("crash-before-ack-apply-{suffix}")} onclick={on_cba}>
                        { "Apply crashes" }
                    </button>
                    <span class="field-now">{ now(cba_now) }</span>
                </div>
                { error_line(cba_err.as_deref(), &eid("crash-before-ack")) }
                <div class="menu-row">
                    <button type="button" class="button danger" data-testid={format!("poison-next-{suffix}")} onclick={on_poison}
                            aria-describedby={format!("poison-note-{suffix}")}>
                        { format!("Poison the next {}'s event", w.noun()) }
                    </button>
                    if !poisoned.is_empty() {
                        <button type="button" class="button" data-testid={format!("poison-clear-{suffix}")} onclick={on_poison_clear}>
                            { "Clear poison" }
                        </button>
                    }
                </div>
                <p class="menu-note" id={format!("poison-note-{suffix}")}>
                    { format!("{} {next_order}'s {} will always fail here, retry, then go to the dead-letter queue.",
                              capitalise(w.noun()), w.event(EventKind::OrderPlaced)) }
                    if !poisoned.is_empty() {
                        { format!(" Poisoned now: {} {}.", if poisoned.len() == 1 { w.noun().to_string() } else { w.nouns() },
                                  poisoned.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ")) }
                    }
                </p>
                { error_line(poison_err.as_deref(), &eid("poison")) }
            }
        </fieldset>
    }
}
