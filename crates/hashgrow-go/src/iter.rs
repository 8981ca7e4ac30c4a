//! Iterators. Order: current buckets `0 .. 2^B`, each chain head to tail,
//! slots in order; then (while growing) the unevacuated old buckets, in
//! index order. Deterministic, unlike Go's randomized order.

use std::iter::FusedIterator;

use crate::layout::{evacuated, Array, Bucket, BUCKET_CNT, EMPTY_ONE, MIN_TOP_HASH};
use crate::raw::GoTable;

/// Walks the live slots of a table.
pub(crate) struct RawIter<K, V> {
    /// Head of the chain `cur` walks.
    head: Bucket<K, V>,
    arr: Array<K, V>,
    n: usize,
    old: Array<K, V>,
    oldn: usize,
    /// Next array index to start a chain from.
    idx: usize,
    in_old: bool,
    cur: Bucket<K, V>,
    slot: usize,
    remaining: usize,
}

impl<K, V> RawIter<K, V> {
    pub(crate) fn new(raw: &GoTable<K, V>) -> Self {
        let n = if raw.buckets.is_null() {
            0
        } else {
            1usize << raw.b
        };
        let (old, oldn) = if raw.growing() {
            (raw.oldbuckets, raw.noldbuckets())
        } else {
            (Array::null(), 0)
        };
        RawIter {
            arr: raw.buckets,
            n,
            old,
            oldn,
            idx: 0,
            in_old: false,
            head: Bucket::null(),
            cur: Bucket::null(),
            slot: 0,
            remaining: raw.count,
        }
    }
}

impl<K, V> Iterator for RawIter<K, V> {
    /// `(head of the chain, bucket, slot)`.
    type Item = crate::lookup::Found<K, V>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.remaining > 0 {
            if self.cur.is_null() {
                if !self.in_old {
                    if self.idx < self.n {
                        let j = self.idx;
                        self.idx += 1;
                        // While growing, skip new buckets not initialised
                        // yet (`GoTable::new_ready`): they are empty.
                        // SAFETY: masked to the old array's size `oldn`.
                        if self.oldn != 0 && !unsafe { evacuated(self.old.at(j & (self.oldn - 1))) }
                        {
                            continue;
                        }
                        // SAFETY: `j < n`, the array's size.
                        self.cur = unsafe { self.arr.at(j) };
                        self.head = self.cur;
                    } else {
                        self.in_old = true;
                        self.idx = 0;
                        continue;
                    }
                } else if self.idx < self.oldn {
                    // SAFETY: `idx < oldn`, the old array's size.
                    let b = unsafe { self.old.at(self.idx) };
                    self.idx += 1;
                    // SAFETY: `b` is a live old bucket.
                    if unsafe { evacuated(b) } {
                        continue;
                    }
                    self.cur = b;
                    self.head = b;
                } else {
                    return None;
                }
                self.slot = 0;
            }
            while self.slot < BUCKET_CNT {
                let i = self.slot;
                self.slot += 1;
                // SAFETY: `cur` is a live bucket of the table.
                if unsafe { self.cur.top(i) } >= MIN_TOP_HASH {
                    self.remaining -= 1;
                    return Some((self.head, self.cur, i));
                }
            }
            // SAFETY: `cur` is live.
            self.cur = unsafe { self.cur.overflow() };
            self.slot = 0;
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<K, V> Clone for RawIter<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for RawIter<K, V> {}

/// Owning iterator over `(K, V)`, from `GoMap::into_iter`. Entries not
/// consumed are dropped with it.
pub struct IntoIter<K, V> {
    // `iter` points into `table`'s memory, which does not move with it.
    iter: RawIter<K, V>,
    table: GoTable<K, V>,
}

impl<K, V> IntoIter<K, V> {
    pub(crate) fn new(table: GoTable<K, V>) -> Self {
        IntoIter {
            iter: RawIter::new(&table),
            table,
        }
    }
}

impl<K, V> Iterator for IntoIter<K, V> {
    type Item = (K, V);
    fn next(&mut self) -> Option<(K, V)> {
        let (_, b, i) = self.iter.next()?;
        // SAFETY: a live slot of the owned table; marking it empty right
        // after the reads means the table's Drop will not drop it again.
        unsafe {
            let entry = (b.key(i).read(), b.val(i).read());
            b.set_top(i, EMPTY_ONE);
            self.table.count -= 1;
            Some(entry)
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}
impl<K, V> ExactSizeIterator for IntoIter<K, V> {}
impl<K, V> FusedIterator for IntoIter<K, V> {}

// SAFETY: owns its remaining entries, like the map.
unsafe impl<K: Send, V: Send> Send for IntoIter<K, V> {}
// SAFETY: `&IntoIter` gives access to nothing.
unsafe impl<K: Sync, V: Sync> Sync for IntoIter<K, V> {}
