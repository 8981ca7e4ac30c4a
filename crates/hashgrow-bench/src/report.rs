//! Terminal tables and machine-readable output.

use std::fmt::Write as _;

use serde::Serialize;

use crate::measure::{RunResult, Workload};

/// The `--json` document: `{"runs": [...]}` plus where it came from.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    #[serde(serialize_with = "serialize_runs")]
    pub runs: &'a [RunResult],
    pub machine: Machine,
}

/// What the numbers were measured on.
#[derive(Serialize)]
pub struct Machine {
    pub cpus: usize,
    pub os: &'static str,
    pub arch: &'static str,
    pub version: &'static str,
}

impl Machine {
    pub fn here() -> Machine {
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

fn human_bytes(b: usize) -> String {
    let b = b as f64;
    if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    } else if b >= 1024.0 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{b} B")
    }
}

pub fn human_ns(ns: u64) -> String {
    if ns >= 1_000_000 {
        format!("{:.2} ms", ns as f64 / 1e6)
    } else if ns >= 10_000 {
        format!("{:.1} us", ns as f64 / 1e3)
    } else {
        format!("{ns} ns")
    }
}

/// Renders rows as an aligned text table: first column left-aligned, the
/// rest right-aligned.
pub fn render_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let mut out = String::new();
    let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
        let mut parts = Vec::new();
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            parts.push(if i == 0 {
                format!("{cell:<w$}")
            } else {
                format!("{cell:>w$}")
            });
        }
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(&mut header.iter().copied(), &mut out);
    let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    let _ = writeln!(out, "{}", "-".repeat(total));
    for row in rows {
        line(&mut row.iter().map(String::as_str), &mut out);
    }
    out
}

fn ratio(x: f64, base: Option<f64>) -> String {
    match base {
        Some(b) if b > 0.0 => format!("{:.2}x", x / b),
        _ => "-".to_string(),
    }
}

fn grows(r: &RunResult) -> String {
    if r.same_size_grows > 0 {
        format!("{}+{}ss", r.grows, r.same_size_grows)
    } else {
        r.grows.to_string()
    }
}

/// A growth figure, marked `*` when it is modelled rather than observed
/// (see the footnote [`modelled_note`] prints).
fn modelled(r: &RunResult, figure: String) -> String {
    if r.moved_modelled {
        figure + "*"
    } else {
        figure
    }
}

fn moved(r: &RunResult) -> String {
    modelled(r, r.entries_moved.to_string())
}

/// The footnote for `*` figures, if any row has one.
pub fn modelled_note(runs: &[RunResult]) -> Option<String> {
    let mut names: Vec<&str> = runs
        .iter()
        .filter(|r| r.moved_modelled)
        .map(|r| r.strategy.as_str())
        .collect();
    names.dedup();
    (!names.is_empty()).then(|| {
        format!(
            "* modelled, not observed: {}'s moves follow its documented rule (the bench cannot see inside it)",
            names.join(", ")
        )
    })
}

fn opt_human_ns(x: Option<u64>) -> String {
    x.map_or("-".to_string(), human_ns)
}

fn opt_ns(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{v:.1}"))
}

/// The line above the table: what ran.
pub fn describe(args: &crate::compare::CompareArgs, runs: &[RunResult]) -> String {
    let what = match args.workload {
        Workload::Insert => format!("insert {} distinct keys into an empty map", args.n),
        Workload::Prealloc => format!(
            "insert {} distinct keys into a map made with room for them (and, for the saving, into an empty one)",
            args.n
        ),
        Workload::Lookup => format!(
            "look up {} present and {} absent keys in a map of {}, and one earlier key after each insert while filling it",
            args.n, args.n, args.n
        ),
        Workload::Churn => format!(
            "{} ops on a map kept at {} keys, each removing a random key and inserting a new one",
            runs.first().map_or(0, |r| r.ops),
            args.n
        ),
        Workload::Shrink => format!(
            "insert {} distinct keys into an empty map, then delete 90% of them",
            args.n
        ),
    };
    let cron = match runs.first() {
        Some(r) if r.cron_every > 0 => format!(
            "; server cron (Redis: shrink if under 10% full, rehash 100 buckets) every {} ops",
            r.cron_every
        ),
        _ => String::new(),
    };
    format!(
        "workload {}: {what}{cron}; keys {}, hasher {}, median of {} timed passes, run round-robin across strategies (in a new order each repeat, so that no strategy always follows the same one; each on a heap with no free memory to reuse); lookups in one fixed shuffled order",
        args.workload.name(),
        args.keys.name(),
        args.hasher,
        args.repeat
    )
}

