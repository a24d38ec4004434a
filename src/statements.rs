//! Results for the host page as xAPI-shaped statements: "answered" for each graded try at a
//! check, "completed" when a lesson is finished. The host adds the `actor` (it knows the
//! learner; the lab does not) and forwards them to its learning record store if it has one.

use crate::course::Course;
use crate::progress::{CheckProgress, Progress};
use fanout_sim::params::percent_encode;
use serde_json::{json, Value};

const ANSWERED: &str = "http://adlnet.gov/expapi/verbs/answered";
const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
const INTERACTION: &str = "http://adlnet.gov/expapi/activities/cmi.interaction";
const LESSON: &str = "http://adlnet.gov/expapi/activities/lesson";
/// The share of first-try points that passes a lesson.
pub const PASS_SCALED: f64 = 0.6;
/// Which try a statement reports (1 for the first).
pub const ATTEMPT: &str = "urn:fanout:xapi:attempt";

/// A statement to send, with the message type it goes under.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub kind: &'static str,
    pub lesson: String,
    pub check: Option<String>,
    pub statement: Value,
}

/// The lesson's activity id: this page's address with `?lesson=`, which opens the lesson.
pub fn lesson_iri(page: &str, lesson: &str) -> String {
    format!("{page}?lesson={}", percent_encode(lesson))
}

fn score(raw: u32, max: u32) -> Value {
    let scaled = if max == 0 { 0.0 } else { raw as f64 / max as f64 };
    json!({ "raw": raw, "min": 0, "max": max, "scaled": scaled })
}

/// The statements a change of progress calls for: each check graded anew, each lesson that
/// became completed. `page` is the lab's address without its query.
pub fn changes(before: &Progress, after: &Progress, course: &Course, page: &str, now: &str) -> Vec<Outgoing> {
    let mut out = Vec::new();
    for (key, l) in &after.lessons {
        let old = before.lessons.get(key);
        let compiled = course.find(key);
        let title = compiled.as_ref().map_or(key.clone(), |c| c.lesson.title.clone());
        let parent = lesson_iri(page, key);
        for (qid, c) in &l.checks {
            let was = old.and_then(|o| o.checks.get(qid));
            let graded_anew = c.grade.is_some() && (was.map(|w| (w.tries, w.grade.is_some())) != Some((c.tries, true)));
            if !graded_anew {
                continue;
            }
            let prompt = compiled
                .as_ref()
                .and_then(|c| c.lesson.question(qid).map(|(_, q)| q.prompt().to_string()))
                .unwrap_or_else(|| if qid == "design" { format!("{title}: your design") } else { qid.clone() });
            out.push(Outgoing {
                kind: "answered",
                lesson: key.clone(),
                check: Some(qid.clone()),
                statement: answered(&parent, qid, &prompt, c, now),
            });
        }
        if l.completed && !old.is_some_and(|o| o.completed) {
            // Predictions are reported on their own statements, not in the lesson's score.
            let crate::progress::Score { raw, max, .. } =
                compiled.as_ref().map(|c| l.score(&c.lesson)).unwrap_or_default();
            let mut result = json!({ "score": score(raw, max), "completion": true });
            result["success"] = json!(max == 0 || raw as f64 / max as f64 >= PASS_SCALED);
            out.push(Outgoing {
                kind: "completed",
                lesson: key.clone(),
                check: None,
                statement: json!({
                    "verb": { "id": COMPLETED, "display": { "en-US": "completed" } },
                    "object": {
                        "objectType": "Activity",
                        "id": parent,
                        "definition": { "name": { "en-US": title }, "type": LESSON },
                    },
                    "result": result,
                    "timestamp": now,
                }),
            });
        }
    }
    out
}

fn answered(parent: &str, qid: &str, prompt: &str, c: &CheckProgress, now: &str) -> Value {
    let g = c.grade.as_ref().expect("graded");
    json!({
        "verb": { "id": ANSWERED, "display": { "en-US": "answered" } },
        "object": {
            "objectType": "Activity",
            "id": format!("{parent}#check-{}", percent_encode(qid)),
            "definition": { "name": { "en-US": prompt }, "type": INTERACTION },
        },
        "result": {
            "score": score(g.raw, g.max),
            "success": g.correct,
            "extensions": { ATTEMPT: c.tries },
        },
        "context": { "contextActivities": { "parent": [{ "objectType": "Activity", "id": parent }] } },
        "timestamp": now,
    })
}
