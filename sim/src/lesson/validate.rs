//! Checks a lesson before anyone sees it and turns its conditions into values the runner can
//! evaluate. Every problem is reported, each naming the lesson and step, so that an author
//! fixes a file in one pass.

use super::measure::{Condition, Ref};
use super::schema::{Lesson, LessonKind, LessonSet, Question, Step, HIGHLIGHTS, SCHEMA_VERSION};
use crate::fault::FaultSpec;
use crate::input::Action;
use crate::scenario::Scenario;
use crate::text::is_id;
use crate::timeline::Timeline;
use std::collections::{BTreeMap, BTreeSet};

/// A lesson that passed every check, with its conditions read.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub lesson: Lesson,
    pub scenario: Scenario,
    /// The wait condition of each step.
    pub waits: Vec<Option<Condition>>,
    /// Per predict question: the condition of each option, in order.
    pub predictions: BTreeMap<String, Vec<Condition>>,
    /// Per predict question: the numbers shown with its grade.
    pub shows: BTreeMap<String, Vec<Ref>>,
    /// Per record name: the measures some prediction or step reads from it.
    pub recorded: BTreeMap<String, Vec<Ref>>,
    /// Per step: the recorded numbers it shows (`Step::shows`), in order.
    pub step_shows: Vec<Vec<Ref>>,
}

/// A measure a question reads from a record: checked, once every step is known, against the
/// step that makes the record.
struct QuestionRead {
    /// The step that asks the question.
    step: usize,
    question: String,
    measure: Ref,
}

/// Longest a step may wait, in simulated seconds.
pub const MAX_WAIT_S: u32 = 600;

/// Reads and checks a lesson set (the `?quiz=` file, or the built-in lessons together).
pub fn load_set(json: &str) -> Result<(String, Vec<Compiled>), Vec<String>> {
    let set: LessonSet = serde_json::from_str(json).map_err(|e| vec![format!("the file is not a lesson set: {e}")])?;
    if set.schema != SCHEMA_VERSION {
        return Err(vec![format!(
            "schema is {}, but this version of Fanout reads schema {SCHEMA_VERSION}",
            set.schema
        )]);
    }
    if set.lessons.is_empty() {
        return Err(vec!["the set has no lessons".into()]);
    }
    compile_all(set.lessons).map(|c| (set.title, c))
}

/// Reads one lesson file.
pub fn parse_lesson(json: &str) -> Result<Lesson, String> {
    serde_json::from_str(json).map_err(|e| format!("not a lesson: {e}"))
}

