//! The numbers a lesson can wait for and grade on, and the little conditions written over
//! them: `placed >= 20`, `lag:email > 50`, `slow.checkout_p95_ms > healthy.checkout_p95_ms + 1000`.
//!
//! Counters (orders placed, duplicates, ...) count from the start of the step, so that a
//! step can say "run 20 more orders"; levels (lag, queue, stock) are read as they are now;
//! percentiles cover the checkouts finished during the step.

use crate::consumer::{money, Effect};
use crate::metrics::Percentiles;
use crate::projection::ProjectionKind;
use crate::scenario::Scenario;
use crate::sim::Sim;
use crate::time::Micros;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    // Counters since the step started.
    Placed,
    Succeeded,
    Failed,
    Published,
    Processed,
    Duplicates,
    Skipped,
    OutOfOrder,
    Lost,
    Redeliveries,
    Dead,
    LostOrders,
    Republished,
    CommitCrashes,
    SagasCompleted,
    SagasCompensated,
    PaidTwice,
    SagaDone,
    SagaUndone,
    StreamConflicts,
    LostUpdates,
    EmailsResent,
    EmailsHeldBack,
    SchemaRefused,
    Unreadable,
    LagAlertFired,
    ErrorsAlertFired,
    EntryAlertFired,
    // Over the checkouts finished during the step.
    CheckoutP50Ms,
    CheckoutP95Ms,
    CheckoutP99Ms,
    FailedShare,
    OutgoingPerOrder,
    SlowestMs,
    CriticalMs,
    // Levels, as they are now.
    InFlight,
    Backlog,
    Buffered,
    CallsPerOrder,
    OrderServiceChanges,
    Lag,
    Queue,
    Dlq,
    Effect,
    Expected,
    Extra,
    StaleP95Ms,
    OutboxPending,
    SagasRunning,
    SagasStuck,
    SagaHeld,
    LogEvents,
    ProjectionLag,
    ProjectionLagMs,
    ProjectionWrong,
    ProjectionStaleP95Ms,
    RebuildReplayed,
    RebuildMs,
    ProducerVersion,
    ReaderVersion,
    SchemaVersions,
    TracesPerOrder,
}

/// What a measure names after its colon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// Nothing: it is about the whole lab.
    None,
    /// A service: `lag:email`.
    Service,
    /// A read model of the event store: `projection_lag:history`.
    ReadModel,
}

