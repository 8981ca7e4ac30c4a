//! [`GoMap`]: the shared std-shaped map ([`hashgrow::Map`]) over
//! [`GoTable`], Go's `hmap`. This file is the glue: what each facade
//! operation is in the runtime's terms (`mapaccess`, `mapassign`,
//! `mapdelete`, `makemap`).

use std::borrow::Borrow;

use hashgrow::raw::{RawLookup, RawTable, TryReserveError};
use hashgrow::{DefaultHashBuilder, EventHook, Map, Stats};

use crate::iter::{IntoIter, RawIter};
use crate::layout::{Bucket, BUCKET_CNT, MIN_TOP_HASH};
use crate::lookup::{Search, VacantPos};
pub use crate::raw::GoTable;

/// A hash map that grows exactly like the Go 1.19 runtime map: buckets of
/// 8 slots with overflow chains, doubling at 6.5 entries per bucket,
/// same-size grows when overflow buckets pile up, and incremental X/Y
/// evacuation of at most two old buckets per write. See the [crate
/// docs](crate) for the rule.
///
/// The whole std `HashMap` API comes from the shared facade
/// [`hashgrow::Map`]; where Go differs, [`GoTable`] follows Go:
/// `capacity()` is `6.5 * 2^B` (at least 8), `shrink_to_fit` does nothing
/// (Go maps never shrink, golang/go#20135), `reserve` only re-sizes a map
/// that was never written (Go has no reserve; `make(map, hint)` is its
/// only sizing), and `retain`/`extract_if`/an occupied entry's `remove`
/// delete without the `growWork` a Go `delete` does first.
///
/// `S` is the hash builder; the default is foldhash with a per-map seed
/// (as the runtime seeds each map's hash).
///
/// ```
/// use hashgrow_go::GoMap;
///
/// let mut m = GoMap::new();
/// m.insert("a", 1);
/// m.insert("b", 2);
/// assert_eq!(m.get("a"), Some(&1));
/// assert_eq!(m.insert("a", 10), Some(1));
/// assert_eq!(m.remove("b"), Some(2));
/// assert_eq!(m.len(), 1);
/// assert_eq!(m["a"], 10);
/// ```
pub type GoMap<K, V, S = DefaultHashBuilder> = Map<K, V, GoTable<K, V>, S>;

/// One live entry of a [`GoTable`]: slot `idx` of `bucket`, in the chain
/// that starts at `head` (deleting needs the head to fix up `emptyRest`).
pub struct GoSlot<K, V> {
    head: Bucket<K, V>,
    bucket: Bucket<K, V>,
    idx: usize,
}

impl<K, V> Clone for GoSlot<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for GoSlot<K, V> {}
impl<K, V> PartialEq for GoSlot<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.bucket == other.bucket && self.idx == other.idx
    }
}
impl<K, V> Eq for GoSlot<K, V> {}

/// Where an absent key would go, found by the lookup that missed: the
/// first empty slot of its chain (if any) and the chain's last bucket (to
/// hang an overflow bucket on).
pub struct GoVacancy<K, V>(VacantPos<K, V>);

/// The live slots, in the map's iteration order.
pub struct GoSlots<K, V>(RawIter<K, V>);

impl<K, V> Clone for GoSlots<K, V> {
    fn clone(&self) -> Self {
        GoSlots(self.0)
    }
}

