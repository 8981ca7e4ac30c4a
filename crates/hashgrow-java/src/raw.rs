//! The table itself: layout, the growth rule, and the put/get/remove paths
//! that dispatch to list bins ([`crate::bin`]) and tree bins
//! ([`crate::tree`]).
//!
//! Everything here works on the *spread hash* (`h ^ (h >>> 16)` of the
//! key's 32-bit hash code) and knows nothing of the hasher: [`JavaMap`]
//! computes the hash and calls in.
//!
//! [`JavaMap`]: crate::JavaMap

use std::borrow::Borrow;

use hashgrow::{Event, EventHook};

use crate::arena::{Arena, NIL};
use crate::bin::{filter_bit, Bin};

/// JDK 17 `DEFAULT_INITIAL_CAPACITY`: the table size of `new HashMap<>()`.
pub(crate) const DEFAULT_INITIAL_CAPACITY: usize = 16;
/// JDK 17 `MAXIMUM_CAPACITY`: the table never has more bins.
pub(crate) const MAXIMUM_CAPACITY: usize = 1 << 30;
/// JDK 17 `DEFAULT_LOAD_FACTOR`.
pub(crate) const DEFAULT_LOAD_FACTOR: f32 = 0.75;
/// JDK 17 `TREEIFY_THRESHOLD`: a list bin reaching `8 + 1` nodes is
/// treeified (the check is `binCount >= TREEIFY_THRESHOLD - 1` while walking
/// to append, `binCount` counting the nodes before the tail).
pub(crate) const TREEIFY_THRESHOLD: usize = 8;
/// JDK 17 `UNTREEIFY_THRESHOLD`: a split half of a tree bin with at most
/// this many nodes becomes a list.
pub(crate) const UNTREEIFY_THRESHOLD: usize = 6;
/// JDK 17 `MIN_TREEIFY_CAPACITY`: below this many bins, a bin that should be
/// treeified makes the table resize instead.
pub(crate) const MIN_TREEIFY_CAPACITY: usize = 64;

/// Marks a table slot whose bin is a red-black tree; the low bits are the
/// index of the tree's root, which is also the first node of its `next`
/// list. An empty slot is [`NIL`] (which has this bit set too: test for
/// `NIL` first, or test `slot & TREE_BIT == 0` for "non-empty list").
pub(crate) const TREE_BIT: u32 = 1 << 31;

/// The red-black links of a node while it is in a tree bin (Java's
/// `TreeNode` fields `parent`, `left`, `right`, `prev`, `red`). Kept beside
/// the nodes, indexed like them, and meaningful only for nodes of tree bins.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Links {
    pub(crate) parent: u32,
    pub(crate) left: u32,
    pub(crate) right: u32,
    /// Previous node in the bin's `next` list.
    pub(crate) prev: u32,
    pub(crate) red: bool,
}

impl Links {
    pub(crate) const EMPTY: Links = Links {
        parent: NIL,
        left: NIL,
        right: NIL,
        prev: NIL,
        red: false,
    };
}

/// Growth counters (the cumulative half of [`hashgrow::Stats`]).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counters {
    pub(crate) grows: u64,
    pub(crate) nodes_relinked: u64,
    pub(crate) slots_written: u64,
    pub(crate) treeifies: u64,
    pub(crate) untreeifies: u64,
}

/// Outcome of [`JavaTable::put`].
pub(crate) enum Put<K, V> {
    /// A new node was stored at this index.
    Inserted(u32),
    /// The key was present at this node; the key and value given are
    /// handed back untouched.
    Present(u32, K, V),
}

/// Java's `HashMap` state (`table`, `size`, `threshold`, `loadFactor`): the raw
/// table under [`JavaMap`](crate::JavaMap). See the [crate docs](crate).
pub struct JavaTable<K, V> {
    /// The bins: each [`NIL`], a list head, or `root | TREE_BIT`, with a
    /// filter of its hashes (see [`Bin`]). Empty (length 0) until the
    /// first insert, as Java allocates lazily.
    pub(crate) table: Box<[Bin]>,
    pub(crate) arena: Arena<K, V>,
    /// Tree links, indexed by node; grown on demand by tree code only.
    pub(crate) links: Vec<Links>,
    pub(crate) size: usize,
    /// Java's `threshold`: the size above which the table resizes; before
    /// the table exists, the initial capacity (0 = default).
    pub(crate) threshold: i32,
    pub(crate) load_factor: f32,
    /// `false` turns treeification off (benchmarks only): long bins stay
    /// lists and are never a reason to resize.
    pub(crate) treeify_enabled: bool,
    /// Tree bins in the table now.
    pub(crate) tree_bins: usize,
    pub(crate) counters: Counters,
    pub(crate) hook: Option<EventHook>,
}

