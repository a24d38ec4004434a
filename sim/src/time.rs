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

/// Reads duration text: a number with a unit, `2000ms`, `2s`, `1.5s` or `250us`, into whole
/// microseconds (rounded to the nearest). The one parser of durations in the core: fault
/// specs, script moments and actions, and the CLI read their durations here.
///
/// The number is anything Rust reads as a finite, non-negative `f64` (`.5s` and `1e3ms`
/// too); no space, no other unit, and nothing above a quarter of `u64::MAX` microseconds
/// (about 146,000 years), so that sums of durations cannot wrap either.
pub fn parse_duration(s: &str) -> Result<Micros, String> {
    let bad = || format!("`{s}` is not a duration; write it like 2000ms or 2s");
    let (num, unit) = if let Some(n) = s.strip_suffix("ms") {
        (n, MS)
    } else if let Some(n) = s.strip_suffix("us") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, SEC)
    } else {
        return Err(bad());
    };
    let value: f64 = num.parse().map_err(|_| bad())?;
    if !value.is_finite() || value < 0.0 {
        return Err(bad());
    }
    let us = value * unit as f64;
    if us > (u64::MAX / 4) as f64 {
        return Err(bad());
    }
    Ok(us.round() as Micros)
}

/// A moment or a length where a bare number means seconds, as course authors write `until=30`
/// and the command line `--duration-s 60`: `30`, `12.5`, or any form [`parse_duration`] reads
/// (`12.5s`, `1500ms`). The one reader of durations with the one above.
pub fn parse_seconds(s: &str) -> Result<Micros, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v * SEC as f64 <= (u64::MAX / 4) as f64 => {
            Ok((v * SEC as f64).round() as Micros)
        }
        Ok(_) => Err(format!("`{s}` is not a number of seconds, 0 or more")),
        Err(_) => parse_duration(s),
    }
}

/// A duration in the form [`parse_duration`] reads back exactly: whole milliseconds as `ms`,
/// anything finer as `us`.
pub fn duration_spec(us: Micros) -> String {
    if us.is_multiple_of(MS) {
        format!("{}ms", us / MS)
    } else {
        format!("{us}us")
    }
}

/// Simulated time in seconds, exact to the microsecond: `0s`, `12.5s`, `3.000017s`; read back
/// by [`parse_duration`].
pub fn seconds_text(us: Micros) -> String {
    let (whole, frac) = (us / SEC, us % SEC);
    if frac == 0 {
        return format!("{whole}s");
    }
    let digits = format!("{frac:06}");
    format!("{whole}.{}s", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_bare_number_is_seconds_and_any_duration_reads_too() {
        assert_eq!(parse_seconds("30"), Ok(30 * SEC));
        assert_eq!(parse_seconds("12.5"), Ok(12_500_000));
        assert_eq!(parse_seconds("12.5s"), Ok(12_500_000));
        assert_eq!(parse_seconds("1500ms"), Ok(1_500_000));
        for bad in ["-1", "NaN", "inf", "soon", "", "99999999999999999999"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }

    use super::*;

    /// Every form a caller accepts today, pinned: what a link, a script, a fault spec or the
    /// CLI could carry must keep meaning the same time.
    #[test]
    fn duration_forms_accepted() {
        for (text, us) in [
            ("2000ms", 2 * SEC),
            ("2s", 2 * SEC),
            ("1.5s", 1_500 * MS),
            ("400ms", 400 * MS),
            ("250us", 250),
            ("0s", 0),
            ("0ms", 0),
            ("12.5s", 12_500 * MS),
            ("3.000017s", 3 * SEC + 17),
            ("1.5ms", 1_500),
            ("0.0005s", 500),
            ("0.4us", 0),
            ("0.6us", 1),
            (".5s", 500 * MS),
            ("5.s", 5 * SEC),
            ("+2s", 2 * SEC),
            ("1e3ms", SEC),
            ("4611686018s", 4_611_686_018 * SEC),
        ] {
            assert_eq!(parse_duration(text), Ok(us), "{text}");
        }
    }

    #[test]
    fn duration_forms_refused_with_one_message() {
        for text in [
            "",
            "s",
            "ms",
            "us",
            "2",
            "2 s",
            " 2s",
            "2s ",
            "2S",
            "2m",
            "2h",
            "2ss",
            "-1s",
            "-0.5ms",
            "infs",
            "NaNms",
            "1e300s",
            "4611686018428s",
            "99999999999999999999s",
            "99999999999999999999ms",
            "18446744073709551615us",
        ] {
            assert_eq!(parse_duration(text), Err(format!("`{text}` is not a duration; write it like 2000ms or 2s")));
        }
    }

    #[test]
    fn written_durations_read_back_exactly() {
        for us in [0, 1, 999, 1_000, 1_500, 2 * SEC, 3 * SEC + 17, 599 * SEC + 1, 3_600 * SEC] {
            assert_eq!(parse_duration(&duration_spec(us)), Ok(us), "{us}");
            assert_eq!(parse_duration(&seconds_text(us)), Ok(us), "{us}");
        }
        assert_eq!(duration_spec(2 * SEC), "2000ms");
        assert_eq!(duration_spec(1_500), "1500us");
        assert_eq!(seconds_text(12_500 * MS), "12.5s");
    }

    #[test]
    fn human_durations_switch_unit_at_one_second() {
        assert_eq!(human(840 * MS), "840 ms");
        assert_eq!(human(2_400 * MS), "2.4 s");
        assert_eq!(human(0), "0 ms");
    }
}
