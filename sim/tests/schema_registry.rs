//! The schema registry's data layer, as Confluent's registry behaves (PATTERNS.md, "Schema
//! evolution"): what each compatibility mode accepts, stated as a table; the checkout file's
//! proposals registered in order under each mode; over random histories, a transitive mode is
//! its plain mode against every earlier version, the check is deterministic, and a schema
//! reads its own data. And the scenario file's `schemas` section: what it compiles to, and
//! every problem named with its path.

mod common;

use fanout_sim::compat::{self, Compatibility, Conflict, Direction, Incompatible, SchemaField, SchemaVersion};
use fanout_sim::message::MessageType;
use fanout_sim::schema_registry::{Outcome, Proposal, SchemaRegistry, SubjectSpec};
use fanout_sim::system::{self, schema::FieldType};
use fanout_sim::Scenario;
use proptest::prelude::*;
use strum::VariantArray;
use Compatibility::{Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive};

fn field(name: &str, ty: FieldType, has_default: bool) -> SchemaField {
    SchemaField { name: name.into(), ty, has_default }
}

// ----- each mode's verdicts, as a table -----

#[derive(Clone, Copy, Debug, PartialEq)]
enum Change {
    AddOptional,
    AddRequired,
    DeleteOptional,
    DeleteRequired,
    /// `amount` renamed `total`.
    Rename,
    /// `amount` from money to text.
    Retype,
}
use Change::*;

/// `order_id` (id), `amount` (money) and an optional `note` (text).
fn base() -> Vec<SchemaField> {
    vec![
        field("order_id", FieldType::Id, false),
        field("amount", FieldType::Money, false),
        field("note", FieldType::Text, true),
    ]
}

fn changed(c: Change) -> Vec<SchemaField> {
    let mut f = base();
    match c {
        AddOptional => f.push(field("coupon", FieldType::Text, true)),
        AddRequired => f.push(field("coupon", FieldType::Text, false)),
        DeleteOptional => f.retain(|x| x.name != "note"),
        DeleteRequired => f.retain(|x| x.name != "amount"),
        Rename => f[1].name = "total".into(),
        Retype => f[1].ty = FieldType::Text,
    }
    f
}

