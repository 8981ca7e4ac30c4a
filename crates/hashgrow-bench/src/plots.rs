//! SVG plots for `hashgrow compare --plots DIR`, and an `index.html` that
//! shows them with the result table, openable offline.
//!
//! Series with one point per op are reduced to a fixed number of columns
//! before drawing (the maximum of each column for latencies, so no spike is
//! lost), which keeps the SVG files small whatever N is.
//!
//! Every strategy is drawn with one [`Look`] (colour and dash), the same in
//! every plot: see [`look`]. Axes run from 0 to a round number with a tick
//! on it ([`round_axis`]), and every axis has one number style ([`si`],
//! [`si_ns`], [`plain`]).

use std::path::Path;

use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor;

use crate::measure::{RunOutput, RunResult, Trace};
use crate::strategy::Strategy;

/// Columns a per-op series is reduced to.
const COLUMNS: usize = 800;
const PANEL_HEIGHT: u32 = 200;
const WIDTH: u32 = 1000;
/// Height of a figure's title and subtitle.
const HEAD_HEIGHT: u32 = 56;
const FONT: &str = "sans-serif";
/// Pixels left of the y axis (tick labels and the axis label).
const Y_LABEL_AREA: u32 = 75;
/// Pixels right of a panel, so the last x tick label fits.
const RIGHT_MARGIN: u32 = 30;
/// Pixels below the x axis: tick labels, then the axis label under them.
const X_LABEL_AREA: u32 = 42;
/// Latency axes start here (ns): below the timer's resolution.
const LATENCY_FLOOR: f64 = 10.0;

type PlotResult = Result<(), Box<dyn std::error::Error>>;
/// Draws one SVG file from the runs.
type DrawFn = fn(&Path, &[&RunOutput]) -> PlotResult;
/// A drawing area of an SVG figure.
type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

// ---------------------------------------------------------------------------
// Style: one colour and dash per strategy, shared by every plot.

/// How a strategy's line is stroked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// How one strategy is drawn, in every plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    pub color: RGBColor,
    pub dash: Dash,
}

/// The Okabe–Ito colour-blind-safe palette (its yellow, unreadable on
/// white, replaced by a dark wine), one colour per strategy; the three
/// strategies whose lines often coincide (stw, hashbrown, std) also differ
/// in dash, as do the pairs go/griddle and java/redis.
const LOOKS: [(Strategy, RGBColor, Dash); 8] = [
    (Strategy::Go, RGBColor(0, 114, 178), Dash::Solid),
    (Strategy::GoSwiss, RGBColor(86, 180, 233), Dash::Solid),
    (Strategy::Java, RGBColor(230, 159, 0), Dash::Solid),
    (Strategy::Stw, RGBColor(0, 0, 0), Dash::Solid),
    (Strategy::Redis, RGBColor(213, 94, 0), Dash::Dashed),
    (Strategy::Hashbrown, RGBColor(0, 158, 115), Dash::Dashed),
    (Strategy::Std, RGBColor(204, 121, 167), Dash::Dotted),
    (Strategy::Griddle, RGBColor(136, 34, 85), Dash::Dashed),
];

/// The look of the strategy named `name` (grey for a name not known).
pub fn look(name: &str) -> Look {
    LOOKS.iter().find(|(s, _, _)| s.name() == name).map_or(
        Look {
            color: RGBColor(120, 120, 120),
            dash: Dash::Solid,
        },
        |&(_, color, dash)| Look { color, dash },
    )
}

/// Shading of a grow, by kind: (colour, opacity of a span, opacity of a
/// grow done within one op, drawn as a thin line).
fn grow_shade(same_size: bool) -> (RGBColor, f64, f64) {
    if same_size {
        (RGBColor(230, 159, 0), 0.25, 0.6)
    } else {
        (RGBColor(0, 0, 0), 0.12, 0.3)
    }
}

/// What the grow shading means, for figure subtitles.
const GROW_KEY: &str =
    "grey band: a grow in progress (a thin dark line: a grow done within one op); orange: a same-size grow";

