//! Model test: `StwMap` against `std::collections::HashMap` on random op
//! sequences, across many grows and with a tiny hash space (long probe
//! sequences, tombstones, same-size rebuilds).

use std::collections::HashMap;
use std::hash::BuildHasher;

use hashgrow::hash::hostile::{Hostile, Hostility};
use hashgrow_stw::StwMap;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Insert(u16, u32),
    Remove(u16),
    Get(u16),
    Reserve(u8),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        50 => (any::<u16>(), any::<u32>()).prop_map(|(k, v)| Op::Insert(k % 2048, v)),
        30 => any::<u16>().prop_map(|k| Op::Remove(k % 2048)),
        15 => any::<u16>().prop_map(|k| Op::Get(k % 2048)),
        4 => any::<u8>().prop_map(Op::Reserve),
        1 => Just(Op::Clear),
    ]
}

fn run<S: BuildHasher>(mut map: StwMap<u16, u32, S>, ops: &[Op]) {
    let mut model = HashMap::new();
    for op in ops {
        match *op {
            Op::Insert(k, v) => assert_eq!(map.insert(k, v), model.insert(k, v)),
            Op::Remove(k) => assert_eq!(map.remove(&k), model.remove(&k)),
            Op::Get(k) => assert_eq!(map.get(&k), model.get(&k)),
            Op::Reserve(n) => map.reserve(n as usize),
            Op::Clear => {
                map.clear();
                model.clear();
            }
        }
        assert_eq!(map.len(), model.len());
    }
    map.check_invariants();
    let mut got: Vec<_> = map.iter().map(|(k, v)| (*k, *v)).collect();
    let mut want: Vec<_> = model.into_iter().collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn matches_std_with_fxhash(ops in prop::collection::vec(op(), 0..3000)) {
        run(StwMap::new(), &ops);
    }

    #[test]
    fn matches_std_with_few_hash_bits(ops in prop::collection::vec(op(), 0..1500)) {
        run(StwMap::with_hasher(Hostile(Hostility::FewBits)), &ops);
    }
}
