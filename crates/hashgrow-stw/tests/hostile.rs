//! Hostile hashers: every key colliding, a hash that changes on every call,
//! and hashes with only their top or bottom bits set. The map must never
//! hang, panic or corrupt memory; with a deterministic hash it must also
//! keep exactly std's contents and its own invariants.

use hashgrow_stw::StwMap;

hashgrow::hostile_suite!(StwMap, grow = |m, n| m.reserve(n as usize));
