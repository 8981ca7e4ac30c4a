//! Running a script on a replica and recording, op by op, what the map
//! looks like afterwards and which entries the op moved.

use std::collections::HashMap;
use std::fmt::{Display, LowerHex};
use std::hash::{BuildHasher, Hash};
use std::str::FromStr;

use hashgrow::explain::Snapshot;
use hashgrow::hash::{FoldBuildHasher, PassThroughBuildHasher};
use hashgrow::script::{parse_optional_hashes, OpKind, ScriptError, ScriptOp};

/// The most ops a page may show: each step is a drawing of its own, and a
/// page of more than this many is too slow to open to be of use.
pub const MAX_OPS: usize = 5000;

/// A strategy driven op by op and drawn after each.
pub trait Replica: Sized {
    /// The script's key type.
    type Key: FromStr + Default + Display + Copy + Eq + Hash;
    /// The script's hash type.
    type Hash: FromStr + Display + LowerHex + Copy + Eq;
    /// What the page says about `put KEY` lines without a hash.
    const PLAIN_HASH: &'static str;
    /// Whether `shrink` and `rehash N` mean anything to it.
    const CRON_OPS: bool = false;
    /// The map a script's optional `hint N` asks for.
    fn new(hint: Option<usize>) -> Result<Self, String>;
    /// The hash of a key given without one.
    fn plain_hash(key: Self::Key) -> Self::Hash;
    /// Runs one op.
    fn apply(&mut self, op: &ScriptOp<Self::Key, Self::Hash>) -> Result<(), ScriptError>;
    /// The layout now.
    fn snapshot(&self) -> Snapshot;
}

/// FoldHash with its fixed seed 0: deterministic, so a hand-written script
/// draws the same picture every time.
fn fold(key: u64) -> u64 {
    FoldBuildHasher::default().hash_one(key)
}

const FOLD_NOTE: &str =
    "lines without a hash (put KEY) hash the key, a u64, with foldhash at its fixed seed 0 (hashgrow's FoldBuildHasher)";

/// Go 1.19's map.
pub struct Go(hashgrow_go::replay::ReplayMap);
impl Replica for Go {
    type Key = u64;
    type Hash = u64;
    const PLAIN_HASH: &'static str = FOLD_NOTE;
    fn new(hint: Option<usize>) -> Result<Self, String> {
        Ok(Go(hashgrow_go::GoMap::with_capacity_and_hasher(
            hint.unwrap_or(0),
            PassThroughBuildHasher,
        )))
    }
    fn plain_hash(key: u64) -> u64 {
        fold(key)
    }
    fn apply(&mut self, op: &ScriptOp<u64, u64>) -> Result<(), ScriptError> {
        hashgrow_go::replay::apply(&mut self.0, op)
    }
    fn snapshot(&self) -> Snapshot {
        hashgrow_go::replay::snapshot(&self.0)
    }
}

/// Go 1.24+'s Swiss map.
pub struct GoSwiss(hashgrow_swiss::replay::ReplayTable);
impl Replica for GoSwiss {
    type Key = u64;
    type Hash = u64;
    const PLAIN_HASH: &'static str = FOLD_NOTE;
    fn new(hint: Option<usize>) -> Result<Self, String> {
        Ok(GoSwiss(hashgrow_swiss::replay::ReplayTable::with_hint(
            hint.unwrap_or(0),
        )))
    }
    fn plain_hash(key: u64) -> u64 {
        fold(key)
    }
    fn apply(&mut self, op: &ScriptOp<u64, u64>) -> Result<(), ScriptError> {
        hashgrow_swiss::replay::apply(&mut self.0, op)
    }
    fn snapshot(&self) -> Snapshot {
        hashgrow_swiss::replay::snapshot(&self.0)
    }
}

/// JDK 17's HashMap.
pub struct Java(hashgrow_java::replay::ReplayMap);
impl Replica for Java {
    type Key = i32;
    type Hash = i32;
    const PLAIN_HASH: &'static str =
        "lines without a hash (put KEY) use the key, an int, as its own hash code, as java.lang.Integer.hashCode() does";
    fn new(hint: Option<usize>) -> Result<Self, String> {
        Ok(Java(hashgrow_java::replay::new_map(hint)))
    }
    fn plain_hash(key: i32) -> i32 {
        key
    }
    fn apply(&mut self, op: &ScriptOp<i32, i32>) -> Result<(), ScriptError> {
        hashgrow_java::replay::apply(&mut self.0, op)
    }
    fn snapshot(&self) -> Snapshot {
        hashgrow_java::replay::snapshot(&self.0)
    }
}

