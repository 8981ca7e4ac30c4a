//! Grows a RedisMap to N keys (default 10M) timing every insert, and prints
//! the slowest ones with what the map did in them (a rehash start or end,
//! a new node chunk), to find where a single op's worst case comes from.
//!
//!     cargo run --release -p hashgrow-redis --example redis_worst_insert [N]

use std::time::Instant;

use hashgrow::Table;
use hashgrow_redis::RedisMap;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .map_or(10_000_000, |s| s.parse().expect("N"));
    let mut m: RedisMap<u64, u64> = RedisMap::default();
    let mut worst: Vec<(u128, u64, bool, bool)> = Vec::new();
    let (mut worst_start, mut worst_end) = (0u128, 0u128);
    for i in 0..n {
        let k = i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let before = m.stats();
        let t = Instant::now();
        m.insert(k, i);
        let ns = t.elapsed().as_nanos();
        let after = m.stats();
        let started = after.grows > before.grows;
        let ended = before.growing && !after.growing;
        if started {
            worst_start = worst_start.max(ns);
        }
        if ended {
            worst_end = worst_end.max(ns);
        }
        worst.push((ns, i, started, ended));
        if worst.len() > 64 {
            worst.sort_unstable_by_key(|w| std::cmp::Reverse(w.0));
            worst.truncate(8);
        }
    }
    worst.sort_unstable_by_key(|w| std::cmp::Reverse(w.0));
    for (ns, i, started, ended) in worst.iter().take(8) {
        println!(
            "insert {i:>9}: {:>9.1} us  rehash start {started}, end {ended}",
            *ns as f64 / 1e3
        );
    }
    println!(
        "slowest insert that started a rehash: {:.1} us; that ended one: {:.1} us",
        worst_start as f64 / 1e3,
        worst_end as f64 / 1e3
    );
    println!("len {} stats {:?}", m.len(), Table::stats(&m));
}