/// Java's `tableSizeFor`: the smallest power of two `>= cap`, with
/// `tableSizeFor(0) == 1`, capped at [`MAXIMUM_CAPACITY`].
pub(crate) fn table_size_for(cap: usize) -> usize {
    cap.clamp(1, MAXIMUM_CAPACITY).next_power_of_two()
}

/// Java's `HashMap.hash`: `h ^ (h >>> 16)`, so the high half of the hash
/// code reaches the low bits that pick the bin.
#[inline(always)]
pub(crate) fn spread(hash_code: u32) -> u32 {
    hash_code ^ (hash_code >> 16)
}

impl<K, V> JavaTable<K, V> {
    /// `new HashMap<>(initial_capacity, load_factor)`; `None` is
    /// `new HashMap<>()`.
    pub(crate) fn new(initial_capacity: Option<usize>, load_factor: f32) -> Self {
        assert!(
            load_factor > 0.0 && !load_factor.is_nan(),
            "JavaMap: illegal load factor {load_factor}"
        );
        JavaTable {
            table: Box::new([]),
            arena: Arena::new(),
            links: Vec::new(),
            size: 0,
            threshold: initial_capacity.map_or(0, |c| table_size_for(c) as i32),
            load_factor,
            treeify_enabled: true,
            tree_bins: 0,
            counters: Counters::default(),
            hook: None,
        }
    }

    #[inline(always)]
    pub(crate) fn mask(&self) -> u32 {
        (self.table.len() as u32).wrapping_sub(1)
    }

    #[cold]
    pub(crate) fn emit(&mut self, event: Event) {
        if let Some(hook) = self.hook.as_mut() {
            hook(&event);
        }
    }

    // ---- lookup ---------------------------------------------------------

