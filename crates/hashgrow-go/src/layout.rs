//! Memory layout: the bucket, its tophash markers, and how bucket arrays and
//! overflow buckets are allocated.
//!
//! # Same decisions, different memory
//!
//! Go's bucket (`bmap`, `runtime/map.go`) is one struct: 8 tophash bytes,
//! then 8 keys, then 8 values (keys packed together and values packed
//! together, so `map[u64]u8` needs no padding), then the overflow pointer;
//! 144 bytes for `u64 -> u64`. Here a bucket is the same *logical* thing,
//! split in two places:
//!
//! * its 8 **tophash bytes** live in a compact array of 8 bytes per bucket,
//!   indexed by bucket number (an overflow bucket's in its chunk's own
//!   compact array);
//! * its **slots** ([`Slots`]: the overflow link, then 8 keys and 8
//!   values) live in a second array, cut into segments of under 120 KiB
//!   (see [`Array`]). Keys and values are packed as in Go (8 keys, then 8
//!   values) when pairing them would need padding, else stored as 8
//!   `(key, value)` pairs, so that a hit reads one cache line, not two
//!   (see [`Slots::PAIRED`]).
//!
//! A [`Bucket`] is a handle on both. Every decision is Go's, unchanged: the
//! slot an entry takes, the bucket it goes to, the markers written, the
//! chain walk and where it stops, the evacuation order and X/Y choice, when
//! an overflow bucket is taken and how `noverflow` counts it. Only
//! addresses differ, which the oracle cannot see (it compares placements).
//!
//! Why: a miss, the scan for an empty slot and the `evacuated` test read
//! only tophash bytes. In Go's layout each such read touches a cache line
//! (and a TLB entry) inside the big bucket array (37 MB for 1M `u64` keys);
//! with the tophash bytes apart they touch a 2 MB array that stays in
//! cache, as SwissTable's control bytes do. Keys and values are only read
//! on a tophash match.
//!
//! # Bounded work per operation, also for memory
//!
//! * A new array is allocated **uninitialised**: a new bucket is
//!   initialised (and its slots segment allocated) when the evacuation of
//!   its old bucket first reaches it; nothing reads a new bucket before
//!   that (`GoTable::new_ready`). Go zeroes the whole array in
//!   `hashGrow`, an O(n) stop (and with a global allocator that zeroes by
//!   hand, a 37 MB `memset` plus its page faults in one insert).
//! * An old generation is not freed by the op that ends its grow: its
//!   pieces (tophash array, slots segments, overflow chunks, none larger
//!   than 120 KiB except the tophash array) are freed one per later
//!   write (`GoTable::retire_old`); Go leaves this to its GC.
//!
//! The worst single operation left is the one that ends a grow (it queues
//! the old generation's pieces, one pointer push per segment, 512 buckets
//! for `u64 -> u64`, and frees nothing) or that frees the old tophash
//! array (8 bytes per old bucket, one `free`), plus the page faults of
//! first touching new memory, which any table pays somewhere.

use std::alloc::{alloc, alloc_zeroed, dealloc, Layout};
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

use crate::group::TopGroup;

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

/// The slots of one bucket: the overflow link, then 8 keys and 8 values
/// (as declared: 8 keys then 8 values, packed as in Go's `bmap`; or in the
/// same bytes, 8 `(key, value)` pairs, see [`Slots::PAIRED`]). Its 8
/// tophash bytes live apart, in the array's compact tophash array (see the
/// module docs).
///
/// The link comes first so that initialising a bucket (which writes it) and
/// filling its first slots touch the same cache line.
#[repr(C)]
pub(crate) struct Slots<K, V> {
    /// The next bucket of the chain (`overflow`), or null.
    ovf_top: *mut [u8; BUCKET_CNT],
    ovf_slots: *const Slots<K, V>,
    keys: [MaybeUninit<K>; BUCKET_CNT],
    vals: [MaybeUninit<V>; BUCKET_CNT],
}

