//! The built-in lessons, checked as a student would meet them: every file is valid, every
//! lesson runs headless to the end within its waits' budgets, and every prediction has one
//! right answer that does not hinge on the particular seed.

use fanout_sim::lesson::builtin::{compile_texts, lessons, FILES, NAMES};
use fanout_sim::lesson::grade::{grade, grade_design, Answer, DesignChoice};
use fanout_sim::lesson::run::LessonRun;
use fanout_sim::lesson::schema::Question;
use fanout_sim::lesson::{compile, Compiled};
use fanout_sim::Scenario;

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

/// Punctuation that ends or joins a phrase.
const MARKS: &[char] = &['.', ',', ';', ':', '!', '?'];
/// What may stand between a phrase's last mark and the next one without hiding a double:
/// closing quotes and brackets, as in `“It grows.”.`.
const CLOSERS: &[char] = &['”', '’', '"', '\'', ')', ']'];

/// Every doubled punctuation mark in `text`, each with a little of the text around it: two
/// dots that are not an ellipsis (`..`, `....`), two marks in a row (`,.` `.,` `?.` `!.`,
/// also across a closing quote: `.”.`), a space before a mark (` .`, so `. .` too), and two
/// spaces in a row. Empty when the text is clean.
fn doubled_punctuation(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let around = |k: usize| -> String {
        let from = k.saturating_sub(12);
        let to = (k + 12).min(chars.len());
        chars[from..to].iter().collect()
    };
    let mut found = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        if c == '.' {
            // A run of dots: one is a full stop, three an ellipsis; anything else is doubled.
            let run = chars[k..].iter().take_while(|&&d| d == '.').count();
            if run == 2 || run > 3 {
                found.push(format!("{run} dots in “{}”", around(k)));
            }
            if run > 1 {
                k += run - 1;
            }
        }
        let c = chars[k];
        if MARKS.contains(&c) {
            let mut j = k + 1;
            while j < chars.len() && CLOSERS.contains(&chars[j]) {
                j += 1;
            }
            if j < chars.len() && MARKS.contains(&chars[j]) {
                found.push(format!("“{c}” then “{}” in “{}”", chars[j], around(k)));
            }
        }
        if c == ' ' && k + 1 < chars.len() {
            let next = chars[k + 1];
            if MARKS.contains(&next) {
                found.push(format!("a space before “{next}” in “{}”", around(k)));
            } else if next == ' ' {
                found.push(format!("two spaces in “{}”", around(k)));
            }
        }
        k += 1;
    }
    found
}

#[test]
fn the_doubled_punctuation_check_finds_what_is_planted_and_passes_good_prose() {
    for bad in [
        "The order went through..",
        "Yes,. that is it.",
        "No., not this one.",
        "Why?. Because.",
        "Stop!. Now.",
        "A space before the stop .",
        "Two stops with a space. . Oops.",
        "Two  spaces.",
        "You left out “Publish an event.”. It helps.",
        "Did it work?”.",
        "Too many dots....",
        "A list: , then more.",
    ] {
        assert!(!doubled_punctuation(bad).is_empty(), "not caught: {bad:?}");
    }
    for good in [
        "Wait... then go.",
        "Stop waiting for Analytics' answer before replying, e.g. hand it to a queue.",
        "About a fifth of a second (0.2 s).",
        "Shown as money, $1,114.08, not as a count.",
        "The rider sees “Booked.” Then the driver arrives.",
        "Run until `lag:email == 0`.",
        "Events already on their way finish first.\n\nThen the next step.",
        "- An event: something that happened.\n- A command: do this.",
    ] {
        assert_eq!(doubled_punctuation(good), Vec::<String>::new(), "wrongly caught: {good:?}");
    }
}

