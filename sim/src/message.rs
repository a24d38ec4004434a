//! Messages on the wires. Each records when it was sent and when it arrives, so a renderer
//! can place it by interpolation alone.

use crate::time::Micros;

/// A message type that travels through the broker, by its place in the scenario: 0 is the
/// event the entry service publishes (`OrderPlaced`), 1 the event that undoes it
/// (`OrderCancelled`), and from 2 the types a scenario's reactions publish or send
/// (`Scenario::chain`). Messages of other kinds (calls, answers, acknowledgements) carry 0,
/// except a call, which carries the type its callee handles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct MessageType(pub u8);

impl MessageType {
    pub const ENTRY: MessageType = MessageType(0);
    pub const CANCEL: MessageType = MessageType(1);
    /// The first type a reaction publishes or sends.
    pub const FIRST_FOLLOW_UP: u8 = 2;

    /// Whether it is a type a reaction publishes or sends, beyond the entry's two.
    pub fn is_follow_up(self) -> bool {
        self.0 >= Self::FIRST_FOLLOW_UP
    }
}

/// A place on the stage a message can travel between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Shopper,
    /// The Order Service.
    Orders,
    Broker,
    /// A downstream service, by its index in the scenario's catalog.
    Service(u16),
    /// The entry service's outbox relay: it reads the outbox table and publishes its rows.
    Relay,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgKind {
    /// Shopper to Order Service: "buy".
    PlaceOrder,
    /// Order Service to shopper: the checkout succeeded.
    Confirm,
    /// Order Service to shopper: the checkout failed.
    Reject,
    /// Order Service to a service, request-driven: "do your part and tell me".
    Call,
    /// A service's answer to a call: done.
    Reply,
    /// A service's answer to a call: failed (`None`), or refused because it is down or its
    /// queue is full. The reason rides in the kind, so that a message stays 56 bytes.
    ErrorReply(Option<Refusal>),
    /// Order Service to broker: one `OrderPlaced` event.
    Publish,
    /// Broker to Order Service: stored.
    PublishAck,
    /// Broker to Order Service: refused (the broker is down).
    PublishNack,
    /// Broker to a subscriber: a copy of the event.
    Deliver,
    /// Subscriber to broker: processed.
    Ack,
    /// Subscriber to broker: failed; deliver it again later.
    Nack,
    /// A saga's command or event (its type in `mtype`), between a service and the broker, or
    /// from the broker to the service that handles it.
    Saga,
    /// Shopper to Order Service: "cancel my order".
    CancelOrder,
}

impl MsgKind {
    /// The kind's number in the trace hash: its place in the list above, as it always was.
    pub(crate) fn code(self) -> u64 {
        match self {
            MsgKind::PlaceOrder => 0,
            MsgKind::Confirm => 1,
            MsgKind::Reject => 2,
            MsgKind::Call => 3,
            MsgKind::Reply => 4,
            MsgKind::ErrorReply(_) => 5,
            MsgKind::Publish => 6,
            MsgKind::PublishAck => 7,
            MsgKind::PublishNack => 8,
            MsgKind::Deliver => 9,
            MsgKind::Ack => 10,
            MsgKind::Nack => 11,
            MsgKind::CancelOrder => 12,
            MsgKind::Saga => 13,
        }
    }
    /// The request-driven family (calls and replies) versus the event-driven family.
    pub fn is_request_style(self) -> bool {
        matches!(self, MsgKind::Call | MsgKind::Reply | MsgKind::ErrorReply(_))
    }
    pub fn is_failure(self) -> bool {
        matches!(self, MsgKind::Reject | MsgKind::ErrorReply(_) | MsgKind::PublishNack | MsgKind::Nack)
    }
}

/// Why a service answered a call with an error without trying to do the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The service is down: the connection was refused.
    Down,
    /// The service's queue was full.
    Busy,
}

