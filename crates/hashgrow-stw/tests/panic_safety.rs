//! Panic safety: a key whose `Hash` or `Eq` panics on the Nth call after
//! being armed, armed so that the panic lands in the middle of a grow (or a
//! probe). After `catch_unwind` the map must drop without dropping anything
//! twice; `StwMap` also promises to be left as it was before the grow, so
//! these tests check it is still fully usable and leaks nothing.

use std::collections::BTreeMap;
use std::rc::Rc;

use hashgrow_stw::StwMap;

use hashgrow::hash::PassThroughBuildHasher as Mix;
use hashgrow::testing::bomb::{assert_holds, spread, with_fuse, Bomb, DropLog, Trigger, Val};

/// Keys per test. Under Miri, small, but at least 40: the Eq test needs
/// 4 keys sharing each of its 8 hash values (its fuse fires on a 4th
/// comparison).
fn size() -> u64 {
    if cfg!(miri) {
        40
    } else {
        300
    }
}

#[test]
fn hash_panic_in_the_middle_of_a_grow_leaves_the_map_as_before() {
    let log = Rc::new(DropLog::default());
    let mut m = StwMap::with_hasher(Mix);
    let mut model = BTreeMap::new();
    let mut k = 0u64;
    let mut panics = 0;
    while k < size() {
        if m.len() == m.capacity() && m.len() >= 8 {
            // The next insert grows: let the new key's hash and half of the
            // rehashes succeed, then panic.
            let r = with_fuse(Trigger::Hash, 1 + m.len() as u64 / 2, || {
                m.insert(Bomb::new(k, spread(k), &log), Val::new(k, &log))
            });
            assert!(r.is_err(), "the grow should have panicked");
            panics += 1;
            assert_holds(&m, &model, &log);
        }
        assert!(m
            .insert(Bomb::new(k, spread(k), &log), Val::new(k, &log))
            .is_none());
        model.insert(k, k);
        k += 1;
    }
    assert!(panics >= 2, "only {panics} grows interrupted");
    assert_holds(&m, &model, &log);
    // Still usable: updates, removals, more grows.
    for k in (0..size()).step_by(3) {
        let probe = Bomb::new(k, spread(k), &log);
        assert_eq!(m.remove(&probe).map(|v| v.k), model.remove(&k));
    }
    for k in size()..size() * 2 {
        m.insert(Bomb::new(k, spread(k), &log), Val::new(k, &log));
        model.insert(k, k);
    }
    assert_holds(&m, &model, &log);
    drop(m);
    assert_eq!(log.leaked(), 0, "StwMap promises no leak");
}

#[test]
fn eq_panic_while_probing_leaves_the_map_usable() {
    let log = Rc::new(DropLog::default());
    let mut m = StwMap::with_hasher(Mix);
    let mut model = BTreeMap::new();
    // Eight hash values for all keys: long probe runs full of equal tags.
    let h = |k: u64| spread(k % 8);
    for k in 0..size() {
        m.insert(Bomb::new(k, h(k), &log), Val::new(k, &log));
        model.insert(k, k);
    }
    for (i, k) in [size() + 1, size() - 3, size() + 2].into_iter().enumerate() {
        let r = with_fuse(Trigger::Eq, 3, || match i {
            0 => drop(m.insert(Bomb::new(k, h(k), &log), Val::new(k, &log))),
            1 => drop(m.remove(&Bomb::new(k, h(k), &log))),
            _ => {
                let probe = Bomb::new(k, h(k), &log);
                assert!(m.get(&probe).is_none());
            }
        });
        assert!(r.is_err(), "op {i} should have panicked");
        m.check_invariants();
        assert_eq!(m.len(), model.len());
    }
    // Lookups through `get` compare with `h`, not `spread`: check by hand.
    for k in 0..size() {
        assert_eq!(m.get(&Bomb::new(k, h(k), &log)).map(|v| v.k), Some(k));
    }
    m.insert(
        Bomb::new(size() + 1, h(size() + 1), &log),
        Val::new(0, &log),
    );
    assert_eq!(m.len(), model.len() + 1);
    drop(m);
    assert_eq!(log.leaked(), 0);
}
