//! One Swiss table: a power-of-two array of groups, its load accounting and
//! its probe sequence (`table.go`: `table`, `probeSeq`, `getWithKey`,
//! `PutSlot`'s walk, `uncheckedPutSlot`, `Delete`).
//!
//! A table never changes size: when it runs out of growth it is replaced
//! (see [`growth`](crate::growth)).

use std::alloc::{self, Layout};
use std::marker::PhantomData;
use std::mem;
use std::ptr::NonNull;

use crate::blocks::BlockPool;
use crate::group::{h1, h2, BitMask, Ctrl, SlotGroup, ALL_EMPTY, DELETED, EMPTY, SLOTS};
use crate::map::Slot;

/// Largest table before it splits (`maxTableCapacity`).
pub(crate) const MAX_TABLE_CAPACITY: usize = 1024;
/// Load factor numerator over [`SLOTS`] (`maxAvgGroupLoad`): 7/8.
pub(crate) const MAX_AVG_GROUP_LOAD: usize = 7;

/// The triangular probe sequence over a power-of-two group count
/// (`probeSeq`): offsets `h1, h1+1, h1+3, h1+6, ...` masked, which visits
/// every group once in `mask + 1` steps.
#[derive(Clone, Copy)]
pub(crate) struct ProbeSeq {
    pub(crate) offset: usize,
    index: usize,
    mask: usize,
}

impl ProbeSeq {
    /// `makeProbeSeq(h1(hash), mask)`.
    #[inline(always)]
    pub(crate) fn new(hash: u64, mask: usize) -> ProbeSeq {
        ProbeSeq {
            offset: h1(hash) as usize & mask,
            index: 0,
            mask,
        }
    }

    /// `probeSeq.next`.
    #[inline(always)]
    pub(crate) fn next(&mut self) {
        self.index += 1;
        self.offset = (self.offset + self.index) & self.mask;
    }

    /// Steps taken so far.
    #[inline(always)]
    pub(crate) fn steps(&self) -> usize {
        self.index
    }
}

/// Where the runtime's insert walk ends (`PutSlot` without the key match):
/// a group and slot, and whether that slot is a tombstone being reused
/// (which costs no growth).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InsertPos {
    pub(crate) group: usize,
    pub(crate) slot: usize,
    pub(crate) tombstone: bool,
}

/// A Swiss table (`table` in table.go).
///
/// Memory: the `capacity / 8` groups' slots, slot `j` (`group * 8 +
/// slot`) the `j`-th, and apart from them the `capacity / 8` control
/// words. A 1024-slot table takes both from a block of the map's
/// [`BlockPool`], where its control words lie beside the other full-size
/// tables' ones; any other size is one allocation of its own, its slots
/// then its control words. The runtime interleaves each control word with
/// its group's slots; keeping the words together keeps them in cache, so a
/// probe costs a cache miss only for the slot it reads, as in hashbrown.
/// The groups, slots and every decision are the runtime's.
pub(crate) struct Table<K, V> {
    /// `capacity / 8` control words, all initialised.
    ctrl: NonNull<Ctrl>,
    /// `capacity` slots, initialised where the control byte says full.
    slots: NonNull<(K, V)>,
    /// Group count minus one (`groups.lengthMask`).
    pub(crate) mask: usize,
    /// Slots, a power of two (`capacity`).
    pub(crate) capacity: usize,
    /// Full slots (`used`).
    pub(crate) used: usize,
    /// Inserts into empty slots left before a rehash (`growthLeft`):
    /// tombstones count as used.
    pub(crate) growth_left: usize,
    /// Hash bits that select this table in the directory (`localDepth`).
    pub(crate) local_depth: u8,
    /// The hash prefix this table serves: the top `local_depth` bits of
    /// its hashes. The runtime keeps `index`, the first directory entry
    /// pointing here, which is `prefix << (globalDepth - localDepth)`
    /// ([`SwissTable::table_index`](crate::SwissTable)): it must double
    /// every table's `index` when the directory doubles, a pass over all
    /// the tables that the prefix, unchanged by a doubling, does without.
    pub(crate) prefix: usize,
    /// Identity for observers (the oracle compares table pointers): a new
    /// number for every table ever made by the map.
    pub(crate) id: u64,
    marker: PhantomData<SlotGroup<K, V>>,
}

