//! `fanout-sim validate PATH...`: checks lesson files, question sets (`?quiz=` files) and
//! scenario files, telling which each is by its content, and lists every problem of every file
//! with its path. Exit code 0 when all are valid, 1 when any has a problem.

use fanout_sim::lesson::validate::{compile, load_set, parse_lesson};
use fanout_sim::Scenario;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// Checks lesson files, question sets and scenario files, and lists every problem.
#[derive(clap::Args, Clone, Debug)]
pub struct ValidateArgs {
    /// Files to check, or directories whose `.json` files are all checked. Each file is taken
    /// for what its content says it is: a scenario file has "format": "fanout-scenario", a
    /// question set has "schema" and "lessons", a lesson has "lab" and "steps".
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
}

/// What a file is, by its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Scenario,
    QuestionSet,
    Lesson,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Scenario => "scenario",
            Kind::QuestionSet => "question set",
            Kind::Lesson => "lesson",
        }
    }
}

/// One file as checked.
struct Checked {
    path: String,
    /// What the file is, as the status line says it: `scenario checkout`, `not JSON`.
    what: String,
    /// Each line `PATH: WHERE: WHAT`.
    problems: Vec<String>,
}

/// One file read and sorted, before the checks that look across files.
struct Read {
    path: String,
    text: String,
    kind: Result<Kind, (String, String)>,
    /// The `id` the file gives itself, if any.
    id: Option<String>,
}

/// The files to check: each file argument, and each directory's `.json` files in name order.
/// A path that cannot be listed is a problem of that path.
fn files(paths: &[String]) -> (Vec<String>, Vec<Checked>) {
    let mut out: Vec<String> = Vec::new();
    let mut unlisted = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if path.is_dir() {
            let listed = std::fs::read_dir(path).and_then(|entries| {
                let mut found = Vec::new();
                for e in entries {
                    let e = e?.path();
                    if e.is_file() && e.extension().is_some_and(|x| x == "json") {
                        found.push(e);
                    }
                }
                Ok(found)
            });
            match listed {
                Ok(mut found) if !found.is_empty() => {
                    found.sort();
                    out.extend(found.iter().map(|f| f.to_string_lossy().into_owned()));
                }
                Ok(_) => unlisted.push(Checked {
                    path: p.clone(),
                    what: "directory".into(),
                    problems: vec![format!("{p}: the directory has no .json files")],
                }),
                Err(e) => unlisted.push(Checked {
                    path: p.clone(),
                    what: "directory".into(),
                    problems: vec![format!("{p}: the directory cannot be read: {e}")],
                }),
            }
        } else {
            out.push(p.clone());
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|p| seen.insert(p.clone()));
    (out, unlisted)
}

/// What a file's JSON says it is.
fn kind_of(v: &Value) -> Result<Kind, (String, String)> {
    const TELL: &str = "a scenario file has \"format\": \"fanout-scenario\", a question set has \"schema\" and \
                        \"lessons\", a lesson has \"lab\" and \"steps\"";
    let Some(object) = v.as_object() else {
        return Err(("not a Fanout file".into(), format!("the file holds JSON but not an object; {TELL}")));
    };
    match object.get("format").map(|f| f.as_str()) {
        Some(Some("fanout-run")) => {
            return Err((
                "run file".into(),
                "this is a run the page saved (format `fanout-run`), not a lesson, question set or scenario; \
                 replay it with `fanout-sim --file`"
                    .into(),
            ))
        }
        // Any other format is taken for a scenario file, whose check names the format it wants.
        Some(_) => return Ok(Kind::Scenario),
        None => {}
    }
    if object.contains_key("schema") || object.contains_key("lessons") {
        Ok(Kind::QuestionSet)
    } else if object.contains_key("lab") || object.contains_key("steps") {
        Ok(Kind::Lesson)
    } else {
        Err(("not a Fanout file".into(), format!("cannot tell what this file is: {TELL}")))
    }
}