/// A bucket: a handle on its tophash bytes and on its slots, which live in
/// two different arrays. Copyable like the raw pointer it replaces.
///
/// A bucket is *initialised* once its tophash bytes and overflow link are
/// written ([`Bucket::init`]); keys and values are only ever read in slots
/// whose tophash is `>= MIN_TOP_HASH`.
pub(crate) struct Bucket<K, V> {
    top: *mut [u8; BUCKET_CNT],
    slots: *const Slots<K, V>,
}

impl<K, V> Clone for Bucket<K, V> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for Bucket<K, V> {}

impl<K, V> PartialEq for Bucket<K, V> {
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        self.top == other.top
    }
}
impl<K, V> Eq for Bucket<K, V> {}

impl<K, V> Bucket<K, V> {
    /// No bucket (the end of a chain).
    #[inline(always)]
    pub(crate) const fn null() -> Self {
        Bucket {
            top: ptr::null_mut(),
            slots: ptr::null_mut(),
        }
    }

    #[inline(always)]
    pub(crate) fn is_null(self) -> bool {
        self.top.is_null()
    }

    /// Makes the bucket empty: every tophash `EMPTY_REST`, no overflow.
    ///
    /// # Safety
    /// The bucket's memory is allocated (its contents may be uninitialised)
    /// and holds no live entry.
    #[inline(always)]
    pub(crate) unsafe fn init(self) {
        // SAFETY: caller guarantees both parts are allocated; plain writes
        // of plain data, no reference to uninitialised memory is made.
        unsafe {
            self.top.write([EMPTY_REST; BUCKET_CNT]);
            ptr::addr_of_mut!((*self.slots.cast_mut()).ovf_top).write(ptr::null_mut());
            ptr::addr_of_mut!((*self.slots.cast_mut()).ovf_slots).write(ptr::null_mut());
        }
    }

    /// Pointer to key slot `i`.
    ///
    /// # Safety
    /// The bucket is live and `i < BUCKET_CNT`.
    #[inline(always)]
    pub(crate) unsafe fn key(self, i: usize) -> *mut K {
        // SAFETY: caller guarantees the bucket is live and `i` in range;
        // `addr_of_mut!` creates no intermediate reference. Paired: pair
        // `i` lies inside the key and value arrays (see `Slots::PAIRED`).
        unsafe {
            let base = ptr::addr_of_mut!((*self.slots.cast_mut()).keys);
            if Slots::<K, V>::PAIRED {
                base.cast::<Pair<K, V>>().add(i).cast::<K>()
            } else {
                base.cast::<K>().add(i)
            }
        }
    }

    /// Pointer to value slot `i`.
    ///
    /// # Safety
    /// The bucket is live and `i < BUCKET_CNT`.
    #[inline(always)]
    pub(crate) unsafe fn val(self, i: usize) -> *mut V {
        // SAFETY: as for `key`; in a `repr(C)` pair the value follows the key.
        unsafe {
            if Slots::<K, V>::PAIRED {
                ptr::addr_of_mut!((*self.slots.cast_mut()).keys)
                    .cast::<Pair<K, V>>()
                    .add(i)
                    .cast::<u8>()
                    .add(std::mem::size_of::<K>())
                    .cast::<V>()
            } else {
                ptr::addr_of_mut!((*self.slots.cast_mut()).vals)
                    .cast::<V>()
                    .add(i)
            }
        }
    }

    /// Tophash of slot `i`.
    ///
    /// # Safety
    /// The bucket is live (initialised) and `i < BUCKET_CNT`.
    #[inline(always)]
    pub(crate) unsafe fn top(self, i: usize) -> u8 {
        // SAFETY: caller guarantees the tophash bytes are initialised.
        unsafe { (*self.top)[i] }
    }

