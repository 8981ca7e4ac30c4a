//! Unit tests of the map's rules, API, counters, events and drops.
//! Sizes shrink under Miri.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use hashgrow::hash::{PassThroughBuildHasher, Prehashed};
use hashgrow::{Event, Table};

use crate::JavaMap;

/// These tests were written when FxHash was the default hasher; they keep
/// it, so that what they assert about layouts and grows does not depend on
/// the seed of today's default.
type FxJavaMap<K, V> = JavaMap<K, V, hashgrow::hash::FxBuildHasher>;

const BIG: u64 = if cfg!(miri) { 200 } else { 5000 };

/// A hasher with `key % 4` as the hash: every key collides with a quarter
/// of the others, so bins treeify.
#[derive(Default)]
struct Mod4(u64);
impl Hasher for Mod4 {
    fn write(&mut self, _: &[u8]) {
        unimplemented!()
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = k % 4;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
type Mod4B = BuildHasherDefault<Mod4>;

fn pre(key: i32, hash: u32) -> Prehashed<i32> {
    Prehashed {
        key,
        hash: u64::from(hash),
    }
}

#[test]
fn thresholds_follow_java() {
    let mut m = FxJavaMap::default();
    assert_eq!((m.capacity(), m.raw().threshold()), (0, 0));
    for i in 0..12u64 {
        m.insert(i, ());
    }
    assert_eq!((m.capacity(), m.raw().threshold()), (16, 12));
    m.insert(12, ());
    assert_eq!((m.capacity(), m.raw().threshold()), (32, 24));
    // Small tables: float thresholds. tableSizeFor(0) = 1, (int)0.75 = 0.
    let mut m = JavaMap::with_capacity(0);
    m.insert(1u64, ());
    assert_eq!((m.capacity(), m.raw().threshold()), (2, 1));
    let mut m = JavaMap::with_capacity(3);
    m.insert(1u64, ());
    assert_eq!((m.capacity(), m.raw().threshold()), (4, 3));
    // FxHash: even bins for these keys (a seeded hash sometimes makes a
    // 9-node bin in a table this full, and treeify resizes it early).
    let mut m =
        crate::with_capacity_and_load_factor(16, 2.0, hashgrow::hash::FxBuildHasher::default());
    for i in 0..33u64 {
        m.insert(i, ());
    }
    assert_eq!((m.capacity(), m.raw().threshold()), (32, 64));
}

#[test]
fn updates_and_gets_never_resize() {
    let mut m = FxJavaMap::default();
    for i in 0..12u64 {
        m.insert(i, 0);
    }
    for i in 0..12u64 {
        assert_eq!(m.insert(i, 1), Some(0));
        assert_eq!(m.get(&(i + 100)), None);
    }
    assert_eq!(m.capacity(), 16);
    // The first table allocation is not a grow (see `Stats::grows`).
    assert_eq!(m.stats().grows, 0);
}

#[test]
fn treeify_refused_below_64_resizes_instead() {
    let mut m = JavaMap::with_hasher(PassThroughBuildHasher);
    for k in 0..8 {
        m.insert(pre(k, 3), ());
    }
    assert_eq!(m.capacity(), 16);
    m.insert(pre(8, 3), ()); // 9th node in bin 3: resize, no tree
    assert_eq!((m.capacity(), m.raw().tree_bins()), (32, 0));
    m.insert(pre(9, 3), ());
    assert_eq!((m.capacity(), m.raw().tree_bins()), (64, 0));
    m.insert(pre(10, 3), ());
    assert_eq!((m.capacity(), m.raw().tree_bins()), (64, 1));
    m.check_invariants();
}

#[test]
fn split_paths_count_untreeify_retreeify_and_keep() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let mut m = JavaMap::with_capacity_and_hasher(64, PassThroughBuildHasher);
    m.set_event_hook(Some(Box::new(move |e: &Event| {
        sink.lock().unwrap().push(*e)
    })));
    let mut id = 0;
    let mut put = |m: &mut JavaMap<_, _, _>, h: u32| {
        m.insert(pre(id, h), ());
        id += 1;
    };
    for i in 0..9 {
        put(&mut m, 1 + 64 * (i % 2)); // 5 + 4: both halves become lists
    }
    for i in 0..16 {
        put(&mut m, 2 + 64 * (i % 2)); // 8 + 8: both re-treeified
    }
    for _ in 0..9 {
        put(&mut m, 3); // all lo: kept as is
    }
    assert_eq!(m.raw().tree_bins(), 3);
    let before = m.stats();
    assert_eq!(before.treeifies, 3);
    for i in 0..20 {
        put(&mut m, 1000 + i); // bins 40..59
    }
    assert_eq!(m.capacity(), 128);
    let after = m.stats();
    assert_eq!(after.untreeifies, 2);
    assert_eq!(after.treeifies, 3 + 2);
    assert_eq!(m.raw().tree_bins(), 3);
    assert_eq!(after.entries_moved, 0);
    assert_eq!(after.grows, 1);
    assert_eq!(after.nodes_relinked, 49); // every node, the 49th included
    m.check_invariants();
    let ev = events.lock().unwrap();
    let grows = ev
        .iter()
        .filter(|e| matches!(e, Event::GrowStart { .. }))
        .count();
    let ends = ev
        .iter()
        .filter(|e| matches!(e, Event::GrowEnd { .. }))
        .count();
    let trees = ev
        .iter()
        .filter(|e| matches!(e, Event::Treeify { .. }))
        .count();
    let lists = ev
        .iter()
        .filter(|e| matches!(e, Event::Untreeify { .. }))
        .count();
    assert_eq!((grows, ends, trees, lists), (2, 2, 5, 2));
    assert!(ev.contains(&Event::GrowStart {
        old_capacity: 64,
        new_capacity: 128,
        same_size: false,
        len: 49,
    }));
    assert!(ev.contains(&Event::Untreeify { bin: 65, nodes: 4 }));
}

#[test]
fn removal_untreeifies_small_trees() {
    let mut m = JavaMap::with_capacity_and_hasher(64, PassThroughBuildHasher);
    for k in 0..12 {
        m.insert(pre(k, 5), k);
    }
    assert_eq!(m.raw().tree_bins(), 1);
    let mut k = 0;
    while m.raw().tree_bins() == 1 {
        assert_eq!(m.remove(&pre(k, 5)), Some(k));
        m.check_invariants();
        k += 1;
    }
    assert_eq!(m.stats().untreeifies, 1);
    assert_eq!(m.raw().longest_bin(), m.len());
    for j in k..12 {
        assert_eq!(m[&pre(j, 5)], j);
    }
}

#[test]
fn tree_lookups_and_removals_keep_invariants() {
    let mut m: JavaMap<u64, u64, Mod4B> = default_with_mod4();
    let n = if cfg!(miri) { 100 } else { 2000 };
    for k in 0..n {
        m.insert(k, k * 2);
    }
    m.check_invariants();
    assert_eq!(m.raw().tree_bins(), 4);
    for k in (0..n).step_by(3) {
        assert_eq!(m.remove(&k), Some(k * 2));
    }
    m.check_invariants();
    for k in 0..n {
        assert_eq!(m.get(&k).copied(), (k % 3 != 0).then_some(k * 2));
    }
}

fn default_with_mod4() -> JavaMap<u64, u64, Mod4B> {
    JavaMap::with_hasher(Mod4B::default())
}

#[test]
fn iteration_is_bin_by_bin_in_next_order() {
    let mut m = JavaMap::with_hasher(PassThroughBuildHasher);
    for (k, h) in [(1, 33), (2, 1), (3, 0), (4, 17), (5, 2)] {
        m.insert(pre(k, h), ());
    }
    let order: Vec<i32> = m.keys().map(|k| k.key).collect();
    assert_eq!(order, [3, 1, 2, 4, 5]); // bin 0: 3; bin 1: 1 2 4 1; bin 2: 5
    assert_eq!(m.iter().len(), 5);
}

#[test]
fn spread_uses_high_bits() {
    let mut m = JavaMap::with_hasher(PassThroughBuildHasher);
    m.insert(pre(1, 0x0001_0000), ());
    m.insert(pre(2, 0x0002_0000), ());
    // Without the spread both would be in bin 0.
    let order: Vec<i32> = m.keys().map(|k| k.key).collect();
    assert_eq!(order, [1, 2]);
    assert_eq!(m.raw().longest_bin(), 1);
}

#[test]
fn std_like_api() {
    let mut m: FxJavaMap<String, i32> = FxJavaMap::default();
    m.extend([("a".to_string(), 1), ("b".to_string(), 2)]);
    assert_eq!(m.get("a"), Some(&1));
    assert!(m.contains_key("b"));
    *m.get_mut("b").unwrap() += 40;
    assert_eq!(m["b"], 42);
    *m.entry("c".into()).or_insert(0) += 5;
    *m.entry("c".into()).or_insert(0) += 5;
    assert_eq!(m["c"], 10);
    assert_eq!(m.entry("d".into()).or_insert_with(|| 7), &mut 7);
    assert_eq!(*m.entry("e".into()).or_default(), 0);
    m.entry("e".into()).and_modify(|v| *v = 9).or_default();
    assert_eq!(m["e"], 9);
    assert_eq!(m.entry("zz".into()).key(), "zz");
    if let crate::Entry::Occupied(o) = m.entry("a".into()) {
        assert_eq!(o.remove_entry(), ("a".to_string(), 1));
    } else {
        panic!("a is present");
    }
    for (_, v) in m.iter_mut() {
        *v += 1;
    }
    for v in m.values_mut() {
        *v *= 10;
    }
    let mut vals: Vec<i32> = m.values().copied().collect();
    vals.sort();
    assert_eq!(vals, [80, 100, 110, 430]);
    assert_eq!(m.remove_entry("b"), Some(("b".to_string(), 430)));
    let copy = m.clone();
    assert_eq!(copy, m);
    let dbg = format!("{m:?}");
    assert!(dbg.starts_with('{') && dbg.contains("\"c\": 110"), "{dbg}");
    let collected: JavaMap<u8, u8> = (0..10).map(|i| (i, i)).collect();
    assert_eq!(collected.len(), 10);
    m.clear();
    assert!(m.is_empty());
    assert_eq!(m.capacity(), 16);
    assert_eq!(m.iter().next(), None);
    m.insert("x".into(), 1);
    assert_eq!(Table::get(&m, &"x".to_string()), Some(&1));
    assert_eq!(Table::len(&m), 1);
}

#[test]
fn matches_std_on_a_long_random_run() {
    let mut m: JavaMap<u64, u64, Mod4B> = default_with_mod4();
    let mut plain: FxJavaMap<u64, u64> = FxJavaMap::default();
    let mut model = HashMap::new();
    let mut x = 7u64;
    for i in 0..BIG * 4 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let k = (x >> 40) % BIG;
        if x % 3 == 0 {
            let want = model.remove(&k);
            assert_eq!(m.remove(&k), want);
            assert_eq!(plain.remove(&k), want);
        } else {
            let prev = model.insert(k, i);
            assert_eq!(m.insert(k, i), prev);
            plain.insert(k, i);
        }
    }
    m.check_invariants();
    plain.check_invariants();
    assert_eq!(m.len(), model.len());
    let mut got: Vec<_> = m.iter().map(|(k, v)| (*k, *v)).collect();
    let mut want: Vec<_> = model.into_iter().collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

/// Counts drops of keys and values through a shared counter.
#[derive(Debug)]
struct Counted(u64, Rc<Cell<usize>>);
impl Drop for Counted {
    fn drop(&mut self) {
        self.1.set(self.1.get() + 1);
    }
}
impl PartialEq for Counted {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl Eq for Counted {}
impl PartialOrd for Counted {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Counted {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.cmp(&o.0)
    }
}
impl std::hash::Hash for Counted {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.0)
    }
}

