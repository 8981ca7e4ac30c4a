//! The dict itself: two tables, the growth rule and the incremental rehash,
//! each function mirroring the `dict.c` function it names.

use std::borrow::Borrow;
use std::fmt;

use hashgrow::{Event, EventHook, Stats};

use std::ptr;

use crate::arena::{Arena, Link, MAX_NODES};
use crate::buckets::Buckets;

/// `DICT_HT_INITIAL_SIZE`: the first table's size, and the smallest any
/// table gets.
pub const INITIAL_SIZE: usize = 4;

/// `HASHTABLE_MIN_FILL` (server.h): the server cron shrinks a dict whose
/// tables are less than this percent used.
pub const MIN_FILL_PERCENT: usize = 10;

/// How many empty buckets one rehashed bucket may cost: `dictRehash(d, n)`
/// walks past at most `n * 10` empty buckets before it returns.
pub const EMPTY_VISITS_PER_BUCKET: usize = 10;

/// The largest table this crate makes: the arena hands out at most 2^31
/// nodes, and `_dictExpandIfNeeded` never asks for more than
/// `used + 1` buckets.
const MAX_TABLE: usize = MAX_NODES;

/// `_dictNextExp`, as a size: the power of two at least `size`, and at least
/// [`INITIAL_SIZE`]. `None` past this crate's limit.
pub(crate) fn next_table_size(size: usize) -> Option<usize> {
    if size > MAX_TABLE {
        return None;
    }
    Some(size.max(INITIAL_SIZE).next_power_of_two())
}

/// Growth counters (the `Stats` fields this strategy fills).
#[derive(Clone, Copy, Default)]
pub(crate) struct Counters {
    pub(crate) grows: u64,
    pub(crate) shrinks: u64,
    pub(crate) nodes_relinked: u64,
    pub(crate) buckets_visited: u64,
    pub(crate) empty_visits: u64,
}

/// Redis 7.0's `dict`: two chained hash tables and an incremental rehash
/// from table 0 to table 1.
///
/// This is the raw table: it is driven with precomputed 64-bit hashes
/// (the shared `hashgrow` map facade hashes keys and calls it through
/// [`hashgrow::raw::RawTable`] and [`hashgrow::raw::RawLookup`]). See the
/// crate docs for the whole rehash story.
///
/// ```
/// use hashgrow::raw::{RawLookup, RawTable};
/// use hashgrow_redis::RedisTable;
///
/// let mut t: RedisTable<u64, &str> = RedisTable::new();
/// let no_hasher = |_: &u64| unreachable!("a rehash reuses stored hashes");
/// for k in 0..5u64 {
///     let vacancy = t.find_or_vacancy(k, &k, no_hasher).unwrap_err();
///     t.insert_vacant(k, vacancy, k, "v", no_hasher);
/// }
/// // The 5th insert found 4 entries in 4 buckets: a rehash into 8 began.
/// assert_eq!((t.table_size(0), t.table_size(1)), (4, 8));
/// assert!(t.is_rehashing());
/// while t.rehash(1) {}
/// assert_eq!((t.table_size(0), t.table_size(1)), (8, 0));
/// ```
pub struct RedisTable<K, V> {
    pub(crate) nodes: Arena<K, V>,
    /// `ht_table[0]` and `ht_table[1]`.
    pub(crate) ht: [Buckets<K, V>; 2],
    /// `ht_used[0]` and `ht_used[1]`.
    pub(crate) used: [usize; 2],
    /// `rehashidx`: the next bucket of table 0 to move, `None` (`-1`) when
    /// not rehashing.
    pub(crate) rehash_idx: Option<usize>,
    pub(crate) counters: Counters,
    pub(crate) hook: Option<EventHook>,
}

impl<K, V> Default for RedisTable<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> fmt::Debug for RedisTable<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTable")
            .field("len", &self.len())
            .field("size0", &self.table_size(0))
            .field("used0", &self.used[0])
            .field("size1", &self.table_size(1))
            .field("used1", &self.used[1])
            .field("rehash_idx", &self.rehash_idx)
            .finish()
    }
}

