//! A run you can rewind. Interventions are recorded with the exact point of the run they
//! were made at (simulated time and how many events had been processed), and snapshots of
//! the whole simulation are kept as it goes. Seeking back restores the nearest snapshot
//! and re-simulates, applying the recorded interventions at their points: seed + setup +
//! interventions reproduce the run exactly. Intervening in the past forks: the recorded
//! future is dropped and the run goes on from there.

use crate::input::{Action, Input};
use crate::script::Step;
use crate::sim::{Setup, Sim};
use crate::time::{Micros, SEC};

/// Snapshots kept at most; past this every other one is dropped and the spacing doubles.
pub const MAX_CHECKPOINTS: usize = 48;
/// Simulated time between snapshots at the start.
pub const CHECKPOINT_EVERY_US: Micros = 5 * SEC;

/// An intervention and the number of events processed before it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub events: u64,
    pub input: Input,
    /// True if every event due by its moment had been processed when it was made: then its
    /// moment alone says where it goes, and a link can leave the event count out.
    pub settled: bool,
}

#[derive(Clone)]
struct Checkpoint {
    sim: Sim,
    /// Recorded interventions already applied in `sim`.
    applied: usize,
}

pub struct Timeline {
    setup: Setup,
    recorded: Vec<Recorded>,
    checkpoints: Vec<Checkpoint>,
    spacing_us: Micros,
    sim: Sim,
    /// Recorded interventions applied in `sim`; the rest are its recorded future.
    applied: usize,
    /// The furthest simulated time reached since the last fork.
    head_us: Micros,
    /// Events the last seek re-simulated: what seeking cost.
    last_seek_events: u64,
}

impl Timeline {
    pub fn new(setup: &Setup) -> Result<Timeline, String> {
        Self::of_sim(setup, Sim::from_setup(setup)?)
    }

    /// A run of a scenario of one's own (a built-in one changed, say with fewer partitions);
    /// `setup.scenario` is not consulted.
    pub fn with_scenario(scenario: crate::scenario::Scenario, setup: &Setup) -> Result<Timeline, String> {
        Self::of_sim(setup, Sim::from_scenario(scenario, setup)?)
    }

    fn of_sim(setup: &Setup, sim: Sim) -> Result<Timeline, String> {
        Ok(Timeline {
            setup: setup.clone(),
            recorded: Vec::new(),
            checkpoints: vec![Checkpoint { sim: sim.clone(), applied: 0 }],
            spacing_us: CHECKPOINT_EVERY_US,
            sim,
            applied: 0,
            head_us: 0,
            last_seek_events: 0,
        })
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }
    pub fn setup(&self) -> &Setup {
        &self.setup
    }
    /// The interventions of this run, in order, with their exact points.
    pub fn recorded(&self) -> &[Recorded] {
        &self.recorded
    }
    /// The interventions made up to this moment: after a seek back, the later ones are the
    /// recorded future and not counted. The setup (wiring, rate) is not an intervention.
    pub fn made(&self) -> &[Recorded] {
        &self.recorded[..self.applied]
    }
    /// The furthest moment reached; seeking beyond it simulates new time.
    pub fn head_us(&self) -> Micros {
        self.head_us.max(self.sim.now())
    }
    /// True when the lab shows an earlier moment than the furthest one reached.
    pub fn in_past(&self) -> bool {
        self.sim.now() < self.head_us || self.applied < self.recorded.len()
    }
    /// Events the last seek re-simulated.
    pub fn last_seek_events(&self) -> u64 {
        self.last_seek_events
    }
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Runs forward to `t`, re-applying recorded interventions on the way, processing at
    /// most `max_events`; true if it reached `t`.
    pub fn advance(&mut self, t: Micros, max_events: u64) -> bool {
        let start = self.sim.events_processed();
        loop {
            let budget = max_events.saturating_sub(self.sim.events_processed() - start);
            let next_cp = self.checkpoints.last().map_or(0, |c| c.sim.now()) + self.spacing_us;
            let stop = t.min(next_cp);
            let reached = match self.recorded.get(self.applied) {
                Some(r) if r.input.at_us <= stop => {
                    if !self.replay_next(budget) {
                        return false;
                    }
                    continue;
                }
                _ => self.sim.run_until_bounded(stop, budget),
            };
            if !reached {
                self.head_us = self.head_us.max(self.sim.now());
                return false;
            }
            if self.sim.now() >= next_cp {
                self.checkpoint();
            }
            if self.sim.now() >= t {
                self.head_us = self.head_us.max(self.sim.now());
                return true;
            }
        }
    }

