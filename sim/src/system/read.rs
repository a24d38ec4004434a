//! Reads a scenario file's JSON into [`ScenarioFile`] by hand, from serde_json's `Value`: every
//! problem is reported at once with its path (an unknown key, a missing one, a value of the
//! wrong kind, an icon that does not exist), where serde's derived readers stop at the first.
//! It is also far smaller in the page than derived readers for these twenty-odd types.

use super::compile::Problem;
use super::schema::*;
use crate::compat::Compatibility;
use crate::consumer::Effect;
use crate::scenario::{CallMode, PublishPolicy};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use strum::VariantArray;

struct Reader {
    problems: Vec<Problem>,
}

type Obj = Map<String, Value>;

/// What a JSON value is, for a message.
fn what_is(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Reader {
    fn bad(&mut self, path: String, what: String) {
        self.problems.push(Problem { path, what });
    }

    /// The object at `path`, its unknown keys reported.
    fn object<'a>(&mut self, v: &'a Value, path: &str, keys: &[&str]) -> Option<&'a Obj> {
        let Value::Object(m) = v else {
            self.bad(path.into(), format!("must be an object, not {}", what_is(v)));
            return None;
        };
        for k in m.keys().filter(|k| !keys.contains(&k.as_str())) {
            let k: String = k.chars().take(40).collect();
            self.bad(at(path, &k), format!("unknown key; accepted here: {}", keys.join(", ")));
        }
        Some(m)
    }

    fn need<'a>(&mut self, m: &'a Obj, path: &str, key: &str) -> Option<&'a Value> {
        let v = m.get(key);
        if v.is_none() {
            self.bad(at(path, key), "is missing".into());
        }
        v
    }

    fn text(&mut self, v: &Value, path: String) -> String {
        match v {
            Value::String(s) => s.clone(),
            other => {
                self.bad(path, format!("must be text, not {}", what_is(other)));
                String::new()
            }
        }
    }

    fn field_text(&mut self, m: &Obj, path: &str, key: &str) -> String {
        self.need(m, path, key).map(|v| self.text(v, at(path, key))).unwrap_or_default()
    }

    fn opt_text(&mut self, m: &Obj, path: &str, key: &str) -> Option<String> {
        m.get(key).filter(|v| !v.is_null()).map(|v| self.text(v, at(path, key)))
    }

    /// A whole number from `min` to `max`.
    fn whole(&mut self, v: &Value, path: String, max: u64) -> u64 {
        match v.as_u64() {
            Some(n) if n <= max => n,
            _ => {
                self.bad(path, format!("must be a whole number from 0 to {max}, not {}", short(v)));
                0
            }
        }
    }

    fn field_whole(&mut self, m: &Obj, path: &str, key: &str, max: u64) -> u64 {
        self.need(m, path, key).map(|v| self.whole(v, at(path, key), max)).unwrap_or(0)
    }

    fn number(&mut self, v: &Value, path: String) -> f64 {
        match v.as_f64() {
            Some(x) => x,
            None => {
                self.bad(path, format!("must be a number, not {}", what_is(v)));
                0.0
            }
        }
    }

    fn list<'a>(&mut self, m: &'a Obj, path: &str, key: &str, required: bool) -> &'a [Value] {
        match m.get(key) {
            Some(Value::Array(a)) => a,
            Some(other) => {
                self.bad(at(path, key), format!("must be a list, not {}", what_is(other)));
                &[]
            }
            None if required => {
                self.bad(at(path, key), "is missing".into());
                &[]
            }
            None => &[],
        }
    }

    /// One of an enum's names (kebab-case, as the README lists them).
    fn pick<T: VariantArray + Copy + Into<&'static str>>(&mut self, v: &Value, path: String) -> Option<T> {
        let names = || T::VARIANTS.iter().map(|&t| t.into()).collect::<Vec<&str>>().join(", ");
        match v.as_str().and_then(|s| T::VARIANTS.iter().copied().find(|&t| Into::<&str>::into(t) == s)) {
            Some(t) => Some(t),
            None => {
                self.bad(path, format!("{} is not one of: {}", short(v), names()));
                None
            }
        }
    }

    fn processing(&mut self, v: &Value, path: &str) -> Processing {
        let Some(m) = self.object(v, path, &["fixed", "min", "max", "mean_extra"]) else {
            return Processing::default();
        };
        Processing {
            fixed: self.opt_text(m, path, "fixed"),
            min: self.opt_text(m, path, "min"),
            max: self.opt_text(m, path, "max"),
            mean_extra: self.opt_text(m, path, "mean_extra"),
        }
    }

    fn state(&mut self, v: &Value, path: &str) -> Option<Effect> {
        let m = self.object(v, path, &["kind", "noun", "start"])?;
        let kind = self.field_text(m, path, "kind");
        let only = |r: &mut Self, allowed: &[&str]| {
            for k in m.keys().filter(|k| !allowed.contains(&k.as_str()) && *k != "kind") {
                r.bad(at(path, k), format!("does not go with a state of kind {kind}"));
            }
        };
        match kind.as_str() {
            "count" => {
                only(self, &["noun"]);
                Some(Effect::Count { noun: self.field_text(m, path, "noun") })
            }
            "stock" => {
                only(self, &["start"]);
                let start = match self.need(m, path, "start") {
                    Some(v) => v.as_i64().unwrap_or_else(|| {
                        self.bad(at(path, "start"), format!("must be a whole number, not {}", short(v)));
                        0
                    }),
                    None => 0,
                };
                Some(Effect::Stock { start })
            }
            "money" => {
                only(self, &[]);
                Some(Effect::Money)
            }
            other => {
                self.bad(at(path, "kind"), format!("`{}` is not one of: count, stock, money", short_str(other)));
                None
            }
        }
    }

    fn then(&mut self, v: &Value, path: &str) -> Then {
        let Some(m) = self.object(v, path, &["publish", "send", "to", "call", "reply"]) else { return Then::default() };
        let reply = match m.get("reply") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.bad(at(path, "reply"), format!("must be true or false, not {}", what_is(other)));
                false
            }
        };
        Then {
            publish: self.opt_text(m, path, "publish"),
            send: self.opt_text(m, path, "send"),
            call: self.opt_text(m, path, "call"),
            to: self.opt_text(m, path, "to"),
            reply,
        }
    }

    /// The object of field names and types at `path.fields`.
    fn fields(&mut self, m: &Obj, path: &str) -> BTreeMap<String, FieldType> {
        let mut fields = BTreeMap::new();
        match self.need(m, path, "fields") {
            Some(Value::Object(fm)) => {
                for (name, t) in fm {
                    if let Some(t) = self.pick::<FieldType>(t, format!("{path}.fields.{}", short_str(name))) {
                        fields.insert(name.clone(), t);
                    }
                }
            }
            Some(other) => self
                .bad(at(path, "fields"), format!("must be an object of field names and types, not {}", what_is(other))),
            None => {}
        }
        fields
    }

    /// An optional list of texts at `path.key`.
    fn texts(&mut self, m: &Obj, path: &str, key: &str) -> Vec<String> {
        let list = self.list(m, path, key, false);
        list.iter().enumerate().map(|(k, v)| self.text(v, format!("{path}.{key}[{k}]"))).collect()
    }

    fn thens(&mut self, m: &Obj, path: &str) -> Vec<Then> {
        let list = self.list(m, path, "then", false);
        list.iter().enumerate().map(|(k, v)| self.then(v, &format!("{path}.then[{k}]"))).collect()
    }
}

