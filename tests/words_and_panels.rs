//! The panels in the scenario's words, money as money, Expected against lost events, every
//! problem of a link shown, named disclosures, and a side-effects table that fits the side
//! column. Headless Chromium (wasm-bindgen-test), like `components.rs`.

use fanout::components::app::{App, AppProps};
use fanout::components::appearance::{Appearance, AppearanceProps};
use fanout::components::broker_settings::{BrokerSettings, BrokerSettingsProps};
use fanout::components::charts_panel::{ChartsPanel, ChartsPanelProps};
use fanout::components::delivery_settings::{DeliverySettings, DeliverySettingsProps};
use fanout::components::dlq_panel::{DlqPanel, DlqPanelProps};
use fanout::components::effects_panel::{EffectsPanel, EffectsPanelProps};
use fanout::components::fault_menu::{FaultMenu, FaultMenuProps};
use fanout::components::legend::{Legend, LegendProps};
use fanout::components::metrics_panel::{MetricsPanel, MetricsPanelProps};
use fanout::components::topic_panel::{TopicPanel, TopicPanelProps};
use fanout::components::wire_faults::{WireFaults, WireFaultsProps};
use fanout::engine::{Engine, EngineHandle};
use fanout::state::{Display, LabAction, LabState, KEPT_WHILE_RUNNING};
use fanout_sim::delivery::{Guarantee, StartFrom};
use fanout_sim::fault::Fault;
use fanout_sim::narration::{Note, NoteKind};
use fanout_sim::{Action, Node, Scenario};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::{BaseComponent, Callback, Reducible};

wasm_bindgen_test_configure!(run_in_browser);

// ----- helpers -----

/// An engine of its own, paused, for mounting one component against it.
fn engine(query: &str) -> EngineHandle {
    let (params, _) = fanout_sim::params::LabParams::parse(query);
    EngineHandle::new(Engine::from_params(&params).0)
}

fn apply_all(engine: &EngineHandle, actions: Vec<Action>) {
    for a in actions {
        engine.apply(a).unwrap();
    }
}

fn advance(engine: &EngineHandle, us: u64) {
    engine.borrow_mut().timeline.advance(us, u64::MAX);
}

fn root_div(width: Option<&str>) -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    if let Some(w) = width {
        root.set_attribute("style", &format!("width:{w}")).unwrap();
    }
    document.body().unwrap().append_child(&root).unwrap();
    root
}

#[path = "support/mounted.rs"]
mod mounted;
use mounted::Mounted;
#[path = "support/dom.rs"]
mod dom;
use dom::{find, try_find};

async fn mount_in<C: BaseComponent>(root: Element, props: C::Properties) -> Mounted {
    Mounted::new::<C>(root, props).await
}

async fn mount_one<C: BaseComponent>(props: C::Properties) -> Mounted {
    mount_in::<C>(root_div(None), props).await
}

async fn mount_app(query: &str) -> Mounted {
    mount_in::<App>(root_div(None), AppProps { query: query.to_string().into(), notices: Vec::new() }).await
}

fn select(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn text_of(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

fn value_of(root: &Element, test_id: &str) -> i64 {
    find(root, test_id).get_attribute("data-value").unwrap().parse().unwrap()
}

/// What a person can read or hear in `el`: its text and its accessible names and titles.
fn words_in(el: &Element) -> String {
    let mut out = text_of(el);
    let named = el.query_selector_all("[aria-label], [title]").unwrap();
    for i in 0..named.length() {
        let e: Element = named.item(i).unwrap().unchecked_into();
        for attr in ["aria-label", "title"] {
            if let Some(v) = e.get_attribute(attr) {
                out.push_str(" | ");
                out.push_str(&v);
            }
        }
    }
    out
}

/// The checkout shop's words found in `text`. "In order" and "out of order" are about
/// sequence, not about a shop's orders, and stay allowed.
fn checkout_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found: Vec<String> = [
        "order service",
        "shopper",
        "orders per second",
        "orderplaced",
        "ordercancelled",
        "the shop",
        "checkout",
        "buy now",
        "order id",
    ]
    .iter()
    .filter(|w| lower.contains(*w))
    .map(|w| w.to_string())
    .collect();
    let sequence = lower.replace("out of order", "").replace("in order", "");
    let bytes = sequence.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric();
    for (at, _) in sequence.match_indices("order") {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + 5).copied();
        let plural_end = bytes.get(at + 6).copied();
        let whole = !before.is_some_and(is_word)
            && (!after.is_some_and(is_word) || (after == Some(b's') && !plural_end.is_some_and(is_word)));
        if whole {
            let end = (at + 40).min(sequence.len());
            found.push(format!("order: …{}", &sequence[at..end]));
        }
    }
    found
}

