//! Spans, and their export as OTLP JSON, the file Jaeger and other OpenTelemetry tools import:
//! `resourceSpans` (one per service) → `scopeSpans` → `spans`, ids as hex (16 bytes for a
//! trace, 8 for a span), times in unix nanoseconds written as strings, kinds and status codes as
//! the protocol numbers them. Span kinds and names follow the OpenTelemetry messaging
//! conventions: PRODUCER for a publish, CONSUMER for a delivery's processing, CLIENT and
//! SERVER for a call (the first piece of issue 18; the engine does not record spans yet).

use crate::time::Micros;
use crate::tracecontext::{SpanId, TraceId};
use serde_json::{json, Value};

/// Unix time of a run's time 0 in an export: 2026-01-01T00:00:00Z, so that every export of a
/// run is the same file, from the page or the command line.
pub const EPOCH_NS: u64 = 1_767_225_600_000_000_000;

/// A span's kind, numbered as OTLP numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanKind {
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// A span's status, numbered as OTLP numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanStatus {
    Unset = 0,
    Ok = 1,
    Error = 2,
}

/// A link to another span's context: a consumer that did not take the producer's context as
/// its parent can still point at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanLink {
    pub trace: TraceId,
    pub span: SpanId,
}

/// One span of a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub trace: TraceId,
    pub id: SpanId,
    pub parent: Option<SpanId>,
    /// The service that did the work: the resource's `service.name`.
    pub service: String,
    /// `publish OrderPlaced`, `process OrderPlaced`, `POST /orders`: the conventions' names.
    pub name: String,
    pub kind: SpanKind,
    pub start_us: Micros,
    pub end_us: Micros,
    pub status: SpanStatus,
    /// Attributes, as string values: `messaging.system`, `messaging.destination.name`, ...
    pub attributes: Vec<(String, String)>,
    pub links: Vec<SpanLink>,
}

/// The OTLP JSON of `spans`, one resource per service in order of first appearance; simulated
/// time 0 is `epoch_ns` in unix nanoseconds.
pub fn otlp_json(spans: &[Span], epoch_ns: u64) -> Value {
    let ns = |us: Micros| (epoch_ns + us * 1_000).to_string();
    let mut services: Vec<&str> = Vec::new();
    for s in spans {
        if !services.contains(&s.service.as_str()) {
            services.push(&s.service);
        }
    }
    let attr = |(k, v): &(String, String)| json!({ "key": k, "value": { "stringValue": v } });
    let span = |s: &Span| {
        let mut o = json!({
            "traceId": s.trace.to_string(),
            "spanId": s.id.to_string(),
            "name": s.name,
            "kind": s.kind as u8,
            "startTimeUnixNano": ns(s.start_us),
            "endTimeUnixNano": ns(s.end_us),
            "attributes": s.attributes.iter().map(attr).collect::<Vec<_>>(),
            "status": { "code": s.status as u8 },
        });
        if let Some(p) = s.parent {
            o["parentSpanId"] = json!(p.to_string());
        }
        if !s.links.is_empty() {
            o["links"] = json!(s
                .links
                .iter()
                .map(|l| json!({ "traceId": l.trace.to_string(), "spanId": l.span.to_string() }))
                .collect::<Vec<_>>());
        }
        o
    };
    let resource_spans: Vec<Value> = services
        .iter()
        .map(|svc| {
            json!({
                "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": svc } }] },
                "scopeSpans": [{
                    "scope": { "name": "fanout-sim", "version": env!("CARGO_PKG_VERSION") },
                    "spans": spans.iter().filter(|s| s.service == *svc).map(span).collect::<Vec<_>>(),
                }],
            })
        })
        .collect();
    json!({ "resourceSpans": resource_spans })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS;

    fn spans() -> Vec<Span> {
        let trace = TraceId::of(1, 7);
        let root = SpanId::of(1, 7, 0);
        let publish = SpanId::of(1, 7, 1);
        let base = |id, parent, service: &str, name: &str, kind, start_us, end_us| Span {
            trace,
            id,
            parent,
            service: service.into(),
            name: name.into(),
            kind,
            start_us,
            end_us,
            status: SpanStatus::Ok,
            attributes: vec![],
            links: vec![],
        };
        vec![
            base(root, None, "orders", "POST /orders", SpanKind::Server, 0, 40 * MS),
            Span {
                attributes: vec![
                    ("messaging.system".into(), "fanout".into()),
                    ("messaging.destination.name".into(), "orders".into()),
                ],
                ..base(publish, Some(root), "orders", "publish OrderPlaced", SpanKind::Producer, 20 * MS, 30 * MS)
            },
            Span {
                status: SpanStatus::Error,
                links: vec![SpanLink { trace, span: publish }],
                ..base(
                    SpanId::of(1, 7, 2),
                    Some(publish),
                    "email",
                    "process OrderPlaced",
                    SpanKind::Consumer,
                    250 * MS,
                    300 * MS,
                )
            },
        ]
    }

    #[test]
    fn the_export_has_otlps_shape_ids_and_times() {
        let epoch = 1_700_000_000_000_000_000;
        let v = otlp_json(&spans(), epoch);
        let rs = v["resourceSpans"].as_array().unwrap();
        assert_eq!(rs.len(), 2, "one resource per service");
        assert_eq!(rs[0]["resource"]["attributes"][0]["key"], "service.name");
        assert_eq!(rs[0]["resource"]["attributes"][0]["value"]["stringValue"], "orders");
        let orders = rs[0]["scopeSpans"][0]["spans"].as_array().unwrap();
        assert_eq!(orders.len(), 2);
        for s in orders.iter().chain(rs[1]["scopeSpans"][0]["spans"].as_array().unwrap()) {
            let hex = |k: &str, n: usize| {
                let t = s[k].as_str().unwrap();
                t.len() == n && t.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            };
            assert!(hex("traceId", 32) && hex("spanId", 16), "{s}");
            let start: u64 = s["startTimeUnixNano"].as_str().unwrap().parse().unwrap();
            let end: u64 = s["endTimeUnixNano"].as_str().unwrap().parse().unwrap();
            assert!(start >= epoch && end >= start);
        }
        assert!(orders[0].get("parentSpanId").is_none(), "the root has no parent");
        assert_eq!(orders[1]["kind"], 4, "a publish is a PRODUCER span");
        assert_eq!(orders[1]["parentSpanId"], orders[0]["spanId"]);
        assert_eq!(orders[1]["startTimeUnixNano"], (epoch + 20_000_000).to_string());
        let email = &rs[1]["scopeSpans"][0]["spans"][0];
        assert_eq!((email["kind"].as_u64(), email["status"]["code"].as_u64()), (Some(5), Some(2)));
        assert_eq!(email["links"][0]["spanId"], orders[1]["spanId"]);
        assert_eq!(orders[1]["attributes"][1]["value"]["stringValue"], "orders");
    }
}
