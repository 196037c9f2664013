//! The modules are layers (src/lib.rs, docs/architecture.md): a file uses
//! only modules of its own layer or below, and modules of one layer do not
//! use each other in a circle. Read from the source, so an upward `use`
//! fails here with the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::manifest_dir;

/// Each top-level module of `src/` and its layer, bottom first.
const LAYERS: &[(&str, u8)] = &[
    ("util", 0),
    ("diag", 1),
    ("error", 1),
    ("rules", 2),
    ("engine", 3),
    ("recognize", 3),
    ("facts", 3),
    ("render", 4),
    ("check", 4),
    ("site", 5),
    ("probe", 5),
    ("import", 5),
    ("scaffold", 5),
    ("schema", 5),
    ("corpus", 5),
    ("cli", 6),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// `(file, line, used module)` for every `crate::name` outside comments.
fn uses(src: &Path) -> Vec<(String, usize, String, String)> {
    let pattern = regex::Regex::new(r"crate::(\{[^}]*\}|[a-z_]+)").unwrap();
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let top = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let top = top.trim_end_matches(".rs").to_string();
            if top == "lib" || top == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for m in pattern.captures_iter(code) {
                    let names = m[1].trim_matches(['{', '}']).to_string();
                    for name in names.split(',') {
                        let name = name.trim().split("::").next().unwrap_or("").trim();
                        if name.is_empty() || name == "Error" || name == "self" {
                            // `crate::Error` is the error layer's re-export.
                            if name == "Error" {
                                out.push((
                                    rel.display().to_string(),
                                    n + 1,
                                    top.clone(),
                                    "error".into(),
                                ));
                            }
                            continue;
                        }
                        out.push((
                            rel.display().to_string(),
                            n + 1,
                            top.clone(),
                            name.to_string(),
                        ));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn no_module_uses_a_layer_above_it_or_a_module_that_uses_it_back() {
    let src = manifest_dir().join("src");
    let mut upward = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, line, from, to) in uses(&src) {
        let (Some(a), Some(b)) = (layer(&from), layer(&to)) else {
            upward.push(format!(
                "src/{file}:{line}: module `{from}` or `{to}` has no layer; add it to LAYERS here and to the table in src/lib.rs"
            ));
            continue;
        };
        if b > a {
            upward.push(format!(
                "src/{file}:{line}: `{from}` (layer {a}) uses `{to}` (layer {b}), a layer above it"
            ));
        }
        if from != to {
            graph.entry(from).or_default().insert(to);
        }
    }
    assert!(upward.is_empty(), "{}", upward.join("\n"));
    // Within a layer: no circle (depth-first search for a back edge).
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut circle = path[i..].to_vec();
            circle.push(m.to_string());
            return Some(circle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(circle) = visit(m, &graph, &mut Vec::new(), &mut done) {
            panic!("modules use each other in a circle: {}", circle.join(" → "));
        }
    }
}

#[test]
fn only_the_command_line_sees_clap() {
    let src = manifest_dir().join("src");
    let mut seen = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(&src).unwrap().to_path_buf();
                if rel.starts_with("cli") || rel == Path::new("main.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if line.split("//").next().unwrap_or("").contains("clap") {
                        seen.push(format!("src/{}:{}", rel.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(
        seen.is_empty(),
        "clap outside src/cli/: {}",
        seen.join(", ")
    );
}
