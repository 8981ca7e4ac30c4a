//! Node storage: a chunked arena of `dictEntry`s that never move.
//!
//! `dict.c` `zmalloc`s one `dictEntry` (key, value, `next`) per entry, and a
//! rehash only rewrites `next` pointers and bucket heads. We mirror that with
//! nodes addressed by `u32` indices in chunks that are allocated once with
//! their final size (chunk `k` holds `16 << k` nodes) and never reallocated:
//! a node stays at the same address from insert to removal, so a rehash
//! relinks nodes and never copies an entry.
//!
//! A node also keeps its key's 64-bit hash. `dict.c` stores no hash and
//! calls the type's hash function again for every entry it rehashes
//! (`dictRehash`: `dictHashKey(d, de->key)`); the hash is a pure function of
//! the key, so storing it changes no decision, costs 8 bytes a node, saves a
//! SipHash of every moved key (the dominant cost of a Redis rehash step) and
//! means a rehash never runs user code (a panicking `Hash` cannot interrupt
//! a chain half moved). Lookups compare it before the key, as a filter.
//!
//! # Aliasing
//!
//! Nodes are only ever reached through raw pointers derived from the chunk
//! allocation, and references are made to a single field (`&K`, `&V`,
//! `&mut V`), never to a whole node or chunk. So the facade's raw iterators,
//! which hold pointers and no borrow, stay valid while other nodes' values
//! are written or other nodes are unlinked.
//!
//! # Liveness invariant
//!
//! A node index is *live* while it is linked in a bucket chain of the dict.
//! Only live nodes hold an initialised key and value; the accessors below
//! that read them may only be called with live indices. Free nodes are
//! threaded through `next` on a free list and reused by later inserts.

use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit};
use std::num::NonZeroU32;
use std::ptr::{addr_of, addr_of_mut};

/// "No node": the `NULL` of bucket heads and `next` links.
pub(crate) const NIL: u32 = u32::MAX;

/// The most nodes the arena hands out (indices stay far from [`NIL`]).
pub(crate) const MAX_NODES: usize = 1 << 31;

/// log2 of the first chunk's size.
const FIRST_SHIFT: u32 = 4;

/// One `dictEntry`, plus the stored hash.
pub(crate) struct Node<K, V> {
    /// The key's hash (see the module docs for why it is kept).
    hash: u64,
    /// The next node of the bucket chain (or of the free list), or [`NIL`].
    next: u32,
    key: MaybeUninit<K>,
    value: MaybeUninit<V>,
}

pub(crate) struct Arena<K, V> {
    /// Chunk `k` has room for `16 << k` nodes, from index
    /// [`chunk_start(k)`](chunk_start) on; allocated, never moved. Each is
    /// kept as its *origin*: the chunk's address minus `chunk_start(k)`
    /// nodes (computed with wrapping arithmetic, never dereferenced), so
    /// node `i` of chunk `k` is at `origin + i` with no offset to work out
    /// (see [`Arena::node`]).
    /// (`*const`, not `*mut`, so the arena stays covariant in `K` and `V`.)
    chunks: Vec<*const Node<K, V>>,
    /// Nodes handed out so far (live or on the free list).
    slots: u32,
    /// Head of the free list, or [`NIL`].
    free: u32,
    _owns: PhantomData<Node<K, V>>,
}

// SAFETY: the arena owns its nodes' keys and values like a `Vec<(K, V)>`
// would; the raw pointers are never shared outside it except through
// `ChunkPtrs`, whose users are bound by the table's borrows.
unsafe impl<K: Send, V: Send> Send for Arena<K, V> {}
// SAFETY: `&Arena` only gives out `&K` and `&V`.
unsafe impl<K: Sync, V: Sync> Sync for Arena<K, V> {}

/// The chunk of node `i` (`i < MAX_NODES`).
#[inline(always)]
fn chunk_of(i: u32) -> usize {
    debug_assert!((i as usize) < MAX_NODES);
    // SAFETY: `i < 2^31`, so `i + 16` neither overflows nor is zero, and
    // `ilog2` is a single `bsr`, with no zero case.
    let j = unsafe { NonZeroU32::new_unchecked(i + (1 << FIRST_SHIFT)) };
    (j.ilog2() - FIRST_SHIFT) as usize
}

/// Capacity of chunk `k`.
#[inline]
fn chunk_cap(k: usize) -> usize {
    1 << (k as u32 + FIRST_SHIFT)
}

/// Index of the first node of chunk `k`.
#[inline]
fn chunk_start(k: usize) -> usize {
    chunk_cap(k) - chunk_cap(0)
}

