//! The map (`Map` in map.go): a small map of one group, or a directory of
//! tables; lookups, inserts and deletes. When a table must be replaced, the
//! [`growth`](crate::growth) module does it.

use std::fmt;
use std::mem;
use std::ptr::NonNull;

use hashgrow::{Event, EventHook, Stats};

use crate::blocks::BlockPool;
use crate::directory::{bytes_for_shape, can_allocate, shape_for_hint, DirEntry};
use crate::group::{group_bytes, h2, DELETED, EMPTY, SLOTS};
use crate::table::{InsertPos, ProbeSeq, Table};

/// Names one live entry of a [`SwissTable`]: a pointer to it (so that
/// reading it needs no table lookup), and its table (by position in the
/// map's table list) and slot index (`group * 8 + slot`) for removal.
/// Small on purpose: a `Result<Slot, Vacancy>` comes back in registers.
pub struct Slot<K, V> {
    pub(crate) ptr: NonNull<(K, V)>,
    pub(crate) table: u32,
    pub(crate) index: u32,
}

impl<K, V> Slot<K, V> {
    #[inline(always)]
    pub(crate) fn group(self) -> usize {
        self.index as usize / SLOTS
    }
    #[inline(always)]
    pub(crate) fn slot(self) -> usize {
        self.index as usize % SLOTS
    }
}

impl<K, V> Clone for Slot<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for Slot<K, V> {}
impl<K, V> PartialEq for Slot<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.ptr == other.ptr
    }
}
impl<K, V> Eq for Slot<K, V> {}
impl<K, V> fmt::Debug for Slot<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Slot(table {}, group {}, slot {})",
            self.table,
            self.group(),
            self.slot()
        )
    }
}

/// Where an absent key would go, as the runtime's insert walk found it
/// (consumed by [`RawTable::insert_vacant`](hashgrow::raw::RawTable::insert_vacant)).
///
/// One `u64`, built with arithmetic: `table << 33 | index << 2 | kind`
/// (index = `group * 8 + slot`; 31 bits each). A struct of narrow fields gets assembled
/// on the stack by narrow stores and read back by one wide load, which
/// cannot be forwarded from the store buffer and waits for every earlier
/// store (the previous inserts' cache-missing slot writes) to drain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vacancy(u64);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VacancyKind {
    /// A table's empty slot, at the end of `PutSlot`'s walk (costs growth).
    Empty = 0,
    /// A table's tombstone met on the walk (reused for free).
    Tombstone = 1,
    /// The small map's first free slot.
    Small = 2,
    /// The small map is full: the 9th key turns it into a table.
    SmallFull = 3,
}

impl Vacancy {
    #[inline(always)]
    pub(crate) fn new(table: usize, index: usize, kind: VacancyKind) -> Vacancy {
        debug_assert!(table < 1 << 31 && index < 1 << 31);
        Vacancy((table as u64) << 33 | (index as u64) << 2 | kind as u64)
    }

    #[inline(always)]
    fn in_table(table: usize, pos: InsertPos) -> Vacancy {
        let kind = if pos.tombstone {
            VacancyKind::Tombstone
        } else {
            VacancyKind::Empty
        };
        Vacancy::new(table, pos.group * SLOTS + pos.slot, kind)
    }

    #[inline(always)]
    pub(crate) fn table(self) -> usize {
        (self.0 >> 33) as usize
    }

    #[inline(always)]
    pub(crate) fn index(self) -> usize {
        ((self.0 >> 2) & 0x7fff_ffff) as usize
    }

    #[inline(always)]
    pub(crate) fn kind(self) -> VacancyKind {
        match self.0 & 3 {
            0 => VacancyKind::Empty,
            1 => VacancyKind::Tombstone,
            2 => VacancyKind::Small,
            _ => VacancyKind::SmallFull,
        }
    }

    #[inline(always)]
    fn pos(self) -> InsertPos {
        InsertPos {
            group: self.index() / SLOTS,
            slot: self.index() % SLOTS,
            tombstone: self.kind() == VacancyKind::Tombstone,
        }
    }
}

