//! # hashgrow-java: `java.util.HashMap`'s growth, op for op, in Rust
//!
//! [`JavaMap`] is a Rust hash map that resizes, splits and treeifies
//! exactly as JDK 17's `java.util.HashMap` does: fed the same keys with the
//! same 32-bit hash codes, it has the same capacity after every operation,
//! the same tree bins, and iterates in the same order. [`replay::replay`]
//! runs an oracle script and prints what the real JDK prints, byte for
//! byte; the fixtures under `tests/fixtures` were made by the real JDK.
//! It is also an ordinary, reasonably fast map with std's API (`get`,
//! `insert`, `entry`, borrowed lookups, iterators...).
//!
//! ## Layout
//!
//! A table of `2^k` bins. A bin is empty, a singly linked **list** of nodes
//! (`next`), or a red-black **tree** whose nodes are *also* kept in a
//! doubly linked `next`/`prev` list, root first. Nodes live in an arena and
//! never move: growth rewrites links, never entries
//! ([`Stats::entries_moved`](hashgrow::Stats::entries_moved) stays 0).
//!
//! A node is one record, as Java's `Node` object is: `hash`, `next`,
//! key and value side by side, so a lookup that matches a bin's first node
//! reads the bin word and one node. Nodes sit in chunks that each own 4096
//! node indices, so an index finds its node with a shift and a mask. Tree
//! bins keep their red-black links (`parent`, `left`, `right`, `prev`,
//! colour) in a second array, indexed like the nodes.
//!
//! A bin is 4 bytes, as a Java reference: a tree bit, a 27-bit node index
//! and a 4-bit filter of the hashes in the bin (ours, not Java's), so most
//! misses end at the bin without reading a node. A map therefore holds at
//! most about 134 million (2^27) entries; the insert past that panics.
//!
//! ```text
//!  table  [ tree bit | node index (27 bits) | filter (4 bits) ... ]
//!  nodes  [ (hash, next, key, value) | ... ]   chunk = index >> 12
//!  tree   [ (parent, left, right, prev, red) ...] tree bins only
//! ```
//!
//! ```text
//!  table (capacity 8)
//!  [0] ─▶ a ─▶ b                 list bin: insertion order
//!  [1]
//!  [2] ═▶ r ─▶ x ─▶ y ─▶ ...     tree bin: root r first, then `next` order
//!          ╱ ╲                    (the tree is ordered by (hash, key))
//!         x   y
//!  [3] ─▶ c
//!   ...
//! ```
//!
//! The bin of a key: `h = hashCode ^ (hashCode >>> 16)` (so the high half
//! of the hash code matters even in a small table), then `h & (capacity -
//! 1)`. The hash code of a Rust key is the low 32 bits of the hasher's
//! output.
//!
//! ## Growth
//!
//! - The table is made by the **first insert**: 16 bins by default, or
//!   `tableSizeFor(n)` (next power of two, and 1 for 0) for
//!   [`JavaMap::with_capacity`]`(n)`.
//! - `threshold = capacity * load_factor` (0.75): computed in `f32` and
//!   truncated for the first table and for tables under 16 bins; simply
//!   doubled when a table of 16 or more doubles.
//! - **An insert that makes `len > threshold` resizes** (doubles) after the
//!   node is in. Replacing the value of a present key never resizes; nor
//!   does a removal or a lookup.
//! - A resize **splits** every bin `j` in two, in order: nodes with
//!   `h & oldCap == 0` stay in bin `j` ("lo"), the others go to
//!   `j + oldCap` ("hi"); each half keeps the nodes' relative order.
//!
//! ```text
//!  oldCap = 4                  newCap = 8
//!  [1] a(h=0001) b(0101) c(1001) d(1101)
//!                      ──▶     [1] a c      (h & 4 == 0: lo, same index)
//!                              [5] b d      (h & 4 != 0: hi, index + 4)
//! ```
//!
//! ## Tree bins
//!
//! - Appending a node to a list bin that already had 8 nodes (the new one
//!   is the 9th or more) **treeifies** the bin, but if the table has fewer
//!   than 64 bins it **resizes instead** (the bin keeps its list).
//! - Tree order: hash as a *signed* 32-bit int, then the key's [`Ord`]
//!   (Java compares `Comparable` keys with `compareTo`). Lookups in a tree
//!   bin are logarithmic even when every hash collides.
//! - When a resize splits a tree bin, a half of **6 nodes or fewer becomes
//!   a list**; a larger half is **re-treeified** from its list, unless the
//!   other half is empty, in which case the tree is **kept as it is**.
//! - Removing from a tree bin first unlinks the node from the list; then,
//!   if the tree's root has no right child, no left child, or a left child
//!   without a left child, the **whole bin becomes a list** instead of a
//!   tree delete. Otherwise a red-black delete (successor swapped in by
//!   links, textbook fixup) and the root moves back to the front.
//!
//! ## Iteration order
//!
//! Bin 0 to the last bin; within a bin, the `next` order. Java's, exactly
//! (see [`JavaMap::iter`]).
//!
//! ## Where the rules live
//!
//! | module   | what |
//! |----------|------|
//! | `raw`    | the table, the growth rule (`grow_if_needed`, `resize`), put/get/remove |
//! | `bin`    | list bins: find, append (and the treeify trigger), unlink, `split_list` |
//! | `tree`   | tree bins: `treeify`, untreeify, insert, `split_tree`, `remove_tree_node`, red-black fixups |
//! | `arena`  | node storage: chunks of whole nodes, found by index with a shift and a mask; nodes never move; free list |
//! | `map`    | [`JavaMap`]'s public API |
//!
//! ## Panics in `Hash`, `Eq` or `Ord`
//!
//! A key whose `Hash`, `Eq` or `Ord` panics never causes undefined
//! behaviour or a double drop, and the map can always be dropped. A panic
//! during a lookup, an insert into a list bin or a tree search leaves the map
//! fully usable. A panic from `Ord` while a bin is being treeified or while a
//! resize re-treeifies a split half leaves it only droppable: the bins not
//! yet rebuilt are lost from the table (their entries leak: they are never
//! dropped, and `len` no longer matches what iteration finds). The tests in
//! `tests/panic_safety.rs` pin this down.
//!
//! ## Counting
//!
//! [`JavaMap::stats`]: `grows` counts every resize including the first
//! table allocation; `nodes_relinked` every node a resize places in the new
//! table; `slots_written` every non-empty new bin a resize writes;
//! `treeifies` every tree built from a list (a treeified bin, or a split
//! half rebuilt as a tree); `untreeifies` every tree bin turned into a list
//! (by a split or a removal); `entries_moved` is always 0. The event hook
//! ([`JavaMap::set_event_hook`]) reports `GrowStart`/`GrowEnd`, `Treeify`
//! and `Untreeify`.
//!
//! ```
//! use hashgrow_java::JavaMap;
//!
//! let mut m = JavaMap::new();
//! for i in 0..100u64 {
//!     m.insert(i, i * i);
//! }
//! assert_eq!(m.capacity(), 256); // 16 → 32 → 64 → 128 → 256 (96 < 100)
//! let s = m.stats();
//! // Four grows: the first table (16 bins) is an allocation, not a grow.
//! assert_eq!((s.grows, s.entries_moved), (4, 0));
//! // `stats().capacity` counts entries (the threshold), as for every map;
//! // Java's own unit, bins, is `native_capacity`.
//! assert_eq!((s.capacity, s.native_capacity), (192, 256));
//! ```

#![warn(missing_docs)]

mod arena;
mod bin;
mod check;
mod iter;
mod map;
mod raw;
pub mod replay;
mod tree;

pub use hashgrow::map::Entry;
pub use hashgrow::{DefaultHashBuilder, Event, EventHook, Map, Stats};
pub use iter::IntoIter;
pub use map::{with_capacity_and_load_factor, JavaMap, JavaTable};

#[cfg(test)]
mod tests;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
