//! The built-in scenarios: files under `content/scenarios/`, compiled into the core so that
//! the first lab starts without a round trip (the page also serves them, for authors to read
//! and copy). Any other scenario is fetched by the page (`?scenario=URL`) or read by the
//! command line (`--scenario-file`), and checked by the same code.

use crate::scenario::Scenario;
use std::sync::OnceLock;

/// Each built-in scenario's id and file, in the order the scenario picker lists them.
pub const FILES: [(&str, &str); 4] = [
    ("checkout", include_str!("../../../content/scenarios/checkout.json")),
    ("flash-sale", include_str!("../../../content/scenarios/flash-sale.json")),
    ("ride-sharing", include_str!("../../../content/scenarios/ride-sharing.json")),
    // Built in because its lesson names it; its machinery (the saga) is in the core anyway.
    ("checkout-saga", include_str!("../../../content/scenarios/checkout-saga.json")),
];

/// The built-in scenario `id`, compiled the first time it is asked for: the page starts on
/// one scenario, and need not read the others' files until a link or lesson names them.
pub fn get(id: &str) -> Option<&'static Scenario> {
    static COMPILED: [OnceLock<Scenario>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let k = FILES.iter().position(|(name, _)| *name == id)?;
    Some(COMPILED[k].get_or_init(|| {
        let s = super::load(FILES[k].1).unwrap_or_else(|problems| {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!("the built-in scenario {id} does not compile: {}", list.join("; "))
        });
        assert_eq!(s.id, id, "the built-in file's id");
        s
    }))
}

/// The built-in scenarios by name; the scenario model itself (`scenario.rs`) knows nothing of
/// files, so that the model sits below the files that describe it.
impl Scenario {
    /// Identifiers of the built-in scenarios (`content/scenarios/`), in the picker's order.
    pub const IDS: [&'static str; 4] = [FILES[0].0, FILES[1].0, FILES[2].0, FILES[3].0];

    /// A built-in scenario, compiled from its file, or one loaded from elsewhere (by its id
    /// or its address; see [`crate::system::registry`]).
    pub fn by_id(id: &str) -> Option<Scenario> {
        get(id).cloned().or_else(|| crate::system::registry::find(id))
    }

    /// How a link names this scenario: a built-in one by its id, a loaded one by its address.
    pub fn link_name(id: &str) -> String {
        crate::system::registry::source_of(id).unwrap_or_else(|| id.to_string())
    }

    /// Alex clicks "Buy now": the Order Service saves the order and four services react.
    pub fn checkout() -> Scenario {
        Self::by_id("checkout").expect("built in")
    }

    /// The design challenge: a rider books a trip, the Trip Service saves it and one
    /// `TripBooked` event goes out. Nothing listens at the start; the student decides who
    /// subscribes (and who, like pricing, must answer before the rider is told).
    pub fn ride_sharing() -> Scenario {
        Self::by_id("ride-sharing").expect("built in")
    }

    /// The same shop during a flash sale: many orders, services scaled out to match.
    pub fn flash_sale() -> Scenario {
        Self::by_id("flash-sale").expect("built in")
    }
}
