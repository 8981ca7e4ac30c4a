//! Iterators, in Java's order: bin 0 to bin `capacity - 1`, each bin in its
//! `next` order.

use std::iter::FusedIterator;
use std::marker::PhantomData;

use crate::arena::{Arena, NIL};

use crate::raw::{RawTable, TREE_BIT};

/// Iterator over `(&K, &V)`; see [`JavaMap::iter`](crate::JavaMap::iter).
pub struct Iter<'a, K, V> {
    table: &'a [u32],
    arena: &'a Arena<K, V>,
    bin: usize,
    node: u32,
    left: usize,
}

impl<'a, K, V> Iter<'a, K, V> {
    pub(crate) fn new(raw: &'a RawTable<K, V>) -> Self {
        Iter {
            table: &raw.table,
            arena: &raw.arena,
            bin: 0,
            node: NIL,
            left: raw.size,
        }
    }
}

/// The next node after `node` (or from bin `*bin` on), Java's order.
#[inline]
fn advance(table: &[u32], mut next_of: impl FnMut(u32) -> u32, bin: &mut usize, node: u32) -> u32 {
    if node != NIL {
        let next = next_of(node);
        if next != NIL {
            return next;
        }
    }
    while *bin < table.len() {
        let slot = table[*bin];
        *bin += 1;
        if slot != NIL {
            return slot & !TREE_BIT;
        }
    }
    NIL
}

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        let arena = self.arena;
        self.node = advance(self.table, |i| arena.next(i), &mut self.bin, self.node);
        self.left -= 1;
        Some(self.arena.key_value(self.node))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}
impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}
impl<K, V> FusedIterator for Iter<'_, K, V> {}
impl<K, V> Clone for Iter<'_, K, V> {
    fn clone(&self) -> Self {
        Iter { ..*self }
    }
}

/// Iterator over `(&K, &mut V)`; see
/// [`JavaMap::iter_mut`](crate::JavaMap::iter_mut).
pub struct IterMut<'a, K, V> {
    raw: *mut RawTable<K, V>,
    bin: usize,
    node: u32,
    left: usize,
    _marker: PhantomData<&'a mut RawTable<K, V>>,
}

// SAFETY: an `IterMut` is a `&mut RawTable` handing out `(&K, &mut V)`.
unsafe impl<K: Sync, V: Send> Send for IterMut<'_, K, V> {}
// SAFETY: as above; shared access to the iterator gives nothing.
unsafe impl<K: Sync, V: Sync> Sync for IterMut<'_, K, V> {}

impl<'a, K, V> IterMut<'a, K, V> {
    pub(crate) fn new(raw: &'a mut RawTable<K, V>) -> Self {
        IterMut {
            left: raw.size,
            raw,
            bin: 0,
            node: NIL,
            _marker: PhantomData,
        }
    }
}

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        // SAFETY: `raw` comes from a `&'a mut RawTable` that this iterator
        // holds exclusively for `'a`. The table and the `next` links are
        // only read; each live node is visited exactly once, so the
        // `&mut V`s handed out are disjoint. `next` lives in the arena's
        // link arrays, apart from the values; keys and values are reached
        // with `key_value_ptr`, never through a reference to a whole chunk
        // or slot, which would alias the values handed out before.
        unsafe {
            let raw = &mut *self.raw;
            let arena = &raw.arena;
            self.node = advance(&raw.table, |i| arena.next(i), &mut self.bin, self.node);
            self.left -= 1;
            let (k, v) = raw.arena.key_value_ptr(self.node);
            Some((&*k, &mut *v))
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}
impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}
impl<K, V> FusedIterator for IterMut<'_, K, V> {}

/// Iterator over the keys; see [`JavaMap::keys`](crate::JavaMap::keys).
pub struct Keys<'a, K, V> {
    pub(crate) inner: Iter<'a, K, V>,
}
impl<'a, K, V> Iterator for Keys<'a, K, V> {
    type Item = &'a K;
    #[inline]
    fn next(&mut self) -> Option<&'a K> {
        self.inner.next().map(|(k, _)| k)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
impl<K, V> ExactSizeIterator for Keys<'_, K, V> {}
impl<K, V> FusedIterator for Keys<'_, K, V> {}

/// Iterator over the values; see [`JavaMap::values`](crate::JavaMap::values).
pub struct Values<'a, K, V> {
    pub(crate) inner: Iter<'a, K, V>,
}
impl<'a, K, V> Iterator for Values<'a, K, V> {
    type Item = &'a V;
    #[inline]
    fn next(&mut self) -> Option<&'a V> {
        self.inner.next().map(|(_, v)| v)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
impl<K, V> ExactSizeIterator for Values<'_, K, V> {}
impl<K, V> FusedIterator for Values<'_, K, V> {}

/// Iterator over the values, mutably; see
/// [`JavaMap::values_mut`](crate::JavaMap::values_mut).
pub struct ValuesMut<'a, K, V> {
    pub(crate) inner: IterMut<'a, K, V>,
}
impl<'a, K, V> Iterator for ValuesMut<'a, K, V> {
    type Item = &'a mut V;
    #[inline]
    fn next(&mut self) -> Option<&'a mut V> {
        self.inner.next().map(|(_, v)| v)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
impl<K, V> ExactSizeIterator for ValuesMut<'_, K, V> {}
impl<K, V> FusedIterator for ValuesMut<'_, K, V> {}
