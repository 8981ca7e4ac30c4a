//! Lookup, insert and delete on the raw table (`mapaccess`, `mapassign`,
//! `mapdelete`).
//!
//! * A **lookup** reads the old bucket while it is not evacuated (the entry
//!   is still there), else the new one; it never moves anything.
//! * An **insert** runs `grow_work` if growing, then walks the chain: an
//!   existing key is updated in place; otherwise the new entry takes the
//!   first empty slot seen (the walk stops at an `emptyRest` slot), or a new
//!   overflow bucket if the chain is full — after possibly starting a grow
//!   (see [`growth`](crate::growth)) and starting over.
//! * A **delete** (on a non-empty map) runs `grow_work` if growing, marks the
//!   slot `emptyOne`, then turns the trailing run of `emptyOne` slots of the
//!   chain into `emptyRest`, walking backwards across buckets.

use crate::group::Tag;
use crate::layout::{Bucket, BUCKET_CNT, EMPTY_ONE, EMPTY_REST};
use crate::raw::GoTable;

/// Where an absent key would go: the first empty slot of the chain (if
/// any) and the chain's last bucket (to hang an overflow bucket on).
#[derive(Clone, Copy)]
pub(crate) struct VacantPos<K, V> {
    pub(crate) empty: Bucket<K, V>,
    pub(crate) idx: usize,
    pub(crate) last: Bucket<K, V>,
}

/// A live slot found by a lookup or an iterator: `(head of its chain,
/// bucket, slot index)`.
pub(crate) type Found<K, V> = (Bucket<K, V>, Bucket<K, V>, usize);

/// Outcome of the assign walk.
pub(crate) enum Search<K, V> {
    Found(Bucket<K, V>, usize),
    Vacant(VacantPos<K, V>),
}

/// Finds the slot whose tophash is `tag`'s and key satisfies `eq` in the
/// chain starting at `b`, stopping at `emptyRest`.
///
/// # Safety
/// `b` is the head of a live chain.
#[inline(always)]
pub(crate) unsafe fn find_in_chain<K, V>(
    mut b: Bucket<K, V>,
    tag: Tag,
    eq: &mut impl FnMut(&K) -> bool,
) -> Option<(Bucket<K, V>, usize)> {
    loop {
        // SAFETY: `b` is a live bucket (head from the caller, then non-null
        // overflow links); a slot whose tophash equals `top` (>= MIN_TOP_HASH)
        // holds an initialised key.
        unsafe {
            let g = b.group();
            for i in g.match_tag(tag) {
                if eq(&*b.key(i)) {
                    return Some((b, i));
                }
            }
            if g.match_empty_rest().any_set() {
                return None;
            }
            b = b.overflow();
        }
        if b.is_null() {
            return None;
        }
    }
}

impl<K, V> GoTable<K, V> {
    /// `mapaccess`: the slot holding the key, if present. Reads the old
    /// bucket while it is not evacuated. Never moves anything.
    #[inline]
    pub(crate) fn find(&self, hash: u64, mut eq: impl FnMut(&K) -> bool) -> Option<Found<K, V>> {
        if self.count == 0 {
            return None;
        }
        let mut m = self.mask();
        // SAFETY: `count > 0` so `buckets` holds `2^b` buckets; the index is
        // masked to that size (or to the old array's size).
        unsafe {
            let mut b = self.buckets.at(hash as usize & m);
            if self.growing() {
                if !self.same_size {
                    // There used to be half as many buckets.
                    m >>= 1;
                }
                let oldb = self.oldbuckets.at(hash as usize & m);
                if !crate::layout::evacuated(oldb) {
                    b = oldb;
                }
            }
            let (bucket, idx) = find_in_chain(b, Tag::of(hash), &mut eq)?;
            Some((b, bucket, idx))
        }
    }

    /// The head of `hash`'s chain in the new array: where `begin_assign`
    /// found the key, or where `finish_insert` put it (also when that
    /// started a grow: it walks the chain again then).
    ///
    /// # Safety
    /// The array exists (any `begin_assign` made sure of it).
    #[inline(always)]
    pub(crate) unsafe fn chain_head(&self, hash: u64) -> Bucket<K, V> {
        // SAFETY: the index is masked to the array's size (caller: it exists).
        unsafe { self.buckets.at(hash as usize & self.mask()) }
    }

    /// The assign walk over chain `head`: the key's slot, or where it would
    /// go.
    ///
    /// # Safety
    /// `head` is the head of a live chain of the new array.
    #[inline(always)]
    unsafe fn search_assign(
        head: Bucket<K, V>,
        tag: Tag,
        eq: &mut impl FnMut(&K) -> bool,
    ) -> Search<K, V> {
        let mut b = head;
        let mut empty: Bucket<K, V> = Bucket::null();
        let mut idx = 0;
        loop {
            // SAFETY: `b` is a live bucket of the chain; see `find_in_chain`.
            unsafe {
                let g = b.group();
                for i in g.match_tag(tag) {
                    if eq(&*b.key(i)) {
                        return Search::Found(b, i);
                    }
                }
                if empty.is_null() {
                    let e = g.match_empty();
                    if e.any_set() {
                        empty = b;
                        idx = e.lowest();
                    }
                }
                if g.match_empty_rest().any_set() {
                    break;
                }
                let next = b.overflow();
                if next.is_null() {
                    break;
                }
                b = next;
            }
        }
        Search::Vacant(VacantPos {
            empty,
            idx,
            last: b,
        })
    }

