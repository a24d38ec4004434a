//! Where each node sits on the stage, as percentages of the stage's width and height,
//! computed from the system's graph as the core exposes it: who is wired in, whom the Order
//! Service calls directly, and who follows whose reaction in the scenario's chain. The node
//! buttons, the wires, the stacks and the message painter all read the same layout, so a
//! message always travels exactly between the buttons it connects.

use fanout_sim::{Node, Sim, Wiring};

/// The scenario's chain of reactions among the wired services, as the stage draws it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    /// Each wired service's column, from 1: 1 for a service that reads the entry topic, one
    /// more for a service that reads what a service of the column before publishes or sends.
    /// A wired service nothing wired reaches takes the column the whole catalog would give it.
    pub depth: Vec<(u16, usize)>,
    /// `(a, b)`: wired service `b` reads a channel wired service `a`'s reaction publishes or
    /// sends to. Request-driven, `a` calls `b`.
    pub follows: Vec<(u16, u16)>,
    /// The wired services whose reactions publish or send follow-ups through the broker.
    pub publishers: Vec<u16>,
}

impl Graph {
    /// Every wired service in the first column, and no chain: a built-in system.
    pub fn flat(wired: &[u16]) -> Graph {
        Graph { depth: wired.iter().map(|&i| (i, 1)).collect(), ..Graph::default() }
    }

    /// The graph of this run's wired services.
    pub fn of(sim: &Sim) -> Graph {
        let chain = &sim.scenario().chain;
        // The channels service `i`'s reactions publish or send to (only reactions to a type
        // it receives: one on the channel it reads).
        let emits = |i: u16| -> Vec<u16> {
            let mut out: Vec<u16> = chain
                .reactions
                .iter()
                .filter(|r| r.service == i && chain.channel_of(r.handles) == chain.reads(i))
                .flat_map(|r| r.outcomes.iter().flat_map(|o| o.emits.iter().map(|&t| chain.channel_of(t))))
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        let follows_among = |set: &[u16]| -> Vec<(u16, u16)> {
            let mut out = Vec::new();
            for &a in set {
                let to = emits(a);
                for &b in set {
                    if a != b && to.contains(&chain.reads(b)) && !out.contains(&(a, b)) {
                        out.push((a, b));
                    }
                }
            }
            out
        };
        // Shortest distance from the entry topic along `follows`, by catalog index.
        let depths = |set: &[u16], follows: &[(u16, u16)]| -> Vec<(u16, usize)> {
            let mut d: Vec<(u16, usize)> = set.iter().filter(|&&i| sim.reacts_to_entry(i)).map(|&i| (i, 1)).collect();
            let mut frontier: Vec<u16> = d.iter().map(|&(i, _)| i).collect();
            let mut level = 1;
            while !frontier.is_empty() {
                level += 1;
                let mut next = Vec::new();
                for &(a, b) in follows {
                    if frontier.contains(&a) && !d.iter().any(|&(i, _)| i == b) {
                        d.push((b, level));
                        next.push(b);
                    }
                }
                frontier = next;
            }
            d
        };
        let wired = sim.wired();
        let follows = follows_among(wired);
        let reached = depths(wired, &follows);
        let all: Vec<u16> = (0..sim.scenario().catalog.len() as u16).collect();
        let whole = depths(&all, &follows_among(&all));
        let find = |d: &[(u16, usize)], i: u16| d.iter().find(|&&(s, _)| s == i).map(|&(_, k)| k);
        let mut depth: Vec<(u16, usize)> =
            wired.iter().map(|&i| (i, find(&reached, i).or_else(|| find(&whole, i)).unwrap_or(2))).collect();
        // No empty column between two others.
        let mut used: Vec<usize> = depth.iter().map(|&(_, k)| k).collect();
        used.sort_unstable();
        used.dedup();
        for (_, k) in depth.iter_mut() {
            *k = used.iter().position(|u| u == k).unwrap_or(0) + 1;
        }
        let publishers = wired.iter().copied().filter(|&i| !emits(i).is_empty()).collect();
        Graph { depth, follows, publishers }
    }

    /// The wired services column by column, in the order `wired` lists them within the first
    /// and, further on, next to the first service they follow.
    pub fn columns(&self, wired: &[u16]) -> Vec<Vec<u16>> {
        let depth_of = |i: u16| self.depth.iter().find(|&&(s, _)| s == i).map_or(1, |&(_, k)| k);
        let n = wired.iter().map(|&i| depth_of(i)).max().unwrap_or(1);
        let mut cols: Vec<Vec<u16>> = Vec::with_capacity(n);
        for k in 1..=n {
            let mut col: Vec<u16> = wired.iter().copied().filter(|&i| depth_of(i) == k).collect();
            if let Some(before) = cols.last() {
                let row = |i: u16| {
                    let callers = self.follows.iter().filter(|&&(_, b)| b == i);
                    callers.filter_map(|&(a, _)| before.iter().position(|&s| s == a)).min().unwrap_or(usize::MAX)
                };
                col.sort_by_key(|&i| (row(i), wired.iter().position(|&s| s == i)));
            }
            cols.push(col);
        }
        cols
    }
}

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
    /// Request-driven, `(a, b)`: service `a` calls service `b` (it follows `a`'s reaction).
    pub calls: Vec<(u16, u16)>,
    /// The services whose reactions publish or send follow-ups through the broker.
    pub publishers: Vec<u16>,
    pub wiring: Wiring,
    /// How wires fan out from a hub (the Order Service or the broker) to the services it
    /// serves, so that no wire passes under another node.
    pub fan: Fan,
    /// How many columns of services, one a step of the chain (1 without a chain).
    pub columns: usize,
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

/// A wire's path on the stage: two to four points, in percent of the stage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    points: [(f64, f64); 4],
    len: usize,
}

