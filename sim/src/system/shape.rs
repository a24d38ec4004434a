//! The shapes of system the engine runs, checked on a file that is already right in itself
//! (`compile` checked names, references and values), and the [`Chain`] it compiles to.
//!
//! The engine runs:
//! - the entry service publishing one event (and, if the actor can cancel, its undoing) on a
//!   topic of their own;
//! - every other service reading one channel, reacting to every type on it with its work
//!   and its state, then publishing events or sending commands, one outcome of several by
//!   weight or by the amount;
//! - request-driven, each of those follow-ups as a direct call from the service that would
//!   have published it.
//!
//! Anything else the format can say (a call or reply written in a reaction, a service that
//! reads two channels, a circle of reactions) is named here with its path rather than run
//! wrongly.

use super::compile::Problem;
use super::schema::*;
use crate::chain::{Chain, ChannelSpec, OutcomeSpec, Pick, ReactionSpec, TypeSpec};
use crate::message::MessageType;
use crate::topic::PartitionKey;
use std::collections::BTreeMap;

/// Lanes of a queue: as many as a subscriber has readers by default.
const QUEUE_LANES: u16 = 8;

/// What the shape check gives the compiler: the chain, and the entry topic's partitions and key.
pub struct Shape {
    pub chain: Chain,
    pub partitions: u16,
    pub partition_key: PartitionKey,
}

