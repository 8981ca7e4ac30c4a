//! `hashgrow explain`: replays a small op script on one strategy and draws
//! the table after every op, as a self-contained HTML page to step through
//! and, optionally, a static SVG strip of chosen ops for documentation.
//!
//! - [`steps`] runs the script and finds, op by op, which entries moved;
//! - [`svg`] draws one step;
//! - [`html`] puts the steps in a page with buttons and keys.
//!
//! The strategy-specific part, turning each table's internals into a
//! [`hashgrow::explain::Snapshot`], lives in each strategy crate next to
//! its replay (`replay::snapshot`, `hashgrow_stw::explain::snapshot`).

mod html;
mod steps;
mod svg;

use std::path::{Path, PathBuf};

use steps::{plan, run, Replica, Step, MAX_OPS};

/// The most rows of one table drawn by default.
/// (32 rows of 8 slots fit a screen or two, and keep a page of a few
/// hundred steps of large tables to a few megabytes.)
const DEFAULT_MAX_ROWS: u16 = 32;

/// `hashgrow explain --help`: what it draws, what it reads, an example.
pub const LONG_ABOUT: &str =
    "Replay a small op script on one strategy and draw the table after every op, \
as one self-contained HTML page (inline SVG and script, nothing fetched) to step through.

Each step draws the buckets (Go), bins (Java), groups (Go 1.24+ Swiss, stw) or chains \
(Redis) as boxes holding their keys, with the tophash or control byte under each key where \
the strategy keeps one. The op's key is yellow; entries the op moved are blue, tagged with \
where they went (Go: X or Y half; Java: lo or hi; Swiss: the new table; Redis: t1). During a \
Go grow or a Redis rehash the old and new arrays are drawn side by side, evacuated or moved \
buckets faded. Java tree bins are drawn as their red-black tree. Above the tables: the \
counters (len, B or capacity, nevacuate or rehashidx, entries moved so far, grows, \
splits...) and what the op changed. A table of more than --max-rows rows shows the rows the \
op touched plus the first ones, and says how many are left out.

Step with the buttons, the arrow keys, Home and End, or by clicking an op in the list; \
page.html#step=K opens step K.

Input: one op per line: `put KEY HASH`, `del KEY HASH`, `get KEY HASH` (as the oracles' \
annotated scripts, docs/traces/*.annotated), an optional first line `hint N`, and for redis \
`shrink` and `rehash N`. The hash may be left out (`put KEY`): the key is then hashed with \
a fixed function, foldhash seed 0 for u64 keys, and for java the int key is its own hash \
code (Integer.hashCode). Lines with and without hashes may be mixed, but a key keeps one \
hash while it is in the map. At most 5000 ops.

Example:
  hashgrow explain --strategy go --script docs/traces/go-midgrow.annotated --out go.html \\
      --svg-strip 27,28,29 --svg go.svg";

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// Which strategy replays the script.
    #[arg(long, value_enum)]
    strategy: ExplainStrategy,
    /// The op script (`-` reads standard input).
    #[arg(long, value_name = "FILE")]
    script: PathBuf,
    /// The HTML page to write.
    #[arg(long, value_name = "FILE.html")]
    out: PathBuf,
    /// Also draw these ops (1-based op numbers, comma-separated) as one
    /// static SVG, stacked top to bottom; needs --svg.
    #[arg(long, value_name = "N,M,..", value_delimiter = ',', requires = "svg")]
    svg_strip: Vec<usize>,
    /// Where to write the --svg-strip drawing.
    #[arg(long, value_name = "FILE.svg", requires = "svg_strip")]
    svg: Option<PathBuf>,
    /// Most rows (buckets, bins, groups) of one table to draw.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ROWS, value_parser = clap::value_parser!(u16).range(1..=4096))]
    max_rows: u16,
}

/// The strategies explain can draw.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ExplainStrategy {
    /// Go 1.19 map: buckets of 8 with tophash, overflow chains,
    /// incremental evacuation to X/Y halves.
    Go,
    /// Go 1.24+ Swiss map: a directory of tables of groups of 8.
    GoSwiss,
    /// JDK 17 HashMap: bins of nodes, lo/hi split, tree bins.
    Java,
    /// hashgrow-stw: a SwissTable that rehashes everything at once.
    Stw,
    /// Redis 7.0 dict: two tables, incremental rehash.
    Redis,
}

