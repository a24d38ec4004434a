//! The page's handle on a running simulation: the core's rewindable timeline plus play
//! state (speed, paused).

use fanout_sim::lesson::{Compiled, LessonRun, Records};
use fanout_sim::params::LabParams;
use fanout_sim::script::Step;
use fanout_sim::{Setup, Sim, Timeline};
use std::cell::RefCell;
use std::rc::Rc;

/// The longest wall-clock gap one frame may simulate, so a background tab does not
/// come back and jump minutes ahead.
const MAX_FRAME_MS: f64 = 100.0;
/// The most core events one frame may process; beyond this the lab runs slower than asked.
const MAX_EVENTS_PER_FRAME: u64 = 400_000;

/// How long a lesson step that waits plays at the lesson's pace before it fast-forwards: long
/// enough to watch what the step is about, short enough that twenty orders do not drag.
pub const WATCH_MS: f64 = 8_000.0;
/// The speed of a fast-forward, which the page shows while it lasts.
pub const FAST_FORWARD: f64 = 4.0;
/// How long after the watched level last fell a lesson keeps playing at the chosen speed: a
/// drain that pauses between two events is still a drain.
const FALL_HOLD_MS: f64 = 1_500.0;

/// Events a Step looks through for one worth telling.
const STEP_SEARCH: usize = 10_000;

/// How the lab plays right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// At the speed the student chose.
    Chosen,
    /// A lesson step waits for something long: the clock runs at `FAST_FORWARD`, visibly.
    FastForward,
}

pub struct Engine {
    /// The run, with its recorded interventions and snapshots to rewind to.
    pub timeline: Timeline,
    /// How the current run was started; Reset starts it again.
    pub setup: Setup,
    /// The interventions the link asked for; Reset replays them too.
    pub script: Vec<Step>,
    /// Simulated seconds per wall-clock second.
    pub speed: f64,
    pub paused: bool,
    last_frame_ms: Option<f64>,
    /// True when the last frame could not simulate all it was asked to.
    pub falling_behind: bool,
    /// Said after an intervention in the past forked the run, until the next seek.
    pub fork_note: Option<String>,
    /// The lesson running on this lab, if any.
    pub lesson: Option<LessonSession>,
    /// How the lab plays now (a lesson's long wait fast-forwards).
    pub pace: Pace,
    /// What the last Step did, in one sentence, and where: shown until the lab plays again.
    pub step_note: Option<(String, fanout_sim::Node)>,
    /// Wall-clock time the current lesson step has played, in ms.
    step_wall_ms: f64,
    /// The level the current step waits on, as of the last frame, and the wall-clock time
    /// since it last fell.
    last_level: Option<f64>,
    since_fall_ms: f64,
}

/// A lesson on the lab: its content and where the student is in it.
pub struct LessonSession {
    /// What the lesson is saved and linked under.
    pub key: String,
    pub compiled: Rc<Compiled>,
    pub run: LessonRun,
}

impl Engine {
    /// Builds the run a link describes; an impossible setup falls back to the default one.
    /// Returns the problems to tell the student: the setup's, and each step left out.
    pub fn from_params(params: &LabParams) -> (Engine, Vec<String>) {
        let mut problems = Vec::new();
        let (timeline, setup) = match params.timeline() {
            Ok((t, refused)) => {
                problems.extend(refused);
                (t, params.setup.clone())
            }
            Err(why) => {
                problems.push(format!("The link's setup could not run ({why}); the default lab is shown"));
                let setup = Setup::default();
                (Timeline::new(&setup).expect("the default setup runs"), setup)
            }
        };
        let engine = Engine {
            timeline,
            setup,
            script: params.steps(),
            speed: params.speed,
            // `until` shows that moment, paused.
            paused: params.paused || params.until_us.is_some(),
            last_frame_ms: None,
            falling_behind: false,
            fork_note: None,
            lesson: None,
            pace: Pace::Chosen,
            step_note: None,
            step_wall_ms: 0.0,
            last_level: None,
            since_fall_ms: f64::INFINITY,
        };
        (engine, problems)
    }