/// Reads a file and sorts it; a file that cannot be read or is not JSON is a problem.
fn read(path: &str) -> Read {
    let bad = |what: &str, why: String| Read {
        path: path.into(),
        text: String::new(),
        kind: Err((what.into(), why)),
        id: None,
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return bad("unreadable", format!("cannot be read: {e}")),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return bad(
                "not JSON",
                format!("not UTF-8 text (byte {}); JSON files are UTF-8", e.utf8_error().valid_up_to()),
            )
        }
    };
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            let (at, what) = fanout_sim::text::json_error(&e);
            let at = at.map(|a| format!("{a}: ")).unwrap_or_default();
            return bad("not JSON", format!("{at}not JSON: {what}"));
        }
    };
    let id = value.get("id").and_then(Value::as_str).map(String::from);
    Read { path: path.into(), kind: kind_of(&value), text, id }
}

/// Checks every file; the results in the order of the arguments (a directory's files in name
/// order), then directories that gave no file.
fn check(paths: &[String]) -> Vec<Checked> {
    let (list, unlisted) = files(paths);
    let read: Vec<Read> = list.iter().map(|p| read(p)).collect();
    // Scenario files by id, so that a lesson naming one can be told where it is; lessons by id,
    // so that two lesson files with one id are found.
    let mut scenario_files: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut lesson_files: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in &read {
        match (&r.kind, &r.id) {
            (Ok(Kind::Scenario), Some(id)) => scenario_files.entry(id.clone()).or_default().push(&r.path),
            (Ok(Kind::Lesson), Some(id)) => lesson_files.entry(id.clone()).or_default().push(&r.path),
            _ => {}
        }
    }
    // Every valid scenario file given is known by its id and its path, as the page knows one
    // it fetched, so that lessons and question sets naming it are checked against it.
    for r in &read {
        if let (Ok(Kind::Scenario), Ok(s)) = (&r.kind, fanout_sim::system::load(&r.text)) {
            let _ = fanout_sim::system::registry::register(&r.path, s);
        }
    }
    let mut out: Vec<Checked> = read
        .iter()
        .map(|r| {
            let named_scenarios = load_named_scenarios(r);
            let path = &r.path;
            let line = |p: String| format!("{path}: {p}");
            let kind = match &r.kind {
                Ok(k) => *k,
                Err((what, why)) => {
                    return Checked { path: path.clone(), what: what.clone(), problems: vec![line(why.clone())] }
                }
            };
            let named = |k: Kind| match &r.id {
                Some(id) => format!("{} {id}", k.name()),
                None => k.name().to_string(),
            };
            match kind {
                Kind::Scenario => {
                    let mut problems: Vec<String> = match fanout_sim::system::load(&r.text) {
                        Ok(_) => Vec::new(),
                        Err(ps) => ps.iter().map(|p| line(p.to_string())).collect(),
                    };
                    if let Some(others) = r.id.as_ref().and_then(|id| scenario_files.get(id)).filter(|o| o.len() > 1) {
                        let first = others[0];
                        if first != path {
                            problems.push(line(format!("id: {first} has the same id; give each scenario its own")));
                        }
                    }
                    Checked { path: path.clone(), what: named(kind), problems }
                }
                Kind::QuestionSet if !named_scenarios.is_empty() => Checked {
                    path: path.clone(),
                    what: "question set".into(),
                    problems: named_scenarios.into_iter().map(line).collect(),
                },
                Kind::Lesson if !named_scenarios.is_empty() => Checked {
                    path: path.clone(),
                    what: named(kind),
                    problems: named_scenarios.into_iter().map(line).collect(),
                },
                Kind::QuestionSet => match load_set(&r.text) {
                    Ok((title, lessons)) => {
                        let n = lessons.len();
                        let s = if n == 1 { "" } else { "s" };
                        Checked {
                            path: path.clone(),
                            what: format!("question set \"{title}\", {n} lesson{s}"),
                            problems: vec![],
                        }
                    }
                    Err(es) => Checked {
                        path: path.clone(),
                        what: "question set".into(),
                        problems: es.into_iter().map(line).collect(),
                    },
                },
                Kind::Lesson => {
                    let mut problems = Vec::new();
                    match parse_lesson(&r.text) {
                        Err(e) => problems.push(line(e)),
                        Ok(lesson) => {
                            let wanted = lesson.lab.scenario.clone();
                            if Scenario::by_id(&wanted).is_none() {
                                if let Some(files) = scenario_files.get(&wanted) {
                                    problems.push(line(format!(
                                        "lesson `{}`, lab: `{wanted}` is the scenario of {}, but a lesson runs on a \
                                         built-in scenario ({}), so it cannot be checked against that file",
                                        lesson.id,
                                        files[0],
                                        Scenario::IDS.join(", ")
                                    )));
                                }
                            }
                            if let Err(es) = compile(lesson) {
                                problems.extend(es.into_iter().map(line));
                            }
                        }
                    }
                    if let Some(others) = r.id.as_ref().and_then(|id| lesson_files.get(id)).filter(|o| o.len() > 1) {
                        let first = others[0];
                        if first != path {
                            problems.push(line(format!(
                                "id: {first} has the same lesson id; the page keeps progress by it, so each lesson \
                                 needs its own"
                            )));
                        }
                    }
                    Checked { path: path.clone(), what: named(kind), problems }
                }
            }
        })
        .collect();
    out.extend(unlisted);
    out
}

