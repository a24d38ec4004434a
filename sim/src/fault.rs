//! Faults are data. The engine never checks for a particular fault by hand; it asks the
//! active [`FaultSet`] what a service or the broker is like right now. A new kind of fault
//! is a new variant here plus the question it answers.

use crate::keys::{given, need, refuse_rest};
use crate::projection::ProjectionKind;
use crate::scenario::Scenario;
use crate::time::{seconds_text, Micros, MS, SEC};
// The one duration parser and its writer live in time.rs; the CLI and the scripts reach them
// here too.
pub use crate::time::{duration_spec, parse_duration};
use serde::{Deserialize, Serialize};

/// Reads as a JSON object tagged by `kind`, e.g. `{"kind": "crash", "service": "email"}`, with
/// no key that the fault does not have (read through the private `RawFault`, see `keys.rs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", try_from = "RawFault")]
pub enum Fault {
    /// Every piece of work the service does takes this much longer.
    Slow { service: String, extra_us: Micros },
    /// The service is down until the fault is cleared: it refuses calls and loses its work.
    Crash { service: String },
    /// The service fails this share of its work (0 to 1).
    Errors { service: String, rate: f64 },
    /// The broker refuses publishes and stops delivering until it is back.
    BrokerDown,
    /// A share of deliveries vanishes on the wire to this subscriber (`None`: to every one).
    Drop {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        share: f64,
    },
    /// A share of acknowledgements vanishes on the way back, so the broker delivers again.
    Duplicate {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        share: f64,
    },
    /// A share of deliveries is held up on the wire by up to `extra_us`, so later ones overtake.
    Delay {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        share: f64,
        extra_us: Micros,
    },
    /// After processing a share of events, the consumer crashes before acknowledging and
    /// restarts at once.
    CrashBeforeAck { service: String, share: f64 },
    /// The `OrderPlaced` event of this order is one the consumer can never process.
    Poison { service: String, order: u64 },
    /// After a share of its commits, the entry service's process dies before its next step
    /// (publishing, or answering) and restarts at once: the dual write's crash point.
    CrashAfterCommit { share: f64 },
    /// After a share of its publishes, the outbox relay dies before it marks the row sent,
    /// and restarts: the row is published again.
    RelayCrash { share: f64 },
    /// The outbox relay is stopped: rows wait in the table until it is back.
    RelayDown,
    /// The first attempt at a share of this saga participant's compensations fails after it
    /// paid out and before it answered, so the compensation is tried again.
    CompensationFails { service: String, share: f64 },
    /// A read model of the event store is stopped: it falls behind, and when it is back it
    /// resumes from its last checkpoint.
    ProjectionDown { projection: ProjectionKind },
    /// The sales dashboard's code adds refunds instead of subtracting them.
    DashboardBug,
    /// A share of orders get two changes at once from two writers who loaded the same
    /// version of the order.
    ConcurrentWrites { share: f64 },
    /// The consumer does not take the trace context from the messages it gets: its work
    /// starts a new trace, which splits the order's picture in two.
    DropContext { service: String },
}

/// The kinds of [`Fault`], as the `kind` tag and the spec form name them.
#[derive(Clone, Copy, PartialEq, Eq, Deserialize, strum::EnumString, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
enum FaultKind {
    Slow,
    Crash,
    Errors,
    BrokerDown,
    Drop,
    Duplicate,
    Delay,
    CrashBeforeAck,
    Poison,
    CrashAfterCommit,
    RelayCrash,
    RelayDown,
    CompensationFails,
    ProjectionDown,
    DashboardBug,
    ConcurrentWrites,
    DropContext,
}

impl FaultKind {
    fn name(self) -> &'static str {
        self.into()
    }
}

