//! Replaying an oracle script: the same bytes `shared/oracles/run go` prints.
//!
//! ```
//! let out = hashgrow_go::replay::replay("put 1 7\nput 2 9\nget 1 7\n").unwrap();
//! assert!(out.starts_with("final len 2 B 0 noverflow 0 growing false nevacuate 0\n"));
//! assert!(out.ends_with("bucket 0: 1 2 _ _ _ _ _ _\n"));
//! ```

use std::fmt::Write;

use hashgrow::explain::{CellState, CellView, RowView, Snapshot, TableView};
use hashgrow::hash::{PassThroughBuildHasher, Prehashed};
use hashgrow::script::{parse, ScriptError, ScriptOp};

use crate::layout::{
    evacuated, Bucket, BUCKET_CNT, EMPTY_ONE, EMPTY_REST, EVACUATED_EMPTY, EVACUATED_X,
    EVACUATED_Y, MIN_TOP_HASH,
};
use crate::map::GoMap;

/// The map a replay drives: each key carries the hash the runtime computed.
pub type ReplayMap = GoMap<Prehashed<u64>, u64, PassThroughBuildHasher>;

/// Parses a `u64`/`u64` op script (`put|del|get KEY HASH`, optional first
/// line `hint N`), runs it on a [`GoMap`] using the recorded hashes, and
/// returns exactly what the Go oracle prints: an event line after each op
/// whose end state `(growing, B)` differs from the previous op's by the
/// oracle's rule, then the `final` line, every `bucket I:` line and every
/// unevacuated `old I:` line.
///
/// A malformed line is an error naming its line number.
pub fn replay(script_text: &str) -> Result<String, ScriptError> {
    let script = parse::<u64, u64>(script_text)?;
    let mut m: ReplayMap =
        GoMap::with_capacity_and_hasher(script.hint.unwrap_or(0), PassThroughBuildHasher);
    let mut out = String::new();
    let (mut growing, mut b) = (false, m.raw().b);
    for (n, op) in script.ops.iter().enumerate() {
        let op_no = n + 1;
        apply(&mut m, op)?;
        let (g, nb) = (m.raw().growing(), m.raw().b);
        let len = m.len();
        if g && !growing {
            let _ = writeln!(
                out,
                "op {op_no} len {len} grow_start B {b} -> {nb} same_size {}",
                nb == b
            );
        }
        if !g && growing {
            let _ = writeln!(out, "op {op_no} len {len} grow_end B {nb}");
        }
        if g && growing && nb != b {
            let _ = writeln!(
                out,
                "op {op_no} len {len} grow_start B {b} -> {nb} same_size false"
            );
        }
        growing = g;
        b = nb;
    }
    dump(&m, &mut out);
    Ok(out)
}

/// Runs one script op on the map (`get` included: during a grow a lookup
/// does no evacuation in Go 1.19, but it is still an op of the script).
///
/// ```
/// use hashgrow::hash::PassThroughBuildHasher;
/// use hashgrow::script::parse;
/// let mut m: hashgrow_go::replay::ReplayMap = hashgrow_go::GoMap::with_hasher(PassThroughBuildHasher);
/// let script = parse::<u64, u64>("put 1 7\nrehash 3\n").unwrap();
/// hashgrow_go::replay::apply(&mut m, &script.ops[0]).unwrap();
/// assert_eq!(m.len(), 1);
/// assert_eq!(hashgrow_go::replay::apply(&mut m, &script.ops[1]).unwrap_err().line, 2);
/// ```
///
/// # Errors
/// `shrink` and `rehash N` (Redis-only ops), naming the line.
pub fn apply(m: &mut ReplayMap, op: &ScriptOp<u64, u64>) -> Result<(), ScriptError> {
    hashgrow::script::apply_to_map(m, op, op.hash, "the Go 1.19 map")
}

