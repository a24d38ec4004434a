//! W3C trace context as messages carry it: a `traceparent` of the form
//! `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`. Every id is derived from the
//! run's seed and what it names (an order, a span of it), so that the same run gives the same
//! trace on every platform, and two runs on one seed give the same order the same trace id in
//! either wiring (the first piece of issue 18, not yet used by the engine).

use crate::rng::splitmix64;
use std::fmt;

/// A trace's id: 16 bytes, never all zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId(pub u128);

/// A span's id: 8 bytes, never all zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(pub u64);

/// Mixes `words` into one non-zero 64-bit value.
fn mix(words: &[u64]) -> u64 {
    let h = words.iter().fold(0x7472_6163_6521_u64, |h, &w| splitmix64(h ^ w));
    if h == 0 {
        1
    } else {
        h
    }
}

impl TraceId {
    /// The trace of `order` in a run of `seed`.
    pub fn of(seed: u64, order: u64) -> TraceId {
        let hi = mix(&[seed, order, 1]);
        let lo = mix(&[seed, order, 2]);
        TraceId((hi as u128) << 64 | lo as u128)
    }

    /// The new trace a consumer starts when it drops the context of `order`'s message
    /// (`key` names which piece of work).
    pub fn split(seed: u64, order: u64, key: u64) -> TraceId {
        let hi = mix(&[seed, order, 4, key]);
        let lo = mix(&[seed, order, 5, key]);
        TraceId((hi as u128) << 64 | lo as u128)
    }
}

impl SpanId {
    /// Span `key` of `order` (each span of an order has a key of its own) in a run of `seed`.
    pub fn of(seed: u64, order: u64, key: u64) -> SpanId {
        SpanId(mix(&[seed, order, 3, key]))
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// What a message carries: its trace, the span that sent it, and whether it is sampled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceParent {
    pub trace: TraceId,
    pub parent: SpanId,
    pub sampled: bool,
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "00-{}-{}-{:02x}", self.trace, self.parent, self.sampled as u8)
    }
}

/// Why a `traceparent` header was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadTraceParent {
    /// Not four parts of 2, 32, 16 and 2 characters joined by `-`.
    Shape,
    /// Not lower-case hexadecimal.
    NotHex,
    /// A version other than `00`.
    Version,
    /// An all-zero trace or span id, which the standard forbids.
    ZeroId,
}

impl TraceParent {
    /// Reads a `traceparent` header as the W3C recommendation writes it.
    pub fn parse(s: &str) -> Result<TraceParent, BadTraceParent> {
        let parts: Vec<&str> = s.split('-').collect();
        let [version, trace, parent, flags] = parts[..] else { return Err(BadTraceParent::Shape) };
        if (version.len(), trace.len(), parent.len(), flags.len()) != (2, 32, 16, 2) {
            return Err(BadTraceParent::Shape);
        }
        let hex = |p: &str| p.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ![version, trace, parent, flags].iter().all(|p| hex(p)) {
            return Err(BadTraceParent::NotHex);
        }
        if version != "00" {
            return Err(BadTraceParent::Version);
        }
        let trace = u128::from_str_radix(trace, 16).map_err(|_| BadTraceParent::NotHex)?;
        let parent = u64::from_str_radix(parent, 16).map_err(|_| BadTraceParent::NotHex)?;
        let flags = u8::from_str_radix(flags, 16).map_err(|_| BadTraceParent::NotHex)?;
        if trace == 0 || parent == 0 {
            return Err(BadTraceParent::ZeroId);
        }
        Ok(TraceParent { trace: TraceId(trace), parent: SpanId(parent), sampled: flags & 1 == 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_traceparent_has_the_w3c_shape_and_reads_back() {
        let tp = TraceParent { trace: TraceId::of(7, 42), parent: SpanId::of(7, 42, 0), sampled: true };
        let s = tp.to_string();
        assert_eq!(s.len(), 55);
        let parts: Vec<&str> = s.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [2, 32, 16, 2]);
        assert_eq!((parts[0], parts[3]), ("00", "01"));
        assert!(s.bytes().all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_eq!(TraceParent::parse(&s), Ok(tp));
        // The example of the W3C recommendation.
        let w3c = TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
        assert_eq!(w3c.trace.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!((w3c.parent.to_string().as_str(), w3c.sampled), ("00f067aa0ba902b7", true));
    }

    #[test]
    fn ids_are_the_same_for_one_seed_and_order_and_differ_otherwise() {
        assert_eq!(TraceId::of(1, 5), TraceId::of(1, 5));
        assert_ne!(TraceId::of(1, 5), TraceId::of(1, 6));
        assert_ne!(TraceId::of(1, 5), TraceId::of(2, 5));
        assert_ne!(SpanId::of(1, 5, 0), SpanId::of(1, 5, 1));
        for order in 0..1000 {
            assert_ne!(TraceId::of(3, order).0, 0);
            assert_ne!(SpanId::of(3, order, 9).0, 0);
        }
    }

    #[test]
    fn bad_headers_are_refused_with_the_reason() {
        use BadTraceParent::*;
        let ok = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert_eq!(TraceParent::parse(""), Err(Shape));
        assert_eq!(TraceParent::parse(&ok[..54]), Err(Shape));
        assert_eq!(TraceParent::parse(&ok.to_uppercase()), Err(NotHex));
        assert_eq!(TraceParent::parse(&ok.replacen("00-", "01-", 1)), Err(Version));
        assert_eq!(TraceParent::parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), Err(ZeroId));
        assert_eq!(TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"), Err(ZeroId));
        assert_eq!(TraceParent::parse(&ok.replace('-', "_")), Err(Shape));
    }
}
