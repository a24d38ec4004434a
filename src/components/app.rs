//! The lab: owns the engine, the view state and the animation loop, and lays out the panels.

use crate::bridge::{self, Bridge, Command};
use crate::components::{
    appearance::Appearance, charts_panel::ChartsPanel, controls::Controls, dlq_panel::DlqPanel,
    effects_panel::EffectsPanel, event_log::EventLog, fault_menu::FaultMenu, lesson_map::LessonMap,
    lesson_panel::LessonPanel, metrics_panel::MetricsPanel, notices::Notices, run_details::RunDetails,
    share_dialog::ShareDialog, stage::Stage, timeline_bar::TimelineBar, topic_panel::TopicPanel, welcome::Welcome, outbox_panel::OutboxPanel, saga_panel::SagaPanel, store_panel::StorePanel, registry_panel::RegistryPanel,
    alerts_panel::AlertsPanel, trace_panel::TracePanel,
};
use crate::course::{fetch_builtin, fetch_quiz, Course, Load, EXTRA_PREFIX};
use crate::engine::{Engine, EngineHandle};
use crate::host;
use crate::layout::Layout;
use crate::progress::{self, ProgressHandle};
use crate::state::{Chrome, Display, LabAction, LabState, View};
use crate::statements;
use fanout_sim::params::LabParams;
use fanout_sim::Node;
use gloo::render::{request_animation_frame, AnimationFrame};
use serde_json::json;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use web_sys::MessageEvent;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The page's query string, e.g. `?seed=3&wiring=request`.
    #[prop_or_default]
    pub query: AttrValue,
    /// Problems found before the app started (a scenario file that could not be used).
    #[prop_or_default]
    pub notices: Vec<String>,
}

/// A pending lesson that means "the first built-in one", whatever it is called.
const FIRST_LESSON: &str = "";

/// Components re-render this often; the canvas is painted every frame regardless.
const TICK_MS: f64 = 250.0;
/// Charts redraw this often (plotters measures text through the DOM, so not every tick).
const CHART_MS: f64 = 500.0;
/// Below this width the stage stacks vertically.
const NARROW_PX: f64 = 700.0;

/// What the frame loop needs from the latest render.
#[derive(Clone, Copy, Default)]
struct FrameInputs {
    narrow: bool,
    reduced: bool,
    /// The shorter stage of a lesson.
    compact: bool,
}

struct Looper {
    engine: EngineHandle,
    canvas: NodeRef,
    inputs: Rc<RefCell<FrameInputs>>,
    dispatch: UseReducerDispatcher<LabState>,
    last_tick_ms: f64,
    last_chart_ms: f64,
    /// Simulated time at the last periodic render.
    last_tick_sim_us: u64,
    /// The charts are due: they redraw on the next frame.
    charts_due: bool,
    dark: bool,
    raf: Option<AnimationFrame>,
    stopped: bool,
}

fn media(query: &str) -> bool {
    gloo::utils::window().match_media(query).ok().flatten().is_some_and(|m| m.matches())
}

fn schedule(looper: &Rc<RefCell<Looper>>) {
    let next = looper.clone();
    let handle = request_animation_frame(move |ts| frame(&next, ts));
    looper.borrow_mut().raf = Some(handle);
}