fn assert_no_checkout_words(what: &str, el: &Element) {
    let text = words_in(el);
    let found = checkout_words(&text);
    assert!(found.is_empty(), "{what} says {found:?} in a ride-sharing lab:\n{text}");
}

/// Lists that read empty: "to .", ": .", "Now: ." and the like.
fn assert_no_empty_list(what: &str, el: &Element) {
    let text = words_in(el);
    for bad in [" to .", ": .", ":  ", " , ", "()", "( )"] {
        assert!(!text.contains(bad), "{what} has an empty list ({bad:?}):\n{text}");
    }
}

fn ignore<T: 'static>() -> Callback<T> {
    Callback::from(|_| ())
}

// ----- 1. scenario words everywhere -----

/// A ride-sharing lab with Pricing and Rider notification subscribed, a dead letter, a
/// lost event and a few trips booked.
fn ride_lab() -> EngineHandle {
    let e = engine("?scenario=ride-sharing&paused=1&rate=0&seed=3");
    apply_all(
        &e,
        vec![
            Action::AddSubscriber { service: "pricing".into(), from: StartFrom::Latest },
            Action::AddSubscriber { service: "notify".into(), from: StartFrom::Latest },
            Action::Inject { fault: Fault::Poison { service: "notify".into(), order: 1 } },
            Action::SetGuarantee { service: "pricing".into(), guarantee: Guarantee::AtMostOnce },
            Action::Inject { fault: Fault::Drop { service: Some("pricing".into()), share: 0.5 } },
            Action::SetCancelShare { share: 0.25 },
        ],
    );
    for _ in 0..6 {
        e.apply(Action::BuyNow).unwrap();
    }
    advance(&e, 30_000_000);
    e
}

fn index(e: &EngineHandle, key: &str) -> u16 {
    e.borrow().sim().scenario().catalog_index(key).unwrap() as u16
}

