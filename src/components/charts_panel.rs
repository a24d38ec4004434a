//! The live charts: the request's response time and the subscribers' lag, then the service
//! health (RED) charts, error rate and p99 duration per service. They redraw on `chart_tick`,
//! a few times a second, not every frame. Each has its numbers as a table (the alternative to
//! the picture) and downloads.

use crate::chart_data::{self, Table};
use crate::engine::EngineHandle;
use crate::icons::icon;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChartsPanelProps {
    pub engine: EngineHandle,
    pub chart_tick: u64,
    /// Which charts to show (`response-time`, `lag`, `errors`, `p99`); a lesson shows the ones
    /// its step names beside the stage and the others here.
    #[prop_or(KEYS.to_vec())]
    pub keys: Vec<&'static str>,
}

/// Every chart, in the order shown.
pub const KEYS: [&str; 4] = ["response-time", "lag", "errors", "p99"];

/// The test id of a chart's picture, which is also the panel name a lesson step uses for it.
pub fn test_id(key: &str) -> &'static str {
    match key {
        "response-time" => "chart-response",
        "errors" => "chart-errors",
        "p99" => "chart-p99",
        _ => "chart-lag",
    }
}

/// One chart as drawn this tick.
#[derive(PartialEq)]
struct Drawn {
    key: &'static str,
    caption: String,
    label: String,
    svg: String,
    table: Table,
}

#[component]
pub fn ChartsPanel(props: &ChartsPanelProps) -> Html {
    let charts = {
        let engine = props.engine.clone();
        // Only the charts shown are drawn: plotters measures every label through the DOM.
        use_memo((props.chart_tick, props.keys.clone()), move |(_, keys)| {
            let e = engine.borrow();
            let sim = &e.sim();
            let h = sim.headline();
            // In the scenario's words: "Checkout response time", "Booking response time".
            let w = crate::words::Words::of(sim.scenario());
            let response_label = if h.response.count == 0 {
                format!("{} response time over the last minute: no {} yet.", w.request_cap(), w.requests())
            } else {
                format!(
                    "{} response time over the last minute: p95 {}, {} failed so far.",
                    w.request_cap(),
                    fanout_sim::time::human(h.response.p95_us),
                    h.failed
                )
            };
            let lags = crate::words::lags(sim);
            let lags = if lags.is_empty() { crate::words::NOBODY_SUBSCRIBES.to_string() } else { lags };
            let lag_label = format!("Subscriber lag over the last minute. Now: {lags}.");
            let now = sim.now();
            // The RED figures now, in words: "Checkout 0%, Email 0%, Inventory 2%".
            let red_now = |figure: &dyn Fn(&fanout_sim::red::RedPoint) -> String| -> String {
                let mut parts = vec![format!("{} {}", w.request_cap(), figure(&sim.entry_red().at(now)))];
                parts.extend(sim.wired().iter().map(|&i| {
                    format!("{} {}", sim.scenario().catalog[i as usize].name, figure(&sim.service_red(i).at(now)))
                }));
                parts.join(", ")
            };
            let errors_label = format!(
                "Error rate per service over the last minute, the {} dashed. Now: {}.",
                w.request(),
                red_now(&|p| format!("{:.0}%", p.error_share * 100.0))
            );
            let p99_label = format!(
                "p99 duration per service over the last minute, the {} dashed. Now: {}.",
                w.request(),
                red_now(&|p| p.p99_us.map_or("none".to_string(), fanout_sim::time::human))
            );
            let wanted = |k: &str| keys.contains(&k);
            let mut drawn = Vec::new();
            if wanted("response-time") {
                drawn.push(Drawn {
                    key: "response-time",
                    caption: format!("{} response time (dot: succeeded, cross: failed)", w.request_cap()),
                    label: response_label,
                    svg: crate::charts::response(sim),
                    table: chart_data::response(sim),
                });
            }
            if wanted("lag") {
                drawn.push(Drawn {
                    key: "lag",
                    caption: "Subscriber lag (events waiting)".to_string(),
                    label: lag_label,
                    svg: crate::charts::lag(sim),
                    table: chart_data::lag(sim),
                });
            }
            if wanted("errors") {
                drawn.push(Drawn {
                    key: "errors",
                    caption: format!("Error rate per service (% of work; {} dashed)", w.request()),
                    label: errors_label,
                    svg: crate::charts::errors(sim),
                    table: chart_data::errors(sim),
                });
            }
            if wanted("p99") {
                drawn.push(Drawn {
                    key: "p99",
                    caption: format!("p99 duration per service ({} dashed)", w.request()),
                    label: p99_label,
                    svg: crate::charts::p99(sim),
                    table: chart_data::p99(sim),
                });
            }
            drawn
        })
    };
    // What the last download did, said politely to screen readers and shown to everyone.
    let status = use_state(String::new);
    let first_red = props.keys.iter().copied().find(|k| matches!(*k, "errors" | "p99"));
    html! {
        <section class="charts" aria-label="Charts">
            { for charts.iter().filter(|c| props.keys.contains(&c.key)).map(|c| html! {
                <>
                    // The service health (RED) charts open a group of their own, under a
                    // heading that says what the group is.
                    if Some(c.key) == first_red {
                        <h2 class="charts-heading" data-testid="service-health">
                            { "Service health: errors and p99 duration per service" }
                        </h2>
                    }
                    { figure(c, status.setter()) }
                </>
            }) }
            <p class="download-status" role="status" data-testid="download-status">{ (*status).clone() }</p>
        </section>
    }
}

