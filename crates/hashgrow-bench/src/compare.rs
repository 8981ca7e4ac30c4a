//! `hashgrow compare`: every strategy on one workload, side by side.

use std::hash::BuildHasher;
use std::io::IsTerminal;
use std::path::PathBuf;

use hashgrow::hash::{
    ByteSumBuildHasher, FnvBuildHasher, FoldBuildHasher, FxBuildHasher, HashKind, SipBuildHasher,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::keys::{prefix_key, string_key, struct_key, u64_key, BenchKey, KeyKind, Keys};
use crate::measure::{
    Config, Phase, PhaseOutput, RunOutput, RunResult, ScenarioJob, TimedPass, Workload,
};
use crate::strategy::{with_maps, Strategy};
use crate::{plots, report, runtimes};

/// Flags of `hashgrow compare`.
#[derive(clap::Args)]
pub struct CompareArgs {
    /// Keys in the map: inserted from empty (insert, prealloc, lookup,
    /// shrink) or kept steady (churn). From 1 to 50,000,000; a run that
    /// would not fit in this machine's available memory (estimated from
    /// the key type and about 100 bytes of map per entry) is refused
    /// before it starts. Default 1,000,000, and 100,000 for churn (its
    /// 10·N ops at N = 1M take minutes; at 100k, seconds).
    #[arg(
        long,
        default_value_t = 1_000_000,
        default_value_if("workload", "churn", "100000"),
        value_parser = parse_n
    )]
    pub n: usize,
    /// What to run: insert (grow from empty), prealloc (the same with room
    /// made first, and the saving), lookup (hits, misses, lookups during
    /// growth), churn (steady size, delete + insert, 10·N ops).
    #[arg(long, value_enum, default_value_t = Workload::Insert)]
    pub workload: Workload,
    /// Key type: u64, string (8–32 random bytes), prefix (long shared
    /// prefix), struct (two u32 fields).
    #[arg(long, value_enum, default_value_t = KeyKind::U64)]
    pub keys: KeyKind,
    /// Strategies to run, comma-separated [default: all].
    #[arg(long, value_delimiter = ',', value_enum)]
    pub strategies: Vec<Strategy>,
    /// Hash function used by every strategy, the same for all (like for
    /// like): fx (FxHash, the default here: deterministic and the cheapest
    /// on integers, so it hides the least of what growth costs), fold
    /// (foldhash with a fixed seed: the maps' own default function), sip13
    /// (std's SipHash-1-3), fnv1a or bytesum.
    #[arg(long, default_value = "fx")]
    pub hasher: HashKind,
    /// Run each strategy's server cron every K ops (Redis: shrink a table
    /// under 10% full, then rehash 100 buckets; the others have none).
    /// Default: 1000 for `--workload shrink`, never otherwise; 0: never.
    #[arg(long, value_name = "K")]
    pub cron: Option<usize>,
    /// Timed passes per strategy; the median is reported. The passes of all
    /// strategies run round-robin, in a new order at each repeat (the same
    /// orders in every run).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub repeat: u16,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write the results as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write SVG plots and an index.html showing them into this directory.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Also run the real runtimes' maps on the same keys and workload, as
    /// more rows: go-runtime-1.19, go-runtime-1.27, java-runtime,
    /// redis-dict-c (u64 keys only; a missing toolchain skips its row with
    /// a note). Their times include the runtime's GC and allocation.
    #[arg(long)]
    pub runtimes: bool,
}

/// Largest N accepted: keeps a run within this tool's memory budget.
pub const MAX_N: usize = 50_000_000;

fn parse_n(s: &str) -> Result<usize, String> {
    crate::args::parse_count(s, MAX_N, "keys per run")
}

/// Runs one phase of one strategy with hasher `S` on keys of type `K`.
fn run_one<K: BenchKey, S: BuildHasher + Default>(job: ScenarioJob<'_, K>) -> PhaseOutput {
    with_maps::<K, u64, S, _>(job.strategy, job)
}

