//! Model test: `StwMap` against `std::collections::HashMap` on random op
//! sequences, across many grows and with a tiny hash space (long probe
//! sequences, tombstones, same-size rebuilds).

use std::hash::BuildHasher;

use hashgrow::hash::hostile::{Hostile, Hostility};
use hashgrow::testing::model::{self, Mix, Model, Op};
use hashgrow_stw::StwMap;
use proptest::prelude::*;

/// `reserve(n)`, the stop-the-world table's own op.
#[derive(Clone, Debug)]
struct Reserve(u8);

fn ops(max_len: usize) -> impl Strategy<Value = Vec<Op<Reserve>>> {
    let mix = Mix {
        insert: 50,
        remove: 30,
        get: 15,
        clear: 1,
    };
    model::ops(
        2048,
        max_len,
        mix,
        vec![(4, any::<u8>().prop_map(Reserve).boxed())],
    )
}

fn reserve<S: BuildHasher>(
    m: &mut StwMap<u16, u32, S>,
    _: &mut Model,
    &Reserve(n): &Reserve,
) -> Result<(), TestCaseError> {
    m.reserve(usize::from(n));
    Ok(())
}

fn run<S: BuildHasher>(map: StwMap<u16, u32, S>, ops: &[Op<Reserve>]) -> Result<(), TestCaseError> {
    model::run(map, ops, 64, reserve)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn matches_std_with_fxhash(ops in ops(3000)) {
        run(StwMap::new(), &ops)?;
    }

    #[test]
    fn matches_std_with_few_hash_bits(ops in ops(1500)) {
        run(StwMap::with_hasher(Hostile(Hostility::FewBits)), &ops)?;
    }
}
