//! The run told in words, for the event log, the announcer and the scene summary. The core
//! records what happened as typed notes (`fanout_sim::narration`); this is the one place that
//! puts them, and the faults and failures they name, into English, with the scenario's words
//! (`order` or `trip`, `OrderPlaced` or `TripBooked`).

use crate::state::capitalise;
use fanout_sim::compat::{Compatibility, Conflict, Direction, Incompatible};
use fanout_sim::fault::Fault;
use fanout_sim::narration::{FailCause, Note, NoteKind, SettingNote};
use fanout_sim::outbox::POLL_US;
use fanout_sim::projection::ProjectionKind;
use fanout_sim::saga::{SagaStyle, SagaWhat};
use fanout_sim::scenario::Scenario;
use fanout_sim::scenario::{Publishing, Storage};
use fanout_sim::schema_registry::Outcome;
use fanout_sim::subscription::FailureKind;
use fanout_sim::time::{human, MS};

/// A line of the log in words. The scenario gives the names and the words (`order` or `trip`,
/// `OrderPlaced` or `TripBooked`); the checkout shop's lines read as they always have.
pub fn note_text(note: &Note, sc: &Scenario) -> String {
    let name = |i: u16| sc.catalog[i as usize].name.as_str();
    let o = note.order;
    let (noun, req, svc, event) = (&sc.noun, &sc.request_noun, &sc.order_service.name, &sc.event_name);
    match &note.kind {
        NoteKind::OrderPlaced => format!("{} {o} {}", capitalise(noun), sc.placed_verb),
        NoteKind::Confirmed { latency_us } => {
            format!("{} {o} confirmed in {}", capitalise(req), human(*latency_us))
        }
        NoteKind::Failed { cause } => match *cause {
            FailCause::Timeout(s) => {
                format!("{} did not answer within {}: {req} {o} failed", name(s), human(sc.call_timeout_us))
            }
            FailCause::Down(s) => format!("{} is down: {req} {o} failed", name(s)),
            FailCause::Error(s) => format!("{} returned an error: {req} {o} failed", name(s)),
            FailCause::Busy(s) => format!("{} is overloaded: {req} {o} failed", name(s)),
            FailCause::BrokerDown => format!("The broker is down: {req} {o} failed"),
            FailCause::OrdersDown => format!("The {svc} is down: {req} {o} failed"),
            FailCause::OrdersError => format!("The {svc} could not save {noun} {o}"),
            FailCause::OrdersBusy => format!("The {svc} is overloaded: {req} {o} failed"),
            FailCause::CrashedAfterCommit => format!("The {svc} crashed before answering: {req} {o} failed"),
        },
        NoteKind::CrashedAfterCommit { kept: false } => format!(
            "The {svc} crashed after saving {noun} {o} and before publishing: the {noun} exists, but no {event} \
             will ever announce it"
        ),
        NoteKind::CrashedAfterCommit { kept: true } => format!(
            "The {svc} crashed after saving {noun} {o}; its outbox row was saved in the same transaction, so the \
             relay will still publish {event}"
        ),
        NoteKind::RelayCrashed { event: e } => format!(
            "The outbox relay crashed after publishing event {e} ({noun} {o}) and before marking it sent: it will \
             publish it again"
        ),
        NoteKind::SagaMessageLost { mtype, to } => {
            let to = match to {
                fanout_sim::Node::Service(i) => name(*i).to_string(),
                _ => format!("the {svc}"),
            };
            format!("{} for {noun} {o} was lost on its way to {to}", sc.type_name(*mtype))
        }
        NoteKind::SagaStepRefused { step } => {
            format!("{} refused {noun} {o}: its saga had already been undone there", step_service(sc, *step))
        }
        NoteKind::SagaStepFailed { step } => {
            format!("{}: {} for {noun} {o}", step_service(sc, *step), step_name(sc, *step, SagaWhat::Failed))
        }
        NoteKind::SagaStepTimedOut { step } => format!(
            "The orchestrator gave up waiting for {} on {noun} {o}: compensating, in case it happened after all",
            step_service(sc, *step)
        ),
        NoteKind::SagaCompensating { owed } => format!(
            "{noun_c} {o}'s saga failed: {} owed, the newest first",
            crate::words::count(*owed as u64, "compensation"),
            noun_c = capitalise(noun)
        ),
        NoteKind::SagaUndone { step, again: false } => {
            format!("{} for {noun} {o}: {}", step_service(sc, *step), step_name(sc, *step, SagaWhat::Undone))
        }
        NoteKind::SagaUndone { step, again: true } => format!(
            "{} paid out again for {noun} {o} ({}): a second time, since it does not check what it already did",
            step_service(sc, *step),
            step_name(sc, *step, SagaWhat::Undo)
        ),
        NoteKind::SagaUndoSkipped { step } => format!(
            "{} had already done {} for {noun} {o}: skipped",
            step_service(sc, *step),
            step_name(sc, *step, SagaWhat::Undo)
        ),
        NoteKind::SagaUndoFailed { step } => format!(
            "{} failed after {} for {noun} {o}, before it could say so: it will be tried again",
            step_service(sc, *step),
            step_name(sc, *step, SagaWhat::Undo)
        ),
        NoteKind::SagaTimedOut => format!(
            "{noun_c} {o}'s saga ran out of time: the {svc} announced {}",
            sc.saga.as_ref().map_or("", |g| g.abort_name.as_str()),
            noun_c = capitalise(noun)
        ),
        NoteKind::SagaEnded { completed: true } => {
            format!("{} {o}'s saga completed: every step done", capitalise(noun))
        }
        NoteKind::SagaEnded { completed: false } => {
            format!("{} {o}'s saga is compensated: every completed step undone", capitalise(noun))
        }
        NoteKind::StreamConflict { writer, expected, actual } => format!(
            "Two writers changed {noun} {o} at once: the {} expected its stream at version {expected}, found it at \
             {actual}, and was refused; it loads the stream again and retries",
            writer_name(*writer)
        ),
        NoteKind::LostUpdate => format!(
            "Two writers changed {noun} {o} at once: kept as a row, the second change overwrote the first, and \
             nobody noticed"
        ),
        NoteKind::RebuildStarted { projection, from: 0 } => {
            format!("The {} read model was reset: it reads the log again from position 0", read_model_name(*projection))
        }
        NoteKind::RebuildStarted { projection, from } => format!(
            "The {} read model was reset to its snapshot at position {from} and reads the log from there",
            read_model_name(*projection)
        ),
        NoteKind::RebuildDone { projection, done } => format!(
            "The {} read model caught up after reading {} in {}{}",
            read_model_name(*projection),
            crate::words::count(done.replayed, "event"),
            human(done.took_us),
            if done.resent > 0 {
                format!(", and sent {} again", crate::words::count(done.resent, "email"))
            } else {
                String::new()
            }
        ),
        NoteKind::SnapshotDeleted { projection } => format!(
            "The {} read model's snapshot was deleted: its next rebuild starts from position 0",
            read_model_name(*projection)
        ),
        NoteKind::SchemaDeployed { subject, proposal, outcome } => {
            let (name, key) = subject_words(sc, *subject, *proposal);
            match outcome {
                Outcome::Registered { version } => {
                    format!("The registry accepted {key} as {name} v{version}: the {svc} writes v{version} from now on")
                }
                Outcome::AlreadyRegistered { version } => {
                    format!("{key} is {name} v{version}, already registered: the {svc} writes v{version} from now on")
                }
                Outcome::Refused { mode, conflict } => format!(
                    "The registry refused {key} for {name} under {}: {}; the {svc} keeps writing what it wrote",
                    mode.key(),
                    conflict_text(conflict)
                ),
            }
        }
        NoteKind::Unreadable { service, subject, writer, reader, why } => {
            let name = subject_name(sc, *subject);
            format!(
                "{} cannot read {name} v{writer} of {noun} {o} with its v{reader} schema: {}",
                sc.catalog[*service as usize].name,
                incompatible_text(why, "the event")
            )
        }
        NoteKind::Republished { event: e } => {
            format!("The broker stored event {e} ({noun} {o}) a second time: its subscribers will meet a duplicate")
        }
        NoteKind::Published => format!("{event} for {noun} {o} published"),
        NoteKind::Buffered => {
            format!("The broker is down: the event for {noun} {o} waits in the {svc}'s buffer")
        }
        NoteKind::Flushed => format!("The buffered event for {noun} {o} reached the broker"),
        NoteKind::WiringChanged { wiring } => format!("Wiring switched to {}", wiring.label()),
        NoteKind::RateChanged { rate } => format!("{} rate set to {rate} per second", capitalise(noun)),
        NoteKind::SubscriberAdded { service, order_service_changed } => {
            if *order_service_changed {
                format!("{} added: the {svc} had to be changed to call it", name(*service))
            } else {
                format!("{} subscribed to {event}: the {svc} did not change", name(*service))
            }
        }
        NoteKind::SubscriberRemoved { service, order_service_changed } => {
            if *order_service_changed {
                format!("{} removed: the {svc} had to be changed to stop calling it", name(*service))
            } else {
                format!("{} unsubscribed: the {svc} did not change", name(*service))
            }
        }
        NoteKind::FaultInjected { fault } => {
            let what = fault_text(fault, &fault_target_name(fault, sc));
            capitalise(&what)
        }
        NoteKind::FaultCleared { fault: Fault::DashboardBug } => format!(
            "The {} read model's bug is fixed: new events are counted right, but what it counted wrong stays wrong \
             until it is rebuilt",
            read_model_name(ProjectionKind::Dashboard)
        ),
        NoteKind::FaultCleared { fault: Fault::ProjectionDown { projection } } => format!(
            "The {} read model is running again: it resumes from its last checkpoint",
            read_model_name(*projection)
        ),
        NoteKind::FaultCleared { fault } => {
            format!("{} recovered", capitalise(&fault_target_name(fault, sc)))
        }
        NoteKind::FallingBehind { service, lag } => {
            format!("{} is falling behind: {lag} events waiting", name(*service))
        }
        NoteKind::CaughtUp { service } => format!("{} caught up: no events waiting", name(*service)),
        NoteKind::Alert { rule, to, for_us } => {
            let mut r = fanout_sim::alerting::default_rules(sc).swap_remove(*rule as usize);
            r.timing.for_us = *for_us;
            crate::alert_words::change_text(&r, *to, sc)
        }
        NoteKind::AlertForChanged { rule, for_us } => {
            let rules = fanout_sim::alerting::default_rules(sc);
            let r = &rules[*rule as usize];
            let name = crate::alert_words::signal_name(r.signal, sc);
            match for_us {
                0 => format!("The alert on {name} now fires at the first sample over its line"),
                us => format!(
                    "The alert on {name} now fires only after its condition has held for {}",
                    crate::alert_words::span(*us)
                ),
            }
        }
        NoteKind::Refused { why } => format!("A scheduled change was not applied: {why}"),
        NoteKind::CancelRequested => format!("The {} cancels {noun} {o}", sc.actor.to_ascii_lowercase()),
        NoteKind::CancelPublished => format!("{} for {noun} {o} published", sc.cancel_event_name),
        NoteKind::CancelLost => format!("The broker is down: the cancellation of {noun} {o} was lost"),
        NoteKind::DuplicateApplied { service, event } => {
            format!("{} processed event {event} ({noun} {o}) a second time", name(*service))
        }
        NoteKind::OutOfOrder { service } => {
            format!("{} processed the cancellation of {noun} {o} before the {noun} itself", name(*service))
        }
        NoteKind::CrashedBeforeAck { service } => format!(
            "{} crashed after processing {noun} {o} but before acknowledging it; the broker will deliver it again",
            name(*service)
        ),
        NoteKind::DeadLettered { service, attempts } => format!(
            "{} failed on the event of {noun} {o} {attempts} time{}: parked in its dead-letter queue",
            name(*service),
            if *attempts == 1 { "" } else { "s" }
        ),
        NoteKind::Redriven { service, count } => {
            format!("{count} dead letter{} sent back to {}", if *count == 1 { "" } else { "s" }, name(*service))
        }
        NoteKind::FollowUpStored { from, mtype } => {
            format!("{} published {} for {noun} {o}", name(*from), sc.type_name(*mtype))
        }
        NoteKind::FollowUpBuffered { from, mtype } => {
            format!("The broker is down: {} for {noun} {o} waits in {}'s buffer", sc.type_name(*mtype), name(*from))
        }
        NoteKind::SettingChanged { service: Some(s), setting } => {
            format!("{} is now {}", name(*s), setting_text(setting, sc))
        }
        NoteKind::SettingChanged { service: None, setting } => setting_text(setting, sc),
    }
}

