//! Guided lessons: content files (see [`schema`]) checked by [`validate`], run on a lab by
//! [`run`], their questions graded by [`grade`]. Predictions are graded on what the lab did
//! in the student's run, never on an answer written in advance.

pub mod builtin;
pub mod grade;
pub mod measure;
pub mod run;
pub mod schema;
pub mod validate;

pub use grade::{grade, Answer, Grade};
pub use run::{LessonRun, Records};
pub use schema::{Lesson, LessonSet, Question};
pub use validate::{compile, compile_all, load_set, Compiled};
