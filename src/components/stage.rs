//! The system diagram: static topology as markup (wires in SVG, nodes as buttons) under a
//! canvas on which the frame loop paints the moving messages.

use crate::components::legend::Legend;
use crate::components::node_button::{test_id, NodeBadge, NodeButton};
use crate::components::subscribers::AddSubscriber;
use crate::components::token_stack::{TokenKind, TokenStack};
use crate::engine::{EngineHandle, Pace, FAST_FORWARD};
use crate::icons::icon;
use crate::layout::Layout;
use fanout_sim::delivery::Guarantee;
use fanout_sim::time::human;
use fanout_sim::waiting::{HeldCalls, Waiting};
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
    /// A lesson's shorter stage.
    #[prop_or_default]
    pub compact: bool,
    /// The panels a lesson step names, shown right under the stage, before its key and words.
    #[prop_or_default]
    pub evidence: Option<Html>,
    /// Say that every service can be clicked (until the student has found a fault menu).
    #[prop_or_default]
    pub hint: bool,
}

/// What the Order Service sends for each order, in words.
pub fn call_list(sim: &Sim) -> String {
    match sim.wiring() {
        Wiring::Event => {
            let event = &sim.scenario().event_name;
            match sim.order_service_call_list() {
                direct if direct.is_empty() && sim.publishing().uses_outbox() => format!(
                    "Writes 1 event, {event}, to its outbox with the order; a relay publishes it. It does not know who listens."
                ),
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
    let name = |i: u16| sim.scenario().catalog[i as usize].name.clone();
    // Those that get the entry's event (or, request-driven, the Order Service's call); those
    // further down the chain are told after, by who passes them what.
    let names: Vec<String> = sim.wired().iter().copied().filter(|&i| sim.reacts_to_entry(i)).map(name).collect();
    let graph = crate::layout::Graph::of(sim);
    let mut callers: Vec<u16> = graph.follows.iter().map(|&(a, _)| a).collect();
    callers.dedup();
    let chain: Vec<String> = callers
        .iter()
        .map(|&a| {
            let to: Vec<String> = graph.follows.iter().filter(|&&(c, _)| c == a).map(|&(_, b)| name(b)).collect();
            match sim.wiring() {
                Wiring::Request => format!("{} calls {}", name(a), to.join(", ")),
                Wiring::Event => format!("what {} publishes or sends reaches {}", name(a), to.join(", ")),
            }
        })
        .collect();
    let chain = if chain.is_empty() { String::new() } else { format!(" Then {}.", chain.join("; ")) };
    let saga = sim.scenario().saga.as_ref().filter(|_| sim.wiring() == Wiring::Event);
    let wiring = match sim.wiring() {
        Wiring::Event if saga.is_some() => {
            let sc = sim.scenario();
            let g = saga.expect("checked");
            let steps: Vec<String> = g.steps.iter().map(|s| sc.catalog[s.service as usize].name.clone()).collect();
            let how = match sim.saga_style() {
                fanout_sim::saga::SagaStyle::Orchestrated => format!(
                    "the {} sends each step's command through the broker and waits for its reply",
                    sc.catalog[g.orchestrator as usize].name
                ),
                fanout_sim::saga::SagaStyle::Choreographed => {
                    "each service reacts to the event of the one before, through the broker".to_string()
                }
            };
            format!(
                "Event-driven, with a saga: the {actor} sends each {noun} to the {os}, which saves it and publishes {event}; \
                 then the saga's steps run in order, {}: {how}. When a step fails, the completed ones are undone, newest first.",
                steps.join(", then "),
                actor = sc.actor.to_ascii_lowercase(),
                noun = sc.noun,
                os = sc.order_service.name,
                event = sc.event_name
            )
        }
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
    let wiring = wiring + &chain;
    let faults: Vec<String> = sim
        .faults()
        .iter()
        .map(|f| crate::narration::fault_text(f, &crate::narration::fault_target_name(f, sim.scenario())))
        .collect();
    let faults =
        if faults.is_empty() { "Nothing is failing.".to_string() } else { format!("Failing: {}.", faults.join("; ")) };
    // Firing alerts come right after what is failing: they are what an operator would see.
    let alerts = crate::alert_view::rows(sim);
    let faults = match crate::alert_view::firing_sentence(sim, &alerts) {
        Some(firing) => format!("{faults} {firing}"),
        None => faults,
    };
    let waiting = sim.waiting();
    let mut now_parts: Vec<String> = waiting
        .held(sim.wired())
        .iter()
        .map(|h| {
            let calls = if h.count == 1 { "1 call".to_string() } else { format!("{} calls", h.count) };
            let sc = sim.scenario();
            let caller = match h.caller {
                Some(i) => sc.catalog[i as usize].name.clone(),
                None => format!("the {}", sc.order_service.name),
            };
            format!(
                "{caller} waits on {} ({calls} open, the longest for {})",
                sc.catalog[h.callee as usize].name,
                human(sim.now() - h.oldest_us)
            )
        })
        .collect();
    let outbox = sim.outbox();
    let sc = sim.scenario();
    if outbox.pending_total > 0 {
        let oldest = outbox.pending.first().map_or(0, |r| sim.now() - r.committed_us);
        now_parts.push(format!(
            "the {}'s outbox holds {} waiting for the relay (the oldest for {})",
            sc.order_service.name,
            crate::words::count(outbox.pending_total as u64, "row"),
            human(oldest)
        ));
    }
    if let Some(v) = sim.sagas().filter(|v| v.started > 0) {
        now_parts.push(format!(
            "sagas ({}): {} completed, {} compensated, {} running, {} stuck",
            v.style.key(),
            v.completed,
            v.compensated,
            v.running,
            v.stuck
        ));
    }
    if sim.storage() == fanout_sim::Storage::EventSourced || sim.log_events() > 0 {
        let store = sim.sourcing_view();
        let models: Vec<String> = store
            .projections
            .iter()
            .map(|p| {
                use fanout_sim::sourcing::Condition::*;
                let name = crate::narration::read_model_name(p.kind);
                let behind = crate::words::count(p.lag_events, "event");
                let state = match p.condition() {
                    Wrong => "wrong".to_string(),
                    Stopped => format!("stopped, {behind} behind"),
                    Rebuilding { .. } => format!("rebuilding, {behind} behind"),
                    Behind | KeepingUp => format!("{behind} behind"),
                    CaughtUp => "caught up".to_string(),
                };
                format!("{name} {state}")
            })
            .collect();
        now_parts.push(format!(
            "the {}'s event store holds {}; its read models: {}",
            sc.order_service.name,
            crate::words::count(store.events, "event"),
            models.join(", ")
        ));
    }
    if let Some(v) = sim.schema_view().filter(|_| sim.schemas_evolved()) {
        for s in &v.subjects {
            let name = sc.type_name(s.mtype);
            let readers: Vec<String> = sim
                .wired()
                .iter()
                .map(|&i| {
                    let r = s.readers[i as usize];
                    let can = sim.schema_readable(s.mtype, r, s.producer);
                    format!(
                        "{} reads v{r}{}",
                        sc.catalog[i as usize].name,
                        if can { "" } else { " and cannot read it" }
                    )
                })
                .collect();
            now_parts.push(format!(
                "the {} writes {name} v{} (registry: {}); {}",
                sc.order_service.name,
                s.producer,
                s.mode.key(),
                readers.join(", ")
            ));
        }
    }
    if outbox.lost.total() > 0 {
        now_parts.push(format!(
            "{} saved with no event to announce {}",
            crate::words::count(outbox.lost.total(), &sc.noun),
            if outbox.lost.total() == 1 { "it" } else { "them" }
        ));
    }
    for &i in sim.wired() {
        let held = sim.backlog_at_broker(i);
        if held > 0 {
            let name = &sim.scenario().catalog[i as usize].name;
            now_parts.push(format!("the broker holds {held} event{} for {name}", if held == 1 { "" } else { "s" }));
        }
    }
    let actor = sim.scenario().actor.to_ascii_lowercase();
    now_parts.push(format!("{actor}s: {}", shopper_waiting(sim, &waiting)));
    let now_words = format!("Now: {}.", now_parts.join("; "));
    let h = sim.headline();
    let request = &sim.scenario().request_noun;
    let mut numbers = format!(
        "So far: {} placed, {} succeeded, {} failed, {} in progress",
        h.placed, h.succeeded, h.failed, h.in_flight
    );
    if h.response.count > 0 {
        numbers.push_str(&format!("; {request} p95 {} over the last 30 s", fanout_sim::time::human(h.response.p95_us)));
    }
    let lags = crate::words::lags(sim);
    if sim.wiring() == Wiring::Event && !lags.is_empty() {
        numbers.push_str(&format!("; lag {lags}"));
    }
    format!("{wiring} {faults} {now_words} {numbers}.")
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
    // The schema version it reads the entry event with, once versions differ at all; a
    // problem when it cannot read what the producer writes now.
    if let Some(v) = sim.schema_view().filter(|_| sim.schemas_evolved()) {
        if let Some(s) = v.subjects.first() {
            let reads = s.readers[i as usize];
            let can = sim.schema_readable(s.mtype, reads, s.producer);
            out.push(NodeBadge {
                test_id: format!("reads-version-{key}").into(),
                text: if can { format!("reads v{reads}") } else { format!("reads v{reads}, not v{}", s.producer) }
                    .into(),
                value: reads.to_string().into(),
                problem: !can,
            });
        }
    }
    out
}

/// The Order Service's badge: the schema version it writes, once versions differ at all.
pub fn orders_badges(sim: &Sim) -> Vec<NodeBadge> {
    let Some(v) = sim.schema_view().filter(|_| sim.schemas_evolved()) else { return Vec::new() };
    v.subjects
        .first()
        .map(|s| NodeBadge {
            test_id: "writes-version".into(),
            text: format!("writes v{}", s.producer).into(),
            value: s.producer.to_string().into(),
            problem: false,
        })
        .into_iter()
        .collect()
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

/// What the Order Service is doing with its open checkouts, in a few words: the call it has
/// waited on longest, or its publishes and saves.
pub fn orders_doing(sim: &Sim, w: &Waiting) -> String {
    let now = sim.now();
    let name = |i: u16| sim.scenario().catalog[i as usize].name.clone();
    // Its own calls only: in a chain, services make calls of their own.
    if let Some(first) = w.calls.iter().find(|c| c.caller.is_none()) {
        return format!("waiting on {} \u{b7} {}", name(first.callee), human(now - first.since_us));
    }
    match (w.publishing, w.saving) {
        (0, 0) => "idle".into(),
        (p, 0) => format!("publishing {p}"),
        (0, s) => format!("saving {s}"),
        (p, s) => format!("saving {s} \u{b7} publishing {p}"),
    }
}

/// Who waits for an answer, in words: "3 waiting, longest 1.4 s".
pub fn shopper_waiting(sim: &Sim, w: &Waiting) -> String {
    let n = sim.headline().in_flight;
    match (n, w.oldest_placed_us) {
        (0, _) => "no one waiting".into(),
        (n, Some(t)) => format!("{n} waiting \u{b7} {}", human(sim.now() - t)),
        (n, None) => format!("{n} waiting"),
    }
}

/// One held line's words: "3 waiting · 1.4 s" (the longest wait).
pub fn held_words(sim: &Sim, h: &HeldCalls) -> String {
    format!("{} waiting \u{b7} {}", h.count, human(sim.now() - h.oldest_us))
}

/// A node's alert bell: the most urgent phase of its alerts pending or firing, as an icon and
/// words (never colour alone), where `alert_view::bells` puts it.
fn bell_marker(bell: &crate::alert_view::Bell, rows: &[crate::alert_view::AlertRow], id: &str) -> Html {
    let phase = bell.phase.key();
    html! {
        <span class={classes!("alert-bell", format!("phase-{phase}"))} data-testid={format!("bell-{id}")}
              data-phase={phase} data-rules={bell.rules.join(" ")}>
            { icon(crate::components::alert_row::phase_icon(bell.phase)) }
            <span>{ crate::alert_view::bell_text(bell, rows) }</span>
        </span>
    }
}

/// How long a call must have been open before its held line says for how long.
const LABEL_AFTER_US: u64 = 300_000;

#[component]
pub fn Stage(props: &StageProps) -> Html {
    let e = props.engine.borrow();
    let sim = &e.sim();
    let wiring = sim.wiring();
    let layout = Layout::of(sim, props.narrow, props.compact);
    let sc = sim.scenario();
    let waiting = sim.waiting();
    let held = waiting.held(sim.wired());

    let line = |a: Node, b: Node, class: &'static str| -> Option<Html> {
        let points: Vec<String> = layout.route(a, b)?.points().iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
        Some(html! { <polyline class={class} points={points.join(" ")} /> })
    };
    let wires = layout.wires().into_iter().filter_map(|(a, b)| {
        let class = match (a, b) {
            (Node::Shopper, _) => "wire wire-shopper",
            (Node::Orders | Node::Service(_), Node::Service(_)) => "wire wire-call",
            _ => "wire wire-event",
        };
        line(a, b, class)
    });
    // A call in progress is a held line from caller to callee for as long as it lasts.
    let held_lines = held.iter().filter_map(|h| {
        let caller = h.caller.map_or(Node::Orders, Node::Service);
        line(caller, Node::Service(h.callee), "held")
    });
    // The time is written on a held line once the call has taken longer than a healthy round
    // trip (a label on every call of a healthy checkout would only be noise).
    // Where the layout says (`Layout::held_label_at`): on a wide stage along the wire or, with
    // a chain, across the foot of the callee's node; on a phone, in the callee's node.
    let held_label = |h: &HeldCalls, at: Option<(f64, f64)>| -> Html {
        let key = &sc.catalog[h.callee as usize].key;
        let waited_ms = (sim.now() - h.oldest_us) / 1000;
        let (class, style) = match at {
            Some((x, y)) => ("held-label", Some(format!("left:{x:.2}%;top:{y:.2}%"))),
            None => ("held-label in-node", None),
        };
        html! {
            <span {class} {style} data-testid={format!("held-{key}")}
                  data-count={h.count.to_string()} data-waited-ms={waited_ms.to_string()} aria-hidden="true">
                { crate::icons::icon("slow") }<span>{ held_words(sim, h) }</span>
            </span>
        }
    };
    let labelled = |h: &&HeldCalls| sim.now() - h.oldest_us >= LABEL_AFTER_US;
    let in_nodes = layout.held_labels_in_nodes();
    let held_labels =
        held.iter().filter(labelled).filter_map(|h| Some(held_label(h, Some(layout.held_label_at(h.callee)?))));
    let orders = sim.order_service_view();
    let orders_detail = orders_doing(sim, &waiting);
    let broker = broker_view(sim);
    let channels = sc.chain.channel_count();
    let broker_detail = if wiring == Wiring::Request && broker.queue == 0 {
        "not used".to_string()
    } else if channels > 1 {
        // A chain's broker keeps a log per channel: say how many it holds them in.
        format!("holding {} in {channels} channels", broker.queue)
    } else {
        format!("holding {}", broker.queue)
    };
    let expanded = |n: Node| props.menu == Some(n);
    let stepped = |n: Node| e.step_note.as_ref().is_some_and(|(_, at)| *at == n);

    let alert_rows = crate::alert_view::rows(sim);
    let bells = crate::alert_view::bells(&alert_rows);
    let bell = |node: Node, id: &str| -> Html {
        bells.iter().find(|b| b.node == node).map_or(html! {}, |b| bell_marker(b, &alert_rows, id))
    };
    let sagas = sim.sagas();
    let services = layout.services.iter().map(|&(i, pos)| {
        let node = Node::Service(i);
        let view = sim.service_view(i);
        // Request-driven, a service further down the chain is called too, by another service.
        let called = wiring == Wiring::Request || layout.direct.contains(&i);
        // One short line: what is queued shows as the stack of tokens under it.
        let saga = sc.saga.as_ref().filter(|g| g.takes_part(i) && wiring == Wiring::Event);
        let detail = if saga.is_some() {
            format!("working {}", view.in_progress)
        } else if called {
            format!("working {}", view.in_progress)
        } else {
            format!("lag {}", view.lag)
        };
        // The orchestrator holds each saga in progress: a stack of the orders it is running.
        let orchestrating = saga.is_some_and(|g| g.orchestrator == i);
        let in_progress = sagas.as_ref().map_or(0, |v| v.orchestrating);
        // What piles up for it looks like what it handles: its channel's first type.
        let handles = sc.message_types().into_iter().find(|&t| sc.chain.channel_of(t) == sc.chain.reads(i));
        let event_kind = match handles {
            Some(t) if t.is_follow_up() => TokenKind::FollowUp(t.0 - fanout_sim::message::MessageType::FIRST_FOLLOW_UP),
            _ => TokenKind::Event,
        };
        let kind = if called { TokenKind::Call } else { event_kind };
        let queue = view.queue as u64;
        let key = view.key.clone();
        html! {
            <NodeButton {node} test_id={test_id(node, sc)} icon={crate::icons::service_icon(sc.catalog[i as usize].icon)} {pos} stepped={stepped(node)}
                        detail={detail} expanded={expanded(node)} on_open={props.on_open.clone()} view={view}
                        badges={badges(sim, i)}>
                { bell(node, &key) }
                <TokenStack test_id={format!("queue-{key}")} count={queue} {kind} />
                if in_nodes {
                    { for held.iter().filter(labelled).filter(|h| h.callee == i).map(|h| held_label(h, None)) }
                }
                // The events the broker holds for it and has not yet handed out, on the node
                // they are waiting for.
                if !called && wiring == Wiring::Event && saga.is_none() {
                    <TokenStack test_id={format!("backlog-{key}")} count={sim.backlog_at_broker(i)} kind={event_kind} />
                }
                if orchestrating {
                    <TokenStack test_id="stack-sagas" count={in_progress} kind={TokenKind::Order} />
                }
            </NodeButton>
        }
    });

    let stuck = sagas.as_ref().map_or(0, |v| v.stuck);
    let outbox = sim.outbox();
    let outbox_shown = wiring == Wiring::Event && (sim.publishing().uses_outbox() || outbox.pending_total > 0);
    // Read models that are visibly behind or wrong: a pile of the log's events each has not
    // applied, at the Order Service whose log it reads. A lag of a pass or two is normal and
    // not drawn, so the piles mean something when they appear.
    let store_piles: Vec<(fanout_sim::projection::ProjectionKind, u64, String, bool)> = {
        sim.sourcing_view()
            .projections
            .iter()
            .filter(|p| p.condition().needs_attention())
            .map(|p| {
                use fanout_sim::sourcing::Condition::*;
                let name = crate::narration::read_model_name(p.kind);
                let (word, wrong) = match p.condition() {
                    Wrong => ("wrong", true),
                    Stopped => ("stopped", false),
                    Rebuilding { .. } => ("rebuilding", false),
                    _ => ("behind", false),
                };
                (p.kind, p.lag_events, format!("{name} · {word}"), wrong)
            })
            .collect()
    };
    let (sx, sy) = layout.shopper;
    let in_flight = sim.headline().in_flight;
    html! {
        <section class="stage-panel" aria-labelledby="stage-title">
            <div class="panel-head">
                <h2 id="stage-title" tabindex="-1">{ sc.title.clone() }</h2>
                <p class="call-list" data-testid="call-list">
                    <strong>{ format!("{}: ", sc.order_service.name) }</strong>{ call_list(sim) }
                </p>
            </div>
            // What the last Step did, said where the student is looking, and its node marked.
            if let Some((note, _)) = &e.step_note {
                <p class="step-note" role="status" data-testid="step-note">
                    { icon("step") }<span>{ note.clone() }</span>
                </p>
            } else if props.hint {
                <p class="break-hint" data-testid="break-hint">
                    { icon("pointer") }
                    <span>{ format!("Click any service, the broker or the {} to break it: slow it down, crash it, make it fail.",
                                    sc.order_service.name) }</span>
                </p>
            }
            <div class={classes!("stage", if props.narrow { "tall" } else { "wide" }, format!("wiring-{}", wiring.key()))}
                 data-testid="stage" data-wiring={wiring.key()}
                 data-in-flight={sim.messages_in_flight().to_string()}
                 data-sim-time-us={sim.now().to_string()}
                 style={format!("height:{:.0}px", layout.height_px)}>
                <svg class="wires" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                    { for wires }
                    { for held_lines }
                </svg>
                <canvas class="messages" ref={props.canvas_ref.clone()} aria-hidden="true"></canvas>
                if e.pace == Pace::FastForward {
                    <span class="fast-forward" data-testid="fast-forward">
                        { icon("play") }{ icon("play") }
                        <span>{ format!("Fast-forward {}\u{d7} \u{b7} {}", FAST_FORWARD, human(sim.now())) }</span>
                    </span>
                }
                { for held_labels }
                <div class={classes!("node", "shopper", "hub", stepped(Node::Shopper).then_some("stepped"))} style={format!("left:{sx:.2}%;top:{sy:.2}%")} data-testid="node-shopper">
                    <span class="node-icon">{ icon("person") }</span>
                    <span class="node-text"><span class="node-name">{ sc.actor.clone() }</span>
                    <span class="node-status" data-testid="shopper-waiting">{ shopper_waiting(sim, &waiting) }</span>
                    <TokenStack test_id="stack-shopper" count={in_flight} kind={TokenKind::Order} /></span>
                </div>
                <NodeButton node={Node::Orders} test_id="node-orders" icon={crate::icons::service_icon(sc.order_service.icon)} pos={layout.orders} stepped={stepped(Node::Orders)}
                            detail={orders_detail} expanded={expanded(Node::Orders)} badges={orders_badges(sim)}
                            on_open={props.on_open.clone()} view={orders}>
                    { bell(Node::Orders, "orders") }
                    <TokenStack test_id="stack-orders" count={u64::from(waiting.open())} kind={TokenKind::Order} />
                    // The outbox table's waiting rows, and the orders saved that no event will
                    // ever announce: both piles sit where they live, at the Order Service.
                    if outbox_shown {
                        <span class="stack-caption" data-testid="outbox-caption">{ match outbox.relay {
                            fanout_sim::outbox::RelayState::Stopped => "outbox · relay stopped",
                            fanout_sim::outbox::RelayState::Restarting => "outbox · relay restarting",
                            _ => "outbox",
                        } }</span>
                        <TokenStack test_id="stack-outbox" count={outbox.pending_total as u64} kind={TokenKind::Event} />
                    }
                    if stuck > 0 {
                        <span class="stack-caption lost">{ "stuck sagas" }</span>
                        <TokenStack test_id="stack-stuck" count={stuck} kind={TokenKind::Order} />
                    }
                    { for store_piles.iter().map(|(kind, lag, caption, wrong)| html! {
                        <>
                            <span class={classes!("stack-caption", wrong.then_some("lost"))}
                                  data-testid={format!("read-model-caption-{}", kind.key())}>{ caption.clone() }</span>
                            <TokenStack test_id={format!("stack-read-model-{}", kind.key())} count={*lag} kind={TokenKind::Event} />
                        </>
                    }) }
                    if outbox.lost.total() > 0 {
                        <span class="stack-caption lost">{ "no event" }</span>
                        <TokenStack test_id="stack-lost" count={outbox.lost.total()} kind={TokenKind::Order} />
                    }
                </NodeButton>
                <NodeButton node={Node::Broker} test_id="node-broker" icon="broker" pos={layout.broker} stepped={stepped(Node::Broker)}
                            detail={broker_detail} expanded={expanded(Node::Broker)}
                            idle={wiring == Wiring::Request} on_open={props.on_open.clone()} view={broker} />
                { for services }
            </div>
            if let Some(evidence) = props.evidence.clone() {
                <div class="evidence" data-testid="evidence">{ evidence }</div>
            }
            <p class="scene-summary" data-testid="scene-summary">{ scene_summary(sim) }</p>
            <div class="stage-foot">
                <Legend event={sc.event_name.clone()} cancel_event={sc.cancel_event_name.clone()} noun={sc.noun.clone()}
                        follow_ups={sc.chain.types.iter().map(|t| AttrValue::from(t.name.clone())).collect::<Vec<_>>()}
                        saga={sc.saga.is_some()} />
                <AddSubscriber engine={props.engine.clone()} tick={props.tick} on_changed={props.on_changed.clone()} />
            </div>
        </section>
    }
}
