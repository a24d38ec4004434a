//! The simulation: an event queue ordered by (time, sequence) and the state it changes.
//!
//! This file holds the run loop, inputs and the read-only views the page and the CLI use.
//! The order flow lives in `flow.rs`, the broker in `broker.rs`.

use crate::broker_state::Broker;
use crate::consumer::Consumer;
use crate::delivery::StartFrom;
use crate::delivery::MAX_CONSUMERS;
use crate::fault::{Fault, FaultSet, FaultSpec};
pub(crate) use crate::flows::{Buffered, Callee, Checkout, Flows, Nested, Stage};
use crate::input::{Action, Input, MAX_RATE};
use crate::message::{Message, MessageType, MsgKind, Node};
use crate::metrics::{CheckoutSample, Percentiles, StaleWindow};
use crate::narration::{Note, NoteKind, SettingNote};
use crate::outbox::Outbox;
pub(crate) use crate::queue::Ev;
use crate::queue::EventQueue;
use crate::record::Record;
use crate::saga::SagaStyle;
use crate::sagas::Sagas;
use crate::sourcing::Sourcing;
use crate::evolution::Evolution;
use crate::scenario::{CallMode, PublishPolicy, Publishing, Scenario, Wiring, MAX_SUBSCRIBERS};
use crate::service::{Job, Service};
use crate::subscription::{At, FailureKind, Subscription};
use crate::time::{Micros, SEC};
use crate::topic::{Topic, MAX_PARTITIONS};
use crate::alerting::Alerting;
use crate::tracer::{Hop, Outcome, Tracer};
use crate::wires::Wires;
use crate::workers::Workers;

pub use crate::record::NOTES_KEPT;
/// The longest `for` an alert rule takes.
pub const MAX_ALERT_FOR_US: Micros = 600 * SEC;
/// The window the headline percentiles are computed over, so they react to faults.
pub const HEADLINE_WINDOW_US: Micros = 30 * SEC;

/// The headline numbers shown on the page and printed by the CLI.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Headline {
    pub sim_time_us: Micros,
    pub placed: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub in_flight: u64,
    /// Response time as the shopper saw it, over the last 30 s of simulated time, counting
    /// only checkouts placed under the current wiring.
    pub response: Percentiles,
    /// When the wiring changed, if that was within the last 30 s: the figures start there.
    pub wiring_since_us: Option<Micros>,
    pub published: u64,
    /// `OrderCancelled` events the broker stored.
    pub cancelled: u64,
    pub buffered: u64,
    pub hops: u64,
    pub messages_in_flight: u64,
}

/// A fault, a service or the broker as the stage shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub key: String,
    pub job: String,
    pub down: bool,
    pub slow_us: Micros,
    pub error_rate: f64,
    pub queue: usize,
    pub in_progress: usize,
    pub concurrency: u32,
    pub busy_share: f64,
    /// Events published but not yet processed by this subscriber (0 for the Order Service).
    pub lag: u64,
    pub wired: bool,
    /// Pieces of work finished successfully so far: calls and events alike.
    pub processed: u64,
}

/// One run. Each part owns its state: the broker and its channels, the services at work, the
/// flows in progress, the messages on the wires, and the record of what happened. `Sim` keeps
/// the clock, the agenda, the inputs and the lab's settings, and dispatches each event to the
/// part's handler.
#[derive(Clone)]
pub struct Sim {
    pub(crate) scenario: Scenario,
    pub(crate) seed: u64,
    pub(crate) now: Micros,
    /// What is due, in (time, sequence) order.
    queue: EventQueue,
    scheduled: Vec<Option<Action>>,
    pub(crate) inputs: Vec<Input>,
    pub(crate) wiring: Wiring,
    /// When the wiring last changed: the headline figures start there, so that they never
    /// mix checkouts of both wirings.
    wiring_since_us: Micros,
    pub(crate) call_mode: CallMode,
    pub(crate) publish_policy: PublishPolicy,
    pub(crate) publishing: Publishing,
    pub(crate) rate: f64,
    pub(crate) faults: FaultSet,
    /// Downstream services wired in, in the order they were added.
    pub(crate) wired: Vec<u16>,
    /// Per catalog service: kept synchronous under event-driven wiring (called directly,
    /// with no subscription). Only a wired service is ever marked.
    pub(crate) sync: Vec<bool>,
    pub(crate) order_service_changes: u32,
    pub(crate) broker: Broker,
    pub(crate) work: Workers,
    pub(crate) flows: Flows,
    pub(crate) outbox: Outbox,
    pub(crate) sagas: Sagas,
    pub(crate) sourcing: Sourcing,
    pub(crate) evolution: Evolution,
    pub(crate) wires: Wires,
    pub(crate) record: Record,
    /// What tracing records: messages and jobs, per order (spans are built on demand).
    pub(crate) tracer: Tracer,
    /// The alert rules and their alerts.
    pub(crate) alerting: Alerting,
}

impl Sim {
    /// A run of `scenario` from `seed`; panics only if the scenario is invalid, so callers
    /// with outside data should call [`Scenario::validate`] first.
    pub fn new(scenario: Scenario, seed: u64) -> Sim {
        scenario.validate().expect("invalid scenario");
        let wired: Vec<u16> =
            scenario.initial.iter().map(|k| scenario.catalog_index(k).expect("validated") as u16).collect();
        let mut sim = Sim {
            broker: Broker::new(&scenario, seed),
            work: Workers::new(&scenario, seed),
            flows: Flows::new(seed),
            outbox: Outbox::new(seed),
            sagas: Sagas::new(seed, scenario.saga.as_ref().map_or(SagaStyle::Orchestrated, |s| s.style)),
            sourcing: Sourcing::new(seed),
            evolution: Evolution::new(&scenario.schemas, scenario.catalog.len()),
            wires: Wires::new(seed),
            record: Record::new(seed),
            tracer: Tracer::default(),
            alerting: Alerting::new(&scenario),
            wired: Vec::new(),
            sync: vec![false; scenario.catalog.len()],
            wiring: Wiring::Event,
            wiring_since_us: 0,
            call_mode: scenario.call_mode,
            publish_policy: scenario.publish_policy,
            publishing: Publishing::Direct,
            rate: 0.0,
            seed,
            now: 0,
            queue: EventQueue::default(),
            scheduled: Vec::new(),
            inputs: Vec::new(),
            faults: FaultSet::default(),
            order_service_changes: 0,
            scenario,
        };
        for i in wired {
            sim.wired.push(i);
            // A saga's services get their messages from the saga, not from a subscription.
            if !sim.scenario.saga.as_ref().is_some_and(|g| g.takes_part(i)) {
                sim.subscribe(i, StartFrom::Latest);
            }
        }
        let first_sample = sim.scenario.sample_interval_us;
        sim.push(first_sample, Ev::Sample);
        sim
    }

