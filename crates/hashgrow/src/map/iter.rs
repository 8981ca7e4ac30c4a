//! The map's iterators, each a thin typed view of the strategy's raw
//! iterator (which yields slots in the strategy's own order).

use std::fmt;
use std::iter::FusedIterator;
use std::marker::PhantomData;

use crate::raw::RawTable;

/// Iterator over `(&K, &V)`; see [`Map::iter`](super::Map::iter).
pub struct Iter<'a, K, V, R: RawTable<K, V>> {
    raw: &'a R,
    slots: R::RawIter,
    left: usize,
    marker: PhantomData<(&'a K, &'a V)>,
}

impl<'a, K, V, R: RawTable<K, V>> Iter<'a, K, V, R> {
    pub(super) fn new(raw: &'a R) -> Self {
        Iter {
            raw,
            // SAFETY: `&'a R` keeps the table alive and unchanged while the
            // iterator lives.
            slots: unsafe { raw.raw_iter() },
            left: raw.len(),
            marker: PhantomData,
        }
    }
}

impl<'a, K, V, R: RawTable<K, V>> Iterator for Iter<'a, K, V, R> {
    type Item = (&'a K, &'a V);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let slot = self.slots.next()?;
        self.left -= 1;
        // SAFETY: the raw iterator yields live slots; the table is borrowed
        // for 'a.
        Some(unsafe { self.raw.entry(slot) })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<K, V, R: RawTable<K, V>> ExactSizeIterator for Iter<'_, K, V, R> {}

// SAFETY: an `Iter` is a shared borrow of the table handing out `&K` and
// `&V`; its raw iterator only reads the table. So it may cross threads
// exactly when `&R`, `&K` and `&V` may.
unsafe impl<K: Sync, V: Sync, R: RawTable<K, V> + Sync> Send for Iter<'_, K, V, R> {}
// SAFETY: as above.
unsafe impl<K: Sync, V: Sync, R: RawTable<K, V> + Sync> Sync for Iter<'_, K, V, R> {}
impl<K, V, R: RawTable<K, V>> FusedIterator for Iter<'_, K, V, R> {}

impl<K, V, R: RawTable<K, V>> Clone for Iter<'_, K, V, R> {
    fn clone(&self) -> Self {
        Iter {
            raw: self.raw,
            slots: self.slots.clone(),
            left: self.left,
            marker: PhantomData,
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug, R: RawTable<K, V>> fmt::Debug for Iter<'_, K, V, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// Iterator over `(&K, &mut V)`; see [`Map::iter_mut`](super::Map::iter_mut).
pub struct IterMut<'a, K, V, R: RawTable<K, V>> {
    // A pointer, not `&'a mut R`: each item is a `&'a mut V` into the
    // table, and `entry_mut` is called again for the next one.
    raw: *mut R,
    slots: R::RawIter,
    left: usize,
    marker: PhantomData<(&'a K, &'a mut V, &'a mut R)>,
}

impl<'a, K, V, R: RawTable<K, V>> IterMut<'a, K, V, R> {
    pub(super) fn new(raw: &'a mut R) -> Self {
        // SAFETY: the unique borrow keeps the table alive, and changed only
        // through this iterator's `entry_mut` calls, for 'a.
        let slots = unsafe { raw.raw_iter() };
        IterMut {
            left: raw.len(),
            raw,
            slots,
            marker: PhantomData,
        }
    }
}

impl<'a, K, V, R: RawTable<K, V>> Iterator for IterMut<'a, K, V, R> {
    type Item = (&'a K, &'a mut V);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let slot = self.slots.next()?;
        self.left -= 1;
        // SAFETY: `raw` comes from a `&'a mut R`; each slot is yielded once,
        // so the `&mut V` are disjoint, and `entry_mut` creates no reference
        // to other entries (the `RawTable` contract).
        Some(unsafe { (*self.raw).entry_mut(slot) })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<K, V, R: RawTable<K, V>> ExactSizeIterator for IterMut<'_, K, V, R> {}
impl<K, V, R: RawTable<K, V>> FusedIterator for IterMut<'_, K, V, R> {}

// SAFETY: an `IterMut` is a `&mut` borrow of the table handing out `&K` and
// `&mut V`: `Send` and `Sync` exactly when `&mut R` and those are.
unsafe impl<K: Sync, V: Send, R: RawTable<K, V> + Send> Send for IterMut<'_, K, V, R> {}
// SAFETY: as above; shared access to an `IterMut` gives nothing out.
unsafe impl<K: Sync, V: Sync, R: RawTable<K, V> + Sync> Sync for IterMut<'_, K, V, R> {}

impl<K, V, R: RawTable<K, V>> fmt::Debug for IterMut<'_, K, V, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IterMut")
            .field("remaining", &self.left)
            .finish()
    }
}

/// Owning iterator over `(K, V)`; see the map's `IntoIterator`.
pub struct IntoIter<K, V, R: RawTable<K, V>> {
    pub(super) inner: R::IntoIter,
}

impl<K, V, R: RawTable<K, V>> Iterator for IntoIter<K, V, R> {
    type Item = (K, V);
    #[inline]
    fn next(&mut self) -> Option<(K, V)> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<K, V, R: RawTable<K, V>> FusedIterator for IntoIter<K, V, R> where R::IntoIter: FusedIterator {}
impl<K, V, R: RawTable<K, V>> ExactSizeIterator for IntoIter<K, V, R> where
    R::IntoIter: ExactSizeIterator
{
}

impl<K, V, R: RawTable<K, V>> fmt::Debug for IntoIter<K, V, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoIter")
            .field("remaining", &self.inner.size_hint().0)
            .finish()
    }
}

/// The removed entries of [`Map::drain`](super::Map::drain).
pub struct Drain<'a, K, V, R: RawTable<K, V>> {
    pub(super) inner: R::IntoIter,
    pub(super) marker: PhantomData<&'a mut R>,
}

