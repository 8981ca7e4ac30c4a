//! SVG plots for `hashgrow compare --plots DIR`, and an `index.html` that
//! shows them with the result table, openable offline.
//!
//! Series with one point per op are reduced to a fixed number of columns
//! before drawing (the maximum of each column for latencies, so no spike is
//! lost), which keeps the SVG files small whatever N is.

use std::path::Path;

use plotters::prelude::*;

use crate::measure::RunOutput;

const COLUMNS: usize = 800;
const PANEL_HEIGHT: u32 = 180;
const WIDTH: u32 = 1000;

type PlotResult = Result<(), Box<dyn std::error::Error>>;
/// Draws one SVG file from the runs.
type DrawFn = fn(&Path, &[&RunOutput]) -> PlotResult;

fn palette(i: usize) -> RGBColor {
    const COLORS: [RGBColor; 7] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
    ];
    COLORS[i % COLORS.len()]
}

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

/// A drawing area of an SVG figure.
type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// A figure with `title` above one panel per run, all the same size.
/// Returns the root (to `present`) and the panels, top to bottom.
fn panel_figure<'a>(
    path: &'a Path,
    panels: usize,
    title: &str,
) -> Result<(Area<'a>, Vec<Area<'a>>), Box<dyn std::error::Error>> {
    let height = PANEL_HEIGHT * panels as u32 + 40;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(40);
    head.titled(title, ("sans-serif", 18))?;
    let areas = body.split_evenly((panels, 1));
    Ok((root, areas))
}

/// A panel's chart builder: the strategy as caption, shared margins.
fn panel_builder<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(caption, ("sans-serif", 14))
        .margin(5)
        .x_label_area_size(25)
        .y_label_area_size(60);
    builder
}

/// The longest run's op count: the x range shared by the charts.
fn max_ops(outs: &[&RunOutput]) -> f64 {
    outs.iter().map(|o| o.result.ops).max().unwrap_or(1) as f64
}

fn latency_panels(path: &Path, outs: &[&RunOutput]) -> PlotResult {
    let (root, areas) = panel_figure(
        path,
        outs.len(),
        "Latency of every op (max per column), log scale",
    )?;
    let ops = max_ops(outs);
    let top = outs
        .iter()
        .filter_map(|o| o.trace.as_ref())
        .flat_map(|t| t.latency_ns.iter().copied())
        .max()
        .unwrap_or(1000) as f64
        * 2.0;
    for (i, (area, out)) in areas.iter().zip(outs).enumerate() {
        let Some(trace) = &out.trace else { continue };
        let mut chart = panel_builder(area, &out.result.strategy)
            .build_cartesian_2d(0f64..ops, (10f64..top).log_scale())?;
        chart
            .configure_mesh()
            .y_desc("latency")
            .x_desc("op index")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| crate::report::human_ns(*y as u64))
            .light_line_style(WHITE)
            .draw()?;
        let color = palette(i);
        chart.draw_series(
            column_max(&trace.latency_ns, f64::from)
                .into_iter()
                .map(|(x, y)| Circle::new((x, y.max(10.0)), 1, color.filled())),
        )?;
    }
    root.present()?;
    Ok(())
}