/// Every key a fault may have, read in one flat pass, as for [`crate::Action`]. A key given
/// as `null` counts as given; only the optional `service` of a delivery fault may be `null`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFault {
    kind: FaultKind,
    #[serde(default, deserialize_with = "given")]
    service: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    extra_us: Option<Micros>,
    #[serde(default, deserialize_with = "given")]
    rate: Option<f64>,
    #[serde(default, deserialize_with = "given")]
    share: Option<f64>,
    #[serde(default, deserialize_with = "given")]
    order: Option<u64>,
    #[serde(default, deserialize_with = "given")]
    projection: Option<ProjectionKind>,
}

impl TryFrom<RawFault> for Fault {
    type Error = String;
    fn try_from(mut raw: RawFault) -> Result<Self, String> {
        let kind = raw.kind.name();
        let s = &mut raw;
        // A service the fault must have: given, and not `null`.
        let mut service = || need(&mut s.service, "service", kind)?.ok_or_else(|| format!("{kind} needs `service`"));
        let fault = match s.kind {
            FaultKind::Slow => Fault::Slow { service: service()?, extra_us: need(&mut s.extra_us, "extra_us", kind)? },
            FaultKind::Crash => Fault::Crash { service: service()? },
            FaultKind::Errors => Fault::Errors { service: service()?, rate: need(&mut s.rate, "rate", kind)? },
            FaultKind::BrokerDown => Fault::BrokerDown,
            FaultKind::Drop => {
                Fault::Drop { service: s.service.take().flatten(), share: need(&mut s.share, "share", kind)? }
            }
            FaultKind::Duplicate => {
                Fault::Duplicate { service: s.service.take().flatten(), share: need(&mut s.share, "share", kind)? }
            }
            FaultKind::Delay => Fault::Delay {
                service: s.service.take().flatten(),
                share: need(&mut s.share, "share", kind)?,
                extra_us: need(&mut s.extra_us, "extra_us", kind)?,
            },
            FaultKind::CrashBeforeAck => {
                Fault::CrashBeforeAck { service: service()?, share: need(&mut s.share, "share", kind)? }
            }
            FaultKind::Poison => Fault::Poison { service: service()?, order: need(&mut s.order, "order", kind)? },
            FaultKind::CrashAfterCommit => Fault::CrashAfterCommit { share: need(&mut s.share, "share", kind)? },
            FaultKind::RelayCrash => Fault::RelayCrash { share: need(&mut s.share, "share", kind)? },
            FaultKind::RelayDown => Fault::RelayDown,
            FaultKind::CompensationFails => {
                Fault::CompensationFails { service: service()?, share: need(&mut s.share, "share", kind)? }
            }
            FaultKind::ProjectionDown => {
                Fault::ProjectionDown { projection: need(&mut s.projection, "projection", kind)? }
            }
            FaultKind::DashboardBug => Fault::DashboardBug,
            FaultKind::ConcurrentWrites => Fault::ConcurrentWrites { share: need(&mut s.share, "share", kind)? },
            FaultKind::DropContext => Fault::DropContext { service: service()? },
        };
        refuse_rest(
            kind,
            &[
                ("service", s.service.is_some()),
                ("extra_us", s.extra_us.is_some()),
                ("rate", s.rate.is_some()),
                ("share", s.share.is_some()),
                ("order", s.order.is_some()),
                ("projection", s.projection.is_some()),
            ],
        )?;
        Ok(fault)
    }
}

/// Longest slowdown accepted, so that a typo cannot stall a run for hours.
pub const MAX_SLOW_US: Micros = 60 * SEC;

impl Fault {
    /// The service the fault acts on, if it acts on one.
    pub fn service(&self) -> Option<&str> {
        match self {
            Fault::Slow { service, .. }
            | Fault::Crash { service }
            | Fault::Errors { service, .. }
            | Fault::CrashBeforeAck { service, .. }
            | Fault::CompensationFails { service, .. }
            | Fault::DropContext { service }
            | Fault::Poison { service, .. } => Some(service),
            Fault::Drop { service, .. } | Fault::Duplicate { service, .. } | Fault::Delay { service, .. } => {
                service.as_deref()
            }
            Fault::BrokerDown
            | Fault::CrashAfterCommit { .. }
            | Fault::RelayCrash { .. }
            | Fault::RelayDown
            | Fault::ProjectionDown { .. }
            | Fault::DashboardBug
            | Fault::ConcurrentWrites { .. } => None,
        }
    }

