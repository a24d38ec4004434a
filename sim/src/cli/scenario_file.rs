//! Reading a scenario file given on the command line (`--scenario-file`).

use fanout_sim::Scenario;

/// Reads and checks the scenario file at `path`; on failure every problem, each a line
/// `PATH: WHERE: WHAT` (`WHERE` is the path in the file, such as `services[2].processing.min`).
pub fn read(path: &str) -> Result<Scenario, Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| vec![format!("{path}: cannot be read: {e}")])?;
    fanout_sim::system::load(&text).map_err(|problems| problems.iter().map(|p| format!("{path}: {p}")).collect())
}

/// The message for a scenario file with problems, given as the value of `flag`.
pub fn refusal(flag: &str, path: &str, problems: &[String]) -> String {
    let n = problems.len();
    let s = if n == 1 { "" } else { "s" };
    format!("the scenario file '{path}' given to '{flag}' has {n} problem{s}:\n  {}", problems.join("\n  "))
}
