//! Node storage: a chunked arena whose nodes never move.
//!
//! Java allocates one heap object per entry and a resize only rewrites
//! pointers. We mirror that with an arena of nodes addressed by `u32`
//! indices: chunk `k` holds `16 << k` nodes and is allocated once with its
//! final capacity, so a node, once written, stays at the same address until
//! it is removed. Growing the arena allocates a new chunk and never copies
//! an old one, so a resize of the table never copies an entry
//! ([`Stats::entries_moved`](hashgrow::Stats::entries_moved) stays 0).
//!
//! Removed nodes go on a free list threaded through their `next` field and
//! are reused by later inserts.
//!
//! # Liveness invariant
//!
//! A node index is *live* when it is reachable from the table (it is in some
//! bin's `next` list). Only live nodes hold an initialised key and value;
//! the `key`/`value` accessors below may only be called with live indices.
//! Every index the map's code passes them comes from a bin walk, a tree
//! link of a tree bin (which only links nodes of that bin) or a fresh
//! [`Arena::alloc`], which upholds this.

use std::mem::MaybeUninit;

/// "No node": the null pointer of the `next` lists and tree links.
pub(crate) const NIL: u32 = u32::MAX;

/// log2 of the first chunk's size.
const FIRST_SHIFT: u32 = 4;

/// One entry: Java's `HashMap.Node` (`hash`, `key`, `value`, `next`).
/// The red-black links of tree bins live beside it, in
/// [`RawTable::links`](crate::raw::RawTable), so plain list nodes stay small.
pub(crate) struct Node<K, V> {
    /// The spread hash, `h ^ (h >>> 16)` of the key's 32-bit hash code.
    pub(crate) hash: u32,
    /// The next node of the bin (or of the free list), or [`NIL`].
    pub(crate) next: u32,
    key: MaybeUninit<K>,
    value: MaybeUninit<V>,
}

pub(crate) struct Arena<K, V> {
    /// Chunk `k` has capacity `16 << k` and is never reallocated: we only
    /// `push` while `len < capacity`.
    chunks: Vec<Vec<Node<K, V>>>,
    /// Slots handed out so far (live or on the free list).
    slots: u32,
    /// Head of the free list, or [`NIL`].
    free: u32,
}

/// Chunk and offset of node `i`.
#[inline(always)]
fn locate(i: u32) -> (usize, usize) {
    let j = i + (1 << FIRST_SHIFT);
    let k = 31 - j.leading_zeros() - FIRST_SHIFT;
    (k as usize, (j ^ (1 << (k + FIRST_SHIFT))) as usize)
}

impl<K, V> Arena<K, V> {
    pub(crate) const fn new() -> Self {
        Arena {
            chunks: Vec::new(),
            slots: 0,
            free: NIL,
        }
    }

    /// Number of slots ever handed out (an upper bound on every index).
    #[inline]
    pub(crate) fn slots(&self) -> u32 {
        self.slots
    }

    /// Stores a new node and returns its index. Its `next` is [`NIL`].
    #[inline]
    pub(crate) fn alloc(&mut self, hash: u32, key: K, value: V) -> u32 {
        let node = Node {
            hash,
            next: NIL,
            key: MaybeUninit::new(key),
            value: MaybeUninit::new(value),
        };
        if self.free != NIL {
            let i = self.free;
            let slot = self.node_mut(i);
            let next_free = slot.next;
            *slot = node;
            self.free = next_free; // the old contents are uninitialised: nothing to drop
            return i;
        }
        let i = self.slots;
        assert!(
            i < NIL >> 1,
            "JavaMap: too many entries for u32 node indices"
        );
        let (k, _) = locate(i);
        if k == self.chunks.len() {
            self.chunks
                .push(Vec::with_capacity(1 << (k as u32 + FIRST_SHIFT)));
        }
        let chunk = &mut self.chunks[k];
        debug_assert!(
            chunk.len() < chunk.capacity(),
            "a chunk must never reallocate"
        );
        chunk.push(node);
        self.slots = i + 1;
        i
    }

    /// Takes the key and value out of live node `i` and puts the slot on
    /// the free list.
    pub(crate) fn free(&mut self, i: u32) -> (K, V) {
        let free = self.free;
        let node = self.node_mut(i);
        node.next = free;
        // SAFETY: `i` is live (module invariant), so key and value are
        // initialised; after this read the slot is on the free list and is
        // never read again before `alloc` overwrites it.
        let kv = unsafe { (node.key.assume_init_read(), node.value.assume_init_read()) };
        self.free = i;
        kv
    }

