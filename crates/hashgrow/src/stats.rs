/// Growth counters reported by every strategy.
///
/// A plain struct of counters, all starting at zero and only ever growing
/// (except the "current state" fields at the end, which describe the table as
/// it is now). A counter that does not apply to a strategy stays zero: a
/// stop-the-world table has no overflow buckets, a Go-style map no tree bins.
///
/// The distinction that matters most here is between **copying an entry**
/// (its key and value bytes are written to new memory: that is
/// [`entries_moved`](Stats::entries_moved)) and **relinking a node** (a
/// pointer to a heap node is written into a new table while the node itself
/// stays put: that is [`nodes_relinked`](Stats::nodes_relinked)). Java's
/// `HashMap` relinks; Go's map and open-addressing tables copy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Stats {
    /// How many times an existing entry was physically copied to new memory
    /// because of growth, counted once per copy. An insert that lands a new
    /// entry is not a move; an entry copied by two successive grows counts
    /// twice. For the baselines (`hashbrown`, `std`) it is derived exactly
    /// from outside: on every capacity change, the length before the insert.
    pub entries_moved: u64,
    /// Number of grows started that enlarge a table that already had
    /// storage (a doubling, a split, any capacity increase). The first
    /// allocation of storage for a map that had none (Go's first bucket,
    /// Java's first `resize()` from a null table, Redis's first
    /// `_dictExpand`, a SwissTable's first allocation) is **not** a grow: it
    /// moves nothing and every strategy leaves it out. A conversion that
    /// moves entries (Go 1.24+'s small map becoming a table) is one.
    pub grows: u64,
    /// Number of grows started that keep the size and only compact the table
    /// (Go's same-size grow, which clears out overflow buckets after deletes).
    /// Not included in [`grows`](Stats::grows).
    pub same_size_grows: u64,
    /// Nodes whose pointer was written into a new table by a resize while the
    /// node itself stayed where it was (Java's lo/hi split). Not entry copies.
    pub nodes_relinked: u64,
    /// Table slots written by growth (Java: bin heads stored in the new table
    /// during a resize).
    pub slots_written: u64,
    /// Overflow buckets allocated, in total (Go-style chains).
    pub overflow_buckets_allocated: u64,
    /// Number of bins turned from a list into a red-black tree (Java-style).
    pub treeifies: u64,
    /// Number of tree bins turned back into a list (Java-style).
    pub untreeifies: u64,

    // ---- current state -------------------------------------------------
    /// Capacity now, in entries, the same unit for every strategy: how many
    /// entries the map holds before an insert makes it grow (Go: `6.5 *
    /// 2^B`, at least 8; Java: `threshold`; Redis: the buckets of the table
    /// being filled; open addressing: 7/8 of the slots, as std's
    /// `HashMap::capacity`). 0 while no storage is allocated, except where
    /// the first inserts need none (Go's map holds 8 in its first bucket).
    pub capacity: u64,
    /// Capacity now in the strategy's own unit, named by
    /// [`native_unit`](Stats::native_unit): buckets (`2^B`) for Go, bins
    /// for Java, buckets of both tables for Redis, slots for the Swiss
    /// tables.
    pub native_capacity: u64,
    /// The unit of [`native_capacity`](Stats::native_capacity).
    pub native_unit: &'static str,
    /// Go-style: `B`, log2 of the number of buckets (0 for other strategies).
    pub log2_buckets: u8,
    /// Go-style: the runtime's `noverflow` estimate of overflow buckets in use.
    pub noverflow: u64,
    /// Go-style: the evacuation cursor `nevacuate` (old buckets below it are
    /// all evacuated).
    pub nevacuate: u64,
    /// `true` while an incremental grow is in progress (old and new storage
    /// both alive).
    pub growing: bool,
    /// Heap bytes of storage a finished grow retired but has not freed yet
    /// (Go's replica frees its old generation one piece per later write,
    /// where the runtime leaves it to the garbage collector; 0 for the
    /// others, which free old storage when the grow ends). Subtracted when
    /// the bench measures a grow's memory high-water.
    pub retired_bytes: u64,
    /// Java-style: tree bins in the table now.
    pub tree_bins: u64,
    /// `true` when the growth counters are **modelled** from the map's
    /// documented rule rather than observed (griddle, whose incremental
    /// moves the bench cannot see); reports mark such figures. The longest
    /// chain is not a counter here: it costs a walk of the whole table,
    /// so the strategies that have chains offer it on demand
    /// (`GoTable::longest_chain`, `JavaTable::longest_bin`).
    pub modelled: bool,

    // ---- Go 1.24+ (Swiss tables, extendible hashing) -------------------
    /// Go 1.24+: tables split in two (a full 1024-slot table replaced by two
    /// half-full ones, one more hash bit each). Counted in
    /// [`grows`](Stats::grows) too.
    pub splits: u64,
    /// Go 1.24+: tombstones turned back into empty slots by
    /// `pruneTombstones`, in total. Moves no entry.
    pub tombstones_pruned: u64,
    /// Go 1.24+: distinct tables in the directory now (0 for a map of at
    /// most 8 entries, which is one group and no table).
    pub tables: u64,
    /// Go 1.24+: the directory's `globalDepth` now (it has `2^depth`
    /// entries).
    pub directory_depth: u8,
    /// Go 1.24+: tombstones (deleted slots still on probe paths) now, over
    /// all tables.
    pub tombstones: u64,
    // ---- incremental rehash (Redis-style), added after the above ------
    /// Rehashes started that make the table smaller (Redis: the server
    /// cron's `dictResize` once fewer than 10% of the buckets are used).
    /// Not included in [`grows`](Stats::grows).
    pub shrinks: u64,
    /// Old buckets an incremental rehash has walked past, moved or found
    /// empty (Redis: every advance of `dictRehash`'s cursor `rehashidx`).
    pub buckets_visited: u64,
    /// Of [`buckets_visited`](Stats::buckets_visited), those found empty
    /// (Redis bounds them at 10 per bucket a rehash call asks for).
    pub empty_visits: u64,
}
