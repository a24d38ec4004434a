//! The lesson being taken: the step's text, the run it waits for, its question or design
//! form, and the way on. The lab below is the lesson's lab; the step's changes and waits
//! are made by the engine, this panel only shows them and records the answers.

use super::design_form::DesignForm;
use super::grade_view::GradeView;
use super::question_view::QuestionView;
use super::rich_text::RichText;
use crate::course::Course;
use crate::engine::EngineHandle;
use crate::progress::ProgressHandle;
use crate::state::View;
use fanout_sim::lesson::grade::{grade, grade_design, step_numbers, Answer};
use fanout_sim::lesson::measure::{format_value, Operand};
use fanout_sim::lesson::Question;
use fanout_sim::Action;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub engine: EngineHandle,
    pub progress: ProgressHandle,
    pub course: Course,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
    pub on_view: Callback<View>,
    pub on_open: Callback<String>,
    /// Locked by the link: nothing leads away from this lesson.
    #[prop_or_default]
    pub locked: bool,
}

/// What a step highlight points at on the page.
fn highlight_selector(target: &str) -> String {
    match target {
        "checkout-chart" => "[data-testid=\"chart-response\"]".into(),
        "lag-chart" => "[data-testid=\"chart-lag\"]".into(),
        "errors-chart" => "[data-testid=\"chart-errors\"]".into(),
        "p99-chart" => "[data-testid=\"chart-p99\"]".into(),
        "alerts" => "[data-testid=\"alerts-panel\"]".into(),
        "metrics" => "section.metrics".into(),
        "timeline" => ".timeline-bar".into(),
        "dlq" => "[data-testid=\"dlq-panel\"]".into(),
        "topic" => "[data-testid=\"topic-panel\"]".into(),
        "outbox" => "[data-testid=\"outbox-panel\"]".into(),
        "sagas" => "[data-testid=\"saga-panel\"]".into(),
        "store" => "[data-testid=\"store-panel\"]".into(),
        "registry" => "[data-testid=\"registry-panel\"]".into(),
        node => format!("[data-testid=\"node-{node}\"]"),
    }
}

/// The panels the current lesson step names (its `highlight`s that are not nodes), as the
/// lab's panel names, in order, each once: the page shows them beside the stage.
pub fn evidence(engine: &crate::engine::Engine) -> Vec<&'static str> {
    let Some(l) = engine.lesson.as_ref() else { return Vec::new() };
    let mut out: Vec<&'static str> = Vec::new();
    for h in &l.compiled.lesson.steps[l.run.step].highlight {
        let panel = match h.as_str() {
            "checkout-chart" => "chart-response",
            "lag-chart" => "chart-lag",
            "errors-chart" => "chart-errors",
            "p99-chart" => "chart-p99",
            "alerts" => "alerts",
            "metrics" => "metrics",
            "timeline" => "timeline",
            "dlq" => "dlq",
            "topic" => "topic",
            "outbox" => "outbox",
            "sagas" => "sagas",
            "store" => "store",
            "registry" => "registry",
            "traces" => "traces",
            _ => continue,
        };
        if !out.contains(&panel) {
            out.push(panel);
        }
    }
    out
}

/// Marks the step's highlights with an attribute Yew does not manage, so re-renders of the
/// lab keep it; styles outline what carries it.
fn mark_highlights(targets: &[String]) {
    let doc = gloo::utils::document();
    if let Ok(old) = doc.query_selector_all("[data-lesson-highlight]") {
        for k in 0..old.length() {
            if let Some(el) = old.item(k).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                let _ = el.remove_attribute("data-lesson-highlight");
            }
        }
    }
    for t in targets {
        if let Ok(Some(el)) = doc.query_selector(&highlight_selector(t)) {
            let _ = el.set_attribute("data-lesson-highlight", "");
        }
    }
}

