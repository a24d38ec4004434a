//! The waterfall's geometry and words, decided once from an order's trace so that drawing it
//! takes no decisions: one row per span, the order's own trace first and each split trace as
//! a block of its own under it, rows grouped by service under the service's name, bars placed
//! on one time scale from the shopper's click, the queued part of a bar, the marks for
//! errors, retries and open spans, and a marker where the context was lost. Also the span
//! table and the one-sentence summary, which say the same in words.

use crate::words::{list, Words};
use fanout_sim::otlp::SpanKind;
use fanout_sim::time::Micros;
use fanout_sim::trace::{OrderTrace, RootCause, TracedSpan};
use fanout_sim::{Node, Scenario};

/// The drawing's width in its own units; the SVG scales to its box.
pub const WIDTH: f64 = 760.0;
/// The column of service names and operations left of the bars.
pub const LABEL_W: f64 = 220.0;
/// Room right of the latest bar for its marks (`#2 ✗ timeout`).
pub const RIGHT_PAD: f64 = 96.0;
pub const AXIS_H: f64 = 26.0;
pub const ROW_H: f64 = 22.0;
pub const SERVICE_H: f64 = 20.0;
pub const TRACE_H: f64 = 28.0;
pub const BAR_H: f64 = 14.0;
/// A bar is never thinner than this, so that an instant (a dead letter) still shows.
const MIN_BAR_W: f64 = 2.0;
/// The queued part is labelled when it is at least this wide.
const QUEUED_LABEL_W: f64 = 46.0;
/// Operation names longer than this are cut with an ellipsis (the table has them whole).
const LABEL_CHARS: usize = 28;

/// The drawing's frame: its width, the label column and the room right of the bars. A phone,
/// or one side of a comparison, gets a narrower frame drawn at the same text size, rather
/// than the wide one shrunk until its labels cannot be read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub label_w: f64,
    pub right_pad: f64,
    pub label_chars: usize,
    /// Most ticks on the time axis.
    pub ticks: u64,
}

impl Frame {
    pub const WIDE: Frame =
        Frame { width: WIDTH, label_w: LABEL_W, right_pad: RIGHT_PAD, label_chars: LABEL_CHARS, ticks: 6 };
    pub const NARROW: Frame = Frame { width: 320.0, label_w: 116.0, right_pad: 40.0, label_chars: 16, ticks: 3 };
}

/// What a bar stands for, as its colour and the legend name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarKind {
    /// A call: the caller's CLIENT span or the callee's SERVER span.
    Call,
    /// A publish or a delivery's processing: PRODUCER or CONSUMER.
    Message,
    /// Work inside one service (saving the order, a dead letter).
    Internal,
}

impl BarKind {
    pub fn of(kind: SpanKind) -> BarKind {
        match kind {
            SpanKind::Client | SpanKind::Server => BarKind::Call,
            SpanKind::Producer | SpanKind::Consumer => BarKind::Message,
            SpanKind::Internal => BarKind::Internal,
        }
    }
    pub fn class(self) -> &'static str {
        match self {
            BarKind::Call => "k-call",
            BarKind::Message => "k-message",
            BarKind::Internal => "k-internal",
        }
    }
}

/// One span's row.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The span's index in the trace.
    pub index: usize,
    /// The row's top.
    pub y: f64,
    pub x: f64,
    pub w: f64,
    /// The first part of the bar, spent waiting in the service's queue.
    pub queued_w: f64,
    pub queued_label: bool,
    pub kind: BarKind,
    pub critical: bool,
    pub open: bool,
    pub failed: bool,
    /// The operation, cut to fit the label column.
    pub label: String,
    /// The marks right of the bar: `#2`, `✗ timeout`.
    pub note: String,
    /// The bar in words, for a pointer's tooltip.
    pub title: String,
}

