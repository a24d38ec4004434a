//! Bookkeeping checks: recounts every order and every event from where they actually are
//! (wires, queues, workers, the broker's log and flights) and compares with the running
//! counters. Property tests call this at random moments; a mismatch means something vanished.

use crate::message::{MsgKind, Node};
use crate::service::Job;
use crate::sim::Sim;
use crate::subscription::At;

impl Sim {
    pub fn audit(&self) -> Result<(), String> {
        let count = |pred: &dyn Fn(MsgKind, Node, Node) -> bool| {
            self.wires.msgs.iter().filter(|m| pred(m.kind, m.from, m.to)).count() as u64
        };
        let orders_on_wires = count(&|k, _, _| matches!(k, MsgKind::PlaceOrder | MsgKind::Confirm | MsgKind::Reject));
        let in_flight = orders_on_wires + self.flows.checkouts.len() as u64;
        if self.flows.placed != self.flows.succeeded + self.flows.failed + in_flight {
            return Err(format!(
                "orders: placed {} != succeeded {} + failed {} + in flight {}",
                self.flows.placed, self.flows.succeeded, self.flows.failed, in_flight
            ));
        }
        let retrying = self
            .wires
            .msgs
            .iter()
            .filter(|m| matches!(m.kind, MsgKind::Publish | MsgKind::PublishAck | MsgKind::PublishNack) && m.retry)
            .count() as u64;
        if retrying != self.flows.outbox_sending {
            return Err(format!("buffer: {} retries counted but {retrying} on the wires", self.flows.outbox_sending));
        }
        self.audit_outbox()?;
        self.audit_sagas()?;
        self.audit_sourcing()?;
        for (i, sub) in self.broker.subs.iter().enumerate() {
            // Subscribed exactly when wired in and not called synchronously: a synchronous
            // service must not get the event as well as the call.
            let wired = self.wired.contains(&(i as u16));
            if self.sync[i] && !wired {
                return Err(format!("subscriber {i}: synchronous but not wired in"));
            }
            let in_saga = self.scenario.saga.as_ref().is_some_and(|g| g.takes_part(i as u16));
            if sub.active != (wired && !self.sync[i] && !in_saga) {
                return Err(format!(
                    "subscriber {i}: subscribed {} while wired {wired} and synchronous {}",
                    sub.active, self.sync[i]
                ));
            }
            let svc = Node::Service(i as u16);
            let current = |tag: u32| tag >= sub.first_id();
            let delivering =
                self.wires.msgs.iter().filter(|m| m.kind == MsgKind::Deliver && m.to == svc && current(m.tag)).count();
            let acking = self
                .wires
                .msgs
                .iter()
                .filter(|m| matches!(m.kind, MsgKind::Ack | MsgKind::Nack) && m.from == svc && current(m.tag))
                .count();
            let in_state = |pred: &dyn Fn(At) -> bool| sub.flights.iter().filter(|f| pred(f.at)).count();
            if delivering != in_state(&|a| a == At::OnWire) {
                return Err(format!("subscriber {i}: {delivering} deliveries on the wires, flights say otherwise"));
            }
            if acking != in_state(&|a| a == At::AckOnWire) {
                return Err(format!("subscriber {i}: {acking} acknowledgements on the wires, flights say otherwise"));
            }
            let s = &self.work.services[i];
            let jobs = s
                .jobs()
                .filter(|j| matches!(j, Job::Work { delivery, .. } if current(*delivery)))
                .count() as u64;
            let at_consumer = in_state(&|a| a == At::Consumer) as u64 + sub.accepted;
            // At-most-once flights whose acknowledgement is still out may have their job too.
            let maybe =
                sub.flights.iter().filter(|f| matches!(f.at, At::AckOnWire | At::Vanished) && f.received).count()
                    as u64;
            if jobs < at_consumer || jobs > at_consumer + maybe {
                return Err(format!("subscriber {i}: {jobs} events at the consumer, flights say {at_consumer}"));
            }
            let pending = sub.unread(&self.broker.topics[sub.channel as usize])
                + sub.redrive.len() as u64
                + sub.flights.iter().filter(|f| !f.processed && f.lost.is_none()).count() as u64
                + sub.accepted;
            let accounted = sub.processed + sub.dead + sub.lost() + sub.discarded + pending;
            if sub.copies != accounted {
                return Err(format!(
                    "subscriber {i}: {} events but {} processed + {} dead + {} lost + {} discarded + {} pending",
                    sub.copies,
                    sub.processed,
                    sub.dead,
                    sub.lost(),
                    sub.discarded,
                    pending
                ));
            }
            let dead_now = sub.dlq.iter().filter(|d| d.epoch == sub.epoch && !d.processed).count() as u64;
            if dead_now != sub.dead {
                return Err(format!("subscriber {i}: {} dead counted, {dead_now} in the queue", sub.dead));
            }
        }
        Ok(())
    }

