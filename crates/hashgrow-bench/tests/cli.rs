//! The `hashgrow` binary on bad input: every case must exit with code 2
//! and a message on stderr naming the problem (the line number, for
//! scripts), never a panic.

use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;
use common::hashgrow;

/// Writes `text` to a fresh file in the temp directory.
fn script_file(text: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "hashgrow-cli-test-{}-{}.ops",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, text).unwrap();
    path
}

fn replay(strategy: &str, text: &str) -> Output {
    let path = script_file(text);
    let out = hashgrow(&[
        "replay",
        "--strategy",
        strategy,
        "--script",
        path.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&path);
    out
}

/// Exit code 2, each of `needles` on stderr, no panic.
#[track_caller]
fn assert_rejected(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "panic: {stderr}"
    );
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in: {stderr}");
    }
}

#[test]
fn malformed_scripts_name_the_line() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "go",
            "put 1 2\nfrob 1 2\n",
            &["line 2", "unknown op `frob`"],
        ),
        (
            "java",
            "put 1 2\nfrob 1 2\n",
            &["line 2", "unknown op `frob`"],
        ),
        (
            "go",
            "put 1 2\nput 3\n",
            &["line 2", "expected `put KEY HASH`"],
        ),
        ("java", "\nget 7\n", &["line 2", "expected `get KEY HASH`"]),
        ("go", "put x 5\n", &["line 1", "bad key `x`"]),
        ("java", "put 1 2\ndel one 5\n", &["line 2", "bad key `one`"]),
        ("go", "put 1 0x10\n", &["line 1", "bad hash `0x10`"]),
        // Out of range for the key type: u64 for Go, i32 for Java.
        ("go", "put 18446744073709551616 1\n", &["line 1", "bad key"]),
        ("java", "put 2147483648 1\n", &["line 1", "bad key"]),
        ("java", "put -1 -2147483649\n", &["line 1", "bad hash"]),
        ("go", "put -1 1\n", &["line 1", "bad key"]),
        (
            "go",
            "put 1 1\nhint 4\n",
            &["line 2", "only allowed on the first line"],
        ),
        (
            "java",
            "put 1 1\n\nhint 4\n",
            &["line 3", "only allowed on the first line"],
        ),
        ("go", "hint\n", &["line 1", "expected `hint N`"]),
        ("go-swiss", "put 1 1\nput 2\n", &["line 2"]),
        ("java", "hint -3\n", &["line 1", "bad hint"]),
        (
            "redis",
            "put 1 2\nrehash x\n",
            &["line 2", "bad rehash count"],
        ),
        ("redis", "hint 4\n", &["line 1", "takes no `hint`"]),
        ("go", "put 1 2\nshrink\n", &["line 2", "Redis server-cron"]),
    ];
    for (strategy, text, needles) in cases {
        let out = replay(strategy, text);
        assert_rejected(&out, needles);
        // The message also names the script file.
        assert_rejected(&out, &["hashgrow-cli-test-"]);
        assert!(out.stdout.is_empty(), "{strategy} {text:?}: partial output");
    }
}

