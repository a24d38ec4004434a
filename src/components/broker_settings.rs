//! The broker's topic settings: how many partitions, what picks an event's partition, and
//! how many shoppers (riders) cancel, so that cancellations can overtake what they cancel.
//! Worded in the scenario's words.

use crate::components::wire_faults::apply_at;
use crate::engine::EngineHandle;
use crate::state::capitalise;
use crate::words::{with_article, Words};
use fanout_sim::topic::PartitionKey;
use fanout_sim::Action;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BrokerSettingsProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

/// Partition counts the menu offers (the core accepts more).
pub const OFFERED_PARTITIONS: u16 = 16;
/// Cancellation shares the menu offers, in percent.
pub const CANCEL_SHARES: [u32; 4] = [0, 10, 25, 50];

#[component]
pub fn BrokerSettings(props: &BrokerSettingsProps) -> Html {
    let (partitions, key, cancel, scenario) = {
        let e = props.engine.borrow();
        let sim = e.sim();
        (sim.topic().partition_count(), sim.topic().key, sim.cancel_share(), sim.scenario().clone())
    };
    let w = Words::of(&scenario);
    let cancel_pct = (cancel * 100.0).round() as u32;
    let problem = use_state(|| None::<(&'static str, String)>);

    // A select applies on change; when the core refuses, it shows the value in force again.
    let on_select = |field: &'static str, current: String, make: fn(&str) -> Option<Action>| {
        let (engine, on_changed, problem) = (props.engine.clone(), props.on_changed.clone(), problem.clone());
        Callback::from(move |e: Event| {
            let sel = e.target_unchecked_into::<HtmlSelectElement>();
            let ok = match make(&sel.value()) {
                Some(action) => apply_at(&engine, &on_changed, &problem, field, action),
                None => {
                    problem.set(Some((field, "Choose one of the listed values".into())));
                    false
                }
            };
            if !ok {
                sel.set_value(&current);
            }
        })
    };
    let on_partitions = on_select("partitions", partitions.to_string(), |v| {
        v.parse::<u16>().ok().map(|partitions| Action::SetPartitions { partitions })
    });
    let on_key = on_select("partition-key", key.key().to_string(), |v| {
        PartitionKey::parse(v).map(|key| Action::SetPartitionKey { key })
    });
    let on_cancel = on_select("cancel-share", cancel_pct.to_string(), |v| {
        v.parse::<f64>().ok().map(|p| Action::SetCancelShare { share: p / 100.0 })
    });

    let err = |field: &str| problem.as_ref().filter(|p| p.0 == field).map(|p| p.1.clone());
    let error_line = |field: &str| match err(field) {
        Some(msg) => html! { <p class="field-error" id={format!("{field}-error")} role="alert">{ msg }</p> },
        None => html! {},
    };
    let described = |field: &str| err(field).map(|_| format!("{field}-error"));

    let mut counts: Vec<u16> = (1..=OFFERED_PARTITIONS).collect();
    if partitions > OFFERED_PARTITIONS {
        counts.push(partitions);
    }
    let mut shares: Vec<u32> = CANCEL_SHARES.to_vec();
    if !shares.contains(&cancel_pct) {
        shares.push(cancel_pct);
        shares.sort_unstable();
    }

    html! {
        <fieldset class="menu-group" data-testid="broker-settings">
            <legend>{ "Topic" }</legend>
            <div class="menu-row">
                <label class="field">
                    <span>{ "Partitions" }</span>
                    <select data-testid="partitions" onchange={on_partitions}
                            aria-invalid={err("partitions").is_some().to_string()} aria-describedby={described("partitions")}>
                        { for counts.iter().map(|&n| html! {
                            <option value={n.to_string()} selected={n == partitions}>{ n }</option>
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span>{ "Partition key" }</span>
                    <select data-testid="partition-key" onchange={on_key}
                            aria-invalid={err("partition-key").is_some().to_string()} aria-describedby={described("partition-key")}>
                        { for PartitionKey::ALL.iter().map(|&k| html! {
                            <option value={k.key()} selected={k == key}>{ w.key_label(k, true) }</option>
                        }) }
                    </select>
                </label>
                // A system whose file declares no cancellation offers none.
                if scenario.cancellable {
                <label class="field">
                    <span>{ format!("{} who cancel just after {}", capitalise(&w.actors()), scenario.placing) }</span>
                    <select data-testid="cancel-share" onchange={on_cancel}
                            aria-invalid={err("cancel-share").is_some().to_string()} aria-describedby={described("cancel-share")}>
                        { for shares.iter().map(|&p| html! {
                            <option value={p.to_string()} selected={p == cancel_pct}>{ format!("{p}%") }</option>
                        }) }
                    </select>
                </label>
                }
            </div>
            <p class="menu-note">{ format!("Partitions can be added but not removed. Each partition keeps its events in order; nothing \
               keeps them in order across partitions: by {} {}'s events stay in order, by user ID {}'s, with none \
               no one's.", w.key_label(PartitionKey::OrderId, false), with_article(w.noun()), with_article(&w.actor())) }</p>
            { error_line("partitions") }
            { error_line("partition-key") }
            { error_line("cancel-share") }
        </fieldset>
    }
}
