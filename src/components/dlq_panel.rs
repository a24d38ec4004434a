//! Each subscriber's dead-letter queue: the events it gave up on after its last retry, with
//! why, and buttons to send them back for processing (redrive).

use crate::engine::EngineHandle;
use crate::words::count;
use fanout_sim::time::as_secs;
use fanout_sim::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DlqPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

/// Letters listed per subscriber; the rest are counted.
pub const SHOWN: usize = 50;

#[component]
pub fn DlqPanel(props: &DlqPanelProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let w = crate::words::Words::of(sim.scenario());
    let redrive = |service: String, event: Option<u64>| {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            on_changed.emit(engine.apply(Action::Redrive { service: service.clone(), event }))
        })
    };
    let groups: Vec<Html> = sim
        .wired()
        .iter()
        .filter(|&&i| !sim.subscription(i).dlq.is_empty())
        .map(|&i| {
            let spec = &sim.scenario().catalog[i as usize];
            let k = &spec.key;
            let dlq = &sim.subscription(i).dlq;
            let n = dlq.len();
            let letters = dlq.iter().take(SHOWN).map(|d| {
                let ev = d.entry.event;
                html! {
                    <li data-testid={format!("dlq-{k}-{ev}")}>
                        <span class="dlq-text">
                            { format!("Event {ev}, {} {}, {}: {}, last error: {}; dead at {:.1} s",
                                      w.noun(), d.entry.order, w.event(d.entry.kind()), count(d.attempts as u64, "attempt"),
                                      crate::narration::failure_text(d.last_error), as_secs(d.dead_us)) }
                        </span>
                        <button type="button" class="button small" data-testid={format!("redrive-{k}-{ev}")}
                                onclick={redrive(k.clone(), Some(ev))}>
                            { format!("Redrive event {ev}") }
                        </button>
                    </li>
                }
            });
            html! {
                <div class="dlq-group">
                    <div class="dlq-head">
                        <h3>
                            { format!("{}: ", spec.name) }
                            <span data-testid={format!("dlq-count-{k}")} data-value={n.to_string()}>
                                { count(n as u64, "dead letter") }
                            </span>
                        </h3>
                        <button type="button" class="button" data-testid={format!("redrive-all-{k}")}
                                onclick={redrive(k.clone(), None)}>
                            { format!("Redrive all {n} for {}", spec.name) }
                        </button>
                    </div>
                    <ul class="dlq-list">{ for letters }</ul>
                    if n > SHOWN { <p class="menu-note">{ format!("{} more not listed.", n - SHOWN) }</p> }
                </div>
            }
        })
        .collect();
    html! {
        <section class="dlq" aria-labelledby="dlq-title" data-testid="dlq-panel">
            <h2 id="dlq-title">{ "Dead letters" }</h2>
            if groups.is_empty() {
                <p class="menu-note" data-testid="dlq-empty">
                    { "No dead letters: no subscriber has given up on an event after its retries." }
                </p>
            } else {
                { for groups }
            }
        </section>
    }
}
