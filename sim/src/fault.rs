//! Faults are data. The engine never checks for a particular fault by hand; it asks the
//! active [`FaultSet`] what a service or the broker is like right now. A new kind of fault
//! is a new variant here plus the question it answers.

use crate::scenario::Scenario;
use crate::time::{Micros, MS, SEC};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Fault {
    /// Every piece of work the service does takes this much longer.
    Slow { service: String, extra_us: Micros },
    /// The service is down until the fault is cleared: it refuses calls and loses its work.
    Crash { service: String },
    /// The service fails this share of its work (0 to 1).
    Errors { service: String, rate: f64 },
    /// The broker refuses publishes and stops delivering until it is back.
    BrokerDown,
}

/// Longest slowdown accepted, so that a typo cannot stall a run for hours.
pub const MAX_SLOW_US: Micros = 60 * SEC;

impl Fault {
    /// The service the fault acts on, if it acts on one.
    pub fn service(&self) -> Option<&str> {
        match self {
            Fault::Slow { service, .. } | Fault::Crash { service } | Fault::Errors { service, .. } => Some(service),
            Fault::BrokerDown => None,
        }
    }

    /// Two faults share a slot when one would replace the other: same kind, same target.
    pub fn same_slot(&self, other: &Fault) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other) && self.service() == other.service()
    }

    /// Refuses impossible values with a message a student can act on.
    pub fn validate(&self, scenario: &Scenario) -> Result<(), String> {
        if let Some(key) = self.service() {
            if !scenario.service_keys().contains(&key) {
                return Err(format!(
                    "unknown service `{key}`; this scenario has: {}",
                    scenario.service_keys().join(", ")
                ));
            }
        }
        match self {
            Fault::Slow { extra_us, .. } if *extra_us > MAX_SLOW_US => {
                Err(format!("a slowdown must be at most {} ms", MAX_SLOW_US / MS))
            }
            Fault::Errors { rate, .. } if !(rate.is_finite() && (0.0..=1.0).contains(rate)) => {
                Err(format!("an error rate must be between 0 and 1, not {rate}"))
            }
            _ => Ok(()),
        }
    }

    /// A short description in words, for the event log and the scene summary.
    pub fn describe(&self, name: &str) -> String {
        match self {
            Fault::Slow { extra_us, .. } => format!("{name} slowed by {} ms", extra_us / MS),
            Fault::Crash { .. } => format!("{name} is down"),
            Fault::Errors { rate, .. } => format!("{name} fails {:.0}% of its work", rate * 100.0),
            Fault::BrokerDown => "the broker is down".into(),
        }
    }

    /// The spec form, the inverse of [`FaultSpec::parse`] for a fault active from the start.
    pub fn spec(&self) -> String {
        match self {
            Fault::Slow { service, extra_us } => format!("slow:{service}:{}", duration_spec(*extra_us)),
            Fault::Crash { service } => format!("crash:{service}"),
            Fault::Errors { service, rate } => format!("errors:{service}:{rate}"),
            Fault::BrokerDown => "broker-down".into(),
        }
    }
}

/// A duration in the form [`parse_duration`] reads back exactly: whole milliseconds as `ms`,
/// anything finer as `us`.
pub fn duration_spec(us: Micros) -> String {
    if us.is_multiple_of(MS) {
        format!("{}ms", us / MS)
    } else {
        format!("{us}us")
    }
}

/// The faults active at this moment of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultSet {
    active: Vec<Fault>,
}

impl FaultSet {
    /// Adds a fault, replacing any of the same kind on the same target.
    pub fn inject(&mut self, fault: Fault) {
        self.active.retain(|f| !f.same_slot(&fault));
        self.active.push(fault);
    }

    /// Removes the fault in the same slot as `fault`; true if one was active.
    pub fn clear(&mut self, fault: &Fault) -> bool {
        let before = self.active.len();
        self.active.retain(|f| !f.same_slot(fault));
        before != self.active.len()
    }

