//! [`Map`]: the one std-shaped map API, written once over any strategy's
//! [`RawTable`].
//!
//! Every strategy crate exports its map as an alias of this type
//! (`hashgrow_go::GoMap<K, V, S>` is `Map<K, V, GoTable<K, V>, S>`), so a
//! user gets the whole `std::collections::HashMap` API on each, and a
//! strategy crate is only its layout and growth rule. Where a runtime's own
//! semantics differ (Go never shrinks, Java's capacity counts bins), the
//! raw table follows the runtime and says so; the facade only hashes keys
//! and turns slots into references.
//!
//! The examples here use [`LinearMap`](crate::linear::LinearMap), the
//! textbook table this crate carries for exactly that purpose; every
//! strategy map behaves the same way through this API.

mod entry;
mod iter;

use std::borrow::Borrow;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::marker::PhantomData;
use std::ops::Index;

use crate::raw::{RawLookup, RawTable, TryReserveError};
use crate::{DefaultHashBuilder, EventHook, Stats, Table};

pub use entry::{Entry, OccupiedEntry, VacantEntry};
pub use iter::{
    Drain, ExtractIf, IntoIter, IntoKeys, IntoValues, Iter, IterMut, Keys, Values, ValuesMut,
};

/// A hash map with the API of `std::collections::HashMap`, over the raw
/// table `R` of one growth strategy, hashing with `S`.
///
/// Use it through a strategy's alias (`GoMap`, `JavaMap`, `StwMap`, ...):
///
/// ```
/// use hashgrow::linear::LinearMap;
///
/// let mut m = LinearMap::new();
/// m.insert("a", 1);
/// m.insert("b", 2);
/// assert_eq!(m.get("a"), Some(&1));
/// assert_eq!(m.insert("a", 10), Some(1));
/// assert_eq!(m.remove("b"), Some(2));
/// assert_eq!(m["a"], 10);
/// ```
pub struct Map<K, V, R, S = DefaultHashBuilder> {
    raw: R,
    hash_builder: S,
    // `R` owns the entries; this only ties K and V to the map's variance
    // and drop check as std's map does.
    marker: PhantomData<(K, V)>,
}

/// The closure growth uses to rehash a stored key.
#[inline(always)]
fn make_hasher<K: Hash, S: BuildHasher>(hash_builder: &S) -> impl Fn(&K) -> u64 + '_ {
    move |k| hash_builder.hash_one(k)
}

impl<K, V, R: RawTable<K, V>> Map<K, V, R, DefaultHashBuilder> {
    /// An empty map with the default, randomly seeded hasher. Allocates
    /// nothing until the first insert (for every strategy here).
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u64, u64> = hashgrow::linear::LinearMap::new();
    /// assert!(m.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::with_hasher(DefaultHashBuilder::default())
    }

    /// An empty map sized for `capacity` entries by the strategy's own rule
    /// (Go's `make(map, hint)`, Java's `new HashMap(initialCapacity)`,
    /// which counts bins). A hint too large for the strategy is clamped or
    /// ignored as its runtime does; it never aborts.
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u64, u64> =
    ///     hashgrow::linear::LinearMap::with_capacity(100);
    /// assert!(m.capacity() >= 100);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_and_hasher(capacity, DefaultHashBuilder::default())
    }
}

impl<K, V, R: RawTable<K, V>, S> Map<K, V, R, S> {
    /// An empty map that hashes with `hash_builder`.
    ///
    /// ```
    /// use std::collections::hash_map::RandomState;
    /// let mut m = hashgrow::linear::LinearMap::with_hasher(RandomState::new());
    /// m.insert(1, "one");
    /// assert_eq!(m[&1], "one");
    /// ```
    pub fn with_hasher(hash_builder: S) -> Self {
        Self::from_raw_parts(R::new(), hash_builder)
    }

    /// [`with_capacity`](Map::with_capacity) with a given hasher.
    ///
    /// ```
    /// use std::collections::hash_map::RandomState;
    /// let m: hashgrow::linear::LinearMap<u8, u8, _> =
    ///     hashgrow::linear::LinearMap::with_capacity_and_hasher(10, RandomState::new());
    /// assert!(m.capacity() >= 10);
    /// ```
    pub fn with_capacity_and_hasher(capacity: usize, hash_builder: S) -> Self {
        Self::from_raw_parts(R::with_capacity(capacity), hash_builder)
    }