    /// A run set up the same way by the page and the CLI: wiring, rate, then faults.
    pub fn from_setup(setup: &Setup) -> Result<Sim, String> {
        let scenario = Scenario::by_id(&setup.scenario)
            .ok_or_else(|| format!("unknown scenario `{}`; known: {}", setup.scenario, Scenario::IDS.join(", ")))?;
        Sim::from_scenario(scenario, setup)
    }

    /// [`from_setup`](Self::from_setup) with a scenario of one's own (a built-in one changed,
    /// say with fewer partitions); `setup.scenario` is not consulted.
    pub fn from_scenario(scenario: Scenario, setup: &Setup) -> Result<Sim, String> {
        scenario.validate()?;
        let rate = setup.rate.unwrap_or(scenario.rate);
        let mut sim = Sim::new(scenario, setup.seed);
        sim.apply(Action::SetWiring { wiring: setup.wiring })?;
        sim.apply(Action::SetRate { rate })?;
        for spec in &setup.faults {
            spec.fault.validate(&sim.scenario)?;
            sim.schedule(spec.from_us, Action::Inject { fault: spec.fault.clone() })?;
            if let Some(until) = spec.until_us {
                sim.schedule(until, Action::Clear { fault: spec.fault.clone() })?;
            }
        }
        // Settle time 0, so that faults from the start are in place before anyone looks
        // (a paused link shows them at once).
        sim.run_until(0);
        Ok(sim)
    }

    // ----- the run loop -----

    pub(crate) fn push(&mut self, at: Micros, ev: Ev) {
        self.queue.push(at, ev);
    }