fn run_hashed<K: BenchKey>(hasher: HashKind, job: ScenarioJob<'_, K>) -> PhaseOutput {
    match hasher {
        HashKind::Fold => run_one::<K, FoldBuildHasher>(job),
        HashKind::Fx => run_one::<K, FxBuildHasher>(job),
        HashKind::Sip13 => run_one::<K, SipBuildHasher>(job),
        HashKind::Fnv1a => run_one::<K, FnvBuildHasher>(job),
        HashKind::ByteSum => run_one::<K, ByteSumBuildHasher>(job),
    }
}

/// Every (strategy, workload) pair of the run, for one key type: first a
/// warm-up of each, then the timed passes of all pairs round-robin, in a
/// new order at each repeat ([`pass_order`]: drift on a shared machine is
/// spread over every strategy, not left to the last, and no strategy
/// always follows the same one), then the counted passes (allocations,
/// per-op latency) one pair at a time.
fn run_all<K: BenchKey>(
    args: &CompareArgs,
    strategies: &[Strategy],
    make: impl Fn(u64) -> K,
    config: &Config,
) -> Vec<RunOutput> {
    let fresh = if args.workload == Workload::Churn {
        10 * args.n
    } else {
        0
    };
    let keys = Keys::generate(args.n, fresh, make);
    let workloads = match args.workload {
        Workload::Prealloc => vec![Workload::Insert, Workload::Prealloc],
        w => vec![w],
    };
    let pairs: Vec<(Strategy, Workload)> = workloads
        .iter()
        .flat_map(|&w| strategies.iter().map(move |&s| (s, w)))
        .collect();
    let repeat = config.repeat.max(1);
    // Per pair: a warm-up, `repeat` timed passes, the counted passes.
    let steps = pairs.len() * (repeat + 2);
    let bar = progress_bar(steps as u64);
    let ticker = Ticker::start();
    let mut step = 0;
    let mut run = |(s, w): (Strategy, Workload), phase: Phase, timed: &[TimedPass]| {
        step += 1;
        let msg = format!("{} / {} ({phase:?})", s.name(), w.name());
        ticker.set(format!("{msg}, step {step} of {steps}"));
        bar.set_message(msg);
        let job = ScenarioJob {
            strategy: s,
            workload: w,
            keys: &keys,
            config,
            phase,
            timed,
        };
        let out = run_hashed(args.hasher, job);
        bar.inc(1);
        out
    };
    for &pair in &pairs {
        run(pair, Phase::WarmUp, &[]);
    }
    let mut timed = vec![Vec::with_capacity(repeat); pairs.len()];
    for r in 0..repeat {
        for i in pass_order(pairs.len(), r) {
            timed[i].push(run(pairs[i], Phase::Timed, &[]).timed());
        }
    }
    let out = pairs
        .iter()
        .zip(&timed)
        .map(|(&pair, timed)| run(pair, Phase::Counted, timed).done())
        .collect();
    bar.finish_and_clear();
    out
}