    /// A map over an already built raw table (for strategy-specific
    /// constructors, such as Java's load factor).
    ///
    /// ```
    /// use hashgrow::linear::LinearTable;
    /// use hashgrow::raw::RawTable;
    /// let m: hashgrow::linear::LinearMap<u8, u8> =
    ///     hashgrow::map::Map::from_raw_parts(LinearTable::with_capacity(4), Default::default());
    /// assert!(m.is_empty());
    /// ```
    pub fn from_raw_parts(raw: R, hash_builder: S) -> Self {
        Map {
            raw,
            hash_builder,
            marker: PhantomData,
        }
    }

    /// The strategy's raw table, for its own read-only queries (Java's
    /// `threshold`, Go's `longest_chain`, ...).
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, u8> = [(1, 1)].into_iter().collect();
    /// assert_eq!(m.raw().slots(), 8);
    /// ```
    pub fn raw(&self) -> &R {
        &self.raw
    }

    /// The raw table and the hasher, for a strategy's own operations that
    /// move entries (Redis's `rehash(n)`), which take the hasher as a
    /// closure. The raw table's public methods keep it consistent.
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u8, u8> = [(1, 1)].into_iter().collect();
    /// let (raw, _hasher) = m.raw_parts_mut();
    /// assert_eq!(raw.slots(), 8);
    /// ```
    pub fn raw_parts_mut(&mut self) -> (&mut R, &S) {
        (&mut self.raw, &self.hash_builder)
    }

