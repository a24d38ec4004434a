//! The built-in lessons, checked as a student would meet them: every file is valid, every
//! lesson runs headless to the end within its waits' budgets, and every prediction has one
//! right answer that does not hinge on the particular seed.

use fanout_sim::lesson::builtin::{compile_texts, lessons, FILES, NAMES};
use fanout_sim::lesson::grade::{grade, Answer};
use fanout_sim::lesson::run::LessonRun;
use fanout_sim::lesson::schema::Question;
use fanout_sim::lesson::{compile, Compiled};

fn all() -> Vec<Compiled> {
    lessons().unwrap_or_else(|errors| panic!("lesson content has problems:\n{}", errors.join("\n")))
}

#[test]
fn every_lesson_file_is_listed_and_validates() {
    let mut on_disk: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../content/lessons"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FILES.iter().map(|(f, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "content/lessons and the list in lesson/builtin.rs differ");
    assert!(!all().is_empty());
    // The page fetches the files by these names, in this order.
    assert_eq!(NAMES, FILES.iter().map(|(f, _)| *f).collect::<Vec<_>>());
}

#[test]
fn lesson_texts_that_arrive_damaged_are_refused_file_by_file() {
    let mut files: Vec<(&str, &str)> = FILES.to_vec();
    files[2].1 = "{ \"id\": ";
    files[5].1 = "";
    let errors = compile_texts(files).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with(FILES[2].0) && errors[1].starts_with(FILES[5].0), "{errors:?}");
}

/// Runs a lesson headless: every wait must come true within its budget. Returns the run.
fn run_through(c: &Compiled) -> LessonRun {
    let (mut run, mut lab) = LessonRun::start(c).unwrap();
    for k in 0..c.lesson.steps.len() {
        if k > 0 {
            run.enter(c, k, &mut lab).unwrap_or_else(|e| panic!("{}: step {k}: {e}", c.lesson.id));
        }
        let step = &c.lesson.steps[k];
        assert!(
            run.run_step(c, &mut lab),
            "lesson {}, step {}: `{}` did not come true within {} s",
            c.lesson.id,
            step.id,
            step.wait.as_ref().unwrap().until,
            step.wait.as_ref().unwrap().within_s
        );
    }
    run
}

/// The right option of every prediction in the lesson, graded on a run.
fn truths(c: &Compiled, run: &LessonRun) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for step in &c.lesson.steps {
        if let Some(q @ Question::Predict { id, options, .. }) = &step.question {
            let right: Vec<&str> = options
                .iter()
                .filter(|o| grade(c, q, &Answer::Choice(o.id.clone()), &run.records).unwrap().correct)
                .map(|o| o.id.as_str())
                .collect();
            assert_eq!(right.len(), 1, "lesson {}, prediction {id}: right options {right:?}", c.lesson.id);
            out.push((id.clone(), right[0].to_string()));
        }
    }
    out
}

#[test]
fn every_lesson_runs_headless_within_its_waits() {
    for c in all() {
        run_through(&c);
    }
}

#[test]
fn every_prediction_has_one_right_answer_whatever_the_seed() {
    for c in all() {
        let expected = truths(&c, &run_through(&c));
        for bump in 1..=3 {
            let mut lesson = c.lesson.clone();
            lesson.lab.seed += bump;
            let other = compile(lesson).unwrap();
            assert_eq!(truths(&other, &run_through(&other)), expected, "lesson {} with seed +{bump}", c.lesson.id);
        }
    }
}

#[test]
fn the_course_has_enough_checks() {
    let all = all();
    for c in &all {
        assert!(
            c.lesson.check_count() >= 3,
            "lesson {} has {} checks; at least 3",
            c.lesson.id,
            c.lesson.check_count()
        );
    }
    let total: usize = all.iter().map(|c| c.lesson.check_count()).sum();
    assert!(total >= 40, "{total} checks in all; at least 40");
}