/// The result table for `workload`, with ratios to hashbrown when it ran.
pub fn table(workload: Workload, runs: &[RunResult]) -> String {
    let shown: Vec<&RunResult> = runs
        .iter()
        .filter(|r| r.workload == workload.name())
        .collect();
    let base = shown.iter().find(|r| r.strategy == "hashbrown");
    match workload {
        Workload::Insert | Workload::Prealloc => {
            let header = [
                "strategy",
                "ns/insert",
                "vs hb",
                "hit ns",
                "miss ns",
                "vs hb",
                "p50",
                "p99",
                "p99.9",
                "p99.99",
                "max",
                "max rep",
                ">10us",
                "moved",
                "moved/ins",
                "max moved/op",
                "grows",
                "peak heap",
                "B/entry",
                "grow hw",
            ];
            rows_table(&header, &shown, |r| {
                vec![
                    r.strategy.clone(),
                    format!("{:.1}", r.ns_per_op),
                    ratio(r.ns_per_op, base.map(|b| b.ns_per_op)),
                    format!("{:.1}", r.lookup_hit_ns),
                    format!("{:.1}", r.lookup_miss_ns),
                    ratio(
                        r.lookup_hit_ns + r.lookup_miss_ns,
                        base.map(|b| b.lookup_hit_ns + b.lookup_miss_ns),
                    ),
                    human_ns(r.p50_ns),
                    human_ns(r.p99_ns),
                    human_ns(r.p999_ns),
                    human_ns(r.p9999_ns),
                    human_ns(r.max_ns),
                    opt_human_ns(r.max_repeatable_ns),
                    r.ops_over_10us.to_string(),
                    moved(r),
                    format!("{:.2}", r.entries_moved_per_op),
                    modelled(r, r.max_moved_in_one_op.to_string()),
                    grows(r),
                    human_bytes(r.peak_bytes),
                    format!("{:.1}", r.bytes_per_entry),
                    format!("{:.2}", r.grow_peak_ratio),
                ]
            })
        }
        Workload::Lookup => {
            let header = [
                "strategy",
                "hit ns",
                "miss ns",
                "vs hb",
                "hit p50",
                "hit p99",
                "hit p99.99",
                "hit max",
                "interleaved ns",
                "during grow ns",
            ];
            rows_table(&header, &shown, |r| {
                vec![
                    r.strategy.clone(),
                    format!("{:.1}", r.lookup_hit_ns),
                    format!("{:.1}", r.lookup_miss_ns),
                    ratio(
                        r.lookup_hit_ns + r.lookup_miss_ns,
                        base.map(|b| b.lookup_hit_ns + b.lookup_miss_ns),
                    ),
                    human_ns(r.p50_ns),
                    human_ns(r.p99_ns),
                    human_ns(r.p9999_ns),
                    human_ns(r.max_ns),
                    opt_ns(r.interleaved_lookup_ns),
                    opt_ns(r.lookup_during_grow_ns),
                ]
            })
        }
        Workload::Churn => {
            let header = [
                "strategy",
                "ns/op",
                "vs hb",
                "p50",
                "p99",
                "p99.9",
                "p99.99",
                "max",
                "max rep",
                ">10us",
                ">100us",
                "moved",
                "moved/op",
                "max moved/op",
                "grows",
                "peak heap",
                "B/entry",
            ];
            rows_table(&header, &shown, |r| {
                vec![
                    r.strategy.clone(),
                    format!("{:.1}", r.ns_per_op),
                    ratio(r.ns_per_op, base.map(|b| b.ns_per_op)),
                    human_ns(r.p50_ns),
                    human_ns(r.p99_ns),
                    human_ns(r.p999_ns),
                    human_ns(r.p9999_ns),
                    human_ns(r.max_ns),
                    opt_human_ns(r.max_repeatable_ns),
                    r.ops_over_10us.to_string(),
                    r.ops_over_100us.to_string(),
                    moved(r),
                    format!("{:.3}", r.entries_moved_per_op),
                    modelled(r, r.max_moved_in_one_op.to_string()),
                    grows(r),
                    human_bytes(r.peak_bytes),
                    format!("{:.1}", r.bytes_per_entry),
                ]
            })
        }
        Workload::Shrink => {
            let header = [
                "strategy",
                "ns/op",
                "vs hb",
                "p99",
                "p99.99",
                "max",
                "max rep",
                "moved",
                "relinked",
                "grows",
                "shrinks",
                "peak heap",
                "final heap",
                "final B/entry",
            ];
            rows_table(&header, &shown, |r| {
                vec![
                    r.strategy.clone(),
                    format!("{:.1}", r.ns_per_op),
                    ratio(r.ns_per_op, base.map(|b| b.ns_per_op)),
                    human_ns(r.p99_ns),
                    human_ns(r.p9999_ns),
                    human_ns(r.max_ns),
                    opt_human_ns(r.max_repeatable_ns),
                    moved(r),
                    r.nodes_relinked.to_string(),
                    grows(r),
                    r.shrinks.to_string(),
                    human_bytes(r.peak_bytes),
                    human_bytes(r.final_bytes),
                    format!("{:.1}", r.bytes_per_entry),
                ]
            })
        }
    }
}

