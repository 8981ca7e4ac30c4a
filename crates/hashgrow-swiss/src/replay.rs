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

use hashgrow::hash::Prehashed;
use hashgrow::script::{parse, OpKind, ScriptError};

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
        let key = Prehashed {
            key: op.key,
            hash: op.hash,
        };
        let (grows, pruned) = (m.counters.grows, m.counters.tombstones_pruned);
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