#[test]
fn keys_and_values_are_dropped_exactly_once() {
    let n = if cfg!(miri) { 60 } else { 600 };
    let drops = Rc::new(Cell::new(0));
    let c = |i| Counted(i, Rc::clone(&drops));
    let mut made = 0;
    {
        let mut m: JavaMap<Counted, Counted, Mod4B> = JavaMap::with_hasher(Mod4B::default());
        for i in 0..n {
            m.insert(c(i), c(i)); // tree bins, resizes
            made += 2;
        }
        for i in 0..n / 2 {
            // update: the new key and the old value are dropped
            m.insert(c(i), c(i + 1000));
            made += 2;
        }
        assert_eq!(drops.get(), n as usize);
        for i in (0..n).step_by(3) {
            drop(m.remove(&c(i))); // the probe key and the removed pair
            made += 1;
        }
        m.check_invariants();
        m.clear();
        assert_eq!(drops.get(), made);
        for i in 0..n {
            m.insert(c(i), c(i));
            made += 2;
        }
        // dropped with the map
    }
    assert_eq!(drops.get(), made);
}

#[test]
fn long_bins_drop_without_recursion() {
    // A 20k-node bin with treeification off: Drop walks it iteratively.
    let n = if cfg!(miri) { 100 } else { 20_000 };
    let mut m: JavaMap<u64, Box<u64>, Mod4B> = JavaMap::with_hasher(Mod4B::default());
    m.raw_parts_mut().0.set_treeify(false);
    for k in 0..n {
        m.insert(k * 4, Box::new(k));
    }
    assert_eq!(m.raw().longest_bin() as u64, n);
    drop(m);
}

