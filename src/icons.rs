//! Inline SVG icons (no emoji, no icon font): simple strokes that scale and take the
//! text colour.

use yew::prelude::*;

fn paths(name: &str) -> Html {
    match name {
        "person" => html! { <>
            <circle cx="12" cy="7" r="3.5"/>
            <path d="M5 21v-2a7 7 0 0 1 14 0v2"/>
        </> },
        "receipt" => html! { <>
            <path d="M6 3h12v18l-3-2-3 2-3-2-3 2z"/>
            <path d="M9 8h6M9 12h6M9 16h3"/>
        </> },
        "broker" => html! { <>
            <circle cx="12" cy="12" r="3"/>
            <path d="M12 3v4M12 17v4M3 12h4M17 12h4M5.6 5.6l2.8 2.8M15.6 15.6l2.8 2.8M18.4 5.6l-2.8 2.8M8.4 15.6l-2.8 2.8"/>
        </> },
        "mail" => html! { <>
            <rect x="3" y="5" width="18" height="14" rx="2"/>
            <path d="M3 7l9 6 9-6"/>
        </> },
        "box" => html! { <>
            <path d="M3 8l9-5 9 5v8l-9 5-9-5z"/>
            <path d="M3 8l9 5 9-5M12 13v8"/>
        </> },
        "chart" => html! { <>
            <path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/>
        </> },
        "truck" => html! { <>
            <path d="M2 6h12v10H2zM14 10h4l4 4v2h-8z"/>
            <circle cx="6" cy="18" r="2"/><circle cx="18" cy="18" r="2"/>
        </> },
        "chat" => html! { <>
            <path d="M4 4h16v12H9l-5 4z"/>
            <path d="M8 9h8M8 12h5"/>
        </> },
        "shield" => html! { <>
            <path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z"/>
            <path d="M9 12l2 2 4-4"/>
        </> },
        "star" => html! { <>
            <path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z"/>
        </> },
        "card" => html! { <>
            <rect x="2" y="5" width="20" height="14" rx="2"/>
            <path d="M2 10h20M6 15h4"/>
        </> },
        "bank" => html! { <>
            <path d="M3 9l9-5 9 5M5 10v8M9.5 10v8M14.5 10v8M19 10v8M3 20h18"/>
        </> },
        "ledger" => html! { <>
            <path d="M5 3h11l3 3v15H5z"/>
            <path d="M8 9h8M8 13h8M8 17h5M12 7v12"/>
        </> },
        "bell" => html! { <>
            <path d="M6 17V11a6 6 0 0 1 12 0v6l2 2H4z"/>
            <path d="M10 21h4"/>
        </> },
        // An alert's phases: firing rings, resolved is ticked off, inactive is silenced.
        "bell-ring" => html! { <>
            <path d="M6 17V11a6 6 0 0 1 12 0v6l2 2H4z"/>
            <path d="M10 21h4M2 8a10 10 0 0 1 3-5M22 8a10 10 0 0 0-3-5"/>
        </> },
        "bell-off" => html! { <>
            <path d="M6 17V11a6 6 0 0 1 12 0v6l2 2H4z"/>
            <path d="M10 21h4M3 3l18 18"/>
        </> },
        "resolved" => html! { <><circle cx="12" cy="12" r="8"/><path d="M8 12l3 3 5-6"/></> },
        "car" => html! { <>
            <path d="M3 16v-4l2-5h14l2 5v4z"/>
            <circle cx="7.5" cy="16.5" r="1.5"/><circle cx="16.5" cy="16.5" r="1.5"/>
        </> },
        "pin" => html! { <>
            <path d="M12 21s-7-6.5-7-12a7 7 0 0 1 14 0c0 5.5-7 12-7 12z"/>
            <circle cx="12" cy="9" r="2.5"/>
        </> },
        "page" => html! { <>
            <rect x="4" y="3" width="16" height="18" rx="2"/>
            <path d="M4 8h16M8 12h8M8 16h5"/>
        </> },
        "clock" => html! { <><circle cx="12" cy="12" r="8"/><path d="M12 7v5l3 2"/></> },
        "play" => html! { <path d="M7 4l13 8-13 8z"/> },
        "pause" => html! { <path d="M7 4h3v16H7zM14 4h3v16h-3z"/> },
        "step" => html! { <path d="M5 4l10 8-10 8zM18 4v16"/> },
        "back" => html! { <path d="M19 4L9 12l10 8zM6 4v16"/> },
        "reset" => html! { <path d="M4 12a8 8 0 1 0 3-6.2M4 4v5h5"/> },
        "cart" => html! { <>
            <path d="M3 4h2l2.5 11h11L21 7H6.2"/>
            <circle cx="9" cy="19" r="1.5"/><circle cx="17" cy="19" r="1.5"/>
        </> },
        "down" => html! { <path d="M6 6l12 12M18 6L6 18"/> },
        "slow" => html! { <><circle cx="12" cy="12" r="8"/><path d="M12 7v5l3 2"/></> },
        "errors" => html! { <><path d="M12 3l10 18H2z"/><path d="M12 10v5M12 18v.5"/></> },
        // A hand pointing: "click here".
        "pointer" => html! { <path d="M9 11V5a1.5 1.5 0 0 1 3 0v5M12 10V8.5a1.5 1.5 0 0 1 3 0V11M15 10.5a1.5 1.5 0 0 1 3 0V15a6 6 0 0 1-6 6h-1a6 6 0 0 1-5-2.7L4 15.5a1.5 1.5 0 0 1 2.5-1.7L9 16"/> },
        "plus" => html! { <path d="M12 5v14M5 12h14"/> },
        "close" => html! { <path d="M6 6l12 12M18 6L6 18"/> },
        "share" => {
            html! { <><circle cx="6" cy="12" r="2.5"/><circle cx="18" cy="6" r="2.5"/><circle cx="18" cy="18" r="2.5"/><path d="M8.2 10.9l7.6-3.8M8.2 13.1l7.6 3.8"/></> }
        }
        "download" => html! { <path d="M12 4v11M7 10l5 5 5-5M5 20h14"/> },
        _ => html! { <circle cx="12" cy="12" r="8"/> },
    }
}

/// An icon by name; decorative, so hidden from assistive technology.
pub fn icon(name: &str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"
             fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
            { paths(name) }
        </svg>
    }
}

/// The name of a service's icon, as the scenario file gives it.
pub fn service_icon(icon: fanout_sim::system::Icon) -> &'static str {
    use fanout_sim::system::Icon::*;
    match icon {
        Receipt => "receipt",
        Mail => "mail",
        Box => "box",
        Chart => "chart",
        Truck => "truck",
        Chat => "chat",
        Shield => "shield",
        Star => "star",
        Card => "card",
        Cart => "cart",
        Person => "person",
        Bank => "bank",
        Ledger => "ledger",
        Bell => "bell",
        Car => "car",
        Pin => "pin",
        Page => "page",
        Clock => "clock",
    }
}
