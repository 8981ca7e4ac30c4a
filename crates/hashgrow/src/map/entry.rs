//! The entry API: [`Entry`], [`OccupiedEntry`], [`VacantEntry`].

use std::fmt;
use std::hash::{BuildHasher, Hash};

use super::{make_hasher, Map};
use crate::raw::RawTable;

/// A view into one key's place in a [`Map`]: present or absent. Made by
/// [`Map::entry`].
pub enum Entry<'a, K, V, R: RawTable<K, V>, S> {
    /// The key is present.
    Occupied(OccupiedEntry<'a, K, V, R, S>),
    /// The key is absent.
    Vacant(VacantEntry<'a, K, V, R, S>),
}

/// A present key's entry.
pub struct OccupiedEntry<'a, K, V, R: RawTable<K, V>, S> {
    pub(super) map: &'a mut Map<K, V, R, S>,
    pub(super) slot: R::Slot,
}

/// An absent key's entry: where it would go.
pub struct VacantEntry<'a, K, V, R: RawTable<K, V>, S> {
    pub(super) map: &'a mut Map<K, V, R, S>,
    pub(super) hash: u64,
    pub(super) key: K,
    pub(super) vacancy: R::Vacancy,
}

impl<'a, K: Hash, V, R: RawTable<K, V>, S: BuildHasher> Entry<'a, K, V, R, S> {
    /// The value, inserting `default` if the key is absent.
    ///
    /// ```
    /// let mut m = hashgrow::linear::LinearMap::new();
    /// *m.entry("a").or_insert(0) += 5;
    /// assert_eq!(m["a"], 5);
    /// ```
    pub fn or_insert(self, default: V) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default),
        }
    }

    /// The value, inserting `f()` if the key is absent.
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<&str, Vec<u8>> = hashgrow::linear::LinearMap::new();
    /// m.entry("a").or_insert_with(Vec::new).push(1);
    /// assert_eq!(m["a"], [1]);
    /// ```
    pub fn or_insert_with<F: FnOnce() -> V>(self, f: F) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(f()),
        }
    }

    /// The value, inserting `f(&key)` if the key is absent.
    ///
    /// ```
    /// let mut m = hashgrow::linear::LinearMap::new();
    /// m.entry("abc").or_insert_with_key(|k| k.len());
    /// assert_eq!(m["abc"], 3);
    /// ```
    pub fn or_insert_with_key<F: FnOnce(&K) -> V>(self, f: F) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let v = f(e.key());
                e.insert(v)
            }
        }
    }

    /// The value, inserting `V::default()` if the key is absent.
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<&str, u32> = hashgrow::linear::LinearMap::new();
    /// *m.entry("a").or_default() += 1;
    /// assert_eq!(m["a"], 1);
    /// ```
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    /// Runs `f` on the value if the key is present.
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<&str, u32> = [("a", 1)].into();
    /// m.entry("a").and_modify(|v| *v += 1).or_insert(0);
    /// m.entry("b").and_modify(|v| *v += 1).or_insert(0);
    /// assert_eq!((m["a"], m["b"]), (2, 0));
    /// ```
    pub fn and_modify<F: FnOnce(&mut V)>(mut self, f: F) -> Self {
        if let Entry::Occupied(e) = &mut self {
            f(e.get_mut());
        }
        self
    }

    /// Sets the value (inserting the key if absent) and returns the
    /// occupied entry.
    ///
    /// ```
    /// let mut m = hashgrow::linear::LinearMap::new();
    /// let e = m.entry("a").insert_entry(7);
    /// assert_eq!(e.get(), &7);
    /// ```
    pub fn insert_entry(self, value: V) -> OccupiedEntry<'a, K, V, R, S> {
        match self {
            Entry::Occupied(mut e) => {
                e.insert(value);
                e
            }
            Entry::Vacant(e) => e.insert_entry(value),
        }
    }

    /// The entry's key.
    ///
    /// ```
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = hashgrow::linear::LinearMap::new();
    /// assert_eq!(m.entry("a").key(), &"a");
    /// ```
    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(e) => e.key(),
            Entry::Vacant(e) => e.key(),
        }
    }
}

impl<'a, K, V, R: RawTable<K, V>, S> OccupiedEntry<'a, K, V, R, S> {
    /// The stored key.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = [("a", 1)].into();
    /// if let Entry::Occupied(e) = m.entry("a") {
    ///     assert_eq!(e.key(), &"a");
    /// }
    /// ```
    pub fn key(&self) -> &K {
        // SAFETY: the slot is live while the entry borrows the map.
        unsafe { self.map.raw.entry(self.slot) }.0
    }

    /// The value.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = [("a", 1)].into();
    /// if let Entry::Occupied(e) = m.entry("a") {
    ///     assert_eq!(e.get(), &1);
    /// }
    /// ```
    pub fn get(&self) -> &V {
        // SAFETY: live slot.
        unsafe { self.map.raw.entry(self.slot) }.1
    }

