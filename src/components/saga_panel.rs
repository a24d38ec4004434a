//! The sagas: how they are driven (a switch between orchestration and choreography, and the
//! choreography's deadline), how many ended which way or are stuck, the books of each step
//! (stock reserved and released, money charged and refunded), and the latest sagas, each
//! with its steps and the compensations it still owes, the next one first.

use crate::engine::EngineHandle;
use crate::state::capitalise;
use fanout_sim::consumer::money;
use fanout_sim::saga::{Books, SagaRow, SagaState, SagaStyle, StepTruth};
use fanout_sim::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SagaPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

/// A step of one saga in words (and a mark, so that no colour carries it alone).
fn step_words(t: StepTruth) -> (&'static str, &'static str) {
    match (t.done, t.undone) {
        (0, _) => ("–", "not done"),
        (_, 0) => ("✓", "done"),
        (_, 1) => ("↩", "undone"),
        _ => ("↩↩", "undone twice"),
    }
}

fn state_words(r: &SagaRow) -> &'static str {
    match r.state {
        _ if r.stuck => "stuck: nothing will move it on",
        SagaState::Running => "running",
        SagaState::Compensating => "compensating",
        SagaState::Completed => "completed",
        SagaState::Compensated => "compensated",
    }
}

/// What a step's books move, in words, for an amount of items or cents.
fn amount(books: Books, v: i64) -> String {
    match books {
        Books::Money => money(v),
        Books::Stock => crate::words::count(v.unsigned_abs(), "item"),
        Books::None => "–".into(),
    }
}

#[component]
pub fn SagaPanel(props: &SagaPanelProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let (Some(v), Some(spec)) = (sim.sagas(), sim.scenario().saga.as_ref()) else { return html! {} };
    let sc = sim.scenario();
    let step_name = |k: usize| sc.catalog[spec.steps[k].service as usize].name.clone();
    let on_style = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |ev: Event| {
            let v = ev.target_unchecked_into::<HtmlInputElement>().value();
            if let Some(style) = SagaStyle::parse(&v) {
                on_changed.emit(engine.apply(Action::SetSagaStyle { style }));
            }
        })
    };
    let on_timeouts = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |ev: Event| {
            let on = ev.target_unchecked_into::<HtmlInputElement>().checked();
            on_changed.emit(engine.apply(Action::SetSagaTimeouts { on }))
        })
    };
    let radio = |style: SagaStyle, label: &str| {
        html! {
            <label class="radio">
                <input type="radio" name="saga-style" value={style.key()} checked={v.style == style}
                       data-testid={format!("saga-style-{}", style.key())} onchange={on_style.clone()} />
                { label.to_string() }
            </label>
        }
    };
    let books = spec.steps.iter().enumerate().filter(|(_, s)| s.books != Books::None).map(|(k, s)| {
        let b = v.books[k];
        let (did, undid) = match s.books {
            Books::Money => ("charged", "refunded"),
            _ => ("reserved", "released"),
        };
        html! {
            <tr data-testid={format!("saga-books-{k}")} data-done={b.done.to_string()} data-undone={b.undone.to_string()}>
                <th scope="row">{ step_name(k) }</th>
                <td>{ format!("{} {did}", amount(s.books, b.done)) }</td>
                <td>{ format!("{} {undid}", amount(s.books, b.undone)) }</td>
                <td>{ amount(s.books, b.done - b.undone) }</td>
            </tr>
        }
    });
    let rows = v.recent.iter().rev().map(|r| {
        let steps = r.steps.iter().enumerate().map(|(k, t)| {
            let (mark, words) = step_words(*t);
            html! { <td class={classes!("saga-step", words.replace(' ', "-"))} title={format!("{}: {words}", step_name(k))}>
                <span aria-hidden="true">{ mark }</span><span class="sr-only">{ words }</span>
            </td> }
        });
        let owed: Vec<String> = r.owed.iter().map(|&k| sc.type_name(spec.mtype(k, fanout_sim::saga::SagaWhat::Undo)).to_string()).collect();
        let state = state_words(r);
        html! {
            <tr data-testid={format!("saga-{}", r.order)} data-state={state.split(':').next().unwrap_or(state).to_string()}>
                <th scope="row">{ r.order }</th>
                <td>{ state }</td>
                { for steps }
                <td data-testid={format!("saga-owed-{}", r.order)}>{ if owed.is_empty() { "–".to_string() } else { owed.join(", then ") } }</td>
            </tr>
        }
    });
    let stuck = v.stuck_rows.iter().map(|r| {
        let owed: Vec<String> =
            r.owed.iter().map(|&k| sc.type_name(spec.mtype(k, fanout_sim::saga::SagaWhat::Undo)).to_string()).collect();
        let owes = if owed.is_empty() { "nothing to undo".to_string() } else { format!("owes {}", owed.join(", then ")) };
        html! { <li data-testid={format!("saga-stuck-{}", r.order)}>{ format!("{} {}: {owes}", sc.noun, r.order) }</li> }
    });
    let count = |id: &str, n: u64, words: &str| {
        html! {
            <li data-testid={format!("sagas-{id}")} data-value={n.to_string()}><strong>{ n }</strong>{ format!(" {words}") }</li>
        }
    };
    html! {
        <section class="sagas" aria-labelledby="sagas-title" data-testid="saga-panel">
            <h2 id="sagas-title">{ format!("{}: the sagas", sc.title) }</h2>
            <fieldset class="saga-style">
                <legend>{ "New sagas are" }</legend>
                { radio(SagaStyle::Orchestrated, "orchestrated: one service sends the commands and keeps the state") }
                { radio(SagaStyle::Choreographed, "choreographed: each service reacts to the one before") }
            </fieldset>
            <label class="check">
                <input type="checkbox" data-testid="saga-timeouts" checked={v.timeouts} onchange={on_timeouts} />
                { format!("Choreographed sagas time out at the {} after {}", sc.order_service.name, fanout_sim::time::human(spec.saga_timeout_us)) }
            </label>
            <ul class="saga-counts">
                { count("completed", v.completed, "completed") }
                { count("compensated", v.compensated, "compensated") }
                { count("running", v.running, "running") }
                { count("stuck", v.stuck, "stuck") }
                { count("paid-twice", v.paid_twice, "compensations paid twice") }
            </ul>
            if !v.stuck_rows.is_empty() {
                <p class="menu-note">{ "Stuck, with nothing left that could move them on (the oldest first):" }</p>
                <ul class="saga-stuck" data-testid="saga-stuck-list">{ for stuck }</ul>
            }
            <div class="subs-wrap" tabindex="0" role="region" aria-label="The saga's books">
                <table class="subs saga-books">
                    <caption>{ "The books: what the steps did and undid, and what is still held" }</caption>
                    <thead><tr><th scope="col">{ "Step" }</th><th scope="col">{ "Done" }</th><th scope="col">{ "Undone" }</th><th scope="col">{ "Held" }</th></tr></thead>
                    <tbody>{ for books }</tbody>
                </table>
            </div>
            <div class="subs-wrap" tabindex="0" role="region" aria-label="The latest sagas">
                <table class="subs saga-table">
                    <caption>{ format!("The latest sagas, newest first: each step (✓ done, ↩ undone, – not done) and the compensations still owed, the next first") }</caption>
                    <thead><tr>
                        <th scope="col">{ capitalise(&sc.noun) }</th><th scope="col">{ "State" }</th>
                        { for (0..spec.steps.len()).map(|k| html! { <th scope="col">{ step_name(k) }</th> }) }
                        <th scope="col">{ "Owed" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}
