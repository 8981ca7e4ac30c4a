//! Memory layout: the bucket, its tophash markers, and how bucket arrays and
//! overflow buckets are allocated.
//!
//! Mirrors `runtime/map.go` (Go 1.19): a bucket (`bmap`) holds 8 tophash
//! bytes, then 8 keys, then 8 values (keys packed together and values packed
//! together, so `map[u64]u8` needs no padding), then the overflow pointer.
//! For `K = V = u64` a bucket is 144 bytes, exactly as in Go.

use std::alloc::{alloc_zeroed, dealloc, handle_alloc_error, Layout};
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

/// Slots per bucket (`bucketCnt`).
pub(crate) const BUCKET_CNT: usize = 8;
/// Load factor numerator and denominator: 6.5 entries per bucket on average
/// trigger a doubling (`loadFactorNum` / `loadFactorDen`).
pub(crate) const LOAD_FACTOR_NUM: usize = 13;
pub(crate) const LOAD_FACTOR_DEN: usize = 2;

// Tophash markers (`emptyRest` .. `minTopHash` in map.go).
/// This slot is empty and so is every later slot of the chain.
pub(crate) const EMPTY_REST: u8 = 0;
/// This slot is empty.
pub(crate) const EMPTY_ONE: u8 = 1;
/// (Old bucket) the entry was evacuated to the X half of the new array.
pub(crate) const EVACUATED_X: u8 = 2;
/// (Old bucket) the entry was evacuated to the Y half of the new array.
#[allow(dead_code)] // EVACUATED_X + 1, written as `EVACUATED_X + use_y`
pub(crate) const EVACUATED_Y: u8 = 3;
/// (Old bucket) the slot was empty when its bucket was evacuated.
pub(crate) const EVACUATED_EMPTY: u8 = 4;
/// Smallest tophash of a live slot; real tophashes below it are raised by it.
pub(crate) const MIN_TOP_HASH: u8 = 5;

/// One Go bucket (`bmap`). `repr(C)` keeps Go's field order.
///
/// All-zero bytes are a valid empty bucket: every tophash is `EMPTY_REST`
/// and the overflow pointer is null. Bucket memory is always obtained
/// zeroed, so a fresh bucket needs no initialisation.
#[repr(C)]
pub(crate) struct Bucket<K, V> {
    pub(crate) tophash: [u8; BUCKET_CNT],
    pub(crate) keys: [MaybeUninit<K>; BUCKET_CNT],
    pub(crate) vals: [MaybeUninit<V>; BUCKET_CNT],
    pub(crate) overflow: *mut Bucket<K, V>,
}

impl<K, V> Bucket<K, V> {
    /// Pointer to key slot `i`.
    ///
    /// # Safety
    /// `b` points to a live bucket and `i < BUCKET_CNT`.
    #[inline(always)]
    pub(crate) unsafe fn key(b: *mut Self, i: usize) -> *mut K {
        // SAFETY: caller guarantees `b` is a live bucket and `i` in range;
        // `addr_of_mut!` creates no intermediate reference.
        unsafe { ptr::addr_of_mut!((*b).keys).cast::<K>().add(i) }
    }

    /// Pointer to value slot `i`.
    ///
    /// # Safety
    /// `b` points to a live bucket and `i < BUCKET_CNT`.
    #[inline(always)]
    pub(crate) unsafe fn val(b: *mut Self, i: usize) -> *mut V {
        // SAFETY: as for `key`.
        unsafe { ptr::addr_of_mut!((*b).vals).cast::<V>().add(i) }
    }

    /// The 8 tophash bytes as one little-endian word (byte `i` = slot `i`).
    ///
    /// # Safety
    /// `b` points to a live bucket.
    #[inline(always)]
    pub(crate) unsafe fn word(b: *const Self) -> u64 {
        // SAFETY: caller guarantees `b` is live; tophash is plain bytes.
        u64::from_le_bytes(unsafe { (*b).tophash })
    }
}

/// The tophash of a hash: its top byte, raised by `MIN_TOP_HASH` when it
/// would collide with a marker (`tophash` in map.go).
#[inline(always)]
pub(crate) fn tophash(hash: u64) -> u8 {
    let top = (hash >> 56) as u8;
    if top < MIN_TOP_HASH {
        top + MIN_TOP_HASH
    } else {
        top
    }
}