    /// The value, writable.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = [("a", 1)].into();
    /// if let Entry::Occupied(mut e) = m.entry("a") {
    ///     *e.get_mut() += 1;
    /// }
    /// assert_eq!(m["a"], 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut V {
        // SAFETY: live slot; the entry holds the map's unique borrow.
        unsafe { self.map.raw.entry_mut(self.slot) }.1
    }

    /// The value, writable, for as long as the map's borrow.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = [("a", 1)].into();
    /// if let Entry::Occupied(e) = m.entry("a") {
    ///     *e.into_mut() = 9;
    /// }
    /// assert_eq!(m["a"], 9);
    /// ```
    pub fn into_mut(self) -> &'a mut V {
        // SAFETY: live slot; the returned borrow is the map's.
        unsafe { self.map.raw.entry_mut(self.slot) }.1
    }

    /// Replaces the value, returning the old one.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = [("a", 1)].into();
    /// if let Entry::Occupied(mut e) = m.entry("a") {
    ///     assert_eq!(e.insert(5), 1);
    /// }
    /// ```
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }

    /// Removes the entry, returning the key and value. Moves no other
    /// entry (the write's growth work was done when the entry was made).
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = [("a", 1)].into();
    /// if let Entry::Occupied(e) = m.entry("a") {
    ///     assert_eq!(e.remove_entry(), ("a", 1));
    /// }
    /// assert!(m.is_empty());
    /// ```
    pub fn remove_entry(self) -> (K, V) {
        // SAFETY: live slot, removed once (the entry is consumed).
        unsafe { self.map.raw.remove_slot(self.slot) }
    }

    /// Removes the entry, returning the value.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = [("a", 1)].into();
    /// if let Entry::Occupied(e) = m.entry("a") {
    ///     assert_eq!(e.remove(), 1);
    /// }
    /// ```
    pub fn remove(self) -> V {
        self.remove_entry().1
    }
}

impl<'a, K: Hash, V, R: RawTable<K, V>, S: BuildHasher> VacantEntry<'a, K, V, R, S> {
    /// The key that would be inserted.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = hashgrow::linear::LinearMap::new();
    /// if let Entry::Vacant(e) = m.entry("a") {
    ///     assert_eq!(e.key(), &"a");
    /// }
    /// ```
    pub fn key(&self) -> &K {
        &self.key
    }

    /// Gives the key back, inserting nothing.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<String, u8> = hashgrow::linear::LinearMap::new();
    /// if let Entry::Vacant(e) = m.entry("a".to_string()) {
    ///     assert_eq!(e.into_key(), "a");
    /// }
    /// assert!(m.is_empty());
    /// ```
    pub fn into_key(self) -> K {
        self.key
    }

    /// Inserts the key with `value` (which may grow the map, by the
    /// strategy's rule) and returns the value, writable.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = hashgrow::linear::LinearMap::new();
    /// if let Entry::Vacant(e) = m.entry("a") {
    ///     *e.insert(1) += 1;
    /// }
    /// assert_eq!(m["a"], 2);
    /// ```
    pub fn insert(self, value: V) -> &'a mut V {
        self.insert_entry(value).into_mut()
    }

    /// Inserts the key with `value` and returns the occupied entry.
    ///
    /// ```
    /// use hashgrow::map::Entry;
    /// let mut m: hashgrow::linear::LinearMap<&str, u8> = hashgrow::linear::LinearMap::new();
    /// if let Entry::Vacant(e) = m.entry("a") {
    ///     assert_eq!(e.insert_entry(3).key(), &"a");
    /// }
    /// ```
    pub fn insert_entry(self, value: V) -> OccupiedEntry<'a, K, V, R, S> {
        let map = self.map;
        let slot = map.raw.insert_vacant(
            self.hash,
            self.vacancy,
            self.key,
            value,
            make_hasher(&map.hash_builder),
        );
        OccupiedEntry { map, slot }
    }
}

impl<K: fmt::Debug, V: fmt::Debug, R: RawTable<K, V>, S> fmt::Debug for Entry<'_, K, V, R, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Occupied(e) => f.debug_tuple("Entry").field(e).finish(),
            Entry::Vacant(e) => f.debug_tuple("Entry").field(e).finish(),
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug, R: RawTable<K, V>, S> fmt::Debug
    for OccupiedEntry<'_, K, V, R, S>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OccupiedEntry")
            .field("key", self.key())
            .field("value", self.get())
            .finish()
    }
}

impl<K: fmt::Debug, V, R: RawTable<K, V>, S> fmt::Debug for VacantEntry<'_, K, V, R, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("VacantEntry").field(&self.key).finish()
    }
}
