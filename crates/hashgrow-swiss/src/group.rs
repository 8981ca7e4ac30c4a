//! One group: 8 slots and their 8 control bytes, tested all at once.
//!
//! Mirrors `group.go`: a control byte is `EMPTY` (0x80), `DELETED` (0xFE,
//! a tombstone) or, for a full slot, the key's H2 (the hash's low 7 bits, so
//! the top bit is clear). Slot `i`'s control byte is byte `i` of the group's
//! 64-bit control word (`ctrlGroup.get(i)`).
//!
//! The runtime matches a control word with SIMD on amd64 and with word
//! arithmetic (SWAR) elsewhere; both give the same set of slots, and every
//! decision takes the lowest slot of a set (`bitset.first`). We use SWAR on
//! the `u64`: 8 bytes is exactly one machine word, so a match is a handful
//! of ALU operations and no vector register moves. Our H2 match is exact
//! (no false positives), which changes only how many keys get compared,
//! never which slot is chosen.

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

/// A set of slots of one group: bit 7 of byte `i` set for slot `i`
/// (`bitset`).
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
        (self.0.trailing_zeros() / 8) as usize
    }

    /// How many slots are in the set (`count`).
    #[inline(always)]
    pub(crate) fn count(self) -> usize {
        self.0.count_ones() as usize
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

    /// Full slots whose control byte is `h2` (`matchH2`), exactly: a lane
    /// is zero after the xor iff it matched, and the zero-lane test below
    /// does not carry between lanes.
    #[inline(always)]
    pub(crate) fn match_h2(self, h2: u8) -> BitMask {
        let x = self.0 ^ (LSB * u64::from(h2));
        let nonzero_low7 = (x & !MSB).wrapping_add(!MSB);
        BitMask(!(nonzero_low7 | x) & MSB)
    }

    /// Empty slots (`matchEmpty`): top bit set and bit 1 clear (a
    /// tombstone, 0xFE, has bit 1 set).
    #[inline(always)]
    pub(crate) fn match_empty(self) -> BitMask {
        BitMask(self.0 & !(self.0 << 6) & MSB)
    }

    /// Empty or deleted slots (`matchEmptyOrDeleted`): top bit set.
    #[inline(always)]
    pub(crate) fn match_empty_or_deleted(self) -> BitMask {
        BitMask(self.0 & MSB)
    }

    /// Full slots (`matchFull`): top bit clear.
    #[inline(always)]
    pub(crate) fn match_full(self) -> BitMask {
        BitMask(!self.0 & MSB)
    }
}

/// One group in memory: the control word, then 8 key/value slots
/// interleaved, as the runtime lays out its `group` (for `u64`/`u64` it is
/// the runtime's 136 bytes). A slot holds an initialised entry exactly when
/// its control byte is full.
#[repr(C)]
pub(crate) struct Group<K, V> {
    pub(crate) ctrl: Ctrl,
    pub(crate) slots: [MaybeUninit<(K, V)>; SLOTS],
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
