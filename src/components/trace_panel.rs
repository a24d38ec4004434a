//! The trace view: pick an order (the slowest, a failed one, one with retries, the latest, or
//! any number, also from the event log) and see its spans as a waterfall, with a sentence
//! saying what the shopper waited for and a table saying the same in numbers. A consumer
//! that drops the trace context splits the picture, which the waterfall shows as a second
//! block and a marker; span links tie it back. The same order in the other wiring can be
//! drawn beside it on one time scale, and the trace saved as OTLP JSON for Jaeger.

use crate::components::span_table::SpanTable;
use crate::components::waterfall::Waterfall;
use crate::engine::EngineHandle;
use crate::state::TraceAsk;
use crate::waterfall_layout::{extent, layout_in, summary, table, Frame, Layout, SpanRow};
use fanout_sim::otlp::{otlp_json, EPOCH_NS};
use fanout_sim::time::Micros;
use fanout_sim::trace::OrderTrace;
use fanout_sim::{Action, Scenario, Wiring};
use std::rc::Rc;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TracePanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
    #[prop_or_default]
    pub asked: Option<TraceAsk>,
    /// Open from the start, on the slowest order: a lesson step points at the traces.
    #[prop_or_default]
    pub start_open: bool,
    /// A phone's width: the waterfall takes the narrow frame.
    #[prop_or_default]
    pub narrow: bool,
    pub on_changed: Callback<Result<(), String>>,
}

/// One side of the view: the trace, drawn and in words.
#[derive(PartialEq)]
struct Side {
    trace: OrderTrace,
    layout: Rc<Layout>,
    rows: Rc<Vec<SpanRow>>,
    summary: String,
    /// Subscribers whose copy of the event still waits in the broker, named.
    unreached: Vec<String>,
    /// The shopper's wait, when answered.
    response_us: Option<Micros>,
}

impl Side {
    fn of(trace: OrderTrace, sc: &Scenario, scale_us: Micros, frame: Frame, unreached: Vec<u16>) -> Side {
        let (t0, _) = extent(&trace);
        Side {
            layout: Rc::new(layout_in(&trace, sc, t0, scale_us, frame)),
            rows: Rc::new(table(&trace, sc, t0)),
            summary: summary(&trace, sc),
            unreached: unreached.iter().map(|&i| sc.catalog[i as usize].name.clone()).collect(),
            response_us: trace.response_us(),
            trace,
        }
    }
}

/// The same order in the other wiring, as of the moment it was computed.
#[derive(PartialEq)]
struct Other {
    order: u64,
    at_us: Micros,
    trace: Result<OrderTrace, String>,
}

fn wiring_word(w: Wiring) -> &'static str {
    match w {
        Wiring::Request => "request-driven",
        Wiring::Event => "event-driven",
    }
}

fn other_wiring(w: Wiring) -> Wiring {
    match w {
        Wiring::Request => Wiring::Event,
        Wiring::Event => Wiring::Request,
    }
}

/// Re-runs the lab in the other wiring up to now and takes `order`'s trace there.
fn compute_other(engine: &EngineHandle, order: u64) -> Other {
    let e = engine.borrow();
    let at_us = e.sim().now();
    let trace = e.timeline.in_other_wiring().and_then(|sim| {
        if order >= sim.next_order_id() {
            Err(format!("order {order} was not placed there by this moment"))
        } else {
            Ok(sim.trace_of(order))
        }
    });
    Other { order, at_us, trace }
}

/// An order the tracer kept, or why it has no trace: above 200 orders per second the tracer
/// keeps one order in so many, as a real tracer's head sampling does.
fn sampled(engine: &crate::engine::Engine, order: u64) -> Result<u64, String> {
    let sim = engine.sim();
    if sim.trace_sampled(order) {
        return Ok(order);
    }
    let every = sim.trace_sampling().max(2);
    let near = (order / every).max(1) * every;
    Err(format!(
        "Order {order} was not traced: at this rate the tracer keeps one order in {every} (head sampling, \
         decided when an order is placed, as real tracers do). Order {near} was traced."
    ))
}

