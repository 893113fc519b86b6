//! Wire names of the small `Copy` kind enums the UI and the CLI branch on.
//!
//! [`wire_names!`] writes a kind enum's `as_str` and `ALL` from one list of
//! `Variant => "wire_name"` pairs: `as_str` is an exhaustive `match`, so a variant missing from
//! the list does not compile, and `ALL` (which the tests enumerate) cannot fall behind the enum.
//! The UI's TypeScript unions of these kinds are generated from the enums themselves (ts-rs, see
//! the app crate's `bindings` module), from the same serde names the tests pin `as_str` to.

/// Implements `ALL` (every kind, in list order) and `as_str` (its wire name, the serde
/// `snake_case` name) for a fieldless kind enum.
macro_rules! wire_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every kind, so tests can list the wire names.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The kind's wire name, as the UI and `--json` output see it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }
    };
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeSet;

    /// Asserts that every kind serializes as its `as_str` and that no two share a name.
    pub(crate) fn assert_wire_names<T: serde::Serialize + Copy + std::fmt::Debug>(
        all: &[T],
        as_str: impl Fn(T) -> &'static str,
    ) {
        let mut seen = BTreeSet::new();
        for &kind in all {
            let json = serde_json::to_string(&kind).expect("serializes");
            assert_eq!(json, format!("\"{}\"", as_str(kind)), "{kind:?}");
            assert!(seen.insert(as_str(kind)), "{kind:?}: duplicate wire name");
        }
    }
}
