//! # hashgrow: the common ground of every growth strategy
//!
//! `hashgrow` makes hash-table growth visible and comparable. This crate holds
//! what every strategy shares:
//!
//! - [`Table`]: the trait every map implements (ours: `hashgrow-stw`,
//!   `hashgrow-go`, `hashgrow-java`; and the baselines `hashbrown` and `std`
//!   in the bench crate), so one benchmark loop drives them all;
//! - [`Stats`]: the counters each strategy reports (entries copied by growth,
//!   grows, overflow buckets, tree bins, ...), each documented with exactly
//!   what it counts;
//! - [`Event`] and [`EventHook`]: a hook that tells an observer when a grow
//!   starts or ends, when an operation evacuated entries, when a bin is
//!   treeified. It costs one never-taken branch on a cold path when unused;
//! - [`hash`]: the hash functions we compare (FxHash, SipHash-1-3, FNV-1a,
//!   a naive byte sum) and a pass-through hasher for replaying recorded
//!   hashes;
//! - [`script`]: the op-script format the oracles and `hashgrow replay`
//!   read.
//!
//! ```
//! use hashgrow::{Stats, Table};
//!
//! // Any strategy can be driven through the trait:
//! fn fill<T: Table<u64, u64>>(t: &mut T, n: u64) -> Stats {
//!     for k in 0..n {
//!         t.insert(k, k);
//!     }
//!     t.stats()
//! }
//! # struct Vecmap(Vec<(u64, u64)>);
//! # impl Table<u64, u64> for Vecmap {
//! #     fn insert(&mut self, k: u64, v: u64) -> Option<u64> { self.0.push((k, v)); None }
//! #     fn get(&self, k: &u64) -> Option<&u64> { self.0.iter().find(|e| e.0 == *k).map(|e| &e.1) }
//! #     fn remove(&mut self, _k: &u64) -> Option<u64> { None }
//! #     fn len(&self) -> usize { self.0.len() }
//! #     fn stats(&self) -> Stats { Stats::default() }
//! # }
//! let stats = fill(&mut Vecmap(Vec::new()), 10);
//! assert_eq!(stats.entries_moved, 0);
//! ```

#![warn(missing_docs)]

mod event;
pub mod explain;
pub mod hash;
pub mod linear;
pub mod map;
pub mod raw;
pub mod script;
mod stats;
mod table;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing;

pub use event::{Event, EventHook};
pub use hash::DefaultHashBuilder;
pub use map::Map;
pub use stats::Stats;
pub use table::Table;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