impl<K, V> Iterator for GoSlots<K, V> {
    type Item = GoSlot<K, V>;
    #[inline]
    fn next(&mut self) -> Option<GoSlot<K, V>> {
        let (head, bucket, idx) = self.0.next()?;
        Some(GoSlot { head, bucket, idx })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> GoTable<K, V> {
    /// Longest chain now, in entries (walks every bucket: O(capacity)).
    ///
    /// ```
    /// let m: hashgrow_go::GoMap<u64, u64> = (0..100).map(|i| (i, i)).collect();
    /// assert!(m.raw().longest_chain() >= 1);
    /// ```
    pub fn longest_chain(&self) -> u64 {
        let mut longest = 0;
        let mut chain = |mut b: Bucket<K, V>| {
            let mut n = 0u64;
            while !b.is_null() {
                // SAFETY: `b` walks a live chain of this table.
                unsafe {
                    n += (0..BUCKET_CNT)
                        .filter(|&i| b.top(i) >= MIN_TOP_HASH)
                        .count() as u64;
                    b = b.overflow();
                }
            }
            longest = longest.max(n);
        };
        if !self.buckets.is_null() {
            for i in (0..(1usize << self.b)).filter(|&i| self.new_ready(i)) {
                // SAFETY: `i < 2^b`, initialised.
                chain(unsafe { self.buckets.at(i) });
            }
        }
        if self.growing() {
            for i in 0..self.noldbuckets() {
                // SAFETY: `i < noldbuckets()`.
                chain(unsafe { self.oldbuckets.at(i) });
            }
        }
        longest
    }
}

// SAFETY: a `GoSlot` names a live slot (tophash >= MIN_TOP_HASH) of the
// new array or of an unevacuated old bucket; entries move only in
// `grow_work` (writes through `find_or_vacancy`, `insert_vacant`, `remove`),
// never in `remove_slot`, which only rewrites tophash bytes of its own
// chain, nor in `entry_mut`. `RawIter` reads tophash bytes slot by slot, so
// a removal behind it changes nothing it has yet to read as live. Entries
// live in heap segments reached through raw pointers.
unsafe impl<K, V> RawTable<K, V> for GoTable<K, V> {
    type Slot = GoSlot<K, V>;
    type Vacancy = GoVacancy<K, V>;
    type RawIter = GoSlots<K, V>;
    type IntoIter = IntoIter<K, V>;

    /// `makemap(hint)`: the smallest `B` whose `2^B` buckets hold `hint`
    /// entries under the 6.5 load factor; for `hint <= 8`, `B = 0` and
    /// nothing is allocated yet. A hint whose memory would overflow or pass
    /// `maxAlloc` is ignored (B = 0), as the runtime ignores it.
    ///
    /// ```
    /// let m: hashgrow_go::GoMap<u64, u64> = hashgrow_go::GoMap::with_capacity(1000);
    /// assert_eq!(m.stats().log2_buckets, 8); // 13 * 2^7 / 2 = 832 < 1000 <= 1664
    /// ```
    fn with_capacity(hint: usize) -> Self {
        GoTable::with_hint(hint)
    }

    #[inline]
    fn len(&self) -> usize {
        self.count
    }

    /// Entries the map holds before its next doubling: `6.5 * 2^B` (at
    /// least 8). Overflow buckets may be needed before that.
    fn capacity(&self) -> usize {
        (13 * ((1usize << self.b) / 2)).max(8)
    }

    /// Growth counters and `B`, `noverflow`, `nevacuate`, `growing`;
    /// `longest_chain` is left 0 (see [`GoTable::longest_chain`]).
    fn stats(&self) -> Stats {
        GoTable::stats(self)
    }

    /// `GrowStart`, `GrowEnd` and, after each `grow_work` that evacuated
    /// at least one old bucket, `Evacuated`.
    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.hook = hook;
    }

    #[inline]
    unsafe fn entry(&self, s: GoSlot<K, V>) -> (&K, &V) {
        // SAFETY: a live slot (caller).
        unsafe { (&*s.bucket.key(s.idx), &*s.bucket.val(s.idx)) }
    }

    #[inline]
    unsafe fn entry_mut(&mut self, s: GoSlot<K, V>) -> (&K, &mut V) {
        // SAFETY: a live slot (caller), reached through raw pointers.
        unsafe { (&*s.bucket.key(s.idx), &mut *s.bucket.val(s.idx)) }
    }

    /// Bucket `0 .. 2^B` of the current array, each chain from its head
    /// through its overflow buckets, slots in order; then, while growing,
    /// the old buckets not yet evacuated, in index order. Deterministic
    /// (Go randomizes its iteration order; this map does not).
    unsafe fn raw_iter(&self) -> GoSlots<K, V> {
        GoSlots(RawIter::new(self))
    }

    fn into_entries(self) -> IntoIter<K, V> {
        IntoIter::new(self)
    }

    fn take(&mut self) -> Self {
        let mut fresh = GoTable::with_hint(0);
        std::mem::swap(&mut fresh.hook, &mut self.hook);
        fresh.counters = self.counters;
        std::mem::replace(self, fresh)
    }

    /// Sized for `len()` as `make(map, len(m))` (what `maps.Clone` of a
    /// map with no grow in progress amounts to, entry for entry).
    fn empty_clone(&self) -> Self {
        GoTable::with_hint(self.count)
    }

    /// `mapclear`: every entry removed, `B` kept, a grow in progress
    /// abandoned.
    fn clear(&mut self) {
        GoTable::clear(self);
    }

    #[inline]
    fn insert_vacant(
        &mut self,
        hash: u64,
        vacancy: GoVacancy<K, V>,
        key: K,
        value: V,
        hasher: impl Fn(&K) -> u64,
    ) -> GoSlot<K, V> {
        let (bucket, idx) = self.finish_insert(hash, vacancy.0, &hasher);
        // SAFETY: `finish_insert` reserved this empty slot (tophash
        // written, count incremented) for us to initialise; the array
        // exists now.
        unsafe {
            bucket.key(idx).write(key);
            bucket.val(idx).write(value);
            let head = self.chain_head(hash);
            GoSlot { head, bucket, idx }
        }
    }

    #[inline]
    unsafe fn remove_slot(&mut self, s: GoSlot<K, V>) -> (K, V) {
        // SAFETY: a live slot of the chain `head` (caller).
        unsafe { self.take(s.head, s.bucket, s.idx) }
    }

    /// Go has no reserve: `make(map, hint)` is its only sizing. So this
    /// re-makes a map that was never written (no bucket array yet) as
    /// `make(map, len + additional)`, and otherwise does nothing; it fails
    /// only if `len + additional` overflows.
    fn try_reserve(
        &mut self,
        additional: usize,
        _hasher: impl Fn(&K) -> u64,
    ) -> Result<(), TryReserveError> {
        let want = self
            .count
            .checked_add(additional)
            .ok_or(TryReserveError::CapacityOverflow)?;
        if self.buckets.is_null() && self.count == 0 {
            let mut fresh = GoTable::with_hint(want);
            std::mem::swap(&mut fresh.hook, &mut self.hook);
            fresh.counters = self.counters;
            *self = fresh;
        }
        Ok(())
    }

    /// Go maps never shrink (golang/go#20135): a no-op.
    fn shrink_to(&mut self, _min_capacity: usize, _hasher: impl Fn(&K) -> u64) {}

    /// Every live key sits in the bucket its hash names (or in its old
    /// bucket, not yet evacuated), with the right tophash; no live slot
    /// follows an `emptyRest`; old buckets below `nevacuate` are
    /// evacuated; the live entries add up to `len()`.
    fn check_invariants(&self, hasher: impl Fn(&K) -> u64) {
        crate::invariants::check(self, &hasher);
    }
}

impl<K: Borrow<Q>, V, Q: Eq + ?Sized> RawLookup<K, V, Q> for GoTable<K, V> {
    /// `mapaccess`: reads the old bucket while it is not evacuated, else
    /// the new one; never moves anything.
    #[inline]
    fn find(&self, hash: u64, key: &Q) -> Option<GoSlot<K, V>> {
        let (head, bucket, idx) = GoTable::find(self, hash, |k| k.borrow() == key)?;
        Some(GoSlot { head, bucket, idx })
    }

