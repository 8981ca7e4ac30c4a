//! Drawing one step as SVG: the op and its counters on top, then the
//! arrays side by side (old before new), one row per bucket, bin or group.
//!
//! Plain string building. Every piece of text is a real `<text>` (so the
//! strips read on GitHub, which shows SVG as an image: no script, no
//! external font), sized for a monospace font so widths can be computed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use hashgrow::explain::{CellState, CellView, RowView, TableView};

use super::steps::Step;

/// Cell size and spacing, in pixels.
const CW: f64 = 50.0;
const CH: f64 = 38.0;
/// Space between a row's index and its first cell.
const LABEL: f64 = 44.0;
/// Extra space where a Go overflow bucket starts.
const BREAK: f64 = 10.0;
/// Space between linked chain nodes (the arrow).
const LINK: f64 = 14.0;
const ROW_GAP: f64 = 6.0;
/// Vertical step between the depths of a tree bin.
const TREE_DY: f64 = CH + 14.0;
const TABLE_GAP: f64 = 36.0;
const MARGIN: f64 = 12.0;
/// Width of one character at 12px in a monospace font (0.6 em), with a
/// little slack for fonts that run wide.
const CHAR: f64 = 7.4;
/// Longest key drawn whole in a cell; longer ones are cut, with `…`.
const KEY_CHARS: usize = 6;

