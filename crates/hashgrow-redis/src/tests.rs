//! Unit tests of the dict through its raw methods (hash = key unless said).

use std::sync::{Arc, Mutex};

use hashgrow::raw::{RawLookup, RawTable};
use hashgrow::Event;

use crate::RedisTable;

type T = RedisTable<u64, u64>;

fn never(_: &u64) -> u64 {
    unreachable!("the dict must not rehash keys")
}

/// `dictReplace`: insert or overwrite; returns the old value.
fn put(t: &mut T, hash: u64, k: u64, v: u64) -> Option<u64> {
    match t.find_or_vacancy(hash, &k, never) {
        Ok(slot) => {
            // SAFETY: a slot just found is live.
            Some(std::mem::replace(unsafe { t.entry_mut(slot) }.1, v))
        }
        Err(vac) => {
            t.insert_vacant(hash, vac, k, v, never);
            None
        }
    }
}

fn get(t: &mut T, hash: u64, k: u64) -> Option<u64> {
    // SAFETY: a slot just found is live.
    t.find_mut(hash, &k).map(|s| *unsafe { t.entry(s) }.1)
}

fn del(t: &mut T, hash: u64, k: u64) -> Option<u64> {
    RawLookup::remove(t, hash, &k, never).map(|(_, v)| v)
}

fn chain(t: &T, table: usize, bucket: usize) -> Vec<u64> {
    t.chain(table, bucket).map(|(k, _)| *k).collect()
}

#[test]
fn first_insert_allocates_four_buckets_and_new_keys_go_to_the_head() {
    let mut t = T::new();
    assert_eq!(t.slots(), 0);
    assert_eq!(get(&mut t, 1, 1), None);
    put(&mut t, 1, 1, 10);
    assert_eq!(t.table_size(0), 4);
    put(&mut t, 5, 5, 50); // bucket 1 too
    put(&mut t, 9, 9, 90);
    assert_eq!(chain(&t, 0, 1), [9, 5, 1], "newest first");
    assert_eq!(put(&mut t, 5, 5, 51), Some(50));
    assert_eq!(chain(&t, 0, 1), [9, 5, 1], "an update moves nothing");
    t.check_chains();
}

#[test]
fn an_insert_finding_the_table_full_starts_a_doubling_and_goes_to_table_1() {
    let mut t = T::new();
    for k in 0..4 {
        put(&mut t, k, k, k);
    }
    assert!(!t.is_rehashing(), "4 entries in 4 buckets: no grow yet");
    put(&mut t, 4, 4, 4);
    assert!(t.is_rehashing());
    assert_eq!((t.table_size(0), t.table_size(1)), (4, 8));
    assert_eq!((t.table_used(0), t.table_used(1)), (4, 1));
    assert_eq!(chain(&t, 1, 4), [4]);
    assert_eq!(t.rehash_index(), Some(0));
    // Each op moves one bucket: a lookup too.
    assert_eq!(get(&mut t, 0, 0), Some(0));
    assert_eq!(t.rehash_index(), Some(1));
    assert_eq!(t.stats().nodes_relinked, 1);
    t.check_chains();
    for k in 1..4 {
        assert_eq!(get(&mut t, k, k), Some(k));
    }
    assert!(!t.is_rehashing(), "lookups alone finished the rehash");
    assert_eq!((t.table_size(0), t.table_used(0)), (8, 5));
    let s = t.stats();
    assert_eq!(
        (s.grows, s.nodes_relinked, s.entries_moved, s.capacity),
        (1, 4, 0, 8)
    );
    t.check_chains();
}

#[test]
fn an_update_of_a_full_table_starts_a_rehash_as_a_set_does() {
    let mut t = T::new();
    for k in 0..4 {
        put(&mut t, k, k, k);
    }
    assert_eq!(put(&mut t, 2, 2, 7), Some(2));
    assert!(
        t.is_rehashing(),
        "_dictExpandIfNeeded runs before the search"
    );
    assert_eq!(t.len(), 4);
}

#[test]
fn a_moved_chain_is_relinked_head_first() {
    // Keys 1, 5, 9, 13 share bucket 1 of 4; in 8 buckets 1 and 9 go to 1,
    // 5 and 13 to 5. Chain [13, 9, 5, 1] is moved 13 first, each node
    // pushed onto its new bucket's head.
    let mut t = T::new();
    for k in [1, 5, 9, 13] {
        put(&mut t, k, k, k);
    }
    assert_eq!(chain(&t, 0, 1), [13, 9, 5, 1]);
    put(&mut t, 2, 2, 2); // starts 4 -> 8, links 2 into table 1
    put(&mut t, 3, 3, 3); // step: bucket 0 empty, bucket 1 moved: done
    assert!(!t.is_rehashing(), "table 0 emptied: table 1 became table 0");
    assert_eq!(chain(&t, 0, 1), [1, 9]);
    assert_eq!(chain(&t, 0, 5), [5, 13]);
    assert_eq!(chain(&t, 0, 3), [3], "added after the rehash ended");
    assert_eq!(t.stats().empty_visits, 1);
    t.check_chains();
}

