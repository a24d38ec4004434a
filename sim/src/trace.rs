//! An order's trace, built from the tracer's hops when someone asks for it. Spans follow the
//! OpenTelemetry conventions: the shopper's request (CLIENT) and the entry service's handling
//! of it (SERVER); each call as a CLIENT span at the caller and a SERVER span at the callee;
//! each publish as a PRODUCER span; each delivery's processing as a CONSUMER span whose
//! parent is the publish that put the event in the broker (retries and redeliveries are spans
//! of their own, with their attempt number); a dead letter as a span at the broker; saga
//! messages as PRODUCER and CONSUMER spans; the outbox relay's publish under the request that
//! committed the row (the row keeps the context).
//!
//! A consumer that drops the context starts a new trace for that piece of work; with links on,
//! the new trace's first span links back to the producer. Every span without a parent says
//! why ([`RootCause`]).

use crate::message::{MessageType, MsgKind, Node};
use crate::otlp::{Span, SpanKind, SpanLink, SpanStatus};
use crate::scenario::Scenario;
use crate::service::Job;
use crate::subscription::FailureKind;
use crate::time::Micros;
use crate::tracecontext::{SpanId, TraceId, TraceParent};
use crate::tracer::{Context, Hop, Outcome};

/// Orders worth opening in the trace view (`None`: there is none such yet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TracePicks {
    pub latest: Option<u64>,
    pub slowest: Option<u64>,
    pub failed: Option<u64>,
    pub with_retries: Option<u64>,
}

/// Why a span has no parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootCause {
    /// The shopper's request: where the order's trace begins.
    Entry,
    /// A consumer dropped the context: its work began a trace of its own.
    ContextDropped,
    /// A consumer began a trace of its own but linked it to the producer's context.
    ContextLinked,
    /// The producer's span fell out of what the tracer keeps.
    Forgotten,
}

/// Why a span ended in error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanError {
    /// The work failed (an injected error, a poison event, an unreadable version).
    Failed(FailureKind),
    /// The callee or the broker said no: down, busy, or refused.
    Refused,
    /// No answer within the caller's timeout.
    TimedOut,
    /// The service crashed with the work in hand.
    Crashed,
    /// The broker gave up and parked the event.
    DeadLettered,
    /// The shopper was told the checkout failed.
    Rejected,
}

impl SpanError {
    /// The OTLP `error.type` attribute's value, which the page and the command line show too.
    pub fn key(self) -> &'static str {
        match self {
            SpanError::Failed(FailureKind::Error) => "error",
            SpanError::Failed(FailureKind::Poison) => "poison",
            SpanError::Failed(FailureKind::Unreadable) => "unreadable",
            SpanError::Refused => "refused",
            SpanError::TimedOut => "timeout",
            SpanError::Crashed => "crashed",
            SpanError::DeadLettered => "dead-lettered",
            SpanError::Rejected => "rejected",
        }
    }
}

/// A span and what the page needs to draw it.
#[derive(Clone, Debug, PartialEq)]
pub struct TracedSpan {
    pub span: Span,
    /// Where the work was done.
    pub node: Node,
    /// Of its time, how long the work waited in the service's queue before it began.
    pub queued_us: Micros,
    /// 1 for a first try; a retry, a redelivery or a republish counts up.
    pub attempt: u32,
    /// Not ended yet: its end is the moment the trace was built.
    pub open: bool,
    /// Set on spans without a parent.
    pub root: Option<RootCause>,
    pub error: Option<SpanError>,
    /// On the critical path of its trace's root.
    pub critical: bool,
}

impl TracedSpan {
    pub fn duration_us(&self) -> Micros {
        self.span.end_us - self.span.start_us
    }
    /// The context this span's messages carry on.
    pub fn context(&self) -> TraceParent {
        TraceParent { trace: self.span.trace, parent: self.span.id, sampled: true }
    }
}

