//! The measurement passes behind `hashgrow compare`.
//!
//! A workload is a sequence of ops on one map (a [`Scenario`]): inserts from
//! empty (`insert`, `prealloc`) or delete + insert pairs at a steady size
//! (`churn`). For one strategy it is run in three kinds of pass, each a
//! [`Phase`] of a [`ScenarioJob`]:
//!
//! 1. **timed passes** (`repeat` times after one warm-up, the median kept):
//!    the ops with no per-op timer and no allocation counting. Insert
//!    workloads then also time lookups of every key (hits, in one fixed
//!    shuffled order) and of as many absent keys (misses) on the grown map.
//!    `hashgrow compare` runs the warm-ups, then the timed passes of all
//!    strategies **round-robin**, in a new order each repeat
//!    (`compare::pass_order`), so that drift on a shared machine is spread
//!    over every strategy instead of landing on whoever runs last, and no
//!    strategy always follows the same one; before each pass the heap's free
//!    memory is handed back to the OS and what stays free below live
//!    blocks is plugged ([`alloc::release_free_memory`]), so every pass
//!    starts from the same allocator state, a fresh process's;
//! 2. **stats pass**: the ops again with the counting allocator on and the
//!    strategy's own counters (baselines wrapped in `Counted`): entries
//!    moved, grows, the most moved by one op, peak and final heap bytes,
//!    and the heap high-water mark during the last grow;
//! 3. **latency passes** (`repeat` of them): the ops again, each timed with
//!    `Instant`. The first pass fills an HDR histogram (the percentiles and
//!    `max`); with two passes or more, each op keeps its fastest time and
//!    the slowest of those is `max_repeatable_ns`, the worst op with the
//!    machine's pauses taken out (a preemption lands on a different op in
//!    each pass). The clock's own cost is measured separately and reported
//!    as `timer_overhead_ns`; it is included in (not subtracted from) the
//!    figures.
//!
//! The `lookup` workload is separate (`ScenarioJob::run_lookup`): timed hits and misses
//! on a full map, per-lookup latency, and lookups interleaved with inserts
//! while the map grows.

use std::hint::black_box;
use std::mem;
use std::time::Instant;

use clap::ValueEnum;
use hdrhistogram::Histogram;
use serde::Serialize;

use crate::alloc;
use crate::keys::{splitmix64, BenchKey, Keys};
use crate::strategy::{BenchMap, Strategy, WithMaps};

/// What `hashgrow compare --workload` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Workload {
    /// Grow from empty to N distinct keys.
    Insert,
    /// The same into a map made with room for N keys (runs `insert` too and
    /// reports the saving).
    Prealloc,
    /// Hits and misses on a map of N keys, and lookups interleaved with
    /// inserts while the map grows.
    Lookup,
    /// Steady size N: 10·N ops, each deletes a random live key and inserts
    /// a new one (what drives Go's same-size growth).
    Churn,
    /// Grow to N keys, then delete 90% of them: what a shrink is for. Only
    /// Redis shrinks, and only in its server cron (`--cron`, 1000 by
    /// default here); Go and Java never shrink; the tables keep their size.
    Shrink,
}

impl Workload {
    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Insert => "insert",
            Workload::Prealloc => "prealloc",
            Workload::Lookup => "lookup",
            Workload::Churn => "churn",
            Workload::Shrink => "shrink",
        }
    }
}