fn short(v: &Value) -> String {
    short_str(&v.to_string())
}

fn short_str(s: &str) -> String {
    crate::text::clip(s, 40)
}

/// Reads a scenario file; every problem of shape, with its path, when it cannot be read.
pub fn read(text: &str) -> Result<ScenarioFile, Vec<Problem>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let (at, what) = crate::text::json_error(&e);
        vec![Problem { path: at.unwrap_or_default(), what: format!("the file is not JSON: {what}") }]
    })?;
    let mut r = Reader { problems: Vec::new() };
    const TOP: [&str; 15] = [
        "format",
        "version",
        "id",
        "title",
        "summary",
        "words",
        "entry",
        "services",
        "messages",
        "channels",
        "reactions",
        "timing",
        "defaults",
        "saga",
        "schemas",
    ];
    let Some(top) = r.object(&value, "", &TOP) else { return Err(r.problems) };
    let format = r.field_text(top, "", "format");
    let version = r.field_whole(top, "", "version", u32::MAX as u64) as u32;
    let id = r.field_text(top, "", "id");
    let title = r.field_text(top, "", "title");
    let summary = r.opt_text(top, "", "summary").unwrap_or_default();

    let words = match r.need(top, "", "words") {
        Some(v) => match r.object(v, "words", &["actor", "noun", "done_verb", "request_noun", "doing", "action"]) {
            Some(m) => Words {
                actor: r.field_text(m, "words", "actor"),
                noun: r.field_text(m, "words", "noun"),
                done_verb: r.field_text(m, "words", "done_verb"),
                request_noun: r.field_text(m, "words", "request_noun"),
                doing: r.field_text(m, "words", "doing"),
                action: r.field_text(m, "words", "action"),
            },
            None => empty_words(),
        },
        None => empty_words(),
    };

    let entry = match r
        .need(top, "", "entry")
        .and_then(|v| r.object(v, "entry", &["service", "command", "answered_after", "cancel"]))
    {
        Some(m) => {
            let cancel = match m.get("cancel").filter(|v| !v.is_null()) {
                Some(v) => r.object(v, "entry.cancel", &["command", "publishes"]).map(|c| Cancel {
                    command: r.field_text(c, "entry.cancel", "command"),
                    publishes: r.field_text(c, "entry.cancel", "publishes"),
                }),
                None => None,
            };
            Entry {
                service: r.field_text(m, "entry", "service"),
                command: r.field_text(m, "entry", "command"),
                answered_after: r.field_text(m, "entry", "answered_after"),
                cancel,
            }
        }
        None => Entry { service: String::new(), command: String::new(), answered_after: String::new(), cancel: None },
    };

    let mut services = Vec::new();
    for (k, v) in r.list(top, "", "services", true).iter().enumerate() {
        let path = format!("services[{k}]");
        const KEYS: [&str; 10] =
            ["key", "name", "role", "icon", "job", "processing", "concurrency", "queue_limit", "state", "wired"];
        let Some(m) = r.object(v, &path, &KEYS) else { continue };
        let role = r.need(m, &path, "role").and_then(|v| r.pick(v, at(&path, "role")));
        let icon = r.need(m, &path, "icon").and_then(|v| r.pick(v, at(&path, "icon")));
        let processing = match r.need(m, &path, "processing") {
            Some(v) => r.processing(v, &at(&path, "processing")),
            None => Processing::default(),
        };
        let wired = match m.get("wired") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                r.bad(at(&path, "wired"), format!("must be true or false, not {}", what_is(other)));
                false
            }
        };
        let state = m.get("state").filter(|v| !v.is_null()).and_then(|v| r.state(v, &at(&path, "state")));
        let decl = ServiceDecl {
            key: r.field_text(m, &path, "key"),
            name: r.field_text(m, &path, "name"),
            role: role.unwrap_or(Role::Service),
            icon: icon.unwrap_or(Icon::Receipt),
            job: r.field_text(m, &path, "job"),
            processing,
            concurrency: r.field_whole(m, &path, "concurrency", u32::MAX as u64) as u32,
            queue_limit: r.field_whole(m, &path, "queue_limit", u32::MAX as u64) as u32,
            state,
            wired,
        };
        services.push(decl);
    }

    let mut messages = Vec::new();
    for (k, v) in r.list(top, "", "messages", true).iter().enumerate() {
        let path = format!("messages[{k}]");
        let Some(m) = r.object(v, &path, &["name", "kind", "version", "fields", "undoes"]) else { continue };
        let kind = r.need(m, &path, "kind").and_then(|v| r.pick(v, at(&path, "kind")));
        let fields = r.fields(m, &path);
        messages.push(MessageDecl {
            name: r.field_text(m, &path, "name"),
            kind: kind.unwrap_or(MessageKind::Event),
            version: r.field_whole(m, &path, "version", u32::MAX as u64) as u32,
            fields,
            undoes: r.opt_text(m, &path, "undoes"),
        });
    }

    let mut channels = Vec::new();
    for (k, v) in r.list(top, "", "channels", true).iter().enumerate() {
        let path = format!("channels[{k}]");
        let Some(m) = r.object(v, &path, &["name", "kind", "carries", "partitions", "key", "retention"]) else {
            continue;
        };
        let kind = r.need(m, &path, "kind").and_then(|v| r.pick(v, at(&path, "kind")));
        let carries: Vec<String> = r
            .list(m, &path, "carries", true)
            .iter()
            .enumerate()
            .map(|(j, v)| r.text(v, format!("{path}.carries[{j}]")))
            .collect();
        let partitions = m
            .get("partitions")
            .filter(|v| !v.is_null())
            .map(|v| r.whole(v, at(&path, "partitions"), u16::MAX as u64) as u16);
        channels.push(ChannelDecl {
            name: r.field_text(m, &path, "name"),
            kind: kind.unwrap_or(ChannelKind::Topic),
            carries,
            partitions,
            key: r.opt_text(m, &path, "key"),
            retention: r.opt_text(m, &path, "retention"),
        });
    }

    let mut reactions = Vec::new();
    for (k, v) in r.list(top, "", "reactions", true).iter().enumerate() {
        let path = format!("reactions[{k}]");
        let Some(m) = r.object(v, &path, &["service", "handles", "then", "outcomes"]) else { continue };
        let then = r.thens(m, &path);
        let mut outcomes = Vec::new();
        for (j, o) in r.list(m, &path, "outcomes", false).iter().enumerate() {
            let op = format!("{path}.outcomes[{j}]");
            let Some(om) = r.object(o, &op, &["weight", "if", "label", "then"]) else { continue };
            let weight = om.get("weight").filter(|v| !v.is_null()).map(|v| r.number(v, at(&op, "weight")));
            let condition = match om.get("if").filter(|v| !v.is_null()) {
                Some(c) => r.object(c, &at(&op, "if"), &["field", "above", "below"]).map(|cm| {
                    let cp = at(&op, "if");
                    Condition {
                        field: r.field_text(cm, &cp, "field"),
                        above: cm.get("above").filter(|v| !v.is_null()).map(|v| r.number(v, at(&cp, "above"))),
                        below: cm.get("below").filter(|v| !v.is_null()).map(|v| r.number(v, at(&cp, "below"))),
                    }
                }),
                None => None,
            };
            let label = r.opt_text(om, &op, "label");
            if !om.contains_key("then") {
                r.bad(at(&op, "then"), "is missing".into());
            }
            let then = r.thens(om, &op);
            outcomes.push(Outcome { weight, condition, label, then });
        }
        reactions.push(ReactionDecl {
            service: r.field_text(m, &path, "service"),
            handles: r.field_text(m, &path, "handles"),
            then,
            outcomes,
        });
    }

    let timing_keys =
        ["network", "call_timeout", "publish_retry", "redelivery_delay", "ack_timeout", "sample_interval"];
    let timing = match r.need(top, "", "timing").and_then(|v| r.object(v, "timing", &timing_keys)) {
        Some(m) => Timing {
            network: match r.need(m, "timing", "network") {
                Some(v) => r.processing(v, "timing.network"),
                None => Processing::default(),
            },
            call_timeout: r.field_text(m, "timing", "call_timeout"),
            publish_retry: r.field_text(m, "timing", "publish_retry"),
            redelivery_delay: r.field_text(m, "timing", "redelivery_delay"),
            ack_timeout: r.field_text(m, "timing", "ack_timeout"),
            sample_interval: r.field_text(m, "timing", "sample_interval"),
        },
        None => Timing {
            network: Processing::default(),
            call_timeout: String::new(),
            publish_retry: String::new(),
            redelivery_delay: String::new(),
            ack_timeout: String::new(),
            sample_interval: String::new(),
        },
    };

    let defaults = match r
        .need(top, "", "defaults")
        .and_then(|v| r.object(v, "defaults", &["rate", "call_mode", "publish_policy"]))
    {
        Some(m) => {
            let rate = r.need(m, "defaults", "rate").map(|v| r.number(v, "defaults.rate".into())).unwrap_or(0.0);
            let call_mode =
                r.need(m, "defaults", "call_mode").and_then(|v| r.pick::<CallMode>(v, "defaults.call_mode".into()));
            let publish_policy = r
                .need(m, "defaults", "publish_policy")
                .and_then(|v| r.pick::<PublishPolicy>(v, "defaults.publish_policy".into()));
            Defaults {
                rate,
                call_mode: call_mode.unwrap_or(CallMode::Sequential),
                publish_policy: publish_policy.unwrap_or(PublishPolicy::Fail),
            }
        }
        None => Defaults { rate: 0.0, call_mode: CallMode::Sequential, publish_policy: PublishPolicy::Fail },
    };

    let saga = top.get("saga").and_then(|v| r.saga(v));
    let schemas = top.get("schemas").filter(|v| !v.is_null()).map(|v| r.schemas(v)).unwrap_or_default();

    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    Ok(ScenarioFile {
        format,
        version,
        id,
        title,
        summary,
        words,
        entry,
        services,
        messages,
        channels,
        reactions,
        timing,
        defaults,
        saga,
        schemas,
    })
}

