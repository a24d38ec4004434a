//! Compiles a scenario file's `schemas` section: each key names an event of `messages` that a
//! topic carries, which becomes its message type; its declared fields, with the ones listed
//! `optional` given defaults, become the subject's first version; each proposal becomes a
//! full field set a producer may register later. Every problem is named with its path.

use super::compile::{is_field_name, is_key, key_problem, Problem, FIELD_NAME_PROBLEM, NO_ID_PROBLEM};
use super::schema::{FieldType, MessageKind, ScenarioFile};
use crate::compat::{SchemaField, SchemaVersion};
use crate::scenario::Scenario;
use crate::schema_registry::{Proposal, SubjectSpec};
use std::collections::BTreeMap;

/// Most proposals one subject may list; the page lists them all.
pub const MAX_PROPOSALS: usize = 16;

/// The subjects, in message-type order (the entry's event first), whatever the file's order.
pub fn compile(f: &ScenarioFile, sc: &Scenario) -> Result<Vec<SubjectSpec>, Vec<Problem>> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut bad = |path: String, what: String| problems.push(Problem { path, what });
    let mut subjects = Vec::new();
    for (name, d) in &f.schemas {
        let path = format!("schemas.{}", clip(name));
        let Some(decl) = f.messages.iter().find(|m| m.name == *name) else {
            bad(path, format!("{} is not a declared message", clip(name)));
            continue;
        };
        if decl.kind == MessageKind::Command {
            bad(path, format!("{name} is a command: the registry keeps the schemas of events"));
            continue;
        }
        let mtype = sc.message_types().into_iter().find(|&t| sc.type_name(t) == name);
        let Some(mtype) = mtype else {
            bad(path, format!("no topic carries {name}"));
            continue;
        };
        let first_optional = optional(&mut bad, &format!("{path}.optional"), &d.optional, &decl.fields);
        let first = SchemaVersion { version: decl.version, fields: schema_fields(&decl.fields, &first_optional) };
        if d.proposals.len() > MAX_PROPOSALS {
            bad(format!("{path}.proposals"), format!("has {} entries; at most {MAX_PROPOSALS}", d.proposals.len()));
        }
        let mut proposals: Vec<Proposal> = Vec::new();
        for (k, p) in d.proposals.iter().enumerate() {
            let pp = format!("{path}.proposals[{k}]");
            if !is_key(&p.key) {
                bad(format!("{pp}.key"), key_problem(&p.key));
            } else if proposals.iter().any(|q| q.key == p.key) {
                bad(format!("{pp}.key"), format!("`{}` names another proposal already", p.key));
            }
            if p.fields.is_empty() {
                bad(format!("{pp}.fields"), "a schema has at least one field".into());
            } else if !p.fields.values().any(|t| *t == FieldType::Id) {
                bad(format!("{pp}.fields"), NO_ID_PROBLEM.into());
            }
            for field in p.fields.keys().filter(|f| !is_field_name(f)) {
                bad(format!("{pp}.fields.{}", clip(field)), FIELD_NAME_PROBLEM.into());
            }
            let opt = optional(&mut bad, &format!("{pp}.optional"), &p.optional, &p.fields);
            let fields = schema_fields(&p.fields, &opt);
            // The registry would answer "already registered" and the lab would show nothing
            // happen: almost surely a slip in the file.
            if fields == first.fields {
                bad(pp, format!("is the same schema as the declared {name}"));
            } else if let Some(j) = proposals.iter().position(|q| q.fields == fields) {
                bad(pp, format!("is the same schema as proposals[{j}]"));
            }
            proposals.push(Proposal { key: p.key.clone(), fields });
        }
        subjects.push(SubjectSpec { mtype, mode: d.mode, first, proposals });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    subjects.sort_by_key(|s| s.mtype);
    Ok(subjects)
}

/// The names in `list` (at `path`) that are fields of `fields`; every other one, and every one
/// named twice, is a problem.
fn optional<'a>(
    bad: &mut impl FnMut(String, String),
    path: &str,
    list: &'a [String],
    fields: &BTreeMap<String, FieldType>,
) -> Vec<&'a str> {
    let mut names: Vec<&str> = Vec::new();
    for (k, o) in list.iter().enumerate() {
        if !fields.contains_key(o) {
            bad(format!("{path}[{k}]"), format!("`{}` is not one of the schema's fields", clip(o)));
        } else if names.contains(&o.as_str()) {
            bad(format!("{path}[{k}]"), format!("`{o}` is listed twice"));
        } else {
            names.push(o);
        }
    }
    names
}

/// The fields in name order (a file's object of fields is read in that order), the ones named
/// `optional` with defaults.
fn schema_fields(fields: &BTreeMap<String, FieldType>, optional: &[&str]) -> Vec<SchemaField> {
    fields
        .iter()
        .map(|(name, ty)| SchemaField { name: name.clone(), ty: *ty, has_default: optional.contains(&name.as_str()) })
        .collect()
}

fn clip(s: &str) -> String {
    crate::text::clip(s, 40)
}

#[cfg(test)]
mod tests {
    use crate::compat::Compatibility;
    use crate::message::MessageType;

    fn checkout() -> serde_json::Value {
        serde_json::from_str(crate::system::builtin::FILES[0].1).unwrap()
    }

    fn problems(v: &serde_json::Value) -> Vec<String> {
        crate::system::load(&v.to_string()).unwrap_err().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_file_without_schemas_has_no_subjects_and_the_mode_defaults_to_backward() {
        let mut v = checkout();
        v.as_object_mut().unwrap().remove("schemas");
        assert!(crate::system::load(&v.to_string()).unwrap().schemas.is_empty());
        let mut v = checkout();
        v["schemas"]["OrderPlaced"].as_object_mut().unwrap().remove("mode");
        v["schemas"]["OrderCancelled"] = serde_json::json!({"mode": "NONE", "optional": ["amount"]});
        let s = crate::system::load(&v.to_string()).unwrap();
        assert_eq!(s.schemas.len(), 2);
        assert_eq!((s.schemas[0].mtype, s.schemas[0].mode), (MessageType::ENTRY, Compatibility::Backward));
        assert_eq!((s.schemas[1].mtype, s.schemas[1].mode), (MessageType::CANCEL, Compatibility::None));
        let amount = s.schemas[1].first.fields.iter().find(|f| f.name == "amount").unwrap();
        assert!(amount.has_default && s.schemas[1].proposals.is_empty());
    }

    #[test]
    fn a_proposal_must_keep_the_id_and_use_field_names() {
        let mut v = checkout();
        v["schemas"]["OrderPlaced"]["proposals"][0]["fields"] = serde_json::json!({"Total": "money"});
        let said = problems(&v);
        for needle in [
            "schemas.OrderPlaced.proposals[0].fields: every message carries the ID",
            "schemas.OrderPlaced.proposals[0].fields.Total: field names are lower-case",
            "schemas.OrderPlaced.proposals[0].optional[0]: `coupon` is not one of the schema's fields",
        ] {
            assert!(said.iter().any(|p| p.starts_with(needle)), "missing {needle:?} in {said:#?}");
        }
    }
}