/// What one strategy did on one workload. The fields named in the issue
/// (`strategy`, `workload`, `n`, `ns_per_op`, `p50_ns`, `p99_ns`, `p999_ns`,
/// `p9999_ns`, `max_ns`, `entries_moved`, `grows`, `peak_bytes`) are a
/// stable JSON format; the others may grow.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunResult {
    pub strategy: String,
    pub workload: String,
    pub keys: String,
    pub hasher: String,
    /// Keys in the map (at the end for insert workloads; steady for churn).
    pub n: usize,
    /// Ops timed: inserts, delete+insert pairs, or lookups.
    pub ops: usize,
    /// Median over the timed passes of total time / ops.
    pub ns_per_op: f64,
    /// Fastest timed pass, total time / ops.
    pub ns_per_op_min: f64,
    pub total_ns: u64,
    pub lookup_hit_ns: f64,
    pub lookup_miss_ns: f64,
    /// `lookup` workload: mean time of a lookup interleaved with inserts.
    pub interleaved_lookup_ns: Option<f64>,
    /// `lookup` workload: the same, only for lookups made while an
    /// incremental grow was in progress (None for strategies that never
    /// leave a grow in progress between ops).
    pub lookup_during_grow_ns: Option<f64>,
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub p999_ns: u64,
    pub p9999_ns: u64,
    pub max_ns: u64,
    /// The slowest op with the noise taken out: every op is timed in each
    /// of the latency passes (one per `--repeat`), each op's fastest time
    /// is kept, and this is the largest of those. A preemption or a
    /// hypervisor pause lands on a different op in each pass; an op that
    /// is slow in every pass (a stop-the-world resize, a split) pays for
    /// its own work. `None` with one pass, and for the lookup workload and
    /// runtime rows.
    pub max_repeatable_ns: Option<u64>,
    /// The op (0-based) behind [`RunResult::max_repeatable_ns`].
    pub max_repeatable_op: Option<usize>,
    pub ops_over_10us: u64,
    pub ops_over_100us: u64,
    pub timer_overhead_ns: u64,
    pub entries_moved: u64,
    /// The growth counters were modelled from the map's documented rule,
    /// not observed (griddle): see `hashgrow::Stats::modelled`.
    pub moved_modelled: bool,
    pub entries_moved_per_op: f64,
    pub max_moved_in_one_op: u64,
    pub grows: u64,
    pub same_size_grows: u64,
    /// Rehashes that made the table smaller (Redis's cron shrink).
    pub shrinks: u64,
    /// Nodes relinked into a new table by growth (Java, Redis), not copied.
    pub nodes_relinked: u64,
    /// `--cron K`: the server cron ran every K ops (0: never).
    pub cron_every: usize,
    pub peak_bytes: usize,
    pub final_bytes: usize,
    pub bytes_per_entry: f64,
    /// Heap high-water mark during the last completed grow (old and new
    /// storage alive together) over the heap right after it ended, less
    /// any old storage retired but not yet freed (`Stats::retired_bytes`).
    pub grow_peak_ratio: f64,
    /// Capacity at the end, in entries (the map holds this many before its
    /// next grow): the same unit for every strategy, see
    /// `hashgrow::Stats::capacity`.
    pub capacity: u64,
    /// The same in the strategy's own unit, named by `capacity_unit`
    /// (buckets, bins, slots).
    pub capacity_native: u64,
    pub capacity_unit: String,
    /// A real runtime's map (`--runtimes`), timed by a program of its own
    /// language on the same keys: the growth and heap counters above are
    /// not observed for it (left 0 here, `-` in the tables).
    pub runtime: bool,
    /// For a runtime row: its version and settings (GC, heap), as it
    /// reported them.
    pub runtime_info: Option<String>,
}

/// Per-op series for plots, recorded when `--plots` is given.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Latency of each op (ns), from the latency pass.
    pub latency_ns: Vec<u32>,
    /// Entries moved so far, after each op (stats pass).
    pub moved_cum: Vec<u64>,
    /// Heap high-water mark within each op (stats pass): shows the moment
    /// old and new storage are both alive.
    pub heap: Vec<u64>,
    /// Each grow: (op it started in, op it ended in, same size).
    pub grows: Vec<(usize, usize, bool)>,
}

/// A result and, if asked for, its per-op series.
pub struct RunOutput {
    pub result: RunResult,
    pub trace: Option<Trace>,
}

/// Which part of one strategy's measurement a [`ScenarioJob`] runs (see
/// the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// One untimed run of the ops: fresh pages, caches, branch predictors.
    WarmUp,
    /// One timed pass (and, for insert workloads, timed lookups).
    Timed,
    /// The stats and latency passes, then the result, with the timed
    /// passes run before given in [`ScenarioJob::timed`].
    Counted,
}

/// What one timed pass measured.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimedPass {
    /// All the ops (insert workloads, churn), or 0.
    pub total_ns: f64,
    /// Mean time of a hit and of a miss on the full map (insert and lookup
    /// workloads), or 0.
    pub hit_ns: f64,
    pub miss_ns: f64,
}

/// What a [`ScenarioJob`] returns: a timed pass, or the finished result.
pub enum PhaseOutput {
    Timed(TimedPass),
    Done(Box<RunOutput>),
}

impl PhaseOutput {
    /// The timed pass (panics on a result: a caller bug).
    pub fn timed(self) -> TimedPass {
        match self {
            PhaseOutput::Timed(t) => t,
            PhaseOutput::Done(_) => unreachable!("asked for a timed pass"),
        }
    }

    /// The result (panics on a timed pass: a caller bug).
    pub fn done(self) -> RunOutput {
        match self {
            PhaseOutput::Done(r) => *r,
            PhaseOutput::Timed(_) => unreachable!("asked for a result"),
        }
    }
}

/// Settings shared by every strategy in a run.
pub struct Config {
    pub repeat: usize,
    /// Run the strategy's server cron ([`BenchMap::cron`]) every this many
    /// ops (0: never).
    pub cron_every: usize,
    pub hasher: String,
    pub keys: String,
    pub record: bool,
}

