//! Unit tests of the map as a whole (Miri-friendly: sizes shrink under Miri).

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use hashgrow::{Event, Table};

use crate::{Entry, GoMap};

/// These tests were written when FxHash was the default hasher; they keep
/// it, so that what they assert about layouts and grows does not depend on
/// the seed of today's default.
type FxGoMap<K, V> = GoMap<K, V, hashgrow::hash::FxBuildHasher>;

fn n(normal: u64, miri: u64) -> u64 {
    if cfg!(miri) {
        miri
    } else {
        normal
    }
}

/// FxHash truncated to 3 low bits and the top byte: at most 8 distinct
/// buckets, so chains overflow and same-size grows happen.
#[derive(Default)]
pub(crate) struct TinyHasher(fxhash_like::H);
mod fxhash_like {
    #[derive(Default)]
    pub(crate) struct H(pub(crate) u64);
}
impl Hasher for TinyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 .0 = (self.0 .0.rotate_left(5) ^ i).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn finish(&self) -> u64 {
        self.0 .0 & 0xff00_0000_0000_0007
    }
}
type Tiny = BuildHasherDefault<TinyHasher>;

#[test]
fn insert_get_remove_across_grows() {
    let count = n(20_000, 300);
    let mut m = FxGoMap::default();
    for k in 0..count {
        assert_eq!(m.insert(k, k + 1), None);
        if k % 97 == 0 {
            m.check_invariants();
        }
    }
    assert_eq!(m.len() as u64, count);
    for k in 0..count {
        assert_eq!(m.get(&k), Some(&(k + 1)));
    }
    assert_eq!(m.get(&(count + 5)), None);
    for k in (0..count).step_by(2) {
        assert_eq!(m.remove(&k), Some(k + 1));
    }
    m.check_invariants();
    assert_eq!(m.len() as u64, count / 2);
    for k in 0..count {
        assert_eq!(m.contains_key(&k), k % 2 == 1);
    }
}

#[test]
fn lookups_during_a_grow_never_move_anything() {
    let mut m = FxGoMap::default();
    let mut k = 0u64;
    // Insert until a (doubling) grow is in progress.
    while !m.stats().growing || m.stats().log2_buckets < 3 {
        m.insert(k, k);
        k += 1;
    }
    let before = m.stats();
    for q in 0..k + 10 {
        assert_eq!(m.get(&q), (q < k).then_some(&q));
    }
    assert_eq!(m.stats(), before);
    m.check_invariants();
    // Updates and deletes do evacuate.
    m.insert(0, 100);
    assert!(m.stats().entries_moved > before.entries_moved || !m.stats().growing);
    m.check_invariants();
}

#[test]
fn tiny_hash_space_makes_overflow_chains_and_same_size_grows() {
    let mut m: GoMap<u32, u32, Tiny> = GoMap::default();
    let live = n(200, 80) as u32;
    for k in 0..live {
        m.insert(k, k);
    }
    // Churn at a steady size: delete the oldest key, insert a new one.
    for k in live..live + n(5000, 100) as u32 {
        assert_eq!(m.remove(&(k - live)), Some(k - live));
        m.insert(k, k);
        if k % 50 == 0 {
            m.check_invariants();
        }
    }
    assert_eq!(m.len(), live as usize);
    // Chains longer than one bucket of 8: overflow buckets are in use
    // (whether freshly allocated or taken from the preallocated ones).
    assert!(m.raw().longest_chain() > 8, "{:?}", m.stats());
}

#[test]
fn random_churn_at_steady_size_triggers_same_size_grows() {
    // A fixed hash (FxHash), so the count of same-size grows asserted
    // below does not depend on a seed.
    let mut m: GoMap<u64, u64, hashgrow::hash::FxBuildHasher> = GoMap::default();
    let mut live: Vec<u64> = (0..200).collect();
    for &k in &live {
        m.insert(k, k);
    }
    let mut x = 88172645463325252u64;
    for k in 200..200 + n(20_000, 300) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let i = (x % live.len() as u64) as usize;
        assert_eq!(m.remove(&live[i]), Some(live[i]));
        live[i] = k;
        m.insert(k, k);
    }
    m.check_invariants();
    assert_eq!(m.len(), 200);
    let s = m.stats();
    assert_eq!(s.log2_buckets, 5);
    if !cfg!(miri) {
        assert!(s.same_size_grows >= 2, "{s:?}");
    }
}