/// Every text a student can read in a lesson, each with where it is: the lesson's own words,
/// every step, wait, shown number, question, option, item and design reason.
fn student_texts(c: &Compiled) -> Vec<(String, String)> {
    let l = &c.lesson;
    let mut out = Vec::new();
    let mut add = |at: String, text: &str| out.push((format!("lesson {}, {at}", l.id), text.to_string()));
    add("title".into(), &l.title);
    add("concept".into(), &l.concept);
    add("summary".into(), &l.summary);
    for s in &l.steps {
        let at = format!("step {}", s.id);
        add(format!("{at}, text"), &s.text);
        if let Some(w) = &s.wait {
            add(format!("{at}, wait label"), &w.label);
        }
        for shown in &s.shows {
            add(format!("{at}, shows label"), &shown.label);
        }
        let Some(q) = &s.question else { continue };
        let at = format!("{at}, question {}", q.id());
        add(format!("{at}, prompt"), q.prompt());
        match q {
            Question::Single { options, .. } | Question::Multiple { options, .. } => {
                for o in options {
                    add(format!("{at}, option {} text", o.id), &o.text);
                    add(format!("{at}, option {} feedback", o.id), &o.feedback);
                }
            }
            Question::Ordering { items, explanation, .. } => {
                for i in items {
                    add(format!("{at}, item {} text", i.id), &i.text);
                    add(format!("{at}, item {} feedback", i.id), &i.feedback);
                }
                add(format!("{at}, explanation"), explanation);
            }
            Question::Predict { options, shows, .. } => {
                for o in options {
                    add(format!("{at}, option {} text", o.id), &o.text);
                    add(format!("{at}, option {} feedback", o.id), &o.feedback);
                }
                for shown in shows {
                    add(format!("{at}, shows label"), &shown.label);
                }
            }
        }
    }
    for d in &l.design {
        for (what, dec) in [("sync", &d.sync), ("ordered", &d.ordered), ("idempotent", &d.idempotent)] {
            add(format!("design {}, {what} why", d.service), &dec.why);
        }
    }
    out
}

/// The feedback lines the grader writes out of the lesson's texts, which join them with
/// words of its own (“You left out “…”. …”, “Place 2: “…”. …”, “You predicted: …. …”,
/// “Pricing must be idempotent. …”): every option of every question answered wrongly,
/// every prediction graded on a real run, and the design answered all wrong.
fn graded_lines(c: &Compiled) -> Vec<(String, String)> {
    let l = &c.lesson;
    let run = run_through(c);
    let mut out = Vec::new();
    for s in &l.steps {
        let Some(q) = &s.question else { continue };
        let answers: Vec<Answer> = match q {
            Question::Single { options, .. } => options.iter().map(|o| Answer::Choice(o.id.clone())).collect(),
            Question::Predict { options, .. } => options.iter().map(|o| Answer::Choice(o.id.clone())).collect(),
            // Nothing picked (every right option left out) and everything picked.
            Question::Multiple { options, .. } => {
                vec![Answer::Choices(vec![]), Answer::Choices(options.iter().map(|o| o.id.clone()).collect())]
            }
            // Backwards: every item out of place (an odd middle one aside).
            Question::Ordering { items, .. } => {
                vec![Answer::Order(items.iter().rev().map(|i| i.id.clone()).collect())]
            }
        };
        for a in answers {
            let g = grade(c, q, &a, &run.records).unwrap_or_else(|e| panic!("lesson {}, {}: {e}", l.id, q.id()));
            for line in g.feedback {
                out.push((format!("lesson {}, graded {} ({a:?})", l.id, q.id()), line.text));
            }
        }
    }
    if !l.design.is_empty() {
        let scenario = Scenario::by_id(&l.lab.scenario).unwrap();
        let name =
            |key: &str| scenario.catalog.iter().find(|s| s.key == key).map_or(key.to_string(), |s| s.name.clone());
        let all_wrong: Vec<DesignChoice> = l
            .design
            .iter()
            .map(|d| DesignChoice {
                service: d.service.clone(),
                subscribed: true,
                sync: !d.sync.answer,
                ordered: !d.ordered.answer,
                idempotent: !d.idempotent.answer,
            })
            .collect();
        for choices in [all_wrong, vec![]] {
            for line in grade_design(&l.design, &choices, &name).feedback {
                out.push((format!("lesson {}, graded design", l.id), line.text));
            }
        }
    }
    out
}

#[test]
fn no_student_facing_text_has_doubled_punctuation() {
    let mut problems = Vec::new();
    for c in all() {
        for (at, text) in student_texts(&c).into_iter().chain(graded_lines(&c)) {
            for p in doubled_punctuation(&text) {
                problems.push(format!("{at}: {p}"));
            }
        }
    }
    assert!(problems.is_empty(), "{} doubled punctuation marks:\n{}", problems.len(), problems.join("\n"));
}
