//! Node storage: a chunked arena of `dictEntry`s that never move, linked by
//! pointers.
//!
//! `dict.c` `zmalloc`s one `dictEntry` (key, value, `next`) per entry, and a
//! rehash only rewrites `next` pointers and bucket heads. We mirror that with
//! nodes in chunks that are allocated once with their final size (chunk `k`
//! holds `16 << k` nodes, up to 65536 a chunk) and never reallocated: a
//! node stays at the same address from insert to removal, so a rehash
//! relinks nodes and never copies an entry, and links are plain pointers
//! ([`Link`], null for `NULL`), followed as `dict.c` follows `de->next`: no
//! index to turn into an address on a lookup.
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
//! allocation (every [`Link`] is one), and references are made to a single
//! field (`&K`, `&V`, `&mut V`), never to a whole node or chunk. So the
//! facade's raw iterators, which hold pointers and no borrow, stay valid
//! while other nodes' values are written or other nodes are unlinked.
//!
//! # Liveness invariant
//!
//! A node is *live* while it is linked in a bucket chain of the dict. Only
//! live nodes hold an initialised key and value. The accessors below take
//! a [`Link`] that must be non-null and point to a node this arena handed
//! out (live or free, and not since [`Arena::reset`]); those that read the
//! key or value need a live one. Free nodes are threaded through `next` on
//! a free list and reused by later inserts.

use std::alloc::{self, Layout};
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ptr::{self, addr_of, addr_of_mut, NonNull};

/// The most nodes the arena hands out (the table's size limit, kept from
/// when nodes were `u32` indices).
pub(crate) const MAX_NODES: usize = 1 << 31;

/// log2 of the first chunk's size.
const FIRST_SHIFT: u32 = 4;
/// log2 of the largest chunk's size: chunks double from 16 nodes up to
/// 65536 (2 MiB for `u64 -> u64`), then keep that size. Doubling all the
/// way allocated up to twice the nodes in use (at 10M entries, room for
/// 16.8M), which the heap figures counted; a fixed size keeps the unused
/// room under one chunk, for one allocation per 65536 inserts.
const LAST_SHIFT: u32 = 16;

/// Heap addresses must fit this many bits: the bucket words keep a hash
/// filter above them (see the `buckets` module). True of user space on
/// x86-64 (47 bits, or 56 only for `mmap` asking for it) and AArch64;
/// checked for every chunk.
#[cfg(target_pointer_width = "64")]
pub(crate) const ADDR_BITS: u32 = 48;

/// One `dictEntry`, plus the stored hash.
pub(crate) struct Node<K, V> {
    /// The key's hash (see the module docs for why it is kept).
    hash: u64,
    /// The next node of the bucket chain (or of the free list), or null.
    next: Link<K, V>,
    key: MaybeUninit<K>,
    value: MaybeUninit<V>,
}

/// A pointer to a node (`dictEntry *`), or null. `*const`, not `*mut`, so
/// that everything holding links stays covariant in `K` and `V`; writes go
/// through `cast_mut`, with the chunk's (writable) provenance.
pub(crate) type Link<K, V> = *const Node<K, V>;

/// A live node, as the facade names it ([`RawTable::Slot`]): its address.
///
/// [`RawTable::Slot`]: hashgrow::raw::RawTable::Slot
pub struct Slot<K, V>(NonNull<Node<K, V>>);

impl<K, V> Slot<K, V> {
    /// The slot of a node found in a chain (non-null).
    #[inline(always)]
    pub(crate) fn new(node: Link<K, V>) -> Self {
        debug_assert!(!node.is_null());
        // SAFETY: chain nodes are never null (null ends a chain).
        Slot(unsafe { NonNull::new_unchecked(node.cast_mut()) })
    }

    /// The node's link.
    #[inline(always)]
    pub(crate) fn link(self) -> Link<K, V> {
        self.0.as_ptr().cast_const()
    }
}

