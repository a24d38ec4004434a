//! The scenario files the end-to-end tests serve: the valid one compiles, the invalid one
//! fails for the reasons the page is expected to show.

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/e2e/fixtures");

#[test]
fn the_end_to_end_fixtures_are_what_they_claim() {
    let read = |name: &str| std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap();
    let bakery = fanout_sim::system::load(&read("scenario-bakery.json")).expect("the bakery compiles");
    assert_eq!((bakery.id.as_str(), bakery.buy_label.as_str(), bakery.cancellable), ("bakery", "Order a cake", false));
    let problems: Vec<String> =
        fanout_sim::system::load(&read("scenario-invalid.json")).unwrap_err().iter().map(ToString::to_string).collect();
    for needle in ["id: `Bad Id`", "services[1].processing", "reactions[1].handles: CakeEaten is not a declared message"] {
        assert!(problems.iter().any(|p| p.contains(needle)), "{needle:?} not in {problems:#?}");
    }
}
