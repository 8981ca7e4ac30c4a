//! Criterion benchmarks: every strategy (go, java, stw, hashbrown, std), all
//! with FxHash ([`FxBuildHasher`]) and `u64 -> u64` entries.
//!
//! - `insert_from_empty/<strategy>`: insert [`N`] random keys into a new,
//!   empty map (every grow on the way included; dropping the map is not
//!   timed);
//! - `lookup_hit/<strategy>`: look up all [`N`] keys of an [`N`]-entry map;
//! - `lookup_miss/<strategy>`: look up [`N`] absent keys in the same map;
//! - `churn/<strategy>`: a map holding a steady [`CHURN_LIVE`] keys; one
//!   iteration does [`CHURN_PAIRS`] (remove the oldest key, insert a new
//!   one) pairs, so the map never grows in size but tombstones, overflow
//!   buckets and same-size grows get exercised.
//!
//! Throughput is reported per element (insert, lookup or remove+insert pair).
//!
//! # Run time
//!
//! The criterion settings are deliberately short ([`config`]: 10 samples,
//! 0.5 s warm-up, 2 s measurement, 10 000 bootstrap resamples) so that the
//! 20 benchmarks finish in about a minute on a 2-core machine; the
//! confidence intervals are wider than criterion's defaults give. Pass
//! `--measurement-time`/`--sample-size` on the command line for longer runs.
//!
//! Under `cargo test --workspace` (this target has `test = true`) or
//! `cargo bench -- --test`, criterion runs each benchmark once, without
//! timing, so the result checks below run with the other tests.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, Throughput,
};
use hashgrow::hash::FxBuildHasher;
use hashgrow::Table;
use hashgrow_criterion::{key, keys};
use hashgrow_go::GoMap;
use hashgrow_java::JavaMap;
use hashgrow_redis::RedisMap;
use hashgrow_stw::StwMap;
use hashgrow_swiss::SwissMap;

/// A benchmark group with wall-clock measurement.
type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// Keys per map for the insert and lookup groups.
const N: u64 = 100_000;
/// Keys a churn map holds at all times.
const CHURN_LIVE: u64 = 10_000;
/// (remove, insert) pairs per churn iteration.
const CHURN_PAIRS: u64 = 10_000;

/// The operations the benchmarks use, implemented for every strategy.
trait BenchMap {
    const NAME: &'static str;
    /// A new, empty map with no capacity reserved.
    fn empty() -> Self;
    fn put(&mut self, k: u64, v: u64);
    fn has(&self, k: &u64) -> bool;
    fn del(&mut self, k: &u64);
}

/// The hashgrow strategies, through their common [`Table`] trait.
macro_rules! table_map {
    ($ty:ident, $name:literal) => {
        impl BenchMap for $ty<u64, u64, FxBuildHasher> {
            const NAME: &'static str = $name;
            fn empty() -> Self {
                $ty::with_hasher(FxBuildHasher::default())
            }
            #[inline]
            fn put(&mut self, k: u64, v: u64) {
                Table::insert(self, k, v);
            }
            #[inline]
            fn has(&self, k: &u64) -> bool {
                Table::get(self, k).is_some()
            }
            #[inline]
            fn del(&mut self, k: &u64) {
                Table::remove(self, k);
            }
        }
    };
}
table_map!(GoMap, "go");
table_map!(SwissMap, "go-swiss");
table_map!(JavaMap, "java");
table_map!(RedisMap, "redis");
table_map!(StwMap, "stw");

/// The baselines, through their own methods.
macro_rules! std_like_map {
    ($ty:ty, $name:literal) => {
        impl BenchMap for $ty {
            const NAME: &'static str = $name;
            fn empty() -> Self {
                <$ty>::with_hasher(FxBuildHasher::default())
            }
            #[inline]
            fn put(&mut self, k: u64, v: u64) {
                self.insert(k, v);
            }
            #[inline]
            fn has(&self, k: &u64) -> bool {
                self.contains_key(k)
            }
            #[inline]
            fn del(&mut self, k: &u64) {
                self.remove(k);
            }
        }
    };
}
std_like_map!(hashbrown::HashMap<u64, u64, FxBuildHasher>, "hashbrown");
std_like_map!(std::collections::HashMap<u64, u64, FxBuildHasher>, "std");