impl<K, V> Clone for Slot<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for Slot<K, V> {}
impl<K, V> PartialEq for Slot<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<K, V> Eq for Slot<K, V> {}
impl<K, V> std::fmt::Debug for Slot<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Slot({:p})", self.0)
    }
}

// SAFETY: a slot is only a name: nothing is reached through it but by the
// table's own methods, under the table's borrows (as with an index).
unsafe impl<K, V> Send for Slot<K, V> {}
// SAFETY: as above.
unsafe impl<K, V> Sync for Slot<K, V> {}

pub(crate) struct Arena<K, V> {
    /// Chunk `k`'s address; it has room for `chunk_cap(k)` nodes. Allocated,
    /// never moved, kept across [`reset`](Arena::reset).
    /// (`*const`, not `*mut`, so the arena stays covariant in `K` and `V`.)
    chunks: Vec<*const Node<K, V>>,
    /// The chunk new nodes come from, once `cursor` reaches `end` (the
    /// chunk being filled is `chunk - 1`).
    chunk: usize,
    /// The next node never handed out, in chunk `chunk - 1`, and the end
    /// of that chunk (both null before the first chunk).
    cursor: Link<K, V>,
    end: Link<K, V>,
    /// Head of the free list, or null.
    free: Link<K, V>,
    _owns: PhantomData<Node<K, V>>,
}

// SAFETY: the arena owns its nodes' keys and values like a `Vec<(K, V)>`
// would; links into it are only followed by the table that owns it, under
// its borrows.
unsafe impl<K: Send, V: Send> Send for Arena<K, V> {}
// SAFETY: `&Arena` only gives out `&K` and `&V`.
unsafe impl<K: Sync, V: Sync> Sync for Arena<K, V> {}

/// Capacity of chunk `k`.
#[inline]
fn chunk_cap(k: usize) -> usize {
    1 << (k as u32 + FIRST_SHIFT).min(LAST_SHIFT)
}

/// Nodes in the chunks before chunk `k`.
fn nodes_before(k: usize) -> usize {
    let doubling = (LAST_SHIFT - FIRST_SHIFT) as usize;
    if k <= doubling {
        chunk_cap(k) - chunk_cap(0)
    } else {
        (chunk_cap(doubling) - chunk_cap(0)) + (k - doubling) * chunk_cap(doubling)
    }
}

/// A chunk's alignment at least: a cache line, so that nodes of 32 bytes
/// (`u64 -> u64`) or any power of two up to 64 never straddle two lines
/// (`malloc`'s 16 would split every other one, and a hit would read two).
const CHUNK_ALIGN: usize = 64;

/// The layout of chunk `k`: `chunk_cap(k)` nodes, cache-line aligned.
fn chunk_layout<K, V>(k: usize) -> Layout {
    Layout::array::<Node<K, V>>(chunk_cap(k))
        .and_then(|l| l.align_to(CHUNK_ALIGN))
        .expect("RedisTable: chunk size overflow")
}

/// The `next` of `node`, read through the pointer alone (for raw
/// iterators, which hold no borrow of the arena).
///
/// # Safety
/// `node` is non-null and points to a node of a live arena.
#[inline(always)]
pub(crate) unsafe fn next_of<K, V>(node: Link<K, V>) -> Link<K, V> {
    // SAFETY: the caller's promise; reading `next` creates no reference.
    unsafe { addr_of!((*node).next).read() }
}

impl<K, V> Arena<K, V> {
    pub(crate) const fn new() -> Self {
        Arena {
            chunks: Vec::new(),
            chunk: 0,
            cursor: ptr::null(),
            end: ptr::null(),
            free: ptr::null(),
            _owns: PhantomData,
        }
    }

