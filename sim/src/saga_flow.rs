//! How a saga runs. The entry event, once the broker has it, starts the saga: orchestrated,
//! the orchestrator sends each step's command and waits for its reply; choreographed, each
//! step's service reacts to the event of the step before. A step that fails (a declined card)
//! or times out starts the compensations of the completed steps, newest first. Every saga
//! message goes through the broker, which holds it for a participant that is down.
//!
//! The core keeps the truth of each saga apart from what any service believes: which steps
//! ran and were undone, and how often, so that the books can be checked.

use crate::message::{Message, MessageType, MsgKind, Node};
use crate::narration::NoteKind;
use crate::saga::{SagaRow, SagaSpec, SagaState, SagaStyle, SagaView, SagaWhat};
use crate::sagas::{Local, Saga};
use crate::service::Job;
use crate::sim::{Ev, Sim};

/// Sagas the view lists, newest last.
pub const SAGAS_SHOWN: usize = 12;

impl Sim {
    fn saga_spec(&self) -> &SagaSpec {
        self.scenario.saga.as_ref().expect("only a system with a saga runs one")
    }

    fn saga_mut(&mut self, order: u64) -> Option<&mut Saga> {
        self.sagas.by_order.get_mut(order)
    }

    /// Participant `k`'s record of its step for `order`.
    fn local(&self, k: usize, order: u64) -> Option<Local> {
        self.sagas.by_order.get(order).and_then(|s| s.local[k])
    }

    fn set_local(&mut self, k: usize, order: u64, l: Local) {
        if let Some(s) = self.saga_mut(order) {
            s.local[k] = Some(l);
        }
    }

    /// Counts something that will still happen to the saga (+1) or has happened (-1).
    fn pending(&mut self, order: u64, delta: i32) {
        if let Some(s) = self.saga_mut(order) {
            s.pending = s.pending.checked_add_signed(delta).expect("saga pending count below zero");
        }
    }

    /// The broker stored the order's entry event: the saga begins.
    pub(crate) fn saga_begin(&mut self, order: u64) {
        let style = self.sagas.style;
        if !self.sagas.by_order.contains(order) {
            self.sagas.by_order.insert(order, Saga::new(style, self.now));
            self.sagas.started += 1;
            if style == SagaStyle::Choreographed && self.sagas.timeouts {
                self.arm_deadline(order);
            }
        }
        // A second copy of the entry event (a relay's) is delivered too: the participants'
        // own records keep it from doing anything twice.
        let style = self.sagas.by_order.get(order).expect("just made").style;
        let to = self.saga_route(style, MessageType::ENTRY);
        self.pending(order, 1);
        self.saga_forward(order, MessageType::ENTRY, to);
    }

    /// The entry service starts watching a choreographed saga.
    fn arm_deadline(&mut self, order: u64) {
        let at = self.now + self.saga_spec().saga_timeout_us;
        self.saga_mut(order).expect("a saga").deadline = true;
        self.pending(order, 1);
        self.push(at, Ev::SagaDeadline { order });
    }

    /// Timeouts switched on: every open choreographed saga gets its deadline from now, the
    /// stuck ones included.
    pub(crate) fn arm_saga_deadlines(&mut self) {
        let open: Vec<u64> = self
            .sagas
            .by_order
            .iter()
            .filter(|(_, s)| s.style == SagaStyle::Choreographed && !s.state.is_final() && !s.deadline)
            .map(|(o, _)| o)
            .collect();
        for order in open {
            self.arm_deadline(order);
        }
    }

