//! The command line's tools, run as a real process: `validate` checks the shipped content and
//! names every problem of a bad file with its path; `--scenario-file` runs a scenario file to
//! the same trace hash as the built-in scenario it holds; `sweep` writes one CSV row per run,
//! each row the plain run of its inputs, in the same order whatever the number of threads.

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
        (&["--scenario-address", "x.json", "--wiring", "event", "--duration-s", "5"], &["--scenario-file"]),
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

// ----- sweep -----

/// The rows of a CSV as maps from column to value, and the header.
fn csv_rows(csv: &str) -> (Vec<String>, Vec<Vec<(String, String)>>) {
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().expect("a header").split(',').map(String::from).collect();
    let rows = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{l}");
            header.iter().cloned().zip(cells.into_iter().map(String::from)).collect()
        })
        .collect();
    (header, rows)
}

fn cell<'a>(row: &'a [(String, String)], column: &str) -> &'a str {
    &row.iter().find(|(c, _)| c == column).unwrap_or_else(|| panic!("no column {column}")).1
}

#[test]
fn every_row_of_a_sweep_is_the_plain_run_of_its_seed() {
    let csv = run_ok(&args_of(
        "sweep --seeds 1..10 --wirings event --rates 3 --duration-s 8 --fault-set drop:email:0.2+crash:inventory:1s-3s \
         --at 2s:buy --at 0s:idempotent:email:on",
    ));
    let (header, rows) = csv_rows(&csv);
    assert_eq!(
        header[..18],
        [
            "scenario",
            "seed",
            "rate",
            "wiring",
            "faults",
            "duration_s",
            "placed",
            "succeeded",
            "failed",
            "in_flight",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "published",
            "hops",
            "trace_hash",
            "lag_all_subscribers",
            "duplicates_all_subscribers"
        ]
    );
    assert_eq!(
        header[18..],
        [
            "lag_email",
            "duplicates_email",
            "lag_inventory",
            "duplicates_inventory",
            "lag_analytics",
            "duplicates_analytics",
            "lag_shipping",
            "duplicates_shipping"
        ]
    );
    assert_eq!(rows.len(), 10);
    for (k, row) in rows.iter().enumerate() {
        let seed = (k + 1).to_string();
        assert_eq!(cell(row, "seed"), seed);
        let plain = json_ok(&args_of(&format!(
            "--wiring event --seed {seed} --rate 3 --duration-s 8 --fault drop:email:0.2 --fault crash:inventory:1s-3s \
             --at 2s:buy --at 0s:idempotent:email:on --json"
        )));
        assert_eq!(cell(row, "trace_hash"), plain["trace_hash"], "seed {seed}");
        assert_eq!(cell(row, "placed"), plain["checkouts"]["placed"].to_string(), "seed {seed}");
        assert_eq!(cell(row, "p95_ms"), plain["response_ms"]["p95"].to_string(), "seed {seed}");
        assert_eq!(
            (cell(row, "scenario"), cell(row, "rate"), cell(row, "wiring"), cell(row, "duration_s")),
            ("checkout", "3", "event", "8")
        );
        assert_eq!(cell(row, "faults"), "drop:email:0.2+crash:inventory:1s-3s");
        let subs = plain["subscribers"].as_array().unwrap();
        let sum = |f: &str| subs.iter().map(|s| s[f].as_u64().unwrap()).sum::<u64>().to_string();
        assert_eq!(cell(row, "lag_all_subscribers"), sum("lag"));
        assert_eq!(cell(row, "duplicates_all_subscribers"), sum("duplicates"));
        let email = subs.iter().find(|s| s["key"] == "email").unwrap();
        assert_eq!(cell(row, "lag_email"), email["lag"].to_string());
    }
}

#[test]
fn a_sweep_writes_the_same_bytes_whatever_the_number_of_threads() {
    let grid = "sweep --seeds 1..6,9 --wirings request,event --rates 2,6 --duration-s 4 --fault-set none \
                --fault-set crash:email:1s-2s+errors:inventory:0.2";
    let one = run_ok(&args_of(&format!("{grid} --threads 1")));
    let three = run_ok(&args_of(&format!("{grid} --threads 3")));
    assert_eq!(one, three);
    let (_, rows) = csv_rows(&one);
    assert_eq!(rows.len(), 7 * 2 * 2 * 2);
    // Grid order: fault set, wiring, rate, then seed.
    let key = |r: &[(String, String)]| {
        [cell(r, "faults"), cell(r, "wiring"), cell(r, "rate"), cell(r, "seed")].map(String::from)
    };
    assert_eq!(key(&rows[0]), ["none", "request", "2", "1"]);
    assert_eq!(key(&rows[6]), ["none", "request", "2", "9"]);
    assert_eq!(key(&rows[7]), ["none", "request", "6", "1"]);
    assert_eq!(key(&rows[14]), ["none", "event", "2", "1"]);
    assert_eq!(key(&rows[28]), ["crash:email:1s-2s+errors:inventory:0.2", "request", "2", "1"]);
    // --out writes the same bytes to a file.
    let dir = folder("sweep-out");
    let out = dir.join("sweep.csv").to_string_lossy().into_owned();
    let printed = run_ok(&args_of(&format!("{grid} --threads 2 --out {out}")));
    assert!(printed.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), one);
}