/// Columns a runtime row (`--runtimes`) has no figure for: the real maps
/// do not expose their growth counters or their heap.
const NOT_OBSERVED_IN_RUNTIMES: &[&str] = &[
    "moved",
    "moved/ins",
    "moved/op",
    "max moved/op",
    "relinked",
    "grows",
    "shrinks",
    "peak heap",
    "final heap",
    "B/entry",
    "final B/entry",
    "grow hw",
];

/// `header` over one row per run, each made by `row`; `-` in the columns a
/// runtime row did not observe.
fn rows_table(
    header: &[&str],
    shown: &[&RunResult],
    row: impl Fn(&RunResult) -> Vec<String>,
) -> String {
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|r| {
            let mut cells = row(r);
            if r.runtime {
                for (cell, column) in cells.iter_mut().zip(header) {
                    if NOT_OBSERVED_IN_RUNTIMES.contains(column) {
                        *cell = "-".to_string();
                    }
                }
            }
            cells
        })
        .collect();
    render_table(header, &rows)
}

fn moved_or_dash(r: &RunResult) -> String {
    if r.runtime {
        "-".to_string()
    } else {
        r.entries_moved.to_string()
    }
}

/// For `--workload prealloc`: what making room first saved, per strategy.
pub fn prealloc_savings(runs: &[RunResult]) -> String {
    let header = [
        "strategy",
        "ns/insert empty",
        "prealloc",
        "time saved",
        "moved empty",
        "prealloc",
        "max empty",
        "prealloc",
    ];
    let mut rows = Vec::new();
    for pre in runs.iter().filter(|r| r.workload == "prealloc") {
        let Some(empty) = runs
            .iter()
            .find(|r| r.workload == "insert" && r.strategy == pre.strategy)
        else {
            continue;
        };
        rows.push(vec![
            pre.strategy.clone(),
            format!("{:.1}", empty.ns_per_op),
            format!("{:.1}", pre.ns_per_op),
            format!("{:.0}%", 100.0 * (1.0 - pre.ns_per_op / empty.ns_per_op)),
            moved_or_dash(empty),
            moved_or_dash(pre),
            human_ns(empty.max_ns),
            human_ns(pre.max_ns),
        ]);
    }
    format!(
        "saving from preallocation (same run)\n{}",
        render_table(&header, &rows)
    )
}