/// Sequential colour of a heatmap cell, `t` in 0..=1 (ColorBrewer Blues:
/// light = few ops, dark = many).
fn heat(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 4] = [
        (222.0, 235.0, 247.0),
        (107.0, 174.0, 214.0),
        (33.0, 113.0, 181.0),
        (8.0, 48.0, 107.0),
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

// ---------------------------------------------------------------------------
// Axes and number formats.

/// A round top for a linear axis from 0 that shows `max`, and the number
/// of ticks that puts the last tick exactly on that top (steps of 1, 2 or
/// 5 times a power of ten, at most 10 of them).
fn round_axis(max: f64) -> (f64, usize) {
    if max.is_nan() || max <= 0.0 {
        return (1.0, 2);
    }
    let mut magnitude = 10f64.powf(max.log10().floor() - 1.0);
    loop {
        for m in [1.0, 2.0, 5.0] {
            let step = m * magnitude;
            let steps = (max / step * (1.0 - 1e-12)).ceil().max(1.0);
            if steps <= 10.0 {
                return (steps * step, steps as usize + 1);
            }
        }
        magnitude *= 10.0;
    }
}

/// The top of a log latency axis: the power of ten above the slowest op.
fn log_top(max_ns: f64) -> f64 {
    10f64.powf(max_ns.max(LATENCY_FLOOR * 10.0).log10().floor() + 1.0)
}

/// `x` with at most two decimals, trailing zeros dropped.
fn plain(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A count with an SI suffix: 0, 500, 20k, 1.5M, 2G.
fn si(v: f64) -> String {
    let (unit, suffix) = match v.abs() {
        a if a >= 1e9 => (1e9, "G"),
        a if a >= 1e6 => (1e6, "M"),
        a if a >= 1e3 => (1e3, "k"),
        _ => (1.0, ""),
    };
    format!("{}{suffix}", plain(v / unit))
}

/// A duration in ns, in the largest unit it reaches: 10 ns, 1 µs, 2.5 ms.
fn si_ns(ns: f64) -> String {
    let (unit, suffix) = match ns.abs() {
        a if a >= 1e9 => (1e9, "s"),
        a if a >= 1e6 => (1e6, "ms"),
        a if a >= 1e3 => (1e3, "µs"),
        _ => (1.0, "ns"),
    };
    format!("{} {suffix}", plain(ns / unit))
}

fn fmt_count(v: &f64) -> String {
    si(*v)
}

fn fmt_ns(v: &f64) -> String {
    si_ns(*v)
}

fn fmt_plain(v: &f64) -> String {
    plain(*v)
}

// ---------------------------------------------------------------------------
// Series.

/// (first op of the column, max of the column) for `COLUMNS` columns.
fn column_max<T: Copy>(series: &[T], value: impl Fn(T) -> f64) -> Vec<(f64, f64)> {
    let width = series.len().div_ceil(COLUMNS).max(1);
    series
        .chunks(width)
        .enumerate()
        .map(|(c, chunk)| {
            let max = chunk.iter().map(|&v| value(v)).fold(0.0, f64::max);
            ((c * width) as f64, max)
        })
        .collect()
}

/// The traced runs, with their traces.
fn traced<'a>(outs: &[&'a RunOutput]) -> Vec<(&'a RunOutput, &'a Trace)> {
    outs.iter()
        .filter_map(|o| Some((*o, o.trace.as_ref()?)))
        .collect()
}

/// The longest run's op count.
fn max_ops(outs: &[&RunOutput]) -> f64 {
    outs.iter().map(|o| o.result.ops).max().unwrap_or(1).max(1) as f64
}

/// The slowest op of any traced run (ns).
fn max_latency(outs: &[&RunOutput]) -> f64 {
    traced(outs)
        .iter()
        .flat_map(|(_, t)| t.latency_ns.iter().copied())
        .max()
        .unwrap_or(1000) as f64
}

/// A group of strategies whose lines coincide, and whether they lie at 0.
type Coinciding = (Vec<String>, bool);

