//! Op scripts: the input format of the oracles and of `hashgrow replay`.
//!
//! One operation a line, `OP KEY HASH`, where `OP` is `put`, `del` or
//! `get`, `KEY` identifies the key and `HASH` is the hash the real runtime
//! computed for it (see `shared/oracles/README.md`). An optional first line
//! `hint N` asks for a map made with capacity `N`. Blank lines are skipped.
//! The key and hash types are chosen by the caller: `u64`/`u64` for Go
//! scripts, `i32`/`i32` for Java scripts.
//!
//! Two more ops take no key: `shrink` and `rehash N`, what Redis's server
//! cron does to a dict (`tryResizeHashTables`, `dictRehash(d, N)`). Only
//! the Redis replay runs them; the others reject them, naming the line.
//!
//! ```
//! use hashgrow::script::{parse, OpKind};
//!
//! let s = parse::<u64, u64>("hint 10\nput 1 99\nget 1 99\n").unwrap();
//! assert_eq!(s.hint, Some(10));
//! assert_eq!(s.ops[1].kind, OpKind::Get);
//!
//! let err = parse::<u64, u64>("put 1 99\nput x 1\n").unwrap_err();
//! assert_eq!(err.line, 2);
//! assert!(err.to_string().starts_with("line 2:"));
//!
//! let s = parse::<u64, u64>("put 1 99\nrehash 100\nshrink\n").unwrap();
//! assert_eq!(s.ops[1].kind, OpKind::Rehash(100));
//! assert_eq!(s.ops[2].kind, OpKind::Shrink);
//! ```

use std::fmt;
use std::str::FromStr;

use crate::hash::{PassThroughBuildHasher, Prehashed};
use crate::map::Map;
use crate::raw::RawLookup;

/// The largest `hint N` a script may ask for. The runtimes would try to
/// allocate a table for any hint (Go's `makemap` ignores only one whose byte
/// size overflows), so a huge hint makes a replay, like the oracle, die on
/// the allocation; it is refused here instead.
pub const MAX_HINT: usize = 1 << 26;

/// What an op does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// Insert the key (or update its value).
    Put,
    /// Remove the key.
    Del,
    /// Look the key up.
    Get,
    /// Redis's server cron shrinking the dict if it is sparse
    /// (`tryResizeHashTables`). Takes no key: the op's `key` and `hash` are
    /// their types' defaults.
    Shrink,
    /// Redis's server cron rehashing `N` buckets (`dictRehash(d, N)`).
    /// Takes no key, as [`OpKind::Shrink`].
    Rehash(u32),
}

/// One line of a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScriptOp<K, H> {
    /// What the op does.
    pub kind: OpKind,
    /// The key (its type's default for `shrink` and `rehash`).
    pub key: K,
    /// The key's recorded hash (its type's default for `shrink` and
    /// `rehash`).
    pub hash: H,
    /// 1-based line number in the script, for messages.
    pub line: usize,
}

/// A parsed script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script<K, H> {
    /// The `hint N` of the first line, if any.
    pub hint: Option<usize>,
    /// The ops, in order.
    pub ops: Vec<ScriptOp<K, H>>,
}

/// A malformed script line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ScriptError {}

fn field<T: FromStr>(tok: &str, what: &str, line: usize) -> Result<T, ScriptError> {
    tok.parse().map_err(|_| ScriptError {
        line,
        message: format!(
            "bad {what} `{tok}` (expected a {})",
            std::any::type_name::<T>()
        ),
    })
}

