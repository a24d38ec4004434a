//! The postMessage API between the lab in an iframe and the page that embeds it.
//!
//! Out, to `window.parent` only: `{source: "fanout", type: "ready" | "resize" | "answered" |
//! "completed" | "state", ...}`. With `?origins=`, only to those origins (the browser drops
//! a message whose target origin is not the parent's).
//!
//! In: `{target: "fanout", type: "get-state" | "set" | "reset", ...}`, accepted only from
//! `window.parent` and, with `?origins=`, only from those origins. Anything else is ignored
//! with a note in the console. Nothing received is ever evaluated: data is read as JSON.

use fanout_sim::params::percent_encode;
use serde_json::{json, Map, Value};
use wasm_bindgen::JsValue;
use web_sys::{MessageEvent, Window};

/// What the host page may ask.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    GetState,
    /// New settings as a query string, in the URL's own parameter names.
    Set(String),
    Reset,
}

/// The lab's side of the conversation; inert when the page is not in a frame.
#[derive(Clone)]
pub struct Bridge {
    parent: Option<Window>,
    origins: Vec<String>,
}

impl PartialEq for Bridge {
    fn eq(&self, other: &Self) -> bool {
        self.origins == other.origins && self.parent.is_some() == other.parent.is_some()
    }
}

impl Bridge {
    pub fn new(origins: Vec<String>) -> Bridge {
        let window = gloo::utils::window();
        // A top-level page is its own parent.
        let parent = window.parent().ok().flatten().filter(|p| !JsValue::from(p).loose_eq(&JsValue::from(&window)));
        Bridge { parent, origins }
    }

    /// True when the lab runs inside a frame.
    pub fn framed(&self) -> bool {
        self.parent.is_some()
    }

    /// Sends `{source: "fanout", type, ...fields}` to the parent.
    pub fn send(&self, kind: &str, fields: Value) {
        let Some(parent) = &self.parent else { return };
        let mut message = Map::new();
        message.insert("source".into(), json!("fanout"));
        message.insert("type".into(), json!(kind));
        if let Value::Object(extra) = fields {
            message.extend(extra);
        }
        // A plain object, built by the browser's JSON parser from our own text.
        let Ok(value) = js_sys::JSON::parse(&Value::Object(message).to_string()) else { return };
        if self.origins.is_empty() {
            let _ = parent.post_message(&value, "*");
        } else {
            for origin in &self.origins {
                let _ = parent.post_message(&value, origin);
            }
        }
    }

    /// Reads an incoming message: the command, or why it is ignored.
    pub fn read(&self, event: &MessageEvent) -> Result<Command, String> {
        let from_parent = match (&self.parent, event.source()) {
            (Some(parent), Some(source)) => JsValue::from(source).loose_eq(&JsValue::from(parent)),
            _ => false,
        };
        if !from_parent {
            return Err("it did not come from the page this lab is embedded in".into());
        }
        let origin = event.origin().to_ascii_lowercase();
        if !self.origins.is_empty() && !self.origins.contains(&origin) {
            return Err(format!("its origin {origin} is not in ?origins= ({})", self.origins.join(", ")));
        }
        let text = js_sys::JSON::stringify(&event.data()).ok().and_then(|s| s.as_string()).unwrap_or_default();
        let data: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        parse_command(&data)
    }
}

/// A host's message as data: `{target: "fanout", type, ...}`.
pub fn parse_command(data: &Value) -> Result<Command, String> {
    if data.get("target").and_then(Value::as_str) != Some("fanout") {
        return Err("it has no target: \"fanout\"".into());
    }
    match data.get("type").and_then(Value::as_str) {
        Some("get-state") => Ok(Command::GetState),
        Some("reset") => Ok(Command::Reset),
        Some("set") => set_query(data).map(Command::Set),
        Some(other) => {
            Err(format!("its type \"{}\" is not get-state, set or reset", other.chars().take(40).collect::<String>()))
        }
        None => Err("it has no type".into()),
    }
}

/// `{type: "set", params: {wiring: "request", seed: 3, fault: ["crash:email"]}}` as a query
/// string; values are strings, numbers, booleans or lists of them.
fn set_query(data: &Value) -> Result<String, String> {
    let Some(params) = data.get("params").and_then(Value::as_object) else {
        return Err("a set message needs params: an object of URL parameters".into());
    };
    let mut pairs = Vec::new();
    for (key, value) in params {
        let values = match value {
            Value::Array(list) => list.iter().collect::<Vec<_>>(),
            one => vec![one],
        };
        for v in values {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
                _ => return Err(format!("params.{key} must be a string, a number, a boolean or a list of them")),
            };
            pairs.push(format!("{}={}", percent_encode(key), percent_encode(&text)));
        }
    }
    Ok(pairs.join("&"))
}

/// Writes a note in the console for a developer of the host page.
pub fn note(why: &str) {
    gloo::console::info!(format!("Fanout ignored a message: {why}."));
}