/// Writes `doc` as pretty-printed JSON to `path` and says so on stderr.
pub fn write_json(path: &std::path::Path, doc: &impl Serialize) -> Result<(), String> {
    let text = serde_json::to_string_pretty(doc).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// The JSON fields of a result a real runtime's row does not observe
/// (`RunResult::runtime`): written as `null` in JSON and empty in CSV,
/// never as a 0 that reads like a measurement.
const NOT_OBSERVED_FIELDS: &[&str] = &[
    "entries_moved",
    "moved_modelled",
    "entries_moved_per_op",
    "max_moved_in_one_op",
    "grows",
    "same_size_grows",
    "shrinks",
    "nodes_relinked",
    "peak_bytes",
    "final_bytes",
    "bytes_per_entry",
    "grow_peak_ratio",
    "capacity",
    "capacity_native",
    "capacity_unit",
];

/// `r` as a JSON object, with the fields it did not observe set to null.
fn run_value(r: &RunResult) -> serde_json::Map<String, serde_json::Value> {
    let serde_json::Value::Object(mut fields) = serde_json::to_value(r).expect("plain data") else {
        unreachable!("a struct serializes as an object")
    };
    if r.runtime {
        for name in NOT_OBSERVED_FIELDS {
            if let Some(v) = fields.get_mut(*name) {
                *v = serde_json::Value::Null;
            }
        }
    }
    fields
}

fn serialize_runs<S: serde::Serializer>(runs: &&[RunResult], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(runs.iter().map(run_value))
}

/// Writes every result as one CSV row (a header, then one row per run;
/// unobserved fields of runtime rows empty).
pub fn write_csv(path: &std::path::Path, runs: &[RunResult]) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    let mut w = csv::Writer::from_path(path).map_err(|e| fail(&e))?;
    for (i, r) in runs.iter().enumerate() {
        let fields = run_value(r);
        if i == 0 {
            w.write_record(fields.keys()).map_err(|e| fail(&e))?;
        }
        let cells = fields.values().map(|v| match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        });
        w.write_record(cells).map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_rows_write_null_for_what_they_do_not_observe() {
        let rust = RunResult {
            strategy: "go".into(),
            grows: 3,
            ..RunResult::default()
        };
        let real = RunResult {
            strategy: "go-runtime-1.19".into(),
            runtime: true,
            ..RunResult::default()
        };
        let (a, b) = (run_value(&rust), run_value(&real));
        assert_eq!(a["grows"], serde_json::json!(3));
        assert_eq!(b["grows"], serde_json::Value::Null);
        assert_eq!(b["entries_moved"], serde_json::Value::Null);
        assert_eq!(b["strategy"], serde_json::json!("go-runtime-1.19"));
        for name in NOT_OBSERVED_FIELDS {
            assert!(a.contains_key(*name), "{name} is a RunResult field");
        }
        let dir = std::env::temp_dir().join(format!("hashgrow-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("runs.csv");
        write_csv(&path, &[rust, real]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let col = lines[0].split(',').position(|h| h == "grows").unwrap();
        assert_eq!(lines[1].split(',').nth(col), Some("3"));
        assert_eq!(lines[2].split(',').nth(col), Some(""));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn table_columns_align() {
        let t = render_table(
            &["a", "bb"],
            &[
                vec!["xyz".into(), "1".into()],
                vec!["q".into(), "100".into()],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "a     bb");
        assert_eq!(lines[2], "xyz    1");
        assert_eq!(lines[3], "q    100");
    }

    #[test]
    fn units_switch_at_sensible_points() {
        assert_eq!(human_ns(999), "999 ns");
        assert_eq!(human_ns(25_000), "25.0 us");
        assert_eq!(human_ns(3_500_000), "3.50 ms");
        assert_eq!(human_bytes(2 * 1024 * 1024), "2.0 MiB");
    }
}