    /// Sets the tophash of slot `i`.
    ///
    /// # Safety
    /// The bucket is live (initialised) and `i < BUCKET_CNT`.
    #[inline(always)]
    pub(crate) unsafe fn set_top(self, i: usize, top: u8) {
        // SAFETY: caller guarantees the bucket is live.
        unsafe { (*self.top)[i] = top }
    }

    /// The 8 tophash bytes, to be tested at once.
    ///
    /// # Safety
    /// The bucket is live (initialised).
    #[inline(always)]
    pub(crate) unsafe fn group(self) -> TopGroup {
        // SAFETY: caller guarantees the 8 bytes are initialised.
        unsafe { TopGroup::load(self.top) }
    }

    /// Moves the entry of slot `i` (bitwise) and its tophash byte into
    /// slot `j` of `dst`: one entry of an evacuation.
    ///
    /// # Safety
    /// Both buckets are live, slot `i` is full and slot `j` of `dst` is
    /// empty; the caller then marks slot `i` as moved out, so its entry is
    /// never read or dropped here again.
    #[inline(always)]
    pub(crate) unsafe fn move_entry(self, i: usize, dst: Self, j: usize) {
        // SAFETY: the caller's; the two slots are in different buckets.
        unsafe {
            dst.set_top(j, self.top(i));
            ptr::copy_nonoverlapping(self.key(i), dst.key(j), 1);
            ptr::copy_nonoverlapping(self.val(i), dst.val(j), 1);
        }
    }

    /// Overwrites all 8 tophash bytes.
    ///
    /// # Safety
    /// The bucket is allocated; no live entry's tophash is lost (the caller
    /// moved or dropped the entries whose bytes it replaces).
    #[inline(always)]
    pub(crate) unsafe fn set_group(self, tops: [u8; BUCKET_CNT]) {
        // SAFETY: caller guarantees the bucket is allocated.
        unsafe { self.top.write(tops) }
    }

    /// The next bucket of the chain (null at the end).
    ///
    /// # Safety
    /// The bucket is live (initialised).
    #[inline(always)]
    pub(crate) unsafe fn overflow(self) -> Self {
        // SAFETY: caller guarantees the link is initialised.
        unsafe {
            Bucket {
                top: (*self.slots.cast_mut()).ovf_top,
                slots: (*self.slots.cast_mut()).ovf_slots,
            }
        }
    }

    /// Links `next` after this bucket.
    ///
    /// # Safety
    /// The bucket is live (initialised).
    #[inline(always)]
    pub(crate) unsafe fn set_overflow(self, next: Self) {
        // SAFETY: caller guarantees the bucket is allocated.
        unsafe {
            (*self.slots.cast_mut()).ovf_top = next.top;
            (*self.slots.cast_mut()).ovf_slots = next.slots;
        }
    }

    /// Hints the CPU to start loading the tophash bytes (no effect on
    /// correctness).
    #[inline(always)]
    pub(crate) fn prefetch_top(self) {
        prefetch(self.top.cast());
    }

    /// Hints the CPU to start loading the first `lines` cache lines of
    /// the slots (no more than they span).
    #[inline(always)]
    pub(crate) fn prefetch_slots(self, lines: usize) {
        let lines = lines.min(std::mem::size_of::<Slots<K, V>>().div_ceil(64) + 1);
        for l in 0..lines {
            prefetch(self.slots.cast::<u8>().wrapping_add(64 * l));
        }
    }
}

/// Most bytes of slots per segment (see [`Array`]). Below 128 KiB, the
/// size from which glibc's `malloc` maps a block with `mmap` (its initial
/// `M_MMAP_THRESHOLD`): segments then come from the heap, and since all
/// full segments of a table have one size, the segments a retired
/// generation frees are reused by the next grow, without a system call or
/// fresh page faults per segment. (Measured with `hashgrow compare` and a
/// fixed threshold: 1M inserts took about 10% longer with 147 KiB
/// segments, each one mapped and unmapped.) Small in unit tests, so that
/// they exercise many segments.
#[cfg(not(test))]
const SEG_BYTES: usize = 120 * 1024;
#[cfg(test)]
const SEG_BYTES: usize = 1024;

