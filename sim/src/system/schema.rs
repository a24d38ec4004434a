//! A system written down as data: the services, the messages they exchange, the channels
//! those travel on, what each service does when a message reaches it, and what the actor
//! does to start it all. The built-in scenarios are such files (`content/scenarios/`), and a
//! course author writes another one without touching Rust.
//!
//! Durations are text (`150ms`, `2s`) so that a file reads as an author writes it.
//! [`super::read`] reads a file into these types, reporting every problem of shape with its
//! path (unknown keys included); [`super::compile`] checks what it says and turns it into the
//! [`Scenario`] the simulation runs. They serialise with serde, as the README shows them.
//!
//! [`Scenario`]: crate::scenario::Scenario

use crate::compat::Compatibility;
use crate::consumer::Effect;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use strum::{IntoStaticStr, VariantArray};

/// The value of `format` in every scenario file.
pub const FORMAT: &str = "fanout-scenario";
/// The version of the format this core reads.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioFile {
    /// Always [`FORMAT`], so that a file says what it is.
    pub format: String,
    pub version: u32,
    /// Lower-case letters, digits and dashes: `hospital-admissions`.
    pub id: String,
    pub title: String,
    /// One sentence for the scenario picker: what happens in this system.
    #[serde(default)]
    pub summary: String,
    pub words: Words,
    pub entry: Entry,
    pub services: Vec<ServiceDecl>,
    pub messages: Vec<MessageDecl>,
    pub channels: Vec<ChannelDecl>,
    pub reactions: Vec<ReactionDecl>,
    pub timing: Timing,
    pub defaults: Defaults,
    /// A saga over some of the services, if the system has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saga: Option<SagaDecl>,
    /// The schemas the broker's registry keeps, by event name, with the later schemas a
    /// producer may propose in the lab; empty: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub schemas: BTreeMap<String, SchemaDecl>,
}

/// One event's subject in the schema registry, as a file writes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SchemaDecl {
    /// The registry's name for it: `BACKWARD` (when the file gives none), `FULL_TRANSITIVE`.
    pub mode: Compatibility,
    /// Fields of the declared message (its `fields`) that have defaults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional: Vec<String>,
    /// Later schemas a producer may deploy in the lab, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposals: Vec<ProposalDecl>,
}

/// A later schema of an event: its whole field set, not a change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProposalDecl {
    /// Lower-case letters, digits and dashes: `add-coupon`.
    pub key: String,
    pub fields: BTreeMap<String, FieldType>,
    /// Which of `fields` have defaults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional: Vec<String>,
}

/// A saga as a file writes it: services by key, durations as text, message names.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SagaDecl {
    pub orchestrator: String,
    /// `orchestrated` or `choreographed`: how it starts out.
    pub style: String,
    pub step_timeout: String,
    pub saga_timeout: String,
    pub retry: String,
    /// The event the entry service publishes when a choreographed saga runs out of time.
    pub timed_out_event: String,
    pub steps: Vec<SagaStepDecl>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SagaStepDecl {
    pub service: String,
    /// `stock`, `money` or `none`.
    pub books: String,
    #[serde(rename = "do")]
    pub run: String,
    pub done: String,
    pub failed: String,
    /// Empty for a step with no compensation.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub undo: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub undone: String,
}

/// The words the page and the narration use for this system.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Words {
    /// Who starts the work: `Shopper`, `Rider`, `Customer`.
    pub actor: String,
    /// What one of them starts: `order`, `trip`, `transfer`.
    pub noun: String,
    /// What happened to it when started: `placed`, `booked`, `requested`.
    pub done_verb: String,
    /// The actor's round trip, as the log names it: `checkout`, `booking`, `transfer request`.
    pub request_noun: String,
    /// Starting one, as in "cancel just after ordering": `ordering`, `booking`, `sending`.
    pub doing: String,
    /// The button that starts one: `Buy now`, `Book a trip`, `Send money`.
    pub action: String,
}

