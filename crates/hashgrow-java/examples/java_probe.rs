//! Noise-resistant A/B probe: 1M random `u64` inserts from empty, hits and
//! misses (hits in a shuffled order), JavaMap vs hashbrown (both FxHash),
//! runs interleaved, best and median of many runs.
//!
//!     cargo run --release -p hashgrow-java --example java_probe

use std::hint::black_box;
use std::time::Instant;

use hashgrow::testing::xorshift_keys;
use hashgrow::DefaultHashBuilder;
use hashgrow_java::JavaMap;

const N: usize = 1_000_000;
const RUNS: usize = 15;

/// Best and median of `v`, in ns per op.
fn summary(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2])
}

fn main() {
    let ks = xorshift_keys(0x9E37_79B9_7F4A_7C15, N);
    let misses = xorshift_keys(0x1234_5678_9ABC_DEF1, N);
    // Hits in a shuffled order, as `hashgrow compare` looks them up: in
    // insertion order they would stream through the node arena.
    let mut hits = ks.clone();
    let order = xorshift_keys(0x5eed, N);
    for i in (1..N).rev() {
        hits.swap(i, (order[i] % (i as u64 + 1)) as usize);
    }
    let per = |t: Instant| t.elapsed().as_secs_f64() * 1e9 / N as f64;
    let (mut ji, mut jh, mut jm, mut bi, mut bh, mut bm) = Default::default();
    let (mut jp, mut bp) = (Vec::new(), Vec::new());
    let push = |v: &mut Vec<f64>, x| v.push(x);
    for _ in 0..RUNS {
        let t = Instant::now();
        let mut j: JavaMap<u64, u64> = JavaMap::new();
        for &k in &ks {
            j.insert(k, k);
        }
        push(&mut ji, per(t));
        let t = Instant::now();
        let mut b: hashbrown::HashMap<u64, u64, DefaultHashBuilder> =
            hashbrown::HashMap::with_hasher(DefaultHashBuilder::default());
        for &k in &ks {
            b.insert(k, k);
        }
        push(&mut bi, per(t));
        let t = Instant::now();
        let mut p: JavaMap<u64, u64> = JavaMap::with_capacity(N / 3 * 4 + 4);
        for &k in &ks {
            p.insert(k, k);
        }
        push(&mut jp, per(t));
        drop(p);
        let t = Instant::now();
        let mut p: hashbrown::HashMap<u64, u64, DefaultHashBuilder> =
            hashbrown::HashMap::with_capacity_and_hasher(N, DefaultHashBuilder::default());
        for &k in &ks {
            p.insert(k, k);
        }
        push(&mut bp, per(t));
        drop(p);
        let t = Instant::now();
        let s: u64 = hits
            .iter()
            .map(|k| *j.get(k).unwrap())
            .fold(0, u64::wrapping_add);
        black_box(s);
        push(&mut jh, per(t));
        let t = Instant::now();
        let s: u64 = hits
            .iter()
            .map(|k| *b.get(k).unwrap())
            .fold(0, u64::wrapping_add);
        black_box(s);
        push(&mut bh, per(t));
        let t = Instant::now();
        black_box(misses.iter().filter(|&k| j.get(k).is_some()).count());
        push(&mut jm, per(t));
        let t = Instant::now();
        black_box(misses.iter().filter(|&k| b.get(k).is_some()).count());
        push(&mut bm, per(t));
    }
    // One resize alone: fill a 1M-bin table to its threshold, then time
    // the insert that doubles it.
    let thr = (1usize << 20) / 4 * 3;
    let mut one = Vec::new();
    for _ in 0..RUNS * 2 {
        let mut j: JavaMap<u64, u64> = JavaMap::new();
        for &k in &ks[..thr] {
            j.insert(k, k);
        }
        assert_eq!(j.capacity(), 1 << 20);
        let t = Instant::now();
        j.insert(ks[thr], 0);
        one.push(t.elapsed().as_secs_f64() * 1e9 / thr as f64);
        assert_eq!(j.capacity(), 2 << 20);
    }
    let (b, m) = summary(one);
    println!("  resize: java best {b:6.1} med {m:6.1} ns per node (1M -> 2M bins)");
    if std::env::var_os("PROBE_RESIZE_ONLY").is_some() {
        return;
    }
    for (what, j, b) in [
        ("insert", ji, bi),
        ("presized", jp, bp),
        ("hit", jh, bh),
        ("miss", jm, bm),
    ] {
        let (jb, jmed) = summary(j);
        let (bb, bmed) = summary(b);
        println!(
            "{what:>8}: java best {jb:6.1} med {jmed:6.1} | hashbrown best {bb:6.1} med {bmed:6.1} | ratio best {:.2}x med {:.2}x",
            jb / bb,
            jmed / bmed
        );
    }
}
