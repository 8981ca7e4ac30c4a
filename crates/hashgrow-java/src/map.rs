//! [`JavaMap`]: the public map, a thin layer over [`RawTable`] that owns
//! the hasher and turns keys into Java hash codes.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::ops::Index;

use hashgrow::{DefaultHashBuilder, EventHook, Stats, Table};

use crate::arena::NIL;
use crate::entry::{Entry, OccupiedEntry, VacantEntry};
use crate::iter::{Iter, IterMut, Keys, Values, ValuesMut};
use crate::raw::{spread, Put, RawTable, DEFAULT_LOAD_FACTOR};

/// A hash map that grows exactly like JDK 17's `java.util.HashMap`.
///
/// Same table sizes, same thresholds, same resize moments, same bins, same
/// tree bins and the same iteration order as the Java map fed the same keys
/// with the same hash codes (the key's hash code is the low 32 bits of
/// `S`'s output). See the [crate docs](crate) for the rules.
///
/// Keys must be [`Hash`] and [`Ord`]: the order is used inside tree bins,
/// as Java uses `compareTo` for `Comparable` keys, and keeps lookups in a
/// bin of colliding keys logarithmic.
///
/// ```
/// use hashgrow_java::JavaMap;
///
/// let mut m = JavaMap::new();
/// m.insert("one", 1);
/// m.insert("two", 2);
/// assert_eq!(m.get("one"), Some(&1));
/// assert_eq!(m.insert("one", 10), Some(1));
/// assert_eq!(m.len(), 2);
/// assert_eq!(m.capacity(), 16); // Java's default table, made on the first insert
/// ```
pub struct JavaMap<K, V, S = DefaultHashBuilder> {
    pub(crate) raw: RawTable<K, V>,
    hash_builder: S,
}

impl<K, V> JavaMap<K, V, DefaultHashBuilder> {
    /// An empty map, as `new HashMap<>()`: no table until the first insert,
    /// which makes one of 16 bins (resized when it holds more than 12).
    pub fn new() -> Self {
        Self::with_hasher(DefaultHashBuilder::default())
    }

    /// An empty map, as `new HashMap<>(initial_capacity)`.
    ///
    /// Note the Java meaning: `initial_capacity` is a number of *bins*. The
    /// first insert makes a table of `initial_capacity` rounded up to a
    /// power of two (at least 1) bins, which resizes when it holds more than
    /// 0.75 times that. For room for `n` entries without a resize, ask for
    /// `n * 4 / 3 + 1`.
    ///
    /// ```
    /// use hashgrow_java::JavaMap;
    ///
    /// let mut m = JavaMap::with_capacity(100);
    /// m.insert(1u32, ());
    /// assert_eq!(m.capacity(), 128);
    /// ```
    pub fn with_capacity(initial_capacity: usize) -> Self {
        Self::with_capacity_and_hasher(initial_capacity, DefaultHashBuilder::default())
    }

    /// An empty map, as `new HashMap<>(initial_capacity, load_factor)`.
    ///
    /// # Panics
    /// If `load_factor` is not positive (or is NaN), as Java throws.
    pub fn with_capacity_and_load_factor(initial_capacity: usize, load_factor: f32) -> Self {
        JavaMap {
            raw: RawTable::new(Some(initial_capacity), load_factor),
            hash_builder: DefaultHashBuilder::default(),
        }
    }
}

impl<K, V, S> JavaMap<K, V, S> {
    /// An empty map using `hash_builder` (like `new HashMap<>()`).
    pub fn with_hasher(hash_builder: S) -> Self {
        JavaMap {
            raw: RawTable::new(None, DEFAULT_LOAD_FACTOR),
            hash_builder,
        }
    }

    /// An empty map using `hash_builder`, like `new HashMap<>(initial_capacity)`
    /// (see [`JavaMap::with_capacity`] for what the capacity means).
    pub fn with_capacity_and_hasher(initial_capacity: usize, hash_builder: S) -> Self {
        JavaMap {
            raw: RawTable::new(Some(initial_capacity), DEFAULT_LOAD_FACTOR),
            hash_builder,
        }
    }

