//! A step may show numbers earlier steps recorded, side by side: lesson 1 shows the checkout
//! time of its event-driven run beside the request-driven one, so the student sees both.

use fanout_sim::lesson::builtin::lessons;
use fanout_sim::lesson::grade::step_numbers;
use fanout_sim::lesson::run::LessonRun;
use fanout_sim::lesson::validate::parse_lesson;
use fanout_sim::lesson::{compile, Compiled};

fn coupling() -> Compiled {
    lessons().unwrap().into_iter().find(|c| c.lesson.id == "coupling").unwrap()
}

#[test]
fn lesson_one_shows_the_event_driven_number_beside_the_request_driven_one() {
    let c = coupling();
    let why = c.lesson.steps.iter().position(|s| s.id == "why").unwrap();
    let (mut run, mut lab) = LessonRun::start(&c).unwrap();
    for k in 0..=why {
        if k > 0 {
            run.enter(&c, k, &mut lab).unwrap();
        }
        assert!(run.run_step(&c, &mut lab), "step {k}");
    }
    let numbers = step_numbers(&c, why, &run.records);
    assert_eq!(numbers.len(), 2, "{numbers:?}");
    let ms = |v: &str| -> f64 {
        let (n, unit) = v.split_once(' ').unwrap();
        n.replace(',', "").parse::<f64>().unwrap() * if unit == "s" { 1000.0 } else { 1.0 }
    };
    let (direct, events) = (ms(&numbers[0].1), ms(&numbers[1].1));
    assert!(events * 2.0 < direct, "events {events} ms against direct calls {direct} ms: {numbers:?}");
}

#[test]
fn a_step_can_only_show_what_an_earlier_step_recorded() {
    let text = include_str!("../../content/lessons/01-coupling.json");
    // Show the event-driven number on the step that records it: too early.
    let early = text.replacen(
        "\"record\": \"events\",",
        "\"record\": \"events\", \"shows\": [{ \"label\": \"x\", \"value\": \"events.checkout_p95_ms\" }],",
        1,
    );
    assert_ne!(early, text);
    let errors = compile(parse_lesson(&early).unwrap()).unwrap_err();
    assert!(errors.iter().any(|e| e.contains("must be made by an earlier step")), "{errors:?}");
    // A number with no record named.
    let bare = text.replacen("\"value\": \"events.checkout_p95_ms\"", "\"value\": \"checkout_p95_ms\"", 1);
    assert_ne!(bare, text);
    let errors = compile(parse_lesson(&bare).unwrap()).unwrap_err();
    assert!(errors.iter().any(|e| e.contains("name the record")), "{errors:?}");
}
