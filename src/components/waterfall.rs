//! One order's trace drawn as a waterfall, from a layout decided beforehand: the time axis,
//! one `<g>` per span (its label, its bar with the queued part hatched, its marks), the
//! headings of traces and services, and the markers where the context was lost. Nothing here
//! decides anything, so a trace of hundreds of spans is one cheap render.

use crate::waterfall_layout::{Layout, BAR_H, LABEL_W, ROW_H, SERVICE_H, TRACE_H, WIDTH};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WaterfallProps {
    pub layout: Rc<Layout>,
    /// Keeps the ids of patterns and masks apart when two waterfalls share the page.
    pub prefix: AttrValue,
    /// The drawing in a few words, for its accessible name.
    pub label: AttrValue,
    #[prop_or_default]
    pub test_id: Option<AttrValue>,
}

#[component]
pub fn Waterfall(props: &WaterfallProps) -> Html {
    let l = &props.layout;
    let p = &props.prefix;
    let (hatch, fade, grad) = (format!("{p}-hatch"), format!("{p}-fade"), format!("{p}-fade-g"));
    let bar_top = (ROW_H - BAR_H) / 2.0;
    let height = l.height;
    let grid = l.ticks.iter().map(|t| {
        html! {
            <g class="wf-tick">
                <line x1={t.x.to_string()} x2={t.x.to_string()} y1="18" y2={height.to_string()} />
                <text x={t.x.to_string()} y="13" text-anchor="middle">{ t.label.clone() }</text>
            </g>
        }
    });
    let headings = l.headings.iter().map(|h| {
        if h.trace {
            html! {
                <g class="wf-trace-head">
                    <rect x="0" y={h.y.to_string()} width={WIDTH.to_string()} height={(TRACE_H - 4.0).to_string()} rx="4" />
                    <text x="6" y={(h.y + 16.0).to_string()}>{ h.text.clone() }</text>
                </g>
            }
        } else {
            html! { <text class="wf-service" x="4" y={(h.y + SERVICE_H - 6.0).to_string()}>{ h.text.clone() }</text> }
        }
    });
    let bars = l.bars.iter().map(|b| {
        let y = b.y + bar_top;
        let class = classes!(
            "wf-span",
            b.kind.class(),
            b.critical.then_some("critical"),
            b.failed.then_some("failed"),
            b.open.then_some("open")
        );
        html! {
            <g {class} data-span={b.index.to_string()}>
                <title>{ b.title.clone() }</title>
                <text class="wf-op" x="14" y={(b.y + 15.0).to_string()}>{ b.label.clone() }</text>
                <rect class="wf-bar" x={b.x.to_string()} y={y.to_string()} width={b.w.to_string()} height={BAR_H.to_string()}
                      rx="2" mask={b.open.then(|| format!("url(#{fade})"))} />
                if b.queued_w > 0.0 {
                    <rect class="wf-queued" x={b.x.to_string()} y={y.to_string()} width={b.queued_w.to_string()}
                          height={BAR_H.to_string()} fill={format!("url(#{hatch})")} />
                }
                if b.queued_label {
                    <text class="wf-queued-label" x={(b.x + 3.0).to_string()} y={(y + 11.0).to_string()}>{ "queued" }</text>
                }
                if !b.note.is_empty() {
                    <text class="wf-note" x={(b.x + b.w + 4.0).to_string()} y={(b.y + 15.0).to_string()}>{ b.note.clone() }</text>
                }
            </g>
        }
    });
    let markers = l.markers.iter().map(|m| {
        html! {
            <g class={classes!("wf-marker", m.linked.then_some("linked"))} data-testid="context-marker"
               data-linked={m.linked.to_string()}>
                <path class="wf-marker-line" d={format!("M{} {} L{} {}", m.x, m.y, m.to_x, m.to_y)} />
                <path class="wf-marker-mark" d={format!("M{} {} l5 -7 h-10 z", m.x, m.y - 2.0)} />
                <text x={(m.x + 6.0).to_string()} y={(m.y - 6.0).to_string()}>{ m.text.clone() }</text>
            </g>
        }
    });
    html! {
        <svg class="waterfall" viewBox={format!("0 0 {WIDTH} {height}")} width={WIDTH.to_string()} height={height.to_string()}
             role="img" aria-label={props.label.clone()} data-testid={props.test_id.clone()}
             data-spans={l.bars.len().to_string()} data-traces={l.traces.to_string()}
             data-markers={l.markers.len().to_string()}>
            <defs>
                <pattern id={hatch.clone()} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect class="wf-hatch-back" width="6" height="6" />
                    <line class="wf-hatch-line" x1="0" y1="0" x2="0" y2="6" />
                </pattern>
                <linearGradient id={grad.clone()} x1="0" x2="1" y1="0" y2="0">
                    <stop offset="0.55" stop-color="white" />
                    <stop offset="1" stop-color="white" stop-opacity="0.1" />
                </linearGradient>
                <mask id={fade.clone()} maskContentUnits="objectBoundingBox">
                    <rect width="1" height="1" fill={format!("url(#{grad})")} />
                </mask>
            </defs>
            <line class="wf-divider" x1={LABEL_W.to_string()} x2={LABEL_W.to_string()} y1="18" y2={height.to_string()} />
            { for grid }
            { for headings }
            { for bars }
            { for markers }
        </svg>
    }
}