#[cfg(test)]
impl Config {
    /// What the tests run with: one timed pass, no cron, u64 keys hashed
    /// with fx, the per-op trace recorded or not.
    pub fn for_tests(record: bool) -> Config {
        Config {
            repeat: 1,
            cron_every: 0,
            hasher: "fx".into(),
            keys: "u64".into(),
            record,
        }
    }
}

/// A sequence of ops on one map.
pub trait Scenario<K> {
    /// Inputs the ops consume, prepared before timing.
    type State;
    /// Entries in the map at the end (or steady).
    fn n(&self) -> usize;
    /// Number of ops.
    fn ops(&self) -> usize;
    /// The inputs (untimed, and not counted as the map's memory).
    fn state(&self) -> Self::State;
    /// The map before the first op (untimed, but its memory is counted).
    fn build<M: BenchMap<K, u64>>(&self) -> M;
    /// Op number `i`.
    fn op<M: BenchMap<K, u64>>(&self, m: &mut M, state: &mut Self::State, i: usize);
}

/// Insert `keys` into a map made with room for `capacity` (0: empty).
pub struct Fill<'a, K> {
    pub keys: &'a [K],
    pub capacity: usize,
}

impl<K: BenchKey> Scenario<K> for Fill<'_, K> {
    type State = Vec<K>;
    fn n(&self) -> usize {
        self.keys.len()
    }
    fn ops(&self) -> usize {
        self.keys.len()
    }
    fn state(&self) -> Vec<K> {
        self.keys.to_vec()
    }
    fn build<M: BenchMap<K, u64>>(&self) -> M {
        M::make(self.capacity)
    }
    #[inline]
    fn op<M: BenchMap<K, u64>>(&self, m: &mut M, keys: &mut Vec<K>, i: usize) {
        m.insert(mem::take(&mut keys[i]), i as u64);
    }
}

/// Grow to all `keys`, then delete the first 90% of them.
pub struct GrowThenDelete<'a, K> {
    pub keys: &'a [K],
}

impl<K: BenchKey> GrowThenDelete<'_, K> {
    fn deletes(&self) -> usize {
        self.keys.len() / 10 * 9
    }
}

impl<K: BenchKey> Scenario<K> for GrowThenDelete<'_, K> {
    type State = Vec<K>;
    fn n(&self) -> usize {
        self.keys.len() - self.deletes()
    }
    fn ops(&self) -> usize {
        self.keys.len() + self.deletes()
    }
    fn state(&self) -> Vec<K> {
        self.keys.to_vec()
    }
    fn build<M: BenchMap<K, u64>>(&self) -> M {
        M::make(0)
    }
    #[inline]
    fn op<M: BenchMap<K, u64>>(&self, m: &mut M, keys: &mut Vec<K>, i: usize) {
        let n = self.keys.len();
        if i < n {
            m.insert(keys[i].clone(), i as u64);
        } else {
            m.remove(&keys[i - n]);
        }
    }
}

/// `inner`, with the strategy's server cron run after every `every`-th op
/// (inside that op's time: it is work the server does between commands).
pub struct WithCron<'a, Sc> {
    pub inner: &'a Sc,
    pub every: usize,
}

impl<K, Sc: Scenario<K>> Scenario<K> for WithCron<'_, Sc> {
    type State = Sc::State;
    fn n(&self) -> usize {
        self.inner.n()
    }
    fn ops(&self) -> usize {
        self.inner.ops()
    }
    fn state(&self) -> Sc::State {
        self.inner.state()
    }
    fn build<M: BenchMap<K, u64>>(&self) -> M {
        self.inner.build()
    }
    #[inline]
    fn op<M: BenchMap<K, u64>>(&self, m: &mut M, state: &mut Sc::State, i: usize) {
        self.inner.op(m, state, i);
        if (i + 1) % self.every == 0 {
            m.cron();
        }
    }
}

/// Steady size: each op removes a random live key and inserts a fresh one.
pub struct Churn<'a, K> {
    pub keys: &'a Keys<K>,
}

/// The state of [`Churn`]: which keys are live, owned fresh keys, and the
/// position in `live` each op removes (drawn before timing, so the timed
/// loop does no random-number work).
pub struct ChurnState<K> {
    /// Live key ids: `id < n` is `present[id]`, else `fresh[id - n]`.
    live: Vec<usize>,
    fresh: Vec<K>,
    victims: Vec<usize>,
}

impl<K: BenchKey> Churn<'_, K> {
    fn key(&self, id: usize) -> &K {
        let n = self.keys.present.len();
        if id < n {
            &self.keys.present[id]
        } else {
            &self.keys.fresh[id - n]
        }
    }
}