/// Runs one keyed op of a script on a facade map, as the Go, Java and
/// stop-the-world replays and `hashgrow explain` do: the key carries the
/// hash the runtime computed (`hash`, which a Java script's `i32` is
/// widened to by the caller) and is stored as its own value. `shrink` and
/// `rehash N` are errors naming the line: only Redis's dict has a server
/// cron; `map` names the map that has none ("the Go 1.19 map").
///
/// ```
/// use hashgrow::hash::PassThroughBuildHasher;
/// use hashgrow::script::{apply_to_map, parse};
///
/// let script = parse::<u64, u64>("put 1 7\nget 1 7\nshrink\n").unwrap();
/// let mut m: hashgrow::linear::LinearMap<_, u64, _> =
///     hashgrow::linear::LinearMap::with_hasher(PassThroughBuildHasher);
/// apply_to_map(&mut m, &script.ops[0], 7, "a linear map").unwrap();
/// apply_to_map(&mut m, &script.ops[1], 7, "a linear map").unwrap();
/// assert_eq!(m.len(), 1);
/// let err = apply_to_map(&mut m, &script.ops[2], 0, "a linear map").unwrap_err();
/// assert_eq!(err.line, 3);
/// ```
///
/// # Errors
/// `shrink` and `rehash N`, naming the line.
pub fn apply_to_map<K, H, R>(
    m: &mut Map<Prehashed<K>, K, R, PassThroughBuildHasher>,
    op: &ScriptOp<K, H>,
    hash: u64,
    map: &str,
) -> Result<(), ScriptError>
where
    K: Copy + Eq,
    R: RawLookup<Prehashed<K>, K, Prehashed<K>>,
{
    let key = Prehashed { key: op.key, hash };
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
                message: format!("`shrink` and `rehash` are Redis server-cron ops; {map} has no such thing (replay this script with the redis strategy)"),
            });
        }
    }
    Ok(())
}

/// Parses a whole script. Errors name the first bad line.
///
/// ```
/// use hashgrow::script::parse;
/// let s = parse::<u64, u64>("hint 10\nput 1 7\ndel 1 7\n").unwrap();
/// assert_eq!((s.hint, s.ops.len()), (Some(10), 2));
/// assert_eq!(parse::<u64, u64>("put 1 7\nfrob\n").unwrap_err().line, 2);
/// ```
pub fn parse<K: FromStr + Default, H: FromStr + Default>(
    text: &str,
) -> Result<Script<K, H>, ScriptError> {
    let script = parse_lines::<K, H>(text, false)?;
    Ok(Script {
        hint: script.hint,
        ops: script
            .ops
            .into_iter()
            .map(|op| ScriptOp {
                kind: op.kind,
                key: op.key,
                hash: op.hash.unwrap_or_default(),
                line: op.line,
            })
            .collect(),
    })
}

/// Parses a script whose `put`, `del` and `get` lines may leave out the
/// hash (`put KEY`): such an op's hash is `None`, for the caller to compute.
/// Lines with a hash, and everything else, are as in [`parse`]; the two
/// kinds of line may be mixed. (`hashgrow explain` reads this, so a learner
/// can write a script by hand.)
///
/// ```
/// use hashgrow::script::parse_optional_hashes;
/// let s = parse_optional_hashes::<u64, u64>("put 1\nput 2 7\n").unwrap();
/// assert_eq!((s.ops[0].hash, s.ops[1].hash), (None, Some(7)));
/// assert_eq!(parse_optional_hashes::<u64, u64>("put 1 2 3\n").unwrap_err().line, 1);
/// ```
pub fn parse_optional_hashes<K: FromStr + Default, H: FromStr>(
    text: &str,
) -> Result<Script<K, Option<H>>, ScriptError> {
    parse_lines(text, true)
}