impl<K, V> Table<K, V> {
    /// `newTable`: at least 8 slots, rounded up to a power of two, all
    /// empty; a 1024-slot table in a block of `pool`. `None` if the
    /// allocator refuses.
    pub(crate) fn try_new(
        capacity: usize,
        prefix: usize,
        local_depth: u8,
        id: u64,
        pool: &mut BlockPool<K, V>,
    ) -> Option<Self> {
        let capacity = capacity.max(SLOTS).next_power_of_two();
        let n = capacity / SLOTS;
        let (ctrl, slots) = if capacity == MAX_TABLE_CAPACITY {
            pool.take()?
        } else {
            let (layout, ctrl_at) = Self::layout(n)?;
            // SAFETY: `layout` has a non-zero size (at least one control word).
            let base = NonNull::new(unsafe { alloc::alloc(layout) })?;
            // SAFETY: `ctrl_at` is inside the block (from `Layout::extend`).
            (unsafe { base.add(ctrl_at) }.cast::<Ctrl>(), base.cast())
        };
        for i in 0..n {
            // SAFETY: the block has `n` control words.
            unsafe { ctrl.as_ptr().add(i).write(Ctrl(ALL_EMPTY)) };
        }
        let mut t = Table {
            ctrl,
            slots,
            mask: n - 1,
            capacity,
            used: 0,
            growth_left: 0,
            local_depth,
            prefix,
            id,
            marker: PhantomData,
        };
        t.growth_left = t.max_growth_left();
        Some(t)
    }

    /// `newTable`, aborting like any collection if memory is exhausted.
    pub(crate) fn new(
        capacity: usize,
        prefix: usize,
        local_depth: u8,
        id: u64,
        pool: &mut BlockPool<K, V>,
    ) -> Self {
        match Self::try_new(capacity, prefix, local_depth, id, pool) {
            Some(t) => t,
            None => {
                let n = capacity.max(SLOTS).next_power_of_two() / SLOTS;
                alloc::handle_alloc_error(Self::layout(n).expect("table layout").0)
            }
        }
    }

    /// The block of a table of `n` groups that is not the pool's: their
    /// slots first, then their `n` control words; and where the control
    /// words start (exactly the slots' size: `8 n` entries, a multiple of
    /// 8 bytes, so no padding).
    fn layout(n: usize) -> Option<(Layout, usize)> {
        let slots = Layout::array::<SlotGroup<K, V>>(n).ok()?;
        let ctrl = Layout::array::<Ctrl>(n).ok()?;
        let (layout, ctrl_at) = slots.extend(ctrl).ok()?;
        debug_assert_eq!(ctrl_at, n * mem::size_of::<SlotGroup<K, V>>());
        Some((layout, ctrl_at))
    }

    /// Whether the block is the pool's (a 1024-slot table's, see
    /// `try_new`): never freed by the table.
    #[inline]
    fn pooled(&self) -> bool {
        self.capacity == MAX_TABLE_CAPACITY
    }

    /// Frees the block unless it is the pool's (entries are the caller's
    /// business).
    fn dealloc(&mut self) {
        if self.pooled() {
            return;
        }
        let (layout, _) = Self::layout(self.mask + 1).expect("table layout");
        // SAFETY: allocated in `try_new` with this layout, starting at the
        // slots.
        unsafe { alloc::dealloc(self.slots.as_ptr().cast(), layout) };
    }

    /// Inserts an empty table can take (`maxGrowthLeft`): all slots but one
    /// for a one-group table (a probe must end at an empty slot), else 7/8.
    pub(crate) fn max_growth_left(&self) -> usize {
        if self.capacity <= SLOTS {
            self.capacity - 1
        } else {
            self.capacity * MAX_AVG_GROUP_LOAD / SLOTS
        }
    }

    /// Tombstones, from the accounting (`tombstones`): what 7/8 of the
    /// capacity leaves after the used slots and the growth left.
    pub(crate) fn tombstones(&self) -> usize {
        (self.capacity * MAX_AVG_GROUP_LOAD / SLOTS).saturating_sub(self.used + self.growth_left)
    }

