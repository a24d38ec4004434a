//! What the broker holds: a log per channel, a subscription per downstream service, and what
//! it knows of each subscriber's wire. Its behaviour is in `broker.rs`.

use crate::delivery::SubSettings;
use crate::fault::WireFaults;
use crate::message::MessageType;
use crate::rng::Keyed;
use crate::scenario::Scenario;
use crate::subscription::Subscription;
use crate::topic::Topic;

#[derive(Clone)]
pub(crate) struct Broker {
    /// The entry topic, then each channel of the scenario's chain.
    pub topics: Vec<Topic>,
    /// One per catalog service, active while it is subscribed.
    pub subs: Vec<Subscription>,
    /// Follow-up events and commands stored, by type (the entry's two are counted in
    /// `published` and `cancelled`).
    pub stored: Vec<u64>,
    /// Entry events stored.
    pub published: u64,
    /// Their undoings stored.
    pub cancelled: u64,
    /// Delivery faults per subscriber and whether it is down, refreshed when faults change.
    pub wire: Vec<WireFaults>,
    pub down: Vec<bool>,
    pub next_delivery: u32,
    /// Drops, delays, lost acknowledgements and crashes on the delivery path, keyed by delivery.
    pub rng_wire: Keyed,
    /// Retry backoff jitter.
    pub rng_jitter: Keyed,
}

impl Broker {
    pub fn new(scenario: &Scenario, seed: u64) -> Broker {
        let n = scenario.catalog.len();
        let subs = (0..n)
            .map(|i| Subscription {
                channel: scenario.chain.reads(i as u16),
                ..Subscription::new(false, SubSettings::default(), 0, 1)
            })
            .collect();
        let topics = std::iter::once(Topic::new(scenario.partitions, scenario.partition_key))
            .chain(scenario.chain.channels.iter().map(|c| Topic::new(c.partitions, c.key)))
            .collect();
        Broker {
            topics,
            subs,
            stored: vec![0; MessageType::FIRST_FOLLOW_UP as usize + scenario.chain.types.len()],
            published: 0,
            cancelled: 0,
            wire: vec![WireFaults::default(); n],
            down: vec![false; n],
            next_delivery: 1,
            rng_wire: Keyed::derive(seed, "wire"),
            rng_jitter: Keyed::derive(seed, "jitter"),
        }
    }
}
