//! What a subscriber does with an event it processed: the side effect on its own data
//! (emails sent, stock, money charged), and, when idempotent, the store of event IDs that
//! lets it skip one it has already handled. This belongs to the service, not to its
//! subscription: it survives unsubscribing and subscribing again, as a database would.

use crate::rng::splitmix64;
use crate::topic::EventKind;
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};

/// The side effect a service has, so a student can read what duplicates and reordering did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Effect {
    /// Counts what it did, one per event: "emails sent".
    Count { noun: String },
    /// Keeps a stock level: an order takes one item, a cancellation puts it back.
    Stock { start: i64 },
    /// Charges the order's amount; a cancellation refunds it. Values in cents.
    Money,
}

impl Default for Effect {
    fn default() -> Self {
        Effect::Count { noun: "events handled".into() }
    }
}

impl Effect {
    /// The value before any event.
    pub fn initial(&self) -> i64 {
        match self {
            Effect::Stock { start } => *start,
            _ => 0,
        }
    }

    /// The change one event makes, if it is applied in the right order.
    fn delta(&self, kind: EventKind, order: u64) -> i64 {
        match (self, kind) {
            (Effect::Count { .. }, _) => 1,
            (Effect::Stock { .. }, EventKind::OrderPlaced) => -1,
            (Effect::Stock { .. }, EventKind::OrderCancelled) => 1,
            (Effect::Money, EventKind::OrderPlaced) => amount_cents(order) as i64,
            (Effect::Money, EventKind::OrderCancelled) => -(amount_cents(order) as i64),
        }
    }

    /// The value as a student reads it: "12 emails sent", "stock 996", "$1,234.50 charged".
    pub fn describe(&self, value: i64) -> String {
        match self {
            Effect::Count { noun } => format!("{value} {noun}"),
            Effect::Stock { .. } => format!("stock {value}"),
            Effect::Money => format!("{} charged", money(value)),
        }
    }
}

/// What an order costs: a fixed amount per order from $20.00 to $120.00.
pub fn amount_cents(order: u64) -> u64 {
    2_000 + splitmix64(order ^ 0x006d_6f6e_6579) % 10_001
}

/// Cents as dollars with a thousands separator: `$1,234.50`, `-$3.00`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let dollars = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", c % 100)
}

/// Processed event IDs, the newest `capacity` of them: an idempotent consumer's memory.
#[derive(Clone, Debug)]
pub struct Dedupe {
    order: VecDeque<u64>,
    ids: HashSet<u64>,
    capacity: usize,
}

/// How many event IDs a consumer remembers: enough for any redelivery the lab makes at
/// classroom rates, small enough that the timeline's snapshots stay light.
pub const DEDUPE_CAPACITY: usize = 4_000;

impl Dedupe {
    pub fn new(capacity: usize) -> Self {
        Dedupe { order: VecDeque::new(), ids: HashSet::new(), capacity }
    }
    pub fn contains(&self, id: u64) -> bool {
        self.ids.contains(&id)
    }
    pub fn insert(&mut self, id: u64) {
        if self.ids.insert(id) {
            self.order.push_back(id);
            if self.order.len() > self.capacity {
                let old = self.order.pop_front().expect("over capacity");
                self.ids.remove(&old);
            }
        }
    }
    pub fn len(&self) -> usize {
        self.order.len()
    }
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// A growable set of small integers (event and order IDs are dense from 1).
#[derive(Clone, Debug, Default)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    pub(crate) fn get(&self, i: u64) -> bool {
        self.0.get((i / 64) as usize).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    /// Sets bit `i`; true if it was clear.
    pub(crate) fn set(&mut self, i: u64) -> bool {
        let w = (i / 64) as usize;
        if w >= self.0.len() {
            self.0.resize(w + 1, 0);
        }
        let was = self.0[w] & (1 << (i % 64)) != 0;
        self.0[w] |= 1 << (i % 64);
        !was
    }
}

