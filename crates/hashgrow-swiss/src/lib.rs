//! # hashgrow-swiss: a Rust map that grows exactly like Go 1.24+'s
//!
//! [`SwissTable`] is the hash table of Go 1.24+'s runtime map
//! (`internal/runtime/maps`): a **directory of Swiss tables** of at most
//! 1024 slots, grown by **extendible hashing**. Fed the same keys with the
//! same hashes it makes the same decisions as the runtime, slot for slot:
//! the same small group, the same probe paths and tombstones, the same
//! prunes, doublings, splits and directory doublings on the same operations
//! (checked byte for byte against the real Go 1.27 runtime by
//! `tests/oracle_parity.rs`, through [`replay`]).
//!
//! [`SwissMap`] is that table under `hashgrow`'s std-shaped map facade
//! ([`hashgrow::Map`]): the whole `std::collections::HashMap` API. The table
//! itself, [`SwissTable`], is a raw table (keys found by a 64-bit hash the
//! caller computes, growth handed the hasher) implementing `hashgrow`'s
//! [`RawTable`](hashgrow::raw::RawTable) and
//! [`RawLookup`](hashgrow::raw::RawLookup).
//!
//! ```
//! use hashgrow_swiss::SwissMap;
//!
//! let mut m = SwissMap::new();
//! for k in 0..2_000u64 {
//!     m.insert(k, k * 10);
//! }
//! assert_eq!(m.get(&7), Some(&70));
//! assert_eq!(m.remove(&7), Some(70));
//! let s = m.stats();
//! // 2000 keys: more than two 1024-slot tables can hold at 7/8.
//! assert!(s.tables >= 3 && s.splits >= 2);
//! assert_eq!(s.native_capacity, 1024 * s.tables);
//! ```
//!
//! ## Layout
//!
//! A **group** is 8 slots and a 64-bit control word, one byte per slot:
//! `0x80` empty, `0xFE` deleted (a tombstone), else the key's **H2**, the
//! hash's low 7 bits. A **table** is a power-of-two array of groups; the
//! hash's upper 57 bits (**H1**) pick the first group, and a triangular
//! probe (`+1, +2, +3, ...` groups) walks on until a group with an empty
//! slot. The **directory** has `2^globalDepth` entries; a hash's top
//! `globalDepth` bits index it. A table of `localDepth` d serves one
//! d-bit hash prefix and fills `2^(globalDepth - d)` consecutive entries.
//! A map of at most 8 entries is just one group: no table, no directory, no
//! tombstones (a delete empties the slot).
//!
//! ## Growth: when, and what one insert can move
//!
//! Only an insert of a **new** key grows, and only the table it lands in:
//!
//! * the **9th key** turns the small group into a 16-slot table (8 copies);
//! * a table keeps `growthLeft`, the inserts into empty slots it may still
//!   take (7/8 of its slots, tombstones counting as used; reusing a
//!   tombstone costs nothing). At zero it first **prunes tombstones**: if
//!   at least 10% of its slots are tombstones, it traces every entry's
//!   probe path, and if the tombstones no path needs are at least 10% of
//!   the slots, they become empty again. No entry moves;
//! * else it is **rehashed**: replaced by a table of **twice** the
//!   capacity while that is at most 1024 slots, else **split** into two
//!   1024-slot tables by the hash bit below its prefix. A split of a table
//!   whose `localDepth` equals `globalDepth` first **doubles the
//!   directory** (entries only: no entry moves).
//!
//! So one insert copies at most one table's entries: **896** (7/8 of 1024;
//! in the rare case where a split sends every entry to one side, the full
//! half is split again within the same insert). Lookups and deletes never
//! move anything; the map never shrinks; `clear` empties every table and
//! keeps them all.
//!
//! A split, with `globalDepth` going from 1 to 2:
//!
//! ```text
//!  directory (depth 1)          directory (depth 2)
//!  +---+                        +----+
//!  | 0 | --> table "0" (d=1)    | 00 | --\
//!  +---+                        +----+    +--> table "0" (d=1)
//!  | 1 | --> table "1" (d=1)    | 01 | --/
//!  +---+     1024 slots,        +----+
//!            896 used, full     | 10 | ------> table "10" (d=2)  hash bit 62 = 0
//!                               +----+
//!                               | 11 | ------> table "11" (d=2)  hash bit 62 = 1
//!                               +----+
//! ```
//!
//! ## What the counters count
//!
//! In [`Stats`]: `entries_moved` counts every entry copied
//! by the small-to-table conversion, a doubling or a split; `grows` counts
//! those three events (`splits` the splits alone); `tombstones_pruned` the
//! tombstones made empty; `capacity` is the total slots (8 for the small
//! group, 0 before the first insert); `tables`, `directory_depth` and
//! `tombstones` describe the map now. Each table replacement sends an
//! [`Event::GrowStart`] /
//! [`Event::GrowEnd`] pair once it is installed
//! (a split also an [`Event::Split`]), a prune an
//! [`Event::Pruned`].
//!
//! ## Departures from the runtime
//!
//! None in the decisions. The runtime picks a random hash seed per map (and
//! a new one when a delete empties it) and starts each iteration at a
//! random place; here the hash is the caller's and iteration order is fixed.
//! In memory, a table keeps its control words together, apart from its
//! slots, where the runtime interleaves each with its group's slots: the
//! same groups and slots, but a probe reads a compact, cached array (as in
//! hashbrown); and the 1024-slot tables share a few large chunks, so that
//! their control words lie side by side. A table records
//! its hash prefix rather than the runtime's first directory index, which
//! the runtime rewrites for every table when the directory doubles. `with_hint` ignores a hint the allocator cannot back (the
//! runtime would throw out of memory). A table whose hash cannot split it
//! (a split that would send every entry to one side: a constant hash, or a
//! flood of equal prefixes) doubles past 1024 slots instead; the runtime
//! would split it again and again, doubling its directory until memory ran
//! out. With a real hash this never happens (the chance is 2^-895 a split).
//! If the hasher panics during a rehash or a prune, the map is left as it
//! was before the insert (the new table is freed, no entry is dropped twice
//! or lost).
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use hashgrow_swiss::{Event, SwissMap};
//!
//! let mut m = SwissMap::new();
//! let worst = Arc::new(Mutex::new(0u64));
//! let sink = Arc::clone(&worst);
//! m.set_event_hook(Some(Box::new(move |e: &Event| {
//!     if let Event::Split { entries, .. } = e {
//!         let mut w = sink.lock().unwrap();
//!         *w = (*w).max(*entries);
//!     }
//! })));
//! for k in 0..20_000u64 {
//!     m.insert(k, k);
//! }
//! // A split copies one full table: 896 entries (7/8 of 1024).
//! assert_eq!(*worst.lock().unwrap(), 896);
//! ```
//!
//! ## Modules, top to bottom
//!
//! - `group`: control bytes and the 8-slot group, matched with word
//!   arithmetic (`group.go`);
//! - `table`: one table: its groups, load accounting, probe sequence,
//!   insert walk and delete (`table.go`);
//! - `growth`: small-to-table, prune, rehash = double or split (`table.go`,
//!   `map.go`);
//! - `directory`: directory entries and `NewMap`'s sizing from a hint
//!   (`map.go`);
//! - `map`: [`SwissTable`]: lookup, insert, delete, clear (`map.go`,
//!   `runtime_fast64.go`);
//! - `raw`: the `hashgrow` raw-table contract and the iterators;
//! - [`replay`]: the oracle's output, from an annotated script.

#![warn(missing_docs)]

mod blocks;
mod directory;
mod group;
mod growth;
mod map;
mod raw;
pub mod replay;
mod table;

pub use hashgrow::map::Entry;
pub use hashgrow::{DefaultHashBuilder, Event, EventHook, Map, Stats};
pub use map::{Slot, SwissTable, Vacancy};
pub use raw::RawIter;

/// Go 1.24+'s map with the whole std `HashMap` API: the shared facade
/// [`hashgrow::Map`] over [`SwissTable`].
///
/// ```
/// use hashgrow_swiss::SwissMap;
///
/// let mut m: SwissMap<&str, i32> = SwissMap::new();
/// m.insert("a", 1);
/// *m.entry("a").or_insert(0) += 10;
/// assert_eq!(m["a"], 11);
/// // At most 8 entries: one group, no table yet.
/// assert_eq!(m.stats().tables, 0);
/// assert_eq!(m.stats().capacity, 8);
/// ```
pub type SwissMap<K, V, S = hashgrow::DefaultHashBuilder> =
    hashgrow::Map<K, V, SwissTable<K, V>, S>;

#[cfg(test)]
mod tests;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
