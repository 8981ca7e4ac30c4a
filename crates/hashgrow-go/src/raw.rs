//! The table itself (`hmap`): its fields, creation, clearing and dropping.
//! The operations live in [`growth`](crate::growth) (when to grow, what an
//! op moves), [`evacuate`](crate::evacuate) and [`lookup`](crate::lookup).

use std::marker::PhantomData;
use std::ptr;

use hashgrow::{Event, EventHook, Stats};

use crate::growth::{limits, over_load_factor};
use crate::layout::{
    evacuated, free_piece, Array, Bucket, OverflowArena, Piece, BUCKET_CNT, MIN_TOP_HASH,
};

/// Growth counters (see [`hashgrow::Stats`] for what each one counts).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counters {
    pub(crate) entries_moved: u64,
    pub(crate) grows: u64,
    pub(crate) same_size_grows: u64,
    pub(crate) overflow_allocated: u64,
}

/// The Go `hmap`, minus the hash seed (the hasher lives in `GoMap`).
/// Go's `hmap`: the raw table under [`GoMap`](crate::GoMap). Its fields are the
/// runtime's; see the [crate docs](crate) for how it grows.
pub struct GoTable<K, V> {
    /// `2^b` buckets; null while `b == 0` and nothing was ever written
    /// (Go allocates the first bucket lazily in `mapassign`). While a grow
    /// is in progress, new bucket `j` is initialised only once old bucket
    /// `j & oldbucketmask()` is evacuated (see `new_ready`).
    pub(crate) buckets: Array<K, V>,
    /// The previous array while a grow is in progress, else null.
    pub(crate) oldbuckets: Array<K, V>,
    /// Live entries (`count`).
    pub(crate) count: usize,
    /// Evacuation progress: every old bucket below it is evacuated.
    pub(crate) nevacuate: usize,
    /// log2 of the number of buckets.
    pub(crate) b: u8,
    /// The grow in progress keeps the size (`sameSizeGrow` flag).
    pub(crate) same_size: bool,
    /// The runtime's overflow-bucket estimate (exact while `b < 16`).
    pub(crate) noverflow: u16,
    /// The growth rules' thresholds for this `b` (see
    /// [`limits`](crate::growth::limits)): more entries than `max_count`
    /// exceed the load factor; `max_noverflow` overflow buckets are too
    /// many.
    pub(crate) max_count: usize,
    pub(crate) max_noverflow: u16,
    /// Overflow buckets of `buckets` (Go: `extra.overflow`).
    pub(crate) overflow: OverflowArena<K, V>,
    /// Overflow buckets of `oldbuckets` (Go: `extra.oldoverflow`).
    pub(crate) old_overflow: OverflowArena<K, V>,
    /// Memory of the last old generation, freed one piece per write (see
    /// [`retire_old`](GoTable::retire_old)).
    pub(crate) deferred: Vec<Piece>,
    /// Bytes of the pieces in `deferred` (kept as a sum, so that `stats()`
    /// stays O(1)).
    pub(crate) deferred_bytes: usize,
    /// State of the deterministic stand-in for `fastrand` used by
    /// `incr_noverflow` once `b >= 16`.
    pub(crate) rng: u32,
    pub(crate) counters: Counters,
    pub(crate) hook: Option<EventHook>,
    pub(crate) marker: PhantomData<(K, V)>,
}

// SAFETY: the table owns its keys and values (the raw pointers are unique
// owners of heap memory), so it can move between threads when they can, and
// shared access only hands out `&K`/`&V`. The hook is `Send + Sync`.
unsafe impl<K: Send, V: Send> Send for GoTable<K, V> {}
// SAFETY: see above; `&GoTable` only gives `&K` and `&V`.
unsafe impl<K: Sync, V: Sync> Sync for GoTable<K, V> {}

/// The `B` that `makemap` picks for `hint`: the smallest with
/// `!overLoadFactor(hint, B)`. Hints of 8 or less give `B = 0`.
pub(crate) fn b_for_hint(hint: usize) -> u8 {
    let mut b = 0u8;
    while over_load_factor(hint, b) {
        b += 1;
    }
    b
}

