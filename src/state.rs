//! The view state: what the page shows around the simulation. The simulation itself lives
//! in the engine; `tick` tells components it has moved on.

use fanout_sim::Node;
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub id: u32,
    pub text: String,
    /// It came with the page: a problem with the link (or with what the browser had saved).
    /// These are all kept until dismissed, however many, and shown together.
    pub opening: bool,
}

/// Notices raised while the lab runs (a refused change) that are kept: the newest ones.
/// Those the page opened with are never dropped for this.
pub const KEPT_WHILE_RUNNING: usize = 5;

/// The screen shown: the free lab, the lesson map, or a lesson on the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Lab,
    Map,
    Lesson,
}

impl View {
    /// As the host page is told it: `lab`, `lessons` or `lesson`.
    pub fn name(self) -> &'static str {
        match self {
            View::Lab => "lab",
            View::Map => "lessons",
            View::Lesson => "lesson",
        }
    }
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

/// The colour theme asked for; `Auto` follows the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];
    /// Reads `auto`, `light` or `dark` (the words of `?theme=` and of saved settings).
    pub fn parse(word: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == word)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// Whether messages travel along the wires; `Auto` follows `prefers-reduced-motion`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Motion {
    #[default]
    Auto,
    Reduced,
    Full,
}

impl Motion {
    pub const ALL: [Motion; 3] = [Motion::Auto, Motion::Reduced, Motion::Full];
    /// Reads `auto`, `reduce` or `full` (the words of `?motion=` and of saved settings).
    pub fn parse(word: &str) -> Option<Motion> {
        Motion::ALL.into_iter().find(|m| m.as_str() == word)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Motion::Auto => "auto",
            Motion::Reduced => "reduce",
            Motion::Full => "full",
        }
    }
    /// Whether motion is reduced, given what the system asks for.
    pub fn reduced(self, system_reduced: bool) -> bool {
        match self {
            Motion::Auto => system_reduced,
            Motion::Reduced => true,
            Motion::Full => false,
        }
    }
}

/// The student's display settings (kept in the browser, see `display.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Display {
    pub theme: Theme,
    pub motion: Motion,
    /// Single-key shortcuts; off for people whose speech input or tremor triggers them by accident.
    pub shortcuts: bool,
    /// Presentation mode, for a projector: larger type, the stage filling the screen, the
    /// number panels in an overlay.
    pub present: bool,
}

impl Default for Display {
    fn default() -> Self {
        Display { theme: Theme::Auto, motion: Motion::Auto, shortcuts: true, present: false }
    }
}

/// The event log asking for an order's trace: the order, and a count that changes with each
/// ask, so that asking for the same order again still opens the panel and moves focus to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceAsk {
    pub order: u64,
    pub seq: u64,
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
    /// Messages are shown without travelling: the effective value of `display.motion`,
    /// which the stage and the painter read.
    pub reduced_motion: bool,
    pub chrome: Chrome,
    /// The share dialog is open.
    pub sharing: bool,
    /// Bumped by each change a person makes (not by time passing): the address follows it.
    pub changes: u64,
    /// What the system asks for (`prefers-reduced-motion`), for `Motion::Auto`.
    pub system_reduced_motion: bool,
    pub display: Display,
    /// The order whose trace the event log last asked for.
    pub trace_ask: Option<TraceAsk>,
}

pub enum LabAction {
    Tick {
        charts: bool,
    },
    /// The charts alone redraw: the frame loop asks for this a frame after a tick, so that
    /// no one frame both refreshes the panels and redraws the charts.
    Charts,
    OpenMenu(Node),
    CloseMenu,
    Notice(String),
    /// A problem with a link given after the page opened (a host page's `set`): kept and
    /// shown with the link's other problems, like those the page opened with.
    LinkNotice(String),
    Dismiss(u32),
    SetNarrow(bool),
    SetDisplay(Display),
    SetView(View),
    SetChrome(Chrome),
    Share(bool),
    /// A person changed the lab: a fresh render, and the address brought up to date.
    Changed,
    /// The event log asks the trace panel to show an order.
    ShowTrace(u64),
}

impl LabState {
    /// `system_reduced_motion` is what the system asks for; `display` the settings to start with.
    pub fn new(notices: Vec<String>, narrow: bool, system_reduced_motion: bool, display: Display) -> Self {
        let reduced_motion = display.motion.reduced(system_reduced_motion);
        let mut s = LabState { narrow, reduced_motion, system_reduced_motion, display, ..Default::default() };
        for n in notices {
            s.push_notice(n, true);
        }
        s
    }

    fn push_notice(&mut self, text: String, opening: bool) {
        // Messages from the core start in lower case, to read well inside other sentences.
        if text.is_empty() {
            return;
        }
        let text = capitalise(&text);
        // The same message twice in a row adds nothing.
        if self.notices.last().map(|n| &n.text) == Some(&text) {
            return;
        }
        self.notices.push(Notice { id: self.next_notice, text, opening });
        self.next_notice += 1;
        // A run of refusals must not bury the lab: only the newest few are kept.
        if self.notices.iter().filter(|n| !n.opening).count() > KEPT_WHILE_RUNNING {
            if let Some(oldest) = self.notices.iter().position(|n| !n.opening) {
                self.notices.remove(oldest);
            }
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
            LabAction::Charts => s.chart_tick += 1,
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
            LabAction::Notice(text) => s.push_notice(text, false),
            LabAction::LinkNotice(text) => s.push_notice(text, true),
            LabAction::Dismiss(id) => s.notices.retain(|n| n.id != id),
            LabAction::SetNarrow(narrow) => {
                if narrow == s.narrow {
                    return self;
                }
                s.narrow = narrow;
            }
            LabAction::SetChrome(c) => s.chrome = c,
            LabAction::Share(open) => s.sharing = open,
            LabAction::Changed => {
                s.tick += 1;
                s.chart_tick += 1;
                s.changes += 1;
            }
            LabAction::SetDisplay(d) => {
                s.display = d;
                s.reduced_motion = d.motion.reduced(s.system_reduced_motion);
            }
            LabAction::ShowTrace(order) => {
                let seq = s.trace_ask.map_or(1, |a| a.seq + 1);
                s.trace_ask = Some(TraceAsk { order, seq });
            }
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
