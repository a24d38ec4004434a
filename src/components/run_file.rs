//! Save the run as a JSON file, and load one back. A file that cannot be used changes
//! nothing and says why.

use crate::engine::{Engine, EngineHandle};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RunFileProps {
    pub engine: EngineHandle,
    /// A refusal becomes a notice; success a fresh render and a note.
    pub on_changed: Callback<Result<(), String>>,
}

/// Files larger than this are not runs the page saved.
const MAX_BYTES: f64 = 5_000_000.0;

#[component]
pub fn RunFile(props: &RunFileProps) -> Html {
    let status = use_state(String::new);
    let on_save = {
        let (engine, status) = (props.engine.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let e = engine.borrow();
            let name = format!("fanout-run-{}-seed{}.json", e.sim().scenario().id, e.sim().seed());
            let text = fanout_sim::export::export(&e.timeline);
            match crate::download::text(&name, "application/json", &text) {
                Ok(()) => status.set(format!("Saved {name}.")),
                Err(why) => status.set(format!("The run could not be saved: {why}.")),
            }
        })
    };
    let on_load = {
        let (engine, status, on_changed) = (props.engine.clone(), status.clone(), props.on_changed.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let (engine, status, on_changed) = (engine.clone(), status.clone(), on_changed.clone());
            let name = file.name();
            if engine.borrow().lesson.is_some() {
                on_changed.emit(Err(format!(
                    "{name} was not loaded: a lesson is open. Go to the free lab to load a run. Nothing was changed."
                )));
                return;
            }
            if file.size() > MAX_BYTES {
                on_changed.emit(Err(format!(
                    "{name} was not loaded: it is too large to be a saved run. Nothing was changed."
                )));
                return;
            }
            yew::platform::spawn_local(async move {
                let text = match JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()) {
                    Some(t) => t,
                    None => {
                        on_changed.emit(Err(format!("{name} could not be read. Nothing was changed.")));
                        return;
                    }
                };
                match fanout_sim::export::import(&text) {
                    Err(why) => on_changed.emit(Err(format!("{name} was not loaded: {why}. Nothing was changed."))),
                    Ok((params, hash)) => {
                        let (next, problems) = Engine::from_params(&params);
                        if !problems.is_empty() {
                            on_changed.emit(Err(format!(
                                "{name} was not loaded: {}. Nothing was changed.",
                                problems.join("; ")
                            )));
                            return;
                        }
                        let now_hash = next.sim().trace_hash_hex();
                        let speed = engine.borrow().speed;
                        *engine.borrow_mut() = next;
                        engine.borrow_mut().speed = speed;
                        match hash {
                            Some(h) if h != now_hash => status.set(format!(
                                "Loaded {name}, but this run's trace hash is {now_hash}, not the {h} the file recorded: it was saved by another version of Fanout."
                            )),
                            _ => status.set(format!("Loaded {name}: the same run, trace hash {now_hash}.")),
                        }
                        on_changed.emit(Ok(()));
                    }
                }
            });
        })
    };
    html! {
        <div class="run-file">
            <button type="button" class="button small" data-testid="save-run" onclick={on_save}>
                { crate::icons::icon("download") }{ "Save run" }
            </button>
            <label class="button small file-button">
                { "Load run" }
                <input type="file" accept=".json,application/json" data-testid="load-run" class="visually-hidden-input" onchange={on_load} />
            </label>
            <p class="run-file-status" role="status" data-testid="run-file-status">{ (*status).clone() }</p>
        </div>
    }
}