    /// Where the broker hands a saga message.
    fn saga_route(&self, style: SagaStyle, t: MessageType) -> Node {
        let spec = self.saga_spec();
        let service = |k: usize| Node::Service(spec.steps[k].service);
        let last = spec.steps.len() - 1;
        if t == MessageType::ENTRY {
            return match style {
                SagaStyle::Orchestrated => Node::Service(spec.orchestrator),
                SagaStyle::Choreographed => service(0),
            };
        }
        if spec.is_abort(t) {
            return service(last);
        }
        let (k, what) = spec.decode(t).expect("a saga type");
        match (style, what) {
            (SagaStyle::Orchestrated, SagaWhat::Run | SagaWhat::Undo) => service(k),
            (SagaStyle::Orchestrated, _) => Node::Service(spec.orchestrator),
            (SagaStyle::Choreographed, SagaWhat::Done) if k < last => service(k + 1),
            (SagaStyle::Choreographed, SagaWhat::Failed | SagaWhat::Undone) if k > 0 => service(k - 1),
            (SagaStyle::Choreographed, _) => Node::Orders,
        }
    }

    /// A service (or the entry service) publishes or sends a saga message to the broker.
    fn saga_send(&mut self, from: Node, order: u64, t: MessageType) {
        self.pending(order, 1);
        let m = Message::new(MsgKind::Saga, from, Node::Broker, order, self.now);
        self.post(Message { mtype: t, ..m });
    }

    pub(crate) fn saga_at_broker(&mut self, m: Message) {
        let Some(style) = self.sagas.by_order.get(m.order).map(|s| s.style) else { return };
        let to = self.saga_route(style, m.mtype);
        // The message moves on: still pending, now on the next wire (or held).
        self.saga_forward(m.order, m.mtype, to);
    }

    /// From the broker to `to`: held while a participant is down; on a faulty wire, perhaps
    /// lost (at most once: nothing sends it again but a timeout).
    fn saga_forward(&mut self, order: u64, t: MessageType, to: Node) {
        let m = Message { mtype: t, ..Message::new(MsgKind::Saga, Node::Broker, to, order, self.now) };
        if let Node::Service(i) = to {
            if self.faults.is_down(&self.scenario.catalog[i as usize].key) || self.faults.broker_down() {
                self.sagas.held.push((i, m));
                return;
            }
            // The entry event comes off the entry topic, delivered at least once: only the
            // saga's own messages can be lost for good.
            let drop = if t == MessageType::ENTRY { 0.0 } else { self.broker.wire[i as usize].drop };
            let nth = self.saga_mut(order).map_or(0, |s| {
                s.forwarded += 1;
                s.forwarded
            });
            let lost = drop > 0.0 && self.sagas.rng.unit([order, t.0 as u64, 0x5a9a_0000 | nth as u64]) < drop;
            return self.post(Message { lost, ..m });
        }
        self.post(m);
    }

    /// A saga message reached a service or the entry service.
    pub(crate) fn saga_arrived(&mut self, m: Message) {
        if m.lost {
            self.note(m.order, NoteKind::SagaMessageLost { mtype: m.mtype, to: m.to });
            return self.pending(m.order, -1);
        }
        match m.to {
            Node::Service(i) => {
                let job = Job::Saga { order: m.order, mtype: m.mtype };
                if !self.enqueue(Node::Service(i), job) {
                    // Its queue is full: the broker keeps it until the service finishes something.
                    self.sagas.held.push((i, m));
                }
            }
            _ => {
                self.pending(m.order, -1);
                self.choreography_ended(m.order, m.mtype);
            }
        }
    }

    /// A participant (or the orchestrator) finished handling a saga message.
    pub(crate) fn saga_job_done(&mut self, i: u16, order: u64, t: MessageType) {
        self.pending(order, -1);
        if i == self.saga_spec().orchestrator {
            self.orchestrate(order, t);
        } else if let Some(k) = self.saga_spec().step_of(i) {
            self.participate(i, k, order, t);
        }
        self.saga_release_one(i);
    }

    // ----- a participant -----

