//! The student's progress through the lessons, kept in the browser under one versioned key.
//! Whatever is found there, nothing crashes: unreadable or outdated data is set aside under
//! a backup key (so nothing is lost for good), progress starts afresh, and the page says so.

use fanout_sim::lesson::grade::{Answer, Grade};
use fanout_sim::lesson::{Lesson, Records};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The key progress is saved under; the version is part of it and of the value.
pub const KEY: &str = "fanout.progress.v1";
/// Where unreadable progress is set aside.
pub const BACKUP_KEY: &str = "fanout.progress.unreadable";
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub version: u32,
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonProgress>,
    /// What the student has already been shown, so that a returning visitor is not told twice.
    #[serde(default)]
    pub seen: Seen,
}

/// First-visit help already given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seen {
    /// The invitation to start the first lesson or explore was answered.
    #[serde(default)]
    pub welcome: bool,
    /// A fault menu was opened: the hint that services can be clicked has done its job.
    #[serde(default)]
    pub fault_menu: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonProgress {
    /// The step the student is on.
    pub step: usize,
    pub completed: bool,
    #[serde(default)]
    pub checks: BTreeMap<String, CheckProgress>,
    /// Numbers the student's run recorded, for predictions still to be revealed.
    #[serde(default)]
    pub records: Records,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckProgress {
    /// The latest answer given.
    pub answer: Answer,
    /// Its grade; `None` for a prediction not yet revealed.
    pub grade: Option<Grade>,
    /// Points scored on the first try: what the lesson map shows.
    pub first_raw: Option<u32>,
    pub max: u32,
    pub tries: u32,
}

/// Where the lesson map places a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    NotStarted,
    Started,
    Completed,
}

/// A lesson's score: knowledge checks (and design decisions) on their first try, and, apart,
/// how many predictions matched what the run then did. A prediction is an honest guess made
/// before the evidence; counting a wrong one as a failure would punish guessing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    /// Points scored on first tries, and points possible so far.
    pub raw: u32,
    pub max: u32,
    /// Predictions revealed so far, and how many of them matched.
    pub predictions: u32,
    pub matched: u32,
}

impl LessonProgress {
    /// The score so far; `lesson` tells predictions from checks.
    pub fn score(&self, lesson: &Lesson) -> Score {
        let mut s = Score::default();
        for (id, c) in &self.checks {
            let predict = lesson.question(id).is_some_and(|(_, q)| q.is_prediction());
            match (predict, &c.grade) {
                (true, Some(g)) => {
                    s.predictions += 1;
                    s.matched += u32::from(g.correct);
                }
                (true, None) => {}
                (false, _) => {
                    s.raw += c.first_raw.unwrap_or(0);
                    s.max += c.max;
                }
            }
        }
        s
    }

    /// Records an answer and its grade. The first graded try is what counts for the score.
    pub fn answered(&mut self, id: &str, answer: Answer, grade: Option<Grade>, max: u32) {
        let c = self.checks.entry(id.to_string()).or_insert(CheckProgress {
            answer: answer.clone(),
            grade: None,
            first_raw: None,
            max,
            tries: 0,
        });
        c.answer = answer;
        c.tries += 1;
        if c.first_raw.is_none() {
            c.first_raw = grade.as_ref().map(|g| g.raw);
        }
        c.grade = grade;
    }
}

impl LessonProgress {
    /// Sets the grade of a prediction once the run has settled it; it counts as the first try.
    pub fn reveal(&mut self, id: &str, grade: Grade) {
        if let Some(c) = self.checks.get_mut(id) {
            if c.first_raw.is_none() {
                c.first_raw = Some(grade.raw);
            }
            c.grade = Some(grade);
        }
    }
}

impl Progress {
    pub fn new() -> Self {
        Progress { version: VERSION, lessons: BTreeMap::new(), seen: Seen::default() }
    }

    pub fn status(&self, lesson: &str) -> Status {
        match self.lessons.get(lesson) {
            None => Status::NotStarted,
            Some(l) if l.completed => Status::Completed,
            Some(_) => Status::Started,
        }
    }

    /// Reads saved progress. `Err` carries what the student is told when it could not be
    /// used; the caller then starts afresh and backs up the text.
    pub fn parse(saved: Option<&str>) -> Result<Progress, String> {
        let Some(text) = saved else { return Ok(Progress::new()) };
        // The version first, so that old data is called old rather than broken.
        #[derive(Deserialize)]
        struct Versioned {
            version: Option<serde_json::Value>,
        }
        let version = serde_json::from_str::<Versioned>(text).ok().and_then(|v| v.version);
        match version.as_ref().and_then(|v| v.as_u64()) {
            Some(v) if v == VERSION as u64 => {}
            Some(v) => {
                return Err(format!(
                    "Your saved lesson progress is from another version of Fanout (format {v}, this one reads {VERSION}), so it starts afresh."
                ))
            }
            None => return Err("Your saved lesson progress could not be read (it is damaged), so it starts afresh.".into()),
        }
        serde_json::from_str::<Progress>(text)
            .map_err(|e| format!("Your saved lesson progress could not be read ({e}), so it starts afresh."))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The browser's storage, or nothing when it is unavailable (private windows may refuse it).
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Loads progress; returns a notice for the student when saved data had to be set aside.
pub fn load() -> (Progress, Option<String>) {
    let Some(s) = storage() else {
        return (
            Progress::new(),
            Some("This browser does not let Fanout save lesson progress; it lasts until the page is closed.".into()),
        );
    };
    let saved = s.get_item(KEY).ok().flatten();
    match Progress::parse(saved.as_deref()) {
        Ok(p) => (p, None),
        Err(why) => {
            if let Some(text) = saved {
                let _ = s.set_item(BACKUP_KEY, &text);
            }
            let _ = s.remove_item(KEY);
            (Progress::new(), Some(why))
        }
    }
}

/// Saves progress; a full or refused storage is not worth interrupting the lesson for.
pub fn save(p: &Progress) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &p.to_json());
    }
}

/// Forgets all progress (the reset control).
pub fn reset() -> Progress {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
    Progress::new()
}

/// Told of every change of progress, with the progress before and after (the postMessage
/// bridge turns changes into statements for the host page).
pub type Observer = std::rc::Rc<dyn Fn(&Progress, &Progress)>;

/// A shared handle on the progress; components compare handles by identity and re-render
/// on the lab's tick.
#[derive(Clone)]
pub struct ProgressHandle(
    pub std::rc::Rc<std::cell::RefCell<Progress>>,
    std::rc::Rc<std::cell::RefCell<Option<Observer>>>,
);

impl PartialEq for ProgressHandle {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl ProgressHandle {
    pub fn new(p: Progress) -> Self {
        ProgressHandle(std::rc::Rc::new(std::cell::RefCell::new(p)), Default::default())
    }
    pub fn observe(&self, observer: Observer) {
        *self.1.borrow_mut() = Some(observer);
    }
    /// Changes the progress and saves it.
    pub fn update<R>(&self, f: impl FnOnce(&mut Progress) -> R) -> R {
        let before = self.1.borrow().is_some().then(|| self.0.borrow().clone());
        let r = f(&mut self.0.borrow_mut());
        save(&self.0.borrow());
        let observer = self.1.borrow().clone();
        if let (Some(before), Some(observer)) = (before, observer) {
            observer(&before, &self.0.borrow());
        }
        r
    }
    pub fn lesson(&self, key: &str) -> LessonProgress {
        self.0.borrow().lessons.get(key).cloned().unwrap_or_default()
    }
}
