//! A saga participant's settings and fault, in its menu: whether its compensation checks its
//! own record before paying out (idempotent), and a compensation that fails once after paying
//! out, so that it is tried again. Its step's own failures are the menu's error rate (a
//! declined card); a lost event is its wire's drop.

use crate::engine::EngineHandle;
use fanout_sim::{Action, Fault};
use yew::prelude::*;

/// The share of saga messages the lose button drops; links and the CLI take any share.
pub const LOSE_SHARE: f64 = 0.2;

#[derive(Properties, PartialEq)]
pub struct SagaFaultsProps {
    pub engine: EngineHandle,
    pub service: u16,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

#[component]
pub fn SagaFaults(props: &SagaFaultsProps) -> Html {
    let (key, name, undo, idempotent, failing, orchestrator, losing) = {
        let e = props.engine.borrow();
        let sim = e.sim();
        let sc = sim.scenario();
        let Some(g) = sc.saga.as_ref() else { return html! {} };
        let spec = &sc.catalog[props.service as usize];
        let undo = g
            .step_of(props.service)
            .filter(|&k| g.steps[k].compensable)
            .map(|k| sc.type_name(g.mtype(k, fanout_sim::saga::SagaWhat::Undo)).to_string());
        let failing =
            sim.faults().iter().any(|f| matches!(f, Fault::CompensationFails { service, .. } if *service == spec.key));
        let losing = sim.faults().iter().any(|f| matches!(f, Fault::Drop { service: Some(s), .. } if *s == spec.key));
        (
            spec.key.clone(),
            spec.name.clone(),
            undo,
            sim.subscription(props.service).settings.idempotent,
            failing,
            g.orchestrator == props.service,
            losing,
        )
    };
    // The saga's messages to this service, lost on the way: the broker hands them over at
    // most once, so only a timeout notices.
    let on_lose = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        let fault = Fault::Drop { service: Some(key.clone()), share: LOSE_SHARE };
        Callback::from(move |_: MouseEvent| {
            let fault = fault.clone();
            on_changed.emit(engine.apply(if losing { Action::Clear { fault } } else { Action::Inject { fault } }))
        })
    };
    let lose = html! {
        <div class="menu-row">
            <button type="button" class={classes!("button", (!losing).then_some("danger"))} data-testid="fault-saga-lose"
                    aria-pressed={losing.to_string()} onclick={on_lose}>
                { if losing { "Stop losing its saga messages".to_string() } else { format!("Lose {:.0}% of the saga's messages to {name}", LOSE_SHARE * 100.0) } }
            </button>
        </div>
    };
    if orchestrator {
        return html! { <>
            <p class="menu-note" data-testid="saga-role">
                { format!("{name} runs each orchestrated saga: it sends the steps' commands, waits for the replies, and sends the compensations, newest first. Crash it and the sagas wait for it.") }
            </p>
            { lose }
        </> };
    }
    let Some(undo) = undo else {
        return html! { <>
            <p class="menu-note" data-testid="saga-role">
                { format!("{name} does the saga's last step, which nothing after it can fail: it has no compensation.") }
            </p>
            { lose }
        </> };
    };
    let on_idempotent = {
        let (engine, on_changed, service) = (props.engine.clone(), props.on_changed.clone(), key.clone());
        Callback::from(move |ev: Event| {
            let on = ev.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
            on_changed.emit(engine.apply(Action::SetIdempotent { service: service.clone(), on }))
        })
    };
    let on_fail = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        let fault = Fault::CompensationFails { service: key.clone(), share: 1.0 };
        Callback::from(move |_: MouseEvent| {
            let fault = fault.clone();
            on_changed.emit(engine.apply(if failing { Action::Clear { fault } } else { Action::Inject { fault } }))
        })
    };
    html! {
        <div class="menu-group" data-testid="saga-faults">
            <h4>{ format!("Its compensation: {undo}") }</h4>
            <label class="check">
                <input type="checkbox" data-testid="saga-idempotent" checked={idempotent} onchange={on_idempotent} />
                { format!("Idempotent: {undo} checks its own record first, and never pays out twice") }
            </label>
            <div class="menu-row">
                <button type="button" class={classes!("button", (!failing).then_some("danger"))} data-testid="fault-compensation-fails"
                        aria-pressed={failing.to_string()} onclick={on_fail}>
                    { if failing { format!("Let {undo} answer again") } else { format!("Make {undo} fail once, after paying out") } }
                </button>
            </div>
            { lose }
        </div>
    }
}
