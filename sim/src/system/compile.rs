//! Checks a scenario file and turns it into the [`Scenario`] the simulation runs. Every
//! problem is reported at once, each with its path in the file (`services[2].processing.min`),
//! so that an author fixes a file in one pass, as lesson files are checked.

use super::schema::*;
use crate::rng::Dist;
use crate::scenario::{Scenario, ServiceSpec, MAX_SUBSCRIBERS};
use crate::text::is_id;
use crate::time::parse_duration;
use crate::time::Micros;
use crate::topic::MAX_PARTITIONS;
use std::collections::{BTreeMap, BTreeSet};

/// One thing wrong with a file, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where in the file: `reactions[3].then[0].publish`; empty for the whole file.
    pub path: String,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.what)
        } else {
            write!(f, "{}: {}", self.path, self.what)
        }
    }
}

/// Longest text a scenario may give a name or a word; the page has room for no more.
const MAX_WORD: usize = 60;
/// Most services, message types, channels and reactions in one file.
const MAX_ITEMS: usize = 64;

/// Reads a file's text, checks it and compiles it; every problem on failure.
pub fn load(text: &str) -> Result<Scenario, Vec<Problem>> {
    compile(&super::read::read(text)?)
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn bad(&mut self, path: impl Into<String>, what: impl Into<String>) {
        self.problems.push(Problem { path: path.into(), what: what.into() });
    }

    fn word(&mut self, path: &str, w: &str) {
        if w.trim().is_empty() {
            self.bad(path, "must not be empty; the page and the log use it");
        } else if w.chars().count() > MAX_WORD {
            self.bad(path, format!("is longer than {MAX_WORD} characters"));
        } else if w.chars().any(char::is_control) {
            self.bad(path, "must be one line of text");
        }
    }

    fn key(&mut self, path: &str, k: &str) {
        if !is_key(k) {
            self.bad(path, key_problem(k));
        }
    }

    fn duration(&mut self, path: &str, s: &str) -> Micros {
        match parse_duration(s) {
            Ok(us) => us,
            Err(why) => {
                self.bad(path, why);
                0
            }
        }
    }

    fn dist(&mut self, path: &str, p: &Processing) -> Dist {
        let d = |c: &mut Self, name: &str, v: &Option<String>| {
            v.as_deref().map(|s| c.duration(&format!("{path}.{name}"), s))
        };
        let fixed = d(self, "fixed", &p.fixed);
        let min = d(self, "min", &p.min);
        let max = d(self, "max", &p.max);
        let mean_extra = d(self, "mean_extra", &p.mean_extra);
        match (fixed, min, max, mean_extra) {
            (Some(us), None, None, None) => Dist::Fixed { us },
            (None, Some(min_us), Some(max_us), None) => {
                if max_us < min_us {
                    self.bad(format!("{path}.max"), "must not be below min");
                }
                Dist::Uniform { min_us, max_us }
            }
            (None, Some(min_us), None, Some(mean_extra_us)) => Dist::ShiftedExp { min_us, mean_extra_us },
            _ => {
                self.bad(
                    path,
                    "give {\"min\", \"mean_extra\"} (a floor plus an exponential tail), {\"min\", \"max\"} (uniform) \
                     or {\"fixed\"}",
                );
                Dist::Fixed { us: 0 }
            }
        }
    }
}

fn clip(s: &str) -> String {
    crate::text::clip(s, 40)
}

/// A key in a file (a service's, a channel's, a proposal's): lower-case letters, digits and
/// dashes, starting with a letter, at most 32 characters.
pub(super) fn is_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 32
        && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && k.starts_with(|c: char| c.is_ascii_lowercase())
}

pub(super) fn key_problem(k: &str) -> String {
    format!("`{}` must be lower-case letters, digits and dashes, starting with a letter", clip(k))
}

/// A message's field name: lower-case letters, digits and underscores.
pub(super) fn is_field_name(f: &str) -> bool {
    !f.is_empty() && f.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
}

pub(super) const FIELD_NAME_PROBLEM: &str = "field names are lower-case letters, digits and underscores";
pub(super) const NO_ID_PROBLEM: &str = "every message carries the ID of what the actor started: a field of type \"id\"";

