//! The `hashgrow` raw-table contract ([`RawTable`], [`RawLookup`]) for
//! [`SwissTable`], and its iterators.

use std::borrow::Borrow;
use std::mem;

use hashgrow::raw::{RawLookup, RawTable, TryReserveError};
use hashgrow::{EventHook, Stats};

use crate::group::{BitMask, EMPTY};
use crate::map::{Slot, SwissTable, Vacancy};
use crate::table::Table;

/// Visits the live entries: table by table in the map's table list, each
/// table's groups in order, each group's slots in order. (The runtime
/// starts at a random table and slot; this order is fixed.)
pub struct RawIter<K, V> {
    tables: *const Table<K, V>,
    n_tables: usize,
    table: usize,
    group: usize,
    full: BitMask,
}

impl<K, V> Clone for RawIter<K, V> {
    fn clone(&self) -> Self {
        RawIter { ..*self }
    }
}

impl<K, V> Iterator for RawIter<K, V> {
    type Item = Slot<K, V>;

    #[inline]
    fn next(&mut self) -> Option<Slot<K, V>> {
        loop {
            if let Some(s) = self.full.next() {
                // SAFETY: `table < n_tables` whenever `full` is not empty.
                let t = unsafe { &*self.tables.add(self.table) };
                return Some(t.slot(self.table, self.group, s));
            }
            if self.table >= self.n_tables {
                return None;
            }
            // SAFETY: `table < n_tables`; the table list is not changed
            // while the iterator is in use (the `raw_iter` contract), and
            // removals only rewrite control bytes of yielded slots.
            let t = unsafe { &*self.tables.add(self.table) };
            self.group += 1;
            if self.group > t.mask {
                self.table += 1;
                self.group = 0;
                if self.table >= self.n_tables {
                    return None;
                }
            }
            // SAFETY: as above, `table < n_tables`.
            let t = unsafe { &*self.tables.add(self.table) };
            self.full = t.full(self.group);
        }
    }
}

// SAFETY:
// - `find`/`find_or_vacancy` return slots whose control byte is full (an
//   H2 matched and the key compared equal), `insert_vacant` the slot it
//   just filled, the iterator only slots with a full control byte; a slot
//   names (table, group, slot), so distinct live entries have distinct
//   slots.
// - The iterator reads each table's control words once per group, visits
//   every full slot of every table once, and holds a raw pointer to the
//   table list, which `remove_slot` and `entry_mut` never reallocate.
// - `entry_mut` forms a reference to the one entry only (through the
//   groups' raw pointer; `&mut self` covers the map's own header, not the
//   group memory).
// - `len` counts full slots (checked by `check_invariants`).
unsafe impl<K, V> RawTable<K, V> for SwissTable<K, V> {
    type Slot = Slot<K, V>;
    type Vacancy = Vacancy;
    type RawIter = RawIter<K, V>;
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn with_capacity(capacity: usize) -> Self {
        SwissTable::with_hint(capacity)
    }

    fn len(&self) -> usize {
        self.len
    }

    fn capacity(&self) -> usize {
        SwissTable::capacity(self)
    }

