//! What a lesson file holds. Lessons are content, not code: JSON files under content/ that
//! course authors can read and write, checked by [`super::validate`] before anyone sees them.
//! Unknown keys are refused so that a typo never silently drops part of a lesson.

use crate::fault::FaultSpec;
use crate::input::Action;
use crate::keys::{given, need, refuse_rest};
use crate::scenario::Wiring;
use crate::sim::Setup;
use serde::{Deserialize, Serialize};

/// A set of lessons: what `?quiz=` loads, and the shape the built-in lessons take together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonSet {
    /// Must be [`SCHEMA_VERSION`].
    pub schema: u32,
    pub title: String,
    pub lessons: Vec<Lesson>,
}

/// The schema version this build reads.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Short, lower-case, with dashes: it names the lesson in links and saved progress.
    pub id: String,
    pub title: String,
    /// The idea it teaches, in a few words (the lesson map shows it).
    pub concept: String,
    /// One or two sentences: what the student will see.
    pub summary: String,
    #[serde(default)]
    pub kind: LessonKind,
    /// The lab as the lesson starts it.
    pub lab: Lab,
    pub steps: Vec<Step>,
    /// For the design challenge: the decisions to score, service by service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub design: Vec<DesignAnswer>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LessonKind {
    #[default]
    Lesson,
    /// The student designs the system, then gets a checklist score of their decisions.
    Challenge,
}

/// How the lab starts: scenario, wiring, seed, load, faults, and any further settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    #[serde(default = "default_scenario")]
    pub scenario: String,
    #[serde(default = "default_wiring")]
    pub wiring: Wiring,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Orders per second; the scenario's own rate when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Fault specs as the command line takes them, e.g. `slow:analytics:2000ms`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<String>,
    /// Further settings applied at the start, as recorded interventions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
}

fn default_scenario() -> String {
    "checkout".into()
}
fn default_wiring() -> Wiring {
    Wiring::Event
}
fn default_seed() -> u64 {
    1
}

impl Lab {
    /// The run this lab starts as; every fault spec that cannot be read is reported.
    pub fn setup(&self) -> Result<Setup, Vec<String>> {
        let (faults, errors): (Vec<_>, Vec<_>) =
            self.faults.iter().map(|f| FaultSpec::parse(f)).partition(Result::is_ok);
        if !errors.is_empty() {
            return Err(errors.into_iter().filter_map(Result::err).collect());
        }
        Ok(Setup {
            scenario: self.scenario.clone(),
            wiring: self.wiring,
            seed: self.seed,
            rate: self.rate,
            faults: faults.into_iter().filter_map(Result::ok).collect(),
        })
    }
}

impl Default for Lab {
    fn default() -> Self {
        Lab {
            scenario: default_scenario(),
            wiring: default_wiring(),
            seed: default_seed(),
            rate: None,
            faults: vec![],
            actions: vec![],
        }
    }
}

/// One screen of a lesson: some text, perhaps a change to the lab, perhaps a run until
/// something happens, perhaps a question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique inside the lesson.
    pub id: String,
    /// Plain text; a blank line starts a new paragraph, `code` in backquotes is shown as code.
    pub text: String,
    /// Faults to inject when the step starts (command-line fault specs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inject: Vec<String>,
    /// Faults to clear when the step starts (the same specs that injected them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clear: Vec<String>,
    /// Any other change to the lab when the step starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// Parts of the lab to point at: `shopper`, `orders`, `broker`, a service key, or one
    /// of the panels in [`HIGHLIGHTS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub highlight: Vec<String>,
    /// Run the lab until this holds; the lab pauses when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Wait>,
    /// Keep the numbers of this step's run under this name, for predictions to be graded on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
    /// Numbers earlier steps recorded, shown with this step side by side (e.g. the checkout
    /// time of the request-driven run beside the event-driven one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shows: Vec<Shown>,
    /// Grade the prediction with this id (asked in an earlier step) and show the numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveal: Option<String>,
    /// The design form of a challenge: pick subscribers and what each one needs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub design: bool,
}

