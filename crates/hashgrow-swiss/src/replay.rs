//! Replaying an oracle script: the same bytes `shared/oracles/run go-swiss`
//! prints.
//!
//! ```
//! let out = hashgrow_swiss::replay::replay("put 1 7\nput 2 9\nget 1 7\n").unwrap();
//! assert_eq!(out, "final len 2 depth 0 tables 0\nsmall: 1 2 _ _ _ _ _ _\n");
//! ```
//!
//! The oracle observes the runtime between ops, so the replay does too:
//! after each op it compares the map's shape (small or not, directory
//! depth, the set of tables by identity) with the shape after the last
//! change, and prints the oracle's lines for what changed.

use std::fmt::Write;

use hashgrow::explain::{CellState, CellView, RowView, Snapshot, TableView};
use hashgrow::hash::Prehashed;
use hashgrow::script::{parse, OpKind, ScriptError, ScriptOp};

use crate::group::{DELETED, EMPTY, SLOTS};
use crate::map::SwissTable;
use crate::table::Table;

/// The map a replay drives: each key carries the hash the runtime computed
/// for it (the runtime reseeds when a delete empties the map, and the
/// annotated script carries the new hashes from then on).
pub type ReplayTable = SwissTable<Prehashed<u64>, u64>;

fn hasher(k: &Prehashed<u64>) -> u64 {
    k.hash
}

/// What the oracle sees of the map between ops.
#[derive(Default)]
struct Shape {
    /// `dirLen == 0`.
    small: bool,
    depth: u8,
    /// The distinct tables in directory order: identity, name, capacity.
    tables: Vec<(u64, String, usize)>,
}

/// A table's name: its hash prefix, the top `localDepth` bits, as a bit
/// string (`-` for depth 0). It does not change when the directory doubles.
fn name<K, V>(t: &Table<K, V>) -> String {
    if t.local_depth == 0 {
        return "-".into();
    }
    format!("{:0width$b}", t.prefix, width = usize::from(t.local_depth))
}

/// The distinct tables in directory order.
fn tables_in_order<K, V>(m: &SwissTable<K, V>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    if m.small {
        return out;
    }
    for e in &m.dir {
        if out.last() != Some(&e.table()) {
            out.push(e.table());
        }
    }
    out
}

fn shape<K, V>(m: &SwissTable<K, V>) -> Shape {
    Shape {
        small: m.small,
        depth: m.global_depth,
        tables: tables_in_order(m)
            .into_iter()
            .map(|ti| {
                let t = &m.tables[ti];
                (t.id, name(t), t.capacity)
            })
            .collect(),
    }
}

fn describe(t: &(u64, String, usize)) -> String {
    format!("{} cap {}", t.1, t.2)
}

/// The oracle's `report`: the small map becoming a table (alone), else the
/// directory doubling, then each replaced table (in the old directory
/// order) with the tables now serving its prefix (in directory order).
fn report(out: &mut String, op: usize, len: usize, before: &Shape, after: &Shape) {
    if before.small && !after.small {
        let names: Vec<String> = after.tables.iter().map(describe).collect();
        let _ = writeln!(out, "op {op} len {len} small -> table {}", names.join(", "));
        return;
    }
    if before.depth != after.depth {
        let _ = writeln!(
            out,
            "op {op} len {len} depth {} -> {}",
            before.depth, after.depth
        );
    }
    let has = |s: &Shape, id: u64| s.tables.iter().any(|t| t.0 == id);
    let born: Vec<_> = after.tables.iter().filter(|t| !has(before, t.0)).collect();
    for gone in before.tables.iter().filter(|t| !has(after, t.0)) {
        let into: Vec<String> = born
            .iter()
            .filter(|b| gone.1 == "-" || b.1.starts_with(&gone.1))
            .map(|b| describe(b))
            .collect();
        let _ = writeln!(
            out,
            "op {op} len {len} table {} -> {}",
            describe(gone),
            into.join(", ")
        );
    }
}

