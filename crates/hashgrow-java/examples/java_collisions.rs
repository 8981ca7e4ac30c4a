//! Lookups among 100k keys whose hashes collide into a few bins: tree bins
//! (Java's default) vs the same map with treeification turned off.
//!
//!     cargo run --release -p hashgrow-java --example java_collisions

use std::hash::{BuildHasherDefault, Hasher};
use std::hint::black_box;
use std::time::Instant;

use hashgrow_java::JavaMap;

/// A hasher with only 8 distinct outputs: `key % 8`.
#[derive(Default)]
struct EightHashes(u64);
impl Hasher for EightHashes {
    fn write(&mut self, _: &[u8]) {
        unimplemented!("u64 keys only")
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = k % 8;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
type Eight = BuildHasherDefault<EightHashes>;

const N: u64 = 100_000;

/// Builds the map and returns nanoseconds per lookup over `lookups` hits.
fn run(treeify: bool, lookups: u64) -> (f64, usize) {
    let mut m: JavaMap<u64, u64, Eight> = JavaMap::with_hasher(Eight::default());
    m.raw_parts_mut().0.set_treeify(treeify);
    for k in 0..N {
        m.insert(k, k);
    }
    let t = Instant::now();
    let mut sum = 0u64;
    let mut x = 12345u64;
    for _ in 0..lookups {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        sum = sum.wrapping_add(*m.get(&((x >> 33) % N)).unwrap());
    }
    black_box(sum);
    (
        t.elapsed().as_nanos() as f64 / lookups as f64,
        m.raw().tree_bins(),
    )
}

fn main() {
    let (tree, bins) = run(true, 1_000_000);
    let (list, _) = run(false, 2_000);
    println!("{N} keys in 8 hash values ({bins} tree bins):");
    println!("  tree bins (default):   {tree:>10.1} ns/lookup");
    println!("  treeification off:     {list:>10.1} ns/lookup");
    println!("  speedup: {:.0}x", list / tree);
}
