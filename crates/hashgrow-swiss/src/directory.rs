//! The directory: `2^globalDepth` entries, each naming the table that
//! serves the hashes whose top `globalDepth` bits are its index (map.go:
//! `directoryIndex`, `replaceTable`, `installTableSplit`, and `NewMap`'s
//! sizing from a hint).
//!
//! A table of `localDepth` d < globalDepth fills `2^(globalDepth - d)`
//! consecutive entries from its `index`. Each entry keeps a copy of its
//! table's control-word and slot pointers and its slot mask, so a lookup
//! goes from the hash to the control word in two dependent loads.

use std::alloc::{self, Layout};
use std::marker::PhantomData;
use std::mem;
use std::ptr::NonNull;

use crate::group::{group_bytes, Ctrl, SlotGroup, SLOTS};
use crate::table::{Table, MAX_AVG_GROUP_LOAD, MAX_TABLE_CAPACITY};

/// One directory entry: where the table serving this hash prefix keeps its
/// control words and its slots, where its last group's control word is,
/// and which table that is. 24 bytes, aligned to 32 so that the entry's
/// byte offset is the shifted hash with its low 5 bits cleared (a directory
/// of 2048 entries, a million keys, is 64 KiB).
#[repr(C, align(32))]
pub(crate) struct DirEntry<K, V> {
    pub(crate) ctrl: NonNull<Ctrl>,
    slots: NonNull<(K, V)>,
    /// `capacity - 8`: the byte offset of the last group's control word,
    /// the group mask shifted left by 3 (a byte-offset mask).
    pub(crate) last_group: u32,
    pub(crate) table: u32,
    marker: PhantomData<SlotGroup<K, V>>,
}

impl<K, V> Clone for DirEntry<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for DirEntry<K, V> {}

impl<K, V> DirEntry<K, V> {
    pub(crate) fn of(t: &Table<K, V>, table: usize) -> Self {
        DirEntry {
            ctrl: t.ctrl_ptr(),
            slots: t.slots_ptr(),
            last_group: (t.capacity - SLOTS) as u32,
            table: table as u32,
            marker: PhantomData,
        }
    }

    /// The group mask (`groups.lengthMask`).
    #[inline(always)]
    pub(crate) fn mask(self) -> usize {
        self.last_group as usize / SLOTS
    }

    /// The byte offset of the last group's control word, `capacity - 8`:
    /// masks a byte offset to a group's word.
    #[inline(always)]
    pub(crate) fn last_group(self) -> usize {
        self.last_group as usize
    }

    /// The table's position in the map's table list.
    #[inline(always)]
    pub(crate) fn table(self) -> usize {
        self.table as usize
    }

    /// The table's slot `index` (`group * 8 + slot`).
    ///
    /// # Safety
    /// The table is live and `index` is below its capacity.
    #[inline(always)]
    pub(crate) unsafe fn slot(self, index: usize) -> NonNull<(K, V)> {
        // SAFETY: the caller's.
        unsafe { self.slots.add(index) }
    }
}

/// The runtime's `maxAlloc` on 64-bit Linux (and the largest block Rust can
/// describe elsewhere): `NewMap` ignores a hint whose rough size exceeds it.
pub(crate) const MAX_ALLOC: u64 = if usize::BITS >= 64 {
    1 << 48
} else {
    isize::MAX as u64
};

