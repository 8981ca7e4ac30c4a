//! Iterators. Order: current buckets `0 .. 2^B`, each chain head to tail,
//! slots in order; then (while growing) the unevacuated old buckets, in
//! index order. Deterministic, unlike Go's randomized order.

use std::iter::FusedIterator;
use std::marker::PhantomData;

use crate::layout::{evacuated, Array, Bucket, BUCKET_CNT, EMPTY_ONE, MIN_TOP_HASH};
use crate::raw::RawTable;

/// Walks the live slots of a table.
pub(crate) struct RawIter<K, V> {
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
    pub(crate) fn new(raw: &RawTable<K, V>) -> Self {
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
            cur: Bucket::null(),
            slot: 0,
            remaining: raw.count,
        }
    }
}

impl<K, V> Iterator for RawIter<K, V> {
    type Item = (Bucket<K, V>, usize);

    fn next(&mut self) -> Option<Self::Item> {
        while self.remaining > 0 {
            if self.cur.is_null() {
                if !self.in_old {
                    if self.idx < self.n {
                        let j = self.idx;
                        self.idx += 1;
                        // While growing, skip new buckets not initialised
                        // yet (`RawTable::new_ready`): they are empty.
                        // SAFETY: masked to the old array's size `oldn`.
                        if self.oldn != 0 && !unsafe { evacuated(self.old.at(j & (self.oldn - 1))) }
                        {
                            continue;
                        }
                        // SAFETY: `j < n`, the array's size.
                        self.cur = unsafe { self.arr.at(j) };
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
                    return Some((self.cur, i));
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

/// Iterator over `(&K, &V)`, from [`GoMap::iter`](crate::GoMap::iter).
pub struct Iter<'a, K, V> {
    raw: RawIter<K, V>,
    marker: PhantomData<&'a (K, V)>,
}

impl<K, V> Iter<'_, K, V> {
    pub(crate) fn new(raw: RawIter<K, V>) -> Self {
        Iter {
            raw,
            marker: PhantomData,
        }
    }
}

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let (b, i) = self.raw.next()?;
        // SAFETY: a live slot; the map is borrowed shared for `'a`.
        Some(unsafe { (&*b.key(i), &*b.val(i)) })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.raw.size_hint()
    }
}
impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}
impl<K, V> FusedIterator for Iter<'_, K, V> {}

impl<K, V> Clone for Iter<'_, K, V> {
    fn clone(&self) -> Self {
        Iter {
            raw: self.raw,
            marker: PhantomData,
        }
    }
}

impl<K, V> Clone for RawIter<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for RawIter<K, V> {}

// SAFETY: the iterators only hand out `&K`/`&V` (`Iter`) or `&K`/`&mut V`
// (`IterMut`) of a map they borrow; they are Send/Sync exactly when those
// references are.
unsafe impl<K: Sync, V: Sync> Send for Iter<'_, K, V> {}
// SAFETY: see above.
unsafe impl<K: Sync, V: Sync> Sync for Iter<'_, K, V> {}

/// Iterator over `(&K, &mut V)`, from [`GoMap::iter_mut`](crate::GoMap::iter_mut).
pub struct IterMut<'a, K, V> {
    raw: RawIter<K, V>,
    marker: PhantomData<(&'a K, &'a mut V)>,
}

impl<K, V> IterMut<'_, K, V> {
    pub(crate) fn new(raw: RawIter<K, V>) -> Self {
        IterMut {
            raw,
            marker: PhantomData,
        }
    }
}

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let (b, i) = self.raw.next()?;
        // SAFETY: a live slot, visited once; the map is borrowed mutably for
        // `'a`, so the `&mut V` is unique.
        Some(unsafe { (&*b.key(i), &mut *b.val(i)) })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.raw.size_hint()
    }
}
impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}
impl<K, V> FusedIterator for IterMut<'_, K, V> {}
// SAFETY: hands out `&K` and `&mut V`.
unsafe impl<K: Sync, V: Send> Send for IterMut<'_, K, V> {}
// SAFETY: hands out `&K` and `&mut V`.
unsafe impl<K: Sync, V: Sync> Sync for IterMut<'_, K, V> {}

/// Iterator over keys, from [`GoMap::keys`](crate::GoMap::keys).
pub struct Keys<'a, K, V> {
    pub(crate) inner: Iter<'a, K, V>,
}
impl<'a, K, V> Iterator for Keys<'a, K, V> {
    type Item = &'a K;
    fn next(&mut self) -> Option<&'a K> {
        self.inner.next().map(|(k, _)| k)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
impl<K, V> ExactSizeIterator for Keys<'_, K, V> {}
impl<K, V> FusedIterator for Keys<'_, K, V> {}

/// Iterator over values, from [`GoMap::values`](crate::GoMap::values).
pub struct Values<'a, K, V> {
    pub(crate) inner: Iter<'a, K, V>,
}
impl<'a, K, V> Iterator for Values<'a, K, V> {
    type Item = &'a V;
    fn next(&mut self) -> Option<&'a V> {
        self.inner.next().map(|(_, v)| v)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
impl<K, V> ExactSizeIterator for Values<'_, K, V> {}
impl<K, V> FusedIterator for Values<'_, K, V> {}

/// Iterator over mutable values, from [`GoMap::values_mut`](crate::GoMap::values_mut).
pub struct ValuesMut<'a, K, V> {
    pub(crate) inner: IterMut<'a, K, V>,
}
impl<'a, K, V> Iterator for ValuesMut<'a, K, V> {
    type Item = &'a mut V;
    fn next(&mut self) -> Option<&'a mut V> {
        self.inner.next().map(|(_, v)| v)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
impl<K, V> ExactSizeIterator for ValuesMut<'_, K, V> {}
impl<K, V> FusedIterator for ValuesMut<'_, K, V> {}

/// Owning iterator over `(K, V)`, from `GoMap::into_iter`. Entries not
/// consumed are dropped with it.
pub struct IntoIter<K, V> {
    // `iter` points into `table`'s memory, which does not move with it.
    iter: RawIter<K, V>,
    table: RawTable<K, V>,
}

impl<K, V> IntoIter<K, V> {
    pub(crate) fn new(table: RawTable<K, V>) -> Self {
        IntoIter {
            iter: RawIter::new(&table),
            table,
        }
    }
}

impl<K, V> Iterator for IntoIter<K, V> {
    type Item = (K, V);
    fn next(&mut self) -> Option<(K, V)> {
        let (b, i) = self.iter.next()?;
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
