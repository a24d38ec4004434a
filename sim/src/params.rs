//! The lab's URL query parameters, typed. A bad value is ignored and reported with the
//! parameter's name and what it accepts; unknown parameters are reported too. Parsing never
//! panics, whatever the string.

use crate::delivery::StartFrom;
use crate::fault::FaultSpec;
use crate::input::{Action, MAX_RATE};
use crate::scenario::{Scenario, Wiring};
use crate::script::{moment_text, Step};
use crate::sim::Setup;
use crate::time::{Micros, SEC};
use crate::timeline::Timeline;

/// Speeds the page offers: simulated seconds per wall-clock second.
pub const SPEEDS: [f64; 8] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0];
/// The speed a lab starts at: slow enough to follow single messages.
pub const DEFAULT_SPEED: f64 = 0.25;
/// Longest `until` accepted, in simulated seconds.
pub const MAX_UNTIL_S: f64 = 3_600.0;

/// Panels a link can hide (`hide=log,charts`), with what each is.
pub const PANELS: [(&str, &str); 16] = [
    ("controls", "the toolbar"),
    ("timeline", "the timeline"),
    ("alerts", "the alerts"),
    ("metrics", "the numbers"),
    ("charts", "the charts"),
    ("log", "the event log"),
    ("effects", "what each service did"),
    ("topic", "the topic"),
    ("dlq", "the dead letters"),
    ("outbox", "the outbox table"),
    ("sagas", "the sagas and their books"),
    ("store", "the event store and its read models"),
    ("registry", "the schema registry"),
    ("traces", "the traces"),
    ("details", "the run details"),
    ("share", "the share and export buttons"),
];

/// Everything a link can set.
#[derive(Clone, Debug, PartialEq)]
pub struct LabParams {
    pub setup: Setup,
    pub speed: f64,
    pub paused: bool,
    /// Run straight to this simulated moment on load, then pause.
    pub until_us: Option<Micros>,
    /// With `until_us`: events processed there, when the moment was between two events.
    pub until_events: Option<u64>,
    /// Subscribers wired at the start, in order, instead of the scenario's.
    pub subscribers: Option<Vec<String>>,
    /// Interventions, replayed at their moments exactly as they were made.
    pub script: Vec<Step>,
    /// Open this lesson (or the lesson map, for `lessons`) instead of the free lab. Checked
    /// by the page, which knows the lessons.
    pub lesson: Option<String>,
    /// Address of a course author's question set, fetched and checked by the page.
    pub quiz: Option<String>,
    /// `auto`, `light` or `dark`; `None` leaves the student's own choice.
    pub theme: Option<String>,
    /// `auto`, `reduce` or `full`; `None` leaves the student's own choice.
    pub motion: Option<String>,
    /// Keyboard shortcuts on or off; `None` leaves the student's own choice.
    pub shortcuts: Option<bool>,
    /// Presentation mode (for a projector) on or off; `None` leaves the student's own choice.
    pub present: Option<bool>,
    /// Compact chrome for an iframe.
    pub embed: bool,
    /// Panels not shown (keys of [`PANELS`]).
    pub hide: Vec<String>,
    /// Nothing leads away from the linked lab or lesson.
    pub lock: bool,
    /// Origins allowed to command the lab through postMessage; empty: the parent, whoever it is.
    pub origins: Vec<String>,
}

impl Default for LabParams {
    fn default() -> Self {
        LabParams {
            setup: Setup::default(),
            speed: DEFAULT_SPEED,
            paused: false,
            until_us: None,
            until_events: None,
            subscribers: None,
            script: Vec::new(),
            lesson: None,
            quiz: None,
            theme: None,
            motion: None,
            shortcuts: None,
            present: None,
            embed: false,
            hide: Vec::new(),
            lock: false,
            origins: Vec::new(),
        }
    }
}

/// Decodes `%XX` escapes and `+` as a space; invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                // Two hex digits exactly: from_str_radix alone would also take a sign ("%+5").
                let digits = &bytes[i + 1..i + 3];
                let hex = if digits.iter().all(u8::is_ascii_hexdigit) {
                    std::str::from_utf8(digits).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
                } else {
                    None
                };
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const THEMES: [&str; 3] = ["auto", "light", "dark"];
const MOTIONS: [&str; 3] = ["auto", "reduce", "full"];
/// Longest `quiz` value a link may carry.
const MAX_TEXT: usize = 2_000;
/// Most `at` steps a link may carry.
pub const MAX_STEPS: usize = 5_000;

