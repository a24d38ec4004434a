//! The charts' numbers as tables: what a screen reader user reads instead of the picture,
//! and what the CSV download holds. Rows are 5-second buckets of the charts' last minute.

use fanout_sim::time::{as_ms, SEC};
use fanout_sim::Sim;

const BUCKET_US: u64 = 5 * SEC;
const WINDOW_US: u64 = 60 * SEC;

/// A table: column headings, then rows that each start with their own heading.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub caption: String,
    pub head: Vec<String>,
    /// Row heading and cells; `None` is a cell with nothing to show.
    pub rows: Vec<(String, Vec<Option<String>>)>,
}

impl Table {
    /// Comma-separated values with a header row; empty cells stay empty.
    pub fn to_csv(&self) -> String {
        let mut out = line(self.head.iter().map(String::as_str));
        for (head, cells) in &self.rows {
            let cells = cells.iter().map(|c| c.as_deref().unwrap_or(""));
            out.push_str(&line(std::iter::once(head.as_str()).chain(cells)));
        }
        out
    }
}

fn line<'a>(fields: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = fields
        .map(|f| if f.contains([',', '"', '\n']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_string() })
        .collect();
    quoted.join(",") + "\r\n"
}

/// The 5-second buckets of the last minute that have begun: (start, end) in microseconds.
fn buckets(now: u64) -> Vec<(u64, u64)> {
    let first = now.saturating_sub(WINDOW_US) / BUCKET_US * BUCKET_US;
    (first..=now).step_by(BUCKET_US as usize).map(|s| (s, s + BUCKET_US)).filter(|(s, _)| *s < now.max(1)).collect()
}

fn secs(us: u64) -> u64 {
    us / SEC
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    let rank = ((p * sorted.len() as f64).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

fn ms(us: u64) -> String {
    format!("{:.0}", as_ms(us))
}

/// Checkouts per bucket: how many finished, how many failed, p50 and p95 response time.
/// Named in the scenario's words: "Checkouts", "Bookings".
pub fn response(sim: &Sim) -> Table {
    let w = crate::words::Words::of(sim.scenario());
    let requests = crate::state::capitalise(&w.requests());
    let head = ["Simulated time (s)", requests.as_str(), "Failed", "p50 (ms)", "p95 (ms)"];
    let rows = buckets(sim.now())
        .into_iter()
        .map(|(from, to)| {
            let inside: Vec<_> = sim.checkout_samples().filter(|s| s.done_us >= from && s.done_us < to).collect();
            let mut times: Vec<u64> = inside.iter().map(|s| s.latency_us).collect();
            times.sort_unstable();
            let failed = inside.iter().filter(|s| !s.ok).count();
            let cells = vec![
                Some(inside.len().to_string()),
                Some(failed.to_string()),
                percentile(&times, 0.50).map(ms),
                percentile(&times, 0.95).map(ms),
            ];
            (format!("{}\u{2013}{}", secs(from), secs(to)), cells)
        })
        .collect();
    Table {
        caption: format!("{} response time per 5 seconds of the last simulated minute", w.request_cap()),
        head: head.map(String::from).to_vec(),
        rows,
    }
}

/// Each subscriber's lag (events waiting) at the end of each bucket, or now for the last.
pub fn lag(sim: &Sim) -> Table {
    let now = sim.now();
    let wired = sim.wired();
    let mut head = vec!["Simulated time (s)".to_string()];
    head.extend(wired.iter().map(|&i| format!("{} lag (events)", sim.scenario().catalog[i as usize].name)));
    let rows = buckets(now)
        .into_iter()
        .map(|(_, to)| {
            let at = to.min(now);
            let cells = wired
                .iter()
                .map(|&i| {
                    let series = &sim.subscription(i).lag_series;
                    series.iter().filter(|p| p.at_us <= at).last().map(|p| p.value.to_string())
                })
                .collect();
            let label = if at == now { format!("{:.1} (now)", at as f64 / SEC as f64) } else { secs(at).to_string() };
            (label, cells)
        })
        .collect();
    Table { caption: "Subscriber lag at the end of each 5 seconds of the last simulated minute".into(), head, rows }
}

/// The entry request's and each wired service's error rate (% of its work over the last
/// 10 s) at the end of each bucket, or now for the last.
pub fn errors(sim: &Sim) -> Table {
    red_table(
        sim,
        "Error rate (% of work over the last 10 s) at the end of each 5 seconds of the last simulated minute",
        "error rate (%)",
        |p| Some(format!("{:.0}", p.error_share * 100.0)),
    )
}

/// The entry request's and each wired service's p99 duration (ms, over the last 10 s) at the
/// end of each bucket, or now for the last; "none" where nothing ended in the window.
pub fn p99(sim: &Sim) -> Table {
    red_table(
        sim,
        "p99 duration (ms, over the last 10 s) at the end of each 5 seconds of the last simulated minute",
        "p99 (ms)",
        |p| p.p99_us.map(ms),
    )
}

/// A table of one RED figure: a column for the entry request, then one per wired service.
fn red_table(
    sim: &Sim,
    caption: &str,
    unit: &str,
    cell: impl Fn(&fanout_sim::red::RedPoint) -> Option<String>,
) -> Table {
    let now = sim.now();
    let sc = sim.scenario();
    let mut reds = vec![(crate::words::Words::of(sc).request_cap(), sim.entry_red())];
    reds.extend(sim.wired().iter().map(|&i| (sc.catalog[i as usize].name.clone(), sim.service_red(i))));
    let mut head = vec!["Simulated time (s)".to_string()];
    head.extend(reds.iter().map(|(name, _)| format!("{name} {unit}")));
    let rows = buckets(now)
        .into_iter()
        .map(|(_, to)| {
            let at = to.min(now);
            let cells = reds
                .iter()
                .map(|(_, red)| red.series.iter().filter(|p| p.at_us <= at).last().and_then(&cell))
                .collect();
            let label = if at == now { format!("{:.1} (now)", at as f64 / SEC as f64) } else { secs(at).to_string() };
            (label, cells)
        })
        .collect();
    Table { caption: caption.into(), head, rows }
}
