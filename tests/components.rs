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

// The failure lab's panels and menus.

use fanout::components::broker_settings::{BrokerSettings, BrokerSettingsProps};
use fanout::components::delivery_settings::{DeliverySettings, DeliverySettingsProps};
use fanout::components::effects_panel::{EffectsPanel, EffectsPanelProps};
use fanout::components::wire_faults::{WireFaults, WireFaultsProps};
use fanout::engine::{Engine, EngineHandle};
use fanout_sim::delivery::Guarantee;
use fanout_sim::fault::Fault;
use fanout_sim::Action;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::{BaseComponent, Callback};

/// An engine of its own, paused, for mounting one component against it.
fn engine(query: &str) -> EngineHandle {
    let (params, _) = fanout_sim::params::LabParams::parse(query);
    EngineHandle::new(Engine::from_params(&params).0)
}

/// A fresh div for one component.
fn root_div() -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

async fn mount_one<C: BaseComponent>(props: C::Properties) -> Element {
    let root = root_div();
    yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

/// Collects what a component reports to `on_changed`.
fn reports() -> (Rc<RefCell<Vec<Result<(), String>>>>, Callback<Result<(), String>>) {
    let log = Rc::new(RefCell::new(Vec::new()));
    let sink = log.clone();
    (log, Callback::from(move |r| sink.borrow_mut().push(r)))
}

async fn type_into(root: &Element, test_id: &str, value: &str) {
    let input = find(root, test_id).unchecked_into::<HtmlInputElement>();
    input.set_value(value);
    input.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    yew::scheduler::flush().await;
}

async fn choose(root: &Element, test_id: &str, value: &str) {
    let select = find(root, test_id).unchecked_into::<HtmlSelectElement>();
    select.set_value(value);
    assert_eq!(select.value(), value, "{test_id} has no option {value}");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    yew::scheduler::flush().await;
}

fn value_of(root: &Element, test_id: &str) -> i64 {
    find(root, test_id).get_attribute("data-value").unwrap().parse().unwrap()
}

#[wasm_bindgen_test]
async fn delivery_settings_change_the_core_and_refuse_bad_retries_at_the_field() {
    let engine = engine("?paused=1");
    let (log, on_changed) = reports();
    let root = mount_one::<DeliverySettings>(DeliverySettingsProps {
        engine: engine.clone(),
        service: 0,
        tick: 0,
        on_changed,
    })
    .await;
    let settings = || engine.borrow().sim().subscription(0).settings;
    assert!(!settings().idempotent);
    assert!(text(&root, "delivery-settings-email").contains("Idempotent: skip event IDs already processed"));
    click(&root, "idempotent-email").await;
    assert!(settings().idempotent, "the checkbox did not make Email idempotent");

    choose(&root, "guarantee-email", "at-most-once").await;
    assert_eq!(settings().guarantee, Guarantee::AtMostOnce);
    choose(&root, "consumers-email", "3").await;
    assert_eq!(settings().consumers, 3);

    type_into(&root, "retry-base-email", "-5").await;
    click(&root, "retry-apply-email").await;
    assert!(root.text_content().unwrap().contains("whole milliseconds"), "{}", root.text_content().unwrap());
    assert_eq!(settings().retry, fanout_sim::delivery::RetryPolicy::default(), "a refused retry was applied");

    type_into(&root, "retry-base-email", "100").await;
    type_into(&root, "retry-attempts-email", "2").await;
    type_into(&root, "retry-cap-email", "50").await;
    click(&root, "retry-apply-email").await;
    // The core refuses a cap below the base; the message is shown at the control and reported.
    assert!(root.text_content().unwrap().contains("cap"), "{}", root.text_content().unwrap());
    assert!(log.borrow().last().unwrap().is_err());
    type_into(&root, "retry-cap-email", "800").await;
    click(&root, "retry-apply-email").await;
    assert_eq!(settings().retry.max_attempts, 2);
    assert_eq!(settings().retry.cap_us, 800_000);
    assert!(log.borrow().last().unwrap().is_ok());
}

#[wasm_bindgen_test]
async fn wire_faults_apply_clear_and_refuse_bad_shares() {
    let engine = engine("?paused=1");
    let (_, on_changed) = reports();
    let root = mount_one::<WireFaults>(WireFaultsProps {
        engine: engine.clone(),
        service: Some("email".into()),
        tick: 0,
        on_changed,
    })
    .await;
    let faults = || engine.borrow().sim().faults().to_vec();
    type_into(&root, "drop-email", "150").await;
    click(&root, "drop-apply-email").await;
    assert!(root.text_content().unwrap().contains("percentage from 0 to 100"));
    assert!(faults().is_empty(), "150% was applied: {:?}", faults());

    type_into(&root, "drop-email", "20").await;
    click(&root, "drop-apply-email").await;
    assert_eq!(faults(), vec![Fault::Drop { service: Some("email".into()), share: 0.2 }]);
    type_into(&root, "drop-email", "0").await;
    click(&root, "drop-apply-email").await;
    assert!(faults().is_empty(), "0 did not clear the drop: {:?}", faults());

    type_into(&root, "delay-email", "50").await;
    type_into(&root, "delay-ms-email", "300").await;
    click(&root, "delay-apply-email").await;
    assert_eq!(faults(), vec![Fault::Delay { service: Some("email".into()), share: 0.5, extra_us: 300_000 }]);

    let next = engine.borrow().sim().next_order_id();
    assert!(try_find(&root, "poison-clear-email").is_none());
    click(&root, "poison-next-email").await;
    assert!(faults().contains(&Fault::Poison { service: "email".into(), order: next }));
    click(&root, "poison-clear-email").await;
    assert!(!faults().iter().any(|f| matches!(f, Fault::Poison { .. })));
}

#[wasm_bindgen_test]
async fn broker_settings_grow_the_topic_and_refuse_to_shrink_it() {
    let engine = engine("?paused=1");
    let (log, on_changed) = reports();
    let root = mount_one::<BrokerSettings>(BrokerSettingsProps { engine: engine.clone(), tick: 0, on_changed }).await;
    let sel = find(&root, "partitions").unchecked_into::<HtmlSelectElement>();
    assert_eq!(sel.value(), "8");
    choose(&root, "partitions", "12").await;
    assert_eq!(engine.borrow().sim().topic().partition_count(), 12);
    choose(&root, "partitions", "4").await;
    assert_eq!(engine.borrow().sim().topic().partition_count(), 12);
    assert!(log.borrow().last().unwrap().is_err());
    assert!(root.text_content().unwrap().contains("never removed"), "{}", root.text_content().unwrap());
    assert_eq!(find(&root, "partitions").unchecked_into::<HtmlSelectElement>().value(), "12");

    choose(&root, "partition-key", "none").await;
    assert_eq!(engine.borrow().sim().topic().key, fanout_sim::topic::PartitionKey::None);
    choose(&root, "cancel-share", "25").await;
    assert_eq!(engine.borrow().sim().cancel_share(), 0.25);
}

#[wasm_bindgen_test]
async fn effects_panel_shows_a_double_charge_when_acknowledgements_are_lost() {
    let engine = engine("?paused=1&rate=0");
    for a in [
        Action::AddSubscriber { service: "payment".into(), from: Default::default() },
        Action::Inject { fault: Fault::Duplicate { service: Some("payment".into()), share: 1.0 } },
        Action::BuyNow,
    ] {
        engine.apply(a).unwrap();
    }
    engine.borrow_mut().timeline.advance(6_000_000, u64::MAX);
    let root = mount_one::<EffectsPanel>(EffectsPanelProps { engine: engine.clone(), tick: 0 }).await;
    let (value, expected) = (value_of(&root, "effect-payment"), value_of(&root, "expected-payment"));
    assert!(expected > 0, "Payment charged nothing");
    assert!(value >= 2 * expected, "no double charge: {value} vs {expected}");
    assert!(value_of(&root, "duplicates-payment") >= 1);
    assert!(value_of(&root, "redeliveries-payment") >= 1);
    assert_eq!(value_of(&root, "skipped-payment"), 0);
    assert!(text(&root, "effect-payment").contains("charged"), "{}", text(&root, "effect-payment"));
    assert!(text(&root, "effects-panel").contains("exactly once, in order"));
}

#[wasm_bindgen_test]
async fn a_poisoned_event_is_dead_lettered_and_redriven_from_the_panel() {
    let root = mount("?until=10&seed=3&rate=2&fault=poison:email:1").await;
    assert_eq!(value_of(&root, "dlq-count-email"), 1, "{}", text(&root, "dlq-panel"));
    assert!(find(&root, "dead-email").text_content().unwrap().contains("1 dead letter"));
    assert!(find(&root, "node-email").text_content().unwrap().contains("1 dead letter"));
    let letter = root.query_selector("[data-testid^=\"dlq-email-\"]").unwrap().expect("a dead letter is listed");
    let id = letter.get_attribute("data-testid").unwrap();
    let event = id.trim_start_matches("dlq-email-").to_string();
    let words = letter.text_content().unwrap();
    assert!(words.contains("order 1") && words.contains("poison") && words.contains("attempts"), "{words}");
    click(&root, &format!("redrive-email-{event}")).await;
    assert!(try_find(&root, "dlq-count-email").is_none(), "{}", text(&root, "dlq-panel"));
    assert!(text(&root, "dlq-panel").contains("No dead letters"));
    assert!(try_find(&root, "dead-email").is_none());
}

#[wasm_bindgen_test]
async fn topic_panel_shows_offsets_and_a_replaying_subscriber_starts_at_zero() {
    let root = mount("?until=5&seed=4&rate=4").await;
    let partitions = value_of(&root, "topic-partitions");
    assert_eq!(partitions, 8);
    let ends: i64 = (0..partitions).map(|p| value_of(&root, &format!("log-end-{p}"))).sum();
    assert!(ends > 5, "only {ends} events in the log");
    assert!(try_find(&root, "committed-email-0").is_some());
    assert!(text(&root, "per-consumer-email").contains("1 consumer"));

    let select = find(&root, "add-subscriber-select").unchecked_into::<HtmlSelectElement>();
    select.set_value("sms");
    find(&root, "add-from").unchecked_into::<HtmlSelectElement>().set_value("earliest");
    click(&root, "add-subscriber").await;
    let committed: i64 = (0..partitions).map(|p| value_of(&root, &format!("committed-sms-{p}"))).sum();
    assert_eq!(committed, 0, "a replaying subscriber starts at offset 0");

    click(&root, "node-email").await;
    choose(&root, "consumers-email", "3").await;
    assert!(text(&root, "per-consumer-email").contains("3 consumers"), "{}", text(&root, "per-consumer-email"));
}

/// The timeline bar: stepping back shows the past, jumping goes to a moment, Latest returns
/// to the same trace hash.
#[wasm_bindgen_test]
async fn timeline_bar_steps_back_jumps_and_returns_to_the_same_trace() {
    let root = mount("?seed=5&rate=4&until=6").await;
    let status = || find(&root, "timeline-status");
    assert_eq!(status().get_attribute("data-now-us").as_deref(), Some("6000000"));
    assert_eq!(status().get_attribute("data-past").as_deref(), Some("false"));
    let hash = text(&root, "trace-hash");

    click(&root, "step-back").await;
    assert_eq!(status().get_attribute("data-past").as_deref(), Some("true"));
    assert_ne!(text(&root, "trace-hash"), hash, "one event undone changes the hash");

    let jump = find(&root, "jump-to").unchecked_into::<HtmlInputElement>();
    jump.set_value("2.5");
    jump.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    yew::scheduler::flush().await;
    click(&root, "jump-go").await;
    assert_eq!(status().get_attribute("data-now-us").as_deref(), Some("2500000"));

    click(&root, "to-latest").await;
    assert_eq!(status().get_attribute("data-now-us").as_deref(), Some("6000000"));
    assert_eq!(text(&root, "trace-hash"), hash, "replayed to the same trace");
}
