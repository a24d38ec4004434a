//! The scenarios this program has loaded besides the built-in ones: a course author's file,
//! fetched by the page (`?scenario=URL`, or named by a question set) or read by the command
//! line. Each is known by its id and by the address it came from, so that a link to the lab
//! carries the address and opens the same system anywhere.

use crate::scenario::Scenario;
use std::sync::Mutex;

struct Loaded {
    source: String,
    scenario: Scenario,
}

static LOADED: Mutex<Vec<Loaded>> = Mutex::new(Vec::new());

/// Most scenarios one page keeps loaded; the oldest goes first.
const MAX_LOADED: usize = 16;

/// Makes `scenario`, read from `source` (its address or path), known by its id and by
/// `source`. Refused if its id is a built-in scenario's, so that a file cannot pass itself
/// off as one; loading the same id again replaces it.
pub fn register(source: &str, scenario: Scenario) -> Result<(), String> {
    if super::builtin::FILES.iter().any(|(id, _)| *id == scenario.id) {
        return Err(format!("its id `{}` is a built-in scenario's; give the file an id of its own", scenario.id));
    }
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    loaded.retain(|l| l.scenario.id != scenario.id && l.source != source);
    if loaded.len() >= MAX_LOADED {
        loaded.remove(0);
    }
    loaded.push(Loaded { source: source.to_string(), scenario });
    Ok(())
}

/// A loaded scenario, by its id or by the address it came from.
pub fn find(id_or_source: &str) -> Option<Scenario> {
    let loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    loaded.iter().find(|l| l.scenario.id == id_or_source || l.source == id_or_source).map(|l| l.scenario.clone())
}

/// Where a loaded scenario came from, by its id or address; `None` for a built-in one.
pub fn source_of(id_or_source: &str) -> Option<String> {
    let loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    loaded.iter().find(|l| l.scenario.id == id_or_source || l.source == id_or_source).map(|l| l.source.clone())
}

/// True if a `scenario` value is an address to fetch rather than an id: ids have no dots or
/// slashes.
pub fn is_address(value: &str) -> bool {
    value.contains('/') || value.contains('.') || value.contains(':')
}
