//! Small text helpers the core's readers share: how a value is quoted in a message, what an
//! id may look like, and where a JSON error is.

/// A value as a message quotes it: at most `max` characters, then an ellipsis.
pub fn clip(v: &str, max: usize) -> String {
    let mut s: String = v.chars().take(max).collect();
    if v.chars().nth(max).is_some() {
        s.push('\u{2026}');
    }
    s
}

/// An id of a lesson or a scenario: lower-case letters, digits and dashes, at most 64.
pub fn is_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A JSON error as where (`line L, column C`, or `None` when serde_json knows no place) and
/// what: serde_json ends its message with " at line L column C"; a reader says it first.
pub fn json_error(e: &serde_json::Error) -> (Option<String>, String) {
    let what = e.to_string();
    match what.rfind(" at line ") {
        Some(i) if e.line() > 0 => (Some(format!("line {}, column {}", e.line(), e.column())), what[..i].to_string()),
        _ => (None, what),
    }
}
