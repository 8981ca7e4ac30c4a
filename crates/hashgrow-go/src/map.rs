//! [`GoMap`]: the public, std-like map over the raw Go table.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::ops::Index;

use hashgrow::{DefaultHashBuilder, EventHook, Stats, Table};

use crate::entry::{Entry, OccupiedEntry, VacantEntry};
use crate::iter::{IntoIter, Iter, IterMut, Keys, RawIter, Values, ValuesMut};
use crate::layout::Bucket;
use crate::lookup::{Search, VacantPos};
use crate::raw::RawTable;

/// A hash map that grows exactly like the Go 1.19 runtime map: buckets of
/// 8 slots with overflow chains, doubling at 6.5 entries per bucket,
/// same-size grows when overflow buckets pile up, and incremental X/Y
/// evacuation of at most two old buckets per write. See the [crate
/// docs](crate) for the rule.
///
/// `S` is the hash builder; the default is FxHash
/// ([`hashgrow::DefaultHashBuilder`]), deterministic and fast but not
/// resistant to hash flooding.
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
pub struct GoMap<K, V, S = DefaultHashBuilder> {
    pub(crate) raw: RawTable<K, V>,
    pub(crate) hash_builder: S,
}

impl<K, V> GoMap<K, V, DefaultHashBuilder> {
    /// An empty map. Allocates nothing until the first insert (Go's
    /// `make(map[K]V)`: `B = 0`, first bucket allocated lazily).
    ///
    /// ```
    /// let m: hashgrow_go::GoMap<u64, u64> = hashgrow_go::GoMap::new();
    /// assert!(m.is_empty());
    /// assert_eq!(m.capacity(), 8);
    /// ```
    pub fn new() -> Self {
        Self::with_hasher(DefaultHashBuilder::default())
    }

    /// An empty map sized for `hint` entries as `make(map[K]V, hint)` does:
    /// the smallest `B` whose `2^B` buckets hold `hint` entries under the
    /// 6.5 load factor. For `hint <= 8`, `B = 0` and nothing is allocated
    /// yet.
    ///
    /// ```
    /// use hashgrow::Table;
    /// let m: hashgrow_go::GoMap<u64, u64> = hashgrow_go::GoMap::with_capacity(1000);
    /// assert_eq!(m.stats().log2_buckets, 8); // 13 * 2^7 / 2 = 832 < 1000 <= 1664
    /// ```
    pub fn with_capacity(hint: usize) -> Self {
        Self::with_capacity_and_hasher(hint, DefaultHashBuilder::default())
    }
}

impl<K, V, S> GoMap<K, V, S> {
    /// An empty map using `hash_builder`.
    ///
    /// ```
    /// use hashgrow::hash::SipBuildHasher;
    /// let mut m = hashgrow_go::GoMap::with_hasher(SipBuildHasher::random());
    /// m.insert(1, "one");
    /// assert_eq!(m[&1], "one");
    /// ```
    pub fn with_hasher(hash_builder: S) -> Self {
        Self::with_capacity_and_hasher(0, hash_builder)
    }

