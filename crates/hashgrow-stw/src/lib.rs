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
//! use hashgrow::Table;
//!
//! let mut m = StwMap::new();
//! for k in 0..1000u64 {
//!     m.insert(k, k * 2);
//! }
//! assert_eq!(m.get(&500), Some(&1000));
//! // 1000 entries need 2048 slots (at most 7/8 full), reached by doubling
//! // from one group of 16 (8 without SSE2); each grow moved every entry
//! // present at the time.
//! let stats = Table::stats(&m);
//! assert_eq!(stats.capacity, 2048);
//! assert!(stats.grows >= 8);
//! assert!(stats.entries_moved > 0);
//! ```
//!
//! The default hasher is FxHash ([`hashgrow::DefaultHashBuilder`]):
//! deterministic and fast, but not resistant to hash flooding; use
//! [`StwMap::with_hasher`] with a keyed hasher for untrusted keys.
//!
//! If a key's `Hash` or `Eq` panics during a grow, the map is left as it was
//! before the grow (the new table is freed); nothing is dropped twice and
//! nothing leaks.

#![warn(missing_docs)]

mod group;
mod raw;

use std::borrow::Borrow;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::iter::FusedIterator;
use std::ops::Index;

use hashgrow::{DefaultHashBuilder, Event, EventHook, Stats, Table};

use raw::{GrowReport, RawTable};

/// A hash map that grows by stopping the world: see the [crate docs](crate).
pub struct StwMap<K, V, S = DefaultHashBuilder> {
    table: RawTable<(K, V)>,
    hash_builder: S,
    hook: Option<EventHook>,
}

impl<K, V> StwMap<K, V, DefaultHashBuilder> {
    /// An empty map. Allocates nothing until the first insert.
    ///
    /// ```
    /// let m: hashgrow_stw::StwMap<u32, &str> = hashgrow_stw::StwMap::new();
    /// assert!(m.is_empty());
    /// assert_eq!(m.capacity(), 0);
    /// ```
    pub fn new() -> Self {
        Self::with_hasher(DefaultHashBuilder::default())
    }

    /// An empty map that holds at least `capacity` entries without growing.
    ///
    /// ```
    /// let m: hashgrow_stw::StwMap<u32, u32> = hashgrow_stw::StwMap::with_capacity(100);
    /// assert!(m.capacity() >= 100);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_and_hasher(capacity, DefaultHashBuilder::default())
    }
}

impl<K, V, S> StwMap<K, V, S> {
    /// An empty map using `hash_builder` to hash keys.
    ///
    /// ```
    /// use hashgrow::hash::SipBuildHasher;
    /// let mut m = hashgrow_stw::StwMap::with_hasher(SipBuildHasher::random());
    /// m.insert("k", 1);
    /// assert_eq!(m["k"], 1);
    /// ```
    pub const fn with_hasher(hash_builder: S) -> Self {
        StwMap {
            table: RawTable::new(),
            hash_builder,
            hook: None,
        }
    }

    /// An empty map with room for `capacity` entries, using `hash_builder`.
    pub fn with_capacity_and_hasher(capacity: usize, hash_builder: S) -> Self {
        StwMap {
            table: RawTable::with_capacity(capacity),
            hash_builder,
            hook: None,
        }
    }

    /// The hasher builder.
    pub fn hasher(&self) -> &S {
        &self.hash_builder
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// `true` if the map holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries the map can hold before its next grow.
    pub fn capacity(&self) -> usize {
        self.table.capacity()
    }

    /// Removes every entry, keeping the allocated table.
    pub fn clear(&mut self) {
        self.table.clear();
    }

    /// Iterates over `(&key, &value)` in slot order: the order of the
    /// table's slots, which depends on the hashes and the capacity and
    /// changes completely at every grow.
    ///
    /// ```
    /// let m: hashgrow_stw::StwMap<u8, u8> = (0..4).map(|i| (i, i)).collect();
    /// let mut keys: Vec<u8> = m.iter().map(|(k, _)| *k).collect();
    /// keys.sort();
    /// assert_eq!(keys, [0, 1, 2, 3]);
    /// ```
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter {
            table: &self.table,
            slots: self.table.full_slots(),
        }
    }