impl Reader {
    fn saga(&mut self, v: &Value) -> Option<SagaDecl> {
        const KEYS: [&str; 7] =
            ["orchestrator", "style", "step_timeout", "saga_timeout", "retry", "timed_out_event", "steps"];
        let m = self.object(v, "saga", &KEYS)?;
        let mut steps = Vec::new();
        for (k, s) in self.list(m, "saga", "steps", true).iter().enumerate() {
            let path = format!("saga.steps[{k}]");
            let keys = ["service", "books", "do", "done", "failed", "undo", "undone"];
            let Some(sm) = self.object(s, &path, &keys) else { continue };
            steps.push(SagaStepDecl {
                service: self.field_text(sm, &path, "service"),
                books: self.opt_text(sm, &path, "books").unwrap_or_else(|| "none".into()),
                run: self.field_text(sm, &path, "do"),
                done: self.field_text(sm, &path, "done"),
                failed: self.field_text(sm, &path, "failed"),
                undo: self.opt_text(sm, &path, "undo").unwrap_or_default(),
                undone: self.opt_text(sm, &path, "undone").unwrap_or_default(),
            });
        }
        Some(SagaDecl {
            orchestrator: self.field_text(m, "saga", "orchestrator"),
            style: self.opt_text(m, "saga", "style").unwrap_or_else(|| "orchestrated".into()),
            step_timeout: self.field_text(m, "saga", "step_timeout"),
            saga_timeout: self.field_text(m, "saga", "saga_timeout"),
            retry: self.field_text(m, "saga", "retry"),
            timed_out_event: self.field_text(m, "saga", "timed_out_event"),
            steps,
        })
    }
}

