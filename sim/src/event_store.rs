//! The entry service's orders kept as events rather than rows: an append-only log of every
//! order's stream. An order's state is a fold over its stream; the figures a read model
//! shows are a fold over the whole log. Appends carry the version the writer expects the
//! stream to be at, and a stale one is refused ("wrong expected version").
//!
//! The log is kept in chunks shared between copies of a run (the timeline keeps dozens), so
//! that copying a run copies only the chunk still being written. Each chunk knows the fold of
//! everything before it, so the truth at any position costs at most one chunk's fold.

use crate::consumer::amount_cents;
use crate::time::Micros;
use std::sync::Arc;

/// Events per chunk of the log.
pub const CHUNK: usize = 4096;

/// What happened to an order, as its stream records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "kebab-case")]
pub enum StoreKind {
    /// The order was placed, for its amount.
    Placed,
    /// The delivery address was changed (by the shopper or the support desk).
    AddressChanged,
    /// The order was cancelled and its amount refunded.
    Cancelled,
}

impl StoreKind {
    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// One event of the log. Its position is its index in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    pub order: u64,
    /// Its place in its order's stream, from 1.
    pub version: u32,
    pub kind: StoreKind,
    pub amount_cents: i64,
    pub at_us: Micros,
}

/// An order's state after some of its stream: the fold a writer loads before it decides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrderState {
    /// The stream's version: events folded so far.
    pub version: u32,
    pub placed: bool,
    pub cancelled: bool,
    pub amount_cents: i64,
    pub address_changes: u32,
}

impl OrderState {
    /// The state after one more event of the order's stream.
    pub fn apply(mut self, e: &StoredEvent) -> OrderState {
        self.version = e.version;
        match e.kind {
            StoreKind::Placed => {
                self.placed = true;
                self.amount_cents = e.amount_cents;
            }
            StoreKind::AddressChanged => self.address_changes += 1,
            StoreKind::Cancelled => self.cancelled = true,
        }
        self
    }
}

/// Figures over many orders, as read models show them: what a correct fold of the log gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub orders: u64,
    pub cancelled: u64,
    pub address_changes: u64,
    /// Sales net of refunds.
    pub sales_cents: i64,
}

impl Figures {
    /// The figures after one more event.
    pub fn apply(&mut self, e: &StoredEvent) {
        match e.kind {
            StoreKind::Placed => {
                self.orders += 1;
                self.sales_cents += e.amount_cents;
            }
            StoreKind::AddressChanged => self.address_changes += 1,
            StoreKind::Cancelled => {
                self.cancelled += 1;
                self.sales_cents -= e.amount_cents;
            }
        }
    }
}

#[derive(Clone, Debug)]
struct Chunk {
    /// The fold of every event before this chunk.
    before: Figures,
    events: Vec<StoredEvent>,
}

/// The append-only log of every order's stream.
#[derive(Clone, Debug, Default)]
pub struct Log {
    chunks: Vec<Arc<Chunk>>,
    len: u64,
    /// The fold of the whole log, kept as events are appended.
    head: Figures,
}

impl Log {
    /// Events in the log: the position the next one gets.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, position: u64) -> Option<&StoredEvent> {
        let c = self.chunks.get((position / CHUNK as u64) as usize)?;
        c.events.get((position % CHUNK as u64) as usize)
    }

    fn push(&mut self, e: StoredEvent) {
        if self.chunks.last().is_none_or(|c| c.events.len() == CHUNK) {
            self.chunks.push(Arc::new(Chunk { before: self.head, events: Vec::with_capacity(CHUNK) }));
        }
        let last = self.chunks.last_mut().expect("just made sure");
        // Copies the chunk only if a copy of the run still shares it.
        Arc::make_mut(last).events.push(e);
        self.head.apply(&e);
        self.len += 1;
    }

    /// The events from `from` on (at most `n`), in log order.
    pub fn range(&self, from: u64, n: u64) -> impl Iterator<Item = &StoredEvent> + '_ {
        let end = (from + n).min(self.len);
        (from..end).map(move |p| self.get(p).expect("below len"))
    }

    /// The fold of the events before `position`: what a correct read model shows there.
    pub fn figures_at(&self, position: u64) -> Figures {
        let position = position.min(self.len);
        if position == self.len {
            return self.head;
        }
        let c = &self.chunks[(position / CHUNK as u64) as usize];
        let mut f = c.before;
        for e in &c.events[..(position % CHUNK as u64) as usize] {
            f.apply(e);
        }
        f
    }

    /// The fold of the whole log.
    pub fn figures(&self) -> Figures {
        self.head
    }

    /// An order's stream with its state after each event, oldest first. A scan of the log:
    /// only the page asks, for one order, a few times a second.
    pub fn stream(&self, order: u64) -> Vec<(u64, StoredEvent, OrderState)> {
        let mut state = OrderState::default();
        let mut out = Vec::new();
        for (p, e) in (0..self.len).map(|p| (p, self.get(p).expect("below len"))) {
            if e.order == order {
                state = state.apply(e);
                out.push((p, *e, state));
            }
        }
        out
    }
}

