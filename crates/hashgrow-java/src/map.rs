//! [`JavaMap`]: the shared std-shaped map ([`hashgrow::Map`]) over
//! [`JavaTable`], Java's `HashMap` state. This file is the glue: what each
//! facade operation is in Java's terms (`getNode`, `putVal`, `removeNode`,
//! `resize`), and the key's 32-bit hash code.

use std::borrow::Borrow;
use std::hash::BuildHasher;

use hashgrow::raw::{RawLookup, RawTable, TryReserveError};
use hashgrow::{DefaultHashBuilder, EventHook, Map, Stats};

use crate::arena::NIL;
use crate::iter::IntoIter;
pub use crate::raw::JavaTable;
use crate::raw::{spread, Put, DEFAULT_LOAD_FACTOR, MAXIMUM_CAPACITY};

/// A hash map that grows exactly like JDK 17's `java.util.HashMap`.
///
/// Same table sizes, same thresholds, same resize moments, same bins, same
/// tree bins and the same iteration order as the Java map fed the same keys
/// with the same hash codes (the key's hash code is the low 32 bits of
/// `S`'s output). See the [crate docs](crate) for the rules.
///
/// Keys must be [`Ord`] (and [`Hash`](std::hash::Hash)): the order is used
/// inside tree bins, as Java uses `compareTo` for `Comparable` keys, and
/// keeps lookups in a bin of colliding keys logarithmic.
///
/// The whole std `HashMap` API comes from the shared facade
/// [`hashgrow::Map`]; where Java differs, [`JavaTable`] follows Java:
/// `with_capacity(n)` counts **bins** (`new HashMap<>(n)`), `capacity()` is
/// the table's bin count, `shrink_to_fit` does nothing (a `HashMap` never
/// shrinks), `clear` keeps the table.
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
pub type JavaMap<K, V, S = DefaultHashBuilder> = Map<K, V, JavaTable<K, V>, S>;

/// Java's hash of a facade hash: the hash code is its low 32 bits, spread
/// as `HashMap.hash` does (`h ^ (h >>> 16)`).
#[inline(always)]
fn java_hash(hash: u64) -> u32 {
    spread(hash as u32)
}

/// `new HashMap<>(initialCapacity, loadFactor)` with a hasher.
///
/// # Panics
/// If `load_factor` is not positive (or is NaN), as Java throws.
///
/// ```
/// use hashgrow_java::with_capacity_and_load_factor;
/// use std::collections::hash_map::RandomState;
/// let mut m: hashgrow_java::JavaMap<u32, u32, _> =
///     with_capacity_and_load_factor(4, 1.0, RandomState::new());
/// for i in 0..4 {
///     m.insert(i, i);
/// }
/// assert_eq!(m.capacity(), 4); // 4 entries fit 4 bins at load factor 1
/// ```
pub fn with_capacity_and_load_factor<K: Ord, V, S: BuildHasher>(
    initial_capacity: usize,
    load_factor: f32,
    hash_builder: S,
) -> JavaMap<K, V, S> {
    Map::from_raw_parts(
        JavaTable::new(Some(initial_capacity), load_factor),
        hash_builder,
    )
}

impl<K, V> JavaTable<K, V> {
    /// Number of bins that are red-black trees now.
    ///
    /// ```
    /// let m: hashgrow_java::JavaMap<u8, u8> = [(1, 1)].into();
    /// assert_eq!(m.raw().tree_bins(), 0);
    /// ```
    pub fn tree_bins(&self) -> usize {
        self.tree_bins
    }

    /// The size above which the next insert resizes (Java's `threshold`;
    /// before the first insert, the initial capacity, or 0 for the default).
    ///
    /// ```
    /// let m: hashgrow_java::JavaMap<u8, u8> = [(1, 1)].into();
    /// assert_eq!(m.raw().threshold(), 12);
    /// ```
    pub fn threshold(&self) -> usize {
        self.threshold.max(0) as usize
    }

    /// Heap bytes held: table, node arena and tree links.
    ///
    /// ```
    /// let m: hashgrow_java::JavaMap<u8, u8> = [(1, 1)].into();
    /// assert!(m.raw().heap_bytes() >= 16 * 8);
    /// ```
    pub fn heap_bytes(&self) -> usize {
        self.table.len() * std::mem::size_of::<crate::bin::Bin>()
            + self.arena.heap_bytes()
            + self.links.capacity() * std::mem::size_of::<crate::raw::Links>()
    }

    /// Turns treeification on or off (on by default). With it off, long
    /// bins stay linked lists and never make a small table resize: a
    /// chained hash table without Java's defence against collisions. For
    /// benchmarks; the map is then no longer Java's.
    #[doc(hidden)]
    pub fn set_treeify(&mut self, enabled: bool) {
        self.treeify_enabled = enabled;
    }

    /// Node indices in Java's iteration order: bin by bin from bin 0, each
    /// bin in its `next` order.
    pub(crate) fn nodes_in_order_pub(&self) -> Vec<u32> {
        self.nodes_in_order()
    }

