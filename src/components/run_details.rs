//! What identifies this run: seed, simulated time, and the trace hash that proves two runs
//! (here, in another browser, or in the `fanout-sim` CLI) did exactly the same thing.

use crate::components::run_file::RunFile;
use crate::engine::EngineHandle;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RunDetailsProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

/// The student's interventions up to this moment, in words ("1 intervention").
fn interventions(n: usize) -> String {
    match n {
        0 => "no interventions".into(),
        1 => "1 intervention".into(),
        n => format!("{n} interventions"),
    }
}

#[component]
pub fn RunDetails(props: &RunDetailsProps) -> Html {
    let e = props.engine.borrow();
    let sim = &e.sim();
    html! {
        <footer class="run-details" aria-label="Run details">
            <span>{ format!("Scenario {}", sim.scenario().title) }</span>
            <span>{ format!("seed {}", sim.seed()) }</span>
            <span>{ format!("{:.3} s simulated", fanout_sim::time::as_secs(sim.now())) }</span>
            <span>{ format!("{} events", sim.events_processed()) }</span>
            <span data-testid="interventions">{ interventions(e.timeline.made().len()) }</span>
            <span>{ "trace hash " }<code data-testid="trace-hash">{ sim.trace_hash_hex() }</code></span>
            <RunFile engine={props.engine.clone()} on_changed={props.on_changed.clone()} />
        </footer>
    }
}