fn moved_chart(path: &Path, outs: &[&RunOutput]) -> PlotResult {
    let root = SVGBackend::new(path, (WIDTH, 450)).into_drawing_area();
    root.fill(&WHITE)?;
    let ops = max_ops(outs);
    let top = outs
        .iter()
        .filter_map(|o| o.trace.as_ref()?.moved_cum.last().copied())
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * 1.05;
    let mut chart = ChartBuilder::on(&root)
        .caption("Entries moved by growth, cumulative", ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..ops, 0f64..top)?;
    chart
        .configure_mesh()
        .x_desc("op index")
        .y_desc("entries moved")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    for (i, out) in outs.iter().enumerate() {
        let Some(trace) = &out.trace else { continue };
        let color = palette(i);
        chart
            .draw_series(LineSeries::new(
                column_max(&trace.moved_cum, |v| v as f64),
                color.stroke_width(2),
            ))?
            .label(out.result.strategy.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}

fn heatmap(path: &Path, outs: &[&RunOutput]) -> PlotResult {
    const XB: usize = 100;
    const YB: usize = 40;
    let (lo, hi) = (10f64, 1e8f64);
    let (root, areas) = panel_figure(
        path,
        outs.len(),
        "Latency heatmap: op index x latency, darker = more ops (log)",
    )?;
    for (area, out) in areas.iter().zip(outs) {
        let Some(trace) = &out.trace else { continue };
        let ops = trace.latency_ns.len().max(1);
        let mut counts = vec![[0u32; YB]; XB];
        let ln = (hi / lo).ln();
        for (i, &ns) in trace.latency_ns.iter().enumerate() {
            let y = ((f64::from(ns.max(10)) / lo).ln() / ln * YB as f64) as usize;
            counts[i * XB / ops][y.min(YB - 1)] += 1;
        }
        let max = counts.iter().flatten().copied().max().unwrap_or(1).max(1) as f64;
        let mut chart = panel_builder(area, &out.result.strategy)
            .build_cartesian_2d(0f64..ops as f64, (lo..hi).log_scale())?;
        chart
            .configure_mesh()
            .y_desc("latency")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| crate::report::human_ns(*y as u64))
            .disable_mesh()
            .draw()?;
        let yb = |j: usize| lo * (ln * j as f64 / YB as f64).exp();
        chart.draw_series(counts.iter().enumerate().flat_map(|(xi, col)| {
            col.iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(move |(yi, &c)| {
                    let shade = 1.0 - (f64::from(c).ln_1p() / max.ln_1p());
                    let v = (255.0 * shade) as u8;
                    let x0 = (xi * ops / XB) as f64;
                    let x1 = ((xi + 1) * ops / XB) as f64;
                    Rectangle::new(
                        [(x0, yb(yi)), (x1, yb(yi + 1))],
                        RGBColor(v, v, 255).filled(),
                    )
                })
        }))?;
    }
    root.present()?;
    Ok(())
}

fn heap_panels(path: &Path, outs: &[&RunOutput]) -> PlotResult {
    let (root, areas) = panel_figure(
        path,
        outs.len(),
        "Heap high-water within each op; shaded: a grow in progress",
    )?;
    let ops = max_ops(outs);
    let top = outs
        .iter()
        .map(|o| o.result.peak_bytes)
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * 1.05
        / (1024.0 * 1024.0);
    for (i, (area, out)) in areas.iter().zip(outs).enumerate() {
        let Some(trace) = &out.trace else { continue };
        let mut chart =
            panel_builder(area, &out.result.strategy).build_cartesian_2d(0f64..ops, 0f64..top)?;
        chart
            .configure_mesh()
            .y_desc("MiB")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .light_line_style(WHITE)
            .draw()?;
        chart.draw_series(trace.grows.iter().map(|&(s, e, same)| {
            let color = if same {
                RGBColor(255, 200, 120)
            } else {
                RGBColor(255, 160, 160)
            };
            Rectangle::new(
                [
                    (s as f64, 0.0),
                    // At least one column wide, so a short grow stays visible.
                    ((e as f64).max(s as f64 + ops / COLUMNS as f64), top),
                ],
                color.mix(0.6).filled(),
            )
        }))?;
        let color = palette(i);
        chart.draw_series(LineSeries::new(
            column_max(&trace.heap, |v| v as f64)
                .into_iter()
                .map(|(x, y)| (x, y / (1024.0 * 1024.0))),
            color.stroke_width(2),
        ))?;
    }
    root.present()?;
    Ok(())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Writes `latency.svg`, `moved.svg`, `heatmap.svg`, `heap.svg` and
/// `index.html` into `dir` for the runs of one workload (the last one run).
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
    let plots: [(&str, DrawFn, &str); 4] = [
        (
            "latency.svg",
            latency_panels,
            "Latency of every op against op index: the spikes line up with the grows.",
        ),
        (
            "moved.svg",
            moved_chart,
            "Entries copied by growth so far, against op index.",
        ),
        (
            "heatmap.svg",
            heatmap,
            "How many ops took how long, along the run.",
        ),
        (
            "heap.svg",
            heap_panels,
            "Heap bytes against op index, with each grow marked.",
        ),
    ];
    let mut body = String::new();
    for (name, draw, caption) in plots {
        let path = dir.join(name);
        draw(&path, &outs).map_err(|e| format!("cannot draw {}: {e}", path.display()))?;
        body.push_str(&format!(
            "<h2>{caption}</h2>\n<img src=\"{name}\" alt=\"{caption}\">\n"
        ));
    }
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>hashgrow compare: {last}</title>\n\
         <style>body{{font-family:sans-serif;max-width:1100px;margin:auto}}img{{max-width:100%}}pre{{font-size:12px;overflow-x:auto}}</style>\n\
         </head><body>\n<h1>hashgrow compare: {last}</h1>\n<pre>{}</pre>\n{body}</body></html>\n",
        html_escape(table)
    );
    let index = dir.join("index.html");
    std::fs::write(&index, html).map_err(|e| format!("cannot write {}: {e}", index.display()))
}