    /// True for faults on the delivery path (the broker's wires and its subscribers), which
    /// only matter event-driven.
    pub fn is_delivery_fault(&self) -> bool {
        matches!(
            self,
            Fault::Drop { .. }
                | Fault::Duplicate { .. }
                | Fault::Delay { .. }
                | Fault::CrashBeforeAck { .. }
                | Fault::Poison { .. }
        )
    }

    /// The share of work the fault hits, for the kinds that have one.
    pub fn share(&self) -> Option<f64> {
        match self {
            Fault::Errors { rate: share, .. }
            | Fault::Drop { share, .. }
            | Fault::Duplicate { share, .. }
            | Fault::Delay { share, .. }
            | Fault::CrashBeforeAck { share, .. }
            | Fault::CrashAfterCommit { share }
            | Fault::CompensationFails { share, .. }
            | Fault::ConcurrentWrites { share }
            | Fault::RelayCrash { share } => Some(*share),
            _ => None,
        }
    }

    /// Two faults share a slot when one would replace the other: same kind, same target
    /// (and, for poison, the same order).
    pub fn same_slot(&self, other: &Fault) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && self.service() == other.service()
            && match (self, other) {
                (Fault::Poison { order: a, .. }, Fault::Poison { order: b, .. }) => a == b,
                (Fault::ProjectionDown { projection: a }, Fault::ProjectionDown { projection: b }) => a == b,
                _ => true,
            }
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
        if matches!(self, Fault::CrashBeforeAck { .. } | Fault::Poison { .. } | Fault::DropContext { .. })
            && self.service() == Some(scenario.order_service.key.as_str())
        {
            return Err(format!("{} publishes events but does not consume them", scenario.order_service.name));
        }
        if let Some(share) = self.share() {
            if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
                return Err(format!("a share must be between 0 and 1, not {share}"));
            }
        }
        match self {
            Fault::Slow { extra_us, .. } | Fault::Delay { extra_us, .. } if *extra_us > MAX_SLOW_US => {
                Err(format!("a delay must be at most {} ms", MAX_SLOW_US / MS))
            }
            Fault::Poison { order: 0, .. } => Err("orders are numbered from 1".into()),
            _ => Ok(()),
        }
    }

    fn kind(&self) -> FaultKind {
        match self {
            Fault::Slow { .. } => FaultKind::Slow,
            Fault::Crash { .. } => FaultKind::Crash,
            Fault::Errors { .. } => FaultKind::Errors,
            Fault::BrokerDown => FaultKind::BrokerDown,
            Fault::Drop { .. } => FaultKind::Drop,
            Fault::Duplicate { .. } => FaultKind::Duplicate,
            Fault::Delay { .. } => FaultKind::Delay,
            Fault::CrashBeforeAck { .. } => FaultKind::CrashBeforeAck,
            Fault::Poison { .. } => FaultKind::Poison,
            Fault::CrashAfterCommit { .. } => FaultKind::CrashAfterCommit,
            Fault::RelayCrash { .. } => FaultKind::RelayCrash,
            Fault::RelayDown => FaultKind::RelayDown,
            Fault::CompensationFails { .. } => FaultKind::CompensationFails,
            Fault::ProjectionDown { .. } => FaultKind::ProjectionDown,
            Fault::DashboardBug => FaultKind::DashboardBug,
            Fault::ConcurrentWrites { .. } => FaultKind::ConcurrentWrites,
            Fault::DropContext { .. } => FaultKind::DropContext,
        }
    }

    /// The spec form, the inverse of [`FaultSpec::parse`] for a fault active from the start.
    pub fn spec(&self) -> String {
        let kind = self.kind().name();
        match self {
            Fault::Slow { service, extra_us } => format!("{kind}:{service}:{}", duration_spec(*extra_us)),
            Fault::Crash { service } => format!("{kind}:{service}"),
            Fault::Errors { service, rate } => format!("{kind}:{service}:{rate}"),
            Fault::BrokerDown => kind.into(),
            Fault::Drop { service, share } | Fault::Duplicate { service, share } => {
                format!("{kind}:{}:{share}", target_spec(service))
            }
            Fault::Delay { service, share, extra_us } => {
                format!("{kind}:{}:{share}:{}", target_spec(service), duration_spec(*extra_us))
            }
            Fault::CrashBeforeAck { service, share } => format!("{kind}:{service}:{share}"),
            Fault::Poison { service, order } => format!("{kind}:{service}:{order}"),
            Fault::CrashAfterCommit { share } | Fault::RelayCrash { share } => format!("{kind}:{share}"),
            Fault::RelayDown => kind.into(),
            Fault::CompensationFails { service, share } => format!("{kind}:{service}:{share}"),
            Fault::ProjectionDown { projection } => format!("{kind}:{}", projection.key()),
            Fault::DashboardBug => kind.into(),
            Fault::ConcurrentWrites { share } => format!("{kind}:{share}"),
            Fault::DropContext { service } => format!("{kind}:{service}"),
        }
    }
}

