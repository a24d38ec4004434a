//! Paints the messages in flight onto the stage's canvas, once per animation frame,
//! straight from the core's state. It decides nothing: each message is drawn at
//! `(now - sent) / (due - sent)` of the way along its wire.

use crate::layout::Layout;
use fanout_sim::saga::{SagaSpec, SagaWhat};
use fanout_sim::{Message, MsgKind, Node, Sim};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Colours per theme, from the Okabe-Ito colour-blind-safe palette, darkened where needed
/// for 3:1 contrast on a light stage.
struct Palette {
    order: &'static str,
    call: &'static str,
    event: &'static str,
    ok: &'static str,
    fail: &'static str,
    /// The follow-up types' colours, in the order of `FOLLOW_UP_LOOKS` (the legend's CSS
    /// classes `msg-f0`..`msg-f3` name the same colours).
    follow_ups: [&'static str; FOLLOW_UP_LOOKS.len()],
}

const LIGHT: Palette = Palette {
    order: "#0067a5",
    call: "#a65400",
    event: "#9c3d86",
    ok: "#00734f",
    fail: "#c2410c",
    follow_ups: ["#5e4fa2", "#7a6100", "#00708a", "#7a4e2d"],
};
const DARK: Palette = Palette {
    order: "#56b4e9",
    call: "#e69f00",
    event: "#d98cba",
    ok: "#2fbf8f",
    fail: "#ff7a45",
    follow_ups: ["#a89bf0", "#f0e442", "#5fd3e8", "#d9a066"],
};

/// The looks of the types a scenario's reactions publish or send, beyond its entry's two: its
/// first follow-up type is drawn as the first, and so on, round again after the fourth.
pub const FOLLOW_UP_LOOKS: [Look; 4] = [Look::FollowUp0, Look::FollowUp1, Look::FollowUp2, Look::FollowUp3];

/// The follow-up look of message type `t` (from `MessageType::FIRST_FOLLOW_UP`).
pub fn follow_up_look(t: fanout_sim::message::MessageType) -> Look {
    let k = t.0.saturating_sub(fanout_sim::message::MessageType::FIRST_FOLLOW_UP) as usize;
    FOLLOW_UP_LOOKS[k % FOLLOW_UP_LOOKS.len()]
}

/// How each kind of message is drawn; the shape says as much as the colour.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Dot(f64),
    Ring(f64),
    Square(f64),
    HollowSquare(f64),
    Diamond(f64),
    HollowDiamond(f64),
    Triangle(f64),
    Cross(f64),
    /// A tick: an acknowledgement.
    Check(f64),
    Hexagon(f64),
    /// Point down, unlike the cancel request's.
    DownTriangle(f64),
    Star(f64),
    /// A wide, short bar.
    Bar(f64),
}

/// The ways a message can look, in drawing order (small acknowledgements last, on top).
/// Declared in the order of `LOOKS`, so `look as usize` is its place there.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Look {
    Order,
    CancelRequest,
    Confirm,
    Call,
    Reply,
    Placed,
    Cancelled,
    FollowUp0,
    FollowUp1,
    FollowUp2,
    FollowUp3,
    /// A saga's command to do a step.
    SagaCommand,
    /// A saga's event: a step is done.
    SagaDone,
    /// A compensation's command (or the order's timeout): undo a step.
    SagaUndo,
    /// A compensation's event: a step is undone.
    SagaUndone,
    Ack,
    Failure,
    /// A delivery or acknowledgement that vanished: drawn as a small cross from mid-wire on.
    Vanished,
}

pub const LOOKS: [Look; 18] = [
    Look::Order,
    Look::CancelRequest,
    Look::Confirm,
    Look::Call,
    Look::Reply,
    Look::Placed,
    Look::Cancelled,
    Look::FollowUp0,
    Look::FollowUp1,
    Look::FollowUp2,
    Look::FollowUp3,
    Look::SagaCommand,
    Look::SagaDone,
    Look::SagaUndo,
    Look::SagaUndone,
    Look::Ack,
    Look::Failure,
    Look::Vanished,
];