/// The stop-the-world SwissTable.
pub struct Stw(hashgrow_stw::explain::ExplainMap);
impl Replica for Stw {
    type Key = u64;
    type Hash = u64;
    const PLAIN_HASH: &'static str = FOLD_NOTE;
    fn new(hint: Option<usize>) -> Result<Self, String> {
        Ok(Stw(hashgrow_stw::StwMap::with_capacity_and_hasher(
            hint.unwrap_or(0),
            PassThroughBuildHasher,
        )))
    }
    fn plain_hash(key: u64) -> u64 {
        fold(key)
    }
    fn apply(&mut self, op: &ScriptOp<u64, u64>) -> Result<(), ScriptError> {
        hashgrow_stw::explain::apply(&mut self.0, op)
    }
    fn snapshot(&self) -> Snapshot {
        hashgrow_stw::explain::snapshot(&self.0)
    }
}

/// Redis 7.0's dict.
pub struct Redis(hashgrow_redis::replay::ReplayTable);
impl Replica for Redis {
    type Key = u64;
    type Hash = u64;
    const PLAIN_HASH: &'static str = FOLD_NOTE;
    const CRON_OPS: bool = true;
    fn new(hint: Option<usize>) -> Result<Self, String> {
        match hint {
            Some(_) => {
                Err("line 1: the Redis dict takes no `hint` (dictCreate has no size)".into())
            }
            None => Ok(Redis(hashgrow_redis::replay::ReplayTable::new())),
        }
    }
    fn plain_hash(key: u64) -> u64 {
        fold(key)
    }
    fn apply(&mut self, op: &ScriptOp<u64, u64>) -> Result<(), ScriptError> {
        hashgrow_redis::replay::apply(&mut self.0, op)
    }
    fn snapshot(&self) -> Snapshot {
        hashgrow_redis::replay::snapshot(&self.0)
    }
}

/// A checked script: every op with its hash, ready to run.
pub struct Plan<K, H> {
    /// The `hint N`, if any.
    pub hint: Option<usize>,
    /// The ops, hashes filled in.
    pub ops: Vec<ScriptOp<K, H>>,
    /// How many ops came without a hash.
    pub plain: usize,
}

/// Parses and checks a whole script before anything runs: malformed lines,
/// the op limit, ops the strategy does not have, and a key given a hash
/// other than the one it has while it is in the map (Go 1.24+ and Redis
/// reseed, so a key may come back later with a new hash, but not while it
/// is stored).
pub fn plan<R: Replica>(text: &str) -> Result<Plan<R::Key, R::Hash>, String> {
    let script = parse_optional_hashes::<R::Key, R::Hash>(text).map_err(|e| e.to_string())?;
    if script.ops.len() > MAX_OPS {
        return Err(format!(
            "{} ops: explain draws at most {MAX_OPS} (cut the script; a picture of more is too big to step through)",
            script.ops.len()
        ));
    }
    let mut plain = 0;
    let mut stored: HashMap<R::Key, (R::Hash, usize)> = HashMap::new();
    let mut ops = Vec::with_capacity(script.ops.len());
    for op in script.ops {
        if matches!(op.kind, OpKind::Shrink | OpKind::Rehash(_)) {
            if !R::CRON_OPS {
                return Err(format!(
                    "line {}: `shrink` and `rehash` are Redis server-cron ops; only the redis strategy has them",
                    op.line
                ));
            }
            ops.push(ScriptOp {
                kind: op.kind,
                key: op.key,
                hash: R::plain_hash(op.key),
                line: op.line,
            });
            continue;
        }
        let hash = op.hash.unwrap_or_else(|| {
            plain += 1;
            R::plain_hash(op.key)
        });
        if let Some(&(was, line)) = stored.get(&op.key) {
            if was != hash {
                return Err(format!(
                    "line {}: key {} has hash {hash} here but {was} where line {line} stored it (a key keeps its hash while it is in the map; lines without a hash use: {})",
                    op.line,
                    op.key,
                    R::PLAIN_HASH
                ));
            }
        }
        match op.kind {
            OpKind::Put => {
                stored.entry(op.key).or_insert((hash, op.line));
            }
            OpKind::Del => {
                stored.remove(&op.key);
            }
            _ => {}
        }
        ops.push(ScriptOp {
            kind: op.kind,
            key: op.key,
            hash,
            line: op.line,
        });
    }
    Ok(Plan {
        hint: script.hint,
        ops,
        plain,
    })
}

/// An entry an op moved to another array or row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    /// The key.
    pub key: String,
    /// Where it was: (table id, row).
    pub from: (u64, usize),
    /// Where it is: (table id, row).
    pub to: (u64, usize),
    /// The strategy's name for the destination: `X`/`Y`, `lo`/`hi`,
    /// `→t1`...
    pub tag: String,
    /// Where from and where to, for the caption: `old[5]→new[13]`.
    pub words: String,
}