    /// Stores a new node and returns it; its `next` is `next`.
    #[inline]
    pub(crate) fn alloc(&mut self, hash: u64, next: Link<K, V>, key: K, value: V) -> Link<K, V> {
        let node = Node {
            hash,
            next,
            key: MaybeUninit::new(key),
            value: MaybeUninit::new(value),
        };
        let p = if !self.free.is_null() {
            let p = self.free;
            // SAFETY: free-list nodes were handed out; reading `next` only.
            self.free = unsafe { next_of(p) };
            p
        } else if self.cursor != self.end {
            let p = self.cursor;
            self.cursor = p.wrapping_add(1);
            p
        } else {
            self.next_chunk()
        };
        // SAFETY: `p` is in bounds of its chunk and holds no live entry
        // (fresh or on the free list), so writing over it drops nothing.
        unsafe { p.cast_mut().write(node) };
        p
    }

    /// The first node of the next chunk (allocated unless kept from
    /// before a `reset`), which becomes the one nodes come from.
    #[cold]
    #[inline(never)]
    fn next_chunk(&mut self) -> Link<K, V> {
        let k = self.chunk;
        let cap = chunk_cap(k);
        assert!(
            nodes_before(k) < MAX_NODES,
            "RedisTable: more than 2^31 entries"
        );
        if k == self.chunks.len() {
            let layout = chunk_layout::<K, V>(k);
            // SAFETY: the layout's size is not zero (a node holds a hash).
            let base = unsafe { alloc::alloc(layout) }.cast::<Node<K, V>>();
            if base.is_null() {
                alloc::handle_alloc_error(layout);
            }
            let base = base.cast_const();
            #[cfg(target_pointer_width = "64")]
            assert!(
                base.wrapping_add(cap).addr() <= 1 << ADDR_BITS,
                "RedisTable: heap address above 2^{ADDR_BITS}"
            );
            // Freed in `drop`.
            self.chunks.push(base);
        }
        let base = self.chunks[k];
        self.chunk = k + 1;
        self.cursor = base.wrapping_add(1);
        self.end = base.wrapping_add(cap);
        base
    }

    /// Takes the key and value out of live `node` and puts it on the free
    /// list.
    pub(crate) fn free(&mut self, node: Link<K, V>) -> (K, V) {
        let p = node.cast_mut();
        // SAFETY: `node` is live (module invariant): key and value are
        // initialised; after this read the node is on the free list and is
        // not read as an entry again before `alloc` overwrites it.
        unsafe {
            let kv = (
                addr_of!((*p).key).read().assume_init(),
                addr_of!((*p).value).read().assume_init(),
            );
            addr_of_mut!((*p).next).write(self.free);
            self.free = node;
            kv
        }
    }

    /// Drops the key and value of live `node` in place, without putting
    /// it on the free list (for `clear` and `drop`, which then forget every
    /// node).
    pub(crate) fn drop_entry(&mut self, node: Link<K, V>) {
        let p = node.cast_mut();
        // SAFETY: `node` is live; the caller never reads it as an entry
        // again.
        unsafe {
            addr_of_mut!((*p).key).cast::<K>().drop_in_place();
            addr_of_mut!((*p).value).cast::<V>().drop_in_place();
        }
    }

    /// Forgets every node (their entries must have been dropped or moved
    /// out); keeps the chunks for reuse.
    pub(crate) fn reset(&mut self) {
        self.chunk = 0;
        self.cursor = ptr::null();
        self.end = ptr::null();
        self.free = ptr::null();
    }

    /// The stored hash of `node`.
    #[inline(always)]
    pub(crate) fn hash(&self, node: Link<K, V>) -> u64 {
        // SAFETY: `node` was handed out (module invariant); plain data.
        unsafe { addr_of!((*node).hash).read() }
    }

    /// The node after `node` in its chain, or null.
    #[inline(always)]
    pub(crate) fn next(&self, node: Link<K, V>) -> Link<K, V> {
        // SAFETY: as for `hash`.
        unsafe { next_of(node) }
    }

