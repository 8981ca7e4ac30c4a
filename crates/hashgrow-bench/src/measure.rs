//! The measurement passes behind `hashgrow compare`.
//!
//! For one strategy and one workload:
//!
//! 1. **timed passes** (`repeat` times after one warm-up, the median kept):
//!    build the map from empty with no per-op timer and no allocation
//!    counting; then time
//!    lookups of every key (hits) and of as many absent keys (misses) on the
//!    grown map;
//! 2. **stats pass**: build it again with the counting allocator on and the
//!    strategy's own counters (baselines wrapped in `Counted`): entries
//!    moved, grows, the most moved by one op, peak and final heap bytes;
//! 3. **latency pass**: build it again timing every op with `Instant` into
//!    an HDR histogram. The clock's own cost is measured separately and
//!    reported as `timer_overhead_ns`; it is included in (not subtracted
//!    from) the percentiles.

use std::hint::black_box;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::alloc;
use crate::strategy::{BenchMap, Strategy, WithMaps};

/// What one strategy did on one workload. Field names are part of the JSON
/// format (`hashgrow compare --json`) and stay stable.
#[derive(Clone, Debug, Serialize)]
pub struct RunResult {
    pub strategy: String,
    pub workload: String,
    pub hasher: String,
    pub n: usize,
    /// Median over the timed passes of total time / n.
    pub ns_per_op: f64,
    /// Fastest timed pass, total time / n.
    pub ns_per_op_min: f64,
    pub total_ns: u64,
    pub lookup_hit_ns: f64,
    pub lookup_miss_ns: f64,
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub p999_ns: u64,
    pub p9999_ns: u64,
    pub max_ns: u64,
    pub ops_over_10us: u64,
    pub ops_over_100us: u64,
    pub timer_overhead_ns: u64,
    pub entries_moved: u64,
    pub entries_moved_per_op: f64,
    pub max_moved_in_one_op: u64,
    pub grows: u64,
    pub same_size_grows: u64,
    pub peak_bytes: usize,
    pub final_bytes: usize,
    pub bytes_per_entry: f64,
}

/// The keys of a run: `n` distinct keys to insert and `n` others that are
/// never inserted (for misses).
pub struct Keys {
    pub present: Vec<u64>,
    pub absent: Vec<u64>,
}

/// SplitMix64's finaliser: a bijection on u64, so distinct inputs give
/// distinct, well-spread keys.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Keys {
    /// `n` random distinct u64 keys and `n` distinct absent ones
    /// (deterministic: the same `n` gives the same keys).
    pub fn random_u64(n: usize) -> Keys {
        Keys {
            present: (0..n as u64).map(splitmix64).collect(),
            absent: (n as u64..2 * n as u64).map(splitmix64).collect(),
        }
    }
}

/// Settings shared by every strategy in a run.
pub struct Config {
    pub repeat: usize,
    pub hasher: String,
}

/// The insert-from-empty workload for one strategy.
pub struct InsertJob<'a> {
    pub strategy: Strategy,
    pub keys: &'a Keys,
    pub config: &'a Config,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Median cost of one empty timed region (`Instant::now` + `elapsed`).
pub fn timer_overhead_ns() -> u64 {
    let mut samples: Vec<u64> = (0..10_001)
        .map(|_| {
            let t = Instant::now();
            black_box(());
            t.elapsed().as_nanos() as u64
        })
        .collect();
    samples.sort_unstable();
    samples[samples.len() / 2]
}

// Timed loops are kept out of line so each is compiled on its own for each
// map type, not folded into `run` differently from one strategy to another.
#[inline(never)]
fn fill<M: BenchMap<u64, u64>>(keys: &[u64]) -> (M, Duration) {
    let mut m = M::make(0);
    let start = Instant::now();
    for (i, &k) in keys.iter().enumerate() {
        m.insert(k, i as u64);
    }
    let elapsed = start.elapsed();
    (black_box(m), elapsed)
}

#[inline(never)]
fn time_lookups<M: BenchMap<u64, u64>>(m: &M, keys: &[u64]) -> f64 {
    let start = Instant::now();
    let mut found = 0u64;
    for k in keys {
        if let Some(v) = m.get(k) {
            found = found.wrapping_add(*v);
        }
    }
    black_box(found);
    start.elapsed().as_nanos() as f64 / keys.len() as f64
}

impl WithMaps<u64, u64> for InsertJob<'_> {
    type Output = RunResult;

    fn run<Fast: BenchMap<u64, u64>, Counting: BenchMap<u64, u64>>(self) -> RunResult {
        let keys = &self.keys.present;
        let n = keys.len();

        // 1. timed passes, after one untimed fill so that the first
        //    strategy of a run does not pay alone for fresh pages from the OS
        drop(fill::<Fast>(keys));
        let mut totals = Vec::new();
        let mut hits = Vec::new();
        let mut misses = Vec::new();
        for _ in 0..self.config.repeat.max(1) {
            let (m, elapsed) = fill::<Fast>(keys);
            totals.push(elapsed.as_nanos() as f64);
            hits.push(time_lookups(&m, keys));
            misses.push(time_lookups(&m, &self.keys.absent));
            drop(m);
        }
        let total_ns = median(totals.clone());

        // 2. stats pass
        alloc::start();
        let mut m = Counting::make(0);
        let mut max_moved_in_one_op = 0;
        let mut moved = 0;
        for (i, &k) in keys.iter().enumerate() {
            m.insert(k, i as u64);
            let now = m.stats().entries_moved;
            max_moved_in_one_op = max_moved_in_one_op.max(now - moved);
            moved = now;
        }
        let stats = m.stats();
        let peak_bytes = alloc::peak();
        let final_bytes = alloc::live();
        alloc::stop();
        drop(m);

        // 3. latency pass
        let overhead = timer_overhead_ns();
        let mut hist = Histogram::<u64>::new(3).expect("3 significant figures is valid");
        let mut m = Fast::make(0);
        for (i, &k) in keys.iter().enumerate() {
            let t = Instant::now();
            m.insert(k, i as u64);
            let ns = t.elapsed().as_nanos() as u64;
            hist.record(ns.max(1)).expect("auto-resizing histogram");
        }
        drop(black_box(m));

        RunResult {
            strategy: self.strategy.name().to_string(),
            workload: "insert".to_string(),
            hasher: self.config.hasher.clone(),
            n,
            ns_per_op: total_ns / n as f64,
            ns_per_op_min: totals.iter().copied().fold(f64::MAX, f64::min) / n as f64,
            total_ns: total_ns as u64,
            lookup_hit_ns: median(hits),
            lookup_miss_ns: median(misses),
            p50_ns: hist.value_at_quantile(0.50),
            p99_ns: hist.value_at_quantile(0.99),
            p999_ns: hist.value_at_quantile(0.999),
            p9999_ns: hist.value_at_quantile(0.9999),
            max_ns: hist.max(),
            ops_over_10us: hist.count_between(10_001, u64::MAX),
            ops_over_100us: hist.count_between(100_001, u64::MAX),
            timer_overhead_ns: overhead,
            entries_moved: stats.entries_moved,
            entries_moved_per_op: stats.entries_moved as f64 / n as f64,
            max_moved_in_one_op,
            grows: stats.grows,
            same_size_grows: stats.same_size_grows,
            peak_bytes,
            final_bytes,
            bytes_per_entry: final_bytes as f64 / n as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_distinct_and_disjoint() {
        let k = Keys::random_u64(10_000);
        let mut all: Vec<u64> = k.present.iter().chain(&k.absent).copied().collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 20_000);
    }
}
