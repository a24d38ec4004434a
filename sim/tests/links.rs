//! Links: the query string a page shares. Parsing survives any string; every setting and
//! every intervention round-trips; a link copied from a run rebuilds it exactly, down to the
//! trace hash at the same moment.

mod common;

use common::{action, config};
use fanout_sim::params::{LabParams, PANELS};
use fanout_sim::script::{action_text, parse_action, Step};
use fanout_sim::{FaultSpec, Setup, Timeline, Wiring, MS, SEC};
use proptest::prelude::*;

/// Builds a link's run, failing the test on any notice or refused step.
fn rebuild(query: &str) -> Timeline {
    let (p, notices) = LabParams::parse(query);
    assert!(notices.is_empty(), "{query}: {notices:?}");
    let (t, problems) = p.timeline().expect("the link's setup runs");
    assert!(problems.is_empty(), "{query}: {problems:?}");
    t
}

fn assert_same_moment(a: &Timeline, b: &Timeline, query: &str) {
    assert_eq!(
        (a.sim().now(), a.sim().events_processed(), a.sim().trace_hash_hex()),
        (b.sim().now(), b.sim().events_processed(), b.sim().trace_hash_hex()),
        "{query}"
    );
}

/// What a student does between two looks at the lab.
#[derive(Clone, Debug)]
enum Move {
    Run(u64),
    Act(fanout_sim::Action),
    Steps(u8),
    Rewind(u64),
}

fn moves() -> impl Strategy<Value = Vec<Move>> {
    let one = prop_oneof![
        3 => (1u64..4_000).prop_map(Move::Run),
        4 => action().prop_map(Move::Act),
        1 => (1u8..20).prop_map(Move::Steps),
        1 => (0u64..10_000).prop_map(Move::Rewind),
    ];
    prop::collection::vec(one, 0..14)
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn a_copied_link_rebuilds_the_same_run_at_the_same_moment(
        seed in 0u64..1_000,
        request in any::<bool>(),
        rate in prop_oneof![Just(None), (1u32..20).prop_map(|r| Some(r as f64 / 2.0))],
        crash_email in any::<bool>(),
        moves in moves(),
    ) {
        let mut setup = Setup { seed, rate, ..Setup::default() };
        setup.wiring = if request { Wiring::Request } else { Wiring::Event };
        if crash_email {
            setup.faults.push(FaultSpec::parse("crash:email:2s-6.5s").unwrap());
        }
        let mut t = Timeline::new(&setup).unwrap();
        for m in moves {
            match m {
                Move::Run(ms) => {
                    let to = t.sim().now() + ms * MS;
                    t.advance(to, u64::MAX);
                }
                Move::Act(a) => {
                    let _ = t.apply(a);
                }
                Move::Steps(n) => {
                    for _ in 0..n {
                        t.step();
                    }
                }
                Move::Rewind(ms) => t.seek(t.sim().now().saturating_sub(ms * MS)),
            }
        }
        let query = LabParams::of_run(&t).query();
        let copy = rebuild(&query);
        assert_same_moment(&t, &copy, &query);
        // Played on, the copy and the original stay the same run.
        let (mut a, mut b) = (t, copy);
        let later = a.head_us() + 3 * SEC;
        a.advance(later, u64::MAX);
        b.advance(later, u64::MAX);
        assert_same_moment(&a, &b, &query);
    }

    #[test]
    fn every_action_reads_back_from_its_text(a in action()) {
        let text = action_text(&a);
        prop_assert_eq!(parse_action(&text), Ok(a), "{}", text);
    }

    #[test]
    fn parsing_never_panics_on_any_string(s in ".{0,300}") {
        let _ = LabParams::parse(&s);
        let _ = Step::parse(&s);
        let _ = parse_action(&s);
    }

    #[test]
    fn every_parameter_survives_any_value_and_a_bad_one_is_named(
        key in prop::sample::select(&[
            "scenario", "wiring", "seed", "rate", "speed", "paused", "until", "lesson", "quiz", "fault",
            "subscribers", "at", "theme", "motion", "shortcuts", "embed", "hide", "lock", "origins",
        ][..]),
        value in "[ -~]{0,40}",
    ) {
        let query = format!("?{key}={}", fanout_sim::params::percent_encode(&value));
        let (p, notices) = LabParams::parse(&query);
        for n in &notices {
            prop_assert!(n.contains(key), "{query}: {n}");
        }
        // What was accepted writes back as a link that reads the same.
        let (again, more) = LabParams::parse(&p.query());
        prop_assert!(more.is_empty(), "{}: {:?}", p.query(), more);
        prop_assert_eq!(again, p);
    }
}