/// The order of the `n` timed passes of repeat `r`: every `a`-th pass
/// from pass `r`, that is `r, r + a, r + 2a, ... (mod n)`, where the step
/// `a` is the `r`-th of the numbers below `n` that share no factor with it
/// (1, 3, 5, 7 for eight strategies, then 1 again). Within repeat `r` each
/// pass follows the one `a` before it, so over the repeats every strategy
/// follows a different one each time, as long as there are steps left.
///
/// A pass runs faster or slower depending on the pass before it (what that
/// one left in the kernel's and the allocator's free memory; measured in
/// `docs/comparison.md`, "How a run is ordered"). Rotating one fixed
/// order, as this did before, kept every strategy behind the same
/// neighbour in every repeat, so that neighbour's effect was in all of its
/// passes, median included.
pub(crate) fn pass_order(n: usize, r: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let steps: Vec<usize> = (1..n.max(2)).filter(|&a| gcd(a, n) == 1).collect();
    let a = steps[r % steps.len()];
    (0..n).map(|j| (r + a * j) % n).collect()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `--runtimes`: the real maps' rows, after the Rust strategies, with the
/// same progress display.
fn run_runtimes(args: &CompareArgs, config: &Config) -> Vec<RunOutput> {
    let bar = progress_bar(runtimes::planned_runs(args) as u64);
    let ticker = Ticker::start();
    let mut started = 0;
    let rows = runtimes::run_all(args, config, &mut |what| {
        ticker.set(what.clone());
        bar.set_position(started);
        bar.set_message(what);
        started += 1;
    });
    bar.finish_and_clear();
    rows
}

/// Without a terminal (CI, a pipe, `nohup`), a line on stderr at least
/// every 10 s saying what is running, so a long run is never silent.
struct Ticker {
    state: std::sync::Arc<(std::sync::Mutex<Option<String>>, std::sync::Condvar)>,
}

impl Ticker {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(10);

    fn start() -> Ticker {
        let state = std::sync::Arc::new((
            std::sync::Mutex::new(Some(String::new())),
            std::sync::Condvar::new(),
        ));
        if !std::io::stderr().is_terminal() {
            let shared = std::sync::Arc::clone(&state);
            let started = std::time::Instant::now();
            std::thread::spawn(move || {
                let (lock, wake) = &*shared;
                let mut now = lock.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    now = wake
                        .wait_timeout(now, Self::EVERY)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                    match &*now {
                        None => return,
                        Some(what) => eprintln!(
                            "hashgrow: {:>4} s, running {what}",
                            started.elapsed().as_secs()
                        ),
                    }
                }
            });
        }
        Ticker { state }
    }

    fn set(&self, what: String) {
        *self.state.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(what);
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        *self.state.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.state.1.notify_all();
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
fn progress_bar(len: u64) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    bar.set_style(
        ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Runs `hashgrow compare`.
pub fn compare(args: CompareArgs) -> Result<(), String> {
    let strategies = if args.strategies.is_empty() {
        Strategy::all()
    } else {
        args.strategies.clone()
    };
    // Check output paths and memory before a long run, not after.
    for path in [&args.json, &args.csv].into_iter().flatten() {
        crate::args::check_writable(path)?;
    }
    if let Some(dir) = &args.plots {
        check_plots_dir(dir)?;
    }
    check_memory(&args)?;
    let config = Config {
        repeat: usize::from(args.repeat),
        cron_every: args.cron.unwrap_or(if args.workload == Workload::Shrink {
            1000
        } else {
            0
        }),
        hasher: args.hasher.name().to_string(),
        keys: args.keys.name().to_string(),
        record: args.plots.is_some(),
    };
    let outputs = match args.keys {
        KeyKind::U64 => run_all(&args, &strategies, u64_key, &config),
        KeyKind::String => run_all(&args, &strategies, string_key, &config),
        KeyKind::Prefix => run_all(&args, &strategies, prefix_key, &config),
        KeyKind::Struct => run_all(&args, &strategies, struct_key, &config),
    };
    let mut runs: Vec<RunResult> = outputs.iter().map(|o| o.result.clone()).collect();
    if args.runtimes {
        runs.extend(run_runtimes(&args, &config).into_iter().map(|o| o.result));
    }

    println!("{}", report::describe(&args, &runs));
    let table = report::table(args.workload, &runs);
    print!("{table}");
    if args.workload == Workload::Prealloc {
        println!();
        print!("{}", report::prealloc_savings(&runs));
    }
    if let Some(note) = report::modelled_note(&runs) {
        println!("{note}");
    }
    if let Some(note) = runtimes::note(&runs) {
        println!("{note}");
    }
    println!(
        "latency percentiles and max come from a separate pass timing each op; they include the timer's own cost (~{} ns per op here)",
        runs.first().map_or(0, |r| r.timer_overhead_ns)
    );
    if runs.iter().any(|r| r.max_repeatable_ns.is_some()) {
        println!(
            "max rep: every op timed in {} passes, each op's fastest time kept, the slowest of those: an op slow in every pass (a resize, a split), not a pause of the machine",
            args.repeat
        );
    }

    if let Some(path) = &args.json {
        let doc = report::JsonReport {
            runs: &runs,
            machine: report::Machine::here(),
        };
        report::write_json(path, &doc)?;
    }
    if let Some(path) = &args.csv {
        report::write_csv(path, &runs)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(dir) = &args.plots {
        plots::write_all(dir, &outputs, &table)?;
        eprintln!("wrote plots and index.html to {}", dir.display());
    }
    Ok(())
}

/// `--plots DIR` must be a directory or creatable as one.
fn check_plots_dir(dir: &std::path::Path) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "cannot write plots into {}: it exists and is not a directory",
            dir.display()
        ));
    }
    let mut parent = dir.parent();
    while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
        if p.exists() {
            if !p.is_dir() {
                return Err(format!(
                    "cannot write plots into {}: {} is not a directory",
                    dir.display(),
                    p.display()
                ));
            }
            break;
        }
        parent = p.parent();
    }
    Ok(())
}

