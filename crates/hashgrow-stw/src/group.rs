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
//! A probe loads eight control bytes as one little-endian `u64` and answers
//! "which of these eight bytes equal h2 / are EMPTY" with a few integer
//! instructions (SWAR: SIMD within a register), so no SIMD intrinsics and no
//! `cfg` per target are needed.

/// Bytes per group.
pub(crate) const WIDTH: usize = 8;
/// Control byte of a slot that was never filled since the last rebuild.
pub(crate) const EMPTY: u8 = 0xFF;
/// Control byte of a slot whose entry was removed (a tombstone).
pub(crate) const DELETED: u8 = 0x80;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The 7-bit tag kept in a full slot's control byte: the hash's top 7 bits.
/// The low bits choose the position, so the top bits are the ones still
/// carrying information at the probed slot.
#[inline]
pub(crate) fn h2(hash: u64) -> u8 {
    (hash >> 57) as u8
}

/// Eight control bytes, as loaded from the table.
#[derive(Clone, Copy)]
pub(crate) struct Group(u64);

impl Group {
    /// Loads the group starting at `ctrl`.
    ///
    /// # Safety
    /// `ctrl .. ctrl + WIDTH` must be readable.
    #[inline]
    pub(crate) unsafe fn load(ctrl: *const u8) -> Group {
        // SAFETY: the caller guarantees WIDTH readable bytes; the read is
        // unaligned because a probe may start at any slot.
        Group(unsafe { u64::from_le(ctrl.cast::<u64>().read_unaligned()) })
    }

    /// Bytes equal to `tag`. May report a false positive for a byte right
    /// after a true match (a known property of the SWAR trick); callers
    /// compare keys anyway.
    #[inline]
    pub(crate) fn match_byte(self, tag: u8) -> BitMask {
        let x = self.0 ^ (LO * u64::from(tag));
        BitMask(x.wrapping_sub(LO) & !x & HI)
    }

    /// Bytes that are EMPTY (top two bits set).
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

/// A set of byte positions in a group: bit 7 of each byte that matched.
#[derive(Clone, Copy)]
pub(crate) struct BitMask(pub(crate) u64);

impl BitMask {
    #[inline]
    pub(crate) fn any(self) -> bool {
        self.0 != 0
    }

    /// The first matching byte position.
    #[inline]
    pub(crate) fn lowest(self) -> Option<usize> {
        if self.0 == 0 {
            None
        } else {
            Some(self.0.trailing_zeros() as usize / 8)
        }
    }

    /// How many low positions come before the first one in the set (8 when
    /// the set is empty).
    #[inline]
    pub(crate) fn trailing_nonmatching(self) -> usize {
        self.0.trailing_zeros() as usize / 8
    }

    /// How many high positions come after the last one in the set (8 when
    /// the set is empty).
    #[inline]
    pub(crate) fn leading_nonmatching(self) -> usize {
        self.0.leading_zeros() as usize / 8
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

    fn group(bytes: [u8; 8]) -> Group {
        // SAFETY: an 8-byte array is readable.
        unsafe { Group::load(bytes.as_ptr()) }
    }

    #[test]
    fn matches_tags_empties_and_fulls() {
        let g = group([EMPTY, 0x12, DELETED, 0x12, 0x7f, EMPTY, 0x00, 0x13]);
        let tags: Vec<usize> = g.match_byte(0x12).collect();
        assert!(tags.contains(&1) && tags.contains(&3));
        assert_eq!(g.match_empty().collect::<Vec<_>>(), vec![0, 5]);
        assert_eq!(
            g.match_empty_or_deleted().collect::<Vec<_>>(),
            vec![0, 2, 5]
        );
        assert_eq!(g.match_full().collect::<Vec<_>>(), vec![1, 3, 4, 6, 7]);
    }

    #[test]
    fn counts_nonmatching_runs() {
        let g = group([0, 0, EMPTY, 0, 0, 0, 0, 0]);
        assert_eq!(g.match_empty().trailing_nonmatching(), 2);
        assert_eq!(g.match_empty().leading_nonmatching(), 5);
        let none = group([0; 8]).match_empty();
        assert_eq!(none.trailing_nonmatching() + none.leading_nonmatching(), 16);
    }

    #[test]
    fn h2_is_the_top_seven_bits() {
        assert_eq!(h2(u64::MAX), 0x7f);
        assert_eq!(h2(1 << 57), 1);
        assert_eq!(h2(0x00ff_ffff_ffff_ffff), 0);
    }
}
