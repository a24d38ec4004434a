//! The engine's side of tracing: what it records as messages leave and jobs end, the one
//! setting (span links) and the views that build an order's trace.

use crate::message::{Message, MsgKind, Node};
use crate::narration::{NoteKind, SettingNote};
use crate::service::Job;
use crate::sim::Sim;
use crate::trace::{build, OrderTrace, TracePicks};

use crate::tracer::{Context, Hop, Outcome};

impl Sim {
    /// Records a message as it leaves, with what its receiver does with its context.
    /// Acknowledgements are not kept: a consumer's span ends with its job, so they would only
    /// cost the run time.
    pub(crate) fn trace_sent(&mut self, m: Message) {
        if matches!(m.kind, MsgKind::Ack | MsgKind::Nack) {
            return;
        }
        let context = match (m.kind, m.from, m.to) {
            (MsgKind::Deliver | MsgKind::Saga, Node::Broker, Node::Service(i))
                if self.faults.any_drop_context()
                    && self.faults.drops_context(&self.scenario.catalog[i as usize].key) =>
            {
                if self.tracer.links {
                    Context::Linked
                } else {
                    Context::Dropped
                }
            }
            _ => Context::Carried,
        };
        self.tracer.push(Hop::Sent { m, context });
    }

    /// Records the jobs a crash took from `node`.
    pub(crate) fn trace_crashed(&mut self, node: Node, jobs: &[Job]) {
        if !self.tracer.on {
            return;
        }
        let at_us = self.now;
        for &job in jobs {
            self.tracer.push(Hop::Ended { node, job, at_us, outcome: Outcome::Crashed });
        }
    }

    /// Whether a consumer that drops the context still links its new trace to the producer.
    pub(crate) fn set_trace_links(&mut self, on: bool) {
        if on != self.tracer.links {
            self.tracer.links = on;
            self.note(0, NoteKind::SettingChanged { service: None, setting: SettingNote::TraceLinks(on) });
        }
    }

    pub fn trace_links(&self) -> bool {
        self.tracer.links
    }

    /// Turns recording on or off (on by default). Off, a run is a little faster and has no
    /// traces; the run itself is the same either way.
    pub fn set_tracing(&mut self, on: bool) {
        self.tracer.on = on;
    }

    pub fn tracing(&self) -> bool {
        self.tracer.on
    }

    /// How many hops the tracer keeps now (for reports and benchmarks).
    pub fn traced_hops(&self) -> usize {
        self.tracer.kept()
    }

    /// Orders worth opening: the latest answered, the slowest, the latest failed and the
    /// latest with a retry, redelivery or republish, among those answered lately and still
    /// kept by the tracer.
    pub fn trace_picks(&self) -> TracePicks {
        let kept = |o: u64| !self.tracer.forgotten(o) && self.tracer.sampled(o);
        let samples: Vec<_> = self.flows.samples.iter().filter(|s| kept(s.order)).collect();
        TracePicks {
            latest: samples.iter().rev().find(|s| s.ok).map(|s| s.order),
            slowest: samples.iter().max_by_key(|s| (s.latency_us, std::cmp::Reverse(s.order))).map(|s| s.order),
            failed: samples.iter().rev().find(|s| !s.ok).map(|s| s.order),
            with_retries: self.tracer.latest_with_retry(),
        }
    }

    /// Whether `order` was traced: above 200 orders per second the tracer keeps one order in
    /// so many (head sampling).
    pub fn trace_sampled(&self, order: u64) -> bool {
        self.tracer.sampled(order)
    }

    /// One order in how many is traced now (1: all of them).
    pub fn trace_sampling(&self) -> u64 {
        self.tracer.sampling.last().map_or(1, |s| s.every)
    }

    /// The newest traced order whose work reached `node`: what "trace its latest order" on the
    /// stage opens.
    pub fn latest_traced_at(&self, node: Node) -> Option<u64> {
        self.tracer.latest_at(node)
    }

    /// Traces every order whatever the rate (to measure what tracing costs in full).
    pub fn trace_every_order(&mut self, on: bool) {
        self.tracer.every_order = on;
    }

    /// Event-driven, the subscribers of the entry event that have no span in `trace` yet: their
    /// copy of the event still waits in the broker (the subscriber is down, or behind), so the
    /// order's trace stops at the publish for them. Empty request-driven, where the shopper's
    /// answer waits for everyone.
    pub fn not_yet_reached(&self, trace: &OrderTrace) -> Vec<u16> {
        if self.wiring != crate::Wiring::Event || trace.request().is_none_or(|r| r.open) {
            return Vec::new();
        }
        let in_saga = |i: u16| self.scenario.saga.as_ref().is_some_and(|g| g.takes_part(i));
        self.wired
            .iter()
            .copied()
            .filter(|&i| self.reacts_to_entry(i) && !self.is_sync(i) && !in_saga(i))
            .filter(|&i| !trace.spans.iter().any(|s| s.node == Node::Service(i)))
            .collect()
    }

    /// `order`'s trace as of now: every span of its work, in every trace it reached.
    pub fn trace_of(&self, order: u64) -> OrderTrace {
        let hops = self.tracer.hops_of(order);
        build(&self.scenario, self.seed, order, &hops, self.now, self.tracer.forgotten(order))
    }
}