impl<K, V, R: RawTable<K, V>> Iterator for Drain<'_, K, V, R> {
    type Item = (K, V);
    #[inline]
    fn next(&mut self) -> Option<(K, V)> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<K, V, R: RawTable<K, V>> FusedIterator for Drain<'_, K, V, R> where R::IntoIter: FusedIterator {}
impl<K, V, R: RawTable<K, V>> ExactSizeIterator for Drain<'_, K, V, R> where
    R::IntoIter: ExactSizeIterator
{
}

impl<K, V, R: RawTable<K, V>> fmt::Debug for Drain<'_, K, V, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Drain")
            .field("remaining", &self.inner.size_hint().0)
            .finish()
    }
}

/// The entries [`Map::extract_if`](super::Map::extract_if) removes.
pub struct ExtractIf<'a, K, V, R: RawTable<K, V>, F> {
    pub(super) raw: &'a mut R,
    pub(super) slots: R::RawIter,
    pub(super) pred: F,
    pub(super) marker: PhantomData<(K, V)>,
}

impl<K, V, R: RawTable<K, V>, F: FnMut(&K, &mut V) -> bool> Iterator for ExtractIf<'_, K, V, R, F> {
    type Item = (K, V);
    fn next(&mut self) -> Option<(K, V)> {
        for slot in self.slots.by_ref() {
            // SAFETY: yielded slots are live until removed; the map is
            // borrowed mutably for the iterator's life.
            let (k, v) = unsafe { self.raw.entry_mut(slot) };
            if (self.pred)(k, v) {
                // SAFETY: live, removed once.
                return Some(unsafe { self.raw.remove_slot(slot) });
            }
        }
        None
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.raw.len()))
    }
}

impl<K, V, R: RawTable<K, V>, F: FnMut(&K, &mut V) -> bool> FusedIterator
    for ExtractIf<'_, K, V, R, F>
{
}

impl<K, V, R: RawTable<K, V>, F> fmt::Debug for ExtractIf<'_, K, V, R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExtractIf").finish_non_exhaustive()
    }
}

/// Iterator over `&K`; see [`Map::keys`](super::Map::keys).
pub struct Keys<'a, K, V, R: RawTable<K, V>> {
    pub(super) inner: Iter<'a, K, V, R>,
}

/// Iterator over `&V`; see [`Map::values`](super::Map::values).
pub struct Values<'a, K, V, R: RawTable<K, V>> {
    pub(super) inner: Iter<'a, K, V, R>,
}

/// Iterator over `&mut V`; see [`Map::values_mut`](super::Map::values_mut).
pub struct ValuesMut<'a, K, V, R: RawTable<K, V>> {
    pub(super) inner: IterMut<'a, K, V, R>,
}

/// Owning iterator over the keys; see [`Map::into_keys`](super::Map::into_keys).
pub struct IntoKeys<K, V, R: RawTable<K, V>> {
    pub(super) inner: IntoIter<K, V, R>,
}

/// Owning iterator over the values; see
/// [`Map::into_values`](super::Map::into_values).
pub struct IntoValues<K, V, R: RawTable<K, V>> {
    pub(super) inner: IntoIter<K, V, R>,
}

/// One projection iterator: `$name` yields `$item` by mapping its inner
/// iterator's items with `$proj`.
macro_rules! projection {
    ($name:ident, [$($lt:lifetime)?], $item:ty, $proj:expr) => {
        impl<$($lt,)? K, V, R: RawTable<K, V>> Iterator for $name<$($lt,)? K, V, R> {
            type Item = $item;
            #[inline]
            fn next(&mut self) -> Option<$item> {
                self.inner.next().map($proj)
            }
            fn size_hint(&self) -> (usize, Option<usize>) {
                self.inner.size_hint()
            }
        }
        impl<$($lt,)? K, V, R: RawTable<K, V>> FusedIterator for $name<$($lt,)? K, V, R> where
            Self: Iterator
        {
        }
        impl<$($lt,)? K, V, R: RawTable<K, V>> fmt::Debug for $name<$($lt,)? K, V, R> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    };
}

projection!(Keys, ['a], &'a K, |(k, _)| k);
projection!(Values, ['a], &'a V, |(_, v)| v);
projection!(ValuesMut, ['a], &'a mut V, |(_, v)| v);
projection!(IntoKeys, [], K, |(k, _)| k);
projection!(IntoValues, [], V, |(_, v)| v);

impl<K, V, R: RawTable<K, V>> ExactSizeIterator for Keys<'_, K, V, R> {}
impl<K, V, R: RawTable<K, V>> ExactSizeIterator for Values<'_, K, V, R> {}
impl<K, V, R: RawTable<K, V>> ExactSizeIterator for ValuesMut<'_, K, V, R> {}

impl<K, V, R: RawTable<K, V>> Clone for Keys<'_, K, V, R> {
    fn clone(&self) -> Self {
        Keys {
            inner: self.inner.clone(),
        }
    }
}

impl<K, V, R: RawTable<K, V>> Clone for Values<'_, K, V, R> {
    fn clone(&self) -> Self {
        Values {
            inner: self.inner.clone(),
        }
    }
}
