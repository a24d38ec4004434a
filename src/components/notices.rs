//! Messages about bad input (a link, a field): what was wrong and what is accepted.
//!
//! Every problem the page opened with is shown, however many: a link with eight bad
//! parameters says so ("This link had 8 problems") and lists all eight, in a region of its own
//! that scrolls when the list is long and that a keyboard can reach and scroll. Each problem
//! can be dismissed on its own, or all at once.

use crate::state::Notice;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    pub notices: Vec<Notice>,
    pub on_dismiss: Callback<u32>,
}

/// The group's heading: "This link had 8 problems".
pub fn group_title(n: usize) -> String {
    format!("This link had {}", crate::words::count(n as u64, "problem"))
}

fn dismiss_button(n: &Notice, on_dismiss: &Callback<u32>) -> Html {
    let (cb, id) = (on_dismiss.clone(), n.id);
    html! {
        <button type="button" class="button icon-only" onclick={move |_| cb.emit(id)}
                aria-label="Dismiss this notice">{ crate::icons::icon("close") }</button>
    }
}

#[component]
pub fn Notices(props: &NoticesProps) -> Html {
    let opening: Vec<&Notice> = props.notices.iter().filter(|n| n.opening).collect();
    // One problem reads as any other notice; two or more are a list under a heading.
    let grouped = opening.len() > 1;
    let single = |n: &Notice| {
        html! {
            <div class="notice" role="status">
                <p>{ n.text.clone() }</p>
                { dismiss_button(n, &props.on_dismiss) }
            </div>
        }
    };
    let group = grouped.then(|| {
        let title = group_title(opening.len());
        let on_all = {
            let (cb, ids) = (props.on_dismiss.clone(), opening.iter().map(|n| n.id).collect::<Vec<_>>());
            Callback::from(move |_: MouseEvent| ids.iter().for_each(|&id| cb.emit(id)))
        };
        html! {
            <section class="notice notice-group" aria-labelledby="link-notices-title" data-testid="link-notices">
                <h2 id="link-notices-title" class="notice-group-title">{ title.clone() }</h2>
                // Focusable, so that a keyboard can scroll a long list (axe asks this).
                <div class="notice-scroll" tabindex="0" role="region" aria-label={format!("{title}, listed")}
                     data-testid="link-notices-list">
                    <ul>
                        { for opening.iter().map(|n| html! {
                            <li><p>{ n.text.clone() }</p>{ dismiss_button(n, &props.on_dismiss) }</li>
                        }) }
                    </ul>
                </div>
                <button type="button" class="button small" data-testid="dismiss-link-notices" onclick={on_all}
                        aria-label={format!("Dismiss all {} problems", opening.len())}>
                    { "Dismiss all" }
                </button>
            </section>
        }
    });
    html! {
        <div class="notices" data-testid="notices" aria-live="polite">
            { for group }
            { for props.notices.iter().filter(|n| !(grouped && n.opening)).map(single) }
        </div>
    }
}
