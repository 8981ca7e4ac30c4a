//! Differential testing: decode an op sequence from raw bytes and run it on
//! one of the strategy maps and on `std::collections::HashMap`, asserting
//! they agree after every op and checking the map's invariants as it goes.
//!
//! The same entry points serve the cargo-fuzz targets in `fuzz/` (one per
//! strategy) and the ordinary test `tests/corpus.rs`, which replays the
//! committed corpus on stable Rust.
//!
//! # Input format
//!
//! ```text
//! byte 0      hasher: 0 FxHash, 1 few bits (FxHash & 0xF000_0000_0000_000F),
//!             2 constant, 3 SipHash-1-3            (taken mod 4)
//! byte 1      key space: 8, 64, 512 or 4096 keys   (mod 4)
//! then ops    opcode byte, then its operands:
//!   0..=5     insert  key(2 bytes LE) value(2 bytes LE)
//!   6..=8     remove  key
//!   9..=10    get     key
//!   11        iterate, compare every entry with std
//!   12        clear
//!   13        entry(key).or_insert(value) += 1   key value
//!   14        entry(key): remove if occupied, else insert 0   key
//!   15        check_invariants
//! ```
//!
//! The opcode is taken mod 16 and keys mod the key space; a missing
//! operand byte reads as 0, so every input decodes. At most [`MAX_OPS`]
//! ops run; invariants are also checked every 64 ops and at the end.

#![warn(missing_docs)]

pub mod unstable;

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use hashgrow::hash::{FxHasher, SipBuildHasher};
use hashgrow::map::{Entry, Map};
use hashgrow::raw::RawLookup;
use hashgrow_go::GoMap;
use hashgrow_java::JavaMap;
use hashgrow_redis::RedisMap;
use hashgrow_stw::StwMap;
use hashgrow_swiss::SwissMap;

/// Ops run per input at most (keeps one input fast).
pub const MAX_OPS: usize = 4096;

/// The key spaces byte 1 picks from.
const KEY_SPACES: [u16; 4] = [8, 64, 512, 4096];

/// FxHash post-processed: all bits, a few bits, or a constant.
#[derive(Clone, Copy, Debug)]
pub enum Fx {
    /// FxHash unchanged.
    Full,
    /// Only 8 bits of FxHash: the top 4 and the bottom 4.
    FewBits,
    /// The same hash for every key.
    Constant,
}

/// Hasher made by [`Fx`].
pub struct FxVariantHasher(Fx, FxHasher);

impl Hasher for FxVariantHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.1.write(bytes);
    }
    fn write_u16(&mut self, i: u16) {
        self.1.write_u16(i);
    }
    fn finish(&self) -> u64 {
        match self.0 {
            Fx::Full => self.1.finish(),
            Fx::FewBits => self.1.finish() & 0xF000_0000_0000_000F,
            Fx::Constant => 0x5555_aaaa_5555_aaaa,
        }
    }
}

impl BuildHasher for Fx {
    type Hasher = FxVariantHasher;
    fn build_hasher(&self) -> FxVariantHasher {
        FxVariantHasher(*self, FxHasher::default())
    }
}

/// What the differential driver needs from a map.
trait DiffMap {
    fn insert(&mut self, k: u16, v: u32) -> Option<u32>;
    fn remove(&mut self, k: u16) -> Option<u32>;
    fn get(&self, k: u16) -> Option<u32>;
    fn len(&self) -> usize;
    fn entries(&self) -> Vec<(u16, u32)>;
    fn clear(&mut self);
    /// `*entry(k).or_insert(v) += 1`, returning the new value.
    fn entry_bump(&mut self, k: u16, v: u32) -> u32;
    /// Through the entry API: removes `k` if present (returning its value),
    /// else inserts 0.
    fn entry_toggle(&mut self, k: u16) -> Option<u32>;
    fn check(&self);
}

// Every map is the shared facade over its strategy's raw table, so one
// impl covers them all.
impl<R, S> DiffMap for Map<u16, u32, R, S>
where
    R: RawLookup<u16, u32, u16>,
    S: BuildHasher,
{
    fn insert(&mut self, k: u16, v: u32) -> Option<u32> {
        Map::insert(self, k, v)
    }
    fn remove(&mut self, k: u16) -> Option<u32> {
        Map::remove(self, &k)
    }
    fn get(&self, k: u16) -> Option<u32> {
        Map::get(self, &k).copied()
    }
    fn len(&self) -> usize {
        Map::len(self)
    }
    fn entries(&self) -> Vec<(u16, u32)> {
        let it = self.iter();
        let hint = it.len();
        let v: Vec<(u16, u32)> = it.map(|(k, v)| (*k, *v)).collect();
        assert_eq!(hint, v.len(), "iterator length");
        v
    }
    fn clear(&mut self) {
        Map::clear(self);
    }
    fn entry_bump(&mut self, k: u16, v: u32) -> u32 {
        let e = self.entry(k).or_insert(v);
        *e = e.wrapping_add(1);
        *e
    }
    fn entry_toggle(&mut self, k: u16) -> Option<u32> {
        match self.entry(k) {
            Entry::Occupied(e) => Some(e.remove()),
            Entry::Vacant(e) => {
                e.insert(0);
                None
            }
        }
    }
    fn check(&self) {
        self.check_invariants();
    }
}

