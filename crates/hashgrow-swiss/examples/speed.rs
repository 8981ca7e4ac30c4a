//! A quick, noise-resistant speed check against hashbrown (same hasher,
//! same keys): runs each measurement several times, interleaved, and keeps
//! the fastest. The project's real numbers come from `hashgrow compare`.
//!
//!     cargo run --release -p hashgrow-swiss --example speed [N] [ROUNDS]
//!
//! Hits are looked up in a shuffled order, as `hashgrow compare` does
//! (`SWISS_IN_ORDER=1`: in insertion order).
//!
//! `SWISS_SHARDS=BITS` times hits three ways: one hashbrown map, hashbrown
//! maps behind a directory (`2^BITS` of them, picked by the hash's top
//! bits, as go-swiss picks a table; `0`: one map, reached through the
//! directory all the same) and go-swiss. It measures what the directory
//! layout itself costs, whoever's tables sit behind it (`docs/go-swiss.md`,
//! "What the directory itself costs").
//!
//! `SWISS_DIR_READ=1` times one hashbrown map's hits and misses plain and
//! after one read from a directory of 4, 16, 32 or 64 KiB at the index
//! the hash's top bits give, which the looked-up key then depends on, as
//! go-swiss's control-word address depends on its directory entry (the
//! key is hashed again: one multiply more); go-swiss alongside, and both
//! maps one lookup at a time (each key made to depend on the previous
//! result: one lookup's latency, where the other rows overlap lookups);
//! every variant once per round in a rotated order, the median of the
//! rounds.
//!
//! `SWISS_PAUSES=1` grows a map to N keys timing every insert: the 20
//! slowest, and the slowest that grew nothing (preemption, page faults),
//! that grew or split a table, and that doubled the directory.
//! `SWISS_PAUSES_ALL=1` also lists every growing insert over 30 us;
//! `SWISS_PAUSES_WARM=1` grows and drops a map first, so that the measured
//! one reuses memory already touched (no first-touch page faults).
//!
//! `SWISS_CALLGRIND=swiss` (or `hb`) fills that one map and looks every key
//! up once (hits, then misses) in the functions `lookups_swiss` /
//! `lookups_hb`, for counting instructions per lookup:
//!
//!     valgrind --tool=callgrind --toggle-collect='*lookups_*' \
//!         target/release/examples/speed 200000

use std::hash::BuildHasher;
use std::hint::black_box;
use std::time::Instant;

use hashgrow::hash::FxBuildHasher;
use hashgrow_swiss::SwissMap;

type Hb = hashbrown::HashMap<u64, u64, FxBuildHasher>;
type Sw = SwissMap<u64, u64, FxBuildHasher>;

fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn ns(start: Instant, n: usize) -> f64 {
    start.elapsed().as_nanos() as f64 / n as f64
}

macro_rules! measure {
    ($ty:ty, $present:expr, $lookups:expr, $absent:expr) => {{
        let t = Instant::now();
        let mut m = <$ty>::default();
        for &k in $present {
            m.insert(k, k);
        }
        let ins = ns(t, $present.len());
        let t = Instant::now();
        let mut s = 0u64;
        for k in $lookups {
            s = s.wrapping_add(*m.get(k).unwrap());
        }
        let hit = ns(t, $present.len());
        let t = Instant::now();
        for k in $absent {
            s = s.wrapping_add(m.get(k).copied().unwrap_or(1));
        }
        let miss = ns(t, $absent.len());
        black_box(s);
        drop(black_box(m));
        let mut m = <$ty>::with_capacity_and_hasher($present.len(), Default::default());
        let t = Instant::now();
        for &k in $present {
            m.insert(k, k);
        }
        let pre = ns(t, $present.len());
        drop(black_box(m));
        [ins, hit, miss, pre]
    }};
}

/// Every key of `keys` looked up once; the sum of the values found.
#[inline(never)]
fn lookups_swiss(m: &Sw, keys: &[u64]) -> u64 {
    keys.iter()
        .fold(0, |s, k| s.wrapping_add(m.get(k).copied().unwrap_or(1)))
}

