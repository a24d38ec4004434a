//! A knowledge check: the widget for its kind (single, multiple, ordering, predict), an
//! answer button, and the feedback once graded. Choices are native radio buttons and
//! checkboxes in a fieldset; ordering uses move-up and move-down buttons, so the keyboard
//! does everything a mouse does.

use super::grade_view::GradeView;
use super::rich_text::inline;
use crate::progress::CheckProgress;
use fanout_sim::lesson::grade::{shown_order, Answer};
use fanout_sim::lesson::Question;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QuestionViewProps {
    pub question: Question,
    /// What the student answered before, and its grade.
    #[prop_or_default]
    pub saved: Option<CheckProgress>,
    pub on_answer: Callback<Answer>,
}

#[component]
pub fn QuestionView(props: &QuestionViewProps) -> Html {
    let q = &props.question;
    let id = q.id().to_string();
    // The selection being made, seeded from the saved answer.
    let picked = {
        let saved = props.saved.clone();
        let q = q.clone();
        use_state(move || match saved.map(|s| s.answer) {
            Some(Answer::Choice(c)) => vec![c],
            Some(Answer::Choices(c)) | Some(Answer::Order(c)) => c,
            _ => match &q {
                Question::Ordering { items, .. } => shown_order(&q).into_iter().map(|k| items[k].id.clone()).collect(),
                _ => vec![],
            },
        })
    };
    let predict = matches!(q, Question::Predict { .. });
    // A prediction is locked in once made; other checks can be tried again.
    let locked = predict && props.saved.is_some();
    // The grade belongs to the answer it graded: once the student changes the selection, the
    // old verdict no longer describes what is on screen, so it goes until they check again.
    let changed = props.saved.as_ref().is_some_and(|s| Some(&s.answer) != answer_of(q, &picked).as_ref());
    let graded = props.saved.as_ref().and_then(|s| s.grade.clone()).filter(|_| !changed);

    let choose = |option: String, multi: bool| {
        let picked = picked.clone();
        Callback::from(move |_: Event| {
            let mut next = (*picked).clone();
            if multi {
                if let Some(at) = next.iter().position(|p| p == &option) {
                    next.remove(at);
                } else {
                    next.push(option.clone());
                }
            } else {
                next = vec![option.clone()];
            }
            picked.set(next);
        })
    };
    let mover = |from: usize, to: usize| {
        let picked = picked.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*picked).clone();
            if to < next.len() {
                next.swap(from, to);
                picked.set(next);
            }
        })
    };
    let answer = answer_of(q, &picked);
    let on_submit = {
        let (answer, on_answer) = (answer.clone(), props.on_answer.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(a) = answer.clone() {
                on_answer.emit(a);
            }
        })
    };

    let options: Html = match q {
        Question::Single { options, .. } | Question::Multiple { options, .. } => {
            let multi = matches!(q, Question::Multiple { .. });
            options
                .iter()
                .map(|o| {
                    let checked = picked.contains(&o.id);
                    html! {
                        <label class="option">
                            <input type={if multi { "checkbox" } else { "radio" }} name={id.clone()} value={o.id.clone()}
                                   data-testid={format!("option-{}-{}", id, o.id)} {checked}
                                   onchange={choose(o.id.clone(), multi)} />
                            <span>{ inline(&o.text) }</span>
                        </label>
                    }
                })
                .collect()
        }
        Question::Predict { options, .. } => options
            .iter()
            .map(|o| {
                let checked = picked.contains(&o.id);
                html! {
                    <label class="option">
                        <input type="radio" name={id.clone()} value={o.id.clone()} disabled={locked}
                               data-testid={format!("option-{}-{}", id, o.id)} {checked}
                               onchange={choose(o.id.clone(), false)} />
                        <span>{ inline(&o.text) }</span>
                    </label>
                }
            })
            .collect(),
        Question::Ordering { items, .. } => {
            let n = picked.len();
            html! {
                <ol class="ordering" data-testid={format!("order-{id}")} data-value={picked.join(",")}>
                    { for picked.iter().enumerate().map(|(k, item)| {
                        let text = items.iter().find(|i| &i.id == item).map(|i| i.text.clone()).unwrap_or_default();
                        html! {
                            <li>
                                <span class="order-text">{ inline(&text) }</span>
                                <span class="order-moves">
                                    <button type="button" class="button small" disabled={k == 0}
                                            aria-label={format!("Move up: {text}")}
                                            data-testid={format!("up-{id}-{item}")} onclick={mover(k, k.wrapping_sub(1))}>{ "\u{2191}" }</button>
                                    <button type="button" class="button small" disabled={k + 1 == n}
                                            aria-label={format!("Move down: {text}")}
                                            data-testid={format!("down-{id}-{item}")} onclick={mover(k, k + 1)}>{ "\u{2193}" }</button>
                                </span>
                            </li>
                        }
                    }) }
                </ol>
            }
        }
    };
    let label = match q {
        Question::Predict { .. } if locked => "Prediction locked in",
        Question::Predict { .. } => "Lock in my prediction",
        _ if graded.as_ref().is_some_and(|g| !g.correct) => "Try again",
        _ => "Check my answer",
    };
    let kind = match q {
        Question::Single { .. } => "Choose one",
        Question::Multiple { .. } => "Choose all that apply",
        Question::Ordering { .. } => "Put these in order, first at the top",
        Question::Predict { .. } => "Predict, then run the lab to find out",
    };
    html! {
        <form class="question" data-testid={format!("question-{id}")} onsubmit={on_submit}>
            <fieldset>
                <legend>
                    <span class="question-kind">{ kind }</span>
                    <span class="question-prompt">{ inline(q.prompt()) }</span>
                </legend>
                { options }
            </fieldset>
            <button type="submit" class="button primary" data-testid={format!("answer-{id}")}
                    disabled={answer.is_none() || locked}>{ label }</button>
            <div class="question-result" aria-live="polite">
                if let Some(g) = graded.filter(|_| !predict) {
                    <GradeView grade={g} id={id.clone()} />
                } else if locked {
                    <p class="note" data-testid={format!("locked-{id}")}>
                        { format!("You predicted: {}. Run the lab to see what really happens.", predicted_text(q, picked.first())) }
                    </p>
                }
            </div>
        </form>
    }
}

/// The answer the selection `picked` makes, if it makes one.
fn answer_of(q: &Question, picked: &[String]) -> Option<Answer> {
    match q {
        Question::Single { .. } | Question::Predict { .. } => picked.first().cloned().map(Answer::Choice),
        Question::Multiple { .. } => (!picked.is_empty()).then(|| Answer::Choices(picked.to_vec())),
        Question::Ordering { .. } => Some(Answer::Order(picked.to_vec())),
    }
}

/// The text of the option a prediction picked, without its full stop (the note adds one).
fn predicted_text(q: &Question, pick: Option<&String>) -> String {
    match (q, pick) {
        (Question::Predict { options, .. }, Some(p)) => {
            options.iter().find(|o| &o.id == p).map(|o| o.text.trim_end_matches('.').to_string()).unwrap_or_default()
        }
        _ => String::new(),
    }
}
