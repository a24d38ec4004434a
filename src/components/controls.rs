//! The toolbar: wiring, play/pause, step, speed, seed and reset, Buy now, order rate, options.

use crate::engine::EngineHandle;
use crate::icons::icon;
use fanout_sim::params::SPEEDS;
use fanout_sim::{Action, CallMode, PublishPolicy, Publishing, Wiring};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
    /// In a lesson: the run's settings (rate, seed, options) fold away, so the toolbar is
    /// one row and the stage and the step's evidence fit on the screen with the lesson.
    #[prop_or_default]
    pub compact: bool,
}

/// Short, so the toolbar stays one row: the field's label says it is the speed.
fn speed_label(s: f64) -> String {
    if s == 1.0 {
        "1\u{d7} real time".into()
    } else {
        format!("{s}\u{d7}")
    }
}

#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let engine = props.engine.clone();
    let (buy_label, os_name, request_noun, nouns) = {
        let e = engine.borrow();
        let sc = e.sim().scenario();
        (sc.buy_label.clone(), sc.order_service.name.clone(), sc.request_noun.clone(), crate::words::plural(&sc.noun))
    };
    let publishing = engine.borrow().sim().publishing();
    let storage = engine.borrow().sim().storage();
    let (wiring, paused, speed, rate, seed, call_mode, policy) = {
        let e = engine.borrow();
        (
            e.sim().wiring(),
            e.paused,
            e.speed,
            e.sim().rate(),
            e.sim().seed(),
            e.sim().call_mode(),
            e.sim().publish_policy(),
        )
    };
    let seed_text = use_state(|| seed.to_string());
    // What the student is typing in the rate field, kept until they commit it (Enter or leaving
    // the field): the lab re-renders four times a second and must not put the old value back.
    let rate_draft = use_state(|| None::<String>);

    let apply = |action_of: fn(&str) -> Option<Action>| {
        let (engine, on_changed) = (engine.clone(), props.on_changed.clone());
        move |value: String| {
            if let Some(action) = action_of(&value) {
                on_changed.emit(engine.apply(action));
            }
        }
    };
    let on_wiring = {
        let set = apply(|v| Wiring::parse(v).map(|wiring| Action::SetWiring { wiring }));
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_call_mode = {
        let set = apply(|v| {
            let mode = if v == "parallel" { CallMode::Parallel } else { CallMode::Sequential };
            Some(Action::SetCallMode { mode })
        });
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_policy = {
        let set = apply(|v| {
            let policy = if v == "buffer" { PublishPolicy::BufferAndRetry } else { PublishPolicy::Fail };
            Some(Action::SetPublishPolicy { policy })
        });
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_publishing = {
        let set = apply(|v| Publishing::parse(v).map(|publishing| Action::SetPublishing { publishing }));
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_storage = {
        let set = apply(|v| fanout_sim::Storage::parse(v).map(|storage| Action::SetStorage { storage }));
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_play = {
        let (engine, on_changed) = (engine.clone(), props.on_changed.clone());
        Callback::from(move |_| {
            let paused = engine.borrow().paused;
            engine.borrow_mut().set_paused(!paused);
            on_changed.emit(Ok(()));
        })
    };
    let on_step = {
        let (engine, on_changed) = (engine.clone(), props.on_changed.clone());
        Callback::from(move |_| {
            engine.borrow_mut().step();
            on_changed.emit(Ok(()));
        })
    };
    let on_speed = {
        let (engine, on_changed) = (engine.clone(), props.on_changed.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(s) = v.parse::<f64>() {
                engine.borrow_mut().speed = s;
                on_changed.emit(Ok(()));
            }
        })
    };
    let on_seed_input = {
        let seed_text = seed_text.clone();
        Callback::from(move |e: InputEvent| seed_text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_reset = {
        let (engine, on_changed, seed_text) = (engine.clone(), props.on_changed.clone(), seed_text.clone());
        Callback::from(move |_| match seed_text.trim().parse::<u64>() {
            Ok(seed) => {
                engine.borrow_mut().reset(seed);
                on_changed.emit(Ok(()));
            }
            Err(_) => on_changed.emit(Err(format!(
                "Seed \"{}\" is not a whole number from 0 to 18446744073709551615; the run was not reset",
                *seed_text
            ))),
        })
    };
    let on_buy = {
        let (engine, on_changed) = (engine.clone(), props.on_changed.clone());
        Callback::from(move |_| on_changed.emit(engine.apply(Action::BuyNow)))
    };
    let on_rate_input = {
        let rate_draft = rate_draft.clone();
        Callback::from(move |e: InputEvent| rate_draft.set(Some(e.target_unchecked_into::<HtmlInputElement>().value())))
    };
    let on_rate = {
        let (engine, on_changed, rate_draft) = (engine.clone(), props.on_changed.clone(), rate_draft.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let v = input.value();
            rate_draft.set(None);
            let result = match v.trim().parse::<f64>() {
                Ok(rate) => engine.apply(Action::SetRate { rate }),
                Err(_) => Err(format!(
                    "{} \"{v}\" is not a number",
                    crate::words::per_second(engine.borrow().sim().scenario())
                )),
            };
            // A refused value must not stay in the field as if it were running.
            if result.is_err() {
                input.set_value(&engine.borrow().sim().rate().to_string());
            }
            on_changed.emit(result);
        })
    };

    let rate_field = html! {
                <label class="field">
                    <span>{ crate::words::per_second(engine.borrow().sim().scenario()) }</span>
                    <input type="number" min="0" max="50000" step="0.5" inputmode="decimal" data-testid="rate"
                           value={(*rate_draft).clone().unwrap_or_else(|| rate.to_string())}
                           oninput={on_rate_input} onchange={on_rate} />
                </label>
    };
    let run_group = html! {
            <button type="button" class="button" data-testid="reset" onclick={on_reset}
                    title="Start the run again with the seed under Options">
                { icon("reset") }<span>{ "Reset" }</span>
            </button>
    };
    html! {
        <section class={classes!("controls", props.compact.then_some("compact"))} aria-label="Controls">
            <fieldset class="wiring-toggle">
                <legend>{ "Wiring" }</legend>
                <label class={classes!("segment", (wiring == Wiring::Request).then_some("on"))}>
                    <input type="radio" name="wiring" value="request" data-testid="wiring-request"
                           checked={wiring == Wiring::Request} onchange={on_wiring.clone()} />
                    <span><span class="tick" aria-hidden="true">{ "\u{2713} " }</span>{ "Request-driven" }</span>
                </label>
                <label class={classes!("segment", (wiring == Wiring::Event).then_some("on"))}>
                    <input type="radio" name="wiring" value="event" data-testid="wiring-event"
                           checked={wiring == Wiring::Event} onchange={on_wiring} />
                    <span><span class="tick" aria-hidden="true">{ "\u{2713} " }</span>{ "Event-driven" }</span>
                </label>
            </fieldset>

            <div class="control-group" role="group" aria-label="Time">
                <button type="button" class="button" data-testid="play" onclick={on_play}
                        title={props.compact.then_some(if paused { "Play" } else { "Pause" })}>
                    { icon(if paused { "play" } else { "pause" }) }
                    <span class={classes!(props.compact.then_some("sr-only"))}>{ if paused { "Play" } else { "Pause" } }</span>
                </button>
                <button type="button" class="button" data-testid="step" onclick={on_step}
                        title="Pause and process the next event">
                    { icon("step") }<span class={classes!(props.compact.then_some("sr-only"))}>{ "Step" }</span>
                </button>
                <label class="field">
                    <span>{ "Speed" }</span>
                    <select data-testid="speed" onchange={on_speed}>
                        { for SPEEDS.iter().map(|&s| html! {
                            <option value={s.to_string()} selected={s == speed}>
                                { speed_label(s) }</option>
                        }) }
                    </select>
                </label>
            </div>

            <div class="control-group" role="group" aria-label={crate::state::capitalise(&nouns)}>
                <button type="button" class="button primary" data-testid="buy" onclick={on_buy}>
                    { icon("cart") }<span>{ buy_label }</span>
                </button>
                if !props.compact { { rate_field.clone() } }
            </div>

            if !props.compact { { run_group.clone() } }

            <details class="options" aria-label={if props.compact { "More settings" } else { "Options" }}>
                <summary>{ if props.compact { "More" } else { "Options" } }</summary>
                <div class="options-body">
                    if props.compact { { rate_field } { run_group } }
                    <label class="field">
                        <span>{ "Seed (Reset starts the run again with it)" }</span>
                        <input type="number" min="0" step="1" inputmode="numeric" data-testid="seed"
                               value={(*seed_text).clone()} oninput={on_seed_input} />
                    </label>
                    <label class="field">
                        <span>{ "Request-driven calls" }</span>
                        <select data-testid="call-mode" onchange={on_call_mode}>
                            <option value="sequential" selected={call_mode == CallMode::Sequential}>{ "One after another" }</option>
                            <option value="parallel" selected={call_mode == CallMode::Parallel}>{ "All at once" }</option>
                        </select>
                    </label>
                    <label class="field">
                        <span>{ format!("When the broker is down, the {os_name}") }</span>
                        <select data-testid="publish-policy" onchange={on_policy}>
                            <option value="fail" selected={policy == PublishPolicy::Fail}>{ format!("fails the {request_noun}") }</option>
                            <option value="buffer" selected={policy == PublishPolicy::BufferAndRetry}>{ "buffers the event and retries" }</option>
                        </select>
                    </label>
                    <label class="field">
                        <span>{ format!("After saving, the {os_name}") }</span>
                        <select data-testid="publishing" onchange={on_publishing}>
                            <option value="direct" selected={publishing == Publishing::Direct}>{ "publishes itself (dual write)" }</option>
                            <option value="outbox-polling" selected={publishing == Publishing::OutboxPolling}>{ "writes an outbox row; a relay polls" }</option>
                            <option value="outbox-tailing" selected={publishing == Publishing::OutboxTailing}>{ "writes an outbox row; a relay tails the log" }</option>
                        </select>
                    </label>
                    <label class="field">
                        <span>{ format!("The {os_name} keeps its {nouns}") }</span>
                        <select data-testid="storage" onchange={on_storage}>
                            <option value="rows" selected={storage == fanout_sim::Storage::Rows}>{ "as rows, changed in place" }</option>
                            <option value="event-sourced" selected={storage == fanout_sim::Storage::EventSourced}>{ "as streams of events, appended" }</option>
                        </select>
                    </label>
                </div>
            </details>
        </section>
    }
}
