//! The system diagram: static topology as markup (wires in SVG, nodes as buttons) under a
//! canvas on which the frame loop paints the moving messages.

use crate::components::legend::Legend;
use crate::components::node_button::{test_id, NodeBadge, NodeButton};
use crate::components::subscribers::AddSubscriber;
use crate::engine::EngineHandle;
use crate::icons::icon;
use crate::layout::Layout;
use fanout_sim::delivery::Guarantee;
use fanout_sim::{Node, NodeView, Sim, Wiring};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub narrow: bool,
    pub reduced_motion: bool,
    pub menu: Option<Node>,
    pub canvas_ref: NodeRef,
    pub on_open: Callback<Node>,
    pub on_changed: Callback<Result<(), String>>,
}

/// What the Order Service sends for each order, in words.
pub fn call_list(sim: &Sim) -> String {
    match sim.wiring() {
        Wiring::Event => {
            let event = &sim.scenario().event_name;
            match sim.order_service_call_list() {
                direct if direct.is_empty() => format!("Publishes 1 event: {event}. It does not know who listens."),
                direct => format!(
                    "Calls {} and waits, then publishes 1 event: {event}. It does not know who else listens.",
                    direct.join(", ")
                ),
            }
        }
        Wiring::Request => {
            let names = sim.order_service_call_list();
            let n = names.len();
            let noun = if n == 1 { "service" } else { "services" };
            if n == 0 {
                "Calls no services.".into()
            } else {
                format!("Calls {n} {noun}: {}, and waits for each.", names.join(", "))
            }
        }
    }
}

/// A sentence or two that says what the diagram shows, for screen readers and for anyone.
pub fn scene_summary(sim: &Sim) -> String {
    let names: Vec<String> = sim.wired().iter().map(|&i| sim.scenario().catalog[i as usize].name.clone()).collect();
    let wiring = match sim.wiring() {
        Wiring::Event => format!(
            "Event-driven: the {actor} sends each {noun} to the {os}, which saves it and publishes \
             one {event} event to the broker; the broker delivers a copy to {}.",
            names.join(", "),
            actor = sim.scenario().actor.to_ascii_lowercase(),
            noun = sim.scenario().noun,
            os = sim.scenario().order_service.name,
            event = sim.scenario().event_name
        ),
        Wiring::Request => format!(
            "Request-driven: the {actor} sends each {noun} to the {os}, which calls {} and waits for every \
             answer before replying. The broker is not used.",
            names.join(", "),
            actor = sim.scenario().actor.to_ascii_lowercase(),
            noun = sim.scenario().noun,
            os = sim.scenario().order_service.name
        ),
    };
    let faults: Vec<String> =
        sim.faults().iter().map(|f| f.describe(&fanout_sim::narration::fault_target_name(f, sim.scenario()))).collect();
    let faults =
        if faults.is_empty() { "Nothing is failing.".to_string() } else { format!("Failing: {}.", faults.join("; ")) };
    let h = sim.headline();
    let request = &sim.scenario().request_noun;
    let mut numbers = format!(
        "So far: {} placed, {} succeeded, {} failed, {} in progress",
        h.placed, h.succeeded, h.failed, h.in_flight
    );
    if h.response.count > 0 {
        numbers.push_str(&format!("; {request} p95 {} over the last 30 s", fanout_sim::time::human(h.response.p95_us)));
    }
    if sim.wiring() == Wiring::Event && !sim.wired().is_empty() {
        numbers.push_str(&format!("; lag {}", fanout_sim::narration::lags(sim)));
    }
    format!("{wiring} {faults} {numbers}.")
}

fn icon_for(key: &str) -> &'static str {
    match key {
        "email" => "email",
        "inventory" => "inventory",
        "analytics" => "analytics",
        "shipping" => "shipping",
        "sms" => "sms",
        "fraud" => "fraud",
        "loyalty" => "loyalty",
        "payment" => "payment",
        _ => "orders",
    }
}

/// A subscriber's delivery markers, in words, read from the core.
pub fn badges(sim: &Sim, i: u16) -> Vec<NodeBadge> {
    let key = &sim.scenario().catalog[i as usize].key;
    let sub = sim.subscription(i);
    let ooo = sim.consumer(i).out_of_order;
    let dead = sub.dlq.len();
    let mut out = Vec::new();
    if ooo > 0 {
        out.push(NodeBadge {
            test_id: format!("ooo-{key}").into(),
            text: format!("{ooo} out of order").into(),
            value: ooo.to_string().into(),
            problem: true,
        });
    }
    if dead > 0 {
        out.push(NodeBadge {
            test_id: format!("dead-{key}").into(),
            text: format!("{dead} dead letter{}", if dead == 1 { "" } else { "s" }).into(),
            value: dead.to_string().into(),
            problem: true,
        });
    }
    if sub.settings.idempotent {
        out.push(NodeBadge {
            test_id: format!("idempotent-badge-{key}").into(),
            text: "idempotent".into(),
            value: AttrValue::default(),
            problem: false,
        });
    }
    if sub.settings.guarantee == Guarantee::AtMostOnce {
        out.push(NodeBadge {
            test_id: format!("at-most-once-badge-{key}").into(),
            text: "at-most-once".into(),
            value: AttrValue::default(),
            problem: false,
        });
    }
    out
}