/// The registry's verdict on a change registered after the base (version 1).
#[derive(Clone, Copy, Debug, PartialEq)]
enum V {
    /// Registered as version 2.
    Y,
    /// Refused against version 1: the new version cannot read version 1's data (BACKWARD).
    NewReadsOld(Why),
    /// Refused against version 1: version 1 cannot read the new version's data (FORWARD).
    OldReadsNew(Why),
}
use V::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Why {
    /// The reader needs this field, with no default, and the data lacks it.
    Missing(&'static str),
    /// `amount` has type `reader` in the reader and `writer` in the data.
    Type { reader: FieldType, writer: FieldType },
}

const NEEDS_COUPON: V = NewReadsOld(Why::Missing("coupon"));
const NEEDS_TOTAL: V = NewReadsOld(Why::Missing("total"));
const LOSES_AMOUNT: V = OldReadsNew(Why::Missing("amount"));
const READS_TEXT: V = NewReadsOld(Why::Type { reader: FieldType::Text, writer: FieldType::Money });
const READS_MONEY: V = OldReadsNew(Why::Type { reader: FieldType::Money, writer: FieldType::Text });

/// Columns in `Compatibility::VARIANTS` order.
#[rustfmt::skip]
const TABLE: [(Change, [V; 7]); 6] = [
    //                 NONE  BACKWARD      FORWARD       FULL          BACKWARD_T    FORWARD_T     FULL_T
    (AddOptional,    [Y,    Y,            Y,            Y,            Y,            Y,            Y]),
    (AddRequired,    [Y,    NEEDS_COUPON, Y,            NEEDS_COUPON, NEEDS_COUPON, Y,            NEEDS_COUPON]),
    (DeleteOptional, [Y,    Y,            Y,            Y,            Y,            Y,            Y]),
    (DeleteRequired, [Y,    Y,            LOSES_AMOUNT, LOSES_AMOUNT, Y,            LOSES_AMOUNT, LOSES_AMOUNT]),
    (Rename,         [Y,    NEEDS_TOTAL,  LOSES_AMOUNT, NEEDS_TOTAL,  NEEDS_TOTAL,  LOSES_AMOUNT, NEEDS_TOTAL]),
    (Retype,         [Y,    READS_TEXT,   READS_MONEY,  READS_TEXT,   READS_TEXT,   READS_MONEY,  READS_TEXT]),
];

fn expected(mode: Compatibility, v: V) -> Outcome {
    let reason = |w: Why| match w {
        Why::Missing(f) => Incompatible::MissingRequired { field: f.into() },
        Why::Type { reader, writer } => Incompatible::TypeChanged { field: "amount".into(), reader, writer },
    };
    let refused =
        |direction, w| Outcome::Refused { mode, conflict: Conflict { version: 1, direction, reason: reason(w) } };
    match v {
        Y => Outcome::Registered { version: 2 },
        NewReadsOld(w) => refused(Direction::NewReadsOld, w),
        OldReadsNew(w) => refused(Direction::OldReadsNew, w),
    }
}

fn plain(mode: Compatibility) -> Compatibility {
    match mode {
        BackwardTransitive => Backward,
        ForwardTransitive => Forward,
        FullTransitive => Full,
        m => m,
    }
}

/// PATTERNS.md's table of allowed changes: BACKWARD, delete fields and add optional fields;
/// FORWARD, add fields and delete optional fields; FULL, add or delete optional fields only;
/// NONE, anything. A rename is a delete plus an add; a type change is allowed by none but NONE.
fn patterns_allow(mode: Compatibility, c: Change) -> bool {
    match plain(mode) {
        Compatibility::None => true,
        Backward => matches!(c, DeleteOptional | DeleteRequired | AddOptional),
        Forward => matches!(c, AddOptional | AddRequired | DeleteOptional),
        Full => matches!(c, AddOptional | DeleteOptional),
        _ => unreachable!(),
    }
}

fn subject(mode: Compatibility, first: Vec<SchemaField>, proposals: Vec<Proposal>) -> SubjectSpec {
    SubjectSpec { mtype: MessageType::ENTRY, mode, first: SchemaVersion { version: 1, fields: first }, proposals }
}

#[test]
fn each_mode_accepts_and_refuses_the_changes_patterns_md_says_with_the_version_direction_and_reason() {
    for (change, verdicts) in TABLE {
        for (k, &mode) in Compatibility::VARIANTS.iter().enumerate() {
            let mut r = SchemaRegistry::new(&[subject(mode, base(), vec![])]);
            let got = r.register(0, Some(0), changed(change), 1_000);
            assert_eq!(got, expected(mode, verdicts[k]), "{change:?} under {}", mode.key());
            assert_eq!(verdicts[k] == Y, patterns_allow(mode, change), "{change:?} under {}: PATTERNS.md", mode.key());
            // On a single-step history a transitive mode agrees with its plain form.
            let p = Compatibility::VARIANTS.iter().position(|m| *m == plain(mode)).unwrap();
            assert_eq!(verdicts[k], verdicts[p], "{change:?}: {} and {}", mode.key(), plain(mode).key());
        }
    }
}

// ----- the checkout file's proposals -----

/// What registering the checkout's proposals in order gives: the new version, or the refusal.
#[derive(Clone, Copy, Debug)]
enum R {
    Reg(u32),
    /// Against this version, which way, for this field missing.
    Refused(u32, Direction, &'static str),
}

#[test]
fn the_checkout_proposals_registered_in_order_under_each_mode() {
    use Direction::{NewReadsOld as New, OldReadsNew as Old};
    use R::*;
    let spec = Scenario::checkout().schemas[0].clone();
    let keys: Vec<&str> = spec.proposals.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["add-coupon", "add-currency", "require-coupon", "rename-amount"]);
    #[rustfmt::skip]
    let table = [
        //                  add-coupon  add-currency               require-coupon             rename-amount
        (Compatibility::None, [Reg(2),    Reg(3),                    Reg(4),                    Reg(5)]),
        (Backward,           [Reg(2),    Refused(2, New, "currency"), Reg(3),                  Refused(3, New, "total")]),
        (Forward,            [Reg(2),    Reg(3),                    Refused(3, Old, "currency"), Refused(3, Old, "amount")]),
        (Full,               [Reg(2),    Refused(2, New, "currency"), Reg(3),                  Refused(3, New, "total")]),
        (BackwardTransitive, [Reg(2),    Refused(2, New, "currency"), Refused(1, New, "coupon"), Refused(2, New, "total")]),
        (ForwardTransitive,  [Reg(2),    Reg(3),                    Refused(3, Old, "currency"), Refused(3, Old, "amount")]),
        (FullTransitive,     [Reg(2),    Refused(2, New, "currency"), Refused(1, New, "coupon"), Refused(2, New, "total")]),
    ];
    for (mode, row) in table {
        let mut r = SchemaRegistry::new(&[SubjectSpec { mode, ..spec.clone() }]);
        for (k, (p, want)) in spec.proposals.iter().zip(row).enumerate() {
            let want = match want {
                Reg(version) => Outcome::Registered { version },
                Refused(version, direction, f) => Outcome::Refused {
                    mode,
                    conflict: Conflict {
                        version,
                        direction,
                        reason: Incompatible::MissingRequired { field: f.into() },
                    },
                },
            };
            let got = r.register(0, Some(k as u16), p.fields.clone(), (k as u64 + 1) * 1_000_000);
            assert_eq!(got, want, "{} under {}", p.key, mode.key());
        }
        let history = &r.subjects[0].history;
        assert_eq!(history.len(), 5);
        assert_eq!((history[0].proposal, history[0].at_us), (None, 0));
        assert_eq!((history[3].proposal, history[3].at_us), (Some(2), 3_000_000));
    }
}

/// require-coupon reads the coupon version's data, so BACKWARD lets it in; a replay of the
/// oldest events through a consumer on it fails.
#[test]
fn under_backward_require_coupon_is_accepted_and_cannot_read_the_oldest_events() {
    let spec = Scenario::checkout().schemas[0].clone();
    assert_eq!(spec.mode, Backward);
    let mut r = SchemaRegistry::new(std::slice::from_ref(&spec));
    assert_eq!(r.register(0, Some(0), spec.proposals[0].fields.clone(), 1), Outcome::Registered { version: 2 });
    assert_eq!(r.register(0, Some(2), spec.proposals[2].fields.clone(), 2), Outcome::Registered { version: 3 });
    assert_eq!(r.reads(0, 3, 2), Ok(()));
    assert_eq!(r.reads(0, 3, 1), Err(Incompatible::MissingRequired { field: "coupon".into() }));
    assert_eq!(r.reads(0, 1, 3), Ok(()), "an old consumer ignores the coupon");
    // Registering the coupon version again answers with the version it already is.
    assert_eq!(r.register(0, Some(0), spec.proposals[0].fields.clone(), 3), Outcome::AlreadyRegistered { version: 2 });
    assert_eq!(r.latest(0).version, 3);
}

// ----- over random histories -----

const NAMES: [&str; 5] = ["a", "b", "c", "d", "e"];
const TYPES: [FieldType; 3] = [FieldType::Id, FieldType::Money, FieldType::Text];

/// A schema over a few names, types and defaults, so that histories collide often.
fn fields() -> impl Strategy<Value = Vec<SchemaField>> {
    prop::collection::vec(prop::option::of((0..TYPES.len(), any::<bool>())), NAMES.len()).prop_map(|slots| {
        slots.into_iter().zip(NAMES).filter_map(|(s, name)| s.map(|(t, d)| field(name, TYPES[t], d))).collect()
    })
}

fn history() -> impl Strategy<Value = Vec<SchemaVersion>> {
    prop::collection::vec(fields(), 1..6).prop_map(|all| {
        all.into_iter().enumerate().map(|(k, fields)| SchemaVersion { version: k as u32 + 1, fields }).collect()
    })
}

fn mode() -> impl Strategy<Value = Compatibility> {
    prop::sample::select(Compatibility::VARIANTS)
}

/// A registry given the same registrations twice ends the same, and what it holds is
/// consistent with what it answered.
fn replay(
    mode: Compatibility,
    first: &[SchemaField],
    steps: &[(Vec<SchemaField>, Option<Compatibility>)],
) -> SchemaRegistry {
    let mut r = SchemaRegistry::new(&[subject(mode, first.to_vec(), vec![])]);
    for (k, (fields, new_mode)) in steps.iter().enumerate() {
        if let Some(m) = new_mode {
            r.set_mode(0, *m);
        }
        r.register(0, Some(k as u16), fields.clone(), k as u64);
    }
    r
}

proptest! {
    #![proptest_config(common::config(256))]

    /// A transitive mode refuses exactly when its plain mode refuses against some earlier
    /// version, and names the newest such version with the plain mode's reason.
    #[test]
    fn a_transitive_mode_is_its_plain_mode_against_every_earlier_version(history in history(), new in fields()) {
        let new = SchemaVersion { version: history.len() as u32 + 1, fields: new };
        for (p, t) in [(Backward, BackwardTransitive), (Forward, ForwardTransitive), (Full, FullTransitive)] {
            let pairwise: Vec<Result<(), Conflict>> =
                history.iter().map(|old| compat::check(p, std::slice::from_ref(old), &new)).collect();
            let transitive = compat::check(t, &history, &new);
            prop_assert_eq!(transitive.is_ok(), pairwise.iter().all(Result::is_ok));
            let newest_refusal = pairwise.iter().rev().find_map(|r| r.clone().err());
            prop_assert_eq!(transitive.err(), newest_refusal);
            // The plain mode is the same check against the newest version alone.
            prop_assert_eq!(compat::check(p, &history, &new), pairwise.last().unwrap().clone());
        }
        prop_assert_eq!(compat::check(Compatibility::None, &history, &new), Ok(()));
    }

    #[test]
    fn the_check_and_the_registry_are_deterministic(
        mode in mode(),
        history in history(),
        new in fields(),
        steps in prop::collection::vec((fields(), prop::option::of(mode())), 0..8),
    ) {
        let new = SchemaVersion { version: history.len() as u32 + 1, fields: new };
        prop_assert_eq!(compat::check(mode, &history, &new), compat::check(mode, &history, &new));
        let first = &history[0].fields;
        let r = replay(mode, first, &steps);
        prop_assert_eq!(&r, &replay(mode, first, &steps));
        let s = &r.subjects[0];
        prop_assert_eq!(s.history.len(), 1 + steps.len());
        // Versions are numbered 1, 2, ... in the order registered; every answer names one.
        let numbers: Vec<u32> = s.versions.iter().map(|v| v.version).collect();
        prop_assert_eq!(numbers, (1..=s.versions.len() as u32).collect::<Vec<_>>());
        for h in &s.history {
            let v = match &h.outcome {
                Outcome::Registered { version } | Outcome::AlreadyRegistered { version } => *version,
                Outcome::Refused { conflict, .. } => conflict.version,
            };
            prop_assert!(r.version(0, v).is_some(), "{:?}", h);
        }
    }

    #[test]
    fn a_registered_schema_reads_its_own_data_and_is_already_registered(
        mode in mode(),
        first in fields(),
        steps in prop::collection::vec((fields(), prop::option::of(mode())), 0..8),
    ) {
        let mut r = replay(mode, &first, &steps);
        let versions = r.subjects[0].versions.clone();
        for v in &versions {
            prop_assert_eq!(compat::can_read(v, v), Ok(()));
            prop_assert_eq!(r.reads(0, v.version, v.version), Ok(()));
            let mut shuffled = v.fields.clone();
            shuffled.reverse();
            let again = r.register(0, None, shuffled, 99);
            prop_assert_eq!(again, Outcome::AlreadyRegistered { version: v.version });
        }
        prop_assert_eq!(&r.subjects[0].versions, &versions, "nothing added");
    }
}

// ----- the scenario file's `schemas` section -----

const CHECKOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/scenarios/checkout.json");
const BANK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/scenarios/bank-transfer.json");

fn checkout_json() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(CHECKOUT).unwrap()).unwrap()
}

