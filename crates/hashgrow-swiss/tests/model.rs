//! Model test: `SwissMap` against std's `HashMap` under random
//! insert/update/remove/get sequences, through the small group, doublings,
//! splits, directory doublings, tombstones and prunes; with the default
//! hasher, with a hasher whose tiny hash space forces long probe paths and
//! uneven splits, and with one that cannot split a table at all.

use std::hash::{BuildHasherDefault, Hasher};

use hashgrow::testing::model::{self, no_own, CoreOps, Mix, Op};
use hashgrow_swiss::SwissMap;
use proptest::prelude::*;

/// Keeps only the top 6 bits (the directory's) and the low 5 bits (H2's)
/// of an Fx-style hash: probe paths all start at group 0 of a table.
#[derive(Default)]
struct TinyHasher(u64);
impl Hasher for TinyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    fn finish(&self) -> u64 {
        self.0 & 0xfc00_0000_0000_001f
    }
}

fn ops(key_space: u16, max_len: usize) -> impl Strategy<Value = CoreOps> {
    let mix = Mix {
        insert: 50,
        remove: 30,
        get: 20,
        clear: 1,
    };
    model::ops(key_space, max_len, mix, vec![])
}

fn run<S: std::hash::BuildHasher + Default>(ops: &CoreOps) -> Result<(), TestCaseError> {
    model::run(SwissMap::<u16, u32, S>::default(), ops, 256, no_own)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 48 }))]

    #[test]
    fn matches_std_with_the_default_hasher(ops in ops(4_000, 6_000)) {
        run::<hashgrow::hash::FxBuildHasher>(&ops)?;
    }

    #[test]
    fn matches_std_with_a_small_key_space(ops in ops(40, 2_000)) {
        run::<hashgrow::hash::FxBuildHasher>(&ops)?;
    }

    #[test]
    fn matches_std_with_tiny_hash_space(ops in ops(3_000, 5_000)) {
        run::<BuildHasherDefault<TinyHasher>>(&ops)?;
    }
}

/// A long deterministic churn: splits, then tombstones and prunes at a
/// steady size, with both hashers.
#[test]
fn long_churn_matches_std() {
    let mut x = 0x1234_5678_9abc_def1u64;
    let mut ops = CoreOps::new();
    for _ in 0..if cfg!(miri) { 500 } else { 60_000 } {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let k = (x % 3_000) as u16;
        ops.push(match x >> 60 {
            0..=7 => Op::Insert(k, x as u32),
            8..=13 => Op::Remove(k),
            _ => Op::Get(k),
        });
    }
    run::<BuildHasherDefault<TinyHasher>>(&ops).unwrap();
    run::<hashgrow::hash::FxBuildHasher>(&ops).unwrap();
}