/// Panels and charts a step may point at, besides the stage's nodes.
pub const HIGHLIGHTS: [&str; 17] = [
    "shopper",
    "orders",
    "broker",
    "checkout-chart",
    "lag-chart",
    "metrics",
    "timeline",
    "dlq",
    "topic",
    "outbox",
    "sagas",
    "store",
    "registry",
    "traces",
    "errors-chart",
    "p99-chart",
    "alerts",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wait {
    /// A condition on the lab, e.g. `placed >= 20` or `lag:email > 50`.
    pub until: String,
    /// Simulated seconds the condition must come true within.
    pub within_s: u32,
    /// What the student is waiting for, in words ("20 orders placed").
    pub label: String,
}

/// Reads as a JSON object tagged by `kind`, with no key the question does not have (read
/// through the private `RawQuestion`, see `keys.rs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", try_from = "RawQuestion")]
pub enum Question {
    /// Exactly one option is right.
    Single { id: String, prompt: String, options: Vec<Choice> },
    /// One or more options are right; the answer must pick all of them and nothing else.
    Multiple { id: String, prompt: String, options: Vec<Choice> },
    /// Put the items in order; they are listed here in the right order and shown shuffled.
    Ordering { id: String, prompt: String, items: Vec<Item>, explanation: String },
    /// Predict what the lab will do; graded later (see [`Step::reveal`]) by what it did.
    Predict { id: String, prompt: String, options: Vec<Prediction>, shows: Vec<Shown> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub correct: bool,
    /// Why this option is right or wrong.
    pub feedback: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub text: String,
    /// Why it belongs in its place.
    pub feedback: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prediction {
    pub id: String,
    pub text: String,
    /// When this prediction came true, over recorded numbers, e.g.
    /// `slow.checkout_p95_ms > healthy.checkout_p95_ms + 1000`. Exactly one holds.
    pub when: String,
    /// Why it turned out this way (shown when it is what happened) or not.
    pub feedback: String,
}

/// A recorded number shown with the grade, e.g. label "p95, Analytics slow", value
/// `slow.checkout_p95_ms`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shown {
    pub label: String,
    pub value: String,
}

/// The design challenge's answer for one service: what it needs, each with why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignAnswer {
    pub service: String,
    /// Must it answer before the rider is told the trip is booked?
    pub sync: Decision,
    /// Does it need the events of one trip in order?
    pub ordered: Decision,
    /// Must it be idempotent (harmless when the same event comes twice)?
    pub idempotent: Decision,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub answer: bool,
    pub why: String,
    /// Either choice is defensible: both score, and `why` says what each costs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub either: bool,
}

/// The kinds of [`Question`], as the `kind` tag names them.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum QuestionKind {
    Single,
    Multiple,
    Ordering,
    Predict,
}

/// Every key a question may have. `options` are choices or predictions depending on the
/// kind, which may come after them, so each option is read with the keys of both.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    kind: QuestionKind,
    #[serde(default, deserialize_with = "given")]
    id: Option<String>,
    #[serde(default, deserialize_with = "given")]
    prompt: Option<String>,
    #[serde(default, deserialize_with = "given")]
    options: Option<Vec<RawOption>>,
    #[serde(default, deserialize_with = "given")]
    items: Option<Vec<Item>>,
    #[serde(default, deserialize_with = "given")]
    explanation: Option<String>,
    #[serde(default, deserialize_with = "given")]
    shows: Option<Vec<Shown>>,
}

/// A [`Choice`] or a [`Prediction`]: `correct` belongs to a choice, `when` to a prediction.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    id: String,
    text: String,
    #[serde(default, deserialize_with = "given")]
    correct: Option<bool>,
    #[serde(default, deserialize_with = "given")]
    when: Option<String>,
    feedback: String,
}

impl RawOption {
    fn choice(self, kind: &str) -> Result<Choice, String> {
        refuse_rest(&format!("the options of {kind}"), &[("when", self.when.is_some())])?;
        Ok(Choice { id: self.id, text: self.text, correct: self.correct.unwrap_or_default(), feedback: self.feedback })
    }
    fn prediction(mut self, kind: &str) -> Result<Prediction, String> {
        let when = need(&mut self.when, "when", &format!("each option of {kind}"))?;
        refuse_rest(&format!("the options of {kind}"), &[("correct", self.correct.is_some())])?;
        Ok(Prediction { id: self.id, text: self.text, when, feedback: self.feedback })
    }
}

