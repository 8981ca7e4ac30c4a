//! Model test: RedisMap against std's HashMap under random
//! insert/update/remove/get sequences, with the server cron's `rehash` and
//! `shrink` mixed in, across many rehashes (including ops while one is in
//! progress), with the default hasher and with a hasher whose tiny hash
//! space makes long chains.

use std::hash::{BuildHasherDefault, Hasher};

use hashgrow::testing::model::{self, Mix, Model, Op};
use hashgrow_redis::{RedisMap, RedisMapExt};
use proptest::prelude::*;

/// Keeps only 5 low bits of an Fx-style hash: chains of dozens.
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
        self.0 & 0x1f
    }
}

/// Redis's own ops, beside the std API's.
#[derive(Clone, Debug)]
enum RedisOp {
    /// `get_mut` (a rehash step, as `dictFind`).
    Lookup(u16),
    Rehash(u8),
    Shrink,
}

fn ops(key_space: u16, max_len: usize) -> impl Strategy<Value = Vec<Op<RedisOp>>> {
    let mix = Mix {
        insert: 5,
        remove: 4,
        get: 1,
        clear: 0,
    };
    let own = vec![
        (1, (0..key_space).prop_map(RedisOp::Lookup).boxed()),
        (1, (0..4u8).prop_map(RedisOp::Rehash).boxed()),
        (1, Just(RedisOp::Shrink).boxed()),
    ];
    model::ops(key_space, max_len, mix, own)
}

fn apply<S: std::hash::BuildHasher>(
    m: &mut RedisMap<u16, u32, S>,
    model: &mut Model,
    op: &RedisOp,
) -> Result<(), TestCaseError> {
    match *op {
        RedisOp::Lookup(k) => prop_assert_eq!(m.lookup(&k), model.get(&k), "lookup {}", k),
        RedisOp::Rehash(n) => {
            let more = m.rehash(usize::from(n));
            prop_assert_eq!(more, m.stats().growing);
        }
        RedisOp::Shrink => {
            m.shrink();
        }
    }
    Ok(())
}

fn run<S: std::hash::BuildHasher + Default>(ops: &[Op<RedisOp>]) -> Result<(), TestCaseError> {
    model::run(RedisMap::<u16, u32, S>::default(), ops, 64, apply)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 64 }))]

    #[test]
    fn matches_std_with_the_default_hasher(ops in ops(2_000, 3_000)) {
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

/// A long deterministic run through fills, near-emptyings, cron shrinks
/// and refills, which must see rehashes in both directions.
#[test]
fn long_run_with_shrinks_matches_std() {
    let mut x = 0x1234_5678_9abc_def1u64;
    let mut ops = Vec::new();
    let n = if cfg!(miri) { 500 } else { 60_000 };
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let k = (x % 3_000) as u16;
        // Phases of mostly inserts, then mostly removes.
        let filling = (i / 10_000) % 2 == 0;
        ops.push(match (x >> 58, filling) {
            (0..=39, true) | (0..=2, false) => Op::Insert(k, x as u32),
            (40..=49, true) | (3..=52, false) => Op::Remove(k),
            (50..=55, _) => Op::Own(RedisOp::Lookup(k)),
            (56..=59, _) => Op::Get(k),
            (60..=61, _) => Op::Own(RedisOp::Rehash((x % 4) as u8)),
            _ => Op::Own(RedisOp::Shrink),
        });
    }
    run::<hashgrow::hash::FxBuildHasher>(&ops).unwrap();
    let mut m: RedisMap<u16, u32> = RedisMap::new();
    for op in &ops {
        match *op {
            Op::Insert(k, v) => drop(m.insert(k, v)),
            Op::Remove(k) => drop(m.remove(&k)),
            Op::Own(RedisOp::Shrink) => drop(m.shrink()),
            _ => {}
        }
    }
    let s = m.stats();
    assert!(s.grows > 5 && s.shrinks > 0, "{s:?}");
}
