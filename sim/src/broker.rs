//! The broker: a partitioned log (see `topic.rs`) and, for each subscriber, a subscription
//! that reads it at its own pace. A subscription is a consumer group: it keeps a committed
//! offset per partition, hands events to its consumers, waits for acknowledgements, retries
//! failures with backoff and parks what keeps failing in its dead-letter queue.
//!
//! Every event a subscription took on is, at any moment, in exactly one of these places:
//! processed, pending (unread, handed out, retrying, or at the consumer), dead-lettered,
//! lost by a named cause, or discarded when the subscriber left. `audit.rs` recounts it.

use crate::consumer::Applied;
use crate::delivery::{consumer_for, readers, Guarantee, StartFrom};
use crate::message::{Message, MessageType, MsgKind, Node};
use crate::metrics::Point;
use crate::narration::NoteKind;
use crate::service::Job;
use crate::sim::{Ev, Sim};
use crate::time::Micros;
use crate::topic::{EventKind, LogEntry};

// The subscription's types live in `subscription.rs`, below `sim`, so that `Sim` can hold them
// without importing this module; they are named here too, where they have always been.
pub use crate::subscription::{
    At, Cursor, DeadLetter, FailureKind, Flight, LostCause, Subscription, BEHIND_LAG, DLQ_LIMIT, REDRIVE_LANE,
    UNTRACKED,
};

impl Sim {
    // ----- publishing and subscribing -----

    pub(crate) fn publish_arrived(&mut self, m: Message) {
        // The answer carries back what the publish carried: its event, retry and type.
        let answer = |kind| Message {
            event: m.event,
            retry: m.retry,
            mtype: m.mtype,
            ..Message::new(kind, Node::Broker, m.from, m.order, m.origin_us)
        };
        if self.faults.broker_down() {
            self.post(answer(MsgKind::PublishNack));
            return;
        }
        let channel = self.scenario.chain.channel_of(m.mtype);
        let schema = self.written_version(m.mtype, m.sent_us());
        let entry = LogEntry { event: m.event, order: m.order, mtype: m.mtype, published_us: self.now, schema };
        let (p, offset) = self.broker.topics[channel as usize].append(entry);
        self.fold(0x8000 | (p as u64) << 32 | offset << 8 | (channel as u64) << 56);
        match m.mtype {
            MessageType::ENTRY => {
                self.broker.published += 1;
                self.note(m.order, NoteKind::Published);
                if self.scenario.saga.is_some() {
                    self.saga_begin(m.order);
                }
            }
            MessageType::CANCEL => {
                self.broker.cancelled += 1;
                self.note(m.order, NoteKind::CancelPublished);
            }
            t => {
                self.broker.stored[t.0 as usize] += 1;
                let Node::Service(from) = m.from else { unreachable!("follow-ups come from services") };
                self.note(m.order, NoteKind::FollowUpStored { from, mtype: t });
            }
        }
        for sub in self.broker.subs.iter_mut().filter(|s| s.active && s.channel == channel) {
            sub.copies += 1;
        }
        if m.from == Node::Relay {
            self.relay_row_stored(m.event, m.order);
        }
        self.post(answer(MsgKind::PublishAck));
        // Only partition p of that channel has something new to hand out.
        for i in 0..self.broker.subs.len() {
            if self.broker.subs[i].channel == channel {
                self.dispatch_lane(i as u16, p);
            }
        }
    }

    /// Starts (or restarts) subscriber `i`'s membership, reading from `from`.
    pub(crate) fn subscribe(&mut self, i: u16, from: StartFrom) {
        let old = &self.broker.subs[i as usize];
        let channel = old.channel as usize;
        let mut sub = Subscription::new(true, old.settings, old.epoch + 1, self.broker.next_delivery);
        sub.channel = old.channel;
        sub.dlq = old.dlq.clone();
        sub.cursors = self.broker.topics[channel]
            .partitions
            .iter()
            .map(|p| Cursor::at(if from == StartFrom::Earliest { p.start } else { p.end() }))
            .collect();
        sub.copies = sub.unread(&self.broker.topics[channel]);
        self.broker.subs[i as usize] = sub;
        self.dispatch(i);
    }