fn frame(looper: &Rc<RefCell<Looper>>, ts: f64) {
    {
        let mut l = looper.borrow_mut();
        if l.stopped {
            return;
        }
        let inputs = *l.inputs.borrow();
        let mut engine = l.engine.borrow_mut();
        engine.frame(ts);
        let sim_now = engine.sim().now();
        if let Some(canvas) = l.canvas.cast::<HtmlCanvasElement>() {
            let sim = &engine.sim();
            let layout = Layout::of(sim, inputs.narrow, inputs.compact);
            crate::paint::paint(&canvas, sim, &layout, inputs.reduced, l.dark);
        }
        drop(engine);
        if l.charts_due {
            l.charts_due = false;
            l.dispatch.dispatch(LabAction::Charts);
        } else if ts - l.last_tick_ms >= TICK_MS {
            l.last_tick_ms = ts;
            l.dark = crate::display::effective_dark();
            // Components only need a fresh render when the run has moved on; interventions
            // ask for their own render.
            if sim_now != l.last_tick_sim_us {
                l.last_tick_sim_us = sim_now;
                if ts - l.last_chart_ms >= CHART_MS {
                    l.last_chart_ms = ts;
                    l.charts_due = true;
                }
                l.dispatch.dispatch(LabAction::Tick { charts: false });
            }
        }
    }
    schedule(looper);
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let query = props.query.clone();
    let early = props.notices.clone();
    let boot = use_state(move || {
        let (params, parsed) = LabParams::parse(&query);
        let mut notices = early;
        notices.extend(parsed);
        let (engine, problems) = Engine::from_params(&params);
        notices.extend(problems);
        let (saved, storage_problem) = progress::load();
        notices.extend(storage_problem);
        let progress = ProgressHandle::new(saved);
        let engine = EngineHandle::new(engine);
        // `?lesson=` opens the map, or a lesson once the lessons have arrived (the map shows
        // them coming); one from a quiz waits for the quiz to load.
        let mut view = View::Lab;
        let mut pending = None;
        match params.lesson.as_deref() {
            None => {}
            Some("lessons") => view = View::Map,
            Some(key) if key.starts_with(EXTRA_PREFIX) && params.quiz.is_some() => {}
            Some(key) => {
                view = View::Map;
                pending = Some(key.to_string());
            }
        }
        (engine, notices, pending, progress, view, params)
    });
    let engine = boot.0.clone();
    let initial_notices = boot.1.clone();
    let progress = boot.3.clone();
    // The lesson to open as soon as the lessons are here.
    let pending = {
        let p = boot.2.clone();
        use_mut_ref(move || p)
    };
    // The course as it stands, shared with the fetches and the statements; `course` is the
    // copy the views render, set from it after each change.
    let course_now = use_mut_ref(Course::default);
    let course = use_state(Course::default);
    let state = use_reducer({
        let view = boot.4;
        let p = &boot.5;
        let link = p.clone();
        let chrome = Chrome { embed: p.embed, hide: p.hide.clone(), lock: p.lock };
        move || {
            let narrow =
                gloo::utils::window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(1024.0) < NARROW_PX;
            let (display, display_problem) = crate::display::load();
            let display = crate::display::with_link(display, &link);
            let notices = initial_notices.into_iter().chain(display_problem).collect();
            let mut s = LabState::new(notices, narrow, media("(prefers-reduced-motion: reduce)"), display);
            s.view = view;
            s.chrome = chrome;
            s
        }
    });
    // A course author's question set, fetched once; on any problem the built-in lessons stay.
    {
        let (params, course, dispatch, engine, progress, course_now) =
            (boot.5.clone(), course.clone(), state.dispatcher(), engine.clone(), progress.clone(), course_now.clone());
        use_effect_with((), move |_| {
            if let Some(url) = params.quiz.clone() {
                yew::platform::spawn_local(async move {
                    match fetch_quiz(&url).await {
                        Ok(extra) => {
                            course_now.borrow_mut().extra = Some(extra);
                            let next = course_now.borrow().clone();
                            if let Some(key) = params.lesson.as_deref().filter(|k| k.starts_with(EXTRA_PREFIX)) {
                                match open_lesson(&engine, &progress, &next, key) {
                                    Ok(()) => dispatch.dispatch(LabAction::SetView(View::Lesson)),
                                    Err(why) => dispatch.dispatch(LabAction::Notice(why)),
                                }
                            }
                            course.set(next);
                        }
                        Err(problems) => {
                            dispatch.dispatch(LabAction::Notice(format!(
                                "The question set at {url} could not be used: {}. The built-in lessons still work.",
                                crate::course::problem_list(&problems)
                            )));
                        }
                    }
                });
            }
        });
    }
    // The built-in lessons, fetched the first time the map or a lesson is shown (and again
    // when the student asks after a failure); then the lesson a link asked for opens.
    {
        let (course, course_now, pending, dispatch, engine, progress) =
            (course.clone(), course_now.clone(), pending.clone(), state.dispatcher(), engine.clone(), progress.clone());
        let needed = matches!(state.view, View::Map | View::Lesson) && course.status == Load::Idle;
        use_effect_with(needed, move |needed| {
            if *needed {
                course_now.borrow_mut().status = Load::Loading;
                course.set(course_now.borrow().clone());
                yew::platform::spawn_local(async move {
                    let fetched = fetch_builtin().await;
                    let next = {
                        let mut c = course_now.borrow_mut();
                        match fetched {
                            Ok(lessons) => {
                                c.builtin = lessons.into_iter().map(Rc::new).collect();
                                c.status = Load::Ready;
                            }
                            Err(why) => c.status = Load::Failed(why),
                        }
                        c.clone()
                    };
                    course.set(next.clone());
                    if next.status == Load::Ready {
                        let first = next.builtin.first().map(|c| c.lesson.id.clone()).unwrap_or_default();
                        let wanted = pending.borrow_mut().take();
                        if let Some(key) = wanted.map(|k| if k == FIRST_LESSON { first } else { k }) {
                            match open_lesson(&engine, &progress, &next, &key) {
                                Ok(()) => dispatch.dispatch(LabAction::SetView(View::Lesson)),
                                Err(why) => dispatch.dispatch(LabAction::Notice(why)),
                            }
                        }
                    }
                });
            }
        });
    }
    let on_retry_lessons = {
        let (course, course_now) = (course.clone(), course_now.clone());
        Callback::from(move |_: ()| {
            course_now.borrow_mut().status = Load::Idle;
            course.set(course_now.borrow().clone());
        })
    };
    // The host page: statements out, commands in, the content height while it changes.
    let bridge = {
        let origins = boot.5.origins.clone();
        use_state(move || Bridge::new(origins))
    };
    // The link the lab stands on: what a host's `set` combines with.
    let linked = {
        let p = boot.5.clone();
        use_mut_ref(move || p)
    };
    {
        let (bridge, progress, course_now) = ((*bridge).clone(), progress.clone(), course_now.clone());
        use_effect_with((), move |_| {
            if bridge.framed() {
                let page = host::page_url();
                progress.observe(Rc::new(move |before, after| {
                    let now = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
                    for o in statements::changes(before, after, &course_now.borrow(), &page, &now) {
                        bridge.send(o.kind, json!({ "lesson": o.lesson, "check": o.check, "statement": o.statement }));
                    }
                }));
            }
        });
    }
    let view_name = state.view.name();
    let send_state = {
        let (bridge, engine) = ((*bridge).clone(), engine.clone());
        move |view: &str, notices: &[String]| bridge.send("state", host::state(&engine.borrow(), view, notices))
    };
    // Commands from the host, read fresh on each message with the latest view.
    let on_command = {
        let (engine, dispatch, linked, progress, course_now, pending) =
            (engine.clone(), state.dispatcher(), linked.clone(), progress.clone(), course_now.clone(), pending.clone());
        let (send_state, view_name, chrome, display) =
            (send_state.clone(), view_name, state.chrome.clone(), state.display);
        Callback::from(move |command: Command| match command {
            Command::GetState => send_state(view_name, &[]),
            Command::Reset => {
                let seed = engine.borrow().setup.seed;
                engine.borrow_mut().reset(seed);
                dispatch.dispatch(LabAction::Tick { charts: true });
                send_state(view_name, &[]);
            }
            Command::Set(query) => {
                let keys = host::keys(&query);
                let mut notices: Vec<String> = keys
                    .iter()
                    .filter(|k| host::URL_ONLY.contains(&k.as_str()))
                    .map(|k| format!("Ignored {k} from the host page: it can only be given in the lab's address"))
                    .collect();
                let query = host::without(&query, &host::URL_ONLY);
                let merged = host::merge(&linked.borrow().query(), &query);
                let (mut p, problems) = LabParams::parse(&merged);
                notices.extend(problems);
                p.origins = linked.borrow().origins.clone();
                p.quiz = linked.borrow().quiz.clone();
                let has = |k: &str| keys.iter().any(|x| x == k);
                let mut view = None;
                if host::LAB_KEYS.iter().any(|k| has(k)) {
                    let (next, refused) = Engine::from_params(&p);
                    notices.extend(refused);
                    *engine.borrow_mut() = next;
                    view = Some(View::Lab);
                }
                if has("speed") {
                    engine.borrow_mut().speed = p.speed;
                }
                if has("paused") {
                    engine.borrow_mut().set_paused(p.paused);
                }
                if has("lesson") {
                    match p.lesson.as_deref() {
                        Some("lessons") => view = Some(View::Map),
                        Some(key) => match open_or_wait(&engine, &progress, &course_now.borrow(), &pending, key) {
                            Ok(v) => view = Some(v),
                            Err(why) => notices.push(why),
                        },
                        None => {}
                    }
                }
                if ["theme", "motion", "shortcuts", "present"].iter().any(|k| has(k)) {
                    dispatch.dispatch(LabAction::SetDisplay(crate::display::with_link(display, &p)));
                }
                if ["embed", "hide", "lock"].iter().any(|k| has(k)) {
                    let mut c = chrome.clone();
                    if has("embed") {
                        c.embed = p.embed;
                    }
                    if has("hide") {
                        c.hide = p.hide.clone();
                    }
                    if has("lock") {
                        c.lock = p.lock;
                    }
                    dispatch.dispatch(LabAction::SetChrome(c));
                }
                if let Some(v) = view {
                    dispatch.dispatch(LabAction::SetView(v));
                }
                // A host's link is a link: its problems are kept and listed together.
                for n in &notices {
                    dispatch.dispatch(LabAction::LinkNotice(n.clone()));
                }
                dispatch.dispatch(LabAction::Tick { charts: true });
                *linked.borrow_mut() = p;
                send_state(view.map_or(view_name, View::name), &notices);
            }
        })
    };
    let latest_command = use_mut_ref(|| on_command.clone());
    *latest_command.borrow_mut() = on_command;
    {
        let (bridge, latest_command) = ((*bridge).clone(), latest_command.clone());
        use_effect_with((), move |_| {
            let listener = gloo::events::EventListener::new(&gloo::utils::window(), "message", move |e| {
                let Some(e) = e.dyn_ref::<MessageEvent>() else { return };
                match bridge.read(e) {
                    Ok(command) => {
                        let cb = latest_command.borrow().clone();
                        cb.emit(command);
                    }
                    Err(why) => bridge::note(&why),
                }
            });
            move || drop(listener)
        });
    }
    let lab_ref = use_node_ref();
    // Ready once mounted; then the content height whenever it changes.
    {
        let (bridge, lab_ref, send_state, view_name) =
            ((*bridge).clone(), lab_ref.clone(), send_state.clone(), view_name);
        use_effect_with((), move |_| {
            let mut observer = None;
            if bridge.framed() {
                bridge.send("ready", json!({ "version": env!("CARGO_PKG_VERSION") }));
                send_state(view_name, &[]);
                if let Some(root) = lab_ref.cast::<web_sys::Element>() {
                    let last = Rc::new(std::cell::Cell::new(0.0));
                    let b = bridge.clone();
                    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                        let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() else { return };
                        let height = entry.target().get_bounding_client_rect().height().ceil();
                        if height != last.get() {
                            last.set(height);
                            b.send("resize", json!({ "height": height }));
                        }
                    });
                    if let Ok(ro) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
                        ro.observe(&root);
                        observer = Some((ro, on_resize));
                    }
                }
            }
            move || {
                if let Some((ro, _closure)) = observer {
                    ro.disconnect();
                }
            }
        });
    }
    // The address follows each change a person makes, so a reload brings the lab back; the
    // address the page was opened with stands until the first change.
    {
        let (engine, linked) = (engine.clone(), linked.clone());
        let first = use_mut_ref(|| true);
        use_effect_with((state.changes, state.view), move |(_, view)| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                host::follow(&engine.borrow(), *view, &linked.borrow());
            }
        });
    }
    let canvas = use_node_ref();
    let inputs = use_mut_ref(FrameInputs::default);
    let compact = state.view == View::Lesson;
    *inputs.borrow_mut() = FrameInputs { narrow: state.narrow, reduced: state.reduced_motion, compact };

    // The animation loop lives as long as the app; dropping the handle cancels the frame.
    {
        let (engine, canvas, inputs, dispatch) = (engine.clone(), canvas.clone(), inputs.clone(), state.dispatcher());
        use_effect_with((), move |_| {
            let looper = Rc::new(RefCell::new(Looper {
                engine,
                canvas,
                inputs,
                dispatch,
                last_tick_ms: f64::NEG_INFINITY,
                last_chart_ms: f64::NEG_INFINITY,
                last_tick_sim_us: u64::MAX,
                charts_due: false,
                dark: crate::display::effective_dark(),
                raf: None,
                stopped: false,
            }));
            schedule(&looper);
            move || {
                let mut l = looper.borrow_mut();
                l.stopped = true;
                l.raf.take();
            }
        });
    }

    // Narrow or wide follows the window.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| {
                let w = gloo::utils::window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(1024.0);
                dispatch.dispatch(LabAction::SetNarrow(w < NARROW_PX));
            });
            move || drop(listener)
        });
    }

    // Every intervention reports here: a refusal becomes a notice, success a fresh render.
    let on_changed = {
        let dispatch = state.dispatcher();
        Callback::from(move |result: Result<(), String>| match result {
            Ok(()) => dispatch.dispatch(LabAction::Changed),
            Err(why) => dispatch.dispatch(LabAction::Notice(why)),
        })
    };
    let on_open = {
        let (dispatch, progress) = (state.dispatcher(), progress.clone());
        Callback::from(move |node: Node| {
            // The hint that services can be clicked has done its job.
            if !progress.0.borrow().seen.fault_menu {
                progress.update(|p| p.seen.fault_menu = true);
            }
            dispatch.dispatch(LabAction::OpenMenu(node))
        })
    };
    let on_close = {
        let (dispatch, engine, lab_ref) = (state.dispatcher(), engine.clone(), lab_ref.clone());
        Callback::from(move |node: Node| {
            dispatch.dispatch(LabAction::CloseMenu);
            let id = crate::components::node_button::test_id(node, engine.borrow().sim().scenario());
            if let Some(lab) = lab_ref.cast::<web_sys::Element>() {
                focus_test_id(&lab, &id);
            }
        })
    };
    let on_dismiss = {
        let dispatch = state.dispatcher();
        Callback::from(move |id: u32| dispatch.dispatch(LabAction::Dismiss(id)))
    };
    let on_display = {
        let dispatch = state.dispatcher();
        Callback::from(move |d: Display| dispatch.dispatch(LabAction::SetDisplay(d)))
    };
    // Shortcuts listen on the lab's root, so they act only while focus is inside it.
    let on_key = {
        let (engine, on_changed, lab_ref) = (engine.clone(), on_changed.clone(), lab_ref.clone());
        let (enabled, lab_shown) = (state.display.shortcuts, state.view != View::Map);
        Callback::from(move |e: KeyboardEvent| {
            use crate::shortcuts::{from_event, run, show_help, Shortcut};
            let Some(s) = from_event(&e).filter(|_| enabled) else { return };
            match s {
                Shortcut::Help => match lab_ref.cast::<web_sys::Element>() {
                    Some(root) => show_help(&root),
                    None => return,
                },
                // The lesson map hides the lab: changing it unseen would surprise.
                _ if lab_shown => on_changed.emit(run(&engine, s)),
                _ => return,
            }
            e.prevent_default();
        })
    };

    let on_view = {
        let (dispatch, engine) = (state.dispatcher(), engine.clone());
        Callback::from(move |v: View| {
            if v != View::Lesson {
                // The lab stays as the lesson left it, to play with; the lesson resumes later.
                engine.borrow_mut().close_lesson();
            }
            dispatch.dispatch(LabAction::SetView(v));
        })
    };
    let on_open_lesson = {
        let (dispatch, engine, progress, course_now) =
            (state.dispatcher(), engine.clone(), progress.clone(), course_now.clone());
        Callback::from(move |key: String| match open_lesson(&engine, &progress, &course_now.borrow(), &key) {
            Ok(()) => dispatch.dispatch(LabAction::SetView(View::Lesson)),
            Err(why) => dispatch.dispatch(LabAction::Notice(why)),
        })
    };
    // First visit: the invitation, shown on a plain visit (a link asks for something of its
    // own) to someone with no progress who has not answered it yet.
    let plain_visit = props.query.trim_start_matches('?').is_empty();
    let welcome = {
        let p = progress.0.borrow();
        plain_visit && state.view == View::Lab && !boot.5.embed && p.lessons.is_empty() && !p.seen.welcome
    };
    let on_welcome_start = {
        let (dispatch, progress, pending, course_now, on_open_lesson) =
            (state.dispatcher(), progress.clone(), pending.clone(), course_now.clone(), on_open_lesson.clone());
        Callback::from(move |_: ()| {
            progress.update(|p| p.seen.welcome = true);
            let first = course_now.borrow().builtin.first().map(|c| c.lesson.id.clone());
            match first {
                Some(key) => on_open_lesson.emit(key),
                // The lessons are fetched with the map; the first opens when they are here.
                None => {
                    *pending.borrow_mut() = Some(FIRST_LESSON.to_string());
                    dispatch.dispatch(LabAction::SetView(View::Map));
                }
            }
        })
    };
    let on_welcome_explore = {
        let (dispatch, progress) = (state.dispatcher(), progress.clone());
        Callback::from(move |_: ()| {
            progress.update(|p| p.seen.welcome = true);
            dispatch.dispatch(LabAction::Changed);
        })
    };
    // Presentation mode: the number panels open over the stage on request.
    let present = state.display.present;
    let panels_open = use_state(|| false);
    let toggle_panels = {
        let panels_open = panels_open.clone();
        Callback::from(move |_: MouseEvent| panels_open.set(!*panels_open))
    };
    let on_panels_key = {
        let panels_open = panels_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                panels_open.set(false);
            }
        })
    };
    // The scenario's button and noun, for the shortcut list.
    let words: (AttrValue, AttrValue) = {
        let e = engine.borrow();
        let sc = e.sim().scenario();
        (sc.buy_label.clone().into(), sc.noun.clone().into())
    };
    // The hint stays for this visit once a fault menu has been found (taking it away then
    // would move the stage under the student's hand); the next visit goes without it.
    let hint_this_visit = {
        let p = progress.clone();
        use_state(move || !p.0.borrow().seen.fault_menu)
    };
    let hint = state.view == View::Lab && *hint_this_visit;
    let on_reset_progress = {
        let (dispatch, progress) = (state.dispatcher(), progress.clone());
        Callback::from(move |_| {
            *progress.0.borrow_mut() = progress::reset();
            dispatch.dispatch(LabAction::Notice("Lesson progress was reset.".into()));
        })
    };
    let nav = |label: &str, view: View, id: &str| {
        let on_view = on_view.clone();
        let current = state.view == view || (view == View::Map && state.view == View::Lesson);
        html! {
            <button type="button" class="nav-button" data-testid={id.to_string()}
                    aria-current={current.then_some("page")} onclick={Callback::from(move |_: MouseEvent| on_view.emit(view))}>
                { label.to_string() }
            </button>
        }
    };

    let tick = state.tick;
    let view = state.view;
    let chrome = state.chrome.clone();
    let shows = |panel: &str| chrome.shows(panel);
    let on_share = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(LabAction::Share(true)))
    };
    let on_share_close = {
        let (dispatch, lab_ref) = (state.dispatcher(), lab_ref.clone());
        Callback::from(move |_: ()| {
            dispatch.dispatch(LabAction::Share(false));
            if let Some(lab) = lab_ref.cast::<web_sys::Element>() {
                focus_test_id(&lab, "share");
            }
        })
    };
    // What a shared link carries: the run (in the free lab) or the lesson, and how it looks.
    let share_link = state.sharing.then(|| {
        let mut p = host::link(&engine.borrow(), view, &linked.borrow());
        crate::display::to_link(&state.display, &mut p);
        p
    });
    // In a lesson, the panels the step names, to show beside the stage.
    let evidence: Vec<&'static str> = if view == View::Lesson {
        crate::components::lesson_panel::evidence(&engine.borrow()).into_iter().filter(|p| shows(p)).collect()
    } else {
        Vec::new()
    };
    let panel = |name: &str| -> Html {
        if !shows(name) {
            return html! {};
        }
        match name {
            "timeline" => html! { <TimelineBar engine={engine.clone()} {tick} on_changed={on_changed.clone()} /> },
            "effects" => html! { <EffectsPanel engine={engine.clone()} {tick} /> },
            "topic" => html! { <TopicPanel engine={engine.clone()} {tick} /> },
            "outbox" => html! { <OutboxPanel engine={engine.clone()} {tick} /> },
            "sagas" => html! { <SagaPanel engine={engine.clone()} {tick} on_changed={on_changed.clone()} /> },
            "store" => html! { <StorePanel engine={engine.clone()} {tick} on_changed={on_changed.clone()} /> },
            "registry" => html! { <RegistryPanel engine={engine.clone()} {tick} on_changed={on_changed.clone()} /> },
            "metrics" => html! { <MetricsPanel engine={engine.clone()} {tick} /> },
            "dlq" => html! { <DlqPanel engine={engine.clone()} {tick} on_changed={on_changed.clone()} /> },
            "log" => {
                let on_trace = shows("traces").then(|| {
                    let dispatch = state.dispatcher();
                    Callback::from(move |order: u64| dispatch.dispatch(LabAction::ShowTrace(order)))
                });
                html! { <EventLog engine={engine.clone()} {tick} {on_trace} /> }
            }
            "traces" => {
                let start_open = evidence.contains(&"traces");
                html! { <TracePanel engine={engine.clone()} {tick} asked={state.trace_ask} {start_open} narrow={state.narrow} on_changed={on_changed.clone()} /> }
            }
            "alerts" => html! { <AlertsPanel engine={engine.clone()} {tick} on_changed={on_changed.clone()} /> },
            "chart-response" | "chart-lag" | "chart-errors" | "chart-p99" => {
                let keys: Vec<&'static str> = crate::components::charts_panel::KEYS
                    .into_iter()
                    .filter(|k| crate::components::charts_panel::test_id(k) == name)
                    .collect();
                html! { <ChartsPanel engine={engine.clone()} chart_tick={state.chart_tick} {keys} /> }
            }
            "charts" => {
                // The charts not already shown beside the stage.
                let keys: Vec<&'static str> = crate::components::charts_panel::KEYS
                    .into_iter()
                    .filter(|k| !evidence.contains(&crate::components::charts_panel::test_id(k)))
                    .collect();
                if keys.is_empty() {
                    html! {}
                } else {
                    html! { <ChartsPanel engine={engine.clone()} chart_tick={state.chart_tick} {keys} /> }
                }
            }
            _ => html! {},
        }
    };
    // Picking an order from the stage: a node's menu opens the trace of its latest order, and
    // closes, so that the trace panel has the focus.
    let menu_trace: Option<Callback<u64>> = shows("traces").then(|| {
        let dispatch = state.dispatcher();
        let on_close = on_close.clone();
        let node = state.menu;
        Callback::from(move |order: u64| {
            if let Some(n) = node {
                on_close.emit(n);
            }
            dispatch.dispatch(LabAction::ShowTrace(order))
        })
    });
    let evidence_html: Option<Html> =
        (!evidence.is_empty()).then(|| evidence.iter().map(|p| panel(p)).collect::<Html>());
    html! {
        <div class={classes!("lab", chrome.embed.then_some("embedded"))} ref={lab_ref} onkeydown={on_key}>
            <a class="skip-link" href="#stage-title">{ "Skip to the system diagram" }</a>
            <header class="masthead">
                <div class="brand">
                    <svg class="logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
                        <rect width="32" height="32" rx="7" fill="currentColor"/>
                        <circle cx="9" cy="16" r="4" fill="var(--bg)"/><circle cx="24" cy="7" r="3" fill="var(--bg)"/>
                        <circle cx="24" cy="16" r="3" fill="var(--bg)"/><circle cx="24" cy="25" r="3" fill="var(--bg)"/>
                        <path d="M12 16 L21 7 M12 16 H21 M12 16 L21 25" stroke="var(--bg)" stroke-width="2"/>
                    </svg>
                    <h1>{ "Fanout" }</h1>
                </div>
                <p class="tagline">{ "Direct calls or events: watch what one slow or broken service does to everyone else." }</p>
                if !chrome.lock {
                    <nav class="sections" aria-label="Sections">
                        { nav("Lessons", View::Map, "nav-lessons") }
                        { nav("Free lab", View::Lab, "nav-lab") }
                    </nav>
                }
                <Appearance display={state.display} on_change={on_display} buy_label={words.0.clone()} noun={words.1.clone()} />
                if present {
                    <button type="button" class="button" data-testid="panels-toggle" aria-controls="side-panels"
                            aria-expanded={panels_open.to_string()} onclick={toggle_panels.clone()}>
                        <span>{ "Numbers" }</span>
                    </button>
                }
                if shows("share") {
                    <button type="button" class="button share-button" data-testid="share" aria-haspopup="dialog" onclick={on_share}>
                        { crate::icons::icon("share") }<span>{ "Share" }</span>
                    </button>
                }
            </header>
            if let Some(link) = share_link {
                <ShareDialog page={AttrValue::from(host::page_url())} {link} on_close={on_share_close} />
            }
            <Notices notices={state.notices.clone()} {on_dismiss} />
            if welcome {
                <Welcome on_start={on_welcome_start} on_explore={on_welcome_explore} />
            }
            if view == View::Map {
                <main class="workspace">
                    <LessonMap course={(*course).clone()} progress={progress.clone()} {tick} on_open={on_open_lesson.clone()}
                               on_reset={on_reset_progress} on_retry={on_retry_lessons} />
                </main>
            } else {
            <main class={classes!("workspace", (view == View::Lesson).then_some("with-lesson"))}>
                if view == View::Lesson {
                    <LessonPanel engine={engine.clone()} progress={progress.clone()} course={(*course).clone()} {tick}
                                 locked={chrome.lock && linked.borrow().lesson.as_deref() != Some("lessons")}
                                 on_changed={on_changed.clone()} on_view={on_view.clone()} on_open={on_open_lesson.clone()} />
                }
                <div class="lab-area">
                if shows("controls") {
                    <Controls engine={engine.clone()} {tick} on_changed={on_changed.clone()} compact={compact || present} />
                }
                <div class="main-grid">
                    <div class="stage-column">
                        // What the lesson step talks about comes right under the stage, in view with it.
                        <Stage engine={engine.clone()} {tick} narrow={state.narrow} reduced_motion={state.reduced_motion}
                               menu={state.menu} canvas_ref={canvas.clone()} on_open={on_open.clone()}
                               on_changed={on_changed.clone()} {compact} {hint}
                               evidence={evidence_html} />
                        if shows("timeline") && !evidence.contains(&"timeline") {
                            <TimelineBar engine={engine.clone()} {tick} on_changed={on_changed.clone()} />
                        }
                        if let Some(node) = state.menu {
                            <FaultMenu engine={engine.clone()} {node} {tick} on_close={on_close.clone()}
                                       on_changed={on_changed.clone()} on_trace={menu_trace.clone()} />
                        }
                        { for ["store", "sagas", "effects", "outbox", "topic", "registry", "traces"].into_iter().filter(|p| !evidence.contains(p)).map(|p| panel(p)) }
                    </div>
                    // In presentation mode the stage takes the width and these numbers open
                    // over it on request.
                    if !present || *panels_open {
                    <div class="side-column" id="side-panels" data-testid="side-panels" onkeydown={on_panels_key}>
                        if present {
                            <button type="button" class="button small panels-close" data-testid="panels-close"
                                    onclick={toggle_panels.clone()}>{ crate::icons::icon("close") }<span>{ "Hide the numbers" }</span></button>
                        }
                        { for ["alerts", "metrics", "dlq", "log"].into_iter().filter(|p| !evidence.contains(p)).map(|p| panel(p)) }
                    </div>
                    }
                </div>
                { panel("charts") }
                if shows("details") { <RunDetails engine={engine.clone()} {tick} on_changed={on_changed.clone()} /> }
                </div>
            </main>
            }
        </div>
    }
}

