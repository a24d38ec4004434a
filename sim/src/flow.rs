//! The checkout flow: orders arrive, the Order Service saves them, then either calls every
//! downstream service (request-driven) or publishes one event (event-driven).

use crate::delivery::StartFrom;
use crate::fault::Fault;
use crate::message::{Message, MessageType, MsgKind, Node, Refusal};
use crate::metrics::CheckoutSample;
use crate::narration::{FailCause, NoteKind, SettingNote};
use crate::relay::Committed;
use crate::scenario::{CallMode, PublishPolicy, Wiring};
use crate::service::Job;
use crate::sim::{Buffered, Checkout, Ev, Sim, Stage};
use crate::subscription::FailureKind;

impl Sim {
    pub(crate) fn place_order(&mut self) {
        let order = self.new_order_id();
        self.flows.placed += 1;
        if self.tracer.on {
            self.tracer.placed(order, self.rate);
        }
        self.note(order, NoteKind::OrderPlaced);
        self.send(MsgKind::PlaceOrder, Node::Shopper, Node::Orders, order, self.now);
    }

    /// A message reaches the end of its wire.
    pub(crate) fn arrive(&mut self, m: Message) {
        match (m.kind, m.to) {
            (MsgKind::PlaceOrder, Node::Orders) => self.order_arrived(m),
            (MsgKind::Confirm | MsgKind::Reject, Node::Shopper) => self.answer_arrived(m),
            (MsgKind::Call, Node::Service(i)) => self.call_arrived(m, i),
            (MsgKind::Reply | MsgKind::ErrorReply(_), Node::Orders) => self.reply_arrived(m),
            (MsgKind::Reply | MsgKind::ErrorReply(_), Node::Service(i)) => self.nested_reply_arrived(m, i),
            (MsgKind::Publish, Node::Broker) => self.publish_arrived(m),
            (MsgKind::PublishAck | MsgKind::PublishNack, Node::Orders) => self.publish_answered(m),
            (MsgKind::PublishAck | MsgKind::PublishNack, Node::Relay) => self.relay_answered(m),
            (MsgKind::PublishAck | MsgKind::PublishNack, Node::Service(i)) => self.follow_up_answered(m, i),
            (MsgKind::Deliver, Node::Service(i)) => self.delivery_arrived(m, i),
            (MsgKind::Ack | MsgKind::Nack, Node::Broker) => self.ack_arrived(m),
            (MsgKind::CancelOrder, Node::Orders) => self.cancel_arrived(m),
            (MsgKind::Saga, Node::Broker) => self.saga_at_broker(m),
            (MsgKind::Saga, Node::Service(_) | Node::Orders) => self.saga_arrived(m),
            (kind, to) => unreachable!("{kind:?} cannot arrive at {to:?}"),
        }
    }

    fn order_arrived(&mut self, m: Message) {
        let order = m.order;
        self.flows.checkouts.insert(order, Checkout { placed_us: m.origin_us, stage: Stage::Saving, outgoing: 0 });
        if self.faults.is_down(&self.scenario.order_service.key) {
            self.fail(order, FailCause::OrdersDown);
        } else if !self.enqueue(Node::Orders, Job::Save { order }) {
            self.fail(order, FailCause::OrdersBusy);
        }
    }

    fn answer_arrived(&mut self, m: Message) {
        let ok = m.kind == MsgKind::Confirm;
        if ok {
            self.flows.succeeded += 1;
        } else {
            self.flows.failed += 1;
        }
        let latency_us = self.now - m.origin_us;
        self.flows.red.ended(self.now, latency_us, ok);
        if ok {
            self.note(m.order, NoteKind::Confirmed { latency_us });
        }
        self.flows.samples.push(CheckoutSample {
            order: m.order,
            done_us: self.now,
            latency_us,
            ok,
            outgoing: m.outgoing,
        });
        // Some shoppers change their mind at once; only events can carry that afterwards.
        if ok && self.wiring == Wiring::Event && self.cancels(m.order) {
            self.note(m.order, NoteKind::CancelRequested);
            self.send(MsgKind::CancelOrder, Node::Shopper, Node::Orders, m.order, self.now);
        }
    }

