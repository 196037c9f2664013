//! The registry of finding codes (`triage::diag::Code`) is the one list:
//! docs/authoring.md's tables document exactly its codes, with their
//! severities; every code is emitted somewhere in src; and no finding code is
//! written as a string literal beside it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use triage::diag::{Code, Severity};

use crate::support::manifest_dir;

fn rust_files(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
}

/// The source files, except the registry itself.
fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&manifest_dir().join("src"), &mut files);
    let registry = manifest_dir().join("src/diag/codes.rs");
    files.retain(|(path, _)| *path != registry);
    files
}

/// `"R203"`-shaped string literals.
fn literals_in(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(5))
        .filter(|&i| {
            bytes[i] == b'"'
                && bytes[i + 1] == b'R'
                && bytes[i + 2..i + 5].iter().all(u8::is_ascii_digit)
                && bytes[i + 5] == b'"'
        })
        .map(|i| text[i + 1..i + 5].to_string())
        .collect()
}

/// The rows of docs/authoring.md's finding tables: code → `E` or `W`.
fn documented() -> BTreeMap<String, String> {
    let docs = std::fs::read_to_string(manifest_dir().join("docs/authoring.md")).unwrap();
    let mut rows = BTreeMap::new();
    for line in docs.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, code, severity, ..] = cells[..] else {
            continue;
        };
        let is_code = code.len() == 4
            && code.starts_with('R')
            && code[1..].bytes().all(|b| b.is_ascii_digit());
        if is_code {
            let again = rows.insert(code.to_string(), severity.to_string());
            assert!(again.is_none(), "{code} has two rows in docs/authoring.md");
        }
    }
    rows
}

#[test]
fn docs_document_exactly_the_registry_with_its_severities() {
    let documented = documented();
    let expected: BTreeMap<String, String> = Code::all()
        .iter()
        .map(|c| {
            let letter = match c.severity() {
                Severity::Error => "E",
                Severity::Warning => "W",
            };
            (c.as_str().to_string(), letter.to_string())
        })
        .collect();
    let missing: Vec<String> = expected
        .iter()
        .filter(|(code, _)| !documented.contains_key(*code))
        .map(|(code, sev)| {
            let c = Code::parse(code).unwrap();
            format!("| {code} | {sev} | {} | … |", c.summary())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "in the registry but not in docs/authoring.md; add rows such as:\n{}",
        missing.join("\n")
    );
    let unknown: Vec<&String> = documented
        .keys()
        .filter(|code| !expected.contains_key(*code))
        .collect();
    assert!(
        unknown.is_empty(),
        "documented in docs/authoring.md but not in src/diag/codes.rs: {unknown:?}"
    );
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(code, sev)| documented[*code] != **sev)
        .map(|(code, sev)| format!("{code}: docs say {}, the registry {sev}", documented[code]))
        .collect();
    assert!(wrong.is_empty(), "severities differ:\n{}", wrong.join("\n"));
}

#[test]
fn every_registry_code_is_emitted_somewhere() {
    let sources = sources();
    let dead: Vec<&str> = Code::all()
        .iter()
        .map(|c| c.as_str())
        .filter(|code| {
            let variant = format!("Code::{code}");
            !sources.iter().any(|(_, text)| {
                text.match_indices(&variant).any(|(i, _)| {
                    // `Code::R01` must not count for `Code::R010`.
                    !text[i + variant.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
                })
            })
        })
        .collect();
    assert!(
        dead.is_empty(),
        "in src/diag/codes.rs but never used in src: {dead:?}"
    );
}

#[test]
fn no_finding_code_is_a_string_literal() {
    let found: Vec<String> = sources()
        .iter()
        .flat_map(|(path, text)| {
            literals_in(text)
                .into_iter()
                .map(move |code| format!("{}: \"{code}\"", path.display()))
        })
        .collect();
    assert!(
        found.is_empty(),
        "finding codes written as strings (use `triage::diag::Code` variants):\n{}",
        found.join("\n")
    );
}

#[test]
fn docs_mention_explain() {
    let docs = std::fs::read_to_string(manifest_dir().join("docs/authoring.md")).unwrap();
    assert!(docs.contains("triage check --explain"));
}