fn problems_of(v: &serde_json::Value) -> Vec<String> {
    system::load(&v.to_string()).unwrap_err().iter().map(ToString::to_string).collect()
}

#[test]
fn the_checkout_file_compiles_its_schemas_to_the_expected_subject() {
    use FieldType::*;
    let s = system::load(&std::fs::read_to_string(CHECKOUT).unwrap()).unwrap();
    assert_eq!(Scenario::by_id("checkout"), Some(s.clone()), "built in, from the same file");
    let fields = |list: &[(&str, FieldType, bool)]| -> Vec<SchemaField> {
        list.iter().map(|(n, t, d)| field(n, *t, *d)).collect()
    };
    let proposal = |key: &str, list: &[(&str, FieldType, bool)]| Proposal { key: key.into(), fields: fields(list) };
    // Fields in name order, as the registry keeps them.
    let want = SubjectSpec {
        mtype: MessageType::ENTRY,
        mode: Backward,
        first: SchemaVersion {
            version: 1,
            fields: fields(&[("amount", Money, false), ("order_id", Id, false), ("user_id", ActorId, false)]),
        },
        proposals: vec![
            proposal(
                "add-coupon",
                &[
                    ("amount", Money, false),
                    ("coupon", Text, true),
                    ("order_id", Id, false),
                    ("user_id", ActorId, false),
                ],
            ),
            proposal(
                "add-currency",
                &[
                    ("amount", Money, false),
                    ("coupon", Text, true),
                    ("currency", Text, false),
                    ("order_id", Id, false),
                    ("user_id", ActorId, false),
                ],
            ),
            proposal(
                "require-coupon",
                &[
                    ("amount", Money, false),
                    ("coupon", Text, false),
                    ("order_id", Id, false),
                    ("user_id", ActorId, false),
                ],
            ),
            proposal(
                "rename-amount",
                &[
                    ("coupon", Text, true),
                    ("order_id", Id, false),
                    ("total", Money, false),
                    ("user_id", ActorId, false),
                ],
            ),
        ],
    };
    assert_eq!(s.schemas, [want]);
    // The file reads back from its own JSON, and the scenario from its.
    let file = system::read::read(&std::fs::read_to_string(CHECKOUT).unwrap()).unwrap();
    assert_eq!(system::read::read(&serde_json::to_string(&file).unwrap()).unwrap(), file);
    let back: Scenario = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
    // The registry starts on the declared version.
    let r = SchemaRegistry::new(&s.schemas);
    assert_eq!((r.subject_of(MessageType::ENTRY), r.latest(0)), (Some(0), &s.schemas[0].first));
    // The other built-in scenarios declare no schemas.
    for id in Scenario::IDS.iter().filter(|id| **id != "checkout") {
        assert!(Scenario::by_id(id).unwrap().schemas.is_empty(), "{id}");
    }
}