#[wasm_bindgen_test]
async fn every_panel_of_a_ride_sharing_lab_says_trips_riders_and_bookings() {
    let e = ride_lab();
    let notify = index(&e, "notify");
    let tick = 0;
    let panels: Vec<(&str, Mounted)> = vec![
        ("metrics panel", mount_one::<MetricsPanel>(MetricsPanelProps { engine: e.clone(), tick }).await),
        ("effects panel", mount_one::<EffectsPanel>(EffectsPanelProps { engine: e.clone(), tick }).await),
        ("topic panel", mount_one::<TopicPanel>(TopicPanelProps { engine: e.clone(), tick }).await),
        ("dead letters", mount_one::<DlqPanel>(DlqPanelProps { engine: e.clone(), tick, on_changed: ignore() }).await),
        (
            "charts",
            mount_one::<ChartsPanel>(ChartsPanelProps {
                engine: e.clone(),
                chart_tick: 1,
                keys: vec!["response-time", "lag"],
            })
            .await,
        ),
        (
            "broker settings",
            mount_one::<BrokerSettings>(BrokerSettingsProps { engine: e.clone(), tick, on_changed: ignore() }).await,
        ),
        (
            "delivery settings",
            mount_one::<DeliverySettings>(DeliverySettingsProps {
                engine: e.clone(),
                service: notify,
                tick,
                on_changed: ignore(),
            })
            .await,
        ),
        (
            "wire faults",
            mount_one::<WireFaults>(WireFaultsProps {
                engine: e.clone(),
                service: Some("notify".into()),
                tick,
                on_changed: ignore(),
            })
            .await,
        ),
        (
            "broker's fault menu",
            mount_one::<FaultMenu>(FaultMenuProps {
                engine: e.clone(),
                node: Node::Broker,
                tick,
                on_close: ignore(),
                on_changed: ignore(),
                on_trace: None,
            })
            .await,
        ),
        (
            "a subscriber's fault menu",
            mount_one::<FaultMenu>(FaultMenuProps {
                engine: e.clone(),
                node: Node::Service(notify),
                tick,
                on_close: ignore(),
                on_changed: ignore(),
                on_trace: None,
            })
            .await,
        ),
        (
            "legend as the stage mounts it",
            mount_one::<Legend>(LegendProps {
                event: "TripBooked".into(),
                cancel_event: "TripCancelled".into(),
                noun: Default::default(),
                follow_ups: Vec::new(),
                saga: false,
            })
            .await,
        ),
        (
            "shortcut list",
            mount_one::<Appearance>(AppearanceProps {
                display: Display::default(),
                on_change: ignore(),
                buy_label: "Book a trip".into(),
                noun: "trip".into(),
            })
            .await,
        ),
    ];
    for (what, el) in &panels {
        assert_no_checkout_words(what, el);
        assert_no_empty_list(what, el);
    }
    let all: String = panels.iter().map(|(_, el)| words_in(el)).collect();
    for own in [
        "Booking, as the rider sees it",
        "Last booking",
        "Riders who cancel just after booking",
        "Trip ID",
        "the Trip Service waits for its answer",
        "Poison the next trip's event",
        "TripBooked will always fail here",
        "fails the booking",
        "Booking response time",
        "Book a trip (place one trip)",
        "TripBooked",
        "trip 1",
    ] {
        assert!(all.contains(own), "no {own:?} in:\n{all}");
    }
    // The legend's dot is the rider's trip, even without the noun given.
    assert!(text_of(&panels[10].1).contains("trip"), "{}", text_of(&panels[10].1));

    // The announcer's summary of a busy moment.
    let notes: Vec<Note> = (1..=4)
        .map(|o| Note { at_us: 0, order: o, kind: NoteKind::OrderPlaced })
        .chain([Note { at_us: 0, order: 1, kind: NoteKind::Confirmed { latency_us: 1_000 } }])
        .collect();
    let refs: Vec<&Note> = notes.iter().collect();
    let said = fanout::components::announcer::announcement(&refs, &Scenario::ride_sharing());
    assert!(said.starts_with("4 trips booked, 1 confirmed, 0 failed"), "{said}");
    assert!(checkout_words(&said).is_empty(), "{said}");
}

/// The whole page, in a ride-sharing lab with nobody subscribed yet: the panels this file
/// covers say so instead of reading empty, and never in the shop's words.
#[wasm_bindgen_test]
async fn a_ride_sharing_lab_with_no_subscribers_says_nobody_subscribes() {
    let root = mount_app("?scenario=ride-sharing&paused=1").await;
    for (what, selector) in [
        ("metrics panel", ".metrics"),
        ("effects panel", "[data-testid=\"effects-panel\"]"),
        ("topic panel", "[data-testid=\"topic-panel\"]"),
        ("dead letters", "[data-testid=\"dlq-panel\"]"),
        ("event log", ".event-log"),
        ("display settings", "[data-testid=\"display-settings\"]"),
        ("charts", ".charts"),
    ] {
        let el = select(&root, selector);
        assert_no_checkout_words(what, &el);
        assert_no_empty_list(what, &el);
    }
    assert!(text_of(&select(&root, ".metrics")).contains("Nobody subscribes yet."));
    assert!(text_of(&find(&root, "effects-panel")).contains("Nobody subscribes yet."));
    assert!(text_of(&find(&root, "topic-panel")).contains("nobody subscribes yet"));
    let lag = find(&root, "chart-lag").get_attribute("aria-label").unwrap();
    assert!(lag.contains("Now: nobody subscribes yet."), "{lag}");
    // The rate field, the one label of the toolbar this work changed.
    let rate_label = text_of(&find(&root, "rate").parent_element().unwrap());
    assert_eq!(rate_label.trim(), "Trips per second");
}

