//! Node storage: a chunked arena whose nodes never move.
//!
//! Java allocates one heap object per entry and a resize only rewrites
//! pointers. We mirror that with an arena of nodes addressed by `u32`
//! indices. Each chunk is allocated once with its final capacity, so a
//! node, once written, stays at the same address until it is removed.
//! Growing the arena allocates a new chunk and never copies an old one, so
//! a resize of the table never copies an entry
//! ([`Stats::entries_moved`](hashgrow::Stats::entries_moved) stays 0).
//!
//! # Layout
//!
//! A node (Java's `HashMap.Node`: `hash`, `key`, `value`, `next`) is one
//! record, its fields side by side as in the Java object. Chunk `k` owns
//! the 4096 indices `k << 12 ..`; the first chunks hold 16, 32, ... of
//! them (a small map stays small) and from the ninth on they hold all 4096:
//!
//! ```text
//!  index i:  [ chunk k = i >> 12 | offset o = i & 4095 ]
//!  chunk k:  [ Node { hash, next, key, value }; 16 << min(k, 8) ]
//! ```
//!
//! A lookup goes from the bin word to the node with a shift, a mask and
//! one load of the chunk's address (the chunk list is small and stays in
//! cache), and finds the node's hash, link and key in one place: a `u64`
//! map's node is 24 bytes. Both choices were measured on the lookup path
//! of a million-entry map (`hashgrow compare --workload lookup`): links
//! kept apart from the entries (8 bytes a node, for resize splits to
//! stream through) and chunks of doubling size (a leading-zero count per
//! node) together made hits about 2.7x hashbrown's; one record per node
//! and the shift and mask brought them to about 1.3x. The red-black links
//! of tree bins are a second array, beside the arena in
//! [`JavaTable::links`](crate::raw::JavaTable), used by tree bins only.
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

/// Node indices stay below this: a table slot ([`Bin`](crate::bin::Bin))
/// keeps 27 bits of index beside its tree bit and filter. The first chunks
/// leave some indices unused, so a map holds a little under 2^27 (134
/// million) entries.
pub(crate) const MAX_NODES: u32 = 1 << 27;

/// log2 of the number of node indices each chunk owns.
const CHUNK_SHIFT: u32 = 12;
/// log2 of the first chunk's capacity.
const FIRST_SHIFT: u32 = 4;

/// The part of a node that list walks and resize splits touch.
#[derive(Clone, Copy)]
pub(crate) struct Link {
    /// The spread hash, `h ^ (h >>> 16)` of the key's 32-bit hash code.
    pub(crate) hash: u32,
    /// The next node of the bin (or of the free list), or [`NIL`].
    pub(crate) next: u32,
}

/// One node: its link, and its entry, initialised only while the node is
/// live.
struct Node<K, V> {
    link: Link,
    key: MaybeUninit<K>,
    value: MaybeUninit<V>,
}

/// One chunk: `nodes` has a fixed capacity and is never reallocated (we
/// only `push` while `len < capacity`).
struct Chunk<K, V> {
    nodes: Vec<Node<K, V>>,
}

pub(crate) struct Arena<K, V> {
    /// Chunk `k` owns node indices `k << 12 ..` and holds
    /// [`chunk_capacity(k)`](chunk_capacity) of them.
    chunks: Vec<Chunk<K, V>>,
    /// The next fresh index: every index below it that its chunk holds was
    /// handed out (live or on the free list).
    next: u32,
    /// Head of the free list, or [`NIL`].
    free: u32,
}

/// Nodes chunk `k` holds: 16, 32, ... doubling up to 4096, then 4096.
/// Small maps keep small chunks; a chunk never holds more than the 4096
/// indices it owns.
fn chunk_capacity(k: usize) -> usize {
    1 << (FIRST_SHIFT as usize + k).min(CHUNK_SHIFT as usize)
}

/// Chunk and offset of node `i`: its index's high and low bits.
///
/// Every chunk owns 4096 indices, so a node is found with a shift and a
/// mask; the first chunks, which hold fewer nodes, leave the rest of
/// their indices unused. This is on every lookup's path, between loading
/// a bin and loading its node. Chunks of doubling size all the way (a
/// leading-zero count per node, or a branch for the small ones) made a
/// million-entry map's hits 20% to 50% slower.
#[inline(always)]
fn locate(i: u32) -> (usize, usize) {
    (
        (i >> CHUNK_SHIFT) as usize,
        (i & ((1 << CHUNK_SHIFT) - 1)) as usize,
    )
}

/// Where chunk `k`'s nodes start when the handed-out nodes are counted
/// without the unused indices of the small chunks.
fn chunk_start(k: usize) -> usize {
    if k <= 8 {
        16 * ((1 << k) - 1)
    } else {
        4080 + (k - 8) * 4096
    }
}

