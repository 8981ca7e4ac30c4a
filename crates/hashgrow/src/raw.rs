//! The raw-table contract: what a growth strategy implements so that the
//! shared, std-shaped [`Map`](crate::map::Map) facade can sit on it.
//!
//! This is the split hashbrown makes between its `HashMap` and its
//! `RawTable`: the facade owns the hasher, hashes keys and offers the whole
//! `std::collections::HashMap` API once; a strategy crate is only its
//! layout, its growth rule, its evacuation/split/rehash and its lookup,
//! behind the two traits below.
//!
//! - [`RawTable`]: everything that does not compare keys (sizes, slots,
//!   iteration, inserting into a vacancy, removing a found slot, reserve,
//!   shrink, stats, events).
//! - [`RawLookup<K, V, Q>`](RawLookup): finding a key given as `&Q`. It is a
//!   separate trait so each strategy states what it needs of `Q`: `Eq` for
//!   most, `Ord` for Java's tree bins.
//!
//! Hashes are 64-bit, as the facade's `BuildHasher` produces them; a
//! strategy that uses fewer bits (Java's 32-bit `hashCode`) reduces them
//! itself. Growth never calls the user's hasher through `self`: every method
//! that may move entries is handed `hasher`, a closure from a key to its
//! hash, as hashbrown's raw table is.

use std::alloc::Layout;
use std::borrow::Borrow;
use std::fmt;

use crate::{EventHook, Stats};

/// The error of [`Map::try_reserve`](crate::map::Map::try_reserve).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TryReserveError {
    /// The capacity asked for does not fit the strategy's size limit (or
    /// `usize`).
    CapacityOverflow,
    /// The allocator refused a block of this layout.
    AllocError {
        /// The layout that could not be allocated.
        layout: Layout,
    },
}

impl fmt::Display for TryReserveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryReserveError::CapacityOverflow => {
                f.write_str("memory allocation failed because the computed capacity exceeded the collection's maximum")
            }
            TryReserveError::AllocError { layout } => write!(
                f,
                "memory allocation of {} bytes failed",
                layout.size()
            ),
        }
    }
}

impl std::error::Error for TryReserveError {}

/// A growth strategy's table, as the shared facade drives it.
///
/// # Slots
///
/// A [`Slot`](RawTable::Slot) names one live entry. It stays valid until the
/// table is next changed through `&mut self`, with one exception that
/// `retain`, `extract_if` and the iterators rely on: removing *another*
/// slot with [`remove_slot`](RawTable::remove_slot) and writing values
/// through [`entry_mut`](RawTable::entry_mut) leave every other slot, and
/// every [`RawIter`](RawTable::RawIter), valid.
///
/// # Safety
///
/// Implementors promise what the facade's `unsafe` code relies on:
/// - a slot returned by [`RawLookup::find`], [`RawLookup::find_or_vacancy`],
///   [`insert_vacant`](RawTable::insert_vacant) or a raw iterator names a
///   live, initialised entry, and two distinct live entries never have
///   equal slots;
/// - a raw iterator yields each live entry exactly once, exactly
///   [`len`](RawTable::len) of them, and stays valid across
///   `remove_slot` of slots it already yielded and `entry_mut` writes;
/// - [`entry_mut`](RawTable::entry_mut) creates no reference to memory
///   other than the slot's own entry, so pointers the facade took from
///   earlier `entry_mut` calls on other slots stay usable
///   (`get_disjoint_mut`);
/// - `len` is the number of live entries.
pub unsafe trait RawTable<K, V>: Sized {
    /// Names one live entry (see the trait docs for how long).
    type Slot: Copy + Eq;
    /// Where an absent key would go, found by [`RawLookup::find_or_vacancy`]
    /// and consumed by [`insert_vacant`](RawTable::insert_vacant).
    type Vacancy;
    /// Visits the live entries in the strategy's own iteration order. Holds
    /// no borrow: the facade ties it to a lifetime.
    type RawIter: Iterator<Item = Self::Slot> + Clone;
    /// Owning iterator over the entries, in the same order.
    type IntoIter: Iterator<Item = (K, V)>;

    /// An empty table sized for `capacity` as the strategy's runtime sizes
    /// `make(map, capacity)` / `new HashMap(capacity)`; hints the runtime
    /// ignores are ignored, and a hint too large is clamped or ignored,
    /// never an abort.
    fn with_capacity(capacity: usize) -> Self;

    /// An empty table as the runtime makes one with no size given (Go's
    /// `make(map[K]V)`, Java's `new HashMap<>()`, which differs from
    /// `new HashMap<>(0)`). Defaults to `with_capacity(0)`.
    fn new() -> Self {
        Self::with_capacity(0)
    }

    /// Number of live entries.
    fn len(&self) -> usize;

    /// `true` when the table holds no entry.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many entries the table holds before its next grow (the map's
    /// `capacity()`).
    fn capacity(&self) -> usize;

    /// The growth counters and the table's current state.
    fn stats(&self) -> Stats;

    /// Installs (or removes, with `None`) the event hook. Events are sent
    /// only once the state they describe is committed.
    fn set_event_hook(&mut self, hook: Option<EventHook>);

    /// The entry of `slot`.
    ///
    /// # Safety
    /// `slot` is live (see the trait docs).
    unsafe fn entry(&self, slot: Self::Slot) -> (&K, &V);