#[test]
fn empty_script_prints_the_empty_map() {
    let out = replay("go", "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "final len 0 B 0 noverflow 0 growing false nevacuate 0\nbucket 0: _ _ _ _ _ _ _ _\n"
    );
    let out = replay("java", "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "order\n");
    // Blank lines only: the same.
    let out = replay("java", "\n  \n\t\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "order\n");
}

#[test]
fn redis_replay_prints_what_the_dict_c_oracle_prints() {
    let out = replay("redis", "put 1 5\nput 2 6\nshrink\nrehash 10\ndel 2 6\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "op 1 len 1 alloc 4\n\
         final len 1 size0 4 used0 1 size1 0 used1 0 rehashidx -1\n\
         table0 1: 1\n"
    );
}

#[test]
fn missing_script_file() {
    let out = hashgrow(&[
        "replay",
        "--strategy",
        "go",
        "--script",
        "/nonexistent/hashgrow/script.ops",
    ]);
    assert_rejected(&out, &["cannot read /nonexistent/hashgrow/script.ops"]);
}

#[test]
fn unknown_replay_strategy() {
    let out = replay("rust", "put 1 1\n");
    assert_rejected(&out, &["invalid value 'rust'", "--strategy"]);
    let out = hashgrow(&["compare", "--n", "10", "--strategies", "go,cuckoo"]);
    assert_rejected(&out, &["invalid value 'cuckoo'", "--strategies"]);
}

#[test]
fn bad_n() {
    assert_rejected(&hashgrow(&["compare", "--n", "0"]), &["--n", "at least 1"]);
    assert_rejected(
        &hashgrow(&["compare", "--n", "1000000000000"]),
        &["--n", "at most"],
    );
    assert_rejected(
        &hashgrow(&["compare", "--n", "abc"]),
        &["--n", "`abc` is not a whole number"],
    );
    // clap takes `-5` for a flag: the message names it, not `--n`.
    assert_rejected(&hashgrow(&["compare", "--n", "-5"]), &["'-5'"]);
    assert_rejected(
        &hashgrow(&["compare", "--n", "99999999999999999999999"]),
        &["--n"],
    );
}

#[test]
fn unknown_hasher() {
    assert_rejected(
        &hashgrow(&["compare", "--n", "10", "--hasher", "md5"]),
        &["unknown hasher `md5`", "fx"],
    );
}

#[test]
fn unknown_subcommand_and_flag() {
    assert_rejected(&hashgrow(&["frobnicate"]), &["frobnicate"]);
    assert_rejected(&hashgrow(&[]), &["Usage"]);
    assert_rejected(&hashgrow(&["compare", "--bogus"]), &["--bogus"]);
}

#[test]
fn repeat_zero() {
    assert_rejected(
        &hashgrow(&["compare", "--n", "10", "--repeat", "0"]),
        &["--repeat", "0"],
    );
    assert_rejected(
        &hashgrow(&["compare", "--n", "10", "--repeat", "101"]),
        &["--repeat", "101"],
    );
}

/// A hint the runtimes could not allocate is refused up front (it used to
/// reach `GoMap::with_capacity` and abort on a 57 TB allocation).
#[test]
fn huge_hints_are_refused() {
    let out = replay("go", "hint 18446744073709551615\nput 1 1\n");
    assert_rejected(&out, &["hint"]);
    let out = replay("go", "hint 1000000000000\n");
    assert_rejected(&out, &["hint"]);
    let out = replay("java", "hint 2000000000\nput 1 1\n");
    assert_rejected(&out, &["line 1", "hint"]);
    let out = replay("go-swiss", "hint 18446744073709551615\nput 1 1\n");
    assert_rejected(&out, &["line 1", "hint"]);
}

/// The Go 1.24+ replay prints what the oracle prints: the small group, then
/// the 9th key's table.
#[test]
fn go_swiss_replay_prints_the_oracle_format() {
    let out = replay("go-swiss", "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "final len 0 depth 0 tables 0\n"
    );
    let out = replay("go-swiss", "put 1 7\nput 2 9\ndel 1 7\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "final len 1 depth 0 tables 0\nsmall: _ 2 _ _ _ _ _ _\n"
    );
    let script: String = (0..9)
        .map(|k| format!("put {k} {}\n", k << 7 | k))
        .collect();
    let out = replay("go-swiss", &script);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("op 9 len 9 small -> table - cap 16\nfinal len 9 depth 0 tables 1\n"),
        "{text}"
    );
    assert!(text.contains("table - depth 0 cap 16 used 9 growth_left 5 tombstones 0\n"));
}

/// Output paths are checked before any work: a directory given as a file,
/// a file given as the plots directory.
#[test]
fn output_paths_are_checked_before_the_run() {
    let dir = std::env::temp_dir();
    let out = hashgrow(&["compare", "--n", "1000", "--json", dir.to_str().unwrap()]);
    assert_rejected(&out, &["is a directory"]);
    let file = script_file("not a directory");
    let out = hashgrow(&["compare", "--n", "1000", "--plots", file.to_str().unwrap()]);
    assert_rejected(&out, &["is not a directory"]);
    let below = file.join("plots");
    let out = hashgrow(&["compare", "--n", "1000", "--plots", below.to_str().unwrap()]);
    assert_rejected(&out, &["is not a directory"]);
    let _ = std::fs::remove_file(&file);
}

/// The limits a user can hit are in `--help`.
#[test]
fn help_states_the_limits() {
    let out = hashgrow(&["compare", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("50,000,000"), "{text}");
    let out = hashgrow(&["hashdist", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("10,000,000") && text.contains("2^24"),
        "{text}"
    );
}

/// Without a terminal, a run longer than 10 s says what it is doing.
#[test]
#[ignore = "takes over 10 s; run by hand: cargo test -p hashgrow-bench --test cli -- --ignored"]
fn a_long_run_without_a_terminal_reports_progress() {
    let out = hashgrow(&["compare", "--n", "3000000", "--strategies", "java,go,stw"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("hashgrow:") && stderr.contains("running"),
        "{stderr}"
    );
}

/// `--runtimes` with keys the real maps cannot take is a one-line note,
/// not an error: the Rust rows still run.
#[test]
fn runtimes_with_string_keys_is_a_note() {
    let out = hashgrow(&[
        "compare",
        "--n",
        "1000",
        "--keys",
        "string",
        "--strategies",
        "hashbrown",
        "--repeat",
        "1",
        "--runtimes",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    let notes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("--runtimes"))
        .collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(notes[0].contains("--keys u64"), "{stderr}");
    assert!(
        stdout.contains("hashbrown") && !stdout.contains("runtime"),
        "{stdout}"
    );
}
