//! What a downstream service does once it has handled a message, when its scenario says it
//! does more (`Scenario::chain`): event-driven, it publishes events or sends commands through
//! the broker; request-driven, the same reaction becomes direct calls to the services that
//! would have handled them, which it waits for before it answers its own caller.
//!
//! One reaction, two wirings: the outcome is drawn per service, order and type, so an order
//! takes the same path through the system in both, and only the waiting differs.

use crate::chain::Chain;
use crate::consumer::amount_cents;
use crate::message::{Message, MessageType, MsgKind, Node};
use crate::narration::NoteKind;
use crate::scenario::{CallMode, Wiring};
use crate::sim::{Callee, Ev, Nested, Sim};

impl Sim {
    /// The types service `i` publishes or sends after handling `mtype` for `order`: the
    /// outcome its reaction has for that order (none without a reaction).
    fn follow_ups(&self, i: u16, mtype: MessageType, order: u64) -> Vec<MessageType> {
        let Some(reaction) = self.scenario.chain.reaction(i, mtype) else { return Vec::new() };
        let u = self.flows.rng_outcome.unit([i as u64, order, mtype.0 as u64]);
        Chain::choose(reaction, amount_cents(order), u).map(|o| o.emits.clone()).unwrap_or_default()
    }

    /// Event-driven: service `i` publishes (or sends) each follow-up of its reaction.
    pub(crate) fn emit_follow_ups(&mut self, i: u16, mtype: MessageType, order: u64) {
        for t in self.follow_ups(i, mtype, order) {
            let event = self.flows.next_event;
            self.flows.next_event += 1;
            let publish = Message::new(MsgKind::Publish, Node::Service(i), Node::Broker, order, self.now);
            self.post(Message { event, mtype: t, ..publish });
        }
    }

    /// The broker's answer to a service's follow-up. Its work is done and acknowledged, so
    /// nobody waits for the answer; a refused follow-up waits in the service's buffer and is
    /// published again (the service has no actor to fail to).
    pub(crate) fn follow_up_answered(&mut self, m: Message, i: u16) {
        if m.retry {
            self.flows.outbox_sending -= 1;
        }
        match m.kind {
            MsgKind::PublishNack => {
                if !m.retry {
                    self.note(m.order, NoteKind::FollowUpBuffered { from: i, mtype: m.mtype });
                }
                self.buffer(m);
            }
            _ if m.retry => self.note(m.order, NoteKind::Flushed),
            _ => {}
        }
    }

    /// Service `i` finished a call from `caller`. Request-driven, it first calls whoever
    /// follows its reaction and answers once they all have; event-driven (a synchronous
    /// service), it publishes its follow-ups and answers at once.
    pub(crate) fn call_done(&mut self, i: u16, order: u64, call: u16, mtype: MessageType, caller: Node, ok: bool) {
        if !ok {
            return self.answer_call(i, order, call, caller, false);
        }
        if self.wiring == Wiring::Event {
            self.emit_follow_ups(i, mtype, order);
            return self.answer_call(i, order, call, caller, true);
        }
        let mut targets: Vec<Callee> = Vec::new();
        for t in self.follow_ups(i, mtype, order) {
            let channel = self.scenario.chain.channel_of(t);
            for &j in &self.wired {
                let reads = self.scenario.chain.reads(j) == channel;
                if reads && !targets.iter().any(|c| c.service == j) {
                    targets.push(Callee { service: j, mtype: t });
                }
            }
        }
        if targets.is_empty() {
            return self.answer_call(i, order, call, caller, true);
        }
        let mode = self.call_mode;
        let first: Vec<usize> = match mode {
            CallMode::Sequential => vec![0],
            CallMode::Parallel => (0..targets.len()).collect(),
        };
        let calls: Vec<(usize, Callee)> = first.into_iter().map(|k| (k, targets[k])).collect();
        let called_us = self.now;
        self.flows.nested.insert((i, order), Nested { caller, call, targets, next: 0, answered: 0, mode, called_us });
        for (k, c) in calls {
            self.nested_call(i, order, k as u16, c);
        }
    }

    fn nested_call(&mut self, i: u16, order: u64, call: u16, to: Callee) {
        let m = Message::new(MsgKind::Call, Node::Service(i), Node::Service(to.service), order, self.now);
        self.post(Message { call, mtype: to.mtype, ..m });
        let at = self.now + self.scenario.call_timeout_us;
        self.push(at, Ev::Timeout { order, call, caller: Node::Service(i) });
    }

    fn answer_call(&mut self, i: u16, order: u64, call: u16, caller: Node, ok: bool) {
        let kind = if ok { MsgKind::Reply } else { MsgKind::ErrorReply(None) };
        self.post(Message { call, ..Message::new(kind, Node::Service(i), caller, order, self.now) });
    }

    /// A reply to one of service `i`'s own calls.
    pub(crate) fn nested_reply_arrived(&mut self, m: Message, i: u16) {
        let key = (i, m.order);
        let Some(n) = self.flows.nested.get_mut(&key) else { return }; // late: it gave up already
        let bit = 1u64 << m.call;
        if n.answered & bit != 0 {
            return;
        }
        n.answered |= bit;
        let (caller, call) = (n.caller, n.call);
        if m.kind != MsgKind::Reply {
            self.flows.nested.remove(&key);
            return self.answer_call(i, m.order, call, caller, false);
        }
        let all = (1u64 << n.targets.len()) - 1;
        if n.answered == all {
            self.flows.nested.remove(&key);
            return self.answer_call(i, m.order, call, caller, true);
        }
        if n.mode == CallMode::Sequential {
            n.next += 1;
            n.called_us = self.now;
            let (k, to) = (n.next, n.targets[n.next]);
            self.nested_call(i, m.order, k as u16, to);
        }
    }

    /// One of service `i`'s own calls waited too long: it fails its caller's call.
    pub(crate) fn nested_timed_out(&mut self, i: u16, order: u64, call: u16) {
        let key = (i, order);
        let Some(n) = self.flows.nested.get(&key) else { return };
        if n.answered & (1u64 << call) == 0 {
            let (caller, up) = (n.caller, n.call);
            self.flows.nested.remove(&key);
            self.answer_call(i, order, up, caller, false);
        }
    }
}
