//! Who is waiting on whom at this moment: the calls the Order Service holds open and where
//! each open checkout stands. The stage draws these, so that waiting is seen for as long as
//! it lasts instead of showing up seconds later as a percentile.

use crate::scenario::CallMode;
use crate::sim::{Sim, Stage};
use crate::time::Micros;

/// One call the Order Service (or, request-driven in a chain, a service) has sent and not yet
/// had answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenCall {
    /// Catalog index of the service that made it; `None` for the Order Service.
    pub caller: Option<u16>,
    pub order: u64,
    /// Catalog index of the service called.
    pub callee: u16,
    pub since_us: Micros,
}

/// The open calls to one service, as the stage draws them: one held line per callee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeldCalls {
    /// Catalog index of the service holding them; `None` for the Order Service.
    pub caller: Option<u16>,
    pub callee: u16,
    pub count: u32,
    /// When the longest-waiting of them went out.
    pub oldest_us: Micros,
}

/// Where the open checkouts stand at the Order Service, and who waits for them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Waiting {
    /// Every open call, oldest first (then by order).
    pub calls: Vec<OpenCall>,
    /// Checkouts waiting for, or in, the save.
    pub saving: u32,
    /// Checkouts waiting on at least one call.
    pub calling: u32,
    /// Checkouts whose event the broker has not yet confirmed.
    pub publishing: u32,
    /// When the oldest open checkout was placed: how long the longest-waiting shopper has waited.
    pub oldest_placed_us: Option<Micros>,
}

impl Waiting {
    /// Open checkouts at the Order Service, in every stage.
    pub fn open(&self) -> u32 {
        self.saving + self.calling + self.publishing
    }

    /// The open calls grouped by the service they wait on, in the order of `order` (the
    /// stage's order of services); services with no open call are left out.
    pub fn held(&self, order: &[u16]) -> Vec<HeldCalls> {
        order
            .iter()
            .filter_map(|&callee| {
                let mut mine = self.calls.iter().filter(|c| c.callee == callee);
                let first = mine.next()?;
                let count = 1 + mine.count() as u32;
                // A service has one caller: the Order Service, or the service it follows.
                Some(HeldCalls { caller: first.caller, callee, count, oldest_us: first.since_us })
            })
            .collect()
    }
}

impl Sim {
    /// Who is waiting on whom right now (read from the open checkouts; nothing is stored for it).
    pub fn waiting(&self) -> Waiting {
        let mut w = Waiting::default();
        for (&order, c) in &self.flows.checkouts {
            w.oldest_placed_us = Some(w.oldest_placed_us.map_or(c.placed_us, |t| t.min(c.placed_us)));
            match &c.stage {
                Stage::Saving => w.saving += 1,
                Stage::Publishing { .. } => w.publishing += 1,
                Stage::Calling { targets, next, answered, mode, called_us, .. } => {
                    w.calling += 1;
                    let open = |k: usize| answered & (1u64 << k) == 0;
                    match mode {
                        CallMode::Sequential => {
                            if open(*next) {
                                w.calls.push(OpenCall {
                                    caller: None,
                                    order,
                                    callee: targets[*next],
                                    since_us: *called_us,
                                });
                            }
                        }
                        CallMode::Parallel => {
                            w.calls.extend((0..targets.len()).filter(|&k| open(k)).map(|k| OpenCall {
                                caller: None,
                                order,
                                callee: targets[k],
                                since_us: *called_us,
                            }))
                        }
                    }
                }
            }
        }
        // Request-driven in a chain, the calls services make before they answer their own.
        for (&(service, order), n) in &self.flows.nested {
            let open = |k: usize| n.answered & (1u64 << k) == 0;
            let ks: Vec<usize> = match n.mode {
                CallMode::Sequential => vec![n.next],
                CallMode::Parallel => (0..n.targets.len()).collect(),
            };
            w.calls.extend(ks.into_iter().filter(|&k| open(k)).map(|k| OpenCall {
                caller: Some(service),
                order,
                callee: n.targets[k].service,
                since_us: n.called_us,
            }));
        }
        // The map's order is not the run's: sort, so the view is the same in every run.
        w.calls.sort_unstable_by_key(|c| (c.since_us, c.order, c.callee, c.caller));
        w
    }
}

#[cfg(test)]
mod tests {
    use crate::fault::Fault;
    use crate::input::Action;
    use crate::scenario::Wiring;
    use crate::sim::{Setup, Sim};
    use crate::time::SEC;

    fn request_lab() -> Sim {
        let setup = Setup { wiring: Wiring::Request, ..Setup::default() };
        Sim::from_setup(&setup).unwrap()
    }

    #[test]
    fn a_slow_callee_holds_calls_open_for_as_long_as_it_is_slow() {
        let mut sim = request_lab();
        let analytics = sim.scenario().catalog_index("analytics").unwrap() as u16;
        sim.apply(Action::Inject { fault: Fault::Slow { service: "analytics".into(), extra_us: 2 * SEC } }).unwrap();
        sim.run_until(10 * SEC);
        let w = sim.waiting();
        let held = w.held(sim.wired());
        let on_analytics = held.iter().find(|h| h.callee == analytics).expect("calls open on Analytics");
        assert!(on_analytics.count >= 2, "{held:?}");
        // The oldest call has waited most of the two seconds, and none longer than them plus work.
        let waited = sim.now() - on_analytics.oldest_us;
        assert!(waited > SEC && waited < 3 * SEC, "{waited}");
        // Sequential calls: a checkout waits on one service at a time.
        assert!(w.calls.len() as u32 <= w.calling);
        assert!(w.open() as u64 <= sim.headline().in_flight);
        assert!(w.oldest_placed_us.unwrap() <= on_analytics.oldest_us);
    }

    #[test]
    fn event_driven_nobody_waits_on_a_slow_subscriber() {
        let mut sim = request_lab();
        sim.apply(Action::Inject { fault: Fault::Slow { service: "analytics".into(), extra_us: 2 * SEC } }).unwrap();
        sim.apply(Action::SetWiring { wiring: Wiring::Event }).unwrap();
        sim.run_until(10 * SEC);
        let w = sim.waiting();
        assert!(w.calls.is_empty(), "{w:?}");
        // Whoever is open is saving or publishing, and not for long.
        assert!(sim.now() - w.oldest_placed_us.unwrap_or(sim.now()) < 2 * SEC);
    }

    #[test]
    fn parallel_calls_are_all_open_at_once() {
        let mut sim = request_lab();
        sim.apply(Action::SetRate { rate: 0.0 }).unwrap();
        sim.apply(Action::SetCallMode { mode: crate::scenario::CallMode::Parallel }).unwrap();
        sim.apply(Action::BuyNow).unwrap();
        // The order reaches the Order Service and is saved; then every call goes out at once.
        let mut seen = 0;
        for _ in 0..400 {
            sim.step();
            seen = seen.max(sim.waiting().calls.len());
        }
        assert_eq!(seen, sim.wired().len(), "every wired service is called at once");
        assert!(sim.waiting().calls.is_empty(), "and all are answered in the end");
    }
}
