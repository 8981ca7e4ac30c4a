//! The raw table: slots, control bytes, probing, and the stop-the-world grow.
//!
//! # Layout
//!
//! Two allocations, both sized by `buckets` (a power of two, at least one
//! group, `WIDTH`: 16 with SSE2, 8 otherwise):
//!
//! ```text
//!   slots: [T; buckets]                    entries, uninitialised unless FULL
//!   ctrl:  [u8; buckets + WIDTH]           one control byte per slot, then a
//!                                          copy of the first WIDTH bytes so a
//!                                          group load never has to wrap
//! ```
//!
//! An unallocated table points `ctrl` at a static group of EMPTY bytes with
//! `bucket_mask == 0` and `growth_left == 0`: lookups find nothing without a
//! branch of their own, and the first insert grows.
//!
//! # Probing
//!
//! The hash's low bits pick the first group; each further probe jumps by a
//! growing stride (triangular numbers times WIDTH), which visits every group
//! of a power-of-two table once. A probe stops at a group holding an EMPTY
//! byte: the key would have been placed there or earlier.
//!
//! # When it grows, and what it moves
//!
//! The table holds at most 7/8 of its buckets ([`bucket_mask_to_capacity`]).
//! An insert that needs an EMPTY slot when `growth_left` is zero first calls
//! [`RawTable::reserve_rehash`]: if live entries fill more than half of the
//! capacity, the table **doubles** (at least); otherwise the tombstones are
//! the problem and it is rebuilt at the **same size**. Either way a new
//! allocation is made and **every live entry is moved** into it before the
//! insert returns: that is the stop-the-world pause this crate stands for,
//! and each entry copied counts once in [`RawTable::entries_moved`].

use std::alloc::{self, Layout};
use std::marker::PhantomData;
use std::mem;
use std::ptr::{self, NonNull};

use hashgrow::raw::TryReserveError;

use crate::group::{h2, BitMask, Group, DELETED, EMPTY, WIDTH};

/// Control bytes of the unallocated table: one group of EMPTY.
static EMPTY_CTRL: [u8; WIDTH] = [EMPTY; WIDTH];

/// Usable capacity of a table with `bucket_mask + 1` buckets: 7/8 of it, the
/// SwissTable maximum load (an empty slot in every group keeps probes short).
#[inline]
pub(crate) fn bucket_mask_to_capacity(bucket_mask: usize) -> usize {
    if bucket_mask == 0 {
        0
    } else {
        (bucket_mask + 1) / 8 * 7
    }
}

/// Buckets needed to hold `cap` entries at 7/8 load, as a power of two of
/// at least one group. `None` on overflow.
fn capacity_to_buckets(cap: usize) -> Option<usize> {
    let adjusted = cap.checked_mul(8)? / 7;
    Some(adjusted.checked_next_power_of_two()?.max(WIDTH))
}

/// Counters the raw table keeps about its own growth.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct GrowthCounters {
    pub(crate) entries_moved: u64,
    pub(crate) grows: u64,
    pub(crate) same_size_grows: u64,
}

/// What a grow did, for the map's event hook.
pub(crate) struct GrowReport {
    /// Entries in the table when the grow ran.
    pub(crate) len: usize,
    pub(crate) old_buckets: usize,
    pub(crate) new_buckets: usize,
    pub(crate) same_size: bool,
}

/// An open-addressing table of `T` with SwissTable control bytes. Hashing is
/// the caller's: every method that may need a hash takes it or a `hasher`.
pub(crate) struct RawTable<T> {
    ctrl: NonNull<u8>,
    slots: NonNull<T>,
    bucket_mask: usize,
    items: usize,
    growth_left: usize,
    pub(crate) counters: GrowthCounters,
    marker: PhantomData<T>,
}

