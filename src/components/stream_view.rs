//! One order's stream in the event store: each event with its position in the log and its
//! version in the stream, and the order's state after it, so that "current state is a fold"
//! can be read row by row. The student picks the order by number, or the latest, or one
//! two writers fought over.

use crate::engine::EngineHandle;
use crate::state::capitalise;
use fanout_sim::consumer::money;
use fanout_sim::event_store::{OrderState, StoreKind};
use fanout_sim::narration::NoteKind;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StreamViewProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

/// The stream's events carry the names the scenario gives its own events.
fn event_name(kind: StoreKind, sc: &fanout_sim::Scenario) -> String {
    match kind {
        StoreKind::Placed => sc.event_name.clone(),
        StoreKind::AddressChanged => "AddressChanged".into(),
        StoreKind::Cancelled => sc.cancel_event_name.clone(),
    }
}

fn state_text(s: &OrderState) -> String {
    let status = if s.cancelled { "cancelled, refunded" } else { "placed" };
    format!(
        "{status}, {}, {} address change{}",
        money(s.amount_cents),
        s.address_changes,
        if s.address_changes == 1 { "" } else { "s" }
    )
}

#[component]
pub fn StreamView(props: &StreamViewProps) -> Html {
    // The order picked; `None` follows the latest one in the log.
    let picked = use_state(|| None::<u64>);
    let e = props.engine.borrow();
    let sim = e.sim();
    let sc = sim.scenario();
    let latest = sim.latest_stored_order();
    let contested =
        sim.notes().rev().find_map(|n| matches!(n.kind, NoteKind::StreamConflict { .. }).then_some(n.order));
    let order = (*picked).or(latest);
    let on_input = {
        let picked = picked.clone();
        Callback::from(move |ev: InputEvent| {
            let v = ev.target_unchecked_into::<HtmlInputElement>().value();
            // Anything that is not an order number follows the latest order again.
            picked.set(v.trim().parse::<u64>().ok().filter(|&n| n > 0));
        })
    };
    let pick = |o: Option<u64>| {
        let picked = picked.clone();
        Callback::from(move |_: MouseEvent| picked.set(o))
    };
    let stream = order.map(|o| sim.stream(o)).unwrap_or_default();
    let noun = &sc.noun;
    html! {
        <div class="stream-view" data-testid="stream-view">
            <h3 id="stream-title">{ format!("One {noun}'s stream: its state is a fold of its events") }</h3>
            <div class="menu-row">
                <label class="field inline">
                    <span>{ format!("{} number", capitalise(noun)) }</span>
                    <input type="number" min="1" step="1" inputmode="numeric" data-testid="stream-order"
                           value={order.map(|o| o.to_string()).unwrap_or_default()} oninput={on_input} />
                </label>
                <button type="button" class="button small" data-testid="stream-latest" onclick={pick(None)}>{ "Latest" }</button>
                if let Some(c) = contested {
                    <button type="button" class="button small" data-testid="stream-contested" onclick={pick(Some(c))}>
                        { format!("One two writers changed ({noun} {c})") }
                    </button>
                }
            </div>
            if stream.is_empty() {
                <p class="menu-note" data-testid="stream-empty">{ match order {
                    Some(o) => format!("{} {o} has no events in the store: it was kept as a row, or is not placed yet.", capitalise(noun)),
                    None => format!("No {noun} is kept as events yet."),
                } }</p>
            } else {
                <div class="subs-wrap" tabindex="0" role="region" aria-labelledby="stream-title">
                    <table class="subs stream-table" data-testid="stream-table" data-order={order.unwrap_or(0).to_string()}>
                        <caption>{ format!("{} {}'s events, oldest first, each with the state after it", capitalise(noun), order.unwrap_or(0)) }</caption>
                        <thead><tr>
                            <th scope="col">{ "Position" }</th><th scope="col">{ "Version" }</th>
                            <th scope="col">{ "Event" }</th><th scope="col">{ "State after it" }</th>
                        </tr></thead>
                        <tbody>
                            { for stream.iter().map(|(p, ev, s)| html! {
                                <tr>
                                    <td>{ p }</td><td>{ ev.version }</td>
                                    <td>{ event_name(ev.kind, sc) }</td><td>{ state_text(s) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </div>
    }
}
