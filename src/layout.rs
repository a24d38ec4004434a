//! Where each node sits on the stage, as percentages of the stage's width and height,
//! computed from the system's graph as the core exposes it: who is wired in, and whom the
//! Order Service calls directly. The node buttons, the wires, the stacks and the message
//! painter all read the same layout, so a message always travels exactly between the buttons
//! it connects.

use fanout_sim::{Node, Sim, Wiring};

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Stage height in CSS pixels; the width is whatever the page gives it.
    pub height_px: f64,
    pub shopper: (f64, f64),
    pub orders: (f64, f64),
    pub broker: (f64, f64),
    /// Downstream services wired in, by catalog index.
    pub services: Vec<(u16, (f64, f64))>,
    /// The services the Order Service calls directly (on call wires, not broker wires).
    pub direct: Vec<u16>,
    pub wiring: Wiring,
    /// How wires fan out from a hub (the Order Service or the broker) to the services it
    /// serves, so that no wire passes under another node.
    pub fan: Fan,
}

/// The route of the wires from a hub to the column (or grid) of services it serves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fan {
    /// Wide stage: from the hub straight to `bus_x` at the service's height, then across into
    /// it. `bus_x` lies left of every node in the column, so a wire only ever runs under the
    /// node it ends at.
    Column { bus_x: f64 },
    /// Tall stage: down the middle of the grid to the service's row, then across.
    Grid { bus_x: f64 },
}

/// A wire's path on the stage: two or three points, in percent of the stage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    points: [(f64, f64); 3],
    len: usize,
}

impl Route {
    fn of(points: &[(f64, f64)]) -> Route {
        let mut r = Route { points: [points[0]; 3], len: points.len() };
        r.points[..points.len()].copy_from_slice(points);
        r
    }

    pub fn points(&self) -> &[(f64, f64)] {
        &self.points[..self.len]
    }

    /// The point `t` of the way along the route (by length on a stage `w` by `h` pixels, 0 at
    /// its start), in pixels, with the direction of the segment it lies on (a unit vector).
    pub fn at(&self, t: f64, w: f64, h: f64) -> ((f64, f64), (f64, f64)) {
        let px = |(x, y): (f64, f64)| (x / 100.0 * w, y / 100.0 * h);
        let pts = self.points();
        let seg = |k: usize| {
            let ((ax, ay), (bx, by)) = (px(pts[k]), px(pts[k + 1]));
            ((ax, ay), (bx - ax, by - ay), (bx - ax).hypot(by - ay))
        };
        let total: f64 = (0..pts.len() - 1).map(|k| seg(k).2).sum();
        let mut left = t.clamp(0.0, 1.0) * total;
        for k in 0..pts.len() - 1 {
            let ((ax, ay), (dx, dy), l) = seg(k);
            if left <= l || k == pts.len() - 2 {
                let f = if l > 0.0 { (left / l).min(1.0) } else { 0.0 };
                let l = l.max(1e-9);
                return ((ax + dx * f, ay + dy * f), (dx / l, dy / l));
            }
            left -= l;
        }
        unreachable!("a route has at least two points")
    }
}

/// Vertical room one service takes in a column, in CSS pixels: a node with its status, its
/// detail and a row of queued tokens.
const ROW_PX: f64 = 84.0;

impl Layout {
    /// The layout of this run at this moment. `compact`: a shorter stage, for a lesson, whose
    /// text and evidence share the screen with it.
    pub fn of(sim: &Sim, narrow: bool, compact: bool) -> Layout {
        Layout::new(sim.wiring(), sim.wired(), &sim.called_directly(), narrow, compact)
    }

    /// `wired`: every downstream service wired in, in order; `direct`: those of them the Order
    /// Service calls (every one request-driven, the synchronous ones event-driven).
    pub fn new(wiring: Wiring, wired: &[u16], direct: &[u16], narrow: bool, compact: bool) -> Layout {
        if narrow {
            Self::tall(wiring, wired, direct)
        } else {
            Self::wide(wiring, wired, direct, if compact { (320.0, 74.0) } else { (440.0, ROW_PX) })
        }
    }

    /// Left to right: shopper, Order Service, broker, a column of services. Event-driven,
    /// services the Order Service still calls sit in a row above it, on their own short call
    /// wires, so no call wire passes under the broker.
    /// `(min_px, row_px)`: the stage's least height and the room per service in the column.
    fn wide(wiring: Wiring, wired: &[u16], direct: &[u16], (min_px, row_px): (f64, f64)) -> Layout {
        let (column, above): (Vec<u16>, Vec<u16>) = match wiring {
            Wiring::Request => (wired.to_vec(), Vec::new()),
            Wiring::Event => wired.iter().partition(|i| !direct.contains(i)),
        };
        let n = column.len();
        let top_px = if above.is_empty() { 0.0 } else { row_px + 16.0 };
        let height_px = (n as f64 * row_px + 40.0 + top_px).max(min_px + top_px);
        let y = |px: f64| px / height_px * 100.0;
        // The column is centred on the room below the row above, if any.
        let mid_px = top_px + (height_px - top_px) / 2.0;
        let mut services: Vec<(u16, (f64, f64))> = column
            .iter()
            .enumerate()
            .map(|(k, &i)| (i, (84.0, y(mid_px + (k as f64 - (n as f64 - 1.0) / 2.0) * row_px))))
            .collect();
        let m = above.len();
        services.extend(above.iter().enumerate().map(|(k, &i)| {
            // Spread over the space between the shopper and the broker.
            let x = if m == 1 { 31.0 } else { 18.0 + k as f64 * 28.0 / (m - 1) as f64 };
            (i, (x, y(row_px / 2.0 + 8.0)))
        }));
        // Request-driven, the broker is not used: it steps aside so the calls go straight past.
        let broker = match wiring {
            Wiring::Event => (57.0, y(mid_px)),
            Wiring::Request => (57.0, 100.0 - y(40.0)),
        };
        Layout {
            height_px,
            shopper: (10.0, y(mid_px)),
            orders: (31.0, y(mid_px)),
            broker,
            services,
            direct: direct.to_vec(),
            wiring,
            fan: Fan::Column { bus_x: 69.0 },
        }
    }

