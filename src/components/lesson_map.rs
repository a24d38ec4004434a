//! The lesson map: every lesson with its state (not started, started, completed) and
//! first-try score, a way into each, and a way to forget all progress. While the built-in
//! lessons are on their way it says so; if they could not be fetched, why, and a way to try
//! again.

use crate::course::{Course, Load};
use crate::progress::{ProgressHandle, Status};
use fanout_sim::lesson::schema::LessonKind;
use fanout_sim::lesson::Compiled;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonMapProps {
    pub course: Course,
    pub progress: ProgressHandle,
    pub tick: u64,
    pub on_open: Callback<String>,
    pub on_reset: Callback<()>,
    /// Fetch the built-in lessons again after a failure.
    pub on_retry: Callback<()>,
}

/// How the predictions went, after a score: ", 2 of 3 predictions matched what happened".
pub fn predictions(s: &crate::progress::Score) -> String {
    match s.predictions {
        0 => String::new(),
        1 => format!("; {} of 1 prediction matched what happened", s.matched),
        n => format!("; {} of {n} predictions matched what happened", s.matched),
    }
}

#[component]
pub fn LessonMap(props: &LessonMapProps) -> Html {
    let confirming = use_state(|| false);
    let title = use_node_ref();
    let card = |(key, c): (String, &Rc<Compiled>)| {
        let l = &c.lesson;
        let p = props.progress.lesson(&key);
        let status = props.progress.0.borrow().status(&key);
        let score = p.score(l);
        // Points possible: one per knowledge check, one per decision of a design (as the panel
        // scores); predictions are counted apart.
        let total = l.steps.iter().filter(|s| s.question.as_ref().is_some_and(|q| !q.is_prediction())).count()
            + 3 * l.design.len();
        let raw = score.raw;
        let (badge, class, action) = match status {
            Status::NotStarted => ("Not started".to_string(), "not-started", "Start"),
            Status::Started => (format!("Started: step {} of {}", p.step + 1, l.steps.len()), "started", "Resume"),
            Status::Completed => (format!("Completed: {raw} of {total} right first time{}", predictions(&score)), "completed", "Review"),
        };
        let open = {
            let (on_open, key) = (props.on_open.clone(), key.clone());
            Callback::from(move |_: MouseEvent| on_open.emit(key.clone()))
        };
        let title_id = format!("map-{}", key.replace(':', "-"));
        html! {
            <li class={classes!("lesson-card", class)} data-testid={format!("lesson-card-{key}")} data-status={class}
                aria-labelledby={title_id.clone()}>
                <p class="lesson-concept">
                    { if l.kind == LessonKind::Challenge { "Design challenge: " } else { "" } }
                    { l.concept.clone() }
                </p>
                <h3 id={title_id}>{ l.title.clone() }</h3>
                <p class="summary">{ super::rich_text::inline(&l.summary) }</p>
                <p class="status"><span class="status-mark" aria-hidden="true">{ match status {
                    Status::NotStarted => "\u{25CB}",
                    Status::Started => "\u{25D0}",
                    Status::Completed => "\u{25CF}",
                } }</span>{ badge }</p>
                <button type="button" class="button" data-testid={format!("open-{key}")} onclick={open}
                        aria-label={format!("{action}: {}", l.title)}>{ action }</button>
            </li>
        }
    };
    let builtin: Vec<(String, &Rc<Compiled>)> = props.course.builtin.iter().map(|c| (c.lesson.id.clone(), c)).collect();
    let extra = props.course.extra.as_ref();
    let reset = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let confirm = {
        let (confirming, on_reset) = (confirming.clone(), props.on_reset.clone());
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            on_reset.emit(());
        })
    };
    // The retry button goes away when pressed; focus waits on the heading, not on nothing.
    let retry = {
        let (on_retry, title) = (props.on_retry.clone(), title.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(h) = title.cast::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
            on_retry.emit(());
        })
    };
    let cards = match &props.course.status {
        Load::Ready => html! { <ol class="lesson-cards">{ for builtin.into_iter().map(card) }</ol> },
        Load::Failed(why) => html! {
            <div class="lessons-load" role="alert" data-testid="lessons-failed">
                <p>{ format!("The lessons could not be loaded: {why}.") }</p>
                <button type="button" class="button" data-testid="lessons-retry" onclick={retry}>{ "Try again" }</button>
            </div>
        },
        Load::Idle | Load::Loading => html! {
            <p class="lessons-load" role="status" data-testid="lessons-loading">{ "Loading the lessons\u{2026}" }</p>
        },
    };
    html! {
        <section class="lesson-map" aria-labelledby="map-title" data-testid="lesson-map">
            <div class="map-head">
                <h2 id="map-title" tabindex="-1" ref={title}>{ "Lessons" }</h2>
                <p>{ "Each lesson sets up the lab, asks you to predict, runs it, and checks what you saw. Your progress stays in this browser." }</p>
                <div class="lesson-tools">
                    if *confirming {
                        <span role="group" aria-label="Confirm reset" class="confirm">
                            { "Forget all lesson progress? " }
                            <button type="button" class="button danger" data-testid="reset-confirm" onclick={confirm}>{ "Yes, reset" }</button>
                            <button type="button" class="button" data-testid="reset-cancel" onclick={cancel}>{ "Cancel" }</button>
                        </span>
                    } else {
                        <button type="button" class="button" data-testid="reset-progress" onclick={reset}>{ "Reset progress" }</button>
                    }
                </div>
            </div>
            { cards }
            if let Some(x) = extra {
                <h2 id="extra-title" class="extra-title">{ format!("From your course: {}", x.title) }</h2>
                <ol class="lesson-cards" aria-labelledby="extra-title" data-testid="quiz-lessons">
                    { for x.lessons.iter().map(|c| (format!("{}{}", crate::course::EXTRA_PREFIX, c.lesson.id), c)).map(card) }
                </ol>
            }
        </section>
    }
}