#[test]
fn with_capacity_uses_makemap_sizing() {
    let m: GoMap<u64, u64> = GoMap::with_capacity(8);
    assert_eq!(m.stats().log2_buckets, 0);
    assert!(m.raw().buckets.is_null(), "B = 0 allocates lazily");
    let mut m: GoMap<u64, u64> = GoMap::with_capacity(52);
    assert_eq!(m.stats().log2_buckets, 3);
    for k in 0..52 {
        m.insert(k, k);
    }
    assert_eq!(m.stats().grows, 0);
}

#[test]
fn events_report_grows_and_evacuations() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let mut m = FxGoMap::default();
    m.set_event_hook(Some(Box::new(move |e: &Event| {
        sink.lock().unwrap().push(*e)
    })));
    for k in 0..n(2000, 120) {
        m.insert(k, k);
    }
    let events = seen.lock().unwrap().clone();
    let starts = events
        .iter()
        .filter(|e| matches!(e, Event::GrowStart { .. }))
        .count();
    let ends = events
        .iter()
        .filter(|e| matches!(e, Event::GrowEnd { .. }))
        .count();
    let moved: u64 = events
        .iter()
        .map(|e| match e {
            Event::Evacuated { entries, .. } => *entries,
            _ => 0,
        })
        .sum();
    let s = m.stats();
    assert_eq!(starts as u64, s.grows + s.same_size_grows);
    assert_eq!(ends + usize::from(s.growing), starts);
    assert_eq!(moved, s.entries_moved);
    assert_eq!(
        events[0],
        Event::GrowStart {
            old_capacity: 1,
            new_capacity: 2,
            same_size: false,
            len: 8
        }
    );
    // Bounded work: no op evacuates more than two old buckets.
    assert!(events
        .iter()
        .all(|e| !matches!(e, Event::Evacuated { buckets, .. } if *buckets > 2)));
}

#[test]
fn entry_api_behaves_like_std() {
    let mut m: FxGoMap<String, u32> = FxGoMap::default();
    for w in ["a", "b", "a", "c", "a", "b"] {
        *m.entry(w.to_string()).or_insert(0) += 1;
    }
    assert_eq!(m["a"], 3);
    assert_eq!(m.get("b"), Some(&2));
    assert_eq!(m.entry("z".into()).key(), "z");
    m.entry("z".into()).or_insert_with_key(|k| k.len() as u32);
    assert_eq!(m["z"], 1);
    match m.entry("c".into()) {
        Entry::Occupied(mut e) => {
            assert_eq!(e.insert(7), 1);
            assert_eq!(e.remove(), 7);
        }
        Entry::Vacant(_) => panic!("c is present"),
    }
    assert!(!m.contains_key("c"));
    let e = m.entry("d".into()).insert_entry(4);
    assert_eq!(*e.get(), 4);
    m.check_invariants();
    // Many vacant inserts through entries, across grows.
    for k in 0..n(3000, 100) {
        *m.entry(k.to_string()).or_default() += 1;
    }
    m.check_invariants();
    assert_eq!(m["17"], 1);
}

