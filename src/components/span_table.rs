//! An order's spans as a table: the waterfall in words, for screen readers and anyone who
//! wants the numbers.

use crate::waterfall_layout::SpanRow;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SpanTableProps {
    pub rows: Rc<Vec<SpanRow>>,
    pub caption: AttrValue,
    #[prop_or_default]
    pub test_id: Option<AttrValue>,
}

#[component]
pub fn SpanTable(props: &SpanTableProps) -> Html {
    let several = props.rows.iter().any(|r| r.trace > 1);
    html! {
        // Focusable, so that a keyboard can scroll a table wider than a phone.
        <div class="subs-wrap" tabindex="0" role="region" aria-label={props.caption.clone()}>
            <table class="subs span-table" data-testid={props.test_id.clone()}>
                <caption>{ props.caption.clone() }</caption>
                <thead>
                    <tr>
                        if several { <th scope="col">{ "Trace" }</th> }
                        <th scope="col">{ "Service" }</th><th scope="col">{ "Operation" }</th>
                        <th scope="col">{ "Start (ms)" }</th><th scope="col">{ "Duration (ms)" }</th>
                        <th scope="col">{ "Queued (ms)" }</th><th scope="col">{ "Status" }</th>
                        <th scope="col">{ "Parent" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.rows.iter().map(|r| html! {
                        <tr class={classes!("span-row", r.critical.then_some("critical"))}>
                            if several { <td>{ r.trace }</td> }
                            <td>{ r.service.clone() }</td>
                            <th scope="row">{ r.operation.clone() }{ if r.critical { " (critical path)" } else { "" } }</th>
                            <td>{ r.start_ms.clone() }</td><td>{ r.duration_ms.clone() }</td><td>{ r.queued_ms.clone() }</td>
                            <td>{ r.status.clone() }</td><td>{ r.parent.clone() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