pub fn main(args: &ValidateArgs) -> ExitCode {
    let checked = check(&args.paths);
    let mut bad_files = 0;
    let mut problems = 0;
    for c in &checked {
        if c.problems.is_empty() {
            println!("ok  {} ({})", c.path, c.what);
        } else {
            bad_files += 1;
            problems += c.problems.len();
            let s = if c.problems.len() == 1 { "" } else { "s" };
            println!("bad {} ({}): {} problem{s}", c.path, c.what, c.problems.len());
            for p in &c.problems {
                println!("{p}");
            }
        }
    }
    if bad_files == 0 {
        ExitCode::SUCCESS
    } else {
        let s = if problems == 1 { "" } else { "s" };
        eprintln!("{problems} problem{s} in {bad_files} of {} files", checked.len());
        ExitCode::from(1)
    }
}

/// The scenario files a lesson or a question set names by address (`"lab": {"scenario":
/// "scenarios/bakery.json"}`), read relative to the file that names them (or to the current
/// folder) and loaded, as the page fetches them relative to itself. The problems, if any.
fn load_named_scenarios(r: &Read) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<Value>(&r.text) else { return Vec::new() };
    let labs: Vec<(String, &Value)> = match v["lessons"].as_array() {
        Some(lessons) => {
            lessons.iter().enumerate().map(|(k, l)| (format!("lessons[{k}].lab.scenario"), &l["lab"])).collect()
        }
        None => vec![("lab.scenario".to_string(), &v["lab"])],
    };
    let base = std::path::Path::new(&r.path).parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let mut problems = Vec::new();
    for (at, lab) in labs {
        let Some(address) = lab["scenario"].as_str() else { continue };
        if !fanout_sim::system::registry::is_address(address) || fanout_sim::system::registry::find(address).is_some() {
            continue;
        }
        // As written, beside the naming file or from here; or the file of that name beside it
        // (a page serves both from one folder).
        let name = std::path::Path::new(address).file_name().map(|n| base.join(n));
        let candidates: Vec<std::path::PathBuf> =
            [Some(base.join(address)), Some(std::path::PathBuf::from(address)), name].into_iter().flatten().collect();
        let Some(text) = candidates.iter().find_map(|p| std::fs::read_to_string(p).ok()) else {
            problems
                .push(format!("{at}: `{address}` cannot be read (looked beside this file and in the current folder)"));
            continue;
        };
        match fanout_sim::system::load(&text) {
            Ok(s) => {
                if let Err(why) = fanout_sim::system::registry::register(address, s) {
                    problems.push(format!("{at}: the scenario at {address}: {why}"));
                }
            }
            Err(ps) => problems.extend(ps.iter().map(|p| format!("{at}: the scenario at {address}: {p}"))),
        }
    }
    problems
}
