//! Property tests over scenarios generated from the file schema, not only the built-in ones:
//! random systems (how many services, how fast and how wide each is, their state, which react
//! to which by events and commands on topics and queues of their own, which are wired in,
//! the topic's partitions and key, whether the actor can cancel, the clocks), each
//! run with random load, wiring and faults on its own services. For every one:
//!
//! - the file compiles, and the run's books balance at random moments (the audit's recount:
//!   every order and every event is somewhere);
//! - the same inputs give the same trace hash;
//! - a link to the run, and a run file saved from it, rebuild it to the same hash;
//! - no generated file, however broken, panics the checker: it compiles or names problems.

use fanout_sim::consumer::Effect;
use fanout_sim::fault::FaultSpec;
use fanout_sim::params::LabParams;
use fanout_sim::system::schema::*;
use fanout_sim::system::{self, registry};
use fanout_sim::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

mod common;
use common::config;

const ICONS: [Icon; 6] = [Icon::Mail, Icon::Box, Icon::Chart, Icon::Truck, Icon::Bell, Icon::Ledger];

fn ms(n: u64) -> String {
    format!("{n}ms")
}

fn processing() -> impl Strategy<Value = Processing> {
    prop_oneof![
        (1u64..200, 0u64..200).prop_map(|(min, extra)| Processing {
            min: Some(ms(min)),
            mean_extra: Some(ms(extra)),
            ..Processing::default()
        }),
        (1u64..100, 0u64..100).prop_map(|(min, more)| Processing {
            min: Some(ms(min)),
            max: Some(ms(min + more)),
            ..Processing::default()
        }),
        (1u64..150).prop_map(|us| Processing { fixed: Some(ms(us)), ..Processing::default() }),
    ]
}

fn state() -> impl Strategy<Value = Option<Effect>> {
    prop_oneof![
        Just(None),
        "[a-z]{3,10}( [a-z]{3,8})?".prop_map(|noun| Some(Effect::Count { noun })),
        (0i64..5_000).prop_map(|start| Some(Effect::Stock { start })),
        Just(Some(Effect::Money)),
    ]
}

#[derive(Clone, Debug)]
struct Svc {
    processing: Processing,
    concurrency: u32,
    queue_limit: u32,
    state: Option<Effect>,
    wired: bool,
    read_model: bool,
    /// Reacts to what an earlier service publishes (that service picked by this index),
    /// rather than to the entry's event: the generated systems have chains.
    follows: Option<prop::sample::Index>,
}

fn svc() -> impl Strategy<Value = Svc> {
    (
        processing(),
        1u32..12,
        0u32..200,
        state(),
        any::<bool>(),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.4, any::<prop::sample::Index>()),
    )
        .prop_map(|(processing, concurrency, queue_limit, state, wired, read_model, follows)| Svc {
            processing,
            concurrency,
            queue_limit,
            state,
            wired,
            read_model,
            follows,
        })
}

