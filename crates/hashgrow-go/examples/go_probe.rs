//! Profiling harness: builds a GoMap or a hashbrown map (FxHash) of N
//! pseudo-random u64 keys (default 1M) and repeats one operation, so that
//! `perf record` sees only it; prints the best time per op.
//!
//!     cargo run --release -p hashgrow-go --example go_probe -- go|hb OP [ROUNDS]
//!
//! OP: `insert` (from empty), `hit`/`miss` (lookups on the grown map),
//! `phit`/`pmiss` (on a map made `with_capacity(HINT)`, HINT defaulting
//! to N). Environment: `N`, `HINT`.
use std::hint::black_box;
use std::time::Instant;

use hashgrow::testing::xorshift_keys;
use hashgrow::DefaultHashBuilder;
use hashgrow_go::GoMap;

static N: std::sync::LazyLock<u64> =
    std::sync::LazyLock::new(|| std::env::var("N").map_or(1_000_000, |n| n.parse().unwrap()));

trait M: Default {
    fn presized(n: usize) -> Self;
    fn ins(&mut self, k: u64);
    fn has(&self, k: u64) -> bool;
}
/// `M` for a map type with `insert(k, v)` and `get(&k)`, made presized by
/// `$presized`.
macro_rules! impl_m {
    ($map:ty, $presized:expr) => {
        impl M for $map {
            fn presized(n: usize) -> Self {
                $presized(n)
            }
            #[inline(always)]
            fn ins(&mut self, k: u64) {
                self.insert(k, k);
            }
            #[inline(always)]
            fn has(&self, k: u64) -> bool {
                self.get(&k).is_some()
            }
        }
    };
}
impl_m!(GoMap<u64, u64>, GoMap::with_capacity);
impl_m!(
    hashbrown::HashMap<u64, u64, DefaultHashBuilder>,
    |n| hashbrown::HashMap::with_capacity_and_hasher(n, Default::default())
);

#[inline(never)]
fn build<T: M>(ks: &[u64], presized: bool) -> T {
    let mut m = if presized {
        T::presized(std::env::var("HINT").map_or(ks.len(), |h| h.parse().unwrap()))
    } else {
        T::default()
    };
    for &k in ks {
        m.ins(k);
    }
    m
}

#[inline(never)]
fn lookups<T: M>(m: &T, qs: &[u64]) -> usize {
    let mut n = 0;
    for &q in qs {
        n += usize::from(m.has(q));
    }
    n
}

fn run<T: M>(op: &str, rounds: usize) {
    let ks = xorshift_keys(0x2545_f491_4f6c_dd1d, *N as usize);
    let misses = xorshift_keys(0x1234_5678_9abc_def1, *N as usize);
    let mut best = f64::MAX;
    if op == "insert" {
        for _ in 0..rounds {
            let t = Instant::now();
            black_box(build::<T>(&ks, false));
            best = best.min(t.elapsed().as_secs_f64());
        }
    } else {
        let m = build::<T>(&ks, op.starts_with('p'));
        let qs = if op.ends_with("hit") { &ks } else { &misses };
        for _ in 0..rounds {
            let t = Instant::now();
            black_box(lookups(&m, black_box(qs)));
            best = best.min(t.elapsed().as_secs_f64());
        }
    }
    println!("{op}: best {:.1} ns/op", best * 1e9 / *N as f64);
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let rounds = a.get(3).map_or(20, |s| s.parse().unwrap());
    match a[1].as_str() {
        "go" => run::<GoMap<u64, u64>>(&a[2], rounds),
        _ => run::<hashbrown::HashMap<u64, u64, DefaultHashBuilder>>(&a[2], rounds),
    }
}
