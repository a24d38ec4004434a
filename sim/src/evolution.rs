//! Schema evolution in a run: the broker's schema registry, the version each producer writes
//! and the version each consumer reads, per subject. A message carries the version it was
//! written with (its log entry keeps it); a consumer that cannot read it fails on it, every
//! time, as on poison, until it runs a reader that can. The behaviour is in
//! `evolution_flow.rs`; what the page draws is [`SchemaView`].

use crate::compat::{Compatibility, SchemaField};
use crate::schema_registry::{Registration, SchemaRegistry, SubjectSpec};
use crate::time::Micros;

/// A producer's switches to another version of a subject, oldest first: the version a message
/// was written with is the one in force when it was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerLog {
    /// (from when, version), never empty: the first is the declared version at time 0.
    pub changes: Vec<(Micros, u32)>,
}

impl ProducerLog {
    pub fn version_at(&self, t: Micros) -> u32 {
        self.changes.iter().rev().find(|(at, _)| *at <= t).map_or(self.changes[0].1, |c| c.1)
    }
    pub fn now(&self) -> u32 {
        self.changes.last().expect("never empty").1
    }
}

/// The subjects are the scenario's (`Scenario::schemas`), in its order.
#[derive(Clone)]
pub(crate) struct Evolution {
    pub registry: SchemaRegistry,
    /// Per subject.
    pub producers: Vec<ProducerLog>,
    /// Per subject, per catalog service: the version it reads with.
    pub readers: Vec<Vec<u32>>,
    /// Per catalog service: events it failed on because it could not read them.
    pub unreadable: Vec<u64>,
    /// Registrations refused.
    pub refused: u64,
}

impl Evolution {
    /// Something has changed since the start: a registration asked, a mode, a reader or the
    /// producer's version changed. Until then every message is the declared version.
    pub fn evolved(&self) -> bool {
        self.registry.subjects.iter().enumerate().any(|(k, s)| {
            let first = s.versions[0].version;
            s.history.len() > 1
                || s.mode != Compatibility::default()
                || self.readers[k].iter().any(|&r| r != first)
                || self.producers[k].now() != first
        })
    }

    pub fn new(specs: &[SubjectSpec], services: usize) -> Evolution {
        let first = |s: &SubjectSpec| s.first.version;
        Evolution {
            registry: SchemaRegistry::new(specs),
            producers: specs.iter().map(|s| ProducerLog { changes: vec![(0, first(s))] }).collect(),
            readers: specs.iter().map(|s| vec![first(s); services]).collect(),
            unreadable: vec![0; services],
            refused: 0,
        }
    }
}

/// What the page shows of one subject.
#[derive(Clone, Debug, PartialEq)]
pub struct SubjectView {
    pub mtype: crate::message::MessageType,
    pub mode: Compatibility,
    /// Registered versions, oldest first, each with its fields.
    pub versions: Vec<(u32, Vec<SchemaField>)>,
    pub history: Vec<Registration>,
    /// The proposals a producer may deploy: key and fields.
    pub proposals: Vec<(String, Vec<SchemaField>)>,
    /// The version the producer writes now.
    pub producer: u32,
    /// Per catalog service: the version it reads with.
    pub readers: Vec<u32>,
}

/// What the page shows of schema evolution.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaView {
    pub subjects: Vec<SubjectView>,
    /// Per catalog service: events it could not read.
    pub unreadable: Vec<u64>,
    pub refused: u64,
    pub(crate) evolved: bool,
}

impl SchemaView {
    /// See [`crate::sim::Sim::schemas_evolved`].
    pub fn evolved(&self) -> bool {
        self.evolved
    }
}