#[test]
fn a_grid_file_gives_the_grid_and_flags_override_it() {
    let dir = folder("sweep-grid");
    // The scenario file is found beside the grid file.
    std::fs::copy(content("scenarios/flash-sale.json"), dir.join("sale.json")).unwrap();
    let grid = write(
        &dir,
        "grid.json",
        r#"{ "seeds": "3..4", "wirings": ["event"], "rates": [20, 40], "duration_s": 2,
             "fault_sets": ["none", "slow:analytics:50ms"], "scenario_file": "sale.json", "at": ["1s:buy"] }"#,
    );
    let from_grid = run_ok(&["sweep", "--grid", &grid]);
    let flags = "sweep --seeds 3..4 --wirings event --rates 20,40 --duration-s 2 --fault-set none \
                 --fault-set slow:analytics:50ms --scenario flash-sale --at 1s:buy";
    assert_eq!(from_grid, run_ok(&args_of(flags)));
    let (_, rows) = csv_rows(&from_grid);
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|r| cell(r, "scenario") == "flash-sale"));
    // Flags replace the grid file's values.
    let over = run_ok(&["sweep", "--grid", &grid, "--seeds", "7", "--fault-set", "none", "--scenario", "flash-sale"]);
    let (_, rows) = csv_rows(&over);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| cell(r, "seed") == "7" && cell(r, "faults") == "none"));
}

#[test]
fn bad_sweeps_exit_2_and_say_what_is_wrong() {
    let dir = folder("sweep-bad");
    let unknown = write(&dir, "unknown.json", r#"{ "seeds": "1..2", "duration_s": 2, "colour": "red" }"#);
    let bad_seeds = write(&dir, "bad-seeds.json", r#"{ "seeds": "9..1", "duration_s": 2 }"#);
    let cases: &[(&[&str], &[&str])] = &[
        (&["sweep", "--seeds", "1..100000", "--rates", "2,5", "--duration-s", "1"], &["400000 runs", "at most 100000"]),
        (&["sweep", "--seeds", "1..18446744073709551615", "--duration-s", "1"], &["at most 100000"]),
        (&["sweep", "--seeds", "5..1", "--duration-s", "1"], &["--seeds", "runs backwards"]),
        (&["sweep", "--seeds", "x", "--duration-s", "1"], &["--seeds", "`x` is not a seed"]),
        (&["sweep", "--rates", "2,-1", "--duration-s", "1"], &["--rates", "from 0 to 50000"]),
        (&["sweep", "--wirings", "request,sideways", "--duration-s", "1"], &["--wirings", "unknown wiring `sideways`"]),
        (
            &["sweep", "--fault-set", "crash:email+melt:email", "--duration-s", "1"],
            &["--fault-set", "unknown fault kind `melt`"],
        ),
        (
            &["sweep", "--fault-set", "crash:billing", "--duration-s", "1"],
            &["crash:billing", "unknown service `billing`"],
        ),
        (&["sweep", "--seeds", "1..2"], &["--duration-s"]),
        (&["sweep", "--threads", "0", "--duration-s", "1"], &["--threads", "from 1 to"]),
        (&["sweep", "--duration-s", "1", "--at", "1s:redrive:email"], &["seed 1", "dead-letter queue is empty"]),
        (&["sweep", "--grid", &unknown], &["unknown.json", "unknown field `colour`"]),
        (&["sweep", "--grid", &bad_seeds], &["bad-seeds.json", "seeds", "runs backwards"]),
        (
            &["sweep", "--scenario", "checkout", "--scenario-file", "x.json", "--duration-s", "1"],
            &["cannot be used with"],
        ),
        (&["--wiring", "event", "sweep", "--duration-s", "1"], &["cannot be used with"]),
    ];
    for (args, needles) in cases {
        let out = fanout_sim(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        for needle in *needles {
            assert!(err.contains(needle), "{args:?}: stderr does not mention {needle:?}:\n{err}");
        }
    }
}

#[test]
fn validate_checks_a_question_set_against_the_scenario_file_it_names() {
    // The set names `fixtures/scenario-bakery.json`, an address beside the page; from the
    // shell the file of that name beside the set is read, as a page serving both would.
    let set = root().join("tests/e2e/fixtures/quiz-bakery.json");
    let out = run_ok(&["validate", set.to_str().unwrap()]);
    assert!(out.contains("question set \"Bakery week\", 1 lesson"), "{out}");
    // Naming a file that is not there is a problem with its path.
    let dir = folder("named-scenario");
    let text = std::fs::read_to_string(&set).unwrap().replace("fixtures/scenario-bakery.json", "nowhere/cakes.json");
    let bad = write(&dir, "set.json", &text);
    let out = fanout_sim(&["validate", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("lessons[0].lab.scenario: `nowhere/cakes.json` cannot be read"), "{}", stdout(&out));
}
