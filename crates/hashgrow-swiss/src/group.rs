//! One group: 8 slots and their 8 control bytes, tested all at once.
//!
//! Mirrors `group.go`: a control byte is `EMPTY` (0x80), `DELETED` (0xFE,
//! a tombstone) or, for a full slot, the key's H2 (the hash's low 7 bits, so
//! the top bit is clear). Slot `i`'s control byte is byte `i` of the group's
//! 64-bit control word (`ctrlGroup.get(i)`).
//!
//! The runtime matches a control word with SIMD on amd64 and with word
//! arithmetic (SWAR) elsewhere; both give the same set of slots, and every
//! decision takes the lowest slot of a set (`bitset.first`). So do we: SSE2
//! on x86-64 (a compare and a `pmovmskb`: fewer instructions than SWAR on
//! the lookup path), exact SWAR on the `u64` elsewhere. Our H2 match is
//! exact on both (the runtime's SWAR one can report false positives), which
//! changes only how many keys get compared, never which slot is chosen.

use std::mem::MaybeUninit;

/// Slots per group (`abi.MapGroupSlots`).
pub(crate) const SLOTS: usize = 8;
/// Control byte of an empty slot (`ctrlEmpty`).
pub(crate) const EMPTY: u8 = 0x80;
/// Control byte of a tombstone (`ctrlDeleted`).
pub(crate) const DELETED: u8 = 0xFE;

/// The byte `0x01` in every lane (`bitsetLSB`).
const LSB: u64 = 0x0101_0101_0101_0101;
/// The top bit of every lane (`bitsetMSB`).
#[allow(dead_code)] // used by the SWAR matcher only
const MSB: u64 = 0x8080_8080_8080_8080;
/// A control word of 8 empty slots (`abi.MapCtrlEmpty`).
pub(crate) const ALL_EMPTY: u64 = LSB * EMPTY as u64;

/// H1, the upper 57 bits of a hash: picks the first group of the probe
/// sequence (`h1` in map.go).
#[inline(always)]
pub(crate) fn h1(hash: u64) -> u64 {
    hash >> 7
}

/// H2, the low 7 bits of a hash: a full slot's control byte (`h2`).
#[inline(always)]
pub(crate) fn h2(hash: u64) -> u8 {
    (hash & 0x7f) as u8
}

/// A set of slots of one group (`bitset`): bit `i * STRIDE` set for slot
/// `i` (SSE2: one bit a slot; SWAR: bit 7 of byte `i`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BitMask(pub(crate) u64);

impl BitMask {
    #[inline(always)]
    pub(crate) fn any(self) -> bool {
        self.0 != 0
    }

    /// The lowest slot in the set, which must not be empty (`first`).
    #[inline(always)]
    pub(crate) fn first(self) -> usize {
        debug_assert!(self.any());
        (self.0.trailing_zeros() / imp::STRIDE) as usize
    }

    /// How many slots are in the set (`count`).
    #[inline(always)]
    pub(crate) fn count(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The slots in this set and not in `other`.
    #[inline(always)]
    pub(crate) fn and_not(self, other: BitMask) -> BitMask {
        BitMask(self.0 & !other.0)
    }
}

impl Iterator for BitMask {
    type Item = usize;

    /// Slots lowest first (`first` then `removeFirst`).
    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let i = self.first();
        self.0 &= self.0 - 1;
        Some(i)
    }
}

/// A group's control word (`ctrlGroup`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ctrl(pub(crate) u64);

impl Ctrl {
    /// Control byte of slot `i` (`ctrlGroup.get`).
    #[inline(always)]
    pub(crate) fn get(self, i: usize) -> u8 {
        (self.0 >> (8 * i)) as u8
    }

    /// Sets slot `i`'s control byte (`ctrlGroup.set`).
    #[inline(always)]
    pub(crate) fn set(&mut self, i: usize, c: u8) {
        let shift = 8 * i;
        self.0 = (self.0 & !(0xff << shift)) | (u64::from(c) << shift);
    }

    /// Full slots whose control byte is `h2` (`matchH2`), exactly.
    #[inline(always)]
    pub(crate) fn match_h2(self, h2: u8) -> BitMask {
        imp::match_byte(self.0, h2)
    }

    /// Empty slots (`matchEmpty`).
    #[inline(always)]
    pub(crate) fn match_empty(self) -> BitMask {
        imp::match_byte(self.0, EMPTY)
    }

    /// Empty or deleted slots (`matchEmptyOrDeleted`): top bit set.
    #[inline(always)]
    pub(crate) fn match_empty_or_deleted(self) -> BitMask {
        imp::match_top_bit(self.0)
    }

