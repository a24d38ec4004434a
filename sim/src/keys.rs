//! Reading a tagged enum in one pass: serde's own reading of an internally tagged enum buffers
//! the whole object into its `Content` type first and then reads each variant from that, which
//! costs the page a great deal of code. Instead, a private struct with every key of every
//! variant as an `Option` is read (with `deny_unknown_fields`, the tag a unit enum), and a
//! `TryFrom` builds the variant: it takes the keys the variant needs with [`need`] and refuses
//! any key left with [`refuse_rest`].

use serde::{Deserialize, Deserializer};

/// A key that is there: its value read as `T` (so `null` is refused unless `T` takes it).
pub fn given<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Takes a key the variant `kind` needs.
pub fn need<T>(slot: &mut Option<T>, key: &str, kind: &str) -> Result<T, String> {
    slot.take().ok_or_else(|| format!("{kind} needs `{key}`"))
}

/// Refuses the first key still left once the variant `kind` took its own.
pub fn refuse_rest(kind: &str, left: &[(&str, bool)]) -> Result<(), String> {
    match left.iter().find(|(_, given)| *given) {
        Some((key, _)) => Err(format!("`{key}` does not apply to {kind}")),
        None => Ok(()),
    }
}
