//! The Order Service's outbox: its table of rows (pending, on their way, sent) with their
//! age, what the relay is doing, and the two ledgers the outbox lesson reads: orders saved
//! with no event, and duplicates, each by cause. Shown once the outbox or a crash after the
//! commit has something to tell.

use crate::engine::EngineHandle;
use crate::state::capitalise;
use crate::words::count;
use fanout_sim::outbox::{RelayState, Row};
use fanout_sim::time::human;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutboxPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

fn relay_words(state: RelayState) -> &'static str {
    match state {
        RelayState::Idle => "idle: nothing is written to the outbox",
        RelayState::Running => "running",
        RelayState::Stopped => "stopped: rows wait in the table",
        RelayState::Restarting => "restarting after a crash: it will publish again what it had not marked",
    }
}

#[component]
pub fn OutboxPanel(props: &OutboxPanelProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let o = sim.outbox();
    let publishing = sim.publishing();
    let something = publishing.uses_outbox() || o.committed > 0 || o.commit_crashes > 0 || o.lost.total() > 0;
    if !something {
        return html! {};
    }
    let sc = sim.scenario();
    let now = sim.now();
    let row = |r: &Row| {
        let (status, age) = match r.sent_us {
            Some(sent) => ("sent".to_string(), format!("waited {}", human(sent - r.committed_us))),
            None if r.in_flight => ("on its way to the broker".to_string(), human(now - r.committed_us)),
            None => ("pending".to_string(), human(now - r.committed_us)),
        };
        let class = if r.sent_us.is_some() { "row-sent" } else { "row-pending" };
        html! {
            <tr class={class} data-testid={format!("outbox-row-{}", r.event)}>
                <td>{ r.event }</td><td>{ r.order }</td><td>{ status }</td><td>{ age }</td>
            </tr>
        }
    };
    let more = o.pending_total - o.pending.len();
    html! {
        <section class="outbox" aria-labelledby="outbox-title" data-testid="outbox-panel">
            <h2 id="outbox-title">{ format!("The {}'s outbox", sc.order_service.name) }</h2>
            <p class="topic-summary" data-testid="outbox-mode" data-value={publishing.key()}>
                { format!("{}.", crate::narration::publishing_text(publishing, sc)) }
                { " Relay: " }
                <span data-testid="outbox-relay">{ relay_words(o.relay) }</span>{ "." }
            </p>
            <p class="topic-summary">
                <span data-testid="outbox-pending" data-value={o.pending_total.to_string()}>
                    { format!("{} waiting", count(o.pending_total as u64, "row")) }
                </span>
                { format!(", {} sent of {} committed.", o.marked, o.committed) }
            </p>
            <div class="subs-wrap" tabindex="0" role="region" aria-label="Outbox rows">
                <table class="subs outbox-table">
                    <caption>{ "Rows waiting, oldest first, then the latest sent" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Event" }</th><th scope="col">{ capitalise(&sc.noun) }</th>
                        <th scope="col">{ "Status" }</th><th scope="col">{ "Age" }</th>
                    </tr></thead>
                    <tbody>
                        { for o.pending.iter().map(row) }
                        if more > 0 {
                            <tr><td colspan="4">{ format!("{more} more waiting") }</td></tr>
                        }
                        { for o.sent.iter().rev().map(row) }
                    </tbody>
                </table>
            </div>
            <dl class="outbox-ledger">
                <dt>{ format!("{} saved with no event", capitalise(&crate::words::plural(&sc.noun))) }</dt>
                <dd data-testid="outbox-lost" data-value={o.lost.total().to_string()}>
                    { format!("{} in all: {} by a crash between the commit and the publish, {} refused by the broker",
                              o.lost.total(), o.lost.crash_after_commit, o.lost.broker_refused) }
                </dd>
                <dt>{ "Crashes right after a commit" }</dt>
                <dd data-testid="outbox-commit-crashes" data-value={o.commit_crashes.to_string()}>
                    { if publishing.uses_outbox() {
                        format!("{}: each event was already a row, so none was lost", o.commit_crashes)
                    } else {
                        o.commit_crashes.to_string()
                    } }
                </dd>
                <dt>{ "Published twice" }</dt>
                <dd data-testid="outbox-republished" data-value={o.republished.to_string()}>
                    { format!("{} after {}: duplicates subscribers met from second copies: {}",
                              count(o.republished, "row"), count(o.relay_crashes, "relay crash"), o.duplicates_of_copies) }
                </dd>
            </dl>
        </section>
    }
}
