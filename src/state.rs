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

/// How the page frames the lab: set by the link (`embed`, `hide`, `lock`) or the host page.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Chrome {
    /// Compact chrome for an iframe.
    pub embed: bool,
    /// Panels not shown, by their `hide=` key.
    pub hide: Vec<String>,
    /// Nothing leads away from the linked lab or lesson.
    pub lock: bool,
}

impl Chrome {
    pub fn shows(&self, panel: &str) -> bool {
        !self.hide.iter().any(|h| h == panel)
    }
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
    pub chrome: Chrome,
    /// The share dialog is open.
    pub sharing: bool,
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
    SetChrome(Chrome),
    Share(bool),
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
        let mut chars = text.chars();
        let text = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => return,
        };
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
            LabAction::SetChrome(c) => s.chrome = c,
            LabAction::Share(open) => s.sharing = open,
            LabAction::SetView(v) => {
                s.view = v;
                s.menu = None;
                s.tick += 1;
            }
        }
        Rc::new(s)
    }
}
