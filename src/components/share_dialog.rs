//! Share and embed: the link to this moment of the lab, and an iframe snippet for a course
//! page with the host script that sizes it. A modal `<dialog>`: focus stays inside, Escape
//! closes it, and focus goes back to the button that opened it.

use crate::clipboard;
use fanout_sim::params::{normalise_origin, LabParams, PANELS};
use web_sys::{HtmlDialogElement, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    /// The lab's address without its query.
    pub page: AttrValue,
    /// The link to the lab as it is now, moment included.
    pub link: LabParams,
    pub on_close: Callback<()>,
}

/// The iframe's title: what a screen reader announces on entering it.
const FRAME_TITLE: &str = "Fanout: event-driven architecture lab";

/// The address of the host script, next to the lab's own files.
pub fn embed_script_url(page: &str) -> String {
    let dir = page.rsplit_once('/').map_or(page, |(d, _)| d);
    format!("{dir}/static/fanout-embed.js")
}

/// The snippet for a course page.
pub fn embed_code(page: &str, query: &str, height: u32) -> String {
    let src = format!("{page}{query}").replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<iframe data-fanout src=\"{src}\" title=\"{FRAME_TITLE}\" width=\"100%\" height=\"{height}\" \
style=\"border:0;width:100%\" loading=\"lazy\" allow=\"clipboard-write\"></iframe>\n<script src=\"{}\" async></script>",
        embed_script_url(page)
    )
}

#[component]
pub fn ShareDialog(props: &ShareDialogProps) -> Html {
    let dialog = use_node_ref();
    let status = use_state(String::new);
    let moment = use_state(|| false);
    let lock = use_state(|| false);
    let height = use_state(|| 720u32);
    let hide = use_state(Vec::<String>::new);
    let origin = use_state(String::new);

    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                let _ = d.show_modal();
            }
        });
    }

    let link_url = format!("{}{}", props.page, props.link.query());
    let mut embed = props.link.clone();
    if !*moment && embed.lesson.is_none() {
        // The linked setup, started afresh: no interventions, no moment.
        embed.script.clear();
        embed.until_us = None;
        embed.until_events = None;
    }
    embed.embed = true;
    embed.lock = *lock;
    embed.hide = (*hide).clone();
    let origin_problem = match origin.trim() {
        "" => None,
        o => match normalise_origin(o) {
            Some(o) => {
                embed.origins = vec![o];
                None
            }
            None => Some("Write an origin such as https://course.example.org: scheme, host and port, no path."),
        },
    };
    let code = embed_code(&props.page, &embed.query(), *height);

    let copy = |text: String, what: &'static str| {
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            let (status, text) = (status.clone(), text.clone());
            yew::platform::spawn_local(async move {
                match clipboard::write(&text).await {
                    Ok(()) => status.set(format!("{what} copied.")),
                    Err(()) => status.set(format!(
                        "This browser did not let the page copy. Select the {} above and copy it yourself.",
                        what.to_ascii_lowercase()
                    )),
                }
            });
        })
    };
    let on_close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: Event| on_close.emit(()))
    };
    let close = {
        let (dialog, on_close) = (dialog.clone(), props.on_close.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                d.close();
            }
            // At once, not on the close event, which the browser fires later.
            on_close.emit(());
        })
    };
    let select_all = Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select());
    let on_height = {
        let height = height.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(h) = v.parse::<u32>() {
                height.set(h.clamp(320, 4000));
            }
        })
    };
    let toggle = |state: UseStateHandle<bool>| Callback::from(move |_: Event| state.set(!*state));
    let on_origin = {
        let origin = origin.clone();
        Callback::from(move |e: Event| origin.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let in_lesson = props.link.lesson.is_some();
    let until = props.link.until_us.map(|t| fanout_sim::time::as_secs(t)).unwrap_or(0.0);

    html! {
        <dialog ref={dialog} class="share-dialog" data-testid="share-dialog" aria-labelledby="share-title" onclose={on_close}>
            <h2 id="share-title">{ "Share and embed" }</h2>
            <section aria-labelledby="share-link-title">
                <h3 id="share-link-title">{ "Link" }</h3>
                <p class="hint">{
                    if in_lesson {
                        "Opens this lesson. Each student keeps their own progress in their own browser.".to_string()
                    } else {
                        format!("Opens this lab paused at {until:.3} s, with every change made so far: the same run, down to its trace hash.")
                    }
                }</p>
                <label for="share-link">{ "Link to this lab" }</label>
                <input id="share-link" data-testid="share-link" type="text" readonly=true value={link_url.clone()} onfocus={select_all.clone()} />
                <button type="button" class="button primary" data-testid="copy-link" onclick={copy(link_url, "Link")}>{ "Copy link" }</button>
            </section>
            <section aria-labelledby="share-embed-title">
                <h3 id="share-embed-title">{ "Embed in a course page" }</h3>
                <p class="hint">{ "Paste this into your page. The script sizes the frame to the lab and is needed once per page." }</p>
                <fieldset class="embed-options">
                    <legend>{ "Options" }</legend>
                    if !in_lesson {
                        <label class="check"><input type="checkbox" data-testid="embed-moment" checked={*moment} onchange={toggle(moment.clone())} />
                            { "Start from this moment, with the changes made so far" }</label>
                    }
                    <label class="check"><input type="checkbox" data-testid="embed-lock" checked={*lock} onchange={toggle(lock.clone())} />
                        { "Lock: students cannot leave this " }{ if in_lesson { "lesson" } else { "lab" } }</label>
                    <fieldset class="embed-hide">
                        <legend>{ "Hide" }</legend>
                        { for PANELS.iter().map(|(key, what)| {
                            let hide = hide.clone();
                            let checked = hide.contains(&key.to_string());
                            let key = key.to_string();
                            let onchange = {
                                let key = key.clone();
                                Callback::from(move |_: Event| {
                                    let mut next = (*hide).clone();
                                    if let Some(i) = next.iter().position(|k| *k == key) { next.remove(i); } else { next.push(key.clone()); }
                                    hide.set(next);
                                })
                            };
                            html! { <label class="check"><input type="checkbox" data-testid={format!("embed-hide-{key}")} {checked} {onchange} />{ what.to_string() }</label> }
                        }) }
                    </fieldset>
                    <label for="embed-height">{ "Starting height in pixels (the script then fits the content)" }</label>
                    <input id="embed-height" type="number" min="320" max="4000" step="10" value={height.to_string()} onchange={on_height} />
                    <label for="embed-origin">{ "Only take commands from this origin (optional)" }</label>
                    <input id="embed-origin" data-testid="embed-origin" type="text" placeholder="https://course.example.org"
                           value={(*origin).clone()} onchange={on_origin}
                           aria-describedby={origin_problem.map(|_| "embed-origin-problem")} />
                    if let Some(p) = origin_problem {
                        <p id="embed-origin-problem" class="field-problem">{ p }</p>
                    }
                </fieldset>
                <label for="embed-code">{ "Embed code" }</label>
                <textarea id="embed-code" data-testid="embed-code" readonly=true rows="5" value={code.clone()} />
                <button type="button" class="button primary" data-testid="copy-embed" onclick={copy(code, "Embed code")}>{ "Copy embed code" }</button>
            </section>
            <p class="share-status" role="status" data-testid="share-status">{ (*status).clone() }</p>
            <div class="dialog-actions">
                <button type="button" class="button" data-testid="share-close" onclick={close}>{ "Close" }</button>
            </div>
        </dialog>
    }
}
