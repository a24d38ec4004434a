//! What the host page is told about the lab, and how a host's `set` combines with the link
//! the lab was opened with.

use crate::engine::Engine;
use crate::state::View;
use fanout_sim::params::LabParams;
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

/// A query pair's key, decoded.
fn key_of(pair: &str) -> String {
    fanout_sim::params::percent_decode(pair.split_once('=').map_or(pair, |(k, _)| k))
}

fn pairs(query: &str) -> impl Iterator<Item = &str> {
    query.trim_start_matches('?').split('&').filter(|p| !p.is_empty())
}

/// The keys of a query string, decoded, each once, in order.
pub fn keys(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in pairs(query).map(key_of) {
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// `query` without the parameters named in `drop`.
pub fn without(query: &str, drop: &[&str]) -> String {
    pairs(query).filter(|p| !drop.contains(&key_of(p).as_str())).collect::<Vec<_>>().join("&")
}

/// `base` with every parameter `overrides` names replaced by the values it gives.
pub fn merge(base: &str, overrides: &str) -> String {
    let replaced = keys(overrides);
    let replaced: Vec<&str> = replaced.iter().map(String::as_str).collect();
    let kept = without(base, &replaced);
    [kept.as_str(), overrides.trim_start_matches('?')]
        .iter()
        .filter(|q| !q.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("&")
}

/// The link to what the page shows: the lesson, the lesson map, or the run at this moment.
/// What the page was opened with for the page itself (`quiz`) is kept.
pub fn link(engine: &Engine, view: View, opened: &LabParams) -> LabParams {
    let mut p = match (view, engine.lesson.as_ref()) {
        (View::Lesson, Some(l)) => LabParams { lesson: Some(l.key.clone()), ..LabParams::default() },
        (View::Map, _) => LabParams { lesson: Some("lessons".into()), ..LabParams::default() },
        _ => engine.link(),
    };
    p.quiz = opened.quiz.clone();
    p
}

/// Keeps the address bar on what the page shows, so that a reload brings it back; how the
/// page was framed (`embed`, `hide`, `lock`, `origins`) and its display settings stay as the
/// address gave them.
pub fn follow(engine: &Engine, view: View, opened: &LabParams) {
    let mut p = link(engine, view, opened);
    (p.theme, p.motion, p.shortcuts) = (opened.theme.clone(), opened.motion.clone(), opened.shortcuts);
    (p.embed, p.lock) = (opened.embed, opened.lock);
    (p.hide, p.origins) = (opened.hide.clone(), opened.origins.clone());
    let window = gloo::utils::window();
    let query = p.query();
    let here = window.location().search().unwrap_or_default();
    if query != here {
        let path = window.location().pathname().unwrap_or_default();
        let _ = window
            .history()
            .and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{query}"))));
    }
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