    /// The subscriber left: what it had not handled is discarded. Work already at the
    /// consumer is finished by the service but no longer counted by the subscription.
    pub(crate) fn unsubscribe(&mut self, i: u16) {
        let sub = &mut self.broker.subs[i as usize];
        let topic = &self.broker.topics[sub.channel as usize];
        let unread = sub.unread(topic);
        let in_flight = sub.flights.iter().filter(|f| !f.processed && f.lost.is_none()).count() as u64;
        sub.discarded += unread + in_flight + sub.redrive.len() as u64 + sub.accepted;
        sub.flights.clear();
        sub.lane_counts.clear();
        sub.redriving = 0;
        sub.redrive.clear();
        sub.accepted = 0;
        for (c, p) in sub.cursors.iter_mut().zip(&topic.partitions) {
            c.next = p.end();
        }
        sub.active = false;
        sub.first_id = self.broker.next_delivery;
    }

    /// The entry topic has more partitions: every group reading it gets a cursor at offset 0
    /// of each new one.
    pub(crate) fn partitions_grew(&mut self) {
        let n = self.broker.topics[0].partitions.len();
        for sub in self.broker.subs.iter_mut().filter(|s| s.channel == crate::chain::ENTRY_CHANNEL) {
            sub.cursors.resize_with(n, Cursor::default);
        }
    }

    // ----- handing out -----

    pub(crate) fn dispatch_all(&mut self) {
        for i in 0..self.broker.subs.len() {
            self.dispatch(i as u16);
        }
    }

    /// Hands out what subscriber `i` has room for: first events to send again, then the
    /// next offset of each partition while it has fewer events out than readers, then one
    /// redriven dead letter at a time.
    pub(crate) fn dispatch(&mut self, i: u16) {
        self.dispatch_lanes(i, None);
    }

    /// [`dispatch`](Self::dispatch) when only `lane` can have changed (an event appended to
    /// that partition, or a delivery from it settled). After every hand-out, each partition
    /// either has no room or nothing unread, so the other lanes would hand out nothing: the
    /// result is the same as a full dispatch, without walking every partition.
    pub(crate) fn dispatch_lane(&mut self, i: u16, lane: u16) {
        self.dispatch_lanes(i, Some(lane));
    }

    fn dispatch_lanes(&mut self, i: u16, only: Option<u16>) {
        let sub = &self.broker.subs[i as usize];
        if !sub.active || self.broker.down[i as usize] || self.faults.broker_down() {
            return;
        }
        if sub.ready_hint || only.is_none() {
            for k in 0..self.broker.subs[i as usize].flights.len() {
                if self.broker.subs[i as usize].flights[k].at == At::Ready {
                    self.send_flight(i, k);
                }
            }
            self.broker.subs[i as usize].ready_hint = false;
        }
        let channel = self.broker.subs[i as usize].channel as usize;
        let partitions = self.broker.topics[channel].partition_count();
        let consumers = self.broker.subs[i as usize].settings.consumers;
        let lanes = match only {
            None => 0..partitions,
            Some(REDRIVE_LANE) => 0..0,
            Some(p) => p..p + 1,
        };
        for p in lanes {
            let room = readers(p, partitions, consumers);
            while self.broker.subs[i as usize].in_lane(p) < room {
                let part = &self.broker.topics[channel].partitions[p as usize];
                let sub = &mut self.broker.subs[i as usize];
                let cursor = &mut sub.cursors[p as usize];
                if cursor.next < part.start {
                    // Retention deleted what this group had not read yet. Lost, but not in
                    // the consumer's expected value: the log no longer says what they were.
                    let gone = part.start - cursor.next;
                    sub.lost_retention += gone;
                    for o in cursor.next..part.start {
                        cursor.settle(o);
                    }
                    cursor.next = part.start;
                }
                let Some(&entry) = part.get(cursor.next) else { break };
                let offset = cursor.next;
                cursor.next += 1;
                let consumer = consumer_for(p, partitions, consumers, cursor.handed);
                cursor.handed += 1;
                self.new_flight(i, p, offset, entry, consumer);
            }
        }
        let sub = &mut self.broker.subs[i as usize];
        if sub.in_lane(REDRIVE_LANE) == 0 {
            if let Some(entry) = sub.redrive.pop_front() {
                self.new_flight(i, REDRIVE_LANE, 0, entry, 0);
            }
        }
    }

