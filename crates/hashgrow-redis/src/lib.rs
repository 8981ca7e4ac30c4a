//! # hashgrow-redis (docs below are expanded later)

#![warn(missing_docs)]

mod arena;
mod buckets;
mod dict;
pub mod raw;
pub mod replay;
#[cfg(test)]
mod tests;

pub use dict::{Chain, RedisTable, EMPTY_VISITS_PER_BUCKET, INITIAL_SIZE, MIN_FILL_PERCENT};
