//! Scenario files: every file under content/scenarios compiles; a bad file is refused with
//! every problem and its path; an author's file, once loaded, is known by its id and its
//! address, and links and run files name it by address.

use fanout_sim::params::LabParams;
use fanout_sim::system::schema::ReactionDecl;
use fanout_sim::system::{self, registry, ScenarioFile};
use fanout_sim::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/scenarios");

fn files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn every_scenario_file_compiles_and_is_named_for_its_id() {
    let files = files();
    assert!(files.len() >= 3, "{files:?}");
    for (name, text) in files {
        let s = system::load(&text).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        assert_eq!(s.id, name, "a file is named for its id");
    }
    for id in Scenario::IDS {
        assert!(Scenario::by_id(id).is_some(), "{id} is built in");
    }
}

fn checkout_file() -> ScenarioFile {
    system::read::read(&files().into_iter().find(|(n, _)| n == "checkout").unwrap().1).unwrap()
}

#[test]
fn a_bad_file_names_every_problem_with_its_path() {
    let mut f = checkout_file();
    f.services[1].processing.min = Some("fast".into());
    f.services[2].concurrency = 0;
    f.services[3].key = "Bad Key".into();
    f.reactions[0].then[0].publish = Some("OrderShipped".into());
    f.channels[0].carries.push("PlaceOrder".into());
    f.entry.answered_after = "PlaceOrder".into();
    f.words.actor = " ".into();
    let problems = system::compile(&f).unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for needle in [
        "services[1].processing.min: `fast` is not a duration",
        "services[2].concurrency: must be at least 1",
        "services[3].key: `Bad Key` must be lower-case",
        "reactions[0].then[0].publish: OrderShipped is not a declared message",
        "channels[0].carries[2]: PlaceOrder is a command: commands travel on a queue",
        "entry.answered_after: PlaceOrder is not a declared event",
        "words.actor: must not be empty",
    ] {
        assert!(text.iter().any(|t| t.contains(needle)), "missing {needle:?} in {text:#?}");
    }
}

#[test]
fn every_problem_of_shape_is_named_at_once_with_its_path() {
    let text = files().into_iter().find(|(n, _)| n == "checkout").unwrap().1;
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["colour"] = "red".into();
    v["services"][1]["icon"] = "unicorn".into();
    v["services"][2].as_object_mut().unwrap().remove("job");
    v["services"][3]["concurrency"] = "many".into();
    v["messages"][0]["fields"]["when"] = "date".into();
    v["timing"]["network"]["slowest"] = "1s".into();
    v["reactions"][0]["then"][0]["shout"] = true.into();
    let text: Vec<String> = system::load(&v.to_string()).unwrap_err().iter().map(ToString::to_string).collect();
    for needle in [
        "colour: unknown key; accepted here: format, version",
        "services[1].icon: \"unicorn\" is not one of: receipt, mail",
        "services[2].job: is missing",
        "services[3].concurrency: must be a whole number",
        "messages[0].fields.when: \"date\" is not one of: id, actor-id, money",
        "timing.network.slowest: unknown key",
        "reactions[0].then[0].shout: unknown key",
    ] {
        assert!(text.iter().any(|t| t.contains(needle)), "missing {needle:?} in {text:#?}");
    }
    let p = system::load("{ not json").unwrap_err();
    assert!(p[0].path.starts_with("line 1"), "{p:?}");
}

#[test]
fn a_command_has_one_receiver_and_an_event_travels_on_a_topic() {
    let mut f = checkout_file();
    f.reactions.push(ReactionDecl {
        service: "email".into(),
        handles: "PlaceOrder".into(),
        then: vec![],
        outcomes: vec![],
    });
    let text: Vec<String> = system::compile(&f).unwrap_err().iter().map(ToString::to_string).collect();
    assert!(
        text.iter().any(|t| t.contains("PlaceOrder is a command, with one receiver; email and orders handle it")),
        "{text:?}"
    );
}

#[test]
fn a_loaded_scenario_is_known_by_id_and_address_and_links_name_its_address() {
    let mut f = checkout_file();
    f.id = "corner-shop".into();
    f.title = "Corner shop".into();
    f.services[1].name = "Receipts".into();
    let text = serde_json::to_string(&f).unwrap();
    let url = "https://course.example.org/corner-shop.json";
    let scenario = system::load(&text).unwrap();
    registry::register(url, scenario).unwrap();

    let (p, notices) = LabParams::parse(&format!("scenario={url}&fault=crash:email&until=5"));
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(p.setup.scenario, "corner-shop");
    assert!(p.query().contains("scenario=https://course.example.org/corner-shop.json"), "{}", p.query());
    let (t, problems) = p.timeline().unwrap();
    assert!(problems.is_empty());
    assert_eq!(t.sim().scenario().catalog[0].name, "Receipts");
    let saved = export::export(&t);
    assert!(saved.contains(url), "a run file names the scenario by its address: {saved}");
    let (back, _) = export::import(&saved).unwrap();
    assert_eq!(back.setup.scenario, "corner-shop");

    // A file cannot pass itself off as a built-in scenario.
    let mut fake = checkout_file();
    fake.title = "Not the checkout".into();
    let why = registry::register("https://example.org/x.json", system::compile(&fake).unwrap()).unwrap_err();
    assert!(why.contains("built-in"), "{why}");
    assert_eq!(Scenario::checkout().title, "Checkout");
}
