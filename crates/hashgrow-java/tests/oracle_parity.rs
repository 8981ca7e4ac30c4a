//! Replays every `tests/fixtures/NAME.ops` and compares the output, byte
//! for byte, with `NAME.expected`, which the real JDK 17
//! `java.util.HashMap` printed for it (`tests/fixtures/regen.sh`).

use std::path::Path;

use hashgrow::testing::oracle;

#[test]
fn replay_matches_jdk17_on_every_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    oracle::assert_fixtures_replay(&dir, 12, hashgrow_java::replay::replay);
}

#[test]
fn malformed_script_reports_its_line() {
    let err = hashgrow_java::replay::replay("put 1 2\nput 3\n").unwrap_err();
    assert_eq!(err.line, 2);
    let err = hashgrow_java::replay::replay("put 1 2\nfrob 1 2\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.to_string().starts_with("line 2:"));
    for cron in ["shrink", "rehash 10"] {
        let err = hashgrow_java::replay::replay(&format!("put 1 2\n{cron}\n")).unwrap_err();
        assert_eq!(err.line, 2, "{cron}");
        assert!(err.message.contains("Redis server-cron"), "{err}");
    }
}

#[test]
fn diff_is_readable() {
    let d = oracle::diff("a\norder 1 2 3\n", "a\norder 1 3 2\n");
    assert!(d.contains("line 2"), "{d}");
    assert!(d.contains("position 2"), "{d}");
}
