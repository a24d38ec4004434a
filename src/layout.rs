//! Where each node sits on the stage, as percentages of the stage's width and height.
//! The node buttons, the wires and the message painter all read the same layout, so a
//! message always travels exactly between the buttons it connects.

use fanout_sim::{Node, Wiring};

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Stage height in CSS pixels; the width is whatever the page gives it.
    pub height_px: f64,
    pub shopper: (f64, f64),
    pub orders: (f64, f64),
    pub broker: (f64, f64),
    /// Downstream services wired in, by catalog index.
    pub services: Vec<(u16, (f64, f64))>,
}

impl Layout {
    pub fn new(wiring: Wiring, wired: &[u16], narrow: bool) -> Layout {
        if narrow {
            Self::tall(wiring, wired)
        } else {
            Self::wide(wiring, wired)
        }
    }

    /// Left to right: shopper, Order Service, broker, a column of services.
    fn wide(wiring: Wiring, wired: &[u16]) -> Layout {
        let n = wired.len();
        let height_px = (n as f64 * 76.0 + 48.0).max(420.0);
        let step = if n > 1 { (84.0 / (n - 1) as f64).min(24.0) } else { 0.0 };
        let services = wired
            .iter()
            .enumerate()
            .map(|(k, &i)| (i, (84.0, 50.0 + (k as f64 - (n as f64 - 1.0) / 2.0) * step)))
            .collect();
        // Request-driven, the broker is not used: it steps aside so the calls go straight past.
        let broker = match wiring {
            Wiring::Event => (57.0, 50.0),
            Wiring::Request => (57.0, 100.0 - 40.0 / height_px * 100.0),
        };
        Layout { height_px, shopper: (10.0, 50.0), orders: (33.0, 50.0), broker, services }
    }

    /// Top to bottom, for phones: shopper, Order Service, broker, a grid of services.
    fn tall(wiring: Wiring, wired: &[u16]) -> Layout {
        let rows = wired.len().div_ceil(2).max(1);
        let height_px = 320.0 + rows as f64 * 86.0;
        let y = |px: f64| px / height_px * 100.0;
        let services = wired
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let x = if k % 2 == 0 { 26.0 } else { 74.0 };
                // A lone last service sits in the middle.
                let x = if k + 1 == wired.len() && k % 2 == 0 { 50.0 } else { x };
                (i, (x, y(320.0 + (k / 2) as f64 * 86.0)))
            })
            .collect();
        let broker = match wiring {
            Wiring::Event => (50.0, y(220.0)),
            Wiring::Request => (84.0, y(220.0)),
        };
        Layout { height_px, shopper: (50.0, y(36.0)), orders: (50.0, y(126.0)), broker, services }
    }

    pub fn pos(&self, node: Node) -> Option<(f64, f64)> {
        match node {
            Node::Shopper => Some(self.shopper),
            Node::Orders => Some(self.orders),
            Node::Broker => Some(self.broker),
            Node::Service(i) => self.services.iter().find(|(s, _)| *s == i).map(|(_, p)| *p),
        }
    }

    /// The wires to draw, as pairs of nodes, for the given wiring.
    pub fn wires(&self, wiring: Wiring) -> Vec<(Node, Node)> {
        let mut w = vec![(Node::Shopper, Node::Orders)];
        for (i, _) in &self.services {
            match wiring {
                Wiring::Request => w.push((Node::Orders, Node::Service(*i))),
                Wiring::Event => w.push((Node::Broker, Node::Service(*i))),
            }
        }
        if wiring == Wiring::Event {
            w.push((Node::Orders, Node::Broker));
        }
        w
    }
}