    /// The control words (for the directory's copy and the lookups).
    #[inline(always)]
    pub(crate) fn ctrl_ptr(&self) -> NonNull<Ctrl> {
        self.ctrl
    }

    /// The slots (likewise).
    #[inline(always)]
    pub(crate) fn slots_ptr(&self) -> NonNull<(K, V)> {
        self.slots
    }

    /// Group `i`'s control word.
    #[inline(always)]
    pub(crate) fn ctrl(&self, i: usize) -> Ctrl {
        debug_assert!(i <= self.mask);
        // SAFETY: `i <= mask`, and every control word is initialised.
        unsafe { *self.ctrl.as_ptr().add(i) }
    }

    /// Writes group `g`'s control word.
    #[inline(always)]
    fn write_ctrl(&mut self, g: usize, c: Ctrl) {
        debug_assert!(g <= self.mask);
        // SAFETY: `g <= mask`; `&mut self` is unique.
        unsafe { self.ctrl.as_ptr().add(g).write(c) }
    }

    /// Sets slot `slot` of group `group`'s control byte.
    #[inline(always)]
    pub(crate) fn set_ctrl(&mut self, group: usize, slot: usize, c: u8) {
        debug_assert!(group <= self.mask && slot < SLOTS);
        let mut w = self.ctrl(group);
        w.set(slot, c);
        self.write_ctrl(group, w);
    }

    /// Pointer to the entry of slot `slot` of group `group` (initialised
    /// only while the slot is full).
    #[inline(always)]
    pub(crate) fn slot_ptr(&self, group: usize, slot: usize) -> *mut (K, V) {
        debug_assert!(group <= self.mask && slot < SLOTS);
        // SAFETY: in bounds (slot `group * 8 + slot` of `capacity`); only a
        // raw pointer is formed, no reference.
        unsafe { self.slots.as_ptr().add(group * SLOTS + slot) }
    }

    /// The [`Slot`] naming slot `slot` of group `group` of this table,
    /// table number `ti` in the map.
    #[inline(always)]
    pub(crate) fn slot(&self, ti: usize, group: usize, slot: usize) -> Slot<K, V> {
        // SAFETY: `slot_ptr` points into the table's block, never null.
        let ptr = unsafe { NonNull::new_unchecked(self.slot_ptr(group, slot)) };
        Slot {
            ptr,
            table: ti as u32,
            index: (group * SLOTS + slot) as u32,
        }
    }

    /// The entry of a full slot.
    ///
    /// # Safety
    /// The slot is full.
    #[inline(always)]
    pub(crate) unsafe fn entry(&self, group: usize, slot: usize) -> &(K, V) {
        debug_assert!(self.ctrl(group).get(slot) & EMPTY == 0);
        // SAFETY: a full slot holds an initialised entry (caller).
        unsafe { &*self.slot_ptr(group, slot) }
    }