/// The same with hashbrown.
#[inline(never)]
fn lookups_hb(m: &Hb, keys: &[u64]) -> u64 {
    keys.iter()
        .fold(0, |s, k| s.wrapping_add(m.get(k).copied().unwrap_or(1)))
}

/// Which of the `2^(64 - shift)` sharded maps holds `k`: its hash's top
/// bits, as go-swiss picks a table (the maps' own hasher, so the shard and
/// the map agree on the hash).
#[inline(always)]
fn shard_of(k: u64, shift: u32) -> usize {
    FxBuildHasher::default()
        .hash_one(k)
        .checked_shr(shift)
        .unwrap_or(0) as usize
}

/// The same with hashbrown's tables behind a directory: `shards` maps,
/// picked by [`shard_of`]. Its `get` hashes again (one multiply).
#[inline(never)]
fn lookups_sharded(shards: &[Hb], shift: u32, keys: &[u64]) -> u64 {
    keys.iter().fold(0, |s, k| {
        let m = &shards[shard_of(*k, shift)];
        s.wrapping_add(m.get(k).copied().unwrap_or(1))
    })
}

/// Hashbrown's lookups, each after a read from `dir` at the index its
/// hash's top bits give: the key looked up is `k ^ (entry & zero)`, with
/// `zero` a 0 the compiler cannot see, so the probe waits for the read.
#[inline(never)]
fn lookups_after_dir_read(m: &Hb, dir: &[u64], shift: u32, zero: u64, keys: &[u64]) -> u64 {
    keys.iter().fold(0, |s, k| {
        let entry = dir[shard_of(*k, shift)];
        s.wrapping_add(m.get(&(k ^ (entry & zero))).copied().unwrap_or(1))
    })
}

/// Hashbrown's lookups one at a time: each key depends on the previous
/// lookup's result (through `zero`), so no two overlap and the time is
/// one lookup's latency.
#[inline(never)]
fn serial_hb(m: &Hb, zero: u64, keys: &[u64]) -> u64 {
    keys.iter().fold(0, |s, k| {
        s.wrapping_add(m.get(&(k ^ (s & zero))).copied().unwrap_or(1))
    })
}

/// The same with go-swiss.
#[inline(never)]
fn serial_swiss(m: &Sw, zero: u64, keys: &[u64]) -> u64 {
    keys.iter().fold(0, |s, k| {
        s.wrapping_add(m.get(&(k ^ (s & zero))).copied().unwrap_or(1))
    })
}