/// Reads operands; missing bytes read as 0.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u16(&mut self) -> u16 {
        let lo = self.u8().unwrap_or(0);
        let hi = self.u8().unwrap_or(0);
        u16::from_le_bytes([lo, hi])
    }
}

fn compare_all(map: &impl DiffMap, model: &HashMap<u16, u32>) {
    let mut got = map.entries();
    got.sort_unstable();
    let mut keys: Vec<u16> = got.iter().map(|e| e.0).collect();
    keys.dedup();
    assert_eq!(keys.len(), got.len(), "a key iterated twice");
    let mut want: Vec<(u16, u32)> = model.iter().map(|(&k, &v)| (k, v)).collect();
    want.sort_unstable();
    assert_eq!(got, want, "contents differ from std");
}

fn drive(mut map: impl DiffMap, key_space: u16, ops: &[u8]) {
    let mut model: HashMap<u16, u32> = HashMap::new();
    let mut input = Bytes(ops);
    let mut n = 0;
    while let Some(op) = input.u8() {
        if n == MAX_OPS {
            break;
        }
        n += 1;
        let op = op % 16;
        match op {
            0..=5 => {
                let (k, v) = (input.u16() % key_space, u32::from(input.u16()));
                assert_eq!(map.insert(k, v), model.insert(k, v), "insert {k}");
            }
            6..=8 => {
                let k = input.u16() % key_space;
                assert_eq!(map.remove(k), model.remove(&k), "remove {k}");
            }
            9 | 10 => {
                let k = input.u16() % key_space;
                assert_eq!(map.get(k), model.get(&k).copied(), "get {k}");
            }
            11 => compare_all(&map, &model),
            12 => {
                map.clear();
                model.clear();
            }
            13 => {
                let (k, v) = (input.u16() % key_space, u32::from(input.u16()));
                let e = model.entry(k).or_insert(v);
                *e = e.wrapping_add(1);
                assert_eq!(map.entry_bump(k, v), *e, "entry bump {k}");
            }
            14 => {
                let k = input.u16() % key_space;
                let want = model.remove(&k);
                if want.is_none() {
                    model.insert(k, 0);
                }
                assert_eq!(map.entry_toggle(k), want, "entry toggle {k}");
            }
            _ => map.check(),
        }
        assert_eq!(map.len(), model.len(), "len after op {n} ({op})");
        if n % 64 == 0 {
            map.check();
        }
    }
    map.check();
    compare_all(&map, &model);
}

/// Splits the header off `data`: (hasher choice 0..4, key space, ops).
fn header(data: &[u8]) -> (u8, u16, &[u8]) {
    let h = data.first().map_or(0, |b| b % 4);
    let ks = KEY_SPACES[usize::from(data.get(1).map_or(0, |b| b % 4))];
    (h, ks, data.get(2..).unwrap_or(&[]))
}

macro_rules! run_fn {
    ($(#[$doc:meta])* $name:ident, $map:ident) => {
        $(#[$doc])*
        ///
        /// # Panics
        /// On the first disagreement with std or broken invariant.
        pub fn $name(data: &[u8]) {
            let (h, ks, ops) = header(data);
            match h {
                0 => drive($map::<u16, u32, _>::with_hasher(Fx::Full), ks, ops),
                1 => drive($map::<u16, u32, _>::with_hasher(Fx::FewBits), ks, ops),
                2 => drive($map::<u16, u32, _>::with_hasher(Fx::Constant), ks, ops),
                _ => drive($map::<u16, u32, _>::with_hasher(SipBuildHasher::default()), ks, ops),
            }
        }
    };
}

run_fn!(
    /// Runs `data` (see the [crate docs](crate)) on a [`StwMap`] and std.
    run_stw,
    StwMap
);
run_fn!(
    /// Runs `data` (see the [crate docs](crate)) on a [`GoMap`] and std.
    run_go,
    GoMap
);
run_fn!(
    /// Runs `data` (see the [crate docs](crate)) on a [`JavaMap`] and std.
    run_java,
    JavaMap
);
run_fn!(
    /// Runs `data` (see the [crate docs](crate)) on a [`SwissMap`] and std.
    run_swiss,
    SwissMap
);
run_fn!(
    /// Runs `data` (see the [crate docs](crate)) on a [`RedisMap`] and std.
    run_redis,
    RedisMap
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_short_input_decodes_and_agrees() {
        for data in [&[][..], &[1], &[2, 3, 0], &[0, 0, 15, 11, 12, 14, 1, 0]] {
            run_stw(data);
            run_go(data);
            run_java(data);
            run_swiss(data);
            run_redis(data);
        }
    }

    #[test]
    fn a_pseudo_random_input_per_hasher_agrees() {
        let ops = if cfg!(miri) { 200 } else { 6000 };
        // One xorshift sequence across the 16 runs.
        let xs = hashgrow::testing::xorshift_keys(0x2545_f491_4f6c_dd1d, 16 * ops);
        let mut runs = xs.chunks(ops);
        for h in 0..4u8 {
            for ks in 0..4u8 {
                let mut data = vec![h, ks];
                for &x in runs.next().expect("16 runs") {
                    // Mostly inserts, so maps grow through several sizes.
                    let b = (x >> 24) as u8;
                    data.push(if b % 3 == 0 { b % 16 } else { b % 6 });
                    data.extend_from_slice(&x.to_le_bytes()[..4]);
                }
                run_stw(&data);
                run_go(&data);
                run_java(&data);
                run_swiss(&data);
                run_redis(&data);
            }
        }
    }
}