    /// Iterates over `(&key, &mut value)` in slot order.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        let indices: Vec<usize> = self.table.full_slots().collect();
        IterMut {
            table: &mut self.table,
            indices: indices.into_iter(),
        }
    }

    /// Iterates over the keys in slot order.
    pub fn keys(&self) -> impl Iterator<Item = &K> + '_ {
        self.iter().map(|(k, _)| k)
    }

    /// Iterates over the values in slot order.
    pub fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.iter().map(|(_, v)| v)
    }

    /// Iterates over mutable values in slot order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> + '_ {
        self.iter_mut().map(|(_, v)| v)
    }

    /// Installs (or with `None` removes) a hook told of every grow.
    pub fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.hook = hook;
    }

    /// The growth counters (see [`Stats`]).
    pub fn stats(&self) -> Stats {
        let c = self.table.counters;
        Stats {
            entries_moved: c.entries_moved,
            grows: c.grows,
            same_size_grows: c.same_size_grows,
            capacity: self.table.buckets() as u64,
            ..Stats::default()
        }
    }
}

impl<K, V, S> StwMap<K, V, S>
where
    K: Hash + Eq,
    S: BuildHasher,
{
    #[inline]
    fn hash<Q: Hash + ?Sized>(&self, key: &Q) -> u64 {
        self.hash_builder.hash_one(key)
    }

    #[inline]
    fn find<Q>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        self.table.find(hash, |(k, _)| k.borrow() == key)
    }

    #[inline]
    fn entry_at(&self, i: usize) -> &(K, V) {
        // SAFETY: `find` and `insert` only return FULL slots.
        unsafe { &*self.table.slot(i) }
    }

    #[inline]
    fn entry_at_mut(&mut self, i: usize) -> &mut (K, V) {
        // SAFETY: as in `entry_at`, and `&mut self` makes it unique.
        unsafe { &mut *self.table.slot(i) }
    }

    /// Inserts a new entry known to be absent into `slot`, the free slot
    /// `find_or_insert_slot` returned for it; grows first if needed (then
    /// the entry goes where the new table says). Returns its slot.
    #[inline(always)]
    fn insert_new(&mut self, slot: usize, hash: u64, key: K, value: V) -> usize {
        let Self {
            table,
            hash_builder,
            hook,
        } = self;
        table.insert_at(
            slot,
            hash,
            (key, value),
            make_hasher(hash_builder),
            |_, report| report_grow(hook, report),
        )
    }

    /// Inserts `key` → `value`. Returns the old value if the key was there
    /// (the stored key is kept). May grow, moving every entry.
    ///
    /// ```
    /// let mut m = hashgrow_stw::StwMap::new();
    /// assert_eq!(m.insert(1, "a"), None);
    /// assert_eq!(m.insert(1, "b"), Some("a"));
    /// ```
    #[inline(always)]
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let hash = self.hash(&key);
        match self.table.find_or_insert_slot(hash, |(k, _)| *k == key) {
            Ok(i) => Some(std::mem::replace(&mut self.entry_at_mut(i).1, value)),
            Err(slot) => {
                self.insert_new(slot, hash, key, value);
                None
            }
        }
    }

    /// The value for `key`.
    ///
    /// ```
    /// let m: hashgrow_stw::StwMap<String, i32> = [("a".to_string(), 1)].into_iter().collect();
    /// assert_eq!(m.get("a"), Some(&1));
    /// assert_eq!(m.get("b"), None);
    /// ```
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.find(key).map(|i| &self.entry_at(i).1)
    }

    /// The stored key and value for `key`.
    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.find(key).map(|i| {
            let (k, v) = self.entry_at(i);
            (k, v)
        })
    }

    /// A mutable reference to the value for `key`.
    ///
    /// ```
    /// let mut m = hashgrow_stw::StwMap::new();
    /// m.insert(1, 10);
    /// *m.get_mut(&1).unwrap() += 1;
    /// assert_eq!(m[&1], 11);
    /// ```
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let i = self.find(key)?;
        Some(&mut self.entry_at_mut(i).1)
    }

    /// `true` if `key` is present.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.find(key).is_some()
    }

    /// Removes `key`, returning its value. Never shrinks the table.
    ///
    /// ```
    /// let mut m = hashgrow_stw::StwMap::new();
    /// m.insert(1, "a");
    /// assert_eq!(m.remove(&1), Some("a"));
    /// assert_eq!(m.remove(&1), None);
    /// ```
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    /// Removes `key`, returning the stored key and value.
    pub fn remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let i = self.find(key)?;
        // SAFETY: `find` returned a FULL slot.
        Some(unsafe { self.table.remove(i) })
    }

    /// Makes room for `additional` more entries, growing now (moving every
    /// entry once) rather than during later inserts.
    pub fn reserve(&mut self, additional: usize) {
        if let Some(report) = self
            .table
            .reserve(additional, &make_hasher(&self.hash_builder))
        {
            report_grow(&mut self.hook, report);
        }
    }

    /// The entry for `key`, for in-place insert-or-update.
    ///
    /// ```
    /// let mut counts = hashgrow_stw::StwMap::new();
    /// for w in ["a", "b", "a"] {
    ///     *counts.entry(w).or_insert(0) += 1;
    /// }
    /// assert_eq!(counts["a"], 2);
    /// ```
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V, S> {
        let hash = self.hash(&key);
        match self.table.find_or_insert_slot(hash, |(k, _)| *k == key) {
            Ok(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            Err(slot) => Entry::Vacant(VacantEntry {
                map: self,
                hash,
                key,
                slot,
            }),
        }
    }

    /// Checks the table's internal invariants (every entry reachable on its
    /// probe sequence, tags equal to the hash, counts consistent). Panics on
    /// the first violation. For tests; O(n).
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        self.table.check_invariants(make_hasher(&self.hash_builder));
    }
}

