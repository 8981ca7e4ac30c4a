//! Replays every fixture in `tests/fixtures` (`NAME.ops`, a script annotated
//! with the real Redis dict's SipHash-1-2 hashes) and compares the output byte for byte
//! with what the real Redis 7.0 dict (dict.c) printed (`NAME.expected`). Regenerate the
//! fixtures with `tests/fixtures/regen.sh`.

use std::fs;
use std::path::Path;

use hashgrow::testing::oracle;

#[test]
fn replay_matches_redis_dict_c_on_every_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    oracle::assert_fixtures_replay(&dir, 12, hashgrow_redis::replay::replay);
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
