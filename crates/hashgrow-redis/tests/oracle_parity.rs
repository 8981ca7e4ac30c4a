//! Replays every fixture in `tests/fixtures` (`NAME.ops`, a script annotated
//! with the real Redis dict's SipHash-1-2 hashes) and compares the output byte for byte
//! with what the real Redis 7.0 dict (dict.c) printed (`NAME.expected`). Regenerate the
//! fixtures with `tests/fixtures/regen.sh`.

use std::fs;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ops"))
        .collect();
    v.sort();
    v
}

/// A readable diff: the first differing line, with context from both sides.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let lo = first.saturating_sub(3);
    let mut out = format!(
        "first difference at line {} (expected {} lines, got {})\n",
        first + 1,
        e.len(),
        a.len()
    );
    for (side, lines) in [("expected", &e), ("actual  ", &a)] {
        for (i, l) in lines.iter().enumerate().skip(lo).take(first - lo + 4) {
            let mark = if i == first { ">" } else { " " };
            let l = if l.len() > 200 { &l[..200] } else { l };
            out.push_str(&format!("{side} {mark}{:>7}: {l}\n", i + 1));
        }
    }
    out
}

#[test]
fn replay_matches_redis_dict_c_on_every_fixture() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 12,
        "expected at least 12 fixtures, found {}",
        fixtures.len()
    );
    let mut failures = Vec::new();
    for ops in &fixtures {
        let name = ops.file_stem().unwrap().to_string_lossy().into_owned();
        let script = fs::read_to_string(ops).unwrap();
        let expected = fs::read_to_string(ops.with_extension("expected"))
            .unwrap_or_else(|e| panic!("{name}.expected: {e}"));
        let actual =
            hashgrow_redis::replay::replay(&script).unwrap_or_else(|e| panic!("{name}: {e}"));
        if actual != expected {
            failures.push(format!("--- fixture {name}:\n{}", diff(&expected, &actual)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn malformed_script_reports_its_line() {
    let err = hashgrow_redis::replay::replay("put 1 2\nput 3\n").unwrap_err();
    assert_eq!(err.line, 2);
    let err = hashgrow_redis::replay::replay("put 1 2\nshrink\nrehash x\n").unwrap_err();
    assert_eq!(err.line, 3);
    let err = hashgrow_redis::replay::replay("get 1 2\nfrob 1 2\n").unwrap_err();
    assert_eq!(err.line, 2);
}

/// The fixtures cover what the brief promised: a restart within one op, a
/// shrink, an emptied dict, lookups finishing a rehash, a dump mid-rehash.
#[test]
fn fixtures_cover_the_interesting_transitions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |name: &str| fs::read_to_string(dir.join(name)).unwrap();
    let restart = read("end_and_start_in_one_op.expected");
    let lines: Vec<&str> = restart.lines().collect();
    let restarts = lines
        .windows(2)
        .filter(|w| {
            let op = |l: &str| l.split(' ').nth(1).map(str::to_owned);
            w[0].contains("rehash_end") && w[1].contains("rehash_start") && op(w[0]) == op(w[1])
        })
        .count();
    assert!(restarts >= 2, "no op both ended and started a rehash");
    assert!(read("shrink_cron.expected").contains("rehash_start 32768 -> 1024"));
    let lookups = read("lookups_finish_rehash.expected");
    let end = lookups
        .lines()
        .find(|l| l.contains("rehash_end 2048"))
        .unwrap();
    let op: usize = end.split(' ').nth(1).unwrap().parse().unwrap();
    assert!(op > 1025, "the rehash must end during the lookups");
    assert!(read("mid_rehash_final.expected").contains("\ntable1 "));
}
