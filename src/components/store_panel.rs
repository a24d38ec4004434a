//! The entry service's event store: how it keeps its orders (rows, or a stream of events per
//! order), how often its read models take snapshots and whether their replays may send
//! emails again; each read model as a bar of the log with its position, lag and checkpoint;
//! the write side's conflicts; and one order's stream folded event by event.

use crate::components::read_model_row::ReadModelRow;
use crate::components::stream_view::StreamView;
use crate::engine::EngineHandle;
use crate::state::capitalise;
use crate::words::count;
use fanout_sim::projection::ProjectionKind;
use fanout_sim::{Action, Storage};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Snapshot intervals the panel offers; the command line and links take any.
pub const SNAPSHOT_CHOICES: [u64; 5] = [0, 50, 100, 250, 1000];

#[derive(Properties, PartialEq)]
pub struct StorePanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

#[component]
pub fn StorePanel(props: &StorePanelProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let v = sim.sourcing_view();
    let sourced = v.storage == Storage::EventSourced;
    // Shown once the store is in use or the concurrent writers have something to tell.
    if !sourced && v.events == 0 && v.lost_updates == 0 {
        return html! {};
    }
    let sc = sim.scenario();
    let act = |make: fn(ProjectionKind) -> Action| {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |k: ProjectionKind| on_changed.emit(engine.apply(make(k))))
    };
    let on_rebuild = act(|projection| Action::Rebuild { projection });
    let on_delete = act(|projection| Action::DeleteSnapshot { projection });
    let on_storage = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |ev: Event| {
            let v = ev.target_unchecked_into::<HtmlInputElement>().value();
            if let Some(storage) = Storage::parse(&v) {
                on_changed.emit(engine.apply(Action::SetStorage { storage }));
            }
        })
    };
    let on_snapshots = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |ev: Event| {
            if let Ok(every) = ev.target_unchecked_into::<HtmlSelectElement>().value().parse::<u64>() {
                on_changed.emit(engine.apply(Action::SetSnapshots { every }));
            }
        })
    };
    let on_guard = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |ev: Event| {
            let on = ev.target_unchecked_into::<HtmlInputElement>().checked();
            on_changed.emit(engine.apply(Action::SetReplayGuard { on }))
        })
    };
    let radio = |storage: Storage, label: String| {
        html! {
            <label class="radio">
                <input type="radio" name="storage" value={storage.key()} checked={v.storage == storage}
                       data-testid={format!("storage-{}", storage.key())} onchange={on_storage.clone()} />
                { label }
            </label>
        }
    };
    let mut choices = SNAPSHOT_CHOICES.to_vec();
    if !choices.contains(&v.snapshot_every) {
        choices.push(v.snapshot_every);
    }
    html! {
        <section class="store" aria-labelledby="store-title" data-testid="store-panel">
            <h2 id="store-title">{ format!("The {}'s event store", sc.order_service.name) }</h2>
            <p class="topic-summary" data-testid="store-summary" data-events={v.events.to_string()}
               data-conflicts={v.conflicts.to_string()} data-lost-updates={v.lost_updates.to_string()}>
                { format!("{} in the log. Writers refused for a stale version and retried: {}. Changes lost to a second writer (rows): {}.",
                          capitalise(&count(v.events, "event")), v.conflicts, v.lost_updates) }
            </p>
            <div class="read-models" data-testid="read-models">
                { for v.projections.iter().map(|p| html! {
                    <ReadModelRow view={p.clone()} head={v.events} noun={AttrValue::from(sc.noun.clone())}
                                  on_rebuild={on_rebuild.clone()} on_delete_snapshot={on_delete.clone()} />
                }) }
            </div>
            <p class="menu-note">{ "Each bar is the whole log, position 0 at the left: the filled part is what the read model has applied, hatched when its figures disagree with the log; the line is its checkpoint, the tall mark its snapshot." }</p>
            <fieldset class="saga-style">
                <legend>{ format!("The {} keeps each {}", sc.order_service.name, sc.noun) }</legend>
                { radio(Storage::Rows, "as a row, changed in place".into()) }
                { radio(Storage::EventSourced, "as a stream of events, appended".into()) }
            </fieldset>
            <div class="store-settings menu-row">
                <label class="field inline">
                    <span>{ "Snapshot of each read model every" }</span>
                    <select data-testid="store-snapshots" onchange={on_snapshots}>
                        { for choices.iter().map(|&n| html! {
                            <option value={n.to_string()} selected={n == v.snapshot_every}>
                                { if n == 0 { "never".to_string() } else { format!("{n} events") } }
                            </option>
                        }) }
                    </select>
                </label>
                <label class="checkbox">
                    <input type="checkbox" data-testid="store-replay-guard" checked={v.replay_guard} onchange={on_guard} />
                    { "Replay guard: a replay sends no email it sent before" }
                </label>
            </div>
            <StreamView engine={props.engine.clone()} tick={props.tick} />
        </section>
    }
}
