//! The command line's tools, run as a real process: `validate` checks the shipped content and
//! names every problem of a bad file with its path.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fanout_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout-sim")).args(args).output().expect("the binary runs")
}

/// The repository's root, where `content/` is.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn content(path: &str) -> String {
    root().join("content").join(path).to_string_lossy().into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("utf-8 errors")
}

fn run_ok(args: &[&str]) -> String {
    let out = fanout_sim(args);
    assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
    stdout(&out)
}

/// A folder of its own under the test target directory, emptied.
fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn read_json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

// ----- validate -----

#[test]
fn validate_passes_the_shipped_lessons_and_scenarios_and_says_what_each_file_is() {
    // Exactly as the README gives it, from the repository's root.
    let out = Command::new(env!("CARGO_BIN_EXE_fanout-sim"))
        .args(["validate", "content/lessons", "content/scenarios"])
        .current_dir(root())
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(out.status.success(), "the shipped content has problems:\n{text}{}", stderr(&out));
    let count = |dir: &str| {
        std::fs::read_dir(root().join(dir))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json"))
            .count()
    };
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), count("content/lessons") + count("content/scenarios"), "{text}");
    assert!(lines.iter().all(|l| l.starts_with("ok  content/")), "{text}");
    assert!(lines.contains(&"ok  content/lessons/01-coupling.json (lesson coupling)"), "{text}");
    assert!(lines.contains(&"ok  content/scenarios/checkout.json (scenario checkout)"), "{text}");
    assert!(lines.contains(&"ok  content/scenarios/ride-sharing.json (scenario ride-sharing)"), "{text}");

    // A question set made of two shipped lessons is one too.
    let dir = folder("validate-good");
    let lessons = ["01-coupling.json", "02-emit-once.json"].map(|f| read_json(&content(&format!("lessons/{f}"))));
    let set = serde_json::json!({ "schema": 1, "title": "Week 3: events", "lessons": lessons }).to_string();
    let set = write(&dir, "week3.json", &set);
    let text = run_ok(&["validate", &set]);
    assert_eq!(text, format!("ok  {set} (question set \"Week 3: events\", 2 lessons)\n"));
}

#[test]
fn validate_lists_every_problem_of_every_file_with_its_path_and_exits_1() {
    let dir = folder("validate-bad");
    // A scenario file with two problems, each at its path.
    let mut scenario = read_json(&content("scenarios/checkout.json"));
    scenario["id"] = "bad-shop".into();
    scenario["services"][2]["processing"]["min"] = "soon".into();
    scenario["entry"]["service"] = "till".into();
    let bad_scenario = write(&dir, "bad-scenario.json", &serde_json::to_string_pretty(&scenario).unwrap());
    // A lesson whose lab names a service the checkout does not have, and a step that refers
    // to the scenario file's shop.
    let mut lesson = read_json(&content("lessons/01-coupling.json"));
    lesson["id"] = "bad-lab".into();
    lesson["lab"]["faults"] = serde_json::json!(["crash:billing"]);
    let bad_lesson = write(&dir, "bad-lesson.json", &lesson.to_string());
    let mut elsewhere = read_json(&content("lessons/02-emit-once.json"));
    elsewhere["id"] = "elsewhere".into();
    elsewhere["lab"]["scenario"] = "bad-shop".into();
    let on_file = write(&dir, "on-scenario-file.json", &elsewhere.to_string());
    let mut typo = read_json(&content("lessons/02-emit-once.json"));
    typo["sumary"] = "typo".into();
    let typo = write(&dir, "typo-lesson.json", &typo.to_string());
    let set =
        write(&dir, "set.json", &serde_json::json!({ "schema": 2, "title": "T", "lessons": [lesson] }).to_string());
    let not_json = write(&dir, "not-json.json", "{ \"id\": \"x\",\n  \"steps\": [ }");
    let list = write(&dir, "list.json", "[1, 2, 3]");
    let run = write(&dir, "run.json", r#"{ "format": "fanout-run", "version": 1 }"#);
    let missing = dir.join("missing.json").to_string_lossy().into_owned();

    let out = fanout_sim(&["validate", dir.to_str().unwrap(), &missing, &content("scenarios/checkout.json")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    let expect: &[(&str, &[&str])] = &[
        (&bad_scenario, &["services[2].processing.min: `soon` is not a duration", "entry.service:"]),
        (&bad_lesson, &["lesson `bad-lab`, lab: unknown service `billing`"]),
        (&on_file, &["lesson `elsewhere`, lab: `bad-shop` is the scenario of", "unknown scenario `bad-shop`"]),
        (&typo, &["not a lesson: unknown field `sumary`"]),
        (&set, &["schema is 2"]),
        (&not_json, &["line 2, column 14: not JSON"]),
        (&list, &["not an object"]),
        (&run, &["a run the page saved", "--file"]),
        (&missing, &["cannot be read"]),
    ];
    for (path, needles) in expect {
        for needle in *needles {
            let line = format!("{path}: ");
            assert!(
                text.lines().any(|l| l.starts_with(&line) && l.contains(needle)),
                "no line `{line}…{needle}…`:\n{text}"
            );
        }
    }
    // Each file's status line says what it was taken for.
    for (path, what) in [
        (&bad_scenario, "(scenario bad-shop): 2 problems"),
        (&bad_lesson, "(lesson bad-lab): 1 problem"),
        (&set, "(question set): 1 problem"),
        (&not_json, "(not JSON)"),
    ] {
        assert!(
            text.lines().any(|l| l == format!("bad {path} {what}") || l.starts_with(&format!("bad {path} {what}"))),
            "{path} {what}:\n{text}"
        );
    }
    let good = content("scenarios/checkout.json");
    assert!(text.lines().any(|l| l == format!("ok  {good} (scenario checkout)")), "{text}");
    assert!(stderr(&out).contains("problems in 9 of 10 files"), "{}", stderr(&out));

    // No path at all is bad usage.
    let out = fanout_sim(&["validate"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("<PATH>"), "{}", stderr(&out));
}
