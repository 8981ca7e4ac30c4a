//! Times 1M inserts of u64 keys from empty into GoMap and into hashbrown
//! (both with FxHash), then hit and miss lookups on the grown maps, and the
//! worst single insert while growing to N keys.
//!
//!     cargo run --release -p hashgrow-go --example go_insert_1m [N_FOR_LATENCY]
use std::hint::black_box;
use std::time::{Duration, Instant};

use hashgrow::testing::xorshift_keys;
use hashgrow::DefaultHashBuilder;
use hashgrow_go::GoMap;

const N: u64 = 1_000_000;
const ROUNDS: usize = 7;

fn best<F: FnMut() -> Duration>(mut f: F) -> Duration {
    (0..ROUNDS).map(|_| f()).min().unwrap()
}

fn main() {
    let lat_n: u64 = std::env::args()
        .nth(1)
        .map_or(10_000_000, |s| s.parse().unwrap());
    for (label, ks) in [
        ("sequential", (0..N).collect::<Vec<_>>()),
        ("random", xorshift_keys(0x2545_f491_4f6c_dd1d, N as usize)),
    ] {
        let go_ins = best(|| {
            let t = Instant::now();
            let mut m: GoMap<u64, u64> = GoMap::new();
            for &k in &ks {
                m.insert(k, k);
            }
            let d = t.elapsed();
            black_box(&m);
            d
        });
        let hb_ins = best(|| {
            let t = Instant::now();
            let mut m: hashbrown::HashMap<u64, u64, DefaultHashBuilder> = Default::default();
            for &k in &ks {
                m.insert(k, k);
            }
            let d = t.elapsed();
            black_box(&m);
            d
        });
        let mut go: GoMap<u64, u64> = GoMap::new();
        let mut hb: hashbrown::HashMap<u64, u64, DefaultHashBuilder> = Default::default();
        for &k in &ks {
            go.insert(k, k);
            hb.insert(k, k);
        }
        let misses: Vec<u64> = ks
            .iter()
            .map(|k| k.wrapping_mul(3).wrapping_add(N * 7 + 1))
            .collect();
        let look = |f: &dyn Fn(u64) -> bool, qs: &[u64]| {
            best(|| {
                let t = Instant::now();
                let mut n = 0usize;
                for &q in qs {
                    n += usize::from(f(black_box(q)));
                }
                black_box(n);
                t.elapsed()
            })
        };
        let go_hit = look(&|q| go.get(&q).is_some(), &ks);
        let hb_hit = look(&|q| hb.get(&q).is_some(), &ks);
        let go_miss = look(&|q| go.get(&q).is_some(), &misses);
        let hb_miss = look(&|q| hb.get(&q).is_some(), &misses);
        let ns = |d: Duration| d.as_secs_f64() * 1e9 / N as f64;
        println!(
            "{label:>10} insert 1M: GoMap {:6.1} ns/op  hashbrown {:6.1} ns/op  ratio {:.2}",
            ns(go_ins),
            ns(hb_ins),
            go_ins.as_secs_f64() / hb_ins.as_secs_f64()
        );
        println!(
            "{label:>10} hit:       GoMap {:6.1} ns/op  hashbrown {:6.1} ns/op  ratio {:.2}",
            ns(go_hit),
            ns(hb_hit),
            go_hit.as_secs_f64() / hb_hit.as_secs_f64()
        );
        println!(
            "{label:>10} miss:      GoMap {:6.1} ns/op  hashbrown {:6.1} ns/op  ratio {:.2}",
            ns(go_miss),
            ns(hb_miss),
            go_miss.as_secs_f64() / hb_miss.as_secs_f64()
        );
    }
    // Worst single insert while growing to `lat_n` keys.
    let worst = |ins: &mut dyn FnMut(u64)| {
        let mut worst = Duration::ZERO;
        for k in 0..lat_n {
            let t = Instant::now();
            ins(k);
            worst = worst.max(t.elapsed());
        }
        worst
    };
    let mut go: GoMap<u64, u64> = GoMap::new();
    let go_worst = worst(&mut |k| {
        go.insert(k, k);
    });
    drop(go);
    let mut hb: hashbrown::HashMap<u64, u64, DefaultHashBuilder> = Default::default();
    let hb_worst = worst(&mut |k| {
        hb.insert(k, k);
    });
    println!(
        "max single insert to {lat_n} keys: GoMap {:?}  hashbrown {:?}  ({:.0}x lower)",
        go_worst,
        hb_worst,
        hb_worst.as_secs_f64() / go_worst.as_secs_f64()
    );
}