    /// Full slots (`matchFull`): top bit clear.
    #[inline(always)]
    pub(crate) fn match_full(self) -> BitMask {
        BitMask(imp::match_top_bit(self.0).0 ^ imp::ALL)
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod imp {
    //! SSE2: the 8 control bytes in the low half of a vector register (the
    //! high half zero, masked off), one compare and one `pmovmskb`.
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_cvtsi64_si128, _mm_movemask_epi8};

    use super::{BitMask, LSB};

    pub(super) const STRIDE: u32 = 1;
    pub(super) const ALL: u64 = 0xff;

    /// Slots whose control byte is `b`. Only the low 8 lanes count, so `b`
    /// is spread over a `u64` by a multiply and moved in as is: fewer
    /// instructions than `_mm_set1_epi8`'s byte shuffles.
    #[inline(always)]
    pub(super) fn match_byte(w: u64, b: u8) -> BitMask {
        let b = (LSB * u64::from(b)) as i64;
        // SAFETY: SSE2 is available (cfg above); these are register ops.
        let m = unsafe {
            _mm_movemask_epi8(_mm_cmpeq_epi8(
                _mm_cvtsi64_si128(w as i64),
                _mm_cvtsi64_si128(b),
            ))
        };
        BitMask(m as u64 & ALL)
    }

    /// Slots whose control byte has its top bit set.
    #[inline(always)]
    pub(super) fn match_top_bit(w: u64) -> BitMask {
        // SAFETY: as above.
        let m = unsafe { _mm_movemask_epi8(_mm_cvtsi64_si128(w as i64)) };
        BitMask(m as u64 & ALL)
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
mod imp {
    //! SWAR on the `u64`: lane `i` is byte `i`; a result is the top bit of
    //! each qualifying lane.
    use super::{BitMask, LSB, MSB};

    pub(super) const STRIDE: u32 = 8;
    pub(super) const ALL: u64 = MSB;

    /// Slots whose control byte is `b`, exactly: a lane is zero after the
    /// xor iff it matched, and this zero-lane test does not carry between
    /// lanes (the classic `(x - LSB) & !x` one reports false matches).
    #[inline(always)]
    pub(super) fn match_byte(w: u64, b: u8) -> BitMask {
        let x = w ^ (LSB * u64::from(b));
        let nonzero_low7 = (x & !MSB).wrapping_add(!MSB);
        BitMask(!(nonzero_low7 | x) & MSB)
    }

    /// Slots whose control byte has its top bit set.
    #[inline(always)]
    pub(super) fn match_top_bit(w: u64) -> BitMask {
        BitMask(w & MSB)
    }
}

/// The 8 slots of one group. A slot holds an initialised entry exactly
/// when its control byte is full.
pub(crate) type SlotGroup<K, V> = [MaybeUninit<(K, V)>; SLOTS];

/// Bytes of one runtime group for this key/value type: the control word
/// and 8 slots (`MapType.GroupSize`; 136 for `map[uint64]uint64`). Our
/// tables keep the control words apart from the slots (see
/// [`Table`](crate::table::Table)), but `NewMap`'s size check uses this.
pub(crate) const fn group_bytes<K, V>() -> usize {
    8 + SLOTS * std::mem::size_of::<(K, V)>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(bytes: [u8; 8]) -> Ctrl {
        Ctrl(u64::from_le_bytes(bytes))
    }

    #[test]
    fn matches_pick_the_right_slots_lowest_first() {
        let c = word([0x05, EMPTY, DELETED, 0x05, 0x7f, EMPTY, 0x00, 0x85 & 0x7f]);
        assert_eq!(c.match_h2(0x05).collect::<Vec<_>>(), vec![0, 3, 7]);
        assert_eq!(c.match_h2(0x00).collect::<Vec<_>>(), vec![6]);
        assert_eq!(c.match_h2(0x7f).collect::<Vec<_>>(), vec![4]);
        assert_eq!(c.match_empty().collect::<Vec<_>>(), vec![1, 5]);
        assert_eq!(
            c.match_empty_or_deleted().collect::<Vec<_>>(),
            vec![1, 2, 5]
        );
        assert_eq!(c.match_full().collect::<Vec<_>>(), vec![0, 3, 4, 6, 7]);
        assert_eq!(c.match_empty_or_deleted().first(), 1);
        assert_eq!(c.match_full().count(), 5);
    }

    #[test]
    fn h2_match_has_no_false_positive_for_any_pair() {
        // The classic SWAR zero-byte trick reports a false match in the lane
        // above a real one when it borrows; ours must be exact.
        for a in 0u8..0x80 {
            for b in [0u8, 1, 0x7e, 0x7f, a ^ 1, a.wrapping_add(1) & 0x7f] {
                let c = word([a, b, a, EMPTY, DELETED, b, 0, a]);
                let got: Vec<_> = c.match_h2(a).collect();
                let want: Vec<_> = (0..8).filter(|&i| c.get(i) == a).collect();
                assert_eq!(got, want, "a {a:#x} b {b:#x}");
            }
        }
    }

    #[test]
    fn set_and_get_one_byte() {
        let mut c = Ctrl(ALL_EMPTY);
        assert_eq!(c.match_empty().count(), 8);
        c.set(3, 0x11);
        c.set(7, DELETED);
        assert_eq!(c.get(3), 0x11);
        assert_eq!(c.get(7), DELETED);
        assert_eq!(c.get(2), EMPTY);
        assert_eq!(c.match_empty().count(), 6);
        assert_eq!(h1(0xff), 1);
        assert_eq!(h2(0xff), 0x7f);
    }
}
