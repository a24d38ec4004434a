//! What each subscriber actually did to its own data (emails sent, stock, money charged),
//! next to what it would hold had every event been applied exactly once, in order, and the
//! counts that explain the difference. Every number carries its raw value in `data-value`.

use crate::engine::EngineHandle;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EffectsPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

fn count_cell(test_id: String, n: u64) -> Html {
    html! { <td data-testid={test_id} data-value={n.to_string()}>{ n }</td> }
}

#[component]
pub fn EffectsPanel(props: &EffectsPanelProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let rows = sim.wired().iter().map(|&i| {
        let spec = &sim.scenario().catalog[i as usize];
        let k = &spec.key;
        let c = sim.consumer(i);
        let sub = sim.subscription(i);
        let differs = c.value != c.expected;
        html! {
            <tr class={classes!(differs.then_some("differs"))}>
                <th scope="row">{ spec.name.clone() }</th>
                <td class="effect-value actual" data-testid={format!("effect-{k}")} data-value={c.value.to_string()}>
                    { c.describe() }
                    if differs { <span class="differs-mark">{ " (differs)" }</span> }
                </td>
                <td class="effect-value" data-testid={format!("expected-{k}")} data-value={c.expected.to_string()}>{ c.effect.describe(c.expected) }</td>
                { count_cell(format!("duplicates-{k}"), c.duplicates) }
                { count_cell(format!("skipped-{k}"), c.skipped) }
                { count_cell(format!("out-of-order-{k}"), c.out_of_order) }
                { count_cell(format!("lost-{k}"), sub.lost()) }
                { count_cell(format!("redeliveries-{k}"), sub.redeliveries) }
            </tr>
        }
    });
    html! {
        <section class="effects" aria-labelledby="effects-title" data-testid="effects-panel">
            <h2 id="effects-title">{ "Side effects" }</h2>
            <div class="subs-wrap" tabindex="0" role="region" aria-label="Side effects table">
                <table class="subs">
                    <caption>
                        { "What each service did to its data. Expected is the value if each event were applied \
                           exactly once, in order; duplicates, losses and reordering make the two differ." }
                    </caption>
                    <thead><tr>
                        <th scope="col">{ "Service" }</th><th scope="col">{ "Value" }</th>
                        <th scope="col">{ "Expected" }</th><th scope="col">{ "Applied twice" }</th>
                        <th scope="col">{ "Skipped" }</th><th scope="col">{ "Out of order" }</th>
                        <th scope="col">{ "Lost" }</th><th scope="col">{ "Redelivered" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}
