//! The table slot ([`Bin`]: kind, first node, filter), and list bins:
//! lookup, append, unlink, and the lo/hi split of a resize.
//!
//! A list bin is a singly linked list through [`Link::next`], head in the
//! table slot. New nodes go to the **tail** (Java 8+ appends; Java 7
//! prepended), so a bin lists its keys in insertion order, and so does
//! iteration within a bin.
//!
//! [`Link::next`]: crate::arena::Link

use std::borrow::Borrow;

use crate::arena::NIL;
use crate::raw::{JavaTable, Put, TREEIFY_THRESHOLD, TREE_BIT};

/// One table slot, 4 bytes as Java's `table[i]` reference: which bin it is
/// (empty, a list, a tree), where its first node is, and a filter of the
/// hashes in it.
///
/// ```text
///   bit 31     bits 30..4              bits 3..0
///   TREE_BIT   node index (27 bits)    filter: bit `hash >> 30` of each node
/// ```
///
/// The filter is ours, not Java's: it changes no decision, only what a
/// lookup reads. A miss in a bin whose filter lacks the key's bit ends at
/// the slot, without loading a node; an empty bin's filter is 0, so that
/// one test covers both. At the load of a freshly doubled table (0.375 to
/// 0.75) most non-empty bins hold one node, and 3 times in 4 its bit is
/// not the missing key's. A hit reads what it read before: the slot, then
/// the node (see `docs/java.md`, "what a lookup reads"). The price is the
/// index width: 27 bits, so a map holds at most [`MAX_NODES`] entries.
///
/// The filter may hold stale bits (a removed node's bit stays until the
/// bin empties or the next resize splits it), never lack one. Tree bins
/// have every bit set: a tree's lookups always go in.
///
/// [`MAX_NODES`]: crate::arena::MAX_NODES
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub(crate) struct Bin(u32);

/// Bits of the filter, at the bottom of a [`Bin`].
const FILTER_BITS: u32 = 4;
const FILTER_MASK: u32 = (1 << FILTER_BITS) - 1;

/// The filter bit of a (spread) hash: one of 4, from the hash's top 2
/// bits, which pick no bin below `2^30` bins (Java's largest table), so
/// two nodes of one bin still get independent bits.
#[inline(always)]
pub(crate) fn filter_bit(hash: u32) -> u32 {
    1 << (hash >> 30)
}

impl Bin {
    /// An empty bin (`table[i] == null`): filter 0 (and every other bit
    /// set, so it is neither a list nor a tree by accident).
    pub(crate) const EMPTY: Bin = Bin(!FILTER_MASK);

    /// A list bin from its head and the filter of its nodes' hashes (not
    /// 0: a list has a node).
    #[inline(always)]
    pub(crate) fn list(head: u32, filter: u32) -> Bin {
        debug_assert!(head < crate::arena::MAX_NODES && filter != 0 && filter <= FILTER_MASK);
        Bin((head << FILTER_BITS) | filter)
    }

    /// A tree bin whose root (and first node) is `root`.
    #[inline(always)]
    pub(crate) fn tree(root: u32) -> Bin {
        debug_assert!(root < crate::arena::MAX_NODES);
        Bin(TREE_BIT | (root << FILTER_BITS) | FILTER_MASK)
    }

    /// The slot as Java sees it: [`NIL`], a list head, or `root | TREE_BIT`.
    #[inline(always)]
    pub(crate) fn head(self) -> u32 {
        if self.is_empty() {
            NIL
        } else {
            (self.0 & TREE_BIT) | ((self.0 & !TREE_BIT) >> FILTER_BITS)
        }
    }

    #[inline(always)]
    pub(crate) fn is_empty(self) -> bool {
        self.filter() == 0
    }

    /// A list bin (not empty, not a tree)?
    #[inline(always)]
    pub(crate) fn is_list(self) -> bool {
        self.0 & TREE_BIT == 0
    }

    /// The first node of a non-empty bin (a list's head, a tree's root).
    #[inline(always)]
    pub(crate) fn first(self) -> u32 {
        debug_assert!(!self.is_empty());
        (self.0 & !TREE_BIT) >> FILTER_BITS
    }

    /// The filter of the bin's hashes.
    #[inline(always)]
    pub(crate) fn filter(self) -> u32 {
        self.0 & FILTER_MASK
    }

