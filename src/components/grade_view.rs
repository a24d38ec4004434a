//! A grade: right or not, why, and for a prediction the numbers the run measured.

use fanout_sim::lesson::grade::Grade;
use yew::prelude::*;

use super::rich_text::inline;

#[derive(Properties, PartialEq)]
pub struct GradeViewProps {
    pub grade: Grade,
    /// Which check this is (for test ids).
    pub id: AttrValue,
}

/// Scrolls `el` just enough to be seen: a verdict that appears at the foot of the lesson
/// panel (which scrolls on its own on wide screens) is not left below its edge.
pub fn bring_into_view(el: &web_sys::Element) {
    let opts = web_sys::ScrollIntoViewOptions::new();
    opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
    el.scroll_into_view_with_scroll_into_view_options(&opts);
}

#[component]
pub fn GradeView(props: &GradeViewProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.grade.clone(), move |_| {
            if let Some(el) = node.cast::<web_sys::Element>() {
                bring_into_view(&el);
            }
        });
    }
    let g = &props.grade;
    let verdict = if g.max > 1 {
        format!("{} of {} decisions match", g.raw, g.max)
    } else if g.correct {
        "Correct".to_string()
    } else {
        "Not quite".to_string()
    };
    let class = classes!("grade", if g.correct { "right" } else { "wrong" });
    html! {
        <div {class} ref={node} data-testid={format!("grade-{}", props.id)} data-correct={g.correct.to_string()}>
            <p class="verdict">
                <span class="verdict-mark" aria-hidden="true">{ if g.correct { "\u{2713}" } else { "\u{2717}" } }</span>
                <strong>{ verdict }</strong>
            </p>
            if !g.numbers.is_empty() {
                <table class="grade-numbers">
                    <caption>{ "What this run measured" }</caption>
                    <tbody>
                        { for g.numbers.iter().map(|(label, value)| html! {
                            <tr><th scope="row">{ label.clone() }</th><td>{ value.clone() }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
            <ul class="feedback">
                { for g.feedback.iter().map(|l| html! {
                    <li class={if l.ok { "ok" } else { "miss" }}>
                        <span class="sr-only">{ if l.ok { "Right: " } else { "Missed: " } }</span>
                        <span class="mark" aria-hidden="true">{ if l.ok { "\u{2713}" } else { "\u{2717}" } }</span>
                        { inline(&l.text) }
                    </li>
                }) }
            </ul>
        </div>
    }
}