impl<K: BenchKey> Scenario<K> for Churn<'_, K> {
    type State = ChurnState<K>;
    fn n(&self) -> usize {
        self.keys.present.len()
    }
    fn ops(&self) -> usize {
        self.keys.fresh.len()
    }
    fn state(&self) -> ChurnState<K> {
        let n = self.keys.present.len() as u64;
        ChurnState {
            live: (0..self.keys.present.len()).collect(),
            fresh: self.keys.fresh.clone(),
            victims: (0..self.ops() as u64)
                .map(|i| (splitmix64(i ^ 0xc4) % n) as usize)
                .collect(),
        }
    }
    fn build<M: BenchMap<K, u64>>(&self) -> M {
        let mut m = M::make(0);
        for (i, k) in self.keys.present.iter().enumerate() {
            m.insert(k.clone(), i as u64);
        }
        m
    }
    #[inline]
    fn op<M: BenchMap<K, u64>>(&self, m: &mut M, st: &mut ChurnState<K>, i: usize) {
        let n = st.live.len();
        let j = st.victims[i];
        m.remove(self.key(st.live[j]));
        m.insert(mem::take(&mut st.fresh[i]), i as u64);
        st.live[j] = n + i;
    }
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
// map type, not folded into the caller differently from one strategy to
// another.
#[inline(never)]
fn time_ops<K, M: BenchMap<K, u64>, Sc: Scenario<K>>(sc: &Sc) -> (M, f64) {
    let (mut m, mut state) = (sc.build::<M>(), sc.state());
    let start = Instant::now();
    for i in 0..sc.ops() {
        sc.op(&mut m, &mut state, i);
    }
    let elapsed = start.elapsed().as_nanos() as f64;
    (black_box(m), elapsed)
}

#[inline(never)]
fn time_lookups<K, M: BenchMap<K, u64>>(m: &M, keys: &[K]) -> f64 {
    let start = Instant::now();
    let mut found = 0u64;
    for k in keys {
        if let Some(v) = m.get(k) {
            found = found.wrapping_add(*v);
        }
    }
    black_box(found);
    start.elapsed().as_nanos() as f64 / keys.len().max(1) as f64
}

/// Counters from the stats pass.
struct StatsPass {
    stats: hashgrow::Stats,
    max_moved_in_one_op: u64,
    peak_bytes: usize,
    final_bytes: usize,
    grow_peak_ratio: f64,
}

fn stats_pass<K, M: BenchMap<K, u64>, Sc: Scenario<K>>(
    sc: &Sc,
    trace: Option<&mut Trace>,
) -> StatsPass {
    let mut state = sc.state();
    let mut trace = trace;
    if let Some(t) = &mut trace {
        // Reserved before counting starts, so the series are not measured.
        t.moved_cum.reserve_exact(sc.ops());
        t.heap.reserve_exact(sc.ops());
    }
    alloc::start();
    let mut m = sc.build::<M>();
    let base = m.stats();
    let mut moved = base.entries_moved;
    let mut grows_seen = base.grows + base.same_size_grows;
    let mut same_seen = base.same_size_grows;
    let mut max_moved_in_one_op = 0;
    // The grow in progress: (first op, same size, heap high-water so far).
    let mut open: Option<(usize, bool, usize)> = None;
    let mut grow_peak_ratio = 0.0;
    for i in 0..sc.ops() {
        alloc::reset_peak();
        sc.op(&mut m, &mut state, i);
        let op_peak = alloc::peak();
        let live = alloc::live();
        let s = m.stats();
        max_moved_in_one_op = max_moved_in_one_op.max(s.entries_moved - moved);
        moved = s.entries_moved;
        let total = s.grows + s.same_size_grows;
        let mut close = |start: usize, same: bool, peak: usize, t: &mut Option<&mut Trace>| {
            // The heap once the grow is over: storage it retired but has
            // not freed yet (Go's old generation, freed by later writes)
            // is not part of it, so the ratio is the grow's true
            // high-water, both generations alive, over the new one alone.
            let after = live.saturating_sub(s.retired_bytes as usize);
            if after > 0 {
                grow_peak_ratio = peak as f64 / after as f64;
            }
            if let Some(t) = t {
                t.grows.push((start, i, same));
            }
        };
        if total > grows_seen {
            if let Some((start, same, peak)) = open.take() {
                close(start, same, peak, &mut trace);
            }
            let same = s.same_size_grows > same_seen;
            open = Some((i, same, op_peak));
            grows_seen = total;
            same_seen = s.same_size_grows;
        } else if let Some((_, _, peak)) = &mut open {
            *peak = (*peak).max(op_peak);
        }
        if let Some((start, same, peak)) = open {
            if !s.growing {
                close(start, same, peak, &mut trace);
                open = None;
            }
        }
        if let Some(t) = &mut trace {
            t.moved_cum.push(moved - base.entries_moved);
            t.heap.push(op_peak as u64);
        }
    }
    let stats = m.stats();
    let peak_bytes = alloc::overall_peak();
    let final_bytes = alloc::live();
    alloc::stop();
    drop(m);
    drop(state);
    StatsPass {
        stats: hashgrow::Stats {
            entries_moved: stats.entries_moved - base.entries_moved,
            grows: stats.grows - base.grows,
            same_size_grows: stats.same_size_grows - base.same_size_grows,
            shrinks: stats.shrinks - base.shrinks,
            nodes_relinked: stats.nodes_relinked - base.nodes_relinked,
            ..stats
        },
        max_moved_in_one_op,
        peak_bytes,
        final_bytes,
        grow_peak_ratio,
    }
}

