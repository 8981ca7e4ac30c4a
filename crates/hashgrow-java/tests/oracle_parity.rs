//! Replays every `tests/fixtures/NAME.ops` and compares the output, byte
//! for byte, with `NAME.expected`, which the real JDK 17
//! `java.util.HashMap` printed for it (`tests/fixtures/regen.sh`).

use std::fs;
use std::path::Path;

/// A readable account of the first difference between two outputs.
fn diff(expected: &str, got: &str) -> String {
    let (e, g): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
    let first = e
        .iter()
        .zip(&g)
        .position(|(a, b)| a != b)
        .unwrap_or(e.len().min(g.len()));
    let clip = |s: &str| {
        if s.len() > 200 {
            // For the long `order` line, show where it starts to differ.
            format!("{}... ({} chars)", &s[..200], s.len())
        } else {
            s.to_string()
        }
    };
    let mut out = format!(
        "first difference at line {} (expected {} lines, got {})\n",
        first + 1,
        e.len(),
        g.len()
    );
    for i in first.saturating_sub(2)..(first + 3) {
        if let Some(l) = e.get(i) {
            out += &format!("  expected {:>4}: {}\n", i + 1, clip(l));
        }
        if let Some(l) = g.get(i) {
            out += &format!("  got      {:>4}: {}\n", i + 1, clip(l));
        }
    }
    if let (Some(el), Some(gl)) = (e.get(first), g.get(first)) {
        if el.starts_with("order") && gl.starts_with("order") {
            let (ew, gw): (Vec<&str>, Vec<&str>) =
                (el.split(' ').collect(), gl.split(' ').collect());
            let at = ew
                .iter()
                .zip(&gw)
                .position(|(a, b)| a != b)
                .unwrap_or(ew.len().min(gw.len()));
            let lo = at.saturating_sub(3);
            out += &format!(
                "  order differs at position {at}: expected ..{:?}.., got ..{:?}..\n",
                &ew[lo..(at + 4).min(ew.len())],
                &gw[lo..(at + 4).min(gw.len())]
            );
        }
    }
    out
}

#[test]
fn replay_matches_jdk17_on_every_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "ops").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 12, "only {} fixtures", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let ops = fs::read_to_string(dir.join(format!("{name}.ops"))).unwrap();
        let expected = fs::read_to_string(dir.join(format!("{name}.expected"))).unwrap();
        let got = hashgrow_java::replay::replay(&ops).unwrap();
        if got != expected {
            failures.push(format!("{name}: {}", diff(&expected, &got)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ from JDK 17:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
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
    let d = diff("a\norder 1 2 3\n", "a\norder 1 3 2\n");
    assert!(d.contains("line 2"), "{d}");
    assert!(d.contains("position 2"), "{d}");
}