#[wasm_bindgen_test]
async fn the_checkout_lab_still_says_its_own_words() {
    let e = engine("?paused=1&rate=0");
    e.apply(Action::BuyNow).unwrap();
    advance(&e, 5_000_000);
    let email = index(&e, "email");
    let tick = 0;
    let texts = [
        words_in(&*mount_one::<MetricsPanel>(MetricsPanelProps { engine: e.clone(), tick }).await),
        words_in(
            &*mount_one::<BrokerSettings>(BrokerSettingsProps { engine: e.clone(), tick, on_changed: ignore() }).await,
        ),
        words_in(
            &*mount_one::<FaultMenu>(FaultMenuProps {
                engine: e.clone(),
                node: Node::Broker,
                tick,
                on_close: ignore(),
                on_changed: ignore(),
                on_trace: None,
            })
            .await,
        ),
        words_in(
            &*mount_one::<FaultMenu>(FaultMenuProps {
                engine: e.clone(),
                node: Node::Service(email),
                tick,
                on_close: ignore(),
                on_changed: ignore(),
                on_trace: None,
            })
            .await,
        ),
        words_in(
            &*mount_one::<ChartsPanel>(ChartsPanelProps {
                engine: e.clone(),
                chart_tick: 1,
                keys: vec!["response-time"],
            })
            .await,
        ),
        words_in(
            &*mount_one::<Legend>(LegendProps {
                event: "OrderPlaced".into(),
                cancel_event: "OrderCancelled".into(),
                noun: Default::default(),
                follow_ups: Vec::new(),
                saga: false,
            })
            .await,
        ),
        words_in(
            &*mount_one::<Appearance>(AppearanceProps {
                display: Display::default(),
                on_change: ignore(),
                buy_label: "Buy now".into(),
                noun: "order".into(),
            })
            .await,
        ),
    ]
    .concat();
    for own in [
        "Checkout, as the shopper sees it",
        "Last checkout",
        "Shoppers who cancel just after ordering",
        "Order ID",
        "by order ID an order's events stay in order, by user ID a shopper's",
        "the Order Service fails the checkout",
        "the Order Service waits for its answer before publishing",
        "Poison the next order's event",
        "OrderPlaced will always fail here",
        "Checkout response time",
        "Buy now (place one order)",
        "OrderCancelled event",
    ] {
        assert!(texts.contains(own), "no {own:?} in:\n{texts}");
    }
    let root = mount_app("?paused=1").await;
    assert_eq!(text_of(&find(&root, "rate").parent_element().unwrap()).trim(), "Orders per second");
}

#[wasm_bindgen_test]
fn words_make_plurals_counts_and_lists() {
    use fanout::words::{count, list, per_second, plural};
    assert_eq!(plural("order"), "orders");
    assert_eq!(plural("Rider"), "Riders");
    assert_eq!(plural("delivery"), "deliveries");
    assert_eq!(plural("day"), "days");
    assert_eq!(plural("box"), "boxes");
    assert_eq!(count(1, "trip"), "1 trip");
    assert_eq!(count(0, "trip"), "0 trips");
    assert_eq!(list(&[], "nobody subscribes yet"), "nobody subscribes yet");
    assert_eq!(list(&["Email".into(), "SMS".into(), "Fraud".into()], ""), "Email, SMS and Fraud");
    assert_eq!(per_second(&Scenario::ride_sharing()), "Trips per second");
    assert_eq!(per_second(&Scenario::checkout()), "Orders per second");
}

// ----- 2. money as money, 3. Expected against lost events -----

fn is_money(s: &str) -> bool {
    let s = s.trim();
    let Some(rest) = s.strip_prefix('$') else { return false };
    let Some((whole, cents)) = rest.split_once('.') else { return false };
    let groups: Vec<&str> = whole.split(',').collect();
    cents.len() == 2
        && cents.chars().all(|c| c.is_ascii_digit())
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
}