#[test]
fn clone_sizes_like_hashmap_clone_and_keeps_the_load_factor() {
    // JDK: `m.clone()` of 40 entries with load factor 2.0 gets
    // tableSizeFor(40 / 2.0 + 1) = 32 bins, threshold 64, and then grows
    // by that load factor.
    // FxHash spreads these sequential keys evenly over the 32 bins; with a
    // seeded hasher some runs put 9 of the 64 keys in one bin, whose
    // treeify then resizes the table (Java's rule, but not this test's).
    let mut m: JavaMap<u64, u64, hashgrow::hash::FxBuildHasher> =
        crate::with_capacity_and_load_factor(0, 2.0, hashgrow::hash::FxBuildHasher::default());
    m.extend((0..40).map(|k| (k, k)));
    let mut c = m.clone();
    assert_eq!(c, m);
    assert_eq!(c.capacity(), 32);
    c.extend((40..64).map(|k| (k, k)));
    assert_eq!(c.capacity(), 32, "64 entries fit under threshold 64");
    c.insert(64, 64);
    assert_eq!(c.capacity(), 64);
    // An empty clone starts like `new HashMap<>()` (the JDK's default
    // first table), as `HashMap.clone()` of an empty map does.
    let e: JavaMap<u64, u64> =
        crate::with_capacity_and_load_factor(100, 2.0, hashgrow::DefaultHashBuilder::default());
    assert_eq!(e.clone().capacity(), 0);
}