    /// Number of entries.
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, u8> = [(1, 1), (2, 2)].into();
    /// assert_eq!(m.len(), 2);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// `true` when the map holds no entry.
    ///
    /// ```
    /// let mut m = hashgrow::linear::LinearMap::new();
    /// assert!(m.is_empty());
    /// m.insert(1, 1);
    /// assert!(!m.is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.raw.len() == 0
    }

    /// Entries the map holds before its next grow, in the strategy's terms
    /// (see its crate docs: Go counts `6.5 * 2^B`, Java its bins).
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, u8> = hashgrow::linear::LinearMap::with_capacity(7);
    /// assert!(m.capacity() >= 7);
    /// ```
    pub fn capacity(&self) -> usize {
        self.raw.capacity()
    }

    /// The map's hasher.
    ///
    /// ```
    /// use std::collections::hash_map::RandomState;
    /// let s = RandomState::new();
    /// let m: hashgrow::linear::LinearMap<u8, u8, _> = hashgrow::linear::LinearMap::with_hasher(s);
    /// let _: &RandomState = m.hasher();
    /// ```
    pub fn hasher(&self) -> &S {
        &self.hash_builder
    }

    /// Growth counters and the table's current state (a copy of a few
    /// words): see [`Stats`] for what each counts.
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u32, u32> = (0..100).map(|i| (i, i)).collect();
    /// assert!(m.stats().grows > 0);
    /// ```
    pub fn stats(&self) -> Stats {
        self.raw.stats()
    }

    /// Installs (or, with `None`, removes) the event hook: grows, splits,
    /// evacuations, treeifies as the strategy reports them, each sent once
    /// the state it describes is committed.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// let seen = Arc::new(Mutex::new(0));
    /// let sink = Arc::clone(&seen);
    /// let mut m = hashgrow::linear::LinearMap::new();
    /// m.set_event_hook(Some(Box::new(move |_e: &hashgrow::Event| *sink.lock().unwrap() += 1)));
    /// for i in 0..100 {
    ///     m.insert(i, i);
    /// }
    /// assert!(*seen.lock().unwrap() > 0);
    /// ```
    pub fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.raw.set_event_hook(hook);
    }

    /// Iterates over `(&K, &V)` in the strategy's order (documented on
    /// each strategy: Java's bin order, Go's bucket order, ...).
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u64, u64> = (0..10).map(|i| (i, i * i)).collect();
    /// let sum: u64 = m.iter().map(|(_, v)| v).sum();
    /// assert_eq!(sum, 285);
    /// ```
    pub fn iter(&self) -> Iter<'_, K, V, R> {
        Iter::new(&self.raw)
    }

    /// Iterates over `(&K, &mut V)`, in the order of [`iter`](Map::iter).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u64, u64> = (0..10).map(|i| (i, i)).collect();
    /// for (_, v) in m.iter_mut() {
    ///     *v += 1;
    /// }
    /// assert_eq!(m[&9], 10);
    /// ```
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V, R> {
        IterMut::new(&mut self.raw)
    }

    /// The keys, in the order of [`iter`](Map::iter).
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, ()> = [(1, ()), (2, ())].into();
    /// let mut k: Vec<u8> = m.keys().copied().collect();
    /// k.sort();
    /// assert_eq!(k, [1, 2]);
    /// ```
    pub fn keys(&self) -> Keys<'_, K, V, R> {
        Keys { inner: self.iter() }
    }

    /// The values, in the order of [`iter`](Map::iter).
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, u32> = [(1, 10), (2, 20)].into();
    /// assert_eq!(m.values().sum::<u32>(), 30);
    /// ```
    pub fn values(&self) -> Values<'_, K, V, R> {
        Values { inner: self.iter() }
    }

    /// The values, writable, in the order of [`iter`](Map::iter).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u8, u32> = [(1, 10), (2, 20)].into();
    /// m.values_mut().for_each(|v| *v *= 2);
    /// assert_eq!(m[&2], 40);
    /// ```
    pub fn values_mut(&mut self) -> ValuesMut<'_, K, V, R> {
        ValuesMut {
            inner: self.iter_mut(),
        }
    }

    /// Consumes the map into its keys.
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, u8> = [(1, 10), (2, 20)].into();
    /// let mut k: Vec<u8> = m.into_keys().collect();
    /// k.sort();
    /// assert_eq!(k, [1, 2]);
    /// ```
    pub fn into_keys(self) -> IntoKeys<K, V, R> {
        IntoKeys {
            inner: self.into_iter(),
        }
    }

    /// Consumes the map into its values.
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, u8> = [(1, 10), (2, 20)].into();
    /// assert_eq!(m.into_values().map(u32::from).sum::<u32>(), 30);
    /// ```
    pub fn into_values(self) -> IntoValues<K, V, R> {
        IntoValues {
            inner: self.into_iter(),
        }
    }

    /// Removes every entry and returns them as an iterator. The map is
    /// empty afterwards, even if the iterator is dropped early; its storage
    /// goes with the iterator (the strategy's configuration, such as a load
    /// factor, stays).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u8, u8> = [(1, 10), (2, 20)].into();
    /// let mut all: Vec<(u8, u8)> = m.drain().collect();
    /// all.sort();
    /// assert_eq!(all, [(1, 10), (2, 20)]);
    /// assert!(m.is_empty());
    /// ```
    pub fn drain(&mut self) -> Drain<'_, K, V, R> {
        Drain {
            inner: self.raw.take().into_entries(),
            marker: PhantomData,
        }
    }

    /// Keeps only the entries for which `f` returns `true`, visiting each
    /// once in iteration order. Removal moves no other entry and does no
    /// growth work (no evacuation, no rehash step).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u32, u32> = (0..8).map(|i| (i, i * 10)).collect();
    /// m.retain(|&k, _| k % 2 == 0);
    /// assert_eq!(m.len(), 4);
    /// ```
    pub fn retain<F: FnMut(&K, &mut V) -> bool>(&mut self, mut f: F) {
        // SAFETY: the iterator is used only while `self.raw` lives, and the
        // table changes only by `remove_slot` of slots it already yielded
        // and `entry_mut` writes, which the contract allows.
        let slots = unsafe { self.raw.raw_iter() };
        for slot in slots {
            // SAFETY: a yielded slot is live until removed.
            let (k, v) = unsafe { self.raw.entry_mut(slot) };
            if !f(k, v) {
                // SAFETY: live; removed once.
                drop(unsafe { self.raw.remove_slot(slot) });
            }
        }
    }

    /// An iterator that removes and yields the entries for which `pred`
    /// returns `true`; entries it does not reach stay (std's `extract_if`).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u32, u32> = (0..8).map(|i| (i, i)).collect();
    /// let mut odd: Vec<u32> = m.extract_if(|k, _| k % 2 == 1).map(|(k, _)| k).collect();
    /// odd.sort();
    /// assert_eq!(odd, [1, 3, 5, 7]);
    /// assert_eq!(m.len(), 4);
    /// ```
    pub fn extract_if<F: FnMut(&K, &mut V) -> bool>(
        &mut self,
        pred: F,
    ) -> ExtractIf<'_, K, V, R, F> {
        // SAFETY: `ExtractIf` borrows the map mutably for its whole life and
        // changes it only by `remove_slot` of yielded slots.
        let slots = unsafe { self.raw.raw_iter() };
        ExtractIf {
            raw: &mut self.raw,
            slots,
            pred,
            marker: PhantomData,
        }
    }

    /// Removes every entry. What happens to the storage is the runtime's
    /// rule (Go and Java keep their arrays; see the strategy).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u8, u8> = [(1, 1)].into();
    /// m.clear();
    /// assert!(m.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.raw.clear();
    }
}

