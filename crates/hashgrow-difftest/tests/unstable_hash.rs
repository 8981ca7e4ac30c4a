//! The unstable-hash experiment (`hashgrow_difftest::unstable`): prints the
//! table (`cargo test -p hashgrow-difftest --test unstable_hash --
//! --nocapture`), asserts each strategy's outcome, and checks that
//! `docs/generated/unstable-hash.txt` is what the example prints now.
use hashgrow_difftest::unstable::{all, report, Outcome};

/// (found with the new hash, found with the old hash, re-insert adds an entry)
fn row(o: &Outcome) -> (bool, bool, bool) {
    (o.found_new_hash, o.found_old_hash, o.reinsert_adds)
}

#[test]
fn unstable_hash_outcomes() {
    let outcomes = all();
    println!("{}", report(&outcomes));
    for o in &outcomes {
        // Common to all: lost as soon as the hash changes, still counted
        // and iterated; one grow after the switch.
        assert!(!o.found_before_grow, "{}", o.name);
        assert_eq!((o.grows, o.counted, o.iterated), (1, 1, 1), "{}", o.name);
        assert_eq!(
            o.iterated_after,
            1 + usize::from(o.reinsert_adds),
            "{}",
            o.name
        );
        let expected = match o.name {
            // Rehashed for the X/Y bit only: the wrong half, lost under
            // both hashes.
            "go" => (false, false, true),
            // The stored hash: still found by the old hash, never the new.
            "java" | "redis" => (false, true, true),
            // A full rehash puts it where the new hash says.
            "stw" | "go-swiss" => (true, false, false),
            other => panic!("unexpected strategy {other}"),
        };
        assert_eq!(row(o), expected, "{}", o.name);
    }
}

#[test]
fn generated_table_is_current() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/generated/unstable-hash.txt"
    );
    let committed = std::fs::read_to_string(path).unwrap();
    let body = committed.split_once('\n').unwrap().1;
    assert_eq!(
        body,
        report(&all()),
        "docs/generated/unstable-hash.txt is stale: rerun \
         `cargo run -p hashgrow-difftest --example unstable_hash > docs/generated/unstable-hash.txt`"
    );
}
