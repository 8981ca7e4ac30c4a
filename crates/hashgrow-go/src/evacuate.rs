//! Evacuation: moving one old bucket's chain into the new array.
//!
//! ```text
//!   doubling, B = 2 -> 3 (newbit = 4)       same-size grow, B = 2
//!
//!   old 1: [a b c d e f g h] -> [i j]       old 1: [a _ c _ _ f _ _] -> [_ j]
//!            |                                       |
//!            | hash & 4 == 0 ---> new 1 (X)          +---> new 1 (X): [a c f j]
//!            | hash & 4 != 0 ---> new 5 (Y)
//! ```
//!
//! Entries are taken in chain order and appended to their destination,
//! filling its slots in order and chaining a fresh overflow bucket (through
//! `new_overflow`, which counts it in `noverflow`) when it is full. Each old
//! slot is left with a marker: `evacuatedX`/`evacuatedY` where an entry was,
//! `evacuatedEmpty` where none was, so `evacuated(old bucket)` is one byte
//! test.
//!
//! Unlike the runtime, which hashes and moves entry by entry, the X/Y
//! choice of every entry of the chain is made first, then the entries
//! move: the same choices and the same order, but `Hash` (user code, which
//! may panic) runs before anything has changed, so a panic leaves the
//! table as it was.
//!
//! **Hashes are recomputed, not stored**, as in the runtime: a stored 64-bit
//! hash per slot would add 64 bytes to every bucket (for `u64 -> u64`, 208
//! bytes instead of Go's 144, or 216 instead of this crate's 152: see
//! `layout`; more memory traffic on every operation), while recomputing costs one
//! hash per *moved* entry, and FxHash on an integer is a multiply. Only the
//! new bit `hash & newbit` is needed, and a same-size grow needs no hash at
//! all. (Keys with an expensive `Hash`, like long strings, pay more here;
//! that is the runtime's trade-off too.)

use crate::growth::Work;
use crate::layout::{evacuated, Bucket, BUCKET_CNT, EVACUATED_EMPTY, EVACUATED_X};
use crate::raw::GoTable;

/// An evacuation destination (`evacDst`): current bucket and next slot.
struct Dst<K, V> {
    b: Bucket<K, V>,
    i: usize,
}

/// For each bucket of an old chain, the slots whose entry goes to Y (bit
/// `i` for slot `i`). Chains longer than 8 buckets (only with colliding
/// hashes) spill to the heap. A bucket never set sends everything to X:
/// that is all a same-size grow, which sets none, needs.
struct YMasks {
    inline: [u8; 8],
    spill: Vec<u8>,
}

impl YMasks {
    fn new() -> Self {
        YMasks {
            inline: [0; 8],
            spill: Vec::new(),
        }
    }

    #[inline(always)]
    fn set(&mut self, bucket: usize, mask: u8) {
        match self.inline.get_mut(bucket) {
            Some(m) => *m = mask,
            None => self.spill.push(mask),
        }
    }

    #[inline(always)]
    fn get(&self, bucket: usize) -> u8 {
        match self.inline.get(bucket) {
            Some(&m) => m,
            None => self
                .spill
                .get(bucket - self.inline.len())
                .copied()
                .unwrap_or(0),
        }
    }
}

impl<K, V> GoTable<K, V> {
    /// `evacuate(oldbucket)`: if old bucket `oldbucket` is not evacuated yet,
    /// move its whole chain to X (`oldbucket`) or Y (`oldbucket + newbit`)
    /// by the bit `hash & newbit` (same-size grow: all to X). Then, if it is
    /// the bucket `nevacuate` points at, advance the mark — even if it was
    /// already evacuated, as the runtime does.
    ///
    /// Two passes: first every X/Y choice of the chain is made (the only
    /// step that runs user code, `Hash`; if it panics, nothing has changed
    /// yet), then the entries move, in chain and slot order as in the
    /// runtime, and each old bucket's tophash bytes are replaced by the
    /// markers at once.
    pub(crate) fn evacuate<H: Fn(&K) -> u64>(
        &mut self,
        oldbucket: usize,
        hash: &H,
        work: &mut Work,
    ) {
        self.move_out(oldbucket, hash, work);
        if oldbucket == self.nevacuate {
            self.advance_evacuation_mark(self.noldbuckets(), work);
        }
    }

