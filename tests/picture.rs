//! The picture teaches: component tests, in headless Chromium, of what the stage draws for
//! waiting, queues and backlogs, read from the DOM the page renders.

use fanout::components::app::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/mounted.rs"]
mod mounted;
use mounted::Mounted;
#[path = "support/dom.rs"]
mod dom;
use dom::{find, try_find, click, text};

async fn mount(query: &str) -> Mounted {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    Mounted::new::<App>(root, AppProps { query: query.to_string().into(), notices: Vec::new() }).await
}



fn number(el: &Element, attr: &str) -> u64 {
    el.get_attribute(attr).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no number in {attr}"))
}

#[wasm_bindgen_test]
async fn request_driven_a_slow_callee_is_drawn_as_held_calls_and_the_caller_says_it_waits() {
    let root = mount("?wiring=request&seed=7&fault=slow:analytics:2000ms&until=12").await;
    let held = find(&root, "held-analytics");
    assert!(number(&held, "data-count") >= 2, "several checkouts wait on Analytics at once");
    let waited = number(&held, "data-waited-ms");
    assert!(waited > 200 && waited < 3_000, "the oldest call has waited part of the two seconds: {waited} ms");
    assert!(held.text_content().unwrap().contains(" waiting \u{b7} "), "{:?}", held.text_content());
    // The call open longest is on the slow service, and the Order Service says so.
    let orders = text(&root, "node-orders");
    assert!(orders.contains("waiting on Analytics"), "{orders}");
    assert!(text(&root, "shopper-waiting").contains(" waiting \u{b7} "), "{}", text(&root, "shopper-waiting"));
    assert!(number(&find(&root, "stack-shopper"), "data-count") >= 2);
    // The words say it too, for screen readers.
    let summary = text(&root, "scene-summary");
    assert!(summary.contains("waits on Analytics"), "{summary}");
    // Held lines are drawn on the wires layer, one per callee with open calls.
    let lines = root.query_selector_all(".wires polyline.held").unwrap().length();
    assert!(lines >= 1, "a held line is drawn");
}

#[wasm_bindgen_test]
async fn event_driven_nobody_is_held_waiting_on_a_slow_subscriber() {
    let root = mount("?wiring=event&seed=7&fault=slow:analytics:2000ms&until=12").await;
    assert!(try_find(&root, "held-analytics").is_none(), "no call is open event-driven");
    assert_eq!(root.query_selector_all(".wires polyline.held").unwrap().length(), 0);
    assert!(!text(&root, "node-orders").contains("waiting on"), "{}", text(&root, "node-orders"));
}

#[wasm_bindgen_test]
async fn a_crashed_subscribers_backlog_is_a_stack_of_event_tokens_on_its_node() {
    let root = mount("?wiring=event&seed=3&rate=4&fault=crash:email:1s-&until=12").await;
    let stack = find(&root, "backlog-email");
    let held = number(&stack, "data-count");
    assert!(held > 20, "Email's events pile up at the broker while it is down: {held}");
    // A readable number of tokens, then the rest as a number.
    let tokens = stack.query_selector_all(".token").unwrap().length() as u64;
    assert_eq!(tokens, 8);
    assert_eq!(stack.text_content().unwrap(), format!("+{}", held - 8));
    // A healthy subscriber has nothing waiting for it.
    assert_eq!(number(&find(&root, "backlog-inventory"), "data-count"), 0);
    assert!(text(&root, "scene-summary").contains(&format!("the broker holds {held} events for Email")));
}

#[wasm_bindgen_test]
async fn the_order_rate_field_keeps_what_the_student_types_while_the_lab_plays() {
    let root = mount("?rate=2").await;
    let input = find(&root, "rate").unchecked_into::<HtmlInputElement>();
    input.set_value("12");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    yew::scheduler::flush().await;
    // Anything that re-renders the lab (here an order placed) must not put "2" back.
    find(&root, "buy").unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    assert_eq!(input.value(), "12", "the typed value survives a re-render");
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    yew::scheduler::flush().await;
    find(&root, "buy").unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    assert_eq!(input.value(), "12", "committed, the field shows the rate in force");
    assert!(text(&root, "log").contains("rate set to 12 per second"), "{}", text(&root, "log"));
}

