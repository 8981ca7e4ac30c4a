//! The growth rule, in one place: **when** the table grows, and **what**
//! each operation moves.
//!
//! When (checked only by an insert of a *new* key, and only when no grow is
//! in progress — `mapassign`):
//!
//! 1. `over_load_factor(count + 1, B)`: more than 8 entries and more than
//!    6.5 per bucket (`13 * (2^B / 2)`, integer division, so a one-bucket
//!    map doubles at its 9th key) → **double**: `B += 1`.
//! 2. else `too_many_overflow_buckets(noverflow, B)`: as many overflow
//!    buckets as buckets (`noverflow >= 2^min(B, 15)`) → **same-size grow**:
//!    rebuild at the same `B`, which compacts chains emptied by deletes.
//!
//! [`GoTable::hash_grow`] only allocates the new array and keeps the old one
//! (`oldbuckets`); no entry moves then. The insert then starts over
//! (`goto again`): now growing, it runs [`grow_work`](GoTable::grow_work)
//! like every later write.
//!
//! What (every insert — new key or update — and every delete of a non-empty
//! map, while growing — `growWork`):
//!
//! 1. evacuate the old bucket the key maps to (`bucket & oldbucketmask`),
//! 2. then, if still growing, evacuate old bucket `nevacuate`.
//!
//! So an operation evacuates at most two old chains: bounded work per
//! operation. The grow ends when `nevacuate` passes the last old bucket
//! ([`advance_evacuation_mark`](GoTable::advance_evacuation_mark)). Lookups
//! never evacuate.

use hashgrow::Event;

use crate::layout::{Array, Bucket, BUCKET_CNT, LOAD_FACTOR_DEN, LOAD_FACTOR_NUM};
use crate::raw::GoTable;

/// `overLoadFactor(count, B)`: `count` entries in `2^B` buckets exceed the
/// load factor 6.5.
#[inline(always)]
pub(crate) fn over_load_factor(count: usize, b: u8) -> bool {
    count > BUCKET_CNT && count > LOAD_FACTOR_NUM.saturating_mul((1usize << b) / LOAD_FACTOR_DEN)
}

/// The thresholds of both growth rules for `2^b` buckets, computed once per
/// `b` (when the table is made and when a grow changes `b`) instead of at
/// every insert: `over_load_factor(c, b)` is `c > limits(b).0`, and
/// `too_many_overflow_buckets(n, b)` is `n >= limits(b).1`.
#[inline]
pub(crate) fn limits(b: u8) -> (usize, u16) {
    let max_count = BUCKET_CNT.max(LOAD_FACTOR_NUM.saturating_mul((1usize << b) / LOAD_FACTOR_DEN));
    (max_count, 1u16 << b.min(15))
}

/// `tooManyOverflowBuckets(noverflow, B)`: about as many overflow buckets as
/// buckets. `B` is capped at 15 because `noverflow` is a 16-bit estimate.
// The rule as the runtime states it; inserts test the threshold kept by
// `limits` (checked against this in the tests).
#[cfg(test)]
#[inline(always)]
pub(crate) fn too_many_overflow_buckets(noverflow: u16, b: u8) -> bool {
    noverflow >= 1u16 << b.min(15)
}

/// What one `grow_work` did, for the counters and the event hook.
#[derive(Default)]
pub(crate) struct Work {
    pub(crate) entries: u64,
    pub(crate) buckets: u64,
    pub(crate) ended: bool,
}

impl<K, V> GoTable<K, V> {
    /// `incrnoverflow`: exact count while `B < 16`; from `B = 16` on, the
    /// runtime increments with probability `1 / 2^(B-15)` (so that the 16-bit
    /// counter reaching `2^15` means about `2^B` overflow buckets). We use a
    /// deterministic xorshift in place of `fastrand`, so runs are
    /// reproducible (the real runtime's choice there is random).
    #[inline]
    pub(crate) fn incr_noverflow(&mut self) {
        if self.b < 16 {
            self.noverflow = self.noverflow.wrapping_add(1);
            return;
        }
        let mask = (1u32 << (self.b - 15).min(31)) - 1;
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.rng = x;
        if x & mask == 0 {
            self.noverflow = self.noverflow.wrapping_add(1);
        }
    }