#[test]
fn iteration_visits_every_entry_once_also_mid_grow() {
    let mut m = FxGoMap::default();
    let mut k = 0u64;
    while !(m.stats().growing && m.stats().log2_buckets >= 4) {
        m.insert(k, k * 2);
        k += 1;
    }
    let mut seen: Vec<u64> = m.keys().copied().collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..k).collect::<Vec<_>>());
    assert_eq!(m.iter().len() as u64, k);
    assert_eq!(m.values().sum::<u64>(), k * (k - 1));
    for v in m.values_mut() {
        *v += 1;
    }
    let owned: HashMap<u64, u64> = m.clone().into_iter().collect();
    assert_eq!(owned.len() as u64, k);
    assert!(owned.iter().all(|(k, v)| *v == k * 2 + 1));
    // Deterministic: the same history and hash function give the same
    // order (the default hasher is seeded per map, so name a fixed one).
    type Fixed = GoMap<u64, u64, hashgrow::hash::FoldBuildHasher>;
    let again: Fixed = (0..k).map(|i| (i, i)).collect();
    let order1: Vec<u64> = again.keys().copied().collect();
    let again2: Fixed = (0..k).map(|i| (i, i)).collect();
    assert_eq!(order1, again2.keys().copied().collect::<Vec<_>>());
}

#[test]
fn clear_keeps_b_and_debug_prints() {
    let mut m: GoMap<u64, u64> = (0..100).map(|i| (i, i)).collect();
    let b = m.stats().log2_buckets;
    m.clear();
    assert!(m.is_empty());
    assert_eq!(m.stats().log2_buckets, b);
    m.check_invariants();
    m.insert(1, 2);
    assert_eq!(format!("{m:?}"), "{1: 2}");
    m.extend([(3, 4)]);
    m.extend([(&5, &6)]);
    assert_eq!(m.len(), 3);
    assert_eq!(m, GoMap::from([(1, 2), (3, 4), (5, 6)]));
}

/// A value that counts its drops.
#[derive(Debug)]
struct Counted {
    id: u32,
    drops: Rc<Cell<usize>>,
}
impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}
impl PartialEq for Counted {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
    }
}
impl Eq for Counted {}
impl Hash for Counted {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.id.hash(h);
    }
}

#[test]
fn keys_and_values_are_dropped_exactly_once() {
    let drops = Rc::new(Cell::new(0));
    let made = Cell::new(0usize);
    let mk = |id| {
        made.set(made.get() + 1);
        Counted {
            id,
            drops: Rc::clone(&drops),
        }
    };
    let total = n(3000, 150) as u32;
    {
        let mut m: GoMap<Counted, Counted, Tiny> = GoMap::default();
        for i in 0..total {
            m.insert(mk(i), mk(i));
        }
        // Updates: the new key is dropped, the old value is returned.
        for i in (0..total).step_by(3) {
            let old = m.insert(mk(i), mk(i + 1));
            assert!(old.is_some());
        }
        for i in (0..total).step_by(5) {
            let probe = mk(i);
            m.remove(&probe);
        }
        m.check_invariants();
        // Mid-grow drop: insert until growing.
        let mut i = total;
        while !m.stats().growing {
            m.insert(mk(i), mk(i));
            i += 1;
        }
        let mut m2: GoMap<Counted, Counted, Tiny> = GoMap::default();
        for j in 0..50 {
            m2.insert(mk(j), mk(j));
        }
        m2.clear();
        for j in 0..20 {
            m2.insert(mk(j), mk(j));
        }
        let mut it = m2.into_iter();
        let _first = it.next();
        drop(it);
    }
    assert_eq!(drops.get(), made.get());
}

#[test]
fn table_trait_and_stats() {
    fn fill<T: Table<u64, u64>>(t: &mut T, n: u64) {
        for k in 0..n {
            t.insert(k, k);
        }
    }
    let mut m: FxGoMap<u64, u64> = FxGoMap::default();
    fill(&mut m, 9);
    let s = Table::stats(&m);
    assert_eq!(
        (
            s.log2_buckets,
            s.native_capacity,
            s.capacity,
            s.grows,
            s.entries_moved
        ),
        (1, 2, 13, 1, 8)
    );
    assert_eq!(Table::get(&m, &3), Some(&3));
    assert_eq!(Table::remove(&mut m, &3), Some(3));
    assert_eq!(Table::len(&m), 8);
}