/// `isEmpty`: the slot holds no entry (`EMPTY_REST` or `EMPTY_ONE`).
#[inline(always)]
pub(crate) fn is_empty(top: u8) -> bool {
    top <= EMPTY_ONE
}

/// `evacuated(b)`: bucket `b` of an old array has been evacuated (its first
/// tophash holds one of the three evacuation markers).
///
/// # Safety
/// `b` points to a live bucket.
#[inline(always)]
pub(crate) unsafe fn evacuated<K, V>(b: *const Bucket<K, V>) -> bool {
    // SAFETY: caller guarantees `b` is live.
    let h = unsafe { (*b).tophash[0] };
    h > EMPTY_ONE && h < MIN_TOP_HASH
}

// ---- 8 tophash bytes at a time (SWAR) --------------------------------------
//
// Go scans a bucket one byte at a time; we test all 8 tophash bytes of a
// bucket with a few word operations. The result is a mask with bit 7 of byte
// `i` set when slot `i` qualifies; the scan order (lowest slot first) is the
// runtime's.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Exact "which bytes are zero" (no false positives, unlike the classic
/// `(x - LO) & !x & HI`, which must never happen here: a false positive on
/// an empty slot would read an uninitialised key).
#[inline(always)]
pub(crate) fn zero_bytes(x: u64) -> u64 {
    !(((x & !HI).wrapping_add(!HI)) | x) & HI
}

/// Slots whose tophash equals `top`.
#[inline(always)]
pub(crate) fn match_top(word: u64, top: u8) -> u64 {
    zero_bytes(word ^ (LO * u64::from(top)))
}

/// Empty slots (`EMPTY_REST` or `EMPTY_ONE`): bytes that are 0 once bit 0 is
/// cleared.
#[inline(always)]
pub(crate) fn match_empty(word: u64) -> u64 {
    zero_bytes(word & !LO)
}

/// `EMPTY_REST` slots.
#[inline(always)]
pub(crate) fn match_empty_rest(word: u64) -> u64 {
    zero_bytes(word)
}

/// Index of the lowest slot set in a non-zero mask.
#[inline(always)]
pub(crate) fn lowest(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// Hints the CPU to start loading bucket `b` (no effect on correctness).
#[inline(always)]
pub(crate) fn prefetch<K, V>(b: *const Bucket<K, V>) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse", not(miri)))]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(b.cast());
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse", not(miri))))]
    let _ = b;
}

// ---- allocation ---------------------------------------------------------------

fn array_layout<K, V>(n: usize) -> Layout {
    Layout::array::<Bucket<K, V>>(n).expect("GoMap: capacity overflow")
}

/// Allocates `n >= 1` zeroed (= empty) buckets (`makeBucketArray`, without
/// the preallocated overflow buckets: ours live in [`OverflowArena`]).
pub(crate) fn alloc_buckets<K, V>(n: usize) -> *mut Bucket<K, V> {
    debug_assert!(n >= 1);
    let layout = array_layout::<K, V>(n);
    // SAFETY: `layout` has non-zero size (a bucket holds at least its 8
    // tophash bytes and a pointer) and `n >= 1`.
    let p = unsafe { alloc_zeroed(layout) };
    match NonNull::new(p) {
        Some(p) => p.cast().as_ptr(),
        None => handle_alloc_error(layout),
    }
}

/// Frees an array made by [`alloc_buckets`] (without dropping any entry).
///
/// # Safety
/// `p` came from `alloc_buckets(n)` with this same `n` and is not used again.
pub(crate) unsafe fn free_buckets<K, V>(p: *mut Bucket<K, V>, n: usize) {
    // SAFETY: caller guarantees `p` was allocated with this layout.
    unsafe { dealloc(p.cast(), array_layout::<K, V>(n)) }
}