fn broker_view(sim: &Sim) -> NodeView {
    NodeView {
        name: "Broker".into(),
        key: "broker".into(),
        job: format!("keeps the {} topic and delivers a copy to each subscriber", sim.scenario().event_name),
        down: sim.broker_down(),
        slow_us: 0,
        error_rate: 0.0,
        queue: sim.broker_backlog() as usize,
        in_progress: 0,
        concurrency: 0,
        busy_share: 0.0,
        lag: 0,
        wired: true,
        processed: sim.published(),
    }
}

#[component]
pub fn Stage(props: &StageProps) -> Html {
    let e = props.engine.borrow();
    let sim = &e.sim();
    let wiring = sim.wiring();
    let layout = Layout::new(wiring, sim.wired(), props.narrow);
    let sc = sim.scenario();

    let wires = layout.wires(wiring).into_iter().filter_map(|(a, b)| {
        let ((x1, y1), (x2, y2)) = (layout.pos(a)?, layout.pos(b)?);
        let class = match (a, b) {
            (Node::Shopper, _) => "wire wire-shopper",
            _ if wiring == Wiring::Request => "wire wire-call",
            _ => "wire wire-event",
        };
        Some(html! {
            <line class={class} x1={format!("{x1:.2}")} y1={format!("{y1:.2}")} x2={format!("{x2:.2}")} y2={format!("{y2:.2}")} />
        })
    });

    let orders = sim.order_service_view();
    let orders_detail = format!("{} working, {} queued", orders.in_progress, orders.queue);
    let broker = broker_view(sim);
    let broker_detail = if wiring == Wiring::Request && broker.queue == 0 {
        "not used".to_string()
    } else {
        format!("holding {}", broker.queue)
    };
    let expanded = |n: Node| props.menu == Some(n);

    let services = layout.services.iter().map(|&(i, pos)| {
        let node = Node::Service(i);
        let view = sim.service_view(i);
        let detail = match wiring {
            Wiring::Event => format!("lag {} \u{b7} queue {}", view.lag, view.queue),
            Wiring::Request => format!("queue {} \u{b7} lag {}", view.queue, view.lag),
        };
        html! {
            <NodeButton {node} test_id={test_id(node, sc)} icon={icon_for(&view.key)} {pos}
                        detail={detail} expanded={expanded(node)} on_open={props.on_open.clone()} view={view}
                        badges={badges(sim, i)} />
        }
    });

    let (sx, sy) = layout.shopper;
    html! {
        <section class="stage-panel" aria-labelledby="stage-title">
            <div class="panel-head">
                <h2 id="stage-title" tabindex="-1">{ "The shop" }</h2>
                <p class="call-list" data-testid="call-list">
                    <strong>{ "Order Service: " }</strong>{ call_list(sim) }
                </p>
            </div>
            <p class="scene-summary" data-testid="scene-summary">{ scene_summary(sim) }</p>
            <div class={classes!("stage", if props.narrow { "tall" } else { "wide" }, format!("wiring-{}", wiring.key()))}
                 data-testid="stage" data-wiring={wiring.key()}
                 data-in-flight={sim.messages_in_flight().to_string()}
                 data-sim-time-us={sim.now().to_string()}
                 style={format!("height:{:.0}px", layout.height_px)}>
                <svg class="wires" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                    { for wires }
                </svg>
                <canvas class="messages" ref={props.canvas_ref.clone()} aria-hidden="true"></canvas>
                <div class="node shopper" style={format!("left:{sx:.2}%;top:{sy:.2}%")} data-testid="node-shopper">
                    <span class="node-icon">{ icon("shopper") }</span>
                    <span class="node-text"><span class="node-name">{ sim.scenario().actor.clone() }</span>
                    <span class="node-status">{ "Alex" }</span></span>
                </div>
                <NodeButton node={Node::Orders} test_id="node-orders" icon="orders" pos={layout.orders}
                            detail={orders_detail} expanded={expanded(Node::Orders)}
                            on_open={props.on_open.clone()} view={orders} />
                <NodeButton node={Node::Broker} test_id="node-broker" icon="broker" pos={layout.broker}
                            detail={broker_detail} expanded={expanded(Node::Broker)}
                            idle={wiring == Wiring::Request} on_open={props.on_open.clone()} view={broker} />
                { for services }
            </div>
            <div class="stage-foot">
                <Legend />
                <AddSubscriber engine={props.engine.clone()} tick={props.tick} on_changed={props.on_changed.clone()} />
            </div>
        </section>
    }
}