    fn new_flight(&mut self, i: u16, lane: u16, offset: u64, entry: LogEntry, consumer: u16) {
        let id = self.broker.next_delivery;
        self.broker.next_delivery += 1;
        let f = Flight {
            id,
            lane,
            offset,
            entry,
            consumer,
            attempts: 0,
            sends: 0,
            last_error: None,
            processed: false,
            received: false,
            lost: None,
            at: At::Ready,
        };
        let sub = &mut self.broker.subs[i as usize];
        *sub.lane_count(lane) += 1;
        sub.flights.push(f);
        let k = sub.flights.len() - 1;
        self.send_flight(i, k);
    }

    /// Puts flight `k` of subscriber `i` on the wire, through whatever faults the wire has.
    fn send_flight(&mut self, i: u16, k: usize) {
        self.broker.subs[i as usize].flights[k].sends += 1;
        let f = self.broker.subs[i as usize].flights[k];
        let w = &self.broker.wire[i as usize];
        let key = [i as u64, f.entry.event, f.id as u64 | (f.sends as u64) << 32];
        let mut lost = false;
        let mut extra = 0;
        if w.any() {
            if self.broker.rng_wire.unit(key) < w.drop {
                lost = true;
            }
            if self.broker.rng_wire.unit([key[0], key[1], key[2] ^ 0xde1a]) < w.delay {
                extra = (self.broker.rng_wire.unit([key[0], key[1], key[2] ^ 0x5eed]) * w.delay_us as f64) as Micros;
            }
        }
        self.broker.subs[i as usize].flights[k].at = At::OnWire;
        let (order, event, published) = (f.entry.order, f.entry.event, f.entry.published_us);
        let deliver = Message::new(MsgKind::Deliver, Node::Broker, Node::Service(i), order, published);
        self.post_delayed(Message { event, tag: f.id, lost, mtype: f.entry.mtype, ..deliver }, extra);
    }

    // ----- at the consumer -----

    pub(crate) fn delivery_arrived(&mut self, m: Message, i: u16) {
        let sub = &mut self.broker.subs[i as usize];
        let Some(k) = sub.flight(m.tag) else { return }; // from an earlier membership
        if m.lost {
            sub.flights[k].at = At::Vanished;
            let at = self.now + self.scenario.ack_timeout_us;
            self.push(at, Ev::AckTimeout { sub: i, delivery: m.tag });
            return;
        }
        if self.broker.down[i as usize] {
            // Refused at the door: the broker sends it again when the consumer is back.
            sub.flights[k].at = At::Ready;
            sub.ready_hint = true;
            sub.redeliveries += 1;
            return;
        }
        let f = sub.flights[k];
        // Delivered again, at-most-once, after it was processed (the guarantee changed in
        // between): the consumer processes it again, but the broker lets go of it on the
        // acknowledgement and it is already counted, so nothing waits for this job.
        let tracked = !(f.processed && sub.settings.guarantee == Guarantee::AtMostOnce);
        let job = Job::Work {
            event: f.entry.event,
            order: f.entry.order,
            published_us: f.entry.published_us,
            delivery: if tracked { f.id } else { UNTRACKED },
            mtype: f.entry.mtype,
            schema: f.entry.schema,
        };
        if !self.enqueue(Node::Service(i), job) {
            // The consumer's queue is full: try again after the redelivery delay.
            let at = self.now + self.scenario.redelivery_delay_us;
            self.broker.subs[i as usize].flights[k].at = At::Backoff(at);
            self.broker.subs[i as usize].redeliveries += 1;
            self.push(at, Ev::Backoff { sub: i, delivery: f.id });
            return;
        }
        let sub = &mut self.broker.subs[i as usize];
        sub.flights[k].received = true;
        sub.flights[k].at = At::Consumer;
        if sub.settings.guarantee == Guarantee::AtMostOnce {
            // Acknowledge first, then process.
            sub.flights[k].at = At::AckOnWire;
            self.send_ack(i, MsgKind::Ack, f);
        }
    }