/// Node `i`'s address from its chunk's origin.
///
/// # Safety
/// `origins` points to the arena's chunk origins, node `i`'s chunk
/// exists and `i` is below the arena's `slots`.
#[inline(always)]
unsafe fn node_ptr<K, V>(origins: *const *const Node<K, V>, i: u32) -> *mut Node<K, V> {
    // SAFETY: chunk `chunk_of(i)` exists (caller); `origin + i` is inside
    // that chunk, the allocation the origin was derived from (wrapping
    // arithmetic, so the out-of-bounds origin itself is never an offset
    // pointer).
    unsafe {
        (*origins.add(chunk_of(i)))
            .wrapping_add(i as usize)
            .cast_mut()
    }
}

/// What an iterator needs to follow `next` links without borrowing the
/// arena: a pointer to the chunk table. Valid while no chunk is added (no
/// insert) and the arena lives.
pub(crate) struct ChunkPtrs<K, V>(*const *const Node<K, V>);

impl<K, V> Clone for ChunkPtrs<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for ChunkPtrs<K, V> {}

impl<K, V> ChunkPtrs<K, V> {
    /// The `next` of node `i`.
    ///
    /// # Safety
    /// The arena these pointers came from is alive, has added no chunk
    /// since, and `i` is below its `slots()`.
    #[inline]
    pub(crate) unsafe fn next(self, i: u32) -> u32 {
        // SAFETY: the caller guarantees node `i` was handed out by a live
        // arena whose chunk table this is; reading `next` creates no
        // reference.
        unsafe { addr_of!((*node_ptr(self.0, i)).next).read() }
    }
}

impl<K, V> Arena<K, V> {
    pub(crate) const fn new() -> Self {
        Arena {
            chunks: Vec::new(),
            slots: 0,
            free: NIL,
            _owns: PhantomData,
        }
    }

    /// Pointer to node `i`, which must have been handed out.
    #[inline(always)]
    fn node(&self, i: u32) -> *mut Node<K, V> {
        debug_assert!(i < self.slots, "node {i} was never allocated");
        // SAFETY: `i < slots`, so its chunk exists.
        unsafe { node_ptr(self.chunks.as_ptr(), i) }
    }

    /// Stores a new node and returns its index; its `next` is `next`.
    #[inline]
    pub(crate) fn alloc(&mut self, hash: u64, next: u32, key: K, value: V) -> u32 {
        let node = Node {
            hash,
            next,
            key: MaybeUninit::new(key),
            value: MaybeUninit::new(value),
        };
        let i = if self.free != NIL {
            let i = self.free;
            // SAFETY: free-list nodes were handed out; reading `next` only.
            self.free = unsafe { addr_of!((*self.node(i)).next).read() };
            i
        } else {
            let i = self.slots;
            assert!(
                (i as usize) < MAX_NODES,
                "RedisTable: more than 2^31 entries"
            );
            let k = chunk_of(i);
            if k == self.chunks.len() {
                let mut chunk = ManuallyDrop::new(Vec::<Node<K, V>>::with_capacity(chunk_cap(k)));
                // Freed in `drop`, from the origin back to the address.
                self.chunks
                    .push(chunk.as_mut_ptr().cast_const().wrapping_sub(chunk_start(k)));
            }
            self.slots = i + 1;
            i
        };
        // SAFETY: node `i` is in bounds and holds no live entry (fresh or
        // on the free list), so writing over it drops nothing.
        unsafe { self.node(i).write(node) };
        i
    }

    /// Takes the key and value out of live node `i` and puts it on the
    /// free list.
    pub(crate) fn free(&mut self, i: u32) -> (K, V) {
        let p = self.node(i);
        // SAFETY: `i` is live (module invariant): key and value are
        // initialised; after this read the node is on the free list and is
        // not read as an entry again before `alloc` overwrites it.
        unsafe {
            let kv = (
                addr_of!((*p).key).read().assume_init(),
                addr_of!((*p).value).read().assume_init(),
            );
            addr_of_mut!((*p).next).write(self.free);
            self.free = i;
            kv
        }
    }

    /// Drops the key and value of live node `i` in place, without putting
    /// it on the free list (for `clear` and `drop`, which then forget every
    /// node).
    pub(crate) fn drop_entry(&mut self, i: u32) {
        let p = self.node(i);
        // SAFETY: `i` is live; the caller never reads it as an entry again.
        unsafe {
            addr_of_mut!((*p).key).cast::<K>().drop_in_place();
            addr_of_mut!((*p).value).cast::<V>().drop_in_place();
        }
    }

    /// Forgets every node (their entries must have been dropped or moved
    /// out); keeps the chunks for reuse.
    pub(crate) fn reset(&mut self) {
        self.slots = 0;
        self.free = NIL;
    }