    /// The runtime's insert walk for a key known to be absent (`PutSlot`
    /// minus the key match): take the first slot that is empty or deleted
    /// in each group on the probe path; a tombstone is remembered (the
    /// first one only) and the walk goes on, *even if that group has empty
    /// slots after the tombstone*: the runtime looks only at the group's
    /// first free slot. The walk ends at a group whose first free slot is
    /// empty; the entry goes to the remembered tombstone if any, else there.
    pub(crate) fn insert_pos(&self, hash: u64) -> InsertPos {
        let mut seq = ProbeSeq::new(hash, self.mask);
        let mut first_deleted: Option<InsertPos> = None;
        loop {
            let c = self.ctrl(seq.offset);
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
                    return first_deleted.unwrap_or(InsertPos {
                        group: seq.offset,
                        slot: i,
                        tombstone: false,
                    });
                }
            }
            seq.next();
        }
    }

    /// Writes a new entry at `pos` (found by the insert walk) and does the
    /// accounting: a reused tombstone costs no growth (`PutSlot`'s
    /// `growthLeft++` then `--`).
    ///
    /// Requires growth left unless `pos` is a tombstone.
    #[inline]
    pub(crate) fn put_at(&mut self, pos: InsertPos, hash: u64, entry: (K, V)) {
        debug_assert!(pos.tombstone || self.growth_left > 0);
        // SAFETY: the slot is empty or deleted, so it holds nothing to drop.
        unsafe { self.slot_ptr(pos.group, pos.slot).write(entry) };
        self.set_ctrl(pos.group, pos.slot, h2(hash));
        if !pos.tombstone {
            self.growth_left -= 1;
        }
        self.used += 1;
    }

    /// `uncheckedPutSlot`: the first empty-or-deleted slot of the first
    /// group on the probe path that has one; used to fill a fresh table
    /// (no tombstones) during a rehash.
    ///
    /// # Safety
    /// `src` is a full slot of another table; its entry is copied bitwise
    /// (the caller makes sure only one copy is ever dropped).
    #[inline]
    pub(crate) unsafe fn unchecked_copy_in(&mut self, hash: u64, src: *const (K, V)) {
        debug_assert!(self.growth_left > 0);
        let mut seq = ProbeSeq::new(hash, self.mask);
        loop {
            let free = self.ctrl(seq.offset).match_empty_or_deleted();
            if free.any() {
                let i = free.first();
                // SAFETY: the slot is free; `src` is initialised (caller) and
                // in another allocation, so the ranges do not overlap.
                unsafe { std::ptr::copy_nonoverlapping(src, self.slot_ptr(seq.offset, i), 1) };
                self.set_ctrl(seq.offset, i, h2(hash));
                self.growth_left -= 1;
                self.used += 1;
                return;
            }
            seq.next();
        }
    }

    /// Removes the entry of a full slot (`table.Delete` once the key is
    /// found): the slot becomes empty if its group still has an empty slot
    /// (no probe can pass a group with an empty slot, so nothing relies on
    /// it), else a tombstone, which keeps probes going.
    ///
    /// # Safety
    /// The slot is full.
    pub(crate) unsafe fn take(&mut self, group: usize, slot: usize) -> ((K, V), bool) {
        // SAFETY: full slot (caller); the control byte is cleared below, so
        // the entry is moved out exactly once.
        let entry = unsafe { self.slot_ptr(group, slot).read() };
        let tombstone = !self.ctrl(group).match_empty().any();
        if tombstone {
            self.set_ctrl(group, slot, DELETED);
        } else {
            self.set_ctrl(group, slot, EMPTY);
            self.growth_left += 1;
        }
        self.used -= 1;
        (entry, tombstone)
    }

    /// Empties every slot, dropping the entries, and restores the growth
    /// (`table.Clear`): the table keeps its size.
    pub(crate) fn clear(&mut self) {
        if self.used == 0 && self.growth_left == self.max_growth_left() {
            return;
        }
        for g in 0..=self.mask {
            if mem::needs_drop::<(K, V)>() {
                for s in self.ctrl(g).match_full() {
                    // Mark the slot empty first: if a destructor panics, the
                    // entry is leaked rather than dropped twice.
                    self.set_ctrl(g, s, EMPTY);
                    self.used -= 1;
                    // SAFETY: the slot was full.
                    unsafe { self.slot_ptr(g, s).drop_in_place() };
                }
            }
            self.write_ctrl(g, Ctrl(ALL_EMPTY));
        }
        self.used = 0;
        self.growth_left = self.max_growth_left();
    }

    /// Frees the groups without dropping any entry: what remains of a table
    /// whose entries were copied into its replacement(s). A pooled block
    /// goes back to `pool`.
    pub(crate) fn retire(self, pool: &mut BlockPool<K, V>) {
        if self.pooled() {
            pool.give_back(self.ctrl, self.slots);
            mem::forget(self);
        } else {
            self.abandon();
        }
    }

    /// Frees the groups without dropping any entry and without the pool:
    /// a table under construction whose rehash unwound. A pooled block is
    /// then not reused; the pool frees it with the map.
    fn abandon(self) {
        let mut this = mem::ManuallyDrop::new(self);
        this.dealloc();
    }

    /// Number of slots whose control byte is `DELETED`, by scanning (the
    /// oracle's count, a check on [`tombstones`](Self::tombstones)).
    pub(crate) fn count_deleted(&self) -> usize {
        (0..=self.mask)
            .map(|g| {
                let c = self.ctrl(g);
                c.match_empty_or_deleted().and_not(c.match_empty()).count()
            })
            .sum()
    }

    /// Full slots of group `g`.
    #[inline(always)]
    pub(crate) fn full(&self, g: usize) -> BitMask {
        self.ctrl(g).match_full()
    }
}

