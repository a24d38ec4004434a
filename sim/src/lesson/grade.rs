//! Grades an answer and says why. Choice and ordering questions are graded against the
//! lesson file; predictions against the numbers the student's own run recorded.

use super::measure::format_value;
use super::run::Records;
use super::schema::{DesignAnswer, Question};
use super::validate::Compiled;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Answer {
    /// A single choice or a prediction: the option id.
    Choice(String),
    /// A multiple choice: the option ids picked.
    Choices(Vec<String>),
    /// An ordering: item ids, first to last.
    Order(Vec<String>),
    /// The design form: what the student decided for each service.
    Design(Vec<DesignChoice>),
}

/// The student's design for one service of the challenge.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignChoice {
    pub service: String,
    pub subscribed: bool,
    pub sync: bool,
    pub ordered: bool,
    pub idempotent: bool,
}

/// One line of feedback: whether it is about something right, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub ok: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub correct: bool,
    /// Points earned and possible: 1 of 1 for a question, one per decision for a design.
    pub raw: u32,
    pub max: u32,
    pub feedback: Vec<Line>,
    /// For a prediction: the recorded numbers it was graded on, labelled.
    pub numbers: Vec<(String, String)>,
}

impl Grade {
    fn of(correct: bool, feedback: Vec<Line>) -> Grade {
        Grade { correct, raw: u32::from(correct), max: 1, feedback, numbers: vec![] }
    }

    /// A prediction the run could not settle (the lab was changed while it ran): no points,
    /// and the reason.
    pub fn unsettled(why: &str) -> Grade {
        Grade::of(false, vec![line(false, &format!("Not graded: {why}."))])
    }
}

fn line(ok: bool, text: &str) -> Line {
    Line { ok, text: text.to_string() }
}

/// Grades `answer` to question `q` of lesson `c`. An answer of the wrong shape, or a
/// prediction the run did not settle (the student changed the lab), is an error.
pub fn grade(c: &Compiled, q: &Question, answer: &Answer, records: &Records) -> Result<Grade, String> {
    match (q, answer) {
        (Question::Single { options, .. }, Answer::Choice(id)) => {
            let o = options.iter().find(|o| &o.id == id).ok_or_else(|| format!("no option `{id}`"))?;
            Ok(Grade::of(o.correct, vec![line(o.correct, &o.feedback)]))
        }
        (Question::Multiple { options, .. }, Answer::Choices(ids)) => {
            if let Some(bad) = ids.iter().find(|id| !options.iter().any(|o| &o.id == *id)) {
                return Err(format!("no option `{bad}`"));
            }
            // Feedback on every option picked, and on every right option left out.
            let mut feedback = Vec::new();
            let mut all = true;
            for o in options {
                let picked = ids.contains(&o.id);
                if picked != o.correct {
                    all = false;
                }
                if picked {
                    feedback.push(line(o.correct, &o.feedback));
                } else if o.correct {
                    // An option's own full stop gives way to the one after the quote (as a
                    // prediction's does below), so the line never reads `.”.`.
                    let text = o.text.trim_end_matches('.');
                    feedback.push(line(false, &format!("You left out “{text}”. {}", o.feedback)));
                }
            }
            Ok(Grade::of(all, feedback))
        }
        (Question::Ordering { items, explanation, .. }, Answer::Order(ids)) => {
            let mut sorted = ids.clone();
            sorted.sort();
            let mut want: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
            want.sort();
            if sorted != want {
                return Err("the answer must list every item once".into());
            }
            let right = items.iter().zip(ids).all(|(i, id)| &i.id == id);
            let mut feedback = vec![line(right, explanation)];
            for (k, (i, id)) in items.iter().zip(ids).enumerate() {
                if &i.id != id {
                    let text = i.text.trim_end_matches('.');
                    feedback.push(line(false, &format!("Place {}: “{text}”. {}", k + 1, i.feedback)));
                }
            }
            Ok(Grade::of(right, feedback))
        }
        (Question::Predict { id, options, shows, .. }, Answer::Choice(pick)) => {
            let conds = c.predictions.get(id).ok_or("the lesson was not checked")?;
            let value = |r: &super::measure::Ref| recorded_value(records, r);
            let held: Vec<usize> =
                conds.iter().enumerate().filter(|(_, c)| c.holds(&value) == Some(true)).map(|(k, _)| k).collect();
            let [truth] = held[..] else {
                return Err("this run did not settle the prediction: the lab was changed while it ran".into());
            };
            let chosen = options.iter().position(|o| &o.id == pick).ok_or_else(|| format!("no option `{pick}`"))?;
            let right = chosen == truth;
            let mut feedback = vec![line(true, &format!("What happened: {}", options[truth].text))];
            feedback.push(line(true, &options[truth].feedback));
            if !right {
                feedback.push(line(
                    false,
                    &format!(
                        "You predicted: {}. {}",
                        options[chosen].text.trim_end_matches('.'),
                        options[chosen].feedback
                    ),
                ));
            }
            let refs = c.shows.get(id).map_or(&[][..], |v| v.as_slice());
            let numbers = shows
                .iter()
                .zip(refs)
                .map(|(s, r)| (s.label.clone(), value(r).map_or("not recorded".into(), |v| format_value(r, v))))
                .collect();
            Ok(Grade { numbers, ..Grade::of(right, feedback) })
        }
        _ => Err("this kind of answer does not fit this question".into()),
    }
}