    /// [`with_capacity`](GoMap::with_capacity) with a given hash builder.
    pub fn with_capacity_and_hasher(hint: usize, hash_builder: S) -> Self {
        GoMap {
            raw: RawTable::with_hint(hint),
            hash_builder,
        }
    }

    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.raw.count
    }

    /// `true` when the map holds no entry.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.raw.count == 0
    }

    /// Entries the map holds before its next doubling: `6.5 * 2^B`
    /// (at least 8). Overflow buckets may be needed before that.
    pub fn capacity(&self) -> usize {
        let b = self.raw.b;
        (13 * ((1usize << b) / 2)).max(8)
    }

    /// The hash builder.
    pub fn hasher(&self) -> &S {
        &self.hash_builder
    }

    /// Growth counters and current state (`B`, `noverflow`, `nevacuate`,
    /// `growing`, ...). Cheap; `longest_chain` is left at 0 here, see
    /// [`longest_chain`](GoMap::longest_chain).
    pub fn stats(&self) -> Stats {
        self.raw.stats()
    }

    /// Longest chain now, in entries (walks every bucket: O(capacity)).
    pub fn longest_chain(&self) -> u64 {
        let mut longest = 0;
        let mut chain = |mut b: Bucket<K, V>| {
            let mut n = 0u64;
            while !b.is_null() {
                // SAFETY: `b` walks a live chain of this table.
                unsafe {
                    n += (0..crate::layout::BUCKET_CNT)
                        .filter(|&i| b.top(i) >= crate::layout::MIN_TOP_HASH)
                        .count() as u64;
                    b = b.overflow();
                }
            }
            longest = longest.max(n);
        };
        if !self.raw.buckets.is_null() {
            for i in (0..(1usize << self.raw.b)).filter(|&i| self.raw.new_ready(i)) {
                // SAFETY: `i < 2^b`, initialised.
                chain(unsafe { self.raw.buckets.at(i) });
            }
        }
        if self.raw.growing() {
            for i in 0..self.raw.noldbuckets() {
                // SAFETY: `i < noldbuckets()`.
                chain(unsafe { self.raw.oldbuckets.at(i) });
            }
        }
        longest
    }

    /// Installs (or removes) the event hook: [`hashgrow::Event::GrowStart`],
    /// [`GrowEnd`](hashgrow::Event::GrowEnd) and, after each `grow_work`
    /// that evacuated at least one old bucket,
    /// [`Evacuated`](hashgrow::Event::Evacuated). Tested only on cold paths.
    pub fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.raw.hook = hook;
    }

    /// Removes every entry, keeping the bucket array (`B` stays), as Go's
    /// `mapclear`; a grow in progress is abandoned.
    ///
    /// ```
    /// let mut m: hashgrow_go::GoMap<u32, u32> = (0..100).map(|i| (i, i)).collect();
    /// let b = m.stats().log2_buckets;
    /// m.clear();
    /// assert!(m.is_empty());
    /// assert_eq!(m.stats().log2_buckets, b);
    /// ```
    pub fn clear(&mut self) {
        self.raw.clear();
    }

    /// Iterates over `(&K, &V)`.
    ///
    /// **Order.** Go randomizes map iteration order on purpose; this map's
    /// order is deterministic instead (it depends only on the hashes and the
    /// history of operations): bucket `0, 1, .., 2^B - 1` of the current
    /// array, each chain from its head through its overflow buckets, slots
    /// in order; then, if a grow is in progress, the old buckets not yet
    /// evacuated, in index order, the same way.
    ///
    /// ```
    /// let m: hashgrow_go::GoMap<u64, u64> = (0..10).map(|i| (i, i * i)).collect();
    /// let mut sum = 0;
    /// for (k, v) in m.iter() {
    ///     assert_eq!(k * k, *v);
    ///     sum += v;
    /// }
    /// assert_eq!(sum, 285);
    /// ```
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter::new(RawIter::new(&self.raw))
    }

    /// Iterates over `(&K, &mut V)`, in the order of [`iter`](GoMap::iter).
    ///
    /// ```
    /// let mut m: hashgrow_go::GoMap<u64, u64> = (0..10).map(|i| (i, i)).collect();
    /// for (_, v) in m.iter_mut() {
    ///     *v += 1;
    /// }
    /// assert_eq!(m[&9], 10);
    /// ```
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut::new(RawIter::new(&self.raw))
    }

    /// Iterates over the keys, in the order of [`iter`](GoMap::iter).
    pub fn keys(&self) -> Keys<'_, K, V> {
        Keys { inner: self.iter() }
    }

    /// Iterates over the values, in the order of [`iter`](GoMap::iter).
    pub fn values(&self) -> Values<'_, K, V> {
        Values { inner: self.iter() }
    }

    /// Iterates over mutable values, in the order of [`iter`](GoMap::iter).
    pub fn values_mut(&mut self) -> ValuesMut<'_, K, V> {
        ValuesMut {
            inner: self.iter_mut(),
        }
    }
}