/// Growth counters (see [`Stats`]).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counters {
    pub(crate) entries_moved: u64,
    pub(crate) grows: u64,
    pub(crate) splits: u64,
    pub(crate) tombstones_pruned: u64,
}

/// Go 1.24+'s runtime map as a raw table: keys are found by the 64-bit hash
/// the caller computed, and everything that moves entries is handed the
/// hasher. See the [crate docs](crate) for the growth rules.
///
/// Use it through the `hashgrow` map facade, or directly through
/// [`RawTable`](hashgrow::raw::RawTable) and
/// [`RawLookup`](hashgrow::raw::RawLookup) as the replay does.
pub struct SwissTable<K, V> {
    /// `2^global_depth` entries; empty while nothing was ever inserted
    /// (Go's `dirPtr == nil`); one entry pointing at the small group while
    /// `small`.
    pub(crate) dir: Vec<DirEntry<K, V>>,
    /// The next (doubled) directory, copied ahead a little at each split:
    /// entries `2i` and `2i + 1` are `dir[i]` for every `i` below
    /// `next_dir.len() / 2` (see `prepare_next_blocks`). Room for twice
    /// the directory once allocated.
    pub(crate) next_dir: Vec<DirEntry<K, V>>,
    /// The blocks of directories a doubling replaced, kept until the map
    /// is cleared or dropped (see `install_split`): together smaller than
    /// the directory itself. Hold no entry.
    pub(crate) retired_dirs: Vec<Vec<DirEntry<K, V>>>,
    /// The block the table list moves into before it fills up, faulted in
    /// a page at each split (`next_tables_touched` bytes so far; see
    /// `prepare_next_blocks`). Holds no table.
    pub(crate) next_tables: Vec<Table<K, V>>,
    pub(crate) next_tables_touched: usize,
    /// The table list's earlier blocks, kept as `retired_dirs` are. Hold no
    /// table.
    pub(crate) retired_tables: Vec<Vec<Table<K, V>>>,
    /// The distinct tables (the small group as a one-group table while
    /// `small`). Not in directory order: a split puts its right half last.
    pub(crate) tables: Vec<Table<K, V>>,
    /// `globalDepth`.
    pub(crate) global_depth: u8,
    /// `64 - global_depth - 5`: shifts a hash's top `global_depth` bits
    /// to bits 5 and up, so that clearing the low 5 bits leaves the byte
    /// offset of their directory entry (entries are 32 bytes;
    /// `directoryIndex`, pre-scaled). The mask is a constant, not a field:
    /// a lookup reads no more memory than it must (see `dir_entry`).
    pub(crate) dir_shift: u32,
    /// Go's `dirLen == 0`: at most 8 entries, one group, no probing.
    pub(crate) small: bool,
    /// Live entries (`used`).
    pub(crate) len: usize,
    /// Next table identity.
    pub(crate) next_id: u64,
    /// Total slots of all tables (kept up to date so that `stats` is O(1)).
    pub(crate) slots: usize,
    /// Tombstones in all tables (likewise).
    pub(crate) tombstones: usize,
    pub(crate) counters: Counters,
    pub(crate) hook: Option<EventHook>,
    /// The blocks of the 1024-slot tables. Last, so that it is dropped
    /// after every table.
    pub(crate) pool: BlockPool<K, V>,
}

// SAFETY: the map owns its entries (the group pointers are unique owners of
// heap memory, shared only between its own directory entries), so it can
// move between threads when its keys and values can; the hook is
// `Send + Sync`.
unsafe impl<K: Send, V: Send> Send for SwissTable<K, V> {}
// SAFETY: `&SwissTable` only hands out `&K` and `&V`.
unsafe impl<K: Sync, V: Sync> Sync for SwissTable<K, V> {}