    /// Drops the key and value of live node `i` in place (the slot is not
    /// put on the free list: used by `clear` and `drop`, which then reset
    /// the arena).
    pub(crate) fn drop_in_place(&mut self, i: u32) {
        let node = self.node_mut(i);
        // SAFETY: `i` is live, so both are initialised; the caller forgets
        // the slot right after (every node of the map is dropped once, then
        // `reset` forgets them all).
        unsafe {
            node.key.assume_init_drop();
            node.value.assume_init_drop();
        }
    }

    /// Forgets every node (their contents must have been dropped or moved
    /// out already). Keeps the chunks' memory for reuse.
    pub(crate) fn reset(&mut self) {
        for c in &mut self.chunks {
            c.clear(); // `Node` has no drop glue for key/value
        }
        self.slots = 0;
        self.free = NIL;
    }

    #[inline(always)]
    pub(crate) fn node(&self, i: u32) -> &Node<K, V> {
        let (k, o) = locate(i);
        &self.chunks[k][o]
    }

    #[inline(always)]
    pub(crate) fn node_mut(&mut self, i: u32) -> &mut Node<K, V> {
        let (k, o) = locate(i);
        &mut self.chunks[k][o]
    }

    /// Raw pointer to node `i`, made without creating a reference to its
    /// chunk's buffer (so `&mut V`s handed out for other nodes of the same
    /// chunk stay valid: `IterMut` relies on it).
    #[inline]
    pub(crate) fn node_ptr(&mut self, i: u32) -> *mut Node<K, V> {
        let (k, o) = locate(i);
        let chunk = &mut self.chunks[k];
        assert!(o < chunk.len());
        // SAFETY: `o < len`, so the offset stays inside the allocation.
        unsafe { chunk.as_mut_ptr().add(o) }
    }

    /// Hints the CPU to start loading node `i` into the cache (a no-op on
    /// other targets and under Miri). Any `i` is allowed: a prefetch never
    /// faults and changes nothing observable.
    #[inline(always)]
    pub(crate) fn prefetch(&self, i: u32) {
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        {
            let (k, o) = locate(i);
            if let Some(c) = self.chunks.get(k) {
                let p = c.as_ptr().wrapping_add(o).cast::<i8>();
                // SAFETY: `_mm_prefetch` only hints the cache; it does not
                // dereference `p` in the abstract machine and never faults
                // (and SSE is part of the x86_64 baseline).
                #[allow(unused_unsafe)]
                unsafe {
                    std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p)
                };
            }
        }
        #[cfg(not(all(target_arch = "x86_64", not(miri))))]
        let _ = i;
    }

    /// Heap bytes held by the arena (allocated chunk capacity).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| c.capacity() * std::mem::size_of::<Node<K, V>>())
            .sum()
    }
}

impl<K, V> Node<K, V> {
    /// The key of a live node.
    #[inline(always)]
    pub(crate) fn key(&self) -> &K {
        // SAFETY: nodes reached by the map are live (module invariant).
        unsafe { self.key.assume_init_ref() }
    }
    /// The value of a live node.
    #[inline(always)]
    pub(crate) fn value(&self) -> &V {
        // SAFETY: as for `key`.
        unsafe { self.value.assume_init_ref() }
    }
    /// The value of a live node, mutably.
    #[inline(always)]
    pub(crate) fn value_mut(&mut self) -> &mut V {
        // SAFETY: as for `key`.
        unsafe { self.value.assume_init_mut() }
    }
    /// Key and value of a live node, the value mutably.
    #[inline(always)]
    pub(crate) fn key_value_mut(&mut self) -> (&K, &mut V) {
        // SAFETY: as for `key`.
        unsafe { (self.key.assume_init_ref(), self.value.assume_init_mut()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_walks_chunks_in_order() {
        let mut expect = Vec::new();
        for k in 0..6usize {
            for o in 0..(16usize << k) {
                expect.push((k, o));
            }
        }
        for (i, e) in expect.iter().enumerate() {
            assert_eq!(locate(i as u32), *e, "index {i}");
        }
        assert_eq!(locate((NIL >> 1) - 1).0, 27);
    }

    #[test]
    fn nodes_never_move_and_slots_are_reused() {
        let mut a: Arena<u64, String> = Arena::new();
        let first = a.alloc(1, 1, "one".into());
        let p = a.node(first) as *const Node<u64, String>;
        for i in 0..1000 {
            a.alloc(i, i as u64, i.to_string());
        }
        assert_eq!(p, a.node(first) as *const _);
        let (k, v) = a.free(5);
        assert_eq!((k, v.as_str()), (4, "4"));
        assert_eq!(a.alloc(9, 9, "nine".into()), 5);
        for i in 0..a.slots() {
            a.drop_in_place(i);
        }
        a.reset();
    }
}