/// A setting in words: after "Email is now" for a subscriber's, a sentence of its own for the
/// topic's and the shoppers'.
fn setting_text(setting: &SettingNote, sc: &Scenario) -> String {
    let (svc, event) = (&sc.order_service.name, &sc.event_name);
    match *setting {
        SettingNote::Guarantee(g) => g.key().into(),
        SettingNote::Idempotent(true) => "idempotent (skips event IDs it has seen)".into(),
        SettingNote::Idempotent(false) => "not idempotent".into(),
        SettingNote::Sync { on: true, event_driven: true } => format!(
            "called synchronously: the {svc} had to be changed to call it, and waits for its answer \
             before it publishes {event}"
        ),
        SettingNote::Sync { on: false, event_driven: true } => {
            format!("asynchronous: it gets {event} from the broker, and the {svc} had to be changed to stop calling it")
        }
        SettingNote::Sync { on: true, event_driven: false } => {
            format!(
                "marked synchronous: the {svc} calls it already, and will keep calling it under event-driven wiring"
            )
        }
        SettingNote::Sync { on: false, event_driven: false } => {
            format!(
                "marked asynchronous: under event-driven wiring it will get {event} from the broker instead of a call"
            )
        }
        SettingNote::Retry(retry) => format!(
            "retrying {} times in all, from {} up to {}",
            retry.max_attempts,
            human(retry.base_us),
            human(retry.cap_us)
        ),
        SettingNote::Consumers(n) => format!("{n} consumer{} in its group", if n == 1 { "" } else { "s" }),
        SettingNote::Partitions(n) => format!("The topic has {n} partitions"),
        SettingNote::PartitionKey(key) => format!("Events are partitioned by {}", key.label()),
        SettingNote::Publishing(p) => publishing_text(p, sc),
        SettingNote::SagaStyle(SagaStyle::Orchestrated) => {
            "New sagas are orchestrated: an orchestrator sends each step's command and keeps the state".into()
        }
        SettingNote::SagaStyle(SagaStyle::Choreographed) => {
            "New sagas are choreographed: each service reacts to the event of the one before".into()
        }
        SettingNote::SagaTimeouts(true) => {
            format!("Choreographed sagas now have a deadline at the {svc}; past it, they are undone")
        }
        SettingNote::SagaTimeouts(false) => "Choreographed sagas have no deadline: one can wait forever".into(),
        SettingNote::Storage(storage) => storage_text(storage, sc),
        SettingNote::SnapshotEvery(0) => "Read models take no snapshots: a rebuild starts from position 0".into(),
        SettingNote::SnapshotEvery(n) => format!("Each read model takes a snapshot every {n} events"),
        SettingNote::ReplayGuard(true) => {
            "Replay guard on: while a read model replays the log, it sends no email it sent before".into()
        }
        SettingNote::TraceLinks(true) => {
            "Span links on: a consumer that drops the trace context links its new trace to the publish".into()
        }
        SettingNote::TraceLinks(false) => {
            "Span links off: a consumer that drops the context starts an unlinked trace".into()
        }
        SettingNote::ReplayGuard(false) => {
            "Replay guard off: a read model replaying the log sends its emails again".into()
        }
        SettingNote::ProducerVersion { subject, version } => {
            format!("The {} writes {} v{version} from now on", sc.order_service.name, subject_name(sc, subject))
        }
        SettingNote::ReaderVersion { subject, version } => {
            format!("reading {} with its v{version} schema", subject_name(sc, subject))
        }
        SettingNote::Compatibility { subject, mode } => format!(
            "The registry checks new {} schemas under {}: {}",
            subject_name(sc, subject),
            mode.key(),
            mode_text(mode)
        ),
        SettingNote::CancelShare(share) => {
            format!("{:.0}% of {}s cancel just after {}", share * 100.0, sc.actor.to_ascii_lowercase(), sc.placing)
        }
    }
}

