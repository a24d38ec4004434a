//! Bookkeeping checks: recounts every order and every event copy from where they actually
//! are (wires, queues, workers, the broker) and compares with the running counters.
//! Property tests call this at random moments; a mismatch means something vanished.

use crate::message::{MsgKind, Node};
use crate::service::Job;
use crate::sim::Sim;

impl Sim {
    pub fn audit(&self) -> Result<(), String> {
        let count = |pred: &dyn Fn(MsgKind, Node, Node) -> bool| {
            self.msgs.iter().filter(|m| pred(m.kind, m.from, m.to)).count() as u64
        };
        let orders_on_wires = count(&|k, _, _| matches!(k, MsgKind::PlaceOrder | MsgKind::Confirm | MsgKind::Reject));
        let in_flight = orders_on_wires + self.checkouts.len() as u64;
        if self.placed != self.succeeded + self.failed + in_flight {
            return Err(format!(
                "orders: placed {} != succeeded {} + failed {} + in flight {}",
                self.placed, self.succeeded, self.failed, in_flight
            ));
        }
        let retrying = self
            .msgs
            .iter()
            .filter(|m| {
                matches!(m.kind, MsgKind::Publish | MsgKind::PublishAck | MsgKind::PublishNack)
                    && m.aux & crate::message::RETRY_FLAG != 0
            })
            .count() as u64;
        if retrying != self.outbox_sending {
            return Err(format!("buffer: {} retries counted but {retrying} on the wires", self.outbox_sending));
        }
        for (i, sub) in self.subs.iter().enumerate() {
            let svc = Node::Service(i as u16);
            let delivering = count(&|k, _, to| k == MsgKind::Deliver && to == svc);
            let nacking = count(&|k, from, _| k == MsgKind::Nack && from == svc);
            let acking = count(&|k, from, _| k == MsgKind::Ack && from == svc);
            let s = &self.services[i];
            let working =
                s.running.values().chain(s.waiting.iter()).filter(|j| matches!(j, Job::Work { .. })).count() as u64;
            let outstanding = delivering + working + nacking;
            if outstanding != sub.outstanding {
                return Err(format!("subscriber {i}: outstanding {} but found {outstanding}", sub.outstanding));
            }
            if outstanding + acking != sub.unacked {
                return Err(format!("subscriber {i}: unacked {} but found {}", sub.unacked, outstanding + acking));
            }
            let accounted = sub.processed + sub.discarded + sub.held() + sub.outstanding;
            if sub.copies != accounted {
                return Err(format!(
                    "subscriber {i}: {} copies but {} processed + {} discarded + {} held + {} outstanding",
                    sub.copies,
                    sub.processed,
                    sub.discarded,
                    sub.held(),
                    sub.outstanding
                ));
            }
        }
        Ok(())
    }
}
