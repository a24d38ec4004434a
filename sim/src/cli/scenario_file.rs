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

/// A run file the page saved may name a scenario file by its address. If it does, and the
/// address is a path (not http), the file is read from beside the run file (or from the
/// current directory) and registered under that address, so that the run replays.
pub fn register_named(run: &str) -> Result<(), String> {
    use fanout_sim::system::registry;
    let Ok(text) = std::fs::read_to_string(run) else { return Ok(()) }; // said when the run is read
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { return Ok(()) };
    let Some(address) = value.get("scenario").and_then(|s| s.as_str()) else { return Ok(()) };
    if !registry::is_address(address) || address.contains("://") || registry::find(address).is_some() {
        return Ok(());
    }
    let beside = std::path::Path::new(run).parent().map(|dir| dir.join(address));
    let path = beside.filter(|p| p.is_file()).unwrap_or_else(|| address.into());
    let path = path.to_string_lossy().into_owned();
    let scenario = read(&path).map_err(|problems| {
        format!("the scenario file '{path}', named by the run file '{run}', has problems:\n  {}", problems.join("\n  "))
    })?;
    registry::register(address, scenario).map_err(|why| format!("the scenario file '{path}': {why}"))
}