impl LabParams {
    /// Parses a query string (with or without the leading `?`). Returns the parameters and
    /// one notice per problem, each naming the parameter and what it accepts.
    pub fn parse(query: &str) -> (LabParams, Vec<String>) {
        let mut p = LabParams::default();
        let mut notices = Vec::new();
        let mut unknown = Vec::new();
        let query = query.strip_prefix('?').unwrap_or(query);
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        // The scenario decides which services a fault may name, so read it first.
        for (k, v) in &pairs {
            if k == "scenario" {
                match Scenario::by_id(v) {
                    // A loaded file is known by its id from here on; links name it by address.
                    Some(s) => p.setup.scenario = s.id,
                    None => notices.push(bad(
                        "scenario",
                        v,
                        &format!("{}, or the address of a scenario file", Scenario::IDS.join(", ")),
                    )),
                }
            }
        }
        let scenario = Scenario::by_id(&p.setup.scenario).expect("a known scenario");
        for (k, v) in &pairs {
            match k.as_str() {
                "scenario" => {}
                "wiring" => match Wiring::parse(v) {
                    Some(w) => p.setup.wiring = w,
                    None => notices.push(bad("wiring", v, "request or event")),
                },
                "seed" => match v.parse::<u64>() {
                    Ok(s) => p.setup.seed = s,
                    Err(_) => notices.push(bad("seed", v, "a whole number from 0 to 18446744073709551615")),
                },
                "rate" => match v.parse::<f64>() {
                    Ok(r) if r.is_finite() && (0.0..=MAX_RATE).contains(&r) => p.setup.rate = Some(r),
                    _ => notices.push(bad("rate", v, &format!("a number per second from 0 to {MAX_RATE}"))),
                },
                "speed" => match v.parse::<f64>() {
                    Ok(s) if SPEEDS.contains(&s) => p.speed = s,
                    _ => {
                        let list: Vec<String> = SPEEDS.iter().map(|s| s.to_string()).collect();
                        notices.push(bad("speed", v, &list.join(", ")))
                    }
                },
                "paused" => match flag(v) {
                    Some(b) => p.paused = b,
                    None => notices.push(bad("paused", v, "1 or 0")),
                },
                "until" => match parse_until(v) {
                    Some((t, n)) => (p.until_us, p.until_events) = (Some(t), n),
                    None => notices.push(bad(
                        "until",
                        v,
                        &format!("simulated seconds from 0 to {MAX_UNTIL_S}, e.g. 30 or 12.5"),
                    )),
                },
                "lesson" if !v.is_empty() && v.len() <= 200 => p.lesson = Some(v.clone()),
                "lesson" => notices.push(bad("lesson", v, "a lesson id from the lesson map, or lessons")),
                "quiz" if !v.is_empty() && v.len() <= MAX_TEXT => p.quiz = Some(v.clone()),
                "quiz" => notices.push(bad("quiz", v, "the address of a lesson set (JSON)")),
                "fault" => match FaultSpec::parse(v).and_then(|f| f.fault.validate(&scenario).map(|_| f)) {
                    Ok(f) => p.setup.faults.push(f),
                    Err(why) => notices.push(format!("Ignored fault=\"{}\": {why}", clip(v))),
                },
                "subscribers" => match parse_subscribers(v, &scenario) {
                    Ok(list) => p.subscribers = Some(list),
                    Err(why) => notices.push(format!("Ignored subscribers=\"{}\": {why}", clip(v))),
                },
                "at" if p.script.len() >= MAX_STEPS => {
                    notices.push(format!("Ignored at=\"{}\": a link carries at most {MAX_STEPS} steps", clip(v)))
                }
                "at" => match Step::parse(v) {
                    // Replaying runs the lab to each step's moment: keep that bounded.
                    Ok(step) if step.at_us > MAX_UNTIL_S as Micros * SEC => notices
                        .push(format!("Ignored at=\"{}\": a step's moment must be at most {MAX_UNTIL_S} s", clip(v))),
                    Ok(step) => p.script.push(step),
                    Err(why) => notices.push(format!("Ignored at=\"{}\": {why}", clip(v))),
                },
                "theme" if THEMES.contains(&v.as_str()) => p.theme = Some(v.clone()),
                "theme" => notices.push(bad("theme", v, "auto, light or dark")),
                "motion" if MOTIONS.contains(&v.as_str()) => p.motion = Some(v.clone()),
                "motion" => notices.push(bad("motion", v, "auto, reduce or full")),
                "shortcuts" => match v.as_str() {
                    "on" | "1" => p.shortcuts = Some(true),
                    "off" | "0" => p.shortcuts = Some(false),
                    _ => notices.push(bad("shortcuts", v, "on or off")),
                },
                "present" => match v.as_str() {
                    "on" | "1" => p.present = Some(true),
                    "off" | "0" => p.present = Some(false),
                    _ => notices.push(bad("present", v, "on or off")),
                },
                "embed" => match flag(v) {
                    Some(b) => p.embed = b,
                    None => notices.push(bad("embed", v, "1 or 0")),
                },
                "lock" => match flag(v) {
                    Some(b) => p.lock = b,
                    None => notices.push(bad("lock", v, "1 or 0")),
                },
                "hide" => {
                    for panel in v.split(',').filter(|s| !s.is_empty()) {
                        if !PANELS.iter().any(|(k, _)| *k == panel) {
                            let keys: Vec<&str> = PANELS.iter().map(|(k, _)| *k).collect();
                            notices.push(bad("hide", panel, &format!("a list of {}", keys.join(", "))));
                        } else if !p.hide.iter().any(|h| h == panel) {
                            p.hide.push(panel.to_string());
                        }
                    }
                }
                "origins" => {
                    for origin in v.split([',', ' ']).filter(|s| !s.is_empty()) {
                        match normalise_origin(origin) {
                            Some(o) => p.origins.push(o),
                            None => notices.push(bad(
                                "origins",
                                origin,
                                "a list of origins such as https://course.example.org (scheme, host and port only)",
                            )),
                        }
                    }
                }
                _ => unknown.push(k.clone()),
            }
        }
        if !unknown.is_empty() {
            let unknown: Vec<String> = unknown.iter().take(20).map(|k| clip(k)).collect();
            notices.push(format!("Unknown parameters ignored: {}", unknown.join(", ")));
        }
        (p, notices)
    }

