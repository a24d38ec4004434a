//! What a person (or a script) does to a run. Interventions are timestamped inputs, so a run
//! is fully described by seed + scenario + inputs and can be replayed exactly.

use crate::compat::Compatibility;
use crate::delivery::{Guarantee, RetryPolicy, StartFrom};
use crate::fault::Fault;
use crate::keys::{given, need, refuse_rest};
use crate::projection::ProjectionKind;
use crate::saga::SagaStyle;
use crate::scenario::{CallMode, PublishPolicy, Publishing, Storage, Wiring};
use crate::time::Micros;
use crate::topic::PartitionKey;
use serde::{Deserialize, Serialize};

/// Reads as a JSON object tagged by `action`, e.g. `{"action": "set-rate", "rate": 5}`, with
/// no key that the action does not have (read through the private `RawAction`, see `keys.rs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case", try_from = "RawAction")]
pub enum Action {
    /// One order, placed now by the shopper.
    BuyNow,
    /// Orders per second from the Poisson generator; 0 stops it.
    SetRate {
        rate: f64,
    },
    SetWiring {
        wiring: Wiring,
    },
    SetCallMode {
        mode: CallMode,
    },
    SetPublishPolicy {
        policy: PublishPolicy,
    },
    /// How the entry service gets its events to the broker: the dual write, or an outbox
    /// with a polling or log-tailing relay.
    SetPublishing {
        publishing: Publishing,
    },
    /// How sagas started from now on are driven (a system with a saga).
    SetSagaStyle {
        style: SagaStyle,
    },
    /// Choreographed sagas get a deadline at the entry service (a system with a saga).
    SetSagaTimeouts {
        on: bool,
    },
    /// How the entry service keeps its orders: rows, or a stream of events per order.
    SetStorage {
        storage: Storage,
    },
    /// A snapshot of each read model every this many events; 0 takes none.
    SetSnapshots {
        every: u64,
    },
    /// Read models' side effects (emails) do not run again while they replay the log.
    SetReplayGuard {
        on: bool,
    },
    /// A consumer that drops the trace context links its new trace to the producer's span.
    SetTraceLinks {
        on: bool,
    },
    /// How long an alert rule's condition must hold before it fires.
    SetAlertFor {
        rule: String,
        for_us: Micros,
    },
    /// Resets a read model and replays the log: from the latest snapshot its current code
    /// took, or from position 0.
    Rebuild {
        projection: ProjectionKind,
    },
    /// Deletes a read model's snapshot.
    DeleteSnapshot {
        projection: ProjectionKind,
    },
    /// The producer of `message` deploys its proposed schema `proposal`: the registry checks
    /// it; accepted, the producer writes it from now on.
    Deploy {
        message: String,
        proposal: String,
    },
    /// The producer of `message` writes registered version `version` from now on (a rollback,
    /// or a version registered earlier).
    SetProducerVersion {
        message: String,
        version: u32,
    },
    /// Consumer `service` reads `message` with registered version `version` from now on.
    SetReaderVersion {
        service: String,
        message: String,
        version: u32,
    },
    /// The registry checks `message`'s registrations under this mode from now on.
    SetCompatibility {
        message: String,
        compatibility: Compatibility,
    },
    AddSubscriber {
        service: String,
        /// Where it starts reading the log: new events only, or a replay from offset 0.
        #[serde(default)]
        from: StartFrom,
    },
    RemoveSubscriber {
        service: String,
    },
    Inject {
        fault: Fault,
    },
    /// Clears the active fault of the same kind on the same target.
    Clear {
        fault: Fault,
    },
    SetGuarantee {
        service: String,
        guarantee: Guarantee,
    },
    SetIdempotent {
        service: String,
        on: bool,
    },
    /// Keeps a wired service synchronous under event-driven wiring: the Order Service calls
    /// it, and waits for its answer, before it publishes the event; the service then does not
    /// also get the event from the broker. Request-driven, everyone is called anyway, so the
    /// flag is only remembered for when the wiring goes back to events.
    SetSync {
        service: String,
        on: bool,
    },
    SetRetry {
        service: String,
        retry: RetryPolicy,
    },
    /// Consumers in the subscriber's group.
    SetConsumers {
        service: String,
        consumers: u16,
    },
    /// Adds partitions to the topic (they cannot be removed).
    SetPartitions {
        partitions: u16,
    },
    SetPartitionKey {
        key: PartitionKey,
    },
    /// Share of shoppers who cancel their order just after placing it (event-driven).
    SetCancelShare {
        share: f64,
    },
    /// Sends a subscriber's dead letters back for processing: one event, or all.
    Redrive {
        service: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<u64>,
    },
}