impl<K, V> RedisTable<K, V> {
    /// An empty dict with no table (`dictCreate`): the first insert
    /// allocates [`INITIAL_SIZE`] buckets.
    pub const fn new() -> Self {
        RedisTable {
            nodes: Arena::new(),
            ht: [Buckets::new_empty(), Buckets::new_empty()],
            used: [0, 0],
            rehash_idx: None,
            counters: Counters {
                grows: 0,
                shrinks: 0,
                nodes_relinked: 0,
                buckets_visited: 0,
                empty_visits: 0,
            },
            hook: None,
        }
    }

    /// Entries in both tables (`dictSize`).
    #[inline]
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert_eq!(m.raw().len(), 5);
    /// ```
    pub fn len(&self) -> usize {
        self.used[0] + self.used[1]
    }

    /// `true` when the dict holds no entry.
    #[inline]
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert!(!m.raw().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `true` while a rehash is in progress (`dictIsRehashing`).
    #[inline]
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert!(m.raw().is_rehashing()); // 4 -> 8 buckets, begun by the 5th insert
    /// ```
    pub fn is_rehashing(&self) -> bool {
        self.rehash_idx.is_some()
    }

    /// Buckets of table `t` (0 or 1); 0 when it does not exist.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert_eq!((m.raw().table_size(0), m.raw().table_size(1)), (4, 8));
    /// ```
    pub fn table_size(&self, t: usize) -> usize {
        self.ht[t].len()
    }

    /// Entries in table `t` (0 or 1): `ht_used[t]`.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert_eq!(m.raw().table_used(0) + m.raw().table_used(1), 5);
    /// ```
    pub fn table_used(&self, t: usize) -> usize {
        self.used[t]
    }

    /// `rehashidx`: the next bucket of table 0 a rehash will move, `None`
    /// when not rehashing.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert_eq!(m.raw().rehash_index(), Some(0));
    /// ```
    pub fn rehash_index(&self) -> Option<usize> {
        self.rehash_idx
    }

    /// Buckets of both tables (`dictSlots`).
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert_eq!(m.raw().slots(), 12);
    /// ```
    pub fn slots(&self) -> usize {
        self.ht[0].len() + self.ht[1].len()
    }

    /// The chain of bucket `bucket` of table `t`, in order (head first).
    ///
    /// # Panics
    /// If the bucket does not exist.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// let n: usize = (0..8).map(|b| m.raw().chain(1, b).count()).sum();
    /// assert_eq!(n, m.raw().table_used(1));
    /// ```
    pub fn chain(&self, t: usize, bucket: usize) -> Chain<'_, K, V> {
        Chain {
            table: self,
            node: self.ht[t].head(bucket),
        }
    }

    /// Heap bytes held: both bucket arrays and the node arena.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert!(m.raw().heap_bytes() >= 12 * 8);
    /// ```
    pub fn heap_bytes(&self) -> usize {
        self.ht[0].heap_bytes() + self.ht[1].heap_bytes() + self.nodes.heap_bytes()
    }

    /// The counters and current state. `capacity` is the entries the table
    /// being filled holds before the next grow (its buckets);
    /// `native_capacity` the buckets of both tables (`dictSlots`);
    /// `growing` is `dictIsRehashing`.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// let s = m.raw().stats();
    /// assert_eq!((s.native_capacity, s.capacity), (12, 8));
    /// assert_eq!((s.growing, s.entries_moved), (true, 0));
    /// ```
    pub fn stats(&self) -> Stats {
        let c = &self.counters;
        Stats {
            grows: c.grows,
            shrinks: c.shrinks,
            nodes_relinked: c.nodes_relinked,
            buckets_visited: c.buckets_visited,
            empty_visits: c.empty_visits,
            // `_dictExpandIfNeeded` grows once the table being filled has
            // as many entries as buckets.
            capacity: self.ht[usize::from(self.is_rehashing())].len() as u64,
            native_capacity: self.slots() as u64,
            native_unit: "buckets (both tables)",
            growing: self.is_rehashing(),
            ..Stats::default()
        }
    }

