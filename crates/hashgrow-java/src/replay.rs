//! Replaying an oracle script: the text `shared/oracles/run java` prints.

use std::fmt::Write;

use hashgrow::explain::{CellState, CellView, RowView, Snapshot, TableView};
use hashgrow::hash::{PassThroughBuildHasher, Prehashed};
use hashgrow::script::{parse, ScriptError, ScriptOp};

use crate::arena::NIL;
use crate::raw::TREE_BIT;
use crate::JavaMap;

/// The map a replay drives: each key carries its Java hash code.
pub type ReplayMap = JavaMap<Prehashed<i32>, i32, PassThroughBuildHasher>;

/// The map a script's `hint N` asks for: `new HashMap<>(N)`, or
/// `new HashMap<>()` without a hint.
pub fn new_map(hint: Option<usize>) -> ReplayMap {
    match hint {
        Some(n) => JavaMap::with_capacity_and_hasher(n, PassThroughBuildHasher),
        None => JavaMap::with_hasher(PassThroughBuildHasher),
    }
}

/// Runs one script op on the map, the key's hash code being the op's
/// `HASH`.
///
/// ```
/// let script = hashgrow::script::parse::<i32, i32>("put 1 17\nshrink\n").unwrap();
/// let mut m = hashgrow_java::replay::new_map(None);
/// hashgrow_java::replay::apply(&mut m, &script.ops[0]).unwrap();
/// assert_eq!(m.len(), 1);
/// assert!(hashgrow_java::replay::apply(&mut m, &script.ops[1]).is_err());
/// ```
///
/// # Errors
/// `shrink` and `rehash N` (Redis-only ops), naming the line.
pub fn apply(m: &mut ReplayMap, op: &ScriptOp<i32, i32>) -> Result<(), ScriptError> {
    // The hash code is an `int`; the facade hashes with 64 bits, of which
    // the table reads the low 32.
    let hash = u64::from(op.hash as u32);
    hashgrow::script::apply_to_map(m, op, hash, "java.util.HashMap")
}

/// The table's layout for `hashgrow explain`: one row per bin, a list bin
/// as its nodes in `next` order, a tree bin (tagged `TREE`) as its
/// red-black tree in order with each node's depth and parent. Each node
/// shows its key and the low 16 bits of its spread hash (`h ^ (h >>> 16)`),
/// whose bit `oldCap` picks lo or hi at the next resize.
///
/// ```
/// let script = hashgrow::script::parse::<i32, i32>("put 1 17\nput 2 1\n").unwrap();
/// let mut m = hashgrow_java::replay::new_map(None);
/// for op in &script.ops {
///     hashgrow_java::replay::apply(&mut m, op).unwrap();
/// }
/// let snap = hashgrow_java::replay::snapshot(&m);
/// let bin1: Vec<_> = snap.tables[0].rows[1].cells.iter().map(|c| c.key.clone().unwrap()).collect();
/// assert_eq!(bin1, ["1", "2"]);
/// ```
pub fn snapshot(m: &ReplayMap) -> Snapshot {
    let t = m.raw();
    let node = |i: u32| {
        let h = t.arena.hash(i);
        CellView::full(
            t.arena.key(i).key.to_string(),
            Some(format!("{:04x}", h & 0xffff)),
        )
    };
    let rows = t
        .heads()
        .enumerate()
        .map(|(bin, slot)| {
            if slot == NIL {
                return RowView::new(bin, Vec::new());
            }
            if slot & TREE_BIT == 0 {
                let mut cells = Vec::new();
                let mut e = slot;
                while e != NIL {
                    cells.push(node(e));
                    e = t.arena.next(e);
                }
                return RowView::new(bin, cells);
            }
            // In-order walk of the red-black tree, recording depths and
            // parents so the renderer can draw the tree itself.
            let mut cells: Vec<CellView> = Vec::new();
            let mut ids: Vec<u32> = Vec::new();
            let mut stack: Vec<(u32, usize)> = Vec::new();
            let (mut x, mut depth) = (slot & !TREE_BIT, 0);
            while x != NIL || !stack.is_empty() {
                while x != NIL {
                    stack.push((x, depth));
                    x = t.tl(x).left;
                    depth += 1;
                }
                let Some((n, d)) = stack.pop() else { break };
                let mut cell = node(n);
                cell.state = if t.tl(n).red {
                    CellState::Red
                } else {
                    CellState::Black
                };
                cell.tree = Some((d, None));
                cells.push(cell);
                ids.push(n);
                x = t.tl(n).right;
                depth = d + 1;
            }
            for (i, &n) in ids.iter().enumerate() {
                let parent = t.tl(n).parent;
                if let (Some(p), Some(c)) = (
                    ids.iter().position(|&q| q == parent),
                    cells[i].tree.as_mut(),
                ) {
                    c.1 = Some(p);
                }
            }
            let mut row = RowView::new(bin, cells);
            row.tag = Some("TREE".into());
            row
        })
        .collect();
    let cap = t.table.len();
    let c = t.counters;
    Snapshot {
        tables: vec![TableView {
            id: t.table.as_ptr() as usize as u64,
            title: if cap == 0 {
                "table: not allocated yet".into()
            } else {
                format!("table: {cap} bins")
            },
            short: "table".into(),
            row_name: "bin",
            linked: true,
            rows,
        }],
        counters: vec![
            ("size".into(), t.size.to_string()),
            ("capacity".into(), cap.to_string()),
            ("threshold".into(), t.threshold().to_string()),
            ("tree bins".into(), t.tree_bins.to_string()),
            ("resizes".into(), c.grows.to_string()),
            ("nodes relinked so far".into(), c.nodes_relinked.to_string()),
            ("treeifies".into(), c.treeifies.to_string()),
            ("untreeifies".into(), c.untreeifies.to_string()),
        ],
        split_names: Some(("lo", "hi")),
    }
}

