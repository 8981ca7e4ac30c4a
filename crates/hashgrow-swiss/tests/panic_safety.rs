//! Panic safety: a key whose `Hash` or `Eq` panics on the Nth call after
//! being armed. Every grow of this map (small group to table, doubling,
//! split) and every tombstone prune rehashes keys; arming the fuse for a
//! few calls on every insert makes each of them panic part-way. After
//! `catch_unwind` the map must be exactly as before the insert (the new
//! table is freed, nothing dropped twice, nothing lost), still usable, and
//! drop everything exactly once at the end.

use std::collections::BTreeMap;
use std::rc::Rc;

use hashgrow::hash::PassThroughBuildHasher as Mix;
use hashgrow::testing::bomb::{assert_holds, spread, with_fuse, Bomb, DropLog, Trigger, Val};
use hashgrow_swiss::SwissMap;

type Map = SwissMap<Bomb, Val, Mix>;

fn size() -> u64 {
    if cfg!(miri) {
        60
    } else {
        3_000
    }
}

#[test]
fn hash_panic_in_every_grow_leaves_the_map_as_before() {
    let log = Rc::new(DropLog::default());
    let mut m = Map::with_hasher(Mix);
    let mut model = BTreeMap::new();
    let mut panics = 0;
    for k in 0..size() {
        let grows = m.stats().grows;
        // The insert hashes the new key once; a grow rehashes at least 8
        // keys: the 5th hash call is always inside a grow.
        let r = with_fuse(Trigger::Hash, 4, || {
            m.insert(Bomb::new(k, spread(k), &log), Val::new(k, &log))
        });
        if r.is_err() {
            panics += 1;
            assert_eq!(
                m.stats().grows,
                grows,
                "a grow that panicked is not counted"
            );
            assert_holds(&m, &model, &log);
        }
        if r.is_err() {
            assert!(m
                .insert(Bomb::new(k, spread(k), &log), Val::new(k, &log))
                .is_none());
        } else if k % 97 == 0 {
            // An update (no grow) with the fuse armed: nothing moves.
            let r = with_fuse(Trigger::Hash, 4, || {
                m.insert(Bomb::new(k, spread(k), &log), Val::new(k, &log))
            });
            assert_eq!(r.unwrap().map(|v| v.k), Some(k));
        }
        model.insert(k, k);
    }
    assert!(panics >= 3, "only {panics} grows panicked");
    assert_holds(&m, &model, &log);
    drop(m);
    assert_eq!(log.leaked(), 0);
}

#[test]
fn hash_panic_in_a_prune_leaves_the_map_as_before() {
    // Churn at a steady size in a 16-slot table: deletes leave tombstones,
    // and an insert out of growth prunes, hashing every entry.
    let log = Rc::new(DropLog::default());
    let mut m = Map::with_hasher(Mix);
    let mut model = BTreeMap::new();
    for k in 0..13 {
        m.insert(Bomb::new(k, spread(k), &log), Val::new(k, &log));
        model.insert(k, k);
    }
    let mut panics = 0;
    let rounds = if cfg!(miri) { 300 } else { 5_000 };
    for (i, next) in (0..rounds).zip(13u64..) {
        let victim = *model.keys().nth(i % model.len()).unwrap();
        assert!(m.remove(&Bomb::new(victim, spread(victim), &log)).is_some());
        model.remove(&victim);
        let (pruned, grows) = (m.stats().tombstones_pruned, m.stats().grows);
        let r = with_fuse(Trigger::Hash, 3, || {
            m.insert(Bomb::new(next, spread(next), &log), Val::new(next, &log))
        });
        if r.is_err() {
            panics += 1;
            assert_eq!(m.stats().tombstones_pruned, pruned);
            assert_eq!(m.stats().grows, grows);
            assert_holds(&m, &model, &log);
            m.insert(Bomb::new(next, spread(next), &log), Val::new(next, &log));
        }
        model.insert(next, next);
    }
    assert!(panics >= 1, "no prune or grow panicked");
    assert_holds(&m, &model, &log);
    drop(m);
    assert_eq!(log.leaked(), 0);
}

#[test]
fn eq_panic_during_a_probe_changes_nothing() {
    let log = Rc::new(DropLog::default());
    let mut m = Map::with_hasher(Mix);
    let mut model = BTreeMap::new();
    // 8 hash values only: long probe paths and many key comparisons.
    let h = |k: u64| spread(k % 8);
    for k in 0..size().min(400) {
        let r = with_fuse(Trigger::Eq, 2, || {
            m.insert(Bomb::new(k, h(k), &log), Val::new(k, &log))
        });
        if r.is_err() {
            assert_holds_with(&m, &model, &log, h);
            m.insert(Bomb::new(k, h(k), &log), Val::new(k, &log));
        }
        model.insert(k, k);
    }
    assert_holds_with(&m, &model, &log, h);
    drop(m);
    assert_eq!(log.leaked(), 0);
}

fn assert_holds_with(
    m: &Map,
    model: &BTreeMap<u64, u64>,
    log: &Rc<DropLog>,
    h: impl Fn(u64) -> u64,
) {
    m.check_invariants();
    assert_eq!(m.len(), model.len());
    for (&k, &v) in model {
        assert_eq!(
            m.get(&Bomb::new(k, h(k), log)).map(|v| v.k),
            Some(v),
            "key {k}"
        );
    }
}
