//! What the last event of the run did, as data: the page's Step button tells it in one
//! sentence and highlights where it happened. Bookkeeping (samples, stale timers) leaves
//! nothing to tell.

use crate::message::{MsgKind, Node};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happened {
    /// A message reached the end of its wire.
    Arrived { kind: MsgKind, from: Node, to: Node, order: u64 },
    /// A node finished a piece of work for this order, well or not.
    Finished { node: Node, order: u64, ok: bool },
    /// The shopper placed a new order.
    Placed { order: u64 },
    /// A call waited as long as it may: the checkout fails.
    TimedOut { order: u64 },
    /// A timer fired at this node: a retry of a publish, of a delivery, or of an
    /// unacknowledged delivery.
    Retried { node: Node },
    /// A scheduled change to the lab was made.
    Changed,
}

impl Happened {
    /// The node to point at.
    pub fn node(self) -> Node {
        match self {
            Happened::Arrived { to, .. } => to,
            Happened::Finished { node, .. } | Happened::Retried { node } => node,
            Happened::Placed { .. } => Node::Shopper,
            Happened::TimedOut { .. } | Happened::Changed => Node::Orders,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Happened;
    use crate::input::Action;
    use crate::message::{MsgKind, Node};
    use crate::scenario::Wiring;
    use crate::sim::{Setup, Sim};

    /// One order's story, request-driven: every event that tells something, in order.
    #[test]
    fn one_request_driven_order_is_told_hop_by_hop() {
        let setup = Setup { wiring: Wiring::Request, rate: Some(0.0), ..Setup::default() };
        let mut sim = Sim::from_setup(&setup).unwrap();
        sim.apply(Action::BuyNow).unwrap();
        let mut told = Vec::new();
        let mut quiet = 0;
        while sim.headline().succeeded == 0 && told.len() < 100 {
            sim.step();
            match sim.last_happened() {
                Some(h) => told.push(h),
                None => quiet += 1,
            }
        }
        assert!(quiet > 0, "samples are bookkeeping, with nothing to tell");
        let first = told[0];
        assert!(matches!(first, Happened::Arrived { kind: MsgKind::PlaceOrder, to: Node::Orders, .. }), "{first:?}");
        assert!(matches!(told[1], Happened::Finished { node: Node::Orders, ok: true, .. }), "the save: {:?}", told[1]);
        assert!(matches!(told[2], Happened::Arrived { kind: MsgKind::Call, to: Node::Service(_), .. }), "{:?}", told[2]);
        let last = *told.last().unwrap();
        assert!(matches!(last, Happened::Arrived { kind: MsgKind::Confirm, to: Node::Shopper, .. }), "{last:?}");
        assert_eq!(last.node(), Node::Shopper);
        // Four calls, each arriving, worked on and answered.
        let calls = told.iter().filter(|h| matches!(h, Happened::Arrived { kind: MsgKind::Call, .. })).count();
        assert_eq!(calls, sim.wired().len());
    }
}