    fn participate(&mut self, i: u16, k: usize, order: u64, t: MessageType) {
        let Some(style) = self.sagas.by_order.get(order).map(|s| s.style) else { return };
        let spec = self.saga_spec();
        let last = spec.steps.len() - 1;
        let what = spec.decode(t);
        let abort = spec.is_abort(t);
        let me = Node::Service(i);
        // Do my step: told to (orchestrated), or the step before me is done (choreographed).
        let run = match (style, what) {
            (SagaStyle::Orchestrated, Some((s, SagaWhat::Run))) => s == k,
            (SagaStyle::Choreographed, None) => t == MessageType::ENTRY && k == 0,
            (SagaStyle::Choreographed, Some((s, SagaWhat::Done))) => s + 1 == k,
            _ => false,
        };
        // Undo my step: told to, or the step after me failed or was undone, or (the last
        // step) the order timed out.
        let undo = match (style, what) {
            (SagaStyle::Orchestrated, Some((s, SagaWhat::Undo))) => s == k,
            (SagaStyle::Choreographed, Some((s, SagaWhat::Failed | SagaWhat::Undone))) => s == k + 1,
            (SagaStyle::Choreographed, None) => abort && k == last,
            _ => false,
        };
        if run {
            let ok = self.do_step(k, order);
            let reply = self.saga_spec().mtype(k, if ok { SagaWhat::Done } else { SagaWhat::Failed });
            self.saga_send(me, order, reply);
        } else if undo {
            if abort && self.local(k, order) == Some(Local::Done) {
                // The last step already happened: too late to abort. It says so again, in
                // case its first word was lost.
                let done = self.saga_spec().mtype(k, SagaWhat::Done);
                return self.saga_send(me, order, done);
            }
            if self.undo_step(k, order) {
                let reply = self.saga_spec().mtype(k, SagaWhat::Undone);
                self.saga_send(me, order, reply);
            } else if style == SagaStyle::Choreographed {
                // Nobody else will ask again: the service retries its own compensation.
                let at = self.now + self.saga_spec().retry_us;
                self.pending(order, 1);
                self.push(at, Ev::SagaRetry { service: i, order, mtype: t });
            }
        }
    }

    /// Runs step `k`'s local transaction for `order`; false if it failed or was refused.
    fn do_step(&mut self, k: usize, order: u64) -> bool {
        let step = &self.saga_spec().steps[k];
        let (service, books) = (step.service, step.books);
        match self.local(k, order) {
            Some(Local::Done) => return true,
            Some(Local::Undone | Local::Cancelled) => {
                self.note(order, NoteKind::SagaStepRefused { step: k as u8 });
                return false;
            }
            None => {}
        }
        let rate = self.faults.error_rate(&self.scenario.catalog[service as usize].key);
        if rate > 0.0 && self.sagas.rng.unit([order, k as u64, 1]) < rate {
            // A failed step stays failed for this order, whatever comes later.
            self.set_local(k, order, Local::Cancelled);
            self.note(order, NoteKind::SagaStepFailed { step: k as u8 });
            return false;
        }
        self.set_local(k, order, Local::Done);
        self.sagas.books[k].done += books.units(order);
        if let Some(s) = self.saga_mut(order) {
            s.steps[k].done += 1;
        }
        true
    }