/// A delivery fault's target as written in a spec: a subscriber's key, or `broker` for all.
fn target_spec(service: &Option<String>) -> &str {
    service.as_deref().unwrap_or(BROKER)
}

/// The target that stands for every subscription at once.
pub const BROKER: &str = "broker";

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

    /// The share of the entry service's commits after which it crashes before its next step.
    pub fn crash_after_commit(&self) -> f64 {
        self.active
            .iter()
            .map(|f| if let Fault::CrashAfterCommit { share } = f { *share } else { 0.0 })
            .fold(0.0, f64::max)
    }

    /// The share of the relay's publishes after which it crashes before marking the row.
    pub fn relay_crash(&self) -> f64 {
        self.active.iter().map(|f| if let Fault::RelayCrash { share } = f { *share } else { 0.0 }).fold(0.0, f64::max)
    }

    /// The share of this service's compensations whose first attempt fails.
    pub fn compensation_fails(&self, key: &str) -> f64 {
        self.for_service(key)
            .map(|f| if let Fault::CompensationFails { share, .. } = f { *share } else { 0.0 })
            .fold(0.0, f64::max)
    }

    /// The share of orders that get two concurrent edits.
    pub fn concurrent_writes(&self) -> f64 {
        self.active
            .iter()
            .map(|f| if let Fault::ConcurrentWrites { share } = f { *share } else { 0.0 })
            .fold(0.0, f64::max)
    }

    pub fn projection_down(&self, projection: ProjectionKind) -> bool {
        self.active.iter().any(|f| matches!(f, Fault::ProjectionDown { projection: p } if *p == projection))
    }

    pub fn dashboard_bug(&self) -> bool {
        self.active.iter().any(|f| matches!(f, Fault::DashboardBug))
    }

    /// Whether any consumer drops the trace context (a cheap test before the one by name).
    pub fn any_drop_context(&self) -> bool {
        self.active.iter().any(|f| matches!(f, Fault::DropContext { .. }))
    }

    /// Whether this consumer drops the trace context of what it gets.
    pub fn drops_context(&self, key: &str) -> bool {
        self.for_service(key).any(|f| matches!(f, Fault::DropContext { .. }))
    }

    pub fn relay_down(&self) -> bool {
        self.active.iter().any(|f| matches!(f, Fault::RelayDown))
    }

    /// What the delivery faults do to one subscriber's wire, combined: a fault on the broker
    /// and one on the wire add up to the larger share.
    pub fn wire(&self, key: &str) -> WireFaults {
        let mut w = WireFaults::default();
        for f in &self.active {
            let applies = |s: &Option<String>| s.as_deref().is_none_or(|k| k == key);
            match f {
                Fault::Drop { service, share } if applies(service) => w.drop = w.drop.max(*share),
                Fault::Duplicate { service, share } if applies(service) => w.duplicate = w.duplicate.max(*share),
                Fault::Delay { service, share, extra_us } if applies(service) => {
                    w.delay = w.delay.max(*share);
                    w.delay_us = w.delay_us.max(*extra_us);
                }
                Fault::CrashBeforeAck { service, share } if service == key => {
                    w.crash_before_ack = w.crash_before_ack.max(*share)
                }
                Fault::Poison { service, order } if service == key => w.poison.push(*order),
                _ => {}
            }
        }
        w
    }
}

