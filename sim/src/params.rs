//! The lab's URL query parameters, typed. A bad value is ignored and reported with the
//! parameter's name and what it accepts; unknown parameters are reported too. Parsing never
//! panics, whatever the string.

use crate::fault::FaultSpec;
use crate::input::MAX_RATE;
use crate::scenario::{Scenario, Wiring};
use crate::sim::Setup;

/// Speeds the page offers: simulated seconds per wall-clock second.
pub const SPEEDS: [f64; 8] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0];
/// The speed a lab starts at: slow enough to follow single messages.
pub const DEFAULT_SPEED: f64 = 0.25;
/// Longest `until` accepted, in simulated seconds.
pub const MAX_UNTIL_S: f64 = 3_600.0;

/// Everything a link can set.
#[derive(Clone, Debug, PartialEq)]
pub struct LabParams {
    pub setup: Setup,
    pub speed: f64,
    pub paused: bool,
    /// Run straight to this simulated second on load, then pause.
    pub until_s: Option<f64>,
    /// Open this lesson (or the lesson map, for `lessons`) instead of the free lab. Checked
    /// by the page, which knows the lessons.
    pub lesson: Option<String>,
    /// Address of a course author's question set, fetched and checked by the page.
    pub quiz: Option<String>,
}

impl Default for LabParams {
    fn default() -> Self {
        LabParams {
            setup: Setup::default(),
            speed: DEFAULT_SPEED,
            paused: false,
            until_s: None,
            lesson: None,
            quiz: None,
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

impl LabParams {
    /// Parses a query string (with or without the leading `?`). Returns the parameters and
    /// one notice per problem, each naming the parameter and what it accepts.
    pub fn parse(query: &str) -> (LabParams, Vec<String>) {
        let mut p = LabParams::default();
        let mut notices = Vec::new();
        let mut unknown = Vec::new();
        let query = query.strip_prefix('?').unwrap_or(query);
        // The scenario decides which services a fault may name, so read it first.
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        for (k, v) in &pairs {
            if k == "scenario" {
                match Scenario::by_id(v) {
                    Some(_) => p.setup.scenario = v.clone(),
                    None => notices.push(bad("scenario", v, &Scenario::IDS.join(", "))),
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
                    _ => notices.push(bad("rate", v, &format!("orders per second from 0 to {MAX_RATE}"))),
                },
                "speed" => match v.parse::<f64>() {
                    Ok(s) if SPEEDS.contains(&s) => p.speed = s,
                    _ => {
                        let list: Vec<String> = SPEEDS.iter().map(|s| s.to_string()).collect();
                        notices.push(bad("speed", v, &list.join(", ")))
                    }
                },
                "paused" => match v.as_str() {
                    "1" | "true" => p.paused = true,
                    "0" | "false" => p.paused = false,
                    _ => notices.push(bad("paused", v, "1 or 0")),
                },
                "until" => match v.parse::<f64>() {
                    Ok(u) if u.is_finite() && (0.0..=MAX_UNTIL_S).contains(&u) => p.until_s = Some(u),
                    _ => notices.push(bad("until", v, &format!("simulated seconds from 0 to {MAX_UNTIL_S}"))),
                },
                "lesson" if !v.is_empty() && v.len() <= 200 => p.lesson = Some(v.clone()),
                "lesson" => notices.push(bad("lesson", v, "a lesson id from the lesson map, or lessons")),
                "quiz" if !v.is_empty() && v.len() <= 2_000 => p.quiz = Some(v.clone()),
                "quiz" => notices.push(bad("quiz", v, "the address of a lesson set (JSON)")),
                "fault" => match FaultSpec::parse(v).and_then(|f| f.fault.validate(&scenario).map(|_| f)) {
                    Ok(f) => p.setup.faults.push(f),
                    Err(why) => notices.push(format!("Ignored fault=\"{v}\": {why}")),
                },
                _ => unknown.push(k.clone()),
            }
        }
        if !unknown.is_empty() {
            notices.push(format!("Unknown parameters ignored: {}", unknown.join(", ")));
        }
        (p, notices)
    }
}

fn bad(name: &str, value: &str, accepted: &str) -> String {
    format!("Ignored {name}=\"{value}\": accepted values are {accepted}")
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
        assert_eq!(p.until_s, Some(30.0));
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