    /// Turns treeification on or off (on by default). With it off, long
    /// bins stay linked lists and never make a small table resize: a
    /// chained hash table without Java's defence against collisions. For
    /// benchmarks; the map is then no longer Java's.
    #[doc(hidden)]
    pub fn with_treeify(mut self, enabled: bool) -> Self {
        self.raw.treeify_enabled = enabled;
        self
    }

    /// The map's hasher.
    pub fn hasher(&self) -> &S {
        &self.hash_builder
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.raw.size
    }

    /// `true` when the map holds no entry.
    pub fn is_empty(&self) -> bool {
        self.raw.size == 0
    }

    /// Number of bins of the table (0 before the first insert).
    pub fn capacity(&self) -> usize {
        self.raw.table.len()
    }

    /// Number of bins that are red-black trees now.
    pub fn tree_bins(&self) -> usize {
        self.raw.tree_bins
    }

    /// The size above which the next insert resizes (Java's `threshold`;
    /// before the first insert, the initial capacity, or 0 for the default).
    pub fn threshold(&self) -> usize {
        self.raw.threshold.max(0) as usize
    }

    /// Removes every entry. As in Java, the table keeps its capacity.
    pub fn clear(&mut self) {
        self.raw.clear();
    }

    /// Iterates over `(&key, &value)` in Java's iteration order: bin by
    /// bin from bin 0, and within a bin in its `next` order (insertion
    /// order for a list bin; for a tree bin, the root first, then the list
    /// order that treeify, inserts and removals left).
    ///
    /// ```
    /// use hashgrow::hash::{PassThroughBuildHasher, Prehashed};
    /// use hashgrow_java::JavaMap;
    ///
    /// let mut m = JavaMap::with_hasher(PassThroughBuildHasher);
    /// for (id, hash) in [(1, 17u64), (2, 1), (3, 0)] {
    ///     m.insert(Prehashed { key: id, hash }, ());
    /// }
    /// // Bin 0 holds 3; bin 1 holds 1 (hash 17) then 2 (hash 1).
    /// let order: Vec<i32> = m.keys().map(|k| k.key).collect();
    /// assert_eq!(order, [3, 1, 2]);
    /// ```
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter::new(&self.raw)
    }

    /// Iterates over `(&key, &mut value)`, in [`JavaMap::iter`]'s order.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut::new(&mut self.raw)
    }

    /// The keys, in [`JavaMap::iter`]'s order.
    pub fn keys(&self) -> Keys<'_, K, V> {
        Keys { inner: self.iter() }
    }

    /// The values, in [`JavaMap::iter`]'s order.
    pub fn values(&self) -> Values<'_, K, V> {
        Values { inner: self.iter() }
    }

    /// The values, mutably, in [`JavaMap::iter`]'s order.
    pub fn values_mut(&mut self) -> ValuesMut<'_, K, V> {
        ValuesMut {
            inner: self.iter_mut(),
        }
    }

    /// The longest bin now, in nodes. Walks the whole table
    /// (O(capacity + len)), so it is not part of [`JavaMap::stats`].
    pub fn longest_bin(&self) -> usize {
        self.raw.longest_bin()
    }

    /// A snapshot of the growth counters (see [`Table::stats`]): a copy of
    /// a few words, cheap enough to call after every op. `longest_chain` is
    /// left 0: call [`JavaMap::longest_bin`] for it.
    pub fn stats(&self) -> Stats {
        let c = self.raw.counters;
        Stats {
            entries_moved: 0,
            grows: c.grows,
            nodes_relinked: c.nodes_relinked,
            slots_written: c.slots_written,
            treeifies: c.treeifies,
            untreeifies: c.untreeifies,
            capacity: self.raw.table.len() as u64,
            tree_bins: self.raw.tree_bins as u64,
            ..Stats::default()
        }
    }

    /// Installs (or removes) the event hook: `GrowStart`/`GrowEnd` around
    /// each resize (including the first table allocation), `Treeify` and
    /// `Untreeify` for each bin turned into a tree or back into a list.
    pub fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.raw.hook = hook;
    }

    /// Heap bytes held: table, node arena and tree links.
    pub fn heap_bytes(&self) -> usize {
        self.raw.table.len() * 4
            + self.raw.arena.heap_bytes()
            + self.raw.links.capacity() * std::mem::size_of::<crate::raw::Links>()
    }

    /// Checks every structural invariant and panics with a description of
    /// the first broken one. For tests; O(len).
    #[doc(hidden)]
    pub fn check_invariants(&self)
    where
        K: Ord,
    {
        self.raw.check_invariants();
    }
}