/// Overflow buckets of one generation of the table, bump-allocated from
/// zeroed chunks (Go allocates them one by one, after a preallocated batch of
/// `2^(B-4)` next to the bucket array; the growth rule only depends on how
/// many are taken, which `noverflow` counts, not on where they live).
///
/// A generation's overflow buckets are freed together: when a grow ends the
/// old generation's arena is dropped, like Go's `extra.oldoverflow`.
pub(crate) struct OverflowArena<K, V> {
    chunks: Vec<(*mut Bucket<K, V>, usize)>,
    /// Buckets already handed out from the last chunk.
    used: usize,
}

impl<K, V> OverflowArena<K, V> {
    pub(crate) const fn new() -> Self {
        OverflowArena {
            chunks: Vec::new(),
            used: 0,
        }
    }

    /// A fresh, zeroed overflow bucket. `b` is the table's current B, used
    /// only to size new chunks (the first is `2^(B-4)` buckets, as Go
    /// preallocates; later ones double, up to `2^B`).
    #[inline]
    pub(crate) fn alloc(&mut self, b: u8) -> *mut Bucket<K, V> {
        if let Some(&(p, n)) = self.chunks.last() {
            if self.used < n {
                self.used += 1;
                // SAFETY: `used - 1 < n`, inside the chunk of `n` buckets.
                return unsafe { p.add(self.used - 1) };
            }
        }
        self.alloc_chunk(b)
    }

    #[cold]
    fn alloc_chunk(&mut self, b: u8) -> *mut Bucket<K, V> {
        let first = 1usize << b.saturating_sub(4);
        let n = match self.chunks.last() {
            None => first,
            Some(&(_, last)) => (last * 2).min(first.max(1usize << b.min(30))),
        }
        .max(1);
        let p = alloc_buckets::<K, V>(n);
        self.chunks.push((p, n));
        self.used = 1;
        p
    }

    /// Number of buckets handed out (for tests).
    #[cfg(test)]
    pub(crate) fn handed_out(&self) -> usize {
        match self.chunks.split_last() {
            None => 0,
            Some((_, rest)) => rest.iter().map(|c| c.1).sum::<usize>() + self.used,
        }
    }
}

impl<K, V> Drop for OverflowArena<K, V> {
    fn drop(&mut self) {
        for &(p, n) in &self.chunks {
            // SAFETY: each chunk came from `alloc_buckets(n)`; the entries in
            // it were dropped or moved out by the table before.
            unsafe { free_buckets(p, n) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_is_144_bytes_for_u64_like_go() {
        assert_eq!(std::mem::size_of::<Bucket<u64, u64>>(), 144);
    }

    #[test]
    fn tophash_raises_small_top_bytes() {
        assert_eq!(tophash(0), MIN_TOP_HASH);
        assert_eq!(tophash(4 << 56), 9);
        assert_eq!(tophash(5 << 56), 5);
        assert_eq!(tophash(u64::MAX), 0xff);
    }

    #[test]
    fn swar_masks_are_exact() {
        let bytes = [0u8, 1, 2, 5, 0x85, 0xff, 1, 0];
        let w = u64::from_le_bytes(bytes);
        let slots = |m: u64| {
            (0..8)
                .filter(|i| m & (0x80 << (8 * i)) != 0)
                .collect::<Vec<_>>()
        };
        assert_eq!(slots(match_empty(w)), vec![0, 1, 6, 7]);
        assert_eq!(slots(match_empty_rest(w)), vec![0, 7]);
        assert_eq!(slots(match_top(w, 5)), vec![3]);
        assert_eq!(slots(match_top(w, 0x85)), vec![4]);
        assert_eq!(slots(match_top(w, 0xff)), vec![5]);
        // No false positive above a zero byte (the classic trick has one).
        let w = u64::from_le_bytes([0, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(slots(zero_bytes(w)), vec![0]);
        assert_eq!(lowest(match_empty(w)), 0);
    }

    #[test]
    fn arena_hands_out_zeroed_buckets() {
        let mut a = OverflowArena::<u64, u64>::new();
        for _ in 0..5 {
            let b = a.alloc(0);
            // SAFETY: fresh bucket from the arena.
            unsafe {
                assert_eq!(Bucket::word(b), 0);
                assert!((*b).overflow.is_null());
            }
        }
        assert_eq!(a.handed_out(), 5);
    }
}