/// How the entry service publishes, as a sentence.
pub fn publishing_text(p: Publishing, sc: &Scenario) -> String {
    let (svc, event) = (&sc.order_service.name, &sc.event_name);
    match p {
        Publishing::Direct => format!("The {svc} saves, then publishes {event} itself (a dual write)"),
        Publishing::OutboxPolling => format!(
            "The {svc} saves {event} as an outbox row with the {}; a relay polls the table every {}",
            sc.noun,
            human(POLL_US)
        ),
        Publishing::OutboxTailing => {
            format!("The {svc} saves {event} as an outbox row with the {}; a relay follows the database's log", sc.noun)
        }
    }
}

/// A subject's event name: `OrderPlaced`.
pub fn subject_name(sc: &Scenario, subject: u16) -> String {
    sc.schemas.get(subject as usize).map_or_else(String::new, |s| sc.type_name(s.mtype).to_string())
}

/// A subject's name and one of its proposals' keys.
fn subject_words(sc: &Scenario, subject: u16, proposal: u16) -> (String, String) {
    let key = sc
        .schemas
        .get(subject as usize)
        .and_then(|s| s.proposals.get(proposal as usize))
        .map_or_else(String::new, |p| p.key.clone());
    (subject_name(sc, subject), key)
}

/// What a compatibility mode promises, in words.
pub fn mode_text(mode: Compatibility) -> &'static str {
    match mode {
        Compatibility::None => "anything is accepted",
        Compatibility::Backward => {
            "consumers on the new version can read data written with the last one; upgrade consumers first"
        }
        Compatibility::Forward => {
            "consumers on the last version can read data written with the new one; upgrade producers first"
        }
        Compatibility::Full => "both ways, with the last version; upgrade in any order",
        Compatibility::BackwardTransitive => {
            "consumers on the new version can read data written with every earlier one"
        }
        Compatibility::ForwardTransitive => "consumers on every earlier version can read data written with the new one",
        Compatibility::FullTransitive => "both ways, with every earlier version",
    }
}

