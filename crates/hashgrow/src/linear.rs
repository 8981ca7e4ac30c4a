//! [`LinearTable`]: the textbook open-addressing table, the smallest
//! complete [`RawTable`].
//!
//! It exists to show the [`Map`] facade at work (its rustdoc examples run
//! on it) and to test the facade alone, under Miri too. It is not one of
//! the compared strategies: linear probing over a `Vec` of slots, at most
//! 7/8 full counting tombstones, doubling stop-the-world (or rebuilding at
//! the same size when most of the load is tombstones).
//!
//! ```
//! use hashgrow::linear::LinearMap;
//!
//! let mut m = LinearMap::new();
//! for i in 0..100u32 {
//!     m.insert(i, i * 2);
//! }
//! assert_eq!(m[&40], 80);
//! assert_eq!(m.raw().slots(), 128); // 100 entries, at most 7/8 of 128
//! ```

use std::borrow::Borrow;
use std::mem;

use crate::map::Map;
use crate::raw::{RawLookup, RawTable, TryReserveError};
use crate::{DefaultHashBuilder, Event, EventHook, Stats};

/// The textbook map: [`Map`] over a [`LinearTable`].
pub type LinearMap<K, V, S = DefaultHashBuilder> = Map<K, V, LinearTable<K, V>, S>;

/// One slot of the table.
enum Slot<K, V> {
    Empty,
    /// A removed entry: probes walk past it, inserts may reuse it.
    Deleted,
    Full(K, V),
}

/// Linear probing over a power-of-two `Vec` of slots. See the [module
/// docs](self).
pub struct LinearTable<K, V> {
    /// Empty (no allocation) or a power of two of at least 8 slots.
    slots: Vec<Slot<K, V>>,
    items: usize,
    tombstones: usize,
    grows: u64,
    same_size_grows: u64,
    entries_moved: u64,
    hook: Option<EventHook>,
}

/// Slots for `n` entries at most 7/8 full: a power of two, at least 8.
fn slots_for(n: usize) -> Option<usize> {
    n.checked_mul(8)?
        .div_ceil(7)
        .max(8)
        .checked_next_power_of_two()
}

impl<K, V> LinearTable<K, V> {
    /// Number of slots (0 before the first insert).
    ///
    /// ```
    /// let m: hashgrow::linear::LinearMap<u8, u8> = [(1, 1)].into();
    /// assert_eq!(m.raw().slots(), 8);
    /// ```
    pub fn slots(&self) -> usize {
        self.slots.len()
    }

    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// Replaces the slots by `n` empty ones and re-inserts every entry: a
    /// stop-the-world grow (or a same-size rebuild clearing tombstones).
    fn rebuild(&mut self, n: usize, hasher: &impl Fn(&K) -> u64) {
        let old_len = self.slots.len();
        let mut new: Vec<Slot<K, V>> = Vec::with_capacity(n);
        new.resize_with(n, || Slot::Empty);
        // Hash every key before moving any, so a panicking `Hash` leaves
        // the table as it was.
        let hashes: Vec<u64> = self
            .slots
            .iter()
            .filter_map(|s| match s {
                Slot::Full(k, _) => Some(hasher(k)),
                _ => None,
            })
            .collect();
        let old = mem::replace(&mut self.slots, new);
        let mut moved = 0;
        for (slot, hash) in old
            .into_iter()
            .filter(|s| matches!(s, Slot::Full(..)))
            .zip(hashes)
        {
            let mut i = hash as usize & (n - 1);
            while matches!(self.slots[i], Slot::Full(..)) {
                i = (i + 1) & (n - 1);
            }
            self.slots[i] = slot;
            moved += 1;
        }
        self.tombstones = 0;
        self.entries_moved += moved;
        if n == old_len {
            self.same_size_grows += 1;
        } else if old_len > 0 {
            // The first allocation is not a grow (see `Stats::grows`).
            self.grows += 1;
        }
        if let Some(hook) = self.hook.as_mut() {
            hook(&Event::GrowStart {
                old_capacity: old_len as u64,
                new_capacity: n as u64,
                same_size: n == old_len,
                len: self.items,
            });
            hook(&Event::GrowEnd {
                capacity: n as u64,
                len: self.items,
            });
        }
    }
}

/// Iterates over the full slots' indices, in slot order.
pub struct LinearSlots<K, V> {
    base: *const Slot<K, V>,
    next: usize,
    end: usize,
}

impl<K, V> Clone for LinearSlots<K, V> {
    fn clone(&self) -> Self {
        LinearSlots { ..*self }
    }
}

impl<K, V> Iterator for LinearSlots<K, V> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        while self.next < self.end {
            let i = self.next;
            self.next += 1;
            // SAFETY: `base` is the slot `Vec`'s own pointer (`as_ptr`
            // makes no reference), which the `raw_iter` contract keeps
            // alive and unreallocated; `i < end`, its length.
            if matches!(unsafe { &*self.base.add(i) }, Slot::Full(..)) {
                return Some(i);
            }
        }
        None
    }
}