/// The classes the drawings use. Embedded once per standalone SVG, once
/// per HTML page.
pub const STYLE: &str = "\
text{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;fill:#212529;font-size:12px}
.title{font-size:15px;font-weight:bold}
.th{font-size:13px;font-weight:bold}
.note{fill:#495057}
.lbl{font-size:11px;fill:#868e96;text-anchor:end}
.key{text-anchor:middle}
.byte{font-size:9px;fill:#868e96;text-anchor:middle}
.tag{font-size:10px;font-weight:bold;fill:#1864ab;text-anchor:end}
.rtag{font-size:11px;font-weight:bold;fill:#5f3dc4}
.gap{font-size:11px;fill:#868e96}
rect.e{fill:#fff;stroke:#ced4da}
rect.f{fill:#f1f3f5;stroke:#495057}
rect.d{fill:#fff;stroke:#adb5bd;stroke-dasharray:3 2}
rect.v{fill:#e9ecef;stroke:#ced4da}
rect.r{fill:#ffe3e3;stroke:#c92a2a;stroke-width:2}
rect.b{fill:#ced4da;stroke:#212529;stroke-width:2}
rect.m{fill:#a5d8ff}
rect.k{fill:#ffd43b;stroke:#e8590c;stroke-width:3}
rect.hl{fill:#fff3bf}
line{stroke:#495057;stroke-width:1.2}
";

/// Shapes every drawing refers to with `<use>`: an empty slot, by far the
/// most common box, is then a 40-byte element rather than a 70-byte one,
/// which keeps a page of a few hundred steps of large tables small. Its
/// colours are attributes, not classes, so no stylesheet has to reach into
/// the `<use>` copy.
pub const DEFS: &str =
    r##"<rect id="slot-empty" width="50" height="38" rx="3" fill="#fff" stroke="#ced4da"/>"##;

/// A drawn step: the SVG elements (no `<svg>` around them) and their size.
pub struct Drawing {
    pub body: String,
    pub width: f64,
    pub height: f64,
}

/// XML-escapes text.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `text` cut into lines of at most `width` characters at `sep` boundaries.
fn wrap(parts: &[String], sep: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for p in parts {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && line.chars().count() + sep.len() + p.chars().count() > width {
            lines.push(p.clone());
        } else {
            if !line.is_empty() {
                line.push_str(sep);
            }
            line.push_str(p);
        }
    }
    lines
}

/// Rows to draw when a table has more than `max_rows`, most telling first:
/// the key's row, then the rows the op moved the most entries out of or
/// into (a Java resize moves every entry: the bins that split the most
/// nodes win), then the lowest indices; drawn in index order.
fn rows_to_draw(t: &TableView, wanted: &BTreeMap<usize, usize>, max_rows: usize) -> Vec<usize> {
    if t.rows.len() <= max_rows {
        return (0..t.rows.len()).collect();
    }
    let mut ranked: Vec<(usize, usize)> = wanted
        .iter()
        .filter(|&(&i, _)| i < t.rows.len())
        .map(|(&i, &w)| (i, w))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut keep: BTreeSet<usize> = ranked.iter().take(max_rows).map(|r| r.0).collect();
    let mut i = 0;
    while keep.len() < max_rows && i < t.rows.len() {
        keep.insert(i);
        i += 1;
    }
    keep.into_iter().collect()
}

/// Width of a row's cells.
fn row_width(t: &TableView, r: &RowView) -> f64 {
    let n = r.cells.len() as f64;
    if r.cells.iter().any(|c| c.tree.is_some()) {
        n * (CW + 6.0)
    } else if t.linked {
        (n * (CW + LINK)).max(CW)
    } else {
        n * CW + r.chain_breaks.len() as f64 * BREAK
    }
}

fn row_height(r: &RowView) -> f64 {
    let depth = r.cells.iter().filter_map(|c| c.tree.map(|t| t.0)).max();
    match depth {
        Some(d) => d as f64 * TREE_DY + CH + ROW_GAP,
        None => CH + ROW_GAP,
    }
}

struct Marks<'a> {
    key: Option<&'a str>,
    /// Keys moved by the op, with their tags.
    moved: Vec<(&'a str, &'a str)>,
}

fn cell(out: &mut String, x: f64, y: f64, c: &CellView, marks: &Marks) {
    let base = match c.state {
        CellState::Empty => "e",
        CellState::Full => "f",
        CellState::Deleted => "d",
        CellState::Evacuated => "v",
        CellState::Red => "r",
        CellState::Black => "b",
    };
    let key = c.key.as_deref();
    if c.state == CellState::Empty && key.is_none() && c.byte.is_none() {
        let _ = write!(out, r##"<use href="#slot-empty" x="{x}" y="{y}"/>"##);
        return;
    }
    let tag = key.and_then(|k| marks.moved.iter().find(|m| m.0 == k).map(|m| m.1));
    let mut class = base.to_string();
    if tag.is_some() {
        class.push_str(" m");
    }
    if key.is_some() && key == marks.key {
        class.push_str(" k");
    }
    let _ = write!(
        out,
        r#"<rect class="{class}" x="{x}" y="{y}" width="{CW}" height="{CH}" rx="3"/>"#
    );
    let cx = x + CW / 2.0;
    match key {
        Some(k) => {
            let shown: String = if k.chars().count() > KEY_CHARS {
                k.chars().take(KEY_CHARS - 1).chain(['…']).collect()
            } else {
                k.to_string()
            };
            let _ = write!(
                out,
                r#"<text class="key" x="{cx}" y="{}">{}</text>"#,
                y + 23.0,
                esc(&shown)
            );
            if let Some(b) = &c.byte {
                let _ = write!(
                    out,
                    r#"<text class="byte" x="{cx}" y="{}">{}</text>"#,
                    y + 34.0,
                    esc(b)
                );
            }
        }
        None => {
            if let Some(b) = &c.byte {
                let _ = write!(
                    out,
                    r#"<text class="byte" x="{cx}" y="{}">{}</text>"#,
                    y + 23.0,
                    esc(b)
                );
            }
        }
    }
    if let Some(t) = tag {
        let _ = write!(
            out,
            r#"<text class="tag" x="{}" y="{}">{}</text>"#,
            x + CW - 3.0,
            y + 10.0,
            esc(t)
        );
    }
}

/// Draws one row at `y`; returns its height.
fn row(
    out: &mut String,
    t: &TableView,
    r: &RowView,
    y: f64,
    width: f64,
    highlight: bool,
    marks: &Marks,
) -> f64 {
    let h = row_height(r);
    if highlight {
        let _ = write!(
            out,
            r#"<rect class="hl" x="0" y="{}" width="{width}" height="{}"/>"#,
            y - ROW_GAP / 2.0,
            h
        );
    }
    if r.done {
        out.push_str(r#"<g opacity="0.5">"#);
    }
    let _ = write!(
        out,
        r#"<text class="lbl" x="{}" y="{}">{}</text>"#,
        LABEL - 8.0,
        y + 23.0,
        r.index
    );
    let is_tree = r.cells.iter().any(|c| c.tree.is_some());
    if is_tree {
        let at = |i: usize| {
            let d = r.cells[i].tree.map_or(0, |t| t.0);
            (LABEL + i as f64 * (CW + 6.0), y + d as f64 * TREE_DY)
        };
        for (i, c) in r.cells.iter().enumerate() {
            if let Some((_, Some(p))) = c.tree {
                let ((x1, y1), (x2, y2)) = (at(p), at(i));
                let _ = write!(
                    out,
                    r#"<line x1="{}" y1="{}" x2="{}" y2="{y2}"/>"#,
                    x1 + CW / 2.0,
                    y1 + CH,
                    x2 + CW / 2.0
                );
            }
        }
        for (i, c) in r.cells.iter().enumerate() {
            let (x, cy) = at(i);
            cell(out, x, cy, c, marks);
        }
    } else if t.linked {
        if r.cells.is_empty() {
            let _ = write!(
                out,
                r#"<text class="gap" x="{}" y="{}">null</text>"#,
                LABEL + 4.0,
                y + 23.0
            );
        }
        for (i, c) in r.cells.iter().enumerate() {
            let x = LABEL + i as f64 * (CW + LINK);
            if i > 0 {
                let _ = write!(
                    out,
                    r##"<line x1="{}" y1="{}" x2="{x}" y2="{}"/><path d="M{x} {} l-5 -3 v6 z" fill="#495057"/>"##,
                    x - LINK,
                    y + CH / 2.0,
                    y + CH / 2.0,
                    y + CH / 2.0
                );
            }
            cell(out, x, y, c, marks);
        }
    } else {
        let mut x = LABEL;
        for (i, c) in r.cells.iter().enumerate() {
            if r.chain_breaks.contains(&i) {
                // An overflow bucket: a gap with a short link.
                let _ = write!(
                    out,
                    r#"<line x1="{x}" y1="{}" x2="{}" y2="{}"/>"#,
                    y + CH / 2.0,
                    x + BREAK,
                    y + CH / 2.0
                );
                x += BREAK;
            }
            cell(out, x, y, c, marks);
            x += CW;
        }
    }
    if let Some(tag) = &r.tag {
        let _ = write!(
            out,
            r#"<text class="rtag" x="{}" y="{}">{}</text>"#,
            LABEL + row_width(t, r) + 8.0,
            y + 23.0,
            esc(tag)
        );
    }
    if r.done {
        out.push_str("</g>");
    }
    h
}

/// Draws one table with its left edge at 0; returns (body, width, height).
fn table(t: &TableView, step: &Step, max_rows: usize, marks: &Marks) -> (String, f64, f64) {
    // Row index -> how much it matters to this step.
    let mut wanted: BTreeMap<usize, usize> = BTreeMap::new();
    let mut hl = BTreeSet::new();
    for r in &t.rows {
        if r.cells
            .iter()
            .any(|c| c.key.is_some() && c.key.as_deref() == marks.key)
        {
            wanted.insert(r.index, usize::MAX);
            hl.insert(r.index);
        }
    }
    if let Some((id, i)) = step.was_at {
        if id == t.id {
            wanted.insert(i, usize::MAX);
            hl.insert(i);
        }
    }
    for m in &step.moves {
        for (id, i) in [m.to, m.from] {
            if id == t.id {
                let w = wanted.entry(i).or_insert(0);
                *w = w.saturating_add(1);
            }
        }
    }
    let drawn = rows_to_draw(t, &wanted, max_rows);
    let cells_w = drawn
        .iter()
        .map(|&i| {
            row_width(t, &t.rows[i])
                + t.rows[i]
                    .tag
                    .as_ref()
                    .map_or(0.0, |s| 16.0 + s.len() as f64 * CHAR)
        })
        .fold(CW * 2.0, f64::max);
    let width = (LABEL + cells_w).max(t.title.chars().count() as f64 * 8.2);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<text class="th" x="0" y="14">{}</text>"#,
        esc(&t.title)
    );
    let mut y = 26.0;
    let mut next = 0;
    let skipped = |out: &mut String, y: &mut f64, from: usize, to: usize| {
        if to > from {
            let n = to - from;
            let _ = write!(
                out,
                r#"<text class="gap" x="{}" y="{}">⋮ {n} more {}{} ({from}–{}) not drawn</text>"#,
                LABEL - 8.0,
                *y + 12.0,
                t.row_name,
                if n == 1 || t.row_name.ends_with('s') {
                    ""
                } else {
                    "s"
                },
                to - 1
            );
            *y += 20.0;
        }
    };
    for &i in &drawn {
        skipped(&mut out, &mut y, next, i);
        y += row(&mut out, t, &t.rows[i], y, width, hl.contains(&i), marks);
        next = i + 1;
    }
    skipped(&mut out, &mut y, next, t.rows.len());
    if t.rows.is_empty() {
        let _ = write!(
            out,
            r#"<text class="gap" x="0" y="{}">(empty)</text>"#,
            y + 12.0
        );
        y += 20.0;
    }
    (out, width, y)
}

/// What happened to the op's key, in words.
fn outcome(step: &Step) -> Option<String> {
    let key = step.key.as_deref()?;
    let place = |pos: (u64, usize)| {
        step.after
            .tables
            .iter()
            .find(|t| t.id == pos.0)
            .map(|t| format!("{} {} of {}", t.row_name, pos.1, t.short))
    };
    let now = step.after.position_of(key);
    let verb = step.op.split(' ').next().unwrap_or("");
    Some(match (verb, now, step.was_at) {
        ("del", None, Some(_)) => format!("{key} removed"),
        ("del", None, None) | ("get", None, _) => format!("{key} is not in the map"),
        ("put", Some(p), None) => format!("{key} inserted into {}", place(p).unwrap_or_default()),
        (_, Some(p), _) => format!("{key} is in {}", place(p).unwrap_or_default()),
        _ => format!("{key} is not in the map"),
    })
}

/// Draws a step: header lines, then the tables side by side.
pub fn step(step: &Step, total: usize, max_rows: usize) -> Drawing {
    let marks = Marks {
        key: step.key.as_deref(),
        moved: step
            .moves
            .iter()
            .map(|m| (m.key.as_str(), m.tag.as_str()))
            .collect(),
    };
    let tables: Vec<(String, f64, f64)> = step
        .after
        .tables
        .iter()
        .map(|t| table(t, step, max_rows, &marks))
        .collect();
    let tables_w: f64 =
        tables.iter().map(|t| t.1).sum::<f64>() + TABLE_GAP * tables.len().saturating_sub(1) as f64;
    let width = tables_w.max(760.0);
    // Text lines wrap at a width that reads without scrolling, even when
    // the tables beside each other are wider.
    let chars = (width.min(1100.0) / CHAR) as usize;

    let mut head = String::new();
    let mut y = 18.0;
    let mut title = format!(
        "op {} of {total} (line {}): {}",
        step.number, step.line, step.op
    );
    if let Some(h) = &step.hash {
        let _ = write!(title, "  hash {h}");
    }
    let _ = write!(
        head,
        r#"<text class="title" x="0" y="{y}">{}</text>"#,
        esc(&title)
    );
    y += 20.0;
    let mut lines: Vec<(String, &str)> = Vec::new();
    if let Some(o) = outcome(step) {
        lines.push((o, "note"));
    }
    let counters: Vec<String> = step
        .after
        .counters
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    for l in wrap(&counters, " │ ", chars) {
        lines.push((l, ""));
    }
    if !step.changed.is_empty() {
        let mut parts = vec!["changed by this op:".to_string()];
        parts.extend(
            step.changed
                .iter()
                .map(|(k, a, b)| format!("{k} {a} → {b};")),
        );
        for l in wrap(&parts, " ", chars) {
            lines.push((l, "note"));
        }
    }
    if !step.moves.is_empty() {
        const LISTED: usize = 12;
        let mut parts = vec![format!("moved by this op ({}):", step.moves.len())];
        parts.extend(step.moves.iter().take(LISTED).map(|m| {
            if m.tag.starts_with('→') {
                format!("{} {},", m.key, m.words)
            } else {
                format!("{} {} {},", m.key, m.tag, m.words)
            }
        }));
        if step.moves.len() > LISTED {
            parts.push(format!("and {} more", step.moves.len() - LISTED));
        }
        for l in wrap(&parts, " ", chars) {
            lines.push((l, "note"));
        }
    }
    for (l, class) in lines {
        let _ = write!(
            head,
            r#"<text class="{class}" x="0" y="{y}">{}</text>"#,
            esc(l.trim_end_matches(','))
        );
        y += 17.0;
    }
    y += 8.0;

    let mut body = head;
    let mut x = 0.0;
    let mut h: f64 = 0.0;
    for (t, w, th) in &tables {
        let _ = write!(body, r#"<g transform="translate({x} {y})">{t}</g>"#);
        x += w + TABLE_GAP;
        h = h.max(*th);
    }
    Drawing {
        body: format!(r#"<g transform="translate({MARGIN} {MARGIN})">{body}</g>"#),
        width: width + 2.0 * MARGIN,
        height: y + h + 2.0 * MARGIN,
    }
}

/// The colours, explained: a strip of swatches (drawn at the top of a
/// strip, and in the page's header).
pub fn legend(split_names: Option<(&str, &str)>) -> Drawing {
    let items: Vec<(&str, String)> = vec![
        ("f k", "the op's key".into()),
        (
            "f m",
            match split_names {
                Some((lo, hi)) => {
                    format!("moved by this op ({lo}: same index i, {hi}: i + old size)")
                }
                None => "moved by this op (→ where to)".into(),
            },
        ),
        ("f", "entry".into()),
        ("e", "empty slot".into()),
    ];
    let mut out = String::new();
    let mut x = MARGIN;
    for (class, label) in items {
        let _ = write!(
            out,
            r#"<rect class="{class}" x="{x}" y="4" width="22" height="16" rx="3"/><text x="{}" y="17">{}</text>"#,
            x + 28.0,
            esc(&label)
        );
        x += 28.0 + label.chars().count() as f64 * CHAR + 20.0;
    }
    Drawing {
        body: out,
        width: x,
        height: 26.0,
    }
}

/// A standalone SVG document of drawings stacked top to bottom.
pub fn document(parts: &[&Drawing]) -> String {
    let width = parts.iter().map(|d| d.width).fold(0.0, f64::max);
    let mut body = String::new();
    let mut y = 0.0;
    for (i, d) in parts.iter().enumerate() {
        if i > 0 {
            let _ = write!(
                body,
                r##"<line x1="{MARGIN}" y1="{y}" x2="{}" y2="{y}" stroke="#adb5bd"/>"##,
                width - MARGIN
            );
        }
        let _ = write!(body, r#"<g transform="translate(0 {y})">{}</g>"#, d.body);
        y += d.height;
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" viewBox="0 0 {width} {y}"><style>{STYLE}</style><defs>{DEFS}</defs><rect width="100%" height="100%" fill="#fff"/>{body}</svg>
"##
    )
}
