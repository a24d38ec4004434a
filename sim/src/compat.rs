//! Schema compatibility, as a schema registry checks it (Confluent Schema Registry's rules):
//! whether a new version of an event's schema may be registered under a subject's mode, and if
//! not, which earlier version it conflicts with and why. A field with a default is optional:
//! a reader fills it in when the data lacks it. A reader ignores fields it does not know. A
//! rename is a delete plus an add.
//!
//! Typed reasons only; the page words them.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// The type of a message's field, as a file's `fields` name it. It lives here, below the file
/// format (`system::schema` re-exports it), so that the scenario model and the registry need
/// nothing from the format and the core's modules form no cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr, VariantArray)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum FieldType {
    /// The ID of the thing the actor started (the order): the same in every message of it.
    Id,
    /// The ID of the actor who started it.
    ActorId,
    /// An amount of money, in cents.
    Money,
    Number,
    Text,
    Time,
}

/// One field of a schema version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaField {
    pub name: String,
    pub ty: FieldType,
    /// Optional: readers use the default when the data lacks the field.
    pub has_default: bool,
}

/// One version of an event's schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaVersion {
    pub version: u32,
    pub fields: Vec<SchemaField>,
}

impl SchemaVersion {
    fn field(&self, name: &str) -> Option<&SchemaField> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A subject's compatibility mode.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, EnumString, IntoStaticStr, VariantArray,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Compatibility {
    /// No check.
    None,
    /// Consumers on the new schema can read data written with the last one.
    #[default]
    Backward,
    /// Consumers on the last schema can read data written with the new one.
    Forward,
    /// Both.
    Full,
    BackwardTransitive,
    ForwardTransitive,
    FullTransitive,
}

impl Compatibility {
    /// Every mode, in the order the registry's documentation lists them.
    pub const ALL: [Compatibility; 7] = [
        Compatibility::None,
        Compatibility::Backward,
        Compatibility::Forward,
        Compatibility::Full,
        Compatibility::BackwardTransitive,
        Compatibility::ForwardTransitive,
        Compatibility::FullTransitive,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn key(self) -> &'static str {
        self.into()
    }
    /// Checked against every earlier version, not only the last.
    pub fn transitive(self) -> bool {
        matches!(self, Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive)
    }
    fn backward(self) -> bool {
        matches!(self, Self::Backward | Self::Full | Self::BackwardTransitive | Self::FullTransitive)
    }
    fn forward(self) -> bool {
        matches!(self, Self::Forward | Self::Full | Self::ForwardTransitive | Self::FullTransitive)
    }
}

/// Why a reader cannot read what a writer wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Incompatible {
    /// The reader needs this field, with no default, and the writer's data lacks it.
    MissingRequired { field: String },
    /// Both have the field, with different types.
    TypeChanged { field: String, reader: FieldType, writer: FieldType },
}

/// Which way the check failed: new readers on old data, or old readers on new data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// BACKWARD: the new version cannot read data of `version`.
    NewReadsOld,
    /// FORWARD: `version` cannot read data of the new version.
    OldReadsNew,
}

/// A refused registration: the earlier version it conflicts with, which way, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub version: u32,
    pub direction: Direction,
    pub reason: Incompatible,
}

/// Whether `reader` can read data written with `writer`: every field the reader has either
/// comes in the data with the same type, or has a default.
pub fn can_read(reader: &SchemaVersion, writer: &SchemaVersion) -> Result<(), Incompatible> {
    for f in &reader.fields {
        match writer.field(&f.name) {
            Some(w) if w.ty != f.ty => {
                return Err(Incompatible::TypeChanged { field: f.name.clone(), reader: f.ty, writer: w.ty })
            }
            Some(_) => {}
            None if f.has_default => {}
            None => return Err(Incompatible::MissingRequired { field: f.name.clone() }),
        }
    }
    Ok(())
}