/// Why a reader cannot read a writer's data; `data` names the writer's side.
pub fn incompatible_text(why: &Incompatible, data: &str) -> String {
    match why {
        Incompatible::MissingRequired { field } => {
            format!("it requires `{field}`, which has no default, and {data} lacks it")
        }
        Incompatible::TypeChanged { field, reader, writer } => {
            format!("`{field}` is {} to it and {} in {data}", <&str>::from(*reader), <&str>::from(*writer))
        }
    }
}

/// A refused registration's reason: which version it conflicts with, which way, and why.
pub fn conflict_text(c: &Conflict) -> String {
    match c.direction {
        Direction::NewReadsOld => format!(
            "a consumer on it could not read v{}'s data ({})",
            c.version,
            incompatible_text(&c.reason, &format!("v{}'s data", c.version))
        ),
        Direction::OldReadsNew => format!(
            "a consumer on v{} could not read its data ({})",
            c.version,
            match &c.reason {
                Incompatible::MissingRequired { field } => {
                    format!("v{} requires `{field}`, which the new data lacks", c.version)
                }
                other => incompatible_text(other, "the new data"),
            }
        ),
    }
}

/// How the entry service keeps its orders, as a sentence.
pub fn storage_text(storage: Storage, sc: &Scenario) -> String {
    let (svc, noun) = (&sc.order_service.name, &sc.noun);
    match storage {
        Storage::Rows => format!("The {svc} keeps each {noun} as a row, changed in place"),
        Storage::EventSourced => format!(
            "The {svc} keeps each {noun} as a stream of events; its history page, sales dashboard and emails are \
             read models projected from the log"
        ),
    }
}