    /// First half of `mapassign`: the first bucket allocated if needed,
    /// `grow_work` for the key's bucket when growing (also for an update
    /// that then changes nothing else), then the chain walk.
    #[inline]
    fn find_or_vacancy(
        &mut self,
        hash: u64,
        key: &Q,
        hasher: impl Fn(&K) -> u64,
    ) -> Result<GoSlot<K, V>, GoVacancy<K, V>> {
        match self.begin_assign(hash, |k| k.borrow() == key, &hasher) {
            Search::Found(bucket, idx) => {
                // SAFETY: `begin_assign` made sure the array exists.
                let head = unsafe { self.chain_head(hash) };
                Ok(GoSlot { head, bucket, idx })
            }
            Search::Vacant(pos) => Err(GoVacancy(pos)),
        }
    }

    /// `mapassign` in one go (the facade's `insert`): the same walk as
    /// `find_or_vacancy` + `insert_vacant`, without working out the chain
    /// head of a slot nobody asks for.
    #[inline]
    fn insert(&mut self, hash: u64, key: K, value: V, hasher: impl Fn(&K) -> u64) -> Option<V>
    where
        K: Borrow<Q>,
    {
        match self.begin_assign(hash, |k| k.borrow() == key.borrow(), &hasher) {
            // SAFETY: a live slot; `&mut self` is unique.
            Search::Found(b, i) => Some(std::mem::replace(unsafe { &mut *b.val(i) }, value)),
            Search::Vacant(pos) => {
                let (b, i) = self.finish_insert(hash, pos, &hasher);
                // SAFETY: `finish_insert` reserved this empty slot for us.
                unsafe {
                    b.key(i).write(key);
                    b.val(i).write(value);
                }
                None
            }
        }
    }

    /// `mapdelete`, which also does `grow_work` while growing (except on
    /// an empty map).
    #[inline]
    fn remove(&mut self, hash: u64, key: &Q, hasher: impl Fn(&K) -> u64) -> Option<(K, V)> {
        GoTable::remove(self, hash, |k| k.borrow() == key, &hasher)
    }
}