    /// The Order Service records the cancellation and publishes `OrderCancelled`, without
    /// waiting for anyone: the shopper already has their answer.
    fn cancel_arrived(&mut self, m: Message) {
        if self.faults.is_down(&self.scenario.order_service.key) {
            return;
        }
        self.store_cancelled(m.order);
        if self.publishing.uses_outbox() {
            return self.commit_row(m.order, MessageType::CANCEL);
        }
        let event = self.flows.next_event;
        self.flows.next_event += 1;
        let publish = Message::new(MsgKind::Publish, Node::Orders, Node::Broker, m.order, self.now);
        self.post(Message { event, mtype: MessageType::CANCEL, ..publish });
    }

    /// A service finished a job, successfully or not.
    pub(crate) fn finished(&mut self, node: Node, job: Job, failure: Option<FailureKind>) {
        let ok = failure.is_none();
        match job {
            Job::Save { order } => {
                if ok {
                    self.saved(order)
                } else {
                    self.fail(order, FailCause::OrdersError)
                }
            }
            Job::Call { order, call, mtype, caller } => {
                let Node::Service(i) = node else { unreachable!("only downstream services are called") };
                // A call index is below the number of services one caller calls (at most 12).
                self.call_done(i, order, call as u16, mtype, caller, ok)
            }
            Job::Work { .. } => {
                let Node::Service(i) = node else { unreachable!("only subscribers get events") };
                self.work_finished(i, job, failure)
            }
            Job::Saga { order, mtype } => {
                let Node::Service(i) = node else { unreachable!("only services take part in sagas") };
                self.saga_job_done(i, order, mtype)
            }
        }
    }

    /// The order is saved; now trigger everything else the way the current wiring says:
    /// call whoever is called directly (every wired service request-driven, the synchronous
    /// ones event-driven), then answer the shopper or publish the event.
    fn saved(&mut self, order: u64) {
        self.store_saved(order);
        let targets = self.called_directly();
        let publish_after = self.wiring == Wiring::Event;
        if targets.is_empty() {
            return if publish_after { self.publish(order) } else { self.confirm(order) };
        }
        let mode = self.call_mode;
        let called_us = self.now;
        self.set_stage(
            order,
            Stage::Calling { targets: targets.clone(), next: 0, answered: 0, mode, publish_after, called_us },
        );
        match mode {
            CallMode::Sequential => self.call(order, 0, targets[0]),
            CallMode::Parallel => {
                for (k, &t) in targets.iter().enumerate() {
                    self.call(order, k as u32, t);
                }
            }
        }
    }

    /// Publishes the order's one event; the shopper is answered when the broker has it. With
    /// an outbox, the event is a row committed with the order and the shopper is answered now.
    fn publish(&mut self, order: u64) {
        match self.committed(order) {
            Committed::PublishNow => {}
            Committed::InOutbox => return self.confirm(order),
            Committed::Crashed => return,
        }
        let event = self.flows.next_event;
        self.flows.next_event += 1;
        self.set_stage(order, Stage::Publishing { event });
        let publish = Message::new(MsgKind::Publish, Node::Orders, Node::Broker, order, self.now);
        self.send_from_orders(Message { event, ..publish });
    }

    /// Keeps service `i` synchronous (or not) under event-driven wiring. While synchronous it
    /// has no subscription, so that it does not get the event as well as the call; switched
    /// back, it subscribes again from new events only (the calls handled what came before).
    /// The flag is kept whatever the wiring; event-driven, the Order Service's code changes.
    pub(crate) fn set_sync(&mut self, i: u16, on: bool) {
        if self.sync[i as usize] == on {
            return;
        }
        self.sync[i as usize] = on;
        if on {
            self.unsubscribe(i);
        } else {
            self.subscribe(i, StartFrom::Latest);
        }
        let event_driven = self.wiring == Wiring::Event;
        self.order_service_changes += event_driven as u32;
        self.note(0, NoteKind::SettingChanged { service: Some(i), setting: SettingNote::Sync { on, event_driven } });
    }

    fn set_stage(&mut self, order: u64, stage: Stage) {
        if let Some(c) = self.flows.checkouts.get_mut(&order) {
            c.stage = stage;
        }
    }

    /// Sends a message of the Order Service's, counted against its checkout.
    fn send_from_orders(&mut self, m: Message) {
        if let Some(c) = self.flows.checkouts.get_mut(&m.order) {
            c.outgoing += 1;
        }
        self.post(m);
    }