/// A heading row: a trace's block, or a service's group inside one.
#[derive(Clone, Debug, PartialEq)]
pub struct Heading {
    pub y: f64,
    pub text: String,
    pub trace: bool,
}

/// Where a consumer lost the context: a mark on the producer's row and a dashed line to the
/// span that began the new trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub x: f64,
    /// The producer row's middle.
    pub y: f64,
    pub to_x: f64,
    /// The split span row's middle.
    pub to_y: f64,
    /// The new trace links back to the producer.
    pub linked: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub bars: Vec<Bar>,
    pub headings: Vec<Heading>,
    pub markers: Vec<Marker>,
    pub ticks: Vec<Tick>,
    pub height: f64,
    pub traces: usize,
    pub frame: Frame,
}

/// A node as the page names it.
pub fn node_name(sc: &Scenario, node: Node) -> String {
    match node {
        Node::Shopper => sc.actor.clone(),
        Node::Orders => sc.order_service.name.clone(),
        Node::Broker => "Broker".into(),
        Node::Relay => "Outbox relay".into(),
        Node::Service(i) => sc.catalog.get(i as usize).map_or_else(|| "Service".into(), |s| s.name.clone()),
    }
}

/// Where the time axis starts (the shopper's click, or the first span kept) and how long the
/// trace runs from there.
pub fn extent(trace: &OrderTrace) -> (Micros, Micros) {
    let t0 = trace
        .request()
        .map(|r| r.span.start_us)
        .or_else(|| trace.spans.iter().map(|s| s.span.start_us).min())
        .unwrap_or(0);
    let end = trace.spans.iter().map(|s| s.span.end_us).max().unwrap_or(t0);
    (t0, end.saturating_sub(t0))
}

/// Milliseconds with one decimal: `738.0`.
pub fn ms(us: Micros) -> String {
    format!("{:.1}", us as f64 / 1000.0)
}

/// Seconds with one decimal: `2.8 s`.
fn secs(us: Micros) -> String {
    format!("{:.1} s", us as f64 / 1_000_000.0)
}

/// An axis step of 1, 2 or 5 times a power of ten milliseconds, giving at most six steps.
fn tick_step_us(scale_us: Micros, most: u64) -> Micros {
    let mut unit: Micros = 1000;
    loop {
        for m in [1, 2, 5] {
            if scale_us / (unit * m) <= most {
                return unit * m;
            }
        }
        unit *= 10;
    }
}

fn cut(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(most - 1).collect::<String>())
    }
}

/// The publish whose message `split` received: named by the link when there is one, else the
/// last publish of the same message that began before it.
pub fn producer_of(trace: &OrderTrace, split: &TracedSpan) -> Option<usize> {
    if let Some(l) = split.span.links.first() {
        return trace.index_of(l.span);
    }
    let attr = |s: &TracedSpan, k: &str| s.span.attributes.iter().find(|a| a.0 == k).map(|a| a.1.clone());
    let id = attr(split, "messaging.message.id");
    let dest = attr(split, "messaging.destination.name");
    trace
        .spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.span.kind == SpanKind::Producer && s.span.start_us <= split.span.start_us)
        .filter(|(_, s)| match &id {
            Some(id) => attr(s, "messaging.message.id").as_ref() == Some(id),
            None => attr(s, "messaging.destination.name") == dest,
        })
        .map(|(i, _)| i)
        .next_back()
}

/// Lays out `trace` with time `t0` at the left edge of the bars and `scale_us` at their right
/// edge (two waterfalls side by side share one scale).
pub fn layout(trace: &OrderTrace, sc: &Scenario, t0: Micros, scale_us: Micros) -> Layout {
    layout_in(trace, sc, t0, scale_us, Frame::WIDE)
}