/// Runs a Java op script (`put ID HASH` / `del ID HASH` / `get ID HASH`,
/// optional first line `hint N`, `ID` and `HASH` as `i32`) on a
/// [`JavaMap`] and returns exactly what the JDK 17 oracle
/// (`shared/oracles/run java`) prints for it:
///
/// ```text
/// op N len L capacity OLD -> NEW     after an op that changed the capacity
/// op N len L tree_bins OLD -> NEW    after an op that changed the tree bins
/// order ID ID ...                    at the end: the iteration order
/// ```
///
/// Each key is a [`Prehashed<i32>`] carrying `HASH` (as an unsigned 32-bit
/// value), hashed by [`PassThroughBuildHasher`](type@PassThroughBuildHasher), so its Java hash code is
/// exactly `HASH`. `hint N` makes the map with
/// [`JavaMap::with_capacity_and_hasher`]`(N, ..)`, as the oracle does
/// `new HashMap<>(N)`.
///
/// ```
/// let out = hashgrow_java::replay::replay("put 1 17\nput 2 1\nput 3 0\n").unwrap();
/// assert_eq!(out, "op 1 len 1 capacity 0 -> 16\norder 3 1 2\n");
/// assert_eq!(hashgrow_java::replay::replay("put 1\n").unwrap_err().line, 1);
/// ```
///
/// # Errors
/// A malformed line, with its number (see [`hashgrow::script::parse`]).
pub fn replay(script_text: &str) -> Result<String, ScriptError> {
    let script = parse::<i32, i32>(script_text)?;
    let mut m = new_map(script.hint);
    let mut out = String::new();
    let (mut cap, mut trees) = (0, 0);
    for (n, op) in script.ops.iter().enumerate() {
        apply(&mut m, op)?;
        let (c, t) = (m.capacity(), m.raw().tree_bins());
        let len = m.len();
        if c != cap {
            let _ = writeln!(out, "op {} len {len} capacity {cap} -> {c}", n + 1);
        }
        if t != trees {
            let _ = writeln!(out, "op {} len {len} tree_bins {trees} -> {t}", n + 1);
        }
        (cap, trees) = (c, t);
    }
    out.push_str("order");
    for k in m.keys() {
        let _ = write!(out, " {}", k.key);
    }
    out.push('\n');
    Ok(out)
}