#[test]
fn an_event_of_a_chain_gets_its_own_type_and_subjects_follow_the_type_order() {
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(BANK).unwrap()).unwrap();
    v["schemas"] = serde_json::json!({
        "TransferFlagged": { "mode": "FULL_TRANSITIVE" },
        "TransferRequested": { "optional": ["amount"] },
    });
    let s = system::load(&v.to_string()).unwrap();
    let flagged = s.message_types().into_iter().find(|&t| s.type_name(t) == "TransferFlagged").unwrap();
    assert!(flagged.is_follow_up());
    let got: Vec<(MessageType, Compatibility)> = s.schemas.iter().map(|x| (x.mtype, x.mode)).collect();
    assert_eq!(got, [(MessageType::ENTRY, Backward), (flagged, FullTransitive)]);
    assert!(s.schemas[0].first.fields.iter().any(|f| f.name == "amount" && f.has_default));
}

/// Problems of shape, found by the reader: each with its path.
#[test]
fn a_schemas_section_of_the_wrong_shape_is_refused_with_every_problem_and_its_path() {
    let mut v = checkout_json();
    let s = &mut v["schemas"]["OrderPlaced"];
    s["colour"] = "red".into();
    s["mode"] = "SIDEWAYS".into();
    s["optional"] = "coupon".into();
    s["proposals"][0]["fields"]["coupon"] = "date".into();
    s["proposals"][1]["shout"] = true.into();
    s["proposals"][2].as_object_mut().unwrap().remove("key");
    s["proposals"][3]["optional"][0] = 3.into();
    let said = problems_of(&v);
    for needle in [
        "schemas.OrderPlaced.colour: unknown key; accepted here: mode, optional, proposals",
        "schemas.OrderPlaced.mode: \"SIDEWAYS\" is not one of: NONE, BACKWARD, FORWARD, FULL, BACKWARD_TRANSITIVE",
        "schemas.OrderPlaced.optional: must be a list, not text",
        "schemas.OrderPlaced.proposals[0].fields.coupon: \"date\" is not one of: id, actor-id",
        "schemas.OrderPlaced.proposals[1].shout: unknown key; accepted here: key, fields, optional",
        "schemas.OrderPlaced.proposals[2].key: is missing",
        "schemas.OrderPlaced.proposals[3].optional[0]: must be text, not a number",
    ] {
        assert!(said.iter().any(|p| p.starts_with(needle)), "missing {needle:?} in {said:#?}");
    }
    let mut v = checkout_json();
    v["schemas"] = serde_json::json!([]);
    assert_eq!(problems_of(&v), ["schemas: must be an object of event names and their schemas, not a list"]);
}