#[test]
fn a_step_walks_past_at_most_ten_empty_buckets() {
    // 64 buckets, 6 keys at the end (buckets 58..=63): a shrink to 8, then
    // each step walks 10 empty buckets and stops.
    let mut t = sparse_shrinking();
    assert_eq!(t.stats().shrinks, 1);
    assert!(t.rehash(1));
    assert_eq!(t.rehash_index(), Some(10));
    assert_eq!(t.table_used(1), 0);
    assert!(t.rehash(4), "40 empty visits: still before bucket 58");
    assert_eq!(t.rehash_index(), Some(50));
    assert!(t.rehash(1));
    assert_eq!(
        t.rehash_index(),
        Some(59),
        "8 empties, then bucket 58 moved"
    );
    assert!(!t.rehash(100));
    assert_eq!(
        (t.table_size(0), t.table_used(0), t.table_size(1)),
        (8, 6, 0)
    );
    t.check_chains();
}

#[test]
fn shrink_follows_the_cron_rule() {
    let mut t = T::new();
    for k in 0..100 {
        put(&mut t, k, k, k);
    }
    while t.rehash(100) {}
    assert_eq!(t.table_size(0), 128);
    for k in 0..87 {
        del(&mut t, k, k);
    }
    assert!(!t.shrink(), "13 of 128 is 10%: not below");
    del(&mut t, 87, 87);
    assert!(t.shrink(), "12 of 128");
    assert_eq!(t.table_size(1), 16);
    assert!(!t.shrink(), "rehashing: dictResize refuses");
    while t.rehash(1) {}
    assert!(!t.shrink(), "12 of 16");
    // Empty, but 4 buckets is the floor and is kept.
    for k in 88..100 {
        del(&mut t, k, k);
    }
    assert!(t.is_empty());
    assert_eq!(t.table_size(0), 16, "a delete never frees the table");
    assert!(t.shrink());
    while t.rehash(1) {}
    assert_eq!(t.table_size(0), 4);
    assert!(!t.shrink(), "4 buckets: never below");
}

/// 64 buckets holding keys 58..=63 only, shrinking to 8 (rehashidx 0).
fn sparse_shrinking() -> T {
    let mut t = T::new();
    for k in 0..33 {
        put(&mut t, k, k, k);
    }
    while t.rehash(100) {}
    for k in 0..33 {
        del(&mut t, k, k);
    }
    for k in 58..64 {
        put(&mut t, k, k, k);
    }
    assert!(t.shrink());
    assert_eq!(
        (t.table_size(0), t.table_size(1), t.rehash_index()),
        (64, 8, Some(0))
    );
    t
}

#[test]
fn operations_on_an_empty_dict_do_no_step_but_an_add_does() {
    let mut t = sparse_shrinking();
    // Each delete first walks 10 empty buckets, so all six keys are
    // deleted from table 0 while the rehash is still under way.
    for k in 58..64 {
        assert_eq!(del(&mut t, k, k), Some(k));
    }
    assert_eq!((t.len(), t.rehash_index()), (0, Some(60)));
    assert_eq!(get(&mut t, 1, 1), None);
    assert_eq!(del(&mut t, 1, 1), None);
    assert_eq!(
        t.rehash_index(),
        Some(60),
        "dictFind/dictDelete return before the step on an empty dict"
    );
    put(&mut t, 7, 7, 7);
    assert!(
        !t.is_rehashing(),
        "an add's step ends a rehash whose table 0 is empty"
    );
    assert_eq!((t.table_size(0), t.len()), (8, 1));
    t.check_chains();
}

#[test]
fn clear_frees_both_tables_and_the_next_insert_allocates_again() {
    let mut t = T::new();
    for k in 0..5 {
        put(&mut t, k, k, k);
    }
    t.clear();
    assert_eq!((t.len(), t.slots(), t.is_rehashing()), (0, 0, false));
    put(&mut t, 1, 1, 1);
    assert_eq!(t.table_size(0), 4);
    assert_eq!(t.stats().grows, 1, "counters survive a clear");
}

#[test]
fn events_follow_the_state() {
    let mut t = T::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    t.set_event_hook(Some(Box::new(move |e: &Event| {
        sink.lock().unwrap().push(*e)
    })));
    for k in 0..5 {
        put(&mut t, k, k, k);
    }
    while t.rehash(1) {}
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen[0],
        Event::GrowStart {
            old_capacity: 4,
            new_capacity: 8,
            same_size: false,
            len: 4
        }
    );
    let relinked: u64 = seen
        .iter()
        .map(|e| match e {
            Event::Rehashed { nodes, .. } => *nodes,
            _ => 0,
        })
        .sum();
    assert_eq!(relinked, 4);
    assert_eq!(
        *seen.last().unwrap(),
        Event::GrowEnd {
            capacity: 8,
            len: 5
        }
    );
}

