//! One hash table of `dict.c` (`ht_table[i]`): an array of bucket heads.

use std::mem::ManuallyDrop;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

use crate::arena::Link;
#[cfg(target_pointer_width = "64")]
use crate::arena::ADDR_BITS;

/// Bucket arrays at least this big are freed on a helper thread (see
/// [`Buckets::free_off_thread`]): 1 MiB, 128 Ki buckets. Below it,
/// `free` costs microseconds (glibc serves blocks under its mmap
/// threshold from the heap, without unmapping). Under Miri, 1 KiB, so
/// that its tests reach the off-thread free with a few hundred keys (Miri
/// tracks the provenance of every stored pointer: a table of 128 Ki of
/// them takes it many minutes).
pub(crate) const OFF_THREAD_BYTES: usize = if cfg!(miri) { 1 << 10 } else { 1 << 20 };

/// The bucket heads of one table: for each bucket its first node, or null
/// when empty. An array of length 0 is `dict.c`'s `NULL` table
/// (`ht_size_exp == -1`, size 0). The length is a power of two.
///
/// A bucket is one pointer-sized word, as `dict.c`'s `dictEntry *`: the
/// head node's address, with a hash filter in the 16 bits above the 48
/// that heap addresses use (64-bit targets; see `arena::ADDR_BITS`):
///
/// ```text
///   63        48 47                                0
///  +------------+-----------------------------------+
///  | filter(16) |        first node's address        |
///  +------------+-----------------------------------+
/// ```
///
/// * An empty bucket is null (0, filter included), so a new table is
///   zeroed memory, as `dict.c`'s `zcalloc`. When the allocator maps a
///   fresh block for it (glibc does for blocks above its mmap threshold),
///   the pages are zero without being written, and no op pays for clearing
///   a table of millions of buckets. When it reuses freed heap memory
///   (glibc's threshold rises as big blocks are freed, up to 32 MiB), it
///   clears the block with `memset` inside the op that starts the rehash,
///   as `calloc` does for Redis. (`hashgrow compare` pins the threshold and
///   leaves no free heap to reuse, so its tables are fresh mappings.)
/// * The filter has bit `hash >> 60` set for every key linked into the
///   bucket since it was last empty (bits of removed keys stay until it
///   empties). A lookup whose bit is clear is a miss without reading a
///   node: most misses cost one memory access, as in an open-addressing
///   table. It changes no decision: a set bit only means "walk the chain",
///   which is what `dict.c` always does. A set bit also means the bucket is
///   not empty, so a lookup follows the head without testing it for null.
/// * The word is a pointer tagged with `map_addr`, so it keeps the node's
///   provenance; it is only dereferenced after the filter is masked off.
///   On 32-bit targets there is no room: no filter, the word is the head.
///
/// Every access goes through the `Vec`'s raw pointer (never a slice
/// reference), so a raw iterator's pointer into the array stays valid
/// while `remove_slot` unlinks another node (see `raw.rs`).
pub(crate) struct Buckets<K, V> {
    words: Vec<Link<K, V>>,
}

impl<K, V> Default for Buckets<K, V> {
    fn default() -> Self {
        Self::new_empty()
    }
}

// SAFETY: the words point into the arena of the table that owns this
// array, and are only followed through that table (whose `Send`/`Sync`
// the arena's bounds decide); the array itself is plain data.
unsafe impl<K, V> Send for Buckets<K, V> {}
// SAFETY: as above.
unsafe impl<K, V> Sync for Buckets<K, V> {}

/// The filter bits above the address.
#[cfg(target_pointer_width = "64")]
const ADDR_MASK: usize = (1 << ADDR_BITS) - 1;

/// The filter bit of `hash`, above the address.
#[cfg(target_pointer_width = "64")]
#[inline(always)]
fn filter_bit(hash: u64) -> usize {
    1 << (ADDR_BITS + (hash >> 60) as u32)
}

