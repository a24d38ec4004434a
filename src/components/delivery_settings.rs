//! How one subscriber consumes its events: the delivery guarantee, idempotency, how many
//! consumers compete for the work, and the retry policy before the dead-letter queue.

use crate::components::fault_menu::parse_slow_ms;
use crate::components::wire_faults::apply_at;
use crate::engine::EngineHandle;
use fanout_sim::delivery::{Guarantee, RetryPolicy, MAX_ATTEMPTS, MAX_CONSUMERS};
use fanout_sim::Action;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DeliverySettingsProps {
    pub engine: EngineHandle,
    /// Catalog index of the subscriber.
    pub service: u16,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

/// Parses the attempts field: whole attempts from 1 to the maximum.
pub fn parse_attempts(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_ATTEMPTS).contains(&n) => Ok(n),
        _ => Err(format!("Enter whole attempts from 1 to {MAX_ATTEMPTS}, e.g. 4")),
    }
}

fn text_input(s: &UseStateHandle<String>) -> Callback<InputEvent> {
    let s = s.clone();
    Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value()))
}

#[component]
pub fn DeliverySettings(props: &DeliverySettingsProps) -> Html {
    let (key, settings, sync, publisher, entry_reader) = {
        let e = props.engine.borrow();
        let sim = e.sim();
        let key = sim.scenario().catalog[props.service as usize].key.clone();
        (
            key,
            sim.subscription(props.service).settings,
            sim.is_sync(props.service),
            sim.scenario().order_service.name.clone(),
            // Only a service that reacts to the entry's event can be called by the entry
            // service instead; one that follows another service's reaction cannot.
            sim.reacts_to_entry(props.service),
        )
    };
    let retry = settings.retry;
    let attempts_text = use_state(|| retry.max_attempts.to_string());
    let base_text = use_state(|| (retry.base_us / 1000).to_string());
    let cap_text = use_state(|| (retry.cap_us / 1000).to_string());
    let problem = use_state(|| None::<(&'static str, String)>);

    let apply = {
        let (engine, on_changed, problem) = (props.engine.clone(), props.on_changed.clone(), problem.clone());
        move |field: &'static str, action: Action| apply_at(&engine, &on_changed, &problem, field, action)
    };

    let on_guarantee = {
        let (apply, key, problem) = (apply.clone(), key.clone(), problem.clone());
        let current = settings.guarantee.key();
        Callback::from(move |e: Event| {
            let sel = e.target_unchecked_into::<HtmlSelectElement>();
            let ok = match Guarantee::parse(&sel.value()) {
                Some(guarantee) => apply("guarantee", Action::SetGuarantee { service: key.clone(), guarantee }),
                None => {
                    problem.set(Some(("guarantee", "Choose at-least-once or at-most-once".into())));
                    false
                }
            };
            if !ok {
                sel.set_value(current);
            }
        })
    };
    let on_idempotent = {
        let (apply, key) = (apply.clone(), key.clone());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            apply("idempotent", Action::SetIdempotent { service: key.clone(), on });
        })
    };
    let on_sync = {
        let (apply, key) = (apply.clone(), key.clone());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            apply("sync", Action::SetSync { service: key.clone(), on });
        })
    };
    let on_consumers = {
        let (apply, key, problem) = (apply.clone(), key.clone(), problem.clone());
        let current = settings.consumers.to_string();
        Callback::from(move |e: Event| {
            let sel = e.target_unchecked_into::<HtmlSelectElement>();
            let ok = match sel.value().parse::<u16>() {
                Ok(consumers) => apply("consumers", Action::SetConsumers { service: key.clone(), consumers }),
                Err(_) => {
                    problem.set(Some(("consumers", format!("Choose from 1 to {MAX_CONSUMERS} consumers"))));
                    false
                }
            };
            if !ok {
                sel.set_value(&current);
            }
        })
    };
    let on_retry = {
        let (apply, key, problem) = (apply.clone(), key.clone(), problem.clone());
        let (a, b, c) = (attempts_text.clone(), base_text.clone(), cap_text.clone());
        Callback::from(move |_: MouseEvent| {
            let attempts = match parse_attempts(&a) {
                Ok(n) => n,
                Err(why) => return problem.set(Some(("retry-attempts", why))),
            };
            let base = match parse_slow_ms(&b) {
                Ok(ms) => ms,
                Err(why) => return problem.set(Some(("retry-base", why))),
            };
            let cap = match parse_slow_ms(&c) {
                Ok(ms) => ms,
                Err(why) => return problem.set(Some(("retry-cap", why))),
            };
            let retry = RetryPolicy { max_attempts: attempts, base_us: base * 1000, cap_us: cap * 1000 };
            apply("retry", Action::SetRetry { service: key.clone(), retry });
        })
    };

    let err = |field: &str| problem.as_ref().filter(|p| p.0 == field).map(|p| p.1.clone());
    let error_line = |field: &str| match err(field) {
        Some(msg) => html! { <p class="field-error" id={format!("{field}-error-{key}")} role="alert">{ msg }</p> },
        None => html! {},
    };
    let described = |field: &str| err(field).map(|_| format!("{field}-error-{key}"));
    let invalid = |field: &str| err(field).is_some().to_string();
    let number =
        |field: &'static str, label: &str, text: &UseStateHandle<String>, min: &str, max: String, step: &str| {
            html! {
                <label class="field">
                    <span>{ label.to_string() }</span>
                    <input type="number" min={min.to_string()} max={max} step={step.to_string()} inputmode="numeric"
                           data-testid={format!("{field}-{key}")} value={(**text).clone()} oninput={text_input(text)}
                           aria-invalid={invalid(field)} aria-describedby={described(field)} />
                </label>
            }
        };
    let guarantee_note = match settings.guarantee {
        Guarantee::AtLeastOnce => {
            "Acknowledges after processing: a crash or a lost acknowledgement means the event comes again."
        }
        Guarantee::AtMostOnce => {
            "Acknowledges on receipt: a crash or a failure loses the event, but nothing comes twice."
        }
    };

    html! {
        <fieldset class="menu-group" data-testid={format!("delivery-settings-{key}")}>
            <legend>{ "Delivery" }</legend>
            <div class="menu-row">
                <label class="field">
                    <span>{ "Delivery guarantee" }</span>
                    <select data-testid={format!("guarantee-{key}")} onchange={on_guarantee}
                            aria-invalid={invalid("guarantee")} aria-describedby={described("guarantee")}>
                        { for [Guarantee::AtLeastOnce, Guarantee::AtMostOnce].into_iter().map(|g| html! {
                            <option value={g.key()} selected={g == settings.guarantee}>
                                { match g { Guarantee::AtLeastOnce => "At least once", Guarantee::AtMostOnce => "At most once" } }
                            </option>
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span>{ "Consumers" }</span>
                    <select data-testid={format!("consumers-{key}")} onchange={on_consumers}
                            aria-invalid={invalid("consumers")} aria-describedby={described("consumers")}>
                        { for (1..=MAX_CONSUMERS).map(|n| html! {
                            <option value={n.to_string()} selected={n == settings.consumers}>{ n }</option>
                        }) }
                    </select>
                </label>
            </div>
            <p class="menu-note">{ guarantee_note }</p>
            { error_line("guarantee") }
            { error_line("consumers") }
            <label class="check">
                <input type="checkbox" data-testid={format!("idempotent-{key}")} checked={settings.idempotent}
                       onchange={on_idempotent} />
                <span>{ "Idempotent: skip event IDs already processed" }</span>
            </label>
            { error_line("idempotent") }
            if entry_reader {
                <label class="check">
                    <input type="checkbox" data-testid={format!("sync-{key}")} checked={sync} onchange={on_sync} />
                    <span>{ format!("Called synchronously: the {publisher} waits for its answer before publishing") }</span>
                </label>
                { error_line("sync") }
            }
            <div class="menu-row">
                { number("retry-attempts", "Attempts in all", &attempts_text, "1", MAX_ATTEMPTS.to_string(), "1") }
                { number("retry-base", "First wait (ms)", &base_text, "1", "60000".into(), "50") }
                { number("retry-cap", "Longest wait (ms)", &cap_text, "1", "60000".into(), "500") }
                <button type="button" class="button" data-testid={format!("retry-apply-{key}")} onclick={on_retry}>
                    { "Apply retries" }
                </button>
            </div>
            <p class="menu-note">
                { format!("Now: {} attempts, waiting {} ms, doubling up to {} ms, then the dead-letter queue.",
                          retry.max_attempts, retry.base_us / 1000, retry.cap_us / 1000) }
            </p>
            { error_line("retry-attempts") }
            { error_line("retry-base") }
            { error_line("retry-cap") }
            { error_line("retry") }
        </fieldset>
    }
}
