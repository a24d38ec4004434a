//! What each subscriber actually did to its own data (emails sent, stock, money charged),
//! next to what it would hold had every event meant for it been applied exactly once, in
//! order, and the counts that explain the difference. Every number carries its raw value in
//! `data-value`.
//!
//! Three columns, so that the table fits a side column (about 330 px inside at 1280 px wide)
//! without scrolling: the value and its expected value share a cell, one above the other, and
//! the five delivery counts share one cell, in words; only the counts that happened are shown
//! (the rest stay in the page, hidden, for tests and tools).

use crate::engine::EngineHandle;
use fanout_sim::consumer::{money, Effect};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EffectsPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

/// The caption: what Expected means, as the core computes it (see `Consumer::expected`).
pub const CAPTION: &str = "What each service did to its data. Expected is the value had each event meant for it been \
applied exactly once, in order: a lost or dead-lettered event still counts, so losses show as a shortfall; events \
on their way do not count yet. Duplicates, losses and reordering make the two differ.";

/// A value without its words, as the Expected column shows it: `$1,114.08`, `996`, `12`.
pub fn quantity(effect: &Effect, value: i64) -> String {
    match effect {
        Effect::Money => money(value),
        _ => value.to_string(),
    }
}

/// One delivery count in words, shown only when it is not zero. The number keeps to its
/// first word, the rest may wrap.
fn count_item(test_id: String, n: u64, words: &str) -> Html {
    html! {
        <li data-testid={test_id} data-value={n.to_string()} hidden={n == 0}>{ format!("{n}\u{a0}{words}") }</li>
    }
}

/// The one row of a subscribers' table that has none, spanning its `columns`.
pub fn nobody_row(columns: u32) -> Html {
    html! {
        <tr class="nobody">
            <td colspan={columns.to_string()} data-testid="nobody-subscribes">
                { crate::state::capitalise(crate::words::NOBODY_SUBSCRIBES) }{ "." }
            </td>
        </tr>
    }
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
        let counts = [c.duplicates, c.skipped, c.out_of_order, sub.lost(), sub.redeliveries];
        html! {
            <tr class={classes!(differs.then_some("differs"))}>
                <th scope="row">{ spec.name.clone() }</th>
                <td class="effect-values">
                    <span class="effect-value actual" data-testid={format!("effect-{k}")} data-value={c.value.to_string()}>
                        { c.describe() }
                        if differs { <span class="differs-mark">{ " (differs)" }</span> }
                    </span>
                    <span class="effect-expected">
                        { "expected " }
                        <span data-testid={format!("expected-{k}")} data-value={c.expected.to_string()}>
                            { quantity(&c.effect, c.expected) }
                        </span>
                    </span>
                </td>
                <td class="effect-counts">
                    <ul>
                        { count_item(format!("duplicates-{k}"), c.duplicates, "applied twice") }
                        { count_item(format!("skipped-{k}"), c.skipped, "skipped") }
                        { count_item(format!("out-of-order-{k}"), c.out_of_order, "out of order") }
                        { count_item(format!("lost-{k}"), sub.lost(), "lost") }
                        { count_item(format!("redeliveries-{k}"), sub.redeliveries, "redelivered") }
                    </ul>
                    if counts.iter().all(|&n| n == 0) {
                        <span class="effect-none" data-testid={format!("deliveries-none-{k}")}>{ "all once, in order" }</span>
                    }
                </td>
            </tr>
        }
    });
    html! {
        <section class="effects" aria-labelledby="effects-title" data-testid="effects-panel">
            <h2 id="effects-title">{ "Side effects" }</h2>
            <div class="subs-wrap" tabindex="0" role="region" aria-label="Side effects table">
                <table class="subs" data-testid="effects-table">
                    <caption>{ CAPTION }</caption>
                    <thead><tr>
                        <th scope="col">{ "Service" }</th><th scope="col">{ "Value and expected" }</th>
                        <th scope="col">{ "Deliveries" }</th>
                    </tr></thead>
                    <tbody>
                        { for rows }
                        if sim.wired().is_empty() { { nobody_row(3) } }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
