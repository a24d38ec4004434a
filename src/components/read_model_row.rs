//! One read model of the event store: a bar of the log from position 0 to its head, filled as
//! far as the read model has read (hatched when its figures disagree with the log), the
//! unread rest waiting, its checkpoint and snapshot marked; then in words whether it is
//! caught up, behind, stopped, rebuilding or wrong, its figures beside the log's, and the
//! buttons that rebuild it or delete its snapshot.

use crate::narration::read_model_name;
use crate::state::capitalise;
use crate::words::count;
use fanout_sim::consumer::money;
use fanout_sim::event_store::Figures;
use fanout_sim::projection::ProjectionKind;
use fanout_sim::sourcing::{Condition, ProjectionView};
use fanout_sim::time::human;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReadModelRowProps {
    pub view: ProjectionView,
    /// Events in the log.
    pub head: u64,
    /// The scenario's word for what is kept: `order`.
    pub noun: AttrValue,
    pub on_rebuild: Callback<ProjectionKind>,
    pub on_delete_snapshot: Callback<ProjectionKind>,
}

/// Where a position falls on the bar, in percent.
fn at(position: u64, head: u64) -> f64 {
    if head == 0 {
        0.0
    } else {
        position as f64 * 100.0 / head as f64
    }
}

/// What the read model shows, in words.
fn figures_text(kind: ProjectionKind, f: &Figures, noun: &str) -> String {
    match kind {
        ProjectionKind::History => format!(
            "{} ({} cancelled, {})",
            count(f.orders, noun),
            f.cancelled,
            count(f.address_changes, "address change")
        ),
        ProjectionKind::Dashboard => format!("sales {} from {}", money(f.sales_cents), count(f.orders, noun)),
        ProjectionKind::Emails => format!("{} owed", count(f.orders + f.cancelled, "email")),
    }
}

/// Its state in one phrase, and a class for the mark beside it.
fn status(v: &ProjectionView) -> (String, &'static str) {
    let behind = format!("{} behind ({})", count(v.lag_events, "event"), human(v.lag_us));
    match v.condition() {
        Condition::Wrong => {
            let why = match v.kind {
                ProjectionKind::Dashboard => format!(
                    "its sales are {} where the log says {}",
                    money(v.figures.sales_cents),
                    money(v.truth.sales_cents)
                ),
                _ => "its figures differ from the log's".into(),
            };
            (format!("Wrong, not just behind: {why}"), "wrong")
        }
        Condition::Stopped => (format!("Stopped, {behind}: right up to position {}", v.position), "behind"),
        Condition::Rebuilding { from } => (format!("Rebuilding from position {from}: {behind}"), "behind"),
        Condition::Behind => (format!("Behind but right: {behind}"), "behind"),
        Condition::KeepingUp => (format!("Keeping up: {behind}, as a projection always is"), "ok"),
        Condition::CaughtUp => ("Caught up with the log".into(), "ok"),
    }
}

