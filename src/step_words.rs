//! One plain sentence for what a Step did, in the scenario's words: "Email finished order 12
//! and acknowledged it to the broker."

use crate::state::capitalise;
use fanout_sim::happened::Happened;
use fanout_sim::{MsgKind, Node, Sim};

/// The sentence for `h`, as it happened in `sim`.
pub fn tell(h: Happened, sim: &Sim) -> String {
    let sc = sim.scenario();
    let os = format!("the {}", sc.order_service.name);
    let actor = capitalise(&sc.actor);
    let name = |n: Node| match n {
        Node::Shopper => format!("the {}", sc.actor.to_ascii_lowercase()),
        Node::Orders => os.clone(),
        Node::Broker => "the broker".to_string(),
        Node::Relay => crate::narration::RELAY.to_string(),
        Node::Service(i) => sc.catalog.get(i as usize).map_or("a service".into(), |s| s.name.clone()),
    };
    let it = |order: u64| format!("{} {order}", sc.noun);
    let event = &sc.event_name;
    let sentence = match h {
        Happened::Arrived { kind, from, to, order } => {
            let (from, to, n) = (name(from), name(to), it(order));
            match kind {
                MsgKind::PlaceOrder => format!("{} reached {to}.", capitalise(&n)),
                MsgKind::CancelOrder => format!("{actor}'s cancellation of {n} reached {to}."),
                MsgKind::Confirm => format!("{actor} heard back: {n} went through."),
                MsgKind::Reject => format!("{actor} heard back: {n} failed."),
                MsgKind::Call => format!("{from} called {to} about {n}; it waits for the answer."),
                MsgKind::Reply => format!("{from} answered {to} about {n}."),
                MsgKind::ErrorReply(_) => format!("{from} answered {to} with an error about {n}."),
                MsgKind::Publish => format!("{from} published {event} for {n} to the broker."),
                MsgKind::PublishAck => format!("The broker stored {event} for {n} and told {to}."),
                MsgKind::PublishNack => format!("The broker refused {event} for {n}: it is down."),
                MsgKind::Deliver => format!("The broker delivered {n}'s event to {to}."),
                MsgKind::Ack => format!("{from} finished {n} and acknowledged it to the broker."),
                MsgKind::Nack => format!("{from} failed on {n} and asked the broker for it again."),
                MsgKind::Saga => format!("A saga message about {n} went from {from} to {to}."),
            }
        }
        Happened::Finished { node: Node::Orders, order, ok: true } => format!("{os} saved {}.", it(order)),
        Happened::Finished { node, order, ok: true } => format!("{} did its part for {}.", name(node), it(order)),
        Happened::Finished { node, order, ok: false } => {
            format!("{} failed while working on {}.", name(node), it(order))
        }
        Happened::Placed { order } => format!("{actor} placed {}.", it(order)),
        Happened::TimedOut { order } => format!("{os} gave up waiting: {} failed on a timeout.", it(order)),
        Happened::Retried { node: Node::Orders } => format!("{os} tried again to publish a held event."),
        Happened::Retried { node: Node::Relay } => {
            "The outbox relay looked at the table and published the rows it found waiting.".into()
        }
        Happened::Retried { .. } => {
            "The broker delivered an event again after a failure or a missing acknowledgement.".into()
        }
        Happened::Changed => "A change to the lab that was scheduled for this moment was made.".into(),
    };
    capitalise(&sentence)
}
