//! The display settings (theme, motion, shortcuts): kept in the browser under one versioned
//! key and applied to `<html>` as `data-theme` / `data-motion`, which the stylesheet reads.
//! Like saved progress, a damaged value never crashes the page: defaults and a notice.

use crate::state::{Display, Motion, Theme};
use serde::{Deserialize, Serialize};

pub const KEY: &str = "fanout.display.v1";
const VERSION: u32 = 1;

/// The stored form: words rather than enum names, so the value reads like the URL parameters.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    version: u32,
    theme: String,
    motion: String,
    shortcuts: bool,
    /// Added after the first release: absent in older saved settings.
    #[serde(default)]
    present: bool,
}

/// Reads stored settings; `Err` says what the student is told, and the defaults apply.
pub fn parse(saved: Option<&str>) -> Result<Display, String> {
    let Some(text) = saved else { return Ok(Display::default()) };
    let damaged = |why: String| format!("Your display settings could not be read ({why}), so the defaults are used.");
    let s: Stored = serde_json::from_str(text).map_err(|e| damaged(e.to_string()))?;
    if s.version != VERSION {
        return Err(damaged(format!("format {}, this version reads {VERSION}", s.version)));
    }
    let theme = Theme::parse(&s.theme).ok_or_else(|| damaged(format!("unknown theme \"{}\"", s.theme)))?;
    let motion = Motion::parse(&s.motion).ok_or_else(|| damaged(format!("unknown motion \"{}\"", s.motion)))?;
    Ok(Display { theme, motion, shortcuts: s.shortcuts, present: s.present })
}

pub fn to_json(d: &Display) -> String {
    let s = Stored {
        version: VERSION,
        theme: d.theme.as_str().into(),
        motion: d.motion.as_str().into(),
        shortcuts: d.shortcuts,
        present: d.present,
    };
    serde_json::to_string(&s).unwrap_or_default()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Loads the settings; a damaged value is removed and reported. No storage is not worth a
/// notice: progress already says so, and the settings still work for this visit.
pub fn load() -> (Display, Option<String>) {
    let Some(s) = storage() else { return (Display::default(), None) };
    let saved = s.get_item(KEY).ok().flatten();
    match parse(saved.as_deref()) {
        Ok(d) => (d, None),
        Err(why) => {
            let _ = s.remove_item(KEY);
            (Display::default(), Some(why))
        }
    }
}

pub fn save(d: &Display) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &to_json(d));
    }
}

/// Sets `data-theme` and `data-motion` on `<html>`; absent means "follow the system", so
/// the stylesheet's media queries decide.
pub fn apply(d: &Display) {
    let Some(html) = gloo::utils::document().document_element() else { return };
    let set = |name: &str, value: Option<&str>| {
        let _ = match value {
            Some(v) => html.set_attribute(name, v),
            None => html.remove_attribute(name),
        };
    };
    set("data-theme", (d.theme != Theme::Auto).then_some(d.theme.as_str()));
    set("data-motion", (d.motion != Motion::Auto).then_some(d.motion.as_str()));
    set("data-present", d.present.then_some("on"));
}

fn media(query: &str) -> bool {
    gloo::utils::window().match_media(query).ok().flatten().is_some_and(|m| m.matches())
}

/// Whether the page is dark right now: the theme setting on `<html>`, else the system.
/// The canvas painter asks this, since it cannot read CSS variables cheaply every frame.
pub fn effective_dark() -> bool {
    let attr = gloo::utils::document().document_element().and_then(|h| h.get_attribute("data-theme"));
    match attr.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => media("(prefers-color-scheme: dark)"),
    }
}

/// The colour a CSS variable resolves to right now (e.g. `rgb(20, 24, 31)`), for drawings
/// that leave the page (chart downloads) and so cannot use the variable itself.
pub fn css_colour(var: &str) -> String {
    use wasm_bindgen::JsCast;
    let fallback = || "#000000".to_string();
    let document = gloo::utils::document();
    let Ok(probe) = document.create_element("span") else { return fallback() };
    let probe: web_sys::HtmlElement = probe.unchecked_into();
    let _ = probe.style().set_property("color", &format!("var({var})"));
    let _ = probe.set_attribute("hidden", "");
    let body = gloo::utils::body();
    let _ = body.append_child(&probe);
    let colour = gloo::utils::window()
        .get_computed_style(&probe)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("color").ok())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(fallback);
    probe.remove();
    colour
}

/// The settings with a link's `theme`, `motion` and `shortcuts` over them (already checked
/// by the link parser). A link's choice lasts for the page: it is not saved.
pub fn with_link(mut d: Display, link: &fanout_sim::params::LabParams) -> Display {
    if let Some(t) = link.theme.as_deref().and_then(Theme::parse) {
        d.theme = t;
    }
    if let Some(m) = link.motion.as_deref().and_then(Motion::parse) {
        d.motion = m;
    }
    if let Some(on) = link.shortcuts {
        d.shortcuts = on;
    }
    if let Some(on) = link.present {
        d.present = on;
    }
    d
}

/// A link's words for the settings that differ from the defaults.
pub fn to_link(d: &Display, link: &mut fanout_sim::params::LabParams) {
    link.theme = (d.theme != Theme::Auto).then(|| d.theme.as_str().to_string());
    link.motion = (d.motion != Motion::Auto).then(|| d.motion.as_str().to_string());
    link.shortcuts = (!d.shortcuts).then_some(false);
    link.present = d.present.then_some(true);
}