/// A number a run recorded, as `r` (which names its record) reads it.
pub fn recorded_value(records: &Records, r: &super::measure::Ref) -> Option<f64> {
    records.get(r.record.as_deref()?).and_then(|m| m.get(&r.key)).copied()
}

/// The numbers step `k` shows (`Step::shows`): each label with its value as the run recorded
/// it, or "not recorded".
pub fn step_numbers(c: &Compiled, k: usize, records: &Records) -> Vec<(String, String)> {
    let (shows, refs) = (&c.lesson.steps[k].shows, c.step_shows.get(k).map_or(&[][..], |v| v.as_slice()));
    shows
        .iter()
        .zip(refs)
        .map(|(s, r)| (s.label.clone(), recorded_value(records, r).map_or("not recorded".into(), |v| format_value(r, v))))
        .collect()
}

/// Scores a design against the challenge's answers: one point per decision, each with why.
pub fn grade_design(design: &[DesignAnswer], choices: &[DesignChoice], name: &dyn Fn(&str) -> String) -> Grade {
    let mut feedback = Vec::new();
    let mut raw = 0;
    for d in design {
        let mine = choices.iter().find(|c| c.service == d.service && c.subscribed);
        let service = name(&d.service);
        let Some(mine) = mine else {
            feedback.push(line(false, &format!("{service} does not subscribe, so a booked trip never reaches it.")));
            continue;
        };
        for (yes, no, dec, got) in [
            ("must answer before the reply goes out", "can work after the reply goes out", &d.sync, mine.sync),
            ("needs a trip's events in order", "does not need events in order", &d.ordered, mine.ordered),
            ("must be idempotent", "can do without idempotency", &d.idempotent, mine.idempotent),
        ] {
            let ok = dec.either || got == dec.answer;
            raw += u32::from(ok);
            let text = if dec.either {
                // Defensible both ways: say what the student chose, and what each way costs.
                format!("{service} {} (either choice can be defended). {}", if got { yes } else { no }, dec.why)
            } else {
                format!("{service} {}. {}", if dec.answer { yes } else { no }, dec.why)
            };
            feedback.push(line(ok, &text));
        }
    }
    let max = 3 * design.len() as u32;
    Grade { correct: raw == max, raw, max, feedback, numbers: vec![] }
}

