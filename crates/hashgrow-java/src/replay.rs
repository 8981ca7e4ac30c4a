//! Replaying an oracle script: the text `shared/oracles/run java` prints.

use std::fmt::Write;

use hashgrow::hash::{PassThroughBuildHasher, Prehashed};
use hashgrow::script::{parse, OpKind, ScriptError};

use crate::JavaMap;

/// Runs a Java op script (`put ID HASH` / `del ID HASH` / `get ID HASH`,
/// optional first line `hint N`, `ID` and `HASH` as `i32`) on a
/// [`JavaMap`] and returns exactly what the JDK 17 oracle
/// (`shared/oracles/run java`) prints for it:
///
/// ```text
/// op N len L capacity OLD -> NEW     after an op that changed the capacity
/// op N len L tree_bins OLD -> NEW    after an op that changed the tree bins
/// order ID ID ...                    at the end: the iteration order
/// ```
///
/// Each key is a [`Prehashed<i32>`] carrying `HASH` (as an unsigned 32-bit
/// value), hashed by [`PassThroughBuildHasher`](type@PassThroughBuildHasher), so its Java hash code is
/// exactly `HASH`. `hint N` makes the map with
/// [`JavaMap::with_capacity_and_hasher`]`(N, ..)`, as the oracle does
/// `new HashMap<>(N)`.
///
/// ```
/// let out = hashgrow_java::replay::replay("put 1 17\nput 2 1\nput 3 0\n").unwrap();
/// assert_eq!(out, "op 1 len 1 capacity 0 -> 16\norder 3 1 2\n");
/// assert_eq!(hashgrow_java::replay::replay("put 1\n").unwrap_err().line, 1);
/// ```
///
/// # Errors
/// A malformed line, with its number (see [`hashgrow::script::parse`]).
pub fn replay(script_text: &str) -> Result<String, ScriptError> {
    let script = parse::<i32, i32>(script_text)?;
    let mut m: JavaMap<Prehashed<i32>, i32, PassThroughBuildHasher> = match script.hint {
        Some(n) => JavaMap::with_capacity_and_hasher(n, PassThroughBuildHasher),
        None => JavaMap::with_hasher(PassThroughBuildHasher),
    };
    let mut out = String::new();
    let (mut cap, mut trees) = (0, 0);
    for (n, op) in script.ops.iter().enumerate() {
        let key = Prehashed {
            key: op.key,
            hash: u64::from(op.hash as u32),
        };
        match op.kind {
            OpKind::Put => {
                m.insert(key, op.key);
            }
            OpKind::Del => {
                m.remove(&key);
            }
            OpKind::Get => {
                m.get(&key);
            }
            OpKind::Shrink | OpKind::Rehash(_) => {
                return Err(ScriptError {
                    line: op.line,
                    message: "`shrink` and `rehash` are Redis server-cron ops; the java.util.HashMap has no such thing (replay this script with the redis strategy)".into(),
                });
            }
        }
        let (c, t) = (m.capacity(), m.raw().tree_bins());
        let len = m.len();
        if c != cap {
            let _ = writeln!(out, "op {} len {len} capacity {cap} -> {c}", n + 1);
        }
        if t != trees {
            let _ = writeln!(out, "op {} len {len} tree_bins {trees} -> {t}", n + 1);
        }
        (cap, trees) = (c, t);
    }
    out.push_str("order");
    for k in m.keys() {
        let _ = write!(out, " {}", k.key);
    }
    out.push('\n');
    Ok(out)
}
