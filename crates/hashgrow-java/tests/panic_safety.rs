//! Panic safety: a key whose `Hash`, `Eq` or `Ord` panics on the Nth call
//! after being armed. A JavaMap hashes a key once per operation, before
//! touching anything, and a resize never hashes (nodes keep their hash);
//! what can panic mid-structure-change is `Ord`, used to build tree bins:
//! in a treeify, and when a resize re-treeifies both halves of a split tree
//! bin. After `catch_unwind` the map must drop without dropping anything
//! twice (a leak is allowed).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use hashgrow::hash::PassThroughBuildHasher;
use hashgrow_java::JavaMap;

use hashgrow::testing::bomb::{with_fuse, Bomb, DropLog, Trigger, Val};

type Map = JavaMap<Bomb, Val, PassThroughBuildHasher>;

/// Does the map hold exactly `model` (key -> its recorded hash)? Every
/// check is caught, so a broken map yields a description, not a panic.
fn holds(m: &Map, model: &BTreeMap<u64, u64>, log: &Rc<DropLog>) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| m.check_invariants()))
        .map_err(|_| "check_invariants failed".to_string())?;
    if m.len() != model.len() {
        return Err(format!("len {} != {}", m.len(), model.len()));
    }
    for (&k, &h) in model {
        if m.get(&Bomb::new(k, h, log)).map(|v| v.k) != Some(k) {
            return Err(format!("key {k} lost"));
        }
    }
    let n = catch_unwind(AssertUnwindSafe(|| m.iter().count()))
        .map_err(|_| "iteration panicked".to_string())?;
    if n != model.len() {
        return Err(format!("iter yields {n}, len {}", model.len()));
    }
    Ok(())
}

fn insert(m: &mut Map, model: &mut BTreeMap<u64, u64>, k: u64, h: u64, log: &Rc<DropLog>) {
    assert!(m.insert(Bomb::new(k, h, log), Val::new(k, log)).is_none());
    model.insert(k, h);
}

/// Keeps using a map after a panic: more inserts (with resizes and tree
/// bins), removals, iteration; then drops it and checks nothing was
/// dropped twice.
fn keep_using_then_drop(mut m: Map, log: &Rc<DropLog>) {
    for k in 10_000..10_300u64 {
        let _ = m.insert(Bomb::new(k, k % 3, log), Val::new(k, log));
    }
    for k in (10_000..10_300u64).step_by(2) {
        let _ = m.remove(&Bomb::new(k, k % 3, log));
    }
    let _ = catch_unwind(AssertUnwindSafe(|| m.iter().count()));
    drop(m);
    log.leaked();
}

/// Eight keys in bin 0 of a 64-bin table; the ninth makes it a tree, and
/// `Ord` panics in the middle of that treeify.
fn interrupted_treeify(log: &Rc<DropLog>) -> (Map, BTreeMap<u64, u64>, Result<(), String>) {
    let mut m: Map = JavaMap::with_capacity_and_hasher(64, PassThroughBuildHasher);
    let mut model = BTreeMap::new();
    for k in 0..8 {
        insert(&mut m, &mut model, k, 0, log);
    }
    assert_eq!(m.raw().tree_bins(), 0);
    let r = with_fuse(Trigger::Ord, 3, || {
        m.insert(Bomb::new(8, 0, log), Val::new(8, log))
    });
    assert!(r.is_err(), "the treeify should have panicked");
    let state = holds(&m, &model, log);
    (m, model, state)
}

#[test]
fn ord_panic_in_the_middle_of_a_treeify_is_memory_safe() {
    let log = Rc::new(DropLog::default());
    let (m, _, _) = interrupted_treeify(&log);
    keep_using_then_drop(m, &log);
}

/// A tree bin whose two split halves are both large enough to be
/// re-treeified; `Ord` panics while the resize rebuilds the first half.
fn interrupted_split(log: &Rc<DropLog>) -> (Map, BTreeMap<u64, u64>, Result<(), String>) {
    let mut m: Map = JavaMap::with_capacity_and_hasher(64, PassThroughBuildHasher);
    let mut model = BTreeMap::new();
    // Bin 0 of 64: hash 0 (lo half at the next resize) and 64 (hi half).
    for k in 0..20 {
        insert(&mut m, &mut model, k, (k % 2) * 64, log);
    }
    assert_eq!(m.raw().tree_bins(), 1);
    // Fill other bins up to the threshold (48 of 64 bins).
    let mut k = 100;
    while m.len() < m.raw().threshold() {
        insert(&mut m, &mut model, k, k - 99, log);
        k += 1;
    }
    assert_eq!(m.capacity(), 64);
    let r = with_fuse(Trigger::Ord, 5, || {
        m.insert(Bomb::new(k, k - 99, log), Val::new(k, log))
    });
    assert!(r.is_err(), "the resize should have panicked");
    let state = holds(&m, &model, log);
    (m, model, state)
}

