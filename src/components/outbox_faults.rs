//! The outbox lab's faults, in the Order Service's menu: a crash right after the commit (the
//! dual write's weak point), and the relay's own crash and stop. The shares here are the
//! lessons' (one in five); links, run files and the command line take any share.

use crate::engine::EngineHandle;
use fanout_sim::Fault;
use yew::prelude::*;

/// The share of commits (or of relay publishes) a button here makes crash.
pub const SHARE: f64 = 0.2;

#[derive(Properties, PartialEq)]
pub struct OutboxFaultsProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

#[component]
pub fn OutboxFaults(props: &OutboxFaultsProps) -> Html {
    let (commit, relay_crash, relay_down, outbox) = {
        let e = props.engine.borrow();
        let active = |want: &dyn Fn(&Fault) -> bool| e.sim().faults().iter().any(want);
        (
            active(&|f| matches!(f, Fault::CrashAfterCommit { .. })),
            active(&|f| matches!(f, Fault::RelayCrash { .. })),
            active(&|f| matches!(f, Fault::RelayDown)),
            e.sim().publishing().uses_outbox(),
        )
    };
    let toggle = |fault: Fault, on: bool| props.engine.fault_toggle(&props.on_changed, fault, on);
    let pct = (SHARE * 100.0).round();
    html! {
        <div class="menu-group" data-testid="outbox-faults">
            <h4>{ "Between the save and the publish" }</h4>
            <div class="menu-row">
                <button type="button" class={classes!("button", (!commit).then_some("danger"))} data-testid="fault-crash-after-commit"
                        aria-pressed={commit.to_string()} onclick={toggle(Fault::CrashAfterCommit { share: SHARE }, commit)}>
                    { if commit { "Stop the crashes after the commit".to_string() } else { format!("Crash right after {pct}% of commits") } }
                </button>
            </div>
            if outbox {
                <div class="menu-row">
                    <button type="button" class={classes!("button", (!relay_crash).then_some("danger"))} data-testid="fault-relay-crash"
                            aria-pressed={relay_crash.to_string()} onclick={toggle(Fault::RelayCrash { share: SHARE }, relay_crash)}>
                        { if relay_crash { "Stop the relay crashes".to_string() } else { format!("Crash the relay before {pct}% of its marks") } }
                    </button>
                    <button type="button" class={classes!("button", (!relay_down).then_some("danger"))} data-testid="fault-relay-down"
                            aria-pressed={relay_down.to_string()} onclick={toggle(Fault::RelayDown, relay_down)}>
                        { if relay_down { "Start the relay" } else { "Stop the relay" } }
                    </button>
                </div>
            } else {
                <p class="menu-note">{ "The relay's faults apply with an outbox: choose it under More settings." }</p>
            }
        </div>
    }
}
