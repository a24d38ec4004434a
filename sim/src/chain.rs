//! What happens after the first reaction: the message types, channels and reactions a
//! scenario declares beyond the entry service's event, compiled from its file
//! (`system::compile`). Empty for a system in which every service reacts to the entry's event
//! alone, as in the built-in ones; the bank transfer has a chain: a fraud check publishes
//! its verdict, the ledger reacts to it and publishes the result, and so on.
//!
//! Indices, not names, so that the run loop never looks anything up by text: a
//! [`MessageType`] from 2 is `types[t - 2]`; a channel from 1 is `channels[c - 1]` (channel 0
//! is the entry's topic, whose partitions and key are the scenario's own).

use crate::message::MessageType;
use crate::topic::PartitionKey;
use serde::{Deserialize, Serialize};

/// The channel every entry event and its undoing travel on.
pub const ENTRY_CHANNEL: u16 = 0;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// The entry topic's name, for the picture: `orders`.
    #[serde(default)]
    pub entry_topic: String,
    /// The follow-up types, from [`MessageType::FIRST_FOLLOW_UP`].
    #[serde(default)]
    pub types: Vec<TypeSpec>,
    /// Channels beyond the entry topic, from channel 1.
    #[serde(default)]
    pub channels: Vec<ChannelSpec>,
    /// The channel each catalog service reads, by catalog index; a service not listed reads
    /// the entry topic.
    #[serde(default)]
    pub reads: Vec<u16>,
    /// What services do once they have handled a message; a service and type not listed do
    /// their work, change their state and do nothing more.
    #[serde(default)]
    pub reactions: Vec<ReactionSpec>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// `FraudCleared`.
    pub name: String,
    /// A command (one receiver, on a queue) rather than an event.
    pub command: bool,
    pub channel: u16,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    /// `ledger-results`.
    pub name: String,
    /// A queue for commands rather than a topic: one group reads it.
    pub queue: bool,
    pub partitions: u16,
    pub key: PartitionKey,
}

/// When catalog service `service` has handled a message of type `handles`: one of
/// `outcomes`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReactionSpec {
    pub service: u16,
    pub handles: MessageType,
    pub outcomes: Vec<OutcomeSpec>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeSpec {
    pub pick: Pick,
    /// A word for the log: `declined`; empty for none.
    #[serde(default)]
    pub label: String,
    /// What it publishes or sends, in order; each on its own channel.
    pub emits: Vec<MessageType>,
}

/// How an outcome is chosen. Conditions are tried first, in order, on the amount the actor's
/// request carries; if none holds, one outcome is drawn by weight among the weighted ones.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pick {
    Weight(f64),
    /// The amount is above this many cents.
    AmountAbove(f64),
    /// The amount is below this many cents.
    AmountBelow(f64),
}

impl Chain {
    /// The channel a message type travels on.
    pub fn channel_of(&self, t: MessageType) -> u16 {
        if t.is_follow_up() {
            self.type_spec(t).map_or(ENTRY_CHANNEL, |s| s.channel)
        } else {
            ENTRY_CHANNEL
        }
    }

    pub fn type_spec(&self, t: MessageType) -> Option<&TypeSpec> {
        self.types.get(t.0.checked_sub(MessageType::FIRST_FOLLOW_UP)? as usize)
    }

    /// The channel catalog service `i` reads.
    pub fn reads(&self, i: u16) -> u16 {
        self.reads.get(i as usize).copied().unwrap_or(ENTRY_CHANNEL)
    }

    /// How many channels there are, the entry topic included.
    pub fn channel_count(&self) -> usize {
        1 + self.channels.len()
    }

    /// What catalog service `i` does after handling `t`, if anything.
    pub fn reaction(&self, i: u16, t: MessageType) -> Option<&ReactionSpec> {
        self.reactions.iter().find(|r| r.service == i && r.handles == t)
    }

    /// The outcome a reaction has for a request of `amount_cents`, given a draw `u` in [0, 1).
    pub fn choose(reaction: &ReactionSpec, amount_cents: u64, u: f64) -> Option<&OutcomeSpec> {
        let amount = amount_cents as f64;
        let holds = |o: &&OutcomeSpec| match o.pick {
            Pick::AmountAbove(x) => amount > x,
            Pick::AmountBelow(x) => amount < x,
            Pick::Weight(_) => false,
        };
        if let Some(o) = reaction.outcomes.iter().find(holds) {
            return Some(o);
        }
        let weight = |o: &OutcomeSpec| match o.pick {
            Pick::Weight(w) => w,
            _ => 0.0,
        };
        let total: f64 = reaction.outcomes.iter().map(weight).sum();
        let mut left = u * total;
        for o in reaction.outcomes.iter().filter(|o| weight(o) > 0.0) {
            if left < weight(o) {
                return Some(o);
            }
            left -= weight(o);
        }
        reaction.outcomes.iter().rev().find(|o| weight(o) > 0.0)
    }

    /// Whether the chain has anything beyond the entry's event.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.reactions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reaction(outcomes: Vec<OutcomeSpec>) -> ReactionSpec {
        ReactionSpec { service: 0, handles: MessageType(2), outcomes }
    }
    fn outcome(pick: Pick, t: u8) -> OutcomeSpec {
        OutcomeSpec { pick, label: String::new(), emits: vec![MessageType(t)] }
    }

    #[test]
    fn conditions_come_first_then_weights_share_the_draw() {
        let r = reaction(vec![
            outcome(Pick::Weight(3.0), 2),
            outcome(Pick::AmountAbove(10_000.0), 3),
            outcome(Pick::Weight(1.0), 4),
        ]);
        assert_eq!(Chain::choose(&r, 20_000, 0.99).unwrap().emits, [MessageType(3)]);
        assert_eq!(Chain::choose(&r, 500, 0.0).unwrap().emits, [MessageType(2)]);
        assert_eq!(Chain::choose(&r, 500, 0.74).unwrap().emits, [MessageType(2)]);
        assert_eq!(Chain::choose(&r, 500, 0.76).unwrap().emits, [MessageType(4)]);
        let only_conditions = reaction(vec![outcome(Pick::AmountBelow(100.0), 2)]);
        assert!(Chain::choose(&only_conditions, 500, 0.5).is_none(), "no condition holds and nothing is weighted");
    }

    #[test]
    fn types_and_services_not_listed_belong_to_the_entry_topic() {
        let c = Chain::default();
        assert_eq!((c.channel_of(MessageType::CANCEL), c.reads(5), c.channel_count()), (0, 0, 1));
        assert!(c.reaction(0, MessageType::ENTRY).is_none() && c.is_empty());
    }
}