#[component]
pub fn LessonPanel(props: &LessonPanelProps) -> Html {
    let heading = use_node_ref();
    let engine = props.engine.borrow();
    let Some(session) = engine.lesson.as_ref() else {
        return html! {};
    };
    let c = session.compiled.clone();
    let key = session.key.clone();
    let run = session.run.clone();
    let overdue = run.overdue(&c, &engine.timeline);
    let fast = engine.pace == crate::engine::Pace::FastForward;
    // The left side of the wait condition, as it stands: "placed: 12".
    let wait_now = c.waits[run.step].as_ref().and_then(|cond| match &cond.left {
        Operand::Ref(r, ..) => Some(format!("{}: {}", r.key, format_value(r, run.value(&engine.timeline, r)))),
        Operand::Num(_) => None,
    });
    drop(engine);
    let lesson = &c.lesson;
    let step = &lesson.steps[run.step];
    let n = lesson.steps.len();
    let saved = props.progress.lesson(&key);
    let last = run.step + 1 == n;

    {
        let (targets, heading, step_no) = (step.highlight.clone(), heading.clone(), (key.clone(), run.step));
        use_effect_with(step_no, move |_| {
            mark_highlights(&targets);
            if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
            || mark_highlights(&[])
        });
    }

    let question = step.question.clone();
    let check = question.as_ref().and_then(|q| saved.checks.get(q.id()).cloned());
    // Locking in a prediction disables the button that had focus; focus then moves on to the
    // way on ("Next step"), not to the page body.
    let next_ref = use_node_ref();
    let focus_next = use_state(|| false);
    {
        let (next_ref, focus_next) = (next_ref.clone(), focus_next.clone());
        use_effect_with(*focus_next, move |&wanted| {
            if wanted {
                if let Some(b) = next_ref.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
                focus_next.set(false);
            }
        });
    }
    let on_answer = {
        let (progress, key, c, q, records, on_changed, focus_next) = (
            props.progress.clone(),
            key.clone(),
            c.clone(),
            question.clone(),
            run.records.clone(),
            props.on_changed.clone(),
            focus_next.clone(),
        );
        Callback::from(move |answer: Answer| {
            let Some(q) = q.as_ref() else { return };
            let predict = matches!(q, Question::Predict { .. });
            let result = if predict { Ok(None) } else { grade(&c, q, &answer, &records).map(Some) };
            match result {
                Ok(g) => {
                    progress.update(|p| p.lessons.entry(key.clone()).or_default().answered(q.id(), answer, g, 1));
                    on_changed.emit(Ok(()));
                    if predict {
                        focus_next.set(true);
                    }
                }
                Err(e) => on_changed.emit(Err(e)),
            }
        })
    };

    // The design form applies the student's choices to the lab, then scores them.
    let design_saved = saved.checks.get("design").and_then(|c| match &c.answer {
        Answer::Design(d) => Some(d.clone()),
        _ => None,
    });
    let on_design = {
        let (progress, key, c, engine, on_changed) =
            (props.progress.clone(), key.clone(), c.clone(), props.engine.clone(), props.on_changed.clone());
        Callback::from(move |choices: Vec<fanout_sim::lesson::grade::DesignChoice>| {
            let mut problems = Vec::new();
            {
                let mut e = engine.borrow_mut();
                let sc = e.sim().scenario().clone();
                for ch in &choices {
                    let Some(i) = sc.catalog_index(&ch.service) else { continue };
                    let wired = e.sim().wired().contains(&(i as u16));
                    let mut acts = Vec::new();
                    if ch.subscribed && !wired {
                        acts.push(Action::AddSubscriber { service: ch.service.clone(), from: Default::default() });
                    }
                    if !ch.subscribed && wired {
                        acts.push(Action::RemoveSubscriber { service: ch.service.clone() });
                    }
                    if ch.subscribed {
                        acts.push(Action::SetIdempotent { service: ch.service.clone(), on: ch.idempotent });
                        acts.push(Action::SetSync { service: ch.service.clone(), on: ch.sync });
                    }
                    for a in acts {
                        if let Err(why) = e.apply(a) {
                            problems.push(why);
                        }
                    }
                }
                if choices.iter().any(|ch| ch.subscribed && ch.ordered) {
                    let key = fanout_sim::topic::PartitionKey::OrderId;
                    if let Err(why) = e.apply(Action::SetPartitionKey { key }) {
                        problems.push(why);
                    }
                }
            }
            let names = c.scenario.clone();
            let name = move |k: &str| names.catalog_index(k).map_or(k.to_string(), |i| names.catalog[i].name.clone());
            let g = grade_design(&c.lesson.design, &choices, &name);
            let max = g.max;
            progress.update(|p| {
                p.lessons.entry(key.clone()).or_default().answered("design", Answer::Design(choices), Some(g), max)
            });
            on_changed.emit(if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) });
        })
    };

    // What stops the student going on, if anything.
    let blocker = if run.waiting() && !overdue {
        step.wait.as_ref().map(|w| format!("The lab is still running until: {}.", w.label))
    } else if question.is_some() && check.is_none() {
        Some("Answer the question to go on.".to_string())
    } else if step.design && design_saved.is_none() {
        Some("Apply your design to go on.".to_string())
    } else {
        None
    };

    let on_next = {
        let (engine, progress, key, c, on_changed) =
            (props.engine.clone(), props.progress.clone(), key.clone(), c.clone(), props.on_changed.clone());
        let k = run.step;
        Callback::from(move |_: MouseEvent| {
            let records = engine.borrow().lesson.as_ref().map(|l| l.run.records.clone()).unwrap_or_default();
            if k + 1 >= c.lesson.steps.len() {
                progress.update(|p| {
                    let l = p.lessons.entry(key.clone()).or_default();
                    l.completed = true;
                    l.records = records;
                });
                on_changed.emit(Ok(()));
                return;
            }
            let result = engine.borrow_mut().lesson_step(k + 1);
            let next = &c.lesson.steps[k + 1];
            progress.update(|p| {
                let l = p.lessons.entry(key.clone()).or_default();
                l.step = k + 1;
                l.records = records.clone();
                // Entering a reveal: the prediction is graded on what this run recorded.
                if let Some(qid) = &next.reveal {
                    if let (Some((_, q)), Some(answer)) =
                        (c.lesson.question(qid), l.checks.get(qid).map(|x| x.answer.clone()))
                    {
                        match grade(&c, q, &answer, &records) {
                            Ok(g) => l.reveal(qid, g),
                            Err(why) => l.reveal(qid, fanout_sim::lesson::Grade::unsettled(&why)),
                        }
                    }
                }
            });
            on_changed.emit(result);
        })
    };
    let on_rerun = {
        let (engine, on_changed) = (props.engine.clone(), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            let seed = engine.borrow().setup.seed;
            engine.borrow_mut().reset(seed);
            on_changed.emit(Ok(()));
        })
    };
    let on_restart = {
        let (progress, key, on_open) = (props.progress.clone(), key.clone(), props.on_open.clone());
        Callback::from(move |_: MouseEvent| {
            progress.update(|p| p.lessons.remove(&key));
            on_open.emit(key.clone());
        })
    };
    let to_map = {
        let on_view = props.on_view.clone();
        Callback::from(move |_: MouseEvent| on_view.emit(View::Map))
    };
    let to_lab = {
        let on_view = props.on_view.clone();
        Callback::from(move |_: MouseEvent| on_view.emit(View::Lab))
    };

    let reveal = step
        .reveal
        .as_ref()
        .and_then(|qid| saved.checks.get(qid).and_then(|x| x.grade.clone()).map(|g| (qid.clone(), g)));
    let completed = saved.completed && last;
    let numbers = step_numbers(&c, run.step, &run.records);
    let score = saved.score(lesson);
    // After an answer, the way on comes into view with the verdict (the panel scrolls on its
    // own on wide screens): the nav first, then the verdict, which wins if both do not fit.
    {
        let (next_ref, tries) = (next_ref.clone(), check.as_ref().map(|c| c.tries));
        use_effect_with(tries, move |tries| {
            if tries.is_some() {
                if let Some(nav) = next_ref.cast::<web_sys::Element>().and_then(|b| b.parent_element()) {
                    super::grade_view::bring_into_view(&nav);
                    let grade = nav.parent_element().and_then(|p| p.query_selector(".question-result .grade").ok().flatten());
                    if let Some(g) = grade {
                        super::grade_view::bring_into_view(&g);
                    }
                }
            }
        });
    }
    let done_ref = use_node_ref();
    {
        let done_ref = done_ref.clone();
        use_effect_with(completed, move |_| {
            if let Some(el) = done_ref.cast::<web_sys::Element>() {
                super::grade_view::bring_into_view(&el);
            }
        });
    }
    let next_lesson =
        props.course.next_after(&key).and_then(|k| props.course.find(&k).map(|c| (k, c.lesson.title.clone())));

    html! {
        <section class="lesson-panel" aria-labelledby="lesson-title" data-testid="lesson-panel" data-lesson={key.clone()}
                 data-step={run.step.to_string()}>
            <div class="lesson-head">
                <p class="lesson-concept">{ lesson.concept.clone() }</p>
                <h2 id="lesson-title">{ lesson.title.clone() }</h2>
                <div class="lesson-tools">
                    if !props.locked {
                        <button type="button" class="button small" data-testid="to-map" onclick={to_map}>{ "All lessons" }</button>
                        <button type="button" class="button small" data-testid="to-lab" onclick={to_lab}>{ "Free lab" }</button>
                    }
                    <button type="button" class="button small" data-testid="restart-lesson" onclick={on_restart}>{ "Restart lesson" }</button>
                </div>
            </div>
            <h3 class="step-heading" tabindex="-1" ref={heading} data-testid="step-heading">
                { format!("Step {} of {}", run.step + 1, n) }
            </h3>
            <progress class="lesson-progress" max={n.to_string()} value={(run.step + 1).to_string()}
                      aria-label="Progress through the lesson"></progress>
            <RichText text={step.text.clone()} />
            if !numbers.is_empty() {
                <table class="grade-numbers" data-testid="step-numbers">
                    <caption>{ "What the runs measured" }</caption>
                    <tbody>
                        { for numbers.iter().map(|(label, value)| html! {
                            <tr><th scope="row">{ label.clone() }</th><td>{ value.clone() }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
            if let Some(w) = &step.wait {
                <p class={classes!("wait", if run.waiting() { "running" } else { "done" })} role="status" data-testid="wait-status"
                   data-met={(!run.waiting()).to_string()}>
                    if !run.waiting() {
                        { format!("Done: {}. The lab is paused; look around, then go on.", w.label) }
                    } else if overdue {
                        { format!("This is taking longer than the lesson planned ({} simulated seconds), perhaps because the lab was changed. ", w.within_s) }
                        <button type="button" class="button small" data-testid="rerun-step" onclick={on_rerun}>{ "Run this step again" }</button>
                    } else {
                        if fast {
                            <span class="fast-note" data-testid="wait-fast">
                                { format!("Fast-forward {}\u{d7}: ", crate::engine::FAST_FORWARD) }</span>
                        }
                        { format!("Running the lab until: {}.", w.label) }
                        if let Some(now) = wait_now { <span class="wait-now">{ format!(" Now {now}.") }</span> }
                    }
                </p>
            }
            if let Some(q) = question {
                <QuestionView key={q.id().to_string()} question={q.clone()} saved={check} {on_answer} />
            }
            if let Some((qid, g)) = reveal {
                <GradeView grade={g} id={qid} />
            }
            if step.design {
                <DesignForm scenario={c.scenario.clone()} saved={design_saved} on_submit={on_design} />
                if let Some(g) = saved.checks.get("design").and_then(|x| x.grade.clone()) {
                    <GradeView grade={g} id="design" />
                }
            }
            <div class="lesson-nav">
                if let Some(why) = &blocker {
                    <p class="note" data-testid="next-blocked">{ why.clone() }</p>
                }
                if !completed {
                    <button type="button" class="button primary" data-testid="next-step" disabled={blocker.is_some()} onclick={on_next}
                            ref={next_ref}>
                        { if last { "Finish the lesson" } else { "Next step" } }
                    </button>
                }
            </div>
            if completed {
                <div class="lesson-done" role="status" data-testid="lesson-complete" ref={done_ref}>
                    <p><strong>{ "Lesson complete." }</strong>{ format!(" First-try score: {} of {}.", score.raw, score.max) }</p>
                    if score.predictions > 0 {
                        <p data-testid="prediction-score">{ format!(
                            "{} of {} {} matched what happened. A prediction is a guess made before the evidence: it is not scored.",
                            score.matched, score.predictions, if score.predictions == 1 { "prediction" } else { "predictions" }) }</p>
                    }
                    if !props.locked {
                    <div class="lesson-tools">
                        if let Some((k, title)) = next_lesson {
                            <button type="button" class="button primary" data-testid="next-lesson"
                                    onclick={let o = props.on_open.clone(); Callback::from(move |_: MouseEvent| o.emit(k.clone()))}>
                                { format!("Next lesson: {title}") }
                            </button>
                        }
                        <button type="button" class="button" onclick={let v = props.on_view.clone(); Callback::from(move |_: MouseEvent| v.emit(View::Map))}>
                            { "All lessons" }
                        </button>
                    </div>
                    }
                </div>
            }
        </section>
    }
}