/// A read model's name, as in "the dashboard read model".
pub fn read_model_name(kind: ProjectionKind) -> &'static str {
    match kind {
        ProjectionKind::History => "order history",
        ProjectionKind::Dashboard => "sales dashboard",
        ProjectionKind::Emails => "emails",
    }
}

/// Who the concurrent writers of an order are.
pub fn writer_name(writer: u8) -> &'static str {
    if writer == 0 {
        "shopper's address change"
    } else {
        "support desk's address change"
    }
}

/// The service that does saga step `step`.
fn step_service(sc: &Scenario, step: u8) -> String {
    sc.saga
        .as_ref()
        .and_then(|g| g.steps.get(step as usize))
        .map_or_else(|| "A service".into(), |s| sc.catalog[s.service as usize].name.clone())
}

/// The name of saga step `step`'s message `what`: `PaymentDeclined`, `RefundPayment`.
fn step_name(sc: &Scenario, step: u8, what: SagaWhat) -> String {
    sc.saga.as_ref().map_or(String::new(), |g| sc.type_name(g.mtype(step as usize, what)).to_string())
}

/// What the outbox relay is called wherever it is named.
pub const RELAY: &str = "the outbox relay";

/// The display name of whatever a fault acts on.
pub fn fault_target_name(fault: &Fault, sc: &Scenario) -> String {
    match fault {
        Fault::CrashAfterCommit { .. } => return sc.order_service.name.clone(),
        Fault::RelayCrash { .. } | Fault::RelayDown => return RELAY.into(),
        Fault::ProjectionDown { projection } => return format!("the {} read model", read_model_name(*projection)),
        Fault::DashboardBug => return format!("the {} read model", read_model_name(ProjectionKind::Dashboard)),
        Fault::ConcurrentWrites { .. } => return sc.order_service.name.clone(),
        _ => {}
    }
    match fault.service() {
        None => "the broker".into(),
        Some(key) if key == sc.order_service.key => sc.order_service.name.clone(),
        Some(key) => sc.catalog.iter().find(|s| s.key == key).map_or(key.to_string(), |s| s.name.clone()),
    }
}

