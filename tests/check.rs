//! `triage check`: one fixture folder per defect under fixtures/check/, each
//! holding only the files that differ from fixtures/check/_base; each
//! snapshot the rendered diagnostics and the exit code.

use insta_cmd::assert_cmd_snapshot;

use std::path::Path;

use crate::support::{Test, manifest_dir, triage};

/// `triage check` in a case's folder (see [`Test::check_case`]), with its
/// `templates/` if it has one.
fn check_in(case: &Path) -> Test {
    let test = Test::check_case(case).args(["--rules", "rules"]);
    let templates = test.path().join("templates").is_dir();
    let test = if templates {
        test.args(["--templates", "templates"])
    } else {
        test
    };
    test.arg("check")
}

#[test]
fn every_defect_is_reported_where_it_is() {
    insta::glob!("fixtures/check", "*", |case| {
        // The glob also yields fixtures/check itself; `_base` is no case.
        let name = case.file_name().unwrap().to_string_lossy();
        if case.is_dir() && !name.starts_with('_') && case.ends_with(&*name) && name != "check" {
            let test = check_in(case);
            assert_cmd_snapshot!(test.command());
        }
    });
}

#[test]
fn json_findings_one_per_line() {
    let out = check_in(&manifest_dir().join("tests/fixtures/check/yaml_duplicate_key"))
        .args(["--format", "json"])
        .run()
        .status(1);
    let findings: Vec<serde_json::Value> = out
        .stdout
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
    let out = Test::new()
        .args(["--rules", "nowhere", "check"])
        .run()
        .status(2);
    assert!(out.stderr.contains("nowhere"), "{}", out.stderr);
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