impl<K, V, S> GoMap<K, V, S>
where
    K: Hash + Eq,
    S: BuildHasher,
{
    #[inline(always)]
    fn hash<Q: Hash + ?Sized>(&self, q: &Q) -> u64 {
        self.hash_builder.hash_one(q)
    }

    /// Returns the value for `key`. Never moves anything, even during a
    /// grow: an entry whose old bucket is not evacuated is read there.
    ///
    /// ```
    /// let mut m = hashgrow_go::GoMap::new();
    /// m.insert(String::from("k"), 1);
    /// assert_eq!(m.get("k"), Some(&1)); // `&str` looks up a `String` key
    /// assert_eq!(m.get("x"), None);
    /// ```
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let (b, i) = self.raw.find(hash, |k| k.borrow() == key)?;
        // SAFETY: `find` returns a live slot; the borrow of `self` keeps it.
        Some(unsafe { &*b.val(i) })
    }

    /// Returns the stored key and value for `key`.
    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let (b, i) = self.raw.find(hash, |k| k.borrow() == key)?;
        // SAFETY: `find` returns a live slot; the borrow of `self` keeps it.
        Some(unsafe { (&*b.key(i), &*b.val(i)) })
    }

    /// Returns a mutable reference to the value for `key`. Like
    /// [`get`](GoMap::get), it never moves anything.
    ///
    /// ```
    /// let mut m = hashgrow_go::GoMap::new();
    /// m.insert(1, 10);
    /// *m.get_mut(&1).unwrap() += 1;
    /// assert_eq!(m[&1], 11);
    /// ```
    #[inline]
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let (b, i) = self.raw.find(hash, |k| k.borrow() == key)?;
        // SAFETY: live slot, and `&mut self` makes the reference unique.
        Some(unsafe { &mut *b.val(i) })
    }

    /// `true` if the map holds `key`.
    ///
    /// ```
    /// let m: hashgrow_go::GoMap<u8, ()> = [(1, ())].into_iter().collect();
    /// assert!(m.contains_key(&1) && !m.contains_key(&2));
    /// ```
    #[inline]
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        self.raw.find(hash, |k| k.borrow() == key).is_some()
    }

    /// Inserts `key -> value`; returns the previous value if the key was
    /// present (the stored key is then kept, as in `std`).
    ///
    /// This is Go's `m[key] = value`: while a grow is in progress it first
    /// evacuates the key's old bucket and old bucket `nevacuate` (also for
    /// an update); an insert of a new key may start a grow.
    ///
    /// ```
    /// use hashgrow::Table;
    /// let mut m = hashgrow_go::GoMap::new();
    /// for k in 0..9u64 {
    ///     assert_eq!(m.insert(k, k), None);
    /// }
    /// // The 9th key doubled the one-bucket map, and that insert already
    /// // evacuated the single old bucket: the grow is over.
    /// let s = m.stats();
    /// assert_eq!((s.log2_buckets, s.grows, s.growing), (1, 1, false));
    /// assert_eq!(s.entries_moved, 8);
    /// ```
    #[inline]
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let hash = self.hash(&key);
        let hb = &self.hash_builder;
        let hasher = |k: &K| hb.hash_one(k);
        match self.raw.begin_assign(hash, |k| *k == key, &hasher) {
            Search::Found(b, i) => {
                // SAFETY: live slot; we hold `&mut self`.
                Some(unsafe { std::mem::replace(&mut *b.val(i), value) })
            }
            Search::Vacant(pos) => {
                self.insert_new(hash, key, pos, value);
                None
            }
        }
    }

    /// Second half of an insert of an absent key (`insert`,
    /// `VacantEntry`): `finish_insert` (which may start a grow) takes the
    /// slot, then the key and value are written into it.
    #[inline(always)]
    pub(crate) fn insert_new(
        &mut self,
        hash: u64,
        key: K,
        pos: VacantPos<K, V>,
        value: V,
    ) -> (Bucket<K, V>, usize) {
        let hb = &self.hash_builder;
        let (b, i) = self.raw.finish_insert(hash, pos, &|k: &K| hb.hash_one(k));
        // SAFETY: `finish_insert` reserved this empty slot (tophash
        // written, count incremented) for us to initialise.
        unsafe {
            b.key(i).write(key);
            b.val(i).write(value);
        }
        (b, i)
    }

    /// Removes `key` and returns its value (Go's `delete(m, key)`, which also
    /// does `grow_work` while growing — except on an empty map).
    ///
    /// ```
    /// let mut m = hashgrow_go::GoMap::new();
    /// m.insert(1, "a");
    /// assert_eq!(m.remove(&1), Some("a"));
    /// assert_eq!(m.remove(&1), None);
    /// ```
    #[inline]
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    /// Removes `key` and returns the stored key and its value.
    pub fn remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let hb = &self.hash_builder;
        self.raw
            .remove(hash, |k| k.borrow() == key, &|k: &K| hb.hash_one(k))
    }

    /// The entry for `key`, for in-place insert-or-update.
    ///
    /// Like Go's assign, this runs `grow_work` for the key's bucket when a
    /// grow is in progress, even if the entry is then left untouched; a new
    /// key is only counted (and a grow only started) by
    /// [`VacantEntry::insert`].
    ///
    /// ```
    /// let mut counts = hashgrow_go::GoMap::new();
    /// for w in "a b a c a".split(' ') {
    ///     *counts.entry(w).or_insert(0) += 1;
    /// }
    /// assert_eq!(counts["a"], 3);
    /// counts.entry("b").and_modify(|n| *n *= 10).or_default();
    /// assert_eq!(counts["b"], 10);
    /// ```
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V, S> {
        let hash = self.hash(&key);
        let hb = &self.hash_builder;
        match self
            .raw
            .begin_assign(hash, |k| *k == key, &|k: &K| hb.hash_one(k))
        {
            Search::Found(b, i) => {
                // SAFETY: `begin_assign` made sure the array exists.
                let head = unsafe { self.raw.chain_head(hash) };
                Entry::Occupied(OccupiedEntry {
                    map: self,
                    head,
                    bucket: b,
                    idx: i,
                })
            }
            Search::Vacant(pos) => Entry::Vacant(VacantEntry {
                map: self,
                hash,
                key,
                pos,
            }),
        }
    }

    /// Checks the table's structural invariants and panics with a message
    /// if one is broken: every live key sits in the bucket its hash names
    /// (or in its old bucket, not yet evacuated), with the right tophash;
    /// no live slot follows an `emptyRest`; old buckets below `nevacuate`
    /// are evacuated; the live entries add up to `len()`. For tests.
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        crate::invariants::check(self);
    }
}