impl Route {
    fn of(points: &[(f64, f64)]) -> Route {
        let mut r = Route { points: [points[0]; 4], len: points.len() };
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
        Layout::with_graph(sim.wiring(), sim.wired(), &sim.called_directly(), &Graph::of(sim), narrow, compact)
    }

    /// `wired`: every downstream service wired in, in order; `direct`: those of them the Order
    /// Service calls (every one request-driven, the synchronous ones event-driven). Every
    /// service in the first column, with no chain after it.
    pub fn new(wiring: Wiring, wired: &[u16], direct: &[u16], narrow: bool, compact: bool) -> Layout {
        Layout::with_graph(wiring, wired, direct, &Graph::flat(wired), narrow, compact)
    }

    /// [`new`](Self::new) with the chain of reactions after the first column: request-driven,
    /// the services that follow another's reaction sit in further columns to the right (on a
    /// phone, further rows down), on call wires from the services that call them.
    pub fn with_graph(
        wiring: Wiring,
        wired: &[u16],
        direct: &[u16],
        graph: &Graph,
        narrow: bool,
        compact: bool,
    ) -> Layout {
        let columns = match wiring {
            Wiring::Request => graph.columns(wired),
            Wiring::Event => vec![wired.to_vec()],
        };
        let mut layout = if narrow {
            Self::tall(wiring, &columns, direct)
        } else {
            Self::wide(wiring, &columns, direct, if compact { (320.0, 74.0) } else { (440.0, ROW_PX) })
        };
        if wiring == Wiring::Request {
            layout.calls = graph.follows.clone();
        }
        layout.publishers = graph.publishers.clone();
        layout
    }