/// A block of memory to free later (see `GoTable::deferred`).
pub(crate) type Piece = (NonNull<u8>, Layout);

/// One key and its value side by side (see [`Slots::PAIRED`]).
#[repr(C)]
struct Pair<K, V> {
    key: MaybeUninit<K>,
    val: MaybeUninit<V>,
}

impl<K, V> Slots<K, V> {
    /// Keys and values are stored as 8 `(key, value)` pairs instead of 8
    /// keys then 8 values when that costs no padding (`u64 -> u64`, or
    /// any `K`, `V` whose pair packs tightly): a hit then reads its value
    /// from the cache line of its key, and an insert or an evacuation
    /// writes one line instead of two. The pairs occupy the bytes of the
    /// `keys` and `vals` fields (`8 * (size K + size V)` bytes from the
    /// start of `keys`, which is all of them, both arrays being unpadded),
    /// suitably aligned. When the pair would be padded (`u64 -> u8`), the
    /// two arrays are used as declared, as in Go. Only addresses differ:
    /// every decision is the same.
    pub(crate) const PAIRED: bool = std::mem::size_of::<Pair<K, V>>()
        == std::mem::size_of::<K>() + std::mem::size_of::<V>()
        && std::mem::offset_of!(Self, keys) % std::mem::align_of::<Pair<K, V>>() == 0
        && std::mem::offset_of!(Self, keys) + BUCKET_CNT * std::mem::size_of::<Pair<K, V>>()
            <= std::mem::size_of::<Self>();

    /// log2 of the buckets in a full segment: the most that fit in
    /// `SEG_BYTES` (at least one).
    const SEG_SHIFT: u32 = {
        let per = SEG_BYTES / std::mem::size_of::<Self>();
        if per <= 1 {
            0
        } else {
            usize::BITS - 1 - per.leading_zeros()
        }
    };
    const SEG_MAX: usize = 1 << Self::SEG_SHIFT;
}

/// An array of `n` buckets (`n` a power of two): `n` tophash words in one
/// compact allocation, and the [`Slots`] in segments of at most
/// `SEG_BYTES`, found through a small table of segment pointers. Null
/// until allocated; the caller remembers `n`.
///
/// Segments keep the cost of every single allocation and free bounded:
/// a segment is allocated when evacuation first reaches it (not when the
/// grow starts), and the segments of an old array are freed one per write
/// after its grow ends (`GoTable::deferred`) instead of all at once.
/// Looking a bucket up costs one more load, from the table, which is small,
/// stays in cache, and is independent of the tophash load.
pub(crate) struct Array<K, V> {
    top: *mut [u8; BUCKET_CNT],
    /// `seg_count(n)` pointers, each null or to `seg_len(n)` slots.
    segs: *const *const Slots<K, V>,
}

impl<K, V> Clone for Array<K, V> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for Array<K, V> {}

fn seg_count<K, V>(n: usize) -> usize {
    ((n - 1) >> Slots::<K, V>::SEG_SHIFT) + 1
}

fn seg_len<K, V>(n: usize) -> usize {
    n.min(Slots::<K, V>::SEG_MAX)
}

fn segs_layout<K, V>(n: usize) -> Layout {
    Layout::array::<*const Slots<K, V>>(seg_count::<K, V>(n)).expect("GoMap: capacity overflow")
}

impl<K, V> Array<K, V> {
    /// The array's address, as an identity that survives its move from
    /// `buckets` to `oldbuckets` when a grow starts (for `explain`).
    pub(crate) fn addr(self) -> u64 {
        self.top as usize as u64
    }

    pub(crate) const fn null() -> Self {
        Array {
            top: ptr::null_mut(),
            segs: ptr::null_mut(),
        }
    }

    #[inline(always)]
    pub(crate) fn is_null(self) -> bool {
        self.top.is_null()
    }

