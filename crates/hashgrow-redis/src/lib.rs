//! # hashgrow-redis: a Rust map that rehashes exactly like Redis's `dict.c`
//!
//! [`RedisMap`] is a hash map whose tables and growth reproduce Redis 7.0's
//! `dict` (`src/dict.c`, the keyspace's hash table) decision for decision:
//! fed the same keys with the same hashes, it has the same buckets, links
//! every entry into the same chain at the same position, and starts and
//! ends the same rehashes on the same operations (checked byte for byte
//! against the real `dict.c` by `tests/oracle_parity.rs`, through
//! [`replay`]). It is the facade `hashgrow::Map` over [`RedisTable`], so it
//! has the whole `std::collections::HashMap` API.
//!
//! ```
//! use hashgrow_redis::{RedisMap, RedisMapExt};
//!
//! let mut m: RedisMap<u64, &str> = RedisMap::new();
//! for k in 0..5 {
//!     m.insert(k, "v");
//! }
//! // The 5th insert found 4 entries in 4 buckets: a rehash into 8 began.
//! assert!(m.stats().growing);
//! assert_eq!(m.raw().table_size(1), 8);
//! // Every insert, delete and `&mut` lookup moves one old bucket; the
//! // server cron's `rehash` moves many.
//! while m.rehash(100) {}
//! assert_eq!(m.stats().native_capacity, 8);
//! assert_eq!(m.stats().entries_moved, 0); // nodes are relinked, never copied
//! ```
//!
//! ## Layout
//!
//! Two tables of chained buckets, `ht_table[0]` and `ht_table[1]`, each a
//! power of two in size (4 at least); a key with hash `h` lives in bucket
//! `h & (size - 1)`. Each entry is a node (key, value, `next`) that never
//! moves; a new entry is linked at the **head** of its chain ("recently
//! added entries are accessed more frequently"). Table 1 exists only while
//! a rehash moves table 0 into it:
//!
//! ```text
//!  table 0 (4 buckets, the old one)     table 1 (8 buckets, the new one)
//!  +---+                                +---+
//!  | 0 |  (moved)                       | 0 |
//!  | 1 |  (moved)                       | 1 | -> k1 -> k9  old bucket 1 [k9, k1],
//!  | 2 | -> k6     <- rehashidx = 2     | 2 | -> k10         relinked head first
//!  | 3 |  (empty)                       | 3 | -> k3        the insert that began it
//!  +---+                                | 4 | -> k4
//!   used0 = 1: buckets below rehashidx  | 5 | -> k13       added during the rehash
//!   are empty; a lookup searches        | 6 |
//!   table 0, then table 1               | 7 |
//!                                       +---+  used1 = 6
//! ```
//!
//! ## The rehash story
//!
//! * **First table.** The first insert allocates 4 buckets; nothing else.
//! * **When a grow starts.** An insert first (before even looking for its
//!   key, so a SET of an existing key too) checks table 0: holding as many
//!   entries as buckets, it starts a rehash into `next_power_of_two(used +
//!   1)` buckets, twice as many (`_dictExpandIfNeeded`). Nothing moves yet;
//!   `rehashidx = 0`. No grow starts while a rehash runs.
//! * **The per-op step.** While rehashing, every add, delete and lookup
//!   first does one rehash step (`_dictRehashStep`); a delete or lookup on
//!   an empty dict returns before it. New entries go to table 1.
//! * **One step.** `dictRehash(d, 1)` walks table 0 from `rehashidx`: past
//!   at most **10 empty buckets** (then it stops, having moved nothing), and
//!   moves the first non-empty bucket's whole chain, each node relinked at
//!   the head of its table-1 bucket (`dictRehash(d, n)` does n buckets and
//!   `10 n` empty visits). So one op relinks at most one old chain, plus
//!   links its own entry: no op pays for the whole table.
//! * **The end.** Once table 0 holds nothing, the step frees it and table
//!   1 becomes table 0. A step that ends a rehash can be followed, in the
//!   same insert, by the start of the next one.
//! * **Shrinking.** Deletes never shrink, even to empty. The server cron
//!   does (`tryResizeHashTables`, [`RedisMapExt::shrink`]): with more than
//!   4 buckets in both tables and fewer than 10% of them used, `dictResize`
//!   starts a rehash (an ordinary incremental one) into the smallest table
//!   for the entries (at least 4); it refuses while a rehash runs. The cron
//!   also drives rehashes in batches of 100 buckets (`incrementallyRehash`,
//!   [`RedisMapExt::rehash`]). [`clear`](hashgrow::map::Map::clear) is
//!   `dictEmpty`: both tables are freed.
//!
//! ## Where this differs from `dict.c`
//!
//! * **Lookups through `&self`** ([`get`](hashgrow::map::Map::get),
//!   `contains_key`, `Index`) cannot do the rehash step `dictFind` does;
//!   [`get_mut`](hashgrow::map::Map::get_mut), [`RedisMapExt::lookup`]
//!   and the replay do it. Iterators hold a borrow, so no operation can run
//!   while one is alive: that is what `dict.c`'s paused rehashing (safe
//!   iterators) guarantees, by other means.
//! * **Stored hashes.** A node keeps its key's hash, so a rehash never
//!   calls the hasher (`dict.c` recomputes it); see the `arena` module.
//! * **Resizing is always allowed.** Redis avoids resizing while a child
//!   process saves (`dict_can_resize`, the 5:1 force ratio); not modelled.
//!
//! ## Counting
//!
//! [`Stats`](hashgrow::Stats): `grows` and `shrinks` count rehashes
//! started; `nodes_relinked` the entries moved from table 0 to table 1;
//! `buckets_visited` and `empty_visits` the old buckets walked;
//! `entries_moved` stays 0; `capacity` is the buckets of both tables
//! (`dictSlots`); `growing` is `dictIsRehashing`. Events: `GrowStart` when
//! a rehash begins (`new_capacity < old_capacity` for a shrink),
//! `Rehashed` after each step that walked a bucket, `GrowEnd` when table 1
//! takes over.
//!
//! ## Modules
//!
//! * `dict`: [`RedisTable`], the two tables, the growth rule and the
//!   rehash, each function named after the `dict.c` function it mirrors;
//! * `arena`: the nodes (chunks that never move, linked by pointers, as
//!   `dictEntry *next`);
//! * `buckets`: one table's bucket heads;
//! * [`raw`]: `RedisTable` as the facade's
//!   [`RawTable`](hashgrow::raw::RawTable), with the call-by-call mapping;
//! * [`replay`]: runs an oracle script and prints what the oracle prints.
//!
//! ## Panics in `Hash` or `Eq`
//!
//! The facade hashes a key before calling the table, and the table never
//! hashes, so a panicking `Hash` changes nothing. `Eq` runs only in a chain
//! walk, after the op's rehash step has completed: a panic leaves the map
//! consistent (the step done, as in Redis). No entry is ever dropped twice.