pub fn look(m: &Message, now: u64, reduced: bool, saga: Option<&SagaSpec>) -> Look {
    let vanished_part = if reduced { true } else { m.progress(now) >= 0.5 };
    if m.lost && vanished_part {
        return Look::Vanished;
    }
    match m.kind {
        MsgKind::Saga => saga_look(m, saga),
        MsgKind::PlaceOrder => Look::Order,
        MsgKind::CancelOrder => Look::CancelRequest,
        MsgKind::Confirm => Look::Confirm,
        MsgKind::Call => Look::Call,
        MsgKind::Reply => Look::Reply,
        MsgKind::Publish | MsgKind::Deliver if m.mtype.is_follow_up() => follow_up_look(m.mtype),
        MsgKind::Publish | MsgKind::Deliver if m.is_cancellation() => Look::Cancelled,
        MsgKind::Publish | MsgKind::Deliver => Look::Placed,
        MsgKind::PublishAck | MsgKind::Ack => Look::Ack,
        MsgKind::Reject | MsgKind::ErrorReply(_) | MsgKind::PublishNack | MsgKind::Nack => Look::Failure,
    }
}

/// How a saga's message is drawn: a step's command and its done event forward; a failure
/// as a failure; the compensations in the failure colour, with shapes of their own.
fn saga_look(m: &Message, saga: Option<&SagaSpec>) -> Look {
    let Some(spec) = saga else { return Look::Placed };
    if spec.is_abort(m.mtype) {
        return Look::SagaUndo;
    }
    match spec.decode(m.mtype).map(|(_, what)| what) {
        Some(SagaWhat::Run) => Look::SagaCommand,
        Some(SagaWhat::Done) => Look::SagaDone,
        Some(SagaWhat::Failed) => Look::Failure,
        Some(SagaWhat::Undo) => Look::SagaUndo,
        Some(SagaWhat::Undone) => Look::SagaUndone,
        // The entry event handed on to start the saga.
        None => Look::Placed,
    }
}

/// The radius of a message token for a stage `w` CSS pixels wide: tokens scale with the stage
/// and are never under 16 px across, so a student can follow one by eye on a phone too.
pub fn token_radius(w: f64) -> f64 {
    (w / 100.0).clamp(8.0, 12.0)
}

fn style(look: Look, p: &Palette, r: f64) -> (Shape, &'static str) {
    match look {
        Look::Order => (Shape::Dot(r), p.order),
        Look::CancelRequest => (Shape::Triangle(r * 1.05), p.order),
        Look::Confirm => (Shape::Ring(r * 0.9), p.ok),
        Look::Call => (Shape::Square(r), p.call),
        Look::Reply => (Shape::HollowSquare(r * 0.9), p.call),
        Look::Placed => (Shape::Diamond(r * 1.25), p.event),
        Look::Cancelled => (Shape::HollowDiamond(r * 1.2), p.event),
        Look::FollowUp0 => (Shape::Hexagon(r * 1.15), p.follow_ups[0]),
        Look::FollowUp1 => (Shape::DownTriangle(r * 1.15), p.follow_ups[1]),
        Look::FollowUp2 => (Shape::Star(r * 1.3), p.follow_ups[2]),
        Look::FollowUp3 => (Shape::Bar(r * 1.2), p.follow_ups[3]),
        Look::SagaCommand => (Shape::Square(r), p.call),
        Look::SagaDone => (Shape::Diamond(r * 1.25), p.ok),
        Look::SagaUndo => (Shape::DownTriangle(r * 1.2), p.fail),
        Look::SagaUndone => (Shape::HollowDiamond(r * 1.2), p.fail),
        Look::Ack => (Shape::Check(r), p.ok),
        Look::Failure => (Shape::Cross(r * 0.8), p.fail),
        Look::Vanished => (Shape::Cross(r * 0.6), p.fail),
    }
}

/// Where a message is, in CSS pixels, or None if one end is not on the stage.
pub fn place(m: &Message, layout: &Layout, w: f64, h: f64, now: u64, reduced: bool) -> Option<(f64, f64)> {
    let route = layout.route(m.from, m.to)?;
    // With reduced motion nothing travels: a message shows at the middle of its wire.
    let t = if reduced { 0.5 } else { m.progress(now) };
    let ((x, y), (dx, dy)) = route.at(t, w, h);
    // Answers travel in their own lane, beside the requests they answer, so the two can pass.
    let offset = token_radius(w) * 0.9;
    let lane = if returning(m) { offset } else { -offset };
    Some((x - dy * lane, y + dx * lane))
}

