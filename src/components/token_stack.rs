//! A pile of message tokens: the work waiting in a queue, the events a subscriber has not
//! yet been handed, the shoppers waiting for an answer. Up to a count an eye can take in,
//! then "+N". It grows and shrinks with the core's numbers; with reduced motion it simply
//! changes in steps (nothing here animates).

use yew::prelude::*;

/// The most tokens drawn one by one; beyond this the rest are a number.
pub const STACK_SHOWN: u64 = 8;

/// Which message a token stands for, so a pile looks like what is piling up.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TokenKind {
    /// An order (a shopper waiting for an answer): a dot.
    Order,
    /// A call waiting in a service's queue: a square.
    Call,
    /// An event waiting at the broker or in a subscriber's queue: a diamond.
    Event,
    /// A scenario's follow-up type (by its place among them, from 0), drawn as the stage and
    /// the legend draw it: a hexagon, a triangle pointing down, a star, a bar, then round again.
    FollowUp(u8),
}

impl TokenKind {
    fn class(self) -> &'static str {
        match self {
            TokenKind::Order => "msg-order",
            TokenKind::Call => "msg-call",
            TokenKind::Event => "msg-event",
            TokenKind::FollowUp(k) => ["msg-f0", "msg-f1", "msg-f2", "msg-f3"][k as usize % 4],
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct TokenStackProps {
    pub test_id: AttrValue,
    pub count: u64,
    pub kind: TokenKind,
    /// Placed on the stage at this point (percent of the stage), centred; otherwise it flows
    /// where it is put (inside a node).
    #[prop_or_default]
    pub at: Option<(f64, f64)>,
}

fn token(kind: TokenKind) -> Html {
    let body = match kind {
        TokenKind::Order => html! { <circle cx="6" cy="6" r="5" /> },
        TokenKind::Call => html! { <rect x="1.5" y="1.5" width="9" height="9" /> },
        TokenKind::Event => html! { <path d="M6 0.5 L11.5 6 L6 11.5 L0.5 6 Z" /> },
        TokenKind::FollowUp(k) => match k % 4 {
            0 => html! { <path d="M11.5 6 L8.75 10.8 L3.25 10.8 L0.5 6 L3.25 1.2 L8.75 1.2 Z" /> },
            1 => html! { <path d="M6 11 L11 2 L1 2 Z" /> },
            2 => html! { <path d="M6 0.5 L7.3 4.2 L11.2 4.3 L8.1 6.7 L9.2 10.5 L6 8.3 L2.8 10.5 L3.9 6.7 L0.8 4.3 L4.7 4.2 Z" /> },
            _ => html! { <rect x="0.5" y="3.5" width="11" height="5" /> },
        },
    };
    html! { <svg class="token" viewBox="0 0 12 12" aria-hidden="true" focusable="false">{ body }</svg> }
}

#[component]
pub fn TokenStack(props: &TokenStackProps) -> Html {
    let shown = props.count.min(STACK_SHOWN);
    let more = props.count - shown;
    let style = props.at.map(|(x, y)| format!("left:{x:.2}%;top:{y:.2}%"));
    html! {
        <span class={classes!("stack", props.kind.class(), props.at.is_some().then_some("on-wire"), (props.count == 0).then_some("empty"))}
              {style} data-testid={props.test_id.clone()} data-count={props.count.to_string()} aria-hidden="true">
            { for (0..shown).map(|_| token(props.kind)) }
            if more > 0 { <span class="stack-more">{ format!("+{more}") }</span> }
        </span>
    }
}