/// The map's layout for `hashgrow explain`: while a grow is in progress the
/// old array (evacuated buckets faded, their slots showing the
/// evacuatedX/Y/Empty marks) and the new one; otherwise the buckets alone.
/// Each slot shows its key and tophash byte; overflow buckets continue
/// their chain's row.
///
/// ```
/// use hashgrow::hash::PassThroughBuildHasher;
/// let mut m: hashgrow_go::replay::ReplayMap = hashgrow_go::GoMap::with_hasher(PassThroughBuildHasher);
/// m.insert(hashgrow::hash::Prehashed { key: 5, hash: 0xab00_0000_0000_0000 }, 5);
/// let snap = hashgrow_go::replay::snapshot(&m);
/// assert_eq!(snap.tables.len(), 1);
/// assert_eq!(snap.tables[0].rows[0].cells[0].key.as_deref(), Some("5"));
/// assert_eq!(snap.tables[0].rows[0].cells[0].byte.as_deref(), Some("ab"));
/// ```
pub fn snapshot(m: &ReplayMap) -> Snapshot {
    let raw = m.raw();
    let stats = raw.stats();
    let mut tables = Vec::new();
    if raw.growing() {
        let n = raw.noldbuckets();
        let rows = (0..n)
            .map(|i| {
                // SAFETY: `i < noldbuckets()`: a live, initialised old bucket.
                let b = unsafe { raw.oldbuckets.at(i) };
                // SAFETY: as above.
                let done = unsafe { evacuated(b) };
                // An evacuated bucket's overflow buckets may already be
                // gone (freed or reused): show its own marks only.
                let mut row = chain_row(i, b, !done);
                if done {
                    row.done = true;
                    row.tag = Some("evacuated".into());
                }
                row
            })
            .collect();
        tables.push(TableView {
            id: raw.oldbuckets.addr(),
            title: format!("oldbuckets: 2^{} = {n}", raw.b - u8::from(!raw.same_size)),
            short: "old".into(),
            row_name: "bucket",
            linked: false,
            rows,
        });
    }
    let nb = 1usize << raw.b;
    let rows = (0..nb)
        .map(|i| {
            if raw.buckets.is_null() || !raw.new_ready(i) {
                // Not allocated yet, or a new bucket evacuation has not
                // reached: Go has an empty bucket there.
                return RowView::new(
                    i,
                    vec![CellView::vacant(CellState::Empty, None); BUCKET_CNT],
                );
            }
            // SAFETY: `i < 2^B`, initialised (`new_ready`).
            chain_row(i, unsafe { raw.buckets.at(i) }, true)
        })
        .collect();
    let title = if raw.buckets.is_null() {
        "buckets: none allocated yet (B = 0)".to_string()
    } else if raw.growing() {
        format!("buckets (new): 2^{} = {nb}", raw.b)
    } else {
        format!("buckets: 2^{} = {nb}", raw.b)
    };
    tables.push(TableView {
        id: raw.buckets.addr(),
        title,
        short: "new".into(),
        row_name: "bucket",
        linked: false,
        rows,
    });
    let growing = match (raw.growing(), raw.same_size) {
        (false, _) => "no".to_string(),
        (true, false) => "yes (doubling)".to_string(),
        (true, true) => "yes (same size)".to_string(),
    };
    let mut counters = vec![
        ("len".to_string(), raw.count.to_string()),
        ("B".to_string(), raw.b.to_string()),
        // Go's overLoadFactor: an insert making len exceed both 8 (one
        // bucket's worth) and 6.5 per bucket.
        (
            "grow above len".to_string(),
            (13 * nb / 2).max(BUCKET_CNT).to_string(),
        ),
        ("noverflow".to_string(), raw.noverflow.to_string()),
        ("growing".to_string(), growing),
    ];
    if raw.growing() {
        counters.push((
            "nevacuate".to_string(),
            format!("{} of {}", raw.nevacuate, raw.noldbuckets()),
        ));
    }
    counters.extend([
        ("moved so far".to_string(), stats.entries_moved.to_string()),
        ("grows".to_string(), stats.grows.to_string()),
        (
            "same-size grows".to_string(),
            stats.same_size_grows.to_string(),
        ),
    ]);
    Snapshot {
        tables,
        counters,
        split_names: Some(("X", "Y")),
    }
}

