//! `hashgrow`: run hash-table growth strategies side by side.
//!
//! ```text
//! hashgrow compare                       # 1M u64 inserts, every strategy, FxHash
//! hashgrow compare --n 100000 --strategies stw,hashbrown --json out.json
//! ```

mod alloc;
mod baseline;
mod measure;
mod report;
mod strategy;

use std::hash::BuildHasher;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hashgrow::hash::{ByteSumBuildHasher, FnvBuildHasher, FxBuildHasher, HashKind, SipBuildHasher};

use measure::{Config, InsertJob, Keys, RunResult};
use strategy::{with_maps, Strategy};

#[global_allocator]
static ALLOC: alloc::CountingAlloc = alloc::CountingAlloc;

/// Makes hash-table growth visible: copies, pauses, throughput and memory of
/// Go-style, Java-style and stop-the-world tables, against hashbrown and std.
#[derive(Parser)]
#[command(name = "hashgrow", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Insert N distinct keys into an empty map, for every strategy, and
    /// report time per insert, lookup time, per-insert latency percentiles,
    /// entries moved by growth, grows and peak heap.
    Compare(CompareArgs),
    /// Replay an op script on a strategy and print what it did, in the
    /// format of the real runtime's oracle (`shared/oracles/README.md`), so
    /// the two outputs can be compared byte for byte.
    Replay(ReplayArgs),
}

#[derive(clap::Args)]
struct ReplayArgs {
    /// Which replica replays the script.
    #[arg(long, value_enum)]
    strategy: ReplayStrategy,
    /// The annotated script: `put KEY HASH` / `del KEY HASH` / `get KEY HASH`
    /// lines, an optional first line `hint N` (`-` reads standard input).
    #[arg(long, value_name = "FILE")]
    script: PathBuf,
}

/// Strategies that replicate a real runtime and can be replayed.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ReplayStrategy {
    /// Go 1.19 `map[uint64]uint64`: u64 keys, u64 hashes.
    Go,
    /// JDK 17 `java.util.HashMap`: int ids, signed 32-bit hashCodes.
    Java,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Number of distinct keys to insert (at least 1).
    #[arg(long, default_value_t = 1_000_000, value_parser = parse_n)]
    n: usize,
    /// Strategies to run, comma-separated [default: all].
    #[arg(long, value_delimiter = ',', value_enum)]
    strategies: Vec<Strategy>,
    /// Hash function used by every strategy: fx, sip13, fnv1a or bytesum.
    #[arg(long, default_value = "fx")]
    hasher: HashKind,
    /// Timed passes per strategy; the median is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    repeat: u16,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// Largest N accepted: keeps a run within this tool's memory budget.
const MAX_N: usize = 100_000_000;

fn parse_n(s: &str) -> Result<usize, String> {
    let n: usize = s
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{s}` is not a whole number"))?;
    if n == 0 {
        return Err("must be at least 1".into());
    }
    if n > MAX_N {
        return Err(format!("at most {MAX_N} keys per run"));
    }
    Ok(n)
}

fn run_insert<S: BuildHasher + Default>(
    strategy: Strategy,
    keys: &Keys,
    config: &Config,
) -> RunResult {
    with_maps::<u64, u64, S, _>(
        strategy,
        InsertJob {
            strategy,
            keys,
            config,
        },
    )
}

fn compare(args: CompareArgs) -> Result<(), String> {
    let strategies = if args.strategies.is_empty() {
        Strategy::all()
    } else {
        args.strategies.clone()
    };
    let config = Config {
        repeat: usize::from(args.repeat),
        hasher: args.hasher.name().to_string(),
    };
    let progress = std::io::stderr().is_terminal();
    let keys = Keys::random_u64(args.n);
    let mut runs = Vec::new();
    for (i, &s) in strategies.iter().enumerate() {
        if progress {
            eprint!("\r[{}/{}] {:<10}", i + 1, strategies.len(), s.name());
        }
        let r = match args.hasher {
            HashKind::Fx => run_insert::<FxBuildHasher>(s, &keys, &config),
            HashKind::Sip13 => run_insert::<SipBuildHasher>(s, &keys, &config),
            HashKind::Fnv1a => run_insert::<FnvBuildHasher>(s, &keys, &config),
            HashKind::ByteSum => run_insert::<ByteSumBuildHasher>(s, &keys, &config),
        };
        runs.push(r);
    }
    if progress {
        eprint!("\r{:40}\r", "");
    }
    println!(
        "workload insert: {} distinct random u64 keys into an empty map, hasher {}, median of {} timed passes",
        args.n, args.hasher, args.repeat
    );
    print!("{}", report::insert_table(&runs));
    println!(
        "latency percentiles from a separate pass timing each insert; they include the timer's own cost (~{} ns per op here)",
        runs.first().map_or(0, |r| r.timer_overhead_ns)
    );
    if let Some(path) = &args.json {
        let doc = report::JsonReport {
            runs: &runs,
            machine: report::Machine::here(),
        };
        let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn replay(args: ReplayArgs) -> Result<(), String> {
    let text = if args.script.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("cannot read standard input: {e}"))?
    } else {
        std::fs::read_to_string(&args.script)
            .map_err(|e| format!("cannot read {}: {e}", args.script.display()))?
    };
    let out = match args.strategy {
        ReplayStrategy::Go => hashgrow_go::replay::replay(&text),
        ReplayStrategy::Java => hashgrow_java::replay::replay(&text),
    }
    .map_err(|e| format!("{}: {e}", args.script.display()))?;
    print!("{out}");
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    alloc::fix_system_allocator();
    let result = match cli.command {
        Command::Compare(args) => compare(args),
        Command::Replay(args) => replay(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("hashgrow: error: {msg}");
            ExitCode::from(2)
        }
    }
}