/// One op and the map after it.
pub struct Step {
    /// 1-based op number.
    pub number: usize,
    /// The op's line in the script.
    pub line: usize,
    /// `put 27`, `rehash 3`...
    pub op: String,
    /// The hash the op used, formatted (`None` for cron ops).
    pub hash: Option<String>,
    /// The op's key (`None` for cron ops).
    pub key: Option<String>,
    /// The map after the op.
    pub after: Snapshot,
    /// Entries the op moved.
    pub moves: Vec<Move>,
    /// Where the key was before the op (a deleted key's old place).
    pub was_at: Option<(u64, usize)>,
    /// Counters the op changed: (name, before, after).
    pub changed: Vec<(String, String, String)>,
    /// The number of arrays or their sizes changed (a grow, split,
    /// resize, rehash start or end).
    pub reshaped: bool,
}

/// Every key's (table id, row) in a snapshot.
fn positions(s: &Snapshot) -> HashMap<&str, (u64, usize)> {
    let mut out = HashMap::new();
    for t in &s.tables {
        for r in &t.rows {
            for c in &r.cells {
                if let Some(k) = &c.key {
                    out.insert(k.as_str(), (t.id, r.index));
                }
            }
        }
    }
    out
}

/// The entries whose (array, row) differs between `before` and `after`,
/// named as the strategy names such moves.
pub fn moves(before: &Snapshot, after: &Snapshot) -> Vec<Move> {
    let was = positions(before);
    let mut out = Vec::new();
    for t in &after.tables {
        for r in &t.rows {
            for c in &r.cells {
                let Some(k) = &c.key else { continue };
                let Some(&from) = was.get(k.as_str()) else {
                    continue;
                };
                let to = (t.id, r.index);
                if from == to {
                    continue;
                }
                let Some(src) = before.tables.iter().find(|t| t.id == from.0) else {
                    continue;
                };
                // Each array named for its role in the move: the source by
                // its name after the op if it is still there (Go's buckets
                // became oldbuckets during this very op), the destination
                // by its name before the op if it existed (Redis's table 1
                // that became table 0 when this op finished the rehash).
                let src_name = after
                    .tables
                    .iter()
                    .find(|t| t.id == from.0)
                    .map_or(&src.short, |t| &t.short);
                let dst_name = before
                    .tables
                    .iter()
                    .find(|b| b.id == to.0)
                    .map_or(&t.short, |b| &b.short);
                let n = src.rows.len();
                let tag = match after.split_names {
                    Some((lo, _)) if to.1 == from.1 => lo.to_string(),
                    Some((_, hi)) if to.1 == from.1 + n => hi.to_string(),
                    _ => format!("→{dst_name}"),
                };
                let words = format!("{src_name}[{}]→{dst_name}[{}]", from.1, to.1);
                out.push(Move {
                    key: k.clone(),
                    from,
                    to,
                    tag,
                    words,
                });
            }
        }
    }
    out
}

fn reshaped(before: &Snapshot, after: &Snapshot) -> bool {
    before.tables.len() != after.tables.len()
        || before
            .tables
            .iter()
            .zip(&after.tables)
            .any(|(a, b)| a.id != b.id || a.rows.len() != b.rows.len())
}

/// Runs a checked script, handing each step to `each` as it is made (a
/// step holds a whole snapshot: they are drawn one at a time, not kept).
pub fn run<R: Replica>(
    plan: &Plan<R::Key, R::Hash>,
    mut each: impl FnMut(&Step),
) -> Result<(), String> {
    let mut map = R::new(plan.hint)?;
    let mut before = map.snapshot();
    for (i, op) in plan.ops.iter().enumerate() {
        map.apply(op).map_err(|e| e.to_string())?;
        let after = map.snapshot();
        let (op_text, key, hash) = match op.kind {
            OpKind::Shrink => ("shrink".to_string(), None, None),
            OpKind::Rehash(n) => (format!("rehash {n}"), None, None),
            kind => {
                let verb = match kind {
                    OpKind::Put => "put",
                    OpKind::Del => "del",
                    _ => "get",
                };
                let hash = if std::mem::size_of::<R::Hash>() == 4 {
                    format!("{} (0x{:08x})", op.hash, op.hash)
                } else {
                    format!("0x{:016x}", op.hash)
                };
                (
                    format!("{verb} {}", op.key),
                    Some(op.key.to_string()),
                    Some(hash),
                )
            }
        };
        let was_at = key.as_deref().and_then(|k| before.position_of(k));
        let changed = after
            .counters
            .iter()
            .filter_map(|(name, now)| {
                let old = before.counters.iter().find(|(n, _)| n == name)?;
                (old.1 != *now).then(|| (name.clone(), old.1.clone(), now.clone()))
            })
            .collect();
        let step = Step {
            number: i + 1,
            line: op.line,
            op: op_text,
            hash,
            key,
            moves: moves(&before, &after),
            was_at,
            changed,
            reshaped: reshaped(&before, &after),
            after,
        };
        each(&step);
        before = step.after;
    }
    Ok(())
}