impl<K, V> GoTable<K, V> {
    /// `makemap(hint)`: `B` from the hint; buckets allocated now unless
    /// `B == 0` (then on the first insert).
    pub(crate) fn with_hint(hint: usize) -> Self {
        // `makemap`: "if overflow || mem > maxAlloc { hint = 0 }", where mem
        // is hint times the bucket size (the runtime's own quirk: not the
        // entry size) and maxAlloc is 2^48 on 64-bit Linux.
        const MAX_ALLOC: usize = 1 << 48;
        let bucket_size = BUCKET_CNT * (1 + std::mem::size_of::<K>() + std::mem::size_of::<V>())
            + std::mem::size_of::<usize>();
        let hint = match hint.checked_mul(bucket_size) {
            Some(mem) if mem <= MAX_ALLOC => hint,
            _ => 0,
        };
        let b = b_for_hint(hint);
        let (max_count, max_noverflow) = limits(b);
        let buckets = if b == 0 {
            Array::null()
        } else {
            Array::alloc_init(1usize << b)
        };
        GoTable {
            buckets,
            oldbuckets: Array::null(),
            count: 0,
            nevacuate: 0,
            b,
            same_size: false,
            noverflow: 0,
            max_count,
            max_noverflow,
            overflow: OverflowArena::new(),
            old_overflow: OverflowArena::new(),
            deferred: Vec::new(),
            deferred_bytes: 0,
            rng: 0x9e37_79b9,
            counters: Counters::default(),
            hook: None,
            marker: PhantomData,
        }
    }

    /// `growing()`: a grow is in progress.
    #[inline(always)]
    pub(crate) fn growing(&self) -> bool {
        !self.oldbuckets.is_null()
    }

    /// Is new bucket `j < 2^B` initialised? Always, except during a grow
    /// before old bucket `j & oldbucketmask()` is evacuated: evacuation
    /// initialises its destinations, and nothing else writes (or reads) a
    /// new bucket before its old bucket is evacuated. Only walks over the
    /// whole array (iteration, drop, checks) need to ask.
    #[inline]
    pub(crate) fn new_ready(&self, j: usize) -> bool {
        // SAFETY: masked to the old array's size.
        !self.growing() || unsafe { evacuated(self.oldbuckets.at(j & self.oldbucketmask())) }
    }

    /// `bucketMask(B)`.
    #[inline(always)]
    pub(crate) fn mask(&self) -> usize {
        (1usize << self.b) - 1
    }

    /// `noldbuckets()`: buckets in the old array (only meaningful while
    /// growing).
    #[inline(always)]
    pub(crate) fn noldbuckets(&self) -> usize {
        let old_b = if self.same_size { self.b } else { self.b - 1 };
        1usize << old_b
    }

    /// `oldbucketmask()`.
    #[inline(always)]
    pub(crate) fn oldbucketmask(&self) -> usize {
        self.noldbuckets() - 1
    }

    /// Sends `event` to the hook, if one is installed. Called only on cold
    /// paths (grow start/end, after an evacuation).
    #[cold]
    #[inline(never)]
    pub(crate) fn emit(&mut self, event: Event) {
        if let Some(hook) = self.hook.as_mut() {
            hook(&event);
        }
    }

    pub(crate) fn stats(&self) -> Stats {
        Stats {
            entries_moved: self.counters.entries_moved,
            grows: self.counters.grows,
            same_size_grows: self.counters.same_size_grows,
            overflow_buckets_allocated: self.counters.overflow_allocated,
            capacity: (13 * ((1u64 << self.b) / 2)).max(8),
            native_capacity: 1u64 << self.b,
            native_unit: "buckets",
            log2_buckets: self.b,
            noverflow: u64::from(self.noverflow),
            nevacuate: self.nevacuate as u64,
            growing: self.growing(),
            retired_bytes: self.deferred_bytes as u64,
            ..Stats::default()
        }
    }

    /// Drops every live entry of the chain starting at `head`.
    ///
    /// # Safety
    /// `head` is a live chain of this table; its live slots are not used
    /// afterwards (the caller frees or zeroes the memory).
    unsafe fn drop_chain(mut b: Bucket<K, V>) {
        while !b.is_null() {
            for i in 0..BUCKET_CNT {
                // SAFETY: `b` is a live bucket (caller), `i` in range; a
                // tophash >= MIN_TOP_HASH means the slot holds a live entry.
                unsafe {
                    if b.top(i) >= MIN_TOP_HASH {
                        b.set_top(i, crate::layout::EMPTY_ONE);
                        ptr::drop_in_place(b.key(i));
                        ptr::drop_in_place(b.val(i));
                    }
                }
            }
            // SAFETY: `b` is live.
            b = unsafe { b.overflow() };
        }
    }

