//! Panic safety: a key whose `Hash` or `Eq` panics on the Nth call after
//! being armed, armed so that the panic lands in the middle of an
//! evacuation (evacuating recomputes each moved key's hash) or of a chain
//! walk. After `catch_unwind` the map must drop without dropping anything
//! twice (a leak is allowed).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use hashgrow_go::GoMap;

use hashgrow::hash::PassThroughBuildHasher as Mix;
use hashgrow::testing::bomb::{arm, disarm, spread, with_fuse, Bomb, DropLog, Trigger, Val};

fn size() -> u64 {
    if cfg!(miri) {
        60
    } else {
        400
    }
}

type Map = GoMap<Bomb, Val, Mix>;

/// Checks every live entry is reachable and the map agrees with `model`.
fn holds(m: &Map, model: &BTreeMap<u64, u64>, log: &Rc<DropLog>) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| m.check_invariants()))
        .map_err(|_| "check_invariants failed".to_string())?;
    if m.len() != model.len() {
        return Err(format!("len {} != {}", m.len(), model.len()));
    }
    for (&k, &v) in model {
        let probe = Bomb::new(k, spread(k), log);
        if m.get(&probe).map(|v| v.k) != Some(v) {
            return Err(format!("key {k} lost"));
        }
    }
    let n = m.iter().count();
    if n != model.len() {
        return Err(format!("iter yields {n}, len {}", model.len()));
    }
    Ok(())
}

/// Fills a map until a doubling is in progress, then inserts keys with the
/// hash fuse armed so that the panic hits the second entry an evacuation
/// moves. Returns the map, the model of what was inserted and whether the
/// map still held exactly the model afterwards.
fn interrupted_evacuation(log: &Rc<DropLog>) -> (Map, BTreeMap<u64, u64>, Result<(), String>) {
    let mut m: Map = GoMap::with_hasher(Mix);
    let mut model = BTreeMap::new();
    let mut k = 0u64;
    loop {
        let growing = m.stats().growing && m.stats().log2_buckets >= 4;
        if growing {
            // 1: the new key's own hash; 2: the first entry evacuated;
            // the third call (the second entry moved) panics.
            arm(Trigger::Hash, 2);
        }
        let r = catch_unwind(AssertUnwindSafe(|| {
            m.insert(Bomb::new(k, spread(k), log), Val::new(k, log))
        }));
        disarm();
        match r {
            Ok(old) => {
                assert!(old.is_none());
                model.insert(k, k);
            }
            Err(_) => {
                let state = holds(&m, &model, log);
                return (m, model, state);
            }
        }
        k += 1;
        assert!(k < size() * 10, "never interrupted an evacuation");
    }
}

#[test]
fn hash_panic_in_the_middle_of_an_evacuation_is_memory_safe() {
    let log = Rc::new(DropLog::default());
    let (mut m, mut model, _state) = interrupted_evacuation(&log);
    // Whatever state the map is in, it must stay memory safe: keep writing
    // (finishing the grow and starting more), then drop it.
    for k in size() * 20..size() * 20 + size() {
        let _ = m.insert(Bomb::new(k, spread(k), &log), Val::new(k, &log));
        model.insert(k, k);
    }
    for k in (0..size() * 20 + size()).step_by(3) {
        let _ = m.remove(&Bomb::new(k, spread(k), &log));
    }
    let _ = m.iter().count();
    drop(m);
    log.leaked();
}

#[test]
fn eq_panic_while_walking_a_chain_during_a_grow_leaves_the_map_usable() {
    let log = Rc::new(DropLog::default());
    let mut m: Map = GoMap::with_hasher(Mix);
    let mut model = BTreeMap::new();
    // 16 hash values: long overflow chains full of equal tophashes.
    let h = |k: u64| spread(k % 16);
    let mut panics = 0;
    // At least 200 keys, also under Miri: a walk reaches a third equal
    // tophash only once 3 keys share a hash value (k >= 48), and the map
    // must be growing on one of the armed inserts.
    for k in 0..size().max(200) {
        if m.stats().growing && k % 5 == 0 {
            let r = with_fuse(Trigger::Eq, 3, || {
                m.insert(Bomb::new(k, h(k), &log), Val::new(k, &log))
            });
            if r.is_err() {
                panics += 1;
                m.check_invariants();
                assert_eq!(m.len(), model.len());
            } else {
                model.insert(k, k);
                continue;
            }
        }
        m.insert(Bomb::new(k, h(k), &log), Val::new(k, &log));
        model.insert(k, k);
    }
    assert!(panics > 0);
    m.check_invariants();
    assert_eq!(m.len(), model.len());
    for (&k, &v) in &model {
        assert_eq!(m.get(&Bomb::new(k, h(k), &log)).map(|v| v.k), Some(v));
    }
    drop(m);
    assert_eq!(log.leaked(), 0);
}

/// After a `Hash` panic in the middle of an evacuation, every entry is
/// still reachable, iteration agrees with `len`, and nothing leaks: the
/// X/Y choices are all made before anything moves.
#[test]
fn hash_panic_in_the_middle_of_an_evacuation_leaves_the_map_usable() {
    let log = Rc::new(DropLog::default());
    let (m, _model, state) = interrupted_evacuation(&log);
    assert_eq!(state, Ok(()));
    drop(m);
    assert_eq!(log.leaked(), 0);
}