impl ExplainStrategy {
    fn name(self) -> &'static str {
        match self {
            ExplainStrategy::Go => "go (Go 1.19 map)",
            ExplainStrategy::GoSwiss => "go-swiss (Go 1.24+ Swiss map)",
            ExplainStrategy::Java => "java (JDK 17 HashMap)",
            ExplainStrategy::Stw => "stw (stop-the-world SwissTable)",
            ExplainStrategy::Redis => "redis (Redis 7.0 dict)",
        }
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// Runs `hashgrow explain`.
pub fn explain(args: ExplainArgs) -> Result<(), String> {
    let text = crate::args::read_script(&args.script)?;
    match args.strategy {
        ExplainStrategy::Go => explain_with::<steps::Go>(&args, &text),
        ExplainStrategy::GoSwiss => explain_with::<steps::GoSwiss>(&args, &text),
        ExplainStrategy::Java => explain_with::<steps::Java>(&args, &text),
        ExplainStrategy::Stw => explain_with::<steps::Stw>(&args, &text),
        ExplainStrategy::Redis => explain_with::<steps::Redis>(&args, &text),
    }
}

/// What the op list says beside an op.
fn badge(step: &Step) -> String {
    let mut parts = Vec::new();
    if step.reshaped {
        parts.push("resize".to_string());
    }
    if !step.moves.is_empty() {
        parts.push(format!("{} moved", step.moves.len()));
    }
    parts.join(" ")
}

fn explain_with<R: Replica>(args: &ExplainArgs, text: &str) -> Result<(), String> {
    let script_name = args.script.display().to_string();
    // Everything that can be refused is refused before any op runs.
    let plan = plan::<R>(text).map_err(|e| format!("{script_name}: {e}"))?;
    let n = plan.ops.len();
    if let Some(&bad) = args.svg_strip.iter().find(|&&k| k == 0 || k > n) {
        return Err(format!(
            "--svg-strip {bad}: the script has {n} ops (ops are numbered from 1)"
        ));
    }
    crate::args::check_writable(&args.out)?;
    if let Some(svg) = &args.svg {
        crate::args::check_writable(svg)?;
    }
    debug_assert!(n <= MAX_OPS);

    let mut entries = Vec::with_capacity(n);
    let mut strip = Vec::new();
    let mut split_names = None;
    run::<R>(&plan, |step| {
        split_names = step.after.split_names;
        let drawing = svg::step(step, n, usize::from(args.max_rows));
        if args.svg_strip.contains(&step.number) {
            // Drawn again (cheap) rather than kept: the page needs its own.
            strip.push((step.number, svg::step(step, n, usize::from(args.max_rows))));
        }
        entries.push(html::Entry {
            op: step.op.clone(),
            badge: badge(step),
            drawing,
        });
    })
    .map_err(|e| format!("{script_name}: {e}"))?;

    let legend = svg::legend(split_names);
    let mut notes = vec![format!(
        "{} ops from {script_name}, replayed on {}; each step shows the map after its op.",
        n,
        args.strategy.name()
    )];
    if plan.plain > 0 {
        notes.push(format!(
            "{} of them had no hash: {}.",
            plan.plain,
            R::PLAIN_HASH
        ));
    } else {
        notes.push(format!("Every line carried its hash. ({}.)", R::PLAIN_HASH));
    }
    let title = format!("hashgrow explain: {} — {script_name}", args.strategy.name());
    write(&args.out, &html::page(&title, &notes, &legend, &entries))?;
    if let Some(path) = &args.svg {
        // In the order asked for, so a strip can also tell a story backwards.
        let mut parts: Vec<&svg::Drawing> = vec![&legend];
        for k in &args.svg_strip {
            if let Some((_, d)) = strip.iter().find(|(num, _)| num == k) {
                parts.push(d);
            }
        }
        write(path, &svg::document(&parts))?;
    }
    Ok(())
}