    /// Allocates `n >= 1` buckets, **uninitialised**, without their slot
    /// segments: bucket `j` must be [`prepare`](Array::prepare)d before use
    /// (see the module docs: a new array is initialised bucket by bucket as
    /// evacuation reaches it, so that starting a grow costs O(n / 2^k) for
    /// the small segment table, not O(n)).
    pub(crate) fn alloc(n: usize) -> Self {
        debug_assert!(n.is_power_of_two());
        let layout = segs_layout::<K, V>(n);
        // SAFETY: non-zero size (at least one segment pointer).
        let segs = unsafe { alloc_zeroed(layout) };
        if segs.is_null() {
            alloc_failed(layout);
        }
        Array {
            top: alloc_raw(top_layout(n)).cast(),
            segs: segs.cast(),
        }
    }

    /// Allocates `n >= 1` buckets and initialises them all (empty).
    pub(crate) fn alloc_init(n: usize) -> Self {
        let a = Self::alloc(n);
        // SAFETY: just allocated with `n` buckets, no entry.
        unsafe { a.init_all(n) };
        a
    }

    /// Initialises (empties) all `n` buckets, allocating missing segments.
    ///
    /// # Safety
    /// The array has `n` buckets, none holding a live entry.
    pub(crate) unsafe fn init_all(self, n: usize) {
        for j in 0..n {
            // SAFETY: `j < n`, no live entry.
            unsafe { self.prepare(j, n) };
        }
    }

    /// Makes bucket `j` usable and empty: allocates its segment if needed,
    /// then initialises it. Returns it.
    ///
    /// # Safety
    /// The array has `n` buckets, `j < n`, and bucket `j` holds no entry.
    #[inline]
    pub(crate) unsafe fn prepare(self, j: usize, n: usize) -> Bucket<K, V> {
        // SAFETY: `j < n`, so its segment pointer is inside the table.
        let seg = unsafe { &mut *self.segs.cast_mut().add(j >> Slots::<K, V>::SEG_SHIFT) };
        if seg.is_null() {
            *seg = alloc_raw(slots_layout::<K, V>(seg_len::<K, V>(n))).cast();
        }
        // SAFETY: `j < n`, segment allocated.
        let b = unsafe { self.at(j) };
        // SAFETY: allocated, holds no entry (caller).
        unsafe { b.init() };
        b
    }

    /// Bucket `j`. Its address may be computed before its segment exists
    /// (for a prefetch); it may only be used once prepared.
    ///
    /// # Safety
    /// The array is allocated with more than `j` buckets.
    #[inline(always)]
    pub(crate) unsafe fn at(self, j: usize) -> Bucket<K, V> {
        // SAFETY: caller guarantees `j` is in range of the tophash array
        // and of the segment table; the slot address is computed with
        // wrapping arithmetic since the segment may not be allocated yet.
        unsafe {
            let seg = *self.segs.add(j >> Slots::<K, V>::SEG_SHIFT);
            Bucket {
                top: self.top.add(j),
                slots: seg.wrapping_add(j & (Slots::<K, V>::SEG_MAX - 1)),
            }
        }
    }

    /// Hands every allocation of the array to `free` (without dropping any
    /// entry): the tophash array, each allocated segment, the table.
    ///
    /// # Safety
    /// The array came from `alloc(n)` with this same `n` and is not used
    /// again.
    pub(crate) unsafe fn release(self, n: usize, free: &mut impl FnMut(Piece)) {
        // SAFETY: caller guarantees the layouts; the table has
        // `seg_count(n)` entries, each null or a segment of `seg_len(n)`.
        unsafe {
            free((NonNull::new_unchecked(self.top.cast()), top_layout(n)));
            for s in 0..seg_count::<K, V>(n) {
                if let Some(p) = NonNull::new((*self.segs.add(s)).cast_mut()) {
                    free((p.cast(), slots_layout::<K, V>(seg_len::<K, V>(n))));
                }
            }
            free((
                NonNull::new_unchecked(self.segs.cast_mut().cast()),
                segs_layout::<K, V>(n),
            ));
        }
    }