/// A scenario file of the shape the engine runs, valid by construction: services react to
/// the entry's event, or to what an earlier service publishes on its own topic (an event) or
/// sends on its own queue (a command, when it has one receiver), so chains have no circles.
fn scenario_file() -> impl Strategy<Value = ScenarioFile> {
    (
        (processing(), 1u32..40, 1u32..200),
        prop::collection::vec(svc(), 1..=12),
        1u16..=16,
        prop::sample::select(vec![None, Some("thing_id"), Some("actor_id")]),
        any::<bool>(),
        (processing(), 200u64..8_000, 50u64..2_000, 100u64..3_000, 100u64..1_000),
        0.0..8.0f64,
    )
        .prop_map(|(entry, services, partitions, key, cancellable, timing, rate)| {
            let (network, call_timeout, retry, ack_timeout, sample) = timing;
            let fields: BTreeMap<String, FieldType> = [
                ("thing_id".to_string(), FieldType::Id),
                ("actor_id".to_string(), FieldType::ActorId),
                ("amount".to_string(), FieldType::Money),
            ]
            .into();
            let message = |name: &str, kind, undoes: Option<&str>| MessageDecl {
                name: name.into(),
                kind,
                version: 1,
                fields: fields.clone(),
                undoes: undoes.map(String::from),
            };
            let mut messages = vec![
                message("StartThing", MessageKind::Command, None),
                message("ThingStarted", MessageKind::Event, None),
            ];
            let mut carries = vec!["ThingStarted".to_string()];
            let mut reactions = vec![ReactionDecl {
                service: "entry".into(),
                handles: "StartThing".into(),
                then: vec![Then { publish: Some("ThingStarted".into()), ..Then::default() }],
                outcomes: Vec::new(),
            }];
            if cancellable {
                messages.push(message("StopThing", MessageKind::Command, None));
                messages.push(message("ThingStopped", MessageKind::Event, Some("ThingStarted")));
                carries.push("ThingStopped".into());
                reactions.push(ReactionDecl {
                    service: "entry".into(),
                    handles: "StopThing".into(),
                    then: vec![Then { publish: Some("ThingStopped".into()), ..Then::default() }],
                    outcomes: Vec::new(),
                });
            }
            let mut decls = vec![ServiceDecl {
                key: "entry".into(),
                name: "Front door".into(),
                role: Role::Entry,
                icon: Icon::Receipt,
                job: "takes the request".into(),
                processing: entry.0,
                concurrency: entry.1,
                queue_limit: entry.2,
                state: None,
                wired: false,
            }];
            // Who follows whom: service k follows an earlier one, or the entry.
            let parent: Vec<Option<usize>> = services
                .iter()
                .enumerate()
                .map(|(k, s)| s.follows.as_ref().filter(|_| k > 0).map(|i| i.index(k)))
                .collect();
            let mut channels = Vec::new();
            let follow_up = |p: usize| -> (String, bool) {
                let queue = parent.iter().filter(|q| **q == Some(p)).count() == 1 && p % 2 == 1;
                (if queue { format!("DoMore{p}") } else { format!("Done{p}") }, queue)
            };
            for (p, _) in services.iter().enumerate() {
                if !parent.contains(&Some(p)) {
                    continue;
                }
                let (name, queue) = follow_up(p);
                let kind = if queue { MessageKind::Command } else { MessageKind::Event };
                messages.push(message(&name, kind, None));
                channels.push(ChannelDecl {
                    name: format!("out-{p}"),
                    kind: if queue { ChannelKind::Queue } else { ChannelKind::Topic },
                    carries: vec![name],
                    partitions: (!queue).then_some(1 + p as u16 % 4),
                    key: Some("thing_id".into()),
                    retention: None,
                });
            }
            for (k, s) in services.iter().enumerate() {
                let key = format!("s{k}");
                let handles = match parent[k] {
                    Some(p) => follow_up(p).0,
                    None => "ThingStarted".into(),
                };
                // What it publishes or sends in turn, if anyone follows it: always, or one
                // outcome of two (by weight, or by the amount).
                let then = if parent.contains(&Some(k)) {
                    let (name, queue) = follow_up(k);
                    let to = parent.iter().position(|q| *q == Some(k)).map(|c| format!("s{c}"));
                    if queue {
                        vec![Then { send: Some(name), to, ..Then::default() }]
                    } else {
                        vec![Then { publish: Some(name), ..Then::default() }]
                    }
                } else {
                    vec![]
                };
                let outcomes = if !then.is_empty() && k % 3 == 1 {
                    vec![
                        Outcome {
                            weight: None,
                            condition: Some(Condition { field: "amount".into(), above: Some(9_000.0), below: None }),
                            label: Some("large".into()),
                            then: then.clone(),
                        },
                        Outcome { weight: Some(0.5), condition: None, label: None, then: then.clone() },
                        Outcome {
                            weight: Some(0.5),
                            condition: None,
                            label: Some("quiet".into()),
                            then: vec![],
                        },
                    ]
                } else {
                    vec![]
                };
                let then = if outcomes.is_empty() { then } else { vec![] };
                reactions.push(ReactionDecl { service: key.clone(), handles, then, outcomes });
                if cancellable && parent[k].is_none() {
                    reactions.push(ReactionDecl {
                        service: key.clone(),
                        handles: "ThingStopped".into(),
                        then: vec![],
                        outcomes: vec![],
                    });
                }
                decls.push(ServiceDecl {
                    key,
                    name: format!("Service {k}"),
                    role: if s.read_model { Role::ReadModel } else { Role::Service },
                    icon: ICONS[k % ICONS.len()],
                    job: "does its part".into(),
                    processing: s.processing.clone(),
                    concurrency: s.concurrency,
                    queue_limit: s.queue_limit,
                    state: s.state.clone(),
                    wired: s.wired,
                });
            }
            ScenarioFile {
                format: FORMAT.into(),
                version: VERSION,
                id: "generated".into(),
                title: "Generated".into(),
                summary: String::new(),
                words: Words {
                    actor: "Visitor".into(),
                    noun: "thing".into(),
                    done_verb: "started".into(),
                    request_noun: "request".into(),
                    doing: "starting".into(),
                    action: "Start one".into(),
                },
                entry: Entry {
                    service: "entry".into(),
                    command: "StartThing".into(),
                    answered_after: "ThingStarted".into(),
                    cancel: cancellable
                        .then(|| Cancel { command: "StopThing".into(), publishes: "ThingStopped".into() }),
                },
                services: decls,
                messages,
                channels: std::iter::once(ChannelDecl {
                    name: "things".into(),
                    kind: ChannelKind::Topic,
                    carries,
                    partitions: Some(partitions),
                    key: key.map(String::from),
                    retention: Some("3600s".into()),
                })
                .chain(channels)
                .collect(),
                reactions,
                timing: Timing {
                    network,
                    call_timeout: ms(call_timeout),
                    publish_retry: ms(retry),
                    redelivery_delay: ms(retry),
                    ack_timeout: ms(ack_timeout),
                    sample_interval: ms(sample),
                },
                defaults: Defaults {
                    rate,
                    call_mode: CallMode::Sequential,
                    publish_policy: PublishPolicy::BufferAndRetry,
                },
                saga: None,
                schemas: Default::default(),
            }
        })
}

