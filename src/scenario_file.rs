//! `?scenario=ADDRESS`: a course author's system, fetched and checked before the lab starts.
//! The core checks the file and remembers it by its id and its address; links the lab makes
//! then carry the address, so they open the same system anywhere.

use fanout_sim::params::percent_decode;
use fanout_sim::system::{self, registry};

/// The `scenario` parameter of a query, when it is an address rather than a built-in id.
pub fn address_in(query: &str) -> Option<String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| percent_decode(k) == "scenario")
        .map(|(_, v)| percent_decode(v))
        .find(|v| registry::is_address(v))
}

/// The query without its `scenario` parameter: the lab to start when the file cannot be used.
fn without_scenario(query: &str) -> String {
    let query = query.strip_prefix('?').unwrap_or(query);
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && percent_decode(kv.split_once('=').map_or(*kv, |(k, _)| k)) != "scenario")
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// Fetches, checks and loads the scenario at `address`. Returns the query to start the lab
/// with, and the notices to show: none when the file is loaded (the query then names it), or
/// one listing every problem, with the lab started without it.
pub async fn fetch_and_load(query: &str, address: &str) -> (String, Vec<String>) {
    match load(address).await {
        Ok(()) => (query.to_string(), Vec::new()),
        Err(problems) => {
            let notice = format!(
                "The scenario at {address} could not be used: {}. The lab started with the built-in checkout instead.",
                crate::course::problem_list(&problems)
            );
            (without_scenario(query), vec![notice])
        }
    }
}

pub(crate) async fn load(address: &str) -> Result<(), Vec<String>> {
    crate::course::check_address(address).map_err(|why| vec![why])?;
    let text = crate::course::fetch_text(address.to_string()).await.map_err(|e| vec![format!("it {e}")])?;
    let scenario =
        system::load(&text).map_err(|problems| problems.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    registry::register(address, scenario).map_err(|why| vec![why])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_address_is_fetched() {
        assert_eq!(address_in("?scenario=checkout&seed=2"), None);
        assert_eq!(
            address_in("?seed=2&scenario=scenarios%2Fmy-bank.json").as_deref(),
            Some("scenarios/my-bank.json")
        );
        assert_eq!(without_scenario("?seed=2&scenario=x.json&at=1s:buy"), "?seed=2&at=1s:buy");
        assert_eq!(without_scenario("?scenario=x.json"), "");
    }
}
