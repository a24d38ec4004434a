//! The run told in words, for the event log and screen readers.

use crate::delivery::{Guarantee, RetryPolicy};
use crate::fault::Fault;
use crate::message::MessageType;
use crate::scenario::{Scenario, Wiring};
use crate::time::{human, Micros};
use crate::topic::PartitionKey;

/// Why a checkout failed, as the Order Service saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailCause {
    /// A call to this downstream service got no answer in time.
    Timeout(u16),
    /// This downstream service was down and refused the call.
    Down(u16),
    /// This downstream service answered with an error.
    Error(u16),
    /// This downstream service's queue was full.
    Busy(u16),
    /// The broker refused the `OrderPlaced` event.
    BrokerDown,
    OrdersDown,
    OrdersError,
    OrdersBusy,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NoteKind {
    OrderPlaced,
    Confirmed {
        latency_us: Micros,
    },
    Failed {
        cause: FailCause,
    },
    Published,
    /// The broker was down; the event waits in the Order Service's buffer.
    Buffered,
    /// A buffered event reached the broker.
    Flushed,
    WiringChanged {
        wiring: Wiring,
    },
    RateChanged {
        rate: f64,
    },
    SubscriberAdded {
        service: u16,
        order_service_changed: bool,
    },
    SubscriberRemoved {
        service: u16,
        order_service_changed: bool,
    },
    FaultInjected {
        fault: Fault,
    },
    FaultCleared {
        fault: Fault,
    },
    FallingBehind {
        service: u16,
        lag: u64,
    },
    CaughtUp {
        service: u16,
    },
    /// A scheduled action that no longer applied when it came due. `why` is the message
    /// the action's check refused it with (as `Sim::apply` returns it), not a setting.
    Refused {
        why: String,
    },
    /// The shopper cancelled the order just after placing it.
    CancelRequested,
    CancelPublished,
    /// The broker refused a cancellation and the Order Service does not buffer.
    CancelLost,
    /// A subscriber applied an event's side effect a second time.
    DuplicateApplied {
        service: u16,
        event: u64,
    },
    /// A subscriber processed a cancellation before the order it cancels.
    OutOfOrder {
        service: u16,
    },
    CrashedBeforeAck {
        service: u16,
    },
    DeadLettered {
        service: u16,
        attempts: u32,
    },
    Redriven {
        service: u16,
        count: u64,
    },
    /// The broker stored what a service's reaction published or sent.
    FollowUpStored {
        from: u16,
        mtype: MessageType,
    },
    /// The broker refused what a service's reaction published or sent: it waits in that
    /// service's buffer.
    FollowUpBuffered {
        from: u16,
        mtype: MessageType,
    },
    /// A setting of a subscriber (or of the topic or the shoppers, with no service) changed.
    SettingChanged {
        service: Option<u16>,
        setting: SettingNote,
    },
}

/// What a setting became, as data; [`Note::text`] puts it into words.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SettingNote {
    Guarantee(Guarantee),
    Idempotent(bool),
    /// Kept synchronous (`on`) or not; `event_driven`: the wiring was event-driven, so the
    /// Order Service had to change.
    Sync {
        on: bool,
        event_driven: bool,
    },
    Retry(RetryPolicy),
    Consumers(u16),
    Partitions(u16),
    PartitionKey(PartitionKey),
    /// Share of shoppers who cancel just after ordering.
    CancelShare(f64),
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub at_us: Micros,
    pub order: u64,
    pub kind: NoteKind,
}

impl Note {
    /// True for the routine per-order lines that are summarised under load.
    pub fn is_routine(&self) -> bool {
        matches!(
            self.kind,
            NoteKind::OrderPlaced | NoteKind::Confirmed { .. } | NoteKind::Published | NoteKind::FollowUpStored { .. }
        )
    }

    pub fn is_failure(&self) -> bool {
        matches!(
            self.kind,
            NoteKind::Failed { .. }
                | NoteKind::DuplicateApplied { .. }
                | NoteKind::OutOfOrder { .. }
                | NoteKind::DeadLettered { .. }
                | NoteKind::CancelLost
        )
    }

    /// The line in words. The scenario gives the names and the words (`order` or `trip`,
    /// `OrderPlaced` or `TripBooked`); the checkout shop's lines read as they always have.
    pub fn text(&self, sc: &Scenario) -> String {
        let name = |i: u16| sc.catalog[i as usize].name.as_str();
        let o = self.order;
        let (noun, req, svc, event) = (&sc.noun, &sc.request_noun, &sc.order_service.name, &sc.event_name);
        match &self.kind {
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
            },
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
                let what = fault.describe(&fault_target_name(fault, sc));
                capitalise(&what)
            }
            NoteKind::FaultCleared { fault } => {
                format!("{} recovered", capitalise(&fault_target_name(fault, sc)))
            }
            NoteKind::FallingBehind { service, lag } => {
                format!("{} is falling behind: {lag} events waiting", name(*service))
            }
            NoteKind::CaughtUp { service } => format!("{} caught up: no events waiting", name(*service)),
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
            NoteKind::FollowUpBuffered { from, mtype } => format!(
                "The broker is down: {} for {noun} {o} waits in {}'s buffer",
                sc.type_name(*mtype),
                name(*from)
            ),
            NoteKind::SettingChanged { service: Some(s), setting } => {
                format!("{} is now {}", name(*s), setting_text(setting, sc))
            }
            NoteKind::SettingChanged { service: None, setting } => setting_text(setting, sc),
        }
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
        SettingNote::CancelShare(share) => {
            format!("{:.0}% of {}s cancel just after {}", share * 100.0, sc.actor.to_ascii_lowercase(), sc.placing)
        }
    }
}

/// The display name of whatever a fault acts on.
pub fn fault_target_name(fault: &Fault, sc: &Scenario) -> String {
    match fault.service() {
        None => "the broker".into(),
        Some(key) if key == sc.order_service.key => sc.order_service.name.clone(),
        Some(key) => sc.catalog.iter().find(|s| s.key == key).map_or(key.to_string(), |s| s.name.clone()),
    }
}

/// The text with its first letter in upper case. Only ASCII is changed: what is capitalised
/// here starts with a scenario's words or service names, ASCII in every built-in scenario (a
/// test in scenario.rs checks it), and the page then carries no Unicode case tables.
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_name_the_service_and_the_order() {
        let sc = Scenario::checkout();
        let n = Note { at_us: 0, order: 12, kind: NoteKind::Failed { cause: FailCause::Down(0) } };
        assert_eq!(n.text(&sc), "Email is down: checkout 12 failed");
        let p = Note { at_us: 0, order: 12, kind: NoteKind::OrderPlaced };
        assert_eq!(p.text(&sc), "Order 12 placed");
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
            kinds.into_iter().map(|kind| Note { at_us: 0, order: 12, kind }.text(sc)).collect()
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
        assert_eq!(n.text(&sc), "The broker is down");
    }
}
