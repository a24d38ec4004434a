//! Component tests in headless Chromium (wasm-bindgen-test): mount the app or a component,
//! click, and assert on the DOM.

use fanout::components::app::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app in a fresh div of its own and lets it render.
#[path = "support/mounted.rs"]
mod mounted;
use mounted::Mounted;
#[path = "support/dom.rs"]
mod dom;
use dom::{click, find, text, try_find};

async fn mount(query: &str) -> Mounted {
    Mounted::new::<App>(root_div(), AppProps { query: query.to_string().into(), notices: Vec::new() }).await
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
async fn run_details_count_the_students_interventions_not_the_setup() {
    let root = mount("?paused=1&rate=0&wiring=request").await;
    assert_eq!(text(&root, "interventions"), "no interventions");
    click(&root, "buy").await;
    assert_eq!(text(&root, "interventions"), "1 intervention");
    click(&root, "buy").await;
    assert_eq!(text(&root, "interventions"), "2 interventions");
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

async fn mount_one<C: BaseComponent>(props: C::Properties) -> Mounted {
    Mounted::new::<C>(root_div(), props).await
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
    assert!(try_find(&root, "topic-list-partitions").is_none(), "eight partitions are listed without asking");
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

#[wasm_bindgen_test]
async fn a_long_topic_shows_its_totals_and_lists_each_partition_on_request() {
    let root = mount("?scenario=flash-sale&until=2&seed=3&rate=300").await;
    assert_eq!(value_of(&root, "topic-partitions"), 64);
    let button = find(&root, "topic-list-partitions");
    assert_eq!(button.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert!(try_find(&root, "log-end-0").is_none(), "64 rows listed before anyone asked");
    let total = value_of(&root, "log-end-all");
    assert!(total > 100, "only {total} events in the log");
    assert!(value_of(&root, "committed-email-all") <= total);

    click(&root, "topic-list-partitions").await;
    assert_eq!(find(&root, "topic-list-partitions").get_attribute("aria-expanded").as_deref(), Some("true"));
    let ends: i64 = (0..64).map(|p| value_of(&root, &format!("log-end-{p}"))).sum();
    assert_eq!(ends, total, "the totals row is the sum of the rows");
    let committed: i64 = (0..64).map(|p| value_of(&root, &format!("committed-email-{p}"))).sum();
    assert_eq!(committed, value_of(&root, "committed-email-all"));

    click(&root, "topic-list-partitions").await;
    assert!(try_find(&root, "log-end-0").is_none());
    assert!(text(&root, "topic-panel").contains("summed over the 64 partitions"));
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

// The lessons' checks: QuestionView for each kind of question, GradeView, and RichText.

use fanout::components::grade_view::{GradeView, GradeViewProps};
use fanout::components::question_view::{QuestionView, QuestionViewProps};
use fanout::components::rich_text::{RichText, RichTextProps};
use fanout::progress::CheckProgress;
use fanout_sim::lesson::grade::{shown_order, Answer, Grade, Line};
use fanout_sim::lesson::schema::{Choice, Item, Prediction, Question, Shown};

fn choice(id: &str, correct: bool) -> Choice {
    Choice { id: id.into(), text: format!("Option {id}"), correct, feedback: format!("Why {id}.") }
}

fn single() -> Question {
    Question::Single {
        id: "q1".into(),
        prompt: "Which `one`?".into(),
        options: vec![choice("a", false), choice("b", true), choice("c", false)],
    }
}

fn multiple() -> Question {
    Question::Multiple {
        id: "q2".into(),
        prompt: "Which ones?".into(),
        options: vec![choice("a", true), choice("b", false), choice("c", true)],
    }
}

fn ordering() -> Question {
    let item = |id: &str| Item { id: id.into(), text: format!("Item {id}"), feedback: format!("{id} goes here.") };
    Question::Ordering {
        id: "q3".into(),
        prompt: "In order".into(),
        items: vec![item("first"), item("second"), item("third"), item("fourth")],
        explanation: "First to fourth.".into(),
    }
}

fn predict() -> Question {
    let p = |id: &str, text: &str| Prediction {
        id: id.into(),
        text: text.into(),
        when: "a.x > 1".into(),
        feedback: "Because.".into(),
    };
    Question::Predict {
        id: "q4".into(),
        prompt: "What will happen?".into(),
        options: vec![p("up", "It goes up."), p("flat", "It stays flat.")],
        shows: vec![Shown { label: "x".into(), value: "a.x".into() }],
    }
}

/// Collects the answers a question emits.
fn answers() -> (Rc<RefCell<Vec<Answer>>>, Callback<Answer>) {
    let log = Rc::new(RefCell::new(Vec::new()));
    let sink = log.clone();
    (log, Callback::from(move |a| sink.borrow_mut().push(a)))
}

fn input(root: &Element, test_id: &str) -> HtmlInputElement {
    find(root, test_id).unchecked_into::<HtmlInputElement>()
}

fn disabled(root: &Element, test_id: &str) -> bool {
    find(root, test_id).has_attribute("disabled")
}

fn grade(correct: bool, text: &str) -> Grade {
    Grade {
        correct,
        raw: u32::from(correct),
        max: 1,
        feedback: vec![Line { ok: correct, text: text.into() }],
        numbers: vec![],
    }
}

#[wasm_bindgen_test]
async fn a_single_choice_question_emits_the_option_picked() {
    let (log, on_answer) = answers();
    let root = mount_one::<QuestionView>(QuestionViewProps { question: single(), saved: None, on_answer }).await;
    assert_eq!(find(&root, "question-q1").tag_name(), "FORM");
    assert_eq!(input(&root, "option-q1-a").type_(), "radio");
    // The prompt's `code` is shown as code.
    assert_eq!(root.query_selector("legend code").unwrap().and_then(|c| c.text_content()).as_deref(), Some("one"));
    assert!(disabled(&root, "answer-q1"), "the answer button is enabled before a pick");
    click(&root, "answer-q1").await;
    assert!(log.borrow().is_empty(), "a disabled button answered");

    click(&root, "option-q1-a").await;
    click(&root, "option-q1-c").await;
    assert!(input(&root, "option-q1-c").checked());
    assert!(!input(&root, "option-q1-a").checked(), "two radio buttons are checked");
    assert!(!disabled(&root, "answer-q1"));
    assert_eq!(text(&root, "answer-q1"), "Check my answer");
    click(&root, "answer-q1").await;
    assert_eq!(*log.borrow(), vec![Answer::Choice("c".into())]);
    // Ungraded until the parent saves a grade: no feedback yet.
    assert!(try_find(&root, "grade-q1").is_none());
}

#[wasm_bindgen_test]
async fn a_saved_wrong_answer_shows_its_feedback_and_can_be_tried_again() {
    let (log, on_answer) = answers();
    let saved = CheckProgress {
        answer: Answer::Choice("a".into()),
        grade: Some(grade(false, "Why a.")),
        first_raw: Some(0),
        max: 1,
        tries: 1,
    };
    let root = mount_one::<QuestionView>(QuestionViewProps { question: single(), saved: Some(saved), on_answer }).await;
    assert!(input(&root, "option-q1-a").checked(), "the saved answer is not shown");
    let g = find(&root, "grade-q1");
    assert_eq!(g.get_attribute("data-correct").as_deref(), Some("false"));
    assert!(g.text_content().unwrap().contains("Not quite") && g.text_content().unwrap().contains("Why a."));
    assert_eq!(text(&root, "answer-q1"), "Try again");
    click(&root, "option-q1-b").await;
    click(&root, "answer-q1").await;
    assert_eq!(*log.borrow(), vec![Answer::Choice("b".into())]);
}

#[wasm_bindgen_test]
async fn a_multiple_choice_question_emits_every_box_ticked() {
    let (log, on_answer) = answers();
    let root = mount_one::<QuestionView>(QuestionViewProps { question: multiple(), saved: None, on_answer }).await;
    assert_eq!(input(&root, "option-q2-a").type_(), "checkbox");
    assert!(text(&root, "question-q2").contains("Choose all that apply"));
    assert!(disabled(&root, "answer-q2"));
    click(&root, "option-q2-a").await;
    click(&root, "option-q2-b").await;
    click(&root, "option-q2-c").await;
    click(&root, "option-q2-b").await; // and untick it again
    assert!(input(&root, "option-q2-a").checked() && input(&root, "option-q2-c").checked());
    assert!(!input(&root, "option-q2-b").checked());
    click(&root, "answer-q2").await;
    assert_eq!(*log.borrow(), vec![Answer::Choices(vec!["a".into(), "c".into()])]);
    // Unticking everything disables the answer button again.
    click(&root, "option-q2-a").await;
    click(&root, "option-q2-c").await;
    assert!(disabled(&root, "answer-q2"), "an empty selection can be submitted");
}

#[wasm_bindgen_test]
async fn an_ordering_question_moves_items_with_its_buttons_and_emits_the_order() {
    let (log, on_answer) = answers();
    let q = ordering();
    let Question::Ordering { items, .. } = &q else { unreachable!() };
    let shown: Vec<String> = shown_order(&q).into_iter().map(|k| items[k].id.clone()).collect();
    assert_ne!(shown, vec!["first", "second", "third", "fourth"], "shown already in order");
    let root = mount_one::<QuestionView>(QuestionViewProps { question: q.clone(), saved: None, on_answer }).await;
    let order = || find(&root, "order-q3").get_attribute("data-value").unwrap();
    assert_eq!(order(), shown.join(","));
    let items_shown = root.query_selector_all("[data-testid=\"order-q3\"] li").unwrap().length();
    assert_eq!(items_shown, 4);
    assert!(disabled(&root, &format!("up-q3-{}", shown[0])), "the first item can move up");
    assert!(disabled(&root, &format!("down-q3-{}", shown[3])), "the last item can move down");
    assert_eq!(
        find(&root, &format!("down-q3-{}", shown[0])).get_attribute("aria-label").unwrap(),
        format!("Move down: Item {}", shown[0])
    );

    click(&root, &format!("down-q3-{}", shown[0])).await;
    let mut expected = shown.clone();
    expected.swap(0, 1);
    assert_eq!(order(), expected.join(","), "moving the first item down");
    click(&root, &format!("up-q3-{}", shown[3])).await;
    expected.swap(2, 3);
    assert_eq!(order(), expected.join(","), "moving the last item up");
    // The list on screen follows the order.
    let first_text =
        root.query_selector("[data-testid=\"order-q3\"] li .order-text").unwrap().unwrap().text_content().unwrap();
    assert_eq!(first_text, format!("Item {}", expected[0]));

    assert!(!disabled(&root, "answer-q3"), "an ordering can always be submitted");
    click(&root, "answer-q3").await;
    assert_eq!(*log.borrow(), vec![Answer::Order(expected)]);
}

#[wasm_bindgen_test]
async fn a_locked_prediction_cannot_change_and_says_what_was_predicted() {
    let (log, on_answer) = answers();
    let root =
        mount_one::<QuestionView>(QuestionViewProps { question: predict(), saved: None, on_answer: on_answer.clone() })
            .await;
    assert_eq!(text(&root, "answer-q4"), "Lock in my prediction");
    click(&root, "option-q4-flat").await;
    click(&root, "answer-q4").await;
    assert_eq!(*log.borrow(), vec![Answer::Choice("flat".into())]);

    let saved = CheckProgress { answer: Answer::Choice("flat".into()), grade: None, first_raw: None, max: 1, tries: 1 };
    let root =
        mount_one::<QuestionView>(QuestionViewProps { question: predict(), saved: Some(saved), on_answer }).await;
    assert!(input(&root, "option-q4-flat").checked());
    assert!(disabled(&root, "option-q4-up") && disabled(&root, "option-q4-flat"), "a locked prediction can change");
    assert!(disabled(&root, "answer-q4"));
    assert_eq!(text(&root, "answer-q4"), "Prediction locked in");
    // One full stop after the option's text, not two.
    assert_eq!(text(&root, "locked-q4"), "You predicted: It stays flat. Run the lab to see what really happens.");
    assert!(try_find(&root, "grade-q4").is_none(), "a prediction is graded only at its reveal");
}

#[wasm_bindgen_test]
async fn a_grade_shows_its_verdict_numbers_and_feedback_with_words_for_screen_readers() {
    let g = Grade {
        correct: false,
        raw: 0,
        max: 1,
        feedback: vec![
            Line { ok: true, text: "What happened: `p95` grew.".into() },
            Line { ok: false, text: "You predicted flat.".into() },
        ],
        numbers: vec![("p95, healthy".into(), "488 ms".into()), ("p95, slow".into(), "2444 ms".into())],
    };
    let root = mount_one::<GradeView>(GradeViewProps { grade: g, id: "p".into() }).await;
    let view = find(&root, "grade-p");
    assert_eq!(view.get_attribute("data-correct").as_deref(), Some("false"));
    assert!(view.text_content().unwrap().contains("Not quite"));
    let cells: Vec<String> = (0..4)
        .map(|k| {
            root.query_selector_all(".grade-numbers th, .grade-numbers td")
                .unwrap()
                .item(k)
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(cells, vec!["p95, healthy", "488 ms", "p95, slow", "2444 ms"]);
    let lines = root.query_selector_all(".feedback li").unwrap();
    assert_eq!(lines.length(), 2);
    let first = lines.item(0).unwrap().text_content().unwrap();
    assert!(first.starts_with("Right: ") && first.contains("p95"), "{first}");
    assert!(lines.item(1).unwrap().text_content().unwrap().starts_with("Missed: "));
    assert_eq!(root.query_selector(".feedback code").unwrap().unwrap().text_content().as_deref(), Some("p95"));

    let many = Grade { correct: false, raw: 4, max: 6, feedback: vec![], numbers: vec![] };
    let root = mount_one::<GradeView>(GradeViewProps { grade: many, id: "design".into() }).await;
    assert!(text(&root, "grade-design").contains("4 of 6 decisions match"));
}

#[wasm_bindgen_test]
async fn rich_text_shows_code_as_code_and_never_html_from_the_text() {
    let text = "Publish `OrderPlaced` <b>now</b> & <script>alert(1)</script>\nsame paragraph.\n\n- one `x`\n- <i>two</i>\n\nLast <img src=x onerror=alert(1)>.";
    let root = mount_one::<RichText>(RichTextProps { text: text.into() }).await;
    let paragraphs = root.query_selector_all(".rich-text > p").unwrap();
    assert_eq!(paragraphs.length(), 2);
    let p = paragraphs.item(0).unwrap().unchecked_into::<Element>();
    assert_eq!(p.query_selector("code").unwrap().unwrap().text_content().as_deref(), Some("OrderPlaced"));
    assert_eq!(
        p.text_content().as_deref(),
        Some("Publish OrderPlaced <b>now</b> & <script>alert(1)</script> same paragraph.")
    );
    // Nothing the text holds became an element: only the <code> the backquotes asked for.
    for tag in ["b", "i", "script", "img"] {
        assert!(root.query_selector(tag).unwrap().is_none(), "<{tag}> from the text became an element");
    }
    let items = root.query_selector_all(".rich-text ul li").unwrap();
    assert_eq!(items.length(), 2);
    assert_eq!(items.item(0).unwrap().unchecked_into::<Element>().inner_html(), "one <code>x</code>");
    assert_eq!(items.item(1).unwrap().text_content().as_deref(), Some("<i>two</i>"));
    assert_eq!(paragraphs.item(1).unwrap().text_content().as_deref(), Some("Last <img src=x onerror=alert(1)>."));
}

// ---------------------------------------------------------------------------------------------
// Display settings and keyboard shortcuts

use fanout::components::appearance::{Appearance, AppearanceProps};
use fanout::state::{Display, LabAction, LabState, Motion, Theme};
use yew::Reducible;

/// Puts the page back as the display tests found it: no saved settings, no theme pinned.
fn forget_display() {
    let storage = gloo::utils::window().local_storage().unwrap().unwrap();
    storage.remove_item(fanout::display::KEY).unwrap();
    let html = gloo::utils::document().document_element().unwrap();
    html.remove_attribute("data-theme").unwrap();
    html.remove_attribute("data-motion").unwrap();
}

fn checked(root: &Element, test_id: &str) -> bool {
    find(root, test_id).unchecked_into::<HtmlInputElement>().checked()
}

#[wasm_bindgen_test]
async fn appearance_shows_its_settings_and_reports_and_saves_a_change() {
    forget_display();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let display = Display { theme: Theme::Light, motion: Motion::Reduced, shortcuts: false, present: false };
    let props = AppearanceProps {
        display,
        on_change: Callback::from(move |d| sink.borrow_mut().push(d)),
        buy_label: Default::default(),
        noun: Default::default(),
    };
    let root = mount_one::<Appearance>(props).await;
    assert!(checked(&root, "theme-light") && !checked(&root, "theme-auto"));
    assert!(checked(&root, "motion-reduce"));
    assert!(!checked(&root, "shortcuts-switch"));
    assert!(text(&root, "shortcut-state").contains("switched off"));
    let html = gloo::utils::document().document_element().unwrap();
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("light"));
    assert_eq!(html.get_attribute("data-motion").as_deref(), Some("reduce"));
    // The list names every shortcut, in <kbd>.
    assert_eq!(root.query_selector_all(".shortcut-table tbody tr").unwrap().length(), 5);
    assert!(root.query_selector(".shortcut-table kbd").unwrap().is_some());

    click(&root, "theme-dark").await;
    assert_eq!(seen.borrow().last().copied(), Some(Display { theme: Theme::Dark, ..display }));
    click(&root, "shortcuts-switch").await;
    assert_eq!(seen.borrow().last().copied(), Some(Display { shortcuts: true, ..display }));
    let saved = gloo::utils::window().local_storage().unwrap().unwrap().get_item(fanout::display::KEY).unwrap();
    assert_eq!(fanout::display::parse(saved.as_deref()), Ok(Display { shortcuts: true, ..display }));
    forget_display();
}

#[wasm_bindgen_test]
async fn the_theme_setting_in_the_app_sets_data_theme_and_auto_removes_it() {
    forget_display();
    let root = mount("?paused=1").await;
    let html = gloo::utils::document().document_element().unwrap();
    assert!(checked(&root, "theme-auto"));
    assert_eq!(html.get_attribute("data-theme"), None);
    click(&root, "theme-dark").await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("dark"));
    assert!(checked(&root, "theme-dark") && !checked(&root, "theme-auto"));
    assert!(find(&root, "theme-dark").closest(".segment").unwrap().unwrap().class_name().split(" ").any(|c| c == "on"));
    click(&root, "theme-auto").await;
    assert_eq!(html.get_attribute("data-theme"), None);
    forget_display();
}

#[wasm_bindgen_test]
fn display_settings_parse_their_words_and_refuse_damage() {
    for t in Theme::ALL {
        assert_eq!(Theme::parse(t.as_str()), Some(t));
    }
    for m in Motion::ALL {
        assert_eq!(Motion::parse(m.as_str()), Some(m));
    }
    assert_eq!(Motion::parse("reduce"), Some(Motion::Reduced));
    assert_eq!(Theme::parse("Dark"), None);
    use fanout::display::{parse, to_json};
    assert_eq!(parse(None), Ok(Display::default()));
    assert!(Display::default().shortcuts, "shortcuts are on by default");
    let d = Display { theme: Theme::Dark, motion: Motion::Full, shortcuts: false, present: true };
    assert_eq!(parse(Some(&to_json(&d))), Ok(d));
    for bad in [
        "",
        "null",
        "{",
        "[]",
        r#"{"version":2,"theme":"dark","motion":"auto","shortcuts":true}"#,
        r#"{"version":1,"theme":"sepia","motion":"auto","shortcuts":true}"#,
        r#"{"version":1,"theme":"dark","motion":"auto"}"#,
    ] {
        let e = parse(Some(bad)).expect_err(bad);
        assert!(e.contains("display settings could not be read"), "{bad}: {e}");
    }
}

#[wasm_bindgen_test]
fn motion_setting_decides_the_effective_reduced_motion() {
    let state = Rc::new(LabState::new(vec![], false, true, Display::default()));
    assert!(state.reduced_motion, "Auto follows a system that asks for reduced motion");
    let full = Display { motion: Motion::Full, ..Display::default() };
    let state = state.reduce(LabAction::SetDisplay(full));
    assert!(!state.reduced_motion, "Full overrides the system");
    assert_eq!(state.display, full);
    let state = Rc::new(LabState::new(vec![], false, false, Display { motion: Motion::Reduced, ..Display::default() }));
    assert!(state.reduced_motion, "Reduced overrides a system that does not ask");
}

fn key(target: &Element, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    target.dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn shortcuts_act_inside_the_lab_but_not_in_fields_with_ctrl_or_when_off() {
    forget_display();
    let root = mount("?paused=1&rate=0").await;
    let in_flight = |root: &Element| find(root, "m-in-flight").get_attribute("data-value").unwrap();
    // Typing in the seed field and Ctrl+B are not shortcuts.
    key(&find(&root, "seed"), "b", false);
    key(&find(&root, "play"), "b", true);
    yew::scheduler::flush().await;
    assert_eq!(in_flight(&root), "0");
    key(&find(&root, "play"), "b", false);
    yew::scheduler::flush().await;
    assert_eq!(in_flight(&root), "1");
    key(&find(&root, "step"), "w", false);
    yew::scheduler::flush().await;
    assert_eq!(find(&root, "stage").get_attribute("data-wiring").as_deref(), Some("request"));

    click(&root, "shortcuts-switch").await;
    key(&find(&root, "play"), "b", false);
    yew::scheduler::flush().await;
    assert_eq!(in_flight(&root), "1", "switched off, B does nothing");
    forget_display();
}

// ----- course pages: host messages, statements, embed chrome -----

#[wasm_bindgen_test]
fn host_commands_are_read_as_data_and_bad_ones_say_why() {
    use fanout::bridge::{parse_command, Command};
    use serde_json::json;
    assert_eq!(parse_command(&json!({"target": "fanout", "type": "get-state"})), Ok(Command::GetState));
    assert_eq!(parse_command(&json!({"target": "fanout", "type": "reset"})), Ok(Command::Reset));
    assert_eq!(
        parse_command(
            &json!({"target": "fanout", "type": "set", "params": {"seed": 3, "paused": true, "fault": ["crash:email", "broker-down"]}})
        ),
        Ok(Command::Set("fault=crash:email&fault=broker-down&paused=1&seed=3".into()))
    );
    for (bad, why) in [
        (json!("get-state"), "no target"),
        (json!({"type": "get-state"}), "no target"),
        (json!({"target": "fanout"}), "no type"),
        (json!({"target": "fanout", "type": "eval"}), "not get-state, set or reset"),
        (json!({"target": "fanout", "type": "set"}), "needs params"),
        (json!({"target": "fanout", "type": "set", "params": {"seed": {"x": 1}}}), "params.seed must be"),
    ] {
        let e = parse_command(&bad).unwrap_err();
        assert!(e.contains(why), "{bad}: {e}");
    }
}

#[wasm_bindgen_test]
fn a_hosts_set_replaces_every_value_of_the_keys_it_names() {
    use fanout::host::{keys, merge};
    assert_eq!(
        merge("?seed=3&fault=crash:email&fault=slow:shipping:5ms&theme=dark", "fault=broker-down&seed=4"),
        "theme=dark&fault=broker-down&seed=4"
    );
    assert_eq!(keys("?a=1&b=2&a=3&c"), ["a", "b", "c"]);
}

#[wasm_bindgen_test]
fn statements_follow_each_graded_try_and_a_completed_lesson() {
    use fanout::progress::Progress;
    use fanout::statements::changes;
    use fanout_sim::lesson::grade::{Answer, Grade};
    let course = fanout::course::Course::with_builtin(fanout_sim::lesson::builtin::lessons().unwrap());
    let before = Progress::new();
    let mut after = before.clone();
    let right = Grade { correct: true, raw: 1, max: 1, feedback: vec![], numbers: vec![] };
    let wrong = Grade { correct: false, raw: 0, ..right.clone() };
    let l = after.lessons.entry("coupling".into()).or_default();
    l.answered("why-coupled", Answer::Choice("network".into()), Some(wrong), 1);
    let out = changes(&before, &after, &course, "https://lab.example/fanout/", "2026-01-01T00:00:00Z");
    assert_eq!(out.len(), 1);
    let s = &out[0].statement;
    assert_eq!(out[0].kind, "answered");
    assert_eq!(s["object"]["id"], "https://lab.example/fanout/?lesson=coupling#check-why-coupled");
    assert_eq!(s["result"]["success"], false);
    assert_eq!(s["result"]["score"]["max"], 1);
    assert!(s["object"]["definition"]["name"]["en-US"].as_str().unwrap().len() > 10, "the question's prompt names it");
    // A second try is a new statement; nothing else changed, nothing else is said.
    let mid = after.clone();
    let l = after.lessons.get_mut("coupling").unwrap();
    l.answered("why-coupled", Answer::Choice("waits".into()), Some(right), 1);
    l.completed = true;
    let out = changes(&mid, &after, &course, "https://lab.example/fanout/", "2026-01-01T00:00:00Z");
    let kinds: Vec<&str> = out.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, ["answered", "completed"]);
    assert_eq!(out[0].statement["result"]["extensions"]["urn:fanout:xapi:attempt"], 2);
    assert_eq!(out[1].statement["object"]["id"], "https://lab.example/fanout/?lesson=coupling");
    assert_eq!(out[1].statement["result"]["score"]["raw"], 0, "the first try counts");
    assert_eq!(out[1].statement["result"]["success"], false);
    assert!(changes(&after, &after, &course, "p", "t").is_empty());
}

#[wasm_bindgen_test]
async fn embed_hides_the_panels_named_and_lock_hides_the_sections() {
    let root = mount("?embed=1&hide=log,charts,share&lock=1").await;
    assert!(root.query_selector(".lab.embedded").unwrap().is_some());
    assert!(try_find(&root, "log").is_none());
    assert!(try_find(&root, "chart-response").is_none());
    assert!(try_find(&root, "share").is_none());
    assert!(try_find(&root, "nav-lessons").is_none());
    assert!(try_find(&root, "stage").is_some());
    let root = mount("?hide=timeline").await;
    assert!(try_find(&root, "share").is_some());
    assert!(try_find(&root, "nav-lessons").is_some());
    assert!(try_find(&root, "log").is_some());
}

#[wasm_bindgen_test]
async fn the_share_dialog_shows_a_link_to_this_moment_and_an_embed_snippet() {
    let root = mount("?seed=8&until=2&fault=crash:email").await;
    click(&root, "share").await;
    let link = find(&root, "share-link").dyn_into::<HtmlInputElement>().unwrap().value();
    assert!(link.ends_with("?seed=8&fault=crash:email&until=2"), "{link}");
    let code = find(&root, "embed-code").dyn_into::<web_sys::HtmlTextAreaElement>().unwrap().value();
    assert!(code.contains("embed=1") && code.contains("fanout-embed.js") && !code.contains("until="), "{code}");
    click(&root, "embed-moment").await;
    let code = find(&root, "embed-code").dyn_into::<web_sys::HtmlTextAreaElement>().unwrap().value();
    assert!(code.contains("until=2"), "{code}");
    // A modal dialog makes the rest of the document inert: close it for the other tests.
    click(&root, "share-close").await;
    assert!(try_find(&root, "share-dialog").is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn the_scene_summary_says_what_exists_how_it_is_wired_what_fails_and_the_numbers() {
    let root = mount("?paused=1&wiring=request&fault=crash:email").await;
    let summary = text(&root, "scene-summary");
    assert!(summary.starts_with("Request-driven:"), "{summary}");
    assert!(summary.contains("calls Email, Inventory, Analytics, Shipping"), "{summary}");
    assert!(summary.contains("Failing: Email"), "{summary}");
    assert!(summary.contains("So far: 0 placed, 0 succeeded, 0 failed, 0 in progress."), "{summary}");
    let root = mount("?until=10").await;
    let summary = text(&root, "scene-summary");
    assert!(
        summary.contains("Nothing is failing.") && summary.contains("p95") && summary.contains("lag Email"),
        "{summary}"
    );
}

#[wasm_bindgen_test]
async fn the_lesson_map_says_when_lessons_are_coming_or_failed_and_can_try_again() {
    use fanout::components::lesson_map::{LessonMap, LessonMapProps};
    use fanout::course::{Course, Load};
    use fanout::progress::{Progress, ProgressHandle};
    let retries = Rc::new(RefCell::new(0));
    let props = |status: Load| {
        let mut course = Course::with_builtin(fanout_sim::lesson::builtin::lessons().unwrap());
        if status != Load::Ready {
            course.builtin.clear();
        }
        course.status = status;
        let counter = retries.clone();
        LessonMapProps {
            course,
            progress: ProgressHandle::new(Progress::new()),
            tick: 0,
            on_open: Callback::noop(),
            on_reset: Callback::noop(),
            on_retry: Callback::from(move |_| *counter.borrow_mut() += 1),
        }
    };
    let root = mount_one::<LessonMap>(props(Load::Loading)).await;
    assert_eq!(find(&root, "lessons-loading").get_attribute("role").as_deref(), Some("status"));
    assert!(try_find(&root, "lesson-card-coupling").is_none());

    let root =
        mount_one::<LessonMap>(props(Load::Failed("lessons/01-coupling.json could not be fetched".into()))).await;
    let failed = text(&root, "lessons-failed");
    assert!(failed.contains("could not be loaded: lessons/01-coupling.json could not be fetched"), "{failed}");
    click(&root, "lessons-retry").await;
    assert_eq!(*retries.borrow(), 1);
    let focused = gloo::utils::document().active_element().and_then(|e| e.get_attribute("id"));
    assert_eq!(focused.as_deref(), Some("map-title"), "focus waits on the heading, not on nothing");

    let root = mount_one::<LessonMap>(props(Load::Ready)).await;
    assert!(try_find(&root, "lessons-loading").is_none() && try_find(&root, "lessons-failed").is_none());
    assert_eq!(
        root.query_selector_all(".lesson-card").unwrap().length() as usize,
        fanout_sim::lesson::builtin::NAMES.len()
    );
}

/// A service that follows another service's reaction cannot be called by the entry service
/// instead, so its settings offer no such choice; one that reacts to the entry's event does.
#[wasm_bindgen_test]
async fn only_a_service_reacting_to_the_entry_event_offers_to_be_called_synchronously() {
    let scenario = fanout_sim::system::load(include_str!("../content/scenarios/bank-transfer.json")).unwrap();
    fanout_sim::system::registry::register("scenarios/bank-transfer.json", scenario).unwrap();
    let engine = engine("?paused=1&scenario=scenarios%2Fbank-transfer.json");
    let sc = engine.borrow().sim().scenario().clone();
    assert_eq!(sc.id, "bank-transfer", "the link opened the loaded scenario");
    let (_, on_changed) = reports();
    for (key, offered) in [("fraud", true), ("ledger", false), ("notify", false)] {
        let service = sc.catalog_index(key).unwrap() as u16;
        let root = mount_one::<DeliverySettings>(DeliverySettingsProps {
            engine: engine.clone(),
            service,
            tick: 0,
            on_changed: on_changed.clone(),
        })
        .await;
        let found = root.query_selector(&format!("[data-testid='sync-{key}']")).unwrap().is_some();
        assert_eq!(found, offered, "{key}");
    }
}

#[wasm_bindgen_test]
async fn the_event_store_panel_shows_a_wrong_dashboard_and_a_rebuild_starts_it_from_zero() {
    let root = mount(
        "?until=20&seed=7&rate=10&at=0s:storage:event-sourced&at=0s:cancel-share:0.3&at=0s:inject:dashboard-bug\
         &at=15s:clear:dashboard-bug",
    )
    .await;
    let attr = |id: &str, name: &str| find(&root, id).get_attribute(name).unwrap_or_default();
    assert_eq!(attr("read-model-dashboard", "data-wrong"), "true", "fixed code does not fix what it counted");
    assert!(text(&root, "read-model-status-dashboard").contains("Wrong, not just behind"));
    assert_eq!(attr("read-model-history", "data-wrong"), "false");
    assert!(text(&root, "read-model-caption-dashboard").contains("sales dashboard · wrong"));
    assert!(attr("store-summary", "data-events").parse::<u64>().unwrap() > 150);
    click(&root, "rebuild-dashboard").await;
    assert_eq!(attr("read-model-dashboard", "data-position"), "0", "its snapshot-less rebuild starts at 0");
    assert_eq!(attr("read-model-dashboard", "data-rebuilding"), "true");
    assert!(text(&root, "read-model-status-dashboard").contains("Rebuilding from position 0"));
}

#[wasm_bindgen_test]
async fn the_registry_panel_deploys_refuses_with_a_reason_and_upgrades_a_reader() {
    let root = mount("?until=5&seed=7&rate=5").await;
    let attr = |id: &str, name: &str| find(&root, id).get_attribute(name).unwrap_or_default();
    assert!(try_find(&root, "writes-version").is_none(), "no badge before anything evolves");
    click(&root, "deploy-add-coupon").await;
    assert_eq!(attr("subject-OrderPlaced", "data-producer"), "2");
    assert!(text(&root, "writes-version").contains("writes v2"));
    assert!(text(&root, "reads-version-email").contains("reads v1"));
    click(&root, "deploy-add-currency").await;
    assert!(text(&root, "registry-history-OrderPlaced").contains("refused under BACKWARD"));
    assert_eq!(attr("subject-OrderPlaced", "data-producer"), "2");
    choose(&root, "reader-email", "2").await;
    assert_eq!(attr("reader-row-email", "data-version"), "2");
}

#[wasm_bindgen_test]
async fn the_alerts_panel_fires_on_a_crashed_subscribers_lag_and_takes_a_new_for() {
    // Email crashes at 5 s, event-driven: its lag climbs past 50, waits out its 10 s `for`
    // and fires; a crashed consumer fails nothing, so its error alert stays inactive.
    let root = mount("?until=35&seed=11&rate=5&wiring=event&fault=crash:email:5s-").await;
    let attr = |id: &str, name: &str| find(&root, id).get_attribute(name).unwrap_or_default();
    assert_eq!(attr("alert-row-email-lag", "data-phase"), "firing");
    assert!(text(&root, "alert-phase-email-lag").contains("firing"));
    assert_eq!(attr("alert-row-email-errors", "data-phase"), "inactive");
    assert_eq!(attr("alerts-panel", "data-firing"), "1");
    assert!(text(&root, "alerts-summary").contains("1 firing"), "{}", text(&root, "alerts-summary"));
    // Seen on the stage too: the bell on Email's node, and the scene summary's sentence.
    assert_eq!(attr("bell-email", "data-phase"), "firing");
    assert!(try_find(&root, "bell-orders").is_none(), "the checkout is fine event-driven");
    assert!(text(&root, "scene-summary").contains("Alert firing: Email lag above 50 events for 10 s"));
    let history = text(&root, "alert-history");
    assert!(history.contains("Email lag") && history.contains("pending") && history.contains("firing"), "{history}");
    assert!(text(&root, "red-email").starts_with("Email"));
    // A new `for` is applied to the rule at once, and the log says so.
    choose(&root, "alert-for-email-errors", "0").await;
    assert!(text(&root, "alert-row-email-errors").contains("Email error rate above 5% at once"));
    assert_eq!(find(&root, "alert-for-email-errors").unchecked_into::<HtmlSelectElement>().value(), "0");
    assert!(text(&root, "log").contains("now fires at the first sample over its line"), "{}", text(&root, "log"));
}

/// Lets a queued browser task run (a `<details>` fires `toggle` in one), then renders.
async fn next_task() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        gloo::utils::window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    yew::scheduler::flush().await;
}

async fn open_traces(root: &Element) {
    let summary = find(root, "trace-details").query_selector("summary").unwrap().unwrap();
    summary.unchecked_into::<web_sys::HtmlElement>().click();
    next_task().await;
}

#[wasm_bindgen_test]
async fn the_trace_panel_draws_the_slowest_order_with_its_table_and_keeps_it_on_a_bad_number() {
    use fanout::components::trace_panel::{TracePanel, TracePanelProps};
    let (_, on_changed) = reports();
    let engine = engine("?until=20&seed=5&rate=5&wiring=request&at=0s:inject:slow:analytics:500ms");
    let props = TracePanelProps { engine: engine.clone(), tick: 0, asked: None, start_open: false, narrow: false, on_changed };
    let root = mount_one::<TracePanel>(props).await;
    assert!(try_find(&root, "waterfall").is_none(), "folded, nothing is built");
    open_traces(&root).await;
    assert!(try_find(&root, "trace-empty").is_some());
    click(&root, "trace-pick-slowest").await;
    let slowest = engine.borrow().sim().trace_picks().slowest.unwrap();
    let spans = engine.borrow().sim().trace_of(slowest).spans.len() as u32;
    assert_eq!(find(&root, "trace-panel").get_attribute("data-order"), Some(slowest.to_string()));
    assert_eq!(find(&root, "waterfall").get_attribute("data-spans"), Some(spans.to_string()));
    assert_eq!(root.query_selector_all("[data-testid=waterfall] g.wf-span").unwrap().length(), spans);
    assert_eq!(root.query_selector_all("[data-testid=waterfall-table] tr.span-row").unwrap().length(), spans);
    assert!(root.query_selector("[data-testid=waterfall] g.wf-span.critical").unwrap().is_some());
    let summary = text(&root, "waterfall-summary");
    assert!(summary.starts_with(&format!("Order {slowest}: the shopper waited ")), "{summary}");
    assert!(summary.contains("in calls to Email, Inventory, Analytics and Shipping, one after another"), "{summary}");
    // A bad number is refused with a message, and the trace shown stays.
    type_into(&root, "trace-order-input", "twelve").await;
    click(&root, "trace-order-go").await;
    assert!(text(&root, "trace-order-error").contains("is not an order number"));
    type_into(&root, "trace-order-input", "100000").await;
    click(&root, "trace-order-go").await;
    assert!(text(&root, "trace-order-error").contains("There is no order 100000 yet"));
    assert_eq!(find(&root, "trace-panel").get_attribute("data-order"), Some(slowest.to_string()));
    assert!(try_find(&root, "waterfall").is_some());
}

#[wasm_bindgen_test]
async fn a_consumer_that_drops_the_context_splits_the_waterfall_into_two_trace_blocks() {
    use fanout::components::trace_panel::{TracePanel, TracePanelProps};
    let (_, on_changed) = reports();
    let engine = engine("?until=20&seed=5&rate=5&wiring=event&at=0s:inject:drop-context:email");
    let props = TracePanelProps { engine, tick: 0, asked: None, start_open: false, narrow: false, on_changed };
    let root = mount_one::<TracePanel>(props).await;
    open_traces(&root).await;
    type_into(&root, "trace-order-input", "5").await;
    click(&root, "trace-order-go").await;
    let waterfall = find(&root, "waterfall");
    assert_eq!(waterfall.get_attribute("data-traces").as_deref(), Some("2"));
    assert_eq!(root.query_selector_all("[data-testid=waterfall] .wf-trace-head").unwrap().length(), 2);
    assert_eq!(find(&root, "context-marker").get_attribute("data-linked").as_deref(), Some("false"));
    assert!(find(&root, "context-marker").text_content().unwrap().contains("context lost here"));
    let summary = text(&root, "waterfall-summary");
    assert!(summary.contains("until the broker had the event"), "{summary}");
    assert!(summary.contains("Email dropped the trace context: its work is in a second trace."), "{summary}");
}
