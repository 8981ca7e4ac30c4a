//! Replaying an oracle script: the same bytes `shared/oracles/run
//! redis-dict` prints.
//!
//! ```
//! let out = hashgrow_redis::replay::replay("put 1 5\nput 2 6\nget 1 5\n").unwrap();
//! assert_eq!(
//!     out,
//!     "op 1 len 1 alloc 4\n\
//!      final len 2 size0 4 used0 2 size1 0 used1 0 rehashidx -1\n\
//!      table0 1: 1\n\
//!      table0 2: 2\n"
//! );
//! ```

use std::fmt::Write;

use hashgrow::explain::{CellView, RowView, Snapshot, TableView};
use hashgrow::raw::{RawLookup, RawTable};
use hashgrow::script::{parse, OpKind, ScriptError, ScriptOp};

use crate::dict::{RedisTable, EMPTY_VISITS_PER_BUCKET};

/// The dict a replay drives: the oracle's keys (decimal ids) with the
/// hashes it recorded; no values (`dictAddRaw` with none).
pub type ReplayTable = RedisTable<u64, ()>;

/// The largest `rehash N`: `dictRehash` computes `N * 10` in a C `int`.
pub const MAX_REHASH: u32 = i32::MAX as u32 / EMPTY_VISITS_PER_BUCKET as u32;

/// A replay never hashes: every key comes with its recorded hash.
fn recorded(_: &u64) -> u64 {
    unreachable!("the dict never rehashes a key: nodes keep their hashes")
}

/// Parses a `u64`/`u64` op script (`put|del|get KEY HASH`, `shrink`,
/// `rehash N`), runs it on a [`ReplayTable`] as the oracle drives the real
/// `dict.c` (`put` is `dictAddRaw`, leaving an existing key alone; `del` is
/// `dictDelete`; `get` is `dictFind`, rehash step included; `shrink` is the
/// server cron's `tryResizeHashTables`; `rehash N` is `dictRehash(d, N)`)
/// and returns exactly what the oracle prints: a line after each op whose
/// end state (rehashing, size of table 0, size of table 1) differs from the
/// previous op's, then the `final` line and every non-empty bucket of
/// table 0, and of table 1 while rehashing.
///
/// A malformed line is an error naming its line number, as are a `hint`
/// (the oracle takes none) and a `rehash N` whose `N * 10` overflows C's
/// `int`.
pub fn replay(script_text: &str) -> Result<String, ScriptError> {
    let script = parse::<u64, u64>(script_text)?;
    if script.hint.is_some() {
        return Err(ScriptError {
            line: 1,
            message: "the Redis oracle takes no `hint` (dictCreate has no size)".into(),
        });
    }
    let mut d = ReplayTable::new();
    let mut out = String::new();
    let mut was = State::of(&d);
    for (n, op) in script.ops.iter().enumerate() {
        apply(&mut d, op)?;
        let now = State::of(&d);
        now.report_change(&was, n + 1, d.len(), &mut out);
        was = now;
    }
    dump(&d, &mut out);
    Ok(out)
}

/// Runs one script op on the dict, as the oracle does (see [`replay`]).
///
/// ```
/// let script = hashgrow::script::parse::<u64, u64>("put 1 5\nrehash 300000000\n").unwrap();
/// let mut d = hashgrow_redis::replay::ReplayTable::new();
/// hashgrow_redis::replay::apply(&mut d, &script.ops[0]).unwrap();
/// assert_eq!(d.len(), 1);
/// assert!(hashgrow_redis::replay::apply(&mut d, &script.ops[1]).is_err());
/// ```
///
/// # Errors
/// A `rehash N` whose `N * 10` overflows C's `int`, naming the line.
pub fn apply(d: &mut ReplayTable, op: &ScriptOp<u64, u64>) -> Result<(), ScriptError> {
    let (key, hash) = (op.key, op.hash);
    match op.kind {
        OpKind::Put => {
            if let Err(vacancy) = d.find_or_vacancy(hash, &key, recorded) {
                d.insert_vacant(hash, vacancy, key, (), recorded);
            }
        }
        OpKind::Del => {
            RawLookup::remove(d, hash, &key, recorded);
        }
        OpKind::Get => {
            d.find_mut(hash, &key);
        }
        OpKind::Shrink => {
            d.shrink();
        }
        OpKind::Rehash(steps) => {
            if steps > MAX_REHASH {
                return Err(ScriptError {
                    line: op.line,
                    message: format!(
                        "rehash {steps}: dictRehash's {steps} * 10 overflows an int (at most {MAX_REHASH})"
                    ),
                });
            }
            d.rehash(steps as usize);
        }
    }
    Ok(())
}