fn returning(m: &Message) -> bool {
    matches!(m.to, Node::Shopper | Node::Orders | Node::Relay) && m.from != Node::Shopper
        || (m.to == Node::Broker && !matches!(m.from, Node::Orders | Node::Relay))
}

/// Shapes per path. Skia rasterises one path of thousands of small shapes several times
/// slower than the same shapes in paths of a dozen or so (measured in headless Chromium:
/// 2,000 diamonds take 15 ms as one path and 3 ms in paths of 16).
const SHAPES_PER_PATH: usize = 16;

/// A device pixel as one number, `x` in the high half: sorting these sorts by x then y.
/// (A plain `u64` also lets the painter share the sort the core already has for times.)
pub fn spot_at(x: i32, y: i32) -> u64 {
    (u64::from(x as u32) << 32) | u64::from(y as u32)
}

/// The device pixel a spot stands for.
pub fn spot_xy(spot: u64) -> (i32, i32) {
    ((spot >> 32) as u32 as i32, spot as u32 as i32)
}

/// Where to stamp each look this frame: whole device pixels, sorted, each spot once.
///
/// At thousands in flight, messages on a wire sit closer than a pixel apart; a shape stamped
/// twice on the same device pixel changes nothing a student can see, so it is stamped once.
/// That keeps the canvas's work bounded by the wires' length rather than by the load.
pub fn spots(sim: &Sim, layout: &Layout, w: f64, h: f64, dpr: f64, reduced: bool) -> [Vec<u64>; LOOKS.len()] {
    let now = sim.now();
    let saga = sim.scenario().saga.as_ref();
    let mut by_look: [Vec<u64>; LOOKS.len()] = Default::default();
    for m in sim.messages() {
        let Some((x, y)) = place(m, layout, w, h, now, reduced) else { continue };
        by_look[look(m, now, reduced, saga) as usize].push(spot_at((x * dpr).round() as i32, (y * dpr).round() as i32));
    }
    for spots in &mut by_look {
        // Sorted, consecutive shapes are neighbours, so each small path stays small.
        spots.sort_unstable();
        spots.dedup();
    }
    by_look
}

/// Draws all messages in flight; returns how many shapes were stamped.
pub fn paint(canvas: &HtmlCanvasElement, sim: &Sim, layout: &Layout, reduced: bool, dark: bool) -> usize {
    let Some(ctx) = context(canvas) else { return 0 };
    let (w, h) = (canvas.client_width() as f64, canvas.client_height() as f64);
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
    let palette = if dark { &DARK } else { &LIGHT };
    let r = token_radius(w);
    let mut drawn = 0;
    for (which, spots) in LOOKS.into_iter().zip(spots(sim, layout, w, h, dpr, reduced)) {
        let (shape, colour) = style(which, palette, r);
        let filled = !matches!(
            shape,
            Shape::Ring(_) | Shape::HollowSquare(_) | Shape::HollowDiamond(_) | Shape::Check(_) | Shape::Cross(_)
        );
        if filled {
            ctx.set_fill_style_str(colour);
        } else {
            ctx.set_stroke_style_str(colour);
            ctx.set_line_width((r * 0.32).max(2.5));
        }
        for path in spots.chunks(SHAPES_PER_PATH) {
            ctx.begin_path();
            for &spot in path {
                let (x, y) = spot_xy(spot);
                trace(&ctx, shape, f64::from(x) / dpr, f64::from(y) / dpr);
            }
            if filled {
                ctx.fill();
            } else {
                ctx.stroke();
            }
            drawn += path.len();
        }
    }
    // Each event of a subject with versions says which it carries, beside its token.
    let badges = version_badges(sim, layout, w, h, reduced);
    if !badges.is_empty() {
        ctx.set_fill_style_str(if dark { "#e9edf5" } else { "#14181f" });
        ctx.set_font(&format!("600 {:.0}px system-ui, sans-serif", (r * 1.1).max(11.0)));
        for (x, y, v) in badges {
            let _ = ctx.fill_text(&format!("v{v}"), x + r * 1.2, y - r * 0.6);
        }
    }
    drawn
}

