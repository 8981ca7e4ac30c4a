//! `Table` impls for the baselines, `hashbrown::HashMap` and
//! `std::collections::HashMap`.
//!
//! Neither map reports its growth, so it is derived from outside. Both grow
//! only inside `insert` (or `reserve`), and when they do they move every
//! entry present into a new allocation, after which `capacity()` is larger
//! than it ever was: so on every insert that raises `capacity()` above its
//! previous maximum, the length before the insert is added to
//! `entries_moved` (exact) and one grow is counted.
//!
//! `capacity()` also moves by one when removes leave tombstones (it is
//! `len + growth_left`), which is not a grow. When tombstones use up the
//! room, an insert rehashes the table *in place* (same allocation, entries
//! shuffled within it), and `capacity()` jumps back to its maximum by more
//! than one: that is counted as a same-size grow, and its length before the
//! insert is added to `entries_moved` as an upper bound (in-place rehash
//! visits every entry but leaves some where they are). [`Counted`] does that bookkeeping; [`Plain`] is the bare map for
//! the timed passes, so the bookkeeping never sits inside a measured loop.

use std::hash::{BuildHasher, Hash};

use hashgrow::{Stats, Table};

/// The maps a baseline can be (both have the same API shape).
pub trait BaselineMap<K, V>: Sized {
    /// An empty map.
    fn make(capacity: usize) -> Self;
    fn insert(&mut self, k: K, v: V) -> Option<V>;
    fn get(&self, k: &K) -> Option<&V>;
    fn remove(&mut self, k: &K) -> Option<V>;
    fn len(&self) -> usize;
    fn capacity(&self) -> usize;
}

macro_rules! baseline_map {
    ($map:ty) => {
        impl<K: Hash + Eq, V, S: BuildHasher + Default> BaselineMap<K, V> for $map {
            fn make(capacity: usize) -> Self {
                <$map>::with_capacity_and_hasher(capacity, S::default())
            }
            #[inline]
            fn insert(&mut self, k: K, v: V) -> Option<V> {
                <$map>::insert(self, k, v)
            }
            #[inline]
            fn get(&self, k: &K) -> Option<&V> {
                <$map>::get(self, k)
            }
            #[inline]
            fn remove(&mut self, k: &K) -> Option<V> {
                <$map>::remove(self, k)
            }
            #[inline]
            fn len(&self) -> usize {
                <$map>::len(self)
            }
            #[inline]
            fn capacity(&self) -> usize {
                <$map>::capacity(self)
            }
        }
    };
}

baseline_map!(hashbrown::HashMap<K, V, S>);
baseline_map!(std::collections::HashMap<K, V, S>);
baseline_map!(griddle::HashMap<K, V, S>);

/// How many old entries griddle moves per insert while it is split between
/// an old and a new table (its `R` constant in griddle 0.6).
pub const GRIDDLE_MOVES_PER_INSERT: u64 = 8;

/// A baseline map with no bookkeeping: for timed passes. Its stats carry
/// only the capacity.
pub struct Plain<M>(pub M);

impl<K, V, M: BaselineMap<K, V>> Table<K, V> for Plain<M> {
    #[inline]
    fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.0.insert(key, value)
    }
    #[inline]
    fn get(&self, key: &K) -> Option<&V> {
        self.0.get(key)
    }
    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        self.0.remove(key)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn stats(&self) -> Stats {
        Stats {
            capacity: self.0.capacity() as u64,
            native_capacity: self.0.capacity() as u64,
            native_unit: "entries (capacity())",
            ..Stats::default()
        }
    }
}

/// A baseline map whose growth is counted from outside (see the module
/// docs). Capacity is in entries, as the baselines report it.
///
/// With `incremental` set (griddle), the moves a grow owes are not counted
/// at once: griddle allocates the new table when its capacity changes and
/// then moves [`GRIDDLE_MOVES_PER_INSERT`] old entries on each later insert,
/// so the count is spread the same way (derived from griddle's documented
/// rule, not observed: griddle does not expose its split state).
pub struct Counted<M> {
    map: M,
    stats: Stats,
    /// The largest `capacity()` seen: a new allocation exceeds it.
    max_capacity: u64,
    incremental: bool,
    owed: u64,
}

