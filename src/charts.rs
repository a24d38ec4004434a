//! Charts drawn with plotters into SVG text. Colours are sentinels that the stylesheet maps
//! to the light or dark theme (CSS beats SVG presentation attributes), so one drawing
//! serves both themes.

use fanout_sim::time::{as_ms, as_secs};
use fanout_sim::Sim;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

pub const WIDTH: u32 = 520;
/// What replaces plotters' fixed size on the page.
const SCALES: &str = "preserveAspectRatio=\"xMidYMid meet\"";
pub const HEIGHT: u32 = 230;
/// The charts show the last minute of simulated time.
const WINDOW_US: u64 = 60_000_000;
/// The most points of one kind a chart draws.
const MAX_POINTS: usize = 300;

const INK: RGBColor = RGBColor(1, 1, 1);
const GRID: RGBColor = RGBColor(2, 2, 2);
const OK: RGBColor = RGBColor(0, 0, 0xA0);
const FAIL: RGBColor = RGBColor(0, 0, 0xB0);
/// Series colours for subscribers, mapped in CSS to the colour-blind-safe palette.
fn series(k: usize) -> RGBColor {
    RGBColor(0, 0, 0xC0 + (k % 8) as u8)
}

fn window(sim: &Sim) -> (f64, f64) {
    let end = as_secs(sim.now()).max(as_secs(WINDOW_US));
    (end - as_secs(WINDOW_US), end)
}

/// Checkout response time over time: a dot per success, a cross per failure.
pub fn response(sim: &Sim) -> String {
    let (x0, x1) = window(sim);
    let from_us = sim.now().saturating_sub(WINDOW_US);
    let recent: Vec<_> = sim.checkout_samples().filter(|s| s.done_us >= from_us).collect();
    // Under heavy load, draw an even sample of at most MAX_POINTS of each kind: thousands of
    // SVG circles would cost more than a frame to lay out and say nothing more.
    let thin = |ok: bool| {
        let all: Vec<_> = recent.iter().filter(|s| s.ok == ok).collect();
        let stride = all.len().div_ceil(MAX_POINTS).max(1);
        all.into_iter().step_by(stride).map(|s| (as_secs(s.done_us), as_ms(s.latency_us), ok)).collect::<Vec<_>>()
    };
    let mut points = thin(true);
    points.extend(thin(false));
    let y_max = recent.iter().map(|s| as_ms(s.latency_us)).fold(200.0, f64::max) * 1.15;
    plot(x0..x1, y_max, 10, "response (ms)", |_, chart| {
        chart.draw_series(points.iter().filter(|p| p.2).map(|&(x, y, _)| Circle::new((x, y), 3, OK.filled())))?;
        chart.draw_series(
            points.iter().filter(|p| !p.2).map(|&(x, y, _)| Cross::new((x, y), 4, FAIL.stroke_width(2))),
        )?;
        Ok(())
    })
}

/// Each subscriber's lag (events waiting) over time, labelled at the end of its line.
pub fn lag(sim: &Sim) -> String {
    let from_us = sim.now().saturating_sub(WINDOW_US);
    let lines: Vec<Line> = sim
        .wired()
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let name = sim.scenario().catalog[i as usize].name.clone();
            let pts = sim
                .subscription(i)
                .lag_series
                .iter()
                .filter(|p| p.at_us >= from_us)
                .map(|p| (as_secs(p.at_us), p.value as f64))
                .collect();
            Line { name, pts, colour: series(k), dashed: false }
        })
        .collect();
    labelled_lines(sim, lines, 5.0, "lag (events)")
}

/// Each wired service's error rate (errors as a share of its work, in %) over time, with the
/// entry request's as a dashed line: what a RED dashboard shows beside the lag.
pub fn errors(sim: &Sim) -> String {
    let lines = red_lines(sim, |p| Some(p.error_share * 100.0));
    labelled_lines(sim, lines, 10.0, "errors (%)")
}

/// Each wired service's p99 duration (ms) over time, the entry request's dashed. A window with
/// nothing ended has no point.
pub fn p99(sim: &Sim) -> String {
    let lines = red_lines(sim, |p| p.p99_us.map(as_ms));
    labelled_lines(sim, lines, 200.0, "p99 (ms)")
}

/// The entry request's line then each wired service's, in the lag chart's colours, read from
/// their RED series by `value`.
fn red_lines(sim: &Sim, value: impl Fn(&fanout_sim::red::RedPoint) -> Option<f64>) -> Vec<Line> {
    let from_us = sim.now().saturating_sub(WINDOW_US);
    let points = |red: &fanout_sim::red::Red| -> Vec<(f64, f64)> {
        red.series.iter().filter(|p| p.at_us >= from_us).filter_map(|p| Some((as_secs(p.at_us), value(p)?))).collect()
    };
    let entry = crate::words::Words::of(sim.scenario()).request_cap();
    let mut lines = vec![Line { name: entry, pts: points(sim.entry_red()), colour: INK, dashed: true }];
    lines.extend(sim.wired().iter().enumerate().map(|(k, &i)| Line {
        name: sim.scenario().catalog[i as usize].name.clone(),
        pts: points(sim.service_red(i)),
        colour: series(k),
        dashed: false,
    }));
    lines
}

/// A line of a chart, named at its end.
struct Line {
    name: String,
    pts: Vec<(f64, f64)>,
    colour: RGBColor,
    /// Drawn in dashes (the entry request among the services).
    dashed: bool,
}