/// Checks the shape of `f`, whose entry service is `f.services[entry_i]`.
pub fn check(f: &ScenarioFile, entry_i: usize) -> Result<Shape, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut bad = |path: String, what: String| problems.push(Problem { path, what });
    let e = &f.entry;
    let entry = &f.services[entry_i];
    let published = e.answered_after.as_str();
    let cancel_event = e.cancel.as_ref().map(|c| c.publishes.as_str());
    let cancel_cmd = e.cancel.as_ref().map(|c| c.command.as_str());
    let decl = |name: &str| f.messages.iter().find(|m| m.name == name);
    let channel_index = |name: &str| f.channels.iter().position(|c| c.carries.iter().any(|m| m == name));

    // The entry service answers the actor's commands, and only those.
    for (k, r) in f.reactions.iter().enumerate().filter(|(_, r)| r.service == entry.key) {
        let wanted = if r.handles == e.command {
            Some(published)
        } else if Some(r.handles.as_str()) == cancel_cmd {
            cancel_event
        } else {
            bad(format!("reactions[{k}]"), "the entry service reacts only to the actor's commands".into());
            continue;
        };
        let only = r.outcomes.is_empty() && r.then.len() == 1 && r.then[0].publish.as_deref() == wanted;
        if !only {
            bad(
                format!("reactions[{k}]"),
                format!(
                    "the entry service's reaction to {} must publish {}, and only that",
                    r.handles,
                    wanted.unwrap_or("")
                ),
            );
        }
    }
    if !f.reactions.iter().any(|r| r.service == entry.key && r.handles == e.command) {
        bad("reactions".into(), format!("{} has no reaction to {}", entry.key, e.command));
    }
    for (i, m) in f.messages.iter().enumerate() {
        if m.undoes.is_some() && Some(m.name.as_str()) != cancel_event {
            bad(
                format!("messages[{i}].undoes"),
                "only the event the actor's cancellation publishes undoes another".into(),
            );
        }
    }

    // Channels: the entry topic first, then the others in the file's order.
    let Some(entry_channel) = channel_index(published) else {
        bad("entry.answered_after".into(), format!("no topic carries {published}"));
        return Err(problems);
    };
    for (k, m) in f.channels[entry_channel].carries.iter().enumerate() {
        if m != published && Some(m.as_str()) != cancel_event {
            bad(
                format!("channels[{entry_channel}].carries[{k}]"),
                format!("the topic of {published} carries it and its undoing only; give {m} a channel of its own"),
            );
        }
    }
    let order: Vec<usize> =
        std::iter::once(entry_channel).chain((0..f.channels.len()).filter(|&c| c != entry_channel)).collect();
    let runtime_channel = |file_index: usize| order.iter().position(|&c| c == file_index).unwrap() as u16;

    // Types: the entry's two, then every other type a channel carries, in the file's order.
    let mut types: BTreeMap<&str, MessageType> = BTreeMap::new();
    types.insert(published, MessageType::ENTRY);
    if let Some(c) = cancel_event {
        types.insert(c, MessageType::CANCEL);
    }
    let mut type_specs = Vec::new();
    for m in &f.messages {
        if types.contains_key(m.name.as_str()) {
            continue;
        }
        if let Some(c) = channel_index(&m.name) {
            types.insert(&m.name, MessageType(MessageType::FIRST_FOLLOW_UP + type_specs.len() as u8));
            type_specs.push(TypeSpec {
                name: m.name.clone(),
                command: m.kind == MessageKind::Command,
                channel: runtime_channel(c),
            });
        }
    }

    // Partition keys: by the field the channel names.
    let key_of = |c: usize| -> Result<PartitionKey, String> {
        let ch = &f.channels[c];
        let Some(key) = &ch.key else { return Ok(PartitionKey::None) };
        let types: Vec<FieldType> =
            ch.carries.iter().filter_map(|m| decl(m).and_then(|d| d.fields.get(key)).copied()).collect();
        match types.first() {
            Some(FieldType::Id) if types.iter().all(|t| *t == FieldType::Id) => Ok(PartitionKey::OrderId),
            Some(FieldType::ActorId) if types.iter().all(|t| *t == FieldType::ActorId) => Ok(PartitionKey::UserId),
            _ => {
                Err("a channel is keyed by an id or an actor-id field, of the same type in every message it carries"
                    .into())
            }
        }
    };
    let mut channels = Vec::new();
    for &c in &order[1..] {
        let ch = &f.channels[c];
        let key = key_of(c).unwrap_or_else(|why| {
            bad(format!("channels[{c}].key"), why);
            PartitionKey::None
        });
        let queue = ch.kind == ChannelKind::Queue;
        // A queue has no partitions an author sets; it is run as a log with as many lanes as a
        // receiver has workers, so that its receiver takes several commands at once.
        let partitions = if queue { QUEUE_LANES } else { ch.partitions.unwrap_or(8) };
        channels.push(ChannelSpec { name: ch.name.clone(), queue, partitions, key });
    }
    let entry_key = key_of(entry_channel).unwrap_or_else(|why| {
        bad(format!("channels[{entry_channel}].key"), why);
        PartitionKey::None
    });

    // Services: each reads one channel and reacts to everything on it.
    let catalog: Vec<(usize, &ServiceDecl)> = f.services.iter().enumerate().filter(|(i, _)| *i != entry_i).collect();
    let mut reads = Vec::new();
    for (i, s) in &catalog {
        let handled: Vec<&str> =
            f.reactions.iter().filter(|r| r.service == s.key).map(|r| r.handles.as_str()).collect();
        let mut read: Vec<usize> = handled.iter().filter_map(|m| channel_index(m)).collect();
        read.sort_unstable();
        read.dedup();
        // A saga's services get the saga's messages, not a channel's.
        let in_saga =
            f.saga.as_ref().is_some_and(|g| g.orchestrator == s.key || g.steps.iter().any(|t| t.service == s.key));
        match read.as_slice() {
            [] if in_saga => reads.push(0),
            [] => {
                bad(format!("services[{i}]"), format!("{} reacts to nothing that travels on a channel", s.key));
                reads.push(0);
            }
            [c] => {
                for m in &f.channels[*c].carries {
                    if !handled.contains(&m.as_str()) {
                        bad(
                            format!("services[{i}]"),
                            format!(
                                "{} reads {} but has no reaction to {m}, which it carries",
                                s.key, f.channels[*c].name
                            ),
                        );
                    }
                }
                reads.push(runtime_channel(*c));
            }
            _ => {
                let names: Vec<&str> = read.iter().map(|&c| f.channels[c].name.as_str()).collect();
                bad(
                    format!("services[{i}]"),
                    format!(
                        "{} reacts to messages of {}; a service reads one channel in this version of the lab",
                        s.key,
                        names.join(" and ")
                    ),
                );
                reads.push(0);
            }
        }
    }

    // Reactions: what each service publishes or sends, by outcome.
    let channel_of = |t: MessageType| type_specs[(t.0 - MessageType::FIRST_FOLLOW_UP) as usize].channel;
    let catalog_index = |key: &str| catalog.iter().position(|(_, s)| s.key == key).map(|k| k as u16);
    let mut reactions = Vec::new();
    let mut publishers: BTreeMap<u16, BTreeMap<&str, String>> = BTreeMap::new();
    for (k, r) in f.reactions.iter().enumerate().filter(|(_, r)| r.service != entry.key) {
        let path = format!("reactions[{k}]");
        let (Some(service), Some(&handles)) = (catalog_index(&r.service), types.get(r.handles.as_str())) else {
            continue;
        };
        let plain = [Outcome { weight: Some(1.0), condition: None, label: None, then: r.then.clone() }];
        let (outcomes, prefix) = if r.outcomes.is_empty() {
            (&plain[..], format!("{path}.then"))
        } else {
            (&r.outcomes[..], format!("{path}.outcomes"))
        };
        let mut specs = Vec::new();
        for (j, o) in outcomes.iter().enumerate() {
            let at = if r.outcomes.is_empty() { prefix.clone() } else { format!("{prefix}[{j}].then") };
            let mut emits = Vec::new();
            for (n, t) in o.then.iter().enumerate() {
                let p = format!("{at}[{n}]");
                let Some(name) = t.publish.as_deref().or(t.send.as_deref()) else {
                    bad(p, "calling or replying from a reaction is not in this version of the lab: publish an event or send a command".into());
                    continue;
                };
                let Some(&ty) = types.get(name) else { continue };
                let channel = channel_of(ty);
                if emits.iter().any(|&e| channel_of(e) == channel) {
                    bad(
                        p.clone(),
                        format!("an outcome sends one message to each channel; {name} shares its channel with another"),
                    );
                }
                publishers.entry(channel).or_default().insert(&r.service, p);
                emits.push(ty);
            }
            let pick = match (&o.condition, o.weight) {
                (Some(cond), _) => {
                    let money = decl(&r.handles).and_then(|d| d.fields.get(&cond.field)) == Some(&FieldType::Money);
                    if !money {
                        bad(
                            format!("{path}.outcomes[{j}].if.field"),
                            "in this version of the lab a condition tests a money field".into(),
                        );
                    }
                    match (cond.above, cond.below) {
                        (Some(x), _) => Pick::AmountAbove(x),
                        (_, Some(x)) => Pick::AmountBelow(x),
                        _ => Pick::Weight(0.0),
                    }
                }
                (None, w) => Pick::Weight(w.unwrap_or(1.0)),
            };
            specs.push(OutcomeSpec { pick, label: o.label.clone().unwrap_or_default(), emits });
        }
        if specs.iter().any(|o| !o.emits.is_empty()) {
            reactions.push(ReactionSpec { service, handles, outcomes: specs });
        }
    }
    // One publisher per channel, so that request-driven each service has one caller.
    for (channel, by) in &publishers {
        if by.len() > 1 {
            let who: Vec<&str> = by.keys().copied().collect();
            let name = &channels[*channel as usize - 1].name;
            let path = by.values().next_back().cloned().unwrap_or_default();
            bad(
                path,
                format!(
                    "{} all publish to {name}; a channel has one publisher in this version of the lab",
                    who.join(", ")
                ),
            );
        }
    }
    // No circles: following reactions from any service must come to an end.
    let next = |s: u16| -> Vec<u16> {
        let channels: Vec<u16> = reactions
            .iter()
            .filter(|r| r.service == s)
            .flat_map(|r| r.outcomes.iter().flat_map(|o| o.emits.iter()))
            .map(|&t| channel_of(t))
            .collect();
        (0..catalog.len() as u16).filter(|&j| channels.contains(&reads[j as usize])).collect()
    };
    'circle: for start in 0..catalog.len() as u16 {
        let (mut stack, mut seen) = (next(start), Vec::new());
        while let Some(s) = stack.pop() {
            if s == start {
                let (i, decl) = catalog[start as usize];
                bad(
                    format!("services[{i}]"),
                    format!("reactions go round in a circle: what {} publishes leads back to it", decl.key),
                );
                break 'circle;
            }
            if !seen.contains(&s) {
                seen.push(s);
                stack.extend(next(s));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let entry_decl = &f.channels[entry_channel];
    Ok(Shape {
        chain: Chain { entry_topic: entry_decl.name.clone(), types: type_specs, channels, reads, reactions },
        partitions: entry_decl.partitions.unwrap_or(8),
        partition_key: entry_key,
    })
}