// SAFETY: the table owns its `T`s like a `Vec<T>` does.
unsafe impl<T: Send> Send for RawTable<T> {}
// SAFETY: `&RawTable<T>` only hands out `&T`.
unsafe impl<T: Sync> Sync for RawTable<T> {}

impl<T> RawTable<T> {
    /// An unallocated table.
    pub(crate) const fn new() -> Self {
        RawTable {
            // SAFETY: a static is never null. The table never writes through
            // this pointer: with growth_left == 0 every insert grows first,
            // and nothing is ever found to erase.
            ctrl: unsafe { NonNull::new_unchecked(EMPTY_CTRL.as_ptr() as *mut u8) },
            slots: NonNull::dangling(),
            bucket_mask: 0,
            items: 0,
            growth_left: 0,
            counters: GrowthCounters {
                entries_moved: 0,
                grows: 0,
                same_size_grows: 0,
            },
            marker: PhantomData,
        }
    }

    /// A table that can hold `cap` entries without growing.
    pub(crate) fn with_capacity(cap: usize) -> Self {
        if cap == 0 {
            return Self::new();
        }
        let buckets = capacity_to_buckets(cap).expect("hashgrow-stw: capacity overflow");
        Self::allocate(buckets)
    }

    fn is_allocated(&self) -> bool {
        self.bucket_mask != 0
    }

    pub(crate) fn len(&self) -> usize {
        self.items
    }

