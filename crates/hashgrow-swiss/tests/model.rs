//! Model test: `SwissMap` against std's `HashMap` under random
//! insert/update/remove/get sequences, through the small group, doublings,
//! splits, directory doublings, tombstones and prunes; with the default
//! hasher, with a hasher whose tiny hash space forces long probe paths and
//! uneven splits, and with one that cannot split a table at all.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

#[derive(Clone, Debug)]
enum Op {
    Insert(u16, u32),
    Remove(u16),
    Get(u16),
    Clear,
}

fn ops(key_space: u16, max_len: usize) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        50 => (0..key_space, any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
        30 => (0..key_space).prop_map(Op::Remove),
        20 => (0..key_space).prop_map(Op::Get),
        1 => Just(Op::Clear),
    ];
    proptest::collection::vec(op, 0..max_len)
}

fn run<S: std::hash::BuildHasher + Default>(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut m: SwissMap<u16, u32, S> = SwissMap::default();
    let mut model: HashMap<u16, u32> = HashMap::new();
    for (step, op) in ops.iter().enumerate() {
        match *op {
            Op::Insert(k, v) => prop_assert_eq!(m.insert(k, v), model.insert(k, v), "insert {}", k),
            Op::Remove(k) => prop_assert_eq!(m.remove(&k), model.remove(&k), "remove {}", k),
            Op::Get(k) => prop_assert_eq!(m.get(&k), model.get(&k), "get {}", k),
            Op::Clear => {
                m.clear();
                model.clear();
            }
        }
        prop_assert_eq!(m.len(), model.len());
        if step % 256 == 0 {
            m.check_invariants();
        }
    }
    m.check_invariants();
    for (k, v) in &model {
        prop_assert_eq!(m.get(k), Some(v));
    }
    let mut got: Vec<(u16, u32)> = m.iter().map(|(k, v)| (*k, *v)).collect();
    got.sort_unstable();
    let mut want: Vec<(u16, u32)> = model.into_iter().collect();
    want.sort_unstable();
    prop_assert_eq!(got, want);
    Ok(())
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
    let mut ops = Vec::new();
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
