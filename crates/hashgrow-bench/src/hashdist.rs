//! `hashgrow hashdist`: how evenly each hash spreads keys over buckets.
//!
//! For every hash ([`HashKind::ALL`]) and key set ([`KeySet::ALL`]) the keys
//! are hashed (as strings, or as `u64` for the `strided` set) and dropped
//! into `b` buckets two ways: by the low
//! bits (`hash mod b`, what Go, Java and the stop-the-world tables index
//! with) and by the top `log2 b` bits. Each distribution is summarised by
//! the standard deviation of the bucket counts, the largest bucket's share
//! of the keys and a chi-square goodness-of-fit test against the uniform
//! distribution (`b - 1` degrees of freedom).
//!
//! ```text
//! hashgrow hashdist                       # 100000 keys, 128 buckets
//! hashgrow hashdist --n 1000000 --buckets 1024 --json dist.json
//! ```

use std::path::PathBuf;

use hashgrow::hash::HashKind;
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::report::render_table;

/// Largest `--n` accepted: every key is a heap-allocated string.
const MAX_N: usize = 10_000_000;
/// Largest `--buckets` accepted.
const MAX_BUCKETS: usize = 1 << 24;
/// Length in bytes of the prefix every `prefix` key starts with.
const PREFIX_LEN: usize = 64;

#[derive(clap::Args)]
pub struct HashdistArgs {
    /// Number of keys in each key set: from 1 to 10,000,000.
    #[arg(long, default_value_t = 100_000, value_parser = parse_n)]
    n: usize,
    /// Number of buckets: a power of two from 2 to 16,777,216 (2^24).
    #[arg(long, default_value_t = 128, value_parser = parse_buckets)]
    buckets: usize,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

fn parse_n(s: &str) -> Result<usize, String> {
    crate::args::parse_count(s, MAX_N, "keys")
}

fn parse_buckets(s: &str) -> Result<usize, String> {
    let b = crate::args::parse_whole(s)?;
    if b < 2 || !b.is_power_of_two() {
        return Err(format!("`{s}` is not a power of two >= 2"));
    }
    if b > MAX_BUCKETS {
        return Err(format!("at most {MAX_BUCKETS} buckets"));
    }
    Ok(b)
}

/// The key sets every hash is tried on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySet {
    /// Lowercase ASCII strings of 8 to 32 bytes from a fixed-seed generator.
    Random,
    /// `"0"`, `"1"`, ... `"n-1"`: sequential integers as decimal strings.
    Sequential,
    /// A 64-byte common prefix followed by the key's index in decimal.
    Prefix,
    /// `u64` keys `0, 4096, 8192, ...`: integers sharing their low 12 bits
    /// (page addresses, aligned offsets, ids with a stride), on which a
    /// multiply-only hash like FxHash keeps only a few distinct low bits.
    Strided,
}

impl KeySet {
    pub const ALL: [KeySet; 4] = [
        KeySet::Random,
        KeySet::Sequential,
        KeySet::Prefix,
        KeySet::Strided,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KeySet::Random => "random",
            KeySet::Sequential => "sequential",
            KeySet::Prefix => "prefix",
            KeySet::Strided => "strided",
        }
    }

    /// The hashes of the first `n` keys under `hash` (strings hashed as
    /// `&str`, the strided keys as `u64`).
    pub fn hashes(self, hash: HashKind, n: usize) -> Vec<u64> {
        match self {
            KeySet::Strided => (0..n as u64).map(|i| hash.hash_one(i * 4096)).collect(),
            _ => self
                .keys(n)
                .iter()
                .map(|s| hash.hash_one(s.as_str()))
                .collect(),
        }
    }

    /// The first `n` keys of this set as strings (the strided set's as
    /// decimal strings; they are hashed as `u64`, see
    /// [`hashes`](KeySet::hashes)); the same `n` always gives the same keys.
    pub fn keys(self, n: usize) -> Vec<String> {
        match self {
            KeySet::Random => {
                let mut rng = SplitMix64(0x6861_7368_6469_7374); // "hashdist"
                (0..n)
                    .map(|_| {
                        let len = 8 + (rng.next() % 25) as usize;
                        (0..len)
                            .map(|_| char::from(b'a' + (rng.next() % 26) as u8))
                            .collect()
                    })
                    .collect()
            }
            KeySet::Sequential => (0..n).map(|i| i.to_string()).collect(),
            KeySet::Prefix => {
                let prefix = shared_prefix();
                (0..n).map(|i| format!("{prefix}{i}")).collect()
            }
            KeySet::Strided => (0..n as u64).map(|i| (i * 4096).to_string()).collect(),
        }
    }
}