    /// The interventions to replay: the link's subscribers as changes at the start, then its
    /// steps.
    pub fn steps(&self) -> Vec<Step> {
        let mut steps = match (&self.subscribers, Scenario::by_id(&self.setup.scenario)) {
            (Some(list), Some(scenario)) => subscriber_steps(&scenario.initial, list),
            _ => Vec::new(),
        };
        steps.extend(self.script.iter().cloned());
        steps
    }

    /// Writes `subscribers=` in place of leading steps that only wire services in or out at
    /// the start, when that list replays exactly the same steps: a shorter, readable link.
    pub fn fold_subscribers(&mut self) {
        let Some(scenario) = Scenario::by_id(&self.setup.scenario) else { return };
        if self.subscribers.is_some() {
            return;
        }
        let lead = self
            .script
            .iter()
            .take_while(|s| {
                s.at_us == 0
                    && s.events.is_none()
                    && matches!(
                        &s.action,
                        Action::RemoveSubscriber { .. } | Action::AddSubscriber { from: StartFrom::Latest, .. }
                    )
            })
            .count();
        if lead == 0 {
            return;
        }
        let mut wired = scenario.initial.clone();
        for s in &self.script[..lead] {
            match &s.action {
                Action::RemoveSubscriber { service } => wired.retain(|w| w != service),
                Action::AddSubscriber { service, .. } if !wired.contains(service) => wired.push(service.clone()),
                _ => {}
            }
        }
        if subscriber_steps(&scenario.initial, &wired) == self.script[..lead] {
            self.script.drain(..lead);
            self.subscribers = Some(wired);
        }
    }