impl<K, V, R, S> Map<K, V, R, S>
where
    K: Hash,
    R: RawTable<K, V>,
    S: BuildHasher,
{
    /// Checks the table's structural invariants and panics with a message
    /// naming the first one broken. For tests.
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        self.raw.check_invariants(make_hasher(&self.hash_builder));
    }

    /// Makes room for `additional` more entries without a grow, where the
    /// strategy can (see its docs; Go's map, for one, has no such
    /// operation).
    ///
    /// # Panics
    /// If the new size overflows or cannot be allocated (as std).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u64, u64> = hashgrow::linear::LinearMap::new();
    /// m.reserve(100);
    /// assert!(m.capacity() >= 100);
    /// ```
    pub fn reserve(&mut self, additional: usize) {
        if let Err(e) = self.try_reserve(additional) {
            panic!("{e}");
        }
    }

    /// [`reserve`](Map::reserve) that reports failure instead of panicking.
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u64, u64> = hashgrow::linear::LinearMap::new();
    /// assert!(m.try_reserve(10).is_ok());
    /// assert!(m.try_reserve(usize::MAX).is_err());
    /// ```
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), TryReserveError> {
        self.raw
            .try_reserve(additional, make_hasher(&self.hash_builder))
    }

    /// Shrinks the storage as far as the strategy allows (a no-op for the
    /// runtimes that never shrink: Go, Java).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u64, u64> = (0..100).map(|i| (i, i)).collect();
    /// m.retain(|&k, _| k < 3);
    /// m.shrink_to_fit();
    /// assert!(m.capacity() < 100);
    /// ```
    pub fn shrink_to_fit(&mut self) {
        self.shrink_to(0);
    }

    /// Shrinks the storage, keeping room for at least `min_capacity`
    /// entries (and for every entry present), where the strategy allows.
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u64, u64> = hashgrow::linear::LinearMap::with_capacity(1000);
    /// m.shrink_to(10);
    /// assert!(m.capacity() >= 10 && m.capacity() < 1000);
    /// ```
    pub fn shrink_to(&mut self, min_capacity: usize) {
        let min = min_capacity.max(self.raw.len());
        self.raw.shrink_to(min, make_hasher(&self.hash_builder));
    }

    /// Returns the value for `key`.
    ///
    /// ```
    /// let mut m = hashgrow::linear::LinearMap::new();
    /// m.insert(String::from("k"), 1);
    /// assert_eq!(m.get("k"), Some(&1)); // `&str` looks up a `String` key
    /// assert_eq!(m.get("x"), None);
    /// ```
    #[inline(always)]
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
        R: RawLookup<K, V, Q>,
    {
        self.get_key_value(key).map(|(_, v)| v)
    }

    /// Returns the stored key and its value.
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, u8> = [(1, 10)].into();
    /// assert_eq!(m.get_key_value(&1), Some((&1, &10)));
    /// ```
    // Always inlined (as is `get`): a lookup loop over a large map is
    // bound by how many lookups the CPU keeps in flight, and an
    // out-of-line call per lookup cost JavaMap a third of its hit speed.
    #[inline(always)]
    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
        R: RawLookup<K, V, Q>,
    {
        let slot = self.raw.find(self.hash_builder.hash_one(key), key)?;
        // SAFETY: `find` returns a live slot; `&self` keeps it live.
        Some(unsafe { self.raw.entry(slot) })
    }

    /// Returns the value for `key`, writable. Does the lookup work the
    /// runtime does on a lookup ([`RawLookup::find_mut`]: a rehash step for
    /// Redis), and nothing for the others.
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u8, u8> = [(1, 10)].into();
    /// *m.get_mut(&1).unwrap() += 1;
    /// assert_eq!(m[&1], 11);
    /// ```
    #[inline]
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
        R: RawLookup<K, V, Q>,
    {
        let slot = self.raw.find_mut(self.hash_builder.hash_one(key), key)?;
        // SAFETY: live slot; `&mut self` makes the reference unique.
        Some(unsafe { self.raw.entry_mut(slot) }.1)
    }

    /// Values for `N` distinct keys at once, each writable; `None` for an
    /// absent key (std's `get_disjoint_mut`).
    ///
    /// # Panics
    /// If two of the keys are equal (they would name the same entry).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u8, u32> = [(1, 10), (2, 20)].into();
    /// let [a, b, c] = m.get_disjoint_mut([&1, &2, &3]);
    /// std::mem::swap(a.unwrap(), b.unwrap());
    /// assert!(c.is_none());
    /// assert_eq!((m[&1], m[&2]), (20, 10));
    /// ```
    pub fn get_disjoint_mut<Q, const N: usize>(&mut self, keys: [&Q; N]) -> [Option<&'_ mut V>; N]
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
        R: RawLookup<K, V, Q>,
    {
        let slots = keys.map(|k| self.raw.find(self.hash_builder.hash_one(k), k));
        for (i, a) in slots.iter().enumerate() {
            if a.is_some() && slots[..i].contains(a) {
                panic!("get_disjoint_mut: duplicate keys");
            }
        }
        // SAFETY: the slots are live and pairwise distinct, so the `&mut V`
        // are disjoint; `entry_mut` creates no reference to other entries
        // (the `RawTable` contract), so earlier pointers stay valid; `&mut
        // self` keeps the table unchanged for the results' lifetime.
        slots.map(|s| s.map(|s| unsafe { &mut *(self.raw.entry_mut(s).1 as *mut V) }))
    }

    /// `true` if the map holds `key`.
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, ()> = [(1, ())].into();
    /// assert!(m.contains_key(&1) && !m.contains_key(&2));
    /// ```
    #[inline]
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
        R: RawLookup<K, V, Q>,
    {
        self.raw
            .find(self.hash_builder.hash_one(key), key)
            .is_some()
    }

    /// Inserts `key -> value`; returns the previous value if the key was
    /// present (the stored key is then kept, as in std). A new key may make
    /// the map grow, by the strategy's rule; while a strategy is growing
    /// incrementally, any write also does its share of the move.
    ///
    /// ```
    /// let mut m = hashgrow::linear::LinearMap::new();
    /// assert_eq!(m.insert(1, "a"), None);
    /// assert_eq!(m.insert(1, "b"), Some("a"));
    /// ```
    #[inline]
    pub fn insert(&mut self, key: K, value: V) -> Option<V>
    where
        R: RawLookup<K, V, K>,
    {
        let hash = self.hash_builder.hash_one(&key);
        RawLookup::<K, V, K>::insert(
            &mut self.raw,
            hash,
            key,
            value,
            make_hasher(&self.hash_builder),
        )
    }

    /// Removes `key` and returns its value (the runtime's delete, with
    /// whatever growth work it does first).
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u8, &str> = [(1, "a")].into();
    /// assert_eq!(m.remove(&1), Some("a"));
    /// assert_eq!(m.remove(&1), None);
    /// ```
    #[inline]
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
        R: RawLookup<K, V, Q>,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    /// Removes `key` and returns the stored key and its value.
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<u8, &str> = [(1, "a")].into();
    /// assert_eq!(m.remove_entry(&1), Some((1, "a")));
    /// ```
    #[inline]
    pub fn remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
        R: RawLookup<K, V, Q>,
    {
        let hash = self.hash_builder.hash_one(key);
        self.raw.remove(hash, key, make_hasher(&self.hash_builder))
    }

    /// The entry for `key`, for in-place insert-or-update. Like an insert,
    /// it does the strategy's per-write growth work first; a new key is
    /// only counted (and a grow only started) by [`VacantEntry::insert`].
    ///
    /// ```
    /// let mut counts = hashgrow::linear::LinearMap::new();
    /// for w in "a b a c a".split(' ') {
    ///     *counts.entry(w).or_insert(0) += 1;
    /// }
    /// assert_eq!(counts["a"], 3);
    /// ```
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V, R, S>
    where
        R: RawLookup<K, V, K>,
    {
        let hash = self.hash_builder.hash_one(&key);
        match self
            .raw
            .find_or_vacancy(hash, &key, make_hasher(&self.hash_builder))
        {
            Ok(slot) => Entry::Occupied(OccupiedEntry { map: self, slot }),
            Err(vacancy) => Entry::Vacant(VacantEntry {
                map: self,
                hash,
                key,
                vacancy,
            }),
        }
    }
}