#[test]
fn borrowed_lookups_use_the_same_hash() {
    let h = hashgrow::DefaultHashBuilder::default();
    assert_eq!(h.hash_one("ab"), h.hash_one(String::from("ab")));
    let mut m: FxGoMap<String, i32> = FxGoMap::default();
    m.insert("x".into(), 1);
    assert_eq!(m.get_key_value("x"), Some((&"x".to_string(), &1)));
    assert_eq!(m.remove_entry("x"), Some(("x".to_string(), 1)));
}

/// Bug: a same-size grow over a chain longer than 8 buckets indexed the Y
/// masks that only a doubling fills, and panicked mid-evacuation.
#[test]
fn same_size_grow_over_a_chain_longer_than_eight_buckets() {
    use hashgrow::hash::{PassThroughBuildHasher, Prehashed};
    let key = |i: u64, bucket: u64| Prehashed {
        key: i,
        hash: (i << 8) | bucket,
    };
    // B = 4: 16 buckets, room for 104 entries, same-size grow at 16
    // overflow buckets.
    let mut m = GoMap::with_capacity_and_hasher(100, PassThroughBuildHasher);
    assert_eq!(m.stats().log2_buckets, 4);
    // A chain of 10 buckets in bucket 0 (9 overflow buckets) ...
    for i in 0..80 {
        m.insert(key(i, 0), i);
    }
    // ... mostly emptied: the buckets stay in the chain.
    for i in 0..70 {
        m.remove(&key(i, 0));
    }
    // Fill bucket 1 until the 16th overflow bucket starts a same-size grow.
    let mut i = 1000;
    while m.stats().same_size_grows == 0 {
        m.insert(key(i, 1), i);
        i += 1;
    }
    // Writes evacuate bucket 0's long chain (and the rest).
    for j in 0..40 {
        m.insert(key(5000 + j, 2), j);
    }
    m.check_invariants();
    for i in 70..80 {
        assert_eq!(m.get(&key(i, 0)), Some(&i));
    }
    assert_eq!(m.len(), 10 + (i - 1000) as usize + 40);
}

/// Bug: `with_capacity(usize::MAX)` aborted the process; `makemap` ignores
/// a hint whose memory would overflow or pass `maxAlloc` (B = 0).
#[test]
fn huge_hints_are_ignored_as_makemap_does() {
    for hint in [usize::MAX, usize::MAX / 2, 1 << 60] {
        let mut m: GoMap<u64, u64> = GoMap::with_capacity(hint);
        assert_eq!(m.stats().log2_buckets, 0, "hint {hint}");
        m.insert(1, 1);
        assert_eq!(m[&1], 1);
    }
}

/// The default hasher must spread keys that share their low bits: with
/// FxHash (the old default) multiples of 4096 piled into a few buckets'
/// overflow chains (one chain of 25,000 of 50,000 keys) and made
/// `GoMap::new()` 137x slower on them.
#[test]
fn default_hasher_spreads_multiples_of_4096() {
    let n = n(50_000, 2_000);
    let m: GoMap<u64, u64> = (0..n).map(|k| (k * 4096, k)).collect();
    let longest = m.raw().longest_chain();
    assert!(longest <= 64, "longest chain {longest} of {n} keys");
}

/// Go maps never shrink (golang/go#20135): `shrink_to_fit` and `remove`
/// keep `B`; `reserve` re-sizes only a map that was never written.
#[test]
fn never_shrinks_and_reserve_is_makemap() {
    let mut m: GoMap<u64, u64> = (0..1000).map(|i| (i, i)).collect();
    let b = m.stats().log2_buckets;
    m.retain(|&k, _| k < 3);
    m.shrink_to_fit();
    m.shrink_to(0);
    assert_eq!(m.stats().log2_buckets, b);
    m.reserve(1_000_000);
    assert_eq!(m.stats().log2_buckets, b, "a written map is not re-made");
    let mut fresh: FxGoMap<u64, u64> = FxGoMap::default();
    fresh.reserve(1000);
    assert_eq!(fresh.stats().log2_buckets, 8, "as make(map, 1000)");
}