impl TryFrom<RawQuestion> for Question {
    type Error = String;
    fn try_from(mut raw: RawQuestion) -> Result<Self, String> {
        let s = &mut raw;
        let kind = match s.kind {
            QuestionKind::Single => "a `single` question",
            QuestionKind::Multiple => "a `multiple` question",
            QuestionKind::Ordering => "an `ordering` question",
            QuestionKind::Predict => "a `predict` question",
        };
        let id = need(&mut s.id, "id", kind)?;
        let prompt = need(&mut s.prompt, "prompt", kind)?;
        let mut choices = || -> Result<Vec<Choice>, String> {
            need(&mut s.options, "options", kind)?.into_iter().map(|o| o.choice(kind)).collect()
        };
        let question = match s.kind {
            QuestionKind::Single => Question::Single { id, prompt, options: choices()? },
            QuestionKind::Multiple => Question::Multiple { id, prompt, options: choices()? },
            QuestionKind::Ordering => Question::Ordering {
                id,
                prompt,
                items: need(&mut s.items, "items", kind)?,
                explanation: need(&mut s.explanation, "explanation", kind)?,
            },
            QuestionKind::Predict => Question::Predict {
                id,
                prompt,
                options: need(&mut s.options, "options", kind)?
                    .into_iter()
                    .map(|o| o.prediction(kind))
                    .collect::<Result<_, _>>()?,
                shows: need(&mut s.shows, "shows", kind)?,
            },
        };
        refuse_rest(
            kind,
            &[
                ("options", s.options.is_some()),
                ("items", s.items.is_some()),
                ("explanation", s.explanation.is_some()),
                ("shows", s.shows.is_some()),
            ],
        )?;
        Ok(question)
    }
}

impl Question {
    pub fn id(&self) -> &str {
        match self {
            Question::Single { id, .. }
            | Question::Multiple { id, .. }
            | Question::Ordering { id, .. }
            | Question::Predict { id, .. } => id,
        }
    }
    /// A prediction: a guess made before the run, reported apart from the score.
    pub fn is_prediction(&self) -> bool {
        matches!(self, Question::Predict { .. })
    }
    pub fn prompt(&self) -> &str {
        match self {
            Question::Single { prompt, .. }
            | Question::Multiple { prompt, .. }
            | Question::Ordering { prompt, .. }
            | Question::Predict { prompt, .. } => prompt,
        }
    }
}

impl Lesson {
    /// Checks graded in this lesson: every question, plus the design form of a challenge.
    pub fn check_count(&self) -> usize {
        self.steps.iter().filter(|s| s.question.is_some()).count() + usize::from(!self.design.is_empty())
    }
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }
    /// The question with this id and the index of the step that asks it.
    pub fn question(&self, id: &str) -> Option<(usize, &Question)> {
        self.steps.iter().enumerate().find_map(|(k, s)| s.question.as_ref().filter(|q| q.id() == id).map(|q| (k, q)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_refuses_keys_of_other_kinds_and_options_of_the_other_sort() {
        let err = |json: &str| serde_json::from_str::<Question>(json).unwrap_err().to_string();
        let choice = r#"{"id":"a","text":"A","correct":true,"feedback":"f"}"#;
        let prediction = r#"{"id":"a","text":"A","when":"x > 1","feedback":"f"}"#;
        let single = format!(r#"{{"kind":"single","id":"q","prompt":"p","options":[{choice}]}}"#);
        let q: Question = serde_json::from_str(&single).unwrap();
        assert_eq!(serde_json::to_string(&q).unwrap(), single);
        let predict = format!(r#"{{"options":[{prediction}],"shows":[],"kind":"predict","id":"q","prompt":"p"}}"#);
        let q: Question = serde_json::from_str(&predict).unwrap();
        assert!(matches!(q, Question::Predict { ref options, .. } if options[0].when == "x > 1"));
        assert!(err(&single.replace(r#""correct":true"#, r#""when":"x""#)).contains("`when` does not apply"));
        assert!(err(&predict.replace(r#""when":"x > 1""#, r#""correct":true"#)).contains("needs `when`"));
        assert!(
            err(&single.replace(r#""prompt":"p""#, r#""prompt":"p","shows":[]"#)).contains("`shows` does not apply")
        );
        assert!(err(&single.replace(r#""prompt":"p","#, "")).contains("a `single` question needs `prompt`"));
        assert!(err(&single.replace("single", "essay")).contains("unknown variant `essay`"));
    }
}
