//! Times a RedisMap and hashbrown on the bench's u64 workload (splitmix64
//! keys, FxHash, the same for both): insert N from empty, then a hit for
//! every key and a miss for as many absent keys; prints the fastest of R
//! runs of each, interleaved so both see the same machine load. For quick
//! iterations on the hot paths; `hashgrow compare` is the reference.
//!
//!     cargo run --release -p hashgrow-redis --example redis_speed [N] [R] [redis|hashbrown]
//!
//! Instructions per hit and per miss, both maps in one binary:
//!
//!     valgrind --tool=callgrind --callgrind-out-file=cg.out \
//!         target/release/examples/redis_speed 1000000 1
//!     callgrind_annotate --inclusive=yes cg.out | grep -E 'Timed>::(hits|misses) '
//!
//! and divide by N.

use std::hint::black_box;
use std::time::Instant;

use hashgrow::hash::{splitmix64, FxBuildHasher};
use hashgrow_redis::RedisMap;

/// The map operations timed, for both maps.
trait Timed: Default {
    fn put(&mut self, k: u64, v: u64);
    fn look(&self, k: &u64) -> Option<&u64>;
    /// The hits (every key of `keys`), ns each; each map's own function,
    /// so callgrind counts it apart (see the module docs).
    fn hits(&self, keys: &[u64]) -> f64;
    /// The misses, likewise.
    fn misses(&self, absent: &[u64]) -> f64;
}

/// `hits` and `misses` for one map type, never inlined.
macro_rules! hits_and_misses {
    () => {
        #[inline(never)]
        fn hits(&self, keys: &[u64]) -> f64 {
            lookups(self, keys, 0)
        }
        #[inline(never)]
        fn misses(&self, absent: &[u64]) -> f64 {
            lookups(self, absent, 1)
        }
    };
}

impl Timed for RedisMap<u64, u64, FxBuildHasher> {
    fn put(&mut self, k: u64, v: u64) {
        self.insert(k, v);
    }
    fn look(&self, k: &u64) -> Option<&u64> {
        self.get(k)
    }
    hits_and_misses!();
}

impl Timed for hashbrown::HashMap<u64, u64, FxBuildHasher> {
    fn put(&mut self, k: u64, v: u64) {
        self.insert(k, v);
    }
    fn look(&self, k: &u64) -> Option<&u64> {
        self.get(k)
    }
    hits_and_misses!();
}

/// One run: ns per insert, hit and miss.
#[inline(never)]
fn run<M: Timed>(keys: &[u64], absent: &[u64]) -> [f64; 3] {
    let n = keys.len() as f64;
    let mut m = M::default();
    let t = Instant::now();
    for (i, &k) in keys.iter().enumerate() {
        m.put(k, i as u64);
    }
    let ins = t.elapsed().as_nanos() as f64 / n;
    let mut out = [ins, 0.0, 0.0];
    out[1] = m.hits(keys);
    out[2] = m.misses(absent);
    drop(black_box(m));
    out
}

/// Looks every key of `set` up; ns per lookup. (`tag` only keeps the
/// compiler from merging `hits` and `misses` into one function.)
#[inline(always)]
fn lookups<M: Timed>(m: &M, set: &[u64], tag: u64) -> f64 {
    let t = Instant::now();
    let mut found = tag;
    for k in set {
        if let Some(v) = m.look(k) {
            found = found.wrapping_add(*v);
        }
    }
    black_box(found);
    t.elapsed().as_nanos() as f64 / set.len() as f64
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map_or(1_000_000, |s| s.parse().expect("N"));
    let runs: usize = args.next().map_or(5, |s| s.parse().expect("R"));
    // `redis` or `hashbrown` runs only that map (for profilers).
    let only = args.next().unwrap_or_default();
    let keys: Vec<u64> = (0..n).map(splitmix64).collect();
    let absent: Vec<u64> = (n..2 * n).map(splitmix64).collect();
    let (mut redis, mut hb) = ([f64::MAX; 3], [f64::MAX; 3]);
    for _ in 0..runs {
        let r = if only != "hashbrown" {
            run::<RedisMap<u64, u64, FxBuildHasher>>(&keys, &absent)
        } else {
            [f64::NAN; 3]
        };
        let h = if only != "redis" {
            run::<hashbrown::HashMap<u64, u64, FxBuildHasher>>(&keys, &absent)
        } else {
            [f64::NAN; 3]
        };
        for i in 0..3 {
            redis[i] = redis[i].min(r[i]);
            hb[i] = hb[i].min(h[i]);
        }
    }
    println!("n {n}, fastest of {runs} runs (ns/op):   insert   hit   miss");
    println!(
        "redis     {:>8.1} {:>5.1} {:>6.1}",
        redis[0], redis[1], redis[2]
    );
    println!("hashbrown {:>8.1} {:>5.1} {:>6.1}", hb[0], hb[1], hb[2]);
    println!(
        "ratio     {:>7.2}x {:>4.2}x {:>5.2}x",
        redis[0] / hb[0],
        redis[1] / hb[1],
        redis[2] / hb[2]
    );
}