/// Runs `f` once per strategy, in report order.
macro_rules! for_each_strategy {
    ($f:ident, $($arg:expr),*) => {{
        $f::<GoMap<u64, u64, FxBuildHasher>>($($arg),*);
        $f::<SwissMap<u64, u64, FxBuildHasher>>($($arg),*);
        $f::<JavaMap<u64, u64, FxBuildHasher>>($($arg),*);
        $f::<RedisMap<u64, u64, FxBuildHasher>>($($arg),*);
        $f::<StwMap<u64, u64, FxBuildHasher>>($($arg),*);
        $f::<hashbrown::HashMap<u64, u64, FxBuildHasher>>($($arg),*);
        $f::<std::collections::HashMap<u64, u64, FxBuildHasher>>($($arg),*);
    }};
}

fn filled<M: BenchMap>(keys: &[u64]) -> M {
    let mut m = M::empty();
    for &k in keys {
        m.put(k, k);
    }
    m
}

fn insert_one<M: BenchMap>(g: &mut Group<'_>, present: &[u64]) {
    g.bench_function(M::NAME, |b| {
        b.iter_batched(
            M::empty,
            |mut m| {
                for &k in present {
                    m.put(k, k);
                }
                m // dropped by criterion, outside the timed section
            },
            BatchSize::LargeInput,
        )
    });
}

/// Benchmarks looking up every key of `probe` in a map filled with
/// `present`; `hits` is how many of them must be found.
fn lookup_one<M: BenchMap>(g: &mut Group<'_>, present: &[u64], probe: &[u64], hits: usize) {
    let m: M = filled(present);
    let count = || {
        let mut found = 0usize;
        for k in probe {
            found += usize::from(m.has(black_box(k)));
        }
        found
    };
    assert_eq!(count(), hits, "{}: wrong lookup results", M::NAME);
    g.bench_function(M::NAME, |b| b.iter(count));
}

fn churn_one<M: BenchMap>(g: &mut Group<'_>) {
    // Live keys are key(next - CHURN_LIVE) .. key(next - 1).
    let mut m: M = filled(&keys(0..CHURN_LIVE));
    let mut next = CHURN_LIVE;
    g.bench_function(M::NAME, |b| {
        b.iter(|| {
            for _ in 0..CHURN_PAIRS {
                m.del(&key(next - CHURN_LIVE));
                m.put(key(next), next);
                next += 1;
            }
        })
    });
    // Still exactly the last CHURN_LIVE keys.
    assert!(m.has(&key(next - 1)) && !m.has(&key(next - CHURN_LIVE - 1)));
}

fn insert_from_empty(c: &mut Criterion) {
    let present = keys(0..N);
    let mut g = c.benchmark_group("insert_from_empty");
    g.throughput(Throughput::Elements(N));
    for_each_strategy!(insert_one, &mut g, &present);
    g.finish();
}

fn lookup_hit(c: &mut Criterion) {
    let present = keys(0..N);
    let mut g = c.benchmark_group("lookup_hit");
    g.throughput(Throughput::Elements(N));
    for_each_strategy!(lookup_one, &mut g, &present, &present, present.len());
    g.finish();
}

fn lookup_miss(c: &mut Criterion) {
    let present = keys(0..N);
    let absent = keys(N..2 * N);
    let mut g = c.benchmark_group("lookup_miss");
    g.throughput(Throughput::Elements(N));
    for_each_strategy!(lookup_one, &mut g, &present, &absent, 0);
    g.finish();
}

fn churn(c: &mut Criterion) {
    let mut g = c.benchmark_group("churn");
    g.throughput(Throughput::Elements(CHURN_PAIRS));
    for_each_strategy!(churn_one, &mut g);
    g.finish();
}

/// Short settings so the whole suite stays within a few minutes (see the
/// module docs).
fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .nresamples(10_000)
}

criterion_group! {
    name = benches;
    config = config();
    targets = insert_from_empty, lookup_hit, lookup_miss, churn
}
criterion_main!(benches);