    /// Runs step `k`'s compensation for `order`; false if it failed after paying out (the
    /// fault), so that it must be tried again.
    fn undo_step(&mut self, k: usize, order: u64) -> bool {
        let step = &self.saga_spec().steps[k];
        let (service, books, compensable) = (step.service, step.books, step.compensable);
        if !matches!(self.local(k, order), Some(Local::Done | Local::Undone)) {
            // Nothing to undo; and a late request to do the step must now be refused.
            self.set_local(k, order, Local::Cancelled);
            return true;
        }
        if !compensable {
            return true;
        }
        // The compensation commits with its record; a service that is not idempotent does
        // not look at the record first, and pays out whenever it is asked to.
        let idempotent = self.broker.subs[service as usize].settings.idempotent;
        if idempotent && self.saga_mut(order).is_some_and(|s| s.recorded[k]) {
            self.note(order, NoteKind::SagaUndoSkipped { step: k as u8 });
            return true;
        }
        self.sagas.books[k].undone += books.units(order);
        self.set_local(k, order, Local::Undone);
        if let Some(s) = self.saga_mut(order) {
            s.recorded[k] = true;
        }
        let attempt = {
            let s = self.saga_mut(order).expect("a saga");
            s.steps[k].undone += 1;
            let twice = s.steps[k].undone == 2;
            let a = s.undo_attempts[k];
            s.undo_attempts[k] = a.saturating_add(1);
            if twice {
                self.sagas.paid_twice += 1;
            }
            a
        };
        self.note(order, NoteKind::SagaUndone { step: k as u8, again: attempt > 0 && !idempotent });
        // The compensation's fault strikes once, after it paid out and before it answered.
        let share = self.faults.compensation_fails(&self.scenario.catalog[service as usize].key);
        if attempt == 0 && share > 0.0 && self.sagas.rng.unit([order, k as u64, 2]) < share {
            self.note(order, NoteKind::SagaUndoFailed { step: k as u8 });
            return false;
        }
        true
    }

    /// A choreographed saga's last event reached the entry service.
    fn choreography_ended(&mut self, order: u64, t: MessageType) {
        let last = self.saga_spec().steps.len() - 1;
        match self.saga_spec().decode(t) {
            Some((k, SagaWhat::Done)) if k == last => self.saga_end(order, SagaState::Completed),
            Some((0, SagaWhat::Failed | SagaWhat::Undone)) => self.saga_end(order, SagaState::Compensated),
            _ => {}
        }
    }

    // ----- the orchestrator -----

    fn orchestrate(&mut self, order: u64, t: MessageType) {
        let n = self.saga_spec().steps.len();
        let Some(s) = self.sagas.by_order.get(order) else { return };
        if s.state.is_final() {
            return;
        }
        let waiting = s.waiting;
        if t == MessageType::ENTRY {
            if waiting.is_none() && s.state == SagaState::Running {
                self.orchestrator_sends(order, 0, SagaWhat::Run);
            }
            return;
        }
        let Some((k, what)) = self.saga_spec().decode(t) else { return };
        match (what, waiting) {
            (SagaWhat::Done, Some((w, SagaWhat::Run))) if w == k => {
                let s = self.saga_mut(order).expect("a saga");
                s.known_done[k] = true;
                if k + 1 < n {
                    self.orchestrator_sends(order, k + 1, SagaWhat::Run);
                } else {
                    self.saga_end(order, SagaState::Completed);
                }
            }
            (SagaWhat::Failed, Some((w, SagaWhat::Run))) if w == k => self.start_compensating(order, None),
            (SagaWhat::Undone, Some((w, SagaWhat::Undo))) if w == k => {
                self.saga_mut(order).expect("a saga").owed.pop();
                self.next_compensation(order);
            }
            // A late answer to something the orchestrator stopped waiting for.
            _ => {}
        }
    }

    /// The orchestrator sends step `k`'s command and waits for the answer, for so long.
    fn orchestrator_sends(&mut self, order: u64, k: usize, what: SagaWhat) {
        let (orch, t, timeout) = {
            let spec = self.saga_spec();
            (spec.orchestrator, spec.mtype(k, what), spec.step_timeout_us)
        };
        let s = self.saga_mut(order).expect("a saga");
        s.waiting = Some((k, what));
        s.timer = s.timer.wrapping_add(1);
        let generation = s.timer;
        self.saga_send(Node::Service(orch), order, t);
        self.pending(order, 1);
        self.push(self.now + timeout, Ev::SagaTimeout { order, generation });
    }