/// The dict's layout for `hashgrow explain`: table 0 and, while a rehash
/// is in progress, table 1 beside it, one row per bucket with its chain
/// (newest node first, as `dictAddRaw` links it). Table 0's buckets below
/// `rehashidx` are already moved, drawn faded.
///
/// ```
/// let script = hashgrow::script::parse::<u64, u64>("put 1 5\n").unwrap();
/// let mut d = hashgrow_redis::replay::ReplayTable::new();
/// hashgrow_redis::replay::apply(&mut d, &script.ops[0]).unwrap();
/// let snap = hashgrow_redis::replay::snapshot(&d);
/// assert_eq!(snap.tables[0].rows[1].cells[0].key.as_deref(), Some("1"));
/// ```
pub fn snapshot(d: &ReplayTable) -> Snapshot {
    let rehashing = d.is_rehashing();
    let tables = (0..if rehashing { 2 } else { 1 })
        .map(|t| {
            let size = d.table_size(t);
            let rows = (0..size)
                .map(|i| {
                    let cells = d
                        .chain(t, i)
                        .map(|(k, ())| CellView::full(k.to_string(), None))
                        .collect();
                    let mut row = RowView::new(i, cells);
                    if t == 0 && d.rehash_index().is_some_and(|r| i < r) {
                        row.done = true;
                        row.tag = Some("moved".into());
                    }
                    row
                })
                .collect();
            let title = match (t, size) {
                (0, 0) => "table 0: not allocated yet".to_string(),
                _ => format!("table {t}: size {size}, used {}", d.table_used(t)),
            };
            TableView {
                id: d.ht[t].as_ptr() as usize as u64,
                title,
                short: format!("t{t}"),
                row_name: "bucket",
                linked: true,
                rows,
            }
        })
        .collect();
    let stats = d.stats();
    let rehashidx = d.rehash_index().map_or("-1".to_string(), |i| i.to_string());
    Snapshot {
        tables,
        counters: vec![
            ("len".into(), d.len().to_string()),
            ("size0".into(), d.table_size(0).to_string()),
            ("size1".into(), d.table_size(1).to_string()),
            ("rehashidx".into(), rehashidx),
            (
                "nodes moved so far".into(),
                stats.nodes_relinked.to_string(),
            ),
            ("grows".into(), stats.grows.to_string()),
            ("shrinks".into(), stats.shrinks.to_string()),
        ],
        split_names: None,
    }
}

/// What the oracle compares between ops.
#[derive(Clone, Copy, PartialEq, Eq)]
struct State {
    rehashing: bool,
    size0: usize,
    /// 0 when not rehashing.
    size1: usize,
}

impl State {
    fn of(d: &ReplayTable) -> State {
        State {
            rehashing: d.is_rehashing(),
            size0: d.table_size(0),
            size1: d.table_size(1),
        }
    }

