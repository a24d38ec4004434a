//! Messages on the wires. Each records when it was sent and when it arrives, so a renderer
//! can place it by interpolation alone.

use crate::time::Micros;

/// A place on the stage a message can travel between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Shopper,
    /// The Order Service.
    Orders,
    Broker,
    /// A downstream service, by its index in the scenario's catalog.
    Service(u16),
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
    /// A service's answer to a call: failed, or refused because it is down.
    ErrorReply,
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
    /// Shopper to Order Service: "cancel my order".
    CancelOrder,
}

impl MsgKind {
    /// The request-driven family (calls and replies) versus the event-driven family.
    pub fn is_request_style(self) -> bool {
        matches!(self, MsgKind::Call | MsgKind::Reply | MsgKind::ErrorReply)
    }
    pub fn is_failure(self) -> bool {
        matches!(self, MsgKind::Reject | MsgKind::ErrorReply | MsgKind::PublishNack | MsgKind::Nack)
    }
    pub fn label(self) -> &'static str {
        match self {
            MsgKind::PlaceOrder => "order",
            MsgKind::Confirm => "confirmation",
            MsgKind::Reject => "error",
            MsgKind::Call => "call",
            MsgKind::Reply => "reply",
            MsgKind::ErrorReply => "error reply",
            MsgKind::Publish => "OrderPlaced event",
            MsgKind::PublishAck => "stored",
            MsgKind::PublishNack => "refused",
            MsgKind::Deliver => "OrderPlaced copy",
            MsgKind::Ack => "ack",
            MsgKind::Nack => "nack",
            MsgKind::CancelOrder => "cancellation",
        }
    }
}

/// Set in the `aux` of a publish (and its answer) sent from the Order Service's buffer,
/// to tell a retry from a first attempt.
pub const RETRY_FLAG: u64 = 1 << 63;

/// Message flag: the message vanishes on its wire (an injected drop or lost acknowledgement).
/// It still travels, so the stage can show it fading; its arrival changes nothing.
pub const LOST: u8 = 1;
/// Message flag: the event is an `OrderCancelled` rather than an `OrderPlaced`.
pub const CANCELLED: u8 = 2;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Message {
    pub kind: MsgKind,
    pub from: Node,
    pub to: Node,
    pub order: u64,
    /// Call index for calls and replies; event id for events, deliveries and acks.
    pub aux: u64,
    /// When the work this message belongs to began (order placed, event published).
    pub origin_us: Micros,
    pub sent_us: Micros,
    pub due_us: Micros,
    /// Delivery ID for deliveries and their acknowledgements; 0 otherwise.
    pub tag: u32,
    /// [`LOST`], [`CANCELLED`].
    pub flags: u8,
}

impl Message {
    pub fn is_lost(&self) -> bool {
        self.flags & LOST != 0
    }
    pub fn is_cancellation(&self) -> bool {
        self.flags & CANCELLED != 0
    }
}

impl Message {
    /// How far along its wire the message is at `now`, from 0 to 1.
    pub fn progress(&self, now: Micros) -> f64 {
        if self.due_us <= self.sent_us {
            return 1.0;
        }
        let t = now.saturating_sub(self.sent_us) as f64 / (self.due_us - self.sent_us) as f64;
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
            kind: MsgKind::Call,
            from: Node::Orders,
            to: Node::Service(0),
            order: 1,
            aux: 0,
            origin_us: 0,
            sent_us: sent,
            due_us: due,
            tag: 0,
            flags: 0,
        }
    }

    #[test]
    fn progress_interpolates_and_clamps() {
        let m = msg(100, 200);
        assert_eq!(m.progress(50), 0.0);
        assert_eq!(m.progress(150), 0.5);
        assert_eq!(m.progress(500), 1.0);
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