/// Bytes a run of `n` keys needs at its peak, roughly: every key set the
/// run prepares (present, absent, shuffled copies, churn's fresh keys)
/// plus one map at a time, at about 100 bytes an entry during a grow.
fn estimated_bytes(args: &CompareArgs) -> u64 {
    let key = match args.keys {
        KeyKind::U64 => 8,
        KeyKind::Struct => 8,
        KeyKind::String => 24 + 32,
        KeyKind::Prefix => 24 + 64,
    };
    let n = args.n as u64;
    let fresh = if args.workload == Workload::Churn {
        10 * n
    } else {
        0
    };
    (3 * n + fresh) * key * 2 + n * (100 + key)
}

/// `MemAvailable` from `/proc/meminfo`, where there is one.
fn available_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn check_memory(args: &CompareArgs) -> Result<(), String> {
    let need = estimated_bytes(args);
    match available_bytes() {
        Some(have) if need > have => Err(format!(
            "--n {} with {} keys needs about {:.1} GiB (keys, and about 100 bytes of map per entry), but only {:.1} GiB is available here; try a smaller --n",
            args.n,
            args.keys.name(),
            need as f64 / (1u64 << 30) as f64,
            have as f64 / (1u64 << 30) as f64
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::pass_order;

    #[test]
    fn each_repeat_runs_every_pass_once_in_the_same_order_every_run() {
        for n in [0, 1, 2, 3, 8, 12, 13] {
            for r in 0..10 {
                let mut order = pass_order(n, r);
                assert_eq!(order, pass_order(n, r), "deterministic");
                order.sort_unstable();
                assert_eq!(order, (0..n).collect::<Vec<_>>(), "a permutation");
            }
        }
    }

    /// The passes that come right before strategy `s`'s within a repeat.
    fn predecessors(n: usize, repeat: usize, s: usize) -> Vec<usize> {
        let mut before: Vec<usize> = (0..repeat)
            .flat_map(|r| {
                let order = pass_order(n, r);
                let at = order.iter().position(|&x| x == s).unwrap();
                (at > 0).then(|| order[at - 1])
            })
            .collect();
        before.sort_unstable();
        before.dedup();
        before
    }

    #[test]
    fn no_strategy_always_follows_the_same_one() {
        // All eight strategies, five repeats (`scripts/regen-docs.sh`):
        // steps 1, 3, 5, 7, 1, so each follows three or four different ones
        // (three if it opens one of the repeats, with no pass before it).
        for s in 0..8 {
            let before = predecessors(8, 5, s);
            assert!(before.len() >= 3, "strategy {s} follows only {before:?}");
        }
        // Three strategies: each follows both others.
        for s in 0..3 {
            assert_eq!(predecessors(3, 5, s).len(), 2, "strategy {s}");
        }
        // The first repeat is the order given.
        assert_eq!(pass_order(8, 0), (0..8).collect::<Vec<_>>());
        assert_eq!(pass_order(8, 1), [1, 4, 7, 2, 5, 0, 3, 6]);
    }
}