impl<K, V> Default for SwissTable<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> SwissTable<K, V> {
    /// An empty map with no storage (`NewEmptyMap`): the first insert
    /// allocates the small group.
    pub const fn new() -> Self {
        SwissTable {
            dir: Vec::new(),
            next_dir: Vec::new(),
            retired_dirs: Vec::new(),
            next_tables: Vec::new(),
            next_tables_touched: 0,
            retired_tables: Vec::new(),
            tables: Vec::new(),
            global_depth: 0,
            dir_shift: 59,
            small: true,
            len: 0,
            next_id: 0,
            slots: 0,
            tombstones: 0,
            counters: Counters {
                entries_moved: 0,
                grows: 0,
                splits: 0,
                tombstones_pruned: 0,
            },
            hook: None,
            pool: BlockPool::new(),
        }
    }

    /// `NewMap(hint)`: a small map for a hint of at most 8, else
    /// `2^depth` tables sized so that `hint` entries fit without a grow on
    /// average (`directory::shape_for_hint`). A hint the runtime ignores
    /// (overflow, more than `maxAlloc`) is ignored, and so is one the
    /// allocator cannot back: never an abort.
    ///
    /// ```
    /// use hashgrow_swiss::SwissTable;
    /// let t: SwissTable<u64, u64> = SwissTable::with_hint(1000);
    /// assert!(t.capacity() >= 1000 && t.is_empty());
    /// ```
    pub fn with_hint(hint: usize) -> Self {
        let mut m = Self::new();
        let Some((depth, per_table)) = shape_for_hint(hint, group_bytes::<K, V>()) else {
            return m;
        };
        match bytes_for_shape::<K, V>(depth, per_table) {
            Some(bytes) if can_allocate(bytes) => {}
            _ => return m,
        }
        let n = 1usize << depth;
        if m.tables.try_reserve_exact(n).is_err() || m.dir.try_reserve_exact(n).is_err() {
            return Self::new();
        }
        for i in 0..n {
            let Some(t) = Table::try_new(per_table, i, depth, i as u64, &mut m.pool) else {
                return Self::new();
            };
            m.dir.push(DirEntry::of(&t, i));
            m.slots += t.capacity;
            m.tables.push(t);
        }
        m.next_id = n as u64;
        m.small = false;
        m.set_global_depth(depth);
        m
    }

    pub(crate) fn set_global_depth(&mut self, depth: u8) {
        self.global_depth = depth;
        const _: () = assert!(mem::size_of::<DirEntry<u8, u8>>() == 32);
        // A directory of 2^59 entries cannot be allocated: no underflow.
        self.dir_shift = 59 - u32::from(depth).min(59);
    }

    /// A table's first directory entry (the runtime's `table.index`).
    pub(crate) fn table_index(&self, t: &Table<K, V>) -> usize {
        t.prefix << (self.global_depth - t.local_depth)
    }