/// Checks several lessons, including that their ids are distinct.
pub fn compile_all(lessons: Vec<Lesson>) -> Result<Vec<Compiled>, Vec<String>> {
    let mut errors = Vec::new();
    let mut ids = BTreeSet::new();
    for l in &lessons {
        if !ids.insert(l.id.clone()) {
            errors.push(format!("two lessons have the id `{}`", l.id));
        }
    }
    let mut out = Vec::new();
    for l in lessons {
        match compile(l) {
            Ok(c) => out.push(c),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub fn compile(lesson: Lesson) -> Result<Compiled, Vec<String>> {
    let mut errors = Vec::new();
    let lid = lesson.id.clone();
    let mut err = |at: &str, msg: String| {
        errors.push(if at.is_empty() {
            format!("lesson `{lid}`: {msg}")
        } else {
            format!("lesson `{lid}`, {at}: {msg}")
        })
    };
    if !is_id(&lesson.id) {
        err("", "the id must be lower-case letters, digits and dashes".into());
    }
    for (name, text) in [("title", &lesson.title), ("concept", &lesson.concept), ("summary", &lesson.summary)] {
        if text.trim().is_empty() {
            err("", format!("{name} is empty"));
        }
    }
    if lesson.steps.is_empty() {
        err("", "it has no steps".into());
    }
    let Some(scenario) = Scenario::by_id(&lesson.lab.scenario) else {
        err("lab", format!("unknown scenario `{}`; scenarios are {}", lesson.lab.scenario, Scenario::IDS.join(", ")));
        return Err(errors);
    };

    // The lab and every step's changes must be accepted, in order, as the lesson will make them.
    let mut lab = match lesson.lab.setup() {
        Ok(setup) => match Timeline::new(&setup) {
            Ok(t) => Some(t),
            Err(e) => {
                err("lab", e);
                None
            }
        },
        Err(es) => {
            for e in es {
                err("lab", e);
            }
            None
        }
    };
    if let Some(t) = lab.as_mut() {
        for a in &lesson.lab.actions {
            if let Err(e) = t.apply(a.clone()) {
                err("lab", e);
            }
        }
    }

    let mut waits = Vec::new();
    let mut predictions = BTreeMap::new();
    let mut shows = BTreeMap::new();
    let mut recorded: BTreeMap<String, Vec<Ref>> = BTreeMap::new();
    let mut step_shows = Vec::new();
    let mut step_ids = BTreeSet::new();
    let mut question_ids = BTreeSet::new();
    // Record name -> step index that makes it; predict id -> step index that asks it.
    let mut records = BTreeMap::new();
    let mut asked = BTreeMap::new();
    let mut revealed = BTreeSet::new();
    let mut reads: Vec<QuestionRead> = Vec::new();
    let mut design_steps = 0;
    for (k, step) in lesson.steps.iter().enumerate() {
        let at = format!("step `{}`", step.id);
        if !is_id(&step.id) {
            err(&at, "the id must be lower-case letters, digits and dashes".into());
        }
        if !step_ids.insert(step.id.clone()) {
            err(&at, "another step has this id".into());
        }
        if step.text.trim().is_empty() {
            err(&at, "its text is empty".into());
        }
        for a in step_actions(step).into_iter() {
            match a {
                Ok(a) => {
                    if let Some(t) = lab.as_mut() {
                        if let Err(e) = t.apply(a) {
                            err(&at, e);
                        }
                    }
                }
                Err(e) => err(&at, e),
            }
        }
        for h in &step.highlight {
            if !HIGHLIGHTS.contains(&h.as_str()) && scenario.catalog_index(h).is_none() {
                err(&at, format!("cannot highlight `{h}`; use a service key or one of {}", HIGHLIGHTS.join(", ")));
            }
        }
        waits.push(match &step.wait {
            None => None,
            Some(w) => {
                if w.within_s == 0 || w.within_s > MAX_WAIT_S {
                    err(&at, format!("within_s must be 1 to {MAX_WAIT_S} simulated seconds"));
                }
                if w.label.trim().is_empty() {
                    err(&at, "the wait needs a label saying what it waits for".into());
                }
                match Condition::parse(&w.until, &scenario) {
                    Ok(c) if c.refs().any(|r| r.record.is_some()) => {
                        err(&at, format!("`{}`: a wait reads the lab as it is, not a record", w.until));
                        None
                    }
                    Ok(c) => Some(c),
                    Err(e) => {
                        err(&at, e);
                        None
                    }
                }
            }
        });
        if let Some(name) = &step.record {
            if step.wait.is_none() {
                err(&at, "a step that records must wait for something".into());
            }
            if !is_id(&name.replace('_', "-")) || name.contains('.') {
                err(&at, format!("record name `{name}` must be letters, digits and dashes"));
            }
            if records.insert(name.clone(), k).is_some() {
                err(&at, format!("record `{name}` is made twice"));
            }
        }
        let mut mine = Vec::new();
        for sh in &step.shows {
            if sh.label.trim().is_empty() {
                err(&at, "a shown number needs a label".into());
            }
            match Ref::parse(&sh.value, &scenario) {
                Ok(r) => match r.record.as_deref().map(|n| (n, records.get(n))) {
                    Some((_, Some(&rk))) if rk < k => {
                        let list = recorded.entry(r.record.clone().unwrap_or_default()).or_default();
                        let plain = Ref { record: None, ..r.clone() };
                        if !list.contains(&plain) {
                            list.push(plain);
                        }
                        mine.push(r);
                    }
                    Some((name, _)) => {
                        err(&at, format!("shows `{}`: record `{name}` must be made by an earlier step", sh.value))
                    }
                    None => err(&at, format!("shows `{}`: name the record, as in `before.{}`", sh.value, r.key)),
                },
                Err(e) => err(&at, e),
            }
        }
        step_shows.push(mine);
        if step.design {
            design_steps += 1;
            if lesson.kind != LessonKind::Challenge {
                err(&at, "only a challenge has a design step".into());
            }
        }
        if let Some(q) = &step.question {
            let qat = format!("{at}, question `{}`", q.id());
            if !is_id(q.id()) {
                err(&qat, "the id must be lower-case letters, digits and dashes".into());
            }
            if !question_ids.insert(q.id().to_string()) {
                err(&qat, "another question has this id".into());
            }
            if q.prompt().trim().is_empty() {
                err(&qat, "the prompt is empty".into());
            }
            check_question(q, &scenario, &mut |m| err(&qat, m), &mut |cs, ss| {
                for r in cs.iter().flat_map(|c: &Condition| c.refs()).chain(ss.iter()) {
                    reads.push(QuestionRead { step: k, question: q.id().to_string(), measure: r.clone() });
                }
                predictions.insert(q.id().to_string(), cs);
                shows.insert(q.id().to_string(), ss);
                asked.insert(q.id().to_string(), k);
            });
        }
        if let Some(id) = &step.reveal {
            match asked.get(id) {
                None => err(&at, format!("reveals `{id}`, which is not a prediction asked in an earlier step")),
                Some(_) if !revealed.insert(id.clone()) => err(&at, format!("`{id}` is revealed twice")),
                Some(_) => {}
            }
        }
    }
    for QuestionRead { step: qk, question: qid, measure: r } in &reads {
        let name = r.record.clone().unwrap_or_default();
        let reveal = lesson.steps.iter().position(|s| s.reveal.as_deref() == Some(qid.as_str()));
        match records.get(&name) {
            _ if r.record.is_none() => {
                err(&format!("question `{qid}`"), format!("`{}` must name a record, as in `before.{}`", r.key, r.key))
            }
            None => err(&format!("question `{qid}`"), format!("reads record `{name}`, which no step makes")),
            Some(&rk) if rk <= *qk => err(
                &format!("question `{qid}`"),
                format!("reads record `{name}`, made before the prediction is asked; predict first, then run"),
            ),
            Some(&rk) if reveal.is_some_and(|v| rk > v) => {
                err(&format!("question `{qid}`"), format!("is revealed before record `{name}` is made"))
            }
            Some(_) => {
                let list = recorded.entry(name).or_default();
                let plain = Ref { record: None, ..r.clone() };
                if !list.contains(&plain) {
                    list.push(plain);
                }
            }
        }
    }
    for id in asked.keys() {
        if !revealed.contains(id) {
            err(&format!("question `{id}`"), "this prediction is never revealed; add a step with `reveal`".into());
        }
    }
    match (lesson.kind, design_steps, lesson.design.is_empty()) {
        (LessonKind::Challenge, 1, false) => {
            for d in &lesson.design {
                if scenario.catalog_index(&d.service).is_none() {
                    err("design", format!("`{}` is not a service of the {} scenario", d.service, scenario.id));
                }
                for (what, dec) in [("sync", &d.sync), ("ordered", &d.ordered), ("idempotent", &d.idempotent)] {
                    if dec.why.trim().is_empty() {
                        err("design", format!("{}: the {what} answer needs a why", d.service));
                    }
                }
            }
        }
        (LessonKind::Challenge, _, _) => err("", "a challenge needs one design step and a design answer list".into()),
        (LessonKind::Lesson, _, false) => err("", "only a challenge has design answers".into()),
        _ => {}
    }
    if errors.is_empty() {
        Ok(Compiled { lesson, scenario, waits, predictions, shows, recorded, step_shows })
    } else {
        Err(errors)
    }
}

/// The changes a step makes to the lab when it starts, in order: clear, inject, actions.
pub fn step_actions(step: &Step) -> Vec<Result<Action, String>> {
    let fault = |spec: &String| -> Result<crate::fault::Fault, String> {
        let f = FaultSpec::parse(spec)?;
        if f.from_us != 0 || f.until_us.is_some() {
            return Err(format!("`{spec}`: a step injects or clears a fault now; leave out the time window"));
        }
        Ok(f.fault)
    };
    let clear = step.clear.iter().map(|s| fault(s).map(|fault| Action::Clear { fault }));
    let inject = step.inject.iter().map(|s| fault(s).map(|fault| Action::Inject { fault }));
    clear.chain(inject).chain(step.actions.iter().cloned().map(Ok)).collect()
}

fn check_question(
    q: &Question,
    scenario: &Scenario,
    err: &mut dyn FnMut(String),
    predict: &mut dyn FnMut(Vec<Condition>, Vec<Ref>),
) {
    let mut ids = BTreeSet::new();
    let mut option = |id: &str, text: &str, feedback: &str, err: &mut dyn FnMut(String)| {
        if !ids.insert(id.to_string()) || id.is_empty() {
            err(format!("option ids must be distinct and not empty (`{id}`)"));
        }
        if text.trim().is_empty() {
            err(format!("option `{id}` has no text"));
        }
        if feedback.trim().is_empty() {
            err(format!("option `{id}` has no feedback saying why"));
        }
    };
    match q {
        Question::Single { options, .. } | Question::Multiple { options, .. } => {
            for o in options {
                option(&o.id, &o.text, &o.feedback, err);
            }
            let right = options.iter().filter(|o| o.correct).count();
            if options.len() < 2 {
                err("it needs at least two options".into());
            }
            match q {
                Question::Single { .. } if right != 1 => {
                    err(format!("exactly one option must be correct; {right} are"))
                }
                Question::Multiple { .. } if right == 0 => err("no option is marked correct".into()),
                _ => {}
            }
        }
        Question::Ordering { items, explanation, .. } => {
            for i in items {
                option(&i.id, &i.text, &i.feedback, err);
            }
            if items.len() < 3 {
                err("it needs at least three items to put in order".into());
            }
            if explanation.trim().is_empty() {
                err("the explanation is empty".into());
            }
        }
        Question::Predict { options, shows, .. } => {
            let mut conds = Vec::new();
            for o in options {
                option(&o.id, &o.text, &o.feedback, err);
                match Condition::parse(&o.when, scenario) {
                    Ok(c) => conds.push(c),
                    Err(e) => err(format!("option `{}`: {e}", o.id)),
                }
            }
            if options.len() < 2 {
                err("it needs at least two options".into());
            }
            let mut refs = Vec::new();
            for s in shows {
                if s.label.trim().is_empty() {
                    err("a shown number needs a label".into());
                }
                match Ref::parse(&s.value, scenario) {
                    Ok(r) => refs.push(r),
                    Err(e) => err(e),
                }
            }
            if shows.is_empty() {
                err("a prediction must show the numbers it was graded on (`shows`)".into());
            }
            if conds.len() == options.len() {
                predict(conds, refs);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = include_str!("../../../content/lessons/01-coupling.json");

    /// The coupling lesson with one change made to its JSON text.
    fn broken(from: &str, to: &str) -> Vec<String> {
        assert!(GOOD.contains(from), "{from}");
        let text = GOOD.replacen(from, to, 1);
        match parse_lesson(&text) {
            Err(e) => vec![e],
            Ok(l) => compile(l).err().unwrap_or_default(),
        }
    }

    fn says(errors: &[String], what: &str) -> bool {
        errors.iter().any(|e| e.contains(what))
    }

    #[test]
    fn the_model_lesson_is_valid() {
        let c = compile(parse_lesson(GOOD).unwrap()).unwrap();
        assert_eq!(c.recorded["healthy"][0].key, "checkout_p95_ms");
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let e = broken("\"summary\":", "\"sumary\":");
        assert!(says(&e, "unknown field `sumary`"), "{e:?}");
    }

    #[test]
    fn a_question_without_a_right_answer_is_refused() {
        let e = broken("\"correct\": true,\n            \"feedback\": \"Yes: with", "\"feedback\": \"Yes: with");
        assert!(says(&e, "question `why-coupled`") && says(&e, "exactly one option must be correct; 0 are"), "{e:?}");
    }

    #[test]
    fn unknown_services_and_scenarios_are_refused() {
        let e = broken("slow:analytics:2000ms", "slow:billing:2000ms");
        assert!(says(&e, "step `slow`") && says(&e, "billing"), "{e:?}");
        let e = broken("\"highlight\": [\"analytics\", \"checkout-chart\"]", "\"highlight\": [\"analytix\"]");
        assert!(says(&e, "cannot highlight `analytix`"), "{e:?}");
        let e = broken("\"scenario\": \"checkout\"", "\"scenario\": \"bakery\"");
        assert!(says(&e, "unknown scenario `bakery`"), "{e:?}");
        let e = broken(
            "placed >= 20\", \"within_s\": 60, \"label\": \"20 orders placed\"",
            "lag:bakery >= 20\", \"within_s\": 60, \"label\": \"x\"",
        );
        assert!(says(&e, "does not have"), "{e:?}");
    }

    #[test]
    fn predictions_must_be_asked_before_their_records_and_revealed() {
        let e = broken("\"reveal\": \"slow-analytics\"", "\"highlight\": []");
        assert!(says(&e, "never revealed"), "{e:?}");
        let e = broken("\"record\": \"healthy\"", "\"record\": \"early\"");
        assert!(says(&e, "which no step makes"), "{e:?}");
        let e = broken("healthy.checkout_p95_ms + 1500", "checkout_p95_ms + 1500");
        assert!(says(&e, "must name a record"), "{e:?}");
    }

    #[test]
    fn a_change_the_lab_refuses_is_reported_at_its_step() {
        let e = broken(
            "{ \"action\": \"set-wiring\", \"wiring\": \"event\" }",
            "{ \"action\": \"add-subscriber\", \"service\": \"email\" }",
        );
        assert!(says(&e, "step `switch`"), "{e:?}");
    }

    #[test]
    fn a_lesson_set_checks_its_schema_and_ids() {
        let lesson: serde_json::Value = serde_json::from_str(GOOD).unwrap();
        let set = |schema: u32, lessons: Vec<serde_json::Value>| {
            serde_json::json!({ "schema": schema, "title": "T", "lessons": lessons }).to_string()
        };
        assert!(load_set(&set(1, vec![lesson.clone()])).is_ok());
        assert!(load_set(&set(2, vec![lesson.clone()])).unwrap_err()[0].contains("reads schema 1"));
        assert!(says(
            &load_set(&set(1, vec![lesson.clone(), lesson])).unwrap_err(),
            "two lessons have the id `coupling`"
        ));
        assert!(load_set("not json").unwrap_err()[0].contains("not a lesson set"));
        assert!(load_set(&set(1, vec![])).unwrap_err()[0].contains("no lessons"));
    }
}