impl<M> Counted<M> {
    /// Wraps `map`.
    pub fn new<K, V>(map: M) -> Self
    where
        M: BaselineMap<K, V>,
    {
        let capacity = map.capacity() as u64;
        Counted {
            map,
            stats: Stats {
                capacity,
                ..Stats::default()
            },
            max_capacity: capacity,
            incremental: false,
            owed: 0,
        }
    }

    /// Wraps a map that moves its entries incrementally (griddle).
    pub fn incremental<K, V>(map: M) -> Self
    where
        M: BaselineMap<K, V>,
    {
        let mut counted = Counted::new(map);
        counted.incremental = true;
        counted.stats.modelled = true;
        counted
    }
}

impl<K, V, M: BaselineMap<K, V>> Table<K, V> for Counted<M> {
    #[inline]
    fn insert(&mut self, key: K, value: V) -> Option<V> {
        let len_before = self.map.len() as u64;
        let r = self.map.insert(key, value);
        let cap = self.map.capacity() as u64;
        if cap > self.max_capacity {
            if self.incremental {
                // Entries a previous split still owed are moved first.
                self.stats.entries_moved += self.owed;
                self.owed = len_before;
            } else {
                self.stats.entries_moved += len_before;
            }
            // The first allocation is not a grow (see `Stats::grows`).
            if self.max_capacity > 0 {
                self.stats.grows += 1;
            }
            self.max_capacity = cap;
        } else if cap == self.max_capacity && self.stats.capacity + 1 < cap {
            // Back to full room by more than one slot: an in-place rehash.
            self.stats.entries_moved += len_before;
            self.stats.same_size_grows += 1;
        }
        self.stats.capacity = cap;
        self.stats.native_capacity = cap;
        if self.owed > 0 {
            let step = self.owed.min(GRIDDLE_MOVES_PER_INSERT);
            self.owed -= step;
            self.stats.entries_moved += step;
        }
        self.stats.growing = self.owed > 0;
        r
    }
    #[inline]
    fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }
    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        // Neither baseline shrinks on remove, but a removal never moves
        // anything either, so only the capacity is refreshed.
        let r = self.map.remove(key);
        self.stats.capacity = self.map.capacity() as u64;
        r
    }
    fn len(&self) -> usize {
        self.map.len()
    }
    fn stats(&self) -> Stats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hashgrow::hash::FxBuildHasher;

    #[test]
    fn counted_adds_the_length_at_each_capacity_change() {
        let mut m: Counted<hashbrown::HashMap<u64, u64, FxBuildHasher>> =
            Counted::new(BaselineMap::make(0));
        let mut expected = 0;
        let mut caps = vec![];
        for k in 0..1000u64 {
            let cap = m.stats().capacity;
            let len = m.len() as u64;
            m.insert(k, k);
            if m.stats().capacity != cap {
                expected += len;
                caps.push(m.stats().capacity);
            }
        }
        assert_eq!(m.stats().entries_moved, expected);
        // The first allocation (0 -> 3) is not a grow.
        assert_eq!(m.stats().grows as usize, caps.len() - 1);
        // hashbrown: 3, 7, 14, 28, 56, 112, 224, 448, 896, 1792 entries.
        assert_eq!(caps, [3, 7, 14, 28, 56, 112, 224, 448, 896, 1792]);
        assert_eq!(expected, 3 + 7 + 14 + 28 + 56 + 112 + 224 + 448 + 896);
    }

    #[test]
    fn preallocated_baseline_moves_nothing() {
        let mut m: Counted<std::collections::HashMap<u64, u64, FxBuildHasher>> =
            Counted::new(BaselineMap::make(1000));
        for k in 0..1000u64 {
            m.insert(k, k);
        }
        assert_eq!(m.stats().entries_moved, 0);
        assert_eq!(m.stats().grows, 0);
    }

    #[test]
    fn tombstones_are_not_counted_as_grows() {
        let mut m: Counted<hashbrown::HashMap<u64, u64, FxBuildHasher>> =
            Counted::new(BaselineMap::make(0));
        for k in 0..1000u64 {
            m.insert(k, k);
        }
        let grows = m.stats().grows;
        for k in 1000..200_000u64 {
            m.remove(&(k - 1000));
            m.insert(k, k);
        }
        let s = m.stats();
        // 199,000 remove + insert pairs: capacity() wobbles with every
        // tombstone, but the table never needs a new allocation.
        assert_eq!(s.grows, grows, "{s:?}");
        assert!(s.entries_moved < 10_000, "{s:?}");
    }
}
