//! What a person (or a script) does to a run. Interventions are timestamped inputs, so a run
//! is fully described by seed + scenario + inputs and can be replayed exactly.

use crate::delivery::{Guarantee, RetryPolicy, StartFrom};
use crate::fault::Fault;
use crate::scenario::{CallMode, PublishPolicy, Wiring};
use crate::time::Micros;
use crate::topic::PartitionKey;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case", deny_unknown_fields)]
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
            | Action::Redrive { service, .. } => Some(service),
            _ => None,
        }
    }
}

/// An action and the simulated moment it took effect.
// No `deny_unknown_fields` here: serde cannot combine it with `flatten` (every key would be
// unknown to this struct). The flattened action still refuses keys it does not know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub at_us: Micros,
    #[serde(flatten)]
    pub action: Action,
}

/// The highest order rate accepted, orders per second.
pub const MAX_RATE: f64 = 50_000.0;

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
}
