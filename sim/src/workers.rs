//! The services at work: the entry service, each downstream one, and each one's own data.
//! What they do is in `sim.rs` (jobs) and `broker.rs` (a subscriber's work).

use crate::consumer::Consumer;
use crate::scenario::Scenario;
use crate::service::Service;

#[derive(Clone)]
pub(crate) struct Workers {
    /// The entry service.
    pub orders: Service,
    /// The downstream services, by catalog index.
    pub services: Vec<Service>,
    /// Each downstream service's own data and idempotency store.
    pub consumers: Vec<Consumer>,
    pub next_job: u64,
}

impl Workers {
    pub fn new(scenario: &Scenario, seed: u64) -> Workers {
        Workers {
            orders: Service::new(seed, &scenario.order_service.key),
            services: scenario.catalog.iter().map(|s| Service::new(seed, &s.key)).collect(),
            consumers: scenario.catalog.iter().map(|s| Consumer::new(s.effect.clone())).collect(),
            next_job: 1,
        }
    }
}
