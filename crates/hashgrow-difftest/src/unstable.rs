//! A key whose hash changes while the map grows, on every strategy.
//!
//! One key, the *victim*, is inserted with one hash; then its hash is
//! changed (a switch in the [`FlipHash`] builder: from then on the victim
//! hashes to its old hash XOR `0xFFFF`, which changes its bucket, bin or
//! probe start at every size the experiment reaches, and for Go the bit that
//! picks X or Y); then plain keys are inserted until a grow has started
//! **and finished** after the switch. What the map does with the victim:
//! found with the new hash? with the old one? still counted by `len`? seen
//! by iteration? and does inserting it again (new hash) add a second entry?
//!
//! `examples/unstable_hash.rs` prints the table; `tests/unstable_hash.rs`
//! checks it against `docs/generated/unstable-hash.txt`, so a change of
//! behaviour fails a test. Explained in `docs/unstable-hash.md`.

use std::cell::Cell;
use std::fmt::Write;
use std::hash::{BuildHasher, Hasher};

use hashgrow::map::Map;
use hashgrow::raw::RawLookup;

/// The key whose hash changes.
pub const VICTIM: u64 = 0xABCD_EF01;
/// What the victim's hash is XORed with once the switch is flipped.
pub const FLIP: u64 = 0xFFFF;

/// A well-mixed hash of a `u64` (splitmix64's finaliser).
pub fn mix(k: u64) -> u64 {
    let mut z = k.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes `u64` keys with [`mix`]; while `flipped` is set, the [`VICTIM`]
/// hashes to `mix(VICTIM) ^ FLIP` instead.
#[derive(Default)]
pub struct FlipHash {
    /// The switch.
    pub flipped: Cell<bool>,
}

/// The hasher of [`FlipHash`]: takes one `u64`.
pub struct FlipHasher {
    flipped: bool,
    hash: u64,
}

impl Hasher for FlipHasher {
    fn write(&mut self, _: &[u8]) {
        unimplemented!("FlipHasher hashes u64 keys only")
    }
    fn write_u64(&mut self, k: u64) {
        self.hash = mix(k) ^ if self.flipped && k == VICTIM { FLIP } else { 0 };
    }
    fn finish(&self) -> u64 {
        self.hash
    }
}

impl BuildHasher for FlipHash {
    type Hasher = FlipHasher;
    fn build_hasher(&self) -> FlipHasher {
        FlipHasher {
            flipped: self.flipped.get(),
            hash: 0,
        }
    }
}

/// What one strategy did with the victim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Strategy name.
    pub name: &'static str,
    /// `get` with the new hash, after the switch and before any grow.
    pub found_before_grow: bool,
    /// Grows started after the switch (until one had finished).
    pub grows: u64,
    /// `get` with the new hash after the grow.
    pub found_new_hash: bool,
    /// `get` with the old hash (switch flipped back) after the grow.
    pub found_old_hash: bool,
    /// `len()` minus the plain keys: 1 if the victim is still counted.
    pub counted: usize,
    /// How many times iteration returns the victim.
    pub iterated: usize,
    /// `insert(victim)` with the new hash returned `None` (a new entry).
    pub reinsert_adds: bool,
    /// Victims seen by iteration after that insert.
    pub iterated_after: usize,
}

/// Runs the experiment on one strategy.
pub fn run<R: RawLookup<u64, u64, u64>>(name: &'static str) -> Outcome {
    let mut m: Map<u64, u64, R, FlipHash> = Map::with_hasher(FlipHash::default());
    m.insert(VICTIM, 0);
    let mut next = 1u64;
    for _ in 0..20 {
        m.insert(next, next);
        next += 1;
    }
    let grows0 = m.stats().grows;
    m.hasher().flipped.set(true);
    let found_before_grow = m.get(&VICTIM).is_some();
    // Insert until a grow started after the switch has finished.
    loop {
        m.insert(next, next);
        next += 1;
        let s = m.stats();
        if s.grows > grows0 && !s.growing {
            break;
        }
        assert!(next < 100_000, "{name}: no grow finished");
    }
    let grows = m.stats().grows - grows0;
    let plain = (next - 1) as usize;
    let found_new_hash = m.get(&VICTIM).is_some();
    m.hasher().flipped.set(false);
    let found_old_hash = m.get(&VICTIM).is_some();
    m.hasher().flipped.set(true);
    let count = |m: &Map<u64, u64, R, FlipHash>| m.keys().filter(|&&k| k == VICTIM).count();
    let iterated = count(&m);
    let counted = m.len() - plain;
    let reinsert_adds = m.insert(VICTIM, 1).is_none();
    let iterated_after = count(&m);
    Outcome {
        name,
        found_before_grow,
        grows,
        found_new_hash,
        found_old_hash,
        counted,
        iterated,
        reinsert_adds,
        iterated_after,
    }
}

/// The experiment on every strategy, in table order.
pub fn all() -> Vec<Outcome> {
    vec![
        run::<hashgrow_go::GoTable<u64, u64>>("go"),
        run::<hashgrow_java::JavaTable<u64, u64>>("java"),
        run::<hashgrow_stw::StwTable<u64, u64>>("stw"),
        run::<hashgrow_swiss::SwissTable<u64, u64>>("go-swiss"),
        run::<hashgrow_redis::RedisTable<u64, u64>>("redis"),
    ]
}

/// The table `examples/unstable_hash.rs` prints.
pub fn report(outcomes: &[Outcome]) -> String {
    let yn = |b: bool| if b { "yes" } else { "no" };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<9} {:>12} {:>6} {:>10} {:>10} {:>8} {:>9} {:>13} {:>14}",
        "strategy",
        "before grow",
        "grows",
        "new hash",
        "old hash",
        "in len",
        "iterated",
        "reinsert adds",
        "iterated after"
    );
    for o in outcomes {
        let _ = writeln!(
            s,
            "{:<9} {:>12} {:>6} {:>10} {:>10} {:>8} {:>9} {:>13} {:>14}",
            o.name,
            yn(o.found_before_grow),
            o.grows,
            yn(o.found_new_hash),
            yn(o.found_old_hash),
            o.counted,
            o.iterated,
            yn(o.reinsert_adds),
            o.iterated_after
        );
    }
    s
}