    fn send_ack(&mut self, i: u16, kind: MsgKind, f: Flight) {
        let dup = self.broker.wire[i as usize].duplicate;
        let key = [i as u64 ^ 0xac4, f.entry.event, f.id as u64 | (f.sends as u64) << 32];
        let lost = dup > 0.0 && self.broker.rng_wire.unit(key) < dup;
        let (order, event, published) = (f.entry.order, f.entry.event, f.entry.published_us);
        let ack = Message::new(kind, Node::Service(i), Node::Broker, order, published);
        self.post(Message { event, tag: f.id, lost, ..ack });
    }

    /// A consumer finished an event; `failure` says why it failed, if it did.
    pub(crate) fn work_finished(&mut self, i: u16, job: Job, failure: Option<FailureKind>) {
        let Job::Work { event, order, published_us, delivery, mtype, .. } = job else { return };
        let kind = EventKind::of(mtype);
        if failure.is_none() {
            let idempotent = self.broker.subs[i as usize].settings.idempotent;
            let consumer = &mut self.work.consumers[i as usize];
            let before = consumer.out_of_order;
            let applied = consumer.finish(event, order, kind, idempotent);
            let reordered = consumer.out_of_order > before;
            // What the side effect did (applied, applied again, skipped as a duplicate) is part
            // of the run: an idempotent subscriber's run must not hash like one that is not.
            self.fold(0xa000 | (i as u64) << 16 | applied as u64);
            if applied == Applied::Again {
                self.note(order, NoteKind::DuplicateApplied { service: i, event });
            }
            if applied != Applied::Once {
                self.count_duplicate_cause(event);
            }
            if reordered {
                self.note(order, NoteKind::OutOfOrder { service: i });
            }
            // Its reaction's follow-ups go out with its work done, before its acknowledgement:
            // a duplicate that did its work again sends them again.
            if applied != Applied::Skipped {
                self.emit_follow_ups(i, mtype, order);
            }
        }
        let now = self.now;
        let sub = &mut self.broker.subs[i as usize];
        let Some(k) = sub.flight(delivery) else {
            // At-most-once work the broker already let go of (or work of a past membership).
            if delivery >= sub.first_id && sub.accepted > 0 {
                sub.accepted -= 1;
                match failure {
                    None => {
                        sub.processed += 1;
                        sub.delays.push(now - published_us);
                    }
                    Some(_) => {
                        sub.lost_failed += 1;
                        self.work.consumers[i as usize].missed(event, order, kind);
                    }
                }
            }
            return;
        };
        // Acknowledged on receipt (at-most-once) unless the flight is still at the consumer.
        let acked_first = sub.flights[k].at != At::Consumer;
        let first = !sub.flights[k].processed && sub.flights[k].lost.is_none();
        match failure {
            None => {
                if first {
                    sub.processed += 1;
                    sub.delays.push(now - published_us);
                    let f = sub.flights[k];
                    if f.lane != REDRIVE_LANE {
                        let last = &mut sub.cursors[f.lane as usize].last_processed;
                        if last.is_some_and(|l| f.offset < l) {
                            sub.order_violations += 1;
                        }
                        *last = Some(last.map_or(f.offset, |l| l.max(f.offset)));
                    }
                    let c = sub.flights[k].consumer as usize;
                    if let Some(n) = sub.per_consumer.get_mut(c) {
                        *n += 1;
                    }
                }
                sub.flights[k].processed = true;
            }
            Some(why) => {
                sub.flights[k].last_error = Some(why);
                if acked_first && first {
                    // Nobody will deliver it again.
                    sub.flights[k].lost = Some(LostCause::Failed);
                    sub.lost_failed += 1;
                    self.work.consumers[i as usize].missed(event, order, kind);
                }
            }
        }
        if acked_first {
            return;
        }
        let f = sub.flights[k];
        let crash_share = self.broker.wire[i as usize].crash_before_ack;
        if failure.is_none()
            && crash_share > 0.0
            && self.broker.rng_wire.unit([i as u64 ^ 0xc4a5, event, delivery as u64 | (f.sends as u64) << 32])
                < crash_share
        {
            self.note(order, NoteKind::CrashedBeforeAck { service: i });
            self.broker.subs[i as usize].flights[k].at = At::Ready;
            self.broker.subs[i as usize].ready_hint = true;
            self.broker.subs[i as usize].redeliveries += 1;
            self.consumer_crashed(i);
            self.dispatch(i);
            return;
        }
        self.broker.subs[i as usize].flights[k].at = At::AckOnWire;
        let kind = if failure.is_none() { MsgKind::Ack } else { MsgKind::Nack };
        self.send_ack(i, kind, f);
    }

