//! Model test: JavaMap against std's HashMap over random operations, with
//! a good hasher (many grows) and with a tiny hash space (bins treeify,
//! split and untreeify), checking every invariant along the way.

use std::hash::{BuildHasherDefault, Hasher};

use hashgrow::testing::model::{self, Mix, Model, Op};
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

/// Java's own ops, beside the std API's.
#[derive(Clone, Debug)]
enum JavaOp {
    /// `*entry(k).or_insert(0) += 1`.
    Entry(u16),
    /// The whole contents, compared.
    Iterate,
}

fn ops(key_space: u16, len: usize) -> impl Strategy<Value = Vec<Op<JavaOp>>> {
    let mix = Mix {
        insert: 4,
        remove: 2,
        get: 1,
        clear: 0,
    };
    let own = vec![
        (1, (0..key_space).prop_map(JavaOp::Entry).boxed()),
        (1, Just(JavaOp::Iterate).boxed()),
    ];
    model::ops(key_space, len, mix, own)
}

fn apply<S: std::hash::BuildHasher>(
    m: &mut JavaMap<u16, u32, S>,
    model: &mut Model,
    op: &JavaOp,
) -> Result<(), TestCaseError> {
    match *op {
        JavaOp::Entry(k) => {
            *m.entry(k).or_insert(0) += 1;
            *model.entry(k).or_insert(0) += 1;
        }
        JavaOp::Iterate => {
            let mut got: Vec<(u16, u32)> = m.iter().map(|(k, v)| (*k, *v)).collect();
            let mut want: Vec<(u16, u32)> = model.iter().map(|(k, v)| (*k, *v)).collect();
            got.sort_unstable();
            want.sort_unstable();
            prop_assert_eq!(got, want);
        }
    }
    Ok(())
}

fn run<S: std::hash::BuildHasher>(
    m: JavaMap<u16, u32, S>,
    ops: &[Op<JavaOp>],
    check_every: usize,
) -> Result<(), TestCaseError> {
    model::run(m, ops, check_every, apply)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn matches_std_with_fxhash(ops in ops(3000, 3000)) {
        run(JavaMap::new(), &ops, 97)?;
    }

    #[test]
    fn matches_std_with_tiny_hash_space(ops in ops(400, 2000)) {
        run(JavaMap::with_hasher(BuildHasherDefault::<Tiny>::default()), &ops, 7)?;
    }

    #[test]
    fn matches_std_with_small_initial_tables(ops in ops(200, 600), hint in 0usize..40) {
        run(JavaMap::with_capacity_and_hasher(hint, BuildHasherDefault::<Tiny>::default()), &ops, 1)?;
    }
}