/// Parses a `u64`/`u64` op script (`put|del|get KEY HASH`, optional first
/// line `hint N`), runs it on a [`SwissTable`] using the recorded hashes,
/// and returns exactly what the Go 1.24+ oracle prints: the per-op lines
/// (`small -> table`, `depth`, `table ... -> ...`, `pruned`), then the
/// `final` line and the small group or every table and group.
///
/// A malformed line is an error naming its line number.
pub fn replay(script_text: &str) -> Result<String, ScriptError> {
    let script = parse::<u64, u64>(script_text)?;
    let mut m = ReplayTable::with_hint(script.hint.unwrap_or(0));
    let mut out = String::new();
    let mut before = shape(&m);
    for (n, op) in script.ops.iter().enumerate() {
        let op_no = n + 1;
        let (grows, pruned) = (m.counters.grows, m.counters.tombstones_pruned);
        apply(&mut m, op)?;
        if m.counters.grows != grows {
            let after = shape(&m);
            report(&mut out, op_no, m.len(), &before, &after);
            before = after;
        } else if m.counters.tombstones_pruned != pruned {
            let t = &m.tables[m.table_for(op.hash)];
            let _ = writeln!(
                out,
                "op {op_no} len {} table {} pruned {} tombstones",
                m.len(),
                name(t),
                m.counters.tombstones_pruned - pruned
            );
        }
    }
    m.check_invariants(hasher);
    dump(&m, &mut out);
    Ok(out)
}

/// Runs one script op on the map, with the op's recorded hash.
///
/// ```
/// let script = hashgrow::script::parse::<u64, u64>("put 1 7\nshrink\n").unwrap();
/// let mut m = hashgrow_swiss::replay::ReplayTable::with_hint(0);
/// hashgrow_swiss::replay::apply(&mut m, &script.ops[0]).unwrap();
/// assert_eq!(m.len(), 1);
/// assert!(hashgrow_swiss::replay::apply(&mut m, &script.ops[1]).is_err());
/// ```
///
/// # Errors
/// `shrink` and `rehash N` (Redis-only ops), naming the line.
pub fn apply(m: &mut ReplayTable, op: &ScriptOp<u64, u64>) -> Result<(), ScriptError> {
    let key = Prehashed {
        key: op.key,
        hash: op.hash,
    };
    match op.kind {
        OpKind::Put => match m.find_or_vacancy_with(op.hash, |k| *k == key) {
            // SAFETY: a found slot is live; the value is a plain u64.
            Ok(slot) => unsafe { (*slot.ptr.as_ptr()).1 = op.key },
            Err(vacancy) => {
                m.insert_vacant_with(op.hash, vacancy, (key, op.key), &hasher);
            }
        },
        OpKind::Del => {
            if let Some(slot) = m.find_with(op.hash, |k| *k == key) {
                // SAFETY: just found.
                unsafe { m.remove_at(slot) };
            }
        }
        OpKind::Get => {
            let _ = m.find_with(op.hash, |k| *k == key);
        }
        OpKind::Shrink | OpKind::Rehash(_) => {
            return Err(ScriptError {
                line: op.line,
                message: "`shrink` and `rehash` are Redis server-cron ops; the Go 1.24+ map has no such thing (replay this script with the redis strategy)".into(),
            });
        }
    }
    Ok(())
}