/// Problems of meaning, found by the compiler: each case alone gives its problem at its path.
#[test]
fn each_bad_schemas_section_names_its_problem_with_its_path() {
    type Edit = fn(&mut serde_json::Value);
    let cases: [(Edit, &str); 11] = [
        (
            |v| v["schemas"]["OrderShipped"] = serde_json::json!({}),
            "schemas.OrderShipped: OrderShipped is not a declared message",
        ),
        (|v| v["schemas"]["PlaceOrder"] = serde_json::json!({}), "schemas.PlaceOrder: PlaceOrder is a command"),
        (
            |v| {
                let order_audited = serde_json::json!({"name": "OrderAudited", "kind": "event", "version": 1,
                                                       "fields": {"order_id": "id"}});
                v["messages"].as_array_mut().unwrap().push(order_audited);
                v["schemas"]["OrderAudited"] = serde_json::json!({});
            },
            "schemas.OrderAudited: no topic carries OrderAudited",
        ),
        (
            |v| v["schemas"]["OrderPlaced"]["optional"] = serde_json::json!(["discount"]),
            "schemas.OrderPlaced.optional[0]: `discount` is not one of the schema's fields",
        ),
        (
            |v| v["schemas"]["OrderPlaced"]["proposals"][1]["optional"] = serde_json::json!(["discount"]),
            "schemas.OrderPlaced.proposals[1].optional[0]: `discount` is not one of the schema's fields",
        ),
        (
            |v| v["schemas"]["OrderPlaced"]["proposals"][0]["optional"] = serde_json::json!(["coupon", "coupon"]),
            "schemas.OrderPlaced.proposals[0].optional[1]: `coupon` is listed twice",
        ),
        (
            |v| v["schemas"]["OrderPlaced"]["proposals"][3]["key"] = "add-coupon".into(),
            "schemas.OrderPlaced.proposals[3].key: `add-coupon` names another proposal already",
        ),
        (
            |v| v["schemas"]["OrderPlaced"]["proposals"][2]["key"] = "Require Coupon".into(),
            "schemas.OrderPlaced.proposals[2].key: `Require Coupon` must be lower-case letters, digits and dashes",
        ),
        (
            |v| {
                v["schemas"]["OrderPlaced"]["proposals"][0]["fields"] = serde_json::json!({});
                v["schemas"]["OrderPlaced"]["proposals"][0]["optional"] = serde_json::json!([]);
            },
            "schemas.OrderPlaced.proposals[0].fields: a schema has at least one field",
        ),
        (
            |v| {
                let same = serde_json::json!({"key": "same", "fields": v["messages"][2]["fields"].clone()});
                v["schemas"]["OrderPlaced"]["proposals"].as_array_mut().unwrap().push(same);
            },
            "schemas.OrderPlaced.proposals[4]: is the same schema as the declared OrderPlaced",
        ),
        (
            |v| {
                let mut again = v["schemas"]["OrderPlaced"]["proposals"][0].clone();
                again["key"] = "add-coupon-again".into();
                v["schemas"]["OrderPlaced"]["proposals"].as_array_mut().unwrap().push(again);
            },
            "schemas.OrderPlaced.proposals[4]: is the same schema as proposals[0]",
        ),
    ];
    for (edit, needle) in cases {
        let mut v = checkout_json();
        edit(&mut v);
        let said = problems_of(&v);
        assert!(said.iter().any(|p| p.starts_with(needle)), "missing {needle:?} in {said:#?}");
        assert_eq!(said.len(), 1, "{said:#?}");
    }
}

/// The compiler names every problem of the section at once, and a saga's problems beside them.
#[test]
fn every_problem_of_the_section_is_named_at_once() {
    let mut v = checkout_json();
    v["schemas"]["PlaceOrder"] = serde_json::json!({});
    v["schemas"]["OrderPlaced"]["optional"] = serde_json::json!(["discount"]);
    v["schemas"]["OrderPlaced"]["proposals"][3]["key"] = "add-coupon".into();
    let said = problems_of(&v);
    assert_eq!(said.len(), 3, "{said:#?}");
    let saga: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/scenarios/checkout-saga.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(saga).unwrap()).unwrap();
    v["saga"]["style"] = "sideways".into();
    v["schemas"] = serde_json::json!({"PlaceOrder": {}});
    let said = problems_of(&v);
    assert!(said.iter().any(|p| p.starts_with("saga.style")), "{said:#?}");
    assert!(said.iter().any(|p| p.starts_with("schemas.PlaceOrder")), "{said:#?}");
}
