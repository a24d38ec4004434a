//! The broker: a topic whose every event is copied to each subscription, handed out at each
//! subscriber's own pace. The Order Service never learns who is listening.

use crate::message::{Message, MsgKind, Node, RETRY_FLAG};
use crate::metrics::{Point, Ring, DELAY_SAMPLES, LAG_SAMPLES};
use crate::narration::NoteKind;
use crate::service::Job;
use crate::sim::{Ev, Sim};
use crate::time::Micros;
use std::collections::VecDeque;

/// Lag at which the log says a subscriber is falling behind.
pub const BEHIND_LAG: u64 = 20;

/// A copy of one event held for one subscriber.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Copy {
    pub event: u64,
    pub order: u64,
    pub published_us: Micros,
}

/// One subscriber's view of the topic, kept by the broker.
///
/// Every copy ever made is in exactly one place:
/// `copies == processed + discarded + waiting + retrying + outstanding`.
#[derive(Clone, Debug)]
pub struct Subscription {
    /// Copies the broker holds, ready to hand out.
    pub waiting: VecDeque<Copy>,
    /// Copies a subscriber failed on, held until their redelivery time.
    pub retrying: VecDeque<(Micros, Copy)>,
    /// Copies handed out and not yet processed (on the wire, queued or being worked on,
    /// or returning as a nack).
    pub outstanding: u64,
    /// Copies handed out whose ack or nack has not reached the broker: bounds prefetch.
    pub unacked: u64,
    pub copies: u64,
    pub processed: u64,
    /// Copies dropped because the subscriber unsubscribed before getting them.
    pub discarded: u64,
    pub redeliveries: u64,
    pub lag_series: Ring<Point>,
    /// Publish-to-processed delays of recent events.
    pub delays: Ring<Micros>,
    behind: bool,
}

impl Default for Subscription {
    fn default() -> Self {
        Subscription {
            waiting: VecDeque::new(),
            retrying: VecDeque::new(),
            outstanding: 0,
            unacked: 0,
            copies: 0,
            processed: 0,
            discarded: 0,
            redeliveries: 0,
            lag_series: Ring::new(LAG_SAMPLES),
            delays: Ring::new(DELAY_SAMPLES),
            behind: false,
        }
    }
}

impl Subscription {
    /// Events published to this subscriber and not yet processed by it.
    pub fn lag(&self) -> u64 {
        self.copies - self.processed - self.discarded
    }

    /// Copies the broker is holding (not handed out).
    pub fn held(&self) -> u64 {
        (self.waiting.len() + self.retrying.len()) as u64
    }
}

impl Sim {
    pub(crate) fn publish_arrived(&mut self, m: Message) {
        if self.faults.broker_down() {
            self.send(MsgKind::PublishNack, Node::Broker, Node::Orders, m.order, m.aux, m.origin_us);
            return;
        }
        self.published += 1;
        self.note(m.order, NoteKind::Published);
        let copy = Copy { event: m.aux & !RETRY_FLAG, order: m.order, published_us: self.now };
        for k in 0..self.wired.len() {
            let i = self.wired[k] as usize;
            self.subs[i].waiting.push_back(copy);
            self.subs[i].copies += 1;
        }
        self.send(MsgKind::PublishAck, Node::Broker, Node::Orders, m.order, m.aux, m.origin_us);
        self.dispatch_all();
    }

    pub(crate) fn dispatch_all(&mut self) {
        for i in 0..self.subs.len() {
            self.dispatch(i as u16);
        }
    }

    /// Hands out waiting copies while the subscriber has room in its prefetch window.
    pub(crate) fn dispatch(&mut self, i: u16) {
        // Nothing to hand out: skip the fault lookups (string compares), the hot-path cost.
        if self.subs[i as usize].waiting.is_empty() {
            return;
        }
        let spec = &self.scenario.catalog[i as usize];
        if self.faults.broker_down() || self.faults.is_down(&spec.key) {
            return;
        }
        let prefetch = spec.concurrency as u64 * 2;
        while self.subs[i as usize].unacked < prefetch {
            let Some(c) = self.subs[i as usize].waiting.pop_front() else { break };
            let sub = &mut self.subs[i as usize];
            sub.unacked += 1;
            sub.outstanding += 1;
            self.send(MsgKind::Deliver, Node::Broker, Node::Service(i), c.order, c.event, c.published_us);
        }
    }