    /// First half of `mapassign`: allocate the first bucket if needed, run
    /// `grow_work` if growing, then walk the key's chain.
    #[inline]
    pub(crate) fn begin_assign<H: Fn(&K) -> u64>(
        &mut self,
        hash: u64,
        mut eq: impl FnMut(&K) -> bool,
        hasher: &H,
    ) -> Search<K, V> {
        if self.buckets.is_null() {
            // `if h.buckets == nil { h.buckets = newobject(t.bucket) }`
            self.buckets = crate::layout::Array::alloc_init(1);
        }
        if !self.deferred.is_empty() {
            self.free_deferred_one();
        }
        let bucket = hash as usize & self.mask();
        // SAFETY: `bucket < 2^b`, the size of `buckets` (only an address:
        // the bucket may not be prepared yet).
        let head = unsafe { self.buckets.at(bucket) };
        // Start loading the slots (overflow link, first keys) while the
        // tophash word loads: the walk or the new entry needs them next.
        head.prefetch_slots(1);
        if self.growing() {
            // Start loading the new bucket and the old one grow_work reads
            // first, so that the cache misses overlap.
            head.prefetch_top();
            // SAFETY: masked to the old array's size.
            let old = unsafe { self.oldbuckets.at(bucket & self.oldbucketmask()) };
            old.prefetch_top();
            old.prefetch_slots(2);
            self.grow_work(bucket, hasher);
        }
        // Again: `head`'s segment may have been allocated just now (the
        // address above, computed before, only served the prefetch).
        // SAFETY: `bucket < 2^b`; prepared by `grow_work` if growing.
        let head = unsafe { self.buckets.at(bucket) };
        // SAFETY: `head` is a bucket of the new array.
        unsafe { Self::search_assign(head, Tag::of(hash), &mut eq) }
    }

    /// Second half of `mapassign`, for a key known to be absent: start a
    /// grow if the rule says so (then `goto again`: grow_work and walk
    /// again), take the slot (a new overflow bucket if the chain is full),
    /// write its tophash and count the entry. The caller writes key and
    /// value into the returned slot.
    #[inline]
    pub(crate) fn finish_insert<H: Fn(&K) -> u64>(
        &mut self,
        hash: u64,
        mut pos: VacantPos<K, V>,
        hasher: &H,
    ) -> (Bucket<K, V>, usize) {
        while self.needs_grow() {
            self.hash_grow();
            // again:
            let bucket = hash as usize & self.mask();
            if self.growing() {
                self.grow_work(bucket, hasher);
            }
            // SAFETY: `bucket < 2^b`. The key is absent, so the walk can
            // only end `Vacant`.
            match unsafe {
                Self::search_assign(self.buckets.at(bucket), Tag::of(hash), &mut |_| false)
            } {
                Search::Vacant(p) => pos = p,
                Search::Found(..) => unreachable!(),
            }
        }
        let (b, i) = if pos.empty.is_null() {
            (self.new_overflow(pos.last), 0)
        } else {
            (pos.empty, pos.idx)
        };
        // SAFETY: `b` is a live bucket and `i < BUCKET_CNT`.
        unsafe { b.set_top(i, Tag::of(hash).top()) };
        self.count += 1;
        (b, i)
    }

    /// `mapdelete`: remove the key and return its entry. On an empty map
    /// this does nothing at all (not even `grow_work`), as in the runtime.
    #[inline]
    pub(crate) fn remove<H: Fn(&K) -> u64>(
        &mut self,
        hash: u64,
        mut eq: impl FnMut(&K) -> bool,
        hasher: &H,
    ) -> Option<(K, V)> {
        if self.count == 0 {
            return None;
        }
        if !self.deferred.is_empty() {
            self.free_deferred_one();
        }
        let bucket = hash as usize & self.mask();
        if self.growing() {
            self.grow_work(bucket, hasher);
        }
        // SAFETY: `count > 0` so `buckets` has `2^b` buckets, `bucket < 2^b`.
        unsafe {
            let head = self.buckets.at(bucket);
            let (b, i) = find_in_chain(head, Tag::of(hash), &mut eq)?;
            Some(self.take(head, b, i))
        }
    }

    /// Moves the entry out of slot `i` of bucket `b` (in the chain starting
    /// at `head`), leaving `emptyOne` then fixing up `emptyRest` as
    /// `mapdelete` does.
    ///
    /// # Safety
    /// `(b, i)` is a live slot of the new-array chain `head`.
    pub(crate) unsafe fn take(
        &mut self,
        head: Bucket<K, V>,
        mut b: Bucket<K, V>,
        mut i: usize,
    ) -> (K, V) {
        // SAFETY: the slot is live (caller); after the reads it is marked
        // empty so it is never read or dropped again. All buckets walked
        // below belong to the live chain `head`.
        unsafe {
            let entry = (b.key(i).read(), b.val(i).read());
            b.set_top(i, EMPTY_ONE);
            // If the chain now ends in a run of emptyOne, turn it into emptyRest.
            let last_of_chain = if i == BUCKET_CNT - 1 {
                let ovf = b.overflow();
                ovf.is_null() || ovf.top(0) == EMPTY_REST
            } else {
                b.top(i + 1) == EMPTY_REST
            };
            if last_of_chain {
                loop {
                    b.set_top(i, EMPTY_REST);
                    if i == 0 {
                        if b == head {
                            break; // beginning of the initial bucket
                        }
                        // Find the previous bucket, continue at its last slot.
                        let c = b;
                        b = head;
                        while b.overflow() != c {
                            b = b.overflow();
                        }
                        i = BUCKET_CNT - 1;
                    } else {
                        i -= 1;
                    }
                    if b.top(i) != EMPTY_ONE {
                        break;
                    }
                }
            }
            self.count -= 1;
            entry
        }
    }
}
