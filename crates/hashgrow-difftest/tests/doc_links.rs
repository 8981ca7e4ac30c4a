//! Every relative link in the repository's Markdown (README.md, docs/*.md,
//! docs/generated/README.md, crates/*/README.md) points at a file that
//! exists, and every `#anchor` in it at a heading or an `id="..."` of the
//! target page (as GitHub renders them). Links inside fenced code blocks
//! are not links and are skipped.
//!
//! One exception: `docs/figures/` is filled by `scripts/` on another branch
//! (the figures are generated files), so a link into it may point at a
//! file not generated yet; only its anchor-free form is allowed.
use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn markdown_files() -> Vec<PathBuf> {
    let root = root();
    let mut files = vec![
        root.join("README.md"),
        root.join("docs/generated/README.md"),
    ];
    for dir in ["docs", "crates"] {
        for e in fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if dir == "docs" && p.extension().is_some_and(|x| x == "md") {
                files.push(p);
            } else if dir == "crates" && p.join("README.md").is_file() {
                files.push(p.join("README.md"));
            }
        }
    }
    let mut files: Vec<PathBuf> = files.iter().map(|f| normalize(f)).collect();
    files.sort();
    files
}

/// Lines outside fenced code blocks.
fn prose(text: &str) -> Vec<&str> {
    let mut fenced = false;
    text.lines()
        .filter(|l| {
            if l.trim_start().starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .collect()
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-`
/// and `_` dropped, spaces turned into `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> HashSet<String> {
    let mut set = HashSet::new();
    for line in prose(text) {
        if let Some(h) = line.strip_prefix('#') {
            let base = slug(h.trim_start_matches('#'));
            let mut a = base.clone();
            let mut n = 0;
            while set.contains(&a) {
                n += 1;
                a = format!("{base}-{n}");
            }
            set.insert(a);
        }
    }
    // Explicit anchors: <a id="x"></a> (anywhere, also in tables).
    let mut rest = text;
    while let Some(i) = rest.find("id=\"") {
        rest = &rest[i + 4..];
        if let Some(j) = rest.find('"') {
            set.insert(rest[..j].to_string());
        }
    }
    set
}

/// `](target)` link targets on the prose lines.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose(text) {
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            if let Some(j) = rest.find(')') {
                out.push(rest[..j].to_string());
            }
        }
    }
    out
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn markdown_links_and_anchors_resolve() {
    let root = normalize(&root());
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in markdown_files() {
        let text = fs::read_to_string(&file).unwrap();
        let dir = file.parent().unwrap();
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") || target.contains(' ') {
                continue;
            }
            checked += 1;
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let dest = if path.is_empty() {
                file.clone()
            } else {
                normalize(&dir.join(path))
            };
            let shown = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .display()
                .to_string();
            if !dest.exists() {
                let pending_figure =
                    dest.starts_with(root.join("docs/figures")) && anchor.is_empty();
                if !pending_figure {
                    broken.push(format!("{shown}: {target}: no such file"));
                }
                continue;
            }
            if !anchor.is_empty() {
                if dest.extension().is_some_and(|x| x == "md") {
                    let found = anchors(&fs::read_to_string(&dest).unwrap());
                    if !found.contains(anchor) {
                        broken.push(format!("{shown}: {target}: no anchor #{anchor}"));
                    }
                } else {
                    broken.push(format!(
                        "{shown}: {target}: anchor into a non-Markdown file"
                    ));
                }
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} links found: is the scan broken?"
    );
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_claim_has_an_anchor() {
    let text = fs::read_to_string(root().join("docs/claims.md")).unwrap();
    let found = anchors(&text);
    let claims: Vec<&str> = prose(&text)
        .into_iter()
        .filter(|l| l.starts_with("## ") && l[3..].starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(claims.len() >= 12, "{} claims found", claims.len());
    for heading in claims {
        let n = heading[3..].split('.').next().unwrap();
        assert!(
            found.contains(&format!("claim-{n}")),
            "docs/claims.md: `{heading}` has no <a id=\"claim-{n}\"></a>"
        );
    }
}

#[test]
fn slugs_follow_github() {
    assert_eq!(
        slug(" Rule → runtime → our code"),
        "rule--runtime--our-code"
    );
    assert_eq!(
        slug(" Worked trace: B 0 → 1 → 2 → 3"),
        "worked-trace-b-0--1--2--3"
    );
    assert_eq!(slug(" `hashGrow` and `growWork`"), "hashgrow-and-growwork");
}
