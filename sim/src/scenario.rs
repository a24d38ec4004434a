//! Scenarios are data: the services that exist, how fast they work, and the knobs of the
//! system around them. Built-in scenarios live here; later ones can come from files.

use crate::consumer::Effect;
use crate::message::MessageType;
use crate::rng::Dist;
use crate::time::{Micros, SEC};
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

/// How the entry service gets its event to the broker once it has saved the order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, EnumString, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Publishing {
    /// The dual write: commit the order, then publish. A crash between the two loses the
    /// event while the order stays.
    #[default]
    Direct,
    /// Commit the order and an outbox row in one transaction; a relay polls the table at an
    /// interval and publishes what it finds.
    OutboxPolling,
    /// The same outbox, with a relay that follows the database's log and publishes each row
    /// moments after its commit.
    OutboxTailing,
}

impl Publishing {
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn key(self) -> &'static str {
        self.into()
    }
    pub fn uses_outbox(self) -> bool {
        self != Publishing::Direct
    }
}

/// How the entry service keeps its orders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, EnumString, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Storage {
    /// A row per order, updated in place.
    #[default]
    Rows,
    /// An append-only stream of events per order; read models are projections of the log.
    EventSourced,
}

impl Storage {
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// What a service is for, which decides where the page draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Role {
    /// Takes the actor's request; there is exactly one.
    Entry,
    /// Does its part of the work.
    Service,
    /// Keeps a copy of data for reading (an order history page): its lag is how stale it is.
    ReadModel,
}

/// The icons a scenario may give its services; the page draws each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Icon {
    Receipt,
    Mail,
    Box,
    Chart,
    Truck,
    Chat,
    Shield,
    Star,
    Card,
    Cart,
    Person,
    Bank,
    Ledger,
    Bell,
    Car,
    Pin,
    Page,
    Clock,
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
    /// How the page draws it.
    #[serde(default = "default_icon")]
    pub icon: Icon,
    #[serde(default = "default_role")]
    pub role: Role,
}

fn default_icon() -> Icon {
    Icon::Receipt
}
fn default_role() -> Role {
    Role::Service
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    /// One sentence for the scenario picker.
    #[serde(default)]
    pub summary: String,
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
    /// Whether the actor can take one back just after starting it (`cancel_event_name`).
    #[serde(default = "yes")]
    pub cancellable: bool,
    /// What happens after the first reaction, if anything: follow-up types, channels and
    /// reactions. Empty in a system whose services react to the entry's event alone.
    #[serde(default)]
    pub chain: crate::chain::Chain,
    /// A saga over some of the services: its steps, compensations and messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saga: Option<crate::saga::SagaSpec>,
    /// The schema registry's subjects, one per event type that declares a schema, with the
    /// later schemas a producer may propose; empty when the system declares none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<crate::schema_registry::SubjectSpec>,
}

fn yes() -> bool {
    true
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

impl Scenario {
    /// A message type's name: `OrderPlaced`, `OrderCancelled`, `FraudCleared`.
    pub fn type_name(&self, t: MessageType) -> &str {
        match t {
            MessageType::ENTRY => &self.event_name,
            MessageType::CANCEL => &self.cancel_event_name,
            t => match self.chain.type_spec(t) {
                Some(s) => s.name.as_str(),
                None => self.saga.as_ref().and_then(|g| g.name(t)).unwrap_or(""),
            },
        }
    }

    /// Every message type that travels through the broker, the entry's two first (the
    /// undoing only if the system has one).
    pub fn message_types(&self) -> Vec<MessageType> {
        let mut all = vec![MessageType::ENTRY];
        if self.cancellable {
            all.push(MessageType::CANCEL);
        }
        let n = self.chain.types.len() as u8;
        all.extend((0..n).map(|k| MessageType(MessageType::FIRST_FOLLOW_UP + k)));
        all
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
            ("buy_label", &self.buy_label),
        ];
        if self.cancellable && self.cancel_event_name.trim().is_empty() {
            return Err("cancel_event_name must not be empty when the scenario can be cancelled".into());
        }
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
        check(Publishing::key, Publishing::parse, Publishing::VARIANTS);
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