    /// Drops all live entries, in the new and (unevacuated) old buckets.
    /// Evacuated old slots hold markers below `MIN_TOP_HASH`, so nothing is
    /// dropped twice.
    fn drop_entries(&mut self) {
        if !std::mem::needs_drop::<K>() && !std::mem::needs_drop::<V>() {
            return;
        }
        if !self.buckets.is_null() {
            for i in 0..(1usize << self.b) {
                if self.new_ready(i) {
                    // SAFETY: `i < 2^b`, the size of `buckets`; initialised.
                    unsafe { Self::drop_chain(self.buckets.at(i)) }
                }
            }
        }
        if self.growing() {
            for i in 0..self.noldbuckets() {
                // SAFETY: `i < noldbuckets()`, the size of `oldbuckets`.
                unsafe { Self::drop_chain(self.oldbuckets.at(i)) }
            }
        }
    }

    /// Frees the old array and its overflow buckets (end of a grow, clear,
    /// drop). Entries must have been moved out or dropped.
    pub(crate) fn free_old(&mut self) {
        if self.growing() {
            // SAFETY: `oldbuckets` was allocated with `noldbuckets()` buckets
            // (still valid: `b` and `same_size` are unchanged until the grow
            // ends, and we reset `oldbuckets` right after).
            unsafe { self.oldbuckets.free(self.noldbuckets()) };
            self.oldbuckets = Array::null();
        }
        self.old_overflow = OverflowArena::new();
    }

    /// End of a grow: every old entry has moved out. Instead of freeing the
    /// old generation now (its tophash array, its slot segments, its
    /// overflow chunks: freeing them all costs time proportional to the
    /// table, unmapping every page), hand its pieces to `deferred`, of which
    /// each later write frees one ([`free_deferred_one`]). Go leaves this
    /// to its garbage collector.
    ///
    /// [`free_deferred_one`]: GoTable::free_deferred_one
    pub(crate) fn retire_old(&mut self) {
        debug_assert!(self.growing());
        let n = self.noldbuckets();
        let (deferred, bytes) = (&mut self.deferred, &mut self.deferred_bytes);
        let mut keep = |p: Piece| {
            *bytes += p.1.size();
            deferred.push(p);
        };
        // SAFETY: `oldbuckets` was allocated with `noldbuckets()` buckets,
        // the old overflow buckets belong to it, every entry was moved out,
        // and nothing points into them any more (the new array's chains
        // only link new overflow buckets).
        unsafe {
            self.oldbuckets.release(n, &mut keep);
            self.old_overflow.release(&mut keep);
        }
        self.oldbuckets = Array::null();
    }

    /// Frees one piece of a retired old generation (called by every write
    /// while some remain: a grow ends long before the next one starts, so
    /// they are all freed by then).
    #[cold]
    #[inline(never)]
    pub(crate) fn free_deferred_one(&mut self) {
        if let Some(p) = self.deferred.pop() {
            self.deferred_bytes -= p.1.size();
            // SAFETY: pieces are handed over once, by `retire_old`.
            unsafe { free_piece(p) }
        }
    }

    /// Frees every piece left by `retire_old`.
    pub(crate) fn free_deferred_all(&mut self) {
        for p in self.deferred.drain(..) {
            // SAFETY: as in `free_deferred_one`.
            unsafe { free_piece(p) }
        }
        self.deferred_bytes = 0;
    }

    /// `mapclear`: drops every entry and empties the table, keeping `B` and
    /// the bucket array (zeroed again); abandons a grow in progress and
    /// resets `noverflow` and `nevacuate`, as the runtime does. Like the
    /// runtime, does nothing at all on an empty map.
    pub(crate) fn clear(&mut self) {
        if self.count == 0 {
            return;
        }
        self.drop_entries();
        self.free_old();
        self.free_deferred_all();
        self.same_size = false;
        self.nevacuate = 0;
        self.noverflow = 0;
        self.count = 0;
        self.overflow = OverflowArena::new();
        // SAFETY: `count > 0`, so the array exists with `2^b` buckets;
        // their entries were dropped.
        unsafe { self.buckets.init_all(1usize << self.b) };
    }
}

impl<K, V> Drop for GoTable<K, V> {
    fn drop(&mut self) {
        self.drop_entries();
        self.free_old();
        self.free_deferred_all();
        if !self.buckets.is_null() {
            // SAFETY: allocated with `2^b` buckets; entries were dropped.
            unsafe { self.buckets.free(1usize << self.b) };
        }
    }
}