/// Times every op of `sc` on a fresh map, from the same allocator state as
/// the timed passes: into `hist` if given, and each op's time into
/// `series` (cleared first) if given.
fn latency_pass<K, M: BenchMap<K, u64>, Sc: Scenario<K>>(
    sc: &Sc,
    mut hist: Option<&mut Histogram<u64>>,
    mut series: Option<&mut Vec<u32>>,
) {
    alloc::release_free_memory();
    let (mut m, mut state) = (sc.build::<M>(), sc.state());
    if let Some(s) = &mut series {
        s.clear();
        s.reserve(sc.ops());
    }
    for i in 0..sc.ops() {
        let t = Instant::now();
        sc.op(&mut m, &mut state, i);
        let ns = t.elapsed().as_nanos() as u64;
        if let Some(h) = &mut hist {
            h.record(ns.max(1)).expect("auto-resizing histogram");
        }
        if let Some(s) = &mut series {
            s.push(ns.min(u64::from(u32::MAX)) as u32);
        }
    }
    drop(black_box(m));
}

/// What the latency passes found: the first pass's histogram (the
/// percentiles and `max`), and, with two passes or more, the slowest op's
/// fastest time and its index (see [`RunResult::max_repeatable_ns`]).
struct Latency {
    hist: Histogram<u64>,
    repeatable: Option<(u64, usize)>,
}

/// Runs `passes` latency passes (at least one). The first fills the
/// histogram and, with `trace`, the per-op series of the plots; each later
/// pass lowers every op's time to its fastest so far.
fn latency_passes<K, M: BenchMap<K, u64>, Sc: Scenario<K>>(
    sc: &Sc,
    passes: usize,
    trace: Option<&mut Trace>,
) -> Latency {
    let mut hist = Histogram::<u64>::new(3).expect("3 significant figures is valid");
    let mut first = Vec::new();
    let keep_first = trace.is_some() || passes > 1;
    latency_pass::<K, M, Sc>(sc, Some(&mut hist), keep_first.then_some(&mut first));
    let mut repeatable = None;
    if passes > 1 {
        let mut fastest = first.clone();
        let mut again = Vec::new();
        for _ in 1..passes {
            latency_pass::<K, M, Sc>(sc, None, Some(&mut again));
            for (f, &a) in fastest.iter_mut().zip(&again) {
                *f = (*f).min(a);
            }
        }
        repeatable = fastest
            .iter()
            .enumerate()
            .max_by_key(|&(i, &ns)| (ns, std::cmp::Reverse(i)))
            .map(|(i, &ns)| (u64::from(ns), i));
    }
    if let Some(t) = trace {
        t.latency_ns = first;
    }
    Latency { hist, repeatable }
}

fn fill_percentiles(r: &mut RunResult, hist: &Histogram<u64>) {
    r.p50_ns = hist.value_at_quantile(0.50);
    r.p99_ns = hist.value_at_quantile(0.99);
    r.p999_ns = hist.value_at_quantile(0.999);
    r.p9999_ns = hist.value_at_quantile(0.9999);
    r.max_ns = hist.max();
    r.ops_over_10us = hist.count_between(10_001, u64::MAX);
    r.ops_over_100us = hist.count_between(100_001, u64::MAX);
}

/// One phase of one strategy on one workload.
pub struct ScenarioJob<'a, K> {
    pub strategy: Strategy,
    pub workload: Workload,
    pub keys: &'a Keys<K>,
    pub config: &'a Config,
    pub phase: Phase,
    /// For [`Phase::Counted`]: the timed passes run before (at least one).
    pub timed: &'a [TimedPass],
}

impl<K: BenchKey> WithMaps<K, u64> for ScenarioJob<'_, K> {
    type Output = PhaseOutput;

    fn run<Fast: BenchMap<K, u64>, Counting: BenchMap<K, u64>>(self) -> PhaseOutput {
        match self.workload {
            Workload::Insert => self.run_scenario::<Fast, Counting, _>(&Fill {
                keys: &self.keys.present,
                capacity: 0,
            }),
            Workload::Prealloc => self.run_scenario::<Fast, Counting, _>(&Fill {
                keys: &self.keys.present,
                capacity: self.keys.present.len(),
            }),
            Workload::Churn => self.run_scenario::<Fast, Counting, _>(&Churn { keys: self.keys }),
            Workload::Shrink => self.run_scenario::<Fast, Counting, _>(&GrowThenDelete {
                keys: &self.keys.present,
            }),
            Workload::Lookup => self.run_lookup::<Fast, Counting>(),
        }
    }
}