    /// A step failed (or, `timed_out`, never answered): compensate the completed steps, the
    /// newest first. A step that timed out may have run after all, so it is compensated too.
    fn start_compensating(&mut self, order: u64, timed_out: Option<usize>) {
        let spec = self.saga_spec();
        let compensable: Vec<bool> = spec.steps.iter().map(|s| s.compensable).collect();
        let s = self.saga_mut(order).expect("a saga");
        s.state = SagaState::Compensating;
        let mut owed: Vec<u8> = (0..compensable.len())
            .filter(|&k| compensable[k] && (s.known_done[k] || timed_out == Some(k)))
            .map(|k| k as u8)
            .collect();
        // A stack: the next compensation is the last entry, the newest step.
        owed.sort_unstable();
        s.owed = owed;
        self.note(
            order,
            NoteKind::SagaCompensating { owed: self.sagas.by_order.get(order).expect("a saga").owed.len() as u8 },
        );
        self.next_compensation(order);
    }

    fn next_compensation(&mut self, order: u64) {
        match self.sagas.by_order.get(order).expect("a saga").owed.last().copied() {
            Some(k) => self.orchestrator_sends(order, k as usize, SagaWhat::Undo),
            None => self.saga_end(order, SagaState::Compensated),
        }
    }

    /// The orchestrator's wait is over.
    pub(crate) fn saga_timeout_fired(&mut self, order: u64, generation: u32) {
        self.pending(order, -1);
        let Some(s) = self.sagas.by_order.get(order) else { return };
        if s.timer != generation || s.state.is_final() {
            return;
        }
        let orchestrator = &self.scenario.catalog[self.saga_spec().orchestrator as usize].key;
        if self.faults.is_down(orchestrator) {
            // Its timers wait with it: it acts on them once it is back.
            let at = self.now + self.saga_spec().step_timeout_us;
            self.pending(order, 1);
            return self.push(at, Ev::SagaTimeout { order, generation });
        }
        match s.waiting {
            // A step with no compensation comes after every step that can fail for good: it
            // is asked again rather than given up on (it does its work only once).
            Some((k, SagaWhat::Run)) if !self.saga_spec().steps[k].compensable => {
                self.orchestrator_sends(order, k, SagaWhat::Run)
            }
            Some((k, SagaWhat::Run)) => {
                self.note(order, NoteKind::SagaStepTimedOut { step: k as u8 });
                self.start_compensating(order, Some(k));
            }
            // A compensation not confirmed in time: ask again.
            Some((k, SagaWhat::Undo)) => self.orchestrator_sends(order, k, SagaWhat::Undo),
            _ => {}
        }
    }

    // ----- timeouts and retries of the choreography -----

    /// A choreographed saga's deadline: if it is still going forward, the entry service
    /// announces the order timed out, and the steps undo themselves from the last back.
    /// It is announced again each time the deadline comes round until the saga ends, since
    /// an event of the compensations can be lost too.
    pub(crate) fn saga_deadline(&mut self, order: u64) {
        self.pending(order, -1);
        let timeouts = self.sagas.timeouts;
        let Some(s) = self.saga_mut(order) else { return };
        if s.state.is_final() {
            return;
        }
        if !timeouts {
            // Switched off meanwhile: nobody watches this saga any more.
            s.deadline = false;
            return;
        }
        s.state = SagaState::Compensating;
        self.note(order, NoteKind::SagaTimedOut);
        let abort = self.saga_spec().abort_type();
        self.saga_send(Node::Orders, order, abort);
        let at = self.now + self.saga_spec().saga_timeout_us;
        self.pending(order, 1);
        self.push(at, Ev::SagaDeadline { order });
    }

    /// A participant tries its failed compensation again.
    pub(crate) fn saga_retry(&mut self, service: u16, order: u64, t: MessageType) {
        // The timer's pending unit becomes the job's (or the held message's).
        let down = self.faults.is_down(&self.scenario.catalog[service as usize].key);
        if down || !self.enqueue(Node::Service(service), Job::Saga { order, mtype: t }) {
            let m = Message {
                mtype: t,
                ..Message::new(MsgKind::Saga, Node::Broker, Node::Service(service), order, self.now)
            };
            self.sagas.held.push((service, m));
        }
    }

    // ----- held messages -----