/// The shape `NewMap` gives a map made with `hint`: `None` when it makes an
/// empty map (a small map, allocated on the first insert), else the
/// directory depth and each table's requested capacity.
///
/// - `hint <= 8`: a small map.
/// - else `targetCapacity = hint * 8 / 7` in wrapping arithmetic (the
///   runtime multiplies `uintptr`s); if that wrapped below `hint`, the
///   hint is ignored;
/// - `dirSize` = `targetCapacity / 1024` rounded up, then up to a power of
///   two; a hint whose rough size `dirSize * 1024 * groupSize` overflows or
///   exceeds `maxAlloc` is ignored;
/// - each of the `dirSize` tables asks for `targetCapacity / dirSize` slots
///   (rounded up to a power of two by `newTable`).
pub(crate) fn shape_for_hint(hint: usize, group_size: usize) -> Option<(u8, usize)> {
    if hint <= SLOTS {
        return None;
    }
    let hint = hint as u64;
    let target = hint.wrapping_mul(SLOTS as u64) / MAX_AVG_GROUP_LOAD as u64;
    if target < hint {
        return None;
    }
    let dir_size = target
        .div_ceil(MAX_TABLE_CAPACITY as u64)
        .checked_next_power_of_two()?;
    let rough = dir_size
        .checked_mul(MAX_TABLE_CAPACITY as u64)?
        .checked_mul(group_size as u64)?;
    if rough > MAX_ALLOC || dir_size > usize::MAX as u64 {
        return None;
    }
    let per_table = (target / dir_size) as usize;
    Some((dir_size.trailing_zeros() as u8, per_table))
}

/// Whether the allocator can give `bytes` at all: a single trial block,
/// freed at once. The runtime would throw "out of memory" for a hint it
/// honours but cannot allocate; a Rust map must not abort on a hint, so
/// `with_capacity` ignores such a hint instead. Only asked for large maps
/// (a refused trial means no page was touched).
pub(crate) fn can_allocate(bytes: usize) -> bool {
    if bytes < (64 << 20) {
        return true;
    }
    let Ok(layout) = Layout::from_size_align(bytes, 16) else {
        return false;
    };
    // SAFETY: `layout` has a non-zero size.
    let p = unsafe { alloc::alloc(layout) };
    if p.is_null() {
        return false;
    }
    // SAFETY: just allocated with this layout.
    unsafe { alloc::dealloc(p, layout) };
    true
}

/// Bytes a map of this shape allocates up front (groups, directory,
/// table headers).
pub(crate) fn bytes_for_shape<K, V>(depth: u8, per_table: usize) -> Option<usize> {
    let tables = 1usize.checked_shl(u32::from(depth))?;
    let cap = per_table.max(SLOTS).next_power_of_two();
    let per = (cap / SLOTS).checked_mul(group_bytes::<K, V>())?;
    let headers = mem::size_of::<DirEntry<K, V>>() + mem::size_of::<Table<K, V>>();
    tables.checked_mul(per.checked_add(headers)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: usize = 136; // Go's group size for map[uint64]uint64

    #[test]
    fn hints_as_new_map_sizes_them() {
        for h in [0, 1, 7, 8] {
            assert_eq!(shape_for_hint(h, G), None, "hint {h}");
        }
        assert_eq!(shape_for_hint(9, G), Some((0, 10)));
        assert_eq!(shape_for_hint(896, G), Some((0, 1024)));
        assert_eq!(shape_for_hint(897, G), Some((1, 512)));
        assert_eq!(shape_for_hint(1000, G), Some((1, 571)));
        assert_eq!(shape_for_hint(1025, G), Some((1, 585)));
        assert_eq!(shape_for_hint(100_000, G), Some((7, 892)));
    }

    #[test]
    fn huge_hints_are_ignored_as_the_runtime_does() {
        // hint * 8 wraps: targetCapacity < hint.
        assert_eq!(shape_for_hint(usize::MAX, G), None);
        assert_eq!(shape_for_hint(1 << 62, G), None);
        // The rough size dirSize * 1024 * 136 passes maxAlloc (2^48).
        assert_eq!(shape_for_hint(1 << 40, G), None);
        // Just under maxAlloc: honoured by the rule (and then only if the
        // allocator agrees, see `can_allocate`).
        assert_eq!(shape_for_hint(1 << 38, G), Some((29, 585)));
    }

    #[test]
    fn trial_allocation_refuses_the_impossible() {
        assert!(can_allocate(1024));
        assert!(!can_allocate(usize::MAX - 64));
    }
}