    /// The entry of `slot`, its value writable.
    ///
    /// # Safety
    /// `slot` is live.
    unsafe fn entry_mut(&mut self, slot: Self::Slot) -> (&K, &mut V);

    /// A raw iterator over the live entries.
    ///
    /// # Safety
    /// The iterator must not be used after the table is changed other than
    /// by `remove_slot` of slots it already yielded and `entry_mut` writes,
    /// nor after the table is dropped.
    unsafe fn raw_iter(&self) -> Self::RawIter;

    /// Consumes the table into its entries.
    fn into_entries(self) -> Self::IntoIter;

    /// Moves every entry out into the returned table and leaves `self`
    /// empty, configured as before (load factor and the like), with no
    /// storage: what `drain` and `mem::take` need.
    fn take(&mut self) -> Self;

    /// An empty table configured as `self`, sized as the strategy's runtime
    /// sizes a copy of a map of `self.len()` entries: what `clone` fills.
    fn empty_clone(&self) -> Self;

    /// Removes every entry; what the storage does is the runtime's rule
    /// (Go and Java keep their arrays).
    fn clear(&mut self);

    /// Inserts a new entry at a vacancy found for `hash` by
    /// [`RawLookup::find_or_vacancy`] (nothing changed the table since),
    /// growing first if the strategy's rule says so, and returns its slot.
    fn insert_vacant(
        &mut self,
        hash: u64,
        vacancy: Self::Vacancy,
        key: K,
        value: V,
        hasher: impl Fn(&K) -> u64,
    ) -> Self::Slot;

    /// Removes the entry of `slot` and returns it, moving no other entry
    /// (no growth work: this is what `retain` and an occupied entry's
    /// `remove` use).
    ///
    /// # Safety
    /// `slot` is live.
    unsafe fn remove_slot(&mut self, slot: Self::Slot) -> (K, V);

    /// Makes room for `additional` more entries without a grow, if the
    /// strategy can (Go's map cannot be reserved into and documents what it
    /// does instead). Never aborts: a size too large is an error.
    fn try_reserve(
        &mut self,
        additional: usize,
        hasher: impl Fn(&K) -> u64,
    ) -> Result<(), TryReserveError>;

    /// Shrinks the storage as far as the strategy allows while keeping room
    /// for `min_capacity` entries (a no-op for runtimes that never shrink).
    fn shrink_to(&mut self, min_capacity: usize, hasher: impl Fn(&K) -> u64);

    /// Checks every structural invariant of the table (each entry where
    /// its hash says, counts that add up, ...) and panics with a message
    /// naming the first one broken. For tests; may be slow.
    #[doc(hidden)]
    fn check_invariants(&self, hasher: impl Fn(&K) -> u64);
}

/// Finding a key given as `&Q` in a [`RawTable`] (`K: Borrow<Q>`).
///
/// Each strategy implements it for the `Q` it can search with: `Q: Eq` for
/// most, `Q: Ord` for Java's tree bins.
pub trait RawLookup<K, V, Q: ?Sized>: RawTable<K, V> {
    /// The slot of the entry whose key equals `key`, if any. Changes
    /// nothing (a Go lookup reads an unevacuated bucket in place).
    fn find(&self, hash: u64, key: &Q) -> Option<Self::Slot>;

    /// A lookup as the runtime does it when it may change the table: Redis's
    /// `dictFind` does one rehash step first, which `find` (through `&self`)
    /// cannot. The facade calls it wherever it holds `&mut self` (`get_mut`,
    /// `entry`-less lookups of a `&mut` map, replays). The default is
    /// [`find`](RawLookup::find): for runtimes whose lookups change nothing
    /// (Go, Java) the two are the same.
    fn find_mut(&mut self, hash: u64, key: &Q) -> Option<Self::Slot> {
        self.find(hash, key)
    }

    /// What an insert of `key` does before it knows whether the key is
    /// there: any growth work the runtime does on every write (Go's
    /// `growWork`, Redis's rehash step), then the key's slot or where it
    /// would go.
    fn find_or_vacancy(
        &mut self,
        hash: u64,
        key: &Q,
        hasher: impl Fn(&K) -> u64,
    ) -> Result<Self::Slot, Self::Vacancy>;

    /// The whole insert of `key -> value` (called with `Q = K`): the
    /// previous value if the key was present (the stored key kept), else a
    /// new entry. The default is [`find_or_vacancy`](RawLookup::find_or_vacancy)
    /// then [`RawTable::insert_vacant`]; a strategy whose runtime finds and
    /// links in one walk (Java's `putVal`) or can skip work the slot would
    /// need (Go's chain head) overrides it.
    #[inline]
    fn insert(&mut self, hash: u64, key: K, value: V, hasher: impl Fn(&K) -> u64) -> Option<V>
    where
        K: Borrow<Q>,
    {
        match self.find_or_vacancy(hash, key.borrow(), &hasher) {
            // SAFETY: a found slot is live; `&mut self` is unique.
            Ok(slot) => Some(std::mem::replace(unsafe { self.entry_mut(slot) }.1, value)),
            Err(vacancy) => {
                self.insert_vacant(hash, vacancy, key, value, &hasher);
                None
            }
        }
    }

    /// The runtime's delete: its growth work, then removal of `key` if
    /// present.
    fn remove(&mut self, hash: u64, key: &Q, hasher: impl Fn(&K) -> u64) -> Option<(K, V)>;
}