    /// The stored hash of node `i`.
    #[inline(always)]
    pub(crate) fn hash(&self, i: u32) -> u64 {
        // SAFETY: `i` was handed out; `hash` is plain data.
        unsafe { addr_of!((*self.node(i)).hash).read() }
    }

    /// The node after `i` in its chain, or [`NIL`].
    #[inline(always)]
    pub(crate) fn next(&self, i: u32) -> u32 {
        // SAFETY: as for `hash`.
        unsafe { addr_of!((*self.node(i)).next).read() }
    }

    /// Sets the node after `i`.
    #[inline(always)]
    pub(crate) fn set_next(&mut self, i: u32, next: u32) {
        // SAFETY: as for `hash`; writing `next` creates no reference.
        unsafe { addr_of_mut!((*self.node(i)).next).write(next) }
    }

    /// The key of live node `i`.
    #[inline(always)]
    pub(crate) fn key(&self, i: u32) -> &K {
        // SAFETY: `i` is live (module invariant).
        unsafe { (*addr_of!((*self.node(i)).key)).assume_init_ref() }
    }

    /// Key and value of live node `i`.
    #[inline(always)]
    pub(crate) fn key_value(&self, i: u32) -> (&K, &V) {
        let p = self.node(i);
        // SAFETY: `i` is live.
        unsafe {
            (
                (*addr_of!((*p).key)).assume_init_ref(),
                (*addr_of!((*p).value)).assume_init_ref(),
            )
        }
    }

    /// Key and value of live node `i`, the value writable. Creates
    /// references to these two fields only.
    #[inline(always)]
    pub(crate) fn key_value_mut(&mut self, i: u32) -> (&K, &mut V) {
        let p = self.node(i);
        // SAFETY: `i` is live; `&mut self` makes the value reference
        // unique for its lifetime (the facade's disjoint-slot rule keeps
        // two of them on different nodes).
        unsafe {
            (
                (*addr_of!((*p).key)).assume_init_ref(),
                (*addr_of_mut!((*p).value)).assume_init_mut(),
            )
        }
    }

    /// Pointers for an iterator (see [`ChunkPtrs`]).
    pub(crate) fn chunk_ptrs(&self) -> ChunkPtrs<K, V> {
        ChunkPtrs(self.chunks.as_ptr())
    }

    /// Heap bytes of the chunks.
    pub(crate) fn heap_bytes(&self) -> usize {
        (0..self.chunks.len())
            .map(|k| chunk_cap(k) * std::mem::size_of::<Node<K, V>>())
            .sum()
    }
}

impl<K, V> Drop for Arena<K, V> {
    /// Frees the chunks. The entries must have been dropped already (the
    /// table's `drop` does it): a node's contents are not the arena's to
    /// know.
    fn drop(&mut self) {
        for (k, origin) in self.chunks.iter().enumerate() {
            let p = origin.wrapping_add(chunk_start(k)).cast_mut();
            // SAFETY: `p` is the address of chunk `k`, which came from a
            // `Vec` with this capacity; length 0 drops no element.
            drop(unsafe { Vec::from_raw_parts(p, 0, chunk_cap(k)) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_filled_in_order() {
        let mut i = 0u32;
        for k in 0..6usize {
            assert_eq!(chunk_start(k), i as usize);
            for _ in 0..chunk_cap(k) {
                assert_eq!(chunk_of(i), k, "index {i}");
                i += 1;
            }
        }
        assert_eq!(chunk_of(MAX_NODES as u32 - 1), 27);
    }

    #[test]
    fn nodes_never_move_and_freed_nodes_are_reused() {
        let mut a: Arena<u64, String> = Arena::new();
        let first = a.alloc(1, NIL, 1, "one".into());
        let p = a.key(first) as *const u64;
        for i in 0..100u64 {
            a.alloc(i, NIL, i, i.to_string());
        }
        assert_eq!(p, a.key(first) as *const u64, "a node moved");
        assert_eq!((a.hash(first), a.next(first)), (1, NIL));
        let (k, v) = a.free(5);
        assert_eq!((k, v.as_str()), (4, "4"));
        assert_eq!(a.alloc(9, 7, 9, "nine".into()), 5);
        assert_eq!(a.next(5), 7);
        a.key_value_mut(5).1.push('!');
        assert_eq!(a.key_value(5), (&9, &"nine!".to_string()));
        // SAFETY: nodes 0..=100 are allocated and no chunk is added below.
        assert_eq!(unsafe { a.chunk_ptrs().next(5) }, 7);
        for i in 0..a.slots {
            a.drop_entry(i);
        }
        a.reset();
        assert!(a.heap_bytes() > 0, "chunks are kept for reuse");
    }
}