/// The hash of an entry, by its key (what a rebuild rehashes with).
fn make_hasher<K: Hash, V, S: BuildHasher>(hash_builder: &S) -> impl Fn(&(K, V)) -> u64 + '_ {
    move |(k, _)| hash_builder.hash_one(k)
}

/// Tells the hook (if any) about a grow.
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

/// A view into one key's place in a [`StwMap`].
pub enum Entry<'a, K, V, S> {
    /// The key is present.
    Occupied(OccupiedEntry<'a, K, V, S>),
    /// The key is absent.
    Vacant(VacantEntry<'a, K, V, S>),
}

/// A present key's entry.
pub struct OccupiedEntry<'a, K, V, S> {
    map: &'a mut StwMap<K, V, S>,
    index: usize,
}

/// An absent key's entry, holding the key until it is inserted.
pub struct VacantEntry<'a, K, V, S> {
    map: &'a mut StwMap<K, V, S>,
    hash: u64,
    key: K,
    /// Where the key goes unless the insert grows the table first.
    slot: usize,
}

impl<'a, K: Hash + Eq, V, S: BuildHasher> Entry<'a, K, V, S> {
    /// The value, inserting `default` if absent.
    pub fn or_insert(self, default: V) -> &'a mut V {
        self.or_insert_with(|| default)
    }

    /// The value, inserting `f()` if absent.
    pub fn or_insert_with<F: FnOnce() -> V>(self, f: F) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(f()),
        }
    }

    /// The value, inserting `V::default()` if absent.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    /// Applies `f` to the value if present.
    pub fn and_modify<F: FnOnce(&mut V)>(mut self, f: F) -> Self {
        if let Entry::Occupied(e) = &mut self {
            f(e.get_mut());
        }
        self
    }

    /// The entry's key.
    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(e) => e.key(),
            Entry::Vacant(e) => &e.key,
        }
    }
}

impl<'a, K: Hash + Eq, V, S: BuildHasher> OccupiedEntry<'a, K, V, S> {
    /// The stored key.
    pub fn key(&self) -> &K {
        &self.map.entry_at(self.index).0
    }
    /// The value.
    pub fn get(&self) -> &V {
        &self.map.entry_at(self.index).1
    }
    /// The value, mutably.
    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.entry_at_mut(self.index).1
    }
    /// The value, borrowed for the map's lifetime.
    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.entry_at_mut(self.index).1
    }
    /// Replaces the value, returning the old one.
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }
    /// Removes the entry, returning its value.
    pub fn remove(self) -> V {
        self.remove_entry().1
    }
    /// Removes the entry, returning key and value.
    pub fn remove_entry(self) -> (K, V) {
        // SAFETY: the entry's slot is FULL (held under &mut since `entry`).
        unsafe { self.map.table.remove(self.index) }
    }
}

