//! Single-key shortcuts for the lab. They listen on the app's root element only, so they act
//! only while focus is inside the lab, never while the student types in a field, never with
//! Ctrl, Alt or Meta held (those belong to the browser and assistive technology), and not at
//! all when switched off in the display settings (WCAG 2.1.4).

use crate::engine::EngineHandle;
use fanout_sim::{Action, Wiring};
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    PlayPause,
    Buy,
    SwitchWiring,
    Step,
    Help,
}

/// The keys and what they do, as the help lists them. `buy` is the scenario's button and
/// noun (`Buy now`, `order`; `Book a trip`, `trip`); without them B is described by the
/// button's place, which is true in every scenario.
pub fn list(buy: Option<(&str, &str)>) -> [(&'static [&'static str], String); 5] {
    let b = match buy {
        Some((label, noun)) => format!("{label} (place one {noun})"),
        None => "Place one, as the toolbar's main button does".to_string(),
    };
    [
        (&["K", "Space"], "Play or pause".into()),
        (&["B"], b),
        (&["W"], "Switch the wiring".into()),
        (&["."], "Pause and process the next event".into()),
        (&["?", "H"], "Show this list".into()),
    ]
}

/// The shortcut a key press means, if any. `target` is the focused element.
pub fn from_event(e: &KeyboardEvent) -> Option<Shortcut> {
    if e.ctrl_key() || e.alt_key() || e.meta_key() || e.is_composing() {
        return None;
    }
    let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
    if target.as_ref().is_some_and(typing_in) {
        return None;
    }
    match e.key().as_str() {
        "k" => Some(Shortcut::PlayPause),
        // Space already presses the focused button or opens a summary: only take it elsewhere.
        " " if !target.as_ref().is_some_and(activates_on_space) => Some(Shortcut::PlayPause),
        "b" => Some(Shortcut::Buy),
        "w" => Some(Shortcut::SwitchWiring),
        "." => Some(Shortcut::Step),
        "?" | "h" => Some(Shortcut::Help),
        _ => None,
    }
}

fn typing_in(el: &Element) -> bool {
    matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
        || el.closest("[contenteditable]").ok().flatten().is_some()
}

fn activates_on_space(el: &Element) -> bool {
    matches!(el.tag_name().as_str(), "BUTTON" | "SUMMARY" | "A") || el.get_attribute("role").is_some()
}

/// Does what a lab shortcut means to the running simulation (Help is the page's business).
pub fn run(engine: &EngineHandle, s: Shortcut) -> Result<(), String> {
    match s {
        Shortcut::PlayPause => {
            let paused = engine.borrow().paused;
            engine.borrow_mut().set_paused(!paused);
            Ok(())
        }
        Shortcut::Buy => engine.apply(Action::BuyNow),
        Shortcut::SwitchWiring => {
            let wiring = match engine.borrow().sim().wiring() {
                Wiring::Event => Wiring::Request,
                Wiring::Request => Wiring::Event,
            };
            engine.apply(Action::SetWiring { wiring })
        }
        Shortcut::Step => {
            engine.borrow_mut().step();
            Ok(())
        }
        Shortcut::Help => Ok(()),
    }
}

/// Opens the display settings and the shortcut list inside `root`, and moves focus there.
pub fn show_help(root: &Element) {
    for id in ["display-settings", "shortcut-help"] {
        if let Ok(Some(el)) = root.query_selector(&format!("[data-testid=\"{id}\"]")) {
            let _ = el.set_attribute("open", "");
        }
    }
    crate::components::app::focus_test_id(root, "shortcut-help-summary");
}
