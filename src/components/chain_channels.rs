//! The channels of a chain beyond the entry topic, one row each: what it is (a topic and its
//! partitions, or a queue and its lanes), how many messages it has stored, and how far each
//! service reading it has settled them. The entry topic has its own table above (`TopicPanel`).

use crate::engine::EngineHandle;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChainChannelsProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

#[component]
pub fn ChainChannels(props: &ChainChannelsProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let sc = sim.scenario();
    if sc.chain.channels.is_empty() {
        return html! {};
    }
    let rows = sc.chain.channels.iter().enumerate().map(|(k, ch)| {
        let c = k + 1;
        let topic = &sim.topics()[c];
        let n = topic.partition_count();
        let what = if ch.queue {
            format!("queue, {n} lane{}", if n == 1 { "" } else { "s" })
        } else {
            format!("topic, {n} partition{}", if n == 1 { "" } else { "s" })
        };
        let carries: Vec<&str> = sc
            .message_types()
            .into_iter()
            .filter(|&t| sc.chain.channel_of(t) as usize == c)
            .map(|t| sc.type_name(t))
            .collect();
        let stored: u64 = topic.partitions.iter().map(|p| p.end()).sum();
        let readers: Vec<String> = sim
            .wired()
            .iter()
            .filter(|&&i| sc.chain.reads(i) as usize == c)
            .map(|&i| {
                let settled: u64 = sim.subscription(i).cursors.iter().map(|cur| cur.committed).sum();
                format!("{}: {settled} settled", sc.catalog[i as usize].name)
            })
            .collect();
        html! {
            <tr data-testid={format!("channel-{}", ch.name)}>
                <th scope="row">{ ch.name.clone() }</th>
                <td>{ what }</td>
                <td>{ carries.join(", ") }</td>
                <td data-testid={format!("channel-stored-{}", ch.name)} data-value={stored.to_string()}>{ stored }</td>
                <td>{ if readers.is_empty() { "nobody wired in".to_string() } else { readers.join("; ") } }</td>
            </tr>
        }
    });
    html! {
        <div class="subs-wrap" tabindex="0" role="region" aria-label="The chain's other channels">
            <table class="subs" data-testid="chain-channels">
                <caption>{ "The chain's other channels: what each has stored and how far its readers have settled" }</caption>
                <thead><tr>
                    <th scope="col">{ "Channel" }</th><th scope="col">{ "Kind" }</th><th scope="col">{ "Carries" }</th>
                    <th scope="col">{ "Stored" }</th><th scope="col">{ "Read by" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}