impl Action {
    /// The subscriber the action is about, if any.
    pub fn service(&self) -> Option<&str> {
        match self {
            Action::AddSubscriber { service, .. }
            | Action::RemoveSubscriber { service }
            | Action::SetGuarantee { service, .. }
            | Action::SetIdempotent { service, .. }
            | Action::SetSync { service, .. }
            | Action::SetRetry { service, .. }
            | Action::SetConsumers { service, .. }
            | Action::Redrive { service, .. }
            | Action::SetReaderVersion { service, .. } => Some(service),
            _ => None,
        }
    }
}

/// An action and the simulated moment it took effect: the action's object with an `at_us` key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawAction")]
pub struct Input {
    pub at_us: Micros,
    #[serde(flatten)]
    pub action: Action,
}

/// The highest order rate accepted, orders per second.
pub const MAX_RATE: f64 = 50_000.0;

/// The kinds of [`Action`], as the `action` tag names them.
#[derive(Clone, Copy, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
enum ActionKind {
    BuyNow,
    SetRate,
    SetWiring,
    SetCallMode,
    SetPublishPolicy,
    SetPublishing,
    SetSagaStyle,
    SetSagaTimeouts,
    SetStorage,
    SetSnapshots,
    SetReplayGuard,
    SetTraceLinks,
    SetAlertFor,
    Rebuild,
    DeleteSnapshot,
    Deploy,
    SetProducerVersion,
    SetReaderVersion,
    SetCompatibility,
    AddSubscriber,
    RemoveSubscriber,
    Inject,
    Clear,
    SetGuarantee,
    SetIdempotent,
    SetSync,
    SetRetry,
    SetConsumers,
    SetPartitions,
    SetPartitionKey,
    SetCancelShare,
    Redrive,
}

impl ActionKind {
    fn name(self) -> &'static str {
        self.into()
    }
}

/// Every key an action (or an input) may have, read in one flat pass; [`Action`] and [`Input`]
/// are built from it. Serde's own reading of a tagged enum buffers the whole object first,
/// which costs the page a lot of code, and lets an action without fields (`buy-now`) keep any
/// key at all. A key given as `null` counts as given (only `event` may be `null`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    action: ActionKind,
    #[serde(default, deserialize_with = "given")]
    at_us: Option<Micros>,
    #[serde(default, deserialize_with = "given")]
    rate: Option<f64>,
    #[serde(default, deserialize_with = "given")]
    wiring: Option<Wiring>,
    #[serde(default, deserialize_with = "given")]
    mode: Option<CallMode>,
    #[serde(default, deserialize_with = "given")]
    policy: Option<PublishPolicy>,
    #[serde(default, deserialize_with = "given")]
    publishing: Option<Publishing>,
    #[serde(default, deserialize_with = "given")]
    style: Option<SagaStyle>,
    #[serde(default, deserialize_with = "given")]
    storage: Option<Storage>,
    #[serde(default, deserialize_with = "given")]
    every: Option<u64>,
    #[serde(default, deserialize_with = "given")]
    projection: Option<ProjectionKind>,
    #[serde(default, deserialize_with = "given")]
    message: Option<String>,
    #[serde(default, deserialize_with = "given")]
    proposal: Option<String>,
    #[serde(default, deserialize_with = "given")]
    version: Option<u32>,
    #[serde(default, deserialize_with = "given")]
    compatibility: Option<Compatibility>,
    #[serde(default, deserialize_with = "given")]
    service: Option<String>,
    #[serde(default, deserialize_with = "given")]
    from: Option<StartFrom>,
    #[serde(default, deserialize_with = "given")]
    fault: Option<Fault>,
    #[serde(default, deserialize_with = "given")]
    guarantee: Option<Guarantee>,
    #[serde(default, deserialize_with = "given")]
    on: Option<bool>,
    #[serde(default, deserialize_with = "given")]
    retry: Option<RetryPolicy>,
    #[serde(default, deserialize_with = "given")]
    consumers: Option<u16>,
    #[serde(default, deserialize_with = "given")]
    partitions: Option<u16>,
    #[serde(default, deserialize_with = "given")]
    key: Option<PartitionKey>,
    #[serde(default, deserialize_with = "given")]
    share: Option<f64>,
    #[serde(default, deserialize_with = "given")]
    event: Option<Option<u64>>,
    #[serde(default, deserialize_with = "given")]
    rule: Option<String>,
    #[serde(default, deserialize_with = "given")]
    for_us: Option<Micros>,
}