impl<K, V, R: RawTable<K, V>, S: Default> Default for Map<K, V, R, S> {
    /// An empty map with `S::default()`.
    fn default() -> Self {
        Self::with_hasher(S::default())
    }
}

impl<K: fmt::Debug, V: fmt::Debug, R: RawTable<K, V>, S> fmt::Debug for Map<K, V, R, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K, Q, V, R, S> Index<&Q> for Map<K, V, R, S>
where
    K: Hash + Borrow<Q>,
    Q: Hash + ?Sized,
    R: RawLookup<K, V, Q>,
    S: BuildHasher,
{
    type Output = V;

    /// The value for `key`.
    ///
    /// # Panics
    /// If the key is absent.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("key not found in map")
    }
}

impl<K: Hash, V, R: RawLookup<K, V, K>, S: BuildHasher> Extend<(K, V)> for Map<K, V, R, S> {
    /// Inserts every pair, one by one (each insert follows the strategy's
    /// growth rule; nothing is reserved ahead, so the runtime's decisions
    /// are the same as for a loop of inserts).
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<'a, K, V, R, S> Extend<(&'a K, &'a V)> for Map<K, V, R, S>
where
    K: Hash + Copy,
    V: Copy,
    R: RawLookup<K, V, K>,
    S: BuildHasher,
{
    fn extend<I: IntoIterator<Item = (&'a K, &'a V)>>(&mut self, iter: I) {
        self.extend(iter.into_iter().map(|(k, v)| (*k, *v)));
    }
}

impl<K: Hash, V, R: RawLookup<K, V, K>, S: BuildHasher + Default> FromIterator<(K, V)>
    for Map<K, V, R, S>
{
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = Self::with_hasher(S::default());
        m.extend(iter);
        m
    }
}