/// A refused append: the stream is not at the version the writer expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrongExpectedVersion {
    pub expected: u32,
    pub actual: u32,
}

/// Every stream's version, by order number, in chunks shared between copies of a run as the
/// log's are: orders are numbered in sequence and only recent ones are written to.
#[derive(Clone, Debug, Default)]
struct Versions {
    chunks: Vec<Arc<Vec<u32>>>,
}

impl Versions {
    fn get(&self, order: u64) -> u32 {
        let (c, i) = ((order / CHUNK as u64) as usize, (order % CHUNK as u64) as usize);
        self.chunks.get(c).map_or(0, |c| c[i])
    }

    fn set(&mut self, order: u64, version: u32) {
        let (c, i) = ((order / CHUNK as u64) as usize, (order % CHUNK as u64) as usize);
        while self.chunks.len() <= c {
            self.chunks.push(Arc::new(vec![0; CHUNK]));
        }
        Arc::make_mut(&mut self.chunks[c])[i] = version;
    }
}

/// The store: the log and each stream's version.
#[derive(Clone, Debug, Default)]
pub struct EventStore {
    pub log: Log,
    versions: Versions,
}

impl EventStore {
    /// The version of an order's stream: 0 if it has none yet.
    pub fn version(&self, order: u64) -> u32 {
        self.versions.get(order)
    }

    /// Appends one event to an order's stream if the stream is at `expected`; the event's
    /// position on success.
    pub fn append(
        &mut self,
        order: u64,
        expected: u32,
        kind: StoreKind,
        at_us: Micros,
    ) -> Result<u64, WrongExpectedVersion> {
        let actual = self.version(order);
        if actual != expected {
            return Err(WrongExpectedVersion { expected, actual });
        }
        let version = actual + 1;
        self.versions.set(order, version);
        let amount_cents = match kind {
            StoreKind::Placed | StoreKind::Cancelled => amount_cents(order) as i64,
            StoreKind::AddressChanged => 0,
        };
        let position = self.log.len();
        self.log.push(StoredEvent { order, version, kind, amount_cents, at_us });
        Ok(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_expected_version_is_refused_and_nothing_is_appended() {
        let mut s = EventStore::default();
        assert_eq!(s.append(7, 0, StoreKind::Placed, 10), Ok(0));
        assert_eq!(s.append(7, 1, StoreKind::AddressChanged, 20), Ok(1));
        assert_eq!(s.append(7, 1, StoreKind::AddressChanged, 21), Err(WrongExpectedVersion { expected: 1, actual: 2 }));
        assert_eq!(s.append(7, 0, StoreKind::Placed, 22), Err(WrongExpectedVersion { expected: 0, actual: 2 }));
        assert_eq!((s.log.len(), s.version(7), s.version(8)), (2, 2, 0));
    }

    #[test]
    fn an_orders_state_is_the_fold_of_its_stream() {
        let mut s = EventStore::default();
        s.append(1, 0, StoreKind::Placed, 0).unwrap();
        s.append(2, 0, StoreKind::Placed, 1).unwrap();
        s.append(1, 1, StoreKind::AddressChanged, 2).unwrap();
        s.append(1, 2, StoreKind::Cancelled, 3).unwrap();
        let stream = s.log.stream(1);
        assert_eq!(stream.iter().map(|(p, _, _)| *p).collect::<Vec<_>>(), vec![0, 2, 3]);
        let last = stream.last().unwrap().2;
        assert_eq!(
            last,
            OrderState {
                version: 3,
                placed: true,
                cancelled: true,
                amount_cents: amount_cents(1) as i64,
                address_changes: 1
            }
        );
        assert!(!stream[0].2.cancelled && stream[0].2.placed);
    }

    #[test]
    fn the_figures_at_any_position_equal_a_fold_from_the_start_across_chunks() {
        let mut s = EventStore::default();
        for order in 1..=(CHUNK as u64 + 500) {
            s.append(order, 0, StoreKind::Placed, order).unwrap();
            if order % 3 == 0 {
                s.append(order, 1, StoreKind::Cancelled, order).unwrap();
            }
        }
        for p in [0, 1, 17, CHUNK as u64 - 1, CHUNK as u64, CHUNK as u64 + 1, 2 * CHUNK as u64 + 3, s.log.len()] {
            let mut f = Figures::default();
            s.log.range(0, p).for_each(|e| f.apply(e));
            assert_eq!(s.log.figures_at(p), f, "at {p}");
        }
        assert_eq!(s.log.figures().orders, CHUNK as u64 + 500);
    }

    #[test]
    fn a_copy_of_the_store_is_unchanged_by_later_appends() {
        let mut s = EventStore::default();
        s.append(1, 0, StoreKind::Placed, 0).unwrap();
        let copy = s.clone();
        s.append(2, 0, StoreKind::Placed, 1).unwrap();
        assert_eq!((copy.log.len(), copy.log.figures().orders), (1, 1));
        assert_eq!((s.log.len(), s.log.figures().orders), (2, 2));
    }
}
