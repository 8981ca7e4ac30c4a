//! The entry API: [`Entry`], [`OccupiedEntry`], [`VacantEntry`].

use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::mem;

use crate::layout::Bucket;
use crate::lookup::VacantPos;
use crate::map::GoMap;

/// A view into one key's place in a [`GoMap`], from [`GoMap::entry`].
pub enum Entry<'a, K, V, S> {
    /// The key is present.
    Occupied(OccupiedEntry<'a, K, V, S>),
    /// The key is absent.
    Vacant(VacantEntry<'a, K, V, S>),
}

/// A present key's entry.
pub struct OccupiedEntry<'a, K, V, S> {
    pub(crate) map: &'a mut GoMap<K, V, S>,
    pub(crate) head: Bucket<K, V>,
    pub(crate) bucket: Bucket<K, V>,
    pub(crate) idx: usize,
}

/// An absent key's entry; [`insert`](VacantEntry::insert) adds it.
pub struct VacantEntry<'a, K, V, S> {
    pub(crate) map: &'a mut GoMap<K, V, S>,
    pub(crate) hash: u64,
    pub(crate) key: K,
    pub(crate) pos: VacantPos<K, V>,
}

impl<'a, K: Hash + Eq, V, S: BuildHasher> Entry<'a, K, V, S> {
    /// The value, inserting `default` first if the key is absent.
    ///
    /// ```
    /// let mut m = hashgrow_go::GoMap::new();
    /// *m.entry("x").or_insert(1) += 1;
    /// assert_eq!(m["x"], 2);
    /// ```
    pub fn or_insert(self, default: V) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default),
        }
    }

    /// The value, inserting `f()` first if the key is absent.
    ///
    /// ```
    /// let mut m: hashgrow_go::GoMap<&str, Vec<u8>> = hashgrow_go::GoMap::new();
    /// m.entry("v").or_insert_with(Vec::new).push(1);
    /// assert_eq!(m["v"], [1]);
    /// ```
    pub fn or_insert_with<F: FnOnce() -> V>(self, f: F) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(f()),
        }
    }

    /// The value, inserting `f(&key)` first if the key is absent.
    pub fn or_insert_with_key<F: FnOnce(&K) -> V>(self, f: F) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let v = f(&e.key);
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

    /// Applies `f` to the value if the key is present.
    ///
    /// ```
    /// let mut m = hashgrow_go::GoMap::new();
    /// m.entry(1).and_modify(|v| *v += 1).or_insert(10);
    /// m.entry(1).and_modify(|v| *v += 1).or_insert(10);
    /// assert_eq!(m[&1], 11);
    /// ```
    pub fn and_modify<F: FnOnce(&mut V)>(mut self, f: F) -> Self {
        if let Entry::Occupied(e) = &mut self {
            f(e.get_mut());
        }
        self
    }

    /// Sets the value (inserting the key if absent) and returns the
    /// occupied entry.
    pub fn insert_entry(self, value: V) -> OccupiedEntry<'a, K, V, S> {
        match self {
            Entry::Occupied(mut e) => {
                e.insert(value);
                e
            }
            Entry::Vacant(e) => e.insert_entry(value),
        }
    }

    /// The entry's key (the stored key when present).
    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(e) => e.key(),
            Entry::Vacant(e) => e.key(),
        }
    }
}

impl<'a, K, V, S> OccupiedEntry<'a, K, V, S> {
    /// The stored key.
    pub fn key(&self) -> &K {
        // SAFETY: the slot is live while the entry borrows the map.
        unsafe { &*self.bucket.key(self.idx) }
    }

    /// The value.
    pub fn get(&self) -> &V {
        // SAFETY: the slot is live while the entry borrows the map.
        unsafe { &*self.bucket.val(self.idx) }
    }

    /// The value, mutably.
    pub fn get_mut(&mut self) -> &mut V {
        // SAFETY: live slot; the entry holds the map's unique borrow.
        unsafe { &mut *self.bucket.val(self.idx) }
    }

    /// The value, with the map's lifetime.
    pub fn into_mut(self) -> &'a mut V {
        // SAFETY: live slot; the map stays mutably borrowed for `'a`.
        unsafe { &mut *self.bucket.val(self.idx) }
    }

    /// Replaces the value, returning the old one.
    pub fn insert(&mut self, value: V) -> V {
        mem::replace(self.get_mut(), value)
    }

    /// Removes the entry (as Go's delete would, minus its `grow_work`,
    /// which `GoMap::entry` already ran) and returns the stored key and
    /// value.
    pub fn remove_entry(self) -> (K, V) {
        // SAFETY: `(bucket, idx)` is a live slot of the new-array chain
        // `head` (found by the assign walk, nothing moved since).
        unsafe { self.map.raw.take(self.head, self.bucket, self.idx) }
    }

    /// Removes the entry and returns its value.
    ///
    /// ```
    /// use hashgrow_go::Entry;
    /// let mut m = hashgrow_go::GoMap::new();
    /// m.insert(1, "a");
    /// if let Entry::Occupied(e) = m.entry(1) {
    ///     assert_eq!(e.remove(), "a");
    /// }
    /// assert!(m.is_empty());
    /// ```
    pub fn remove(self) -> V {
        self.remove_entry().1
    }
}

impl<'a, K: Hash + Eq, V, S: BuildHasher> VacantEntry<'a, K, V, S> {
    /// The key that would be inserted.
    pub fn key(&self) -> &K {
        &self.key
    }

    /// Takes the key back.
    pub fn into_key(self) -> K {
        self.key
    }

    /// Inserts the key with `value` (this is where a grow may start) and
    /// returns the value.
    pub fn insert(self, value: V) -> &'a mut V {
        self.insert_entry(value).into_mut()
    }

    /// Inserts and returns the occupied entry.
    pub fn insert_entry(self, value: V) -> OccupiedEntry<'a, K, V, S> {
        let VacantEntry {
            map,
            hash,
            key,
            pos,
        } = self;
        let (b, i) = map.insert_new(hash, key, pos, value);
        // SAFETY: the array exists: we just inserted.
        let head = unsafe { map.raw.chain_head(hash) };
        OccupiedEntry {
            map,
            head,
            bucket: b,
            idx: i,
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug, S> fmt::Debug for Entry<'_, K, V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Occupied(e) => f.debug_tuple("Occupied").field(e).finish(),
            Entry::Vacant(e) => f.debug_tuple("Vacant").field(e).finish(),
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug, S> fmt::Debug for OccupiedEntry<'_, K, V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OccupiedEntry")
            .field("key", self.key())
            .field("value", self.get())
            .finish()
    }
}

impl<K: fmt::Debug, V, S> fmt::Debug for VacantEntry<'_, K, V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("VacantEntry").field(&self.key).finish()
    }
}