#[test]
fn ord_panic_in_the_middle_of_a_resize_is_memory_safe() {
    let log = Rc::new(DropLog::default());
    let (m, _, _) = interrupted_split(&log);
    keep_using_then_drop(m, &log);
}

#[test]
fn panics_while_searching_a_bin_leave_the_map_usable() {
    let log = Rc::new(DropLog::default());
    let mut m: Map = JavaMap::with_hasher(PassThroughBuildHasher);
    let mut model = BTreeMap::new();
    // List bins of at most 3 nodes.
    for k in 0..40 {
        insert(&mut m, &mut model, k, k % 16, &log);
    }
    // A tree bin: bin 2 gets 20 more keys.
    for k in 200..220 {
        insert(&mut m, &mut model, k, 2, &log);
    }
    assert_eq!(m.raw().tree_bins(), 1);
    // Eq: list bin 1 holds keys 1, 17, 33; Hash: the op's own key; Ord:
    // the tree bin's search.
    let cases = [
        (Trigger::Eq, 2, 1, 33),
        (Trigger::Hash, 0, 1, 33),
        (Trigger::Ord, 1, 2, 210),
    ];
    for (trigger, after, h, present) in cases {
        let r = with_fuse(trigger, after, || {
            m.insert(Bomb::new(1000, h, &log), Val::new(1000, &log))
        });
        assert!(r.is_err(), "{trigger:?} should have panicked");
        assert_eq!(holds(&m, &model, &log), Ok(()), "after {trigger:?}");
        let r = with_fuse(trigger, after, || {
            m.remove(&Bomb::new(present, h, &log)).map(|v| v.k)
        });
        assert!(r.is_err(), "{trigger:?} should have panicked");
        assert_eq!(holds(&m, &model, &log), Ok(()), "after {trigger:?}");
    }
    insert(&mut m, &mut model, 1000, 1, &log);
    insert(&mut m, &mut model, 1001, 2, &log);
    assert_eq!(holds(&m, &model, &log), Ok(()));
    drop(m);
    assert_eq!(log.leaked(), 0);
}

/// NOT the case today: the new node is linked into its bin before
/// `treeify_bin` runs, and `size` is only incremented after it returns, so
/// a panicking `Ord` in the treeify leaves a node in the map that `len()`
/// does not count (`check_invariants`: size 9 != 8; iteration stops one
/// entry early). Memory safe (the node is dropped with the map).
#[test]
#[ignore = "JavaMap's len() is one short after an Ord panic in treeify (see doc comment)"]
fn ord_panic_in_the_middle_of_a_treeify_leaves_the_map_usable() {
    let log = Rc::new(DropLog::default());
    let (m, mut model, state) = interrupted_treeify(&log);
    // Either outcome would be consistent: the key absent, or present and
    // counted.
    if state.is_err() {
        model.insert(8, 0);
        assert_eq!(holds(&m, &model, &log), Ok(()));
    }
}

/// NOT the case today: `resize` swaps in the new table, then splits the
/// old bins one by one; a panicking `Ord` while re-treeifying a split half
/// drops the old table with every bin not yet split, so those entries are
/// lost (leaked, never dropped) while `len()` still counts them
/// (`check_invariants`: 10 reachable, size 49). Iterating then panics
/// (the iterator trusts `len()` and runs off the table, reaching node NIL:
/// an "attempt to add with overflow" in debug builds, an index out of
/// bounds in release). Memory safe, but not usable.
#[test]
#[ignore = "JavaMap loses entries after an Ord panic mid-resize (see doc comment)"]
fn ord_panic_in_the_middle_of_a_resize_leaves_the_map_usable() {
    let log = Rc::new(DropLog::default());
    let (m, _model, state) = interrupted_split(&log);
    assert_eq!(state, Ok(()));
    drop(m);
    assert_eq!(log.leaked(), 0);
}