/// Whether `new` may be registered after `history` (oldest first) under `mode`; the conflict
/// names the newest earlier version it fails against.
pub fn check(mode: Compatibility, history: &[SchemaVersion], new: &SchemaVersion) -> Result<(), Conflict> {
    let against: Vec<&SchemaVersion> =
        if mode.transitive() { history.iter().rev().collect() } else { history.last().into_iter().collect() };
    for old in against {
        if mode.backward() {
            can_read(new, old).map_err(|reason| Conflict {
                version: old.version,
                direction: Direction::NewReadsOld,
                reason,
            })?;
        }
        if mode.forward() {
            can_read(old, new).map_err(|reason| Conflict {
                version: old.version,
                direction: Direction::OldReadsNew,
                reason,
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Compatibility::*;

    fn field(name: &str, ty: FieldType, has_default: bool) -> SchemaField {
        SchemaField { name: name.into(), ty, has_default }
    }

    fn v(version: u32, fields: Vec<SchemaField>) -> SchemaVersion {
        SchemaVersion { version, fields }
    }

    fn base() -> SchemaVersion {
        v(1, vec![field("order_id", FieldType::Id, false), field("amount", FieldType::Money, false)])
    }

    #[test]
    fn an_optional_field_added_is_accepted_everywhere_and_a_required_one_breaks_backward() {
        let mut optional = base();
        optional.version = 2;
        optional.fields.push(field("coupon", FieldType::Text, true));
        for mode in Compatibility::VARIANTS {
            assert_eq!(check(*mode, &[base()], &optional), Ok(()), "{mode:?}");
        }
        let mut required = base();
        required.version = 2;
        required.fields.push(field("coupon", FieldType::Text, false));
        let e = check(Backward, &[base()], &required).unwrap_err();
        assert_eq!(e.version, 1);
        assert_eq!(e.direction, Direction::NewReadsOld);
        assert_eq!(e.reason, Incompatible::MissingRequired { field: "coupon".into() });
        // Old readers ignore a field they do not know: FORWARD accepts it; FULL does not.
        assert_eq!(check(Forward, &[base()], &required), Ok(()));
        assert!(check(Full, &[base()], &required).is_err());
        assert_eq!(check(None, &[base()], &required), Ok(()));
    }

    #[test]
    fn a_rename_is_a_delete_plus_an_add() {
        // `amount` renamed `total`: new readers need `total`, which old data lacks.
        let renamed = v(2, vec![field("order_id", FieldType::Id, false), field("total", FieldType::Money, false)]);
        let e = check(Backward, &[base()], &renamed).unwrap_err();
        assert_eq!(e.reason, Incompatible::MissingRequired { field: "total".into() });
        // Old readers need `amount`, which new data lacks.
        let e = check(Forward, &[base()], &renamed).unwrap_err();
        assert_eq!(
            (e.direction, e.reason),
            (Direction::OldReadsNew, Incompatible::MissingRequired { field: "amount".into() })
        );
        // Deleting a required field is fine for new readers (BACKWARD), not for old ones.
        let deleted = v(2, vec![field("order_id", FieldType::Id, false)]);
        assert_eq!(check(Backward, &[base()], &deleted), Ok(()));
        assert!(check(Forward, &[base()], &deleted).is_err());
        let typed = v(2, vec![field("order_id", FieldType::Id, false), field("amount", FieldType::Text, false)]);
        assert!(matches!(check(Backward, &[base()], &typed).unwrap_err().reason, Incompatible::TypeChanged { .. }));
    }

    #[test]
    fn transitive_modes_catch_what_pairwise_checks_let_through() {
        // v2 makes `amount` optional; v3 drops it; v4 brings it back as text. Each step reads
        // its predecessor's data; v4 cannot read v1's money.
        let v2 = v(2, vec![field("order_id", FieldType::Id, false), field("amount", FieldType::Money, true)]);
        let v3 = v(3, vec![field("order_id", FieldType::Id, false)]);
        let v4 = v(4, vec![field("order_id", FieldType::Id, false), field("amount", FieldType::Text, true)]);
        let history = [base(), v2.clone(), v3.clone()];
        assert_eq!(check(Backward, &[base()], &v2), Ok(()));
        assert_eq!(check(Backward, &[base(), v2], &v3), Ok(()));
        assert_eq!(check(Backward, &history, &v4), Ok(()), "against v3 alone, v4 is fine");
        let e = check(BackwardTransitive, &history, &v4).unwrap_err();
        assert_eq!(e.version, 2, "the newest version it conflicts with");
        assert!(matches!(
            e.reason,
            Incompatible::TypeChanged { reader: FieldType::Text, writer: FieldType::Money, .. }
        ));
    }

    #[test]
    fn modes_read_and_write_as_the_registry_names_them() {
        for mode in Compatibility::VARIANTS {
            assert_eq!(Compatibility::parse(mode.key()), Some(*mode));
            assert_eq!(serde_json::to_string(mode).unwrap(), format!("\"{}\"", mode.key()));
        }
        assert_eq!(Compatibility::default().key(), "BACKWARD");
        assert_eq!(FullTransitive.key(), "FULL_TRANSITIVE");
    }
}