/// Every span of one order, across every trace its work ended up in.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderTrace {
    pub order: u64,
    pub spans: Vec<TracedSpan>,
    /// Its first hops were let go: older than what the tracer keeps.
    pub forgotten: bool,
}

impl OrderTrace {
    /// The traces the order's spans are in, the order's own first.
    pub fn traces(&self) -> Vec<TraceId> {
        let mut out: Vec<TraceId> = Vec::new();
        for s in &self.spans {
            if !out.contains(&s.span.trace) {
                out.push(s.span.trace);
            }
        }
        out
    }

    /// The spans of one trace.
    pub fn of_trace(&self, trace: TraceId) -> impl Iterator<Item = &TracedSpan> {
        self.spans.iter().filter(move |s| s.span.trace == trace)
    }

    /// The shopper's request span, if the order's start is still kept.
    pub fn request(&self) -> Option<&TracedSpan> {
        self.spans.iter().find(|s| s.root == Some(RootCause::Entry))
    }

    /// The response time the shopper saw, once answered.
    pub fn response_us(&self) -> Option<Micros> {
        self.request().filter(|s| !s.open).map(TracedSpan::duration_us)
    }

    /// Places where the context was lost: spans that began a trace of their own.
    pub fn splits(&self) -> impl Iterator<Item = &TracedSpan> {
        self.spans.iter().filter(|s| matches!(s.root, Some(RootCause::ContextDropped | RootCause::ContextLinked)))
    }

    pub fn index_of(&self, id: SpanId) -> Option<usize> {
        self.spans.iter().position(|s| s.span.id == id)
    }

    /// Retries, redeliveries and republishes.
    pub fn retries(&self) -> usize {
        self.spans.iter().filter(|s| s.attempt > 1).count()
    }

    pub fn failed(&self) -> bool {
        self.request().is_some_and(|s| s.error.is_some())
    }

    /// The OpenTelemetry spans alone, for export.
    pub fn otel_spans(&self) -> Vec<Span> {
        self.spans.iter().map(|s| s.span.clone()).collect()
    }

    /// Marks the critical path of every root: from its end backwards, the child that ended
    /// last before the cursor, then that child's own path, then the cursor moves to the
    /// child's start (the algorithm Jaeger draws). Work the root did not wait for (a
    /// consumer after the shopper's answer) ends after the root, so it is never on the path.
    fn mark_critical_paths(&mut self) {
        let roots: Vec<usize> = (0..self.spans.len()).filter(|&i| self.spans[i].span.parent.is_none()).collect();
        for r in roots {
            self.spans[r].critical = true;
            self.walk(r);
        }
    }

    fn walk(&mut self, i: usize) {
        let (id, start, end) = (self.spans[i].span.id, self.spans[i].span.start_us, self.spans[i].span.end_us);
        let mut kids: Vec<usize> = (0..self.spans.len())
            .filter(|&k| self.spans[k].span.parent == Some(id) && self.spans[k].span.end_us <= end)
            .collect();
        kids.sort_by_key(|&k| std::cmp::Reverse((self.spans[k].span.end_us, k)));
        let mut cursor = end;
        for k in kids {
            let (ks, ke) = (self.spans[k].span.start_us, self.spans[k].span.end_us);
            if ke <= cursor && ke >= start {
                self.spans[k].critical = true;
                self.walk(k);
                cursor = ks;
            }
        }
    }
}

/// A call in progress: its client span, and its server span once the callee has it.
struct OpenCall {
    caller: Node,
    callee: u16,
    call: u16,
    client: usize,
    server: usize,
}