/// One bucket and (if `follow`) its overflow chain as one row.
fn chain_row(index: usize, mut b: Bucket<Prehashed<u64>, u64>, follow: bool) -> RowView {
    let mut row = RowView::new(index, Vec::new());
    while !b.is_null() {
        if !row.cells.is_empty() {
            row.chain_breaks.push(row.cells.len());
        }
        for s in 0..BUCKET_CNT {
            // SAFETY: `b` walks a live chain; a slot with tophash >=
            // MIN_TOP_HASH holds a key.
            let top = unsafe { b.top(s) };
            row.cells.push(match top {
                EMPTY_REST => CellView::vacant(CellState::Empty, None),
                EMPTY_ONE => CellView::vacant(CellState::Empty, Some("e1".into())),
                EVACUATED_X => CellView::vacant(CellState::Evacuated, Some("→X".into())),
                EVACUATED_Y => CellView::vacant(CellState::Evacuated, Some("→Y".into())),
                EVACUATED_EMPTY => CellView::vacant(CellState::Evacuated, Some("→·".into())),
                // SAFETY: as above.
                _ => CellView::full(
                    unsafe { (*b.key(s)).key }.to_string(),
                    Some(format!("{top:02x}")),
                ),
            });
        }
        if !follow {
            break;
        }
        // SAFETY: live bucket.
        b = unsafe { b.overflow() };
    }
    row
}

/// The oracle's `final` line and bucket dump.
///
/// ```
/// use hashgrow::hash::PassThroughBuildHasher;
/// let m: hashgrow_go::replay::ReplayMap = hashgrow_go::GoMap::with_hasher(PassThroughBuildHasher);
/// let mut out = String::new();
/// hashgrow_go::replay::dump(&m, &mut out);
/// assert!(out.starts_with("final len 0 B 0"));
/// ```
pub fn dump(m: &ReplayMap, out: &mut String) {
    let raw = m.raw();
    let _ = writeln!(
        out,
        "final len {} B {} noverflow {} growing {} nevacuate {}",
        raw.count,
        raw.b,
        raw.noverflow,
        raw.growing(),
        raw.nevacuate
    );
    let nb = 1usize << raw.b;
    for i in 0..nb {
        let _ = write!(out, "bucket {i}:");
        if raw.buckets.is_null() || !raw.new_ready(i) {
            // Never written: Go has no bucket yet (its oracle cannot dump
            // this case), or (during a grow) a new bucket not initialised
            // yet: print the empty bucket Go has there.
            out.push_str(" _ _ _ _ _ _ _ _\n");
            continue;
        }
        // SAFETY: `i < 2^B`.
        dump_chain(unsafe { raw.buckets.at(i) }, out);
    }
    if raw.growing() {
        for i in 0..raw.noldbuckets() {
            // SAFETY: `i < noldbuckets()`.
            let b = unsafe { raw.oldbuckets.at(i) };
            // SAFETY: live old bucket.
            if unsafe { evacuated(b) } {
                continue;
            }
            let _ = write!(out, "old {i}:");
            dump_chain(b, out);
        }
    }
}

fn dump_chain(mut b: Bucket<Prehashed<u64>, u64>, out: &mut String) {
    let mut first = true;
    while !b.is_null() {
        if !first {
            out.push_str(" |");
        }
        first = false;
        for s in 0..BUCKET_CNT {
            // SAFETY: `b` walks a live chain; a slot with tophash >=
            // MIN_TOP_HASH holds a key.
            unsafe {
                if b.top(s) >= MIN_TOP_HASH {
                    let _ = write!(out, " {}", (*b.key(s)).key);
                } else {
                    out.push_str(" _");
                }
            }
        }
        // SAFETY: live bucket.
        b = unsafe { b.overflow() };
    }
    out.push('\n');
}