    /// The consumer process died (and, for a crash before acknowledging, restarted): the work
    /// it held is gone. What it had not acknowledged the broker delivers again; what it had
    /// (at-most-once) is lost.
    pub(crate) fn consumer_crashed(&mut self, i: u16) {
        let now = self.now;
        let jobs = self.work.services[i as usize].drain_all(now);
        self.trace_crashed(Node::Service(i), &jobs);
        let sub = &mut self.broker.subs[i as usize];
        let consumer = &mut self.work.consumers[i as usize];
        let mut returned = Vec::new();
        for job in jobs {
            if let Job::Saga { order, mtype } = job {
                returned.push((order, mtype));
                continue;
            }
            let Job::Work { delivery, event, order, mtype, .. } = job else { continue };
            let kind = EventKind::of(mtype);
            match sub.flight(delivery) {
                Some(k) if sub.flights[k].at == At::Consumer => {
                    sub.flights[k].at = At::Ready;
                    sub.ready_hint = true;
                    sub.redeliveries += 1;
                }
                Some(k) if !sub.flights[k].processed && sub.flights[k].lost.is_none() => {
                    sub.flights[k].lost = Some(LostCause::Crash);
                    sub.lost_crash += 1;
                    consumer.missed(event, order, kind);
                }
                Some(_) => {}
                None if delivery >= sub.first_id && sub.accepted > 0 => {
                    sub.accepted -= 1;
                    sub.lost_crash += 1;
                    consumer.missed(event, order, kind);
                }
                None => {}
            }
        }
        for (order, mtype) in returned {
            self.saga_work_returned(i, order, mtype);
        }
    }

    // ----- back at the broker -----

    pub(crate) fn ack_arrived(&mut self, m: Message) {
        let Node::Service(i) = m.from else { unreachable!("acks come from subscribers") };
        let sub = &mut self.broker.subs[i as usize];
        let Some(k) = sub.flight(m.tag) else { return };
        if m.lost {
            sub.flights[k].at = At::Vanished;
            let at = self.now + self.scenario.ack_timeout_us;
            self.push(at, Ev::AckTimeout { sub: i, delivery: m.tag });
            return;
        }
        // Acks already on the wire when the broker goes down are still recorded: the broker's
        // log is durable, only its front door is closed.
        let lane = sub.flights[k].lane;
        if m.kind == MsgKind::Nack {
            self.failed_attempt(i, k);
        } else {
            self.let_go(i, k);
        }
        self.dispatch_lane(i, lane);
    }