/// A bucket word as [`Buckets::as_ptr`]'s memory stores it, decoded: the
/// first node, or null.
#[inline(always)]
pub(crate) fn stored_head<K, V>(word: Link<K, V>) -> Link<K, V> {
    #[cfg(target_pointer_width = "64")]
    return word.map_addr(|a| a & ADDR_MASK);
    #[cfg(not(target_pointer_width = "64"))]
    return word;
}

/// Whether a bucket whose word is `word` may hold a key with `hash`: its
/// filter bit is set (and then the bucket is not empty).
#[inline(always)]
fn may_hold<K, V>(word: Link<K, V>, hash: u64) -> bool {
    #[cfg(target_pointer_width = "64")]
    return word.addr() & filter_bit(hash) != 0;
    #[cfg(not(target_pointer_width = "64"))]
    return {
        let _ = hash;
        !word.is_null()
    };
}

impl<K, V> Buckets<K, V> {
    /// No table (`NULL`).
    pub(crate) const fn new_empty() -> Self {
        Buckets { words: Vec::new() }
    }

    /// `size` empty buckets (`zcalloc` of the bucket array). Allocated as
    /// `vec![0usize; size]`, which asks the allocator for zeroed memory
    /// (`vec!` of null pointers writes every word instead).
    pub(crate) fn new(size: usize) -> Self {
        debug_assert!(size.is_power_of_two());
        let mut zeros = ManuallyDrop::new(vec![0usize; size]);
        // SAFETY: a `Vec<usize>`'s allocation taken over as a `Vec` of
        // pointers: same size and alignment (so the same layout to free
        // with), and an all-zero word is a null pointer.
        let words = unsafe {
            Vec::from_raw_parts(zeros.as_mut_ptr().cast(), zeros.len(), zeros.capacity())
        };
        Buckets { words }
    }

    /// Number of buckets (`DICTHT_SIZE`), 0 for no table.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }

    /// The bucket of `hash` (`hash & DICTHT_SIZE_MASK`). The table must
    /// exist.
    #[inline(always)]
    pub(crate) fn index(&self, hash: u64) -> usize {
        debug_assert!(!self.words.is_empty());
        hash as usize & (self.words.len().wrapping_sub(1))
    }

    #[inline(always)]
    fn word(&self, i: usize) -> Link<K, V> {
        assert!(i < self.words.len());
        // SAFETY: `i` is in bounds.
        unsafe { self.words.as_ptr().add(i).read() }
    }

    #[inline(always)]
    fn set_word(&mut self, i: usize, word: Link<K, V>) {
        assert!(i < self.words.len());
        // SAFETY: `i` is in bounds.
        unsafe { self.words.as_mut_ptr().add(i).write(word) }
    }

    /// The first node of bucket `i`, or null.
    #[inline(always)]
    pub(crate) fn head(&self, i: usize) -> Link<K, V> {
        stored_head(self.word(i))
    }

    /// The first node of bucket `i` if the bucket may hold a key with
    /// `hash` (its filter bit is set; then it is never null), else `None`.
    #[inline(always)]
    pub(crate) fn head_for(&self, i: usize, hash: u64) -> Option<Link<K, V>> {
        let word = self.word(i);
        if may_hold(word, hash) {
            Some(stored_head(word))
        } else {
            None
        }
    }

    /// Links `node`, whose key has `hash`, at the head of bucket `i` (its
    /// `next` must already be the old head).
    #[inline(always)]
    pub(crate) fn push_front(&mut self, i: usize, node: Link<K, V>, hash: u64) {
        #[cfg(target_pointer_width = "64")]
        let node = {
            let filter = self.word(i).addr() & !ADDR_MASK;
            node.map_addr(|a| a | filter | filter_bit(hash))
        };
        #[cfg(not(target_pointer_width = "64"))]
        let _ = hash;
        self.set_word(i, node);
    }