/// The 64-byte prefix of the `prefix` key set: a path-like string, the kind
/// of key (URLs, file paths, namespaced ids) where long common prefixes
/// occur.
fn shared_prefix() -> String {
    let base = "/srv/hashgrow/tenants/acme-corporation/projects/growth/objects/";
    let mut p = base.to_string();
    while p.len() < PREFIX_LEN {
        p.push('x');
    }
    p.truncate(PREFIX_LEN);
    p
}

/// The splitmix64 generator: tiny, fixed-seed, good enough to make keys.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        let z = hashgrow::hash::splitmix64(self.0);
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z
    }
}

/// Which bits of the hash choose the bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BucketsBy {
    /// `hash mod b`: the low `log2 b` bits.
    Low,
    /// The top `log2 b` bits: `hash >> (64 - log2 b)`.
    Top,
}

impl BucketsBy {
    pub const ALL: [BucketsBy; 2] = [BucketsBy::Low, BucketsBy::Top];

    pub fn name(self) -> &'static str {
        match self {
            BucketsBy::Low => "mod",
            BucketsBy::Top => "top",
        }
    }

    /// The bucket of `hash` among `buckets` (a power of two >= 2).
    pub fn bucket(self, hash: u64, buckets: usize) -> usize {
        debug_assert!(buckets >= 2 && buckets.is_power_of_two());
        match self {
            BucketsBy::Low => (hash % buckets as u64) as usize,
            BucketsBy::Top => (hash >> (64 - buckets.trailing_zeros())) as usize,
        }
    }
}

/// How many of `hashes` fall into each of `buckets` buckets.
pub fn bucket_counts(hashes: &[u64], buckets: usize, by: BucketsBy) -> Vec<u64> {
    let mut counts = vec![0u64; buckets];
    for &h in hashes {
        counts[by.bucket(h, buckets)] += 1;
    }
    counts
}

/// Summary of one bucket-count distribution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// Population standard deviation of the bucket counts.
    pub std_dev: f64,
    /// The largest bucket's count divided by the number of keys.
    pub max_share: f64,
    /// Pearson's chi-square statistic against equal expected counts.
    pub chi2: f64,
    /// Probability that a uniform hash gives a chi-square at least this
    /// large (`buckets - 1` degrees of freedom).
    pub p_value: f64,
}

/// Summarises bucket counts (at least two buckets, at least one key).
pub fn spread(counts: &[u64]) -> Spread {
    let b = counts.len() as f64;
    let n: u64 = counts.iter().sum();
    let n_f = n as f64;
    let mean = n_f / b;
    let sum_sq: f64 = counts.iter().map(|&c| (c as f64 - mean).powi(2)).sum();
    let std_dev = (sum_sq / b).sqrt();
    let max = counts.iter().copied().max().unwrap_or(0);
    let chi2 = sum_sq / mean;
    let p_value = ChiSquared::new(b - 1.0)
        .expect("at least two buckets")
        .sf(chi2);
    Spread {
        std_dev,
        max_share: max as f64 / n_f,
        chi2,
        p_value,
    }
}

/// The standard deviation of bucket counts a perfectly uniform hash gives
/// on average: the binomial `sqrt(n/b * (1 - 1/b))`.
pub fn uniform_std_dev(n: usize, buckets: usize) -> f64 {
    let (n, b) = (n as f64, buckets as f64);
    (n / b * (1.0 - 1.0 / b)).sqrt()
}

/// One row of the `--json` output.
#[derive(Serialize, Clone, Debug)]
pub struct Row {
    pub hash: &'static str,
    pub keys: &'static str,
    pub buckets_by: &'static str,
    pub n: usize,
    pub buckets: usize,
    pub std_dev: f64,
    pub max_share: f64,
    pub chi2: f64,
    pub p_value: f64,
}

