use super::*;
use hashgrow::map::Entry;
use std::cell::Cell;
use std::hash::BuildHasher;
use std::hash::Hasher;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// These tests were written when FxHash was the default hasher; they keep
/// it, so that what they assert about layouts and grows does not depend on
/// the seed of today's default.
type FxStwMap<K, V> = StwMap<K, V, hashgrow::hash::FxBuildHasher>;

/// Sizes shrink under Miri, which is ~1000x slower.
fn n(full: u64) -> u64 {
    if cfg!(miri) {
        full.min(300)
    } else {
        full
    }
}

#[test]
fn insert_get_remove_roundtrip() {
    let mut m = FxStwMap::default();
    for k in 0..n(10_000) {
        assert_eq!(m.insert(k, k + 1), None);
    }
    for k in 0..n(10_000) {
        assert_eq!(m.get(&k), Some(&(k + 1)));
    }
    assert_eq!(m.get(&u64::MAX), None);
    for k in (0..n(10_000)).step_by(2) {
        assert_eq!(m.remove(&k), Some(k + 1));
    }
    assert_eq!(m.len() as u64, n(10_000) / 2);
    for k in 0..n(10_000) {
        assert_eq!(m.contains_key(&k), k % 2 == 1);
    }
    m.check_invariants();
}

#[test]
fn entries_moved_counts_every_entry_present_at_each_grow() {
    let mut m = FxStwMap::default();
    let mut expected = 0;
    let mut last_cap = 0;
    for k in 0..n(5000) {
        let before = m.len() as u64;
        m.insert(k, ());
        let cap = m.stats().capacity;
        if cap != last_cap {
            expected += before;
            last_cap = cap;
        }
    }
    let s = m.stats();
    assert_eq!(s.entries_moved, expected);
    assert_eq!(s.same_size_grows, 0);
    assert!(s.grows >= 3);
}

#[test]
fn preallocated_map_never_moves() {
    let mut m = StwMap::with_capacity(n(1000) as usize);
    for k in 0..n(1000) {
        m.insert(k, k);
    }
    assert_eq!(m.stats().entries_moved, 0);
    assert_eq!(m.stats().grows, 0);
}

#[test]
fn churn_at_steady_size_does_not_grow_without_bound() {
    // Delete + insert a new key: tombstones are reclaimed by same-size
    // rebuilds (or EMPTY writes), so the table stays small.
    let mut m = FxStwMap::default();
    let live = 100u64;
    for k in 0..live {
        m.insert(k, k);
    }
    // 100 live entries in 128 buckets are more than half the usable 112, so
    // the first time tombstones exhaust the room the table doubles once;
    // from then on tombstones are cleared by same-size rebuilds.
    let cap = m.stats().capacity;
    let end = n(20_000);
    for k in live..end {
        m.remove(&(k - live));
        m.insert(k, k);
        if k == end / 2 {
            assert!(m.stats().capacity <= 2 * cap, "{:?}", m.stats());
        }
    }
    assert_eq!(m.len() as u64, live);
    assert!(m.stats().capacity <= 2 * cap, "{:?}", m.stats());
    m.check_invariants();
}

#[test]
fn colliding_hashes_reuse_tombstones() {
    // All keys share a probe start, so removes leave tombstones.
    #[derive(Default, Clone)]
    struct Const;
    #[derive(Default)]
    struct ConstHasher;
    impl Hasher for ConstHasher {
        fn write(&mut self, _: &[u8]) {}
        fn finish(&self) -> u64 {
            0x0123_4567_89ab_cdef
        }
    }
    impl BuildHasher for Const {
        type Hasher = ConstHasher;
        fn build_hasher(&self) -> ConstHasher {
            ConstHasher
        }
    }
    let mut m = StwMap::with_hasher(Const);
    for k in 0..64u32 {
        m.insert(k, k);
    }
    for round in 0..n(20) as u32 {
        for k in 0..32 {
            m.remove(&(round * 1000 + k));
        }
        for k in 0..32 {
            m.insert((round + 1) * 1000 + k, k);
        }
        m.check_invariants();
    }
    // Tombstones on the one shared probe sequence are reused by the next
    // inserts, so the table never needs more room than the first fill made.
    assert_eq!(m.len(), 64);
    assert_eq!(m.stats().native_capacity, 128, "{:?}", m.stats());
}

#[test]
fn entry_api_inserts_updates_and_removes() {
    let mut m: FxStwMap<&str, i32> = FxStwMap::default();
    *m.entry("a").or_insert(1) += 10;
    m.entry("a").and_modify(|v| *v *= 2).or_insert(0);
    m.entry("b").or_default();
    assert_eq!(m["a"], 22);
    assert_eq!(m["b"], 0);
    match m.entry("a") {
        Entry::Occupied(e) => assert_eq!(e.remove(), 22),
        Entry::Vacant(_) => panic!("a is present"),
    }
    assert_eq!(m.entry("z").key(), &"z");
    assert_eq!(m.len(), 1);
}

