//! Times 1M `u64` inserts from empty: JavaMap vs hashbrown, both FxHash.
//!
//!     cargo run --release -p hashgrow-java --example java_insert_1m
//!
//! Prints the median of several runs for each and the ratio.

use std::hash::{BuildHasherDefault, Hasher};
use std::hint::black_box;
use std::time::{Duration, Instant};

use hashgrow::testing::xorshift_keys;
use hashgrow::DefaultHashBuilder;
use hashgrow_java::JavaMap;

const N: u64 = 1_000_000;

/// Java's `Long.hashCode`: `(int)(value ^ (value >>> 32))`, for comparing
/// with `java.util.HashMap<Long, Long>` on equal terms (same bins).
#[derive(Default)]
struct LongHashCode(u64);
impl Hasher for LongHashCode {
    fn write(&mut self, _: &[u8]) {
        unimplemented!("u64 keys only")
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (v ^ (v >> 32)) & 0xffff_ffff;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
const RUNS: usize = 11;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<F: FnMut() -> usize>(mut f: F) -> Duration {
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        black_box(f());
        runs.push(t.elapsed());
    }
    median(runs)
}

fn main() {
    // Pseudo-random keys (a fixed xorshift), as well as sequential ones.
    let random = xorshift_keys(0x9E37_79B9_7F4A_7C15, N as usize);
    let sequential: Vec<u64> = (0..N).collect();
    for (name, ks) in [("sequential", &sequential), ("random", &random)] {
        let java = time(|| {
            let mut m: JavaMap<u64, u64> = JavaMap::new();
            for &k in ks {
                m.insert(k, k);
            }
            m.len()
        });
        let brown = time(|| {
            let mut m: hashbrown::HashMap<u64, u64, DefaultHashBuilder> =
                hashbrown::HashMap::with_hasher(DefaultHashBuilder::default());
            for &k in ks {
                m.insert(k, k);
            }
            m.len()
        });
        let java_long = time(|| {
            let mut m: JavaMap<u64, u64, BuildHasherDefault<LongHashCode>> =
                JavaMap::with_hasher(Default::default());
            for &k in ks {
                m.insert(k, k);
            }
            m.len()
        });
        println!(
            "{name:>10} keys: JavaMap with Java's Long.hashCode: {:>8.2} ms ({:.1} ns/insert)",
            java_long.as_secs_f64() * 1e3,
            java_long.as_secs_f64() * 1e9 / N as f64,
        );
        println!(
            "{name:>10} keys: JavaMap {:>8.2} ms ({:.1} ns/insert), hashbrown {:>8.2} ms ({:.1} ns/insert), ratio {:.2}x",
            java.as_secs_f64() * 1e3,
            java.as_secs_f64() * 1e9 / N as f64,
            brown.as_secs_f64() * 1e3,
            brown.as_secs_f64() * 1e9 / N as f64,
            java.as_secs_f64() / brown.as_secs_f64()
        );
    }
}
