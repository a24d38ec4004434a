//! The scenario's words as the page writes them: `order` or `trip`, `shoppers` or `riders`,
//! `checkout` or `booking`, `OrderPlaced` or `TripBooked`. One place for plurals and capitals,
//! so that a ride-sharing lab never says "order" and the checkout shop reads as it always did.

use crate::state::capitalise;
use fanout_sim::topic::{EventKind, PartitionKey};
use fanout_sim::{Scenario, Sim};

/// The plural of one of the scenarios' nouns: `orders`, `trips`, `riders`, `checkouts`;
/// `-s`, `-x`, `-ch` and `-sh` take `-es`, a consonant and `-y` takes `-ies`.
pub fn plural(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if ["s", "x", "ch", "sh"].iter().any(|end| lower.ends_with(end)) {
        return format!("{word}es");
    }
    let mut rev = lower.chars().rev();
    if let (Some('y'), Some(before)) = (rev.next(), rev.next()) {
        if !"aeiou".contains(before) {
            return format!("{}ies", &word[..word.len() - 1]);
        }
    }
    format!("{word}s")
}

/// A count with its noun: `1 trip`, `3 trips`, `0 trips`.
pub fn count(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {}", plural(word))
    }
}

/// A list read as English: `a`, `a and b`, `a, b and c`; `empty` when there is nothing, so
/// that no sentence ends in "to ." when nobody subscribes.
pub fn list(items: &[String], empty: &str) -> String {
    match items {
        [] => empty.to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The words of one scenario.
#[derive(Clone, Copy)]
pub struct Words<'a>(pub &'a Scenario);

impl<'a> Words<'a> {
    pub fn of(sc: &'a Scenario) -> Self {
        Words(sc)
    }
    /// What is placed: `order`, `trip`.
    pub fn noun(&self) -> &'a str {
        &self.0.noun
    }
    /// `orders`, `trips`.
    pub fn nouns(&self) -> String {
        plural(&self.0.noun)
    }
    /// Who places them, inside a sentence: `shopper`, `rider` (the scenario's word is
    /// capitalised, as a node's name; it is ASCII in every built-in scenario).
    pub fn actor(&self) -> String {
        self.0.actor.to_ascii_lowercase()
    }
    /// `shoppers`, `riders`.
    pub fn actors(&self) -> String {
        plural(&self.actor())
    }
    /// The round trip to the Order Service: `checkout`, `booking`.
    pub fn request(&self) -> &'a str {
        &self.0.request_noun
    }
    /// `Checkout`, `Booking`: at the start of a sentence or a heading.
    pub fn request_cap(&self) -> String {
        capitalise(&self.0.request_noun)
    }
    /// `checkouts`, `bookings`.
    pub fn requests(&self) -> String {
        plural(&self.0.request_noun)
    }
    /// The service that takes them: `Order Service`, `Trip Service`.
    pub fn service(&self) -> &'a str {
        &self.0.order_service.name
    }
    /// An event's name in this scenario: `OrderPlaced` or `TripBooked`, `OrderCancelled` or
    /// `TripCancelled` (the core's kinds are named after the checkout shop).
    pub fn event(&self, kind: EventKind) -> &'a str {
        match kind {
            EventKind::OrderPlaced => &self.0.event_name,
            EventKind::OrderCancelled => &self.0.cancel_event_name,
        }
    }
    /// A partition key as a menu or a sentence names it: `Trip ID`, `User ID`, `None
    /// (round-robin)`; lower case inside a sentence.
    pub fn key_label(&self, k: PartitionKey, cap: bool) -> String {
        let label = match k {
            PartitionKey::OrderId => format!("{} ID", capitalise(self.noun())),
            PartitionKey::UserId => "User ID".to_string(),
            PartitionKey::None => "None (round-robin)".to_string(),
        };
        if cap {
            label
        } else {
            // Only the first letter: "trip ID", "none (round-robin)".
            let mut chars = label.chars();
            chars.next().map_or(String::new(), |c| c.to_ascii_lowercase().to_string() + chars.as_str())
        }
    }
}

/// What a list of subscribers says when it has none (the ride-sharing lab starts so), rather
/// than reading empty.
pub const NOBODY_SUBSCRIBES: &str = "nobody subscribes yet";

/// The rate field's label: `Orders per second`, `Trips per second`.
pub fn per_second(sc: &Scenario) -> String {
    format!("{} per second", capitalise(&plural(&sc.noun)))
}

/// The word with its indefinite article: `an order`, `a trip`.
pub fn with_article(word: &str) -> String {
    let vowel = word.chars().next().is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

/// Each wired subscriber's lag in words, in wiring order: "Email 3, Inventory 0". (Page words:
/// it was `narration::lags` in the core, which made the narration depend on `Sim`.)
pub fn lags(sim: &Sim) -> String {
    // A saga's services get no subscription, so they have no lag to tell.
    let in_saga = |i: u16| sim.scenario().saga.as_ref().is_some_and(|g| g.takes_part(i));
    let words: Vec<String> = sim
        .wired()
        .iter()
        .filter(|&&i| !in_saga(i))
        .map(|&i| format!("{} {}", sim.scenario().catalog[i as usize].name, sim.subscription(i).lag()))
        .collect();
    words.join(", ")
}
