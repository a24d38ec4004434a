//! The fault menu of one service or of the broker: slow it, crash it, make it fail a share
//! of its work, or remove it; for a subscriber also its delivery settings and wire faults, for
//! the broker its topic settings and faults on every wire. A non-modal dialog: Escape or
//! Close returns focus to the node.

use crate::components::broker_settings::BrokerSettings;
use crate::components::delivery_settings::DeliverySettings;
use crate::components::outbox_faults::OutboxFaults;
use crate::components::store_faults::StoreFaults;
use crate::components::saga_faults::SagaFaults;
use crate::components::wire_faults::WireFaults;
use crate::engine::EngineHandle;
use fanout_sim::fault::{Fault, MAX_SLOW_US};
use fanout_sim::{Action, Node, PublishPolicy};
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FaultMenuProps {
    pub engine: EngineHandle,
    pub node: Node,
    pub tick: u64,
    pub on_close: Callback<Node>,
    pub on_changed: Callback<Result<(), String>>,
    /// Opens an order's trace: picking an order from the stage.
    #[prop_or_default]
    pub on_trace: Option<Callback<u64>>,
}

/// Parses the slowdown field: whole milliseconds from 0 to the maximum.
pub fn parse_slow_ms(text: &str) -> Result<u64, String> {
    let max = MAX_SLOW_US / 1000;
    match text.trim().parse::<u64>() {
        Ok(ms) if ms <= max => Ok(ms),
        _ => Err(format!("Enter whole milliseconds from 0 to {max}, e.g. 2000")),
    }
}

/// Parses the error-rate field: a percentage from 0 to 100.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if p.is_finite() && (0.0..=100.0).contains(&p) => Ok(p / 100.0),
        _ => Err("Enter a percentage from 0 to 100, e.g. 20".into()),
    }
}

/// What the publisher does while the broker is down, in the scenario's words.
fn meanwhile(policy: PublishPolicy, w: &crate::words::Words) -> String {
    let svc = w.service();
    match policy {
        PublishPolicy::Fail => {
            format!("While it is down, the {svc} fails the {} (change this under Options).", w.request())
        }
        PublishPolicy::BufferAndRetry => format!(
            "While it is down, the {svc} buffers each event, answers the {}, and retries (change this under Options).",
            w.actor()
        ),
    }
}