#[test]
fn iteration_visits_each_entry_once() {
    let mut m: StwMap<u64, u64> = (0..n(3000)).map(|k| (k, k)).collect();
    for (_, v) in m.iter_mut() {
        *v += 1;
    }
    let mut seen: Vec<_> = m.iter().map(|(k, v)| (*k, *v)).collect();
    seen.sort();
    assert_eq!(seen, (0..n(3000)).map(|k| (k, k + 1)).collect::<Vec<_>>());
    assert_eq!(m.iter().len() as u64, n(3000));
    assert_eq!(m.values().count(), m.keys().count());
}

#[test]
fn debug_clone_eq_and_extend() {
    let mut m = FxStwMap::default();
    m.extend([(1, 'a'), (2, 'b')]);
    let c = m.clone();
    assert_eq!(m, c);
    let s = format!("{m:?}");
    assert!(s.contains("1: 'a'") && s.contains("2: 'b'"), "{s}");
    let empty: StwMap<u8, u8> = StwMap::default();
    assert_eq!(format!("{empty:?}"), "{}");
}

#[test]
fn zero_sized_keys_and_values() {
    let mut m = FxStwMap::default();
    assert_eq!(m.insert((), ()), None);
    assert_eq!(m.insert((), ()), Some(()));
    assert_eq!(m.len(), 1);
    assert_eq!(m.remove(&()), Some(()));
    assert!(m.is_empty());
}

#[derive(Clone)]
struct Counted(Rc<Cell<usize>>, #[allow(dead_code)] u32);
impl Drop for Counted {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn every_value_is_dropped_exactly_once() {
    let drops = Rc::new(Cell::new(0));
    let total = n(2000) as u32;
    {
        let mut m = FxStwMap::default();
        for k in 0..total {
            m.insert(k, Counted(drops.clone(), k));
        }
        // updates drop the returned old values
        for k in 0..10 {
            drop(m.insert(k, Counted(drops.clone(), k)));
        }
        assert_eq!(drops.get(), 10);
        for k in 10..20 {
            drop(m.remove(&k));
        }
        assert_eq!(drops.get(), 20);
        m.clear();
        assert_eq!(drops.get(), 10 + total as usize);
        for k in 0..50 {
            m.insert(k, Counted(drops.clone(), k));
        }
    }
    assert_eq!(drops.get(), 10 + total as usize + 50);
}

#[test]
fn panicking_hash_during_grow_leaves_a_usable_map() {
    use std::hash::Hash;
    thread_local!(static ARMED: Cell<bool> = const { Cell::new(false) });
    #[derive(PartialEq, Eq)]
    struct Bomb(u32, Rc<Cell<usize>>);
    impl Hash for Bomb {
        fn hash<H: Hasher>(&self, h: &mut H) {
            if ARMED.with(|a| a.get()) && self.0 == 3 {
                panic!("boom");
            }
            self.0.hash(h);
        }
    }
    impl Drop for Bomb {
        fn drop(&mut self) {
            self.1.set(self.1.get() + 1);
        }
    }
    let drops = Rc::new(Cell::new(0));
    let mut m = FxStwMap::default();
    let mut k = 0;
    while m.len() < m.capacity() || m.is_empty() {
        m.insert(Bomb(k, drops.clone()), k);
        k += 1;
    }
    let full = m.len();
    ARMED.with(|a| a.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        m.insert(Bomb(100, drops.clone()), 100);
    }));
    ARMED.with(|a| a.set(false));
    assert!(r.is_err());
    // The grow was abandoned: the map is as before, nothing dropped twice.
    assert_eq!(m.len(), full);
    assert_eq!(drops.get(), 1, "only the key that was never inserted");
    m.check_invariants();
    drop(m);
    assert_eq!(drops.get(), full + 1);
}

#[test]
fn hook_sees_each_grow() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let mut m = FxStwMap::default();
    m.set_event_hook(Some(Box::new(move |e: &Event| {
        sink.lock().unwrap().push(*e)
    })));
    for k in 0..100u64 {
        m.insert(k, k);
    }
    let events = events.lock().unwrap();
    let starts = events
        .iter()
        .filter(|e| matches!(e, Event::GrowStart { .. }))
        .count() as u64;
    // Every grow, and the first allocation (old capacity 0), which sends
    // its events but is not counted as a grow (see `Stats::grows`).
    assert_eq!(starts, m.stats().grows + 1);
    assert!(
        matches!(
            events[0],
            Event::GrowStart {
                old_capacity: 0,
                same_size: false,
                len: 0,
                ..
            }
        ),
        "{:?}",
        events[0]
    );
}
