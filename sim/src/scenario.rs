//! Scenarios are data: the services that exist, how fast they work, and the knobs of the
//! system around them. Built-in scenarios live here; later ones can come from files.

use crate::consumer::Effect;
use crate::rng::Dist;
use crate::time::{Micros, MS, SEC};
use crate::topic::{PartitionKey, MAX_PARTITIONS};
use serde::{Deserialize, Serialize};

/// How the Order Service triggers the work that follows an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Wiring {
    /// The Order Service calls every downstream service and waits for each reply.
    Request,
    /// The Order Service publishes one `OrderPlaced` event to the broker and answers at once.
    Event,
}

impl Wiring {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "request" => Some(Wiring::Request),
            "event" => Some(Wiring::Event),
            _ => None,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Wiring::Request => "request",
            Wiring::Event => "event",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Wiring::Request => "request-driven",
            Wiring::Event => "event-driven",
        }
    }
}

/// In request-driven wiring: one call after another, or all at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallMode {
    Sequential,
    Parallel,
}

/// What the Order Service does when the broker refuses a publish.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PublishPolicy {
    /// The publish fails and so does the checkout: the shopper sees an error.
    Fail,
    /// The event waits in the Order Service's buffer and is retried; the shopper is answered.
    BufferAndRetry,
}

/// One service: the Order Service or a downstream reaction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Stable identifier used in fault specs and links, e.g. `email`.
    pub key: String,
    /// Display name, e.g. `Email`.
    pub name: String,
    /// What it does with an order, e.g. `sends the confirmation`.
    pub job: String,
    pub processing: Dist,
    /// How many pieces of work it handles at once; the rest wait in its queue.
    pub concurrency: u32,
    /// How many pieces of work may wait; beyond this new work is refused.
    pub queue_limit: u32,
    /// What processing an event changes in the service's own data.
    #[serde(default)]
    pub effect: Effect,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub order_service: ServiceSpec,
    /// Every downstream service this scenario knows, subscribed or not.
    pub catalog: Vec<ServiceSpec>,
    /// Keys of the services wired in at the start.
    pub initial: Vec<String>,
    /// Latency of one hop on any wire.
    pub network: Dist,
    pub call_timeout_us: Micros,
    pub call_mode: CallMode,
    pub publish_policy: PublishPolicy,
    /// How long the Order Service waits before retrying buffered events.
    pub publish_retry_us: Micros,
    /// How long the broker waits before redelivering an event a subscriber failed on.
    pub redelivery_delay_us: Micros,
    /// Default order rate, orders per second.
    pub rate: f64,
    /// How often lag and busy share are sampled for charts.
    pub sample_interval_us: Micros,
    /// Partitions of the topic at the start.
    #[serde(default = "default_partitions")]
    pub partitions: u16,
    #[serde(default = "default_partition_key")]
    pub partition_key: PartitionKey,
    /// How long the broker waits for an acknowledgement it will never get (the delivery or
    /// the acknowledgement vanished) before it acts: delivers again, or gives up.
    #[serde(default = "default_ack_timeout")]
    pub ack_timeout_us: Micros,
}

/// As many partitions as a subscriber has workers, so that with one reader per partition
/// a subscriber works as fast as before the broker kept a log.
fn default_partitions() -> u16 {
    8
}
fn default_partition_key() -> PartitionKey {
    PartitionKey::OrderId
}
fn default_ack_timeout() -> Micros {
    2 * SEC
}

/// The most downstream services one run may have wired in at once.
pub const MAX_SUBSCRIBERS: usize = 12;

fn service(key: &str, name: &str, job: &str, min_ms: u64, extra_ms: u64, concurrency: u32) -> ServiceSpec {
    ServiceSpec {
        key: key.into(),
        name: name.into(),
        job: job.into(),
        processing: Dist::ShiftedExp { min_us: min_ms * MS, mean_extra_us: extra_ms * MS },
        concurrency,
        queue_limit: 10_000,
        effect: Effect::default(),
    }
}

fn counting(noun: &str) -> Effect {
    Effect::Count { noun: noun.into() }
}

impl ServiceSpec {
    fn with(mut self, effect: Effect) -> Self {
        self.effect = effect;
        self
    }
}

