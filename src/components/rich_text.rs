//! Lesson text as the page shows it: paragraphs, lists and `code`, always as text, never
//! as HTML, whatever a lesson file holds.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RichTextProps {
    pub text: AttrValue,
}

/// A line with `code` spans: backquoted parts become <code>.
pub fn inline(text: &str) -> Html {
    text.split('`')
        .enumerate()
        .map(|(k, part)| {
            if k % 2 == 1 {
                html! { <code>{ part.to_string() }</code> }
            } else {
                html! { { part.to_string() } }
            }
        })
        .collect()
}

#[component]
pub fn RichText(props: &RichTextProps) -> Html {
    let blocks = props.text.split("\n\n").filter(|b| !b.trim().is_empty()).map(|block| {
        let lines: Vec<&str> = block.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        if lines.iter().all(|l| l.starts_with("- ")) {
            html! { <ul>{ for lines.iter().map(|l| html! { <li>{ inline(&l[2..]) }</li> }) }</ul> }
        } else {
            html! { <p>{ inline(&lines.join(" ")) }</p> }
        }
    });
    html! { <div class="rich-text">{ for blocks }</div> }
}