    /// The link to the lab as it is now: setup, interventions, this moment, speed.
    pub fn link(&self) -> LabParams {
        let mut p = LabParams::of_run(&self.timeline);
        p.speed = self.speed;
        p
    }

    /// Advances the simulation by the wall-clock time since the last frame, times the speed.
    pub fn frame(&mut self, now_ms: f64) {
        let last = self.last_frame_ms.replace(now_ms);
        if self.paused {
            return;
        }
        let Some(last) = last else { return };
        let wall_ms = (now_ms - last).clamp(0.0, MAX_FRAME_MS);
        self.pace = self.lesson_pace(wall_ms);
        let speed = match self.pace {
            Pace::Chosen => self.speed,
            Pace::FastForward => self.speed.max(FAST_FORWARD),
        };
        let sim_us = (wall_ms * 1000.0 * speed).round() as u64;
        let target = self.sim().now() + sim_us;
        match self.lesson.as_mut() {
            Some(l) if l.run.waiting() => {
                // A step's condition came true: pause there, so the student reads the numbers
                // the lesson grades on.
                if l.run.advance(&l.compiled, &mut self.timeline, target, MAX_EVENTS_PER_FRAME) {
                    self.set_paused(true);
                }
            }
            _ => {
                self.timeline.advance(target, MAX_EVENTS_PER_FRAME);
            }
        }
        self.falling_behind = !self.paused && self.sim().now() < target;
    }

    /// A lesson step that waits plays at the chosen speed while there is something to watch,
    /// then fast-forwards; but while the level it waits on is falling (a backlog draining),
    /// it plays at the chosen speed again, so the catch-up happens on camera.
    fn lesson_pace(&mut self, wall_ms: f64) -> Pace {
        let Some(l) = self.lesson.as_ref().filter(|l| l.run.waiting()) else { return Pace::Chosen };
        self.step_wall_ms += wall_ms;
        let level = l.run.watched_level(&l.compiled, &self.timeline);
        match (level, self.last_level) {
            (Some(now), Some(before)) if now < before => self.since_fall_ms = 0.0,
            _ => self.since_fall_ms += wall_ms,
        }
        self.last_level = level;
        if self.step_wall_ms < WATCH_MS || self.since_fall_ms < FALL_HOLD_MS {
            Pace::Chosen
        } else {
            Pace::FastForward
        }
    }

    /// Opens a lesson at step `step` (0 to start it): the lab is rebuilt headless as the
    /// lesson left it there, with the numbers the student's run recorded kept.
    pub fn open_lesson(
        &mut self,
        key: String,
        compiled: Rc<Compiled>,
        step: usize,
        records: Records,
    ) -> Result<(), String> {
        let (mut run, timeline) = LessonRun::resume(&compiled, step)?;
        for (k, v) in records {
            run.records.entry(k).or_insert(v);
        }
        self.setup = timeline.setup().clone();
        self.timeline = timeline;
        self.fork_note = None;
        self.lesson = Some(LessonSession { key, compiled, run });
        // A lesson plays at the student's speed, slow enough to follow a message; its long
        // waits fast-forward visibly (see `lesson_pace`).
        // A step that waits runs the lab; any other leaves it paused for reading.
        let waiting = self.lesson.as_ref().is_some_and(|l| l.run.waiting());
        self.set_paused(!waiting);
        Ok(())
    }

    /// Moves the lesson to step `k`, making its changes to the lab.
    pub fn lesson_step(&mut self, k: usize) -> Result<(), String> {
        let Some(l) = self.lesson.as_mut() else { return Err("no lesson is open".into()) };
        l.run.enter(&l.compiled, k, &mut self.timeline)?;
        let waiting = l.run.waiting();
        self.set_paused(!waiting);
        Ok(())
    }

    /// Runs the lab to the next event that shows something (a message arriving, work done),
    /// paused, and says what it was. Bookkeeping events on the way (samples) are passed over.
    pub fn step(&mut self) {
        self.set_paused(true);
        // Bounded: a lab with nothing left to happen stops after its bookkeeping.
        for _ in 0..STEP_SEARCH {
            let before = self.sim().events_processed();
            self.timeline.step();
            if self.sim().events_processed() == before {
                break;
            }
            if let Some(h) = self.sim().last_happened() {
                self.step_note = Some((crate::step_words::tell(h, self.sim()), h.node()));
                return;
            }
        }
        self.step_note = None;
    }