/// [`layout`] in a frame of one's choice.
pub fn layout_in(trace: &OrderTrace, sc: &Scenario, t0: Micros, scale_us: Micros, frame: Frame) -> Layout {
    let scale_us = scale_us.max(1000);
    let plot_w = frame.width - frame.label_w - frame.right_pad;
    let x_of = |t: Micros| frame.label_w + (t.saturating_sub(t0) as f64 / scale_us as f64) * plot_w;
    let step = tick_step_us(scale_us, frame.ticks);
    let ticks = (0..=scale_us / step)
        .map(|k| {
            // Whole seconds read shorter as seconds: "2 s", not "2000 ms".
            let label = if step % 1_000_000 == 0 {
                format!("{} s", k * step / 1_000_000)
            } else {
                format!("{} ms", k * step / 1000)
            };
            Tick { x: x_of(t0 + k * step), label }
        })
        .collect();

    let traces = trace.traces();
    let mut bars = Vec::with_capacity(trace.spans.len());
    let mut headings = Vec::new();
    let mut y = AXIS_H;
    // Row tops by span index, for the markers.
    let mut row_y = vec![0.0; trace.spans.len()];
    for (n, &id) in traces.iter().enumerate() {
        let spans: Vec<usize> = (0..trace.spans.len()).filter(|&i| trace.spans[i].span.trace == id).collect();
        let root = spans.iter().map(|&i| &trace.spans[i]).find(|s| s.span.parent.is_none());
        let text = match root.and_then(|r| r.root.map(|c| (c, node_name(sc, r.node)))) {
            Some((RootCause::Entry, _)) => format!("Trace 1: order {}'s own", trace.order),
            Some((RootCause::ContextDropped, who)) => {
                format!("Trace {}: begun by {who} (context dropped)", n + 1)
            }
            Some((RootCause::ContextLinked, who)) => {
                format!("Trace {}: begun by {who}, linked back", n + 1)
            }
            Some((RootCause::Forgotten, _)) | None => {
                format!("Trace {}: its start is no longer kept", n + 1)
            }
        };
        headings.push(Heading { y, text, trace: true });
        y += TRACE_H;
        // Services in the order they first appear; each span under its service.
        let mut services: Vec<Node> = Vec::new();
        for &i in &spans {
            if !services.contains(&trace.spans[i].node) {
                services.push(trace.spans[i].node);
            }
        }
        for node in services {
            headings.push(Heading { y, text: node_name(sc, node), trace: false });
            y += SERVICE_H;
            for &i in spans.iter().filter(|&&i| trace.spans[i].node == node) {
                let s = &trace.spans[i];
                let x = x_of(s.span.start_us);
                let w = (x_of(s.span.end_us) - x).max(MIN_BAR_W);
                let queued_w = (x_of(s.span.start_us + s.queued_us) - x).min(w);
                let mut marks = Vec::new();
                if s.attempt > 1 {
                    marks.push(format!("#{}", s.attempt));
                }
                if let Some(e) = s.error {
                    marks.push(format!("✗ {}", e.key()));
                }
                if s.open {
                    marks.push("running".into());
                }
                let mut title = format!("{}: {}, {} ms", node_name(sc, node), s.span.name, ms(s.duration_us()));
                if s.queued_us > 0 {
                    title.push_str(&format!(", {} ms of it queued", ms(s.queued_us)));
                }
                if !marks.is_empty() {
                    title.push_str(&format!(" ({})", marks.join(", ")));
                }
                row_y[i] = y;
                bars.push(Bar {
                    index: i,
                    y,
                    x,
                    w,
                    queued_w,
                    queued_label: queued_w >= QUEUED_LABEL_W,
                    kind: BarKind::of(s.span.kind),
                    critical: s.critical,
                    open: s.open,
                    failed: s.error.is_some(),
                    label: cut(&s.span.name, frame.label_chars),
                    note: marks.join(" "),
                    title,
                });
                y += ROW_H;
            }
        }
    }
    let markers = trace
        .spans
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.root, Some(RootCause::ContextDropped | RootCause::ContextLinked)))
        .filter_map(|(i, s)| {
            let p = producer_of(trace, s)?;
            let linked = s.root == Some(RootCause::ContextLinked);
            Some(Marker {
                x: x_of(trace.spans[p].span.end_us),
                y: row_y[p] + ROW_H / 2.0,
                to_x: x_of(s.span.start_us),
                to_y: row_y[i] + ROW_H / 2.0,
                linked,
                text: if linked { "linked".into() } else { "context lost here".into() },
            })
        })
        .collect();
    Layout { bars, headings, markers, ticks, height: y + 6.0, traces: traces.len(), frame }
}