impl<K: BenchKey> ScenarioJob<'_, K> {
    fn run_scenario<Fast, Counting, Sc>(&self, sc: &Sc) -> PhaseOutput
    where
        Fast: BenchMap<K, u64>,
        Counting: BenchMap<K, u64>,
        Sc: Scenario<K>,
    {
        match self.config.cron_every {
            0 => self.run_scenario_as_is::<Fast, Counting, Sc>(sc),
            every => self.run_scenario_as_is::<Fast, Counting, _>(&WithCron { inner: sc, every }),
        }
    }

    fn run_scenario_as_is<Fast, Counting, Sc>(&self, sc: &Sc) -> PhaseOutput
    where
        Fast: BenchMap<K, u64>,
        Counting: BenchMap<K, u64>,
        Sc: Scenario<K>,
    {
        let ops = sc.ops();
        let fills = matches!(self.workload, Workload::Insert | Workload::Prealloc);

        // 1. timed passes (the caller interleaves them with other
        //    strategies'), each from the same allocator state
        match self.phase {
            Phase::WarmUp => {
                alloc::release_free_memory();
                drop(time_ops::<K, Fast, Sc>(sc));
                return PhaseOutput::Timed(TimedPass::default());
            }
            Phase::Timed => {
                alloc::release_free_memory();
                let (m, total_ns) = time_ops::<K, Fast, Sc>(sc);
                let mut pass = TimedPass {
                    total_ns,
                    ..TimedPass::default()
                };
                if fills {
                    pass.hit_ns = time_lookups(&m, &self.keys.present_shuffled);
                    pass.miss_ns = time_lookups(&m, &self.keys.absent);
                }
                drop(m);
                return PhaseOutput::Timed(pass);
            }
            Phase::Counted => {}
        }
        let totals: Vec<f64> = self.timed.iter().map(|t| t.total_ns).collect();
        let hits: Vec<f64> = self.timed.iter().map(|t| t.hit_ns).collect();
        let misses: Vec<f64> = self.timed.iter().map(|t| t.miss_ns).collect();
        let total_ns = median(totals.clone());

        let mut trace = self.config.record.then(Trace::default);
        // 2. stats pass
        let sp = stats_pass::<K, Counting, Sc>(sc, trace.as_mut());
        // 3. latency passes, one per repeat
        let overhead = timer_overhead_ns();
        let latency = latency_passes::<K, Fast, Sc>(sc, self.config.repeat, trace.as_mut());

        let n = sc.n();
        let mut r = RunResult {
            n,
            ops,
            ns_per_op: total_ns / ops as f64,
            ns_per_op_min: totals.iter().copied().fold(f64::MAX, f64::min) / ops as f64,
            total_ns: total_ns as u64,
            lookup_hit_ns: if fills { median(hits) } else { 0.0 },
            lookup_miss_ns: if fills { median(misses) } else { 0.0 },
            timer_overhead_ns: overhead,
            entries_moved: sp.stats.entries_moved,
            moved_modelled: sp.stats.modelled,
            entries_moved_per_op: sp.stats.entries_moved as f64 / ops as f64,
            max_moved_in_one_op: sp.max_moved_in_one_op,
            grows: sp.stats.grows,
            same_size_grows: sp.stats.same_size_grows,
            shrinks: sp.stats.shrinks,
            nodes_relinked: sp.stats.nodes_relinked,
            cron_every: self.config.cron_every,
            peak_bytes: sp.peak_bytes,
            final_bytes: sp.final_bytes,
            bytes_per_entry: sp.final_bytes as f64 / n.max(1) as f64,
            grow_peak_ratio: sp.grow_peak_ratio,
            capacity: sp.stats.capacity,
            capacity_native: sp.stats.native_capacity,
            capacity_unit: sp.stats.native_unit.to_string(),
            max_repeatable_ns: latency.repeatable.map(|(ns, _)| ns),
            max_repeatable_op: latency.repeatable.map(|(_, op)| op),
            ..self.result_header()
        };
        fill_percentiles(&mut r, &latency.hist);
        PhaseOutput::Done(Box::new(RunOutput { result: r, trace }))
    }
}