impl Reader {
    fn schemas(&mut self, v: &Value) -> BTreeMap<String, SchemaDecl> {
        let mut schemas = BTreeMap::new();
        let Value::Object(m) = v else {
            self.bad(
                "schemas".into(),
                format!("must be an object of event names and their schemas, not {}", what_is(v)),
            );
            return schemas;
        };
        for (name, s) in m {
            let path = format!("schemas.{}", short_str(name));
            let Some(sm) = self.object(s, &path, &["mode", "optional", "proposals"]) else { continue };
            let mode =
                sm.get("mode").filter(|v| !v.is_null()).and_then(|v| self.pick::<Compatibility>(v, at(&path, "mode")));
            let optional = self.texts(sm, &path, "optional");
            let mut proposals = Vec::new();
            for (k, p) in self.list(sm, &path, "proposals", false).iter().enumerate() {
                let pp = format!("{path}.proposals[{k}]");
                let Some(pm) = self.object(p, &pp, &["key", "fields", "optional"]) else { continue };
                proposals.push(ProposalDecl {
                    key: self.field_text(pm, &pp, "key"),
                    fields: self.fields(pm, &pp),
                    optional: self.texts(pm, &pp, "optional"),
                });
            }
            schemas.insert(name.clone(), SchemaDecl { mode: mode.unwrap_or_default(), optional, proposals });
        }
        schemas
    }
}

fn empty_words() -> Words {
    Words {
        actor: String::new(),
        noun: String::new(),
        done_verb: String::new(),
        request_noun: String::new(),
        doing: String::new(),
        action: String::new(),
    }
}
