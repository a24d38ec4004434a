//! The run in words: the latest notes, newest first, and a throttled live region.

use crate::components::announcer::Announcer;
use crate::engine::EngineHandle;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub engine: EngineHandle,
    pub tick: u64,
    /// Opens an order's trace; without it, lines have no trace buttons.
    #[prop_or_default]
    pub on_trace: Option<Callback<u64>>,
}

/// How many lines the visible log shows.
const SHOWN: usize = 40;

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let e = props.engine.borrow();
    let sim = &e.sim();
    let sc = sim.scenario();
    let noun = sc.noun.clone();
    let seed = sim.seed();
    let lines = sim.notes().rev().take(SHOWN).map(|n| {
        let order = n.order;
        html! {
            <li class={classes!(n.is_failure().then_some("fail"))}>
                <span class="log-time">{ format!("{:.2} s", fanout_sim::time::as_secs(n.at_us)) }</span>
                <span class="log-text">{ crate::narration::note_text(n, sc) }</span>
                if let (Some(cb), true) = (props.on_trace.clone(), n.order > 0) {
                    <button type="button" class="log-trace" data-testid={format!("log-trace-{}", n.order)}
                            aria-label={format!("Trace of {} {}", noun, n.order)}
                            title={format!("{} {} is the correlation id its messages carry; trace id {}", noun, n.order,
                                           fanout_sim::tracecontext::TraceId::of(seed, n.order))}
                            onclick={Callback::from(move |_: MouseEvent| cb.emit(order))}>{ "trace" }</button>
                }
            </li>
        }
    });
    html! {
        <section class="event-log" aria-labelledby="log-title">
            <h2 id="log-title">{ "What happened" }</h2>
            <ol data-testid="log" class="log" tabindex="0" aria-label="Event log, newest first">{ for lines }</ol>
            <Announcer engine={props.engine.clone()} tick={props.tick} />
        </section>
    }
}