impl<K: BenchKey> ScenarioJob<'_, K> {
    /// The fields every result of this job starts with.
    fn result_header(&self) -> RunResult {
        RunResult {
            strategy: self.strategy.name().to_string(),
            workload: self.workload.name().to_string(),
            keys: self.config.keys.clone(),
            hasher: self.config.hasher.clone(),
            ..RunResult::default()
        }
    }

    /// The `lookup` workload: timed hits and misses on a full map,
    /// per-lookup latency, and lookups interleaved with inserts while the
    /// map grows.
    fn run_lookup<Fast: BenchMap<K, u64>, Counting: BenchMap<K, u64>>(&self) -> PhaseOutput {
        let present = &self.keys.present;
        let n = present.len();
        let fill = Fill {
            keys: present,
            capacity: 0,
        };
        if self.phase != Phase::Counted {
            // A warm-up or timed pass: the map built untimed, then its
            // hits and misses timed.
            alloc::release_free_memory();
            let (m, _) = time_ops::<K, Fast, _>(&fill);
            let pass = TimedPass {
                total_ns: 0.0,
                hit_ns: time_lookups(&m, &self.keys.present_shuffled),
                miss_ns: time_lookups(&m, &self.keys.absent),
            };
            drop(m);
            return PhaseOutput::Timed(pass);
        }
        let hits: Vec<f64> = self.timed.iter().map(|t| t.hit_ns).collect();
        let misses: Vec<f64> = self.timed.iter().map(|t| t.miss_ns).collect();
        let (m, _) = time_ops::<K, Fast, _>(&fill);
        // Per-lookup latency of hits.
        let overhead = timer_overhead_ns();
        let mut hist = Histogram::<u64>::new(3).expect("valid");
        let mut series = Vec::new();
        for k in &self.keys.present_shuffled {
            let t = Instant::now();
            black_box(m.get(k));
            let ns = t.elapsed().as_nanos() as u64;
            hist.record(ns.max(1)).expect("auto-resizing histogram");
            if self.config.record {
                series.push(ns.min(u64::from(u32::MAX)) as u32);
            }
        }
        drop(m);

        // Lookups interleaved with inserts: after insert i, look up an
        // earlier key, timing only the lookup.
        let mut m = Counting::make(0);
        let mut owned = present.clone();
        let (mut sum, mut count, mut grow_sum, mut grow_count) = (0u64, 0u64, 0u64, 0u64);
        for i in 0..n {
            m.insert(mem::take(&mut owned[i]), i as u64);
            let target = &present[(splitmix64(i as u64) % (i as u64 + 1)) as usize];
            let growing = m.stats().growing;
            let t = Instant::now();
            black_box(m.get(target));
            let ns = t.elapsed().as_nanos() as u64;
            sum += ns;
            count += 1;
            if growing {
                grow_sum += ns;
                grow_count += 1;
            }
        }
        let stats = m.stats();
        drop(m);

        let mut r = RunResult {
            n,
            ops: n,
            ns_per_op: median(hits.clone()),
            ns_per_op_min: hits.iter().copied().fold(f64::MAX, f64::min),
            lookup_hit_ns: median(hits),
            lookup_miss_ns: median(misses),
            interleaved_lookup_ns: Some(sum as f64 / count.max(1) as f64),
            lookup_during_grow_ns: (grow_count > 0).then(|| grow_sum as f64 / grow_count as f64),
            timer_overhead_ns: overhead,
            entries_moved: stats.entries_moved,
            grows: stats.grows,
            same_size_grows: stats.same_size_grows,
            ..self.result_header()
        };
        fill_percentiles(&mut r, &hist);
        let trace = self.config.record.then(|| Trace {
            latency_ns: series,
            ..Trace::default()
        });
        PhaseOutput::Done(Box::new(RunOutput { result: r, trace }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{string_key, u64_key};
    use crate::strategy::with_maps;
    use hashgrow::hash::FxBuildHasher;

    /// The allocation counters are process-wide: one measuring test at a
    /// time.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn config() -> Config {
        Config::for_tests(true)
    }

    fn run(s: Strategy, w: Workload, keys: &Keys<u64>) -> RunOutput {
        run_with(s, w, keys, config())
    }

    fn run_with(s: Strategy, w: Workload, keys: &Keys<u64>, config: Config) -> RunOutput {
        run_phases::<u64>(s, w, keys, &config)
    }

    /// A warm-up, `config.repeat` timed passes, then the counted passes,
    /// as `hashgrow compare` runs them for one strategy.
    fn run_phases<K: BenchKey>(
        s: Strategy,
        w: Workload,
        keys: &Keys<K>,
        config: &Config,
    ) -> RunOutput {
        let job = |phase, timed| ScenarioJob {
            strategy: s,
            workload: w,
            keys,
            config,
            phase,
            timed,
        };
        with_maps::<K, u64, FxBuildHasher, _>(s, job(Phase::WarmUp, &[]));
        let timed: Vec<TimedPass> = (0..config.repeat)
            .map(|_| with_maps::<K, u64, FxBuildHasher, _>(s, job(Phase::Timed, &[])).timed())
            .collect();
        with_maps::<K, u64, FxBuildHasher, _>(s, job(Phase::Counted, &timed)).done()
    }

    #[test]
    fn insert_counts_moves_and_records_one_point_per_op() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let keys = Keys::generate(3000, 0, u64_key);
        for s in Strategy::all() {
            let out = run(s, Workload::Insert, &keys);
            let r = &out.result;
            assert_eq!((r.n, r.ops), (3000, 3000), "{s}");
            assert!(r.grows > 0, "{s}: {r:?}");
            // Java and Redis relink nodes instead of copying entries.
            if !matches!(s, Strategy::Java | Strategy::Redis) {
                assert!(r.entries_moved >= 3000 / 2, "{s}: {r:?}");
            }
            assert!(
                r.peak_bytes >= r.final_bytes && r.final_bytes > 0,
                "{s}: {r:?}"
            );
            let t = out.trace.expect("recorded");
            assert_eq!(t.latency_ns.len(), 3000);
            assert_eq!(t.moved_cum.last().copied(), Some(r.entries_moved), "{s}");
            assert!(!t.grows.is_empty(), "{s}");
        }
    }

    #[test]
    fn max_rep_is_an_op_slow_in_every_pass_a_stop_the_world_grow() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let keys = Keys::generate(20_000, 0, u64_key);
        let one = run(Strategy::Stw, Workload::Insert, &keys).result;
        assert_eq!((one.max_repeatable_ns, one.max_repeatable_op), (None, None));
        let out = run_with(
            Strategy::Stw,
            Workload::Insert,
            &keys,
            Config {
                repeat: 3,
                ..config()
            },
        );
        let (r, t) = (out.result, out.trace.expect("recorded"));
        let (ns, op) = (r.max_repeatable_ns.unwrap(), r.max_repeatable_op.unwrap());
        assert!(ns <= r.max_ns, "{r:?}");
        // Each op's fastest of three passes: a preemption would have to hit
        // the same op three times; a grow copies every entry every time.
        assert!(
            t.grows.iter().any(|&(start, _, _)| start == op),
            "op {op} ({ns} ns) grew nothing; grows at {:?}",
            t.grows
        );
    }

    #[test]
    fn prealloc_moves_nothing_for_copying_strategies() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let keys = Keys::generate(3000, 0, u64_key);
        for s in [
            Strategy::Stw,
            Strategy::Hashbrown,
            Strategy::Std,
            Strategy::Go,
        ] {
            let r = run(s, Workload::Prealloc, &keys).result;
            assert_eq!(r.entries_moved, 0, "{s}: {r:?}");
        }
    }

    #[test]
    fn churn_keeps_the_size_and_runs_ten_n_ops() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let keys = Keys::generate(500, 5000, u64_key);
        for s in Strategy::all() {
            let r = run(s, Workload::Churn, &keys).result;
            assert_eq!((r.n, r.ops), (500, 5000), "{s}");
        }
    }

    #[test]
    fn lookup_job_reports_hits_misses_and_interleaved() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let keys = Keys::generate(2000, 0, string_key);
        let config = config();
        for s in [Strategy::Go, Strategy::Stw] {
            let r = run_phases(s, Workload::Lookup, &keys, &config).result;
            assert!(
                r.lookup_hit_ns > 0.0 && r.interleaved_lookup_ns.is_some(),
                "{r:?}"
            );
            // Only Go leaves a grow in progress between ops.
            assert_eq!(
                r.lookup_during_grow_ns.is_some(),
                s == Strategy::Go,
                "{s}: {r:?}"
            );
        }
    }

    /// Growing then deleting 90%: only Redis shrinks, and only with its
    /// cron; everyone else keeps the table it grew to.
    #[test]
    fn shrink_workload_shrinks_redis_only_with_its_cron() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let keys = Keys::generate(5000, 0, u64_key);
        for s in [Strategy::Redis, Strategy::Go, Strategy::Java, Strategy::Stw] {
            let cron = Config {
                cron_every: 10,
                ..config()
            };
            let with = run_with(s, Workload::Shrink, &keys, cron).result;
            let without = run(s, Workload::Shrink, &keys).result;
            assert_eq!((with.n, with.ops), (500, 9500), "{s}");
            assert_eq!(without.shrinks, 0, "{s}");
            if s == Strategy::Redis {
                assert!(with.shrinks > 0, "{s}: {with:?}");
                assert!(
                    with.final_bytes < without.final_bytes,
                    "{s}: {} vs {} bytes; {with:?}",
                    with.final_bytes,
                    without.final_bytes
                );
            } else {
                assert_eq!(with.shrinks, 0, "{s}");
            }
        }
    }
}
