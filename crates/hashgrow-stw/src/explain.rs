//! Driving the table from an op script and showing its layout, for
//! `hashgrow explain` (the stop-the-world table replicates no runtime, so
//! it has no oracle replay: only this).

use hashgrow::explain::{CellState, CellView, RowView, Snapshot, TableView};
use hashgrow::hash::{PassThroughBuildHasher, Prehashed};
use hashgrow::script::{ScriptError, ScriptOp};

use crate::group::{DELETED, EMPTY};
use crate::StwMap;

/// The map a script drives: each key carries its hash.
pub type ExplainMap = StwMap<Prehashed<u64>, u64, PassThroughBuildHasher>;

/// Slots drawn per row. The table probes 16-byte (SSE2) or 8-byte groups
/// starting at any slot, so rows are only a way to lay the slots out.
const ROW: usize = 8;

/// Runs one script op on the map, with the op's hash.
///
/// ```
/// let script = hashgrow::script::parse::<u64, u64>("put 1 7\nshrink\n").unwrap();
/// let mut m = hashgrow_stw::explain::ExplainMap::with_hasher(hashgrow::hash::PassThroughBuildHasher);
/// hashgrow_stw::explain::apply(&mut m, &script.ops[0]).unwrap();
/// assert_eq!(m.len(), 1);
/// assert!(hashgrow_stw::explain::apply(&mut m, &script.ops[1]).is_err());
/// ```
///
/// # Errors
/// `shrink` and `rehash N` (Redis-only ops), naming the line.
pub fn apply(m: &mut ExplainMap, op: &ScriptOp<u64, u64>) -> Result<(), ScriptError> {
    hashgrow::script::apply_to_map(m, op, op.hash, "the stop-the-world table")
}

/// The table's layout: its slots, 8 to a row, each with its key and
/// control byte (`h2` in hex, `D` for a tombstone).
///
/// ```
/// let script = hashgrow::script::parse::<u64, u64>("put 1 0\n").unwrap();
/// let mut m = hashgrow_stw::explain::ExplainMap::with_hasher(hashgrow::hash::PassThroughBuildHasher);
/// hashgrow_stw::explain::apply(&mut m, &script.ops[0]).unwrap();
/// let snap = hashgrow_stw::explain::snapshot(&m);
/// assert_eq!(snap.tables[0].rows[0].cells[0].key.as_deref(), Some("1"));
/// ```
pub fn snapshot(m: &ExplainMap) -> Snapshot {
    let t = &m.raw().table;
    let n = t.buckets();
    let rows = (0..n.div_ceil(ROW))
        .map(|r| {
            let cells = (r * ROW..(r * ROW + ROW).min(n))
                .map(|i| match t.ctrl_byte(i) {
                    EMPTY => CellView::vacant(CellState::Empty, None),
                    DELETED => CellView::vacant(CellState::Deleted, Some("D".into())),
                    // SAFETY: a full control byte means a live slot.
                    c => CellView::full(
                        unsafe { &*t.slot(i) }.0.key.to_string(),
                        Some(format!("{c:02x}")),
                    ),
                })
                .collect();
            RowView::new(r, cells)
        })
        .collect();
    let stats = m.stats();
    Snapshot {
        tables: vec![TableView {
            id: t.addr(),
            title: if n == 0 {
                "slots: none allocated yet".into()
            } else {
                format!("slots: {n} ({ROW} to a row)")
            },
            short: "table".into(),
            row_name: "row",
            linked: false,
            rows,
        }],
        counters: vec![
            ("len".into(), t.len().to_string()),
            ("slots".into(), n.to_string()),
            ("grow above len".into(), t.capacity().to_string()),
            ("moved so far".into(), stats.entries_moved.to_string()),
            ("grows".into(), stats.grows.to_string()),
        ],
        split_names: None,
    }
}