    /// Java's `getNode`: the node holding `key`, or [`NIL`]. Changes
    /// nothing.
    #[inline]
    pub(crate) fn find<Q>(&self, hash: u32, key: &Q) -> u32
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let Some(&bin) = self.table.get((hash & self.mask()) as usize) else {
            return NIL; // no table yet: `mask` is all ones
        };
        // An empty bin, or no node with the key's filter bit: a miss that
        // reads no node (Java would walk the list; the result is the same).
        if !bin.may_hold(hash) {
            return NIL;
        }
        if bin.is_list() {
            self.list_find(bin.first(), hash, key)
        } else {
            self.tree_find(bin.first(), hash, key)
        }
    }

    // ---- insert ---------------------------------------------------------

    /// Java's `putVal` (with `onlyIfAbsent == false`, the value replaced by
    /// the caller): finds `key` or appends a new node, then applies the
    /// growth rule.
    #[inline]
    pub(crate) fn put(&mut self, hash: u32, key: K, value: V) -> Put<K, V>
    where
        K: Ord,
    {
        if self.table.is_empty() {
            self.resize();
        }
        let bin = (hash & self.mask()) as usize;
        let slot = self.table[bin];
        let inserted = if slot.is_empty() {
            let x = self.arena.alloc(hash, key, value);
            self.table[bin] = Bin::list(x, filter_bit(hash));
            x
        } else if slot.is_list() {
            match self.list_put(slot.first(), hash, key, value) {
                Put::Inserted(x) => x,
                present => return present,
            }
        } else {
            match self.tree_put(bin, hash, key, value) {
                Put::Inserted(x) => x,
                present => return present,
            }
        };
        self.size += 1;
        self.grow_if_needed();
        Put::Inserted(inserted)
    }

    /// The opening of `computeIfAbsent` (the entry API): `if (size >
    /// threshold || table == null) resize()`. Unlike `putVal`, which
    /// resizes right after the insert that passes the threshold,
    /// `computeIfAbsent` inserts without resizing and leaves the resize to
    /// the next `computeIfAbsent`.
    pub(crate) fn compute_if_absent_prepare(&mut self)
    where
        K: Ord,
    {
        if self.size as i64 > self.threshold as i64 || self.table.is_empty() {
            self.resize();
        }
    }

    /// The insert of `computeIfAbsent` for an absent key (the table
    /// exists: [`compute_if_absent_prepare`](Self::compute_if_absent_prepare)
    /// ran): into a tree bin as `putTreeVal`, else **prepended** to the list
    /// (`tab[i] = newNode(hash, key, v, first)`), treeifying a bin that had
    /// `TREEIFY_THRESHOLD - 1` or more nodes. `++size`, and no resize.
    pub(crate) fn compute_if_absent_insert(&mut self, hash: u32, key: K, value: V) -> u32
    where
        K: Ord,
    {
        let bin = (hash & self.mask()) as usize;
        let slot = self.table[bin];
        // An empty bin is not a list (`Bin::EMPTY`), so this is a tree.
        let x = if !slot.is_empty() && !slot.is_list() {
            match self.tree_put(bin, hash, key, value) {
                Put::Inserted(x) => x,
                Put::Present(..) => unreachable!("JavaMap: the vacant key is present"),
            }
        } else {
            // The list's head, or NIL for an empty bin.
            let first = slot.head();
            let bin_count = if first == NIL {
                0
            } else {
                self.list_len(first)
            };
            let x = self.arena.alloc(hash, key, value);
            self.arena.set_next(x, first);
            // An empty bin's filter is 0.
            self.table[bin] = Bin::list(x, slot.filter() | filter_bit(hash));
            if bin_count >= TREEIFY_THRESHOLD - 1 {
                self.treeify_bin(hash);
            }
            x
        };
        self.size += 1;
        x
    }

    /// The growth rule, the one place that decides to resize after an
    /// insert: Java's `if (++size > threshold) resize();`. (The other
    /// resize trigger is a bin that should be treeified in a table smaller
    /// than [`MIN_TREEIFY_CAPACITY`], see [`JavaTable::treeify_bin`].)
    #[inline(always)]
    fn grow_if_needed(&mut self)
    where
        K: Ord,
    {
        if self.size as i64 > self.threshold as i64 {
            self.resize();
        }
    }

    /// Java's `treeifyBin`, called when appending made the bin holding
    /// `hash` reach `TREEIFY_THRESHOLD + 1` nodes: resize if the table is
    /// smaller than [`MIN_TREEIFY_CAPACITY`], otherwise turn the bin into a
    /// red-black tree.
    #[cold]
    pub(crate) fn treeify_bin(&mut self, hash: u32)
    where
        K: Ord,
    {
        if !self.treeify_enabled {
            return;
        }
        if self.table.len() < MIN_TREEIFY_CAPACITY {
            self.resize();
            return;
        }
        let bin = (hash & self.mask()) as usize;
        let slot = self.table[bin];
        // Empty or already a tree.
        if !slot.is_list() {
            return;
        }
        self.treeify_into(bin, slot.first(), None);
    }

    // ---- growth ---------------------------------------------------------

    /// Java's `resize`: allocates the table (first insert) or doubles it,
    /// and splits every bin `j` into `j` (lo) and `j + oldCap` (hi) by
    /// `hash & oldCap`. Nodes never move in memory: only `next` links and
    /// table slots are written.
    ///
    /// New threshold: for the first table, `(int)(cap * loadFactor)` in
    /// `float` (16 → 12 by default); when doubling a table of at least 16
    /// bins, the old threshold doubled; when doubling a smaller one,
    /// `(int)(newCap * loadFactor)` again.
    #[cold]
    #[inline(never)]
    pub(crate) fn resize(&mut self)
    where
        K: Ord,
    {
        let old_cap = self.table.len();
        let old_thr = self.threshold;
        let new_cap;
        let mut new_thr = 0i32;
        if old_cap > 0 {
            if old_cap >= MAXIMUM_CAPACITY {
                self.threshold = i32::MAX;
                return;
            }
            new_cap = old_cap << 1;
            if new_cap < MAXIMUM_CAPACITY && old_cap >= DEFAULT_INITIAL_CAPACITY {
                new_thr = old_thr.wrapping_shl(1);
            }
        } else if old_thr > 0 {
            new_cap = old_thr as usize; // the initial capacity was parked in threshold
        } else {
            new_cap = DEFAULT_INITIAL_CAPACITY;
            new_thr = (DEFAULT_INITIAL_CAPACITY as f32 * DEFAULT_LOAD_FACTOR) as i32;
        }
        if new_thr == 0 {
            let ft = new_cap as f32 * self.load_factor;
            new_thr = if new_cap < MAXIMUM_CAPACITY && ft < MAXIMUM_CAPACITY as f32 {
                ft as i32
            } else {
                i32::MAX
            };
        }
        self.threshold = new_thr;
        // The first table allocation is not a grow (see `Stats::grows`);
        // it still sends its events, as `resize()` runs for it.
        if old_cap > 0 {
            self.counters.grows += 1;
        }
        let old = std::mem::replace(
            &mut self.table,
            vec![Bin::EMPTY; new_cap].into_boxed_slice(),
        );
        for (j, slot) in old.iter().map(|b| b.head()).enumerate() {
            if slot != NIL {
                self.split_bin(j, slot, old_cap);
            }
        }
        // Both events only now that the new table is in place: a hook that
        // panics cannot leave a threshold without its table.
        if self.hook.is_some() {
            let len = self.size;
            self.emit(Event::GrowStart {
                old_capacity: old_cap as u64,
                new_capacity: new_cap as u64,
                same_size: false,
                len,
            });
            self.emit(Event::GrowEnd {
                capacity: new_cap as u64,
                len,
            });
        }
    }

    /// Moves old bin `j` (slot value `slot`) into the new table, already in
    /// `self.table`: a list bin is split by [`JavaTable::split_list`], a tree
    /// bin by [`JavaTable::split_tree`].
    #[inline]
    fn split_bin(&mut self, j: usize, slot: u32, old_cap: usize)
    where
        K: Ord,
    {
        if slot & TREE_BIT == 0 {
            self.split_list(j, slot, old_cap);
        } else {
            self.split_tree(j, slot & !TREE_BIT, old_cap);
        }
    }

    // ---- remove ---------------------------------------------------------

    /// Java's `removeNode`: unlinks the node holding `key` and returns its
    /// key and value. Never resizes.
    pub(crate) fn remove<Q>(&mut self, hash: u32, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        if self.table.is_empty() {
            return None;
        }
        let bin = (hash & self.mask()) as usize;
        let slot = self.table[bin].head();
        let x = if slot & TREE_BIT == 0 {
            self.list_remove(bin, slot, hash, key)?
        } else if slot == NIL {
            return None;
        } else {
            let p = self.tree_find(slot & !TREE_BIT, hash, key);
            if p == NIL {
                return None;
            }
            self.remove_tree_node(bin, p);
            p
        };
        self.size -= 1;
        Some(self.arena.free(x))
    }

    /// Removes node `x` (live, with spread hash `hash`) and returns its key
    /// and value: [`JavaTable::remove`] when the node is already known.
    pub(crate) fn remove_node(&mut self, hash: u32, x: u32) -> (K, V) {
        let bin = (hash & self.mask()) as usize;
        let slot = self.table[bin].head();
        if slot & TREE_BIT == 0 {
            let mut prev = NIL;
            let mut e = slot;
            while e != x {
                prev = e;
                e = self.arena.next(e);
                assert!(e != NIL, "JavaMap: node not in its bin");
            }
            self.list_unlink(bin, prev, x);
        } else {
            self.remove_tree_node(bin, x);
        }
        self.size -= 1;
        self.arena.free(x)
    }

    /// Empties the table without dropping a node (the caller now owns the
    /// live nodes, see `IntoIter`).
    pub(crate) fn detach_table(&mut self) {
        self.table = Box::new([]);
        self.size = 0;
        self.tree_bins = 0;
    }

    /// Removes every entry, keeping the table's capacity (as Java's
    /// `clear`). Drops iteratively, bin by bin.
    pub(crate) fn clear(&mut self) {
        // Take the table first: if a key's or value's `drop` panics, the
        // map is left empty (the rest leaks) rather than inconsistent.
        let cap = self.table.len();
        let old = std::mem::replace(&mut self.table, vec![Bin::EMPTY; cap].into_boxed_slice());
        self.drop_nodes(&old);
    }

    /// Drops every node reachable from `table` (which must be the map's
    /// table, already detached from `self`) and resets the arena.
    fn drop_nodes(&mut self, table: &[Bin]) {
        self.size = 0;
        self.tree_bins = 0;
        if std::mem::needs_drop::<K>() || std::mem::needs_drop::<V>() {
            for slot in table.iter().map(|b| b.head()) {
                if slot == NIL {
                    continue;
                }
                let mut e = slot & !TREE_BIT;
                while e != NIL {
                    let next = self.arena.next(e);
                    self.arena.drop_in_place(e);
                    e = next;
                }
            }
        }
        self.arena.reset();
    }

    /// Every slot's head, bin by bin (see [`Bin::head`]).
    pub(crate) fn heads(&self) -> impl Iterator<Item = u32> + '_ {
        self.table.iter().map(|b| b.head())
    }

    /// Nodes in the bin starting at `head` (a plain node index).
    pub(crate) fn list_len(&self, head: u32) -> usize {
        let mut n = 0;
        let mut e = head;
        while e != NIL {
            n += 1;
            e = self.arena.next(e);
        }
        n
    }

    /// The longest bin now, in nodes. Walks the whole table
    /// (O(capacity + len)), so it is not part of the stats.
    ///
    /// ```
    /// let m: hashgrow_java::JavaMap<u8, u8> = [(1, 1)].into();
    /// assert_eq!(m.raw().longest_bin(), 1);
    /// ```
    pub fn longest_bin(&self) -> usize {
        self.heads()
            .filter(|&s| s != NIL)
            .map(|s| self.list_len(s & !TREE_BIT))
            .max()
            .unwrap_or(0)
    }
}

impl<K, V> Drop for JavaTable<K, V> {
    fn drop(&mut self) {
        let table = std::mem::take(&mut self.table);
        self.drop_nodes(&table);
    }
}