impl RawAction {
    /// The action, and `at_us` if given.
    fn split(mut self) -> Result<(Option<Micros>, Action), String> {
        let kind = self.action.name();
        let s = &mut self;
        let action = match s.action {
            ActionKind::BuyNow => Action::BuyNow,
            ActionKind::SetRate => Action::SetRate { rate: need(&mut s.rate, "rate", kind)? },
            ActionKind::SetWiring => Action::SetWiring { wiring: need(&mut s.wiring, "wiring", kind)? },
            ActionKind::SetCallMode => Action::SetCallMode { mode: need(&mut s.mode, "mode", kind)? },
            ActionKind::SetPublishPolicy => Action::SetPublishPolicy { policy: need(&mut s.policy, "policy", kind)? },
            ActionKind::SetPublishing => {
                Action::SetPublishing { publishing: need(&mut s.publishing, "publishing", kind)? }
            }
            ActionKind::SetSagaStyle => Action::SetSagaStyle { style: need(&mut s.style, "style", kind)? },
            ActionKind::SetSagaTimeouts => Action::SetSagaTimeouts { on: need(&mut s.on, "on", kind)? },
            ActionKind::SetStorage => Action::SetStorage { storage: need(&mut s.storage, "storage", kind)? },
            ActionKind::SetSnapshots => Action::SetSnapshots { every: need(&mut s.every, "every", kind)? },
            ActionKind::SetReplayGuard => Action::SetReplayGuard { on: need(&mut s.on, "on", kind)? },
            ActionKind::SetTraceLinks => Action::SetTraceLinks { on: need(&mut s.on, "on", kind)? },
            ActionKind::SetAlertFor => Action::SetAlertFor {
                rule: need(&mut s.rule, "rule", kind)?,
                for_us: need(&mut s.for_us, "for_us", kind)?,
            },
            ActionKind::Rebuild => Action::Rebuild { projection: need(&mut s.projection, "projection", kind)? },
            ActionKind::DeleteSnapshot => {
                Action::DeleteSnapshot { projection: need(&mut s.projection, "projection", kind)? }
            }
            ActionKind::Deploy => Action::Deploy {
                message: need(&mut s.message, "message", kind)?,
                proposal: need(&mut s.proposal, "proposal", kind)?,
            },
            ActionKind::SetProducerVersion => Action::SetProducerVersion {
                message: need(&mut s.message, "message", kind)?,
                version: need(&mut s.version, "version", kind)?,
            },
            ActionKind::SetReaderVersion => Action::SetReaderVersion {
                service: need(&mut s.service, "service", kind)?,
                message: need(&mut s.message, "message", kind)?,
                version: need(&mut s.version, "version", kind)?,
            },
            ActionKind::SetCompatibility => Action::SetCompatibility {
                message: need(&mut s.message, "message", kind)?,
                compatibility: need(&mut s.compatibility, "compatibility", kind)?,
            },
            ActionKind::AddSubscriber => Action::AddSubscriber {
                service: need(&mut s.service, "service", kind)?,
                from: s.from.take().unwrap_or_default(),
            },
            ActionKind::RemoveSubscriber => {
                Action::RemoveSubscriber { service: need(&mut s.service, "service", kind)? }
            }
            ActionKind::Inject => Action::Inject { fault: need(&mut s.fault, "fault", kind)? },
            ActionKind::Clear => Action::Clear { fault: need(&mut s.fault, "fault", kind)? },
            ActionKind::SetGuarantee => Action::SetGuarantee {
                service: need(&mut s.service, "service", kind)?,
                guarantee: need(&mut s.guarantee, "guarantee", kind)?,
            },
            ActionKind::SetIdempotent => Action::SetIdempotent {
                service: need(&mut s.service, "service", kind)?,
                on: need(&mut s.on, "on", kind)?,
            },
            ActionKind::SetSync => {
                Action::SetSync { service: need(&mut s.service, "service", kind)?, on: need(&mut s.on, "on", kind)? }
            }
            ActionKind::SetRetry => Action::SetRetry {
                service: need(&mut s.service, "service", kind)?,
                retry: need(&mut s.retry, "retry", kind)?,
            },
            ActionKind::SetConsumers => Action::SetConsumers {
                service: need(&mut s.service, "service", kind)?,
                consumers: need(&mut s.consumers, "consumers", kind)?,
            },
            ActionKind::SetPartitions => {
                Action::SetPartitions { partitions: need(&mut s.partitions, "partitions", kind)? }
            }
            ActionKind::SetPartitionKey => Action::SetPartitionKey { key: need(&mut s.key, "key", kind)? },
            ActionKind::SetCancelShare => Action::SetCancelShare { share: need(&mut s.share, "share", kind)? },
            ActionKind::Redrive => {
                Action::Redrive { service: need(&mut s.service, "service", kind)?, event: s.event.take().flatten() }
            }
        };
        refuse_rest(
            kind,
            &[
                ("rate", s.rate.is_some()),
                ("wiring", s.wiring.is_some()),
                ("mode", s.mode.is_some()),
                ("policy", s.policy.is_some()),
                ("publishing", s.publishing.is_some()),
                ("style", s.style.is_some()),
                ("storage", s.storage.is_some()),
                ("every", s.every.is_some()),
                ("projection", s.projection.is_some()),
                ("message", s.message.is_some()),
                ("proposal", s.proposal.is_some()),
                ("version", s.version.is_some()),
                ("compatibility", s.compatibility.is_some()),
                ("service", s.service.is_some()),
                ("from", s.from.is_some()),
                ("fault", s.fault.is_some()),
                ("guarantee", s.guarantee.is_some()),
                ("on", s.on.is_some()),
                ("retry", s.retry.is_some()),
                ("consumers", s.consumers.is_some()),
                ("partitions", s.partitions.is_some()),
                ("key", s.key.is_some()),
                ("share", s.share.is_some()),
                ("event", s.event.is_some()),
                ("rule", s.rule.is_some()),
                ("for_us", s.for_us.is_some()),
            ],
        )?;
        Ok((s.at_us, action))
    }
}