    /// The broker is done with a flight that was acknowledged (or, at-most-once, given up on).
    fn let_go(&mut self, i: u16, k: usize) {
        // Whether its job is still at the consumer: a flight received while at-least-once,
        // whose work failed and whose answer vanished, has none left once the guarantee
        // became at-most-once; counting it as accepted would wait for a job that is gone.
        // (Looked for only then: walking the service's jobs on every acknowledgement is the
        // hot path's cost.)
        let svc = &self.work.services[i as usize];
        let sub = &mut self.broker.subs[i as usize];
        let f = sub.settle(k);
        if !f.processed && f.lost.is_none() {
            let working = || {
                svc.jobs().any(|j| matches!(j, Job::Work { delivery, .. } if *delivery == f.id))
            };
            if f.received && working() {
                sub.accepted += 1; // acknowledged on receipt, still being worked on
            } else if f.received {
                sub.lost_failed += 1; // its work failed, and nobody will deliver it again
                self.work.consumers[i as usize].missed(f.entry.event, f.entry.order, f.entry.kind());
            } else {
                sub.lost_dropped += 1; // the delivery vanished and will not be sent again
                self.work.consumers[i as usize].missed(f.entry.event, f.entry.order, f.entry.kind());
            }
        }
    }

    fn failed_attempt(&mut self, i: u16, k: usize) {
        let now = self.now;
        let sub = &mut self.broker.subs[i as usize];
        sub.flights[k].attempts += 1;
        let f = sub.flights[k];
        if f.attempts >= sub.settings.retry.max_attempts {
            let f = sub.settle(k);
            let letter = DeadLetter {
                entry: f.entry,
                attempts: f.attempts,
                last_error: f.last_error.unwrap_or(FailureKind::Error),
                dead_us: now,
                epoch: sub.epoch,
                processed: f.processed,
            };
            if !f.processed {
                sub.dead += 1;
                // Parked, not applied: a shortfall until someone redrives it.
                self.work.consumers[i as usize].missed(f.entry.event, f.entry.order, f.entry.kind());
            }
            sub.dlq.push_back(letter);
            if sub.dlq.len() > DLQ_LIMIT {
                let old = sub.dlq.pop_front().expect("over the limit");
                if !old.processed && old.epoch == sub.epoch {
                    sub.dead -= 1;
                    sub.count_lost(LostCause::DlqFull);
                }
            }
            self.note(f.entry.order, NoteKind::DeadLettered { service: i, attempts: f.attempts });
            if self.tracer.on {
                let (event, order) = (f.entry.event, f.entry.order);
                self.tracer.push(crate::tracer::Hop::DeadLettered { service: i, event, order, at_us: now });
            }
        } else {
            let jitter_key = [i as u64, f.entry.event, f.attempts as u64];
            let wait = sub.settings.retry.backoff(f.attempts, &self.broker.rng_jitter, jitter_key);
            sub.flights[k].at = At::Backoff(now + wait);
            sub.redeliveries += 1;
            self.push(now + wait, Ev::Backoff { sub: i, delivery: f.id });
        }
    }

    /// The ack timeout of a vanished delivery or acknowledgement.
    pub(crate) fn ack_timed_out(&mut self, i: u16, delivery: u32) {
        let sub = &mut self.broker.subs[i as usize];
        let Some(k) = sub.flight(delivery) else { return };
        if sub.flights[k].at != At::Vanished {
            return;
        }
        let lane = sub.flights[k].lane;
        match sub.settings.guarantee {
            Guarantee::AtLeastOnce => {
                // No acknowledgement: deliver again, even if it was in fact processed.
                sub.flights[k].at = At::Ready;
                sub.ready_hint = true;
                sub.redeliveries += 1;
            }
            // Never twice: give up on it.
            Guarantee::AtMostOnce => self.let_go(i, k),
        }
        self.dispatch_lane(i, lane);
    }

    pub(crate) fn backoff_over(&mut self, i: u16, delivery: u32) {
        let sub = &mut self.broker.subs[i as usize];
        if let Some(k) = sub.flight(delivery) {
            if matches!(sub.flights[k].at, At::Backoff(_)) {
                sub.flights[k].at = At::Ready;
                sub.ready_hint = true;
            }
        }
        self.dispatch(i);
    }