/// One message on a wire. What it carries besides its route depends on its kind; a field
/// that does not apply to the kind is 0 (or false, or `None`).
///
/// Kept `Copy` and at 56 bytes, as small as the packed message it replaced: the slab of
/// messages in flight is the hot path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Message {
    pub kind: MsgKind,
    pub from: Node,
    pub to: Node,
    pub order: u64,
    /// Event ID: publishes and their answers, deliveries and acknowledgements.
    pub event: u64,
    /// Call index: calls and their replies (below 64: the Order Service's calls of one order).
    pub call: u16,
    /// Confirmations and rejections: how many messages the Order Service sent for the order.
    pub outgoing: u16,
    /// A publish (or its answer) sent again from the Order Service's buffer, rather than a
    /// first attempt.
    pub retry: bool,
    /// The message vanishes on its wire (an injected drop or lost acknowledgement). It still
    /// travels, so the stage can show it fading; its arrival changes nothing.
    pub lost: bool,
    /// The type of the event or command it carries (publishes, their answers, deliveries;
    /// the type a call asks its callee to handle): [`MessageType::CANCEL`] for an
    /// `OrderCancelled`.
    pub mtype: MessageType,
    /// When the work this message belongs to began (order placed, event published).
    pub origin_us: Micros,
    /// How long its wire takes: it was sent at `due_us - hop_us` ([`Message::sent_us`]).
    pub hop_us: u32,
    pub due_us: Micros,
    /// Delivery ID for deliveries and their acknowledgements; 0 otherwise.
    pub tag: u32,
}

impl Message {
    /// A message with nothing but its route, order and origin; set what its kind carries
    /// with struct update syntax (`Message { event, ..Message::new(..) }`). The times on
    /// the wire are set when it is sent.
    pub fn new(kind: MsgKind, from: Node, to: Node, order: u64, origin_us: Micros) -> Message {
        Message {
            kind,
            from,
            to,
            order,
            event: 0,
            call: 0,
            outgoing: 0,
            retry: false,
            lost: false,
            mtype: MessageType::ENTRY,
            origin_us,
            hop_us: 0,
            due_us: 0,
            tag: 0,
        }
    }

    /// The two words the trace hash folds for an arriving message: its route, then what it
    /// carries.
    ///
    /// This reproduces, from the typed fields, the historical packing of a message into an
    /// `aux` word (call index or event ID in the low bits, a refusal reason at bit 32, the
    /// retry bit at bit 63) and a flags byte (1 lost, 2 cancellation), so that saved runs and
    /// pinned trace hashes keep their hashes. Change it and every trace hash changes.
    pub fn hash_words(&self) -> [u64; 2] {
        // A follow-up type (from 2; the built-in systems have none) counts too, at bits 48 up.
        let follow_up = if self.mtype.is_follow_up() { (self.mtype.0 as u64) << 48 } else { 0 };
        let carried = self.order
            ^ (self.aux_word() << 40)
            ^ ((self.tag as u64) << 24)
            ^ ((self.flag_bits() as u64) << 58)
            ^ follow_up;
        [self.route_word(), carried]
    }

    /// The key the message's network latency is drawn with: its route, its order and the
    /// historical `aux` word (see [`hash_words`](Self::hash_words)), so that a message meets
    /// the same network in every run of a seed, as it always has.
    /// When it left: its arrival less its hop.
    pub fn sent_us(&self) -> Micros {
        self.due_us - self.hop_us as Micros
    }

    /// Why an error reply refused the call without trying (`None` for any other message, and
    /// for a service that tried and failed).
    pub fn refusal(&self) -> Option<Refusal> {
        match self.kind {
            MsgKind::ErrorReply(r) => r,
            _ => None,
        }
    }

    pub(crate) fn network_key(&self) -> [u64; 3] {
        [self.route_word(), self.order, self.aux_word()]
    }

    /// Kind and both ends in one word.
    fn route_word(&self) -> u64 {
        self.kind.code() | (self.from.code() << 8) | (self.to.code() << 24)
    }

    /// The historical `aux` word. At most one of event, call and outgoing is non-zero for
    /// any message (each belongs to other kinds), so or-ing them gives the one that applies.
    fn aux_word(&self) -> u64 {
        let refusal = match self.refusal() {
            None => 0,
            Some(Refusal::Down) => 1,
            Some(Refusal::Busy) => 2,
        };
        self.event | self.call as u64 | self.outgoing as u64 | refusal << 32 | (self.retry as u64) << 63
    }

    /// The historical flags byte.
    fn flag_bits(&self) -> u8 {
        self.lost as u8 | (self.is_cancellation() as u8) << 1
    }

    /// Whether it carries the event that undoes the entry's (`OrderCancelled`).
    pub fn is_cancellation(&self) -> bool {
        self.mtype == MessageType::CANCEL
    }
}