    /// The query string (with its `?`, or empty) that parses back to these parameters.
    /// Defaults are left out.
    pub fn query(&self) -> String {
        let d = LabParams::default();
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(l) = &self.lesson {
            q.push(("lesson", l.clone()));
        }
        if let Some(u) = &self.quiz {
            q.push(("quiz", u.clone()));
        }
        if self.setup.scenario != d.setup.scenario {
            q.push(("scenario", Scenario::link_name(&self.setup.scenario)));
        }
        if self.setup.wiring != d.setup.wiring {
            q.push(("wiring", self.setup.wiring.key().into()));
        }
        if self.setup.seed != d.setup.seed {
            q.push(("seed", self.setup.seed.to_string()));
        }
        if let Some(r) = self.setup.rate {
            q.push(("rate", r.to_string()));
        }
        for f in &self.setup.faults {
            q.push(("fault", f.text()));
        }
        if let Some(list) = &self.subscribers {
            q.push(("subscribers", list.join(",")));
        }
        for s in &self.script {
            q.push(("at", s.text()));
        }
        if self.speed != d.speed {
            q.push(("speed", self.speed.to_string()));
        }
        if self.paused {
            q.push(("paused", "1".into()));
        }
        if let Some(t) = self.until_us {
            // In seconds without the unit, as course authors write it.
            let text = moment_text(t, self.until_events).replacen('s', "", 1);
            q.push(("until", text));
        }
        for (key, value) in [("theme", &self.theme), ("motion", &self.motion)] {
            if let Some(v) = value {
                q.push((key, v.clone()));
            }
        }
        if let Some(on) = self.shortcuts {
            q.push(("shortcuts", if on { "on" } else { "off" }.into()));
        }
        if let Some(on) = self.present {
            q.push(("present", if on { "on" } else { "off" }.into()));
        }
        if self.embed {
            q.push(("embed", "1".into()));
        }
        if !self.hide.is_empty() {
            q.push(("hide", self.hide.join(",")));
        }
        if self.lock {
            q.push(("lock", "1".into()));
        }
        if !self.origins.is_empty() {
            q.push(("origins", self.origins.join(",")));
        }
        if q.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect();
        format!("?{}", parts.join("&"))
    }
}

impl LabParams {
    /// Builds the run the link describes: its setup, its steps replayed at their moments,
    /// then on to `until` if it gives one. Steps the lab refuses are left out and reported.
    pub fn timeline(&self) -> Result<(Timeline, Vec<String>), String> {
        self.play(Timeline::new(&self.setup)?)
    }

    /// [`timeline`](Self::timeline) of a scenario of one's own; `setup.scenario` names it.
    pub fn timeline_of(&self, scenario: Scenario) -> Result<(Timeline, Vec<String>), String> {
        self.play(Timeline::with_scenario(scenario, &self.setup)?)
    }

    fn play(&self, mut t: Timeline) -> Result<(Timeline, Vec<String>), String> {
        let problems = t.play_script(&self.steps());
        match (self.until_us, self.until_events) {
            (Some(at), Some(n)) => t.seek_events(at, n),
            (Some(at), None) => t.seek(at),
            _ => {}
        }
        Ok((t, problems))
    }

    /// The link to this run at the moment it shows: its setup, every intervention recorded
    /// (its future too, if it was rewound) and `until` this moment. Other fields are left at
    /// their defaults for the caller to fill in.
    pub fn of_run(t: &Timeline) -> LabParams {
        let sim = t.sim();
        let mut p = LabParams {
            setup: t.setup().clone(),
            script: t.script(),
            until_us: Some(sim.now()),
            until_events: (!sim.settled()).then_some(sim.events_processed()),
            ..LabParams::default()
        };
        p.fold_subscribers();
        p
    }
}

/// The changes at the start that turn the `initial` subscribers into `wanted`: those not
/// wanted leave, in the scenario's order; then those missing join, in the order given.
fn subscriber_steps(initial: &[String], wanted: &[String]) -> Vec<Step> {
    let at = |action| Step { at_us: 0, events: None, action };
    let mut steps: Vec<Step> = initial
        .iter()
        .filter(|s| !wanted.contains(s))
        .map(|s| at(Action::RemoveSubscriber { service: s.clone() }))
        .collect();
    steps.extend(
        wanted
            .iter()
            .filter(|s| !initial.contains(s))
            .map(|s| at(Action::AddSubscriber { service: s.clone(), from: StartFrom::Latest })),
    );
    steps
}

