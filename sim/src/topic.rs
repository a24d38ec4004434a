//! The broker's log: one topic split into partitions. Every event is appended to one
//! partition at the next offset and stays there (up to a retention limit), so a consumer
//! group can read at its own pace, and a new one can start from offset 0 and replay.

use crate::message::MessageType;
use crate::rng::splitmix64;
use crate::time::Micros;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use strum::{EnumString, IntoStaticStr, VariantArray};

/// Which part of an event picks its partition. Its word in links, scripts and the CLI
/// (`order`, `user`, `none`) is shorter than its name in JSON (`order-id`, `user-id`, `none`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, EnumString, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum PartitionKey {
    /// Events of one order share a partition, so they keep their order.
    #[strum(serialize = "order")]
    OrderId,
    /// Events of one shopper share a partition.
    #[strum(serialize = "user")]
    UserId,
    /// No key: events are spread round-robin, and order is kept by nobody.
    #[strum(serialize = "none")]
    None,
}

impl PartitionKey {
    /// Every key, in the order the page offers them.
    pub const ALL: &'static [PartitionKey] = <PartitionKey as VariantArray>::VARIANTS;

    pub fn key(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    pub fn label(self) -> &'static str {
        match self {
            PartitionKey::OrderId => "order ID",
            PartitionKey::UserId => "user ID",
            PartitionKey::None => "none (round-robin)",
        }
    }
}

/// What happened to an order: the facts the Order Service publishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr)]
pub enum EventKind {
    OrderPlaced,
    OrderCancelled,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// What a message type does to a subscriber's state: the entry's undoing takes back what
    /// the entry did; every other type does its reaction's work.
    pub fn of(t: MessageType) -> EventKind {
        if t == MessageType::CANCEL {
            EventKind::OrderCancelled
        } else {
            EventKind::OrderPlaced
        }
    }
}

/// One event in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub event: u64,
    pub order: u64,
    pub mtype: MessageType,
    pub published_us: Micros,
    /// The schema version it was written with (0: its type has no schema).
    pub schema: u16,
}

impl LogEntry {
    pub fn kind(&self) -> EventKind {
        EventKind::of(self.mtype)
    }
}

/// The most partitions a topic may have.
pub const MAX_PARTITIONS: u16 = 64;
/// Events the topic keeps, shared equally by its partitions; older ones are deleted, as a
/// real broker's retention does. A budget for the whole topic keeps the lab's snapshots (one
/// copy of the log each) small however many partitions there are.
pub const RETENTION: usize = 20_000;
/// Shoppers in the user-ID pool; a user's orders share a partition under the user-ID key.
pub const USERS: u64 = 40;

/// One partition: a window of the log from offset `start`.
#[derive(Clone, Debug, Default)]
pub struct Partition {
    /// Offset of the oldest entry still kept.
    pub start: u64,
    pub entries: VecDeque<LogEntry>,
}

impl Partition {
    /// The offset the next event will get (the log end offset).
    pub fn end(&self) -> u64 {
        self.start + self.entries.len() as u64
    }

    pub fn get(&self, offset: u64) -> Option<&LogEntry> {
        offset.checked_sub(self.start).and_then(|i| self.entries.get(i as usize))
    }
}

#[derive(Clone, Debug)]
pub struct Topic {
    pub partitions: Vec<Partition>,
    pub key: PartitionKey,
    /// Next partition for keyless events.
    round_robin: u64,
}

impl Topic {
    pub fn new(partitions: u16, key: PartitionKey) -> Topic {
        Topic { partitions: vec![Partition::default(); partitions.max(1) as usize], key, round_robin: 0 }
    }

    pub fn partition_count(&self) -> u16 {
        self.partitions.len() as u16
    }

    /// The shopper who placed an order: a fixed, seed-independent pool, so the same order
    /// belongs to the same user whatever else changes.
    pub fn user_of(order: u64) -> u64 {
        1 + splitmix64(order) % USERS
    }

    /// The partition an event goes to under the current key.
    fn partition_for(&mut self, order: u64) -> u16 {
        let n = self.partitions.len() as u64;
        let p = match self.key {
            PartitionKey::OrderId => splitmix64(order ^ 0x006f_7264_6572) % n,
            PartitionKey::UserId => splitmix64(Self::user_of(order) ^ 0x7573_6572) % n,
            PartitionKey::None => {
                self.round_robin += 1;
                (self.round_robin - 1) % n
            }
        };
        p as u16
    }

    /// Appends an event and returns its partition and offset. Past the retention limit the
    /// oldest entry goes; a consumer group that had not read it loses it (see the broker).
    pub fn append(&mut self, entry: LogEntry) -> (u16, u64) {
        let p = self.partition_for(entry.order);
        let keep = (RETENTION / self.partitions.len()).max(1);
        let part = &mut self.partitions[p as usize];
        let offset = part.end();
        part.entries.push_back(entry);
        while part.entries.len() > keep {
            part.entries.pop_front();
            part.start += 1;
        }
        (p, offset)
    }

    /// Adds partitions up to `n`; a topic's partitions can be added, never removed.
    pub fn grow(&mut self, n: u16) {
        while self.partitions.len() < n as usize {
            self.partitions.push(Partition::default());
        }
    }

    /// Every event ever appended (including those retention deleted).
    pub fn total(&self) -> u64 {
        self.partitions.iter().map(Partition::end).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(event: u64, order: u64) -> LogEntry {
        LogEntry { event, order, mtype: MessageType::ENTRY, published_us: 0, schema: 0 }
    }

    #[test]
    fn the_same_order_always_lands_in_the_same_partition() {
        let mut t = Topic::new(4, PartitionKey::OrderId);
        let (p1, o1) = t.append(entry(1, 7));
        let (p2, o2) = t.append(entry(2, 7));
        assert_eq!(p1, p2);
        assert_eq!(o2, o1 + 1);
    }

    #[test]
    fn keyless_events_go_round_robin() {
        let mut t = Topic::new(3, PartitionKey::None);
        let ps: Vec<u16> = (1..=6).map(|e| t.append(entry(e, 1)).0).collect();
        assert_eq!(ps, vec![0, 1, 2, 0, 1, 2]);
    }

    #[test]
    fn user_key_groups_a_shoppers_orders() {
        let mut t = Topic::new(8, PartitionKey::UserId);
        let a = (1..500).find(|&o| Topic::user_of(o) == 3).unwrap();
        let b = (a + 1..1000).find(|&o| Topic::user_of(o) == 3).unwrap();
        assert_eq!(t.append(entry(1, a)).0, t.append(entry(2, b)).0);
    }

    #[test]
    fn retention_keeps_offsets_and_drops_the_oldest() {
        let mut t = Topic::new(1, PartitionKey::None);
        for e in 0..RETENTION as u64 + 3 {
            t.append(entry(e + 1, e + 1));
        }
        let p = &t.partitions[0];
        assert_eq!(p.start, 3);
        assert_eq!(p.end(), RETENTION as u64 + 3);
        assert_eq!(p.get(3).unwrap().event, 4);
        assert!(p.get(2).is_none());
        assert_eq!(t.total(), RETENTION as u64 + 3);
    }

    #[test]
    fn partitions_only_grow() {
        let mut t = Topic::new(2, PartitionKey::OrderId);
        t.grow(5);
        t.grow(3);
        assert_eq!(t.partition_count(), 5);
    }
}
