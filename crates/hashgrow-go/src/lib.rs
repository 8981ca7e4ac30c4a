//! # hashgrow-go: a Rust map that grows exactly like Go's
//!
//! [`GoMap`] is a hash map whose layout and growth reproduce the Go 1.19
//! runtime map (`runtime/map.go`, 64-bit) operation for operation: fed the
//! same keys with the same hashes, it has the same buckets, the same
//! overflow chains, starts and ends the same grows on the same operations
//! and leaves every key in the same slot (checked byte for byte against the
//! real runtime by `tests/oracle_parity.rs`, through [`replay`]). It is also
//! an ordinary, fast Rust map with a `std`-like API.
//!
//! ## Layout
//!
//! `2^B` buckets; a bucket holds 8 tophash bytes, 8 keys, 8 values and a
//! link to an overflow bucket. (In memory the tophash bytes are kept apart
//! from the keys and values, in a compact array that stays in cache, and
//! new arrays are initialised bucket by bucket as evacuation reaches them:
//! a different layout from Go's `bmap` struct, with every decision — slot
//! and bucket chosen, evacuation order, overflow counting — still Go's.
//! See the `layout` module for why.) A key with hash `h` lives in the chain of
//! bucket `h & (2^B - 1)`; its tophash is the top byte of `h` (raised by 5
//! when below 5, the values 0..=4 being markers: `emptyRest`, `emptyOne`,
//! `evacuatedX`, `evacuatedY`, `evacuatedEmpty`). New entries take the first
//! empty slot of the chain; a full chain gets a new overflow bucket.
//!
//! ## Growth: when, and what moves
//!
//! Only inserting a **new** key, while no grow is in progress, can start a
//! grow:
//!
//! * more than 8 entries and more than 6.5 per bucket → **double** (`B+1`);
//! * else, as many overflow buckets as buckets (`noverflow >= 2^min(B,15)`)
//!   → **same-size grow**, which compacts chains left sparse by deletes.
//!
//! Starting a grow moves nothing: the old array is kept. From then on,
//! every write (insert, update, delete) first **evacuates** the old bucket
//! its key maps to, then old bucket `nevacuate` — at most two old chains per
//! operation, so no single operation pays for the whole table. Each entry of
//! an evacuated old bucket `i` goes to new bucket `i` (**X**) or `i + 2^oldB`
//! (**Y**), by the one new hash bit:
//!
//! ```text
//!  old array (B=2)                new array (B=3)
//!  +--------+                     +--------+
//!  | old 0  |--- h&4==0 (X) ----> | new 0  |
//!  |        |--- h&4!=0 (Y) --+   | new 1  |
//!  | old 1  |                 |   | new 2  |
//!  | old 2  |                 |   | new 3  |
//!  | old 3  |                 +-> | new 4  |   new i+4 is old i's Y half
//!  +--------+                     | ...    |
//!   ^ nevacuate: all old buckets  | new 7  |
//!     below it are evacuated      +--------+
//! ```
//!
//! Lookups read the old bucket while it is not evacuated and never move
//! anything. The grow ends when `nevacuate` reaches the end of the old
//! array. The rule is written once, in the `growth` module; `evacuate` and
//! `lookup` hold the mechanics.
//!
//! ```
//! use hashgrow_go::GoMap;
//!
//! let mut m = GoMap::new();
//! for k in 0..1000u64 {
//!     m.insert(k, k * 2);
//! }
//! assert_eq!(m.get(&500), Some(&1000));
//! let s = m.stats();
//! assert_eq!(s.log2_buckets, 8); // 6.5 * 2^7 = 832 < 1000 <= 6.5 * 2^8
//! assert!(s.entries_moved > 0);
//! ```
//!
//! ## Panics in `Hash` or `Eq`
//!
//! A key whose `Hash` or `Eq` panics never causes undefined behaviour, a
//! double drop or a leak, and leaves the map usable, holding what it held
//! before the call. A panic from `Eq` can only come during a chain walk,
//! which changes nothing. A panic from `Hash` can also come during an
//! evacuation (which re-hashes every moved key, as Go does): evacuation
//! makes every X/Y choice of a chain before moving anything, so the old
//! bucket is left as it was. The tests in `tests/panic_safety.rs` pin this
//! down.
//!
//! ## Differences from the runtime
//!
//! * Iteration order is deterministic (see [`GoMap::iter`]); Go randomizes it.
//! * There is no hash seed: the hash is the `BuildHasher`'s (FxHash by
//!   default). A replay uses the recorded runtime hashes instead.
//! * From `B = 16` on, the runtime counts overflow buckets at random; we use
//!   a fixed-seed generator with the same probabilities.
//! * Overflow buckets come from per-generation chunks instead of one by one
//!   (this changes where they live, not how many are counted).
//! * Memory: tophash bytes apart from the slots; a new bucket array is not
//!   zeroed when a grow starts but initialised bucket by bucket during
//!   evacuation; an old generation is freed piece by piece by the writes
//!   after its grow ends (Go: by the GC). This keeps the worst single
//!   operation small instead of O(table size).
//! * No iterator can run during a write (the borrow checker forbids it), so
//!   the runtime's iterator flags have no counterpart.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod layout;

mod group;

mod growth;

mod evacuate;

mod lookup;

mod raw;

mod invariants;
mod iter;
mod map;
pub mod replay;
#[cfg(test)]
mod tests;

pub use hashgrow::map::Entry;
pub use hashgrow::{DefaultHashBuilder, Event, EventHook, Map, Stats};
pub use iter::IntoIter;
pub use map::{GoMap, GoSlot, GoSlots, GoTable, GoVacancy};

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
