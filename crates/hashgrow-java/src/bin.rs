//! List bins: lookup, append, unlink, and the lo/hi split of a resize.
//!
//! A list bin is a singly linked list through [`Link::next`], head in the
//! table slot. New nodes go to the **tail** (Java 8+ appends; Java 7
//! prepended), so a bin lists its keys in insertion order, and so does
//! iteration within a bin.
//!
//! [`Link::next`]: crate::arena::Link

use std::borrow::Borrow;

use crate::arena::NIL;
use crate::raw::{JavaTable, Put, TREEIFY_THRESHOLD};

impl<K, V> JavaTable<K, V> {
    /// Walks the list from `head` for a node with this hash and key.
    #[inline]
    pub(crate) fn list_find<Q>(&self, head: u32, hash: u32, key: &Q) -> u32
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.arena.find_in_list(head, hash, |k| k.borrow() == key)
    }

    /// `putVal` on a non-empty list bin: returns the node holding `key`, or
    /// appends a new node at the tail. When the bin had
    /// `TREEIFY_THRESHOLD` (8) nodes or more before the append (Java:
    /// `binCount >= TREEIFY_THRESHOLD - 1`, `binCount` counting the nodes
    /// before the tail), calls [`JavaTable::treeify_bin`] — which treeifies,
    /// or resizes a table smaller than 64 bins.
    #[inline]
    pub(crate) fn list_put(&mut self, head: u32, hash: u32, key: K, value: V) -> Put<K, V>
    where
        K: Ord,
    {
        let mut p = head;
        let mut bin_count = 0usize;
        loop {
            let n = self.arena.link(p);
            if n.hash == hash && *self.arena.key(p) == key {
                return Put::Present(p, key, value);
            }
            let next = n.next;
            if next == NIL {
                let x = self.arena.alloc(hash, key, value);
                self.arena.set_next(p, x);
                if bin_count >= TREEIFY_THRESHOLD - 1 {
                    self.treeify_bin(hash);
                }
                return Put::Inserted(x);
            }
            p = next;
            bin_count += 1;
        }
    }

    /// Unlinks the node holding `key` from the list bin `bin` (head
    /// `head`) and returns its index (still live: the caller frees it).
    pub(crate) fn list_remove<Q>(
        &mut self,
        bin: usize,
        head: u32,
        hash: u32,
        key: &Q,
    ) -> Option<u32>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let mut prev = NIL;
        let mut e = head;
        while e != NIL {
            let n = self.arena.link(e);
            let next = n.next;
            if n.hash == hash && self.arena.key(e).borrow() == key {
                self.list_unlink(bin, prev, e);
                return Some(e);
            }
            prev = e;
            e = next;
        }
        None
    }

    /// Unlinks `e` from list bin `bin`; `prev` is its predecessor, or NIL for the head.
    #[inline]
    pub(crate) fn list_unlink(&mut self, bin: usize, prev: u32, e: u32) {
        let next = self.arena.next(e);
        if prev == NIL {
            self.table[bin] = next;
        } else {
            self.arena.set_next(prev, next);
        }
    }

    /// Resize of a list bin: old bin `j` of a table of `old_cap` bins goes
    /// to new bins `j` (nodes with `hash & old_cap == 0`, the "lo" half)
    /// and `j + old_cap` ("hi"), each half keeping the nodes' relative
    /// order. A single node is stored directly at `hash & (newCap - 1)`.
    ///
    /// ```text
    ///   old table (4 bins)          new table (8 bins)
    ///   [1]: a(001) b(101) c(001)   [1]: a c        (hash & 4 == 0)
    ///                               [5]: b          (hash & 4 != 0)
    /// ```
    #[inline]
    pub(crate) fn split_list(&mut self, j: usize, head: u32, old_cap: usize) {
        let bit = old_cap as u32;
        let first = self.arena.link(head);
        if first.next == NIL {
            let i = (first.hash & (2 * bit - 1)) as usize;
            self.table[i] = head;
            self.counters.nodes_relinked += 1;
            self.counters.slots_written += 1;
            return;
        }
        for ((half, _), bin) in self.partition(head, bit).into_iter().zip([j, j + old_cap]) {
            if half != NIL {
                self.table[bin] = half;
                self.counters.slots_written += 1;
            }
        }
    }

    /// The split both resizes share: unlinks the list from `head` into the
    /// nodes with `hash & bit == 0` ("lo") and the others ("hi"), each in
    /// its old relative order and ended with NIL, counting every node as
    /// relinked. Returns `[(lo head, lo count), (hi head, hi count)]`
    /// (head NIL for an empty half).
    #[inline(always)]
    pub(crate) fn partition(&mut self, head: u32, bit: u32) -> [(u32, usize); 2] {
        let (mut lo_head, mut lo_tail, mut hi_head, mut hi_tail) = (NIL, NIL, NIL, NIL);
        let (mut lc, mut hc) = (0usize, 0usize);
        let mut e = head;
        while e != NIL {
            let n = self.arena.link(e);
            if n.hash & bit == 0 {
                if lo_tail == NIL {
                    lo_head = e;
                } else {
                    self.arena.set_next(lo_tail, e);
                }
                lo_tail = e;
                lc += 1;
            } else {
                if hi_tail == NIL {
                    hi_head = e;
                } else {
                    self.arena.set_next(hi_tail, e);
                }
                hi_tail = e;
                hc += 1;
            }
            e = n.next;
        }
        if lo_tail != NIL {
            self.arena.set_next(lo_tail, NIL);
        }
        if hi_tail != NIL {
            self.arena.set_next(hi_tail, NIL);
        }
        self.counters.nodes_relinked += (lc + hc) as u64;
        [(lo_head, lc), (hi_head, hc)]
    }
}