/// Faults on the generated system's own services (and the broker), with windows.
fn faults(services: usize) -> impl Strategy<Value = Vec<String>> {
    let one = (0..=services, 0u8..6, 0u64..8, 1u64..6).prop_map(|(k, kind, from, len)| {
        let key = if k == 0 { "entry".to_string() } else { format!("s{}", k - 1) };
        let window = format!(":{from}s-{}s", from + len);
        match kind {
            0 => format!("slow:{key}:300ms{window}"),
            1 => format!("crash:{key}{window}"),
            2 => format!("errors:{key}:0.3{window}"),
            3 => format!("broker-down{window}"),
            4 if k > 0 => format!("drop:{key}:0.2{window}"),
            _ => format!("duplicate:broker:0.2{window}"),
        }
    });
    prop::collection::vec(one, 0..4)
}

fn case() -> impl Strategy<Value = (ScenarioFile, Vec<String>, u64, Wiring, f64, Vec<u64>)> {
    scenario_file().prop_flat_map(|f| {
        let n = f.services.len() - 1;
        (
            Just(f),
            faults(n),
            any::<u64>(),
            prop_oneof![Just(Wiring::Event), Just(Wiring::Request)],
            0.0..15.0f64,
            prop::collection::vec(0u64..12_000_000, 1..4),
        )
    })
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn any_generated_system_keeps_its_books_replays_and_round_trips(
        (file, faults, seed, wiring, rate, moments) in case()
    ) {
        let scenario = system::compile(&file).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
        let faults: Vec<FaultSpec> = faults.iter().map(|f| FaultSpec::parse(f).unwrap()).collect();
        for f in &faults {
            prop_assert!(f.fault.validate(&scenario).is_ok(), "{f:?}");
        }
        let setup = Setup { scenario: scenario.id.clone(), wiring, seed, rate: Some(rate), faults };
        let mut moments = moments;
        moments.sort_unstable();
        let end = 12 * SEC;
        let mut sim = Sim::from_scenario(scenario.clone(), &setup).unwrap();
        for &t in &moments {
            sim.run_until(t);
            sim.audit().map_err(|why| TestCaseError::fail(format!("at {t} µs: {why}")))?;
        }
        sim.run_until(end);
        sim.audit().map_err(TestCaseError::fail)?;
        if rate >= 1.0 {
            prop_assert!(sim.headline().placed > 0, "a run at {} a second starts something in 12 s", rate);
        }

        let mut again = Sim::from_scenario(scenario.clone(), &setup).unwrap();
        again.run_until(end);
        prop_assert_eq!(again.trace_hash_hex(), sim.trace_hash_hex(), "same inputs, same hash");

        // Loaded from an address, a link and a saved run rebuild it.
        let text = serde_json::to_string(&file).unwrap();
        let address = format!("https://course.example.org/generated-{seed}.json");
        registry::register(&address, system::load(&text).unwrap()).unwrap();
        let link = LabParams { setup: setup.clone(), until_us: Some(end), ..LabParams::default() };
        let (parsed, notices) = LabParams::parse(&link.query());
        prop_assert!(notices.is_empty(), "{:?}", notices);
        let (t, problems) = parsed.timeline().unwrap();
        prop_assert!(problems.is_empty());
        prop_assert_eq!(t.sim().trace_hash_hex(), sim.trace_hash_hex(), "the link: {}", link.query());
        let saved = export::export(&t);
        let (from_file, recorded) = export::import(&saved).unwrap();
        prop_assert_eq!(recorded, Some(sim.trace_hash_hex()));
        let (back, _) = from_file.timeline().unwrap();
        prop_assert_eq!(back.sim().trace_hash_hex(), sim.trace_hash_hex(), "the run file");
    }

    /// Whatever an author's editor leaves in a file, the checker answers: compiled, or problems.
    #[test]
    fn a_broken_file_never_panics_the_checker(
        file in scenario_file(),
        path in prop::collection::vec(0usize..12, 1..4),
        replacement in prop_oneof![
            Just(serde_json::Value::Null),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(|f| serde_json::json!(f)),
            ".{0,12}".prop_map(serde_json::Value::from),
            Just(serde_json::json!([])),
            Just(serde_json::json!({})),
        ],
    ) {
        let mut value = serde_json::to_value(&file).unwrap();
        // Walk a random path into the file and replace what is there.
        let mut pointer = String::new();
        let mut at = &value;
        for k in path {
            let next = match at {
                serde_json::Value::Object(map) if !map.is_empty() => {
                    let key = map.keys().nth(k % map.len()).unwrap();
                    pointer.push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1")));
                    map.get(key)
                }
                serde_json::Value::Array(list) if !list.is_empty() => {
                    pointer.push_str(&format!("/{}", k % list.len()));
                    list.get(k % list.len())
                }
                _ => None,
            };
            match next {
                Some(n) => at = n,
                None => break,
            }
        }
        let at = value.pointer_mut(&pointer).unwrap();
        *at = replacement;
        let text = value.to_string();
        if let Err(problems) = system::load(&text) {
            prop_assert!(!problems.is_empty());
        }
        // Cut short, too.
        let cut = &text[..text.len() / 2];
        prop_assert!(system::load(cut).is_err());
    }
}

/// The generator does make chains, with topics and queues, not only systems in which every
/// service reacts to the entry's event.
#[test]
fn the_generator_makes_chains_on_topics_and_queues() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut chained, mut queued, mut weighed) = (0, 0, 0);
    for _ in 0..200 {
        let f = scenario_file().new_tree(&mut runner).unwrap().current();
        let s = system::compile(&f).unwrap();
        chained += !s.chain.reactions.is_empty() as u32;
        queued += s.chain.channels.iter().any(|c| c.queue) as u32;
        weighed += s.chain.reactions.iter().any(|r| r.outcomes.len() > 1) as u32;
    }
    assert!(chained > 60 && queued > 10 && weighed > 10, "{chained} chained, {queued} queued, {weighed} weighed");
}
