//! The messages on the wires, in reusable slots, and the network they cross.

use crate::message::{Message, Slab};
use crate::rng::{Dist, Keyed};
use crate::time::Micros;

#[derive(Clone)]
pub(crate) struct Wires {
    pub msgs: Slab,
    /// Hop latencies, keyed by the message, so an order meets the same network in every run
    /// of a seed.
    pub rng_network: Keyed,
    /// Messages that reached the end of their wire.
    pub hops: u64,
}

impl Wires {
    pub fn new(seed: u64) -> Wires {
        Wires { msgs: Slab::default(), rng_network: Keyed::derive(seed, "network"), hops: 0 }
    }

    /// Puts `m` on its wire at `now`, held up by `extra` on top of a hop drawn from `network`;
    /// returns its slot and when it arrives.
    pub fn send(&mut self, m: Message, network: &Dist, now: Micros, extra: Micros) -> (u32, Message) {
        let latency = self.rng_network.sample(network, m.network_key()).max(1) + extra;
        // A hop never takes 4295 s (the longest delay a fault adds is 60 s).
        let m = Message { hop_us: u32::try_from(latency).unwrap_or(u32::MAX), due_us: now + latency, ..m };
        (self.msgs.insert(m), m)
    }
}