/// Reads the order field: a whole number of an order placed so far.
pub fn parse_order(text: &str, next_order: u64) -> Result<u64, String> {
    let last = next_order.saturating_sub(1);
    let range = if last == 0 {
        "No order has been placed yet.".to_string()
    } else {
        format!("Enter an order number from 1 to {last}.")
    };
    match text.trim().trim_start_matches('#').parse::<u64>() {
        Ok(n) if n >= 1 && n <= last => Ok(n),
        Ok(n) => Err(format!("There is no order {n} yet. {range}")),
        Err(_) => Err(format!("“{}” is not an order number. {range}", text.trim())),
    }
}

fn secs(us: Micros) -> String {
    format!("{:.1} s", us as f64 / 1_000_000.0)
}

#[component]
pub fn TracePanel(props: &TracePanelProps) -> Html {
    let open = use_state(|| props.start_open);
    let order = {
        let engine = props.engine.clone();
        let start_open = props.start_open;
        use_state(move || start_open.then(|| engine.borrow().sim().trace_picks().slowest).flatten())
    };
    let text = use_state(String::new);
    let problem = use_state(|| None::<String>);
    let compare = use_state(|| false);
    let other = use_state(|| None::<Rc<Other>>);
    let status = use_state(String::new);
    let summary_ref = use_node_ref();

    // The event log asked for an order: open on it and bring it into view.
    {
        let (order, open, problem, summary_ref) = (order.clone(), open.clone(), problem.clone(), summary_ref.clone());
        use_effect_with(props.asked, move |asked| {
            if let Some(a) = asked {
                order.set(Some(a.order));
                open.set(true);
                problem.set(None);
                if let Some(el) = summary_ref.cast::<HtmlElement>() {
                    let _ = el.focus();
                    el.scroll_into_view();
                }
            }
        });
    }
    // The other wiring is re-run when the comparison is asked for or the order changes, not
    // every tick: it is the whole run again.
    {
        let (engine, other) = (props.engine.clone(), other.clone());
        use_effect_with((*order, *compare), move |(order, compare)| match (order, compare) {
            (Some(o), true) => other.set(Some(Rc::new(compute_other(&engine, *o)))),
            _ => other.set(None),
        });
    }

    let e = props.engine.borrow();
    let sim = e.sim();
    let sc = sim.scenario().clone();
    let picks = sim.trace_picks();
    let links = sim.trace_links();
    let wiring = sim.wiring();
    let next_order = sim.next_order_id();
    let now_us = sim.now();
    drop(e);

    // The trace is built, laid out and worded once per tick, and only while the panel is open.
    let view = {
        let engine = props.engine.clone();
        use_memo((*order, props.tick, *open, other.as_ref().map(|o| (o.order, o.at_us)), props.narrow), {
            let other = other.clone();
            move |(order, _, open, _, narrow)| {
                let narrow = *narrow;
                let order = (*open).then_some(*order).flatten()?;
                let e = engine.borrow();
                let sim = e.sim();
                let sc = sim.scenario();
                let trace = sim.trace_of(order);
                let theirs = other.as_ref().and_then(|o| o.trace.as_ref().ok()).cloned();
                let scale = extent(&trace).1.max(theirs.as_ref().map_or(0, |t| extent(t).1));
                // A phone, or two waterfalls side by side, get the narrow frame.
                let frame = if narrow || theirs.is_some() { Frame::NARROW } else { Frame::WIDE };
                let unreached = sim.not_yet_reached(&trace);
                let mine = Side::of(trace, sc, scale, frame, unreached);
                let theirs = theirs.map(|t| Side::of(t, sc, scale, frame, Vec::new()));
                Some((mine, theirs))
            }
        })
    };

    let pick = {
        let (order, problem, status) = (order.clone(), problem.clone(), status.clone());
        move |o: Option<u64>| {
            let (order, problem, status) = (order.clone(), problem.clone(), status.clone());
            Callback::from(move |_: MouseEvent| {
                if let Some(o) = o {
                    order.set(Some(o));
                    problem.set(None);
                    status.set(String::new());
                }
            })
        }
    };
    let pick_button = |id: &str, label: &str, o: Option<u64>| {
        html! {
            <button type="button" class="button small" data-testid={format!("trace-pick-{id}")} disabled={o.is_none()}
                    aria-describedby={o.is_none().then_some("trace-picks-none")}
                    onclick={pick(o)}>
                { label.to_string() }{ o.map(|o| format!(" (#{o})")).unwrap_or_default() }
            </button>
        }
    };
    let none: Vec<&str> = [
        (picks.slowest, "no order has been answered yet"),
        (picks.failed, "no order has failed"),
        (picks.with_retries, "no order has needed a retry"),
    ]
    .into_iter()
    .filter(|(o, _)| o.is_none())
    .map(|(_, why)| why)
    .collect();
    let on_submit = {
        let (order, text, problem, status) = (order.clone(), text.clone(), problem.clone(), status.clone());
        let engine_for_input = props.engine.clone();
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            match parse_order(&text, next_order).and_then(|o| sampled(&engine_for_input.borrow(), o)) {
                Ok(o) => {
                    order.set(Some(o));
                    problem.set(None);
                    status.set(String::new());
                }
                Err(why) => problem.set(Some(why)),
            }
        })
    };
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let now = e.target_unchecked_into::<web_sys::Element>().has_attribute("open");
            if now != *open {
                open.set(now);
            }
        })
    };
    let on_links = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            on_changed.emit(engine.apply(Action::SetTraceLinks { on }));
        })
    };
    let on_compare = {
        let compare = compare.clone();
        Callback::from(move |e: Event| compare.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let on_refresh = {
        let (engine, other, order) = (props.engine.clone(), other.clone(), order.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(o) = *order {
                other.set(Some(Rc::new(compute_other(&engine, o))));
            }
        })
    };
    let on_download = {
        let (engine, order, status) = (props.engine.clone(), order.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(o) = *order else { return };
            let spans = engine.borrow().sim().trace_of(o).otel_spans();
            let json = otlp_json(&spans, EPOCH_NS).to_string();
            let name = format!("fanout-trace-order-{o}.json");
            status.set(match crate::download::text(&name, "application/json", &json) {
                Ok(()) => format!("Saved {name}."),
                Err(e) => format!("{name} could not be saved: {e}."),
            });
        })
    };

    let this = wiring_word(wiring);
    let that = wiring_word(other_wiring(wiring));
    let side = |s: &Side, prefix: &str, title: String, test_id: &str| {
        let answered =
            s.response_us.map_or_else(|| "not answered yet".to_string(), |us| format!("answered in {}", secs(us)));
        let label =
            format!("Waterfall of {} spans in {} trace(s). {}", s.layout.bars.len(), s.layout.traces, s.summary);
        html! {
            <figure class="trace-side" data-testid={format!("{test_id}-side")}
                    data-response-us={s.response_us.map(|us| us.to_string())}>
                <figcaption><strong>{ title }</strong>{ format!(": {answered}") }</figcaption>
                <p class="trace-summary" data-testid={format!("{test_id}-summary")}>{ s.summary.clone() }</p>
                if !s.unreached.is_empty() {
                    <p class="trace-unreached" data-testid={format!("{test_id}-unreached")}>
                        { format!("Not in this trace yet: {}. {} copy of the event still waits in the broker (down, or behind), so for {} the trace stops at the publish.",
                                  crate::words::list(&s.unreached, ""),
                                  if s.unreached.len() == 1 { "Its" } else { "Their" },
                                  if s.unreached.len() == 1 { "it" } else { "them" }) }
                    </p>
                }
                <p class="trace-ids" data-testid={format!("{test_id}-ids")}>
                    { for s.trace.traces().iter().enumerate().map(|(n, id)| html! {
                        <span>{ format!("Trace {} id ", n + 1) }<code>{ id.to_string() }</code>{ " " }</span>
                    }) }
                    if let Some(r) = s.trace.request() {
                        <span>{ "The request carried " }<code data-testid={format!("{test_id}-traceparent")}>{ format!("traceparent: {}", r.context()) }</code></span>
                    }
                </p>
                <div class="waterfall-wrap" tabindex="0" role="region" aria-label={format!("{} waterfall, scrollable", this_or(prefix, this, that))}>
                    <Waterfall layout={s.layout.clone()} prefix={AttrValue::from(prefix.to_string())} label={AttrValue::from(label)}
                               test_id={AttrValue::from(test_id.to_string())} />
                </div>
                <details class="chart-table" data-testid={format!("{test_id}-table-details")}>
                    <summary>{ "Show the spans as a table" }</summary>
                    <SpanTable rows={s.rows.clone()} caption={AttrValue::from(format!("Spans of order {}, {}", s.trace.order, this_or(prefix, this, that)))}
                               test_id={AttrValue::from(format!("{test_id}-table"))} />
                </details>
            </figure>
        }
    };
    fn this_or(prefix: &str, this: &'static str, that: &'static str) -> &'static str {
        if prefix == "wf-other" {
            that
        } else {
            this
        }
    }

    let body = match (view.as_ref(), *order) {
        (_, None) => html! {
            <p class="menu-note" data-testid="trace-empty">
                { "Pick an order to see its trace: where its time went, service by service. The event log's “trace” buttons open one too." }
            </p>
        },
        (None, Some(_)) => html! {},
        (Some((mine, theirs)), Some(o)) if mine.trace.spans.is_empty() => {
            let _ = theirs;
            let why = match sampled(&props.engine.borrow(), o) {
                Err(why) => why,
                Ok(_) => format!("Order {o}'s spans are no longer kept: the tracer keeps the latest orders' work."),
            };
            html! { <p class="menu-note" data-testid="trace-empty">{ why }</p> }
        }
        (Some((mine, theirs)), Some(o)) => {
            let compare_view = if *compare {
                match other.as_ref() {
                    None => html! { <p class="menu-note">{ format!("Running the same lab {that}…") }</p> },
                    Some(oth) => match (&oth.trace, theirs) {
                        (Err(why), _) => html! {
                            <p class="field-error" role="alert" data-testid="trace-other-error">
                                { format!("The {that} run could not be shown: {why}.") }
                            </p>
                        },
                        (Ok(_), Some(t)) => {
                            let stale = oth.at_us < now_us;
                            html! {
                                <>
                                    { side(t, "wf-other", format!("Order {o}, {that}"), "waterfall-other") }
                                    <p class="menu-note trace-other-note">
                                        { format!("The {that} run as of {}. ", secs(oth.at_us)) }
                                        if stale {
                                            <button type="button" class="button small" data-testid="trace-other-refresh" onclick={on_refresh}>
                                                { "Bring it up to now" }
                                            </button>
                                        }
                                    </p>
                                </>
                            }
                        }
                        (Ok(_), None) => html! {},
                    },
                }
            } else {
                html! {}
            };
            html! {
                <>
                    <div class="menu-row trace-tools">
                        <button type="button" class="button small" data-testid="trace-download" onclick={on_download}>
                            { crate::icons::icon("download") }<span>{ "Download OTLP JSON" }</span>
                        </button>
                        <label class="field inline">
                            <input type="checkbox" data-testid="trace-compare" checked={*compare} onchange={on_compare} />
                            <span>{ format!("Compare with {that}") }</span>
                        </label>
                    </div>
                    <p class="download-status" role="status" data-testid="trace-download-status">{ (*status).clone() }</p>
                    <div class={classes!("trace-sides", compare.then_some("comparing"))}>
                        { side(mine, "wf-this", format!("Order {o}, {this}"), "waterfall") }
                        { compare_view }
                    </div>
                    <Legend />
                </>
            }
        }
    };

    let heading = match *order {
        Some(o) => format!("Traces (order {o})"),
        None => "Traces".to_string(),
    };
    html! {
        <section class="trace-panel" aria-labelledby="trace-title" data-testid="trace-panel"
                 data-order={order.map(|o| o.to_string())}>
            <details open={*open} ontoggle={on_toggle} data-testid="trace-details">
                <summary ref={summary_ref}><h2 id="trace-title">{ heading }</h2></summary>
                <div class="menu-row trace-picks" role="group" aria-label="Pick an order">
                    { pick_button("slowest", "Slowest", picks.slowest) }
                    { pick_button("failed", "Failed", picks.failed) }
                    { pick_button("retries", "With retries", picks.with_retries) }
                    { pick_button("latest", "Latest", picks.latest) }
                </div>
                if !none.is_empty() {
                    <p class="menu-note" id="trace-picks-none" data-testid="trace-picks-none">
                        { format!("Not available yet: {}.", crate::words::list(&none.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "")) }
                    </p>
                }
                <form class="menu-row trace-order-form" onsubmit={on_submit}>
                    <label class="field inline">
                        <span>{ format!("{} number", crate::state::capitalise(&sc.noun)) }</span>
                        <input type="text" inputmode="numeric" size="6" data-testid="trace-order-input" value={(*text).clone()}
                               oninput={on_input} aria-invalid={problem.is_some().to_string()}
                               aria-describedby={problem.as_ref().map(|_| "trace-order-error")} />
                    </label>
                    <button type="submit" class="button small" data-testid="trace-order-go">{ "Show its trace" }</button>
                    <label class="field inline">
                        <input type="checkbox" data-testid="trace-links" checked={links} onchange={on_links} />
                        <span>{ "Span links (a consumer that drops the context links back)" }</span>
                    </label>
                </form>
                if let Some(why) = problem.as_ref() {
                    <p class="field-error" id="trace-order-error" role="alert" data-testid="trace-order-error">{ why.clone() }</p>
                }
                { body }
            </details>
        </section>
    }
}