/// Most version labels drawn in one frame: beyond a few dozen tokens they would only overlap.
pub const BADGES_SHOWN: usize = 60;

/// Where to write a version beside a message, and which: only once the system's schemas have
/// evolved (until then every message is the declared version), only for messages that carry
/// a subject's payload, at most [`BADGES_SHOWN`].
pub fn version_badges(sim: &Sim, layout: &Layout, w: f64, h: f64, reduced: bool) -> Vec<(f64, f64, u32)> {
    if !sim.schemas_evolved() {
        return Vec::new();
    }
    let now = sim.now();
    sim.messages()
        .filter_map(|m| {
            let v = sim.message_version(m)?;
            let (x, y) = place(m, layout, w, h, now, reduced)?;
            Some((x, y, v))
        })
        .take(BADGES_SHOWN)
        .collect()
}

fn trace(ctx: &CanvasRenderingContext2d, shape: Shape, x: f64, y: f64) {
    match shape {
        Shape::Dot(r) | Shape::Ring(r) => {
            ctx.move_to(x + r, y);
            let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        }
        Shape::Square(r) | Shape::HollowSquare(r) => ctx.rect(x - r, y - r, 2.0 * r, 2.0 * r),
        Shape::Triangle(r) => {
            ctx.move_to(x, y - r);
            ctx.line_to(x + r, y + r * 0.8);
            ctx.line_to(x - r, y + r * 0.8);
            ctx.close_path();
        }
        Shape::Diamond(r) | Shape::HollowDiamond(r) => {
            ctx.move_to(x, y - r);
            ctx.line_to(x + r, y);
            ctx.line_to(x, y + r);
            ctx.line_to(x - r, y);
            ctx.close_path();
        }
        Shape::Hexagon(r) => outline(ctx, x, y, r, &HEXAGON),
        Shape::DownTriangle(r) => {
            ctx.move_to(x, y + r);
            ctx.line_to(x + r, y - r * 0.8);
            ctx.line_to(x - r, y - r * 0.8);
            ctx.close_path();
        }
        Shape::Star(r) => outline(ctx, x, y, r, &STAR),
        Shape::Bar(r) => ctx.rect(x - r, y - r * 0.45, 2.0 * r, r * 0.9),
        Shape::Check(r) => {
            ctx.move_to(x - r * 0.8, y);
            ctx.line_to(x - r * 0.2, y + r * 0.6);
            ctx.line_to(x + r * 0.8, y - r * 0.6);
        }
        Shape::Cross(r) => {
            ctx.move_to(x - r, y - r);
            ctx.line_to(x + r, y + r);
            ctx.move_to(x + r, y - r);
            ctx.line_to(x - r, y + r);
        }
    }
}

/// Corners of the shapes with many, on a unit circle: written out rather than computed, so that
/// the module needs no sine or cosine (the trigonometry cost 3 KB of the download).
const HEXAGON: [(f64, f64); 6] = [
    (1.000000, 0.0),
    (0.500000, 0.866025),
    (-0.500000, 0.866025),
    (-1.000000, 0.0),
    (-0.500000, -0.866025),
    (0.500000, -0.866025),
];
/// A five-pointed star, point up: outer corners on the unit circle, inner ones at 0.45.
const STAR: [(f64, f64); 10] = [
    (0.0, -1.000000),
    (0.264503, -0.364058),
    (0.951057, -0.309017),
    (0.427975, 0.139058),
    (0.587785, 0.809017),
    (0.0, 0.450000),
    (-0.587785, 0.809017),
    (-0.427975, 0.139058),
    (-0.951057, -0.309017),
    (-0.264503, -0.364058),
];

/// The closed outline through `corners` (on a unit circle) scaled by `r` around (x, y).
fn outline(ctx: &CanvasRenderingContext2d, x: f64, y: f64, r: f64, corners: &[(f64, f64)]) {
    for (k, &(cx, cy)) in corners.iter().enumerate() {
        let (px, py) = (x + r * cx, y + r * cy);
        if k == 0 {
            ctx.move_to(px, py)
        } else {
            ctx.line_to(px, py)
        }
    }
    ctx.close_path();
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}
