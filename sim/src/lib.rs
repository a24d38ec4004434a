//! Fanout's simulation core: a deterministic discrete-event model of a shop whose Order
//! Service either calls its downstream services (request-driven) or publishes one event
//! through a broker (event-driven).
//!
//! No web crates here: the same code runs in the page (WebAssembly), in tests, in
//! benchmarks and in the `fanout-sim` command-line runner, and gives the same trace.

pub mod alert;
mod alert_flow;
pub mod alerting;
pub mod audit;
pub mod broker;
mod broker_state;
pub mod chain;
pub mod compat;
pub mod consumer;
pub mod delivery;
pub mod event_store;
pub mod evolution;
mod evolution_flow;
pub mod export;
pub mod fault;
mod flows;
pub mod happened;
mod flow;
pub mod input;
mod keys;
pub mod lesson;
pub mod message;
pub mod metrics;
pub mod narration;
pub mod otlp;
pub mod outbox;
pub mod params;
pub mod projection;
pub mod red;
mod record;
mod queue;
pub mod report;
pub mod report_alerts;
mod reaction;
mod relay;
pub mod rng;
pub mod saga;
mod saga_flow;
mod sagas;
pub mod scenario;
pub mod schema_registry;
pub mod script;
pub mod service;
pub mod sim;
pub mod sourcing;
mod sourcing_flow;
pub mod subscription;
pub mod system;
pub mod text;
pub mod time;
pub mod timeline;
pub mod tracecontext;
pub mod topic;
pub mod trace;
mod trace_flow;
pub mod tracer;
mod wires;
mod workers;
pub mod waiting;

pub use fault::{Fault, FaultSpec};
pub use input::{Action, Input};
pub use message::{Message, MsgKind, Node};
pub use scenario::{CallMode, PublishPolicy, Publishing, Scenario, Storage, Wiring};
pub use sim::{Headline, NodeView, Setup, Sim};
pub use time::{Micros, MS, SEC};
pub use timeline::Timeline;

/// Runs a setup for `duration_us` of simulated time and returns the finished run.
pub fn run(setup: &Setup, duration_us: Micros) -> Result<Sim, String> {
    let mut sim = Sim::from_setup(setup)?;
    sim.run_until(duration_us);
    Ok(sim)
}