    /// Installs (or removes) the event hook.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// m.raw_parts_mut().0.set_event_hook(None);
    /// ```
    pub fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.hook = hook;
    }

    #[inline]
    fn emit(&mut self, e: Event) {
        if let Some(h) = &mut self.hook {
            h(&e);
        }
    }

    // ---- growth ---------------------------------------------------------

    /// Mirrors `_dictExpand` (and `dictExpand`): makes a table of
    /// `_dictNextExp(size)` buckets. The first one becomes table 0 (no
    /// rehash); any later one becomes table 1 and starts a rehash. Refused
    /// (returns `false`) while rehashing, when `size` is below table 0's
    /// entries, when the size is table 0's already ("rehashing to the same
    /// table size is not useful") or past this crate's limit.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert!(!m.raw_parts_mut().0.expand(64)); // refused while rehashing
    /// ```
    pub fn expand(&mut self, size: usize) -> bool {
        if self.is_rehashing() || self.used[0] > size {
            return false;
        }
        let Some(new_size) = next_table_size(size) else {
            return false;
        };
        let old_size = self.ht[0].len();
        if new_size == old_size {
            return false;
        }
        let table = Buckets::new(new_size);
        if old_size == 0 {
            // The first initialisation: not a rehash.
            self.ht[0] = table;
            return true;
        }
        self.ht[1] = table;
        self.used[1] = 0;
        self.rehash_idx = Some(0);
        if new_size > old_size {
            self.counters.grows += 1;
        } else {
            self.counters.shrinks += 1;
        }
        self.emit(Event::GrowStart {
            old_capacity: old_size as u64,
            new_capacity: new_size as u64,
            same_size: false,
            len: self.len(),
        });
        true
    }

    /// Mirrors `_dictExpandIfNeeded`, run by every add before it searches
    /// for the key (so even a SET of an existing key can start a rehash):
    /// nothing while rehashing; the first table when there is none; else,
    /// once table 0 holds as many entries as buckets, a rehash into
    /// `_dictNextExp(used + 1)` buckets, i.e. twice as many.
    ///
    /// `dict.c` also grows past 5 entries a bucket (`dict_force_resize_ratio`)
    /// when resizing is disabled while a child process saves; resizing is
    /// always enabled here, and then that rule is implied by this one.
    /// `dictExpand` cannot refuse these sizes (not rehashing, never the same
    /// size, `used + 1 <= 2^31`), so no add fails.
    #[inline]
    pub(crate) fn expand_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        let size = self.ht[0].len();
        if size == 0 {
            self.expand(INITIAL_SIZE);
        } else if self.used[0] >= size {
            self.expand(self.used[0] + 1);
        }
    }

    /// Mirrors `dictResize`: starts a rehash into the smallest table that
    /// holds table 0's entries at one a bucket (at least
    /// [`INITIAL_SIZE`]). Refused while rehashing, or when that is the
    /// current size.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert!(!m.raw_parts_mut().0.resize()); // refused while rehashing
    /// ```
    pub fn resize(&mut self) -> bool {
        if self.is_rehashing() {
            return false;
        }
        self.expand(self.used[0].max(INITIAL_SIZE))
    }

    /// What the Redis server cron does to a dict (`tryResizeHashTables`):
    /// when it is sparse (`htNeedsResize`: more than [`INITIAL_SIZE`]
    /// buckets in both tables, fewer than [`MIN_FILL_PERCENT`]% of them
    /// used), [`resize`](Self::resize) it. Returns whether a rehash began.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// assert!(!m.raw_parts_mut().0.shrink()); // 12 buckets, 5 used: not sparse
    /// ```
    pub fn shrink(&mut self) -> bool {
        let size = self.slots() as u64;
        let used = self.len() as u64;
        if size > INITIAL_SIZE as u64 && used * 100 / size < MIN_FILL_PERCENT as u64 {
            self.resize()
        } else {
            false
        }
    }

    /// Mirrors `dictRehash(d, n)`: moves up to `n` buckets of table 0 to
    /// table 1, walking past at most `n * 10` empty buckets in all, and ends
    /// the rehash once table 0 is empty (table 1 becomes table 0). Returns
    /// `true` while there is more to move, `false` when not rehashing or
    /// done.
    ///
    /// Each moved bucket's chain is relinked node by node, head first, each
    /// node becoming the head of its new bucket (so entries that meet in a
    /// new bucket end up in reverse order). No hash is computed: nodes keep
    /// theirs.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// while m.raw_parts_mut().0.rehash(1) {}
    /// assert_eq!((m.raw().is_rehashing(), m.raw().table_size(0)), (false, 8));
    /// ```
    pub fn rehash(&mut self, n: usize) -> bool {
        let Some(mut idx) = self.rehash_idx else {
            return false;
        };
        let mut empty_visits = n.saturating_mul(EMPTY_VISITS_PER_BUCKET);
        let (mut moved_nodes, mut moved_buckets, mut empties) = (0u64, 0u64, 0u64);
        let mut out_of_visits = false;
        let mut n = n;
        'buckets: while n > 0 && self.used[0] != 0 {
            n -= 1;
            // `used0 != 0` guarantees a non-empty bucket at or after idx.
            while self.ht[0].head(idx).is_null() {
                idx += 1;
                empties += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    out_of_visits = true;
                    break 'buckets;
                }
            }
            moved_nodes += self.relink_chain(idx);
            moved_buckets += 1;
            idx += 1;
        }
        self.rehash_idx = Some(idx);
        let c = &mut self.counters;
        c.nodes_relinked += moved_nodes;
        c.buckets_visited += moved_buckets + empties;
        c.empty_visits += empties;
        if moved_buckets + empties > 0 {
            self.emit(Event::Rehashed {
                nodes: moved_nodes,
                buckets: moved_buckets,
                empty_buckets: empties,
            });
        }
        if out_of_visits {
            return true;
        }
        if self.used[0] == 0 {
            self.finish_rehash();
            return false;
        }
        true
    }

    /// The move of one bucket in `dictRehash`: each node of table 0's
    /// bucket `idx`, in chain order, is pushed onto the head of its bucket
    /// in table 1. Returns the nodes moved.
    fn relink_chain(&mut self, idx: usize) -> u64 {
        let mut moved = 0;
        let mut node = self.ht[0].head(idx);
        while !node.is_null() {
            let next = self.nodes.next(node);
            let hash = self.nodes.hash(node);
            let to = self.ht[1].index(hash);
            self.nodes.set_next(node, self.ht[1].head(to));
            self.ht[1].push_front(to, node, hash);
            self.used[0] -= 1;
            self.used[1] += 1;
            moved += 1;
            node = next;
        }
        self.ht[0].set_head(idx, ptr::null());
        moved
    }

    /// The end of `dictRehash`: table 0 is freed (`zfree(d->ht_table[0])`),
    /// table 1 takes its place. A large old table is handed to
    /// [`Buckets::free_off_thread`]: unmapping tens of megabytes of touched
    /// pages took 1 to 2.6 ms in the op that ends a rehash (`redis_worst_insert`
    /// example, 10M keys), more than all the rest of that op. When and how
    /// memory is returned decides nothing `dict.c` decides.
    fn finish_rehash(&mut self) {
        let new = std::mem::take(&mut self.ht[1]);
        let old = std::mem::replace(&mut self.ht[0], new);
        old.free_off_thread();
        self.used[0] = self.used[1];
        self.used[1] = 0;
        self.rehash_idx = None;
        self.emit(Event::GrowEnd {
            capacity: self.ht[0].len() as u64,
            len: self.len(),
        });
    }

    /// Mirrors `_dictRehashStep`: one bucket of rehash, done by every add,
    /// delete and lookup of a rehashing dict (`dict.c` skips it while a safe
    /// iterator pauses rehashing; here an iterator borrows the dict, so no
    /// operation can run while one is alive).
    #[inline]
    pub(crate) fn rehash_step(&mut self) {
        if self.is_rehashing() {
            self.rehash(1);
        }
    }

    // ---- lookups and links ----------------------------------------------

    /// The node of `key` in the bucket chains, searching table 0, then
    /// table 1 while rehashing (the search of `dictFind`,
    /// `dictGenericDelete` and `_dictKeyIndex`). `Err` carries the bucket
    /// of the last table searched: where `dictAddRaw` would link a new
    /// entry.
    /// Table 0 must exist.
    #[inline(always)]
    pub(crate) fn search<Q>(&self, hash: u64, key: &Q) -> Result<Link<K, V>, usize>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let idx = self.ht[0].index(hash);
        if let Some(head) = self.ht[0].head_for(idx, hash) {
            if let Some(node) = self.chain_find(head, hash, key) {
                return Ok(node);
            }
        }
        if !self.is_rehashing() {
            return Err(idx);
        }
        let idx = self.ht[1].index(hash);
        if let Some(head) = self.ht[1].head_for(idx, hash) {
            if let Some(node) = self.chain_find(head, hash, key) {
                return Ok(node);
            }
        }
        Err(idx)
    }

    /// The node of `key` in the chain that starts at `node`, which is not
    /// null (the loop of `dictFind`).
    #[inline(always)]
    fn chain_find<Q>(&self, mut node: Link<K, V>, hash: u64, key: &Q) -> Option<Link<K, V>>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        loop {
            if self.nodes.hash(node) == hash && self.nodes.key(node).borrow() == key {
                return Some(node);
            }
            node = self.nodes.next(node);
            if node.is_null() {
                return None;
            }
        }
    }

    /// The tail of `dictAddRaw`: a new node at the head of bucket `idx` of
    /// table 1 while rehashing, else of table 0.
    #[inline]
    pub(crate) fn link_new(&mut self, hash: u64, idx: usize, key: K, value: V) -> Link<K, V> {
        let t = usize::from(self.is_rehashing());
        let node = self.nodes.alloc(hash, self.ht[t].head(idx), key, value);
        self.ht[t].push_front(idx, node, hash);
        self.used[t] += 1;
        node
    }

    /// Unlinks `node` (live, with hash `hash`) from its chain, searching
    /// table 0, then table 1 while rehashing, as `dictGenericDelete` does,
    /// and frees it.
    pub(crate) fn unlink(&mut self, hash: u64, node: Link<K, V>) -> (K, V) {
        for t in 0..2 {
            if self.ht[t].len() == 0 {
                break;
            }
            let idx = self.ht[t].index(hash);
            let mut prev: Link<K, V> = ptr::null();
            let mut cur = self.ht[t].head(idx);
            while !cur.is_null() {
                let next = self.nodes.next(cur);
                if cur == node {
                    if prev.is_null() {
                        self.ht[t].set_head(idx, next);
                    } else {
                        self.nodes.set_next(prev, next);
                    }
                    self.used[t] -= 1;
                    return self.nodes.free(node);
                }
                prev = cur;
                cur = next;
            }
            if !self.is_rehashing() {
                break;
            }
        }
        panic!("RedisTable: node {node:p} is not in its chain (not a live slot)");
    }

    /// Mirrors `dictGenericDelete`: nothing on an empty dict; else a rehash
    /// step, then the key unlinked from whichever table holds it. The
    /// tables are kept even when this empties the dict.
    pub(crate) fn delete<Q>(&mut self, hash: u64, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let node = self.search(hash, key).ok()?;
        Some(self.unlink(hash, node))
    }

    /// Mirrors `dictEmpty`: drops every entry, frees both tables (the next
    /// insert allocates [`INITIAL_SIZE`] buckets again) and ends any
    /// rehash. The counters are kept. The dict is empty before the first
    /// entry is dropped, so a panicking `Drop` leaks the rest and leaves it
    /// usable.
    ///
    /// ```
    /// let mut m: hashgrow_redis::RedisMap<u64, u64> = hashgrow_redis::RedisMap::new();
    /// for k in 0..5 {
    ///     m.insert(k, k); // the 5th insert finds 4 entries in 4 buckets
    /// }
    /// m.raw_parts_mut().0.clear();
    /// assert_eq!((m.raw().len(), m.raw().slots()), (0, 0));
    /// ```
    pub fn clear(&mut self) {
        let tables = std::mem::take(&mut self.ht);
        self.used = [0, 0];
        self.rehash_idx = None;
        for table in &tables {
            for i in 0..table.len() {
                let mut node = table.head(i);
                while !node.is_null() {
                    let next = self.nodes.next(node);
                    self.nodes.drop_entry(node);
                    node = next;
                }
            }
        }
        self.nodes.reset();
    }

    /// Live nodes in `dict.c`'s iteration order (`dictNext`): table 0's
    /// buckets in order, each chain head first, then table 1's.
    pub(crate) fn order(&self) -> Vec<Link<K, V>> {
        let mut out = Vec::with_capacity(self.len());
        for table in &self.ht {
            for i in 0..table.len() {
                let mut node = table.head(i);
                while !node.is_null() {
                    out.push(node);
                    node = self.nodes.next(node);
                }
            }
        }
        out
    }

    /// Checks the structure (for tests): every node is in the bucket its
    /// hash maps to, table 0's buckets below `rehashidx` are empty, the
    /// used counts match the chains, a table exists whenever rehashing.
    /// Panics with a message on the first violation.
    #[doc(hidden)]
    pub fn check_chains(&self) {
        assert_eq!(
            self.is_rehashing(),
            self.ht[1].len() != 0,
            "table 1 iff rehashing"
        );
        for (t, table) in self.ht.iter().enumerate() {
            let mut count = 0;
            for i in 0..table.len() {
                let mut node = table.head(i);
                while !node.is_null() {
                    assert_eq!(
                        table.index(self.nodes.hash(node)),
                        i,
                        "node {node:p} in wrong bucket"
                    );
                    if t == 0 {
                        assert!(
                            self.rehash_idx.is_none_or(|r| i >= r),
                            "table 0 bucket {i} below rehashidx is not empty"
                        );
                    }
                    count += 1;
                    assert!(count <= self.used[t], "table {t}: chains longer than used");
                    node = self.nodes.next(node);
                }
            }
            assert_eq!(count, self.used[t], "table {t}: used");
        }
    }
}

impl<K, V> Drop for RedisTable<K, V> {
    fn drop(&mut self) {
        self.clear();
    }
}

/// The entries of one bucket chain, head first (see
/// [`RedisTable::chain`]).
pub struct Chain<'a, K, V> {
    table: &'a RedisTable<K, V>,
    node: Link<K, V>,
}

// SAFETY: a `Chain` is a `&RedisTable` and a pointer into its arena, read
// through that borrow only: as `Send` and `Sync` as the `&RedisTable`.
unsafe impl<K: Sync, V: Sync> Send for Chain<'_, K, V> {}
// SAFETY: as above.
unsafe impl<K: Sync, V: Sync> Sync for Chain<'_, K, V> {}

impl<'a, K, V> Iterator for Chain<'a, K, V> {
    type Item = (&'a K, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        if self.node.is_null() {
            return None;
        }
        let n = self.node;
        self.node = self.table.nodes.next(n);
        Some(self.table.nodes.key_value(n))
    }
}
