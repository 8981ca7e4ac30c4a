//! The Entry API ([`JavaMap::entry`](crate::JavaMap::entry)), as std's.

use std::fmt;

use crate::raw::{Put, RawTable};

/// A view into one key's place in a [`JavaMap`](crate::JavaMap): occupied
/// or vacant.
pub enum Entry<'a, K, V> {
    /// The key is present.
    Occupied(OccupiedEntry<'a, K, V>),
    /// The key is absent.
    Vacant(VacantEntry<'a, K, V>),
}

/// A present key's entry.
pub struct OccupiedEntry<'a, K, V> {
    pub(crate) raw: &'a mut RawTable<K, V>,
    pub(crate) hash: u32,
    pub(crate) index: u32,
}

/// An absent key's entry.
pub struct VacantEntry<'a, K, V> {
    pub(crate) raw: &'a mut RawTable<K, V>,
    pub(crate) hash: u32,
    pub(crate) key: K,
}

impl<'a, K: Ord, V> Entry<'a, K, V> {
    /// The value, inserting `default` first if the key is absent.
    pub fn or_insert(self, default: V) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default),
        }
    }

    /// The value, inserting `default()` first if the key is absent.
    pub fn or_insert_with<F: FnOnce() -> V>(self, default: F) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default()),
        }
    }

    /// The value, inserting `default(&key)` first if the key is absent.
    pub fn or_insert_with_key<F: FnOnce(&K) -> V>(self, default: F) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let v = default(&e.key);
                e.insert(v)
            }
        }
    }

    /// The value, inserting `V::default()` first if the key is absent.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    /// Calls `f` on the value if the key is present.
    pub fn and_modify<F: FnOnce(&mut V)>(mut self, f: F) -> Self {
        if let Entry::Occupied(e) = &mut self {
            f(e.get_mut());
        }
        self
    }

    /// The key (the stored one if present, else the one given).
    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(e) => e.key(),
            Entry::Vacant(e) => e.key(),
        }
    }
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    /// The stored key.
    pub fn key(&self) -> &K {
        self.raw.arena.key(self.index)
    }
    /// The value.
    pub fn get(&self) -> &V {
        self.raw.arena.value(self.index)
    }
    /// The value, mutably.
    pub fn get_mut(&mut self) -> &mut V {
        self.raw.arena.value_mut(self.index)
    }
    /// The value, mutably, for the map's borrow.
    pub fn into_mut(self) -> &'a mut V {
        self.raw.arena.value_mut(self.index)
    }
    /// Replaces the value, returning the old one.
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }
    /// Removes the entry, returning its value.
    pub fn remove(self) -> V {
        self.remove_entry().1
    }
    /// Removes the entry, returning the stored key and the value.
    pub fn remove_entry(self) -> (K, V) {
        self.raw.remove_node(self.hash, self.index)
    }
}

impl<'a, K: Ord, V> VacantEntry<'a, K, V> {
    /// The key given to `entry`.
    pub fn key(&self) -> &K {
        &self.key
    }
    /// Takes the key back.
    pub fn into_key(self) -> K {
        self.key
    }
    /// Inserts the key with `value` (as [`JavaMap::insert`] would: this may
    /// treeify its bin or resize the table) and returns the value.
    ///
    /// [`JavaMap::insert`]: crate::JavaMap::insert
    pub fn insert(self, value: V) -> &'a mut V {
        let i = match self.raw.put(self.hash, self.key, value) {
            Put::Inserted(i) => i,
            Put::Present(..) => unreachable!("VacantEntry: the key appeared"),
        };
        // Nodes never move, so `i` is still the new node after a resize.
        self.raw.arena.value_mut(i)
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for Entry<'_, K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Occupied(e) => f
                .debug_struct("Occupied")
                .field("key", e.key())
                .field("value", e.get())
                .finish(),
            Entry::Vacant(e) => f.debug_tuple("Vacant").field(&e.key).finish(),
        }
    }
}