    /// Hands on what the broker held for participant `i`, now that it is back.
    pub(crate) fn saga_release(&mut self, i: u16) {
        let (mine, rest): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.sagas.held).into_iter().partition(|(s, _)| *s == i);
        self.sagas.held = rest;
        for (_, m) in mine {
            self.saga_forward(m.order, m.mtype, m.to);
        }
    }

    /// One held message for `i`, now that it has room.
    fn saga_release_one(&mut self, i: u16) {
        if self.faults.is_down(&self.scenario.catalog[i as usize].key) {
            return;
        }
        if let Some(k) = self.sagas.held.iter().position(|(s, _)| *s == i) {
            let (_, m) = self.sagas.held.remove(k);
            self.saga_forward(m.order, m.mtype, m.to);
        }
    }

    /// A participant crashed with saga work in hand: unacknowledged, it goes back to the
    /// broker, which hands it out again when the participant is back.
    pub(crate) fn saga_work_returned(&mut self, i: u16, order: u64, t: MessageType) {
        let m = Message { mtype: t, ..Message::new(MsgKind::Saga, Node::Broker, Node::Service(i), order, self.now) };
        self.sagas.held.push((i, m));
    }

    fn saga_end(&mut self, order: u64, state: SagaState) {
        let now = self.now;
        let s = self.saga_mut(order).expect("a saga");
        if s.state.is_final() {
            return;
        }
        s.state = state;
        s.ended_us = Some(now);
        s.waiting = None;
        match state {
            SagaState::Completed => self.sagas.completed += 1,
            _ => self.sagas.compensated += 1,
        }
        self.note(order, NoteKind::SagaEnded { completed: state == SagaState::Completed });
    }

    // ----- what the page sees -----

    pub fn saga_style(&self) -> SagaStyle {
        self.sagas.style
    }

    /// The sagas' counts, books and latest rows; `None` for a system with no saga.
    pub fn sagas(&self) -> Option<SagaView> {
        let spec = self.scenario.saga.as_ref()?;
        let n = spec.steps.len();
        let row = |(order, s): (u64, &Saga)| {
            let stuck = !s.state.is_final() && s.pending == 0;
            let owed = match s.style {
                SagaStyle::Orchestrated => s.owed.iter().rev().map(|&k| k as usize).collect(),
                SagaStyle::Choreographed if s.state == SagaState::Compensating || stuck => {
                    (0..n).rev().filter(|&k| spec.steps[k].compensable && s.steps[k].done > s.steps[k].undone).collect()
                }
                SagaStyle::Choreographed => Vec::new(),
            };
            SagaRow {
                order,
                style: s.style,
                state: s.state,
                stuck,
                steps: s.steps[..n].to_vec(),
                owed,
                started_us: s.started_us,
                ended_us: s.ended_us,
            }
        };
        let (mut running, mut orchestrating, mut stuck) = (0, 0, 0);
        for s in self.sagas.by_order.values().filter(|s| !s.state.is_final()) {
            if s.pending == 0 {
                stuck += 1;
            } else {
                running += 1;
                orchestrating += (s.style == SagaStyle::Orchestrated) as u64;
            }
        }
        Some(SagaView {
            style: self.sagas.style,
            timeouts: self.sagas.timeouts,
            started: self.sagas.started,
            completed: self.sagas.completed,
            compensated: self.sagas.compensated,
            running,
            orchestrating,
            stuck,
            paid_twice: self.sagas.paid_twice,
            books: self.sagas.books[..n].to_vec(),
            stuck_rows: self
                .sagas
                .by_order
                .iter()
                .filter(|(_, s)| !s.state.is_final() && s.pending == 0)
                .take(SAGAS_SHOWN)
                .map(row)
                .collect(),
            recent: {
                let mut latest: Vec<SagaRow> = self.sagas.by_order.iter().rev().take(SAGAS_SHOWN).map(row).collect();
                latest.reverse();
                latest
            },
        })
    }
}
