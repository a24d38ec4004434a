//! `--trace ORDER`: one order's spans as a table (a waterfall in text: where each span sits
//! on the order's time axis), or as OTLP JSON to open in Jaeger.

use fanout_sim::otlp::{otlp_json, SpanKind, EPOCH_NS};
use fanout_sim::time::as_ms;
use fanout_sim::trace::{OrderTrace, RootCause, TracedSpan};
use fanout_sim::Sim;
use std::process::ExitCode;

/// Prints the trace, or says why there is none.
pub fn print(sim: &Sim, order: u64, json: bool) -> Result<ExitCode, String> {
    let placed = sim.headline().placed;
    if order > placed {
        return Err(format!("order {order} was not placed; this run placed {placed} (orders 1 to {placed})"));
    }
    if !sim.tracing() {
        return Err("tracing is off".into());
    }
    let t = sim.trace_of(order);
    if t.spans.is_empty() {
        return Err(format!("order {order} is older than what the tracer keeps"));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&otlp_json(&t.otel_spans(), EPOCH_NS)).expect("JSON"));
    } else {
        print_table(&t);
    }
    Ok(ExitCode::SUCCESS)
}

fn kind(k: SpanKind) -> &'static str {
    match k {
        SpanKind::Internal => "internal",
        SpanKind::Server => "server",
        SpanKind::Client => "client",
        SpanKind::Producer => "producer",
        SpanKind::Consumer => "consumer",
    }
}

fn print_table(t: &OrderTrace) {
    let traces = t.traces();
    let origin = t.spans.iter().map(|s| s.span.start_us).min().unwrap_or(0);
    match t.response_us() {
        Some(us) => println!(
            "order {}: answered in {:.1} ms, {} span(s) in {} trace(s)",
            t.order,
            as_ms(us),
            t.spans.len(),
            traces.len()
        ),
        None => println!("order {}: not answered yet, {} span(s) in {} trace(s)", t.order, t.spans.len(), traces.len()),
    }
    if t.forgotten {
        println!("(its first hops are older than what the tracer keeps)");
    }
    for (n, trace) in traces.iter().enumerate() {
        println!();
        let first = t.of_trace(*trace).next();
        let how = match first.and_then(|s| s.root) {
            Some(RootCause::ContextDropped) => " (begun by a consumer that dropped the context)",
            Some(RootCause::ContextLinked) => " (begun by a consumer that dropped the context; linked to the publish)",
            Some(RootCause::Forgotten) => " (its parent is older than what the tracer keeps)",
            _ => "",
        };
        println!("trace {} {trace}{how}", n + 1);
        println!(
            "  {:<2} {:<14} {:<28} {:<9} {:>10} {:>10} {:>9}  {:<13} parent",
            "", "service", "operation", "kind", "start ms", "ms", "queued ms", "status"
        );
        for s in t.of_trace(*trace) {
            println!(
                "  {:<2} {:<14} {:<28} {:<9} {:>10.1} {:>10.1} {:>9.1}  {:<13} {}",
                if s.critical { "*" } else { "" },
                s.span.service,
                s.span.name,
                kind(s.span.kind),
                as_ms(s.span.start_us - origin),
                as_ms(s.duration_us()),
                as_ms(s.queued_us),
                status(s),
                parent(t, s),
            );
        }
    }
    println!();
    println!("* on the critical path: the spans the shopper's answer (or a split trace's end) waited for");
}

fn status(s: &TracedSpan) -> String {
    let mut out = match s.error {
        Some(_) => s.span.attributes.iter().find(|(k, _)| k == "error.type").map_or("error".into(), |(_, v)| v.clone()),
        None if s.open => "in progress".into(),
        None => "ok".into(),
    };
    if s.attempt > 1 {
        out.push_str(&format!(" #{}", s.attempt));
    }
    out
}

fn parent(t: &OrderTrace, s: &TracedSpan) -> String {
    match (s.span.parent, s.root) {
        (Some(p), _) => {
            t.index_of(p).map_or(p.to_string(), |i| format!("{} {}", t.spans[i].span.service, t.spans[i].span.name))
        }
        (None, Some(RootCause::Entry)) => "(root)".into(),
        (None, Some(RootCause::ContextLinked)) => match s.span.links.first() {
            Some(l) => format!("(none; links to {})", l.span),
            None => "(none)".into(),
        },
        (None, _) => "(none: context lost)".into(),
    }
}
