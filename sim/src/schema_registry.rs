//! The schema registry as the broker keeps it (Confluent Schema Registry's model): one subject
//! per event type that has a schema, each with its compatibility mode, its registered versions
//! and every registration asked of it, refused ones included, so that the page can show what
//! was asked, when, and what the registry answered.
//!
//! The scenario declares what the registry starts with ([`SubjectSpec`], compiled from a file's
//! `schemas` section): each subject's mode, its first version (the message as the file declares
//! it) and the later schemas a producer may propose in the lab. Nothing in the engine uses the
//! registry yet.
//!
//! Typed answers only; the page words them.

use crate::compat::{self, Compatibility, Conflict, Incompatible, SchemaField, SchemaVersion};
use crate::message::MessageType;
use crate::time::Micros;
use serde::{Deserialize, Serialize};

/// What a scenario declares for one event type's subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectSpec {
    pub mtype: MessageType,
    pub mode: Compatibility,
    /// The message as the file declares it, registered when the run starts.
    pub first: SchemaVersion,
    /// Later schemas a producer may deploy in the lab, in the file's order; a registration
    /// names one by its index here.
    #[serde(default)]
    pub proposals: Vec<Proposal>,
}

/// A later schema a producer may propose: its key (kebab-case, for links and the page) and its
/// full field set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    pub key: String,
    pub fields: Vec<SchemaField>,
}

/// Every subject the registry keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaRegistry {
    pub subjects: Vec<Subject>,
}

/// One event type's schemas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub mtype: MessageType,
    pub mode: Compatibility,
    /// Registered versions, oldest first, never empty: the first is the declared one.
    pub versions: Vec<SchemaVersion>,
    /// Every registration asked of this subject, in the order asked, refused ones included.
    pub history: Vec<Registration>,
}

/// One registration asked of a subject, and what the registry answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub at_us: Micros,
    /// Which of the subject's proposals; `None` for the declared first version.
    pub proposal: Option<u16>,
    pub outcome: Outcome,
}

/// The registry's answer to a registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new version, with this number.
    Registered { version: u32 },
    /// The same fields as an existing version: as Confluent's registry does, the existing
    /// version is returned and nothing is added (whatever the mode says).
    AlreadyRegistered { version: u32 },
    /// Refused under `mode` (the subject's mode when asked): the version it conflicts with,
    /// which way, and why. Confluent answers HTTP 409.
    Refused { mode: Compatibility, conflict: Conflict },
}

/// Fields in name order: the same set of fields is the same schema whatever order it is given
/// in, and a version lists its fields as a file's object of fields reads.
fn in_order(mut fields: Vec<SchemaField>) -> Vec<SchemaField> {
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    fields
}

impl SchemaRegistry {
    /// The registry a run starts with: each subject's first version registered at time 0.
    /// The first version keeps the number the file declares (1 unless it says otherwise);
    /// later ones are numbered on from the newest.
    pub fn new(specs: &[SubjectSpec]) -> Self {
        let subjects = specs
            .iter()
            .map(|s| {
                let first = SchemaVersion { version: s.first.version, fields: in_order(s.first.fields.clone()) };
                Subject {
                    mtype: s.mtype,
                    mode: s.mode,
                    history: vec![Registration {
                        at_us: 0,
                        proposal: None,
                        outcome: Outcome::Registered { version: first.version },
                    }],
                    versions: vec![first],
                }
            })
            .collect();
        SchemaRegistry { subjects }
    }

    /// Asks subject `subject` to register `fields` (proposal `proposal`, or `None`) at `at_us`:
    /// the existing version if one has the same fields, otherwise checked against the
    /// registered versions under the subject's mode. Recorded in the subject's history either
    /// way.
    ///
    /// # Panics
    /// If there is no subject `subject`.
    pub fn register(
        &mut self,
        subject: usize,
        proposal: Option<u16>,
        fields: Vec<SchemaField>,
        at_us: Micros,
    ) -> Outcome {
        let s = &mut self.subjects[subject];
        let fields = in_order(fields);
        let outcome = if let Some(same) = s.versions.iter().find(|v| v.fields == fields) {
            Outcome::AlreadyRegistered { version: same.version }
        } else {
            let version = s.versions.last().map_or(1, |v| v.version + 1);
            let new = SchemaVersion { version, fields };
            match compat::check(s.mode, &s.versions, &new) {
                Ok(()) => {
                    s.versions.push(new);
                    Outcome::Registered { version }
                }
                Err(conflict) => Outcome::Refused { mode: s.mode, conflict },
            }
        };
        s.history.push(Registration { at_us, proposal, outcome: outcome.clone() });
        outcome
    }

    /// Changes a subject's mode; registered versions stay (as in Confluent's registry, a mode
    /// applies to registrations asked after it is set).
    pub fn set_mode(&mut self, subject: usize, mode: Compatibility) {
        self.subjects[subject].mode = mode;
    }

