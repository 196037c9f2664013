//! `triage check`: one fixture folder per defect under fixtures/check/, each
//! snapshot the rendered diagnostics and the exit code.

use insta_cmd::assert_cmd_snapshot;

use crate::support::{manifest_dir, triage};

/// `triage check` in a fixture folder, with its `templates/` if it has one.
fn check_in(dir: &std::path::Path) -> std::process::Command {
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
    insta::glob!("fixtures/check", "*", |dir| {
        // The glob also yields fixtures/check itself.
        if dir.join("rules").is_dir() {
            assert_cmd_snapshot!(check_in(dir));
        }
    });
}

#[test]
fn json_findings_one_per_line() {
    let dir = manifest_dir().join("tests/fixtures/check/yaml_duplicate_key");
    let out = check_in(&dir).args(["--format", "json"]).output().unwrap();
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
