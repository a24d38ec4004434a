//! The two live charts. They redraw on `chart_tick`, a few times a second, not every frame.

use crate::engine::EngineHandle;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChartsPanelProps {
    pub engine: EngineHandle,
    pub chart_tick: u64,
}

#[component]
pub fn ChartsPanel(props: &ChartsPanelProps) -> Html {
    let charts = {
        let engine = props.engine.clone();
        use_memo(props.chart_tick, move |_| {
            let e = engine.borrow();
            let sim = &e.sim();
            let h = sim.headline();
            let response_label = if h.response.count == 0 {
                "Checkout response time over the last minute: no checkouts yet.".to_string()
            } else {
                format!(
                    "Checkout response time over the last minute: p95 {}, {} failed so far.",
                    fanout_sim::time::human(h.response.p95_us),
                    h.failed
                )
            };
            let lags: Vec<String> = sim
                .wired()
                .iter()
                .map(|&i| format!("{} {}", sim.scenario().catalog[i as usize].name, sim.subscription(i).lag()))
                .collect();
            let lag_label = format!("Subscriber lag over the last minute. Now: {}.", lags.join(", "));
            (crate::charts::response(sim), response_label, crate::charts::lag(sim), lag_label)
        })
    };
    let (response, response_label, lag, lag_label) = &*charts;
    html! {
        <section class="charts" aria-label="Charts">
            { figure("Checkout response time (dot: succeeded, cross: failed)", "chart-response", response_label, response) }
            { figure("Subscriber lag (events waiting)", "chart-lag", lag_label, lag) }
        </section>
    }
}

/// A chart with its caption; `label` is the chart in words for screen readers.
fn figure(caption: &str, test_id: &str, label: &str, svg: &str) -> Html {
    html! {
        <figure class="chart">
            <figcaption>{ caption.to_string() }</figcaption>
            <div class="chart-svg" data-testid={test_id.to_string()} role="img" aria-label={label.to_string()}>
                { Html::from_html_unchecked(AttrValue::from(svg.to_string())) }
            </div>
        </figure>
    }
}