/// Lines over the last minute, each named beside its end; the y axis runs from 0 to at least
/// `y_floor`.
fn labelled_lines(sim: &Sim, lines: Vec<Line>, y_floor: f64, y_desc: &str) -> String {
    let (x0, x1) = window(sim);
    let y_max = lines.iter().flat_map(|l| l.pts.iter().map(|q| q.1)).fold(y_floor, f64::max) * 1.15;
    plot(x0..x1, y_max, 84, y_desc, |root, chart| {
        let mut labels = Vec::new();
        for l in &lines {
            let style = l.colour.stroke_width(2);
            if l.dashed {
                chart.draw_series(DashedLineSeries::new(l.pts.iter().copied(), 6, 4, style))?;
            } else {
                chart.draw_series(LineSeries::new(l.pts.iter().copied(), style))?;
            }
            if let Some(&(x, y)) = l.pts.last() {
                labels.push((chart.backend_coord(&(x, y)), l.name.clone(), l.colour));
            }
        }
        // Each line's name beside its end, nudged apart so that names never overlap:
        // colour is not the only way to tell the lines apart.
        let right = chart.plotting_area().get_pixel_range().0.end + 6;
        labels.sort_by_key(|l| l.0 .1);
        let mut ys: Vec<i32> = Vec::with_capacity(labels.len());
        for ((_, y), _, _) in &labels {
            ys.push((*y).max(ys.last().map_or(i32::MIN, |last| last + 14)));
        }
        // Lines that all end near zero push the names below the chart: lift the stack so the
        // last name still fits (a downloaded file has no page below to spill onto).
        let lift = ys.last().map_or(0, |&last| (last - (HEIGHT as i32 - 8)).max(0));
        for (((_, _), name, colour), y) in labels.into_iter().zip(ys) {
            let y = y - lift;
            root.draw(&PathElement::new(vec![(right, y), (right + 10, y)], colour.stroke_width(2)))?;
            root.draw(&Text::new(name, (right + 14, y - 6), (FontFamily::SansSerif, 12).into_font().color(&INK)))?;
        }
        Ok(())
    })
}

type Root<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// One chart: time on x, `y_desc` from 0 to `y_max` on y, axes and grid drawn, then `body`
/// draws the data. Returns the SVG, or a short message if plotters failed.
fn plot(
    x: std::ops::Range<f64>,
    y_max: f64,
    margin_right: u32,
    y_desc: &str,
    body: impl FnOnce(&Root, &mut Chart) -> Drawn,
) -> String {
    let mut svg = String::new();
    let drawn = (|| -> Drawn {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(margin_right)
            .x_label_area_size(34)
            .y_label_area_size(54)
            .build_cartesian_2d(x, 0.0..y_max)?;
        mesh(&mut chart, "simulated time (s)", y_desc)?;
        body(&root, &mut chart)?;
        root.present()?;
        Ok(())
    })();
    finish(svg, drawn)
}

fn mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_desc: &str,
    y_desc: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(6)
        .y_labels(5)
        .label_style((FontFamily::SansSerif, 12).into_font().color(&INK))
        .axis_style(INK)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()
}

fn finish(svg: String, drawn: Drawn) -> String {
    match drawn {
        // plotters writes a fixed size; a viewBox lets the chart scale with the page.
        // plotters writes a fixed size and a viewBox; without the size the chart scales
        // with the page.
        Ok(()) => svg.replacen(&format!("width=\"{WIDTH}\" height=\"{HEIGHT}\""), SCALES, 1),
        Err(e) => format!("<p>Chart unavailable: {e}</p>"),
    }
}

/// Which sentinel colour stands for which theme variable (as in `.chart-svg` in fanout.css).
const SENTINELS: [(&str, &str); 14] = [
    ("fill=\"#010101\"", "--ink"),
    ("stroke=\"#010101\"", "--muted"),
    ("stroke=\"#020202\"", "--grid"),
    ("fill=\"#0000A0\"", "--order"),
    ("stroke=\"#0000A0\"", "--order"),
    ("stroke=\"#0000B0\"", "--bad"),
    ("stroke=\"#0000C0\"", "--s0"),
    ("stroke=\"#0000C1\"", "--s1"),
    ("stroke=\"#0000C2\"", "--s2"),
    ("stroke=\"#0000C3\"", "--s3"),
    ("stroke=\"#0000C4\"", "--s4"),
    ("stroke=\"#0000C5\"", "--s5"),
    ("stroke=\"#0000C6\"", "--s6"),
    ("stroke=\"#0000C7\"", "--s7"),
];

/// The chart as a file of its own: a fixed size, a background, and the sentinel colours
/// replaced by what `colour` says each theme variable is (the page's current theme).
pub fn standalone(svg: &str, colour: impl Fn(&str) -> String) -> String {
    let mut out = svg.replacen(SCALES, &format!("width=\"{WIDTH}\" height=\"{HEIGHT}\""), 1);
    for (attr, var) in SENTINELS {
        let (name, _) = attr.split_once('=').unwrap_or((attr, ""));
        out = out.replace(attr, &format!("{name}=\"{}\"", colour(var)));
    }
    // A background, since a file has no page behind it.
    if let Some(end) = out.find("<svg").and_then(|at| out[at..].find('>').map(|e| at + e + 1)) {
        out.insert_str(end, &format!("\n<rect width=\"100%\" height=\"100%\" fill=\"{}\"/>", colour("--panel")));
    }
    out
}