impl Scenario {
    /// Identifiers of the built-in scenarios.
    pub const IDS: [&'static str; 2] = ["checkout", "flash-sale"];

    pub fn by_id(id: &str) -> Option<Scenario> {
        match id {
            "checkout" => Some(Self::checkout()),
            "flash-sale" => Some(Self::flash_sale()),
            _ => None,
        }
    }

    /// Alex clicks "Buy now": the Order Service saves the order and four services react.
    pub fn checkout() -> Scenario {
        Scenario {
            id: "checkout".into(),
            title: "Checkout".into(),
            order_service: service("orders", "Order Service", "saves the order", 15, 10, 32),
            catalog: vec![
                service("email", "Email", "sends the confirmation", 40, 40, 8).with(counting("emails sent")),
                service("inventory", "Inventory", "reduces the stock", 20, 20, 8).with(Effect::Stock { start: 1_000 }),
                service("analytics", "Analytics", "logs the sale", 30, 30, 8).with(counting("sales logged")),
                service("shipping", "Shipping", "books the parcel", 30, 20, 8).with(counting("parcels booked")),
                service("sms", "SMS", "texts the shopper", 30, 30, 8).with(counting("texts sent")),
                service("fraud", "Fraud", "checks for fraud", 40, 40, 8).with(counting("orders checked")),
                service("loyalty", "Loyalty", "awards points", 20, 20, 8).with(counting("points awarded")),
                service("payment", "Payment", "charges the card", 40, 30, 8).with(Effect::Money),
            ],
            initial: ["email", "inventory", "analytics", "shipping"].map(String::from).to_vec(),
            network: Dist::ShiftedExp { min_us: 8 * MS, mean_extra_us: 4 * MS },
            call_timeout_us: 5 * SEC,
            call_mode: CallMode::Sequential,
            publish_policy: PublishPolicy::Fail,
            publish_retry_us: 500 * MS,
            redelivery_delay_us: 500 * MS,
            rate: 2.0,
            sample_interval_us: 250 * MS,
            partitions: default_partitions(),
            partition_key: default_partition_key(),
            ack_timeout_us: default_ack_timeout(),
        }
    }

    /// The same shop during a flash sale: many orders, services scaled out to match.
    pub fn flash_sale() -> Scenario {
        let mut s = Self::checkout();
        s.id = "flash-sale".into();
        s.title = "Flash sale".into();
        s.order_service.concurrency = 4_000;
        for svc in &mut s.catalog {
            svc.concurrency = 2_000;
            svc.queue_limit = 100_000;
        }
        s.rate = 200.0;
        // Enough partitions that one reader each keeps up with the sale.
        s.partitions = MAX_PARTITIONS;
        s
    }

    pub fn catalog_index(&self, key: &str) -> Option<usize> {
        self.catalog.iter().position(|s| s.key == key)
    }

    /// Keys a fault may name: the Order Service and every catalog service.
    pub fn service_keys(&self) -> Vec<&str> {
        std::iter::once(self.order_service.key.as_str()).chain(self.catalog.iter().map(|s| s.key.as_str())).collect()
    }

    /// Checks the scenario can be run; the message names the first problem.
    pub fn validate(&self) -> Result<(), String> {
        for s in std::iter::once(&self.order_service).chain(&self.catalog) {
            if s.concurrency == 0 {
                return Err(format!("service {} has concurrency 0; it would never work", s.key));
            }
        }
        for key in &self.initial {
            if self.catalog_index(key).is_none() {
                return Err(format!("initial service {key} is not in the catalog"));
            }
        }
        if self.catalog.len() > MAX_SUBSCRIBERS {
            return Err(format!("at most {MAX_SUBSCRIBERS} downstream services are supported"));
        }
        if !(self.rate.is_finite() && self.rate >= 0.0) {
            return Err("rate must be a number of orders per second, 0 or more".into());
        }
        if self.sample_interval_us == 0 {
            return Err("sample interval must be above 0".into());
        }
        if !(1..=MAX_PARTITIONS).contains(&self.partitions) {
            return Err(format!("partitions must be from 1 to {MAX_PARTITIONS}, not {}", self.partitions));
        }
        if self.ack_timeout_us == 0 {
            return Err("the ack timeout must be above 0".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_scenarios_validate() {
        for id in Scenario::IDS {
            Scenario::by_id(id).unwrap().validate().unwrap();
        }
    }

    #[test]
    fn unknown_scenario_is_none() {
        assert!(Scenario::by_id("nope").is_none());
    }

    #[test]
    fn scenario_round_trips_through_json() {
        let s = Scenario::checkout();
        let json = serde_json::to_string(&s).unwrap();
        let back: Scenario = serde_json::from_str(&json).unwrap();
        assert_eq!(s, back);
    }
}