    /// Makes `node` (already linked to the rest of the chain, or null) the
    /// head of bucket `i`, after a removal of the old head. An emptied
    /// bucket's filter is cleared.
    #[inline(always)]
    pub(crate) fn set_head(&mut self, i: usize, node: Link<K, V>) {
        #[cfg(target_pointer_width = "64")]
        let node = if node.is_null() {
            node
        } else {
            let filter = self.word(i).addr() & !ADDR_MASK;
            node.map_addr(|a| a | filter)
        };
        self.set_word(i, node);
    }

    /// The array's address, for raw iterators; decode its words with
    /// [`stored_head`].
    pub(crate) fn as_ptr(&self) -> *const Link<K, V> {
        self.words.as_ptr()
    }

    /// Frees the array, on a helper thread when it is at least
    /// [`OFF_THREAD_BYTES`]. `dict.c` frees the old table with `zfree` at
    /// once, but under Redis's jemalloc that returns the pages to the OS
    /// later (jemalloc purges dirty pages by decay, often on its own
    /// background thread), whereas glibc unmaps a block this big right
    /// away, inside the op, for a millisecond or more. Handing the array
    /// to a thread keeps that cost off the op, as it is off Redis's
    /// commands; no decision of `dict.c` depends on it. The thread is
    /// started by the first such free and lives for the process; if it
    /// cannot be started, the array is freed here. (The thread is shared
    /// by every `K`, `V`: it gets the array as plain words, `Vec<usize>`,
    /// the same layout.)
    pub(crate) fn free_off_thread(self) {
        if self.heap_bytes() < OFF_THREAD_BYTES {
            return;
        }
        let mut words = ManuallyDrop::new(self.words);
        // SAFETY: the allocation of a `Vec` of pointers, given back as a
        // `Vec` of `usize` (same size and alignment, so the same layout for
        // the deallocation); the words are only dropped, never read.
        let words: Vec<usize> = unsafe {
            Vec::from_raw_parts(words.as_mut_ptr().cast(), words.len(), words.capacity())
        };
        if cfg!(miri) {
            // Miri rejects a thread still running when `main` returns: a
            // thread per free, joined, checks the same hand-over.
            let _ = std::thread::spawn(move || drop(words)).join();
            return;
        }
        static FREER: OnceLock<Option<Mutex<Sender<Vec<usize>>>>> = OnceLock::new();
        let freer = FREER.get_or_init(|| {
            let (tx, rx) = channel::<Vec<usize>>();
            std::thread::Builder::new()
                .name("hashgrow-redis-free".into())
                .spawn(move || rx.into_iter().for_each(drop))
                .ok()
                .map(|_| Mutex::new(tx))
        });
        if let Some(tx) = freer {
            // A poisoned lock or a closed channel hands the table back in
            // the error, and it is freed here.
            if let Ok(tx) = tx.lock() {
                let _ = tx.send(words);
            }
        }
    }

    /// Heap bytes of the array.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<Link<K, V>>()
    }
}

/// A node type for the tests below (the buckets never dereference).
#[cfg(test)]
type TestNode = crate::arena::Node<u64, u64>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn the_filter_tells_misses_and_clears_when_the_bucket_empties() {
        let mut b = Buckets::<u64, u64>::new(4);
        // Addresses only: the buckets never dereference them.
        let n7: *const TestNode = ptr::dangling::<TestNode>().wrapping_add(7);
        let n0: *const TestNode = ptr::dangling::<TestNode>().wrapping_add(1);
        assert!(b.head(1).is_null());
        let (h1, h2) = (1u64 << 60 | 1, 2u64 << 60 | 1);
        b.push_front(1, n7, h1);
        assert_eq!((b.head(1), b.head_for(1, h1)), (n7, Some(n7)));
        #[cfg(target_pointer_width = "64")]
        assert_eq!(b.head_for(1, h2), None);
        b.push_front(1, n0, h2);
        assert_eq!((b.head(1), b.head_for(1, h1)), (n0, Some(n0)));
        b.set_head(1, n7); // n0 removed: its bit stays
        assert_eq!(b.head_for(1, h2), Some(n7));
        b.set_head(1, ptr::null());
        assert_eq!((b.head_for(1, h1), b.word(1)), (None, ptr::null()));
    }
}