fn parse_subscribers(v: &str, scenario: &Scenario) -> Result<Vec<String>, String> {
    let keys: Vec<&str> = scenario.catalog.iter().map(|s| s.key.as_str()).collect();
    let mut list: Vec<String> = Vec::new();
    for key in v.split(',').filter(|s| !s.is_empty()) {
        if !keys.contains(&key) {
            return Err(format!(
                "`{}` is not a subscriber in {}; accepted: a list of {}",
                clip(key),
                scenario.id,
                keys.join(", ")
            ));
        }
        if list.iter().any(|k| k == key) {
            return Err(format!("`{key}` is listed twice"));
        }
        list.push(key.to_string());
    }
    Ok(list)
}

fn flag(v: &str) -> Option<bool> {
    match v {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

/// `30`, `12.5` or `12.5s`, optionally `/EVENTS`: a moment within [`MAX_UNTIL_S`].
fn parse_until(v: &str) -> Option<(Micros, Option<u64>)> {
    let (time, events) = v.split_once('/').map_or((v, None), |(t, n)| (t, Some(n)));
    let us = crate::time::parse_seconds(time).ok().filter(|&us| us <= (MAX_UNTIL_S * SEC as f64) as Micros)?;
    let events = match events {
        Some(n) => Some(n.parse::<u64>().ok()?),
        None => None,
    };
    Some((us, events))
}

/// `https://host[:port]` (or http), lower-cased, without a trailing slash; anything else,
/// such as a path, a wildcard or another scheme, is refused.
pub fn normalise_origin(o: &str) -> Option<String> {
    let o = o.trim_end_matches('/').to_ascii_lowercase();
    let rest = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://"))?;
    let (host, port) = rest.split_once(':').map_or((rest, None), |(h, p)| (h, Some(p)));
    let host_ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    (host_ok && port_ok && o.len() <= 300).then_some(o)
}

/// Escapes what a query value cannot hold; keeps `:`, `/`, `,` and `@` readable.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/,@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A value as a notice quotes it: at most 80 characters.
fn clip(v: &str) -> String {
    crate::text::clip(v, 80)
}

fn bad(name: &str, value: &str, accepted: &str) -> String {
    format!("Ignored {name}=\"{}\": accepted values are {accepted}", clip(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::Fault;

    #[test]
    fn reads_every_parameter() {
        let (p, notices) = LabParams::parse(
            "?scenario=checkout&wiring=request&seed=42&rate=3.5&speed=2&paused=1&until=30&fault=crash:email&lesson=lag&quiz=q.json",
        );
        assert_eq!((p.lesson.as_deref(), p.quiz.as_deref()), (Some("lag"), Some("q.json")));
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(p.setup.wiring, Wiring::Request);
        assert_eq!(p.setup.seed, 42);
        assert_eq!(p.setup.rate, Some(3.5));
        assert_eq!(p.speed, 2.0);
        assert!(p.paused);
        assert_eq!(p.until_us, Some(30 * SEC));
        assert_eq!(p.setup.faults[0].fault, Fault::Crash { service: "email".into() });
    }

    #[test]
    fn bad_values_are_ignored_and_named() {
        let (p, notices) = LabParams::parse("wiring=sideways&seed=-1&rate=NaN&speed=3&fault=crash:billing&x=1");
        assert_eq!(p, LabParams::default());
        assert_eq!(notices.len(), 6, "{notices:?}");
        assert!(notices[0].contains("wiring") && notices[0].contains("request or event"));
        assert!(notices[4].contains("billing"));
        assert!(notices[5].contains("Unknown parameters ignored: x"));
    }

    #[test]
    fn percent_escapes_decode() {
        assert_eq!(percent_decode("slow%3Aemail%3A5ms"), "slow:email:5ms");
        assert_eq!(percent_decode("a+b%zz%4"), "a b%zz%4");
        assert_eq!(percent_decode("%"), "%");
    }
}