    /// The moving half of [`evacuate`](GoTable::evacuate): old bucket
    /// `oldbucket`'s chain to its new buckets, unless it is evacuated
    /// already. Leaves the mark alone.
    ///
    /// Inlined into `grow_work`, with the one-bucket case: most calls
    /// find the bucket evacuated or move one bucket, and a call of their
    /// own cost about as many instructions as the move.
    #[inline(always)]
    pub(crate) fn move_out<H: Fn(&K) -> u64>(
        &mut self,
        oldbucket: usize,
        hash: &H,
        work: &mut Work,
    ) {
        let newbit = self.noldbuckets();
        debug_assert!(oldbucket < newbit);
        // SAFETY: `oldbucket < noldbuckets()`, the size of the old array.
        let first = unsafe { self.oldbuckets.at(oldbucket) };
        // SAFETY: `first` is a live old bucket.
        if !unsafe { evacuated(first) } {
            // SAFETY: `first` is the head of a live chain not evacuated
            // (and, for `move_bucket`, the whole chain).
            work.entries += unsafe {
                if first.overflow().is_null() {
                    self.move_bucket(first, oldbucket, newbit, hash)
                } else {
                    self.move_chain(first, oldbucket, newbit, hash)
                }
            };
            work.buckets += 1;
        }
    }

    /// Moves every entry of the old chain `first` (old bucket `oldbucket`)
    /// to its new bucket and marks the old slots; returns how many moved.
    ///
    /// # Safety
    /// `first` is old bucket `oldbucket`, not evacuated.
    #[inline(never)]
    unsafe fn move_chain<H: Fn(&K) -> u64>(
        &mut self,
        first: Bucket<K, V>,
        oldbucket: usize,
        newbit: usize,
        hash: &H,
    ) -> u64 {
        // Pass 1: X or Y for each entry (a same-size grow sends all to X
        // and hashes nothing).
        let mut ys = YMasks::new();
        if !self.same_size {
            // `hash & newbit`, as a shift: no branch on a coin flip.
            let bit = newbit.trailing_zeros();
            let (mut b, mut n) = (first, 0);
            while !b.is_null() {
                // SAFETY: `b` is a live bucket of the old chain, not
                // evacuated; `full` are its full slots.
                unsafe {
                    let full = b.group().match_full().slots();
                    ys.set(n, Self::y_slots(b, full, bit, hash));
                    b = b.overflow();
                }
                n += 1;
            }
        }
        let (x, y) = self.destinations(oldbucket, newbit);
        // Pass 2: move, bucket by bucket: its X entries in slot order,
        // then its Y entries. Each destination still receives its entries
        // in chain and slot order, as from the runtime's single pass (the
        // two destinations never share a bucket, and they draw overflow
        // buckets, and `noverflow`'s random increments, equally often).
        let mut dx = Dst { b: x, i: 0 };
        let mut dy = Dst { b: y, i: 0 };
        let mut moved = 0u64;
        let (mut b, mut n) = (first, 0);
        while !b.is_null() {
            // SAFETY: `b` is a live bucket of the old chain.
            let full = unsafe { b.group().match_full().slots() };
            let to_y = ys.get(n);
            // SAFETY: `full & !to_y` and `to_y` are full slots of `b`
            // (a bucket never set in `ys` sends everything to X), and `dy`
            // is only written when `to_y` has a slot (never in a same-size
            // grow, where `y` is null). The old bucket's tophash bytes
            // become markers once its entries are out, so they are never
            // read or dropped there again.
            unsafe {
                moved += self.move_to(b, full & !to_y, &mut dx);
                moved += self.move_to(b, to_y, &mut dy);
                b.set_group(markers(full, to_y));
                b = b.overflow();
            }
            n += 1;
        }
        moved
    }