    /// `newoverflow`: a fresh overflow bucket linked after `b`. Counted in
    /// `noverflow` whether it serves an insert or an evacuation (the runtime
    /// calls `incrnoverflow` on both paths).
    #[inline]
    pub(crate) fn new_overflow(&mut self, b: Bucket<K, V>) -> Bucket<K, V> {
        let ovf = self.overflow.alloc(self.b);
        self.incr_noverflow();
        self.counters.overflow_allocated += 1;
        // SAFETY: `b` is the live last bucket of a chain of this table.
        unsafe { b.set_overflow(ovf) };
        ovf
    }

    /// Should an insert of a new key start a grow now? (`mapassign`'s test,
    /// made only when the key was not found.)
    #[inline(always)]
    pub(crate) fn needs_grow(&self) -> bool {
        // `over_load_factor(count + 1, b)` or
        // `too_many_overflow_buckets(noverflow, b)`, from the thresholds
        // kept for the current `b`.
        !self.growing() && (self.count >= self.max_count || self.noverflow >= self.max_noverflow)
    }

    /// `hashGrow`: start a grow. Doubles if the next insert would exceed the
    /// load factor, else grows "sideways" at the same size. Allocates the
    /// new array and keeps the old one; resets `nevacuate` and `noverflow`
    /// (the new generation's overflow buckets are counted from zero).
    #[cold]
    #[inline(never)]
    pub(crate) fn hash_grow(&mut self) {
        debug_assert!(!self.growing());
        // Normally already done by the writes since the last grow ended.
        self.free_deferred_all();
        let bigger = over_load_factor(self.count + 1, self.b);
        let old_b = self.b;
        let new_b = old_b + u8::from(bigger);
        // Uninitialised: evacuation initialises each new bucket (see
        // `GoTable::new_ready`), so that this costs O(1), not O(2^B).
        let new = Array::alloc(1usize << new_b);
        self.oldbuckets = self.buckets;
        self.buckets = new;
        self.b = new_b;
        (self.max_count, self.max_noverflow) = limits(new_b);
        self.same_size = !bigger;
        self.nevacuate = 0;
        self.noverflow = 0;
        // Promote the overflow buckets to the old generation.
        self.old_overflow =
            std::mem::replace(&mut self.overflow, crate::layout::OverflowArena::new());
        if bigger {
            self.counters.grows += 1;
        } else {
            self.counters.same_size_grows += 1;
        }
        if self.hook.is_some() {
            self.emit(Event::GrowStart {
                old_capacity: 1u64 << old_b,
                new_capacity: 1u64 << new_b,
                same_size: !bigger,
                len: self.count,
            });
        }
    }

    /// `growWork(bucket)`: evacuate the old bucket that new bucket `bucket`
    /// draws from, then (if still growing) old bucket `nevacuate`. `hash`
    /// recomputes a key's hash (see [`evacuate`](GoTable::evacuate)).
    ///
    /// When the two old buckets differ, the runtime's `evacuate(bucket)`
    /// leaves the mark alone (it only advances from `nevacuate`), so the
    /// grow is still on and `evacuate(nevacuate)` follows: both chains
    /// move, to disjoint new buckets, then the mark advances from
    /// `nevacuate`. We move them in the other order: `nevacuate`'s lines
    /// were prefetched by the previous op, and moving it first gives the
    /// written bucket's old chain, prefetched by this op's
    /// `begin_assign`, time to arrive. The moves, the mark and the counts
    /// are the runtime's.
    #[inline]
    pub(crate) fn grow_work<H: Fn(&K) -> u64>(&mut self, bucket: usize, hash: &H) {
        let mut work = Work::default();
        let written = bucket & self.oldbucketmask();
        let next = self.nevacuate;
        if written != next {
            self.move_out(next, hash, &mut work);
            self.move_out(written, hash, &mut work);
            self.advance_evacuation_mark(self.noldbuckets(), &mut work);
        } else {
            self.evacuate(written, hash, &mut work);
            if self.growing() {
                self.evacuate(self.nevacuate, hash, &mut work);
            }
        }
        if self.growing() {
            // The next op evacuates old bucket `nevacuate` (unless it is
            // already done): start loading it and its destinations (their
            // tophash bytes and first slots, which it will write) now.
            let n = self.nevacuate;
            // SAFETY: `n < noldbuckets()`, and `n` (plus `noldbuckets()`
            // when doubling) is below `2^b`; only addresses are computed.
            unsafe {
                let old = self.oldbuckets.at(n);
                old.prefetch_top();
                old.prefetch_slots(3);
                let x = self.buckets.at(n);
                x.prefetch_top();
                x.prefetch_slots(1);
                if !self.same_size {
                    let y = self.buckets.at(n + self.noldbuckets());
                    y.prefetch_top();
                    y.prefetch_slots(1);
                }
            }
        }
        self.counters.entries_moved += work.entries;
        if self.hook.is_some() {
            self.report(work);
        }
    }

