//! The 8 tophash bytes of a bucket, tested all at once.
//!
//! Go scans a bucket's tophash bytes one at a time (`for i := 0; i <
//! bucketCnt; i++`); we test all 8 with a few vector (SSE2) or word (SWAR)
//! operations and get a [`BitMask`] of the slots that qualify. The scan
//! order, lowest slot first, is the runtime's, so every decision is
//! unchanged; only the instruction count differs, and on a lookup, which
//! mostly waits on memory, fewer instructions per lookup let the CPU keep
//! more lookups in flight.
//!
//! A key's tophash is prepared once per operation as a [`Tag`]: its byte
//! repeated, read from a 4 KiB table indexed by the hash's top byte (which
//! also applies the runtime's `minTopHash` raise, see [`tophash`]).

use crate::layout::{BUCKET_CNT, MIN_TOP_HASH};

/// The tophash of a hash: its top byte, raised by `MIN_TOP_HASH` when it
/// would collide with a marker (`tophash` in map.go).
#[inline(always)]
pub(crate) const fn tophash(hash: u64) -> u8 {
    let top = (hash >> 56) as u8;
    if top < MIN_TOP_HASH {
        top + MIN_TOP_HASH
    } else {
        top
    }
}

/// 16 copies of `tophash` for each possible top byte of a hash.
#[repr(C, align(16))]
struct TagTable([[u8; 16]; 256]);

static TAGS: TagTable = {
    let mut t = [[0u8; 16]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [tophash((i as u64) << 56); 16];
        i += 1;
    }
    TagTable(t)
};

/// A key's tophash, ready to be compared with 8 tophash bytes at once.
#[derive(Clone, Copy)]
pub(crate) struct Tag(&'static [u8; 16]);

impl Tag {
    /// The tag of `hash` (its [`tophash`]).
    #[inline(always)]
    pub(crate) fn of(hash: u64) -> Tag {
        Tag(&TAGS.0[(hash >> 56) as usize])
    }

    /// The tophash byte itself.
    #[inline(always)]
    pub(crate) fn top(self) -> u8 {
        self.0[0]
    }
}

/// Slots of one bucket that qualify: bit `i` (SSE2) or bit 7 of byte `i`
/// (SWAR) set for slot `i`.
#[derive(Clone, Copy)]
pub(crate) struct BitMask(Word);

impl BitMask {
    #[inline(always)]
    pub(crate) fn any_set(self) -> bool {
        self.0 != 0
    }

    /// The lowest slot set (the mask is not empty).
    #[inline(always)]
    pub(crate) fn lowest(self) -> usize {
        debug_assert!(self.any_set());
        (self.0.trailing_zeros() / STRIDE) as usize
    }

    /// The set as one bit per slot: bit `i` for slot `i`.
    #[inline(always)]
    pub(crate) fn slots(self) -> u8 {
        if STRIDE == 1 {
            self.0 as u8
        } else {
            self.fold(0, |s, i| s | 1 << i)
        }
    }

    /// The mask without its lowest slot.
    #[inline(always)]
    pub(crate) fn without_lowest(self) -> BitMask {
        BitMask(self.0 & (self.0 - 1))
    }
}

impl Iterator for BitMask {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        if !self.any_set() {
            return None;
        }
        let i = self.lowest();
        *self = self.without_lowest();
        Some(i)
    }
}

