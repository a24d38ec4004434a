//! The built-in scenarios: files under `content/scenarios/`, compiled into the core so that
//! the first lab starts without a round trip (the page also serves them, for authors to read
//! and copy). Any other scenario is fetched by the page (`?scenario=URL`) or read by the
//! command line (`--scenario-file`), and checked by the same code.

use crate::scenario::Scenario;
use std::sync::OnceLock;

/// Each built-in scenario's id and file, in the order the scenario picker lists them.
pub const FILES: [(&str, &str); 3] = [
    ("checkout", include_str!("../../../content/scenarios/checkout.json")),
    ("flash-sale", include_str!("../../../content/scenarios/flash-sale.json")),
    ("ride-sharing", include_str!("../../../content/scenarios/ride-sharing.json")),
];

/// The built-in scenarios, compiled once.
pub fn all() -> &'static [Scenario] {
    static ALL: OnceLock<Vec<Scenario>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|(id, text)| {
                let s = super::load(text).unwrap_or_else(|problems| {
                    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                    panic!("the built-in scenario {id} does not compile: {}", list.join("; "))
                });
                assert_eq!(s.id, *id, "the built-in file's id");
                s
            })
            .collect()
    })
}
