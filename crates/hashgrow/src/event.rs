/// Something a strategy did that a plain `insert`/`remove` return value does
/// not show. Delivered through an [`EventHook`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A grow began. `old_capacity` and `new_capacity` are in the strategy's
    /// unit (see [`Stats::capacity`](crate::Stats::capacity)). For a
    /// stop-the-world table the matching [`Event::GrowEnd`] follows before
    /// the operation returns. A strategy that rehashes into a smaller table
    /// the same way (Redis's shrink) reports it here too, with
    /// `new_capacity < old_capacity`.
    GrowStart {
        /// Capacity before the grow.
        old_capacity: u64,
        /// Capacity after the grow.
        new_capacity: u64,
        /// `true` for a same-size grow (Go: compaction after deletes).
        same_size: bool,
        /// Entries in the table when the grow began.
        len: usize,
    },
    /// A grow finished: the old storage is released.
    GrowEnd {
        /// Capacity now.
        capacity: u64,
        /// Entries in the table.
        len: usize,
    },
    /// One operation evacuated (copied) `entries` entries from old buckets
    /// to new ones (Go-style incremental growth). Sent once per operation
    /// that evacuated at least one bucket, even if it held no entry.
    Evacuated {
        /// Entries copied by this operation.
        entries: u64,
        /// Old buckets evacuated by this operation.
        buckets: u64,
    },
    /// One rehash call (Redis-style incremental rehash: one step before an
    /// add, delete or lookup, or an explicit `rehash(n)`) relinked `nodes`
    /// entries out of `buckets` old buckets into the new table, after
    /// walking past `empty_buckets` empty ones. Nodes are relinked, not
    /// copied. Sent once per call that visited at least one old bucket,
    /// after the state it describes (and before a [`Event::GrowEnd`] the
    /// same call caused).
    Rehashed {
        /// Entries relinked by this call.
        nodes: u64,
        /// Non-empty old buckets emptied by this call.
        buckets: u64,
        /// Empty old buckets walked past by this call.
        empty_buckets: u64,
    },
    /// A list bin became a red-black tree (Java-style).
    Treeify {
        /// The bin's index.
        bin: usize,
        /// Nodes in the bin.
        nodes: usize,
    },
    /// A tree bin became a list again (Java-style).
    Untreeify {
        /// The bin's index.
        bin: usize,
        /// Nodes in the bin.
        nodes: usize,
    },
    /// A full table of the largest size was split in two by one more hash
    /// bit (Go 1.24+'s extendible hashing). The matching
    /// [`Event::GrowStart`]/[`Event::GrowEnd`] pair is sent too.
    Split {
        /// `localDepth` of the two new tables (hash bits that select them).
        local_depth: u8,
        /// The directory's depth after the split (it doubled when this
        /// equals `local_depth` and the old table's depth was the old one).
        directory_depth: u8,
        /// Entries copied into the two new tables.
        entries: u64,
    },
    /// Tombstones of a table with no growth left turned back into empty
    /// slots instead of a grow (Go 1.24+'s `pruneTombstones`).
    Pruned {
        /// Tombstones made empty.
        tombstones: u64,
    },
}

/// The observer a strategy calls with each [`Event`].
///
/// Install one with [`Table::set_event_hook`](crate::Table::set_event_hook).
/// Maps keep it as an `Option<EventHook>` and test it only on cold paths
/// (when a grow starts or ends, when an evacuation ran), so an unused hook
/// costs one predictable branch where the work is already large.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use hashgrow::{Event, EventHook};
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let sink = Arc::clone(&seen);
/// let mut hook: EventHook = Box::new(move |e: &Event| sink.lock().unwrap().push(*e));
/// hook(&Event::GrowEnd { capacity: 16, len: 13 });
/// assert_eq!(seen.lock().unwrap().len(), 1);
/// ```
pub type EventHook = Box<dyn FnMut(&Event) + Send + Sync>;