impl<K: Hash, V, R: RawLookup<K, V, K>, const N: usize> From<[(K, V); N]>
    for Map<K, V, R, DefaultHashBuilder>
{
    fn from(arr: [(K, V); N]) -> Self {
        arr.into_iter().collect()
    }
}

/// A new map with the same entries, inserted in iteration order into a
/// table the strategy sizes as its runtime sizes a copy (Java's
/// `HashMap.clone()` rule, Go's `maps.Clone` hint); its growth counters are
/// its own.
impl<K, V, R, S> Clone for Map<K, V, R, S>
where
    K: Hash + Clone,
    V: Clone,
    R: RawLookup<K, V, K>,
    S: BuildHasher + Clone,
{
    fn clone(&self) -> Self {
        let mut m = Self::from_raw_parts(self.raw.empty_clone(), self.hash_builder.clone());
        for (k, v) in self.iter() {
            m.insert(k.clone(), v.clone());
        }
        m
    }
}

impl<K, V, R, S> PartialEq for Map<K, V, R, S>
where
    K: Hash,
    V: PartialEq,
    R: RawLookup<K, V, K>,
    S: BuildHasher,
{
    /// Equal when both hold the same keys with equal values (whatever
    /// their layouts or orders).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<K, V, R, S> Eq for Map<K, V, R, S>
where
    K: Hash,
    V: Eq,
    R: RawLookup<K, V, K>,
    S: BuildHasher,
{
}

impl<'a, K, V, R: RawTable<K, V>, S> IntoIterator for &'a Map<K, V, R, S> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V, R>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V, R: RawTable<K, V>, S> IntoIterator for &'a mut Map<K, V, R, S> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V, R>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<K, V, R: RawTable<K, V>, S> IntoIterator for Map<K, V, R, S> {
    type Item = (K, V);
    type IntoIter = IntoIter<K, V, R>;
    /// Consumes the map, yielding its entries in the order of
    /// [`iter`](Map::iter).
    fn into_iter(self) -> Self::IntoIter {
        IntoIter {
            inner: self.raw.into_entries(),
        }
    }
}

impl<K, V, R, S> Table<K, V> for Map<K, V, R, S>
where
    K: Hash,
    R: RawLookup<K, V, K>,
    S: BuildHasher,
{
    #[inline]
    fn insert(&mut self, key: K, value: V) -> Option<V> {
        Map::insert(self, key, value)
    }
    #[inline]
    fn get(&self, key: &K) -> Option<&V> {
        Map::get(self, key)
    }
    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        Map::remove(self, key)
    }
    fn len(&self) -> usize {
        self.raw.len()
    }
    fn stats(&self) -> Stats {
        self.raw.stats()
    }
    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.raw.set_event_hook(hook);
    }
}