    fn call(&mut self, order: u64, call: u32, target: u16) {
        let m = Message::new(MsgKind::Call, Node::Orders, Node::Service(target), order, self.now);
        self.send_from_orders(Message { call: call as u16, ..m });
        let at = self.now + self.scenario.call_timeout_us;
        self.push(at, Ev::Timeout { order, call: call as u16, caller: Node::Orders });
    }

    fn call_arrived(&mut self, m: Message, i: u16) {
        let key = &self.scenario.catalog[i as usize].key;
        let refused = |refusal| Message {
            call: m.call,
            ..Message::new(MsgKind::ErrorReply(Some(refusal)), Node::Service(i), m.from, m.order, m.origin_us)
        };
        if self.faults.is_down(key) {
            // Connection refused: the caller learns at once that the service is down.
            let now = self.now;
            self.work.services[i as usize].red.refused(now);
            self.post(refused(Refusal::Down));
            return;
        }
        let job = Job::Call { order: m.order, call: u32::from(m.call), mtype: m.mtype, caller: m.from };
        if !self.enqueue(Node::Service(i), job) {
            self.post(refused(Refusal::Busy));
        }
    }

    fn reply_arrived(&mut self, m: Message) {
        let order = m.order;
        let Node::Service(from) = m.from else { unreachable!("replies come from services") };
        let Some(c) = self.flows.checkouts.get_mut(&order) else { return }; // already failed: a late reply
        let Stage::Calling { targets, next, answered, mode, publish_after, called_us } = &mut c.stage else { return };
        let bit = 1u64 << m.call;
        if *answered & bit != 0 {
            return;
        }
        *answered |= bit;
        if let MsgKind::ErrorReply(refusal) = m.kind {
            let cause = match refusal {
                Some(Refusal::Down) => FailCause::Down(from),
                Some(Refusal::Busy) => FailCause::Busy(from),
                None => FailCause::Error(from),
            };
            return self.fail(order, cause);
        }
        let all = if targets.len() == 64 { u64::MAX } else { (1u64 << targets.len()) - 1 };
        match *mode {
            _ if *answered == all && *publish_after => self.publish(order),
            _ if *answered == all => self.confirm(order),
            CallMode::Sequential => {
                *next += 1;
                *called_us = self.now;
                let (k, t) = (*next, targets[*next]);
                self.call(order, k as u32, t);
            }
            CallMode::Parallel => {}
        }
    }

    pub(crate) fn call_timed_out(&mut self, order: u64, call: u16) {
        let Some(c) = self.flows.checkouts.get(&order) else { return };
        if let Stage::Calling { targets, answered, .. } = &c.stage {
            if answered & (1u64 << call) == 0 {
                let target = targets[call as usize];
                self.fail(order, FailCause::Timeout(target));
            }
        }
    }

    fn publish_answered(&mut self, m: Message) {
        let order = m.order;
        let (retry, event) = (m.retry, m.event);
        if retry {
            self.flows.outbox_sending -= 1;
        }
        if m.is_cancellation() {
            // Nobody waits for a cancellation; a refused one is buffered or lost by policy.
            match (m.kind, self.publish_policy) {
                (MsgKind::PublishNack, PublishPolicy::BufferAndRetry) => self.buffer(m),
                (MsgKind::PublishNack, PublishPolicy::Fail) => self.note(order, NoteKind::CancelLost),
                _ => {}
            }
            return;
        }
        let waiting = matches!(
            self.flows.checkouts.get(&order),
            Some(Checkout { stage: Stage::Publishing { event: e }, .. }) if *e == event
        );
        match (m.kind, waiting) {
            (MsgKind::PublishAck, true) => self.confirm(order),
            (MsgKind::PublishAck, false) => {
                if retry {
                    self.note(order, NoteKind::Flushed)
                }
            }
            (MsgKind::PublishNack, true) => match self.publish_policy {
                PublishPolicy::Fail => {
                    // The order was committed before the publish: it stays, with no event.
                    self.outbox.lost.broker_refused += 1;
                    self.fail(order, FailCause::BrokerDown)
                }
                PublishPolicy::BufferAndRetry => {
                    self.buffer(m);
                    self.note(order, NoteKind::Buffered);
                    self.confirm(order);
                }
            },
            // A buffered event was refused again: back into the buffer.
            (MsgKind::PublishNack, false) if retry => self.buffer(m),
            // A first attempt whose checkout is already over (the Order Service crashed
            // meanwhile): buffer it if that is the policy; under Fail the order failed anyway.
            (MsgKind::PublishNack, false) => {
                if self.publish_policy == PublishPolicy::BufferAndRetry {
                    self.buffer(m)
                }
            }
            _ => unreachable!("only publish answers come here"),
        }
    }