/// The entries of a consumed [`LinearTable`], in slot order.
pub struct LinearIntoIter<K, V> {
    slots: std::vec::IntoIter<Slot<K, V>>,
    left: usize,
}

impl<K, V> Iterator for LinearIntoIter<K, V> {
    type Item = (K, V);
    fn next(&mut self) -> Option<(K, V)> {
        for s in self.slots.by_ref() {
            if let Slot::Full(k, v) = s {
                self.left -= 1;
                return Some((k, v));
            }
        }
        None
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<K, V> ExactSizeIterator for LinearIntoIter<K, V> {}
impl<K, V> std::iter::FusedIterator for LinearIntoIter<K, V> {}

// SAFETY: slots are indices of live `Full` slots, distinct per entry; the
// raw iterator visits each `Full` slot once and reads only the `Vec`'s own
// buffer, which `remove_slot` and `entry_mut` never reallocate; `entry_mut`
// goes through `as_mut_ptr` and makes no reference to other slots; the
// entries live in the `Vec`'s heap buffer, not inline in the table.
unsafe impl<K, V> RawTable<K, V> for LinearTable<K, V> {
    type Slot = usize;
    type Vacancy = usize;
    type RawIter = LinearSlots<K, V>;
    type IntoIter = LinearIntoIter<K, V>;

    fn with_capacity(capacity: usize) -> Self {
        let mut t = LinearTable {
            slots: Vec::new(),
            items: 0,
            tombstones: 0,
            grows: 0,
            same_size_grows: 0,
            entries_moved: 0,
            hook: None,
        };
        if capacity > 0 {
            // A hint too large to allocate is ignored, never an abort.
            if let Some(n) = slots_for(capacity)
                .filter(|&n| n <= isize::MAX as usize / mem::size_of::<Slot<K, V>>().max(1))
            {
                if t.slots.try_reserve_exact(n).is_ok() {
                    t.slots.resize_with(n, || Slot::Empty);
                }
            }
        }
        t
    }

    fn len(&self) -> usize {
        self.items
    }

    fn capacity(&self) -> usize {
        self.slots.len() / 8 * 7
    }

    fn stats(&self) -> Stats {
        Stats {
            entries_moved: self.entries_moved,
            grows: self.grows,
            same_size_grows: self.same_size_grows,
            capacity: self.capacity() as u64,
            native_capacity: self.slots.len() as u64,
            native_unit: "slots",
            ..Stats::default()
        }
    }

    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.hook = hook;
    }

    unsafe fn entry(&self, slot: usize) -> (&K, &V) {
        match &self.slots[slot] {
            Slot::Full(k, v) => (k, v),
            _ => unreachable!("LinearTable: slot {slot} is not live"),
        }
    }

    unsafe fn entry_mut(&mut self, slot: usize) -> (&K, &mut V) {
        debug_assert!(slot < self.slots.len());
        // SAFETY: `slot < len` (the caller's slot is live); `as_mut_ptr`
        // creates no reference to the other slots, as the contract asks.
        match unsafe { &mut *self.slots.as_mut_ptr().add(slot) } {
            Slot::Full(k, v) => (&*k, v),
            _ => unreachable!("LinearTable: slot {slot} is not live"),
        }
    }

    unsafe fn raw_iter(&self) -> LinearSlots<K, V> {
        LinearSlots {
            base: self.slots.as_ptr(),
            next: 0,
            end: self.slots.len(),
        }
    }

    fn into_entries(self) -> Self::IntoIter {
        let mut this = self;
        LinearIntoIter {
            slots: mem::take(&mut this.slots).into_iter(),
            left: this.items,
        }
    }

    fn take(&mut self) -> Self {
        let mut taken = Self::with_capacity(0);
        mem::swap(&mut taken.slots, &mut self.slots);
        taken.items = mem::take(&mut self.items);
        self.tombstones = 0;
        taken
    }

    fn empty_clone(&self) -> Self {
        Self::with_capacity(self.items)
    }

    fn clear(&mut self) {
        self.slots.iter_mut().for_each(|s| *s = Slot::Empty);
        self.items = 0;
        self.tombstones = 0;
    }

    fn insert_vacant(
        &mut self,
        hash: u64,
        vacancy: usize,
        key: K,
        value: V,
        hasher: impl Fn(&K) -> u64,
    ) -> usize {
        let mut i = vacancy;
        let reuses_tombstone = !self.slots.is_empty() && matches!(self.slots[i], Slot::Deleted);
        if !reuses_tombstone && (self.items + self.tombstones + 1) * 8 > self.slots.len() * 7 {
            // Grow: double, unless half the load is tombstones (rebuild).
            let n = if self.tombstones > self.items {
                self.slots.len()
            } else {
                slots_for(self.items + 1)
                    .expect("capacity overflow")
                    .max(self.slots.len() * 2)
            };
            self.rebuild(n, &hasher);
            i = hash as usize & self.mask();
            while matches!(self.slots[i], Slot::Full(..)) {
                i = (i + 1) & self.mask();
            }
        }
        if matches!(self.slots[i], Slot::Deleted) {
            self.tombstones -= 1;
        }
        self.slots[i] = Slot::Full(key, value);
        self.items += 1;
        i
    }

    unsafe fn remove_slot(&mut self, slot: usize) -> (K, V) {
        // A tombstone, unless the next slot is empty (then no probe can
        // need to walk past this one).
        let next_empty = matches!(self.slots[(slot + 1) & self.mask()], Slot::Empty);
        let mark = if next_empty {
            Slot::Empty
        } else {
            Slot::Deleted
        };
        self.tombstones += usize::from(!next_empty);
        self.items -= 1;
        match mem::replace(&mut self.slots[slot], mark) {
            Slot::Full(k, v) => (k, v),
            _ => unreachable!("LinearTable: slot {slot} is not live"),
        }
    }

    fn try_reserve(
        &mut self,
        additional: usize,
        hasher: impl Fn(&K) -> u64,
    ) -> Result<(), TryReserveError> {
        let need = self
            .items
            .checked_add(additional)
            .ok_or(TryReserveError::CapacityOverflow)?;
        if need + self.tombstones <= self.capacity() {
            return Ok(());
        }
        let n = slots_for(need).ok_or(TryReserveError::CapacityOverflow)?;
        let layout = std::alloc::Layout::array::<Slot<K, V>>(n)
            .map_err(|_| TryReserveError::CapacityOverflow)?;
        let mut probe: Vec<Slot<K, V>> = Vec::new();
        probe
            .try_reserve_exact(n)
            .map_err(|_| TryReserveError::AllocError { layout })?;
        drop(probe);
        self.rebuild(n, &hasher);
        Ok(())
    }

    fn check_invariants(&self, hasher: impl Fn(&K) -> u64) {
        self.check(hasher);
    }

    fn shrink_to(&mut self, min_capacity: usize, hasher: impl Fn(&K) -> u64) {
        if min_capacity == 0 && self.items == 0 {
            self.slots = Vec::new();
            self.tombstones = 0;
            return;
        }
        if let Some(n) = slots_for(min_capacity) {
            if n < self.slots.len() {
                self.rebuild(n, &hasher);
            }
        }
    }
}

impl<K, V> LinearTable<K, V> {
    /// See [`RawTable::check_invariants`].
    fn check(&self, hasher: impl Fn(&K) -> u64) {
        let mut full = 0;
        let mut deleted = 0;
        for (i, s) in self.slots.iter().enumerate() {
            match s {
                Slot::Full(k, _) => {
                    full += 1;
                    // No empty slot between the key's home and its slot.
                    let mut j = hasher(k) as usize & self.mask();
                    while j != i {
                        assert!(
                            !matches!(self.slots[j], Slot::Empty),
                            "slot {i} unreachable: empty slot {j} on its probe"
                        );
                        j = (j + 1) & self.mask();
                    }
                }
                Slot::Deleted => deleted += 1,
                Slot::Empty => {}
            }
        }
        assert_eq!(full, self.items, "item count");
        assert_eq!(deleted, self.tombstones, "tombstone count");
    }
}

impl<K: Borrow<Q>, V, Q: Eq + ?Sized> RawLookup<K, V, Q> for LinearTable<K, V> {
    fn find(&self, hash: u64, key: &Q) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mut i = hash as usize & self.mask();
        loop {
            match &self.slots[i] {
                Slot::Empty => return None,
                Slot::Full(k, _) if k.borrow() == key => return Some(i),
                _ => i = (i + 1) & self.mask(),
            }
        }
    }

    fn find_or_vacancy(
        &mut self,
        hash: u64,
        key: &Q,
        _hasher: impl Fn(&K) -> u64,
    ) -> Result<usize, usize> {
        if self.slots.is_empty() {
            return Err(0);
        }
        let mut i = hash as usize & self.mask();
        let mut first_free = None;
        loop {
            match &self.slots[i] {
                Slot::Empty => return Err(first_free.unwrap_or(i)),
                Slot::Full(k, _) if k.borrow() == key => return Ok(i),
                Slot::Deleted => {
                    first_free.get_or_insert(i);
                }
                Slot::Full(..) => {}
            }
            i = (i + 1) & self.mask();
        }
    }

    fn remove(&mut self, hash: u64, key: &Q, _hasher: impl Fn(&K) -> u64) -> Option<(K, V)> {
        let i = self.find(hash, key)?;
        // SAFETY: `find` returned a live slot.
        Some(unsafe { self.remove_slot(i) })
    }
}