/// One row of the span table, in words.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanRow {
    pub trace: usize,
    pub service: String,
    pub operation: String,
    pub start_ms: String,
    pub duration_ms: String,
    pub queued_ms: String,
    pub status: String,
    pub parent: String,
    pub critical: bool,
}

/// The spans as a table, in the waterfall's order of traces, times from `t0`.
pub fn table(trace: &OrderTrace, sc: &Scenario, t0: Micros) -> Vec<SpanRow> {
    let traces = trace.traces();
    let mut rows = Vec::with_capacity(trace.spans.len());
    for (n, &id) in traces.iter().enumerate() {
        for s in trace.of_trace(id) {
            let mut status = match s.error {
                Some(e) => format!("error: {}", e.key()),
                None if s.open => "running".into(),
                None => "ok".into(),
            };
            if s.attempt > 1 {
                status.push_str(&format!(", attempt {}", s.attempt));
            }
            let parent = match (s.span.parent.and_then(|p| trace.index_of(p)), s.root) {
                (Some(p), _) => format!("{}: {}", node_name(sc, trace.spans[p].node), trace.spans[p].span.name),
                (None, Some(RootCause::Entry)) => "none: the order's first span".into(),
                (None, Some(RootCause::ContextDropped)) => "none: the context was dropped".into(),
                (None, Some(RootCause::ContextLinked)) => "none: the context was dropped; linked".into(),
                (None, _) => "none: no longer kept".into(),
            };
            rows.push(SpanRow {
                trace: n + 1,
                service: node_name(sc, s.node),
                operation: s.span.name.clone(),
                start_ms: ms(s.span.start_us.saturating_sub(t0)),
                duration_ms: ms(s.duration_us()),
                queued_ms: ms(s.queued_us),
                status,
                parent,
                critical: s.critical,
            });
        }
    }
    rows
}

