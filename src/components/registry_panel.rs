//! The broker's schema registry: for each event type with a schema, its compatibility mode,
//! the versions registered (with their fields and who reads each), the proposed schemas a
//! producer can deploy (each described as a change to the latest version), the version each
//! consumer reads with, and the history of every registration asked, with the registry's
//! answer and, for a refusal, the version it conflicts with and why.

use crate::engine::EngineHandle;
use crate::narration::{conflict_text, mode_text};
use fanout_sim::compat::{Compatibility, SchemaField};
use fanout_sim::evolution::SubjectView;
use fanout_sim::schema_registry::Outcome;
use fanout_sim::time::human;
use fanout_sim::Action;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RegistryPanelProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

/// A version's fields: `order_id`, `coupon?` for one with a default.
pub fn fields_text(fields: &[SchemaField]) -> String {
    fields
        .iter()
        .map(|f| if f.has_default { format!("{}?", f.name) } else { f.name.clone() })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a proposed schema changes, next to `from`: fields added (optional or required),
/// removed, retyped, made optional or required; a removal and an addition of the same type
/// read as a rename, which is what they are to a reader.
pub fn change_text(from: &[SchemaField], to: &[SchemaField]) -> String {
    let find = |fs: &[SchemaField], n: &str| fs.iter().find(|f| f.name == n).cloned();
    let mut added: Vec<SchemaField> = to.iter().filter(|f| find(from, &f.name).is_none()).cloned().collect();
    let mut removed: Vec<SchemaField> = from.iter().filter(|f| find(to, &f.name).is_none()).cloned().collect();
    let mut parts = Vec::new();
    // Renames: a removed field and an added one of the same type.
    let mut k = 0;
    while k < removed.len() {
        if let Some(j) = added.iter().position(|a| a.ty == removed[k].ty) {
            let (r, a) = (removed.remove(k), added.remove(j));
            parts.push(format!("renames `{}` to `{}` (a delete plus an add)", r.name, a.name));
        } else {
            k += 1;
        }
    }
    for a in &added {
        parts.push(if a.has_default {
            format!("adds `{}` (optional, with a default)", a.name)
        } else {
            format!("adds `{}` (required)", a.name)
        });
    }
    for r in &removed {
        parts.push(format!("removes `{}`", r.name));
    }
    for t in to {
        if let Some(f) = find(from, &t.name) {
            if f.ty != t.ty {
                parts.push(format!("changes `{}` from {} to {}", t.name, <&str>::from(f.ty), <&str>::from(t.ty)));
            } else if f.has_default != t.has_default {
                parts.push(format!(
                    "makes `{}` {}",
                    t.name,
                    if t.has_default { "optional" } else { "required (no default)" }
                ));
            }
        }
    }
    if parts.is_empty() {
        "no change".into()
    } else {
        parts.join("; ")
    }
}

fn outcome_text(o: &Outcome) -> (String, &'static str) {
    match o {
        Outcome::Registered { version } => (format!("accepted as v{version}"), "ok"),
        Outcome::AlreadyRegistered { version } => (format!("already registered as v{version}"), "ok"),
        Outcome::Refused { mode, conflict } => {
            (format!("refused under {}: {}", mode.key(), conflict_text(conflict)), "refused")
        }
    }
}

#[component]
pub fn RegistryPanel(props: &RegistryPanelProps) -> Html {
    let e = props.engine.borrow();
    let sim = e.sim();
    let Some(view) = sim.schema_view() else { return html! {} };
    let sc = sim.scenario();
    let subject = |s: &SubjectView| {
        let name = sc.type_name(s.mtype).to_string();
        // What deploying a proposal would change: against what the producer writes now.
        let current = s.versions.iter().find(|v| v.0 == s.producer).map(|v| v.1.clone()).unwrap_or_default();
        let describe = |fields: &Vec<SchemaField>| -> String {
            let mut sorted = fields.clone();
            sorted.sort_by(|a, b| a.name.cmp(&b.name));
            match s.versions.iter().find(|v| v.1 == sorted) {
                Some((n, _)) if *n == s.producer => format!("registered as v{n}, written now"),
                Some((n, _)) => format!("registered as v{n}; {}", change_text(&current, fields)),
                None => change_text(&current, fields),
            }
        };
        let on_mode = {
            let (engine, on_changed, message) = (props.engine.clone(), props.on_changed.clone(), name.clone());
            Callback::from(move |ev: Event| {
                if let Some(compatibility) =
                    Compatibility::parse(&ev.target_unchecked_into::<HtmlSelectElement>().value())
                {
                    on_changed.emit(engine.apply(Action::SetCompatibility { message: message.clone(), compatibility }));
                }
            })
        };
        let deploy = |key: &str| {
            let (engine, on_changed, message, proposal) =
                (props.engine.clone(), props.on_changed.clone(), name.clone(), key.to_string());
            Callback::from(move |_: MouseEvent| {
                on_changed.emit(engine.apply(Action::Deploy { message: message.clone(), proposal: proposal.clone() }))
            })
        };
        let reader = |i: u16| {
            let (engine, on_changed, message) = (props.engine.clone(), props.on_changed.clone(), name.clone());
            let service = sc.catalog[i as usize].key.clone();
            Callback::from(move |ev: Event| {
                let v = ev.target_unchecked_into::<HtmlSelectElement>().value();
                if let Ok(version) = v.parse::<u32>() {
                    on_changed.emit(engine.apply(Action::SetReaderVersion {
                        service: service.clone(),
                        message: message.clone(),
                        version,
                    }))
                }
            })
        };
        let readers_of = |version: u32| -> String {
            let names: Vec<&str> = sim
                .wired()
                .iter()
                .filter(|&&i| s.readers[i as usize] == version)
                .map(|&i| sc.catalog[i as usize].name.as_str())
                .collect();
            if names.is_empty() {
                "–".into()
            } else {
                names.join(", ")
            }
        };
        let consumer = |&i: &u16| {
            let key = &sc.catalog[i as usize].key;
            let v = s.readers[i as usize];
            let can = sim.schema_readable(s.mtype, v, s.producer);
            html! {
                <li class={classes!((!can).then_some("unreadable"))} data-testid={format!("reader-row-{key}")}
                    data-version={v.to_string()} data-reads={can.to_string()}>
                    <label class="field inline">
                        <span>{ format!("{} reads", sc.catalog[i as usize].name) }</span>
                        <select data-testid={format!("reader-{key}")} onchange={reader(i)}>
                            { for s.versions.iter().map(|(n, _)| html! { <option value={n.to_string()} selected={*n == v}>{ format!("v{n}") }</option> }) }
                        </select>
                    </label>
                    <span class="status-mark" aria-hidden="true">{ if can { "✓" } else { "✗" } }</span>
                    { if can {
                        format!("can read v{}", s.producer)
                    } else {
                        format!("cannot read v{} (its events fail, then wait in its dead letters)", s.producer)
                    } }
                    if view.unreadable[i as usize] > 0 {
                        { format!("; {} failed reads so far", view.unreadable[i as usize]) }
                    }
                </li>
            }
        };
        html! {
            <div class="subject" data-testid={format!("subject-{name}")} data-producer={s.producer.to_string()}
                 data-mode={s.mode.key()} data-versions={s.versions.len().to_string()}>
                <h3>{ format!("{name}, written by the {}", sc.order_service.name) }</h3>
                <label class="field inline">
                    <span>{ "Compatibility" }</span>
                    <select data-testid={format!("registry-mode-{name}")} onchange={on_mode}>
                        { for Compatibility::ALL.iter().map(|m| html! {
                            <option value={m.key()} selected={*m == s.mode}>{ m.key() }</option>
                        }) }
                    </select>
                </label>
                <p class="menu-note">{ format!("{}: {}.", s.mode.key(), mode_text(s.mode)) }</p>
                <p class="topic-summary" data-testid={format!("registry-producer-{name}")}>
                    { format!("The {} writes v{}.", sc.order_service.name, s.producer) }
                </p>
                <div class="subs-wrap" tabindex="0" role="region" aria-label={format!("{name} versions")}>
                    <table class="subs registry-versions">
                        <caption>{ "Registered versions (a ? marks a field with a default)" }</caption>
                        <thead><tr><th scope="col">{ "Version" }</th><th scope="col">{ "Fields" }</th><th scope="col">{ "Read by" }</th></tr></thead>
                        <tbody>
                            { for s.versions.iter().map(|(n, fields)| html! {
                                <tr class={classes!((*n == s.producer).then_some("written"))}>
                                    <td>{ if *n == s.producer { format!("v{n} (written now)") } else { format!("v{n}") } }</td>
                                    <td>{ fields_text(fields) }</td><td>{ readers_of(*n) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                <h4>{ "Deploy a new schema" }</h4>
                <ul class="proposals">
                    { for s.proposals.iter().map(|(key, fields)| html! {
                        <li>
                            <button type="button" class="button small" data-testid={format!("deploy-{key}")} onclick={deploy(key)}
                                    aria-label={format!("Deploy {key}")}>{ "Deploy" }</button>
                            <code>{ key.clone() }</code>{ format!(": {}", describe(fields)) }
                        </li>
                    }) }
                </ul>
                <h4>{ "Consumers" }</h4>
                <ul class="readers">{ for sim.wired().iter().map(consumer) }</ul>
                <div class="subs-wrap" tabindex="0" role="region" aria-label={format!("{name} registrations")}>
                    <table class="subs registry-history" data-testid={format!("registry-history-{name}")}>
                        <caption>{ "Every registration asked, oldest first" }</caption>
                        <thead><tr><th scope="col">{ "When" }</th><th scope="col">{ "Schema" }</th><th scope="col">{ "Registry's answer" }</th></tr></thead>
                        <tbody>
                            { for s.history.iter().map(|r| {
                                let (said, class) = outcome_text(&r.outcome);
                                let what = r.proposal.map_or("as declared".to_string(), |p| s.proposals[p as usize].0.clone());
                                html! { <tr class={class}><td>{ human(r.at_us) }</td><td>{ what }</td><td>{ said }</td></tr> }
                            }) }
                        </tbody>
                    </table>
                </div>
            </div>
        }
    };
    // Folded until something has evolved, so that labs about other things keep it small.
    let evolved = view.evolved();
    let summary: Vec<String> =
        view.subjects.iter().map(|s| format!("{} v{}", sc.type_name(s.mtype), s.producer)).collect();
    html! {
        <section class="registry" aria-labelledby="registry-title" data-testid="registry-panel"
                 data-refused={view.refused.to_string()}>
            <details open={evolved} data-testid="registry-details">
                <summary><h2 id="registry-title">{ format!("The schema registry ({})", summary.join(", ")) }</h2></summary>
                { for view.subjects.iter().map(subject) }
            </details>
        </section>
    }
}
