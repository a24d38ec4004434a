//! Headline numbers and a per-subscriber table. Every number carries its raw value in
//! `data-value` (milliseconds or a count) for tests and tools.

use crate::engine::EngineHandle;
use fanout_sim::metrics::Percentiles;
use fanout_sim::time::{as_ms, human};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MetricsPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

fn stat(test_id: &str, label: &str, text: String, value: String, hint: Option<&str>) -> Html {
    html! {
        <div class="stat">
            <dt>{ label }</dt>
            <dd data-testid={test_id.to_string()} data-value={value}>{ text }</dd>
            if let Some(h) = hint { <dd class="stat-hint">{ h.to_string() }</dd> }
        </div>
    }
}

fn time_stat(test_id: &str, label: &str, us: Option<u64>) -> Html {
    match us {
        Some(us) => stat(test_id, label, human(us), format!("{:.1}", as_ms(us)), None),
        None => stat(test_id, label, "\u{2013}".into(), String::new(), None),
    }
}

#[component]
pub fn MetricsPanel(props: &MetricsPanelProps) -> Html {
    let e = props.engine.borrow();
    let sim = &e.sim();
    let h = sim.headline();
    let p: &Percentiles = &h.response;
    let has = p.count > 0;
    // After a change of wiring the figures restart, so they never mix the two; the label
    // says so, and since when.
    let window = match h.wiring_since_us {
        Some(at) => format!("{} since {:.1} s", sim.wiring().label(), fanout_sim::time::as_secs(at)),
        None => "last 30 s".to_string(),
    };
    let last = sim.checkout_samples().last().copied();
    // In the scenario's words: "Last checkout", "Last booking".
    let w = crate::words::Words::of(sim.scenario());
    let last_label = format!("Last {}", w.request());
    let rows = sim.wired().iter().map(|&i| {
        let spec = &sim.scenario().catalog[i as usize];
        let sub = sim.subscription(i);
        let view = sim.service_view(i);
        let delay = Percentiles::of(sub.delays.iter().copied().collect()).p95_us;
        html! {
            <tr>
                <th scope="row">{ spec.name.clone() }</th>
                <td data-testid={format!("lag-{}", spec.key)} data-value={sub.lag().to_string()}>{ sub.lag() }</td>
                <td>{ if sub.delays.is_empty() { "\u{2013}".to_string() } else { human(delay) } }</td>
                <td>{ view.queue }</td>
                <td>{ format!("{:.0}%", view.busy_share * 100.0) }</td>
            </tr>
        }
    });
    html! {
        <section class="metrics" aria-labelledby="metrics-title">
            <h2 id="metrics-title">{ format!("{}, as the {} sees it", w.request_cap(), w.actor()) }</h2>
            <dl class="stats">
                { time_stat("m-p50", &format!("p50 ({window})"), has.then_some(p.p50_us)) }
                { time_stat("m-p95", &format!("p95 ({window})"), has.then_some(p.p95_us)) }
                { time_stat("m-p99", &format!("p99 ({window})"), has.then_some(p.p99_us)) }
                { match last {
                    Some(s) => stat("m-last", &last_label, format!("{} {}", human(s.latency_us), if s.ok { "ok" } else { "failed" }),
                                    format!("{:.1}", as_ms(s.latency_us)), None),
                    None => stat("m-last", &last_label, "\u{2013}".into(), String::new(), None),
                } }
                { stat("m-succeeded", "Succeeded", h.succeeded.to_string(), h.succeeded.to_string(), None) }
                { stat("m-failed", "Failed", h.failed.to_string(), h.failed.to_string(), None) }
                { stat("m-in-flight", "In progress", h.in_flight.to_string(), h.in_flight.to_string(), None) }
                { stat("m-sim-time", "Simulated time", format!("{:.1} s", fanout_sim::time::as_secs(h.sim_time_us)),
                       format!("{:.1}", as_ms(h.sim_time_us)), None) }
            </dl>
            <div class="subs-wrap" tabindex="0" role="region" aria-label="Subscribers table">
            <table class="subs">
                <caption>{ "Subscribers: lag is events published but not yet processed" }</caption>
                <thead><tr>
                    <th scope="col">{ "Service" }</th><th scope="col">{ "Lag" }</th>
                    <th scope="col">{ "p95 delay" }</th><th scope="col">{ "Queue" }</th><th scope="col">{ "Busy" }</th>
                </tr></thead>
                <tbody>
                    { for rows }
                    if sim.wired().is_empty() { { crate::components::effects_panel::nobody_row(5) } }
                </tbody>
            </table>
            </div>
            if e.falling_behind {
                <p class="warning">{ "The simulation cannot keep up at this speed: it is running slower than asked." }</p>
            }
        </section>
    }
}
