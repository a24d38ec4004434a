//! The core's modules form no import cycle: reading `sim/src`, each top-level module's
//! references to another (`use crate::X…` or a path `crate::X::…`) are edges, and no two
//! modules may reach each other through them.
//!
//! The rule, as counted here:
//! - A module is a file of `sim/src` or a folder of it (`lesson/` is one module); `lib.rs`,
//!   which declares them all, and `main.rs`, the CLI on top, are not modules of the graph.
//! - Only code counts: comments (doc links included) and `#[cfg(test)]` modules are left out,
//!   since a unit test may well drive the whole `Sim`.
//! - The core is organised in `impl Sim` blocks in several files (`flow.rs`, `broker.rs`,
//!   `audit.rs`): those modules sit above `sim`, and name it. `sim.rs` calls the methods
//!   they add to `Sim` (they are `Sim`'s own), but may import nothing from them; the types
//!   both sides need live in lower modules (`subscription.rs`, `narration.rs`, …).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The module a path of `sim/src` belongs to, or `None` for `lib.rs`, `main.rs` and `cli/`.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    // `cli/` belongs to the command line (`main.rs`'s crate), on top of the library.
    (name != "lib" && name != "main" && name != "cli").then_some(name)
}

/// The code of a file without comments and without `#[cfg(test)]` modules.
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut skip_depth: Option<i64> = None;
    let mut pending_test = false;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("");
        let trimmed = line.trim();
        if let Some(depth) = skip_depth.as_mut() {
            *depth += line.matches('{').count() as i64 - line.matches('}').count() as i64;
            if *depth <= 0 {
                skip_depth = None;
            }
            continue;
        }
        if trimmed == "#[cfg(test)]" {
            pending_test = true;
            continue;
        }
        if pending_test {
            pending_test = false;
            if trimmed.starts_with("mod ") && trimmed.ends_with('{') {
                skip_depth = Some(1);
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Each module's edges to the other modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut modules = BTreeSet::new();
    for f in &files {
        if let Some(m) = module_of(f.strip_prefix(&src).unwrap()) {
            modules.insert(m);
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let Some(from) = module_of(f.strip_prefix(&src).unwrap()) else { continue };
        let text = code(&fs::read_to_string(f).unwrap());
        let targets = edges.entry(from.clone()).or_default();
        for (k, _) in text.match_indices("crate::") {
            let rest = &text[k + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            assert!(
                !rest.starts_with('{'),
                "{}: `use crate::{{…}}` is not read by this test; import each module on its own line",
                f.display()
            );
            if name != from && modules.contains(&name) {
                targets.insert(name);
            }
        }
    }
    edges
}

/// The modules `start` reaches through one or more edges.
fn reach(edges: &BTreeMap<String, BTreeSet<String>>, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = edges.get(start).into_iter().flatten().map(String::as_str).collect();
    while let Some(m) = todo.pop() {
        if seen.insert(m.to_string()) {
            todo.extend(edges.get(m).into_iter().flatten().map(String::as_str));
        }
    }
    seen
}

#[test]
fn the_core_s_modules_form_no_cycle() {
    let edges = graph();
    let mut cycles = Vec::new();
    for (a, targets) in &edges {
        for b in targets {
            if reach(&edges, b).contains(a) {
                cycles.push(format!("{a} -> {b} -> … -> {a}"));
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles between the core's modules:\n{}", cycles.join("\n"));
}

/// The reading above sees the edges that are there: `flow` holds `impl Sim` and imports
/// `sim`; `sim` imports the leaf modules it is built of.
#[test]
fn the_graph_sees_known_edges() {
    let edges = graph();
    assert!(edges["flow"].contains("sim"));
    assert!(edges["sim"].contains("message") && edges["sim"].contains("narration"));
    assert!(edges["lesson"].contains("sim"), "lesson/ is one module");
    assert!(!edges.contains_key("lib") && !edges.contains_key("main"));
    // Test modules are left out: happened.rs's tests drive a Sim, its code does not.
    assert!(!edges["happened"].contains("sim"));
}

#[test]
fn comments_and_test_modules_are_not_code() {
    let text = "use crate::a::X; // see crate::b\n/// [`crate::c`]\n#[cfg(test)]\nmod tests {\n    use crate::d;\n    fn f() { if true { } }\n}\nfn g() -> crate::e::Y { todo!() }\n";
    let c = code(text);
    assert!(c.contains("crate::a") && c.contains("crate::e"));
    assert!(!c.contains("crate::b") && !c.contains("crate::c") && !c.contains("crate::d"));
}
