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
//! **Hashes are recomputed, not stored**, as in the runtime: a stored 64-bit
//! hash per slot would make a `u64 -> u64` bucket 208 bytes instead of 144
//! (more memory traffic on every operation), while recomputing costs one
//! hash per *moved* entry, and FxHash on an integer is a multiply. Only the
//! new bit `hash & newbit` is needed, and a same-size grow needs no hash at
//! all. (Keys with an expensive `Hash`, like long strings, pay more here;
//! that is the runtime's trade-off too.)

use std::ptr;

use crate::growth::Work;
use crate::layout::{
    evacuated, is_empty, Bucket, BUCKET_CNT, EVACUATED_EMPTY, EVACUATED_X, MIN_TOP_HASH,
};
use crate::raw::RawTable;

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

impl<K, V> RawTable<K, V> {
    /// `evacuate(oldbucket)`: if old bucket `oldbucket` is not evacuated yet,
    /// move its whole chain to X (`oldbucket`) or Y (`oldbucket + newbit`)
    /// by the bit `hash & newbit` (same-size grow: all to X). Then, if it is
    /// the bucket `nevacuate` points at, advance the mark — even if it was
    /// already evacuated, as the runtime does.
    pub(crate) fn evacuate<H: Fn(&K) -> u64>(
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
            let same_size = self.same_size;
            // The destinations were never written, nor even initialised:
            // every access to new bucket `j` first evacuates old bucket
            // `j & oldbucketmask`, which is this one (see `new_ready`).
            let n = 1usize << self.b;
            // SAFETY: `oldbucket < 2^b`; the bucket holds no entry.
            let x = unsafe { self.buckets.prepare(oldbucket, n) };
            let y = if same_size {
                Bucket::null()
            } else {
                // SAFETY: doubling: `oldbucket + newbit < 2 * newbit = 2^b`;
                // the bucket holds no entry.
                unsafe { self.buckets.prepare(oldbucket + newbit, n) }
            };
            let mut xy = [Dst { b: x, i: 0 }, Dst { b: y, i: 0 }];
            let mut moved = 0u64;
            let mut b = first;
            while !b.is_null() {
                for i in 0..BUCKET_CNT {
                    // SAFETY: `b` is a live bucket of the old chain and `i`
                    // in range. A slot with tophash >= MIN_TOP_HASH holds an
                    // initialised entry, which we move (bitwise) into a slot
                    // of a new bucket that is empty (index `dst.i` only grows
                    // and a destination starts empty), then mark the old slot
                    // evacuated so it is never read or dropped again.
                    unsafe {
                        let top = b.top(i);
                        if is_empty(top) {
                            b.set_top(i, EVACUATED_EMPTY);
                            continue;
                        }
                        debug_assert!(top >= MIN_TOP_HASH, "bad map state");
                        let k = b.key(i);
                        let use_y = if same_size {
                            0
                        } else {
                            usize::from(hash(&*k) & newbit as u64 != 0)
                        };
                        b.set_top(i, EVACUATED_X + use_y as u8);
                        let mut dst = xy[use_y];
                        if dst.i == BUCKET_CNT {
                            dst.b = self.new_overflow(dst.b);
                            dst.i = 0;
                        }
                        dst.b.set_top(dst.i, top);
                        ptr::copy_nonoverlapping(k, dst.b.key(dst.i), 1);
                        ptr::copy_nonoverlapping(b.val(i), dst.b.val(dst.i), 1);
                        dst.i += 1;
                        xy[use_y] = dst;
                        moved += 1;
                    }
                }
                // SAFETY: `b` is live.
                b = unsafe { b.overflow() };
            }
            work.entries += moved;
            work.buckets += 1;
        }
        if oldbucket == self.nevacuate {
            self.advance_evacuation_mark(newbit, work);
        }
    }
}
