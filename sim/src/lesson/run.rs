//! Runs a lesson on a lab: makes each step's changes, runs until the step's condition holds
//! and keeps the step's numbers. Conditions are checked on a fixed grid of simulated time
//! from the start of the step, never "whenever a frame happened", so a lesson run without
//! interventions gives the same numbers in every browser and in the native tests.

use super::measure::{value, Baseline, Ref};
use super::validate::{step_actions, Compiled};
use crate::time::{Micros, MS, SEC};
use crate::timeline::Timeline;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How often a waiting step checks its condition, in simulated time.
pub const TICK_US: Micros = 100 * MS;

/// Numbers kept by steps that record: record name -> measure -> value.
pub type Records = BTreeMap<String, BTreeMap<String, f64>>;

/// Where a lesson is: the step on screen, whether its wait is over, and what was recorded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonRun {
    pub step: usize,
    /// The step's condition has held (or it has none).
    pub met: bool,
    pub records: Records,
    #[serde(skip)]
    base: Baseline,
}

/// The lab a lesson starts from: its setup, then its further settings.
pub fn lab(c: &Compiled) -> Result<Timeline, String> {
    let setup = c.lesson.lab.setup().map_err(|e| e.join("; "))?;
    let mut t = Timeline::new(&setup)?;
    for a in &c.lesson.lab.actions {
        t.apply(a.clone())?;
    }
    Ok(t)
}

impl LessonRun {
    /// A fresh lesson: its lab, and its first step entered.
    pub fn start(c: &Compiled) -> Result<(LessonRun, Timeline), String> {
        let mut t = lab(c)?;
        let mut run = LessonRun::default();
        run.enter(c, 0, &mut t)?;
        Ok((run, t))
    }

    /// Moves to step `k` and makes its changes to the lab.
    pub fn enter(&mut self, c: &Compiled, k: usize, t: &mut Timeline) -> Result<(), String> {
        let step = c.lesson.steps.get(k).ok_or_else(|| format!("the lesson has no step {}", k + 1))?;
        self.step = k;
        for a in step_actions(step) {
            t.apply(a?)?;
        }
        self.base = Baseline::of(t.sim());
        self.met = c.waits[k].is_none();
        Ok(())
    }

    /// True while the step runs the lab until its condition holds.
    pub fn waiting(&self) -> bool {
        !self.met
    }

    /// When the current step started, in simulated time.
    pub fn step_start_us(&self) -> Micros {
        self.base.start_us
    }

    /// True if the step has waited past its budget (the student may have changed the lab).
    pub fn overdue(&self, c: &Compiled, t: &Timeline) -> bool {
        let within = c.lesson.steps[self.step].wait.as_ref().map_or(u32::MAX, |w| w.within_s);
        self.waiting() && t.sim().now().saturating_sub(self.base.start_us) > within as Micros * SEC
    }

    /// A measure as the current step sees it.
    pub fn value(&self, t: &Timeline, r: &Ref) -> f64 {
        value(t.sim(), &self.base, r)
    }

    /// The level the current wait watches (a lag, a queue) as it stands now; `None` when
    /// the step does not wait, or waits on a count.
    pub fn watched_level(&self, c: &Compiled, t: &Timeline) -> Option<f64> {
        let cond = c.waits[self.step].as_ref().filter(|_| !self.met)?;
        cond.level().map(|r| self.value(t, r))
    }

    /// Runs the lab towards `target` (at most `max_events` events). While waiting, stops at
    /// the first grid point where the condition holds, records, and returns true: the page
    /// pauses there.
    pub fn advance(&mut self, c: &Compiled, t: &mut Timeline, target: Micros, max_events: u64) -> bool {
        let Some(cond) = c.waits[self.step].as_ref().filter(|_| !self.met) else {
            t.advance(target, max_events);
            return false;
        };
        let start_events = t.sim().events_processed();
        while t.sim().now() < target {
            let since = t.sim().now().saturating_sub(self.base.start_us);
            let tick = self.base.start_us + (since / TICK_US + 1) * TICK_US;
            let budget = max_events.saturating_sub(t.sim().events_processed() - start_events);
            if !t.advance(tick.min(target), budget) {
                return false;
            }
            if t.sim().now() == tick && cond.holds(&|r| Some(value(t.sim(), &self.base, r))) == Some(true) {
                self.met = true;
                if let Some(name) = &c.lesson.steps[self.step].record {
                    let refs = c.recorded.get(name).map_or(&[][..], |v| v.as_slice());
                    let kept = refs.iter().map(|r| (r.key.clone(), value(t.sim(), &self.base, r))).collect();
                    self.records.insert(name.clone(), kept);
                }
                return true;
            }
        }
        false
    }

    /// Runs the current step headless until its condition holds; false if it does not
    /// within the step's budget. Used to resume a lesson and by the tests.
    pub fn run_step(&mut self, c: &Compiled, t: &mut Timeline) -> bool {
        if self.met {
            return true;
        }
        let within = c.lesson.steps[self.step].wait.as_ref().map_or(0, |w| w.within_s) as Micros * SEC;
        self.advance(c, t, self.base.start_us + within, u64::MAX)
    }

    /// Replays a lesson headless up to step `k` as if every wait had been met: the lab a
    /// student who left at step `k` comes back to.
    pub fn resume(c: &Compiled, k: usize) -> Result<(LessonRun, Timeline), String> {
        let (mut run, mut t) = LessonRun::start(c)?;
        for next in 1..=k.min(c.lesson.steps.len() - 1) {
            run.run_step(c, &mut t);
            run.enter(c, next, &mut t)?;
        }
        Ok((run, t))
    }
}