impl TryFrom<RawAction> for Action {
    type Error = String;
    fn try_from(raw: RawAction) -> Result<Self, String> {
        if raw.at_us.is_some() {
            return Err(format!("`at_us` does not apply to {}", raw.action.name()));
        }
        raw.split().map(|(_, action)| action)
    }
}

impl TryFrom<RawAction> for Input {
    type Error = String;
    fn try_from(raw: RawAction) -> Result<Self, String> {
        match raw.split()? {
            (Some(at_us), action) => Ok(Input { at_us, action }),
            (None, _) => Err("missing field `at_us`".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_reads_back_from_its_own_json_and_refuses_unknown_keys() {
        let input = Input { at_us: 5, action: Action::SetIdempotent { service: "payment".into(), on: true } };
        let json = serde_json::to_string(&input).unwrap();
        assert_eq!(json, r#"{"at_us":5,"action":"set-idempotent","service":"payment","on":true}"#);
        assert_eq!(serde_json::from_str::<Input>(&json).unwrap(), input);
        let typo = r#"{"at_us":5,"action":"set-idempotent","service":"payment","on":true,"colour":1}"#;
        let err = serde_json::from_str::<Input>(typo).unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
        assert!(serde_json::from_str::<Input>(r#"{"action":"buy-now"}"#).is_err(), "at_us is required");
    }

    #[test]
    fn set_sync_reads_and_writes_as_set_sync() {
        let input = Input { at_us: 0, action: Action::SetSync { service: "inventory".into(), on: true } };
        let json = serde_json::to_string(&input).unwrap();
        assert_eq!(json, r#"{"at_us":0,"action":"set-sync","service":"inventory","on":true}"#);
        assert_eq!(serde_json::from_str::<Input>(&json).unwrap(), input);
        assert_eq!(input.action.service(), Some("inventory"));
    }

    #[test]
    fn keys_an_action_does_not_have_are_refused_even_without_fields() {
        let err = |json: &str| serde_json::from_str::<Action>(json).unwrap_err().to_string();
        assert!(err(r#"{"action":"buy-now","count":2}"#).contains("unknown field `count`"));
        assert!(err(r#"{"action":"buy-now","rate":2}"#).contains("`rate` does not apply to buy-now"));
        assert!(err(r#"{"action":"set-rate","share":0.5,"rate":2}"#).contains("`share` does not apply to set-rate"));
        assert!(err(r#"{"action":"set-rate"}"#).contains("set-rate needs `rate`"));
        assert!(err(r#"{"action":"set-rate","rate":null}"#).contains("invalid type: null"));
        assert!(err(r#"{"rate":2}"#).contains("missing field `action`"));
        assert!(err(r#"{"action":"melt"}"#).contains("unknown variant `melt`"));
        assert!(err(r#"{"action":"buy-now","at_us":1}"#).contains("`at_us` does not apply to buy-now"));
        let fault = r#"{"action":"inject","fault":{"kind":"broker-down","service":"email"}}"#;
        assert!(err(fault).contains("`service` does not apply to broker-down"));
        let fault = r#"{"action":"inject","fault":{"kind":"crash","service":null}}"#;
        assert!(err(fault).contains("crash needs `service`"));
        // Optional keys: absent or null.
        let read = |json: &str| serde_json::from_str::<Action>(json).unwrap();
        assert_eq!(
            read(r#"{"service":"email","event":null,"action":"redrive"}"#),
            read(r#"{"action":"redrive","service":"email"}"#)
        );
        let drop = read(r#"{"action":"clear","fault":{"share":0.5,"kind":"drop","service":null}}"#);
        assert_eq!(drop, Action::Clear { fault: Fault::Drop { service: None, share: 0.5 } });
        assert_eq!(serde_json::to_string(&drop).unwrap(), r#"{"action":"clear","fault":{"kind":"drop","share":0.5}}"#);
        let add = read(r#"{"action":"add-subscriber","service":"email"}"#);
        assert_eq!(add, Action::AddSubscriber { service: "email".into(), from: StartFrom::Latest });
    }
}