    /// Frees the array now (without dropping any entry).
    ///
    /// # Safety
    /// As for [`release`](Array::release).
    pub(crate) unsafe fn free(self, n: usize) {
        // SAFETY: forwarded.
        unsafe { self.release(n, &mut |p| free_piece(p)) }
    }
}

/// Frees a piece.
///
/// # Safety
/// `p` was allocated with its layout and is not used again.
pub(crate) unsafe fn free_piece(p: Piece) {
    // SAFETY: caller guarantees the layout.
    unsafe { dealloc(p.0.as_ptr(), p.1) }
}

/// `evacuated(b)`: bucket `b` of an old array has been evacuated (its first
/// tophash holds one of the three evacuation markers).
///
/// # Safety
/// `b` points to a live bucket.
#[inline(always)]
pub(crate) unsafe fn evacuated<K, V>(b: Bucket<K, V>) -> bool {
    // SAFETY: caller guarantees `b` is live.
    let h = unsafe { b.top(0) };
    h > EMPTY_ONE && h < MIN_TOP_HASH
}

/// Hints the CPU to start loading the line at `b` (no effect on correctness).
#[inline(always)]
fn prefetch(b: *const u8) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse", not(miri)))]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(b.cast());
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse", not(miri))))]
    let _ = b;
}

// ---- allocation ---------------------------------------------------------------

fn top_layout(n: usize) -> Layout {
    Layout::array::<[u8; BUCKET_CNT]>(n).expect("GoMap: capacity overflow")
}

fn slots_layout<K, V>(n: usize) -> Layout {
    Layout::array::<Slots<K, V>>(n).expect("GoMap: capacity overflow")
}

/// Uninitialised memory for `layout` (of non-zero size: `n >= 1` and both
/// a tophash word and [`Slots`], which holds two pointers, are non-empty).
fn alloc_raw(layout: Layout) -> *mut u8 {
    debug_assert!(layout.size() > 0);
    // SAFETY: `layout` has non-zero size.
    let p = unsafe { alloc(layout) };
    match NonNull::new(p) {
        Some(p) => p.as_ptr(),
        None => alloc_failed(layout),
    }
}

/// A failed allocation panics (a huge `with_capacity` hint that got past
/// `makemap`'s size check) instead of aborting the process: Go throws a
/// catchable-in-principle "out of memory"; a Rust user gets a clean panic.
#[cold]
fn alloc_failed(layout: Layout) -> ! {
    panic!(
        "hashgrow-go: memory allocation of {} bytes failed",
        layout.size()
    )
}

/// Overflow buckets of one generation of the table, bump-allocated from
/// chunks and initialised as handed out (Go allocates them one by one,
/// after a preallocated batch of `2^(B-4)` next to the bucket array; the
/// growth rule only depends on how many are taken, which `noverflow`
/// counts, not on where they live).
///
/// A generation's overflow buckets are freed together when a grow ends,
/// like Go's `extra.oldoverflow`, chunk by chunk over the following writes
/// (`GoTable::retire_old`).
pub(crate) struct OverflowArena<K, V> {
    /// Each chunk: its tophash words, its slots, its size (at most one
    /// segment's worth, so that freeing one is cheap).
    chunks: Vec<(*mut [u8; BUCKET_CNT], *const Slots<K, V>, usize)>,
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

    /// A fresh, empty overflow bucket. `b` is the table's current B, used
    /// only to size new chunks (the first is `2^(B-4)` buckets, as Go
    /// preallocates; later ones double, up to `2^B`; all are capped at one
    /// segment).
    #[inline]
    pub(crate) fn alloc(&mut self, b: u8) -> Bucket<K, V> {
        let bucket = match self.chunks.last() {
            Some(&(top, slots, n)) if self.used < n => {
                self.used += 1;
                // SAFETY: `used - 1 < n`, inside the chunk of `n` buckets.
                unsafe {
                    Bucket {
                        top: top.add(self.used - 1),
                        slots: slots.add(self.used - 1),
                    }
                }
            }
            _ => self.alloc_chunk(b),
        };
        // SAFETY: never handed out before, so it holds no entry.
        unsafe { bucket.init() };
        bucket
    }

