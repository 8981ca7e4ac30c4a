//! Node storage: a chunked arena whose nodes never move, laid out as
//! structure of arrays.
//!
//! Java allocates one heap object per entry and a resize only rewrites
//! pointers. We mirror that with an arena of nodes addressed by `u32`
//! indices: chunk `k` holds `16 << k` nodes and is allocated once with its
//! final capacity, so a node, once written, stays at the same address until
//! it is removed. Growing the arena allocates a new chunk and never copies
//! an old one, so a resize of the table never copies an entry
//! ([`Stats::entries_moved`](hashgrow::Stats::entries_moved) stays 0).
//!
//! # Layout
//!
//! A node (Java's `HashMap.Node`: `hash`, `key`, `value`, `next`) is split
//! over two parallel arrays of its chunk, indexed alike:
//!
//! ```text
//!  chunk k   links: [Link { hash, next }; 16 << k]   8 bytes a node
//!            slots: [Slot { key, value }; 16 << k]   the entries
//! ```
//!
//! A resize split and the walk to a bin's tail only read `hash` and write
//! `next`, so they stream through 8 bytes a node (eight nodes a cache line)
//! and never touch keys or values; a key is read only when the hashes are
//! equal. The red-black links of tree bins are a third array, beside the
//! arena in [`JavaTable::links`](crate::raw::JavaTable), used by tree bins
//! only.
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

/// The part of a node that list walks and resize splits touch.
#[derive(Clone, Copy)]
pub(crate) struct Link {
    /// The spread hash, `h ^ (h >>> 16)` of the key's 32-bit hash code.
    pub(crate) hash: u32,
    /// The next node of the bin (or of the free list), or [`NIL`].
    pub(crate) next: u32,
}

/// The entry of a node; initialised only while the node is live.
struct Slot<K, V> {
    key: MaybeUninit<K>,
    value: MaybeUninit<V>,
}

/// One chunk: `links` and `slots` have the same length and the same fixed
/// capacity, and are never reallocated (we only `push` while
/// `len < capacity`).
struct Chunk<K, V> {
    links: Vec<Link>,
    slots: Vec<Slot<K, V>>,
}

pub(crate) struct Arena<K, V> {
    /// Chunk `k` has capacity `16 << k`.
    chunks: Vec<Chunk<K, V>>,
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
        let link = Link { hash, next: NIL };
        let slot = Slot {
            key: MaybeUninit::new(key),
            value: MaybeUninit::new(value),
        };
        if self.free != NIL {
            let i = self.free;
            let (k, o) = locate(i);
            let chunk = &mut self.chunks[k];
            self.free = chunk.links[o].next;
            chunk.links[o] = link;
            chunk.slots[o] = slot; // the old contents are uninitialised: nothing to drop
            return i;
        }
        let i = self.slots;
        assert!(
            i < NIL >> 1,
            "JavaMap: too many entries for u32 node indices"
        );
        let (k, _) = locate(i);
        if k == self.chunks.len() {
            let cap = 1 << (k as u32 + FIRST_SHIFT);
            self.chunks.push(Chunk {
                links: Vec::with_capacity(cap),
                slots: Vec::with_capacity(cap),
            });
        }
        let chunk = &mut self.chunks[k];
        debug_assert!(
            chunk.links.len() < chunk.links.capacity()
                && chunk.slots.len() < chunk.slots.capacity(),
            "a chunk must never reallocate"
        );
        chunk.links.push(link);
        chunk.slots.push(slot);
        self.slots = i + 1;
        i
    }

    /// Takes the key and value out of live node `i` and puts the slot on
    /// the free list.
    pub(crate) fn free(&mut self, i: u32) -> (K, V) {
        let (k, o) = locate(i);
        let chunk = &mut self.chunks[k];
        chunk.links[o].next = self.free;
        let slot = &chunk.slots[o];
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
        let (k, o) = locate(i);
        let slot = &mut self.chunks[k].slots[o];
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
            c.links.clear();
            c.slots.clear(); // `Slot` has no drop glue for key/value
        }
        self.slots = 0;
        self.free = NIL;
    }

    /// Hash and `next` of node `i`.
    #[inline(always)]
    pub(crate) fn link(&self, i: u32) -> Link {
        let (k, o) = locate(i);
        self.chunks[k].links[o]
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
        let (k, o) = locate(i);
        self.chunks[k].links[o].next = next;
    }

    /// The key of live node `i`.
    #[inline(always)]
    pub(crate) fn key(&self, i: u32) -> &K {
        let (k, o) = locate(i);
        // SAFETY: nodes reached by the map are live (module invariant).
        unsafe { self.chunks[k].slots[o].key.assume_init_ref() }
    }

    /// Key and value of live node `i`.
    #[inline(always)]
    pub(crate) fn key_value(&self, i: u32) -> (&K, &V) {
        let (k, o) = locate(i);
        let slot = &self.chunks[k].slots[o];
        // SAFETY: as for `key`.
        unsafe { (slot.key.assume_init_ref(), slot.value.assume_init_ref()) }
    }

    /// Raw pointers to the key and value of node `i`, made without creating
    /// a reference to its chunk's slot buffer (so `&mut V`s handed out for
    /// other nodes of the same chunk stay valid: `IterMut` relies on it).
    #[inline]
    pub(crate) fn key_value_ptr(&mut self, i: u32) -> (*const K, *mut V) {
        let (k, o) = locate(i);
        let slots = &mut self.chunks[k].slots;
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
            .map(|c| {
                c.links.capacity() * std::mem::size_of::<Link>()
                    + c.slots.capacity() * std::mem::size_of::<Slot<K, V>>()
            })
            .sum()
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
        let p = a.key(first) as *const u64;
        for i in 0..1000 {
            a.alloc(i, i as u64, i.to_string());
        }
        assert_eq!(p, a.key(first) as *const _);
        assert_eq!((a.hash(first), a.next(first)), (1, NIL));
        let (k, v) = a.free(5);
        assert_eq!((k, v.as_str()), (4, "4"));
        assert_eq!(a.alloc(9, 9, "nine".into()), 5);
        for i in 0..a.slots() {
            a.drop_in_place(i);
        }
        a.reset();
    }
}