/// A fault in words, for the log and the scene summary; `name` is what it acts on.
pub fn fault_text(fault: &Fault, name: &str) -> String {
    match fault {
        Fault::Slow { extra_us, .. } => format!("{name} slowed by {} ms", extra_us / MS),
        Fault::Crash { .. } => format!("{name} is down"),
        Fault::Errors { rate, .. } => format!("{name} fails {:.0}% of its work", rate * 100.0),
        Fault::BrokerDown => "the broker is down".into(),
        Fault::Drop { share, .. } => format!("{} loses {:.0}% of its deliveries", wire(name), share * 100.0),
        Fault::Duplicate { share, .. } => {
            format!("{} loses {:.0}% of its acknowledgements, so events come twice", wire(name), share * 100.0)
        }
        Fault::Delay { share, extra_us, .. } => {
            format!("{} holds up {:.0}% of its deliveries by up to {} ms", wire(name), share * 100.0, extra_us / MS)
        }
        Fault::CrashBeforeAck { share, .. } => {
            format!("{name} crashes before acknowledging {:.0}% of its events", share * 100.0)
        }
        Fault::Poison { order, .. } => format!("{name} cannot process the event of order {order}"),
        Fault::CrashAfterCommit { share } => {
            format!("{name} crashes right after {:.0}% of its commits, before its next step", share * 100.0)
        }
        Fault::RelayCrash { share } => {
            format!("{name} crashes after {:.0}% of its publishes, before marking the row sent", share * 100.0)
        }
        Fault::RelayDown => format!("{name} is stopped"),
        Fault::CompensationFails { share, .. } => {
            format!("{name}'s compensations fail once, after paying out, {:.0}% of the time", share * 100.0)
        }
        Fault::ProjectionDown { .. } => format!("{name} is stopped: it falls behind the log"),
        Fault::DashboardBug => format!("{name} has a bug: it adds refunds to sales instead of taking them off"),
        Fault::ConcurrentWrites { share } => {
            format!("{:.0}% of the {name}'s orders get two changes at once from two writers", share * 100.0)
        }
        Fault::DropContext { .. } => {
            format!("{name} drops the trace context: its work starts a new trace, cut off from the order's")
        }
    }
}

fn wire(name: &str) -> String {
    if name == "the broker" {
        name.to_string()
    } else {
        format!("the wire to {name}")
    }
}

