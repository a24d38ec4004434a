//! The broker's log: each partition's end offset and, for each subscriber, how far its
//! consumer group has committed in that partition; and how its consumers share the work.

use crate::components::broker_settings::OFFERED_PARTITIONS;
use crate::components::chain_channels::ChainChannels;
use crate::engine::EngineHandle;
use yew::prelude::*;

/// Up to this many partitions (as many as the broker settings offer) the table lists each
/// one. A longer topic, such as the flash sale's 64, shows its totals and lists the
/// partitions on request: hundreds of numbers changing four times a second are more than
/// anyone reads, and laying them out costs the stage its frames.
const LISTED_UP_TO: u16 = OFFERED_PARTITIONS;

#[derive(Properties, PartialEq)]
pub struct TopicPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

#[component]
pub fn TopicPanel(props: &TopicPanelProps) -> Html {
    let asked = use_state(|| false);
    let e = props.engine.borrow();
    let sim = e.sim();
    let topic = sim.topic();
    let w = crate::words::Words::of(sim.scenario());
    // The groups reading this topic: in a chain, the others read channels of their own (listed
    // below), whose offsets are not this topic's.
    let subs: Vec<(String, String, u16)> = sim
        .wired()
        .iter()
        .filter(|&&i| sim.reacts_to_entry(i))
        .map(|&i| {
            let s = &sim.scenario().catalog[i as usize];
            (s.key.clone(), s.name.clone(), i)
        })
        .collect();
    let count = topic.partition_count();
    let long = count > LISTED_UP_TO;
    let listed = !long || *asked;
    let rows = topic.partitions.iter().enumerate().filter(|_| listed).map(|(p, part)| {
        let end = part.end();
        html! {
            <tr>
                <th scope="row">{ p }</th>
                <td data-testid={format!("log-end-{p}")} data-value={end.to_string()}>{ end }</td>
                { for subs.iter().map(|(k, _, i)| {
                    committed_cell(format!("committed-{k}-{p}"), sim.subscription(*i).cursors.get(p).map(|c| c.committed))
                }) }
            </tr>
        }
    });
    // The totals row, for a topic too long to list: the log's length and how much of it each
    // group has settled.
    let totals = long.then(|| {
        let end: u64 = topic.partitions.iter().map(|p| p.end()).sum();
        html! {
            <tfoot><tr>
                <th scope="row">{ format!("All {count}") }</th>
                <td data-testid="log-end-all" data-value={end.to_string()}>{ end }</td>
                { for subs.iter().map(|(k, _, i)| {
                    let cursors = &sim.subscription(*i).cursors;
                    let committed = (!cursors.is_empty()).then(|| cursors.iter().map(|c| c.committed).sum());
                    committed_cell(format!("committed-{k}-all"), committed)
                }) }
            </tr></tfoot>
        }
    });
    let consumers = subs.iter().map(|(k, name, i)| {
        let sub = sim.subscription(*i);
        let n = sub.settings.consumers;
        let counts: Vec<String> = sub.per_consumer.iter().map(|c| c.to_string()).collect();
        html! {
            <li data-testid={format!("per-consumer-{k}")} data-value={counts.join(",")}>
                { format!("{name}: {n} consumer{}, processed {}", if n == 1 { "" } else { "s" },
                          sub.per_consumer.iter().enumerate().map(|(c, v)| format!("#{} {v}", c + 1))
                              .collect::<Vec<_>>().join(", ")) }
                if n > count {
                    { " (more consumers than partitions, so some share a partition and its order is not kept)" }
                }
            </li>
        }
    });
    let caption = if listed {
        "Log end offset and committed offset per partition".to_string()
    } else {
        format!("Log end offset and committed offset, summed over the {count} partitions")
    };
    let toggle = long.then(|| {
        let onclick = {
            let asked = asked.clone();
            Callback::from(move |_: MouseEvent| asked.set(!*asked))
        };
        html! {
            <button type="button" class="button small" data-testid="topic-list-partitions"
                    aria-expanded={listed.to_string()} aria-controls="topic-table" {onclick}>
                { if listed { "Show the totals only".to_string() } else { format!("List all {count} partitions") } }
            </button>
        }
    });
    html! {
        <section class="topic" aria-labelledby="topic-title" data-testid="topic-panel">
            <h2 id="topic-title">{ format!("The {} topic", sim.scenario().event_name) }</h2>
            <p class="topic-summary">
                <span data-testid="topic-partitions" data-value={count.to_string()}>
                    { format!("{count} partition{}", if count == 1 { "" } else { "s" }) }
                </span>
                { ", keyed by " }
                <span data-testid="topic-key" data-value={topic.key.key()}>{ w.key_label(topic.key, false) }</span>
                { ". Each subscriber's group commits an offset per partition: every event below it is settled." }
            </p>
            <div class="subs-wrap" tabindex="0" role="region" aria-label="Partitions and committed offsets">
                <table class="subs" id="topic-table">
                    <caption>{ caption }</caption>
                    <thead><tr>
                        <th scope="col">{ "Partition" }</th><th scope="col">{ "Log end" }</th>
                        { for subs.iter().map(|(_, name, _)| html! { <th scope="col">{ name.clone() }</th> }) }
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                    { for totals }
                </table>
            </div>
            { for toggle }
            if subs.is_empty() {
                <p class="per-consumer" data-testid="per-consumer-none">
                    { format!("No consumer groups: {}.", crate::words::NOBODY_SUBSCRIBES) }
                </p>
            } else {
                <ul class="per-consumer">{ for consumers }</ul>
            }
            <ChainChannels engine={props.engine.clone()} tick={props.tick} />
        </section>
    }
}

/// A committed offset, or a dash where the group has none yet (it has not started reading).
fn committed_cell(test_id: String, committed: Option<u64>) -> Html {
    match committed {
        Some(c) => html! { <td data-testid={test_id} data-value={c.to_string()}>{ c }</td> },
        None => html! { <td data-testid={test_id} data-value="">{ "\u{2013}" }</td> },
    }
}