/// The map's layout for `hashgrow explain`: the small group, or every
/// table in directory order (named by its hash prefix, as the oracle
/// does), one row per group of 8 slots, each slot with its key and control
/// byte (`h2` in hex, `D` for a tombstone).
///
/// ```
/// let script = hashgrow::script::parse::<u64, u64>("put 1 7\n").unwrap();
/// let mut m = hashgrow_swiss::replay::ReplayTable::with_hint(0);
/// hashgrow_swiss::replay::apply(&mut m, &script.ops[0]).unwrap();
/// let snap = hashgrow_swiss::replay::snapshot(&m);
/// assert!(snap.tables[0].title.starts_with("small map"));
/// assert_eq!(snap.tables[0].rows[0].cells[0].key.as_deref(), Some("1"));
/// ```
pub fn snapshot(m: &ReplayTable) -> Snapshot {
    let view = |t: &Table<Prehashed<u64>, u64>, title: String, short: String| TableView {
        id: t.id,
        title,
        short,
        row_name: "group",
        linked: false,
        rows: (0..=t.mask)
            .map(|g| {
                let c = t.ctrl(g);
                let cells = (0..SLOTS)
                    .map(|s| match c.get(s) {
                        EMPTY => CellView::vacant(CellState::Empty, None),
                        DELETED => CellView::vacant(CellState::Deleted, Some("D".into())),
                        x if x & 0x80 != 0 => CellView::vacant(CellState::Empty, Some("?".into())),
                        // SAFETY: a full control byte means a live entry.
                        x => CellView::full(
                            unsafe { t.entry(g, s) }.0.key.to_string(),
                            Some(format!("{x:02x}")),
                        ),
                    })
                    .collect();
                RowView::new(g, cells)
            })
            .collect(),
    };
    let mut tables = Vec::new();
    if m.small {
        if let Some(t) = m.tables.first() {
            tables.push(view(
                t,
                "small map: one group, no table yet".into(),
                "small".into(),
            ));
        }
    }
    let order = tables_in_order(m);
    if !m.small {
        for &ti in &order {
            let t = &m.tables[ti];
            let n = name(t);
            let title = format!(
                "table {n}: depth {}, cap {}, used {}, growth_left {}",
                t.local_depth, t.capacity, t.used, t.growth_left
            );
            let short = format!("t{n}");
            tables.push(view(t, title, short));
        }
    }
    let stats = m.stats();
    let mut counters = vec![
        ("len".to_string(), m.len().to_string()),
        ("global depth".to_string(), m.global_depth.to_string()),
        ("tables".to_string(), order.len().to_string()),
        ("slots".to_string(), stats.capacity.to_string()),
        ("tombstones".to_string(), stats.tombstones.to_string()),
        ("moved so far".to_string(), stats.entries_moved.to_string()),
        ("grows".to_string(), stats.grows.to_string()),
        ("splits".to_string(), stats.splits.to_string()),
    ];
    if !m.small && !m.dir.is_empty() && m.global_depth <= 4 {
        // The directory itself, entry by entry: which table each hash
        // prefix of `global_depth` bits goes to.
        let dir: Vec<String> = m
            .dir
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let prefix = if m.global_depth == 0 {
                    "-".to_string()
                } else {
                    format!("{i:0w$b}", w = usize::from(m.global_depth))
                };
                format!("{prefix}→{}", name(&m.tables[e.table()]))
            })
            .collect();
        counters.push(("directory".to_string(), dir.join(" ")));
    }
    Snapshot {
        tables,
        counters,
        split_names: None,
    }
}

fn dump_group(out: &mut String, label: &str, t: &Table<Prehashed<u64>, u64>, g: usize) {
    out.push_str(label);
    out.push(':');
    let c = t.ctrl(g);
    for s in 0..SLOTS {
        match c.get(s) {
            EMPTY => out.push_str(" _"),
            DELETED => out.push_str(" D"),
            x if x & 0x80 != 0 => out.push_str(" ?"),
            // SAFETY: a full control byte means a live entry.
            _ => {
                let _ = write!(out, " {}", unsafe { t.entry(g, s) }.0.key);
            }
        }
    }
    out.push('\n');
}

/// The oracle's `final` line, then the small group or every table (in
/// directory order) and its groups.
///
/// ```
/// let m = hashgrow_swiss::replay::ReplayTable::with_hint(0);
/// let mut out = String::new();
/// hashgrow_swiss::replay::dump(&m, &mut out);
/// assert_eq!(out, "final len 0 depth 0 tables 0\n");
/// ```
pub fn dump(m: &ReplayTable, out: &mut String) {
    let order = tables_in_order(m);
    let _ = writeln!(
        out,
        "final len {} depth {} tables {}",
        m.len(),
        m.global_depth,
        order.len()
    );
    if m.small {
        if let Some(t) = m.tables.first() {
            dump_group(out, "small", t, 0);
        }
        return;
    }
    for ti in order {
        let t = &m.tables[ti];
        let _ = writeln!(
            out,
            "table {} depth {} cap {} used {} growth_left {} tombstones {}",
            name(t),
            t.local_depth,
            t.capacity,
            t.used,
            t.growth_left,
            t.count_deleted()
        );
        for g in 0..=t.mask {
            dump_group(out, &format!("group {g}"), t, g);
        }
    }
}
