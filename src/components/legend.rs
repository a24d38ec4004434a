//! What the shapes on the wires mean. Shapes differ as well as colours.

use yew::prelude::*;

fn swatch(shape: &str, class: &str) -> Html {
    let body = match shape {
        "dot" => html! { <circle cx="8" cy="8" r="5" /> },
        "ring" => html! { <circle cx="8" cy="8" r="5" fill="none" stroke-width="2.5" /> },
        "square" => html! { <rect x="3" y="3" width="10" height="10" /> },
        "hollow" => html! { <rect x="3.5" y="3.5" width="9" height="9" fill="none" stroke-width="2.5" /> },
        "diamond" => html! { <path d="M8 1 L15 8 L8 15 L1 8 Z" /> },
        "hollow-diamond" => html! { <path d="M8 2 L14 8 L8 14 L2 8 Z" fill="none" stroke-width="2" /> },
        "triangle" => html! { <path d="M8 2 L14 13 L2 13 Z" /> },
        "small-cross" => html! { <path d="M5 5 L11 11 M11 5 L5 11" fill="none" stroke-width="2" /> },
        "check" => html! { <path d="M2.5 8 L6.5 12 L13.5 4" fill="none" stroke-width="2.5" /> },
        _ => html! { <path d="M3 3 L13 13 M13 3 L3 13" fill="none" stroke-width="2.5" /> },
    };
    html! {
        <svg class={classes!("swatch", class.to_string())} viewBox="0 0 16 16" width="16" height="16"
             aria-hidden="true" focusable="false">{ body }</svg>
    }
}

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// The scenario's event names: `OrderPlaced` and `OrderCancelled`, `TripBooked`...
    pub event: AttrValue,
    pub cancel_event: AttrValue,
    /// What the actor places: `order`, `trip`. Without it, the first word of the event's
    /// name, which the built-in scenarios name noun first (`OrderPlaced`, `TripBooked`).
    #[prop_or_default]
    pub noun: AttrValue,
}

/// The noun an event's name starts with: `order` for `OrderPlaced`, `trip` for `TripBooked`.
pub fn noun_of_event(event: &str) -> String {
    let end = event.char_indices().skip(1).find(|(_, c)| c.is_ascii_uppercase()).map_or(event.len(), |(i, _)| i);
    event[..end].to_ascii_lowercase()
}

#[component]
pub fn Legend(props: &LegendProps) -> Html {
    let placed = format!("{} event", props.event);
    let cancelled = format!("{} event", props.cancel_event);
    let noun = if props.noun.is_empty() { noun_of_event(&props.event) } else { props.noun.to_string() };
    let items = [
        ("dot", "msg-order", noun.as_str()),
        ("ring", "msg-ok", "confirmation"),
        ("square", "msg-call", "call"),
        ("hollow", "msg-call", "reply"),
        ("diamond", "msg-event", placed.as_str()),
        ("hollow-diamond", "msg-event", cancelled.as_str()),
        ("triangle", "msg-order", "cancel request"),
        ("check", "msg-ok", "acknowledgement"),
        ("cross", "msg-fail", "error or refusal"),
        ("small-cross", "msg-fail", "lost on the wire"),
    ];
    html! {
        <ul class="legend" aria-label="Key to the messages on the wires">
            { for items.iter().map(|(shape, class, label)| html! {
                <li>{ swatch(shape, class) }<span>{ *label }</span></li>
            }) }
        </ul>
    }
}
