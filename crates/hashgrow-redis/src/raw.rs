//! [`RedisTable`] as the shared facade's raw table: the
//! [`RawTable`]/[`RawLookup`] contract of `hashgrow::raw`, each method
//! mapped to the `dict.c` call it stands for.
//!
//! | facade call                  | `dict.c`                                    |
//! |------------------------------|---------------------------------------------|
//! | `find` (`&self`)             | `dictFind` without its rehash step          |
//! | `find_mut`                   | `dictFind` (a rehash step first)            |
//! | `find_or_vacancy` + `insert_vacant` | `dictAddRaw` (step, expand, search, link at head) |
//! | `remove`                     | `dictDelete`                                |
//! | `remove_slot`                | `dictDelete` under a safe iterator (no step) |
//! | `clear`                      | `dictEmpty`                                 |
//! | `try_reserve`                | `dictExpand(len + additional)`              |
//! | `shrink_to`                  | `dictResize`, not below `min_capacity`      |
//! | `with_capacity`, `empty_clone` | `dictCreate` + `dictExpand(n)`            |
//! | `raw_iter`, `into_entries`   | `dictNext`'s order                          |
//!
//! The `hasher` closures are never called: nodes keep their hashes (see the
//! `arena` module).

use std::borrow::Borrow;
use std::marker::PhantomData;

use hashgrow::raw::{RawLookup, RawTable, TryReserveError};
use hashgrow::{EventHook, Stats};

use std::ptr;

pub use crate::arena::Slot;
use crate::arena::{next_of, Arena, Link, MAX_NODES};
use crate::buckets::stored_head;
use crate::dict::{next_table_size, RedisTable, INITIAL_SIZE};

/// Where an absent key goes: the bucket `dictAddRaw` links it into (of
/// table 1 while rehashing, else of table 0).
#[derive(Debug)]
pub struct Vacancy {
    bucket: usize,
}

/// A raw iterator in `dictNext`'s order: table 0's buckets in order, each
/// chain head first, then table 1's. Holds pointers to the bucket arrays
/// and to the next node, and no borrow (the facade ties it to one). Each
/// node's successor is read before the node is yielded, as `dictNext`
/// keeps `nextEntry`, so removing yielded nodes is allowed.
pub struct RawIter<K, V> {
    tables: [(*const Link<K, V>, usize); 2],
    table: usize,
    bucket: usize,
    next: Link<K, V>,
    remaining: usize,
    _entries: PhantomData<(*const K, *const V)>,
}

impl<K, V> Clone for RawIter<K, V> {
    fn clone(&self) -> Self {
        RawIter { ..*self }
    }
}

// SAFETY: a RawIter only reads node links and bucket heads of a table the
// facade keeps borrowed; sending or sharing it is like sharing `&K`/`&V`.
unsafe impl<K: Sync, V: Sync> Send for RawIter<K, V> {}
// SAFETY: as above.
unsafe impl<K: Sync, V: Sync> Sync for RawIter<K, V> {}

impl<K, V> Iterator for RawIter<K, V> {
    type Item = Slot<K, V>;