    /// The oracle's rule: `alloc` when table 0 changed outside any rehash;
    /// `rehash_end` when a rehash stopped, or when one ended and another
    /// began within the op (the sizes changed while rehashing both
    /// before and after; then the end names the old table 1's size);
    /// `rehash_start` when one began, or in that restart case.
    fn report_change(&self, was: &State, op: usize, len: usize, out: &mut String) {
        let restarted = self.rehashing && was.rehashing && self != was;
        if !self.rehashing && !was.rehashing && self.size0 != was.size0 {
            let _ = writeln!(out, "op {op} len {len} alloc {}", self.size0);
        }
        if (!self.rehashing && was.rehashing) || restarted {
            let size = if restarted { was.size1 } else { self.size0 };
            let _ = writeln!(out, "op {op} len {len} rehash_end {size}");
        }
        if (self.rehashing && !was.rehashing) || restarted {
            let _ = writeln!(
                out,
                "op {op} len {len} rehash_start {} -> {}",
                self.size0, self.size1
            );
        }
    }
}

/// The oracle's `final` line and bucket dump.
///
/// ```
/// use hashgrow::raw::RawTable;
/// let d = hashgrow_redis::replay::ReplayTable::new();
/// let mut out = String::new();
/// hashgrow_redis::replay::dump(&d, &mut out);
/// assert!(out.starts_with("final len 0 size0 0"));
/// ```
pub fn dump(d: &ReplayTable, out: &mut String) {
    let rehashidx = d.rehash_index().map_or(-1, |i| i as i64);
    let _ = writeln!(
        out,
        "final len {} size0 {} used0 {} size1 {} used1 {} rehashidx {rehashidx}",
        d.len(),
        d.table_size(0),
        d.table_used(0),
        d.table_size(1),
        d.table_used(1),
    );
    for t in 0..2 {
        for i in 0..d.table_size(t) {
            let mut chain = d.chain(t, i).peekable();
            if chain.peek().is_none() {
                continue;
            }
            let _ = write!(out, "table{t} {i}:");
            for (k, ()) in chain {
                let _ = write!(out, " {k}");
            }
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put_all(keys: impl Iterator<Item = u64>, script: &mut String) {
        for k in keys {
            *script += &format!("put {k} {k}\n");
        }
    }

    #[test]
    fn grows_print_alloc_start_and_end() {
        // Hash = key: the 5th put finds 4 entries in 4 buckets.
        let mut script = String::new();
        put_all(0..5, &mut script);
        script += "rehash 100\n";
        let out = replay(&script).unwrap();
        assert_eq!(
            out,
            "op 1 len 1 alloc 4\n\
             op 5 len 5 rehash_start 4 -> 8\n\
             op 6 len 5 rehash_end 8\n\
             final len 5 size0 8 used0 5 size1 0 used1 0 rehashidx -1\n\
             table0 0: 0\ntable0 1: 1\ntable0 2: 2\ntable0 3: 3\ntable0 4: 4\n"
        );
    }

    #[test]
    fn a_rehash_that_ends_and_one_that_starts_in_one_op_print_both() {
        // 41 keys (table 0 of 64 buckets), all but 6 deleted, a shrink to 8
        // buckets; each put then moves one old bucket, and the put that
        // moves the last one finds 12 entries in 8 buckets: 8 -> 16.
        let mut script = String::new();
        put_all(0..41, &mut script);
        script += "rehash 1000\n";
        for k in 6..41 {
            script += &format!("del {k} {k}\n");
        }
        script += "shrink\n";
        put_all(100..107, &mut script);
        let out = replay(&script).unwrap();
        assert!(
            out.contains(
                "op 78 len 6 rehash_start 64 -> 8\n\
                 op 84 len 12 rehash_end 8\n\
                 op 84 len 12 rehash_start 8 -> 16\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn rejects_hints_and_overflowing_rehash_counts() {
        assert_eq!(replay("hint 4\nput 1 1\n").unwrap_err().line, 1);
        let err = replay("put 1 1\nrehash 300000000\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("overflows"), "{err}");
        assert_eq!(replay("put 1 1\nput 2\n").unwrap_err().line, 2);
    }
}
