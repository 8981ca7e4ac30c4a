//! Unit tests of the map's rules, through the raw table and `SwissMap`.

use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use hashgrow::hash::PassThroughBuildHasher as Pass;
use hashgrow::raw::{RawLookup, RawTable};
use hashgrow::testing::{DropLog, Val};
use hashgrow::Event;

use crate::map::{Slot, Vacancy, VacancyKind};
use crate::{SwissMap, SwissTable};

/// A well-mixed hash of a small integer (splitmix64's finalizer), used as
/// the key itself under the pass-through hasher.
fn spread(k: u64) -> u64 {
    let mut z = k.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn map() -> SwissMap<u64, u64, Pass> {
    SwissMap::with_hasher(Pass)
}

fn n(full: u64, miri: u64) -> u64 {
    if cfg!(miri) {
        miri
    } else {
        full
    }
}

#[test]
fn vacancy_packs_table_index_and_kind() {
    for (table, index, kind) in [
        (0, 0, VacancyKind::Empty),
        (3, 1023, VacancyKind::Tombstone),
        ((1 << 31) - 1, (1 << 31) - 1, VacancyKind::SmallFull),
        (70_000, 5, VacancyKind::Small),
    ] {
        let v = Vacancy::new(table, index, kind);
        assert_eq!((v.table(), v.index(), v.kind()), (table, index, kind));
    }
}

#[test]
fn find_results_are_register_sized() {
    // A `Result` of more than two words comes back through the stack (see
    // `Vacancy`): keep the hot path's return values small.
    assert!(std::mem::size_of::<Result<Slot<u64, u64>, Vacancy>>() <= 24);
    assert_eq!(std::mem::size_of::<Option<Slot<u64, u64>>>(), 16);
    assert_eq!(std::mem::size_of::<Vacancy>(), 8);
}

#[test]
fn small_map_is_one_group_until_the_ninth_key() {
    let mut m = map();
    assert_eq!(
        (m.stats().native_capacity, m.capacity()),
        (0, 0),
        "nothing allocated"
    );
    for k in 0..8 {
        m.insert(spread(k), k);
    }
    let s = m.stats();
    assert_eq!(
        (s.tables, s.native_capacity, s.grows, s.entries_moved),
        (0, 8, 0, 0)
    );
    // Deletes empty the slot (no tombstone) and the slot is reused.
    assert_eq!(m.remove(&spread(3)), Some(3));
    assert_eq!(m.stats().tombstones, 0);
    m.insert(spread(100), 100);
    assert_eq!(m.stats().tables, 0, "8 keys again: still small");
    // The 9th key: a 16-slot table, the 8 entries copied.
    m.insert(spread(101), 101);
    let s = m.stats();
    assert_eq!(
        (s.tables, s.native_capacity, s.grows, s.entries_moved),
        (1, 16, 1, 8)
    );
    assert_eq!(m.len(), 9);
    m.check_invariants();
}

/// The next directory is copied ahead by splits and kept current by every
/// `replace_table` (`prepare_next_blocks`); the table list moves to a new
/// block before it fills. Checked at many points between doublings, and
/// the lookups after each doubling find every key.
#[test]
fn directory_copied_ahead_stays_a_copy_through_doublings() {
    let mut m = map();
    let total = n(60_000, 3_000);
    let mut depth = 0;
    for k in 0..total {
        m.insert(spread(k), k);
        let d = m.stats().directory_depth;
        if k % 499 == 0 || d != depth {
            m.check_invariants();
        }
        if d != depth {
            depth = d;
            for j in (0..=k).step_by(7) {
                assert_eq!(m.get(&spread(j)), Some(&j), "key {j} after doubling to {d}");
            }
        }
    }
    assert!(depth >= if cfg!(miri) { 2 } else { 6 }, "depth {depth}");
}

#[test]
fn a_table_doubles_at_seven_eighths_then_splits_at_1024() {
    let mut m = map();
    let mut grows = vec![];
    for k in 0..n(20_000, 2_000) {
        let before = m.stats();
        m.insert(spread(k), k);
        let after = m.stats();
        if after.grows != before.grows {
            grows.push((
                m.len(),
                after.entries_moved - before.entries_moved,
                after.tables,
            ));
        }
        assert!(
            after.entries_moved - before.entries_moved <= 896,
            "one insert, one table"
        );
    }
    // small -> 16 at the 9th key; doublings when a table of C slots holds
    // 7C/8 and one more arrives: 15th, 29th, 57th, 113th, 225th, 449th.
    let firsts: Vec<usize> = grows.iter().take(7).map(|g| g.0).collect();
    assert_eq!(firsts, vec![9, 15, 29, 57, 113, 225, 449]);
    // The 897th key splits the full 1024-slot table: 896 copies, 2 tables.
    assert_eq!(grows[7], (897, 896, 2));
    let s = m.stats();
    assert_eq!(s.native_capacity, 1024 * s.tables);
    assert!(s.splits as usize + 1 == s.tables as usize, "{s:?}");
    assert!(s.directory_depth >= 1);
    m.check_invariants();
    for k in 0..n(20_000, 2_000) {
        assert_eq!(m.get(&spread(k)), Some(&k));
    }
}

#[test]
fn events_come_in_pairs_after_the_state_is_committed() {
    let mut m = map();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    m.set_event_hook(Some(Box::new(move |e: &Event| {
        sink.lock().unwrap().push(*e)
    })));
    for k in 0..2_000 {
        m.insert(spread(k), k);
    }
    let seen = seen.lock().unwrap();
    let starts = seen
        .iter()
        .filter(|e| matches!(e, Event::GrowStart { .. }))
        .count();
    let ends = seen
        .iter()
        .filter(|e| matches!(e, Event::GrowEnd { .. }))
        .count();
    let splits: Vec<_> = seen
        .iter()
        .filter(|e| matches!(e, Event::Split { .. }))
        .collect();
    assert_eq!(starts as u64, m.stats().grows);
    assert_eq!(starts, ends);
    assert_eq!(splits.len() as u64, m.stats().splits);
    assert_eq!(
        *splits[0],
        Event::Split {
            local_depth: 1,
            directory_depth: 1,
            entries: 896
        }
    );
    // The first GrowStart is the small group becoming a table.
    assert_eq!(
        seen[0],
        Event::GrowStart {
            old_capacity: 8,
            new_capacity: 16,
            same_size: false,
            len: 8
        }
    );
}

#[test]
fn deletes_in_full_groups_leave_tombstones_that_inserts_reuse() {
    let mut m = map();
    for k in 0..n(5_000, 1_500) {
        m.insert(spread(k), k);
    }
    for k in 0..n(2_500, 700) {
        m.remove(&spread(k));
    }
    let s = m.stats();
    assert!(s.tombstones > 0, "{s:?}");
    m.check_invariants();
    let tables = s.tables;
    for k in 0..n(2_500, 700) {
        m.insert(spread(k + 1_000_000), k);
    }
    assert!(
        m.stats().tombstones < s.tombstones,
        "inserts reuse tombstones"
    );
    assert_eq!(m.stats().tables, tables, "same size again: no new table");
    m.check_invariants();
}

#[test]
fn churn_prunes_tombstones() {
    let mut m = map();
    let mut live: Vec<u64> = (0..13).collect();
    for &k in &live {
        m.insert(spread(k), k);
    }
    for (i, next) in (0..n(20_000, 3_000)).zip(13u64..) {
        let i = i as usize % live.len();
        let victim = live[i];
        m.remove(&spread(victim));
        live[i] = next;
        m.insert(spread(next), next);
    }
    let s = m.stats();
    assert!(s.tombstones_pruned > 0, "{s:?}");
    assert!(
        s.native_capacity <= 64,
        "pruning kept the table small: {s:?}"
    );
    m.check_invariants();
}

#[test]
fn clear_keeps_every_table_and_the_directory() {
    let mut m = map();
    for k in 0..3_000 {
        m.insert(spread(k), k);
    }
    for k in 0..100 {
        m.remove(&spread(k));
    }
    let before = m.stats();
    m.clear();
    let s = m.stats();
    assert_eq!(m.len(), 0);
    assert_eq!(
        (s.native_capacity, s.tables, s.directory_depth),
        (
            before.native_capacity,
            before.tables,
            before.directory_depth
        )
    );
    assert_eq!(s.tombstones, 0);
    m.check_invariants();
    for k in 0..3_000 {
        m.insert(spread(k), k);
    }
    assert_eq!(m.stats().tables, before.tables, "refilled without a grow");
    // A cleared small map keeps its group.
    let mut m = map();
    m.insert(1, 1);
    m.clear();
    assert_eq!((m.len(), m.stats().native_capacity), (0, 8));
}

#[test]
fn hints_size_the_directory_as_new_map_does() {
    let t = SwissTable::<u64, u64>::with_hint(8);
    assert_eq!(
        t.stats().native_capacity,
        0,
        "a small map, allocated lazily"
    );
    let t = SwissTable::<u64, u64>::with_hint(9);
    assert_eq!((t.stats().native_capacity, t.stats().tables), (16, 1));
    let t = SwissTable::<u64, u64>::with_hint(1000);
    assert_eq!(
        (
            t.stats().native_capacity,
            t.stats().tables,
            t.stats().directory_depth
        ),
        (2048, 2, 1)
    );
    if !cfg!(miri) {
        let t = SwissTable::<u64, u64>::with_hint(100_000);
        assert_eq!((t.stats().tables, t.stats().directory_depth), (128, 7));
        assert_eq!(t.capacity(), 128 * 896);
    }
}

#[test]
fn huge_hints_never_abort() {
    for hint in [usize::MAX, usize::MAX / 7, 1 << 62, 1 << 40] {
        let t = SwissTable::<u64, u64>::with_hint(hint);
        assert_eq!(
            t.stats().native_capacity,
            0,
            "hint {hint} ignored as the runtime does"
        );
    }
    if !cfg!(miri) {
        // Honoured by the runtime's rule (9 TB), refused by the allocator:
        // ignored rather than an abort.
        let t = SwissTable::<u64, u64>::with_hint(1 << 38);
        assert_eq!(t.stats().native_capacity, 0);
    }
    let mut m: SwissMap<u64, u64, Pass> = SwissMap::with_capacity_and_hasher(usize::MAX, Pass);
    m.insert(1, 1);
    assert_eq!(m.get(&1), Some(&1));
}

/// Every key hashes to the same value.
#[derive(Default)]
struct Constant;
impl Hasher for Constant {
    fn write(&mut self, _: &[u8]) {}
    fn finish(&self) -> u64 {
        0x5555_0000_0000_0042
    }
}

#[test]
fn a_hash_that_cannot_split_a_table_grows_it_instead() {
    let mut m: SwissMap<u64, u64, BuildHasherDefault<Constant>> = SwissMap::default();
    for k in 0..n(2_000, 300) {
        m.insert(k, k);
    }
    let s = m.stats();
    assert_eq!(s.tables, 1, "{s:?}");
    assert_eq!(s.directory_depth, 0);
    for k in 0..n(2_000, 300) {
        assert_eq!(m.get(&k), Some(&k));
    }
    m.check_invariants();
}

#[test]
fn every_entry_is_dropped_exactly_once() {
    let log = Rc::new(DropLog::default());
    {
        let mut m: SwissMap<u64, Val, Pass> = SwissMap::with_hasher(Pass);
        for k in 0..n(3_000, 200) {
            m.insert(spread(k), Val::new(k, &log));
        }
        for k in 0..n(1_000, 50) {
            assert_eq!(m.remove(&spread(k)).map(|v| v.k), Some(k));
        }
        // Overwrites drop the old value.
        for k in n(1_000, 50)..n(1_100, 60) {
            m.insert(spread(k), Val::new(k, &log));
        }
        let taken: Vec<(u64, Val)> = m.drain().take(10).collect();
        assert_eq!(taken.len(), 10);
        assert_eq!(m.len(), 0);
        for k in 0..n(500, 40) {
            m.insert(spread(k), Val::new(k, &log));
        }
        let mut m2: SwissMap<u64, Val, Pass> = SwissMap::with_hasher(Pass);
        m2.insert(7, Val::new(7, &log));
        let v: Vec<_> = m2.into_iter().collect();
        assert_eq!(v.len(), 1);
    }
    assert_eq!(log.leaked(), 0);
}

#[test]
fn raw_iteration_visits_every_entry_once_and_survives_removals() {
    let mut t: SwissTable<u64, u64> = SwissTable::new();
    let h = |k: &u64| spread(*k);
    for k in 0..n(3_000, 300) {
        if let Err(v) = t.find_or_vacancy(h(&k), &k, h) {
            t.insert_vacant(h(&k), v, k, k, h);
        }
    }
    // SAFETY: the iterator is used while only removing yielded slots.
    let slots: Vec<_> = unsafe { t.raw_iter() }.collect();
    assert_eq!(slots.len(), t.len());
    let mut removed = 0;
    // SAFETY: as above.
    for s in unsafe { t.raw_iter() } {
        // SAFETY: yielded, so live; removing it keeps the iterator valid.
        let (k, _) = unsafe { t.remove_slot(s) };
        assert!(k < n(3_000, 300));
        removed += 1;
    }
    assert_eq!(removed, slots.len());
    assert_eq!(t.len(), 0);
    t.check_invariants(h);
    let taken = t.take();
    assert_eq!(taken.len(), 0);
}

#[test]
fn lookups_wrap_to_group_0_and_walk_past_the_first_groups() {
    // A key (= its hash, pass-through) whose probe starts at group `g` of a
    // table of `groups` groups, with H2 `tag`.
    let key = |g: u64, groups: u64, j: u64, tag: u64| ((j * groups + g) << 7) | tag;

    // The small group, full: a miss must stop after its one group.
    let mut m = map();
    for j in 0..8 {
        m.insert(key(0, 1, j, 5), j);
    }
    assert_eq!(m.get(&key(0, 1, 99, 5)), None);
    assert_eq!(m.get(&key(0, 1, 3, 5)), Some(&3));

    // 16 slots (2 groups): 8 keys starting at group 1 fill it, the 9th
    // wraps to group 0, the path's second group.
    let mut m = map();
    for j in 0..9 {
        m.insert(key(1, 2, j, j % 3), j);
    }
    assert_eq!(m.stats().native_capacity, 16);
    m.check_invariants();
    for j in 0..9 {
        assert_eq!(m.get(&key(1, 2, j, j % 3)), Some(&j), "key {j}");
    }
    assert_eq!(m.get(&key(1, 2, 50, 1)), None);
    // A removal in group 0, found past the full group 1.
    assert_eq!(m.remove(&key(1, 2, 8, 2)), Some(8));
    m.check_invariants();
    assert_eq!(m.get(&key(1, 2, 8, 2)), None);

    // 32 slots (4 groups): keys starting at group 1 fill groups 1 and 2,
    // then go to group 0 (1 + 1 + 2, wrapped): the path's third group.
    let mut m = SwissMap::with_capacity_and_hasher(20, Pass);
    for j in 0..20 {
        m.insert(key(1, 4, j, 7), j);
    }
    assert_eq!(m.stats().native_capacity, 32);
    m.check_invariants();
    for j in 0..20 {
        assert_eq!(m.get(&key(1, 4, j, 7)), Some(&j), "key {j}");
    }
    assert_eq!(m.get(&key(1, 4, 77, 7)), None);
    m.clear();
    m.check_invariants();
    assert_eq!(m.get(&key(1, 4, 3, 7)), None);
}