    #[inline]
    fn next(&mut self) -> Option<Slot<K, V>> {
        loop {
            if !self.next.is_null() {
                let node = self.next;
                // SAFETY: the facade keeps the table alive and unchanged
                // but for removals of yielded nodes and value writes
                // (RawTable::raw_iter's contract); `node` is live.
                self.next = unsafe { next_of(node) };
                self.remaining -= 1;
                return Some(Slot::new(node));
            }
            if self.remaining == 0 {
                return None;
            }
            let (heads, len) = self.tables[self.table];
            if self.bucket == len {
                self.table += 1;
                self.bucket = 0;
                if self.table == 2 {
                    return None;
                }
                continue;
            }
            // SAFETY: `bucket < len` of a live bucket array (as above;
            // removals write heads through the same raw pointer origin).
            self.next = stored_head(unsafe { heads.add(self.bucket).read() });
            self.bucket += 1;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<K, V> ExactSizeIterator for RawIter<K, V> {}

/// The entries of a consumed table, in `dictNext`'s order.
pub struct IntoIter<K, V> {
    nodes: Arena<K, V>,
    order: std::vec::IntoIter<Link<K, V>>,
}

impl<K, V> Iterator for IntoIter<K, V> {
    type Item = (K, V);

    fn next(&mut self) -> Option<(K, V)> {
        let node = self.order.next()?;
        Some(self.nodes.free(node))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.order.size_hint()
    }
}

impl<K, V> ExactSizeIterator for IntoIter<K, V> {}

impl<K, V> Drop for IntoIter<K, V> {
    fn drop(&mut self) {
        for node in self.order.by_ref() {
            self.nodes.drop_entry(node);
        }
    }
}

// SAFETY: slots are node addresses; a node is live while linked in a chain,
// distinct live nodes have distinct addresses, `len` is `used[0] + used[1]`
// (the chains' lengths, checked by `check_invariants`), a raw iterator walks
// every chain once and reads a node's successor before yielding it, and
// `entry_mut` makes references to one node's key and value fields only.
unsafe impl<K, V> RawTable<K, V> for RedisTable<K, V> {
    type Slot = Slot<K, V>;
    type Vacancy = Vacancy;
    type RawIter = RawIter<K, V>;
    type IntoIter = IntoIter<K, V>;

    fn with_capacity(capacity: usize) -> Self {
        let mut t = RedisTable::new();
        if capacity > 0 {
            // Past this crate's limit `expand` refuses: the hint is ignored.
            t.expand(capacity);
        }
        t
    }

    #[inline]
    fn len(&self) -> usize {
        RedisTable::len(self)
    }

    /// Table 0's buckets (table 1's while rehashing): an insert grows once
    /// the table it fills holds as many entries as buckets.
    fn capacity(&self) -> usize {
        self.ht[usize::from(self.is_rehashing())].len()
    }

    fn stats(&self) -> Stats {
        RedisTable::stats(self)
    }

    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        RedisTable::set_event_hook(self, hook);
    }

    #[inline]
    unsafe fn entry(&self, slot: Slot<K, V>) -> (&K, &V) {
        self.nodes.key_value(slot.link())
    }

    #[inline]
    unsafe fn entry_mut(&mut self, slot: Slot<K, V>) -> (&K, &mut V) {
        self.nodes.key_value_mut(slot.link())
    }

    unsafe fn raw_iter(&self) -> RawIter<K, V> {
        RawIter {
            tables: [
                (self.ht[0].as_ptr(), self.ht[0].len()),
                (self.ht[1].as_ptr(), self.ht[1].len()),
            ],
            table: 0,
            bucket: 0,
            next: ptr::null(),
            remaining: self.len(),
            _entries: PhantomData,
        }
    }

    fn into_entries(mut self) -> IntoIter<K, V> {
        let order = self.order();
        let nodes = std::mem::replace(&mut self.nodes, Arena::new());
        // Leave `self` empty, so its `drop` drops nothing of `nodes`.
        self.ht = Default::default();
        self.used = [0, 0];
        self.rehash_idx = None;
        IntoIter {
            nodes,
            order: order.into_iter(),
        }
    }

    fn take(&mut self) -> Self {
        let mut out = RedisTable::new();
        std::mem::swap(&mut out.nodes, &mut self.nodes);
        std::mem::swap(&mut out.ht, &mut self.ht);
        std::mem::swap(&mut out.used, &mut self.used);
        std::mem::swap(&mut out.rehash_idx, &mut self.rehash_idx);
        out
    }

    /// Sized as Redis sizes a copy (`dictExpand(copy, dictSize(orig))`, as
    /// `hashTypeDup`/`setTypeDup` do): the smallest table for `len` entries.
    fn empty_clone(&self) -> Self {
        <Self as RawTable<K, V>>::with_capacity(self.len())
    }

    fn clear(&mut self) {
        RedisTable::clear(self);
    }

    #[inline]
    fn insert_vacant(
        &mut self,
        hash: u64,
        vacancy: Vacancy,
        key: K,
        value: V,
        _hasher: impl Fn(&K) -> u64,
    ) -> Slot<K, V> {
        Slot::new(self.link_new(hash, vacancy.bucket, key, value))
    }

    unsafe fn remove_slot(&mut self, slot: Slot<K, V>) -> (K, V) {
        let hash = self.nodes.hash(slot.link());
        self.unlink(hash, slot.link())
    }

    /// `dictExpand(len + additional)` when that is more than table 0's
    /// buckets: the first table, or a rehash into the larger table (moved
    /// incrementally by later operations; no further grow starts until it
    /// is full). While a rehash is in progress `dictExpand` refuses, and
    /// so does this (returning `Ok`): the running rehash ends first.
    fn try_reserve(
        &mut self,
        additional: usize,
        _hasher: impl Fn(&K) -> u64,
    ) -> Result<(), TryReserveError> {
        let target = self
            .len()
            .checked_add(additional)
            .filter(|&t| t <= MAX_NODES)
            .ok_or(TryReserveError::CapacityOverflow)?;
        if !self.is_rehashing() && target > self.ht[0].len() {
            self.expand(target);
        }
        Ok(())
    }

    /// `dictResize`, but to room for at least `min_capacity` entries: a
    /// rehash into the smallest table for `max(len, min_capacity)` entries
    /// (at least 4), if smaller than table 0. Nothing while rehashing
    /// (`dictResize` refuses) and never a grow.
    fn shrink_to(&mut self, min_capacity: usize, _hasher: impl Fn(&K) -> u64) {
        if self.is_rehashing() {
            return;
        }
        let target = self.used[0].max(min_capacity).max(INITIAL_SIZE);
        if next_table_size(target).is_some_and(|s| s < self.ht[0].len()) {
            self.expand(target);
        }
    }

    /// The chain structure (`check_chains`), and every stored hash equal
    /// to the key's hash now.
    fn check_invariants(&self, hasher: impl Fn(&K) -> u64) {
        self.check_chains();
        for node in self.order() {
            assert_eq!(
                self.nodes.hash(node),
                hasher(self.nodes.key(node)),
                "node {node:p}: stored hash differs from the key's"
            );
        }
    }
}

impl<K, V, Q> RawLookup<K, V, Q> for RedisTable<K, V>
where
    K: Borrow<Q>,
    Q: Eq + ?Sized,
{
    /// `dictFind` without its rehash step, which `&self` cannot do; see
    /// [`find_mut`](RawLookup::find_mut).
    /// (An empty dict with a table has every bucket empty: the search
    /// finds nothing, as `dictFind`'s `dictSize(d) == 0` test would; only
    /// the missing table needs a test.)
    #[inline]
    fn find(&self, hash: u64, key: &Q) -> Option<Slot<K, V>> {
        if self.ht[0].len() == 0 {
            return None;
        }
        self.search(hash, key).ok().map(Slot::new)
    }

    /// `dictFind`: nothing on an empty dict; else one rehash step (while
    /// rehashing), then the search of table 0 and table 1.
    #[inline]
    fn find_mut(&mut self, hash: u64, key: &Q) -> Option<Slot<K, V>> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        self.search(hash, key).ok().map(Slot::new)
    }

    /// `dictAddRaw` up to the link: a rehash step (while rehashing), then
    /// `_dictKeyIndex`: `_dictExpandIfNeeded` first (so an update can
    /// start a rehash, as a SET of an existing key does), then the search.
    #[inline]
    fn find_or_vacancy(
        &mut self,
        hash: u64,
        key: &Q,
        _hasher: impl Fn(&K) -> u64,
    ) -> Result<Slot<K, V>, Vacancy> {
        self.rehash_step();
        self.expand_if_needed();
        self.search(hash, key)
            .map(Slot::new)
            .map_err(|bucket| Vacancy { bucket })
    }

    /// `dictDelete`.
    fn remove(&mut self, hash: u64, key: &Q, _hasher: impl Fn(&K) -> u64) -> Option<(K, V)> {
        self.delete(hash, key)
    }
}
