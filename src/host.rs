//! What the host page is told about the lab, and how a host's `set` combines with the link
//! the lab was opened with.

use crate::engine::Engine;
use fanout_sim::time::as_ms;
use serde_json::{json, Value};

/// Parameters that describe the run itself: changing one starts the lab afresh from the
/// combined link.
pub const LAB_KEYS: [&str; 8] = ["scenario", "wiring", "seed", "rate", "fault", "subscribers", "at", "until"];
/// Parameters only the URL may give: a message must not widen who may send messages, nor
/// make the lab fetch from an address.
pub const URL_ONLY: [&str; 2] = ["origins", "quiz"];

/// The lab's address without query or fragment: what links and activity ids are built on.
pub fn page_url() -> String {
    let l = gloo::utils::window().location();
    format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
}

/// The keys of a query string, decoded, each once, in order.
pub fn keys(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let key = fanout_sim::params::percent_decode(pair.split_once('=').map_or(pair, |(k, _)| k));
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// `base` with every parameter `overrides` names replaced by the values it gives.
pub fn merge(base: &str, overrides: &str) -> String {
    let replaced = keys(overrides);
    let kept = base.trim_start_matches('?').split('&').filter(|p| {
        !p.is_empty()
            && !replaced.contains(&fanout_sim::params::percent_decode(p.split_once('=').map_or(p, |(k, _)| k)))
    });
    let added = overrides.trim_start_matches('?').split('&').filter(|p| !p.is_empty());
    kept.chain(added).collect::<Vec<_>>().join("&")
}

/// The "state" message: what runs, at which moment, and its headline numbers.
pub fn state(engine: &Engine, view: &str, notices: &[String]) -> Value {
    let sim = engine.sim();
    let h = sim.headline();
    let subscribers: Vec<Value> = sim
        .wired()
        .iter()
        .map(|&i| {
            let s = &sim.scenario().catalog[i as usize];
            json!({ "key": s.key, "name": s.name, "lag": sim.subscription(i).lag() })
        })
        .collect();
    json!({
        "view": view,
        "lesson": engine.lesson.as_ref().map(|l| l.key.clone()),
        "step": engine.lesson.as_ref().map(|l| l.run.step),
        "scenario": sim.scenario().id,
        "wiring": sim.wiring().key(),
        "seed": sim.seed(),
        "time_s": fanout_sim::time::as_secs(sim.now()),
        "events": sim.events_processed(),
        "trace_hash": sim.trace_hash_hex(),
        "paused": engine.paused,
        "speed": engine.speed,
        "headline": {
            "placed": h.placed,
            "succeeded": h.succeeded,
            "failed": h.failed,
            "in_flight": h.in_flight,
            "p50_ms": as_ms(h.response.p50_us),
            "p95_ms": as_ms(h.response.p95_us),
            "p99_ms": as_ms(h.response.p99_us),
        },
        "subscribers": subscribers,
        "notices": notices,
    })
}
