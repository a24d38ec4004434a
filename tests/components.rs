//! Component tests in headless Chromium (wasm-bindgen-test): mount the app or a component,
//! click, and assert on the DOM.

use fanout::components::app::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app in a fresh div of its own and lets it render.
async fn mount(query: &str) -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { query: query.to_string().into() }).render();
    yew::scheduler::flush().await;
    root
}

fn find(root: &Element, test_id: &str) -> Element {
    root.query_selector(&format!("[data-testid=\"{test_id}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={test_id}"))
}

fn try_find(root: &Element, test_id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{test_id}\"]")).unwrap()
}

async fn click(root: &Element, test_id: &str) {
    find(root, test_id).unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
}

fn text(root: &Element, test_id: &str) -> String {
    find(root, test_id).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn app_mounts_the_whole_checkout_topology() {
    let root = mount("?paused=1").await;
    let stage = find(&root, "stage");
    assert_eq!(stage.get_attribute("data-wiring").as_deref(), Some("event"));
    for id in [
        "node-shopper",
        "node-orders",
        "node-broker",
        "node-email",
        "node-inventory",
        "node-analytics",
        "node-shipping",
    ] {
        assert!(try_find(&root, id).is_some(), "{id} is missing");
    }
    for id in ["node-orders", "node-broker", "node-email"] {
        assert_eq!(find(&root, id).tag_name(), "BUTTON", "{id} must be a real button");
    }
    assert!(text(&root, "call-list").contains("Publishes 1 event"));
    assert_eq!(text(&root, "trace-hash").len(), 16);
}

#[wasm_bindgen_test]
async fn buy_now_places_an_order_that_the_log_reports() {
    let root = mount("?paused=1&rate=0").await;
    assert!(!text(&root, "log").contains("Order 1 placed"));
    click(&root, "buy").await;
    assert!(text(&root, "log").contains("Order 1 placed"), "log: {}", text(&root, "log"));
    assert_eq!(find(&root, "m-in-flight").get_attribute("data-value").as_deref(), Some("1"));
}

#[wasm_bindgen_test]
async fn wiring_toggle_switches_to_direct_calls() {
    let root = mount("?paused=1").await;
    click(&root, "wiring-request").await;
    assert_eq!(find(&root, "stage").get_attribute("data-wiring").as_deref(), Some("request"));
    assert!(text(&root, "call-list").contains("Calls 4 services"), "{}", text(&root, "call-list"));
    assert!(find(&root, "wiring-request").unchecked_into::<HtmlInputElement>().checked());
}

#[wasm_bindgen_test]
async fn stepping_advances_simulated_time_while_paused() {
    let root = mount("?paused=1&rate=0").await;
    click(&root, "buy").await;
    let before: u64 = find(&root, "stage").get_attribute("data-sim-time-us").unwrap().parse().unwrap();
    click(&root, "step").await;
    let after: u64 = find(&root, "stage").get_attribute("data-sim-time-us").unwrap().parse().unwrap();
    assert!(after > before, "step did not advance time: {before} -> {after}");
    assert_eq!(text(&root, "play").trim(), "Play");
}

#[wasm_bindgen_test]
async fn fault_menu_crashes_a_service_and_closes_on_escape() {
    let root = mount("?paused=1").await;
    assert!(try_find(&root, "fault-menu").is_none());
    click(&root, "node-email").await;
    let menu = find(&root, "fault-menu");
    assert!(menu.text_content().unwrap().contains("Email: faults"));
    // Focus moved into the menu.
    let active = gloo::utils::document().active_element().unwrap();
    assert!(menu.contains(Some(&active)), "focus is not inside the menu");
    click(&root, "fault-crash").await;
    assert!(find(&root, "node-email").text_content().unwrap().contains("down"));
    assert_eq!(text(&root, "fault-crash").trim(), "Recover");

    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let esc = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    find(&root, "fault-menu").dispatch_event(&esc).unwrap();
    yew::scheduler::flush().await;
    assert!(try_find(&root, "fault-menu").is_none(), "Escape did not close the menu");
    let active = gloo::utils::document().active_element().unwrap();
    assert!(root.contains(Some(&active)), "focus left this app");
    assert_eq!(active.get_attribute("data-testid").as_deref(), Some("node-email"));
}

#[wasm_bindgen_test]
async fn a_bad_slowdown_is_refused_at_the_control() {
    let root = mount("?paused=1").await;
    click(&root, "node-analytics").await;
    let input = find(&root, "fault-slow-ms").unchecked_into::<HtmlInputElement>();
    input.set_value("-5");
    input.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    yew::scheduler::flush().await;
    click(&root, "fault-slow-apply").await;
    assert!(find(&root, "fault-menu").text_content().unwrap().contains("whole milliseconds"));
    assert!(find(&root, "node-analytics").text_content().unwrap().contains("healthy"));
}

#[wasm_bindgen_test]
async fn adding_a_subscriber_adds_its_button() {
    let root = mount("?paused=1").await;
    assert!(try_find(&root, "node-sms").is_none());
    let select = find(&root, "add-subscriber-select").unchecked_into::<web_sys::HtmlSelectElement>();
    select.set_value("sms");
    click(&root, "add-subscriber").await;
    assert!(try_find(&root, "node-sms").is_some());
    assert!(text(&root, "log").contains("SMS subscribed to OrderPlaced: the Order Service did not change"));
}

#[wasm_bindgen_test]
async fn bad_link_parameters_show_notices_and_the_lab_still_runs() {
    let root = mount("?wiring=sideways&bogus=1&paused=1").await;
    let notices = text(&root, "notices");
    assert!(notices.contains("wiring") && notices.contains("request or event"), "{notices}");
    assert!(notices.contains("bogus"), "{notices}");
    assert_eq!(find(&root, "stage").get_attribute("data-wiring").as_deref(), Some("event"));
}

#[wasm_bindgen_test]
async fn until_runs_straight_to_that_moment_and_pauses() {
    let root = mount("?until=5&seed=9&rate=4").await;
    assert_eq!(find(&root, "stage").get_attribute("data-sim-time-us").as_deref(), Some("5000000"));
    assert_eq!(text(&root, "play").trim(), "Play");
    let ok: u64 = find(&root, "m-succeeded").get_attribute("data-value").unwrap().parse().unwrap();
    assert!(ok > 5, "only {ok} checkouts in 5 s at 4 per second");
}

#[wasm_bindgen_test]
fn the_error_panel_shows_what_happened() {
    // The panic hook calls this; index.html provides the panel, recreated here.
    let document = gloo::utils::document();
    let panel = document.create_element("section").unwrap();
    panel.set_id("error-panel");
    panel.set_attribute("hidden", "").unwrap();
    let detail = document.create_element("pre").unwrap();
    detail.set_id("error-detail");
    panel.append_child(&detail).unwrap();
    document.body().unwrap().append_child(&panel).unwrap();
    fanout::panic::show("boom at stage.rs:1");
    assert!(!panel.has_attribute("hidden"), "the panel is still hidden");
    assert_eq!(detail.text_content().as_deref(), Some("boom at stage.rs:1"));
}

#[wasm_bindgen_test]
async fn a_refused_order_rate_is_reported_and_the_field_shows_the_rate_in_force() {
    let root = mount("?paused=1&rate=2").await;
    let input = find(&root, "rate").unchecked_into::<HtmlInputElement>();
    input.set_value("-5");
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    yew::scheduler::flush().await;
    assert!(text(&root, "notices").contains("The order rate must be between 0 and"), "{}", text(&root, "notices"));
    assert_eq!(input.value(), "2");
}
