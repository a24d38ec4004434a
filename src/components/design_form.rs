//! The design challenge's form: for each service of the scenario, whether it subscribes,
//! must answer before the rider hears back, needs events in order, and must be idempotent.

use fanout_sim::lesson::grade::DesignChoice;
use fanout_sim::Scenario;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DesignFormProps {
    pub scenario: Scenario,
    /// The design submitted before, if any.
    #[prop_or_default]
    pub saved: Option<Vec<DesignChoice>>,
    pub on_submit: Callback<Vec<DesignChoice>>,
}

const ASPECTS: [(&str, &str); 4] = [
    ("subscribed", "Subscribes"),
    ("sync", "Must answer before the reply"),
    ("ordered", "Needs events in order"),
    ("idempotent", "Must be idempotent"),
];

fn get(c: &DesignChoice, aspect: &str) -> bool {
    match aspect {
        "subscribed" => c.subscribed,
        "sync" => c.sync,
        "ordered" => c.ordered,
        _ => c.idempotent,
    }
}

fn flip(c: &mut DesignChoice, aspect: &str) {
    let v = match aspect {
        "subscribed" => &mut c.subscribed,
        "sync" => &mut c.sync,
        "ordered" => &mut c.ordered,
        _ => &mut c.idempotent,
    };
    *v = !*v;
}

#[component]
pub fn DesignForm(props: &DesignFormProps) -> Html {
    let choices = {
        let (saved, sc) = (props.saved.clone(), props.scenario.clone());
        use_state(move || {
            saved.unwrap_or_else(|| {
                sc.catalog.iter().map(|s| DesignChoice { service: s.key.clone(), ..Default::default() }).collect()
            })
        })
    };
    let on_submit = {
        let (choices, cb) = (choices.clone(), props.on_submit.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit((*choices).clone());
        })
    };
    let rows = props.scenario.catalog.iter().enumerate().map(|(k, s)| {
        let cells = ASPECTS.iter().map(|(aspect, label)| {
            let choices2 = choices.clone();
            let checked = choices.get(k).is_some_and(|c| get(c, aspect));
            let onchange = Callback::from(move |_: Event| {
                let mut next = (*choices2).clone();
                if let Some(c) = next.get_mut(k) {
                    flip(c, aspect);
                }
                choices2.set(next);
            });
            html! {
                <td data-label={*label}>
                    <input type="checkbox" {checked} {onchange} data-testid={format!("design-{}-{}", s.key, aspect)}
                           aria-label={format!("{}: {}", s.name, label)} />
                </td>
            }
        });
        html! {
            <tr>
                <th scope="row">{ s.name.clone() }<span class="job">{ format!(" ({})", s.job) }</span></th>
                { for cells }
            </tr>
        }
    });
    html! {
        <form class="design-form" data-testid="design-form" onsubmit={on_submit}>
            <table>
                <caption>{ "Your design: tick what each service needs" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Service" }</th>
                        { for ASPECTS.iter().map(|(_, label)| html! { <th scope="col">{ *label }</th> }) }
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
            <button type="submit" class="button primary" data-testid="design-submit">
                { if props.saved.is_some() { "Score my design again" } else { "Apply my design and score it" } }
            </button>
        </form>
    }
}
