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
    // No finding at all: the probe signals no cause reads carry an `allow:` with its reason.
    assert!(stdout.ends_with("checked, no findings\n"), "{stdout}");
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

#[test]
fn deny_warnings_makes_lints_errors_and_the_shipped_rules_pass_it() {
    let case = manifest_dir().join("tests/fixtures/check/unused_signal");
    let out = check_in(&case).args(["--deny", "warnings"]).run();
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.stdout.contains("error[R401]"), "{}", out.stdout);
    let out = check_in(&case).args(["--deny", "r401"]).run();
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.stdout.contains("error[R401]"), "{}", out.stdout);
    // Without --deny the same lint is a warning and the check passes.
    assert_eq!(check_in(&case).run().code, Some(0));

    let out = check_in(&case).args(["--deny", "R201"]).run();
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("--deny R201: R201 is an error already"),
        "{}",
        out.stderr
    );
    let out = check_in(&case).args(["--deny", "warning"]).run();
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("did you mean `warnings`?"),
        "{}",
        out.stderr
    );

    let shipped = Test::with_shipped_rules()
        .args(["check", "--deny", "warnings"])
        .run();
    assert_eq!(
        shipped.code,
        Some(0),
        "{}{}",
        shipped.stdout,
        shipped.stderr
    );
    assert!(shipped.stdout.contains("no findings"), "{}", shipped.stdout);
}