#![warn(missing_docs)]

mod arena;
mod buckets;
mod dict;
pub mod raw;
pub mod replay;
#[cfg(test)]
mod tests;

use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash};

pub use dict::{Chain, RedisTable, EMPTY_VISITS_PER_BUCKET, INITIAL_SIZE, MIN_FILL_PERCENT};

/// The map: the shared std-shaped facade over [`RedisTable`].
pub type RedisMap<K, V, S = hashgrow::DefaultHashBuilder> =
    hashgrow::map::Map<K, V, RedisTable<K, V>, S>;

/// What Redis does to a dict beyond the map API: the server cron's rehash
/// batches and shrink, and `dictFind`'s rehash step.
pub trait RedisMapExt<K, V> {
    /// `dictRehash(d, n)`: moves up to `n` old buckets (walking past at
    /// most `10 n` empty ones). Returns `true` while a rehash is still in
    /// progress.
    ///
    /// ```
    /// use hashgrow_redis::{RedisMap, RedisMapExt};
    /// let mut m: RedisMap<u32, u32> = (0..100).map(|k| (k, k)).collect();
    /// while m.rehash(1) {}
    /// assert!(!m.stats().growing);
    /// assert!(!m.rehash(100), "nothing to do");
    /// ```
    fn rehash(&mut self, n: usize) -> bool;

    /// The server cron's `tryResizeHashTables`: when fewer than 10% of the
    /// buckets are used (and there are more than 4), starts a rehash into
    /// the smallest table for the entries. Returns whether one began.
    ///
    /// ```
    /// use hashgrow_redis::{RedisMap, RedisMapExt};
    /// let mut m: RedisMap<u32, u32> = (0..1000).map(|k| (k, k)).collect();
    /// while m.rehash(100) {} // finish the 512 -> 1024 grow first
    /// m.retain(|&k, _| k < 10);
    /// assert!(m.shrink());
    /// while m.rehash(100) {}
    /// assert_eq!(m.stats().native_capacity, 16);
    /// ```
    fn shrink(&mut self) -> bool;

    /// `dictFind`: one rehash step (while rehashing), then the lookup.
    /// Returns the value, like [`get`](hashgrow::map::Map::get), which
    /// cannot step through `&self`.
    ///
    /// ```
    /// use hashgrow_redis::{RedisMap, RedisMapExt};
    /// let mut m: RedisMap<u32, &str> = (0..5).map(|k| (k, "v")).collect();
    /// let before = m.stats().buckets_visited;
    /// assert_eq!(m.lookup(&3), Some(&"v"));
    /// assert!(m.stats().buckets_visited > before, "the lookup moved a bucket");
    /// ```
    fn lookup<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized;
}

impl<K: Hash, V, S: BuildHasher> RedisMapExt<K, V> for RedisMap<K, V, S> {
    fn rehash(&mut self, n: usize) -> bool {
        self.raw_parts_mut().0.rehash(n)
    }

    fn shrink(&mut self) -> bool {
        self.raw_parts_mut().0.shrink()
    }

    fn lookup<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get_mut(key).map(|v| &*v)
    }
}

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