fn parse_lines<K: FromStr + Default, H: FromStr>(
    text: &str,
    hash_optional: bool,
) -> Result<Script<K, Option<H>>, ScriptError> {
    let mut script = Script {
        hint: None,
        ops: Vec::new(),
    };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let err = |message: String| Err(ScriptError { line, message });
        let toks: Vec<&str> = raw.split_whitespace().collect();
        if toks.is_empty() {
            continue;
        }
        let first = script.hint.is_none() && script.ops.is_empty();
        let kind = match toks[0] {
            "hint" if first => {
                if toks.len() != 2 {
                    return err(format!("expected `hint N`, found `{}`", raw.trim()));
                }
                let hint: usize = field(toks[1], "hint", line)?;
                if hint > MAX_HINT {
                    return err(format!(
                        "hint {hint} is larger than a replay allows (at most {MAX_HINT})"
                    ));
                }
                script.hint = Some(hint);
                continue;
            }
            "hint" => return err("`hint` is only allowed on the first line".into()),
            "put" => OpKind::Put,
            "del" => OpKind::Del,
            "get" => OpKind::Get,
            "shrink" | "rehash" => {
                let kind = match (toks[0], toks.len()) {
                    ("shrink", 1) => OpKind::Shrink,
                    ("rehash", 2) => OpKind::Rehash(field(toks[1], "rehash count", line)?),
                    _ => {
                        let want = if toks[0] == "shrink" {
                            "shrink"
                        } else {
                            "rehash N"
                        };
                        return err(format!("expected `{want}`, found `{}`", raw.trim()));
                    }
                };
                script.ops.push(ScriptOp {
                    kind,
                    key: K::default(),
                    hash: None,
                    line,
                });
                continue;
            }
            other => {
                return err(format!(
                    "unknown op `{other}` (expected put, del, get, shrink or rehash)"
                ))
            }
        };
        let arity_ok = toks.len() == 3 || (hash_optional && toks.len() == 2);
        if !arity_ok {
            let want = if hash_optional {
                "KEY [HASH]"
            } else {
                "KEY HASH"
            };
            return err(format!(
                "expected `{} {want}`, found `{}`",
                toks[0],
                raw.trim()
            ));
        }
        script.ops.push(ScriptOp {
            kind,
            key: field(toks[1], "key", line)?,
            hash: match toks.get(2) {
                Some(tok) => Some(field(tok, "hash", line)?),
                None => None,
            },
            line,
        });
    }
    Ok(script)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ops_and_hint() {
        let s = parse::<i32, i32>("hint 3\n\nput 1 -5\ndel 1 -5\n").unwrap();
        assert_eq!(s.hint, Some(3));
        assert_eq!(s.ops.len(), 2);
        assert_eq!(s.ops[0].hash, -5);
        assert_eq!(s.ops[1].line, 4);
    }

    #[test]
    fn rejects_malformed_lines_with_their_number() {
        let cases = [
            ("put 1\n", 1, "expected `put KEY HASH`"),
            ("put 1 2\nfrob 1 2\n", 2, "unknown op `frob`"),
            ("put 1 2\nhint 4\n", 2, "only allowed on the first line"),
            ("put 1 99999999999\n", 1, "bad hash"),
            ("hint -1\n", 1, "bad hint"),
            ("put 1 2 3\n", 1, "expected"),
            ("hint 1000000000000\n", 1, "larger than a replay allows"),
            ("put 1 2\nshrink 3\n", 2, "expected `shrink`"),
            ("rehash\n", 1, "expected `rehash N`"),
            ("rehash 1 2\n", 1, "expected `rehash N`"),
            ("rehash -1\n", 1, "bad rehash count"),
        ];
        for (text, line, msg) in cases {
            let err = parse::<i32, i32>(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}");
            assert!(err.message.contains(msg), "{text:?}: {err}");
        }
    }

    #[test]
    fn parses_the_cron_ops_without_a_key() {
        let s = parse::<u64, u64>("shrink\nput 5 6\nrehash 7\n").unwrap();
        let kinds: Vec<OpKind> = s.ops.iter().map(|o| o.kind).collect();
        assert_eq!(kinds, [OpKind::Shrink, OpKind::Put, OpKind::Rehash(7)]);
        assert_eq!((s.ops[2].key, s.ops[2].hash, s.ops[2].line), (0, 0, 3));
        // A cron op first does not make a later `hint` legal.
        assert_eq!(parse::<u64, u64>("shrink\nhint 3\n").unwrap_err().line, 2);
    }

    #[test]
    fn empty_script_has_no_ops() {
        let s = parse::<u64, u64>("").unwrap();
        assert!(s.ops.is_empty() && s.hint.is_none());
    }
}
