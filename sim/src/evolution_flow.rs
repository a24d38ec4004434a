//! Schema evolution over time: a producer deploys a proposed schema (the registry accepts it
//! and the producer writes it from then on, or refuses it and nothing changes), a consumer is
//! upgraded to read another registered version, a subject's mode changes; and every message
//! of a subject carries the version its producer wrote when it sent it.

use crate::compat::{Compatibility, Incompatible};
use crate::evolution::{SchemaView, SubjectView};
use crate::message::{Message, MessageType, MsgKind};
use crate::narration::{NoteKind, SettingNote};
use crate::schema_registry::Outcome;
use crate::sim::Sim;
use crate::time::Micros;

impl Sim {
    /// The subject of the message type named `name` (`OrderPlaced`), or why there is none.
    pub(crate) fn subject_named(&self, name: &str) -> Result<usize, String> {
        let specs = &self.scenario.schemas;
        specs.iter().position(|s| self.scenario.type_name(s.mtype) == name).ok_or_else(|| {
            let names: Vec<&str> = specs.iter().map(|s| self.scenario.type_name(s.mtype)).collect();
            if names.is_empty() {
                format!("the {} system declares no schemas", self.scenario.title)
            } else {
                format!("`{name}` has no schema in the registry; it keeps {}", names.join(", "))
            }
        })
    }

    /// The index of subject `subject`'s proposal keyed `key`, or why there is none.
    pub(crate) fn proposal_named(&self, subject: usize, key: &str) -> Result<usize, String> {
        let spec = &self.scenario.schemas[subject];
        spec.proposals.iter().position(|p| p.key == key).ok_or_else(|| {
            let keys: Vec<&str> = spec.proposals.iter().map(|p| p.key.as_str()).collect();
            format!(
                "`{key}` is not a schema proposed for {}; the proposals are {}",
                self.scenario.type_name(spec.mtype),
                keys.join(", ")
            )
        })
    }

    /// Checks a version is registered for the subject.
    pub(crate) fn registered(&self, subject: usize, version: u32) -> Result<(), String> {
        match self.evolution.registry.version(subject, version) {
            Some(_) => Ok(()),
            None => {
                let have: Vec<String> = self.evolution.registry.subjects[subject]
                    .versions
                    .iter()
                    .map(|v| format!("v{}", v.version))
                    .collect();
                Err(format!(
                    "{} has no version {version} registered; it has {}",
                    self.scenario.type_name(self.scenario.schemas[subject].mtype),
                    have.join(", ")
                ))
            }
        }
    }

    /// The version a message of `mtype` sent at `sent_us` was written with: 0 if its type has
    /// no schema.
    pub(crate) fn written_version(&self, mtype: MessageType, sent_us: Micros) -> u16 {
        match self.evolution.registry.subject_of(mtype) {
            Some(s) => self.evolution.producers[s].version_at(sent_us) as u16,
            None => 0,
        }
    }

    /// Whether service `i` can read a message of `mtype` written with `writer` (0: no schema).
    pub(crate) fn can_read(&self, i: u16, mtype: MessageType, writer: u16) -> Result<(), Incompatible> {
        if writer == 0 {
            return Ok(());
        }
        let Some(s) = self.evolution.registry.subject_of(mtype) else { return Ok(()) };
        let reader = self.evolution.readers[s][i as usize];
        // A version always reads its own data: the common case costs no field comparison.
        if reader == writer as u32 {
            return Ok(());
        }
        self.evolution.registry.reads(s, reader, writer as u32)
    }

    /// Tells that service `i` could not read an event of `order`, and why.
    pub(crate) fn note_unreadable(&mut self, i: u16, order: u64, mtype: MessageType, writer: u16) {
        let Some(s) = self.evolution.registry.subject_of(mtype) else { return };
        let reader = self.evolution.readers[s][i as usize];
        if let Err(why) = self.evolution.registry.reads(s, reader, writer as u32) {
            let kind = NoteKind::Unreadable { service: i, subject: s as u16, writer: writer as u32, reader, why };
            self.note(order, kind);
        }
    }

