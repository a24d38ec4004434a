//! Scenarios are data: the services that exist, how fast they work, and the knobs of the
//! system around them. Built-in scenarios live here; later ones can come from files.

use crate::consumer::Effect;
use crate::rng::Dist;
use crate::time::{Micros, MS, SEC};
use crate::topic::{PartitionKey, MAX_PARTITIONS};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// How the Order Service triggers the work that follows an order. Its word (`request`,
/// `event`) is the same in JSON, links and the CLI: serde and strum both name it kebab-case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, EnumString, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Wiring {
    /// The Order Service calls every downstream service and waits for each reply.
    Request,
    /// The Order Service publishes one `OrderPlaced` event to the broker and answers at once.
    Event,
}

impl Wiring {
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn key(self) -> &'static str {
        self.into()
    }
    pub fn label(self) -> &'static str {
        match self {
            Wiring::Request => "request-driven",
            Wiring::Event => "event-driven",
        }
    }
}

/// In request-driven wiring: one call after another, or all at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, EnumString, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum CallMode {
    Sequential,
    Parallel,
}

impl CallMode {
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// What the Order Service does when the broker refuses a publish.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, EnumString, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum PublishPolicy {
    /// The publish fails and so does the checkout: the shopper sees an error.
    Fail,
    /// The event waits in the Order Service's buffer and is retried; the shopper is answered.
    BufferAndRetry,
}

impl PublishPolicy {
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn key(self) -> &'static str {
        self.into()
    }
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
    /// Who places the orders, as the page and the log name them: `Shopper`, `Rider`. ASCII in
    /// every built-in scenario: the page and the log lower-case it with `to_ascii_lowercase`.
    #[serde(default = "words::actor")]
    pub actor: String,
    /// What one of them places: `order`, `trip`.
    #[serde(default = "words::noun")]
    pub noun: String,
    /// What happened to it when placed: `Order 12 placed`, `Trip 12 booked`.
    #[serde(default = "words::placed_verb")]
    pub placed_verb: String,
    /// The shopper's round trip to the Order Service, as the log names it: `checkout 12
    /// failed`, `booking 12 failed`.
    #[serde(default = "words::request_noun")]
    pub request_noun: String,
    /// Placing one, as in `cancel just after ordering`.
    #[serde(default = "words::placing")]
    pub placing: String,
    /// The event the Order Service publishes: `OrderPlaced`, `TripBooked`.
    #[serde(default = "words::event_name")]
    pub event_name: String,
    /// The event a cancellation publishes: `OrderCancelled`, `TripCancelled`.
    #[serde(default = "words::cancel_event_name")]
    pub cancel_event_name: String,
    /// The label of the button that places one: `Buy now`, `Book a trip`.
    #[serde(default = "words::buy_label")]
    pub buy_label: String,
}

/// The checkout shop's words, the defaults of a scenario that gives none of its own (so that
/// scenarios saved before the words existed read as they always did).
mod words {
    pub fn actor() -> String {
        "Shopper".into()
    }
    pub fn noun() -> String {
        "order".into()
    }
    pub fn placed_verb() -> String {
        "placed".into()
    }
    pub fn request_noun() -> String {
        "checkout".into()
    }
    pub fn placing() -> String {
        "ordering".into()
    }
    pub fn event_name() -> String {
        "OrderPlaced".into()
    }
    pub fn cancel_event_name() -> String {
        "OrderCancelled".into()
    }
    pub fn buy_label() -> String {
        "Buy now".into()
    }
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
    pub const IDS: [&'static str; 3] = ["checkout", "flash-sale", "ride-sharing"];

    pub fn by_id(id: &str) -> Option<Scenario> {
        match id {
            "checkout" => Some(Self::checkout()),
            "flash-sale" => Some(Self::flash_sale()),
            "ride-sharing" => Some(Self::ride_sharing()),
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
                // A read model: the shopper's order history, updated from the events. What it
                // shows lags the write by its publish-to-processed delay (the stale window).
                // Last in the catalog so that the services before it keep their indices.
                service("orderpage", "Order page", "updates the order history the shopper reads", 10, 10, 8)
                    .with(counting("orders shown")),
            ],
            initial: ["email", "inventory", "analytics", "shipping"].map(String::from).to_vec(),
            // Long on purpose, so that a student can follow one message across a wire by eye:
            // each hop takes about 0.2 s (150 ms plus 50 ms on average), so at the page's
            // default 0.25x speed a message takes most of a second to cross the stage. These
            // are the simulation's own numbers; every latency the lab measures includes them.
            network: Dist::ShiftedExp { min_us: 150 * MS, mean_extra_us: 50 * MS },
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
            actor: words::actor(),
            noun: words::noun(),
            placed_verb: words::placed_verb(),
            request_noun: words::request_noun(),
            placing: words::placing(),
            event_name: words::event_name(),
            cancel_event_name: words::cancel_event_name(),
            buy_label: words::buy_label(),
        }
    }

