//! Replays every fixture in `tests/fixtures` (`NAME.ops`, a script annotated
//! with the real Go 1.27 runtime's hashes) and compares the output byte for byte
//! with what the real Go 1.24+ Swiss-table map printed (`NAME.expected`). Regenerate the
//! fixtures with `tests/fixtures/regen.sh`.

use std::path::Path;

use hashgrow::testing::oracle;

#[test]
fn replay_matches_the_go_swiss_runtime_on_every_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    oracle::assert_fixtures_replay(&dir, 12, hashgrow_swiss::replay::replay);
}

#[test]
fn malformed_script_reports_its_line() {
    let err = hashgrow_swiss::replay::replay("put 1 2\nput 3\n").unwrap_err();
    assert_eq!(err.line, 2);
    let err = hashgrow_swiss::replay::replay("hint 4\nput 1 2\nfrob 1 2\n").unwrap_err();
    assert_eq!(err.line, 3);
}