/// `SWISS_DIR_READ=1`: see the module's doc.
fn dir_read_cost(present: &[u64], lookups: &[u64], absent: &[u64], rounds: usize) {
    // Each map grown by inserts, one after the other (not interleaved, so
    // that neither's blocks are scattered between the other's).
    let mut hb = Hb::default();
    for &k in present {
        hb.insert(k, k);
    }
    let mut sw = Sw::default();
    for &k in present {
        sw.insert(k, k);
    }
    let zero = black_box(0u64);
    let sizes_kib = [4usize, 16, 32, 64];
    let dirs: Vec<Vec<u64>> = sizes_kib
        .iter()
        .map(|kib| (0..kib * 1024 / 8).map(|i| i as u64).collect())
        .collect();
    // Variant 0: plain; 1..=4: after a directory read; 5: go-swiss; 6, 7:
    // hashbrown and go-swiss one lookup at a time.
    let variants = sizes_kib.len() + 4;
    let mut times = vec![(Vec::new(), Vec::new()); variants];
    for round in 0..rounds.max(1) {
        for j in 0..variants {
            let v = (j + round) % variants;
            let time = |keys: &[u64]| {
                let t = Instant::now();
                black_box(match v {
                    0 => lookups_hb(&hb, keys),
                    5 => lookups_swiss(&sw, keys),
                    6 => serial_hb(&hb, zero, keys),
                    7 => serial_swiss(&sw, zero, keys),
                    d => {
                        let dir = &dirs[d - 1];
                        let shift = 64 - dir.len().trailing_zeros();
                        lookups_after_dir_read(&hb, dir, shift, zero, keys)
                    }
                });
                ns(t, keys.len())
            };
            let (hit, miss) = (time(lookups), time(absent));
            times[v].0.push(hit);
            times[v].1.push(miss);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (h0, m0) = (median(&mut times[0].0), median(&mut times[0].1));
    println!(
        "n {}, median of {} rounds      hit ns  miss ns   over plain hashbrown",
        present.len(),
        rounds.max(1)
    );
    for (v, (hits, misses)) in times.iter_mut().enumerate() {
        let name = match v {
            0 => "hashbrown".to_string(),
            5 => "go-swiss".to_string(),
            6 => "hashbrown, one at a time".to_string(),
            7 => "go-swiss, one at a time".to_string(),
            d => format!("hashbrown + {:>2} KiB dir", sizes_kib[d - 1]),
        };
        let (h, m) = (median(hits), median(misses));
        println!(
            "{name:<28} {h:6.1}  {m:7.1}   {:.2}x / {:.2}x",
            h / h0,
            m / m0
        );
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let n = args.first().copied().unwrap_or(1_000_000);
    let rounds = args.get(1).copied().unwrap_or(7);
    let present: Vec<u64> = (0..n as u64).map(mix).collect();
    let absent: Vec<u64> = (n as u64..2 * n as u64).map(mix).collect();
    // Hits in a shuffled order, as `hashgrow compare` looks them up
    // (`SWISS_IN_ORDER=1`: in insertion order).
    let mut lookups = present.clone();
    if std::env::var_os("SWISS_IN_ORDER").is_none() {
        for i in (1..lookups.len()).rev() {
            lookups.swap(i, mix(i as u64 ^ 0x5eed) as usize % (i + 1));
        }
    }
    if let Some(which) = std::env::var_os("SWISS_CALLGRIND") {
        let s = if which == "hb" {
            let m: Hb = present.iter().map(|&k| (k, k)).collect();
            lookups_hb(&m, &present).wrapping_add(lookups_hb(&m, &absent))
        } else {
            let m: Sw = present.iter().map(|&k| (k, k)).collect();
            lookups_swiss(&m, &present).wrapping_add(lookups_swiss(&m, &absent))
        };
        println!("{which:?}: {} hits and {} misses, sum {s}", n, n);
        return;
    }
    if let Some(bits) = std::env::var_os("SWISS_SHARDS") {
        let bits: u32 = bits
            .to_str()
            .and_then(|b| b.parse().ok())
            .filter(|&b| b <= 16)
            .expect("SWISS_SHARDS: a number of bits, 0 to 16");
        let shift = 64 - bits;
        // Hits only, each map built just before its pass; three rounds,
        // the three maps in a rotated order, the fastest pass kept.
        let mut best = [f64::MAX; 3];
        for round in 0..3 {
            for j in 0..3 {
                let which = (j + round) % 3;
                let t = match which {
                    0 => {
                        let mut m = Hb::default();
                        for &k in &present {
                            m.insert(k, k);
                        }
                        let t = Instant::now();
                        black_box(lookups_hb(&m, &lookups));
                        t
                    }
                    1 => {
                        let mut shards: Vec<Hb> = (0..1 << bits).map(|_| Hb::default()).collect();
                        for &k in &present {
                            shards[shard_of(k, shift)].insert(k, k);
                        }
                        let t = Instant::now();
                        black_box(lookups_sharded(&shards, shift, &lookups));
                        t
                    }
                    _ => {
                        let mut m = Sw::default();
                        for &k in &present {
                            m.insert(k, k);
                        }
                        let t = Instant::now();
                        black_box(lookups_swiss(&m, &lookups));
                        t
                    }
                };
                best[which] = best[which].min(ns(t, n));
            }
        }
        println!(
            "n {n}, hits (ns), best of 3: hashbrown {:.1}  hashbrown in {} shards {:.1}  go-swiss {:.1}",
            best[0],
            1u32 << bits,
            best[1],
            best[2]
        );
        return;
    }
    if std::env::var_os("SWISS_DIR_READ").is_some() {
        dir_read_cost(&present, &lookups, &absent, rounds);
        return;
    }
    if std::env::var_os("SWISS_PAUSES").is_some() {
        // The slowest single inserts growing from empty, and what each did.
        if std::env::var_os("SWISS_PAUSES_WARM").is_some() {
            // Grow and drop a map first: the measured one then reuses
            // memory the process has already touched (no first-touch page
            // faults from the kernel or the hypervisor).
            let m: Sw = present.iter().map(|&k| (k, k)).collect();
            drop(black_box(m));
        }
        let mut m = Sw::default();
        let mut worst: Vec<(u128, usize, u64, u64, u64)> = Vec::new();
        // The slowest insert that grew nothing, that grew or split a
        // table, and that also doubled the directory.
        let mut max = [0u128; 3];
        for (i, &k) in present.iter().enumerate() {
            let (g, d) = (m.stats().grows, m.stats().directory_depth);
            let t = Instant::now();
            m.insert(k, k);
            let e = t.elapsed().as_nanos();
            let s = m.stats();
            let kind = if s.directory_depth != d {
                2
            } else {
                usize::from(s.grows != g)
            };
            max[kind] = max[kind].max(e);
            if std::env::var_os("SWISS_PAUSES_ALL").is_some() && kind > 0 && e > 30_000 {
                println!("{e:>9} ns  op {i:>9}  dir doubled {}", kind == 2);
            }
            if worst.len() < 20 || e > worst[worst.len() - 1].0 {
                worst.push((
                    e,
                    i,
                    s.grows - g,
                    u64::from(s.directory_depth - d),
                    s.tables,
                ));
                worst.sort_by_key(|w| std::cmp::Reverse(w.0));
                worst.truncate(20);
            }
        }
        for (e, i, g, d, t) in worst {
            println!(
                "{:>9} ns  op {i:>9}  grows {g}  dir doubled {d}  tables {t}",
                e
            );
        }
        for (what, e) in [
            ("no growth", max[0]),
            ("a table grown or split", max[1]),
            ("a split that doubled the directory", max[2]),
        ] {
            println!("slowest insert with {what}: {e} ns");
        }
        return;
    }
    if std::env::var_os("SWISS_PRESIZED_ONLY").is_some() {
        for _ in 0..rounds {
            let mut m = Sw::with_capacity_and_hasher(n, Default::default());
            let t = Instant::now();
            for &k in &present {
                m.insert(k, k);
            }
            println!("presized insert {:.1} ns", ns(t, n));
        }
        return;
    }
    let (mut hb, mut sw) = ([f64::MAX; 4], [f64::MAX; 4]);
    for _ in 0..rounds {
        let h = measure!(Hb, &present, &lookups, &absent);
        let s = measure!(Sw, &present, &lookups, &absent);
        for i in 0..4 {
            hb[i] = hb[i].min(h[i]);
            sw[i] = sw[i].min(s[i]);
        }
    }
    println!("n {n}, best of {rounds}     insert   hit    miss  insert-presized (ns/op)");
    let row = |name: &str, r: [f64; 4]| {
        println!(
            "{name:<22} {:6.1} {:6.1} {:6.1} {:6.1}",
            r[0], r[1], r[2], r[3]
        );
    };
    row("hashbrown", hb);
    row("go-swiss", sw);
    println!(
        "ratio                  {:6.2} {:6.2} {:6.2} {:6.2}",
        sw[0] / hb[0],
        sw[1] / hb[1],
        sw[2] / hb[2],
        sw[3] / hb[3]
    );
}
