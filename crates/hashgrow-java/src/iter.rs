//! The owning iterator, in Java's order: bin 0 to bin `capacity - 1`,
//! each bin in its `next` order. (The borrowing iterators are the shared
//! facade's, over `JavaTable`'s node order.)

use std::iter::FusedIterator;

use crate::raw::JavaTable;

/// Owning iterator over `(K, V)`, from `JavaMap::into_iter`. Entries not
/// consumed are dropped with it.
pub struct IntoIter<K, V> {
    /// The nodes still to yield, in Java's order.
    nodes: std::vec::IntoIter<u32>,
    /// The arena owning them; its table is detached (empty), so dropping it
    /// drops nothing the iterator still owns.
    raw: JavaTable<K, V>,
}

impl<K, V> IntoIter<K, V> {
    pub(crate) fn new(mut raw: JavaTable<K, V>) -> Self {
        let nodes = raw.nodes_in_order_pub().into_iter();
        raw.detach_table();
        IntoIter { nodes, raw }
    }
}

impl<K, V> Iterator for IntoIter<K, V> {
    type Item = (K, V);
    fn next(&mut self) -> Option<(K, V)> {
        let x = self.nodes.next()?;
        Some(self.raw.arena.free(x))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.nodes.size_hint()
    }
}

impl<K, V> ExactSizeIterator for IntoIter<K, V> {}
impl<K, V> FusedIterator for IntoIter<K, V> {}

impl<K, V> Drop for IntoIter<K, V> {
    fn drop(&mut self) {
        for x in self.nodes.by_ref() {
            self.raw.arena.drop_in_place(x);
        }
    }
}