/// What happened when a consumer finished an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// First time: the side effect happened.
    Once,
    /// The side effect happened again: a duplicate did damage.
    Again,
    /// An idempotent consumer recognised the ID and did nothing.
    Skipped,
}

/// One service's data and its store of processed event IDs.
#[derive(Clone, Debug)]
pub struct Consumer {
    pub effect: Effect,
    pub dedupe: Dedupe,
    /// The value as the service holds it: duplicates and reordering included.
    pub value: i64,
    /// The value had every event meant for the service been applied exactly once, in order:
    /// each event counts once it is settled, applied or not. An event lost on the way or
    /// parked as a dead letter counts too, so losses show as a shortfall (one charge per
    /// order placed, not per charge made); events still on their way are not counted yet.
    pub expected: i64,
    /// Events counted in `expected` that the service has not applied: lost, or dead letters
    /// not redriven. For a counting effect without duplicates, `value + missing == expected`.
    pub missing: u64,
    /// Times the side effect ran.
    pub applications: u64,
    /// Times it ran for an event it had already applied.
    pub duplicates: u64,
    /// Duplicates an idempotent consumer skipped.
    pub skipped: u64,
    /// Cancellations processed before the order they cancel.
    pub out_of_order: u64,
    /// Ground truth, never consulted by the consumer's own logic: events applied so far.
    applied: Bits,
    /// Events counted in `expected`: applied, lost or dead-lettered.
    counted: Bits,
    /// Orders whose `OrderPlaced` this service has applied.
    placed: Bits,
    /// Orders whose cancellation it applied before it saw the order.
    cancelled_first: Bits,
}

impl Consumer {
    pub fn new(effect: Effect) -> Self {
        let value = effect.initial();
        Consumer {
            effect,
            dedupe: Dedupe::new(DEDUPE_CAPACITY),
            value,
            expected: value,
            missing: 0,
            applications: 0,
            duplicates: 0,
            skipped: 0,
            out_of_order: 0,
            applied: Bits::default(),
            counted: Bits::default(),
            placed: Bits::default(),
            cancelled_first: Bits::default(),
        }
    }

    /// True if the side effect of `event` has run at least once.
    pub fn has_applied(&self, event: u64) -> bool {
        self.applied.get(event)
    }

    /// The consumer finished processing an event: check the store (if idempotent) and
    /// apply the side effect, in one step, as one database transaction would.
    pub fn finish(&mut self, event: u64, order: u64, kind: EventKind, idempotent: bool) -> Applied {
        if idempotent && self.dedupe.contains(event) {
            self.skipped += 1;
            return Applied::Skipped;
        }
        let first = self.applied.set(event);
        self.applications += 1;
        if !first {
            self.duplicates += 1;
        } else if self.counted.set(event) {
            self.expected += self.effect.delta(kind, order);
        } else {
            // Counted when it went missing (a dead letter, now redriven): not counted again.
            self.missing -= 1;
        }
        match kind {
            EventKind::OrderPlaced => {
                self.placed.set(order);
                self.value += self.effect.delta(kind, order);
            }
            EventKind::OrderCancelled => {
                if self.placed.get(order) {
                    self.value += self.effect.delta(kind, order);
                } else {
                    // Nothing to undo yet: the order it cancels has not arrived. A counter
                    // still counts it; stock and money have nothing to give back.
                    if let Effect::Count { .. } = self.effect {
                        self.value += 1;
                    }
                    if self.cancelled_first.set(order) {
                        self.out_of_order += 1;
                    }
                }
            }
        }
        // The service records every ID it processed; being idempotent means consulting the
        // record first. So switching idempotency on protects events processed before, too.
        self.dedupe.insert(event);
        if first {
            Applied::Once
        } else {
            Applied::Again
        }
    }