    pub(crate) fn delivery_arrived(&mut self, m: Message, i: u16) {
        let copy = Copy { event: m.aux, order: m.order, published_us: m.origin_us };
        let job = Job::Work { event: copy.event, order: copy.order, published_us: copy.published_us };
        let down = self.faults.is_down(&self.scenario.catalog[i as usize].key);
        if down {
            // Handed out again when the subscriber recovers (`fault_ended`).
            self.return_to_broker(i, vec![job]);
        } else if !self.enqueue(Node::Service(i), job) {
            // Full (its queue holds request-driven calls): try again after the redelivery
            // delay. Without this nothing would hand the copy out again if no other copy
            // of this subscriber is outstanding and no new event arrives.
            self.return_to_broker(i, vec![job]);
            let at = self.now + self.scenario.redelivery_delay_us;
            self.push(at, Ev::Redeliver { sub: i });
        }
    }

    /// Copies a subscriber lost hold of (it crashed, or was full) go back to the front of
    /// its queue at the broker, in their original order.
    pub(crate) fn return_to_broker(&mut self, i: u16, jobs: Vec<Job>) {
        let sub = &mut self.subs[i as usize];
        for job in jobs.into_iter().rev() {
            let Job::Work { event, order, published_us } = job else { continue };
            sub.outstanding -= 1;
            sub.unacked -= 1;
            sub.redeliveries += 1;
            sub.waiting.push_front(Copy { event, order, published_us });
        }
        if !self.wired.contains(&i) {
            self.discard_held(i);
        }
    }

    pub(crate) fn work_finished(&mut self, i: u16, event: u64, order: u64, published_us: Micros, ok: bool) {
        let now = self.now;
        let sub = &mut self.subs[i as usize];
        if ok {
            sub.outstanding -= 1;
            sub.processed += 1;
            sub.delays.push(now - published_us);
            self.send(MsgKind::Ack, Node::Service(i), Node::Broker, order, event, published_us);
        } else {
            self.send(MsgKind::Nack, Node::Service(i), Node::Broker, order, event, published_us);
        }
    }

    pub(crate) fn ack_arrived(&mut self, m: Message) {
        let Node::Service(i) = m.from else { unreachable!("acks come from subscribers") };
        // Acks already on the wire when the broker goes down are still recorded: the broker's
        // log is durable, only its front door is closed.
        let sub = &mut self.subs[i as usize];
        sub.unacked -= 1;
        if m.kind == MsgKind::Nack {
            sub.outstanding -= 1;
            sub.redeliveries += 1;
            let at = self.now + self.scenario.redelivery_delay_us;
            sub.retrying.push_back((at, Copy { event: m.aux, order: m.order, published_us: m.origin_us }));
            self.push(at, Ev::Redeliver { sub: i });
        }
        self.dispatch(i);
    }

    pub(crate) fn redeliver(&mut self, i: u16) {
        let now = self.now;
        let sub = &mut self.subs[i as usize];
        while let Some(&(at, c)) = sub.retrying.front() {
            if at > now {
                break;
            }
            sub.retrying.pop_front();
            sub.waiting.push_back(c);
        }
        if !self.wired.contains(&i) {
            self.discard_held(i);
        }
        self.dispatch(i);
    }

    /// The subscriber left: copies not yet handed out are dropped. Work it already holds
    /// is finished.
    pub(crate) fn unsubscribe(&mut self, i: u16) {
        self.discard_held(i);
    }

    fn discard_held(&mut self, i: u16) {
        let sub = &mut self.subs[i as usize];
        sub.discarded += sub.waiting.len() as u64;
        sub.waiting.clear();
        // Retrying copies are kept until due, then discarded by `redeliver`: dropping them
        // now would leave their redelivery events pointing at nothing, which is harmless,
        // but counting them here keeps the books simple.
        sub.discarded += sub.retrying.len() as u64;
        sub.retrying.clear();
    }

    pub(crate) fn sample_lag(&mut self) {
        let now = self.now;
        for i in 0..self.subs.len() {
            let lag = self.subs[i].lag();
            self.subs[i].lag_series.push(Point { at_us: now, value: lag });
            let sub = &mut self.subs[i];
            if lag >= BEHIND_LAG && !sub.behind {
                sub.behind = true;
                self.note(0, NoteKind::FallingBehind { service: i as u16, lag });
            } else if lag == 0 && sub.behind {
                sub.behind = false;
                self.note(0, NoteKind::CaughtUp { service: i as u16 });
            }
        }
    }
}
