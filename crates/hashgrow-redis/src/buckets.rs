//! One hash table of `dict.c` (`ht_table[i]`): an array of bucket heads.

use crate::arena::NIL;

/// The bucket heads of one table: node indices, [`NIL`] for an empty
/// bucket. An array of length 0 is `dict.c`'s `NULL` table
/// (`ht_size_exp == -1`, size 0). The length is a power of two.
///
/// Every access goes through the `Vec`'s raw pointer (never a slice
/// reference), so a raw iterator's pointer into the array stays valid
/// while `remove_slot` unlinks another node (see `raw.rs`).
#[derive(Default)]
pub(crate) struct Buckets {
    heads: Vec<u32>,
}

impl Buckets {
    /// No table (`NULL`).
    pub(crate) const fn new_empty() -> Self {
        Buckets { heads: Vec::new() }
    }

    /// `size` empty buckets (`zcalloc` of the bucket array).
    pub(crate) fn new(size: usize) -> Self {
        debug_assert!(size.is_power_of_two());
        Buckets {
            heads: vec![NIL; size],
        }
    }

    /// Number of buckets (`DICTHT_SIZE`), 0 for no table.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.heads.len()
    }

    /// The bucket of `hash` (`hash & DICTHT_SIZE_MASK`). The table must
    /// exist.
    #[inline(always)]
    pub(crate) fn index(&self, hash: u64) -> usize {
        debug_assert!(!self.heads.is_empty());
        hash as usize & (self.heads.len().wrapping_sub(1))
    }

    /// The first node of bucket `i`, or [`NIL`].
    #[inline(always)]
    pub(crate) fn head(&self, i: usize) -> u32 {
        assert!(i < self.heads.len());
        // SAFETY: `i` is in bounds.
        unsafe { self.heads.as_ptr().add(i).read() }
    }

    /// Makes `node` the first node of bucket `i`.
    #[inline(always)]
    pub(crate) fn set_head(&mut self, i: usize, node: u32) {
        assert!(i < self.heads.len());
        // SAFETY: `i` is in bounds.
        unsafe { self.heads.as_mut_ptr().add(i).write(node) }
    }

    /// The array's address, for raw iterators.
    pub(crate) fn as_ptr(&self) -> *const u32 {
        self.heads.as_ptr()
    }

    /// Heap bytes of the array.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.heads.capacity() * std::mem::size_of::<u32>()
    }
}
