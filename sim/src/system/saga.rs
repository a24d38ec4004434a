//! Compiles a scenario file's `saga` section: services by key become catalog indices, names
//! become message types numbered after the chain's, and every problem is named with its path.

use super::compile::Problem;
use super::schema::SagaDecl;
use crate::message::MessageType;
use crate::saga::{Books, SagaSpec, SagaStep, SagaStyle, SagaWhat, StepNames, MAX_STEPS};
use crate::scenario::Scenario;
use crate::time::{parse_duration, Micros, SEC};
use strum::VariantArray;

/// The longest wait a saga may declare.
const MAX_WAIT_US: Micros = 120 * SEC;

pub fn compile(d: &SagaDecl, sc: &Scenario) -> Result<SagaSpec, Vec<Problem>> {
    let mut problems: Vec<Problem> = Vec::new();
    let index = |key: &str| sc.catalog_index(key).map(|i| i as u16);
    let orchestrator = match index(&d.orchestrator) {
        Some(i) => i,
        None => {
            bad(
                &mut problems,
                "saga.orchestrator".into(),
                format!("`{}` is not a service of this system (besides the entry service)", d.orchestrator),
            );
            0
        }
    };
    let style = SagaStyle::parse(&d.style).unwrap_or_else(|| {
        bad(
            &mut problems,
            "saga.style".into(),
            format!("`{}` is not a style; write orchestrated or choreographed", d.style),
        );
        SagaStyle::Orchestrated
    });
    let wait = |problems: &mut Vec<Problem>, path: &str, s: &str| match parse_duration(s) {
        Ok(us) if us > 0 && us <= MAX_WAIT_US => us,
        Ok(_) => {
            bad(problems, path.into(), format!("must be more than 0 and at most {} s", MAX_WAIT_US / SEC));
            SEC
        }
        Err(why) => {
            bad(problems, path.into(), why);
            SEC
        }
    };
    let step_timeout_us = wait(&mut problems, "saga.step_timeout", &d.step_timeout);
    let saga_timeout_us = wait(&mut problems, "saga.saga_timeout", &d.saga_timeout);
    let retry_us = wait(&mut problems, "saga.retry", &d.retry);
    if d.steps.is_empty() || d.steps.len() > MAX_STEPS {
        bad(&mut problems, "saga.steps".into(), format!("a saga has 1 to {MAX_STEPS} steps"));
    }
    let first_type = MessageType::FIRST_FOLLOW_UP as usize + sc.chain.types.len();
    if first_type + d.steps.len() * SagaWhat::ALL.len() + 1 > u8::MAX as usize {
        bad(&mut problems, "saga.steps".into(), "too many message types in all".into());
    }
    // Every name the system already uses, so that a saga message cannot share one.
    let mut names: Vec<String> = vec![sc.event_name.clone(), sc.cancel_event_name.clone()];
    names.extend(sc.chain.types.iter().map(|t| t.name.clone()));
    let name = |problems: &mut Vec<Problem>, names: &mut Vec<String>, path: String, n: &str, required: bool| {
        if n.is_empty() {
            if required {
                bad(problems, path, "a name is needed".into());
            }
        } else if names.iter().any(|m| m == n) {
            bad(problems, path, format!("`{n}` names another message already"));
        } else {
            names.push(n.to_string());
        }
    };
    let mut steps = Vec::new();
    for (k, s) in d.steps.iter().enumerate() {
        let path = format!("saga.steps[{k}]");
        let service = match index(&s.service) {
            Some(i) if i == orchestrator => {
                bad(&mut problems, format!("{path}.service"), "the orchestrator does no step of its own".into());
                i
            }
            Some(i) if steps.iter().any(|t: &SagaStep| t.service == i) => {
                bad(&mut problems, format!("{path}.service"), format!("`{}` already does a step", s.service));
                i
            }
            Some(i) => i,
            None => {
                bad(
                    &mut problems,
                    format!("{path}.service"),
                    format!("`{}` is not a service of this system (besides the entry service)", s.service),
                );
                0
            }
        };
        let books = Books::VARIANTS.iter().copied().find(|b| <&str>::from(*b) == s.books).unwrap_or_else(|| {
            bad(&mut problems, format!("{path}.books"), format!("`{}` is not one of stock, money, none", s.books));
            Books::None
        });
        for (key, n) in [("do", &s.run), ("done", &s.done), ("failed", &s.failed)] {
            name(&mut problems, &mut names, format!("{path}.{key}"), n, true);
        }
        let compensable = !s.undo.is_empty() || !s.undone.is_empty();
        for (key, n) in [("undo", &s.undo), ("undone", &s.undone)] {
            name(&mut problems, &mut names, format!("{path}.{key}"), n, compensable);
        }
        let names = StepNames {
            run: s.run.clone(),
            done: s.done.clone(),
            failed: s.failed.clone(),
            undo: s.undo.clone(),
            undone: s.undone.clone(),
        };
        steps.push(SagaStep { service, books, compensable, names });
    }
    name(&mut problems, &mut names, "saga.timed_out_event".into(), &d.timed_out_event, true);
    for (i, r) in sc.chain.reactions.iter().enumerate() {
        if r.service == orchestrator || steps.iter().any(|s| s.service == r.service) {
            bad(&mut problems, format!("reactions[{i}]"), "a service of the saga reacts only as the saga says".into());
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(SagaSpec {
        orchestrator,
        style,
        steps,
        step_timeout_us,
        saga_timeout_us,
        retry_us,
        abort_name: d.timed_out_event.clone(),
        first_type: first_type as u8,
    })
}

fn bad(problems: &mut Vec<Problem>, path: String, what: String) {
    problems.push(Problem { path, what });
}
