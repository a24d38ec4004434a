//! The canvas painter's plan, in headless Chromium (wasm-bindgen-test): where each message
//! is stamped, checked against the messages the simulation holds.

use fanout::engine::Engine;
use fanout::layout::Layout;
use fanout::paint::{look, place, spot_at, spot_xy, spots, LOOKS};
use fanout_sim::params::LabParams;
use std::collections::HashSet;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A lab from a link, run for `ms` of simulated time at speed 1.
fn run(query: &str, ms: u32) -> Engine {
    let (params, notices) = LabParams::parse(query);
    assert!(notices.is_empty(), "{notices:?}");
    let (mut engine, problems) = Engine::from_params(&params);
    assert!(problems.is_empty(), "{problems:?}");
    for t in 0..=ms / 20 {
        engine.frame(f64::from(t * 20));
    }
    engine
}

const W: f64 = 790.0;
const H: f64 = 420.0;

#[wasm_bindgen_test]
fn looks_are_listed_in_declaration_order() {
    for (i, l) in LOOKS.into_iter().enumerate() {
        assert_eq!(l as usize, i, "{l:?}");
    }
}

#[wasm_bindgen_test]
fn a_spot_is_its_pixel_and_spots_sort_by_x_then_y() {
    for (x, y) in [(0, 0), (1, 2), (789, 419), (-5, 3), (4, -7), (i32::MAX, i32::MIN)] {
        assert_eq!(spot_xy(spot_at(x, y)), (x, y));
    }
    assert!(spot_at(3, 900) < spot_at(4, 0));
    assert!(spot_at(3, 1) < spot_at(3, 2));
}

#[wasm_bindgen_test]
fn every_message_on_the_stage_has_a_spot_of_its_look_and_no_spot_is_stamped_twice() {
    for dpr in [1.0, 2.0] {
        let engine = run("?scenario=flash-sale&wiring=event&rate=37000", 400);
        let sim = engine.sim();
        let layout = Layout::of(&sim, false, false);
        let plan = spots(sim, &layout, W, H, dpr, false);
        for spots in &plan {
            let unique: HashSet<_> = spots.iter().collect();
            assert_eq!(unique.len(), spots.len(), "a spot stamped twice");
        }
        let mut on_stage = 0;
        for m in sim.messages() {
            let Some((x, y)) = place(m, &layout, W, H, sim.now(), false) else { continue };
            on_stage += 1;
            let spot = spot_at((x * dpr).round() as i32, (y * dpr).round() as i32);
            let l = look(m, sim.now(), false, sim.scenario().saga.as_ref());
            assert!(plan[l as usize].binary_search(&spot).is_ok(), "{l:?} at {:?} not stamped", spot_xy(spot));
        }
        let stamped: usize = plan.iter().map(Vec::len).sum();
        assert!(on_stage > 1_000, "the load should put over 1,000 messages on the stage, got {on_stage}");
        // Thousands of messages on a handful of wires share pixels: at least a quarter fewer stamps than messages.
        assert!(stamped * 4 < on_stage * 3, "{stamped} stamps for {on_stage} messages at dpr {dpr}");
    }
}

#[wasm_bindgen_test]
fn a_light_load_stamps_every_message() {
    let engine = run("?scenario=checkout&wiring=request&rate=2", 3_000);
    let sim = engine.sim();
    let layout = Layout::of(&sim, false, false);
    let on_stage = sim.messages().filter(|m| place(m, &layout, W, H, sim.now(), false).is_some()).count();
    let stamped: usize = spots(sim, &layout, W, H, 1.0, false).iter().map(Vec::len).sum();
    assert!(on_stage > 0, "nothing in flight to check");
    assert_eq!(stamped, on_stage);
}

/// A saga's messages are drawn in the saga's looks: commands, done events, and the
/// compensations in looks of their own, never as the entry's event.
#[wasm_bindgen_test]
fn a_sagas_messages_are_drawn_as_commands_events_and_compensations() {
    use fanout::paint::Look;
    use fanout_sim::MsgKind;
    let engine = run("?scenario=checkout-saga&wiring=event&rate=40&speed=1&fault=errors:payment:0.6", 6_000);
    let sim = engine.sim();
    let saga = sim.scenario().saga.as_ref();
    let mut seen = Vec::new();
    for m in sim.messages().filter(|m| m.kind == MsgKind::Saga && !m.lost) {
        let l = look(m, sim.now(), false, saga);
        if !seen.contains(&l) {
            seen.push(l);
        }
    }
    for want in [Look::SagaCommand, Look::SagaDone, Look::SagaUndo, Look::SagaUndone] {
        assert!(seen.contains(&want), "{want:?} among {seen:?}");
    }
}
