//! The key sets a workload runs on (`--keys`).
//!
//! Every generator maps an index to a key, deterministically and without
//! repeats, so "N distinct keys" and "keys never inserted" are exact and a
//! run can be reproduced.

use std::fmt::Debug;
use std::hash::Hash;

use clap::ValueEnum;

/// Which keys a run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeyKind {
    /// Random u64 keys (a bijective mix of the index).
    U64,
    /// Random lowercase strings of 8 to 32 bytes.
    String,
    /// Strings sharing a 45-byte common prefix, then a distinct suffix
    /// (URLs, paths): hashes that read only the start of a key fail here.
    Prefix,
    /// A two-field struct `{ a: u32, b: u32 }` (a random `a`, an id `b`).
    Struct,
}

impl KeyKind {
    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::U64 => "u64",
            KeyKind::String => "string",
            KeyKind::Prefix => "prefix",
            KeyKind::Struct => "struct",
        }
    }
}

/// A two-field key, hashed field by field by the derived `Hash`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pair {
    /// A random field.
    pub a: u32,
    /// An id: distinct per key.
    pub b: u32,
}

/// What a benchmark key must offer: hashing and ordering (Java-style tree
/// bins compare keys), cloning to build inputs, and `Default` so the timed
/// loops can move keys out of a prepared vector without allocating.
pub trait BenchKey: Clone + Hash + Ord + Default + Debug {}
impl<T: Clone + Hash + Ord + Default + Debug> BenchKey for T {}

pub use hashgrow::hash::splitmix64;

/// Key number `i` as a u64.
pub fn u64_key(i: u64) -> u64 {
    splitmix64(i)
}

/// Key number `i` as a random lowercase string of 8..=32 bytes. The tail
/// after the last `#` is `i` in base 36, which makes keys distinct.
pub fn string_key(i: u64) -> String {
    let mut r = splitmix64(i ^ 0x5eed);
    let len = 8 + (r % 25) as usize;
    let suffix = base36(i);
    let mut s = String::with_capacity(len.max(suffix.len() + 2));
    while s.len() + suffix.len() + 1 < len {
        r = splitmix64(r);
        s.push((b'a' + (r % 26) as u8) as char);
    }
    s.push('#');
    s.push_str(&suffix);
    s
}

/// The common prefix of [`prefix_key`]s.
pub const PREFIX: &str = "https://example.com/api/v2/users/profiles/id=";

/// Key number `i` as [`PREFIX`] followed by `i` in decimal.
pub fn prefix_key(i: u64) -> String {
    format!("{PREFIX}{i}")
}

/// Key number `i` as a [`Pair`] (`b` is `i` truncated: distinct below 2^32).
pub fn struct_key(i: u64) -> Pair {
    Pair {
        a: splitmix64(i) as u32,
        b: i as u32,
    }
}

fn base36(mut i: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(i % 36) as usize]);
        i /= 36;
        if i == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

/// The keys of one run: `present` are inserted, `absent` never are (for
/// misses), `fresh` are inserted later by churn. All distinct.
pub struct Keys<K> {
    pub present: Vec<K>,
    /// Keys never inserted, in a fixed shuffled order (what misses walk).
    pub absent: Vec<K>,
    pub fresh: Vec<K>,
    /// `present` in one fixed shuffled order, the same for every strategy:
    /// what the timed hits walk, so that no map is flattered by lookups in
    /// insertion order (which streams through an arena laid out in
    /// insertion order, as Java's and Redis's are).
    pub present_shuffled: Vec<K>,
}

/// `v` in a fixed pseudo-random order (Fisher–Yates driven by SplitMix64
/// from a constant seed).
fn shuffled<K: Clone>(v: &[K], seed: u64) -> Vec<K> {
    let mut out = v.to_vec();
    for i in (1..out.len()).rev() {
        let j = (splitmix64(seed ^ i as u64) % (i as u64 + 1)) as usize;
        out.swap(i, j);
    }
    out
}

impl<K: Clone> Keys<K> {
    /// `n` present keys, `n` absent ones and `fresh` more, from `make`.
    pub fn generate(n: usize, fresh: usize, make: impl Fn(u64) -> K) -> Keys<K> {
        let n64 = n as u64;
        let present: Vec<K> = (0..n64).map(&make).collect();
        let absent: Vec<K> = (n64..2 * n64).map(&make).collect();
        Keys {
            present_shuffled: shuffled(&present, 0x6c6f_6f6b_7570_7321), // "lookups!"
            absent: shuffled(&absent, 0x6d69_7373_6573_2121),            // "misses!!"
            present,
            fresh: (2 * n64..2 * n64 + fresh as u64).map(&make).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn lookups_are_a_fixed_permutation() {
        let k = Keys::generate(1000, 0, u64_key);
        assert_ne!(k.present_shuffled, k.present);
        let mut sorted = k.present_shuffled.clone();
        sorted.sort_unstable();
        let mut want = k.present.clone();
        want.sort_unstable();
        assert_eq!(sorted, want);
        assert_eq!(
            k.present_shuffled,
            Keys::generate(1000, 0, u64_key).present_shuffled
        );
    }

    #[test]
    fn keys_are_distinct_and_disjoint() {
        let k = Keys::generate(5_000, 5_000, u64_key);
        let all: HashSet<u64> = k
            .present
            .iter()
            .chain(&k.absent)
            .chain(&k.fresh)
            .copied()
            .collect();
        assert_eq!(all.len(), 15_000);
        let s = Keys::generate(5_000, 0, string_key);
        let all: HashSet<&String> = s.present.iter().chain(&s.absent).collect();
        assert_eq!(all.len(), 10_000);
        let p = Keys::generate(1_000, 0, struct_key);
        let all: HashSet<Pair> = p.present.iter().chain(&p.absent).copied().collect();
        assert_eq!(all.len(), 2_000);
    }

    #[test]
    fn string_keys_are_8_to_32_bytes() {
        for i in 0..10_000 {
            let s = string_key(i);
            assert!((8..=32).contains(&s.len()), "{s:?}");
        }
        assert!(prefix_key(7).starts_with(PREFIX));
        assert_eq!(base36(36 * 36), "100");
    }
}