/// At-most-once with a lossy wire: Payment charges nobody twice but misses some orders, and
/// the panel's Expected (one charge per order placed) says so; all of it reads as money.
#[wasm_bindgen_test]
async fn lost_events_show_as_a_shortfall_and_money_reads_as_money() {
    let e = engine("?paused=1&rate=0&seed=7");
    apply_all(
        &e,
        vec![
            Action::AddSubscriber { service: "payment".into(), from: StartFrom::Latest },
            Action::SetGuarantee { service: "payment".into(), guarantee: Guarantee::AtMostOnce },
            Action::Inject { fault: Fault::Drop { service: Some("payment".into()), share: 0.5 } },
        ],
    );
    for _ in 0..20 {
        e.apply(Action::BuyNow).unwrap();
    }
    advance(&e, 20_000_000);
    let root = mount_one::<EffectsPanel>(EffectsPanelProps { engine: e.clone(), tick: 0 }).await;
    let (value, expected, lost) =
        (value_of(&root, "effect-payment"), value_of(&root, "expected-payment"), value_of(&root, "lost-payment"));
    assert!(lost >= 1, "nothing was lost");
    assert_eq!(value_of(&root, "duplicates-payment"), 0);
    let all: i64 = (1..=20).map(|o| fanout_sim::consumer::amount_cents(o) as i64).sum();
    assert_eq!(expected, all, "Expected is one charge per order placed");
    assert!(value < expected, "the lost charges are no shortfall: {value} vs {expected}");
    let row = find(&root, "effect-payment").closest("tr").unwrap().unwrap();
    assert!(row.get_attribute("class").unwrap_or_default().contains("differs"), "the row does not say it differs");
    assert!(text_of(&row).contains("(differs)"));
    let lost_item = find(&root, "lost-payment");
    assert!(!lost_item.has_attribute("hidden") && text_of(&lost_item) == format!("{lost}\u{a0}lost"));
    assert!(find(&root, "redeliveries-payment").has_attribute("hidden"), "a zero count is shown");
    // Money, not cents.
    let panel = text_of(&root);
    assert!(!panel.contains("cents"), "{panel}");
    assert!(is_money(&text_of(&find(&root, "expected-payment"))), "{}", text_of(&find(&root, "expected-payment")));
    let shown = text_of(&find(&root, "effect-payment"));
    let amount = shown.split(" charged").next().unwrap();
    assert!(is_money(amount), "{shown}");
    assert!(!shown.contains(",,") && !shown.contains("..") && !shown.contains(".,"), "{shown}");
    // The caption says what Expected means.
    let caption = text_of(&select(&root, "caption"));
    assert!(caption.contains("exactly once, in order") && caption.contains("lost"), "{caption}");
}

#[wasm_bindgen_test]
fn lesson_measures_of_money_read_as_money() {
    use fanout_sim::lesson::measure::{format_value, Ref};
    let s = Scenario::checkout();
    assert_eq!(format_value(&Ref::parse("dup.extra:payment", &s).unwrap(), 111_408.0), "$1,114.08");
    assert_eq!(format_value(&Ref::parse("extra:inventory", &s).unwrap(), 3.0), "3");
    assert!(is_money("$1,114.08") && is_money("$0.05") && !is_money("111408") && !is_money("$1114.08"));
}

// ----- 4. every problem of a link shown -----

/// A link with eight problems, among them `fault=`, `seed=` and `wiring=`.
const EIGHT_PROBLEMS: &str =
    "?wiring=sideways&seed=abc&fault=bogus&rate=fast&speed=9&paused=maybe&theme=purple&motion=wobbly";
const PROBLEM_PARAMS: [&str; 8] = ["wiring=", "seed=", "fault=", "rate=", "speed=", "paused=", "theme=", "motion="];