#[component]
pub fn FaultMenu(props: &FaultMenuProps) -> Html {
    let node = props.node;
    let first = use_node_ref();
    let slow_text = use_state(|| "2000".to_string());
    let err_text = use_state(|| "20".to_string());
    let problem = use_state(|| None::<(&'static str, String)>);

    // Focus moves into the menu when it opens (and when it switches to another node).
    {
        let first = first.clone();
        use_effect_with(node, move |_| {
            if let Some(el) = first.cast::<HtmlElement>() {
                let _ = el.focus();
            }
        });
    }

    let e = props.engine.borrow();
    let sim = &e.sim();
    let request_driven = sim.wiring() == fanout_sim::Wiring::Request;
    let (key, name, job, removable) = match node {
        Node::Broker => (
            "broker".to_string(),
            "Broker".to_string(),
            format!("delivers {} to every subscriber", sim.scenario().event_name),
            false,
        ),
        Node::Orders => {
            let s = &sim.scenario().order_service;
            (s.key.clone(), s.name.clone(), s.job.clone(), false)
        }
        Node::Service(i) => {
            let s = &sim.scenario().catalog[i as usize];
            // A saga's services stay as the saga has them.
            let in_saga = sim.scenario().saga.as_ref().is_some_and(|g| g.takes_part(i));
            (s.key.clone(), s.name.clone(), s.job.clone(), sim.wired().contains(&i) && !in_saga)
        }
        Node::Shopper | Node::Relay => unreachable!("the shopper and the relay have no fault menu of their own"),
    };
    let view = match node {
        Node::Service(i) => Some(sim.service_view(i)),
        Node::Orders => Some(sim.order_service_view()),
        _ => None,
    };
    let saga_part = match node {
        Node::Service(i) => sim.scenario().saga.as_ref().is_some_and(|g| g.takes_part(i)).then_some(i),
        _ => None,
    };
    let broker_down = sim.broker_down();
    // Whether this consumer drops the trace context now.
    let drops_context = sim.faults().iter().any(|f| matches!(f, Fault::DropContext { service } if *service == key));
    let policy = sim.publish_policy();
    let meanwhile = meanwhile(policy, &crate::words::Words::of(sim.scenario()));
    drop(e);

    let act = {
        let (engine, on_changed, problem) = (props.engine.clone(), props.on_changed.clone(), problem.clone());
        move |actions: Vec<Action>| {
            problem.set(None);
            for a in actions {
                let r = engine.apply(a);
                let failed = r.is_err();
                on_changed.emit(r);
                if failed {
                    break;
                }
            }
        }
    };
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_| cb.emit(node))
    };
    let onkeydown = {
        let cb = props.on_close.clone();
        Callback::from(move |ev: KeyboardEvent| {
            if ev.key() == "Escape" {
                ev.prevent_default();
                cb.emit(node);
            }
        })
    };
    let title_id = format!("fault-menu-title-{key}");

    let body = if let Some(view) = view {
        let svc = key.clone();
        let on_slow = {
            let (act, slow_text, problem, svc) = (act.clone(), slow_text.clone(), problem.clone(), svc.clone());
            Callback::from(move |_| match parse_slow_ms(&slow_text) {
                Ok(0) => act(vec![Action::Clear { fault: Fault::Slow { service: svc.clone(), extra_us: 0 } }]),
                Ok(ms) => {
                    act(vec![Action::Inject { fault: Fault::Slow { service: svc.clone(), extra_us: ms * 1000 } }])
                }
                Err(why) => problem.set(Some(("slow", why))),
            })
        };
        let on_errors = {
            let (act, err_text, problem, svc) = (act.clone(), err_text.clone(), problem.clone(), svc.clone());
            Callback::from(move |_| match parse_percent(&err_text) {
                Ok(0.0) => act(vec![Action::Clear { fault: Fault::Errors { service: svc.clone(), rate: 0.0 } }]),
                Ok(rate) => act(vec![Action::Inject { fault: Fault::Errors { service: svc.clone(), rate } }]),
                Err(why) => problem.set(Some(("errors", why))),
            })
        };
        let on_crash = {
            let (act, svc, down) = (act.clone(), svc.clone(), view.down);
            Callback::from(move |_| {
                let fault = Fault::Crash { service: svc.clone() };
                act(vec![if down { Action::Clear { fault } } else { Action::Inject { fault } }])
            })
        };
        let on_clear_all = {
            let (act, svc) = (act.clone(), svc.clone());
            Callback::from(move |_| {
                act(vec![
                    Action::Clear { fault: Fault::Slow { service: svc.clone(), extra_us: 0 } },
                    Action::Clear { fault: Fault::Crash { service: svc.clone() } },
                    Action::Clear { fault: Fault::Errors { service: svc.clone(), rate: 0.0 } },
                ])
            })
        };
        let on_remove = {
            let (act, svc, cb) = (act.clone(), svc.clone(), props.on_close.clone());
            Callback::from(move |_| {
                act(vec![Action::RemoveSubscriber { service: svc.clone() }]);
                cb.emit(Node::Orders);
            })
        };
        let slow_input = {
            let s = slow_text.clone();
            Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value()))
        };
        let err_input = {
            let s = err_text.clone();
            Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value()))
        };
        let slow_err = problem.as_ref().filter(|p| p.0 == "slow").map(|p| p.1.clone());
        let err_err = problem.as_ref().filter(|p| p.0 == "errors").map(|p| p.1.clone());
        let now = crate::components::node_button::status(&view).0;
        let subscriber = match node {
            Node::Service(i) if removable => Some(i),
            _ => None,
        };
        html! {
            <>
                <p class="menu-now">{ format!("{name} {job}. Now: {now}.") }</p>
                <div class="menu-row">
                    <label class="field">
                        <span>{ "Slow down by (ms)" }</span>
                        <input ref={first.clone()} type="number" min="0" max="60000" step="100" inputmode="numeric"
                               data-testid="fault-slow-ms" value={(*slow_text).clone()} oninput={slow_input}
                               aria-invalid={slow_err.is_some().to_string()}
                               aria-describedby={slow_err.as_ref().map(|_| "fault-slow-error")} />
                    </label>
                    <button type="button" class="button" data-testid="fault-slow-apply" onclick={on_slow}>{ "Apply slowdown" }</button>
                </div>
                if let Some(msg) = slow_err { <p class="field-error" id="fault-slow-error" role="alert">{ msg }</p> }
                <div class="menu-row">
                    <label class="field">
                        <span>{ "Fail this share of work (%)" }</span>
                        <input type="number" min="0" max="100" step="5" inputmode="decimal" data-testid="fault-errors"
                               value={(*err_text).clone()} oninput={err_input}
                               aria-invalid={err_err.is_some().to_string()}
                               aria-describedby={err_err.as_ref().map(|_| "fault-errors-error")} />
                    </label>
                    <button type="button" class="button" data-testid="fault-errors-apply" onclick={on_errors}>{ "Apply error rate" }</button>
                </div>
                if let Some(msg) = err_err { <p class="field-error" id="fault-errors-error" role="alert">{ msg }</p> }
                <div class="menu-row">
                    <button type="button" class={classes!("button", (!view.down).then_some("danger"))} data-testid="fault-crash" onclick={on_crash}>
                        { if view.down { "Recover" } else { "Crash" } }
                    </button>
                    <button type="button" class="button" data-testid="fault-clear-all" onclick={on_clear_all}>{ "Clear all faults" }</button>
                    if removable {
                        <button type="button" class="button" data-testid="fault-remove" onclick={on_remove}>{ format!("Remove {name}") }</button>
                    }
                </div>
                if let (Some(i), false) = (saga_part, request_driven) {
                    <SagaFaults engine={props.engine.clone()} service={i} tick={props.tick} on_changed={props.on_changed.clone()} />
                }
                if node == Node::Orders && !request_driven {
                    <OutboxFaults engine={props.engine.clone()} tick={props.tick} on_changed={props.on_changed.clone()} />
                }
                // The store is the service's own business: its faults apply under either wiring.
                if node == Node::Orders {
                    <StoreFaults engine={props.engine.clone()} tick={props.tick} on_changed={props.on_changed.clone()} />
                }
                if subscriber.is_some() && request_driven {
                    <p class="menu-note" data-testid="event-only-note">
                        { "Delivery settings and faults on the broker's wire apply to event-driven wiring; switch the wiring to use them." }
                    </p>
                } else if let Some(i) = subscriber {
                    <DeliverySettings key={format!("delivery-{key}")} engine={props.engine.clone()} service={i}
                                      tick={props.tick} on_changed={props.on_changed.clone()} />
                    <WireFaults key={format!("wire-{key}")} engine={props.engine.clone()} service={Some(AttrValue::from(key.clone()))}
                                tick={props.tick} on_changed={props.on_changed.clone()} />
                    <div class="menu-row">
                        <button type="button" class={classes!("button", (!drops_context).then_some("danger"))}
                                data-testid="fault-drop-context" aria-pressed={drops_context.to_string()}
                                onclick={props.engine.fault_toggle(&props.on_changed, Fault::DropContext { service: key.clone() }, drops_context)}>
                            { if drops_context { "Carry the trace context again" } else { "Drop trace context" } }
                        </button>
                    </div>
                }
            </>
        }
    } else {
        let on_toggle = {
            let act = act.clone();
            Callback::from(move |_| {
                let fault = Fault::BrokerDown;
                act(vec![if broker_down { Action::Clear { fault } } else { Action::Inject { fault } }])
            })
        };
        html! {
            <>
                <p class="menu-now">{ format!("The broker {job}. Now: {}.", if broker_down { "down" } else { "up" }) }</p>
                <p class="menu-note">{ meanwhile }</p>
                <div class="menu-row">
                    <button ref={first.clone()} type="button" class={classes!("button", (!broker_down).then_some("danger"))}
                            data-testid="fault-crash" onclick={on_toggle}>
                        { if broker_down { "Bring it back up" } else { "Take it down" } }
                    </button>
                </div>
                if request_driven {
                    <p class="menu-note" data-testid="event-only-note">
                        { "Request-driven, nothing goes through the broker: its topic settings and wire faults apply to event-driven wiring; switch the wiring to use them." }
                    </p>
                } else {
                    <BrokerSettings engine={props.engine.clone()} tick={props.tick} on_changed={props.on_changed.clone()} />
                    <WireFaults key="wire-broker" engine={props.engine.clone()} tick={props.tick} on_changed={props.on_changed.clone()} />
                }
            </>
        }
    };

    // Picking an order from the stage: the newest one whose work reached this node.
    let (latest, noun) = {
        let e = props.engine.borrow();
        (e.sim().latest_traced_at(props.node), e.sim().scenario().noun.clone())
    };
    html! {
        <div class="fault-menu" role="dialog" aria-labelledby={title_id.clone()} data-testid="fault-menu" {onkeydown}>
            <div class="menu-head">
                <h3 id={title_id}>{ format!("{name}: faults") }</h3>
                <button type="button" class="button icon-only" data-testid="fault-close" onclick={close}
                        aria-label={format!("Close the {name} menu")}>
                    { crate::icons::icon("close") }
                </button>
            </div>
            { body }
            if let (Some(cb), Some(order)) = (props.on_trace.clone(), latest) {
                <div class="menu-row">
                    <button type="button" class="button small" data-testid="fault-menu-trace"
                            onclick={Callback::from(move |_: MouseEvent| cb.emit(order))}>
                        { crate::icons::icon("clock") }<span>{ format!("Trace its latest {noun} (#{order})") }</span>
                    </button>
                </div>
            }
        </div>
    }
}
