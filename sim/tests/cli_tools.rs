//! The command line's tools, run as a real process: `validate` checks the shipped content and
//! names every problem of a bad file with its path; `--scenario-file` runs a scenario file to
//! the same trace hash as the built-in scenario it holds.

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

fn json_ok(args: &[&str]) -> Value {
    serde_json::from_str(&run_ok(args)).expect("--json prints JSON")
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

fn args_of(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
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

// ----- --scenario-file -----

#[test]
fn a_scenario_file_runs_to_the_same_hash_as_the_built_in_scenario_it_holds() {
    let file = content("scenarios/checkout.json");
    for flags in [
        "--wiring event --seed 3 --duration-s 10 --fault crash:email:2s-4s --at 5s:buy",
        "--wiring request --seed 7 --rate 3 --duration-s 10 --fault slow:analytics:200ms --fault errors:inventory:0.1",
        "--wiring event --seed 5 --duration-s 8 --partitions 1 --add payment --idempotent payment --cancel-share 0.3",
    ] {
        let mut built_in = args_of(flags);
        built_in.extend(["--scenario", "checkout", "--json"]);
        let mut from_file = args_of(flags);
        from_file.extend(["--scenario-file", &file, "--json"]);
        let (a, b) = (json_ok(&built_in), json_ok(&from_file));
        assert_eq!(a["trace_hash"], b["trace_hash"], "{flags}");
        assert_eq!(a, b, "{flags}");
    }
    // A version-1 run file's faults and inputs are checked against the scenario file's
    // services, and replay the same.
    let dir = folder("scenario-file-runs");
    let run = write(
        &dir,
        "run.json",
        r#"{ "version": 1, "wiring": "event", "seed": 2, "duration_s": 6, "faults": ["drop:email:0.3"],
             "inputs": [ { "at_us": 1000000, "action": "set-idempotent", "service": "email", "on": true } ] }"#,
    );
    assert_eq!(json_ok(&["--file", &run, "--scenario-file", &file, "--json"]), json_ok(&["--file", &run, "--json"]));
    // A scenario of one's own: its id names the run.
    let mut own = read_json(&file);
    own["id"] = "corner-shop".into();
    own["title"] = "Corner shop".into();
    let own = write(&dir, "corner-shop.json", &own.to_string());
    let v = json_ok(&["--scenario-file", &own, "--wiring", "event", "--duration-s", "5", "--json"]);
    assert_eq!(v["scenario"], "corner-shop");
    let table = run_ok(&["--scenario-file", &own, "--wiring", "event", "--duration-s", "5"]);
    assert!(table.starts_with("scenario   corner-shop (event)"), "{table}");
}

#[test]
fn a_scenario_file_with_problems_or_with_save_exits_2_and_says_why() {
    let dir = folder("scenario-file-bad");
    let mut scenario = read_json(&content("scenarios/checkout.json"));
    scenario["services"][2]["processing"]["min"] = "soon".into();
    scenario["timing"]["network"]["min"] = "-3ms".into();
    let bad = write(&dir, "bad.json", &scenario.to_string());
    let out = fanout_sim(&["--scenario-file", &bad, "--wiring", "event", "--duration-s", "5"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty() && err.starts_with("error: "), "{err}");
    assert!(err.contains(&format!("'{bad}'")) && err.contains("2 problems"), "{err}");
    assert!(err.contains(&format!("{bad}: services[2].processing.min: `soon` is not a duration")), "{err}");
    assert!(err.contains(&format!("{bad}: timing.network.min:")), "{err}");

    let file = content("scenarios/checkout.json");
    let missing = dir.join("missing.json").to_string_lossy().into_owned();
    let cases: &[(&[&str], &[&str])] = &[
        (&["--scenario-file", &missing, "--wiring", "event", "--duration-s", "5"], &["cannot be read"]),
        (
            &["--scenario-file", &file, "--wiring", "event", "--duration-s", "5", "--save", "x.json"],
            &["--save", "scenario file", "cannot be saved for the page yet"],
        ),
        (
            &["--scenario-file", &file, "--scenario", "checkout", "--wiring", "event", "--duration-s", "5"],
            &["'--scenario-file <PATH>' cannot be used with '--scenario <ID>'"],
        ),
        (
            &["--scenario-file", &file, "--wiring", "event", "--duration-s", "5", "--fault", "crash:billing"],
            &["--fault", "unknown service `billing`"],
        ),
    ];
    for (args, needles) in cases {
        let out = fanout_sim(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        for needle in *needles {
            assert!(err.contains(needle), "{args:?}: stderr does not mention {needle:?}:\n{err}");
        }
    }
}
