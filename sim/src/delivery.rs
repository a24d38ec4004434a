//! How a subscription is consumed: the delivery guarantee, idempotency, retries with backoff,
//! how many consumers share the work, and where a new subscriber starts reading.

use crate::rng::Keyed;
use crate::time::{Micros, MS, SEC};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// When the consumer acknowledges, relative to processing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, EnumString, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Guarantee {
    /// Acknowledge on receipt, then process: a crash or a failure loses the event, and
    /// nothing is ever delivered twice.
    AtMostOnce,
    /// Process, then acknowledge: a crash or a lost acknowledgement means the broker
    /// delivers again, so an event can be processed twice.
    AtLeastOnce,
}

impl Guarantee {
    pub fn key(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// Where a subscriber added during a run starts reading the log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum StartFrom {
    /// Only events published from now on.
    #[default]
    Latest,
    /// Offset 0 of every partition (or the oldest event retention kept): replay the past.
    Earliest,
}

/// Retries of an event a consumer failed on: exponential backoff with jitter, then the
/// dead-letter queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; after the last failure the event is dead.
    pub max_attempts: u32,
    /// Wait before the first retry; each retry waits twice as long as the one before.
    pub base_us: Micros,
    /// The longest wait.
    pub cap_us: Micros,
}

/// Most attempts a retry policy may make.
pub const MAX_ATTEMPTS: u32 = 10;
/// Longest base delay and cap accepted.
pub const MAX_BACKOFF_US: Micros = 60 * SEC;
/// Most consumers one subscriber may run.
pub const MAX_CONSUMERS: u16 = 8;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 4, base_us: 250 * MS, cap_us: 4 * SEC }
    }
}

impl RetryPolicy {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_ATTEMPTS).contains(&self.max_attempts) {
            return Err(format!("attempts must be from 1 to {MAX_ATTEMPTS}, not {}", self.max_attempts));
        }
        if self.base_us == 0 || self.base_us > MAX_BACKOFF_US {
            return Err(format!("the base delay must be above 0 and at most {} s", MAX_BACKOFF_US / SEC));
        }
        if self.cap_us < self.base_us || self.cap_us > MAX_BACKOFF_US {
            return Err(format!("the cap must be at least the base delay and at most {} s", MAX_BACKOFF_US / SEC));
        }
        Ok(())
    }

    /// The wait before retry number `retry` (1 for the first): the exponential step capped,
    /// then "equal jitter": half of it fixed, half random, so that consumers failing together
    /// do not all come back at the same moment.
    pub fn backoff(&self, retry: u32, jitter: &Keyed, key: [u64; 3]) -> Micros {
        let step = self.base_us.saturating_mul(1u64 << (retry.saturating_sub(1)).min(32)).min(self.cap_us);
        let half = step / 2;
        half + (jitter.unit(key) * (step - half) as f64) as Micros
    }
}

/// Everything the student can set on one subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubSettings {
    pub guarantee: Guarantee,
    /// Skip events whose ID the consumer has already processed.
    pub idempotent: bool,
    pub retry: RetryPolicy,
    /// Consumers in this subscriber's group. They compete: each event goes to one of them.
    pub consumers: u16,
}

impl Default for SubSettings {
    fn default() -> Self {
        SubSettings {
            guarantee: Guarantee::AtLeastOnce,
            idempotent: false,
            retry: RetryPolicy::default(),
            consumers: 1,
        }
    }
}

impl SubSettings {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_CONSUMERS).contains(&self.consumers) {
            return Err(format!("consumers must be from 1 to {MAX_CONSUMERS}, not {}", self.consumers));
        }
        self.retry.validate()
    }
}

/// How many consumers read partition `p` of `partitions`, with `consumers` in the group.
/// With no more consumers than partitions each partition has one reader, which takes one
/// event at a time, so the partition's order holds. With more, the extra consumers share
/// partitions, and two events of one partition can be worked on at once.
pub fn readers(p: u16, partitions: u16, consumers: u16) -> u16 {
    if consumers <= partitions {
        1
    } else {
        consumers / partitions + u16::from(p < consumers % partitions)
    }
}

/// Which consumer of the group takes the `nth` event handed out from partition `p`.
pub fn consumer_for(p: u16, partitions: u16, consumers: u16, nth: u64) -> u16 {
    if consumers <= partitions {
        p % consumers
    } else {
        let k = (nth % readers(p, partitions, consumers) as u64) as u16;
        p + partitions * k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_inside_the_step() {
        let policy = RetryPolicy { max_attempts: 6, base_us: 100 * MS, cap_us: 500 * MS };
        let jitter = Keyed::derive(1, "jitter");
        for (retry, step) in [(1, 100), (2, 200), (3, 400), (4, 500), (5, 500)] {
            for k in 0..50 {
                let d = policy.backoff(retry, &jitter, [k, retry as u64, 0]);
                assert!(d >= step * MS / 2 && d <= step * MS, "retry {retry}: {d}");
            }
        }
    }

    #[test]
    fn impossible_policies_are_refused() {
        let ok = RetryPolicy::default();
        assert!(ok.validate().is_ok());
        assert!(RetryPolicy { max_attempts: 0, ..ok }.validate().is_err());
        assert!(RetryPolicy { max_attempts: MAX_ATTEMPTS + 1, ..ok }.validate().unwrap_err().contains("attempts"));
        assert!(RetryPolicy { base_us: 0, ..ok }.validate().is_err());
        assert!(RetryPolicy { cap_us: ok.base_us - 1, ..ok }.validate().unwrap_err().contains("cap"));
        assert!(SubSettings { consumers: 0, ..Default::default() }.validate().is_err());
    }

    #[test]
    fn readers_cover_every_consumer_once() {
        for partitions in 1..=6u16 {
            for consumers in 1..=MAX_CONSUMERS {
                let total: u16 = (0..partitions).map(|p| readers(p, partitions, consumers)).sum();
                assert_eq!(total, partitions.max(consumers), "{partitions} partitions, {consumers} consumers");
                for p in 0..partitions {
                    for nth in 0..10 {
                        assert!(consumer_for(p, partitions, consumers, nth) < consumers);
                    }
                }
            }
        }
    }
}
