//! Rate, errors and duration (RED) of the entry request and of each wired service, over the
//! last 10 simulated seconds: the numbers a service dashboard shows beside the alerts.

use crate::engine::EngineHandle;
use fanout_sim::red::RedPoint;
use fanout_sim::time::as_ms;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RedTableProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

fn duration(us: Option<u64>) -> Html {
    match us {
        Some(us) => html! { <td data-value={format!("{:.1}", as_ms(us))}>{ format!("{:.0}", as_ms(us)) }</td> },
        None => html! { <td data-value="">{ "\u{2013}" }</td> },
    }
}

fn row(name: String, key: String, p: RedPoint) -> Html {
    html! {
        <tr data-testid={format!("red-{key}")}>
            <th scope="row">{ name }</th>
            <td data-value={format!("{:.2}", p.rate)}>{ format!("{:.1}", p.rate) }</td>
            <td data-value={format!("{:.2}", p.errors)} data-share={format!("{:.3}", p.error_share)}>
                { format!("{:.1} ({:.0}%)", p.errors, p.error_share * 100.0) }
            </td>
            { duration(p.p50_us) }{ duration(p.p95_us) }{ duration(p.p99_us) }
        </tr>
    }
}

#[component]
pub fn RedTable(props: &RedTableProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let now = sim.now();
    let sc = sim.scenario();
    let w = crate::words::Words::of(sc);
    let entry = row(w.request_cap(), "entry".into(), sim.entry_red().at(now));
    let services = sim.wired().iter().map(|&i| {
        let s = &sc.catalog[i as usize];
        row(s.name.clone(), s.key.clone(), sim.service_red(i).at(now))
    });
    html! {
        // Focusable, so that a keyboard can scroll it sideways on a phone.
        <div class="subs-wrap" tabindex="0" role="region" aria-label="Service health table" data-testid="red-table">
            <table class="subs red-table">
                // Short, so that it fits the side column's width even where the table scrolls.
                <caption>{ "Rate, errors and duration, last 10 s" }</caption>
                <thead><tr>
                    <th scope="col">{ "Service" }</th>
                    <th scope="col"><abbr title="pieces of work ended per second">{ "Rate/s" }</abbr></th>
                    <th scope="col"><abbr title="errors per second, and as a share of the work">{ "Errors/s" }</abbr></th>
                    <th scope="col">{ "p50 ms" }</th><th scope="col">{ "p95 ms" }</th><th scope="col">{ "p99 ms" }</th>
                </tr></thead>
                <tbody>
                    { entry }
                    { for services }
                </tbody>
            </table>
        </div>
    }
}
