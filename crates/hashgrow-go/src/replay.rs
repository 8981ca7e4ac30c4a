//! Replaying an oracle script: the same bytes `shared/oracles/run go` prints.
//!
//! ```
//! let out = hashgrow_go::replay::replay("put 1 7\nput 2 9\nget 1 7\n").unwrap();
//! assert!(out.starts_with("final len 2 B 0 noverflow 0 growing false nevacuate 0\n"));
//! assert!(out.ends_with("bucket 0: 1 2 _ _ _ _ _ _\n"));
//! ```

use std::fmt::Write;

use hashgrow::hash::{PassThroughBuildHasher, Prehashed};
use hashgrow::script::{parse, OpKind, ScriptError};

use crate::layout::{evacuated, Bucket, BUCKET_CNT, MIN_TOP_HASH};
use crate::map::GoMap;

/// The map a replay drives: each key carries the hash the runtime computed.
pub type ReplayMap = GoMap<Prehashed<u64>, u64, PassThroughBuildHasher>;

/// Parses a `u64`/`u64` op script (`put|del|get KEY HASH`, optional first
/// line `hint N`), runs it on a [`GoMap`] using the recorded hashes, and
/// returns exactly what the Go oracle prints: an event line after each op
/// whose end state `(growing, B)` differs from the previous op's by the
/// oracle's rule, then the `final` line, every `bucket I:` line and every
/// unevacuated `old I:` line.
///
/// A malformed line is an error naming its line number.
pub fn replay(script_text: &str) -> Result<String, ScriptError> {
    let script = parse::<u64, u64>(script_text)?;
    let mut m: ReplayMap =
        GoMap::with_capacity_and_hasher(script.hint.unwrap_or(0), PassThroughBuildHasher);
    let mut out = String::new();
    let (mut growing, mut b) = (false, m.raw().b);
    for (n, op) in script.ops.iter().enumerate() {
        let op_no = n + 1;
        let key = Prehashed {
            key: op.key,
            hash: op.hash,
        };
        match op.kind {
            OpKind::Put => {
                m.insert(key, op.key);
            }
            OpKind::Del => {
                m.remove(&key);
            }
            OpKind::Get => {
                let _ = m.get(&key);
            }
            OpKind::Shrink | OpKind::Rehash(_) => {
                return Err(ScriptError {
                    line: op.line,
                    message: "`shrink` and `rehash` are Redis server-cron ops; the Go 1.19 map has no such thing (replay this script with the redis strategy)".into(),
                });
            }
        }
        let (g, nb) = (m.raw().growing(), m.raw().b);
        let len = m.len();
        if g && !growing {
            let _ = writeln!(
                out,
                "op {op_no} len {len} grow_start B {b} -> {nb} same_size {}",
                nb == b
            );
        }
        if !g && growing {
            let _ = writeln!(out, "op {op_no} len {len} grow_end B {nb}");
        }
        if g && growing && nb != b {
            let _ = writeln!(
                out,
                "op {op_no} len {len} grow_start B {b} -> {nb} same_size false"
            );
        }
        growing = g;
        b = nb;
    }
    dump(&m, &mut out);
    Ok(out)
}

/// The oracle's `final` line and bucket dump.
///
/// ```
/// use hashgrow::hash::PassThroughBuildHasher;
/// let m: hashgrow_go::replay::ReplayMap = hashgrow_go::GoMap::with_hasher(PassThroughBuildHasher);
/// let mut out = String::new();
/// hashgrow_go::replay::dump(&m, &mut out);
/// assert!(out.starts_with("final len 0 B 0"));
/// ```
pub fn dump(m: &ReplayMap, out: &mut String) {
    let raw = m.raw();
    let _ = writeln!(
        out,
        "final len {} B {} noverflow {} growing {} nevacuate {}",
        raw.count,
        raw.b,
        raw.noverflow,
        raw.growing(),
        raw.nevacuate
    );
    let nb = 1usize << raw.b;
    for i in 0..nb {
        let _ = write!(out, "bucket {i}:");
        if raw.buckets.is_null() || !raw.new_ready(i) {
            // Never written: Go has no bucket yet (its oracle cannot dump
            // this case), or (during a grow) a new bucket not initialised
            // yet: print the empty bucket Go has there.
            out.push_str(" _ _ _ _ _ _ _ _\n");
            continue;
        }
        // SAFETY: `i < 2^B`.
        dump_chain(unsafe { raw.buckets.at(i) }, out);
    }
    if raw.growing() {
        for i in 0..raw.noldbuckets() {
            // SAFETY: `i < noldbuckets()`.
            let b = unsafe { raw.oldbuckets.at(i) };
            // SAFETY: live old bucket.
            if unsafe { evacuated(b) } {
                continue;
            }
            let _ = write!(out, "old {i}:");
            dump_chain(b, out);
        }
    }
}

fn dump_chain(mut b: Bucket<Prehashed<u64>, u64>, out: &mut String) {
    let mut first = true;
    while !b.is_null() {
        if !first {
            out.push_str(" |");
        }
        first = false;
        for s in 0..BUCKET_CNT {
            // SAFETY: `b` walks a live chain; a slot with tophash >=
            // MIN_TOP_HASH holds a key.
            unsafe {
                if b.top(s) >= MIN_TOP_HASH {
                    let _ = write!(out, " {}", (*b.key(s)).key);
                } else {
                    out.push_str(" _");
                }
            }
        }
        // SAFETY: live bucket.
        b = unsafe { b.overflow() };
    }
    out.push('\n');
}