    pub fn active(&self) -> &[Fault] {
        &self.active
    }

    pub fn for_service<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Fault> + 'a {
        self.active.iter().filter(move |f| f.service() == Some(key))
    }

    pub fn slow_us(&self, key: &str) -> Micros {
        self.for_service(key).map(|f| if let Fault::Slow { extra_us, .. } = f { *extra_us } else { 0 }).sum()
    }

    pub fn is_down(&self, key: &str) -> bool {
        self.for_service(key).any(|f| matches!(f, Fault::Crash { .. }))
    }

    pub fn error_rate(&self, key: &str) -> f64 {
        self.for_service(key).map(|f| if let Fault::Errors { rate, .. } = f { *rate } else { 0.0 }).fold(0.0, f64::max)
    }

    pub fn broker_down(&self) -> bool {
        self.active.iter().any(|f| matches!(f, Fault::BrokerDown))
    }
}

/// A fault with the window of simulated time it is active in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub fault: Fault,
    pub from_us: Micros,
    pub until_us: Option<Micros>,
}

/// The accepted spec forms, quoted in every parse error.
pub const FAULT_FORMS: &str = "slow:SERVICE:DURATION (e.g. slow:analytics:2000ms), crash:SERVICE, \
errors:SERVICE:SHARE (e.g. errors:inventory:0.2), broker-down; any of them may end in :FROM-UNTIL \
(e.g. broker-down:10s-20s, crash:email:5s-)";

/// Parses `2000ms`, `2s`, `1.5s` or `250us` into microseconds.
pub fn parse_duration(s: &str) -> Result<Micros, String> {
    let bad = || format!("`{s}` is not a duration; write it like 2000ms or 2s");
    let (num, unit) = if let Some(n) = s.strip_suffix("ms") {
        (n, MS)
    } else if let Some(n) = s.strip_suffix("us") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, SEC)
    } else {
        return Err(bad());
    };
    let value: f64 = num.parse().map_err(|_| bad())?;
    if !value.is_finite() || value < 0.0 {
        return Err(bad());
    }
    let us = value * unit as f64;
    if us > (u64::MAX / 4) as f64 {
        return Err(bad());
    }
    Ok(us.round() as Micros)
}

impl FaultSpec {
    /// Parses a fault spec such as `slow:analytics:2000ms` or `broker-down:10s-20s`.
    pub fn parse(spec: &str) -> Result<FaultSpec, String> {
        let wrap = |why: String| format!("bad fault `{spec}`: {why}. Accepted forms: {FAULT_FORMS}");
        let parts: Vec<&str> = spec.split(':').collect();
        let (kind, rest) = parts.split_first().ok_or_else(|| wrap("it is empty".into()))?;
        let (fault, rest) = match *kind {
            "slow" => match rest {
                [service, dur, tail @ ..] => {
                    let extra_us = parse_duration(dur).map_err(wrap)?;
                    (Fault::Slow { service: service.to_string(), extra_us }, tail)
                }
                _ => return Err(wrap("slow needs a service and a duration".into())),
            },
            "crash" => match rest {
                [service, tail @ ..] => (Fault::Crash { service: service.to_string() }, tail),
                _ => return Err(wrap("crash needs a service".into())),
            },
            "errors" => match rest {
                [service, share, tail @ ..] => {
                    let rate: f64 =
                        share.parse().map_err(|_| wrap(format!("`{share}` is not a share between 0 and 1")))?;
                    (Fault::Errors { service: service.to_string(), rate }, tail)
                }
                _ => return Err(wrap("errors needs a service and a share".into())),
            },
            "broker-down" => (Fault::BrokerDown, rest),
            other => return Err(wrap(format!("unknown fault kind `{other}`"))),
        };
        if fault.service() == Some("") {
            return Err(wrap("the service name is empty".into()));
        }
        let (from_us, until_us) = match rest {
            [] => (0, None),
            [window] => parse_window(window).map_err(wrap)?,
            _ => return Err(wrap("too many parts".into())),
        };
        if let Fault::Errors { rate, .. } = fault {
            if !(rate.is_finite() && (0.0..=1.0).contains(&rate)) {
                return Err(wrap(format!("an error share must be between 0 and 1, not {rate}")));
            }
        }
        if let Fault::Slow { extra_us, .. } = fault {
            if extra_us > MAX_SLOW_US {
                return Err(wrap(format!("a slowdown must be at most {} ms", MAX_SLOW_US / MS)));
            }
        }
        Ok(FaultSpec { fault, from_us, until_us })
    }
}