impl Node {
    /// The number a node is hashed as.
    pub(crate) fn code(self) -> u64 {
        match self {
            Node::Shopper => 1,
            Node::Orders => 2,
            Node::Broker => 3,
            Node::Service(i) => 16 + i as u64,
            Node::Relay => 4,
        }
    }
}

impl Message {
    /// How far along its wire the message is at `now`, from 0 to 1.
    pub fn progress(&self, now: Micros) -> f64 {
        if self.hop_us == 0 {
            return 1.0;
        }
        let t = now.saturating_sub(self.sent_us()) as f64 / self.hop_us as f64;
        t.clamp(0.0, 1.0)
    }
}

/// Messages in flight, in reusable slots so the hot path does not allocate.
#[derive(Clone, Debug, Default)]
pub struct Slab {
    slots: Vec<Option<Message>>,
    free: Vec<u32>,
    len: usize,
}

impl Slab {
    pub fn insert(&mut self, m: Message) -> u32 {
        self.len += 1;
        if let Some(i) = self.free.pop() {
            self.slots[i as usize] = Some(m);
            i
        } else {
            self.slots.push(Some(m));
            (self.slots.len() - 1) as u32
        }
    }

    pub fn remove(&mut self, id: u32) -> Message {
        let m = self.slots[id as usize].take().expect("message delivered twice");
        self.free.push(id);
        self.len -= 1;
        m
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Message> {
        self.slots.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(sent: u64, due: u64) -> Message {
        Message {
            hop_us: (due - sent) as u32,
            due_us: due,
            ..Message::new(MsgKind::Call, Node::Orders, Node::Service(0), 1, 0)
        }
    }

    #[test]
    fn progress_interpolates_and_clamps() {
        let m = msg(100, 200);
        assert_eq!(m.progress(50), 0.0);
        assert_eq!(m.progress(150), 0.5);
        assert_eq!(m.progress(500), 1.0);
    }

    /// The slab of messages in flight is the hot path: a message stays within a cache line.
    #[test]
    fn a_message_fits_in_a_cache_line() {
        assert!(std::mem::size_of::<Message>() <= 56, "{}", std::mem::size_of::<Message>());
        assert!(std::mem::size_of::<Option<Message>>() <= 56, "{}", std::mem::size_of::<Option<Message>>());
    }

    /// The words the trace hash folds are the historical packing: `aux` (call index, event
    /// ID, refusal reason << 32, retry bit 63) and flags (1 lost, 2 cancellation).
    #[test]
    fn hash_words_reproduce_the_historical_packing() {
        let historical = |m: &Message, aux: u64, flags: u8| {
            let route = m.kind.code() | (m.from.code() << 8) | (m.to.code() << 24);
            [route, m.order ^ (aux << 40) ^ ((m.tag as u64) << 24) ^ ((flags as u64) << 58)]
        };
        let base = |kind| Message::new(kind, Node::Service(2), Node::Orders, 77, 5);
        let refused = Message { call: 3, ..base(MsgKind::ErrorReply(Some(Refusal::Busy))) };
        assert_eq!(refused.hash_words(), historical(&refused, 3 | 2 << 32, 0));
        let down = Message { call: 1, ..base(MsgKind::ErrorReply(Some(Refusal::Down))) };
        assert_eq!(down.hash_words(), historical(&down, 1 | 1 << 32, 0));
        let retried = Message { event: 9, retry: true, mtype: MessageType::CANCEL, ..base(MsgKind::Publish) };
        assert_eq!(retried.hash_words(), historical(&retried, 9 | 1 << 63, 2));
        let lost = Message { event: 12, tag: 40, lost: true, ..base(MsgKind::Deliver) };
        assert_eq!(lost.hash_words(), historical(&lost, 12, 1));
        let confirm = Message { outgoing: 4, ..base(MsgKind::Confirm) };
        assert_eq!(confirm.hash_words(), historical(&confirm, 4, 0));
        assert_eq!(confirm.network_key(), [historical(&confirm, 0, 0)[0], 77, 4]);
    }

    #[test]
    fn slab_reuses_slots() {
        let mut s = Slab::default();
        let a = s.insert(msg(0, 1));
        s.insert(msg(0, 2));
        s.remove(a);
        let c = s.insert(msg(0, 3));
        assert_eq!(a, c);
        assert_eq!(s.len(), 2);
        assert_eq!(s.iter().count(), 2);
    }
}