const _: () = assert!(BUCKET_CNT == 8, "a group is 8 tophash bytes");

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod imp {
    //! SSE2: the 8 bytes in the low half of a vector register (the high
    //! half zero), one compare and one `pmovmskb` per test.
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_load_si128, _mm_loadl_epi64, _mm_min_epu8, _mm_movemask_epi8,
        _mm_set1_epi8, _mm_setzero_si128,
    };

    use super::{BitMask, Tag};

    pub(super) type Word = u32;
    pub(super) const STRIDE: u32 = 1;

    /// A bucket's 8 tophash bytes.
    #[derive(Clone, Copy)]
    pub(crate) struct TopGroup(__m128i);

    impl TopGroup {
        /// Loads the 8 bytes at `p`.
        ///
        /// # Safety
        /// `p` is valid for reading 8 initialised bytes.
        #[inline(always)]
        pub(crate) unsafe fn load(p: *const [u8; 8]) -> TopGroup {
            // SAFETY: `movq` reads exactly 8 bytes, any alignment (caller).
            TopGroup(unsafe { _mm_loadl_epi64(p.cast()) })
        }

        /// Slots whose tophash is `tag`'s. (The zero high half never
        /// matches: a tag is at least `MIN_TOP_HASH`.)
        #[inline(always)]
        pub(crate) fn match_tag(self, tag: Tag) -> BitMask {
            // SAFETY: SSE2 is enabled (cfg); the tag row is 16 bytes,
            // 16-aligned (`TagTable` is `align(16)` and rows are 16 bytes).
            unsafe {
                let t = _mm_load_si128(tag.0.as_ptr().cast());
                BitMask(_mm_movemask_epi8(_mm_cmpeq_epi8(self.0, t)) as u32)
            }
        }

        /// `EMPTY_REST` slots (0 bytes; the zero high half is cut off).
        #[inline(always)]
        pub(crate) fn match_empty_rest(self) -> BitMask {
            // SAFETY: SSE2 is enabled (cfg).
            let m = unsafe { _mm_movemask_epi8(_mm_cmpeq_epi8(self.0, _mm_setzero_si128())) };
            BitMask(m as u32 & 0xff)
        }

        /// Empty slots (`EMPTY_REST` or `EMPTY_ONE`: bytes `<= 1`).
        #[inline(always)]
        pub(crate) fn match_empty(self) -> BitMask {
            BitMask(self.le_one() & 0xff)
        }

        /// Non-empty slots (bytes `> 1`: in a bucket not evacuated, the
        /// live entries).
        #[inline(always)]
        pub(crate) fn match_full(self) -> BitMask {
            BitMask(!self.le_one() & 0xff)
        }

        #[inline(always)]
        fn le_one(self) -> u32 {
            // SAFETY: SSE2 is enabled (cfg). `min(x, 1) == x` iff `x <= 1`.
            unsafe {
                let low = _mm_min_epu8(self.0, _mm_set1_epi8(1));
                _mm_movemask_epi8(_mm_cmpeq_epi8(low, self.0)) as u32
            }
        }
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
mod imp {
    //! Without SSE2: the SWAR masks of [`swar`](super::swar), bit 7 of
    //! byte `i` for slot `i`.
    use super::swar;
    use super::{BitMask, Tag};

    pub(super) type Word = u64;
    pub(super) const STRIDE: u32 = 8;

    /// A bucket's 8 tophash bytes.
    #[derive(Clone, Copy)]
    pub(crate) struct TopGroup(u64);

    impl TopGroup {
        /// Loads the 8 bytes at `p`.
        ///
        /// # Safety
        /// `p` is valid for reading 8 initialised bytes.
        #[inline(always)]
        pub(crate) unsafe fn load(p: *const [u8; 8]) -> TopGroup {
            // SAFETY: caller.
            TopGroup(u64::from_le_bytes(unsafe { *p }))
        }

        /// Slots whose tophash is `tag`'s.
        #[inline(always)]
        pub(crate) fn match_tag(self, tag: Tag) -> BitMask {
            BitMask(swar::match_byte(self.0, tag.top()))
        }

        /// `EMPTY_REST` slots.
        #[inline(always)]
        pub(crate) fn match_empty_rest(self) -> BitMask {
            BitMask(swar::zero_bytes(self.0))
        }

        /// Empty slots (`EMPTY_REST` or `EMPTY_ONE`).
        #[inline(always)]
        pub(crate) fn match_empty(self) -> BitMask {
            BitMask(swar::le_one(self.0))
        }

        /// Non-empty slots (bytes `> 1`: in a bucket not evacuated, the
        /// live entries).
        #[inline(always)]
        pub(crate) fn match_full(self) -> BitMask {
            BitMask(swar::le_one(self.0) ^ swar::HI)
        }
    }
}

/// Portable SWAR (SIMD within a register): 8 bytes in a `u64`; a result
/// has bit 7 of byte `i` set when byte `i` qualifies. Used where SSE2 is
/// missing, and compiled for the tests everywhere, so that it is checked
/// on x86_64 too.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
mod swar {
    const LO: u64 = 0x0101_0101_0101_0101;
    pub(super) const HI: u64 = 0x8080_8080_8080_8080;

    /// Exact "which bytes are zero" (no false positives, unlike the
    /// classic `(x - LO) & !x & HI`, which must never happen here: a false
    /// positive on an empty slot would read an uninitialised key).
    #[inline(always)]
    pub(super) fn zero_bytes(x: u64) -> u64 {
        !(((x & !HI).wrapping_add(!HI)) | x) & HI
    }

    /// Bytes equal to `b`.
    #[inline(always)]
    pub(super) fn match_byte(x: u64, b: u8) -> u64 {
        zero_bytes(x ^ (LO * u64::from(b)))
    }

    /// Bytes `<= 1`: zero once bit 0 is cleared.
    #[inline(always)]
    pub(super) fn le_one(x: u64) -> u64 {
        zero_bytes(x & !LO)
    }
}

pub(crate) use imp::TopGroup;
use imp::{Word, STRIDE};

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(m: BitMask) -> Vec<usize> {
        m.collect()
    }

    #[test]
    fn tophash_raises_small_top_bytes() {
        assert_eq!(tophash(0), MIN_TOP_HASH);
        assert_eq!(tophash(4 << 56), 9);
        assert_eq!(tophash(5 << 56), 5);
        assert_eq!(tophash(u64::MAX), 0xff);
        for h in [0u64, 3 << 56, 77 << 56, u64::MAX] {
            assert_eq!(Tag::of(h).top(), tophash(h));
        }
    }

    #[test]
    fn masks_are_exact() {
        let bytes = [0u8, 1, 2, 5, 0x85, 0xff, 1, 0];
        // SAFETY: 8 initialised bytes.
        let g = unsafe { TopGroup::load(&bytes) };
        assert_eq!(slots(g.match_empty()), vec![0, 1, 6, 7]);
        assert_eq!(slots(g.match_empty_rest()), vec![0, 7]);
        assert_eq!(slots(g.match_full()), vec![2, 3, 4, 5]);
        assert_eq!(slots(g.match_tag(Tag::of(5 << 56))), vec![3]);
        assert_eq!(slots(g.match_tag(Tag::of(0 << 56))), vec![3]);
        assert_eq!(slots(g.match_tag(Tag::of(0x85 << 56))), vec![4]);
        assert_eq!(slots(g.match_tag(Tag::of(0xff << 56))), vec![5]);
        // No false positive above a zero byte (the classic SWAR trick has one).
        let bytes = [0u8, 1, 1, 1, 1, 1, 1, 1];
        // SAFETY: as above.
        let g = unsafe { TopGroup::load(&bytes) };
        assert_eq!(slots(g.match_empty_rest()), vec![0]);
        assert_eq!(g.match_empty().lowest(), 0);
        let full = [9u8; 8];
        // SAFETY: as above.
        let g = unsafe { TopGroup::load(&full) };
        assert!(!g.match_empty().any_set() && !g.match_empty_rest().any_set());
        assert_eq!(g.match_full().count(), 8);
        assert_eq!(
            slots(g.match_tag(Tag::of(9 << 56))),
            (0..8).collect::<Vec<_>>()
        );
    }

    #[test]
    fn swar_masks_are_exact() {
        let slots = |m: u64| {
            (0..8)
                .filter(|i| m & (0x80 << (8 * i)) != 0)
                .collect::<Vec<_>>()
        };
        let w = u64::from_le_bytes([0u8, 1, 2, 5, 0x85, 0xff, 1, 0]);
        assert_eq!(slots(swar::le_one(w)), vec![0, 1, 6, 7]);
        assert_eq!(slots(swar::le_one(w) ^ swar::HI), vec![2, 3, 4, 5]);
        assert_eq!(slots(swar::zero_bytes(w)), vec![0, 7]);
        assert_eq!(slots(swar::match_byte(w, 5)), vec![3]);
        assert_eq!(slots(swar::match_byte(w, 0x85)), vec![4]);
        assert_eq!(slots(swar::match_byte(w, 0xff)), vec![5]);
        // No false positive above a zero byte (the classic trick has one).
        let w = u64::from_le_bytes([0, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(slots(swar::zero_bytes(w)), vec![0]);
    }
}