struct Builder<'a> {
    scenario: &'a Scenario,
    seed: u64,
    order: u64,
    spans: Vec<TracedSpan>,
    /// The hop being read: span ids and split traces are keyed by it.
    hop: u64,
    /// Spans opened on this hop so far.
    in_hop: u64,
    checkout: Option<usize>,
    entry_server: Option<usize>,
    calls: Vec<OpenCall>,
    /// Producer spans: (publisher, event id, span).
    publishes: Vec<(Node, u64, usize, MessageType)>,
    /// Consumer spans: (service, event id, delivery tag, span, type).
    deliveries: Vec<(u16, u64, u32, usize, MessageType)>,
    /// Saga messages sent to the broker: (type, span).
    saga_sent: Vec<(MessageType, usize)>,
    /// Saga messages being handled: (node, type, span).
    saga_handled: Vec<(Node, MessageType, usize)>,
    saves: Vec<usize>,
    /// Server spans of calls refused at the door.
    refused: Vec<usize>,
}

/// Builds `order`'s trace from its hops, as of `now`.
pub fn build(scenario: &Scenario, seed: u64, order: u64, hops: &[Hop], now: Micros, forgotten: bool) -> OrderTrace {
    let mut b = Builder {
        scenario,
        seed,
        order,
        spans: Vec::new(),
        hop: 0,
        in_hop: 0,
        checkout: None,
        entry_server: None,
        calls: Vec::new(),
        publishes: Vec::new(),
        deliveries: Vec::new(),
        saga_sent: Vec::new(),
        saga_handled: Vec::new(),
        saves: Vec::new(),
        refused: Vec::new(),
    };
    for (n, hop) in hops.iter().enumerate() {
        b.hop = n as u64;
        b.in_hop = 0;
        b.read(hop);
    }
    // A call nobody answered in time timed out at its caller.
    for k in 0..b.calls.len() {
        let client = b.calls[k].client;
        let timeout = b.spans[client].span.start_us + scenario.call_timeout_us;
        if timeout <= now {
            b.close(client, timeout, Some(SpanError::TimedOut));
        }
    }
    // A call refused at the door (the callee down or full) has no server span: nobody served it.
    let refused: Vec<SpanId> =
        b.calls.iter().filter(|c| b.refused.contains(&c.server)).map(|c| b.spans[c.server].span.id).collect();
    let mut spans = b.spans;
    spans.retain(|s| !refused.contains(&s.span.id));
    for s in spans.iter_mut().filter(|s| s.open) {
        s.span.end_us = now.max(s.span.start_us);
    }
    let mut t = OrderTrace { order, spans, forgotten };
    t.mark_critical_paths();
    t
}

/// A span's OTLP status from its error.
fn status(error: Option<SpanError>) -> SpanStatus {
    if error.is_some() {
        SpanStatus::Error
    } else {
        SpanStatus::Unset
    }
}

