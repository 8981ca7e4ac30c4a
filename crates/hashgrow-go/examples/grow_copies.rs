//! How many entries each grow of our Go 1.19 replica copies, and over how
//! many writes: the measured answer to "when a Go map passes load factor
//! 6.5, how many memory copies happen?" (see `docs/go.md`).
//!
//!     cargo run --release -p hashgrow-go --example grow_copies [N]
//!
//! Inserts keys 0..N (default 1,000,000; FxHash) and, through the map's
//! event hook, follows every grow from the insert that starts it to the one
//! that ends it. Per grow it prints the entries present when it started, the
//! entries it copied, the writes it spanned, and the most entries and old
//! buckets one write evacuated. It asserts what `docs/go.md` states: every
//! entry present at the start is copied exactly once, by between
//! `2^(B-1)` and `2^B` writes (`2^B` = old buckets), at most two old
//! buckets per write. Grows from 1 and 2 buckets end inside the insert
//! that started them (1 write).
//!
//! Decisions are the runtime's (checked against it by the oracle tests);
//! the counts are therefore the runtime's too for the same hashes.
use std::sync::{Arc, Mutex};

use hashgrow::hash::FxBuildHasher;
use hashgrow_go::{Event, GoMap};

#[derive(Default)]
struct Grow {
    old_b: u32,
    len_at_start: u64,
    copied: u64,
    writes: u64,
    max_entries_per_write: u64,
    max_buckets_per_write: u64,
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .map_or(1_000_000, |s| s.parse().expect("N"));
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let mut m: GoMap<u64, u64, _> = GoMap::with_hasher(FxBuildHasher::default());
    m.set_event_hook(Some(Box::new(move |e: &Event| {
        sink.lock().unwrap().push(*e)
    })));
    let mut grows: Vec<Grow> = Vec::new();
    let mut open = false;
    for k in 0..n {
        m.insert(k, k);
        let evs: Vec<Event> = std::mem::take(&mut *events.lock().unwrap());
        for e in &evs {
            match *e {
                Event::GrowStart {
                    old_capacity, len, ..
                } => {
                    grows.push(Grow {
                        old_b: old_capacity.trailing_zeros(),
                        len_at_start: len as u64,
                        ..Grow::default()
                    });
                    open = true;
                }
                Event::Evacuated { entries, buckets } => {
                    let g = grows.last_mut().expect("evacuation outside a grow");
                    g.copied += entries;
                    g.max_entries_per_write = g.max_entries_per_write.max(entries);
                    g.max_buckets_per_write = g.max_buckets_per_write.max(buckets);
                }
                Event::GrowEnd { .. } => open = false,
                _ => {}
            }
        }
        // Every write while a grow is open (including the one that started
        // it and the one that ended it) counts for that grow.
        if open || evs.iter().any(|e| matches!(e, Event::GrowEnd { .. })) {
            grows.last_mut().unwrap().writes += 1;
        }
    }
    println!("# our replica of Go 1.19's map (hashgrow-go), u64 keys 0..{n}, FxHash; every grow of the run");
    println!("# old B: B when the grow started (2^B old buckets); present: entries when it started; copied: entries evacuated by it;");
    println!("# writes: inserts from the one that started it to the one that ended it; max/write: most entries and old buckets one write evacuated");
    println!();
    println!(
        "{:>5} {:>9} {:>9} {:>11} {:>9} {:>13} {:>15} {:>15}",
        "old B",
        "present",
        "copied",
        "6.5 x 2^B",
        "writes",
        "2^(B-1)..2^B",
        "max entries/w",
        "max buckets/w"
    );
    let (mut total_copied, mut total_writes) = (0, 0);
    let last = grows.len() - 1;
    for (i, g) in grows.iter().enumerate() {
        let old = 1u64 << g.old_b;
        let finished = i < last || !m.stats().growing;
        println!(
            "{:>5} {:>9} {:>9} {:>11} {:>9} {:>13} {:>15} {:>15}",
            g.old_b,
            g.len_at_start,
            g.copied,
            13 * old / 2,
            g.writes,
            format!("{}..{}", (old / 2).max(1), old),
            g.max_entries_per_write,
            g.max_buckets_per_write
        );
        assert!(
            g.max_buckets_per_write <= 2,
            "at most two old buckets per write"
        );
        if finished {
            assert_eq!(
                g.copied, g.len_at_start,
                "each entry present is copied once"
            );
            if old <= 2 {
                assert_eq!(
                    g.writes, 1,
                    "a grow from 1 or 2 buckets ends in its first insert"
                );
            } else {
                assert!(
                    (old / 2..=old).contains(&g.writes),
                    "writes in 2^(B-1)..2^B"
                );
            }
        }
        total_copied += g.copied;
        total_writes += g.writes;
    }
    let s = m.stats();
    assert_eq!(total_copied, s.entries_moved);
    println!();
    println!(
        "total: {} grows, {} entries copied for {} inserts ({:.2} per insert), {} inserts ran during a grow; final B {}, growing {}",
        grows.len(),
        total_copied,
        n,
        total_copied as f64 / n as f64,
        total_writes,
        s.log2_buckets,
        s.growing
    );
}
