//! Fanout's page: a Yew app that drives the simulation core and draws it.
//!
//! The core (`fanout-sim`) decides everything; this crate only turns user actions into
//! inputs for it and paints what it reports.

pub mod alert_view;
pub mod alert_words;
pub mod bridge;
pub mod chart_data;
pub mod charts;
pub mod clipboard;
pub mod components;
pub mod course;
pub mod display;
pub mod download;
pub mod engine;
pub mod host;
pub mod icons;
pub mod layout;
pub mod narration;
pub mod paint;
pub mod panic;
pub mod progress;
pub mod scenario_file;
pub mod shortcuts;
pub mod state;
pub mod statements;
pub mod step_words;
pub mod waterfall_layout;
pub mod words;

use wasm_bindgen::JsCast;

/// Starts the app in `#app`, replacing the loading state. A `?scenario=` that is an address
/// is fetched and checked first, so that the lab starts with the system it names; on any
/// problem the lab starts without it and a notice says what was wrong.
pub fn start() {
    panic::install();
    let query = gloo::utils::window().location().search().unwrap_or_default();
    match scenario_file::address_in(&query) {
        Some(address) => wasm_bindgen_futures::spawn_local(async move {
            let (query, notices) = scenario_file::fetch_and_load(&query, &address).await;
            mount(query, notices);
        }),
        None => mount(query, Vec::new()),
    }
}

fn mount(query: String, notices: Vec<String>) {
    let document = gloo::utils::document();
    let root = document.get_element_by_id("app").expect("index.html has #app");
    if let Some(boot) = document.get_element_by_id("boot") {
        boot.remove();
    }
    let props = components::app::AppProps { query: query.into(), notices };
    yew::Renderer::<components::app::App>::with_root_and_props(root.unchecked_into(), props).render();
}