    pub(crate) fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id - 1
    }

    /// Number of entries.
    #[inline]
    ///
    /// ```
    /// let m: hashgrow_swiss::SwissMap<u8, u8> = [(1, 1), (2, 2)].into();
    /// assert_eq!(m.raw().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` if there are no entries.
    #[inline]
    ///
    /// ```
    /// let t: hashgrow_swiss::SwissTable<u8, u8> = hashgrow_swiss::SwissTable::with_hint(0);
    /// assert!(t.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The directory entry for `hash` (`directoryIndex`: its top
    /// `globalDepth` bits), without a bounds check.
    ///
    /// # Safety
    /// The directory is not empty (something was inserted once).
    #[inline(always)]
    pub(crate) unsafe fn dir_entry(&self, hash: u64) -> DirEntry<K, V> {
        debug_assert_eq!(self.dir.len(), 1 << (59 - self.dir_shift));
        let offset = (hash >> self.dir_shift) as usize & !31;
        // SAFETY: the directory has `2^global_depth` entries of 32 bytes
        // (caller: at least one); the shifted hash is below
        // `2^(global_depth + 5)`, so `offset` is at most the last entry's.
        unsafe { self.dir.as_ptr().byte_add(offset).read() }
    }

    /// The table index serving `hash`.
    #[inline(always)]
    pub(crate) fn table_for(&self, hash: u64) -> usize {
        assert!(!self.dir.is_empty());
        // SAFETY: the directory is not empty.
        unsafe { self.dir_entry(hash) }.table()
    }

    /// Finds the entry whose key satisfies `eq` (`getWithKey`, or
    /// `getWithKeySmall`): the probe path of `hash`, testing the H2 matches
    /// of each group, until a group with an empty slot.
    ///
    /// The first group is tested inline: most lookups end there (in the
    /// speed example at n = 200000, 93% of hits and 64% of misses). The
    /// rest of the walk is out of line, so that `get` stays small enough to
    /// be inlined into its caller's loop. (Also tried and measured slower
    /// at n = 1M: the second group inline too, and the first two groups
    /// matched with one 16-byte load, which spans two cache lines one time
    /// in eight.)
    #[inline(always)]
    ///
    /// ```
    /// use hashgrow_swiss::SwissTable;
    /// let mut t: SwissTable<u64, u64> = SwissTable::with_hint(0);
    /// let hasher = |k: &u64| k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    /// let v = t.find_or_vacancy_with(hasher(&7), |k| *k == 7).unwrap_err();
    /// t.insert_vacant_with(hasher(&7), v, (7, 70), &hasher);
    /// assert!(t.find_with(hasher(&7), |k| *k == 7).is_some());
    /// assert!(t.find_with(hasher(&8), |k| *k == 8).is_none());
    /// ```
    pub fn find_with(&self, hash: u64, mut eq: impl FnMut(&K) -> bool) -> Option<Slot<K, V>> {
        if self.len == 0 {
            return None;
        }
        // SAFETY: a map with entries has a directory.
        let e = unsafe { self.dir_entry(hash) };
        let tag = h2(hash);
        // The first group's control word, at byte `(h1 & mask) * 8`: the
        // same bits as `(hash >> 7) & mask`, shifted left by 3, and that
        // is also the index of the group's first slot.
        let first = (hash >> 4) as usize & e.last_group();
        // SAFETY: `first` is the byte offset of one of the table's control
        // words, all initialised.
        let ctrl = unsafe { e.ctrl.byte_add(first).read() };
        for i in ctrl.match_h2(tag) {
            let index = first + i;
            // SAFETY: `index` is below the capacity of a live table.
            let ptr = unsafe { e.slot(index) };
            // SAFETY: an H2 match is a full slot, holding an entry.
            if eq(unsafe { &ptr.as_ref().0 }) {
                return Some(Slot {
                    ptr,
                    table: e.table,
                    index: index as u32,
                });
            }
        }
        if ctrl.match_empty().any() {
            return None;
        }
        self.find_past_first(hash, eq)
    }

    /// The rest of [`find_with`](Self::find_with)'s walk, from the path's
    /// second group. The small group is probed as a one-group table; it may
    /// be full, hence the step bound (a table always has an empty slot and
    /// never reaches it).
    #[inline(never)]
    fn find_past_first(&self, hash: u64, mut eq: impl FnMut(&K) -> bool) -> Option<Slot<K, V>> {
        // SAFETY: `find_with` found the map not empty.
        let e = unsafe { self.dir_entry(hash) };
        let (tag, mask) = (h2(hash), e.mask());
        let mut seq = ProbeSeq::new(hash, mask);
        loop {
            seq.next();
            if seq.steps() > mask {
                return None;
            }
            // SAFETY: `offset <= mask`, the entry's table is live, and
            // every control word is initialised.
            let ctrl = unsafe { *e.ctrl.as_ptr().add(seq.offset) };
            for i in ctrl.match_h2(tag) {
                let index = seq.offset * SLOTS + i;
                // SAFETY: `index` is below the table's capacity.
                let ptr = unsafe { e.slot(index) };
                // SAFETY: a full slot holds an entry.
                if eq(unsafe { &ptr.as_ref().0 }) {
                    return Some(Slot {
                        ptr,
                        table: e.table,
                        index: index as u32,
                    });
                }
            }
            if ctrl.match_empty().any() {
                return None;
            }
        }
    }

    /// What an insert does before it knows whether the key is there
    /// (`PutSlot` up to the write): allocate the small group if there is
    /// none (`growToSmall`), then the key's slot or where it would go.
    #[inline]
    ///
    /// ```
    /// use hashgrow_swiss::SwissTable;
    /// let mut t: SwissTable<u64, u64> = SwissTable::with_hint(0);
    /// let hasher = |k: &u64| k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    /// let v = t.find_or_vacancy_with(hasher(&1), |k| *k == 1).unwrap_err();
    /// t.insert_vacant_with(hasher(&1), v, (1, 10), &hasher);
    /// assert!(t.find_or_vacancy_with(hasher(&1), |k| *k == 1).is_ok());
    /// ```
    pub fn find_or_vacancy_with(
        &mut self,
        hash: u64,
        eq: impl FnMut(&K) -> bool,
    ) -> Result<Slot<K, V>, Vacancy> {
        if self.small {
            return self.find_or_vacancy_small(hash, eq);
        }
        self.find_or_vacancy_in_table(hash, eq)
    }

    /// `putSlotSmall`'s search (after `growToSmall` if nothing was ever
    /// allocated).
    #[cold]
    #[inline(never)]
    fn find_or_vacancy_small(
        &mut self,
        hash: u64,
        mut eq: impl FnMut(&K) -> bool,
    ) -> Result<Slot<K, V>, Vacancy> {
        if self.tables.is_empty() {
            self.grow_to_small();
        }
        let tag = h2(hash);
        {
            // `putSlotSmall`: the one group's H2 matches, else its first
            // free slot (a small map has no tombstones).
            let t = &self.tables[0];
            let c = t.ctrl(0);
            for i in c.match_h2(tag) {
                // SAFETY: H2 match means a full slot.
                if eq(unsafe { &t.entry(0, i).0 }) {
                    return Ok(t.slot(0, 0, i));
                }
            }
            let free = c.match_empty_or_deleted();
            Err(if free.any() {
                Vacancy::new(0, free.first(), VacancyKind::Small)
            } else {
                Vacancy::new(0, 0, VacancyKind::SmallFull)
            })
        }
    }

    /// `PutSlot`'s walk in the key's table.
    #[inline(always)]
    fn find_or_vacancy_in_table(
        &self,
        hash: u64,
        mut eq: impl FnMut(&K) -> bool,
    ) -> Result<Slot<K, V>, Vacancy> {
        let tag = h2(hash);
        // Everything from the directory entry: going through the table's
        // header would put one more load before the control word's.
        // SAFETY: a map past its small group has a directory.
        let e = unsafe { self.dir_entry(hash) };
        let mut seq = ProbeSeq::new(hash, e.mask());
        let mut first_deleted: Option<InsertPos> = None;
        loop {
            // SAFETY: `offset <= mask` of a live table; control words are
            // initialised.
            let c = unsafe { *e.ctrl.as_ptr().add(seq.offset) };
            for i in c.match_h2(tag) {
                let index = seq.offset * SLOTS + i;
                // SAFETY: `index` is below the table's capacity.
                let ptr = unsafe { e.slot(index) };
                // SAFETY: H2 match means a full slot, holding an entry.
                if eq(unsafe { &ptr.as_ref().0 }) {
                    return Ok(Slot {
                        ptr,
                        table: e.table,
                        index: index as u32,
                    });
                }
            }
            // The end of the path is a group whose *first* free slot is
            // empty; a first free slot that is a tombstone is remembered and
            // the walk goes on (see `Table::insert_pos`).
            let free = c.match_empty_or_deleted();
            if free.any() {
                let i = free.first();
                if c.get(i) == DELETED {
                    first_deleted.get_or_insert(InsertPos {
                        group: seq.offset,
                        slot: i,
                        tombstone: true,
                    });
                } else {
                    let pos = first_deleted.unwrap_or(InsertPos {
                        group: seq.offset,
                        slot: i,
                        tombstone: false,
                    });
                    return Err(Vacancy::in_table(e.table(), pos));
                }
            }
            seq.next();
        }
    }

    /// Inserts a new entry where `vacancy` says (the rest of `PutSlot`):
    /// a reused tombstone costs nothing; an empty slot costs growth, and a
    /// table with none left first prunes its tombstones, then, if that
    /// freed nothing, is rehashed (doubled or split) and the insert starts
    /// over in the key's new table. The small map's 9th key turns it into a
    /// table first (`growToTable`).
    #[inline(always)]
    ///
    /// ```
    /// use hashgrow_swiss::SwissTable;
    /// let mut t: SwissTable<u64, u64> = SwissTable::with_hint(0);
    /// let hasher = |k: &u64| k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    /// for k in 0..9 {
    ///     let v = t.find_or_vacancy_with(hasher(&k), |x| *x == k).unwrap_err();
    ///     t.insert_vacant_with(hasher(&k), v, (k, k), &hasher);
    /// }
    /// // The 9th key turned the small map into a 16-slot table.
    /// assert_eq!((t.len(), t.capacity()), (9, 14));
    /// ```
    pub fn insert_vacant_with(
        &mut self,
        hash: u64,
        vacancy: Vacancy,
        entry: (K, V),
        hasher: &impl Fn(&K) -> u64,
    ) -> Slot<K, V> {
        // The common case inline and with as few stores as possible: a
        // store that misses the cache holds back every later store (they
        // commit in order), so each extra store here costs insert
        // throughput.
        let ti = vacancy.table();
        if vacancy.kind() == VacancyKind::Empty {
            let t = &mut self.tables[ti];
            if t.growth_left > 0 {
                let pos = vacancy.pos();
                t.put_at(pos, hash, entry);
                self.len += 1;
                return t.slot(ti, pos.group, pos.slot);
            }
        }
        self.insert_slow(hash, vacancy, entry, hasher)
    }

    /// Writes the entry at `pos` of table `ti` and counts it.
    #[inline(always)]
    fn put(&mut self, ti: usize, pos: InsertPos, hash: u64, entry: (K, V)) -> Slot<K, V> {
        let t = &mut self.tables[ti];
        t.put_at(pos, hash, entry);
        if pos.tombstone {
            self.tombstones -= 1;
        }
        self.len += 1;
        t.slot(ti, pos.group, pos.slot)
    }

    /// The small map, and a table out of growth: prune, else rehash and
    /// insert again.
    #[cold]
    #[inline(never)]
    fn insert_slow(
        &mut self,
        hash: u64,
        vacancy: Vacancy,
        entry: (K, V),
        hasher: &impl Fn(&K) -> u64,
    ) -> Slot<K, V> {
        let ti = vacancy.table();
        match vacancy.kind() {
            VacancyKind::Small => {
                let i = vacancy.index();
                let t = &mut self.tables[0];
                // SAFETY: the slot is free (found just now, nothing changed).
                unsafe { t.slot_ptr(0, i).write(entry) };
                t.set_ctrl(0, i, h2(hash));
                t.used += 1;
                self.len += 1;
                t.slot(0, 0, i)
            }
            VacancyKind::SmallFull => {
                self.grow_to_table(hasher);
                self.insert_new(hash, entry, hasher)
            }
            VacancyKind::Empty | VacancyKind::Tombstone => {
                let pos = vacancy.pos();
                if !pos.tombstone && self.tables[ti].growth_left == 0 {
                    self.prune_tombstones(ti, hasher);
                }
                if pos.tombstone || self.tables[ti].growth_left > 0 {
                    return self.put(ti, pos, hash, entry);
                }
                self.rehash(ti, hasher);
                self.insert_new(hash, entry, hasher)
            }
        }
    }

    /// The insert after a rehash (`continue outer` in `PutSlot`'s caller):
    /// find the key's table again and walk; rehash again if that table is
    /// still out of growth (a split that sent every entry one way).
    fn insert_new(&mut self, hash: u64, entry: (K, V), hasher: &impl Fn(&K) -> u64) -> Slot<K, V> {
        loop {
            let ti = self.table_for(hash);
            let pos = self.tables[ti].insert_pos(hash);
            if !pos.tombstone && self.tables[ti].growth_left == 0 {
                self.prune_tombstones(ti, hasher);
            }
            if pos.tombstone || self.tables[ti].growth_left > 0 {
                return self.put(ti, pos, hash, entry);
            }
            self.rehash(ti, hasher);
        }
    }

    /// Removes the entry of `slot` (`Delete` once the key is found): the
    /// small map just empties the slot (`deleteSmall`); a table empties it
    /// if its group has an empty slot, else leaves a tombstone.
    ///
    /// # Safety
    /// `slot` names a live entry.
    pub unsafe fn remove_at(&mut self, slot: Slot<K, V>) -> (K, V) {
        let (ti, g, s) = (slot.table as usize, slot.group(), slot.slot());
        let t = &mut self.tables[ti];
        self.len -= 1;
        if self.small {
            t.set_ctrl(g, s, EMPTY);
            t.used -= 1;
            // SAFETY: the slot was full (caller) and is now marked empty, so
            // the entry is moved out once.
            unsafe { t.slot_ptr(g, s).read() }
        } else {
            // SAFETY: live slot (caller).
            let (entry, tombstone) = unsafe { t.take(g, s) };
            self.tombstones += usize::from(tombstone);
            entry
        }
    }

    /// Sends `event` to the hook, if any.
    pub(crate) fn emit(&mut self, event: Event) {
        if let Some(hook) = self.hook.as_mut() {
            hook(&event);
        }
    }

    /// Total slots (the small group's 8, or every table's capacity).
    pub(crate) fn total_slots(&self) -> usize {
        self.slots
    }

    /// Counters and current state (see [`Stats`] and the crate docs).
    ///
    /// ```
    /// let m: hashgrow_swiss::SwissMap<u32, u32> = (0..2000).map(|i| (i, i)).collect();
    /// let s = m.raw().stats();
    /// assert!(s.splits >= 1 && s.tables >= 2);
    /// ```
    pub fn stats(&self) -> Stats {
        let c = self.counters;
        Stats {
            entries_moved: c.entries_moved,
            grows: c.grows,
            // 7/8 of the slots: the load at which every table grows. Not
            // `capacity()`, whose exact sum of every table's growth left
            // costs a walk of the directory; the bench reads stats after
            // every op. (A table that fills first grows sooner.)
            capacity: if self.small {
                self.capacity() as u64
            } else {
                (self.total_slots() / 8 * 7) as u64
            },
            native_capacity: self.total_slots() as u64,
            native_unit: "slots",
            splits: c.splits,
            tombstones_pruned: c.tombstones_pruned,
            tables: if self.small {
                0
            } else {
                self.tables.len() as u64
            },
            directory_depth: self.global_depth,
            tombstones: self.tombstones as u64,
            ..Stats::default()
        }
    }

    /// Entries the map holds before its tables reach their 7/8 load
    /// (8 for the small group): a new key landing in a full table grows it
    /// sooner.
    ///
    /// ```
    /// let m: hashgrow_swiss::SwissMap<u8, u8> = [(1, 1)].into();
    /// assert_eq!(m.raw().capacity(), 8); // the small map: one group
    /// ```
    pub fn capacity(&self) -> usize {
        if self.small {
            self.tables.first().map_or(0, |t| t.capacity)
        } else {
            self.len + self.tables.iter().map(|t| t.growth_left).sum::<usize>()
        }
    }

    /// Removes every entry (`Map.Clear`): the small group stays allocated,
    /// and so do the directory and every table, at their sizes, emptied
    /// (tombstones included). The map never shrinks.
    ///
    /// ```
    /// let mut m: hashgrow_swiss::SwissMap<u32, u32> = (0..100).map(|i| (i, i)).collect();
    /// m.clear();
    /// assert!(m.raw().is_empty());
    /// ```
    pub fn clear(&mut self) {
        if self.small {
            if let Some(t) = self.tables.first_mut() {
                t.clear();
            }
        } else {
            for t in &mut self.tables {
                t.clear();
            }
        }
        self.len = 0;
        self.tombstones = 0;
        self.retired_dirs = Vec::new();
        self.retired_tables = Vec::new();
    }

    /// Checks every structural invariant (tests): directory coverage,
    /// table depths and indices, load accounting against the control bytes,
    /// and that each entry sits on its hash's probe path in the right table.
    pub fn check_invariants(&self, hasher: impl Fn(&K) -> u64) {
        let mut total = 0;
        if self.tables.is_empty() {
            assert!(self.dir.is_empty() && self.len == 0 && self.small);
            return;
        }
        assert_eq!(self.dir.len(), 1 << self.global_depth);
        if self.small {
            assert_eq!(self.tables.len(), 1);
            assert_eq!(self.tables[0].capacity, SLOTS);
            assert_eq!(
                self.tables[0].count_deleted(),
                0,
                "a small map has no tombstones"
            );
        }
        assert!(self.next_dir.len() % 2 == 0 && self.next_dir.len() <= 2 * self.dir.len());
        for (i, pair) in self.next_dir.chunks(2).enumerate() {
            for e in pair {
                assert!(
                    (e.ctrl, e.table(), e.last_group())
                        == (
                            self.dir[i].ctrl,
                            self.dir[i].table(),
                            self.dir[i].last_group()
                        ),
                    "next directory entry {} is not a copy of entry {i}",
                    2 * i
                );
            }
        }
        for (ti, t) in self.tables.iter().enumerate() {
            let full: usize = (0..=t.mask).map(|g| t.full(g).count()).sum();
            assert_eq!(full, t.used, "table {ti} used");
            total += full;
            if !self.small {
                assert_eq!(t.count_deleted(), t.tombstones(), "table {ti} tombstones");
                assert!(t.local_depth <= self.global_depth);
                let span = 1usize << (self.global_depth - t.local_depth);
                let index = self.table_index(t);
                assert!(t.prefix < 1 << t.local_depth, "table {ti} prefix");
                for d in &self.dir[index..index + span] {
                    assert_eq!(d.table(), ti);
                    assert_eq!(d.ctrl, t.ctrl_ptr());
                    assert_eq!(d.mask(), t.mask);
                    assert_eq!(d.last_group(), t.capacity - SLOTS);
                }
                assert!(
                    (0..=t.mask).any(|g| t.ctrl(g).match_empty().any()),
                    "table {ti} has an empty slot"
                );
            }
            for g in 0..=t.mask {
                for s in t.full(g) {
                    // SAFETY: full slot.
                    let k = unsafe { &t.entry(g, s).0 };
                    let h = hasher(k);
                    assert_eq!(t.ctrl(g).get(s), h2(h));
                    if !self.small {
                        assert_eq!(self.table_for(h), ti, "entry in the wrong table");
                        let mut seq = ProbeSeq::new(h, t.mask);
                        while seq.offset != g {
                            assert!(!t.ctrl(seq.offset).match_empty().any(), "probe path broken");
                            seq.next();
                        }
                    }
                }
            }
        }
        assert_eq!(total, self.len);
        assert_eq!(
            self.slots,
            self.tables.iter().map(|t| t.capacity).sum::<usize>()
        );
        let tombstones: usize = self.tables.iter().map(|t| t.count_deleted()).sum();
        assert_eq!(self.tombstones, tombstones);
    }
}
