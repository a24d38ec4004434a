//! The lessons that ship with Fanout, from content/lessons/. The order here is the order of
//! the lesson map.
//!
//! Native code (tests, tools) reads them compiled in through `FILES`. The page does not: it
//! fetches each file by its name in `NAMES` when a student first opens the lessons, so the
//! checkout lab's download carries no lesson text. Both ways end in `compile_texts`.

use super::schema::Lesson;
use super::validate::{compile_all, parse_lesson, Compiled};

macro_rules! lessons {
    ($($file:literal),* $(,)?) => {
        /// File name of each built-in lesson, in map order.
        pub const NAMES: &[&str] = &[$($file),*];
        /// File name and text of each built-in lesson, in map order.
        pub const FILES: &[(&str, &str)] = &[$(($file, include_str!(concat!("../../../content/lessons/", $file)))),*];
    };
}

lessons![
    "01-coupling.json",
    "02-emit-once.json",
    "03-fail-independently.json",
    "04-lag.json",
    "05-stay-sync.json",
    "06-events-commands.json",
    "07-idempotency.json",
    "08-ordering.json",
    "09-dead-letters.json",
    "10-queues-streams.json",
    "11-eventual-consistency.json",
    "12-broker.json",
    "13-outbox.json",
    "14-sagas.json",
    "15-event-sourcing.json",
    "16-schema-evolution.json",
    "17-traces.json",
    "18-ride-sharing.json",
];

/// Every built-in lesson, read and checked.
pub fn lessons() -> Result<Vec<Compiled>, Vec<String>> {
    compile_texts(FILES.iter().copied())
}

/// Reads and checks lessons given as (file name, text) pairs, in map order; every problem is
/// a line naming its file.
pub fn compile_texts<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Vec<Compiled>, Vec<String>> {
    let mut errors = Vec::new();
    let mut read: Vec<Lesson> = Vec::new();
    for (file, text) in files {
        match parse_lesson(text) {
            Ok(l) => read.push(l),
            Err(e) => errors.push(format!("{file}: {e}")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    compile_all(read)
}
