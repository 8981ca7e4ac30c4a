//! One hash table of `dict.c` (`ht_table[i]`): an array of bucket heads.

use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

use crate::arena::NIL;

/// Bucket arrays at least this big are freed on a helper thread (see
/// [`Buckets::free_off_thread`]): 1 MiB, 128 Ki buckets. Below it,
/// `free` costs microseconds (glibc serves blocks under its mmap
/// threshold from the heap, without unmapping).
pub(crate) const OFF_THREAD_BYTES: usize = 1 << 20;

/// The bucket heads of one table: for each bucket its first node, or
/// [`NIL`] when empty. An array of length 0 is `dict.c`'s `NULL` table
/// (`ht_size_exp == -1`, size 0). The length is a power of two.
///
/// A bucket is one 64-bit word, as `dict.c`'s `dictEntry *`:
///
/// ```text
///   63            32 31             0
///  +----------------+----------------+
///  |   hash filter  |    node + 1    |
///  +----------------+----------------+
/// ```
///
/// * The head is stored as `node + 1`, so an empty bucket is 0 and a new
///   table is zeroed memory, as `dict.c`'s `zcalloc`: the allocator hands
///   out fresh zero pages without writing them, so no op pays for clearing
///   a table of millions of buckets.
/// * The filter has bit `hash >> 59` set for every key linked into the
///   bucket since it was last empty (bits of removed keys stay until it
///   empties). A lookup whose bit is clear is a miss without reading a
///   node: most misses cost one memory access, as in an open-addressing
///   table. It changes no decision: a set bit only means "walk the chain",
///   which is what `dict.c` always does.
///
/// Every access goes through the `Vec`'s raw pointer (never a slice
/// reference), so a raw iterator's pointer into the array stays valid
/// while `remove_slot` unlinks another node (see `raw.rs`).
#[derive(Default)]
pub(crate) struct Buckets {
    words: Vec<u64>,
}

/// The filter bit of `hash`, in the word's high half.
#[inline(always)]
fn filter_bit(hash: u64) -> u64 {
    1u64 << (32 + (hash >> 59))
}

/// A bucket word as [`Buckets::as_ptr`]'s memory stores it, decoded: the
/// first node, or [`NIL`].
#[inline(always)]
pub(crate) fn stored_head(word: u64) -> u32 {
    (word as u32).wrapping_sub(1)
}

impl Buckets {
    /// No table (`NULL`).
    pub(crate) const fn new_empty() -> Self {
        Buckets { words: Vec::new() }
    }

    /// `size` empty buckets (`zcalloc` of the bucket array).
    pub(crate) fn new(size: usize) -> Self {
        debug_assert!(size.is_power_of_two());
        Buckets {
            words: vec![0; size],
        }
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
    fn word(&self, i: usize) -> u64 {
        assert!(i < self.words.len());
        // SAFETY: `i` is in bounds.
        unsafe { self.words.as_ptr().add(i).read() }
    }

    #[inline(always)]
    fn set_word(&mut self, i: usize, word: u64) {
        assert!(i < self.words.len());
        // SAFETY: `i` is in bounds.
        unsafe { self.words.as_mut_ptr().add(i).write(word) }
    }

    /// The first node of bucket `i`, or [`NIL`].
    #[inline(always)]
    pub(crate) fn head(&self, i: usize) -> u32 {
        stored_head(self.word(i))
    }

    /// The first node of bucket `i` if the bucket may hold a key with
    /// `hash` (its filter bit is set), else [`NIL`].
    #[inline(always)]
    pub(crate) fn head_for(&self, i: usize, hash: u64) -> u32 {
        let word = self.word(i);
        if word & filter_bit(hash) == 0 {
            NIL
        } else {
            stored_head(word)
        }
    }

    /// Links `node`, whose key has `hash`, at the head of bucket `i` (its
    /// `next` must already be the old head).
    #[inline(always)]
    pub(crate) fn push_front(&mut self, i: usize, node: u32, hash: u64) {
        let filter = self.word(i) & !u64::from(u32::MAX);
        self.set_word(
            i,
            filter | filter_bit(hash) | u64::from(node.wrapping_add(1)),
        );
    }

    /// Makes `node` (already linked to the rest of the chain, or [`NIL`])
    /// the head of bucket `i`, after a removal of the old head. An emptied
    /// bucket's filter is cleared.
    #[inline(always)]
    pub(crate) fn set_head(&mut self, i: usize, node: u32) {
        let word = if node == NIL {
            0
        } else {
            (self.word(i) & !u64::from(u32::MAX)) | u64::from(node.wrapping_add(1))
        };
        self.set_word(i, word);
    }

    /// The array's address, for raw iterators; decode its words with
    /// [`stored_head`].
    pub(crate) fn as_ptr(&self) -> *const u64 {
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
    /// cannot be started, the array is freed here.
    pub(crate) fn free_off_thread(self) {
        if self.heap_bytes() < OFF_THREAD_BYTES {
            return;
        }
        static FREER: OnceLock<Option<Mutex<Sender<Buckets>>>> = OnceLock::new();
        let freer = FREER.get_or_init(|| {
            let (tx, rx) = channel::<Buckets>();
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
                let _ = tx.send(self);
            }
        }
    }

    /// Heap bytes of the array.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_tells_misses_and_clears_when_the_bucket_empties() {
        let mut b = Buckets::new(4);
        assert_eq!(b.head(1), NIL);
        let (h1, h2) = (1u64 << 60 | 1, 2u64 << 60 | 1);
        b.push_front(1, 7, h1);
        assert_eq!(
            (b.head(1), b.head_for(1, h1), b.head_for(1, h2)),
            (7, 7, NIL)
        );
        b.push_front(1, 0, h2);
        assert_eq!((b.head(1), b.head_for(1, h1)), (0, 0));
        b.set_head(1, 7); // node 0 removed: its bit stays
        assert_eq!(b.head_for(1, h2), 7);
        b.set_head(1, NIL);
        assert_eq!((b.head_for(1, h1), b.word(1)), (NIL, 0));
    }
}
