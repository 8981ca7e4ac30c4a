//! Model test: GoMap against std's HashMap under random
//! insert/update/remove/get sequences, across many grows (including ops
//! while a grow is in progress), with FxHash and with a hasher whose tiny
//! hash space forces long overflow chains and same-size grows.

use std::hash::{BuildHasherDefault, Hasher};

use hashgrow::testing::model::{self, no_own, CoreOps, Mix, Op};
use hashgrow_go::GoMap;
use proptest::prelude::*;

/// Keeps only 4 low bits and the top byte of an Fx-style hash.
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
        self.0 & 0xff00_0000_0000_000f
    }
}

fn ops(key_space: u16, max_len: usize) -> impl Strategy<Value = CoreOps> {
    let mix = Mix {
        insert: 5,
        remove: 3,
        get: 2,
        clear: 0,
    };
    model::ops(key_space, max_len, mix, vec![])
}

fn run<S: std::hash::BuildHasher + Default>(ops: &CoreOps) -> Result<(), TestCaseError> {
    model::run(GoMap::<u16, u32, S>::default(), ops, 64, no_own)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 64 }))]

    #[test]
    fn matches_std_with_fxhash(ops in ops(2_000, 3_000)) {
        run::<hashgrow::hash::FxBuildHasher>(&ops)?;
    }

    #[test]
    fn matches_std_with_small_key_space(ops in ops(64, 3_000)) {
        run::<hashgrow::hash::FxBuildHasher>(&ops)?;
    }

    #[test]
    fn matches_std_with_tiny_hash_space(ops in ops(600, 3_000)) {
        run::<BuildHasherDefault<TinyHasher>>(&ops)?;
    }
}

/// A long deterministic run that must see grows in progress, same-size
/// grows and overflow chains (proptest cases are shorter).
#[test]
fn long_churn_with_tiny_hashes_matches_std() {
    let mut x = 0x1234_5678_9abc_def1u64;
    let mut ops = CoreOps::new();
    for _ in 0..if cfg!(miri) { 500 } else { 40_000 } {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let k = (x % 1_500) as u16;
        ops.push(match x >> 60 {
            0..=7 => Op::Insert(k, x as u32),
            8..=13 => Op::Remove(k),
            _ => Op::Get(k),
        });
    }
    run::<BuildHasherDefault<TinyHasher>>(&ops).unwrap();
    run::<hashgrow::hash::FxBuildHasher>(&ops).unwrap();
}