    pub(crate) fn buckets(&self) -> usize {
        if self.is_allocated() {
            self.bucket_mask + 1
        } else {
            0
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.items + self.growth_left
    }

    fn layouts(buckets: usize) -> Result<(Layout, Layout), TryReserveError> {
        let overflow = |_| TryReserveError::CapacityOverflow;
        let slots = Layout::array::<T>(buckets).map_err(overflow)?;
        let ctrl = Layout::array::<u8>(buckets + WIDTH).map_err(overflow)?;
        Ok((slots, ctrl))
    }

    /// A fresh table of `buckets` (a power of two >= `WIDTH`), all EMPTY,
    /// or why it cannot be had.
    fn try_allocate(buckets: usize) -> Result<Self, TryReserveError> {
        debug_assert!(buckets.is_power_of_two() && buckets >= WIDTH);
        let (slots_layout, ctrl_layout) = Self::layouts(buckets)?;
        let slots = if slots_layout.size() == 0 {
            NonNull::dangling()
        } else {
            // SAFETY: the layout has a non-zero size.
            let p = unsafe { alloc::alloc(slots_layout) };
            NonNull::new(p.cast::<T>()).ok_or(TryReserveError::AllocError {
                layout: slots_layout,
            })?
        };
        // SAFETY: buckets + WIDTH > 0.
        let c = unsafe { alloc::alloc(ctrl_layout) };
        let Some(ctrl) = NonNull::new(c) else {
            if slots_layout.size() != 0 {
                // SAFETY: allocated just above with this layout.
                unsafe { alloc::dealloc(slots.as_ptr().cast(), slots_layout) };
            }
            return Err(TryReserveError::AllocError {
                layout: ctrl_layout,
            });
        };
        // SAFETY: `ctrl` has buckets + WIDTH bytes.
        unsafe { ptr::write_bytes(ctrl.as_ptr(), EMPTY, buckets + WIDTH) };
        Ok(RawTable {
            ctrl,
            slots,
            bucket_mask: buckets - 1,
            items: 0,
            growth_left: bucket_mask_to_capacity(buckets - 1),
            counters: GrowthCounters::default(),
            marker: PhantomData,
        })
    }

    /// [`try_allocate`](Self::try_allocate), panicking (never aborting) on
    /// failure.
    fn allocate(buckets: usize) -> Self {
        Self::try_allocate(buckets).unwrap_or_else(|e| panic!("hashgrow-stw: {e}"))
    }

    /// Frees the memory without dropping any element.
    ///
    /// # Safety
    /// The elements must already be dropped or moved out (or deliberately
    /// leaked), and the table must not be used afterwards except to be
    /// forgotten or overwritten.
    unsafe fn free_buckets(&mut self) {
        if !self.is_allocated() {
            return;
        }
        let Ok((slots_layout, ctrl_layout)) = Self::layouts(self.bucket_mask + 1) else {
            unreachable!("an allocated table's layouts were computed before")
        };
        if slots_layout.size() != 0 {
            // SAFETY: allocated in `allocate` with this layout.
            unsafe { alloc::dealloc(self.slots.as_ptr().cast(), slots_layout) };
        }
        // SAFETY: allocated in `allocate` with this layout.
        unsafe { alloc::dealloc(self.ctrl.as_ptr(), ctrl_layout) };
    }

    #[inline]
    fn ctrl(&self, i: usize) -> *mut u8 {
        // SAFETY (for callers): i <= bucket_mask + WIDTH stays in the ctrl
        // allocation (or the static group when unallocated and i < WIDTH).
        self.ctrl.as_ptr().wrapping_add(i)
    }

    /// Control byte of slot `i <= bucket_mask` (for `explain`).
    pub(crate) fn ctrl_byte(&self, i: usize) -> u8 {
        debug_assert!(i <= self.bucket_mask);
        // SAFETY: in range of the ctrl array (or the static group).
        unsafe { *self.ctrl(i) }
    }

    /// The control array's address: the table's identity, which changes
    /// at every grow (for `explain`).
    pub(crate) fn addr(&self) -> u64 {
        self.ctrl.as_ptr() as usize as u64
    }

    /// Pointer to slot `i`.
    #[inline]
    pub(crate) fn slot(&self, i: usize) -> *mut T {
        self.slots.as_ptr().wrapping_add(i)
    }

    /// Writes control byte `i` and its mirror in the trailing group.
    #[inline]
    fn set_ctrl(&mut self, i: usize, value: u8) {
        // For i >= WIDTH the mirror index is i itself; for i < WIDTH it is
        // i + buckets, the copy that group loads near the end read.
        let mirror = (i.wrapping_sub(WIDTH) & self.bucket_mask) + WIDTH;
        // SAFETY: only called on allocated tables with i <= bucket_mask, so
        // both indices are < buckets + WIDTH.
        unsafe {
            *self.ctrl(i) = value;
            *self.ctrl(mirror) = value;
        }
    }

    /// One probe for an insert: `Ok(slot)` if an element for which `eq`
    /// holds is there, else `Err(slot)` with the first EMPTY or DELETED slot
    /// on the probe sequence. The table must be allocated.
    #[inline]
    fn find_or_find_insert_slot(
        &self,
        hash: u64,
        mut eq: impl FnMut(&T) -> bool,
    ) -> Result<usize, usize> {
        let tag = h2(hash);
        let mut pos = hash as usize & self.bucket_mask;
        let mut stride = 0;
        let mut insert_slot = None;
        loop {
            // SAFETY: as in `find`.
            let group = unsafe { Group::load(self.ctrl(pos)) };
            for bit in group.match_byte(tag) {
                let i = (pos + bit) & self.bucket_mask;
                // SAFETY: as in `find`.
                if eq(unsafe { &*self.slot(i) }) {
                    return Ok(i);
                }
            }
            if insert_slot.is_none() {
                insert_slot = group
                    .match_empty_or_deleted()
                    .lowest()
                    .map(|bit| (pos + bit) & self.bucket_mask);
            }
            if group.match_empty().any() {
                // An EMPTY byte is also "empty or deleted": the slot is set.
                return Err(insert_slot.unwrap_or(pos));
            }
            stride += WIDTH;
            pos = (pos + stride) & self.bucket_mask;
        }
    }

    /// Finds the slot holding an element for which `eq` holds.
    #[inline(always)]
    pub(crate) fn find(&self, hash: u64, mut eq: impl FnMut(&T) -> bool) -> Option<usize> {
        let tag = h2(hash);
        let mut pos = hash as usize & self.bucket_mask;
        let mut stride = 0;
        loop {
            // SAFETY: pos <= bucket_mask and the ctrl array has WIDTH bytes
            // past the last bucket (the static group when unallocated).
            let group = unsafe { Group::load(self.ctrl(pos)) };
            for bit in group.match_byte(tag) {
                let i = (pos + bit) & self.bucket_mask;
                // SAFETY: `match_byte` only reports bytes whose top bit
                // equals the tag's, which is clear: FULL slots (a SWAR false
                // positive is a FULL slot with another tag, and `eq` tells).
                if eq(unsafe { &*self.slot(i) }) {
                    return Some(i);
                }
            }
            if group.match_empty().any() {
                return None;
            }
            stride += WIDTH;
            pos = (pos + stride) & self.bucket_mask;
        }
    }

    /// The first EMPTY or DELETED slot on `hash`'s probe sequence. The table
    /// must be allocated and not full (growth keeps an EMPTY in reach).
    #[inline]
    fn find_insert_slot(&self, hash: u64) -> usize {
        let mut pos = hash as usize & self.bucket_mask;
        let mut stride = 0;
        loop {
            // SAFETY: as in `find`.
            let group = unsafe { Group::load(self.ctrl(pos)) };
            if let Some(bit) = group.match_empty_or_deleted().lowest() {
                return (pos + bit) & self.bucket_mask;
            }
            stride += WIDTH;
            pos = (pos + stride) & self.bucket_mask;
        }
    }

    /// One probe for an insert: `Ok(slot)` if an element for which `eq`
    /// holds is present, else `Err(slot)`: where [`RawTable::insert_at`]
    /// should put it.
    #[inline]
    pub(crate) fn find_or_insert_slot(
        &self,
        hash: u64,
        eq: impl FnMut(&T) -> bool,
    ) -> Result<usize, usize> {
        if self.is_allocated() {
            self.find_or_find_insert_slot(hash, eq)
        } else {
            Err(0) // the static group: EMPTY, with growth_left == 0, so we grow
        }
    }

    /// Puts `value` in `slot` (a free slot on `hash`'s probe sequence), or,
    /// when that would use the last EMPTY slot allowed, grows first and
    /// puts it where the new table says.
    #[inline]
    pub(crate) fn insert_at(
        &mut self,
        mut slot: usize,
        hash: u64,
        value: T,
        hasher: impl Fn(&T) -> u64,
        on_grow: impl FnOnce(&mut Self, GrowReport),
    ) -> usize {
        // A DELETED slot can be reused for free; an EMPTY one uses up growth.
        // SAFETY: slot indexes the ctrl array (or the static group).
        let mut old_ctrl = unsafe { *self.ctrl(slot) };
        if self.growth_left == 0 && old_ctrl == EMPTY {
            let report = self.reserve_rehash(1, &hasher);
            on_grow(self, report);
            slot = self.find_insert_slot(hash);
            // SAFETY: slot is in bounds of the new table.
            old_ctrl = unsafe { *self.ctrl(slot) };
        }
        self.growth_left -= usize::from(old_ctrl == EMPTY);
        self.set_ctrl(slot, h2(hash));
        // SAFETY: slot is in bounds and was not FULL.
        unsafe { self.slot(slot).write(value) };
        self.items += 1;
        slot
    }

    /// Removes the element in slot `i` and returns it.
    ///
    /// Writes EMPTY rather than a tombstone when no probe can have passed
    /// over slot `i` (some window of WIDTH bytes around it already holds an
    /// EMPTY), so delete-heavy workloads do not fill the table with
    /// tombstones. This is SwissTable's rule.
    ///
    /// # Safety
    /// Slot `i` must be FULL.
    #[inline]
    pub(crate) unsafe fn remove(&mut self, i: usize) -> T {
        let before = i.wrapping_sub(WIDTH) & self.bucket_mask;
        // SAFETY: both indices are <= bucket_mask.
        let (empty_before, empty_after) = unsafe {
            (
                Group::load(self.ctrl(before)).match_empty(),
                Group::load(self.ctrl(i)).match_empty(),
            )
        };
        let full_window =
            empty_before.leading_nonmatching() + empty_after.trailing_nonmatching() >= WIDTH;
        if full_window {
            self.set_ctrl(i, DELETED);
        } else {
            self.set_ctrl(i, EMPTY);
            self.growth_left += 1;
        }
        self.items -= 1;
        // SAFETY: the caller guarantees slot i was FULL; it is now marked
        // free, so the value is read out exactly once.
        unsafe { self.slot(i).read() }
    }

    /// Makes room for `additional` more entries: grows to at least double
    /// when live entries exceed half the capacity, else rebuilds at the same
    /// size to clear tombstones. Moves every live entry either way.
    #[cold]
    #[inline(never)]
    pub(crate) fn reserve_rehash(
        &mut self,
        additional: usize,
        hasher: &impl Fn(&T) -> u64,
    ) -> GrowReport {
        let new_items = self
            .items
            .checked_add(additional)
            .expect("capacity overflow");
        let full_capacity = bucket_mask_to_capacity(self.bucket_mask);
        let old_buckets = self.buckets();
        let same_size = self.is_allocated() && new_items <= full_capacity / 2;
        let new_buckets = if same_size {
            old_buckets
        } else {
            capacity_to_buckets(new_items.max(full_capacity + 1)).expect("capacity overflow")
        };
        let had_storage = self.is_allocated();
        self.resize(new_buckets, hasher);
        if same_size {
            self.counters.same_size_grows += 1;
        } else if had_storage {
            // The first allocation is not a grow (see `Stats::grows`).
            self.counters.grows += 1;
        }
        GrowReport {
            len: self.items,
            old_buckets,
            new_buckets,
            same_size,
        }
    }

    /// Reserves room for `additional` more entries without a grow later:
    /// `Some` report if that took a grow.
    pub(crate) fn try_reserve(
        &mut self,
        additional: usize,
        hasher: &impl Fn(&T) -> u64,
    ) -> Result<Option<GrowReport>, TryReserveError> {
        if additional <= self.growth_left {
            return Ok(None);
        }
        let new_items = self
            .items
            .checked_add(additional)
            .ok_or(TryReserveError::CapacityOverflow)?;
        let buckets = capacity_to_buckets(new_items).ok_or(TryReserveError::CapacityOverflow)?;
        let new = Self::try_allocate(buckets)?;
        let old_buckets = self.buckets();
        let had_storage = self.is_allocated();
        self.move_into(new, hasher);
        if had_storage {
            self.counters.grows += 1;
        }
        Ok(Some(GrowReport {
            len: self.items,
            old_buckets,
            new_buckets: buckets,
            same_size: false,
        }))
    }

    /// Rebuilds into the smallest table holding `min_capacity` entries (and
    /// every entry present), if smaller than this one; an empty table asked
    /// for 0 frees its memory. Not a grow: counts only the entries moved.
    pub(crate) fn shrink_to(&mut self, min_capacity: usize, hasher: &impl Fn(&T) -> u64) {
        let min = min_capacity.max(self.items);
        if min == 0 {
            let counters = self.counters;
            *self = Self::new();
            self.counters = counters;
            return;
        }
        let Some(buckets) = capacity_to_buckets(min) else {
            return;
        };
        if buckets < self.buckets() {
            self.resize(buckets, hasher);
        }
    }

    /// Moves every entry out into a new table and leaves this one empty
    /// and unallocated (its counters stay with it).
    pub(crate) fn take(&mut self) -> Self {
        let counters = self.counters;
        let mut taken = mem::replace(self, Self::new());
        self.counters = counters;
        taken.counters = GrowthCounters::default();
        taken
    }

    /// Consumes the table into an iterator over its entries.
    pub(crate) fn into_iter(self) -> RawIntoIter<T> {
        let slots = self.full_slots();
        RawIntoIter {
            table: mem::ManuallyDrop::new(self),
            slots,
        }
    }

    /// The stop-the-world step: allocate `new_buckets`, move every entry.
    fn resize(&mut self, new_buckets: usize, hasher: &impl Fn(&T) -> u64) {
        self.move_into(Self::allocate(new_buckets), hasher);
    }

    /// Moves every entry into `new` (freshly allocated, empty), which then
    /// replaces this table.
    fn move_into(&mut self, mut new: Self, hasher: &impl Fn(&T) -> u64) {
        // Until the loop finishes, `new.items` stays 0, so if `hasher`
        // panics, dropping `new` frees its memory without dropping any
        // element: the copies made so far are bitwise duplicates whose
        // originals the old table (untouched) still owns. Nothing is dropped
        // twice and nothing leaks.
        for i in self.full_slots() {
            // SAFETY: i is FULL in the old table.
            let hash = hasher(unsafe { &*self.slot(i) });
            let j = new.find_insert_slot(hash);
            new.set_ctrl(j, h2(hash));
            // SAFETY: j is a free slot of the new table; i a FULL slot of
            // the old one; the two allocations are distinct.
            unsafe { ptr::copy_nonoverlapping(self.slot(i), new.slot(j), 1) };
        }
        let moved = self.items;
        new.items = moved;
        new.growth_left = bucket_mask_to_capacity(new.bucket_mask) - moved;
        new.counters = self.counters;
        new.counters.entries_moved += moved as u64;
        let mut old = mem::ManuallyDrop::new(mem::replace(self, new));
        // SAFETY: every element of `old` now lives in `self`; only the
        // memory is freed, and `old` is never dropped.
        unsafe { old.free_buckets() };
    }

    /// Indices of the FULL slots, in slot order.
    pub(crate) fn full_slots(&self) -> FullSlots {
        FullSlots {
            ctrl: self.ctrl,
            pos: 0,
            mask: if self.is_allocated() {
                // SAFETY: group 0 is in bounds.
                unsafe { Group::load(self.ctrl(0)).match_full() }
            } else {
                BitMask::NONE
            },
            left: self.items,
        }
    }

    /// Drops every element and marks all slots EMPTY, keeping the memory.
    pub(crate) fn clear(&mut self) {
        if !self.is_allocated() {
            return;
        }
        let full: Vec<usize> = if mem::needs_drop::<T>() {
            self.full_slots().collect()
        } else {
            Vec::new()
        };
        // Mark empty first so a panicking Drop leaves a consistent table
        // (the rest of the elements then leak, which is safe).
        // SAFETY: the ctrl array has buckets + WIDTH bytes.
        unsafe { ptr::write_bytes(self.ctrl.as_ptr(), EMPTY, self.bucket_mask + 1 + WIDTH) };
        self.items = 0;
        self.growth_left = bucket_mask_to_capacity(self.bucket_mask);
        for i in full {
            // SAFETY: i was FULL and is dropped exactly once.
            unsafe { ptr::drop_in_place(self.slot(i)) };
        }
    }

    /// Probe-sequence check for tests: every FULL slot's element is found
    /// from its hash, tags match, the mirror bytes agree and the counts add
    /// up. Panics with a message on the first violation.
    pub(crate) fn check_invariants(&self, hasher: impl Fn(&T) -> u64) {
        if !self.is_allocated() {
            assert_eq!(self.items, 0, "unallocated table with items");
            return;
        }
        let buckets = self.bucket_mask + 1;
        let mut full = 0;
        let mut empty = 0;
        for i in 0..buckets {
            // SAFETY: indices in bounds.
            let (c, m) = unsafe {
                (
                    *self.ctrl(i),
                    *self.ctrl(if i < WIDTH { i + buckets } else { i }),
                )
            };
            assert_eq!(c, m, "ctrl mirror of slot {i} differs");
            if c & 0x80 == 0 {
                full += 1;
                // SAFETY: FULL slot.
                let hash = hasher(unsafe { &*self.slot(i) });
                assert_eq!(c, h2(hash), "slot {i}: tag is not the hash's h2");
                let found = self.find(hash, |e| ptr::eq(e, self.slot(i)));
                assert_eq!(
                    found,
                    Some(i),
                    "slot {i} not reachable on its probe sequence"
                );
            } else if c == EMPTY {
                empty += 1;
            } else {
                assert_eq!(c, DELETED, "slot {i}: bad control byte {c:#x}");
            }
        }
        assert_eq!(full, self.items, "item count");
        let deleted = buckets - full - empty;
        assert_eq!(
            self.growth_left + self.items + deleted,
            bucket_mask_to_capacity(self.bucket_mask),
            "growth_left accounting"
        );
    }
}

impl<T> Drop for RawTable<T> {
    fn drop(&mut self) {
        if mem::needs_drop::<T>() {
            // Dropping an element does not touch the control bytes the
            // scan reads.
            for i in self.full_slots() {
                // SAFETY: i is FULL; each element is dropped once.
                unsafe { ptr::drop_in_place(self.slot(i)) };
            }
        }
        // SAFETY: all elements are dropped.
        unsafe { self.free_buckets() };
    }
}

/// Iterator over FULL slot indices, a group at a time. Holds the control
/// array's pointer, not a borrow: the map's iterators tie it to a lifetime
/// (see `hashgrow::raw::RawTable::raw_iter`).
#[derive(Clone)]
pub struct FullSlots {
    ctrl: NonNull<u8>,
    pos: usize,
    mask: BitMask,
    left: usize,
}

impl Iterator for FullSlots {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.left == 0 {
            return None;
        }
        loop {
            if let Some(bit) = self.mask.next() {
                self.left -= 1;
                return Some(self.pos + bit);
            }
            self.pos += WIDTH;
            // SAFETY: left > 0 means a FULL slot lies at or after pos, so
            // pos <= bucket_mask and the group load is in bounds.
            self.mask = unsafe { Group::load(self.ctrl.as_ptr().add(self.pos)).match_full() };
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// The entries of a consumed table, in slot order; whatever is not taken is
/// dropped with the iterator.
pub struct RawIntoIter<T> {
    table: mem::ManuallyDrop<RawTable<T>>,
    slots: FullSlots,
}

impl<T> Iterator for RawIntoIter<T> {
    type Item = T;
    #[inline]
    fn next(&mut self) -> Option<T> {
        let i = self.slots.next()?;
        // SAFETY: i is FULL and read out once (the iterator moves past it;
        // the table is never dropped as such, see `Drop`).
        Some(unsafe { self.table.slot(i).read() })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.slots.size_hint()
    }
}

impl<T> ExactSizeIterator for RawIntoIter<T> {}
impl<T> std::iter::FusedIterator for RawIntoIter<T> {}

impl<T> Drop for RawIntoIter<T> {
    fn drop(&mut self) {
        for i in self.slots.by_ref() {
            // SAFETY: i is FULL and was not read out.
            unsafe { ptr::drop_in_place(self.table.slot(i)) };
        }
        // SAFETY: every element was read out or dropped.
        unsafe { self.table.free_buckets() };
    }
}

// SAFETY: the iterator owns the remaining `T`s, like `vec::IntoIter<T>`.
unsafe impl<T: Send> Send for RawIntoIter<T> {}
// SAFETY: `&RawIntoIter<T>` gives no access to the elements.
unsafe impl<T: Sync> Sync for RawIntoIter<T> {}