/// Every measure: its name in conditions, what it names after a colon, and what it means.
pub const MEASURES: [(&str, Kind, Param, &str); 62] = [
    ("placed", Kind::Placed, Param::None, "orders placed during the step"),
    ("succeeded", Kind::Succeeded, Param::None, "checkouts that succeeded during the step"),
    ("failed", Kind::Failed, Param::None, "checkouts that failed during the step"),
    ("published", Kind::Published, Param::None, "events the broker stored during the step"),
    ("processed", Kind::Processed, Param::Service, "work the service finished during the step"),
    ("duplicates", Kind::Duplicates, Param::Service, "times the service applied an event twice, during the step"),
    ("skipped", Kind::Skipped, Param::Service, "duplicates an idempotent service skipped, during the step"),
    ("out_of_order", Kind::OutOfOrder, Param::Service, "cancellations processed before their order, during the step"),
    ("lost", Kind::Lost, Param::Service, "events lost on the way to the service, during the step"),
    ("redeliveries", Kind::Redeliveries, Param::Service, "events the broker delivered again, during the step"),
    ("dead", Kind::Dead, Param::Service, "events dead-lettered during the step"),
    (
        "lost_orders",
        Kind::LostOrders,
        Param::None,
        "orders saved whose event never reached the broker, during the step",
    ),
    (
        "republished",
        Kind::Republished,
        Param::None,
        "outbox rows the broker stored a second time after a relay crash, during the step",
    ),
    (
        "commit_crashes",
        Kind::CommitCrashes,
        Param::None,
        "times the Order Service died right after a commit, during the step",
    ),
    ("sagas_completed", Kind::SagasCompleted, Param::None, "sagas that completed during the step"),
    (
        "sagas_compensated",
        Kind::SagasCompensated,
        Param::None,
        "sagas whose completed steps were all undone, during the step",
    ),
    ("paid_twice", Kind::PaidTwice, Param::None, "saga compensations that paid out a second time, during the step"),
    (
        "saga_done",
        Kind::SagaDone,
        Param::Service,
        "what the service's saga step did during the step: items reserved, or cents charged",
    ),
    (
        "saga_undone",
        Kind::SagaUndone,
        Param::Service,
        "what the service's compensation gave back during the step: items, or cents",
    ),
    (
        "checkout_p50_ms",
        Kind::CheckoutP50Ms,
        Param::None,
        "median checkout time in ms, of checkouts placed during the step",
    ),
    (
        "checkout_p95_ms",
        Kind::CheckoutP95Ms,
        Param::None,
        "95th percentile checkout time in ms, of checkouts placed during the step",
    ),
    (
        "checkout_p99_ms",
        Kind::CheckoutP99Ms,
        Param::None,
        "99th percentile checkout time in ms, of checkouts placed during the step",
    ),
    ("failed_share", Kind::FailedShare, Param::None, "share of checkouts that failed during the step, 0 to 1"),
    (
        "outgoing_per_order",
        Kind::OutgoingPerOrder,
        Param::None,
        "messages the Order Service sent per order, during the step",
    ),
    ("in_flight", Kind::InFlight, Param::None, "checkouts still waiting for an answer"),
    ("backlog", Kind::Backlog, Param::None, "events the broker holds and has not handed out"),
    ("buffered", Kind::Buffered, Param::None, "events the Order Service holds while the broker is down"),
    ("calls_per_order", Kind::CallsPerOrder, Param::None, "messages the Order Service must send per order now"),
    ("order_service_changes", Kind::OrderServiceChanges, Param::None, "times the Order Service had to change"),
    ("lag", Kind::Lag, Param::Service, "events published but not yet processed by the service"),
    ("queue", Kind::Queue, Param::Service, "work waiting at the service"),
    ("dlq", Kind::Dlq, Param::Service, "events in the service's dead-letter queue"),
    (
        "effect",
        Kind::Effect,
        Param::Service,
        "the service's side effect: count, stock or cents charged (shown as money)",
    ),
    ("expected", Kind::Expected, Param::Service, "what the side effect would be with every event applied once"),
    ("extra", Kind::Extra, Param::Service, "how far the side effect is off: duplicates and gaps"),
    (
        "stale_p95_ms",
        Kind::StaleP95Ms,
        Param::Service,
        "95th percentile time from publish to processed, recent events, in ms",
    ),
    ("outbox_pending", Kind::OutboxPending, Param::None, "outbox rows committed and not yet marked sent"),
    ("sagas_running", Kind::SagasRunning, Param::None, "sagas going forward or compensating now"),
    (
        "sagas_stuck",
        Kind::SagasStuck,
        Param::None,
        "sagas that nothing will ever move on: no message, no work, no timer",
    ),
    (
        "saga_held",
        Kind::SagaHeld,
        Param::Service,
        "what the service's saga step holds now: what it did less what it gave back",
    ),
    (
        "stream_conflicts",
        Kind::StreamConflicts,
        Param::None,
        "appends refused for a stale expected version (each retried), during the step",
    ),
    (
        "lost_updates",
        Kind::LostUpdates,
        Param::None,
        "order rows whose change a second writer overwrote unseen, during the step",
    ),
    (
        "emails_resent",
        Kind::EmailsResent,
        Param::None,
        "emails the emails read model sent again in a replay, during the step",
    ),
    (
        "emails_held_back",
        Kind::EmailsHeldBack,
        Param::None,
        "emails the replay guard kept from being sent again, during the step",
    ),
    ("log_events", Kind::LogEvents, Param::None, "events in the entry service's event store"),
    ("projection_lag", Kind::ProjectionLag, Param::ReadModel, "events in the log the read model has not applied"),
    (
        "projection_lag_ms",
        Kind::ProjectionLagMs,
        Param::ReadModel,
        "how long the oldest event the read model has not applied has waited, in ms",
    ),
    (
        "projection_wrong",
        Kind::ProjectionWrong,
        Param::ReadModel,
        "1 if the read model's figures differ from the fold of the log up to its position, else 0",
    ),
    (
        "projection_stale_p95_ms",
        Kind::ProjectionStaleP95Ms,
        Param::ReadModel,
        "95th percentile time from append to applied, recent events, in ms",
    ),
    (
        "rebuild_replayed",
        Kind::RebuildReplayed,
        Param::ReadModel,
        "events the read model's latest finished rebuild read",
    ),
    ("rebuild_ms", Kind::RebuildMs, Param::ReadModel, "how long the read model's latest finished rebuild took, in ms"),
    ("schema_refused", Kind::SchemaRefused, Param::None, "schemas the registry refused, during the step"),
    (
        "unreadable",
        Kind::Unreadable,
        Param::Service,
        "events the service failed on because its reader schema cannot read them, during the step",
    ),
    (
        "producer_version",
        Kind::ProducerVersion,
        Param::None,
        "the schema version the entry event's producer writes now",
    ),
    (
        "reader_version",
        Kind::ReaderVersion,
        Param::Service,
        "the schema version the service reads the entry event with now",
    ),
    ("schema_versions", Kind::SchemaVersions, Param::None, "versions of the entry event's schema registered now"),
    (
        "lag_alert_fired",
        Kind::LagAlertFired,
        Param::Service,
        "times the service's lag alert started firing, during the step",
    ),
    (
        "errors_alert_fired",
        Kind::ErrorsAlertFired,
        Param::Service,
        "times the service's error-rate alert started firing, during the step",
    ),
    (
        "entry_alert_fired",
        Kind::EntryAlertFired,
        Param::None,
        "times the alert on the entry request's error rate started firing, during the step",
    ),
    ("slowest_ms", Kind::SlowestMs, Param::None, "response time in ms of the slowest checkout placed during the step"),
    (
        "critical_ms",
        Kind::CriticalMs,
        Param::Service,
        "of the slowest successful checkout placed during the step, the ms of its critical path spent at the service (a call counts whole, network included)",
    ),
    (
        "traces_per_order",
        Kind::TracesPerOrder,
        Param::None,
        "the most traces the work of one order placed during the step is split into (of the latest 50): 1 when the context travels",
    ),
];