    /// Sets the node after `node`.
    #[inline(always)]
    pub(crate) fn set_next(&mut self, node: Link<K, V>, next: Link<K, V>) {
        // SAFETY: as for `hash`; the chunk's provenance allows writes, and
        // writing `next` creates no reference.
        unsafe { addr_of_mut!((*node.cast_mut()).next).write(next) }
    }

    /// The key of live `node`.
    #[inline(always)]
    pub(crate) fn key(&self, node: Link<K, V>) -> &K {
        // SAFETY: `node` is live (module invariant).
        unsafe { (*addr_of!((*node).key)).assume_init_ref() }
    }

    /// Key and value of live `node`.
    #[inline(always)]
    pub(crate) fn key_value(&self, node: Link<K, V>) -> (&K, &V) {
        // SAFETY: `node` is live.
        unsafe {
            (
                (*addr_of!((*node).key)).assume_init_ref(),
                (*addr_of!((*node).value)).assume_init_ref(),
            )
        }
    }

    /// Key and value of live `node`, the value writable. Creates
    /// references to these two fields only.
    #[inline(always)]
    pub(crate) fn key_value_mut(&mut self, node: Link<K, V>) -> (&K, &mut V) {
        let p = node.cast_mut();
        // SAFETY: `node` is live; `&mut self` makes the value reference
        // unique for its lifetime (the facade's disjoint-slot rule keeps
        // two of them on different nodes).
        unsafe {
            (
                (*addr_of!((*p).key)).assume_init_ref(),
                (*addr_of_mut!((*p).value)).assume_init_mut(),
            )
        }
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
        for (k, &p) in self.chunks.iter().enumerate() {
            // SAFETY: `p` is chunk `k`, allocated with this layout.
            unsafe { alloc::dealloc(p.cast_mut().cast(), chunk_layout::<K, V>(k)) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_never_move_and_freed_nodes_are_reused() {
        let mut a: Arena<u64, String> = Arena::new();
        let first = a.alloc(1, ptr::null(), 1, "one".into());
        let p = a.key(first) as *const u64;
        let mut nodes = vec![first];
        for i in 0..100u64 {
            nodes.push(a.alloc(i, ptr::null(), i, i.to_string()));
        }
        assert_eq!(p, a.key(first) as *const u64, "a node moved");
        assert_eq!((a.hash(first), a.next(first)), (1, ptr::null()));
        let (k, v) = a.free(nodes[5]);
        assert_eq!((k, v.as_str()), (4, "4"));
        assert_eq!(a.alloc(9, nodes[7], 9, "nine".into()), nodes[5]);
        assert_eq!(a.next(nodes[5]), nodes[7]);
        a.key_value_mut(nodes[5]).1.push('!');
        assert_eq!(a.key_value(nodes[5]), (&9, &"nine!".to_string()));
        // SAFETY: the node was handed out by `a`, alive.
        assert_eq!(unsafe { next_of(nodes[5]) }, nodes[7]);
        for &n in &nodes {
            a.drop_entry(n);
        }
        a.reset();
        assert!(a.heap_bytes() > 0, "chunks are kept for reuse");
        assert_eq!(a.alloc(0, ptr::null(), 0, String::new()), first, "reused");
        a.drop_entry(first);
    }

    #[test]
    fn chunks_double_up_to_65536_nodes_then_keep_that_size() {
        let caps: Vec<usize> = (0..15).map(chunk_cap).collect();
        assert_eq!(&caps[..3], &[16, 32, 64]);
        assert_eq!(&caps[11..], &[32768, 65536, 65536, 65536]);
        for k in 0..15 {
            assert_eq!(
                nodes_before(k),
                caps[..k].iter().sum::<usize>(),
                "chunk {k}"
            );
        }
        // The allocation limit falls in the fixed-size chunks.
        let last = (0..).find(|&k| nodes_before(k + 1) >= MAX_NODES).unwrap();
        assert!(nodes_before(last) < MAX_NODES && last > 12);
    }
}