    /// The new buckets old bucket `oldbucket` moves to, initialised now: X
    /// (`oldbucket`) and, when doubling, Y (`oldbucket + newbit`; null in a
    /// same-size grow). They were never written, nor even initialised:
    /// every access to new bucket `j` first evacuates old bucket
    /// `j & oldbucketmask`, which is this one (see `new_ready`).
    #[inline(always)]
    fn destinations(&mut self, oldbucket: usize, newbit: usize) -> (Bucket<K, V>, Bucket<K, V>) {
        let size = 1usize << self.b;
        // SAFETY: `oldbucket < newbit <= 2^b`; the bucket holds no entry.
        let x = unsafe { self.buckets.prepare(oldbucket, size) };
        let y = if self.same_size {
            Bucket::null()
        } else {
            // SAFETY: doubling: `oldbucket + newbit < 2 * newbit = 2^b`;
            // the bucket holds no entry.
            unsafe { self.buckets.prepare(oldbucket + newbit, size) }
        };
        (x, y)
    }

    /// The slots of old bucket `b` whose entry goes to Y (bit `i` for slot
    /// `i`): bit `bit` of each key's hash (`hash & newbit` in the runtime,
    /// as a shift: no branch on a coin flip). The only user code an
    /// evacuation runs: if `Hash` panics, nothing has moved yet.
    ///
    /// # Safety
    /// `b` is a live old bucket not evacuated, and `full` its full slots.
    #[inline(always)]
    unsafe fn y_slots<H: Fn(&K) -> u64>(b: Bucket<K, V>, full: u8, bit: u32, hash: &H) -> u8 {
        let (mut m, mut to_y) = (full, 0u8);
        while m != 0 {
            let i = m.trailing_zeros() as usize;
            m &= m - 1;
            // SAFETY: a full slot of a bucket not evacuated holds a key.
            to_y |= ((hash(unsafe { &*b.key(i) }) >> bit) as u8 & 1) << i;
        }
        to_y
    }

    /// Moves the entries of slots `slots` (bit `i` for slot `i`) of old
    /// bucket `b`, in slot order, to the next free slots of destination
    /// `dst` (taking an overflow bucket when its bucket is full, as
    /// `evacuate` does). Returns how many moved.
    ///
    /// # Safety
    /// Every slot in `slots` is a full slot of the live bucket `b`, and
    /// `dst` is the live end of its destination chain (its slots from
    /// `dst.i` empty). The caller turns the moved slots into markers.
    #[inline(always)]
    unsafe fn move_to(&mut self, b: Bucket<K, V>, mut slots: u8, dst: &mut Dst<K, V>) -> u64 {
        let count = u64::from(slots.count_ones());
        while slots != 0 {
            let i = slots.trailing_zeros() as usize;
            slots &= slots - 1;
            if dst.i == BUCKET_CNT {
                dst.b = self.new_overflow(dst.b);
                dst.i = 0;
            }
            // SAFETY: the caller's: slot `i` of `b` holds an entry, and
            // slot `dst.i` (`< 8`) is empty.
            unsafe { b.move_entry(i, dst.b, dst.i) };
            dst.i += 1;
        }
        count
    }

