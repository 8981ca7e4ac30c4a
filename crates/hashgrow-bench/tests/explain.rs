//! `hashgrow explain`: the page it writes (one step per op, the op's key
//! marked, old and new arrays during a grow), the SVG strip, and its
//! refusals (exit code 2, one line naming the problem).

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;
use common::hashgrow;

/// A fresh path in the temp directory.
fn temp(ext: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "hashgrow-explain-test-{}-{}.{ext}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn trace(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/traces")
        .join(name)
}

/// Runs explain on `script` (text) with `extra` flags; returns the run and
/// the page (empty if none was written).
fn explain(strategy: &str, script: &str, extra: &[&str]) -> (Output, String) {
    let ops = temp("ops");
    std::fs::write(&ops, script).unwrap();
    let (out, page) = explain_file(strategy, &ops, extra);
    let _ = std::fs::remove_file(&ops);
    (out, page)
}

fn explain_file(strategy: &str, script: &Path, extra: &[&str]) -> (Output, String) {
    let html = temp("html");
    let mut args = vec![
        "explain",
        "--strategy",
        strategy,
        "--script",
        script.to_str().unwrap(),
        "--out",
        html.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = hashgrow(&args);
    let page = std::fs::read_to_string(&html).unwrap_or_default();
    let _ = std::fs::remove_file(&html);
    (out, page)
}

/// The drawing of step `k` in a page.
fn step(page: &str, k: usize) -> &str {
    let start = page
        .find(&format!(r#"<template class="step" id="s{k}">"#))
        .unwrap_or_else(|| panic!("no step {k}"));
    let len = page[start..].find("</template>").unwrap();
    &page[start..start + len]
}

#[track_caller]
fn assert_ok(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
}

/// Exit code 2, each of `needles` on stderr, no panic, nothing written.
#[track_caller]
fn assert_rejected(out: &Output, page: &str, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in: {stderr}");
    }
    assert!(page.is_empty(), "a page was written");
}

#[test]
fn one_step_per_op_with_the_key_marked() {
    let script = "put 1 5\nput 2 6\nget 1 5\ndel 2 6\nput 3 1099511627776\n";
    let (out, page) = explain("go", script, &[]);
    assert_ok(&out);
    assert_eq!(page.matches(r#"<template class="step""#).count(), 5);
    assert_eq!(page.matches(r#"<a id="o"#).count(), 5);
    // Step 5's key, 3, sits in a cell drawn as the op's key.
    let s5 = step(&page, 5);
    let marked = s5.find(r#"<rect class="f k""#).expect("no marked cell");
    assert!(s5[marked..].starts_with(r#"<rect class="f k""#));
    let text = &s5[marked..s5[marked..].find("</text>").unwrap() + marked];
    assert!(text.ends_with(">3"), "{text}");
    assert!(s5.contains("op 5 of 5 (line 5): put 3"));
    // Self-contained: nothing fetched.
    assert!(
        !page.contains("http://")
            || page.matches("http://").count()
                == page.matches("http://www.w3.org/2000/svg").count()
    );
    assert!(!page.contains("https://") && !page.contains("src="));
}

#[test]
fn a_grow_start_draws_old_and_new_buckets_side_by_side() {
    // go-midgrow: op 27 starts the grow from 4 to 8 buckets, op 29 ends it.
    let (out, page) = explain_file("go", &trace("go-midgrow.annotated"), &[]);
    assert_ok(&out);
    assert_eq!(page.matches(r#"<template class="step""#).count(), 108);
    assert!(!step(&page, 26).contains("oldbuckets"));
    let s27 = step(&page, 27);
    assert!(s27.contains("oldbuckets: 2^2 = 4"), "{s27}");
    assert!(s27.contains("buckets (new): 2^3 = 8"));
    // The entries evacuated at the grow start are tagged X or Y.
    assert!(s27.contains(r#"<text class="tag""#) && s27.contains(">Y</text>"));
    assert!(!step(&page, 29).contains("oldbuckets"));
}

#[test]
fn the_svg_strip_has_the_chosen_ops() {
    let svg = temp("svg");
    let (out, _) = explain_file(
        "go",
        &trace("go-midgrow.annotated"),
        &["--svg-strip", "27,29", "--svg", svg.to_str().unwrap()],
    );
    assert_ok(&out);
    let text = std::fs::read_to_string(&svg).unwrap();
    let _ = std::fs::remove_file(&svg);
    assert!(text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(text.contains("op 27 of 108") && text.contains("op 29 of 108"));
    assert!(!text.contains("op 28 of 108"));
    assert!(!text.contains("<script"), "GitHub shows no script");
}

#[test]
fn plain_lines_without_hashes_work_on_every_strategy() {
    let mut script: String = (1..=40).map(|k| format!("put {k}\n")).collect();
    script += "del 3\nget 4\nget 99\n";
    for strategy in ["go", "go-swiss", "java", "stw", "redis"] {
        let (out, page) = explain(strategy, &script, &[]);
        assert_ok(&out);
        assert_eq!(
            page.matches(r#"<template class="step""#).count(),
            43,
            "{strategy}"
        );
        assert!(page.contains("43 of them had no hash"), "{strategy}");
        // 40 keys: every strategy has grown at least once by then.
        assert!(page.contains("resize"), "{strategy}");
    }
}

#[test]
fn a_java_tree_bin_is_drawn_as_a_tree() {
    // Nine keys in bin 3 of a 64-bin table: the ninth treeifies the bin.
    let mut script = String::from("hint 64\n");
    for k in 0..9 {
        script += &format!("put {k} {}\n", 3 + 64 * k);
    }
    let (out, page) = explain("java", &script, &[]);
    assert_ok(&out);
    assert!(!step(&page, 8).contains(">TREE<"));
    let s9 = step(&page, 9);
    assert!(s9.contains(">TREE<") && s9.contains(r#"<rect class="b"#) && s9.contains("<line"));
}

#[test]
fn a_malformed_line_is_refused_with_its_number() {
    let (out, page) = explain("go", "put 1\nput 2 7\nfrob 3\n", &[]);
    assert_rejected(&out, &page, &["line 3", "unknown op `frob`"]);
    let (out, page) = explain("java", "put 1\nput x\n", &[]);
    assert_rejected(&out, &page, &["line 2", "bad key `x`"]);
    let (out, page) = explain("go", "put 1 2 3 4\n", &[]);
    assert_rejected(&out, &page, &["line 1", "expected `put KEY [HASH]`"]);
}

#[test]
fn other_bad_input_is_refused_before_any_work() {
    // A key given two hashes while it is stored.
    let (out, page) = explain("go", "put 1 5\nget 1 6\n", &[]);
    assert_rejected(&out, &page, &["line 2", "key 1 has hash 6", "line 1"]);
    // Server-cron ops are Redis's only.
    let (out, page) = explain("java", "put 1\nrehash 3\n", &[]);
    assert_rejected(&out, &page, &["line 2", "redis"]);
    let (out, page) = explain("redis", "hint 4\nput 1\n", &[]);
    assert_rejected(&out, &page, &["line 1", "hint"]);
    // Too many ops to draw.
    let big: String = (0..5001).map(|k| format!("put {k}\n")).collect();
    let (out, page) = explain("stw", &big, &[]);
    assert_rejected(&out, &page, &["5001 ops", "at most 5000"]);
    // An op number the script does not have.
    let svg = temp("svg");
    let (out, page) = explain(
        "go",
        "put 1\n",
        &["--svg-strip", "2", "--svg", svg.to_str().unwrap()],
    );
    assert_rejected(&out, &page, &["--svg-strip 2", "1 ops"]);
    // Unknown strategy; --svg-strip without --svg.
    let (out, page) = explain("python", "put 1\n", &[]);
    assert_rejected(&out, &page, &["python"]);
    let (out, page) = explain("go", "put 1\n", &["--svg-strip", "1"]);
    assert_rejected(&out, &page, &["--svg"]);
}

#[test]
fn unwritable_outputs_say_why() {
    let ops = temp("ops");
    std::fs::write(&ops, "put 1\n").unwrap();
    let dir = std::env::temp_dir();
    let args = |out: &Path| {
        hashgrow(&[
            "explain",
            "--strategy",
            "go",
            "--script",
            ops.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
    };
    assert_rejected(&args(&dir), "", &["is a directory"]);
    assert_rejected(
        &args(&dir.join("no-such-dir-hashgrow/x.html")),
        "",
        &["does not exist"],
    );
    let _ = std::fs::remove_file(&ops);
}

#[test]
fn help_says_what_it_draws_and_how_to_feed_it() {
    let out = hashgrow(&["explain", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "put KEY HASH",
        "put KEY",
        "foldhash",
        "Integer.hashCode",
        "5000",
        "#step=K",
        "Example",
    ] {
        assert!(text.contains(needle), "{needle:?} not in: {text}");
    }
}
