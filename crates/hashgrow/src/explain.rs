//! Snapshots of a table's layout, for `hashgrow explain` to draw.
//!
//! Each strategy crate turns its own internal state (Go's buckets and
//! tophash bytes, Java's bins and trees, a Swiss table's groups and control
//! bytes, Redis's two tables of chains) into this one plain shape, so a
//! single renderer can draw any of them and compare two snapshots to see
//! which entries an op moved. Nothing here knows how to draw; it is data.
//!
//! ```
//! use hashgrow::explain::{CellState, CellView, RowView, Snapshot, TableView};
//!
//! let table = TableView {
//!     id: 1,
//!     title: "buckets (2^0)".into(),
//!     short: "new".into(),
//!     row_name: "bucket",
//!     linked: false,
//!     rows: vec![RowView::new(0, vec![CellView::full("7", Some("b3".into()))])],
//! };
//! let snap = Snapshot { tables: vec![table], ..Snapshot::default() };
//! assert_eq!(snap.position_of("7"), Some((1, 0)));
//! assert_eq!(snap.tables[0].rows[0].cells[0].state, CellState::Full);
//! ```

/// What a slot (or chain node) holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellState {
    /// A free slot.
    Empty,
    /// A live entry.
    Full,
    /// A tombstone (Swiss tables' DELETED control byte).
    Deleted,
    /// A Go old-bucket slot whose entry was evacuated (tophash
    /// evacuatedX/Y/Empty); its key is no longer there to show.
    Evacuated,
    /// A live entry that is a red node of a red-black tree bin (Java).
    Red,
    /// A live entry that is a black node of a red-black tree bin (Java).
    Black,
}

/// One slot, or one node of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellView {
    /// The key, as the script names it; `None` for a slot with no entry.
    pub key: Option<String>,
    /// The metadata byte the strategy keeps for the slot, already formatted
    /// (Go's tophash, a Swiss control byte, a tree node's depth), if any.
    pub byte: Option<String>,
    /// What the slot holds.
    pub state: CellState,
    /// For a node of a tree bin: its depth (the root is 0) and the index,
    /// in the same row, of its parent's cell (`None` for the root). The
    /// row's cells are then the tree in order, so it can be drawn as one.
    pub tree: Option<(usize, Option<usize>)>,
}

impl CellView {
    /// A live entry.
    pub fn full(key: impl Into<String>, byte: Option<String>) -> CellView {
        CellView {
            key: Some(key.into()),
            byte,
            state: CellState::Full,
            tree: None,
        }
    }

    /// A slot without an entry, in `state` (empty, deleted, evacuated).
    pub fn vacant(state: CellState, byte: Option<String>) -> CellView {
        CellView {
            key: None,
            byte,
            state,
            tree: None,
        }
    }
}

/// One bucket, bin or group: a row of cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowView {
    /// Its index in its table.
    pub index: usize,
    /// Its slots in order (fixed-size rows), or its chain's nodes in chain
    /// order (linked tables; an empty bin has none).
    pub cells: Vec<CellView>,
    /// Cell indices where an overflow bucket of the chain starts (Go).
    pub chain_breaks: Vec<usize>,
    /// A word drawn beside the row: `TREE` for a tree bin, `evacuated`...
    pub tag: Option<String>,
    /// Already emptied by an incremental grow (a Go old bucket that was
    /// evacuated, a Redis table-0 bucket below `rehashidx`): drawn faded.
    pub done: bool,
}

impl RowView {
    /// A row with these cells and nothing else to say.
    pub fn new(index: usize, cells: Vec<CellView>) -> RowView {
        RowView {
            index,
            cells,
            chain_breaks: Vec::new(),
            tag: None,
            done: false,
        }
    }
}

/// One array of buckets (bins, groups) in the map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableView {
    /// Identity of the storage (e.g. its address): the same array keeps
    /// its id when its role changes (Go's buckets becoming oldbuckets at a
    /// grow start, Redis's table 1 becoming table 0), so an entry is only
    /// reported as moved when it really changed arrays or rows.
    pub id: u64,
    /// What the drawing calls it: `old buckets (2^2 = 4)`, `table 1`...
    pub title: String,
    /// A short name for move tags: `new`, `t1`, `01`...
    pub short: String,
    /// What one row is called: `bucket`, `bin`, `group`.
    pub row_name: &'static str,
    /// `true` when rows are chains of nodes (Java bins, Redis buckets)
    /// rather than fixed slots; drawn with links between cells.
    pub linked: bool,
    /// Every row, in index order.
    pub rows: Vec<RowView>,
}

/// The map between two ops.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The arrays, in the order to draw them (old before new).
    pub tables: Vec<TableView>,
    /// Counters to show, as (name, value), in order.
    pub counters: Vec<(String, String)>,
    /// How the strategy names the two destinations of an entry when a table
    /// doubles and row `i` splits into rows `i` and `i + n`: Go's `X`/`Y`,
    /// Java's `lo`/`hi`. `None`: a move is named by its destination table.
    pub split_names: Option<(&'static str, &'static str)>,
}

impl Snapshot {
    /// The (table id, row index) holding `key`, if any.
    pub fn position_of(&self, key: &str) -> Option<(u64, usize)> {
        self.tables.iter().find_map(|t| {
            t.rows.iter().find_map(|r| {
                r.cells
                    .iter()
                    .any(|c| c.key.as_deref() == Some(key))
                    .then_some((t.id, r.index))
            })
        })
    }
}
