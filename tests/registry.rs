//! Every finding code the source emits is documented in docs/authoring.md's
//! tables, and every code documented there is emitted: the table cannot drift.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::manifest_dir;

fn rust_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(path).unwrap());
        }
    }
}

/// `"R203"`-shaped string literals.
fn codes_in(text: &str) -> BTreeSet<String> {
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

#[test]
fn every_finding_code_is_documented_and_every_documented_code_is_emitted() {
    let mut sources = Vec::new();
    rust_files(&manifest_dir().join("src"), &mut sources);
    let emitted: BTreeSet<String> = sources.iter().flat_map(|s| codes_in(s)).collect();
    let docs = std::fs::read_to_string(manifest_dir().join("docs/authoring.md")).unwrap();
    let documented: BTreeSet<String> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("| R"))
        .filter_map(|l| l.get(..3).filter(|d| d.bytes().all(|b| b.is_ascii_digit())))
        .map(|d| format!("R{d}"))
        .collect();
    assert_eq!(
        emitted.difference(&documented).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "emitted but not in docs/authoring.md"
    );
    assert_eq!(
        documented.difference(&emitted).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "documented but never emitted"
    );
}
