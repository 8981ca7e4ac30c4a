//! Hostile hashers: every key colliding, a hash that changes on every call,
//! and hashes with only their top or bottom bits set. The map must never
//! hang, panic or corrupt memory; with a deterministic hash it must also
//! keep exactly std's contents and its own invariants.

use hashgrow::hash::hostile::{Hostile, Hostility as Mode};
use hashgrow::testing::hostile_n as n;
use hashgrow_go::GoMap;

hashgrow::hostile_suite!(GoMap);

/// With one hash for every key, the whole map is one bucket's overflow
/// chain: every operation walks it (O(n) per op, see
/// `constant_hash_cost_per_op`).
#[test]
fn constant_hash_makes_one_chain() {
    let n = n();
    let mut m = GoMap::with_hasher(Hostile(Mode::Constant));
    for k in 0..n {
        m.insert(k, k);
    }
    // Finish any grow in progress (updates evacuate too).
    while m.stats().growing {
        m.insert(0, 0);
    }
    m.check_invariants();
    assert_eq!(m.raw().longest_chain(), n);
    assert!(m.stats().overflow_buckets_allocated >= n / 8 - 1);
}

/// Measured cost of a constant hash, for the docs. Run with
/// `cargo test --release -p hashgrow-go --test hostile -- --ignored --nocapture`.
#[test]
#[ignore = "timing, for the docs; run by hand in release mode"]
fn constant_hash_cost_per_op() {
    use std::time::Instant;
    for n in [1_000u64, 2_000, 4_000, 8_000, 16_000] {
        let mut m = GoMap::with_hasher(Hostile(Mode::Constant));
        let t = Instant::now();
        for k in 0..n {
            m.insert(k, k);
        }
        let insert = t.elapsed().as_nanos() as f64 / n as f64;
        let t = Instant::now();
        let mut hits = 0;
        for k in 0..n {
            hits += usize::from(m.get(&k).is_some());
        }
        let hit = t.elapsed().as_nanos() as f64 / n as f64;
        let t = Instant::now();
        for k in n..2 * n {
            hits += usize::from(m.get(&k).is_some());
        }
        let miss = t.elapsed().as_nanos() as f64 / n as f64;
        assert_eq!(hits, n as usize);
        let mut fx = GoMap::new();
        let t = Instant::now();
        for k in 0..n {
            fx.insert(k, k);
        }
        let fx_insert = t.elapsed().as_nanos() as f64 / n as f64;
        println!(
            "n {n:>6}: chain {:>6}, insert {insert:>9.0} ns/op, hit {hit:>9.0} ns/op, \
             miss {miss:>9.0} ns/op (FxHash insert {fx_insert:.0} ns/op)",
            m.raw().longest_chain()
        );
    }
}
