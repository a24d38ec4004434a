//! The broker's log: each partition's end offset and, for each subscriber, how far its
//! consumer group has committed in that partition; and how its consumers share the work.

use crate::engine::EngineHandle;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TopicPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

#[component]
pub fn TopicPanel(props: &TopicPanelProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let topic = sim.topic();
    let subs: Vec<(String, String, u16)> = sim
        .wired()
        .iter()
        .map(|&i| {
            let s = &sim.scenario().catalog[i as usize];
            (s.key.clone(), s.name.clone(), i)
        })
        .collect();
    let count = topic.partition_count();
    let rows = topic.partitions.iter().enumerate().map(|(p, part)| {
        let end = part.end();
        html! {
            <tr>
                <th scope="row">{ p }</th>
                <td data-testid={format!("log-end-{p}")} data-value={end.to_string()}>{ end }</td>
                { for subs.iter().map(|(k, _, i)| {
                    match sim.subscription(*i).cursors.get(p) {
                        Some(c) => html! {
                            <td data-testid={format!("committed-{k}-{p}")} data-value={c.committed.to_string()}>{ c.committed }</td>
                        },
                        None => html! { <td data-testid={format!("committed-{k}-{p}")} data-value="">{ "\u{2013}" }</td> },
                    }
                }) }
            </tr>
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
    html! {
        <section class="topic" aria-labelledby="topic-title" data-testid="topic-panel">
            <h2 id="topic-title">{ format!("The {} topic", sim.scenario().event_name) }</h2>
            <p class="topic-summary">
                <span data-testid="topic-partitions" data-value={count.to_string()}>
                    { format!("{count} partition{}", if count == 1 { "" } else { "s" }) }
                </span>
                { ", keyed by " }
                <span data-testid="topic-key" data-value={topic.key.key()}>{ topic.key.label() }</span>
                { ". Each subscriber's group commits an offset per partition: every event below it is settled." }
            </p>
            <div class="subs-wrap" tabindex="0" role="region" aria-label="Partitions and committed offsets">
                <table class="subs">
                    <caption>{ "Log end offset and committed offset per partition" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Partition" }</th><th scope="col">{ "Log end" }</th>
                        { for subs.iter().map(|(_, name, _)| html! { <th scope="col">{ name.clone() }</th> }) }
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <ul class="per-consumer">{ for consumers }</ul>
        </section>
    }
}