    fn stats(&self) -> Stats {
        SwissTable::stats(self)
    }

    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.hook = hook;
    }

    #[inline(always)]
    unsafe fn entry(&self, slot: Slot<K, V>) -> (&K, &V) {
        // SAFETY: live slot (caller): the pointer is to its entry.
        let e = unsafe { slot.ptr.as_ref() };
        (&e.0, &e.1)
    }

    #[inline(always)]
    unsafe fn entry_mut(&mut self, slot: Slot<K, V>) -> (&K, &mut V) {
        // SAFETY: live slot (caller); the reference covers that entry only.
        let e = unsafe { &mut *slot.ptr.as_ptr() };
        (&e.0, &mut e.1)
    }

    unsafe fn raw_iter(&self) -> RawIter<K, V> {
        RawIter {
            tables: self.tables.as_ptr(),
            n_tables: self.tables.len(),
            table: 0,
            group: 0,
            full: self.tables.first().map_or(BitMask(0), |t| t.full(0)),
        }
    }

    fn into_entries(mut self) -> Self::IntoIter {
        let mut out = Vec::with_capacity(self.len);
        for t in &mut self.tables {
            for g in 0..=t.mask {
                for s in t.full(g) {
                    t.set_ctrl(g, s, EMPTY);
                    // SAFETY: the slot was full and is now marked empty, so
                    // the entry is moved out once (the table drops nothing).
                    out.push(unsafe { t.slot_ptr(g, s).read() });
                }
            }
            t.used = 0;
        }
        self.len = 0;
        out.into_iter()
    }

    fn take(&mut self) -> Self {
        let mut out = SwissTable::new();
        mem::swap(&mut out.dir, &mut self.dir);
        mem::swap(&mut out.tables, &mut self.tables);
        // The tables' blocks go with them.
        mem::swap(&mut out.pool, &mut self.pool);
        self.next_dir = Vec::new();
        self.retired_dirs = Vec::new();
        self.next_tables = Vec::new();
        self.next_tables_touched = 0;
        self.retired_tables = Vec::new();
        out.global_depth = self.global_depth;
        out.dir_shift = self.dir_shift;
        out.small = self.small;
        out.len = self.len;
        out.next_id = self.next_id;
        out.slots = mem::take(&mut self.slots);
        out.tombstones = mem::take(&mut self.tombstones);
        self.set_global_depth(0);
        self.small = true;
        self.len = 0;
        out
    }

    /// Go's `maps.Clone` copies the tables as they are; a facade clone
    /// refills an empty map instead, so it gets the map `make(map, len)`
    /// would make.
    fn empty_clone(&self) -> Self {
        SwissTable::with_hint(self.len)
    }

    fn clear(&mut self) {
        SwissTable::clear(self);
    }

    #[inline]
    fn insert_vacant(
        &mut self,
        hash: u64,
        vacancy: Vacancy,
        key: K,
        value: V,
        hasher: impl Fn(&K) -> u64,
    ) -> Slot<K, V> {
        self.insert_vacant_with(hash, vacancy, (key, value), &hasher)
    }

    unsafe fn remove_slot(&mut self, slot: Slot<K, V>) -> (K, V) {
        // SAFETY: live slot (caller).
        unsafe { self.remove_at(slot) }
    }

    /// A Go map cannot be reserved into: each table grows on its own, when
    /// a key lands in it. This only checks that the size is representable
    /// and changes nothing.
    fn try_reserve(
        &mut self,
        additional: usize,
        _hasher: impl Fn(&K) -> u64,
    ) -> Result<(), TryReserveError> {
        self.len
            .checked_add(additional)
            .map(|_| ())
            .ok_or(TryReserveError::CapacityOverflow)
    }

    /// The runtime never shrinks a map: a no-op.
    fn shrink_to(&mut self, _min_capacity: usize, _hasher: impl Fn(&K) -> u64) {}

    fn check_invariants(&self, hasher: impl Fn(&K) -> u64) {
        SwissTable::check_invariants(self, hasher);
    }
}

impl<K, V, Q> RawLookup<K, V, Q> for SwissTable<K, V>
where
    K: Borrow<Q>,
    Q: Eq + ?Sized,
{
    #[inline(always)]
    fn find(&self, hash: u64, key: &Q) -> Option<Slot<K, V>> {
        // `move`: the closure holds the key's reference itself, not a
        // reference to it (which would have to live in memory).
        self.find_with(hash, move |k| k.borrow() == key)
    }

    #[inline]
    fn find_or_vacancy(
        &mut self,
        hash: u64,
        key: &Q,
        _hasher: impl Fn(&K) -> u64,
    ) -> Result<Slot<K, V>, Vacancy> {
        self.find_or_vacancy_with(hash, |k| k.borrow() == key)
    }

    fn remove(&mut self, hash: u64, key: &Q, _hasher: impl Fn(&K) -> u64) -> Option<(K, V)> {
        let slot = self.find_with(hash, |k| k.borrow() == key)?;
        // SAFETY: just found, so live.
        Some(unsafe { self.remove_at(slot) })
    }
}