fn parse_window(window: &str) -> Result<(Micros, Option<Micros>), String> {
    let (from, until) =
        window.split_once('-').ok_or_else(|| format!("`{window}` is not a window; write it like 10s-20s or 10s-"))?;
    let from_us = parse_duration(from)?;
    let until_us = if until.is_empty() { None } else { Some(parse_duration(until)?) };
    if let Some(u) = until_us {
        if u <= from_us {
            return Err(format!("the window `{window}` ends before it starts"));
        }
    }
    Ok((from_us, until_us))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(
            FaultSpec::parse("slow:analytics:2000ms").unwrap().fault,
            Fault::Slow { service: "analytics".into(), extra_us: 2 * SEC }
        );
        assert_eq!(FaultSpec::parse("crash:email").unwrap().fault, Fault::Crash { service: "email".into() });
        assert_eq!(
            FaultSpec::parse("errors:inventory:0.2").unwrap().fault,
            Fault::Errors { service: "inventory".into(), rate: 0.2 }
        );
        let down = FaultSpec::parse("broker-down:10s-20s").unwrap();
        assert_eq!(down.fault, Fault::BrokerDown);
        assert_eq!((down.from_us, down.until_us), (10 * SEC, Some(20 * SEC)));
        let open = FaultSpec::parse("crash:email:5s-").unwrap();
        assert_eq!((open.from_us, open.until_us), (5 * SEC, None));
    }

    #[test]
    fn bad_specs_say_what_is_wrong_and_list_the_forms() {
        for bad in [
            "",
            "slow:analytics",
            "slow:analytics:fast",
            "errors:email:1.5",
            "errors:email:-0.1",
            "melt:email",
            "broker-down:20s-10s",
            "crash:",
            "slow:email:-5ms",
            "crash:email:1s-2s:3",
        ] {
            let err = FaultSpec::parse(bad).unwrap_err();
            assert!(err.contains("Accepted forms"), "{bad}: {err}");
            assert!(err.contains(&format!("`{bad}`")), "{bad}: {err}");
        }
    }

    #[test]
    fn spec_form_round_trips() {
        for f in [
            Fault::Slow { service: "email".into(), extra_us: 1500 * MS },
            Fault::Slow { service: "email".into(), extra_us: 1500 },
            Fault::Crash { service: "sms".into() },
            Fault::Errors { service: "fraud".into(), rate: 0.25 },
            Fault::BrokerDown,
        ] {
            assert_eq!(FaultSpec::parse(&f.spec()).unwrap().fault, f);
        }
    }

    #[test]
    fn a_new_fault_replaces_the_old_one_in_its_slot() {
        let mut set = FaultSet::default();
        set.inject(Fault::Slow { service: "email".into(), extra_us: 100 });
        set.inject(Fault::Slow { service: "email".into(), extra_us: 300 });
        set.inject(Fault::Crash { service: "email".into() });
        assert_eq!(set.slow_us("email"), 300);
        assert!(set.is_down("email"));
        assert!(!set.is_down("sms"));
        assert!(set.clear(&Fault::Crash { service: "email".into() }));
        assert!(!set.is_down("email"));
        assert!(!set.clear(&Fault::BrokerDown));
    }

    #[test]
    fn validation_names_unknown_services() {
        let s = Scenario::checkout();
        let err = Fault::Crash { service: "billing".into() }.validate(&s).unwrap_err();
        assert!(err.contains("billing") && err.contains("email"), "{err}");
    }
}
