//! `hashgrow`: run hash-table growth strategies side by side.
//!
//! ```text
//! hashgrow compare                       # 1M u64 inserts, every strategy, FxHash
//! hashgrow compare --n 100000 --strategies stw,hashbrown --json out.json
//! hashgrow compare --workload churn --keys string --plots plots/
//! hashgrow replay --strategy go --script ops.txt
//! hashgrow hashdist
//! hashgrow explain --strategy go --script ops.txt --out go.html
//! ```

mod alloc;
mod args;
mod baseline;
mod compare;
mod explain;
mod hashdist;
mod keys;
mod measure;
mod plots;
mod report;
mod runtimes;
mod strategy;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Run every strategy on one workload (by default: insert N distinct
    /// keys into an empty map) and report time per op, lookup time, per-op
    /// latency percentiles, entries moved by growth, grows and heap.
    Compare(compare::CompareArgs),
    /// Replay an op script on a strategy and print what it did, in the
    /// format of the real runtime's oracle (`shared/oracles/README.md`), so
    /// the two outputs can be compared byte for byte.
    Replay(ReplayArgs),
    /// Hash quality: spread keys (random, sequential and shared-prefix
    /// strings) over buckets with each hash and report the std dev of the
    /// bucket counts, the largest bucket's share and a chi-square p-value.
    Hashdist(hashdist::HashdistArgs),
    /// Draw a small op script step by step: a self-contained HTML page
    /// showing the buckets, bins or groups after every op, what moved and
    /// where (and optionally an SVG strip of chosen ops).
    #[command(long_about = explain::LONG_ABOUT)]
    Explain(explain::ExplainArgs),
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
    /// Go 1.24+ `map[uint64]uint64` (Swiss tables): u64 keys, u64 hashes.
    GoSwiss,
    /// JDK 17 `java.util.HashMap`: int ids, signed 32-bit hashCodes.
    Java,
    /// Redis 7.0 `dict.c`: u64 ids, u64 SipHash-1-2 hashes; also the
    /// server cron's `shrink` and `rehash N`.
    Redis,
}

fn replay(args: ReplayArgs) -> Result<(), String> {
    let text = crate::args::read_script(&args.script)?;
    let out = match args.strategy {
        ReplayStrategy::Go => hashgrow_go::replay::replay(&text),
        ReplayStrategy::GoSwiss => hashgrow_swiss::replay::replay(&text),
        ReplayStrategy::Java => hashgrow_java::replay::replay(&text),
        ReplayStrategy::Redis => hashgrow_redis::replay::replay(&text),
    }
    .map_err(|e| format!("{}: {e}", args.script.display()))?;
    print!("{out}");
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    alloc::fix_system_allocator();
    let result = match cli.command {
        Command::Compare(args) => compare::compare(args),
        Command::Replay(args) => replay(args),
        Command::Hashdist(args) => hashdist::hashdist(args),
        Command::Explain(args) => explain::explain(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("hashgrow: error: {msg}");
            ExitCode::from(2)
        }
    }
}
