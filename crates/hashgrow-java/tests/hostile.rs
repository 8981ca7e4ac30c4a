//! Hostile hashers: every key colliding, a hash that changes on every call,
//! and hashes with only their top or bottom bits set. The map must never
//! hang, panic or corrupt memory; with a deterministic hash it must also
//! keep exactly std's contents and its own invariants. (A JavaMap's hash
//! code is the low 32 bits of the hasher's output, so "top bits only" is a
//! constant hash code for it.)

use hashgrow::hash::hostile::{Hostile, Hostility as Mode};
use hashgrow::testing::hostile_n as n;
use hashgrow_java::JavaMap;

hashgrow::hostile_suite!(JavaMap);

/// With one hash code for every key, the single bin becomes a red-black
/// tree: lookups stay logarithmic instead of walking an n-node list.
#[test]
fn constant_hash_makes_a_tree_bin() {
    let n = n();
    for mode in [Mode::Constant, Mode::TopBits] {
        let mut m = JavaMap::with_hasher(Hostile(mode));
        for k in 0..n {
            m.insert(k, k);
        }
        m.check_invariants();
        let s = m.stats();
        assert_eq!(s.tree_bins, 1, "{mode:?}");
        assert!(s.treeifies >= 1, "{mode:?}");
        assert_eq!(m.raw().longest_bin() as u64, n, "{mode:?}");
        // Removing most keys turns the tree back into a list at some point.
        for k in 0..n - 3 {
            assert_eq!(m.remove(&k), Some(k));
        }
        m.check_invariants();
        assert_eq!(m.stats().tree_bins, 0, "{mode:?}");
        assert!(m.stats().untreeifies >= 1, "{mode:?}");
    }
}