fn is_type_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 48
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Checks a file and compiles it into the scenario the simulation runs.
pub fn compile(f: &ScenarioFile) -> Result<Scenario, Vec<Problem>> {
    let mut c = Checker { problems: Vec::new() };
    if f.format != FORMAT {
        c.bad("format", format!("is `{}`; a scenario file says \"{FORMAT}\"", clip(&f.format)));
    }
    if f.version != VERSION {
        c.bad("version", format!("is {}; this lab reads version {VERSION}", f.version));
    }
    if !is_id(&f.id) {
        c.bad("id", format!("`{}` must be lower-case letters, digits and dashes", clip(&f.id)));
    }
    c.word("title", &f.title);
    if f.summary.chars().count() > 300 {
        c.bad("summary", "is longer than 300 characters");
    }
    let w = &f.words;
    for (name, value) in [
        ("actor", &w.actor),
        ("noun", &w.noun),
        ("done_verb", &w.done_verb),
        ("request_noun", &w.request_noun),
        ("doing", &w.doing),
        ("action", &w.action),
    ] {
        c.word(&format!("words.{name}"), value);
    }
    for (list, n) in [
        ("services", f.services.len()),
        ("messages", f.messages.len()),
        ("channels", f.channels.len()),
        ("reactions", f.reactions.len()),
    ] {
        if n > MAX_ITEMS {
            c.bad(list, format!("has {n} entries; at most {MAX_ITEMS}"));
        }
    }

    // ----- messages -----
    let mut messages: BTreeMap<&str, (usize, &MessageDecl)> = BTreeMap::new();
    for (i, m) in f.messages.iter().enumerate() {
        let path = format!("messages[{i}]");
        if !is_type_name(&m.name) {
            c.bad(
                format!("{path}.name"),
                format!("`{}` must be a type name in CamelCase, such as OrderPlaced", clip(&m.name)),
            );
        }
        if messages.insert(m.name.as_str(), (i, m)).is_some() {
            c.bad(format!("{path}.name"), format!("{} is declared twice", m.name));
        }
        if m.version == 0 {
            c.bad(format!("{path}.version"), "versions start at 1");
        }
        for field in m.fields.keys() {
            if !is_field_name(field) {
                c.bad(format!("{path}.fields.{}", clip(field)), FIELD_NAME_PROBLEM);
            }
        }
        if !m.fields.values().any(|t| *t == FieldType::Id) {
            c.bad(format!("{path}.fields"), NO_ID_PROBLEM);
        }
    }
    for (i, m) in f.messages.iter().enumerate() {
        if let Some(u) = &m.undoes {
            match messages.get(u.as_str()) {
                None => c.bad(format!("messages[{i}].undoes"), format!("{} is not a declared message", clip(u))),
                Some((_, other)) if other.kind != MessageKind::Event || m.kind != MessageKind::Event => {
                    c.bad(format!("messages[{i}].undoes"), "only an event can undo another event")
                }
                _ => {}
            }
        }
    }
    let kind_of = |name: &str| messages.get(name).map(|(_, m)| m.kind);

    // ----- services -----
    let mut services: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dists = Vec::new();
    for (i, s) in f.services.iter().enumerate() {
        let path = format!("services[{i}]");
        c.key(&format!("{path}.key"), &s.key);
        if s.key == "broker" {
            c.bad(format!("{path}.key"), "`broker` names the broker in faults; choose another key");
        }
        if services.insert(s.key.as_str(), i).is_some() {
            c.bad(format!("{path}.key"), format!("{} is declared twice", s.key));
        }
        c.word(&format!("{path}.name"), &s.name);
        c.word(&format!("{path}.job"), &s.job);
        dists.push(c.dist(&format!("{path}.processing"), &s.processing));
        if s.concurrency == 0 {
            c.bad(format!("{path}.concurrency"), "must be at least 1; a service with no workers never works");
        }
        if s.concurrency > 100_000 {
            c.bad(format!("{path}.concurrency"), "must be at most 100000");
        }
        if s.queue_limit > 1_000_000 {
            c.bad(format!("{path}.queue_limit"), "must be at most 1000000");
        }
        match &s.state {
            Some(crate::consumer::Effect::Count { noun }) => c.word(&format!("{path}.state.noun"), noun),
            Some(crate::consumer::Effect::Stock { start }) if start.unsigned_abs() > 1_000_000_000 => {
                c.bad(format!("{path}.state.start"), "must be within ±1000000000")
            }
            _ => {}
        }
        if s.role == Role::Entry && s.wired {
            c.bad(format!("{path}.wired"), "the entry service is always there; `wired` is for the services around it");
        }
    }
    let entries: Vec<usize> =
        f.services.iter().enumerate().filter(|(_, s)| s.role == Role::Entry).map(|(i, _)| i).collect();
    if entries.len() != 1 {
        c.bad("services", format!("exactly one service has the role \"entry\"; this file has {}", entries.len()));
    }
    let service_index = |key: &str| services.get(key).copied();

    // ----- channels -----
    let mut carried_by: BTreeMap<&str, usize> = BTreeMap::new();
    let mut names = BTreeSet::new();
    for (i, ch) in f.channels.iter().enumerate() {
        let path = format!("channels[{i}]");
        c.key(&format!("{path}.name"), &ch.name);
        if !names.insert(ch.name.as_str()) {
            c.bad(format!("{path}.name"), format!("{} is declared twice", ch.name));
        }
        if ch.carries.is_empty() {
            c.bad(format!("{path}.carries"), "a channel carries at least one message type");
        }
        for (k, m) in ch.carries.iter().enumerate() {
            let p = format!("{path}.carries[{k}]");
            match kind_of(m) {
                None => c.bad(p, format!("{} is not a declared message", clip(m))),
                Some(MessageKind::Command) if ch.kind == ChannelKind::Topic => {
                    c.bad(p, format!("{m} is a command: commands travel on a queue, to one receiver"))
                }
                Some(MessageKind::Event) if ch.kind == ChannelKind::Queue => {
                    c.bad(p, format!("{m} is an event: events travel on a topic, to any number of listeners"))
                }
                Some(_) => {
                    if carried_by.insert(m.as_str(), i).is_some() {
                        c.bad(p, format!("{m} is already carried by another channel; a message type has one channel"));
                    }
                }
            }
        }
        if let Some(n) = ch.partitions {
            if ch.kind == ChannelKind::Queue {
                c.bad(format!("{path}.partitions"), "a queue has no partitions");
            } else if !(1..=MAX_PARTITIONS).contains(&n) {
                c.bad(format!("{path}.partitions"), format!("must be from 1 to {MAX_PARTITIONS}"));
            }
        }
        if let Some(key) = &ch.key {
            for m in &ch.carries {
                let has = messages.get(m.as_str()).is_some_and(|(_, d)| d.fields.contains_key(key));
                if kind_of(m).is_some() && !has {
                    c.bad(format!("{path}.key"), format!("{m} has no field `{}`", clip(key)));
                }
            }
        }
        if let Some(r) = &ch.retention {
            c.duration(&format!("{path}.retention"), r);
        }
    }

    // ----- reactions -----
    let mut handled: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (i, r) in f.reactions.iter().enumerate() {
        let path = format!("reactions[{i}]");
        if service_index(&r.service).is_none() {
            c.bad(format!("{path}.service"), format!("{} is not a declared service", clip(&r.service)));
        }
        if kind_of(&r.handles).is_none() {
            c.bad(format!("{path}.handles"), format!("{} is not a declared message", clip(&r.handles)));
        }
        if !handled.insert((r.service.as_str(), r.handles.as_str())) {
            c.bad(path.clone(), format!("{} already has a reaction to {}", r.service, r.handles));
        }
        if !r.then.is_empty() && !r.outcomes.is_empty() {
            c.bad(path.clone(), "give `then` or `outcomes`, not both");
        }
        let mut thens: Vec<(String, &Then)> =
            r.then.iter().enumerate().map(|(k, t)| (format!("{path}.then[{k}]"), t)).collect();
        let mut total = 0.0;
        for (k, o) in r.outcomes.iter().enumerate() {
            let p = format!("{path}.outcomes[{k}]");
            match (o.weight, &o.condition) {
                (Some(w), None) if w.is_finite() && w > 0.0 => total += w,
                (Some(_), None) => c.bad(format!("{p}.weight"), "must be a number above 0"),
                (None, Some(cond)) => {
                    let numeric = messages.get(r.handles.as_str()).and_then(|(_, m)| m.fields.get(&cond.field));
                    if !matches!(numeric, Some(FieldType::Money | FieldType::Number)) {
                        c.bad(
                            format!("{p}.if.field"),
                            format!("{} has no number field `{}`", r.handles, clip(&cond.field)),
                        );
                    }
                    if cond.above.is_none() == cond.below.is_none() {
                        c.bad(format!("{p}.if"), "give `above` or `below`");
                    }
                }
                _ => c.bad(p.clone(), "give a `weight` or an `if`, one of them"),
            }
            if let Some(l) = &o.label {
                c.word(&format!("{p}.label"), l);
            }
            thens.extend(o.then.iter().enumerate().map(|(j, t)| (format!("{p}.then[{j}]"), t)));
        }
        let _ = total;
        for (p, t) in thens {
            let given =
                [t.publish.is_some(), t.send.is_some(), t.call.is_some(), t.reply].iter().filter(|b| **b).count();
            if given != 1 {
                c.bad(p.clone(), "give exactly one of publish, send, call or reply");
            }
            if let Some(e) = &t.publish {
                match kind_of(e) {
                    Some(MessageKind::Event) if carried_by.contains_key(e.as_str()) => {}
                    Some(MessageKind::Event) => c.bad(format!("{p}.publish"), format!("no topic carries {e}")),
                    Some(MessageKind::Command) => {
                        c.bad(format!("{p}.publish"), format!("{e} is a command: send it `to` its receiver"))
                    }
                    None => c.bad(format!("{p}.publish"), format!("{} is not a declared message", clip(e))),
                }
            }
            if let Some(cmd) = &t.send {
                match kind_of(cmd) {
                    Some(MessageKind::Command) => {}
                    Some(MessageKind::Event) => c.bad(format!("{p}.send"), format!("{cmd} is an event: publish it")),
                    None => c.bad(format!("{p}.send"), format!("{} is not a declared message", clip(cmd))),
                }
                match &t.to {
                    Some(to) if service_index(to).is_some() => {
                        if !f.reactions.iter().any(|r| r.service == *to && r.handles == *cmd) {
                            c.bad(format!("{p}.to"), format!("{to} has no reaction to {cmd}"));
                        }
                    }
                    Some(to) => c.bad(format!("{p}.to"), format!("{} is not a declared service", clip(to))),
                    None => c.bad(p.clone(), "a command goes `to` exactly one receiver"),
                }
            } else if t.to.is_some() && t.call.is_none() {
                c.bad(format!("{p}.to"), "`to` goes with `send`");
            }
            if let Some(callee) = &t.call {
                if service_index(callee).is_none() {
                    c.bad(format!("{p}.call"), format!("{} is not a declared service", clip(callee)));
                }
            }
        }
    }
    // A command has exactly one receiver.
    for (i, m) in f.messages.iter().enumerate() {
        if m.kind == MessageKind::Command {
            let receivers: BTreeSet<&str> =
                f.reactions.iter().filter(|r| r.handles == m.name).map(|r| r.service.as_str()).collect();
            if receivers.len() > 1 {
                let list: Vec<&str> = receivers.into_iter().collect();
                c.bad(
                    format!("messages[{i}]"),
                    format!("{} is a command, with one receiver; {} handle it", m.name, list.join(" and ")),
                );
            }
        }
    }

    // ----- entry -----
    let e = &f.entry;
    if service_index(&e.service).is_none() {
        c.bad("entry.service", format!("{} is not a declared service", clip(&e.service)));
    } else if entries.first().is_some_and(|&i| f.services[i].key != e.service) {
        c.bad("entry.service", format!("{} does not have the role \"entry\"", e.service));
    }
    if kind_of(&e.command) != Some(MessageKind::Command) {
        c.bad("entry.command", format!("{} is not a declared command", clip(&e.command)));
    }
    if kind_of(&e.answered_after) != Some(MessageKind::Event) {
        c.bad("entry.answered_after", format!("{} is not a declared event", clip(&e.answered_after)));
    }
    if let Some(cancel) = &e.cancel {
        if kind_of(&cancel.command) != Some(MessageKind::Command) {
            c.bad("entry.cancel.command", format!("{} is not a declared command", clip(&cancel.command)));
        }
        let undoes = messages.get(cancel.publishes.as_str()).and_then(|(_, m)| m.undoes.as_deref());
        if undoes != Some(e.answered_after.as_str()) {
            c.bad("entry.cancel.publishes", format!("must be an event that undoes {}", e.answered_after));
        }
    }

    // ----- timing and defaults -----
    let t = &f.timing;
    let network = c.dist("timing.network", &t.network);
    let call_timeout_us = c.duration("timing.call_timeout", &t.call_timeout);
    let publish_retry_us = c.duration("timing.publish_retry", &t.publish_retry);
    let redelivery_delay_us = c.duration("timing.redelivery_delay", &t.redelivery_delay);
    let ack_timeout_us = c.duration("timing.ack_timeout", &t.ack_timeout);
    let sample_interval_us = c.duration("timing.sample_interval", &t.sample_interval);
    for (name, us) in [
        ("call_timeout", call_timeout_us),
        ("publish_retry", publish_retry_us),
        ("ack_timeout", ack_timeout_us),
        ("sample_interval", sample_interval_us),
    ] {
        if us == 0 && c.problems.iter().all(|p| p.path != format!("timing.{name}")) {
            c.bad(format!("timing.{name}"), "must be above 0");
        }
    }
    if !(f.defaults.rate.is_finite() && (0.0..=crate::input::MAX_RATE).contains(&f.defaults.rate)) {
        c.bad("defaults.rate", format!("must be a number per second from 0 to {}", crate::input::MAX_RATE));
    }
    if !c.problems.is_empty() {
        return Err(c.problems);
    }

    // ----- what this version of the engine runs -----
    let entry_i = entries[0];
    let entry = &f.services[entry_i];
    let shape = super::shape::check(f, entry_i)?;
    let catalog_decls: Vec<(usize, &ServiceDecl)> =
        f.services.iter().enumerate().filter(|(i, _)| *i != entry_i).collect();
    if catalog_decls.len() > MAX_SUBSCRIBERS {
        return Err(vec![Problem {
            path: "services".into(),
            what: format!("at most {MAX_SUBSCRIBERS} services besides the entry service"),
        }]);
    }
    let spec = |i: usize, s: &ServiceDecl| ServiceSpec {
        key: s.key.clone(),
        name: s.name.clone(),
        job: s.job.clone(),
        processing: dists[i].clone(),
        concurrency: s.concurrency,
        queue_limit: s.queue_limit,
        effect: s.state.clone().unwrap_or_default(),
        icon: s.icon,
        role: s.role,
    };
    let cancel_event = e.cancel.as_ref().map(|c| c.publishes.as_str());
    let scenario = Scenario {
        id: f.id.clone(),
        title: f.title.clone(),
        summary: f.summary.clone(),
        order_service: spec(entry_i, entry),
        catalog: catalog_decls.iter().map(|(i, s)| spec(*i, s)).collect(),
        initial: catalog_decls.iter().filter(|(_, s)| s.wired).map(|(_, s)| s.key.clone()).collect(),
        network,
        call_timeout_us,
        call_mode: f.defaults.call_mode,
        publish_policy: f.defaults.publish_policy,
        publish_retry_us,
        redelivery_delay_us,
        rate: f.defaults.rate,
        sample_interval_us,
        partitions: shape.partitions,
        partition_key: shape.partition_key,
        ack_timeout_us,
        actor: w.actor.clone(),
        noun: w.noun.clone(),
        placed_verb: w.done_verb.clone(),
        request_noun: w.request_noun.clone(),
        placing: w.doing.clone(),
        event_name: e.answered_after.clone(),
        cancel_event_name: cancel_event.unwrap_or_default().to_string(),
        cancellable: e.cancel.is_some(),
        buy_label: w.action.clone(),
        saga: None,
        schemas: Vec::new(),
        chain: shape.chain,
    };
    let mut scenario = scenario;
    // The saga and the schemas name message types, so they are compiled once the rest is;
    // the problems of both are reported together.
    let mut problems = Vec::new();
    if let Some(decl) = &f.saga {
        match super::saga::compile(decl, &scenario) {
            Ok(saga) => scenario.saga = Some(saga),
            Err(p) => problems.extend(p),
        }
    }
    match super::schemas::compile(f, &scenario) {
        Ok(schemas) => scenario.schemas = schemas,
        Err(p) => problems.extend(p),
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    scenario.validate().map_err(|why| vec![Problem { path: String::new(), what: why }])?;
    Ok(scenario)
}