    /// A subject's newest version.
    pub fn latest(&self, subject: usize) -> &SchemaVersion {
        self.subjects[subject].versions.last().expect("a subject has its declared version")
    }

    /// A subject's version `v`, if registered.
    pub fn version(&self, subject: usize, v: u32) -> Option<&SchemaVersion> {
        self.subjects[subject].versions.iter().find(|s| s.version == v)
    }

    /// The subject that keeps the schemas of `mtype`, if any.
    pub fn subject_of(&self, mtype: MessageType) -> Option<usize> {
        self.subjects.iter().position(|s| s.mtype == mtype)
    }

    /// Whether a consumer running `reader_version` of a subject's schema can read a message
    /// written with `writer_version`.
    ///
    /// # Panics
    /// If either version is not registered: the engine only asks about versions it registered.
    pub fn reads(&self, subject: usize, reader_version: u32, writer_version: u32) -> Result<(), Incompatible> {
        let get = |v: u32| self.version(subject, v).unwrap_or_else(|| panic!("version {v} is not registered"));
        compat::can_read(get(reader_version), get(writer_version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat::{Direction, FieldType};

    fn field(name: &str, ty: FieldType, has_default: bool) -> SchemaField {
        SchemaField { name: name.into(), ty, has_default }
    }

    fn base() -> Vec<SchemaField> {
        vec![field("order_id", FieldType::Id, false), field("amount", FieldType::Money, false)]
    }

    fn registry(mode: Compatibility) -> SchemaRegistry {
        let first = SchemaVersion { version: 1, fields: base() };
        SchemaRegistry::new(&[SubjectSpec { mtype: MessageType::ENTRY, mode, first, proposals: vec![] }])
    }

    #[test]
    fn the_declared_version_is_registered_at_time_0_and_later_ones_numbered_on() {
        let mut r = registry(Compatibility::Backward);
        assert_eq!(
            r.subjects[0].history[0],
            Registration { at_us: 0, proposal: None, outcome: Outcome::Registered { version: 1 } }
        );
        // Stored in name order, whatever order it came in.
        assert_eq!(r.latest(0).fields[0].name, "amount");
        let mut coupon = base();
        coupon.push(field("coupon", FieldType::Text, true));
        assert_eq!(r.register(0, Some(0), coupon.clone(), 5), Outcome::Registered { version: 2 });
        assert_eq!(r.latest(0).version, 2);
        assert_eq!(r.version(0, 1).unwrap().fields.len(), 2);
        assert_eq!(r.version(0, 3), None);
        assert_eq!((r.subject_of(MessageType::ENTRY), r.subject_of(MessageType::CANCEL)), (Some(0), None));
        // New readers fill in the coupon's default; old readers ignore it.
        assert_eq!((r.reads(0, 2, 1), r.reads(0, 1, 2)), (Ok(()), Ok(())));
    }

    #[test]
    fn the_same_fields_again_return_the_existing_version_in_any_order_and_under_any_mode() {
        let mut r = registry(Compatibility::BackwardTransitive);
        let mut reversed = base();
        reversed.reverse();
        assert_eq!(r.register(0, Some(3), reversed, 7), Outcome::AlreadyRegistered { version: 1 });
        assert_eq!(r.subjects[0].versions.len(), 1);
        assert_eq!(r.subjects[0].history.len(), 2);
        assert_eq!(r.subjects[0].history[1].proposal, Some(3));
    }

    #[test]
    fn a_refusal_is_recorded_with_the_mode_it_was_refused_under_and_a_new_mode_applies_after() {
        let mut r = registry(Compatibility::Backward);
        let mut required = base();
        required.push(field("coupon", FieldType::Text, false));
        let refused = r.register(0, Some(1), required.clone(), 10);
        let Outcome::Refused { mode, conflict } = &refused else { panic!("{refused:?}") };
        assert_eq!(*mode, Compatibility::Backward);
        assert_eq!(
            (conflict.version, conflict.direction, &conflict.reason),
            (1, Direction::NewReadsOld, &Incompatible::MissingRequired { field: "coupon".into() })
        );
        assert_eq!(r.subjects[0].history.last().unwrap().outcome, refused);
        assert_eq!(r.latest(0).version, 1, "nothing added");
        r.set_mode(0, Compatibility::Forward);
        assert_eq!(r.register(0, Some(1), required, 20), Outcome::Registered { version: 2 });
        // A consumer still on version 1 reads the new data; one on version 2 cannot read the old.
        assert_eq!(r.reads(0, 1, 2), Ok(()));
        assert_eq!(r.reads(0, 2, 1), Err(Incompatible::MissingRequired { field: "coupon".into() }));
        let at: Vec<Micros> = r.subjects[0].history.iter().map(|h| h.at_us).collect();
        assert_eq!(at, [0, 10, 20]);
    }
}