/// What the waterfall's colours and marks mean, each also said in words.
#[component]
fn Legend() -> Html {
    let swatch = |class: &str| {
        html! {
            <svg class="wf-swatch" viewBox="0 0 24 12" width="24" height="12" aria-hidden="true" focusable="false">
                <rect class={classes!("wf-bar", class.to_string())} x="0" y="0" width="24" height="12" rx="2" />
            </svg>
        }
    };
    html! {
        <ul class="wf-legend" aria-label="Waterfall legend" data-testid="trace-legend">
            <li>{ swatch("k-call") }{ "a call (client or server)" }</li>
            <li>{ swatch("k-message") }{ "a publish or a delivery's processing" }</li>
            <li>{ swatch("k-internal") }{ "work inside a service" }</li>
            <li><span class="wf-legend-mark critical" aria-hidden="true"></span>{ "outlined: on the critical path" }</li>
            <li><span class="wf-legend-mark queued" aria-hidden="true"></span>{ "hatched: waiting in the service's queue" }</li>
            <li><span class="wf-legend-mark failed" aria-hidden="true">{ "✗" }</span>{ "red with ✗: an error, with its type" }</li>
            <li>{ "#2: a retry or redelivery; “running”: not ended yet (fades out)" }</li>
            <li><span class="wf-legend-mark lost" aria-hidden="true"></span>{ "dashed: where the context was lost, to the trace it began" }</li>
        </ul>
    }
}
