//! # hashgrow-stw: a stop-the-world rehash table
//!
//! [`StwMap`] is what most hash maps do when they grow: when an insert finds
//! the table full, it allocates a table twice the size and moves **every**
//! entry into it before the insert returns. The amortised cost is small; the
//! single insert that triggers the grow pays for all of it at once. That
//! pause is what `hashgrow` compares against Go's incremental evacuation and
//! Java's node relinking.
//!
//! ```text
//!  insert #n+1 finds growth_left == 0
//!
//!   old: [a . c d . f g h]  --- every entry re-hashed and copied --->
//!   new: [. a . . c . d . . f . . g . h .]        old freed
//!        (all before `insert` returns: one long pause, then none)
//! ```
//!
//! The table is open addressing with SwissTable control bytes (one byte per
//! slot: EMPTY, DELETED, or 7 bits of the hash), probed a group at a time
//! (16 bytes with SSE2, else 8 with plain integer (SWAR) operations), at
//! most 7/8 full. See
//! `raw.rs` for the layout and the growth rule in one place.
//!
//! ```
//! use hashgrow_stw::StwMap;
//!
//! let mut m = StwMap::new();
//! for k in 0..1000u64 {
//!     m.insert(k, k * 2);
//! }
//! assert_eq!(m.get(&500), Some(&1000));
//! // 1000 entries need 2048 slots (at most 7/8 full), reached by doubling
//! // from one group of 16 (8 without SSE2); each grow moved every entry
//! // present at the time.
//! let stats = m.stats();
//! assert_eq!(stats.native_capacity, 2048);
//! assert!(stats.grows >= 7); // 16 → 2048; the first allocation is no grow
//! assert!(stats.entries_moved > 0);
//! ```
//!
//! The default hasher is foldhash with a random seed per map
//! ([`DefaultHashBuilder`], as hashbrown's default): fast, and keys that
//! share low bits do not pile up in a few groups. Name a fixed hasher with
//! `StwMap::with_hasher` where a layout must be reproducible.
//!
//! If a key's `Hash` or `Eq` panics during a grow, the map is left as it was
//! before the grow (the new table is freed); nothing is dropped twice and
//! nothing leaks.

#![warn(missing_docs)]

pub mod explain;
mod group;
mod raw;

use std::borrow::Borrow;

pub use hashgrow::map::Entry;
use hashgrow::raw::{RawLookup, RawTable as RawTableTrait, TryReserveError};
pub use hashgrow::{DefaultHashBuilder, Event, EventHook, Map, Stats};

use raw::{FullSlots, GrowReport, RawIntoIter, RawTable};

/// A hash map that grows by stopping the world: see the [crate docs](crate).
///
/// The whole std `HashMap` API comes from the shared facade
/// [`hashgrow::Map`]; this crate supplies the table, [`StwTable`].
///
/// ```
/// use hashgrow_stw::StwMap;
///
/// let mut m = StwMap::new();
/// m.insert("a", 1);
/// assert_eq!(m.get("a"), Some(&1));
/// assert_eq!(m.capacity(), 14); // one group of 16 slots, 7/8 usable
/// # let _ = m;
/// ```
pub type StwMap<K, V, S = DefaultHashBuilder> = Map<K, V, StwTable<K, V>, S>;

/// The stop-the-world table under [`StwMap`]: SwissTable control groups
/// over one slot array; see `raw.rs` for the layout and the growth rule.
pub struct StwTable<K, V> {
    table: RawTable<(K, V)>,
    hook: Option<EventHook>,
}

impl<K, V> StwTable<K, V> {
    /// Slots allocated (0 before the first insert): a power of two, at
    /// least one group.
    ///
    /// ```
    /// let m: hashgrow_stw::StwMap<u32, u32> = (0..100).map(|i| (i, i)).collect();
    /// assert_eq!(m.raw().buckets(), 128); // 100 entries, at most 7/8 full
    /// ```
    pub fn buckets(&self) -> usize {
        self.table.buckets()
    }
}

/// Tells the hook (if any) about a grow. Called after the new table is in
/// place.
#[cold]
fn report_grow(hook: &mut Option<EventHook>, report: GrowReport) {
    if let Some(hook) = hook {
        let len = report.len;
        hook(&Event::GrowStart {
            old_capacity: report.old_buckets as u64,
            new_capacity: report.new_buckets as u64,
            same_size: report.same_size,
            len,
        });
        hook(&Event::GrowEnd {
            capacity: report.new_buckets as u64,
            len,
        });
    }
}

/// The entry hasher a rebuild uses, from the facade's key hasher.
#[inline(always)]
fn entry_hasher<K, V>(hasher: &impl Fn(&K) -> u64) -> impl Fn(&(K, V)) -> u64 + '_ {
    move |(k, _)| hasher(k)
}