    /// Sends dead letters back to be processed again: one (by event ID) or all.
    pub(crate) fn redrive(&mut self, i: u16, event: Option<u64>) -> usize {
        let sub = &mut self.broker.subs[i as usize];
        let (take, keep): (Vec<DeadLetter>, Vec<DeadLetter>) =
            sub.dlq.drain(..).partition(|d| event.is_none_or(|e| d.entry.event == e));
        sub.dlq = keep.into();
        for d in &take {
            if d.epoch == sub.epoch && !d.processed {
                sub.dead -= 1;
            } else {
                sub.copies += 1;
            }
            sub.redrive.push_back(d.entry);
        }
        self.dispatch(i);
        take.len()
    }

    pub(crate) fn sample_lag(&mut self) {
        let now = self.now;
        for i in 0..self.broker.subs.len() {
            let lag = self.broker.subs[i].lag();
            self.broker.subs[i].lag_series.push(Point { at_us: now, value: lag });
            let sub = &mut self.broker.subs[i];
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

#[cfg(test)]
mod tests {
    use crate::consumer::amount_cents;
    use crate::delivery::{Guarantee, StartFrom};
    use crate::fault::{Fault, FaultSpec};
    use crate::input::Action;
    use crate::sim::{Setup, Sim};
    use crate::time::SEC;

    fn paying(faults: &[&str]) -> (Sim, u16) {
        let faults = faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect();
        let mut sim = Sim::from_setup(&Setup { seed: 7, rate: Some(0.0), faults, ..Setup::default() }).unwrap();
        sim.apply(Action::AddSubscriber { service: "payment".into(), from: StartFrom::Latest }).unwrap();
        let i = sim.scenario().catalog_index("payment").unwrap() as u16;
        (sim, i)
    }

    /// At-most-once with a lossy wire: nothing is charged twice, some orders are never
    /// charged, and Expected (one charge per order placed) is above what was charged by
    /// exactly the orders lost.
    #[test]
    fn lost_events_show_as_a_shortfall_against_expected() {
        let (mut sim, i) = paying(&["drop:payment:0.5"]);
        sim.apply(Action::SetGuarantee { service: "payment".into(), guarantee: Guarantee::AtMostOnce }).unwrap();
        for _ in 0..20 {
            sim.apply(Action::BuyNow).unwrap();
        }
        sim.run_until(20 * SEC);
        let (c, sub) = (sim.consumer(i), sim.subscription(i));
        assert!(sub.lost() > 0 && c.duplicates == 0, "{c:?}");
        let all: i64 = (1..=20).map(|o| amount_cents(o) as i64).sum();
        assert_eq!(c.expected, all, "expected is one charge per order placed");
        assert!(c.value < c.expected, "the lost charges are a shortfall: {} vs {}", c.value, c.expected);
        assert_eq!(c.missing, sub.lost());
        sim.audit().unwrap();
    }

    /// A dead letter is a shortfall until it is redriven; then the value catches up and
    /// Expected does not move.
    #[test]
    fn a_dead_letter_is_missing_until_redriven() {
        let (mut sim, i) = paying(&[]);
        sim.apply(Action::Inject { fault: Fault::Poison { service: "payment".into(), order: 1 } }).unwrap();
        sim.apply(Action::BuyNow).unwrap();
        sim.run_until(30 * SEC);
        let c = sim.consumer(i);
        assert_eq!(sim.subscription(i).dlq.len(), 1);
        assert_eq!((c.value, c.expected, c.missing), (0, amount_cents(1) as i64, 1));
        sim.apply(Action::Clear { fault: Fault::Poison { service: "payment".into(), order: 1 } }).unwrap();
        sim.apply(Action::Redrive { service: "payment".into(), event: None }).unwrap();
        sim.run_until(40 * SEC);
        let c = sim.consumer(i);
        assert_eq!((c.value, c.expected, c.missing), (amount_cents(1) as i64, amount_cents(1) as i64, 0));
    }
}