fn has_class(el: &Element, class: &str) -> bool {
    el.get_attribute("class").unwrap_or_default().split_whitespace().any(|c| c == class)
}


#[wasm_bindgen_test]
async fn each_step_says_in_one_sentence_what_it_moved_and_rings_the_node() {
    let root = mount("?wiring=request&seed=3&rate=0&paused=1").await;
    click(&root, "buy").await;
    assert!(try_find(&root, "step-note").is_none(), "nothing is told before a Step");
    click(&root, "step").await;
    let note = text(&root, "step-note");
    assert_eq!(note, "Order 1 reached the Order Service.");
    assert!(has_class(&find(&root, "node-orders"), "stepped"));
    click(&root, "step").await;
    assert_eq!(text(&root, "step-note"), "The Order Service saved order 1.");
    click(&root, "step").await;
    assert_eq!(text(&root, "step-note"), "The Order Service called Email about order 1; it waits for the answer.");
    assert!(has_class(&find(&root, "node-email"), "stepped"));
    assert!(!has_class(&find(&root, "node-orders"), "stepped"), "only where the step happened is ringed");
    // Playing again takes the sentence away.
    click(&root, "play").await;
    assert!(try_find(&root, "step-note").is_none());
}

#[wasm_bindgen_test]
async fn a_ride_sharing_step_speaks_of_trips() {
    let root = mount("?scenario=ride-sharing&wiring=event&seed=3&rate=0&paused=1").await;
    click(&root, "buy").await;
    click(&root, "step").await;
    assert_eq!(text(&root, "step-note"), "Trip 1 reached the Trip Service.");
}

/// Beyond the nine services checkout offers: up to twelve subscribers (the most a run may
/// wire), with and without synchronous callees, keep a row apart, stay on the stage, and
/// every wire to the column bends before it, so none runs under another node.
#[wasm_bindgen_test]
fn layouts_for_up_to_twelve_subscribers_keep_their_rows_and_bend_before_the_column() {
    use fanout::layout::Layout;
    use fanout_sim::{Node, Wiring};
    for n in 1..=12u16 {
        let wired: Vec<u16> = (0..n).collect();
        for (wiring, direct) in [(Wiring::Event, vec![]), (Wiring::Event, vec![0, 1]), (Wiring::Request, wired.clone())] {
            for narrow in [false, true] {
                let l = Layout::new(wiring, &wired, &direct, narrow, false);
                let px = |p: (f64, f64)| p.1 / 100.0 * l.height_px;
                let mut ys: Vec<(f64, f64)> = l.services.iter().map(|(_, p)| (p.0, px(*p))).collect();
                ys.push((l.orders.0, px(l.orders)));
                ys.push((l.broker.0, px(l.broker)));
                for (k, a) in ys.iter().enumerate() {
                    assert!(a.1 >= 30.0 && a.1 <= l.height_px - 30.0, "n={n} {wiring:?} narrow={narrow}: a node at {a:?} of {}", l.height_px);
                    for b in &ys[k + 1..] {
                        // Two nodes in one column (or on one phone row) are a row apart.
                        if (a.0 - b.0).abs() < 20.0 {
                            assert!((a.1 - b.1).abs() >= 70.0, "n={n} {wiring:?} narrow={narrow}: {a:?} and {b:?} too close");
                        }
                    }
                }
                for (a, b) in l.wires() {
                    let route = l.route(a, b).unwrap();
                    let pts = route.points();
                    if let (Node::Broker | Node::Orders, Node::Service(_)) = (a, b) {
                        let end = *pts.last().unwrap();
                        // The last leg runs level into the node: nothing of it passes another row.
                        if pts.len() == 3 {
                            assert_eq!(pts[1].1, end.1, "n={n}: the bend is at the service's height");
                        }
                    }
                }
            }
        }
    }
}