// SAFETY: slots are indices of FULL slots, distinct per entry and stable
// until the table is rebuilt (only an insert or reserve rebuilds);
// `FullSlots` reads only control bytes, which `remove_slot` may change only
// for slots already yielded (a group's mask is read once, before its slots
// are yielded); entries live in the heap slot array, and `entry_mut` goes
// through its raw pointer, never a reference to the array.
unsafe impl<K, V> RawTableTrait<K, V> for StwTable<K, V> {
    type Slot = usize;
    type Vacancy = usize;
    type RawIter = FullSlots;
    type IntoIter = RawIntoIter<(K, V)>;

    /// Room for `capacity` entries without growing.
    ///
    /// # Panics
    /// If the table for `capacity` cannot be sized or allocated (a clean
    /// panic, never an abort).
    fn with_capacity(capacity: usize) -> Self {
        StwTable {
            table: RawTable::with_capacity(capacity),
            hook: None,
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.table.len()
    }

    fn capacity(&self) -> usize {
        self.table.capacity()
    }

    fn stats(&self) -> Stats {
        let c = self.table.counters;
        Stats {
            entries_moved: c.entries_moved,
            grows: c.grows,
            same_size_grows: c.same_size_grows,
            capacity: self.table.capacity() as u64,
            native_capacity: self.table.buckets() as u64,
            native_unit: "slots",
            ..Stats::default()
        }
    }

    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.hook = hook;
    }

    #[inline]
    unsafe fn entry(&self, slot: usize) -> (&K, &V) {
        // SAFETY: the caller passes a FULL slot.
        let (k, v) = unsafe { &*self.table.slot(slot) };
        (k, v)
    }

    #[inline]
    unsafe fn entry_mut(&mut self, slot: usize) -> (&K, &mut V) {
        // SAFETY: a FULL slot; the pointer comes from the array's raw
        // pointer, so no other slot is borrowed.
        let (k, v) = unsafe { &mut *self.table.slot(slot) };
        (k, v)
    }

    unsafe fn raw_iter(&self) -> FullSlots {
        self.table.full_slots()
    }

    fn into_entries(self) -> RawIntoIter<(K, V)> {
        self.table.into_iter()
    }

    fn take(&mut self) -> Self {
        StwTable {
            table: self.table.take(),
            hook: None,
        }
    }

    fn empty_clone(&self) -> Self {
        Self::with_capacity(self.table.len())
    }

    fn clear(&mut self) {
        self.table.clear();
    }

    #[inline(always)]
    fn insert_vacant(
        &mut self,
        hash: u64,
        slot: usize,
        key: K,
        value: V,
        hasher: impl Fn(&K) -> u64,
    ) -> usize {
        let Self { table, hook } = self;
        table.insert_at(
            slot,
            hash,
            (key, value),
            entry_hasher(&hasher),
            |_, report| report_grow(hook, report),
        )
    }

    #[inline]
    unsafe fn remove_slot(&mut self, slot: usize) -> (K, V) {
        // SAFETY: the caller passes a FULL slot.
        unsafe { self.table.remove(slot) }
    }

    /// Grows now (moving every entry once) rather than during later
    /// inserts.
    fn try_reserve(
        &mut self,
        additional: usize,
        hasher: impl Fn(&K) -> u64,
    ) -> Result<(), TryReserveError> {
        if let Some(report) = self.table.try_reserve(additional, &entry_hasher(&hasher))? {
            report_grow(&mut self.hook, report);
        }
        Ok(())
    }

    /// Every entry reachable on its probe sequence, tags equal to the hash,
    /// counts consistent.
    fn check_invariants(&self, hasher: impl Fn(&K) -> u64) {
        self.table.check_invariants(entry_hasher(&hasher));
    }

    /// Rebuilds into the smallest table that holds `min_capacity` (moving
    /// every entry), or frees the table when empty and asked for 0.
    fn shrink_to(&mut self, min_capacity: usize, hasher: impl Fn(&K) -> u64) {
        self.table.shrink_to(min_capacity, &entry_hasher(&hasher));
    }
}

impl<K: Borrow<Q>, V, Q: Eq + ?Sized> RawLookup<K, V, Q> for StwTable<K, V> {
    #[inline]
    fn find(&self, hash: u64, key: &Q) -> Option<usize> {
        self.table.find(hash, |(k, _)| k.borrow() == key)
    }

    #[inline(always)]
    fn find_or_vacancy(
        &mut self,
        hash: u64,
        key: &Q,
        _hasher: impl Fn(&K) -> u64,
    ) -> Result<usize, usize> {
        self.table
            .find_or_insert_slot(hash, |(k, _)| k.borrow() == key)
    }

    #[inline]
    fn remove(&mut self, hash: u64, key: &Q, _hasher: impl Fn(&K) -> u64) -> Option<(K, V)> {
        let i = self.find(hash, key)?;
        // SAFETY: `find` returned a FULL slot.
        Some(unsafe { self.table.remove(i) })
    }
}

#[cfg(test)]
mod tests;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