/// Bug: a hook that panicked on `GrowStart` left `threshold` updated with
/// no new table; the next put built a 12-bin table and keys were lost.
/// Events are now sent only once the resize is committed.
#[test]
fn a_panicking_hook_during_resize_loses_nothing() {
    let mut m: FxJavaMap<u64, u64> = FxJavaMap::default();
    for k in 0..12 {
        m.insert(k, k);
    }
    m.set_event_hook(Some(Box::new(|e: &hashgrow::Event| {
        if matches!(e, hashgrow::Event::GrowStart { .. }) {
            panic!("hook");
        }
    })));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| m.insert(12, 12)));
    assert!(r.is_err());
    m.set_event_hook(None);
    m.check_invariants();
    assert_eq!((m.capacity(), m.raw().threshold()), (32, 24));
    for k in 13..40 {
        m.insert(k, k);
    }
    m.check_invariants();
    for k in 0..40 {
        assert_eq!(m.get(&k), Some(&k), "key {k}");
    }
}

/// The entry API is Java's `computeIfAbsent`: a new key is prepended to its
/// list bin (`putVal`, behind `insert`, appends). JDK 17 does the same:
/// `tests/jdk/ComputeIfAbsent.java`.
#[test]
fn entry_prepends_as_compute_if_absent_and_insert_appends() {
    let mut by_entry = JavaMap::with_hasher(PassThroughBuildHasher);
    let mut by_insert = JavaMap::with_hasher(PassThroughBuildHasher);
    for (k, h) in [(1, 5), (2, 21), (3, 37)] {
        by_entry.entry(pre(k, h)).or_insert(());
        by_insert.insert(pre(k, h), ());
    }
    let order =
        |m: &JavaMap<_, (), _>| m.keys().map(|k: &Prehashed<i32>| k.key).collect::<Vec<_>>();
    assert_eq!(order(&by_insert), [1, 2, 3]);
    assert_eq!(order(&by_entry), [3, 2, 1]);
    by_entry.check_invariants();
}

