//! One order's trace drawn as a waterfall, from a layout decided beforehand: the time axis,
//! one `<g>` per span (its label, its bar with the queued part hatched, its marks), the
//! headings of traces and services, and the markers where the context was lost. Nothing here
//! decides anything, so a trace of hundreds of spans is one cheap render.

use crate::waterfall_layout::{Layout, BAR_H, ROW_H, SERVICE_H, TRACE_H};
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

/// Text for SVG: `&`, `<`, `>` and quotes escaped (names come from scenario files).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The waterfall as SVG markup. Written as one string and handed to the browser in one go: a
/// trace of 500 spans is some 3,000 elements, which Yew's virtual DOM takes about two frames to
/// build, the browser's parser a fraction of one.
pub fn svg(l: &Layout, prefix: &str, label: &str, test_id: Option<&str>) -> String {
    use std::fmt::Write;
    let (hatch, fade, grad) = (format!("{prefix}-hatch"), format!("{prefix}-fade"), format!("{prefix}-fade-g"));
    let bar_top = (ROW_H - BAR_H) / 2.0;
    let height = l.height;
    let (width, label_w) = (l.frame.width, l.frame.label_w);
    let (min_w, max_w) = (width * 0.8, width * 1.25);
    let mut o = String::with_capacity(400 + l.bars.len() * 420);
    let tid = test_id.map(|t| format!(r#" data-testid="{}""#, esc(t))).unwrap_or_default();
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="waterfall" viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="min-width:{min_w}px;max-width:{max_w}px" role="img" aria-label="{}"{tid} data-spans="{}" data-traces="{}" data-markers="{}">"#,
        esc(label),
        l.bars.len(),
        l.traces,
        l.markers.len()
    );
    let _ = write!(
        o,
        r#"<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="wf-hatch-back" width="6" height="6"/><line class="wf-hatch-line" x1="0" y1="0" x2="0" y2="6"/></pattern><linearGradient id="{grad}" x1="0" x2="1" y1="0" y2="0"><stop offset="0.55" stop-color="white"/><stop offset="1" stop-color="white" stop-opacity="0.1"/></linearGradient><mask id="{fade}" maskContentUnits="objectBoundingBox"><rect width="1" height="1" fill="url(#{grad})"/></mask></defs>"#
    );
    let _ = write!(o, r#"<line class="wf-divider" x1="{label_w}" x2="{label_w}" y1="18" y2="{height}"/>"#);
    for t in &l.ticks {
        let _ = write!(
            o,
            r#"<g class="wf-tick"><line x1="{x}" x2="{x}" y1="18" y2="{height}"/><text x="{x}" y="13" text-anchor="middle">{}</text></g>"#,
            esc(&t.label),
            x = t.x
        );
    }
    for h in &l.headings {
        if h.trace {
            let _ = write!(
                o,
                r#"<g class="wf-trace-head"><rect x="0" y="{}" width="{width}" height="{}" rx="4"/><text x="6" y="{}">{}</text></g>"#,
                h.y,
                TRACE_H - 4.0,
                h.y + 16.0,
                esc(&h.text)
            );
        } else {
            let _ =
                write!(o, r#"<text class="wf-service" x="4" y="{}">{}</text>"#, h.y + SERVICE_H - 6.0, esc(&h.text));
        }
    }
    for b in &l.bars {
        let y = b.y + bar_top;
        let mut class = format!("wf-span {}", b.kind.class());
        for (on, c) in [(b.critical, " critical"), (b.failed, " failed"), (b.open, " open")] {
            if on {
                class.push_str(c);
            }
        }
        let _ = write!(
            o,
            r#"<g class="{class}" data-span="{}"><title>{}</title><text class="wf-op" x="14" y="{}">{}</text><rect class="wf-bar" x="{}" y="{y}" width="{}" height="{BAR_H}" rx="2"{}/>"#,
            b.index,
            esc(&b.title),
            b.y + 15.0,
            esc(&b.label),
            b.x,
            b.w,
            if b.open { format!(r#" mask="url(#{fade})""#) } else { String::new() }
        );
        if b.queued_w > 0.0 {
            let _ = write!(
                o,
                r#"<rect class="wf-queued" x="{}" y="{y}" width="{}" height="{BAR_H}" fill="url(#{hatch})"/>"#,
                b.x, b.queued_w
            );
        }
        if b.queued_label {
            let _ = write!(o, r#"<text class="wf-queued-label" x="{}" y="{}">queued</text>"#, b.x + 3.0, y + 11.0);
        }
        if !b.note.is_empty() {
            let _ = write!(
                o,
                r#"<text class="wf-note" x="{}" y="{}">{}</text>"#,
                b.x + b.w + 4.0,
                b.y + 15.0,
                esc(&b.note)
            );
        }
        o.push_str("</g>");
    }
    for m in &l.markers {
        let _ = write!(
            o,
            r#"<g class="wf-marker{}" data-testid="context-marker" data-linked="{}"><path class="wf-marker-line" d="M{} {} L{} {}"/><path class="wf-marker-mark" d="M{} {} l5 -7 h-10 z"/><text x="{}" y="{}"{}>{}</text></g>"#,
            if m.linked { " linked" } else { "" },
            m.linked,
            m.x,
            m.y,
            m.to_x,
            m.to_y,
            m.x,
            m.y - 2.0,
            // Near the right edge the words go left of the mark, inside the drawing.
            if m.x > width * 0.6 { m.x - 8.0 } else { m.x + 6.0 },
            m.y - 6.0,
            if m.x > width * 0.6 { r#" text-anchor="end""# } else { "" },
            esc(&m.text)
        );
    }
    o.push_str("</svg>");
    o
}

#[component]
pub fn Waterfall(props: &WaterfallProps) -> Html {
    let markup = use_memo(
        (props.layout.clone(), props.prefix.clone(), props.label.clone(), props.test_id.clone()),
        |(l, prefix, label, tid)| svg(l, prefix, label, tid.as_deref()),
    );
    Html::from_html_unchecked(AttrValue::from((*markup).clone()))
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn text_from_scenario_files_cannot_break_the_markup() {
        assert_eq!(esc(r#"<b>"Tom" & 'Jerry'</b>"#), "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
    }
}
