//! A service or the broker on the stage: a real button that opens its fault menu.

use crate::icons::icon;
use fanout_sim::time::human;
use fanout_sim::{Node, NodeView, Scenario};
use yew::prelude::*;

/// A marker under a subscriber's name, in words: "2 out of order", "idempotent".
#[derive(Clone, PartialEq)]
pub struct NodeBadge {
    pub test_id: AttrValue,
    pub text: AttrValue,
    /// The raw count, for tests and tools (empty for a setting).
    pub value: AttrValue,
    /// A problem (drawn as a warning) rather than a setting.
    pub problem: bool,
}

#[derive(Properties, PartialEq)]
pub struct NodeButtonProps {
    pub node: Node,
    pub view: NodeView,
    pub test_id: AttrValue,
    pub icon: AttrValue,
    /// Centre, in percent of the stage.
    pub pos: (f64, f64),
    /// The line under the name: lag, queue, held events.
    pub detail: AttrValue,
    pub expanded: bool,
    /// Shown faded (the broker when nothing uses it).
    #[prop_or_default]
    pub idle: bool,
    /// Where the last Step happened: marked.
    #[prop_or_default]
    pub stepped: bool,
    /// Delivery markers: out-of-order and dead-letter counts, idempotent, at-most-once.
    #[prop_or_default]
    pub badges: Vec<NodeBadge>,
    pub on_open: Callback<Node>,
    /// What the node holds, drawn under its words (a stack of queued tokens).
    #[prop_or_default]
    pub children: Html,
}

/// The test id of a node's button, e.g. `node-email`.
pub fn test_id(node: Node, sc: &Scenario) -> String {
    match node {
        Node::Orders => "node-orders".into(),
        Node::Broker => "node-broker".into(),
        Node::Shopper => "node-shopper".into(),
        Node::Relay => "node-relay".into(),
        Node::Service(i) => format!("node-{}", sc.catalog[i as usize].key),
    }
}

/// Health in words, so colour is never the only signal.
pub fn status(view: &NodeView) -> (String, &'static str) {
    if view.down {
        ("down".into(), "down")
    } else if view.slow_us > 0 {
        (format!("slow +{}", human(view.slow_us)), "slow")
    } else if view.error_rate > 0.0 {
        (format!("fails {:.0}%", view.error_rate * 100.0), "errors")
    } else {
        ("healthy".into(), "ok")
    }
}

#[component]
pub fn NodeButton(props: &NodeButtonProps) -> Html {
    let (status_text, status_kind) = status(&props.view);
    let onclick = {
        let (cb, node) = (props.on_open.clone(), props.node);
        Callback::from(move |_| cb.emit(node))
    };
    let (x, y) = props.pos;
    let style = format!("left:{x:.2}%;top:{y:.2}%");
    let badge = match status_kind {
        "ok" => html! {},
        k => html! { <span class="badge" aria-hidden="true">{ icon(k) }</span> },
    };
    let markers = props.badges.iter().map(|b| b.text.to_string()).collect::<Vec<_>>().join(", ");
    let title = if markers.is_empty() {
        format!("{} {}. Open its fault menu", props.view.name, props.view.job)
    } else {
        format!("{} {}; {markers}. Open its fault menu", props.view.name, props.view.job)
    };
    // The Order Service and the broker: on a phone they sit alone on their row, with room
    // for their longer status on one line.
    let hub = matches!(props.node, Node::Orders | Node::Broker);
    html! {
        <button type="button" class={classes!("node", format!("status-{status_kind}"), props.idle.then_some("idle"), hub.then_some("hub"), props.stepped.then_some("stepped"))}
                {style} data-testid={props.test_id.clone()} {onclick}
                aria-haspopup="dialog" aria-expanded={props.expanded.to_string()}
                {title}>
            <span class="node-icon">{ icon(&props.icon) }{ badge }</span>
            <span class="node-text">
                <span class="node-name">{ props.view.name.clone() }</span>
                <span class="node-status">{ status_text }</span>
                if !props.detail.is_empty() {
                    <span class="node-detail">{ props.detail.clone() }</span>
                }
                if !props.badges.is_empty() {
                    <span class="node-badges">
                        { for props.badges.iter().map(|b| html! {
                            <span class={classes!("node-badge", b.problem.then_some("problem"))}
                                  data-testid={b.test_id.clone()} data-value={b.value.clone()}>
                                { b.text.clone() }
                            </span>
                        }) }
                    </span>
                }
                { props.children.clone() }
            </span>
        </button>
    }
}
