//! The "Display" group: theme, motion, keyboard shortcuts and their list. It saves what the
//! student picks and applies it to `<html>`; the lab state learns of it through `on_change`.

use crate::shortcuts::list;
use crate::state::{Display, Motion, Theme};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppearanceProps {
    pub display: Display,
    pub on_change: Callback<Display>,
    /// The scenario's button and noun (`Book a trip`, `trip`), for the shortcut list; without
    /// them the list names the button by its place.
    #[prop_or_default]
    pub buy_label: AttrValue,
    #[prop_or_default]
    pub noun: AttrValue,
}

fn theme_label(t: Theme) -> &'static str {
    match t {
        Theme::Auto => "Auto (system)",
        Theme::Light => "Light",
        Theme::Dark => "Dark",
    }
}

fn motion_label(m: Motion) -> &'static str {
    match m {
        Motion::Auto => "Auto (system)",
        Motion::Reduced => "Reduced",
        Motion::Full => "Full",
    }
}

/// A row of radio buttons drawn as a segmented control, like the wiring switch.
fn segments<T: Copy + PartialEq + 'static>(
    legend: &str,
    name: &str,
    options: &[(T, &'static str, &'static str)],
    current: T,
    pick: Callback<T>,
) -> Html {
    html! {
        <fieldset class="segments">
            <legend>{ legend.to_string() }</legend>
            { for options.iter().map(|&(value, word, label)| {
                let pick = pick.clone();
                html! {
                    <label class={classes!("segment", (value == current).then_some("on"))}>
                        <input type="radio" name={name.to_string()} value={word}
                               data-testid={format!("{name}-{word}")} checked={value == current}
                               onchange={Callback::from(move |_: Event| pick.emit(value))} />
                        <span><span class="tick" aria-hidden="true">{ "\u{2713} " }</span>{ label }</span>
                    </label>
                }
            }) }
        </fieldset>
    }
}

#[component]
pub fn Appearance(props: &AppearanceProps) -> Html {
    let d = props.display;
    // `<html>` carries the settings for the stylesheet; re-applied whenever they change.
    use_effect_with(d, |d| crate::display::apply(d));

    // Saved here, at the one place the student changes them.
    let set = {
        let on_change = props.on_change.clone();
        move |next: Display| {
            crate::display::save(&next);
            on_change.emit(next);
        }
    };
    let on_theme = {
        let set = set.clone();
        Callback::from(move |theme: Theme| set(Display { theme, ..d }))
    };
    let on_motion = {
        let set = set.clone();
        Callback::from(move |motion: Motion| set(Display { motion, ..d }))
    };
    let on_present = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            set(Display { present: e.target_unchecked_into::<HtmlInputElement>().checked(), ..d })
        })
    };
    let on_shortcuts = Callback::from(move |e: Event| {
        set(Display { shortcuts: e.target_unchecked_into::<HtmlInputElement>().checked(), ..d })
    });
    let themes: Vec<_> = Theme::ALL.iter().map(|&t| (t, t.as_str(), theme_label(t))).collect();
    let motions: Vec<_> = Motion::ALL.iter().map(|&m| (m, m.as_str(), motion_label(m))).collect();
    let buy = (!props.buy_label.is_empty() && !props.noun.is_empty()).then(|| (&*props.buy_label, &*props.noun));
    let shortcuts = list(buy);

    html! {
        // A disclosure is a group: named after its summary's text (which a summary gives
        // itself, not the group around it), so that it is announced as what it is.
        <details class="display-settings" data-testid="display-settings" aria-label="Display settings">
            <summary data-testid="display-summary">{ "Display" }</summary>
            <div class="display-body">
                { segments("Theme", "theme", &themes, d.theme, on_theme) }
                { segments("Motion", "motion", &motions, d.motion, on_motion) }
                <label class="check">
                    <input type="checkbox" role="switch" data-testid="present-switch"
                           checked={d.present} onchange={on_present} />
                    <span>{ "Presentation mode, for a projector" }</span>
                </label>
                <label class="check">
                    <input type="checkbox" role="switch" data-testid="shortcuts-switch"
                           checked={d.shortcuts} onchange={on_shortcuts} />
                    <span>{ "Keyboard shortcuts" }</span>
                </label>
                <details class="shortcut-help" data-testid="shortcut-help" aria-label="Keyboard shortcut list">
                    <summary data-testid="shortcut-help-summary">{ "Keyboard shortcut list" }</summary>
                    <p class="shortcut-note" data-testid="shortcut-state">
                        { if d.shortcuts {
                            "These work once focus is inside the lab (press Tab first), except in a text or number field."
                        } else {
                            "Shortcuts are switched off: these keys do nothing."
                        } }
                    </p>
                    <table class="shortcut-table">
                        <caption class="sr-only">{ "Keyboard shortcuts" }</caption>
                        <thead><tr><th scope="col">{ "Key" }</th><th scope="col">{ "Does" }</th></tr></thead>
                        <tbody>
                            { for shortcuts.iter().map(|(keys, what)| html! {
                                <tr>
                                    <th scope="row">
                                        { for keys.iter().enumerate().map(|(i, k)| html! { <>
                                            if i > 0 { { " or " } }
                                            <kbd>{ *k }</kbd>
                                        </> }) }
                                    </th>
                                    <td>{ what.clone() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </details>
            </div>
        </details>
    }
}
