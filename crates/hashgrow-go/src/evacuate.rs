//! Evacuation: moving one old bucket's chain into the new array.
//!
//! ```text
//!   doubling, B = 2 -> 3 (newbit = 4)       same-size grow, B = 2
//!
//!   old 1: [a b c d e f g h] -> [i j]       old 1: [a _ c _ _ f _ _] -> [_ j]
//!            |                                       |
//!            | hash & 4 == 0 ---> new 1 (X)          +---> new 1 (X): [a c f j]
//!            | hash & 4 != 0 ---> new 5 (Y)
//! ```
//!
//! Entries are taken in chain order and appended to their destination,
//! filling its slots in order and chaining a fresh overflow bucket (through
//! `new_overflow`, which counts it in `noverflow`) when it is full. Each old
//! slot is left with a marker: `evacuatedX`/`evacuatedY` where an entry was,
//! `evacuatedEmpty` where none was, so `evacuated(old bucket)` is one byte
//! test.
//!
//! Unlike the runtime, which hashes and moves entry by entry, the X/Y
//! choice of every entry of the chain is made first, then the entries
//! move: the same choices and the same order, but `Hash` (user code, which
//! may panic) runs before anything has changed, so a panic leaves the
//! table as it was.
//!
//! **Hashes are recomputed, not stored**, as in the runtime: a stored 64-bit
//! hash per slot would add 64 bytes to every bucket (for `u64 -> u64`, 208
//! bytes instead of Go's 144, or 216 instead of this crate's 152: see
//! `layout`; more memory traffic on every operation), while recomputing costs one
//! hash per *moved* entry, and FxHash on an integer is a multiply. Only the
//! new bit `hash & newbit` is needed, and a same-size grow needs no hash at
//! all. (Keys with an expensive `Hash`, like long strings, pay more here;
//! that is the runtime's trade-off too.)

use std::ptr;

use crate::growth::Work;
use crate::layout::{evacuated, Bucket, BUCKET_CNT, EVACUATED_EMPTY, EVACUATED_X};
use crate::raw::GoTable;

/// An evacuation destination (`evacDst`): current bucket and next slot.
struct Dst<K, V> {
    b: Bucket<K, V>,
    i: usize,
}

impl<K, V> Clone for Dst<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for Dst<K, V> {}

/// For each bucket of an old chain, the slots whose entry goes to Y (bit
/// `i` for slot `i`). Chains longer than 8 buckets (only with colliding
/// hashes) spill to the heap. A bucket never set sends everything to X:
/// that is all a same-size grow, which sets none, needs.
struct YMasks {
    inline: [u8; 8],
    spill: Vec<u8>,
}

impl YMasks {
    fn new() -> Self {
        YMasks {
            inline: [0; 8],
            spill: Vec::new(),
        }
    }

    #[inline(always)]
    fn set(&mut self, bucket: usize, mask: u8) {
        match self.inline.get_mut(bucket) {
            Some(m) => *m = mask,
            None => self.spill.push(mask),
        }
    }

    #[inline(always)]
    fn get(&self, bucket: usize) -> u8 {
        match self.inline.get(bucket) {
            Some(&m) => m,
            None => self
                .spill
                .get(bucket - self.inline.len())
                .copied()
                .unwrap_or(0),
        }
    }
}

impl<K, V> GoTable<K, V> {
    /// `evacuate(oldbucket)`: if old bucket `oldbucket` is not evacuated yet,
    /// move its whole chain to X (`oldbucket`) or Y (`oldbucket + newbit`)
    /// by the bit `hash & newbit` (same-size grow: all to X). Then, if it is
    /// the bucket `nevacuate` points at, advance the mark — even if it was
    /// already evacuated, as the runtime does.
    ///
    /// Two passes: first every X/Y choice of the chain is made (the only
    /// step that runs user code, `Hash`; if it panics, nothing has changed
    /// yet), then the entries move, in chain and slot order as in the
    /// runtime, and each old bucket's tophash bytes are replaced by the
    /// markers at once.
    pub(crate) fn evacuate<H: Fn(&K) -> u64>(
        &mut self,
        oldbucket: usize,
        hash: &H,
        work: &mut Work,
    ) {
        self.move_out(oldbucket, hash, work);
        if oldbucket == self.nevacuate {
            self.advance_evacuation_mark(self.noldbuckets(), work);
        }
    }