    /// The design challenge: a rider books a trip, the Trip Service saves it and one
    /// `TripBooked` event goes out. Nothing listens at the start; the student decides who
    /// subscribes (and who, like pricing, must answer before the rider is told).
    pub fn ride_sharing() -> Scenario {
        Scenario {
            id: "ride-sharing".into(),
            title: "Ride sharing".into(),
            order_service: service("trips", "Trip Service", "books the trip", 15, 10, 32),
            catalog: vec![
                service("matching", "Driver matching", "finds a nearby driver", 60, 60, 8)
                    .with(counting("drivers matched")),
                service("notify", "Rider notification", "pings the rider with an ETA", 20, 20, 8)
                    .with(counting("notifications sent")),
                service("pricing", "Pricing", "locks in the fare", 20, 20, 8).with(Effect::Money),
                service("fraud", "Fraud", "checks the payment method", 40, 40, 8)
                    .with(counting("payment methods checked")),
                service("receipts", "Receipts", "emails the receipt", 40, 40, 8).with(counting("receipts sent")),
                service("analytics", "Analytics", "logs the trip", 30, 30, 8).with(counting("trips logged")),
            ],
            initial: Vec::new(),
            actor: "Rider".into(),
            noun: "trip".into(),
            placed_verb: "booked".into(),
            request_noun: "booking".into(),
            placing: "booking".into(),
            event_name: "TripBooked".into(),
            cancel_event_name: "TripCancelled".into(),
            buy_label: "Book a trip".into(),
            ..Self::checkout()
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
        // A flash sale is about volume, not about following one message: keep the short wires.
        s.network = Dist::ShiftedExp { min_us: 8 * MS, mean_extra_us: 4 * MS };
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
        let words = [
            ("actor", &self.actor),
            ("noun", &self.noun),
            ("placed_verb", &self.placed_verb),
            ("request_noun", &self.request_noun),
            ("placing", &self.placing),
            ("event_name", &self.event_name),
            ("cancel_event_name", &self.cancel_event_name),
            ("buy_label", &self.buy_label),
        ];
        if let Some((field, _)) = words.iter().find(|(_, w)| w.trim().is_empty()) {
            return Err(format!("{field} must not be empty; the page and the log use it"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each enum word is written once: the words links, scripts and the CLI use (strum) are
    /// the names serde writes, and every word reads back as its variant.
    #[test]
    fn enum_words_are_serde_s_names_and_read_back() {
        fn check<T>(key: fn(T) -> &'static str, parse: fn(&str) -> Option<T>, variants: &[T])
        where
            T: Copy + PartialEq + std::fmt::Debug + Serialize,
        {
            for &v in variants {
                assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{}\"", key(v)));
                assert_eq!(parse(key(v)), Some(v));
            }
            assert_eq!(parse("no-such-word"), None);
        }
        check(Wiring::key, Wiring::parse, Wiring::VARIANTS);
        check(CallMode::key, CallMode::parse, CallMode::VARIANTS);
        check(PublishPolicy::key, PublishPolicy::parse, PublishPolicy::VARIANTS);
        check(crate::delivery::Guarantee::key, crate::delivery::Guarantee::parse, crate::delivery::Guarantee::VARIANTS);
        assert_eq!(
            (Wiring::Request.key(), PublishPolicy::BufferAndRetry.key(), crate::delivery::Guarantee::AtLeastOnce.key()),
            ("request", "buffer-and-retry", "at-least-once")
        );
        // The partition key's words are shorter than its JSON names, and read back too.
        let words: Vec<&str> = PartitionKey::ALL.iter().map(|k| k.key()).collect();
        assert_eq!(words, ["order", "user", "none"]);
        assert!(PartitionKey::ALL.iter().all(|&k| PartitionKey::parse(k.key()) == Some(k)));
        assert_eq!(serde_json::to_string(&PartitionKey::OrderId).unwrap(), "\"order-id\"");
    }

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
    fn the_order_page_is_a_fast_read_model_off_at_the_start() {
        for id in ["checkout", "flash-sale"] {
            let s = Scenario::by_id(id).unwrap();
            let i = s.catalog_index("orderpage").expect("the order page is in the catalog");
            assert_eq!(i, s.catalog.len() - 1, "last, so the other services keep their indices");
            assert_eq!(s.catalog[i].name, "Order page");
            assert_eq!(s.catalog[i].effect, Effect::Count { noun: "orders shown".into() });
            assert!(!s.initial.contains(&"orderpage".to_string()));
            assert!(s.catalog.len() <= MAX_SUBSCRIBERS);
        }
    }

    #[test]
    fn ride_sharing_speaks_of_riders_and_trips_and_starts_with_no_subscribers() {
        let s = Scenario::by_id("ride-sharing").unwrap();
        assert_eq!(s.order_service.key, "trips");
        assert_eq!(s.order_service.name, "Trip Service");
        assert_eq!((s.actor.as_str(), s.noun.as_str(), s.event_name.as_str()), ("Rider", "trip", "TripBooked"));
        assert_eq!((s.cancel_event_name.as_str(), s.buy_label.as_str()), ("TripCancelled", "Book a trip"));
        assert!(s.initial.is_empty());
        assert_eq!(s.rate, 2.0);
        let keys: Vec<&str> = s.catalog.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["matching", "notify", "pricing", "fraud", "receipts", "analytics"]);
        assert_eq!(s.catalog[2].effect, Effect::Money);
        assert_eq!(s.catalog[1].effect, Effect::Count { noun: "notifications sent".into() });
        assert_eq!(s.service_keys()[0], "trips", "faults may name the Trip Service");
    }

    #[test]
    fn a_scenario_without_words_reads_as_the_checkout_shop() {
        let mut json = serde_json::to_value(Scenario::ride_sharing()).unwrap();
        let words =
            ["actor", "noun", "placed_verb", "request_noun", "placing", "event_name", "cancel_event_name", "buy_label"];
        for field in words {
            json.as_object_mut().unwrap().remove(field);
        }
        let s: Scenario = serde_json::from_value(json).unwrap();
        let c = Scenario::checkout();
        assert_eq!((s.actor, s.noun, s.event_name), (c.actor, c.noun, c.event_name));
        assert_eq!((s.cancel_event_name, s.buy_label), (c.cancel_event_name, c.buy_label));
    }

    #[test]
    fn an_empty_word_is_refused_by_name() {
        let mut s = Scenario::ride_sharing();
        s.noun = " ".into();
        assert!(s.validate().unwrap_err().contains("noun"));
    }

    #[test]
    fn scenario_round_trips_through_json() {
        for id in Scenario::IDS {
            let s = Scenario::by_id(id).unwrap();
            let json = serde_json::to_string(&s).unwrap();
            let back: Scenario = serde_json::from_str(&json).unwrap();
            assert_eq!(s, back);
        }
    }

    /// The core lower-cases `actor` and capitalises words and service names in ASCII only
    /// (narration::capitalise): right as long as they are ASCII.
    #[test]
    fn built_in_words_and_names_are_ascii() {
        for id in Scenario::IDS {
            let s = Scenario::by_id(id).unwrap();
            let names = std::iter::once(&s.order_service).chain(&s.catalog).map(|c| &c.name);
            for word in [&s.actor, &s.noun, &s.request_noun].into_iter().chain(names) {
                assert!(word.is_ascii(), "{id}: {word}");
            }
        }
    }
}