    fn nodes_in_order(&self) -> Vec<u32> {
        let mut order = Vec::with_capacity(self.size);
        for slot in self.heads() {
            if slot == NIL {
                continue;
            }
            let mut e = slot & !crate::raw::TREE_BIT;
            while e != NIL {
                order.push(e);
                e = self.arena.next(e);
            }
        }
        order
    }
}

// SAFETY: a slot is a live node index (reachable from the table); nodes
// never move in the arena (chunks are never reallocated), and a removal
// only unlinks its own node. The raw iterator is a snapshot of the live
// node indices, so removals of yielded nodes cannot disturb it.
// `entry_mut` goes through `key_value_ptr`, which makes no reference to a
// chunk or to other nodes. Entries live in heap chunks.
unsafe impl<K: Ord, V> RawTable<K, V> for JavaTable<K, V> {
    type Slot = u32;
    type Vacancy = ();
    type RawIter = std::vec::IntoIter<u32>;
    type IntoIter = IntoIter<K, V>;

    /// `new HashMap<>(initialCapacity)`: note the Java meaning,
    /// `initial_capacity` is a number of *bins*. The first insert makes a
    /// table of `initial_capacity` rounded up to a power of two (at least
    /// 1, at most 2^30) bins, which resizes when it holds more than 0.75
    /// times that. For room for `n` entries without a resize, ask for
    /// `n * 4 / 3 + 1`. `0` is `new HashMap<>(0)` (a 1-bin table), not the
    /// default; [`Map::new`] is `new HashMap<>()`.
    ///
    /// ```
    /// let mut m = hashgrow_java::JavaMap::with_capacity(100);
    /// m.insert(1u32, ());
    /// assert_eq!(m.capacity(), 128);
    /// ```
    fn with_capacity(initial_capacity: usize) -> Self {
        JavaTable::new(Some(initial_capacity), DEFAULT_LOAD_FACTOR)
    }

    /// `new HashMap<>()`: no table until the first insert, which makes one
    /// of 16 bins (resized when it holds more than 12).
    fn new() -> Self {
        JavaTable::new(None, DEFAULT_LOAD_FACTOR)
    }

    #[inline]
    fn len(&self) -> usize {
        self.size
    }

    /// Number of bins of the table (0 before the first insert).
    fn capacity(&self) -> usize {
        self.table.len()
    }

    /// `entries_moved` is 0 (nodes never move); `nodes_relinked`,
    /// `slots_written`, `treeifies`, `untreeifies`, `tree_bins` and
    /// `capacity` (bins) are Java's.
    fn stats(&self) -> Stats {
        let c = self.counters;
        Stats {
            entries_moved: 0,
            grows: c.grows,
            nodes_relinked: c.nodes_relinked,
            slots_written: c.slots_written,
            treeifies: c.treeifies,
            untreeifies: c.untreeifies,
            // Entries before the next resize: `threshold` once the table
            // exists (a put resizes when `++size > threshold`).
            capacity: if self.table.is_empty() {
                0
            } else {
                self.threshold.max(0) as u64
            },
            native_capacity: self.table.len() as u64,
            native_unit: "bins",
            tree_bins: self.tree_bins as u64,
            ..Stats::default()
        }
    }

