//! A polite live region that reads out what happened without flooding: at most one
//! announcement every few seconds, summarised when many things happened at once.

use crate::engine::EngineHandle;
use crate::narration::note_text;
use fanout_sim::narration::{Note, NoteKind};
use fanout_sim::Scenario;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AnnouncerProps {
    pub engine: EngineHandle,
    pub tick: u64,
}

/// Ticks between announcements (a tick is a quarter of a second).
const EVERY_TICKS: u64 = 8;
/// Up to this many new notes are read one by one; more are summarised.
const SPELL_OUT: usize = 3;

/// What to say about `notes`, the notes since the last announcement.
pub fn announcement(notes: &[&Note], sc: &Scenario) -> String {
    if notes.len() <= SPELL_OUT {
        return notes.iter().map(|n| note_text(n, sc)).collect::<Vec<_>>().join(". ");
    }
    let count = |f: fn(&NoteKind) -> bool| notes.iter().filter(|n| f(&n.kind)).count();
    let placed = count(|k| matches!(k, NoteKind::OrderPlaced));
    let ok = count(|k| matches!(k, NoteKind::Confirmed { .. }));
    let failed = count(|k| matches!(k, NoteKind::Failed { .. }));
    // In the scenario's words: "12 orders placed", "12 trips booked".
    let placed = format!("{} {}", crate::words::count(placed as u64, &sc.noun), sc.placed_verb);
    let mut parts = vec![format!("{placed}, {ok} confirmed, {failed} failed")];
    // Anything that is not routine is worth reading out in full, latest last.
    parts.extend(notes.iter().filter(|n| !n.is_routine() && !n.is_failure()).map(|n| note_text(n, sc)));
    if let Some(f) = notes.iter().rev().find(|n| n.is_failure()) {
        parts.push(format!("Latest failure: {}", note_text(f, sc)));
    }
    parts.join(". ")
}

#[component]
pub fn Announcer(props: &AnnouncerProps) -> Html {
    // (notes seen so far, tick of the last announcement, the text)
    let said = use_mut_ref(|| (None::<u64>, 0u64, String::new()));
    {
        let e = props.engine.borrow();
        let sim = &e.sim();
        let total = sim.notes_total();
        let mut s = said.borrow_mut();
        match s.0 {
            // Nothing is announced for what was there before the page opened.
            None => s.0 = Some(total),
            Some(seen) if total > seen && props.tick >= s.1 + EVERY_TICKS => {
                let new = ((total - seen) as usize).min(sim.notes().len());
                let notes: Vec<&Note> = sim.notes().skip(sim.notes().len() - new).collect();
                s.2 = announcement(&notes, sim.scenario());
                s.0 = Some(total);
                s.1 = props.tick;
            }
            // A reset starts the notes again from zero.
            Some(seen) if total < seen => s.0 = Some(total),
            _ => {}
        }
    }
    let text = said.borrow().2.clone();
    html! {
        <div class="sr-only" data-testid="announcer" aria-live="polite" aria-atomic="true">{ text }</div>
    }
}