    #[cold]
    fn alloc_chunk(&mut self, b: u8) -> Bucket<K, V> {
        let first = 1usize << b.saturating_sub(4);
        let n = match self.chunks.last() {
            None => first,
            Some(&(_, _, last)) => (last * 2).min(first.max(1usize << b.min(30))),
        }
        .clamp(1, Slots::<K, V>::SEG_MAX);
        let top = alloc_raw(top_layout(n)).cast();
        let slots = alloc_raw(slots_layout::<K, V>(n)).cast();
        self.chunks.push((top, slots, n));
        self.used = 1;
        Bucket { top, slots }
    }

    /// Hands every chunk to `free` and empties the arena.
    ///
    /// # Safety
    /// The entries in the chunks were dropped or moved out, and no bucket
    /// handed out is used again.
    pub(crate) unsafe fn release(&mut self, free: &mut impl FnMut(Piece)) {
        for (top, slots, n) in self.chunks.drain(..) {
            // SAFETY: allocated by `alloc_chunk` with these layouts.
            unsafe {
                free((NonNull::new_unchecked(top.cast()), top_layout(n)));
                free((
                    NonNull::new_unchecked(slots.cast_mut().cast()),
                    slots_layout::<K, V>(n),
                ));
            }
        }
        self.used = 0;
    }

    /// Number of buckets handed out (for tests).
    #[cfg(test)]
    pub(crate) fn handed_out(&self) -> usize {
        match self.chunks.split_last() {
            None => 0,
            Some((_, rest)) => rest.iter().map(|c| c.2).sum::<usize>() + self.used,
        }
    }
}

impl<K, V> Drop for OverflowArena<K, V> {
    fn drop(&mut self) {
        // SAFETY: the table moved out or dropped every entry before
        // dropping (or replacing) its arena.
        unsafe { self.release(&mut |p| free_piece(p)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_is_152_bytes_for_u64() {
        // 8 tophash bytes apart + 128 bytes of slots + a 16-byte link.
        assert_eq!(std::mem::size_of::<Slots<u64, u64>>() + 8, 152);
    }

    #[test]
    fn pairs_only_without_padding() {
        let paired = [
            Slots::<u64, u64>::PAIRED,
            Slots::<u64, ()>::PAIRED,
            Slots::<String, u64>::PAIRED,
            Slots::<u64, u8>::PAIRED,
            Slots::<u8, u64>::PAIRED,
        ];
        assert_eq!(paired, [true, true, true, false, false]);
        // Key and value of a slot share a 16-byte pair, inside the slots.
        let mut a = OverflowArena::<u64, u64>::new();
        let b = a.alloc(0);
        let size = std::mem::size_of::<Slots<u64, u64>>();
        for i in 0..BUCKET_CNT {
            // SAFETY: fresh bucket, `i` in range; only addresses are taken.
            let (k, v) = unsafe { (b.key(i) as usize, b.val(i) as usize) };
            assert_eq!(v, k + 8);
            assert!(k >= b.slots as usize + 16 && v + 8 <= b.slots as usize + size);
        }
    }

    #[test]
    fn arena_hands_out_zeroed_buckets() {
        let mut a = OverflowArena::<u64, u64>::new();
        for _ in 0..5 {
            let b = a.alloc(0);
            // SAFETY: fresh bucket from the arena.
            unsafe {
                assert!(b.group().match_empty_rest().count() == BUCKET_CNT);
                assert!(b.overflow().is_null());
            }
        }
        assert_eq!(a.handed_out(), 5);
    }
}