    /// Top to bottom, for phones: shopper, Order Service, then two-wide grids with a path down
    /// the middle: event-driven, the services it still calls, the broker, its subscribers;
    /// request-driven, every service, with the unused broker aside.
    fn tall(wiring: Wiring, wired: &[u16], direct: &[u16]) -> Layout {
        const ROW: f64 = 96.0;
        // Where the first grid row sits: below the shopper and the Order Service.
        const TOP: f64 = 244.0;
        let (called, subscribed): (Vec<u16>, Vec<u16>) = match wiring {
            Wiring::Request => (wired.to_vec(), Vec::new()),
            Wiring::Event => wired.iter().partition(|i| direct.contains(i)),
        };
        // A grid of pairs from `top_px` down. A lone last service sits in the middle only
        // where no path runs on below it.
        let grid = |ids: &[u16], top_px: f64, middle_last: bool| -> Vec<(u16, (f64, f64))> {
            ids.iter()
                .enumerate()
                .map(|(k, &i)| {
                    let x = if k % 2 == 0 { 26.0 } else { 74.0 };
                    let x = if middle_last && k + 1 == ids.len() && k % 2 == 0 { 50.0 } else { x };
                    (i, (x, top_px + (k / 2) as f64 * ROW))
                })
                .collect()
        };
        let rows = |n: usize| n.div_ceil(2) as f64 * ROW;
        let mut services = match wiring {
            Wiring::Request => grid(&called, TOP, true),
            Wiring::Event => grid(&called, TOP, false),
        };
        let broker_px = TOP + rows(called.len());
        if wiring == Wiring::Event {
            services.extend(grid(&subscribed, broker_px + ROW, true));
        }
        let bottom_px = match wiring {
            Wiring::Request => TOP + rows(called.len().max(1)) + ROW,
            Wiring::Event => broker_px + ROW + rows(subscribed.len().max(1)),
        };
        let height_px = bottom_px.max(416.0);
        let y = |px: f64| px / height_px * 100.0;
        for (_, p) in services.iter_mut() {
            p.1 = y(p.1);
        }
        let broker = match wiring {
            Wiring::Event => (50.0, y(broker_px)),
            // Not used: below the services, aside from the path down the middle.
            Wiring::Request => (76.0, y(bottom_px - ROW / 2.0 - 10.0)),
        };
        Layout {
            height_px,
            shopper: (50.0, y(44.0)),
            orders: (50.0, y(144.0)),
            broker,
            services,
            direct: direct.to_vec(),
            wiring,
            fan: Fan::Grid { bus_x: 50.0 },
        }
    }

    pub fn pos(&self, node: Node) -> Option<(f64, f64)> {
        match node {
            Node::Shopper => Some(self.shopper),
            Node::Orders => Some(self.orders),
            Node::Broker => Some(self.broker),
            Node::Service(i) => self.services.iter().find(|(s, _)| *s == i).map(|(_, p)| *p),
        }
    }

    /// The wires to draw, as pairs of nodes: the Order Service's call wires to whoever it
    /// calls directly, and, event-driven, its wire to the broker and the broker's to each
    /// subscriber.
    pub fn wires(&self) -> Vec<(Node, Node)> {
        let mut w = vec![(Node::Shopper, Node::Orders)];
        for (i, _) in &self.services {
            if self.direct.contains(i) {
                w.push((Node::Orders, Node::Service(*i)));
            } else if self.wiring == Wiring::Event {
                w.push((Node::Broker, Node::Service(*i)));
            }
        }
        if self.wiring == Wiring::Event {
            w.push((Node::Orders, Node::Broker));
        }
        w
    }

    /// The path of the wire from `a` to `b`: straight, or, from a hub to a service in its
    /// column or grid, by way of the fan's path (hubs on a tall stage sit on that path).
    pub fn route(&self, a: Node, b: Node) -> Option<Route> {
        let (pa, pb) = (self.pos(a)?, self.pos(b)?);
        let (hub, end) = match (a, b) {
            (Node::Orders | Node::Broker, Node::Service(_)) => (pa, pb),
            (Node::Service(_), Node::Orders | Node::Broker) => (pb, pa),
            _ => return Some(Route::of(&[pa, pb])),
        };
        let fanned = match self.fan {
            // Services in the row above the Order Service are reached straight.
            Fan::Column { bus_x } => hub.0 < bus_x && end.0 > bus_x,
            Fan::Grid { bus_x } => (end.0 - bus_x).abs() > 1.0 && end.1 > hub.1,
        };
        if !fanned {
            return Some(Route::of(&[pa, pb]));
        }
        let (Fan::Column { bus_x } | Fan::Grid { bus_x }) = self.fan;
        let bend = (bus_x, end.1);
        Some(if matches!(b, Node::Service(_)) {
            Route::of(&[hub, bend, end])
        } else {
            Route::of(&[end, bend, hub])
        })
    }
}