/// A chart with its caption, table and downloads; `label` is the chart in words.
fn figure(c: &Drawn, status: UseStateSetter<String>) -> Html {
    let test_id = test_id(c.key);
    let file = format!("fanout-{}", c.key);
    let say = move |name: String, r: Result<(), String>| {
        status.set(match r {
            Ok(()) => format!("Saved {name}."),
            Err(e) => format!("{name} could not be saved: {e}."),
        })
    };
    let svg_file = {
        // The page's current theme, resolved, since the file has no stylesheet.
        let svg = c.svg.clone();
        move || crate::charts::standalone(&svg, crate::display::css_colour)
    };
    let on_svg = {
        let (file, svg_file, say) = (format!("{file}.svg"), svg_file.clone(), say.clone());
        Callback::from(move |_: MouseEvent| {
            say(file.clone(), crate::download::text(&file, "image/svg+xml", &svg_file()))
        })
    };
    let on_png = {
        let (file, say) = (format!("{file}.png"), say.clone());
        Callback::from(move |_: MouseEvent| {
            let (name, say) = (file.clone(), say.clone());
            let size = (crate::charts::WIDTH, crate::charts::HEIGHT);
            crate::download::png_from_svg(&file, &svg_file(), size, 2.0, move |r| say(name, r));
        })
    };
    let on_csv = {
        let (file, csv) = (format!("{file}.csv"), c.table.to_csv());
        Callback::from(move |_: MouseEvent| say(file.clone(), crate::download::text(&file, "text/csv", &csv)))
    };
    let what = c.caption.split(" (").next().unwrap_or(&c.caption).to_ascii_lowercase();
    let button = |kind: &str, cb: Callback<MouseEvent>| {
        html! {
            <button type="button" class="button small" data-testid={format!("download-{}-{}", c.key, kind.to_ascii_lowercase())}
                    onclick={cb}>
                { icon("download") }
                <span class="sr-only">{ format!("Download the {what} chart as ") }</span>{ kind.to_string() }
            </button>
        }
    };
    html! {
        <figure class="chart">
            <figcaption>{ c.caption.clone() }</figcaption>
            <div class="chart-svg" data-testid={test_id} role="img" aria-label={c.label.clone()}>
                { Html::from_html_unchecked(AttrValue::from(c.svg.clone())) }
            </div>
            <div class="chart-tools">
                <div class="downloads" role="group" aria-label={format!("Download the {what} chart")}>
                    { button("SVG", on_svg) }{ button("PNG", on_png) }{ button("CSV", on_csv) }
                </div>
                <details class="chart-table" data-testid={format!("table-{}", c.key)}
                         aria-label={format!("The {what} chart's data")}>
                    <summary>{ "Show the data as a table" }</summary>
                    { table(&c.table) }
                </details>
            </div>
        </figure>
    }
}

fn table(t: &Table) -> Html {
    html! {
        // Focusable, so that a keyboard can scroll a table wider than a phone (axe asks this).
        <div class="subs-wrap" tabindex="0" role="region" aria-label={t.caption.clone()}>
            <table class="subs">
                <caption>{ t.caption.clone() }</caption>
                <thead><tr>{ for t.head.iter().map(|h| html! { <th scope="col">{ h.clone() }</th> }) }</tr></thead>
                <tbody>
                    { for t.rows.iter().map(|(head, cells)| html! {
                        <tr>
                            <th scope="row">{ head.clone() }</th>
                            { for cells.iter().map(|c| html! { <td>{ c.clone().unwrap_or_else(|| "none".into()) }</td> }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
