//! The invitation a first-time visitor meets: what the lab is for, and two ways in (the
//! first lesson, or the free lab). It is not a dialog: the lab plays behind it, and either
//! answer puts it away for good (remembered with the lesson progress).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WelcomeProps {
    pub on_start: Callback<()>,
    pub on_explore: Callback<()>,
}

#[component]
pub fn Welcome(props: &WelcomeProps) -> Html {
    let start = {
        let cb = props.on_start.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let explore = {
        let cb = props.on_explore.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <section class="welcome" aria-labelledby="welcome-title" data-testid="welcome">
            <div class="welcome-text">
                <h2 id="welcome-title">{ "New here? This lab shows how services talk." }</h2>
                <p>{ "Below, a shop's checkout runs live: an order goes to one service, which either calls the others and waits, or announces the order as an event and moves on. Break a service and watch who has to wait." }</p>
            </div>
            <div class="welcome-actions">
                <button type="button" class="button primary" data-testid="welcome-start" onclick={start}>{ "Start the first lesson" }</button>
                <button type="button" class="button" data-testid="welcome-explore" onclick={explore}>{ "Explore on my own" }</button>
            </div>
        </section>
    }
}