    /// `false` if no node of this bin can have `hash` (always `false` for
    /// an empty bin).
    #[inline(always)]
    pub(crate) fn may_hold(self, hash: u32) -> bool {
        self.0 & filter_bit(hash) != 0
    }

    /// The same list bin with `hash`'s bit added (a node was linked in).
    #[inline(always)]
    pub(crate) fn with_hash(self, hash: u32) -> Bin {
        debug_assert!(self.is_list());
        Bin(self.0 | filter_bit(hash))
    }

    /// The same list bin with a new head, after an unlink: its filter
    /// kept, or the empty bin if the list is now empty.
    #[inline(always)]
    pub(crate) fn with_head(self, head: u32) -> Bin {
        if head == NIL {
            Bin::EMPTY
        } else {
            Bin::list(head, self.filter())
        }
    }
}

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
                let bin = (hash & self.mask()) as usize;
                self.table[bin] = self.table[bin].with_hash(hash);
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
            self.table[bin] = self.table[bin].with_head(next);
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
            self.table[i] = Bin::list(head, filter_bit(first.hash));
            self.counters.nodes_relinked += 1;
            self.counters.slots_written += 1;
            return;
        }
        for (half, bin) in self.partition(head, bit).into_iter().zip([j, j + old_cap]) {
            if half.head != NIL {
                self.table[bin] = Bin::list(half.head, half.filter);
                self.counters.slots_written += 1;
            }
        }
    }

    /// The split both resizes share: unlinks the list from `head` into the
    /// nodes with `hash & bit == 0` ("lo") and the others ("hi"), each in
    /// its old relative order and ended with NIL, counting every node as
    /// relinked. Returns the lo half, then the hi half (head NIL for an
    /// empty half).
    #[inline(always)]
    pub(crate) fn partition(&mut self, head: u32, bit: u32) -> [Half; 2] {
        let (mut lo_head, mut lo_tail, mut hi_head, mut hi_tail) = (NIL, NIL, NIL, NIL);
        let (mut lc, mut hc) = (0usize, 0usize);
        let (mut lf, mut hf) = (0u32, 0u32);
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
                lf |= filter_bit(n.hash);
            } else {
                if hi_tail == NIL {
                    hi_head = e;
                } else {
                    self.arena.set_next(hi_tail, e);
                }
                hi_tail = e;
                hc += 1;
                hf |= filter_bit(n.hash);
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
        [
            Half {
                head: lo_head,
                count: lc,
                filter: lf,
            },
            Half {
                head: hi_head,
                count: hc,
                filter: hf,
            },
        ]
    }

    /// The filter of the list from `head`: the bits of its nodes' hashes.
    pub(crate) fn list_filter(&self, head: u32) -> u32 {
        let mut f = 0;
        let mut e = head;
        while e != NIL {
            let n = self.arena.link(e);
            f |= filter_bit(n.hash);
            e = n.next;
        }
        f
    }
}

/// One half of a split bin: its first node (NIL if empty), how many nodes
/// and the filter of their hashes.
#[derive(Clone, Copy)]
pub(crate) struct Half {
    pub(crate) head: u32,
    pub(crate) count: usize,
    pub(crate) filter: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arena::MAX_NODES;

    #[test]
    fn a_slot_keeps_kind_first_node_and_filter() {
        assert!(Bin::EMPTY.is_empty());
        assert_eq!(Bin::EMPTY.head(), NIL);
        for h in [0, 1 << 30, 2 << 30, 3 << 30, u32::MAX] {
            assert!(!Bin::EMPTY.may_hold(h), "an empty bin holds nothing");
        }
        let last = MAX_NODES - 1;
        for i in [0, 1, 4095, 4096, last] {
            let l = Bin::list(i, filter_bit(0));
            assert!(l.is_list() && !l.is_empty());
            assert_eq!((l.head(), l.first()), (i, i));
            assert!(l.may_hold(5) && !l.may_hold(1 << 30));
            let l = l.with_hash(3 << 30);
            assert!(l.may_hold(u32::MAX) && !l.may_hold(2 << 30));
            assert_eq!(l.with_head(7).filter(), l.filter());
            assert_eq!(l.with_head(NIL), Bin::EMPTY);
            let t = Bin::tree(i);
            assert!(!t.is_list() && !t.is_empty());
            assert_eq!((t.head(), t.first()), (i | TREE_BIT, i));
            assert!((0..4).all(|b| t.may_hold(b << 30)));
        }
    }
}