/// The `--json` document.
#[derive(Serialize)]
struct JsonReport<'a> {
    /// `uniform_std_dev(n, buckets)`, for comparison with each `std_dev`.
    uniform_std_dev: f64,
    rows: &'a [Row],
}

/// Every (hash, key set, bucketing) combination, in table order.
pub fn measure(n: usize, buckets: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    for keys in KeySet::ALL {
        for hash in HashKind::ALL {
            let hashes = keys.hashes(hash, n);
            for by in BucketsBy::ALL {
                let s = spread(&bucket_counts(&hashes, buckets, by));
                rows.push(Row {
                    hash: hash.name(),
                    keys: keys.name(),
                    buckets_by: by.name(),
                    n,
                    buckets,
                    std_dev: s.std_dev,
                    max_share: s.max_share,
                    chi2: s.chi2,
                    p_value: s.p_value,
                });
            }
        }
    }
    rows
}

/// "7 bits" for 128 buckets, "1 bit" for 2.
fn top_bits(buckets: usize) -> String {
    match buckets.trailing_zeros() {
        1 => "1 bit".to_string(),
        k => format!("{k} bits"),
    }
}

fn fmt_p(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else if p > 0.0 {
        format!("{p:.0e}")
    } else {
        "~0".to_string()
    }
}

/// The terminal table: one line per (key set, hash), the `mod` and `top`
/// bucketings side by side.
fn table(rows: &[Row], buckets: usize) -> String {
    let low = format!("mod {buckets}");
    let top = format!("top {}", top_bits(buckets));
    let header = [
        "keys",
        "hash",
        &format!("sd {low}"),
        &format!("max {low}"),
        &format!("p {low}"),
        &format!("sd {top}"),
        &format!("max {top}"),
        &format!("p {top}"),
    ]
    .map(|s| s.to_string());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let cells = |r: &Row| {
        [
            format!("{:.1}", r.std_dev),
            format!("{:.2}%", r.max_share * 100.0),
            fmt_p(r.p_value),
        ]
    };
    let lines: Vec<Vec<String>> = rows
        .chunks(BucketsBy::ALL.len())
        .map(|pair| {
            let mut line = vec![pair[0].keys.to_string(), pair[0].hash.to_string()];
            for r in pair {
                line.extend(cells(r));
            }
            line
        })
        .collect();
    render_table(&header, &lines)
}

