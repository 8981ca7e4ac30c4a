//! What one insert and one miss cost at the end of a deep overflow chain,
//! on **our replica** of the Go 1.19 map (the runtime's figures would
//! differ; the walk is the same).
//!
//!     cargo run --release -p hashgrow-go --example deep_chain [L ...]
//!
//! (chain lengths L in buckets, at most 3000; default 1, 2, 4, ..., 1024)
//!
//! Keys hash to themselves ([`PassThroughBuildHasher`]), so a key's bucket
//! is its low `B` bits and its tophash its top byte. The map is made with
//! room for 26,000 entries (`B = 12`, 4096 buckets), so neither rule that
//! starts a grow fires: 8 × 1024 entries stay under 6.5 × 4096, and 1023
//! overflow buckets under 4096. Every chain key has low 12 bits 0 (bucket
//! 0) and a top byte from 5 to 254; the probe keys have top byte 255, so no
//! chain slot's tophash ever matches a probe and no key is compared: the
//! walk reads only tophash bytes and overflow links, as in the runtime.
//!
//! For each chain length L (in full buckets: 8·L entries):
//! * **insert**: a new key. It walks all L buckets (it must know the key is
//!   absent, and no slot is empty), then takes a new overflow bucket (the
//!   first time) or the slot its predecessor left (afterwards: each probe
//!   is removed, untimed, before the next). Median of 201 single inserts.
//! * **miss**: `get` of an absent key, walking the L buckets and stopping
//!   at the empty slot after them; the mean over a batch of 2,000, best of
//!   5 batches.
//!
//! The example asserts what it relies on: B stayed 12, no grow started,
//! and bucket 0's chain holds the 8·L keys.
use std::hint::black_box;
use std::time::Instant;

use hashgrow::hash::PassThroughBuildHasher;
use hashgrow_go::GoMap;

const B: u32 = 12;
const PROBE_TOP: u64 = 255;

/// The `i`-th key of bucket 0's chain: low `B` bits 0, top byte 5..=254,
/// distinct for every `i`.
fn chain_key(i: u64) -> u64 {
    let top = 5 + i % 250;
    (top << 56) | ((i + 1) << B)
}

/// The `i`-th probe key: bucket 0, top byte 255, never in the chain.
fn probe_key(i: u64) -> u64 {
    (PROBE_TOP << 56) | ((i + 1) << B)
}

fn main() {
    println!("# our replica of Go 1.19's map (hashgrow-go), u64 -> u64, B = 12, release build; not the Go runtime's figures");
    println!("# L: full buckets in the chain (8·L entries); insert: median of 201 single inserts of a new key at the end of the chain;");
    println!("# miss: mean of a batch of 2,000 lookups of an absent key, best of 5 batches; per bucket: ns / L (timer cost ~20 ns is inside the insert figure)");
    println!();
    println!(
        "{:>5} {:>8} {:>12} {:>11} {:>10} {:>11}",
        "L", "entries", "insert ns", "per bucket", "miss ns", "per bucket"
    );
    let mut lengths: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("L: a chain length in buckets"))
        .collect();
    if lengths.is_empty() {
        lengths = (0..=10).map(|i| 1 << i).collect();
    }
    for l in lengths {
        // 8·L entries must stay under 6.5 × 4096 and L - 1 overflow
        // buckets under 4096, or a grow would start.
        assert!((1..=3000).contains(&l), "L = {l}: 1 ..= 3000");
        let mut m: GoMap<u64, u64, _> =
            GoMap::with_capacity_and_hasher(26_000, PassThroughBuildHasher);
        for i in 0..8 * l {
            m.insert(chain_key(i), i);
        }
        let s = m.stats();
        assert_eq!(s.log2_buckets as u32, B);
        assert_eq!((s.grows, s.same_size_grows), (0, 0), "no grow may start");
        assert_eq!(
            s.noverflow,
            l - 1,
            "L full buckets = L - 1 overflow buckets"
        );
        assert_eq!(m.raw().longest_chain(), 8 * l);

        let mut times = Vec::with_capacity(201);
        for r in 0..201 {
            let k = probe_key(r);
            let t = Instant::now();
            m.insert(black_box(k), r);
            times.push(t.elapsed().as_nanos() as f64);
            m.remove(&k);
        }
        times.sort_by(f64::total_cmp);
        let insert = times[times.len() / 2];
        let s = m.stats();
        assert_eq!((s.grows, s.same_size_grows), (0, 0), "no grow may start");
        assert_eq!(m.len() as u64, 8 * l);

        let reps = 2_000u64;
        let miss = (0..5)
            .map(|_| {
                let t = Instant::now();
                for r in 0..reps {
                    black_box(m.get(&black_box(probe_key(1000 + r % 64))));
                }
                t.elapsed().as_nanos() as f64 / reps as f64
            })
            .fold(f64::INFINITY, f64::min);
        println!(
            "{:>5} {:>8} {:>12.0} {:>11.1} {:>10.1} {:>11.2}",
            l,
            8 * l,
            insert,
            insert / l as f64,
            miss,
            miss / l as f64
        );
    }
}