impl<'a, K: Hash + Eq, V, S: BuildHasher> VacantEntry<'a, K, V, S> {
    /// The key that would be inserted.
    pub fn key(&self) -> &K {
        &self.key
    }
    /// Takes the key back.
    pub fn into_key(self) -> K {
        self.key
    }
    /// Inserts `value` (growing first if needed) and returns it.
    pub fn insert(self, value: V) -> &'a mut V {
        let i = self.map.insert_new(self.slot, self.hash, self.key, value);
        &mut self.map.entry_at_mut(i).1
    }
}

/// Iterator over `(&K, &V)`, from [`StwMap::iter`].
pub struct Iter<'a, K, V> {
    table: &'a RawTable<(K, V)>,
    slots: raw::FullSlots<'a, (K, V)>,
}

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let i = self.slots.next()?;
        // SAFETY: FullSlots yields FULL slots of a table borrowed for 'a.
        let (k, v) = unsafe { &*self.table.slot(i) };
        Some((k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.slots.size_hint()
    }
}
impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}
impl<K, V> FusedIterator for Iter<'_, K, V> {}

/// Iterator over `(&K, &mut V)`, from [`StwMap::iter_mut`].
pub struct IterMut<'a, K, V> {
    table: &'a mut RawTable<(K, V)>,
    indices: std::vec::IntoIter<usize>,
}

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        let i = self.indices.next()?;
        // SAFETY: each FULL index is yielded once, so the `&mut V`s are
        // disjoint, and the table is borrowed mutably for 'a.
        let (k, v) = unsafe { &mut *self.table.slot(i) };
        Some((&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }
}
impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

impl<'a, K, V, S> IntoIterator for &'a StwMap<K, V, S> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: Hash + Eq, V, S: BuildHasher> Extend<(K, V)> for StwMap<K, V, S> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        // Like std: reserve for the lower bound (halved when the map already
        // has entries, since many keys may be updates).
        let hint = iter.size_hint().0;
        self.reserve(if self.is_empty() {
            hint
        } else {
            hint.div_ceil(2)
        });
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Hash + Eq, V, S: BuildHasher + Default> FromIterator<(K, V)> for StwMap<K, V, S> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = StwMap::with_hasher(S::default());
        m.extend(iter);
        m
    }
}

impl<K: Hash + Eq, V, S: BuildHasher + Default> Default for StwMap<K, V, S> {
    fn default() -> Self {
        StwMap::with_hasher(S::default())
    }
}

impl<K: Hash + Eq + Clone, V: Clone, S: BuildHasher + Clone> Clone for StwMap<K, V, S> {
    fn clone(&self) -> Self {
        let mut m = StwMap::with_capacity_and_hasher(self.len(), self.hash_builder.clone());
        for (k, v) in self {
            m.insert(k.clone(), v.clone());
        }
        m
    }
}

impl<K: fmt::Debug, V: fmt::Debug, S> fmt::Debug for StwMap<K, V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Hash + Eq, V: PartialEq, S: BuildHasher> PartialEq for StwMap<K, V, S> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}
impl<K: Hash + Eq, V: Eq, S: BuildHasher> Eq for StwMap<K, V, S> {}

impl<K, Q, V, S> Index<&Q> for StwMap<K, V, S>
where
    K: Hash + Eq + Borrow<Q>,
    Q: Hash + Eq + ?Sized,
    S: BuildHasher,
{
    type Output = V;
    /// # Panics
    /// If `key` is absent.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("key not found in StwMap")
    }
}

impl<K: Hash + Eq, V, S: BuildHasher> Table<K, V> for StwMap<K, V, S> {
    #[inline(always)]
    fn insert(&mut self, key: K, value: V) -> Option<V> {
        StwMap::insert(self, key, value)
    }
    #[inline]
    fn get(&self, key: &K) -> Option<&V> {
        StwMap::get(self, key)
    }
    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        StwMap::remove(self, key)
    }
    fn len(&self) -> usize {
        StwMap::len(self)
    }
    fn stats(&self) -> Stats {
        StwMap::stats(self)
    }
    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        StwMap::set_event_hook(self, hook);
    }
}

#[cfg(test)]
mod tests;