impl<K, V> Drop for Table<K, V> {
    fn drop(&mut self) {
        if mem::needs_drop::<(K, V)>() {
            for g in 0..=self.mask {
                for s in self.full(g) {
                    // SAFETY: a full slot holds an entry, dropped once here.
                    unsafe { self.slot_ptr(g, s).drop_in_place() };
                }
            }
        }
        self.dealloc();
    }
}

/// Keeps a table under construction (a rehash target) from dropping the
/// entries it holds if the rehash unwinds: they are bitwise copies of the
/// entries the old table still owns.
pub(crate) struct Building<K, V>(pub(crate) Option<Table<K, V>>);

impl<K, V> Building<K, V> {
    pub(crate) fn table(&mut self) -> &mut Table<K, V> {
        self.0.as_mut().expect("table under construction")
    }

    /// The finished table: its entries are its own from now on.
    pub(crate) fn finish(mut self) -> Table<K, V> {
        self.0.take().expect("table under construction")
    }
}

impl<K, V> Drop for Building<K, V> {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            t.abandon();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_sequence_is_triangular_and_visits_every_group() {
        let mask = 15;
        let mut seq = ProbeSeq::new(5 << 7, mask);
        let mut seen = vec![];
        for _ in 0..=mask {
            seen.push(seq.offset);
            seq.next();
        }
        assert_eq!(&seen[..5], &[5, 6, 8, 11, 15]);
        seen.sort_unstable();
        assert_eq!(seen, (0..=mask).collect::<Vec<_>>());
    }

    #[test]
    fn new_table_sizes_and_growth() {
        let mut pool = BlockPool::new();
        let t: Table<u64, u64> = Table::new(10, 0, 0, 0, &mut pool);
        assert_eq!((t.capacity, t.mask, t.growth_left), (16, 1, 14));
        let t: Table<u64, u64> = Table::new(3, 0, 0, 0, &mut pool);
        assert_eq!((t.capacity, t.growth_left), (8, 7));
        let t: Table<u64, u64> = Table::new(1024, 0, 0, 0, &mut pool);
        assert_eq!((t.capacity, t.growth_left, t.tombstones()), (1024, 896, 0));
        assert_eq!(
            crate::group::group_bytes::<u64, u64>(),
            136,
            "Go's group size"
        );
    }

    #[test]
    fn insert_walk_skips_a_group_whose_first_free_slot_is_a_tombstone() {
        let mut pool = BlockPool::new();
        let mut t: Table<u64, u64> = Table::new(32, 0, 0, 0, &mut pool);
        // hash with h1 = 0: the walk starts at group 0, then 1.
        let hash = 0x05;
        // Group 0: slot 0 full, slot 1 tombstone, slots 2.. empty.
        t.put_at(t.insert_pos(hash), hash, (1, 1));
        t.put_at(t.insert_pos(hash), hash, (2, 2));
        assert_eq!(t.ctrl(0).match_full().count(), 2);
        // SAFETY: slot (0, 1) is full.
        let (e, tomb) = unsafe { t.take(0, 1) };
        assert_eq!(
            (e, tomb),
            ((2, 2), false),
            "group 0 has empties: no tombstone"
        );
        t.set_ctrl(0, 1, DELETED);
        t.growth_left -= 1;
        // The first free slot of group 0 is the tombstone: remembered, and
        // the walk goes on to group 1, whose first free slot is empty.
        let pos = t.insert_pos(hash);
        assert_eq!(
            pos,
            InsertPos {
                group: 0,
                slot: 1,
                tombstone: true
            }
        );
        t.put_at(pos, hash, (3, 3));
        assert_eq!(t.ctrl(0).get(1), h2(hash));
        assert_eq!(t.count_deleted(), 0);
    }
}
