//! The map (`Map` in map.go): a small map of one group, or a directory of
//! tables; lookups, inserts and deletes. When a table must be replaced, the
//! [`growth`](crate::growth) module does it.

use std::mem;

use hashgrow::{Event, EventHook, Stats};

use crate::directory::{bytes_for_shape, can_allocate, shape_for_hint, DirEntry};
use crate::group::{h2, Group, DELETED, EMPTY, SLOTS};
use crate::table::{InsertPos, ProbeSeq, Table};

/// Names one live entry of a [`SwissTable`]: its table (by position in the
/// map's table list), group and slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Slot {
    pub(crate) table: u32,
    pub(crate) group: u32,
    pub(crate) slot: u32,
}

/// Where an absent key would go, as the runtime's insert walk found it
/// (consumed by [`RawTable::insert_vacant`](hashgrow::raw::RawTable::insert_vacant)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vacancy(pub(crate) VacancyKind);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VacancyKind {
    /// The small map's first free slot.
    Small(usize),
    /// The small map is full: the 9th key turns it into a table.
    SmallFull,
    /// A table's slot, found by `PutSlot`'s walk.
    Table(usize, InsertPos),
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
    /// The distinct tables (the small group as a one-group table while
    /// `small`). Not in directory order: a split puts its right half last.
    pub(crate) tables: Vec<Table<K, V>>,
    /// `globalDepth`.
    pub(crate) global_depth: u8,
    /// `(64 - global_depth) & 63`, so that depth 0 shifts by 0 and the
    /// directory mask (0) picks entry 0.
    pub(crate) dir_shift: u32,
    /// Go's `dirLen == 0`: at most 8 entries, one group, no probing.
    pub(crate) small: bool,
    /// Live entries (`used`).
    pub(crate) len: usize,
    /// Next table identity.
    pub(crate) next_id: u64,
    pub(crate) counters: Counters,
    pub(crate) hook: Option<EventHook>,
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
            tables: Vec::new(),
            global_depth: 0,
            dir_shift: 0,
            small: true,
            len: 0,
            next_id: 0,
            counters: Counters {
                entries_moved: 0,
                grows: 0,
                splits: 0,
                tombstones_pruned: 0,
            },
            hook: None,
        }
    }

    /// `NewMap(hint)`: a small map for a hint of at most 8, else
    /// `2^depth` tables sized so that `hint` entries fit without a grow on
    /// average (see [`shape_for_hint`]). A hint the runtime ignores
    /// (overflow, more than `maxAlloc`) is ignored, and so is one the
    /// allocator cannot back: never an abort.
    pub fn with_hint(hint: usize) -> Self {
        let mut m = Self::new();
        let Some((depth, per_table)) = shape_for_hint(hint, mem::size_of::<Group<K, V>>()) else {
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
            let Some(t) = Table::try_new(per_table, i, depth, i as u64) else {
                return Self::new();
            };
            m.dir.push(DirEntry::of(&t, i));
            m.tables.push(t);
        }
        m.next_id = n as u64;
        m.small = false;
        m.set_global_depth(depth);
        m
    }

    pub(crate) fn set_global_depth(&mut self, depth: u8) {
        self.global_depth = depth;
        self.dir_shift = (64 - u32::from(depth)) & 63;
    }

    pub(crate) fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id - 1
    }

    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` if there are no entries.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The directory entry for `hash` (`directoryIndex`: its top
    /// `globalDepth` bits).
    #[inline(always)]
    pub(crate) fn dir_entry(&self, hash: u64) -> DirEntry<K, V> {
        let i = (hash >> self.dir_shift) as usize & (self.dir.len() - 1);
        self.dir[i]
    }

    /// The table index serving `hash`.
    #[inline(always)]
    pub(crate) fn table_for(&self, hash: u64) -> usize {
        self.dir_entry(hash).table
    }

    /// Finds the entry whose key satisfies `eq` (`getWithKey`, or
    /// `getWithKeySmall`): the probe path of `hash`, testing the H2 matches
    /// of each group, until a group with an empty slot. The small group is
    /// probed as a one-group table; it may be full, hence the step bound
    /// (a table always has an empty slot and never reaches it).
    #[inline]
    pub fn find_with(&self, hash: u64, mut eq: impl FnMut(&K) -> bool) -> Option<Slot> {
        if self.len == 0 {
            return None;
        }
        let e = self.dir_entry(hash);
        let tag = h2(hash);
        let mut seq = ProbeSeq::new(hash, e.mask);
        loop {
            // SAFETY: `offset <= mask`, the entry's groups are live, and
            // every control word is initialised.
            let g = unsafe { &*e.groups.as_ptr().add(seq.offset) };
            for i in g.ctrl.match_h2(tag) {
                // SAFETY: a full slot (its control byte is an H2) holds an
                // initialised entry.
                let k = unsafe { &(*g.slots[i].as_ptr()).0 };
                if eq(k) {
                    return Some(Slot {
                        table: e.table as u32,
                        group: seq.offset as u32,
                        slot: i as u32,
                    });
                }
            }
            if g.ctrl.match_empty().any() {
                return None;
            }
            seq.next();
            if seq.steps() > e.mask {
                return None;
            }
        }
    }

    /// What an insert does before it knows whether the key is there
    /// (`PutSlot` up to the write): allocate the small group if there is
    /// none (`growToSmall`), then the key's slot or where it would go.
    pub fn find_or_vacancy_with(
        &mut self,
        hash: u64,
        mut eq: impl FnMut(&K) -> bool,
    ) -> Result<Slot, Vacancy> {
        if self.tables.is_empty() {
            self.grow_to_small();
        }
        let tag = h2(hash);
        if self.small {
            // `putSlotSmall`: the one group's H2 matches, else its first
            // free slot (a small map has no tombstones).
            let t = &self.tables[0];
            let c = t.ctrl(0);
            for i in c.match_h2(tag) {
                // SAFETY: H2 match means a full slot.
                if eq(unsafe { &t.entry(0, i).0 }) {
                    return Ok(Slot {
                        table: 0,
                        group: 0,
                        slot: i as u32,
                    });
                }
            }
            let free = c.match_empty_or_deleted();
            return Err(Vacancy(if free.any() {
                VacancyKind::Small(free.first())
            } else {
                VacancyKind::SmallFull
            }));
        }
        let e = self.dir_entry(hash);
        let t = &self.tables[e.table];
        let mut seq = ProbeSeq::new(hash, e.mask);
        let mut first_deleted: Option<InsertPos> = None;
        loop {
            let c = t.ctrl(seq.offset);
            for i in c.match_h2(tag) {
                // SAFETY: H2 match means a full slot.
                if eq(unsafe { &t.entry(seq.offset, i).0 }) {
                    return Ok(Slot {
                        table: e.table as u32,
                        group: seq.offset as u32,
                        slot: i as u32,
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
                    return Err(Vacancy(VacancyKind::Table(e.table, pos)));
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
    pub fn insert_vacant_with(
        &mut self,
        hash: u64,
        vacancy: Vacancy,
        entry: (K, V),
        hasher: &impl Fn(&K) -> u64,
    ) -> Slot {
        match vacancy.0 {
            VacancyKind::Small(i) => {
                let t = &mut self.tables[0];
                // SAFETY: the slot is free (found just now, nothing changed).
                unsafe { t.slot_ptr(0, i).write(entry) };
                t.set_ctrl(0, i, h2(hash));
                t.used += 1;
                self.len += 1;
                Slot {
                    table: 0,
                    group: 0,
                    slot: i as u32,
                }
            }
            VacancyKind::SmallFull => {
                self.grow_to_table(hasher);
                self.insert_new(hash, entry, hasher)
            }
            VacancyKind::Table(ti, pos) => {
                if !pos.tombstone && self.tables[ti].growth_left == 0 {
                    self.prune_tombstones(ti, hasher);
                }
                if pos.tombstone || self.tables[ti].growth_left > 0 {
                    self.tables[ti].put_at(pos, hash, entry);
                    self.len += 1;
                    return slot_of(ti, pos);
                }
                self.rehash(ti, hasher);
                self.insert_new(hash, entry, hasher)
            }
        }
    }

    /// The insert after a rehash (`continue outer` in `PutSlot`'s caller):
    /// find the key's table again and walk; rehash again if that table is
    /// still out of growth (a split that sent every entry one way).
    fn insert_new(&mut self, hash: u64, entry: (K, V), hasher: &impl Fn(&K) -> u64) -> Slot {
        loop {
            let ti = self.table_for(hash);
            let pos = self.tables[ti].insert_pos(hash);
            if !pos.tombstone && self.tables[ti].growth_left == 0 {
                self.prune_tombstones(ti, hasher);
            }
            if pos.tombstone || self.tables[ti].growth_left > 0 {
                self.tables[ti].put_at(pos, hash, entry);
                self.len += 1;
                return slot_of(ti, pos);
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
    pub unsafe fn remove_at(&mut self, slot: Slot) -> (K, V) {
        let (ti, g, s) = (slot.table as usize, slot.group as usize, slot.slot as usize);
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
            unsafe { t.take(g, s) }.0
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
        self.tables.iter().map(|t| t.capacity).sum()
    }

    /// Counters and current state (see [`Stats`] and the crate docs).
    pub fn stats(&self) -> Stats {
        let c = self.counters;
        Stats {
            entries_moved: c.entries_moved,
            grows: c.grows,
            capacity: self.total_slots() as u64,
            splits: c.splits,
            tombstones_pruned: c.tombstones_pruned,
            tables: if self.small {
                0
            } else {
                self.tables.len() as u64
            },
            directory_depth: self.global_depth,
            tombstones: if self.small {
                0
            } else {
                self.tables.iter().map(|t| t.tombstones() as u64).sum()
            },
            ..Stats::default()
        }
    }

    /// Entries the map holds before its tables reach their 7/8 load
    /// (8 for the small group): a new key landing in a full table grows it
    /// sooner.
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
        for (ti, t) in self.tables.iter().enumerate() {
            let full: usize = (0..=t.mask).map(|g| t.full(g).count()).sum();
            assert_eq!(full, t.used, "table {ti} used");
            total += full;
            if !self.small {
                assert_eq!(t.count_deleted(), t.tombstones(), "table {ti} tombstones");
                assert!(t.local_depth <= self.global_depth);
                let span = 1usize << (self.global_depth - t.local_depth);
                assert_eq!(t.index % span, 0, "table {ti} index aligned");
                for d in &self.dir[t.index..t.index + span] {
                    assert_eq!(d.table, ti);
                    assert_eq!(d.groups, t.groups_ptr());
                    assert_eq!(d.mask, t.mask);
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
    }
}

pub(crate) fn slot_of(ti: usize, pos: InsertPos) -> Slot {
    Slot {
        table: ti as u32,
        group: pos.group as u32,
        slot: pos.slot as u32,
    }
}