impl<K, V, S: Default> Default for GoMap<K, V, S> {
    fn default() -> Self {
        Self::with_hasher(S::default())
    }
}

impl<K: fmt::Debug, V: fmt::Debug, S> fmt::Debug for GoMap<K, V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K, Q, V, S> Index<&Q> for GoMap<K, V, S>
where
    K: Hash + Eq + Borrow<Q>,
    Q: Hash + Eq + ?Sized,
    S: BuildHasher,
{
    type Output = V;

    /// Panics if the key is absent.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("GoMap: key not found")
    }
}

impl<K: Hash + Eq, V, S: BuildHasher> Extend<(K, V)> for GoMap<K, V, S> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<'a, K: Hash + Eq + Copy, V: Copy, S: BuildHasher> Extend<(&'a K, &'a V)> for GoMap<K, V, S> {
    fn extend<I: IntoIterator<Item = (&'a K, &'a V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(*k, *v);
        }
    }
}

impl<K: Hash + Eq, V, S: BuildHasher + Default> FromIterator<(K, V)> for GoMap<K, V, S> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = Self::with_hasher(S::default());
        m.extend(iter);
        m
    }
}

impl<K: Hash + Eq, V, const N: usize> From<[(K, V); N]> for GoMap<K, V> {
    fn from(arr: [(K, V); N]) -> Self {
        arr.into_iter().collect()
    }
}

/// Builds a new map with the same entries, inserted in iteration order (the
/// clone's layout and growth counters are its own).
impl<K: Hash + Eq + Clone, V: Clone, S: BuildHasher + Clone> Clone for GoMap<K, V, S> {
    fn clone(&self) -> Self {
        let mut m = Self::with_capacity_and_hasher(self.len(), self.hash_builder.clone());
        for (k, v) in self.iter() {
            m.insert(k.clone(), v.clone());
        }
        m
    }
}

impl<K: Hash + Eq, V: PartialEq, S: BuildHasher> PartialEq for GoMap<K, V, S> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<K: Hash + Eq, V: Eq, S: BuildHasher> Eq for GoMap<K, V, S> {}

impl<'a, K, V, S> IntoIterator for &'a GoMap<K, V, S> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}

impl<'a, K, V, S> IntoIterator for &'a mut GoMap<K, V, S> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> IterMut<'a, K, V> {
        self.iter_mut()
    }
}

impl<K, V, S> IntoIterator for GoMap<K, V, S> {
    type Item = (K, V);
    type IntoIter = IntoIter<K, V>;
    /// Consumes the map, yielding its entries in the order of
    /// [`iter`](GoMap::iter).
    fn into_iter(self) -> IntoIter<K, V> {
        let GoMap { raw, .. } = self;
        IntoIter::new(raw)
    }
}

impl<K: Hash + Eq, V, S: BuildHasher> Table<K, V> for GoMap<K, V, S> {
    #[inline]
    fn insert(&mut self, key: K, value: V) -> Option<V> {
        GoMap::insert(self, key, value)
    }
    #[inline]
    fn get(&self, key: &K) -> Option<&V> {
        GoMap::get(self, key)
    }
    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        GoMap::remove(self, key)
    }
    fn len(&self) -> usize {
        self.raw.count
    }
    fn stats(&self) -> Stats {
        self.raw.stats()
    }
    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.raw.hook = hook;
    }
}