/// Node `i`'s position among the nodes handed out, counted without the
/// small chunks' unused indices: what arrays kept beside the arena (the
/// tree links) are indexed by, so they need no room for those indices.
#[inline]
pub(crate) fn dense(i: u32) -> usize {
    let (k, o) = locate(i);
    chunk_start(k) + o
}

impl<K, V> Arena<K, V> {
    pub(crate) const fn new() -> Self {
        Arena {
            chunks: Vec::new(),
            next: 0,
            free: NIL,
        }
    }

    /// Nodes handed out: an upper bound on every [`dense`] position.
    pub(crate) fn dense_len(&self) -> usize {
        self.chunks
            .last()
            .map_or(0, |c| chunk_start(self.chunks.len() - 1) + c.nodes.len())
    }

    /// Whether node index `i` was handed out (live, or on the free list).
    fn handed_out(&self, i: u32) -> bool {
        let (k, o) = locate(i);
        self.chunks.get(k).is_some_and(|c| o < c.nodes.len())
    }

    /// Stores a new node and returns its index. Its `next` is [`NIL`].
    #[inline]
    pub(crate) fn alloc(&mut self, hash: u32, key: K, value: V) -> u32 {
        let node = Node {
            link: Link { hash, next: NIL },
            key: MaybeUninit::new(key),
            value: MaybeUninit::new(value),
        };
        if self.free != NIL {
            let i = self.free;
            let slot = self.node_mut(i);
            let next_free = slot.link.next;
            *slot = node; // the old contents are uninitialised: nothing to drop
            self.free = next_free;
            return i;
        }
        let i = self.next;
        // Indices must fit a table slot's 27 bits (see `Bin`).
        assert!(i < MAX_NODES, "JavaMap: more than 2^27 - 1 entries");
        let (k, o) = locate(i);
        if k == self.chunks.len() {
            self.chunks.push(Chunk {
                nodes: Vec::with_capacity(chunk_capacity(k)),
            });
        }
        let chunk = &mut self.chunks[k];
        debug_assert!(
            chunk.nodes.len() < chunk.nodes.capacity(),
            "a chunk must never reallocate"
        );
        chunk.nodes.push(node);
        // The chunk full: the next index is the next chunk's first.
        self.next = if o + 1 == chunk_capacity(k) {
            (i | ((1 << CHUNK_SHIFT) - 1)) + 1
        } else {
            i + 1
        };
        i
    }

    /// Takes the key and value out of live node `i` and puts the slot on
    /// the free list.
    pub(crate) fn free(&mut self, i: u32) -> (K, V) {
        let free = self.free;
        let slot = self.node_mut(i);
        slot.link.next = free;
        // SAFETY: `i` is live (module invariant), so key and value are
        // initialised; after this read the slot is on the free list and is
        // never read again before `alloc` overwrites it.
        let kv = unsafe { (slot.key.assume_init_read(), slot.value.assume_init_read()) };
        self.free = i;
        kv
    }

    /// Drops the key and value of live node `i` in place (the slot is not
    /// put on the free list: used by `clear` and `drop`, which then reset
    /// the arena).
    pub(crate) fn drop_in_place(&mut self, i: u32) {
        let slot = self.node_mut(i);
        // SAFETY: `i` is live, so both are initialised; the caller forgets
        // the slot right after (every node of the map is dropped once, then
        // `reset` forgets them all).
        unsafe {
            slot.key.assume_init_drop();
            slot.value.assume_init_drop();
        }
    }

    /// Forgets every node (their contents must have been dropped or moved
    /// out already). Keeps the chunks' memory for reuse.
    pub(crate) fn reset(&mut self) {
        for c in &mut self.chunks {
            c.nodes.clear(); // `Node` has no drop glue for key/value
        }
        self.next = 0;
        self.free = NIL;
    }

    /// Node `i`, which must have been handed out (live, or on the free
    /// list).
    ///
    /// Unchecked, because it is on every lookup's path: the two bounds
    /// checks it replaces made [`JavaTable::find`](crate::raw::JavaTable)
    /// too large to inline into a caller's loop.
    #[inline(always)]
    fn node(&self, i: u32) -> &Node<K, V> {
        debug_assert!(self.handed_out(i), "node {i} was never handed out");
        let (k, o) = locate(i);
        // SAFETY: a handed-out index was pushed at offset `o` of chunk `k`
        // and never taken back (only `reset` empties the chunks, and then
        // no index is handed out), so both are in bounds; chunks never
        // reallocate.
        unsafe { self.chunks.get_unchecked(k).nodes.get_unchecked(o) }
    }

    /// As [`Arena::node`], writable.
    #[inline(always)]
    fn node_mut(&mut self, i: u32) -> &mut Node<K, V> {
        debug_assert!(self.handed_out(i), "node {i} was never handed out");
        let (k, o) = locate(i);
        // SAFETY: as for `node`.
        unsafe { self.chunks.get_unchecked_mut(k).nodes.get_unchecked_mut(o) }
    }