/// The trace in one or two sentences: how long the shopper waited and for what, and where the
/// context was lost.
pub fn summary(trace: &OrderTrace, sc: &Scenario) -> String {
    let w = Words::of(sc);
    let actor = w.actor();
    let mut out = match trace.request() {
        None => format!(
            "{} {}: its start is older than what the tracer keeps; the spans still kept are shown.",
            crate::state::capitalise(w.noun()),
            trace.order
        ),
        Some(r) => {
            let waited = if r.open {
                format!("the {actor} has waited {} so far", secs(r.duration_us()))
            } else if r.error.is_some() {
                format!("the {actor} waited {} and was told the {} failed", secs(r.duration_us()), w.request())
            } else {
                format!("the {actor} waited {}", secs(r.duration_us()))
            };
            // The entry service's calls, and how long they kept it (overlaps counted once).
            let calls: Vec<&TracedSpan> =
                trace.spans.iter().filter(|s| s.node == Node::Orders && s.span.kind == SpanKind::Client).collect();
            let mut callees: Vec<String> = Vec::new();
            for c in &calls {
                let name = c
                    .span
                    .name
                    .strip_prefix("POST /")
                    .and_then(|k| sc.catalog_index(k))
                    .map_or_else(|| c.span.name.clone(), |i| sc.catalog[i].name.clone());
                if !callees.contains(&name) {
                    callees.push(name);
                }
            }
            let mut spans: Vec<(Micros, Micros)> = calls.iter().map(|c| (c.span.start_us, c.span.end_us)).collect();
            spans.sort();
            let (mut busy, mut overlap, mut reach) = (0, false, 0);
            for &(s, e) in &spans {
                if s < reach {
                    overlap = true;
                }
                busy += e.saturating_sub(s.max(reach));
                reach = reach.max(e);
            }
            let published = trace.spans.iter().any(|s| s.node == Node::Orders && s.span.kind == SpanKind::Producer);
            let mut text = format!("{} {}: {waited}", crate::state::capitalise(w.noun()), trace.order);
            if !calls.is_empty() {
                let how = match (callees.len(), overlap) {
                    (1, _) => String::new(),
                    (_, true) => ", at the same time".into(),
                    (_, false) => ", one after another".into(),
                };
                let what = if callees.len() == 1 { "a call to" } else { "calls to" };
                text.push_str(&format!("; {} of it in {what} {}{how}", secs(busy), list(&callees, "")));
            }
            if published {
                text.push_str(if calls.is_empty() { ", until" } else { ", then until" });
                text.push_str(" the broker had the event; the subscribers' work was not waited for");
            }
            text.push('.');
            text
        }
    };
    // Where the context was lost, per service.
    let mut dropped: Vec<String> = Vec::new();
    let mut linked: Vec<String> = Vec::new();
    for s in trace.splits() {
        let name = node_name(sc, s.node);
        let into = if s.root == Some(RootCause::ContextLinked) { &mut linked } else { &mut dropped };
        if !into.contains(&name) {
            into.push(name);
        }
    }
    let extra = trace.traces().len().saturating_sub(1);
    let where_ = if extra == 1 { "a second trace".to_string() } else { format!("{extra} traces of its own") };
    if !dropped.is_empty() {
        let (its, is) = if dropped.len() == 1 { ("its", "is") } else { ("their", "are") };
        let where_ = if dropped.len() == 1 { where_.clone() } else { "traces of their own".into() };
        out.push_str(&format!(" {} dropped the trace context: {its} work {is} in {where_}.", list(&dropped, "")));
    }
    if !linked.is_empty() {
        out.push_str(&format!(
            " {} dropped the trace context but linked {} new trace back to the order's.",
            list(&linked, ""),
            if linked.len() == 1 { "its" } else { "their" }
        ));
    }
    if trace.forgotten && trace.request().is_some() {
        out.push_str(" Some of its first spans are no longer kept.");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fanout_sim::{FaultSpec, Setup, Sim, Wiring, SEC};

    fn run(wiring: Wiring, faults: &[&str]) -> Sim {
        let faults = faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect();
        let mut sim = Sim::from_setup(&Setup { seed: 5, wiring, rate: Some(5.0), faults, ..Setup::default() }).unwrap();
        sim.run_until(20 * SEC);
        sim
    }

    fn laid(sim: &Sim, order: u64) -> (OrderTrace, Layout) {
        let t = sim.trace_of(order);
        let (t0, span) = extent(&t);
        let l = layout(&t, sim.scenario(), t0, span);
        (t, l)
    }

    #[test]
    fn every_span_gets_one_row_inside_the_drawing_in_time_order_on_the_axis() {
        let sim = run(Wiring::Request, &["slow:analytics:2000ms"]);
        let (t, l) = laid(&sim, 5);
        assert_eq!(l.bars.len(), t.spans.len());
        assert_eq!(l.traces, 1);
        let mut ys: Vec<f64> = l.bars.iter().map(|b| b.y).collect();
        ys.dedup();
        assert_eq!(ys.len(), l.bars.len(), "one row per span");
        for b in &l.bars {
            assert!(b.x >= LABEL_W - 1e-9 && b.x + b.w <= WIDTH - RIGHT_PAD + MIN_BAR_W + 1e-6, "{b:?}");
            assert!(b.y >= AXIS_H && b.y + ROW_H <= l.height);
            assert!(b.queued_w <= b.w);
        }
        // The shopper's request spans the whole scale: from the left edge to the right.
        let req = l.bars.iter().find(|b| t.spans[b.index].root == Some(RootCause::Entry)).unwrap();
        assert!((req.x - LABEL_W).abs() < 1e-9 && (req.x + req.w - (WIDTH - RIGHT_PAD)).abs() < 1e-6);
        assert!(req.critical);
        assert!(l.ticks.len() >= 2 && l.ticks.len() <= 7, "{:?}", l.ticks);
        assert_eq!(l.ticks[0].label, "0 s");
        // Rows are grouped by service under the service's name.
        let names: Vec<&str> = l.headings.iter().filter(|h| !h.trace).map(|h| h.text.as_str()).collect();
        assert_eq!(names[..2], ["Shopper", "Order Service"]);
        assert!(names.contains(&"Analytics"));
    }

    #[test]
    fn a_dropped_context_makes_a_second_block_and_a_marker_on_the_producers_row() {
        let sim = run(Wiring::Event, &["drop-context:email"]);
        let (t, l) = laid(&sim, 5);
        assert_eq!(l.traces, 2);
        assert_eq!(l.headings.iter().filter(|h| h.trace).count(), 2);
        assert_eq!(l.markers.len(), 1);
        let m = &l.markers[0];
        assert!(!m.linked && m.text == "context lost here");
        let producer = l.bars.iter().find(|b| t.spans[b.index].span.kind == SpanKind::Producer).unwrap();
        assert!((m.y - (producer.y + ROW_H / 2.0)).abs() < 1e-9, "the marker sits on the publish's row");
        assert!(m.to_y > m.y, "the split trace is drawn under the order's own");
        let s = summary(&t, sim.scenario());
        assert!(s.contains("until the broker had the event"), "{s}");
        assert!(s.ends_with("Email dropped the trace context: its work is in a second trace."), "{s}");
        let rows = table(&t, sim.scenario(), extent(&t).0);
        assert_eq!(rows.len(), t.spans.len());
        assert!(rows.iter().any(|r| r.trace == 2 && r.parent == "none: the context was dropped"));
    }

    #[test]
    fn a_request_driven_summary_names_the_calls_one_after_another() {
        let sim = run(Wiring::Request, &[]);
        let (t, _) = laid(&sim, 5);
        let s = summary(&t, sim.scenario());
        assert!(s.starts_with("Order 5: the shopper waited "), "{s}");
        assert!(s.contains("in calls to Email, Inventory, Analytics and Shipping, one after another."), "{s}");
    }

    #[test]
    fn a_phone_gets_the_narrow_frame_with_every_bar_inside_it_and_labels_cut_to_fit() {
        let sim = run(Wiring::Request, &["slow:analytics:2000ms"]);
        let t = sim.trace_of(5);
        let (t0, span) = extent(&t);
        let f = Frame::NARROW;
        let l = layout_in(&t, sim.scenario(), t0, span, f);
        assert_eq!((l.frame, l.bars.len()), (f, t.spans.len()));
        for b in &l.bars {
            assert!(b.x >= f.label_w - 1e-9 && b.x + b.w <= f.width - f.right_pad + MIN_BAR_W + 1e-6, "{b:?}");
            assert!(b.label.chars().count() <= f.label_chars, "{}", b.label);
        }
        assert!(l.ticks.len() >= 2 && l.ticks.len() <= f.ticks as usize + 1, "{:?}", l.ticks);
    }

    #[test]
    fn ticks_step_by_one_two_or_five() {
        assert_eq!(tick_step_us(700_000, 6), 200_000);
        assert_eq!(tick_step_us(4_029_000, 6), 1_000_000);
        assert_eq!(tick_step_us(1_000, 6), 1_000);
        assert_eq!(tick_step_us(55_000_000, 6), 10_000_000);
    }
}