impl<K, V, S> JavaMap<K, V, S>
where
    K: Hash + Ord,
    S: BuildHasher,
{
    /// Java's `hash(key)`: the hash code (low 32 bits of the hasher's
    /// output), spread as `h ^ (h >>> 16)`.
    #[inline(always)]
    fn hash<Q: Hash + ?Sized>(&self, key: &Q) -> u32 {
        spread(self.hash_builder.hash_one(key) as u32)
    }

    /// Inserts `key` with `value`; returns the old value if the key was
    /// present (the stored key is then kept, and nothing else changes: no
    /// resize). A new key is appended to its bin, which may treeify it, and
    /// may resize the table (see the [crate docs](crate#growth)).
    ///
    /// ```
    /// use hashgrow_java::JavaMap;
    ///
    /// let mut m = JavaMap::new();
    /// for i in 0..13u64 {
    ///     assert_eq!(m.insert(i, i), None);
    /// }
    /// // The 13th entry exceeded the threshold of 12: the table doubled.
    /// assert_eq!(m.capacity(), 32);
    /// assert_eq!(m.insert(0, 99), Some(0));
    /// ```
    #[inline]
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let hash = self.hash(&key);
        match self.raw.put(hash, key, value) {
            Put::Inserted(_) => None,
            Put::Present(i, _key, value) => {
                Some(std::mem::replace(self.raw.arena.value_mut(i), value))
            }
        }
    }

    /// The value stored for `key`. Changes nothing.
    ///
    /// ```
    /// use hashgrow_java::JavaMap;
    ///
    /// let m: JavaMap<String, u8> = [("a".to_string(), 1)].into_iter().collect();
    /// assert_eq!(m.get("a"), Some(&1)); // borrowed lookup with a &str
    /// assert_eq!(m.get("b"), None);
    /// ```
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Ord + ?Sized,
    {
        let i = self.raw.find(self.hash(key), key);
        (i != NIL).then(|| self.raw.arena.value(i))
    }

    /// The stored key and value for `key`.
    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: Hash + Ord + ?Sized,
    {
        let i = self.raw.find(self.hash(key), key);
        (i != NIL).then(|| self.raw.arena.key_value(i))
    }

    /// The value stored for `key`, mutably.
    ///
    /// ```
    /// use hashgrow_java::JavaMap;
    ///
    /// let mut m = JavaMap::new();
    /// m.insert(1, 10);
    /// *m.get_mut(&1).unwrap() += 1;
    /// assert_eq!(m[&1], 11);
    /// ```
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Ord + ?Sized,
    {
        let i = self.raw.find(self.hash(key), key);
        (i != NIL).then(|| self.raw.arena.value_mut(i))
    }

    /// `true` if `key` is present.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Ord + ?Sized,
    {
        self.raw.find(self.hash(key), key) != NIL
    }

    /// Removes `key` and returns its value. Never shrinks the table; a tree
    /// bin that becomes too small turns back into a list (see the
    /// [crate docs](crate#tree-bins)).
    ///
    /// ```
    /// use hashgrow_java::JavaMap;
    ///
    /// let mut m = JavaMap::new();
    /// m.insert(1, "a");
    /// assert_eq!(m.remove(&1), Some("a"));
    /// assert_eq!(m.remove(&1), None);
    /// ```
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Ord + ?Sized,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    /// Removes `key` and returns the stored key and value.
    pub fn remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Hash + Ord + ?Sized,
    {
        let hash = self.hash(key);
        self.raw.remove(hash, key)
    }

    /// The entry for `key`, for in-place updates (std's Entry API).
    ///
    /// ```
    /// use hashgrow_java::JavaMap;
    ///
    /// let mut counts = JavaMap::new();
    /// for w in ["a", "b", "a"] {
    ///     *counts.entry(w).or_insert(0) += 1;
    /// }
    /// assert_eq!(counts["a"], 2);
    /// counts.entry("b").and_modify(|c| *c += 10).or_default();
    /// assert_eq!(counts["b"], 11);
    /// ```
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let hash = self.hash(&key);
        let i = self.raw.find(hash, &key);
        if i == NIL {
            Entry::Vacant(VacantEntry {
                raw: &mut self.raw,
                hash,
                key,
            })
        } else {
            Entry::Occupied(OccupiedEntry {
                raw: &mut self.raw,
                hash,
                index: i,
            })
        }
    }
}

