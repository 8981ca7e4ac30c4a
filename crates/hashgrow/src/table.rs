use crate::{EventHook, Stats};

/// The operations every growth strategy offers, so that one benchmark or
/// replay loop can drive any of them.
///
/// The strategy crates implement it for their maps (`StwMap`, `GoMap`,
/// `JavaMap`); the bench crate implements it for `hashbrown::HashMap` and
/// `std::collections::HashMap`, deriving their [`Stats`] from the outside.
pub trait Table<K, V> {
    /// Inserts `key` with `value`. Returns the previous value if the key was
    /// present (the key itself is then not replaced), `None` otherwise.
    fn insert(&mut self, key: K, value: V) -> Option<V>;

    /// Returns the value stored for `key`, if any. Never grows or moves
    /// anything (a Go-style lookup reads an unevacuated bucket in place).
    fn get(&self, key: &K) -> Option<&V>;

    /// Removes `key` and returns its value, if it was present.
    fn remove(&mut self, key: &K) -> Option<V>;

    /// Number of entries in the table.
    fn len(&self) -> usize;

    /// `true` when the table holds no entry.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A snapshot of the growth counters. Cheap: a copy of a few words.
    fn stats(&self) -> Stats;

    /// Installs (or, with `None`, removes) the event hook. Strategies that
    /// cannot observe their own growth (the baselines) ignore it; the default
    /// implementation does.
    fn set_event_hook(&mut self, hook: Option<EventHook>) {
        let _ = hook;
    }
}