#[wasm_bindgen_test]
async fn a_link_with_eight_problems_lists_all_eight() {
    let (_, problems) = fanout_sim::params::LabParams::parse(EIGHT_PROBLEMS);
    assert_eq!(problems.len(), 8, "the link is not the one meant: {problems:?}");
    let root = mount_app(EIGHT_PROBLEMS).await;
    let group = find(&root, "link-notices");
    assert_eq!(text_of(&select(&group, "h2")), "This link had 8 problems");
    let items = group.query_selector_all("li").unwrap();
    assert_eq!(items.length(), 8);
    let listed = text_of(&group);
    for (param, problem) in PROBLEM_PARAMS.iter().zip(&problems) {
        assert!(listed.contains(param), "no notice about {param}:\n{listed}");
        assert!(listed.contains(&fanout::state::capitalise(problem)), "{problem:?} is missing:\n{listed}");
    }
    // Its own region: named, reachable by keyboard, and it scrolls when long.
    let list = find(&root, "link-notices-list");
    assert_eq!(list.get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(list.get_attribute("role").as_deref(), Some("region"));
    assert!(list.get_attribute("aria-label").is_some_and(|l| l.contains("8 problems")));
    assert_eq!(group.get_attribute("aria-labelledby").as_deref(), Some("link-notices-title"));
    // Each can be dismissed, and all at once.
    let dismiss: HtmlElement = select(&group, "li button").unchecked_into();
    dismiss.click();
    yew::scheduler::flush().await;
    assert_eq!(find(&root, "link-notices").query_selector_all("li").unwrap().length(), 7);
    assert_eq!(text_of(&select(&find(&root, "link-notices"), "h2")), "This link had 7 problems");
    find(&root, "dismiss-link-notices").unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    assert!(try_find(&root, "link-notices").is_none());
    assert_eq!(text_of(&find(&root, "notices")).trim(), "");
}

#[wasm_bindgen_test]
fn problems_the_page_opened_with_are_never_dropped_for_later_ones() {
    let opening: Vec<String> = (1..=8).map(|i| format!("problem {i}")).collect();
    let mut state = Rc::new(LabState::new(opening, false, false, Display::default()));
    for i in 1..=9 {
        state = state.reduce(LabAction::Notice(format!("refusal {i}")));
    }
    let kept: Vec<&str> = state.notices.iter().map(|n| n.text.as_str()).collect();
    for i in 1..=8 {
        assert!(kept.contains(&format!("Problem {i}").as_str()), "problem {i} was dropped: {kept:?}");
    }
    let running: Vec<&str> = state.notices.iter().filter(|n| !n.opening).map(|n| n.text.as_str()).collect();
    assert_eq!(running.len(), KEPT_WHILE_RUNNING);
    assert_eq!(running.last(), Some(&"Refusal 9"));
}

#[wasm_bindgen_test]
async fn a_link_with_one_problem_shows_a_plain_notice() {
    let root = mount_app("?wiring=sideways&paused=1").await;
    assert!(try_find(&root, "link-notices").is_none());
    assert!(text_of(&find(&root, "notices")).contains("wiring=\"sideways\""));
}

// ----- 5. named disclosures -----

#[wasm_bindgen_test]
async fn display_and_shortcut_disclosures_have_names() {
    let root = mount_one::<Appearance>(AppearanceProps {
        display: Display::default(),
        on_change: ignore(),
        buy_label: Default::default(),
        noun: Default::default(),
    })
    .await;
    for (details, summary, name) in [
        ("display-settings", "display-summary", "Display"),
        ("shortcut-help", "shortcut-help-summary", "Keyboard shortcut list"),
    ] {
        let d = find(&root, details);
        assert_eq!(d.tag_name(), "DETAILS");
        let label = d.get_attribute("aria-label").unwrap_or_default();
        let shown = text_of(&find(&root, summary));
        assert!(!shown.trim().is_empty(), "{summary} has no text");
        assert!(label.contains(shown.trim()), "{details} is named {label:?}, its summary says {shown:?}");
        assert!(label.contains(name), "{label}");
    }
    // Without the scenario's words the list names no shop.
    let list = text_of(&find(&root, "shortcut-help"));
    assert!(checkout_words(&list).is_empty(), "{list}");
    assert!(list.contains("toolbar's main button"), "{list}");
}

// ----- 6. the side-effects table fits the side column -----

/// The page's stylesheets, added once to this test page.
fn add_styles() {
    let document = gloo::utils::document();
    if document.get_element_by_id("test-styles").is_some() {
        return;
    }
    let style = document.create_element("style").unwrap();
    style.set_id("test-styles");
    style.set_text_content(Some(concat!(include_str!("../styles/fanout.css"), include_str!("../styles/panels.css"))));
    document.head().unwrap().append_child(&style).unwrap();
}

/// Every service of the ride-sharing lab (the longest names and nouns), and of the shop,
/// with duplicates, losses, skips, reordering and redeliveries, in the 360 px the side column has at 1280 px: nothing scrolls sideways.
#[wasm_bindgen_test]
async fn the_side_effects_table_fits_a_360_px_column() {
    add_styles();
    for scenario in ["ride-sharing", "checkout"] {
        let e = engine(&format!("?scenario={scenario}&paused=1&rate=0&seed=5"));
        let keys: Vec<String> = e.borrow().sim().scenario().catalog.iter().map(|s| s.key.clone()).collect();
        let wired = e.borrow().sim().wired().to_vec();
        for (i, k) in keys.iter().enumerate() {
            if !wired.contains(&(i as u16)) {
                e.apply(Action::AddSubscriber { service: k.clone(), from: StartFrom::Latest }).unwrap();
            }
        }
        apply_all(
            &e,
            vec![
                Action::Inject { fault: Fault::Duplicate { service: None, share: 0.3 } },
                Action::Inject { fault: Fault::Drop { service: None, share: 0.2 } },
                Action::SetCancelShare { share: 0.5 },
                Action::SetPartitionKey { key: fanout_sim::topic::PartitionKey::None },
                Action::SetGuarantee { service: keys[1].clone(), guarantee: Guarantee::AtMostOnce },
                Action::SetIdempotent { service: keys[2].clone(), on: true },
                Action::SetRate { rate: 40.0 },
            ],
        );
        advance(&e, 60_000_000);
        let root =
            mount_in::<EffectsPanel>(root_div(Some("360px")), EffectsPanelProps { engine: e.clone(), tick: 0 }).await;
        let wrap = select(&root, ".subs-wrap");
        assert!(wrap.client_width() > 250, "the stylesheet did not apply: {} px", wrap.client_width());
        assert!(
            wrap.scroll_width() <= wrap.client_width(),
            "{scenario}: the table is {} px wide in a {} px column",
            wrap.scroll_width(),
            wrap.client_width()
        );
        // The delivery counts, redeliveries included, are in view.
        let table = select(&root, "table").get_bounding_client_rect();
        for k in &keys {
            let cell = find(&root, &format!("redeliveries-{k}"));
            if cell.has_attribute("hidden") {
                continue;
            }
            let r = cell.get_bounding_client_rect();
            assert!(r.right() <= table.right() + 0.5 && r.width() > 0.0, "{k}: redeliveries cut off");
        }
        assert!(value_of(&root, &format!("redeliveries-{}", keys[0])) > 0, "nothing was redelivered");
    }
}

/// A system with a chain lists each follow-up type in the legend, each in its own shape; a
/// system whose actor cannot cancel lists neither a cancel request nor its event.
#[wasm_bindgen_test]
async fn the_legend_lists_follow_up_types_and_omits_cancels_a_system_lacks() {
    let el = mount_one::<Legend>(LegendProps {
        event: "TransferRequested".into(),
        cancel_event: "".into(),
        noun: "transfer".into(),
        follow_ups: vec!["PostTransfer".into(), "TransferFlagged".into(), "TransferCompleted".into()],
        saga: false,
    })
    .await;
    let items = el.query_selector_all("li").unwrap();
    let labels: Vec<String> =
        (0..items.length()).map(|k| items.item(k).unwrap().text_content().unwrap_or_default()).collect();
    for name in ["TransferRequested event", "PostTransfer", "TransferFlagged", "TransferCompleted"] {
        assert!(labels.iter().any(|l| l == name), "{name} in {labels:?}");
    }
    assert!(!labels.iter().any(|l| l.contains("cancel") || l == " event"), "{labels:?}");
    let classes: Vec<String> = ["msg-f0", "msg-f1", "msg-f2"]
        .iter()
        .filter(|c| el.query_selector(&format!(".swatch.{c}")).unwrap().is_some())
        .map(|c| c.to_string())
        .collect();
    assert_eq!(classes.len(), 3, "each follow-up has its own look: {classes:?}");
}
