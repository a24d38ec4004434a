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
        "hexagon" => html! { <path d="M15 8 L11.5 14 L4.5 14 L1 8 L4.5 2 L11.5 2 Z" /> },
        "down-triangle" => html! { <path d="M8 14 L14 3 L2 3 Z" /> },
        "star" => {
            html! { <path d="M8 1 L9.8 5.6 L14.7 5.8 L10.9 8.9 L12.2 13.7 L8 11 L3.8 13.7 L5.1 8.9 L1.3 5.8 L6.2 5.6 Z" /> }
        }
        "bar" => html! { <rect x="1.5" y="5" width="13" height="6" /> },
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
    /// The names of the types the scenario's reactions publish or send, in type order
    /// (`StockReserved`, `PaymentFailed`...); each gets the shape and colour the stage draws
    /// it with.
    #[prop_or_default]
    pub follow_ups: Vec<AttrValue>,
    /// The system runs a saga: its commands, events and compensations get their own shapes.
    #[prop_or_default]
    pub saga: bool,
}

/// The follow-up types' shapes and classes, in the order of `paint::FOLLOW_UP_LOOKS`.
const FOLLOW_UP_SWATCHES: [(&str, &str); 4] =
    [("hexagon", "msg-f0"), ("down-triangle", "msg-f1"), ("star", "msg-f2"), ("bar", "msg-f3")];

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
    // A system whose actor cannot cancel sends neither a cancel request nor its event.
    let cancels = !props.cancel_event.is_empty();
    let items: Vec<_> =
        items.into_iter().filter(|(shape, ..)| cancels || !matches!(*shape, "hollow-diamond" | "triangle")).collect();
    let saga_items: &[(&str, &str, &str)] = if props.saga {
        &[
            ("square", "msg-call", "saga command: do a step"),
            ("diamond", "msg-ok", "saga event: step done"),
            ("down-triangle", "msg-fail", "compensation command: undo a step"),
            ("hollow-diamond", "msg-fail", "compensation event: step undone"),
        ]
    } else {
        &[]
    };
    let saga_items = saga_items
        .iter()
        .map(|(shape, class, label)| html! { <li>{ swatch(shape, class) }<span>{ *label }</span></li> });
    let follow_ups = props.follow_ups.iter().enumerate().map(|(k, name)| {
        let (shape, class) = FOLLOW_UP_SWATCHES[k % FOLLOW_UP_SWATCHES.len()];
        html! { <li>{ swatch(shape, class) }<span>{ name.clone() }</span></li> }
    });
    html! {
        <ul class="legend" aria-label="Key to the messages on the wires">
            { for items.iter().map(|(shape, class, label)| html! {
                <li>{ swatch(shape, class) }<span>{ *label }</span></li>
            }) }
            { for follow_ups }
            { for saga_items }
        </ul>
    }
}