/// Groups of strategies (two or more) whose series are indistinguishable
/// on a plot `top` high: every point within 1% of `top` of the others.
fn coinciding(series: &[(String, Vec<(f64, f64)>)], top: f64) -> Vec<Coinciding> {
    let close = |a: f64, b: f64| (a - b).abs() <= top / 100.0;
    let same = |a: &[(f64, f64)], b: &[(f64, f64)]| {
        a.len() == b.len() && a.iter().zip(b).all(|(p, q)| close(p.1, q.1))
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..series.len() {
        match groups
            .iter_mut()
            .find(|g| same(&series[g[0]].1, &series[i].1))
        {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
        .into_iter()
        .filter(|g| g.len() > 1)
        .map(|g| {
            let zero = series[g[0]].1.iter().all(|p| close(p.1, 0.0));
            let names = g.into_iter().map(|i| series[i].0.clone()).collect();
            (names, zero)
        })
        .collect()
}

/// "lines that coincide: java = redis (at 0); stw = hashbrown = std", or
/// empty.
fn coinciding_note(groups: &[Coinciding]) -> String {
    match groups {
        [] => return String::new(),
        [(names, true)] if names.len() == LOOKS.len() => {
            return "every line lies at 0: no entries moved".to_string()
        }
        _ => {}
    }
    let groups: Vec<String> = groups
        .iter()
        .map(|(names, zero)| {
            let at = if *zero { " (at 0)" } else { "" };
            format!("{}{at}", names.join(" = "))
        })
        .collect();
    format!("lines that coincide: {}", groups.join("; "))
}

// ---------------------------------------------------------------------------
// Figure layout.

/// A figure `height` high with a title and a subtitle above the body.
/// Returns the root (to `present`) and the body.
fn figure<'a>(
    path: &'a Path,
    height: u32,
    title: &str,
    subtitle: &str,
) -> Result<(Area<'a>, Area<'a>), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(HEAD_HEIGHT);
    let center = |y| (WIDTH as i32 / 2, y);
    let style = |size| {
        TextStyle::from((FONT, size).into_font()).pos(text_anchor::Pos::new(
            text_anchor::HPos::Center,
            text_anchor::VPos::Top,
        ))
    };
    head.draw(&Text::new(title.to_string(), center(6), style(19)))?;
    head.draw(&Text::new(subtitle.to_string(), center(32), style(13)))?;
    Ok((root, body))
}

/// A figure of one panel per run, all the same size, top to bottom.
fn panel_figure<'a>(
    path: &'a Path,
    panels: usize,
    title: &str,
    subtitle: &str,
) -> Result<(Area<'a>, Vec<Area<'a>>), Box<dyn std::error::Error>> {
    let height = PANEL_HEIGHT * panels.max(1) as u32 + HEAD_HEIGHT;
    let (root, body) = figure(path, height, title, subtitle)?;
    let areas = body.split_evenly((panels.max(1), 1));
    Ok((root, areas))
}

/// A chart builder with the shared margins and label areas; `caption`
/// (a strategy) is written in its colour.
fn builder<'a, 'b>(area: &'a Area<'b>, caption: &str) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let mut builder = ChartBuilder::on(area);
    let mut caption_style = TextStyle::from((FONT, 15).into_font().style(FontStyle::Bold));
    caption_style.color = look(caption).color.to_backend_color();
    if !caption.is_empty() {
        builder.caption(caption, caption_style);
    }
    builder
        .margin(6)
        .margin_right(RIGHT_MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA);
    builder
}

/// The style every mesh shares: an "op index" x axis with `x_ticks` ticks
/// in SI counts, `y_desc` on the y axis, fonts and light grid.
fn mesh<Y: Ranged<ValueType = f64>, DB: DrawingBackend>(
    m: &mut MeshStyle<'_, '_, RangedCoordf64, Y, DB>,
    x_ticks: usize,
    y_desc: &str,
) {
    m.x_labels(x_ticks)
        .x_desc("op index")
        .y_desc(y_desc)
        .x_label_formatter(&fmt_count)
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 13))
        .light_line_style(WHITE);
}

/// Grows of `trace` on an x axis `x_top` wide, as (from, to, same size,
/// done within one op): a span from the op a grow started in to the op it
/// ended in, at least `thin` wide; grows closer than `thin` to the previous
/// one of the same kind are merged into it (Go-swiss splits one small table
/// at a time, hundreds of them in a row), and count as a span.
fn grow_spans(trace: &Trace, thin: f64) -> Vec<(f64, f64, bool, bool)> {
    let mut spans: Vec<(f64, f64, bool, bool)> = Vec::new();
    for &(start, end, same) in &trace.grows {
        let (x0, x1) = (start as f64, (end + 1) as f64);
        let instant = x1 - x0 < thin;
        let x1 = x1.max(x0 + thin);
        match spans.last_mut() {
            Some(last) if last.2 == same && x0 <= last.1 + thin => {
                last.1 = last.1.max(x1);
                last.3 = false;
            }
            _ => spans.push((x0, x1, same, instant)),
        }
    }
    spans
}

/// Grows of `trace` as rectangles from `y.0` to `y.1` on an x axis `x_top`
/// wide: a shaded span while a grow is in progress, a thin darker line
/// (about 1.5 px) for a grow done within one op. `strength` scales the
/// opacity (1: behind a series).
fn grow_bands<Y: Copy + 'static>(
    trace: &Trace,
    x_top: f64,
    y: (Y, Y),
    strength: f64,
) -> impl Iterator<Item = Rectangle<(f64, Y)>> {
    let thin = x_top / f64::from(WIDTH - Y_LABEL_AREA - RIGHT_MARGIN) * 1.5;
    grow_spans(trace, thin)
        .into_iter()
        .map(move |(x0, x1, same, instant)| {
            let (color, span, line) = grow_shade(same);
            let alpha = if instant { line } else { span };
            Rectangle::new(
                [(x0, y.0), (x1, y.1)],
                color.mix((alpha * strength).min(1.0)).filled(),
            )
        })
}