#[test]
fn every_setting_round_trips_through_the_query_string() {
    let query = "?lesson=lag&quiz=https://course.example/q.json&scenario=ride-sharing&wiring=request&seed=42&rate=3.5\
&fault=crash:notify:2s-10s&subscribers=notify,pricing,fraud&at=1.25s:buy&at=2s/77:inject:slow:pricing:1500ms\
&speed=2&paused=1&until=12.5&theme=dark&motion=reduce&shortcuts=off&present=on&embed=1&hide=log,charts&lock=1\
&origins=https://course.example,http://127.0.0.1:8000";
    let (p, notices) = LabParams::parse(query);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(p.setup.scenario, "ride-sharing");
    assert_eq!(p.subscribers.as_deref(), Some(&["notify".to_string(), "pricing".into(), "fraud".into()][..]));
    assert_eq!(p.script.len(), 2);
    assert_eq!(p.script[1].events, Some(77));
    assert_eq!(
        (p.until_us, p.theme.as_deref(), p.motion.as_deref()),
        (Some(12_500 * MS), Some("dark"), Some("reduce"))
    );
    assert_eq!((p.shortcuts, p.present, p.embed, p.lock), (Some(false), Some(true), true, true));
    assert_eq!(p.hide, ["log", "charts"]);
    assert_eq!(p.origins, ["https://course.example", "http://127.0.0.1:8000"]);
    assert_eq!(p.query(), query, "written back in the same form");
}

#[test]
fn a_link_with_no_changes_is_empty_and_subscribers_fold_into_one_parameter() {
    let t = Timeline::new(&Setup::default()).unwrap();
    let mut p = LabParams::of_run(&t);
    p.until_us = None;
    assert_eq!(p.query(), "");
    // Wiring Analytics out and SMS in before playing reads as the list of subscribers.
    let mut t = Timeline::new(&Setup::default()).unwrap();
    t.apply(parse_action("remove:analytics").unwrap()).unwrap();
    t.apply(parse_action("add:sms").unwrap()).unwrap();
    t.advance(4 * SEC, u64::MAX);
    t.apply(parse_action("inject:crash:email").unwrap()).unwrap();
    t.advance(5 * SEC, u64::MAX);
    let query = LabParams::of_run(&t).query();
    assert_eq!(query, "?subscribers=email,inventory,shipping,sms&at=4s:inject:crash:email&until=5");
    assert_same_moment(&t, &rebuild(&query), &query);
    // In the other order they are not what the list replays, so they stay steps.
    let mut t = Timeline::new(&Setup::default()).unwrap();
    t.apply(parse_action("add:sms").unwrap()).unwrap();
    t.apply(parse_action("remove:analytics").unwrap()).unwrap();
    assert!(LabParams::of_run(&t).query().starts_with("?at=0s:add:sms&at=0s:remove:analytics"));
}

#[test]
fn bad_values_are_named_with_what_is_accepted() {
    let (p, notices) = LabParams::parse(
        "theme=purple&motion=slow&hide=log,sidebar&origins=*,https://ok.example/path&at=2s:melt&subscribers=email,billing&until=-3&embed=yes&present=big",
    );
    let all = notices.join("\n");
    for expected in [
        "theme=\"purple\": accepted values are auto, light or dark",
        "motion=\"slow\": accepted values are auto, reduce or full",
        "hide=\"sidebar\": accepted values are a list of",
        "origins=\"*\"",
        "origins=\"https://ok.example/path\"",
        "at=\"2s:melt\"",
        "subscribers=\"email,billing\": `billing` is not a subscriber",
        "until=\"-3\"",
        "embed=\"yes\": accepted values are 1 or 0",
        "present=\"big\": accepted values are on or off",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
    assert_eq!(p.hide, ["log"], "the good panel is kept");
    assert!(p.origins.is_empty() && p.script.is_empty() && p.subscribers.is_none());
    assert_eq!(PANELS.len(), 16);
}

#[test]
fn a_refused_or_out_of_order_step_is_reported_and_the_rest_replays() {
    let (p, notices) = LabParams::parse("at=2s:remove:billing&at=3s:buy&at=1s:buy");
    assert!(notices.is_empty(), "{notices:?}");
    let (t, problems) = p.timeline().unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("at=\"2s:remove:billing\""), "{problems:?}");
    assert!(problems[1].contains("in the order they happened"), "{problems:?}");
    assert_eq!(t.recorded().len(), 1);
}

#[test]
fn between_two_events_of_one_microsecond_the_link_names_the_event_count() {
    // Single steps can stop between two events due at the same microsecond; the flash sale
    // has such ties within its first hundred events.
    let setup = Setup { scenario: "flash-sale".into(), ..Setup::default() };
    let mut t = Timeline::new(&setup).unwrap();
    while t.sim().settled() {
        t.step();
    }
    let query = LabParams::of_run(&t).query();
    assert!(query.contains(&format!("/{}", t.sim().events_processed())), "{query}");
    assert_same_moment(&t, &rebuild(&query), &query);
    // An intervention made there is placed by its event count too.
    t.apply(parse_action("rate:50").unwrap()).unwrap();
    t.advance(t.sim().now() + 2 * SEC, u64::MAX);
    let query = LabParams::of_run(&t).query();
    assert!(query.contains(":rate:50"), "{query}");
    assert!(query.split("&at=").nth(1).is_some_and(|step| step.split(':').next().unwrap().contains('/')), "{query}");
    assert_same_moment(&t, &rebuild(&query), &query);
}