    /// Walks the `next` list from `head` for a live node with this hash
    /// whose key satisfies `eq`; returns it, or [`NIL`].
    ///
    /// One node reference per step, so each node is located once: the
    /// list walk of every lookup.
    #[inline(always)]
    pub(crate) fn find_in_list(&self, head: u32, hash: u32, eq: impl Fn(&K) -> bool) -> u32 {
        let mut e = head;
        while e != NIL {
            let n = self.node(e);
            // SAFETY: `e` is reached from a bin's list: live (module
            // invariant), so its key is initialised.
            if n.link.hash == hash && eq(unsafe { n.key.assume_init_ref() }) {
                return e;
            }
            e = n.link.next;
        }
        NIL
    }

    /// Hash and `next` of node `i`.
    #[inline(always)]
    pub(crate) fn link(&self, i: u32) -> Link {
        self.node(i).link
    }

    /// The spread hash of node `i`.
    #[inline(always)]
    pub(crate) fn hash(&self, i: u32) -> u32 {
        self.link(i).hash
    }

    /// The node after `i` in its bin, or [`NIL`].
    #[inline(always)]
    pub(crate) fn next(&self, i: u32) -> u32 {
        self.link(i).next
    }

    /// Sets the node after `i`.
    #[inline(always)]
    pub(crate) fn set_next(&mut self, i: u32, next: u32) {
        self.node_mut(i).link.next = next;
    }

    /// The key of live node `i`.
    #[inline(always)]
    pub(crate) fn key(&self, i: u32) -> &K {
        // SAFETY: nodes reached by the map are live (module invariant).
        unsafe { self.node(i).key.assume_init_ref() }
    }

    /// Key and value of live node `i`.
    #[inline(always)]
    pub(crate) fn key_value(&self, i: u32) -> (&K, &V) {
        let slot = self.node(i);
        // SAFETY: as for `key`.
        unsafe { (slot.key.assume_init_ref(), slot.value.assume_init_ref()) }
    }

    /// Raw pointers to the key and value of node `i`, made without creating
    /// a reference to its chunk's slot buffer (so `&mut V`s handed out for
    /// other nodes of the same chunk stay valid: `IterMut` relies on it).
    #[inline]
    pub(crate) fn key_value_ptr(&mut self, i: u32) -> (*const K, *mut V) {
        let (k, o) = locate(i);
        let slots = &mut self.chunks[k].nodes;
        assert!(o < slots.len());
        // SAFETY: `o < len`, so the offset stays inside the allocation;
        // `as_mut_ptr` creates no reference to the buffer.
        let p = unsafe { slots.as_mut_ptr().add(o) };
        // SAFETY: `p` points to a slot in bounds; taking field addresses
        // reads nothing.
        unsafe {
            (
                std::ptr::addr_of!((*p).key).cast::<K>(),
                std::ptr::addr_of_mut!((*p).value).cast::<V>(),
            )
        }
    }

    /// Heap bytes held by the arena (allocated chunk capacity).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| c.nodes.capacity() * std::mem::size_of::<Node<K, V>>())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_fill_in_order_and_each_owns_4096_indices() {
        let mut a: Arena<u32, ()> = Arena::new();
        let mut expect = Vec::new();
        for k in 0..12usize {
            for o in 0..chunk_capacity(k) {
                expect.push((k << 12 | o) as u32);
            }
        }
        assert_eq!(chunk_capacity(0), 16);
        assert_eq!(chunk_capacity(8), 4096);
        assert_eq!(chunk_capacity(11), 4096);
        for (n, &want) in expect.iter().enumerate() {
            let i = a.alloc(n as u32, n as u32, ());
            assert_eq!(i, want, "node {n}");
            assert_eq!(locate(i), ((want >> 12) as usize, (want & 4095) as usize));
            assert!(a.handed_out(i));
            assert_eq!(*a.key(i), n as u32);
            assert_eq!(dense(i), n);
            assert_eq!(a.dense_len(), n + 1);
        }
        assert!(
            !a.handed_out(16),
            "the rest of chunk 0's indices stay unused"
        );
        assert_eq!(
            a.heap_bytes(),
            expect.len() * std::mem::size_of::<Node<u32, ()>>()
        );
        a.reset();
        assert_eq!(a.alloc(7, 7, ()), 0);
    }

    #[test]
    fn nodes_never_move_and_slots_are_reused() {
        let mut a: Arena<u64, String> = Arena::new();
        let first = a.alloc(1, 1, "one".into());
        let p = a.key(first) as *const u64;
        for i in 0..1000 {
            a.alloc(i, i as u64, i.to_string());
        }
        assert_eq!(p, a.key(first) as *const _);
        assert_eq!((a.hash(first), a.next(first)), (1, NIL));
        let (k, v) = a.free(5);
        assert_eq!((k, v.as_str()), (4, "4"));
        assert_eq!(a.alloc(9, 9, "nine".into()), 5);
        for i in 0..a.next {
            if a.handed_out(i) {
                a.drop_in_place(i);
            }
        }
        a.reset();
    }
}