    /// An event meant for this service will not be applied by this delivery: lost on the way
    /// or in a crash, or parked as a dead letter. Had it been applied, the value would have
    /// moved: `expected` moves, so that the loss shows as a shortfall. Counted once, however
    /// often it goes missing, and not again if it is applied later (a redriven dead letter).
    pub fn missed(&mut self, event: u64, order: u64, kind: EventKind) {
        if !self.applied.get(event) && self.counted.set(event) {
            self.expected += self.effect.delta(kind, order);
            self.missing += 1;
        }
    }

    /// The value as a student reads it.
    pub fn describe(&self) -> String {
        self.effect.describe(self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    #[test]
    fn a_duplicate_charges_twice_unless_idempotent() {
        let mut c = Consumer::new(Effect::Money);
        assert_eq!(c.finish(1, 7, OrderPlaced, false), Applied::Once);
        assert_eq!(c.finish(1, 7, OrderPlaced, false), Applied::Again);
        assert_eq!(c.value, 2 * amount_cents(7) as i64);
        assert_eq!(c.expected, amount_cents(7) as i64);

        let mut d = Consumer::new(Effect::Money);
        d.finish(1, 7, OrderPlaced, true);
        assert_eq!(d.finish(1, 7, OrderPlaced, true), Applied::Skipped);
        assert_eq!((d.value, d.skipped, d.duplicates), (amount_cents(7) as i64, 1, 0));
    }

    #[test]
    fn a_cancellation_before_its_order_leaves_stock_wrong_and_is_counted() {
        let mut c = Consumer::new(Effect::Stock { start: 100 });
        c.finish(2, 5, OrderCancelled, false);
        c.finish(1, 5, OrderPlaced, false);
        assert_eq!(c.out_of_order, 1);
        assert_eq!(c.value, 99, "the item was taken and never put back");
        assert_eq!(c.expected, 100);
        let mut ok = Consumer::new(Effect::Stock { start: 100 });
        ok.finish(1, 5, OrderPlaced, false);
        ok.finish(2, 5, OrderCancelled, false);
        assert_eq!((ok.value, ok.out_of_order), (100, 0));
    }

    #[test]
    fn a_lost_event_is_a_shortfall_against_expected_and_counts_once() {
        let mut c = Consumer::new(Effect::Money);
        c.finish(1, 7, OrderPlaced, false);
        c.missed(2, 8, OrderPlaced);
        c.missed(2, 8, OrderPlaced);
        assert_eq!(c.value, amount_cents(7) as i64, "a lost event charges nothing");
        assert_eq!(c.expected, (amount_cents(7) + amount_cents(8)) as i64, "expected is one charge per order");
        assert_eq!(c.missing, 1);
        // An event already applied cannot go missing afterwards.
        c.missed(1, 7, OrderPlaced);
        assert_eq!((c.expected, c.missing), ((amount_cents(7) + amount_cents(8)) as i64, 1));

        // A dead letter redriven and applied at last: the shortfall closes, expected stays.
        let mut d = Consumer::new(Effect::Count { noun: "emails sent".into() });
        d.missed(3, 9, OrderPlaced);
        assert_eq!((d.value, d.expected, d.missing), (0, 1, 1));
        assert_eq!(d.finish(3, 9, OrderPlaced, false), Applied::Once);
        assert_eq!((d.value, d.expected, d.missing), (1, 1, 0));
        assert_eq!(d.value + d.missing as i64, d.expected);
    }

    #[test]
    fn the_store_forgets_the_oldest_ids() {
        let mut d = Dedupe::new(2);
        d.insert(1);
        d.insert(2);
        d.insert(3);
        assert!(!d.contains(1) && d.contains(2) && d.contains(3));
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn money_reads_like_money() {
        assert_eq!(money(123_450), "$1,234.50");
        assert_eq!(money(-300), "-$3.00");
        assert_eq!(money(5), "$0.05");
        assert!((2_000..=12_000).contains(&amount_cents(99)));
    }
}
