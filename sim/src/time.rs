//! Simulated time: whole microseconds since the start of a run.
//!
//! Integers, not floats, so that two platforms can never disagree on when something happens.

/// A point or span of simulated time, in microseconds.
pub type Micros = u64;

pub const MS: Micros = 1_000;
pub const SEC: Micros = 1_000_000;

/// Milliseconds as a float, for display and reports only.
pub fn as_ms(us: Micros) -> f64 {
    us as f64 / MS as f64
}

/// Seconds as a float, for display and reports only.
pub fn as_secs(us: Micros) -> f64 {
    us as f64 / SEC as f64
}

/// A duration written for people: "840 ms", "2.4 s".
pub fn human(us: Micros) -> String {
    if us < SEC {
        format!("{} ms", (us + MS / 2) / MS)
    } else {
        format!("{:.1} s", as_secs(us))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_switch_unit_at_one_second() {
        assert_eq!(human(840 * MS), "840 ms");
        assert_eq!(human(2_400 * MS), "2.4 s");
        assert_eq!(human(0), "0 ms");
    }
}
