//! The event store's faults, in the Order Service's menu: stop a read model, ship the
//! dashboard's refund bug, and let two writers change one order at once. The share of
//! shared orders here is the lesson's (three in ten); links, run files and the command line
//! take any share.

use crate::engine::EngineHandle;
use crate::narration::read_model_name;
use fanout_sim::projection::ProjectionKind;
use fanout_sim::Fault;
use yew::prelude::*;

/// The share of orders a button here gives two concurrent writers.
pub const SHARE: f64 = 0.3;

#[derive(Properties, PartialEq)]
pub struct StoreFaultsProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

#[component]
pub fn StoreFaults(props: &StoreFaultsProps) -> Html {
    let (down, bug, concurrent, sourced) = {
        let e = props.engine.borrow();
        let faults = e.sim().faults();
        let active = |want: &dyn Fn(&Fault) -> bool| faults.iter().any(want);
        (
            ProjectionKind::ALL
                .map(|k| active(&|f| matches!(f, Fault::ProjectionDown { projection } if *projection == k))),
            active(&|f| matches!(f, Fault::DashboardBug)),
            active(&|f| matches!(f, Fault::ConcurrentWrites { .. })),
            e.sim().storage() == fanout_sim::Storage::EventSourced,
        )
    };
    let toggle = |fault: Fault, on: bool| props.engine.fault_toggle(&props.on_changed, fault, on);
    let pct = (SHARE * 100.0).round();
    let stop = |k: ProjectionKind| {
        let on = down[k.index()];
        html! {
            <button type="button" class={classes!("button", (!on).then_some("danger"))}
                    data-testid={format!("fault-projection-down-{}", k.key())} aria-pressed={on.to_string()}
                    onclick={toggle(Fault::ProjectionDown { projection: k }, on)}>
                { if on { format!("Start {}", read_model_name(k)) } else { format!("Stop {}", read_model_name(k)) } }
            </button>
        }
    };
    html! {
        <div class="menu-group" data-testid="store-faults">
            <h4>{ "Its event store" }</h4>
            <div class="menu-row">
                <button type="button" class={classes!("button", (!concurrent).then_some("danger"))} data-testid="fault-concurrent-writes"
                        aria-pressed={concurrent.to_string()} onclick={toggle(Fault::ConcurrentWrites { share: SHARE }, concurrent)}>
                    { if concurrent { "Stop the concurrent changes".to_string() } else { format!("Two writers change {pct}% of orders at once") } }
                </button>
            </div>
            if sourced {
                <div class="menu-row">{ for ProjectionKind::ALL.into_iter().map(stop) }</div>
                <div class="menu-row">
                    <button type="button" class={classes!("button", (!bug).then_some("danger"))} data-testid="fault-dashboard-bug"
                            aria-pressed={bug.to_string()} onclick={toggle(Fault::DashboardBug, bug)}>
                        { if bug { "Fix the dashboard's refund bug" } else { "Ship a dashboard bug: refunds added to sales" } }
                    </button>
                </div>
            } else {
                <p class="menu-note">{ "The read models' faults apply when orders are kept as events: choose it in the event store panel or under More settings." }</p>
            }
        </div>
    }
}