    /// The producer deploys proposal `proposal`: registered (or found registered) and written
    /// from now on, or refused and nothing changes.
    pub(crate) fn deploy(&mut self, subject: usize, proposal: usize) {
        let fields = self.scenario.schemas[subject].proposals[proposal].fields.clone();
        let outcome = self.evolution.registry.register(subject, Some(proposal as u16), fields, self.now);
        match outcome {
            Outcome::Registered { version } | Outcome::AlreadyRegistered { version } => {
                self.evolution.producers[subject].changes.push((self.now, version));
            }
            Outcome::Refused { .. } => self.evolution.refused += 1,
        }
        self.note(0, NoteKind::SchemaDeployed { subject: subject as u16, proposal: proposal as u16, outcome });
    }

    pub(crate) fn set_producer_version(&mut self, subject: usize, version: u32) {
        if self.evolution.producers[subject].now() != version {
            self.evolution.producers[subject].changes.push((self.now, version));
            let setting = SettingNote::ProducerVersion { subject: subject as u16, version };
            self.note(0, NoteKind::SettingChanged { service: None, setting });
        }
    }

    pub(crate) fn set_reader_version(&mut self, i: u16, subject: usize, version: u32) {
        let r = &mut self.evolution.readers[subject][i as usize];
        if *r != version {
            *r = version;
            let setting = SettingNote::ReaderVersion { subject: subject as u16, version };
            self.note(0, NoteKind::SettingChanged { service: Some(i), setting });
        }
    }

    pub(crate) fn set_compatibility(&mut self, subject: usize, mode: Compatibility) {
        if self.evolution.registry.subjects[subject].mode != mode {
            self.evolution.registry.set_mode(subject, mode);
            let setting = SettingNote::Compatibility { subject: subject as u16, mode };
            self.note(0, NoteKind::SettingChanged { service: None, setting });
        }
    }

    /// Whether a consumer reading `mtype` with `reader` can read data written with `writer`.
    pub fn schema_readable(&self, mtype: MessageType, reader: u32, writer: u32) -> bool {
        let Some(s) = self.evolution.registry.subject_of(mtype) else { return true };
        let r = &self.evolution.registry;
        r.version(s, reader).is_some() && r.version(s, writer).is_some() && r.reads(s, reader, writer).is_ok()
    }

    // ----- views -----

    /// Whether the system's schemas have changed since the start (see `Evolution::evolved`):
    /// cheap, for what the page checks every frame before drawing version badges.
    pub fn schemas_evolved(&self) -> bool {
        self.evolution.evolved()
    }

    /// The registry and who reads and writes what; `None` for a system with no schemas.
    pub fn schema_view(&self) -> Option<SchemaView> {
        let e = &self.evolution;
        if self.scenario.schemas.is_empty() {
            return None;
        }
        let subjects = e
            .registry
            .subjects
            .iter()
            .enumerate()
            .map(|(k, s)| SubjectView {
                mtype: s.mtype,
                mode: s.mode,
                versions: s.versions.iter().map(|v| (v.version, v.fields.clone())).collect(),
                history: s.history.clone(),
                proposals: self.scenario.schemas[k]
                    .proposals
                    .iter()
                    .map(|p| (p.key.clone(), p.fields.clone()))
                    .collect(),
                producer: e.producers[k].now(),
                readers: e.readers[k].clone(),
            })
            .collect();
        Some(SchemaView { subjects, unreadable: e.unreadable.clone(), refused: e.refused, evolved: e.evolved() })
    }

    /// The schema version a message on a wire carries, for the page's badge: a publish's is
    /// its producer's when it was sent, a delivery's is its log entry's. `None` for messages
    /// that carry no payload of a subject.
    pub fn message_version(&self, m: &Message) -> Option<u32> {
        self.evolution.registry.subject_of(m.mtype)?;
        match (m.kind, m.to) {
            (MsgKind::Publish, _) => Some(self.written_version(m.mtype, m.sent_us()) as u32),
            (MsgKind::Deliver, crate::message::Node::Service(i)) => {
                let f = self.broker.subs[i as usize].flights.iter().find(|f| f.id == m.tag)?;
                Some(f.entry.schema as u32).filter(|&v| v > 0)
            }
            _ => None,
        }
    }
}
