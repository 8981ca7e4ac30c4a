//! Control bytes and the 8-byte group they are scanned in.
//!
//! Every slot has one control byte, as in SwissTable (Abseil) and hashbrown:
//!
//! ```text
//!   EMPTY    1111_1111   never used since the last rebuild: a probe stops here
//!   DELETED  1000_0000   a tombstone: probes continue past it
//!   FULL     0hhh_hhhh   in use; h = the top 7 bits of the hash ("h2")
//! ```
//!
//! A probe loads a group of control bytes at once and answers "which of
//! these bytes equal h2 / are EMPTY" in a few instructions: sixteen bytes
//! with SSE2 on x86_64, eight bytes in a `u64` with plain integer
//! operations (SWAR) elsewhere.

/// Control byte of a slot that was never filled since the last rebuild.
pub(crate) const EMPTY: u8 = 0xFF;
/// Control byte of a slot whose entry was removed (a tombstone).
pub(crate) const DELETED: u8 = 0x80;

/// The 7-bit tag kept in a full slot's control byte: the hash's top 7 bits.
/// The low bits choose the position, so the top bits are the ones still
/// carrying information at the probed slot.
#[inline]
pub(crate) fn h2(hash: u64) -> u8 {
    (hash >> 57) as u8
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod imp {
    //! SSE2: sixteen control bytes compared at once, one mask bit per byte.
    use std::arch::x86_64::*;

    use super::BitMask;

    pub(crate) type Word = u16;
    pub(crate) const WIDTH: usize = 16;
    pub(crate) const STRIDE: u32 = 1;

    #[derive(Clone, Copy)]
    pub(crate) struct Group(__m128i);

    impl Group {
        /// Loads the group starting at `ctrl`.
        ///
        /// # Safety
        /// `ctrl .. ctrl + WIDTH` must be readable.
        #[inline]
        pub(crate) unsafe fn load(ctrl: *const u8) -> Group {
            // SAFETY: the caller guarantees WIDTH readable bytes; `loadu`
            // has no alignment requirement.
            Group(unsafe { _mm_loadu_si128(ctrl.cast()) })
        }
        /// Bytes equal to `tag` (a FULL tag: 0..=0x7f).
        #[inline]
        pub(crate) fn match_byte(self, tag: u8) -> BitMask {
            // SAFETY: SSE2 is enabled for this target (cfg above).
            BitMask(unsafe {
                _mm_movemask_epi8(_mm_cmpeq_epi8(self.0, _mm_set1_epi8(tag as i8))) as Word
            })
        }
        /// Bytes that are EMPTY.
        #[inline]
        pub(crate) fn match_empty(self) -> BitMask {
            self.match_byte(super::EMPTY)
        }
        /// Bytes that are EMPTY or DELETED (top bit set).
        #[inline]
        pub(crate) fn match_empty_or_deleted(self) -> BitMask {
            // SAFETY: SSE2 is enabled for this target.
            BitMask(unsafe { _mm_movemask_epi8(self.0) as Word })
        }
        /// Bytes that are FULL (top bit clear).
        #[inline]
        pub(crate) fn match_full(self) -> BitMask {
            BitMask(!self.match_empty_or_deleted().0)
        }
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
mod imp {
    //! Portable SWAR: eight control bytes in a `u64`, the mask bit of a byte
    //! is its bit 7.
    use super::BitMask;

    pub(crate) type Word = u64;
    pub(crate) const WIDTH: usize = 8;
    pub(crate) const STRIDE: u32 = 8;

    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;

    #[derive(Clone, Copy)]
    pub(crate) struct Group(u64);

    impl Group {
        /// Loads the group starting at `ctrl`.
        ///
        /// # Safety
        /// `ctrl .. ctrl + WIDTH` must be readable.
        #[inline]
        pub(crate) unsafe fn load(ctrl: *const u8) -> Group {
            // SAFETY: the caller guarantees WIDTH readable bytes; the read
            // is unaligned because a probe may start at any slot.
            Group(u64::from_le(unsafe { ctrl.cast::<u64>().read_unaligned() }))
        }
        /// Bytes equal to `tag` (a FULL tag: 0..=0x7f). May report a false
        /// positive for a FULL byte right after a true match (a known
        /// property of the trick); callers compare keys.
        #[inline]
        pub(crate) fn match_byte(self, tag: u8) -> BitMask {
            let x = self.0 ^ (LO * u64::from(tag));
            BitMask(x.wrapping_sub(LO) & !x & HI)
        }
        /// Bytes that are EMPTY.
        #[inline]
        pub(crate) fn match_empty(self) -> BitMask {
            BitMask(self.0 & (self.0 << 1) & HI)
        }
        /// Bytes that are EMPTY or DELETED (top bit set).
        #[inline]
        pub(crate) fn match_empty_or_deleted(self) -> BitMask {
            BitMask(self.0 & HI)
        }
        /// Bytes that are FULL (top bit clear).
        #[inline]
        pub(crate) fn match_full(self) -> BitMask {
            BitMask(!self.0 & HI)
        }
    }
}

/// A group of control bytes, as loaded from the table.
pub(crate) use imp::{Group, WIDTH};

/// A set of byte positions in a group.
#[derive(Clone, Copy)]
pub(crate) struct BitMask(pub(crate) imp::Word);

impl BitMask {
    /// The empty set.
    pub(crate) const NONE: BitMask = BitMask(0);

    #[inline]
    pub(crate) fn any(self) -> bool {
        self.0 != 0
    }

    /// The first byte position in the set.
    #[inline]
    pub(crate) fn lowest(self) -> Option<usize> {
        if self.0 == 0 {
            None
        } else {
            Some((self.0.trailing_zeros() / imp::STRIDE) as usize)
        }
    }

    /// How many low positions come before the first one in the set (WIDTH
    /// when the set is empty).
    #[inline]
    pub(crate) fn trailing_nonmatching(self) -> usize {
        (self.0.trailing_zeros() / imp::STRIDE) as usize
    }

    /// How many high positions come after the last one in the set (WIDTH
    /// when the set is empty).
    #[inline]
    pub(crate) fn leading_nonmatching(self) -> usize {
        (self.0.leading_zeros() / imp::STRIDE) as usize
    }
}

impl Iterator for BitMask {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        let bit = self.lowest()?;
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(bytes: &[u8]) -> Group {
        let mut buf = [EMPTY; 32];
        buf[..bytes.len()].copy_from_slice(bytes);
        // SAFETY: 32 >= WIDTH readable bytes.
        unsafe { Group::load(buf.as_ptr()) }
    }

    #[test]
    fn matches_tags_empties_and_fulls() {
        let g = group(&[EMPTY, 0x12, DELETED, 0x12, 0x7f, EMPTY, 0x00, 0x13]);
        let tags: Vec<usize> = g.match_byte(0x12).collect();
        assert!(tags.contains(&1) && tags.contains(&3));
        let empty: Vec<usize> = g.match_empty().collect();
        assert_eq!(&empty[..2], [0, 5]);
        let free: Vec<usize> = g.match_empty_or_deleted().collect();
        assert_eq!(&free[..3], [0, 2, 5]);
        assert_eq!(g.match_full().collect::<Vec<_>>(), vec![1, 3, 4, 6, 7]);
    }

    #[test]
    fn counts_nonmatching_runs() {
        let mut bytes = [0u8; 32];
        bytes[2] = EMPTY;
        let g = group(&bytes);
        assert_eq!(g.match_empty().trailing_nonmatching(), 2);
        assert_eq!(g.match_empty().leading_nonmatching(), WIDTH - 3);
        let none = group(&[0; 32]).match_empty();
        assert_eq!(
            none.trailing_nonmatching() + none.leading_nonmatching(),
            2 * WIDTH
        );
    }

    #[test]
    fn h2_is_the_top_seven_bits() {
        assert_eq!(h2(u64::MAX), 0x7f);
        assert_eq!(h2(1 << 57), 1);
        assert_eq!(h2(0x00ff_ffff_ffff_ffff), 0);
    }
}
