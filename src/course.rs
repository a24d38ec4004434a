//! The lessons the page offers: the built-in ones, and a course author's set from `?quiz=`.

use fanout_sim::lesson::{builtin, load_set, Compiled};
use std::rc::Rc;

/// Lessons by section: the built-in course, then a course author's set if one loaded.
#[derive(Clone, Default)]
pub struct Course {
    pub builtin: Vec<Rc<Compiled>>,
    pub extra: Option<ExtraSet>,
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
        ids(self) == ids(other)
    }
}

impl Course {
    /// The built-in lessons. They are checked by the native tests, so a problem here is a
    /// bug; it is reported rather than taking the page down.
    pub fn builtin() -> (Course, Option<String>) {
        match builtin::lessons() {
            Ok(l) => (Course { builtin: l.into_iter().map(Rc::new).collect(), extra: None }, None),
            Err(e) => (Course::default(), Some(format!("The built-in lessons could not be loaded: {}", e.join("; ")))),
        }
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

/// Fetches and checks a course author's lesson set. Every problem comes back as a line
/// for the student (and the author) to read.
pub async fn fetch_quiz(url: &str) -> Result<ExtraSet, Vec<String>> {
    let lower = url.to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s).filter(|s| s.chars().all(|c| c.is_ascii_alphabetic()));
    if matches!(scheme, Some(s) if s != "http" && s != "https") {
        return Err(vec![format!(
            "the address must be http or https (or relative to this page), not {}:",
            scheme.unwrap_or("")
        )]);
    }
    let response = gloo::net::http::Request::get(url).send().await.map_err(|e| {
        vec![format!(
            "it could not be fetched ({e}); is the address right, and does its server allow this site to read it?"
        )]
    })?;
    if !response.ok() {
        return Err(vec![format!("the server answered {} {}", response.status(), response.status_text())]);
    }
    let text = response.text().await.map_err(|e| vec![format!("its text could not be read ({e})")])?;
    let (title, lessons) = load_set(&text)?;
    Ok(ExtraSet { title, lessons: lessons.into_iter().map(Rc::new).collect() })
}
