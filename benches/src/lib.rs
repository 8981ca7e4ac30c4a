//! Shared key generation for the `hashgrow-criterion` benchmarks
//! (`benches/growth.rs`).
//!
//! Keys are [`splitmix64`] of a counter: the function is a bijection on
//! `u64`, so distinct counters give distinct keys, and the same counter
//! always gives the same key. Every benchmark run therefore sees the same
//! keys, and "present" and "absent" sets drawn from disjoint counter ranges
//! never overlap.
//!
//! ```
//! use hashgrow_criterion::{key, keys};
//!
//! let present = keys(0..1000);
//! let absent = keys(1000..2000);
//! assert_eq!(present[7], key(7));
//! assert!(absent.iter().all(|k| !present.contains(k)));
//! ```

use std::ops::Range;

pub use hashgrow::hash::splitmix64;

/// The key with counter `i`: random-looking, distinct for distinct `i`.
#[inline]
pub const fn key(i: u64) -> u64 {
    splitmix64(i)
}

/// The keys for counters `range`, in order.
pub fn keys(range: Range<u64>) -> Vec<u64> {
    range.map(key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_distinct_and_deterministic() {
        let a = keys(0..10_000);
        let set: std::collections::HashSet<_> = a.iter().collect();
        assert_eq!(set.len(), a.len());
        assert_eq!(a, keys(0..10_000));
        // Reference value of splitmix64 seeded with 0 (first output).
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
    }
}
