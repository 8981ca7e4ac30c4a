//! The self-contained page: every step's drawing in a `<template>` (parsed
//! but not laid out, so a page of a few hundred steps stays quick), one of
//! them copied into view at a time by a few lines of inline script.

use std::fmt::Write;

use super::svg::{esc, Drawing, DEFS, STYLE};

/// One op in the page's list.
pub struct Entry {
    /// `put 27`.
    pub op: String,
    /// A short note shown beside it: `5 moved`, `resize`.
    pub badge: String,
    /// Its drawing.
    pub drawing: Drawing,
}

const PAGE_CSS: &str = "\
body{margin:0;font:14px system-ui,sans-serif;color:#212529;background:#f8f9fa}
header{padding:10px 16px;background:#fff;border-bottom:1px solid #dee2e6}
h1{font-size:18px;margin:0 0 4px}
header p{margin:2px 0;color:#495057}
#bar{position:sticky;top:0;z-index:1;display:flex;gap:6px;align-items:center;padding:6px 16px;background:#e9ecef;border-bottom:1px solid #ced4da}
#bar button{font:inherit;padding:3px 10px}
#pos{font-weight:bold;margin:0 8px}
#main{display:flex;align-items:flex-start}
#ops{position:sticky;top:42px;flex:0 0 270px;max-height:calc(100vh - 50px);overflow-y:auto;margin:0;padding:4px 0;background:#fff;border-right:1px solid #dee2e6;font:12px ui-monospace,'DejaVu Sans Mono',monospace}
#ops a{display:flex;white-space:nowrap;justify-content:space-between;gap:6px;padding:1px 8px;color:#212529;text-decoration:none}
#ops a:hover{background:#e7f5ff}
#ops a.cur{background:#1971c2;color:#fff}
#ops .badge{color:#1864ab}
#ops a.cur .badge{color:#fff}
#stage{padding:8px 12px;overflow-x:auto}
#stage svg{background:#fff;border:1px solid #dee2e6}
";

const SCRIPT: &str = r#"
const n = document.querySelectorAll('template.step').length;
let cur = 0;
function show(k) {
  if (n === 0) return;
  k = Math.max(1, Math.min(n, k | 0));
  cur = k;
  const stage = document.getElementById('stage');
  stage.replaceChildren(document.getElementById('s' + k).content.cloneNode(true));
  const was = document.querySelector('#ops a.cur');
  if (was) was.classList.remove('cur');
  const a = document.getElementById('o' + k);
  a.classList.add('cur');
  // Scroll the list only (scrollIntoView would scroll the page too).
  const nav = document.getElementById('ops');
  if (a.offsetTop < nav.scrollTop || a.offsetTop + a.offsetHeight > nav.scrollTop + nav.clientHeight)
    nav.scrollTop = a.offsetTop - nav.clientHeight / 2;
  document.getElementById('pos').textContent = 'op ' + k + ' of ' + n;
  history.replaceState(null, '', '#step=' + k);
}
function fromHash() {
  const m = /step=(\d+)/.exec(location.hash);
  return m ? +m[1] : 1;
}
document.getElementById('first').onclick = () => show(1);
document.getElementById('prev').onclick = () => show(cur - 1);
document.getElementById('next').onclick = () => show(cur + 1);
document.getElementById('last').onclick = () => show(n);
document.getElementById('ops').addEventListener('click', e => {
  const a = e.target.closest('a');
  if (a) { e.preventDefault(); show(+a.dataset.k); }
});
document.addEventListener('keydown', e => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const to = {ArrowLeft: cur - 1, ArrowRight: cur + 1, Home: 1, End: n}[e.key];
  if (to !== undefined) { e.preventDefault(); show(to); }
});
window.addEventListener('hashchange', () => { if (fromHash() !== cur) show(fromHash()); });
show(fromHash());
"#;

/// The whole page.
pub fn page(title: &str, notes: &[String], legend: &Drawing, entries: &[Entry]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{}</title>
<style>{PAGE_CSS}{STYLE}</style></head><body>
<svg width="0" height="0" style="position:absolute"><defs>{DEFS}</defs></svg>
<header><h1>{}</h1>
"#,
        esc(title),
        esc(title)
    );
    for n in notes {
        let _ = writeln!(out, "<p>{}</p>", esc(n));
    }
    let _ = writeln!(
        out,
        r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}">{}</svg></header>"#,
        legend.body,
        w = legend.width,
        h = legend.height
    );
    out.push_str(
        r#"<div id="bar"><button id="first" title="Home">|◀ first</button><button id="prev" title="←">◀ prev</button><button id="next" title="→">next ▶</button><button id="last" title="End">last ▶|</button><span id="pos"></span><span>keys: ← → Home End; click an op in the list</span></div>
<div id="main"><nav id="ops">
"#,
    );
    if entries.is_empty() {
        out.push_str("<p>(the script has no ops)</p>\n");
    }
    for (i, e) in entries.iter().enumerate() {
        let k = i + 1;
        let _ = writeln!(
            out,
            r##"<a id="o{k}" href="#step={k}" data-k="{k}"><span>{k:>4} {}</span><span class="badge">{}</span></a>"##,
            esc(&e.op),
            esc(&e.badge)
        );
    }
    out.push_str("</nav><div id=\"stage\"></div></div>\n");
    for (i, e) in entries.iter().enumerate() {
        let d = &e.drawing;
        let _ = writeln!(
            out,
            r#"<template class="step" id="s{}"><svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">{}</svg></template>"#,
            i + 1,
            d.body,
            w = d.width,
            h = d.height
        );
    }
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}
