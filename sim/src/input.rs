//! What a person (or a script) does to a run. Interventions are timestamped inputs, so a run
//! is fully described by seed + scenario + inputs and can be replayed exactly.

use crate::fault::Fault;
use crate::scenario::{CallMode, PublishPolicy, Wiring};
use crate::time::Micros;
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
}

/// An action and the simulated moment it took effect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    pub at_us: Micros,
    #[serde(flatten)]
    pub action: Action,
}

/// The highest order rate accepted, orders per second.
pub const MAX_RATE: f64 = 50_000.0;
