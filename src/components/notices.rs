//! Messages about bad input (a link, a field): what was wrong and what is accepted.

use crate::state::Notice;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    pub notices: Vec<Notice>,
    pub on_dismiss: Callback<u32>,
}

#[component]
pub fn Notices(props: &NoticesProps) -> Html {
    html! {
        <div class="notices" data-testid="notices" aria-live="polite">
            { for props.notices.iter().map(|n| {
                let (cb, id) = (props.on_dismiss.clone(), n.id);
                html! {
                    <div class="notice" role="status">
                        <p>{ n.text.clone() }</p>
                        <button type="button" class="button icon-only" onclick={move |_| cb.emit(id)}
                                aria-label="Dismiss this notice">{ crate::icons::icon("close") }</button>
                    </div>
                }
            }) }
        </div>
    }
}