/// `computeIfAbsent` resizes before it looks (when `size > threshold`),
/// never after it inserts: the 13th key through the entry API leaves 16
/// bins, and the next entry call, even for a present key, doubles them
/// (as JDK 17: `tests/jdk/ComputeIfAbsent.java`).
#[test]
fn entry_resizes_lazily_as_compute_if_absent() {
    let mut m: FxJavaMap<u64, u64> = FxJavaMap::default();
    m.entry(0).or_insert(0);
    assert_eq!(m.capacity(), 16); // the first call made the table
    for k in 1..13 {
        m.entry(k).or_insert(k);
    }
    assert_eq!((m.len(), m.capacity()), (13, 16));
    m.entry(0).or_insert(99); // present: still resizes first
    assert_eq!((m.capacity(), m.raw().threshold()), (32, 24));
    assert_eq!(m[&0], 0);
    m.check_invariants();
}

/// A `HashMap` never shrinks: `shrink_to_fit` keeps the bins; `reserve`
/// resizes ahead as `putMapEntries` does.
#[test]
fn never_shrinks_and_reserve_resizes_ahead() {
    let mut m: JavaMap<u64, u64> = (0..100).map(|i| (i, i)).collect();
    assert_eq!(m.capacity(), 256);
    m.retain(|&k, _| k < 3);
    m.shrink_to_fit();
    assert_eq!(m.capacity(), 256);
    m.reserve(1000);
    assert!(m.raw().threshold() >= 1003, "{}", m.raw().threshold());
    m.check_invariants();
}

/// The entry API's insert treeifies as `computeIfAbsent` does: in a table
/// of 64 bins, a list of 7 gets its 8th node prepended, then the bin
/// becomes a tree (`binCount >= TREEIFY_THRESHOLD - 1`, where `binCount`
/// counted the 7 nodes already there: one node sooner than `putVal`), and
/// later keys go into the tree (`putTreeVal`).
#[test]
fn entry_treeifies_and_then_inserts_into_the_tree() {
    let mut m = JavaMap::with_capacity_and_hasher(48, PassThroughBuildHasher);
    // Hashes 5 + 64 i all land in bin 5.
    for i in 0..7 {
        m.entry(pre(i, 5 + 64 * i as u32)).or_insert(i);
    }
    assert_eq!((m.capacity(), m.stats().treeifies), (64, 0));
    m.entry(pre(7, 5 + 64 * 7)).or_insert(7);
    assert_eq!(m.stats().treeifies, 1);
    for i in 8..20 {
        m.entry(pre(i, 5 + 64 * i as u32)).or_insert(i);
    }
    assert_eq!((m.len(), m.capacity(), m.stats().treeifies), (20, 64, 1));
    for i in 0..20 {
        assert_eq!(m.get(&pre(i, 5 + 64 * i as u32)), Some(&i));
    }
    m.check_invariants();
}