    #[cold]
    #[inline(never)]
    fn report(&mut self, work: Work) {
        if work.buckets > 0 {
            self.emit(Event::Evacuated {
                entries: work.entries,
                buckets: work.buckets,
            });
        }
        if work.ended {
            self.emit(Event::GrowEnd {
                capacity: 1u64 << self.b,
                len: self.count,
            });
        }
    }

    /// `advanceEvacuationMark`: called when old bucket `nevacuate` has just
    /// been evacuated. Moves `nevacuate` past it and past the following old
    /// buckets already evacuated (looking at most 1024 ahead, to keep the
    /// work per operation bounded); when it reaches `newbit` (the number of
    /// old buckets), the grow is over and the old generation is freed.
    pub(crate) fn advance_evacuation_mark(&mut self, newbit: usize, work: &mut Work) {
        self.nevacuate += 1;
        let stop = (self.nevacuate + 1024).min(newbit);
        // SAFETY: `nevacuate < stop <= newbit`, the size of the old array.
        while self.nevacuate != stop
            && unsafe { crate::layout::evacuated(self.oldbuckets.at(self.nevacuate)) }
        {
            self.nevacuate += 1;
        }
        if self.nevacuate == newbit {
            // Every old entry has moved out: retire the old generation
            // (freed piece by piece by the following writes).
            self.retire_old();
            self.same_size = false;
            work.ended = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_factor_thresholds_match_go() {
        // B = 0: one bucket, doubles at the 9th key.
        assert!(!over_load_factor(8, 0));
        assert!(over_load_factor(9, 0));
        // B = 1: 13 * (2 / 2) = 13.
        assert!(!over_load_factor(13, 1));
        assert!(over_load_factor(14, 1));
        // B = 4: 13 * 8 = 104.
        assert!(!over_load_factor(104, 4));
        assert!(over_load_factor(105, 4));
    }

    #[test]
    fn kept_limits_decide_as_the_rules() {
        for b in 0..=62u8 {
            let (max_count, max_noverflow) = limits(b);
            let base = LOAD_FACTOR_NUM.saturating_mul((1usize << b) / LOAD_FACTOR_DEN);
            for c in [
                0,
                1,
                8,
                9,
                base.saturating_sub(1),
                base,
                base.saturating_add(1),
            ] {
                assert_eq!(c > max_count, over_load_factor(c, b), "b {b} count {c}");
            }
            for n in [0u16, 1, 2, 1 << 14, (1 << 15) - 1, 1 << 15, u16::MAX] {
                assert_eq!(
                    n >= max_noverflow,
                    too_many_overflow_buckets(n, b),
                    "b {b} noverflow {n}"
                );
            }
        }
    }

    #[test]
    fn overflow_threshold_caps_b_at_15() {
        assert!(too_many_overflow_buckets(1, 0));
        assert!(!too_many_overflow_buckets(3, 2));
        assert!(too_many_overflow_buckets(4, 2));
        assert!(too_many_overflow_buckets(1 << 15, 20));
        assert!(!too_many_overflow_buckets((1 << 15) - 1, 20));
    }

    #[test]
    fn hint_picks_b_like_makemap() {
        use crate::raw::b_for_hint;
        assert_eq!(b_for_hint(0), 0);
        assert_eq!(b_for_hint(8), 0);
        assert_eq!(b_for_hint(9), 1);
        assert_eq!(b_for_hint(13), 1);
        assert_eq!(b_for_hint(14), 2);
        assert_eq!(b_for_hint(1000), 8);
    }
}
