//! The two live charts. They redraw on `chart_tick`, a few times a second, not every frame.
//! Each has its numbers as a table (the alternative to the picture) and downloads.

use crate::chart_data::{self, Table};
use crate::engine::EngineHandle;
use crate::icons::icon;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChartsPanelProps {
    pub engine: EngineHandle,
    pub chart_tick: u64,
    /// Which charts to show (`response-time`, `lag`); a lesson shows the one its step names
    /// beside the stage and the other one here.
    #[prop_or(vec!["response-time", "lag"])]
    pub keys: Vec<&'static str>,
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
        use_memo(props.chart_tick, move |_| {
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
            [
                Drawn {
                    key: "response-time",
                    caption: format!("{} response time (dot: succeeded, cross: failed)", w.request_cap()),
                    label: response_label,
                    svg: crate::charts::response(sim),
                    table: chart_data::response(sim),
                },
                Drawn {
                    key: "lag",
                    caption: "Subscriber lag (events waiting)".to_string(),
                    label: lag_label,
                    svg: crate::charts::lag(sim),
                    table: chart_data::lag(sim),
                },
            ]
        })
    };
    // What the last download did, said politely to screen readers and shown to everyone.
    let status = use_state(String::new);
    html! {
        <section class="charts" aria-label="Charts">
            { for charts.iter().filter(|c| props.keys.contains(&c.key)).map(|c| figure(c, status.setter())) }
            <p class="download-status" role="status" data-testid="download-status">{ (*status).clone() }</p>
        </section>
    }
}

/// A chart with its caption, table and downloads; `label` is the chart in words.
fn figure(c: &Drawn, status: UseStateSetter<String>) -> Html {
    let test_id = if c.key == "response-time" { "chart-response" } else { "chart-lag" };
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