    /// `GrowStart`/`GrowEnd` after each resize (including the first table
    /// allocation), `Treeify` and `Untreeify` for each bin turned into a
    /// tree or back into a list.
    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.hook = hook;
    }

    #[inline]
    unsafe fn entry(&self, x: u32) -> (&K, &V) {
        self.arena.key_value(x)
    }

    #[inline]
    unsafe fn entry_mut(&mut self, x: u32) -> (&K, &mut V) {
        let (k, v) = self.arena.key_value_ptr(x);
        // SAFETY: `x` is live (caller); the pointers come from the chunk's
        // raw pointer, and `&mut self` makes the value unique.
        unsafe { (&*k, &mut *v) }
    }

    /// Java's iteration order: bin by bin from bin 0, and within a bin in
    /// its `next` order (insertion order for a list bin; for a tree bin,
    /// the root first, then the list order that treeify, inserts and
    /// removals left). A snapshot of the node indices (O(len) memory).
    unsafe fn raw_iter(&self) -> std::vec::IntoIter<u32> {
        self.nodes_in_order().into_iter()
    }

    fn into_entries(self) -> IntoIter<K, V> {
        IntoIter::new(self)
    }

    fn take(&mut self) -> Self {
        let mut fresh = JavaTable::new(None, self.load_factor);
        fresh.treeify_enabled = self.treeify_enabled;
        fresh.counters = self.counters;
        std::mem::swap(&mut fresh.hook, &mut self.hook);
        std::mem::replace(self, fresh)
    }

    /// Sized as `HashMap.clone()` sizes its copy (`putMapEntries`:
    /// `tableSizeFor(size / loadFactor + 1)`; nothing when empty), with
    /// this load factor.
    fn empty_clone(&self) -> Self {
        let lf = self.load_factor;
        let initial = (self.size > 0).then(|| {
            let ft = self.size as f32 / lf + 1.0;
            if ft < MAXIMUM_CAPACITY as f32 {
                ft as usize
            } else {
                MAXIMUM_CAPACITY
            }
        });
        let mut t = JavaTable::new(initial, lf);
        t.treeify_enabled = self.treeify_enabled;
        t
    }

    /// Java's `clear`: every entry removed, the table keeps its capacity.
    fn clear(&mut self) {
        JavaTable::clear(self);
    }

    /// The entry API's insert is `computeIfAbsent`'s, not `putVal`'s: the
    /// new node is **prepended** to a list bin (`newNode(hash, key, v,
    /// first)`), a bin that had 7 or more nodes is treeified, and there is
    /// no resize afterwards (the next `computeIfAbsent` resizes first, see
    /// `find_or_vacancy`).
    #[inline]
    fn insert_vacant(
        &mut self,
        hash: u64,
        _vacancy: (),
        key: K,
        value: V,
        _hasher: impl Fn(&K) -> u64,
    ) -> u32 {
        self.compute_if_absent_insert(java_hash(hash), key, value)
    }

    /// `removeNode` of a known node (a tree bin too small afterwards turns
    /// back into a list, as in Java).
    unsafe fn remove_slot(&mut self, x: u32) -> (K, V) {
        let hash = self.arena.hash(x);
        self.remove_node(hash, x)
    }

    /// Java's `HashMap` has no reserve; `putMapEntries` presizes when a
    /// map is copied in, by resizing while the threshold is too small.
    /// This does the same for `len + additional` entries: resizes (each a
    /// normal doubling, counted and reported) until they fit, or sets the
    /// initial capacity of a table not yet made.
    fn try_reserve(
        &mut self,
        additional: usize,
        _hasher: impl Fn(&K) -> u64,
    ) -> Result<(), TryReserveError> {
        let want = self
            .size
            .checked_add(additional)
            .ok_or(TryReserveError::CapacityOverflow)?;
        let ft = want as f32 / self.load_factor + 1.0;
        if ft >= MAXIMUM_CAPACITY as f32 && want > self.threshold() {
            return Err(TryReserveError::CapacityOverflow);
        }
        if self.table.is_empty() {
            let t = crate::raw::table_size_for(ft as usize);
            if t as i64 > self.threshold as i64 {
                self.threshold = t as i32;
            }
        } else {
            while want > self.threshold() && self.table.len() < MAXIMUM_CAPACITY {
                self.resize();
            }
        }
        Ok(())
    }

    /// A `HashMap` never shrinks: a no-op.
    fn shrink_to(&mut self, _min_capacity: usize, _hasher: impl Fn(&K) -> u64) {}

    /// Every node in the bin its hash names, lists and trees well formed,
    /// counts that add up.
    fn check_invariants(&self, _hasher: impl Fn(&K) -> u64) {
        JavaTable::check_invariants(self);
    }
}

impl<K: Ord + Borrow<Q>, V, Q: Ord + ?Sized> RawLookup<K, V, Q> for JavaTable<K, V> {
    /// `getNode`. Changes nothing.
    #[inline]
    fn find(&self, hash: u64, key: &Q) -> Option<u32> {
        let x = JavaTable::find(self, java_hash(hash), key);
        (x != NIL).then_some(x)
    }

    /// The entry API is Java's `computeIfAbsent`, which first resizes if
    /// `size > threshold` (left so by an earlier `computeIfAbsent`) or there
    /// is no table yet, even when the key turns out to be present; then a
    /// plain lookup.
    #[inline]
    fn find_or_vacancy(
        &mut self,
        hash: u64,
        key: &Q,
        _hasher: impl Fn(&K) -> u64,
    ) -> Result<u32, ()> {
        self.compute_if_absent_prepare();
        RawLookup::find(self, hash, key).ok_or(())
    }

    /// `putVal` in one walk: an existing key's value replaced (nothing
    /// else changes), else a new node appended, which may treeify its bin
    /// and resize the table.
    #[inline]
    fn insert(&mut self, hash: u64, key: K, value: V, _hasher: impl Fn(&K) -> u64) -> Option<V>
    where
        K: Borrow<Q>,
    {
        match self.put(java_hash(hash), key, value) {
            Put::Inserted(_) => None,
            Put::Present(x, _key, value) => {
                let (_, v) = self.arena.key_value_ptr(x);
                // SAFETY: `put` found node `x` live; `&mut self` is unique.
                Some(std::mem::replace(unsafe { &mut *v }, value))
            }
        }
    }

    /// `removeNode`. Never resizes.
    #[inline]
    fn remove(&mut self, hash: u64, key: &Q, _hasher: impl Fn(&K) -> u64) -> Option<(K, V)> {
        JavaTable::remove(self, java_hash(hash), key)
    }
}