    /// Processes every event due at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Micros) {
        self.run_until_bounded(t, u64::MAX);
    }

    /// Like [`run_until`](Self::run_until) but stops after `max_events`; returns true if it
    /// reached `t`. The page uses this so a huge load cannot freeze a frame.
    pub fn run_until_bounded(&mut self, t: Micros, max_events: u64) -> bool {
        self.run_events(u64::MAX, t, max_events)
    }

    /// Processes events until `events` have been processed in all (none later than `at_us`,
    /// at most `max_events` now), then sets the clock to `at_us`: the exact point at which an
    /// intervention was once made. False if it ran out of budget first.
    pub fn run_events(&mut self, events: u64, at_us: Micros, max_events: u64) -> bool {
        let mut n = 0;
        while self.record.events < events {
            match self.queue.next_at() {
                Some(at) if at <= at_us => {}
                _ => break,
            }
            if n == max_events {
                return false;
            }
            let e = self.queue.pop().expect("peeked");
            self.now = e.at;
            self.handle(e.ev);
            n += 1;
        }
        self.now = self.now.max(at_us);
        true
    }

    /// Processes the next event, whenever it is due; returns the new time.
    pub fn step(&mut self) -> Micros {
        if let Some(e) = self.queue.pop() {
            self.now = e.at;
            self.handle(e.ev);
        }
        self.now
    }

    fn handle(&mut self, ev: Ev) {
        use crate::happened::Happened;
        self.record.events += 1;
        // A scheduled input is hashed by `apply`, as every input is, however it arrives: a
        // step of a link, a control on the page and a run file's input then hash alike.
        if !matches!(ev, Ev::Input(_)) {
            self.fold(self.now);
        }
        self.record.last = None;
        match ev {
            Ev::Arrive(slot) => {
                let m = self.wires.msgs.remove(slot);
                self.record.last = Some(Happened::Arrived { kind: m.kind, from: m.from, to: m.to, order: m.order });
                self.wires.hops += 1;
                let [route, carried] = m.hash_words();
                self.fold(route);
                self.fold(carried);
                self.arrive(m);
            }
            Ev::Done { node, job } => {
                self.fold(0x1000 | (node.code() << 16));
                self.fold(job);
                self.job_done(node, job);
            }
            Ev::Arrival { generation } => {
                if generation == self.flows.generation {
                    self.fold(0x2000);
                    self.place_order();
                    self.record.last = Some(Happened::Placed { order: self.flows.next_order - 1 });
                    self.schedule_arrival();
                }
            }
            Ev::Timeout { order, call, caller } => {
                // The entry service's timeouts hash as they always have.
                let by = if caller == Node::Orders { 0 } else { caller.code() << 8 };
                self.fold(0x3000 ^ (order << 16) ^ call as u64 ^ by);
                let open = self.flows.checkouts.len();
                match caller {
                    Node::Service(i) => self.nested_timed_out(i, order, call),
                    _ => self.call_timed_out(order, call),
                }
                if self.flows.checkouts.len() < open {
                    self.record.last = Some(Happened::TimedOut { order });
                }
            }
            Ev::PublishRetry => {
                self.fold(0x4000);
                self.retry_publish();
                self.record.last = Some(Happened::Retried { node: Node::Orders });
            }
            Ev::Backoff { sub, delivery } => {
                self.fold(0x5000 | sub as u64 | (delivery as u64) << 16);
                self.backoff_over(sub, delivery);
                self.record.last = Some(Happened::Retried { node: Node::Broker });
            }
            Ev::AckTimeout { sub, delivery } => {
                self.fold(0x9000 | sub as u64 | (delivery as u64) << 16);
                self.ack_timed_out(sub, delivery);
                self.record.last = Some(Happened::Retried { node: Node::Broker });
            }
            Ev::Relay => {
                self.fold(0xb000);
                self.relay_pass();
                self.record.last = Some(Happened::Retried { node: Node::Relay });
            }
            Ev::Project { projection } => {
                self.fold(0xd000 | projection.index() as u64);
                self.project(projection);
                self.record.last = Some(Happened::Finished { node: Node::Orders, order: 0, ok: true });
            }
            Ev::StoreLoad { order, writer } => {
                self.fold(0xd100 ^ order << 16 ^ writer as u64);
                self.store_load(order, writer);
            }
            Ev::StoreWrite { order, writer, expected } => {
                self.fold(0xd200 ^ order << 16 ^ writer as u64 ^ (expected as u64) << 8);
                self.store_write(order, writer, expected);
                self.record.last = Some(Happened::Finished { node: Node::Orders, order, ok: true });
            }
            Ev::SagaTimeout { order, generation } => {
                self.fold(0xc000 ^ order << 16 ^ generation as u64);
                self.saga_timeout_fired(order, generation);
                self.record.last = Some(Happened::TimedOut { order });
            }
            Ev::SagaDeadline { order } => {
                self.fold(0xc100 ^ order << 16);
                self.saga_deadline(order);
                self.record.last = Some(Happened::TimedOut { order });
            }
            Ev::SagaRetry { service, order, mtype } => {
                self.fold(0xc200 ^ order << 16 ^ (service as u64) << 8 ^ mtype.0 as u64);
                self.saga_retry(service, order, mtype);
                self.record.last = Some(Happened::Retried { node: Node::Service(service) });
            }
            Ev::Sample => {
                self.fold(0x6000);
                self.sample();
                let next = self.now + self.scenario.sample_interval_us;
                self.push(next, Ev::Sample);
            }
            Ev::Input(i) => {
                if let Some(action) = self.scheduled[i as usize].take() {
                    self.record.last = Some(Happened::Changed);
                    // Checked against the state of the run only now that it is due: an action
                    // that no longer makes sense (adding a service already there) is refused
                    // and the refusal is told in the log.
                    if let Err(why) = self.apply(action) {
                        self.note(0, NoteKind::Refused { why });
                    }
                }
            }
        }
    }

    /// Folds a word into the trace hash. FxHash-style: integer-only, so every platform agrees.
    pub(crate) fn fold(&mut self, word: u64) {
        self.record.fold(word);
    }

    /// Folds an accepted input into the trace hash: its moment and its text as a link writes
    /// it. Every input passes here, so the same input counts the same way whether it came from
    /// a control, a link's step, a run file, a course page or the setup; and two runs that
    /// differ only by an input (an idempotent subscriber, say) never share a hash.
    fn fold_input(&mut self, action: &Action) {
        self.fold(0x7000);
        self.fold(self.now);
        let text = crate::script::action_text(action);
        for chunk in text.as_bytes().chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.fold(u64::from_le_bytes(word));
        }
    }

    // ----- inputs -----

    /// Applies an action now and records it; refuses impossible ones with a message.
    pub fn apply(&mut self, action: Action) -> Result<(), String> {
        self.check(&action)?;
        self.fold_input(&action);
        self.inputs.push(Input { at_us: self.now, action: action.clone() });
        match action {
            Action::BuyNow => self.place_order(),
            Action::SetRate { rate } => {
                self.rate = rate;
                self.flows.generation = self.flows.generation.wrapping_add(1);
                self.schedule_arrival();
                self.note(0, NoteKind::RateChanged { rate });
            }
            Action::SetWiring { wiring } => {
                if wiring != self.wiring {
                    self.wiring = wiring;
                    self.wiring_since_us = self.now;
                    self.note(0, NoteKind::WiringChanged { wiring });
                }
            }
            Action::SetCallMode { mode } => self.call_mode = mode,
            Action::SetPublishPolicy { policy } => self.publish_policy = policy,
            Action::SetSagaStyle { style } => {
                if style != self.sagas.style {
                    self.sagas.style = style;
                    self.note(0, NoteKind::SettingChanged { service: None, setting: SettingNote::SagaStyle(style) });
                }
            }
            Action::SetSagaTimeouts { on } => {
                if on != self.sagas.timeouts {
                    self.sagas.timeouts = on;
                    if on {
                        self.arm_saga_deadlines();
                    }
                    self.note(0, NoteKind::SettingChanged { service: None, setting: SettingNote::SagaTimeouts(on) });
                }
            }
            Action::SetStorage { storage } => self.set_storage(storage),
            Action::SetTraceLinks { on } => self.set_trace_links(on),
            Action::SetAlertFor { rule, for_us } => {
                let k = self.alert_rule(&rule).expect("checked");
                self.set_alert_for(k, for_us)
            }
            Action::SetSnapshots { every } => self.set_snapshot_every(every),
            Action::SetReplayGuard { on } => self.set_replay_guard(on),
            Action::Rebuild { projection } => self.rebuild(projection),
            Action::DeleteSnapshot { projection } => self.delete_snapshot(projection),
            Action::Deploy { message, proposal } => {
                let s = self.subject_named(&message)?;
                let p = self.proposal_named(s, &proposal)?;
                self.deploy(s, p);
            }
            Action::SetProducerVersion { message, version } => {
                let s = self.subject_named(&message)?;
                self.set_producer_version(s, version);
            }
            Action::SetReaderVersion { service, message, version } => {
                let i = self.catalog_index(&service)?;
                let s = self.subject_named(&message)?;
                self.set_reader_version(i, s, version);
            }
            Action::SetCompatibility { message, compatibility } => {
                let s = self.subject_named(&message)?;
                self.set_compatibility(s, compatibility);
            }
            Action::SetPublishing { publishing } => {
                if publishing != self.publishing {
                    self.publishing = publishing;
                    self.note(
                        0,
                        NoteKind::SettingChanged { service: None, setting: SettingNote::Publishing(publishing) },
                    );
                }
            }
            Action::AddSubscriber { service, from } => {
                let i = self.scenario.catalog_index(&service).expect("checked") as u16;
                self.wired.push(i);
                self.subscribe(i, from);
                // Request-driven, a service that follows another's reaction changes that
                // service's code, not the Order Service's.
                let changed = self.wiring == Wiring::Request && self.reacts_to_entry(i);
                self.order_service_changes += changed as u32;
                self.note(0, NoteKind::SubscriberAdded { service: i, order_service_changed: changed });
            }
            Action::RemoveSubscriber { service } => {
                let i = self.scenario.catalog_index(&service).expect("checked") as u16;
                self.wired.retain(|&w| w != i);
                self.unsubscribe(i);
                // A synchronous service is called directly under either wiring.
                let was_sync = std::mem::take(&mut self.sync[i as usize]);
                let changed = (self.wiring == Wiring::Request && self.reacts_to_entry(i)) || was_sync;
                self.order_service_changes += changed as u32;
                self.note(0, NoteKind::SubscriberRemoved { service: i, order_service_changed: changed });
            }
            Action::Inject { fault } => {
                self.faults.inject(fault.clone());
                self.refresh_faults();
                self.note(0, NoteKind::FaultInjected { fault: fault.clone() });
                self.fault_started(&fault);
            }
            Action::Clear { fault } => {
                if self.faults.clear(&fault) {
                    self.refresh_faults();
                    self.note(0, NoteKind::FaultCleared { fault: fault.clone() });
                    self.fault_ended(&fault);
                }
            }
            Action::SetGuarantee { service, guarantee } => {
                let i = self.catalog_index(&service)?;
                self.broker.subs[i as usize].settings.guarantee = guarantee;
                self.note(0, NoteKind::SettingChanged { service: Some(i), setting: SettingNote::Guarantee(guarantee) });
            }
            Action::SetIdempotent { service, on } => {
                let i = self.catalog_index(&service)?;
                self.broker.subs[i as usize].settings.idempotent = on;
                self.note(0, NoteKind::SettingChanged { service: Some(i), setting: SettingNote::Idempotent(on) });
            }
            Action::SetSync { service, on } => {
                let i = self.catalog_index(&service)?;
                self.set_sync(i, on);
            }
            Action::SetRetry { service, retry } => {
                let i = self.catalog_index(&service)?;
                self.broker.subs[i as usize].settings.retry = retry;
                self.note(0, NoteKind::SettingChanged { service: Some(i), setting: SettingNote::Retry(retry) });
            }
            Action::SetConsumers { service, consumers } => {
                let i = self.catalog_index(&service)?;
                let sub = &mut self.broker.subs[i as usize];
                sub.settings.consumers = consumers;
                sub.per_consumer.resize(consumers as usize, 0);
                self.note(0, NoteKind::SettingChanged { service: Some(i), setting: SettingNote::Consumers(consumers) });
                self.dispatch(i);
            }
            Action::SetPartitions { partitions } => {
                self.broker.topics[0].grow(partitions);
                self.partitions_grew();
                self.note(0, NoteKind::SettingChanged { service: None, setting: SettingNote::Partitions(partitions) });
                self.dispatch_all();
            }
            Action::SetPartitionKey { key } => {
                self.broker.topics[0].key = key;
                self.note(0, NoteKind::SettingChanged { service: None, setting: SettingNote::PartitionKey(key) });
            }
            Action::SetCancelShare { share } => {
                self.flows.cancel_share = share;
                self.note(0, NoteKind::SettingChanged { service: None, setting: SettingNote::CancelShare(share) });
            }
            Action::Redrive { service, event } => {
                let i = self.catalog_index(&service)?;
                let n = self.redrive(i, event);
                self.note(0, NoteKind::Redriven { service: i, count: n as u64 });
            }
        }
        Ok(())
    }

    /// Looks up, once per change of faults, what each subscriber's wire and process are like.
    fn refresh_faults(&mut self) {
        for (i, spec) in self.scenario.catalog.iter().enumerate() {
            self.broker.wire[i] = self.faults.wire(&spec.key);
            self.broker.down[i] = self.faults.is_down(&spec.key);
        }
        self.sourcing.concurrent_share = self.faults.concurrent_writes();
    }

    /// Schedules an action for a later moment (or now, if `at_us` has passed).
    /// Only what can be known now is checked (values, names); the rest when it is due.
    pub fn schedule(&mut self, at_us: Micros, action: Action) -> Result<(), String> {
        self.check_values(&action)?;
        let i = self.scheduled.len() as u32;
        self.scheduled.push(Some(action));
        self.push(at_us.max(self.now), Ev::Input(i));
        Ok(())
    }

    /// Checks that an action's values are possible, whatever the state of the run.
    pub fn check_values(&self, action: &Action) -> Result<(), String> {
        match action {
            Action::SetRate { rate } if !(rate.is_finite() && (0.0..=MAX_RATE).contains(rate)) => {
                Err(format!("the {} rate must be between 0 and {MAX_RATE} per second, not {rate}", self.scenario.noun))
            }
            Action::Inject { fault } | Action::Clear { fault } => fault.validate(&self.scenario),
            Action::SetRetry { service, retry } => retry.validate().and(self.catalog_index(service).map(|_| ())),
            Action::SetConsumers { consumers, .. } if !(1..=MAX_CONSUMERS).contains(consumers) => {
                Err(format!("consumers must be from 1 to {MAX_CONSUMERS}, not {consumers}"))
            }
            Action::SetPartitions { partitions } if !(1..=MAX_PARTITIONS).contains(partitions) => {
                Err(format!("partitions must be from 1 to {MAX_PARTITIONS}, not {partitions}"))
            }
            Action::SetCancelShare { share } if *share > 0.0 && !self.scenario.cancellable => Err(format!(
                "in {} a {} cannot be cancelled once {}",
                self.scenario.title, self.scenario.noun, self.scenario.placed_verb
            )),
            Action::SetSnapshots { every } if *every > crate::sourcing::MAX_SNAPSHOT_EVERY => Err(format!(
                "a snapshot every {every} events is more than the most, {}",
                crate::sourcing::MAX_SNAPSHOT_EVERY
            )),
            Action::Deploy { message, proposal } => {
                self.subject_named(message).and_then(|s| self.proposal_named(s, proposal)).map(|_| ())
            }
            Action::SetProducerVersion { message, .. } | Action::SetCompatibility { message, .. } => {
                self.subject_named(message).map(|_| ())
            }
            Action::SetReaderVersion { service, message, .. } => {
                self.catalog_index(service).and_then(|_| self.subject_named(message)).map(|_| ())
            }
            Action::SetCancelShare { share } if !(share.is_finite() && (0.0..=1.0).contains(share)) => {
                Err(format!("the share of shoppers who cancel must be between 0 and 1, not {share}"))
            }
            other => match other.service() {
                Some(service) => self.catalog_index(service).map(|_| ()),
                None => Ok(()),
            },
        }
    }

    /// Checks an action can be applied to the run as it is now.
    pub fn check(&self, action: &Action) -> Result<(), String> {
        self.check_values(action)?;
        // A saga's services are wired as the saga says, and only the saga moves them.
        let in_saga = |service: &str| {
            let i = self.scenario.catalog_index(service)? as u16;
            self.scenario
                .saga
                .as_ref()
                .filter(|g| g.takes_part(i))
                .map(|_| self.scenario.catalog[i as usize].name.clone())
        };
        match action {
            Action::AddSubscriber { service, .. }
            | Action::RemoveSubscriber { service }
            | Action::SetSync { service, .. }
                if in_saga(service).is_some() =>
            {
                Err(format!(
                    "{} takes part in the saga: its messages come and go as the saga says",
                    in_saga(service).unwrap_or_default()
                ))
            }
            Action::SetSagaStyle { .. } | Action::SetSagaTimeouts { .. } if self.scenario.saga.is_none() => {
                Err(format!("the {} system has no saga", self.scenario.title))
            }
            // Only a registered version can be written or read.
            Action::SetProducerVersion { message, version } | Action::SetReaderVersion { message, version, .. } => {
                self.subject_named(message).and_then(|s| self.registered(s, *version))
            }
            Action::SetAlertFor { rule, for_us } => {
                self.alert_rule(rule)?;
                if *for_us > MAX_ALERT_FOR_US {
                    return Err(format!("an alert's `for` must be at most {} s", MAX_ALERT_FOR_US / SEC));
                }
                Ok(())
            }
            Action::AddSubscriber { service, .. } => {
                let i = self.catalog_index(service)?;
                if self.wired.contains(&i) {
                    Err(format!("{} is already wired in", self.scenario.catalog[i as usize].name))
                } else if self.wired.len() >= MAX_SUBSCRIBERS {
                    Err(format!("at most {MAX_SUBSCRIBERS} services can be wired in"))
                } else {
                    Ok(())
                }
            }
            Action::RemoveSubscriber { service } => {
                let i = self.catalog_index(service)?;
                if self.wired.contains(&i) {
                    Ok(())
                } else {
                    Err(format!("{} is not wired in", self.scenario.catalog[i as usize].name))
                }
            }
            Action::SetSync { service, .. } => {
                let i = self.catalog_index(service)?;
                if !self.reacts_to_entry(i) {
                    let s = &self.scenario;
                    Err(format!(
                        "{} does not react to {}: only a service that does can be called by {} directly",
                        s.catalog[i as usize].name, s.event_name, s.order_service.name
                    ))
                } else if self.wired.contains(&i) {
                    Ok(())
                } else {
                    let name = &self.scenario.catalog[i as usize].name;
                    Err(format!("{name} is not wired in; add it first, then choose whether it is called synchronously"))
                }
            }
            Action::SetPartitions { partitions } if *partitions < self.broker.topics[0].partition_count() => {
                Err(format!(
                    "the topic has {} partitions; a topic's partitions can be added but never removed, \
                 so reset the lab to start with fewer",
                    self.broker.topics[0].partition_count()
                ))
            }
            Action::Redrive { service, event } => {
                let i = self.catalog_index(service)?;
                let dlq = &self.broker.subs[i as usize].dlq;
                let name = &self.scenario.catalog[i as usize].name;
                match event {
                    None if dlq.is_empty() => Err(format!("{name}'s dead-letter queue is empty")),
                    Some(e) if !dlq.iter().any(|d| d.entry.event == *e) => {
                        Err(format!("event {e} is not in {name}'s dead-letter queue"))
                    }
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    fn catalog_index(&self, key: &str) -> Result<u16, String> {
        self.scenario.catalog_index(key).map(|i| i as u16).ok_or_else(|| {
            let keys: Vec<&str> = self.scenario.catalog.iter().map(|s| s.key.as_str()).collect();
            format!("unknown service `{key}`; this scenario has: {}", keys.join(", "))
        })
    }

    fn schedule_arrival(&mut self) {
        if self.rate > 0.0 {
            let gap = self.flows.rng_arrivals.exp_us(SEC as f64 / self.rate).max(1);
            let generation = self.flows.generation;
            self.push(self.now + gap, Ev::Arrival { generation });
        }
    }

    // ----- shared helpers for flow.rs and broker.rs -----

    /// Puts a message on a wire; it arrives after one network hop.
    pub(crate) fn post(&mut self, m: Message) {
        self.post_delayed(m, 0);
    }

    /// [`post`](Self::post), held up on the wire by `extra` on top of the hop.
    pub(crate) fn post_delayed(&mut self, m: Message, extra: Micros) {
        let (slot, m) = self.wires.send(m, &self.scenario.network, self.now, extra);
        self.push(m.due_us, Ev::Arrive(slot));
        if self.tracer.keeps(m.order) {
            self.trace_sent(m);
        }
    }

    /// Puts a message that carries nothing but its order on a wire.
    pub(crate) fn send(&mut self, kind: MsgKind, from: Node, to: Node, order: u64, origin_us: Micros) {
        self.post(Message::new(kind, from, to, order, origin_us));
    }

    /// Whether the shopper of `order` cancels it (decided per order, so the same in every run).
    pub(crate) fn cancels(&self, order: u64) -> bool {
        self.flows.cancel_share > 0.0 && self.flows.rng_cancel.unit([order, 0, 0]) < self.flows.cancel_share
    }

    pub(crate) fn note(&mut self, order: u64, kind: NoteKind) {
        self.record.notes.push(Note { at_us: self.now, order, kind });
        self.record.notes_total += 1;
    }

    pub(crate) fn new_order_id(&mut self) -> u64 {
        let id = self.flows.next_order;
        self.flows.next_order += 1;
        id
    }

    pub(crate) fn service_key(&self, node: Node) -> &str {
        match node {
            Node::Orders => &self.scenario.order_service.key,
            Node::Service(i) => &self.scenario.catalog[i as usize].key,
            _ => unreachable!("only services have keys"),
        }
    }

    pub(crate) fn service_mut(&mut self, node: Node) -> &mut Service {
        match node {
            Node::Orders => &mut self.work.orders,
            Node::Service(i) => &mut self.work.services[i as usize],
            _ => unreachable!("only services do work"),
        }
    }

    pub(crate) fn service_ref(&self, node: Node) -> &Service {
        match node {
            Node::Orders => &self.work.orders,
            Node::Service(i) => &self.work.services[i as usize],
            _ => unreachable!("only services do work"),
        }
    }

    pub(crate) fn spec(&self, node: Node) -> &crate::scenario::ServiceSpec {
        match node {
            Node::Orders => &self.scenario.order_service,
            Node::Service(i) => &self.scenario.catalog[i as usize],
            _ => unreachable!("only services have specs"),
        }
    }

    /// Hands a job to a service: it starts now if a worker is free, else it queues.
    /// Returns false if the queue is full and the job was refused.
    pub(crate) fn enqueue(&mut self, node: Node, job: Job) -> bool {
        let (concurrency, limit) = {
            let spec = self.spec(node);
            (spec.concurrency as usize, spec.queue_limit as usize)
        };
        let svc = self.service_ref(node);
        let now = self.now;
        if svc.running.len() < concurrency {
            self.start(node, job, now);
            true
        } else if svc.waiting.len() < limit {
            let svc = self.service_mut(node);
            svc.waiting.push_back(job);
            svc.handed.push_back(now);
            true
        } else {
            let svc = self.service_mut(node);
            svc.refused += 1;
            svc.red.refused(now);
            false
        }
    }

    /// Starts a job the service was handed at `handed_us`.
    fn start(&mut self, node: Node, job: Job, handed_us: Micros) {
        let id = self.work.next_job;
        self.work.next_job += 1;
        let dist = self.spec(node).processing.clone();
        let extra = self.faults.slow_us(self.service_key(node));
        let now = self.now;
        let svc = self.service_mut(node);
        let work = svc.rng_work.sample(&dist, job.key()) + extra;
        svc.account(now);
        svc.running.insert(id, crate::service::Running { job, handed_us });
        self.push(now + work.max(1), Ev::Done { node, job: id });
        if self.tracer.keeps(crate::tracer::job_order(&job)) {
            self.tracer.push(Hop::Began { node, job, at_us: now });
        }
    }

    fn job_done(&mut self, node: Node, id: u64) {
        let now = self.now;
        let rate = self.faults.error_rate(self.service_key(node));
        let svc = self.service_mut(node);
        svc.account(now);
        // A crash drops running jobs; their completions arrive here and are ignored.
        let Some(crate::service::Running { job, handed_us }) = svc.running.remove(&id) else { return };
        // A saga step decides its own failures, per order, so that both styles fail alike.
        let errored = !matches!(job, Job::Saga { .. }) && svc.rng_errors.chance(rate);
        let order = match job {
            Job::Save { order } | Job::Call { order, .. } | Job::Work { order, .. } | Job::Saga { order, .. } => order,
        };
        let poisoned = match (node, job) {
            (Node::Service(i), Job::Work { order, mtype, .. }) if mtype != MessageType::CANCEL => {
                self.broker.wire[i as usize].poison.contains(&order)
            }
            _ => false,
        };
        let unreadable = match (node, job) {
            (Node::Service(i), Job::Work { mtype, schema, .. }) => self.can_read(i, mtype, schema).is_err(),
            _ => false,
        };
        if let (true, Node::Service(i), Job::Work { mtype, schema, .. }) = (unreadable, node, job) {
            self.evolution.unreadable[i as usize] += 1;
            self.note_unreadable(i, order, mtype, schema);
        }
        let failure = if poisoned {
            Some(FailureKind::Poison)
        } else if unreadable {
            Some(FailureKind::Unreadable)
        } else if errored {
            Some(FailureKind::Error)
        } else {
            None
        };
        self.record.last = Some(crate::happened::Happened::Finished { node, order, ok: failure.is_none() });
        let svc = self.service_mut(node);
        if failure.is_none() {
            svc.processed += 1;
        } else {
            svc.failed += 1;
        }
        svc.red.ended(now, now - handed_us, failure.is_none());
        if let Some(next) = svc.waiting.pop_front() {
            let handed = svc.handed.pop_front().unwrap_or(now);
            self.start(node, next, handed);
        }
        // A call's server span ends with its reply; only a crash ends it otherwise, and
        // crashes are recorded where they happen.
        if !matches!(job, Job::Call { .. }) && self.tracer.keeps(order) {
            let outcome = failure.map_or(Outcome::Done, Outcome::Failed);
            self.tracer.push(Hop::Ended { node, job, at_us: now, outcome });
        }
        self.finished(node, job, failure);
    }

    fn sample(&mut self) {
        let interval = self.scenario.sample_interval_us;
        let now = self.now;
        let c = self.scenario.order_service.concurrency;
        self.work.orders.sample(now, interval, c);
        self.work.orders.red.sample(now);
        for i in 0..self.work.services.len() {
            let c = self.scenario.catalog[i].concurrency;
            self.work.services[i].sample(now, interval, c);
            self.work.services[i].red.sample(now);
        }
        self.flows.red.sample(now);
        self.sample_lag();
        self.evaluate_alerts();
    }

    // ----- views -----

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn now(&self) -> Micros {
        self.now
    }
    pub fn wiring(&self) -> Wiring {
        self.wiring
    }
    /// What the last event did, or `None` if it was bookkeeping with nothing to show.
    pub fn last_happened(&self) -> Option<crate::happened::Happened> {
        self.record.last
    }
    pub fn call_mode(&self) -> CallMode {
        self.call_mode
    }
    pub fn publish_policy(&self) -> PublishPolicy {
        self.publish_policy
    }
    pub fn rate(&self) -> f64 {
        self.rate
    }
    pub fn faults(&self) -> &[Fault] {
        self.faults.active()
    }
    pub fn broker_down(&self) -> bool {
        self.faults.broker_down()
    }
    /// The inputs applied so far; seed + scenario + these replay the run.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }
    /// Catalog indices of the downstream services wired in, in the order they were added.
    pub fn wired(&self) -> &[u16] {
        &self.wired
    }
    /// How many messages are on the wires right now.
    pub fn messages_in_flight(&self) -> usize {
        self.wires.msgs.len()
    }
    /// Messages on the wires right now.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.wires.msgs.iter()
    }
    pub fn notes(&self) -> impl DoubleEndedIterator<Item = &Note> + ExactSizeIterator {
        self.record.notes.iter()
    }
    /// How many notes were ever written (the ring keeps only the latest).
    pub fn notes_total(&self) -> u64 {
        self.record.notes_total
    }
    pub fn checkout_samples(&self) -> impl DoubleEndedIterator<Item = &CheckoutSample> + ExactSizeIterator {
        self.flows.samples.iter()
    }
    pub fn subscription(&self, service: u16) -> &Subscription {
        &self.broker.subs[service as usize]
    }
    /// Events processed so far, of every kind.
    pub fn events_processed(&self) -> u64 {
        self.record.events
    }
    /// True when every event due by now has been processed: the state a run reaches by
    /// running to this moment. Single steps can stop between two events of one microsecond.
    pub fn settled(&self) -> bool {
        self.queue.next_at().is_none_or(|at| at > self.now)
    }
    /// A stable 64-bit hash of everything that happened, in order.
    pub fn trace_hash(&self) -> u64 {
        self.record.trace
    }
    /// The hash as the page and the CLI print it.
    pub fn trace_hash_hex(&self) -> String {
        format!("{:016x}", self.record.trace)
    }

    /// Messages the Order Service sends per order under the current wiring: one call per
    /// synchronous service and one publish, or one call per wired service.
    pub fn calls_per_order(&self) -> usize {
        match self.wiring {
            Wiring::Event => self.called_directly().len() + 1,
            Wiring::Request => self.called_directly().len(),
        }
    }

    /// The services the Order Service must know about and call directly, by name, in the
    /// order it calls them: every wired one request-driven, the synchronous ones event-driven.
    pub fn order_service_call_list(&self) -> Vec<&str> {
        self.called_directly().into_iter().map(|i| self.scenario.catalog[i as usize].name.as_str()).collect()
    }

    /// Catalog indices of the services the Order Service calls directly under the current
    /// wiring, in the order it calls them (the order they were wired in).
    pub fn called_directly(&self) -> Vec<u16> {
        match self.wiring {
            Wiring::Event => self.sync_services(),
            // Every wired service reacts to the entry's event unless the scenario chains.
            Wiring::Request if self.scenario.chain.reads.iter().all(|&c| c == crate::chain::ENTRY_CHANNEL) => {
                self.wired.clone()
            }
            Wiring::Request => self.wired.iter().copied().filter(|&i| self.reacts_to_entry(i)).collect(),
        }
    }

    /// Whether catalog service `i` reacts to the entry's event (reads the entry topic), rather
    /// than to a message another service's reaction publishes or sends.
    pub fn reacts_to_entry(&self, i: u16) -> bool {
        self.scenario.chain.reads(i) == crate::chain::ENTRY_CHANNEL
    }

    /// Catalog indices of the wired services kept synchronous, in the order they were wired.
    /// Remembered under request-driven wiring too, where everyone is called anyway.
    pub fn sync_services(&self) -> Vec<u16> {
        self.wired.iter().copied().filter(|&i| self.sync[i as usize]).collect()
    }

    /// Whether catalog service `i` is kept synchronous: called directly before the event is
    /// published, and not subscribed to it. False for an index outside the catalog.
    pub fn is_sync(&self, i: u16) -> bool {
        self.sync.get(i as usize).copied().unwrap_or(false)
    }

    /// How stale a read model built by subscriber `i` is: the publish-to-processed delay of
    /// its recent events, i.e. how long after the write a read of it still shows the old
    /// state. Empty (count 0) before it has processed anything in its current subscription.
    pub fn stale_window(&self, i: u16) -> StaleWindow {
        match self.broker.subs.get(i as usize) {
            Some(sub) => StaleWindow::of(sub.delays.iter().copied().collect()),
            None => StaleWindow::default(),
        }
    }

    /// How many times adding or removing a reaction, or making one synchronous or asynchronous
    /// again under event-driven wiring, forced a change to the Order Service.
    pub fn order_service_changes(&self) -> u32 {
        self.order_service_changes
    }

    /// Mean messages the Order Service sent per successful order, over orders done since `since_us`.
    pub fn outgoing_per_order_since(&self, since_us: Micros) -> Option<f64> {
        let (n, total) = self
            .flows
            .samples
            .iter()
            .filter(|s| s.ok && s.done_us >= since_us)
            .fold((0u64, 0u64), |(n, t), s| (n + 1, t + s.outgoing as u64));
        (n > 0).then(|| total as f64 / n as f64)
    }

    /// Percentiles of checkout response times for checkouts done in `[from_us, to_us]`.
    pub fn response_between(&self, from_us: Micros, to_us: Micros) -> Percentiles {
        Percentiles::of(
            self.flows
                .samples
                .iter()
                .filter(|s| s.done_us >= from_us && s.done_us <= to_us)
                .map(|s| s.latency_us)
                .collect(),
        )
    }

    /// Percentiles of response times of the checkouts *placed* in `[from_us, to_us)`: with the
    /// same seed, the same orders whatever the fault, so two runs compare like with like.
    pub fn response_placed_between(&self, from_us: Micros, to_us: Micros) -> Percentiles {
        Percentiles::of(
            self.flows
                .samples
                .iter()
                .filter(|s| (from_us..to_us).contains(&(s.done_us - s.latency_us)))
                .map(|s| s.latency_us)
                .collect(),
        )
    }

    /// Checkouts done in the last 30 s and placed under the wiring in force now.
    fn headline_response(&self) -> Percentiles {
        let from_us = self.now.saturating_sub(HEADLINE_WINDOW_US);
        Percentiles::of(
            self.flows
                .samples
                .iter()
                .filter(|s| s.done_us >= from_us && s.done_us - s.latency_us >= self.wiring_since_us)
                .map(|s| s.latency_us)
                .collect(),
        )
    }

    pub fn headline(&self) -> Headline {
        Headline {
            sim_time_us: self.now,
            placed: self.flows.placed,
            succeeded: self.flows.succeeded,
            failed: self.flows.failed,
            in_flight: self.flows.placed - self.flows.succeeded - self.flows.failed,
            response: self.headline_response(),
            wiring_since_us: (self.wiring_since_us > self.now.saturating_sub(HEADLINE_WINDOW_US))
                .then_some(self.wiring_since_us),
            published: self.broker.published,
            cancelled: self.broker.cancelled,
            buffered: self.flows.outbox.len() as u64 + self.flows.outbox_sending,
            hops: self.wires.hops,
            messages_in_flight: self.messages_in_flight() as u64,
        }
    }

    pub fn order_service_view(&self) -> NodeView {
        self.view(Node::Orders)
    }

    pub fn service_view(&self, i: u16) -> NodeView {
        self.view(Node::Service(i))
    }

    fn view(&self, node: Node) -> NodeView {
        let spec = self.spec(node);
        let svc = self.service_ref(node);
        let (lag, wired) = match node {
            Node::Service(i) => (self.broker.subs[i as usize].lag(), self.wired.contains(&i)),
            _ => (0, true),
        };
        NodeView {
            name: spec.name.clone(),
            key: spec.key.clone(),
            job: spec.job.clone(),
            down: self.faults.is_down(&spec.key),
            slow_us: self.faults.slow_us(&spec.key),
            error_rate: self.faults.error_rate(&spec.key),
            queue: svc.queue_depth(),
            in_progress: svc.in_progress(),
            concurrency: spec.concurrency,
            busy_share: svc.busy_share,
            lag,
            wired,
            processed: svc.processed,
        }
    }

    /// `OrderPlaced` events the broker has stored.
    pub fn published(&self) -> u64 {
        self.broker.published
    }

    /// Events the broker holds for subscribers and has not handed out: unread, retrying,
    /// or waiting to be redriven.
    pub fn broker_backlog(&self) -> u64 {
        (0..self.broker.subs.len() as u16).map(|i| self.backlog_at_broker(i)).sum()
    }

    /// Events the broker holds for subscriber `i` and has not handed out (0 when it is not
    /// subscribed): its share of [`broker_backlog`](Self::broker_backlog), the stack the stage
    /// draws on its wire.
    pub fn backlog_at_broker(&self, i: u16) -> u64 {
        let Some(s) = self.broker.subs.get(i as usize).filter(|s| s.active) else { return 0 };
        let waiting = s.flights.iter().filter(|f| matches!(f.at, At::Ready | At::Backoff(_)));
        s.unread(&self.broker.topics[s.channel as usize]) + s.redrive.len() as u64 + waiting.count() as u64
    }

    /// The entry topic: partitions, their offsets and the partition key.
    pub fn topic(&self) -> &Topic {
        &self.broker.topics[0]
    }

    /// Every channel: the entry topic, then the chain's, in the scenario's order.
    pub fn topics(&self) -> &[Topic] {
        &self.broker.topics
    }

    /// Follow-up events and commands of type `t` the broker has stored (0 for the entry's
    /// two types, which [`published`](Self::published) and the headline count).
    pub fn stored(&self, t: MessageType) -> u64 {
        if t.is_follow_up() {
            self.broker.stored.get(t.0 as usize).copied().unwrap_or(0)
        } else {
            0
        }
    }

    /// A subscriber's data: its side effect, idempotency store and what duplicates did.
    pub fn consumer(&self, service: u16) -> &Consumer {
        &self.work.consumers[service as usize]
    }

    /// Share of shoppers who cancel just after ordering.
    pub fn cancel_share(&self) -> f64 {
        self.flows.cancel_share
    }

    /// The next order number the shopper will use (to poison "the next order").
    pub fn next_order_id(&self) -> u64 {
        self.flows.next_order
    }
}

/// How a run starts: the part of a run the page's link and the CLI's flags describe.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Setup {
    pub scenario: String,
    pub wiring: Wiring,
    pub seed: u64,
    /// Orders per second; `None` means the scenario's default.
    pub rate: Option<f64>,
    pub faults: Vec<FaultSpec>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup { scenario: "checkout".into(), wiring: Wiring::Event, seed: 1, rate: None, faults: Vec::new() }
    }
}