    /// [`move_chain`](GoTable::move_chain) for a chain of one bucket, the
    /// most common (two thirds of the entries moved while growing to 1M
    /// `u64` keys). Same moves, same order, same markers, with less work
    /// per entry: an old bucket holds at most 8 entries, so neither
    /// destination (fresh, empty) can fill up and need an overflow bucket,
    /// and the old bucket's 8 markers are computed at once. Entries go to X
    /// in slot order, then to Y in slot order: each destination receives
    /// them in the runtime's order (the two never share a bucket, so the
    /// interleaving is not observable).
    ///
    /// # Safety
    /// `b` is old bucket `oldbucket`, not evacuated, without overflow.
    #[inline(always)]
    unsafe fn move_bucket<H: Fn(&K) -> u64>(
        &mut self,
        b: Bucket<K, V>,
        oldbucket: usize,
        newbit: usize,
        hash: &H,
    ) -> u64 {
        // SAFETY (whole function): `b` is a live bucket not evacuated
        // (caller), so its full slots hold initialised entries, which move
        // (bitwise) to slots `0..` of fresh destination buckets; then its
        // tophash bytes become markers, so the moved entries are never
        // read or dropped there again.
        let full = unsafe { b.group().match_full().slots() };
        // Pass 1: X or Y for each entry (the only user code, `Hash`: if it
        // panics, nothing has changed yet). A same-size grow sends all to X.
        let to_y = if self.same_size {
            0
        } else {
            unsafe { Self::y_slots(b, full, newbit.trailing_zeros(), hash) }
        };
        // `y` is null in a same-size grow, where `to_y` is 0.
        let (x, y) = self.destinations(oldbucket, newbit);
        // Pass 2: move. Destination slot `j` gets the `j`-th entry sent
        // there, in slot order, over the fresh bucket's `emptyRest`.
        for (dst, mut m) in [(x, full & !to_y), (y, to_y)] {
            let mut j = 0;
            while m != 0 {
                let i = m.trailing_zeros() as usize;
                m &= m - 1;
                unsafe { b.move_entry(i, dst, j) };
                j += 1;
            }
        }
        unsafe { b.set_group(markers(full, to_y)) };
        u64::from(full.count_ones())
    }
}

/// An evacuated bucket's tophash bytes, all at once: `evacuatedEmpty` (4)
/// in every slot, `evacuatedX` (2) where an entry went to X (in `full`, not
/// in `to_y`), `evacuatedY` (3) where one went to Y (in `to_y`).
#[inline(always)]
fn markers(full: u8, to_y: u8) -> [u8; BUCKET_CNT] {
    debug_assert_eq!(to_y & !full, 0);
    (u64::from_le_bytes([EVACUATED_EMPTY; BUCKET_CNT])
        - u64::from(EVACUATED_EMPTY - EVACUATED_X) * spread_bits(full)
        + spread_bits(to_y))
    .to_le_bytes()
}

/// Byte `i` of the result is bit `i` of `m` (0 or 1): a slot set as a
/// vector of bytes, without a loop. The multiply copies `m` into every
/// byte, the mask keeps bit `i` in byte `i`, and adding `0x7f` to each byte
/// carries into its top bit exactly when that bit was set (no byte
/// overflows into the next).
#[inline(always)]
fn spread_bits(m: u8) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    let x = (u64::from(m) * LOW) & 0x8040_2010_0804_0201;
    ((x + 0x7f7f_7f7f_7f7f_7f7f) >> 7) & LOW
}

#[cfg(test)]
mod tests {
    use super::{markers, spread_bits};
    use crate::layout::{BUCKET_CNT, EVACUATED_EMPTY, EVACUATED_X};

    #[test]
    fn markers_say_where_each_slot_went() {
        for full in 0..=255u8 {
            for to_y in (0..=255u8).filter(|y| y & !full == 0) {
                let want: [u8; BUCKET_CNT] =
                    std::array::from_fn(|i| match (full >> i & 1, to_y >> i & 1) {
                        (0, _) => EVACUATED_EMPTY,
                        (_, 0) => EVACUATED_X,
                        _ => EVACUATED_X + 1,
                    });
                assert_eq!(
                    markers(full, to_y),
                    want,
                    "full {full:#010b} to_y {to_y:#010b}"
                );
            }
        }
    }

    #[test]
    fn spread_bits_puts_bit_i_in_byte_i() {
        for m in 0..=255u8 {
            let want = (0..8).fold(0u64, |w, i| w | u64::from(m >> i & 1) << (8 * i));
            assert_eq!(spread_bits(m), want, "{m:#010b}");
        }
    }
}