    /// The moving half of [`evacuate`](GoTable::evacuate): old bucket
    /// `oldbucket`'s chain to its new buckets, unless it is evacuated
    /// already. Leaves the mark alone.
    pub(crate) fn move_out<H: Fn(&K) -> u64>(
        &mut self,
        oldbucket: usize,
        hash: &H,
        work: &mut Work,
    ) {
        let newbit = self.noldbuckets();
        debug_assert!(oldbucket < newbit);
        // SAFETY: `oldbucket < noldbuckets()`, the size of the old array.
        let first = unsafe { self.oldbuckets.at(oldbucket) };
        // SAFETY: `first` is a live old bucket.
        if !unsafe { evacuated(first) } {
            // SAFETY: `first` is the head of a live chain not evacuated.
            work.entries += unsafe { self.move_chain(first, oldbucket, newbit, hash) };
            work.buckets += 1;
        }
    }

    /// Moves every entry of the old chain `first` (old bucket `oldbucket`)
    /// to its new bucket and marks the old slots; returns how many moved.
    ///
    /// # Safety
    /// `first` is old bucket `oldbucket`, not evacuated.
    unsafe fn move_chain<H: Fn(&K) -> u64>(
        &mut self,
        first: Bucket<K, V>,
        oldbucket: usize,
        newbit: usize,
        hash: &H,
    ) -> u64 {
        // Pass 1: X or Y for each entry (a same-size grow sends all to X
        // and hashes nothing).
        let mut ys = YMasks::new();
        if !self.same_size {
            // `hash & newbit`, as a shift: no branch on a coin flip.
            let bit = newbit.trailing_zeros();
            let (mut b, mut n) = (first, 0);
            while !b.is_null() {
                let mut mask = 0u8;
                // SAFETY: `b` is a live bucket of the old chain; full slots
                // of a bucket not evacuated hold initialised keys.
                unsafe {
                    for i in b.group().match_full() {
                        mask |= ((hash(&*b.key(i)) >> bit) as u8 & 1) << i;
                    }
                    ys.set(n, mask);
                    b = b.overflow();
                }
                n += 1;
            }
        }
        // The destinations were never written, nor even initialised: every
        // access to new bucket `j` first evacuates old bucket `j &
        // oldbucketmask`, which is this one (see `new_ready`).
        let size = 1usize << self.b;
        // SAFETY: `oldbucket < 2^b`; the bucket holds no entry.
        let x = unsafe { self.buckets.prepare(oldbucket, size) };
        let y = if self.same_size {
            Bucket::null()
        } else {
            // SAFETY: doubling: `oldbucket + newbit < 2 * newbit = 2^b`;
            // the bucket holds no entry.
            unsafe { self.buckets.prepare(oldbucket + newbit, size) }
        };
        // Pass 2: move.
        let mut xy = [Dst { b: x, i: 0 }, Dst { b: y, i: 0 }];
        let mut moved = 0u64;
        let (mut b, mut n) = (first, 0);
        while !b.is_null() {
            let yb = ys.get(n);
            // The bucket's new tophash bytes, built in a register: every
            // slot `evacuatedEmpty`, then `evacuatedX`/`evacuatedY` where
            // an entry moves out.
            let mut marks = u64::from_le_bytes([EVACUATED_EMPTY; BUCKET_CNT]);
            // SAFETY: `b` is a live bucket of the old chain and `i` a full
            // slot, so it holds an initialised entry, which we move
            // (bitwise) into a slot of a new bucket that is empty (index
            // `dst.i` only grows and a destination starts empty); then the
            // old bucket's tophash bytes become markers, so the moved
            // entries are never read or dropped there again.
            unsafe {
                for i in b.group().match_full() {
                    let use_y = usize::from(yb >> i & 1);
                    let mark = EVACUATED_X + use_y as u8;
                    marks ^= u64::from(EVACUATED_EMPTY ^ mark) << (8 * i);
                    let mut dst = xy[use_y];
                    if dst.i == BUCKET_CNT {
                        dst.b = self.new_overflow(dst.b);
                        dst.i = 0;
                    }
                    dst.b.set_top(dst.i, b.top(i));
                    ptr::copy_nonoverlapping(b.key(i), dst.b.key(dst.i), 1);
                    ptr::copy_nonoverlapping(b.val(i), dst.b.val(dst.i), 1);
                    dst.i += 1;
                    xy[use_y] = dst;
                    moved += 1;
                }
                b.set_group(marks.to_le_bytes());
                b = b.overflow();
            }
            n += 1;
        }
        moved
    }
}