impl Builder<'_> {
    fn service_name(&self, node: Node) -> String {
        match node {
            Node::Shopper => "shopper".into(),
            Node::Orders => self.scenario.order_service.key.clone(),
            Node::Broker => "broker".into(),
            Node::Relay => format!("{}-relay", self.scenario.order_service.key),
            Node::Service(i) => self.scenario.catalog[i as usize].key.clone(),
        }
    }

    /// Opens a span under `parent` (or as a root for `cause`), in the parent's trace.
    fn open(&mut self, node: Node, kind: SpanKind, name: String, start_us: Micros, parent: Parent) -> usize {
        // At most three spans open on one hop (a call's client and server, say).
        let id = SpanId::of(self.seed, self.order, self.hop * 8 + self.in_hop);
        self.in_hop += 1;
        let (trace, parent_id, root, links) = match parent {
            Parent::Span(p) => (self.spans[p].span.trace, Some(self.spans[p].span.id), None, Vec::new()),
            Parent::Root(cause) => {
                let trace = match cause {
                    RootCause::Entry => TraceId::of(self.seed, self.order),
                    _ => TraceId::split(self.seed, self.order, self.hop),
                };
                (trace, None, Some(cause), Vec::new())
            }
            Parent::Linked(p) => {
                let link = SpanLink { trace: self.spans[p].span.trace, span: self.spans[p].span.id };
                (TraceId::split(self.seed, self.order, self.hop), None, Some(RootCause::ContextLinked), vec![link])
            }
        };
        let service = self.service_name(node);
        let mut attributes = vec![("fanout.order".to_string(), self.order.to_string())];
        if matches!(kind, SpanKind::Producer | SpanKind::Consumer) {
            attributes.push(("messaging.system".into(), "fanout".into()));
        }
        self.spans.push(TracedSpan {
            span: Span {
                trace,
                id,
                parent: parent_id,
                service,
                name,
                kind,
                start_us,
                end_us: start_us,
                status: SpanStatus::Unset,
                attributes,
                links,
            },
            node,
            queued_us: 0,
            attempt: 1,
            open: true,
            root,
            error: None,
            critical: false,
        });
        self.spans.len() - 1
    }

    fn close(&mut self, i: usize, end_us: Micros, error: Option<SpanError>) {
        let s = &mut self.spans[i];
        if !s.open {
            return;
        }
        s.open = false;
        s.span.end_us = end_us.max(s.span.start_us);
        if error.is_some() {
            s.error = error;
        }
        s.span.status = status(s.error);
        if let Some(e) = s.error {
            s.span.attributes.push(("error.type".into(), e.key().into()));
        }
    }

    fn attr(&mut self, i: usize, key: &str, value: String) {
        self.spans[i].span.attributes.push((key.into(), value));
    }

    /// The span handling the order at `node` at `at_us`: the one that began there last. A
    /// message a service sends carries that span's context. The outbox relay carries the
    /// context the row was committed with: the entry request's.
    fn handling(&self, node: Node, at_us: Micros) -> Option<usize> {
        let found = (0..self.spans.len())
            .filter(|&i| {
                let s = &self.spans[i];
                s.node == node
                    && matches!(s.span.kind, SpanKind::Server | SpanKind::Consumer)
                    && s.span.start_us <= at_us
            })
            .max_by_key(|&i| (self.spans[i].span.start_us, i));
        found.or(self.entry_server).or(self.checkout)
    }

    fn parent_of_send(&self, from: Node, at_us: Micros) -> Parent {
        match self.handling(from, at_us) {
            Some(p) => Parent::Span(p),
            None => Parent::Root(RootCause::Forgotten),
        }
    }

    fn entry_route(&self) -> String {
        format!("/{}", self.scenario.order_service.key)
    }

    fn read(&mut self, hop: &Hop) {
        match *hop {
            Hop::Sent { m, context } => self.sent(m, context),
            Hop::Began { node, job, at_us } => self.began(node, job, at_us),
            Hop::Ended { node, job, at_us, outcome } => self.ended(node, job, at_us, outcome),
            Hop::DeadLettered { service, event, at_us, .. } => {
                let last = self.deliveries.iter().rev().find(|d| d.0 == service && d.1 == event);
                let parent = last.map_or(Parent::Root(RootCause::Forgotten), |d| Parent::Span(d.3));
                let mtype = last.map_or(MessageType::ENTRY, |d| d.4);
                let name = format!("dead-letter {}", self.scenario.type_name(mtype));
                let i = self.open(Node::Broker, SpanKind::Internal, name, at_us, parent);
                self.close(i, at_us, Some(SpanError::DeadLettered));
            }
        }
    }

    fn sent(&mut self, m: crate::message::Message, context: Context) {
        let (sent, due) = (m.sent_us(), m.due_us);
        let type_name = self.scenario.type_name(m.mtype).to_string();
        match (m.kind, m.from, m.to) {
            (MsgKind::PlaceOrder, _, _) => {
                let name = format!("POST {}", self.entry_route());
                let c = self.open(Node::Shopper, SpanKind::Client, name.clone(), sent, Parent::Root(RootCause::Entry));
                let s = self.open(Node::Orders, SpanKind::Server, name, due, Parent::Span(c));
                self.checkout = Some(c);
                self.entry_server = Some(s);
            }
            (MsgKind::Confirm | MsgKind::Reject, _, _) => {
                let error = (m.kind == MsgKind::Reject).then_some(SpanError::Rejected);
                if let Some(s) = self.entry_server {
                    self.close(s, sent, error);
                }
                if let Some(c) = self.checkout {
                    self.close(c, due, error);
                }
            }
            (MsgKind::CancelOrder, _, _) => {
                let name = format!("DELETE {}", self.entry_route());
                let parent = self.checkout.map_or(Parent::Root(RootCause::Forgotten), Parent::Span);
                let c = self.open(Node::Shopper, SpanKind::Client, name.clone(), sent, parent);
                self.close(c, due, None);
                let s = self.open(Node::Orders, SpanKind::Server, name, due, Parent::Span(c));
                self.close(s, due, None);
            }
            (MsgKind::Call, from, Node::Service(i)) => {
                let name = format!("POST /{}", self.scenario.catalog[i as usize].key);
                let parent = self.parent_of_send(from, sent);
                let client = self.open(from, SpanKind::Client, name.clone(), sent, parent);
                let server = self.open(Node::Service(i), SpanKind::Server, name, due, Parent::Span(client));
                self.calls.push(OpenCall { caller: from, callee: i, call: m.call, client, server });
            }
            (MsgKind::Reply | MsgKind::ErrorReply(_), Node::Service(i), to) => {
                let Some(k) = self.calls.iter().rposition(|c| c.caller == to && c.callee == i && c.call == m.call)
                else {
                    return;
                };
                let (client, server) = (self.calls[k].client, self.calls[k].server);
                let timeout = self.spans[client].span.start_us + self.scenario.call_timeout_us;
                let error = match m.kind {
                    MsgKind::ErrorReply(Some(_)) => Some(SpanError::Refused),
                    MsgKind::ErrorReply(None) => Some(SpanError::Failed(FailureKind::Error)),
                    _ => None,
                };
                self.close(server, sent, error);
                if m.refusal().is_some() {
                    self.refused.push(server);
                }
                if due > timeout {
                    self.close(client, timeout, Some(SpanError::TimedOut));
                } else {
                    self.close(client, due, error);
                }
            }
            (MsgKind::Publish, from, Node::Broker) => {
                let parent = self.parent_of_send(from, sent);
                let attempt = 1 + self.publishes.iter().filter(|p| p.1 == m.event).count() as u32;
                let i = self.open(from, SpanKind::Producer, format!("publish {type_name}"), sent, parent);
                self.spans[i].attempt = attempt;
                self.attr(i, "messaging.operation.type", "send".into());
                self.attr(i, "messaging.destination.name", type_name);
                self.attr(i, "messaging.message.id", m.event.to_string());
                self.publishes.push((from, m.event, i, m.mtype));
            }
            (MsgKind::PublishAck | MsgKind::PublishNack, Node::Broker, to) => {
                if let Some(p) = self.publishes.iter().rev().find(|p| p.0 == to && p.1 == m.event).map(|p| p.2) {
                    let error = (m.kind == MsgKind::PublishNack).then_some(SpanError::Refused);
                    self.close(p, due, error);
                }
            }
            (MsgKind::Deliver, Node::Broker, Node::Service(i)) => {
                if m.lost {
                    return;
                }
                // The publish that got the event into the broker: the last one not refused.
                let producer = self
                    .publishes
                    .iter()
                    .rev()
                    .find(|p| p.1 == m.event && self.spans[p.2].error.is_none())
                    .map(|p| p.2);
                let parent = match (producer, context) {
                    (None, _) => Parent::Root(RootCause::Forgotten),
                    (Some(p), Context::Carried) => Parent::Span(p),
                    (Some(_), Context::Dropped) => Parent::Root(RootCause::ContextDropped),
                    (Some(p), Context::Linked) => Parent::Linked(p),
                };
                let attempt = 1 + self.deliveries.iter().filter(|d| d.0 == i && d.1 == m.event).count() as u32;
                let c = self.open(Node::Service(i), SpanKind::Consumer, format!("process {type_name}"), due, parent);
                self.spans[c].attempt = attempt;
                self.attr(c, "messaging.operation.type", "process".into());
                self.attr(c, "messaging.destination.name", type_name);
                self.attr(c, "messaging.message.id", m.event.to_string());
                self.deliveries.push((i, m.event, m.tag, c, m.mtype));
            }
            (MsgKind::Saga, from, Node::Broker) => {
                let parent = self.parent_of_send(from, sent);
                let p = self.open(from, SpanKind::Producer, format!("send {type_name}"), sent, parent);
                self.attr(p, "messaging.operation.type", "send".into());
                self.attr(p, "messaging.destination.name", type_name);
                self.close(p, due, None);
                self.saga_sent.push((m.mtype, p));
            }
            (MsgKind::Saga, Node::Broker, to) => {
                // A saga's own message, or the event that starts it (published as any event).
                let producer = self.saga_sent.iter().rev().find(|s| s.0 == m.mtype).map(|s| s.1).or_else(|| {
                    self.publishes.iter().rev().find(|p| p.3 == m.mtype && self.spans[p.2].error.is_none()).map(|p| p.2)
                });
                let parent = match (producer, context) {
                    (None, _) => Parent::Root(RootCause::Forgotten),
                    (Some(p), Context::Carried) => Parent::Span(p),
                    (Some(_), Context::Dropped) => Parent::Root(RootCause::ContextDropped),
                    (Some(p), Context::Linked) => Parent::Linked(p),
                };
                let c = self.open(to, SpanKind::Consumer, format!("process {type_name}"), due, parent);
                self.attr(c, "messaging.operation.type", "process".into());
                self.saga_handled.push((to, m.mtype, c));
            }
            // Acknowledgements: the consumer span ends with its job.
            _ => {}
        }
    }

    /// The span a job belongs to.
    fn span_of_job(&self, node: Node, job: Job) -> Option<usize> {
        match (node, job) {
            (Node::Orders, Job::Save { .. }) => self.saves.last().copied(),
            (Node::Service(i), Job::Call { call, caller, .. }) => self
                .calls
                .iter()
                .rev()
                .find(|c| c.callee == i && c.call == call as u16 && c.caller == caller)
                .map(|c| c.server),
            (Node::Service(i), Job::Work { delivery, event, .. }) => {
                self.deliveries.iter().rev().find(|d| d.0 == i && d.2 == delivery && d.1 == event).map(|d| d.3)
            }
            (node, Job::Saga { mtype, .. }) => {
                self.saga_handled.iter().rev().find(|s| s.0 == node && s.1 == mtype).map(|s| s.2)
            }
            _ => None,
        }
    }

    fn began(&mut self, node: Node, job: Job, at_us: Micros) {
        if let Job::Save { .. } = job {
            let Some(server) = self.entry_server else { return };
            self.spans[server].queued_us = at_us.saturating_sub(self.spans[server].span.start_us);
            let name = format!("INSERT {}", self.scenario.order_service.key);
            let s = self.open(Node::Orders, SpanKind::Internal, name, at_us, Parent::Span(server));
            self.saves.push(s);
            return;
        }
        if let Some(i) = self.span_of_job(node, job) {
            self.spans[i].queued_us = at_us.saturating_sub(self.spans[i].span.start_us);
        }
    }

    fn ended(&mut self, node: Node, job: Job, at_us: Micros, outcome: Outcome) {
        let Some(i) = self.span_of_job(node, job) else { return };
        let error = match outcome {
            Outcome::Done => None,
            Outcome::Failed(k) => Some(SpanError::Failed(k)),
            Outcome::Crashed => Some(SpanError::Crashed),
        };
        match job {
            // A call's server span ends with its reply, unless the callee crashed.
            Job::Call { .. } if outcome != Outcome::Crashed => {}
            _ => self.close(i, at_us, error),
        }
    }
}

/// Where a new span hangs.
#[derive(Clone, Copy)]
enum Parent {
    Span(usize),
    Root(RootCause),
    /// A new trace that links to this span.
    Linked(usize),
}