impl<K, V> Default for JavaMap<K, V, DefaultHashBuilder> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug, S> fmt::Debug for JavaMap<K, V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K, V, S> Extend<(K, V)> for JavaMap<K, V, S>
where
    K: Hash + Ord,
    S: BuildHasher,
{
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<'a, K, V, S> Extend<(&'a K, &'a V)> for JavaMap<K, V, S>
where
    K: Hash + Ord + Copy,
    V: Copy,
    S: BuildHasher,
{
    fn extend<I: IntoIterator<Item = (&'a K, &'a V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(*k, *v);
        }
    }
}

impl<K, V, S> FromIterator<(K, V)> for JavaMap<K, V, S>
where
    K: Hash + Ord,
    S: BuildHasher + Default,
{
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = JavaMap::with_hasher(S::default());
        m.extend(iter);
        m
    }
}

impl<K, V, S> PartialEq for JavaMap<K, V, S>
where
    K: Hash + Ord,
    V: PartialEq,
    S: BuildHasher,
{
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<K, V, S> Eq for JavaMap<K, V, S>
where
    K: Hash + Ord,
    V: Eq,
    S: BuildHasher,
{
}

impl<K, V, S> Clone for JavaMap<K, V, S>
where
    K: Hash + Ord + Clone,
    V: Clone,
    S: BuildHasher + Clone,
{
    /// A map with the same entries, hasher and load factor, built as
    /// `HashMap.clone()` does: an empty map with this load factor, sized
    /// for the entries as `putMapEntries` sizes it (`tableSizeFor(size /
    /// loadFactor + 1)`; nothing when empty), then the entries inserted in
    /// this map's iteration order. Its capacity, bins and iteration order
    /// may differ from this map's.
    fn clone(&self) -> Self {
        let lf = self.raw.load_factor;
        let initial = (!self.is_empty()).then(|| {
            let ft = self.len() as f32 / lf + 1.0;
            if ft < crate::raw::MAXIMUM_CAPACITY as f32 {
                ft as usize
            } else {
                crate::raw::MAXIMUM_CAPACITY
            }
        });
        let mut m = JavaMap {
            raw: RawTable::new(initial, lf),
            hash_builder: self.hash_builder.clone(),
        };
        m.raw.treeify_enabled = self.raw.treeify_enabled;
        m.extend(self.iter().map(|(k, v)| (k.clone(), v.clone())));
        m
    }
}

impl<K, Q, V, S> Index<&Q> for JavaMap<K, V, S>
where
    K: Hash + Ord + Borrow<Q>,
    Q: Hash + Ord + ?Sized,
    S: BuildHasher,
{
    type Output = V;

    /// # Panics
    /// If the key is not present.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("JavaMap: key not present")
    }
}

impl<'a, K, V, S> IntoIterator for &'a JavaMap<K, V, S> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}

impl<'a, K, V, S> IntoIterator for &'a mut JavaMap<K, V, S> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> IterMut<'a, K, V> {
        self.iter_mut()
    }
}

impl<K, V, S> Table<K, V> for JavaMap<K, V, S>
where
    K: Hash + Ord,
    S: BuildHasher,
{
    fn insert(&mut self, key: K, value: V) -> Option<V> {
        JavaMap::insert(self, key, value)
    }
    fn get(&self, key: &K) -> Option<&V> {
        JavaMap::get(self, key)
    }
    fn remove(&mut self, key: &K) -> Option<V> {
        JavaMap::remove(self, key)
    }
    fn len(&self) -> usize {
        self.raw.size
    }
    fn is_empty(&self) -> bool {
        self.raw.size == 0
    }
    fn stats(&self) -> Stats {
        JavaMap::stats(self)
    }
    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        JavaMap::set_event_hook(self, hook)
    }
}
