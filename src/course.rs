//! The lessons the page offers: the built-in ones, and a course author's set from `?quiz=`.
//!
//! The built-in lessons are fetched from `lessons/` beside the page the first time a student
//! needs them (the map, a lesson, a `?lesson=` link), not compiled into the program: the
//! checkout lab alone then downloads no lesson text.

use fanout_sim::lesson::{builtin, load_set, Compiled};
use std::rc::Rc;

/// Lessons by section: the built-in course, then a course author's set if one loaded.
#[derive(Clone, Default)]
pub struct Course {
    pub builtin: Vec<Rc<Compiled>>,
    pub extra: Option<ExtraSet>,
    /// Where the built-in lessons are.
    pub status: Load,
}

/// Where the built-in lessons are: not asked for yet, on their way, here, or refused (the
/// reason, for the student, and a way to try again).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Load {
    #[default]
    Idle,
    Loading,
    Ready,
    Failed(String),
}

#[derive(Clone)]
pub struct ExtraSet {
    pub title: String,
    pub lessons: Vec<Rc<Compiled>>,
}

/// The prefix that keeps a course author's lesson ids apart from the built-in ones.
pub const EXTRA_PREFIX: &str = "quiz:";

impl PartialEq for Course {
    fn eq(&self, other: &Self) -> bool {
        let ids = |c: &Course| c.all().map(|(k, _)| k).collect::<Vec<_>>();
        ids(self) == ids(other) && self.status == other.status
    }
}

impl Course {
    /// A course holding these built-in lessons, ready.
    pub fn with_builtin(lessons: Vec<Compiled>) -> Course {
        Course { builtin: lessons.into_iter().map(Rc::new).collect(), extra: None, status: Load::Ready }
    }

    /// Every lesson with the key it is saved and linked under.
    pub fn all(&self) -> impl Iterator<Item = (String, &Rc<Compiled>)> {
        let extra =
            self.extra.iter().flat_map(|x| x.lessons.iter().map(|c| (format!("{EXTRA_PREFIX}{}", c.lesson.id), c)));
        self.builtin.iter().map(|c| (c.lesson.id.clone(), c)).chain(extra)
    }

    pub fn find(&self, key: &str) -> Option<Rc<Compiled>> {
        self.all().find(|(k, _)| k == key).map(|(_, c)| c.clone())
    }

    /// The lesson after `key` in map order.
    pub fn next_after(&self, key: &str) -> Option<String> {
        let keys: Vec<String> = self.all().map(|(k, _)| k).collect();
        let at = keys.iter().position(|k| k == key)?;
        keys.get(at + 1).cloned()
    }
}

/// Fetches every built-in lesson (at once, not one after another) and checks them. They are
/// checked by the native tests too, so a problem past the network is a bug of the build; it
/// is still reported, not fatal.
pub async fn fetch_builtin() -> Result<Vec<Compiled>, String> {
    let texts =
        futures::future::join_all(builtin::NAMES.iter().map(|name| fetch_text(format!("lessons/{name}")))).await;
    let mut files = Vec::new();
    for (name, text) in builtin::NAMES.iter().zip(texts) {
        files.push((*name, text.map_err(|e| format!("lessons/{name} {e}"))?));
    }
    builtin::compile_texts(files.iter().map(|(n, t)| (*n, t.as_str()))).map_err(|e| e.join("; "))
}

/// The text at `url`, or why not, worded to follow the address ("… could not be fetched").
/// A course author's address may be http, https or relative to this page, nothing else.
pub(crate) fn check_address(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s).filter(|s| s.chars().all(|c| c.is_ascii_alphabetic()));
    match scheme {
        Some(s) if s != "http" && s != "https" => {
            Err(format!("the address must be http or https (or relative to this page), not {s}:"))
        }
        _ => Ok(()),
    }
}

/// Problems as one notice's list: the first eight, and how many more.
pub(crate) fn problem_list(problems: &[String]) -> String {
    let shown = problems.iter().take(8).cloned().collect::<Vec<_>>().join("; ");
    match problems.len().saturating_sub(8) {
        0 => shown,
        more => format!("{shown} (and {more} more)"),
    }
}

pub(crate) async fn fetch_text(url: String) -> Result<String, String> {
    let response = gloo::net::http::Request::get(&url).send().await.map_err(|e| {
        format!("could not be fetched ({e}); is the address right, and does its server allow this site to read it?")
    })?;
    if !response.ok() {
        return Err(format!(
            "could not be fetched: the server answered {} {}",
            response.status(),
            response.status_text()
        ));
    }
    response.text().await.map_err(|e| format!("could not be read ({e})"))
}

/// Fetches and checks a course author's lesson set. Every problem comes back as a line
/// for the student (and the author) to read.
pub async fn fetch_quiz(url: &str) -> Result<ExtraSet, Vec<String>> {
    check_address(url).map_err(|why| vec![why])?;
    let text = fetch_text(url.to_string()).await.map_err(|e| vec![format!("it {e}")])?;
    load_named_scenarios(&text).await?;
    let (title, lessons) = load_set(&text)?;
    Ok(ExtraSet { title, lessons: lessons.into_iter().map(Rc::new).collect() })
}

/// A question set's lessons may run a course author's system: `"lab": {"scenario": ADDRESS}`.
/// Each such file is fetched and checked before the lessons are, so that they are checked
/// against it; every problem names the lesson.
async fn load_named_scenarios(text: &str) -> Result<(), Vec<String>> {
    let Ok(set) = serde_json::from_str::<serde_json::Value>(text) else { return Ok(()) };
    let addresses: Vec<(usize, String)> = set["lessons"]
        .as_array()
        .map(|lessons| {
            lessons
                .iter()
                .enumerate()
                .filter_map(|(k, l)| l["lab"]["scenario"].as_str().map(|s| (k, s.to_string())))
                .filter(|(_, s)| fanout_sim::system::registry::is_address(s))
                .collect()
        })
        .unwrap_or_default();
    let mut problems = Vec::new();
    for (k, address) in addresses {
        if fanout_sim::system::registry::find(&address).is_some() {
            continue;
        }
        if let Err(why) = crate::scenario_file::load(&address).await {
            problems.push(format!(
                "lessons[{k}].lab.scenario: the scenario at {address} could not be used: {}",
                why.join("; ")
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
