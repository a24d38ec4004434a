//! The view state: what the page shows around the simulation. The simulation itself lives
//! in the engine; `tick` tells components it has moved on.

use fanout_sim::Node;
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub id: u32,
    pub text: String,
}

/// The screen shown: the free lab, the lesson map, or a lesson on the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Lab,
    Map,
    Lesson,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct LabState {
    pub view: View,
    /// Bumped a few times a second and after every intervention.
    pub tick: u64,
    /// Bumped less often: charts redraw on this.
    pub chart_tick: u64,
    /// The node whose fault menu is open.
    pub menu: Option<Node>,
    pub notices: Vec<Notice>,
    next_notice: u32,
    /// Narrow screens stack the stage vertically.
    pub narrow: bool,
    /// Messages are shown without travelling.
    pub reduced_motion: bool,
}

pub enum LabAction {
    Tick { charts: bool },
    OpenMenu(Node),
    CloseMenu,
    Notice(String),
    Dismiss(u32),
    SetNarrow(bool),
    SetReducedMotion(bool),
    SetView(View),
}

impl LabState {
    pub fn new(notices: Vec<String>, narrow: bool, reduced_motion: bool) -> Self {
        let mut s = LabState { narrow, reduced_motion, ..Default::default() };
        for n in notices {
            s.push_notice(n);
        }
        s
    }

    fn push_notice(&mut self, text: String) {
        // Messages from the core start in lower case, to read well inside other sentences.
        if text.is_empty() {
            return;
        }
        let text = capitalise(&text);
        // The same message twice in a row adds nothing.
        if self.notices.last().map(|n| &n.text) == Some(&text) {
            return;
        }
        self.notices.push(Notice { id: self.next_notice, text });
        self.next_notice += 1;
        if self.notices.len() > 5 {
            self.notices.remove(0);
        }
    }
}

impl Reducible for LabState {
    type Action = LabAction;

    fn reduce(self: Rc<Self>, action: LabAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            LabAction::Tick { charts } => {
                s.tick += 1;
                s.chart_tick += charts as u64;
            }
            LabAction::OpenMenu(node) => {
                s.menu = Some(node);
                s.tick += 1;
            }
            LabAction::CloseMenu => {
                if s.menu.is_none() {
                    return self;
                }
                s.menu = None;
            }
            LabAction::Notice(text) => s.push_notice(text),
            LabAction::Dismiss(id) => s.notices.retain(|n| n.id != id),
            LabAction::SetNarrow(narrow) => {
                if narrow == s.narrow {
                    return self;
                }
                s.narrow = narrow;
            }
            LabAction::SetReducedMotion(r) => s.reduced_motion = r,
            LabAction::SetView(v) => {
                s.view = v;
                s.menu = None;
                s.tick += 1;
            }
        }
        Rc::new(s)
    }
}

/// The text with its first letter in upper case, as `char::to_uppercase` would make it: ASCII
/// here, any other letter by the browser's `toUpperCase` (the same Unicode mapping), so that
/// the page does not carry Rust's Unicode case tables (about 7 KB gzipped).
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first.is_ascii() => first.to_ascii_uppercase().to_string() + chars.as_str(),
        Some(first) => String::from(js_sys::JsString::from(first).to_upper_case()) + chars.as_str(),
        None => String::new(),
    }
}