    /// Leaves the lesson; the lab stays as it is, to play with.
    pub fn close_lesson(&mut self) {
        self.lesson = None;
    }

    /// The simulation as it stands at the moment shown.
    pub fn sim(&self) -> &Sim {
        self.timeline.sim()
    }

    /// Starts the run again from its setup with `seed`, keeping wiring and rate as they are now.
    pub fn reset(&mut self, seed: u64) {
        if let Some(l) = self.lesson.take() {
            // In a lesson, Reset starts the current step again from a freshly built lab.
            let (compiled, step) = (l.compiled, l.run.step);
            if self.open_lesson(l.key, compiled, step, l.run.records).is_ok() {
                return;
            }
        }
        self.setup.seed = seed;
        self.setup.wiring = self.sim().wiring();
        self.setup.rate = Some(self.sim().rate());
        self.timeline = Timeline::new(&self.setup).expect("the setup ran before");
        // The link's interventions were checked when it loaded; refused ones stay left out.
        let _ = self.timeline.play_script(&self.script);
        self.fork_note = None;
        self.last_frame_ms = None;
    }

    /// Pauses and shows simulated time `t_us`: back by re-simulating from a snapshot.
    pub fn seek(&mut self, t_us: u64) {
        self.set_paused(true);
        self.timeline.seek(t_us);
        self.fork_note = None;
    }

    /// Pauses and undoes the last event.
    pub fn step_back(&mut self) {
        self.set_paused(true);
        self.timeline.step_back();
        self.fork_note = None;
    }

    /// Applies an intervention now; in the past it forks the run and says so.
    pub fn apply(&mut self, action: fanout_sim::Action) -> Result<(), String> {
        let dropped = self.timeline.apply(action)?;
        self.fork_note = (dropped > 0).then(|| {
            format!(
                "You changed the past: {dropped} later change{} from the old future {} dropped, and the run goes on from here.",
                if dropped == 1 { "" } else { "s" },
                if dropped == 1 { "was" } else { "were" }
            )
        });
        Ok(())
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
        if !paused {
            self.step_note = None;
        }
        self.last_frame_ms = None;
        // A new step, a pause or a resume: the wait starts again with time to watch.
        self.pace = Pace::Chosen;
        self.step_wall_ms = 0.0;
        self.last_level = None;
        self.since_fall_ms = f64::INFINITY;
    }
}

/// A shared handle; components compare handles by identity.
#[derive(Clone)]
pub struct EngineHandle(pub Rc<RefCell<Engine>>);

impl PartialEq for EngineHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl EngineHandle {
    pub fn new(engine: Engine) -> Self {
        EngineHandle(Rc::new(RefCell::new(engine)))
    }
    pub fn borrow(&self) -> std::cell::Ref<'_, Engine> {
        self.0.borrow()
    }
    pub fn borrow_mut(&self) -> std::cell::RefMut<'_, Engine> {
        self.0.borrow_mut()
    }
    /// Applies an action to the simulation now; the error is a message for the student.
    /// In the past, this forks the run: the recorded future is dropped.
    pub fn apply(&self, action: fanout_sim::Action) -> Result<(), String> {
        self.0.borrow_mut().apply(action)
    }

    /// A button's handler that clears `fault` when it is `on`, and injects it otherwise,
    /// telling `on_changed` how that went.
    pub fn fault_toggle(
        &self,
        on_changed: &yew::Callback<Result<(), String>>,
        fault: fanout_sim::Fault,
        on: bool,
    ) -> yew::Callback<web_sys::MouseEvent> {
        let (engine, on_changed) = (self.clone(), on_changed.clone());
        yew::Callback::from(move |_: web_sys::MouseEvent| {
            let fault = fault.clone();
            let action =
                if on { fanout_sim::Action::Clear { fault } } else { fanout_sim::Action::Inject { fault } };
            on_changed.emit(engine.apply(action))
        })
    }
}