#[test]
fn growing_to_many_keys_moves_at_most_one_bucket_per_op() {
    let mut t = T::new();
    let mut last = t.stats();
    let n: u64 = if cfg!(miri) { 300 } else { 100_000 };
    for k in 0..n {
        let h = k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        put(&mut t, h, k, k);
        let s = t.stats();
        assert!(s.buckets_visited - last.buckets_visited <= 10);
        assert!(
            s.buckets_visited - last.buckets_visited - (s.empty_visits - last.empty_visits) <= 1
        );
        last = s;
    }
    t.check_chains();
    for k in 0..n {
        let h = k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        assert_eq!(get(&mut t, h, k), Some(k));
    }
    assert_eq!(t.stats().entries_moved, 0);
}

#[test]
fn raw_iteration_follows_dict_order_and_survives_removing_yielded_slots() {
    let mut t = T::new();
    for k in 0..6 {
        put(&mut t, k, k, k * 10);
    }
    // Rehashing 4 -> 8, mid-way: iteration walks table 0 then table 1.
    let order: Vec<u64> = t.order().iter().map(|&n| *t.nodes.key(n)).collect();
    // SAFETY: the table is not changed while `it` is used, except by
    // removing slots `it` already yielded.
    let it = unsafe { t.raw_iter() };
    assert_eq!(it.len(), 6);
    let mut keys = Vec::new();
    for slot in it {
        // SAFETY: `slot` was just yielded, so it is live.
        let (k, _) = unsafe { t.entry(slot) };
        keys.push(*k);
        if k % 2 == 0 {
            // SAFETY: live, and already yielded.
            unsafe { t.remove_slot(slot) };
        }
    }
    assert_eq!(keys, order);
    assert_eq!(t.len(), 3);
    t.check_chains();
    let rest: Vec<(u64, u64)> = t.into_entries().collect();
    assert_eq!(rest.len(), 3);
    assert!(rest.iter().all(|(k, v)| k % 2 == 1 && *v == k * 10));
}

#[test]
fn reserve_and_shrink_to_follow_dict_expand_and_dict_resize() {
    let mut t = <T as RawTable<u64, u64>>::with_capacity(100);
    assert_eq!((t.table_size(0), t.is_rehashing()), (128, false));
    t.try_reserve(10, never).unwrap();
    assert_eq!(t.table_size(0), 128);
    assert!(t.try_reserve(usize::MAX, never).is_err());
    for k in 0..3 {
        put(&mut t, k, k, k);
    }
    t.shrink_to(0, never);
    assert_eq!(t.table_size(1), 4);
    while t.rehash(1) {}
    t.shrink_to(100, never);
    assert_eq!(t.table_size(0), 4, "shrink_to never grows");
    t.try_reserve(100, never).unwrap();
    assert_eq!(
        t.table_size(1),
        128,
        "reserve into a larger table: a rehash"
    );
    assert_eq!(t.empty_clone().table_size(0), 4);
    let taken = t.take();
    assert_eq!((taken.len(), t.len(), t.slots()), (3, 0, 0));
}

#[test]
fn values_drop_once_on_clear_drop_and_into_entries() {
    let counter = Arc::new(());
    let mut t: RedisTable<u64, Arc<()>> = RedisTable::new();
    let add = |t: &mut RedisTable<u64, Arc<()>>, k: u64| {
        let v = t.find_or_vacancy(k, &k, never).unwrap_err();
        t.insert_vacant(k, v, k, Arc::clone(&counter), never);
    };
    for k in 0..20 {
        add(&mut t, k);
    }
    assert_eq!(Arc::strong_count(&counter), 21);
    RawLookup::remove(&mut t, 3, &3, never);
    assert_eq!(Arc::strong_count(&counter), 20);
    t.clear();
    assert_eq!(Arc::strong_count(&counter), 1);
    for k in 0..20 {
        add(&mut t, k);
    }
    let mut it = t.into_entries();
    it.next();
    drop(it);
    assert_eq!(Arc::strong_count(&counter), 1);
    let mut t: RedisTable<u64, Arc<()>> = RedisTable::new();
    for k in 0..9 {
        add(&mut t, k);
    }
    drop(t);
    assert_eq!(Arc::strong_count(&counter), 1);
}

#[test]
fn a_large_old_table_freed_off_thread_leaves_the_dict_whole() {
    use crate::buckets::OFF_THREAD_BYTES;
    // Past 2 * OFF_THREAD_BYTES / 8 keys, a retired table 0 was as big as
    // OFF_THREAD_BYTES and went to the helper thread.
    let n = (2 * OFF_THREAD_BYTES / 8 + 1) as u64;
    let hash = |k: u64| k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut t = T::new();
    let mut big_retired = 0;
    for k in 0..n {
        let size0 = t.table_size(0);
        put(&mut t, hash(k), k, k);
        // A rehash ended: table 1 became table 0, the old one was freed.
        if t.table_size(0) != size0 && size0 * 8 >= OFF_THREAD_BYTES {
            big_retired += 1;
        }
    }
    assert!(big_retired >= 1, "no large table retired: {t:?}");
    while t.rehash(100) {}
    t.check_chains();
    assert_eq!(t.len() as u64, n);
    for k in (0..n).step_by(997) {
        assert_eq!(get(&mut t, hash(k), k), Some(k));
    }
}