// ---------------------------------------------------------------------------
// The plots.

fn latency_panels(path: &Path, outs: &[&RunOutput]) -> PlotResult {
    let runs = traced(outs);
    let (root, areas) = panel_figure(
        path,
        runs.len(),
        &format!(
            "{}: latency of every op (slowest op per column)",
            title(outs)
        ),
        GROW_KEY,
    )?;
    let (x_top, x_ticks) = round_axis(max_ops(outs));
    let y_top = log_top(max_latency(outs));
    for (area, (out, trace)) in areas.iter().zip(runs) {
        let mut chart = builder(area, &out.result.strategy)
            .build_cartesian_2d(0f64..x_top, (LATENCY_FLOOR..y_top).log_scale())?;
        {
            let mut m = chart.configure_mesh();
            mesh(&mut m, x_ticks, "latency (log)");
            m.y_label_formatter(&fmt_ns).draw()?;
        }
        chart.draw_series(grow_bands(trace, x_top, (LATENCY_FLOOR, y_top), 1.0))?;
        let color = look(&out.result.strategy).color;
        chart.draw_series(
            column_max(&trace.latency_ns, f64::from)
                .into_iter()
                .map(|(x, y)| Circle::new((x, y.max(LATENCY_FLOOR)), 1, color.filled())),
        )?;
    }
    root.present()?;
    Ok(())
}

/// Draws `points` in the look of `name` and adds it to the legend.
fn draw_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    name: &str,
    points: Vec<(f64, f64)>,
) -> PlotResult
where
    DB::ErrorType: 'static,
{
    let Look { color, dash } = look(name);
    let style = color.stroke_width(if dash == Dash::Solid { 3 } else { 2 });
    let (size, gap) = match dash {
        Dash::Solid => (0, 0),
        Dash::Dashed => (9, 5),
        Dash::Dotted => (3, 4),
    };
    let anno = if dash == Dash::Solid {
        chart.draw_series(LineSeries::new(points, style))?
    } else {
        chart.draw_series(DashedLineSeries::new(points, size, gap, style))?
    };
    anno.label(name).legend(move |(x, y)| {
        if dash == Dash::Solid {
            PathElement::new([(x, y), (x + 24, y)], style).into_dyn()
        } else {
            DashedPathElement::new([(x, y), (x + 24, y)], size, gap, style).into_dyn()
        }
    });
    Ok(())
}

/// Entries moved so far, per traced run with a series, in draw order:
/// solid lines first, so dashed and dotted ones stay visible on top.
fn moved_series(outs: &[&RunOutput]) -> Vec<(String, Vec<(f64, f64)>)> {
    let mut series: Vec<_> = traced(outs)
        .into_iter()
        .filter(|(_, t)| !t.moved_cum.is_empty())
        .map(|(o, t)| {
            let points = column_max(&t.moved_cum, |v| v as f64);
            (o.result.strategy.clone(), points)
        })
        .collect();
    series.sort_by_key(|(name, _)| look(name).dash != Dash::Solid);
    series
}

/// The `moved.svg` subtitle: what coincides, on an axis `top` high.
fn moved_note(series: &[(String, Vec<(f64, f64)>)], top: f64) -> String {
    let note = coinciding_note(&coinciding(series, top));
    if note.is_empty() {
        "a vertical step: a stop-the-world rehash; a ramp: incremental moves".to_string()
    } else {
        note
    }
}