    /// Left to right: shopper, Order Service, broker, a column of services. Event-driven,
    /// services the Order Service still calls sit in a row above it, on their own short call
    /// wires, so no call wire passes under the broker.
    /// `(min_px, row_px)`: the stage's least height and the room per service in the column.
    /// `columns`: the wired services by column (request-driven, one column a step of the
    /// chain; event-driven, one).
    fn wide(wiring: Wiring, columns: &[Vec<u16>], direct: &[u16], (min_px, row_px): (f64, f64)) -> Layout {
        if columns.len() > 1 {
            return Self::wide_chain(columns, direct, (min_px, row_px));
        }
        let wired: &[u16] = columns.first().map_or(&[], |c| c.as_slice());
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
            calls: Vec::new(),
            publishers: Vec::new(),
            wiring,
            fan: Fan::Column { bus_x: 69.0 },
            columns: 1,
        }
    }

    /// Request-driven with a chain: shopper, Order Service, then a column for each step of
    /// the chain, left to right. From three steps on, the shopper sits above the Order Service
    /// to leave the stage's width to the columns. The unused broker sits aside below the
    /// Order Service, on a row of its own.
    fn wide_chain(columns: &[Vec<u16>], direct: &[u16], (min_px, row_px): (f64, f64)) -> Layout {
        let d = columns.len();
        let above = d > 2;
        // The shopper's, the Order Service's, the first column's and the last column's x.
        let (shopper_x, orders_x, first, last) =
            if above { (13.0, 13.0, 37.5, 87.5) } else { (10.0, 30.0, 58.0, 87.0) };
        let step = (last - first) / (d - 1) as f64;
        let x = |k: usize| first + k as f64 * step;
        let n = columns.iter().map(Vec::len).max().unwrap_or(1);
        let content_px = n as f64 * row_px + 40.0;
        // The broker's row below the columns.
        let height_px = (content_px + row_px).max(min_px);
        let mid_px =
            if height_px / 2.0 + content_px / 2.0 <= height_px - row_px { height_px / 2.0 } else { content_px / 2.0 };
        let y = |px: f64| px / height_px * 100.0;
        let services = columns
            .iter()
            .enumerate()
            .flat_map(|(k, col)| {
                let m = col.len() as f64;
                col.iter()
                    .enumerate()
                    .map(move |(r, &i)| (i, (x(k), y(mid_px + (r as f64 - (m - 1.0) / 2.0) * row_px))))
                    .collect::<Vec<_>>()
            })
            .collect();
        Layout {
            height_px,
            shopper: (shopper_x, y(if above { mid_px - 1.5 * row_px } else { mid_px })),
            orders: (orders_x, y(mid_px)),
            broker: (if above { orders_x } else { (shopper_x + orders_x) / 2.0 }, 100.0 - y(40.0)),
            services,
            direct: direct.to_vec(),
            calls: Vec::new(),
            publishers: Vec::new(),
            wiring: Wiring::Request,
            fan: Fan::Column { bus_x: x(0) - ((x(0) - orders_x) / 2.0).min(15.0) },
            columns: d,
        }
    }

    /// Top to bottom, for phones: shopper, Order Service, then two-wide grids with a path down
    /// the middle: event-driven, the services it still calls, the broker, its subscribers;
    /// request-driven, every service, those further down the chain in rows after those the
    /// Order Service calls, with the unused broker aside.
    fn tall(wiring: Wiring, columns: &[Vec<u16>], direct: &[u16]) -> Layout {
        const ROW: f64 = 96.0;
        // Where the first grid row sits: below the shopper and the Order Service.
        const TOP: f64 = 244.0;
        let wired: &[u16] = columns.first().map_or(&[], |c| c.as_slice());
        let deeper = columns.len() > 1;
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
        let rows_deeper: f64 = columns.iter().skip(1).map(|c| rows(c.len())).sum();
        let mut services = match wiring {
            // A lone service the Order Service calls sits in the middle even with others below:
            // every wire that runs on down starts at it or below it.
            Wiring::Request => grid(&called, TOP, !deeper || called.len() == 1),
            Wiring::Event => grid(&called, TOP, false),
        };
        let broker_px = TOP + rows(called.len());
        match wiring {
            Wiring::Event => services.extend(grid(&subscribed, broker_px + ROW, true)),
            // Each further step of the chain from a row of its own, a lone service in the
            // middle where it is the only one of its step or of the last.
            Wiring::Request => {
                let mut top = TOP + rows(called.len());
                for (k, col) in columns.iter().enumerate().skip(1) {
                    services.extend(grid(col, top, k + 1 == columns.len() || col.len() == 1));
                    top += rows(col.len());
                }
            }
        }
        let bottom_px = match wiring {
            Wiring::Request => TOP + rows(called.len().max(1)) + rows_deeper + ROW,
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
            calls: Vec::new(),
            publishers: Vec::new(),
            wiring,
            fan: Fan::Grid { bus_x: 50.0 },
            columns: columns.len().max(1),
        }
    }

    /// Whether the words on a held call line go in the callee's node rather than on the stage:
    /// on a phone, where the call wires share the path down the middle.
    pub fn held_labels_in_nodes(&self) -> bool {
        matches!(self.fan, Fan::Grid { .. })
    }

    /// Where the words on the held call line from the Order Service to service `i` go (None:
    /// in its node). Half-way along the first leg of the wire, where the legs to different
    /// callees are apart; with a chain, whose first legs are short, across the foot of the
    /// callee's node, within its column.
    pub fn held_label_at(&self, i: u16) -> Option<(f64, f64)> {
        if self.held_labels_in_nodes() {
            return None;
        }
        if self.columns > 1 {
            let (x, y) = self.pos(Node::Service(i))?;
            return Some((x, y + 42.0 / self.height_px * 100.0));
        }
        let route = self.route(Node::Orders, Node::Service(i))?;
        let (a, b) = (route.points()[0], route.points()[1]);
        Some(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0))
    }

    pub fn pos(&self, node: Node) -> Option<(f64, f64)> {
        match node {
            Node::Shopper => Some(self.shopper),
            Node::Orders => Some(self.orders),
            Node::Broker => Some(self.broker),
            // The relay runs beside the Order Service's database: its publishes leave from there.
            Node::Relay => Some(self.orders),
            Node::Service(i) => self.services.iter().find(|(s, _)| *s == i).map(|(_, p)| *p),
        }
    }

    /// The wires to draw, as pairs of nodes: the Order Service's call wires to whoever it
    /// calls directly; request-driven, each service's call wires to the services that follow
    /// its reaction; event-driven, the Order Service's wire to the broker, the broker's to each
    /// subscriber, and that of each service the Order Service calls which publishes
    /// follow-ups (subscribers publish theirs back along the wire they read from).
    pub fn wires(&self) -> Vec<(Node, Node)> {
        let mut w = vec![(Node::Shopper, Node::Orders)];
        for (i, _) in &self.services {
            if self.direct.contains(i) {
                w.push((Node::Orders, Node::Service(*i)));
            } else if self.wiring == Wiring::Event {
                w.push((Node::Broker, Node::Service(*i)));
            }
        }
        let placed = |i: u16| self.services.iter().any(|&(s, _)| s == i);
        match self.wiring {
            Wiring::Request => {
                for &(a, b) in &self.calls {
                    if placed(a) && placed(b) {
                        w.push((Node::Service(a), Node::Service(b)));
                    }
                }
            }
            Wiring::Event => {
                for &i in &self.publishers {
                    if placed(i) && self.direct.contains(&i) {
                        w.push((Node::Service(i), Node::Broker));
                    }
                }
                w.push((Node::Orders, Node::Broker));
            }
        }
        w
    }

    /// The path of the wire from `a` to `b`: straight, or, from a hub to a service in its
    /// column or grid, by way of the fan's path (hubs on a tall stage sit on that path); from a
    /// service to a service in another column, level out of the one, along the gap between
    /// their columns (on a phone, down the middle) and level into the other.
    pub fn route(&self, a: Node, b: Node) -> Option<Route> {
        let (pa, pb) = (self.pos(a)?, self.pos(b)?);
        let (hub, end) = match (a, b) {
            (Node::Orders | Node::Broker, Node::Service(_)) => (pa, pb),
            (Node::Service(_), Node::Orders | Node::Broker) => (pb, pa),
            (Node::Service(_), Node::Service(_)) => {
                let bus_x = match self.fan {
                    Fan::Column { .. } if (pa.0 - pb.0).abs() > 1.0 => (pa.0 + pb.0) / 2.0,
                    Fan::Grid { bus_x } if (pa.0 - bus_x).abs() > 1.0 || (pb.0 - bus_x).abs() > 1.0 => bus_x,
                    _ => return Some(Route::of(&[pa, pb])),
                };
                let mut pts = vec![pa];
                for p in [(bus_x, pa.1), (bus_x, pb.1), pb] {
                    if pts.last() != Some(&p) {
                        pts.push(p);
                    }
                }
                return Some(Route::of(&pts));
            }
            _ => return Some(Route::of(&[pa, pb])),
        };
        let from_broker = matches!(a, Node::Broker) || matches!(b, Node::Broker);
        let fanned = match self.fan {
            // Services in the row above the Order Service are reached straight.
            Fan::Column { bus_x } => hub.0 < bus_x && end.0 > bus_x,
            // A service above the broker (one the Order Service calls, which publishes
            // follow-ups) is reached up the middle too.
            Fan::Grid { bus_x } => (end.0 - bus_x).abs() > 1.0 && (end.1 > hub.1 || from_broker),
        };
        if !fanned {
            return Some(Route::of(&[pa, pb]));
        }
        let (Fan::Column { bus_x } | Fan::Grid { bus_x }) = self.fan;
        let bend = (bus_x, end.1);
        Some(if matches!(b, Node::Service(_)) { Route::of(&[hub, bend, end]) } else { Route::of(&[end, bend, hub]) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fanout_sim::{Action, Scenario, Setup};

    /// The scenario files the page serves that declare a chain of reactions (the built-in
    /// systems' files have none).
    fn chained() -> Vec<Scenario> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/scenarios");
        let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        paths
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                fanout_sim::system::load(&text).unwrap_or_else(|e| panic!("{}: {e:?}", p.display()))
            })
            .filter(|s| !s.chain.is_empty())
            .collect()
    }

    fn start(scenario: Scenario, wiring: Wiring) -> Sim {
        Sim::from_scenario(scenario, &Setup { wiring, ..Setup::default() }).unwrap()
    }

    /// The money transfer among the scenario files, found by its services (so that no source
    /// of the page names it): a fraud check, then a ledger or a case desk, then notifications.
    fn transfer(wiring: Wiring) -> Sim {
        let keys = ["fraud", "ledger", "notify", "cases", "statement", "analytics"];
        let found = chained().into_iter().find(|s| keys.iter().all(|k| s.catalog_index(k).is_some()));
        start(found.expect("a scenario file with a fraud check, a ledger and notifications"), wiring)
    }

    fn index(sim: &Sim, key: &str) -> u16 {
        sim.scenario().catalog_index(key).unwrap_or_else(|| panic!("no {key}")) as u16
    }

    /// Whether a route's leg from `p` to `q` passes through the box of the node at `c` (a box
    /// of 140 by 60 pixels, about a service's with its usual words, on a stage `w` pixels
    /// wide).
    fn crosses(l: &Layout, w: f64, (p, q): ((f64, f64), (f64, f64)), c: (f64, f64)) -> bool {
        let px = |(x, y): (f64, f64)| (x / 100.0 * w, y / 100.0 * l.height_px);
        let (p, q, c) = (px(p), px(q), px(c));
        (0..=100).map(|k| k as f64 / 100.0).any(|t| {
            let (x, y) = (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
            (x - c.0).abs() < 70.0 && (y - c.1).abs() < 30.0
        })
    }

    #[test]
    fn request_driven_a_chain_runs_left_to_right_on_call_wires_that_pass_no_other_service() {
        let mut sim = transfer(Wiring::Request);
        for service in ["statement", "analytics"] {
            sim.apply(Action::AddSubscriber { service: service.into(), from: Default::default() }).unwrap();
        }
        let [fraud, ledger, notify, cases, statement, analytics] =
            ["fraud", "ledger", "notify", "cases", "statement", "analytics"].map(|k| index(&sim, k));
        let l = Layout::of(&sim, false, false);
        let x = |i: u16| l.pos(Node::Service(i)).unwrap().0;
        assert!(x(ledger) > x(fraud) + 10.0, "the ledger sits right of the fraud check: {l:?}");
        assert!(x(notify) > x(ledger) + 10.0, "notifications sit right of the ledger: {l:?}");
        assert_eq!((x(cases), x(statement), x(analytics)), (x(ledger), x(notify), x(fraud)));
        // Three steps: the shopper sits above the Order Service, left of every column.
        assert!(l.orders.0 < x(fraud) && l.shopper.0 == l.orders.0 && l.shopper.1 < l.orders.1, "{l:?}");
        assert!(
            !l.held_labels_in_nodes() && l.held_label_at(fraud).unwrap().1 > l.pos(Node::Service(fraud)).unwrap().1
        );
        let wires = l.wires();
        for pair in [(fraud, ledger), (ledger, notify), (fraud, cases), (ledger, statement)] {
            assert!(wires.contains(&(Node::Service(pair.0), Node::Service(pair.1))), "{pair:?} in {wires:?}");
        }
        // The Order Service calls only those that read the entry topic.
        let from_orders: Vec<Node> = wires.iter().filter(|w| w.0 == Node::Orders).map(|w| w.1).collect();
        assert_eq!(from_orders, [Node::Service(fraud), Node::Service(analytics)]);
        assert!(!wires.iter().any(|w| w.0 == Node::Broker || w.1 == Node::Broker), "request-driven: no broker wires");
        // No call wire runs through a node it does not connect, on a wide stage of 760 pixels
        // (the lab on a screen 1280 wide) or more, and every leg is level or upright.
        for w in [760.0, 1000.0, 1400.0] {
            for (a, b) in &wires {
                let route = l.route(*a, *b).unwrap();
                let pts = route.points();
                let others = l.services.iter().map(|&(i, p)| (Node::Service(i), p)).chain([
                    (Node::Orders, l.orders),
                    (Node::Shopper, l.shopper),
                    (Node::Broker, l.broker),
                ]);
                for (node, c) in others.filter(|(n, _)| n != a && n != b) {
                    for leg in pts.windows(2) {
                        assert!(
                            !crosses(&l, w, (leg[0], leg[1]), c),
                            "{a:?}->{b:?} crosses {node:?} at {w}px: {pts:?}"
                        );
                    }
                }
                if let (Node::Service(_), Node::Service(_)) = (a, b) {
                    assert!(pts.windows(2).all(|s| s[0].0 == s[1].0 || s[0].1 == s[1].1), "{pts:?}");
                }
            }
        }
        // Nodes in one column keep a row apart, and all stay on the stage.
        for (k, (_, a)) in l.services.iter().enumerate() {
            assert!(a.0 > 0.0 && a.0 < 100.0 && a.1 > 0.0 && a.1 < 100.0);
            for (_, b) in &l.services[k + 1..] {
                if a.0 == b.0 {
                    assert!((a.1 - b.1).abs() / 100.0 * l.height_px >= 70.0, "{a:?} {b:?}");
                }
            }
        }
        // On a phone, those further down the chain are listed after, with their call wires.
        let tall = Layout::of(&sim, true, false);
        let y = |i: u16| tall.pos(Node::Service(i)).unwrap().1;
        assert!(y(ledger) > y(fraud) && y(notify) > y(ledger) && y(statement) > y(cases), "{tall:?}");
        let tall_wires = tall.wires();
        assert!(tall_wires.contains(&(Node::Service(fraud), Node::Service(ledger))));
        assert!(tall_wires.contains(&(Node::Service(ledger), Node::Service(notify))));
        for (a, b) in tall_wires {
            let pts = tall.route(a, b).unwrap().points().to_vec();
            assert!(pts.iter().all(|p| p.1 > 0.0 && p.1 < 100.0), "{pts:?}");
        }
    }

    #[test]
    fn event_driven_a_chain_is_subscribers_of_the_broker_who_publish_back_along_their_wire() {
        let sim = transfer(Wiring::Event);
        let [fraud, ledger] = ["fraud", "ledger"].map(|k| index(&sim, k));
        let l = Layout::of(&sim, false, false);
        assert!(l.services.iter().all(|&(_, p)| p.0 == 84.0), "one column by the broker: {l:?}");
        let wires = l.wires();
        for &i in sim.wired() {
            assert!(wires.contains(&(Node::Broker, Node::Service(i))), "{i} on the broker: {wires:?}");
        }
        assert!(!wires.iter().any(|w| matches!(w, (Node::Service(_), Node::Service(_)))));
        // The fraud check and the ledger publish follow-ups: back along the broker's wire.
        assert!(l.publishers.contains(&fraud) && l.publishers.contains(&ledger), "{:?}", l.publishers);
        let out = l.route(Node::Service(ledger), Node::Broker).unwrap();
        let back = l.route(Node::Broker, Node::Service(ledger)).unwrap();
        assert_eq!(out.points().iter().rev().copied().collect::<Vec<_>>(), back.points());
    }

    #[test]
    fn event_driven_a_called_service_that_publishes_has_its_own_wire_to_the_broker() {
        let mut sim = transfer(Wiring::Event);
        let fraud = index(&sim, "fraud");
        sim.apply(Action::SetSync { service: "fraud".into(), on: true }).unwrap();
        for narrow in [false, true] {
            let l = Layout::of(&sim, narrow, false);
            assert!(l.direct.contains(&fraud));
            assert!(l.wires().contains(&(Node::Service(fraud), Node::Broker)), "{:?}", l.wires());
            let pts = l.route(Node::Service(fraud), Node::Broker).unwrap().points().to_vec();
            assert!(!crosses(&l, 800.0, (pts[0], pts[1]), l.orders), "{pts:?} passes the Order Service");
        }
    }

    /// Any declared chain, every service wired: request-driven, each service sits right of
    /// (on a phone, below) every service whose reaction it follows, on a call wire from it.
    #[test]
    fn request_driven_every_chain_declared_runs_left_to_right() {
        let all = chained();
        assert!(!all.is_empty(), "the page serves a scenario with a chain");
        for scenario in all {
            let mut sim = start(scenario, Wiring::Request);
            for c in sim.scenario().catalog.clone() {
                if !sim.wired().contains(&(sim.scenario().catalog_index(&c.key).unwrap() as u16)) {
                    sim.apply(Action::AddSubscriber { service: c.key.clone(), from: Default::default() }).unwrap();
                }
            }
            let graph = Graph::of(&sim);
            assert!(!graph.follows.is_empty(), "{}", sim.scenario().title);
            for narrow in [false, true] {
                let l = Layout::of(&sim, narrow, false);
                let wires = l.wires();
                for &(a, b) in &graph.follows {
                    let (pa, pb) = (l.pos(Node::Service(a)).unwrap(), l.pos(Node::Service(b)).unwrap());
                    assert!(if narrow { pb.1 > pa.1 } else { pb.0 > pa.0 }, "{a} before {b}: {l:?}");
                    assert!(wires.contains(&(Node::Service(a), Node::Service(b))), "{a}->{b}: {wires:?}");
                }
            }
        }
    }

    /// The built-in systems have no chain: every service reads the entry topic, and the stage
    /// is what it was before chains.
    #[test]
    fn built_in_systems_draw_one_column_as_before() {
        for id in Scenario::IDS {
            for wiring in [Wiring::Event, Wiring::Request] {
                let sim = Sim::from_setup(&Setup { scenario: id.to_string(), wiring, ..Setup::default() }).unwrap();
                let graph = Graph::of(&sim);
                assert_eq!(graph, Graph::flat(sim.wired()), "{id}");
                for narrow in [false, true] {
                    for compact in [false, true] {
                        let new = Layout::new(wiring, sim.wired(), &sim.called_directly(), narrow, compact);
                        assert_eq!(Layout::of(&sim, narrow, compact), new, "{id} {wiring:?}");
                    }
                }
            }
        }
    }
}