    /// Keeps a refused publish in its publisher's buffer, to be published again.
    pub(crate) fn buffer(&mut self, refused: Message) {
        let Message { event, order, origin_us: first_us, mtype, to: publisher, .. } = refused;
        self.flows.outbox.push_back(Buffered { event, order, first_us, mtype, publisher });
        if !self.flows.retry_pending {
            self.flows.retry_pending = true;
            let at = self.now + self.scenario.publish_retry_us;
            self.push(at, Ev::PublishRetry);
        }
    }

    /// Each publisher that is up publishes its buffer again; a publisher that is down keeps
    /// its own until a later retry.
    pub(crate) fn retry_publish(&mut self) {
        self.flows.retry_pending = false;
        let mut kept = std::collections::VecDeque::new();
        while let Some(b) = self.flows.outbox.pop_front() {
            if self.faults.is_down(self.service_key(b.publisher)) {
                kept.push_back(b);
                continue;
            }
            self.flows.outbox_sending += 1;
            let publish = Message::new(MsgKind::Publish, b.publisher, Node::Broker, b.order, b.first_us);
            self.post(Message { event: b.event, retry: true, mtype: b.mtype, ..publish });
        }
        self.flows.outbox = kept;
        if !self.flows.outbox.is_empty() {
            self.flows.retry_pending = true;
            let at = self.now + self.scenario.publish_retry_us;
            self.push(at, Ev::PublishRetry);
        }
    }

    fn confirm(&mut self, order: u64) {
        if let Some(c) = self.flows.checkouts.remove(&order) {
            let confirm = Message::new(MsgKind::Confirm, Node::Orders, Node::Shopper, order, c.placed_us);
            self.post(Message { outgoing: c.outgoing, ..confirm });
        }
    }

    pub(crate) fn fail(&mut self, order: u64, cause: FailCause) {
        if let Some(c) = self.flows.checkouts.remove(&order) {
            self.note(order, NoteKind::Failed { cause });
            let reject = Message::new(MsgKind::Reject, Node::Orders, Node::Shopper, order, c.placed_us);
            self.post(Message { outgoing: c.outgoing, ..reject });
        }
    }

    /// A fault has just become active: a crash loses the work in progress.
    pub(crate) fn fault_started(&mut self, fault: &Fault) {
        match fault {
            Fault::ProjectionDown { projection } => return self.projection_went_down(*projection),
            Fault::DashboardBug => return self.dashboard_code_changed(),
            _ => {}
        }
        let Fault::Crash { service } = fault else { return };
        if *service == self.scenario.order_service.key {
            let now = self.now;
            let jobs = self.work.orders.drain_all(now);
            self.trace_crashed(Node::Orders, &jobs);
            // The process died: every checkout it was handling is lost with it.
            let mut open: Vec<u64> = self.flows.checkouts.keys().copied().collect();
            open.sort_unstable();
            for order in open {
                self.fail(order, FailCause::OrdersDown);
            }
        } else if let Some(i) = self.scenario.catalog_index(service) {
            // Calls in progress simply never answer (the caller times out), nor do the calls
            // it was making; events in progress go back to the broker, which sees the
            // consumer disconnect.
            self.consumer_crashed(i as u16);
            self.flows.nested.retain(|&(s, _), _| s != i as u16);
        }
    }

    /// A fault has just been cleared.
    pub(crate) fn fault_ended(&mut self, fault: &Fault) {
        match fault {
            Fault::Crash { service } => {
                if let Some(i) = self.scenario.catalog_index(service) {
                    self.dispatch(i as u16);
                    self.saga_release(i as u16);
                }
            }
            Fault::BrokerDown => {
                self.dispatch_all();
                for i in 0..self.scenario.catalog.len() as u16 {
                    self.saga_release(i);
                }
            }
            Fault::RelayDown => self.relay_started(),
            Fault::ProjectionDown { .. } => self.kick_projections(),
            Fault::DashboardBug => self.dashboard_code_changed(),
            _ => {}
        }
    }
}
