//! Model test: JavaMap against std's HashMap over random operations, with
//! a good hasher (many grows) and with a tiny hash space (bins treeify,
//! split and untreeify), checking every invariant along the way.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use hashgrow_java::JavaMap;
use proptest::prelude::*;

/// Hashes a u16 key into one of 6 values (some with high bits set, so the
/// spread and the signed tree order matter).
#[derive(Default)]
struct Tiny(u64);
impl Hasher for Tiny {
    fn write(&mut self, _: &[u8]) {
        unimplemented!()
    }
    fn write_u16(&mut self, k: u16) {
        self.0 = [3u64, 0x8000_0003, 0x0001_0003, 67, 0xffff_ff43, 3 + 512][k as usize % 6];
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[derive(Clone, Debug)]
enum Op {
    Insert(u16, u32),
    Remove(u16),
    Get(u16),
    Entry(u16),
    Iterate,
}

fn ops(key_space: u16, len: usize) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            4 => (0..key_space, any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
            2 => (0..key_space).prop_map(Op::Remove),
            1 => (0..key_space).prop_map(Op::Get),
            1 => (0..key_space).prop_map(Op::Entry),
            1 => Just(Op::Iterate),
        ],
        0..len,
    )
}

fn run<S: std::hash::BuildHasher>(mut m: JavaMap<u16, u32, S>, ops: &[Op], check_every: usize) {
    let mut model: HashMap<u16, u32> = HashMap::new();
    for (i, op) in ops.iter().enumerate() {
        match *op {
            Op::Insert(k, v) => assert_eq!(m.insert(k, v), model.insert(k, v)),
            Op::Remove(k) => assert_eq!(m.remove(&k), model.remove(&k)),
            Op::Get(k) => assert_eq!(m.get(&k), model.get(&k)),
            Op::Entry(k) => {
                *m.entry(k).or_insert(0) += 1;
                *model.entry(k).or_insert(0) += 1;
            }
            Op::Iterate => {
                let mut got: Vec<(u16, u32)> = m.iter().map(|(k, v)| (*k, *v)).collect();
                let mut want: Vec<(u16, u32)> = model.iter().map(|(k, v)| (*k, *v)).collect();
                got.sort_unstable();
                want.sort_unstable();
                assert_eq!(got, want);
            }
        }
        assert_eq!(m.len(), model.len());
        if i % check_every == 0 {
            m.check_invariants();
        }
    }
    m.check_invariants();
    for (k, v) in &model {
        assert_eq!(m.get(k), Some(v));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn matches_std_with_fxhash(ops in ops(3000, 3000)) {
        run(JavaMap::new(), &ops, 97);
    }

    #[test]
    fn matches_std_with_tiny_hash_space(ops in ops(400, 2000)) {
        run(JavaMap::with_hasher(BuildHasherDefault::<Tiny>::default()), &ops, 7);
    }

    #[test]
    fn matches_std_with_small_initial_tables(ops in ops(200, 600), hint in 0usize..40) {
        run(JavaMap::with_capacity_and_hasher(hint, BuildHasherDefault::<Tiny>::default()), &ops, 1);
    }
}