/// The order an ordering question's items are shown in: shuffled the same way every time
/// (by the question's id), and never already right.
pub fn shown_order(q: &Question) -> Vec<usize> {
    let Question::Ordering { id, items, .. } = q else { return vec![] };
    let n = items.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut h = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    for i in (1..n).rev() {
        h = h.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        order.swap(i, (h >> 33) as usize % (i + 1));
    }
    if order.iter().enumerate().all(|(k, &v)| k == v) {
        order.rotate_left(1);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::compile;
    use crate::lesson::schema::{Choice, Decision, Item};
    use crate::lesson::validate::parse_lesson;

    fn coupling() -> Compiled {
        compile(parse_lesson(include_str!("../../../content/lessons/01-coupling.json")).unwrap()).unwrap()
    }

    fn choice(id: &str, correct: bool) -> Choice {
        Choice { id: id.into(), text: format!("option {id}"), correct, feedback: format!("because {id}") }
    }

    #[test]
    fn single_and_multiple_choice_say_why() {
        let c = coupling();
        let q = Question::Single {
            id: "q".into(),
            prompt: "p".into(),
            options: vec![choice("a", false), choice("b", true)],
        };
        let g = grade(&c, &q, &Answer::Choice("a".into()), &Records::new()).unwrap();
        assert!(!g.correct && g.raw == 0 && g.feedback[0].text == "because a");
        assert!(grade(&c, &q, &Answer::Choice("b".into()), &Records::new()).unwrap().correct);
        assert!(grade(&c, &q, &Answer::Choice("z".into()), &Records::new()).is_err());
        let m = Question::Multiple {
            id: "m".into(),
            prompt: "p".into(),
            options: vec![choice("a", true), choice("b", false), choice("c", true)],
        };
        let half = grade(&c, &m, &Answer::Choices(vec!["a".into()]), &Records::new()).unwrap();
        assert!(!half.correct);
        assert!(half.feedback.iter().any(|l| !l.ok && l.text.contains("left out") && l.text.contains("option c")));
        let all = grade(&c, &m, &Answer::Choices(vec!["c".into(), "a".into()]), &Records::new()).unwrap();
        assert!(all.correct && all.feedback.iter().all(|l| l.ok));
        assert!(grade(&c, &m, &Answer::Choice("a".into()), &Records::new()).is_err(), "wrong shape");
    }

    #[test]
    fn ordering_grades_the_whole_order_and_is_never_shown_solved() {
        let c = coupling();
        let items: Vec<Item> = ["x", "y", "z"]
            .iter()
            .map(|i| Item { id: i.to_string(), text: i.to_string(), feedback: "f".into() })
            .collect();
        for id in ["a", "b", "order-1", "life-of-a-poison-event"] {
            let q =
                Question::Ordering { id: id.into(), prompt: "p".into(), items: items.clone(), explanation: "e".into() };
            let shown = shown_order(&q);
            assert_ne!(shown, vec![0, 1, 2], "{id} is shown already in order");
            let mut sorted = shown.clone();
            sorted.sort();
            assert_eq!(sorted, vec![0, 1, 2]);
        }
        let q = Question::Ordering { id: "o".into(), prompt: "p".into(), items, explanation: "e".into() };
        let ids = |v: &[&str]| Answer::Order(v.iter().map(|s| s.to_string()).collect());
        assert!(grade(&c, &q, &ids(&["x", "y", "z"]), &Records::new()).unwrap().correct);
        let wrong = grade(&c, &q, &ids(&["y", "x", "z"]), &Records::new()).unwrap();
        assert!(!wrong.correct && wrong.feedback.len() == 3, "explanation plus the two misplaced items");
        assert!(grade(&c, &q, &ids(&["x", "x", "z"]), &Records::new()).is_err());
    }

    #[test]
    fn predictions_are_graded_on_the_records_and_show_them() {
        let c = coupling();
        let (_, q) = c.lesson.question("slow-analytics").unwrap();
        let mut records = Records::new();
        records.insert("healthy".into(), [("checkout_p95_ms".to_string(), 400.0)].into());
        records.insert("slow".into(), [("checkout_p95_ms".to_string(), 2_450.0)].into());
        let g = grade(&c, q, &Answer::Choice("up".into()), &records).unwrap();
        assert!(g.correct);
        assert_eq!(g.numbers[1], ("Checkout p95, Analytics slow".to_string(), "2450 ms".to_string()));
        let wrong = grade(&c, q, &Answer::Choice("flat".into()), &records).unwrap();
        assert!(!wrong.correct && wrong.feedback.iter().any(|l| l.text.starts_with("You predicted")));
        records.remove("slow");
        assert!(grade(&c, q, &Answer::Choice("up".into()), &records).unwrap_err().contains("did not settle"));
    }

    #[test]
    fn a_design_scores_one_point_per_decision_with_why() {
        let d = |a| Decision { answer: a, why: "why".into(), either: false };
        let design =
            vec![DesignAnswer { service: "pricing".into(), sync: d(true), ordered: d(false), idempotent: d(true) }];
        let mine =
            DesignChoice { service: "pricing".into(), subscribed: true, sync: true, ordered: true, idempotent: true };
        let g = grade_design(&design, std::slice::from_ref(&mine), &|k: &str| k.to_uppercase());
        assert_eq!((g.raw, g.max, g.correct), (2, 3, false));
        assert!(g.feedback.iter().any(|l| !l.ok && l.text.starts_with("PRICING does not need events in order")));
        let missing = grade_design(&design, &[DesignChoice { subscribed: false, ..mine.clone() }], &|k: &str| k.to_string());
        assert_eq!(missing.raw, 0);
        assert!(missing.feedback[0].text.contains("does not subscribe"));
        // A decision defensible both ways scores either choice, and says which was made.
        let open = vec![DesignAnswer {
            ordered: Decision { either: true, ..d(false) },
            ..design[0].clone()
        }];
        let g = grade_design(&open, std::slice::from_ref(&mine), &|k: &str| k.to_uppercase());
        assert_eq!((g.raw, g.max, g.correct), (3, 3, true));
        assert!(g.feedback.iter().any(|l| l.ok && l.text.starts_with("PRICING needs a trip's events in order (either choice")));
    }
}