/// What the actor does, which service takes it, and what the actor waits for.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// The service the actor's request reaches first.
    pub service: String,
    /// The command the actor sends it (declared in `messages`).
    pub command: String,
    /// The event after whose publication the actor is answered, event-driven; request-driven,
    /// the actor waits for every reaction to it as well.
    pub answered_after: String,
    /// How the actor takes it back just after starting it, if the system allows that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel: Option<Cancel>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cancel {
    /// The command the actor sends (declared in `messages`).
    pub command: String,
    /// The event the entry service publishes in answer; it must undo `answered_after`.
    pub publishes: String,
}

pub use crate::scenario::{Icon, Role};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceDecl {
    /// Stable identifier used in faults and links: `email`.
    pub key: String,
    pub name: String,
    pub role: Role,
    pub icon: Icon,
    /// What it does, as a phrase: `sends the confirmation`.
    pub job: String,
    pub processing: Processing,
    /// Pieces of work handled at once; the rest wait in its queue.
    pub concurrency: u32,
    /// Pieces of work that may wait; beyond this new work is refused.
    pub queue_limit: u32,
    /// The data its reactions change (emails sent, stock, money charged), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Effect>,
    /// Wired in when the lab starts; a student may wire others in.
    #[serde(default)]
    pub wired: bool,
}

/// How long one piece of work takes: `{"min": "40ms", "mean_extra": "40ms"}` (a floor plus
/// an exponential tail), `{"min": "10ms", "max": "30ms"}` (uniform) or `{"fixed": "20ms"}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Processing {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_extra: Option<String>,
}

/// An event states a fact in the past tense and may have any number of listeners; a command
/// asks one receiver to do something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum MessageKind {
    Event,
    Command,
}

pub use crate::compat::FieldType;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageDecl {
    /// `OrderPlaced`, `ChargeCard`.
    pub name: String,
    pub kind: MessageKind,
    /// The version of its schema, from 1.
    pub version: u32,
    pub fields: BTreeMap<String, FieldType>,
    /// For an event that takes another one back (`OrderCancelled` undoes `OrderPlaced`): what
    /// the other one changed is changed back, and it is counted when it arrives first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
}

/// A topic keeps events in a log any number of groups read; a queue hands each command to
/// one receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ChannelKind {
    Topic,
    Queue,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelDecl {
    pub name: String,
    pub kind: ChannelKind,
    /// The message types it carries.
    pub carries: Vec<String>,
    /// Partitions of a topic at the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<u16>,
    /// The field that picks a message's partition; absent: round-robin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// How long a topic keeps an event: `7d`-style text is not read; write `604800s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
}

/// When `service` handles `handles`: it works for its processing time, changes its state,
/// then does what `then` says; or, with `outcomes`, one of several things, by weight.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReactionDecl {
    pub service: String,
    pub handles: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub then: Vec<Then>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<Outcome>,
}

/// One possible outcome of a reaction: chosen by weight, or only when a field passes a test.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "if")]
    pub condition: Option<Condition>,
    /// A word for the log: `declined`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub then: Vec<Then>,
}

/// A test on a numeric field of the handled message: `{"field": "amount", "above": 100000}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Condition {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
}

/// What a service does once its work on a message is done. Exactly one key per entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Then {
    /// Publishes this event to its topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish: Option<String>,
    /// Sends this command; `to` names its one receiver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send: Option<String>,
    /// Calls this service directly and waits for its answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Answers whoever called.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reply: bool,
}

/// The system's clocks, as durations.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timing {
    /// One hop on any wire.
    pub network: Processing,
    pub call_timeout: String,
    /// How long a publisher waits before publishing buffered events again.
    pub publish_retry: String,
    /// How long the broker waits before redelivering an event a subscriber failed on.
    pub redelivery_delay: String,
    /// How long the broker waits for an acknowledgement that vanished.
    pub ack_timeout: String,
    /// How often the charts sample.
    pub sample_interval: String,
}

/// What the lab starts with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Defaults {
    /// How many the actors start per second.
    pub rate: f64,
    pub call_mode: crate::scenario::CallMode,
    pub publish_policy: crate::scenario::PublishPolicy,
}