fn moved_chart(path: &Path, outs: &[&RunOutput]) -> PlotResult {
    let series = moved_series(outs);
    let most = series
        .iter()
        .flat_map(|(_, s)| s.iter().map(|p| p.1))
        .fold(10.0, f64::max);
    let (y_top, y_ticks) = round_axis(most);
    let (root, body) = figure(
        path,
        480,
        &format!("{}: entries moved by growth, cumulative", title(outs)),
        &moved_note(&series, y_top),
    )?;
    let (x_top, x_ticks) = round_axis(max_ops(outs));
    let mut chart = builder(&body, "")
        .build_cartesian_2d(0f64..x_top, 0f64..y_top)
        .map_err(Box::new)?;
    {
        let mut m = chart.configure_mesh();
        mesh(&mut m, x_ticks, "entries moved");
        m.y_labels(y_ticks).y_label_formatter(&fmt_count).draw()?;
    }
    for (name, points) in series {
        draw_line(&mut chart, &name, points)?;
    }
    chart
        .configure_series_labels()
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Rows of the latency heatmap (log-spaced).
const HEAT_ROWS: usize = 40;
/// Columns of the latency heatmap.
const HEAT_COLUMNS: usize = 100;

/// Ops per (column, row) cell of one run's latencies on a log axis from
/// `LATENCY_FLOOR` to `top`.
fn heat_counts(latency_ns: &[u32], top: f64) -> Vec<[u32; HEAT_ROWS]> {
    let ops = latency_ns.len().max(1);
    let span = (top / LATENCY_FLOOR).ln();
    let mut counts = vec![[0u32; HEAT_ROWS]; HEAT_COLUMNS];
    for (i, &ns) in latency_ns.iter().enumerate() {
        let y = (f64::from(ns).max(LATENCY_FLOOR) / LATENCY_FLOOR).ln() / span;
        let row = ((y * HEAT_ROWS as f64) as usize).min(HEAT_ROWS - 1);
        counts[i * HEAT_COLUMNS / ops][row] += 1;
    }
    counts
}

/// The colour bar right of a heatmap panel: `max` ops per cell, log scale.
fn color_bar(area: &Area<'_>, max: f64) -> PlotResult {
    let mut bar = ChartBuilder::on(area);
    bar.margin(6)
        .margin_top(6 + 22)
        .x_label_area_size(X_LABEL_AREA)
        .right_y_label_area_size(52);
    let mut chart = bar.build_cartesian_2d(0f64..1f64, (1f64..max.max(2.0)).log_scale())?;
    chart
        .configure_mesh()
        .disable_x_axis()
        .disable_mesh()
        .y_desc("ops per cell")
        .y_label_formatter(&fmt_count)
        .label_style((FONT, 11))
        .axis_desc_style((FONT, 12))
        .draw()?;
    const STEPS: usize = 60;
    let at = |i: usize| max.max(2.0).powf(i as f64 / STEPS as f64);
    chart.draw_series((0..STEPS).map(|i| {
        let t = (i as f64 + 0.5) / STEPS as f64;
        Rectangle::new([(0.0, at(i)), (1.0, at(i + 1))], heat(t).filled())
    }))?;
    Ok(())
}

fn heatmap(path: &Path, outs: &[&RunOutput]) -> PlotResult {
    let runs = traced(outs);
    let (root, areas) = panel_figure(
        path,
        runs.len(),
        &format!("{}: how many ops took how long, along the run", title(outs)),
        "darker = more ops in the cell (log scale, bar on the right, the same for every panel); grows marked along the top edge",
    )?;
    let (x_top, x_ticks) = round_axis(max_ops(outs));
    let y_top = log_top(max_latency(outs));
    let all: Vec<_> = runs
        .iter()
        .map(|(_, t)| heat_counts(&t.latency_ns, y_top))
        .collect();
    let max = all
        .iter()
        .flatten()
        .flatten()
        .copied()
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let span = (y_top / LATENCY_FLOOR).ln();
    let row_y = |j: usize| LATENCY_FLOOR * (span * j as f64 / HEAT_ROWS as f64).exp();
    for ((area, (out, trace)), counts) in areas.iter().zip(&runs).zip(all) {
        let (plot, bar) = area.split_horizontally(WIDTH - 80);
        let mut chart = builder(&plot, &out.result.strategy)
            .build_cartesian_2d(0f64..x_top, (LATENCY_FLOOR..y_top).log_scale())?;
        {
            let mut m = chart.configure_mesh();
            mesh(&mut m, x_ticks, "latency (log)");
            m.y_label_formatter(&fmt_ns).disable_mesh().draw()?;
        }
        let ops = trace.latency_ns.len().max(1) as f64;
        let col_x = |i: usize| i as f64 * ops / HEAT_COLUMNS as f64;
        chart.draw_series(counts.iter().enumerate().flat_map(|(xi, col)| {
            col.iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(move |(yi, &c)| {
                    let t = f64::from(c).ln() / max.ln().max(f64::MIN_POSITIVE);
                    Rectangle::new(
                        [(col_x(xi), row_y(yi)), (col_x(xi + 1), row_y(yi + 1))],
                        heat(t).filled(),
                    )
                })
        }))?;
        chart.draw_series(grow_bands(trace, x_top, (y_top / 3.0, y_top), 2.5))?;
        color_bar(&bar, max)?;
    }
    root.present()?;
    Ok(())
}

const MIB: f64 = 1024.0 * 1024.0;

fn heap_panels(path: &Path, outs: &[&RunOutput]) -> PlotResult {
    let runs: Vec<_> = traced(outs)
        .into_iter()
        .filter(|(_, t)| !t.heap.is_empty())
        .collect();
    let (root, areas) = panel_figure(
        path,
        runs.len(),
        &format!("{}: heap high-water mark within each op", title(outs)),
        GROW_KEY,
    )?;
    let (x_top, x_ticks) = round_axis(max_ops(outs));
    let most = runs
        .iter()
        .flat_map(|(_, t)| t.heap.iter().copied())
        .max()
        .unwrap_or(1) as f64;
    let (y_top, y_ticks) = round_axis(most / MIB);
    for (area, (out, trace)) in areas.iter().zip(&runs) {
        let mut chart =
            builder(area, &out.result.strategy).build_cartesian_2d(0f64..x_top, 0f64..y_top)?;
        {
            let mut m = chart.configure_mesh();
            mesh(&mut m, x_ticks, "heap (MiB)");
            m.y_labels(y_ticks).y_label_formatter(&fmt_plain).draw()?;
        }
        chart.draw_series(grow_bands(trace, x_top, (0.0, y_top), 1.0))?;
        let color = look(&out.result.strategy).color;
        chart.draw_series(LineSeries::new(
            column_max(&trace.heap, |v| v as f64)
                .into_iter()
                .map(|(x, y)| (x, y / MIB)),
            color.stroke_width(2),
        ))?;
    }
    root.present()?;
    Ok(())
}

// ---------------------------------------------------------------------------
// index.html

/// "insert, 200k ops": what every figure's title starts with.
fn title(outs: &[&RunOutput]) -> String {
    match outs.first() {
        Some(o) => format!("{}, {} ops", o.result.workload, si(o.result.ops as f64)),
        None => "no runs".to_string(),
    }
}

/// What the run's `n` is, in words: keys at the end, or kept steady.
fn keys_phrase(r: &RunResult) -> String {
    match r.workload.as_str() {
        "churn" => format!("a map kept at {} keys", r.n),
        "lookup" => format!("a map of {} keys", r.n),
        _ => format!("{} keys in the map at the end", r.n),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// (year, month, day) of a day counted from 1970-01-01 (proleptic
/// Gregorian; Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Now, as "2026-11-29 22:13 UTC".
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let minutes = secs % 86_400 / 60;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// The command line this process was started with ("hashgrow compare ...").
fn command_line() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(first) = args.first_mut() {
        if let Some(name) = Path::new(first).file_name() {
            *first = name.to_string_lossy().into_owned();
        }
    }
    args.join(" ")
}

/// The line at the top of index.html: what was run, on what, when, how.
fn workload_line(outs: &[&RunOutput], date: &str, command: &str) -> String {
    let Some(r) = outs.first().map(|o| &o.result) else {
        return format!("no runs · {date} · {command}");
    };
    let cron = if r.cron_every > 0 {
        format!(" · cron every {} ops", r.cron_every)
    } else {
        String::new()
    };
    format!(
        "workload {} · {} ops on {} · keys {} · hasher {}{cron} · {} strategies · {date} · {command}",
        r.workload,
        r.ops,
        keys_phrase(r),
        r.keys,
        r.hasher,
        outs.len()
    )
}

/// What to look at in each plot: (file, how to draw it, caption).
fn plot_list(outs: &[&RunOutput]) -> Vec<(&'static str, DrawFn, String)> {
    let has = |f: fn(&Trace) -> bool| traced(outs).iter().any(|(_, t)| f(t));
    let mut plots: Vec<(&'static str, DrawFn, String)> = vec![(
        "latency.svg",
        latency_panels,
        "Latency of every op, one panel per strategy: look for the tall spikes inside the grey grow bands (a stop-the-world grow is one spike; an incremental one raises a whole band).".to_string(),
    )];
    if has(|t| !t.moved_cum.is_empty()) {
        let series = moved_series(outs);
        let most = series
            .iter()
            .flat_map(|(_, s)| s.iter().map(|p| p.1))
            .fold(10.0, f64::max);
        let note = coinciding_note(&coinciding(&series, round_axis(most).0));
        let note = if note.is_empty() {
            String::new()
        } else {
            format!(" ({note})")
        };
        plots.push((
            "moved.svg",
            moved_chart,
            format!("Entries copied by growth so far: a vertical step is a stop-the-world rehash, a ramp is an incremental one{note}."),
        ));
    }
    plots.push((
        "heatmap.svg",
        heatmap,
        "How many ops took how long along the run: look at how far the upper tail reaches, and whether it rises only where grows are marked on the top edge.".to_string(),
    ));
    if has(|t| !t.heap.is_empty()) {
        plots.push((
            "heap.svg",
            heap_panels,
            "Heap high-water mark within each op: the peaks inside grow bands are old and new tables alive together; compare their height with the level after the grow.".to_string(),
        ));
    }
    plots
}

/// The page: the workload line, the table, then each plot and its caption.
fn index_html(outs: &[&RunOutput], table: &str, figures: &[(&str, String)], line: &str) -> String {
    let name = outs.first().map_or("", |o| o.result.workload.as_str());
    let mut body = String::new();
    for (file, caption) in figures {
        let caption = html_escape(caption);
        body.push_str(&format!(
            "<figure><figcaption>{caption}</figcaption><img src=\"{file}\" alt=\"{caption}\"></figure>\n"
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>hashgrow compare: {name}</title>\n\
         <style>body{{font-family:sans-serif;margin:1em 2em;width:max-content;min-width:{WIDTH}px}}\
         p.run{{font-family:monospace;font-size:13px}}pre{{font-size:12px;white-space:pre}}\
         figure{{margin:2em 0}}img{{width:{WIDTH}px;display:block}}figcaption{{max-width:{WIDTH}px;margin-bottom:.4em;font-weight:bold}}</style>\n\
         </head><body>\n<h1>hashgrow compare: {name}</h1>\n<p class=\"run\">{}</p>\n<pre>{}</pre>\n{body}</body></html>\n",
        html_escape(line),
        html_escape(table)
    )
}

/// Writes `latency.svg`, `heatmap.svg`, `moved.svg` and `heap.svg` (these
/// two when the workload records them: not `lookup`) and `index.html` into
/// `dir` for the runs of one workload (the last one run).
pub fn write_all(dir: &Path, outputs: &[RunOutput], table: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let last = outputs
        .last()
        .map(|o| o.result.workload.clone())
        .unwrap_or_default();
    let outs: Vec<&RunOutput> = outputs
        .iter()
        .filter(|o| o.result.workload == last)
        .collect();
    let mut figures = Vec::new();
    for (name, draw, caption) in plot_list(&outs) {
        let path = dir.join(name);
        draw(&path, &outs).map_err(|e| format!("cannot draw {}: {e}", path.display()))?;
        figures.push((name, caption));
    }
    let line = workload_line(&outs, &utc_now(), &command_line());
    let html = index_html(&outs, table, &figures, &line);
    let index = dir.join("index.html");
    std::fs::write(&index, html).map_err(|e| format!("cannot write {}: {e}", index.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::coord::ranged1d::Ranged;

    #[test]
    fn every_strategy_has_its_own_colour() {
        let all = Strategy::all();
        assert_eq!(all.len(), LOOKS.len());
        let colors: Vec<RGBColor> = all.iter().map(|s| look(s.name()).color).collect();
        for (i, a) in colors.iter().enumerate() {
            assert_ne!(*a, RGBColor(120, 120, 120), "{} has no colour", all[i]);
            for (j, b) in colors.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "{} and {} share a colour", all[i], all[j]);
            }
        }
    }

    #[test]
    fn the_strategies_that_coincide_differ_in_dash() {
        let dashes: Vec<Dash> = [Strategy::Stw, Strategy::Hashbrown, Strategy::Std]
            .iter()
            .map(|s| look(s.name()).dash)
            .collect();
        assert_ne!(dashes[0], dashes[1]);
        assert_ne!(dashes[1], dashes[2]);
        assert_ne!(dashes[0], dashes[2]);
    }

    #[test]
    fn an_unknown_strategy_is_grey() {
        assert_eq!(look("nope").color, RGBColor(120, 120, 120));
    }

    #[test]
    fn the_axis_ends_on_its_last_tick() {
        for max in [
            1.0, 7.3, 999.0, 1000.0, 50_000.0, 140_001.0, 200_000.0, 1e6, 3.3e7,
        ] {
            let (top, ticks) = round_axis(max);
            assert!(top >= max, "{max}: top {top}");
            assert!(top <= max * 2.5, "{max}: top {top} too far");
            assert!((3..=11).contains(&ticks), "{max}: {ticks} ticks");
            // The ticks plotters draws with that hint: the last is the top.
            let range: RangedCoordf64 = (0f64..top).into();
            let keys = range.key_points(ticks);
            assert_eq!(keys.len(), ticks, "{max}: {keys:?}");
            let last = *keys.last().expect("ticks");
            assert!((last - top).abs() < top * 1e-9, "{max}: {keys:?}");
        }
    }

    #[test]
    fn numbers_have_one_style_per_axis() {
        assert_eq!(si(0.0), "0");
        assert_eq!(si(500.0), "500");
        assert_eq!(si(20_000.0), "20k");
        assert_eq!(si(200_000.0), "200k");
        assert_eq!(si(1_500_000.0), "1.5M");
        assert_eq!(si_ns(10.0), "10 ns");
        assert_eq!(si_ns(1000.0), "1 µs");
        assert_eq!(si_ns(100_000.0), "100 µs");
        assert_eq!(si_ns(1e7), "10 ms");
        assert_eq!(plain(2.5), "2.5");
        assert_eq!(plain(3.0), "3");
        assert_eq!(log_top(4_060_000.0), 1e7);
    }

    #[test]
    fn heat_runs_light_to_dark() {
        let light = heat(0.0);
        let dark = heat(1.0);
        assert!(u32::from(light.0) + u32::from(light.1) > u32::from(dark.0) + u32::from(dark.1));
        assert_eq!(heat(1.0), RGBColor(8, 48, 107));
    }

    #[test]
    fn coinciding_lines_are_named() {
        let line = |k: f64| {
            (0..10)
                .map(|i| (i as f64, i as f64 * k))
                .collect::<Vec<_>>()
        };
        let series = vec![
            ("stw".to_string(), line(100.0)),
            ("go".to_string(), line(50.0)),
            ("hashbrown".to_string(), line(100.1)),
            ("java".to_string(), line(0.0)),
        ];
        let groups = coinciding(&series, 1000.0);
        let both = vec!["stw".to_string(), "hashbrown".to_string()];
        assert_eq!(groups, vec![(both, false)]);
        assert_eq!(
            coinciding_note(&groups),
            "lines that coincide: stw = hashbrown"
        );
        let zeros = vec![
            ("java".to_string(), line(0.0)),
            ("redis".to_string(), line(0.0)),
        ];
        assert_eq!(
            coinciding_note(&coinciding(&zeros, 1000.0)),
            "lines that coincide: java = redis (at 0)"
        );
    }

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    fn run(strategy: &str, workload: &str) -> RunOutput {
        RunOutput {
            result: RunResult {
                strategy: strategy.to_string(),
                workload: workload.to_string(),
                keys: "u64".to_string(),
                hasher: "fx".to_string(),
                n: 1000,
                ops: 1000,
                ..RunResult::default()
            },
            trace: Some(Trace {
                latency_ns: (0..1000).map(|i| 20 + i % 7).collect(),
                moved_cum: (0..1000).map(|i| i / 2).collect(),
                heap: (0..1000).map(|i| 1000 + i).collect(),
                grows: vec![(10, 10, false), (100, 300, false), (500, 520, true)],
            }),
        }
    }

    #[test]
    fn index_html_starts_with_the_workload_line() {
        let outs = [run("stw", "insert"), run("go", "insert")];
        let refs: Vec<&RunOutput> = outs.iter().collect();
        let line = workload_line(&refs, "2026-01-01 00:00 UTC", "hashgrow compare --n 1000");
        assert!(
            line.starts_with("workload insert · 1000 ops on 1000 keys in the map at the end"),
            "{line}"
        );
        assert!(line.contains("hasher fx") && line.contains("hashgrow compare --n 1000"));
        let html = index_html(&refs, "a  <table>", &[("x.svg", "see x".into())], &line);
        let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s} in {html}"));
        assert!(at("workload insert") < at("<pre>"));
        assert!(html.contains("a  &lt;table&gt;"));
        assert!(html.contains("<figcaption>see x</figcaption>"));
        assert!(html.contains("width:max-content"));
    }

    #[test]
    fn write_all_draws_every_plot_and_the_page() {
        let dir = std::env::temp_dir().join(format!("hashgrow-plots-test-{}", std::process::id()));
        let outs = vec![
            run("stw", "insert"),
            run("go", "insert"),
            run("std", "insert"),
        ];
        write_all(&dir, &outs, "table").expect("plots written");
        for file in ["latency.svg", "moved.svg", "heatmap.svg", "heap.svg"] {
            let svg = std::fs::read_to_string(dir.join(file)).expect(file);
            assert!(svg.contains("op index"), "{file} has no x label");
        }
        let html = std::fs::read_to_string(dir.join("index.html")).expect("index");
        assert_eq!(html.matches("<figcaption>").count(), 4);
        std::fs::remove_dir_all(&dir).expect("cleaned up");
    }

    #[test]
    fn lookup_runs_have_no_moved_or_heap_plot() {
        let mut out = run("go", "lookup");
        if let Some(t) = &mut out.trace {
            t.moved_cum.clear();
            t.heap.clear();
            t.grows.clear();
        }
        let names: Vec<&str> = plot_list(&[&out]).iter().map(|p| p.0).collect();
        assert_eq!(names, ["latency.svg", "heatmap.svg"]);
    }
}