impl Kind {
    fn is_counter(self) -> bool {
        self <= Kind::EntryAlertFired
    }
}

/// A measure of the lab, perhaps of one service, perhaps as recorded under a name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ref {
    pub record: Option<String>,
    pub kind: Kind,
    pub service: Option<u16>,
    pub projection: Option<ProjectionKind>,
    /// The measure as written, without the record: `lag:email`.
    pub key: String,
    /// The value is money in cents (the side effect of a service that charges): it reads
    /// as money, `$1,114.08`, not as a count.
    pub money: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Num(f64),
    /// A measure, then optionally `+ n`, `- n` or `* n`.
    Ref(Ref, char, f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub left: Operand,
    pub cmp: Cmp,
    pub right: Operand,
}

const FORM: &str = "write it as `measure op value`, with spaces, e.g. `placed >= 20`, `lag:email > 50` or \
`slow.checkout_p95_ms > healthy.checkout_p95_ms + 1000`; op is one of > >= < <= == !=";

pub fn measure_names() -> String {
    MEASURES
        .iter()
        .map(|m| match m.2 {
            Param::None => m.0.to_string(),
            Param::Service => format!("{}:SERVICE", m.0),
            Param::ReadModel => format!("{}:READ_MODEL", m.0),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Ref {
    /// Reads `[record.]name[:service]`; services are resolved against the scenario.
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Ref, String> {
        let (record, rest) = match text.split_once('.') {
            Some((r, m)) if !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => {
                (Some(r.to_string()), m)
            }
            _ => (None, text),
        };
        let (name, service) = match rest.split_once(':') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        let Some(&(_, kind, param, _)) = MEASURES.iter().find(|m| m.0 == name) else {
            return Err(format!("unknown measure `{name}`; measures are {}", measure_names()));
        };
        if param == Param::ReadModel {
            let Some(p) = service else {
                return Err(format!("`{name}` needs a read model, as in `{name}:history`"));
            };
            let projection = ProjectionKind::parse(p).ok_or_else(|| {
                format!("`{text}` names read model `{p}`; the read models are history, dashboard and emails")
            })?;
            return Ok(Ref {
                record,
                kind,
                service: None,
                projection: Some(projection),
                key: rest.to_string(),
                money: false,
            });
        }
        let per_service = param == Param::Service;
        let service = match (per_service, service) {
            (true, Some(key)) => match scenario.catalog_index(key) {
                Some(i) => Some(i as u16),
                None => {
                    let keys: Vec<&str> = scenario.catalog.iter().map(|s| s.key.as_str()).collect();
                    return Err(format!(
                        "`{text}` names service `{key}`, which the {} scenario does not have; it has {}",
                        scenario.id,
                        keys.join(", ")
                    ));
                }
            },
            (true, None) => return Err(format!("`{name}` needs a service, as in `{name}:email`")),
            (false, Some(_)) => return Err(format!("`{name}` is about the whole lab; it takes no `:service`")),
            (false, None) => None,
        };
        let saga_money = |i: u16| {
            scenario.saga.as_ref().and_then(|g| g.step_of(i).map(|k| g.steps[k].books == crate::saga::Books::Money))
                == Some(true)
        };
        let money = (matches!(kind, Kind::Effect | Kind::Expected | Kind::Extra)
            && service.is_some_and(|i| scenario.catalog[i as usize].effect == Effect::Money))
            || (matches!(kind, Kind::SagaDone | Kind::SagaUndone | Kind::SagaHeld) && service.is_some_and(saga_money));
        Ok(Ref { record, kind, service, projection: None, key: rest.to_string(), money })
    }
}

impl Condition {
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Condition, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let bad = |why: &str| format!("condition `{text}`: {why}; {FORM}");
        let Some(at) = words.iter().position(|w| cmp(w).is_some()) else {
            return Err(bad("no comparison"));
        };
        let cmp = cmp(words[at]).unwrap_or(Cmp::Eq);
        let operand = |ws: &[&str]| -> Result<Operand, String> {
            let num = |w: &str| w.parse::<f64>().ok().filter(|v| v.is_finite());
            match ws {
                [] => Err(bad("a side is empty")),
                [w] => match num(w) {
                    Some(v) => Ok(Operand::Num(v)),
                    None => Ok(Operand::Ref(Ref::parse(w, scenario)?, '+', 0.0)),
                },
                [w, op @ ("+" | "-" | "*"), n] => {
                    let v = num(n).ok_or_else(|| bad(&format!("`{n}` is not a number")))?;
                    Ok(Operand::Ref(Ref::parse(w, scenario)?, op.chars().next().unwrap_or('+'), v))
                }
                _ => Err(bad(&format!("cannot read `{}`", ws.join(" ")))),
            }
        };
        Ok(Condition { left: operand(&words[..at])?, cmp, right: operand(&words[at + 1..])? })
    }

    /// The measures it reads.
    pub fn refs(&self) -> impl Iterator<Item = &Ref> {
        [&self.left, &self.right].into_iter().filter_map(|o| match o {
            Operand::Ref(r, ..) => Some(r),
            Operand::Num(_) => None,
        })
    }

    /// True or false, given the value of each measure; `None` if one is unknown.
    pub fn holds(&self, value: &dyn Fn(&Ref) -> Option<f64>) -> Option<bool> {
        let side = |o: &Operand| match o {
            Operand::Num(v) => Some(*v),
            Operand::Ref(r, op, n) => value(r).map(|v| match op {
                '+' => v + n,
                '-' => v - n,
                _ => v * n,
            }),
        };
        let (l, r) = (side(&self.left)?, side(&self.right)?);
        Some(match self.cmp {
            Cmp::Gt => l > r,
            Cmp::Ge => l >= r,
            Cmp::Lt => l < r,
            Cmp::Le => l <= r,
            Cmp::Eq => l == r,
            Cmp::Ne => l != r,
        })
    }
}

fn cmp(w: &str) -> Option<Cmp> {
    Some(match w {
        ">" => Cmp::Gt,
        ">=" => Cmp::Ge,
        "<" => Cmp::Lt,
        "<=" => Cmp::Le,
        "==" => Cmp::Eq,
        "!=" => Cmp::Ne,
        _ => return None,
    })
}

impl Kind {
    /// A level read as it is now (a lag, a queue), rather than a count since the step began.
    pub fn is_level(self) -> bool {
        self >= Kind::InFlight
    }
}

impl Condition {
    /// The level the condition watches, such as the lag in `lag:email == 0`, if it watches
    /// one: waiting on it means watching something fill or drain, which the page keeps on
    /// camera while it changes.
    pub fn level(&self) -> Option<&Ref> {
        match &self.left {
            Operand::Ref(r, ..) if r.kind.is_level() => Some(r),
            _ => None,
        }
    }
}

/// Counter values when a step started, so counters can be read as "during the step".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Baseline {
    pub start_us: Micros,
    counters: Vec<u64>,
}

const COUNTERS: [Kind; 28] = [
    Kind::Placed,
    Kind::Succeeded,
    Kind::Failed,
    Kind::Published,
    Kind::Processed,
    Kind::Duplicates,
    Kind::Skipped,
    Kind::OutOfOrder,
    Kind::Lost,
    Kind::Redeliveries,
    Kind::Dead,
    Kind::LostOrders,
    Kind::Republished,
    Kind::CommitCrashes,
    Kind::SagasCompleted,
    Kind::SagasCompensated,
    Kind::PaidTwice,
    Kind::SagaDone,
    Kind::SagaUndone,
    Kind::StreamConflicts,
    Kind::LostUpdates,
    Kind::EmailsResent,
    Kind::EmailsHeldBack,
    Kind::SchemaRefused,
    Kind::Unreadable,
    Kind::LagAlertFired,
    Kind::ErrorsAlertFired,
    Kind::EntryAlertFired,
];

impl Baseline {
    pub fn of(sim: &Sim) -> Baseline {
        let n = sim.scenario().catalog.len() + 1;
        let mut counters = Vec::with_capacity(COUNTERS.len() * n);
        for k in COUNTERS {
            for s in 0..n {
                counters.push(counter(sim, k, (s > 0).then(|| s as u16 - 1)));
            }
        }
        Baseline { start_us: sim.now(), counters }
    }

    fn at(&self, kind: Kind, service: Option<u16>, services: usize) -> u64 {
        let k = COUNTERS.iter().position(|&c| c == kind).unwrap_or(0);
        let s = service.map_or(0, |i| i as usize + 1);
        self.counters.get(k * (services + 1) + s).copied().unwrap_or(0)
    }
}

fn counter(sim: &Sim, kind: Kind, service: Option<u16>) -> u64 {
    let h = sim.headline();
    let sub = |i: u16| sim.subscription(i);
    let con = |i: u16| sim.consumer(i);
    match (kind, service) {
        (Kind::Placed, _) => h.placed,
        (Kind::Succeeded, _) => h.succeeded,
        (Kind::Failed, _) => h.failed,
        (Kind::Published, _) => h.published,
        (Kind::Processed, Some(i)) => sim.service_view(i).processed,
        (Kind::Duplicates, Some(i)) => con(i).duplicates,
        (Kind::Skipped, Some(i)) => con(i).skipped,
        (Kind::OutOfOrder, Some(i)) => con(i).out_of_order,
        (Kind::Lost, Some(i)) => sub(i).lost(),
        (Kind::Redeliveries, Some(i)) => sub(i).redeliveries,
        (Kind::Dead, Some(i)) => sub(i).dead,
        (Kind::LostOrders, _) => sim.outbox().lost.total(),
        (Kind::Republished, _) => sim.outbox().republished,
        (Kind::CommitCrashes, _) => sim.outbox().commit_crashes,
        (Kind::SagasCompleted, _) => sim.sagas().map_or(0, |v| v.completed),
        (Kind::SagasCompensated, _) => sim.sagas().map_or(0, |v| v.compensated),
        (Kind::PaidTwice, _) => sim.sagas().map_or(0, |v| v.paid_twice),
        (Kind::SagaDone, Some(i)) => saga_books(sim, i).map_or(0, |b| b.done.max(0) as u64),
        (Kind::SagaUndone, Some(i)) => saga_books(sim, i).map_or(0, |b| b.undone.max(0) as u64),
        (Kind::StreamConflicts, _) => sim.sourcing_view().conflicts,
        (Kind::LostUpdates, _) => sim.sourcing_view().lost_updates,
        (Kind::EmailsResent, _) => sim.projection_view(ProjectionKind::Emails).emails.resent,
        (Kind::EmailsHeldBack, _) => sim.projection_view(ProjectionKind::Emails).emails.held_back,
        (Kind::SchemaRefused, _) => sim.schema_view().map_or(0, |v| v.refused),
        (Kind::Unreadable, Some(i)) => sim.schema_view().map_or(0, |v| v.unreadable[i as usize]),
        (Kind::LagAlertFired, Some(i)) => fired(sim, crate::alerting::Signal::Lag { service: i }),
        (Kind::ErrorsAlertFired, Some(i)) => fired(sim, crate::alerting::Signal::Errors { service: i }),
        (Kind::EntryAlertFired, _) => fired(sim, crate::alerting::Signal::EntryErrors),
        _ => 0,
    }
}

/// Times the alert on `signal` started firing so far.
fn fired(sim: &Sim, signal: crate::alerting::Signal) -> u64 {
    let Some(k) = sim.alerts().iter().position(|a| a.rule.signal == signal) else { return 0 };
    sim.alert_fired(k)
}

/// The slowest checkout placed since `start_us` and answered by now, successfully (a failed
/// one may have stopped waiting at a timeout).
fn slowest_since(sim: &Sim, start_us: Micros) -> Option<&crate::metrics::CheckoutSample> {
    sim.checkout_samples()
        .filter(|s| s.ok && s.done_us - s.latency_us >= start_us)
        .max_by_key(|s| (s.latency_us, std::cmp::Reverse(s.order)))
}

/// The books of the saga step service `i` does, if it does one.
fn saga_books(sim: &Sim, i: u16) -> Option<crate::saga::StepBooks> {
    let k = sim.scenario().saga.as_ref()?.step_of(i)?;
    sim.sagas().map(|v| v.books[k])
}

/// The value of a measure now, counters counted from `base`.
pub fn value(sim: &Sim, base: &Baseline, r: &Ref) -> f64 {
    let services = sim.scenario().catalog.len();
    if r.kind.is_counter() {
        return counter(sim, r.kind, r.service).saturating_sub(base.at(r.kind, r.service, services)) as f64;
    }
    // Checkouts placed during the step (and answered by now): a step that changes the lab
    // (a fault, the wiring) then measures only checkouts that met the change, never ones
    // still finishing from before it.
    let window = || sim.response_placed_between(base.start_us, sim.now() + 1);
    let ms = |us: Micros| us as f64 / 1_000.0;
    let i = r.service.unwrap_or(0);
    match r.kind {
        Kind::CheckoutP50Ms => ms(window().p50_us),
        Kind::CheckoutP95Ms => ms(window().p95_us),
        Kind::CheckoutP99Ms => ms(window().p99_us),
        Kind::FailedShare => {
            let ok = counter(sim, Kind::Succeeded, None) - base.at(Kind::Succeeded, None, services);
            let bad = counter(sim, Kind::Failed, None) - base.at(Kind::Failed, None, services);
            if ok + bad == 0 {
                0.0
            } else {
                bad as f64 / (ok + bad) as f64
            }
        }
        Kind::OutgoingPerOrder => sim.outgoing_per_order_since(base.start_us).unwrap_or(0.0),
        Kind::SlowestMs => slowest_since(sim, base.start_us).map_or(0.0, |s| ms(s.latency_us)),
        Kind::CriticalMs => slowest_since(sim, base.start_us).map_or(0.0, |s| {
            // A call counts whole, network both ways included: its client span, which holds
            // the callee's server span. A delivery counts as its consumer span.
            let t = sim.trace_of(s.order);
            let at = crate::message::Node::Service(i);
            let handled = |k| matches!(k, crate::otlp::SpanKind::Server | crate::otlp::SpanKind::Consumer);
            let whole = |x: &crate::trace::TracedSpan| {
                let caller = x.span.parent.and_then(|p| t.index_of(p)).map(|k| &t.spans[k]);
                match caller {
                    Some(c) if c.span.kind == crate::otlp::SpanKind::Client && c.critical => c.duration_us(),
                    _ => x.duration_us(),
                }
            };
            ms(t.spans.iter().filter(|x| x.critical && x.node == at && handled(x.span.kind)).map(whole).sum())
        }),
        Kind::TracesPerOrder => sim
            .checkout_samples()
            .rev()
            .filter(|s| s.done_us - s.latency_us >= base.start_us)
            .take(50)
            .map(|s| sim.trace_of(s.order).traces().len())
            .max()
            .unwrap_or(0) as f64,
        Kind::InFlight => sim.headline().in_flight as f64,
        Kind::Backlog => sim.broker_backlog() as f64,
        Kind::Buffered => sim.headline().buffered as f64,
        Kind::CallsPerOrder => sim.calls_per_order() as f64,
        Kind::OrderServiceChanges => sim.order_service_changes() as f64,
        Kind::Lag => sim.subscription(i).lag() as f64,
        Kind::Queue => sim.service_view(i).queue as f64,
        Kind::Dlq => sim.subscription(i).dlq.len() as f64,
        Kind::Effect => sim.consumer(i).value as f64,
        Kind::Expected => sim.consumer(i).expected as f64,
        Kind::Extra => (sim.consumer(i).value - sim.consumer(i).expected).unsigned_abs() as f64,
        Kind::StaleP95Ms => ms(Percentiles::of(sim.subscription(i).delays.iter().copied().collect()).p95_us),
        Kind::OutboxPending => sim.outbox().pending_total as f64,
        Kind::SagasRunning => sim.sagas().map_or(0, |v| v.running) as f64,
        Kind::SagasStuck => sim.sagas().map_or(0, |v| v.stuck) as f64,
        Kind::SagaHeld => saga_books(sim, i).map_or(0, |b| b.done - b.undone) as f64,
        Kind::LogEvents => sim.log_events() as f64,
        Kind::ProducerVersion | Kind::ReaderVersion | Kind::SchemaVersions => {
            // The entry event's subject, or the first one a system declares.
            let v = sim.schema_view();
            let s = v.as_ref().and_then(|v| {
                v.subjects.iter().find(|s| s.mtype == crate::message::MessageType::ENTRY).or(v.subjects.first())
            });
            s.map_or(0.0, |s| match r.kind {
                Kind::ProducerVersion => s.producer as f64,
                Kind::ReaderVersion => s.readers[i as usize] as f64,
                _ => s.versions.len() as f64,
            })
        }
        Kind::ProjectionLag
        | Kind::ProjectionLagMs
        | Kind::ProjectionWrong
        | Kind::ProjectionStaleP95Ms
        | Kind::RebuildReplayed
        | Kind::RebuildMs => {
            let p = sim.projection_view(r.projection.unwrap_or(ProjectionKind::History));
            match r.kind {
                Kind::ProjectionLag => p.lag_events as f64,
                Kind::ProjectionLagMs => ms(p.lag_us),
                Kind::ProjectionWrong => p.wrong() as u8 as f64,
                Kind::ProjectionStaleP95Ms => ms(p.stale.p95_us),
                Kind::RebuildReplayed => p.last_rebuild.map_or(0, |d| d.replayed) as f64,
                _ => p.last_rebuild.map_or(0.0, |d| ms(d.took_us)),
            }
        }
        _ => unreachable!("counters are read above"),
    }
}

/// How a value reads in feedback: milliseconds rounded, shares as percentages, money as
/// money.
pub fn format_value(r: &Ref, v: f64) -> String {
    if r.money {
        return money(v.round() as i64);
    }
    match r.kind {
        Kind::CheckoutP50Ms
        | Kind::CheckoutP95Ms
        | Kind::CheckoutP99Ms
        | Kind::StaleP95Ms
        | Kind::ProjectionLagMs
        | Kind::ProjectionStaleP95Ms
        | Kind::RebuildMs
        | Kind::SlowestMs
        | Kind::CriticalMs => format!("{v:.0} ms"),
        Kind::FailedShare => format!("{:.0}%", v * 100.0),
        Kind::OutgoingPerOrder => format!("{v:.1}"),
        Kind::Effect | Kind::Expected | Kind::Extra if v.fract() != 0.0 => format!("{v:.1}"),
        _ => format!("{v:.0}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_read_measures_services_records_and_arithmetic() {
        let s = Scenario::checkout();
        let c = Condition::parse("slow.checkout_p95_ms > healthy.checkout_p95_ms + 1000", &s).unwrap();
        let refs: Vec<_> = c.refs().map(|r| (r.record.clone().unwrap(), r.key.clone())).collect();
        assert_eq!(refs, [("slow".into(), "checkout_p95_ms".into()), ("healthy".into(), "checkout_p95_ms".into())]);
        let v = |r: &Ref| Some(if r.record.as_deref() == Some("slow") { 2500.0 } else { 1000.0 });
        assert_eq!(c.holds(&v), Some(true));
        let c = Condition::parse("lag:email >= 50", &s).unwrap();
        assert_eq!(c.refs().next().unwrap().service, Some(s.catalog_index("email").unwrap() as u16));
        assert_eq!(c.holds(&|_| Some(49.0)), Some(false));
        assert_eq!(c.holds(&|_| None), None);
    }

    #[test]
    fn money_measures_read_as_money_and_counts_as_counts() {
        let s = Scenario::checkout();
        let r = |t: &str| Ref::parse(t, &s).unwrap();
        assert_eq!(format_value(&r("extra:payment"), 111_408.0), "$1,114.08");
        assert_eq!(format_value(&r("dup.effect:payment"), 2_000.0), "$20.00");
        assert_eq!(format_value(&r("expected:payment"), 0.0), "$0.00");
        assert_eq!(format_value(&r("extra:inventory"), 3.0), "3");
        assert_eq!(format_value(&r("duplicates:payment"), 4.0), "4", "a count of a paying service is a count");
        let rides = Scenario::ride_sharing();
        assert_eq!(format_value(&Ref::parse("effect:pricing", &rides).unwrap(), 123_456.0), "$1,234.56");
    }

    #[test]
    fn bad_conditions_say_what_is_wrong() {
        let s = Scenario::checkout();
        let err = |t: &str| Condition::parse(t, &s).unwrap_err();
        assert!(err("placed 20").contains("no comparison"));
        assert!(err("lag:mail > 5").contains("does not have"));
        assert!(err("lag > 5").contains("needs a service"));
        assert!(err("placed:email > 5").contains("takes no"));
        assert!(err("speed > 5").contains("unknown measure `speed`"));
        assert!(err("placed > five").contains("unknown measure"));
        assert!(err("placed > lag:email + x").contains("not a number"));
        assert!(err("projection_lag > 5").contains("needs a read model"));
        assert!(err("projection_lag:ledger > 5").contains("history, dashboard and emails"));
        let r = Ref::parse("after.projection_wrong:dashboard", &s).unwrap();
        assert_eq!(
            (r.projection, r.service, r.key.as_str()),
            (Some(ProjectionKind::Dashboard), None, "projection_wrong:dashboard")
        );
        assert!(err("placed >").contains("empty"));
    }

    #[test]
    fn counters_count_from_the_step_and_levels_read_now() {
        let mut sim = Sim::from_setup(&crate::sim::Setup::default()).unwrap();
        sim.run_until(10 * crate::time::SEC);
        let base = Baseline::of(&sim);
        let s = sim.scenario().clone();
        let placed = Ref::parse("placed", &s).unwrap();
        assert_eq!(value(&sim, &base, &placed), 0.0);
        sim.run_until(20 * crate::time::SEC);
        let during = value(&sim, &base, &placed);
        assert!(during > 5.0 && (during as u64) < sim.headline().placed, "{during}");
        let p95 = value(&sim, &base, &Ref::parse("checkout_p95_ms", &s).unwrap());
        // In milliseconds: event-driven, four hops of ~0.2 s each and the Order Service's
        // work, about 1 s at p95 (neither ~1 as seconds nor ~1,000,000 as microseconds).
        assert!(p95 > 500.0 && p95 < 2_000.0, "{p95}");
        assert_eq!(value(&sim, &base, &Ref::parse("calls_per_order", &s).unwrap()), 1.0);
    }
}
