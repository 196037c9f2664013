//! `triage check`: one fixture folder per defect under fixtures/check/, each
//! holding only the files that differ from fixtures/check/_base; each
//! snapshot the rendered diagnostics and the exit code.

use insta_cmd::assert_cmd_snapshot;

use std::path::Path;

use crate::support::{copy_dir, manifest_dir, triage};

/// A case's rule folder: `fixtures/check/_base` with the case's files laid
/// over it; `NAME.absent` in the case removes the base's `NAME`. A case holds
/// only what differs from the base.
pub fn materialize(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &manifest_dir().join("tests/fixtures/check/_base"),
        dir.path(),
    );
    overlay(case, case, dir.path());
    dir
}

fn overlay(root: &Path, from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.strip_prefix(root).unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            overlay(root, &path, to);
        } else if let Some(name) = target.to_str().and_then(|t| t.strip_suffix(".absent")) {
            std::fs::remove_file(name).unwrap();
        } else if path.file_name().is_some_and(|n| n != ".keep") {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// `triage check` in a case's folder, with its `templates/` if it has one.
fn check_in(dir: &Path) -> std::process::Command {
    let mut cmd = triage();
    cmd.current_dir(dir).args(["--rules", "rules"]);
    if dir.join("templates").is_dir() {
        cmd.args(["--templates", "templates"]);
    }
    cmd.arg("check");
    cmd
}

#[test]
fn every_defect_is_reported_where_it_is() {
    insta::glob!("fixtures/check", "*", |case| {
        // The glob also yields fixtures/check itself; `_base` is no case.
        let name = case.file_name().unwrap().to_string_lossy();
        if case.is_dir() && !name.starts_with('_') && case.ends_with(&*name) && name != "check" {
            let dir = materialize(case);
            assert_cmd_snapshot!(check_in(dir.path()));
        }
    });
}

#[test]
fn json_findings_one_per_line() {
    let dir = materialize(&manifest_dir().join("tests/fixtures/check/yaml_duplicate_key"));
    let out = check_in(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let findings: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    insta::assert_json_snapshot!(findings);
}

#[test]
fn shipped_rules_pass() {
    let out = triage().arg("check").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // Warnings are allowed (probe signals kept for codes to come); errors are not.
    assert!(
        stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("ok: 0 errors")),
        "{stdout}"
    );
    let on_disk = triage()
        .current_dir(manifest_dir())
        .args(["--rules", "rules", "check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(on_disk.status.code(), Some(0));
    let errors = String::from_utf8_lossy(&on_disk.stdout)
        .lines()
        .filter(|l| l.contains("\"severity\":\"error\""))
        .count();
    assert_eq!(errors, 0);
}

#[test]
fn missing_rules_folder_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = triage()
        .current_dir(dir.path())
        .args(["--rules", "nowhere", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
}

#[test]
fn explain_prints_a_code_from_the_registry() {
    // Lower case is accepted; no rules are needed.
    assert_cmd_snapshot!(triage().args(["check", "--explain", "r004"]));
}

#[test]
fn explain_refuses_an_unknown_code_with_a_suggestion() {
    assert_cmd_snapshot!(triage().args(["check", "--explain", "R0004"]));
}