    fn checkpoint(&mut self) {
        if self.checkpoints.last().is_some_and(|c| c.sim.events_processed() >= self.sim.events_processed()) {
            return;
        }
        self.checkpoints.push(Checkpoint { sim: self.sim.clone(), applied: self.applied });
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            // Thin out: keep the first and every other one, and space new ones twice as far.
            let mut k = 0;
            self.checkpoints.retain(|_| {
                k += 1;
                k % 2 == 1
            });
            self.spacing_us *= 2;
        }
    }

    /// Goes to simulated time `t` from the nearest snapshot at or before it, re-simulating
    /// the rest. Forward too: a snapshot ahead of the lab's moment (from a run rewound
    /// earlier) saves re-simulating everything in between.
    pub fn seek(&mut self, t: Micros) {
        let k = self.checkpoints.iter().rposition(|c| c.sim.now() <= t).unwrap_or(0);
        let (now, events) = (self.sim.now(), self.sim.events_processed());
        let ahead = self.checkpoints[k].sim.events_processed() > events;
        if t < now || ahead {
            self.restore(k);
        }
        let start = self.sim.events_processed();
        self.advance(t, u64::MAX);
        self.last_seek_events = self.sim.events_processed() - start;
    }

    /// Goes back to the moment just before the last event: the step backwards.
    pub fn step_back(&mut self) {
        let target = self.sim.events_processed().saturating_sub(1);
        let k = self.checkpoints.iter().rposition(|c| c.sim.events_processed() <= target).unwrap_or(0);
        self.restore(k);
        // Replay event by event (with the interventions in between) up to the target.
        while self.sim.events_processed() < target {
            if self.next_is_due() {
                self.replay_next(u64::MAX);
            } else {
                self.sim.step();
            }
        }
        // Then the interventions made before the next event, as they were when it came.
        while self.recorded.get(self.applied).is_some_and(|r| r.events <= target) {
            self.replay_next(u64::MAX);
        }
    }

    /// True if the next recorded intervention was made before the next event.
    fn next_is_due(&self) -> bool {
        self.recorded.get(self.applied).is_some_and(|r| r.events <= self.sim.events_processed())
    }

    /// Runs to the point of the next recorded intervention (at most `budget` events) and
    /// applies it; false if the budget ran out first.
    fn replay_next(&mut self, budget: u64) -> bool {
        let r = &self.recorded[self.applied];
        let (events, at, action) = (r.events, r.input.at_us, r.input.action.clone());
        if !self.sim.run_events(events, at, budget) {
            return false;
        }
        // Recorded actions were accepted once; replaying them gives the same result.
        let _ = self.sim.apply(action);
        self.applied += 1;
        true
    }

    /// One event forward, re-applying a recorded intervention if it comes first.
    pub fn step(&mut self) -> Micros {
        if self.next_is_due() {
            self.replay_next(u64::MAX);
            return self.sim.now();
        }
        let now = self.sim.step();
        // Interventions made at the point this event leads to come with it, as they do when
        // the run is sought or stepped back to this point, and as a link to it replays them:
        // otherwise stepping forward onto a recorded change would show a moment no link can
        // name (the change not yet made, at its own point).
        while self.next_is_due() {
            self.replay_next(u64::MAX);
        }
        self.head_us = self.head_us.max(now);
        now
    }

    fn restore(&mut self, k: usize) {
        let c = &self.checkpoints[k];
        self.sim = c.sim.clone();
        self.applied = c.applied;
    }

    /// Applies an intervention now. In the past this forks the run: the recorded future is
    /// dropped. Returns how many recorded interventions were dropped.
    pub fn apply(&mut self, action: Action) -> Result<usize, String> {
        let events = self.sim.events_processed();
        let now = self.sim.now();
        let settled = self.sim.settled();
        let forked = self.in_past();
        let mut dropped = 0;
        if forked {
            // Check first: a refused action must not cost the student their recorded future.
            self.sim.check(&action)?;
            dropped = self.recorded.len() - self.applied;
            self.recorded.truncate(self.applied);
            let applied = self.applied;
            self.checkpoints.retain(|c| c.sim.events_processed() <= events && c.applied <= applied);
            self.head_us = now;
        }
        self.sim.apply(action.clone())?;
        self.recorded.push(Recorded { events, input: Input { at_us: now, action }, settled });
        self.applied = self.recorded.len();
        Ok(dropped)
    }

    /// Makes the interventions of a link, in order, each at its moment (and event count, if
    /// it names one), then goes back to the start: they become the run's recorded future,
    /// replayed exactly as they were made. A step the lab refuses, or one earlier than the
    /// step before it, is left out and reported.
    pub fn play_script(&mut self, steps: &[Step]) -> Vec<String> {
        let mut problems = Vec::new();
        for step in steps {
            let text = step.text();
            if step.at_us < self.sim.now() || step.events.is_some_and(|n| n < self.sim.events_processed()) {
                problems.push(format!("Ignored at=\"{text}\": steps must be in the order they happened"));
                continue;
            }
            match step.events {
                Some(n) => {
                    self.advance_events(n, step.at_us);
                }
                None => {
                    self.advance(step.at_us, u64::MAX);
                }
            }
            if let Err(why) = self.apply(step.action.clone()) {
                problems.push(format!("Ignored at=\"{text}\": {why}"));
            }
        }
        self.seek(0);
        problems
    }

    /// Runs forward to the exact point of `events` processed at `t` (see [`Sim::run_events`]).
    fn advance_events(&mut self, events: u64, t: Micros) {
        while self.recorded.get(self.applied).is_some_and(|r| r.events <= events && r.input.at_us <= t) {
            self.replay_next(u64::MAX);
        }
        // Through `advance` up to the last microsecond before, for its snapshots on the way.
        if t > self.sim.now() {
            self.advance(t - 1, u64::MAX);
        }
        self.sim.run_events(events, t, u64::MAX);
        self.head_us = self.head_us.max(self.sim.now());
    }

    /// Goes to the exact point of `events` processed at `t`: where single steps can stop.
    pub fn seek_events(&mut self, t: Micros, events: u64) {
        let k =
            self.checkpoints.iter().rposition(|c| c.sim.now() <= t && c.sim.events_processed() <= events).unwrap_or(0);
        let here_ok = self.sim.now() <= t && self.sim.events_processed() <= events;
        if !here_ok || self.checkpoints[k].sim.events_processed() > self.sim.events_processed() {
            self.restore(k);
        }
        self.advance_events(events, t);
    }

    /// The interventions of this run as link steps, with an event count only where one is
    /// needed to place them exactly.
    pub fn script(&self) -> Vec<Step> {
        self.recorded
            .iter()
            .map(|r| Step {
                at_us: r.input.at_us,
                events: (!r.settled).then_some(r.events),
                action: r.input.action.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::Fault;

    fn lab() -> Timeline {
        Timeline::new(&Setup::default()).unwrap()
    }

    #[test]
    fn seeking_back_and_forth_gives_the_same_hash() {
        let mut t = lab();
        t.advance(12 * SEC, u64::MAX);
        t.apply(Action::Inject { fault: Fault::Crash { service: "email".into() } }).unwrap();
        t.advance(30 * SEC, u64::MAX);
        let end = t.sim().trace_hash();
        t.seek(20 * SEC);
        let mid = t.sim().trace_hash();
        t.seek(3 * SEC);
        t.seek(20 * SEC);
        assert_eq!(t.sim().trace_hash(), mid);
        t.seek(30 * SEC);
        assert_eq!(t.sim().trace_hash(), end);
        assert!(t.sim().faults().iter().any(|f| matches!(f, Fault::Crash { .. })));
    }

    #[test]
    fn stepping_back_undoes_one_event() {
        let mut t = lab();
        t.advance(2 * SEC, u64::MAX);
        let before = (t.sim().events_processed(), t.sim().trace_hash());
        t.step();
        t.step_back();
        assert_eq!((t.sim().events_processed(), t.sim().trace_hash()), before);
    }

    #[test]
    fn intervening_in_the_past_forks_the_future() {
        let mut t = lab();
        t.advance(10 * SEC, u64::MAX);
        t.apply(Action::SetRate { rate: 5.0 }).unwrap();
        t.advance(20 * SEC, u64::MAX);
        t.seek(5 * SEC);
        assert!(t.in_past());
        let dropped = t.apply(Action::BuyNow).unwrap();
        assert_eq!(dropped, 1, "the rate change was in the dropped future");
        assert!(!t.in_past());
        t.advance(20 * SEC, u64::MAX);
        assert_eq!(t.sim().rate(), 2.0);
    }

    #[test]
    fn made_counts_the_interventions_up_to_now_and_not_the_setup() {
        let mut t = Timeline::new(&Setup { rate: Some(5.0), ..Setup::default() }).unwrap();
        assert!(t.made().is_empty(), "the setup's wiring and rate are not interventions");
        assert!(!t.sim().inputs().is_empty(), "while the core records them as inputs");
        t.advance(10 * SEC, u64::MAX);
        t.apply(Action::BuyNow).unwrap();
        t.advance(20 * SEC, u64::MAX);
        t.apply(Action::SetRate { rate: 1.0 }).unwrap();
        assert_eq!(t.made().len(), 2);
        t.seek(15 * SEC);
        assert_eq!(t.made().len(), 1, "the rate change is in the recorded future");
        assert_eq!(t.recorded().len(), 2);
    }

    #[test]
    fn a_refused_action_in_the_past_keeps_the_future() {
        let mut t = lab();
        t.advance(10 * SEC, u64::MAX);
        t.apply(Action::SetRate { rate: 5.0 }).unwrap();
        t.advance(20 * SEC, u64::MAX);
        t.seek(5 * SEC);
        assert!(t.apply(Action::AddSubscriber { service: "email".into(), from: Default::default() }).is_err());
        t.seek(20 * SEC);
        assert_eq!(t.sim().rate(), 5.0);
    }

    #[test]
    fn seeking_forward_starts_from_the_nearest_snapshot() {
        let mut t = lab();
        t.advance(120 * SEC, u64::MAX);
        let end = t.sim().trace_hash();
        let mut plain = lab();
        plain.advance(119 * SEC, u64::MAX);
        t.seek(SEC);
        t.seek(119 * SEC);
        assert_eq!(t.sim().trace_hash(), plain.sim().trace_hash());
        // From the snapshot at 115 s, not from 1 s: a few seconds' events, not two minutes'.
        let per_second = plain.sim().events_processed() / 119;
        assert!(t.last_seek_events() <= 5 * per_second, "{} events", t.last_seek_events());
        t.seek(120 * SEC);
        assert_eq!(t.sim().trace_hash(), end);
    }

    #[test]
    fn checkpoints_stay_bounded() {
        let mut t = lab();
        t.advance(3_600 * SEC, u64::MAX);
        assert!(t.checkpoint_count() <= MAX_CHECKPOINTS);
        let end = t.sim().trace_hash();
        t.seek(0);
        t.seek(3_600 * SEC);
        assert_eq!(t.sim().trace_hash(), end);
    }
}

impl Timeline {
    /// The same run in the other wiring, up to this moment: the same scenario, seed and
    /// interventions, each at its moment, with every wiring swapped. Orders are placed at the
    /// same moments in both (arrivals have a random stream of their own), so an order number
    /// names the same shopper's checkout in both, which is what a side-by-side trace needs.
    /// An intervention the other wiring refuses is left out.
    pub fn in_other_wiring(&self) -> Result<Sim, String> {
        let flip = |w: crate::Wiring| match w {
            crate::Wiring::Request => crate::Wiring::Event,
            crate::Wiring::Event => crate::Wiring::Request,
        };
        let setup = Setup { wiring: flip(self.setup.wiring), ..self.setup.clone() };
        let mut sim = Sim::from_scenario(self.sim.scenario().clone(), &setup)?;
        sim.set_tracing(self.sim.tracing());
        for r in self.made() {
            sim.run_until(r.input.at_us);
            let action = match &r.input.action {
                Action::SetWiring { wiring } => Action::SetWiring { wiring: flip(*wiring) },
                a => a.clone(),
            };
            let _ = sim.apply(action);
        }
        sim.run_until(self.sim.now());
        Ok(sim)
    }
}