/// The delivery faults acting on one subscriber, looked up once when faults change rather
/// than on every delivery.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WireFaults {
    pub drop: f64,
    pub duplicate: f64,
    pub delay: f64,
    pub delay_us: Micros,
    pub crash_before_ack: f64,
    /// Orders whose `OrderPlaced` event this subscriber always fails on.
    pub poison: Vec<u64>,
}

impl WireFaults {
    pub fn any(&self) -> bool {
        *self != WireFaults::default()
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
errors:SERVICE:SHARE (e.g. errors:inventory:0.2), broker-down, drop:TARGET:SHARE (e.g. drop:email:0.1), \
duplicate:TARGET:SHARE (e.g. duplicate:broker:0.2), delay:TARGET:SHARE:DURATION (e.g. delay:email:0.3:400ms), \
crash-before-ack:SERVICE:SHARE, poison:SERVICE:ORDER (e.g. poison:payment:5), crash-after-commit:SHARE, \
relay-crash:SHARE, relay-down, compensation-fails:SERVICE:SHARE, \
projection-down:history|dashboard|emails, dashboard-bug, concurrent-writes:SHARE, drop-context:SERVICE; TARGET is a subscriber or \
broker (all of them); any of them may end in :FROM-UNTIL (e.g. broker-down:10s-20s, crash:email:5s-)";

impl FaultSpec {
    /// The spec as [`FaultSpec::parse`] reads it back, its window in seconds: `crash:email`,
    /// `broker-down:10s-20s`. Links, run files and the CLI's report all quote faults this way.
    pub fn text(&self) -> String {
        match (self.from_us, self.until_us) {
            (0, None) => self.fault.spec(),
            (from, None) => format!("{}:{}-", self.fault.spec(), seconds_text(from)),
            (from, Some(until)) => format!("{}:{}-{}", self.fault.spec(), seconds_text(from), seconds_text(until)),
        }
    }

    /// Parses a fault spec such as `slow:analytics:2000ms` or `broker-down:10s-20s`.
    pub fn parse(spec: &str) -> Result<FaultSpec, String> {
        let wrap = |why: String| format!("bad fault `{spec}`: {why}. Accepted forms: {FAULT_FORMS}");
        let parts: Vec<&str> = spec.split(':').collect();
        let (kind, rest) = parts.split_first().ok_or_else(|| wrap("it is empty".into()))?;
        let fault_kind = kind.parse::<FaultKind>().map_err(|_| wrap(format!("unknown fault kind `{kind}`")))?;
        let (fault, rest) = match fault_kind {
            FaultKind::Slow => match rest {
                [service, dur, tail @ ..] => {
                    let extra_us = parse_duration(dur).map_err(wrap)?;
                    (Fault::Slow { service: service.to_string(), extra_us }, tail)
                }
                _ => return Err(wrap("slow needs a service and a duration".into())),
            },
            FaultKind::Crash => match rest {
                [service, tail @ ..] => (Fault::Crash { service: service.to_string() }, tail),
                _ => return Err(wrap("crash needs a service".into())),
            },
            FaultKind::DropContext => match rest {
                [service, tail @ ..] => (Fault::DropContext { service: service.to_string() }, tail),
                _ => return Err(wrap("drop-context needs a service".into())),
            },
            FaultKind::Errors => match rest {
                [service, share, tail @ ..] => {
                    let rate: f64 =
                        share.parse().map_err(|_| wrap(format!("`{share}` is not a share between 0 and 1")))?;
                    (Fault::Errors { service: service.to_string(), rate }, tail)
                }
                _ => return Err(wrap("errors needs a service and a share".into())),
            },
            FaultKind::BrokerDown => (Fault::BrokerDown, rest),
            FaultKind::Drop | FaultKind::Duplicate => match rest {
                [target, share, tail @ ..] => {
                    let service = parse_target(target);
                    let share = parse_share(share).map_err(wrap)?;
                    let f = if fault_kind == FaultKind::Drop {
                        Fault::Drop { service, share }
                    } else {
                        Fault::Duplicate { service, share }
                    };
                    (f, tail)
                }
                _ => return Err(wrap(format!("{kind} needs a target and a share"))),
            },
            FaultKind::Delay => match rest {
                [target, share, dur, tail @ ..] => {
                    let share = parse_share(share).map_err(wrap)?;
                    let extra_us = parse_duration(dur).map_err(wrap)?;
                    (Fault::Delay { service: parse_target(target), share, extra_us }, tail)
                }
                _ => return Err(wrap("delay needs a target, a share and a duration".into())),
            },
            FaultKind::CrashBeforeAck => match rest {
                [service, share, tail @ ..] => {
                    let share = parse_share(share).map_err(wrap)?;
                    (Fault::CrashBeforeAck { service: service.to_string(), share }, tail)
                }
                _ => return Err(wrap("crash-before-ack needs a service and a share".into())),
            },
            FaultKind::Poison => match rest {
                [service, order, tail @ ..] => {
                    let order: u64 = order
                        .parse()
                        .ok()
                        .filter(|&o| o > 0)
                        .ok_or_else(|| wrap(format!("`{order}` is not an order number (1 or more)")))?;
                    (Fault::Poison { service: service.to_string(), order }, tail)
                }
                _ => return Err(wrap("poison needs a service and an order number".into())),
            },
            FaultKind::CrashAfterCommit | FaultKind::RelayCrash => match rest {
                [share, tail @ ..] => {
                    let share = parse_share(share).map_err(wrap)?;
                    let f = if fault_kind == FaultKind::RelayCrash {
                        Fault::RelayCrash { share }
                    } else {
                        Fault::CrashAfterCommit { share }
                    };
                    (f, tail)
                }
                _ => return Err(wrap(format!("{kind} needs a share"))),
            },
            FaultKind::RelayDown => (Fault::RelayDown, rest),
            FaultKind::DashboardBug => (Fault::DashboardBug, rest),
            FaultKind::ConcurrentWrites => match rest {
                [share, tail @ ..] => (Fault::ConcurrentWrites { share: parse_share(share).map_err(wrap)? }, tail),
                _ => return Err(wrap(format!("{kind} needs a share"))),
            },
            FaultKind::ProjectionDown => match rest {
                [name, tail @ ..] => {
                    let projection = ProjectionKind::parse(name).ok_or_else(|| {
                        wrap(format!("`{name}` is not a read model; they are history, dashboard and emails"))
                    })?;
                    (Fault::ProjectionDown { projection }, tail)
                }
                _ => return Err(wrap(format!("{kind} needs a read model: history, dashboard or emails"))),
            },
            FaultKind::CompensationFails => match rest {
                [service, share, tail @ ..] => {
                    let share = parse_share(share).map_err(wrap)?;
                    (Fault::CompensationFails { service: service.to_string(), share }, tail)
                }
                _ => return Err(wrap("compensation-fails needs a service and a share".into())),
            },
        };
        if fault.service() == Some("") {
            return Err(wrap("the service name is empty".into()));
        }
        let (from_us, until_us) = match rest {
            [] => (0, None),
            [window] => parse_window(window).map_err(wrap)?,
            _ => return Err(wrap("too many parts".into())),
        };
        if let Some(share) = fault.share() {
            if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
                return Err(wrap(format!("a share must be between 0 and 1, not {share}")));
            }
        }
        if let Fault::Slow { extra_us, .. } | Fault::Delay { extra_us, .. } = fault {
            if extra_us > MAX_SLOW_US {
                return Err(wrap(format!("a delay must be at most {} ms", MAX_SLOW_US / MS)));
            }
        }
        Ok(FaultSpec { fault, from_us, until_us })
    }
}

fn parse_target(target: &str) -> Option<String> {
    (target != BROKER).then(|| target.to_string())
}

fn parse_share(share: &str) -> Result<f64, String> {
    match share.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{share}` is not a share between 0 and 1")),
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
    fn parses_the_delivery_fault_forms() {
        assert_eq!(
            FaultSpec::parse("drop:email:0.1").unwrap().fault,
            Fault::Drop { service: Some("email".into()), share: 0.1 }
        );
        assert_eq!(
            FaultSpec::parse("duplicate:broker:0.2").unwrap().fault,
            Fault::Duplicate { service: None, share: 0.2 }
        );
        assert_eq!(
            FaultSpec::parse("delay:email:0.3:400ms:1s-2s").unwrap().fault,
            Fault::Delay { service: Some("email".into()), share: 0.3, extra_us: 400 * MS }
        );
        assert_eq!(
            FaultSpec::parse("crash-before-ack:payment:0.5").unwrap().fault,
            Fault::CrashBeforeAck { service: "payment".into(), share: 0.5 }
        );
        assert_eq!(
            FaultSpec::parse("poison:payment:5").unwrap().fault,
            Fault::Poison { service: "payment".into(), order: 5 }
        );
    }

    #[test]
    fn wire_faults_combine_the_broker_and_the_wire() {
        let mut set = FaultSet::default();
        set.inject(Fault::Drop { service: None, share: 0.1 });
        set.inject(Fault::Drop { service: Some("email".into()), share: 0.3 });
        set.inject(Fault::Poison { service: "email".into(), order: 4 });
        set.inject(Fault::Poison { service: "email".into(), order: 9 });
        assert_eq!(set.wire("email").drop, 0.3);
        assert_eq!(set.wire("email").poison, vec![4, 9]);
        assert_eq!(set.wire("sms").drop, 0.1);
        assert!(set.wire("sms").poison.is_empty());
        assert!(!FaultSet::default().wire("sms").any());
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
            "drop:email:2",
            "drop:email",
            "duplicate:broker:-0.5",
            "delay:email:0.5:-3ms",
            "delay:email:0.5",
            "crash-before-ack:email:NaN",
            "poison:email:0",
            "poison:email:first",
            "projection-down:ledger",
            "projection-down",
            "concurrent-writes:3",
            "dashboard-bug:now",
            "drop-context",
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
            Fault::Drop { service: None, share: 0.5 },
            Fault::Duplicate { service: Some("email".into()), share: 1.0 },
            Fault::Delay { service: Some("sms".into()), share: 0.25, extra_us: 300 * MS },
            Fault::CrashBeforeAck { service: "payment".into(), share: 0.1 },
            Fault::Poison { service: "payment".into(), order: 12 },
            Fault::CrashAfterCommit { share: 0.2 },
            Fault::RelayCrash { share: 1.0 },
            Fault::RelayDown,
            Fault::ProjectionDown { projection: ProjectionKind::Emails },
            Fault::DashboardBug,
            Fault::ConcurrentWrites { share: 0.25 },
            Fault::CompensationFails { service: "payment".into(), share: 0.5 },
            Fault::DropContext { service: "email".into() },
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