    /// Every committed row is pending or marked; a row on its way has its publish (or the
    /// answer) on a wire; and a row waiting for the relay has a pass on the agenda.
    fn audit_outbox(&self) -> Result<(), String> {
        let o = &self.outbox;
        if o.committed != o.marked + o.pending.len() as u64 {
            return Err(format!(
                "outbox: {} committed != {} marked + {} pending",
                o.committed,
                o.marked,
                o.pending.len()
            ));
        }
        let relay_msgs = self.wires.msgs.iter().filter(|m| m.from == Node::Relay || m.to == Node::Relay).count();
        let in_flight = o.pending.iter().filter(|r| r.in_flight).count();
        if in_flight > relay_msgs {
            return Err(format!("outbox: {in_flight} rows on their way but {relay_msgs} relay messages on the wires"));
        }
        let waiting = o.pending.iter().any(|r| !r.in_flight);
        if waiting && !o.scheduled && !self.faults.relay_down() {
            return Err("outbox: rows wait for a relay that has no pass on the agenda".into());
        }
        if o.pending.iter().zip(o.pending.iter().skip(1)).any(|(a, b)| a.event >= b.event) {
            return Err("outbox: pending rows out of commit order".into());
        }
        Ok(())
    }

    /// The books agree with the sagas' truth, no step ran twice for one saga, and a saga's
    /// pending count covers every message, held message and piece of work it has.
    fn audit_sagas(&self) -> Result<(), String> {
        let Some(spec) = &self.scenario.saga else { return Ok(()) };
        let n = spec.steps.len();
        let mut books = vec![(0i64, 0i64); n];
        let mut twice = 0;
        for (order, s) in self.sagas.by_order.iter() {
            for k in 0..n {
                let t = s.steps[k];
                if t.done > 1 {
                    return Err(format!("saga {order}: step {k} ran {} times", t.done));
                }
                let units = spec.steps[k].books.units(order);
                books[k].0 += t.done as i64 * units;
                books[k].1 += t.undone as i64 * units;
                twice += (t.undone >= 2) as u64;
            }
            let on_wires =
                self.wires.msgs.iter().filter(|m| m.kind == MsgKind::Saga && m.order == order).count() as u32;
            let held = self.sagas.held.iter().filter(|(_, m)| m.order == order).count() as u32;
            let jobs = self
                .work
                .services
                .iter()
                .flat_map(|svc| svc.jobs())
                .filter(|j| matches!(j, Job::Saga { order: o, .. } if *o == order))
                .count() as u32;
            if s.pending < on_wires + held + jobs {
                return Err(format!(
                    "saga {order}: pending {} < {on_wires} on the wires + {held} held + {jobs} at work",
                    s.pending
                ));
            }
        }
        for (k, (done, undone)) in books.into_iter().enumerate() {
            let b = self.sagas.books[k];
            if (b.done, b.undone) != (done, undone) {
                return Err(format!("saga books of step {k}: {b:?} but the sagas add up to {done}, {undone}"));
            }
        }
        if twice != self.sagas.paid_twice {
            return Err(format!("{} compensations counted as paid twice, {twice} found", self.sagas.paid_twice));
        }
        Ok(())
    }
}