#[component]
pub fn ReadModelRow(props: &ReadModelRowProps) -> Html {
    let v = &props.view;
    let head = props.head;
    let key = v.kind.key();
    let name = capitalise(read_model_name(v.kind));
    let (said, mark) = status(v);
    let rebuild_from = match v.snapshot {
        Some(s) if !v.snapshot_stale => format!("from its snapshot at position {}", s.saved.position),
        _ => "from position 0".to_string(),
    };
    let snapshot = match v.snapshot {
        None => "no snapshot".to_string(),
        Some(s) if v.snapshot_stale => {
            format!("snapshot at position {} (taken before a code change: a rebuild ignores it)", s.saved.position)
        }
        Some(s) => format!("snapshot at position {}", s.saved.position),
    };
    let last = v.last_rebuild.map(|d| {
        format!(
            "Last rebuild: from position {}, read {} in {}{}.",
            d.from,
            count(d.replayed, "event"),
            human(d.took_us),
            if v.kind == ProjectionKind::Emails {
                format!(", {} sent again", count(d.resent, "email"))
            } else {
                String::new()
            }
        )
    });
    let on_rebuild = {
        let (cb, kind) = (props.on_rebuild.clone(), v.kind);
        Callback::from(move |_: MouseEvent| cb.emit(kind))
    };
    let on_delete = {
        let (cb, kind) = (props.on_delete_snapshot.clone(), v.kind);
        Callback::from(move |_: MouseEvent| cb.emit(kind))
    };
    let hatch = format!("hatch-{key}");
    let read = at(v.position, head);
    html! {
        <div class={classes!("read-model", mark)} data-testid={format!("read-model-{key}")}
             data-lag={v.lag_events.to_string()} data-wrong={v.wrong().to_string()} data-position={v.position.to_string()}
             data-stopped={v.stopped.to_string()} data-rebuilding={v.rebuilding_from.is_some().to_string()}>
            <h3>{ name.clone() }</h3>
            <svg class="log-bar" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                <defs>
                    <pattern id={hatch.clone()} width="3" height="3" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="3" height="3" class="hatch-back" />
                        <line x1="0" y1="0" x2="0" y2="3" class="hatch-line" />
                    </pattern>
                </defs>
                <rect class="log-unread" x="0" y="2" width="100" height="8" />
                <rect class={classes!("log-read", v.wrong().then_some("wrong"))} x="0" y="2" width={format!("{read:.2}")} height="8"
                      style={v.wrong().then(|| format!("fill:url(#{hatch})"))} />
                <line class="log-checkpoint" x1={format!("{:.2}", at(v.checkpoint, head))} x2={format!("{:.2}", at(v.checkpoint, head))} y1="0" y2="12" />
                if let Some(s) = v.snapshot {
                    <path class={classes!("log-snapshot", v.snapshot_stale.then_some("stale"))}
                          d={format!("M{x:.2} 0 L{x:.2} 12", x = at(s.saved.position, head))} />
                }
            </svg>
            <p class="read-model-status" data-testid={format!("read-model-status-{key}")}>
                <span class={classes!("status-mark", mark)} aria-hidden="true">{ match mark { "wrong" => "✗", "behind" => "…", _ => "✓" } }</span>
                { said }
            </p>
            if v.kind == ProjectionKind::Emails {
                <p class="read-model-figures" data-testid="emails-counts" data-resent={v.emails.resent.to_string()}
                   data-held={v.emails.held_back.to_string()}>
                    { format!("Emails sent {}; sent again in replays {}; held back by the guard {}.",
                              v.emails.sent, v.emails.resent, v.emails.held_back) }
                </p>
            }
            // The figures in words, folded: the bar and the status say what a glance needs.
            <details class="read-model-more">
                <summary>{ "Figures, checkpoint and stale window" }</summary>
                <p class="read-model-figures">
                    { format!("Shows {} at position {} of {}; the log says {} there. Checkpoint at {}; {}.",
                              figures_text(v.kind, &v.figures, &props.noun), v.position, head,
                              figures_text(v.kind, &v.truth, &props.noun),
                              v.checkpoint, snapshot) }
                </p>
                if v.stale.count > 0 {
                    <p class="read-model-figures" data-testid={format!("read-model-stale-{key}")}
                       data-p95-ms={(v.stale.p95_us / 1000).to_string()}>
                        { format!("Stale window: a read here misses a write for up to {} (95th percentile of recent events; the worst {}).",
                                  human(v.stale.p95_us), human(v.stale.max_us)) }
                    </p>
                }
            </details>
            if let Some(last) = last {
                <p class="read-model-last" data-testid={format!("read-model-last-{key}")}>{ last }</p>
            }
            <div class="menu-row">
                <button type="button" class="button small" data-testid={format!("rebuild-{key}")} onclick={on_rebuild}
                        aria-label={format!("Rebuild {} {rebuild_from}", read_model_name(v.kind))}>
                    { "Rebuild" }
                </button>
                <button type="button" class="button small" data-testid={format!("delete-snapshot-{key}")} onclick={on_delete}
                        disabled={v.snapshot.is_none()} aria-label={format!("Delete the snapshot of {}", read_model_name(v.kind))}>
                    { "Delete snapshot" }
                </button>
            </div>
        </div>
    }
}
