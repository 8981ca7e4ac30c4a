//! Model test: GoMap against std's HashMap under random
//! insert/update/remove/get sequences, across many grows (including ops
//! while a grow is in progress), with FxHash and with a hasher whose tiny
//! hash space forces long overflow chains and same-size grows.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

#[derive(Clone, Debug)]
enum Op {
    Insert(u16, u32),
    Remove(u16),
    Get(u16),
}

fn ops(key_space: u16, max_len: usize) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        5 => (0..key_space, any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
        3 => (0..key_space).prop_map(Op::Remove),
        2 => (0..key_space).prop_map(Op::Get),
    ];
    proptest::collection::vec(op, 0..max_len)
}

fn run<S: std::hash::BuildHasher + Default>(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut m: GoMap<u16, u32, S> = GoMap::default();
    let mut model: HashMap<u16, u32> = HashMap::new();
    let mut saw_growing = false;
    for (step, op) in ops.iter().enumerate() {
        match *op {
            Op::Insert(k, v) => prop_assert_eq!(m.insert(k, v), model.insert(k, v), "insert {}", k),
            Op::Remove(k) => prop_assert_eq!(m.remove(&k), model.remove(&k), "remove {}", k),
            Op::Get(k) => prop_assert_eq!(m.get(&k), model.get(&k), "get {}", k),
        }
        prop_assert_eq!(m.len(), model.len());
        saw_growing |= m.stats().growing;
        if step % 64 == 0 {
            m.check_invariants();
        }
    }
    m.check_invariants();
    for (k, v) in &model {
        prop_assert_eq!(m.get(k), Some(v));
    }
    prop_assert_eq!(m.iter().count(), model.len());
    let _ = saw_growing;
    Ok(())
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
    let mut ops = Vec::new();
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
