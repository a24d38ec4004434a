//! The timeline: step back, scrub, jump to a moment, and back to the latest. Seeking
//! re-simulates from the core's snapshots, so what is shown is exactly what happened.

use crate::engine::EngineHandle;
use crate::icons::icon;
use fanout_sim::{MS, SEC};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TimelineBarProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

fn secs(us: u64) -> String {
    format!("{:.1} s", us as f64 / SEC as f64)
}

/// Reads "12", "12.5" or "12.5s" as simulated microseconds.
pub fn parse_seconds(text: &str) -> Option<u64> {
    let t = text.trim().trim_end_matches('s').trim();
    let v: f64 = t.parse().ok()?;
    (v.is_finite() && (0.0..=86_400.0).contains(&v)).then(|| (v * SEC as f64).round() as u64)
}

#[component]
pub fn TimelineBar(props: &TimelineBarProps) -> Html {
    let (now, head, in_past, fork_note) = {
        let e = props.engine.borrow();
        (e.sim().now(), e.timeline.head_us(), e.timeline.in_past(), e.fork_note.clone())
    };
    let jump_text = use_state(String::new);
    let seek = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        move |t: u64| {
            engine.borrow_mut().seek(t);
            on_changed.emit(Ok(()));
        }
    };
    let on_back = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |_| {
            engine.borrow_mut().step_back();
            on_changed.emit(Ok(()));
        })
    };
    let on_back_5 = {
        let seek = seek.clone();
        Callback::from(move |_| seek(now.saturating_sub(5 * SEC)))
    };
    let on_latest = {
        let seek = seek.clone();
        Callback::from(move |_| seek(head))
    };
    let on_scrub = {
        let seek = seek.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(ms) = e.target_unchecked_into::<HtmlInputElement>().value().parse::<u64>() {
                seek(ms * MS);
            }
        })
    };
    let on_jump_input = {
        let jump_text = jump_text.clone();
        Callback::from(move |e: InputEvent| jump_text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_jump = {
        let (seek, jump_text, on_changed) = (seek.clone(), jump_text.clone(), props.on_changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_seconds(&jump_text) {
                Some(t) if t <= head => seek(t),
                Some(_) => on_changed.emit(Err(format!(
                    "The run has only reached {}; jump to a moment up to then, or play on",
                    secs(head)
                ))),
                None => on_changed
                    .emit(Err(format!("\"{}\" is not a moment of the run; give seconds, like 12.5", *jump_text))),
            }
        })
    };
    let status = if let Some(note) = fork_note {
        note
    } else if in_past {
        format!(
            "Showing {} of {} recorded. Play to replay it exactly, or change something to start a new future from here.",
            secs(now),
            secs(head)
        )
    } else {
        format!("Showing the latest moment, {}.", secs(now))
    };
    let max_ms = (head / MS).max(1);
    html! {
        <div class="timeline-bar" role="group" aria-label="Timeline">
            <button type="button" class="button" data-testid="step-back" onclick={on_back}
                    title="Pause and undo the last event">
                { icon("back") }<span>{ "Step back" }</span>
            </button>
            <button type="button" class="button" data-testid="back-5s" onclick={on_back_5}>
                <span>{ "Back 5 s" }</span>
            </button>
            <label class="field scrub">
                <span>{ "Moment of the run" }</span>
                <input type="range" data-testid="scrub" min="0" max={max_ms.to_string()} step="100"
                       value={(now / MS).to_string()} oninput={on_scrub}
                       aria-valuetext={format!("{} of {}", secs(now), secs(head))} />
            </label>
            <form class="jump" onsubmit={on_jump}>
                <label class="field">
                    <span>{ "Jump to (s)" }</span>
                    <input type="text" inputmode="decimal" data-testid="jump-to" size="6"
                           value={(*jump_text).clone()} oninput={on_jump_input} />
                </label>
                <button type="submit" class="button" data-testid="jump-go">{ "Go" }</button>
            </form>
            <button type="button" class="button" data-testid="to-latest" onclick={on_latest} disabled={!in_past}>
                <span>{ "Latest" }</span>
            </button>
            <p class="timeline-status" data-testid="timeline-status" data-past={in_past.to_string()}
               data-now-us={now.to_string()}>{ status }</p>
        </div>
    }
}
