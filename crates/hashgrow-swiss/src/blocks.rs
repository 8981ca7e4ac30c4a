//! Where full-size tables live: blocks carved from a few large chunks, so
//! that the control words of every 1024-slot table lie side by side.
//!
//! The runtime allocates each table's groups on its own (`newarray` in
//! `newTable`). Here a 1024-slot table (the size every split makes, and
//! nearly every table of a large map) takes a block from the map's
//! [`BlockPool`]. A chunk is two allocations: the slots of up to 64 such
//! tables (16 KiB per table for `u64` pairs), and their control words (1
//! KiB per table), all 64 in one run of 16 pages. A lookup reads one
//! control word, then one slot; with the words of about 1,500 tables (a
//! million keys) in some 400 pages instead of one page each, hits came out
//! about 0.05x of hashbrown's time faster (`hashgrow compare --workload
//! lookup`, this build alternated with one whose tables were each one
//! allocation, 6 full runs each: hits 1.21x–1.33x hashbrown's, median
//! 1.225x, against 1.27x–1.31x, median 1.28x; misses 1.05x–1.19x against
//! 1.05x–1.11x). See `docs/go-swiss.md`, "Full-size tables in shared
//! chunks".
//!
//! A block is the pool's: a table in one never frees it. A retired table's
//! block goes back to the pool's free list (the next split reuses it); all
//! chunks are freed when the map is dropped, after its tables. The first
//! chunks are small (2, 4, 8, ... tables: each two more than all before
//! it), so that a map just past its first split does not hold room for
//! 64: a map holds at most about twice the blocks it uses, and past 64
//! tables at most 63 spare. Smaller and larger tables (the first table
//! while it doubles up to 1024 slots, a hint's smaller tables, a table that
//! cannot split) are one allocation of their own.

use std::alloc::{self, Layout};
use std::ptr::NonNull;

use crate::group::{Ctrl, SlotGroup};
use crate::table::MAX_TABLE_CAPACITY;

/// Groups of a full-size table.
const GROUPS: usize = MAX_TABLE_CAPACITY / crate::group::SLOTS;
/// Most full-size tables in one chunk (the first chunks hold 2, 4, 8, ...).
const MAX_CHUNK_TABLES: usize = 64;

/// A full-size table's memory: its control words and its slots.
pub(crate) type Block<K, V> = (NonNull<Ctrl>, NonNull<(K, V)>);

/// The chunks of one map and its free full-size blocks.
pub(crate) struct BlockPool<K, V> {
    /// Every allocation of every chunk, with its layout (freed on drop).
    chunks: Vec<(NonNull<u8>, Layout)>,
    /// Blocks in all chunks, used or not.
    blocks: usize,
    /// Blocks no table uses: (control words, slots). Popped from the end;
    /// a new chunk's blocks are pushed so that they come out in address
    /// order.
    free: Vec<Block<K, V>>,
}

impl<K, V> BlockPool<K, V> {
    /// An empty pool: no chunk until the first full-size table.
    pub(crate) const fn new() -> Self {
        BlockPool {
            chunks: Vec::new(),
            blocks: 0,
            free: Vec::new(),
        }
    }

    /// The two allocations of a chunk of `tables` full-size blocks: their
    /// slots, and their control words.
    fn chunk_layouts(tables: usize) -> Option<(Layout, Layout)> {
        let slots = Layout::array::<SlotGroup<K, V>>(tables * GROUPS).ok()?;
        let ctrl = Layout::array::<Ctrl>(tables * GROUPS).ok()?;
        Some((slots, ctrl))
    }

    /// A block for a 1024-slot table: its control words (uninitialised)
    /// and its slots. `None` if a new chunk was needed and the allocator
    /// refused it.
    pub(crate) fn take(&mut self) -> Option<Block<K, V>> {
        if self.free.is_empty() {
            let tables = (self.blocks + 2).min(MAX_CHUNK_TABLES);
            let (slots_layout, ctrl_layout) = Self::chunk_layouts(tables)?;
            self.chunks.try_reserve(2).ok()?;
            // Room for this chunk's blocks: the list holds about a chunk's
            // worth at most (a split takes two blocks and gives one back),
            // so growing it to hold every block would only reallocate it
            // inside inserts.
            self.free.try_reserve(tables).ok()?;
            // SAFETY: `ctrl_layout` has a non-zero size.
            let ctrl = NonNull::new(unsafe { alloc::alloc(ctrl_layout) })?;
            self.chunks.push((ctrl, ctrl_layout));
            let slots = if slots_layout.size() == 0 {
                NonNull::<SlotGroup<K, V>>::dangling().cast::<u8>()
            } else {
                // SAFETY: non-zero size.
                let p = NonNull::new(unsafe { alloc::alloc(slots_layout) })?;
                self.chunks.push((p, slots_layout));
                p
            };
            self.blocks += tables;
            for k in (0..tables).rev() {
                // SAFETY: block `k`'s slots and control words lie inside
                // the two allocations.
                unsafe {
                    let s = slots.cast::<SlotGroup<K, V>>().add(k * GROUPS).cast();
                    let c = ctrl.cast::<Ctrl>().add(k * GROUPS);
                    self.free.push((c, s));
                }
            }
        }
        self.free.pop()
    }

    /// Takes back a block a retired table used (its entries moved or
    /// dropped): the next full-size table reuses it.
    pub(crate) fn give_back(&mut self, ctrl: NonNull<Ctrl>, slots: NonNull<(K, V)>) {
        // Within the room `take` reserved, but for a table that grows past
        // 1024 slots (it gives a block back and takes none).
        self.free.push((ctrl, slots));
    }
}

impl<K, V> Drop for BlockPool<K, V> {
    fn drop(&mut self) {
        for &(base, layout) in &self.chunks {
            // SAFETY: allocated in `take` with this layout; no table uses
            // it any more (the map drops its tables before its pool).
            unsafe { alloc::dealloc(base.as_ptr(), layout) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_grow_to_64_tables_and_blocks_are_reused() {
        let mut pool: BlockPool<u64, u64> = BlockPool::new();
        let mut taken = Vec::new();
        for _ in 0..2 + 4 + 8 + 16 + 32 + 64 + 64 {
            taken.push(pool.take().unwrap());
        }
        // Chunks of 2, 4, 8, ... then 64 tables: each two allocations.
        assert_eq!((pool.blocks, pool.chunks.len()), (190, 14));
        // Within a chunk, control words are consecutive 1 KiB runs and
        // slots consecutive 1024-slot runs.
        let ((c0, s0), (c1, s1)) = (taken[8], taken[9]);
        assert_eq!(c1.as_ptr() as usize - c0.as_ptr() as usize, 1024);
        assert_eq!(s1.as_ptr() as usize - s0.as_ptr() as usize, 1024 * 16);
        let (c, s) = taken.pop().unwrap();
        pool.give_back(c, s);
        assert_eq!(pool.take().unwrap(), (c, s), "a freed block is reused");
        assert_eq!(pool.blocks, 190);
    }

    #[test]
    fn zero_sized_entries_take_no_slot_memory() {
        let mut pool: BlockPool<(), ()> = BlockPool::new();
        let (a, _) = pool.take().unwrap();
        let (b, _) = pool.take().unwrap();
        assert_eq!(pool.chunks.len(), 1, "control words only");
        assert_ne!(a, b);
    }
}