/// Moves focus to the element inside `within` with this test id (a node's button after
/// its menu closes).
pub fn focus_test_id(within: &web_sys::Element, id: &str) {
    use wasm_bindgen::JsCast;
    let selector = format!("[data-testid=\"{id}\"]");
    if let Ok(Some(el)) = within.query_selector(&selector) {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// Opens the lesson under `key` now, or, while the built-in lessons are still to come, shows
/// the map and opens it when they arrive.
fn open_or_wait(
    engine: &EngineHandle,
    progress: &ProgressHandle,
    course: &Course,
    pending: &RefCell<Option<String>>,
    key: &str,
) -> Result<View, String> {
    if course.find(key).is_none() && course.status != Load::Ready {
        *pending.borrow_mut() = Some(key.to_string());
        return Ok(View::Map);
    }
    open_lesson(engine, progress, course, key).map(|()| View::Lesson)
}

/// Opens the lesson saved and linked under `key` where the student left it.
fn open_lesson(engine: &EngineHandle, progress: &ProgressHandle, course: &Course, key: &str) -> Result<(), String> {
    let Some(c) = course.find(key) else {
        let ids: Vec<String> = course.all().map(|(k, _)| k).collect();
        return Err(format!("Ignored lesson=\"{key}\": accepted values are lessons, {}", ids.join(", ")));
    };
    let saved = progress.lesson(key);
    let step = saved.step.min(c.lesson.steps.len().saturating_sub(1));
    engine.borrow_mut().open_lesson(key.to_string(), c, step, saved.records)?;
    // Opened is started, for the map.
    progress.update(|p| {
        p.lessons.entry(key.to_string()).or_default();
    });
    Ok(())
}