pub fn hashdist(args: HashdistArgs) -> Result<(), String> {
    let rows = measure(args.n, args.buckets);
    let expected = uniform_std_dev(args.n, args.buckets);
    println!(
        "{} keys per key set into {} buckets (by hash mod {} and by the top {}): a uniform hash gives a std dev of about sqrt(n/b*(1-1/b)) = {:.1}, a largest bucket near {:.2}% and p-values spread over 0..1 (p near 0: not uniform; p near 1: more even than chance, which a table welcomes)",
        args.n,
        args.buckets,
        args.buckets,
        top_bits(args.buckets),
        expected,
        100.0 / args.buckets as f64,
    );
    if (args.n as f64) < 5.0 * args.buckets as f64 {
        println!(
            "note: fewer than 5 keys per bucket on average; the chi-square p-values are only rough"
        );
    }
    print!("{}", table(&rows, args.buckets));
    if let Some(path) = &args.json {
        let doc = JsonReport {
            uniform_std_dev: expected,
            rows: &rows,
        };
        crate::report::write_json(path, &doc)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread_of(hash: HashKind, keys: KeySet, n: usize, by: BucketsBy) -> Spread {
        spread(&bucket_counts(&keys.hashes(hash, n), 128, by))
    }

    #[test]
    fn bucket_arithmetic_on_a_tiny_example() {
        let hashes = [0u64, 1, 5, 9, 3, u64::MAX, 1 << 62, 1 << 63];
        // mod 4: 0->0, 1->1, 5->1, 9->1, 3->3, MAX->3, 2^62->0, 2^63->0
        let low = bucket_counts(&hashes, 4, BucketsBy::Low);
        assert_eq!(low, vec![3, 3, 0, 2]);
        // top 2 bits: everything small -> 0, MAX -> 3, 2^62 -> 1, 2^63 -> 2
        let top = bucket_counts(&hashes, 4, BucketsBy::Top);
        assert_eq!(top, vec![5, 1, 1, 1]);

        // mean 2; deviations 1, 1, -2, 0: sum of squares 6.
        let s = spread(&low);
        assert!((s.std_dev - (6.0f64 / 4.0).sqrt()).abs() < 1e-12);
        assert_eq!(s.max_share, 3.0 / 8.0);
        assert!((s.chi2 - 3.0).abs() < 1e-12);
        // Chi-square with 3 degrees of freedom: P(X >= 3) = 0.3916...
        assert!((s.p_value - 0.391_625).abs() < 1e-5, "{}", s.p_value);

        // A perfectly even spread: no deviation, p-value 1.
        let even = spread(&[5, 5, 5, 5]);
        assert_eq!(even.std_dev, 0.0);
        assert_eq!(even.chi2, 0.0);
        assert!((even.p_value - 1.0).abs() < 1e-12);
        assert_eq!(even.max_share, 0.25);
    }

    #[test]
    fn uniform_std_dev_formula() {
        assert!((uniform_std_dev(100_000, 128) - 27.84).abs() < 0.01);
        assert!((uniform_std_dev(4, 2) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bytesum_on_sequential_strings_is_far_worse_than_fnv1a() {
        for by in BucketsBy::ALL {
            let bad = spread_of(HashKind::ByteSum, KeySet::Sequential, 100_000, by);
            let good = spread_of(HashKind::Fnv1a, KeySet::Sequential, 100_000, by);
            assert!(
                bad.std_dev > 10.0 * good.std_dev,
                "{by:?}: {bad:?} vs {good:?}"
            );
            assert!(
                bad.max_share > 5.0 * good.max_share,
                "{by:?}: {bad:?} vs {good:?}"
            );
            assert!(bad.p_value < 1e-12, "{by:?}: {bad:?}");
        }
    }

    #[test]
    fn uniform_hashes_pass_on_random_strings() {
        for hash in [HashKind::Fnv1a, HashKind::Fx, HashKind::Sip13] {
            for by in BucketsBy::ALL {
                let s = spread_of(hash, KeySet::Random, 100_000, by);
                assert!(s.p_value > 0.001, "{hash} {by:?}: {s:?}");
                assert!(
                    s.std_dev < 1.5 * uniform_std_dev(100_000, 128),
                    "{hash} {by:?}: {s:?}"
                );
            }
        }
    }

    #[test]
    fn key_sets_are_deterministic_and_as_described() {
        let a = KeySet::Random.keys(1000);
        assert_eq!(a, KeySet::Random.keys(1000));
        assert!(a
            .iter()
            .all(|k| (8..=32).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_lowercase())));
        assert_eq!(KeySet::Sequential.keys(3), ["0", "1", "2"]);
        let p = KeySet::Prefix.keys(100);
        assert_eq!(shared_prefix().len(), PREFIX_LEN);
        assert!(p.iter().all(|k| k.starts_with(&shared_prefix())));
        let distinct: std::collections::HashSet<_> = p.iter().collect();
        assert_eq!(distinct.len(), 100);
    }

    #[test]
    fn flags_are_validated() {
        assert_eq!(parse_n("100_000"), Ok(100_000));
        assert!(parse_n("0").unwrap_err().contains("at least 1"));
        assert!(parse_n("x").is_err());
        assert_eq!(parse_buckets("128"), Ok(128));
        assert_eq!(parse_buckets("2"), Ok(2));
        for bad in ["0", "1", "100", "-4", "many"] {
            assert!(parse_buckets(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fx_clusters_strided_integers_and_the_default_does_not() {
        for by in BucketsBy::ALL {
            let fx = spread_of(HashKind::Fx, KeySet::Strided, 100_000, by);
            let fold = spread_of(HashKind::Fold, KeySet::Strided, 100_000, by);
            assert!(fold.p_value > 1e-4, "{by:?}: fold p = {}", fold.p_value);
            if by == BucketsBy::Low {
                // FxHash multiplies: the low 12 zero bits stay zero.
                assert!(fx.max_share > 0.5, "{by:?}: fx max {}", fx.max_share);
            }
        }
    }
}