/// Why a delivery failed, in words.
pub fn failure_text(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::Error => "the service returned an error",
        FailureKind::Poison => "the consumer cannot process this event (poison)",
        FailureKind::Unreadable => "the consumer's schema cannot read the version this event was written with",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_name_the_service_and_the_order() {
        let sc = Scenario::checkout();
        let n = Note { at_us: 0, order: 12, kind: NoteKind::Failed { cause: FailCause::Down(0) } };
        assert_eq!(note_text(&n, &sc), "Email is down: checkout 12 failed");
        let p = Note { at_us: 0, order: 12, kind: NoteKind::OrderPlaced };
        assert_eq!(note_text(&p, &sc), "Order 12 placed");
    }

    /// Every line that names the order, the event or the Order Service, in the checkout shop
    /// (word for word as before scenarios had words: the page's tests read them) and in the
    /// ride-sharing challenge.
    #[test]
    fn notes_speak_the_scenario_s_words_and_the_checkout_lines_are_unchanged() {
        let lines = |sc: &Scenario| -> Vec<String> {
            let kinds = [
                NoteKind::OrderPlaced,
                NoteKind::Confirmed { latency_us: 80_000 },
                NoteKind::Failed { cause: FailCause::Down(0) },
                NoteKind::Failed { cause: FailCause::OrdersDown },
                NoteKind::Failed { cause: FailCause::OrdersError },
                NoteKind::Published,
                NoteKind::Buffered,
                NoteKind::Flushed,
                NoteKind::RateChanged { rate: 2.0 },
                NoteKind::SubscriberAdded { service: 0, order_service_changed: false },
                NoteKind::SubscriberAdded { service: 0, order_service_changed: true },
                NoteKind::CancelRequested,
                NoteKind::CancelPublished,
                NoteKind::CancelLost,
                NoteKind::OutOfOrder { service: 0 },
                NoteKind::DeadLettered { service: 0, attempts: 4 },
            ];
            kinds.into_iter().map(|kind| note_text(&Note { at_us: 0, order: 12, kind }, sc)).collect()
        };
        assert_eq!(
            lines(&Scenario::checkout()),
            [
                "Order 12 placed",
                "Checkout 12 confirmed in 80 ms",
                "Email is down: checkout 12 failed",
                "The Order Service is down: checkout 12 failed",
                "The Order Service could not save order 12",
                "OrderPlaced for order 12 published",
                "The broker is down: the event for order 12 waits in the Order Service's buffer",
                "The buffered event for order 12 reached the broker",
                "Order rate set to 2 per second",
                "Email subscribed to OrderPlaced: the Order Service did not change",
                "Email added: the Order Service had to be changed to call it",
                "The shopper cancels order 12",
                "OrderCancelled for order 12 published",
                "The broker is down: the cancellation of order 12 was lost",
                "Email processed the cancellation of order 12 before the order itself",
                "Email failed on the event of order 12 4 times: parked in its dead-letter queue",
            ]
        );
        assert_eq!(
            lines(&Scenario::ride_sharing()),
            [
                "Trip 12 booked",
                "Booking 12 confirmed in 80 ms",
                "Driver matching is down: booking 12 failed",
                "The Trip Service is down: booking 12 failed",
                "The Trip Service could not save trip 12",
                "TripBooked for trip 12 published",
                "The broker is down: the event for trip 12 waits in the Trip Service's buffer",
                "The buffered event for trip 12 reached the broker",
                "Trip rate set to 2 per second",
                "Driver matching subscribed to TripBooked: the Trip Service did not change",
                "Driver matching added: the Trip Service had to be changed to call it",
                "The rider cancels trip 12",
                "TripCancelled for trip 12 published",
                "The broker is down: the cancellation of trip 12 was lost",
                "Driver matching processed the cancellation of trip 12 before the trip itself",
                "Driver matching failed on the event of trip 12 4 times: parked in its dead-letter queue",
            ]
        );
    }

    #[test]
    fn fault_notes_start_with_a_capital() {
        let sc = Scenario::checkout();
        let n = Note { at_us: 0, order: 0, kind: NoteKind::FaultInjected { fault: Fault::BrokerDown } };
        assert_eq!(note_text(&n, &sc), "The broker is down");
    }
}
